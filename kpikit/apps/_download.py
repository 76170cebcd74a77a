"""``Downloads``: the "Download Excel" and "Download PNG" buttons of every dashboard.

"Download Excel" asks the kernel for the workbook of the view on show (the app builds it with
:func:`kpikit.io.write_workbook`) and the browser saves the bytes it receives; nothing is sent
until the button is pressed. "Download PNG" needs no kernel: the browser draws every chart of the
app into one image (``download.js`` beside this module).
"""

from collections.abc import Callable
from pathlib import Path

import anywidget
import pandas as pd
import traitlets

from kpikit.io import Sheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Downloads(anywidget.AnyWidget):
    """Download buttons for an app: its tables as an Excel workbook, its charts as a PNG.

    Parameters
    ----------
    basename : str
        File name without extension (``balanced-scorecard`` gives
        ``balanced-scorecard.xlsx`` and ``balanced-scorecard.png``).
    workbook : callable
        Returns the ``.xlsx`` file's bytes for the view on show, or None when it could not
        be built (the app says why); called on each click.

    Examples
    --------
    >>> downloads = Downloads("report", lambda: b"PK...")
    >>> sent = []
    >>> downloads.send = lambda content, buffers=None: sent.append((content, buffers))
    >>> downloads._on_browser_message(downloads, {"event": "excel"}, [])
    >>> sent[0][0]["filename"], sent[0][1]
    ('report.xlsx', [b'PK...'])
    """

    _esm = Path(__file__).with_name("download.js")
    _css = (
        ".kpikit-downloads { display: flex; gap: 6px; flex-wrap: wrap; margin: 4px 0; }"
        ".kpikit-downloads .kpikit-download { flex: 1 1 auto; }"
    )
    basename = traitlets.Unicode("kpikit").tag(sync=True)

    def __init__(self, basename: str, workbook: Callable[[], bytes]):
        super().__init__(basename=basename)
        self._workbook = workbook
        self.on_msg(self._on_browser_message)

    def _on_browser_message(self, _widget, content, _buffers) -> None:
        if not (isinstance(content, dict) and content.get("event") == "excel"):
            return
        workbook = self._workbook()
        if workbook is None:
            self.send({"command": "failed"})
            return
        self.send(
            {"command": "save", "filename": f"{self.basename}.xlsx", "mimetype": XLSX_MIMETYPE},
            buffers=[workbook],
        )


def figure_sheet(title: str, figure, *, decimals: int = 2) -> Sheet:
    """The data of a figure's line, marker and bar traces as a sheet.

    When every trace shares its x values (a staffing curve: agents), one row per x with a
    column per trace; otherwise one row per point with the trace's name. Numbers are rounded
    to ``decimals``.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> figure = go.Figure([go.Scatter(x=[10, 11], y=[71.234, 80.5], name="Service level"),
    ...                     go.Scatter(x=[10, 11], y=[40.0, 22.0], name="ASA")])
    >>> figure.update_xaxes(title_text="Agents")
    Figure(...)
    >>> figure_sheet("Curve", figure).table
       Agents  Service level   ASA
    0      10         71.234  40.0
    1      11         80.500  22.0
    """
    traces = [
        trace
        for trace in figure.data
        if trace.type in ("scatter", "bar") and trace.x is not None and trace.y is not None
    ]
    x_title = figure.layout.xaxis.title.text or "x"
    shared = traces and all(list(trace.x) == list(traces[0].x) for trace in traces)
    if shared:
        table = pd.DataFrame({x_title: list(traces[0].x)})
        for position, trace in enumerate(traces):
            table[trace.name or f"series {position + 1}"] = list(trace.y)
    else:
        table = pd.DataFrame(
            [
                {"series": trace.name, x_title: x, "value": y}
                for trace in traces
                for x, y in zip(trace.x, trace.y, strict=True)
            ],
            columns=["series", x_title, "value"],
        )
    numbers = {column: decimals for column in table.columns if column not in ("series",)}
    return Sheet(title, table, decimals=numbers)
