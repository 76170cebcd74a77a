"""The inputs of a what-if: a :class:`Scenario` and the :class:`Assumptions` of projections."""

import dataclasses
import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit._validators import check_number, check_percent
from kpikit.options import sl_threshold_for
from kpikit.queueing._inputs import (
    MIN_SECONDS,
    _holds_flags_or_none,
    _is_narrow,
    _shrinkage,
    _widened,
)

_OUTSOURCING_ARTICLE = "Call center KPIs for outsourcing: top 10 metrics with benchmarks"

MAX_INTERVAL_S = 86_400.0
"""Longest interval of a scenario, seconds: a day, the longest forecast interval (the queueing
models take the traffic within one interval as steady)."""

MAX_COST_PER_AGENT_HOUR = 1e9
"""Dearest agent hour a scenario takes (a billion, in any currency): far beyond any wage, and
far below where a day's cost would overflow to infinity (1e308 an hour did)."""

_PERCENT = {"minimum": 0, "maximum": 100}
_POSITIVE = {"minimum": 0, "above_minimum": True}
_SECONDS = {"minimum": MIN_SECONDS}
"""Times the queueing models divide by (handle time, patience, interval), as they take them."""
_OPTIONAL_NUMBERS = {
    "threshold_s": {"minimum": 0},
    "target_asa_s": _POSITIVE,
    "max_abandon": {**_POSITIVE, "maximum": 100},
    "csat": _PERCENT,
    "fcr": _PERCENT,
    "reference_asa_s": {"minimum": 0},
}
"""Scenario fields that are None or a finite number within these bounds (of
:func:`kpikit._validators.check_number`)."""
_TARGET_PERCENTS = {
    "target_sl": {"low": 1, "high": 100, "open": True},
    "max_occupancy": {"low": 1, "high": 100},
}
"""Staffing targets that are None or a percent within these bounds, as in
:func:`kpikit.queueing.agents_required` (:func:`kpikit._validators.check_percent`)."""


def _number(name, value, **bounds):
    """``value`` as a float, checked by :func:`~kpikit._validators.check_number` (a float32
    as the decimal it shows, as the queueing models read it).

    >>> _number("shrinkage", np.float32(0.3))
    0.3
    """
    checked = np.asarray(check_number(name, value, **bounds))
    return float(_widened(checked) if _is_narrow(checked) else checked)


def _is_real(value):
    """Whether ``value`` is a real number (not a bool), which may be compared with inf or NaN."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_nan(value):
    """Whether ``value`` is a real NaN; any other value, an integer beyond a float (10**400)
    included, is left to the checks (``math.isnan`` would overflow on it)."""
    return _is_real(value) and value != value  # NaN is the one number unequal to itself


def _per_interval(name, value, count=None, *, minimum=0.0, integer=False):
    """``value`` as a float array of ``count`` values (one per interval; a number is repeated),
    refused unless finite numbers ``>= minimum`` (whole when ``integer``).

    >>> _per_interval("aht_s", 180, 2).tolist()
    [180.0, 180.0]
    >>> _per_interval("volume", [10, -5, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'volume' must be finite numbers >= 0, one per interval or one for all,
    but 2 of 3 are not (first positions: 1, 2; values: -5.0, nan)
    >>> _per_interval("volume", [100, True])
    Traceback (most recent call last):
    ...
    TypeError: Value of 'volume' must be numbers, one per interval or one for all, but received:
    [100, True] (object)
    >>> _per_interval("volume", [10, 10**400])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'volume' must be numbers within the range of a float (about 1.8e308),
    but received: [10, 1000...
    """
    array = np.atleast_1d(np.asarray(value))
    if isinstance(value, list | tuple) and _holds_flags_or_none(value):
        array = np.asarray(value, dtype=object)  # NumPy read [True, 3] as [1, 3]: refused below
    if array.dtype.kind == "O" and all(_is_real(item) for item in array.ravel()):
        try:  # Python integers beyond a float (10**400) leave NumPy an object array
            array = array.astype(float)
        except OverflowError:
            raise ValueError(
                f"Value of {name!r} must be numbers within the range of a float (about "
                f"1.8e308), but received: {value!r:.80}"
            ) from None
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"Value of {name!r} must be numbers, one per interval or one for all, but "
            f"received: {value!r:.80} ({array.dtype})"
        )
    if array.ndim > 1 or (count is not None and array.size not in (1, count)):
        expected = f"{count} (one per interval)" if count else "a flat list of them"
        raise ValueError(
            f"Value of {name!r} must be one number or {expected}, but received an array of "
            f"shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"Value of {name!r} must hold at least one interval, but is empty")
    array = _widened(array) if _is_narrow(array) else array.astype(float)
    bad = ~np.isfinite(array) | (array < minimum)
    if integer:
        bad |= np.isfinite(array) & (array != np.round(array))
    if bad.any():
        kind = "whole numbers" if integer else "numbers"
        positions = np.flatnonzero(bad)[:5]
        raise ValueError(
            f"Value of {name!r} must be finite {kind} >= {minimum:g}, one per "
            f"interval or one for all, but {int(bad.sum())} of {array.size} are not (first "
            f"positions: {', '.join(map(str, positions))}; values: "
            f"{', '.join(repr(float(array[i])) for i in positions)})"
        )
    return np.broadcast_to(array, (count or array.size,)).copy()


def _labels(labels, count):
    """``labels`` as a tuple of ``count`` strings, one per interval; refused when not a
    sequence of them. One text is no sequence of labels: ``"Mon 09:00"`` was read letter by
    letter, refused as "9 labels" for one interval, and ``"ab"`` named two intervals a and b.

    >>> _labels(["Mon 09:00", "Mon 09:30"], 2)
    ('Mon 09:00', 'Mon 09:30')
    >>> _labels("Mon 09:00", 1)
    Traceback (most recent call last):
    ...
    TypeError: Value of 'labels' must be a sequence of names, one per interval, but received
    one text: 'Mon 09:00' (str); give ['Mon 09:00'] for one interval
    """
    expected = "Value of 'labels' must be a sequence of names, one per interval, but received"
    if isinstance(labels, str | bytes):
        raise TypeError(
            f"{expected} one text: {labels!r:.80} ({type(labels).__name__}); give "
            f"[{labels!r:.80}] for one interval"
        )
    if not np.iterable(labels):
        raise TypeError(f"{expected}: {labels!r:.80} ({type(labels).__name__})")
    labels = tuple(str(label) for label in labels)
    if len(labels) != count:
        raise ValueError(
            f"Value of 'labels' must name each of the {count} intervals, but received "
            f"{len(labels)} labels"
        )
    return labels


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
        CSAT points gained per point of first-contact resolution. SQM Group found 1 % more
        CSAT for every 1 % more FCR; reading both as points is kpikit's choice.
    wait_knee_s : float, default=60.0
        Average wait beyond which satisfaction is reported to drop markedly; past it the linear
        rule probably understates the loss, and results say so.

    Every rule is a finite number >= 0 (TypeError for text, ValueError otherwise).

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

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = _number(field.name, getattr(self, field.name), minimum=0)
            object.__setattr__(self, field.name, value)

    def describe(self):
        """The assumptions as a table: ``name, value, unit, rule, source``."""
        rows = [
            (
                "csat_points_per_30s_wait",
                self.csat_points_per_30s_wait,
                "points",
                "CSAT lost for every extra 30 s of average wait (the source says 2-3 points)",
                _OUTSOURCING_ARTICLE,
            ),
            (
                "csat_points_per_fcr_point",
                self.csat_points_per_fcr_point,
                "points",
                "CSAT gained per point of first-contact resolution (the source: 1 % for 1 %; "
                "read as points)",
                f"SQM Group research, cited in {_OUTSOURCING_ARTICLE}",
            ),
            (
                "wait_knee_s",
                self.wait_knee_s,
                "seconds",
                "beyond this average wait satisfaction drops markedly (linear rule too mild)",
                _OUTSOURCING_ARTICLE,
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
        Contacts offered per interval, >= 0.
    aht_s : float or array-like
        Average handle time, seconds, at least 0.001 (the queueing models' shortest time).
    interval_s : float, default=1800
        Length of an interval, seconds: at least 0.001 and at most a day (86,400).
    agents : int or array-like, default=None
        Agents on the phones per interval, whole numbers >= 0. None staffs every interval
        to the targets below (:func:`kpikit.queueing.agents_required`).
    target_sl, threshold_s, target_asa_s, max_occupancy, max_abandon
        Targets used when ``agents`` is None (percent in 0..100 and seconds >= 0, as in
        :func:`kpikit.queueing.agents_required`; None: no such target); ``threshold_s`` also
        defines the service level reported. The service level, targeted and reported, is over
        offered contacts whatever ``kk.options.sl_denominator`` says. ``threshold_s=None``
        takes the phone threshold of ``kk.options`` (:func:`kpikit.options.sl_threshold_for`,
        20 s unless changed) when the scenario is made.
    patience_s : float, default=None
        Mean caller patience, seconds, at least 0.001 (Erlang A); None assumes nobody hangs up
        (Erlang C) and leaves abandonment unmodelled (NaN).
    shrinkage : float, default=0.0
        Fraction of paid time away from the phones, in [0, 1).
    cost_per_agent_hour : float, default=nan
        Cost of one paid (scheduled) agent hour, currency, in [0, 1e9]; NaN: unknown (costs
        NaN).
    csat, fcr : float, default=None
        Measured CSAT and FCR, percent (0..100), the starting points of the projections.
    reference_asa_s : float, default=None
        ASA (seconds, >= 0) at which ``csat`` was measured; None takes the ASA the base
        scenario achieves.
    fcr_change : float, default=0.0
        Points of FCR gained (or lost) by the change the scenario stands for, an assumption
        supplied by the user (training, knowledge base, ...), in -100..100.
    labels : sequence of str, default=None
        Names of the intervals (for example ``"Mon 09:00"``).
    name : str, default="scenario"

    Raises
    ------
    TypeError
        A field that is not a number (or numbers), for example text.
    ValueError
        A number that is NaN, infinite or out of its range above (a percent of 150, a negative
        cost, an interval longer than a day); nothing is clipped.

    Examples
    --------
    >>> faster = Scenario(volume=[80, 120], aht_s=240, name="today").adjust(aht_s=-30)
    >>> faster.aht_s.tolist(), faster.name
    ([210.0, 210.0], 'today, AHT -30 s')
    >>> Scenario(volume=100, aht_s=180, csat=150.0)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'csat' must be a finite number >= 0 and <= 100 but received: 150.0
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
        volume = _per_interval("volume", self.volume)
        object.__setattr__(self, "volume", volume)
        object.__setattr__(
            self, "aht_s", _per_interval("aht_s", self.aht_s, volume.size, minimum=MIN_SECONDS)
        )
        if self.agents is not None:
            agents = _per_interval("agents", self.agents, volume.size, integer=True)
            object.__setattr__(self, "agents", agents)
        for name, value in self._checked_numbers().items():
            object.__setattr__(self, name, value)
        if self.labels is not None:
            object.__setattr__(self, "labels", _labels(self.labels, volume.size))

    def _checked_numbers(self):
        """The fields that are one number, as floats; refused when out of their range (the
        staffing targets in the ranges :func:`kpikit.queueing.agents_required` takes)."""
        checked = {
            name: _number(name, getattr(self, name), **bounds)
            for name, bounds in _OPTIONAL_NUMBERS.items()
            if getattr(self, name) is not None
        }
        for name, bounds in _TARGET_PERCENTS.items():
            if getattr(self, name) is not None:
                checked[name] = check_percent(name, getattr(self, name), **bounds)
        checked["interval_s"] = _number(
            "interval_s", self.interval_s, **_SECONDS, maximum=MAX_INTERVAL_S
        )
        checked["fcr_change"] = _number("fcr_change", self.fcr_change, minimum=-100, maximum=100)
        # one number, then queueing's rule for shrinkage (as agents_required checks it)
        shrinkage = _number("shrinkage", self.shrinkage)
        checked["shrinkage"] = float(_shrinkage("shrinkage", shrinkage))
        if self.patience_s is not None and not (
            _is_real(self.patience_s) and self.patience_s == math.inf
        ):
            checked["patience_s"] = _number("patience_s", self.patience_s, **_SECONDS)
        if not _is_nan(self.cost_per_agent_hour):
            checked["cost_per_agent_hour"] = _number(
                "cost_per_agent_hour",
                self.cost_per_agent_hour,
                minimum=0,
                maximum=MAX_COST_PER_AGENT_HOUR,
            )
        return checked

    def adjust(self, *, volume_pct=0.0, aht_s=0.0, agents=0, fcr_change=0.0, name=None):
        """A copy with changes applied to every interval.

        For other changes (targets, shrinkage, costs) use :func:`dataclasses.replace`.

        Parameters
        ----------
        volume_pct : float, default=0.0
            Percent change of the volume (+10 means 10 % more contacts), at least -100.
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

        Raises
        ------
        TypeError
            A change that is not one number (text, None, a bool, a list).
        ValueError
            A change that is NaN, infinite, out of its range, or leads to values the
            scenario refuses (a negative AHT, ``agents`` without fixed agents).

        Examples
        --------
        >>> Scenario(volume=100, aht_s=180).adjust(aht_s="30")
        Traceback (most recent call last):
        ...
        TypeError: Value of 'aht_s' must be a number but received: '30' (str)
        """
        # checked before they are formatted into the name; the copy checks what they lead to
        volume_pct = check_number("volume_pct", volume_pct, minimum=-100)
        aht_s = check_number("aht_s", aht_s)
        agents = check_number("agents", agents, integer=True)
        fcr_change = check_number("fcr_change", fcr_change)
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
