"""Tests for kpikit.io: reading CSV / gzipped CSV / Parquet, uploads and safe exports."""

import gzip
import io

import openpyxl
import pandas as pd
import polars as pl
import pytest

from kpikit.io import (
    read_contacts,
    read_dataset,
    read_upload,
    safe_export_path,
    to_csv,
    to_excel,
)
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
    pd.testing.assert_frame_equal(read_contacts(parquet), plain, check_dtype=False)
    assert read_contacts(parquet)["contact_id"].tolist() == ["007", "008", "009"]


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
        "'yesterday') (first ids: 008, 009)"
    )


def test_unparsable_values_and_schema_problems_come_together(tmp_path):
    text = CONTACTS_CSV.replace("2024-03-04 09:01:00", "soon").replace(",12.5,", ",-1,")
    with pytest.raises(SchemaError) as raised:
        read_contacts(write(tmp_path / "contacts.csv", text))
    # The bad timestamp is reported once (not again as an empty required value).
    assert [str(p) for p in raised.value.problems] == [
        "contacts.arrived_at: 1 row not a timestamp (values such as 'soon') (first ids: 008)",
        "contacts.wait_s: 1 row below 0 (first ids: 007)",
    ]


def test_datetime_format_reads_day_first_dates(tmp_path):
    text = CONTACTS_CSV.replace("2024-03-04 09:0", "04/03/2024 09:0")
    contacts = read_contacts(
        write(tmp_path / "contacts.csv", text), datetime_format="%d/%m/%Y %H:%M:%S"
    )
    assert contacts["arrived_at"].dt.month.tolist() == [3, 3, 3]


def test_mixed_time_zones_are_reported(tmp_path):
    text = CONTACTS_CSV.replace("09:00:00", "09:00:00+01:00").replace("09:01:00", "09:01:00+02:00")
    with pytest.raises(SchemaError, match="contacts.arrived_at: cannot be read as timestamps"):
        read_contacts(write(tmp_path / "contacts.csv", text), datetime_format="ISO8601")


def test_text_in_a_number_column_is_reported_with_ids(tmp_path):
    text = CONTACTS_CSV.replace(",40,", ",40s,")
    with pytest.raises(SchemaError) as raised:
        read_contacts(write(tmp_path / "contacts.csv", text))
    assert str(raised.value.problems[0]) == (
        "contacts.wait_s: 1 row not a number (values such as '40s') (first ids: 008)"
    )


def test_zero_one_flags_are_reported_not_guessed(tmp_path):
    text = "contact_id,arrived_at,answered,wait_s\n1,2024-03-04 09:00,1,3\n2,2024-03-04 09:01,0,5\n"
    with pytest.raises(SchemaError, match=r"contacts.answered: wrong type: holds integers"):
        read_contacts(write(tmp_path / "contacts.csv", text))


def test_validate_false_skips_the_schema_but_not_parsing(tmp_path):
    path = write(tmp_path / "contacts.csv", CONTACTS_CSV.replace(",12.5,", ",-1,"))
    assert read_contacts(path, validate=False)["wait_s"].iloc[0] == -1
    with pytest.raises(SchemaError, match="not a timestamp"):
        read_contacts(
            write(tmp_path / "bad.csv", CONTACTS_CSV.replace("09:01:00", "x")), validate=False
        )


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
        read_contacts(write(tmp_path / "export.csv", VENDOR_CSV), mapping=[("CallID", "contact_id")])


# ---- path and file errors ------------------------------------------------------------------


def test_missing_path(tmp_path):
    with pytest.raises(ValueError, match="does not exist; received: '.*nope.csv'"):
        read_contacts(tmp_path / "nope.csv")


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "contacts.csv"
    folder.mkdir()
    with pytest.raises(ValueError, match="is not a file"):
        read_contacts(folder)


def test_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.csv, \.csv\.gz, \.parquet; received"):
        read_contacts(write(tmp_path / "contacts.xlsx", CONTACTS_CSV))


def test_path_of_wrong_type():
    with pytest.raises(TypeError, match="'path' must be a str or path; received int"):
        read_contacts(3)


def test_oversized_file(tmp_path):
    path = write(tmp_path / "contacts.csv", CONTACTS_CSV)
    with pytest.raises(ValueError, match=r"above the limit of 0\.0 MB; raise max_bytes"):
        read_contacts(path, max_bytes=10)


def test_gzip_bomb_is_stopped_after_decompression(tmp_path):
    path = tmp_path / "contacts.csv.gz"
    # 1 MB of zeros compresses to about 1 kB: small on disk, big once decompressed.
    path.write_bytes(gzip.compress(CONTACTS_CSV.encode() + b"0" * 1_000_000))
    assert path.stat().st_size < 10_000
    with pytest.raises(ValueError, match="once decompressed, above the limit"):
        read_contacts(path, max_bytes=100_000)


def test_bad_max_bytes(tmp_path):
    with pytest.raises(ValueError, match="'max_bytes' must be a positive int; received: -1"):
        read_contacts(write(tmp_path / "contacts.csv", CONTACTS_CSV), max_bytes=-1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contacts.csv.gz", b"not gzip at all", "as gzip"),
        ("contacts.parquet", b"PAR1 not really", "as Parquet"),
        ("contacts.csv", "contact_id\nJosé\n".encode("latin-1"), "not UTF-8 text"),
        ("contacts.csv", b"", "as CSV"),
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
        "costs.period_start: 1 row not a timestamp (values such as 'later') "
        "(first row positions: 1)",
        "contacts.wait_s: 1 row below 0 (first ids: 007)",
        "costs.cost: 1 row below 0 (first row positions: 0)",
    ]


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
