"""The monthly business review and the quarterly strategic review (see
:mod:`kpikit.governance.cadence`)."""

import math

import numpy as np
import pandas as pd

from kpikit._validators import check_choice, check_number, is_number
from kpikit.catalog import benchmarks as load_benchmarks
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import rated_value_text, signed_text
from kpikit.governance.cadence import (
    WHOLE_CENTER,
    Rated,
    Section,
    _by_group,
    _levels,
    actions_section,
    by_severity,
    group_label,
    group_labels,
)
from kpikit.governance.rootcause import root_cause
from kpikit.governance.words import row_dicts, top_segments
from kpikit.scorecard import Scorecard, format_value, target_text

__all__ = ["monthly", "next_target", "quarterly"]

TOP_CONTRIBUTORS = 3
"""Hot spots named per miss in the monthly review."""


# --- monthly --------------------------------------------------------------------------------


def monthly(context) -> list:
    """Scorecard of the month, the root cause of every miss, open actions (overdue first)."""
    return [
        _scorecard(context),
        *_root_causes(context),
        actions_section(context),
    ]


def _scorecard(context) -> Section:
    rows, lines = [], []
    for by in _levels(context):
        rated = context.rated("month", by=by)
        month = rated[rated["period"] == context.start]
        if month.empty:  # a month without contacts has nothing to rate
            continue
        composite = Scorecard(month, by=by).composite
        for group, frame in _by_group(month, by):
            scores = composite.merge(frame.iloc[[0]][by], on=by) if by else composite
            score = float(scores["score"].iloc[0])
            missed = frame[frame["status"] == "red"]["name"].tolist()
            lines.append(
                f"{group}: composite score {score:.0f} of 100"
                + (f"; missed {', '.join(missed)}." if missed else "; no KPI missed.")
            )
            for _, row in frame.iterrows():
                rows.append(
                    {
                        "group": group,
                        "area": row["area"],
                        "KPI": row["name"],
                        "value": row["value"],
                        "target": _target_value(row),
                        "status": row["status"],
                        "score": row["score"],
                        "_target_text": target_text(row),
                        "_value_text": rated_value_text(row),
                    }
                )
    table = pd.DataFrame(rows)
    if table.empty:
        return Section("Scorecard", ["No contacts this month: there is no KPI to rate."])
    return Section(
        "Scorecard",
        lines,
        table.drop(columns=["_target_text", "_value_text"]),
        "scorecard",
        display=_matrix(table),
    )


def _matrix(table: pd.DataFrame) -> pd.DataFrame:
    """KPIs down, groups across: each cell the value with its status."""
    pairs = zip(table["_value_text"], table["status"], strict=True)
    cells = table.assign(cell=[Rated(text, status) for text, status in pairs])
    matrix = cells.pivot(index=["KPI", "_target_text"], columns="group", values="cell")
    order = list(dict.fromkeys(table["KPI"]))
    matrix = matrix.reindex(sorted(matrix.index, key=lambda key: order.index(key[0])))
    matrix = matrix[list(dict.fromkeys(table["group"]))]
    matrix.columns.name = None
    return matrix.reset_index().rename(columns={"_target_text": "target"})


def _target_value(row) -> float:
    if row["better"] == "band":
        value = row["value"]
        return row["band_low"] if value < row["band_low"] else row["band_high"]
    return row["target"]


def _root_causes(context) -> list:
    found = context.breaches("month")
    month = by_severity(found[found["period"] == context.start])
    header = Section(
        "Root cause of each miss",
        [
            _misses_text(month)
            + " Each miss is split over the segments that made it (contributions add up to the "
            "gap; mix is more volume than usual where performance is weak, performance is the "
            "segment doing worse than the target at its usual volume). A share above 100 % "
            "means other segments beat the target and made up for part of the miss."
        ],
    )
    sections = [header]
    for _, breach in month.iterrows():
        cause = root_cause(
            context.data,
            breach,
            top=TOP_CONTRIBUTORS,
            cache=context.cache.setdefault("root causes", {}),
            **context.options,
        )
        contributors = _contributors(cause, group_label(breach, context.by))
        sections.append(
            Section(
                cause.headline,
                cause.findings,
                contributors,
                "root causes",
                level=3,
                display=contributors.drop(columns=["group", "KPI", "value", "target", "gap"]),
            )
        )
    return sections


def _misses_text(month: pd.DataFrame) -> str:
    """How many misses ``month`` (the month's breaches) holds and of how many KPIs: one KPI
    missed by two sites is two misses of one KPI, not "2 governance KPIs below target" (and an
    AHT over its target is not below it).

    >>> month = pd.DataFrame({"kpi": ["service_level", "service_level", "aht"]})
    >>> _misses_text(month)
    '3 misses of the governance targets this month, of 2 KPIs.'
    >>> _misses_text(month.iloc[:1])
    '1 miss of the governance targets this month, of 1 KPI.'
    >>> _misses_text(month.iloc[:0])
    'No governance target was missed this month.'
    """
    misses, kpis = len(month), month["kpi"].nunique()
    if not misses:
        return "No governance target was missed this month."
    return (
        f"{misses} miss{'es' * (misses != 1)} of the governance targets this month, of {kpis} "
        f"KPI{'s' * (kpis != 1)}."
    )


def _contributors(cause, group: str) -> pd.DataFrame:
    """The hot spots and the top segment of each dimension, with their share of the miss."""
    rows = []
    spots = cause.hot_spots
    if not spots.empty:
        labels = [c for c in ("weekday", "hours", "queue", "team") if c in spots.columns]
        for spot in row_dicts(spots.head(TOP_CONTRIBUTORS)):
            when = " ".join(str(spot[label]) for label in labels)
            rows.append(_contribution_row(group, cause, "hot spot", when, spot))
    for best in row_dicts(top_segments(cause.segments)):
        rows.append(_contribution_row(group, cause, best["dimension"], best["segment"], best))
    return pd.DataFrame(rows)


def _contribution_row(group, cause, dimension, segment, row) -> dict:
    return {
        "group": group,
        "KPI": kpi_definition(cause.kpi).name,
        "value": cause.value,
        "target": cause.target,
        "gap": cause.gap,
        "dimension": dimension,
        "segment": segment,
        "share of the miss (%)": 100 * row["share_of_gap"],
        "performance": row["performance"],
        "mix": row["mix"],
        "contribution": row["contribution"],
        "agents short": row.get("agents_short", math.nan),
    }


# --- quarterly ------------------------------------------------------------------------------


def quarterly(context) -> list:
    """Target review, cost per contact and its trend, persistent underperformance."""
    return [
        _persistent(context),
        _target_review(context),
        _cost_per_contact(context),
    ]


def _week_range(values: np.ndarray) -> dict:
    """The lowest, median and highest of the weekly ``values`` that are known (a week with no
    contact to count has none); NaN each when no week has one.

    >>> _week_range(np.array([80.0, math.nan, 70.0]))
    {'lowest week': 70.0, 'median week': 75.0, 'highest week': 80.0}
    >>> _week_range(np.array([math.nan]))
    {'lowest week': nan, 'median week': nan, 'highest week': nan}
    """
    known = values[~np.isnan(values)]
    if not len(known):
        return dict.fromkeys(("lowest week", "median week", "highest week"), math.nan)
    return {
        "lowest week": float(known.min()),
        "median week": float(np.median(known)),
        "highest week": float(known.max()),
    }


def next_target(
    target: float, direction: str, weekly, *, unit="percent", ceiling=None, step: float = 0.5
):
    """A suggested next target on a progressive ramp, and why.

    Rule: when the target was met in at least three weeks of four, move it ``step`` (half) of
    the way towards the median week, never past ``ceiling`` (the world-class benchmark edge),
    rounded to a usual step of the unit (0.5 point, 5 s, 1 point, 0.05 currency) towards the
    old target; when it was met less often, keep it and fix the misses first. Targets never
    go down.

    Parameters
    ----------
    target : float
    direction : {"higher", "lower"}
    weekly : sequence of float
        The KPI's weekly values in the quarter.
    unit : {"percent", "seconds", "points", "currency"}, default="percent"
    ceiling : float, default=None
        The best sensible target (a world-class benchmark edge); None or NaN for none.
    step : float, default=0.5
        The part of the way to the median week a target moves, in (0, 1].

    Returns
    -------
    (float, str)

    Examples
    --------
    >>> next_target(80, "higher", [84, 83, 86, 79], ceiling=90)   # met 3 of 4, median 83.5
    (81.5, 'met in 3 of 4 weeks: move halfway to the median week, 83.5 %')
    >>> next_target(360, "lower", [300, 320, 340, 350], unit="seconds")   # median 330 s
    (345.0, 'met in 4 of 4 weeks: move halfway to the median week, 330 s')
    >>> next_target(80, "higher", [70, 83, 75, 79])
    (80.0, 'met in 1 of 4 weeks: keep it and fix the misses first')
    >>> next_target(80, "higher", [70])
    (80.0, 'met in 0 of 1 week: keep it and fix the misses first')

    Raises
    ------
    TypeError
        ``target``, ``step`` or ``ceiling`` that is not a number, a weekly value that is
        neither a finite number nor null (a week without a value: None, NaN).
    ValueError
        ``direction`` other than "higher" or "lower" (it was read as "lower": a typo lowered
        a target that should rise), an unknown ``unit``, ``step`` outside (0, 1], a
        ``target`` that is not finite.
    """
    target = check_number("target", target)
    check_choice("direction", direction, ("higher", "lower"), "a direction a target moves in")
    check_choice("unit", unit, _TARGET_STEPS, "a unit")
    step = check_number("step", step, minimum=0, maximum=1, above_minimum=True)
    if ceiling is not None and not (pd.api.types.is_scalar(ceiling) and pd.isna(ceiling)):
        ceiling = check_number("ceiling", ceiling)
    values = _weekly_values(weekly)
    if not len(values):
        return float(target), "no weekly values"
    better = values >= target if direction == "higher" else values <= target
    met, weeks = int(better.sum()), len(values)
    median = float(np.median(values))
    record = f"met in {met} of {weeks} week{'s' * (weeks != 1)}"
    if met / weeks < 0.75:
        return float(target), f"{record}: keep it and fix the misses first"
    proposed = target + step * (median - target)
    if ceiling is not None and np.isfinite(ceiling):
        if direction == "higher":
            proposed = min(proposed, max(ceiling, target))
        else:
            proposed = max(proposed, min(ceiling, target))
    grain = _TARGET_STEPS.get(unit, 0.5)
    # to 9 decimals first: 1.30 halfway to 1.10 is 1.2000000000000002, 24.000000000000004
    # steps of 0.05, which a ceiling made 25 (1.25)
    steps = round(proposed / grain, 9)
    rounded = (math.floor if direction == "higher" else math.ceil)(steps) * grain
    if (rounded - target) * (1 if direction == "higher" else -1) <= 0:
        return float(target), f"{record}, with little room: keep it"
    way = "halfway" if step == 0.5 else f"{100 * step:g} % of the way"
    return round(float(rounded), 2), (
        f"{record}: move {way} to the median week, {format_value(median, unit)}"
    )


def _weekly_values(weekly) -> np.ndarray:
    """The known weekly values as floats: a null (None, NaN, NA) is a week without a value and
    left out; anything else that is not a finite number raises, naming its position.

    >>> _weekly_values([84, None, 86.5])
    array([84. , 86.5])
    >>> _weekly_values([84, "83"])
    Traceback (most recent call last):
    ...
    TypeError: Value of 'weekly' must hold numbers (or nulls for weeks without a value) but 1 ...
    """
    if isinstance(weekly, str | bytes) or not np.iterable(weekly):
        raise TypeError(
            f"Value of 'weekly' must be a sequence of weekly values but received: {weekly!r}"
        )
    weekly = list(weekly)
    known = [not (pd.api.types.is_scalar(v) and pd.isna(v)) for v in weekly]
    bad = [
        (position, value)
        for position, (value, kept) in enumerate(zip(weekly, known, strict=True))
        if kept and not is_number(value)
    ]
    if bad:
        where = ", ".join(f"position {position}: {value!r}" for position, value in bad[:5])
        raise TypeError(
            f"Value of 'weekly' must hold numbers (or nulls for weeks without a value) but "
            f"{len(bad)} value{'s' * (len(bad) != 1)} {'are' if len(bad) != 1 else 'is'} not: "
            f"{where}"
        )
    return np.asarray([v for v, kept in zip(weekly, known, strict=True) if kept], dtype=float)


_TARGET_STEPS = {"percent": 0.5, "seconds": 5.0, "points": 1.0, "currency": 0.05}


def _target_review(context) -> Section:
    rated = context.rated("week", by=[])
    quarter = rated[(rated["period"] >= context.start) & (rated["period"] < context.end)]
    bench = load_benchmarks(sector=context.sector)
    rows = []
    lines = [
        "Targets are reviewed every quarter and rise as the program matures; during the first "
        "90 days they are usually 5-10 % below the long-term goal (see kpikit.scorecard.Ramp). "
        "Weekly values of the whole center against the target and the sector's benchmarks:"
    ]
    for kpi_id, weekly in quarter.groupby("kpi", sort=False):
        definition = kpi_definition(kpi_id)
        row = weekly.iloc[0]
        values = weekly.sort_values("period")["value"].to_numpy(float)
        average, world = _benchmark_edges(bench, kpi_id)
        if definition.direction == "band":
            suggestion, why = math.nan, "a band: keep it"
            target = math.nan
        else:
            target = float(row["target"])
            suggestion, why = next_target(
                target, definition.direction, values, unit=definition.unit, ceiling=world
            )
        met, known = weekly["status"].eq("green").sum(), int(np.isfinite(values).sum())
        if not known:  # the data cannot give it (occupancy without agent intervals)
            why = "no weekly values"
        rows.append(
            {
                "KPI": definition.name,
                "target": target,
                "weeks met": f"{met} of {known}" if known else "no week known",
                **_week_range(values),
                "benchmark average": average,
                "world class": world,
                "suggested next target": suggestion,
                "why": why,
            }
        )
        if np.isfinite(suggestion) and suggestion != target:
            lines.append(
                f"{definition.name}: raise the target from {format_value(target, definition.unit)}"
                f" to {format_value(suggestion, definition.unit)} ({why})."
            )
    return Section("Target review", lines, pd.DataFrame(rows), "target review")


def _benchmark_edges(bench: pd.DataFrame, kpi_id: str):
    rows = bench[(bench["kpi"] == kpi_id) & (bench["channel"] == "all")]
    definition = kpi_definition(kpi_id)
    good = "low" if definition.direction == "higher" else "high"

    def edge(tier, column):
        found = rows[rows["tier"] == tier][column].dropna()
        return float(found.iloc[0]) if len(found) else math.nan

    average = rows[rows["tier"] == "average"]
    average_text = (
        f"{format_value(average['low'].iloc[0], definition.unit)}–"
        f"{format_value(average['high'].iloc[0], definition.unit)}"
        if len(average)
        else "–"
    )
    return average_text, edge("world_class", good)


def _cost_per_contact(context) -> Section:
    from kpikit._frames import pandas_frame
    from kpikit.metrics import compute

    if context.data.costs is None:
        return Section("Cost per contact", ["The data has no costs table."])
    rows = []
    for by in (["channel"], []):
        try:
            table = pandas_frame(
                compute(
                    context.data,
                    kpis=["cost_per_contact"],
                    by=by or None,
                    freq="month",
                    **context.options,
                )
            )
        except ValueError:
            continue
        for group, frame in _by_group(table, by):
            frame = frame.sort_values("period")
            frame = frame[frame["period"] < context.end]
            frame = frame.assign(change=_monthly_change(frame["value"]))
            for _, row in frame.iterrows():
                rows.append(
                    {
                        "channel": group,
                        "month": row["period"],
                        "cost": row["numerator"],
                        "answered": row["denominator"],
                        "cost per contact": row["value"],
                        "change (%)": row["change"],
                        "in quarter": bool(row["period"] >= context.start),
                    }
                )
    table = pd.DataFrame(rows)
    lines = []
    if not table.empty:
        center = table[table["channel"] == WHOLE_CENTER].dropna(subset=["cost per contact"])
        if len(center) >= 2:
            first, last = center.iloc[0], center.iloc[-1]
            change = _monthly_change(center["cost per contact"].iloc[[0, -1]]).iloc[-1]
            lines.append(
                f"Cost per answered contact went from {first['cost per contact']:.2f} in "
                f"{first['month']:%B %Y} to {last['cost per contact']:.2f} in "
                f"{last['month']:%B %Y}"
                + (f" ({signed_text(change)} %)." if np.isfinite(change) else ".")
            )
    return Section("Cost per contact", lines, table, "cost per contact")


def _monthly_change(values: pd.Series) -> pd.Series:
    """Each value's change from the one before it, in percent: null after a month without a
    value (pandas 2's ``pct_change`` compared with the month before that, and called the month
    without a value a 0 % change) or with a value of 0 (no change in percent from nothing).

    >>> _monthly_change(pd.Series([10.0, np.nan, 30.0, 0.0, 5.0])).tolist()
    [nan, nan, nan, -100.0, nan]
    """
    previous = values.shift()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = 100 * (values / previous - 1)
    return change.where(previous > 0)


def _persistent_runs(rows: pd.DataFrame) -> str:
    """How long each KPI of one group's persistent breaches has been missed, the longest
    first: each its own days (a KPI missed for 63 days is not "missed for 70 days" beside one
    that was).

    >>> rows = pd.DataFrame({"name": ["Abandonment rate", "Service level"],
    ...                      "days_in_breach": [63, 70]})
    >>> _persistent_runs(rows)
    'Service level missed for 70 days in a row, Abandonment rate for 63'
    >>> _persistent_runs(rows.iloc[:1])
    'Abandonment rate missed for 63 days in a row'
    """
    ordered = rows.sort_values("days_in_breach", ascending=False, kind="stable")
    pairs = list(zip(ordered["name"], ordered["days_in_breach"].astype(int), strict=True))
    (name, days), others = pairs[0], pairs[1:]
    return ", ".join(
        [f"{name} missed for {days} days in a row", *(f"{n} for {d}" for n, d in others)]
    )


def _persistent(context) -> Section:
    found = context.breaches("week", include_amber=False)
    # the quarter's last week with contacts, breached or not: a group that recovered in it
    # is no longer in breach
    weeks = context.rated("week", by=[])["period"]
    last_week = weeks[weeks < context.end].max()
    current = found[(found["period"] == last_week) & (found["persistent"] > 0)]
    lines = [
        "A KPI missed beyond its tolerance week after week, for 60 to 90 days despite "
        "remediation, puts the provider's fit in question."
    ]
    if current.empty:
        lines.append("No group is in persistent breach.")
    labels = pd.Series(group_labels(current, context.by), index=current.index)
    for group, rows in current.groupby(labels, sort=True):
        lines.append(
            f"{group}: {_persistent_runs(rows)} (flagged at {int(rows['persistent'].max())} "
            "days): review the provider's fit."
        )
    table = pd.DataFrame(
        {
            "group": group_labels(current, context.by),
            "KPI": current["name"].to_numpy(),
            "in breach since": current["breach_since"].to_numpy(),
            "weeks in a row": current["periods_in_breach"].to_numpy(),
            "days": current["days_in_breach"].to_numpy(),
            "flag (days)": current["persistent"].to_numpy(),
            "latest value": current["value"].to_numpy(),
            "target": current["target"].to_numpy(),
        }
    )
    return Section(
        "Persistent underperformance", lines, table if len(table) else None, "persistent"
    )
