"""Which KPIs make sense at which level (center, team, agent, queue), and which periods are partial.

Some KPIs cannot be split by some columns, and computing them anyway gives numbers that look
fine and mean nothing:

- **rates over offered contacts by agent** (service level, abandonment rate, answer rate):
  an unanswered contact has no agent, so every agent would "answer" 100 % and abandon 0 %;
- **cost per contact by anything but channel**: costs are recorded by period and channel;
- **agent-interval KPIs** (occupancy, utilization, schedule adherence) **by a column the agent
  intervals do not have** (a queue, or a team when the intervals carry no team).

The dashboards leave such KPIs out and say why (:func:`inapplicable`).
"""

import narwhals.stable.v2 as nw
import pandas as pd

from kpikit._frames import collected
from kpikit.catalog import kpi as kpi_definition

__all__ = ["OFFERED_RATES", "data_span", "inapplicable", "inapplicable_note", "partial_periods"]

OFFERED_RATES = ("service_level", "abandonment_rate", "answer_rate")
"""KPIs whose denominator counts unanswered contacts, which have no agent."""

_FREQ_PERIODS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def inapplicable(kpis, column, *, interval_columns=()) -> dict[str, str]:
    """KPIs of ``kpis`` that do not apply when grouping by ``column``, with the reason.

    Parameters
    ----------
    kpis : iterable of str
    column : str or None
        The grouping column (``None``: the whole center, where every KPI applies).
    interval_columns : collection of str, default=()
        Columns of the agent intervals (an interval KPI applies where they have ``column``);
        None when the data has no agent intervals (their KPIs then simply have no data).

    Returns
    -------
    dict
        KPI id -> reason, in the order of ``kpis``.

    Examples
    --------
    >>> for kpi_id, reason in inapplicable(["aht", "abandonment_rate", "cost_per_contact"],
    ...                                     "agent_id").items():
    ...     print(kpi_id, "-", reason)
    abandonment_rate - unanswered contacts have no agent
    cost_per_contact - costs are recorded by period and channel only
    >>> inapplicable(["occupancy"], "team", interval_columns=["agent_id", "team"])
    {}
    """
    if column is None:
        return {}
    reasons = {}
    for kpi_id in kpis:
        if kpi_id == "cost_per_contact" and column != "channel":
            reasons[kpi_id] = "costs are recorded by period and channel only"
        elif kpi_id in OFFERED_RATES and column == "agent_id":
            reasons[kpi_id] = "unanswered contacts have no agent"
        elif (
            kpi_definition(kpi_id).table == "agent_intervals"
            and interval_columns is not None
            and column not in interval_columns
        ):
            reasons[kpi_id] = "agent intervals do not record it"
    return reasons


def inapplicable_note(reasons: dict[str, str], groups: str) -> str:
    """One sentence naming the KPIs left out and why ("" when none).

    >>> inapplicable_note({"abandonment_rate": "unanswered contacts have no agent"}, "agents")
    'Not shown for agents: Abandonment rate (unanswered contacts have no agent).'
    """
    if not reasons:
        return ""
    by_reason = {}
    for kpi_id, reason in reasons.items():
        by_reason.setdefault(reason, []).append(kpi_definition(kpi_id).name)
    parts = [f"{', '.join(names)} ({reason})" for reason, names in by_reason.items()]
    return f"Not shown for {groups}: {'; '.join(parts)}."


def partial_periods(first, last, freq: str) -> dict[pd.Timestamp, str]:
    """Periods of ``freq`` the data covers only in part, with the days it covers.

    The data covers the days from ``first`` to ``last`` (arrival times); a period that starts
    before the first day or ends after the last one is partial. Periods of a day or less are
    never partial.

    Returns
    -------
    dict
        Period start -> what the data covers (``"1–29 Aug"``).

    Examples
    --------
    >>> partial_periods(pd.Timestamp("2026-06-01 00:02"), pd.Timestamp("2026-08-29 17:59"),
    ...                 "month")
    {Timestamp('2026-08-01 00:00:00'): '1–29 Aug 2026'}
    >>> weeks = partial_periods(pd.Timestamp("2026-06-03"), pd.Timestamp("2026-06-30"), "week")
    >>> [f"{start:%d %b}: {covered}" for start, covered in weeks.items()]
    ['01 Jun: 3–7 Jun 2026', '29 Jun: 29–30 Jun 2026']
    >>> partial_periods(pd.Timestamp("2026-11-03 08:00", tz="America/New_York"),
    ...                 pd.Timestamp("2026-11-30 20:00", tz="America/New_York"), "month")
    {Timestamp('2026-11-01 00:00:00-0400', tz='America/New_York'): '3–30 Nov 2026'}
    """
    if freq not in _FREQ_PERIODS or pd.isna(first) or pd.isna(last):
        return {}
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    zone = first.tz  # periods of zoned times start at local midnight, in their zone
    first_day, last_day = (t.tz_localize(None).normalize() for t in (first, last))
    partial = {}
    for day in {first_day, last_day}:
        period = day.to_period(_FREQ_PERIODS[freq])
        start, end = period.start_time.normalize(), period.end_time.normalize()
        if start < first_day or end > last_day:
            covered_from, covered_to = max(start, first_day), min(end, last_day)
            if zone is not None:
                start = start.tz_localize(zone, nonexistent="shift_forward")
            partial[start] = _days(covered_from, covered_to)
    return dict(sorted(partial.items()))


def data_span(contacts) -> tuple:
    """First and last arrival of a contact log, on any engine (None, None without arrivals).

    >>> data_span(pd.DataFrame({"arrived_at": pd.to_datetime(["2026-03-02", "2026-03-06"])}))
    (Timestamp('2026-03-02 00:00:00'), Timestamp('2026-03-06 00:00:00'))
    """
    frame = nw.from_native(contacts)
    if "arrived_at" not in frame.collect_schema().names():
        return None, None
    bounds = collected(
        frame.select(
            nw.col("arrived_at").min().alias("first"), nw.col("arrived_at").max().alias("last")
        )
    )
    return bounds["first"].item(), bounds["last"].item()


def _days(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start.month == end.month and start.year == end.year:
        return f"{start.day}–{end.day} {end:%b %Y}"
    return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
