"""Erlang X, chat and blending against chains built and solved here, independently.

Each reference builds the generator matrix of the continuous-time Markov chain state by
state, solves ``pi Q = 0`` with numpy, and takes the answer-within-threshold probability of
a tagged waiting contact from a matrix exponential (scipy), not from the negative binomial
closed form the library uses.
"""

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from scipy.linalg import expm

from kpikit import queueing

INTERVAL_S = 1800.0


def stationary(generator):
    """pi with pi Q = 0 and sum(pi) = 1."""
    size = generator.shape[0]
    system = np.vstack([generator.T, np.ones(size)])
    right = np.zeros(size + 1)
    right[-1] = 1.0
    return np.linalg.lstsq(system, right, rcond=None)[0]


def birth_death_generator(arrival, deaths, capacity):
    """Generator on states 0..capacity with births ``arrival`` and deaths ``deaths[x]``."""
    q = np.zeros((capacity + 1, capacity + 1))
    for x in range(capacity + 1):
        if x < capacity:
            q[x, x + 1] = arrival
        if x > 0:
            q[x, x - 1] = deaths[x]
        q[x, x] = -q[x].sum()
    return q


def answered_within(full_rate, abandon, position, threshold_s):
    """P(a contact at queue position ``position`` is answered within the threshold), by expm.

    Transient states: positions 1..position; absorbing: answered (index 0), hung up (last).
    """
    size = position + 2
    q = np.zeros((size, size))
    for j in range(1, position + 1):
        q[j, j - 1] = full_rate + (j - 1) * abandon  # move up (or answered from position 1)
        q[j, size - 1] = abandon
        q[j, j] = -(full_rate + j * abandon)
    return expm(q * threshold_s)[position, 0]


def reference(arrival, service_rates, servers, abandon, capacity, threshold_s, lowest=0):
    """Figures of the birth-death queue from its generator (states lowest..capacity)."""
    deaths = np.zeros(capacity + 1)
    for x in range(1, capacity + 1):
        waiting = max(x - servers, 0)
        deaths[x] = service_rates(min(x, servers)) + waiting * abandon
    deaths[: lowest + 1] = 0.0
    q = birth_death_generator(arrival, deaths, capacity)
    keep = np.arange(lowest, capacity + 1)
    pi = np.zeros(capacity + 1)
    pi[keep] = stationary(q[np.ix_(keep, keep)])
    blocked = pi[capacity]
    full = service_rates(servers)
    within = pi[:servers].sum()
    abandoned = 0.0
    for x in range(servers, capacity):
        j = x - servers + 1
        if pi[x] > 1e-15:  # positions nobody reaches add nothing
            within += pi[x] * answered_within(full, abandon, j, threshold_s)
        served = np.prod(
            [(full + (i - 1) * abandon) / (full + i * abandon) for i in range(1, j + 1)]
        )
        abandoned += pi[x] * (1 - served)
    busy = sum(pi[x] * min(x, servers) for x in range(capacity + 1))
    return {"pi": pi, "blocked": blocked, "abandon": abandoned, "within": within, "busy": busy}


@pytest.mark.parametrize(
    ("volume", "aht_s", "agents", "patience_s", "lines"),
    [
        (100, 180, 10, 120, 14),
        (40, 300, 5, 60, 9),
        (150, 200, 18, 400, 18),
        (80, 240, 8, np.inf, 12),
        # patience of 0.01 and 0.001 s: nearly a loss system (a caller who must wait hangs up);
        # a uniformisation over time steps took 400,000 or 4 million of them here
        (100, 180, 10, 0.01, 14),
        (100, 180, 10, 0.001, 14),
    ],
)
def test_erlang_x_matches_the_chain(volume, aht_s, agents, patience_s, lines):
    result = queueing.erlang_x(volume, aht_s, agents, patience_s=patience_s, lines=lines)
    abandon = 0.0 if np.isinf(patience_s) else 1 / patience_s
    expected = reference(volume / INTERVAL_S, lambda busy: busy / aht_s, agents, abandon, lines, 20)
    assert result.p_blocked == pytest.approx(expected["blocked"], rel=1e-9, abs=1e-12)
    assert result.p_abandon == pytest.approx(expected["abandon"], rel=1e-9, abs=1e-12)
    assert result.service_level == pytest.approx(100 * expected["within"], rel=1e-8)
    assert result.occupancy == pytest.approx(100 * expected["busy"] / agents, rel=1e-9)


def test_erlang_x_without_lines_or_redials_is_erlang_a():
    rng = np.random.default_rng(3)
    volume = rng.uniform(10, 3000, 40)
    aht_s = rng.uniform(60, 600, 40)
    agents = np.ceil(volume * aht_s / INTERVAL_S * rng.uniform(0.7, 1.4, 40))
    patience_s = rng.uniform(20, 900, 40)
    x = queueing.erlang_x(volume, aht_s, agents, patience_s=patience_s)
    a = queueing.erlang_a(volume, aht_s, agents, patience_s=patience_s)
    np.testing.assert_allclose(x.p_abandon, a.p_abandon, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(x.service_level, a.service_level, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(x.asa, a.asa, rtol=1e-6, atol=1e-9)
    assert not x.p_blocked.any()


def test_erlang_x_redials_are_a_fixed_point():
    result = queueing.erlang_x(100, 180, 10, patience_s=120, lines=12, redial_probability=0.6)
    failed = result.p_blocked + result.p_abandon
    # attempts = fresh + 0.6 * attempts * P(fail), and the attempts decide P(fail)
    assert result.offered == pytest.approx(100 + 0.6 * result.offered * failed, rel=1e-9)
    again = queueing.erlang_x(result.offered, 180, 10, patience_s=120, lines=12)
    assert again.p_blocked == pytest.approx(result.p_blocked, rel=1e-8)
    assert result.lost == pytest.approx(0.4 * result.offered * failed, rel=1e-9)


@pytest.mark.parametrize("redial", [0.99, 0.999, 0.9999])
@pytest.mark.parametrize("lines", [None, 27])
def test_erlang_x_redials_settle_when_nearly_every_caller_tries_again(redial, lines):
    # 200 fresh calls of 240 s in 30 min (26.7 Erlangs) on 25 agents: overloaded, so with r
    # near 1 the attempts reach 7 (r = 0.99) to 626 (0.9999) times the calls. Every fresh call
    # ends answered or lost for good, so answered + lost = 200; and the attempts are their own
    # fixed point. 200 plain rounds stopped at 125,024 attempts for r = 0.9999 instead of
    # 125,187.5 (lost 12.48 beside 187.5 answered), and short of the point at 0.99 too.
    result = queueing.erlang_x(200, 240, 25, patience_s=90, lines=lines, redial_probability=redial)
    failed = result.p_blocked + result.p_abandon
    assert result.offered == pytest.approx(200 + redial * result.offered * failed, rel=1e-9)
    assert result.answered + result.lost == pytest.approx(200, rel=1e-9)
    # the same attempts without redials give the same figures
    again = queueing.erlang_x(result.offered, 240, 25, patience_s=90, lines=lines)
    assert again.p_abandon == pytest.approx(result.p_abandon, rel=1e-9)


def test_erlang_x_refuses_redials_that_do_not_settle(monkeypatch):
    from kpikit.queueing import _erlang_x

    monkeypatch.setattr(_erlang_x, "_FIXED_POINT_ROUNDS", 3)
    with pytest.raises(ValueError, match=r"redials did not settle.*after 3 rounds.*lower"):
        queueing.erlang_x(200, 240, 25, patience_s=90, redial_probability=0.99)


def test_erlang_x_redials_must_be_one_probability_and_keep_the_traffic_computable():
    with pytest.raises(ValueError, match="'redial_probability' must be one number"):
        queueing.erlang_x(100, 180, 5, patience_s=60, redial_probability=[0.1, 0.2])
    # 10 Erlangs on 5 agents: half the attempts or more fail, and each comes back with
    # probability r, so the attempts tend to 1 / (1 - r P(fail)) times the contacts, past
    # 100,000 Erlangs here: refused (the fixed point ran for minutes).
    with pytest.raises(ValueError, match="redials grow the traffic beyond 100,000 Erlangs"):
        queueing.erlang_x(100, 180, 5, patience_s=60, redial_probability=0.99999)


def test_a_missing_number_is_named_as_none_and_huge_lines_point_to_lines():
    # None was read as NaN and reported as "received: nan"
    with pytest.raises(TypeError, match=r"'patience_s' must be a number .* received: None"):
        queueing.erlang_a(100, 180, 10, patience_s=None)
    with pytest.raises(TypeError, match=r"'traffic' must be a number .* received: None"):
        queueing.erlang_c(None, 5)
    # the lines were finite: the advice was "give finite lines or a shorter patience" (10
    # Erlangs on 9 agents, nobody hangs up: the calls fill the 1e12 lines)
    with pytest.raises(ValueError, match="give fewer lines, or lines=None"):
        queueing.erlang_x(100, 180, 9, patience_s=math.inf, lines=1e12)


@pytest.mark.parametrize(
    ("volume", "agents"),
    [(100, 5), ([60, 100, 140, 90], [6, 9, 12, 8])],  # overloaded, and a staffed day
)
def test_each_interval_is_solved_at_its_own_patience(volume, agents):
    # Patiences mixed in one call (1 s to a day) give what each gives alone: rows solved
    # together are padded to a common number of states (once, a row took its answer-time work
    # from the longest patience beside it: 4.6 s instead of 0.01 s, see bench_queue_models.py).
    patience = np.array([1.0, 86400.0, 30.0, 0.01])
    volume = np.resize(np.asarray(volume, dtype=float), 4)
    agents = np.resize(np.asarray(agents), 4)
    calls = {
        "erlang_x": lambda v, n, p: queueing.erlang_x(v, 180, n, patience_s=p),
        "chat": lambda v, n, p: queueing.chat(v, 180, n, concurrency=2, patience_s=p),
        "blending": lambda v, n, p: (
            queueing.blending(v, 180, n + 2, reserved_agents=1, patience_s=p).inbound
        ),
    }
    for name, call in calls.items():
        together = call(volume, agents, patience)
        for i in range(4):
            alone = call(volume[i], agents[i], patience[i])
            for figure in ("service_level", "p_abandon", "asa"):
                got, want = np.asarray(getattr(together, figure))[i], getattr(alone, figure)
                assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (name, figure, i)


def test_erlang_x_thousands_of_agents_stay_finite():
    result = queueing.erlang_x(
        [40_000, 80_000],
        200,
        [4_500, 8_000],
        patience_s=90,
        lines=[5_000, 9_000],
        redial_probability=0.3,
    )
    for value in (result.p_blocked, result.p_abandon, result.service_level, result.asa):
        assert np.isfinite(value).all() and (np.asarray(value) >= 0).all()


def test_overload_gives_clear_figures():
    result = queueing.erlang_x([100, 100], 180, [5, 0], patience_s=np.inf)
    assert result.unstable.all()
    assert list(result.service_level) == [0.0, 0.0]
    assert np.isinf(result.asa).all() and not np.isnan(result.p_wait).any()
    assert result.answered[0] == pytest.approx(50.0)  # 5 agents * 1800 s / 180 s flat out


@pytest.mark.parametrize("lines", [0, 3])
def test_no_agents_and_no_patience_fill_the_lines(lines):
    # Nobody is served and nobody hangs up, but only `lines` callers can be held: once they
    # are, every other caller gets a busy tone, so in the long run all 100 are blocked and
    # lost (100 = 0 answered + 100 lost). It read as an unstable queue instead (every caller
    # waiting, none lost, ASA inf), which lines cannot be.
    result = queueing.erlang_x(100, 180, 0, patience_s=np.inf, lines=lines)
    assert not result.unstable
    assert (result.p_blocked, result.p_wait, result.p_abandon) == (1.0, 0.0, 0.0)
    assert (result.answered, result.lost, result.service_level) == (0.0, 100.0, 0.0)
    assert np.isnan(result.asa) and np.isnan(result.service_level_answered)
    # with redials at 1/2, each blocked caller is tried again: 100 / (1 - 0.5) = 200 attempts
    redialled = queueing.erlang_x(
        100, 180, 0, patience_s=np.inf, lines=lines, redial_probability=0.5
    )
    assert (redialled.offered, redialled.redials, redialled.lost) == (200.0, 100.0, 100.0)
    # no traffic: nothing offered, answered or lost (they gave NaN)
    idle = queueing.erlang_x(0, 180, 0, patience_s=np.inf, lines=lines, redial_probability=0.5)
    assert (idle.offered, idle.answered, idle.lost) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "options", [{"lines": 3}, {"redial_probability": 0.5}, {"lines": 3, "redial_probability": 0.5}]
)
def test_no_agents_answer_nobody_in_no_time(options):
    # Nobody is answered, so the ASA and the service level of answered contacts have a zero
    # denominator: NaN, as with neither lines nor redials. The answered share was taken as
    # 1 - blocked - abandoned, 5.6e-15 of rounding, which gave an ASA of 0 s.
    result = queueing.erlang_x(100, 180, 0, patience_s=120, **options)
    assert result.answered == 0.0
    assert np.isnan(result.asa) and np.isnan(result.service_level_answered)
    assert result.p_blocked + result.p_abandon == pytest.approx(1.0, abs=1e-12)


def balanced_rates(agents, handle):
    """sigma(x) for x chats spread evenly, by walking the agents (not the library's formula)."""

    def rate(x):
        loads = [0] * agents
        for _ in range(x):
            loads[loads.index(min(loads))] += 1
        return sum(j / handle[j - 1] for j in loads if j)

    return rate


@pytest.mark.parametrize(
    ("agents", "handle", "patience_s"),
    [
        (3, [300.0, 360.0, 450.0], 120.0),
        (1, [200.0, 260.0], 90.0),
        (6, [240.0, 300.0], np.inf),
        (2, [300.0, 360.0], 0.002),  # patience of 2 ms: settles in a few hundred steps
    ],
)
def test_chat_matches_the_chain(agents, handle, patience_s):
    volume = 50.0
    result = queueing.chat(
        volume,
        handle,
        agents,
        concurrency=len(handle),
        patience_s=None if np.isinf(patience_s) else patience_s,
    )
    abandon = 0.0 if np.isinf(patience_s) else 1 / patience_s
    servers = agents * len(handle)
    # a long finite chain stands in for the unbounded queue (the tail beyond is below 1e-15);
    # no threshold given: chat's default of kk.options, 30 s
    expected = reference(
        volume / INTERVAL_S, balanced_rates(agents, handle), servers, abandon, servers + 150, 30
    )
    assert result.p_abandon == pytest.approx(expected["abandon"], rel=1e-7, abs=1e-12)
    assert result.service_level == pytest.approx(100 * expected["within"], rel=1e-7)
    assert result.occupancy == pytest.approx(100 * expected["busy"] / servers, rel=1e-7)


def test_chat_with_one_chat_each_is_erlang_a():
    chat = queueing.chat(100, 180, 14, concurrency=1, patience_s=300, threshold_s=20)
    assert chat.service_level == pytest.approx(
        queueing.erlang_a(100, 180, 14, patience_s=300).service_level, rel=1e-9
    )


def blending_reference(arrival, rate, agents, reserved, abandon, queue_cap):
    """Two-dimensional chain: (inbound in system b, outbound in service o), threshold policy.

    Outbound work starts whenever more than ``reserved`` agents are idle and nobody waits;
    states are normalised after each event. Returns inbound P(wait), P(abandon), outbound
    starts per second and busy agents.
    """

    def settle(b, o):
        while b < agents - o and agents - o - b > reserved:
            o += 1
        return b, o

    states = sorted(
        {
            settle(b, o)
            for b in range(agents + queue_cap + 1)
            for o in range(agents + 1)
            if b + o <= agents + queue_cap and o <= agents
        }
    )
    states = [s for s in states if s[0] + s[1] <= agents + queue_cap]
    index = {s: i for i, s in enumerate(states)}
    q = np.zeros((len(states), len(states)))
    starts = np.zeros(len(states))
    for (b, o), i in index.items():
        in_service = min(b, agents - o)
        events = []
        if b + o < agents + queue_cap:
            events.append((arrival, settle(b + 1, o)))
        if in_service:
            events.append((in_service * rate, settle(b - 1, o)))
        if o:
            nb, no = settle(b, o - 1)
            events.append((o * rate, (nb, no)))
            starts[i] = o * rate * (no - (o - 1))
        if b > in_service:
            events.append(((b - in_service) * abandon, settle(b - 1, o)))
        if in_service and b <= agents - o:
            starts[i] += in_service * rate * (settle(b - 1, o)[1] - o)
        for value, target in events:
            if target in index and target != (b, o):
                q[i, index[target]] += value
        q[i, i] = -q[i].sum()
    pi = stationary(q)
    wait = sum(
        pi[i] for (b, o), i in index.items() if b >= agents - o and b + o < agents + queue_cap
    )
    queued = sum(pi[i] * max(b - (agents - o), 0) for (b, o), i in index.items())
    busy = sum(pi[i] * (min(b, agents - o) + o) for (b, o), i in index.items())
    return wait, abandon * queued / arrival, float(pi @ starts), busy


@pytest.mark.parametrize(
    ("agents", "reserved", "patience_s"),
    [(6, 1, 150.0), (5, 0, 90.0), (7, 3, 300.0), (6, 1, 0.005)],
)
def test_blending_matches_the_two_dimensional_chain(agents, reserved, patience_s):
    volume, aht_s = 60.0, 150.0
    result = queueing.blending(
        volume, aht_s, agents, reserved_agents=reserved, patience_s=patience_s
    )
    wait, abandoned, starts, busy = blending_reference(
        volume / INTERVAL_S, 1 / aht_s, agents, reserved, 1 / patience_s, 60
    )
    assert result.inbound.p_wait == pytest.approx(wait, rel=1e-6)
    assert result.inbound.p_abandon == pytest.approx(abandoned, rel=1e-6)
    assert result.outbound == pytest.approx(starts * INTERVAL_S, rel=1e-6)
    assert result.inbound.occupancy == pytest.approx(100 * busy / agents, rel=1e-6)


def test_blending_keeping_every_agent_for_inbound_is_erlang_c():
    blended = queueing.blending(100, 180, 14, reserved_agents=14)
    assert blended.outbound == pytest.approx(0.0, abs=1e-9)
    assert blended.inbound.service_level == pytest.approx(
        queueing.service_level(100, 180, 14), rel=1e-9
    )


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="'lines' must be at least"):
        queueing.erlang_x(100, 180, 10, patience_s=60, lines=8)
    with pytest.raises(ValueError, match="redial_probability"):
        queueing.erlang_x(100, 180, 10, patience_s=60, redial_probability=1.0)
    with pytest.raises(ValueError, match="concurrency"):
        queueing.chat(10, 300, 2, concurrency=0)
    with pytest.raises(ValueError, match="one per number of open chats"):
        queueing.chat(10, [300, 400], 2, concurrency=3)
    with pytest.raises(ValueError, match="reserved_agents"):
        queueing.blending(10, 300, 2, reserved_agents=3)


def test_agents_required_reads_a_forecast_frame():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "queue": ["billing", "billing"],
            "period": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:30"]),
            "interval_s": [1800.0, 1800.0],
            "volume": [100.0, 0.0],
            "volume_low": [80.4, 0.0],
            "volume_high": [119.6, 0.0],
            "aht_s": [180.0, 200.0],
        }
    )
    plan = queueing.agents_required(frame, target_sl=80, shrinkage=[0.3, 0.1])
    assert list(plan.columns[:2]) == ["queue", "period"]
    assert plan["raw_agents"].tolist() == [14, 0]  # 100 calls, 3 min: 14 agents (pyworkforce)
    assert plan["scheduled_agents"].tolist() == [20, 0]  # 14 / 0.7
    # 13 agents give 79.6 %, 14 give 88.8 %: 80 % is crossed 0.04 of the way from 13 to 14
    assert 13 < plan["fractional_agents"].iloc[0] < 13.1
    # 95 % interval: sigma = 19.6 / 1.96 = 10; the 84.1 % quantile is one sigma up: 110 calls
    risky = queueing.agents_required(frame, target_sl=80, volume_quantile=0.8413)
    assert risky["volume"].iloc[0] == pytest.approx(110.0, abs=0.01)
    assert risky["raw_agents"].iloc[0] >= 15


def test_a_volume_quantile_reads_the_side_of_the_interval_it_lies_on():
    # a forecast of 0 with a 95 % interval of 0 to 4 (what the forecasts give at night): its
    # 97.5 % quantile is the upper end, 4; one normal law centred on the forecast over the
    # whole width put it at 0 + 1.96 · 4 / (2 · 1.96) = 2. A forecast of 100 with 90 to 140:
    # the 84.1 % quantile is one upper sigma up, 100 + 40 / 1.96 = 120.41; the 15.9 % one
    # sigma down on the lower side, 100 - 10 / 1.96 = 94.90
    import pandas as pd

    frame = pd.DataFrame(
        {"volume": [0.0, 100.0], "volume_low": [0.0, 90.0], "volume_high": [4.0, 140.0]}
    )
    high = queueing.agents_required(frame, 180, target_sl=80, volume_quantile=0.975)
    assert high["volume"].tolist() == pytest.approx([4.0, 100 + 1.96 * 40 / 1.96])
    sigma_up = queueing.agents_required(frame, 180, target_sl=80, volume_quantile=0.8413)
    assert sigma_up["volume"].iloc[1] == pytest.approx(120.41, abs=0.01)
    sigma_down = queueing.agents_required(frame, 180, target_sl=80, volume_quantile=0.1587)
    assert sigma_down["volume"].tolist() == pytest.approx([0.0, 94.90], abs=0.01)


def test_service_for_roster_answers_the_reverse_question():
    plan = queueing.agents_required([100, 200], 180, target_sl=80, shrinkage=0.3)
    service = queueing.service_for_roster(
        [100, 200], 180, scheduled_agents=plan["scheduled_agents"], shrinkage=0.3
    )
    assert (service["service_level"] >= 80).all()
    # 12 rostered at 30 % shrinkage: 8.4 on the phones for 10 Erlangs, overloaded
    overloaded = queueing.service_for_roster(100, 180, scheduled_agents=12, shrinkage=0.3)
    assert overloaded["overloaded"].iloc[0]
    assert overloaded["backlog"].iloc[0] == pytest.approx(100 - 8.4 * 10)  # 8.4 agents x 10
    # fluid wait: (10 - 8.4) * 1800 / (2 * 8.4) seconds
    assert overloaded["asa"].iloc[0] == pytest.approx(1.6 * 1800 / 16.8)
    assert not overloaded.isna().any().any()


@pytest.mark.parametrize("agents", [10, 0])
def test_every_model_reads_no_traffic_alike(agents):
    # No contacts offered: the figures over contacts (p_abandon, service levels, ASA) have a
    # zero denominator, so NaN as DESIGN.md's rule; they gave an empty system's 100 % and 0 s
    # while agents_required and evaluate gave NaN for the same interval. The shares of time
    # stay real: 10 idle agents never all busy (p_wait 0) and busy 0 % of their time; without
    # agents there is no agent time either (NaN).
    results = [
        queueing.erlang_a(0, 180, agents, patience_s=60),
        queueing.erlang_x(0, 180, agents, patience_s=60),
        queueing.erlang_x(0, 180, agents, patience_s=60, lines=agents + 2),
        queueing.chat(0, 180, agents, concurrency=2, patience_s=60),
    ]
    if agents:
        results.append(queueing.blending(0, 180, agents, reserved_agents=0, patience_s=60).inbound)
    expected = (0.0, np.nan, np.nan, np.nan, np.nan) if agents else (np.nan,) * 5
    for result in results:
        figures = (
            result.p_wait,
            result.p_abandon,
            result.service_level,
            result.service_level_answered,
            result.asa,
        )
        np.testing.assert_array_equal(figures, expected, err_msg=type(result).__name__)
    occupancy = [queueing.erlang_a(0, 180, agents, patience_s=60).occupancy]
    occupancy += [queueing.erlang_x(0, 180, agents, patience_s=60).occupancy]
    occupancy += [queueing.occupancy(0, 180, agents)]
    np.testing.assert_array_equal(occupancy, [0.0 if agents else np.nan] * 3)
    roster = queueing.service_for_roster(0, 180, scheduled_agents=agents, patience_s=60)
    assert roster[["service_level", "asa", "abandonment_rate"]].isna().all(axis=None)
    metrics = queueing.queue_metrics(0, 180, agents, patience_s=60).iloc[0]
    assert metrics[["service_level", "asa", "abandonment_rate"]].isna().all()
    assert queueing.asa(0, 180, agents) == pytest.approx(expected[4], nan_ok=True)
    assert queueing.service_level(0, 180, agents) == pytest.approx(expected[2], nan_ok=True)


@pytest.mark.parametrize(
    ("volume", "aht_s", "agents", "patience_s", "lines", "threshold_s"),
    [
        (100, 180, 10, 1e5, 40, 3600.0),  # a day of patience, an hour's threshold
        (40, 300, 5, 1e7, 60, 1e5),
        (100, 180, 10, 1e9, 14, 20.0),  # theta = 1e-9: near Erlang C, but not quite
        (150, 200, 18, 400, 30, 0.0),  # answered within 0 s: only those served at once
    ],
)
def test_long_thresholds_match_the_chain(volume, aht_s, agents, patience_s, lines, threshold_s):
    result = queueing.erlang_x(
        volume, aht_s, agents, patience_s=patience_s, lines=lines, threshold_s=threshold_s
    )
    expected = reference(
        volume / INTERVAL_S, lambda busy: busy / aht_s, agents, 1 / patience_s, lines, threshold_s
    )
    assert result.service_level == pytest.approx(100 * expected["within"], rel=1e-9)
    assert result.p_abandon == pytest.approx(expected["abandon"], rel=1e-9, abs=1e-12)


def decimal_answered_within(arrival, rate, servers, abandon, lines, threshold_s):
    """Share answered within the threshold, in 30-digit decimals, by uniformisation.

    The stationary distribution is built by products (no logs); a contact at position ``j``
    is followed through the pure-death chain of the positions ahead, stepped at the rate ``R``
    of the fullest queue and mixed over a Poisson(R T) number of steps, until the Poisson
    weight left is below 1e-25: neither the closed form nor the floats the library uses.
    """
    getcontext().prec = 30
    arrival, rate, abandon, threshold = (Decimal(v) for v in (arrival, rate, abandon, threshold_s))
    pi = [Decimal(1)]
    for x in range(1, lines + 1):
        pi.append(pi[-1] * arrival / (min(x, servers) * rate + max(x - servers, 0) * abandon))
    total = sum(pi)
    pi = [p / total for p in pi]
    positions = lines - servers - 1  # an arrival finding all lines full is blocked
    full = servers * rate
    top = full + positions * abandon
    move = [(full + (j - 1) * abandon) / top for j in range(1, positions + 1)]
    stay = [1 - (full + j * abandon) / top for j in range(1, positions + 1)]
    served = [Decimal(1)] + [Decimal(0)] * positions  # index 0: answered
    mean = top * threshold
    weight, used, step = (-mean).exp(), Decimal(0), 0
    within = [Decimal(0)] * positions
    while step <= mean or 1 - used > Decimal("1e-25"):
        within = [w + weight * s for w, s in zip(within, served[1:], strict=True)]
        used += weight
        step += 1
        served = [Decimal(1)] + [
            move[j] * served[j] + stay[j] * served[j + 1] for j in range(positions)
        ]
        weight *= mean / step
    return sum(pi[:servers]) + sum(pi[servers + j] * within[j] for j in range(positions))


def test_a_tiny_service_level_is_exact_to_the_share_served_late():
    # 347 Erlangs on 25 agents, 10 minutes of patience: the few contacts answered within
    # 1000 s came in before the queue had built up (4e-9 of them). The service level is the
    # share served after waiting, 0.07, less those served after 1000 s, each right to about
    # 375 positions * 1e-16 of itself: within 0.07 * 4e-14 = 3e-15, absolute.
    arrival, aht_s, agents, lines = 0.5163484348744765, 672.4348443678447, 25, 400
    result = queueing.erlang_x(
        arrival * INTERVAL_S, aht_s, agents, patience_s=600, lines=lines, threshold_s=1000
    )
    expected = decimal_answered_within(arrival, 1 / aht_s, agents, 1 / 600, lines, 1000)
    assert 3e-9 < expected < 5e-9
    assert result.service_level / 100 == pytest.approx(float(expected), rel=0, abs=1e-14)


@pytest.mark.parametrize("threshold_s", [1e6, 1.6e7])
def test_one_agent_with_a_month_of_patience_is_erlang_a(threshold_s):
    # An earlier probe: one agent of 1000 s against 384 Erlangs, a month of patience, a
    # threshold of 10^6 s. Callers pile up in a million waiting places (about lambda / theta);
    # the answer-within-threshold step walked through them in (sigma + J theta) T, 400,000,
    # time steps each: hours. Erlang A computes the same queue by quadrature over the wait.
    args = (0.19426 * 27629.34 / 0.50613, 1000, 1, 27629.34)
    x = queueing.erlang_x(*args, patience_s=2647797.9, threshold_s=threshold_s)
    a = queueing.erlang_a(*args, patience_s=2647797.9, threshold_s=threshold_s)
    assert x.p_abandon == pytest.approx(a.p_abandon, rel=1e-9)
    assert x.asa == pytest.approx(a.asa, rel=1e-9)
    # waits run near patience * log(384) = 1.6e7 s: none within 10^6 s, 0.26 % within 1.6e7 s
    assert x.service_level == pytest.approx(a.service_level, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize(
    ("patience_s", "threshold_s"),
    [
        (np.inf, 600.0),
        (1e300, 600.0),  # theta T = 6e-298
        (1e308, 1e-9),  # theta T below the smallest normal float
        (np.inf, 1e6),
    ],
)
def test_endless_patience_is_erlang_c(patience_s, threshold_s):
    # 100 calls of 180 s in 30 min on 14 agents: A = 10, and an Erlang C queue's wait beyond
    # T is exponential: SL = 1 - C exp(-(n mu - lambda) T), n mu - lambda = 4 / 180 per second
    result = queueing.erlang_x(100, 180, 14, patience_s=patience_s, threshold_s=threshold_s)
    waits = queueing.erlang_c(10, 14)
    expected = 100 * (1 - waits * np.exp(-4 / 180 * threshold_s))
    assert result.service_level == pytest.approx(expected, rel=1e-12)


def test_lines_for_the_agents_only_is_erlang_b():
    # no waiting place: blocked with Erlang B's chance, every other call answered at once,
    # however long the threshold and the patience
    result = queueing.erlang_x(
        100, 180, 10, patience_s=2e6, lines=10, threshold_s=1e6, redial_probability=0.0
    )
    blocked = queueing.erlang_b(10, 10)
    assert result.p_blocked == pytest.approx(blocked, rel=1e-12)
    assert result.service_level == pytest.approx(100 * (1 - blocked), rel=1e-12)
