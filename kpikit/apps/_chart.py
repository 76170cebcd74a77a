"""``Chart``: the widget every dashboard draws its plotly figures with.

plotly's own ``FigureWidget`` ships plotly.js (about 5 MB) over the websocket with every widget
on every page, which makes a dashboard slow to open and, on a busy machine, makes anywidget give
up on it. A :class:`Chart` instead sends only the figure, as JSON; the browser loads plotly.js
once per page and shares it between charts (see ``chart.js`` beside this module):

- under ``kpikit serve``, from ``/kpikit/static/plotly.min.js`` (plotly's own bundle, served as a
  cacheable static file, so the browser fetches it once);
- elsewhere (plain JupyterLab, VS Code), from the kernel, once per page, over the widget's comm.

A redraw (:meth:`Chart.draw`) replaces the whole figure and the browser applies it with
``Plotly.react``. Clicks on points come back to Python (:meth:`Chart.on_click`) and
:meth:`Chart.download_png` saves the chart as a PNG file in the browser.
"""

import os
from collections.abc import Callable
from pathlib import Path

import anywidget
import plotly
import plotly.graph_objects as go
import plotly.io as pio
import traitlets

from kpikit.plots import TEMPLATE_NAME

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
"""plotly.js as shipped inside the plotly package (the version plotly.py is written for)."""

PLOTLY_JS_ROUTE = "kpikit/static/plotly.min.js"
"""Where ``kpikit serve`` serves :data:`PLOTLY_JS`, relative to the server's base URL."""


def plotly_url() -> str:
    """URL of plotly.js for the page this kernel serves, or "" when no server offers it.

    Voila tells its kernels the server's base URL in ``VOILA_SERVER_URL``; the version in the
    query string makes the browser's cached copy safe to keep until plotly changes.

    Examples
    --------
    >>> os.environ.pop("VOILA_SERVER_URL", None) and None
    >>> plotly_url()
    ''
    """
    base = os.environ.get("VOILA_SERVER_URL")
    if not base:
        return ""
    return f"{base.rstrip('/')}/{PLOTLY_JS_ROUTE}?v={plotly.__version__}"


class Chart(anywidget.AnyWidget):
    """A plotly chart in a dashboard: the figure goes to the browser as JSON, nothing more.

    Parameters
    ----------
    figure : go.Figure, default=None
        What to draw first (default: an empty figure).
    **layout
        Layout properties applied on top (for example ``height=360``).

    Attributes
    ----------
    figure : go.Figure
        The figure on show (read it; change it with :meth:`draw`).

    Examples
    --------
    >>> chart = Chart(go.Figure(go.Bar(x=["a"], y=[1])), height=300)
    >>> chart.figure.layout.height, chart.figure.data[0].y
    (300, (1,))
    >>> chart.draw(go.Figure(go.Scatter(x=[1], y=[5])), title="t")
    >>> chart.figure.data[0].type, chart.figure.layout.title.text, chart.figure.layout.height
    ('scatter', 't', None)
    """

    _esm = Path(__file__).with_name("chart.js")
    _css = ".kpikit-chart { width: 100%; min-width: 0; }"
    figure_json = traitlets.Unicode("{}").tag(sync=True)
    plotly_url = traitlets.Unicode("").tag(sync=True)

    def __init__(self, figure: go.Figure | None = None, **layout):
        super().__init__(plotly_url=plotly_url())
        self.add_class("kpikit-chart-widget")
        self.layout.width = "100%"
        self._click_callbacks: list[Callable[[list[dict]], None]] = []
        self.on_msg(self._on_browser_message)
        self.figure = go.Figure()
        self.draw(figure if figure is not None else go.Figure(), **layout)

    def draw(self, figure: go.Figure, **layout) -> None:
        """Show ``figure`` (with ``layout`` applied on top) instead of the current one.

        The kpikit template applies when the figure has none.
        """
        figure = go.Figure(figure)
        if not figure.layout.template.to_plotly_json():
            figure.layout.template = pio.templates[TEMPLATE_NAME]
        if layout:
            figure.update_layout(**layout)
        self.figure = figure
        self.figure_json = pio.to_json(figure, validate=False)

    def on_click(self, callback: Callable[[list[dict]], None]) -> None:
        """Call ``callback(points)`` when the user clicks a point of the chart.

        ``points`` is a list of dicts with ``curve_number`` (the trace's index),
        ``point_number``, ``x``, ``y``, ``z`` and ``customdata``.
        """
        self._click_callbacks.append(callback)

    def download_png(self, filename: str) -> None:
        """Have the browser save the chart as ``filename.png`` (drawn at twice the screen size)."""
        self.send({"command": "download_png", "filename": filename})

    def _on_browser_message(self, _widget, content, _buffers) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if event == "need_plotly":
            self.send({"plotly_js": PLOTLY_JS.read_text(encoding="utf-8")})
        elif event == "click":
            points = [point for point in content.get("points", []) if isinstance(point, dict)]
            for callback in self._click_callbacks:
                callback(points)
