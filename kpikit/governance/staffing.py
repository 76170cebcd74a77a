"""Staffing behind a service miss: agents logged in against the Erlang C requirement per interval.

For each interval of a window, the contacts that queue live (every channel but email by
default) give the volume and the handle time; :func:`kpikit.queueing.agents_required` gives the
fewest agents meeting the service target for them. The agents actually there are those who
answered the group's live contacts in the window, counted from their agent intervals as logged-in
time (``handling_s + available_s``) over the interval length.
"""

from collections.abc import Mapping

import narwhals as nw
import numpy as np
import pandas as pd

from kpikit import options
from kpikit._frames import pandas_frame
from kpikit.schema import Dataset

__all__ = ["INTERVAL_FREQS", "SHORT_AGENTS", "interval_staffing"]

INTERVAL_FREQS = {900: "15min", 1800: "30min", 3600: "hour"}
"""Interval lengths (seconds) the staffing check supports, and their period in
:func:`kpikit.compute`."""

SHORT_AGENTS = 1.0
"""An interval is *understaffed* when at least this many agents are missing."""

NOT_LIVE = ("email",)
"""Channels that do not queue live (Erlang C does not apply to them)."""


def interval_staffing(
    data: Dataset,
    *,
    group: Mapping,
    start,
    end,
    target_sl: float | None = 80.0,
    target_asa_s: float | None = None,
    interval_s: int = 1800,
    **compute_options,
) -> pd.DataFrame | None:
    """Agents required and agents logged in, per interval of a window, for one group.

    Parameters
    ----------
    data : Dataset
        Contacts and agent intervals.
    group : mapping
        Contacts columns and values selecting the group (``{"site": "Lakeside"}``; empty for
        the whole center; a None value selects the contacts without a value there).
    start, end : datetime-like
        The window ``[start, end)``.
    target_sl : float, default=80.0
        Service-level target (percent within the threshold) of the requirement.
    target_asa_s : float, default=None
        ASA target of the requirement, instead of or besides ``target_sl``.
    interval_s : {900, 1800, 3600}, default=1800
        Interval length, the length of the agent intervals.
    **compute_options
        ``sl_threshold_s`` (a number, or per channel: the phone threshold is used),
        ``short_abandon_s``...

    Returns
    -------
    pandas.DataFrame or None
        One row per interval with live contacts: ``interval_start, volume, aht_s, required,
        staffed, short, understaffed`` (``short = required - staffed`` agents,
        ``understaffed`` when ``short >= SHORT_AGENTS``). None when the data has no agent
        intervals, agent intervals without ``handling_s`` or ``available_s`` (no logged-in
        time to count), or no live contacts in the window.

    Raises
    ------
    ValueError
        ``start`` or ``end`` without a time zone when the contacts' times have one, or with
        one when they have none (localise the window to the data's zone, or drop its zone).
    kpikit.SchemaError
        Agent intervals that :func:`kpikit.compute` refuses (checked as for occupancy): empty
        or negative seconds, an agent's interval on two rows, times without a zone beside
        contacts with one. They were counted as they came: an empty ``available_s`` left its
        agent out, a repeated row counted twice.

    Examples
    --------
    >>> import kpikit as kk
    >>> contacts = pd.DataFrame({
    ...     "contact_id": range(1, 41), "agent_id": ["a"] * 40, "answered": True,
    ...     "arrived_at": pd.Timestamp("2026-01-05 09:00") + pd.to_timedelta(
    ...         list(range(0, 40 * 45, 45)), unit="s"),
    ...     "wait_s": 5.0, "talk_s": 180.0, "hold_s": 0.0, "acw_s": 0.0})
    >>> intervals = pd.DataFrame({
    ...     "agent_id": ["a"], "interval_start": pd.to_datetime(["2026-01-05 09:00"]),
    ...     "handling_s": [1800.0], "available_s": [0.0]})
    >>> staffing = interval_staffing(kk.Dataset(contacts, intervals), group={},
    ...                              start="2026-01-05 09:00", end="2026-01-05 10:00")
    >>> staffing[["volume", "aht_s", "required", "staffed", "short"]]
       volume  aht_s  required  staffed  short
    0    40.0  180.0         7      1.0    6.0

    40 calls of 3 minutes in 30 minutes are 4 Erlangs: 6 agents answer 77 % within 20 s,
    7 agents 89 %.
    """
    from kpikit.metrics import KPIUnavailable, compute
    from kpikit.queueing import agents_required

    if interval_s not in INTERVAL_FREQS:
        raise ValueError(
            f"Value of 'interval_s' is not valid. Expected one of {list(INTERVAL_FREQS)} "
            f"but received: {interval_s!r}"
        )
    if data.agent_intervals is None:
        return None
    try:  # the agent intervals' checks (once within a report's checked_once scope)
        compute(data, kpis=["occupancy"], **compute_options)
    except KPIUnavailable:
        return None
    start, end = _window(start, end, data.contacts)
    live = _live_contacts(data.contacts, group, start, end)
    if live is None or live.empty:
        return None
    options = {**compute_options, "short_abandon_s": 0.0}
    sums = pandas_frame(
        compute(live, kpis=["answer_rate", "aht"], freq=INTERVAL_FREQS[interval_s], **options)
    )
    sums = sums.pivot(index="period", columns="kpi", values=["numerator", "denominator"])
    volume = sums[("denominator", "answer_rate")].to_numpy(float)
    handled = sums[("denominator", "aht")].to_numpy(float)
    overall_aht = sums[("numerator", "aht")].sum() / max(handled.sum(), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        aht = np.where(handled > 0, sums[("numerator", "aht")].to_numpy(float) / handled, np.nan)
    aht = np.where(np.isfinite(aht) & (aht > 0), aht, overall_aht)
    if not overall_aht > 0:
        return None
    required = agents_required(
        volume,
        aht,
        interval_s,
        target_sl=target_sl,
        target_asa_s=target_asa_s,
        threshold_s=_threshold(compute_options.get("sl_threshold_s")),
    )["raw_agents"].to_numpy()
    staffed = _logged_in(data.agent_intervals, live, sums.index, start, end, interval_s)
    table = pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex(sums.index),
            "volume": volume,
            "aht_s": aht,
            "required": required,
            "staffed": staffed,
        }
    )
    table["short"] = table["required"] - table["staffed"]
    table["understaffed"] = table["short"] >= SHORT_AGENTS
    return table


def _window(start, end, contacts) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``start`` and ``end`` as timestamps that compare with the contacts' arrivals: with a time
    zone exactly when the arrivals have one (a window in another zone is the same instants).
    pandas refused the comparison with a bare "Invalid comparison" TypeError.

    >>> paris = pd.DataFrame({"arrived_at": pd.DatetimeIndex(["2026-01-05 09:00"],
    ...                                                      tz="Europe/Paris")})
    >>> _window("2026-01-05 09:00", pd.Timestamp("2026-01-05 10:00", tz="Europe/Paris"), paris)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'start' has no time zone (2026-01-05 09:00:00) but the data's times are
    in Europe/Paris, and the two cannot be compared; localise the window to the data's zone:
    pd.Timestamp(start).tz_localize('Europe/Paris')
    """
    from kpikit._validators import check_timestamp
    from kpikit.metrics._inputs import time_zone

    start, end = check_timestamp("start", start), check_timestamp("end", end)
    zone = time_zone(nw.from_native(contacts), "arrived_at")
    wrong = [
        (name, stamp)
        for name, stamp in (("start", start), ("end", end))
        if (stamp.tz is None) != (zone is None)
    ]
    if not wrong:
        return start, end
    names = " and ".join(repr(name) for name, _ in wrong)
    values = ", ".join(str(stamp) for _, stamp in wrong)
    value_of = f"Value{'s' if len(wrong) > 1 else ''} of {names}"
    fix = " and ".join(f"pd.Timestamp({name})" for name, _ in wrong)
    if zone is not None:
        raise ValueError(
            f"{value_of} {'have' if len(wrong) > 1 else 'has'} no time zone ({values}) but the "
            f"data's times are in {zone}, and the two cannot be compared; localise the window "
            f"to the data's zone: {fix.replace(')', f').tz_localize({zone!r})')}"
        )
    raise ValueError(
        f"{value_of} {'have' if len(wrong) > 1 else 'has'} a time zone ({values}) but the "
        "data's times have none, and the two cannot be compared; give the window as wall time "
        "on the data's clock, without a zone: "
        f"{fix.replace(')', ').tz_convert(DATA_ZONE).tz_localize(None)')}, DATA_ZONE the "
        "zone the data's times were recorded in"
    )


def _threshold(thresholds) -> float:
    if thresholds is None:
        return options.sl_threshold_for("phone")
    if isinstance(thresholds, Mapping):
        return float(thresholds.get("phone", options.sl_threshold_for("phone")))
    return float(thresholds)


def _live_contacts(contacts, group: Mapping, start, end):
    frame = nw.from_native(contacts)
    condition = (nw.col("arrived_at") >= start) & (nw.col("arrived_at") < end)
    columns = frame.collect_schema().names()
    for column, value in group.items():
        in_group = nw.col(column).is_null() if value is None else nw.col(column) == value
        condition = condition & in_group
    if "channel" in columns:
        condition = condition & ~nw.col("channel").is_in(list(NOT_LIVE))
    selected = frame.filter(condition)
    if isinstance(selected, nw.LazyFrame):
        selected = selected.collect()
    return selected.to_pandas()


def _logged_in(intervals, live: pd.DataFrame, periods, start, end, interval_s) -> np.ndarray:
    agents = live.loc[live["answered"].fillna(False).astype(bool), "agent_id"]
    agents = [agent for agent in agents.dropna().unique().tolist()]
    frame = nw.from_native(intervals)
    # from the longest interval before the window: a longer row starting before it runs into it
    earliest = start - pd.Timedelta(seconds=max(INTERVAL_FREQS))
    selected = frame.filter(
        (nw.col("interval_start") > earliest)
        & (nw.col("interval_start") < end)
        & nw.col("agent_id").is_in(agents)
    ).select("agent_id", "interval_start", "handling_s", "available_s")
    if isinstance(selected, nw.LazyFrame):
        selected = selected.collect()
    rows = selected.to_pandas()
    seconds = rows["handling_s"] + rows["available_s"]
    _check_interval_length(rows, seconds, interval_s)
    inside = (rows["interval_start"] >= start).to_numpy(bool)
    rows, seconds = rows[inside], seconds[inside]
    logged = seconds / interval_s
    per_interval = logged.groupby(_interval_of(rows["interval_start"], interval_s)).sum()
    index = pd.DatetimeIndex(periods)
    per_interval.index = pd.DatetimeIndex(per_interval.index).as_unit(index.unit)
    return per_interval.reindex(index, fill_value=0.0).to_numpy(float)


def _interval_of(times: pd.Series, interval_s: int) -> pd.Series:
    """The start of the ``interval_s`` interval holding each time, on the wall clock: the time
    less the wall time past the interval's start. pandas' own floor of zoned times raised
    AmbiguousTimeError on the night the clocks go back, whose 02:00 comes twice.

    >>> night = pd.Series(pd.DatetimeIndex(["2026-10-25 00:10", "2026-10-25 01:10"],
    ...                                    tz="UTC").tz_convert("Europe/Paris"))
    >>> _interval_of(night, 1800).astype(str).tolist()  # the first and second 02:00
    ['2026-10-25 02:00:00+02:00', '2026-10-25 02:00:00+01:00']
    """
    wall = times.dt.tz_localize(None)
    return times - (wall - wall.dt.floor(f"{interval_s}s"))


def _check_interval_length(rows: pd.DataFrame, seconds: pd.Series, interval_s: int) -> None:
    """Raise when an agent is logged in longer than ``interval_s`` in one row: the agent
    intervals are longer than ``interval_s``, and each would count as present in its first
    interval only (half-hour rows read as quarter hours left every second quarter empty)."""
    longer = seconds.to_numpy(float) > interval_s
    if longer.any():
        first = rows.loc[longer, ["agent_id", "interval_start"]].head(5)
        named = ", ".join(f"({agent}, {start})" for agent, start in first.to_numpy())
        raise ValueError(
            f"Value of 'interval_s' ({interval_s} s) is shorter than the agent intervals: "
            f"{int(longer.sum())} row(s) log more than {interval_s} s of handling_s + "
            f"available_s, first (agent_id, interval_start): {named}; pass the agent "
            "intervals' length as interval_s"
        )
