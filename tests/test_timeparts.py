"""Tests for kpikit.timeparts.add_hour_weekday."""

import pandas as pd
import pytest

import kpikit as kk
from kpikit.timeparts import add_hour_weekday

CONTACTS = pd.DataFrame(
    {
        "contact_id": [1, 2, 3],
        # 2024-01-01 is a Monday, 2024-01-07 a Sunday.
        "arrived_at": pd.to_datetime(["2024-01-01 09:15", "2024-01-07 23:59", "2024-01-03 00:00"]),
        "answered": [True, False, True],
        "wait_s": [5.0, 60.0, 10.0],
    }
)


def test_hour_and_iso_weekday():
    out = add_hour_weekday(CONTACTS)
    assert out["weekday"].tolist() == [1, 7, 3]
    assert out["hour"].tolist() == [9, 23, 0]
    assert "weekday" not in CONTACTS.columns  # the input is not modified


def test_dataset_and_polars_keep_their_kind():
    dataset = add_hour_weekday(kk.Dataset(contacts=CONTACTS))
    assert isinstance(dataset, kk.Dataset) and "hour" in dataset.contacts.columns
    polars = pytest.importorskip("polars")
    out = add_hour_weekday(polars.from_pandas(CONTACTS))
    assert isinstance(out, polars.DataFrame) and out["weekday"].to_list() == [1, 7, 3]


def test_groups_like_any_column():
    table = kk.compute(add_hour_weekday(CONTACTS), kpis="answer_rate", by=["weekday", "hour"])
    assert table[["weekday", "hour", "value"]].values.tolist() == [
        [1, 9, 100.0],
        [3, 0, 100.0],
        [7, 23, 0.0],
    ]


def test_unknown_column():
    with pytest.raises(ValueError, match="'column'"):
        add_hour_weekday(CONTACTS, column="started_at")


def test_a_column_it_would_replace_is_refused():
    # A team's own "hour" (of its shift) was overwritten with the hour of arrival, silently.
    with pytest.raises(ValueError, match="already have a column named 'hour', which"):
        add_hour_weekday(CONTACTS.assign(hour=[1, 1, 2]))
    with pytest.raises(ValueError, match="named 'weekday' and 'hour'"):
        add_hour_weekday(add_hour_weekday(CONTACTS))


@pytest.mark.parametrize(
    ("values", "held", "advice"),
    [
        (["2024-01-01 09:00"], "text", r"parse the text first .*pandas.to_datetime"),
        ([1704099600], "integers", r"convert it to timestamps first with pandas.to_datetime"),
        ([1.5], "floats", r"convert it to timestamps first with pandas.to_datetime"),
    ],
)
def test_column_must_hold_timestamps(values, held, advice):
    # pandas' "Can only use .dt accessor with datetimelike values" before
    with pytest.raises(
        kk.SchemaError, match=rf"contacts.arrived_at: wrong type: holds {held} .*; {advice}"
    ):
        add_hour_weekday(pd.DataFrame({"arrived_at": values}))


def test_dates_have_no_hour():
    polars = pytest.importorskip("polars")
    dates = polars.DataFrame({"day": [pd.Timestamp("2024-01-01").date()]})
    with pytest.raises(kk.SchemaError, match="contacts.day: wrong type: holds dates"):
        add_hour_weekday(dates, column="day")


def test_repeated_column_names():
    # narwhals' DuplicateError before
    repeated = pd.concat([CONTACTS, CONTACTS[["arrived_at"]]], axis=1)
    with pytest.raises(
        kk.SchemaError, match="contacts.arrived_at: column name appears more than once"
    ):
        add_hour_weekday(repeated)


@pytest.mark.parametrize("missing", [None, pd.NA, float("nan")])
def test_a_column_of_missing_values_only_is_named(missing):
    # pandas' "Can only use .dt accessor with datetimelike values" before: an object column of
    # missing values has no type to check, so the type check let it through.
    with pytest.raises(
        kk.SchemaError, match="contacts.arrived_at: holds no timestamps, only missing values"
    ):
        add_hour_weekday(pd.DataFrame({"arrived_at": pd.Series([missing] * 2, dtype=object)}))


def test_missing_times_of_a_timestamp_column_give_missing_parts():
    out = add_hour_weekday(pd.DataFrame({"arrived_at": pd.to_datetime([None, "2024-01-01 09:15"])}))
    assert out["hour"].isna().tolist() == [True, False] and out["hour"].iloc[1] == 9


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ("contacts.parquet", "'contacts.parquet' (str)"),
        (kk.Dataset(contacts="contacts.parquet"), "'contacts.parquet' (str)"),
        (None, "None (NoneType)"),
        (CONTACTS["arrived_at"], "a Series"),
    ],
)
def test_what_is_not_a_dataframe_is_refused_by_name(data, shown):
    # narwhals' own "Unsupported dataframe type, got: <class 'str'>" named no parameter.
    with pytest.raises(TypeError, match=r"Value of 'data' must be a kpikit Dataset") as error:
        add_hour_weekday(data)
    assert f"but received: {shown};" in str(error.value)
