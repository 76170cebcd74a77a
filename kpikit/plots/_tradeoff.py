"""Trade-off scatter: one KPI against another across agents, teams or queues."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit._validators import check_flag, check_number
from kpikit.catalog import KPI_IDS
from kpikit.display import DECIMALS, rated_value_text, signed_text
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    axis_title,
    bounded_range,
    column_label,
    group_labels,
    is_number,
    kpi_argument,
    new_figure,
    number_column,
    optional_kpi_number,
    pandas_frame,
    require_columns,
    rows_for_kpi,
    value_range,
)
from kpikit.plots._template import KPIKIT_COLORWAY, RAG_COLORS
from kpikit.tradeoff import (
    MIN_FIT_POINTS,
    VOLUME,
    correlation_text,
    extrapolates,
    fit_line,
    pivot_kpis,
    project_kpis,
)

__all__ = ["tradeoff"]

_MAX_MARKER_PX = 36
_MARKER_PX = 10
"""Diameter of the markers when they are not sized by a column."""
_CAPTION_TOP_PX = 45
"""How far under the plot area the notes start: past the x tick labels and the axis title."""
_CAPTION_LINE_PX = 18
_FIT_COLOR = "#000000"
_SIZE_LABELS = {"volume": "answered contacts"}


@shared_parameters
def tradeoff(
    frame,
    *,
    x: str = "aht",
    y: str = "csat",
    by: str | None = "agent_id",
    size: str | None = "volume",
    x_target=None,
    y_target=None,
    weighted: bool = False,
    what_if=None,
    title=None,
    height=None,
) -> go.Figure:
    """Scatter of KPI ``y`` against KPI ``x``, one marker per group, with a fitted line.

    Marker area is proportional to ``size`` (by default the answered volume, the AHT
    denominator). Dashed lines at the targets split the plane into quadrants; the quadrant where
    both KPIs are on the better side of their targets is labelled. The least-squares line
    (:func:`kpikit.tradeoff.fit_line`) is drawn with the 95 % band of the fitted mean, and the
    title gives Pearson's r and the number of groups (below
    :data:`kpikit.tradeoff.MIN_FIT_POINTS` groups, "too few to fit": two points give r = ±1
    whatever they are). Both axes (and the band) stay within the
    values the KPIs can take: a CSAT axis stops at 100 %; where an axis stops at the KPI's lowest
    value (0 s) and markers sit on it, the other axis's tick labels stand off by the largest
    marker's radius, so no marker covers them.

    A group without a value of ``x`` or ``y`` (or, with ``weighted``, without a ``size`` above
    0) is neither drawn nor fitted, and a note under the chart says how many were left out and
    why. The row whose ``by`` is null (by agent, the contacts no agent answered) is no group:
    it is neither drawn nor fitted either, and the note says how many contacts (its ``size``)
    it holds. Text or infinity in ``x``, ``y`` or ``size`` and a group on more than one row (such as
    ``kk.compute(..., by="agent_id", freq="day")``: each agent once a day) are refused.

    Parameters
    ----------
    frame : DataFrame
        Tidy :func:`kpikit.compute` output grouped by ``by`` (a ``kpi`` column; reshaped with
        :func:`kpikit.tradeoff.pivot_kpis`, which adds ``volume`` when ``aht`` or ``asa`` is
        present), or a wide frame with columns ``by``, ``x``, ``y`` and ``size``.
    x, y : str, default="aht", "csat"
        KPI ids on the horizontal and vertical axes; two different KPIs (one against itself
        is a line of r = 1 that says nothing of a trade-off).
    by : str or None, default="agent_id"
        Column naming each marker (agent, team, queue); kept in ``customdata`` for click events.
    size : str or None, default="volume"
        Column for the marker area; ``None`` draws equal markers.
    x_target, y_target : float, default=None
        Targets, drawn as quadrant lines; a value the KPI cannot take (a CSAT of 150 %) is
        refused, None or NaN draws no line.
    weighted : bool, default=False
        Weight the fit by ``size`` (larger groups count more); refused with ``size=None``.
    what_if : float, default=None
        Draw the change the fitted line implies when x moves by this much, from the mean of x,
        labelled as an association (:func:`kpikit.tradeoff.project_kpis`: cut where y leaves
        its scale, and the note says so). It must be a finite number of at most
        :data:`kpikit.tradeoff.MAX_MOVE` times the larger of the mean of x and its standard
        deviation that keeps the mean of x on its scale (AHT not below 0 s). The line and the
        what-if need :data:`kpikit.tradeoff.MIN_FIT_POINTS` groups. The axes reach the
        arrow's head; its note is written under the chart, where it covers no marker, and a
        move past the groups' values of x says it is extrapolated
        (:func:`kpikit.tradeoff.extrapolates`).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> agents = pd.DataFrame({"agent_id": ["a", "b", "c", "d"], "aht": [240, 300, 360, 420],
    ...                        "csat": [78.0, 82.0, 83.0, 88.0], "volume": [120, 80, 100, 60]})
    >>> fig = tradeoff(agents, x_target=300, y_target=80)
    >>> [trace.name for trace in fig.data]
    ['95 % band of the fit', 'fitted line', 'Agents (area: answered contacts)']
    >>> fig.layout.title.text
    'Customer satisfaction vs Average handle time by agent · r = 0.97 (n = 4)'
    >>> fig.layout.yaxis.range[1] <= 100
    True
    """
    x_def, y_def = kpi_argument(x, "x"), kpi_argument(y, "y")
    check_flag("weighted", weighted)
    if weighted and size is None:  # the fit was unweighted, without a word
        raise ValueError(
            "Value of 'weighted' is True but 'size' is None: the fit is weighted by the 'size' "
            "column (by default 'volume', the answered contacts); pass size='volume' or another "
            "column, or weighted=False"
        )
    x_target = optional_kpi_number("x_target", x_target, x)
    y_target = optional_kpi_number("y_target", y_target, y)
    if what_if is not None:  # refused before the fit: a fit with no slope would skip it unseen
        what_if = float(check_number("what_if", what_if))
    wide = pandas_frame(frame, "frame")
    if "kpi" in wide.columns:
        for kpi_id in (x, y):  # an empty frame, or one without x: say so, not "no 'volume'"
            rows_for_kpi(wide, kpi_id, "frame")
        wide = pivot_kpis(wide)
    required = [column for column in (by, x, y, size) if column is not None]
    if size is not None and size not in wide.columns:
        raise ValueError(
            f"Value of 'size' is not a column of 'frame': {size!r}. Compute 'aht' alongside the "
            "plotted KPIs (it carries the answered volume), pass another column, or size=None."
        )
    require_columns(wide, required, "frame")
    if x_def.id == y_def.id:
        raise ValueError(
            f"Values of 'x' and 'y' must be two different KPIs but both are {x!r}: a KPI "
            "against itself is a line of r = 1 and says nothing of a trade-off."
        )
    if by is not None:
        _check_one_row_per_group(wide, by, [x, y, size])
    valued = wide.assign(
        **{column: number_column(wide, column, by, minimum=None) for column in (x, y)},
        **({size: number_column(wide, size, by, minimum=0.0)} if size is not None else {}),
    )
    points, left_out = plotted_rows(valued, by, x_def, y_def, size, weighted=weighted)
    weights = points[size].to_numpy(dtype=float) if size is not None else None
    fit = fit_line(points[x], points[y], weights if weighted else None)

    groups = column_label(by).lower() if by else ""
    fits = fit.n >= MIN_FIT_POINTS and is_number(fit.slope)
    # Two points give r = ±1 whatever they are: below MIN_FIT_POINTS, no r, as no line.
    r_text = correlation_text(fit.r) if fit.n >= MIN_FIT_POINTS else "too few to fit"
    arrow = _what_if_arrow(fit, what_if, x_def, y_def) if what_if is not None and fits else None
    unfitted = _no_fit_text(fit, x_def, groups or "row") if what_if is not None and not fits else ""
    # The axes hold the what-if's arrow head too: a move past the data drew it off the chart.
    head_x, head_y = arrow["head"] if arrow else (None, None)
    x_range = bounded_range(x, [*points[x], x_target, head_x], pad=0.08)
    y_range = bounded_range(y, [*points[y], y_target, head_y], pad=0.08)
    marker = {"color": KPIKIT_COLORWAY[0], "opacity": 0.75, "line": {"width": 1, "color": "white"}}
    if weights is not None and len(weights) and np.nanmax(weights) > 0:
        marker.update(
            size=np.nan_to_num(weights),
            sizemode="area",
            sizemin=4,
            sizeref=2.0 * np.nanmax(weights) / _MAX_MARKER_PX**2,
        )
        radius = _MAX_MARKER_PX // 2 + marker["line"]["width"]
    else:
        marker["size"] = _MARKER_PX
        radius = _MARKER_PX // 2 + marker["line"]["width"]
    # Markers on an axis stopped at 0 are drawn whole (cliponaxis=False), over the other
    # axis's tick labels unless these stand off by a marker's radius.
    x_standoff = radius if points[y].size and y_range[0] == value_range(y)[0] else 0
    y_standoff = radius if points[x].size and x_range[0] == value_range(x)[0] else 0
    fig = new_figure(
        title
        or f"{y_def.name} vs {x_def.name}"
        + (f" by {groups}" if by else "")
        + f" · {r_text} (n = {fit.n})",
        height=height,
        xaxis={
            "title": {"text": axis_title(x)},
            "zeroline": False,
            "range": x_range,
            "ticklabelstandoff": x_standoff,
        },
        yaxis={
            "title": {"text": axis_title(y)},
            "zeroline": False,
            "range": y_range,
            "ticklabelstandoff": y_standoff,
        },
    )
    if fits:
        _add_fit(fig, fit, points[x].to_numpy(dtype=float), value_range(y))
    labels = group_labels(points, [by] if by else [])
    size_label = _SIZE_LABELS.get(size, size)
    name = f"{column_label(by)}s" if by else "All"
    fig.add_trace(
        go.Scatter(
            x=points[x],
            y=points[y],
            mode="markers",
            marker=marker,
            cliponaxis=False,  # a dot at 100 % shows whole at the axis's end
            name=name + (f" (area: {size_label})" if weights is not None else ""),
            customdata=labels.astype(str).to_numpy(),
            text=[
                f"{label}<br>{x_def.short_name}: {_hover_value(xv, x_def, x_target)}"
                f"<br>{y_def.short_name}: {_hover_value(yv, y_def, y_target)}"
                + (f"<br>{size_label}: {sv:,.0f}" if size is not None and is_number(sv) else "")
                for label, xv, yv, sv in zip(
                    labels,
                    points[x],
                    points[y],
                    points[size] if size is not None else [None] * len(points),
                    strict=True,
                )
            ],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    _add_quadrants(fig, x_def, y_def, x_target, y_target)
    captions = [unfitted]
    if arrow:
        beyond = extrapolates(fit, what_if, points[x])
        captions.append(_add_what_if(fig, arrow, x_def, y_def, beyond))
    captions.append(_left_out_text(left_out, groups or "row", by, _SIZE_LABELS.get(size, size)))
    _add_captions(fig, [text for text in captions if text], _CAPTION_TOP_PX + x_standoff)
    return fig


def _hover_value(value, kpi, target) -> str:
    """A group's value of ``kpi`` for its hover, not rounded onto the ``target`` it misses
    (:func:`kpikit.display.rated_value_text`): a CSAT of 79.96 % under an 80 % target read
    "80.0 %" beside a marker below the target's line.

    >>> from kpikit.catalog import kpi
    >>> _hover_value(79.96, kpi("csat"), 80.0), _hover_value(79.96, kpi("csat"), None)
    ('79.96 %', '80.0 %')
    """
    return rated_value_text({"unit": kpi.unit, "target": target, "value": value})


def _check_one_row_per_group(wide: pd.DataFrame, by: str, plotted: list) -> None:
    """Refuse a group on more than one row (an agent once per day): n would count rows, not
    groups. The message names the columns that tell the rows apart."""
    repeated = wide[wide.duplicated(by, keep=False)]
    if repeated.empty:
        return
    fixed = {by, *plotted, *KPI_IDS, VOLUME}
    grouped = repeated.groupby(by, dropna=False)
    splitting = [
        column
        for column in wide.columns
        if column not in fixed and (grouped[column].nunique(dropna=False) > 1).any()
    ]
    why = f"the column(s) {splitting} tell them apart" if splitting else "the rows repeat"
    raise ValueError(
        f"Value of 'frame' must have one row per {by!r} (one point per group) but "
        f"{repeated[by].nunique(dropna=False)} group(s) have more than one, {len(repeated)} rows "
        f"in all (first: {by}={repeated[by].iloc[0]!r}); {why}. Compute without freq and by "
        f"{by!r} alone (kk.compute(data, by={by!r})), or filter the frame to one period."
    )


def plotted_rows(valued: pd.DataFrame, by, x_def, y_def, size=None, *, weighted=False) -> tuple:
    """The rows drawn and fitted, and why the others are left out, as the chart and the
    dashboard's sheet both take them.

    A row is left out without a value of x or y, with ``weighted`` without a ``size`` above 0,
    and when its ``by`` is null: that row (by agent, the contacts no agent answered) is no
    group, so it is neither a point nor a weight of the fit. Returns ``(rows, left_out)``, with
    ``left_out`` ``(count, {reason: count}, unnamed, contacts)``: the named groups left out and
    why, the reasons the row of no group had no point anyway, and, when it had one (``unnamed``
    empty), its ``size`` (how many contacts it holds; NaN without ``size``), else None.

    >>> import pandas as pd
    >>> from kpikit.catalog import kpi
    >>> frame = pd.DataFrame({"agent_id": ["a", "b", None], "aht": [200.0, None, 100.0],
    ...                       "csat": [90.0, 80.0, 10.0], "volume": [1, 2, 5]})
    >>> rows, left_out = plotted_rows(frame, "agent_id", kpi("aht"), kpi("csat"), "volume")
    >>> rows["agent_id"].tolist(), left_out
    (['a'], (1, {'no AHT': 1}, [], 5.0))
    """
    weight = size if weighted else None
    reasons = {f"no {kpi.short_name}": valued[kpi.id].isna() for kpi in (x_def, y_def)}
    if weight is not None:  # a weighted fit cannot use a group without a weight
        # NA > 0 is NA in a nullable column, which any() skips: such a group stayed in.
        no_weight = ~(valued[weight] > 0).fillna(False).astype(bool)
        reasons[f"no {_SIZE_LABELS.get(weight, weight)} (the fit's weight)"] = no_weight
    out = pd.concat(reasons.values(), axis=1).any(axis=1)
    named = valued[by].notna() if by is not None else pd.Series(True, index=valued.index)
    counts = {reason: int((mask & named).sum()) for reason, mask in reasons.items()}
    unnamed = [reason for reason, mask in reasons.items() if (mask & ~named).any()]
    contacts = None
    if (~named & ~out).any():  # one row at most: a group on two rows is refused
        row = valued.loc[~named & ~out].iloc[0]
        contacts = float(row[size]) if size is not None and pd.notna(row[size]) else np.nan
    left_out = (int((out & named).sum()), {r: n for r, n in counts.items() if n}, unnamed, contacts)
    return valued[~out & named].reset_index(drop=True), left_out


def _no_fit_text(fit, x_def, group: str) -> str:
    """Why a ``what_if`` asked for is not drawn: no line was fitted (fewer than
    :data:`~kpikit.tradeoff.MIN_FIT_POINTS` points, or x that does not vary).

    >>> from kpikit.catalog import kpi
    >>> _no_fit_text(fit_line([240, 300], [80, 82]), kpi("aht"), "agent")
    'no fitted line, so no what-if: 2 agents have both values, and a line needs 3'
    """
    if fit.n < MIN_FIT_POINTS:
        plural = "s have" if fit.n != 1 else " has"
        return (
            f"no fitted line, so no what-if: {fit.n} {group}{plural} both values, and a line "
            f"needs {MIN_FIT_POINTS}"
        )
    return f"no fitted line, so no what-if: {x_def.short_name} is the same for all {fit.n} {group}s"


def _left_out_text(left_out: tuple, group: str, by, size_label=None) -> str:
    """How many groups (``group``: "agent") are not drawn and why, and that the row of no
    group (no ``by``) is not drawn, with how many contacts (``size_label``) it holds; "" when
    all are drawn.

    >>> _left_out_text((0, {}, [], 5.0), "agent", "agent_id", "answered contacts")
    '5 answered contacts with no agent_id left out: they belong to no agent'
    """
    count, reasons, unnamed, contacts = left_out
    parts = []
    if count:
        why = ", ".join(f"{number} with {reason}" for reason, number in reasons.items())
        parts.append(f"{count} {group}{'s' if count > 1 else ''} left out: {why}")
    if unnamed:
        parts.append(f"contacts with no {by} left out: {' and '.join(unnamed)}")
    elif contacts is not None:
        what = "contacts"
        if size_label is not None and is_number(contacts) and contacts > 0:
            single = contacts == 1 and size_label.endswith("s")
            what = f"{contacts:,.0f} {size_label[:-1] if single else size_label}"
        parts.append(f"{what} with no {by} left out: they belong to no {group}")
    return " · ".join(parts)


def _add_captions(fig: go.Figure, captions: list, top_px: float) -> None:
    """Write ``captions`` under the plot area, one under the other from ``top_px`` below it,
    where they cover no marker, and make the bottom margin room for them."""
    shift = top_px
    for text in captions:
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            yshift=-shift,
            align="left",
            showarrow=False,
            font={"size": 12},
        )
        shift += _CAPTION_LINE_PX * (text.count("<br>") + 1)
    if captions:
        fig.update_layout(margin={"b": shift + _CAPTION_LINE_PX / 2})


def _add_fit(fig: go.Figure, fit, xs: np.ndarray, bounds) -> None:
    grid = np.linspace(xs.min(), xs.max(), 50)
    low, high = fit.band(grid)
    # The band of the fitted mean cannot pass what the KPI can take (0 % or 100 %, ...).
    floor, ceiling = bounds
    low, high = np.maximum(low, floor), high if ceiling is None else np.minimum(high, ceiling)
    if np.isfinite(low).all():
        fig.add_trace(
            go.Scatter(
                x=[*grid, *grid[::-1]],
                y=[*high, *low[::-1]],
                mode="lines",
                fill="toself",
                fillcolor="rgba(0, 0, 0, 0.10)",
                line={"width": 0},
                name="95 % band of the fit",
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=fit.predict(grid),
            mode="lines",
            name="fitted line",
            line={"color": _FIT_COLOR, "width": 2},
            hoverinfo="skip",
        )
    )


def _add_quadrants(fig: go.Figure, x_def, y_def, x_target, y_target) -> None:
    line = {"color": "#555555", "dash": "dash", "width": 1}
    if is_number(x_target):
        fig.add_vline(
            x=float(x_target), line=line, annotation_text="target", annotation_position="top"
        )
    if is_number(y_target):
        # At the end of the line away from the "✔ both on target" corner (on the left when lower x
        # is better): in one corner, the two were written one over the other.
        end = "right" if x_def.direction == "lower" else "left"
        fig.add_hline(
            y=float(y_target), line=line, annotation_text="target", annotation_position=f"top {end}"
        )
    sides = {"higher": 0.98, "lower": 0.02}
    if (
        is_number(x_target)
        and is_number(y_target)
        and x_def.direction in sides
        and y_def.direction in sides
    ):
        fig.add_annotation(
            text="✔ both on target",
            xref="paper",
            yref="paper",
            showarrow=False,
            x=sides[x_def.direction],
            y=sides[y_def.direction],
            xanchor="right" if x_def.direction == "higher" else "left",
            yanchor="top" if y_def.direction == "higher" else "bottom",
            font={"color": RAG_COLORS["green"]},
        )


def _what_if_arrow(fit, delta_x: float, x_def, y_def) -> dict:
    """The what-if's arrow along the fitted line from the mean of x: its ``tail`` and ``head``
    as (x, y), its ``projection`` and whether y's scale ``cut`` it. The move is checked and the
    change cut at y's scale by :func:`kpikit.tradeoff.project_kpis`, as the dashboard's text
    is, its errors naming the caller's ``what_if``."""
    projection, _ = project_kpis(fit, delta_x, x=x_def.id, y=y_def.id, name="what_if")
    start_x = fit.x_mean
    start_y = float(fit.predict(start_x))
    return {
        "tail": (start_x, start_y),
        "head": (start_x + delta_x, start_y + projection.delta_y),
        "projection": projection,
        # The note shows the change alone, not its range: "cut" only when the change itself
        # was (a range cut at 100 % beside a change of +10.3 labelled the +10.3 "cut").
        "cut": projection.delta_y != float(fit.slope * delta_x),
    }


def _add_what_if(fig: go.Figure, arrow: dict, x_def, y_def, beyond: bool) -> str:
    """Draw the what-if's arrow (:func:`_what_if_arrow`) and return its note, for under the
    chart: in the plot, with its background, it hid the markers behind it. A move past the
    groups' values of x (``beyond``) is marked extrapolated."""
    (start_x, start_y), (head_x, head_y) = arrow["tail"], arrow["head"]
    fig.add_annotation(
        x=head_x,
        y=head_y,
        ax=start_x,
        ay=start_y,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowwidth=2,
        arrowcolor=RAG_COLORS["amber"],
    )
    projection = arrow["projection"]
    limit = " (cut at its scale's limit)" if arrow["cut"] else ""
    kind = "fitted association, extrapolated past the data" if beyond else "fitted association"
    # With a cut or an extrapolation, one line was wider than a phone's chart.
    break_ = "<br>" if limit or beyond else " "
    return (
        f"what if {x_def.short_name} {projection.delta_x:+g}: {y_def.short_name} "
        f"{signed_text(projection.delta_y, DECIMALS[y_def.unit])}{limit}{break_}({kind})"
    )
