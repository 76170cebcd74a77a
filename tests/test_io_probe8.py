"""Faults of the readers and exports found by a probe: a decimal NaN that crashed both exports,
and advice on decimal marks that sent a user from one option to the other, or to a reading a
thousand times too small."""

import io
from datetime import datetime
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpikit.io import read_contacts, to_csv, write_workbook
from kpikit.io.exporting import Sheet
from kpikit.schema import SchemaError

_HEADER = "contact_id;arrived_at;answered;wait_s;talk_s\n"


def _cells(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _log(tmp_path, rows: str):
    path = tmp_path / "log.csv"
    path.write_text(_HEADER + rows)
    return path


@pytest.mark.parametrize("missing", [Decimal("sNaN"), Decimal("NaN")])
def test_a_workbook_writes_a_decimal_nan_as_an_empty_cell(missing):
    # Before: Decimal("sNaN") raised decimal.InvalidOperation from inside pandas' isna.
    # By hand: a NaN is a missing value, written as an empty cell (None), as a float NaN is;
    # Decimal("2.5") is exactly the double 2.5, so a number cell.
    table = pd.DataFrame({"cost": [missing, Decimal("2.5")], "nan": [float("nan"), 1.0]})
    assert _cells(write_workbook([Sheet("Costs", table, decimals={"cost": 1})])) == [
        ["cost", "nan"],
        [None, None],
        [2.5, 1],
    ]


def test_csv_writes_a_signalling_decimal_nan_as_a_missing_cell():
    # Before: to_csv raised decimal.InvalidOperation from inside pandas' writer.
    # By hand: the missing cell is empty, as pandas writes Decimal("NaN") and float NaN.
    table = pd.DataFrame({"cost": [Decimal("sNaN"), Decimal("2.5")], "note": ["=x", None]})
    assert to_csv(table) == "cost,note\r\n,'=x\r\n2.5,\r\n"


def test_a_workbook_writes_numpy_times_in_an_object_column_as_times():
    # An object column holding NumPy's datetime64 / timedelta64 (a list of array items).
    # Before: 2026-01-13 09:00 in nanoseconds was the text '1768294800000000000' and 5 ns the
    # number 5. By hand: the time itself, and a duration as pandas' Timedelta column is written
    # ('0 days 00:00:00.000000005'); NaT an empty cell.
    times = [np.datetime64("2026-01-13T09:00:00.000000000"), np.datetime64("NaT"), "x"]
    spans = [np.timedelta64(5, "ns"), np.timedelta64("NaT"), "x"]
    table = pd.DataFrame(
        {"at": pd.Series(times, dtype=object), "span": pd.Series(spans, dtype=object)}
    )
    assert _cells(write_workbook([Sheet("T", table)]))[1:] == [
        [datetime(2026, 1, 13, 9, 0), "0 days 00:00:00.000000005"],
        [None, None],
        ["x", "x"],
    ]


@pytest.mark.parametrize("decimal", [None, ".", ","])
def test_numbers_with_both_decimal_marks_get_advice_that_reads_them(tmp_path, decimal):
    # wait_s writes 12,5 (a decimal comma), talk_s 1.5 (a decimal point). Before: without
    # decimal (or with '.') the advice was "pass decimal=','", which then failed on talk_s
    # with "pass decimal='.'": no option reads the file, and the advice went round in a circle.
    path = _log(tmp_path, "c1;2026-01-13 09:00;True;12,5;1.5\nc2;2026-01-13 09:05;True;3;60\n")
    with pytest.raises(SchemaError) as raised:
        read_contacts(path, decimal=decimal)
    message = str(raised.value)
    assert "no one 'decimal' option reads" in message
    assert "pass decimal=" not in message


def test_one_column_with_both_decimal_marks_gets_the_same_advice(tmp_path):
    # Within one column: 12,5 and 1.5. Before: decimal=',' advised decimal='.', which advised
    # decimal=',' again.
    path = _log(tmp_path, "c1;2026-01-13 09:00;True;12,5;60\nc2;2026-01-13 09:05;True;1.5;60\n")
    with pytest.raises(SchemaError, match="no one 'decimal' option reads"):
        read_contacts(path, decimal=",")


def test_a_thousands_point_is_not_advised_to_be_read_as_a_decimal_one(tmp_path):
    # decimal=',' given (a European file) and talk_s holds 1.234: 1234 s with a thousands
    # point, or 1.234 s. Before: the advice was only "pass decimal='.'", which reads it as
    # 1.234, a thousand times too small if the point separates thousands.
    path = _log(tmp_path, "c1;2026-01-13 09:00;True;12;1.234\nc2;2026-01-13 09:05;True;3;60\n")
    with pytest.raises(SchemaError) as raised:
        read_contacts(path, decimal=",")
    assert "1.234 is 1234 if the point separates thousands" in str(raised.value)


def test_a_decimal_comma_alone_is_still_read(tmp_path):
    # Unchanged: 12,5 with no number written with a point reads as 12.5 s (12 + 5/10).
    path = _log(tmp_path, "c1;2026-01-13 09:00;True;12,5;100\nc2;2026-01-13 09:05;True;3;60\n")
    assert read_contacts(path)["wait_s"].tolist() == [12.5, 3.0]


def test_durations_with_a_comma_fraction_read_with_the_decimal_comma(tmp_path):
    # 0:00:12,5 is 12.5 s and 0:01:02,25 is 60 + 2.25 = 62.25 s. Before: decimal=',' refused
    # them as "not a number", with no advice, as the option that should read them was given.
    rows = "c1;2026-01-13 09:00;True;0:00:12,5;100\nc2;2026-01-13 09:05;True;0:01:02,25;60\n"
    assert read_contacts(_log(tmp_path, rows), decimal=",")["wait_s"].tolist() == [12.5, 62.25]


def test_durations_with_a_comma_fraction_name_the_option_that_reads_them(tmp_path):
    # Without decimal the mark is not guessed from h:mm:ss cells: refused, naming the option.
    # Before: "not a number (values such as '0:00:12,5')" and no advice.
    path = _log(tmp_path, "c1;2026-01-13 09:00;True;0:00:12,5;100\n")
    with pytest.raises(SchemaError, match="fractions of a second with a comma: pass decimal=','"):
        read_contacts(path)


def test_a_comma_separated_file_with_decimal_commas_refuses_a_point_as_others_do(tmp_path):
    # Comma-separated, decimal=',' given, talk_s 1.234: 1234 s with a thousands point, or
    # 1.234 s. Before: read silently as 1.234 (pandas parsed the unquoted cell with a point),
    # while the same file separated by semicolons refused it.
    path = tmp_path / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s,talk_s\n"
        'c1,2026-01-13 09:00,True,"12,5",1.234\nc2,2026-01-13 09:05,True,3,60\n'
    )
    with pytest.raises(SchemaError, match="talk_s: 1 row not a number") as raised:
        read_contacts(path, decimal=",")
    assert "'1.234'" in str(raised.value)


def test_a_comma_separated_file_with_decimal_commas_keeps_its_numbers(tmp_path):
    # Unchanged: "12,5" quoted is 12.5 s, whole numbers stay whole (int64), with or without
    # decimal=','.
    path = tmp_path / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s,talk_s\n"
        'c1,2026-01-13 09:00,True,"12,5",100\nc2,2026-01-13 09:05,True,3,60\n'
    )
    for decimal in (None, ","):
        contacts = read_contacts(path, decimal=decimal)
        assert contacts["wait_s"].tolist() == [12.5, 3.0]
        assert contacts["talk_s"].tolist() == [100, 60]
        assert str(contacts["talk_s"].dtype) == "int64"
