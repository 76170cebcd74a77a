"""Queueing models for staffing: Erlang B, Erlang C, Erlang A (M/M/n+M) and a staffing solver.

Every function is vectorised: arguments are numbers or arrays that broadcast together (one
element per interval, per agent count, ...), and scalar inputs give a Python float back.
Erlang B comes from its recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, never from factorials,
so thousands of agents stay exact and finite.

Units follow the rest of kpikit: times in seconds; service level, occupancy and abandonment
rate in percent (0..100, as in :func:`kpikit.compute`); probabilities of an event
(:func:`erlang_b`, :func:`erlang_c`, ``p_wait``, ``p_abandon``) on 0..1.

>>> from kpikit import queueing
>>> round(queueing.service_level(100, 180, 14, threshold_s=20), 1)  # 100 calls per 30 min
88.8
>>> queueing.agents_required(100, 180, target_sl=80, threshold_s=20)["raw_agents"].tolist()
[14]
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "ErlangAResult",
    "agents_required",
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "queue_metrics",
    "scheduled_agents",
    "service_level",
    "traffic",
]

SL_DENOMINATORS = ("offered", "answered")

# Erlang A integrals run over the offered-wait range where the integrand is within e^-45 of its
# peak (beyond it the mass is below double precision), on 7 panels per side that grow 8-fold
# away from the peak, 16 Gauss-Legendre nodes each: within about 1e-9 (relative) of the exact
# birth-death sums over thousands of random cases (see tests/test_queueing.py).
_LOG_RANGE = 45.0
_PANEL_EDGES = np.concatenate([[0.0], 8.0 ** -np.arange(6, -1, -1)])
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
_CHUNK_ROWS = 4096
_SHRINKAGE_TOLERANCE = 1e-9
_TARGET_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- input checks


def _array(name, value, *, minimum=None, strict=False, integer=False, finite=True):
    """Return ``value`` as a float array, raising ValueError that names ``name`` when invalid."""
    array = np.asarray(value, dtype=float)
    bad = np.isnan(array)
    if finite:
        bad |= np.isinf(array)
    if minimum is not None:
        bad |= (array <= minimum) if strict else (array < minimum)
    if integer:
        bad |= np.isfinite(array) & (array != np.round(array))
    if bad.any():
        kind = "whole numbers" if integer else "numbers"
        bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum}"
        limit = "" if finite else " (inf allowed)"
        raise ValueError(
            f"Value of {name!r} must be {kind}{bound}{limit}, "
            f"but received: {float(array[bad].ravel()[0])!r}"
        )
    return array


def _percent(name, value, *, low, high, open=False):
    """Check a percent target (0..100 scale), catching fractions such as 0.8 meant as 80 %."""
    number = float(value)
    if not (low <= number < high if open else low <= number <= high):
        bounds = f"[{low}, {high})" if open else f"[{low}, {high}]"
        raise ValueError(
            f"Value of {name!r} is a percent on the 0..100 scale (80 means 80 %) and must be "
            f"in {bounds}, but received: {value!r}"
        )
    return number


def _scalar_result(array):
    return float(array) if np.ndim(array) == 0 else array


# --------------------------------------------------------------------------- Erlang B and C


def traffic(volume, aht_s, interval_s=1800):
    """Offered load in Erlangs: the number of agents kept busy on average.

    ``A = volume * aht_s / interval_s``

    Parameters
    ----------
    volume : float or array-like
        Contacts offered in the interval.
    aht_s : float or array-like
        Average handle time, seconds.
    interval_s : float or array-like, default=1800
        Length of the interval, seconds.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> traffic(100, 180, 1800)
    10.0
    """
    volume = _array("volume", volume, minimum=0)
    aht_s = _array("aht_s", aht_s, minimum=0, strict=True)
    interval_s = _array("interval_s", interval_s, minimum=0, strict=True)
    return _scalar_result(volume * aht_s / interval_s)


def _erlang_b(load, agents):
    """Erlang B for float arrays ``load`` and ``agents`` of one shape (agents whole, >= 0).

    Runs the recursion on the inverse, ``1/B(k) = 1 + (k / A) / B(k-1)``, which needs no
    division inside the loop. It runs once over agent counts in increasing order; at step ``k``
    it only touches the elements with at least ``k`` agents (a suffix of the sorted order), so
    the work is the sum of the agent counts, not the largest count times the number of
    elements. ``1/B`` only grows; where it overflows, ``B`` is 0 to double precision.
    """
    flat_load = load.ravel()
    flat_agents = agents.ravel().astype(np.int64)
    order = np.argsort(flat_agents)
    sorted_agents = flat_agents[order]
    with np.errstate(divide="ignore", over="ignore"):
        per_load = 1.0 / flat_load[order]
        inverse = np.ones_like(per_load)
        most = int(sorted_agents[-1]) if sorted_agents.size else 0
        starts = np.searchsorted(sorted_agents, np.arange(1, most + 1), side="left")
        for k, start in enumerate(starts, start=1):
            tail = inverse[start:]
            tail *= per_load[start:]
            tail *= k
            tail += 1.0
    result = np.empty_like(flat_load)
    result[order] = 1.0 / inverse
    return result.reshape(load.shape)


def erlang_b(traffic, agents):
    """Erlang B: probability that a contact finds every agent busy when there is no queue.

    ``B(0) = 1`` and ``B(k) = A B(k-1) / (k + A B(k-1))`` for ``k = 1..n``.

    Parameters
    ----------
    traffic : float or array-like
        Offered load ``A`` in Erlangs (see :func:`traffic`).
    agents : int or array-like
        Number of agents ``n`` (whole, >= 0).

    Returns
    -------
    float or ndarray
        Blocking probability on 0..1.

    Notes
    -----
    The recursion is stable: every term stays in [0, 1], so 5,000 agents are as safe as 5.

    References
    ----------
    A. K. Erlang (1917); the recursion is the standard one of the teletraffic literature.

    Examples
    --------
    >>> erlang_b(1, 1), erlang_b(1, 2)  # 1/(1+1) and (1/2)/(2+1/2)
    (0.5, 0.2)
    """
    load = _array("traffic", traffic, minimum=0)
    count = _array("agents", agents, minimum=0, integer=True)
    load, count = np.broadcast_arrays(load, count)
    return _scalar_result(_erlang_b(load, count))


def erlang_c(traffic, agents):
    """Erlang C: probability that a contact waits (M/M/n queue, callers never hang up).

    ``C(n, A) = n B(n, A) / (n - A (1 - B(n, A)))`` with ``B`` from :func:`erlang_b`.

    Parameters
    ----------
    traffic : float or array-like
        Offered load ``A`` in Erlangs.
    agents : int or array-like
        Number of agents ``n`` (whole, >= 0).

    Returns
    -------
    float or ndarray
        Probability of waiting on 0..1.

    Notes
    -----
    With ``n <= A`` the queue grows without bound and every contact waits: the result is 1.
    With no traffic and no agents the probability is undefined: NaN.

    Examples
    --------
    >>> round(erlang_c(10, 14), 4)  # 100 calls / 30 min at 3 min AHT, 14 agents
    0.1741
    >>> erlang_c(10, 10)
    1.0
    """
    load = _array("traffic", traffic, minimum=0)
    count = _array("agents", agents, minimum=0, integer=True)
    load, count = np.broadcast_arrays(load, count)
    figures = _erlang_c_metrics(load, np.ones_like(load), count, 0.0, _erlang_b(load, count))
    return _scalar_result(figures["p_wait"])


def _erlang_c_stable(load, aht_s, agents, threshold_s, blocking, keys=None):
    """Erlang C figures where ``agents > load`` (the staffing solver's fast path).

    ``keys`` limits the work to the figures a caller needs (default: all four).
    """
    delayed = agents * blocking / (agents - load * (1.0 - blocking))
    figures = {"p_wait": delayed}
    if keys is None or "service_level" in keys:
        spare_per_aht = (agents - load) * threshold_s / aht_s
        figures["service_level"] = 100.0 * (1.0 - delayed * np.exp(-spare_per_aht))
    if keys is None or "asa" in keys:
        figures["asa"] = delayed * aht_s / (agents - load)
    if keys is None or "occupancy" in keys:
        figures["occupancy"] = 100.0 * load / agents
    return figures


def _erlang_c_metrics(load, aht_s, agents, threshold_s, blocking):
    """Erlang C figures for arrays of one shape; see :func:`queue_metrics` for the keys."""
    stable = agents > load
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        figures = _erlang_c_stable(load, aht_s, agents, threshold_s, blocking)
    unstable_value = {"p_wait": 1.0, "service_level": 0.0, "asa": np.inf, "occupancy": 100.0}
    for key, value in unstable_value.items():
        figures[key] = np.where(stable, figures[key], np.where(load > 0, value, np.nan))
    # no traffic: nobody waits, nobody is busy (NaN when there are no agents either)
    figures["occupancy"] = np.where(agents > 0, figures["occupancy"], np.nan)
    figures["service_level_answered"] = figures["service_level"].copy()
    figures["asa_all_arrivals"] = figures["asa"].copy()
    figures["abandonment_rate"] = np.where(np.isnan(figures["p_wait"]), np.nan, 0.0)
    return figures


def _common_inputs(volume, aht_s, agents, interval_s, threshold_s):
    volume = _array("volume", volume, minimum=0)
    aht_s = _array("aht_s", aht_s, minimum=0, strict=True)
    agents = _array("agents", agents, minimum=0, integer=True)
    interval_s = _array("interval_s", interval_s, minimum=0, strict=True)
    threshold_s = _array("threshold_s", threshold_s, minimum=0)
    return volume, aht_s, agents, interval_s, threshold_s


def service_level(volume, aht_s, agents, interval_s=1800, *, threshold_s=20):
    """Service level of an Erlang C queue: percent of contacts answered within ``threshold_s``.

    ``SL = 100 (1 - C(n, A) exp(-(n - A) T / AHT))`` with ``A = volume AHT / interval``.

    Parameters
    ----------
    volume : float or array-like
        Contacts offered in the interval.
    aht_s : float or array-like
        Average handle time, seconds.
    agents : int or array-like
        Agents on the phones (after shrinkage).
    interval_s : float or array-like, default=1800
        Length of the interval, seconds.
    threshold_s : float or array-like, default=20
        Answer-time threshold ``T``, seconds.

    Returns
    -------
    float or ndarray
        Percent on 0..100. 0 when ``agents <= A`` (unstable queue); NaN with no traffic and no
        agents.

    See Also
    --------
    erlang_a : the same with callers who hang up.

    Examples
    --------
    >>> round(service_level(100, 180, 14, threshold_s=19.8), 1)  # pyworkforce's test case
    88.8
    """
    volume, aht_s, agents, interval_s, threshold_s = _common_inputs(
        volume, aht_s, agents, interval_s, threshold_s
    )
    load, aht_s, agents, threshold_s = np.broadcast_arrays(
        volume * aht_s / interval_s, aht_s, agents, threshold_s
    )
    figures = _erlang_c_metrics(load, aht_s, agents, threshold_s, _erlang_b(load, agents))
    return _scalar_result(figures["service_level"])


def asa(volume, aht_s, agents, interval_s=1800):
    """Average speed of answer of an Erlang C queue, seconds.

    ``ASA = C(n, A) AHT / (n - A)``

    Parameters
    ----------
    volume, aht_s, agents, interval_s
        As in :func:`service_level`.

    Returns
    -------
    float or ndarray
        Seconds. ``inf`` when ``agents <= A`` (the queue grows without bound); NaN with no
        traffic and no agents.

    Examples
    --------
    >>> round(asa(100, 180, 14), 2)  # 0.1741 * 180 / 4
    7.83
    """
    volume, aht_s, agents, interval_s, _ = _common_inputs(volume, aht_s, agents, interval_s, 0)
    load, aht_s, agents = np.broadcast_arrays(volume * aht_s / interval_s, aht_s, agents)
    figures = _erlang_c_metrics(load, aht_s, agents, 0.0, _erlang_b(load, agents))
    return _scalar_result(figures["asa"])


def occupancy(volume, aht_s, agents, interval_s=1800):
    """Occupancy of an Erlang C queue: percent of agent time spent handling contacts.

    ``occupancy = 100 A / n``, capped at 100 when ``n <= A``.

    Parameters
    ----------
    volume, aht_s, agents, interval_s
        As in :func:`service_level`.

    Returns
    -------
    float or ndarray
        Percent on 0..100; NaN with no agents.

    Examples
    --------
    >>> round(occupancy(100, 180, 14), 1)  # 10 Erlangs on 14 agents
    71.4
    """
    volume, aht_s, agents, interval_s, _ = _common_inputs(volume, aht_s, agents, interval_s, 0)
    load, agents = np.broadcast_arrays(volume * aht_s / interval_s, agents)
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = np.minimum(100.0 * load / agents, 100.0)
    return _scalar_result(np.where(agents > 0, busy, np.nan))


# --------------------------------------------------------------------------- Erlang A


@dataclass(frozen=True)
class ErlangAResult:
    """Figures of an Erlang A queue (floats for scalar inputs, arrays otherwise).

    Attributes
    ----------
    p_wait : probability that a contact waits (0..1).
    p_abandon : probability that a contact hangs up before an answer (0..1).
    service_level : percent of offered contacts answered within the threshold.
    service_level_answered : percent of answered contacts answered within the threshold.
    asa : average wait of answered contacts, seconds.
    asa_all_arrivals : average time in queue over every contact, abandoned ones included, s.
    occupancy : percent of agent time spent handling contacts.
    """

    p_wait: object
    p_abandon: object
    service_level: object
    service_level_answered: object
    asa: object
    asa_all_arrivals: object
    occupancy: object


def _wait_log_density(wait_s, serve_rate, arrival_rate, abandon_rate):
    """log of the offered-wait density of delayed contacts, up to a constant.

    ``l(v) = -n mu v + lambda (1 - exp(-theta v)) / theta``
    """
    return -serve_rate * wait_s - arrival_rate * np.expm1(-abandon_rate * wait_s) / abandon_rate


def _reach(origin, direction, limit, level, rates):
    """Distance from ``origin`` (the density's peak) to where the log density falls to ``level``.

    The slope of the log density never exceeds ``n mu + lambda`` in size, so the distance is at
    least ``_LOG_RANGE / (n mu + lambda)``; doubling from there brackets it, and a few bisection
    steps tighten the bracket to about 1 %. ``limit`` caps the distance (the left side stops at
    a wait of zero).
    """
    serve_rate, arrival_rate, _ = rates
    high = np.minimum(_LOG_RANGE / (serve_rate + arrival_rate), limit)
    above = _wait_log_density(origin + direction * high, *rates) > level
    while (more := above & (high < limit)).any():
        high = np.where(more, np.minimum(2.0 * high, limit), high)
        above = _wait_log_density(origin + direction * high, *rates) > level
    low = np.where(above, high, 0.5 * high)
    for _ in range(7):
        middle = 0.5 * (low + high)
        above = _wait_log_density(origin + direction * middle, *rates) > level
        low, high = np.where(above, middle, low), np.where(above, high, middle)
    return high


def _graded_nodes(anchor, end):
    """Gauss-Legendre nodes and signed weights from ``anchor`` to ``end``, per row.

    Panels grow geometrically away from ``anchor`` (the peak of the density), where the
    integrand changes fastest: short patience bends the density within ``1/theta`` of the peak
    while its tail may run a hundred times further. Returns two (rows, k) arrays.
    """
    edges = anchor[:, None] + (end - anchor)[:, None] * _PANEL_EDGES
    half = 0.5 * np.diff(edges, axis=1)[:, :, None]
    middle = 0.5 * (edges[:, 1:] + edges[:, :-1])[:, :, None]
    rows = anchor.shape[0]
    return (middle + half * _NODES).reshape(rows, -1), (half * _WEIGHTS).reshape(rows, -1)


def _erlang_a_chunk(arrival_rate, serve_rate, abandon_rate, threshold_s, blocking):
    """Erlang A conditional expectations for 1-d arrays (agents >= 1, traffic > 0, finite patience).

    A delayed contact's offered wait ``V`` (time to reach an agent if it never hung up) has
    density proportional to ``exp(l(v))`` (see :func:`_wait_log_density`); it is answered when
    its patience outlasts ``V``, with probability ``exp(-theta V)``. Integrals are taken relative
    to the peak of ``l`` so that nothing overflows, on each side of the peak.
    """
    rates = (serve_rate, arrival_rate, abandon_rate)
    column_rates = tuple(rate[:, None] for rate in rates)
    with np.errstate(divide="ignore"):
        peak = np.maximum(np.log(arrival_rate / serve_rate) / abandon_rate, 0.0)
    top = _wait_log_density(peak, *rates)
    level = top - _LOG_RANGE
    start = peak - _reach(peak, -1.0, peak, level, rates)
    stop = peak + _reach(peak, 1.0, np.inf, level, rates)
    cutoff = np.clip(threshold_s, start, stop)

    def integrals(end):
        wait, weight = _graded_nodes(peak, end)
        density = weight * np.exp(_wait_log_density(wait, *column_rates) - top[:, None])
        answered = density * np.exp(-abandon_rate[:, None] * wait)
        queued = density * -np.expm1(-abandon_rate[:, None] * wait) / abandon_rate[:, None]
        return np.stack(
            [density.sum(axis=1), answered.sum(axis=1), (answered * wait).sum(axis=1),
             queued.sum(axis=1)]
        )

    left = integrals(start)
    mass, _, mass_wait_answered, mass_queued = integrals(stop) - left
    # from start to the threshold: (start -> peak) + (peak -> threshold), signed
    mass_within = integrals(cutoff)[1] - left[1]

    # P(wait) = D / (1/B - 1 + D), D = integral of n mu exp(l(v)) dv (birth-death chain
    # normalisation); written as 1 / (1 + exp(log((1 - B) / B) - log D)) to survive any scale.
    with np.errstate(divide="ignore"):
        log_ratio = np.log1p(-blocking) - np.log(blocking) - np.log(serve_rate) - top
        log_ratio -= np.log(mass)
    with np.errstate(over="ignore"):
        delayed = 1.0 / (1.0 + np.exp(log_ratio))
    return delayed, mass_wait_answered / mass, mass_queued / mass, mass_within / mass


def _erlang_a_metrics(load, aht_s, agents, threshold_s, patience_s, blocking):
    """Erlang A figures for 1-d arrays of one shape; Erlang C where patience is infinite."""
    figures = _erlang_c_metrics(load, aht_s, agents, threshold_s, blocking)
    active = np.isfinite(patience_s) & (load > 0) & (agents > 0)
    figures["abandonment_rate"] = np.where(np.isfinite(patience_s), np.nan, 0.0)
    figures["abandonment_rate"][(load == 0) & (agents > 0)] = 0.0
    idle = ~active & (agents == 0) & (load > 0) & np.isfinite(patience_s)
    # With no agents every contact waits until its patience runs out.
    for key, value in (("p_wait", 1.0), ("service_level", 0.0), ("abandonment_rate", 100.0)):
        figures[key][idle] = value
    figures["asa_all_arrivals"][idle] = patience_s[idle]
    for key in ("service_level_answered", "asa", "occupancy"):
        figures[key][idle] = np.nan

    for begin in range(0, int(np.count_nonzero(active)), _CHUNK_ROWS):
        rows = np.flatnonzero(active)[begin : begin + _CHUNK_ROWS]
        arrival_rate = load[rows] / aht_s[rows]
        delayed, wait_answered, queued, within = _erlang_a_chunk(
            arrival_rate,
            agents[rows] / aht_s[rows],
            1.0 / patience_s[rows],
            threshold_s[rows],
            blocking[rows],
        )
        abandoned = delayed * queued / patience_s[rows]
        served = 1.0 - abandoned
        answered_within = (1.0 - delayed) + delayed * within
        figures["p_wait"][rows] = delayed
        figures["abandonment_rate"][rows] = 100.0 * abandoned
        figures["service_level"][rows] = 100.0 * answered_within
        figures["service_level_answered"][rows] = 100.0 * answered_within / served
        figures["asa"][rows] = delayed * wait_answered / served
        figures["asa_all_arrivals"][rows] = delayed * queued
        figures["occupancy"][rows] = 100.0 * load[rows] * served / agents[rows]
    return figures


def _flat_figures(load, aht_s, agents, threshold_s, patience_s, blocking):
    """All figures for 1-d arrays of one length: Erlang A where patience is finite, else C."""
    if np.isfinite(patience_s).any():
        figures = _erlang_a_metrics(load, aht_s, agents, threshold_s, patience_s, blocking)
    else:
        figures = _erlang_c_metrics(load, aht_s, agents, threshold_s, blocking)
    for key in ("p_wait", "service_level", "service_level_answered", "abandonment_rate",
                "occupancy"):
        # rounding can leave a probability a few ulps outside its range
        top = 1.0 if key == "p_wait" else 100.0
        figures[key] = np.clip(figures[key], 0.0, top)
    return figures


def _metrics(volume, aht_s, agents, interval_s, threshold_s, patience_s):
    """All figures (dict of arrays of the broadcast shape) for checked inputs."""
    shape = np.broadcast_shapes(
        volume.shape, aht_s.shape, agents.shape, interval_s.shape, threshold_s.shape,
        patience_s.shape,
    )
    load = np.broadcast_to(volume * aht_s / interval_s, shape).ravel()
    aht_s, agents, threshold_s, patience_s = (
        np.broadcast_to(value, shape).ravel().astype(float, copy=False)
        for value in (aht_s, agents, threshold_s, patience_s)
    )
    figures = _flat_figures(
        load, aht_s, agents, threshold_s, patience_s, _erlang_b(load, agents)
    )
    return {key: value.reshape(shape) for key, value in figures.items()}


def erlang_a(volume, aht_s, agents, interval_s=1800, *, patience_s, threshold_s=20):
    """Erlang A (Palm's M/M/n+M queue): Poisson arrivals, exponential handling and patience.

    With arrival rate ``lambda``, handling rate ``mu = 1/AHT``, abandonment rate
    ``theta = 1/patience``, ``n`` agents and Erlang B ``B = B(n, lambda/mu)``: the offered wait
    ``V`` of a delayed contact (its wait if it never hung up) has a density proportional to
    ``g(v) = n mu exp(-n mu v + lambda (1 - exp(-theta v)) / theta)``, with total mass
    ``D = integral of g`` (Mandelbaum and Zeltyn's ``A(n mu/theta, lambda/theta)``); the contact
    is answered when its patience outlasts ``V``, with probability ``exp(-theta V)``. Then::

        P(wait)       = D / (1/B - 1 + D)
        P(abandon)    = P(wait) E[1 - exp(-theta V)]
        SL (offered)  = 1 - P(wait) + P(wait) E[exp(-theta V); V <= T]
        SL (answered) = SL (offered) / (1 - P(abandon))
        ASA (answered) = P(wait) E[V exp(-theta V)] / (1 - P(abandon))
        ASA (all)     = P(wait) E[(1 - exp(-theta V)) / theta] = P(abandon) / theta
        occupancy     = A (1 - P(abandon)) / n

    The expectations are integrals over ``V`` computed by Gauss-Legendre quadrature in log
    space (no factorials, no overflow), so the model holds for thousands of agents.

    Parameters
    ----------
    volume : float or array-like
        Contacts offered in the interval.
    aht_s : float or array-like
        Average handle time, seconds.
    agents : int or array-like
        Agents on the phones (whole, >= 0).
    interval_s : float or array-like, default=1800
        Length of the interval, seconds.
    patience_s : float or array-like
        Mean patience (time a caller is willing to wait), seconds; ``inf`` gives Erlang C.
        Estimate it from data with :func:`kpikit.calibrate.patience_exponential`.
    threshold_s : float or array-like, default=20
        Answer-time threshold of the service level, seconds.

    Returns
    -------
    ErlangAResult
        ``p_wait``, ``p_abandon`` (0..1); ``service_level``, ``service_level_answered``,
        ``occupancy`` (percent); ``asa``, ``asa_all_arrivals`` (seconds).

    Notes
    -----
    Unlike Erlang C, the queue is stable for any number of agents, because callers leave.
    With no agents every contact abandons: ``asa`` and occupancy are NaN. With no traffic the
    figures are those of an empty system. As patience grows the figures converge to Erlang C.

    References
    ----------
    A. Mandelbaum and S. Zeltyn, "The Palm/Erlang-A queue, with applications to call centers"
    (2007); C. Palm (1943).

    Examples
    --------
    >>> result = erlang_a(100, 180, 14, patience_s=300)  # pyworkforce's Erlang A test case
    >>> round(result.p_wait, 5), round(result.p_abandon, 6), round(result.service_level, 4)
    (0.14526, 0.013984, 91.6792)
    >>> round(result.asa_all_arrivals / 60, 6)  # minutes
    0.069919
    """
    volume, aht_s, agents, interval_s, threshold_s = _common_inputs(
        volume, aht_s, agents, interval_s, threshold_s
    )
    patience_s = _array("patience_s", patience_s, minimum=0, strict=True, finite=False)
    figures = _metrics(volume, aht_s, agents, interval_s, threshold_s, patience_s)
    return ErlangAResult(
        p_wait=_scalar_result(figures["p_wait"]),
        p_abandon=_scalar_result(figures["abandonment_rate"] / 100.0),
        service_level=_scalar_result(figures["service_level"]),
        service_level_answered=_scalar_result(figures["service_level_answered"]),
        asa=_scalar_result(figures["asa"]),
        asa_all_arrivals=_scalar_result(figures["asa_all_arrivals"]),
        occupancy=_scalar_result(figures["occupancy"]),
    )


# --------------------------------------------------------------------------- tidy frames

_ERLANG_C_COLUMNS = ("p_wait", "service_level", "asa", "occupancy")
_ERLANG_A_COLUMNS = (
    "p_wait", "service_level", "service_level_answered", "asa", "asa_all_arrivals",
    "abandonment_rate", "occupancy",
)


def _patience(patience_s):
    if patience_s is None:
        return np.asarray(np.inf)
    return _array("patience_s", patience_s, minimum=0, strict=True, finite=False)


def queue_metrics(volume, aht_s, agents, interval_s=1800, *, threshold_s=20, patience_s=None):
    """Every queue figure for each combination of inputs, as a tidy frame.

    Erlang C when ``patience_s`` is None, Erlang A otherwise (see :func:`erlang_a`). Give an
    array of agent counts to draw a staffing curve.

    Parameters
    ----------
    volume, aht_s, agents, interval_s, threshold_s
        As in :func:`service_level`; they broadcast together (at most one dimension).
    patience_s : float or array-like, default=None
        Mean patience, seconds (Erlang A); None assumes callers never hang up (Erlang C).

    Returns
    -------
    pandas.DataFrame
        One row per element: ``volume, aht_s, agents, traffic, p_wait, service_level, asa,
        occupancy``; with patience also ``service_level_answered, asa_all_arrivals,
        abandonment_rate``. Units as in the module docstring.

    Examples
    --------
    >>> curve = queue_metrics(100, 180, [12, 13, 14], threshold_s=20)
    >>> curve[["agents", "service_level"]].round(1).to_dict("list")
    {'agents': [12, 13, 14], 'service_level': [64.0, 79.6, 88.8]}
    """
    volume, aht_s, agents, interval_s, threshold_s = _common_inputs(
        volume, aht_s, agents, interval_s, threshold_s
    )
    patience = _patience(patience_s)
    shape = np.broadcast_shapes(
        volume.shape, aht_s.shape, agents.shape, interval_s.shape, threshold_s.shape,
        patience.shape,
    )
    if len(shape) > 1:
        raise ValueError(
            f"queue_metrics takes numbers or one-dimensional arrays, but the inputs broadcast "
            f"to shape {shape}"
        )
    figures = _metrics(volume, aht_s, agents, interval_s, threshold_s, patience)
    frame = pd.DataFrame(
        {
            "volume": np.broadcast_to(volume, shape).ravel(),
            "aht_s": np.broadcast_to(aht_s, shape).ravel(),
            "agents": np.broadcast_to(agents, shape).ravel().astype(np.int64),
            "traffic": np.broadcast_to(volume * aht_s / interval_s, shape).ravel(),
        }
    )
    columns = _ERLANG_C_COLUMNS if patience_s is None else _ERLANG_A_COLUMNS
    for column in columns:
        frame[column] = figures[column].ravel()
    return frame


# --------------------------------------------------------------------------- staffing solver

_SAMPLE_INTERVALS = 17


def _staffing_figures(load, aht_s, agents, threshold_s, patience_s, blocking, keys=None):
    """Figures for the solver: Erlang C's fast path (only ``keys``) when nobody abandons."""
    if np.isfinite(patience_s).any():
        return _flat_figures(load, aht_s, agents, threshold_s, patience_s, blocking)
    # Erlang C counts stay above the traffic, so the edge cases of _erlang_c_metrics never arise
    return _erlang_c_stable(load, aht_s, agents, threshold_s, blocking, keys)


class _Staffing:
    """Smallest agent count per interval meeting every target, found by stepping ``n``.

    Built on the intervals with traffic. The figures improve monotonically with agents
    (service level up; ASA, occupancy and abandonment down), so the answer is the first
    passing count above the smallest stable one. Erlang B is carried from one count to the
    next by its recursion (and back by its inverse, ``B(n-1) = n B(n) / (A (1 - B(n)))``), so a
    step costs O(1) per interval and only intervals whose answer is not known yet are stepped.
    Methods take ``rows``, an index array into the intervals, or None for all of them.
    """

    def __init__(self, load, aht_s, threshold_s, patience_s, criteria):
        self.inputs = (load, aht_s, threshold_s, patience_s)
        self.criteria = criteria
        self.keys = {key for key, _, _ in criteria}

    def meets(self, rows, agents, blocking):
        inputs = self.inputs if rows is None else tuple(value[rows] for value in self.inputs)
        load, aht_s, threshold_s, patience_s = inputs
        figures = _staffing_figures(load, aht_s, agents, threshold_s, patience_s, blocking,
                                    self.keys)
        passed = np.ones(agents.shape, dtype=bool)
        for key, sign, target in self.criteria:
            passed &= sign * figures[key] >= sign * target - _TARGET_TOLERANCE
        return passed

    def load(self, rows):
        return self.inputs[0] if rows is None else self.inputs[0][rows]

    def climb(self, rows, agents, blocking, passed):
        """Step the intervals that fail up until they pass (updates the arrays in place)."""
        failing = np.flatnonzero(~passed)
        below = blocking[failing]
        while failing.size:
            where = failing if rows is None else rows[failing]
            load = self.load(where)
            agents[failing] += 1
            below = load * below / (agents[failing] + load * below)
            blocking[failing] = below
            still = ~self.meets(where, agents[failing], below)
            failing, below = failing[still], below[still]

    def descend(self, rows, agents, blocking, passed, lower):
        """Step passing intervals down while the count below passes too (in place).

        The first step tries every interval at once with masks (most start one above their
        answer, and masks avoid gathering the inputs); later steps take the few that went down.
        """
        movable = passed & (agents > lower)
        if not movable.any():
            return
        with np.errstate(divide="ignore", invalid="ignore"):
            below = agents * blocking / (self.load(rows) * (1.0 - blocking))
        below = np.where(movable, below, blocking)  # the others are evaluated as they are
        fine = movable & self.meets(rows, agents - movable, below)
        agents -= fine
        np.copyto(blocking, below, where=fine)
        movable = np.flatnonzero(fine & (agents > lower))
        above = blocking[movable]
        while movable.size:
            where = movable if rows is None else rows[movable]
            count = agents[movable]
            below = count * above / (self.load(where) * (1.0 - above))
            fine = self.meets(where, count - 1, below)
            agents[movable[fine]] -= 1
            blocking[movable[fine]] = below[fine]
            keep = fine & (count - 1 > lower[movable])
            movable, above = movable[keep], below[keep]

    def settle(self, rows, agents, blocking, lower):
        """Move each count from its start to the smallest passing one (in place)."""
        passed = self.meets(rows, agents, blocking)
        self.descend(rows, agents, blocking, passed, lower)
        self.climb(rows, agents, blocking, passed)

    def solve(self, lower):
        """Smallest passing count per interval and its Erlang B."""
        load = self.load(None)
        start = lower.copy()
        if load.size > _SAMPLE_INTERVALS:
            start = self._square_root_start(lower)
        blocking = _erlang_b(load, start)
        self.settle(None, start, blocking, lower)
        return start, blocking

    def _square_root_start(self, lower):
        """Starting counts ``A + beta sqrt(A)`` (square-root staffing), never below ``lower``.

        ``beta`` is learnt from a handful of intervals solved exactly (spread over the range
        of traffic, each started at ``beta = 1``) and interpolated in traffic, so most
        intervals start at their answer or one step away.
        """
        load = self.load(None)
        spread_out = np.linspace(0, load.size - 1, _SAMPLE_INTERVALS).round().astype(int)
        sample = np.unique(np.concatenate([spread_out, [np.argmin(load), np.argmax(load)]]))
        sample = sample[np.argsort(load[sample])]
        sample_load = load[sample]
        solved = np.maximum(lower[sample], np.round(sample_load + np.sqrt(sample_load)))
        self.settle(sample, solved, _erlang_b(sample_load, solved), lower[sample])
        # beta tabulated per whole Erlang of traffic: a lookup is cheaper than interpolating
        # every interval, and a starting guess needs no more precision
        beta = np.interp(
            np.arange(int(sample_load[-1]) + 1), sample_load,
            (solved - sample_load) / np.sqrt(sample_load),
        )[load.astype(np.int64)]
        return np.maximum(lower, np.round(load + beta * np.sqrt(load)))


def scheduled_agents(raw_agents, shrinkage=0.0):
    """Agents to schedule so that ``raw_agents`` are on the phones after shrinkage.

    ``ceil(raw_agents / (1 - shrinkage))``, with a 1e-9 tolerance so that float noise in the
    division never adds an agent.

    Parameters
    ----------
    raw_agents : int or array-like
        Agents needed on the phones.
    shrinkage : float, default=0.0
        Fraction of paid time away from the phones (breaks, training, absence), in [0, 1).

    Returns
    -------
    int or ndarray of int

    Examples
    --------
    >>> scheduled_agents(14, 0.3)  # 14 / 0.7 = 20
    20
    >>> scheduled_agents([14, 15], 0.25).tolist()  # 18.7 and 20
    [19, 20]
    """
    raw = _array("raw_agents", raw_agents, minimum=0, integer=True)
    shrinkage = float(_array("shrinkage", shrinkage, minimum=0))
    if shrinkage >= 1:
        raise ValueError(
            f"Value of 'shrinkage' is a fraction in [0, 1) (0.3 means 30 %), "
            f"but received: {shrinkage!r}"
        )
    scheduled = np.ceil(raw / (1.0 - shrinkage) - _SHRINKAGE_TOLERANCE).astype(np.int64)
    return int(scheduled) if scheduled.ndim == 0 else scheduled


def agents_required(
    volume,
    aht_s,
    interval_s=1800,
    *,
    target_sl=None,
    threshold_s=20,
    target_asa_s=None,
    max_occupancy=None,
    max_abandon=None,
    patience_s=None,
    shrinkage=0.0,
    sl_denominator="offered",
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
    volume : float or array-like (pandas Series keeps its index)
        Contacts offered per interval.
    aht_s : float or array-like
        Average handle time, seconds.
    interval_s : float or array-like, default=1800
        Length of an interval, seconds.
    target_sl : float, default=None
        Service-level target in percent (80 means 80 % answered within ``threshold_s``).
    threshold_s : float or array-like, default=20
        Answer-time threshold of the service level, seconds.
    target_asa_s : float, default=None
        Largest acceptable average speed of answer (of answered contacts), seconds.
    max_occupancy : float, default=None
        Largest acceptable occupancy, percent.
    max_abandon : float, default=None
        Largest acceptable abandonment rate, percent (needs ``patience_s``).
    patience_s : float or array-like, default=None
        Mean caller patience, seconds: Erlang A. None: Erlang C (nobody hangs up).
    shrinkage : float, default=0.0
        Fraction of paid time agents are away from the phones (breaks, training, absence),
        in [0, 1).
    sl_denominator : {"offered", "answered"}, default="offered"
        Service level over offered or over answered contacts (matters with Erlang A only), as
        the ``sl_denominator`` option of :func:`kpikit.compute`.

    Returns
    -------
    pandas.DataFrame
        One row per interval: ``volume, aht_s, traffic, raw_agents, scheduled_agents, p_wait,
        service_level, asa, occupancy`` and, with patience, ``abandonment_rate``. Intervals
        with no volume need no agents and have NaN figures (nothing to measure).

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
    index = volume.index if isinstance(volume, pd.Series) else None
    volume = _array("volume", volume, minimum=0)
    aht_s = _array("aht_s", aht_s, minimum=0, strict=True)
    interval_s = _array("interval_s", interval_s, minimum=0, strict=True)
    threshold_s = _array("threshold_s", threshold_s, minimum=0)
    patience = _patience(patience_s)
    scheduled_agents(0, shrinkage)  # checks shrinkage before the search
    criteria = _criteria(target_sl, target_asa_s, max_occupancy, max_abandon, patience_s,
                         sl_denominator)
    shape = np.broadcast_shapes(
        volume.shape, aht_s.shape, interval_s.shape, threshold_s.shape, patience.shape
    )
    if len(shape) > 1:
        raise ValueError(
            f"agents_required takes numbers or one-dimensional arrays (one value per "
            f"interval), but the inputs broadcast to shape {shape}"
        )
    load, aht_s, threshold_s, patience = (
        np.broadcast_to(value, shape).ravel().astype(float, copy=False)
        for value in (volume * aht_s / interval_s, aht_s, threshold_s, patience)
    )
    lower = np.where(np.isfinite(patience), 1.0, np.floor(load) + 1.0)
    busy = load > 0  # intervals without traffic need no agents (and B(0, 0) = 1)
    raw, blocking = np.zeros_like(load), np.ones_like(load)
    inputs = tuple(value[busy] for value in (load, aht_s, threshold_s, patience))
    raw[busy], blocking[busy] = _Staffing(*inputs, criteria).solve(lower[busy])
    with np.errstate(divide="ignore", invalid="ignore"):  # intervals without traffic: NaN
        figures = _staffing_figures(load, aht_s, raw, threshold_s, patience, blocking)
    columns = {
        "p_wait": "p_wait",
        "service_level": "service_level_answered" if sl_denominator == "answered"
        else "service_level",
        "asa": "asa",
        "occupancy": "occupancy",
    }
    if patience_s is not None:
        columns["abandonment_rate"] = "abandonment_rate"
    return pd.DataFrame(
        {
            "volume": np.broadcast_to(volume, shape).ravel(),
            "aht_s": aht_s,
            "traffic": load,
            "raw_agents": raw.astype(np.int64),
            "scheduled_agents": scheduled_agents(raw, shrinkage),
            **{
                column: np.where(load > 0, figures[key], np.nan)
                for column, key in columns.items()
            },
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
        criteria.append((key, 1.0, _percent("target_sl", target_sl, low=1, high=100, open=True)))
    if target_asa_s is not None:
        value = float(_array("target_asa_s", target_asa_s, minimum=0, strict=True))
        criteria.append(("asa", -1.0, value))
    if max_occupancy is not None:
        criteria.append(("occupancy", -1.0, _percent("max_occupancy", max_occupancy, low=1,
                                                      high=100)))
    if max_abandon is not None:
        value = float(_array("max_abandon", max_abandon, minimum=0, strict=True))
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
