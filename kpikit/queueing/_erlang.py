"""Erlang B and Erlang C (the M/M/n queue): blocking, waiting, service level, ASA, occupancy."""

import numpy as np

from kpikit.queueing._inputs import (
    MAX_TRAFFIC,
    _agents,
    _array,
    _common_inputs,
    _load,
    _scalar_result,
    one_length,
)


@one_length
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
    return _scalar_result(_load(volume, aht_s, interval_s, maximum=np.inf))


def _erlang_b(load, agents):
    """Erlang B for float arrays ``load`` and ``agents`` of one shape (agents whole, >= 0).

    Runs the recursion on the inverse, ``1/B(k) = 1 + (k / A) / B(k-1)``, which needs no
    division inside the loop. Unrolled, ``1/B(n) = P(X <= n) / P(X = n)`` for ``X`` Poisson of
    mean ``A``: a sum of terms ``P(X = j) / P(X = n)``, ``j = 0..n``. Those with ``j`` below
    ``s = m - 12 sqrt(m) - 50``, ``m = min(n, A)``, add up to under 1e-26 of the sum
    (``P(X = j) / P(X = m) <= exp(-(m - j)^2 / (2 m))``, below ``e^-72`` a term), so each
    element starts at ``1/B(s) = 1``: about ``12 sqrt(A)`` steps instead of ``n`` (100,000
    agents took 2 s an evaluation, and staffing 100,000 Erlangs with patience a minute).
    The loop runs over the steps taken, in increasing order; at step ``t`` it only touches
    the elements taking at least ``t`` steps (a suffix of the sorted order), so the work is
    the sum of the steps, not the most steps times the number of elements. ``1/B`` only
    grows; where it overflows, ``B`` is 0 to double precision.
    """
    flat_load = load.ravel()
    flat_agents = agents.ravel().astype(np.int64)
    nearest = np.floor(np.minimum(flat_agents, flat_load))
    first = np.maximum(nearest - np.ceil(12.0 * np.sqrt(nearest) + 50.0), 0.0).astype(np.int64)
    steps = flat_agents - first
    order = np.argsort(steps)
    sorted_steps = steps[order]
    first = first[order].astype(float)
    with np.errstate(divide="ignore", over="ignore"):
        per_load = 1.0 / flat_load[order]
        inverse = np.ones_like(per_load)
        most = int(sorted_steps[-1]) if sorted_steps.size else 0
        starts = np.searchsorted(sorted_steps, np.arange(1, most + 1), side="left")
        for step, start in enumerate(starts, start=1):
            tail = inverse[start:]
            tail *= per_load[start:]
            tail *= first[start:] + step
            tail += 1.0
    result = np.empty_like(flat_load)
    result[order] = 1.0 / inverse
    return result.reshape(load.shape)


@one_length
def erlang_b(traffic, agents):
    """Erlang B: probability that a contact finds every agent busy when there is no queue.

    ``B(0) = 1`` and ``B(k) = A B(k-1) / (k + A B(k-1))`` for ``k = 1..n``.

    Parameters
    ----------
    traffic : float or array-like
        Offered load ``A`` in Erlangs (see :func:`traffic`), 0 to 100,000.
    agents : int or array-like
        Number of agents ``n`` (whole, 0 to 100,000).

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
    load = _array("traffic", traffic, minimum=0, maximum=MAX_TRAFFIC)
    count = _agents("agents", agents)
    load, count = np.broadcast_arrays(load, count)
    return _scalar_result(_erlang_b(load, count))


@one_length
def erlang_c(traffic, agents):
    """Erlang C: probability that a contact waits (M/M/n queue, callers never hang up).

    ``C(n, A) = n B(n, A) / (n - A (1 - B(n, A)))`` with ``B`` from :func:`erlang_b`.

    Parameters
    ----------
    traffic : float or array-like
        Offered load ``A`` in Erlangs, 0 to 100,000.
    agents : int or array-like
        Number of agents ``n`` (whole, 0 to 100,000).

    Returns
    -------
    float or ndarray
        Probability of waiting on 0..1.

    Notes
    -----
    With ``n <= A`` the queue grows without bound and every contact waits: the result is 1.
    With no traffic and agents it is 0: the share of time all agents are busy, which an
    arrival would see. With no traffic and no agents the probability is undefined: NaN.

    Examples
    --------
    >>> round(erlang_c(10, 14), 4)  # 100 calls / 30 min at 3 min AHT, 14 agents
    0.1741
    >>> erlang_c(10, 10)
    1.0
    """
    load = _array("traffic", traffic, minimum=0, maximum=MAX_TRAFFIC)
    count = _agents("agents", agents)
    load, count = np.broadcast_arrays(load, count)
    figures = _erlang_c_metrics(load, np.ones_like(load), count, 0.0, _erlang_b(load, count))
    return _scalar_result(figures["p_wait"])


def _erlang_c_stable(load, aht_s, agents, threshold_s, blocking, keys=None):
    """Erlang C figures where ``agents > load`` (the staffing solver's fast path).

    ``keys`` limits the work to the figures a caller needs (default: all four).
    """
    delayed = agents * blocking / (agents - load * (1.0 - blocking))
    figures = {"p_wait": delayed}
    if keys is None or {"service_level", "service_level_answered"} & set(keys):
        spare_per_aht = (agents - load) * threshold_s / aht_s
        figures["service_level"] = 100.0 * (1.0 - delayed * np.exp(-spare_per_aht))
        # Without abandonment every contact is answered: both service-level variants agree.
        figures["service_level_answered"] = figures["service_level"]
    if keys is None or "asa" in keys:
        figures["asa"] = delayed * aht_s / (agents - load)
    if keys is None or "occupancy" in keys:
        figures["occupancy"] = 100.0 * load / agents
    return figures


def _erlang_c_metrics(load, aht_s, agents, threshold_s, blocking):
    """Erlang C figures for same-shape arrays, keys as in :func:`~kpikit.queueing.queue_metrics`."""
    stable = agents > load
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        figures = _erlang_c_stable(load, aht_s, agents, threshold_s, blocking)
    unstable_value = {"p_wait": 1.0, "service_level": 0.0, "asa": np.inf, "occupancy": 100.0}
    for key, value in unstable_value.items():
        figures[key] = np.where(stable, figures[key], np.where(load > 0, value, np.nan))
    # no traffic: the agents are idle, a share of time, so nobody waits (p_wait 0) and nobody
    # is busy (occupancy 0; NaN without agents, no agent time); the figures over contacts have
    # no contact to count (service level, ASA, abandonment: a zero denominator, NaN)
    figures["occupancy"] = np.where(agents > 0, figures["occupancy"], np.nan)
    figures["service_level"] = np.where(load > 0, figures["service_level"], np.nan)
    figures["asa"] = np.where(load > 0, figures["asa"], np.nan)
    figures["service_level_answered"] = figures["service_level"].copy()
    figures["asa_all_arrivals"] = figures["asa"].copy()
    figures["abandonment_rate"] = np.where(np.isnan(figures["service_level"]), np.nan, 0.0)
    return figures


@one_length
def service_level(volume, aht_s, agents, interval_s=1800, *, threshold_s=None):
    """Service level of an Erlang C queue: percent of contacts answered within ``threshold_s``.

    ``SL = 100 (1 - C(n, A) exp(-(n - A) T / AHT))`` with ``A = volume AHT / interval``.

    Parameters
    ----------
    volume : float or array-like
        Contacts offered in the interval.
    aht_s : float or array-like
        Average handle time, seconds, at least 0.001.
    agents : int or array-like
        Agents on the phones (after shrinkage).
    interval_s : float or array-like, default=1800
        Length of the interval, seconds, at least 0.001.
    threshold_s : float or array-like, default=None
        Answer-time threshold ``T`` of the service level, seconds; None: the phone threshold
        of ``kk.options`` (:func:`kpikit.options.sl_threshold_for`, 20 s unless changed).

    Returns
    -------
    float or ndarray
        Percent on 0..100. 0 when ``agents <= A`` (unstable queue); NaN with no traffic (no
        contact to answer: a zero denominator).

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


@one_length
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
        traffic (no contact answered: a zero denominator).

    Examples
    --------
    >>> round(asa(100, 180, 14), 2)  # 10 Erlangs: P(wait) 0.17413 * 180 / (14 - 10)
    7.84
    """
    volume, aht_s, agents, interval_s, _ = _common_inputs(volume, aht_s, agents, interval_s, 0)
    load, aht_s, agents = np.broadcast_arrays(volume * aht_s / interval_s, aht_s, agents)
    figures = _erlang_c_metrics(load, aht_s, agents, 0.0, _erlang_b(load, agents))
    return _scalar_result(figures["asa"])


@one_length
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
        Percent on 0..100: 0 with no traffic (idle agents), NaN with no agents.

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
