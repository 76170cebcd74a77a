"""Per-interval queue figures of a scenario, and their exact roll-up over the intervals.

The service level is over offered contacts, in staffing to ``target_sl`` as in the figures
reported (``kk.options.sl_denominator`` does not change it). Roll-ups weight each figure by
what it is a ratio of: service level and abandonment by offered contacts, ASA by answered
contacts, occupancy by agent time on the phones.

An interval is *overloaded* when, nobody hanging up (Erlang C), its traffic reaches its agents:
the queue grows through the interval, the wait is infinite and the agents are busy all the
time (occupancy 100, as :func:`kpikit.queueing.occupancy` caps it).
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
            # over offered contacts whatever kk.options says, as the fixed-agents path below
            # measures it and the roll-up weights it (the option's "answered" staffed one
            # scenario to 85 % that its own 10 agents served at 72 %)
            sl_denominator="offered",
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
    plan["overloaded"] = _overloaded(plan, scenario)
    return plan


def _overloaded(plan, scenario):
    """Intervals whose queue grows without bound: some traffic, at least as much as the agents
    (``traffic >= agents``), and nobody hangs up (Erlang A's abandonment keeps a queue finite)."""
    traffic = plan["traffic"].to_numpy()
    patient = scenario.patience_s is None or scenario.patience_s == math.inf
    return patient & (traffic >= plan["agents"].to_numpy()) & (traffic > 0)


def busy_agents(traffic, abandonment_rate, agents):
    """Agents busy on average in each interval: the traffic handled, ``traffic (1 -
    abandonment)``, but no more than the agents there are (the rest waits or abandons).

    >>> busy_agents(np.array([10.0, 20.0]), np.array([0.0, 0.0]), np.array([14, 10])).tolist()
    [10.0, 10.0]
    """
    return np.minimum(traffic * (1 - abandonment_rate / 100), agents)


def rollup(plan, scenario):
    """Roll the interval plan up: ``answered`` (added to ``plan``) and the summary figures.

    ``answered = busy agents · interval / AHT`` (:func:`busy_agents`): ``volume (1 -
    abandonment)``, but no more than the agents can handle in the interval (an overloaded
    interval's queue is left waiting at its end; no agent answers nobody);
    ``occupancy = 100 sum(busy agents) / sum(agents)`` (busy agent time over agent time on
    the phones). Returns a dict with ``contacts, aht, agents, scheduled_agents, agent_hours,
    service_level, asa, abandonment_rate, occupancy, answered, overloaded`` (the number of
    overloaded intervals).

    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> plan = pd.DataFrame({"volume": [200.0], "aht_s": 180.0, "traffic": 20.0, "agents": 10,
    ...     "scheduled_agents": 10, "service_level": 0.0, "asa": math.inf,
    ...     "abandonment_rate": math.nan, "overloaded": True})
    >>> rollup(plan, SimpleNamespace(interval_s=1800))["answered"]  # 10 agents · 1800 / 180
    100.0
    """
    volume = plan["volume"].to_numpy()
    abandonment = plan["abandonment_rate"].fillna(0.0).to_numpy()
    agent_time = plan["agents"].to_numpy(dtype=float)
    busy = busy_agents(plan["traffic"].to_numpy(), abandonment, agent_time)
    answered = busy * scenario.interval_s / plan["aht_s"].to_numpy(dtype=float)
    plan["answered"] = answered
    return {
        "contacts": float(volume.sum()),
        "aht": weighted(plan["aht_s"], answered),
        "agents": float(plan["agents"].max()),
        "scheduled_agents": float(plan["scheduled_agents"].max()),
        "agent_hours": float(plan["scheduled_agents"].sum() * scenario.interval_s / 3600),
        "service_level": weighted(plan["service_level"], volume),
        "asa": weighted(plan["asa"], answered),
        "abandonment_rate": weighted(plan["abandonment_rate"], volume),
        "occupancy": 100 * busy.sum() / agent_time.sum() if agent_time.sum() > 0 else math.nan,
        "answered": float(answered.sum()),
        "overloaded": int(plan["overloaded"].sum()),
    }
