"""Breaches and root causes in plain words: periods, groups, gaps and the top contributors."""

import math

import numpy as np
import pandas as pd

from kpikit.catalog import kpi as kpi_definition
from kpikit.display import rated_value_text
from kpikit.scorecard import format_value

__all__ = ["gap_text", "group_text", "headline", "period_text", "percent_text"]

DIMENSION_LABELS = {
    "queue": "Queue",
    "team": "Team",
    "channel": "Channel",
    "reason": "Reason",
    "hours": "Time of day",
    "weekday": "Weekday",
    "site": "Site",
    "agent_id": "Agent",
    "date": "Day",
}

# What the denominator of each KPI counts, for "on 38 % of the ...".
_VOLUME_NOUNS = {
    "aht": "answered contacts",
    "asa": "answered contacts",
    "transfer_rate": "answered contacts",
    "resolution_rate": "contacts with an outcome",
    "fcr": "first contacts",
    "csat": "survey responses",
    "nps": "survey responses",
    "qa_score": "evaluations",
    "occupancy": "logged-in time",
    "utilization": "paid time",
    "schedule_adherence": "scheduled time",
    "cost_per_contact": "answered contacts",
}
NAMED_SHARE = 0.05
"""Hot spots holding less of the miss than this are not named in the findings."""

_INTERVAL_NOUNS = {900: "quarter-hour", 1800: "half-hour", 3600: "hour"}


def period_text(period, freq: str) -> str:
    """A period in words.

    >>> period_text(pd.Timestamp("2026-07-06"), "week"), period_text("2026-07-01", "quarter")
    ('week of Mon 6 Jul 2026', 'Q3 2026')
    """
    start = pd.Timestamp(period)
    if freq == "day":
        return f"{start:%a} {start.day} {start:%b %Y}"
    if freq == "week":
        return f"week of {start:%a} {start.day} {start:%b %Y}"
    if freq == "month":
        return f"{start:%B %Y}"
    if freq == "quarter":
        return f"Q{start.quarter} {start.year}"
    if freq == "year":
        return f"{start.year}"
    return f"{start:%a} {start.day} {start:%b %Y %H:%M}{_offset_text(start)}"


def _offset_text(start: pd.Timestamp) -> str:
    """The UTC offset of a time the clocks show twice (the night they go back), so that the two
    hours of 02:00 read apart as their breach ids do; "" for any other time.

    >>> night = pd.Timestamp("2026-10-25 00:00", tz="UTC").tz_convert("Europe/Paris")
    >>> for hours in (0, 1, 2):
    ...     print(period_text(night + pd.Timedelta(hours=hours), "hour"))
    Sun 25 Oct 2026 02:00 (UTC+02:00)
    Sun 25 Oct 2026 02:00 (UTC+01:00)
    Sun 25 Oct 2026 03:00
    """
    if start.tz is None:
        return ""
    wall = start.tz_localize(None)
    first, second = (wall.tz_localize(start.tz, ambiguous=flag) for flag in (True, False))
    return "" if first == second else f" (UTC{start.isoformat()[-6:]})"


def group_text(group) -> str:
    """A group in words: ``"site Lakeside"``, ``"the whole center"``; a null value (the rows
    without one) is ``"(none)"``.

    >>> group_text({"site": "Lakeside", "queue": "billing"}), group_text({})
    ('site Lakeside, queue billing', 'the whole center')
    >>> group_text({"site": None})
    'site (none)'
    """
    if not group:
        return "the whole center"
    return ", ".join(
        f"{DIMENSION_LABELS.get(k, k).lower()} {value_text(v)}" for k, v in group.items()
    )


def value_text(value) -> str:
    """A group's or segment's value in words; a null one (None, NaN, NA) is ``"(none)"``.

    >>> value_text("billing"), value_text(None), value_text(float("nan"))
    ('billing', '(none)', '(none)')
    """
    return "(none)" if value is None or value is pd.NA or value != value else str(value)


def percent_text(share) -> str:
    """A share (0..1) as a whole percent, ``"–"`` when missing; one that rounds to zero shows
    no sign (floating-point noise below zero is not "-0 %").

    >>> percent_text(0.4149), percent_text(float("nan")), percent_text(-1e-17)
    ('41 %', '–', '0 %')
    """
    if share is None or not math.isfinite(share):
        return "–"
    return f"{share * 100:z.0f} %"


def gap_text(gap: float, unit: str) -> str:
    """A gap in the KPI's unit: points for percents (percentage points) and for the KPIs in
    points (NPS, QA score), which showed a bare number ("30.0 short"); with more decimals than
    the unit's when these would show a gap as none (:func:`kpikit.display.rated_value_text`).

    >>> gap_text(12.34, "percent"), gap_text(45.2, "seconds"), gap_text(0.04, "percent")
    ('12.3 points', '45 s', '0.04 points')
    >>> gap_text(30.0, "points"), gap_text(2.5, "currency")
    ('30.0 points', '2.50')
    """
    if unit in ("percent", "points"):
        return f"{_points(gap)} points"
    return rated_value_text({"unit": unit, "target": 0.0, "value": gap})


def _points(gap: float) -> str:
    """A gap in points as a number, with the decimals :func:`gap_text` gives it."""
    return rated_value_text({"unit": "points", "target": 0.0, "value": gap})


def headline(kpi_id, group, period, freq, value, target) -> str:
    """One sentence on a breach. The value has more decimals than its unit's when these would
    show it as the target (:func:`kpikit.display.rated_value_text`), and so has the gap.

    >>> print(headline("service_level", {"site": "Lakeside"}, "2026-07-06", "week", 61.24, 80.0))
    Service level, site Lakeside, week of Mon 6 Jul 2026: 61.2 % against a target of 80.0 %
    (18.8 points short).
    >>> print(headline("aht", {}, "2026-01-05", "day", 150.4, 150.0))
    Average handle time, the whole center, Mon 5 Jan 2026: 150.4 s against a target of 150 s
    (0.4 s over).
    """
    definition = kpi_definition(kpi_id)
    side = "short" if value < target else "over"
    shown = rated_value_text({"unit": definition.unit, "target": target, "value": value})
    return (
        f"{definition.name}, {group_text(group)}, {period_text(period, freq)}: "
        f"{shown} against a target of "
        f"{format_value(target, definition.unit)} ({gap_text(abs(value - target), definition.unit)}"
        f" {side})."
    )


def findings(cause, *, top: int, hot_spot, interval_s: int) -> list[str]:
    """The top contributors of a :class:`~kpikit.governance.rootcause.RootCause` in plain words:
    hot spots, the staffing check of its ``interval_s``-second intervals (first when it
    explains half of the miss or more), the worst days, then the largest segment of each
    dimension."""
    texts = [*_hot_spot_texts(cause, top, hot_spot)]
    if cause.staffing is not None:
        # staffing leads when it explains at least half of the miss
        first = cause.understaffed_share >= 0.5
        texts.insert(0 if first else len(texts), _staffing_text(cause, interval_s))
    texts += _worst_days_text(cause, top)
    texts += _dimension_texts(cause)
    return texts


def _share_text(contribution: float, gap: float, unit: str) -> str:
    """``"41 % of the miss"``; beyond 150 % (others made up for part of it) the amounts:
    ``"1.4 points of a 0.5-point miss"``."""
    share = contribution / gap if gap > 0 else math.nan
    if math.isfinite(share) and share > 1.5:
        return f"{gap_text(contribution, unit)} of {_miss_text(gap, unit)}"
    return f"{percent_text(share)} of the miss"


def _made_up_text(contribution: float, gap: float) -> str:
    """What the other segments made up when one holds more than the whole miss, in percent
    (the others did better than the target): ``"the others made up 33 %"`` beside "133 % of
    the miss"; "" otherwise, and beyond 150 %, where the share is given as amounts.

    >>> _made_up_text(40.0, 30.0), _made_up_text(15.0, 30.0), _made_up_text(60.0, 30.0)
    ('the others made up 33 %', '', '')
    """
    share = contribution / gap if gap > 0 else math.nan
    if math.isfinite(share) and round(share, 2) > 1 and share <= 1.5:
        return f"the others made up {percent_text(share - 1)}"
    return ""


def _noted(text: str, note: str) -> str:
    """``text`` with ``note`` in parentheses, when there is one."""
    return f"{text} ({note})" if note else text


def _miss_text(gap: float, unit: str) -> str:
    """A miss of ``gap`` in words, with the decimals of :func:`gap_text` (the headline's): a
    0.4 s miss is not "a 0-second miss".

    >>> _miss_text(0.46, "percent"), _miss_text(21.3, "seconds"), _miss_text(0.3, "currency")
    ('a 0.5-point miss', 'a 21-second miss', 'a miss of 0.30')
    >>> _miss_text(0.04, "percent"), _miss_text(0.4, "seconds")
    ('a 0.04-point miss', 'a 0.4-second miss')
    """
    if unit in ("percent", "points"):
        return f"a {_points(gap)}-point miss"
    if unit == "seconds":
        return f"a {gap_text(gap, unit).removesuffix(' s')}-second miss"
    return f"a miss of {gap_text(gap, unit)}"


def _hot_spot_texts(cause, top, hot_spot):
    spots = cause.hot_spots
    if spots.empty or "share_of_gap" not in spots:
        return []
    texts = []
    named = spots[spots["share_of_gap"] >= NAMED_SHARE]
    for spot in row_dicts(named.head(top)):
        when = " ".join(str(spot[key]) for key in ("weekday", "hours") if key in spot)
        where = f" on {value_text(spot[hot_spot])}" if hot_spot in spot else ""
        share = _share_text(spot["contribution"], cause.gap, kpi_definition(cause.kpi).unit)
        text = _noted(f"{when}{where}: {share}", _made_up_text(spot["contribution"], cause.gap))
        short = spot.get("agents_short", math.nan)
        if short is not None and math.isfinite(short) and round(short) >= 1:
            text += f"; {round(short):.0f} agent{'s' * (round(short) != 1)} short"
        texts.append(text + ".")
    return texts


def _staffing_text(cause, interval_s: int) -> str:
    """The staffing check of ``cause`` in words: how many of its ``interval_s``-second
    intervals were short of the requirement, by how many agents, and their share of the miss."""
    staffing = cause.staffing
    short = staffing[staffing["understaffed"]]
    noun = _INTERVAL_NOUNS[interval_s]
    if short.empty:
        return (
            f"No {noun}s were short of the Erlang C requirement for their volume and handle "
            f"time: staffing does not explain this miss."
        )
    unit = kpi_definition(cause.kpi).unit
    contribution = cause.understaffed_share * cause.gap
    share = _noted(
        _share_text(contribution, cause.gap, unit), _made_up_text(contribution, cause.gap)
    )
    agents = f"{short['short'].mean():.1f}"
    # the verb follows the short ones: "1 of 4 half-hours was short", "2 of 4 ... were"
    was, its, it = (
        ("was", "its", "it accounts") if len(short) == 1 else ("were", "their", "they account")
    )
    return (
        f"{len(short)} of {len(staffing)} {noun}{'s' * (len(staffing) != 1)} {was} short of the "
        f"Erlang C requirement for {its} volume and handle time ({agents} "
        f"agent{'s' * (agents != '1.0')} on average); {it} for {share}."
    )


def _worst_days_text(cause, top: int) -> list:
    segments = cause.segments
    contribution = segments["contribution"].to_numpy(float)
    days = np.flatnonzero((segments["dimension"] == "date").to_numpy() & (contribution > 0))
    # the largest first, equal ones in date order
    days = days[np.argsort(-contribution[days], kind="stable")][:top]
    if not len(days):
        return []
    names = [pd.Timestamp(label[:10]) for label in segments["segment"].to_numpy()[days]]
    listed = [f"{day:%a} {day.day} {day:%b}" for day in sorted(names)]
    joined = ", ".join(listed[:-1]) + f" and {listed[-1]}" if len(listed) > 1 else listed[0]
    unit = kpi_definition(cause.kpi).unit
    total = contribution[days].sum()
    share = _noted(_share_text(total, cause.gap, unit), _made_up_text(total, cause.gap))
    return [f"Worst days: {joined}, together {share}."]


def row_dicts(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts of column to value, the values as
    :meth:`pandas.DataFrame.iterrows` gives them (a missing Arrow string stays ``pd.NA``, where
    ``to_dict("records")`` gives None), without building a Series per row.

    >>> row_dicts(pd.DataFrame({"queue": ["tech"], "share": [0.5]}))
    [{'queue': 'tech', 'share': 0.5}]
    """
    return [dict(zip(frame.columns, row, strict=True)) for row in frame.to_numpy()]


def top_segments(segments: pd.DataFrame) -> pd.DataFrame:
    """The row of each dimension of a root cause's ``segments`` with the largest contribution,
    the first of them on a tie: one row per dimension, in the dimensions' order.

    >>> segments = pd.DataFrame({"dimension": ["queue", "queue", "team", "team"],
    ...                          "segment": ["a", "b", "x", "y"],
    ...                          "contribution": [1.0, 3.0, 2.0, 2.0]})
    >>> top_segments(segments)[["dimension", "segment"]]
      dimension segment
    1     queue       b
    2      team       x
    """
    if segments.empty:
        return segments
    codes = pd.factorize(segments["dimension"])[0]
    order = np.lexsort((-segments["contribution"].to_numpy(float), codes))  # ties keep row order
    first = np.unique(codes[order], return_index=True)[1]
    return segments.iloc[order[first]]


def _dimension_texts(cause):
    segments = cause.segments
    if segments.empty:
        return []
    definition = kpi_definition(cause.kpi)
    noun = _VOLUME_NOUNS.get(cause.kpi, "contacts")
    ranked = []
    for best in row_dicts(top_segments(segments)):
        dimension = best["dimension"]
        if dimension == "date" or not best["contribution"] > 0:
            continue
        reasons = []
        if best["performance"] > 0.25 * best["contribution"]:
            reasons.append("weaker performance")
        if best["mix"] > 0.25 * best["contribution"]:
            reasons.append(
                f"more volume than usual, {percent_text(best['share'])} against "
                f"{percent_text(best['baseline_share'])}"
            )
        label = DIMENSION_LABELS.get(dimension, dimension)
        share = _share_text(best["contribution"], cause.gap, definition.unit)
        made_up = _made_up_text(best["contribution"], cause.gap)
        # as the headline shows a value: a segment at 5.04 % is not "5.0 %" against 5.0 %
        value = rated_value_text(
            {"unit": definition.unit, "target": cause.target, "value": best["value"]}
        )
        text = (
            f"{label} {best['segment']}: {share} "
            f"({definition.name.lower()} {value} on "
            f"{percent_text(best['share'])} of {noun}"
            + (f"; {' and '.join(reasons)}" if reasons else "")
            + (f"; {made_up}" if made_up else "")
            + ")."
        )
        ranked.append((best["share_of_gap"], text))
    # equal shares (one team on one channel) rank in the dimensions' order, not by float noise
    ranked.sort(key=lambda item: -round(item[0], 9))
    return [text for _, text in ranked]
