"""Edges of the queueing models found by a probe: each test failed (a wrong number, an error
for a request that has an answer, a hang) before its fix. Expected values are worked out by
hand beside each assertion."""

import math
import subprocess
import sys

import numpy as np
import pytest

from kpikit import queueing


def erlang_c_by_hand(load, agents):
    """Erlang C from Erlang B's recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, written out."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return agents * blocking / (agents - load * (1 - blocking))


@pytest.mark.parametrize(
    ("raw", "shrinkage", "scheduled"),
    [
        (10**15, 0.99999, r"1e\+20"),  # 1e15 / (1 - 0.99999) = 1e15 / 1e-5 = 1e20
        (2**53, 0.9999, r"9\.01e\+19"),  # 9.007e15 / 1e-4 = 9.007e19
    ],
)
def test_scheduled_agents_beyond_an_exact_count_are_refused_not_wrapped(raw, shrinkage, scheduled):
    # both were -9223372036854775808 (the int64 cast of a count above 2**63)
    message = rf"'shrinkage' \({shrinkage}\) leaves 'raw_agents'.* {scheduled} .*\(2\*\*53\)"
    with pytest.raises(ValueError, match=message):
        queueing.scheduled_agents(raw, shrinkage)


def test_scheduled_agents_keep_the_largest_exact_count():
    # 2**53 / (1 - 0) = 2**53, the largest raw_agents taken, still held exactly
    assert queueing.scheduled_agents(2**53, 0.0) == 2**53


def test_a_plan_with_shrinkage_next_to_1_is_refused_naming_both():
    # 5,000 Erlangs need 5013 agents (the probe's log-space Erlang C); 1 - 0.9999999999999999
    # is 1.11e-16, so 5013 / 1.11e-16 = 4.5e19 scheduled: the plan said -9.2e18
    with pytest.raises(ValueError, match=r"'shrinkage' .* 'raw_agents' \(5013\) .* 4\.5\de\+19"):
        queueing.agents_required(5000 * 1800 / 180, 180, target_sl=80, shrinkage=0.9999999999999999)


def test_an_abandonment_target_beside_a_service_level_keeps_the_answer_of_the_level():
    # patience 1e17 s: nobody hangs up in practice, so the answer is Erlang C's. A = 100 * 180
    # / 1800 = 10 Erlangs; SL(n) = 1 - C(n) exp(-(n - A) 20 / 180):
    level = {n: 1 - erlang_c_by_hand(10.0, n) * math.exp(-(n - 10) * 20 / 180) for n in (13, 14)}
    assert level[13] < 0.80 <= level[14]  # 0.7872 and 0.8884: 14 agents
    alone = queueing.agents_required(100, 180, target_sl=80, patience_s=1e17)
    both = queueing.agents_required(100, 180, target_sl=80, max_abandon=5, patience_s=1e17)
    # was "Value of 'patience_s' is too long for the traffic", the search starting at 1 agent
    assert both["raw_agents"].tolist() == alone["raw_agents"].tolist() == [14]
    assert both["service_level"].iloc[0] == pytest.approx(100 * level[14], rel=1e-6)
    # abandonment is about 0 at 13 and 14 agents: the service level binds the fraction alone
    assert both["fractional_agents"].iloc[0] == pytest.approx(alone["fractional_agents"].iloc[0])


def test_an_abandonment_target_alone_still_names_a_patience_piling_callers_up():
    # only abandonment could be met below the traffic, where Erlang A cannot compute
    with pytest.raises(ValueError, match="'patience_s' is too long for the traffic"):
        queueing.agents_required(100, 180, max_abandon=5, patience_s=1e17)


def test_erlang_x_with_no_agents_and_a_month_of_patience_ends():
    # 0.384 arrivals per second and 30 days of patience: about 1e6 callers waiting, each
    # stepped through 1e6 steps of a threshold of 1e6 s (over 40 s, unbounded); with no agent
    # nobody is served, so every caller waits and hangs up: p_abandon 1, service level 0
    script = (
        "from kpikit import queueing\n"
        "r = queueing.erlang_x(0.19426 * 27629.34 / 0.50613, 0.50613, 0, 27629.34,\n"
        "    patience_s=2647797.9, threshold_s=1e6)\n"
        "print(r.p_abandon, r.service_level, r.answered)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    # p_abandon to the last digit of a sum of shares (0.9999999999999999 on older NumPy)
    assert [float(x) for x in done.stdout.split()] == pytest.approx([1.0, 0.0, 0.0], abs=1e-12)


def test_erlang_x_probabilities_stay_within_0_and_1():
    # no agents, no lines limit: every caller waits (p_wait 1), nobody is blocked (p_blocked
    # 0) and every one hangs up (p_abandon 1, was 1.0000000000000002)
    result = queueing.erlang_x(100, 180, 0, patience_s=600, threshold_s=600)
    assert (result.p_wait, result.p_abandon, result.p_blocked) == (1.0, 1.0, 0.0)


def test_a_roster_of_negative_zero_is_a_roster_of_none():
    # -0.0 agents made the fluid wait (A - n) T / (2 n) = -inf, and the ASA that of 11 agents
    # (122.78 s); no agent: nothing is answered, the wait is inf and all 100 contacts are left
    plan = queueing.service_for_roster(100, 180, scheduled_agents=-0.0)
    assert plan["asa"].iloc[0] == math.inf
    assert plan["overloaded"].iloc[0]
    assert plan["backlog"].iloc[0] == 100.0  # 100 - 0 * 1800 / 180


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_an_infinite_input_is_refused_as_not_finite(value):
    with pytest.raises(ValueError, match=rf"'volume' must be finite numbers >= 0, .*: {value}$"):
        queueing.traffic(value, 180)


def test_a_negative_input_is_refused_without_mentioning_finite():
    with pytest.raises(ValueError, match=r"'volume' must be numbers >= 0, but received: -5.0"):
        queueing.traffic(-5, 180)


def test_a_call_with_the_wrong_arguments_raises_the_models_own_error_alone():
    # erlang_c takes (traffic, agents); called like asa (volume, aht_s, agents), Python's
    # TypeError says so, not chained to the shape check's failed binding ("too many positional
    # arguments", shown first as "during handling of the above exception").
    with pytest.raises(TypeError, match=r"erlang_c\(\) takes 2 positional") as raised:
        queueing.erlang_c(100, 180, 14)
    assert raised.value.__context__ is None
