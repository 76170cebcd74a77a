"""Trend: a KPI by period with its confidence band, the target and the amber tolerance zone."""

import pandas as pd
import plotly.graph_objects as go

from kpikit.catalog import kpi as kpi_definition
from kpikit.plots._engine import (
    axis_title,
    format_value,
    is_number,
    new_figure,
    require_columns,
    rows_for_kpi,
    to_pandas,
)
from kpikit.plots._template import KPIKIT_COLORWAY, RAG_COLORS

__all__ = ["trend"]


def trend(frame, *, kpi: str, target=None, tolerance=None, by=None) -> go.Figure:
    """Line chart of a KPI by period with its 95 % interval, target and tolerance zone.

    Parameters
    ----------
    frame : DataFrame
        Output of ``kk.compute(data, freq=...)``: columns ``period``, ``value``, ``ci_low``,
        ``ci_high`` (and ``kpi``, filtered on ``kpi``, when present).
    kpi : str
        KPI id; gives the axis title, the unit and which side of the target is amber.
    target : float or (float, float), default=None
        Target line. For band KPIs (catalog direction ``band``) a ``(low, high)`` pair; ``None``
        takes the catalog's healthy band for band KPIs and draws no target otherwise.
    tolerance : float, default=None
        Width of the amber zone on the failing side of the target (below it when higher is
        better, above it when lower is better, outside either edge of a band).
    by : str, default=None
        Grouping column: one line (and one interval) per group.

    Returns
    -------
    plotly.graph_objects.Figure

    Notes
    -----
    The interval is drawn as given (``ci_low``/``ci_high``); periods whose interval is null
    (KPIs without an interval, empty groups) show the line only.

    Examples
    --------
    >>> import pandas as pd
    >>> weeks = pd.DataFrame({
    ...     "period": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]),
    ...     "kpi": "service_level", "value": [78.0, 82.0, 85.0],
    ...     "ci_low": [74.0, 78.5, 81.0], "ci_high": [81.6, 85.1, 88.4]})
    >>> fig = trend(weeks, kpi="service_level", target=80, tolerance=5)
    >>> [trace.name for trace in fig.data]
    ['95 % interval', 'Service level']
    >>> len(fig.layout.shapes)   # amber zone and target line
    2
    """
    definition = kpi_definition(kpi)
    rows = rows_for_kpi(to_pandas(frame, "frame"), kpi, "frame")
    require_columns(rows, ["period", "value", "ci_low", "ci_high"], "frame")
    if by is not None:
        require_columns(rows, [by], "frame")
    band = _target_band(definition, target)

    fig = new_figure(
        f"{definition.name} by period",
        xaxis={"title": {"text": "Period"}},
        yaxis={"title": {"text": axis_title(kpi)}},
        hovermode="x unified",
    )
    _add_target(fig, definition, band, tolerance)
    groups = rows.groupby(by, sort=True, dropna=False) if by else [(None, rows)]
    for position, (key, group) in enumerate(groups):
        group = group.sort_values("period")
        color = KPIKIT_COLORWAY[position % len(KPIKIT_COLORWAY)]
        label = definition.name if by is None else str(key[0] if isinstance(key, tuple) else key)
        _add_interval(fig, group, color, label, showlegend=by is None)
        fig.add_trace(
            go.Scatter(
                x=group["period"],
                y=group["value"],
                mode="lines+markers",
                name=label,
                legendgroup=label if by else None,
                line={"color": color, "width": 2},
                marker={"size": 6},
                text=[format_value(value, definition.unit) for value in group["value"]],
                hovertemplate="%{text}<extra>" + label + "</extra>",
            )
        )
    return fig


def _target_band(definition, target):
    if definition.direction == "band":
        if target is None:
            return definition.band_low, definition.band_high
        if not (isinstance(target, tuple | list) and len(target) == 2):
            raise ValueError(
                f"Value of 'target' for band KPI {definition.id!r} must be a (low, high) pair "
                f"but received: {target!r}"
            )
        return tuple(float(edge) for edge in target)
    if target is None:
        return None
    if not is_number(target):
        raise ValueError(f"Value of 'target' must be a number but received: {target!r}")
    return float(target), float(target)


def _add_target(fig: go.Figure, definition, band, tolerance) -> None:
    if band is None:
        return
    low, high = band
    if is_number(tolerance) and float(tolerance) > 0:
        zones = {
            "higher": [(low - tolerance, low)],
            "lower": [(high, high + tolerance)],
            "band": [(low - tolerance, low), (high, high + tolerance)],
        }[definition.direction]
        for start, end in zones:
            fig.add_hrect(
                y0=start,
                y1=end,
                fillcolor=RAG_COLORS["amber"],
                opacity=0.18,
                line_width=0,
                layer="below",
            )
    if low == high:
        fig.add_hline(
            y=low,
            line={"color": RAG_COLORS["red"], "dash": "dash", "width": 2},
            annotation_text=f"target {format_value(low, definition.unit)}",
            annotation_position="top left",
        )
    else:
        fig.add_hrect(
            y0=low,
            y1=high,
            fillcolor=RAG_COLORS["green"],
            opacity=0.14,
            line_width=0,
            layer="below",
            annotation_text="healthy band",
            annotation_position="top left",
        )


def _add_interval(fig: go.Figure, group: pd.DataFrame, color: str, label: str, showlegend: bool):
    known = group.dropna(subset=["ci_low", "ci_high"])
    if known.empty:
        return
    fig.add_trace(
        go.Scatter(
            x=[*known["period"], *known["period"][::-1]],
            y=[*known["ci_high"], *known["ci_low"][::-1]],
            mode="lines",
            fill="toself",
            fillcolor=_transparent(color),
            line={"width": 0},
            name="95 % interval",
            legendgroup=None if showlegend else label,
            showlegend=showlegend,
            hoverinfo="skip",
        )
    )


def _transparent(hex_color: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"
