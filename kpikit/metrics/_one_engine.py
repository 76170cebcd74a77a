"""A Dataset's tables on one engine, the contacts': costs in a small CSV beside a DuckDB or
polars log.

The sums of a cost KPI join the contacts' sums with the costs, and a compute stacks the results
of its tables, so every table must be a frame of the contacts' kind. :func:`on_contacts_engine`
hands the agent intervals and costs over to it, through Arrow (their values and types as they
were; the checks then run on them as on any frame). A Spark table and a table beside Spark
contacts are not moved: a cluster's table may not fit on the driver, and a table sent to the
cluster takes the session's time zone; the error names the call that moves it.
"""

from dataclasses import replace

import narwhals.stable.v2 as nw
import pyarrow as pa

from kpikit._duckdb import connection_of
from kpikit.metrics._sources import is_spark

_SIDE_TABLES = ("agent_intervals", "costs")


def on_contacts_engine(dataset):
    """``dataset`` (a :class:`~kpikit.schema.Dataset`) with its agent intervals and costs as
    frames of the contacts' kind (pandas, polars eager or lazy, a DuckDB relation on the
    contacts' connection, or a pyarrow Table); the same Dataset when they already are.

    Raises
    ------
    TypeError
        A Spark table beside contacts of another kind, or the other way round; or DuckDB
        contacts whose connection cannot be reached.

    Examples
    --------
    >>> import pandas as pd, polars as pl
    >>> from kpikit.schema import Dataset
    >>> contacts = pl.DataFrame({"contact_id": [1]})
    >>> costs = pd.DataFrame({"period_start": [pd.Timestamp("2026-01-05")], "cost": [9.5]})
    >>> moved = on_contacts_engine(Dataset(contacts, costs=costs))
    >>> type(moved.costs).__name__, moved.costs["cost"].to_list()
    ('DataFrame', [9.5])
    >>> type(moved.costs).__module__.split(".")[0]
    'polars'
    """
    contacts = dataset.contacts
    target = _kind(contacts)
    if target is None:
        return dataset  # no contacts frame: as_dataset and the checks say so
    moved = {
        table: _moved(getattr(dataset, table), contacts, table)
        for table in _SIDE_TABLES
        # a table narwhals does not read is left to the checks, which name it
        if _kind(getattr(dataset, table)) not in (None, target)
    }
    return replace(dataset, **moved) if moved else dataset


def _kind(native) -> tuple | None:
    """The engine of a frame and whether it is lazy; None for what narwhals does not read."""
    if native is None:
        return None
    try:
        frame = nw.from_native(native)
    except TypeError:
        return None
    return frame.implementation, isinstance(frame, nw.LazyFrame)


def _moved(native, contacts, table: str):
    frame, target = nw.from_native(native), nw.from_native(contacts)
    if is_spark(frame) or is_spark(target):
        raise TypeError(_spark_message(table, frame, target))
    if target.implementation.is_duckdb() and connection_of(contacts) is None:
        raise TypeError(
            f"The {table} table is a {_name(frame)} and the contacts a DuckDB relation whose "
            f"connection kpikit cannot reach: give the {table} as a relation on the contacts' "
            f"connection, connection.from_df({table}) or connection.from_arrow({table})."
        )
    arrow = _as_arrow(frame)
    if target.implementation.is_pandas():
        return arrow.to_pandas()
    if target.implementation.is_polars():
        import polars as pl

        moved = pl.from_arrow(arrow)
        return moved.lazy() if isinstance(target, nw.LazyFrame) else moved
    if target.implementation.is_duckdb():
        return connection_of(contacts).from_arrow(arrow)
    if target.implementation.is_pyarrow():
        return arrow
    return nw.from_arrow(arrow, backend=target.implementation).to_native()


def _as_arrow(frame):
    """A narwhals frame's rows as a pyarrow Table (a pandas frame's index left out)."""
    if frame.implementation.is_pandas():
        return pa.Table.from_pandas(frame.to_native(), preserve_index=False)
    eager = frame.collect(backend="pyarrow") if isinstance(frame, nw.LazyFrame) else frame
    return eager.to_arrow()


def _name(frame) -> str:
    kind = "lazy frame" if isinstance(frame, nw.LazyFrame) else "frame"
    return f"{frame.implementation.name.lower()} {kind}"


def _spark_message(table: str, frame, target) -> str:
    if is_spark(target):
        return (
            f"The contacts are a Spark DataFrame and the {table} a {_name(frame)}: give kpikit "
            f"the {table} on Spark too, spark.createDataFrame({table}) (its times then take the "
            "session's time zone, spark.sql.session.timeZone)."
        )
    return (
        f"The {table} table is a Spark DataFrame and the contacts a {_name(target)}: give "
        f"kpikit both on one engine, {table}.toPandas() (it must fit in this process) or the "
        "contacts on Spark, spark.createDataFrame(contacts)."
    )
