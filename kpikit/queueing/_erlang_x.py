"""Erlang X: Erlang A with a finite number of lines (blocking) and redials."""

from dataclasses import dataclass

import numpy as np

from kpikit.queueing._chain import solve
from kpikit.queueing._inputs import (
    MAX_TRAFFIC,
    _array,
    _common_inputs,
    _scalar_result,
    _seconds,
    one_length,
)

_FIXED_POINT_TOLERANCE = 1e-10
_FIXED_POINT_ROUNDS = 1000
"""Rounds of the redials' fixed point (:func:`_fixed_point`) before :func:`erlang_x` gives up
with an error rather than return figures that have not settled."""


@dataclass(frozen=True)
class QueueResult:
    """Figures of a queue model (floats for scalar inputs, arrays otherwise).

    Probabilities are over contacts offered (redials included): ``p_wait``, ``p_abandon``,
    ``p_blocked`` on 0..1; ``service_level`` (answered within the threshold / offered),
    ``service_level_answered`` (/ answered) and ``occupancy`` in percent; ``asa`` (answered
    contacts) in seconds; ``offered``, ``answered``, ``redials`` and ``lost`` (contacts that
    gave up for good) per interval. ``unstable`` is True where nobody hangs up and the queue
    grows without bound: there the service level is 0, ``asa`` is ``inf``, every offered
    contact waits and ``answered`` is what the agents can handle flat out (clear figures
    instead of NaN or a negative wait). With no traffic there is no contact to count:
    ``p_abandon``, the service levels and ``asa`` are NaN (a zero denominator), while
    ``p_wait``, ``p_blocked`` (shares of time the agents or lines are all busy) and occupancy
    are 0 where there are agents (NaN without), as in :func:`kpikit.queueing.erlang_a`.
    """

    offered: object
    answered: object
    redials: object
    lost: object
    p_wait: object
    p_abandon: object
    p_blocked: object
    service_level: object
    service_level_answered: object
    asa: object
    occupancy: object
    unstable: object


def queue_result(figures, attempts, fresh, redial, agents_capacity, interval_s, shape):
    """Package chain figures (see :func:`kpikit.queueing._chain.solve`) as a QueueResult."""
    unstable = figures["unstable"]
    # sums over the chain's states can land a few ulps above 1 (1.0000000000000002)
    blocked = np.where(unstable, 0.0, np.clip(figures["p_block"], 0.0, 1.0))
    waits = np.where(unstable, 1.0, np.clip(figures["p_wait"], 0.0, 1.0))
    abandon = np.where(unstable, 0.0, np.clip(figures["p_abandon"], 0.0, 1.0))
    served = np.where(unstable, 0.0, figures["p_served"])
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = np.where(unstable, np.inf, figures["wait_answered"] / served)
        sl_answered = np.where(unstable, 0.0, 100 * figures["answered_within"] / served)
        occupancy = np.where(unstable, 100.0, 100 * figures["in_service"] / agents_capacity)
    busy = attempts > 0
    staffed = agents_capacity > 0
    # no traffic: idle agents and free lines where there are agents (shares of time: 0),
    # undefined where there are none; nothing to count over contacts (NaN)
    no_wait = np.where(staffed, 0.0, np.nan)
    service_level = np.where(unstable, 0.0, 100 * figures["answered_within"])
    failed = attempts * (blocked + abandon) * interval_s
    values = {
        "offered": attempts * interval_s,
        "answered": np.where(
            unstable, np.minimum(attempts, figures["full_rate"]), attempts * served
        )
        * interval_s,
        "redials": (attempts - fresh) * interval_s,
        "lost": failed * (1 - redial),
        "p_wait": np.where(busy, waits, no_wait),
        "p_abandon": np.where(busy, abandon, np.nan),
        "p_blocked": np.where(busy, blocked, no_wait),
        "service_level": np.where(busy, np.clip(service_level, 0, 100), np.nan),
        "service_level_answered": np.where(busy, np.clip(sl_answered, 0, 100), np.nan),
        "asa": np.where(busy, asa, np.nan),
        "occupancy": np.where(staffed, np.clip(occupancy, 0, 100), np.nan),
        "unstable": unstable,
    }
    result = {key: _scalar_result(value.reshape(shape)) for key, value in values.items()}
    result["unstable"] = bool(unstable[0]) if not shape else unstable.reshape(shape)
    return QueueResult(**result)


@one_length
def erlang_x(
    volume,
    aht_s,
    agents,
    interval_s=1800,
    *,
    patience_s,
    lines=None,
    redial_probability=0.0,
    threshold_s=None,
):
    """Erlang X: callers who hang up, a finite number of lines, and redials.

    An M/M/n/N+M queue: Poisson arrivals, exponential handling (``mu = 1/AHT``) and patience
    (``theta = 1/patience``), ``n`` agents and ``N`` lines (at most ``N - n`` callers wait;
    one more gets a busy tone). A blocked or abandoned caller redials with probability ``r``,
    so the attempts offered are the fixed point of::

        lambda_total = lambda_fresh + r lambda_total (P(blocked) + P(abandon))

    found by iteration (the map is increasing and bounded by ``lambda_fresh / (1 - r)``), with
    Aitken's extrapolation every third round (:func:`_fixed_point`), until a round moves an
    interval's attempts by less than 1e-10 of themselves (the later rounds solve only the
    intervals still moving). Each round solves the birth-death chain exactly (see
    :mod:`kpikit.queueing._chain`).

    Parameters
    ----------
    volume : float or array-like
        Fresh contacts per interval (first attempts).
    aht_s : float or array-like
        Average handle time, seconds, at least 0.001.
    agents : int or array-like
        Agents on the phones.
    interval_s : float or array-like, default=1800
        Length of the interval, seconds, at least 0.001.
    patience_s : float or array-like
        Mean patience, seconds, at least 0.001; ``inf``: nobody hangs up.
    lines : int or array-like, default=None
        Lines (agents plus waiting places), at least ``agents``; None: no blocking.
    redial_probability : float, default=0.0
        Probability that a blocked or abandoned caller tries again, in [0, 1).
    threshold_s : float or array-like, default=None
        Answer-time threshold ``T`` of the service level, seconds; None: the phone threshold
        of ``kk.options`` (:func:`kpikit.options.sl_threshold_for`, 20 s unless changed).

    Returns
    -------
    QueueResult
        Probabilities over attempts offered (redials included); counts per interval.

    Notes
    -----
    Redials are assumed to come back within the same interval, as fresh Poisson arrivals (the
    usual reading of Erlang X). With ``lines=None`` and no redials this is Erlang A.

    References
    ----------
    G. Koole, "Call Center Optimization" (2013), on Erlang X; A. Mandelbaum and S. Zeltyn
    (2007) on Erlang A.

    Examples
    --------
    >>> result = erlang_x(100, 180, 14, patience_s=300)  # no blocking, no redial: Erlang A
    >>> round(result.p_abandon, 6), round(result.service_level, 2)
    (0.013984, 91.68)
    >>> busy = erlang_x(100, 180, 10, patience_s=120, lines=12, redial_probability=0.5)
    >>> round(busy.p_blocked, 3), round(busy.redials, 1), round(busy.lost, 1)
    (0.152, 12.1, 12.1)
    """
    volume, aht_s, agents, interval_s, threshold_s = _common_inputs(
        volume, aht_s, agents, interval_s, threshold_s
    )
    patience = _seconds("patience_s", patience_s, finite=False)
    capacity = (
        np.asarray(np.inf) if lines is None else _array("lines", lines, minimum=0, integer=True)
    )
    redial = _array("redial_probability", redial_probability, minimum=0)
    if redial.ndim:
        raise ValueError(
            "Value of 'redial_probability' must be one number, the same for every interval, "
            f"but received: {redial_probability!r}"
        )
    redial = float(redial)
    if redial >= 1:
        raise ValueError(
            f"Value of 'redial_probability' is a probability in [0, 1), but received: "
            f"{redial_probability!r}"
        )
    shape = np.broadcast_shapes(
        volume.shape,
        aht_s.shape,
        agents.shape,
        interval_s.shape,
        threshold_s.shape,
        patience.shape,
        capacity.shape,
    )
    flat = [
        np.broadcast_to(value, shape).ravel().astype(float)
        for value in (volume, aht_s, agents, interval_s, threshold_s, patience, capacity)
    ]
    volume, aht_s, agents, interval_s, threshold_s, patience, capacity = flat
    short = capacity < agents
    if short.any():
        raise ValueError(
            f"Value of 'lines' must be at least the number of agents (every agent needs a "
            f"line), but received {capacity[short][0]:g} lines for {agents[short][0]:g} agents"
        )
    fresh = volume / interval_s
    servers = agents.astype(np.int64)
    rate = 1.0 / aht_s
    abandon = 1.0 / patience

    def figures_for(attempts, rows=slice(None)):
        """The chain's figures of ``rows`` (all by default) at ``attempts`` per second."""
        agents_, rate_ = servers[rows], rate[rows]

        def service(part, x):
            return np.minimum(x, agents_[part][:, None]) * rate_[part][:, None]

        return solve(
            attempts,
            np.zeros_like(agents_),
            agents_,
            capacity[rows],
            abandon[rows],
            threshold_s[rows],
            service,
        )

    def redialled(figures, rows=slice(None)):
        """The attempts of ``rows`` that ``figures`` (theirs) bring: fresh ones and redials."""
        failing = np.where(figures["unstable"], 0.0, figures["p_block"] + figures["p_abandon"])
        updated = fresh[rows] / (1.0 - redial * failing)
        _check_redial_traffic(updated * aht_s[rows], redial)
        return updated

    attempts = fresh.copy()
    figures = figures_for(attempts)
    if redial > 0:
        # a guess may not pass fresh / (1 - r), nor the traffic the models solve
        bound = np.minimum(fresh / (1.0 - redial), MAX_TRAFFIC / aht_s)
        attempts, figures = _fixed_point(attempts, figures, redialled, figures_for, bound)
    return queue_result(figures, attempts, fresh, redial, agents, interval_s, shape)


def _fixed_point(attempts, figures, redialled, figures_for, bound):
    """The attempts (and their figures) where ``redialled(figures_for(x)) == x``, from the
    fresh contacts up.

    Each round is ``x -> redialled(figures_for(x))``, which climbs to the fixed point (the
    map is increasing), slowly where it is nearly flat at the point: with ``r`` near 1 on an
    overloaded queue each round closes only a small share of the gap (200 plain rounds left
    ``r = 0.9999`` 0.13 % short). Every third round tries Aitken's extrapolation of the last
    three, ``x - (dx)^2 / d2x``, where their steps shrink geometrically; a guess is kept only
    where it is at most ``bound`` and its own round moves it less than the last round would
    move the point it replaces (a guess far past the fixed point is sent back by more). A
    row's answer is its first ``x`` whose round moves it by less than
    :data:`_FIXED_POINT_TOLERANCE` of itself; later rounds solve only the rows still moving
    (``figures_for(x, rows)`` and ``redialled(figures, rows)`` take the rows' positions), so
    that a row's answer does not depend on the rows solved with it (3,000 intervals with
    ``r = 0.95``: 7 s, against 16 s when every round solved every row).

    >>> fresh = np.array([10.0, 1.0])
    >>> def figures_for(x, rows=slice(None)):  # the share that fails grows with the attempts
    ...     return {"fail": x / (x + 10)}
    >>> def redialled(figures, rows=slice(None)):  # a failed attempt comes back w.p. 0.9
    ...     return fresh[rows] / (1 - 0.9 * figures["fail"])
    >>> x, _ = _fixed_point(fresh, figures_for(fresh), redialled, figures_for, fresh / 0.1)
    >>> x.round(6).tolist()  # x (1 - 0.9 x / (x + 10)) = 10: 0.1 x^2 = 100, x = 10 sqrt(10)
    [31.622777, 1.097722]

    (The second: ``x (1 - 0.9 x / (x + 10)) = 1``, ``0.1 x^2 + 9 x - 10 = 0``, so
    ``x = (-9 + sqrt(85)) / 0.2 = 1.097722``.)
    """
    answer = attempts.copy()
    answer_figures = {key: value.copy() for key, value in figures.items()}
    moving = np.arange(attempts.size)
    before = []
    for round_ in range(_FIXED_POINT_ROUNDS):
        updated = redialled(figures, moving)
        change = np.abs(updated - attempts) / np.maximum(attempts, 1e-300)
        settled = change < _FIXED_POINT_TOLERANCE
        answer[moving[settled]] = attempts[settled]
        for key, value in figures.items():
            answer_figures[key][moving[settled]] = value[settled]
        if settled.all():
            return answer, answer_figures
        still = ~settled
        moving, updated, change = moving[still], updated[still], change[still]
        before = [*(previous[still] for previous in before[-1:]), attempts[still]]
        attempts, figures = updated, figures_for(updated, moving)
        if round_ % 3 == 2:
            attempts, figures = _extrapolated(
                *before,
                attempts,
                figures,
                lambda tried, rows=moving: redialled(tried, rows),
                lambda tried, rows=moving: figures_for(tried, rows),
                bound[moving],
            )
    raise ValueError(
        f"The redials did not settle: the attempts still moved by {np.max(change):.1e} of "
        f"themselves after {_FIXED_POINT_ROUNDS:,} rounds; a lower 'redial_probability' "
        "settles sooner"
    )


def _extrapolated(first, second, third, figures, redialled, figures_for, bound):
    """Aitken's guess of the fixed point from three rounds (and its figures), kept only where
    the rounds' steps shrink geometrically, it stays within ``bound`` and its round moves it
    less than ``third``'s would (see :func:`_fixed_point`); ``third`` and its ``figures``
    elsewhere."""
    step, next_step = second - first, third - second
    with np.errstate(divide="ignore", invalid="ignore"):
        guess = third - next_step**2 / (next_step - step)
    usable = (step * next_step > 0) & (np.abs(next_step) < np.abs(step)) & (guess <= bound)
    if not usable.any():
        return third, figures
    tried = np.where(usable, guess, third)
    tried_figures = figures_for(tried)
    moves = np.abs(redialled(tried_figures) - tried)
    kept = ~usable | (moves < np.abs(redialled(figures) - third))
    if kept.all():
        return tried, tried_figures
    attempts = np.where(kept, tried, third)
    return attempts, figures_for(attempts)


def _check_redial_traffic(load, redial: float) -> None:
    """Refuse attempts (fresh contacts and redials) beyond :data:`MAX_TRAFFIC` Erlangs: with
    ``r`` near 1 an overloaded queue's redials tend to ``1 / (1 - r)`` times its contacts, and
    the queue to solve grows with them (0.99999: no answer within a minute).

    >>> _check_redial_traffic(np.array([10.0, 2e5]), 0.99999)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'redial_probability' (0.99999) makes redials grow the traffic beyond \
100,000 Erlangs (2e+05); callers who redial that surely keep an overloaded queue full
    """
    if (load > MAX_TRAFFIC).any():
        raise ValueError(
            f"Value of 'redial_probability' ({redial:g}) makes redials grow the traffic beyond "
            f"{MAX_TRAFFIC:,.0f} Erlangs ({load.max():.3g}); callers who redial that surely keep "
            "an overloaded queue full"
        )
