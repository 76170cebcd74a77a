"""Tests for kpikit.io.exporting on awkward input: control characters, infinities, text longer
than a cell holds, repeated column names, bad paths, failed writes and bad sheet options (each
refused with a named error, or written losslessly)."""

import datetime as dt
import gc
import gzip
import io
import os
import stat
import sys

import numpy as np
import openpyxl
import pandas as pd
import polars as pl
import pytest
from openpyxl.utils.escape import unescape

from kpikit.io import Sheet, kpi_sheet, safe_export_path, to_csv, to_excel, write_workbook

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


def test_excel_keeps_what_it_cannot_store_exactly_as_text(tmp_path):
    table = pd.DataFrame(
        {
            "id": np.array([2**53 + 1, 2**53, -(2**53) - 1], dtype="int64"),
            "at": pd.to_datetime(["2026-01-13 09:00"] * 3).tz_localize("Europe/Paris"),
        }
    )
    sheet = openpyxl.load_workbook(to_excel(table, tmp_path / "ids.xlsx"))["kpikit"]
    # 2**53 + 1 = 9007199254740993 would round to ...992 as a double; 2**53 itself is exact.
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "9007199254740993",
        9007199254740992,
        "-9007199254740993",
    ]
    # January in Paris is UTC+1: the offset stays with the time.
    assert sheet["B2"].value == "2026-01-13 09:00:00+01:00"


def test_excel_keeps_dates_before_its_first_day_as_text(tmp_path):
    # Excel's calendar starts on 1900-01-01 (day 1): openpyxl wrote 1899-12-30 (the "zero
    # date" of some exports) and 1899-12-31 both as day 0, and year 1 as day -693593.
    table = pd.DataFrame(
        {
            "at": pd.to_datetime(
                ["1899-12-30 00:00", "1899-12-31 12:00", "1900-01-01 00:00", None]
            ),
            "day": [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(1900, 1, 1), None],
        }
    )
    sheet = openpyxl.load_workbook(to_excel(table, tmp_path / "old.xlsx"))["kpikit"]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("1899-12-30 00:00:00", "0001-01-01"),
        ("1899-12-31 12:00:00", "1899-12-31"),
        (dt.datetime(1900, 1, 1), dt.datetime(1900, 1, 1)),
        (None, None),
    ]


def test_excel_sheet_title_control_characters_are_replaced(tmp_path):
    target = to_excel(TABLE, tmp_path / "t.xlsx", sheet_name="a\x0bb\tc")
    assert openpyxl.load_workbook(target).sheetnames == ["a-b-c"]


def test_excel_sheet_named_history_is_renamed_as_excel_refuses_it():
    # Excel keeps "History" (any case) for itself and will not open a sheet of that name.
    sheets = [Sheet(title, TABLE) for title in ("history", "KPIs", "HISTORY")]
    content = write_workbook(sheets)
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == [
        "history (2)",
        "KPIs",
        "HISTORY (3)",
    ]


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


# ---- Excel's cell limit: 32,767 characters --------------------------------------------------

LIMIT = 32767


def test_excel_writes_text_of_exactly_the_limit(tmp_path):
    # Counted as Excel does, in UTF-16 units: an emoji (beyond U+FFFF) counts twice.
    notes = ["a" * LIMIT, "\U0001f600" * (LIMIT // 2) + "a", "\x0b" * (LIMIT // 7)]
    target = to_excel(pd.DataFrame({"note": notes}), tmp_path / "full.xlsx")
    written = [cell.value for cell in openpyxl.load_workbook(target).active["A"]][1:]
    assert written[:2] == notes[:2]  # not cut
    assert written[2] == "_x000B_" * (LIMIT // 7) and len(written[2]) == LIMIT  # 4,681 x 7


@pytest.mark.parametrize(
    "note",
    [
        "a" * (LIMIT + 1),
        "\U0001f600" * (LIMIT // 2 + 1),  # 16,384 characters, 32,768 UTF-16 units
        "\x0b" * (LIMIT // 7) + "a",  # 4,682 characters, 32,768 once escaped
    ],
    ids=["plain", "emoji", "escaped"],
)
def test_excel_refuses_text_longer_than_a_cell_holds(tmp_path, monkeypatch, note):
    caught = []
    monkeypatch.setattr(sys, "unraisablehook", caught.append)
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    table = pd.DataFrame({"team": ["north", "south"], "note": ["ok", note]}, index=[10, 11])
    message = (
        r"Value of 'table' of sheet 'Notes' must have at most 32,767 characters in a cell "
        r"\(Excel's limit; control characters count as their _xHHHH_ escape\) but column "
        r"'note' has 1 longer text\(s\), in row\(s\) \[11\]$"
    )
    with pytest.raises(ValueError, match=message):
        write_workbook([Sheet("ok", TABLE), Sheet("Notes", table)], target)
    with pytest.raises(ValueError, match=r"sheet 'kpikit' .* column 'note' has 1 longer"):
        to_excel(table, target)
    gc.collect()
    assert caught == []  # the sheet streams left open by the failure were closed
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["book.xlsx"]


def test_excel_limit_message_names_each_column_and_the_first_rows():
    long = "x" * (LIMIT + 1)
    table = pd.DataFrame(
        {"a": [long] * 7, "b": ["ok"] * 6 + [long], "c": [1.5] * 7},
        index=pd.Index(list("pqrstuv"), name="agent"),
    )
    with pytest.raises(ValueError) as raised:
        write_workbook([Sheet("S", table)])
    assert str(raised.value).endswith(
        "but column 'a' has 7 longer text(s), first rows ['p', 'q', 'r', 's', 't']; "
        "column 'b' has 1 longer text(s), in row(s) ['v']"
    )


def test_excel_limit_counts_text_made_from_other_values():
    # A value of no cell type is written as its text, which counts too.
    table = pd.DataFrame({"items": [list(range(LIMIT))]})
    with pytest.raises(
        ValueError, match=r"column 'items' has 1 longer text\(s\), in row\(s\) \[0\]"
    ):
        write_workbook([Sheet("S", table)])


def test_excel_refuses_a_column_name_longer_than_a_cell_holds(tmp_path):
    name = "n" * (LIMIT + 1)
    message = (
        r"Value of 'table' of sheet 'S' must have column names of at most 32,767 characters "
        r"\(Excel's limit for a cell\) but received: 'nnnnnnnnnnnnnnnnnnnn'\.\.\. at position 1 "
        r"\(32,768 characters\)$"
    )
    with pytest.raises(ValueError, match=message):
        write_workbook([Sheet("S", pd.DataFrame({"v": [1], name: [2]}))])
    with pytest.raises(ValueError, match=r"at position 0 \(32,768 characters\)"):
        to_excel(pd.DataFrame({"\x0b" * (LIMIT // 7) + "a": [1]}), tmp_path / "n.xlsx")
    assert not (tmp_path / "n.xlsx").exists()
    content = write_workbook([Sheet("S", pd.DataFrame({"n" * LIMIT: [1]}))])
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A1"].value == "n" * LIMIT


# ---- formula injection in every kind of text column -----------------------------------------


def test_to_csv_neutralises_formulas_in_arrow_dictionary_text():
    # A categorical saved to Parquet and read with dtype_backend="pyarrow" is Arrow
    # dictionary-encoded text: neither object, str nor pandas' category, it went out as =1+1.
    import pyarrow as pa

    text = pd.ArrowDtype(pa.dictionary(pa.int32(), pa.string()))
    table = pd.DataFrame({"note": pd.array(["=1+1", "ok", None], dtype=text), "n": [-1, 2, 3]})
    assert to_csv(table) == "note,n\r\n'=1+1,-1\r\nok,2\r\n,3\r\n"


def test_kpi_sheet_names_the_rows_whose_kpi_is_unknown():
    # It used to fail on the first one with "Value of 'kpi_id' is not a KPI id", naming an
    # argument the caller never passed and no row. Rows 1 and 2 here.
    table = pd.DataFrame({"kpi": ["aht", "ath", None], "value": [311.6, 1.0, 2.0]})
    with pytest.raises(
        ValueError, match=r"column 'kpi' but 2 row\(s\) do not, first rows \[1, 2\]"
    ):
        kpi_sheet(table)


# ---- repeated column names -------------------------------------------------------------------


def test_to_csv_refuses_repeated_column_names():
    with pytest.raises(ValueError, match=r"'frame' has the column\(s\) \['a'\] more than once"):
        to_csv(pd.DataFrame([["=1", "=2", 3]], columns=["a", "a", "b"]))


def test_to_csv_refuses_a_name_quoted_onto_another():
    # "=a" would be written "'=a", the other column's name: two columns read back as one name.
    with pytest.raises(ValueError, match=r"read the same once quoted.*\[\"'=a\"\]"):
        to_csv(pd.DataFrame({"=a": ["=1"], "'=a": ["@x"]}))


def test_to_csv_and_to_excel_write_a_named_index_as_leading_columns(tmp_path):
    grouped = pd.DataFrame({"team": ["n", "s", "n"], "calls": [1, 2, 3]}).groupby("team").sum()
    # By hand: n = 1 + 3 = 4, s = 2; the team labels are the index.
    assert to_csv(grouped) == "team,calls\r\nn,4\r\ns,2\r\n"
    sheet = openpyxl.load_workbook(to_excel(grouped, tmp_path / "g.xlsx"))["kpikit"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["team", "calls"],
        ["n", 4],
        ["s", 2],
    ]


def test_row_numbers_stay_out_of_exports_and_an_index_clash_is_refused(tmp_path):
    # pandas' unnamed row numbers, in order or left by filtering, are not data.
    assert to_csv(pd.DataFrame({"calls": [1, 2, 3]}).iloc[[2, 0]]) == "calls\r\n3\r\n1\r\n"
    clash = pd.DataFrame({"team": ["n"]}, index=pd.Index(["s"], name="team"))
    with pytest.raises(ValueError, match=r"index named \['team'\] as well as column"):
        to_csv(clash)
    with pytest.raises(ValueError, match=r"index named \['team'\] as well as column"):
        to_excel(clash, tmp_path / "c.xlsx")
    assert not (tmp_path / "c.xlsx").exists()


def test_excel_refuses_repeated_column_names(tmp_path):
    frame = pd.DataFrame([["=1", 2.5]], columns=["a", "a"])
    with pytest.raises(ValueError, match=r"'frame' has the column\(s\) \['a'\] more than once"):
        to_excel(frame, tmp_path / "d.xlsx")
    with pytest.raises(ValueError, match=r"'table' has the column\(s\) \['a'\] more than once"):
        write_workbook([Sheet("s", frame)])
    assert not (tmp_path / "d.xlsx").exists()


def test_a_table_larger_than_a_sheet_is_refused_before_anything_is_written(tmp_path):
    # Excel holds 1,048,576 rows (the header is one) and 16,384 columns; openpyxl writes more,
    # and Excel then refuses the file or drops the rest without saying which
    from kpikit.io._workbook import _check_size

    target = tmp_path / "contacts.xlsx"
    target.write_bytes(b"previous")
    too_long = pd.DataFrame({"contact_id": np.arange(1_048_576)})
    with pytest.raises(ValueError, match=r"sheet 'log' must fit .* has 1,048,576 row\(s\) and 1 "):
        write_workbook([Sheet("log", too_long)], target)
    assert target.read_bytes() == b"previous"
    too_wide = pd.DataFrame([range(16_385)])
    with pytest.raises(
        ValueError, match=r"has 1 row\(s\) and 16,385 column\(s\); write it with to_csv"
    ):
        to_excel(too_wide, tmp_path / "wide.xlsx")
    _check_size(too_long.iloc[1:], "log")  # 1,048,575 rows under the header: a full sheet


# ---- CSV files written whole ----------------------------------------------------------------


def _failing_to_csv(self, handle, **options):
    """Stand-in for DataFrame.to_csv: writes part of a file, then fails as a full disk does."""
    handle.write(b"team,aht\r\nnor")
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("name", ["card.csv", "card.csv.gz"])
def test_to_csv_failing_midway_leaves_the_previous_file_as_it_was(tmp_path, monkeypatch, name):
    target = tmp_path / name
    target.write_bytes(b"previous content")
    monkeypatch.setattr(pd.DataFrame, "to_csv", _failing_to_csv)
    with pytest.raises(OSError, match="No space left on device"):
        to_csv(TABLE, target)
    assert target.read_bytes() == b"previous content"
    with pytest.raises(OSError, match="No space left on device"):
        to_csv(TABLE, tmp_path / ("new" + name))
    assert [path.name for path in tmp_path.iterdir()] == [name]  # no part file, no new file


def test_to_csv_replaces_a_previous_file_whole(tmp_path):
    frame = pd.DataFrame({"team": ["=north", "south"], "aht": [310.5, 290.0]})
    expected = to_csv(frame).encode()
    names = ["card.csv", "card.csv.gz", "CARD.CSV.GZ"]
    for name in names:
        target = tmp_path / name
        target.write_bytes(b"x" * 1000)  # longer than the new content: nothing of it is left
        assert to_csv(frame, target) == target.resolve()
    assert (tmp_path / "card.csv").read_bytes() == expected
    for name in names[1:]:  # compressed as the name says, whatever its case
        assert gzip.decompress((tmp_path / name).read_bytes()) == expected
    # The gzip header names the file written (as before), not the part written beside it.
    assert (tmp_path / "card.csv.gz").read_bytes()[10:].split(b"\x00")[0] == b"card.csv"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names)


@pytest.mark.parametrize("name", ["card.csv", "card.xlsx"])
def test_a_replaced_file_keeps_its_permissions_and_a_new_one_gets_the_usual(tmp_path, name):
    target, fresh = tmp_path / name, tmp_path / ("new_" + name)
    target.write_bytes(b"previous content")
    target.chmod(0o640)  # shared with a group, hidden from others
    write = (
        to_csv
        if name.endswith(".csv")
        else lambda frame, path: write_workbook([Sheet("KPIs", frame)], path)
    )
    write(TABLE, target)
    write(TABLE, fresh)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_to_csv_writes_a_name_as_long_as_the_system_allows(tmp_path):
    target = tmp_path / ("a" * 251 + ".csv")  # 255 characters: the longest most systems take
    assert to_csv(TABLE, target).read_bytes() == b"v\r\n1.25\r\n"
    assert [path.name for path in tmp_path.iterdir()] == [target.name]


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


@pytest.mark.parametrize("argument", ["decimals", "fills"])
def test_sheet_refuses_option_keys_that_are_no_columns(argument):
    table = pd.DataFrame({"aht": [311.6], "csat": [82.4]})
    value = 1 if argument == "decimals" else "#F4CDB2"
    message = (
        rf"Value of '{argument}' names column\(s\) \['cast'\] that the table does not have; "
        r"columns are \['aht', 'csat'\]\. Did you mean 'csat'\?$"
    )
    with pytest.raises(ValueError, match=message):
        Sheet("s", table, **{argument: {"aht": value, "cast": value}})
    with pytest.raises(ValueError, match=r"names column\(s\) \['x', 'y'\] .*'csat'\]$"):
        Sheet("s", table, **{argument: {"x": value, "y": value}})


def test_option_keys_of_a_table_known_when_written_are_checked_then():
    lazy = pl.LazyFrame({"aht": [311.6]})
    sheet = Sheet("s", lazy, decimals={"ath": 0})  # its columns are known once collected
    with pytest.raises(ValueError, match=r"names column\(s\) \['ath'\] .* Did you mean 'aht'"):
        write_workbook([sheet])
    content = write_workbook([Sheet("s", lazy, decimals={"aht": 0})])
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A2"].value == 312


def test_per_cell_frames_are_matched_to_the_table_by_name():
    table = pd.DataFrame({"v": [1.26], "w": [2.26]})
    decimals = pd.DataFrame({"w": [0], "v": [1]})  # the table's columns in another order
    fills = pd.DataFrame({"w": ["#F4CDB2"], "v": [None]})
    content = write_workbook([Sheet("s", table, decimals=decimals, fills=fills)])
    row = openpyxl.load_workbook(io.BytesIO(content)).active[2]
    assert [cell.value for cell in row] == [1.3, 2]
    assert row[0].fill.fgColor.rgb != "00F4CDB2" and row[1].fill.fgColor.rgb == "00F4CDB2"


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            ["w", "x"],  # by position, "w" would have rounded column "v"
            r"Value of 'decimals' names column\(s\) \['x'\] that the table does not have; "
            r"columns are \['v', 'w'\]$",
        ),
        (
            ["V", "W"],  # the table renamed after the frame was made
            r"names column\(s\) \['V', 'W'\] that the table does not have; columns are",
        ),
        (["v", "v"], r"Value of 'decimals' has the column\(s\) \['v'\] more than once"),
    ],
)
def test_per_cell_frames_not_matching_the_table_are_refused(columns, message):
    decimals = pd.DataFrame([[0, 1]], columns=columns)
    with pytest.raises(ValueError, match=message):
        write_workbook([Sheet("s", pd.DataFrame({"v": [1.26], "w": [2.26]}), decimals=decimals)])


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
