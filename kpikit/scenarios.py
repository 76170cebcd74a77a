"""Scenarios calibrated from data: a typical week of a contact log, or a forecast.

Both give a :class:`kpikit.whatif.Scenario` to evaluate and compare: from history
(:func:`scenario_from_data`, volume and AHT by weekday and interval, patience, shrinkage, cost
and the measured CSAT, FCR and ASA) or from a forecast (:func:`scenario_from_forecast`, the
forecast volume and AHT of each interval ahead).
"""

import math

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from kpikit import calibrate
from kpikit._check_runs import check_table
from kpikit._frames import pandas_frame, to_pandas
from kpikit._lazy_contacts import lazy_frame, phone_by_default
from kpikit._validators import check_name
from kpikit.options import DEFAULT_CHANNEL, sl_threshold_for
from kpikit.periods import period_steps
from kpikit.queueing._inputs import MIN_SECONDS
from kpikit.schema import TABLES, Dataset, SchemaError
from kpikit.whatif._scenario import Scenario

__all__ = ["scenario_from_data", "scenario_from_forecast"]


def scenario_from_data(
    data,
    *,
    interval="30min",
    channel="phone",
    queue=None,
    target_sl=80.0,
    threshold_s=None,
    shrinkage=None,
    cost_per_agent_hour=None,
    name="baseline",
):
    """A typical week of the data as a scenario: volume and AHT per weekday and interval.

    Calibrated from the contacts (:func:`kpikit.calibrate.arrival_profile`): mean contacts and
    AHT for each interval of each weekday (intervals without an answered contact take the
    overall AHT), mean patience (:func:`kpikit.calibrate.patience_exponential`) when callers
    abandon, and the measured CSAT, FCR and ASA (:func:`kpikit.compute`) as the starting point of
    the projections. With agent intervals, shrinkage is ``1 - (handling + available) / paid``;
    with costs too, the cost of an agent hour is ``cost / paid hours`` (fully loaded).

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        Contacts with ``arrived_at, answered, wait_s`` and ``talk_s``. A lazy source (parquet
        files, a DuckDB relation, a Spark or polars frame) is filtered and added up by its
        engine, not read into pandas.
    interval : {"15min", "30min", "hour"}, default="30min"
    channel : str, default="phone"
        Keep contacts of this channel (when there is a ``channel`` column; a contact without
        a channel is a phone call, as in :func:`kpikit.compute`); None keeps all.
        The queueing models suit real-time channels (phone, chat), not email.
    queue : str, default=None
        Keep contacts of this queue (``queue`` column); None keeps all.
    target_sl : float, default=80.0
        Service-level target the week is staffed to, percent.
    threshold_s : float, default=None
        Answer-time threshold of that target, seconds; None: the threshold of ``channel``
        in ``kk.options`` (:func:`kpikit.options.sl_threshold_for`: phone 20 s unless
        changed).
    shrinkage : float, default=None
        None calibrates it from agent intervals (0 without them); ValueError with the rows when
        their handling and available time exceed their paid time, or with the figures when they
        are under 1 % of it (shrinkage above 0.99): a wrong column mapping or units; give
        ``shrinkage`` to use the scenario anyway.
    cost_per_agent_hour : float, default=None
        None calibrates it from costs and agent intervals (NaN without them).
    name : str, default="baseline"

    Returns
    -------
    Scenario
        One interval per weekday and interval of the day that the log covers, labelled
        ``"Mon 09:00"``.
    """
    check_name("channel", channel, "channel", optional=True)
    check_name("queue", queue, "queue", optional=True)
    calibrate.refuse_dates(data, interval)  # before a pyarrow Table's dates come into pandas
    log, contacts, chosen = _contacts_of(data, channel, queue)
    profile = _chosen_profile(log, chosen, interval)
    measured = _measured_kpis(log, chosen)
    overall_aht = _measured(measured, "aht")
    if overall_aht is None or overall_aht <= 0:
        raise ValueError(
            "Value of 'data' has no answered contact with a handle time, so AHT cannot be "
            f"calibrated (answered: {int(measured['contacts_handled'])})"
        )
    labels = (profile["weekday_name"] + " " + profile["interval_start"]).tolist()
    _check_happened(profile["volume"].to_numpy(), labels)
    aht_s = profile["aht_s"].fillna(overall_aht).to_numpy()
    _check_handle_times(aht_s, labels)
    patience = calibrate.patience_exponential(contacts)["patience_s"].iloc[0]
    _check_patience(patience)
    if shrinkage is None:
        shrinkage = _calibrated_shrinkage(data)
    if cost_per_agent_hour is None:
        cost_per_agent_hour = _cost_per_paid_hour(data)
    return Scenario(
        volume=profile["volume"].to_numpy(),
        aht_s=aht_s,
        interval_s=float(profile["interval_s"].iloc[0]),
        target_sl=target_sl,
        threshold_s=sl_threshold_for(channel) if threshold_s is None else threshold_s,
        patience_s=float(patience) if math.isfinite(patience) else None,
        shrinkage=shrinkage,
        cost_per_agent_hour=cost_per_agent_hour,
        csat=_measured(measured, "csat"),
        fcr=_measured(measured, "fcr"),
        reference_asa_s=_measured(measured, "asa"),
        labels=labels,
        name=name,
    )


SCENARIO_COLUMNS = ("arrived_at", "answered", "wait_s", "talk_s")
"""The contacts columns a scenario is calibrated from."""


MEASURED_KPIS = ["asa", "csat", "fcr", "aht", "contacts_handled"]
"""The KPIs a scenario starts its projections from (every KPI costs 3x as long)."""


def _contacts_of(data, channel, queue):
    """The whole contact log of ``data``, its contacts of ``channel`` and ``queue`` (None:
    every one), refused when there is none, and the ``{column: value}`` chosen (the columns
    the contacts have).

    A lazy source (parquet files, a DuckDB relation, a Spark or polars frame) holding the
    columns read is filtered by its engine and returned as its native lazy frame, which the
    calibration and :func:`kpikit.compute` add up there; anything else comes as pandas.
    """
    source = lazy_frame(data.contacts if isinstance(data, Dataset) else data)
    names = [] if source is None else source.collect_schema().names()
    if not set(SCENARIO_COLUMNS) <= set(names):
        log = phone_by_default(calibrate.contacts_frame(data, list(SCENARIO_COLUMNS)))
        chosen = _chosen(log, channel, queue, len, _pandas_where, lambda frame, c: frame[c])
        return log, *chosen
    source = phone_by_default(source)  # a contact without a channel is a phone call
    contacts, chosen = _chosen(source, channel, queue, _count, _lazy_where, _lazy_values)
    return source.to_native(), contacts.to_native(), chosen


def _chosen(frame, channel, queue, count, where, values):
    """``frame`` (pandas, or a narwhals lazy frame) with the contacts of ``channel`` and
    ``queue``, refused when it holds none or none of them, and the ``{column: value}`` kept:
    ``count(frame)`` counts its rows, ``where(frame, column, value)`` keeps the rows of one
    value, ``values(frame, column)`` gives a column's values as pandas."""
    if not count(frame):  # nothing to calibrate from (no channel to choose, no profile)
        raise ValueError(NO_CONTACTS)
    chosen = {}
    for column, value in (("channel", channel), ("queue", queue)):
        if value is None:
            continue
        if column not in frame.columns:
            _check_missing_column(column, value)
            continue
        kept = where(frame, column, value)
        if not count(kept):
            _refuse_value(column, value, values(frame, column))
        frame, chosen[column] = kept, value
    return frame, chosen


def _chosen_profile(log, chosen, interval):
    """The arrival profile (:func:`kpikit.calibrate.arrival_profile`) of the contacts of the
    ``chosen`` ``{column: value}`` in the whole contact ``log``: profiled by the chosen columns
    and that group's rows kept, so their volume is averaged over the days of the log, as
    ``arrival_profile(log, by="queue")`` gives it. Profiled alone, a queue's contacts were
    averaged over their own first to last day: a queue of one Monday call in a log of four
    Mondays had 1.0 a Monday and no other weekday, not 0.25 and a week of intervals.
    """
    profile = calibrate.arrival_profile(log, interval=interval, by=list(chosen) or None)
    for column, value in chosen.items():
        profile = profile[profile[column] == value]
    return profile


def _measured_kpis(log, chosen):
    """The measured :data:`MEASURED_KPIS` of the ``chosen`` ``{column: value}`` (a pandas
    Series by KPI id): computed on the whole contact ``log`` grouped by the chosen columns,
    that group's row kept.

    Filtering the log first hid what first-contact resolution reads across contacts: a call
    whose customer came back on chat for the same reason is a first contact *not* resolved,
    yet among the phone calls alone it had no repeat (DESIGN: repeats are found on the whole
    log before grouping, and the first contact's own row decides its group). FCR is resolved
    first contacts / first contacts of the group, as ``kk.compute(..., by="channel")`` gives.
    """
    from kpikit.metrics import compute  # the engine imports nothing from here; kept lazy

    by = list(chosen) or None
    try:  # only the KPIs read here
        measured = compute(log, kpis=MEASURED_KPIS, by=by)
    except ValueError:  # a column is missing: every KPI the data allows, as they come
        measured = compute(log, by=by)
    measured = pandas_frame(measured)
    for column, value in chosen.items():
        measured = measured[measured[column] == value]
    return measured.set_index("kpi")["value"]


def _pandas_where(contacts, column, value):
    return contacts[(contacts[column] == value).fillna(False).astype(bool)]  # vectorised


def _lazy_where(source, column, value):
    """The rows of a lazy ``source`` whose ``column`` is ``value`` (a name); a column of other
    values than names is refused by :func:`_refuse_value` (polars failed to compare them)."""
    kind = source.collect_schema()[column]
    if not any(kind == text for text in (nw.String, nw.Categorical, nw.Enum)):
        _refuse_value(column, value, _lazy_values(source, column))
    return source.filter(nw.col(column) == value)


def _lazy_values(source, column):
    return to_pandas(source.select(column).unique())[column]


NO_CONTACTS = "Value of 'data' holds no contacts; a scenario needs at least one arrival"


def _count(frame) -> int:
    """The rows of a narwhals lazy frame, counted by its engine."""
    return int(to_pandas(frame.select(nw.len().alias("rows")))["rows"].iloc[0])


def _refuse_value(column, value, values) -> None:
    """Refuse a ``value`` no contact's ``column`` holds, listing ``values`` (a pandas Series);
    a column of other values than names (text) is named as such, as :func:`kpikit.validate`
    names it: queues numbered 101 and 102 listed ``[np.int64(101), np.int64(102)]`` to choose
    from, and ``queue=101`` was refused for not being a name.

    >>> _refuse_value("queue", "sales", pd.Series(["orders", None, "billing"]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'queue' is not in the data. Expected one of ['billing', 'orders'] but
    received: 'sales'
    >>> _refuse_value("queue", "101", pd.Series([101, 102]))
    Traceback (most recent call last):
    ...
    ValueError: Column 'queue' of the contacts holds 2 distinct values that are not names
    (text), for example 101 (int64), so no queue can be chosen by name: convert the column to
    text first (pandas: column.astype(str))
    """
    values = pd.Series(values.dropna().unique())
    other = values[[not isinstance(item, str) for item in values]]
    if len(other):
        held = (
            "1 distinct value that is not a name"
            if len(other) == 1
            else f"{len(other)} distinct values that are not names"
        )
        raise ValueError(
            f"Column {column!r} of the contacts holds {held} (text), for example "
            f"{other.iloc[0]} ({np.asarray(other.iloc[0]).dtype}), so "
            f"no {column} can be chosen by name: convert the column to text first (pandas: "
            "column.astype(str))"
        )
    raise ValueError(
        f"Value of {column!r} is not in the data. Expected one of "
        f"{sorted(values, key=str)} but received: {value!r}"
    )


def _check_happened(volume, labels) -> None:
    """Every interval needs a volume: an interval the clocks skipped on every day of its
    weekday in the log (Sun 02:00 of a log with one spring-forward Sunday) never happened, so
    :func:`kpikit.calibrate.arrival_profile` has no mean for it (NaN), which the Scenario
    refused by position only.

    >>> _check_happened(np.array([3.0, np.nan]), ["Sun 01:00", "Sun 02:00"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'data' never holds 1 interval(s) (Sun 02:00): the clocks skipped them
    on every day of their weekday it covers, so their volume cannot be calibrated; give
    contacts of more weeks
    """
    missing = np.flatnonzero(np.isnan(volume))
    if missing.size:
        raise ValueError(
            f"Value of 'data' never holds {missing.size} interval(s) "
            f"({', '.join(labels[i] for i in missing[:5])}): the clocks skipped them on every "
            "day of their weekday it covers, so their volume cannot be calibrated; give "
            "contacts of more weeks"
        )


def _check_handle_times(aht_s, labels) -> None:
    """Every calibrated AHT must be a time the queueing models take: at least
    :data:`~kpikit.queueing._inputs.MIN_SECONDS` (answered contacts of an interval without any
    talk, hold or after-call second gave 0) and finite (talk times of 1e308 s add up beyond a
    float). Refused with the intervals, which the Scenario would only name by position.

    >>> _check_handle_times(np.array([180.0, 0.0]), ["Mon 09:00", "Mon 09:30"])
    Traceback (most recent call last):
    ...
    ValueError: Columns 'talk_s', 'hold_s' and 'acw_s' give an AHT that is 0 s or beyond a
    float in 1 interval(s) (Mon 09:30: 0 s): its answered contacts need a handle time in
    seconds
    """
    bad = ~np.isfinite(aht_s) | (aht_s < MIN_SECONDS)
    if bad.any():
        shown = ", ".join(f"{labels[i]}: {aht_s[i]:g} s" for i in np.flatnonzero(bad)[:5])
        raise ValueError(
            "Columns 'talk_s', 'hold_s' and 'acw_s' give an AHT that is 0 s or beyond a float "
            f"in {int(bad.sum())} interval(s) ({shown}): its answered contacts need a handle "
            "time in seconds"
        )


def _check_patience(patience_s) -> None:
    """A calibrated patience (NaN without abandons) must be one the queueing models take:
    callers abandoning after 0 s of wait gave a patience of 0 s, which the Scenario refused as
    if the caller had given it.

    >>> _check_patience(0.0)
    Traceback (most recent call last):
    ...
    ValueError: Column 'wait_s' gives a mean patience of 0 s (the waits of all contacts over
    the abandons), below the 0.001 s the queueing models take: check that wait_s holds
    seconds and that abandoned contacts carry their wait
    """
    if patience_s < MIN_SECONDS:
        raise ValueError(
            f"Column 'wait_s' gives a mean patience of {patience_s:g} s (the waits of all "
            f"contacts over the abandons), below the {MIN_SECONDS:g} s the queueing models "
            "take: check that wait_s holds seconds and that abandoned contacts carry their wait"
        )


def _measured(values, kpi):
    value = values.get(kpi, math.nan)
    return float(value) if pd.notna(value) else None


WORK_COLUMNS = ("paid_s", "handling_s", "available_s")
"""The agent interval columns shrinkage and the cost of a paid hour are calibrated from."""


def _agent_time(data):
    """The agent intervals of ``data`` as pandas with :data:`WORK_COLUMNS` checked as
    :func:`kpikit.validate` checks them; None without agent intervals or without those
    columns (nothing to calibrate from)."""
    agent_intervals = getattr(data, "agent_intervals", None)
    if agent_intervals is None:
        return None
    time = calibrate.as_pandas(agent_intervals, [], "agent_intervals")
    if not set(WORK_COLUMNS) <= set(time.columns):
        return None
    return _checked(time, "agent_intervals", WORK_COLUMNS)


def _checked(frame, table, columns):
    """``frame`` (any dataframe) as pandas with ``columns`` present and checked as
    :func:`kpikit.validate` checks them (a SchemaError with the rows): a negative paid time
    made the total 0 and shrinkage 0, a missing cost was summed as 0."""
    frame = calibrate.as_pandas(frame, columns, table)
    specs = [spec for spec in TABLES[table] if spec.name in columns]
    problems, _ = check_table(nw.from_native(frame[list(columns)]), table, specs, ())
    if problems:
        raise SchemaError(problems)
    return frame


MAX_CALIBRATED_SHRINKAGE = 0.99
"""Most shrinkage calibrated from agent intervals: agents on the phones under 1 % of their paid
time is no centre's, but handling and available time given in minutes (or hours) beside paid
seconds."""


def _calibrated_shrinkage(data) -> float:
    """Share of paid time away from the phones: ``1 - sum(handling_s + available_s) /
    sum(paid_s)``; 0 without agent intervals (or without paid time).

    Handling and available time beyond the paid time (shrinkage below 0), or under 1 % of it
    (above :data:`MAX_CALIBRATED_SHRINKAGE`), is a wrong column mapping or bad data: refused
    with the figures and rows rather than clamped to [0, 0.99] as it was.

    >>> from kpikit.schema import Dataset
    >>> intervals = pd.DataFrame({"agent_id": ["a", "b"], "paid_s": [1800.0, 1800.0],
    ...                           "handling_s": [1500.0, 1700.0], "available_s": [600.0, 0.0]})
    >>> _calibrated_shrinkage(Dataset(contacts=None, agent_intervals=intervals))
    Traceback (most recent call last):
    ...
    ValueError: Columns 'handling_s' + 'available_s' of 'agent_intervals' add up to 3,800 s,
    more than 'paid_s' (3,600 s) allows: 1 row(s) work longer than they are paid (first row
    positions: 0), so shrinkage cannot be calibrated; check the column mapping and units, or
    give 'shrinkage'
    """
    time = _agent_time(data)
    if time is None or time["paid_s"].sum() <= 0:
        return 0.0
    paid_s = time["paid_s"].sum()
    working_s = time["handling_s"].sum() + time["available_s"].sum()
    shrinkage = 1 - working_s / paid_s
    if 0 <= shrinkage <= MAX_CALIBRATED_SHRINKAGE:
        return float(shrinkage)
    if shrinkage < 0:
        over = (time["handling_s"] + time["available_s"] > time["paid_s"]).to_numpy()
        problem = (
            f"more than 'paid_s' ({paid_s:,.0f} s) allows: {int(over.sum())} row(s) work longer "
            f"than they are paid (first row positions: "
            f"{', '.join(map(str, np.flatnonzero(over)[:5]))})"
        )
    else:
        problem = (
            f"{working_s / paid_s:.2%} of the {paid_s:,.0f} s of 'paid_s' (shrinkage "
            f"{shrinkage:.4g}, above {MAX_CALIBRATED_SHRINKAGE}): agents on the phones under 1 % "
            "of their paid time"
        )
    raise ValueError(
        f"Columns 'handling_s' + 'available_s' of 'agent_intervals' add up to {working_s:,.0f} "
        f"s, {problem}, so shrinkage cannot be calibrated; check the column mapping and units, "
        "or give 'shrinkage'"
    )


def _cost_per_paid_hour(data) -> float:
    """Cost of a paid agent hour, ``sum(cost) / sum(paid_s) * 3600`` over the periods of the
    costs, each cost paired with the paid time of its own period; NaN without costs or agent
    intervals (or without paid time).

    The periods are the costs' own (months for monthly costs,
    :func:`~kpikit.metrics._period_lengths.cost_period_lengths`), and the pairing is
    :func:`kpikit.compute`'s for cost per contact: the cost of each period (the numerator of
    ``cost_per_contact``) beside the paid time of the agent intervals that start in it (the
    denominator of ``utilization``). Summed over whatever rows each table held, June's agent
    intervals beside the costs of June to August gave three months of cost per June's hours.
    A period only one table covers is refused with the periods (:func:`_check_paired`).

    >>> from kpikit.schema import Dataset
    >>> contacts = pd.DataFrame({"contact_id": [1], "answered": [True], "wait_s": [5.0],
    ...                          "arrived_at": pd.to_datetime(["2026-06-02 09:00"])})
    >>> intervals = pd.DataFrame({"agent_id": ["a", "a"], "paid_s": [1800.0, 1800.0],
    ...     "interval_start": pd.to_datetime(["2026-06-02 09:00", "2026-07-01 09:00"]),
    ...     "handling_s": [900.0, 900.0], "available_s": [600.0, 600.0]})
    >>> costs = pd.DataFrame({"period_start": pd.to_datetime(["2026-06-01", "2026-07-01"]),
    ...                       "cost": [30.0, 20.0]})
    >>> _cost_per_paid_hour(Dataset(contacts, agent_intervals=intervals, costs=costs))
    50.0
    >>> _cost_per_paid_hour(Dataset(contacts, agent_intervals=intervals[:1], costs=costs))
    Traceback (most recent call last):
    ...
    ValueError: Values of 'costs' and 'agent_intervals' cover different months, so the cost of
    an agent hour cannot be calibrated: 1 month(s) of costs have no paid time in the agent
    intervals (2026-07-01); give both tables the same months, or give 'cost_per_agent_hour'

    The first: (30 + 20) / (1800 + 1800 s) * 3600 = 50.0 an hour (each month 1800 s).
    """
    from kpikit.metrics import compute  # the engine imports nothing from here; kept lazy
    from kpikit.metrics._engine import KPIUnavailable
    from kpikit.metrics._period_lengths import LENGTHS, cost_period_lengths

    time = _agent_time(data)
    costs = getattr(data, "costs", None)
    if time is None or costs is None or time["paid_s"].sum() <= 0:
        return math.nan
    _checked(costs, "costs", ["cost"])
    lengths = [length for length in cost_period_lengths(costs).values() if length is not None]
    # the costs' own periods; a length that does not fit another channel's is refused below
    freq = max(lengths, key=LENGTHS.index, default="day")
    paired = Dataset(contacts=data.contacts, agent_intervals=time, costs=costs)
    try:
        sums = compute(paired, kpis=["utilization", "cost_per_contact"], freq=freq)
    except KPIUnavailable as error:
        raise ValueError(
            f"Values of 'costs' and 'agent_intervals' cannot be paired by period ({error}), "
            "so the cost of an agent hour cannot be calibrated; give 'cost_per_agent_hour'"
        ) from None
    sums = pandas_frame(sums)
    paid_s = _by_period(sums, "utilization", "denominator")
    cost = _by_period(sums, "cost_per_contact", "numerator")
    paid_s, cost = paid_s[paid_s > 0], cost[cost.notna()]
    _check_paired(cost.index, paid_s.index, freq)
    return float(cost.sum() / (paid_s.sum() / 3600))


def _by_period(sums, kpi, component):
    """One component of a KPI in :func:`kpikit.compute`'s tidy ``sums``, by period."""
    rows = sums[sums["kpi"] == kpi]
    return pd.Series(rows[component].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["period"]))


def _check_paired(cost_periods, paid_periods, freq) -> None:
    """The periods of the costs and of the paid time must be the same: a cost without paid
    time beside it, or paid time without its cost, mixed one period's cost with another's
    hours. Refused with the periods of each side, as the other calibrations refuse.

    >>> june, july = pd.Timestamp("2026-06-01"), pd.Timestamp("2026-07-01")
    >>> _check_paired(pd.DatetimeIndex([june]), pd.DatetimeIndex([july]), "month")
    Traceback (most recent call last):
    ...
    ValueError: Values of 'costs' and 'agent_intervals' share no month, so the cost of an agent
    hour cannot be calibrated: 1 month(s) of costs have no paid time in the agent intervals
    (2026-06-01); 1 month(s) of paid time in the agent intervals have no costs (2026-07-01);
    give both tables the same months, or give 'cost_per_agent_hour'
    """
    unpaid = cost_periods.difference(paid_periods)
    uncosted = paid_periods.difference(cost_periods)
    if not (unpaid.size or uncosted.size):
        return
    unit = freq  # one of the cost period lengths: day, week, month, quarter, year
    problems = []
    if unpaid.size:
        problems.append(
            f"{unpaid.size} {unit}(s) of costs have no paid time in the agent intervals "
            f"({_starts(unpaid)})"
        )
    if uncosted.size:
        problems.append(
            f"{uncosted.size} {unit}(s) of paid time in the agent intervals have no costs "
            f"({_starts(uncosted)})"
        )
    shared = cost_periods.intersection(paid_periods)
    overlap = f"cover different {unit}s" if shared.size else f"share no {unit}"
    raise ValueError(
        f"Values of 'costs' and 'agent_intervals' {overlap}, so the cost of an agent hour "
        f"cannot be calibrated: {'; '.join(problems)}; give both tables the same {unit}s, or "
        "give 'cost_per_agent_hour'"
    )


def _starts(periods) -> str:
    """The first five period starts, as dates (``...`` when there are more)."""
    shown = ", ".join(periods[:5].strftime("%Y-%m-%d"))
    return shown + (", ..." if periods.size > 5 else "")


def _check_missing_column(column, value) -> None:
    """Without a ``channel`` column every contact is a phone call (the schema's default), so
    only ``"phone"`` keeps them; without a ``queue`` column no queue can be chosen.

    >>> _check_missing_column("queue", "billing")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'queue' is 'billing' but the contacts have no queue column
    """
    if column == "channel" and value == DEFAULT_CHANNEL:
        return
    default = " (every contact is a phone call by default)" if column == "channel" else ""
    raise ValueError(
        f"Value of {column!r} is {value!r} but the contacts have no {column} column{default}"
    )


def scenario_from_forecast(
    forecast,
    *,
    aht_s=None,
    volume_quantile=None,
    target_sl=80.0,
    threshold_s=None,
    patience_s=None,
    shrinkage=0.0,
    cost_per_agent_hour=math.nan,
    name="forecast",
    **calibrated,
):
    """A scenario over the intervals of a forecast: its volume and AHT, one row each.

    Parameters
    ----------
    forecast : kpikit.forecast.Forecast
        One series (forecast without ``by``, or filter ``forecast.intervals`` first and pass
        the frame with ``level`` as a Forecast-like object). Its ``interval_s`` column gives the
        interval length; without one (:func:`kpikit.forecast.volume`'s table) the length is the
        smallest step between its periods, and a single period needs the column.
    aht_s : float or array-like, default=None
        AHT, seconds (one number, or one per interval) planned instead of the forecast's
        ``aht_s``; needed with a forecast of the volume alone (:func:`kpikit.forecast.volume`'s
        table has no AHT). None: the forecast's ``aht_s`` column.
    volume_quantile : float, default=None
        Plan for this quantile of the volume instead of its mean (see
        :func:`kpikit.queueing.agents_required`).
    target_sl, patience_s, shrinkage, cost_per_agent_hour, name
        As in :class:`~kpikit.whatif.Scenario`.
    threshold_s : float, default=None
        Answer-time threshold, seconds; None: the threshold ``kk.options`` gives the
        forecast's channel (its ``channel`` column when it has one, else phone).
    **calibrated
        Other Scenario fields (``csat``, ``fcr``, ``reference_asa_s``, ...), for instance
        taken from :func:`scenario_from_data` on the history; not ``volume``,
        ``interval_s`` or ``labels``, which the forecast gives.

    Returns
    -------
    Scenario
        Labelled by interval start (``"Mon 09:00"``).
    """
    from kpikit.queueing._plan import frame_inputs

    _refuse_forecast_fields(calibrated)

    # any dataframe (polars, Arrow-backed pandas: times read on their own clock) as pandas
    intervals = pandas_frame(getattr(forecast, "intervals", forecast), "forecast")
    if "period" not in intervals.columns or not len(intervals):
        raise ValueError(
            "Value of 'forecast' must hold intervals with a 'period' column (their starts), "
            f"but received {len(intervals)} rows with columns {list(intervals.columns)}"
        )
    # no default length: without an interval_s column it comes from the periods' spacing
    volume, aht_s, interval_s, keys = frame_inputs(
        intervals, aht_s, None, volume_quantile, getattr(forecast, "level", 95)
    )
    if interval_s is not None:
        lengths = pd.unique(pd.Series(interval_s).to_numpy().ravel())
        if lengths.size > 1:  # a scenario has one interval length; the first would hide it
            days = (
                ": days of 23 or 25 hours where the clocks change, which an hourly forecast "
                "(freq='hour') plans"
                if (lengths >= 82_800).all()
                else ""
            )
            raise ValueError(
                "Value of 'forecast' holds intervals of several lengths (interval_s "
                f"{sorted(lengths.tolist())}{days}); a scenario takes one: give intervals of "
                "one length"
            )
        interval_s = float(lengths[0])
    series = [column for column in keys.columns if column != "period"]
    if series and len(keys[series].drop_duplicates()) > 1:
        raise ValueError(
            f"Value of 'forecast' holds several series ({series}); a scenario is one series: "
            "filter the intervals to one group first"
        )
    periods = _checked_periods(keys["period"])
    interval_s = _interval_length(periods, interval_s)
    if threshold_s is None:
        channel = keys["channel"].iloc[0] if "channel" in keys.columns and len(keys) else "phone"
        threshold_s = sl_threshold_for(channel)
    return Scenario(
        volume=volume,
        aht_s=aht_s,
        interval_s=interval_s,
        target_sl=target_sl,
        threshold_s=threshold_s,
        patience_s=patience_s,
        shrinkage=shrinkage,
        cost_per_agent_hour=cost_per_agent_hour,
        labels=periods.dt.strftime("%a %H:%M").tolist(),
        name=name,
        **calibrated,
    )


def _refuse_forecast_fields(calibrated) -> None:
    """Refuse Scenario fields that the forecast itself gives: passed on beside the forecast's,
    they failed inside the Scenario with a bare TypeError ("got multiple values for keyword
    argument 'interval_s'").

    >>> _refuse_forecast_fields({"interval_s": 1800, "csat": 82.0})
    Traceback (most recent call last):
    ...
    ValueError: Value of 'interval_s' cannot be given to scenario_from_forecast: the forecast
    gives the volume, the interval length (its interval_s column or the step between its
    periods) and the labels (its periods); filter or edit the forecast's intervals instead
    """
    given = [name for name in ("volume", "interval_s", "labels") if name in calibrated]
    if given:
        raise ValueError(
            f"Value of {', '.join(map(repr, given))} cannot be given to scenario_from_forecast: "
            "the forecast gives the volume, the interval length (its interval_s column or the "
            "step between its periods) and the labels (its periods); filter or edit the "
            "forecast's intervals instead"
        )


def _checked_periods(periods):
    """The interval starts of a forecast, refused unless timestamps, each present once: text
    failed deep in pandas, a missing start was labelled "nan" and a repeated one counted its
    interval twice (a scenario's, or a :func:`kpikit.whatif.staffing_plan`'s).

    >>> _checked_periods(pd.Series(pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:00"])))
    Traceback (most recent call last):
    ...
    ValueError: Column 'period' of 'forecast' repeats 1 interval start(s) (first:
    2026-03-02 09:00); give each interval once
    """
    if not pd.api.types.is_datetime64_any_dtype(periods):
        raise TypeError(
            "Column 'period' of 'forecast' must hold timestamps (the interval starts), but "
            f"holds {periods.dtype}: parse it with pandas.to_datetime first"
        )
    missing = np.flatnonzero(periods.isna().to_numpy())
    if missing.size:
        raise ValueError(
            f"Column 'period' of 'forecast' has {missing.size} missing interval start(s) (first "
            f"row positions: {', '.join(map(str, missing[:5]))})"
        )
    repeated = periods[periods.duplicated()]
    if len(repeated):
        shown = ", ".join(repeated.drop_duplicates().head(5).dt.strftime("%Y-%m-%d %H:%M"))
        raise ValueError(
            f"Column 'period' of 'forecast' repeats {repeated.nunique()} interval start(s) "
            f"(first: {shown}); give each interval once"
        )
    return periods


def _interval_length(periods, interval_s):
    """The length of the forecast's intervals, seconds: the smallest step between consecutive
    period starts, ``min(period[i + 1] - period[i])`` once sorted (a gap, such as the closed
    night, only makes a step longer), checked against ``interval_s`` when the forecast gives it.

    A default of 1800 s made hourly periods (:func:`kpikit.forecast.volume` gives no
    ``interval_s``) half hours: twice the traffic per agent, 21 agents staffed instead of 12.
    Zone-aware starts are subtracted in real elapsed time, so a 23- or 25-hour DST day of
    hourly periods still steps 1 h (its wall clock jumps 2 h or stands still). A given length
    may also match the wall-clock step: days given as 86,400 s step 23 or 25 hours across a
    clock change (a daily forecast gives those days their real length, which one scenario
    cannot hold).

    >>> hours = pd.Series(pd.date_range("2026-03-02 09:00", periods=3, freq="h"))
    >>> _interval_length(hours, None)
    3600.0
    >>> _interval_length(hours, 1800.0)
    Traceback (most recent call last):
    ...
    ValueError: Column 'interval_s' of 'forecast' is 1800 s but its periods are 3600 s apart
    (the smallest step between consecutive starts); give the interval_s of the periods, or
    periods 1800 s apart
    """
    steps = period_steps(periods)
    if steps is None:
        if interval_s is None:
            raise ValueError(
                "Value of 'forecast' has a single period and no 'interval_s' column, so the "
                "length of its interval cannot be known: add an 'interval_s' column (seconds, "
                "1800 for half hours)"
            )
        return interval_s
    elapsed = steps[0]
    if interval_s is None:
        return elapsed
    if not np.isclose(interval_s, steps, rtol=1e-9, atol=0).any():
        raise ValueError(
            f"Column 'interval_s' of 'forecast' is {interval_s:g} s but its periods are "
            f"{elapsed:g} s apart (the smallest step between consecutive starts); give the "
            f"interval_s of the periods, or periods {interval_s:g} s apart"
        )
    return interval_s
