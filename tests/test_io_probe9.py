"""Faults of the readers and exports found by a probe."""

import datetime as dt
import warnings
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpikit.io import ReadWarning, read_contacts, read_dataset
from kpikit.schema import SchemaError

_HEADER = "contact_id,arrived_at,answered,wait_s\n"


def _log(tmp_path, rows: str):
    path = tmp_path / "log.csv"
    path.write_text(_HEADER + rows)
    return path


@pytest.mark.parametrize(
    ("written", "units"),
    [
        # 1767344400 s after 1970-01-01 is 20454 days (1767225600 s) + 118800 s = 33 h:
        # 2026-01-01 + 1 day 09:00, so 2026-01-02 09:00:00 UTC; .5 of a second is cut in the text.
        ("1767344400.5", "seconds"),
        # The same moment in microseconds (x 10**6), 16 digits.
        ("1767344400000000", "microseconds"),
    ],
)
def test_unix_times_with_a_fraction_or_in_microseconds_are_named(tmp_path, written, units):
    path = _log(tmp_path, f"c1,{written},True,12\n")
    with pytest.raises(SchemaError) as raised:
        read_contacts(path)
    message = str(raised.value)
    assert f"these look like Unix times, {units} since 1970-01-01 UTC" in message
    assert f"({written} is 2026-01-02 09:00:00 UTC)" in message
    assert "1 row not a timestamp" in message and "(first ids: c1)" in message
    assert "%d/%m/%Y" not in message  # no day-first format reads a Unix time


def _write_parquet(folder, name, columns):
    pq.write_table(pa.table(columns), folder / f"{name}.parquet")


def test_parquet_dates_and_decimals_read_as_their_csv_text_does(tmp_path):
    # A warehouse export: costs with a DATE period and a DECIMAL(10, 2) cost. The same values
    # in a CSV file (2026-03-01,100.50) read as 2026-03-01 00:00 and 100.5; before, the
    # reader refused both columns as "Python objects" with advice for a frame the user
    # does not hold.
    _write_parquet(
        tmp_path,
        "contacts",
        {
            "contact_id": ["c1"],
            "arrived_at": pa.array([dt.datetime(2026, 3, 2, 9)]),
            "answered": [True],
            "wait_s": pa.array([Decimal("12.50")], pa.decimal128(6, 2)),
        },
    )
    _write_parquet(
        tmp_path,
        "costs",
        {
            "period_start": pa.array([dt.date(2026, 3, 1), None], pa.date32()),
            "cost": pa.array([Decimal("100.50"), Decimal("0.25")], pa.decimal128(10, 2)),
        },
    )
    with pytest.raises(SchemaError) as raised:  # the missing period is still reported
        read_dataset(tmp_path)
    assert str(raised.value).endswith(
        "- costs.period_start: 1 row empty in a required column (first row positions: 1)"
    )
    assert len(raised.value.problems) == 1
    read = read_dataset(tmp_path, validate=False)
    assert read.costs["period_start"].tolist()[0] == pd.Timestamp("2026-03-01")
    assert pd.api.types.is_datetime64_dtype(read.costs["period_start"])
    assert read.costs["cost"].tolist() == [100.5, 0.25]
    assert read.contacts["wait_s"].tolist() == [12.5]


def test_a_parquet_date_pandas_cannot_hold_is_named_with_its_row(tmp_path):
    # 0001-01-01, a placeholder for "no date", is before 1677-09-21, the first time pandas
    # holds in nanoseconds: one row (position 1 of 2) is named, written as ISO.
    _write_parquet(
        tmp_path,
        "contacts",
        {
            "contact_id": ["c1", "c2"],
            "arrived_at": pa.array([dt.date(2026, 3, 2), dt.date(1, 1, 1)], pa.date32()),
            "answered": [True, False],
            "wait_s": [1.0, 2.0],
        },
    )
    with pytest.raises(SchemaError) as raised, warnings.catch_warnings():
        warnings.simplefilter("ignore", ReadWarning)  # dates without a time of day
        read_contacts(tmp_path / "contacts.parquet")
    message = str(raised.value)
    assert "contacts.arrived_at: 1 row outside the times pandas can hold" in message
    assert "(values such as '0001-01-01')" in message and "(first ids: c2)" in message


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_a_space_between_thousands_is_named_as_a_thousands_separator(tmp_path, space):
    # French Excel writes 1234.50 as "1 234,50" with a (no-break) space between thousands;
    # with decimal="," one row of two (position 0) cannot be read, and the advice says why.
    path = tmp_path / "costs.csv"
    path.write_text(f"period_start;cost\n2026-01-01;1{space}234,50\n2026-02-01;99,5\n")
    (tmp_path / "contacts.csv").write_text(_HEADER + "c1,2026-01-02 09:00,True,12\n")
    with pytest.raises(SchemaError) as raised:
        read_dataset(tmp_path, decimal=",")
    message = str(raised.value)
    assert "costs.cost: 1 row not a number (values such as '1" in message
    assert "these hold thousands separators, which no option reads" in message
    assert message.endswith("(first row positions: 0)")


def test_a_column_in_milliseconds_is_not_called_the_seconds_column(tmp_path):
    # A platform exports the wait in milliseconds: 1500 ms is 1.5 s. Renamed as advised
    # before ("is 'wait_ms' the same? rename it"), every wait would be 1000 times too long.
    path = tmp_path / "log.csv"
    path.write_text("contact_id,arrived_at,answered,wait_ms\nc1,2026-01-02 09:00,True,1500\n")
    with pytest.raises(SchemaError) as raised:
        read_contacts(path)
    message = str(raised.value)
    assert "the same? rename it" not in message
    assert (
        "'wait_ms' looks like it in milliseconds, but wait_s is in seconds: divide it by 1000 "
        "before naming it wait_s"
    ) in message


def _flags_log(tmp_path):
    # pandas writes a 0/1 column with a missing value as 1.0/0.0/empty; c2's transferred
    # is empty (not answered, so no flag needed).
    path = tmp_path / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s,transferred\n"
        "c1,2026-01-02 09:00,1.0,12,0.0\n"
        "c2,2026-01-02 09:05,0.0,40,\n"
    )
    return path


def test_flags_written_as_floats_get_advice_that_reads_them(tmp_path):
    with pytest.raises(SchemaError) as raised:
        read_contacts(_flags_log(tmp_path))
    assert "- contacts.answered: holds '1', '0' instead of True/False: pass true_values=['1'] " in (
        str(raised.value)
    )
    # The advice read as told: answered [True, False], transferred [False, missing].
    read = read_contacts(_flags_log(tmp_path), true_values=["1"], false_values=["0"])
    assert read["answered"].tolist() == [True, False]
    assert read["transferred"].tolist() == [False, pd.NA]


def test_flag_words_written_as_the_file_shows_them_read_too(tmp_path):
    # Before, true_values=["1.0"] was silently never matched: the cells read as the number 1.0
    # were looked up as '1', the word as '1.0', and the same error came back.
    read = read_contacts(_flags_log(tmp_path), true_values=["1.0"], false_values=["0.0"])
    assert read["answered"].tolist() == [True, False]
    assert read["transferred"].tolist() == [False, pd.NA]


def test_whole_decimal_ids_of_a_warehouse_export_read_as_their_digits(tmp_path):
    # NUMBER(38, 0) ids unload to Parquet as DECIMAL(38, 0). 12345678901234567890 is above
    # 2**63 - 1 = 9223372036854775807 and no float holds it exactly (its nearest float is
    # 12345678901234567168); as text its 20 digits are kept, as a CSV file's ids are.
    _write_parquet(
        tmp_path,
        "contacts",
        {
            "contact_id": pa.array(
                [Decimal("12345678901234567890"), Decimal("2")], pa.decimal128(38, 0)
            ),
            "arrived_at": pa.array([dt.datetime(2026, 1, 2, 9)] * 2),
            "answered": [True, False],
            "wait_s": [1.0, 2.0],
        },
    )
    read = read_contacts(tmp_path / "contacts.parquet")
    assert read["contact_id"].tolist() == ["12345678901234567890", "2"]
