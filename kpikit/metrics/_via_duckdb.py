"""Large pandas frames computed by DuckDB, which scans them on every core.

The pandas path of :func:`kpikit.compute` works through a frame on one core (NumPy, and one
polars query for the sums). DuckDB scans a pandas frame where it lies (Arrow-backed columns
without a copy, NumPy ones in compiled code, NaN read as missing as pandas reads it), checks
and sums it in one query (:mod:`._folded_checks`) and finds repeats with window functions, on
every core. At 10 million real-shaped contacts by agent that took 2.8-4.5 s against 6.4-8.8 s
for an Arrow-backed frame and 7.6-11.5 s against 14.7-18.1 s for pandas 2's default one (both
under the same load, ``benchmarks/bench_compute.py``); below ``MIN_ROWS`` contacts DuckDB's
fixed cost of planning the query outweighs what it saves. Frames of Arrow-backed text up to
3M contacts go to polars instead (:mod:`._via_polars`), faster there for more memory.

A frame goes to DuckDB only when its columns have the types the schema asks for (checked on the
pandas side, from its dtypes): a type problem is reported by the pandas checks, in pandas terms,
rather than by DuckDB's reading of the column. The result is the pandas result, with the
input's types for the keys and the period; its figures come from sums in another order than
NumPy's, so they may differ in the last digits (1e-12 relative), as between any two engines.
"""

import narwhals.stable.v2 as nw
import pandas as pd

from kpikit._checks import table_checks
from kpikit.metrics._inputs import numpy_zoned_times, time_zone
from kpikit.metrics._ratios import RESULT_COLUMNS
from kpikit.schema import KEY_COLUMNS, table_specs

MIN_ROWS = 1_000_000
"""Fewest contacts for which a pandas frame is handed to DuckDB."""


def wanted(data, csat_scale: int | None = None) -> bool:
    """Whether ``data`` is a pandas frame to compute in DuckDB: ``MIN_ROWS`` contacts or more,
    column names that are distinct text and types the schema accepts, and DuckDB installed.

    >>> import pandas as pd
    >>> wanted(pd.DataFrame({"x": [1.0]}))  # 1 row
    False
    """
    if not isinstance(data, pd.DataFrame) or len(data) < MIN_ROWS:
        return False
    if not data.columns.is_unique or not all(isinstance(name, str) for name in data.columns):
        return False  # left to the checks, which name the problem
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    specs = table_specs("contacts", csat_scale=csat_scale)
    return not table_checks(
        nw.from_native(data), "contacts", specs, KEY_COLUMNS["contacts"]
    ).problems


def relation(frame: pd.DataFrame, tz: str | None = None):
    """A DuckDB relation over ``frame``, on a connection of its own.

    DuckDB reads timezone-aware times in its connection's zone, so the connection is set to
    ``tz``, or else to the zone of ``arrived_at``: periods are then cut on that wall clock, as
    on the pandas path.
    """
    import duckdb

    connection = duckdb.connect()
    zone = tz or _zone(frame)
    if zone is not None:
        connection.execute("SET TimeZone = ?", [zone]).fetchall()
    return connection.from_df(frame)


def as_pandas(result, contacts: pd.DataFrame) -> pd.DataFrame:
    """The result of :func:`kpikit.compute` (a DuckDB relation, or a polars frame from
    :mod:`._via_polars`) as the pandas path returns it for ``contacts``: keys of their type in
    ``contacts``, periods held as its times are, ``kpi`` text as Python objects and NumPy float
    figures."""
    result = nw.from_native(result)
    if isinstance(result, nw.LazyFrame):
        result = result.collect(backend="pyarrow")
    table = result.to_arrow()
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    types = {column: "float64" for column in RESULT_COLUMNS[1:]}
    types["kpi"] = object
    for key in frame.columns.intersection(contacts.columns):
        types[key] = contacts[key].dtype
    frame = frame.astype(types)
    if "period" in frame.columns:
        frame = numpy_zoned_times(nw.from_native(frame), "period").to_native()
        if not isinstance(contacts["arrived_at"].dtype, pd.ArrowDtype):
            frame["period"] = _numpy_times(frame["period"])
    return frame


def _numpy_times(period: pd.Series) -> pd.Series:
    if isinstance(period.dtype, pd.ArrowDtype):  # naive
        return period.astype(f"datetime64[{period.dtype.pyarrow_dtype.unit}]")
    return period


def _zone(frame: pd.DataFrame) -> str | None:
    if "arrived_at" not in frame.columns:
        return None
    return time_zone(nw.from_native(frame), "arrived_at")
