"""Large Arrow-backed pandas frames computed by DuckDB, which reads their Arrow arrays in place.

A frame read with ``pd.read_parquet(path, dtype_backend="pyarrow")`` holds its columns as Arrow
arrays. The NumPy path of :func:`kpikit.compute` works through them on one core; DuckDB scans
them without a copy on every core, checks and sums in one query (:mod:`._folded_checks`) and
finds repeats with window functions. At 10 million real-shaped contacts by agent that took
2.8-4.5 s against 6.4-8.8 s (both under the same load, ``benchmarks/bench_compute.py``); below
``MIN_ROWS`` contacts DuckDB's fixed cost of planning the query outweighs what it saves.

The result is the pandas result: keys keep their Arrow types (as on the NumPy path), ``kpi`` is
text held as Python objects and the figures are NumPy floats. Sums run in another order than
NumPy's, so figures may differ in the last digits (1e-12 relative), as between any two engines.
"""

import narwhals as nw
import pandas as pd

from kpikit.metrics._inputs import numpy_zoned_times, time_zone
from kpikit.metrics._ratios import RESULT_COLUMNS

MIN_ROWS = 1_000_000
"""Fewest contacts for which an Arrow-backed pandas frame is handed to DuckDB."""


def wanted(data) -> bool:
    """Whether ``data`` is a pandas frame to compute in DuckDB: ``MIN_ROWS`` contacts or more,
    a column held by Arrow, column names that are distinct text, and DuckDB installed.

    >>> import pandas as pd
    >>> wanted(pd.DataFrame({"x": pd.array([1.0], dtype="double[pyarrow]")}))  # 1 row
    False
    """
    if not isinstance(data, pd.DataFrame) or len(data) < MIN_ROWS:
        return False
    if not any(isinstance(dtype, pd.ArrowDtype) for dtype in data.dtypes):
        return False
    if not data.columns.is_unique or not all(isinstance(name, str) for name in data.columns):
        return False  # left to the checks, which name the problem
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def relation(frame: pd.DataFrame, tz: str | None = None):
    """A DuckDB relation over ``frame``'s columns (Arrow-backed ones are not copied).

    DuckDB reads timezone-aware times in its connection's zone, so the connection is set to
    ``tz``, or else to the zone of ``arrived_at``: periods are then cut on that wall clock, as
    on the pandas path.
    """
    import duckdb
    import pyarrow as pa

    connection = duckdb.connect()
    zone = tz or _zone(frame)
    if zone is not None:
        connection.execute("SET TimeZone = ?", [zone]).fetchall()
    return connection.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))


def as_pandas(result) -> pd.DataFrame:
    """The result relation of :func:`kpikit.compute` as the pandas path returns it (zoned
    periods held by NumPy)."""
    table = nw.from_native(result).collect(backend="pyarrow").to_native()
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    figures = {column: "float64" for column in RESULT_COLUMNS[1:]}
    frame = frame.astype({"kpi": object, **figures})
    if "period" in frame.columns:
        frame = numpy_zoned_times(nw.from_native(frame), "period").to_native()
    return frame


def _zone(frame: pd.DataFrame) -> str | None:
    if "arrived_at" not in frame.columns:
        return None
    return time_zone(nw.from_native(frame), "arrived_at")
