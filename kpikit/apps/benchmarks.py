"""Sector benchmarks: every KPI's published ranges for a sector and channel, against your values."""

import html
import math

import ipywidgets as widgets
import narwhals.stable.v2 as nw

import kpikit.plots
from kpikit.apps._base import (
    SECTOR_LABELS,
    BaseApp,
    channel_options,
    check_choice,
    compute_table,
    format_value,
    is_number,
    range_text,
    sector_options,
)
from kpikit.apps._chart import Chart
from kpikit.catalog import CHANNELS, SECTORS, benchmarks, catalog

__all__ = ["BenchmarksApp"]

_TIER_SHORT = {"average": "avg", "world_class": "world class", "target": "target"}


class BenchmarksApp(BaseApp):
    """Dashboard: your KPIs against the published ranges of a sector, and sectors side by side.

    The chart puts every benchmarked KPI on a "worse → better" row with the average and
    world-class ranges of the chosen sector and channel, and your value as a diamond. Your
    values are computed from the data (for the chosen channel when the data has a ``channel``
    column) and can be typed over; "Use data values" brings the computed ones back. The table
    lists every sector's ranges side by side; figures that are general rather than
    sector-specific are shown in grey.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        Data your values are computed from; ``None`` loads the sample data.
    sector : str, default="all"
        One of :data:`kpikit.catalog.SECTORS`.
    channel : str, default="all"
        One of :data:`kpikit.catalog.CHANNELS`.
    values : mapping of str to float, default=None
        Your values by KPI id, typed in; they take precedence over the computed ones.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp` (``max_upload_bytes``, ``upload``).

    Attributes
    ----------
    sector, channel : ipywidgets.Dropdown
    value_inputs : dict of str to ipywidgets.Text
        One text field per benchmarked KPI holding your value (empty: no value).
    use_data : ipywidgets.Button
        Forget the typed values and show the computed ones.
    chart : Chart
        The sector overview.
    table : ipywidgets.HTML
        Every sector's ranges side by side.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"contact_id": [1, 2], "answered": [True, False],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05"]),
    ...     "wait_s": [10.0, 30.0]})
    >>> app = BenchmarksApp(contacts, sector="healthcare")
    >>> app.value_inputs["abandonment_rate"].value   # 1 abandoned of 2 offered
    '50'
    >>> app.value_inputs["abandonment_rate"].value = "4"
    >>> app.yours()["abandonment_rate"]
    4.0
    """

    title = "Sector benchmarks"
    description = "Your KPIs against published ranges for your sector and channel."

    def __init__(self, data=None, *, sector="all", channel="all", values=None, **options):
        check_choice("sector", sector, SECTORS)
        check_choice("channel", channel, CHANNELS)
        typed = dict(values or {})
        benchmarked = set(benchmarks()["kpi"])
        self._kpis = [kpi_id for kpi_id in catalog()["id"] if kpi_id in benchmarked]
        for kpi_id in typed:
            check_choice("values", kpi_id, self._kpis)
        super().__init__(data, **options)
        self.sector = widgets.Dropdown(options=sector_options(), value=sector, description="Sector")
        self.channel = widgets.Dropdown(
            options=channel_options(), value=channel, description="Channel"
        )
        self.use_data = widgets.Button(
            description="Use data values", tooltip="Forget typed values; use the computed ones"
        )
        self.use_data.on_click(self._on_use_data)
        for control in (self.sector, self.channel):
            control.observe(self._on_change, names="value")

        definitions = catalog().set_index("id")
        self._units = definitions["unit"].to_dict()
        self._names = definitions["name"].to_dict()
        self._typed = {kpi_id: float(value) for kpi_id, value in typed.items()}
        self._filling = False
        self.value_inputs = {}
        for kpi_id in self._kpis:
            unit = {"percent": "%", "seconds": "s"}.get(self._units[kpi_id], "")
            field = widgets.Text(
                description=f"{definitions.at[kpi_id, 'short_name']} {unit}".strip(),
                placeholder="no value",
                continuous_update=False,
                tooltip=self._names[kpi_id],
                layout=widgets.Layout(width="220px"),
                style={"description_width": "110px"},
            )
            field.observe(self._on_typed, names="value")
            self.value_inputs[kpi_id] = field

        self.chart = Chart()
        self.table = widgets.HTML()
        values_panel = widgets.VBox(
            [
                widgets.HTML(
                    "<h4 style='margin: 8px 0 4px'>Your values</h4><small>Computed from the "
                    "data; type over any of them to try another value.</small>"
                ),
                widgets.GridBox(
                    list(self.value_inputs.values()),
                    layout=widgets.Layout(grid_template_columns="repeat(auto-fill, 230px)"),
                ),
            ]
        )
        self.widget = self._compose(
            controls=[self.sector, self.channel, self.use_data],
            main=[self.chart, values_panel, self.table],
        )
        self._on_data()

    def yours(self) -> dict[str, float]:
        """Your value per KPI as shown in the fields (typed, else computed); NaN when none."""
        values = {}
        for kpi_id, field in self.value_inputs.items():
            try:
                values[kpi_id] = float(field.value) if field.value.strip() else math.nan
            except ValueError:
                values[kpi_id] = math.nan
        return values

    def _on_data(self) -> None:
        self._computed = {
            "all": _values_by_kpi(compute_table(self.data, options=self.engine_options))
        }
        by_channel = (
            compute_table(self.data, by=["channel"], options=self.engine_options)
            if self._has_channel()
            else None
        )
        for channel in CHANNELS[1:]:
            rows = by_channel[by_channel["channel"] == channel] if by_channel is not None else None
            self._computed[channel] = _values_by_kpi(rows) if rows is not None else {}
        super()._on_data()

    def _has_channel(self) -> bool:
        return "channel" in nw.from_native(self.data.contacts).columns

    def _update(self) -> None:
        self._fill_values()
        sector, channel = self.sector.value, self.channel.value
        yours = {kpi_id: value for kpi_id, value in self.yours().items() if is_number(value)}
        rows = benchmarks(sector=sector, channel=channel)
        self.chart.draw(kpikit.plots.sector_overview(rows, yours=yours))
        self.table.value = self._table_html(channel, yours)

    def _fill_values(self) -> None:
        computed = self._computed.get(self.channel.value, {})
        self._filling = True
        try:
            for kpi_id, field in self.value_inputs.items():
                value = self._typed.get(kpi_id, computed.get(kpi_id, math.nan))
                field.value = f"{round(value, 2):g}" if is_number(value) else ""
        finally:
            self._filling = False

    def _on_typed(self, change) -> None:
        if self._filling:
            return
        kpi_id = next(key for key, field in self.value_inputs.items() if field is change["owner"])
        text = change["new"].strip()
        if not text:
            self._typed.pop(kpi_id, None)
        else:
            try:
                value = float(text)
            except ValueError:
                self.show_error(f"Your value for {self._names[kpi_id]} must be a number: {text!r}")
                return
            if not math.isfinite(value):
                self.show_error(f"Your value for {self._names[kpi_id]} must be finite: {text!r}")
                return
            self._typed[kpi_id] = value
        self._on_change()

    def _on_use_data(self, _button) -> None:
        self._typed.clear()
        self._on_change()

    def _table_html(self, channel: str, yours: dict) -> str:
        by_sector = {sector: benchmarks(sector=sector, channel=channel) for sector in SECTORS}
        header = "".join(
            f"<th style='{_cell_style(sector == self.sector.value)}'>"
            f"{html.escape(SECTOR_LABELS[sector])}</th>"
            for sector in SECTORS
        )
        body = []
        for kpi_id in self._kpis:
            unit = self._units[kpi_id]
            cells = []
            for sector, table in by_sector.items():
                rows = table[table["kpi"] == kpi_id]
                cells.append(
                    f"<td style='{_cell_style(sector == self.sector.value)}'>"
                    f"{_ranges_html(rows, unit)}</td>"
                )
            mine = format_value(yours.get(kpi_id), unit) if kpi_id in yours else ""
            body.append(
                f"<tr><th style='text-align: left; padding: 4px 8px'>"
                f"{html.escape(self._names[kpi_id])}</th>{''.join(cells)}"
                f"<td style='padding: 4px 8px'><strong>{html.escape(mine)}</strong></td></tr>"
            )
        return (
            "<h4 style='margin: 12px 0 4px'>Sectors side by side</h4>"
            "<small>Ranges for the chosen channel; grey figures are general ones used where "
            "the sector has no figure of its own.</small>"
            "<div style='overflow-x: auto'><table class='kpikit-table' style='border-collapse: "
            "collapse; font-size: 0.85em'>"
            f"<thead><tr><th></th>{header}<th style='padding: 4px 8px'>You</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )


def _values_by_kpi(rows) -> dict[str, float]:
    return {row.kpi: row.value for row in rows.itertuples(index=False) if is_number(row.value)}


def _cell_style(selected: bool) -> str:
    background = "background: rgba(0, 114, 178, 0.10); " if selected else ""
    return f"{background}padding: 4px 8px; text-align: left; vertical-align: top"


def _ranges_html(rows, unit: str) -> str:
    parts = []
    for row in rows.drop_duplicates(["tier"]).itertuples(index=False):
        text = f"{_TIER_SHORT[row.tier]} {range_text(row.low, row.high, unit)}"
        style = " style='color: #888'" if row.fallback else ""
        parts.append(f"<div{style}>{html.escape(text)}</div>")
    return "".join(parts)
