"""Cost of a scenario: paid agent hours at the cost of an agent hour."""

import math


def add_interval_costs(plan, scenario):
    """``cost`` per interval: scheduled agents * interval hours * cost per agent hour."""
    plan["cost"] = (
        plan["scheduled_agents"] * scenario.interval_s / 3600 * (scenario.cost_per_agent_hour)
    )


def costs(figures, scenario):
    """``cost = agent_hours * cost_per_agent_hour``; ``cost_per_contact = cost / answered``.

    >>> from types import SimpleNamespace
    >>> costs({"agent_hours": 7.0, "answered": 100.0}, SimpleNamespace(cost_per_agent_hour=30))
    {'cost': 210.0, 'cost_per_contact': 2.1}
    """
    cost = figures["agent_hours"] * scenario.cost_per_agent_hour
    answered = figures["answered"]
    return {"cost": cost, "cost_per_contact": cost / answered if answered > 0 else math.nan}
