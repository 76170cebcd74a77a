"""Sector overview: every KPI of a sector, your values against average and world class."""

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from kpikit.catalog import catalog
from kpikit.catalog import kpi as kpi_definition
from kpikit.plots._engine import (
    TIER_STYLE,
    UNIT_LABELS,
    benchmark_rows,
    format_value,
    is_number,
    new_figure,
    require_columns,
    to_pandas,
)

__all__ = ["sector_overview"]

_PAD = 0.08


def sector_overview(benchmarks, yours=None) -> go.Figure:
    """Every KPI of one sector on a common "worse → better" axis, with your values.

    Each KPI gets its own row and its own scale: the row spans the KPI's benchmark bounds and
    your value (with a small margin), oriented so that better is always to the right (lower-is-
    better KPIs are flipped). Hover shows the real numbers in each KPI's unit.

    Parameters
    ----------
    benchmarks : DataFrame
        :func:`kpikit.benchmarks` rows for one sector and one channel (columns ``kpi``, ``tier``,
        ``low``, ``high``). Tiers ``average``, ``world_class`` and ``target`` are drawn, the
        first row of each when several share a tier; open ranges run to the edge of the row.
    yours : mapping, Series or DataFrame, default=None
        Your values by KPI id: ``{"fcr": 72.0, ...}``, a Series indexed by KPI id, or
        ungrouped :func:`kpikit.compute` output (columns ``kpi`` and ``value``).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> bench = pd.DataFrame({"kpi": ["fcr", "fcr", "aht"], "tier": ["average", "world_class",
    ...                       "average"], "low": [70, 85, 240], "high": [75, None, 360]})
    >>> fig = sector_overview(bench, yours={"fcr": 78.0, "aht": 300.0})
    >>> [trace.name for trace in fig.data]
    ['Average range', 'World class', 'You']
    >>> list(fig.data[0].y)   # catalog order
    ['Average handle time', 'First contact resolution']
    """
    bench = benchmark_rows(benchmarks)
    values = _your_values(yours)
    order = [kpi_id for kpi_id in catalog()["id"] if kpi_id in set(bench["kpi"]) | set(values)]
    scales = {
        kpi_id: _scale(bench[bench["kpi"] == kpi_id], values.get(kpi_id), kpi_id)
        for kpi_id in order
    }
    names = {kpi_id: kpi_definition(kpi_id).name for kpi_id in order}

    fig = new_figure(
        "Sector benchmarks" + (" and your values" if values else ""),
        height=max(260, 60 + 42 * len(order)),
        barmode="overlay",
        xaxis={
            "range": [0, 1],
            "showticklabels": False,
            "showgrid": False,
            "title": {"text": "worse  ←  each KPI on its own scale  →  better"},
        },
        yaxis={"autorange": "reversed"},
    )
    for tier, (label, color, width) in TIER_STYLE.items():
        rows = bench[bench["tier"] == tier].set_index("kpi")
        kpis = [kpi_id for kpi_id in order if kpi_id in rows.index]
        if not kpis:
            continue
        starts, ends, texts = [], [], []
        for kpi_id in kpis:
            low, high = rows.at[kpi_id, "low"], rows.at[kpi_id, "high"]
            position = sorted(
                (scales[kpi_id](low, missing="low"), scales[kpi_id](high, missing="high"))
            )
            starts.append(position[0])
            ends.append(position[1])
            texts.append(f"{names[kpi_id]}<br>{label}: {_range_text(low, high, kpi_id)}")
        fig.add_trace(
            go.Bar(
                y=[names[kpi_id] for kpi_id in kpis],
                x=[end - start for start, end in zip(starts, ends, strict=True)],
                base=starts,
                orientation="h",
                width=width,
                name=label,
                marker={"color": color, "line": {"width": 0}},
                text=texts,
                textposition="none",
                hovertemplate="%{text}<extra></extra>",
            )
        )
    mine = [kpi_id for kpi_id in order if is_number(values.get(kpi_id))]
    if values:
        fig.add_trace(
            go.Scatter(
                y=[names[kpi_id] for kpi_id in mine],
                x=[scales[kpi_id](values[kpi_id]) for kpi_id in mine],
                mode="markers+text",
                name="You",
                marker={"symbol": "diamond", "size": 13, "color": "#222222"},
                text=[format_value(values[k], kpi_definition(k).unit) for k in mine],
                textposition="top center",
                hovertemplate="%{y}: %{text}<extra>You</extra>",
            )
        )
    return fig


def _your_values(yours) -> dict:
    if yours is None:
        return {}
    if isinstance(yours, Mapping):
        return dict(yours)
    if isinstance(yours, pd.Series):
        return yours.to_dict()
    frame = to_pandas(yours, "yours")
    require_columns(frame, ["kpi", "value"], "yours")
    if frame["kpi"].duplicated().any():
        raise ValueError(
            "Value of 'yours' must have one row per KPI (ungrouped kk.compute output) but "
            f"received {len(frame)} rows for {frame['kpi'].nunique()} KPIs"
        )
    return dict(zip(frame["kpi"], frame["value"], strict=True))


def _scale(rows: pd.DataFrame, your_value, kpi_id: str):
    """Map a KPI's values to 0..1 over its row, better to the right.

    A missing bound of an open range ("85 %+") stands for the row's own end on that side.
    """
    points = [*rows["low"], *rows["high"], your_value]
    finite = [float(point) for point in points if is_number(point)]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    span = (high - low) or abs(high) or 1.0
    low, high = low - _PAD * span, high + _PAD * span
    flip = kpi_definition(kpi_id).direction == "lower"

    def position(value, missing="low"):
        if not is_number(value):
            value = low if missing == "low" else high
        share = (float(value) - low) / (high - low)
        return 1.0 - share if flip else share

    return position


def _range_text(low, high, kpi_id: str) -> str:
    unit = UNIT_LABELS.get(kpi_definition(kpi_id).unit, "")
    if is_number(low) and is_number(high):
        return f"{low:g}–{high:g} {unit}"
    if is_number(low):
        return f"{low:g} {unit} or more"
    return f"up to {high:g} {unit}"
