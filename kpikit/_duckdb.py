"""Small helpers for DuckDB relations: quoting a name for SQL, reaching a relation's connection."""


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
