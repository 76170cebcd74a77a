"""Input faults of the readers: empty paths, symbolic-link loops, nested Parquet columns, and
Parquet uploads whose footer or encodings hide how big they are once read."""

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpikit import schema
from kpikit.io import detect, read_contacts, read_dataset, read_upload
from kpikit.schema import SchemaError

CONTACTS = {
    "contact_id": ["c1", "c2"],
    "arrived_at": pa.array([pd.Timestamp("2026-01-05 09:00")] * 2),
    "answered": [True, True],
    "wait_s": [1.0, 2.0],
}
NESTED = "the type is nested (lists, structs, maps), which kpikit does not support: give "


@pytest.mark.parametrize("path", ["", "  ", "\t"])
def test_an_empty_path_is_refused_as_empty(path):
    # Path("") is the current folder: read_contacts("") said the path "is a folder", and
    # read_dataset("") read the contacts file of the working folder.
    with pytest.raises(ValueError, match=r"^Value of 'path' is empty; received: '.*'\. Give "):
        read_contacts(path)
    with pytest.raises(ValueError, match=r"^Value of 'path' is empty"):
        detect(path)
    with pytest.raises(ValueError, match=r"^Value of 'folder' is empty; received: "):
        read_dataset(path)


def test_an_empty_folder_path_does_not_read_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "contacts.csv").write_text(
        "contact_id,arrived_at,answered,wait_s\nc1,2026-01-05 09:00,True,3\n"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="'folder' is empty"):
        read_dataset("")


def test_a_symbolic_link_loop_is_named_not_missing(tmp_path):
    # ln -s b a; ln -s a b: reported as "does not exist".
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    for path in (tmp_path / "a.csv", tmp_path / "a.csv" / "contacts.csv"):
        with pytest.raises(ValueError, match=r"'path' cannot be resolved: .* loop") as caught:
            read_contacts(path)
        assert f"received: '{path}'" in str(caught.value)
        assert "does not exist" not in str(caught.value)
    with pytest.raises(ValueError, match=r"'folder' cannot be resolved: .* loop; received: '"):
        read_dataset(tmp_path / "a.csv")


def test_a_symbolic_link_to_nothing_is_named(tmp_path):
    link = tmp_path / "contacts.csv"
    link.symlink_to(tmp_path / "gone.csv")
    with pytest.raises(ValueError, match=r"'path' is a symbolic link to '.*gone\.csv', which"):
        read_contacts(link)
    # A plain missing file is still said to be missing.
    with pytest.raises(ValueError, match=r"'path' does not exist; received: '.*nope\.csv'"):
        read_contacts(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="'folder' is not an existing folder"):
        read_dataset(tmp_path / "nope")


def _parquet(**columns) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({**CONTACTS, **columns}), sink)
    return sink.getvalue()


@pytest.mark.parametrize(
    ("column", "values", "shown", "expected"),
    [
        ("queue", pa.array([["a"], ["b", "c"]], pa.list_(pa.string())), "list<", "text"),
        ("wait_s", pa.array([[1.0], None], pa.list_(pa.float64())), "list<", "numbers"),
        ("answered", pa.array([{"x": True}, {"x": False}]), "struct<x: bool>", "booleans"),
        (
            "agent_id",
            pa.array([[("k", "v")]] * 2, pa.map_(pa.string(), pa.string())),
            "map<string, string>",
            "text or integer ids",
        ),
    ],
)
def test_a_nested_parquet_column_is_named_with_its_type(tmp_path, column, values, shown, expected):
    # A list column said "holds mixed values in an object column", a list of numbers "not a
    # number (values such as array([1.]))", a struct of flags raised a raw TypeError.
    data = _parquet(**{column: values})
    (tmp_path / "log.parquet").write_bytes(data)
    for read in (
        lambda: read_contacts(tmp_path / "log.parquet"),
        lambda: read_upload(data, "x.parquet"),
    ):
        with pytest.raises(SchemaError) as caught:
            read()
        (problem,) = caught.value.problems
        assert problem.column == column
        text = str(problem)
        assert f"contacts.{column}: wrong type: holds values ({shown}" in text
        assert f"expected {expected}" in text and NESTED in text
        assert "mixed values" not in text


def test_a_nested_parquet_column_is_named_by_its_kpikit_name(tmp_path):
    data = _parquet(Skills=pa.array([["a"], ["b"]], pa.list_(pa.string())))
    with pytest.raises(
        SchemaError, match=r"contacts\.queue: wrong type: holds values \(list<.*the type is nested"
    ):
        read_upload(data, "x.parquet", mapping={"Skills": "queue"}, na_values=["n/a"])
    # A nested column kpikit does not use is carried along, as any other column.
    assert read_upload(data, "x.parquet").contacts["Skills"].map(list).tolist() == [["a"], ["b"]]


def test_a_nested_column_in_memory_is_named():
    frame = pa.table({**CONTACTS, "queue": pa.array([["a"], ["b"]], pa.list_(pa.string()))})
    for native in (frame, frame.to_pandas()):
        (problem,) = schema.check(native).problems
        assert str(problem).startswith("contacts.queue: wrong type: holds values (")
        assert NESTED in str(problem)
    # Lists among text are still mixed values.
    mixed = frame.to_pandas().assign(queue=pd.Series([["a"], "b"], dtype=object))
    (problem,) = schema.check(mixed).problems
    assert "mixed values in an object column" in str(problem)


def _varint(number: int, width: int | None = None) -> bytes:
    """``number`` as a Thrift varint, padded with empty 7-bit groups to ``width`` bytes."""
    groups = []
    while number >= 0x80 or len(groups) < (width or 1) - 1:
        groups.append(0x80 | (number & 0x7F))
        number >>= 7
    return bytes([*groups, number])


def _understated(data: bytes, claimed: int = 1_000) -> bytes:
    """``data`` with a footer that says every row group and column chunk unpacks to
    ``claimed`` bytes: each such size (a Thrift i64 field, 0x16 then a zigzag varint) is
    written over in as many bytes, so that nothing else in the file moves."""
    metadata = pq.read_metadata(pa.BufferReader(data))
    length = int.from_bytes(data[-8:-4], "little")
    footer = data[-8 - length : -8]
    sizes = set()
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        sizes.add(row_group.total_byte_size)
        sizes.update(
            row_group.column(i).total_uncompressed_size for i in range(row_group.num_columns)
        )
    for size in sizes:
        honest = b"\x16" + _varint(2 * size)
        footer = footer.replace(honest, b"\x16" + _varint(2 * claimed, len(honest) - 1))
    assert len(footer) == length
    return data[: -8 - length] + footer + data[-8:]


def _written(table: pa.Table, times: int, **options) -> bytes:
    """``table`` written ``times`` over into one Parquet file, a row group each."""
    sink = io.BytesIO()
    with pq.ParquetWriter(sink, table.schema, **options) as writer:
        for _ in range(times):
            writer.write_table(table)
    return sink.getvalue()


@pytest.mark.parametrize(
    ("column", "compression"),
    [("number", "zstd"), ("number", "snappy"), ("number", "gzip"), ("text", "zstd")],
)
def test_an_uploaded_parquet_file_whose_footer_understates_its_pages_is_refused(
    column, compression
):
    # Plain-encoded pages of zeros, or of one 100-letter word, compressed: 96-104 MB once
    # read, from a file of 0.06-4.6 MB whose footer, rewritten, says each row group unpacks to
    # 1 kB. The size check trusted the footer, which Arrow does not check against the page
    # headers: read_upload decoded it all (200 MB: peak memory +600 MB) past a 10 MB limit.
    if column == "number":
        table, times = pa.table({column: np.zeros(1_000_000, np.int64)}), 12
    else:
        table, times = pa.table({column: ["x" * 100] * 100_000}), 10
    level = {"compression_level": 1} if compression == "gzip" else {}  # 0.3 s rather than 0.7
    honest = _written(table, times, compression=compression, use_dictionary=False, **level)
    data = _understated(honest)
    assert len(data) < 5_000_000
    claimed = pq.ParquetFile(io.BytesIO(data))
    assert claimed.metadata.row_group(0).total_byte_size == 1_000
    assert claimed.metadata.row_group(0).column(0).total_uncompressed_size == 1_000
    assert claimed.read_row_group(times - 1) == table  # Arrow reads what the pages hold
    with pytest.raises(ValueError, match=r"'bomb\.parquet' is more than the limit of 10\.0 MB "):
        read_upload(data, "bomb.parquet", max_bytes=10_000_000)
    with pytest.raises(ValueError, match=r"more than the limit of 10\.0 MB once decoded"):
        detect(data, filename="bomb.parquet", max_bytes=10_000_000)


ZEROS = 12_500_000


@pytest.mark.parametrize(
    "values",
    [
        lambda: pa.array(np.zeros(ZEROS, np.int64)),  # dictionary-encoded: one value, indices 0
        lambda: pa.nulls(ZEROS, pa.int64()),  # no value: only definition levels, run-length
        lambda: pa.ListArray.from_arrays([0, ZEROS], pa.array(np.zeros(ZEROS, np.int64))),
        lambda: pa.ListArray.from_arrays(  # a 100-letter word repeated, in one row
            [0, ZEROS // 12],
            pa.DictionaryArray.from_arrays(np.zeros(ZEROS // 12, np.int32), ["x" * 100]),
        ),
    ],
    ids=["one number repeated", "no value", "a list in one row", "a list of text in one row"],
)
def test_an_uploaded_parquet_column_whose_encoding_hides_its_size_is_refused(values):
    # 12.5 million numbers, 100 MB read (Arrow and pandas keep 8 bytes for a missing one), or
    # a million 100-letter words, 104 MB: 0.6-105 kB written as Arrow writes them by default,
    # whose footer counts 0.1-99 kB. The text in a list was counted as 4 MB of lengths.
    sink = io.BytesIO()
    pq.write_table(pa.table({"wait_s": values()}), sink, store_schema=False)  # no categories
    data = sink.getvalue()
    assert len(data) < 200_000
    assert pq.read_metadata(pa.BufferReader(data)).row_group(0).total_byte_size < 100_000
    with pytest.raises(ValueError, match=r"more than the limit of 10\.0 MB once decoded"):
        read_upload(data, "bomb.parquet", max_bytes=10_000_000)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"compression": "zstd", "use_dictionary": False},
        {"data_page_version": "2.0", "compression": "gzip"},
        {"write_statistics": False, "data_page_size": 1_000},
    ],
)
def test_an_honest_parquet_files_page_headers_say_what_its_footer_says(options):
    from kpikit.io._parquet_size import page_totals

    contacts = pa.table(
        {
            **CONTACTS,
            "queue": pa.array([["a"], None], pa.list_(pa.string())),
            "code": pa.array([b"0123", None], pa.binary(4)),
        }
    )
    data = _written(contacts, 3, **options)
    metadata = pq.read_metadata(pa.BufferReader(data))
    for group in range(metadata.num_row_groups):
        for index in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(index)
            assert page_totals(data, chunk) == (chunk.total_uncompressed_size, chunk.num_values)


def test_an_uploaded_parquet_file_with_a_damaged_page_header_is_refused_by_name():
    data = bytearray(_parquet())
    data[4] = 0xFF  # the first page header: field 15 of no type
    with pytest.raises(
        ValueError,
        match=r"^Cannot read 'x\.parquet' as Parquet: the page header at byte 4 of column "
        r"'contact_id' is damaged$",
    ):
        read_upload(bytes(data), "x.parquet")
