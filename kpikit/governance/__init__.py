"""Run the operation: SLA breaches and their governance clocks, root causes, the action register
and the cadence reports.

- :func:`breaches` (also ``kk.breaches``): every KPI, group and period below target, with the
  governance clock (root cause due 48 hours after the period closes, plan due after 7 days) and
  persistent underperformance (flagged at 60 and 90 days).
- :func:`root_cause`: which segments made a breach, separating mix from performance, with an
  Erlang C check of the staffing; :func:`decompose` is the arithmetic behind it.
- :class:`ActionRegister`: root cause, owner, plan, milestones, due date and status per breach
  in a SQL database (SQLAlchemy), with the full history.
- :func:`cadence_report` and :func:`write_report`: the daily, weekly, monthly and quarterly
  reports as an offline HTML page and an Excel workbook (``kpikit report monthly``).

>>> import kpikit as kk
>>> from kpikit.governance import breaches
>>> found = breaches(kk.load_sample(), "sample_data/targets.csv", by="site", freq="month")
>>> red = found.query("kpi == 'service_level' and status == 'red'")
>>> print(red[["site", "period", "value"]].to_string(index=False))
    site     period     value
Lakeside 2026-07-01 61.115187
"""

from kpikit.governance.breaches import (
    BREACH_COLUMNS,
    PERSISTENCE_DAYS,
    PLAN_DAYS,
    ROOT_CAUSE_HOURS,
    breach_group,
    breach_id,
    breaches,
    period_end,
)
from kpikit.governance.cadence import (
    CADENCES,
    GOVERNANCE_KPIS,
    CadenceReport,
    cadence_report,
)
from kpikit.governance.decompose import decompose
from kpikit.governance.pages import report_html, write_report
from kpikit.governance.register import STATUSES, ActionRegister
from kpikit.governance.rootcause import RootCause, root_cause

__all__ = [
    "BREACH_COLUMNS",
    "CADENCES",
    "GOVERNANCE_KPIS",
    "PERSISTENCE_DAYS",
    "PLAN_DAYS",
    "ROOT_CAUSE_HOURS",
    "STATUSES",
    "ActionRegister",
    "CadenceReport",
    "RootCause",
    "breach_group",
    "breach_id",
    "breaches",
    "cadence_report",
    "decompose",
    "period_end",
    "report_html",
    "root_cause",
    "write_report",
]
