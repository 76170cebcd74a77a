"""What-if scenarios: volume, handle time and agents -> service, cost and customer outcomes.

A :class:`Scenario` describes one or more intervals (contacts, AHT, staffing or service
targets, patience, shrinkage, cost of an agent hour). :func:`evaluate` runs the queueing
models (:mod:`kpikit.queueing`) for every interval and rolls the results up exactly (sums, then
ratios); :func:`compare` puts two scenarios side by side with their differences. Scenarios
start from history or from a forecast: :func:`kpikit.scenarios.scenario_from_data` and
:func:`kpikit.scenarios.scenario_from_forecast` (``scenario_from_data`` is also here).

Service level, ASA, abandonment, occupancy, agents and cost come from the queueing model.
Projected CSAT and FCR come from rules of thumb in :class:`Assumptions`; they are labelled
``basis="assumption"`` wherever they appear, and every rule can be overridden.

The private modules, one job each: ``_scenario`` (inputs), ``_rollup`` (interval figures and
exact roll-ups), ``_cost``, ``_projection`` (CSAT and FCR), ``_text`` (the summary table),
``_evaluate`` (:func:`evaluate`, :func:`compare`), ``_day_plan`` (a day's plan from a
forecast: :func:`forecast_day`, :func:`roster_for_day`, :func:`staffing_plan`,
:func:`plan_totals`, :func:`plan_days`).

>>> base = Scenario(volume=100, aht_s=180, cost_per_agent_hour=30, csat=80.0)
>>> table = compare(base, base.adjust(aht_s=-30))  # 30 s off the handle time
>>> agents = table.set_index("metric").loc["agents", ["base", "alternative", "difference"]]
>>> [float(x) for x in agents]
[14.0, 12.0, -2.0]
"""

from importlib import import_module

from kpikit.whatif._day_plan import (
    DAY_MODEL,
    forecast_day,
    plan_days,
    plan_totals,
    roster_for_day,
    staffing_plan,
)
from kpikit.whatif._evaluate import Evaluation, compare, evaluate
from kpikit.whatif._scenario import Assumptions, Scenario

__all__ = [
    "DAY_MODEL",
    "Assumptions",
    "Evaluation",
    "Scenario",
    "compare",
    "evaluate",
    "forecast_day",
    "plan_days",
    "plan_totals",
    "roster_for_day",
    "scenario_from_data",
    "staffing_plan",
]


def __getattr__(name):
    # kpikit.scenarios builds Scenario objects, so it is imported after this package
    if name in ("scenario_from_data", "scenario_from_forecast"):
        return getattr(import_module("kpikit.scenarios"), name)
    raise AttributeError(f"module 'kpikit.whatif' has no attribute {name!r}")
