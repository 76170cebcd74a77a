"""The helpers that read contacts into pandas (forecasts, calibration, day plans) take parquet
files as kk.compute does, and bring only the columns they use from a lazy source."""

import duckdb
import pandas as pd
import pytest

import kpikit as kk
from kpikit.calibrate import checked_contacts, patience_exponential


@pytest.fixture(scope="module")
def contacts():
    return kk.load_sample().contacts


@pytest.fixture(scope="module")
def partitioned(contacts, tmp_path_factory):
    """The sample written partitioned by channel, as Spark's partitionBy writes it."""
    folder = tmp_path_factory.mktemp("log")
    for channel, part in contacts.groupby("channel"):
        (folder / f"channel={channel}").mkdir()
        part.drop(columns="channel").to_parquet(folder / f"channel={channel}" / "p.parquet")
    return folder


def test_a_volume_forecast_of_parquet_files_equals_that_of_the_frame(contacts, partitioned):
    options = {"freq": "day", "horizon": "7D", "by": "channel", "model": "seasonal_naive"}
    expected = kk.forecast.volume(contacts, **options)
    got = kk.forecast.volume(partitioned, **options)
    order = ["channel", "period"]
    pd.testing.assert_frame_equal(
        expected.sort_values(order).reset_index(drop=True),
        got.sort_values(order).reset_index(drop=True),
        check_dtype=False,
    )


def test_calibration_reads_parquet_files(contacts, partitioned):
    expected = patience_exponential(contacts, by="channel").sort_values("channel")
    got = patience_exponential(str(partitioned), by="channel").sort_values("channel")
    pd.testing.assert_frame_equal(
        expected.reset_index(drop=True), got.reset_index(drop=True), check_dtype=False
    )


def test_a_lazy_source_brings_only_the_columns_read(contacts):
    relation = duckdb.from_df(contacts)
    frame = checked_contacts(
        relation, ["arrived_at", "answered"], optional=["talk_s", "no_such_column"], by=["queue"]
    )
    # and the contact ids, checked for repeats as kk.compute checks them
    assert frame.columns.tolist() == ["arrived_at", "answered", "queue", "talk_s", "contact_id"]
    assert len(frame) == len(contacts)


def test_a_missing_column_of_a_lazy_source_is_named_with_those_it_has(contacts):
    relation = duckdb.from_df(contacts.drop(columns="answered"))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['answered'\].*'wait_s'"):
        checked_contacts(relation, ["arrived_at", "answered"], optional=["talk_s"])


def test_a_day_plan_of_parquet_files_keeps_the_channel(contacts, partitioned):
    # the channel lives in the folder names; dropped, every contact was planned for
    day = kk.whatif.plan_days(partitioned, channel="chat")[-1]
    expected = kk.whatif.forecast_day(contacts, day, channel="chat").intervals
    got = kk.whatif.forecast_day(partitioned, day, channel="chat").intervals
    pd.testing.assert_frame_equal(expected, got, check_dtype=False)
    every = kk.whatif.forecast_day(contacts, day, channel=None).intervals
    assert got["volume"].sum() < every["volume"].sum()
