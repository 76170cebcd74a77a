"""Bullet charts: KPI values against benchmark bands and targets, on the KPI's own axis.

:func:`bullet` draws one KPI; :func:`sector_overview` stacks one small bullet per KPI of a
sector, each with its own numeric axis in the KPI's unit.
"""

import pandas as pd
import plotly.graph_objects as go

from kpikit._validators import check_choice, check_number
from kpikit.catalog import KPI_IDS, catalog
from kpikit.catalog import benchmarks as load_benchmarks
from kpikit.catalog import kpi as kpi_definition
from kpikit.catalog._benchmarks import THRESHOLD_KPI
from kpikit.display import DIRECTION_HINTS, UNIT_SYMBOLS, rated_value_text
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    TIER_STYLE,
    benchmark_rows,
    format_value,
    is_number,
    kpi_argument,
    kpi_label,
    new_figure,
    optional_kpi_number,
    pandas_frame,
    require_columns,
    value_range,
)
from kpikit.plots._template import TEMPLATE_NAME

__all__ = ["bullet", "sector_overview"]

_VALUE_COLOR = "#222222"
_TARGET_COLOR = "#D55E00"
_HEALTHY = ("Healthy band", "rgba(0, 158, 115, 0.25)")
_ROW_PX = 92
_Y_AXIS = {"visible": False, "range": [-0.6, 0.6], "fixedrange": True, "automargin": False}


@shared_parameters
def bullet(benchmarks=None, *, kpi: str, value=None, target=None, title=None, height=None):
    """Bullet chart of one KPI value against benchmark bands and a target.

    The value is a dark bar; the benchmark tiers (average, world class, recommended target)
    are shaded bands behind it; the target is a vertical tick. Band KPIs (such as
    utilization) also show their healthy range from the catalog. The axis is numeric, in the
    KPI's unit, and stays within the values the KPI can take (a percentage stops at 100 %).

    Parameters
    ----------
    benchmarks : DataFrame, default=None
        :func:`kpikit.benchmarks` rows for one sector and channel (columns ``kpi``, ``tier``,
        ``low``, ``high``); rows of other KPIs are ignored. Tiers ``average``, ``world_class``
        and ``target`` are drawn, the first row of each when several share a tier. ``None``
        takes the cross-sector, all-channel rows of the catalog. An open range (``low`` or
        ``high`` NaN, such as "85 %+") extends to the edge of the axis.
    value : float, default=None
        The KPI value in its catalog unit (percent on 0..100, seconds, points, currency).
        None or NaN draws no bar and says "no data"; text, infinity or a value the KPI cannot
        take (a percent above 100, a negative AHT) is refused.
    target : float, default=None
        Target value, drawn as a vertical tick; checked as ``value`` is.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> bands = pd.DataFrame({"kpi": "fcr", "tier": ["average", "world_class"],
    ...                       "low": [70, 85], "high": [75, float("nan")]})
    >>> fig = bullet(bands, kpi="fcr", value=72.5, target=75)
    >>> [trace.name for trace in fig.data]   # two bands, the value bar, the target tick
    ['Average range', 'World class', 'Value', 'Target']
    >>> fig.layout.xaxis.range   # 85 + 15 % of 85; never past 100 %
    (0.0, 97.75)
    """
    definition = kpi_argument(kpi)
    value = optional_kpi_number("value", value, kpi)
    target = optional_kpi_number("target", target, kpi)
    if benchmarks is None:
        benchmarks = load_benchmarks(sector="all", channel="all", kpi=kpi)
    bands = benchmark_rows(benchmarks, kpi=kpi)
    traces, (low, high) = _row(kpi, bands, value, target, shown=set(), axes=("x", "y"))
    layout = {
        "template": TEMPLATE_NAME,
        "title": {"text": title or f"{definition.name}: {_value_text(value, target, definition)}"},
        "height": height or 230,
        "barmode": "overlay",
        "xaxis": {
            **_x_axis(kpi, low, high),
            "title": {"text": f"{kpi_label(kpi)} · {DIRECTION_HINTS[definition.direction]}"},
        },
        "yaxis": _Y_AXIS,
        "margin": {"l": 30, "r": 30, "t": 70, "b": 60},
    }
    if not is_number(value):
        layout["annotations"] = [
            {"text": "no data", "x": (low + high) / 2, "y": 0, "showarrow": False}
        ]
    return go.Figure(data=traces, layout=layout)


@shared_parameters
def sector_overview(
    benchmarks, *, yours=None, threshold_s=None, title=None, height=None
) -> go.Figure:
    """One small bullet chart per KPI of a sector, each on its own axis, with your values.

    Every KPI gets a row with a numeric axis in its unit (ticks in %, s, points or currency),
    its benchmark tiers as bands and your value as a dark bar; the row's title says which way
    is better and gives your value. Axes stay within the values a KPI can take.

    Parameters
    ----------
    benchmarks : DataFrame
        :func:`kpikit.benchmarks` rows for one sector and one channel (columns ``kpi``, ``tier``,
        ``low``, ``high``). Tiers ``average``, ``world_class`` and ``target`` are drawn, the
        first row of each when several share a tier; open ranges run to the edge of the axis.
    yours : mapping, Series or DataFrame, default=None
        Your values by KPI id: ``{"fcr": 72.0, ...}``, a Series indexed by KPI id, or
        ungrouped :func:`kpikit.compute` output (columns ``kpi`` and ``value``). An unknown
        KPI id is refused; missing values are left out.
    threshold_s : float, default=None
        The answer threshold, in seconds, your service level was computed at
        (``Options.sl_threshold_for(channel)``); shown beside your value ("you: 91 % within
        20 s") as the benchmark's own threshold is shown beside its range ("90 % or more
        within 15 s"), so the two read as comparable only when they are. ``None``: not shown.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> bench = pd.DataFrame({"kpi": ["fcr", "fcr", "aht"], "tier": ["average", "world_class",
    ...                       "average"], "low": [70, 85, 240], "high": [75, None, 360]})
    >>> fig = sector_overview(bench, yours={"fcr": 78.0, "aht": 300.0})
    >>> [(trace.name, trace.xaxis) for trace in fig.data][:3]   # catalog order: AHT, then FCR
    [('Average range', 'x'), ('Value', 'x'), ('Average range', 'x2')]
    >>> fig.layout.annotations[0].text
    'Average handle time (s) · lower is better · you: 300 s'
    """
    bench = benchmark_rows(benchmarks)
    values = _your_values(yours)
    if threshold_s is not None:
        threshold_s = check_number("threshold_s", threshold_s, minimum=0)
    order = [kpi_id for kpi_id in catalog()["id"] if kpi_id in set(bench["kpi"]) | set(values)]
    if not order:
        return new_figure(title or "No benchmarks for this choice", height=height or 200)
    # One row per KPI, laid out by hand: a figure built in one go from plain data is several
    # times faster than make_subplots and update calls (this chart redraws on every control).
    count = len(order)
    gap = 0.55 / count
    span = (1 - gap * (count - 1)) / count
    layout = {
        "template": TEMPLATE_NAME,
        "title": {"text": title or "Your values against sector benchmarks"},
        "height": height or 90 + _ROW_PX * count,
        "barmode": "overlay",
        "margin": {"l": 30, "r": 30, "t": 110, "b": 30},
        "annotations": [],
    }
    traces, shown = [], set()
    for position, kpi_id in enumerate(order):
        definition = kpi_definition(kpi_id)
        suffix = "" if position == 0 else str(position + 1)
        top = 1 - position * (span + gap)
        rows = bench[bench["kpi"] == kpi_id]
        within = _within(threshold_s) if kpi_id == THRESHOLD_KPI else ""
        row_traces, (low, high) = _row(
            kpi_id,
            rows,
            values.get(kpi_id),
            None,
            shown=shown,
            axes=(f"x{suffix}", f"y{suffix}"),
            within=within,
        )
        traces += row_traces
        layout[f"xaxis{suffix}"] = {**_x_axis(kpi_id, low, high), "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {
            **_Y_AXIS,
            "domain": [max(top - span, 0.0), top],
            "anchor": f"x{suffix}",
        }
        text = f"{kpi_label(kpi_id)} · {DIRECTION_HINTS[definition.direction]}"
        if kpi_id in values:
            text += f" · you: {format_value(values[kpi_id], definition.unit)}{within}"
        layout["annotations"].append(
            {
                "text": text,
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": top,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    return go.Figure(data=traces, layout=layout)


def _x_axis(kpi_id, low, high) -> dict:
    # A handful of ticks and fixed margins: with a dozen axes on a chart, plotly's automatic
    # margins and dense ticks would triple the time the browser takes to draw it. An axis that
    # ends at the KPI's ceiling has a tick on its edge, whose label ("100 %") a phone's thin
    # margin hid: that axis alone widens the right margin to fit it.
    symbol = UNIT_SYMBOLS.get(kpi_definition(kpi_id).unit, "")
    return {
        "range": [low, high],
        "ticksuffix": f" {symbol}" if symbol else "",
        "showgrid": True,
        "fixedrange": True,
        "automargin": "right" if high == value_range(kpi_id)[1] else False,
        "nticks": 6,
    }


def _within(threshold_s) -> str:
    """ " within 15 s" for an answer threshold in seconds; empty text for none."""
    return f" within {float(threshold_s):g} s" if is_number(threshold_s) else ""


def _row(kpi_id, bands: pd.DataFrame, value, target, *, shown: set, axes, within="") -> tuple:
    """The traces of one bullet (bands, healthy band, value bar, target) and its axis range.

    ``shown`` collects the legend entries drawn so far: each appears in the legend once.
    A band's hover carries its answer threshold (column ``threshold_s``) and the value's
    carries ``within``, the threshold it was computed at: a service level is only
    comparable with a range at the same threshold.
    """
    definition = kpi_definition(kpi_id)
    band_range = (
        (definition.band_low, definition.band_high) if definition.direction == "band" else None
    )
    low, high = _axis_range(kpi_id, value, target, bands, band_range)
    traces = []

    def add(trace: dict) -> None:
        trace.update(
            legendgroup=trace["name"],
            showlegend=trace["name"] not in shown,
            xaxis=axes[0],
            yaxis=axes[1],
        )
        shown.add(trace["name"])
        traces.append(trace)

    for band in bands.itertuples():
        name, color, width = TIER_STYLE[band.tier]
        start = band.low if is_number(band.low) else low
        end = band.high if is_number(band.high) else high
        text = _range_text(band.low, band.high, definition.unit)
        text += _within(getattr(band, "threshold_s", None))
        add(_bar(start, end, width, name, color, f"{name}: {text}"))
    if band_range is not None:
        text = _range_text(*band_range, definition.unit)
        add(_bar(*band_range, 0.9, _HEALTHY[0], _HEALTHY[1], f"Healthy band: {text}"))
    if is_number(value):
        shown_value = _value_text(value, target, definition)
        hover = f"Value: {shown_value}{within}"
        # From 0 (or the axis floor above it) to the value: a negative NPS runs left of 0.
        add(_bar(max(0.0, low), float(value), 0.3, "Value", _VALUE_COLOR, hover))
    if is_number(target):
        add(
            {
                "type": "scatter",
                "x": [float(target)],
                "y": [0],
                "mode": "markers",
                "name": "Target",
                "marker": {
                    "symbol": "line-ns",
                    "size": 46,
                    "line": {"width": 4, "color": _TARGET_COLOR},
                },
                "hovertemplate": f"Target: {format_value(target, definition.unit)}<extra></extra>",
            }
        )
    return traces, (low, high)


def _value_text(value, target, definition) -> str:
    """The value as the title and its bar's hover give it: with the decimals it takes not to
    read as the target it misses (:func:`kpikit.display.rated_value_text`; 79.96 % beside a
    target of 80.0 % is not "80.0 %").

    >>> from kpikit.catalog import kpi
    >>> _value_text(79.96, 80.0, kpi("csat")), _value_text(79.96, None, kpi("csat"))
    ('79.96 %', '80.0 %')
    """
    return rated_value_text({"unit": definition.unit, "target": target, "value": value})


def _bar(start, end, width, name, color, hover) -> dict:
    return {
        "type": "bar",
        "x": [float(end) - float(start)],
        "base": [float(start)],
        "y": [0],
        "orientation": "h",
        "width": [width],
        "name": name,
        "marker": {"color": color, "line": {"width": 0}},
        "hovertemplate": f"{hover}<extra></extra>",
    }


def _axis_range(kpi_id, value, target, bands: pd.DataFrame, band_range) -> tuple[float, float]:
    """From 0 (or past the lowest figure when it is negative, as an NPS can be) to past the
    highest figure, 0 always included, never beyond the values the KPI can take.

    >>> import pandas as pd
    >>> _axis_range("nps", -40.0, None, pd.DataFrame({"low": [75.0], "high": [None]}), None)
    (-57.25, 92.25)
    """
    floor, ceiling = value_range(kpi_id)
    points = [value, target, *bands["low"], *bands["high"], *(band_range or ())]
    finite = [float(point) for point in points if is_number(point)]
    if not finite:
        return floor, 1.0 if ceiling is None else ceiling
    bottom, top = min(0.0, *finite), max(0.0, *finite)
    pad = 0.15 * (top - bottom or 1.0)
    if bottom < 0:
        bottom -= pad
    top += pad
    return max(bottom, floor), top if ceiling is None else min(top, ceiling)


def _range_text(low, high, unit: str) -> str:
    if is_number(low) and is_number(high):
        return f"{format_value(low, unit)} to {format_value(high, unit)}"
    if is_number(low):
        return f"{format_value(low, unit)} or more"
    if is_number(high):
        return f"up to {format_value(high, unit)}"
    return "not given"


def _your_values(yours) -> dict:
    if yours is None:
        return {}
    if isinstance(yours, dict):
        values = yours
    elif isinstance(yours, pd.Series):
        values = yours.to_dict()
    else:
        frame = pandas_frame(yours, "yours")
        require_columns(frame, ["kpi", "value"], "yours")
        if frame["kpi"].duplicated().any():
            raise ValueError(
                "Value of 'yours' must have one row per KPI (ungrouped kk.compute output) but "
                f"received {len(frame)} rows for {frame['kpi'].nunique()} KPIs"
            )
        values = dict(zip(frame["kpi"], frame["value"], strict=True))
    checked = {}
    for kpi_id, value in values.items():
        check_choice("yours", kpi_id, KPI_IDS, "a KPI id")
        # None or NaN: nothing to draw; text, infinity or a value off the KPI's scale: refused
        number = optional_kpi_number(f"yours[{kpi_id!r}]", value, kpi_id)
        if number is not None:
            checked[kpi_id] = number
    return checked
