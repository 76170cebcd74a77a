"""The inputs of a what-if: a :class:`Scenario` and the :class:`Assumptions` of projections."""

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit.options import sl_threshold_for

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
        level reported. ``threshold_s=None`` takes the phone threshold of ``kk.options``
        (:func:`kpikit.options.sl_threshold_for`, 20 s unless changed) when the scenario is made.
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
    threshold_s: float | None = None
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
        if self.threshold_s is None:
            object.__setattr__(self, "threshold_s", sl_threshold_for("phone"))
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
