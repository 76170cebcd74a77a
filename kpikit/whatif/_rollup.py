"""Per-interval queue figures of a scenario, and their exact roll-up over the intervals.

Roll-ups weight each figure by what it is a ratio of: service level and abandonment by
offered contacts, ASA by answered contacts, occupancy by agent time on the phones.
"""

import math

import numpy as np

from kpikit import queueing


def weighted(values, weights):
    """``sum(w x) / sum(w)`` where ``w > 0`` (an infinite value stays infinite); NaN if no w."""
    values = np.asarray(values, dtype=float)
    usable = ~np.isnan(values) & (weights > 0)
    total = weights[usable].sum()
    return float((values[usable] * weights[usable]).sum() / total) if total > 0 else math.nan


def interval_figures(scenario):
    """Per-interval agents and queue figures of a scenario (Erlang C or A)."""
    if scenario.agents is None:
        plan = queueing.agents_required(
            scenario.volume,
            scenario.aht_s,
            scenario.interval_s,
            target_sl=scenario.target_sl,
            threshold_s=scenario.threshold_s,
            target_asa_s=scenario.target_asa_s,
            max_occupancy=scenario.max_occupancy,
            max_abandon=scenario.max_abandon,
            patience_s=scenario.patience_s,
            shrinkage=scenario.shrinkage,
        )
        plan = plan.rename(columns={"raw_agents": "agents"})
    else:
        plan = queueing.queue_metrics(
            scenario.volume,
            scenario.aht_s,
            scenario.agents,
            scenario.interval_s,
            threshold_s=scenario.threshold_s,
            patience_s=scenario.patience_s,
        )
        plan["scheduled_agents"] = queueing.scheduled_agents(plan["agents"], scenario.shrinkage)
    if "abandonment_rate" not in plan:
        plan["abandonment_rate"] = math.nan  # Erlang C: abandonment is not modelled
    return plan


def rollup(plan, scenario):
    """Roll the interval plan up: ``answered`` (added to ``plan``) and the summary figures.

    ``answered = volume (1 - abandonment)``; returns a dict with ``contacts, aht, agents,
    scheduled_agents, agent_hours, service_level, asa, abandonment_rate, occupancy,
    answered``.
    """
    volume = plan["volume"].to_numpy()
    abandoned = plan["abandonment_rate"].fillna(0.0).to_numpy() / 100
    answered = volume * (1 - abandoned)
    plan["answered"] = answered
    handled = plan["traffic"].to_numpy() * (1 - abandoned)
    agent_time = plan["agents"].to_numpy(dtype=float)
    return {
        "contacts": volume.sum(),
        "aht": weighted(plan["aht_s"], answered),
        "agents": float(plan["agents"].max()),
        "scheduled_agents": float(plan["scheduled_agents"].max()),
        "agent_hours": float(plan["scheduled_agents"].sum() * scenario.interval_s / 3600),
        "service_level": weighted(plan["service_level"], volume),
        "asa": weighted(plan["asa"], answered),
        "abandonment_rate": weighted(plan["abandonment_rate"], volume),
        "occupancy": 100 * handled.sum() / agent_time.sum() if agent_time.sum() > 0 else math.nan,
        "answered": answered.sum(),
    }
