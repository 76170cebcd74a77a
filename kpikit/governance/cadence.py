"""Cadence reports: what the daily, weekly, monthly and quarterly reviews of an operation look at.

A report is a list of :class:`Section` objects (a title, findings in plain words, a table) that
:mod:`kpikit.governance.pages` writes as one offline HTML page and one Excel workbook.

- **daily**: volume, service level, abandonment and ASA by group with volume against the usual
  for the weekday; the day's breaches with their deadlines; actions overdue or due within two
  days (a missing root cause or plan, the action's due date, a milestone not reached).
- **weekly**: every KPI with a target against the previous week, significant changes called out
  (:func:`kpikit.scorecard.rate`'s trend test), the last eight weeks; days in breach.
- **monthly**: the scorecard; the root cause of every miss of the governance KPIs
  (:func:`kpikit.governance.root_cause`); open actions, overdue first.
- **quarterly**: target review (weekly values against target and benchmarks, a suggested next
  target on the progressive ramp), cost per contact by month, groups flagged for persistent
  underperformance.

The monthly and quarterly parts are in :mod:`kpikit.governance.reviews`.
"""

import datetime as dt
from dataclasses import dataclass, field

import narwhals as nw
import numpy as np
import pandas as pd

from kpikit._frames import collected, pandas_frame
from kpikit._scorecard.threshold import at_target_threshold, computed_thresholds
from kpikit._validators import check_choice, check_timestamp, column_names, shown
from kpikit.catalog import KPI_IDS, SECTORS
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import DECIMALS, rated_decimals, rated_value_text, signed_text
from kpikit.governance import words
from kpikit.governance._store import utc_instant
from kpikit.governance.breaches import breaches, period_end
from kpikit.governance.register import ActionRegister, _dated_lines, _day_end
from kpikit.metrics._checked_once import checked_once
from kpikit.metrics._sources import scanned
from kpikit.periods import day_bounds
from kpikit.provisional import provisional_in
from kpikit.schema import Dataset
from kpikit.scorecard import format_value, rate, read_targets

__all__ = [
    "CADENCES",
    "GOVERNANCE_KPIS",
    "CadenceReport",
    "Section",
    "cadence_report",
]

CADENCES = ("daily", "weekly", "monthly", "quarterly")

GOVERNANCE_KPIS = (
    "service_level",
    "abandonment_rate",
    "aht",
    "fcr",
    "csat",
    "cost_per_contact",
)
"""The primary KPIs of SLA governance (five to seven, as the usual advice goes): the daily
report, the monthly root causes and the quarterly persistence flags look at these; the weekly
report and the monthly scorecard cover every KPI with a target."""

WHOLE_CENTER = "whole center"
PROVISIONAL = "provisional"
"""Report status of an FCR whose repeat window is still open (:mod:`kpikit.provisional`)."""

_FREQ = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}
_TITLES = {
    "daily": "Daily report",
    "weekly": "Weekly summary",
    "monthly": "Monthly business review",
    "quarterly": "Quarterly strategic review",
}


@dataclass(frozen=True)
class Rated:
    """A table cell showing a value with its status (the page tints it and adds the mark)."""

    text: str
    status: str


@dataclass(frozen=True)
class Shown:
    """A number cell shown as ``text``: a rated value written with the decimals that keep it
    apart from its target (:func:`apart_from_target`), beside its status."""

    text: str


@dataclass
class Section:
    """One part of a report: a title, findings in plain words and a table.

    ``sheet`` names the Excel sheet of the table; sections sharing a sheet are stacked on it
    with a ``section`` column. ``display``, when given, is what the page shows instead of
    ``table`` (a compact view; the workbook keeps the full table).
    """

    title: str
    lines: list = field(default_factory=list)
    table: pd.DataFrame | None = None
    sheet: str | None = None
    level: int = 2
    display: pd.DataFrame | None = None


@dataclass
class CadenceReport:
    """A cadence report: what period it covers and its sections (see :func:`cadence_report`)."""

    cadence: str
    title: str
    start: pd.Timestamp
    end: pd.Timestamp
    groups: str
    sections: list
    generated: str = ""
    partial: str = ""
    """A sentence when the data covers part of the period only (:func:`partial_note`)."""

    @property
    def period_label(self) -> str:
        """The period covered, in words."""
        return words.period_text(self.start, _FREQ[self.cadence])


@dataclass
class _Context:
    data: Dataset
    targets: pd.DataFrame
    by: list
    start: pd.Timestamp
    end: pd.Timestamp
    register: object
    sector: str
    kpis: tuple
    options: dict
    cache: dict = field(default_factory=dict)

    def breaches(self, freq, **kwargs):
        key = ("breaches", freq, tuple(sorted(kwargs.items())))
        if key not in self.cache:
            targets = self.governance_targets()
            self.cache[key] = breaches(
                self.data, targets, by=self.by or None, freq=freq, **kwargs, **self.options
            )
        return self.cache[key]

    def thresholds(self, targets, by):
        """The service-level threshold(s) the computes used, for :func:`rate` to check the
        targets set at an answer threshold against (as :func:`breaches` does)."""
        return computed_thresholds(
            self.data, targets, by, self.options.get("options"), self.options
        )

    def governance_targets(self) -> pd.DataFrame:
        return self.targets[self.targets["kpi"].isin(self.kpis)].reset_index(drop=True)

    def rated(self, freq, *, targets=None, by=None, previous=False):
        """Scorecard rows (all periods) for ``freq`` and the grouping ``by``; FCR rows whose
        repeat window is still open have the status :data:`PROVISIONAL`."""
        from kpikit.metrics import compute

        by = self.by if by is None else by
        targets = self.targets if targets is None else targets
        key = ("rated", freq, tuple(by), tuple(targets["kpi"]), previous)
        if key not in self.cache:
            table = pandas_frame(compute(self.data, by=by or None, freq=freq, **self.options))
            provisional = provisional_in(table, self.data, freq, self.options)
            # freq given: read from the weeks present, weeks a month apart compared as months
            rated = rate(
                table,
                targets,
                freq=freq,
                previous=previous,
                provisional=provisional,
                sl_threshold_s=self.thresholds(targets, by),
            ).table
            # FCR whose repeat window is still open is neither met nor missed yet
            rated.loc[rated["provisional_until"].notna(), "status"] = PROVISIONAL
            self.cache[key] = rated
        return self.cache[key]


def cadence_report(
    cadence: str,
    data,
    targets,
    *,
    date=None,
    by="auto",
    register=None,
    sector: str = "all",
    kpis=GOVERNANCE_KPIS,
    **compute_options,
) -> CadenceReport:
    """Build a daily, weekly, monthly or quarterly report (see the module docstring).

    Parameters
    ----------
    cadence : {"daily", "weekly", "monthly", "quarterly"}
    data : Dataset, dataframe, str or os.PathLike
        As for :func:`kpikit.compute` (a parquet file, folder or glob is read once, by
        :func:`kpikit.metrics.scan_parquet`, in the zone of ``tz``).
    targets : str, path or DataFrame
        See :func:`kpikit.scorecard.read_targets`.
    date : date-like, default=None
        A day of the period to report (the day, its Monday-to-Sunday week, its month or its
        quarter); default: the day of the last contact.
    by : "auto", str, list of str or None, default="auto"
        Groups compared (providers, sites); "auto" takes ``site`` when the contacts have it.
    register : ActionRegister, default=None
        The action register, for the actions sections (None: those sections say so).
    sector : str, default="all"
        Benchmark sector of the quarterly target review, one of
        :data:`kpikit.catalog.SECTORS` (checked for every cadence).
    kpis : str or sequence of str, default=GOVERNANCE_KPIS
        The KPIs under SLA governance (those with a target are used; at least one must
        have one).
    **compute_options
        Passed to :func:`kpikit.compute` (defaults: :mod:`kpikit.options`, per-channel
        service-level thresholds included). Service-level targets set at an answer threshold
        (``threshold_s``, 80/20) are rated as :func:`kpikit.breaches` rates them: within that
        threshold when the threshold is left to the defaults, and another one is refused.

    Returns
    -------
    CadenceReport

    Raises
    ------
    ValueError
        An unknown cadence, sector or KPI id in ``kpis``, ``kpis`` none of which has a target,
        a ``by`` column the contacts lack, a date outside the data, or bad targets.
    TypeError
        ``register`` is not an :class:`~kpikit.governance.register.ActionRegister`; ``kpis``
        or ``by`` that is not a name or a list of names.
    """
    from kpikit.governance import reviews

    check_choice("cadence", cadence, CADENCES, "a cadence")
    check_choice("sector", sector, SECTORS, "a sector")
    if register is not None and not isinstance(register, ActionRegister):
        raise TypeError(
            "Value of 'register' must be an ActionRegister or None but received: "
            f"{shown(register)} ({type(register).__name__})"
        )
    data = scanned(data, compute_options)  # a path read as compute reads it, once
    dataset = data if isinstance(data, Dataset) else Dataset(contacts=data)
    first, last = _data_span(dataset)
    day = _report_day(date, last)
    if not _day_start(first) <= day <= _day_start(last):
        raise ValueError(
            f"Value of 'date' is outside the data ({first:%Y-%m-%d} to {last:%Y-%m-%d}); "
            f"received: {day:%Y-%m-%d}"
        )
    freq = _FREQ[cadence]
    start = _period_start(day, freq)
    targets = read_targets(targets)
    # an 80/20 target is rated within 20 s, as breaches() and the scorecard rate it
    compute_options = at_target_threshold(targets, compute_options.get("options"), compute_options)
    context = _Context(
        data=dataset,
        targets=targets,
        by=_grouping(dataset, by),
        start=start,
        end=period_end(start, freq),
        register=register,
        sector=sector,
        kpis=_governed_kpis(kpis, targets),
        options=compute_options,
    )
    builders = {
        "daily": _daily,
        "weekly": _weekly,
        "monthly": reviews.monthly,
        "quarterly": reviews.quarterly,
    }
    with checked_once(dataset):  # each table checked by the first compute that reads it
        sections = builders[cadence](context)
    return CadenceReport(
        cadence=cadence,
        title=_TITLES[cadence],
        start=context.start,
        end=context.end,
        groups=", ".join(context.by) if context.by else "the whole center",
        sections=sections,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        partial=partial_note(cadence, context.start, context.end, first, last),
    )


def partial_note(cadence: str, start, end, first, last) -> str:
    """A sentence saying which days of a week, month or quarter (``start`` to ``end``) the data
    (``first`` to ``last`` arrival) covers, when it misses whole days of it; ``""`` when it
    covers every day (a day's report is of its day: when the center closes is not known).

    >>> day = pd.Timestamp
    >>> partial_note("weekly", day("2026-08-24"), day("2026-08-31"), day("2026-06-01"),
    ...              day("2026-08-29 17:59"))
    'Partial week: the data covers 24 Aug to 29 Aug 2026 only, 6 of its 7 days.'
    >>> partial_note("daily", day("2026-08-29"), day("2026-08-30"), day("2026-06-01"),
    ...              day("2026-08-29 17:59"))
    ''
    """
    if cadence == "daily":
        return ""
    # calendar dates: a week across a clock change is 167 or 169 hours, still 7 days
    opens, closes = start.date(), end.date()
    covered_from, covered_to = max(opens, first.date()), min(closes, last.date() + _ONE_DAY)
    days, covered = (closes - opens).days, (covered_to - covered_from).days
    if covered >= days:
        return ""
    noun = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}[cadence]
    return (
        f"Partial {noun}: the data covers {covered_from:%d %b} to "
        f"{covered_to - _ONE_DAY:%d %b %Y} only, {covered} of its {days} days."
    )


_ONE_DAY = dt.timedelta(days=1)


# --- daily ----------------------------------------------------------------------------------


def _daily(context: _Context) -> list:
    first, _ = _data_span(context.data)
    # Days between calendar dates: a Timedelta overflows past 292 years (a mistyped 1900)
    program_day = (context.start.date() - first.date()).days + 1
    intro = [
        f"Day {program_day} of the data. Daily reporting matters most in the first 90 days of "
        "a program, while targets are eased and teams learn."
    ]
    volume = _volume_table(context)
    table = volume.drop(columns=[column for column in volume if column.startswith("_")])
    lines = intro + _volume_lines(volume)
    return [
        Section("Volume and service", lines, table, "volume", display=_volume_display(volume)),
        _day_breaches(context),
        actions_section(context, due_within=pd.Timedelta(days=2)),
    ]


def _volume_table(context: _Context) -> pd.DataFrame:
    from kpikit.metrics import compute

    kpis = ["contacts_offered", "contacts_handled", "service_level", "abandonment_rate"]
    rows = []
    for by in _levels(context):
        table = pandas_frame(
            compute(
                context.data,
                kpis=kpis,
                by=by or None,
                freq="day",
                **context.options,
            )
        )
        targets = context.targets[context.targets["kpi"].isin(kpis)]
        rated = table
        if len(targets):  # rated rows have a status; those of KPIs without a target stay too
            untargeted = table[~table["kpi"].isin(targets["kpi"])]
            thresholds = context.thresholds(targets, by)
            card = rate(table, targets, freq="day", previous=False, sl_threshold_s=thresholds)
            rated = pd.concat([card.table, untargeted])
        for group, frame in _by_group(rated, by):
            today = frame[frame["period"] == context.start].set_index("kpi")
            if today.empty:
                continue
            # A group with no contact that day may still have rows, empty, of the KPIs rated
            # against a target: it offered none. Counts take every contact, short abandons
            # too, while the rates follow the report's options, as its breaches do.
            counts = today["numerator"].reindex(["contacts_offered", "contacts_handled"]).fillna(0)
            row = {
                "group": group,
                "offered": counts["contacts_offered"],
                "vs usual": _versus_usual(frame, context.start),
                "answered": counts["contacts_handled"],
            }
            for kpi_id, label in (
                ("service_level", "service level (%)"),
                ("abandonment_rate", "abandonment (%)"),
            ):
                row[label] = today.loc[kpi_id, "value"] if kpi_id in today.index else np.nan
                status = today.get("status", pd.Series(dtype=object)).get(kpi_id)
                if pd.notna(status):  # a KPI without a target has none
                    row[f"{label.split(' (')[0]} status"] = status
                    # for the findings: a miss by less than the unit's decimals shows them
                    row[f"_{label} text"] = rated_value_text(today.loc[kpi_id])
                    row[f"_{label} cell"] = apart_from_target(today.loc[kpi_id])
            rows.append(row)
    return pd.DataFrame(rows)


def _versus_usual(frame: pd.DataFrame, day: pd.Timestamp) -> float:
    """Offered contacts against the mean of the same weekday over the four weeks before (%).

    Weeks are counted on the calendar: across a change of the clocks, a zone's day a week
    earlier started 167 or 169 hours before. A weekday without contacts since the group's
    first contact counts as 0 (it was left out, which read 20 contacts against Mondays of
    10, 0, 10 and 10 as +100 % rather than +167 %); weeks before it are not the group's.

    >>> days = pd.date_range("2026-03-04", periods=5, freq="7D", tz="Europe/Paris")
    >>> frame = pd.DataFrame({"kpi": "contacts_offered", "period": days,
    ...     "numerator": [10.0, 10.0, 10.0, 10.0, 20.0]})
    >>> float(_versus_usual(frame, days[-1]))  # 20 against 10: twice the usual
    100.0
    """
    offered = frame[frame["kpi"] == "contacts_offered"].set_index("period")["numerator"]
    wall = day.tz_localize(None)  # the same date 1-4 weeks back, started on the zone's clock
    earlier = [day_bounds(wall - pd.Timedelta(weeks=weeks), day.tz)[0] for weeks in range(1, 5)]
    started = offered[offered > 0].index.min()  # NaT: the group never had a contact
    usual = offered.reindex([start for start in earlier if start >= started]).fillna(0.0)
    if usual.empty or not usual.mean() > 0 or day not in offered.index:
        return np.nan
    return 100 * (offered[day] / usual.mean() - 1)


def _volume_lines(table: pd.DataFrame) -> list:
    """Each group's row of the volume table in words; a rated KPI shows its ``_... text``
    column (:func:`kpikit.display.rated_value_text`: 79.96 %, red, is not "80.0 %"). A day
    without a row (no contact at all) says so."""
    if table.empty:
        return ["No contacts this day."]
    lines = []
    for _, row in table.iterrows():
        if not row["offered"] > 0:
            lines.append(f"{row['group']}: no contacts.")
            continue
        parts = [f"{row['offered']:,.0f} contacts"]
        if np.isfinite(row["vs usual"]):
            usual = signed_text(row["vs usual"], 0)
            parts[0] += f" ({usual} % against the usual for the weekday)"
        for label, unit in (("service level (%)", "percent"), ("abandonment (%)", "percent")):
            if label in row and np.isfinite(row[label]):
                text = row.get(f"_{label} text")
                shown = text if isinstance(text, str) else format_value(row[label], unit)
                parts.append(f"{label.split(' (')[0]} {shown}")
        lines.append(f"{row['group']}: " + ", ".join(parts) + ".")
    return lines


def _volume_display(table: pd.DataFrame) -> pd.DataFrame:
    """The volume table as the page shows it: a rated KPI's value as :func:`apart_from_target`
    has it (the ``_... cell`` columns), so that 79.96 % against 80 % does not read "80.0"
    beside "missed". A KPI without a target keeps its number.

    >>> table = pd.DataFrame({"group": ["north", "south"], "service level (%)": [79.96, 90.0],
    ...     "_service level (%) cell": [Shown("79.96"), np.nan]})
    >>> _volume_display(table)["service level (%)"].tolist()
    [Shown(text='79.96'), 90.0]
    """
    shown = table.copy()
    for label in ("service level (%)", "abandonment (%)"):
        if f"_{label} cell" in shown:
            pairs = zip(shown[label], shown[f"_{label} cell"], strict=True)
            shown[label] = [cell if isinstance(cell, Shown) else v for v, cell in pairs]
    return shown.drop(columns=[column for column in shown if column.startswith("_")])


def apart_from_target(row):
    """A rated row's value as a report page's cell holds it: the number, which the page writes
    with its unit's decimals, or, where those would make it read as the edge of its rating, a
    :class:`Shown` text with the decimals that keep it apart
    (:func:`kpikit.display.rated_decimals`).

    >>> row = {"better": "higher", "unit": "percent", "target": 80.0, "value": 79.96}
    >>> apart_from_target(row), apart_from_target({**row, "value": 79.5})
    (Shown(text='79.96'), 79.5)
    """
    decimals = rated_decimals(row)
    if decimals <= DECIMALS.get(row["unit"], 1):
        return row["value"]
    return Shown(f"{row['value']:,.{decimals}f}")


def _day_breaches(context: _Context) -> Section:
    found = context.breaches("day")
    today = found[found["period"] == context.start]
    table = breach_table(today, context.by)
    red = int((today["status"] == "red").sum())
    lines = [
        f"{len(today)} breach{'es' * (len(today) != 1)} of the governance KPIs today ({red} "
        "beyond tolerance). Each needs a root-cause analysis within 48 hours of the day's end "
        "and an improvement plan within 7 days."
    ]
    for _, row in by_severity(today).head(5).iterrows():
        lines.append(_breach_line(row, context.by))
    return Section("SLA breaches of the day", lines, table, "breaches")


def breach_table(found: pd.DataFrame, by: list) -> pd.DataFrame:
    """Breaches as a report table: group, KPI, value, target, gap, status, deadlines, run."""
    ordered = by_severity(found)
    return pd.DataFrame(
        {
            "group": group_labels(ordered, by),
            "KPI": ordered["name"].to_numpy(),
            "value": ordered["value"].to_numpy(),
            "target": ordered["target"].to_numpy(),
            "gap": ordered["gap"].to_numpy(),
            "contacts short": contacts_short(ordered["shortfall"]),
            "status": ordered["status"].to_numpy(),
            "root cause due": ordered["root_cause_due"].to_numpy(),
            "plan due": ordered["plan_due"].to_numpy(),
            "periods in a row": ordered["periods_in_breach"].to_numpy(),
        }
    )


def contacts_short(shortfall):
    """The whole contacts a ``shortfall`` (a number or an array, from :func:`kpikit.breaches`)
    takes to meet the target: a part of a contact is one more, so a miss is never "0 contacts
    short" (0.5 rounded to even was), and floating-point noise past a whole number is not.

    >>> contacts_short(np.array([0.5, 4.5, 2.0000000001, 0.0])).tolist()
    [1.0, 5.0, 2.0, 0.0]
    """
    return np.ceil(np.asarray(shortfall, dtype=float) - 1e-9)


def by_severity(found: pd.DataFrame) -> pd.DataFrame:
    """Breaches red first, then by the gap relative to the target (units differ by KPI)."""
    order = found["status"].map({"red": 0, "amber": 1})
    relative = found["gap"] / found["target"].abs().where(found["target"] != 0)
    return (
        found.assign(_order=order, _relative=relative)
        .sort_values(["_order", "_relative"], ascending=[True, False], kind="stable")
        .drop(columns=["_order", "_relative"])
    )


def _breach_line(row, by) -> str:
    """A breach (a row of :func:`kpikit.breaches`) in one line: its value with more decimals
    than its unit's when these would show it as the target (79.96 % is not "80.0 % against
    80.0 %"), and the whole contacts short, one "contact" in the singular."""
    text = (
        f"{group_label(row, by)}: {row['name']} {rated_value_text(row)} against "
        f"{format_value(row['target'], row['unit'])}"
    )
    if np.isfinite(row["shortfall"]):
        short = float(contacts_short(row["shortfall"]))
        text += f", {short:,.0f} contact{'s' * (short != 1)} short"
    if row["periods_in_breach"] > 1:
        text += f"; {row['periods_in_breach']} periods in a row"
    return text + "."


def actions_section(context: _Context, *, due_within=None) -> Section:
    """Open actions from the register, overdue first (only those due soon with ``due_within``).

    With ``due_within``, an action is due soon when a deadline not met yet falls before
    ``context.end + due_within``: its root cause or plan (while missing), its due date or a
    milestone not marked reached (a date ends at midnight in the breach's zone, as
    :meth:`ActionRegister.actions` reads it). The section then says how many open actions
    were left out, so that "none due" is not read as "none open".

    Breaches of periods starting at or after the report's end (``context.end``) are left out:
    a review of June does not list August's. The actions show their state as currently
    recorded in the register (its latest events, whenever they were recorded), with what is
    overdue as of ``context.end``; they are not the state the register held at that moment."""
    title = "Actions overdue or due soon" if due_within is not None else "Open actions"
    if context.register is None:
        return Section(title, ["No action register was given: actions are not shown."])
    actions = context.register.actions(as_of=context.end)
    if not actions.empty:
        # compared as instants: a breach without a zone is UTC, as the register reads it
        end = utc_instant(context.end)
        before_end = [utc_instant(period) < end for period in actions["period"]]
        actions = actions[np.array(before_end, dtype=bool) & (actions["status"] != "done")]
    if actions.empty:
        return Section(title, ["No open actions."], None, "actions")
    if due_within is not None:
        # compared as instants: breaches in other zones (or none) may share the register
        horizon = utc_instant(context.end + due_within)
        soon = [_due_soon(row, horizon) for row in actions.itertuples()]
        open_count = len(actions)
        actions = actions[actions["overdue"].ne("") | np.array(soon, dtype=bool)]
        if actions.empty:
            days = due_within / pd.Timedelta(days=1)
            line = (
                f"No action overdue or due within {days:g} day{'s' * (days != 1)} (as of "
                f"{context.end:%Y-%m-%d %H:%M}); {open_count} open action"
                f"{'s' * (open_count != 1)} due later."
            )
            return Section(title, [line], None, "actions")
    overdue = int(actions["overdue"].ne("").sum())
    lines = [
        f"{len(actions)} open action{'s' * (len(actions) != 1)}, {overdue} overdue (as of "
        f"{context.end:%Y-%m-%d %H:%M})."
    ]
    table = pd.DataFrame(
        {
            "breach": [
                f"{kpi_definition(row['kpi']).name}, {words.group_text(row['group'])}, "
                f"{words.period_text(row['period'], row['freq'])}"
                for _, row in actions.iterrows()
            ],
            "status": actions["status"].to_numpy(),
            "overdue": actions["overdue"].to_numpy(),
            "owner": actions["owner"].to_numpy(),
            "root cause": actions["root_cause"].to_numpy(),
            "plan": actions["plan"].to_numpy(),
            "next milestone": actions["next_milestone"].to_numpy(),
            "due date": actions["due_date"].to_numpy(),
            "root cause due": actions["root_cause_due"].to_numpy(),
            "plan due": actions["plan_due"].to_numpy(),
        }
    )
    return Section(title, lines, table, "actions")


def _due_soon(action, horizon: pd.Timestamp) -> bool:
    """Whether a deadline of ``action`` (a row of :meth:`ActionRegister.actions`) not met yet
    falls by the UTC instant ``horizon``: the root cause or plan while missing, the due date,
    a milestone not marked reached."""
    if not action.root_cause and utc_instant(action.root_cause_due) <= horizon:
        return True
    if not action.plan and utc_instant(action.plan_due) <= horizon:
        return True
    days = [day for day, _, reached in _dated_lines(action.milestones) if not reached]
    if action.due_date:
        days.append(pd.Timestamp(action.due_date))
    # a date ends at midnight in the breach's zone (its period's), as actions() reads it
    return any(_day_end(day, action.period.tz) <= horizon for day in days)


# --- weekly ---------------------------------------------------------------------------------


def _weekly(context: _Context) -> list:
    rows = []
    lines = []
    for by in _levels(context):
        rated = context.rated("week", by=by, previous=True)
        for group, frame in _by_group(rated, by):
            week = frame[frame["period"] == context.start]
            recent = _last_weeks(frame[frame["period"] <= context.start])
            for row in week.to_dict("records"):
                rows.append(
                    {
                        "group": group,
                        "KPI": row["name"],
                        "this week": row["value"],
                        "previous week": row["previous"],
                        "change": row["change"],
                        "p value": row["p_value"],
                        "trend": row["trend"] if isinstance(row["trend"], str) else "",
                        "status": row["status"],
                        "last 8 weeks": recent.get(row["kpi"], []),
                        "_this week cell": apart_from_target(row),
                    }
                )
                if row["trend"] in ("up", "down"):
                    lines.append((row["p_value"], _change_line(group, row)))
    table = pd.DataFrame(rows)
    shown = None
    if rows:  # the page writes this week's value apart from its target (79.96, not 80.0)
        shown = table.assign(**{"this week": table.pop("_this week cell")})
    changes = [text for _, text in sorted(lines, key=lambda item: item[0])]
    intro = [
        f"{len(changes)} significant change{'s' * (len(changes) != 1)} against the previous "
        "week (a two-sided test at the 5 % level; other moves are within noise)."
    ]
    return [
        Section("Significant changes", intro + changes),
        Section(
            "Every KPI against its target",
            [] if rows else ["No contacts this week: there is no KPI to rate."],
            table if rows else None,
            "kpis",
            display=shown,
        ),
        _days_in_breach(context),
    ]


def _last_weeks(history: pd.DataFrame, weeks: int = 8) -> dict:
    """Each KPI's last ``weeks`` values in ``history`` (one group's rated weeks), oldest first.

    >>> history = pd.DataFrame({"kpi": ["aht", "aht", "fcr"], "value": [300, 280, 70],
    ...     "period": pd.to_datetime(["2026-01-12", "2026-01-05", "2026-01-05"])})
    >>> _last_weeks(history, weeks=8)
    {'aht': [280.0, 300.0], 'fcr': [70.0]}
    """
    ordered = history.sort_values("period", kind="stable")
    return {
        kpi_id: [float(value) for value in values.tail(weeks)]
        for kpi_id, values in ordered.groupby("kpi", sort=False)["value"]
    }


def _change_line(group: str, row) -> str:
    unit = row["unit"]
    verb = "rose" if row["trend"] == "up" else "fell"
    better = "better" if row["improved"] else "worse"
    p_value = "p < 0.001" if row["p_value"] < 0.001 else f"p = {row['p_value']:.3f}"
    return (
        f"{group}: {row['name']} {verb} from {format_value(row['previous'], unit)} to "
        f"{format_value(row['value'], unit)} ({p_value}), {better}."
    )


def _days_in_breach(context: _Context) -> Section:
    found = context.breaches("day")
    week = found[(found["period"] >= context.start) & (found["period"] < context.end)]
    if week.empty:
        return Section("Days in breach", ["No day of the week was in breach."])
    counts = (
        week.assign(group=group_labels(week, context.by))
        .pivot_table(index="group", columns="name", values="gap", aggfunc="size", fill_value=0)
        .astype(int)  # days, whole (they showed as 7.0)
        .reset_index()
    )
    counts.columns.name = None
    return Section(
        "Days in breach",
        ["Days of the week each governance KPI missed its target (amber or red), by group."],
        counts,
        "days in breach",
    )


# --- shared helpers -------------------------------------------------------------------------


def group_label(row, by: list) -> str:
    """The group of a row in words: ``"Harbor"``, ``"Harbor · billing"`` or the whole center."""
    if not by:
        return WHOLE_CENTER
    return " · ".join(words.value_text(row[key]) for key in by)


def group_labels(frame: pd.DataFrame, by: list) -> list[str]:
    """:func:`group_label` of every row of ``frame``, read column by column: ``iterrows``
    builds a Series per row, with a copy of the frame's ``attrs`` in each.

    >>> group_labels(pd.DataFrame({"site": ["Harbor", None], "queue": ["billing", 7]}),
    ...              ["site", "queue"])
    ['Harbor · billing', '(none) · 7']
    """
    if not by:
        return [WHOLE_CENTER] * len(frame)
    return [
        " · ".join(map(words.value_text, values))
        for values in zip(*(frame[key] for key in by), strict=True)
    ]


def _levels(context: _Context) -> list:
    """The groupings a table shows: the groups, then the whole center."""
    return [context.by, []] if context.by else [[]]


def _by_group(frame: pd.DataFrame, by: list):
    """Each group of ``frame`` by ``by`` (the whole center without one) as (label, rows), the
    label as :func:`group_labels` writes it: a missing value is "(none)" on the whole page."""
    if not by:
        yield WHOLE_CENTER, frame
        return
    # observed=True: a category without rows has nothing to show (pandas 2 warned about it)
    for key, rows in frame.groupby(by, sort=True, dropna=False, observed=True):
        values = key if isinstance(key, tuple) else (key,)
        yield " · ".join(map(words.value_text, values)), rows


def _governed_kpis(kpis, targets: pd.DataFrame) -> tuple:
    """The KPIs of ``kpis`` (one id or a list of them) that have a target; raises when
    ``kpis`` is not a list of KPI ids or none of them has a target."""
    names = [kpis] if isinstance(kpis, str) else kpis
    if not isinstance(names, list | tuple) or not all(isinstance(k, str) for k in names):
        raise TypeError(
            f"Value of 'kpis' must be a KPI id or a list of them such as {list(GOVERNANCE_KPIS)} "
            f"but received: {kpis!r} ({type(kpis).__name__})"
        )
    for kpi_id in names:
        check_choice("kpis", kpi_id, KPI_IDS, "a KPI id")
    governed = tuple(k for k in names if k in set(targets["kpi"]))
    if not governed:
        raise ValueError(
            f"Value of 'kpis' names no KPI with a target: the targets have "
            f"{targets['kpi'].tolist()} but received: {kpis!r}"
        )
    return governed


def _grouping(dataset: Dataset, by) -> list:
    columns = nw.from_native(dataset.contacts).collect_schema().names()
    if by == "auto":
        return ["site"] if "site" in columns else []
    keys = column_names("by", by)
    missing = [key for key in keys if key not in columns]
    if missing:
        raise ValueError(
            f"Value of 'by' names column(s) {missing} that the contacts do not have; "
            f"columns are {columns}"
        )
    return keys


def _data_span(dataset: Dataset):
    frame = nw.from_native(dataset.contacts)
    span = collected(
        frame.select(
            nw.col("arrived_at").min().alias("first"), nw.col("arrived_at").max().alias("last")
        )
    )
    first, last = span.row(0)
    if first is None or pd.isna(first):  # pandas gives NaT, other engines None
        raise ValueError("The contacts are empty: there is nothing to report")
    return pd.Timestamp(first), pd.Timestamp(last)


def _report_day(date, last: pd.Timestamp) -> pd.Timestamp:
    """The midnight starting the day to report: that of ``date`` on the clock of the contacts
    (``last`` is their last arrival), or of ``last`` when ``date`` is None.

    A naive ``date`` names a calendar day in the contacts' zone; one with a zone of its own is
    first read in theirs (on naive contacts, its own calendar day).

    >>> last = pd.Timestamp("2026-03-10 12:00", tz="America/New_York")
    >>> _report_day("2026-03-08", last).isoformat()   # a daylight-saving day, from 00:00 EST
    '2026-03-08T00:00:00-05:00'
    """
    if date is None:
        return _day_start(last)
    day = check_timestamp("date", date)
    if last.tzinfo is None:
        return (day.tz_localize(None) if day.tzinfo is not None else day).normalize()
    return day_bounds(day if day.tzinfo is not None else day.normalize(), last.tz)[0]


def _day_start(moment: pd.Timestamp) -> pd.Timestamp:
    """The start of ``moment``'s day on its own clock: its midnight, or the first instant
    after a midnight the clocks skip (``normalize()`` raised there).

    >>> print(_day_start(pd.Timestamp("2026-09-06 10:00", tz="America/Santiago")))
    2026-09-06 01:00:00-03:00
    """
    return day_bounds(moment, moment.tz)[0]


def _period_start(day: pd.Timestamp, freq: str) -> pd.Timestamp:
    """The start of the ``freq`` period holding ``day`` (the start of a day on the contacts'
    clock): counted on the wall clock and put back in the contacts' zone, so a quarter keeps it
    and a week stays on midnight across a daylight-saving change.

    >>> print(_period_start(pd.Timestamp("2026-05-20", tz="Europe/Paris"), "quarter"))
    2026-04-01 00:00:00+02:00
    >>> sunday = pd.Timestamp("2026-04-05", tz="America/Santiago")  # clocks fall back at 00:00
    >>> print(_period_start(sunday, "week"))
    2026-03-30 00:00:00-03:00
    """
    wall = day.tz_localize(None).normalize() if day.tz is not None else day
    if freq == "week":
        wall -= pd.Timedelta(days=wall.day_of_week)
    elif freq == "month":
        wall = wall.replace(day=1)
    elif freq == "quarter":
        wall = pd.Timestamp(year=wall.year, month=3 * ((wall.month - 1) // 3) + 1, day=1)
    return wall if day.tz is None else day_bounds(wall, day.tz)[0]
