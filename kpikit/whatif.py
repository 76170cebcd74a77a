"""What-if scenarios: volume, handle time and agents -> service, cost and customer outcomes.

A :class:`Scenario` describes one or more intervals (contacts, AHT, staffing or service
targets, patience, shrinkage, cost of an agent hour). :func:`evaluate` runs the queueing
models (:mod:`kpikit.queueing`) for every interval and rolls the results up exactly (sums, then
ratios); :func:`compare` puts two scenarios side by side with their differences.

Service level, ASA, abandonment, occupancy, agents and cost come from the queueing model.
Projected CSAT and FCR come from rules of thumb in :class:`Assumptions`; they are labelled
``basis="assumption"`` wherever they appear, and every rule can be overridden.

>>> base = Scenario(volume=100, aht_s=180, cost_per_agent_hour=30, csat=80.0)
>>> table = compare(base, base.adjust(aht_s=-30))  # 30 s off the handle time
>>> table.set_index("metric").loc["agents", ["base", "alternative", "difference"]].tolist()
[14.0, 12.0, -2.0]
"""

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit import calibrate, queueing

__all__ = ["Assumptions", "Evaluation", "Scenario", "compare", "evaluate", "scenario_from_data"]

_SEED_002 = "Call center KPIs for outsourcing: top 10 metrics with benchmarks (seed 002)"


@dataclass(frozen=True)
class Assumptions:
    """Rules of thumb linking service to customer outcomes. Assumptions, not measurements.

    Projected ``csat = csat_measured - csat_points_per_30s_wait * (ASA - reference ASA) / 30
    + csat_points_per_fcr_point * fcr_change`` and ``fcr = fcr_measured + fcr_change``.

    Parameters
    ----------
    csat_points_per_30s_wait : float, default=2.5
        CSAT points (percent of satisfied respondents) lost per 30 s of extra average wait.
        The source gives 2-3 points; 2.5 is the middle.
    csat_points_per_fcr_point : float, default=1.0
        CSAT points gained per point of first-contact resolution (SQM Group: 1 for 1).
    wait_knee_s : float, default=60.0
        Average wait beyond which satisfaction is reported to drop markedly; past it the linear
        rule probably understates the loss, and results say so.

    Examples
    --------
    >>> Assumptions().describe()["name"].tolist()
    ['csat_points_per_30s_wait', 'csat_points_per_fcr_point', 'wait_knee_s']
    >>> Assumptions(csat_points_per_30s_wait=3.0).csat_points_per_30s_wait
    3.0
    """

    csat_points_per_30s_wait: float = 2.5
    csat_points_per_fcr_point: float = 1.0
    wait_knee_s: float = 60.0

    def describe(self):
        """The assumptions as a table: ``name, value, unit, rule, source``."""
        rows = [
            (
                "csat_points_per_30s_wait",
                self.csat_points_per_30s_wait,
                "points",
                "CSAT lost for every extra 30 s of average wait (the source says 2-3 points)",
                _SEED_002,
            ),
            (
                "csat_points_per_fcr_point",
                self.csat_points_per_fcr_point,
                "points",
                "CSAT gained per point of first-contact resolution",
                f"SQM Group research, cited in {_SEED_002}",
            ),
            (
                "wait_knee_s",
                self.wait_knee_s,
                "seconds",
                "beyond this average wait satisfaction drops markedly (linear rule too mild)",
                _SEED_002,
            ),
        ]
        return pd.DataFrame(rows, columns=["name", "value", "unit", "rule", "source"])


@dataclass(frozen=True, eq=False)
class Scenario:
    """One staffing situation: contacts, handle time, staffing rule, costs, measured outcomes.

    Arrays hold one value per interval (a day or a week of intervals); numbers apply to all.

    Parameters
    ----------
    volume : float or array-like
        Contacts offered per interval.
    aht_s : float or array-like
        Average handle time, seconds.
    interval_s : float, default=1800
        Length of an interval, seconds.
    agents : int or array-like, default=None
        Agents on the phones per interval. None staffs every interval to the targets below
        (:func:`kpikit.queueing.agents_required`).
    target_sl, threshold_s, target_asa_s, max_occupancy, max_abandon
        Targets used when ``agents`` is None (percent and seconds, as in
        :func:`kpikit.queueing.agents_required`); ``threshold_s`` also defines the service
        level reported.
    patience_s : float, default=None
        Mean caller patience, seconds (Erlang A); None assumes nobody hangs up (Erlang C) and
        leaves abandonment unmodelled (NaN).
    shrinkage : float, default=0.0
        Fraction of paid time away from the phones, in [0, 1).
    cost_per_agent_hour : float, default=nan
        Cost of one paid (scheduled) agent hour, currency.
    csat, fcr : float, default=None
        Measured CSAT and FCR, percent, the starting points of the projections.
    reference_asa_s : float, default=None
        ASA at which ``csat`` was measured; None takes the ASA the base scenario achieves.
    fcr_change : float, default=0.0
        Points of FCR gained (or lost) by the change the scenario stands for, an assumption
        supplied by the user (training, knowledge base, ...).
    labels : sequence of str, default=None
        Names of the intervals (for example ``"Mon 09:00"``).
    name : str, default="scenario"

    Examples
    --------
    >>> faster = Scenario(volume=[80, 120], aht_s=240, name="today").adjust(aht_s=-30)
    >>> faster.aht_s.tolist(), faster.name
    ([210.0, 210.0], 'today, AHT -30 s')
    """

    volume: object
    aht_s: object
    interval_s: float = 1800.0
    agents: object = None
    target_sl: float | None = 80.0
    threshold_s: float = 20.0
    target_asa_s: float | None = None
    max_occupancy: float | None = None
    max_abandon: float | None = None
    patience_s: float | None = None
    shrinkage: float = 0.0
    cost_per_agent_hour: float = math.nan
    csat: float | None = None
    fcr: float | None = None
    reference_asa_s: float | None = None
    fcr_change: float = 0.0
    labels: object = None
    name: str = "scenario"

    def __post_init__(self):
        volume = np.atleast_1d(np.asarray(self.volume, dtype=float))
        aht_s = np.broadcast_to(np.asarray(self.aht_s, dtype=float), volume.shape).copy()
        object.__setattr__(self, "volume", volume)
        object.__setattr__(self, "aht_s", aht_s)
        if self.agents is not None:
            agents = np.broadcast_to(np.asarray(self.agents, dtype=float), volume.shape).copy()
            object.__setattr__(self, "agents", agents)
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(str(label) for label in self.labels))
            if len(self.labels) != volume.size:
                raise ValueError(
                    f"Value of 'labels' must name each of the {volume.size} intervals, "
                    f"but received {len(self.labels)} labels"
                )

    def adjust(self, *, volume_pct=0.0, aht_s=0.0, agents=0, fcr_change=0.0, name=None):
        """A copy with changes applied to every interval.

        For other changes (targets, shrinkage, costs) use :func:`dataclasses.replace`.

        Parameters
        ----------
        volume_pct : float, default=0.0
            Percent change of the volume (+10 means 10 % more contacts).
        aht_s : float, default=0.0
            Seconds added to the AHT (-30 means 30 s shorter).
        agents : int, default=0
            Agents added per interval (only for scenarios with fixed ``agents``).
        fcr_change : float, default=0.0
            Points of FCR added to the scenario's ``fcr_change``.
        name : str, default=None
            Name of the copy; None describes the changes after the original name.

        Returns
        -------
        Scenario
        """
        if agents and self.agents is None:
            raise ValueError(
                "Value of 'agents' can only change a scenario with fixed agents; this one is "
                f"staffed to its targets (agents=None), but received agents={agents!r}"
            )
        changes = [
            (volume_pct, f"volume {volume_pct:+g} %"),
            (aht_s, f"AHT {aht_s:+g} s"),
            (agents, f"agents {agents:+g}"),
            (fcr_change, f"FCR {fcr_change:+g} points"),
        ]
        described = ", ".join(text for value, text in changes if value)
        return dataclasses.replace(
            self,
            volume=self.volume * (1 + volume_pct / 100),
            aht_s=self.aht_s + aht_s,
            agents=None if self.agents is None else self.agents + agents,
            fcr_change=self.fcr_change + fcr_change,
            name=name or (f"{self.name}, {described}" if described else self.name),
        )


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
        service_level, asa, abandonment_rate, occupancy, answered, cost``.
    scenario : Scenario
    assumptions : Assumptions
    """

    summary: pd.DataFrame
    intervals: pd.DataFrame
    scenario: Scenario
    assumptions: Assumptions

    def value(self, metric):
        """The rolled-up value of one metric, for example ``evaluation.value("asa")``."""
        values = self.summary.set_index("metric")["value"]
        if metric not in values.index:
            raise ValueError(
                f"Value of 'metric' is not a summary metric. Expected one of "
                f"{list(values.index)} but received: {metric!r}"
            )
        return float(values[metric])


def _weighted(values, weights):
    """``sum(w x) / sum(w)`` where ``w > 0`` (an infinite value stays infinite); NaN if no w."""
    values = np.asarray(values, dtype=float)
    usable = ~np.isnan(values) & (weights > 0)
    total = weights[usable].sum()
    return float((values[usable] * weights[usable]).sum() / total) if total > 0 else math.nan


def _interval_figures(scenario):
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


def evaluate(scenario, assumptions=None, *, reference_asa_s=None):
    """Service, cost and projected customer outcomes of a scenario, rolled up exactly.

    Per interval the queueing model gives agents, service level, ASA, abandonment and
    occupancy. Roll-ups weight by what each figure is a ratio of: service level and
    abandonment by offered contacts, ASA by answered contacts, occupancy by agent time::

        answered          = sum(volume (1 - abandonment))
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

    Notes
    -----
    Without patience (Erlang C) abandonment is NaN and every offered contact counts as
    answered. Without ``csat`` or ``fcr`` the projections are NaN. With no reference ASA the
    scenario's own ASA is the reference (no wait effect).

    Examples
    --------
    >>> result = evaluate(Scenario(volume=100, aht_s=180, cost_per_agent_hour=30))
    >>> result.value("agents"), round(result.value("service_level"), 1)
    (14.0, 88.8)
    >>> result.value("cost_per_contact")  # 14 agents * 0.5 h * 30 / 100 answered contacts
    2.1
    """
    assumptions = Assumptions() if assumptions is None else assumptions
    plan = _interval_figures(scenario)
    volume = plan["volume"].to_numpy()
    abandoned = plan["abandonment_rate"].fillna(0.0).to_numpy() / 100
    answered = volume * (1 - abandoned)
    interval_hours = scenario.interval_s / 3600
    plan["answered"] = answered
    plan["cost"] = plan["scheduled_agents"] * interval_hours * scenario.cost_per_agent_hour
    plan.insert(
        0,
        "label",
        scenario.labels
        if scenario.labels is not None
        else [str(position) for position in range(len(plan))],
    )

    model = "Erlang C" if scenario.patience_s is None else "Erlang A"
    total_answered = answered.sum()
    agent_hours = float(plan["scheduled_agents"].sum() * interval_hours)
    cost = agent_hours * scenario.cost_per_agent_hour
    asa = _weighted(plan["asa"], answered)
    handled = plan["traffic"].to_numpy() * (1 - abandoned)
    agent_time = plan["agents"].to_numpy(dtype=float)
    occupancy = 100 * handled.sum() / agent_time.sum() if agent_time.sum() > 0 else math.nan
    reference = next(
        (value for value in (reference_asa_s, scenario.reference_asa_s) if value is not None),
        asa,
    )
    # projections are percents: kept within 0..100 however far the rules are pushed
    csat = (
        math.nan
        if scenario.csat is None
        else float(
            np.clip(
                scenario.csat
                - assumptions.csat_points_per_30s_wait * (asa - reference) / 30
                + assumptions.csat_points_per_fcr_point * scenario.fcr_change,
                0.0,
                100.0,
            )
        )
    )
    fcr = (
        math.nan
        if scenario.fcr is None
        else float(np.clip(scenario.fcr + scenario.fcr_change, 0.0, 100.0))
    )
    knee = (
        f"; ASA above {assumptions.wait_knee_s:g} s, where satisfaction drops faster than "
        "this linear rule"
        if asa > assumptions.wait_knee_s
        else ""
    )
    rows = [
        ("contacts", volume.sum(), "contacts", "input", "offered"),
        ("aht", _weighted(plan["aht_s"], answered), "seconds", "input", ""),
        (
            "agents",
            float(plan["agents"].max()),
            "agents",
            model,
            "most agents on the phones in one interval",
        ),
        (
            "scheduled_agents",
            float(plan["scheduled_agents"].max()),
            "agents",
            model,
            f"agents / (1 - shrinkage {scenario.shrinkage:g})",
        ),
        ("agent_hours", agent_hours, "hours", model, "paid (scheduled) hours"),
        (
            "service_level",
            _weighted(plan["service_level"], volume),
            "percent",
            model,
            f"answered within {scenario.threshold_s:g} s / offered",
        ),
        ("asa", asa, "seconds", model, "average wait of answered contacts"),
        (
            "abandonment_rate",
            _weighted(plan["abandonment_rate"], volume),
            "percent",
            model,
            "" if scenario.patience_s is not None else "not modelled: give patience_s",
        ),
        ("occupancy", occupancy, "percent", model, "handling time / time on the phones"),
        ("cost", cost, "currency", "cost model", "agent hours * cost per agent hour"),
        (
            "cost_per_contact",
            cost / total_answered if total_answered > 0 else math.nan,
            "currency",
            "cost model",
            "cost / answered contacts",
        ),
        (
            "csat",
            csat,
            "percent",
            "assumption",
            "no measured csat to project from"
            if scenario.csat is None
            else f"measured {scenario.csat:.1f} at ASA {reference:.0f} s; "
            f"{assumptions.csat_points_per_30s_wait:g} points per 30 s of wait, "
            f"{assumptions.csat_points_per_fcr_point:g} per FCR point{knee}",
        ),
        (
            "fcr",
            fcr,
            "percent",
            "assumption",
            "no measured fcr to project from"
            if scenario.fcr is None
            else f"measured {scenario.fcr:.1f}, {scenario.fcr_change:+g} points assumed",
        ),
    ]
    summary = pd.DataFrame(rows, columns=["metric", "value", "unit", "basis", "note"])
    intervals = plan[
        [
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
            "answered",
            "cost",
        ]
    ]
    return Evaluation(
        summary=summary, intervals=intervals, scenario=scenario, assumptions=assumptions
    )


def compare(base, alternative, assumptions=None):
    """Two scenarios side by side, with the differences.

    The alternative's CSAT projection starts from the base's reference ASA (the ASA at which
    CSAT was measured, or the base's own ASA), so the CSAT difference reflects the change in
    waiting between the two.

    Parameters
    ----------
    base, alternative : Scenario or Evaluation
    assumptions : Assumptions, default=None
        Rules of thumb for the projections; None uses ``Assumptions()``.

    Returns
    -------
    pandas.DataFrame
        ``metric, unit, basis, base, alternative, difference, change_pct, note`` (the note of
        the alternative); ``basis="assumption"`` marks projected rows.

    Examples
    --------
    >>> base = Scenario(volume=100, aht_s=180, agents=14, csat=80.0)
    >>> table = compare(base, base.adjust(agents=-1)).set_index("metric")
    >>> table.loc["service_level", ["base", "alternative"]].round(1).tolist()
    [88.8, 79.6]
    >>> table.loc["csat", "basis"]
    'assumption'
    """
    assumptions = Assumptions() if assumptions is None else assumptions
    first = base if isinstance(base, Evaluation) else evaluate(base, assumptions)
    reference = first.scenario.reference_asa_s
    if reference is None:
        reference = first.value("asa")
    second = (
        alternative
        if isinstance(alternative, Evaluation)
        else evaluate(alternative, assumptions, reference_asa_s=reference)
    )
    table = first.summary[["metric", "unit", "basis", "value"]].rename(columns={"value": "base"})
    table["alternative"] = second.summary["value"].to_numpy()
    table["difference"] = table["alternative"] - table["base"]
    table["change_pct"] = 100 * table["difference"] / table["base"].where(table["base"] != 0)
    table["note"] = second.summary["note"].to_numpy()
    return table


def scenario_from_data(
    data,
    *,
    interval="30min",
    channel="phone",
    queue=None,
    target_sl=80.0,
    threshold_s=20.0,
    shrinkage=None,
    cost_per_agent_hour=None,
    name="baseline",
):
    """A typical week of the data as a scenario: volume and AHT per weekday and interval.

    Calibrated from the contacts (:func:`kpikit.calibrate.arrival_profile`): mean contacts and
    AHT for each interval of each weekday (intervals without an answered contact take the
    overall AHT), mean patience (:func:`kpikit.calibrate.patience_exponential`) when callers
    abandon, and the measured CSAT, FCR and ASA (:func:`kpikit.compute`) as the starting point of
    the projections. With agent intervals, shrinkage is ``1 - (handling + available) / paid``;
    with costs too, the cost of an agent hour is ``cost / paid hours`` (fully loaded).

    Parameters
    ----------
    data : Dataset or dataframe
        Contacts with ``arrived_at, answered, wait_s`` and ``talk_s``.
    interval : {"15min", "30min", "hour"}, default="30min"
    channel : str, default="phone"
        Keep contacts of this channel (when there is a ``channel`` column); None keeps all.
        The queueing models suit real-time channels (phone, chat), not email.
    queue : str, default=None
        Keep contacts of this queue (``queue`` column); None keeps all.
    target_sl, threshold_s : float, default=80.0, 20.0
        Service target the week is staffed to.
    shrinkage : float, default=None
        None calibrates it from agent intervals (0 without them).
    cost_per_agent_hour : float, default=None
        None calibrates it from costs and agent intervals (NaN without them).
    name : str, default="baseline"

    Returns
    -------
    Scenario
        One interval per weekday and interval of the day that the log covers, labelled
        ``"Mon 09:00"``.
    """
    contacts = calibrate.contacts_frame(data, ["arrived_at", "answered", "wait_s", "talk_s"])
    for column, value in (("channel", channel), ("queue", queue)):
        if value is not None and column in contacts.columns:
            kept = (contacts[column] == value).fillna(False).astype(bool)  # vectorised
            if not kept.any():
                raise ValueError(
                    f"Value of {column!r} is not in the data. Expected one of "
                    f"{sorted(contacts[column].dropna().unique())} but received: {value!r}"
                )
            contacts = contacts[kept]
    profile = calibrate.arrival_profile(contacts, interval=interval)
    answered = contacts["answered"].astype(bool)
    handle = sum(
        contacts[column].fillna(0.0)[answered].sum()
        for column in calibrate.HANDLE_COLUMNS
        if column in contacts.columns
    )
    overall_aht = handle / answered.sum() if answered.sum() else math.nan
    if not math.isfinite(overall_aht) or overall_aht <= 0:
        raise ValueError(
            "Value of 'data' has no answered contact with a handle time, so AHT cannot be "
            f"calibrated (answered: {int(answered.sum())})"
        )
    patience = calibrate.patience_exponential(contacts)["patience_s"].iloc[0]

    from kpikit.metrics import compute  # the engine imports nothing from here; kept lazy

    try:  # only the three KPIs the projections start from (every KPI costs 3x as long)
        measured = compute(contacts, kpis=["asa", "csat", "fcr"])
    except ValueError:  # a column is missing: every KPI the data allows, as they come
        measured = compute(contacts)
    measured = measured.set_index("kpi")["value"]
    shrinkage_found, cost_found = _workforce_rates(data)
    return Scenario(
        volume=profile["volume"].to_numpy(),
        aht_s=profile["aht_s"].fillna(overall_aht).to_numpy(),
        interval_s=float(profile["interval_s"].iloc[0]),
        target_sl=target_sl,
        threshold_s=threshold_s,
        patience_s=float(patience) if math.isfinite(patience) else None,
        shrinkage=shrinkage_found if shrinkage is None else shrinkage,
        cost_per_agent_hour=cost_found if cost_per_agent_hour is None else cost_per_agent_hour,
        csat=_measured(measured, "csat"),
        fcr=_measured(measured, "fcr"),
        reference_asa_s=_measured(measured, "asa"),
        labels=(profile["weekday_name"] + " " + profile["interval_start"]).tolist(),
        name=name,
    )


def _measured(values, kpi):
    value = values.get(kpi, math.nan)
    return float(value) if pd.notna(value) else None


def _workforce_rates(data):
    """Shrinkage and cost per paid agent hour from agent intervals and costs, when present."""
    agent_intervals = getattr(data, "agent_intervals", None)
    if agent_intervals is None:
        return 0.0, math.nan
    time = calibrate.as_pandas(agent_intervals, [], "agent_intervals")
    needed = {"paid_s", "handling_s", "available_s"}
    if not needed <= set(time.columns) or time["paid_s"].sum() <= 0:
        return 0.0, math.nan
    paid_s = time["paid_s"].sum()
    shrinkage = 1 - (time["handling_s"].sum() + time["available_s"].sum()) / paid_s
    costs = getattr(data, "costs", None)
    if costs is None:
        return float(min(max(shrinkage, 0.0), 0.99)), math.nan
    cost = calibrate.as_pandas(costs, ["cost"], "costs")["cost"].sum()
    return float(min(max(shrinkage, 0.0), 0.99)), float(cost / (paid_s / 3600))
