"""Apps as static HTML, for batch reports (``kpikit report``).

Boxes become flex containers (keeping their kpikit CSS classes, width and flex settings), HTML
widgets keep their HTML, controls become a "description: value" line, Charts become plotly charts.
"""

import html
import re

import ipywidgets as widgets

from kpikit.apps._chart import Chart

__all__ = ["LIVE_ONLY_CLASS", "static_html"]

LIVE_ONLY_CLASS = "kpikit-live-only"
"""CSS class of widgets that only make sense live (left out of static reports)."""

_LATEX_BLOCK = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)


def static_html(widget: widgets.Widget) -> str:
    """Static HTML of a widget tree, for batch reports.

    Boxes become flex containers (keeping their width and flex settings), HTML widgets keep
    their HTML, controls become a "description: value" line, Charts become plotly charts
    (interactive; they need plotly.js on the page, which the ``kpikit_report`` template inlines).
    Buttons, uploads, hidden widgets and widgets with the CSS class ``kpikit-live-only`` are left
    out. LaTeX (``$$...$$``) is shown as code: a standalone report loads no MathJax.

    Examples
    --------
    >>> box = widgets.VBox([widgets.Dropdown(options=["aht", "fcr"], description="KPI"),
    ...                     widgets.HTML("<p>Hi</p>")])
    >>> print(static_html(box).replace("><", ">\\n<"))
    <div style="display: flex; gap: 6px; flex-direction: column">
    <div>
    <strong>KPI:</strong> aht</div>
    <p>Hi</p>
    </div>
    """
    if (
        widget.layout.display == "none"
        or widget.layout.visibility == "hidden"
        or LIVE_ONLY_CLASS in getattr(widget, "_dom_classes", ())
        or isinstance(widget, widgets.Button | widgets.FileUpload)
    ):
        return ""
    if isinstance(widget, Chart):  # after the hidden check: a hidden chart is stale or empty
        chart = widget.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "responsive": True},
        )
        if not widget.min_width:
            return chart
        return (
            f'<div class="kpikit-scroll"><div style="min-width: {widget.min_width}px">'
            f"{chart}</div></div>"
        )
    if isinstance(widget, widgets.Box):
        return _static_box(widget)
    if isinstance(widget, widgets.HTMLMath):
        return _LATEX_BLOCK.sub(r"<code>\1</code>", widget.value)
    if isinstance(widget, widgets.HTML):
        return widget.value
    if isinstance(widget, widgets.Label):
        return f"<div>{html.escape(widget.value)}</div>"
    if isinstance(widget, widgets.ValueWidget):
        shown = getattr(widget, "label", None) or widget.value
        if isinstance(shown, tuple):
            shown = ", ".join(map(str, shown))
        description = html.escape(getattr(widget, "description", "") or "")
        prefix = f"<strong>{description}:</strong> " if description else ""
        return f"<div>{prefix}{html.escape(str(shown))}</div>"
    return ""


def _static_box(box: widgets.Box) -> str:
    styles = ["display: flex", "gap: 6px"]
    if isinstance(box, widgets.HBox):
        styles.append("flex-direction: row")
    elif isinstance(box, widgets.GridBox):
        styles.append("flex-flow: row wrap")
    else:
        styles.append("flex-direction: column")
    for name in ("width", "min_width", "flex", "flex_flow"):
        value = getattr(box.layout, name)
        if value:
            styles.append(f"{name.replace('_', '-')}: {html.escape(value)}")
    inner = "".join(static_html(child) for child in box.children)
    classes = " ".join(name for name in box._dom_classes if name.startswith("kpikit-"))
    attribute = f' class="{html.escape(classes)}"' if classes else ""
    return f'<div{attribute} style="{"; ".join(styles)}">{inner}</div>'
