"""Trade-off dashboard: one KPI against another across agents, teams or queues (AHT vs CSAT)."""

import html

import ipywidgets as widgets
import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

import kpikit.plots
from kpikit.apps._base import BaseApp, check_choice
from kpikit.apps._channels import (
    ALL_CHANNELS,
    INTERVAL_KPIS,
    ChannelTables,
    channel_note,
    check_channel,
    data_channels,
    pick_choice,
    reset_channel_picker,
)
from kpikit.apps._chart import Chart
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.sample import load_targets
from kpikit.scorecard import read_targets
from kpikit.tradeoff import VOLUME, describe_projection, fit_line, pivot_kpis

__all__ = ["TradeoffApp"]

LEVELS = {"agent": "agent_id", "team": "team", "queue": "queue"}
"""Levels of the scatter and the contacts column each groups by."""

_LEVEL_LABELS = {"agent": "Agents", "team": "Teams", "queue": "Queues"}
_ALL_PERIODS = "all"
# Cost per contact needs a channel grouping, so it cannot be plotted by agent, team or queue.
_PLOTTABLE = tuple(kpi_id for kpi_id in KPI_IDS if kpi_id != "cost_per_contact")


class TradeoffApp(BaseApp):
    """Dashboard: any KPI against any other, one marker per agent, team or queue.

    Marker area is the answered volume; dashed lines at the targets split the chart into
    quadrants; a least-squares line with its 95 % band and Pearson's r describe the relation.
    The "what if" box reads off the fitted line how much y moves when x moves by the amount
    typed, and says plainly that this is an association between groups, not an effect. The
    ``channel`` control keeps one channel's contacts; a line above the chart says what the view
    pools.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        The contact log (agent intervals unlock occupancy, utilization and adherence);
        ``None`` loads the sample data.
    x, y : str, default="aht", "csat"
        KPI ids of the axes.
    level : {"agent", "team", "queue"}, default="agent"
    period : str, default="all"
        ``"all"`` or a month as ``"YYYY-MM"``.
    what_if : float, default=30.0
        Change of x (in its unit) for the projection.
    weighted : bool, default=False
        Weight the fit by volume.
    targets : str, path or DataFrame, default=None
        Targets for the quadrant lines (:func:`kpikit.scorecard.read_targets`); ``None`` takes
        the sample targets.
    channel : str, default="all"
        ``"all"`` or a channel of the data's ``channel`` column. Occupancy, utilization and
        schedule adherence come from agent intervals, which have no channel: they can be
        plotted for all channels only.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp`: the engine's options under their names
        in :func:`kpikit.compute` (``sl_threshold_s``, ``fcr_window``, ...), ``data_label``,
        ``max_upload_bytes``, ``upload``.

    Attributes
    ----------
    x, y, channel, level, period : ipywidgets.Dropdown
    what_if : ipywidgets.FloatText
    weighted : ipywidgets.Checkbox
    channel_note : ipywidgets.HTML
        What the channel view contains (pooled channels, thresholds, all-channel KPIs).
    chart : Chart
        The trade-off scatter.
    projection : ipywidgets.HTML
        Correlation and the labelled "what if" projection.
    fit : kpikit.tradeoff.LineFit
        The fit on display.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3, 4], "agent_id": ["a", "a", "b", "c"],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * 4),
    ...     "answered": True, "wait_s": 5.0, "talk_s": [200.0, 220.0, 300.0, 400.0],
    ...     "hold_s": 0.0, "acw_s": 0.0, "csat": pd.array([5, 4, 3, 2], dtype="Int64")})
    >>> targets = pd.DataFrame({"kpi": ["aht", "csat"], "target": [300, 80]})
    >>> app = TradeoffApp(contacts, targets=targets)
    >>> round(app.fit.slope, 4)   # CSAT 100, 0, 0 % at AHT 210, 300, 400 s: -9333.3 / 18066.7
    -0.5166
    """

    title = "Trade-offs"
    description = (
        "One KPI against another across agents, teams or queues: quadrants at the targets, "
        "the fitted relation and a labelled what-if."
    )

    def __init__(
        self,
        data=None,
        *,
        x="aht",
        y="csat",
        level="agent",
        period=_ALL_PERIODS,
        what_if=30.0,
        weighted=False,
        targets=None,
        channel=ALL_CHANNELS,
        **options,
    ):
        check_choice("x", x, _PLOTTABLE)
        check_choice("y", y, _PLOTTABLE)
        check_choice("level", level, list(LEVELS))
        self._targets = read_targets(load_targets() if targets is None else targets)
        super().__init__(data, **options)
        self._holding = True
        names = [(kpi_definition(kpi_id).name, kpi_id) for kpi_id in _PLOTTABLE]
        self.x = widgets.Dropdown(options=names, value=x, description="X axis")
        self.y = widgets.Dropdown(options=names, value=y, description="Y axis")
        self.channel = widgets.Dropdown(description="Channel")
        self.level = widgets.Dropdown(description="One dot per")
        self.period = widgets.Dropdown(description="Period")
        self.what_if = widgets.FloatText(value=float(what_if), description="What if X +")
        self.weighted = widgets.Checkbox(value=bool(weighted), description="Weight fit by volume")
        self._requested = {"channel": channel, "level": level, "period": period}
        controls = [
            self.x,
            self.y,
            self.channel,
            self.level,
            self.period,
            self.what_if,
            self.weighted,
        ]
        for control in controls:
            control.observe(self._on_change, names="value")
        self.channel_note = widgets.HTML()
        self.chart = Chart()
        self.projection = widgets.HTML()
        self.widget = self._compose(
            controls=controls, main=[self.channel_note, self.chart, self.projection]
        )
        self._holding = False
        self._on_data()

    def _on_data(self) -> None:
        self._tables = ChannelTables(self.data, options=self.engine_options)
        self._channels = data_channels(self.data.contacts)
        requested_channel = self._requested.pop("channel", None)
        if requested_channel is not None:
            check_channel(requested_channel, self._channels)
        contacts = nw.from_native(self.data.contacts)
        columns = contacts.collect_schema().names()
        levels = [key for key, column in LEVELS.items() if column in columns]
        if not levels:
            raise ValueError(
                f"The data needs at least one of the columns {list(LEVELS.values())} to compare "
                "groups; it has none."
            )
        months = _months(contacts)
        self._holding = True
        try:
            reset_channel_picker(self.channel, self._channels, requested_channel)
            self.level.options = [(_LEVEL_LABELS[key], key) for key in levels]
            self.level.value = pick_choice(
                self._requested.pop("level", None), self.level.value, levels
            )
            self.period.options = [("Whole period", _ALL_PERIODS), *[(m, m) for m in months]]
            self.period.value = pick_choice(
                self._requested.pop("period", None), self.period.value, [_ALL_PERIODS, *months]
            )
        finally:
            self._holding = False
        super()._on_data()

    def _table(self) -> pd.DataFrame:
        column = LEVELS[self.level.value]
        monthly = self.period.value != _ALL_PERIODS
        table = self._tables.get([column], "month" if monthly else None, self.channel.value)
        if monthly:
            table = table[table["period"].dt.strftime("%Y-%m") == self.period.value]
            table = table.drop(columns="period")
        return table

    def _update(self) -> None:
        x, y = self.x.value, self.y.value
        column = LEVELS[self.level.value]
        groups = _LEVEL_LABELS[self.level.value].lower()
        self.channel_note.value = channel_note(
            self.channel.value,
            self._channels,
            sl_threshold_s=self.engine_options.sl_threshold_s,
            intervals=self.data.agent_intervals is not None,
        )
        table = self._table()
        missing = [kpi_id for kpi_id in dict.fromkeys((x, y)) if kpi_id not in set(table["kpi"])]
        if missing:
            self.fit = fit_line([], [])
            self.chart.draw(kpikit.plots.use_template(_empty_figure()))
            self.projection.value = ""
            self.show_error(self._missing_text(missing, groups))
            return
        wide = pivot_kpis(table)
        size = VOLUME if VOLUME in wide.columns else None
        points = wide.dropna(subset=list(dict.fromkeys((x, y))))
        weights = points[size] if size and self.weighted.value else None
        self.fit = fit_line(points[x], points[y], weights)
        what_if = self.what_if.value
        figure = kpikit.plots.tradeoff(
            wide,
            x=x,
            y=y,
            by=column,
            size=size,
            x_target=self._target(x),
            y_target=self._target(y),
            weighted=self.weighted.value and size is not None,
            what_if=what_if if what_if else None,
        )
        self.chart.draw(figure, height=520)
        self.projection.value = self._projection_html(x, y, groups, what_if)

    def _missing_text(self, missing: list, groups: str) -> str:
        names = ", ".join(kpi_definition(kpi_id).name for kpi_id in missing)
        if self.channel.value != ALL_CHANNELS and set(missing) & set(INTERVAL_KPIS):
            return (
                f"{names} cannot be shown for one channel: agent intervals do not record the "
                "channel. Choose All channels to plot it."
            )
        return (
            f"{names} cannot be computed for {groups} from this data "
            "(interval KPIs need agent intervals grouped the same way)."
        )

    def _target(self, kpi_id: str):
        rows = self._targets[self._targets["kpi"] == kpi_id]
        return None if rows.empty else rows["target"].iloc[0]

    def _projection_html(self, x: str, y: str, groups: str, what_if: float) -> str:
        fit = self.fit
        if fit.n < 3 or pd.isna(fit.slope):
            return (
                f"<p>Too few {html.escape(groups)} with both values ({fit.n}) to fit a "
                "relation.</p>"
            )
        parts = [
            f"<p><strong>Correlation</strong> across {fit.n} {html.escape(groups)}: "
            f"r = {fit.r:.2f}.</p>"
        ]
        if what_if:
            sentence = describe_projection(fit.project(what_if), x=x, y=y, groups=groups)
            parts.append(
                f"<p><strong>What if</strong> (fitted association): {html.escape(sentence)}</p>"
            )
        return "".join(parts)


def _empty_figure():
    return go.Figure(layout={"title": {"text": "Nothing to plot"}})


def _months(contacts) -> list[str]:
    months = contacts.select(nw.col("arrived_at").dt.to_string("%Y-%m").unique())
    if isinstance(months, nw.LazyFrame):
        months = months.collect()
    return sorted(value for value in months["arrived_at"].to_list() if value is not None)
