"""Staffing figures: the staffing curve, intraday agents, caller patience, scenario comparison.

The numbers come from :mod:`kpikit.queueing`, :mod:`kpikit.calibrate` and
:mod:`kpikit.whatif`; these builders only draw them.
"""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit._validators import check_number
from kpikit.calibrate import PatienceCurve
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import CHANGE_MARKS, change_text, decimals_needed
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    clock_changes,
    escape_text,
    format_value,
    is_number,
    level_text,
    new_figure,
    number_column,
    ordered_groups,
    pandas_frame,
    require_columns,
)
from kpikit.plots._template import KPIKIT_COLORWAY, RAG_COLORS

__all__ = ["intraday_staffing", "patience_curve", "scenario_comparison", "staffing_curve"]

_TARGET_LINE = {"color": "#555555", "dash": "dash", "width": 1}
_PERCENT_SERIES = {
    "service_level": ("Service level", KPIKIT_COLORWAY[0]),
    "occupancy": ("Occupancy", KPIKIT_COLORWAY[2]),
    "abandonment_rate": ("Abandonment", RAG_COLORS["red"]),
}
_PERCENT_TICKS = {"range": [0, 102], "tick0": 0, "dtick": 20}
"""The percent axis: gridlines every 20 %, with room over 100 % for a marker there."""
_STEPS = 5
"""Gridlines from 0 to 100 % on the percent axis, which the ASA axis shares."""
_ROUND_FACTORS = (1, 2, 2.5, 5, 10)
_OTHER_METRICS = {
    "contacts": "Contacts offered",
    "agents": "Agents on the phones (peak)",
    "scheduled_agents": "Agents scheduled (peak)",
    "agent_hours": "Paid agent hours",
    "cost": "Cost",
}


@shared_parameters
def staffing_curve(
    curve,
    *,
    target_sl=None,
    threshold_s=None,
    target_asa_s=None,
    max_occupancy=None,
    max_abandon=None,
    agents=None,
    title=None,
    height=None,
) -> go.Figure:
    """Service level, occupancy, abandonment (left axis, %) and ASA (right axis, s) by agents.

    Parameters
    ----------
    curve : DataFrame
        :func:`kpikit.queueing.queue_metrics` output over a range of agents: ``agents,
        service_level, asa, occupancy`` and, with patience, ``abandonment_rate``. Text,
        infinity, a negative count or a percent outside 0–100 is refused (it would fall off
        the axis unseen).
    target_sl, target_asa_s, max_occupancy, max_abandon : float, default=None
        Targets drawn as dashed lines (percent on the left axis, seconds on the right). The
        hovers give a value the decimals that keep it apart from its target (79.96 %, not
        80.0 %, against 80).
    threshold_s : float, default=None
        Answer-time threshold, named in the service-level legend entry.
    agents : int, default=None
        A count to mark with a vertical line (the agents required or planned).

    Returns
    -------
    plotly.graph_objects.Figure

    Notes
    -----
    Where agents do not exceed the traffic, Erlang C's ASA is infinite: those points are left
    out of the ASA line.

    Examples
    --------
    >>> from kpikit import queueing
    >>> curve = queueing.queue_metrics(100, 180, range(11, 21), patience_s=300)
    >>> fig = staffing_curve(curve, target_sl=80, threshold_s=20, agents=14)
    >>> [trace.name for trace in fig.data]
    ['Service level (20 s)', 'Occupancy', 'Abandonment', 'ASA']
    """
    for argument, value, maximum in (
        ("target_sl", target_sl, 100),
        ("max_occupancy", max_occupancy, 100),
        ("max_abandon", max_abandon, 100),
        ("threshold_s", threshold_s, None),
        ("target_asa_s", target_asa_s, None),
        ("agents", agents, None),
    ):
        if value is not None:
            check_number(argument, value, minimum=0, maximum=maximum)
    frame = pandas_frame(curve, "curve")
    require_columns(frame, ["agents", "service_level", "asa", "occupancy"], "curve")
    bounds = {"agents": (0, None), **{column: (0, 100) for column in _PERCENT_SERIES}}
    frame = frame.assign(
        **{
            column: number_column(frame, column, minimum=low, maximum=high, argument="curve")
            for column, (low, high) in bounds.items()
            if column in frame.columns
        }
    )
    frame = frame.sort_values("agents")
    # Erlang C's ASA is infinite where agents do not exceed the traffic: left out (NaN);
    # text or a negative wait is refused, naming the column (not a ufunc's TypeError)
    infinite = frame["asa"].isin([np.inf])
    wait = number_column(
        frame.assign(asa=frame["asa"].where(~infinite)), "asa", minimum=0, argument="curve"
    )
    fig = new_figure(
        title or "What each agent buys",
        height=height,
        xaxis={"title": {"text": "Agents on the phones"}, "dtick": _tick_step(frame["agents"])},
        yaxis={"title": {"text": "Percent"}, **_PERCENT_TICKS},
        yaxis2={
            "title": {"text": "ASA (s)"},
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            **_asa_ticks([*wait.dropna(), target_asa_s or 0]),
        },
        hovermode="x unified",
    )
    edges = {
        "service_level": target_sl,
        "occupancy": max_occupancy,
        "abandonment_rate": max_abandon,
    }
    for column, (name, color) in _PERCENT_SERIES.items():
        if column not in frame.columns or frame[column].isna().all():
            continue
        label = (
            f"{name} ({threshold_s:g} s)"
            if column == "service_level" and threshold_s is not None
            else name
        )
        fig.add_trace(
            go.Scatter(
                x=frame["agents"],
                y=frame[column],
                name=label,
                mode="lines+markers",
                line={"color": color},
                customdata=_hover_texts(frame[column], edges[column]),
                hovertemplate="%{customdata} %",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=frame["agents"],
            y=wait,
            name="ASA",
            yaxis="y2",
            mode="lines+markers",
            line={"color": KPIKIT_COLORWAY[3], "dash": "dot"},
            customdata=_hover_texts(wait, target_asa_s),
            hovertemplate="%{customdata} s",
        )
    )
    for value, text in (
        (target_sl, "SL target"),
        (max_occupancy, "occupancy cap"),
        (max_abandon, "abandonment cap"),
    ):
        if value is not None:
            fig.add_hline(
                y=float(value),
                line=_TARGET_LINE,
                annotation_text=text,
                annotation_position="bottom right",
            )
    if target_asa_s is not None:
        fig.add_hline(
            y=float(target_asa_s),
            yref="y2",
            line=_TARGET_LINE,
            annotation_text="ASA target",
            annotation_position="top right",
        )
    if agents is not None:
        fig.add_vline(
            x=float(agents),
            line={"color": RAG_COLORS["green"], "width": 2},
            # a fractional count (fractional_agents) is written as it is, not cut to whole
            annotation_text=f"{float(agents):,.{decimals_needed(agents, most=2)}f} agents",
            annotation_position="top left",
        )
    return fig


@shared_parameters
def intraday_staffing(plan, *, x="label", alternative=None, title=None, height=None):
    """Agents needed on the phones (bars) and to schedule (line) for each interval.

    Parameters
    ----------
    plan : DataFrame
        One row per interval: ``x``, the agents on the phones (``raw_agents`` as from
        :func:`kpikit.queueing.agents_required`, or ``agents`` as in
        :attr:`kpikit.whatif.Evaluation.intervals`) and ``scheduled_agents`` (numbers; text
        and infinity are refused).
    x : str, default="label"
        Column naming the intervals; the index is used when the column is absent. An interval
        named twice is refused (both would share one place on the axis); zoned times whose
        wall time repeats (the night the clocks go back) are written with their UTC offset.
    alternative : DataFrame, default=None
        A what-if plan of the same intervals (named in its ``x`` column, else its index), drawn
        as a dashed line of agents on the phones; matched to ``plan`` by interval, in any
        order. Intervals that are missing, extra or named twice are refused. Without the
        ``x`` column that ``plan`` has, it is read in the plan's order, row for row.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> from kpikit import queueing
    >>> plan = queueing.agents_required(pd.Series([40, 120, 90], index=["09:00", "09:30",
    ...                                 "10:00"]), 240, target_sl=80, shrinkage=0.3)
    >>> fig = intraday_staffing(plan.rename_axis("label").reset_index())
    >>> [np.asarray(trace.y).tolist() for trace in fig.data]  # on the phones, / (1 - 0.3)
    [[8, 20, 16], [12, 29, 23]]
    """
    frame = _plan_frame(plan, "plan")
    labels = _interval_names(frame[x] if x in frame.columns else frame.index.to_series())
    _check_named_once("plan", pd.Index(labels), x)
    fig = new_figure(
        title or "Agents through the day",
        height=height,
        xaxis={"title": {"text": "Interval"}, "type": "category"},
        yaxis={"title": {"text": "Agents"}, "rangemode": "tozero"},
        hovermode="x unified",
        bargap=0.15,
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=frame["on_phones"],
            name="needed on the phones",
            marker={"color": KPIKIT_COLORWAY[1]},
            hovertemplate="%{y}",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=frame["scheduled_agents"],
            name="to schedule (after shrinkage)",
            mode="lines",
            line={"color": KPIKIT_COLORWAY[0], "shape": "hvh", "width": 2},
            hovertemplate="%{y}",
        )
    )
    if alternative is not None:
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=_alternative_agents(_plan_frame(alternative, "alternative"), frame, labels, x),
                name="what-if: needed on the phones",
                mode="lines",
                line={"color": KPIKIT_COLORWAY[2], "dash": "dash", "shape": "hvh"},
                hovertemplate="%{y}",
            )
        )
    return fig


def _alternative_agents(other, frame, labels, x):
    """The alternative's agents on the phones in the order of the plan's intervals: matched by
    ``x`` (or by index when neither has ``x``); an alternative without the ``x`` the plan has
    (``agents_required`` of the same intervals) is taken in the plan's order, row for row."""
    if x in frame.columns and x not in other.columns:
        if len(other) != len(frame):
            raise ValueError(
                f"Value of 'alternative' has no {x!r} column, so it is read in the plan's order, "
                f"but it has {len(other)} intervals where 'plan' has {len(frame)}"
            )
        return other["on_phones"].to_numpy()
    other_labels = pd.Index(
        _interval_names(other[x] if x in other.columns else other.index.to_series())
    )
    _check_same_intervals(pd.Index(labels), other_labels, x)
    on_phones = pd.Series(other["on_phones"].to_numpy(), index=other_labels)
    return on_phones.reindex(pd.Index(labels)).to_numpy()


def _interval_names(names: pd.Series) -> pd.Series:
    """The names of the intervals on the category axis. When zoned times share a wall time
    (the clocks went back), all are written with their UTC offset (``2026-10-25 02:00
    +0100``): plotly shows a zoned time at its wall time, and one category would hold both
    intervals."""
    if not clock_changes(names)[0].any():
        return names
    return names.dt.strftime("%Y-%m-%d %H:%M %z")


def _check_named_once(argument: str, names: pd.Index, x: str) -> None:
    """Refuse an interval named twice: the category axis would draw both in one place."""
    if names.has_duplicates:
        twice = names[names.duplicated()].unique().tolist()[:5]
        raise ValueError(
            f"Value of {argument!r} names the interval(s) {twice} more than once in {x!r}"
        )


def _check_same_intervals(labels: pd.Index, other: pd.Index, x: str) -> None:
    """Refuse an alternative whose intervals are not those of the plan, each named once."""
    _check_named_once("alternative", other, x)
    missing = labels.difference(other, sort=False).tolist()
    extra = other.difference(labels, sort=False).tolist()
    if missing or extra:
        raise ValueError(
            f"Value of 'alternative' must have the intervals of 'plan' (matched by {x!r}) but "
            f"lacks {missing[:5]} and has {extra[:5]} that 'plan' has not"
        )


def _plan_frame(plan, argument):
    frame = pandas_frame(plan, argument).copy()
    on_phones = "raw_agents" if "raw_agents" in frame.columns else "agents"
    require_columns(frame, [on_phones, "scheduled_agents"], argument)
    for column in (on_phones, "scheduled_agents"):  # text and infinity refused, whole numbers kept
        number_column(frame, column, argument=argument)
    frame["on_phones"] = frame[on_phones]
    return frame


@shared_parameters
def patience_curve(
    curve,
    *,
    by=None,
    patience_s=None,
    title=None,
    height=None,
) -> go.Figure:
    """Kaplan-Meier curve of caller patience: percent still willing to wait after t seconds.

    Parameters
    ----------
    curve : PatienceCurve or DataFrame
        :func:`kpikit.calibrate.patience_kaplan_meier` output, or its ``survival`` frame
        (``wait_s, survival`` and the ``by`` column).
    by : str, default=None
        Grouping column of the curve: one line per group, ordered by value (a missing group
        as "(none)", last); group names are shown as written (escaped, never read as HTML).
    patience_s : float, default=None
        Mean patience in seconds (a finite number > 0) of an exponential model
        (:func:`kpikit.calibrate.patience_exponential` or the value used in a scenario), drawn
        dashed for comparison; None draws none.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    TypeError
        ``patience_s`` that is not a number (text such as ``"60"``, a bool).
    ValueError
        ``patience_s`` that is not finite or not above 0; ``curve`` without its columns.

    Examples
    --------
    >>> from kpikit import calibrate
    >>> contacts = pd.DataFrame({"answered": [False, True, False, True],
    ...                          "wait_s": [10.0, 20.0, 30.0, 40.0]})
    >>> fig = patience_curve(calibrate.patience_kaplan_meier(contacts), patience_s=60)
    >>> list(fig.data[0].x), list(fig.data[0].y)  # starts at 100 % at 0 s
    ([0.0, 10.0, 30.0], [100.0, 75.0, 37.5])
    >>> fig.data[1].name, float(fig.data[1].y[-1])  # exp(-180 / 60) at 3 x 60 s
    ('exponential, mean 60 s', 4.978706836786395)
    >>> patience_curve(calibrate.patience_kaplan_meier(contacts), patience_s="60")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'patience_s' must be a number but received: '60' (str)
    """
    if patience_s is not None:
        patience_s = float(check_number("patience_s", patience_s, minimum=0, above_minimum=True))
    restricted = None
    if isinstance(curve, PatienceCurve):
        restricted = curve.restricted_mean
        curve = curve.survival
    frame = pandas_frame(curve, "curve")
    require_columns(frame, ["wait_s", "survival", *([by] if by else [])], "curve")
    _check_one_curve_per_group(frame, by)
    # survival is a share (0..1), drawn x 100: a percent would be drawn at 7,500 %, off the
    # axis; text would be drawn as categories
    frame = frame.assign(
        wait_s=number_column(frame, "wait_s", by, minimum=0, argument="curve"),
        survival=number_column(frame, "survival", by, minimum=0, maximum=1, argument="curve"),
    )
    fig = new_figure(
        title or "How long callers wait before hanging up",
        height=height,
        xaxis={"title": {"text": "Seconds in queue"}, "rangemode": "tozero"},
        yaxis={"title": {"text": "Callers still waiting (%)"}, "range": [0, 102]},
    )
    if by:  # by value, "(none)" last; escaped, never read as HTML
        groups = frame.groupby(ordered_groups(frame[by]), sort=True, observed=True)
    else:
        groups = [("all callers", frame)]
    longest = float(frame["wait_s"].max()) if len(frame) else 0.0
    for position, (name, rows) in enumerate(groups):
        rows = rows.sort_values("wait_s")
        fig.add_trace(
            go.Scatter(
                x=[0.0, *rows["wait_s"]],
                y=[100.0, *(100 * rows["survival"])],
                name=str(name),
                mode="lines",
                line={"shape": "hv", "color": KPIKIT_COLORWAY[position % 6]},
                hovertemplate="%{y:.1f} % still waiting after %{x:.0f} s",
            )
        )
    if patience_s is not None:
        grid = np.linspace(0, max(longest, 3 * patience_s), 60)
        fig.add_trace(
            go.Scatter(
                x=grid,
                y=100 * np.exp(-grid / patience_s),
                mode="lines",
                name=f"exponential, mean {patience_s:.0f} s",
                line={"color": "#555555", "dash": "dash"},
                hoverinfo="skip",
            )
        )
    if restricted is not None and not by and len(restricted):
        row = restricted.iloc[0]
        fig.add_annotation(
            text=f"mean patience up to {row['horizon_s']:.0f} s: {row['restricted_mean_s']:.0f} s"
            " (Kaplan-Meier)",
            xref="paper",
            yref="paper",
            x=1,
            y=0.98,
            showarrow=False,
            xanchor="right",
            yanchor="top",
        )
    return fig


_SURVIVAL_COLUMNS = {"wait_s", "at_risk", "abandoned", "survival"}
"""The columns of a Kaplan-Meier ``survival`` frame besides its grouping columns."""


def _check_one_curve_per_group(frame: pd.DataFrame, by) -> None:
    """Refuse a curve of several groups drawn as one line: the survival frame of
    ``patience_kaplan_meier(contacts, by="queue")`` without ``by="queue"`` joined the
    queues' steps into one curve, named "all callers". The message names the columns that
    tell the curves apart.

    >>> two = pd.DataFrame({"queue": ["a", "b"], "wait_s": [10.0, 30.0], "survival": [0.5] * 2})
    >>> _check_one_curve_per_group(two, None)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'curve' holds the curves of several groups (column(s) ['queue'] tell \
them apart) but they would be drawn as one line: pass by='queue', or filter the curve to \
one group.
    """
    others = [column for column in frame.columns if column not in _SURVIVAL_COLUMNS | {by}]
    keys = frame[by] if by else pd.Series(0, index=frame.index)
    splitting = [
        column
        for column in others
        if (frame.groupby(keys, dropna=False)[column].nunique(dropna=False) > 1).any()
    ]
    if splitting:
        line = "one line" if by is None else f"one line per {by!r}"
        how = f"pass by={splitting[0]!r}" if by is None else "pass that column as 'by'"
        raise ValueError(
            f"Value of 'curve' holds the curves of several groups (column(s) {splitting} tell "
            f"them apart) but they would be drawn as {line}: {how}, or filter the curve to "
            "one group."
        )


@shared_parameters
def scenario_comparison(
    table,
    *,
    base_name="base",
    alternative_name="what-if",
    title=None,
    height=None,
) -> go.Figure:
    """Two scenarios side by side: a table with the change and which way it goes.

    The change's arrow gives its direction (▲ up, ▼ down) and its colour says whether it is
    better (green) or worse (red) for the KPI, from the catalog's direction
    (:func:`kpikit.display.change_text`); rows computed from rules of thumb are labelled
    "assumption".

    Parameters
    ----------
    table : DataFrame
        :func:`kpikit.whatif.compare` output: ``metric, unit, basis, base, alternative,
        difference``.
    base_name, alternative_name : str
        Column headings.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> from kpikit import whatif
    >>> base = whatif.Scenario(volume=100, aht_s=180, cost_per_agent_hour=30, csat=80.0)
    >>> fig = scenario_comparison(whatif.compare(base, base.adjust(aht_s=-30)))
    >>> list(fig.data[0].cells.values[0][:3])
    ['Contacts offered', 'Average handle time', 'Agents on the phones (peak)']
    """
    frame = pandas_frame(table, "table")
    require_columns(
        frame, ["metric", "unit", "basis", "base", "alternative", "difference"], "table"
    )
    names, base_texts, alternative_texts, changes, colors, bases = [], [], [], [], [], []
    for row in frame.itertuples(index=False):
        names.append(escape_text(metric_name(row.metric)))
        base, alternative, text, color = comparison_texts(row)
        base_texts.append(base)
        alternative_texts.append(alternative)
        changes.append(text)
        colors.append(color)
        bases.append("<i>assumption</i>" if row.basis == "assumption" else escape_text(row.basis))
    fig = new_figure(
        title or "Scenario comparison", height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10}
    )
    fig.add_trace(
        go.Table(
            columnwidth=[3, 1.4, 1.4, 1.6, 1.4],
            header={
                "values": [
                    "",
                    escape_text(base_name),
                    escape_text(alternative_name),
                    "change",
                    "basis",
                ],
                "align": ["left", "right", "right", "right", "left"],
                "fill": {"color": "#F2F2F2"},
                "font": {"size": 13},
            },
            cells={
                "values": [
                    tuple(names),
                    tuple(base_texts),
                    tuple(alternative_texts),
                    tuple(changes),
                    tuple(bases),
                ],
                "align": ["left", "right", "right", "right", "left"],
                "font": {"color": ["#222222", "#222222", "#222222", colors, "#555555"]},
                "height": 26,
            },
        )
    )
    return fig


def metric_name(metric):
    """Display name of a :func:`kpikit.whatif.compare` metric (the catalog name for KPIs)."""
    return kpi_definition(metric).name if metric in KPI_IDS else _OTHER_METRICS.get(metric, metric)


def comparison_texts(row) -> tuple[str, str, str, str]:
    """Now, the what-if, the change and the change's colour of a row of
    :func:`kpikit.whatif.compare`, as the comparison tables show them.

    Contacts per interval are shown to the decimals that hold both values (up to 2): a
    what-if volume is rarely whole (16 contacts +3 % are 16.48), and whole numbers read
    "16 -> 16, change 0".

    >>> from types import SimpleNamespace as Row
    >>> comparison_texts(Row(metric="volume", unit="contacts", base=16.0, alternative=16.48,
    ...                      difference=0.48))
    ('16.00', '16.48', '▲ +0.48', '#222222')
    >>> comparison_texts(Row(metric="volume", unit="contacts", base=120.0, alternative=132.0,
    ...                      difference=12.0))[:3]
    ('120', '132', '▲ +12')
    """
    direction = kpi_definition(row.metric).direction if row.metric in KPI_IDS else None
    change, color = change_text(row.difference, row.unit, direction)
    base, alternative = format_metric(row.base, row.unit), format_metric(row.alternative, row.unit)
    if row.unit == "contacts" and is_number(row.base) and is_number(row.alternative):
        places = contacts_places(row.base, row.alternative)
        difference = round(float(row.alternative) - float(row.base), places)
        if difference == 0:
            change = f"{0:.{places}f}"
        else:
            change = f"{CHANGE_MARKS['up' if difference > 0 else 'down']} {difference:+,.{places}f}"
        base, alternative = (f"{float(value):,.{places}f}" for value in (row.base, row.alternative))
    return base, alternative, change, color


def contacts_places(*volumes) -> int:
    """Decimals, up to 2, that show contacts per interval (``volumes``) as they are.

    >>> contacts_places(16.0, 16.48), contacts_places(120.0, 132.0), contacts_places(1 / 3)
    (2, 0, 2)
    """
    return decimals_needed(*volumes, most=2)


def format_metric(value, unit):
    """Short text for a value of :func:`kpikit.whatif.compare` in its unit ("–" if missing)."""
    if not is_number(value):
        return "∞" if value == math.inf else "–"
    if unit in ("percent", "seconds", "currency"):
        return format_value(value, unit)
    if unit == "hours":
        return f"{float(value):,.1f} h"
    return f"{float(value):,.0f}"


def _hover_texts(values: pd.Series, target) -> list[str]:
    """A curve's values to one decimal, or the more it takes not to read as ``target`` (None:
    no target), as :func:`~kpikit.plots._engine.level_text` gives them: 79.96 % against 80 %
    read "80.0 %" beside the target line. A missing value has no text.

    >>> _hover_texts(pd.Series([79.96, 88.8, None]), 80), _hover_texts(pd.Series([79.96]), None)
    (['79.96', '88.8', ''], ['80.0'])
    """
    return ["" if pd.isna(value) else level_text(value, target, 1) for value in values]


def _tick_step(agents: pd.Series):
    span = float(agents.max() - agents.min()) if len(agents) else 0.0
    return None if span > 30 else 1


def _asa_ticks(waits) -> dict:
    """The ASA axis on the percent axis's grid: a round step (1, 2, 2.5 or 5 times a power of
    ten) per 20 %, five steps reaching the longest wait. plotly's own ticks for an axis laid
    over another fell between the gridlines, at values such as 13.8 and 27.6 s.

    Examples
    --------
    >>> _asa_ticks([0.4, 61.2])  # 61.2 / 5 = 12.2 s a step, rounded up to 20 s
    {'range': [0, 102.0], 'tick0': 0, 'dtick': 20.0}
    >>> _asa_ticks([1.2e-10])  # 2.4e-11 s a step, up to 2.5e-11 s; 5.1 steps to 102 %
    {'range': [0, 1.275e-10], 'tick0': 0, 'dtick': 2.5e-11}
    """
    longest = max(waits, default=0)
    step = 1.0
    if longest / _STEPS > 0:  # a wait of 5e-324 s has no fifth
        power = 10.0 ** math.floor(math.log10(longest / _STEPS))
        step = next(
            power * factor for factor in _ROUND_FACTORS if power * factor * _STEPS >= longest
        )
    scale = step / _PERCENT_TICKS["dtick"]
    # to 12 significant digits: 0.3 s, not 0.30000000000000004; rounding to 9 decimals made
    # the step of waits under 5e-9 s (a well-staffed curve) 0, and the axis range [0, 0]
    return {
        "range": [0, float(f"{_PERCENT_TICKS['range'][1] * scale:.12g}")],
        "tick0": 0,
        "dtick": float(f"{step:.12g}"),
    }
