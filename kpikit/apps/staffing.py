"""Staffing dashboard: a day's plan from the forecast, the forecast's accuracy, and a what-if
of one interval (agents, service, cost and projected CSAT from a few sliders)."""

import html
import math
import os
from urllib.parse import parse_qsl

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit import calibrate as calibration
from kpikit import plots, queueing, whatif
from kpikit.apps import STATIC_ENV_VARIABLE
from kpikit.apps import staffing_plan as planning
from kpikit.apps._base import (
    HIDDEN_LABEL_CLASS,
    LIVE_ONLY_CLASS,
    BaseApp,
    alert_html,
    check_choice,
    format_value,
    scroll_box,
)
from kpikit.apps._channels import refill
from kpikit.apps._chart import Chart
from kpikit.apps._download import figure_sheet
from kpikit.apps.params import cast_value, link_query_string, report_ignored
from kpikit.apps.staffing_params import CHARTS, INTERVAL_LABELS, PARAMETERS, WEEKDAYS
from kpikit.display import figures_html, unbroken_figures
from kpikit.io import Sheet
from kpikit.plots._staffing import comparison_texts, contacts_places, metric_name

__all__ = ["StaffingApp"]

INTERVALS = {"15min": 900.0, "30min": 1800.0, "hour": 3600.0}
"""Interval lengths offered, in seconds."""


VOLUME_ROUNDING_NOTED = 0.01
"""Share of the data's volume by which the slider's whole number may differ from it unsaid: a
busiest interval of 152.3 contacts shows 152 quietly, one of 0.5 (raised to the slider's
lowest, 1) or 7.4 (shown 7) says so in the message."""
MIN_WHAT_IF_AHT_S = 1.0
"""Shortest AHT a what-if uses, seconds: an AHT change leaving less is applied down to it."""
_CACHED_FIGURES = 16
"""Figures kept for reuse (switching charts back and forth redraws without rebuilding)."""
_CELL = "padding: 3px 10px; border-bottom: 1px solid #e5e5e5"
_NO_WRAP = {"right": "; white-space: nowrap"}  # numbers and changes stay on one line
_SLIDERS = (
    "volume",
    "aht_s",
    "target_sl",
    "threshold_s",
    "patience_s",
    "shrinkage",
    "max_occupancy",
    "cost_per_agent_hour",
    "aht_change_s",
    "volume_change_pct",
)
"""Parameters of the what-if shown as sliders, in the order of the controls."""
_CALIBRATED = ("volume", "aht_s", "patience_s", "shrinkage", "cost_per_agent_hour")
"""The sliders "Calibrate from data" sets."""
_CONTROL_ORDER = (
    "day",
    "chart",
    "weekday",
    "interval",
    *_SLIDERS[:7],
    "roster_agents",
    *_SLIDERS[7:],
)
_VIEW_CONTROLS = {
    "plan": {
        "day",
        "interval",
        "target_sl",
        "threshold_s",
        "patience_s",
        "shrinkage",
        "max_occupancy",
        "roster_agents",
    },
    "backtest": {"day", "interval"},
    "whatif": {"chart", "weekday", "interval", *_SLIDERS, "calibrate_button"},
}
"""The controls each view shows."""
_EMPTY_PLAN = pd.DataFrame(
    {
        "period": pd.to_datetime([]),
        **{column: [] for column in ("volume", "required", "staffed", "gap", "service_level")},
    }
)


class StaffingApp(BaseApp):
    """Dashboard: a day's staffing plan, the forecast's accuracy, and what a change is worth.

    Three views (``view``). **Day plan**: for a day (the one after the data, or one of its
    last days) the volume and AHT per interval are forecast from the contacts before that
    day (:func:`kpikit.whatif.forecast_day`), the agents required follow from the targets
    (:func:`kpikit.queueing.agents_required`), and the roster (a flat number of agents
    scheduled, or the data's agent intervals) is drawn against them with the shortfall
    marked and the service level each interval reaches with it
    (:func:`kpikit.whatif.staffing_plan`). **Forecast accuracy**: the backtest of the volume
    forecast (WAPE, MASE and bias by lead time, each model against the seasonal naive
    baseline, where a baseline wins), computed in the background the first time it is
    opened. **What-if**: for one interval (contacts, AHT, targets, patience, shrinkage,
    occupancy cap, cost of an agent hour) it shows the agents needed, the staffing curve
    (service level, ASA, occupancy and abandonment by number of agents) and a what-if (AHT and
    volume changes) side by side with the current situation: agents, service, cost per
    contact and projected CSAT, the projection labelled as an assumption
    (:class:`kpikit.whatif.Assumptions`). From the data it draws the agents needed through a
    chosen weekday and the patience of callers (one chart at a time, picked with ``chart``).
    "Calibrate from data" sets the sliders to the data's busiest interval of that weekday.

    The service-level threshold starts at the channel's threshold of the engine options
    (``kk.options``, or ``sl_threshold_s`` given to the app) unless ``threshold_s`` is given.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        Contact log (phone contacts are used when there is a ``channel`` column); agent intervals
        and costs calibrate shrinkage and the cost of an agent hour. ``None`` loads the sample.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp`.

    Attributes
    ----------
    view : ipywidgets.ToggleButtons
    day, chart, weekday, interval : ipywidgets.Dropdown
    roster_agents : ipywidgets.BoundedIntText
        A number field (a keypad on a phone, where a slider of 0 to 500 moved 3 agents a
        pixel), with the parameter's bounds.
    volume, aht_s, target_sl, threshold_s, patience_s, shrinkage, max_occupancy,
    cost_per_agent_hour, aht_change_s, volume_change_pct : ipywidgets.FloatSlider
        Named and scaled as in :class:`kpikit.whatif.Scenario` (``shrinkage`` is a fraction,
        shown as a percentage).
    calibrate_button : ipywidgets.Button
    summary : ipywidgets.HTML
        The answer in one paragraph.
    comparison_table : ipywidgets.HTML
        Now and the what-if side by side (:func:`kpikit.whatif.compare`), projected rows marked
        as assumptions.
    plot : Chart
        The day plan, or the what-if chart picked with ``chart``.
    plan_summary : ipywidgets.HTML
        The day plan in one paragraph.
    backtest_table : ipywidgets.HTML
        The backtest (forecast accuracy view).
    plan : pandas.DataFrame or None
        The day plan on show (:func:`kpikit.whatif.staffing_plan`).
    evaluation : kpikit.whatif.Evaluation
        The current situation, evaluated.
    comparison : pandas.DataFrame
        :func:`kpikit.whatif.compare` of the current situation and the what-if.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3], "answered": [True, False, True], "wait_s": [5.0, 40, 12],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:05", "2024-01-01 09:10",
    ...                                   "2024-01-01 09:40"]),
    ...     "talk_s": [200.0, 0.0, 260.0]})
    >>> app = StaffingApp(contacts, view="whatif", calibrate=False, volume=100, aht_s=180,
    ...                   patience_s=0, max_occupancy=100, shrinkage=0.3)
    >>> app.evaluation.value("agents"), app.evaluation.value("scheduled_agents")
    (14.0, 20.0)
    """

    title = "Staffing: plan and what-if"
    description = (
        "Agents required for a day from the forecast against the roster, how accurate the "
        "forecast has been, and what a change in handle time or volume is worth."
    )

    PARAMETERS = PARAMETERS

    def __init__(self, data=None, **options):
        super().__init__(data, **options)
        self._holding = True
        self._calibrate_on_data = self.values["calibrate"]
        self._threshold_from_options = "threshold_s" not in options
        self._planner = None
        self.plan = None
        self.view = widgets.ToggleButtons(  # the group named "View" for screen readers only
            options=self._parameter("view").options,
            value=self.values["view"],
            description=self._parameter("view").label,
            tooltips=["Agents required vs staffed", "What the forecast got right", "One interval"],
            style={"button_width": "auto"},
            layout=widgets.Layout(width="auto", margin="0 0 6px 0"),
        )
        self.view.add_class("kpikit-views")
        self.view.add_class(HIDDEN_LABEL_CLASS)
        self.day = self.control("day")
        self.roster_agents = self._roster_control()
        self.chart = self.control("chart")
        self.weekday = self.control("weekday")
        self.interval = self.control("interval")
        for name in _SLIDERS:
            setattr(self, name, self.control(name))
        self.calibrate_button = widgets.Button(
            description="Calibrate from data",
            tooltip="Set contacts, AHT, patience, shrinkage and cost from the busiest interval "
            "of the weekday in the data",
        )
        self.calibrate_button.add_class(LIVE_ONLY_CLASS)
        self.calibrate_button.on_click(self._on_calibrate)
        controls = [getattr(self, name) for name in _CONTROL_ORDER]
        for control in [self.view, *controls]:
            control.observe(self._on_change, names="value")
        self._controls = {
            **{name: getattr(self, name) for name in _CONTROL_ORDER},
            "calibrate_button": self.calibrate_button,
        }
        self.summary = widgets.HTML()
        self.comparison_table = widgets.HTML()
        self.plan_summary = widgets.HTML()
        self.backtest_table = widgets.HTML()
        self.plot = Chart()
        self.widget = self._compose(
            controls=[self.view, *self._controls.values()],
            main=[
                self.plan_summary,
                self.summary,
                self.plot,
                self.comparison_table,
                self.backtest_table,
            ],
        )
        self._holding = False
        self._data_changed()

    def _roster_control(self) -> widgets.BoundedIntText:
        """The roster as a field of whole agents, typed in: set exactly on a phone too."""
        param = self._parameter("roster_agents")
        return widgets.BoundedIntText(
            value=int(self.values["roster_agents"]),
            min=param.low,
            max=param.high,
            step=param.step,
            description=param.label,
            tooltip=param.help,
            style={"description_width": "100px"},
            layout=widgets.Layout(width="200px"),
        )

    # ------------------------------------------------------------------ data

    def _on_data(self) -> None:
        contacts = calibration.contacts_frame(
            self.data, ["arrived_at", "answered", "wait_s", "talk_s"]
        )
        has_phone = "channel" in contacts.columns and (contacts["channel"] == "phone").any()
        self._channel = "phone" if has_phone else None
        if self._channel is not None:
            contacts = contacts[contacts["channel"] == self._channel]
        self._patience_curve = calibration.patience_kaplan_meier(contacts)
        self._weeks = {}
        self._data_volume = None  # (volume, label) of the interval the volume was calibrated on
        self._figures = {}
        self._shown = None
        self._evaluated = None
        self._week()  # fails early (ValueError) when the data cannot be calibrated
        # a static report is written as soon as the notebook has run: no worker thread there
        static = os.environ.get(STATIC_ENV_VARIABLE) == "1"
        planner = planning.DayPlanner(self.data, self._channel, background=not static)
        if self._planner is not None:
            self._planner.cancel()
        requested = self.values["day"] if self._planner is None else None
        options = planning.day_options(planner)
        if requested is not None:
            check_choice("day", requested, [value for _, value in options])
        self._planner = planner
        self._holding = True
        try:
            refill(self.day, options, requested)
            if self._threshold_from_options:  # the channel's threshold of the engine options
                threshold = self.engine_options.sl_threshold_for(self._channel)
                self.threshold_s.value = self._widened({"threshold_s": threshold})["threshold_s"]
                self.values["threshold_s"] = threshold  # what a link without it keeps
                self._threshold_from_options = False
            if self._calibrate_on_data:
                self._apply_calibration()
        finally:
            self._holding = False
        super()._on_data()

    def _week(self, interval=None):
        """The data's average week at an interval length (the chosen one; cached per length)."""
        interval = self.interval.value if interval is None else interval
        if interval not in self._weeks:
            self._weeks[interval] = whatif.scenario_from_data(
                self.data, interval=interval, channel=self._channel
            )
        return self._weeks[interval]

    def _day(self, week, weekday=None):
        """Index of the weekday's intervals (the chosen one), first to last with contacts."""
        prefix = f"{self.weekday.value if weekday is None else weekday} "
        rows = np.array([label.startswith(prefix) for label in week.labels])
        busy = np.flatnonzero(rows & (week.volume > 0))
        if busy.size == 0:
            return np.flatnonzero(rows)
        return np.arange(busy[0], busy[-1] + 1)

    def _calibrated(self, weekday=None, interval=None) -> dict:
        """Slider values from the busiest interval of a weekday in the data (chosen ones).

        The volume slider holds whole contacts from 1: the data's volume is rounded to one,
        and kept to say so (:meth:`_volume_notes`)."""
        week = self._week(interval)
        day = self._day(week, weekday)
        values = {}
        self._data_volume = None
        if day.size and week.volume[day].max() > 0:
            busiest = day[np.argmax(week.volume[day])]
            volume = float(week.volume[busiest])
            values["volume"] = max(1.0, round(volume))
            self._data_volume = volume, week.labels[busiest]
            values["aht_s"] = round(float(week.aht_s[busiest]))
        values["patience_s"] = 0.0 if week.patience_s is None else round(week.patience_s)
        if self.data.agent_intervals is not None:
            values["shrinkage"] = round(week.shrinkage, 2)
        if math.isfinite(week.cost_per_agent_hour):
            values["cost_per_agent_hour"] = round(week.cost_per_agent_hour, 2)
        return values

    def _apply_calibration(self) -> None:
        for name, value in self._widened(self._calibrated()).items():
            getattr(self, name).value = value

    def _widened(self, values: dict) -> dict:
        """Calibrated values, with the sliders' ranges stretched to hold them (a center
        busier than a slider's end shows its own figure, not the end of the slider)."""
        for name, value in values.items():
            slider = getattr(self, name)
            slider.max, slider.min = max(slider.max, value), min(slider.min, value)
        return values

    def set(self, *, calibrate=None, **values) -> None:
        """Set several controls at once, with one redraw (for example from URL parameters).

        Nothing is redrawn when every control already has its value.

        Parameters
        ----------
        calibrate : bool, default=None
            True: then calibrate from the data as the button does (for the weekday and
            interval given, or shown): contacts, AHT, patience, shrinkage and cost replace the
            values given. True or False also sets whether uploaded data is calibrated (as
            ``calibrate`` of the app does); None leaves that as it is.
        **values
            Control attribute name -> value, for example ``weekday="Tue"``.

        Examples
        --------
        >>> app = StaffingApp(calibrate=False)
        >>> app.set(calibrate=True, weekday="Sat", target_sl=90)
        >>> app.weekday.value, app.target_sl.value, app.volume.value < 120
        ('Sat', 90.0, True)
        """
        if calibrate is not None:
            self._calibrate_on_data = bool(calibrate)
        if calibrate:
            weekday = values.get("weekday", self.weekday.value)
            interval = values.get("interval", self.interval.value)
            check_choice("weekday", weekday, WEEKDAYS)
            check_choice("interval", interval, list(INTERVALS))
            values = {**values, **self._widened(self._calibrated(weekday, interval))}
        super().set(**values)

    def set_from_link(self, query_string: str | None = None) -> None:
        """Apply a shared link's parameters (see :meth:`BaseApp.set_from_link`).

        With ``calibrate`` on (the notebook's default), the data's busiest interval replaces
        the contacts, AHT, patience, shrinkage and cost a link gives; a notice says which, and
        how to keep them (``calibrate=false``).
        """
        query_string = link_query_string() if query_string is None else query_string
        super().set_from_link(query_string)
        if not self._calibrate_on_data:
            return
        replaced = [
            f"{key}={raw}"
            for key, raw in parse_qsl(query_string.lstrip("?"), keep_blank_values=True)
            if key in _CALIBRATED
            and self._link_value(key, raw) not in (None, getattr(self, key).value)
        ]
        if replaced:
            report_ignored(
                [
                    f"Replaced {', '.join(replaced)} by the data's busiest {self.weekday.value} "
                    "interval (calibrate is on); add calibrate=false to the link to keep them."
                ]
            )

    def _link_value(self, name: str, raw: str):
        """A link's value for a slider as the link applies it, or None when it is refused."""
        try:
            param = self._parameter(name)
            value = cast_value(raw, param.link_default(param.default))
        except ValueError:
            return None
        slider = getattr(self, name)
        return value if slider.min <= value <= slider.max else None

    def _on_calibrate(self, _button=None) -> None:
        self._holding = True
        try:
            self._apply_calibration()
        finally:
            self._holding = False
        self._on_change()

    # ------------------------------------------------------------------ downloads

    def excel_sheets(self) -> list[Sheet]:
        """The view on show: the day plan per interval, the backtest, or the scenario
        comparison (now and the what-if) and the data of the chart on show."""
        if self.view.value == "plan" and self.plan is not None:
            return [planning.plan_sheet(self.plan)]
        if self.view.value == "backtest":
            day = self._planner.day(self.day.value)
            result = self._planner.backtest(day, self.interval.value)
            if result is not None and not isinstance(result, Exception):
                return [planning.backtest_sheet(result)]
        table = self.comparison
        decimals = {"percent": 1, "seconds": 0, "currency": 2, "hours": 1}
        places = [
            contacts_places(row.base, row.alternative)
            if row.unit == "contacts"
            else decimals.get(row.unit, 0)
            for row in table.itertuples(index=False)
        ]
        comparison = pd.DataFrame(
            {
                "Metric": [metric_name(metric) for metric in table["metric"]],
                "Unit": table["unit"],
                "Now": table["base"],
                "What-if": table["alternative"],
                "Change": table["difference"],
                "Basis": table["basis"],
            }
        )
        rounding = pd.DataFrame(
            {
                column: places if column in ("Now", "What-if", "Change") else None
                for column in comparison.columns
            },
            dtype=object,
        )
        return [
            Sheet("Scenario", comparison, decimals=rounding, frozen_columns=1),
            figure_sheet(CHARTS[self.chart.value], self.plot.figure),
        ]

    # ------------------------------------------------------------------ drawing

    def _targets(self):
        """Targets and patience as :mod:`kpikit.queueing` takes them (None: not set)."""
        patience = self.patience_s.value
        occupancy = self.max_occupancy.value
        return {
            "target_sl": self.target_sl.value,
            "threshold_s": self.threshold_s.value,
            "max_occupancy": occupancy if occupancy < 100 else None,
            "patience_s": patience if patience > 0 else None,
        }

    def _update(self) -> None:
        self._planner.touch()
        view = self.view.value
        self._show_view(view)
        week = self._week()
        interval_s = INTERVALS[self.interval.value]
        targets = self._targets()
        inputs = (
            self.interval.value,
            self.volume.value,
            self.aht_s.value,
            self.shrinkage.value,
            self.cost_per_agent_hour.value,
            self.aht_change_s.value,
            self.volume_change_pct.value,
            *targets.values(),
        )
        if inputs != self._evaluated:  # a change of chart or weekday evaluates nothing anew
            self._evaluate(week, interval_s, targets)
            self._evaluated = inputs
        if view == "plan":
            self._update_plan(targets)
            return
        if view == "backtest":
            self._update_backtest()
            return
        notes = [*self._volume_notes(), *self._handle_time_notes(week)]
        if notes:  # the message area was cleared by the change that brought us here
            self.show_error("\n".join(notes))
        key = self._figure_key(inputs)
        if key != self._shown:  # e.g. a what-if slider leaves the curve as it is
            figure = self._figures.get(key)
            if figure is None:
                figure = self._figure(week, interval_s, targets)
                if len(self._figures) >= _CACHED_FIGURES:
                    self._figures.pop(next(iter(self._figures)))
                self._figures[key] = figure
            self.plot.draw(figure, height=440)
            self._shown = key

    def _show_view(self, view) -> None:
        """Show the controls and outputs of a view, hide the others."""
        shown = _VIEW_CONTROLS[view]
        for name, control in self._controls.items():
            control.layout.display = None if name in shown else "none"
        outputs = {
            self.plan_summary: view == "plan",
            self.summary: view == "whatif",
            self.comparison_table: view == "whatif",
            self.plot: view != "backtest",
            self.backtest_table: view == "backtest",
        }
        for widget, visible in outputs.items():
            widget.layout.display = None if visible else "none"

    # ------------------------------------------------------------------ day plan

    def _update_plan(self, targets) -> None:
        """Draw the day plan when something it depends on changed."""
        key = (
            "plan",
            self.day.value,
            self.interval.value,
            self.shrinkage.value,
            self.roster_agents.value,
            *targets.values(),
        )
        if key == self._shown:
            return
        planner = self._planner
        day, freq = planner.day(self.day.value), self.interval.value
        if planner.inputs(day, freq) is None:
            planner.start_inputs(day, freq, lambda: self._plan_ready(planner))
        inputs = planner.inputs(day, freq)
        if inputs is None:  # in a worker thread: drawn when ready, the page stays usable
            self.plan_summary.value = (
                f"<p role='status'>Forecasting {day:%a %d %b %Y} from the contacts before it…</p>"
            )
            return
        self.plot.draw(self._plan_figure(day, inputs, targets), height=480)
        self._shown = key
        planner.inputs_ahead(freq)

    def _plan_ready(self, planner) -> None:
        # Data uploaded or view left meanwhile: the result waits in its planner's cache.
        if planner is self._planner and self.view.value == "plan":
            self._redraw()

    def _plan_figure(self, day, inputs, targets):
        """The day plan: its figure; the summary and :attr:`plan` are set on the way."""
        if isinstance(inputs, Exception):
            self.plan = None
            self.plan_summary.value = alert_html(f"No forecast for {day:%Y-%m-%d}: {inputs}")
            return plots.staffing_plan(_EMPTY_PLAN, title=f"No plan for {day:%a %d %b %Y}")
        forecast, (staffed, source) = inputs
        shrinkage = self.shrinkage.value
        if self.roster_agents.value > 0:
            staffed = self.roster_agents.value * (1 - shrinkage)
            source = (
                f"{self.roster_agents.value:g} agents scheduled per interval, "
                f"{100 * shrinkage:g}% of their time away from the phones"
            )
        try:
            plan = whatif.staffing_plan(
                forecast,
                staffed=staffed,
                shrinkage=shrinkage,
                channel=self._channel,
                **targets,
            )
        except (TypeError, ValueError) as error:  # said on the page, which stays usable
            self.plan = None
            self.plan_summary.value = alert_html(f"No plan for {day:%Y-%m-%d}: {error}")
            return plots.staffing_plan(_EMPTY_PLAN, title=f"No plan for {day:%a %d %b %Y}")
        if staffed is None:
            even = plan["staffed"].max() / (1 - shrinkage)
            source = (
                f"an even roster of {even:.0f} agents scheduled ({source}); set Roster to "
                "plan another"
            )
        self.plan = plan
        self.plan_summary.value = planning.plan_summary_html(
            plan,
            whatif.plan_totals(plan, target_sl=targets["target_sl"]),
            day=day,
            source=source,
            model=forecast.chosen["model"].iloc[0],
            target_sl=targets["target_sl"],
            threshold_s=targets["threshold_s"],
        )
        return plots.staffing_plan(plan, target_sl=targets["target_sl"])

    def _update_backtest(self) -> None:
        """Show the backtest of the day's forecast; start it the first time it is asked for."""
        planner = self._planner
        day, freq = planner.day(self.day.value), self.interval.value
        if planner.backtest(day, freq) is None:
            planner.start_backtest(day, freq, lambda: self._backtest_ready(planner))
        inputs = planner.inputs(day, freq)
        plan_model = (
            inputs[0].chosen["model"].iloc[0] if isinstance(inputs, tuple) else whatif.DAY_MODEL
        )
        self.backtest_table.value = planning.backtest_html(
            planner.backtest(day, freq), plan_model=plan_model
        )
        self._shown = ("backtest", day, freq)

    def _backtest_ready(self, planner) -> None:
        # Data uploaded or view left meanwhile: the result waits in its planner's cache.
        if planner is self._planner and self.view.value == "backtest":
            self._update_backtest()

    def _figure_key(self, inputs):
        """What the chart shown depends on: its figure is reused while that stays the same."""
        chart = self.chart.value
        if chart == "patience":
            return (chart, self.patience_s.value)
        if chart == "curve":
            return (chart, *inputs[:3], *inputs[7:])
        return (chart, self.weekday.value, *inputs)

    def _volume_notes(self) -> list[str]:
        """The data's volume where the slider shows it rounded (a busiest interval of 0.5
        contacts shows 1) by more than :data:`VOLUME_ROUNDING_NOTED` of it, while the slider
        keeps the calibrated value."""
        if self._data_volume is None:
            return []
        volume, label = self._data_volume
        shown = self.volume.value
        if (
            shown != max(1.0, round(volume))
            or abs(shown - volume) <= VOLUME_ROUNDING_NOTED * volume
        ):
            return []
        return [
            f"Volume {volume:.3g} contacts per interval in the data ({label}, the busiest "
            f"interval of the weekday), rounded to {shown:g} for the slider, which holds "
            "whole contacts from 1."
        ]

    def _handle_time_notes(self, week) -> list[str]:
        """Where the what-if's AHT change leaves no handle time (an AHT + change below 1 s),
        said with the values: there the what-if uses 1 s (as :meth:`_evaluate` and
        :meth:`_intraday_figure` do), never a change cut back silently."""
        change, aht_s = self.aht_change_s.value, self.aht_s.value
        notes = []
        if aht_s + change < MIN_WHAT_IF_AHT_S:
            notes.append(
                f"An AHT change of {change:g} s on an AHT of {aht_s:g} s leaves no handle "
                f"time: the what-if uses {MIN_WHAT_IF_AHT_S:g} s (a change of "
                f"{MIN_WHAT_IF_AHT_S - aht_s:g} s)."
            )
        if self.chart.value == "intraday":
            day = self._day(week)
            busy = day[week.volume[day] > 0]
            emptied = week.aht_s[busy] + change < MIN_WHAT_IF_AHT_S
            if emptied.any():
                notes.append(
                    f"An AHT change of {change:g} s leaves no handle time in "
                    f"{int(emptied.sum())} of {busy.size} intervals of {self.weekday.value} in "
                    f"the data (AHT as low as {week.aht_s[busy].min():.0f} s): there the chart "
                    f"uses {MIN_WHAT_IF_AHT_S:g} s for the what-if."
                )
        return notes

    def _evaluate(self, week, interval_s, targets) -> None:
        """Evaluate the situation and the what-if; fill the summary and the comparison.

        An AHT change that would leave less than 1 s of handle time is applied as far as
        1 s (:meth:`_handle_time_notes` says so); the what-if is named by the change applied.
        """
        aht_change = max(self.aht_change_s.value, MIN_WHAT_IF_AHT_S - self.aht_s.value)
        base = whatif.Scenario(
            volume=self.volume.value,
            aht_s=self.aht_s.value,
            interval_s=interval_s,
            shrinkage=self.shrinkage.value,
            cost_per_agent_hour=self.cost_per_agent_hour.value,
            csat=week.csat,
            fcr=week.fcr,
            reference_asa_s=week.reference_asa_s,
            name="now",
            **targets,
        )
        alternative = base.adjust(
            aht_s=aht_change, volume_pct=self.volume_change_pct.value, name="what-if"
        )
        self.evaluation = whatif.evaluate(base)
        self.comparison = whatif.compare(self.evaluation, alternative)
        what_if = _what_if_name(aht_change, self.volume_change_pct.value)
        self.summary.value = self._summary_html(what_if)
        self.comparison_table.value = _comparison_html(self.comparison, what_if)

    def _figure(self, week, interval_s, targets):
        """The chart picked with ``chart``, built from the current values."""
        agents = int(self.evaluation.value("agents"))
        if self.chart.value == "curve":
            curve = queueing.queue_metrics(
                self.volume.value,
                self.aht_s.value,
                self._curve_agents(agents, targets),
                interval_s,
                threshold_s=targets["threshold_s"],
                patience_s=targets["patience_s"],
            )
            return plots.staffing_curve(
                curve,
                target_sl=targets["target_sl"],
                threshold_s=targets["threshold_s"],
                max_occupancy=targets["max_occupancy"],
                agents=agents,
            )
        if self.chart.value == "intraday":
            return self._intraday_figure(week, interval_s, targets)
        return plots.patience_curve(self._patience_curve, patience_s=targets["patience_s"])

    def _curve_agents(self, agents, targets):
        """Agent counts for the staffing curve: around the answer, stable ones for Erlang C."""
        load = self.volume.value * self.aht_s.value / INTERVALS[self.interval.value]
        lowest = max(1, agents - max(6, math.ceil(0.25 * agents)))
        if targets["patience_s"] is None:
            lowest = max(lowest, math.floor(load) + 1)
        return np.arange(lowest, agents + max(8, math.ceil(0.3 * agents)) + 1)

    def _intraday_figure(self, week, interval_s, targets):
        """Agents through the weekday, now and with the what-if: each interval's AHT plus the
        change as set (at least 1 s, said in :meth:`_handle_time_notes`)."""
        day = self._day(week)
        volume, aht_s = week.volume[day], week.aht_s[day]
        if not (volume > 0).any():
            return _no_data_figure(
                f"No contacts on {self.weekday.value} in the data: choose another weekday"
            )
        options = {"interval_s": interval_s, "shrinkage": self.shrinkage.value, **targets}
        plan = queueing.agents_required(volume, aht_s, **options)
        plan.insert(0, "label", [week.labels[position].split(" ")[1] for position in day])
        alternative = queueing.agents_required(
            volume * (1 + self.volume_change_pct.value / 100),
            np.maximum(aht_s + self.aht_change_s.value, MIN_WHAT_IF_AHT_S),
            **options,
        )
        return plots.intraday_staffing(
            plan,
            alternative=alternative,
            title=f"Agents through an average {self.weekday.value} in the data",
        )

    def _summary_html(self, what_if) -> str:
        result = self.evaluation
        table = self.comparison.set_index("metric")
        interval = INTERVAL_LABELS[self.interval.value]
        parts = [
            f"<b>{result.value('agents'):.0f} agents</b> on the phones "
            f"({result.value('scheduled_agents'):.0f} scheduled) answer "
            f"{format_value(result.value('service_level'), 'percent')} of "
            f"{self.volume.value:.0f} contacts per {interval} within "
            f"{self.threshold_s.value:g} s; ASA {format_value(result.value('asa'), 'seconds')}, "
            f"occupancy {format_value(result.value('occupancy'), 'percent')}"
        ]
        if self.patience_s.value > 0:
            parts.append(
                f", abandonment {format_value(result.value('abandonment_rate'), 'percent')}"
            )
        alternative = table["alternative"]
        parts.append(
            f". <b>What-if</b> ({html.escape(what_if)}): {alternative['agents']:.0f} agents, "
            "cost per contact "
            f"{format_value(table.loc['cost_per_contact', 'base'], 'currency')} → "
            f"{format_value(alternative['cost_per_contact'], 'currency')}"
        )
        if math.isfinite(table.loc["csat", "base"]):
            parts.append(
                f", projected CSAT {format_value(table.loc['csat', 'base'], 'percent')} → "
                f"{format_value(alternative['csat'], 'percent')} <i>(assumption: "
                f"{result.assumptions.csat_points_per_30s_wait:g} points per 30 s of wait)</i>"
            )
        return "<p>" + unbroken_figures("".join(parts)) + ".</p>"


def _comparison_html(table, what_if) -> str:
    """Now and the what-if side by side as an HTML table (escaped), assumptions marked."""
    header = "".join(
        f"<th scope='col' style='{_CELL}; text-align: {align}'>{figures_html(text)}</th>"
        for text, align in (
            ("", "left"),
            ("now", "right"),
            (f"what-if: {what_if}", "right"),
            ("change", "right"),
            ("basis", "left"),
        )
    )
    rows = []
    for row in table.itertuples(index=False):
        base, alternative, change, color = comparison_texts(row)
        basis = "<i>assumption</i>" if row.basis == "assumption" else html.escape(row.basis)
        cells = [
            (html.escape(metric_name(row.metric)), "left", ""),
            (html.escape(base), "right", ""),
            (html.escape(alternative), "right", ""),
            (html.escape(change), "right", f"; color: {color}"),
            (basis, "left", "; color: #555555"),
        ]
        rows.append(
            "<tr>"
            + "".join(
                f"<td style='{_CELL}; text-align: {align}{_NO_WRAP.get(align, '')}{style}'>"
                f"{text}</td>"
                for text, align, style in cells
            )
            + "</tr>"
        )
    return (
        scroll_box(
            "<table class='kpikit-table' style='border-collapse: collapse; margin-top: 8px'>"
            "<caption style='text-align: left; font-weight: bold'>Scenario comparison</caption>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
            520,
        )
        + "<p><small>Projected CSAT and FCR follow rules of thumb from published research "
        "(kpikit.whatif.Assumptions); they are assumptions, not measurements.</small></p>"
    )


def _no_data_figure(text: str):
    """An empty chart that says why it is empty."""
    figure = go.Figure(layout={"title": {"text": "No data"}})
    figure.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return plots.use_template(figure)


def _what_if_name(aht_change, volume_change_pct) -> str:
    """The what-if's changes as given (a link's 2.5 % read "+2 %", and 0.4 s "0 s").

    >>> _what_if_name(-32.5, 2.5), _what_if_name(-30.0, 0.0), _what_if_name(0.0, 0.0)
    ('AHT -32.5 s, volume +2.5 %', 'AHT -30 s', 'no change')
    """
    changes = [
        f"AHT {aht_change:+g} s" if aht_change else "",
        f"volume {volume_change_pct:+g} %" if volume_change_pct else "",
    ]
    return ", ".join(change for change in changes if change) or "no change"
