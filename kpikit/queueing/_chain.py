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
  ``E[wait | served, j] = sum 1 / r_i``. ``P(served within T | j)`` comes from
  uniformisation of this pure-death chain (a Poisson mixture of step counts);
- ``x = N``: it is blocked.

Rows (intervals) are computed together in chunks padded to a common number of states.
"""

import numpy as np

_TAIL_LOG = 45.0  # states whose probability is below e^-45 of the peak are left out
_CHUNK_CELLS = 2_000_000
_MOST_STATES = 2_000_000
_STEP_BLOCK = 256  # uniformisation steps whose Poisson weights are made at once
_SETTLED = 1e-16  # chance of still waiting under which a start counts as settled
_SAME_RATE = 1e-12
"""Relative gap under which arrivals and full service count as equally fast: 100 calls of
180 s on 10 agents give 1/18 per second against ``10 * (1 / 180)``, one ulp faster, which
read as a stable queue needing 4e17 states."""


def _truncation(arrival, full_rate, abandon, servers, capacity):
    """Number of states to keep per row (``inf`` capacity truncated where the tail is nil)."""
    finite = np.isfinite(capacity)
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
    # counted in floats: a capacity of 1e308 or a patience of 1e308 s (extra = inf) must reach
    # the check below, not wrap around in a cast to integers
    states = np.where(finite, capacity + 1, servers + np.ceil(extra) + 1)
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


def _poisson_weights(mean, m, log_factorials):
    """``P(M = m)`` for ``M ~ Poisson(mean)``, per row, for the step counts ``m`` whose
    ``log(m!)`` are ``log_factorials``: (rows, len(m))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = -mean[:, None] + m * np.log(mean[:, None]) - log_factorials
    log_pmf = np.where(mean[:, None] > 0, log_pmf, np.where(m == 0, 0.0, -np.inf))
    return np.exp(log_pmf)


def _served_within(full_rate, abandon, threshold, reach):
    """``P(served within T | position j)`` for ``j = 1..max(reach)``: (rows, max(reach)); 0
    beyond a row's ``reach``, the positions from which it is not negligible (:func:`_reachable`).

    Uniformisation at ``R = sigma(c) + J theta`` (``J`` the row's reach): after ``m`` steps the
    chance of having been served is ``g_m(j) = a_j g_(m-1)(j-1) + s_j g_(m-1)(j)`` with ``a_j``
    the move-up and ``s_j`` the stay probability per step; the answer is the Poisson(R T)
    mixture over ``m``.

    The steps run to the far tail of the Poisson law, ``R T + 10 sqrt(R T) + 20``, or until
    every start has been served or has hung up (its chance of being still waiting, ``w_m(j)``,
    computed by the same recursion, under 1e-16): from then on ``g_m`` no longer changes, and
    the Poisson weight left goes to it at once. With very short patience (``R T`` in the
    hundreds of thousands) that ends the work after a few hundred steps instead of all of
    them. The weights are made ``_STEP_BLOCK`` steps at a time, so their memory stays small.
    Each row has its own ``R``: taken from the longest reach of the rows computed with it, a
    row of short patience beside one of long patience took its ``J theta`` from the other's
    thousands of positions (two patiences, 1 s and a day, in one call: 4.6 s against 0.01 s).
    """
    rows = full_rate.shape[0]
    positions = int(reach.max()) if rows else 0
    if positions == 0:
        return np.zeros((rows, 0))
    j = np.arange(1, positions + 1)
    inside = j <= reach[:, None]  # beyond its reach a row's positions stay 0 and settled
    top = full_rate + reach * abandon
    mean = top * threshold
    steps = max(int(np.ceil(np.max(mean + 10 * np.sqrt(mean) + 20))), 1)
    with np.errstate(divide="ignore", invalid="ignore"):  # top is 0 only for rows of no reach
        move = np.where(inside, (full_rate[:, None] + (j - 1) * abandon[:, None]) / top[:, None], 0)
        stay = np.where(inside, 1.0 - (full_rate[:, None] + j * abandon[:, None]) / top[:, None], 0)
    served = np.zeros((rows, positions + 1))
    served[:, 0] = 1.0
    waiting = np.zeros((rows, positions + 1))
    waiting[:, 1:] = inside
    total = np.zeros((rows, positions))
    weight_used = np.zeros(rows)
    log_factorial = 0.0  # log(m!) of the last step of the previous block
    for first in range(0, steps, _STEP_BLOCK):
        m = np.arange(first, min(first + _STEP_BLOCK, steps))
        log_factorials = log_factorial + np.cumsum(np.log(np.maximum(m, 1)))
        log_factorial = log_factorials[-1]
        weights = _poisson_weights(mean, m, log_factorials)
        for k, step in enumerate(m):
            if step:
                served[:, 1:] = move * served[:, :-1] + stay * served[:, 1:]
                waiting[:, 1:] = move * waiting[:, :-1] + stay * waiting[:, 1:]
            total += weights[:, k : k + 1] * served[:, 1:]
            weight_used += weights[:, k]
            if step > positions and waiting.max() < _SETTLED:
                weight_left = np.clip(1.0 - weight_used, 0.0, None)
                return total + weight_left[:, None] * served[:, 1:]
    return total


def _chunk(arrival, lowest, servers, capacity, abandon, threshold, states, service_rates):
    rows = arrival.shape[0]
    width = int(states.max())
    x = np.arange(width)
    service = service_rates(x)  # (rows, width) total service rate with x in service
    full_rate = np.take_along_axis(service, servers[:, None], axis=1)[:, 0]
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

    last = states - 1
    blocked = np.where(np.isfinite(capacity), pi[np.arange(rows), last], 0.0)
    arriving = pi.copy()
    finite = np.isfinite(capacity)
    arriving[finite, last[finite]] = 0.0  # blocked arrivals neither wait nor get served
    immediate = np.where(x < servers[:, None], arriving, 0.0).sum(axis=1)

    # position j of a waiting arrival = x - c + 1; gather the waiting states per row
    positions = int(np.max(states - servers)) if rows else 0
    j = np.arange(1, positions + 1)
    index = np.minimum(servers[:, None] + j - 1, width - 1)
    queued = np.where(
        servers[:, None] + j - 1 < states[:, None], np.take_along_axis(arriving, index, axis=1), 0.0
    )
    rate = full_rate[:, None] + j * abandon[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_move = np.log(full_rate[:, None] + (j - 1) * abandon[:, None]) - np.log(rate)
    served_given = np.exp(np.cumsum(log_move, axis=1))
    wait_given = np.cumsum(1.0 / rate, axis=1)
    within = _served_within(
        full_rate, abandon, threshold, _reachable(full_rate, abandon, threshold, states - servers)
    )
    reach = within.shape[1]
    waited = queued.sum(axis=1)
    served_late = (queued * served_given).sum(axis=1)
    return {
        "p_block": blocked,
        "p_wait": waited,
        "p_abandon": waited - served_late,
        "p_served": immediate + served_late,
        "answered_within": immediate + (queued[:, :reach] * within).sum(axis=1),
        "wait_answered": (queued * served_given * wait_given).sum(axis=1),
        "in_service": (pi * np.minimum(x, servers[:, None])).sum(axis=1),
        "p_lowest": pi[np.arange(rows), lowest],
        "full_rate": full_rate,
    }


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


def _reachable(full_rate, abandon, threshold, positions):
    """Per row, the waiting positions (at most ``positions``) from which an answer within the
    threshold is not negligible: those within the Poisson tail of the moves made in ``T``.

    None without service (no agent, ``sigma(c) = 0``): a waiting contact is never answered,
    within ``T`` or later, so :func:`_served_within` has nothing to step through (with a month
    of patience it stepped a million positions for a million steps to find 0s).

    >>> # moves in 20 s: (0.1 + 100 * 0.01) * 20 = 22; tail 22 + 10 sqrt(22) + 20 = 88.9
    >>> _reachable(np.array([0.0, 0.1]), np.array([0.01, 0.01]), np.array([20.0, 20.0]),
    ...     np.array([100, 100])).tolist()
    [0, 89]
    """
    mean = (full_rate + positions * abandon) * threshold
    reach = np.minimum(positions, np.ceil(mean + 10 * np.sqrt(mean) + 20))
    return np.where(full_rate > 0, reach, 0).astype(np.int64)


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
    order = np.flatnonzero(stable)[np.argsort(states[stable], kind="stable")]
    begin = 0
    while begin < order.size:
        end = begin + 1
        while end < order.size and (end - begin + 1) * states[order[end]] <= _CHUNK_CELLS:
            end += 1
        part = order[begin:end]
        result = _chunk(
            arrival[part],
            lowest[part],
            servers[part],
            capacity[part],
            abandon[part],
            threshold[part],
            states[part],
            lambda x, part=part: service_rates(part, x[None, :]),
        )
        for key in keys:
            figures[key][part] = result[key]
        begin = end
    figures["full_rate"][unstable] = full_rate[unstable]
    figures["unstable"] = unstable
    return figures
