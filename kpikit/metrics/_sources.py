"""Data that does not fit a pandas frame: parquet files read by DuckDB, and Spark DataFrames.

- A path, a folder or a glob of parquet files (:func:`scan_parquet`) becomes a DuckDB relation
  read under a memory cap: DuckDB streams the files and spills to disk past the cap, so the log
  can be larger than memory. Its progress bar shows in a terminal and, with ipywidgets, in a
  notebook, once a query has run for two seconds; never in a pipe or a file, where it would be
  mixed with the results (:func:`shows_progress`).
- On Spark the heavy work (the FCR windows and the sums per group) runs on the cluster; the sums,
  one row per group, are brought to the driver (:func:`sums_on_driver`) where the ratios and
  intervals are taken, and the tidy table goes back to Spark (:func:`like_input`). Spark's
  optimizer and code generator choke on the interval formulas written as column expressions.

Paths are untrusted input: they must exist and name ``.parquet`` files only.
"""

import glob
import importlib.util
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import narwhals as nw
import pyarrow as pa

from kpikit._duckdb import connection_of, keeps_types_through_arrow, literal_file
from kpikit._frames import to_pandas
from kpikit._validators import check_flag, check_time_zone
from kpikit._versions import require
from kpikit.metrics._hive import as_flags, as_text, partition_keys, refuse_keys_in_files
from kpikit.metrics._inputs import TIME_COLUMNS, named_zone

DEFAULT_MEMORY_SHARE = 0.5
"""Share of the machine's physical memory DuckDB may use by default."""

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_BYTES = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_BYTES |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}

MIN_MEMORY_LIMIT = 64 * 10**6
"""The smallest memory cap taken, in bytes (64MB): DuckDB works in blocks of 256 KiB per
thread, and on 2 threads ran out of memory under 16MB for 200,000 contacts by agent and hour
(32MB was enough)."""


def is_path(data) -> bool:
    """Whether ``data`` names files (a string or path) rather than holding a dataframe."""
    return isinstance(data, str | os.PathLike)


def scanned(data, compute_options: dict):
    """``data`` as :func:`kpikit.compute` reads it when it names parquet files (a path, folder
    or glob): a DuckDB relation of :func:`scan_parquet` in the zone of the options' ``tz``;
    any other data as it is. For the reports that compute many times over the same data
    (:func:`kpikit.governance.breaches`, :func:`kpikit.governance.cadence_report`), which
    then read the files once and check them once.

    >>> scanned("no/such.parquet", {})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileNotFoundError: Value of 'path' does not exist; received: 'no/such.parquet'. No such ...
    """
    if not is_path(data):
        return data
    from kpikit.options import resolve

    tz = resolve(compute_options.get("options"), tz=compute_options.get("tz")).tz
    return scan_parquet(data, tz=tz)


def parquet_files(path) -> list[str]:
    """The parquet files a path, folder (searched recursively) or glob pattern names.

    ``path`` may also be a list of them (a glob the shell expanded). A file or folder that
    exists is read as it is named, even when its name holds glob characters (``logs [1]``). A
    folder, named or matched by a glob, gives its files (through symbolic links) but not those
    whose name or folder starts with ``.`` or ``_`` (``._part.parquet`` copies made by macOS,
    the ``_SUCCESS`` mark and the ``_temporary`` folder of a writer), as pandas and Spark read
    a folder. A file is parquet when its name ends in ``.parquet`` (any case) or, whatever its
    name (Hive's ``000000_0``, ``.parq``), when it starts as parquet files do (``PAR1``).

    Raises FileNotFoundError when nothing is there (a symbolic link leading round in a loop or
    to nothing is named as the cause) and ValueError when the path is empty or blank, a file is
    named twice (its rows would count twice) or a file is not parquet: a CSV file or a note
    left in a folder is named, never skipped with its rows.

    >>> parquet_files("no/such/folder")
    Traceback (most recent call last):
    ...
    FileNotFoundError: Value of 'path' does not exist; received: 'no/such/folder'. No such file \
or folder: check the name, or give a folder of .parquet files or a glob of them.
    """
    if isinstance(path, list | tuple):
        if not path:
            raise FileNotFoundError("No parquet file given")
        files = [name for one in path for name in _named_files(one)]
    else:
        files = _named_files(path)
    _refuse_repeated_files(files)
    others = [name for name in files if not _is_parquet(name)]
    if others:  # counted over every path given (one at a time said "1 of 1 files")
        raise ValueError(
            f"Only parquet files can be read several at a time (a list, a folder or a glob); "
            f"{len(others)} of {len(files)} files are not, e.g. {others[:3]}: read a CSV file "
            "on its own, save the files as parquet, or name the parquet files alone (a glob "
            "such as 'logs/**/*.parquet')"
        )
    return files


def _refuse_repeated_files(files: list[str]) -> None:
    """Refuse a file named twice (``a.parquet a.parquet``, a folder and a file in it, a link to
    it): its rows would be counted twice; the check read past the end of a list instead.

    >>> _refuse_repeated_files(["a.parquet", "./a.parquet"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'path' names the file 'a.parquet' more than once (as 'a.parquet' and \
'./a.parquet'), which would count its rows twice; name each file once.
    """
    seen = {}
    for name in files:
        try:
            key = os.path.realpath(name)
        except (OSError, ValueError):
            continue
        if key in seen:
            raise ValueError(
                f"Value of 'path' names the file {seen[key]!r} more than once (as {seen[key]!r} "
                f"and {name!r}), which would count its rows twice; name each file once."
            )
        seen[key] = name


def _is_parquet(name: str) -> bool:
    """Whether the file ``name`` is read as parquet: its name ends in ``.parquet``, or its first
    bytes are parquet's mark (a name ending so that is not parquet fails when read, naming it).
    """
    if name.lower().endswith(".parquet"):
        return True
    if not os.path.isfile(name):  # a link to nothing, a pipe (whose read would wait forever)
        return False
    try:
        with open(name, "rb") as file:
            return file.read(4) == b"PAR1"
    except OSError:  # unreadable
        return False


def _named_files(path) -> list[str]:
    """The files one path, folder or glob names (see :func:`parquet_files`).

    An empty or blank path is refused as such (``Path("")`` is the current folder), and a
    symbolic link leading round in a loop or to nothing is named as the cause.

    >>> _named_files("")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'path' is empty; received: ''. Give the path of a .parquet file, a \
folder of them or a glob such as 'logs/*.parquet'.
    """
    from kpikit.io._source import given_path, link_problem

    advice = "give the path of a .parquet file, a folder of them or a glob such as 'logs/*.parquet'"
    given_path(path, "path", advice)  # its type checked, an empty or blank name refused
    text = os.fspath(path)
    if "\0" in text:
        raise ValueError(f"Value of 'path' holds a NUL character; received: {text!r}")
    try:
        is_folder, is_file = Path(text).is_dir(), Path(text).is_file()
    except OSError as error:  # e.g. a name longer than the system allows
        raise ValueError(
            f"Value of 'path' is refused by the system ({error.strerror}); received: {text!r}."
        ) from None
    if is_folder:
        files = _files_below(text)
        if not files:
            raise FileNotFoundError(
                f"Value of 'path' is a folder that holds no parquet file; received: {text!r}. "
                "Give a folder of .parquet files (searched recursively), or the files."
            )
    elif is_file:
        files = [text]
    elif glob.has_magic(text):
        files = []  # a folder matched (Spark writes out.parquet as one) gives its files
        for match in sorted(glob.glob(text, recursive=True)):
            files += _files_below(match) if Path(match).is_dir() else [match]
        files = list(dict.fromkeys(files))  # logs/** matches a folder and the files in it
        if not files:
            raise FileNotFoundError(
                f"Value of 'path' is a glob that matches nothing; received: {text!r}. No file "
                "matches it: check the folder and the pattern, such as 'logs/**/*.parquet'."
            )
    else:
        problem = link_problem(Path(text), "path", text)
        raise FileNotFoundError(
            problem
            or f"Value of 'path' does not exist; received: {text!r}. No such file or folder: "
            "check the name, or give a folder of .parquet files or a glob of them."
        )
    return files


def _files_below(folder: str) -> list[str]:
    """The files below ``folder`` but hidden ones (see :func:`parquet_files`), each folder
    reached through a symbolic link walked once."""
    hidden = (".", "_")
    walked, files = set(), []
    for root, folders, names in os.walk(folder, followlinks=True):
        if os.path.realpath(root) in walked:  # a link back to a folder already walked
            folders.clear()
            continue
        walked.add(os.path.realpath(root))
        folders[:] = sorted(name for name in folders if not name.startswith(hidden))
        files += [os.path.join(root, name) for name in names if not name.startswith(hidden)]
    return sorted(files)


class Footers(NamedTuple):
    """What the footers of parquet files tell (:func:`check_parquet_files`)."""

    columns: dict[str, str]
    """Each column to the first file that holds it."""
    files: list[str]
    """The files in the order DuckDB reads them: those where a column of times holds no value
    last, as DuckDB types a column of times (with a zone or without) as the first file does."""
    zone: str | None
    """The zone of the time column (:attr:`zone_column`) in the files where it holds values;
    None when naive."""
    zone_column: str = "arrived_at"
    """The time column the zone is read from: the first of ``arrived_at``, ``interval_start``
    and ``period_start`` (:data:`kpikit.metrics._inputs.TIME_COLUMNS`) the files hold with a
    zone."""


def check_parquet_files(files, *, tz=None) -> Footers:
    """Check that each of ``files`` is a whole parquet file and that a column holds values of
    one kind (:func:`_kind`) in all of them, reading their footers alone (:class:`Footers`).

    Raises ValueError naming the first file that is not parquet or is cut short (being written,
    or a copy that stopped), or the files where a column holds values of another kind: DuckDB
    reading them together would turn one kind into the other (numbers into text, times without
    a zone into times in the connection's zone). A column of numbers with no value in a file
    (a text column of a chunk that had none, which pandas reads as floats) goes with text,
    which DuckDB reads it as; a column of times with no value (a file of no rows) goes with
    times with a zone or without. Without ``tz`` (the zone periods are cut in), the time column
    (``arrived_at``, ``interval_start`` or ``period_start``, the first the files hold with a
    zone) must be in one zone in every file where it holds values (:func:`_check_zones`).

    >>> import pandas as pd, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"wait_s": [1.5]}).to_parquet(folder / "a.parquet")
    >>> pd.DataFrame({"wait_s": [None]}).to_parquet(folder / "b.parquet")
    >>> list(check_parquet_files(sorted(folder.iterdir())).columns)
    ['wait_s']
    >>> pd.DataFrame({"wait_s": ["2"]}).to_parquet(folder / "c.parquet")
    >>> check_parquet_files(sorted(folder.iterdir()))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Column 'wait_s' holds numbers in 1 of 3 files (first: '...a.parquet') and text \
in 1 (first: '...c.parquet'); DuckDB would turn one into the other: write it with one type in \
every file
    """
    kinds, blanks, zones = {}, {}, {}  # column -> kind -> files; -> blank files; -> zone -> files
    # present: column -> files holding it; idle: column -> kind -> files where times hold none
    present, idle = {}, {}
    for name, schema, empty in _footers(files):
        for field in schema:
            present.setdefault(field.name, []).append(name)
            kind = _kind(field.type)
            if kind in _TIMES and field.name in empty:
                idle.setdefault(field.name, {}).setdefault(kind, []).append(name)
            elif kind == "numbers" and field.name in empty:
                blanks.setdefault(field.name, []).append(name)
            elif kind is not None:
                kinds.setdefault(field.name, {}).setdefault(kind, []).append(name)
            if (
                field.name in _TIME_COLUMNS
                and kind == "times with a zone"
                and field.name not in empty
            ):
                zones.setdefault(field.name, {}).setdefault(field.type.tz, []).append(name)
    for column, found in kinds.items():
        if not set(found) & set(_TIMES):  # empty times next to text or numbers still clash
            for kind, names in idle.get(column, {}).items():
                found.setdefault(kind, []).extend(names)
        if column in blanks and list(found) != ["text"]:
            found.setdefault("numbers", []).extend(blanks[column])
        if len(found) > 1:
            (kind, first), *others = found.items()
            rest = " and ".join(
                f"{other} in {len(names)} (first: {names[0]!r})" for other, names in others
            )
            raise ValueError(
                f"Column {column!r} holds {kind} in {len(first)} of {len(files)} files (first: "
                f"{first[0]!r}) and {rest}; DuckDB would turn one into the other: write it "
                "with one type in every file"
            )
    _refuse_case_clashes(present, len(files))
    _refuse_missing_required(present, [os.fspath(name) for name in files])
    column = next((name for name in _TIME_COLUMNS if name in zones), "arrived_at")
    if tz is None:
        _check_zones(zones.get(column, {}), len(files), column)
    last = {name for kinds in idle.values() for names in kinds.values() for name in names}
    names = [os.fspath(name) for name in files]
    order = [name for name in names if name not in last] + [name for name in names if name in last]
    first_files = {column: holding[0] for column, holding in present.items()}
    return Footers(first_files, order, next(iter(zones.get(column, {})), None), column)


def _refuse_case_clashes(present: dict[str, list[str]], count: int) -> None:
    """Refuse column names that differ only in case (``present``: each column to the files
    holding it, of ``count`` files): DuckDB matches columns across files without regard to case
    and would put ``csat`` of one file and ``CSAT`` of another in one column, silently.

    >>> _refuse_case_clashes({"csat": ["a.parquet"], "CSAT": ["b.parquet"]}, 2)
    Traceback (most recent call last):
    ...
    ValueError: Columns 'csat' (in 1 of 2 files, first: 'a.parquet') and 'CSAT' (in 1 of 2 \
files, first: 'b.parquet') differ only in case, and DuckDB would read them as one column: write \
the column with one name in every file
    """
    spellings = {}
    for column in present:
        spellings.setdefault(column.lower(), []).append(column)
    clash = next((names for names in spellings.values() if len(names) > 1), None)
    if clash is not None:
        listed = " and ".join(
            f"{name!r} (in {len(present[name])} of {count} files, first: {present[name][0]!r})"
            for name in clash
        )
        raise ValueError(
            f"Columns {listed} differ only in case, and DuckDB would read them as one column: "
            "write the column with one name in every file"
        )


def _refuse_missing_required(present: dict[str, list[str]], files: list[str]) -> None:
    """Refuse a column the table requires (a table known by its time column: ``arrived_at``
    for contacts) that some of ``files`` hold and others lack: read together, the files lacking
    it would give rows with no value there, reported without the file (a table of KPIs written
    into the folder of the log, read back with it).

    >>> present = {"arrived_at": ["a.parquet"], "contact_id": ["a.parquet"], "kpi": ["k.parquet"]}
    >>> _refuse_missing_required(present, ["a.parquet", "k.parquet"])
    Traceback (most recent call last):
    ...
    ValueError: Column 'contact_id', which contacts require, is missing from 1 of 2 files \
(first: 'k.parquet'): every file of the table must hold it; move the other files away
    """
    from kpikit.schema import table_specs

    table = next((name for name, column in TIME_COLUMNS.items() if column in present), None)
    if table is None:
        return
    for spec in table_specs(table):
        holding = set(present.get(spec.name, ()))
        if spec.required and holding and len(holding) < len(files):
            lacking = [name for name in files if name not in holding]
            raise ValueError(
                f"Column {spec.name!r}, which {table.replace('_', ' ')} require, is missing "
                f"from {len(lacking)} of {len(files)} files (first: {lacking[0]!r}): every "
                "file of the table must hold it; move the other files away"
            )


_TIME_COLUMNS = tuple(TIME_COLUMNS.values())
"""The time columns a table's zone is read from, in this order (contacts, agent intervals,
costs)."""


_TIMES = ("times with a zone", "times without a zone")
"""The kinds of :func:`_kind` that DuckDB types as the first file holding them does."""


def _footers(files):
    """For each of ``files``: its name, its Arrow schema and its columns that hold no value
    (:func:`_empty_columns`), read from its footer alone."""
    import pyarrow.parquet as pq

    for name in files:
        try:
            with pq.ParquetFile(name) as file:
                schema, empty = file.schema_arrow, _empty_columns(file.metadata)
        except (OSError, pa.ArrowException) as error:
            raise ValueError(
                f"Cannot read {os.fspath(name)!r} as a parquet file ({error}); a file still "
                "being written or cut short: read again once it is complete, or move it away"
            ) from None
        yield os.fspath(name), schema, empty


def _check_zones(zones, count, column="arrived_at"):
    """Refuse ``column`` stored in more than one zone (``zones``: zone -> files, of ``count``
    files): the zone of the first file would cut every file's periods.

    >>> _check_zones({"UTC": ["a.parquet"], "Europe/Paris": ["b.parquet", "c.parquet"]}, 3)
    Traceback (most recent call last):
    ...
    ValueError: Column 'arrived_at' holds times in 2 zones: UTC in 1 of 3 files (e.g. \
['a.parquet']) and Europe/Paris in 2 (e.g. ['b.parquet', 'c.parquet']); periods would be cut \
in the zone of whichever file is read first: give tz, the zone to cut periods in (as \
kk.compute(path, tz='UTC') or kk.scan_parquet(path, tz='UTC')), or write arrived_at in one \
zone in every file
    """
    if len(zones) < 2:
        return
    (zone, first), *others = zones.items()
    rest = " and ".join(f"{other} in {len(names)} (e.g. {names[:3]})" for other, names in others)
    raise ValueError(
        f"Column {column!r} holds times in {len(zones)} zones: {zone} in {len(first)} of "
        f"{count} files (e.g. {first[:3]}) and {rest}; periods would be cut in the zone of "
        f"whichever file is read first: give tz, the zone to cut periods in (as "
        f"kk.compute(path, tz={zone!r}) or kk.scan_parquet(path, tz={zone!r})), or write "
        f"{column} in one zone in every file"
    )


def _empty_columns(metadata) -> set[str]:
    """The columns of a parquet file (its ``metadata``) that hold nulls alone, by the null counts
    of their statistics; every column of a file of no rows."""
    empty = set(metadata.schema.names)
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        if row_group.num_rows == 0:  # pandas writes one of no rows, with no statistics
            continue
        for number in range(row_group.num_columns):
            column = row_group.column(number)
            statistics = column.statistics
            if (
                statistics is None
                or not statistics.has_null_count
                or statistics.null_count < row_group.num_rows
            ):
                empty.discard(column.path_in_schema)
    return empty


def _kind(dtype) -> str | None:
    """What a column of Arrow type ``dtype`` holds, in words; None for a column of nulls alone
    (pandas writes a column of None so), which goes with any kind.

    >>> _kind(pa.int32()), _kind(pa.float64()), _kind(pa.timestamp("ms", "Europe/Paris"))
    ('numbers', 'numbers', 'times with a zone')
    >>> _kind(pa.dictionary(pa.int8(), pa.string())), _kind(pa.null())
    ('text', None)
    """
    if pa.types.is_dictionary(dtype):
        dtype = dtype.value_type
    if pa.types.is_null(dtype):
        return None
    if pa.types.is_integer(dtype) or pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return "numbers"
    if (
        pa.types.is_string(dtype)
        or pa.types.is_large_string(dtype)
        or pa.types.is_string_view(dtype)
    ):
        return "text"
    if pa.types.is_boolean(dtype):
        return "true/false values"
    if pa.types.is_timestamp(dtype):
        return "times with a zone" if dtype.tz else "times without a zone"
    return str(dtype)


def check_memory_limit(memory_limit) -> str:
    """The memory cap as DuckDB reads it: a size such as ``"4GB"``, at least
    :data:`MIN_MEMORY_LIMIT`, or the default.

    The default is half the machine's physical memory, leaving the rest to Python and the
    page cache.

    >>> check_memory_limit("4 GB")
    '4 GB'
    >>> check_memory_limit("lots")
    Traceback (most recent call last):
    ...
    ValueError: memory_limit must be a size such as '4GB' or '500MB'; received: 'lots'
    >>> check_memory_limit("1KB")
    Traceback (most recent call last):
    ...
    ValueError: memory_limit must be at least 64MB, which DuckDB needs to run; received: '1KB'
    """
    if memory_limit is None:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return f"{int(total * DEFAULT_MEMORY_SHARE) // 2**20}MiB"
    size = _SIZE.match(memory_limit) if isinstance(memory_limit, str) else None
    if size is None:
        raise ValueError(
            f"memory_limit must be a size such as '4GB' or '500MB'; received: {memory_limit!r}"
        )
    if float(size[1]) * _BYTES[size[2].lower()] < MIN_MEMORY_LIMIT:
        raise ValueError(
            f"memory_limit must be at least {MIN_MEMORY_LIMIT // 10**6}MB, which DuckDB needs "
            f"to run; received: {memory_limit!r}"
        )
    return memory_limit


def scan_parquet(
    path, *, memory_limit: str | None = None, progress: bool = True, tz: str | None = None
):
    """A DuckDB relation over parquet files, read lazily under a memory cap.

    Timezone-aware times are shown, and periods cut, in ``tz`` or else in the zone written with
    the table's time column (``arrived_at`` of contacts, ``interval_start`` of agent intervals,
    ``period_start`` of costs; pandas and polars write it in the files' Arrow schema), as pandas
    would read the files: DuckDB itself keeps one zone per connection (``SET TimeZone``), the
    machine's. Each table read so is then in its own zone, and :func:`kpikit.compute` can put
    them together.

    Parameters
    ----------
    path : str, os.PathLike or list of them
        A ``.parquet`` file, a folder of them (searched recursively) or a glob pattern such as
        ``"logs/2026-*/*.parquet"``. Columns are matched by name across files. Folders named
        ``key=value`` (a partitioned table, as Spark and pyarrow write it) give the column
        ``key`` its value in the files below them (:mod:`kpikit.metrics._hive`).
    memory_limit : str, default=None
        DuckDB's memory cap, e.g. ``"4GB"``; past it DuckDB spills to ``kpikit-duckdb`` in the
        system's temporary folder.
        ``None``: half the machine's physical memory.
    progress : bool, default=True
        Show DuckDB's progress bar for queries that run longer than two seconds (a text bar in
        a terminal, a widget in a notebook); not shown when standard output is a pipe or a file
        (:func:`shows_progress`).
    tz : str, default=None
        The zone of the connection (an IANA name such as ``"Europe/Paris"``); ``None``: the
        zone of the time column (``arrived_at``, ``interval_start`` or ``period_start``, the
        first the files hold with a zone) in the files where it holds values (refused when
        they store it in different zones), else DuckDB's default. Times without a zone in
        ``arrived_at``, ``interval_start`` and ``period_start`` are taken as local times of
        ``tz``, as :func:`kpikit.io.read_contacts` takes them, and refused as there when one
        falls in a clock change (skipped in spring or repeated in autumn): finding those reads
        the column once (:func:`kpikit.io._local_times.placed_in_zone`).

    Returns
    -------
    duckdb.DuckDBPyRelation
        Nothing is read until a query runs (but naive times placed in ``tz``, above).
        :func:`kpikit.compute` on it runs the sums per group at the call, where its checks are
        counted (one scan of the log), and returns a relation over the tidy result, held in
        memory.

    Raises
    ------
    TypeError
        ``progress`` is not True or False, or ``tz`` not text.
    ValueError
        ``tz`` is no zone name, ``memory_limit`` is not a size of at least 64MB, a file is not
        parquet or is cut short, a column holds values of different kinds in different files
        (:func:`check_parquet_files`), the files lie in partition folders of different keys,
        or a column is both in a file and in its folders' names, or the zone written in the
        files is one DuckDB does not know (a fixed offset such as ``+01:00``: pass ``tz``), or
        a file's name holds glob characters DuckDB cannot be made to read as they are
        (:func:`kpikit._duckdb.literal_file`).
    SchemaError
        A time without a zone falls in a clock change of ``tz``.

    Examples
    --------
    >>> import kpikit as kk, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> kk.load_sample().contacts.to_parquet(folder / "part-0.parquet")
    >>> contacts = scan_parquet(folder, memory_limit="1GB")
    >>> kk.compute(contacts, kpis="answer_rate").df()["kpi"].tolist()
    ['answer_rate']
    """
    try:
        import duckdb
    except ImportError as error:
        raise ImportError(
            "Reading parquet files larger than memory needs DuckDB: pip install 'kpikit[duckdb]'"
        ) from error
    require("duckdb")
    check_flag("progress", progress)
    if tz is not None:
        check_time_zone("tz", tz)

    files = parquet_files(path)
    spill = Path(tempfile.gettempdir()) / "kpikit-duckdb"  # not DuckDB's default, ./.tmp
    config = {"memory_limit": check_memory_limit(memory_limit), "temp_directory": str(spill)}
    try:
        connection = duckdb.connect(config=config)
    except duckdb.Error as error:  # a size past what DuckDB can count
        raise ValueError(f"memory_limit {memory_limit!r} is refused by DuckDB: {error}") from None
    keys = partition_keys(files)
    footers = check_parquet_files(files, tz=tz)
    refuse_keys_in_files(keys, footers.columns)
    files = footers.files
    # Set either way: DuckDB's own default shows the bar in an interactive session
    connection.execute(f"SET enable_progress_bar = {progress and shows_progress()}")
    try:
        # Absolute paths, which kpikit._duckdb.parquet_scan_files takes: compute's checks then
        # read the ids with polars (kpikit.metrics._folded_checks)
        named = [literal_file(connection, os.path.abspath(file)) for file in files]
        relation = connection.read_parquet(named, union_by_name=True, hive_partitioning=bool(keys))
    except duckdb.Error as error:  # not parquet, or truncated
        raise ValueError(f"Cannot read the parquet files {files[:3]}: {error}") from error
    relation = as_flags(as_text(relation, keys), keys, files)
    zone = tz or named_zone(footers.zone)  # DuckDB knows '+01:00' as 'Etc/GMT-1' only
    if zone is not None:
        try:
            connection.execute("SET TimeZone = ?", [zone]).fetchall()
        except duckdb.Error:
            raise ValueError(
                f"DuckDB does not know the time zone {zone!r} of {footers.zone_column} in "
                f"{files[0]!r}: "
                "pass tz, a zone name such as 'Europe/Paris', to cut periods in"
            ) from None
    if tz is not None:  # after the zone is known to DuckDB, which places the times
        from kpikit.io._local_times import placed_in_zone

        relation = placed_in_zone(relation, tz)
    return relation


@contextmanager
def damaged_files_named(path):
    """DuckDB's errors inside the block, reading the parquet files ``path`` names (a damaged
    page, which the footers checked first do not show), raised as a ValueError naming ``path``
    beside DuckDB's text (which names the file when it knows it); running out of memory and
    an interrupt are raised as they are.

    >>> import duckdb
    >>> with damaged_files_named("no/such.parquet"):  # doctest: +ELLIPSIS
    ...     duckdb.sql("SELECT * FROM read_parquet('no/such.parquet')")
    Traceback (most recent call last):
    ...
    ValueError: Cannot read the parquet files of 'no/such.parquet' (IO Error: ...no/such...): \
a damaged file? Read each with pyarrow.parquet.read_table to find it, then replace it or move \
it away
    """
    import duckdb

    try:
        yield
    except (duckdb.OutOfMemoryException, duckdb.InterruptException):
        raise  # not the files' fault
    except duckdb.Error as error:
        many = isinstance(path, list | tuple)
        shown = [os.fspath(one) for one in path] if many else os.fspath(path)
        raise ValueError(
            f"Cannot read the parquet files of {shown!r} ({error}): a damaged file? Read each "
            "with pyarrow.parquet.read_table to find it, then replace it or move it away"
        ) from None


def shows_progress() -> bool:
    """Whether DuckDB's progress bar would be seen: in a Jupyter kernel as a widget (given
    ipywidgets, without which DuckDB shows none there), else as text on the process's standard
    output, which DuckDB prints it to (no setting sends it elsewhere): only a terminal, never a
    pipe or a file, where its frames would be mixed with the results.

    >>> shows_progress() == os.isatty(1)  # outside Jupyter: whether fd 1 is a terminal
    True
    """
    if _in_jupyter():
        return importlib.util.find_spec("ipywidgets") is not None
    try:
        return os.isatty(1)  # DuckDB writes to the file descriptor, whatever sys.stdout is
    except OSError:
        return False


def _in_jupyter() -> bool:
    """Whether this is a Jupyter kernel, as DuckDB tells it: IPython's shell configured by
    ``IPKernelApp``."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    config = getattr(shell, "config", None)
    try:
        return config is not None and "IPKernelApp" in config
    except TypeError:
        return False


def is_spark(frame) -> bool:
    """Whether a narwhals frame is a PySpark DataFrame, classic or Spark Connect."""
    return frame.implementation.is_pyspark() or frame.implementation.is_pyspark_connect()


def sums_on_driver(sums):
    """Per-group sums (a row per group) held in this process: a Spark frame's as a pandas frame,
    a DuckDB relation's as an Arrow table (:func:`_fetched`); other engines' unchanged.

    The ratios, intervals and order of the tidy result are then taken from them with no more
    queries. At 1M contacts, an unchecked compute on DuckDB (its result fetched) took 0.65 s
    by agent and 0.60 s by day, against 0.74 s and 0.68 s with the tidy result left to DuckDB
    as a lazy query (one busy process, 10 alternating rounds).
    """
    if is_spark(sums):
        # Times as instants (:func:`kpikit._frames.to_pandas`): ``toPandas`` gives the session
        # zone's wall clock without its offset, which made the hour repeated when clocks go
        # back one period, and the result two rows of one time.
        return nw.from_native(to_pandas(sums))
    if sums.implementation.is_duckdb():
        return nw.from_native(_fetched(sums.to_native()))
    return sums


def alike(frames: list, keys) -> list:
    """``frames`` (sums or tidy results of several tables) made fit to join or stack: all held
    in memory when some are and some are not (a DuckDB relation with an ENUM column stays a
    relation, :func:`_fetched`), and each of ``keys`` as text in all of them where the tables
    type it differently (a category in one, text in the other; whole numbers in one, text in
    the other). Before, the engines refused with their own words ("items to concatenate
    should either all be eager, or all lazy", "failed to vstack column 'team'").

    >>> import polars as pl
    >>> one = nw.from_native(pl.DataFrame({"team": ["a"]}, schema={"team": pl.Categorical}))
    >>> two = nw.from_native(pl.DataFrame({"team": ["b"]}))
    >>> [frame.collect_schema()["team"] for frame in alike([one, two], ["team"])]
    [String, String]
    """
    if any(isinstance(frame, nw.LazyFrame) for frame in frames) and any(
        isinstance(frame, nw.DataFrame) for frame in frames
    ):
        frames = [frame.collect() if isinstance(frame, nw.LazyFrame) else frame for frame in frames]
    schemas = [frame.collect_schema() for frame in frames]
    for key in keys:
        types = {str(schema[key]) for schema in schemas if key in schema}
        if len(types) > 1:
            frames = [
                frame.with_columns(nw.col(key).cast(nw.String)) if key in schema else frame
                for frame, schema in zip(frames, schemas, strict=True)
            ]
    return frames


def _fetched(relation):
    """The rows of a DuckDB ``relation`` of sums, fetched once: an Arrow table, which the screen,
    the tidy result and its order are read from with no more queries (at 1M contacts by agent,
    the steps after the sums took 18 ms against 30 ms with the relation materialised); the
    relation materialised when a column would not come back from Arrow with its type, or its
    connection, which the result is handed back on (:func:`like_input`), cannot be reached."""
    if connection_of(relation) is None or not keeps_types_through_arrow(relation):
        return relation.materialize()
    return relation.to_arrow_table()


def like_input(result, contacts, freq=None):
    """The tidy ``result`` as the contacts' kind of frame: a pandas result of Spark contacts as a
    Spark DataFrame (of :func:`spark_schema`), an Arrow table of DuckDB contacts (their checked
    sums tidied in memory) as a relation on their connection; anything else as it is. ``freq``:
    the result's periods, if any."""
    frame = nw.from_native(contacts)
    if is_spark(frame):
        schema = spark_schema(result, contacts, freq)
        return contacts.sparkSession.createDataFrame(result, schema)
    if frame.implementation.is_duckdb() and isinstance(result, pa.Table):
        return connection_of(contacts).from_arrow(result)
    return result


def spark_schema(result, contacts, freq=None):
    """The Spark schema of the tidy pandas ``result`` of Spark ``contacts``: each key of the
    type it has in ``contacts``, ``period`` (with ``freq``) of the type of ``arrived_at`` (a
    timestamp without a zone when those are dates: a period starts at a time, as on the other
    engines), ``kpi`` text and the figures doubles.

    Spark cannot tell these from the pandas frame alone: it finds no type for an empty result
    or a key that is missing in every group, and reads integers with a missing value as
    floats, as pandas holds them once on the driver.
    """
    from pyspark.sql.types import (
        DateType,
        DoubleType,
        StringType,
        StructField,
        StructType,
        TimestampNTZType,
    )

    types = {field.name: field.dataType for field in contacts.schema.fields}
    if freq is not None:
        arrived = types["arrived_at"]
        types["period"] = TimestampNTZType() if isinstance(arrived, DateType) else arrived
    types["kpi"] = StringType()
    return StructType([StructField(name, types.get(name, DoubleType())) for name in result])
