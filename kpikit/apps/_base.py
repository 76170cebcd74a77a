"""Shared frame of every kpikit dashboard: layout, data upload, messages, status line, figures.

How to write an app (see :class:`kpikit.apps.GlossaryApp` for a complete one)::

    class MyApp(BaseApp):
        title = "My dashboard"
        description = "One sentence shown under the title."
        PARAMETERS = (Param("kpi", "aht", "KPI", choices=KPI_IDS),)

        def __init__(self, data=None, **options):
            super().__init__(data, **options)      # self.data, self.values, upload, message
            self.kpi = self.control("kpi")           # a Dropdown from the Param
            self.chart = Chart()
            self.kpi.observe(self._on_change, names="value")
            self.widget = self._compose(controls=[self.kpi], main=[self.chart])
            self._data_changed()                     # first computation and drawing

        def _on_data(self):
            self._table = compute_table(self.data, options=self.engine_options)  # data only
            super()._on_data()                       # status line, then _update()

        def _update(self):
            self.chart.draw(kpikit.plots.bullet(rows, kpi=..., value=...))

Rules the apps follow:

- Parameters are declared once, in ``PARAMETERS`` (:class:`kpikit.apps.params.Param`): the
  constructor accepts them (its signature and docstring are completed from the table, values
  are checked: out of range or not a choice is an error, never clamped), :meth:`BaseApp.control`
  builds their controls, :meth:`BaseApp.set_from_link` reads them from a shared link and
  :meth:`BaseApp.parameters_cell` writes the notebook's parameters cell.
- Widgets are attributes; every control calls ``observe(self._on_change, names="value")``;
  one ``_update()`` redraws everything that depends on the controls; charts are
  :class:`kpikit.apps._chart.Chart` widgets, redrawn with ``chart.draw(figure)`` (one message
  per chart, the figure only).
- ``set(**values)`` sets several controls with one redraw; notebooks call
  ``app.set_from_link()``, which passes it the link's parameters.
- ``_on_data()`` runs when the data changes (construction, upload; called through
  ``_data_changed()``, which checks each table once for the caches and the redraw): recompute
  caches, then ``_update()``. It must raise ``ValueError`` (or ``kpikit.SchemaError``) when the
  data cannot feed the app; the upload is then rolled back and the message shown.
- The app displays itself (``_repr_mimebundle_``), so the last line of a notebook cell can be the
  app. ``app.widget`` is the root widget, for embedding in a larger layout.
- Batch reports (``kpikit report``) set the environment variable ``KPIKIT_STATIC_APPS=1``; the
  app then displays as static HTML (:func:`static_html`): figures stay interactive plotly charts,
  controls become "label: value" lines, the upload button disappears. Nothing app-specific is
  needed for this, as long as the app is built from standard widgets and Charts.
- Errors meant for the user go through :meth:`BaseApp.show_error` (escaped HTML inside the app),
  never a traceback; :meth:`BaseApp.set_status` writes the status line under the app.
"""

import dataclasses
import html
import os
import re

import ipywidgets as widgets
import narwhals.stable.v2 as nw
import pandas as pd

from kpikit import _validators as validators
from kpikit._frames import collected
from kpikit._validators import is_number
from kpikit.apps import STATIC_ENV_VARIABLE
from kpikit.apps._chart import Chart
from kpikit.apps._download import Downloads, figure_sheet
from kpikit.apps._static import LIVE_ONLY_CLASS, static_html
from kpikit.apps._upload import (
    UPLOAD_CLASS,
    UploadStep,
    channel_variants_note,
    upload_label_style,
)
from kpikit.apps.params import Param, documented, parameters_cell, query_params, signature_with
from kpikit.catalog import CHANNELS, SECTORS
from kpikit.display import decimals_needed, format_value
from kpikit.io import READ_SUFFIXES, Sheet, read_upload, write_workbook
from kpikit.io._source import size_text
from kpikit.metrics import compute
from kpikit.metrics._checked_once import checked_once
from kpikit.options import Options
from kpikit.options import resolve as resolve_options
from kpikit.sample import load_sample
from kpikit.schema import Dataset

__all__ = [
    "CHANNEL_LABELS",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "HIDDEN_LABEL_CLASS",
    "LIVE_ONLY_CLASS",
    "SECTOR_LABELS",
    "UPLOAD_ACCEPT",
    "BaseApp",
    "alert_html",
    "channel_options",
    "check_choice",
    "compute_table",
    "describe_data",
    "format_value",
    "is_number",
    "range_text",
    "readout_format",
    "scroll_box",
    "section_heading",
    "sector_options",
    "static_html",
]

DEFAULT_MAX_UPLOAD_BYTES = 25_000_000
"""Largest upload accepted by default (25 MB, in the readers' unit: their messages and the app's
say "25.0 MB"), on the file and once decompressed; ``kpikit serve`` lets websocket messages of
up to four times this size through, so a larger file is refused politely, not by a dropped
connection."""

UPLOAD_ACCEPT = ",".join(sorted({"." + suffix.rsplit(".", 1)[-1] for suffix in READ_SUFFIXES}))
"""File types offered by the upload button (:func:`kpikit.io.read_upload` decides what it reads)."""


NARROW_PX = 800
"""Below this width (of the app, not of the window: a narrow JupyterLab panel counts too) the
controls stack above the content and charts take the full width."""

HIDDEN_LABEL_CLASS = "kpikit-hidden-label"
"""CSS class of an input whose visible name is text beside it (an HTML span, a heading): its
``description`` label stays in the accessibility tree, named after that text, but takes no
space on screen (a screen reader said only "spin button, 21000" without it)."""

_TITLE_CLASS = "kpikit-title"
_TITLE_LOOK = "margin: 0; font-size: 1.5em; font-weight: 600"
"""The page title is the page's one h1 but keeps the look it had as an h2 (as the dashboard
template styles ``.kpikit-app h2``), so screenshots and layouts do not move."""

# Scoped to the apps, shipped inside the app (so Voila, JupyterLab and static reports get it):
# - widget HTML otherwise inherits the 28 px line height of form controls;
# - the app is a size container: below NARROW_PX of its own width the sidebar goes on top
#   (!important beats the inline styles ipywidgets writes from a Layout);
# - tables scroll sideways inside .kpikit-scroll instead of wrapping one word a line; an HTML
#   widget's content may shrink below its table's width (a flex item's min-width is its
#   content's otherwise), or on a phone the whole content column scrolled sideways instead;
# - HIDDEN_LABEL_CLASS hides ipywidgets' description label visually but not from screen readers
#   (clipped to 1 px; not display: none, which ipywidgets sets itself and which hides it from both);
# - a table in a scroll_box is at least its min_width wide: its hint shows when it scrolls;
# - on a touch screen or a phone, slider knobs of 28 px and tracks of 8 px (ipywidgets draws
#   16 px knobs on a 4 px track, under the 24 px target size of WCAG 2.5.8).
_APP_STYLE = f"""<style>
.kpikit-app {{ container-type: inline-size; }}
.kpikit-app .widget-html-content {{ line-height: 1.45; }}
.kpikit-app .widget-html-content p {{ margin: 4px 0 8px; }}
.kpikit-sidebar {{ flex: 0 0 340px; width: 340px; min-width: 340px; margin-right: 16px; }}
.kpikit-main {{ flex: 1 1 auto; min-width: 0; }}
.kpikit-main > * {{ flex-shrink: 0; }}
.kpikit-scroll {{ overflow-x: auto; max-width: 100%; }}
.kpikit-scroll > table {{ min-width: var(--kpikit-min-width, 0); }}
.kpikit-main .widget-html-content {{ min-width: 0; }}
.kpikit-table th, .kpikit-table td {{ min-width: 4.5em; vertical-align: top; }}
.kpikit-table .kpikit-wide {{ min-width: 16em; }}
.{HIDDEN_LABEL_CLASS} > .widget-label {{ position: absolute !important; width: 1px !important;
  height: 1px !important; margin: -1px !important; padding: 0 !important; border: 0 !important;
  overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; }}
@container (max-width: {NARROW_PX}px) {{
  .kpikit-columns {{ flex-direction: column !important; }}
  .kpikit-sidebar {{ flex: 0 0 auto !important; width: auto !important;
    min-width: 0 !important; margin: 0 0 12px 0 !important; }}
  .kpikit-sidebar > .jupyter-widgets, .kpikit-sidebar > .widget-inline-hbox {{
    width: auto !important; max-width: 100%; }}
  .kpikit-app .{_TITLE_CLASS} {{ font-size: 1.25em !important; }}
}}
@media (pointer: coarse), (max-width: 600px) {{
  .kpikit-app {{ --jp-widgets-slider-handle-size: 28px; --jp-widgets-slider-track-thickness: 8px; }}
}}
</style>"""

_SCROLL_HINT_MARGIN_PX = 24
"""The app's width less its content's when the controls are stacked above it (a phone)."""


def scroll_box(table: str, min_width: int) -> str:
    """An HTML ``table`` in a box that scrolls sideways, at least ``min_width`` px wide (about
    its narrowest), under a line that says it scrolls, shown only where it does on a phone (the
    app narrower than the table and than NARROW_PX), as the scorecard's heatmap hint: phones
    show no scrollbar, and a table cut at a column's edge looked complete (the backtest showed
    Model and WAPE, not MASE, bias and gain)."""
    narrowest = min(NARROW_PX, min_width + _SCROLL_HINT_MARGIN_PX)
    hint = f".kpikit-app .kpikit-scroll-hint[data-below='{narrowest}']"
    return (
        f"<style>{hint} {{ display: none; color: #555; }}"
        f" @container (max-width: {narrowest}px) {{ {hint} {{ display: block; }} }}</style>"
        f"<small class='kpikit-scroll-hint' data-below='{narrowest}'>Wider than the screen: "
        "swipe the table sideways → for every column.</small>"
        f"<div class='kpikit-scroll' style='--kpikit-min-width: {min_width}px'>{table}</div>"
    )


SECTOR_LABELS = {
    "all": "All sectors",
    "healthcare": "Healthcare",
    "financial_services": "Financial services",
    "ecommerce_retail": "E-commerce and retail",
    "technology_saas": "Technology and SaaS",
}
"""Display names of the benchmark sectors (:data:`kpikit.catalog.SECTORS`)."""

CHANNEL_LABELS = {"all": "All channels", "phone": "Phone", "chat": "Chat", "email": "Email"}
"""Display names of the benchmark channels (:data:`kpikit.catalog.CHANNELS`)."""


class BaseApp:
    """Base class of the dashboard apps: data, upload, message area, status line and layout.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        The data the app starts on: a :class:`kpikit.Dataset` or a contacts table. ``None``
        loads the sample data (:func:`kpikit.load_sample`).
    data_label : str, default=None
        What the data is, for the status line; default "sample data" when ``data`` is None,
        else "your data".
    max_upload_bytes : int, default=DEFAULT_MAX_UPLOAD_BYTES
        Largest file the upload button accepts.
    upload : bool, default=True
        Offer the upload button (an app that does not read data can hide it).
    options : kpikit.Options, default=None
        A whole set of engine options to start from (default: ``kk.options``).
    **values
        The app's parameters (its ``PARAMETERS``), checked against their choices and bounds,
        and the engine's options under their names in :func:`kpikit.compute`
        (``sl_threshold_s``, ``fcr_window``, ``fcr_method``, ``csat_scale``, ...), for every
        KPI the app computes. An unknown name is a TypeError that suggests the closest option.

    Attributes
    ----------
    PARAMETERS : tuple of Param
        The app's parameters, declared once (class attribute).
    values : dict
        The parameters' values the app was built with (defaults filled in).
    data : Dataset
        The data in use.
    data_label : str
        Where ``data`` came from ("sample data", "your data" or the uploaded file's name).
    engine_options : kpikit.Options
        The options every computation of the app uses (``compute_table(..., options=...)``).
    upload : ipywidgets.FileUpload
    message : ipywidgets.HTML
        Errors and notices for the user, inside the app.
    status : ipywidgets.HTML
        One line under the app: which data, how many contacts, which period.
    load_notes : list of str
        What the last upload changed in the controls (a choice the new data lacks) and
        channel names it writes unlike kpikit ("Phone"), for the "Loaded" notice.
    widget : ipywidgets.Widget
        The root widget, set by the subclass with :meth:`_compose`.

    Examples
    --------
    >>> import pandas as pd
    >>> import kpikit as kk
    >>> class Hello(BaseApp):
    ...     title = "Hello"
    ...     def __init__(self, data=None, **options):
    ...         super().__init__(data, **options)
    ...         self.widget = self._compose(controls=[], main=[])
    >>> app = Hello(kk.Dataset(contacts=pd.DataFrame({"contact_id": [1]})))
    >>> app.load(b"not,a,kpikit,file", "x.csv")
    False
    >>> "Could not use x.csv" in app.message.value
    True
    """

    title = "kpikit"
    description = ""
    PARAMETERS: tuple[Param, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.PARAMETERS and "__init__" in cls.__dict__:
            cls.__init__.__signature__ = signature_with(cls.__init__, cls.PARAMETERS)
            cls.__doc__ = documented(cls.__doc__, cls.PARAMETERS)

    def __init__(
        self,
        data=None,
        *,
        data_label: str | None = None,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        upload: bool = True,
        options: Options | None = None,
        **values,
    ):
        parameters = {param.name for param in self.PARAMETERS}
        self.values = self._checked_values(
            {name: value for name, value in values.items() if name in parameters}
        )
        self.engine_options = self._engine_options(
            options, {name: value for name, value in values.items() if name not in parameters}
        )
        if data is None:
            data = load_sample()
            data_label = data_label or "sample data"
        self.data_label = data_label or "your data"
        self._holding = False
        self.data = data if isinstance(data, Dataset) else Dataset(contacts=data)
        self.max_upload_bytes = max_upload_bytes
        self.upload = widgets.FileUpload(
            accept=UPLOAD_ACCEPT,
            multiple=False,
            description="Upload data",
            tooltip="CSV (may be gzipped) or Parquet contact log, up to "
            + size_text(max_upload_bytes),
            layout=widgets.Layout(width="auto", display=None if upload else "none"),
        )
        self.upload.add_class(UPLOAD_CLASS)  # labelled without ipywidgets' file count
        self.upload.observe(self._on_upload, names="value")
        self.message = widgets.HTML(layout=widgets.Layout(margin="0"))
        self.message.add_class("kpikit-message")
        self.status = widgets.HTML()
        self.status.add_class("kpikit-status")
        self.load_notes: list[str] = []
        self.upload_step = UploadStep(
            self.load,
            self.message,
            self.show_error,
            load_notes=lambda: self.load_notes,
            max_bytes=max_upload_bytes,
        )
        self.upload_step.widget.add_class(LIVE_ONLY_CLASS)
        self.downloads = Downloads(_slug(self.title), self.workbook)
        self.downloads.add_class(LIVE_ONLY_CLASS)
        self.widget = None

    # --- parameters ---------------------------------------------------------------------------

    @classmethod
    def _parameter(cls, name: str) -> Param:
        for param in cls.PARAMETERS:
            if param.name == name:
                return param
        raise ValueError(
            f"Value of {name!r} is not a parameter of {cls.__name__}. Expected one of "
            f"{[param.name for param in cls.PARAMETERS]}"
        )

    def _checked_values(self, values: dict) -> dict:
        return {
            param.name: param.check(values.get(param.name, param.default))
            for param in self.PARAMETERS
        }

    def _engine_options(self, options, values: dict) -> Options:
        try:
            return resolve_options(options, **values)
        except TypeError as error:
            if not self.PARAMETERS:
                raise
            names = [param.name for param in self.PARAMETERS]
            raise TypeError(
                f"{error}; the parameters of {type(self).__name__} are {names}"
            ) from None

    def control(self, name: str) -> widgets.ValueWidget:
        """The control of a parameter, built from its :class:`Param`, showing its value.

        A choice becomes a dropdown (its options filled by the app when the data decides
        them), a bounded number a slider, a number a text field, a bool a checkbox.
        """
        param = self._parameter(name)
        value = self.values[name]
        common = {"description": param.label, "tooltip": param.help or param.label}
        if param.choices:
            return widgets.Dropdown(options=param.options, value=value, **common)
        if param.data_choices:  # the app fills the options from the data
            return widgets.Dropdown(**common)
        if isinstance(param.default, bool):
            return widgets.Checkbox(value=value, indent=False, **common)
        if isinstance(param.default, int | float) and param.bounds is not None:
            percent = param.unit == "fraction"
            slider = widgets.FloatSlider(
                value=value,
                min=param.low,
                max=param.high,
                step=param.step or (0.01 if percent else 1),
                continuous_update=False,
                readout_format=readout_format(value, percent=percent),
                style={"description_width": "100px"},
                **common,
            )

            # The readout as precise as the value: a link's 85.5, a calibrated cost of 28.61
            # or shrinkage of 0.255 were read "86", "29" and "26%" while the app used them.
            def follow(change, slider=slider, percent=percent):
                slider.readout_format = readout_format(change["new"], percent=percent)

            slider.observe(follow, names="value")
            return slider
        if isinstance(param.default, int | float):
            return widgets.FloatText(value=value, **common)
        return widgets.Text(value=value, **common)

    @classmethod
    def values_in(cls, namespace) -> dict:
        """The app's parameters found in a namespace, such as a notebook's ``globals()``.

        Examples
        --------
        >>> from kpikit.apps import GlossaryApp
        >>> GlossaryApp.values_in({"kpi": "fcr", "sector": "all", "data": None})
        {'kpi': 'fcr', 'sector': 'all'}
        """
        return {
            param.name: namespace[param.name] for param in cls.PARAMETERS if param.name in namespace
        }

    @classmethod
    def parameters_cell(cls, **values) -> str:
        """Source of the dashboard notebook's ``parameters`` cell (see
        :func:`kpikit.apps.params.parameters_cell`); ``values`` override the defaults."""
        return parameters_cell(cls.PARAMETERS, values)

    def set_from_link(self, query_string: str | None = None) -> None:
        """Apply a shared link's parameters (Voila's ``QUERY_STRING`` by default).

        Keys are the app's parameters; values are cast, checked against the choices and the
        ranges the controls offer now; a bad one keeps the value the control shows and is
        reported, never clamped to the nearest end of a slider (see
        :func:`kpikit.apps.params.query_params`). A parameter the link leaves out keeps the
        control's value too: where the data took away the one the app was built with (a level
        "team" of contacts without a team), setting it again raised. Nothing is redrawn when
        the link changes nothing.
        """
        defaults, choices, bounds = {}, {}, {}
        for param in self.PARAMETERS:
            control = getattr(self, param.name, None)
            shown = isinstance(control, widgets.ValueWidget)
            defaults[param.name] = param.link_default(
                control.value if shown else self.values[param.name]
            )
            if param.data_choices and isinstance(control, widgets.Dropdown):
                choices[param.name] = [option[1] for option in control.options]
            elif param.choices:
                choices[param.name] = param.values
            if hasattr(control, "min") and hasattr(control, "max"):
                bounds[param.name] = (control.min, control.max)
            elif param.bounds is not None:
                bounds[param.name] = param.bounds
        self.set(**query_params(defaults, query_string, choices=choices, bounds=bounds))

    # --- downloads ------------------------------------------------------------------------------

    def excel_sheets(self) -> list[Sheet]:
        """The view on show as workbook sheets (one per table or chart), for "Download Excel".

        By default, the data of every chart on show (:func:`kpikit.apps._download.figure_sheet`);
        the kpikit dashboards override this with their tables, rounded to each KPI's unit and
        coloured by status (see :class:`kpikit.io.Sheet`).
        """
        charts = [
            value
            for value in vars(self).values()
            if isinstance(value, Chart) and value.layout.display != "none"
        ]
        return [
            figure_sheet(chart.figure.layout.title.text or f"Chart {position}", chart.figure)
            for position, chart in enumerate(charts, start=1)
        ]

    def workbook(self) -> bytes | None:
        """The ``.xlsx`` bytes of :meth:`excel_sheets`, or None with the reason shown."""
        try:
            return write_workbook(self.excel_sheets())
        # A failed download must leave the page usable and say why, never show a traceback.
        except Exception as error:
            self.show_error(f"Could not build the workbook: {type(error).__name__}: {error}")
            return None

    # --- layout ---------------------------------------------------------------------------------

    def _compose(self, *, controls, main) -> widgets.Widget:
        """Lay out the app: title, sidebar (controls, upload, message), main area, status line."""
        header = widgets.HTML(
            _APP_STYLE
            + f"<h1 class='{_TITLE_CLASS}' style='{_TITLE_LOOK}'>{html.escape(self.title)}</h1>"
            + (
                f"<p style='margin: 2px 0 0'>{html.escape(self.description)}</p>"
                if self.description
                else ""
            )
        )
        upload_help = widgets.HTML(  # live only, with the upload button's label
            upload_label_style(self.upload.description)
            + "<small>Your own contact log: CSV (optionally gzipped) or Parquet, up to "
            f"{size_text(self.max_upload_bytes)}.</small>",
            layout=widgets.Layout(display=self.upload.layout.display),
        )
        upload_help.add_class(LIVE_ONLY_CLASS)
        for control in controls:
            if control.layout.width is None:
                control.layout.width = "auto"
        sidebar = widgets.VBox(
            [
                *controls,
                self.downloads,
                self.upload,
                upload_help,
                self.upload_step.widget,
                self.message,
            ]
        )
        sidebar.add_class("kpikit-sidebar")
        body = widgets.VBox(main)
        body.add_class("kpikit-main")
        columns = widgets.HBox([sidebar, body])
        columns.add_class("kpikit-columns")
        root = widgets.VBox([header, columns, self.status], layout=widgets.Layout(width="100%"))
        root.add_class("kpikit-app")
        return root

    def _repr_mimebundle_(self, **kwargs):
        if os.environ.get(STATIC_ENV_VARIABLE) == "1":
            return {"text/html": static_html(self.widget), "text/plain": self.title}
        return self.widget._repr_mimebundle_(**kwargs)

    def set(self, **values) -> None:
        """Set several controls at once, with one redraw (for example from URL parameters).

        Nothing is redrawn when every control already has its value: a dashboard opened
        without link parameters shows what was drawn while its kernel was preheated.

        Parameters
        ----------
        **values
            Control attribute name -> value, for example ``sector="healthcare"``.

        Raises
        ------
        ValueError
            When a name is not a control of the app, or a value is not of its parameter's type
            (checked as the constructor checks it: :meth:`~kpikit.apps.params.Param.check`,
            so NaN, infinity or 3.5 agents are refused), not one of its choices, outside its
            slider's range (never clamped). Every value is checked before any is set: a
            refused one leaves every control as it was.
        """
        for name, value in values.items():
            self._check_control_value(name, value)
        changed = False
        self._holding = True
        try:
            for name, value in values.items():
                control = getattr(self, name)
                before = control.value
                control.value = value
                changed = changed or control.value != before
        finally:
            self._holding = False
        if changed:
            self._on_change()

    def _check_control_value(self, name: str, value) -> None:
        """Refuse what :meth:`set` cannot give control ``name``: a value its parameter refuses
        (type, NaN, whole numbers, choices: :meth:`Param.check`; its range is the slider's,
        which an app may widen), one outside the slider or not among the dropdown's options."""
        control = getattr(self, name, None)
        if not isinstance(control, widgets.ValueWidget):
            raise ValueError(f"Value of {name!r} is not a control of {self.title!r}.")
        param = next((param for param in self.PARAMETERS if param.name == name), None)
        if param is not None:
            dataclasses.replace(param, low=None, high=None).check(value)
        low, high = getattr(control, "min", None), getattr(control, "max", None)
        if low is not None and high is not None and not low <= value <= high:
            raise ValueError(
                f"Value of {name!r} must be between {low:g} and {high:g} but received: {value!r}"
            )
        if hasattr(control, "options"):  # a dropdown: the options of the moment
            options = [
                option[1] if isinstance(option, tuple) else option for option in control.options
            ]
            if value not in options:
                raise ValueError(
                    f"Value of {name!r} is not valid. Expected one of {options} "
                    f"but received: {value!r}"
                )

    def _on_change(self, change=None) -> None:
        """Observer for the controls: clear old messages and redraw."""
        if self._holding:
            return
        self.message.value = ""
        self._redraw()

    def _on_data(self) -> None:
        """Hook run when the data changes: recompute data-dependent caches, then redraw."""
        self.set_status(describe_data(self.data, self.data_label))
        self._redraw()

    def _data_changed(self) -> None:
        """:meth:`_on_data` in one :func:`~kpikit.metrics._checked_once.checked_once` scope: the
        caches it computes and the redraw after them check each table of the new data once."""
        with checked_once(self.data):
            self._on_data()

    def _redraw(self) -> None:
        """:meth:`_update`, in which the computes check each table of the data once
        (:func:`kpikit.metrics._checked_once.checked_once`): a scorecard's table and its trend
        read the same frames, which nothing changes while it draws."""
        with checked_once(self.data):
            self._update()

    def _update(self) -> None:
        """Redraw every output from the controls' current values."""
        raise NotImplementedError(f"{type(self).__name__} must implement _update()")

    def show_error(self, text: str) -> None:
        """Show a message for the user inside the app (escaped; line breaks kept)."""
        self.message.value = alert_html(text)

    def set_status(self, text: str) -> None:
        """Write the status line under the app (escaped)."""
        self.status.value = f"<small>{html.escape(text)}</small>"

    def load(self, content: bytes, filename: str, **read_options) -> bool:
        """Switch the app to the data in an uploaded file.

        Parameters
        ----------
        content : bytes
            The file's bytes.
        filename : str
            The file's name; its extension tells the format.
        **read_options
            Passed to :func:`kpikit.io.read_upload` (``mapping``, ``datetime_format``,
            ``true_values``, ...); the upload's mapping step (:attr:`upload_step`) fills them.

        Returns
        -------
        bool
            True when the data was loaded; False when it was refused, with the reason shown in
            :attr:`message` (the previous data stays in use).
        """
        self.message.value = ""
        if self._oversized(content, filename):
            return False

        try:
            data = read_upload(content, filename, max_bytes=self.max_upload_bytes, **read_options)
            _refuse_no_rows(data)
        # The upload boundary must never show a traceback: ValueError (SchemaError, parse
        # errors, decoding errors) carries a message for the user; anything else is reported by
        # type so the page stays usable. Nothing has changed yet, so nothing is recomputed: a
        # recompute would refill what the user typed in the app (an unsaved action form).
        except Exception as error:
            self.show_error(f"Could not use {filename}: {_reason(error)}")
            return False
        previous = self.data, self.data_label
        chosen = self._data_choices()
        try:
            self.data, self.data_label = data, filename
            self._data_changed()
        # The new data cannot feed the app (_on_data raised): back to the data it had.
        except Exception as error:
            self._restore(previous)
            self.show_error(f"Could not use {filename}: {_reason(error)}")
            return False
        channels = channel_variants_note(self.data.contacts)
        self.load_notes = [*self._changed_choices(chosen, filename), *filter(None, [channels])]
        return True

    def _data_choices(self) -> dict:
        """The controls whose choices the data decides: their value and its label."""
        chosen = {}
        for param in self.PARAMETERS:
            control = getattr(self, param.name, None)
            if param.data_choices and isinstance(control, widgets.Dropdown):
                chosen[param.label] = control.value, control.label
        return chosen

    def _changed_choices(self, before: dict, filename: str) -> list[str]:
        """One line per control that left its choice because the new data lacks it."""
        after = self._data_choices()
        return [
            f"{name}: {label} is not in {filename}; showing {after[name][1]}."
            for name, (value, label) in before.items()
            if value is not None and after[name][0] != value
        ]

    def _restore(self, previous) -> None:
        self.data, self.data_label = previous
        try:
            self._data_changed()
        except Exception:
            # The previous data drew before; if it cannot now, the page must still stay alive.
            pass

    def _oversized(self, content: bytes, filename: str) -> bool:
        if len(content) <= self.max_upload_bytes:
            return False
        self.show_error(
            f"Could not use {filename}: the file has {size_text(len(content))}, more than the "
            f"limit of {size_text(self.max_upload_bytes)}."
        )
        return True

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        content, filename = bytes(upload["content"]), upload["name"]
        self.message.value = ""
        if not self._oversized(content, filename):
            # Files in kpikit's own layout load at once; others show the mapping step.
            self.upload_step.start(content, filename)
        # Forget the file so the same name can be uploaded again after a fix.
        self.upload.value = ()


def readout_format(value: float, *, percent: bool = False) -> str:
    """A slider's readout format that shows ``value`` without rounding it (up to 6 decimals),
    as a percentage of a fraction with ``percent``.

    >>> readout_format(80.0), readout_format(85.5), readout_format(28.61)
    ('.0f', '.1f', '.2f')
    >>> readout_format(0.3, percent=True), readout_format(0.255, percent=True)
    ('.0%', '.1%')
    """
    decimals = decimals_needed(100 * value if percent else value, most=6)
    return f".{decimals}{'%' if percent else 'f'}"


def alert_html(text: str) -> str:
    """A message box for the user: escaped text, line breaks kept.

    Examples
    --------
    >>> "&lt;b&gt;" in alert_html("<b>")
    True
    """
    return (
        "<div role='alert' style='border-left: 4px solid #d55e00; padding: 4px 8px; "
        "background: rgba(213, 94, 0, 0.08); white-space: pre-wrap; "
        "overflow-wrap: anywhere; line-height: 1.35'>"
        f"{html.escape(text)}</div>"
    )


def section_heading(text_html: str, *, margin: str = "12px 0 4px", level: int = 2) -> str:
    """A heading of a part of a dashboard, as HTML: an ``h2`` under the page's ``h1`` title (an
    ``h3`` under such a part with ``level=3``), looking as the ``h4`` the dashboards used (the
    text's size, bold), so that headings nest without a skipped level (WCAG 1.3.1).

    ``text_html`` is inserted as it is: escape what comes from data.

    >>> section_heading("Your values", margin="8px 0 4px")
    "<h2 style='margin: 8px 0 4px; font-size: 1em; font-weight: bold'>Your values</h2>"
    """
    return (
        f"<h{level} style='margin: {margin}; font-size: 1em; font-weight: bold'>"
        f"{text_html}</h{level}>"
    )


def sector_options() -> list[tuple[str, str]]:
    """(label, sector id) pairs for a sector ``Dropdown``, in catalog order."""
    return [(SECTOR_LABELS.get(sector, sector), sector) for sector in SECTORS]


def channel_options() -> list[tuple[str, str]]:
    """(label, channel id) pairs for a channel ``Dropdown``, in catalog order."""
    return [(CHANNEL_LABELS.get(channel, channel), channel) for channel in CHANNELS]


def check_choice(argument: str, value, valid) -> None:
    """Raise ValueError naming the argument, the valid choices and the bad value.

    Examples
    --------
    >>> check_choice("sector", "health", ["all", "healthcare"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'sector' is not valid. Expected one of [...] but received: 'health'...
    """
    validators.check_choice(argument, value, valid)


def range_text(low, high, unit: str) -> str:
    """A benchmark range in words; a NaN bound makes it open ("85.0 % or more").

    Examples
    --------
    >>> range_text(70, 75, "percent"), range_text(85, None, "percent")
    ('70.0 % to 75.0 %', '85.0 % or more')
    """
    if is_number(low) and is_number(high):
        return f"{format_value(low, unit)} to {format_value(high, unit)}"
    if is_number(low):
        return f"{format_value(low, unit)} or more"
    return f"up to {format_value(high, unit)}"


def compute_table(data, **options) -> pd.DataFrame:
    """:func:`kpikit.compute` as a pandas frame, whatever the input's engine (lazy is collected).

    Apps draw with pandas-backed figures; the engine stays on the user's dataframe library for the
    heavy part and only the small result is converted.
    """
    result = collected(nw.from_native(compute(data, **options)))
    return result.to_pandas()


def describe_data(data: Dataset, label: str) -> str:
    """One line about the data: label, number of contacts and the period covered.

    Examples
    --------
    >>> import pandas as pd
    >>> import kpikit as kk
    >>> contacts = pd.DataFrame({"arrived_at": pd.to_datetime(["2024-01-01", "2024-03-31"])})
    >>> describe_data(kk.Dataset(contacts=contacts), "sample data")
    'sample data: 2 contacts, 2024-01-01 to 2024-03-31'
    """
    frame = nw.from_native(data.contacts, pass_through=True)
    if not isinstance(frame, nw.DataFrame):
        return label
    text = f"{label}: {len(frame):,} contacts"
    if "arrived_at" in frame.columns and len(frame):
        first, last = frame["arrived_at"].min(), frame["arrived_at"].max()
        text += f", {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    return text


def _reason(error: Exception) -> str:
    """Why an upload failed, for the user: a ValueError's message (SchemaError, parse and
    decoding errors are written for them), else the unexpected error's type and message."""
    if isinstance(error, ValueError):
        return str(error)
    return f"unexpected {type(error).__name__}: {error}"


def _refuse_no_rows(data: Dataset) -> None:
    """Refuse an upload without contacts (a header alone reads as a valid, empty log): the
    dashboard would swap the user's data for nothing and show "0 breaches" as good news.

    >>> import pandas as pd
    >>> _refuse_no_rows(Dataset(contacts=pd.DataFrame({"contact_id": []})))
    Traceback (most recent call last):
    ...
    ValueError: the file has no rows under its header (no contacts); the data in use is kept.
    """
    if len(data.contacts) == 0:
        raise ValueError(
            "the file has no rows under its header (no contacts); the data in use is kept."
        )


def _slug(title: str) -> str:
    """A file name from a title: ``"Balanced scorecard"`` -> ``"balanced-scorecard"``."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "kpikit"
