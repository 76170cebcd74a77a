"""Governance figures: breaches by day with their clocks, and a breach's root cause."""

import datetime

import pandas as pd
import plotly.graph_objects as go

from kpikit._frames import pandas_frame
from kpikit._validators import column_names
from kpikit.display import rated_value_text
from kpikit.plots._engine import (
    clock_changes,
    escape_text,
    format_value,
    group_labels,
    is_number,
    new_figure,
    number_column,
    require_columns,
)
from kpikit.plots._template import RAG_COLORS, RAG_LABELS, RAG_MARKS

__all__ = ["breach_timeline", "root_cause_bars"]

_SYMBOLS = {"red": "x", "amber": "diamond"}
_STATUSES = ("amber", "red")
"""The statuses of :func:`kpikit.breaches` rows, drawn in this order (red on top)."""
_NEEDED = ["period", "kpi", "name", "unit", "status", "value", "target", "breach_id"]
_MAX_TICKS = 8
"""Most date labels on the calendar's axis: past 8 days, a label every few days."""
_DAY = pd.Timedelta(days=1)
ROW_PX = 32
"""Height of a row of the timeline: its label above, its marks below."""
MAX_ROWS = 40
"""Most rows (KPI and group) a timeline draws: 1,440 px. 5,000 agents by KPI made a figure
160,000 px tall; past this the rows with the most red breaches, then the most breaches, are
drawn, and the title says how many of how many."""


def breach_timeline(found, *, by=(), overdue=None, title="Breaches by day") -> go.Figure:
    """Breaches as marks on a calendar: one row per KPI and group, one mark per period.

    Red breaches are crosses, amber ones diamonds, in their status colours; a mark whose root
    cause or plan is overdue gets a dark ring. Each row's label sits above its marks, which get
    the chart's whole width (beside them, the labels took half a phone's chart). Hovering shows
    the KPI, the day, the group (``site: Lakeside``), the value, the target, the gap in the
    KPI's unit and on which side of the target (``31 s above the target``, ``7.2 percentage
    points below the target``) and the deadlines; each point carries its ``breach_id`` as
    ``customdata`` (for clicks).

    Parameters
    ----------
    found : DataFrame
        Rows of :func:`kpikit.breaches` (pandas, polars, ...); every row needs a ``period``
        and a ``status`` of ``"amber"`` or ``"red"``.
    by : str or sequence of str, default=()
        The grouping columns of ``found``.
    overdue : mapping, default=None
        ``breach_id`` -> what is overdue (``"root cause, plan"``), from the action register.
    title : str, default="Breaches by day"

    Returns
    -------
    plotly.graph_objects.Figure
        At most ``MAX_ROWS`` rows (40): past that, the rows with the most red breaches, then
        the most breaches, and a second line of the title says how many of how many.

    Raises
    ------
    TypeError
        ``by`` that is not a column name or a list of them; text or numbers where ``found``
        holds dates (``period``, ``root_cause_due``, ``plan_due``).
    ValueError
        ``found`` without the columns it needs, a row without a ``period``, or a ``status``
        other than ``"amber"`` and ``"red"`` (missing included): such a row has no mark.

    Examples
    --------
    >>> found = pd.DataFrame({"period": pd.to_datetime(["2026-07-08"]), "site": ["Lakeside"],
    ...     "kpi": ["service_level"], "name": ["Service level"], "unit": ["percent"],
    ...     "status": ["red"], "value": [61.0], "target": [80.0], "gap": [19.0],
    ...     "root_cause_due": pd.to_datetime(["2026-07-11"]),
    ...     "plan_due": pd.to_datetime(["2026-07-16"]), "breach_id": ["b1"]})
    >>> figure = breach_timeline(found, by=["site"], overdue={"b1": "root cause"})
    >>> figure.data[0].y, figure.data[0].customdata, figure.data[0].marker.line.width
    (('Service level · Lakeside',), ('b1',), (3,))
    >>> breach_timeline(found.assign(status="green"))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'found' has unknown status value(s) ['green'] in column 'status' (1
    row(s), first [0]). Expected one of ['amber', 'red'], the statuses of kk.breaches()
    """
    frame = pandas_frame(found, "found")
    by = column_names("by", by)
    require_columns(frame, [*_NEEDED, *by], "found")
    undated = frame.index[frame["period"].isna()]
    if len(undated):
        raise ValueError(
            f"Value of 'found' must have a date in column 'period' but row(s) "
            f"{undated[:5].tolist()} have none"
        )
    frame = _check_dates(frame)
    _check_statuses(frame)
    overdue = dict(overdue or {})
    rows = frame.assign(
        row=frame["name"].map(escape_text) + _group_suffix(frame, by),
        _group=_group_text(frame, by),
        _day=_day_text(frame["period"]),
    )
    rows, title = _busiest_rows(rows, title)
    # by KPI, then by the groups' values (site 9 before site 10), the first at the top
    rank = group_labels(rows, list(by)).cat.codes if by else 0
    ranked = rows.assign(_rank=rank).sort_values(["name", "_rank"], kind="stable")
    order = ranked["row"].drop_duplicates().tolist()[::-1]
    figure = new_figure(title)
    for status in _STATUSES:
        part = rows[rows["status"] == status]
        if part.empty:
            continue
        late = [overdue.get(breach, "") for breach in part["breach_id"]]
        figure.add_trace(
            go.Scatter(
                x=part["period"].tolist(),
                y=part["row"].tolist(),
                mode="markers",
                cliponaxis=False,  # the first and last days' marks stay whole at the edges
                name=f"{RAG_MARKS[status]} {RAG_LABELS[status]}",
                marker={
                    "symbol": _SYMBOLS[status],
                    "size": 12,
                    "color": RAG_COLORS[status],
                    "line": {"color": "#222222", "width": [3 if text else 0 for text in late]},
                },
                customdata=part["breach_id"].tolist(),
                hovertext=[
                    _hover(row, text, row["_group"])
                    for (_, row), text in zip(part.iterrows(), late, strict=True)
                ],
                hoverinfo="text",
            )
        )
    figure.update_layout(
        height=160 + ROW_PX * max(len(order), 1),
        yaxis={
            "categoryorder": "array",
            "categoryarray": order,
            "title": None,
            # labels above their rows, clear of the marks (a row: 12 px text, 12 px marks)
            "ticklabelposition": "inside top",
            "ticklabelshift": -5,
            "tickfont": {"size": 12},
        },
        xaxis=_day_axis(rows["period"]),
        hovermode="closest",
        margin={"l": 10, "r": 10},
    )
    return figure


def _day_axis(periods: pd.Series) -> dict:
    """A calendar axis of whole days: labelled with dates on midnights (a day, or a few days
    apart past :data:`_MAX_TICKS` days), and half a day beyond the first and last marks.

    Left to plotly, a span of a few days was ticked every 12 hours ("00:00 / 12:00" between
    the days) and the last day's marks sat on the right edge.

    >>> axis = _day_axis(pd.Series(pd.to_datetime(["2026-03-02", "2026-03-05"])))
    >>> axis["dtick"] == 86_400_000, axis["tickformat"], [str(bound) for bound in axis["range"]]
    (True, '%d %b', ['2026-03-01 12:00:00', '2026-03-05 12:00:00'])
    """
    if periods.empty:
        return {"title": None, "type": "date"}
    first, last = periods.min(), periods.max()
    days = (_wall_midnight(last) - _wall_midnight(first)) // _DAY + 1
    step = -(-days // _MAX_TICKS)  # whole days, rounded up
    return {
        "title": None,
        "type": "date",
        "tick0": _wall_midnight(first),
        "dtick": step * _DAY // pd.Timedelta(milliseconds=1),
        "tickformat": "%d %b",
        "range": [first - _DAY / 2, last + _DAY / 2],
    }


def _wall_midnight(stamp: pd.Timestamp) -> pd.Timestamp:
    """The midnight that starts ``stamp``'s day on its wall clock, without a zone (plotly
    draws times as their wall clock reads): ``normalize()`` of a zoned time raised where the
    clocks skip midnight (Santiago's 6 September 2026 starts at 01:00).

    >>> print(_wall_midnight(pd.Timestamp("2026-09-06 09:00", tz="America/Santiago")))
    2026-09-06 00:00:00
    """
    return (stamp.tz_localize(None) if stamp.tzinfo is not None else stamp).normalize()


def _busiest_rows(rows: pd.DataFrame, title: str) -> tuple[pd.DataFrame, str]:
    """The breaches of at most ``MAX_ROWS`` rows of the timeline, those with the most red
    breaches, then the most breaches, then the first in name order; a second line of the
    title says so when rows are left out.

    >>> rows = pd.DataFrame({"row": ["a", "b", "b"], "status": ["red", "amber", "amber"]})
    >>> _busiest_rows(rows, "Breaches")[1]
    'Breaches'
    """
    counts = rows.groupby("row", sort=True)["status"].agg(
        red=lambda status: int((status == "red").sum()), breaches="size"
    )
    if len(counts) <= MAX_ROWS:
        return rows, title
    busiest = counts.sort_values(["red", "breaches"], ascending=False, kind="stable")
    kept = busiest.index[:MAX_ROWS]
    # on a line of its own, in small type: a phone shows about 50 characters of a title
    note = f"<br><sup>{MAX_ROWS} of {len(counts)} rows: the most red breaches first</sup>"
    return rows[rows["row"].isin(kept)], title + note


def root_cause_bars(contributors, *, title="What made the miss") -> go.Figure:
    """A breach's largest contributors as stacked bars: performance and mix, in % of the miss.

    Parameters
    ----------
    contributors : DataFrame
        ``label``, ``performance`` and ``mix`` in percent of the miss (they add up to the
        segment's share of it), largest first; one row per label (a repeated label is refused:
        its bars would stack into one). Labels are shown as written (escaped, never read as
        HTML).
    title : str, default="What made the miss"

    Returns
    -------
    plotly.graph_objects.Figure
        Each bar ends with its share of the miss written out; where a part is negative (less
        volume than usual made up for some of it) the bar runs past its share, so the share is
        written "net".

    Examples
    --------
    >>> bars = pd.DataFrame({"label": ["queue billing", "channel phone"],
    ...                      "performance": [30.0, 187.0], "mix": [11.0, -54.0]})
    >>> figure = root_cause_bars(bars)
    >>> figure.data[0].x, [note.text for note in figure.layout.annotations]
    ((187.0, 30.0), ['133 % net', '41 %'])
    """
    frame = pandas_frame(contributors, "contributors")
    require_columns(frame, ["label", "performance", "mix"], "contributors")
    shares = {
        column: number_column(frame, column, argument="contributors")
        for column in ("performance", "mix")
    }
    repeated = frame["label"].duplicated(keep=False).to_numpy()
    if repeated.any():
        raise ValueError(
            f"Value of 'contributors' must have one row per label but {int(repeated.sum())} "
            f"rows share {frame.loc[repeated, 'label'].drop_duplicates().head(5).tolist()} "
            f"(rows {frame.index[repeated][:5].tolist()}): their bars would stack into one."
        )
    labels = frame["label"].map(escape_text).tolist()[::-1]
    figure = new_figure(title)
    for column, name, color in (
        ("performance", "weaker performance", "#0072B2"),
        ("mix", "more volume than usual (mix)", "#56B4E9"),
    ):
        figure.add_trace(
            go.Bar(
                x=shares[column].tolist()[::-1],
                y=labels,
                orientation="h",
                name=name,
                marker={"color": color},
                hovertemplate="%{y}: %{x:.0f} % of the miss<extra>" + name + "</extra>",
            )
        )
    for label, performance, mix in zip(
        labels, shares["performance"][::-1], shares["mix"][::-1], strict=True
    ):
        figure.add_annotation(_share_note(label, performance, mix))
    figure.update_layout(
        barmode="relative",
        height=140 + 30 * max(len(labels), 1),
        xaxis={"title": "share of the miss (%)", "ticksuffix": " %"},
        # a category axis: labels "101", "205" made plotly guess a number line
        yaxis={"title": None, "automargin": True, "type": "category"},
        margin={"l": 10, "r": 70},  # room for the last bar's share
    )
    return figure


def _share_note(label: str, performance: float, mix: float) -> dict:
    """The share of the miss written at the right end of a bar: ``"41 %"``, or ``"133 % net"``
    when a negative part makes the bar run past it."""
    net = performance + mix
    offset = performance < 0 or mix < 0
    return {
        "x": max(performance, 0) + max(mix, 0),
        "y": label,
        "text": f"{net:.0f} % net" if offset else f"{net:.0f} %",
        "showarrow": False,
        "xanchor": "left",
        "xshift": 4,
        "font": {"size": 12},
    }


def _check_statuses(frame: pd.DataFrame) -> None:
    """Refuse a status the timeline has no mark for: anything but amber and red, missing too."""
    unknown = ~frame["status"].isin(_STATUSES)
    if unknown.any():
        shown = frame.loc[unknown, "status"].drop_duplicates().head(5).tolist()
        rows = frame.index[unknown.to_numpy()][:5].tolist()
        raise ValueError(
            f"Value of 'found' has unknown status value(s) {shown} in column 'status' "
            f"({int(unknown.sum())} row(s), first {rows}). Expected one of {list(_STATUSES)}, "
            "the statuses of kk.breaches()"
        )


def _check_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its dates as Timestamps: text or numbers where dates belong are refused
    (``"2026-07-08"`` has no day to be drawn on, nor a date to be written in the hover), and
    ``datetime.date`` values (a register's DATE columns) are read as midnight, where the
    calendar's axis took the day of a Timestamp from them and failed.

    >>> import datetime
    >>> _check_dates(pd.DataFrame({"period": [datetime.date(2026, 7, 8)]}))["period"].tolist()
    [Timestamp('2026-07-08 00:00:00')]
    """
    columns = {}
    for column in ("period", "root_cause_due", "plan_due"):
        if column not in frame.columns or pd.api.types.is_datetime64_any_dtype(frame[column]):
            continue
        values = frame[column]
        dated = values.map(lambda value: isinstance(value, datetime.date))
        bad = (values.notna() & ~dated).to_numpy()
        if bad.any():
            raise TypeError(
                f"Value of 'found' must hold dates in column {column!r} but {int(bad.sum())} "
                f"row(s) hold {values[bad].head(5).tolist()} (rows "
                f"{frame.index[bad][:5].tolist()}): convert them with pd.to_datetime"
            )
        columns[column] = values.map(pd.Timestamp, na_action="ignore")
    return frame.assign(**columns)


def _group_suffix(frame: pd.DataFrame, by) -> pd.Series:
    if not by:
        return pd.Series("", index=frame.index)
    return " · " + group_labels(frame, list(by)).astype(str)


def _group_text(frame: pd.DataFrame, by) -> pd.Series:
    """Each row's group for its hover, named by its columns (``site · team: north · alice``),
    escaped as the row labels are; "" without ``by``."""
    if not by:
        return pd.Series("", index=frame.index)
    names = escape_text(" · ".join(map(str, by)))
    return names + ": " + group_labels(frame, list(by)).astype(str)


def _day_text(periods: pd.Series) -> pd.Series:
    """Each breach's period for its hover: the day, and the time of day of a period that
    starts after midnight (breaches by hour or half hour, several marks a day), with its
    UTC offset where the wall time comes twice (:func:`kpikit.plots._engine.clock_changes`).

    >>> _day_text(pd.Series(pd.to_datetime(["2026-03-02 00:00", "2026-03-02 09:30"]))).tolist()
    ['Mon 02 Mar 2026', 'Mon 02 Mar 2026 09:30']
    >>> night = pd.Series(pd.date_range("2026-10-25 00:00", periods=2, freq="h", tz="UTC"))
    >>> _day_text(night.dt.tz_convert("Europe/Paris")).tolist()
    ['Sun 25 Oct 2026 02:00+02:00', 'Sun 25 Oct 2026 02:00+01:00']
    """
    offsets = clock_changes(periods)[0].str[16:]  # "+02:00" of "2026-10-25 02:00+02:00"
    return pd.Series(
        [
            f"{stamp:%a %d %b %Y}" + ("" if stamp.time() == datetime.time() else f" {stamp:%H:%M}")
            for stamp in map(pd.Timestamp, periods)  # datetime.date values too
        ],
        index=periods.index,
        dtype=object,
    ) + offsets.fillna("")


def _when(due) -> str:
    return "not set" if pd.isna(due) else f"{due:%d %b %H:%M}"


def _gap_text(row) -> str:
    """How far the value is from its target, in the KPI's unit (percentage points for a
    percent, points for NPS and QA), and on which side: the ``gap`` of :func:`kpikit.breaches`
    (``|value - target|``; worked out when the column is absent or empty); "" when the value
    or target is missing.

    >>> _gap_text(pd.Series({"unit": "seconds", "value": 330.6, "target": 300.0, "gap": 30.6}))
    '31 s above the target'
    >>> _gap_text(pd.Series({"unit": "percent", "value": 72.8, "target": 80.0}))
    '7.2 percentage points below the target'
    >>> _gap_text(pd.Series({"unit": "points", "value": 10.0, "target": 40.0}))  # NPS
    '30.0 points below the target'

    A gap that the unit's decimals would round to none gets the decimals that show it
    (:func:`kpikit.display.rated_value_text`), as the breach's value does:

    >>> _gap_text(pd.Series({"unit": "seconds", "value": 250.4, "target": 250.0, "gap": 0.4}))
    '0.4 s above the target'
    """
    value, target = row["value"], row["target"]
    if pd.isna(value) or pd.isna(target):
        return ""
    gap = row.get("gap")
    gap = abs(value - target) if gap is None or pd.isna(gap) else abs(gap)
    unit = row["unit"]
    points = unit in ("percent", "points")
    amount = rated_value_text({"unit": "points" if points else unit, "target": 0.0, "value": gap})
    # an NPS or QA gap in points said "30.0 below the target", a bare number
    amount += {"percent": " percentage points", "points": " points"}.get(unit, "")
    side = "above" if value > target else "below" if value < target else "at"
    return f"{amount} {side} the target"


def _value_text(row) -> str:
    """A breach's value with more decimals than its unit's when these would show it at its
    target or at the edge of the tolerance (:func:`kpikit.display.rated_value_text`). The
    target is the edge the value crossed, a band's too: the failing side is the value's.

    >>> row = pd.Series({"unit": "percent", "better": "band", "value": 69.96, "target": 70.0,
    ...                  "tolerance": 5.0})
    >>> _value_text(row), _value_text(row.drop(["better", "tolerance"]))
    ('69.96 %', '69.96 %')
    """
    value, target = row["value"], row["target"]
    below = is_number(value) and is_number(target) and value < target
    return rated_value_text(
        {
            "unit": row["unit"],
            "value": value,
            "target": target,
            "tolerance": row.get("tolerance"),
            "better": "higher" if below else "lower",
        }
    )


def _hover(row, late: str, group: str = "") -> str:
    """A mark's hover: KPI and day, its group (``site: Lakeside``), value against target
    with the status, the gap, the deadlines and what is overdue. The value has more decimals
    than its unit's when these would show it at the target or at the edge of the tolerance
    (:func:`kpikit.display.rated_value_text`): an AHT of 250.4 s is not "250 s against 250 s".
    """
    unit = row["unit"]
    gap = _gap_text(row)
    lines = [f"<b>{escape_text(row['name'])}</b> · {row['_day']}"]
    if group:
        lines.append(group)
    lines.append(
        f"{_value_text(row)} against {format_value(row['target'], unit)}"
        f" ({RAG_LABELS[row['status']]})" + (f": {gap}" if gap else "")
    )
    if "root_cause_due" in row and "plan_due" in row:
        lines.append(
            f"root cause due {_when(row['root_cause_due'])} · plan due {_when(row['plan_due'])}"
        )
    if late:
        lines.append(f"overdue: {escape_text(late)}")
    return "<br>".join(lines)
