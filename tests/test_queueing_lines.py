"""A line limit the queue never comes near blocks no one and costs nothing: the chain is cut
where an unlimited queue's is (20 rows with lines=10**6 took 5 s, against 1.4 ms unlimited)."""

import numpy as np
import pytest

from kpikit.queueing import erlang_x
from kpikit.queueing._chain import solve


def _states_kept(capacity, arrival, abandon):
    """The widest chain solve() builds for one queue of 10 agents of 180 s."""
    seen = []
    servers = np.array([10])

    def service(rows, x):
        seen.append(np.shape(x)[-1])
        return np.minimum(x, servers[rows][:, None]) / 180.0

    figures = solve(
        np.array([arrival]),
        np.array([0]),
        servers,
        np.array([capacity]),
        np.array([abandon]),
        np.array([20.0]),
        service,
    )
    return max(seen), figures


def test_a_million_lines_is_solved_as_no_limit():
    # 100 calls of 180 s in 30 min = 10 Erlangs on 12 agents, patience 2 min: an unlimited
    # queue keeps a few dozen states; 10**6 lines made the chain 10**6 + 1 states long
    limited = erlang_x([100, 300], 180, [12, 40], patience_s=120, lines=10**6)
    unlimited = erlang_x([100, 300], 180, [12, 40], patience_s=120)
    for name in ("p_abandon", "p_blocked", "service_level", "asa", "occupancy"):
        assert getattr(limited, name) == pytest.approx(getattr(unlimited, name), rel=1e-12)
    width, _ = _states_kept(10.0**6, 100 / 1800, 1 / 120)
    assert width < 1_000


@pytest.mark.parametrize(
    ("capacity", "arrival", "abandon"),
    [
        (12.0, 100 / 1800, 1 / 120),  # 12 lines: reached (2 waiting at most), kept
        (10.0**4, 11 / 180, 0.0),  # 11 Erlangs on 10 agents, nobody hangs up: piles at the limit
    ],
)
def test_a_limit_the_queue_reaches_is_kept(capacity, arrival, abandon):
    width, figures = _states_kept(capacity, arrival, abandon)
    assert width == capacity + 1
    assert figures["p_block"][0] > 0
