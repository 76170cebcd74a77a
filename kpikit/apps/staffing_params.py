"""The staffing dashboard's parameters, declared once (:class:`kpikit.apps.params.Param`).

The constructor of :class:`kpikit.apps.StaffingApp`, its controls, its link parameters and
its notebook's parameters cell all come from :data:`PARAMETERS`.
"""

from kpikit import calibrate as calibration
from kpikit.apps.params import Param
from kpikit.apps.staffing_plan import NEXT_DAY, VIEWS
from kpikit.options import VOICE_SL_THRESHOLD_S

__all__ = ["CHARTS", "INTERVAL_LABELS", "PARAMETERS", "WEEKDAYS"]

CHARTS = {
    "curve": "What each agent buys",
    "intraday": "Agents through the day",
    "patience": "Caller patience",
}
"""Charts the app can show (one at a time: a page with several plotly widgets loads slowly)."""

WEEKDAYS = calibration.WEEKDAY_NAMES

INTERVAL_LABELS = {"15min": "15 minutes", "30min": "30 minutes", "hour": "1 hour"}
"""Interval lengths offered, with their labels."""

PARAMETERS = (
    Param(
        "view",
        "plan",
        "View",
        help="What the page shows",
        choices=tuple((label, key) for key, label in VIEWS.items()),
    ),
    Param(
        "day",
        NEXT_DAY,
        "Day",
        help="Day to plan ('next': the day after the data)",
        data_choices=True,
    ),
    Param(
        "roster_agents",
        0.0,
        "Roster",
        help="Agents scheduled per interval (0: the data's agent intervals)",
        unit="agents",
        low=0,
        high=500,
        step=1,
        whole=True,
    ),
    Param(
        "calibrate",
        True,
        "Calibrate",
        help="Start from the data: contacts, AHT, patience, shrinkage and cost of the "
        "busiest interval of the weekday replace the values given (targets are kept)",
    ),
    Param(
        "chart",
        "curve",
        "Chart",
        help="The chart shown",
        choices=tuple((label, key) for key, label in CHARTS.items()),
    ),
    Param("weekday", "Mon", "Weekday", help="Weekday of the data", choices=WEEKDAYS),
    Param(
        "interval",
        "30min",
        "Interval",
        help="Interval length",
        choices=tuple((label, key) for key, label in INTERVAL_LABELS.items()),
    ),
    Param(
        "volume",
        120.0,
        "Contacts",
        help="Contacts offered per interval",
        unit="contacts",
        low=1,
        high=2000,
        step=1,
        whole=True,
    ),
    Param(
        "aht_s",
        300.0,
        "AHT (s)",
        help="Average handle time",
        unit="seconds",
        low=30,
        high=1800,
        step=5,
    ),
    Param(
        "target_sl",
        80.0,
        "Target SL (%)",
        help="Service-level target",
        unit="percent",
        low=50,
        high=99,
        step=1,
    ),
    Param(
        "threshold_s",
        VOICE_SL_THRESHOLD_S,
        "… within (s)",
        help="Answer-time threshold of the service level",
        unit="seconds",
        low=5,
        high=120,
        step=5,
    ),
    Param(
        "patience_s",
        120.0,
        "Patience (s)",
        help="Mean caller patience; 0 means callers never hang up (Erlang C)",
        unit="seconds",
        low=0,
        high=1800,
        step=10,
    ),
    Param(
        "shrinkage",
        0.3,
        "Shrinkage",
        help="Share of paid time away from the phones",
        unit="fraction",
        low=0,
        high=0.6,
        step=0.01,
    ),
    Param(
        "max_occupancy",
        85.0,
        "Max occ. (%)",
        help="Occupancy cap; 100 means no cap",
        unit="percent",
        low=50,
        high=100,
        step=1,
    ),
    Param(
        "cost_per_agent_hour",
        30.0,
        "Cost / hour",
        help="Cost of a paid agent hour",
        unit="currency",
        low=0,
        high=150,
        step=1,
    ),
    Param(
        "aht_change_s",
        -30.0,
        "What-if AHT ±",
        help="What-if: seconds added to the AHT",
        unit="seconds",
        low=-120,
        high=120,
        step=5,
    ),
    Param(
        "volume_change_pct",
        0.0,
        "What-if vol %",
        help="What-if: percent added to the volume",
        unit="percent",
        low=-50,
        high=50,
        step=1,
    ),
)
