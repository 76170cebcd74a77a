"""Large pandas frames whose text Arrow holds, computed by polars.

A pandas frame of Arrow-backed text (``dtype_backend="pyarrow"``, or pandas 3's ``str``) of
``MIN_ROWS`` to ``MAX_ROWS`` contacts is handed to polars: polars copies the columns (text into
its own layout, NumPy ones in compiled code), then computes on every core, checks folded in its
sums (:mod:`._folded_checks`). By agent, real-shaped contacts, Arrow-backed, median of 3 (peak
memory added by the first call): at 1M 0.21-0.25 s against 0.38-0.41 s by DuckDB
(:mod:`._via_duckdb`), +0.33-0.36 GB against +0.12 GB; at 3M 0.57-0.59 s against 0.88-0.91 s,
+1.0 GB against +0.3 GB; at 10M polars was no faster (the whole task, read included, 3.9-4.0 s
against 3.7-3.9 s by DuckDB) for +2.8 GB, above the 1.5 GB kpikit allows itself there, so
larger frames go to DuckDB, which reads them in place. A frame with text held as Python objects
(pandas 2's default) goes to DuckDB at any size: polars would turn every value into Arrow first.

NaN in a NumPy float column is missing, as pandas reads it (it becomes null); NaN in an Arrow
column stays NaN, which the checks refuse where pandas' checks do. The result is the pandas
result, with the input's types for the keys and the period
(:func:`._handover.as_pandas`).
"""

import pandas as pd

from kpikit.metrics._handover import ready

MIN_ROWS = 1_000_000
"""Fewest contacts for which a pandas frame is handed to polars."""

MAX_ROWS = 3_000_000
"""Most contacts for which a pandas frame is handed to polars (its copy grows with them)."""


def wanted(data, csat_scale: int | None = None) -> bool:
    """Whether ``data`` is a pandas frame to compute in polars: ``MIN_ROWS`` to ``MAX_ROWS``
    contacts, no column of Python objects, and :func:`._handover.ready` for polars.

    >>> import pandas as pd
    >>> wanted(pd.DataFrame({"x": [1.0]}))  # 1 row
    False
    """
    if not isinstance(data, pd.DataFrame) or not MIN_ROWS <= len(data) <= MAX_ROWS:
        return False
    if any(pd.api.types.is_object_dtype(dtype) for dtype in data.dtypes):
        return False
    return ready(data, "polars", csat_scale)


def as_polars(frame: pd.DataFrame):
    """``frame`` as a polars DataFrame (NumPy NaN becomes null, Arrow NaN stays NaN).

    >>> import pandas as pd
    >>> as_polars(pd.DataFrame({"wait_s": [1.0, float("nan")]}))["wait_s"].to_list()
    [1.0, None]
    """
    import polars as pl

    return pl.from_pandas(frame)
