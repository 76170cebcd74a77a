"""Where a table comes from: a checked file path or uploaded bytes, CSV, gzipped CSV or Parquet.

Every way in is checked before parsing: the path exists and is a file with a known suffix, and
the size stays under a limit on disk and once decompressed (a small gzip can hide gigabytes).
"""

import errno
import gzip
import io
import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import NamedTuple

import numpy as np
import pandas as pd

from kpikit._validators import as_path
from kpikit.io._advice import in_dashboard, on_command_line
from kpikit.io._parquet_size import decoded_bytes, unpacked_bytes

MAX_BYTES = 200_000_000
"""Default size limit of a file to read (200 MB), checked on disk and once decompressed."""

READ_SUFFIXES = (".csv", ".csv.gz", ".parquet")
"""File suffixes the readers accept (case-insensitive)."""

HEAD_BYTES = 1 << 20
"""How much of a CSV file the format detection looks at (1 MiB, about 10,000 rows)."""

LARGE_READ_BYTES = 100_000_000
"""Unpacked size of a Parquet file from which it is read outside Arrow's default memory pool
(:func:`arrow_memory_pool`)."""

MAX_COLUMNS = 1_000
"""Most columns a file may have (vendor exports have tens; 1,000 take a second to detect)."""

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old .xls workbook
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SAVE_AS_CSV = "open it in Excel and save the sheet as CSV UTF-8"


@dataclass(frozen=True)
class Source:
    """One file to read: its bytes or its path, its kind and how to name it in messages."""

    data: bytes | Path
    kind: str  # "csv", "csv.gz" or "parquet"
    label: str
    max_bytes: int = MAX_BYTES

    def text_bytes(self) -> bytes | Path:
        """The CSV text: the bytes or path as given, decompressed first for gzip."""
        if self.kind == "csv.gz":
            return _gunzip(self.data, self.max_bytes, self.label)
        return self.data

    def head(self) -> tuple[bytes, bool]:
        """The first :data:`HEAD_BYTES` of the CSV text, and whether that is all of it."""
        if self.kind == "csv.gz":
            with _open(self.data) as raw, gzip.GzipFile(fileobj=raw) as unzipped:
                try:
                    head = unzipped.read(HEAD_BYTES + 1)
                except (OSError, EOFError) as error:
                    raise ValueError(f"Cannot read {self.label} as gzip: {error}") from None
        else:
            with _open(self.data) as raw:
                head = raw.read(HEAD_BYTES + 1)
        return head[:HEAD_BYTES], len(head) <= HEAD_BYTES


def file_source(path, *, max_bytes: int = MAX_BYTES) -> Source:
    """A checked :class:`Source` for a file path.

    Raises
    ------
    TypeError
        When ``path`` is not a str or path.
    ValueError
        When the path is empty, the file does not exist (a symbolic link leading nowhere or
        round in a loop is named as such), is a folder, has an unknown suffix, is too big, or
        the system refuses to open it (no permission to read, a name too long).
    """
    file = given_path(path, "path", f"give the path of a {_suffixes_text()} file")
    try:
        if not file.exists():
            raise ValueError(
                link_problem(file, "path", path)
                or f"Value of 'path' does not exist; received: '{path}'."
            )
        if file.is_dir():
            raise ValueError(
                f"Value of 'path' is a folder, not a file; received: '{path}'. A folder of "
                "parquet files (Spark's out.parquet, a partitioned table) is read without "
                "loading it by kk.compute(path) or kk.scan_parquet(path)."
            )
        if not file.is_file():
            raise ValueError(f"Value of 'path' is not a file; received: '{path}'.")
        suffix = suffix_of(file.name)
        if suffix not in READ_SUFFIXES:
            raise ValueError(
                f"Value of 'path' must end in {', '.join(READ_SUFFIXES)}; received: '{path}'"
                f"{_workbook_advice(suffix)}."
            )
        size = file.stat().st_size
        open(file, "rb").close()  # a file that cannot be read fails here, named, not mid-parse
    except OSError as error:
        raise ValueError(
            f"Value of 'path' is refused by the system ({error.strerror}); received: '{path}'."
        ) from None
    label = f"'{file}'"
    check_size(size, max_bytes, label)
    return Source(file, suffix[1:], label, max_bytes)


def given_path(path, argument: str, advice: str) -> Path:
    """``path`` as a :class:`~pathlib.Path`, after checking its type; an empty or blank str is
    refused with ``advice`` (``Path("")`` is the current folder, which a reader would take).

    >>> given_path("log.csv", "path", "give a file")
    PosixPath('log.csv')
    >>> given_path(" ", "path", "give the path of a .csv file")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'path' is empty; received: ' '. Give the path of a .csv file.
    """
    value = as_path(path, argument)
    if isinstance(value, str) and not value.strip():
        raise ValueError(
            f"Value of {argument!r} is empty; received: {value!r}. {advice[:1].upper()}"
            f"{advice[1:]}."
        )
    return Path(value)


def link_problem(file: Path, argument: str, given) -> str | None:
    """Why ``file``, which ``Path.exists`` does not find, cannot be reached when a symbolic
    link is the cause: a loop of links on its way, or a link to nothing; else None.

    >>> import pathlib, tempfile
    >>> scratch = tempfile.TemporaryDirectory()
    >>> a, b = pathlib.Path(scratch.name, "a.csv"), pathlib.Path(scratch.name, "b.csv")
    >>> a.symlink_to(b); b.symlink_to(a)
    >>> print(link_problem(a, "path", "a.csv"))
    Value of 'path' cannot be resolved: a symbolic link on its way leads round in a loop; \
received: 'a.csv'. Point the links at the file or folder itself.
    >>> b.unlink()
    >>> print(link_problem(a, "path", "a.csv"))
    Value of 'path' is a symbolic link to '...b.csv', which does not exist; received: 'a.csv'.
    >>> link_problem(b, "path", "b.csv") is None
    True
    >>> scratch.cleanup()
    """
    try:
        os.stat(file)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return (
                f"Value of {argument!r} cannot be resolved: a symbolic link on its way leads "
                f"round in a loop; received: '{given}'. Point the links at the file or folder "
                "itself."
            )
    try:
        target = os.readlink(file)
    except OSError:  # not a link, or gone
        return None
    return (
        f"Value of {argument!r} is a symbolic link to '{target}', which does not exist; "
        f"received: '{given}'."
    )


def _suffixes_text() -> str:
    """The suffixes the readers take, in words.

    >>> _suffixes_text()
    '.csv, .csv.gz or .parquet'
    """
    return f"{', '.join(READ_SUFFIXES[:-1])} or {READ_SUFFIXES[-1]}"


def bytes_source(content, filename: str, *, max_bytes: int = MAX_BYTES) -> Source:
    """A checked :class:`Source` for uploaded bytes; only the name's suffix is used.

    Raises
    ------
    TypeError
        When ``content`` is not bytes or ``filename`` not a str.
    ValueError
        Unknown suffix, empty or oversized content.
    """
    if not isinstance(content, bytes | bytearray | memoryview):
        raise TypeError(f"Value of 'content' must be bytes; received {type(content).__name__}.")
    if not isinstance(filename, str):
        raise TypeError(f"Value of 'filename' must be a str; received {type(filename).__name__}.")
    name = PurePath(filename.replace("\\", "/")).name
    suffix = suffix_of(name)
    label = f"'{name}'"
    if suffix not in READ_SUFFIXES:
        raise ValueError(
            f"Cannot read {label}: expected a file ending in {', '.join(READ_SUFFIXES)}"
            f"{_workbook_advice(suffix)}."
        )
    data = bytes(content)
    if not data:
        raise ValueError(f"The uploaded file {label} is empty.")
    check_size(len(data), max_bytes, label)
    return Source(data, suffix[1:], label, max_bytes)


def refuse_bad_header(header: list[str], label: str) -> None:
    """Raise a ValueError naming the columns of a file's ``header`` that share a name (pandas
    would rename one, or return a frame for a column), or when it has over :data:`MAX_COLUMNS`
    columns (each costs time: a line of 100,000 separators kept detection busy for minutes).

    >>> refuse_bad_header(["id", "wait", "wait"], "'f.parquet'")
    Traceback (most recent call last):
    ...
    ValueError: 'f.parquet' has 2 columns named 'wait' (columns 2 and 3); rename or remove one: ...
    >>> refuse_bad_header([""] * 5000, "'f.csv'")
    Traceback (most recent call last):
    ...
    ValueError: 'f.csv' has 5,000 columns; kpikit reads files of at most 1,000 (one row per ...
    """
    if len(header) > MAX_COLUMNS:
        raise ValueError(
            f"{label} has {len(header):,} columns; kpikit reads files of at most {MAX_COLUMNS:,} "
            "(one row per contact, a column per field): remove the columns kpikit does not use, "
            "or check that the file is such a table."
        )
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header, start=1):
        if name:
            positions.setdefault(name, []).append(position)
    repeated = {name: where for name, where in positions.items() if len(where) > 1}
    if repeated:
        described = "; ".join(
            f"{len(where)} columns named {name!r} (columns {' and '.join(map(str, where))})"
            for name, where in repeated.items()
        )
        raise ValueError(
            f"{label} has {described}; rename or remove one: kpikit cannot tell which to use."
        )


def _workbook_advice(suffix: str) -> str:
    """What to do with an Excel workbook, which the readers do not take; else nothing.

    >>> _workbook_advice(".xlsx"), _workbook_advice(".txt")
    ('; for an Excel workbook, open it in Excel and save the sheet as CSV UTF-8', '')
    """
    return f"; for an Excel workbook, {SAVE_AS_CSV}" if suffix in EXCEL_SUFFIXES else ""


def suffix_of(name: str) -> str:
    """The file suffix in lower case; ``.csv.gz`` counts as one."""
    lowered = name.lower()
    if lowered.endswith(".csv.gz"):
        return ".csv.gz"
    return PurePath(lowered).suffix


def check_size(size: int, max_bytes: int, label: str, *, stage: str = "", measured=True) -> None:
    """Refuse a file above ``max_bytes``, saying how to raise the limit (in a dashboard, where
    the limit is the app's, what the user can do instead).

    ``measured=False``: ``size`` is what was read before stopping one byte past the limit, not
    the file's size, which the message then does not claim.

    >>> check_size(300, 200, "'log.csv'")
    Traceback (most recent call last):
    ...
    ValueError: 'log.csv' is 300 bytes, above the limit of 200 bytes; raise max_bytes to read it.
    >>> check_size(201, 200, "'log.csv.gz'", stage=" once decompressed", measured=False)
    Traceback (most recent call last):
    ...
    ValueError: 'log.csv.gz' is more than the limit of 200 bytes once decompressed; raise ...
    """
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise ValueError(f"Value of 'max_bytes' must be a positive int; received: {max_bytes!r}.")
    if size > max_bytes:
        limit = f"the limit of {size_text(max_bytes)}"
        told = (
            f"{size_text(size)}{stage}, above {limit}" if measured else f"more than {limit}{stage}"
        )
        raise ValueError(f"{label} is {told}; {_size_advice(label)}.")


def _size_advice(label: str) -> str:
    """What to do with a file above the size limit: raise ``max_bytes`` in Python; on the
    command line, which has no flag for it (the advice named ``max_bytes`` all the same), have
    DuckDB read parquet without loading it; in a dashboard, upload less.

    >>> from kpikit.io._advice import advice_for
    >>> with advice_for("cli"):
    ...     print(_size_advice("'log.parquet'"))
    ...     print(_size_advice("'log.csv'"))  # doctest: +NORMALIZE_WHITESPACE
    pass --memory-limit (such as --memory-limit 4GB) to kpikit compute, which then reads it
    with DuckDB without loading it
    kpikit compute reads larger logs as parquet files, with DuckDB: save it as .parquet and
    pass --memory-limit (such as --memory-limit 4GB)
    """
    if in_dashboard():
        return "upload a shorter period or fewer columns"
    if not on_command_line():
        return "raise max_bytes to read it"
    if suffix_of(label.strip("'")) == ".parquet":
        return (
            "pass --memory-limit (such as --memory-limit 4GB) to kpikit compute, which then "
            "reads it with DuckDB without loading it"
        )
    return (
        "kpikit compute reads larger logs as parquet files, with DuckDB: save it as .parquet "
        "and pass --memory-limit (such as --memory-limit 4GB)"
    )


def size_text(size: int) -> str:
    """A size in MB (10^6 bytes), or in bytes when under 0.1 MB (where one decimal of MB shows
    0.0); the one way kpikit writes sizes, in the readers' and the dashboards' messages alike.

    >>> size_text(50), size_text(200_000_000), size_text(25 * 1024 * 1024)
    ('50 bytes', '200.0 MB', '26.2 MB')
    """
    return f"{size:,} bytes" if size < 100_000 else f"{size / 1e6:.1f} MB"


class LoadedParquet(NamedTuple):
    """A Parquet file read by :func:`load_parquet`: its rows, and its columns of a nested type
    (a list, a struct, a map), each with its type as Arrow writes it (:func:`nested_types`)."""

    frame: pd.DataFrame
    nested: dict[str, str]


def load_parquet(source: Source, *, rows: int | None = None) -> LoadedParquet:
    """Read a Parquet source (its first ``rows`` rows when given), checking its unpacked size;
    an upload's also once decoded (:func:`decoded_bytes`).

    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> sink = pa.BufferOutputStream()
    >>> pq.write_table(pa.table({"id": ["c1", "c2"], "queue": [["north"], []]}), sink)
    >>> loaded = load_parquet(Source(sink.getvalue().to_pybytes(), "parquet", "'log.parquet'"))
    >>> loaded.frame["id"].tolist(), loaded.nested
    (['c1', 'c2'], {'queue': 'list<...: string>'})
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("Reading Parquet needs pyarrow: pip install pyarrow") from None
    handle = io.BytesIO(source.data) if isinstance(source.data, bytes) else source.data
    try:
        parquet = pq.ParquetFile(handle)
        metadata = parquet.metadata
        size = unpacked_bytes(metadata)
        check_size(size, source.max_bytes, source.label, stage=" uncompressed")
        if isinstance(source.data, bytes):  # an upload: its footer and encodings may hide gigabytes
            size = decoded_bytes(source.data, metadata, limit=source.max_bytes)
            check_size(size, source.max_bytes, source.label, stage=" once decoded", measured=False)
        schema = parquet.schema_arrow
        refuse_bad_header(schema.names, source.label)
        nested = nested_types(schema)
        if rows is None:
            pool = arrow_memory_pool(size)
            table = _read_whole(source.data, schema, pool)
            return LoadedParquet(arrow_to_pandas(table, memory_pool=pool), nested)
        batches = parquet.iter_batches(batch_size=max(rows, 1))
        first = next(batches, None)
        if first is None:
            return LoadedParquet(arrow_to_pandas(schema.empty_table()), nested)
        return LoadedParquet(arrow_to_pandas(pa.Table.from_batches([first])), nested)
    except (OSError, ValueError, pa.ArrowException) as error:
        if str(error).startswith(source.label):
            raise
        hint = _csv_hint(source.data)
        raise ValueError(f"Cannot read {source.label} as Parquet: {error}{hint}") from None


def _csv_hint(data) -> str:
    """A hint when an upload that is no Parquet file starts as lines of separated text: a CSV
    file named ``.parquet``.

    >>> _csv_hint(b"contact_id,arrived_at\\n1,2026-01-05 09:00\\n")
    '; it starts as lines of separated text, so it looks like a CSV file: name it .csv'
    >>> _csv_hint(b"PAR1...")
    ''
    """
    head = data[:4096] if isinstance(data, bytes) else b""
    text = head and not head.startswith(b"PAR1") and b"\x00" not in head
    if text and b"\n" in head and any(separator in head for separator in (b",", b";", b"\t")):
        return "; it starts as lines of separated text, so it looks like a CSV file: name it .csv"
    return ""


def nested_types(schema) -> dict[str, str]:
    """The columns of an Arrow ``schema`` with a nested type (a list, a struct, a map), each
    with its type as Arrow writes it.

    >>> import pyarrow as pa
    >>> nested_types(pa.schema({"id": pa.string(), "queue": pa.list_(pa.string()),
    ...                         "skills": pa.map_(pa.string(), pa.int8())}))
    {'queue': 'list<item: string>', 'skills': 'map<string, int8>'}
    """
    import pyarrow as pa

    return {
        field.name: (
            f"map<{field.type.key_type}, {field.type.item_type}>"  # not "map<.., .. ('name')>"
            if pa.types.is_map(field.type)
            else str(field.type)
        )
        for field in schema
        if pa.types.is_nested(field.type)
    }


def _read_whole(data: bytes | Path, schema, pool):
    """Every row of a Parquet file, read into ``pool``, its text as Arrow's ``large_string``:
    the type pandas' ``str`` holds, which pandas would otherwise copy every value into. At 10M
    real-shaped contacts, in jemalloc's pool: 1.8-1.9 s into pandas, against 5.5-6.4 s for
    ``ParquetFile.read`` and pandas' copy in Arrow's default pool.

    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> sink = pa.BufferOutputStream()
    >>> pq.write_table(pa.table({"id": ["c1"], "x": [1.5]}), sink)
    >>> data = sink.getvalue().to_pybytes()
    >>> _read_whole(data, pq.read_schema(pa.BufferReader(data)), pa.default_memory_pool()).schema
    id: large_string
    x: double
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    wide = pa.schema(
        [f.with_type(pa.large_string()) if pa.types.is_string(f.type) else f for f in schema],
        metadata=schema.metadata,
    )
    with pa.BufferReader(data) if isinstance(data, bytes) else pa.OSFile(str(data)) as file:
        fragment = ds.ParquetFileFormat().make_fragment(file)
        # A chunk a row group, as pandas reads them: in batches of Arrow's default 131,072
        # rows the text would come in 8 chunks a million contacts, which slows the compute.
        return fragment.to_table(schema=wide, batch_size=1 << 30, memory_pool=pool)


def arrow_memory_pool(size: int):
    """The Arrow memory pool to read a Parquet file of ``size`` bytes unpacked into: Arrow's
    default (mimalloc in pyarrow's wheels) below ``LARGE_READ_BYTES``, else jemalloc where
    pyarrow has it (Linux) or the system's allocator; the default whenever
    ``ARROW_DEFAULT_MEMORY_POOL`` names one.

    On Linux with transparent huge pages always on (as on the 2-core CI machines), mimalloc
    spends seconds in the kernel on fresh memory once reads pass about 100 MB: a read of
    real-shaped contacts and a ``kk.compute`` of it took, mimalloc against jemalloc, 0.32
    against 0.34 s at 1M (42 MB unpacked), but 2.0 against 1.0 s at 3M (117 MB), 4.9 against
    1.9 s at 6M (246 MB) and 9.1 against 3.1 s at 10M (414 MB), nearly all of the difference
    system time (``benchmarks/bench_arrow_pool.py``).

    >>> import pyarrow as pa
    >>> arrow_memory_pool(1_000).backend_name == pa.default_memory_pool().backend_name
    True
    """
    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") or size < LARGE_READ_BYTES:
        return pa.default_memory_pool()
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without it (macOS, Windows)
        return pa.system_memory_pool()


def text_dtype() -> pd.StringDtype:
    """pandas' ``str`` type: text held by Arrow, NaN for a missing value.

    It is pandas 3's default for text; pandas 2.3 spells it with ``na_value``, pandas 2.2 as
    ``string[pyarrow_numpy]``.

    >>> pd.Series(["c1", None], dtype=text_dtype()).tolist()
    ['c1', nan]
    """
    try:
        return pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas 2.2
        return pd.StringDtype("pyarrow_numpy")


def arrow_to_pandas(table, memory_pool=None) -> pd.DataFrame:
    """An Arrow table as pandas, its text in :func:`text_dtype` and its true/false columns with
    missing values as pandas' nullable ``boolean`` (rather than Python objects); pandas' columns
    are allocated from ``memory_pool`` (Arrow's default without one).

    Text stays in Arrow's buffers: at 1M contacts the conversion takes 0.02 s rather than
    0.25 s to Python objects (pandas 2), and :func:`kpikit.compute` then takes 0.15 s rather
    than 0.34 s.

    >>> import pyarrow as pa
    >>> frame = arrow_to_pandas(pa.table({"id": ["c1", None], "ok": [True, None], "x": [1.5, 2]}))
    >>> frame["id"].dtype == text_dtype(), frame["id"].tolist(), str(frame["ok"].dtype)
    (True, ['c1', nan], 'boolean')
    """
    import pyarrow as pa

    text = text_dtype()
    gaps = [
        position
        for position, column in enumerate(table.columns)
        if pa.types.is_boolean(column.type) and column.null_count
    ]
    # Left out of to_pandas, which would make Python objects of them first (10M contacts,
    # two such columns: 0.26-0.31 s against 0.17 s).
    kept = [position for position in range(table.num_columns) if position not in gaps]
    frame = table.select(kept).to_pandas(
        types_mapper={pa.string(): text, pa.large_string(): text}.get, memory_pool=memory_pool
    )
    for position in gaps:  # in ascending order, so each lands where the file has it
        flags = pd.BooleanDtype().__from_arrow__(table.column(position))
        frame.insert(position, table.column_names[position], flags, allow_duplicates=True)
    return frame


def _open(data: bytes | Path):
    return io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")


def _gunzip(data: bytes | Path, max_bytes: int, label: str) -> bytes:
    try:
        with _open(data) as raw, gzip.GzipFile(fileobj=raw) as unzipped:
            # Read one byte past the limit: enough to tell a decompression bomb from a big file.
            text = unzipped.read(max_bytes + 1)
    except (OSError, EOFError) as error:
        raise ValueError(f"Cannot read {label} as gzip: {error}") from None
    check_size(len(text), max_bytes, label, stage=" once decompressed", measured=False)
    return text
