"""Queueing models for staffing: Erlang B, Erlang C, Erlang A (M/M/n+M) and a staffing solver.

Every function is vectorised: arguments are numbers or arrays that broadcast together (one
element per interval, per agent count, ...), and scalar inputs give a Python float back.
Numbers of agents are counted in the recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, never with
factorials, so thousands of agents stay exact and finite.

Units follow the rest of kpikit: times in seconds; service level, occupancy and abandonment
rate in percent (0..100, as in :func:`kpikit.compute`); probabilities of an event
(:func:`erlang_b`, :func:`erlang_c`, ``p_wait``, ``p_abandon``) on 0..1.

>>> from kpikit import queueing
>>> round(queueing.service_level(100, 180, 14, threshold_s=20), 1)  # 100 calls per 30 min
88.8
>>> queueing.agents_required(100, 180, target_sl=80, threshold_s=20)["raw_agents"].tolist()
[13]
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
    "service_level",
    "traffic",
]

SL_DENOMINATORS = ("offered", "answered")

# Erlang A integrals run over the offered-wait range where the integrand is within e^-45 of its
# peak; beyond it the mass is below double precision. 3 panels of 24 Gauss-Legendre nodes keep
# the integrals within about 1e-12 (relative) of scipy's incomplete gamma functions.
_LOG_RANGE = 45.0
_PANEL_EDGES = np.concatenate([[0.0], 8.0 ** -np.arange(6, -1, -1)])
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
_CHUNK_ROWS = 4096
_SHRINKAGE_TOLERANCE = 1e-9


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
            f"but received: {array[bad].ravel()[0]!r}"
        )
    return array


def _percent(name, value, *, low, high):
    """Check a percent target (0..100 scale) and catch fractions such as 0.8 for 80 %."""
    if value is None:
        return None
    number = float(value)
    if not low < number <= high:
        raise ValueError(
            f"Value of {name!r} is a percent on the 0..100 scale (80 means 80 %) and must be "
            f"in ({low}, {high}], but received: {value!r}"
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

    The recursion runs once over agent counts in increasing order; at step ``k`` it only touches
    the elements that have at least ``k`` agents (a suffix of the sorted order), so the work is
    the sum of the agent counts, not the largest count times the number of elements.
    """
    flat_load = load.ravel()
    flat_agents = agents.ravel().astype(np.int64)
    order = np.argsort(flat_agents, kind="stable")
    sorted_load = flat_load[order]
    sorted_agents = flat_agents[order]
    blocking = np.ones_like(sorted_load)
    most = int(sorted_agents[-1]) if sorted_agents.size else 0
    starts = np.searchsorted(sorted_agents, np.arange(1, most + 1), side="left")
    for k, start in enumerate(starts, start=1):
        carried = sorted_load[start:] * blocking[start:]
        blocking[start:] = carried / (k + carried)
    result = np.empty_like(flat_load)
    result[order] = blocking
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


def _erlang_c_from_b(load, agents, blocking):
    """Erlang C from Erlang B: ``C = n B / (n - A (1 - B))``; 1 when ``n <= A``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        delayed = agents * blocking / (agents - load * (1.0 - blocking))
    delayed = np.where(agents > load, delayed, 1.0)
    return np.where((agents == 0) & (load == 0), np.nan, delayed)


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
    return _scalar_result(_erlang_c_from_b(load, count, _erlang_b(load, count)))


def _erlang_c_metrics(load, aht_s, agents, threshold_s, blocking):
    """Erlang C figures for arrays of one shape; see :func:`queue_metrics` for the keys."""
    delayed = _erlang_c_from_b(load, agents, blocking)
    stable = agents > load
    spare = np.where(stable, agents - load, np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        within = 100.0 * (1.0 - delayed * np.exp(-spare * threshold_s / aht_s))
        mean_wait = delayed * aht_s / spare
        busy = 100.0 * np.minimum(load / agents, 1.0)
    within = np.where(stable, within, np.where(load > 0, 0.0, np.nan))
    mean_wait = np.where(stable, mean_wait, np.where(load > 0, np.inf, np.nan))
    return {
        "p_wait": delayed,
        "service_level": within,
        "service_level_answered": within.copy(),
        "asa": mean_wait,
        "asa_all_arrivals": mean_wait.copy(),
        "abandonment_rate": np.where(np.isnan(delayed), np.nan, 0.0),
        "occupancy": np.where(agents > 0, busy, np.nan),
    }


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
        busy = 100.0 * np.minimum(load / agents, 1.0)
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


def _metrics(volume, aht_s, agents, interval_s, threshold_s, patience_s):
    """All figures (dict of arrays of the broadcast shape) for checked inputs."""
    shape = np.broadcast_shapes(
        volume.shape, aht_s.shape, agents.shape, interval_s.shape, threshold_s.shape,
        patience_s.shape,
    )
    load = np.broadcast_to(volume * aht_s / interval_s, shape).ravel()
    aht_s, agents, threshold_s, patience_s = (
        np.broadcast_to(value, shape).ravel().astype(float)
        for value in (aht_s, agents, threshold_s, patience_s)
    )
    blocking = _erlang_b(load, agents)
    if np.isfinite(patience_s).any():
        figures = _erlang_a_metrics(load, aht_s, agents, threshold_s, patience_s, blocking)
    else:
        figures = _erlang_c_metrics(load, aht_s, agents, threshold_s, blocking)
    return {key: np.asarray(value, dtype=float).reshape(shape) for key, value in figures.items()}


def erlang_a(volume, aht_s, agents, interval_s=1800, *, patience_s, threshold_s=20):
    """Erlang A (Palm's M/M/n+M queue): Poisson arrivals, exponential handling and patience.

    With arrival rate ``lambda``, handling rate ``mu = 1/AHT``, abandonment rate
    ``theta = 1/patience``, ``n`` agents and Erlang B ``B = B(n, lambda/mu)``, a delayed
    contact's offered wait ``V`` has density ``f(v) = n mu exp(-n mu v + lambda (1 - exp(-theta
    v)) / theta) / D`` with ``D = integral f`` (Mandelbaum and Zeltyn's ``A(n mu/theta,
    lambda/theta)``), and it is answered with probability ``exp(-theta V)``. Then::

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
