"""A day's staffing plan: forecast, agents required, and the roster against them per interval.

- :func:`plan_days`: the days a plan can be made for (the last days of the log, the next one).
- :func:`forecast_day`: volume and AHT per interval of one day, learned before that day.
- :func:`roster_for_day`: agents on the phones per interval from the data's agent intervals.
- :func:`staffing_plan`: required against staffed per interval, and the service the roster
  reaches (:func:`kpikit.queueing.agents_required`, :func:`kpikit.queueing.service_for_roster`).
- :func:`plan_totals`: the day in a few figures (peak, short intervals, day service level).

Agents are counted *on the phones* throughout: a roster of ``n`` scheduled agents puts
``n (1 - shrinkage)`` on the phones, while agent intervals measure the time agents were
handling or available, which is already on the phones.
"""

import math

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from kpikit._check_runs import check_table
from kpikit._checks import ColumnSpec, Problem
from kpikit._frames import as_datetimes, pandas_frame, to_pandas
from kpikit._lazy_contacts import (
    arrivals_zone,
    arrived_before,
    checked_lazy,
    phone_by_default,
)
from kpikit._validators import check_name, check_number, check_timestamp
from kpikit.options import sl_threshold_for
from kpikit.periods import day_bounds
from kpikit.queueing._inputs import MAX_AGENTS, MIN_SECONDS, _array

DAY_MODEL = "seasonal_average"
"""The model of a day's plan: the mean of the same interval over the last four weeks, the
model the backtest picks on the sample, fitted in well under a second. ``"seasonal_naive"``
replaces it when the history is shorter than five weeks."""
_PLAN_COLUMNS = ("period", "volume", "aht_s")
"""Columns a :func:`staffing_plan` reads from its forecast's intervals."""
_TOTALS_COLUMNS = (
    ColumnSpec("period", "datetime", required=True),
    ColumnSpec("interval_s", "number", required=True, min=0),
    ColumnSpec("volume", "number", required=True, min=0),
    ColumnSpec("required", "number", required=True, min=0, integer=True),
    ColumnSpec("gap", "number", required=True),
    ColumnSpec("service_level", "number", min=0, max=100),
)
"""Columns :func:`plan_totals` reads from a :func:`staffing_plan`; ``service_level`` is NaN
in the intervals without contacts, and ``required`` counts whole agents (13.7 was reported as a
peak of 13)."""
_AVERAGE_NEEDS = pd.Timedelta("35D")
_WEEK = pd.Timedelta("7D")
_MET_WITHIN = 1e-9
"""A roster this close to its target meets it (as :func:`kpikit.queueing.agents_required`)."""


def _contacts(data, channel):
    from kpikit.calibrate import HANDLE_COLUMNS, checked_contacts

    # checked as kk.validate checks them: a missing arrival is refused with its rows, not read
    # as a day of NaT; a lazy source brings the channel and the handle times besides
    contacts = checked_contacts(
        data, ["arrived_at", "answered"], optional=["channel", *HANDLE_COLUMNS]
    )
    if channel is not None and "channel" in contacts.columns:
        contacts = phone_by_default(contacts)  # a contact without a channel is a phone call
        contacts = contacts[contacts["channel"] == channel]
        if contacts.empty:
            raise ValueError(f"Value of 'channel' is {channel!r}, but no contact has it")
    return contacts.assign(arrived_at=as_datetimes(contacts["arrived_at"]))


def _log(data, channel):
    """The contacts of ``channel`` (every one when None), with their first and last arrival
    (NaT when there is none). A contact without a channel is a phone call, as
    :func:`kpikit.scenarios.scenario_from_data` reads it: ``channel="phone"`` kept only the
    rows spelling "phone", and planned a day of fewer calls. Without a channel column every
    contact is a phone call, so another channel is refused, as there: ``channel="chat"``
    planned a chat day from every phone call of the log.

    A lazy source (parquet files, a DuckDB relation, a Spark or polars frame) stays in its
    engine, checked there as :func:`_contacts` checks it (:func:`kpikit._lazy_contacts.
    checked_lazy`); anything else, or a source that fails a check, is read into pandas.
    """
    from kpikit.calibrate import HANDLE_COLUMNS
    from kpikit.scenarios import _check_missing_column  # scenarios imports this package first

    check_name("channel", channel, "channel", optional=True)
    lazy = checked_lazy(data, ["arrived_at", "answered"], optional=["channel", *HANDLE_COLUMNS])
    contacts = _contacts(data, channel) if lazy is None else lazy
    if channel is not None and "channel" not in contacts.columns:
        _check_missing_column("channel", channel)
    if lazy is None:
        return contacts, contacts["arrived_at"].min(), contacts["arrived_at"].max()
    if channel is not None and "channel" in lazy.columns:
        lazy = phone_by_default(lazy)
        lazy = lazy.filter(nw.col("channel") == channel)
    arrived = nw.col("arrived_at")
    span = to_pandas(lazy.select(arrived.min().alias("first"), arrived.max().alias("last")))
    first, last = span["first"].iloc[0], span["last"].iloc[0]
    if first is pd.NaT and channel is not None and "channel" in lazy.columns:
        raise ValueError(f"Value of 'channel' is {channel!r}, but no contact has it")
    return lazy, first, last


def _arrivals(contacts):
    """The arrival times of ``contacts`` (of :func:`_log`); of a lazy frame, each minute's
    first (:func:`kpikit.forecast._minutes.minute_counts`): as many days, read in pandas."""
    if isinstance(contacts, pd.DataFrame):
        return contacts["arrived_at"]
    from kpikit.forecast._minutes import minute_counts

    return minute_counts(contacts, [], ())["arrived_at"]


def plan_days(data, *, channel=None, last=14):
    """Days a plan can be made for: the last ``last`` days of the log, then the next day.

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
    channel : str, default=None
        Count this channel's contacts only (when there is a ``channel`` column; a contact
        without a channel is a phone call).
    last : int, default=14
        How many days of the log, at least 1.

    Returns
    -------
    list of pandas.Timestamp
        Midnights, oldest first; the last one is the day after the log ends.

    Examples
    --------
    >>> contacts = pd.DataFrame({"arrived_at": pd.to_datetime(["2024-03-01 09:00",
    ...     "2024-03-04 10:00"]), "answered": [True, True]})
    >>> [f"{day:%m-%d}" for day in plan_days(contacts, last=2)]  # days with contacts, then 03-05
    ['03-01', '03-04', '03-05']
    """
    last = check_number("last", last, minimum=1, integer=True)
    contacts, first, _ = _log(data, channel)
    if first is pd.NaT:
        raise ValueError("Value of 'data' has no contact to plan from")
    arrived = _arrivals(contacts)
    days = pd.DatetimeIndex(arrived.dt.normalize().unique()).sort_values()
    # the next midnight on the log's clock: 24 hours after a daylight-saving day's is not one
    return [*days[-last:], day_bounds(days[-1], arrived.dt.tz)[1]]


def forecast_day(
    data,
    day=None,
    *,
    channel="phone",
    freq="30min",
    model=None,
    level=95,
    targets=("volume", "aht"),
):
    """Volume and AHT per interval of ``day``, learned only from the contacts before it.

    A thin call of :func:`kpikit.forecast.forecast` (``until`` = the day's midnight, a horizon
    of one day), cut to the day's intervals.

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        The contact log (``arrived_at, answered``; handle time columns for the AHT).
    day : date-like, default=None
        The day to plan; None: the day after the log ends.
    channel : str, default="phone"
        Forecast this channel (a contact without a channel is a phone call, as in
        :func:`kpikit.scenarios.scenario_from_data`, so without a ``channel`` column only
        ``"phone"`` is taken); None: every contact.
    freq : {"15min", "30min", "hour"}, default="30min"
    model : str, default=None
        A model of :data:`kpikit.forecast.MODELS`, or ``"auto"`` to choose by backtest (slow:
        about a minute on the sample). None: :data:`DAY_MODEL`.
    level : float, default=95
        Coverage of the prediction interval, percent.
    targets : sequence of {"volume", "aht"}, default=("volume", "aht")
        What to forecast (and, with ``model="auto"``, to backtest).

    Returns
    -------
    kpikit.forecast.Forecast
        Its ``intervals`` (``period, interval_s, volume, volume_low, volume_high, aht_s,
        aht_low, aht_high``) hold the day's intervals only.

    Examples
    --------
    >>> import kpikit as kk
    >>> day = forecast_day(kk.load_sample(), "2026-08-29")
    >>> len(day.intervals), day.chosen["model"].unique().tolist()  # 48 half hours
    (48, ['seasonal_average'])
    """
    from kpikit.forecast import forecast

    contacts, first, last = _log(data, channel)
    if first is pd.NaT:
        raise ValueError("Value of 'data' has no contact to forecast from")
    # the midnight after the last day on the log's clock (24 hours on from 23:30 before a
    # 23-hour day lands past it)
    day = (
        day_bounds(last.normalize(), last.tz)[1]
        if day is None
        else check_timestamp("day", day).normalize()
    )
    day, end = day_bounds(day, first.tz)
    if first >= day:
        raise ValueError(f"No contact before {day:%Y-%m-%d} to forecast it from")
    history = arrived_before(contacts, day)
    if model is None:
        span = day - first.normalize()
        model = DAY_MODEL if span >= _AVERAGE_NEEDS else "seasonal_naive"
    result = forecast(
        history, freq=freq, horizon=end - day, until=day, model=model, level=level, targets=targets
    )
    intervals = result.intervals
    inside = (intervals["period"] >= day) & (intervals["period"] < end)
    return type(result)(
        intervals=intervals[inside].reset_index(drop=True),
        backtest=result.backtest,
        chosen=result.chosen,
        freq=result.freq,
        level=result.level,
        until=result.until,
    )


def roster_for_day(data, day, *, channel="phone", freq="30min"):
    """Agents on the phones per interval of ``day`` from the data's agent intervals.

    The day's own agent intervals when it has any; otherwise those of the same weekday a week
    earlier, moved to ``day`` (a roster repeats weekly), which plans the day after the data.
    With a channel, a blended agent counts for the share of their contacts of that channel
    (:func:`kpikit.monitor.day_staffed`); contacts without a channel column are all phone
    calls, so another channel is refused (every agent counted for chat).

    Parameters
    ----------
    data : Dataset
    day : date-like
    channel : str, default="phone"
    freq : {"15min", "30min", "hour"}, default="30min"

    Returns
    -------
    staffed : pandas.Series or None
        Agents (fractional) per interval start; None when neither day has agent intervals.
    source : str
        Where they come from, in words (``"agent intervals of 2024-03-04"``).

    Examples
    --------
    >>> import kpikit as kk
    >>> staffed, source = roster_for_day(kk.load_sample(), "2026-08-30")
    >>> source, staffed.index[0]
    ('agent intervals of 2026-08-23, a week before', Timestamp('2026-08-30 09:00:00'))
    """
    from kpikit.monitor._plan import (
        check_intraday_freq,
        checked_intervals,
        has_rows_on,
        staffed_on,
    )
    from kpikit.scenarios import _check_missing_column  # scenarios imports this package first

    if getattr(data, "agent_intervals", None) is None:
        return None, "no agent intervals in the data"
    check_name("channel", channel, "channel", optional=True)
    check_intraday_freq(freq)
    # checked as the plan reads them; a lazy source stays in its engine (no row is read here)
    contacts = checked_lazy(data, ["arrived_at", "answered"], optional=["channel"])
    if contacts is None:
        contacts = _contacts(data, None)
    zone = arrivals_zone(contacts)
    # the day's date on the contacts' clock; its midnight there is what the agent data is cut at
    date = day_bounds(check_timestamp("day", day).normalize(), zone)[0].tz_localize(None)
    shared = channel if channel is not None and "channel" in contacts.columns else None
    if channel is not None and shared is None:  # every agent is on the phones then
        _check_missing_column("channel", channel)
    # Checked once, and the day found before its channel shares are counted: the day after the
    # data has no rows, and counting its shares in vain took half of the roster's time.
    intervals = checked_intervals(data.agent_intervals)
    for shift, note in ((pd.Timedelta(0), ""), (_WEEK, ", a week before")):
        midnight = day_bounds(date - shift, zone)[0]
        if has_rows_on(intervals, midnight):
            staffed = staffed_on(data, intervals, midnight, channel=shared, freq=freq)
            return _moved(staffed, shift), f"agent intervals of {date - shift:%Y-%m-%d}{note}"
    return None, f"no agent intervals on {date:%Y-%m-%d} or a week before"


def _moved(staffed, shift):
    """``staffed`` with its interval starts ``shift`` later on the wall clock: a week later
    is the same time of day across a change of daylight saving (168 hours on is an hour off).
    Starts the clocks skip that day (02:00 on a spring day in Paris) are left out; a repeated
    hour takes the roster in both passes (a shift across the change works that hour twice;
    in its first pass only, the second had nobody and a false 0 % service level). A repeated
    hour moved to a day that has it once takes the mean of its two passes there (each pass
    once more had counted an interval twice, which :func:`staffing_plan` refuses). A shift of
    0 leaves ``staffed`` as it is: back through the wall clock, the day's own repeated hour
    had each pass on both instants, 54 intervals in a day of 50.

    >>> week = pd.Series([3.0, 4.0], index=pd.DatetimeIndex(
    ...     ["2024-10-20 02:00", "2024-10-20 03:00"]).tz_localize("Europe/Paris"))
    >>> _moved(week, pd.Timedelta(days=7)).index.strftime("%H:%M%z").tolist()
    ['02:00+0200', '02:00+0100', '03:00+0100']
    >>> fall_back = _moved(week, pd.Timedelta(days=7))  # 2024-10-27: 02:00 twice
    >>> len(_moved(fall_back, pd.Timedelta(0)))  # its own day: 3 intervals, not 5
    3
    >>> passes = pd.Series([3.0, 5.0, 4.0], index=fall_back.index)
    >>> _moved(passes, pd.Timedelta(days=7)).tolist()  # 2024-11-03: 02:00 (3 + 5) / 2, 03:00
    [4.0, 4.0]
    """
    from kpikit.forecast._series import Clock

    index = staffed.index
    if shift == pd.Timedelta(0):
        return staffed
    if index.tz is None:
        return staffed.set_axis(index + shift)
    # back in the zone as the forecast's wall intervals are (Clock.aware): skipped starts
    # left out, a repeated one given to both of its instants
    moved = pd.DataFrame({"start": index.tz_localize(None) + shift, "agents": staffed.to_numpy()})
    moved = Clock(index.tz).aware(moved, "start").groupby("start", sort=True)["agents"].mean()
    return moved.rename(staffed.name).rename_axis(index.name)


def staffing_plan(
    forecast,
    *,
    staffed,
    shrinkage=0.0,
    target_sl=80.0,
    threshold_s=None,
    channel="phone",
    patience_s=None,
    max_occupancy=None,
    volume_quantile=None,
):
    """Agents required against agents staffed per interval, and what the roster achieves.

    ``required`` is :func:`kpikit.queueing.agents_required` on the forecast (agents on the
    phones for the targets); the service each interval reaches with the roster is
    :func:`kpikit.queueing.service_for_roster` with ``staffed`` agents on the phones.
    ``gap = staffed - fractional_required`` (negative: short); ``scheduled_gap`` is the same
    in scheduled agents, ``gap / (1 - shrinkage)``.

    The roster is judged on the same scale as its service: ``staffed`` is a real number
    (``n (1 - shrinkage)``), its figures interpolated between whole counts, and
    ``fractional_required`` is where those interpolated figures cross their targets. So an
    interval is ``short`` exactly when the roster misses a target there: its service level
    is below ``target_sl`` or, with ``max_occupancy``, its occupancy is above the cap.
    Against the whole ``required``, a roster of 5.96 agents answering 85 % where 5.53 reach
    80 % would be short of 6. Both count as met within 1e-9 (:func:`plan_totals`'s
    ``below_target`` too), so float noise on the boundary marks neither.

    Parameters
    ----------
    forecast : kpikit.forecast.Forecast or dataframe
        Intervals (pandas, polars eager or lazy: any frame narwhals supports) with
        ``period, volume, aht_s`` (and ``interval_s``; bounds for ``volume_quantile``), as
        :func:`forecast_day` gives. Without an ``interval_s`` column the length is the
        smallest step between the periods (as :func:`kpikit.scenarios.scenario_from_forecast`
        reads it), and a single period needs the column. Each ``period`` is a timestamp,
        given once (a missing or repeated one is refused, as :func:`plan_totals` refuses it).
    staffed : float, array-like, pandas.Series or None
        Agents on the phones: one number for every interval with contacts forecast (the
        others have nobody), one per interval, or a Series indexed by interval start
        (:func:`roster_for_day`; intervals it lacks have nobody, its starts outside the
        plan's intervals are not read, and a start inside one or a NaN count is refused).
        None: an even roster, the mean of ``scheduled_required`` over the intervals with
        contacts rounded up, scheduled in every interval with contacts (``1 - shrinkage``
        of it on the phones).
    shrinkage : float, default=0.0
        Fraction of scheduled time away from the phones, for ``scheduled_required`` and
        ``scheduled_gap``.
    target_sl : float, default=80.0
        Service-level target, percent of offered contacts answered within ``threshold_s``
        (whatever ``kk.options.sl_denominator`` says: the roster's service level and
        :func:`plan_totals` are over offered contacts).
    threshold_s : float, default=None
        Answer-time threshold, seconds; None: ``channel``'s threshold in ``kk.options``.
    channel : str, default="phone"
        The channel whose threshold ``threshold_s=None`` takes.
    patience_s : float, default=None
        Mean caller patience, seconds (Erlang A); None: Erlang C.
    max_occupancy : float, default=None
        Occupancy cap, percent.
    volume_quantile : float, default=None
        Staff for this quantile of the forecast volume (see
        :func:`kpikit.queueing.agents_required`): ``volume`` is then that quantile, and the
        roster's figures are those it reaches on that volume.

    Returns
    -------
    pandas.DataFrame
        One row per interval: ``period, interval_s, volume, aht_s, required,
        fractional_required, scheduled_required, staffed, gap, scheduled_gap, short,
        service_level, asa, occupancy, overloaded, backlog`` (and ``abandonment_rate`` with
        patience). ``service_level`` and the rest are those of the roster; an interval
        without contacts needs nobody and has NaN figures.

    Examples
    --------
    Two half hours of 100 calls at 180 s (10 Erlangs): 80 % in 20 s needs 14 agents on the
    phones; 13 give 79.56 %, 14 give 88.84 %, so the target is crossed at
    ``13 + (80 - 79.56) / (88.84 - 79.56) = 13.05`` agents. 12 give 64.0 %, 16 give 97.1 %:

    >>> frame = pd.DataFrame({"period": pd.to_datetime(["2024-03-04 09:00",
    ...     "2024-03-04 09:30"]), "volume": [100.0, 100.0], "aht_s": 180.0})
    >>> plan = staffing_plan(frame, staffed=[12, 16])
    >>> plan[["required", "fractional_required", "gap"]].round(2).to_dict("list")
    {'required': [14, 14], 'fractional_required': [13.05, 13.05], 'gap': [-1.05, 2.95]}
    >>> plan["short"].tolist(), plan["service_level"].round(1).tolist()
    ([True, False], [64.0, 97.1])
    """
    from kpikit.queueing import agents_required, service_for_roster
    from kpikit.scenarios import _checked_periods  # scenarios imports this package first

    # any dataframe (polars, eager or lazy; Arrow-backed pandas) as pandas, as
    # scenario_from_forecast reads it; a Forecast's level goes with its intervals
    intervals = pandas_frame(getattr(forecast, "intervals", forecast), "forecast")
    missing = [name for name in _PLAN_COLUMNS if name not in intervals.columns]
    if missing:
        raise ValueError(
            f"Value of 'forecast' lacks the columns {missing}; expected {list(_PLAN_COLUMNS)} "
            f"(as forecast_day gives), found: {list(intervals.columns)}"
        )
    frame = intervals[list(_PLAN_COLUMNS)].reset_index(drop=True)
    _checked_periods(frame["period"])  # a repeated start staffed its interval twice
    interval_s = _plan_interval_s(intervals)
    check_name("channel", channel, "channel", optional=True)
    threshold_s = sl_threshold_for(channel) if threshold_s is None else threshold_s
    targets = {"threshold_s": threshold_s, "patience_s": patience_s}
    required = agents_required(
        intervals,
        interval_s=interval_s,
        level=getattr(forecast, "level", 95),
        target_sl=target_sl,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        volume_quantile=volume_quantile,
        sl_denominator="offered",  # the roster's service level is over offered contacts
        **targets,
    )
    # the volume staffed for: the forecast's, or its quantile (what required is for), which
    # the roster's figures are then for too (they were for the mean beside a quantile's need)
    volume = required["volume"].to_numpy(dtype=float)
    busy = volume > 0
    if staffed is None:
        scheduled = required["scheduled_agents"].to_numpy()[busy]
        even = math.ceil(scheduled.mean() - 1e-9) if scheduled.size else 0
        staffed = np.where(busy, even * (1.0 - shrinkage), 0.0)
    elif isinstance(staffed, pd.Series):
        staffed = _staffed_by_period(staffed, pd.DatetimeIndex(frame["period"]), interval_s)
    staffed = _array("staffed", staffed, minimum=0, maximum=MAX_AGENTS)
    if staffed.ndim == 0:
        staffed = np.where(busy, staffed, 0.0)
    if staffed.shape != (len(frame),):
        raise ValueError(
            f"Value of 'staffed' must be one number or one per interval ({len(frame)}), but "
            f"received {staffed.size} values"
        )
    reached = service_for_roster(
        volume,
        frame["aht_s"].to_numpy(dtype=float),
        interval_s,
        scheduled_agents=staffed,
        **targets,
    )
    plan = frame.assign(interval_s=interval_s)
    plan["volume"] = volume
    plan["required"] = required["raw_agents"].to_numpy()
    plan["fractional_required"] = required["fractional_agents"].to_numpy()
    plan["scheduled_required"] = required["scheduled_agents"].to_numpy()
    plan["staffed"] = staffed
    plan["gap"] = staffed - plan["fractional_required"]
    plan["scheduled_gap"] = plan["gap"] / (1.0 - shrinkage)
    plan["short"] = plan["gap"] < -_MET_WITHIN
    columns = ["service_level", "asa", "occupancy", "overloaded", "backlog"]
    if patience_s is not None:
        columns.insert(3, "abandonment_rate")
    for column in columns:
        values = reached[column].to_numpy()
        plan[column] = values if values.dtype == bool else np.where(busy, values, np.nan)
    return plan


def _plan_interval_s(intervals):
    """The interval lengths of a plan's ``intervals`` (whose periods are checked timestamps),
    seconds: their ``interval_s`` column, or else the smallest step between their periods
    (:func:`kpikit.scenarios.scenario_from_forecast`'s reading). A default of 1800 s staffed
    an hourly period as a half hour: twice the traffic per agent, 24 agents required for 14.

    >>> hour = pd.DataFrame({"period": pd.to_datetime(["2026-03-02 09:00"])})
    >>> _plan_interval_s(hour.assign(interval_s=3600.0)).tolist()
    [3600.0]
    >>> _plan_interval_s(hour)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'forecast' has a single period and no 'interval_s' column, so the
    length of its interval cannot be known: add an 'interval_s' column (seconds, 1800 for half
    hours)
    """
    from kpikit.scenarios import _interval_length  # scenarios imports this package first

    periods = intervals["period"]
    if "interval_s" in intervals.columns:
        lengths = _array("interval_s", intervals["interval_s"].to_numpy(), minimum=MIN_SECONDS)
        _check_no_overlap(periods, np.broadcast_to(lengths, len(periods)))
        return lengths
    return _interval_length(periods, None)  # timestamps, as _checked_periods found them


def _check_no_overlap(periods, lengths):
    """Refuse intervals (starts ``periods``, ``lengths`` seconds) that run into the next one:
    half hours labelled ``interval_s=3600`` were each staffed as an hour of their calls, and
    their shortfall hours counted twice. A length may match the step on the wall clock too, as
    :func:`kpikit.scenarios.scenario_from_forecast` reads it (days given as 86,400 s across a
    change of daylight saving).

    >>> starts = pd.Series(pd.date_range("2024-03-04 09:00", periods=3, freq="30min"))
    >>> _check_no_overlap(starts, np.array([3600.0, 3600.0, 3600.0]))
    Traceback (most recent call last):
    ...
    ValueError: Column 'interval_s' of 'forecast' makes 2 interval(s) run into the next one
    (first: 2024-03-04 09:00:00 lasts 3600 s, the next starts 1800 s later); give each
    interval's own length (1800 s for half hours)
    """
    order = np.argsort(pd.DatetimeIndex(periods).asi8, kind="stable")
    starts = pd.DatetimeIndex(periods)[order]
    wall = starts.tz_localize(None) if starts.tz is not None else starts
    steps = (starts[1:] - starts[:-1]).total_seconds().to_numpy()  # in any time unit
    longest = np.maximum(steps, (wall[1:] - wall[:-1]).total_seconds().to_numpy())
    overlong = np.flatnonzero(lengths[order][:-1] > longest + 1e-6)
    if overlong.size:
        first = overlong[0]
        raise ValueError(
            f"Column 'interval_s' of 'forecast' makes {overlong.size} interval(s) run into the "
            f"next one (first: {starts[first]} lasts {lengths[order][first]:g} s, the next "
            f"starts {steps[first]:g} s later); give each interval's own length (1800 s for "
            "half hours)"
        )


def _staffed_by_period(staffed, periods, interval_s):
    """Agents of a Series indexed by interval start, per interval of ``periods`` (0 where it
    has none; a NaN it holds is left for the checks of ``staffed`` to refuse, not read as
    nobody); refused when its clock cannot be the plan's (a naive index beside an aware one,
    so that no interval would match), it counts an interval twice, or it starts inside an
    interval of ``interval_s`` seconds but not at its start (a quarter-hour roster beside
    half-hour periods had every other count dropped).

    >>> periods = pd.DatetimeIndex(["2024-03-04 09:00", "2024-03-04 09:30"])
    >>> quarters = pd.Series([4.0, 6.0], index=periods[:1].append(periods[:1] + pd.Timedelta(
    ...     "15min")))
    >>> _staffed_by_period(quarters, periods, np.array([1800.0, 1800.0]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'staffed' has 1 interval start(s) inside the plan's intervals but not
    at their start (first: 2024-03-04 09:15:00), which no interval would take: give one count
    per interval start of the plan
    """
    index = staffed.index
    zones = [getattr(values, "tz", None) for values in (index, periods)]
    if not isinstance(index, pd.DatetimeIndex) or (zones[0] is None) != (zones[1] is None):
        clock = "no timestamps" if not isinstance(index, pd.DatetimeIndex) else zones[0]
        raise ValueError(
            f"Value of 'staffed' is a Series indexed by interval start on the forecast's clock "
            f"(time zone {zones[1]}), but its index has {clock}: no interval would match"
        )
    repeated = index[index.duplicated()]
    if len(repeated):
        raise ValueError(
            f"Value of 'staffed' holds {len(repeated)} interval starts more than once (first: "
            f"{', '.join(str(moment) for moment in repeated[:3])}); give one count per interval"
        )
    order = np.argsort(periods.asi8)
    starts = periods[order]
    ends = starts + pd.to_timedelta(np.broadcast_to(interval_s, len(periods))[order], unit="s")
    within = starts.searchsorted(index, side="right") - 1
    inside = (within >= 0) & (index < ends[within.clip(0)]) if len(periods) else False
    inner = index[inside & ~index.isin(periods)]
    if len(inner):
        raise ValueError(
            f"Value of 'staffed' has {len(inner)} interval start(s) inside the plan's intervals "
            f"but not at their start (first: {', '.join(str(moment) for moment in inner[:3])}), "
            "which no interval would take: give one count per interval start of the plan"
        )
    return staffed.reindex(periods).where(periods.isin(index), 0.0)


def plan_totals(plan, *, target_sl=80.0):
    """The day of a :func:`staffing_plan` in a few figures.

    ``service_level`` is the day's figure weighted by volume (contacts answered in time over
    contacts offered, summed over intervals); ``short_agent_hours`` sums the shortfall
    ``max(-gap, 0)`` (agents short of ``fractional_required``) times the interval length;
    ``short_intervals`` counts the intervals with contacts that are ``short``,
    ``below_target`` those whose service level is below ``target_sl`` (both met within 1e-9).
    Without an occupancy cap the two counts are equal; with one, ``short_intervals`` also
    counts the intervals whose occupancy is above the cap.

    Parameters
    ----------
    plan : dataframe
        A :func:`staffing_plan` (pandas, or polars eager or lazy: any frame narwhals
        supports).
    target_sl : float, default=80.0
        Service-level target, percent.

    Returns
    -------
    dict
        ``contacts, peak_required, peak_period, intervals, short_intervals,
        short_agent_hours, below_target, service_level``.

    Examples
    --------
    >>> plan = pd.DataFrame({"period": pd.to_datetime(["2024-03-04 09:00",
    ...     "2024-03-04 09:30"]), "interval_s": 1800.0, "volume": [100.0, 300.0],
    ...     "required": [14, 35], "gap": [2.0, -3.0], "service_level": [95.0, 55.0]})
    >>> totals = plan_totals(plan)
    >>> totals["short_agent_hours"], totals["service_level"]  # 3 agents * 0.5 h; 65 of 100
    (1.5, 65.0)
    """
    target_sl = check_number("target_sl", target_sl, minimum=0, maximum=100)
    plan = _checked_plan(plan)
    busy = plan[plan["volume"] > 0]
    answered = (busy["volume"] * busy["service_level"] / 100).sum()
    contacts = float(plan["volume"].sum())
    peak = plan.loc[plan["required"].idxmax()] if len(plan) else None
    shortfall = np.maximum(-plan["gap"].to_numpy(dtype=float), 0.0)
    return {
        "contacts": contacts,
        "peak_required": int(peak["required"]) if peak is not None else 0,
        "peak_period": peak["period"] if peak is not None else None,
        "intervals": int(len(busy)),
        "short_intervals": int((busy["gap"] < -_MET_WITHIN).sum()),
        "short_agent_hours": float((shortfall * plan["interval_s"].to_numpy() / 3600).sum()),
        "below_target": int((busy["service_level"] < target_sl - _MET_WITHIN).sum()),
        "service_level": float(100 * answered / contacts) if contacts > 0 else math.nan,
    }


def _checked_plan(plan):
    """``plan`` (any dataframe narwhals supports) as pandas, its :data:`_TOTALS_COLUMNS`
    present and checked as :func:`kpikit.validate` checks a table (a SchemaError naming the
    column, the problem, how many rows and their periods). A missing column raised a bare
    KeyError, a text one a TypeError, and a NaN volume left its interval out of the contacts
    and the service level while its shortfall still counted.

    >>> plan = pd.DataFrame({"period": pd.to_datetime(["2024-03-04 09:00"]), "volume": [None],
    ...     "interval_s": 1800.0, "required": 14, "gap": -1.0, "service_level": 64.0})
    >>> _checked_plan(plan)
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - plan.volume: 1 row empty in a required column (first (period): 2024-03-04 09:00:00)
    """
    from kpikit.schema import SchemaError

    # polars (eager or lazy) as pandas; its rows by position (a plan concatenated from two kept
    # both halves' labels, and the peak's repeated label found two rows)
    plan = pandas_frame(plan, "plan").reset_index(drop=True)
    names = [spec.name for spec in _TOTALS_COLUMNS]
    missing = [name for name in names if name not in plan.columns]
    if missing:
        raise ValueError(
            f"Value of 'plan' lacks the columns {missing}; plan_totals takes the output of "
            f"staffing_plan, with {names}, found: {list(plan.columns)}"
        )
    problems, _ = check_table(nw.from_native(plan), "plan", _TOTALS_COLUMNS, ("period",))
    if not problems:  # a busy interval without a service level left its contacts unanswered
        unknown = plan.loc[plan["service_level"].isna() & (plan["volume"] > 0), "period"]
        if len(unknown):
            where = "empty where contacts are forecast"
            examples = tuple(unknown.head(5))
            problems = [Problem("plan", "service_level", where, len(unknown), examples, "period")]
    if problems:
        raise SchemaError(problems)
    return plan
