"""Balanced scorecard dashboard: red/amber/green by center, team, agent or queue, with trends."""

import html

import ipywidgets as widgets
import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

import kpikit.plots
from kpikit.apps._base import (
    SECTOR_LABELS,
    BaseApp,
    check_choice,
)
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
from kpikit.catalog import CHANNELS, SECTORS
from kpikit.catalog import kpi as kpi_definition
from kpikit.sample import load_targets
from kpikit.scorecard import Scorecard, rate, read_targets

__all__ = ["ScorecardApp"]

LEVELS = {"center": None, "team": "team", "agent": "agent_id", "queue": "queue"}
"""Scorecard levels and the contacts column each groups by (``None``: the whole center)."""

_LEVEL_LABELS = {"center": "Center", "team": "Team", "agent": "Agent", "queue": "Queue"}
_FREQ_LABELS = {
    "all": "Whole period",
    "quarter": "Quarter",
    "month": "Month",
    "week": "Week",
    "day": "Day",
}
_ALL_TEAMS = "all"
_GROUP_NOUNS = {"center": "center", "team": "teams", "agent": "agents", "queue": "queues"}


class ScorecardApp(BaseApp):
    """Dashboard: a balanced scorecard with status colours, area scores and trends.

    Every KPI with a target gets a status (green met, amber within tolerance, red missed, grey
    no data) at the chosen level; the heatmap shows one row per team, agent or queue and a
    click on a team opens its agents (the ``team`` control does the same). Area and composite
    scores sit under the chart; the trend chart follows one KPI over time against its target
    and tolerance. Arrows mark only changes that are statistically significant
    (:func:`kpikit.scorecard.rate`). The ``channel`` control rates one channel at a time (voice
    targets such as 80/20 fit phone, not email); a line above the chart says what the view
    pools.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        The contact log (and agent intervals, costs); ``None`` loads the sample data.
    targets : str, path or DataFrame, default=None
        The targets used when ``source="file"`` (see :func:`kpikit.scorecard.read_targets`);
        ``None`` takes the sample targets (:func:`kpikit.sample.load_targets`).
    source : str, default="file"
        ``"file"`` for ``targets``, or a sector of :data:`kpikit.catalog.SECTORS` to derive
        the targets from its benchmarks.
    level : {"center", "team", "agent", "queue"}, default="team"
    freq : {"all", "quarter", "month", "week", "day"}, default="month"
        Whole period at once, or one quarter, month, week or day compared with the previous one.
    team : str, default="all"
        At agent level, the team whose agents are shown.
    trend_kpi : str, default=None
        KPI of the trend chart; ``None`` takes the first target.
    channel : str, default="all"
        ``"all"`` or a channel of the data's ``channel`` column. One channel leaves out the
        KPIs of agent intervals (occupancy, utilization, adherence), which have no channel, and
        derives sector targets from that channel's benchmarks.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp`: the engine's options under their names
        in :func:`kpikit.compute` (``sl_threshold_s``, ``fcr_window``, ...; the default
        per-channel thresholds count each contact against its own channel's threshold in the
        all-channel view), ``data_label``, ``max_upload_bytes``, ``upload``.

    Attributes
    ----------
    targets, channel, level, freq, period, team, trend_kpi : ipywidgets.Dropdown
        The controls; ``period`` lists the periods of ``freq``, latest first.
    channel_note : ipywidgets.HTML
        What the channel view contains (pooled channels, thresholds, all-channel KPIs).
    chart : Chart
        The status table (center) or heatmap (other levels).
    summary : ipywidgets.HTML
        Composite and area scores.
    trend_chart : Chart
        ``trend_kpi`` by week, against its target and tolerance.
    card : Scorecard
        The scorecard shown.

    Notes
    -----
    Groups with no value in the level column (unanswered contacts have no agent) are left out
    of the team, agent and queue views. For one channel, repeat contacts (first-contact
    resolution) are still looked for in every channel (:mod:`kpikit.apps._channels`).

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3], "team": ["a", "a", "b"],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05",
    ...                                   "2024-01-02 09:07"]),
    ...     "answered": [True, True, False], "wait_s": [5.0, 30.0, 50.0]})
    >>> targets = pd.DataFrame({"kpi": ["service_level"], "target": [80], "tolerance": [10]})
    >>> app = ScorecardApp(contacts, targets=targets, freq="all")
    >>> app.card.table[["team", "value", "status"]].values.tolist()
    [['a', 50.0, 'red'], ['b', 0.0, 'red']]
    """

    title = "Balanced scorecard"
    description = (
        "Red, amber and green against targets by center, team, agent or queue; arrows only for "
        "significant changes."
    )

    def __init__(
        self,
        data=None,
        *,
        targets=None,
        source="file",
        level="team",
        freq="month",
        team=_ALL_TEAMS,
        trend_kpi=None,
        channel=ALL_CHANNELS,
        **options,
    ):
        check_choice("source", source, ["file", *SECTORS])
        check_choice("level", level, list(LEVELS))
        check_choice("freq", freq, list(_FREQ_LABELS))
        self._file_targets = read_targets(load_targets() if targets is None else targets)
        super().__init__(data, **options)
        self._holding = True
        self.targets = widgets.Dropdown(
            options=[("Targets file", "file")]
            + [(f"{SECTOR_LABELS[s]} benchmarks", s) for s in SECTORS],
            value=source,
            description="Targets",
        )
        self.channel = widgets.Dropdown(description="Channel")
        self.level = widgets.Dropdown(description="Level")
        self.team = widgets.Dropdown(description="Team")
        self.freq = widgets.Dropdown(
            options=[(label, key) for key, label in _FREQ_LABELS.items()],
            value=freq,
            description="Compare",
        )
        self.period = widgets.Dropdown(description="Period")
        self.trend_kpi = widgets.Dropdown(description="Trend of")
        self._requested = {
            "channel": channel,
            "level": level,
            "team": team,
            "trend_kpi": trend_kpi,
        }
        controls = [
            self.targets,
            self.channel,
            self.level,
            self.team,
            self.freq,
            self.period,
            self.trend_kpi,
        ]
        for control in controls:
            control.observe(self._on_change, names="value")
        self.channel_note = widgets.HTML()
        self.chart = Chart()
        self.chart.on_click(self._on_cell_click)
        self.summary = widgets.HTML()
        self.trend_chart = Chart(height=360)
        self.widget = self._compose(
            controls=controls,
            main=[self.channel_note, self.chart, self.summary, self.trend_chart],
        )
        self._holding = False
        self._on_data()

    # --- data-dependent state --------------------------------------------------------------

    def _on_data(self) -> None:
        self._tables = ChannelTables(self.data, options=self.engine_options)
        self._targets_cache = {}
        self._channels = data_channels(self.data.contacts)
        requested_channel = self._requested.pop("channel", None)
        if requested_channel is not None:
            check_channel(requested_channel, self._channels)
        columns = set(_columns(self.data.contacts))
        levels = [key for key, column in LEVELS.items() if column is None or column in columns]
        self._has_team = "team" in columns
        teams = sorted(_distinct(self.data.contacts, "team")) if self._has_team else []
        self._holding = True
        try:
            reset_channel_picker(self.channel, self._channels, requested_channel)
            self.level.options = [(_LEVEL_LABELS[key], key) for key in levels]
            self.level.value = pick_choice(
                self._requested.pop("level", None), self.level.value, levels
            )
            self.team.options = [("All teams", _ALL_TEAMS), *[(str(t), t) for t in teams]]
            self.team.value = pick_choice(
                self._requested.pop("team", None), self.team.value, [_ALL_TEAMS, *teams]
            )
        finally:
            self._holding = False
        super()._on_data()

    def _table(self, by: list, freq: str | None) -> pd.DataFrame:
        return self._tables.get(by, freq, self.channel.value)

    def _current_targets(self) -> pd.DataFrame:
        source, channel = self.targets.value, self.channel.value
        key = (source, channel)
        if key not in self._targets_cache:
            if source == "file":
                targets = self._file_targets
            else:
                targets = read_targets(source, channel=channel if channel in CHANNELS else "all")
            if channel != ALL_CHANNELS:
                targets = targets[~targets["kpi"].isin(INTERVAL_KPIS)].reset_index(drop=True)
            self._targets_cache[key] = targets
        return self._targets_cache[key]

    def _by(self) -> list:
        column = LEVELS[self.level.value]
        if column is None:
            return []
        if column == "agent_id" and self._has_team:
            return ["team", "agent_id"]
        return [column]

    # --- drawing ---------------------------------------------------------------------------

    def _update(self) -> None:
        targets = self._current_targets()
        self._sync_controls(targets)
        self.channel_note.value = channel_note(
            self.channel.value,
            self._channels,
            sl_threshold_s=self.engine_options.sl_threshold_s,
            intervals=self.data.agent_intervals is not None,
        )
        by = self._by()
        freq = None if self.freq.value == "all" else self.freq.value
        card = rate(self._table(by, freq), targets)
        table = card.table
        if freq is not None:
            self._sync_periods(table["period"])
            table = table[table["period"] == self.period.value]
        shown_by = by
        if self.level.value == "agent" and self._has_team and self.team.value != _ALL_TEAMS:
            table = table[table["team"] == self.team.value]
            shown_by = ["agent_id"]
        self.card = Scorecard(table, by=by)
        if table.empty:
            self.show_error("No scorecard rows for this choice: the data has no such groups.")
        if by:
            figure = kpikit.plots.scorecard_heatmap(table, by=shown_by)
        else:
            figure = kpikit.plots.scorecard_table(table, by=[])
        self.chart.draw(figure)
        self.summary.value = _summary_html(self.card, _GROUP_NOUNS[self.level.value])
        self.trend_chart.draw(self._trend_figure(targets, by), height=360)

    def _sync_controls(self, targets: pd.DataFrame) -> None:
        kpis = targets["kpi"].tolist()
        requested = self._requested.pop("trend_kpi", None)
        self._holding = True
        try:
            self.trend_kpi.options = [(kpi_definition(k).name, k) for k in kpis]
            self.trend_kpi.value = pick_choice(requested, self.trend_kpi.value, kpis)
            agent_view = self.level.value == "agent" and self._has_team
            self.team.layout.display = None if agent_view else "none"
            self.period.layout.display = "none" if self.freq.value == "all" else None
        finally:
            self._holding = False

    def _sync_periods(self, periods: pd.Series) -> None:
        values = sorted(pd.Series(periods.dropna().unique()), reverse=True)
        self._holding = True
        try:
            self.period.options = [(f"{pd.Timestamp(v):%Y-%m-%d}", v) for v in values]
            if self.period.value not in values and values:
                self.period.value = values[0]
        finally:
            self._holding = False

    def _trend_figure(self, targets: pd.DataFrame, by: list):
        kpi_id = self.trend_kpi.value
        trend_by = [] if self.level.value in ("center", "agent") else by
        if self.level.value == "agent" and self._has_team and self.team.value != _ALL_TEAMS:
            trend_by = ["team"]
        rows = self._table(trend_by, "week")
        if trend_by == ["team"] and self.level.value == "agent":
            rows = rows[rows["team"] == self.team.value]
        rows = rows[rows["kpi"] == kpi_id]
        if rows.empty:
            return kpikit.plots.use_template(go.Figure(layout={"title": {"text": "No trend"}}))
        row = targets.set_index("kpi").loc[kpi_id]
        band = kpi_definition(kpi_id).direction == "band"
        target = (row["band_low"], row["band_high"]) if band else row["target"]
        return kpikit.plots.trend(
            rows,
            kpi=kpi_id,
            target=target,
            tolerance=row["tolerance"],
            by=trend_by[0] if trend_by else None,
        )

    def _on_cell_click(self, points: list[dict]) -> None:
        """A click on a team's row of the heatmap drills down to that team's agents."""
        teams = [point["y"] for point in points if point.get("curve_number") == 0]
        if self.level.value == "team" and teams and teams[0] in dict(self.team.options).values():
            self.set(level="agent", team=teams[0])


def _summary_html(card: Scorecard, groups: str) -> str:
    if card.table.empty:
        return ""
    keys = card.by
    if keys:
        scores = card.areas.set_index([*keys, "area"])["score"].unstack("area")
        scores["composite"] = card.composite.set_index(keys)["score"]
    else:
        scores = card.areas.set_index("area")["score"].to_frame().T
        scores["composite"] = card.composite["score"].to_numpy()
    cell = "style='padding: 2px 10px; text-align: left'"
    header = "".join(
        f"<th {cell}>{html.escape(str(name))}</th>" for name in [*keys, *scores.columns]
    )
    body = []
    for key, row in scores.iterrows():
        labels = (key if isinstance(key, tuple) else (key,)) if keys else ()
        cells = [html.escape(str(label)) for label in labels]
        cells += ["–" if pd.isna(score) else f"{score:.0f}" for score in row]
        body.append("<tr>" + "".join(f"<td {cell}>{text}</td>" for text in cells) + "</tr>")
    return (
        f"<h4 style='margin: 8px 0 4px'>Scores of the {html.escape(groups)} (0–100)</h4>"
        "<small>Green scores 100, amber 50, red 0; each area and the composite are weighted "
        "averages over the KPIs with data.</small>"
        "<div style='max-height: 260px; overflow-y: auto'><table class='kpikit-table' "
        "style='border-collapse: collapse; font-size: 0.85em'>"
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _columns(frame) -> list:
    return nw.from_native(frame).collect_schema().names()


def _distinct(frame, column) -> list:
    values = nw.from_native(frame).select(nw.col(column).unique())
    if isinstance(values, nw.LazyFrame):
        values = values.collect()
    return [value for value in values[column].to_list() if value is not None]
