"""SLA governance dashboard: breaches by day with their clocks, the root cause of the one chosen,
and the action the manager records for it in the register."""

import datetime as dt
import html

import ipywidgets as widgets
import pandas as pd

import kpikit.plots
from kpikit.apps._base import BaseApp, alert_html
from kpikit.apps._channels import refill
from kpikit.apps._chart import Chart
from kpikit.apps.params import Param
from kpikit.governance import (
    GOVERNANCE_KPIS,
    STATUSES,
    ActionRegister,
    breaches,
    root_cause,
)
from kpikit.governance import words as governance_words
from kpikit.sample import load_targets
from kpikit.scorecard import format_value, read_targets

__all__ = ["GovernanceApp"]

LEVELS = {"site": "site", "center": None, "team": "team", "queue": "queue"}
"""Levels breaches are found at and the contacts column each groups by (None: whole center)."""

_LEVEL_LABELS = {"site": "Site", "center": "Center", "team": "Team", "queue": "Queue"}
_KPI_SETS = {"governance": "Governance KPIs", "all": "Every KPI with a target"}
_SEVERITIES = {"red": "Missed beyond tolerance", "amber": "Every miss (amber too)"}
_WINDOWS = {14: "Last 14 days", 30: "Last 30 days", 90: "Last 90 days"}
_TEXT_FIELDS = ("owner", "root_cause", "plan", "milestones", "comment")
_MAX_HISTORY_ROWS = 50
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
        (the sample is in the past).
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
        self._as_of = pd.Timestamp(as_of) if as_of is not None else None
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
        self._on_data()

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
                widgets.HTML("<h4 style='margin: 12px 0 4px'>Action for this breach</h4>"),
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
        self._found_cache = {}
        self._causes = {}
        self._sums = {}
        self._holding = True
        try:
            refill(self.level, [(_LEVEL_LABELS[key], key) for key in levels], self._requested_level)
            self._requested_level = None
        finally:
            self._holding = False
        super()._on_data()

    def _by(self) -> list:
        column = LEVELS[self.level.value]
        return [] if column is None else [column]

    def _found(self) -> pd.DataFrame:
        key = (self.level.value, self.kpi_set.value, self.severity.value)
        if key not in self._found_cache:
            targets = self._targets
            if self.kpi_set.value == "governance":
                targets = targets[targets["kpi"].isin(GOVERNANCE_KPIS)].reset_index(drop=True)
            self._found_cache[key] = breaches(
                self.data,
                targets,
                by=self._by() or None,
                freq="day",
                include_amber=self.severity.value == "amber",
                options=self.engine_options,
            )
        return self._found_cache[key]

    def _now(self, found: pd.DataFrame) -> pd.Timestamp:
        if self._as_of is not None:
            return self._as_of
        return found["period_end"].max() if len(found) else pd.Timestamp.now()

    # --- drawing ---------------------------------------------------------------------------

    def _update(self) -> None:
        found = self._found()
        as_of = self._now(found)
        window = found[found["period"] >= as_of - pd.Timedelta(days=self.days.value)]
        actions = self.register.actions(as_of=as_of)
        overdue = self._overdue(window, actions)
        self._window = window.set_index("breach_id", drop=False)
        self._sync_breach_options(window)
        self.chart.draw(
            kpikit.plots.breach_timeline(
                window,
                by=self._by(),
                overdue=overdue,
                title=f"Breaches by day, as of {as_of:%d %b %Y}",
            )
        )
        self.summary.value = self._summary_html(window, overdue, as_of)
        self.summary.value += _held_back_html(found)
        self._show_breach()

    def _overdue(self, window: pd.DataFrame, actions: pd.DataFrame) -> dict:
        """What is overdue per breach of the window, registered or not."""
        recorded = dict(zip(actions["breach_id"], actions["overdue"], strict=True))
        as_of = self._now(window)
        overdue = {}
        for row in window.itertuples():
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

    def _summary_html(self, window, overdue, as_of) -> str:
        red = int((window["status"] == "red").sum())
        late_cause = sum("root cause" in text for text in overdue.values())
        late_plan = sum("plan" in text for text in overdue.values())
        persistent = window[window["persistent"] > 0]
        text = (
            f"<p><strong>{len(window)} breaches</strong> in the {self.days.value} days to "
            f"{as_of:%a %d %b %Y %H:%M} ({red} beyond tolerance): <strong>{late_cause} root "
            f"causes</strong> and <strong>{late_plan} plans</strong> overdue (a root cause is due "
            "48 hours after the day closes, a plan 7 days after). Ringed marks are overdue; "
            "click a mark for its root cause.</p>"
        )
        if len(persistent):
            names = sorted(
                {f"{row['name']} at {self._group_text(row)}" for _, row in persistent.iterrows()}
            )
            text += "<p>In breach for 60 days or more: " + html.escape("; ".join(names)) + ".</p>"
        return text

    def _sync_breach_options(self, window: pd.DataFrame) -> None:
        latest = window.sort_values(["period", "gap"], ascending=[False, False])
        options = [(self._breach_label(row), row["breach_id"]) for _, row in latest.iterrows()]
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

    def _breach_label(self, row) -> str:
        group = self._group_text(row)
        value = format_value(row["value"], row["unit"])
        return f"{row['period']:%d %b} · {group} · {row['name']} {value}"

    def _group_text(self, row) -> str:
        by = self._by()
        return " · ".join(str(row[key]) for key in by) if by else "center"

    def _show_breach(self) -> None:
        breach_id = self.breach.value
        if breach_id is None or breach_id not in self._window.index:
            self.detail.value = "<p>No breach in this window.</p>"
            self.cause_chart.draw(kpikit.plots.root_cause_bars(_EMPTY_BARS))
            self._fill_form({})
            self.history.value = ""
            return
        row = self._window.loc[breach_id]
        cause = self._cause(row)
        self.detail.value = self._detail_html(row, cause)
        self.cause_chart.draw(kpikit.plots.root_cause_bars(_contributor_bars(cause)))
        self._fill_form(self.register.state(breach_id))
        self.history.value = _history_html(self.register.history(breach_id))

    def _cause(self, row):
        if row["breach_id"] not in self._causes:
            self._causes[row["breach_id"]] = root_cause(
                self.data, row, cache=self._sums, options=self.engine_options
            )
        return self._causes[row["breach_id"]]

    def _detail_html(self, row, cause) -> str:
        as_of = self._now(self._window)
        clocks = []
        for label, due in (("Root cause", row["root_cause_due"]), ("Plan", row["plan_due"])):
            hours = (due - as_of).total_seconds() / 3600
            state = f"overdue by {_duration(-hours)}" if hours < 0 else f"{_duration(hours)} left"
            clocks.append(f"{label} due {due:%a %d %b %H:%M} ({state})")
        run = ""
        if row["periods_in_breach"] > 1:
            run = f" In breach {row['periods_in_breach']} days in a row"
            run += f", flagged at {row['persistent']} days." if row["persistent"] else "."
        items = "".join(f"<li>{html.escape(text)}</li>" for text in cause.findings[:6])
        return (
            f"<h4 style='margin: 12px 0 4px'>{html.escape(cause.headline)}</h4>"
            f"<p>{html.escape(' · '.join(clocks))}.{html.escape(run)}</p>"
            f"<p><strong>Computed root cause</strong></p><ul>{items}</ul>"
        )

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
        cause = self._cause(self._window.loc[breach_id])
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
        self._update()
        self.form_message.value = (
            alert_html(text) if recorded.conflicts else f"<p>{html.escape(text)}</p>"
        )


_EMPTY_BARS = pd.DataFrame({"label": [], "performance": [], "mix": []})


def _contributor_bars(cause) -> pd.DataFrame:
    """The hot spots and each dimension's largest segment, in percent of the miss."""
    rows = []
    spots = cause.hot_spots
    if not spots.empty:
        labels = [c for c in ("weekday", "hours", "queue", "team") if c in spots.columns]
        for _, spot in spots.head(3).iterrows():
            rows.append((" ".join(map(str, spot[labels])), spot))
    for dimension, segments in cause.segments.groupby("dimension", sort=False):
        best = segments.sort_values("contribution", ascending=False).iloc[0]
        label = governance_words.DIMENSION_LABELS.get(dimension, dimension)
        rows.append((f"{label}: {best['segment']}", best))
    if not cause.gap > 0:
        return _EMPTY_BARS
    frame = pd.DataFrame(
        {
            "label": [label for label, _ in rows],
            "performance": [100 * row["performance"] / cause.gap for _, row in rows],
            "mix": [100 * row["mix"] / cause.gap for _, row in rows],
        }
    )
    total = frame["performance"] + frame["mix"]
    return (
        frame[total > 0]
        .assign(_total=total)
        .sort_values("_total", ascending=False)
        .drop(columns="_total")
        .head(8)
    )


def _held_back_html(found: pd.DataFrame) -> str:
    """The note of :func:`kpikit.breaches` on provisional FCR held back ("" without one)."""
    note = found.attrs.get("note", "")
    return f"<p><small>{html.escape(note)}</small></p>" if note else ""


def _history_html(history: pd.DataFrame) -> str:
    if history.empty:
        return "<p><small>No action recorded for this breach yet.</small></p>"
    rows = []
    for event in history.tail(_MAX_HISTORY_ROWS).iloc[::-1].itertuples():
        value = event.value if len(event.value) <= 200 else event.value[:199] + "…"
        conflict = " ⚠ made on an older view" if event.conflict else ""
        rows.append(
            "<tr>"
            f"<td>{event.recorded_at:%Y-%m-%d %H:%M}</td>"
            f"<td>{html.escape(event.author)}</td>"
            f"<td>{html.escape(event.field.replace('_', ' '))}</td>"
            f"<td style='white-space: pre-wrap'>{html.escape(value)}{conflict}</td></tr>"
        )
    return (
        "<h4 style='margin: 12px 0 4px'>History (UTC, newest first)</h4>"
        "<div class='kpikit-scroll'><table><thead><tr><th>when</th><th>who</th><th>field</th>"
        f"<th>value</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _duration(hours: float) -> str:
    if hours >= 48:
        return f"{hours / 24:.0f} days"
    return f"{hours:.0f} hours"
