"""DuckDB told to look for NaN in parquet files whose statistics cannot rule it out.

Writers such as pyarrow leave NaN out of a float column's min/max statistics, as the parquet
format asks; DuckDB, by default, takes a column whose statistics record no NaN to hold none and
answers ``isnan`` from them without reading a value (duckdb/duckdb#25521), so a NaN wait in a
parquet file would pass kpikit's checks. The checks of a DuckDB relation therefore run with
DuckDB's ``parquet_can_have_nan`` setting on; the connection's own setting is put back after.
The screen :func:`kpikit.compute` folds into its sums does without it: it finds NaN in each
group's largest value, which DuckDB reads from the values (``kpikit.metrics._folded_checks``).
"""

from contextlib import contextmanager

from kpikit._duckdb import connection_of

SETTING = "parquet_can_have_nan"


@contextmanager
def nan_visible(relation):
    """Run the block with ``parquet_can_have_nan`` on for ``relation``'s DuckDB connection.

    Anything other than a DuckDB relation (or one whose connection cannot be reached) is left
    as it is.

    >>> import duckdb
    >>> connection = duckdb.connect()
    >>> relation = connection.sql("SELECT 1 AS x")
    >>> def setting():
    ...     return connection.execute(f"SELECT current_setting('{SETTING}')").fetchall()[0][0]
    >>> with nan_visible(relation):
    ...     setting()
    True
    >>> setting()
    False
    """
    connection = connection_of(relation)
    if connection is None:
        yield
        return
    # fetchall: an unfinished result would keep the connection from running anything else.
    [(before,)] = connection.execute(f"SELECT current_setting('{SETTING}')").fetchall()
    if before:
        yield
        return
    connection.execute(f"SET {SETTING} = true").fetchall()
    try:
        yield
    finally:
        connection.execute(f"SET {SETTING} = false").fetchall()
