"""Trade-off dashboard: one KPI against another across agents, teams or queues (AHT vs CSAT)."""

import html
import textwrap

import ipywidgets as widgets
import narwhals.stable.v2 as nw
import pandas as pd
import plotly.graph_objects as go

import kpikit.plots
from kpikit._frames import collected
from kpikit.apps._base import BaseApp
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
from kpikit.apps._levels import OFFERED_RATES, data_span, inapplicable, partial_periods
from kpikit.apps.params import Param
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import DECIMALS, column_label, decimals_apart, kpi_label
from kpikit.io import Sheet
from kpikit.metrics import KPIUnavailable, compute
from kpikit.plots._engine import escape_text
from kpikit.plots._tradeoff import plotted_rows
from kpikit.sample import load_targets
from kpikit.scorecard import read_targets, segment_targets
from kpikit.tradeoff import (
    MIN_FIT_POINTS,
    VOLUME,
    correlation_text,
    describe_projection,
    extrapolation_text,
    fit_line,
    pivot_kpis,
    project_kpis,
)

__all__ = ["TradeoffApp"]

LEVELS = {"agent": "agent_id", "team": "team", "queue": "queue"}
"""Levels of the scatter and the contacts column each groups by."""

_LEVEL_LABELS = {"agent": "Agents", "team": "Teams", "queue": "Queues"}
_ALL_PERIODS = "all"
# Cost per contact needs a channel grouping, so it cannot be plotted by agent, team or queue.
_PLOTTABLE = tuple(kpi_id for kpi_id in KPI_IDS if kpi_id != "cost_per_contact")
_KPI_CHOICES = tuple((kpi_definition(kpi_id).name, kpi_id) for kpi_id in _PLOTTABLE)

WHAT_IF_STEPS = {"seconds": 30.0, "percent": 5.0, "points": 5.0, "count": 10.0, "currency": 1.0}
"""The what-if move of x until one is chosen, by the unit of the X KPI: +30 s of AHT, but
+5 percentage points of occupancy (30 of them took the teams far past their values)."""


class TradeoffApp(BaseApp):
    """Dashboard: any KPI against any other, one marker per agent, team or queue.

    Marker area is the answered volume; dashed lines at the targets split the chart into
    quadrants; a least-squares line with its 95 % band and Pearson's r describe the relation.
    The "what if" box reads off the fitted line how much y moves when x moves by the amount
    typed, and says plainly that this is an association between groups, not an effect, and
    when the move takes x past the groups' values (the line extrapolated). Until a move is
    chosen it follows the X KPI's unit (:data:`WHAT_IF_STEPS`: 30 s, 5 percentage points). The
    ``channel`` control keeps one channel's contacts; a line above the chart says what the view
    pools. Contacts of no group (by agent, those no agent answered) are no dot and no weight of
    the fit; the text under the chart says how many answered contacts that leaves out, and the
    Excel sheet lists exactly the groups the chart draws and the fit uses. A choice that cannot
    be plotted (a KPI on both axes, a rate over offered contacts by agent, a KPI the data lacks)
    stays chosen, and the chart area says why in its place.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        The contact log (agent intervals unlock occupancy, utilization and adherence);
        ``None`` loads the sample data.
    targets : str, path or DataFrame, default=None
        Targets for the quadrant lines (:func:`kpikit.scorecard.read_targets`); ``None`` takes
        the sample targets.
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
    PARAMETERS = (
        Param("x", "aht", "X axis", help="KPI of the horizontal axis", choices=_KPI_CHOICES),
        Param("y", "csat", "Y axis", help="KPI of the vertical axis", choices=_KPI_CHOICES),
        Param(
            "channel",
            ALL_CHANNELS,
            "Channel",
            help="All channels, or one channel of the data (occupancy, utilization and "
            "adherence exist for all channels only: agent intervals have no channel)",
            data_choices=True,
        ),
        Param(
            "level",
            "agent",
            "One dot per",
            help="What each dot is: an agent, a team or a queue",
            choices=tuple((_LEVEL_LABELS[key], key) for key in LEVELS),
            data_choices=True,
        ),
        Param(
            "period",
            _ALL_PERIODS,
            "Period",
            help="The whole period, or one month of the data as YYYY-MM",
            data_choices=True,
        ),
        Param(
            "what_if",
            30.0,
            "What if X +",
            help="Change of the X KPI, in its unit, for the what-if projection",
        ),
        Param("weighted", False, "Weight fit by volume", help="Weight the fit by volume"),
    )

    def __init__(
        self,
        data=None,
        *,
        targets=None,
        **options,
    ):
        self._targets = read_targets(load_targets() if targets is None else targets)
        super().__init__(data, **options)
        self._holding = True
        self.x = self.control("x")
        self.y = self.control("y")
        self.channel = self.control("channel")
        self.level = self.control("level")
        self.period = self.control("period")
        self.what_if = self.control("what_if")
        self.weighted = self.control("weighted")
        self._what_if_follows_x = self._follows(self.values["what_if"], self.values["x"])
        self.what_if.observe(self._on_what_if_chosen, names="value")  # before the redraw's
        self._requested = {name: self.values[name] for name in ("channel", "level", "period")}
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
        self._data_changed()

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
            refill(
                self.level,
                [(_LEVEL_LABELS[key], key) for key in levels],
                self._requested.pop("level", None),
            )
            partial = {f"{start:%Y-%m}" for start in partial_periods(*data_span(contacts), "month")}
            refill(
                self.period,
                [
                    ("Whole period", _ALL_PERIODS),
                    *[(f"{m} (partial)" if m in partial else m, m) for m in months],
                ],
                self._requested.pop("period", None),
            )
        finally:
            self._holding = False
        super()._on_data()

    def _table(self, by: list | None = None) -> pd.DataFrame:
        """The view's KPI table grouped ``by`` (the level's column when None)."""
        by = [LEVELS[self.level.value]] if by is None else by
        monthly = self.period.value != _ALL_PERIODS
        table = self._tables.get(by, "month" if monthly else None, self.channel.value)
        if monthly:
            table = table[table["period"].dt.strftime("%Y-%m") == self.period.value]
            table = table.drop(columns="period")
        return table

    def set(self, **values) -> None:
        """:meth:`BaseApp.set`; a what-if given stays whatever X comes with it or after it,
        unless it is the default (30) or the step of its X (:data:`WHAT_IF_STEPS`): a link
        passes every control's value, those it leaves out included."""
        following = self._what_if_follows_x
        if "what_if" in values:
            x = values.get("x", self.x.value)
            self._what_if_follows_x = self._follows(values["what_if"], x)
        try:
            super().set(**values)
        except ValueError:
            self._what_if_follows_x = following
            raise

    def _follows(self, what_if: float, x: str) -> bool:
        """Whether a what-if move given with the X KPI ``x`` is one the app chose: the
        parameter's default or ``x``'s step."""
        return what_if in (self._parameter("what_if").default, _what_if_step(x))

    def _on_what_if_chosen(self, change) -> None:
        if not self._holding:  # typed in the box
            self._what_if_follows_x = False

    def _follow_x_what_if(self) -> None:
        """Set the what-if move to the X KPI's step (:data:`WHAT_IF_STEPS`) until one is chosen."""
        if not self._what_if_follows_x:
            return
        held, self._holding = self._holding, True
        try:
            self.what_if.value = _what_if_step(self.x.value)
        finally:
            self._holding = held

    def _update(self) -> None:
        self._follow_x_what_if()
        x, y = self.x.value, self.y.value
        column = LEVELS[self.level.value]
        groups = _LEVEL_LABELS[self.level.value].lower()
        self.channel_note.value = channel_note(
            self.channel.value,
            self._channels,
            sl_threshold_s=self.engine_options.sl_threshold_s,
            intervals=self.data.agent_intervals is not None,
        )
        if x == y:
            self._show_nothing(
                f"X and Y are both {kpi_definition(x).name}: a KPI against itself is a line of "
                "r = 1 and says nothing of a trade-off. Choose another KPI for one axis."
            )
            return
        not_for_level = inapplicable(
            [kpi_id for kpi_id in dict.fromkeys((x, y)) if kpi_id in OFFERED_RATES], column
        )
        if not_for_level:
            others = [label.lower() for label, key in self.level.options if key != self.level.value]
            levels = f"{' or '.join(others)} under “One dot per”, or " if others else ""
            self._show_nothing(
                " ".join(
                    f"{kpi_definition(kpi_id).name} does not apply to {groups}: {reason}."
                    for kpi_id, reason in not_for_level.items()
                )
                + f" Choose {levels}another KPI."
            )
            return
        table = self._table()
        missing = [kpi_id for kpi_id in dict.fromkeys((x, y)) if kpi_id not in set(table["kpi"])]
        if missing:
            self._show_nothing(self._missing_text(missing, groups))
            return
        wide = pivot_kpis(table)
        size = VOLUME if VOLUME in wide.columns else None
        weighted = self.weighted.value and size is not None
        # The groups the chart draws and fits, as it takes them: the sheet lists these alone.
        points, _ = plotted_rows(
            wide, column, kpi_definition(x), kpi_definition(y), size, weighted=weighted
        )
        self._points = points[[column, x, y, *([size] if size else [])]]
        self.fit = fit_line(points[x], points[y], points[size] if weighted else None)
        self._no_group = self._contacts_of_no_group(wide) if size else 0
        what_if = self._checked_what_if(x, y)
        figure = kpikit.plots.tradeoff(
            wide,
            x=x,
            y=y,
            by=column,
            size=size,
            x_target=self._target(x),
            y_target=self._target(y),
            weighted=weighted,
            what_if=what_if if what_if else None,
        )
        self.chart.draw(figure, height=520)
        self.projection.value = self._projection_html(x, y, groups, what_if)

    def excel_sheets(self) -> list[Sheet]:
        """The groups' values of both KPIs (rounded to their units, with more decimals where
        that would round a value onto its target: :func:`kpikit.display.decimals_apart`) and
        the fitted relation: the groups the chart draws and the fit uses, no others (not one
        without a volume when the fit is weighted by it). Below
        :data:`~kpikit.tradeoff.MIN_FIT_POINTS` groups the relation's cells are blank, as the
        dashboard fits none."""
        points = self._points
        labels = {column: _header(column) for column in points.columns}
        # Per cell: an AHT of 299.75 s under a 300 s target was stored as 300, at it.
        decimals = pd.DataFrame(
            {
                labels[column]: [
                    decimals_apart(
                        value, self._target(column), DECIMALS[kpi_definition(column).unit]
                    )
                    for value in points[column]
                ]
                if column in KPI_IDS
                else [None] * len(points)
                for column in points.columns
            },
            dtype=object,
        )
        fit = self.fit
        # Below MIN_FIT_POINTS groups the dashboard fits no relation (two points give r = ±1):
        # r, slope and intercept are blank, as the chart and the text show none.
        fitted = fit.n >= MIN_FIT_POINTS
        relation = [fit.r, fit.slope, fit.intercept] if fitted else [None] * 3
        summary = pd.DataFrame(
            {
                "Measure": ["Groups", "Pearson's r", "Slope (y per unit of x)", "Intercept"],
                "Value": [fit.n, *relation],
            }
        )
        # r to 4 decimals, more where that would store it as -1, 0 or 1 without it being
        # there (0.999997 was 1.0000, a perfect line); slope and intercept as they are: their
        # scale is that of the KPIs (a slope of 7.1e-5 % per second was stored as 0.0001).
        r_decimals = max(decimals_apart(fit.r, edge, 4) for edge in (-1.0, 0.0, 1.0))
        value_decimals = pd.DataFrame(
            {"Measure": [None] * 4, "Value": [0, r_decimals, None, None]}, dtype=object
        )
        return [
            Sheet("Trade-off", points.rename(columns=labels), decimals=decimals, frozen_columns=1),
            Sheet("Fit", summary, decimals=value_decimals),
        ]

    def _contacts_of_no_group(self, wide: pd.DataFrame) -> int:
        """Answered contacts of the view with no group (by agent, those no agent answered):
        no point and no weight of the fit, so the text says how many there are. The groups'
        table has no row for them; they are the view's answered contacts less the groups'."""
        overall = pivot_kpis(self._table([]))
        if VOLUME not in overall.columns or overall.empty:
            return 0
        total = pd.to_numeric(overall[VOLUME], errors="coerce").iloc[0]
        grouped = pd.to_numeric(wide[VOLUME], errors="coerce").sum()
        return max(int(round(total - grouped)), 0) if pd.notna(total) else 0

    def _checked_what_if(self, x: str, y: str) -> float:
        """The what-if move of x, or 0 (no projection) with the reason shown when the fit
        cannot project it: a move too large for the relation, or one that takes x off its
        scale (AHT below 0 s)."""
        what_if = self.what_if.value
        if not what_if or self.fit.n < MIN_FIT_POINTS or pd.isna(self.fit.slope):
            return 0.0
        try:
            project_kpis(self.fit, what_if, x=x, y=y, name="what_if")
        except ValueError as error:
            self.show_error(
                f"No what-if for {kpi_definition(x).short_name} {what_if:+g}: the move leaves "
                f"what the relation fitted on this data can say. {error}"
            )
            return 0.0
        return what_if

    def _show_nothing(self, reason: str) -> None:
        """Plot nothing and say why, in the chart's place and in the message."""
        self._points = pd.DataFrame({LEVELS[self.level.value]: []})
        self._no_group = 0
        self.fit = fit_line([], [])
        self.chart.draw(kpikit.plots.use_template(_reason_figure(reason)))
        self.projection.value = ""
        self.show_error(reason)

    def _missing_text(self, missing: list, groups: str) -> str:
        names = ", ".join(kpi_definition(kpi_id).name for kpi_id in missing)
        if self.channel.value != ALL_CHANNELS and set(missing) & set(INTERVAL_KPIS):
            return (
                f"{names} cannot be shown for one channel: agent intervals do not record the "
                "channel. Choose All channels to plot it."
            )
        return " ".join(
            f"{kpi_definition(kpi_id).name} cannot be computed for {groups} from this data "
            f"({self._why_missing(kpi_id, groups)})."
            for kpi_id in missing
        )

    def _why_missing(self, kpi_id: str, groups: str) -> str:
        """What the data lacks for a KPI by the level chosen (a table or column), else that
        no group has a value."""
        try:
            compute(
                self.data, kpis=[kpi_id], by=[LEVELS[self.level.value]], options=self.engine_options
            )
        except KPIUnavailable as error:
            return error.reason
        return f"no {groups} with a value for this choice"

    def _target(self, kpi_id: str):
        """The KPI's target in this view, resolved as the scorecard resolves it
        (:func:`kpikit.scorecard.segment_targets`): the chosen channel's, else the general
        one; None when the view has none."""
        segment = view_segment(self.channel.value)
        targets = segment_targets(self._targets, segment).set_index("kpi")["target"]
        target = targets.get(kpi_id)
        return None if target is None or pd.isna(target) else target

    def _projection_html(self, x: str, y: str, groups: str, what_if: float) -> str:
        return self._fit_html(x, y, groups, what_if) + self._no_group_html()

    def _no_group_html(self) -> str:
        """That the view's answered contacts with no group are in no point and not fitted."""
        count, level = self._no_group, self.level.value
        if not count:
            return ""
        contacts, have = ("answered contacts", "have") if count > 1 else ("answered contact", "has")
        return (
            f"<p>{count:,} {contacts} of this view {have} no {html.escape(level)}: left out of "
            "the chart and of the fitted relation.</p>"
        )

    def _fit_html(self, x: str, y: str, groups: str, what_if: float) -> str:
        fit = self.fit
        if fit.n < MIN_FIT_POINTS:
            return (
                f"<p>Too few {html.escape(groups)} with both values to fit a relation: {fit.n}, "
                f"and a relation needs {MIN_FIT_POINTS}.</p>"
            )
        if pd.isna(fit.slope):
            return (
                f"<p>{html.escape(kpi_definition(x).short_name)} does not vary across the "
                f"{fit.n} {html.escape(groups)}: no relation can be fitted.</p>"
            )
        parts = [
            f"<p><strong>Correlation</strong> across {fit.n} {html.escape(groups)}: "
            f"{correlation_text(fit.r)}.</p>"
        ]
        if what_if:
            projection, cut = project_kpis(fit, what_if, x=x, y=y, name="what_if")
            sentence = describe_projection(projection, x=x, y=y, groups=groups, cut=cut)
            beyond = extrapolation_text(fit, what_if, self._points[x], x=x, groups=groups)
            if beyond:
                sentence += f" {beyond}"
            parts.append(
                f"<p><strong>What if</strong> (fitted association): {html.escape(sentence)}</p>"
            )
        return "".join(parts)


def _what_if_step(kpi_id: str) -> float:
    """The what-if move of ``kpi_id`` until one is chosen (:data:`WHAT_IF_STEPS`)."""
    return WHAT_IF_STEPS[kpi_definition(kpi_id).unit]


def _header(column: str) -> str:
    if column in KPI_IDS:
        return kpi_label(column)
    return "Answered contacts" if column == VOLUME else column_label(column)


def _reason_figure(reason: str) -> go.Figure:
    """A chart of no data that says why, without the axes of a plot that is not there; the
    reason wrapped to fit a phone's width.

    >>> [note.text for note in _reason_figure("AHT & CSAT are <both> missing").layout.annotations]
    ['AHT &amp; CSAT are &lt;both&gt; missing']
    """
    return go.Figure(
        layout={
            "title": {"text": "Nothing to plot"},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [
                {
                    "text": "<br>".join(textwrap.wrap(escape_text(reason), width=44)),
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                    "font": {"size": 15},
                }
            ],
        }
    )


def _months(contacts) -> list[str]:
    months = collected(contacts.select(nw.col("arrived_at").dt.to_string("%Y-%m").unique()))
    return sorted(value for value in months["arrived_at"].to_list() if value is not None)
