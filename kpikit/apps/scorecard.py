"""Balanced scorecard dashboard: red/amber/green by center, team, agent or queue, with trends."""

import html

import ipywidgets as widgets
import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

import kpikit.plots
import kpikit.stats
from kpikit._frames import collected
from kpikit._scorecard.export import group_text, scorecard_grid_sheet, scorecard_sheet
from kpikit._scorecard.presets import preset_targets, presets
from kpikit._scorecard.provisional import status_look
from kpikit._scorecard.targets import THRESHOLD_COLUMN
from kpikit._validators import check_choice
from kpikit.apps._base import NARROW_PX, SECTOR_LABELS, BaseApp, section_heading
from kpikit.apps._channels import (
    ALL_CHANNELS,
    INTERVAL_KPIS,
    ChannelTables,
    channel_note,
    check_channel,
    data_channels,
    refill,
    reset_channel_picker,
    view_segment,
)
from kpikit.apps._chart import Chart
from kpikit.apps._levels import data_span, inapplicable, inapplicable_note, partial_periods
from kpikit.apps.params import Param
from kpikit.catalog import CHANNELS, SECTORS
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import (
    column_label,
    rated_decimals,
    rated_value_text,
    target_text,
    trend_mark,
)
from kpikit.io import Sheet
from kpikit.metrics._period_lengths import unfit_lengths
from kpikit.plots._engine import escape_text
from kpikit.plots._scorecard import period_text
from kpikit.plots._trend import MAX_LINES
from kpikit.provisional import provisional_fcr, provisional_note
from kpikit.sample import load_targets
from kpikit.scorecard import Scorecard, rate, read_targets, segment_targets

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
_ALL_TARGETS = "all"
_GROUP_NOUNS = {"center": "center", "team": "teams", "agent": "agents", "queue": "queues"}
_LABEL_PX, _CELL_PX = 130, 70
_CELL = "padding: 4px 10px; text-align: left; border-bottom: 1px solid #e5e5e5"
_HINT_MARGIN_PX = 32
"""Room around the heatmap in the app on a phone: below its width plus this, it scrolls."""
# Scoped to this dashboard. On a phone (the app narrower than NARROW_PX) the scores table's
# cells lose their padding, some type size and the 4.5 em floor of every kpikit table, so the
# teams' five columns fit a 366 px box; a table box that still scrolls (phones hide their
# scrollbars) shows a shadow at the edge with more to see, and the heatmap's hint line
# (_scroll_hint_html) shows.
_STYLE = f"""<style>
.kpikit-scorecard .kpikit-scores {{ border-collapse: collapse; font-size: 0.85em; }}
.kpikit-scorecard .kpikit-scores th, .kpikit-scorecard .kpikit-scores td {{
  padding: 2px 10px; text-align: left; }}
.kpikit-scorecard .kpikit-scroll-hint {{ display: none; color: #555; }}
@container (max-width: {NARROW_PX}px) {{
  .kpikit-scorecard .kpikit-scores {{ font-size: 0.8em; }}
  .kpikit-scorecard .kpikit-scores th, .kpikit-scorecard .kpikit-scores td {{
    padding: 2px 4px; min-width: 0; }}
  .kpikit-scorecard .kpikit-scroll {{ background:
    linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 24px 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 24px 100% no-repeat local,
    linear-gradient(to right, rgba(0, 0, 0, 0.2), rgba(0, 0, 0, 0)) left / 12px 100% no-repeat,
    linear-gradient(to left, rgba(0, 0, 0, 0.2), rgba(0, 0, 0, 0)) right / 12px 100% no-repeat;
  }}
}}
</style>"""


class ScorecardApp(BaseApp):
    """Dashboard: a balanced scorecard with status colours, area scores and trends.

    Every KPI with a target gets a status (green met, amber within tolerance, red missed, grey
    no data) at the chosen level; the heatmap shows one row per team, agent or queue and a
    click on a team opens its agents (the ``team`` control does the same). Area and composite
    scores sit under the chart; the trend chart follows one KPI over time against its target
    and tolerance, the chosen team bold with its interval. Arrows mark only changes that are
    statistically significant (:func:`kpikit.scorecard.rate`): their direction is the change's,
    their colour says better or worse. The ``channel`` control rates one channel at a time
    (voice targets such as 80/20 fit phone, not email); a line above the chart says what the
    view pools. KPIs that do not apply to a level (abandonment rate by agent, cost per contact
    by team) are left out with a note (:mod:`kpikit.apps._levels`), and a period the data only
    partly covers is marked as partial. FCR of a period whose repeat window has not closed by
    the last arrival is provisional (:mod:`kpikit.provisional`): a note says until when, and
    its cell is grey with the mark ◷ rather than rated as final.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        The contact log (and agent intervals, costs); ``None`` loads the sample data.
    targets : str, path or DataFrame, default=None
        The targets used when ``source="file"`` (see :func:`kpikit.scorecard.read_targets`);
        ``None`` takes the sample targets (:func:`kpikit.sample.load_targets`).
    **options
        Passed to :class:`kpikit.apps._base.BaseApp`: the engine's options under their names
        in :func:`kpikit.compute` (``sl_threshold_s``, ``fcr_window``, ...; the default
        per-channel thresholds count each contact against its own channel's threshold in the
        all-channel view), ``data_label``, ``max_upload_bytes``, ``upload``.

    Attributes
    ----------
    source, preset, channel, level, freq, period, team, trend_kpi : ipywidgets.Dropdown
        The controls; ``period`` lists the periods of ``freq``, latest first. ``preset`` narrows
        the targets to a starter scorecard of :func:`kpikit.scorecard.presets` (its KPIs
        primary, the leading ones weighted double; a note says when the targets lack one).
    control_limits : ipywidgets.Checkbox
        Draw the trend's control limits and signals (:func:`kpikit.stats.control_limits`)
        when the trend has one line: the center, or one team at agent level. Over one line
        per team or queue, the title says how to get one line instead.
    channel_note : ipywidgets.HTML
        What the channel view contains (pooled channels, thresholds, all-channel KPIs).
    view_note : ipywidgets.HTML
        KPIs left out at this level and why; how many contacts have no team (queue) and are
        left out of the team (queue) level; whether the period is partial; whether its FCR
        is provisional.
    chart : Chart
        The heatmap of groups × KPIs (team, agent and queue levels; hidden for the center,
        and when the choice has no rows: the message area then says which choice).
    center_table : ipywidgets.HTML
        The center's scorecard as a table: value, target, status, change and score per KPI.
    summary : ipywidgets.HTML
        Composite and area scores.
    trend_chart : Chart
        ``trend_kpi`` by week, against its target and tolerance (and its control limits).
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
    PARAMETERS = (
        Param(
            "source",
            "file",
            "Targets",
            help="Where the targets come from: the targets file or a sector's benchmarks",
            choices=(
                ("Targets file", "file"),
                *((f"{SECTOR_LABELS[s]} benchmarks", s) for s in SECTORS),
            ),
        ),
        Param(
            "preset",
            _ALL_TARGETS,
            "Scorecard",
            help="Every target, or a starter scorecard of the articles (its KPIs primary)",
            choices=(
                ("All targets", _ALL_TARGETS),
                *((row.title, row.preset) for row in presets().itertuples()),
            ),
        ),
        Param(
            "channel",
            ALL_CHANNELS,
            "Channel",
            help="All channels, or one channel of the data",
            data_choices=True,
        ),
        Param(
            "level",
            "team",
            "Level",
            help="Whose scorecard: the center, teams, agents or queues",
            choices=tuple((_LEVEL_LABELS[key], key) for key in LEVELS),
            data_choices=True,
        ),
        Param(
            "freq",
            "month",
            "Compare",
            help="The whole period at once, or one period against the one before",
            choices=tuple((label, key) for key, label in _FREQ_LABELS.items()),
        ),
        Param(
            "team",
            _ALL_TEAMS,
            "Team",
            help="The team whose agents are shown, and highlighted in the trend",
            data_choices=True,
        ),
        Param(
            "trend_kpi",
            "service_level",
            "Trend of",
            help="KPI of the trend chart (the first target when it has none)",
            data_choices=True,
        ),
        Param(
            "control_limits",
            False,
            "Control limits",
            help="Draw the trend's control limits and signals (for one line)",
        ),
    )

    def __init__(
        self,
        data=None,
        *,
        targets=None,
        **options,
    ):
        self._file_targets = read_targets(load_targets() if targets is None else targets)
        super().__init__(data, **options)
        self._holding = True
        self.source = self.control("source")
        self.preset = self.control("preset")
        self.channel = self.control("channel")
        self.level = self.control("level")
        self.team = self.control("team")
        self.freq = self.control("freq")
        self.period = widgets.Dropdown(description="Period")
        self.trend_kpi = self.control("trend_kpi")
        self.control_limits = self.control("control_limits")
        self._requested = {
            name: self.values[name] for name in ("channel", "level", "team", "trend_kpi")
        }
        controls = [
            self.source,
            self.preset,
            self.channel,
            self.level,
            self.team,
            self.freq,
            self.period,
            self.trend_kpi,
            self.control_limits,
        ]
        for control in controls:
            control.observe(self._on_change, names="value")
        self.channel_note = widgets.HTML()
        self.view_note = widgets.HTML()
        self.scroll_hint = widgets.HTML()
        self.chart = Chart()
        self.chart.on_click(self._on_cell_click)
        self.center_table = widgets.HTML()
        self.summary = widgets.HTML()
        self.trend_chart = Chart(height=360)
        self.widget = self._compose(
            controls=controls,
            main=[
                widgets.HTML(_STYLE),
                self.channel_note,
                self.view_note,
                self.scroll_hint,
                self.chart,
                self.center_table,
                self.summary,
                self.trend_chart,
            ],
        )
        self.widget.add_class("kpikit-scorecard")
        self._holding = False
        self._data_changed()

    # --- data-dependent state --------------------------------------------------------------

    def _on_data(self) -> None:
        self._tables = ChannelTables(self.data, options=self.engine_options)
        self._targets_cache = {}
        self._thresholds = {}  # the view's service-level threshold, by the targets' key
        self._channels = data_channels(self.data.contacts)
        requested_channel = self._requested.pop("channel", None)
        if requested_channel is not None:
            check_channel(requested_channel, self._channels)
        columns = set(_columns(self.data.contacts))
        intervals = self.data.agent_intervals
        self._interval_columns = set(_columns(intervals)) if intervals is not None else None
        self._span = data_span(self.data.contacts)
        self._unfit_cache = {}
        self._ungrouped = {}
        levels = [key for key, column in LEVELS.items() if column is None or column in columns]
        self._has_team = "team" in columns
        teams = sorted(_distinct(self.data.contacts, "team")) if self._has_team else []
        requested_level = self._requested.pop("level", None)  # the notebook's default level
        requested_team = self._requested.pop("team", None)  # falls back when the data lacks it
        if requested_team not in (None, _ALL_TEAMS):  # but a team named is one of the data's
            check_choice("team", requested_team, teams, "a team of the data")
        self._holding = True
        try:
            reset_channel_picker(self.channel, self._channels, requested_channel)
            refill(self.level, [(_LEVEL_LABELS[key], key) for key in levels], requested_level)
            refill(
                self.team,
                [("All teams", _ALL_TEAMS), *[(str(t), t) for t in teams]],
                requested_team,
            )
        finally:
            self._holding = False
        super()._on_data()

    def _table(self, by: list, freq: str | None) -> pd.DataFrame:
        return self._tables.get(by, freq, self.channel.value, self._view_threshold())

    def _view_threshold(self) -> float | None:
        """The answer threshold of the view's service-level target (80/20: 20 s), which its
        service level is then computed within on every channel the view holds, as
        :func:`kpikit.scorecard` rates such a target; None for a target without one (the
        engine's thresholds apply). Kept per targets, as they are: a redraw asks for it
        three times (table, trend, channel note)."""
        key = (self.source.value, self.preset.value, self.channel.value)
        if key not in self._thresholds:
            targets, _ = self._current_targets()
            view = segment_targets(targets, view_segment(self.channel.value))
            seconds = pd.Series(dtype=float)
            if THRESHOLD_COLUMN in view.columns:
                seconds = view.loc[view["kpi"] == "service_level", THRESHOLD_COLUMN].dropna()
            self._thresholds[key] = float(seconds.iloc[0]) if len(seconds) else None
        return self._thresholds[key]

    def _current_targets(self) -> tuple[pd.DataFrame, str]:
        """The targets of the view and, when the preset cannot apply to them, why."""
        source, preset, channel = self.source.value, self.preset.value, self.channel.value
        key = (source, preset, channel)
        if key not in self._targets_cache:
            if source == "file":
                targets = self._file_targets
            else:
                targets = read_targets(source, channel=channel if channel in CHANNELS else "all")
            problem = ""
            if preset != _ALL_TARGETS:
                try:
                    targets = preset_targets(preset, targets)
                except ValueError as error:  # a primary KPI without a target: all targets
                    problem = f"{error}. Showing all targets instead."
            if channel != ALL_CHANNELS:
                targets = targets[~targets["kpi"].isin(INTERVAL_KPIS)].reset_index(drop=True)
            self._targets_cache[key] = targets, problem
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
        targets, preset_problem = self._current_targets()
        left_out = inapplicable(
            targets["kpi"],
            LEVELS[self.level.value],
            interval_columns=self._interval_columns,
        )
        freq = None if self.freq.value == "all" else self.freq.value
        unfit = self._unfit_costs(targets["kpi"], freq)
        targets = targets[~targets["kpi"].isin([*left_out, *unfit])].reset_index(drop=True)
        segment = view_segment(self.channel.value)
        view_targets = segment_targets(targets, segment)
        self._sync_controls(view_targets)
        self.channel_note.value = channel_note(
            self.channel.value,
            self._channels,
            sl_threshold_s=self._view_threshold() or self.engine_options.sl_threshold_s,
            intervals=self.data.agent_intervals is not None,
        )
        notes = [
            preset_problem,
            inapplicable_note(left_out, _GROUP_NOUNS[self.level.value]),
            inapplicable_note(unfit, f"{freq}s"),
            self._untargeted_note(view_targets),
            self._ungrouped_note(),
        ]
        by = self._by()
        rows = self._table(by, freq)
        provisional = None
        if freq is not None:
            provisional = provisional_fcr(rows, freq, self._span[1], options=self.engine_options)
        card = rate(rows, targets, provisional=provisional, segment=segment)
        table = card.table
        if freq is not None:
            partial = partial_periods(*self._span, freq)
            self._sync_periods(table["period"], partial)
            table = table[table["period"] == self.period.value]
            covered = partial.get(pd.Timestamp(self.period.value)) if len(table) else None
            if covered:
                notes.append(
                    f"Partial {freq}: the data covers {covered} only, so its counts are "
                    "lower and its rates rest on fewer contacts than a full one."
                )
            if table["provisional_until"].notna().any():
                notes.append(provisional_note(provisional, freq))
        self.view_note.value = "".join(
            f"<small>{html.escape(note)}</small><br>" for note in notes if note
        )
        shown_by = by
        if self.level.value == "agent" and self._has_team and self.team.value != _ALL_TEAMS:
            table = table[table["team"] == self.team.value]
            shown_by = ["agent_id"]
        self.card = Scorecard(table, by=by)
        self._shown_by = shown_by
        if table.empty:  # a team without contacts on the channel: said, not an empty heatmap
            self.show_error(
                "No scorecard rows for this choice: the data has no contacts of "
                f"{self._choice_text()}."
            )
        if by:
            # Cells stay readable on a phone: the heatmap scrolls sideways below this width.
            self.chart.min_width = _LABEL_PX + _CELL_PX * table["kpi"].nunique()
            self.chart.draw(kpikit.plots.scorecard_heatmap(table, by=shown_by))
            self.scroll_hint.value = _scroll_hint_html(self.chart.min_width)
            self.center_table.value = ""
        else:
            self.scroll_hint.value = ""
            self.center_table.value = _center_html(table)
        self.chart.layout.display = None if by and not table.empty else "none"
        self.summary.value = _summary_html(self.card, _GROUP_NOUNS[self.level.value])
        self.trend_chart.draw(self._trend_figure(view_targets, by), height=360)

    def _choice_text(self) -> str:
        """The chosen groups, channel and period in words: "team Billing's agents on the email
        channel in the week of 2026-06-08"."""
        groups = _GROUP_NOUNS[self.level.value]
        if self.level.value == "agent" and self._has_team and self.team.value != _ALL_TEAMS:
            groups = f"team {self.team.value}'s agents"
        channel = self.channel.value
        text = groups + ("" if channel == ALL_CHANNELS else f" on the {channel} channel")
        if self.freq.value != "all" and self.period.value is not None:
            text += f" in the {self.freq.value} of {pd.Timestamp(self.period.value):%Y-%m-%d}"
        return text

    def _untargeted_note(self, view_targets: pd.DataFrame) -> str:
        """Which KPIs have targets for other channels or directions only, so that this view
        shows them without a status ("" when none)."""
        unset = view_targets[["target", "band_low", "band_high"]].isna().all(axis=1)
        if not unset.any():
            return ""
        names = ", ".join(view_targets.loc[unset, "name"])
        channel = self.channel.value
        view = "all channels" if channel == ALL_CHANNELS else f"the {channel} channel"
        hint = " Choose a channel to rate them." if channel == ALL_CHANNELS else ""
        return (
            f"Shown without a status: {names} (targets for other channels or directions "
            f"only, none for {view}).{hint}"
        )

    def _ungrouped_note(self) -> str:
        """How many contacts have no team (queue) and are left out of the team (queue) view,
        whose tables drop them (:class:`kpikit.apps._channels.ChannelTables`); "" when none.
        The agent level is left alone: unanswered contacts have no agent by nature."""
        column = LEVELS[self.level.value]
        if column in (None, "agent_id"):
            return ""
        if column not in self._ungrouped:  # counted once per data, not per redraw
            self._ungrouped[column] = _null_count(self.data.contacts, column)
        count = self._ungrouped[column]
        if not count:
            return ""
        return (
            f"{count:,} contact(s) of the data have no {column}: the {column} views leave them "
            "out, the center view counts them."
        )

    def _unfit_costs(self, kpis, freq) -> dict[str, str]:
        """Cost per contact with the reason it is left out when the costs' periods do not fit
        ``freq`` (monthly costs by week: :mod:`kpikit.metrics._period_lengths`)."""
        if "cost_per_contact" not in set(kpis) or self.data.costs is None:
            return {}
        if freq not in self._unfit_cache:  # read once per data and period, not per redraw
            self._unfit_cache[freq] = unfit_lengths(self.data.costs, freq)
        unfit = self._unfit_cache[freq]
        if not unfit:
            return {}
        return {"cost_per_contact": f"the costs are given per {' and '.join(unfit)}"}

    def _sync_controls(self, targets: pd.DataFrame) -> None:
        kpis = targets["kpi"].tolist()
        requested = self._requested.pop("trend_kpi", None)
        if requested not in (None, self._parameter("trend_kpi").default):
            # A KPI named for the trend is one the view rates; the default falls back unsaid
            # to the first target, as its help says (before, any KPI fell back silently).
            check_choice("trend_kpi", requested, kpis, "a KPI with a target in this view")
        self._holding = True
        try:
            refill(self.trend_kpi, [(kpi_definition(k).name, k) for k in kpis], requested)
            team_view = self.level.value in ("team", "agent") and self._has_team
            self.team.layout.display = None if team_view else "none"
            self.period.layout.display = "none" if self.freq.value == "all" else None
        finally:
            self._holding = False

    def _sync_periods(self, periods: pd.Series, partial: dict) -> None:
        values = sorted(pd.Series(periods.dropna().unique()), reverse=True)
        self._holding = True
        try:
            refill(
                self.period,
                [
                    (
                        f"{pd.Timestamp(v):%Y-%m-%d}"
                        + (" (partial)" if pd.Timestamp(v) in partial else ""),
                        v,
                    )
                    for v in values
                ],
            )
        finally:
            self._holding = False

    def _trend_figure(self, targets: pd.DataFrame, by: list):
        """The trend KPI by week: the center, one line per team or queue (the chosen team
        bold), or the chosen team alone at agent level; with ``control_limits`` on and one
        line, its control limits and signals."""
        kpi_id = self.trend_kpi.value
        chosen = self.team.value if self.team.value != _ALL_TEAMS else None
        trend_by = [] if self.level.value in ("center", "agent") else by
        if self.level.value == "agent" and self._has_team and chosen is not None:
            trend_by = ["team"]
        rows = self._table(trend_by, "week")
        if trend_by == ["team"] and self.level.value == "agent":
            rows = rows[rows["team"] == chosen]
        title = f"{kpi_definition(kpi_id).name} by week" if kpi_id is not None else ""
        if trend_by and rows[trend_by[0]].nunique(dropna=False) > MAX_LINES:
            # more lines than a chart can tell apart: the center's line, and the chart says why
            # on a second line in small type (a phone shows about 50 characters of a title)
            reason = f"The center: more than {MAX_LINES} {trend_by[0]} values to draw apart"
            title += f"<br><sup>{reason}</sup>"
            trend_by, rows = [], self._table([], "week")
        rows = rows[rows["kpi"] == kpi_id] if kpi_id is not None else rows.iloc[0:0]
        self._trend_rows = rows[[*trend_by, "period", "kpi", "value", "ci_low", "ci_high"]]
        if rows.empty:
            return kpikit.plots.use_template(
                go.Figure(layout={"title": {"text": "No trend for this choice"}})
            )
        limits = self.control_limits.value
        if limits and trend_by:
            if rows[trend_by[0]].nunique(dropna=False) == 1:
                # one group's line (a team at agent level): drawn as the one line the limits
                # are for, the group named in the title rather than the legend
                group = rows[trend_by[0]].iloc[0]
                title += f": {column_label(trend_by[0]).lower()} {escape_text(group)}"
                trend_by = []
            else:
                # plots.trend draws limits for one line: the chart says how to get one
                title += f"<br><sup>{self._limits_note()}</sup>"
                limits = False
        if limits:
            try:
                chart = kpikit.stats.control_limits(rows, kpi=kpi_id)
            except (TypeError, ValueError) as error:  # the page stays up and says why
                self.show_error(f"Control limits not drawn: {error}")
                limits = False
            else:
                columns = [*self._trend_rows.columns, "center", "lcl", "ucl", "signal"]
                self._trend_rows = chart[columns]
        row = targets.set_index("kpi").loc[kpi_id]
        band = kpi_definition(kpi_id).direction == "band"
        target = (row["band_low"], row["band_high"]) if band else row["target"]
        if pd.isna(row["band_low" if band else "target"]):  # targeted for other channels only
            target = None
        return kpikit.plots.trend(
            rows,
            kpi=kpi_id,
            target=target,
            tolerance=None if target is None else row["tolerance"],
            by=trend_by[0] if trend_by else None,
            highlight=self._highlight(rows, trend_by, chosen),
            partial=partial_periods(*self._span, "week"),
            provisional=provisional_fcr(rows, "week", self._span[1], options=self.engine_options)[
                "period"
            ],
            title=title,
            control_limits=limits,
        )

    def _limits_note(self) -> str:
        """What gives the trend the one line its control limits are drawn for."""
        if self.level.value == "team":
            return "Limits are drawn for one line: pick a team at agent level, or the center"
        return "Limits are drawn for one line: pick the center level"

    def _highlight(self, rows: pd.DataFrame, trend_by: list, chosen) -> object:
        """The team the trend draws bold: the chosen one at the team level, when it has a line
        (a team with no contact on the chosen channel has none)."""
        if self.level.value != "team" or not trend_by or chosen is None:
            return None
        return chosen if (rows[trend_by[0]] == chosen).any() else None

    def excel_sheets(self) -> list[Sheet]:
        """The view as sheets: the grid of groups × KPIs (tinted by status), the details
        (value, target, status, trend, score), the area scores and the trend's data (with its
        control limits and signals when they are drawn)."""
        table = self.card.table
        by = self._shown_by
        details = [*by, *(["period"] if "period" in table.columns else [])]
        details += ["kpi", "name", "unit", "value", "target", "tolerance", "status", "trend"]
        details += ["score", "provisional_until"]
        sheets = [scorecard_grid_sheet("Scorecard", table, by)]
        sheet = _labelled_sheet("Details", table[details])
        # a value with the decimals that tell it from its rating's edges, as the grid shows it
        # (without the rating's columns the sheet stored 9.95 % and 10.01 % both as 10.0 %)
        sheet.decimals[column_label("value")] = [
            rated_decimals(row) for row in table.to_dict("records")
        ]
        sheets.append(sheet)
        scores = _scores(self.card)
        if not scores.empty:
            sheets.append(_labelled_sheet("Area and composite scores", scores))
        trend = self._trend_rows
        trend = trend.assign(unit=trend["kpi"].map(_unit))
        sheet = _labelled_sheet("Trend by week", trend, labels=_LIMIT_LABELS)
        for column in ("center", "lcl", "ucl"):  # control limits, on the KPI's scale
            if column in trend.columns:
                sheet.decimals[_LIMIT_LABELS[column]] = sheet.decimals[column_label("value")]
        sheets.append(sheet)
        return sheets

    def _on_cell_click(self, points: list[dict]) -> None:
        """A click on a team's row of the heatmap drills down to that team's agents."""
        # the heatmap's labels are escaped (a team named "Billing & Payments" reads "&amp;")
        teams = [html.unescape(point["y"]) for point in points if point.get("curve_number") == 0]
        if self.level.value == "team" and teams and teams[0] in dict(self.team.options).values():
            self.set(level="agent", team=teams[0])


def _center_html(table: pd.DataFrame) -> str:
    """The center's scorecard as an escaped HTML table; status and change in words and marks
    beside their colours (a provisional row: grey, with until when)."""
    if table.empty:
        return ""
    header = "".join(
        f"<th scope='col' style='{_CELL}'>{name}</th>"
        for name in ("KPI", "Value", "Target", "Status", "Change", "Score")
    )
    body = []
    for row in table.to_dict("records"):
        trend = row["trend"] if isinstance(row["trend"], str) else None
        mark, word, color = trend_mark(trend, row["improved"])
        change = f"{mark} {trend}" + (f", {word}" if word else "") if trend else ""
        score = "–" if pd.isna(row["score"]) else f"{row['score']:.0f}"
        cells = [
            f"<td style='{_CELL}'>{html.escape(row['name'])}</td>",
            f"<td style='{_CELL}; white-space: nowrap'>{html.escape(rated_value_text(row))}</td>",
            f"<td style='{_CELL}; white-space: nowrap'>"
            f"{html.escape(target_text(row) + (' (ramp)' if row['ramped'] else ''))}</td>",
            _status_cell(row),
            f"<td style='{_CELL}; color: {color}; white-space: nowrap'>{html.escape(change)}</td>",
            f"<td style='{_CELL}'>{score}</td>",
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    period = period_text(table)
    return (
        section_heading(f"Scorecard of the center{html.escape(period)}", margin="8px 0 4px")
        + "<div class='kpikit-scroll'><table class='kpikit-table' style='border-collapse: "
        "collapse' aria-label='Scorecard of the center'>"
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        "<small>Significant rise or fall since the previous period: ▲▼ better (green), △▽ "
        "worse (red); ≈ no significant change.</small>"
    )


def _scores(card: Scorecard) -> pd.DataFrame:
    """The area scores of ``card`` and its composite score (area ``"composite"``), each group's
    rows together, as the page's table of scores shows them."""
    keys = card.by
    if card.areas.empty:
        return card.areas
    columns = [*keys, "area", "score"]
    scores = pd.concat(
        [card.areas[columns], card.composite.assign(area="composite")[columns]],
        ignore_index=True,
    )
    return scores.sort_values(keys, kind="stable", ignore_index=True) if keys else scores


def _status_cell(row: dict) -> str:
    tint, text = status_look(row)
    return f"<td style='{_CELL}; background: {tint}; white-space: nowrap'>{html.escape(text)}</td>"


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
    key_names = [column_label(key) for key in keys]
    names = [*key_names, *(_area_header(area, key_names) for area in scores)]
    header = "".join(f"<th scope='col'>{html.escape(name)}</th>" for name in names)
    body = []
    for key, row in scores.iterrows():
        labels = (key if isinstance(key, tuple) else (key,)) if keys else ()
        cells = [html.escape(group_text(label)) for label in labels]
        cells += ["–" if pd.isna(score) else f"{score:.0f}" for score in row]
        body.append("<tr>" + "".join(f"<td>{text}</td>" for text in cells) + "</tr>")
    return (
        section_heading(f"Scores of the {html.escape(groups)} (0–100)", margin="8px 0 4px")
        + "<small>Green scores 100, amber 50, red 0; each area and the composite are weighted "
        "averages over the KPIs with data.</small>"
        "<div class='kpikit-scroll' style='max-height: 260px; overflow-y: auto'>"
        "<table class='kpikit-table kpikit-scores' "
        f"aria-label='Scores of the {html.escape(groups)}'>"
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _area_header(area, key_names: list) -> str:
    """An area's column header: "Agent area" where the area shares its name with a column
    of the groups (the agent scorecard's "Agent" column holds the agent's id)."""
    name = str(area).capitalize()
    return f"{name} area" if name in key_names else name


def _scroll_hint_html(min_width: int) -> str:
    """A line that says the heatmap scrolls sideways, shown only where it does on a phone
    (the app narrower than the heatmap's ``min_width`` and than NARROW_PX): phones show no
    scrollbar, and the heatmap was cut mid-cell with nothing to say there was more."""
    narrowest = min(NARROW_PX, min_width + _HINT_MARGIN_PX)
    return (
        f"<style>@container (max-width: {narrowest}px) {{"
        " .kpikit-scorecard .kpikit-scroll-hint { display: block; } }</style>"
        "<small class='kpikit-scroll-hint'>Wider than the screen: swipe the chart sideways "
        "→ for every KPI.</small>"
    )


_LIMIT_LABELS = {
    "center": "Center line",
    "lcl": "Lower control limit",
    "ucl": "Upper control limit",
    "signal": "Signal",
}
"""Headers of the trend sheet's control-limit columns, named as the chart's legend names them."""


def _labelled_sheet(title: str, frame: pd.DataFrame, labels=None) -> Sheet:
    labels = {column: (labels or {}).get(column) or column_label(column) for column in frame}
    return scorecard_sheet(title, frame, labels=labels)


def _unit(kpi_id: str) -> str:
    return kpi_definition(kpi_id).unit


def _columns(frame) -> list:
    return nw.from_native(frame).collect_schema().names()


def _null_count(frame, column) -> int:
    """The number of rows of ``frame`` without a value in ``column``."""
    counted = collected(nw.from_native(frame).select(nw.col(column).is_null().sum()))
    return int(counted[column].to_list()[0])


def _distinct(frame, column) -> list:
    """The values of ``column``, none missing (None, or NaN as pandas reads an empty cell)."""
    values = collected(nw.from_native(frame).select(nw.col(column).unique()))
    return [value for value in values[column].to_list() if not pd.isna(value)]
