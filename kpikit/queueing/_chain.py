"""Birth-death queues solved exactly in log space: the engine of Erlang X, chat and blending.

The state ``x`` counts contacts in the system (in service and waiting), from a lowest state
``lo`` up to a capacity ``N`` (``inf``: no blocking). Contacts arrive at rate ``lambda``
(blocked at ``N``). Up to ``c`` of them are in service, leaving at ``sigma(x)`` in total;
beyond ``c`` they wait first come, first served, and each waiting contact hangs up at rate
``theta``, so the state drops at ``sigma(c) + (x - c) theta``. The stationary distribution is
``pi(x) ~ prod over lo < i <= x of lambda / death(i)``, taken in log space so that thousands
of agents neither overflow nor underflow.

What an arriving contact sees (Poisson arrivals see time averages):

- ``x < c``: it is served at once;
- ``c <= x < N``: it waits at position ``j = x - c + 1``. It leaves position ``i`` at rate
  ``r_i = sigma(c) + i theta``, moving up with probability ``(sigma(c) + (i - 1) theta) / r_i``,
  so ``P(served | j) = prod (sigma(c) + (i - 1) theta) / r_i`` over ``i = 1..j`` and, since the
  time spent at a position does not depend on how the position is left,
  ``E[wait | served, j] = sum 1 / r_i``. ``P(served within T | j)`` has a closed form, a
  negative binomial tail (:func:`_served_after_threshold`);
- ``x = N``: it is blocked.

Rows (intervals) are computed together in chunks padded to a common number of states.
"""

import numpy as np

_TAIL_LOG = 45.0  # states whose probability is below e^-45 of the peak are left out
_CHUNK_CELLS = 2_000_000
_MOST_STATES = 2_000_000
_SAME_RATE = 1e-12
"""Relative gap under which arrivals and full service count as equally fast: 100 calls of
180 s on 10 agents give 1/18 per second against ``10 * (1 / 180)``, one ulp faster, which
read as a stable queue needing 4e17 states."""


def _truncation(arrival, full_rate, abandon, servers, capacity):
    """Number of states to keep per row (``inf`` capacity truncated where the tail is nil)."""
    finite = np.isfinite(capacity)
    states = np.where(finite, capacity + 1, _unlimited_states(arrival, full_rate, abandon, servers))
    too_many = ~(states <= _MOST_STATES)
    if too_many.any():
        if finite[too_many].any():
            cause = "capacity 'lines' too large"
            fix = "give fewer lines, or lines=None when callers never fill them all"
        elif (abandon[too_many] == 0).any():  # nobody leaves: served just faster than arriving
            cause = "the traffic within a hair of what the agents serve, and nobody hangs up"
            fix = "give one agent more or a patience"
        else:
            cause = "patience too long for the traffic"
            fix = "give finite lines or a shorter patience"
        raise ValueError(f"The queue needs more than {_MOST_STATES:,} states ({cause}); {fix}")
    return states.astype(np.int64)


def _unlimited_states(arrival, full_rate, abandon, servers):
    """Per row, the states a queue without a line limit keeps, as floats (``inf`` or huge
    where its tail falls too slowly): past them its probabilities are below e^-45 of the
    peak. Meaningless where it grows without bound (no patience, arrivals as fast as the
    agents serve); :func:`solve` sets those rows apart."""
    # a trickle of arrivals (1e-309 per second) puts full_rate / arrival beyond a float: the
    # geometric tail then needs no state beyond the 10 kept anyway
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        crossing = np.where(abandon > 0, np.ceil(np.maximum(arrival - full_rate, 0) / abandon), 0)
        patient = np.sqrt(2 * _TAIL_LOG * arrival / abandon) + 10
        geometric = _TAIL_LOG / np.log(full_rate / arrival) + 10
    # the tail of a queue that service alone empties (full_rate > arrival) falls at least
    # geometrically whatever the patience, so a patience of 1e308 s is Erlang C, not refused
    settling = np.where(full_rate > arrival, geometric, np.inf)
    extra = np.where(abandon > 0, np.fmin(crossing + patient, settling), geometric)
    extra = np.where(arrival > 0, extra, 1)
    # counted in floats: a patience of 1e308 s (extra = inf) must reach the check of
    # _truncation, not wrap around in a cast to integers
    return servers + np.ceil(extra) + 1


def _unreached_lines(arrival, full_rate, abandon, servers, capacity):
    """``capacity`` with ``inf`` where the queue never comes near its line limit: beyond the
    states it would keep without one (:func:`_unlimited_states`), so that its share of time
    there, and its blocking, are below e^-45 of the peak. Such a limit blocks no one and only
    lengthened the chain (20 rows with ``lines=10**6`` took 5 s, as against 1.4 ms without).
    Rows that grow without bound when unlimited keep their limit.

    >>> _unreached_lines(np.array([0.5, 0.5]), np.array([1.0, 1.0]), np.array([0.0, 0.0]),
    ...                  np.array([1, 1]), np.array([10.0**6, 20.0])).tolist()
    [inf, 20.0]
    """
    settles = (abandon > 0) | (full_rate > arrival * (1 + _SAME_RATE))
    with np.errstate(invalid="ignore"):
        unreached = (
            np.isfinite(capacity)
            & settles
            & (_unlimited_states(arrival, full_rate, abandon, servers) < capacity + 1)
        )
    return np.where(unreached, np.inf, capacity)


def _served_after_threshold(full_rate, abandon, threshold, served_from, first=None):
    """Per row, the chance that an arriving contact waits and is served, but after ``T``:
    ``sum over j of f_j P(wait > T | served, j)``, with ``f_j = P(at j) P(served | j)`` given
    as ``served_from[:, j - first]`` for the positions ``j = first..J`` (``first``: 1 unless
    the chain's lowest states were left out, :func:`_first_state`; ``f_j = 0`` below it).

    A contact at position ``j`` would reach an agent after ``V_j``, a sum of independent
    exponentials of rates ``sigma + (i - 1) theta``, ``i = 1..j`` (service and hang-ups of the
    contacts ahead), and is served if its own patience outlasts ``V_j``. With
    ``s = sigma / theta``, ``theta V_j = -log U`` for ``U ~ Beta(s, j)`` (both have the Mellin
    transform ``prod (s + i - 1) / (s + i - 1 + t)``), so, with ``u = exp(-theta T)``::

        P(served within T | j) = E[U; U >= u] = s / (s + j) P(Beta(s + 1, j) >= u)
                               = P(served | j) P(X >= j)

    with ``X`` negative binomial: ``P(X = 0) = exp(-(sigma + theta) T)`` and
    ``P(X = k) / P(X = k - 1) = l (sigma / k + theta)``, ``l = (1 - u) / theta`` (``T`` when
    ``theta = 0``, where ``X`` is Poisson(sigma T) and ``V_j`` Gamma(j, sigma)). Swapping the
    sums, the contacts served later than ``T`` are::

        sum over j of f_j P(X < j) = sum over k = 0..J-1 of P(X = k) R_k,
        R_k = sum over j > k of f_j

    a sum of ``J`` positive terms, exact with no truncation, in ``O(J)``; below ``first`` every
    ``R_k`` is the whole ``R_0``, so those terms are ``R_0 P(X < first - 1)`` (the uniformisation it
    replaces took about ``(sigma + J theta) T`` steps over ``J`` positions: 10^11 operations,
    hours, for one agent of 1000 s beside 384 Erlangs with a month of patience and
    ``T = 10^6`` s). Error bound: ``P(X = k)`` goes as ``l^k``, so with ``l`` and the running
    sum of ``log`` ratios rounded, its relative error is about ``k`` times 1e-16, and the
    result is within about ``J`` 1e-16 of itself, relative. The service level takes it from
    the share served after waiting: it is exact to that much of the share, absolute (a
    service level of 4e-9 beside 0.07 served late came out within 4e-15 of a 30-digit chain).

    >>> # one position, sigma = 0.1, theta = 0.01, T = 20: P(served) = 0.1 / 0.11 and
    >>> # V_1 ~ Exp(0.1) is answered with chance exp(-0.01 V_1), so the late part is
    >>> # integral from 20 of 0.1 exp(-0.11 v) dv = exp(-2.2) / 1.1
    >>> late = _served_after_threshold(np.array([0.1]), np.array([0.01]), np.array([20.0]),
    ...     np.array([[0.1 / 0.11]]))
    >>> bool(np.isclose(late[0], np.exp(-2.2) / 1.1, rtol=1e-14, atol=0))
    True
    """
    rows, positions = served_from.shape
    lead = np.zeros(rows, dtype=np.int64) if first is None else first - 1
    k = lead[:, None] + np.arange(1, positions)
    scaled = abandon * threshold
    # below the smallest normal float theta T is 0 to within 1e-308 of l = T
    with np.errstate(divide="ignore", invalid="ignore"):
        length = np.where(scaled > np.finfo(float).tiny, -np.expm1(-scaled) / abandon, threshold)
        log_ratio = np.log(length)[:, None] + np.log(full_rate[:, None] / k + abandon[:, None])
    start, before = _skipped_pmf(full_rate, abandon, length, threshold, lead)
    log_pmf = np.concatenate(
        [start[:, None], start[:, None] + np.cumsum(log_ratio, axis=1)], axis=1
    )
    beyond = np.cumsum(served_from[:, ::-1], axis=1)[:, ::-1]  # R_k, k = lead..J - 1
    return (np.exp(log_pmf) * beyond).sum(axis=1) + beyond[:, 0] * before


def _skipped_pmf(full_rate, abandon, length, threshold, lead):
    """Per row, ``log P(X = lead)`` and ``P(X < lead)`` of :func:`_served_after_threshold`'s
    negative binomial ``X`` (``log P(X = 0) = -(sigma + theta) T``, 0 where ``lead = 0``).

    >>> start, before = _skipped_pmf(np.array([0.1]), np.array([0.0]), np.array([20.0]),
    ...     np.array([20.0]), np.array([2]))
    >>> # theta = 0: X ~ Poisson(2), P(X = 2) = 2 exp(-2), P(X < 2) = 3 exp(-2)
    >>> np.allclose([np.exp(start[0]), before[0]], [2 * np.exp(-2), 3 * np.exp(-2)])
    True
    """
    start = -(full_rate + abandon) * threshold
    before = np.zeros(lead.shape)
    for row in np.flatnonzero(lead > 0):
        i = np.arange(1, lead[row] + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            steps = np.log(length[row]) + np.log(full_rate[row] / i + abandon[row])
        logs = start[row] + np.concatenate([[0.0], np.cumsum(steps)])
        start[row], before[row] = logs[-1], np.exp(logs[:-1]).sum()
    return start, before


def _first_state(arrival, full_rate, abandon, servers, capacity):
    """First state kept per row: 0, or, where callers who hang up pile up far beyond the
    agents (an overloaded Erlang A or X), the states within e^-45 of the peak below it.

    Beyond ``c`` the log probability rises while ``death(x) = sigma + (x - c) theta`` is below
    ``lambda``, up to the mode ``m = c + floor((lambda - sigma) / theta)`` (or the capacity
    ``N`` before it). ``d`` states below it, it is lower by at least ``d (d - 1) theta /
    (2 lambda)`` (each step down ``t`` adds ``log(lambda / death) >= t theta / lambda``), so
    every state below ``m - sqrt(2 * 45 lambda / theta) - 10`` is below e^-45 of the peak,
    as every state above :func:`_truncation`'s cut is. A cut is kept only beyond ``c``, where
    the states left out would make an arriving contact wait (positions ``1..first - 1``).

    >>> # 0.5/s on 1 agent of 100 s, patience 1000 s: m = 1 + 0.49 / 0.001 = 491, and
    >>> # ceil(sqrt(90 * 0.5 / 0.001)) + 10 = 213 + 10 = 223 states below it: first 268
    >>> _first_state(np.array([0.5]), np.array([0.01]), np.array([0.001]), np.array([1]),
    ...     np.array([np.inf])).tolist()
    [268]
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mode = np.fmin(servers + np.floor((arrival - full_rate) / abandon), capacity)
        start = mode - np.ceil(np.sqrt(2 * _TAIL_LOG * arrival / abandon)) - 10
    cut = (abandon > 0) & (arrival > full_rate) & np.isfinite(start) & (start > servers)
    return np.where(cut, start, 0).astype(np.int64)


def _chunk(arrival, lowest, servers, capacity, abandon, threshold, first, states, service_rates):
    """Figures of :func:`solve` for rows whose states ``first..states - 1`` are kept (columns
    of one width, padded)."""
    rows = arrival.shape[0]
    width = int((states - first).max())
    x = first[:, None] + np.arange(width)  # the state of each column, per row
    service = service_rates(x)  # (rows, width) total service rate with x in service
    full_rate = service_rates(servers[:, None])[:, 0]
    waiting = np.maximum(x - servers[:, None], 0)
    death = np.where(
        x <= servers[:, None], service, full_rate[:, None] + waiting * abandon[:, None]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.log(arrival)[:, None] - np.log(death)
    step = np.where(x > lowest[:, None], step, 0.0)
    step[:, 0] = 0.0
    inside = (x >= lowest[:, None]) & (x < states[:, None])
    log_pi = np.where(inside, np.cumsum(np.where(inside, step, 0.0), axis=1), -np.inf)
    log_pi -= np.max(log_pi, axis=1, keepdims=True)
    pi = np.exp(log_pi)
    pi /= pi.sum(axis=1, keepdims=True)

    every = np.arange(rows)
    last = states - 1 - first
    blocked = np.where(np.isfinite(capacity), pi[every, last], 0.0)
    arriving = pi.copy()
    finite = np.isfinite(capacity)
    arriving[finite, last[finite]] = 0.0  # blocked arrivals neither wait nor get served
    immediate = np.where(x < servers[:, None], arriving, 0.0).sum(axis=1)

    # position j of a waiting arrival = x - c + 1, from the first kept (1 unless cut)
    position = np.maximum(first - servers, 0) + 1
    positions = int(np.max(states - servers - position + 1)) if rows else 0
    j = position[:, None] + np.arange(positions)
    state = servers[:, None] + j - 1
    index = np.clip(state - first[:, None], 0, width - 1)
    queued = np.where(state < states[:, None], np.take_along_axis(arriving, index, axis=1), 0.0)
    rate = full_rate[:, None] + j * abandon[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_move = np.log(full_rate[:, None] + (j - 1) * abandon[:, None]) - np.log(rate)
        # over positions 1..p - 1 the moves telescope to sigma / (sigma + (p - 1) theta)
        skipped = np.where(
            position > 1, np.log(full_rate) - np.log(full_rate + (position - 1) * abandon), 0.0
        )
    served_given = np.exp(skipped[:, None] + np.cumsum(log_move, axis=1))
    wait_given = _skipped_wait(full_rate, abandon, position)[:, None] + np.cumsum(
        1.0 / rate, axis=1
    )
    waited = queued.sum(axis=1)
    served_from = queued * served_given
    served_late = served_from.sum(axis=1)
    after_threshold = _served_after_threshold(full_rate, abandon, threshold, served_from, position)
    kept = lowest >= first
    return {
        "p_block": blocked,
        "p_wait": waited,
        "p_abandon": waited - served_late,
        "p_served": immediate + served_late,
        "answered_within": immediate + served_late - after_threshold,
        "wait_answered": (served_from * wait_given).sum(axis=1),
        "in_service": (pi * np.minimum(x, servers[:, None])).sum(axis=1),
        "p_lowest": np.where(kept, pi[every, np.where(kept, lowest - first, 0)], 0.0),
        "full_rate": full_rate,
    }


def _skipped_wait(full_rate, abandon, position):
    """Per row, ``sum over i = 1..p - 1 of 1 / (sigma + i theta)``: the wait to move up from
    the positions below the first kept ``p`` (0 where ``p = 1``).

    >>> _skipped_wait(np.array([0.5, 0.5]), np.array([0.5, 0.5]), np.array([3, 1])).tolist()
    [1.6666666666666665, 0.0]
    """
    total = np.zeros(position.shape)
    for row in np.flatnonzero(position > 1):
        i = np.arange(1, position[row])
        total[row] = np.cumsum(1.0 / (full_rate[row] + i * abandon[row]))[-1]
    return total


def _standing(arrival, lowest, servers, capacity):
    """Figures of a chain in which nobody leaves (no service, no patience), for rows where it
    cannot grow without bound: arrivals fill the ``capacity`` lines, after which every arrival
    is blocked; with no arrivals it stays in ``lowest``, where no contact comes to count.

    >>> standing = _standing(np.array([0.1, 0.0]), np.array([0, 0]), np.array([0, 0]),
    ...     np.array([3.0, 3.0]))
    >>> standing["p_block"].tolist(), standing["p_served"].tolist(), standing["p_lowest"].tolist()
    ([1.0, 0.0], [0.0, 0.0], [0.0, 1.0])
    """
    state = np.where(arrival > 0, capacity, lowest)
    nothing = np.zeros(arrival.shape)
    return {
        "p_block": (state == capacity).astype(float),
        "p_wait": nothing,
        "p_abandon": nothing,
        "p_served": nothing,
        "answered_within": nothing,
        "wait_answered": nothing,
        "in_service": np.minimum(state, servers).astype(float),
        "p_lowest": (state == lowest).astype(float),
        "full_rate": nothing,
    }


def solve(arrival, lowest, servers, capacity, abandon, threshold, service_rates):
    """Figures of the birth-death queue for 1-d arrays of one length (rates per second).

    Parameters
    ----------
    arrival, abandon, threshold : ndarray of float
        ``lambda``, ``theta`` and the answer-time threshold ``T`` (seconds).
    lowest, servers : ndarray of int
        ``lo`` and ``c`` (``lo <= c``).
    capacity : ndarray of float
        ``N >= c`` or ``inf``.
    service_rates : callable
        ``service_rates(rows, x)`` -> (len(rows), len(x)) total service rate ``sigma(x)`` for
        ``x <= c`` (values beyond ``c`` are not used).

    Returns
    -------
    dict of ndarray
        Probabilities over arriving contacts: ``p_block``, ``p_wait`` (waits, then is served
        or hangs up), ``p_abandon``, ``p_served`` (summed from the served states rather than
        taken as ``1 - p_block - p_abandon``, which leaves a rounding error of 1e-15 where
        nobody is served), ``answered_within`` (answered within ``T``);
        ``wait_answered`` (sum of waits of answered contacts per arrival, seconds),
        ``in_service`` (mean contacts in service), ``p_lowest`` (share of time in ``lo``),
        ``full_rate`` (``sigma(c)``), and ``unstable`` (no patience, no capacity, arrivals
        at least as fast as the full service rate: the queue grows without bound).

        Where nobody ever leaves (no service, no patience) but the queue cannot grow without
        bound, the chain stands still (:func:`_standing`): arrivals fill the lines and every
        later one is blocked, or, with no arrivals, it stays empty.
    """
    rows = arrival.shape[0]
    full_rate = service_rates(np.arange(rows), servers[:, None])[:, 0] if rows else arrival
    capacity = _unreached_lines(arrival, full_rate, abandon, servers, capacity)
    # without patience the queue empties only through service: it grows without bound when
    # arrivals keep up with the full service rate and no line limits it
    unstable = (
        (abandon == 0)
        & (arrival > 0)
        & ~np.isfinite(capacity)
        & (arrival >= full_rate * (1 - _SAME_RATE))
    )
    standing = (abandon == 0) & (full_rate == 0) & ~unstable
    states = np.ones(rows, dtype=np.int64)
    stable = ~unstable & ~standing
    states[stable] = _truncation(
        arrival[stable], full_rate[stable], abandon[stable], servers[stable], capacity[stable]
    )
    keys = (
        "p_block",
        "p_wait",
        "p_abandon",
        "answered_within",
        "wait_answered",
        "in_service",
        "p_lowest",
        "full_rate",
        "p_served",
    )
    figures = {key: np.full(rows, np.nan) for key in keys}
    for key, value in _standing(arrival, lowest, servers, capacity).items():
        figures[key][standing] = value[standing]
    first = np.zeros(rows, dtype=np.int64)
    first[stable] = _first_state(
        arrival[stable], full_rate[stable], abandon[stable], servers[stable], capacity[stable]
    )
    width = states - first
    order = np.flatnonzero(stable)[np.argsort(width[stable], kind="stable")]
    begin = 0
    while begin < order.size:
        end = begin + 1
        while end < order.size and (end - begin + 1) * width[order[end]] <= _CHUNK_CELLS:
            end += 1
        part = order[begin:end]
        result = _chunk(
            arrival[part],
            lowest[part],
            servers[part],
            capacity[part],
            abandon[part],
            threshold[part],
            first[part],
            states[part],
            lambda x, part=part: service_rates(part, x),
        )
        for key in keys:
            figures[key][part] = result[key]
        begin = end
    figures["full_rate"][unstable] = full_rate[unstable]
    figures["unstable"] = unstable
    return figures
