"""Probe 8 of the queueing models: overloaded Erlang X/A chains kept to the states that count."""

import numpy as np
import pytest

from kpikit.queueing import blending, erlang_x
from kpikit.queueing._chain import _served_after_threshold, solve


def _full_chain(volume, aht_s, agents, patience_s, threshold_s, interval_s=1800, extra=20_000):
    """Slow reference: the M/M/n+M chain summed over every state 0..n + extra (no cut below).

    ``pi(x) ~ prod lambda / death(i)``, ``death(i) = i mu`` up to n, ``n mu + (i - n) theta``
    beyond; position ``j = x - n + 1`` is served with ``sigma / (sigma + j theta)``, waits
    ``sum 1 / (sigma + i theta)`` when served; the late share is the negative binomial sum over
    every position (:func:`_served_after_threshold` with no position left out).
    """
    lam, mu, theta = volume / interval_s, 1 / aht_s, 1 / patience_s
    x = np.arange(agents + extra)
    death = np.where(x <= agents, x * mu, agents * mu + (x - agents) * theta)
    log_pi = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    sigma, queued = agents * mu, pi[agents:]
    j = np.arange(1, queued.size + 1)
    served = queued * sigma / (sigma + j * theta)
    late = _served_after_threshold(
        np.array([sigma]), np.array([theta]), np.array([threshold_s]), served[None, :]
    )[0]
    answered = pi[:agents].sum() + served.sum()
    return {
        "p_abandon": queued.sum() - served.sum(),
        "asa": (served * np.cumsum(1 / (sigma + j * theta))).sum() / answered,
        "service_level": 100 * (pi[:agents].sum() + served.sum() - late),
        "occupancy": 100 * (pi * np.minimum(x, agents)).sum() / agents,
    }


@pytest.mark.parametrize(
    ("volume", "agents", "patience_s", "threshold_s"),
    [(10_000, 900, 12_600, 20), (10_000, 900, 12_600, 3_600), (3_000, 240, 600, 60)],
)
def test_overloaded_erlang_x_matches_the_full_chain(volume, agents, patience_s, threshold_s):
    # 10,000 calls of 180 s in 30 min = 1,000 Erlangs on 900 agents, 3.5 h patience: the
    # reference sums all 20,900 states from 0 (the old engine's way); the model now leaves out
    # the states more than sqrt(90 lambda / theta) + 10 below the mode, each below e^-45 of
    # the peak, and must agree to 1e-9 (relative)
    result = erlang_x(volume, 180, agents, patience_s=patience_s, threshold_s=threshold_s)
    expected = _full_chain(volume, 180, agents, patience_s, threshold_s)
    for key, value in expected.items():
        assert getattr(result, key) == pytest.approx(value, rel=1e-9, abs=1e-12), key


def test_overloaded_chain_keeps_only_the_states_near_its_mode():
    # lambda = 10,000 / 1,800 = 5.556/s, sigma = 900 / 180 = 5/s, theta = 1 / 12,600:
    # the mode is 900 + floor(0.5556 * 12,600) = 7,900 states and sqrt(90 lambda / theta)
    # = 2,506; the old engine kept states 0 .. 900 + 7,000 + 2,517 (10,418 columns), the cut
    # keeps about 2 * 2,517 = 5,034 around the mode
    seen = []
    servers = np.array([900])

    def service(rows, x):
        seen.append(np.shape(x)[-1])
        return np.minimum(x, servers[rows][:, None]) / 180.0

    figures = solve(
        np.array([10_000 / 1800]),
        np.array([0]),
        servers,
        np.array([np.inf]),
        np.array([1 / 12_600]),
        np.array([20.0]),
        service,
    )
    assert max(seen) < 5_100
    # p_abandon = 1 - answered / offered = 1 - 5 / 5.556 = 0.1 to within e^-45 (all agents busy)
    assert figures["p_abandon"][0] == pytest.approx(0.1, rel=1e-12)


def test_overloaded_blending_starts_no_outbound():
    # 1,000 Erlangs on 900 agents of whom 1 is kept for outbound: the chain is at 899 busy
    # with a chance of about e^-350 (6e-157 outbound calls summed over every state; that state
    # is now cut, below e^-45 of the peak, and counts 0), while 12 contacts of 180 s on 2
    # agents (one kept) start some outbound calls
    result = blending(10_000, 180, 900, reserved_agents=1, patience_s=12_600)
    assert 0.0 <= result.outbound < 1e-150
    light = blending(12, 180, 2, reserved_agents=1, patience_s=12_600)
    assert light.outbound > 0
