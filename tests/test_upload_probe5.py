"""Crafted Parquet uploads that crashed or stalled the dashboard kernel: a footer pyarrow 26
aborts the process on, tiny pages whose headers took seconds to walk, a footer of 50,000 row
groups."""

import io
import json
import subprocess
import sys
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

# The encoding statistics of column x (two PageEncodingStats: dictionary page, data page),
# the last field pyarrow 16 writes in its ColumnMetaData; pyarrow 26 writes the size
# statistics (field 16) after them.
ENCODING_STATS = bytes.fromhex("192c1504150015020015001510150200")


def _parquet() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"x": [1.5, None, 2.5], "y": [1.0, 2.0, 3.0]}), sink)
    return sink.getvalue()


def _with_footer(data: bytes, footer: bytes) -> bytes:
    length = int.from_bytes(data[-8:-4], "little")
    return data[: -8 - length] + footer + len(footer).to_bytes(4, "little") + b"PAR1"


def _footer(data: bytes) -> bytes:
    return data[-8 - int.from_bytes(data[-8:-4], "little") : -8]


def _size_statistics(statistics: str) -> bytes:
    """The file with column x's ColumnMetaData given a field 16 (SizeStatistics, its header in
    long form: 0x0C then zigzag 16) of ``statistics`` (Thrift compact, in hex)."""
    data = _parquet()
    footer = _footer(data)
    assert footer.count(ENCODING_STATS) == 2  # columns x and y
    at = footer.index(ENCODING_STATS) + len(ENCODING_STATS)
    field = b"\x0c\x20" + bytes.fromhex(statistics) + b"\x00"
    return _with_footer(data, footer[:at] + field + footer[at:])


def _one_column_chunk() -> bytes:
    """The file with its row group's column chunk of y left out of the footer."""
    from kpikit.io._parquet_size import _thrift_struct

    data = _parquet()
    footer = _footer(data)
    # FileMetaData field 4 (row_groups: a list of 1 struct), then RowGroup field 1 (columns:
    # a list of 2 structs).
    assert footer.count(bytes.fromhex("191c192c")) == 1
    at = footer.index(bytes.fromhex("191c192c")) + 2
    first = _thrift_struct(footer, at + 2, 0)[1]
    second = _thrift_struct(footer, first, 0)[1]
    crafted = _with_footer(
        data, footer[:at] + b"\x19\x1c" + footer[at + 2 : first] + footer[second:]
    )
    assert pq.read_metadata(pa.BufferReader(crafted)).row_group(0).num_columns == 1
    return crafted


def _no_column_metadata() -> bytes:
    """The file with column x's ColumnChunk field 3 (meta_data, header 0x1C after field 2)
    renamed field 15 (0xDC), which readers skip: a column chunk without metadata."""
    from kpikit.io._parquet_size import _varint

    data = _parquet()
    footer = _footer(data)
    at = footer.index(bytes.fromhex("191c192c")) + 4  # the first ColumnChunk
    assert footer[at] == 0x26  # field 2, file_offset: an i64 varint
    at = _varint(footer, at + 1)[1]
    assert footer[at] == 0x1C  # field 3, meta_data: a struct
    return _with_footer(data, footer[:at] + b"\xdc" + footer[at + 1 :])


# Run where an abort cannot take pytest with it: each file read as an upload, by the reader
# (read_upload), the detection (detect) and the dashboards' upload step (UploadStep.start).
LOAD = """
import json, sys
import ipywidgets as widgets
from kpikit.apps._upload import UploadStep
from kpikit.io import detect, read_upload

def message(call):
    try:
        call()
    except ValueError as error:
        return str(error)
    return None

shown = []
step = UploadStep(lambda *args, **options: True, widgets.HTML(), shown.append)
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    step.start(data, "crafted.parquet")
    print(json.dumps([
        message(lambda: read_upload(data, "crafted.parquet")),
        message(lambda: detect(data, filename="crafted.parquet")),
        shown.pop(),
    ]), flush=True)
"""


def test_a_footer_pyarrow_aborts_on_is_refused_with_a_clear_error(tmp_path):
    # pyarrow 26 throws from FileMetaData.row_group(i).column(j) on a size statistic the
    # Parquet format forbids, where nothing can catch it: `terminate called`, and the
    # dashboard's kernel died (exit -6). Column x (a double, nullable) has repetition level 0
    # only and definition levels 0 and 1: histograms of 1 and 2 counts (or none), and no
    # count of text bytes. A row group missing a column chunk raised a raw IndexError; a
    # column chunk without metadata read as "Column 1 named y expected length 0".
    crafted = {
        # field 3 (definition level histogram): a list of 1 i64 (0x16), 1 (zigzag 0x02)
        "a definition level histogram of 1 count, where Parquet requires none or 2: one for "
        "each level from 0 to 1": "391602",
        # field 2 (repetition level histogram): a list of 2 i64 (0x26), 0 and 0
        "a repetition level histogram of 2 counts, where Parquet requires none or 1: one for "
        "each level from 0 to 0": "29260000",
        # field 1 (unencoded_byte_array_data_bytes): i64 1
        "a count of text bytes on a column of DOUBLE, which holds no text": "1602",
    }
    paths = []
    for index, statistics in enumerate(crafted.values()):
        paths.append(tmp_path / f"{index}.parquet")
        paths[-1].write_bytes(_size_statistics(statistics))
    paths.append(tmp_path / "fewer.parquet")
    paths[-1].write_bytes(_one_column_chunk())
    paths.append(tmp_path / "no_metadata.parquet")
    paths[-1].write_bytes(_no_column_metadata())
    done = subprocess.run(
        [sys.executable, "-c", LOAD, *map(str, paths)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    problems = [f"column 'x' in row group 1: {problem}" for problem in crafted]
    problems.append("row group 1: 1 column chunk, where the file has 2 columns")
    problems.append("column 'x' in row group 1: no column metadata (it is missing or encrypted)")
    for line, problem in zip(done.stdout.splitlines(), problems, strict=True):
        read, detected, shown = json.loads(line)
        assert read == (
            "Cannot read 'crafted.parquet' as Parquet: its footer is damaged: its column chunks "
            f"break the Parquet format in 1 place ({problem}). Write the file again with the "
            "tool that made it, or export it as CSV."
        )
        assert detected == read
        assert shown.startswith("Could not use crafted.parquet: Cannot read 'crafted.parquet'")
        assert problem in shown


def test_honest_size_statistics_of_nested_columns_pass():
    from kpikit.io._parquet_size import check_footer

    # Lists and structs have levels up to 2-3: pyarrow 26 writes histograms of 3-4 counts.
    sink = io.BytesIO()
    table = pa.table(
        {
            "queue": pa.array([["a", None], None, []], pa.list_(pa.string())),
            "skills": pa.array(
                [{"k": [1]}, None, {"k": None}], pa.struct({"k": pa.list_(pa.int8())})
            ),
        }
    )
    pq.write_table(table, sink)
    data = sink.getvalue()
    check_footer(data, pq.read_metadata(pa.BufferReader(data)))


def _zigzag(number: int) -> bytes:
    """``number`` as a Thrift compact zigzag varint."""
    number, out = 2 * number, bytearray()
    while number >= 0x80:
        out.append(0x80 | number & 0x7F)
        number >>= 7
    return bytes([*out, number])


def _empty_pages(count: int, values: int) -> tuple[bytes, SimpleNamespace]:
    """``count`` data page headers of ``values`` values each and no data (type 0, sizes 0;
    DataPageHeader: num_values, three encodings 0), after "PAR1", and a chunk that holds them
    and claims 2^60 values."""
    page = b"\x15\x00\x15\x00\x15\x00\x2c\x15" + _zigzag(values) + b"\x15\x00" * 3 + b"\x00\x00"
    data = b"PAR1" + page * count
    chunk = SimpleNamespace(
        data_page_offset=4,
        has_dictionary_page=False,
        dictionary_page_offset=0,
        total_compressed_size=len(data) - 4,
        num_values=2**60,
        path_in_schema="wait_s",
    )
    return data, chunk


def test_a_chunk_of_empty_pages_is_refused_at_its_third_page():
    from kpikit.io._parquet_size import page_totals

    # 2,000 pages of no value: 17 bytes each (header only). A 25 MB upload held 1.5 million,
    # 10 s of header walk. Allowed: 2 + 0 values // 1,000 + 51 bytes // 10,000 = 2 pages by
    # the third, which ends at byte 4 + 3 * 17 = 55.
    data, chunk = _empty_pages(2_000, 0)
    with pytest.raises(
        ValueError,
        match=r"^column 'wait_s' is cut into pages too small: 3 pages by byte 55 for 0 values "
        r"and 51 bytes unpacked, where writers put 1,000 values or 10 kB in a page at least\. "
        r"Write the file again with the writer's default page size$",
    ):
        page_totals(data, chunk)


def test_the_page_walk_stops_just_past_the_limit():
    from kpikit.io._parquet_size import page_totals

    # Pages claiming 1,000 values each (18 bytes: the count takes 2) pass the page count; the
    # walk stops once 10,000 values are passed: 11 pages, 11 * 18 = 198 bytes, 11,000 values
    # (of 1.4 million pages in 25 MB, walked whole: 11.7 s).
    data, chunk = _empty_pages(100, 1_000)
    assert page_totals(data, chunk, limit=10_000) == (198, 11_000)


def test_an_arrow_file_of_a_value_a_page_is_refused_not_walked():
    from kpikit.io import read_upload

    # write_batch_size=1 and data_page_size=1: a page per value, 5,000 pages (29 bytes each).
    # Arrow writes 1,024 values a page at least by default; the third page is refused.
    sink = io.BytesIO()
    table = pa.table({"wait_s": pa.array(range(5_000), pa.int64())})
    pq.write_table(table, sink, write_batch_size=1, data_page_size=1, use_dictionary=False)
    with pytest.raises(ValueError, match=r"'wait_s' is cut into pages too small: 3 pages by "):
        read_upload(sink.getvalue(), "tiny.parquet")


def test_small_pages_as_arrow_writes_them_pass():
    from kpikit.io._parquet_size import page_totals

    # data_page_size=1,000 bytes: Arrow still writes 1,024 values a page (its write batch), 5
    # pages for 5,000 values: 2 + 5,000 // 1,000 = 7 allowed.
    sink = io.BytesIO()
    table = pa.table({"wait_s": pa.array(range(5_000), pa.int64())})
    pq.write_table(table, sink, data_page_size=1_000, use_dictionary=False)
    data = sink.getvalue()
    chunk = pq.read_metadata(pa.BufferReader(data)).row_group(0).column(0)
    assert page_totals(data, chunk) == (chunk.total_uncompressed_size, 5_000)


def test_a_footer_too_big_to_read_quickly_is_refused_unread(monkeypatch):
    from kpikit.io import _parquet_size

    # 50,000 row groups of a row: a 5.8 MB upload whose 5.7 MB footer took 4 s to read here
    # and Arrow 12 s more. Here 3 row groups, against a limit of 100 bytes.
    sink = io.BytesIO()
    pq.write_table(pa.table({"wait_s": [1.0, 2.0, 3.0]}), sink, row_group_size=1)
    data = sink.getvalue()
    length = int.from_bytes(data[-8:-4], "little")
    monkeypatch.setattr(_parquet_size, "MAX_FOOTER_BYTES", 100)
    with pytest.raises(
        ValueError,
        match=rf"^its footer is {length:,} bytes \(3 row groups of 1 column\), more than the "
        r"100 bytes read from an upload, .* Write the file again with fewer, larger row groups",
    ):
        _parquet_size.check_footer(data, pq.read_metadata(pa.BufferReader(data)))
