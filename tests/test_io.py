"""Tests for kpikit.io: reading CSV / gzipped CSV / Parquet, uploads and safe exports."""

import gzip
import io
import warnings

import openpyxl
import pandas as pd
import polars as pl
import pytest

from kpikit.io import (
    ReadWarning,
    Sheet,
    _source,
    detect,
    read_contacts,
    read_dataset,
    read_upload,
    safe_export_path,
    to_csv,
    to_excel,
    write_workbook,
)
from kpikit.io._advice import advice_for
from kpikit.schema import Dataset, SchemaError

CONTACTS_CSV = """\
contact_id,arrived_at,answered,wait_s,agent_id,talk_s,hold_s,acw_s,resolved,csat
007,2024-03-04 09:00:00,True,12.5,a1,120,0,15,True,5
008,2024-03-04 09:01:00,False,40,,0,0,0,,
009,2024-03-04 09:02:00,True,3,a2,200,20,30,False,
"""

VENDOR_CSV = """\
CallID,StartTime,Handled,QueueSeconds,Agent,Talk
c1,2024-03-04 09:00:00,true,12,a1,120
c2,2024-03-04 09:00:30,false,41,,0
"""

VENDOR_MAPPING = {
    "CallID": "contact_id",
    "StartTime": "arrived_at",
    "Handled": "answered",
    "QueueSeconds": "wait_s",
    "Agent": "agent_id",
    "Talk": "talk_s",
}


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def sample_contacts() -> pd.DataFrame:
    return read_contacts_text(CONTACTS_CSV)


def read_contacts_text(text: str, tmp_name: str = "contacts.csv", **options) -> pd.DataFrame:
    return read_upload(text.encode(), tmp_name, **options).contacts


# ---- reading -------------------------------------------------------------------------------


def test_read_contacts_parses_types(tmp_path):
    contacts = read_contacts(write(tmp_path / "contacts.csv", CONTACTS_CSV))
    # Ids are read as text, so leading zeros survive.
    assert contacts["contact_id"].tolist() == ["007", "008", "009"]
    assert pd.api.types.is_datetime64_dtype(contacts["arrived_at"])
    assert contacts["arrived_at"].iloc[1] == pd.Timestamp("2024-03-04 09:01:00")
    assert contacts["answered"].tolist() == [True, False, True]
    assert contacts["wait_s"].tolist() == [12.5, 40.0, 3.0]
    # A boolean column with an empty cell becomes pandas' nullable boolean.
    assert str(contacts["resolved"].dtype) == "boolean"
    assert contacts["resolved"].isna().tolist() == [False, True, False]
    assert contacts["agent_id"].isna().tolist() == [False, True, False]


def test_read_contacts_with_a_vendor_mapping(tmp_path):
    contacts = read_contacts(write(tmp_path / "export.csv", VENDOR_CSV), mapping=VENDOR_MAPPING)
    assert contacts.columns.tolist() == [
        "contact_id",
        "arrived_at",
        "answered",
        "wait_s",
        "agent_id",
        "talk_s",
    ]
    assert contacts["answered"].tolist() == [True, False]
    assert (
        contacts["arrived_at"].tolist()
        == pd.to_datetime(["2024-03-04 09:00:00", "2024-03-04 09:00:30"]).tolist()
    )


def test_gzip_and_parquet_give_the_same_table(tmp_path):
    plain = read_contacts(write(tmp_path / "contacts.csv", CONTACTS_CSV))
    gz = tmp_path / "contacts.csv.gz"
    gz.write_bytes(gzip.compress(CONTACTS_CSV.encode()))
    pd.testing.assert_frame_equal(read_contacts(gz), plain)
    parquet = tmp_path / "contacts.parquet"
    plain.to_parquet(parquet)
    from_parquet = read_contacts(parquet)
    # A missing text is None from parquet and NaN from CSV, both pandas' missing value; pandas
    # will stop treating them as equal, so the missing places are compared on their own.
    pd.testing.assert_frame_equal(from_parquet.isna(), plain.isna())
    pd.testing.assert_frame_equal(
        from_parquet.astype(object).where(from_parquet.notna(), None),
        plain.astype(object).where(plain.notna(), None),
        check_dtype=False,
    )
    assert from_parquet["contact_id"].tolist() == ["007", "008", "009"]


def test_parquet_times_of_day_are_named_as_such(tmp_path):
    # SQL exports may store a duration as TIME: it raised pandas' AttributeError "Can only
    # use .str accessor with string values!"
    import datetime as dt

    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "contact_id": [1, 2],
            "arrived_at": [dt.datetime(2026, 3, 2, 9)] * 2,
            "answered": [True, True],
            "wait_s": [5.0, 6.0],
            "talk_s": pa.array([dt.time(0, 1, 30), dt.time(0, 2)]),
        }
    )
    pq.write_table(table, tmp_path / "contacts.parquet")
    with pytest.raises(SchemaError, match=r"contacts\.talk_s: wrong type: holds times of day"):
        read_contacts(tmp_path / "contacts.parquet")
    pq.write_table(
        table.set_column(1, "arrived_at", pa.array([dt.time(9), dt.time(10)])),
        tmp_path / "contacts.parquet",
    )
    with pytest.raises(
        SchemaError, match=r"arrived_at: wrong type: holds times of day.*needs its date"
    ):
        read_contacts(tmp_path / "contacts.parquet")


def test_parquet_times_beyond_pandas_range_are_refused_by_row(tmp_path):
    # held in seconds, year 5138 reads; every period cut then raised pandas' OutOfBoundsDatetime
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    seconds = pa.array([1_772_442_000, None, 10**11], pa.timestamp("s", tz="UTC"))
    table = pa.table(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": seconds,
            "answered": [True, False, True],
            "wait_s": [1.0, 2.0, 3.0],
        }
    )
    pq.write_table(table, tmp_path / "contacts.parquet")
    with pytest.raises(SchemaError) as caught:
        read_contacts(tmp_path / "contacts.parquet")
    message = str(caught.value)
    assert "contacts.arrived_at: 1 row outside the times pandas can hold" in message
    assert "5138-11-16" in message and "(first ids: 3)" in message


def test_parquet_text_stays_in_arrow_and_true_false_with_gaps_are_nullable_booleans(tmp_path):
    # Written by pyarrow as a cloud export would be: plain string columns, a bool column with
    # a null, a bool column without one. On pandas 2 Python objects for text made reading and
    # every later step slower (1M contacts: 0.50 s to read against 0.13 s), so the reader
    # keeps Arrow's buffers.
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "contact_id": ["c1", "c2", "c3"],
            "arrived_at": pd.to_datetime(
                ["2024-03-04 09:00", "2024-03-04 09:01", "2024-03-04 09:02"]
            ),
            "answered": [True, False, True],
            "wait_s": [12.5, 40.0, 3.0],
            "agent_id": ["a1", None, "NA"],
            "resolved": [True, None, False],
        }
    )
    pq.write_table(table, tmp_path / "contacts.parquet")
    contacts = read_contacts(tmp_path / "contacts.parquet")
    for column in ("contact_id", "agent_id"):
        assert isinstance(contacts[column].dtype, pd.StringDtype)
        assert contacts[column].dtype.storage in ("pyarrow", "pyarrow_numpy")
    # "NA" is a queue or agent name, not a missing value; the null is missing.
    assert contacts["agent_id"].isna().tolist() == [False, True, False]
    assert contacts["agent_id"].iloc[2] == "NA"
    assert str(contacts["resolved"].dtype) == "boolean"
    assert contacts["resolved"].tolist() == [True, pd.NA, False]
    assert contacts["answered"].dtype == bool
    assert (contacts["agent_id"] == "a1").tolist() == [True, False, False]


def test_parquet_is_read_a_chunk_a_row_group_outside_arrows_default_pool(tmp_path, monkeypatch):
    # Arrow's default pool (mimalloc) spent seconds in the kernel on 10M contacts (stop 47), so
    # files of LARGE_READ_BYTES unpacked and more are read into jemalloc or the system's
    # allocator, unless the user names a pool. The text comes as large_string, which pandas'
    # str holds without a copy, a chunk a row group (finer chunks slowed the compute), from a
    # path or from uploaded bytes alike.
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from kpikit.io import _source

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    default = pa.default_memory_pool().backend_name
    assert _source.arrow_memory_pool(_source.LARGE_READ_BYTES - 1).backend_name == default
    large = _source.arrow_memory_pool(_source.LARGE_READ_BYTES).backend_name
    assert large in ("jemalloc", "system")
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    assert _source.arrow_memory_pool(_source.LARGE_READ_BYTES).backend_name == default
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
    # A small file read as a large one reads the same.
    monkeypatch.setattr(_source, "LARGE_READ_BYTES", 0)

    frame = sample_contacts()
    path = tmp_path / "contacts.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=2)
    from_path, from_bytes = read_contacts(path), read_upload(path.read_bytes(), "log.parquet")
    pd.testing.assert_frame_equal(from_path, from_bytes.contacts)
    ids = from_path["contact_id"].array.__arrow_array__()
    assert ids.type == pa.large_string()
    assert ids.num_chunks == pq.ParquetFile(path).num_row_groups == (len(frame) + 1) // 2
    assert from_path["contact_id"].tolist() == frame["contact_id"].astype(str).tolist()
    pd.testing.assert_series_equal(from_path["wait_s"], frame["wait_s"].astype(float))


@pytest.mark.parametrize("decimal", [".", ","])
def test_a_word_among_numbers_past_the_parsers_first_chunk_is_reported_as_written(
    tmp_path, decimal
):
    # pandas parses a large file in chunks of 2**18 rows and types each chunk alone, so a word
    # in a later chunk leaves floats and text mixed in one column (with a decimal comma the
    # floats would then all fail as text). The reader reads such a file again in one pass:
    # the word alone is reported, and pandas' DtypeWarning does not reach the user.
    sep = "," if decimal == "." else ";"
    waits = [f"{i % 50}{decimal}5" for i in range(300_000)]

    def log(waits):
        rows = (f"c{i}{sep}2024-03-04 09:00:00{sep}True{sep}{w}" for i, w in enumerate(waits))
        header = sep.join(["contact_id", "arrived_at", "answered", "wait_s"])
        return write(tmp_path / "big.csv", "\n".join([header, *rows]) + "\n")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        contacts = read_contacts(log(waits))
        # 6,000 of each of 0.5 ... 49.5, by hand: 6,000 * (50 * 0.5 + 1,225) = 7,500,000.
        assert contacts["wait_s"].sum() == 7_500_000
        waits[299_997] = "abc"
        with pytest.raises(SchemaError) as raised:
            read_contacts(log(waits))
    (problem,) = raised.value.problems
    assert (problem.column, problem.count, problem.examples) == ("wait_s", 1, ("c299997",))
    assert "'abc'" in problem.problem


def test_suffix_is_case_insensitive(tmp_path):
    assert len(read_contacts(write(tmp_path / "LOG.CSV", CONTACTS_CSV))) == 3


def test_byte_order_mark_from_spreadsheets_is_ignored(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(CONTACTS_CSV.encode("utf-8-sig"))
    assert read_contacts(path).columns[0] == "contact_id"


def test_unparsable_timestamps_are_reported_with_ids(tmp_path):
    text = CONTACTS_CSV.replace("2024-03-04 09:01:00", "04/03/2024 9h01").replace(
        "2024-03-04 09:02:00", "yesterday"
    )
    with pytest.raises(SchemaError) as raised:
        read_contacts(write(tmp_path / "contacts.csv", text))
    (problem,) = raised.value.problems
    assert (problem.column, problem.count, problem.examples) == ("arrived_at", 2, ("008", "009"))
    assert str(problem) == (
        "contacts.arrived_at: 2 rows not a timestamp (values such as '04/03/2024 9h01', "
        "'yesterday'); the other values follow the format 'ISO8601': correct these, or give "
        "datetime_format a format that reads every value (first ids: 008, 009)"
    )


def test_unparsable_values_and_schema_problems_come_together(tmp_path):
    text = CONTACTS_CSV.replace("2024-03-04 09:01:00", "soon").replace(",12.5,", ",-1,")
    with pytest.raises(SchemaError) as raised:
        read_contacts(write(tmp_path / "contacts.csv", text))
    # The bad timestamp is reported once (not again as an empty required value).
    problems = [str(p) for p in raised.value.problems]
    assert problems[0].startswith(
        "contacts.arrived_at: 1 row not a timestamp (values such as 'soon');"
    )
    assert problems[1:] == ["contacts.wait_s: 1 row below 0 (first ids: 007)"]


def test_datetime_format_reads_day_first_dates(tmp_path):
    text = CONTACTS_CSV.replace("2024-03-04 09:0", "04/03/2024 09:0")
    contacts = read_contacts(
        write(tmp_path / "contacts.csv", text), datetime_format="%d/%m/%Y %H:%M:%S"
    )
    assert contacts["arrived_at"].dt.month.tolist() == [3, 3, 3]


def test_text_in_a_number_column_is_reported_with_ids(tmp_path):
    text = CONTACTS_CSV.replace(",40,", ",40s,")
    with pytest.raises(SchemaError) as raised:
        read_contacts(write(tmp_path / "contacts.csv", text))
    assert str(raised.value.problems[0]) == (
        "contacts.wait_s: 1 row not a number (values such as '40s') (first ids: 008)"
    )


def test_zero_one_flags_are_reported_with_the_option_not_guessed(tmp_path):
    text = "contact_id,arrived_at,answered,wait_s\n1,2024-03-04 09:00,1,3\n2,2024-03-04 09:01,0,5\n"
    path = write(tmp_path / "contacts.csv", text)
    with pytest.raises(SchemaError) as raised:
        read_contacts(path)
    assert str(raised.value.problems[0]) == (
        "contacts.answered: holds '1', '0' instead of True/False: "
        "pass true_values=['1'] and false_values=['0']"
    )
    contacts = read_contacts(path, true_values=["1"], false_values=["0"])
    assert contacts["answered"].tolist() == [True, False]


def test_validate_false_skips_the_schema_but_not_parsing(tmp_path):
    path = write(tmp_path / "contacts.csv", CONTACTS_CSV.replace(",12.5,", ",-1,"))
    assert read_contacts(path, validate=False)["wait_s"].iloc[0] == -1
    with pytest.raises(SchemaError, match="not a timestamp"):
        read_contacts(
            write(tmp_path / "bad.csv", CONTACTS_CSV.replace("09:01:00", "x")), validate=False
        )


# ---- file formats --------------------------------------------------------------------------

HEADER = "contact_id,arrived_at,answered,wait_s"


def upload(text: str | bytes, **options) -> pd.DataFrame:
    content = text.encode() if isinstance(text, str) else text
    return read_upload(content, "log.csv", **options).contacts


def test_european_excel_file_semicolons_decimal_commas_and_a_bom():
    text = (
        "contact_id;arrived_at;answered;wait_s\r\n"
        "1;2024-03-04 09:00;True;12,5\r\n2;2024-03-04 09:01;False;0,25\r\n"
    )
    contacts = upload(text.encode("utf-8-sig"))
    assert contacts.columns.tolist() == HEADER.split(",")
    assert contacts["wait_s"].tolist() == [12.5, 0.25]  # read with the decimal comma


def test_tab_separated_utf16_from_excel_unicode_text():
    text = "contact_id\tarrived_at\tanswered\twait_s\r\n1\t2024-03-04 09:00\tTrue\t12\r\n"
    assert upload(text.encode("utf-16"))["wait_s"].tolist() == [12]


def test_quoted_newlines_and_separators_stay_inside_their_cell():
    text = (
        f'{HEADER},reason\n1,2024-03-04 09:00,True,12,"line one\nline two, still"\n'
        "2,2024-03-04 09:05,False,3,x\n"
    )
    contacts = upload(text)
    assert contacts["reason"].tolist() == ["line one\nline two, still", "x"]


def test_quoted_decimal_commas_in_a_comma_separated_file():
    contacts = upload(f'{HEADER}\n1,2024-03-04 09:00,True,"12,5"\n2,2024-03-04 09:01,True,"3,0"\n')
    assert contacts["wait_s"].tolist() == [12.5, 3.0]


def test_undetected_decimal_commas_name_the_option():
    # 1,250 could be a thousands separator, so detection does not decide; the reader asks.
    text = "contact_id;arrived_at;answered;wait_s\n1;2024-03-04 09:00;True;1,250\n"
    with pytest.raises(SchemaError, match=r"decimals with a comma: pass decimal=','"):
        upload(text)
    assert upload(text, decimal=",")["wait_s"].tolist() == [1.25]


def test_thousands_separators_are_reported_as_such():
    # 1,234.5 (comma file, decimal point) and 1.234,5 (decimal comma given) hold a thousands
    # separator; the message used to give no cause at all.
    advice = "these hold thousands separators, which no option reads: save the numbers without"
    with pytest.raises(SchemaError, match=rf"values such as '1,234\.5'\); {advice}"):
        upload(f'{HEADER}\n1,2024-03-04 09:00,True,"1,234.5"\n')
    text = "contact_id;arrived_at;answered;wait_s\n1;2024-03-04 09:00;True;1.234,5\n"
    with pytest.raises(SchemaError, match=rf"values such as '1\.234,5'\); {advice}"):
        upload(text, decimal=",")


def test_latin1_file_is_read_as_windows_1252_with_a_warning(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(f"{HEADER},queue\n1,2024-03-04 09:00,True,3,Montréal\n".encode("latin-1"))
    with pytest.warns(ReadWarning, match=r"not UTF-8 text; it was read as Windows-1252"):
        contacts = read_contacts(path)
    assert contacts["queue"].tolist() == ["Montréal"]


def test_wrong_encoding_names_the_one_that_reads_the_file():
    content = f"{HEADER},queue\n1,2024-03-04 09:00,True,3,Montréal\n".encode("cp1252")
    with pytest.raises(ValueError, match=r"as utf-8 text \(byte 0xe9 .*pass encoding='cp1252'"):
        upload(content, encoding="utf-8")


def test_nul_bytes_are_refused_naming_utf16():
    content = f"{HEADER}\n".encode("utf-16-le")  # no byte order mark
    with pytest.raises(ValueError, match=r"NUL bytes.*pass encoding='utf-16'"):
        upload(content)


def test_utf16_given_for_text_without_a_byte_order_mark_names_the_encoding_that_reads_it():
    # Python's UTF-16 decoder raises a bare UnicodeError (no byte position) for a stream
    # without a byte order mark; it used to escape raw from every reader.
    with pytest.raises(ValueError, match=r"as utf-16 text \(.*BOM\): pass encoding='utf-8'"):
        upload(f"{HEADER}\n1,2024-03-04 09:00,True,3\n", encoding="utf-16")
    content = f"{HEADER}\n1,2024-03-04 09:00,True,3\n".encode("utf-16-le")
    with pytest.raises(ValueError, match=r"pass encoding='utf-16-le'"):
        upload(content, encoding="utf-16")
    with pytest.raises(ValueError, match=r"as utf-16 text"):
        detect(f"{HEADER}\n".encode(), filename="log.csv", encoding="utf-16")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        # An Excel workbook renamed .csv was "not CSV text (or UTF-16 ...: pass encoding=...)".
        (b"PK\x03\x04\x14\x00", "log.csv", "it is a zip archive, such as an Excel workbook, not"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "log.csv", r"it is an old Excel workbook \(\.xls\)"),
        # mtime=0: the header holds the time of compression, and every xdist worker must
        # collect the same test ids
        (gzip.compress(b"contact_id\n1\n", mtime=0), "log.csv", "it is gzip-compressed, not"),
        (b"PK\x03\x04\x14\x00", "log.xlsx", r"\.parquet; for an Excel workbook, open it in"),
    ],
    ids=["xlsx named csv", "xls named csv", "gzip named csv", "xlsx"],
)
def test_workbooks_and_compressed_files_named_csv_say_what_they_are(content, filename, message):
    with pytest.raises(ValueError, match=message):
        read_upload(content, filename)


def test_random_bytes_that_decode_are_refused_as_not_csv_text():
    # 200 random bytes without a NUL decode as Windows-1252: the upload step showed them as "1
    # rows" of a comma-separated file, with a column named after the junk, control characters
    # and all. The first line of a CSV names the columns, and no name holds a control character.
    junk = bytes(range(1, 9)) * 25 + b"\n"
    for reader in (lambda: read_upload(junk, "log.csv"), lambda: detect(junk, filename="log.csv")):
        with pytest.raises(ValueError, match=r"holds control characters \('\\x01' in column 1\)"):
            reader()
    # a tab separates, and a quoted name may hold a line break: both still read
    assert detect(b'contact_id\t"wait\ns"\n1\t2\n', filename="log.csv").columns == (
        "contact_id",
        "wait\ns",
    )
    assert detect(b'id,"wait\r\ns"\r\n1,2\r\n', filename="log.csv").columns == ("id", "wait\r\ns")


def test_duplicate_column_names_are_refused_with_their_names():
    with pytest.raises(ValueError, match=r"2 columns named 'wait_s' \(columns 4 and 5\)"):
        upload(f"{HEADER},wait_s\n1,2024-03-04 09:00,True,3,4\n")


def test_duplicate_parquet_column_names_are_refused_as_in_csv():
    # Arrow may write two columns of one name; frame["wait_s"] then is a frame and the reader
    # and detect() failed with a raw AttributeError ('DataFrame' object has no attribute 'dtype').
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = [["c1"], [pd.Timestamp("2024-03-04 09:00")], [True], [3.0], [4.0]]
    table = pa.table(columns, names=[*HEADER.split(","), "wait_s"])
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    message = r"'log.parquet' has 2 columns named 'wait_s' \(columns 4 and 5\); rename or remove"
    with pytest.raises(ValueError, match=message):
        read_upload(buffer.getvalue(), "log.parquet")
    with pytest.raises(ValueError, match=message):
        detect(buffer.getvalue(), filename="log.parquet")


def test_files_of_too_many_columns_are_refused_at_once():
    # A line of 100,000 separators used to keep the reader and detect() busy for minutes.
    with pytest.raises(ValueError, match=r"has 100,001 columns; kpikit reads files of at most"):
        upload(";" * 100_000 + "\n1\n")
    frame = pd.DataFrame({f"c{i}": [1] for i in range(1001)})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    with pytest.raises(ValueError, match=r"has 1,001 columns"):
        read_upload(buffer.getvalue(), "wide.parquet")


def test_rows_longer_than_the_header_are_refused_not_shifted():
    with pytest.raises(ValueError, match=r"more fields than the header has names \(4\)"):
        upload(f"{HEADER}\n1,2024-03-04 09:00,True,3,x\n2,2024-03-04 09:01,True,4,y\n")
    # A separator closing every line (some exports write one) is not a field.
    assert upload(f"{HEADER}\n1,2024-03-04 09:00,True,3,\n")["wait_s"].tolist() == [3]


def test_lines_of_spaces_and_tabs_are_blank_lines_but_quoted_spaces_are_a_value():
    # The three contacts of CONTACTS_CSV, with a line of one space before them and lines of
    # spaces and tabs between and after them: pandas skips these as blank lines.
    header, *rows = CONTACTS_CSV.splitlines()
    text = "\n".join([" ", header, rows[0], "  \t ", rows[1], "", rows[2], " "])
    assert read_contacts_text(text)["contact_id"].tolist() == ["007", "008", "009"]
    # A quoted space is a contact whose id is a space: read, and refused for its empty cells.
    with pytest.raises(SchemaError, match=r"contacts.arrived_at: 1 row empty"):
        read_contacts_text(CONTACTS_CSV + '" "\n')


def test_a_header_without_rows_gives_an_empty_table():
    assert len(upload(HEADER + "\n", datetime_format="ISO8601")) == 0


# ---- missing values --------------------------------------------------------------------------

NA_LIKE = ["NA", "N/A", "None", "NULL", "nan"]


def test_na_like_strings_stay_text_in_id_and_text_columns():
    rows = "".join(f"{word},2024-03-04 09:0{i},True,3,{word}\n" for i, word in enumerate(NA_LIKE))
    contacts = upload(f"{HEADER},queue\n{rows}")
    # Queue "NA" (North America) must not merge into the empty group.
    assert contacts["queue"].tolist() == NA_LIKE
    assert contacts["contact_id"].tolist() == NA_LIKE


def test_na_values_make_listed_strings_missing_in_every_column():
    text = f"{HEADER},queue\n1,2024-03-04 09:00,True,3,NA\n2,2024-03-04 09:01,True,3,-\n"
    contacts = upload(text, na_values=["-"])
    assert contacts["queue"].tolist()[0] == "NA"
    assert contacts["queue"].isna().tolist() == [False, True]


def test_na_markers_are_missing_in_number_date_and_flag_columns():
    text = f"{HEADER},talk_s,resolved\n1,2024-03-04 09:00,False,3,NULL,N/A\n"
    contacts = upload(text)
    assert contacts["talk_s"].isna().all() and contacts["resolved"].isna().all()


# ---- dates and time zones --------------------------------------------------------------------


def dates_file(*dates: str) -> str:
    return HEADER + "\n" + "".join(f"{i},{d},True,3\n" for i, d in enumerate(dates))


def test_day_first_dates_are_read_when_a_day_above_12_proves_it():
    contacts = upload(dates_file("02/01/2026 09:00", "13/01/2026 10:30"))
    assert contacts["arrived_at"].dt.month.tolist() == [1, 1]  # 13/01 can only be 13 January
    contacts = upload(dates_file("01/02/2026 9:05 PM", "01/13/2026 8:00 AM"))
    assert contacts["arrived_at"].dt.day.tolist() == [2, 13]  # month first, 12-hour clock


def test_ambiguous_dates_ask_for_the_format():
    with pytest.raises(SchemaError) as raised:
        upload(dates_file("03/04/2026 09:00", "05/04/2026 10:30"))
    assert str(raised.value.problems[0]) == (
        "contacts.arrived_at: dates such as '03/04/2026 09:00' read both day first and month "
        "first (no day above 12 in the file): pass datetime_format='%d/%m/%Y %H:%M' for day "
        "first, or pass datetime_format='%m/%d/%Y %H:%M' for month first"
    )
    chosen = upload(dates_file("03/04/2026 09:00"), datetime_format="%d/%m/%Y %H:%M")
    assert chosen["arrived_at"].dt.month.tolist() == [4]


def test_two_digit_years_that_may_come_first_ask_for_the_format():
    # 26-01-05 reads as 26 January 2005 (day first) or 5 January 2026 (year first): no value
    # tells them apart, so neither is chosen.
    with pytest.raises(SchemaError) as raised:
        upload(dates_file("26-01-05 09:00", "26-01-13 09:00"))
    assert str(raised.value.problems[0]) == (
        "contacts.arrived_at: dates such as '26-01-05 09:00' read both day first and year first "
        "(a two-digit year may come first): pass datetime_format='%d-%m-%y %H:%M' for day "
        "first, or pass datetime_format='%y-%m-%d %H:%M' for year first"
    )
    chosen = upload(dates_file("26-01-05 09:00"), datetime_format="%y-%m-%d %H:%M")
    assert chosen["arrived_at"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-05"]


def test_spreadsheet_day_numbers_are_refused_saying_what_they_are():
    # 46024.375 days after 1899-12-30 is 2026-01-02 09:00 (Excel's serial date); the advice
    # used to be datetime_format='%d/%m/%Y %H:%M', which cannot read a number.
    with pytest.raises(SchemaError) as raised:
        upload(f"{HEADER}\nc1,46024.375,True,3\nc2,46024,True,3\n")
    assert [str(p) for p in raised.value.problems] == [
        "contacts.arrived_at: 2 rows not a timestamp (values such as '46024.375', '46024'); "
        "these are spreadsheet day numbers (46024.375 is 2026-01-02 09:00), which no "
        "datetime_format reads: format the column as dates in the spreadsheet before saving "
        "it as CSV (first ids: c1, c2)"
    ]


def test_a_cell_too_long_for_a_time_is_refused_at_once_and_quoted_short():
    # A 200,000-character cell took pandas' format inference (dateutil) 4 s, and the whole
    # cell was quoted in the message. 60 nines then "..." is the quote; c2's time is fine.
    with pytest.raises(SchemaError) as raised:
        upload(f"{HEADER}\nc1,{'9' * 200_000},True,3\nc2,2026-01-02 09:00,True,3\n")
    assert [str(p) for p in raised.value.problems] == [
        "contacts.arrived_at: 1 row longer than 100 characters, so not a timestamp (values "
        f"such as '{'9' * 60}...'): is the right column mapped to arrived_at? (first ids: c1)"
    ]


def test_bad_values_are_quoted_cut_to_60_characters():
    with pytest.raises(SchemaError) as raised:
        upload(f"{HEADER}\nc1,2026-01-02 09:00,True,{'1' * 500} s\n")
    assert [str(p) for p in raised.value.problems] == [
        f"contacts.wait_s: 1 row not a number (values such as '{'1' * 60}...') (first ids: c1)"
    ]


def test_a_wrong_date_format_names_the_right_one():
    with pytest.raises(
        SchemaError, match=r"look day first \(13/01/2026\): pass datetime_format='%d/%m/%Y'"
    ):
        upload(dates_file("13/01/2026"), datetime_format="%m/%d/%Y")


@pytest.mark.parametrize(
    "time", ["2026-01-02 09:00 CET", "2026-01-02 09:00:00 EST", "2026-01-02 09:00 GMT+1"]
)
def test_zone_abbreviations_are_refused_not_dropped(time):
    # Used to read 09:00 CET as a naive 09:00 (the zone dropped without a word), and GMT+1 as
    # UTC-01:00 (POSIX signs). An abbreviation names no single offset: refused with the fixes.
    with pytest.raises(SchemaError) as raised:
        upload(dates_file(time))
    problem = raised.value.problems[0]
    assert (problem.column, problem.count, problem.examples) == ("arrived_at", 1, ("0",))
    assert f"with a zone name such as {time.split()[-1]!r} at the end" in problem.problem
    assert "export the times with their UTC offset" in problem.problem
    assert "remove the zone names and pass tz='Europe/Paris'" in problem.problem


def test_a_zone_abbreviation_among_iso_times_is_named():
    with pytest.raises(SchemaError, match=r"1 row with a zone name such as 'CET' at the end"):
        upload(dates_file("2026-01-02 09:00", "2026-01-02 10:00 CET"))


def test_am_pm_and_z_are_not_zone_names():
    contacts = upload(dates_file("Jan 2 2026 9:05 PM", "Jan 3 2026 9:05 am"))
    assert contacts["arrived_at"].dt.hour.tolist() == [21, 9]
    assert upload(dates_file("2026-01-02T09:00:00Z"))["arrived_at"].dt.tz is not None


@pytest.mark.parametrize(
    ("time", "said"),
    [
        # By hand: 1767344400 s = 20455 days (2026-01-02) + 32400 s (09:00) after 1970-01-01.
        ("1767344400", "seconds since 1970-01-01 UTC (1767344400 is 2026-01-02 09:00:00 UTC)"),
        ("1767344400000", "milliseconds since 1970-01-01 UTC (1767344400000 is 2026-01-02 09:00"),
    ],
)  # fmt: skip
def test_unix_times_are_refused_saying_what_they_are(time, said):
    # Used to advise datetime_format='%d/%m/%Y %H:%M', which cannot read a number.
    with pytest.raises(SchemaError) as raised:
        upload(dates_file(time))
    assert said in raised.value.problems[0].problem
    assert "datetime_format=" not in raised.value.problems[0].problem


@pytest.mark.skipif(pd.__version__ >= "3", reason="pandas 3 holds these years")
@pytest.mark.parametrize(
    ("time", "year"),
    [("1600-01-02 09:00", 1600), ("9999-12-31 00:00", 9999), ("02/01/1600 09:00", 1600)],
)
def test_years_pandas_cannot_hold_are_named(time, year):
    # Used to say "the other values follow the format 'ISO8601': correct these", though the
    # format is right: pandas' nanosecond times end at 1677-09-21 and 2262-04-11.
    with pytest.raises(SchemaError) as raised:
        upload(dates_file("13/01/2026 09:00" if "/" in time else "2026-01-13 09:00", time))
    problem = raised.value.problems[0]
    assert (problem.count, problem.examples) == (1, ("1",))
    assert f"year {year} is outside 1677-09-21 to 2262-04-11" in problem.problem


def test_a_header_with_spaces_after_the_commas_says_so():
    # Used to say only "' arrived_at' looks like it", as if another column looked like it.
    with pytest.raises(SchemaError) as raised:
        upload("contact_id, arrived_at, answered, wait_s\nc1, 2026-01-02 09:00, True, 3\n")
    assert str(raised.value.problems[0]) == (
        "contacts.arrived_at: required column is missing; the file names it ' arrived_at', "
        "with spaces around the name: save the header without them, or pass mapping="
        "{' arrived_at': 'arrived_at', ' answered': 'answered', ' wait_s': 'wait_s'}"
    )


def test_arrival_dates_without_times_are_read_as_midnight_with_a_warning(tmp_path, recwarn):
    # A log of dates only: hourly KPIs would put every contact at 00:00, so the read says so
    # (kk.compute then refuses nothing: these are timestamps, as a real midnight would be).
    with pytest.warns(ReadWarning, match=r"contacts\.arrived_at holds dates without a time"):
        contacts = upload(dates_file("2026-01-05", "2026-01-06"))
    assert contacts["arrived_at"].dt.hour.tolist() == [0, 0]
    path = tmp_path / "log.csv"
    path.write_text(dates_file("05/01/2026", "13/01/2026"))
    with pytest.warns(ReadWarning, match="dates without a time of day") as caught:
        read_contacts(path)
    assert caught[0].filename == __file__  # pointed at the caller's line
    recwarn.clear()
    upload(dates_file("2026-01-05 00:00", "2026-01-05 09:30"))  # one real time: no warning
    assert not [w for w in recwarn if issubclass(w.category, ReadWarning)]


@pytest.mark.parametrize("datetime_format", [None, "ISO8601"])
def test_iso_times_cut_short_are_refused_by_row(datetime_format):
    # pandas' ISO 8601 reads "2026" as 1 January and "2026-03" as 1 March, and a date among
    # times as its midnight: all three were read without a word, in the wrong periods
    text = dates_file("2026-03-02 09:00", "2026-03", "2026", "2026-03-02", "2026-03-02T10:15")
    with pytest.raises(SchemaError) as caught:
        upload(text, datetime_format=datetime_format)
    message = str(caught.value)
    assert "contacts.arrived_at: 3 rows not a whole timestamp" in message
    assert "'2026-03', '2026', '2026-03-02'" in message and "(first ids: 1, 2, 3)" in message
    # whole times with or without seconds, fractions and offsets read as before
    fine = dates_file("2026-03-02 09:00", "2026-03-02T09:00:05.25", "2026-03-02 09:00:05")
    assert upload(fine, datetime_format=datetime_format)["arrived_at"].dt.minute.tolist() == [0] * 3


def test_mixed_offsets_are_read_in_the_zone_they_come_from_with_a_warning():
    # 01:30 at +01:00 and 03:30 at +02:00 on 29 March 2026, Europe's spring change: Paris (and
    # Berlin, Madrid...) had exactly these offsets then. Read in UTC before, a Paris day ran
    # from 01:00 or 02:00 to the next.
    text = dates_file("2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00")
    with pytest.warns(
        ReadWarning,
        match=r"several UTC offsets \(\+01:00, \+02:00\), those of "
        r"Europe/Paris .* read in that zone \(Europe/Berlin, Europe/Madrid and \d+ "
        r"more .*pass tz='Europe/London'",
    ):
        contacts = upload(text)
    assert str(contacts["arrived_at"].dt.tz) == "Europe/Paris"
    assert contacts["arrived_at"].dt.hour.tolist() == [1, 3]
    # New York's autumn change, 1 November 2026: 23:30 at -04:00, then 09:00 at -05:00.
    text = dates_file("2026-10-31T23:30:00-04:00", "2026-11-01T09:00:00-05:00")
    with pytest.warns(ReadWarning, match=r"those of America/New_York"):
        contacts = upload(text)
    assert contacts["arrived_at"].dt.day.tolist() == [31, 1]


def test_offsets_no_one_zone_had_are_read_in_utc_with_a_warning():
    # +01:00 and -05:00 on the same winter day: two sites, not one zone's clock change.
    text = dates_file("2026-01-13T09:00:00+01:00", "2026-01-13T09:00:00-05:00")
    with pytest.warns(ReadWarning, match=r"which no one zone had .* read in UTC\. To read"):
        contacts = upload(text)
    assert str(contacts["arrived_at"].dt.tz) == "UTC"
    assert contacts["arrived_at"].dt.hour.tolist() == [8, 14]


def test_mixed_offsets_are_read_in_the_zone_given(recwarn):
    text = dates_file("2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00")
    contacts = upload(text, tz="Europe/Paris")
    assert str(contacts["arrived_at"].dt.tz) == "Europe/Paris"
    # The hour repeated when clocks go back: the same wall time, one hour apart.
    assert contacts["arrived_at"].dt.hour.tolist() == [2, 2]
    assert (contacts["arrived_at"].iloc[1] - contacts["arrived_at"].iloc[0]).seconds == 3600
    assert not [w for w in recwarn if issubclass(w.category, ReadWarning)]


def test_one_offset_keeps_timezone_aware_times():
    contacts = upload(dates_file("2026-01-13T09:00:00Z", "2026-01-13T10:00:00Z"))
    assert str(contacts["arrived_at"].dt.tz) == "UTC"


def test_times_without_offset_among_times_with_one_need_tz():
    text = dates_file("2026-01-13T09:00:00+01:00", "2026-01-13 10:00:00")
    with pytest.raises(SchemaError, match=r"1 row without a UTC offset.*pass tz="):
        upload(text)
    contacts = upload(text, tz="Europe/Paris")
    assert contacts["arrived_at"].dt.hour.tolist() == [9, 10]


def test_a_date_without_time_among_times_with_an_offset_has_no_offset():
    # The "-13" of 2026-01-13 is the day, not an offset: rows 2 and 3 both lack one.
    text = dates_file("2026-01-13T09:00:00+01:00", "2026-01-13", "2026-01-14 08:00")
    with pytest.raises(SchemaError, match=r"2 rows without a UTC offset.*'2026-01-13'"):
        upload(text)
    contacts = upload(text, tz="Europe/Paris")
    # Row 2 is midnight in Paris, as row 3 is 08:00 in Paris (not UTC midnight, 01:00 Paris).
    assert contacts["arrived_at"].dt.hour.tolist() == [9, 0, 8]
    text = dates_file("2026-01-13T09:00:00+01:00", "2026-06-14T08:00:00+02:00", "2026-01-13")
    with pytest.raises(SchemaError, match=r"1 row without a UTC offset"):
        upload(text)


def test_tz_places_local_times_and_reports_the_skipped_hour():
    contacts = upload(dates_file("2026-03-29 01:30", "2026-03-29 03:30"), tz="Europe/Paris")
    # 01:30 is before the spring change (+01:00), 03:30 after it (+02:00): one hour apart.
    assert (contacts["arrived_at"].iloc[1] - contacts["arrived_at"].iloc[0]).seconds == 3600
    with pytest.raises(SchemaError, match=r"1 row in a clock change of Europe/Paris"):
        upload(dates_file("2026-03-29 02:30"), tz="Europe/Paris")  # 02:00-03:00 does not exist


def test_parquet_timezone_aware_times_are_kept_or_converted(tmp_path):
    frame = upload(dates_file("2026-01-13T09:00:00+01:00"))
    frame.to_parquet(tmp_path / "contacts.parquet")
    kept = read_contacts(tmp_path / "contacts.parquet")["arrived_at"]
    assert kept.iloc[0].isoformat() == "2026-01-13T09:00:00+01:00"
    converted = read_contacts(tmp_path / "contacts.parquet", tz="America/New_York")
    assert converted["arrived_at"].dt.hour.tolist() == [3]  # 08:00 UTC is 03:00 in New York


# ---- numbers and true/false words -------------------------------------------------------


def test_durations_in_seconds_columns_are_read_as_seconds():
    contacts = upload(f"{HEADER}\n1,2024-03-04 09:00,True,0:01:05\n2,2024-03-04 09:01,True,7\n")
    assert contacts["wait_s"].tolist() == [65.0, 7.0]  # 1 min 5 s


def test_yes_no_words_with_options_any_case_and_empty_cells():
    text = f"{HEADER},resolved\n1,2024-03-04 09:00,Y,3,yes\n2,2024-03-04 09:01,n,3,\n"
    contacts = upload(text, true_values=["Y", "yes"], false_values=["N"])
    assert contacts["answered"].tolist() == [True, False]
    assert str(contacts["resolved"].dtype) == "boolean"


def test_unknown_words_are_reported_with_ids():
    text = f"{HEADER}\n1,2024-03-04 09:00,Y,3\n2,2024-03-04 09:01,maybe,3\n"
    with pytest.raises(SchemaError) as raised:
        upload(text, true_values=["Y"], false_values=["N"])
    assert str(raised.value.problems[0]) == (
        "contacts.answered: 1 row not a true/false word (values such as 'maybe'): name the "
        "words meaning True in true_values and those meaning False in false_values "
        "(first ids: 2)"
    )


def test_cli_and_upload_wording_of_the_same_advice():
    text = f"{HEADER}\n1,2024-03-04 09:00,Y,3\n"
    with advice_for("cli"), pytest.raises(SchemaError, match="pass --true-values Y"):
        upload(text)
    with advice_for("upload"), pytest.raises(SchemaError, match="set True words to Y"):
        upload(text)


def test_missing_columns_suggest_a_mapping():
    text = "Call ID,CallStart,Answered,Queue Time\nc1,2024-03-04 09:00,True,3\n"
    with pytest.raises(SchemaError) as raised:
        upload(text)
    assert str(raised.value.problems[0]) == (
        "contacts.contact_id: required column is missing; 'Call ID' looks like it: pass "
        "mapping={'Call ID': 'contact_id', 'CallStart': 'arrived_at', 'Answered': 'answered', "
        "'Queue Time': 'wait_s'}"
    )


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"sep": ";;"}, ValueError, r"'sep' must be one character"),
        ({"decimal": "x"}, ValueError, r"'decimal' must be '\.' or ','"),
        ({"tz": "Mars/Olympus"}, ValueError, r"'tz' is not a time zone name"),
        ({"encoding": "klingon"}, ValueError, r"'encoding' is not a text encoding"),
        ({"true_values": ["Y"], "false_values": ["y"]}, ValueError, r"share \['y'\]"),
        ({"true_values": [1]}, TypeError, r"'true_values' must be a list of str"),
        # An empty word made a cell of spaces True (or False) while an empty cell is missing.
        ({"true_values": [""]}, ValueError, r"'true_values' must hold words, not empty text"),
        ({"false_values": ["N", " "]}, ValueError, r"'false_values' must hold words, not empty"),
        ({"datetime_format": ""}, TypeError, r"'datetime_format' must be a non-empty str"),
    ],
)
def test_bad_reading_options_name_the_option(options, error, message):
    with pytest.raises(error, match=message):
        upload(CONTACTS_CSV, **options)


# ---- mapping errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"CallId": "contact_id"}, r"names columns that are not in .*: 'CallId'\. Columns in the"),
        ({"CallID": "call_id"}, r"maps to names that are not contacts columns: 'call_id'"),
        ({"CallID": "contact_id", "Agent": "contact_id"}, r"maps several columns to 'contact_id'"),
    ],
)
def test_bad_mapping_names_the_culprits(tmp_path, mapping, message):
    with pytest.raises(ValueError, match=message):
        read_contacts(write(tmp_path / "export.csv", VENDOR_CSV), mapping=mapping)


def test_mapping_onto_an_existing_column_is_refused(tmp_path):
    text = VENDOR_CSV.replace("Talk", "talk_s").replace("Agent,", "AgentTalk,")
    with pytest.raises(ValueError, match=r"renames columns to 'talk_s'.*already has"):
        read_contacts(write(tmp_path / "export.csv", text), mapping={"AgentTalk": "talk_s"})


def test_mapping_must_be_a_dict_of_strings(tmp_path):
    with pytest.raises(TypeError, match="'mapping' must be a dict"):
        read_contacts(
            write(tmp_path / "export.csv", VENDOR_CSV), mapping=[("CallID", "contact_id")]
        )


# ---- path and file errors ------------------------------------------------------------------


def test_missing_path(tmp_path):
    with pytest.raises(ValueError, match="does not exist; received: '.*nope.csv'"):
        read_contacts(tmp_path / "nope.csv")


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "contacts.csv"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"is a folder, not a file.*kk.scan_parquet\(path\)"):
        read_contacts(folder)


def test_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.csv, \.csv\.gz, \.parquet; received"):
        read_contacts(write(tmp_path / "contacts.xlsx", CONTACTS_CSV))


def test_paths_the_system_refuses_are_value_errors_naming_the_reason(tmp_path, monkeypatch):
    # A name longer than the system's 255 bytes made Path.exists raise a raw OSError.
    too_long = tmp_path / ("c" * 300 + ".csv")
    with pytest.raises(ValueError, match=r"'path' is refused by the system \(File name too"):
        read_contacts(too_long)
    with pytest.raises(ValueError, match=r"'path' is refused by the system \(File name too"):
        detect(too_long)
    with pytest.raises(ValueError, match=r"'folder' is refused by the system \(File name too"):
        read_dataset(tmp_path / ("d" * 300))
    # A file without read permission (faked: the tests may run as root, who reads anything)
    # used to fail with a raw PermissionError once parsing began.
    path = write(tmp_path / "contacts.csv", CONTACTS_CSV)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_source, "open", denied, raising=False)
    with pytest.raises(ValueError, match=r"'path' is refused by the system \(Permission denied"):
        read_contacts(path)


def test_path_of_wrong_type():
    with pytest.raises(TypeError, match="'path' must be a str or path; received int"):
        read_contacts(3)


def test_oversized_file(tmp_path):
    path = write(tmp_path / "contacts.csv", CONTACTS_CSV)
    size = len(CONTACTS_CSV.encode())
    # A small limit is shown in bytes: "0.0 MB" would not say what the limit is.
    with pytest.raises(ValueError, match=rf"is {size:,} bytes, above the limit of 10 bytes; raise"):
        read_contacts(path, max_bytes=10)


def test_gzip_bomb_is_stopped_after_decompression(tmp_path):
    path = tmp_path / "contacts.csv.gz"
    # 1 MB of zeros compresses to about 1 kB: small on disk, big once decompressed.
    path.write_bytes(gzip.compress(CONTACTS_CSV.encode() + b"0" * 1_000_000))
    assert path.stat().st_size < 10_000
    # Reading stops one byte past the limit: the message says "more than", not a size.
    with pytest.raises(
        ValueError,
        match=r"is more than the limit of 0\.1 MB once decompressed; raise max_bytes to read it",
    ):
        read_contacts(path, max_bytes=100_000)


def test_bad_max_bytes(tmp_path):
    with pytest.raises(ValueError, match="'max_bytes' must be a positive int; received: -1"):
        read_contacts(write(tmp_path / "contacts.csv", CONTACTS_CSV), max_bytes=-1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contacts.csv.gz", b"not gzip at all", "as gzip"),
        ("contacts.parquet", b"PAR1 not really", "as Parquet"),
        ("contacts.csv", b"", "is empty: expected a header row"),
        ("contacts.csv", b"\n\n  \n", "is empty: expected a header row"),
    ],
)
def test_unreadable_files_raise_value_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_contacts(path)


# ---- read_dataset ----------------------------------------------------------------------------


def test_read_dataset_reads_every_table(tmp_path):
    write(tmp_path / "contacts.csv", CONTACTS_CSV)
    pd.DataFrame(
        {
            "agent_id": ["a1", "a2"],
            "interval_start": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:00"]),
            "handling_s": [1200.0, 900.0],
            "available_s": [600.0, 900.0],
        }
    ).to_parquet(tmp_path / "agent_intervals.parquet")
    (tmp_path / "costs.csv.gz").write_bytes(
        gzip.compress(b"period_start,channel,cost\n2024-03-01,phone,1000\n")
    )
    write(tmp_path / "targets.csv", "kpi,target\naht,300\n")
    data = read_dataset(tmp_path)
    assert len(data.contacts) == 3
    assert data.agent_intervals["handling_s"].sum() == 2100.0
    assert data.costs["period_start"].tolist() == [pd.Timestamp("2024-03-01")]


def test_an_empty_table_file_shows_its_own_header(tmp_path):
    # an empty costs file showed the contacts' header and "one row per contact"
    write(tmp_path / "contacts.csv", CONTACTS_CSV)
    write(tmp_path / "costs.csv", "")
    with pytest.raises(
        ValueError, match=r"costs\.csv' is empty: .*\(for example period_start,cost\)"
    ):
        read_dataset(tmp_path)


def test_read_dataset_optional_tables_are_none(tmp_path):
    write(tmp_path / "contacts.csv", CONTACTS_CSV)
    data = read_dataset(tmp_path)
    assert data.agent_intervals is None and data.costs is None


def test_read_dataset_reports_problems_of_all_tables_together(tmp_path):
    write(tmp_path / "contacts.csv", CONTACTS_CSV.replace(",12.5,", ",-1,"))
    write(tmp_path / "costs.csv", "period_start,cost\n2024-03-01,-5\nlater,3\n")
    with pytest.raises(SchemaError) as raised:
        read_dataset(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "costs.period_start: 1 row not a timestamp (values such as 'later'); the other "
        "values follow the format 'ISO8601': correct these, or give datetime_format a format "
        "that reads every value (first row positions: 1)",
        "contacts.wait_s: 1 row below 0 (first ids: 007)",
        "costs.cost: 1 row below 0 (first row positions: 0)",
    ]


def write_iso_contacts_and_day_first_costs(folder):
    write(folder / "contacts.csv", f"{HEADER}\nc1,2026-03-02 09:00,True,3\n")
    write(folder / "costs.csv", "period_start,cost\n01/03/2026,100\n02/03/2026,120\n")


def test_read_dataset_takes_a_date_format_per_table(tmp_path):
    # Used to be a dead end: the advice datetime_format='%d/%m/%Y' for the costs then applied
    # to the ISO contacts too, which it cannot read.
    write_iso_contacts_and_day_first_costs(tmp_path)
    with pytest.raises(SchemaError, match=r"pass datetime_format=\{'costs': '%d/%m/%Y'\} for day"):
        read_dataset(tmp_path)
    data = read_dataset(tmp_path, datetime_format={"costs": "%d/%m/%Y"})
    # By hand: 01/03/2026 and 02/03/2026 day first are the 1st and 2nd of March.
    assert data.costs["period_start"].tolist() == [
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2026-03-02"),
    ]
    assert data.contacts["arrived_at"].tolist() == [pd.Timestamp("2026-03-02 09:00")]


def test_read_dataset_advice_for_a_format_given_to_every_table_names_each_table(tmp_path):
    write_iso_contacts_and_day_first_costs(tmp_path)
    with pytest.raises(SchemaError) as raised:
        read_dataset(tmp_path, datetime_format="%d/%m/%Y")
    assert raised.value.problems[0].problem.endswith(
        "pass datetime_format={'contacts': 'ISO8601', 'costs': '%d/%m/%Y'}"
    )
    with advice_for("cli"), pytest.raises(SchemaError, match="pass --datetime-format ISO8601"):
        read_dataset(tmp_path, datetime_format="%d/%m/%Y")


@pytest.mark.parametrize(
    ("datetime_format", "error", "message"),
    [
        ({"cost": "%d/%m/%Y"}, ValueError, r"'datetime_format key' is not a table name\. "
         r"Expected one of \['contacts', 'agent_intervals', 'costs'\] but received: 'cost'\. "
         r"Did you mean 'costs'\?"),
        ({"costs": ""}, TypeError, r"Value of \"datetime_format\['costs'\]\" must be a non-empty"),
        ({"costs": "mixed"}, ValueError, r"\"datetime_format\['costs'\]\" cannot be 'mixed'"),
        (["%d/%m/%Y"], TypeError, r"'datetime_format' must be a str, or a dict of table name"),
    ],
)  # fmt: skip
def test_read_dataset_date_formats_per_table_are_checked(tmp_path, datetime_format, error, message):
    write_iso_contacts_and_day_first_costs(tmp_path)
    with pytest.raises(error, match=message):
        read_dataset(tmp_path, datetime_format=datetime_format)


def test_read_dataset_folder_errors(tmp_path):
    with pytest.raises(ValueError, match="not an existing folder"):
        read_dataset(tmp_path / "missing")
    with pytest.raises(ValueError, match="No contacts file .*contacts.csv, contacts.csv.gz"):
        read_dataset(tmp_path)
    write(tmp_path / "contacts.csv", CONTACTS_CSV)
    (tmp_path / "contacts.csv.gz").write_bytes(gzip.compress(CONTACTS_CSV.encode()))
    with pytest.raises(ValueError, match="several contacts files .*contacts.csv, contacts.csv.gz"):
        read_dataset(tmp_path)


# ---- read_upload -----------------------------------------------------------------------------


def test_read_upload_csv_bytes_and_memoryview():
    data = read_upload(memoryview(CONTACTS_CSV.encode()), "C:/fakepath/log.csv")
    assert isinstance(data, Dataset)
    assert data.contacts["contact_id"].tolist() == ["007", "008", "009"]
    assert data.agent_intervals is None


def test_read_upload_parquet_and_gzip():
    buffer = io.BytesIO()
    sample_contacts().to_parquet(buffer)
    assert len(read_upload(buffer.getvalue(), "log.parquet").contacts) == 3
    assert len(read_upload(gzip.compress(CONTACTS_CSV.encode()), "log.CSV.GZ").contacts) == 3


def test_an_uploaded_parquet_file_whose_dictionary_hides_its_size_is_refused_before_decoding():
    # 2 million rows of one 100-letter id, dictionary-encoded: a 26 kB file whose footer says
    # 25 kB, which decoded to 200 MB of text (peak memory +300 MB) before any limit applied.
    import pyarrow as pa
    import pyarrow.parquet as pq

    word = pa.array(["x" * 100])
    indices = pa.array([0] * 2_000_000, pa.int32())
    buffer = io.BytesIO()
    pq.write_table(pa.table({"contact_id": pa.DictionaryArray.from_arrays(indices, word)}), buffer)
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ValueError, match=r"is more than the limit of 0\.1 MB once decoded"):
        read_upload(buffer.getvalue(), "bomb.parquet", max_bytes=100_000)


def test_an_uploaded_parquet_file_within_the_limit_once_decoded_reads():
    # three contacts: 6,432 bytes on disk, 757 counted decoded
    buffer = io.BytesIO()
    sample_contacts().to_parquet(buffer)
    assert len(read_upload(buffer.getvalue(), "log.parquet", max_bytes=20_000).contacts) == 3


def test_an_uploaded_parquet_files_dictionary_text_is_counted_once_decoded():
    # 2,000 contacts, ids C0000000-C0001999 and queues billing/sales in turn, both text columns
    # dictionary-encoded. Decoded as plain encoding holds them (4 bytes of length, then the
    # text): ids 2,000 x (4 + 8) = 24,000 bytes, queues 1,000 x (4 + 7) + 1,000 x (4 + 5) =
    # 20,000. They replace those columns' stored pages in the footer's size; they were counted
    # on top of them (46,402 + 28,000 bytes of text here), which refused files within the limit.
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kpikit.io._parquet_size import decoded_bytes, unpacked_bytes

    rows = 2_000
    contacts = pd.DataFrame(
        {
            "contact_id": [f"C{i:07d}" for i in range(rows)],
            "arrived_at": pd.date_range("2024-03-04", periods=rows, freq="min"),
            "answered": True,
            "wait_s": 5.0,
            "queue": ["billing", "sales"] * (rows // 2),
        }
    )
    buffer = io.BytesIO()
    contacts.to_parquet(buffer)
    data = buffer.getvalue()
    metadata = pq.read_metadata(pa.BufferReader(data))
    text_pages = sum(
        metadata.row_group(0).column(i).total_uncompressed_size
        for i, name in enumerate(metadata.schema.names)
        if name in ("contact_id", "queue")
    )
    counted = unpacked_bytes(metadata) - text_pages + 24_000 + 20_000
    assert decoded_bytes(data, metadata, limit=10**9) == counted
    assert unpacked_bytes(metadata) + 28_000 > counted
    assert len(read_upload(data, "log.parquet", max_bytes=counted).contacts) == rows
    with pytest.raises(ValueError, match="once decoded"):
        read_upload(data, "log.parquet", max_bytes=counted - 1)


def test_read_upload_with_mapping():
    data = read_upload(VENDOR_CSV.encode(), "export.csv", mapping=VENDOR_MAPPING)
    assert data.contacts["wait_s"].tolist() == [12, 41]


@pytest.mark.parametrize(
    ("content", "filename", "options", "error", "message"),
    [
        (b"x", "log.txt", {}, ValueError, r"Cannot read 'log.txt': expected a file ending in"),
        (b"", "log.csv", {}, ValueError, r"The uploaded file 'log.csv' is empty"),
        (CONTACTS_CSV.encode(), "log.csv", {"max_bytes": 50}, ValueError, "above the limit"),
        ("text", "log.csv", {}, TypeError, "'content' must be bytes; received str"),
        (b"x", None, {}, TypeError, "'filename' must be a str"),
    ],
)
def test_read_upload_rejects_bad_input(content, filename, options, error, message):
    with pytest.raises(error, match=message):
        read_upload(content, filename, **options)


def test_read_upload_schema_problems_are_readable():
    with pytest.raises(SchemaError) as raised:
        read_upload(b"contact_id,answered\n1,True\n", "log.csv")
    assert str(raised.value).splitlines()[1:] == [
        "- contacts.arrived_at: required column is missing (columns present: contact_id, answered)",
        "- contacts.wait_s: required column is missing (columns present: contact_id, answered)",
    ]


# ---- exports ---------------------------------------------------------------------------------


def test_to_csv_neutralises_formulas_and_keeps_numbers():
    frame = pd.DataFrame(
        {
            "note": [
                "=1+1",
                "+cmd",
                "-2+3",
                "@SUM(A1)",
                "\tx",
                "\ry",
                "-5",
                "+1.5e3",
                "fine",
                None,
            ],
            "value": [-1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        }
    )
    written = pd.read_csv(io.StringIO(to_csv(frame)), dtype={"note": str}, keep_default_na=False)
    assert written["note"].tolist() == [
        "'=1+1",
        "'+cmd",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\ry",  # formula starts: quoted
        "-5",
        "+1.5e3",
        "fine",
        "",  # plain numbers, ordinary text and missing: unchanged
    ]
    assert written["value"].tolist() == frame["value"].tolist()


def test_to_csv_neutralises_headers_and_categories():
    frame = pd.DataFrame({"=cmd": pd.Categorical(["@x", "ok"])})
    assert to_csv(frame).splitlines() == ["'=cmd", "'@x", "ok"]


def test_to_csv_writes_a_file_and_takes_polars(tmp_path):
    target = to_csv(
        pl.DataFrame({"team": ["=evil", "north"], "aht": [310.5, 290.0]}), tmp_path / "out.csv"
    )
    assert target == (tmp_path / "out.csv").resolve()
    assert pd.read_csv(target)["team"].tolist() == ["'=evil", "north"]


def test_to_csv_refuses_other_suffixes(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.csv, \.csv\.gz; received"):
        to_csv(pd.DataFrame({"a": [1]}), tmp_path / "out.html")


def test_to_excel_stores_text_not_formulas(tmp_path):
    frame = pd.DataFrame({"note": ['=HYPERLINK("http://x")', "ok"], "value": [1.5, None]})
    target = to_excel(frame, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A2"].value == '=HYPERLINK("http://x")'
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 1.5 and sheet["B3"].value is None


def test_write_workbook_rounds_colours_and_freezes(tmp_path):
    table = pd.DataFrame(
        {
            "team": ["north", "=cmd"],
            "aht": [311.62, 299.5],
            "when": pd.to_datetime(["2024-01-01 09:00"] * 2).tz_localize("Europe/Paris"),
        }
    )
    fills = pd.DataFrame({"team": [None, None], "aht": ["#F4CDB2", None], "when": None})
    sheets = [
        Sheet("KPIs: [draft]", table, decimals={"aht": 0}, fills=fills, frozen_columns=1),
        Sheet("KPIs: [draft]", table),
    ]
    target = write_workbook(sheets, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(target)
    # Excel refuses []:*?/\ in sheet names; the second sheet of the same name gets a number.
    assert book.sheetnames == ["KPIs- -draft-", "KPIs- -draft- (2)"]
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "B2" and sheet["A1"].font.bold
    assert sheet["B2"].value == 312 and sheet["B2"].number_format == "#,##0"  # rounded, stored
    assert sheet["B2"].fill.fgColor.rgb == "00F4CDB2" and sheet["B3"].fill.fgColor.rgb != "00F4CDB2"
    assert sheet["A3"].value == "=cmd" and sheet["A3"].data_type == "s"  # text, not a formula
    assert sheet["C2"].value == "2024-01-01 09:00:00+01:00"  # Excel has no zones: ISO text
    assert book.worksheets[1]["B2"].value == 311.62  # no decimals asked: kept as it is
    assert isinstance(write_workbook(sheets[:1]), bytes)  # no path: the bytes, for a download
    with pytest.raises(ValueError, match="table's shape"):
        write_workbook([Sheet("x", table, fills=fills.iloc[:1])])


def test_safe_export_path_checks(tmp_path):
    assert safe_export_path(tmp_path / "a.CSV") == (tmp_path / "a.CSV").resolve()
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        safe_export_path(tmp_path / "dir.csv")
    with pytest.raises(ValueError, match="folder of 'path' does not exist"):
        safe_export_path(tmp_path / "missing" / "a.csv")
    with pytest.raises(ValueError, match="must be inside"):
        safe_export_path(tmp_path / "sub" / ".." / ".." / "a.csv", base_dir=tmp_path / "sub")
    (tmp_path / "sub").mkdir()
    assert safe_export_path(tmp_path / "sub" / "a.csv", base_dir=tmp_path / "sub").name == "a.csv"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        # codecs for bytes or domain names passed codecs.lookup, then failed raw in the reader
        # (binascii.Error, zlib.error, TypeError, UnicodeError)
        ("encoding", "rot13", "'encoding' is not a text encoding Python knows"),
        ("encoding", "base64", "'encoding' is not a text encoding Python knows"),
        ("encoding", "punycode", "'encoding' is not a text encoding Python knows"),
        # tzdata's OSError (file name too long)
        ("tz", "X" * 1000, "'tz' is not a time zone name"),
        # 'mixed' read 02/01/2026 month first and 13/01/2026 day first in one column
        ("datetime_format", "mixed", "'datetime_format' cannot be 'mixed'"),
    ],
)
def test_reading_options_that_cannot_read_a_file_are_refused_by_name(option, value, message):
    with pytest.raises(ValueError, match=message):
        upload(
            "contact_id,arrived_at,answered,wait_s\n1,02/01/2026 09:00,true,5\n", **{option: value}
        )


def test_a_zone_only_zoneinfo_knows_is_named_where_pandas_cannot_place_it():
    # tzdata's "Factory": pandas 2 (pytz) raised UnknownTimeZoneError in the reader; pandas 3
    # (zoneinfo) places it. Either it reads, or the error names 'tz'.
    text = "contact_id,arrived_at,answered,wait_s\n1,2026-01-13 09:00,true,5\n"
    try:
        upload(text, tz="Factory")
    except ValueError as error:
        assert "'tz' is not a time zone name" in str(error)


@pytest.mark.parametrize(
    ("text", "sep", "split"),
    [
        (b"contact_id|arrived_at|answered|wait_s\n1|2026-01-05 09:00|True|1\n", None, "|"),
        (b"contact_id,arrived_at,answered,wait_s\n1,2026-01-05 09:00,True,1\n", ";", ","),
    ],
)
def test_a_file_read_as_one_column_says_which_separator_splits_it(tmp_path, text, sep, split):
    # Read with the wrong separator, the whole header is one column: four "required column is
    # missing" lines listed it, and none said to set sep.
    path = tmp_path / "log.csv"
    path.write_bytes(text)
    with pytest.raises(SchemaError, match=f"which '\\{split}' would split: pass sep='\\{split}'"):
        read_contacts(path, **({"sep": sep} if sep else {}))


def test_na_values_apply_to_the_text_cells_of_a_parquet_file(tmp_path):
    # The docstring says every column; a Parquet file's text cells were read as written, so a
    # hold time of "n/a" failed to convert although the user listed it as missing.
    path = tmp_path / "log.parquet"
    pd.DataFrame(
        {
            "contact_id": ["1", "2", "NA"],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00"] * 3),
            "answered": False,
            "wait_s": 5.0,
            "hold_s": ["0", "n/a", "0"],
            "queue": ["NA", "n/a", "x"],
        }
    ).to_parquet(path)
    contacts = read_contacts(path, na_values=["n/a"])
    assert contacts["hold_s"].isna().tolist() == [False, True, False]
    assert contacts["contact_id"].tolist() == ["1", "2", "NA"]  # not listed: kept as text
    assert contacts["queue"][0] == "NA" and pd.isna(contacts["queue"][1])
