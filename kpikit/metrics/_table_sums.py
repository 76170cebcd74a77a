"""Sums of the agent intervals and of the costs per group (and period), for the KPIs that read
those tables (occupancy, utilization, adherence; cost per contact)."""

import narwhals as nw

from kpikit.metrics._components import PREFIX, as_flag, column
from kpikit.metrics._period_starts import period_expr
from kpikit.metrics._sources import alike, sums_on_driver


def sum_intervals(intervals, plans, keys, freq):
    """The agent-interval components of ``plans`` (handling, available, scheduled seconds...)
    summed per group (and period of ``interval_start``)."""
    available = intervals.collect_schema().names()
    names = list(dict.fromkeys(n for p in plans for n in p.components() if n in available))
    frame = intervals.with_columns(nw.col(n).cast(nw.Float64).alias(PREFIX + n) for n in names)
    return _sum_by(frame, names, keys, freq, "interval_start")


def sum_costs(contacts, costs, keys, freq, contact_sums=None):
    """Cost and answered contacts per group; reuses the contact sums when they hold answered."""
    join_keys = [*keys, "period"] if freq else keys
    if contact_sums is not None and PREFIX + "answered" in contact_sums.collect_schema().names():
        answered = contact_sums.select(*join_keys, column("answered"))
    else:
        frame = contacts.with_columns(as_flag(nw.col("answered")).alias(PREFIX + "answered"))
        answered = _sum_by(frame, ["answered"], keys, freq, "arrived_at")
    spend = costs.with_columns(nw.col("cost").cast(nw.Float64).alias(PREFIX + "cost"))
    spend = _sum_by(spend, ["cost"], keys, freq, "period_start")
    if freq:
        spend = _periods_typed_as(spend, answered)
    answered, spend = alike([answered, spend], keys)
    if not join_keys:
        return answered.join(spend, how="cross")
    # A full join keeps costs of groups without contacts: their value is null (0 answered), and
    # the groups still add up to the total. It joins on the keys as text with nulls named, as
    # contacts without a channel are one group (a join matches no null with another: the
    # costs of no channel stood in a row apart from its contacts).
    matched = {key: f"{PREFIX}join_{key}" for key in keys}
    on = [*matched.values(), *(["period"] if freq else [])]
    joined = _with_join_keys(answered, matched).join(
        _with_join_keys(spend, matched), on=on, how="full", suffix="_costs"
    )
    return joined.with_columns(
        *(nw.coalesce(key, f"{key}_costs").alias(key) for key in join_keys),
        column("answered").fill_null(0.0),
    ).drop(*(f"{key}_costs" for key in [*join_keys, *matched.values()]), *matched.values())


_NULL_KEY = "\x00kpikit: no value"
"""The text a null key joins as (no real value holds a NUL character)."""


def _with_join_keys(frame, matched: dict):
    """``frame`` with each key of ``matched`` as text, nulls as :data:`_NULL_KEY`, to join on."""
    return frame.with_columns(
        nw.col(key).cast(nw.String).fill_null(_NULL_KEY).alias(name)
        for key, name in matched.items()
    )


def _periods_typed_as(spend, answered):
    """``spend`` with its ``period`` held as ``answered``'s is, on pandas: NumPy or Arrow.

    pandas refuses to join a NumPy ``datetime64`` key with an Arrow ``timestamp`` one, and a
    pandas frame holds its times one way or the other: contacts read with Arrow beside costs
    read by ``pandas.read_csv`` (or the other way round) met a raw "You are trying to merge on
    datetime64[us] and timestamp[us][pyarrow] columns" for cost per contact by month.

    >>> import pandas as pd
    >>> numpy = pd.DataFrame({"period": pd.to_datetime(["2026-06-01"])})
    >>> arrow = numpy.convert_dtypes(dtype_backend="pyarrow")
    >>> typed = _periods_typed_as(nw.from_native(arrow), nw.from_native(numpy))
    >>> typed.to_native()["period"].dtype == numpy["period"].dtype
    True
    """
    if not spend.implementation.is_pandas():
        return spend
    native, wanted = spend.to_native(), answered.to_native()["period"].dtype
    if native["period"].dtype == wanted:
        return spend
    return nw.from_native(native.assign(period=native["period"].astype(wanted)))


def _sum_by(frame, names, keys, freq, time_column):
    """Sum the prefixed component columns ``names`` per ``keys`` (and period)."""
    names = [PREFIX + name for name in names]
    sums = [nw.col(name).sum() for name in names]
    if freq:
        frame = frame.with_columns(period=period_expr(frame, time_column, freq))
        keys = [*keys, "period"]
    if not keys:
        return sums_on_driver(frame.select(sums))
    summed = frame.select(*keys, *names).group_by(*keys, drop_null_keys=False).agg(sums)
    return sums_on_driver(summed)
