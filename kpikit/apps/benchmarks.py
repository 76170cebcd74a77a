"""Sector benchmarks: every KPI's published ranges for a sector and channel, against your values."""

import functools
import html
import math

import ipywidgets as widgets
import narwhals.stable.v2 as nw
import pandas as pd

import kpikit.plots
from kpikit._validators import check_number
from kpikit.apps._base import (
    CHANNEL_LABELS,
    SECTOR_LABELS,
    BaseApp,
    channel_options,
    check_choice,
    compute_table,
    format_value,
    is_number,
    range_text,
    scroll_box,
    section_heading,
    sector_options,
)
from kpikit.apps._channels import INTERVAL_KPIS
from kpikit.apps._chart import Chart
from kpikit.apps._upload import channel_variants
from kpikit.apps.params import Param, cast_value
from kpikit.catalog import CHANNELS, SECTORS, benchmarks, catalog
from kpikit.catalog import kpi as kpi_definition
from kpikit.catalog._benchmarks import THRESHOLD_KPI
from kpikit.display import DECIMALS, figures_html, kpi_label, value_range
from kpikit.io import Sheet

__all__ = ["BenchmarksApp"]

_TIER_SHORT = {"average": "avg", "world_class": "world class", "target": "target"}
_TIER_NAMES = {"average": "Average", "world_class": "World class", "target": "Target"}
_CELL = "padding: 4px 8px; text-align: left; vertical-align: top"
_SELECTED = "rgba(0, 114, 178, 0.10)"


class BenchmarksApp(BaseApp):
    """Dashboard: your KPIs against the published ranges of a sector, and sectors side by side.

    The chart gives every benchmarked KPI a small bullet chart on its own numeric axis, in the
    KPI's unit: the average, world-class and target ranges of the chosen sector and channel as
    bands, your value as a dark bar. Your values are computed from the data (for the chosen
    channel when the data has a ``channel`` column; from all its contacts, with a note, when it
    has none) and can be typed over; "Use data values" brings the computed ones back. The table
    lists every sector's ranges side by side; figures a sector borrows from the general
    (all-sector) ones say "(general)" and are shown in grey italics. Service-level ranges carry
    their answer threshold and your service level the threshold it was computed at (the app's
    options, per channel).

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        Data your values are computed from; ``None`` loads the sample data.
    values : mapping of str to float, default=None
        Your values by KPI id, typed in; they take precedence over the computed ones. Each must
        be a finite number on its KPI's scale (a percent 0..100): an unknown KPI, text, NaN,
        infinity or a value off the scale is refused here rather than shown without a bar.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp` (``max_upload_bytes``, ``upload``).

    Attributes
    ----------
    sector, channel : ipywidgets.Dropdown
    data_note : ipywidgets.HTML
        Which contacts your values come from, when that is not simply the chosen channel.
    benchmark_note : ipywidgets.HTML
        Which KPIs have no benchmark for the chosen channel, and the channels that have one.
    value_inputs : dict of str to ipywidgets.Text
        One text field per benchmarked KPI holding your value (empty: no value). Text that is
        not a number on the KPI's scale is no value either: a message says so, and the chart
        and table drop the value they showed until the next redraw refills the field.
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
    PARAMETERS = (
        Param("sector", "all", "Sector", help="Benchmark sector", choices=tuple(sector_options())),
        Param(
            "channel",
            "all",
            "Channel",
            help="Benchmark channel (and the data's channel your values come from)",
            choices=tuple(channel_options()),
        ),
    )

    def __init__(self, data=None, *, values=None, **options):
        typed = dict(values or {})
        benchmarked = set(benchmarks()["kpi"])
        self._kpis = [kpi_id for kpi_id in catalog()["id"] if kpi_id in benchmarked]
        for kpi_id in typed:
            check_choice("values", kpi_id, self._kpis)
        # Checked like a typed field, but refused outright: nothing here can show the message.
        typed = {
            kpi_id: float(check_number(f"values[{kpi_id!r}]", value, **_scale(kpi_id)))
            for kpi_id, value in typed.items()
        }
        super().__init__(data, **options)
        self.sector = self.control("sector")
        self.channel = self.control("channel")
        self.use_data = widgets.Button(
            description="Use data values", tooltip="Forget typed values; use the computed ones"
        )
        self.use_data.on_click(self._on_use_data)
        for control in (self.sector, self.channel):
            control.observe(self._on_change, names="value")

        definitions = catalog().set_index("id")
        self._units = definitions["unit"].to_dict()
        self._names = definitions["name"].to_dict()
        self._typed = typed
        self._typed_over = self.data  # typed values hold for the data they were typed over
        self._filling = False
        self.value_inputs = {}
        for kpi_id in self._kpis:
            field = widgets.Text(
                description=kpi_label(kpi_id, short=True),
                placeholder="no value",
                continuous_update=False,
                tooltip=self._names[kpi_id],
                layout=widgets.Layout(width="auto"),
                style={"description_width": "110px"},
            )
            field.observe(self._on_typed, names="value")
            self.value_inputs[kpi_id] = field

        self.chart = Chart()
        self.data_note = widgets.HTML()
        self.benchmark_note = widgets.HTML()
        self.table = widgets.HTML()
        self.highlight = widgets.HTML(layout=widgets.Layout(display="none"))
        values_panel = widgets.VBox(
            [
                widgets.HTML(
                    section_heading("Your values", margin="8px 0 4px")
                    + "<small>Computed from the data; type over any of them to try another "
                    "value.</small>"
                ),
                widgets.GridBox(
                    list(self.value_inputs.values()),
                    layout=widgets.Layout(
                        grid_template_columns="repeat(auto-fill, minmax(210px, 1fr))"
                    ),
                ),
            ]
        )
        self.widget = self._compose(
            controls=[self.sector, self.channel, self.use_data],
            main=[
                self.data_note,
                self.benchmark_note,
                self.chart,
                values_panel,
                self.table,
                self.highlight,
            ],
        )
        self._data_changed()

    def yours(self) -> dict[str, float]:
        """Your value per KPI as shown in the fields (typed, else computed); NaN when none."""
        return {
            kpi_id: self._read(kpi_id, field.value.strip())[0] if field.value.strip() else math.nan
            for kpi_id, field in self.value_inputs.items()
        }

    def _read(self, kpi_id: str, text: str) -> tuple[float, str]:
        """A typed value, or NaN and why it cannot be used (not a number, off the KPI's scale)."""
        name = self._names[kpi_id]
        # Read as a link reads a number (digits 0-9, a point, an exponent; finite, not so
        # small that it reads as 0): Python's float took "1_0" as 10 and "٣٠٠" as 300.
        try:
            value = cast_value(text, 1.0)
        except ValueError as error:
            return math.nan, (
                f"Your value for {name} must be a number written with the digits 0 to 9 "
                f"({error}): {text!r}"
            )
        scale = _scale(kpi_id)
        if value < scale["minimum"] or (scale["maximum"] is not None and value > scale["maximum"]):
            scale = range_text(scale["minimum"], scale["maximum"], kpi_definition(kpi_id).unit)
            return math.nan, f"Your value for {name} is off its scale ({scale}): {text!r}"
        return value, ""

    def _on_data(self) -> None:
        """Recompute your values; values typed over other data are forgotten, but kept when
        the new data cannot be used (the app then goes back to the data they were typed over)."""
        typed = self._typed
        if self.data is not self._typed_over:
            self._typed = {}
        try:
            self._compute_values()
            super()._on_data()
        except Exception:
            self._typed = typed
            raise
        self._typed_over = self.data

    def _compute_values(self) -> None:
        """Your computed values for all channels and for each channel of the data."""
        self._computed = {
            "all": _values_by_kpi(compute_table(self.data, options=self.engine_options))
        }
        self._data_channels = set()
        if self._has_channel():
            by_channel = compute_table(self.data, by=["channel"], options=self.engine_options)
            self._data_channels = set(by_channel["channel"].dropna())
            for channel in CHANNELS[1:]:
                rows = by_channel[by_channel["channel"] == channel]
                self._computed[channel] = _values_by_kpi(rows)

    def _computed_values(self) -> dict:
        """Your computed values for the chosen channel, and a note when they are not that."""
        channel = self.channel.value
        if channel == "all":
            return self._computed["all"], ""
        label = CHANNEL_LABELS[channel].lower()
        if not self._has_channel():
            return self._computed["all"], (
                f"Your data has no channel column: your values cover all its contacts, "
                f"compared with {label} benchmarks."
            )
        # Agent intervals record no channel: their KPIs are the all-channel values.
        everyone = {k: v for k, v in self._computed["all"].items() if k in INTERVAL_KPIS}
        if channel not in self._data_channels:
            return everyone, self._no_contacts_note(channel)
        note = (
            "Occupancy, utilization and adherence cover all channels: agent intervals do not "
            "record the channel."
            if everyone
            else ""
        )
        return {**self._computed[channel], **everyone}, note

    def _no_contacts_note(self, channel: str) -> str:
        """Why the data gives no values for ``channel``: none of its contacts, or only ones
        whose channel is written another way ("Phone")."""
        label = CHANNEL_LABELS[channel].lower()
        variants = [
            name
            for name, known in channel_variants(self._data_channels).items()
            if known == channel
        ]
        if not variants:
            return f"Your data has no {label} contacts: type values to compare them."
        written = ", ".join(f'"{name}"' for name in sorted(variants))
        return (
            f"Your data has no contacts with channel {channel}, but has some with channel "
            f"{written}: kpikit reads channel names in lower case. Write them as {channel} in "
            f"your file and upload it again to compare them with {label} benchmarks."
        )

    def _has_channel(self) -> bool:
        return "channel" in nw.from_native(self.data.contacts).columns

    def _update(self) -> None:
        self._fill_values()
        self._draw()

    def _draw(self) -> None:
        """Redraw the notes, chart and table with the values the fields hold (:meth:`yours`)."""
        sector, channel = self.sector.value, self.channel.value
        rows = benchmarks(sector=sector, channel=channel)
        note = self._missing_benchmarks_note(rows, sector, channel)
        self.benchmark_note.value = f"<small>{html.escape(note)}</small>" if note else ""
        yours = {kpi_id: value for kpi_id, value in self.yours().items() if is_number(value)}
        self.chart.draw(
            kpikit.plots.sector_overview(rows, yours=yours, threshold_s=self._your_threshold_s())
        )
        # The table stays the same when only the sector changes (no message to the browser);
        # a one-line style marks the chosen sector's column.
        self.table.value = self._table_html(channel, yours)
        self.highlight.value = (
            f"<style>.kpikit-app .{_sector_class(sector)} {{ background: {_SELECTED}; }}</style>"
        )

    def _your_threshold_s(self) -> float | None:
        """The answer threshold (s) your service level is computed at for the chosen channel;
        for all channels, the one threshold of the data's channels, or None when they differ
        (each contact is then judged by its own channel's threshold)."""
        channel = self.channel.value
        if channel != "all":
            return self.engine_options.sl_threshold_for(channel)
        channels = self._data_channels or {None}
        thresholds = {self.engine_options.sl_threshold_for(name) for name in channels}
        return thresholds.pop() if len(thresholds) == 1 else None

    def _your_threshold_text(self) -> str:
        """ " within 20 s" (or the note that the channels' thresholds differ) for your service
        level."""
        threshold = self._your_threshold_s()
        if threshold is None:
            return " within each channel's own threshold"
        return f" within {threshold:g} s"

    def _missing_benchmarks_note(self, rows: pd.DataFrame, sector: str, channel: str) -> str:
        """Which KPIs have no benchmark for the chosen channel, with the channels that have one
        (what ``benchmarks`` notes in ``attrs["note"]``, in words); empty when none is missing.
        """
        if not rows.attrs.get("note"):
            return ""
        elsewhere = benchmarks(sector=sector)
        elsewhere = elsewhere[~elsewhere["kpi"].isin(rows["kpi"])]
        by_channels: dict[str, list[str]] = {}
        for kpi_id in self._kpis:
            found = set(elsewhere.loc[elsewhere["kpi"] == kpi_id, "channel"])
            if found:
                names = [CHANNEL_LABELS[name].lower() for name in CHANNELS if name in found]
                by_channels.setdefault(", ".join(names), []).append(self._names[kpi_id])
        if not by_channels:
            return ""
        which = "all-channel" if channel == "all" else CHANNEL_LABELS[channel].lower()
        groups = "; ".join(
            f"{', '.join(kpis)} (figures for {names} only)" for names, kpis in by_channels.items()
        )
        return f"No {which} benchmark for {groups}: these rows show your value alone."

    def _fill_values(self) -> None:
        computed, note = self._computed_values()
        self.data_note.value = f"<small>{html.escape(note)}</small>" if note else ""
        self._filling = True
        try:
            for kpi_id, field in self.value_inputs.items():
                if kpi_id in self._typed:
                    field.value = _field_text(self._typed[kpi_id])
                else:
                    value = computed.get(kpi_id, math.nan)
                    field.value = _field_text(round(value, 2)) if is_number(value) else ""
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
            value, problem = self._read(kpi_id, text)
            if problem:
                # The field holds no usable value now: the chart and table drop the old one
                # rather than go on showing it beside the refused text.
                self._draw()
                self.show_error(
                    f"{problem}. The chart and table show no value for {self._names[kpi_id]} "
                    "until a number on its scale is typed (empty the field to use the data's)."
                )
                return
            self._typed[kpi_id] = value
        self._on_change()

    def _on_use_data(self, _button) -> None:
        self._typed.clear()
        self._on_change()

    def excel_sheets(self) -> list[Sheet]:
        """Your values against the chosen sector and channel's ranges, rounded to each KPI's
        unit, and every sector's ranges side by side."""
        sector, channel = self.sector.value, self.channel.value
        rows = benchmarks(sector=sector, channel=channel).drop_duplicates(["kpi", "tier"])
        yours = self.yours()
        records = []
        for kpi_id in self._kpis:
            record = {"KPI": self._names[kpi_id], "Unit": self._units[kpi_id]}
            record["Yours"] = yours.get(kpi_id)
            record["Yours within (s)"] = (
                self._your_threshold_s() if kpi_id == THRESHOLD_KPI else None
            )
            for tier, label in _TIER_NAMES.items():
                found = rows[(rows["kpi"] == kpi_id) & (rows["tier"] == tier)]
                record[f"{label} low"] = found["low"].iloc[0] if len(found) else None
                record[f"{label} high"] = found["high"].iloc[0] if len(found) else None
                threshold = found["threshold_s"].iloc[0] if len(found) else None
                record[f"{label} within (s)"] = threshold if is_number(threshold) else None
            records.append(record)
        table = pd.DataFrame(records)
        places = [DECIMALS[self._units[kpi_id]] for kpi_id in self._kpis]
        decimals = pd.DataFrame(
            {c: places if c not in ("KPI", "Unit") else None for c in table.columns},
            dtype=object,
        )
        title = f"{SECTOR_LABELS[sector]}, {CHANNEL_LABELS[channel].lower()}"
        sides = pd.DataFrame(
            {
                "KPI": [self._names[kpi_id] for kpi_id in self._kpis],
                **{
                    SECTOR_LABELS[other]: [
                        _ranges_text(benchmarks(sector=other, channel=channel), k, self._units[k])
                        for k in self._kpis
                    ]
                    for other in SECTORS
                },
            }
        )
        return [
            Sheet(title, table, decimals=decimals, frozen_columns=1),
            Sheet("Sectors side by side", sides, frozen_columns=1),
        ]

    def _table_html(self, channel: str, yours: dict) -> str:
        ranges = _sector_ranges(channel)
        header = "".join(
            f"<th scope='col' class='{_sector_class(sector)}' style='{_CELL}'>"
            f"{html.escape(SECTOR_LABELS[sector])}</th>"
            for sector in SECTORS
        )
        body = []
        for kpi_id in self._kpis:
            unit = self._units[kpi_id]
            cells = [
                f"<td class='{_sector_class(sector)}' style='{_CELL}'>"
                f"{ranges.get((sector, kpi_id), '')}</td>"
                for sector in SECTORS
            ]
            mine = format_value(yours.get(kpi_id), unit) if kpi_id in yours else ""
            if mine and kpi_id == THRESHOLD_KPI:
                mine += self._your_threshold_text()
            body.append(
                f"<tr><th scope='row' style='text-align: left; padding: 4px 8px'>"
                f"{html.escape(self._names[kpi_id])}</th>{''.join(cells)}"
                f"<td style='padding: 4px 8px'><strong>{figures_html(mine)}</strong></td></tr>"
            )
        return (
            section_heading("Sectors side by side")
            + "<small>Ranges for the chosen channel; figures marked (general), in grey "
            "italics, are general (all-sector) ones used where the sector has no figure of its "
            "own.</small>"
            + scroll_box(
                "<table class='kpikit-table' style='border-collapse: collapse; font-size: 0.85em' "
                "aria-label='Sectors side by side'><thead><tr><td></td>"
                f"{header}<th scope='col' style='padding: 4px 8px'>You</th></tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>",
                570,
            )
        )


def _values_by_kpi(rows) -> dict[str, float]:
    return {row.kpi: row.value for row in rows.itertuples(index=False) if is_number(row.value)}


_BORROWED_LOOK = "color: #595959; font-style: italic"
"""A figure borrowed from the general sector: a grey of 7:1 on white, and italic."""


def _field_text(value: float) -> str:
    """``value`` as a field shows it and reads it back unchanged: "258", "28.57", "1234567"
    (``:g`` wrote 1234567 as "1.23457e+06", read back as 1234570); the shortest exact text
    when 15 significant digits are not enough.

    >>> _field_text(258.0), _field_text(28.57), _field_text(1234567.0), _field_text(1 / 3)
    ('258', '28.57', '1234567', '0.3333333333333333')
    """
    text = f"{value:.15g}"
    return text if float(text) == value else repr(value)


def _sector_class(sector: str) -> str:
    return f"kpikit-sector-{sector.replace('_', '-')}"


def _scale(kpi_id: str) -> dict:
    """The values ``kpi_id`` can take, as ``check_number``'s bounds (a percent 0..100)."""
    low, high = value_range(kpi_id)
    return {"minimum": low, "maximum": high}


def _tier_text(row, unit: str, shared: bool = False) -> str:
    """ "world class 90 % or more within 15 s": a range with its answer threshold, if any,
    and its note when other rows ``shared`` the tier.

    A service-level range means nothing without its threshold (90/15 is stricter than 90/20),
    and AHT's three average ranges (general service, technical support, simple inquiries)
    nothing without the note that tells them apart.
    """
    text = f"{_TIER_SHORT[row.tier]} {range_text(row.low, row.high, unit)}"
    text += f" within {row.threshold_s:g} s" if is_number(row.threshold_s) else ""
    return text + (f" ({row.note})" if shared and row.note else "")


def _shared_tiers(table: pd.DataFrame) -> pd.Series:
    """True for a row whose (KPI, tier) has other rows too."""
    return table.duplicated(["kpi", "tier"], keep=False)


def _ranges_text(table, kpi_id: str, unit: str) -> str:
    rows = table[table["kpi"] == kpi_id]
    shared = _shared_tiers(rows)
    return "; ".join(
        _tier_text(row, unit, several)
        for row, several in zip(rows.itertuples(index=False), shared, strict=True)
    )


@functools.cache
def _sector_ranges(channel: str) -> dict[tuple[str, str], str]:
    """(sector, KPI) -> the ranges of that cell of "Sectors side by side", as HTML.

    The catalog's benchmarks do not change while the program runs: each channel's table is
    built once (a sector change then redraws without filtering the catalog 55 times).

    A figure that comes from another sector (the general "all" one standing in) says
    "(general)" and is grey and italic; the word carries it without the colour (WCAG 1.4.1),
    and the grey keeps 7:1 against white (WCAG 1.4.3: #888 was 3.5:1 at 11 px).
    ``fallback`` also marks a sector's own all-channel figure when a channel is chosen, and
    that figure is the sector's own (healthcare's FCR target holds for phone too), so it is
    not the test here.
    """
    cells = {}
    for sector in SECTORS:
        table = benchmarks(sector=sector, channel=channel)
        shared = _shared_tiers(table)
        for row, several in zip(table.itertuples(index=False), shared, strict=True):
            text = _tier_text(row, row.unit, several)
            if row.sector != sector:
                cell = f"<div style='{_BORROWED_LOOK}'>{figures_html(text)} (general)</div>"
            else:
                cell = f"<div>{figures_html(text)}</div>"
            cells[(sector, row.kpi)] = cells.get((sector, row.kpi), "") + cell
    return cells
