"""Forecasts of a lazy log (parquet files, a DuckDB relation, polars frames) read it added up per
group and minute of arrival by its own engine (kpikit.forecast._minutes): the forecasts, the
warnings and the errors must be those of the same log read contact by contact in pandas."""

import warnings

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit.forecast._series import arrivals
from kpikit.schema import SchemaError
from kpikit.whatif._day_plan import _log

SOURCES = ("duckdb", "polars", "polars_lazy", "path")


def log_around(change, weeks=5, zone="Europe/Paris", seed=7):
    """``weeks`` of contacts at random seconds ending two days after the clock ``change``, in
    ``zone``: two queues, busier 08:00-18:00, a tenth abandoned, some talk times missing."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(change, tz=zone) + pd.Timedelta("2D")
    start = end - pd.Timedelta(weeks=weeks)
    seconds = rng.integers(0, int((end - start).total_seconds()), 12_000)
    arrived = (start + pd.to_timedelta(np.sort(seconds), unit="s")).tz_convert(zone)
    daytime = (arrived.hour >= 8) & (arrived.hour < 18)
    arrived = arrived[daytime | (rng.random(len(arrived)) < 0.3)]
    count = len(arrived)
    answered = rng.random(count) > 0.1
    hold = np.where(answered, 10.0, 0.0)
    hold[rng.random(count) < 0.05] = np.nan  # not recorded: counts as none
    return pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(count)],
            "arrived_at": arrived,
            "answered": answered,
            "wait_s": rng.exponential(20.0, count),
            "queue": rng.choice(["billing", "sales"], count),
            "talk_s": np.where(answered, rng.gamma(2.0, 120.0, count), 0.0),
            "hold_s": hold,
        }
    )


def source(log, kind, tmp_path):
    if kind == "duckdb":
        connection = duckdb.connect()
        zone = log["arrived_at"].dt.tz
        if zone is not None:
            connection.execute("SET TimeZone = ?", [str(zone)])
        return connection.from_df(log)
    if kind == "polars":
        return pl.from_pandas(log)
    if kind == "polars_lazy":
        return pl.from_pandas(log).lazy()
    path = tmp_path / "log.parquet"
    log.to_parquet(path)
    return str(path)


def assert_same_forecast(expected, got):
    order = [*(c for c in expected.columns if c in ("queue",)), "period"]
    pd.testing.assert_frame_equal(
        expected.sort_values(order).reset_index(drop=True),
        got.sort_values(order).reset_index(drop=True),
        check_dtype=False,
        rtol=1e-9,  # the engine adds handle times in another order
    )


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize(
    ("change", "options"),
    [
        ("2024-03-31", {"freq": "hour", "horizon": "2D", "by": "queue"}),
        ("2024-10-27", {"freq": "30min", "horizon": "1D"}),
        ("2024-10-27", {"freq": "day", "horizon": "7D", "by": "queue"}),
        # an `until` inside a minute that holds contacts before and after it
        ("2024-10-27", {"freq": "15min", "horizon": "4h", "until": "2024-10-28 10:07:31"}),
    ],
)
def test_a_lazy_log_forecasts_as_the_pandas_one_across_a_clock_change(
    kind, change, options, tmp_path
):
    log = log_around(change)
    forecast = {"model": "seasonal_naive", "targets": ("volume", "aht"), **options}
    expected = kk.forecast.forecast(log, **forecast)
    got = kk.forecast.forecast(source(log, kind, tmp_path), **forecast)
    assert_same_forecast(expected.intervals, got.intervals)
    assert got.until == expected.until


def test_the_engine_adds_up_each_minute_and_keeps_its_first_and_last_arrival():
    log = log_around("2024-03-31")
    counted = arrivals(duckdb.from_df(log), ["queue"], freq="hour")
    # by hand: every contact counted once, in fewer rows than contacts
    assert counted["offered"].sum() == len(log) > len(counted)
    assert counted["answered"].sum() == log["answered"].sum()
    handle = log["talk_s"] + log["hold_s"].fillna(0.0)
    assert counted["handle_s"].sum() == pytest.approx(handle[log["answered"]].sum(), rel=1e-12)
    first, last = counted["arrived_at"], counted["last_at"]
    assert (first <= last).all() and (first.dt.floor("min") == last.dt.floor("min")).all()
    assert first.min() == log["arrived_at"].min() and last.max() == log["arrived_at"].max()


def test_the_usual_run_model_choice_is_the_same(tmp_path):
    log = log_around("2024-10-27", weeks=6)
    options = {"freq": "hour", "horizon": "1D", "by": "queue", "origins": 2, "spacing": "3D"}
    expected = kk.forecast.forecast(log, **options)
    got = kk.forecast.forecast(source(log, "duckdb", tmp_path), **options)
    assert_same_forecast(expected.intervals, got.intervals)
    pd.testing.assert_frame_equal(expected.chosen, got.chosen, check_dtype=False)


@pytest.mark.parametrize("kind", SOURCES)
def test_a_gap_in_a_lazy_log_is_named_as_in_the_pandas_one(kind, tmp_path):
    log = log_around("2024-10-27")
    day = log["arrived_at"].dt.normalize()
    gap = (day >= pd.Timestamp("2024-10-10", tz="Europe/Paris")) & (
        day < pd.Timestamp("2024-10-16", tz="Europe/Paris")
    )
    log = log[~gap].reset_index(drop=True)
    options = {"freq": "hour", "horizon": "1D", "model": "seasonal_naive", "history": "21D"}
    with pytest.warns(UserWarning, match="no contact for more than 4 days") as expected:
        kk.forecast.volume(log, **options)
    with pytest.warns(UserWarning, match="no contact for more than 4 days") as got:
        kk.forecast.volume(source(log, kind, tmp_path), **options)
    assert [str(w.message) for w in got] == [str(w.message) for w in expected]


@pytest.mark.parametrize("kind", SOURCES)
def test_a_bad_value_in_a_lazy_log_is_named_with_its_row_positions(kind, tmp_path):
    log = log_around("2024-03-31")
    log.loc[[3, 8], "talk_s"] = -5.0
    options = {"freq": "hour", "horizon": "1D", "model": "seasonal_naive"}  # AHT reads talk_s
    with pytest.raises(SchemaError) as expected:
        kk.forecast.forecast(log, **options)
    with pytest.raises(SchemaError) as got:
        kk.forecast.forecast(source(log, kind, tmp_path), **options)
    assert "2 rows below 0 (first row positions: 3, 8)" in str(expected.value)
    assert str(got.value) == str(expected.value)


def test_handle_times_whose_sum_overflows_are_named_as_in_pandas():
    log = log_around("2024-03-31")
    log.loc[log["answered"], "talk_s"] = 1e308
    with pytest.raises(ValueError, match="too large to add up") as expected:
        kk.forecast.forecast(log, freq="hour", horizon="1D", model="seasonal_naive")
    with pytest.raises(ValueError, match="too large to add up") as got:
        kk.forecast.forecast(duckdb.from_df(log), freq="hour", horizon="1D", model="seasonal_naive")
    assert str(got.value) == str(expected.value)


def test_an_empty_lazy_log_is_refused_as_an_empty_frame():
    empty = log_around("2024-03-31").head(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="has no contacts"):
            kk.forecast.volume(duckdb.from_df(empty), freq="hour", horizon="1D")


@pytest.mark.parametrize("kind", SOURCES)
def test_a_day_plan_of_a_lazy_log_is_the_pandas_one(kind, tmp_path):
    # The day plan filters the channel and the history where the log lies, then forecasts it
    # per minute; the log here has a channel column and ends on the day after the autumn change.
    log = log_around("2024-10-27", weeks=6).assign(
        channel=lambda frame: np.where(frame.index % 3 == 0, "chat", "phone")
    )
    lazy = source(log, kind, tmp_path)
    assert not isinstance(_log(lazy, "chat")[0], pd.DataFrame)  # left where it lies
    assert kk.whatif.plan_days(lazy, channel="chat") == kk.whatif.plan_days(log, channel="chat")
    for day in (None, "2024-10-27"):
        expected = kk.whatif.forecast_day(log, day, channel="chat")
        got = kk.whatif.forecast_day(lazy, day, channel="chat")
        assert_same_forecast(expected.intervals, got.intervals)
        pd.testing.assert_frame_equal(expected.chosen, got.chosen)
    assert len(got.intervals) == 50  # by hand: the autumn day has 25 hours of half hours
    with pytest.raises(ValueError, match="'channel' is 'sms', but no contact has it"):
        kk.whatif.forecast_day(lazy, channel="sms")
    with pytest.raises(ValueError, match="No contact before 2024-09-01"):
        kk.whatif.forecast_day(lazy, "2024-09-01", channel="chat")
