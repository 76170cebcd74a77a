"""The plan the monitor compares today with: the day's forecast and the agents staffed.

- :func:`day_forecast`: volume and AHT per interval of one day, learned only from the contacts
  that arrived before it.
- :func:`channel_shares`: the share of each agent's contacts that were of one channel.
- :func:`staffed_agents`: agents on the phones per interval from the agent intervals table.
- :func:`day_staffed`: the last two together, for one day and channel of a dataset.
"""

import dataclasses
import math
import numbers
from collections.abc import Mapping

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from kpikit._check_runs import check_table
from kpikit._frames import as_datetimes, pandas_frame, to_pandas
from kpikit._lazy_contacts import arrivals_zone, arrived_before, checked_lazy, phone_by_default
from kpikit._validators import check_choice, check_name, check_timestamp
from kpikit.calibrate import HANDLE_COLUMNS, contacts_frame
from kpikit.forecast._series import FREQS, MAX_HISTORY_GAP
from kpikit.periods import day_bounds
from kpikit.schema import KEY_COLUMNS, TABLES, SchemaError
from kpikit.timeparts import iso_weekday

INTRADAY_FREQS = tuple(name for name in FREQS if name != "day")
"""Interval lengths the monitor and its plan work in."""

_INTERVAL_COLUMNS = ("agent_id", "interval_start", "handling_s", "available_s")


def check_intraday_freq(freq):
    """Return ``freq`` when it is an intraday interval length; otherwise raise a ValueError.

    >>> check_intraday_freq("day")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'freq' is not an intraday interval. Expected one of ['15min', '30min',
    'hour'] but received: 'day'
    """
    return check_choice("freq", freq, INTRADAY_FREQS, "an intraday interval")


def checked_day(day, argument="day"):
    """``day`` as the midnight that starts it (:func:`kpikit._validators.check_timestamp`).

    >>> checked_day("2026-08-29 10:30")
    Timestamp('2026-08-29 00:00:00')
    """
    return check_timestamp(argument, day).normalize()


def _check_channel(contacts, channel):
    """Refuse a ``channel`` that is not one of the contacts' channels (with a suggestion);
    ``contacts`` is a pandas frame or a narwhals lazy frame, whose engine lists its channels."""
    check_name("channel", channel, "channel")
    if "channel" not in contacts.columns:
        raise ValueError(f"Value of 'channel' is {channel!r} but the contacts have no channel")
    if not isinstance(contacts, pd.DataFrame):
        contacts = to_pandas(contacts.select("channel").unique())
    known = sorted(contacts["channel"].dropna().unique(), key=str)
    check_choice("channel", channel, known, "a channel of the contacts")


def _contacts(data, channel):
    # a lazy source brings only the columns read here and by the forecast, not the whole log
    read = ["channel", "agent_id", *HANDLE_COLUMNS]
    contacts = phone_by_default(contacts_frame(data, ["arrived_at", "answered"], optional=read))
    if channel is not None:
        _check_channel(contacts, channel)
        contacts = contacts[contacts["channel"] == channel]
    return contacts.assign(arrived_at=as_datetimes(contacts["arrived_at"]))


def day_forecast(data, day, *, channel=None, freq="30min", model="seasonal_average"):
    """Contacts offered and AHT per interval of ``day``, from the contacts before it.

    Parameters
    ----------
    data : Dataset or dataframe
        The contact history (``arrived_at, answered``; handle time columns for the AHT).
    day : date-like
        The day to forecast; only contacts that arrived before its midnight are used.
    channel : str, default=None
        Forecast this channel's contacts only.
    freq : {"15min", "30min", "hour"}, default="30min"
    model : str, default="seasonal_average"
        A model of :data:`kpikit.forecast.MODELS`, or ``"auto"`` to choose by backtest (which
        takes a minute on the sample: too slow for a dashboard). The seasonal average of the
        last four weeks is the model the backtest picks on the sample.

    Returns
    -------
    pandas.DataFrame
        ``period, volume, aht_s``: one row per interval of the day (the frame
        :class:`~kpikit.monitor.IntradayMonitor` takes as ``forecast``).

    Raises
    ------
    TypeError
        When ``day`` is not a date or ``channel`` not a str.
    ValueError
        When ``freq`` is not an intraday interval, ``day`` cannot be read as a date,
        ``channel`` is not one of the contacts' channels, the history has no contact before
        ``day``, or it ends more than :data:`MAX_HISTORY_GAP` before it.

    Examples
    --------
    >>> import kpikit as kk
    >>> plan = day_forecast(kk.load_sample(), "2026-08-29", channel="phone")
    >>> len(plan), list(plan.columns)  # 48 half hours
    (48, ['period', 'volume', 'aht_s'])
    """
    from kpikit.forecast import forecast

    check_intraday_freq(freq)  # freq="day" gave one row, a day's volume, as if an interval's
    history, day, end = _history(data, checked_day(day), channel)
    last = _last_arrival(history)
    if last is pd.NaT:
        raise ValueError(f"No contact before {day:%Y-%m-%d} in the history to forecast it from")
    if day - last > MAX_HISTORY_GAP:
        raise ValueError(
            f"The history ends on {last:%Y-%m-%d}, more than {MAX_HISTORY_GAP.days} days before "
            f"{day:%Y-%m-%d}: a forecast would read the gap as days without contacts"
        )
    plan = forecast(history, freq=freq, horizon=end - day, until=day, model=model)
    intervals = plan.intervals[["period", "volume", "aht_s"]]
    return intervals[intervals["period"] < end].reset_index(drop=True)


def _history(data, day, channel):
    """The contacts of ``channel`` (every one when None) that arrived before the midnight of
    ``day`` on their clock, with the bounds of that day there.

    A lazy source (parquet files, a DuckDB relation, a Spark or polars frame) stays in its
    engine, checked there (:func:`kpikit._lazy_contacts.checked_lazy`) and filtered; the
    forecast then adds it up per minute there (:mod:`kpikit.forecast._minutes`). Anything else,
    or a source that fails a check, is read into pandas, where the forecast names the problem
    and its rows.
    """
    lazy = checked_lazy(data, ["arrived_at", "answered"], optional=["channel", *HANDLE_COLUMNS])
    if lazy is None:
        contacts = _contacts(data, channel)
        day, end = day_bounds(day, contacts["arrived_at"].dt.tz)
        return contacts[contacts["arrived_at"] < day], day, end
    if channel is not None:
        lazy = phone_by_default(lazy)
        _check_channel(lazy, channel)
        lazy = lazy.filter(nw.col("channel") == channel)
    day, end = day_bounds(day, arrivals_zone(lazy))
    return arrived_before(lazy, day), day, end


def _last_arrival(contacts):
    """The last arrival of a pandas frame or of a native lazy frame (NaT when empty)."""
    if isinstance(contacts, pd.DataFrame):
        return contacts["arrived_at"].max()
    last = nw.from_native(contacts).select(nw.col("arrived_at").max())
    return to_pandas(last)["arrived_at"].iloc[0]


def channel_shares(data, channel):
    """Each agent's share of their answered contacts that were of ``channel``.

    In a blended pool (agents answering calls and chats) an agent counts towards a channel's
    staffing for that share of their time.

    Returns
    -------
    pandas.Series
        Share in (0, 1] per ``agent_id`` who answered at least one contact of ``channel``.

    Raises
    ------
    TypeError, ValueError
        When ``channel`` is not one of the contacts' channels, or the contacts have no
        ``agent_id`` column.

    Examples
    --------
    >>> contacts = pd.DataFrame({"agent_id": ["a", "a", "a", "a", "b", None],
    ...     "channel": ["phone", "phone", "phone", "chat", "chat", "phone"],
    ...     "arrived_at": pd.Timestamp("2024-01-01"), "answered": [True] * 5 + [False]})
    >>> channel_shares(contacts, "phone").to_dict()  # a: 3 of 4 on the phone; b: none
    {'a': 0.75}
    """
    counts = _channel_counts(_shares_source(data))
    _check_channel(counts, channel)  # the channels counted are the contacts' channels
    return _shares(counts, channel)


def _shares_source(data):
    """The contacts channel shares are counted from: a lazy source left in its engine, checked
    there (:func:`kpikit._lazy_contacts.checked_lazy`), else pandas."""
    lazy = checked_lazy(data, ["arrived_at", "answered"], optional=["channel", "agent_id"])
    return _contacts(data, None) if lazy is None else lazy


def _channel_counts(contacts, *, weekday=False):
    """Contacts per agent (null: none) and channel (where there are columns for them), with
    ``answered`` the number of them an agent answered, and with ``weekday`` per ISO weekday of
    arrival too (1 Monday), on the contacts' clock. A lazy frame (native or narwhals) is
    counted by its engine. A pandas frame with a row per group."""
    frame = phone_by_default(nw.from_native(contacts))
    keys = [key for key in ("agent_id", "channel") if key in frame.columns]
    if weekday:
        frame = frame.with_columns(weekday=iso_weekday(nw.col("arrived_at")))
        keys.append("weekday")
    by_agent = nw.col("answered").fill_null(False)
    if "agent_id" in keys:
        by_agent = by_agent & ~nw.col("agent_id").is_null()
    frame = frame.with_columns(answered=by_agent.cast(nw.Int64))
    counts = frame.group_by(*keys, drop_null_keys=False).agg(
        nw.len().alias("contacts"), nw.col("answered").sum()
    )
    return to_pandas(counts).astype({"answered": "int64"})  # DuckDB's sums are 128-bit


def _shares(counts, channel):
    """:func:`channel_shares` from the counts of :func:`_channel_counts`."""
    _need_agents(counts, channel)
    answered = counts[counts["agent_id"].notna() & counts["channel"].notna()]
    table = answered.groupby(["agent_id", "channel"], observed=True)["answered"].sum()
    table = table.unstack(fill_value=0)
    if channel not in table.columns:
        return pd.Series(dtype=float, name="share")
    share = table[channel] / table.sum(axis=1)
    return share[share > 0].rename("share").rename_axis("agent_id")


def _need_agents(counts, channel):
    """Refuse counts (:func:`_channel_counts`) without an ``agent_id`` column: no agent would
    have a share of ``channel``, and a roster of shares would count every agent as 0.

    >>> counts = pd.DataFrame({"channel": ["phone", "chat", "email"], "contacts": [6, 3, 1]})
    >>> _need_agents(counts, "phone")
    Traceback (most recent call last):
    ...
    ValueError: The contacts have no 'agent_id' column, so each agent's share of channel 'phone'
    cannot be counted; 4 of the 10 contacts counted are of other channels (chat: 3, email: 1):
    add agent_id to the contacts, or plan with channel=None to count every agent
    """
    if "agent_id" in counts.columns:
        return
    others = counts[counts["channel"].notna() & (counts["channel"] != channel)]
    by_channel = others.groupby("channel", observed=True)["contacts"].sum()
    mix = (
        f"; {by_channel.sum()} of the {counts['contacts'].sum()} contacts counted are of other "
        f"channels ({', '.join(f'{name}: {n}' for name, n in by_channel.items())})"
        if len(by_channel)
        else ""
    )
    raise ValueError(
        f"The contacts have no 'agent_id' column, so each agent's share of channel {channel!r} "
        f"cannot be counted{mix}: add agent_id to the contacts, or plan with channel=None to "
        "count every agent"
    )


def staffed_agents(agent_intervals, *, freq="30min", day=None, shares=None):
    """Agents on the phones per interval: time handling or available over the interval.

    ``staffed = sum(share * (handling_s + available_s)) / interval seconds`` over the agents'
    rows that fall in the interval. Agent rows longer than ``freq`` (30-minute rows, 15-minute
    intervals) are spread evenly over the intervals they cover; shorter ones add up. The rows'
    length is the shortest gap between distinct starts (of ``day``), or with a single start the
    fewest intervals that hold its longest row.

    Parameters
    ----------
    agent_intervals : dataframe
        ``agent_id, interval_start, handling_s, available_s``.
    freq : {"15min", "30min", "hour"}, default="30min"
    day : date-like, default=None
        Keep this day only.
    shares : mapping or pandas.Series, default=None
        ``agent_id`` -> share of their time that counts (:func:`channel_shares`); agents
        left out do not count. None: every agent counts fully.

    Returns
    -------
    pandas.Series
        Agents (fractional) per interval start, named ``staffed_agents``.

    Raises
    ------
    SchemaError
        When a column is missing or its values break the schema (:data:`kpikit.schema.TABLES`:
        seconds null, negative or infinite; an agent twice at the same ``interval_start``).
    TypeError, ValueError
        When ``agent_intervals`` is not a dataframe, ``freq`` not an intraday interval,
        ``day`` not a date, or ``shares`` not shares in 0..1 per agent.

    Examples
    --------
    >>> rows = pd.DataFrame({"agent_id": ["a", "b", "a"],
    ...     "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:00",
    ...                                       "2024-01-01 09:30"]),
    ...     "handling_s": [1200.0, 900.0, 1800.0], "available_s": [600.0, 0.0, 0.0]})
    >>> staffed_agents(rows).tolist()  # (1800 + 900) / 1800, then 1800 / 1800
    [1.5, 1.0]
    >>> staffed_agents(rows, freq="15min").tolist()  # each row split in two 15-minute halves
    [1.5, 1.5, 1.0, 1.0]
    >>> staffed_agents(rows, shares={"a": 0.5}).tolist()  # 0.5 * 1800 / 1800, 0.5 * 1800 / 1800
    [0.5, 0.5]
    >>> staffed_agents(rows, shares={"a": 1.5})
    Traceback (most recent call last):
    ...
    ValueError: Value of 'shares' must hold a finite share in 0..1 per agent_id but received:
    {'a': 1.5}
    """
    check_intraday_freq(freq)
    return _staffed(checked_intervals(agent_intervals), freq, day, shares)


def _staffed(frame, freq, day, shares):
    """:func:`staffed_agents` of agent intervals already checked (:func:`checked_intervals`)
    and an intraday ``freq``."""
    weight = pd.Series(1.0, index=frame.index)
    if shares is not None:
        weight = frame["agent_id"].map(_checked_shares(shares)).fillna(0.0)
    starts = as_datetimes(frame["interval_start"])
    length = pd.Timedelta(FREQS[freq])
    if day is not None:
        inside = _on_day(starts, day)
        frame, starts, weight = frame[inside], starts[inside], weight[inside]
    parts = _parts(frame, starts, length)
    seconds = weight * (frame["handling_s"] + frame["available_s"])
    starts = pd.DatetimeIndex(starts)
    shifted = starts.append([starts + length * part for part in range(1, parts)])
    spread = pd.DataFrame(
        {
            "period": _interval_starts(shifted, length),
            "seconds": np.tile(seconds.to_numpy(dtype=float) / parts, parts),
        }
    )
    staffed = spread.groupby("period")["seconds"].sum() / length.total_seconds()
    return staffed.rename("staffed_agents")


def _parts(frame, starts, length) -> int:
    """How many intervals of ``length`` each agent row covers: the rows' length is the
    shortest gap between distinct starts, and with one start only, the fewest intervals that
    hold the longest row (taken as ``length`` long, two agents' 30-minute rows were 4 agents in
    a quarter hour and none in the next).

    >>> rows = pd.DataFrame({"handling_s": [1800.0, 600.0], "available_s": [0.0, 0.0]})
    >>> _parts(rows, pd.Series(pd.to_datetime(["2024-01-01 09:00"] * 2)), pd.Timedelta("15min"))
    2
    """
    distinct = pd.DatetimeIndex(starts).unique().sort_values()
    if len(distinct) > 1:
        return max(1, round((distinct[1:] - distinct[:-1]).min() / length))
    longest = float((frame["handling_s"] + frame["available_s"]).max()) if len(frame) else 0.0
    return max(1, math.ceil(longest / length.total_seconds()))


def _interval_starts(times: pd.DatetimeIndex, length: pd.Timedelta) -> pd.DatetimeIndex:
    """The start of the interval of ``length`` holding each of ``times``: whole steps from the
    midnight of its day, elapsed time in a zone, so a daylight-saving day has 46 or 50 half
    hours as the monitor's days have (flooring the wall clock would meet the repeated hour
    twice).

    >>> times = pd.DatetimeIndex(["2026-10-25 00:40", "2026-10-25 01:40"], tz="UTC")
    >>> [str(t) for t in _interval_starts(times.tz_convert("Europe/Paris"), pd.Timedelta("30min"))]
    ['2026-10-25 02:30:00+02:00', '2026-10-25 02:30:00+01:00']
    """
    if times.tz is None:
        return times.floor(length)
    midnight = (
        times.tz_localize(None)
        .normalize()
        .tz_localize(times.tz, ambiguous=True, nonexistent="shift_forward")
    )
    return midnight + ((times - midnight) // length) * length


def _on_day(starts: pd.Series, day) -> pd.Series:
    """True where an interval start falls on ``day``, a calendar day on the starts' clock (23
    or 25 hours in a zone)."""
    first, end = day_bounds(checked_day(day), starts.dt.tz)
    return (starts >= first) & (starts < end)


def has_rows_on(intervals, day) -> bool:
    """Whether checked agent intervals (:func:`checked_intervals`) have a row on ``day``.

    >>> rows = pd.DataFrame({"interval_start": pd.to_datetime(["2024-01-01 09:00"])})
    >>> has_rows_on(rows, "2024-01-01"), has_rows_on(rows, "2024-01-02")
    (True, False)
    """
    return bool(_on_day(as_datetimes(intervals["interval_start"]), day).any())


def checked_intervals(agent_intervals):
    """The agent intervals as a pandas frame, after the schema's checks of the columns
    :func:`staffed_agents` reads (SchemaError otherwise)."""
    agent_intervals = pandas_frame(agent_intervals, "agent_intervals")  # lazy ones collected
    frame = nw.from_native(agent_intervals, eager_only=True)
    specs = [
        dataclasses.replace(spec, required=True)
        for spec in TABLES["agent_intervals"]
        if spec.name in _INTERVAL_COLUMNS
    ]
    problems, _ = check_table(frame, "agent_intervals", specs, KEY_COLUMNS["agent_intervals"])
    if problems:
        raise SchemaError(problems)
    return agent_intervals


def _checked_shares(shares):
    """``shares`` as a float Series by agent_id, each share a finite number in 0..1."""
    if not isinstance(shares, Mapping | pd.Series):
        raise TypeError(
            f"Value of 'shares' must be a mapping or pandas Series of agent_id -> share but "
            f"received: {shares!r} ({type(shares).__name__})"
        )
    shares = pd.Series(shares, dtype=object)
    valid = shares.map(
        lambda share: (
            isinstance(share, numbers.Real) and not isinstance(share, bool) and 0 <= share <= 1
        )
    )
    if not valid.all():
        bad = shares[~valid.astype(bool)]
        raise ValueError(
            f"Value of 'shares' must hold a finite share in 0..1 per agent_id but received: "
            f"{bad.head(5).to_dict()}"
        )
    if shares.index.has_duplicates:
        repeated = shares.index[shares.index.duplicated()].unique().tolist()[:5]
        raise ValueError(f"Value of 'shares' names agent(s) more than once: {repeated}")
    return shares.astype(float)


def day_staffed(data, day, *, channel=None, freq="30min"):
    """Agents on the phones per interval of ``day`` for ``channel``, from the agent intervals.

    With a channel, a blended agent counts for the share of their contacts that were of that
    channel on the same weekday in the history before ``day`` (blends differ between
    weekdays and weekends), or in the whole history before it when that weekday never occurs.
    When every contact before ``day`` is of ``channel`` there is no blend: every agent counts
    fully, whether or not the contacts have an ``agent_id`` column.

    Parameters
    ----------
    data : Dataset
        Contacts and ``agent_intervals``.
    day : date-like
    channel : str, default=None
    freq : {"15min", "30min", "hour"}, default="30min"

    Returns
    -------
    pandas.Series
        As :func:`staffed_agents`; empty when the agent intervals have no row on ``day``.

    Raises
    ------
    ValueError
        When ``data`` has no agent intervals, or ``channel`` is one of several channels and the
        contacts have no ``agent_id`` column to split the agents by; as :func:`day_forecast`
        for ``day`` and ``channel``, as :func:`staffed_agents` for the agent intervals.

    Examples
    --------
    >>> import kpikit as kk
    >>> staffed = day_staffed(kk.load_sample(), "2026-08-29", channel="phone")
    >>> staffed.index[0], bool(staffed.between(0, 40).all())
    (Timestamp('2026-08-29 09:00:00'), True)
    """
    if getattr(data, "agent_intervals", None) is None:
        raise ValueError("The data has no agent intervals to count the agents staffed from")
    day = checked_day(day)
    check_intraday_freq(freq)
    return staffed_on(
        data, checked_intervals(data.agent_intervals), day, channel=channel, freq=freq
    )


def staffed_on(data, intervals, day, *, channel=None, freq="30min"):
    """:func:`day_staffed` of the agent intervals of ``data`` already checked (``intervals``,
    from :func:`checked_intervals`), a checked ``day`` and an intraday ``freq``: a caller that
    tries several days (:func:`kpikit.whatif.roster_for_day`) checks them once."""
    shares = None
    if channel is not None:
        contacts = _shares_source(data)
        first = day_bounds(day, arrivals_zone(contacts))[0]  # on the contacts' clock
        counts = _channel_counts(arrived_before(contacts, first), weekday=True)
        same_weekday = counts[counts["weekday"] == day.isoweekday()]
        chosen = same_weekday if len(same_weekday) else counts
        _check_channel(chosen, channel)  # one of the channels of the contacts counted
        # a log of one channel has no blend to split: every agent counts, with or without
        # agent_id (an agent with no contact yet is on that channel too)
        if set(counts["channel"].dropna()) != {channel}:
            _need_agents(counts, channel)  # named with the whole history's other channels
            shares = _shares(chosen, channel)
    return _staffed(intervals, freq, day, shares)
