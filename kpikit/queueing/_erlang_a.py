"""Erlang A (Palm's M/M/n+M queue, callers who hang up) and its quadrature in log space.

:func:`_metrics` is the single entry to every figure for any patience: Erlang A where
patience is finite, Erlang C where it is infinite.
"""

from dataclasses import dataclass

import numpy as np

from kpikit.queueing._erlang import _erlang_b, _erlang_c_metrics
from kpikit.queueing._inputs import _common_inputs, _scalar_result, _seconds, one_length

# Erlang A integrals run over the offered-wait range where the integrand is within e^-45 of its
# peak (beyond it the mass is below double precision), on 7 panels per side that grow 8-fold
# away from the peak, 16 Gauss-Legendre nodes each: within about 1e-9 (relative) of the exact
# birth-death sums over thousands of random cases (see tests/test_queueing.py).
_LOG_RANGE = 45.0
_PANEL_EDGES = np.concatenate([[0.0], 8.0 ** -np.arange(6, -1, -1)])
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
_CHUNK_ROWS = 4096
_MOST_WAITING = 1e15
"""Most callers an overloaded Erlang A queue may hold, about ``lambda * patience``: its log
density spans about that many units, and beyond 1e20 a float's rounding swamps the e^-45
range the quadrature works in (p_wait came out 0 and the other figures NaN)."""


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
            [
                density.sum(axis=1),
                answered.sum(axis=1),
                (answered * wait).sum(axis=1),
                queued.sum(axis=1),
            ]
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
    figures["abandonment_rate"][load == 0] = np.nan  # no contact to abandon
    idle = ~active & (agents == 0) & (load > 0) & np.isfinite(patience_s)
    # With no agents every contact waits until its patience runs out.
    for key, value in (("p_wait", 1.0), ("service_level", 0.0), ("abandonment_rate", 100.0)):
        figures[key][idle] = value
    figures["asa_all_arrivals"][idle] = patience_s[idle]
    for key in ("service_level_answered", "asa", "occupancy"):
        figures[key][idle] = np.nan
    _check_waiting(load, aht_s, agents, patience_s, active)

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


def _piling_up(load, aht_s, patience_s):
    """Whether callers would pile up beyond what Erlang A computes with fewer agents than the
    traffic: ``lambda * patience`` above :data:`_MOST_WAITING`."""
    with np.errstate(over="ignore"):
        return load / aht_s * patience_s > _MOST_WAITING


def _check_waiting(load, aht_s, agents, patience_s, active):
    """Refuse a patience too long for an overloaded queue (more traffic than agents): its
    callers wait about ``patience * log(A / n)`` and pile up to about ``lambda * patience``,
    beyond what the quadrature resolves (:data:`_MOST_WAITING`)."""
    too_long = np.flatnonzero(active & (load > agents) & _piling_up(load, aht_s, patience_s))
    if too_long.size:
        first = too_long[0]
        waiting = load[first] / aht_s[first] * patience_s[first]
        raise ValueError(
            f"Value of 'patience_s' is too long for the traffic: with fewer agents than its "
            f"{load[first]:.4g} Erlangs, {patience_s[first]:.3g} s of patience piles up about "
            f"{waiting:.3g} waiting callers, beyond what Erlang A computes "
            f"({too_long.size} of {load.size} values, first at position {first}); give "
            "patience_s=None when callers never hang up"
        )


def _flat_figures(load, aht_s, agents, threshold_s, patience_s, blocking):
    """All figures for 1-d arrays of one length: Erlang A where patience is finite, else C."""
    if np.isfinite(patience_s).any():
        figures = _erlang_a_metrics(load, aht_s, agents, threshold_s, patience_s, blocking)
    else:
        figures = _erlang_c_metrics(load, aht_s, agents, threshold_s, blocking)
    for key in (
        "p_wait",
        "service_level",
        "service_level_answered",
        "abandonment_rate",
        "occupancy",
    ):
        # rounding can leave a probability a few ulps outside its range
        top = 1.0 if key == "p_wait" else 100.0
        figures[key] = np.clip(figures[key], 0.0, top)
    return figures


def _metrics(volume, aht_s, agents, interval_s, threshold_s, patience_s):
    """All figures (dict of arrays of the broadcast shape) for checked inputs."""
    shape = np.broadcast_shapes(
        volume.shape,
        aht_s.shape,
        agents.shape,
        interval_s.shape,
        threshold_s.shape,
        patience_s.shape,
    )
    load = np.broadcast_to(volume * aht_s / interval_s, shape).ravel()
    aht_s, agents, threshold_s, patience_s = (
        np.broadcast_to(value, shape).ravel().astype(float, copy=False)
        for value in (aht_s, agents, threshold_s, patience_s)
    )
    figures = _flat_figures(load, aht_s, agents, threshold_s, patience_s, _erlang_b(load, agents))
    return {key: value.reshape(shape) for key, value in figures.items()}


@one_length
def erlang_a(volume, aht_s, agents, interval_s=1800, *, patience_s, threshold_s=None):
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
        Average handle time, seconds, at least 0.001.
    agents : int or array-like
        Agents on the phones (whole, >= 0).
    interval_s : float or array-like, default=1800
        Length of the interval, seconds, at least 0.001.
    patience_s : float or array-like
        Mean patience (time a caller is willing to wait), seconds, at least 0.001; ``inf``
        gives Erlang C. Estimate it from data with :func:`kpikit.calibrate.patience_exponential`.
    threshold_s : float or array-like, default=None
        Answer-time threshold ``T`` of the service level, seconds; None: the phone threshold
        of ``kk.options`` (:func:`kpikit.options.sl_threshold_for`, 20 s unless changed).

    Returns
    -------
    ErlangAResult
        ``p_wait``, ``p_abandon`` (0..1); ``service_level``, ``service_level_answered``,
        ``occupancy`` (percent); ``asa``, ``asa_all_arrivals`` (seconds).

    Notes
    -----
    Unlike Erlang C, the queue is stable for any number of agents, because callers leave.
    With no agents every contact abandons: ``asa`` and occupancy are NaN. With no traffic there
    is no contact to count: ``p_abandon``, the service levels and ASAs are NaN (a zero
    denominator), while ``p_wait`` (the share of time all agents are busy) and occupancy are 0
    (NaN without agents). As patience grows the figures converge to Erlang C.
    With fewer agents than the traffic, a patience piling up over 1e15 waiting callers
    (``lambda * patience``) is refused: a float no longer resolves that queue.

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
    patience_s = _seconds("patience_s", patience_s, finite=False)
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
