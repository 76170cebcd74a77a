"""Large pandas frames computed by DuckDB, which scans them on every core.

The pandas path of :func:`kpikit.compute` works through a frame on one core (NumPy, and one
polars query for the sums). DuckDB scans a pandas frame where it lies (Arrow-backed columns
without a copy, NumPy ones in compiled code, NaN read as missing as pandas reads it), checks
and sums it in one query (:mod:`._folded_checks`) and finds repeats with window functions, on
every core. At 10 million real-shaped contacts by agent that took 2.8-4.5 s against 6.4-8.8 s
for an Arrow-backed frame and 7.6-11.5 s against 14.7-18.1 s for pandas 2's default one (both
under the same load, ``benchmarks/bench_compute.py``); below ``MIN_ROWS`` contacts DuckDB's
fixed cost of planning the query outweighs what it saves. Frames of Arrow-backed text go to
polars instead (:mod:`._via_polars`), faster there, unless polars' copy of them would add more
memory than kpikit allows itself (``_via_polars.MAX_ADDED_BYTES``).

A frame goes to DuckDB only when its columns have the types the schema asks for
(:mod:`._handover`). The result is the pandas result, with the input's types for the keys and
the period (:func:`._handover.as_pandas`); its figures come from sums in another order than
NumPy's, so they may differ in the last digits (1e-12 relative), as between any two engines.
"""

import narwhals.stable.v2 as nw
import pandas as pd

from kpikit.metrics._handover import ready
from kpikit.metrics._inputs import named_zone, time_zone

MIN_ROWS = 1_000_000
"""Fewest contacts for which a pandas frame is handed to DuckDB."""


def wanted(data, csat_scale: int | None = None) -> bool:
    """Whether ``data`` is a pandas frame to compute in DuckDB: ``MIN_ROWS`` contacts or more,
    and :func:`._handover.ready` for DuckDB.

    >>> import pandas as pd
    >>> wanted(pd.DataFrame({"x": [1.0]}))  # 1 row
    False
    """
    if not isinstance(data, pd.DataFrame) or len(data) < MIN_ROWS:
        return False
    return ready(data, "duckdb", csat_scale)


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


def _zone(frame: pd.DataFrame) -> str | None:
    if "arrived_at" not in frame.columns:
        return None
    # A fixed offset by the name DuckDB knows it by (pandas' "UTC+02:00" is "Etc/GMT-2")
    return named_zone(time_zone(nw.from_native(frame), "arrived_at"))
