"""Evaluate a scenario (queue figures, roll-ups, cost, projections) and compare two."""

import math
from dataclasses import dataclass

import pandas as pd

from kpikit._validators import check_number
from kpikit.whatif._cost import add_interval_costs, costs
from kpikit.whatif._projection import project
from kpikit.whatif._rollup import interval_figures, rollup
from kpikit.whatif._scenario import Assumptions, Scenario
from kpikit.whatif._text import summary_table

_INTERVAL_COLUMNS = [
    "label",
    "volume",
    "aht_s",
    "agents",
    "scheduled_agents",
    "p_wait",
    "service_level",
    "asa",
    "abandonment_rate",
    "occupancy",
    "overloaded",
    "answered",
    "cost",
]


@dataclass(frozen=True)
class Evaluation:
    """Results of :func:`evaluate`.

    Attributes
    ----------
    summary : pandas.DataFrame
        ``metric, value, unit, basis, note``: one row per figure rolled up over the intervals;
        ``basis`` is the queueing model, ``input``, ``cost model`` or ``assumption``.
    intervals : pandas.DataFrame
        One row per interval: ``label, volume, aht_s, agents, scheduled_agents, p_wait,
        service_level, asa, abandonment_rate, occupancy, overloaded, answered, cost``;
        ``overloaded`` marks an interval whose traffic reaches its agents with nobody hanging
        up (Erlang C): the queue grows, ASA is infinite and its agents are busy all the time
        (occupancy 100). The summary's
        ``occupancy`` note counts them.
    scenario : Scenario
    assumptions : Assumptions
    reference_asa_s : float
        The ASA the CSAT projection started from (the ``reference_asa_s`` given, the
        scenario's, or its own ASA), which :func:`compare` projects the alternative from.
    """

    summary: pd.DataFrame
    intervals: pd.DataFrame
    scenario: Scenario
    assumptions: Assumptions
    reference_asa_s: float = math.nan

    def value(self, metric):
        """The rolled-up value of one metric, for example ``evaluation.value("asa")``."""
        values = self.summary.set_index("metric")["value"]
        if metric not in values.index:
            raise ValueError(
                f"Value of 'metric' is not a summary metric. Expected one of "
                f"{list(values.index)} but received: {metric!r}"
            )
        return float(values[metric])


def _expect(argument, value, kinds):
    """``value`` when it is one of ``kinds`` (classes); otherwise a TypeError naming
    ``argument``.

    >>> _expect("scenario", "x", (Scenario,))
    Traceback (most recent call last):
    ...
    TypeError: Value of 'scenario' must be a Scenario, but received: 'x' (str)
    """
    if not isinstance(value, kinds):
        expected = " or ".join(
            f"{'an' if kind.__name__[0] in 'AEIOU' else 'a'} {kind.__name__}" for kind in kinds
        )
        raise TypeError(
            f"Value of {argument!r} must be {expected}, but received: {value!r:.80} "
            f"({type(value).__name__})"
        )
    return value


def _assumptions(assumptions):
    return (
        Assumptions()
        if assumptions is None
        else _expect("assumptions", assumptions, (Assumptions,))
    )


def evaluate(scenario, assumptions=None, *, reference_asa_s=None):
    """Service, cost and projected customer outcomes of a scenario, rolled up exactly.

    Per interval the queueing model gives agents, service level, ASA, abandonment and
    occupancy. Roll-ups weight by what each figure is a ratio of: service level and
    abandonment by offered contacts, ASA by answered contacts, occupancy by agent time::

        answered          = sum(min(traffic (1 - abandonment), agents) interval / AHT)
                          = sum(volume (1 - abandonment)) unless an interval is overloaded
        occupancy         = 100 sum(min(traffic (1 - abandonment), agents)) / sum(agents)
        agent_hours       = sum(scheduled agents) * interval / 3600      (paid hours)
        cost              = agent_hours * cost_per_agent_hour
        cost_per_contact  = cost / answered
        csat (projected)  = csat - a (ASA - reference ASA) / 30 + b fcr_change   (assumption)
        fcr (projected)   = fcr + fcr_change                                     (assumption)

    with ``a`` and ``b`` from ``assumptions``.

    Parameters
    ----------
    scenario : Scenario
    assumptions : Assumptions, default=None
        Rules of thumb for the projections; None uses ``Assumptions()``.
    reference_asa_s : float, default=None
        ASA at which the scenario's CSAT was measured, overriding
        ``scenario.reference_asa_s``; :func:`compare` passes the base scenario's.

    Returns
    -------
    Evaluation
        ``summary`` (one row per metric, each with its unit and basis) and ``intervals``.

    Raises
    ------
    TypeError
        ``scenario`` is not a Scenario, or ``assumptions`` not Assumptions.

    Notes
    -----
    Without patience (Erlang C) abandonment is NaN and every offered contact counts as
    answered, up to what the agents can handle in the interval (``agents · interval / AHT``:
    an overloaded interval leaves the rest waiting at its end, and no agent answers nobody,
    so its cost per contact is NaN, not 0). Without ``csat`` or ``fcr`` the projections are
    NaN. With no reference ASA the scenario's own ASA is the reference (no wait effect). An
    overloaded interval (Erlang C, traffic >= agents) has an infinite ASA, so the rolled-up
    ASA is infinite too.

    Examples
    --------
    >>> result = evaluate(Scenario(volume=100, aht_s=180, cost_per_agent_hour=30))
    >>> result.value("agents"), round(result.value("service_level"), 1)
    (14.0, 88.8)
    >>> result.value("cost_per_contact")  # 14 agents * 0.5 h * 30 / 100 answered contacts
    2.1

    10 and 20 Erlangs on 14 and 10 agents: the second half hour is overloaded, its 10 agents
    busy all the time:

    >>> two = evaluate(Scenario(volume=[100, 200], aht_s=180, agents=[14, 10]))
    >>> round(two.value("occupancy"), 1)  # 100 (10 + 10) / (14 + 10)
    83.3
    >>> two.intervals["overloaded"].tolist()
    [False, True]
    """
    _expect("scenario", scenario, (Scenario,))
    assumptions = _assumptions(assumptions)
    if reference_asa_s is not None:
        check_number("reference_asa_s", reference_asa_s, minimum=0)
    return _evaluated(scenario, assumptions, reference_asa_s)


def _evaluated(scenario, assumptions, reference_asa_s):
    """:func:`evaluate` of checked arguments; ``reference_asa_s`` may be NaN or infinite here
    (a base without answered contacts, or overloaded, as :func:`compare` passes it): then CSAT
    is not projected (NaN) and its note says why."""
    plan = interval_figures(scenario)
    figures = rollup(plan, scenario)
    add_interval_costs(plan, scenario)
    figures.update(costs(figures, scenario))
    reference = next(
        (value for value in (reference_asa_s, scenario.reference_asa_s) if value is not None),
        figures["asa"],
    )
    figures.update(project(scenario, assumptions, figures["asa"], reference))
    plan.insert(
        0,
        "label",
        scenario.labels
        if scenario.labels is not None
        else [str(position) for position in range(len(plan))],
    )
    return Evaluation(
        summary=summary_table(figures, scenario, assumptions, reference),
        intervals=plan[_INTERVAL_COLUMNS],
        scenario=scenario,
        assumptions=assumptions,
        reference_asa_s=float(reference),
    )


def compare(base, alternative, assumptions=None):
    """Two scenarios side by side, with the differences.

    The alternative's CSAT projection starts from the base's reference ASA (the ASA at which
    CSAT was measured, or the base's own ASA), so the CSAT difference reflects the change in
    waiting between the two. A base with no ASA to start from (no contact answered: NaN; an
    overloaded interval: infinite) leaves the alternative's CSAT unprojected (NaN, with a note).

    Both sides are projected under one set of rules of thumb: an Evaluation's own
    ``assumptions``, which a Scenario on the other side is then evaluated with too.

    Parameters
    ----------
    base, alternative : Scenario or Evaluation
    assumptions : Assumptions, default=None
        Rules of thumb for the projections; None uses those of an Evaluation given, else
        ``Assumptions()``.

    Returns
    -------
    pandas.DataFrame
        ``metric, unit, basis, base, alternative, difference, change_pct, note`` (the note of
        the alternative); ``basis="assumption"`` marks projected rows.

    Raises
    ------
    TypeError
        ``base`` or ``alternative`` is neither a Scenario nor an Evaluation.
    ValueError
        Two different sets of assumptions: two Evaluations made with different ones, or
        ``assumptions`` other than an Evaluation's (it would be ignored for that side).

    Examples
    --------
    >>> base = Scenario(volume=100, aht_s=180, agents=14, csat=80.0)
    >>> table = compare(base, base.adjust(agents=-1)).set_index("metric")
    >>> [round(float(x), 1) for x in table.loc["service_level", ["base", "alternative"]]]
    [88.8, 79.6]
    >>> table.loc["csat", "basis"]
    'assumption'
    """
    _expect("base", base, (Scenario, Evaluation))
    _expect("alternative", alternative, (Scenario, Evaluation))
    assumptions = _shared_assumptions(base, alternative, assumptions)
    first = base if isinstance(base, Evaluation) else evaluate(base, assumptions)
    # an evaluated alternative is projected again from the base's reference (its own kept
    # its CSAT unchanged)
    scenario = alternative.scenario if isinstance(alternative, Evaluation) else alternative
    second = _evaluated(scenario, assumptions, first.reference_asa_s)
    table = first.summary[["metric", "unit", "basis", "value"]].rename(columns={"value": "base"})
    table["alternative"] = second.summary["value"].to_numpy()
    table["difference"] = table["alternative"] - table["base"]
    table["change_pct"] = 100 * table["difference"] / table["base"].where(table["base"] != 0)
    table["note"] = second.summary["note"].to_numpy()
    return table


def _shared_assumptions(base, alternative, assumptions):
    """The one set of assumptions both sides of :func:`compare` are projected with: the
    Evaluations' own and ``assumptions``, which must agree (None: not given). Mixed, the
    CSAT difference mixed two rules: an Evaluation made at 6 points per 30 s of wait beside
    a Scenario projected at the default 2.5 (or ``assumptions`` ignored for Evaluations).

    >>> base = evaluate(Scenario(volume=100, aht_s=180), Assumptions(wait_knee_s=90.0))
    >>> _shared_assumptions(base, base.scenario, None).wait_knee_s
    90.0
    """
    given = {}
    if assumptions is not None:
        given["assumptions"] = _expect("assumptions", assumptions, (Assumptions,))
    for name, side in (("base", base), ("alternative", alternative)):
        if isinstance(side, Evaluation):
            given[f"{name} (evaluated with)"] = side.assumptions
    if len(set(given.values())) > 1:
        listed = "; ".join(f"{name}: {rules}" for name, rules in given.items())
        raise ValueError(
            "Values of 'base', 'alternative' and 'assumptions' must project CSAT under one set "
            f"of assumptions but received {len(set(given.values()))} ({listed}); evaluate the "
            "sides with the same assumptions, or pass them as Scenarios"
        )
    return next(iter(given.values()), Assumptions())
