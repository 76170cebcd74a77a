"""Small helpers for DuckDB relations: quoting a name for SQL, reaching a relation's connection,
telling whether its columns come back from Arrow as they were."""

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
