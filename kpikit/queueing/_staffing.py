"""Staffing requirements: agents needed per interval for service targets, and shrinkage."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit._validators import check_percent
from kpikit.queueing._erlang_a import _piling_up
from kpikit.queueing._inputs import (
    _array,
    _load,
    _patience,
    _seconds,
    _shrinkage,
    _threshold,
    one_length,
)
from kpikit.queueing._plan import fractional_agents, given_inputs, series_index
from kpikit.queueing._search import _Staffing, _staffing_figures

SL_DENOMINATORS = ("offered", "answered")
_SHRINKAGE_TOLERANCE = 1e-9
_EXACT_WHOLE = 2**53
"""Largest count a float holds exactly (a larger one would overflow the agents' integers)."""


@one_length
def scheduled_agents(raw_agents, shrinkage=0.0):
    """Agents to schedule so that ``raw_agents`` are on the phones after shrinkage.

    ``ceil(raw_agents / (1 - shrinkage))``, with a 1e-9 tolerance so that float noise in the
    division never adds an agent.

    Parameters
    ----------
    raw_agents : int or array-like
        Agents needed on the phones.
    shrinkage : float or array-like, default=0.0
        Fraction of paid time away from the phones (breaks, training, absence), in [0, 1);
        one value for all intervals or one per interval.

    Returns
    -------
    int or ndarray of int

    Raises
    ------
    ValueError
        Where the count to schedule passes 2**53 (a shrinkage next to 1), beyond what a count
        holds exactly, naming the shrinkage and raw agents that give it.

    Examples
    --------
    >>> scheduled_agents(14, 0.3)  # 14 / 0.7 = 20
    20
    >>> scheduled_agents([14, 15], 0.25).tolist()  # 18.7 and 20
    [19, 20]
    """
    raw = _array("raw_agents", raw_agents, minimum=0, integer=True, maximum=_EXACT_WHOLE)
    shrinkage = _shrinkage("shrinkage", shrinkage)
    scheduled = np.ceil(raw / (1.0 - shrinkage) - _SHRINKAGE_TOLERANCE)
    _check_countable(scheduled, raw, shrinkage)
    return int(scheduled) if scheduled.ndim == 0 else scheduled.astype(np.int64)


def _check_countable(scheduled, raw, shrinkage):
    """Refuse scheduled counts beyond :data:`_EXACT_WHOLE`: a shrinkage next to 1 divides the
    agents needed by next to nothing, and the cast to integers turned 1e20 into -2**63.

    >>> _check_countable(np.array([20.0, 1e20]), np.array([14.0, 1e15]), np.array([0.3, 0.99999]))
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: Value of 'shrinkage' (0.99999) leaves 'raw_agents' (1e+15) needing 1e+20 scheduled
    agents, beyond the 9,007,199,254,740,992 (2**53) a count holds exactly
    """
    beyond = np.flatnonzero(~(scheduled <= _EXACT_WHOLE))
    if beyond.size:
        first = [
            float(np.broadcast_to(x, scheduled.shape).flat[beyond[0]]) for x in (shrinkage, raw)
        ]
        raise ValueError(
            f"Value of 'shrinkage' ({first[0]!r}) leaves 'raw_agents' ({first[1]:.6g}) needing "
            f"{scheduled.flat[beyond[0]]:.3g} scheduled agents, beyond the {_EXACT_WHOLE:,} "
            "(2**53) a count holds exactly"
        )


@one_length
def agents_required(
    volume,
    aht_s=None,
    interval_s=1800,
    *,
    target_sl=None,
    threshold_s=None,
    target_asa_s=None,
    max_occupancy=None,
    max_abandon=None,
    patience_s=None,
    shrinkage=0.0,
    sl_denominator=None,
    volume_quantile=None,
    level=95,
):
    """Agents needed per interval to meet service targets, with the figures they achieve.

    For each interval, the smallest number of agents ``n`` on the phones such that every
    given target holds: service level at ``threshold_s`` >= ``target_sl``, ASA <=
    ``target_asa_s``, occupancy <= ``max_occupancy``, abandonment <= ``max_abandon``. Then
    ``scheduled_agents = ceil(raw_agents / (1 - shrinkage))``.

    The search starts from the smallest stable count, ``floor(A) + 1`` for Erlang C (any count
    for Erlang A, where callers who hang up keep the queue finite), near the square-root
    staffing estimate ``A + beta sqrt(A)``, and steps only the intervals that still fail.

    Parameters
    ----------
    volume : float, array-like, DataFrame or Forecast
        Contacts offered per interval (a pandas Series keeps its index, so it gives one value
        per interval, not one for all), or a forecast: the ``intervals`` of a
        :class:`kpikit.forecast.Forecast` (or the Forecast itself), or the table of
        :func:`kpikit.forecast.volume`. A frame gives the volume, and the AHT and
        interval length when it has ``aht_s`` and ``interval_s`` columns; its other columns
        (queue, period, ...) lead the result.
    aht_s : float or array-like, default=None
        Average handle time, seconds, at least 0.001 (needed unless the frame has ``aht_s``).
    interval_s : float or array-like, default=1800
        Length of an interval, seconds, at least 0.001.
    target_sl : float, default=None
        Service-level target in percent (80 means 80 % answered within ``threshold_s``).
    threshold_s : float or array-like, default=None
        Answer-time threshold ``T`` of the service level, seconds; None: the phone threshold
        of ``kk.options`` (:func:`kpikit.options.sl_threshold_for`, 20 s unless changed).
    target_asa_s : float, default=None
        Largest acceptable average speed of answer (of answered contacts), seconds.
    max_occupancy : float, default=None
        Largest acceptable occupancy, percent.
    max_abandon : float, default=None
        Largest acceptable abandonment rate, percent (needs ``patience_s``).
    patience_s : float or array-like, default=None
        Mean caller patience, seconds, at least 0.001: Erlang A. None: Erlang C (nobody hangs
        up).
    shrinkage : float or array-like, default=0.0
        Fraction of paid time agents are away from the phones (breaks, training, absence),
        in [0, 1); one value or one per interval.
    sl_denominator : {"offered", "answered"}, default=None
        Service level over offered or over answered contacts (matters with Erlang A only), as
        the ``sl_denominator`` option of :func:`kpikit.compute`; None: that option's value in
        ``kk.options`` ("offered" unless changed), as the threshold follows ``kk.options``.
    volume_quantile : float, default=None
        Risk-aware staffing from a forecast frame: staff for this quantile of the volume
        (0.9: a volume exceeded one interval in ten), from a normal law on each side of the
        forecast fitted to that side of the prediction interval: ``volume + z_q (high -
        volume) / z_level`` above it, ``volume + z_q (volume - low) / z_level`` below (one
        normal law for an interval centred on the forecast).
    level : float, default=95
        Coverage (percent) of the frame's prediction interval (a Forecast knows its own).

    Returns
    -------
    pandas.DataFrame
        One row per interval: ``volume, aht_s, traffic, raw_agents, scheduled_agents,
        fractional_agents, scheduled_fractional, p_wait, service_level, asa, occupancy``
        and, with patience, ``abandonment_rate``. ``fractional_agents`` interpolates the
        binding target between ``raw_agents - 1`` and ``raw_agents`` (what a fraction of an
        agent's time buys), ``scheduled_fractional = fractional_agents / (1 - shrinkage)``.
        Intervals without traffic (no volume, or one too small for its load to be above 0 in a
        float) need no agents and have NaN figures (nothing to measure).

    Notes
    -----
    Targets count as met within 1e-9, so a figure that lands exactly on its target (an
    occupancy of exactly 85 %) passes whatever the float rounding. pyworkforce starts its
    search at ``round(A + 1)`` and can miss the answer; here the search starts from the
    smallest stable count.

    Examples
    --------
    pyworkforce's test case: 100 calls per 30 minutes, AHT 3 minutes, 80 % in 0.33 minutes,
    occupancy at most 85 %, shrinkage 30 %:

    >>> plan = agents_required(100, 180, target_sl=80, threshold_s=19.8, max_occupancy=85,
    ...                        shrinkage=0.3)
    >>> plan[["raw_agents", "scheduled_agents"]].iloc[0].tolist()
    [14, 20]
    >>> plan[["service_level", "occupancy", "p_wait"]].iloc[0].round(3).tolist()
    [88.785, 71.429, 0.174]
    """
    if sl_denominator is None:
        from kpikit.options import current

        sl_denominator = current().sl_denominator
    given = volume
    volume, aht_s, interval_s, keys = given_inputs(
        volume, aht_s, interval_s, volume_quantile, level
    )
    checked = _checked_inputs(volume, aht_s, interval_s, threshold_s, patience_s, shrinkage)
    criteria = _criteria(
        target_sl, target_asa_s, max_occupancy, max_abandon, patience_s, sl_denominator
    )
    intervals = _per_interval(*checked)
    index = series_index(given, intervals.volume.size)
    raw, blocking = _smallest_counts(intervals, criteria)
    figures = _answer_figures(intervals, raw, blocking, _figure_columns(sl_denominator, patience_s))
    fraction = _fractional(intervals, raw, blocking, criteria)
    plan = _plan_frame(intervals, raw, fraction, figures, index)
    return plan if keys is None else pd.concat([keys, plan], axis=1)


@dataclass(frozen=True)
class _Intervals:
    """The checked inputs of :func:`agents_required`, 1-d float arrays of one value per interval."""

    volume: np.ndarray
    load: np.ndarray
    aht_s: np.ndarray
    threshold_s: np.ndarray
    patience_s: np.ndarray
    shrinkage: np.ndarray

    @property
    def busy(self):
        """Intervals with traffic (the others need no agents and measure nothing)."""
        return self.load > 0

    def queue(self, rows=slice(None)):
        """The queue's inputs ``load, aht_s, threshold_s, patience_s`` of ``rows`` (all)."""
        return self.load[rows], self.aht_s[rows], self.threshold_s[rows], self.patience_s[rows]


def _checked_inputs(volume, aht_s, interval_s, threshold_s, patience_s, shrinkage):
    """Volume, load, AHT, threshold, patience and shrinkage as checked float arrays."""
    volume = _array("volume", volume, minimum=0)
    aht_s = _seconds("aht_s", aht_s)
    interval_s = _seconds("interval_s", interval_s)
    load = _load(volume, aht_s, interval_s)
    threshold_s = _array("threshold_s", _threshold(threshold_s), minimum=0)
    patience_s, shrinkage = _patience(patience_s), _shrinkage("shrinkage", shrinkage)
    return volume, load, aht_s, threshold_s, patience_s, shrinkage


def _per_interval(volume, load, aht_s, threshold_s, patience_s, shrinkage):
    """The checked inputs broadcast to one value per interval, refused beyond one dimension."""
    arrays = (volume, load, aht_s, threshold_s, patience_s, shrinkage)
    shape = np.broadcast_shapes(*(array.shape for array in arrays))
    if len(shape) > 1:
        raise ValueError(
            f"agents_required takes numbers or one-dimensional arrays (one value per "
            f"interval), but the inputs broadcast to shape {shape}"
        )
    return _Intervals(*(np.broadcast_to(array, shape).ravel() for array in arrays))


def _smallest_stable(load, aht_s, patience_s, criteria):
    """Fewest agents to try: any count from 1 for Erlang A (finite patience), ``floor(A) + 1``
    for Erlang C (whose queue grows without bound below).

    A patience so long that callers would pile up beyond what Erlang A computes below the
    traffic (:func:`~kpikit.queueing._erlang_a._check_waiting`) starts at ``floor(A) + 1``
    too: there callers wait about ``patience * log(A / n)``, so no count below the traffic
    meets a service level, ASA or occupancy target. Only abandonment (and an occupancy of
    100 %, which every count meets) could be met there: when the targets are those alone, the
    search asks and gets the error; beside any other target, the counts below the traffic fail
    that one whatever their abandonment.
    """
    piling_up = _piling_up(load, aht_s, patience_s)
    if all(_met_below_traffic(key, value) for key, _, value in criteria):
        piling_up = np.zeros_like(piling_up)
    return np.where(np.isfinite(patience_s) & ~piling_up, 1.0, np.floor(load) + 1.0)


def _met_below_traffic(key, value):
    """Whether a target could hold with fewer agents than the traffic while callers pile up
    (every agent busy: an occupancy of 100 %, waits of about ``patience * log(A / n)``)."""
    return key == "abandonment_rate" or (key == "occupancy" and value >= 100)


def _smallest_counts(intervals, criteria):
    """Smallest agent count per interval meeting ``criteria``, and its Erlang B (0 and 1
    without traffic: B(0, 0) = 1)."""
    busy = intervals.busy
    raw, blocking = np.zeros_like(intervals.load), np.ones_like(intervals.load)
    load, aht_s, threshold_s, patience_s = intervals.queue(busy)
    search = _Staffing(load, aht_s, threshold_s, patience_s, criteria)
    raw[busy], blocking[busy] = search.solve(_smallest_stable(load, aht_s, patience_s, criteria))
    return raw, blocking


def _figure_columns(sl_denominator, patience_s):
    """The plan's figure columns and the figures they hold (abandonment only with patience)."""
    level = "service_level_answered" if sl_denominator == "answered" else "service_level"
    columns = {"p_wait": "p_wait", "service_level": level, "asa": "asa", "occupancy": "occupancy"}
    if patience_s is not None:
        columns["abandonment_rate"] = "abandonment_rate"
    return columns


def _answer_figures(intervals, raw, blocking, columns):
    """The figures of ``columns`` at the answer, NaN without traffic (nothing to measure)."""
    load, aht_s, threshold_s, patience_s = intervals.queue()
    with np.errstate(divide="ignore", invalid="ignore"):  # intervals without traffic
        figures = _staffing_figures(load, aht_s, raw, threshold_s, patience_s, blocking)
    busy = intervals.busy
    return {column: np.where(busy, figures[key], np.nan) for column, key in columns.items()}


def _fractional(intervals, raw, blocking, criteria):
    """Fractional agents per interval (see :func:`fractional_agents`), 0 without traffic."""
    busy = intervals.busy
    fraction = np.zeros_like(intervals.load)
    load, aht_s, threshold_s, patience_s = intervals.queue(busy)
    # a patience piling callers up below the traffic is searched as Erlang C there (see
    # _smallest_stable): the count below the answer takes Erlang C's figures too
    patience_s = np.where(_piling_up(load, aht_s, patience_s), np.inf, patience_s)
    fraction[busy] = fractional_agents(
        load, aht_s, threshold_s, patience_s, raw[busy], blocking[busy], criteria
    )
    return fraction


def _plan_frame(intervals, raw, fraction, figures, index):
    """The plan: the inputs, the agents (whole, scheduled, fractional) and their ``figures``."""
    return pd.DataFrame(
        {
            "volume": intervals.volume,
            "aht_s": intervals.aht_s,
            "traffic": intervals.load,
            "raw_agents": raw.astype(np.int64),
            "scheduled_agents": np.atleast_1d(scheduled_agents(raw, intervals.shrinkage)),
            "fractional_agents": fraction,
            "scheduled_fractional": fraction / (1.0 - intervals.shrinkage),
            **figures,
        },
        index=index,
        copy=False,
    )


def _criteria(target_sl, target_asa_s, max_occupancy, max_abandon, patience_s, sl_denominator):
    """Targets as (figure key, sign, value): a row passes when ``sign * figure >= sign * value``."""
    if sl_denominator not in SL_DENOMINATORS:
        raise ValueError(
            f"Value of 'sl_denominator' is not valid. Expected one of {list(SL_DENOMINATORS)} "
            f"but received: {sl_denominator!r}"
        )
    if max_abandon is not None and patience_s is None:
        raise ValueError(
            "Value of 'max_abandon' needs 'patience_s': abandonment is modelled by Erlang A "
            f"only, but received max_abandon={max_abandon!r} with patience_s=None"
        )
    criteria = []
    if target_sl is not None:
        key = "service_level_answered" if sl_denominator == "answered" else "service_level"
        criteria.append(
            (key, 1.0, check_percent("target_sl", target_sl, low=1, high=100, open=True))
        )
    if target_asa_s is not None:
        value = _one_target("target_asa_s", target_asa_s)
        criteria.append(("asa", -1.0, value))
    if max_occupancy is not None:
        criteria.append(
            ("occupancy", -1.0, check_percent("max_occupancy", max_occupancy, low=1, high=100))
        )
    if max_abandon is not None:
        value = _one_target("max_abandon", max_abandon)
        if value > 100:
            raise ValueError(
                f"Value of 'max_abandon' is a percent on the 0..100 scale, but received: "
                f"{max_abandon!r}"
            )
        criteria.append(("abandonment_rate", -1.0, value))
    if not criteria:
        raise ValueError(
            "agents_required needs at least one target: target_sl, target_asa_s, "
            "max_occupancy or max_abandon (all None received)"
        )
    return criteria


def _one_target(name, target):
    """A target above 0 given as one number: an array of them (one per interval) was a bare
    NumPy TypeError, "only 0-dimensional arrays can be converted to Python scalars".

    >>> _one_target("target_asa_s", [10, 20])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'target_asa_s' must be one number, the same for every interval, but \
received: [10, 20]
    """
    value = _array(name, target, minimum=0, strict=True)
    if value.ndim:
        raise ValueError(
            f"Value of {name!r} must be one number, the same for every interval, but received: "
            f"{target!r}"
        )
    return float(value)
