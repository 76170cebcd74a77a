"""Small helpers for DuckDB relations: the DuckDB versions kpikit works with, quoting a name for
SQL, reaching a relation's connection, telling whether its columns come back from Arrow as they
were."""

import importlib.metadata
import re
import sys
from functools import cache

import narwhals.stable.v2 as nw

OLDEST_VERSION = (2, 0)
"""The oldest DuckDB kpikit computes on. DuckDB 1's relations keep no connection kpikit can
reach, which the checks need to see NaN in parquet files (:mod:`kpikit._nan_aware`), and have
no ``union_by_name`` or ``materialize``."""


@cache
def installed_version() -> tuple[int, ...] | None:
    """The installed DuckDB's version as numbers (the imported module's, when it is imported),
    None when DuckDB is not installed."""
    module = sys.modules.get("duckdb")
    try:
        text = module.__version__ if module else importlib.metadata.version("duckdb")
    except importlib.metadata.PackageNotFoundError:
        return None
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def supported() -> bool:
    """Whether a DuckDB kpikit works with is installed (``OLDEST_VERSION`` or newer)."""
    version = installed_version()
    return version is not None and version >= OLDEST_VERSION


def require_supported(*tables) -> None:
    """:func:`require_recent` when one of ``tables`` is a DuckDB relation; anything else
    passes.

    >>> import pandas as pd
    >>> require_supported(pd.DataFrame({"x": [1]}), None)  # no relation: nothing to ask
    """
    if any(nw.dependencies.is_duckdb_relation(table) for table in tables):
        require_recent()


def require_recent() -> None:
    """Raise ImportError, saying how to upgrade, when the installed DuckDB is older than
    ``OLDEST_VERSION``."""
    if supported():
        return
    found = ".".join(map(str, installed_version() or ()))
    oldest = ".".join(map(str, OLDEST_VERSION))
    raise ImportError(
        f"kpikit needs DuckDB {oldest} or newer to work on DuckDB relations and parquet files; "
        f"DuckDB {found} is installed. Upgrade it: pip install --upgrade 'duckdb>={oldest}'"
    )


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
