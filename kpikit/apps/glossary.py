"""KPI glossary for training: definition, formula, pitfalls, benchmarks and a calculator."""

import html
import math

import ipywidgets as widgets
import pandas as pd

import kpikit.plots
from kpikit.apps._base import (
    HIDDEN_LABEL_CLASS,
    LIVE_ONLY_CLASS,
    BaseApp,
    alert_html,
    channel_options,
    compute_table,
    format_value,
    is_number,
    range_text,
    scroll_box,
    section_heading,
    sector_options,
)
from kpikit.apps._chart import Chart
from kpikit.apps.params import Param
from kpikit.catalog import (
    KPI_IDS,
    CalculatorInput,
    benchmarks,
    calculate,
    components,
    statistics,
    terms,
)
from kpikit.catalog import kpi as kpi_definition
from kpikit.catalog._registry import sum_label
from kpikit.display import DECIMALS, figures_html
from kpikit.io import Sheet
from kpikit.metrics import KPIUnavailable, compute
from kpikit.options import Options

__all__ = ["GlossaryApp"]

_DIRECTION_TEXT = {
    "higher": "higher is better",
    "lower": "lower is better",
    "neutral": "neither higher nor lower is better by itself",
}
_INPUT_WIDTH = "140px"
_CELL = "text-align: left; vertical-align: top; padding: 4px 8px"
_WIDE = " class='kpikit-wide'"


class GlossaryApp(BaseApp):
    """Training dashboard: pick a KPI, read what it means, try its formula on your own numbers.

    Shows the definition and why it matters, the formula (rendered LaTeX and plain text), the
    common pitfalls and how to improve, the published benchmark ranges for a sector and channel,
    and a calculator: type the totals (for AHT: talk, hold and after-contact seconds and the
    answered contacts) and see the KPI value on a bullet chart against the benchmarks. The KPI
    value on the loaded data (sample or uploaded) is shown beside it.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        Data for the "on your data" value; ``None`` loads the sample data.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp` (``max_upload_bytes``, ``upload``).

    Attributes
    ----------
    kpi, sector, channel : ipywidgets.Dropdown
    calculator : ipywidgets.VBox
        One ``FloatText`` per calculator input of the KPI (``calculator_inputs`` maps the input
        names to them), for the variant the app computes with: ``sl_abandoned="excluded"``
        adds the abandons within the threshold, as the value on the data counts them.
    result : ipywidgets.HTML
        The calculator's result.
    chart : Chart
        Bullet chart of the calculator's value against the benchmarks.
    variants : ipywidgets.HTML
        The KPI's variants (option values) and who uses each.
    background : ipywidgets.HTML
        KPI vs metric vs KRA and the other terms, and the statistics the source articles quote
        with their sources (:func:`kpikit.catalog.terms`, :func:`kpikit.catalog.statistics`).

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"contact_id": [1, 2], "answered": [True, False],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05"]),
    ...     "wait_s": [10.0, 30.0], "talk_s": [200.0, 0.0], "hold_s": [20.0, 0.0],
    ...     "acw_s": [30.0, 0.0]})
    >>> app = GlossaryApp(contacts, kpi="aht")
    >>> app.calculator_inputs["answered"].value = 50   # 30000 s / 50 contacts
    >>> app.result_value
    600.0
    """

    title = "KPI glossary"
    description = "What each contact-center KPI means, how it is computed and what good looks like."
    PARAMETERS = (
        Param(
            "kpi",
            "aht",
            "KPI",
            help="KPI shown",
            choices=tuple((kpi_definition(kpi_id).name, kpi_id) for kpi_id in KPI_IDS),
        ),
        Param("sector", "all", "Sector", help="Benchmark sector", choices=tuple(sector_options())),
        Param(
            "channel", "all", "Channel", help="Benchmark channel", choices=tuple(channel_options())
        ),
    )

    def __init__(self, data=None, **options):
        super().__init__(data, **options)
        self.kpi = self.control("kpi")
        self.sector = self.control("sector")
        self.channel = self.control("channel")
        for control in (self.kpi, self.sector, self.channel):
            control.observe(self._on_change, names="value")

        self.summary = widgets.HTML()
        self.formula = widgets.HTMLMath()
        self.advice = widgets.HTML()
        self.calculator = widgets.VBox()
        self.calculator_inputs = {}
        self.result = widgets.HTML()
        self.result_value = math.nan
        self.chart = Chart(height=240)
        self.benchmark_table = widgets.HTML()
        self.data_value = widgets.HTML()
        self.variants = widgets.HTML()
        self.background = widgets.HTML(_background_html())
        calculator_panel = widgets.VBox(
            [
                widgets.HTML(section_heading("Calculator", margin="4px 0", level=3)),
                self.calculator,
                self.result,
            ],
            layout=widgets.Layout(flex="1 1 320px", max_width="420px", margin="0 16px 0 0"),
        )
        chart_panel = widgets.VBox(
            [self.chart, self.data_value], layout=widgets.Layout(flex="1 1 320px", min_width="0")
        )
        self.widget = self._compose(
            controls=[self.kpi, self.sector, self.channel],
            main=[
                self.summary,
                self.formula,
                widgets.HBox(
                    [calculator_panel, chart_panel],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
                self.benchmark_table,
                self.advice,
                self.variants,
                self.background,
            ],
        )
        self._data_changed()

    def _on_data(self) -> None:
        values = compute_table(self.data, options=self.engine_options)
        self._data_values = {row.kpi: row for row in values.itertuples(index=False)}
        super()._on_data()

    def _update(self) -> None:
        definition = kpi_definition(self.kpi.value)
        items = self._calculator_items(definition)
        if self.calculator_inputs.keys() != {item.name for item in items}:
            self._build_calculator(items)
        self.summary.value = _summary_html(definition)
        self.formula.value = _formula_html(definition)
        self.advice.value = _advice_html(definition)
        self.variants.value = _variants_html(definition, self._variants_in_use(definition))
        sector, channel = self.sector.value, self.channel.value
        rows = benchmarks(sector=sector, channel=channel, kpi=definition.id)
        # "All channels" lists the channel-specific figures too (cost per contact has only
        # those); the chart keeps the rows that hold for every channel.
        listed = benchmarks(sector=sector, kpi=definition.id) if channel == "all" else rows
        self.benchmark_table.value = _benchmark_table_html(listed, definition.unit)
        self.data_value.value = self._data_value_html(definition)
        self.result_value = self._calculate(definition)
        self.chart.draw(
            kpikit.plots.bullet(rows, kpi=definition.id, value=self.result_value),
            height=240,
        )

    def excel_sheets(self) -> list[Sheet]:
        """The KPI's card (definition, formula, calculator, value on the data) and its
        published benchmarks, rounded to the KPI's unit."""
        definition = kpi_definition(self.kpi.value)
        places = DECIMALS[definition.unit]
        row = self._data_values.get(definition.id)
        card = [
            ("KPI", definition.name),
            ("Unit", definition.unit),
            ("Better", _DIRECTION_TEXT.get(definition.direction, definition.direction)),
            ("Definition", definition.definition),
            ("Formula", definition.formula),
            ("Numerator", definition.numerator),
            ("Denominator", definition.denominator),
            *(
                ("Computed with", f"{name}={value!r}")
                for name, value in self._variants_in_use(definition).items()
            ),
            *(
                (item.label, self.calculator_inputs[item.name].value)
                for item in self._calculator_items(definition)
            ),
            ("Calculator result", self.result_value),
            (f"On {self.data_label}", row.value if row is not None else None),
        ]
        table = pd.DataFrame(card, columns=["Item", "Value"])
        numeric = {"Calculator result", f"On {self.data_label}"}
        decimals = pd.DataFrame(
            {"Item": None, "Value": [places if name in numeric else None for name, _ in card]},
            dtype=object,
        )
        sector, channel = self.sector.value, self.channel.value
        listed = benchmarks(
            sector=sector, kpi=definition.id, channel=None if channel == "all" else channel
        )
        listed = listed[["tier", "low", "high", "sector", "channel", "note", "source"]]
        return [
            Sheet(definition.short_name, table, decimals=decimals, frozen_columns=1),
            Sheet(
                "Benchmarks",
                listed.rename(columns=str.capitalize),
                decimals={"Low": places, "High": places},
            ),
        ]

    def _variants_in_use(self, definition) -> dict:
        """The KPI's variant options the app computes with that are not kpikit's defaults
        (``sl_abandoned="excluded"``): the calculator and the value on the data use them."""
        default = Options()
        return {
            option: getattr(self.engine_options, option)
            for option in dict.fromkeys(variant.option for variant in definition.variants)
            if getattr(self.engine_options, option) != getattr(default, option)
        }

    def _calculator_items(self, definition) -> list[CalculatorInput]:
        """The calculator's inputs for the variants in use: the components of their sums,
        with the worked example as defaults (``definition.calculator`` for the defaults)."""
        numerator, denominator = definition.sums(self.engine_options)
        names = dict.fromkeys(term.component for term in (*numerator, *denominator))
        return [
            CalculatorInput(name, components()[name].label, definition.worked_example[name])
            for name in names
        ]

    def _build_calculator(self, items) -> None:
        self.calculator_inputs = {}
        rows = []
        for item in items:
            # Named after the text beside it for screen readers (the label takes no space);
            # a static report shows the box's "label: value" line instead of that text.
            field = widgets.FloatText(
                value=item.default,
                description=item.label,
                layout=widgets.Layout(width=_INPUT_WIDTH),
            )
            field.add_class(HIDDEN_LABEL_CLASS)
            field.observe(self._on_change, names="value")
            self.calculator_inputs[item.name] = field
            label = widgets.HTML(
                f"<span title='{html.escape(item.name)}'>{html.escape(item.label)}</span>",
                layout=widgets.Layout(flex="1 1 auto"),
            )
            label.add_class(LIVE_ONLY_CLASS)
            rows.append(widgets.HBox([label, field]))
        self.calculator.children = rows

    def _calculate(self, definition) -> float:
        inputs = {name: field.value for name, field in self.calculator_inputs.items()}
        try:
            value = calculate(definition.id, **inputs, **self._variants_in_use(definition))
        except ValueError as error:
            self.result.value = alert_html(str(error))
            return math.nan
        shown = format_value(value, definition.unit)
        note = "" if not math.isnan(value) else " (the denominator is 0: no value, not 0)"
        self.result.value = (
            f"<p style='font-size: 1.3em; margin: 6px 0'>{html.escape(definition.short_name)}"
            f" = <strong>{html.escape(shown)}</strong>{html.escape(note)}</p>"
        )
        return value

    def _why_no_value(self, definition, row) -> str:
        """Why the data gives no value for a KPI: what it lacks, or a denominator of 0."""
        if row is not None:
            denominator = _denominator_words(definition, self.engine_options)
            return f"its denominator, {denominator}, is 0 in this data"
        try:
            compute(self.data, kpis=[definition.id], options=self.engine_options)
        except KPIUnavailable as error:
            return f"the data cannot give it: {error.reason}"
        return "the data cannot give it"

    def _data_value_html(self, definition) -> str:
        row = self._data_values.get(definition.id)
        if row is None or not is_number(row.value):
            label = self.data_label[:1].upper() + self.data_label[1:]
            return (
                f"<small>{html.escape(label)}: no value "
                f"({html.escape(self._why_no_value(definition, row))}).</small>"
            )
        interval = ""
        if is_number(row.ci_low) and is_number(row.ci_high):
            interval = (
                f" (95 % interval {format_value(row.ci_low, definition.unit)} to "
                f"{format_value(row.ci_high, definition.unit)})"
            )
        options = "".join(
            f", with {name}={value!r}" for name, value in self._variants_in_use(definition).items()
        )
        return (
            f"<small>On {html.escape(self.data_label)}{html.escape(options)}: "
            f"{html.escape(definition.short_name)} = "
            f"<strong>{html.escape(format_value(row.value, definition.unit))}</strong>"
            f"{html.escape(interval)}.</small>"
        )


def _denominator_words(definition, options) -> str:
    """The denominator of the formula ``options`` choose, in words: the catalog's words for
    the default denominator, else the label of the variant's sum, not the default's.

    >>> _denominator_words(kpi_definition("fcr"), Options(fcr_method="survey"))
    "first contacts with the customer's answer"
    >>> _denominator_words(kpi_definition("fcr"), Options())
    'first contacts (that can be judged)'
    """
    denominator = definition.sums(options)[1]
    if denominator == definition.sums()[1]:
        return definition.denominator
    text = " ".join(f"{'-' if term.sign < 0 else '+'} {term.component}" for term in denominator)
    label = sum_label(text.removeprefix("+ "))
    return label[:1].lower() + label[1:]


def _summary_html(definition) -> str:
    if definition.direction == "band":
        direction = (
            f"best between {definition.band_low:g} and {definition.band_high:g}"
            f"{' %' if definition.unit == 'percent' else ''}"
        )
    else:
        direction = _DIRECTION_TEXT[definition.direction]
    badges = " · ".join([f"{definition.area} KPI", f"unit: {definition.unit}", direction])
    return (
        f"<h2 style='margin: 4px 0; font-size: 1.17em; font-weight: bold'>"
        f"{html.escape(definition.name)} ({html.escape(definition.short_name)})</h2>"
        f"<div style='color: var(--jp-ui-font-color2, #666)'>{html.escape(badges)}</div>"
        f"<p>{html.escape(definition.definition)}</p>"
        f"<p><strong>Why it matters.</strong> {html.escape(definition.why_it_matters)}</p>"
    )


def _formula_html(definition) -> str:
    # HTMLMath typesets $$...$$; the plain formula stays readable where LaTeX is not rendered.
    return (
        f"$${definition.formula_latex}$$"
        f"<p style='font-size: 0.9em'>{html.escape(definition.formula)}<br>"
        f"Numerator: {html.escape(definition.numerator)}. "
        f"Denominator: {html.escape(definition.denominator)}.</p>"
    )


def _advice_html(definition) -> str:
    def items(texts):
        return "".join(f"<li>{html.escape(text)}</li>" for text in texts)

    related = ", ".join(kpi_definition(kpi_id).name for kpi_id in definition.tradeoffs)
    watch = (
        f"<p><strong>Watch together with:</strong> {html.escape(related)}.</p>" if related else ""
    )
    return (
        "<div style='display: flex; gap: 24px; flex-wrap: wrap'>"
        f"<div style='flex: 1 1 300px'>{_subheading('Pitfalls')}"
        f"<ul>{items(definition.pitfalls)}</ul></div>"
        f"<div style='flex: 1 1 300px'>{_subheading('How to improve')}"
        f"<ul>{items(definition.how_to_improve)}</ul></div></div>{watch}"
    )


def _variants_html(definition, in_use: dict) -> str:
    """The KPI's variants; those of ``in_use`` (options other than the defaults) are marked
    as the ones this page computes with."""
    if not definition.variants:
        return ""

    def marks(v) -> str:
        used = v.option in in_use and in_use[v.option] == v.value
        return (" (default)" if v.is_default else "") + (" (used here)" if used else "")

    items = "".join(
        f"<li><code>{html.escape(f'{v.option}={v.value!r}')}</code>"
        f"{marks(v)}: {html.escape(v.description)} "
        f"<em>{html.escape(v.used_by)}</em></li>"
        for v in definition.variants
    )
    return f"{_subheading('Variants and who uses them')}<ul>{items}</ul>"


_H4_MARGIN = "1.33em 0"
"""The browser's margin of the h4 these headings were, kept so that the page does not move."""


def _subheading(text: str) -> str:
    """A heading of a part of the KPI's page: an h3 under the KPI's name (h2)."""
    return section_heading(text, margin=_H4_MARGIN, level=3)


def _background_html() -> str:
    """Terms (KPI vs metric vs KRA, ...) and the articles' statistics with their sources."""
    term_items = "".join(
        f"<li><strong>{html.escape(row.term)}</strong>: {html.escape(row.definition)} "
        f"<small>({html.escape(row.source)})</small></li>"
        for row in terms().itertuples(index=False)
    )
    fact_items = "".join(
        f"<li>{html.escape(row.statement)} <small>({html.escape(row.attributed_to)}; "
        f"{html.escape(row.source)})</small></li>"
        for row in statistics().itertuples(index=False)
    )
    return (
        f"{section_heading('Terms', margin=_H4_MARGIN)}<ul>{term_items}</ul>"
        f"{section_heading('Figures the sources quote', margin=_H4_MARGIN)}<ul>{fact_items}</ul>"
    )


def _benchmark_table_html(rows, unit: str) -> str:
    if rows.empty:
        note = rows.attrs.get("note") or "No published benchmark for this KPI."
        return f"<p><em>{html.escape(note)}</em></p>"
    body = []
    for row in rows.itertuples(index=False):
        span = range_text(row.low, row.high, unit)
        scope = f"{row.sector}, {row.channel}" + (" (general figure)" if row.fallback else "")
        cells = (row.tier.replace("_", " "), span, scope, row.note, row.source)
        body.append(
            "<tr>"
            + "".join(
                f"<td{_WIDE if position >= 3 else ''} style='{_CELL}'>"
                f"{figures_html(str(cell))}</td>"
                for position, cell in enumerate(cells)
            )
            + "</tr>"
        )
    header = "".join(
        f"<th scope='col' style='{_CELL}'>{name}</th>"
        for name in ("Tier", "Range", "Scope", "Context", "Source")
    )
    return _subheading(
        "Published benchmarks"
    ) + scroll_box(  # 612 px on a phone: cut after "Scope", it looked whole
        "<table class='kpikit-table' style='border-collapse: collapse; font-size: 0.9em' "
        f"aria-label='Published benchmarks'><thead><tr>{header}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>",
        600,
    )
