"""Faults of the exports found by a probe: column names written the same, float32 numbers
changed in a workbook, durations with minutes or seconds past 59 read as if valid."""

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpikit.display import format_value
from kpikit.io import read_contacts, read_upload, to_csv, to_excel, write_workbook
from kpikit.io.detect import detect
from kpikit.io.exporting import Sheet, kpi_sheet, write_parquet
from kpikit.schema import SchemaError


def _cells(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize(
    ("columns", "shown"),
    [([1, "1"], ["1"]), ([True, "True"], ["True"]), ([None, ""], [""])],
)
def test_csv_refuses_column_names_its_header_writes_the_same(columns, shown):
    # Before: the header was "1,1" (or "True,True", ","): two columns of one name, which
    # pandas reads back as "1" and "1.1", silently renamed.
    table = pd.DataFrame([[1, 2]], columns=columns)
    with pytest.raises(ValueError, match="read the same") as raised:
        to_csv(table)
    assert str(shown) in str(raised.value)


def test_a_workbook_refuses_column_names_written_the_same(tmp_path):
    # Before: a header row "1 | 1" in the sheet, the two columns no longer told apart.
    table = pd.DataFrame([[1, 2, 3]], columns=[1, "team", "1"])
    with pytest.raises(ValueError) as raised:
        write_workbook([Sheet("KPIs", table)])
    assert str(raised.value) == (
        "Value of 'table' of sheet 'KPIs' has column names that read the same as text: ['1'] "
        "at positions [0, 2]; rename one of each"
    )
    with pytest.raises(ValueError, match="read the same as text"):
        to_excel(table, tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_a_workbook_holds_float32_numbers_as_they_show():
    # Before: float32 0.1 was stored as 0.10000000149011612 (its binary value widened to a
    # double) while to_csv wrote 0.1; now the cell holds 0.1 as to_csv writes it, and 1/3 as
    # float32 prints, 0.33333334.
    table = pd.DataFrame({"rate": np.array([0.1, 1 / 3], dtype="float32")})
    assert _cells(write_workbook([Sheet("s", table)])) == [["rate"], [0.1], [0.33333334]]
    assert to_csv(table) == "rate\r\n0.1\r\n0.33333334\r\n"


@pytest.mark.parametrize("duration", ["0:00:75", "0:61:00"])
def test_a_duration_with_minutes_or_seconds_past_59_is_refused(tmp_path, duration):
    # Before: "0:00:75" was read as 75 s and "0:61:00" as 3,660 s (1:01:00), without a word;
    # h:mm:ss has minutes and seconds from 00 to 59, so the cell is no clock reading.
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s,talk_s\n"
        f"1,2026-01-05 09:00,True,{duration},100\n"
        "2,2026-01-05 09:00,True,4,100\n"
    )
    with pytest.raises(SchemaError) as raised:
        read_contacts(path)
    assert (
        f"contacts.wait_s: 1 row not a number (values such as '{duration}'); durations are read "
        "as h:mm:ss, with minutes and seconds from 00 to 59: correct these (first ids: 1)"
    ) in str(raised.value)


def test_a_valid_duration_is_still_read_as_seconds(tmp_path):
    # 10:59:59.5 = 10 * 3600 + 59 * 60 + 59.5 = 39,599.5 s; 0:01:00 = 60 s.
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s,talk_s\n1,2026-01-05 09:00,True,10:59:59.5,0:01:00\n"
    )
    contacts = read_contacts(path)
    assert contacts[["wait_s", "talk_s"]].values.tolist() == [[39599.5, 60.0]]


def test_rounding_in_a_workbook_ignores_floating_point_noise_as_the_dashboards_do():
    # 80.85 summed in two orders is 80.84999999999998 or 80.85000000000002; the float 80.85
    # lies just below 80.85, so to 1 decimal both are 80.8, as format_value shows them
    # ("80.8 %"). Before: the second was stored as 80.9. Likewise 0.1 + 0.05 =
    # 0.15000000000000002 is 0.1 (the float 0.15 lies below 0.15), not 0.2.
    table = pd.DataFrame({"kpi": ["service_level"] * 3})
    table["value"] = [80.84999999999998, 80.85000000000002, 0.1 + 0.05]
    content = write_workbook([kpi_sheet(table)])
    assert [row[1] for row in _cells(content)[1:]] == [80.8, 80.8, 0.1]
    assert [format_value(value, "percent") for value in table["value"]] == [
        "80.8 %",
        "80.8 %",
        "0.1 %",
    ]


def test_spaces_around_dates_neither_hide_an_ambiguous_order_nor_fail_the_read(tmp_path):
    # Before: " 13/02/2026 09:00" and "03/04/2026 10:00 " (spaces around, as exports leave
    # them) were refused as "not a timestamp ... the other values follow the format
    # '%d/%m/%Y %H:%M'" though no other value did, and detect() called ambiguous dates with
    # spaces "day first". Now the spaces are cut: 13/02 proves day first, so 03/04/2026 is
    # 3 April; without a day above 12 the order is asked for.
    path = tmp_path / "contacts.csv"
    header = "contact_id,arrived_at,answered,wait_s,talk_s\n"
    path.write_text(header + "1, 13/02/2026 09:00,True,4,100\n2,03/04/2026 10:00 ,True,4,100\n")
    assert read_contacts(path)["arrived_at"].tolist() == [
        pd.Timestamp("2026-02-13 09:00"),
        pd.Timestamp("2026-04-03 10:00"),
    ]
    path.write_text(header + "1, 01/02/2026 09:00,True,4,100\n2,03/04/2026 10:00 ,True,4,100\n")
    with pytest.raises(SchemaError, match="read both day first and month first"):
        read_contacts(path)
    assert detect(path).date_guess.ambiguous


def test_write_parquet_keeps_a_named_index_as_to_csv_does(tmp_path):
    # Before: a frame indexed by its only column (set_index("team")) was written with no
    # column at all, and a groupby result lost its groups, without a word. Now the index is
    # the leading column, as to_csv and to_excel write it: calls of n = 1 + 3 = 4, of s = 2.
    grouped = pd.DataFrame({"team": ["n", "s", "n"], "calls": [1, 2, 3]}).groupby("team").sum()
    written = write_parquet(grouped, tmp_path / "calls.parquet")
    assert pd.read_parquet(written).to_dict("list") == {"team": ["n", "s"], "calls": [4, 2]}
    only_index = pd.DataFrame({"team": ["n", "s"]}).set_index("team")
    written = write_parquet(only_index, tmp_path / "teams.parquet")
    assert pd.read_parquet(written).to_dict("list") == {"team": ["n", "s"]}


def test_write_parquet_refuses_column_names_that_read_the_same(tmp_path):
    # Before: pyarrow's "Multiple matches for FieldRef.Name(1) in 1: int64 ...
    # __fragment_index: int32 ...", naming neither the problem nor the fix.
    table = pd.DataFrame([[1, 2]], columns=[1, "1"])
    with pytest.raises(ValueError) as raised:
        write_parquet(table, tmp_path / "t.parquet")
    assert str(raised.value) == (
        "Value of 'frame' has column names that read the same as text: ['1'] at positions "
        "[0, 1]; rename one of each"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_parquet_file_named_csv_says_what_it_is(tmp_path):
    # Before: "it holds NUL bytes, so it is not CSV text (or it is UTF-16 text without a byte
    # order mark: pass encoding='utf-16')", a fix that cannot work.
    path = tmp_path / "log.csv"
    pd.DataFrame({"contact_id": [1]}).to_parquet(path)
    for read in (lambda: read_contacts(path), lambda: read_upload(path.read_bytes(), "log.csv")):
        with pytest.raises(ValueError, match=r"it is a Parquet file, not CSV text: name it \.parq"):
            read()


def test_a_csv_file_named_parquet_says_it_looks_like_csv():
    # Before: pyarrow's "Parquet magic bytes not found in footer" alone.
    content = b"contact_id,arrived_at\n1,2026-01-05 09:00\n"
    with pytest.raises(ValueError, match=r"looks like a CSV file: name it \.csv"):
        read_upload(content, "log.parquet")
