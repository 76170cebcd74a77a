"""The ``kpikit`` plotly template and the red/amber/green palette shared by every figure.

Status colours (:data:`kpikit.display.RAG_COLORS`, re-exported here) come from the Okabe–Ito
palette, which stays distinguishable for the common forms of colour-vision deficiency. Colour is
never the only carrier of a status: every builder also prints a mark (``RAG_MARKS``) or a word
(``RAG_LABELS``) next to it.
"""

import plotly.graph_objects as go
import plotly.io as pio

from kpikit.display import RAG_COLORS, RAG_LABELS, RAG_MARKS, RAG_TINTS

__all__ = [
    "KPIKIT_COLORWAY",
    "RAG_COLORS",
    "RAG_LABELS",
    "RAG_MARKS",
    "RAG_TINTS",
    "TEMPLATE_NAME",
    "fit_top_margin",
    "shows_legend",
    "use_template",
]

TEMPLATE_NAME = "kpikit"

KPIKIT_COLORWAY = ["#0072B2", "#56B4E9", "#CC79A7", "#000000", "#F0E442", "#999999"]
"""Series colours (Okabe–Ito blues, reddish purple, black, yellow, grey): chosen apart from
the status colours so that a series is not read as a status."""


_LEGEND_TOP_PX = 90
"""Top margin for a title of one line and the legend's row under it."""
_ABOVE_TITLE_PX = 20
"""Above the title's first line: the template's ``title.y`` (2 % of the height) and its pad."""
_TITLE_LINE_PX = 22
_UNDER_TITLE_PX = 12
_NO_LEGEND_TRACES = {"contour", "heatmap", "histogram2d", "indicator", "table"}
"""Trace types plotly.js leaves out of the legend unless asked (``showlegend=True``)."""


def _build_template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.update(
        colorway=KPIKIT_COLORWAY,
        font={"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#222222"},
        # Title at the very top, legend just above the plot area: long titles and the legend
        # never share a line. plotly.js anchors a title of two lines (a note in <sup> under
        # it) by its second line, which pushed the first above the figure: the pad keeps it in.
        title={
            "font": {"size": 16},
            "x": 0.0,
            "xanchor": "left",
            "yref": "container",
            "y": 0.98,
            "yanchor": "top",
            "pad": {"t": 10},
        },
        margin={"l": 60, "r": 30, "t": _LEGEND_TOP_PX, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "right", "x": 1},
        hoverlabel={"font": {"family": "Arial, Helvetica, sans-serif"}},
    )
    return template


pio.templates[TEMPLATE_NAME] = _build_template()


def use_template(fig: go.Figure) -> go.Figure:
    """Apply the ``kpikit`` template to a figure and return it.

    Importing :mod:`kpikit.plots` registers the template, so ``template="kpikit"`` also works
    in any plotly call.

    Examples
    --------
    >>> fig = use_template(go.Figure())
    >>> fig.layout.template.layout.colorway[0]
    '#0072B2'
    """
    fig.update_layout(template=TEMPLATE_NAME)
    return fig


def shows_legend(fig: go.Figure) -> bool:
    """Whether plotly.js draws the figure's legend: as ``layout.showlegend`` says, else (its
    own rule) for two entries or more, or for one trace that asks for it.

    Examples
    --------
    >>> shows_legend(go.Figure(go.Bar(y=[1])))
    False
    >>> shows_legend(go.Figure([go.Bar(y=[1]), go.Scatter(y=[2])]))
    True
    """
    if fig.layout.showlegend is not None:
        return bool(fig.layout.showlegend)
    entries = [
        trace
        for trace in fig.data
        if trace.visible is not False
        and (trace.showlegend or (trace.showlegend is None and trace.type not in _NO_LEGEND_TRACES))
    ]
    return len(entries) > 1 or any(trace.showlegend for trace in entries)


def fit_top_margin(fig: go.Figure) -> go.Figure:
    """Size the top margin of a figure without a legend to its title, and return the figure.

    The template's top margin holds a title and the legend's row; a figure with no legend
    showed that row as an empty band over the plot. A margin the figure sets itself is kept.

    Examples
    --------
    >>> fig = use_template(go.Figure(go.Bar(y=[1]), layout={"title": {"text": "One line"}}))
    >>> fit_top_margin(fig).layout.margin.t  # 20 above, 22 for the line, 12 under it
    54
    """
    if fig.layout.margin.t is not None or shows_legend(fig):
        return fig
    title, subtitle = fig.layout.title.text, fig.layout.title.subtitle.text
    lines = (title.count("<br>") + 1 if title else 0) + (1 if subtitle else 0)
    under = _UNDER_TITLE_PX if lines else 0
    fig.update_layout(margin={"t": _ABOVE_TITLE_PX + _TITLE_LINE_PX * lines + under})
    return fig
