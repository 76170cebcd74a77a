"""Small helpers for DuckDB relations: quoting a name for SQL, reaching a relation's connection,
telling whether its columns come back from Arrow as they were, naming a file so that DuckDB
reads it and no other, and which parquet files a plain scan reads."""

import os
import re


def sql_name(name) -> str:
    """``name`` as a quoted SQL identifier (inner quotes doubled), for DuckDB's relation API.

    >>> print(sql_name("agent id"), sql_name('a"b'))
    "agent id" "a""b"
    """
    return '"' + name.replace('"', '""') + '"'


def connection_of(relation):
    """The DuckDB connection a relation runs on, or None when it cannot be reached.

    DuckDB's Python relations keep it in a private attribute (``_con``); anything that lacks one
    (another engine's frame, another DuckDB version) gives None, and callers then do without.

    >>> import duckdb
    >>> connection = duckdb.connect()
    >>> connection_of(connection.sql("SELECT 1")) is connection, connection_of(object())
    (True, None)
    """
    connection = getattr(relation, "_con", None)
    return connection if hasattr(connection, "execute") else None


_ARROW_SAFE = re.compile(
    r"(VARCHAR|BOOLEAN|U?(TINY|SMALL|BIG)?INT(EGER)?|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|DATE"
    r"|TIME|TIMESTAMP(_S|_MS|_NS| WITH TIME ZONE)?)"
)
"""DuckDB types that come back from an Arrow table as they were and that Arrow can sort (not
HUGEINT, which comes back as DECIMAL(38,0), UUID or ENUM, which come back as VARCHAR, INTERVAL,
which Arrow cannot sort, nor lists and structs)."""


def keeps_types_through_arrow(relation) -> bool:
    """Whether every column of ``relation`` comes back from an Arrow table with its type, and
    can be sorted there.

    >>> import duckdb
    >>> connection = duckdb.connect()
    >>> keeps_types_through_arrow(connection.sql("SELECT 'a' AS x, TIMESTAMPTZ '2026-01-05' AS t"))
    True
    >>> keeps_types_through_arrow(connection.sql("SELECT 1::HUGEINT AS x"))
    False
    """
    return all(_ARROW_SAFE.fullmatch(str(dtype)) for dtype in relation.types)


_PARQUET_SCAN = re.compile(
    r"SELECT \* FROM parquet_scan\(\[(?P<files>'(?:[^']|'')*'(?:, '(?:[^']|'')*')*)\], "
    r"binary_as_string := false, file_row_number := false, filename := false, "
    r"hive_partitioning := false, union_by_name := (?:false|true)\) AS \"[\w]+\""
)
"""The text DuckDB gives a relation that reads parquet files as they are (``read_parquet``,
``from_parquet``, :func:`kpikit.metrics._sources.scan_parquet` without partition folders)."""

_DUCKDB_GLOB = re.compile(r"[*?\[]")
"""The characters that make DuckDB read a file name as a glob pattern."""

_ESCAPED = re.compile(r"\[([*?\[])\]")
"""A glob character made literal, as :func:`literal_file` writes it (``[[]`` for ``[``)."""


def literal_file(connection, name: str) -> str:
    """The file ``name`` (an absolute path) as DuckDB's readers on ``connection`` must be given
    it to read that file and no other: DuckDB takes every name as a glob pattern, so that
    ``data [1].parquet`` read ``data 1.parquet``. Its glob has no escape but a class of one
    character (``[[]``, ``[*]``, ``[?]``); a name with a backslash, which DuckDB's glob treats
    otherwise, is tried as it is.

    Raises ValueError when DuckDB finds another file, or none, under either form, rather than
    reading another file than the one named.

    >>> import duckdb, pandas as pd, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "data [1].parquet")
    >>> pd.DataFrame({"x": [1]}).to_parquet(path)
    >>> literal_file(duckdb.connect(), path).endswith("data [[]1].parquet")
    True
    """
    if not _DUCKDB_GLOB.search(name):
        return name
    for form in (_DUCKDB_GLOB.sub(r"[\g<0>]", name), name):
        found = connection.execute("SELECT file FROM glob(?)", [form]).fetchall()
        if found == [(name,)]:
            return form
    raise ValueError(
        f"DuckDB cannot read the file {name!r} by its name, which holds glob characters "
        "(*, ? or [): rename it"
    )


def parquet_scan_files(relation) -> list[str] | None:
    """The parquet files ``relation`` reads (absolute paths), when it is a plain scan of local
    files and nothing else: every row of the files, as they are (a glob character made literal
    by :func:`literal_file` read as itself). None otherwise (a query, a filter, a glob,
    partition folders, a file that is not there, a path from the home folder
    (``~``), or a relative path on a connection whose ``file_search_path`` may find it
    elsewhere than in the working folder).

    Read from the relation's SQL text, the only public account DuckDB gives of it; another
    release that words it otherwise gives None, and callers do without.

    >>> import duckdb, pandas as pd, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "it's.parquet")
    >>> pd.DataFrame({"x": [1]}).to_parquet(path)
    >>> connection = duckdb.connect()
    >>> parquet_scan_files(connection.read_parquet(path)) == [path]
    True
    >>> parquet_scan_files(connection.read_parquet(path).filter("x > 0")) is None
    True
    """
    import duckdb

    try:
        text = relation.sql_query()
    except (AttributeError, duckdb.Error):  # not a relation, or one DuckDB cannot write as SQL
        return None
    match = _PARQUET_SCAN.fullmatch(text)
    if match is None:
        return None
    files = [name.replace("''", "'") for name in re.findall(r"'((?:[^']|'')*)'", match["files"])]
    if any(f.startswith("~") or _DUCKDB_GLOB.search(_ESCAPED.sub("", f)) for f in files):
        return None
    files = [_ESCAPED.sub(r"\1", f) for f in files]  # the names literal_file escaped
    if not all(os.path.isabs(f) for f in files):
        if not _reads_from_working_folder(relation):
            return None
        files = [os.path.abspath(f) for f in files]
    return files if all(os.path.isfile(f) for f in files) else None


def _reads_from_working_folder(relation) -> bool:
    """Whether DuckDB looks for ``relation``'s relative paths in the working folder alone, as
    polars does: its connection sets no ``file_search_path`` (a setting of each connection;
    a cursor has its own)."""
    import duckdb

    connection = connection_of(relation)
    if connection is None:
        return False
    try:
        [(search_path,)] = connection.sql("SELECT current_setting('file_search_path')").fetchall()
    except duckdb.Error:
        return False
    return not search_path
