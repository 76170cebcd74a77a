"""A lazy log's arrivals added up per group and minute by the engine that holds it.

A forecast reads each contact's arrival, whether it was answered and its handle time, and counts
them into intervals of 15 minutes or more. Brought into pandas contact by contact, a log of 10M
contacts in parquet took 2-3.5 s and 0.9 GB of a forecast (DuckDB counts each day's contacts in
0.2 s). From a lazy source (parquet files, a DuckDB relation, a Spark or polars frame) the engine
now checks the columns read and adds them up per group and minute of arrival, and pandas gets a
row per minute. Every contact of a minute falls in one interval of any length the forecasts
offer, on the wall clock of any zone in use today (offsets, and their changes, are whole
minutes), so the counts are those of the contacts. Each row keeps its minute's first and last
arrival (``arrived_at`` and ``last_at``), from which the last arrival, the gaps in the log and
the start of the series are read as from the contacts themselves.
"""

import narwhals.stable.v2 as nw
import numpy as np

from kpikit._check_runs import free_column_name
from kpikit._lazy_contacts import checked_lazy
from kpikit.calibrate import as_pandas

LAST = "last_at"
"""The column of each minute's last arrival; ``arrived_at`` holds its first."""


def minute_counts(data, keys, handles):
    """The contacts of a lazy ``data`` added up per ``keys`` and minute of arrival, as pandas.

    Columns: ``*keys, arrived_at, last_at, offered, answered, handle_s`` (contacts, answered
    contacts, and the handle seconds ``handles`` of the answered ones), a row per group and
    minute that holds a contact, in time order; ``attrs["handles"]`` names the columns of
    ``handles`` the data has. None when the contacts are to be read one by
    one: ``data`` is an eager frame other than polars' (pandas, Arrow), or a check of the
    columns read fails (a missing or repeated column, a wrong type, a refused value,
    arrivals given as dates, handle times whose sum overflows), which the contact-by-contact
    reading names with the rows' positions.

    >>> import polars as pl
    >>> from datetime import datetime
    >>> log = pl.LazyFrame({"queue": ["a", "a", "a"], "answered": [True, False, True],
    ...     "arrived_at": [datetime(2026, 3, 2, 9, 0, 5), datetime(2026, 3, 2, 9, 0, 50),
    ...                    datetime(2026, 3, 2, 9, 1)], "talk_s": [60.0, None, 30.0]})
    >>> counted = minute_counts(log, ["queue"], ["talk_s"])
    >>> [counted[name].dt.strftime("%H:%M:%S").tolist() for name in ("arrived_at", "last_at")]
    [['09:00:05', '09:01:00'], ['09:00:50', '09:01:00']]
    >>> counted[["queue", "offered", "answered", "handle_s"]].values.tolist()
    [['a', 2, 1.0, 60.0], ['a', 1, 1.0, 30.0]]
    >>> minute_counts(log.collect().to_pandas(), ["queue"], ["talk_s"]) is None  # pandas
    True
    """
    source = checked_lazy(data, ["arrived_at", "answered"], optional=handles, by=keys)
    if source is None:
        return None
    present = [name for name in handles if name in source.columns]
    counted = as_pandas(_added_up(source, keys, present), [], "data")
    # groups in the order of their first contact, as in a log in time order
    counted = counted.sort_values("arrived_at", kind="stable", ignore_index=True)
    with np.errstate(over="ignore"):
        if not np.isfinite(counted["handle_s"].sum()):
            return None
    counted.attrs["handles"] = present
    return counted


def _added_up(source, keys, handles):
    """The lazy query of :func:`minute_counts`: one row per ``keys`` and minute of arrival."""
    minute = free_column_name([*source.columns, "handle_s"])
    answered = nw.col("answered")
    handle = nw.lit(0.0)
    if handles:
        # cast: a column with no value at all may be text (polars reads an empty CSV column as
        # String), which the checks let through and polars refused to add up
        seconds = nw.sum_horizontal(
            *(nw.col(name).cast(nw.Float64()).fill_null(0.0) for name in handles)
        )
        handle = nw.when(answered).then(seconds).otherwise(0.0)
    return (
        source.with_columns(
            nw.col("arrived_at").dt.truncate("1m").alias(minute), handle.alias("handle_s")
        )
        .group_by(*keys, minute)
        .agg(
            nw.col("arrived_at").min(),
            nw.col("arrived_at").max().alias(LAST),
            nw.len().alias("offered"),
            answered.cast(nw.Float64).sum(),
            nw.col("handle_s").sum(),
        )
        .select(*keys, "arrived_at", LAST, "offered", "answered", "handle_s")
    )
