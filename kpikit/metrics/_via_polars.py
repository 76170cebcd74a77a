"""Large pandas frames whose text Arrow holds, computed by polars.

A pandas frame of Arrow-backed text (``dtype_backend="pyarrow"``, or pandas 3's ``str``) is
handed to polars when it is large (``MIN_ROWS`` contacts or more): polars takes the Arrow
columns as they are and NumPy's in compiled code, then computes on every core, checks folded in
its sums (:mod:`._folded_checks`). At 1M real-shaped contacts by agent that took 0.20 s against
0.38 s by DuckDB (:mod:`._via_duckdb`), at 10M 2.2 s against 2.8 s, for 1.26 GB of peak memory
against 0.69 GB (``benchmarks/bench_compute.py``). A frame with text held as Python objects
(pandas 2's default) goes to DuckDB instead: polars would turn every value into Arrow first.

NaN in a NumPy float column is missing, as pandas reads it (it becomes null); NaN in an Arrow
column stays NaN, which the checks refuse where pandas' checks do. The result is the pandas
result, with the input's types for the keys and the period
(:func:`kpikit.metrics._via_duckdb.as_pandas`).
"""

import narwhals.stable.v2 as nw
import pandas as pd

from kpikit._checks import table_checks
from kpikit.schema import KEY_COLUMNS, table_specs

MIN_ROWS = 1_000_000
"""Fewest contacts for which a pandas frame is handed to polars."""


def wanted(data, csat_scale: int | None = None) -> bool:
    """Whether ``data`` is a pandas frame to compute in polars: ``MIN_ROWS`` contacts or more,
    no column of Python objects, column names that are distinct text, types the schema accepts,
    and polars installed.

    >>> import pandas as pd
    >>> wanted(pd.DataFrame({"x": [1.0]}))  # 1 row
    False
    """
    if not isinstance(data, pd.DataFrame) or len(data) < MIN_ROWS:
        return False
    if not data.columns.is_unique or not all(isinstance(name, str) for name in data.columns):
        return False  # left to the checks, which name the problem
    if any(pd.api.types.is_object_dtype(dtype) for dtype in data.dtypes):
        return False
    try:
        import polars  # noqa: F401
    except ImportError:
        return False
    specs = table_specs("contacts", csat_scale=csat_scale)
    return not table_checks(
        nw.from_native(data), "contacts", specs, KEY_COLUMNS["contacts"]
    ).problems


def as_polars(frame: pd.DataFrame):
    """``frame`` as a polars DataFrame (NumPy NaN becomes null, Arrow NaN stays NaN).

    >>> import pandas as pd
    >>> as_polars(pd.DataFrame({"wait_s": [1.0, float("nan")]}))["wait_s"].to_list()
    [1.0, None]
    """
    import polars as pl

    return pl.from_pandas(frame)
