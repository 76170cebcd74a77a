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
    "use_template",
]

TEMPLATE_NAME = "kpikit"

KPIKIT_COLORWAY = ["#0072B2", "#56B4E9", "#CC79A7", "#000000", "#F0E442", "#999999"]
"""Series colours (Okabe–Ito blues, reddish purple, black, yellow, grey): chosen apart from
the status colours so that a series is not read as a status."""


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
        margin={"l": 60, "r": 30, "t": 90, "b": 50},
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
