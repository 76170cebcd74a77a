"""The governance dashboard's text and tables: summary, breach labels, root-cause bars,
register history (HTML and frames for :class:`kpikit.apps.GovernanceApp`)."""

import html

import pandas as pd

from kpikit.apps._base import section_heading
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import rated_value_text
from kpikit.governance import words as governance_words
from kpikit.governance.decompose import DECOMPOSITION_COLUMNS

EMPTY_BARS = pd.DataFrame({"label": [], "performance": [], "mix": []})
"""Root-cause bars when there is no breach to explain."""

_MAX_HISTORY_ROWS = 50


def summary_html(window, overdue, as_of, days, by) -> str:
    """Counts of the window's breaches, of the overdue root causes and plans, and the groups
    in breach for 60 days or more; how to read the chart's marks when it has any.

    >>> window = pd.DataFrame({"status": ["red"], "persistent": [0]})
    >>> print(summary_html(window, {}, pd.Timestamp("2026-06-08 09:00"), 30, ["team"]))
    <p><strong>1 breach</strong> in the 30 days to Mon 08 Jun 2026 09:00 (1 beyond tolerance):
    <strong>0 root causes</strong> and <strong>0 plans</strong> overdue (a root cause is due 48
    hours after the day closes, a plan 7 days after). Ringed marks are overdue; click a mark for
    its root cause.</p>
    >>> "click a mark" in summary_html(window.iloc[:0], {}, pd.Timestamp("2026-06-08"), 30, [])
    False
    """
    red = int((window["status"] == "red").sum())
    late_cause = sum("root cause" in text for text in overdue.values())
    late_plan = sum("plan" in text for text in overdue.values())
    persistent = window[window["persistent"] > 0]
    marks = " Ringed marks are overdue; click a mark for its root cause." if len(window) else ""
    text = (
        f"<p><strong>{_counted(len(window), 'breach', 'breaches')}</strong> in the {days} days "
        f"to {as_of:%a %d %b %Y %H:%M} ({red} beyond tolerance): <strong>"
        f"{_counted(late_cause, 'root cause', 'root causes')}</strong> and <strong>"
        f"{_counted(late_plan, 'plan', 'plans')}</strong> overdue (a root cause is due 48 "
        f"hours after the day closes, a plan 7 days after).{marks}</p>"
    )
    if len(persistent):
        names = sorted(  # "for site (none)": "((none))" read as a typo
            {
                f"{row['name']} for {governance_words.group_text({key: row[key] for key in by})}"
                for _, row in persistent.iterrows()
            }
        )
        text += "<p>In breach for 60 days or more: " + html.escape("; ".join(names)) + ".</p>"
    return text


def run_text(row) -> str:
    """How long a breach's group has been in breach, when for more than one day: since when and
    for how many days (the calendar days persistence is flagged at), and how many of them had
    data when fewer did. "In breach 45 days in a row, flagged at 60 days" read as a flag 15 days
    early: a center closed at weekends had 45 days with data in 61.

    >>> row = {"periods_in_breach": 45, "days_in_breach": 61, "persistent": 60,
    ...        "breach_since": pd.Timestamp("2026-03-02")}
    >>> run_text(row)
    ' In breach since Mon 02 Mar, 61 days (45 of them with data), flagged at 60 days.'
    >>> run_text({**row, "periods_in_breach": 3, "days_in_breach": 3, "persistent": 0})
    ' In breach since Mon 02 Mar, 3 days.'
    """
    periods, days = row["periods_in_breach"], row["days_in_breach"]
    if periods <= 1:
        return ""
    text = f" In breach since {row['breach_since']:%a %d %b}, {days} days"
    if periods < days:
        text += f" ({periods} of them with data)"
    return text + (f", flagged at {row['persistent']} days." if row["persistent"] else ".")


def _counted(count: int, one: str, many: str) -> str:
    """``1 breach``, ``0 breaches``."""
    return f"{count} {one if count == 1 else many}"


def breach_label(row, by) -> str:
    """A breach in the ``breach`` list: day, group, the KPI's short name and the value.

    Short, so that the whole text fits the dropdown of a laptop's sidebar; the breach's
    heading below the chart gives the KPI's full name.

    >>> row = {"period": pd.Timestamp("2026-08-23"), "team": "Lakeside", "kpi": "csat",
    ...        "value": 71.43, "unit": "percent"}
    >>> breach_label(row, ["team"])
    '23 Aug · Lakeside · CSAT 71.4 %'
    >>> breach_label({**row, "kpi": "abandonment_rate", "value": 10.06}, [])
    '23 Aug · Whole center · Abandon 10.1 %'

    The value does not read as the target it misses (:func:`kpikit.display.rated_value_text`):

    >>> breach_label({**row, "value": 79.96, "target": 80.0, "better": "higher"}, ["team"])
    '23 Aug · Lakeside · CSAT 79.96 %'
    """
    value = rated_value_text(row)
    # "Abandon %" -> "Abandon": the value carries the percent sign
    name = kpi_definition(row["kpi"]).short_name.removesuffix(" %")
    return f"{row['period']:%d %b} · {group_text(row, by)} · {name} {value}"


WHOLE_CENTER = "Whole center"
"""The group of a breach found for the whole center (the level without a grouping column)."""


def group_text(row, by) -> str:
    """The group of a breach in words (``"Lakeside"``, ``"Whole center"``); a null value (the
    rows without one) is ``"(none)"``, as in the breach's headline and on the chart.

    >>> group_text({"site": None}, ["site"]), group_text({"site": float("nan")}, ["site"])
    ('(none)', '(none)')
    """
    return " · ".join(governance_words.value_text(row[key]) for key in by) if by else WHOLE_CENTER


_SPOT_FIGURES = {*DECOMPOSITION_COLUMNS, "agents_short"}
"""The figures of a hot spot of :func:`kpikit.governance.root_cause` (its decomposition, and
the agents short); its other columns name it."""


def contributor_bars(cause) -> pd.DataFrame:
    """The hot spots and each dimension's largest segment, in percent of the miss."""
    rows = []
    spots = cause.hot_spots
    if not spots.empty:
        # the calendar cell and the hot-spot column, whichever it is (root_cause's hot_spot):
        # two spots of one cell differ only there, and the chart refuses repeated labels
        labels = [c for c in spots.columns if c not in _SPOT_FIGURES]
        for _, spot in spots.head(3).iterrows():
            # a null value is "(none)", as the findings say (it read "nan")
            text = " ".join(governance_words.value_text(value) for value in spot[labels])
            rows.append((text, spot))
    for dimension, segments in cause.segments.groupby("dimension", sort=False):
        best = segments.sort_values("contribution", ascending=False).iloc[0]
        label = governance_words.DIMENSION_LABELS.get(dimension, dimension)
        rows.append((f"{label}: {best['segment']}", best))
    if not cause.gap > 0:
        return EMPTY_BARS
    frame = pd.DataFrame(
        {
            "label": [label for label, _ in rows],
            "performance": [100 * row["performance"] / cause.gap for _, row in rows],
            "mix": [100 * row["mix"] / cause.gap for _, row in rows],
        }
    )
    total = frame["performance"] + frame["mix"]
    return (
        frame[total > 0]
        .assign(_total=total)
        .sort_values("_total", ascending=False)
        .drop(columns="_total")
        .head(8)
    )


def held_back_html(note: str) -> str:
    """The note of :func:`kpikit.breaches` on provisional FCR held back ("" without one)."""
    return f"<p><small>{html.escape(note)}</small></p>" if note else ""


def history_html(history: pd.DataFrame) -> str:
    """The register's history of a breach, newest first (at most 50 events)."""
    if history.empty:
        return "<p><small>No action recorded for this breach yet.</small></p>"
    rows = []
    for event in history.tail(_MAX_HISTORY_ROWS).iloc[::-1].itertuples():
        value = event.value if len(event.value) <= 200 else event.value[:199] + "…"
        conflict = " ⚠ made on an older view" if event.conflict else ""
        rows.append(
            "<tr>"
            f"<td>{event.recorded_at:%Y-%m-%d %H:%M}</td>"
            f"<td>{html.escape(event.author)}</td>"
            f"<td>{html.escape(event.field.replace('_', ' '))}</td>"
            f"<td style='white-space: pre-wrap'>{html.escape(value)}{conflict}</td></tr>"
        )
    return (
        section_heading("History (UTC, newest first)")
        + "<div class='kpikit-scroll'><table aria-label='History of the action'><thead><tr>"
        + "".join(f"<th scope='col'>{name}</th>" for name in ("when", "who", "field", "value"))
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def duration(hours: float) -> str:
    """Hours in words: ``"5 hours"``, ``"3 days"`` from 48 hours on; under half an hour is
    "less than an hour" (it read "0 hours left", or "overdue by 0 hours" when it was).

    >>> duration(5.2), duration(71), duration(1.2), duration(0.3)
    ('5 hours', '3 days', '1 hour', 'less than an hour')
    """
    if hours >= 48:
        return f"{hours / 24:.0f} days"
    if round(hours) < 1:
        return "less than an hour"
    return f"{hours:.0f} hour{'s' * (round(hours) != 1)}"
