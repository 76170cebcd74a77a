"""SLA governance dashboard: breaches by day with their clocks, the root cause of the one chosen,
and the action the manager records for it in the register."""

import datetime as dt
import functools
import html
from dataclasses import dataclass, field

import ipywidgets as widgets
import pandas as pd

import kpikit.plots
from kpikit._validators import check_timestamp
from kpikit.apps._background import Prefetch, kernel_loop
from kpikit.apps._base import BaseApp, alert_html, section_heading
from kpikit.apps._channels import refill
from kpikit.apps._chart import Chart
from kpikit.apps._governance_html import (
    EMPTY_BARS,
    breach_label,
    contributor_bars,
    duration,
    held_back_html,
    history_html,
    run_text,
    summary_html,
)
from kpikit.apps._levels import data_span
from kpikit.apps.params import Param
from kpikit.display import (
    DECIMALS,
    RAG_LABELS,
    RAG_TINTS,
    column_label,
    figures_html,
    unbroken_figures,
)
from kpikit.governance import (
    GOVERNANCE_KPIS,
    STATUSES,
    ActionRegister,
    breaches,
    root_cause,
)
from kpikit.governance._store import utc_instant
from kpikit.io import Sheet
from kpikit.periods import _wall_or_elapsed, period_end
from kpikit.sample import load_targets
from kpikit.scorecard import read_targets

__all__ = ["GovernanceApp"]

LEVELS = {"site": "site", "center": None, "team": "team", "queue": "queue"}
"""Levels breaches are found at and the contacts column each groups by (None: whole center)."""

_LEVEL_LABELS = {"site": "Site", "center": "Center", "team": "Team", "queue": "Queue"}
_KPI_SETS = {"governance": "Governance KPIs", "all": "Every KPI with a target"}
_SEVERITIES = {"red": "Missed beyond tolerance", "amber": "Every miss (amber too)"}
_WINDOWS = {14: "Last 14 days", 30: "Last 30 days", 90: "Last 90 days"}
_TEXT_FIELDS = ("owner", "root_cause", "plan", "milestones", "comment")
_ACTION_COLUMNS = {
    "status": "Action status",
    "owner": "Owner",
    "root_cause": "Root cause",
    "plan": "Plan",
    "milestones": "Milestones",
    "next_milestone": "Next milestone",
    "due_date": "Due date",
    "comment": "Comment",
    "last_change_at": "Last change (UTC)",
    "last_change_by": "Last change by",
}
"""The register's action fields (:meth:`ActionRegister.actions`) in the breaches sheet."""
# Below 700 px the sidebar goes above the charts (scoped to this dashboard).
_PHONE_STYLE = (
    "<style>@media (max-width: 700px) {"
    ".kpikit-governance > .widget-hbox { flex-direction: column !important; }"
    ".kpikit-governance .kpikit-sidebar { width: 100% !important; min-width: 0 !important;"
    " margin: 0 0 12px 0 !important; }}"
    ".kpikit-governance .kpikit-scroll { overflow-x: auto; max-width: 100%; }"
    ".kpikit-governance table { border-collapse: collapse; font-size: 0.85em; }"
    ".kpikit-governance td, .kpikit-governance th { padding: 2px 8px; text-align: left;"
    " border-bottom: 1px solid #eee; vertical-align: top; }</style>"
)


class GovernanceApp(BaseApp):
    """Dashboard: SLA breaches by day with their clocks, root causes and the action register.

    The chart shows every breach of the window (:func:`kpikit.breaches` per day) as a mark on a
    calendar, ringed when its root cause or plan is overdue in the register. Clicking a mark
    (or choosing it in the ``breach`` list) shows its root cause
    (:func:`kpikit.governance.root_cause`) and the form where the manager records the cause,
    owner, plan, milestones, due date and status; saving appends them to the action register
    (:class:`kpikit.governance.ActionRegister`), whose history is shown underneath.

    Parameters
    ----------
    data : Dataset or dataframe, default=None
        ``None`` loads the sample data.
    targets : str, path or DataFrame, default=None
        ``None`` takes the sample targets.
    register : str or ActionRegister, default=None
        The action register or its SQLAlchemy URL; default
        :func:`kpikit.governance.register.default_url` (``KPIKIT_REGISTER_URL``, else an SQLite
        file in the kpikit data folder).
    as_of : datetime-like, default=None
        The moment deadlines are checked against; default: the end of the last day of data
        (the sample is in the past). A time without a zone is read as UTC, as
        :meth:`kpikit.governance.ActionRegister.actions` reads it, and shown in the data's
        zone.
    **options
        Passed to :class:`kpikit.apps._base.BaseApp`, the engine's options among them
        (``sl_threshold_s``, ``fcr_window``, ...).

    Attributes
    ----------
    level, kpi_set, severity, days : ipywidgets.Dropdown
        The controls (link parameters of the notebook).
    breach : ipywidgets.Dropdown
        The breach shown (the latest by default; a click on the chart sets it).
    summary, detail, history, form_message : ipywidgets.HTML
        Counts and overdue clocks; the chosen breach's clocks and computed root cause; its
        history in the register; what saving did.
    chart, cause_chart : Chart
        Breaches by day (:func:`kpikit.plots.breach_timeline`); the chosen breach's largest
        contributors (:func:`kpikit.plots.root_cause_bars`).
    author, action_status, owner, root_cause, plan, milestones, due_date, comment
        The form; ``save`` (a Button) appends the changed fields to :attr:`register`.
    register : ActionRegister

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> app = GovernanceApp(register=f"sqlite:///{folder}/actions.sqlite", days=90)
    >>> app.breach.value == app.breach.options[0][1]   # the latest breach is shown
    True
    >>> app.author.value, app.owner.value = "Ana", "Lakeside lead"
    >>> app.save.click()
    >>> app.register.history()[["field", "value", "author"]].values.tolist()
    [['owner', 'Lakeside lead', 'Ana']]
    """

    title = "SLA governance"
    description = (
        "Breaches by day with their 48-hour and 7-day clocks; pick one for its root cause and "
        "record the action taken."
    )

    PARAMETERS = (
        Param(
            "level",
            "site",
            "Level",
            help="Where breaches are found: the site, the center, teams or queues",
            choices=tuple((_LEVEL_LABELS[key], key) for key in LEVELS),
            data_choices=True,
        ),
        Param(
            "kpi_set",
            "governance",
            "KPIs",
            help="The governance KPIs or every KPI with a target",
            choices=tuple((label, key) for key, label in _KPI_SETS.items()),
        ),
        Param(
            "severity",
            "red",
            "Show",
            help="Breaches beyond the tolerance only, or every miss",
            choices=tuple((label, key) for key, label in _SEVERITIES.items()),
        ),
        Param(
            "days",
            30,
            "Days",
            help="The window shown, ending with the last day of the data",
            unit="days",
            choices=tuple((label, key) for key, label in _WINDOWS.items()),
        ),
    )

    def __init__(
        self,
        data=None,
        *,
        targets=None,
        register=None,
        as_of=None,
        **options,
    ):
        self._targets = read_targets(load_targets() if targets is None else targets)
        # checked here, not at the first comparison: a number would be read as nanoseconds
        # since 1970, and a zone mismatch would fail deep in the page's drawing
        self._as_of = None if as_of is None else check_timestamp("as_of", as_of)
        self.register = (
            register if isinstance(register, ActionRegister) else ActionRegister(register)
        )
        super().__init__(data, **options)
        self._holding = True
        self.level = self.control("level")
        self._requested_level = self.values["level"]
        self.kpi_set = self.control("kpi_set")
        self.severity = self.control("severity")
        self.days = self.control("days")
        self.breach = widgets.Dropdown(description="Breach")
        for control in (self.level, self.kpi_set, self.severity, self.days):
            control.observe(self._on_change, names="value")
        self.breach.observe(self._on_breach, names="value")
        self.summary = widgets.HTML()
        self.chart = Chart()
        self.chart.on_click(self._on_point_click)
        self.detail = widgets.HTML()
        self.cause_chart = Chart(height=300)
        self._build_form()
        self.history = widgets.HTML()
        controls = [self.level, self.kpi_set, self.severity, self.days, self.breach]
        main = [
            widgets.HTML(_PHONE_STYLE),
            self.summary,
            self.chart,
            self.detail,
            self.cause_chart,
            self.form,
            self.history,
        ]
        self.widget = self._compose(controls=controls, main=main)
        self.widget.add_class("kpikit-governance")
        self._holding = False
        self._ahead = Prefetch()
        self._data_changed()

    # --- widgets ---------------------------------------------------------------------------

    def _build_form(self) -> None:
        def text(description, placeholder, area=False):
            kind = widgets.Textarea if area else widgets.Text
            box = kind(description=description, placeholder=placeholder)
            box.layout.width = "auto"
            return box

        self.author = text("Your name", "who records this (required)")
        self.action_status = widgets.Dropdown(
            options=list(STATUSES), value="open", description="Status"
        )
        self.owner = text("Owner", "who leads the improvement")
        self.root_cause = text("Root cause", "what caused the miss", area=True)
        self.plan = text("Plan", "what will be done", area=True)
        self.milestones = text(
            "Milestones",
            "one a line: 2026-07-20 retrain billing agents ([x] when reached)",
            area=True,
        )
        self.due_date = widgets.DatePicker(description="Due date")
        self.comment = text("Comment", "a note for the history")
        self.use_findings = widgets.Button(
            description="Copy computed root cause", tooltip="Put the findings above in Root cause"
        )
        self.save = widgets.Button(description="Save to register", button_style="primary")
        self.use_findings.layout.width = self.save.layout.width = "auto"
        self.form_message = widgets.HTML()
        self.use_findings.on_click(self._on_use_findings)
        self.save.on_click(self._on_save)
        for box in (self.root_cause, self.plan, self.milestones):
            box.layout.height = "70px"
        self.form = widgets.VBox(
            [
                widgets.HTML(section_heading("Action for this breach")),
                self.author,
                self.action_status,
                self.owner,
                self.root_cause,
                self.plan,
                self.milestones,
                self.due_date,
                self.comment,
                widgets.HBox([self.use_findings, self.save], layout={"flex_flow": "row wrap"}),
                self.form_message,
            ],
            layout=widgets.Layout(width="100%", max_width="760px"),
        )

    # --- data ------------------------------------------------------------------------------

    def _on_data(self) -> None:
        import narwhals as nw

        columns = set(nw.from_native(self.data.contacts).collect_schema().names())
        levels = [key for key, column in LEVELS.items() if column is None or column in columns]
        self._ahead.cancel()
        self._caches = _Caches(
            data=self.data,
            end=_data_end(self.data),
            compute_options={
                "options": self.engine_options,
                "validate": not _passes_checks(self.data, self.engine_options),
            },
        )
        self._holding = True
        try:
            refill(self.level, [(_LEVEL_LABELS[key], key) for key in levels], self._requested_level)
            self._requested_level = None
        finally:
            self._holding = False
        super()._on_data()

    def _by(self, level=None) -> list:
        column = LEVELS[self.level.value if level is None else level]
        return [] if column is None else [column]

    def _view_key(self) -> tuple:
        return (self.level.value, self.kpi_set.value, self.severity.value, self.days.value)

    def _found(self, level, kpi_set, severity, caches) -> pd.DataFrame:
        key = (level, kpi_set, severity)
        if key not in caches.found:
            targets = self._targets
            if kpi_set == "governance":
                targets = targets[targets["kpi"].isin(GOVERNANCE_KPIS)].reset_index(drop=True)
            caches.found[key] = breaches(
                caches.data,
                targets,
                by=self._by(level) or None,
                freq="day",
                include_amber=severity == "amber",
                **caches.compute_options,
            )
        return caches.found[key]

    def _now(self, caches) -> pd.Timestamp:
        """The moment deadlines are checked against: ``as_of``, else the end of the data's
        last day (not of its last breach: a breach days before the end is overdue by then)."""
        if self._as_of is not None:
            return _in_zone_of(self._as_of, caches.end)
        if caches.end is not None:
            return caches.end
        return pd.Timestamp.now("UTC").tz_localize(None)  # the register reads naive times as UTC

    def _view(self, key) -> "_View":
        """The view of the controls' values ``key``: computed ahead, kept, or computed now;
        redrawn when the register changed what is overdue since."""
        view = self._caches.views.get(key) or self._ahead.take(key)
        if view is None:
            view = self._computed_view(key, self._caches)
        else:
            overdue = self._overdue(view.window, view.as_of)
            if overdue != view.overdue:
                view = self._drawn_view(key, view.window, view.as_of, overdue, view.held_back)
        self._caches.views[key] = view
        return view

    def _computed_view(self, key, caches) -> "_View":
        level, kpi_set, severity, days = key
        found = self._found(level, kpi_set, severity, caches)
        as_of = self._now(caches)
        window = _in_window(found, as_of, days).set_index("breach_id", drop=False)
        held_back = held_back_html(found.attrs.get("note", ""))
        return self._drawn_view(key, window, as_of, self._overdue(window, as_of), held_back)

    def _drawn_view(self, key, window, as_of, overdue, held_back) -> "_View":
        level, _, _, days = key
        by = self._by(level)
        figure = kpikit.plots.breach_timeline(
            window, by=by, overdue=overdue, title=f"Breaches by day, as of {as_of:%d %b %Y}"
        )
        latest = window.sort_values(["period", "gap"], ascending=[False, False])
        options = [(breach_label(row, by), row["breach_id"]) for _, row in latest.iterrows()]
        summary = summary_html(window, overdue, as_of, days, by) + held_back
        return _View(window, as_of, overdue, figure, options, summary, held_back)

    def _compute_ahead(self) -> None:
        """Start computing, in the background, the views of the other levels (the control a
        manager goes through first); the first change of level then finds its view ready."""
        _, kpi_set, severity, days = self._view_key()
        caches = self._caches
        for _, value in self.level.options:
            key = (value, kpi_set, severity, days)
            if key not in caches.views and key not in self._ahead:
                self._ahead.submit(key, functools.partial(self._view_ahead, key, caches))

    def _view_ahead(self, key, caches) -> "_View":
        # In the worker thread: the view and the root cause of the breach it shows first.
        view = self._computed_view(key, caches)
        if view.options:
            self._cause(view.window.loc[view.options[0][1]], caches)
        return view

    # --- downloads -------------------------------------------------------------------------

    def excel_sheets(self) -> list[Sheet]:
        """The view as sheets: the window's breaches with their clocks and the register's
        action, and the root cause of the breach on show (the bars of its chart).

        The charts' data alone (the default) held the days and labels of the marks, not the
        values, deadlines or actions."""
        view = self._view(self._view_key())
        actions = self.register.actions(as_of=view.as_of)
        sheets = [_breaches_sheet(view.window, self._by(), view.overdue, actions)]
        breach_id = self.breach.value
        if breach_id is not None and breach_id in view.window.index:
            cause, _ = self._cause(view.window.loc[breach_id], self._caches)
            sheets.append(_cause_sheet(breach_id, contributor_bars(cause)))
        return sheets

    # --- drawing ---------------------------------------------------------------------------

    def _update(self) -> None:
        self._ahead.touch()
        view = self._view(self._view_key())
        self.chart.draw(view.figure)
        self._window = view.window
        self._sync_breach_options(view.options)
        self.summary.value = view.summary
        self._show_breach()
        self._compute_ahead()

    def _overdue(self, window: pd.DataFrame, as_of) -> dict:
        """What is overdue per breach of the window, registered or not."""
        actions = self.register.actions(as_of=as_of)
        recorded = dict(zip(actions["breach_id"], actions["overdue"], strict=True))
        overdue = {}
        for row in window.itertuples(index=False):
            if row.breach_id in recorded:
                overdue[row.breach_id] = recorded[row.breach_id]
                continue
            late = []
            if as_of > row.root_cause_due:
                late.append("root cause")
            if as_of > row.plan_due:
                late.append("plan")
            overdue[row.breach_id] = ", ".join(late)
        return overdue

    def _sync_breach_options(self, options) -> None:
        self._holding = True
        try:
            current = self.breach.value
            self.breach.options = options
            values = [value for _, value in options]
            if current in values:
                self.breach.value = current
            elif values:
                self.breach.value = values[0]
        finally:
            self._holding = False

    def _show_breach(self) -> None:
        breach_id = self.breach.value
        if breach_id is None or breach_id not in self._window.index:
            self.detail.value = "<p>No breach in this window.</p>"
            self.cause_chart.draw(kpikit.plots.root_cause_bars(EMPTY_BARS))
            self._fill_form({})
            self.history.value = ""
            return
        row = self._window.loc[breach_id]
        # the register's state first: the form shows it, and the clocks stop where it holds
        # what they ask for (_detail_html)
        taken = self.register.id_taken(row)
        self._fill_form({} if taken else self.register.state(breach_id))
        self.history.value = "" if taken else history_html(self.register.history(breach_id))
        if taken:  # the form and history were another breach's (and saving failed)
            self.form_message.value = alert_html(_id_taken_text(taken))
        caches = self._caches
        loop = kernel_loop()
        if breach_id in caches.causes or loop is None:
            self._draw_cause(row, caches)
        else:  # in a kernel the root cause is worked out in a worker thread: the page stays live
            self.detail.value = self._detail_html(row, None)
            self.cause_chart.draw(kpikit.plots.root_cause_bars(EMPTY_BARS))
            future = loop.run_in_executor(None, self._cause, row, caches)
            future.add_done_callback(lambda _future: self._cause_ready(breach_id, caches))

    def _cause_ready(self, breach_id, caches) -> None:
        # On the kernel's loop, where widgets may change; a breach or data left meanwhile keeps
        # its cause in the caches. A failed computation runs again here to show its error.
        if caches is not self._caches or self.breach.value != breach_id:
            return
        try:
            self._draw_cause(self._window.loc[breach_id], caches)
        except ValueError as error:
            self.show_error(f"Could not work out the root cause of this breach: {error}")

    def _draw_cause(self, row, caches) -> None:
        cause, bars = self._cause(row, caches)
        self.detail.value = self._detail_html(row, cause)
        self.cause_chart.draw(bars)

    def _cause(self, row, caches) -> tuple:
        """The root cause of a breach and its chart, computed once."""
        if row["breach_id"] not in caches.causes:
            cause = root_cause(caches.data, row, cache=caches.sums, **caches.compute_options)
            bars = kpikit.plots.root_cause_bars(contributor_bars(cause))
            caches.causes[row["breach_id"]] = cause, bars
        return caches.causes[row["breach_id"]]

    def _detail_html(self, row, cause) -> str:
        as_of = self._now(self._caches)
        recorded = self._recorded()
        clocks = []
        for label, name in (("Root cause", "root_cause"), ("Plan", "plan")):
            due = row[f"{name}_due"]
            hours = (due - as_of).total_seconds() / 3600
            if name in recorded:  # a clock stops once the register holds what it asks for
                state = "recorded"
            else:
                state = f"overdue by {duration(-hours)}" if hours < 0 else f"{duration(hours)} left"
            clocks.append(f"{label} due {due:%a %d %b %H:%M} ({state})")
        clocks = f"<p>{html.escape(' · '.join(clocks))}.{html.escape(run_text(row))}</p>"
        if cause is None:  # on its way
            return (
                "<h2 style='margin: 12px 0 4px; font-size: 1em; font-weight: bold' "
                f"role='status'>Working out the root cause of this breach…</h2>{clocks}"
            )
        items = "".join(f"<li>{figures_html(text)}</li>" for text in cause.findings[:6])
        return (
            section_heading(figures_html(cause.headline))
            + unbroken_figures(clocks)
            + f"<p><strong>Computed root cause</strong></p><ul>{items}</ul>"
        )

    def _recorded(self) -> set:
        """The fields of the shown breach's action the register holds a text for, from the
        state the form was filled with (none when the breach's id is another's), as
        :meth:`ActionRegister.actions` judges what is overdue."""
        return {field for field, change in self._seen.items() if change.value}

    def _fill_form(self, state: dict) -> None:
        self._seen = state
        self.action_status.value = state["status"].value if "status" in state else "open"
        for name in _TEXT_FIELDS:
            getattr(self, name).value = state[name].value if name in state else ""
        due = state.get("due_date")
        self.due_date.value = dt.date.fromisoformat(due.value) if due and due.value else None
        self.form_message.value = ""

    # --- events ----------------------------------------------------------------------------

    def _on_breach(self, change=None) -> None:
        if self._holding:
            return
        self.message.value = ""
        self._show_breach()

    def _on_point_click(self, points: list[dict]) -> None:
        """A click on a mark of the calendar shows that breach."""
        ids = [point.get("customdata") for point in points]
        ids = [breach_id for breach_id in ids if breach_id in dict(self.breach.options).values()]
        if ids:
            self.breach.value = ids[0]

    def _on_use_findings(self, _button=None) -> None:
        breach_id = self.breach.value
        if breach_id is None:
            return
        cause, _ = self._cause(self._window.loc[breach_id], self._caches)
        self.root_cause.value = "\n".join(cause.findings[:3])

    def _on_save(self, _button=None) -> None:
        breach_id = self.breach.value
        if breach_id is None:
            self.form_message.value = alert_html("Choose a breach first.")
            return
        changes = {}
        status = self._seen["status"].value if "status" in self._seen else "open"
        if self.action_status.value != status:
            changes["status"] = self.action_status.value
        for name in _TEXT_FIELDS:
            value = getattr(self, name).value.strip()
            if value != (self._seen[name].value if name in self._seen else ""):
                changes[name] = value
        due = self.due_date.value.isoformat() if self.due_date.value else ""
        seen_due = self._seen["due_date"].value if "due_date" in self._seen else ""
        if due != seen_due:
            changes["due_date"] = due
        if not changes:
            self.form_message.value = "<p>Nothing changed.</p>"
            return
        row = self._window.loc[breach_id]
        taken = self.register.id_taken(row)
        if taken:
            self.form_message.value = alert_html(_id_taken_text(taken))
            return
        try:
            recorded = self.register.record(
                row, author=self.author.value, seen=self._seen, **changes
            )
        except ValueError as error:
            self.form_message.value = alert_html(str(error))
            return
        text = f"Saved {len(recorded.event_ids)} change{'s' * (len(recorded.event_ids) != 1)}."
        for name, other in recorded.conflicts.items():
            text += (
                f"\n{other.author} had changed {name.replace('_', ' ')} meanwhile "
                f"({other.recorded_at:%d %b %H:%M} UTC): “{other.value}”. Both are kept in the "
                "history; yours is now the current one."
            )
        self._redraw()
        self.form_message.value = (
            alert_html(text) if recorded.conflicts else f"<p>{html.escape(text)}</p>"
        )


def _breaches_sheet(window, by, overdue: dict, actions: pd.DataFrame) -> Sheet:
    """The breaches of the window, latest first: what missed, by how much, its clocks, what is
    overdue and the action recorded (empty where none is); value, target and gap rounded to the
    KPI's unit, the severity tinted."""
    rows = window.sort_values(["period", "gap"], ascending=[False, False]).reset_index(drop=True)
    recorded = actions.set_index("breach_id")
    table = pd.DataFrame(
        {
            "Breach id": rows["breach_id"],
            "KPI": rows["name"],
            **{column_label(column): rows[column] for column in by},
            "Period": rows["period"],
            "Unit": rows["unit"],
            "Value": rows["value"],
            "Target": rows["target"],
            "Gap": rows["gap"],
            "Severity": rows["status"].map(RAG_LABELS),
            "Root cause due": rows["root_cause_due"],
            "Plan due": rows["plan_due"],
            "Overdue": rows["breach_id"].map(overdue).fillna(""),
            **{
                label: _action_values(field, rows["breach_id"].map(recorded[field]))
                for field, label in _ACTION_COLUMNS.items()
            },
        }
    )
    places = rows["unit"].map(DECIMALS)
    decimals = pd.DataFrame(
        {column: places if column in ("Value", "Target", "Gap") else None for column in table},
        index=table.index,
        dtype=object,
    )
    fills = pd.DataFrame(
        {
            column: rows["status"].map(RAG_TINTS) if column == "Severity" else None
            for column in table
        },
        index=table.index,
        dtype=object,
    )
    return Sheet("Breaches", table, decimals=decimals, fills=fills, frozen_columns=1)


def _action_values(field: str, values: pd.Series) -> pd.Series:
    """An action field of the register for the breaches sheet, empty where none is recorded;
    the due date (``"2026-09-15"``, ``""`` when cleared) as a date, so that the sheet holds an
    Excel date as in its other date columns.

    >>> _action_values("due_date", pd.Series(["2026-09-15", "", None])).tolist()
    [Timestamp('2026-09-15 00:00:00'), NaT, NaT]
    >>> _action_values("owner", pd.Series(["Ana", None])).tolist()
    ['Ana', '']
    """
    if field != "due_date":
        return values.fillna("")
    return pd.to_datetime(values.where(values.notna() & (values != ""), None), format="%Y-%m-%d")


def _cause_sheet(breach_id: str, bars: pd.DataFrame) -> Sheet:
    """The root cause's chart as a table: each contributor's share of the miss, split as the
    bars are (:func:`kpikit.apps._governance_html.contributor_bars`)."""
    table = pd.DataFrame(
        {
            "Breach id": breach_id,
            "Contributor": bars["label"],
            "Weaker performance (% of the miss)": bars["performance"],
            "More volume than usual, mix (% of the miss)": bars["mix"],
        }
    )
    return Sheet(
        "Root cause",
        table,
        decimals={column: 1 for column in table.columns if column.endswith("of the miss)")},
        frozen_columns=2,
    )


@dataclass
class _Caches:
    """What the app computed from one dataset: breaches by (level, KPI set, severity), views
    by the controls' values, root causes (and their charts) by breach id, and the sums behind
    them (:func:`kpikit.governance.root_cause`'s ``cache``). Replaced when the data changes."""

    data: object
    end: pd.Timestamp | None
    compute_options: dict
    found: dict = field(default_factory=dict)
    views: dict = field(default_factory=dict)
    causes: dict = field(default_factory=dict)
    sums: dict = field(default_factory=dict)


def _in_zone_of(stamp: pd.Timestamp, reference: pd.Timestamp | None) -> pd.Timestamp:
    """``stamp`` as the same instant in ``reference``'s zone (without a zone, UTC: the
    register reads zone-less times as UTC), so that it compares with the data's times.

    >>> _in_zone_of(pd.Timestamp("2026-07-08 12:00"), pd.Timestamp("2026-07-09", tz="Europe/Paris"))
    Timestamp('2026-07-08 14:00:00+0200', tz='Europe/Paris')
    >>> _in_zone_of(pd.Timestamp("2026-07-08 14:00", tz="Europe/Paris"), pd.Timestamp("2026-07-09"))
    Timestamp('2026-07-08 12:00:00')
    """
    if reference is None:
        return stamp
    instant = utc_instant(stamp)
    if reference.tz is None:
        return instant.tz_localize(None)
    return instant.tz_convert(reference.tz)


def _in_window(found: pd.DataFrame, as_of: pd.Timestamp, days: int) -> pd.DataFrame:
    """The breaches of the days that started in the ``days`` days before ``as_of``: a later day
    had not begun then (the default ``as_of``, the midnight ending the data's last day, keeps
    that day in). The days are counted on the wall clock of the data's zone: ``days`` times 24
    hours back from a midnight after the clocks went back end an hour into the window's first
    day, which was left out (13 days shown for "the 14 days to").

    >>> periods = pd.date_range("2026-10-17", "2026-10-31", freq="D", tz="Europe/Paris")
    >>> as_of = pd.Timestamp("2026-11-01", tz="Europe/Paris")
    >>> window = _in_window(pd.DataFrame({"period": periods}), as_of, 14)
    >>> print(len(window), window["period"].min())
    14 2026-10-18 00:00:00+02:00
    """
    start = _wall_or_elapsed(pd.DatetimeIndex([as_of]), pd.DateOffset(days=-days))[0]
    period = found["period"]
    return found[(period >= start) & (period < as_of)]


def _data_end(data) -> pd.Timestamp | None:
    """The end of the last day with an arrival (its next midnight, in the data's zone), or
    None without arrivals."""
    _, last = data_span(data.contacts)
    if last is None or pd.isna(last):
        return None
    return period_end(pd.Timestamp(last).normalize(), "day")


@dataclass
class _View:
    """What the page shows for one set of control values, up to the chosen breach."""

    window: pd.DataFrame
    as_of: pd.Timestamp
    overdue: dict
    figure: object
    options: list
    summary: str
    held_back: str


def _passes_checks(data, options) -> bool:
    """True when every table of ``data`` passes the value checks :func:`kpikit.compute` runs
    (:func:`kpikit.schema.check`, with the options' survey scale): the app then checks once,
    here, instead of in each of its computations. Data with problems is checked in each
    computation as before, so those report them as they always did."""
    from kpikit.schema import check

    return not check(data, csat_scale=options.csat_scale).problems


def _id_taken_text(taken: str) -> str:
    """What the form says of a breach whose id the register holds for another breach
    (:meth:`ActionRegister.id_taken`), in words a manager can act on."""
    return (
        f"The register holds another breach under this one's id ({taken}): most likely the "
        "same KPI, group and day, recorded from a log whose times were in another time zone. "
        "Its actions are not shown here, and this breach's cannot be saved in this register; "
        "keep the actions of this log in a register of their own (the dashboards' "
        "KPIKIT_REGISTER_URL)."
    )
