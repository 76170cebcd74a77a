"""Tests for kpikit.io.detect: how a file is written, date orders, true/false words, names."""

import gzip
import io

import pandas as pd
import pytest

from kpikit.io import detect, read_contacts, read_upload
from kpikit.io.detect import (
    BoolWords,
    guess_dates,
    guess_decimal,
    guess_words,
    sniff_text,
    suggest_mapping,
)

VENDOR = (
    "Call ID;CallStart;Answered;Queue Time;Agent;Talk Time (s);Queue\r\n"
    "c1;02/01/2026 09:00;Y;12,5;Ann;120;NA\r\n"
    "c2;13/01/2026 10:30;N;3;;0;EU\r\n"
)


# ---- text format ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "encoding", "sep"),
    [
        (b"a,b\n1,2\n", "utf-8", ","),
        ("a;b\n1;é\n".encode("utf-8-sig"), "utf-8-sig", ";"),
        ("a\tb\n1\t2\n".encode("utf-16"), "utf-16", "\t"),
        ("a;b\n1;é\n".encode("cp1252"), "cp1252", ";"),
        (b"a;b\n1;\x81\n", "latin-1", ";"),  # 0x81 is not a cp1252 character
    ],
)
def test_sniff_text_finds_encoding_and_separator(content, encoding, sep):
    found = sniff_text(content, complete=True)
    assert (found.encoding, found.sep, found.columns) == (encoding, sep, ("a", "b"))


def test_sniff_text_notes_a_guessed_encoding():
    (note,) = sniff_text("a\né\n".encode("cp1252"), complete=True, label="'x.csv'").notes
    assert note.startswith("'x.csv' is not UTF-8 text; it was read as Windows-1252")


def test_sniff_text_ignores_a_record_cut_by_the_sample_end():
    # The cut may fall inside a quoted field, so the last record before it is ignored too.
    head = b'a,b\n1,"two\nlines"\n2,x\n3,"cut\nhe'
    found = sniff_text(head, complete=False)
    assert found.records == (("1", "two\nlines"), ("2", "x"))


def test_sniff_text_accepts_a_utf8_character_cut_by_the_sample_end():
    head = "a,b\n1,é".encode()[:-1]  # the last byte of "é" is beyond the sample
    assert sniff_text(head, complete=False).encoding == "utf-8"


def test_sniff_text_prefers_the_separator_that_splits_every_row():
    # Commas inside unquoted text would make a comma split ragged; semicolons split evenly.
    found = sniff_text(b"id;note\n1;a, b\n2;c\n", complete=True)
    assert found.sep == ";" and found.records == (("1", "a, b"), ("2", "c"))


def test_sniff_text_with_a_given_separator_and_unnamed_columns():
    found = sniff_text(b"a|b|\n1|2|3\n", complete=True, sep="|")
    assert found.columns == ("a", "b", "Unnamed: 2")


def test_empty_names_may_repeat_but_real_names_may_not():
    assert sniff_text(b"a,,\n1,2,3\n", complete=True).columns[1:] == ("Unnamed: 1", "Unnamed: 2")
    with pytest.raises(ValueError, match=r"2 columns named 'a' \(columns 1 and 3\)"):
        sniff_text(b"a,b,a\n", complete=True)


def test_guess_decimal():
    # Commas with one or two decimals: a decimal comma.
    assert guess_decimal(("x", "y"), [("12,5", "a"), ("3", "b")]) == ","
    # Points elsewhere: the file uses points; commas are then not decimals.
    assert guess_decimal(("x", "y"), [("12,5", "1.5")]) == "."
    assert guess_decimal(("x",), [("NA",), ("",)]) == "."


# ---- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "format_", "order"),
    [
        (["2026-01-13 09:00:00", "2026-01-14T10:00:00+01:00"], "ISO8601", "year first"),
        (["2026/01/13 09:00"], "%Y/%m/%d %H:%M", "year first"),
        (["01/02/2026", "25/02/2026"], "%d/%m/%Y", "day first"),
        (["02/01/2026", "02/25/2026"], "%m/%d/%Y", "month first"),
        (["1.2.26 9:05", "13.2.26 19:05"], "%d.%m.%y %H:%M", "day first"),
        (["1/2/2026 9:05:03 PM", "1/13/2026 8:00:00 AM"], "%m/%d/%Y %I:%M:%S %p", "month first"),
        (["13-01-2026 09:05:01.250"], "%d-%m-%Y %H:%M:%S.%f", "day first"),
    ],
)
def test_guess_dates_reads_the_order_the_values_prove(values, format_, order):
    guess = guess_dates(pd.Series(values))
    assert (guess.format, guess.order, guess.ambiguous) == (format_, order, False)


def test_guess_dates_looks_at_every_value():
    # A log sorted by time: only the last row shows a day above 12.
    values = pd.Series([f"{day:02d}/01/2026" for day in range(1, 14)])
    guess = guess_dates(values)
    assert (guess.format, guess.example) == ("%d/%m/%Y", "13/01/2026")
    assert guess_dates(values.iloc[:12]).ambiguous


def test_guess_dates_ambiguity_and_agreement():
    ambiguous = guess_dates(pd.Series(["03/04/2026", None, "05/04/2026"]))
    assert ambiguous.candidates == ("%d/%m/%Y", "%m/%d/%Y") and ambiguous.format is None
    assert ambiguous.example == "03/04/2026"
    # Day equals month everywhere: both orders give the same dates, nothing to ask.
    same = guess_dates(pd.Series(["01/01/2026", "02/02/2026"]))
    assert same.format == "%d/%m/%Y" and not same.ambiguous


def test_guess_dates_without_a_known_shape():
    assert guess_dates(pd.Series(["March 4, 2026"])) is None
    assert guess_dates(pd.Series([None], dtype=object)) is None
    # Neither order reads every value: the better one, whose failures the reader reports.
    mixed = guess_dates(pd.Series(["13/01/2026", "01/13/2026", "02/01/2026"]))
    assert mixed.format == "%d/%m/%Y" and mixed.candidates == ()


# ---- true/false words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "true", "false"),
    [
        (["Y", "N", "Y"], ("Y",), ("N",)),
        (["yes", "No", None], ("yes",), ("No",)),
        (["1", "0"], ("1",), ("0",)),
        (["TRUE", "false", "NULL"], ("TRUE",), ("false",)),
    ],
)
def test_guess_words(values, true, false):
    assert guess_words(pd.Series(values)) == BoolWords(true, false)


def test_guess_words_refuses_other_values():
    assert guess_words(pd.Series(["Y", "N", "maybe"])) is None
    assert guess_words(pd.Series([1.0, 0.0])) is None  # floats are numbers, not flags
    assert guess_words(pd.Series([str(i) for i in range(20)])) is None


# ---- column names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        # Exact names win over look-alikes; "Agent" is not needed once AgentID is taken.
        (
            ["AgentID", "Agent", "contact_id", "ContactId"],
            {"AgentID": "agent_id", "contact_id": "contact_id"},
        ),
        # Amazon Connect-like export.
        (
            ["ContactId", "InitiationTimestamp", "QueueDuration", "Channel", "Queue"],
            {
                "ContactId": "contact_id",
                "InitiationTimestamp": "arrived_at",
                "QueueDuration": "wait_s",
                "Channel": "channel",
                "Queue": "queue",
            },
        ),
        # "QueueSeconds" is a wait, "Queue" the queue; units do not hide a name.
        (
            ["QueueSeconds", "Queue", "TalkSecs", "Wrap Up Time", "Hold"],
            {
                "QueueSeconds": "wait_s",
                "Queue": "queue",
                "TalkSecs": "talk_s",
                "Wrap Up Time": "acw_s",
                "Hold": "hold_s",
            },
        ),
        # Minutes are not seconds: no suggestion rather than a wrong one.
        (["Queue Time (min)"], {}),
    ],
)
def test_suggest_mapping(columns, expected):
    assert suggest_mapping(columns) == expected


# ---- detect --------------------------------------------------------------------------------


def test_detect_a_vendor_file_and_read_it_with_the_options():
    found = detect(VENDOR.encode("cp1252"), filename="export.csv")
    assert (found.encoding, found.sep, found.decimal) == ("utf-8", ";", ",")
    assert found.datetime_format == "%d/%m/%Y %H:%M" and found.date_guess.order == "day first"
    assert (found.true_values, found.false_values) == (("Y",), ("N",))
    assert found.missing == ()
    assert "Answered holds Y/N instead of True/False" in found.to_confirm
    contacts = read_upload(VENDOR.encode(), "export.csv", **found.read_options()).contacts
    assert contacts["arrived_at"].dt.day.tolist() == [2, 13]
    assert contacts["answered"].tolist() == [True, False]
    assert contacts["wait_s"].tolist() == [12.5, 3.0]
    assert contacts["queue"].tolist() == ["NA", "EU"]  # North America stays a queue
    assert "dates: %d/%m/%Y %H:%M (day first)" in str(found)


def test_a_file_with_kpikit_names_needs_no_confirmation(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text("contact_id,arrived_at,answered,wait_s\n1,2026-01-13 09:00,True,3\n")
    found = detect(path)
    assert found.to_confirm == ()
    assert read_contacts(path, **found.read_options())["wait_s"].tolist() == [3]


def test_detect_reports_what_to_confirm():
    found = detect(b"id,Date,answered,wait,queue\n1,03/04/2026,Y,3,x\n", filename="x.csv")
    assert found.date_guess.ambiguous and found.datetime_format is None
    assert found.to_confirm == (
        "id is read as contact_id",
        "Date is read as arrived_at",
        "wait is read as wait_s",
        "dates such as 03/04/2026 read both day first and month first",
        "answered holds Y instead of True/False",
    )
    assert "datetime_format" not in found.read_options()
    assert detect(b"x,y\n1,2\n", filename="x.csv").missing == (
        "contact_id",
        "arrived_at",
        "answered",
        "wait_s",
    )


def test_detect_rows_limits_what_is_looked_at():
    rows = "".join(f"{i},{i % 12 + 1:02d}/01/2026,True,3\n" for i in range(50))
    text = "contact_id,arrived_at,answered,wait_s\n" + rows + "99,25/01/2026,True,3\n"
    assert detect(text.encode(), filename="x.csv", rows=50).date_guess.ambiguous
    assert detect(text.encode(), filename="x.csv", rows=None).datetime_format == "%d/%m/%Y"


def test_detect_gzip_and_parquet(tmp_path):
    gz = tmp_path / "log.csv.gz"
    gz.write_bytes(gzip.compress(VENDOR.encode()))
    assert detect(gz).sep == ";"
    frame = pd.DataFrame({"CallID": ["a"], "Start": ["13/01/2026"], "Handled": ["Y"]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    found = detect(buffer.getvalue(), filename="log.parquet")
    assert found.encoding is None and found.mapping == {
        "CallID": "contact_id",
        "Start": "arrived_at",
        "Handled": "answered",
    }
    assert found.datetime_format == "%d/%m/%Y" and found.true_values == ("Y",)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"source": b"a,b\n"}, TypeError, "needs 'filename' with bytes"),
        ({"source": b"", "filename": "x.csv"}, ValueError, "is empty"),
        ({"source": b"a,b\n", "filename": "x.csv", "rows": 0}, ValueError, "'rows' must be"),
        ({"source": b"a,b\n", "filename": "x.csv", "table": "calls"}, ValueError, "'table'"),
        # These four used to be raw errors from the csv module or dict(), or accepted silently
        # (a decimal mark of 'x', a mapping naming a column the file does not have).
        ({"source": b"a,b\n", "filename": "x.csv", "sep": ";;"}, ValueError,
         r"'sep' must be one character"),
        ({"source": b"a,b\n", "filename": "x.csv", "encoding": "rot13"}, ValueError,
         r"'encoding' is not a text encoding"),
        ({"source": b"a,b\n", "filename": "x.csv", "decimal": "x"}, ValueError,
         r"'decimal' must be '\.' or ','"),
        ({"source": b"a,b\n", "filename": "x.csv", "mapping": {"zz": "contact_id"}}, ValueError,
         r"'mapping' names columns that are not in 'x.csv': 'zz'\. Columns in the file: a, b\."),
        ({"source": b"a,b\n", "filename": "x.csv", "mapping": ["a"]}, TypeError,
         r"'mapping' must be a dict"),
        # 100,001 columns used to keep detection busy for minutes (about 2 ms a column).
        ({"source": b";" * 100_000 + b"\n", "filename": "x.csv"}, ValueError,
         r"'x.csv' has 100,001 columns; kpikit reads files of at most 1,000"),
    ],
)  # fmt: skip
def test_detect_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        detect(**arguments)


def test_detect_skips_parquet_columns_of_lists_and_dicts():
    # Used to raise a raw TypeError (unhashable type: 'numpy.ndarray') from the date guess.
    frame = pd.DataFrame({"CallID": ["a", "b"], "tags": [["x"], ["y"]], "extra": [{"k": 1}, {}]})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    found = detect(buffer.getvalue(), filename="log.parquet")
    assert found.columns == ("CallID", "tags", "extra") and dict(found.dates) == {}


def test_a_column_of_true_words_alone_shows_no_empty_false_words(tmp_path):
    # answered holds Y on every row: the summary read "true words: Y; false words: " with
    # nothing after the last colon.
    log = tmp_path / "y.csv"
    log.write_text("contact_id,arrived_at,answered,wait_s\n1,2026-01-05 09:00,Y,1\n")
    lines = str(detect(log)).splitlines()
    assert "true words: Y" in lines
    assert not any("false words" in line for line in lines)
