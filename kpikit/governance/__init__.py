"""Run the operation: SLA breaches and their governance clocks, root causes, the action register
and the cadence reports.
"""

from kpikit.governance.breaches import (
    BREACH_COLUMNS,
    PERSISTENCE_DAYS,
    PLAN_DAYS,
    ROOT_CAUSE_HOURS,
    breach_id,
    breaches,
    period_end,
)

__all__ = [
    "BREACH_COLUMNS",
    "PERSISTENCE_DAYS",
    "PLAN_DAYS",
    "ROOT_CAUSE_HOURS",
    "breach_id",
    "breaches",
    "period_end",
]
