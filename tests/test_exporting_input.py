"""Tests for kpikit.io.exporting on awkward input: control characters, infinities, repeated
column names, bad paths and bad sheet options (each refused with a named error, or written
losslessly)."""

import gc
import io
import sys

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.escape import unescape

from kpikit.io import Sheet, safe_export_path, to_csv, to_excel, write_workbook

TABLE = pd.DataFrame({"v": [1.25]})


# ---- Excel cell text and numbers -------------------------------------------------------------


def test_excel_writes_control_characters_with_the_xhhhh_escape(tmp_path):
    notes = ["line\x0bbreak", "nul\x00\x01", "cr\r", "_x0041_ typed", "tab\tnl\n", "=1\x0b"]
    target = to_excel(pd.DataFrame({"note\x0c": notes}), tmp_path / "c.xlsx")
    sheet = openpyxl.load_workbook(target).active
    written = [cell.value for cell in sheet["A"]]
    # What openpyxl (and so pandas) reads: the escapes themselves; tab and line feed as they are.
    assert written == [
        "note_x000C_",
        "line_x000B_break",
        "nul_x0000__x0001_",
        "cr_x000D_",
        "_x005F_x0041_ typed",  # a literal "_x0041_" keeps its underscore escaped
        "tab\tnl\n",
        "=1_x000B_",
    ]
    assert sheet["A7"].data_type == "s"  # still text, not a formula
    # Decoded as Excel does (ST_Xstring), every cell is the original text again.
    assert [unescape(value) for value in written] == ["note\x0c", *notes]
    assert pd.read_excel(target)["note_x000C_"].tolist() == written[1:]


def test_excel_sheet_title_control_characters_are_replaced(tmp_path):
    target = to_excel(TABLE, tmp_path / "t.xlsx", sheet_name="a\x0bb\tc")
    assert openpyxl.load_workbook(target).sheetnames == ["a-b-c"]


def test_excel_writes_infinity_as_text(tmp_path):
    table = pd.DataFrame({"v": [float("inf"), float("-inf"), float("nan"), 2.25]})
    target = write_workbook([Sheet("s", table, decimals={"v": 1})], tmp_path / "inf.xlsx")
    sheet = openpyxl.load_workbook(target).active
    assert [cell.value for cell in sheet["A"]] == ["v", "inf", "-inf", None, 2.2]
    assert sheet["A2"].data_type == "s" and sheet["A3"].data_type == "s"


@pytest.mark.parametrize("to_file", [True, False])
def test_failed_workbook_write_leaves_no_noise_and_no_file(tmp_path, monkeypatch, to_file):
    caught = []
    monkeypatch.setattr(sys, "unraisablehook", caught.append)
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    # The first sheet is being written when the second one's fill turns out wrong.
    sheets = [Sheet("ok", TABLE), Sheet("bad", TABLE, fills=pd.DataFrame({"v": ["nope"]}))]
    with pytest.raises(ValueError, match=r"Value of \"fills\['v'\]\" must be a colour"):
        write_workbook(sheets, target if to_file else None)
    gc.collect()
    assert caught == []  # no "I/O operation on closed file" from a half-closed sheet stream
    assert target.read_bytes() == b"old"


# ---- repeated column names -------------------------------------------------------------------


def test_to_csv_refuses_repeated_column_names():
    with pytest.raises(ValueError, match=r"'frame' has the column\(s\) \['a'\] more than once"):
        to_csv(pd.DataFrame([["=1", "=2", 3]], columns=["a", "a", "b"]))


def test_to_csv_quoting_a_name_onto_another_keeps_both_columns():
    # "=a" is written "'=a", the other column's name: both columns are still neutralised.
    assert to_csv(pd.DataFrame({"=a": ["=1"], "'=a": ["@x"]})) == "'=a,'=a\r\n'=1,'@x\r\n"


def test_excel_refuses_repeated_column_names(tmp_path):
    frame = pd.DataFrame([["=1", 2.5]], columns=["a", "a"])
    with pytest.raises(ValueError, match=r"'frame' has the column\(s\) \['a'\] more than once"):
        to_excel(frame, tmp_path / "d.xlsx")
    with pytest.raises(ValueError, match=r"'table' has the column\(s\) \['a'\] more than once"):
        write_workbook([Sheet("s", frame)])
    assert not (tmp_path / "d.xlsx").exists()


# ---- paths -----------------------------------------------------------------------------------


def test_export_paths_with_a_null_character_are_refused(tmp_path):
    path = str(tmp_path / "a\x00.csv")
    message = r"'path' must not contain a null character; received: '.*a\\x00\.csv'"
    with pytest.raises(ValueError, match=message):
        safe_export_path(path)
    with pytest.raises(ValueError, match=message):
        to_csv(TABLE, path)
    with pytest.raises(ValueError, match=r"'path' must not contain a null character"):
        to_excel(TABLE, str(tmp_path / "a\x00.xlsx"))


def test_export_paths_with_a_too_long_name_are_refused(tmp_path):
    path = tmp_path / ("a" * 300 + ".csv")
    with pytest.raises(ValueError, match=r"'path' is refused by the system \(File name too long"):
        safe_export_path(path)
    with pytest.raises(ValueError, match=r"'path' is refused by the system"):
        to_csv(TABLE, path)


def test_safe_export_path_takes_one_suffix_as_a_str(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.csv; received: 'report\.v'"):
        safe_export_path("report.v", ".csv")
    assert safe_export_path(tmp_path / "r.CSV", ".csv") == (tmp_path / "r.CSV").resolve()


@pytest.mark.parametrize("suffixes", [None, [], [".csv", 1], 3])
def test_safe_export_path_refuses_other_suffix_kinds(suffixes):
    with pytest.raises(TypeError, match=r"'allowed_suffixes' must be a str or a non-empty"):
        safe_export_path("report.csv", suffixes)


# ---- sheet options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"decimals": {"v": "x"}}, TypeError, r"\"decimals\['v'\]\" must be a whole number.*'x'"),
        ({"decimals": {"v": -1}}, ValueError, r"\"decimals\['v'\]\" must be .* >= 0 .*: -1"),
        ({"decimals": {"v": 1.5}}, ValueError, r"\"decimals\['v'\]\" must be .*: 1\.5"),
        ({"decimals": {"v": 31}}, ValueError, r"\"decimals\['v'\]\" must be .* <= 30 .*: 31"),
        ({"frozen_columns": -1}, ValueError, r"'frozen_columns' must be .* >= 0 .*: -1"),
        ({"frozen_columns": "a"}, TypeError, r"'frozen_columns' must be a whole number.*'a'"),
        ({"frozen_columns": True}, TypeError, r"'frozen_columns' must be a whole number.*True"),
        ({"fills": {"v": "red"}}, ValueError, r"\"fills\['v'\]\" must be a colour .*'red'"),
        ({"fills": {"v": "#F4CDB"}}, ValueError, r"\"fills\['v'\]\" must be a colour .*'#F4CDB'"),
        ({"fills": {"v": 5}}, TypeError, r"\"fills\['v'\]\" must be a colour .*: 5 \(int\)"),
    ],
)
def test_sheet_refuses_bad_options_when_made(options, error, message):
    with pytest.raises(error, match=message):
        Sheet("s", TABLE, **options)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"decimals": pd.DataFrame({"v": ["x"]})}, TypeError, r"\"decimals\['v'\]\".*'x'"),
        ({"fills": pd.DataFrame({"v": ["#GG0000"]})}, ValueError, r"\"fills\['v'\]\".*'#GG0000'"),
    ],
)
def test_per_cell_options_are_checked_when_written(options, error, message):
    with pytest.raises(error, match=message):
        write_workbook([Sheet("s", TABLE, **options)])


def test_sheet_options_take_whole_floats_and_missing_cells():
    sheet = Sheet("s", TABLE, decimals={"v": 1.0}, fills={"v": None}, frozen_columns=1.0)
    assert sheet.frozen_columns == 1 and isinstance(sheet.frozen_columns, int)
    decimals = pd.DataFrame({"v": [float("nan")]})
    fills = pd.DataFrame({"v": ["#f4cdb2"]})
    content = write_workbook([sheet, Sheet("t", TABLE, decimals=decimals, fills=fills)])
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book["s"]["A2"].value == 1.2 and book["s"].freeze_panes == "B2"  # 1.25 to 1 decimal
    assert book["t"]["A2"].value == 1.25 and book["t"]["A2"].fill.fgColor.rgb == "00F4CDB2"


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ([TABLE], r"'sheets' must be a sequence of Sheet but item 0 is DataFrame"),
        ([Sheet("s", TABLE), "x"], r"'sheets' must be a sequence of Sheet but item 1 is str"),
        (TABLE, r"'sheets' must be a sequence of Sheet; received DataFrame"),
        (Sheet("s", TABLE), r"'sheets' must be a sequence of Sheet; received Sheet"),
    ],
)
def test_write_workbook_refuses_what_is_not_sheets(sheets, message):
    with pytest.raises(TypeError, match=message):
        write_workbook(sheets)
