"""``Chart``: the widget every dashboard draws its plotly figures with.

plotly's own ``FigureWidget`` ships plotly.js (about 5 MB) over the websocket with every widget
on every page, which makes a dashboard slow to open and, on a busy machine, makes anywidget give
up on it. A :class:`Chart` instead sends only the figure, as JSON; the browser loads plotly.js
once per page and shares it between charts (see ``chart.js`` beside this module):

- under ``kpikit serve``, from ``/kpikit/static/plotly.min.js`` (plotly's own bundle, served as a
  cacheable static file, so the browser fetches and compiles it once); the ``kpikit`` Voila
  template starts loading it with the page, before any chart asks for it;
- elsewhere (plain JupyterLab, VS Code), from the kernel, once per page, over the widget's comm.

A redraw (:meth:`Chart.draw`) replaces the whole figure and the browser applies it with
``Plotly.react``. Charts follow the width of their container; below 560 px (a phone) the browser
draws them with smaller text, narrower margins and the legend on the left, and a chart with a
:attr:`Chart.min_width` scrolls sideways rather than squeezing its cells. Clicks on points come
back to Python (:meth:`Chart.on_click`) and :meth:`Chart.download_png` saves the chart as a PNG
file in the browser.
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

PLOTLY_CARTESIAN_JS = Path(__file__).with_name("static") / "plotly-cartesian.min.js"
"""plotly.js's official "cartesian" bundle (npm ``plotly.js-cartesian-dist-min``, MIT licence
beside it): a third of the full bundle's size and half its start-up time in the browser, with
the trace types every kpikit dashboard draws (:data:`CARTESIAN_TRACES`)."""

CHART_JS = Path(__file__).with_name("chart.js")
"""The charts' front end: the widget's module, and the phone layout of static reports' charts
(its ``staticCharts``, which the report template inlines)."""

CARTESIAN_TRACES = frozenset(
    {
        "bar",
        "box",
        "contour",
        "heatmap",
        "histogram",
        "histogram2d",
        "histogram2dcontour",
        "image",
        "pie",
        "scatter",
        "scatterternary",
        "violin",
    }
)
"""Trace types of :data:`PLOTLY_CARTESIAN_JS`; a figure with any other (a table, a map) gets
the full bundle."""

PLOTLY_JS_ROUTE = "kpikit/static/plotly.min.js"
"""Where ``kpikit serve`` serves :data:`PLOTLY_JS`, relative to the server's base URL."""

PLOTLY_CARTESIAN_ROUTE = "kpikit/static/plotly-cartesian.min.js"
"""Where ``kpikit serve`` serves :data:`PLOTLY_CARTESIAN_JS`."""

STATIC_FILES = {PLOTLY_JS_ROUTE: PLOTLY_JS, PLOTLY_CARTESIAN_ROUTE: PLOTLY_CARTESIAN_JS}
"""Route (under the server's base URL) -> file, for ``kpikit serve``."""


def _cartesian_fits() -> bool:
    # The vendored bundle is used only with the plotly.js version plotly.py was written for.
    from plotly.offline import get_plotlyjs_version

    with PLOTLY_CARTESIAN_JS.open(encoding="utf-8") as bundle:
        header = bundle.read(200)
    return f" v{get_plotlyjs_version()}\n" in header


CARTESIAN_FITS = _cartesian_fits()


def plotly_route(*, full: bool = False) -> str:
    """Path of the plotly.js bundle to load, under the server's base URL, with its version as
    cache key.

    The cartesian bundle unless ``full`` (or unless it does not match plotly's version). The
    version in the query string makes the browser's cached copy (and the compiled code it keeps
    beside it) safe to keep until plotly changes.

    Examples
    --------
    >>> plotly_route(full=True) == f"{PLOTLY_JS_ROUTE}?v={plotly.__version__}"
    True
    >>> plotly_route().startswith(PLOTLY_CARTESIAN_ROUTE) == CARTESIAN_FITS  # plotly 7.1.x
    True
    """
    route = PLOTLY_JS_ROUTE if full or not CARTESIAN_FITS else PLOTLY_CARTESIAN_ROUTE
    return f"{route}?v={plotly.__version__}"


def plotly_url(*, full: bool = False) -> str:
    """URL of the plotly.js bundle for the page this kernel serves, or "" when no server
    offers it.

    Voila tells its kernels the server's base URL in ``VOILA_SERVER_URL``.

    Examples
    --------
    >>> os.environ.pop("VOILA_SERVER_URL", None) and None
    >>> plotly_url()
    ''
    """
    base = os.environ.get("VOILA_SERVER_URL")
    if not base:
        return ""
    return f"{base.rstrip('/')}/{plotly_route(full=full)}"


def needs_full_plotly(figure: go.Figure) -> bool:
    """True when a figure has a trace type the cartesian bundle does not draw.

    >>> needs_full_plotly(go.Figure(go.Bar())) == (not CARTESIAN_FITS)
    True
    >>> needs_full_plotly(go.Figure(go.Table()))
    True
    """
    return not CARTESIAN_FITS or any(trace.type not in CARTESIAN_TRACES for trace in figure.data)


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

    _esm = CHART_JS
    _css = (
        # A scroll container in a flex column may shrink to nothing: charts keep their height.
        ".kpikit-chart-widget { overflow-x: auto; overflow-y: hidden; max-width: 100%;"
        " flex-shrink: 0; }"
        ".kpikit-chart { width: 100%; min-width: 0; }"
    )
    figure_json = traitlets.Unicode("{}").tag(sync=True)
    plotly_url = traitlets.Unicode("").tag(sync=True)
    full_plotly = traitlets.Bool(False).tag(sync=True)
    min_width = traitlets.Int(0).tag(sync=True)
    """Narrowest the chart is drawn, in pixels (0: as narrow as its container); a narrower
    container scrolls sideways, as a wide heatmap must to stay readable on a phone."""

    def __init__(self, figure: go.Figure | None = None, **layout):
        super().__init__()
        self.add_class("kpikit-chart-widget")
        self.layout.width = "100%"
        self._click_callbacks: list[Callable[[list[dict]], None]] = []
        self.on_msg(self._on_browser_message)
        self.figure = go.Figure()
        self.draw(figure if figure is not None else go.Figure(), **layout)

    def draw(self, figure: go.Figure, **layout) -> None:
        """Show ``figure`` (with ``layout`` applied on top) instead of the current one.

        The chart keeps ``figure`` (and applies ``layout`` to it) rather than a copy: pass a
        figure you do not change afterwards. A figure without any template gets kpikit's (the
        builders of :mod:`kpikit.plots` set it).
        """
        if not figure.layout.template.to_plotly_json():
            figure.layout.template = pio.templates[TEMPLATE_NAME]
        if layout:
            figure.update_layout(**layout)
        self.figure = figure
        # Once a chart needs the full bundle it keeps it (switching back would draw anew).
        full = self.full_plotly or needs_full_plotly(figure)
        with self.hold_sync():
            self.full_plotly = full
            self.plotly_url = plotly_url(full=full)
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
            bundle = PLOTLY_JS if content.get("full") or not CARTESIAN_FITS else PLOTLY_CARTESIAN_JS
            self.send({"plotly_js": bundle.read_text(encoding="utf-8")})
        elif event == "click":
            points = [point for point in content.get("points", []) if isinstance(point, dict)]
            for callback in self._click_callbacks:
                callback(points)
