"""Bullet chart: one KPI value against its benchmark bands and its target."""

import pandas as pd
import plotly.graph_objects as go

from kpikit.catalog import benchmarks as load_benchmarks
from kpikit.catalog import kpi as kpi_definition
from kpikit.plots._engine import (
    TIER_STYLE,
    UNIT_LABELS,
    axis_title,
    benchmark_rows,
    format_value,
    is_number,
    new_figure,
)

__all__ = ["bullet"]

_VALUE_COLOR = "#222222"


def bullet(value, *, kpi: str, benchmarks=None, target=None) -> go.Figure:
    """Bullet chart of one KPI value against benchmark bands and a target.

    The value is a dark bar; the benchmark tiers (average, world class, recommended target)
    are shaded bands behind it; the target is a vertical tick. Band KPIs (such as
    utilization) also show their healthy range from the catalog. The axis title says the
    unit and which way is better.

    Parameters
    ----------
    value : float or None
        The KPI value in its catalog unit (percent on 0..100, seconds, points, currency).
        None or NaN draws no bar and says "no data".
    kpi : str
        KPI id, for example ``"fcr"``.
    benchmarks : DataFrame, default=None
        :func:`kpikit.benchmarks` rows for one sector and channel (columns ``kpi``, ``tier``,
        ``low``, ``high``); rows of other KPIs are ignored. Tiers ``average``, ``world_class``
        and ``target`` are drawn, the first row of each when several share a tier. ``None``
        takes the cross-sector, all-channel rows of the catalog. An open range (``low`` or
        ``high`` NaN, such as "85 %+") extends to the edge of the axis.
    target : float, default=None
        Target value, drawn as a vertical tick.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> bands = pd.DataFrame({"kpi": "fcr", "tier": ["average", "world_class"],
    ...                       "low": [70, 85], "high": [75, float("nan")]})
    >>> fig = bullet(72.5, kpi="fcr", benchmarks=bands, target=75)
    >>> len(fig.data)   # two bands, the value bar, the target tick
    4
    >>> fig.data[2].x[0]
    72.5
    """
    definition = kpi_definition(kpi)
    if benchmarks is None:
        benchmarks = load_benchmarks(sector="all", channel="all", kpi=kpi)
    bands = benchmark_rows(benchmarks)
    bands = bands[bands["kpi"] == kpi]
    band_range = (
        (definition.band_low, definition.band_high) if definition.direction == "band" else None
    )
    low, high = _axis_range(value, target, bands, band_range)
    unit = UNIT_LABELS.get(definition.unit, definition.unit)

    fig = new_figure(
        f"{definition.name}: {format_value(value, definition.unit)}",
        height=230,
        barmode="overlay",
        xaxis={"range": [low, high], "title": {"text": axis_title(kpi)}},
        yaxis={"visible": False, "range": [-0.6, 0.6]},
        margin={"l": 20, "r": 20, "t": 70, "b": 50},
    )
    for row in bands.itertuples():
        name, color, width = TIER_STYLE[row.tier]
        start = row.low if is_number(row.low) else low
        end = row.high if is_number(row.high) else high
        fig.add_trace(
            go.Bar(
                x=[end - start],
                base=[start],
                y=[0],
                orientation="h",
                width=[width],
                name=name,
                marker={"color": color, "line": {"width": 0}},
                hovertemplate=f"{name}: {_range_text(row.low, row.high, unit)}<extra></extra>",
            )
        )
    if band_range is not None:
        fig.add_trace(
            go.Bar(
                x=[band_range[1] - band_range[0]],
                base=[band_range[0]],
                y=[0],
                orientation="h",
                width=[0.9],
                name="Healthy band",
                marker={"color": "rgba(0, 158, 115, 0.25)", "pattern": {"shape": "/"}},
                hovertemplate=f"Healthy band: {_range_text(*band_range, unit)}<extra></extra>",
            )
        )
    if is_number(value):
        fig.add_trace(
            go.Bar(
                x=[float(value)],
                base=[0],
                y=[0],
                orientation="h",
                width=[0.3],
                name="Value",
                marker={"color": _VALUE_COLOR},
                hovertemplate=f"Value: {format_value(value, definition.unit)}<extra></extra>",
            )
        )
    else:
        fig.add_annotation(text="no data", x=(low + high) / 2, y=0, showarrow=False)
    if is_number(target):
        fig.add_trace(
            go.Scatter(
                x=[float(target)],
                y=[0],
                mode="markers",
                name="Target",
                marker={"symbol": "line-ns", "size": 46, "line": {"width": 4, "color": "#D55E00"}},
                hovertemplate=f"Target: {format_value(target, definition.unit)}<extra></extra>",
            )
        )
    return fig


def _axis_range(value, target, bands: pd.DataFrame, band_range) -> tuple[float, float]:
    points = [value, target, *bands["low"], *bands["high"], *(band_range or ())]
    finite = [float(point) for point in points if is_number(point)]
    if not finite:
        return 0.0, 1.0
    top = max(finite)
    bottom = min(0.0, min(finite))
    span = top - bottom or abs(top) or 1.0
    return bottom, top + 0.15 * span


def _range_text(low, high, unit: str) -> str:
    if is_number(low) and is_number(high):
        return f"{low:g}–{high:g} {unit}"
    if is_number(low):
        return f"{low:g} {unit} or more"
    if is_number(high):
        return f"up to {high:g} {unit}"
    return "not given"
