"""Tests of kpikit.queueing: published values, exact references, a simulation, properties."""

import math
import warnings

import ciw
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import betaincc, gammainc, gammaln

from kpikit import queueing

# --------------------------------------------------------------------------- references


def birth_death_reference(volume, aht_s, agents, patience_s, threshold_s, interval_s=1800):
    """Erlang A figures from the stationary birth-death chain, summed state by state.

    State ``n + j`` (j callers queued) has probability proportional to
    ``A^n / n! * prod_{i<=j} lambda / (n mu + i theta)``. A caller arriving behind j others waits
    ``V = sum of Exp(n mu + i theta), i = 0..j`` if patient, and ``exp(-theta V)`` is then
    Beta(n mu / theta, j + 1) distributed, so its chance to be answered is
    ``x / (x + j + 1)`` and to be answered within T is ``x / (x + j + 1) * P(Beta(x + 1, j + 1)
    >= exp(-theta T))``, with ``x = n mu / theta`` (scipy's betaincc).
    """
    rate = volume / interval_s
    serve = agents / aht_s
    abandon = 1.0 / patience_s
    load = volume * aht_s / interval_s
    x = serve / abandon
    below = np.arange(agents) * math.log(load) - gammaln(np.arange(agents) + 1.0)
    queued = np.arange(200_000)
    log_queue = (
        agents * math.log(load)
        - gammaln(agents + 1.0)
        + np.concatenate([[0.0], np.cumsum(np.log(rate / (serve + queued[1:] * abandon)))])
    )
    keep = log_queue > log_queue.max() - 60
    keep[: int(np.flatnonzero(keep)[-1]) + 1] = True
    queued, log_queue = queued[keep], log_queue[keep]
    top = max(below.max(initial=-np.inf), log_queue.max())
    weight_below, weight_queue = np.exp(below - top), np.exp(log_queue - top)
    total = weight_below.sum() + weight_queue.sum()
    weight_queue = weight_queue / total
    answered = x / (x + queued + 1.0)
    within = answered * betaincc(x + 1.0, queued + 1.0, math.exp(-abandon * threshold_s))
    p_wait = weight_queue.sum()
    return {
        "p_wait": p_wait,
        "p_abandon": float((weight_queue * (1.0 - answered)).sum()),
        "service_level": 100.0 * ((1.0 - p_wait) + float((weight_queue * within).sum())),
    }


def scalar_agents(volume, aht_s, *, target_sl, threshold_s, max_occupancy=None):
    """Smallest Erlang C count meeting the targets, by brute force over the public functions."""
    load = volume * aht_s / 1800
    agents = math.floor(load) + 1
    while True:
        level = queueing.service_level(volume, aht_s, agents, threshold_s=threshold_s)
        busy = queueing.occupancy(volume, aht_s, agents)
        if level >= target_sl - 1e-9 and (max_occupancy is None or busy <= max_occupancy + 1e-9):
            return agents
        agents += 1


# --------------------------------------------------------------------------- Erlang B and C


def test_erlang_b_small_values():
    # recursion by hand: B(1, 1) = 1 / (1 + 1); B(2, 1) = 0.5 / (2 + 0.5) (also pyworkforce's test)
    assert queueing.erlang_b(1, 1) == pytest.approx(0.5)
    assert queueing.erlang_b(1, 2) == pytest.approx(0.2)
    assert queueing.erlang_b(3.0, 0) == 1.0


def test_erlang_b_matches_poisson_ratio():
    # B(n, A) = P(Poisson(A) = n) / P(Poisson(A) <= n), via scipy's Poisson distribution
    load, agents = 42.5, np.array([30, 45, 60])
    expected = stats.poisson.pmf(agents, load) / stats.poisson.cdf(agents, load)
    np.testing.assert_allclose(queueing.erlang_b(load, agents), expected, rtol=1e-12)


def test_erlang_c_definition():
    # C = n B / (n - A (1 - B)); for A = 10, n = 14 pyworkforce asserts P(wait) 0.174
    blocking = queueing.erlang_b(10, 14)
    assert queueing.erlang_c(10, 14) == pytest.approx(14 * blocking / (14 - 10 * (1 - blocking)))
    assert round(queueing.erlang_c(10, 14), 3) == 0.174
    assert queueing.erlang_c(10, 10) == 1.0  # unstable: everyone waits
    assert math.isnan(queueing.erlang_c(0, 0))


def test_erlang_c_figures_by_hand():
    # A = 100 * 180 / 1800 = 10, n = 14, C = 0.1741319...:
    # SL = 1 - C exp(-(14 - 10) 20 / 180); ASA = C 180 / 4; occupancy = 10 / 14
    delayed = queueing.erlang_c(10, 14)
    assert queueing.service_level(100, 180, 14) == pytest.approx(
        100 * (1 - delayed * math.exp(-4 * 20 / 180))
    )
    assert queueing.asa(100, 180, 14) == pytest.approx(delayed * 180 / 4)
    assert queueing.occupancy(100, 180, 14) == pytest.approx(100 * 10 / 14)


def test_erlang_c_edge_cases():
    assert queueing.service_level(100, 180, 10) == 0.0  # n <= A: the queue never empties
    assert queueing.asa(100, 180, 10) == math.inf
    # no traffic: no contact to answer, so service level and ASA have a zero denominator
    # (NaN, as compute's KPIs); 3 idle agents are busy 0 s of their time: occupancy 0
    assert math.isnan(queueing.service_level(0, 180, 3)) and math.isnan(queueing.asa(0, 180, 3))
    assert queueing.occupancy(0, 180, 3) == 0.0
    assert math.isnan(queueing.occupancy(0, 180, 0))


def test_vectorised_broadcasting():
    levels = queueing.service_level(np.array([[100], [200]]), 180, np.array([14, 15, 25]))
    assert levels.shape == (2, 3)
    assert levels[0, 0] == pytest.approx(queueing.service_level(100, 180, 14))


# --------------------------------------------------------------------------- pyworkforce


def test_pyworkforce_erlang_c_staffing():
    # pyworkforce tests/test_erlang.py: 100 transactions / 30 min, AHT 3 min, asa 0.33 min,
    # shrinkage 0.3, SL 0.8, max occupancy 0.85 -> raw 14, positions 20, SL .888, occ .714,
    # P(wait) .174; with max occupancy 0.7 -> 15, 22, .941, .667, .102
    plan = queueing.agents_required(
        100, 180, 1800, target_sl=80, threshold_s=0.33 * 60, max_occupancy=85, shrinkage=0.3
    ).iloc[0]
    assert (plan["raw_agents"], plan["scheduled_agents"]) == (14, 20)
    assert round(plan["service_level"] / 100, 3) == 0.888
    assert round(plan["occupancy"] / 100, 3) == 0.714
    assert round(plan["p_wait"], 3) == 0.174

    plan = queueing.agents_required(
        100, 180, 1800, target_sl=80, threshold_s=0.33 * 60, max_occupancy=70, shrinkage=0.3
    ).iloc[0]
    assert (plan["raw_agents"], plan["scheduled_agents"]) == (15, 22)
    assert round(plan["service_level"] / 100, 3) == 0.941
    assert round(plan["occupancy"] / 100, 3) == 0.667
    assert round(plan["p_wait"], 3) == 0.102


def test_pyworkforce_erlang_a_values():
    # pyworkforce tests/test_abandonment.py: 100 transactions / 30 min, AHT 3 min, asa 20 s,
    # patience 5 min, 14 positions -> P(wait) 0.14526, P(abandon) 0.013984,
    # occupancy 0.704297, ASA over all arrivals 0.069919 min, SL 0.916792
    result = queueing.erlang_a(100, 180, 14, 1800, patience_s=300, threshold_s=20)
    assert round(result.p_wait, 5) == 0.14526
    assert round(result.p_abandon, 6) == 0.013984
    assert round(result.occupancy / 100, 6) == 0.704297
    assert round(result.asa_all_arrivals / 60, 6) == 0.069919
    assert round(result.service_level / 100, 6) == 0.916792


def test_search_starts_at_smallest_stable_count():
    # A = 106 * 180 / 1800 = 10.6; 11 agents already give SL 17 % >= 10 %. pyworkforce starts
    # at round(A + 1) = 12 and answers 12.
    plan = queueing.agents_required(106, 180, target_sl=10, threshold_s=20)
    assert plan["raw_agents"].iloc[0] == 11
    assert queueing.service_level(106, 180, 11) >= 10


# --------------------------------------------------------------------------- Erlang A


@pytest.mark.parametrize(
    ("volume", "aht_s", "agents", "patience_s", "threshold_s"),
    [
        (100, 180, 14, 300, 20),  # pyworkforce's case
        (50, 300, 5, 60, 30),  # overloaded: A = 8.3 on 5 agents
        (600, 90, 30, 1000, 15),
        (30, 900, 14, 15, 20),  # patience far shorter than handling
        (2000, 240, 262, 40_000, 80),  # large center, very patient callers
        (20, 500, 1, 4, 100),  # one agent, tiny patience
    ],
)
def test_erlang_a_matches_birth_death_chain(volume, aht_s, agents, patience_s, threshold_s):
    result = queueing.erlang_a(
        volume, aht_s, agents, patience_s=patience_s, threshold_s=threshold_s
    )
    expected = birth_death_reference(volume, aht_s, agents, patience_s, threshold_s)
    assert result.p_wait == pytest.approx(expected["p_wait"], rel=1e-8)
    assert result.p_abandon == pytest.approx(expected["p_abandon"], rel=1e-7)
    assert result.service_level == pytest.approx(expected["service_level"], abs=1e-6)


def test_erlang_a_asa_answered_matches_chain():
    # E[V exp(-theta V)] for V a sum of exponentials with rates r_i is
    # prod(r_i / (r_i + theta)) * sum(1 / (r_i + theta)); weighted by the chain and divided by
    # P(answered). Case: pyworkforce's (3.8242 s of answered waiting per arrival).
    rate, serve, abandon, agents = 100 / 1800, 14 / 180, 1 / 300, 14
    load = rate * 180
    log_below = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents)]
    log_state = agents * math.log(load) - math.lgamma(agents + 1)
    numerator, total_queue, rates = 0.0, 0.0, []
    for queued in range(3000):
        rates.append(serve + queued * abandon)
        speeds = np.array(rates)
        weight = math.exp(log_state)
        numerator += weight * np.prod(speeds / (speeds + abandon)) * np.sum(1 / (speeds + abandon))
        total_queue += weight
        log_state += math.log(rate / (serve + (queued + 1) * abandon))
    total = sum(math.exp(value) for value in log_below) + total_queue
    result = queueing.erlang_a(100, 180, agents, patience_s=300)
    assert result.asa == pytest.approx(numerator / total / (1 - result.p_abandon), rel=1e-8)


def test_erlang_a_p_wait_matches_incomplete_gamma():
    # Mandelbaum & Zeltyn: P(wait) = A(x, y) B / (1 + (A(x, y) - 1) B) with x = n mu / theta,
    # y = lambda / theta, A(x, y) = x e^y y^-x gamma(x, y) (scipy's regularised gammainc)
    volume, aht_s, agents, patience_s = 300, 240, 45, 200
    x, y = agents / aht_s * patience_s, volume / 1800 * patience_s
    mass = math.exp(math.log(x) + y - x * math.log(y) + gammaln(x) + math.log(gammainc(x, y)))
    blocking = queueing.erlang_b(volume * aht_s / 1800, agents)
    expected = mass * blocking / (1 + (mass - 1) * blocking)
    result = queueing.erlang_a(volume, aht_s, agents, patience_s=patience_s)
    assert result.p_wait == pytest.approx(expected, rel=1e-9)
    # P(abandon | wait) = 1 / (rho A(x, y)) + 1 - 1 / rho
    rho = (volume / 1800) / (agents / aht_s)
    assert result.p_abandon == pytest.approx(expected * (1 / (rho * mass) + 1 - 1 / rho), rel=1e-7)


def test_erlang_a_converges_to_erlang_c():
    agents = np.array([11, 15, 20, 25])
    patient = queueing.erlang_a(100, 180, agents, patience_s=1e12)
    np.testing.assert_allclose(patient.p_wait, queueing.erlang_c(10, agents), rtol=1e-8)
    np.testing.assert_allclose(
        patient.service_level, queueing.service_level(100, 180, agents), atol=1e-6
    )
    np.testing.assert_allclose(patient.asa, queueing.asa(100, 180, agents), rtol=1e-8)
    np.testing.assert_allclose(patient.occupancy, queueing.occupancy(100, 180, agents), rtol=1e-8)
    # the gap shrinks in proportion to 1 / patience
    gaps = [
        queueing.erlang_a(100, 180, 11, patience_s=patience).service_level
        - queueing.service_level(100, 180, 11)
        for patience in (1e8, 1e9, 1e10)
    ]
    assert gaps[0] / gaps[1] == pytest.approx(10, rel=0.01)
    assert gaps[1] / gaps[2] == pytest.approx(10, rel=0.01)
    exact = queueing.erlang_a(100, 180, agents, patience_s=np.inf)
    np.testing.assert_array_equal(exact.service_level, queueing.service_level(100, 180, agents))
    np.testing.assert_array_equal(exact.p_abandon, 0.0)


def test_erlang_a_edge_cases():
    nobody = queueing.erlang_a(100, 180, 0, patience_s=120)
    assert (nobody.p_wait, nobody.p_abandon, nobody.service_level) == (1.0, 1.0, 0.0)
    assert nobody.asa_all_arrivals == 120  # every caller waits out its patience
    assert math.isnan(nobody.asa) and math.isnan(nobody.occupancy)
    # no traffic: idle agents (nobody waits, occupancy 0), nothing to count over contacts
    empty = queueing.erlang_a(0, 180, 3, patience_s=120)
    assert (empty.p_wait, empty.occupancy) == (0, 0)
    assert np.isnan([empty.p_abandon, empty.service_level, empty.asa]).all()
    # ASA over all arrivals = P(abandon) * patience (Little's law on the abandoning stream)
    result = queueing.erlang_a(250, 180, 20, patience_s=90)
    assert result.asa_all_arrivals == pytest.approx(result.p_abandon * 90, rel=1e-9)
    assert result.service_level_answered == pytest.approx(
        result.service_level / (1 - result.p_abandon)
    )


def test_erlang_a_against_ciw_simulation():
    """Erlang A inside the 99 % interval of a seeded discrete-event simulation (Ciw)."""
    arrival_rate, aht_s, patience_s, agents, threshold_s = 1 / 72, 180.0, 120.0, 3, 20.0
    horizon, warm_up, replications = 400_000.0, 5_000.0, 12
    ciw.seed(2024)
    estimates = []
    for _ in range(replications):
        network = ciw.create_network(
            arrival_distributions=[ciw.dists.Exponential(rate=arrival_rate)],
            service_distributions=[ciw.dists.Exponential(rate=1 / aht_s)],
            number_of_servers=[agents],
            reneging_time_distributions=[ciw.dists.Exponential(rate=1 / patience_s)],
        )
        simulation = ciw.Simulation(network)
        simulation.simulate_until_max_time(horizon)
        # arrivals well before the end have all left the queue (served or reneged)
        records = [
            record
            for record in simulation.get_all_records()
            if warm_up <= record.arrival_date <= horizon - 10 * patience_s
        ]
        served = np.array([record.record_type == "service" for record in records])
        waits = np.array([record.waiting_time for record in records])
        estimates.append(
            [
                np.mean(waits > 0),
                np.mean(~served),
                100 * np.mean(served & (waits <= threshold_s)),
                waits[served].mean(),
                waits.mean(),
            ]
        )
    estimates = np.array(estimates)
    mean = estimates.mean(axis=0)
    half_width = stats.t.ppf(0.995, replications - 1) * estimates.std(axis=0, ddof=1)
    half_width /= math.sqrt(replications)
    model = queueing.erlang_a(
        arrival_rate * 1800, aht_s, agents, patience_s=patience_s, threshold_s=threshold_s
    )
    formula = [
        model.p_wait,
        model.p_abandon,
        model.service_level,
        model.asa,
        model.asa_all_arrivals,
    ]
    for name, value, centre, width in zip(
        ["p_wait", "p_abandon", "service_level", "asa", "asa_all_arrivals"],
        formula,
        mean,
        half_width,
        strict=True,
    ):
        assert centre - width <= value <= centre + width, (name, value, centre, width)


# --------------------------------------------------------------------------- properties

traffic_cases = st.tuples(
    st.floats(1, 3000),  # volume per 30 minutes
    st.floats(30, 1200),  # AHT, seconds
    st.floats(0, 120),  # threshold, seconds
)


@settings(max_examples=60, deadline=None)
@given(case=traffic_cases, extra=st.integers(1, 60))
def test_erlang_c_improves_with_agents(case, extra):
    volume, aht_s, threshold_s = case
    agents = math.floor(volume * aht_s / 1800) + np.arange(extra, extra + 3)
    level = queueing.service_level(volume, aht_s, agents, threshold_s=threshold_s)
    wait = queueing.asa(volume, aht_s, agents)
    assert np.all(np.diff(level) >= -1e-9)
    assert np.all(np.diff(wait) <= 1e-9)


@settings(max_examples=60, deadline=None)
@given(case=traffic_cases, agents=st.integers(1, 300), patience_s=st.floats(5, 5000))
def test_erlang_a_improves_with_agents(case, agents, patience_s):
    volume, aht_s, threshold_s = case
    counts = np.array([agents, agents + 1, agents + 2])
    result = queueing.erlang_a(
        volume, aht_s, counts, patience_s=patience_s, threshold_s=threshold_s
    )
    assert np.all(np.diff(result.service_level) >= -1e-7)
    assert np.all(np.diff(result.asa) <= 1e-7 * (1 + result.asa[:-1]))
    assert np.all(np.diff(result.p_abandon) <= 1e-10)


@settings(max_examples=60, deadline=None)
@given(
    case=traffic_cases,
    agents=st.integers(1, 300),
    patience_s=st.floats(5, 5000),
    factor=st.floats(1.1, 10),
)
def test_abandonment_rises_as_patience_falls(case, agents, patience_s, factor):
    volume, aht_s, _ = case
    impatient = queueing.erlang_a(volume, aht_s, agents, patience_s=patience_s)
    patient = queueing.erlang_a(volume, aht_s, agents, patience_s=patience_s * factor)
    assert impatient.p_abandon >= patient.p_abandon * (1 - 1e-9)


@settings(max_examples=30, deadline=None)
@given(load=st.floats(1e-3, 6000), patience_s=st.floats(1, 1e6), threshold_s=st.floats(0, 300))
def test_finite_for_5000_agents(load, patience_s, threshold_s):
    # with traffic (no traffic leaves the figures over contacts NaN: see
    # test_every_model_reads_no_traffic_alike)
    volume = load * 1800 / 300
    result = queueing.erlang_a(volume, 300, 5000, patience_s=patience_s, threshold_s=threshold_s)
    for value in vars(result).values():
        assert math.isfinite(value)
    assert math.isfinite(queueing.erlang_c(load, 5000))
    assert math.isfinite(queueing.service_level(volume, 300, 5000, threshold_s=threshold_s))


# --------------------------------------------------------------------------- staffing solver


def test_agents_required_is_smallest_passing_count():
    rng = np.random.default_rng(3)
    volume = rng.uniform(1, 800, 200).round()
    aht_s = rng.uniform(120, 600, 200).round()
    plan = queueing.agents_required(volume, aht_s, target_sl=80, threshold_s=20, max_occupancy=85)
    expected = [
        scalar_agents(v, h, target_sl=80, threshold_s=20, max_occupancy=85)
        for v, h in zip(volume, aht_s, strict=True)
    ]
    np.testing.assert_array_equal(plan["raw_agents"], expected)


def test_agents_required_targets_hold_and_one_less_fails():
    volume = np.array([5.0, 40, 150, 900, 3000])
    plan = queueing.agents_required(volume, 300, target_asa_s=30, patience_s=180, max_abandon=3)
    assert (plan["asa"] <= 30).all() and (plan["abandonment_rate"] <= 3).all()
    fewer = queueing.erlang_a(volume, 300, plan["raw_agents"] - 1, patience_s=180)
    assert np.all((fewer.asa > 30) | (fewer.p_abandon * 100 > 3))


@pytest.mark.parametrize(
    ("volume", "targets"),
    [
        (np.linspace(100, 2000, 20), {"patience_s": 30, "target_asa_s": 30}),
        (np.linspace(100, 3000, 20), {"patience_s": 60, "max_abandon": 60}),
        (np.random.default_rng(2).uniform(1, 2000, 40), {"patience_s": 30, "target_sl": 80}),
    ],
)
def test_agents_required_with_patience_over_many_intervals_is_each_smallest_count(volume, targets):
    # More than 17 intervals start from square-root staffing learnt on a sample, and with
    # abandonment the answer may be below the traffic: stepping Erlang B down there by its
    # inverse recursion drifted out of [0, 1] (2000 contacts: 145 agents where 118 meet an
    # ASA of 30 s; one interval of 141 Erlangs got 1 agent). Each count must be the smallest
    # that meets the targets, as erlang_a computes them, one less failing.
    plan = queueing.agents_required(volume, 300, **targets)
    agents = plan["raw_agents"].to_numpy()
    patience_s = targets["patience_s"]
    for fewer, meets in ((agents - 1, False), (agents, True)):
        figures = queueing.erlang_a(volume, 300, fewer, patience_s=patience_s)
        met = np.ones(len(volume), dtype=bool)
        if "target_asa_s" in targets:
            met &= figures.asa <= targets["target_asa_s"] + 1e-9
        if "max_abandon" in targets:
            met &= figures.p_abandon * 100 <= targets["max_abandon"] + 1e-9
        if "target_sl" in targets:
            met &= figures.service_level >= targets["target_sl"] - 1e-9
        assert (met == meets)[fewer >= 1].all()


def test_agents_required_answered_denominator():
    offered = queueing.agents_required(400, 300, target_sl=80, patience_s=60)
    answered = queueing.agents_required(
        400, 300, target_sl=80, patience_s=60, sl_denominator="answered"
    )
    # abandoned calls leave the answered denominator, so fewer agents reach 80 %
    assert answered["raw_agents"].iloc[0] <= offered["raw_agents"].iloc[0]


def test_agents_required_frame():
    volume = pd.Series([0.0, 100.0], index=pd.Index(["night", "morning"], name="slot"))
    plan = queueing.agents_required(volume, 180, target_sl=80, shrinkage=0.25)
    assert list(plan.index) == ["night", "morning"]
    assert list(plan.columns) == [
        "volume",
        "aht_s",
        "traffic",
        "raw_agents",
        "scheduled_agents",
        "fractional_agents",
        "scheduled_fractional",
        "p_wait",
        "service_level",
        "asa",
        "occupancy",
    ]
    assert plan.loc["night", "raw_agents"] == 0 and plan.loc["night", "scheduled_agents"] == 0
    assert plan.loc["night", ["service_level", "asa", "occupancy"]].isna().all()
    # 14 / (1 - 0.25) = 18.67 -> 19 scheduled
    assert plan.loc["morning", "scheduled_agents"] == 19
    with_patience = queueing.agents_required(volume, 180, target_sl=80, patience_s=300)
    assert "abandonment_rate" in with_patience.columns


@pytest.mark.parametrize("sl_denominator", ["offered", "answered"])
def test_agents_required_reports_the_figures_of_its_answer(sl_denominator):
    # Every figure is the queue's at raw_agents (Erlang A's, the service level over the chosen
    # denominator); idle intervals need nobody and measure nothing, without a warning.
    volume = np.array([0.0, 40, 100, 0, 450])
    shrinkage = np.array([0.3, 0.0, 0.25, 0.1, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = queueing.agents_required(
            volume,
            240,
            target_sl=80,
            threshold_s=30,
            patience_s=120,
            shrinkage=shrinkage,
            sl_denominator=sl_denominator,
        )
    assert plan[["raw_agents", "scheduled_agents"]].dtypes.tolist() == [np.int64, np.int64]
    busy = volume > 0
    agents = plan["raw_agents"].to_numpy()
    assert (agents[~busy] == 0).all() and (plan["fractional_agents"][~busy] == 0).all()
    assert plan.loc[~busy, ["p_wait", "service_level", "asa", "occupancy"]].isna().all().all()
    result = queueing.erlang_a(volume[busy], 240, agents[busy], patience_s=120, threshold_s=30)
    level = result.service_level_answered if sl_denominator == "answered" else result.service_level
    np.testing.assert_allclose(plan["service_level"][busy], level, rtol=1e-12)
    np.testing.assert_allclose(plan["abandonment_rate"][busy], 100 * result.p_abandon, rtol=1e-12)
    np.testing.assert_allclose(plan["occupancy"][busy], result.occupancy, rtol=1e-12)
    np.testing.assert_allclose(plan["traffic"], volume * 240 / 1800)
    np.testing.assert_array_equal(
        plan["scheduled_agents"], queueing.scheduled_agents(agents, shrinkage)
    )
    np.testing.assert_allclose(
        plan["scheduled_fractional"], plan["fractional_agents"] / (1 - shrinkage)
    )
    assert ((agents[busy] - 1 < plan["fractional_agents"][busy]).all()) and (
        plan["fractional_agents"] <= agents
    ).all()


def test_agents_required_refuses_what_it_cannot_staff_and_takes_nothing():
    empty = queueing.agents_required([], 180, target_sl=80)
    assert empty.empty and "scheduled_fractional" in empty.columns
    with pytest.raises(ValueError, match="'aht_s' is needed with plain volumes"):
        queueing.agents_required(100, target_sl=80)
    with pytest.raises(ValueError, match="'volume_quantile' needs a forecast frame .* plain"):
        queueing.agents_required(100, 180, target_sl=80, volume_quantile=0.9)
    with pytest.raises(ValueError, match=r"one-dimensional .* broadcast to shape \(2, 2\)"):
        queueing.agents_required([[1, 2], [3, 4]], 180, target_sl=80)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        # the first bad argument is named: volume, aht_s, the load, threshold, patience,
        # shrinkage, and only then the targets
        ({"volume": -1, "aht_s": 0, "shrinkage": 2}, "'volume' must be numbers >= 0"),
        ({"aht_s": 0, "threshold_s": -1}, "'aht_s' must be numbers >= 0.001"),
        ({"volume": 1e12, "threshold_s": -1}, "gives 1.67e+11 Erlangs"),
        ({"threshold_s": -1, "patience_s": -1}, "'threshold_s' must be numbers >= 0"),
        ({"patience_s": -1, "shrinkage": 2}, "'patience_s' must be numbers >= 0.001"),
        ({"shrinkage": 2, "target_sl": None}, "'shrinkage' is a fraction in [0, 1)"),
    ],
)
def test_agents_required_names_the_first_bad_argument(arguments, message):
    arguments = {"volume": 100, "aht_s": 300, "target_sl": 80, **arguments}
    with pytest.raises(ValueError) as error:
        queueing.agents_required(arguments.pop("volume"), arguments.pop("aht_s"), **arguments)
    assert message in str(error.value)


def test_queue_metrics_staffing_curve():
    curve = queueing.queue_metrics(100, 180, np.arange(11, 20), patience_s=300)
    assert list(curve["agents"]) == list(range(11, 20))
    assert {"abandonment_rate", "service_level_answered", "asa_all_arrivals"} <= set(curve)
    assert curve["service_level"].is_monotonic_increasing


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"target_sl": 0.8}, "'target_sl' is a percent"),
        ({"target_sl": 80, "shrinkage": 30}, "'shrinkage' is a fraction"),
        ({"max_abandon": 5}, "'max_abandon' needs 'patience_s'"),
        ({}, "at least one target"),
        ({"target_sl": 80, "sl_denominator": "all"}, "Expected one of ['offered', 'answered']"),
        ({"max_occupancy": 85, "patience_s": -1}, "'patience_s' must be"),
    ],
)
def test_agents_required_errors(options, message):
    with pytest.raises(ValueError) as error:
        queueing.agents_required(100, 180, **options)
    assert message in str(error.value)


def test_input_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"'volume' must be numbers >= 0, but received: -5.0"):
        queueing.service_level(-5, 180, 10)
    with pytest.raises(ValueError, match=r"'agents' must be whole numbers"):
        queueing.erlang_c(10, 12.5)
    with pytest.raises(ValueError, match=r"'aht_s' must be numbers >= 0.001, but received: 0.0"):
        queueing.asa(10, 0, 3)


def test_sizes_no_queue_model_can_take_are_refused_at_once():
    # Before: Erlang B of 10 million agents ran 24 s (one step an agent), a billion never
    # ended, agents_required(1e8 contacts) ran on and 1e12 asked for 1.2 TiB; 1e308 agents
    # after shrinkage came out as -9223372036854775808, and infinite concurrency as an
    # OverflowError.
    too_many = r"'agents' must be whole numbers >= 0 and <= 100,000, but received: 10000000.0"
    with pytest.raises(ValueError, match=too_many):
        queueing.erlang_b(10, 10**7)
    with pytest.raises(ValueError, match=r"'agents' must be whole .* received: 1000000000.0"):
        queueing.service_level(100, 180, 1e9)
    with pytest.raises(ValueError, match=r"'raw_agents' must be whole .* received: 1e\+308"):
        queueing.scheduled_agents(1e308, 0.3)
    assert queueing.scheduled_agents(200_000, 0.5) == 400_000  # arithmetic alone: no cap
    with pytest.raises(ValueError, match=r"'traffic' must be numbers >= 0 and <= 100,000"):
        queueing.erlang_c(2e5, 10)
    # 1e12 contacts of 300 s in half an hour: 1e12 * 300 / 1800 = 1.67e11 Erlangs.
    per_interval = r"gives 1.67e\+11 Erlangs .* is volume the count of one interval"
    for volume in (1e12, [100, 1e12]):
        with pytest.raises(ValueError, match=per_interval):
            queueing.agents_required(volume, 300, target_sl=80, threshold_s=20)
        with pytest.raises(ValueError, match=per_interval):  # was computed for 1.67e11 Erlangs
            queueing.service_for_roster(volume, 300, scheduled_agents=14)
    # a billion agents rostered asked for 7.45 GiB in Erlang B's recursion
    with pytest.raises(ValueError, match=r"'scheduled_agents' must be .* 100,000, .* 1000000000.0"):
        queueing.service_for_roster(100, 180, scheduled_agents=1e9)
    with pytest.raises(ValueError, match="gives inf Erlangs .* beyond the range of a float"):
        queueing.traffic(1e308, 300)
    assert queueing.traffic(1e12, 300) == 1e12 * 300 / 1800  # a number, not a queue: no cap
    with pytest.raises(ValueError, match=r"'concurrency' must be a finite whole number >= 1"):
        queueing.chat(100, 300, 20, concurrency=float("inf"))
    with pytest.raises(TypeError, match=r"'concurrency' must be a whole number but received: '2'"):
        queueing.chat(100, 300, 20, concurrency="2")
    # At the bounds the models answer: 10 Erlangs never fill 100,000 agents (B underflows to
    # 0), and 100,000 Erlangs (600,000 contacts of 300 s) on 100,000 agents always wait.
    assert queueing.erlang_b(10, 100_000) == 0.0
    assert queueing.erlang_c(100_000, 100_000) == 1.0


QUEUE = {"volume": 100, "aht_s": 180, "agents": 14, "interval_s": 1800}  # 10 Erlangs, 14 agents
TINY = (1e-308, 5e-324)  # a small and the smallest float above 0 (denormals: 1/x overflows)
PUBLIC_CALLS = {
    "traffic": (queueing.traffic, {"volume": 100, "aht_s": 180, "interval_s": 1800}),
    "erlang_b": (queueing.erlang_b, {"traffic": 10, "agents": 14}),
    "erlang_c": (queueing.erlang_c, {"traffic": 10, "agents": 14}),
    "service_level": (queueing.service_level, {**QUEUE, "threshold_s": 20}),
    "asa": (queueing.asa, QUEUE),
    "occupancy": (queueing.occupancy, QUEUE),
    "erlang_a": (queueing.erlang_a, {**QUEUE, "patience_s": 300, "threshold_s": 20}),
    "erlang_x": (
        queueing.erlang_x,
        {**QUEUE, "patience_s": 300, "lines": 20, "redial_probability": 0.2, "threshold_s": 20},
    ),
    "chat": (queueing.chat, {**QUEUE, "concurrency": 2, "patience_s": 120, "threshold_s": 30}),
    "blending": (
        queueing.blending,
        {**QUEUE, "reserved_agents": 2, "patience_s": 300, "threshold_s": 20},
    ),
    "queue_metrics": (queueing.queue_metrics, {**QUEUE, "threshold_s": 20, "patience_s": 300}),
    "agents_required": (
        queueing.agents_required,
        {
            "volume": 100,
            "aht_s": 180,
            "interval_s": 1800,
            "target_sl": 80,
            "threshold_s": 20,
            "target_asa_s": 20,
            "max_occupancy": 85,
            "max_abandon": 5,
            "patience_s": 300,
            "shrinkage": 0.3,
        },
    ),
    "scheduled_agents": (queueing.scheduled_agents, {"raw_agents": 14, "shrinkage": 0.3}),
    "service_for_roster": (
        queueing.service_for_roster,
        {
            "volume": 100,
            "aht_s": 180,
            "interval_s": 1800,
            "scheduled_agents": 20,
            "shrinkage": 0.3,
            "threshold_s": 20,
            "patience_s": 300,
        },
    ),
}


@pytest.mark.parametrize("name", sorted(PUBLIC_CALLS))
def test_tiny_numbers_give_the_limit_or_are_refused_by_name(name):
    # 1e-308 s of handle time overflowed 1/aht_s, 1e-308 contacts the states of Erlang X, ...:
    # RuntimeWarnings and NaN. Each number argument of every public function, alone and with
    # the patience too: an answer without a warning, or a ValueError naming what is refused.
    function, arguments = PUBLIC_CALLS[name]
    numbers = [key for key, value in arguments.items() if not isinstance(value, bool)]
    for tiny in TINY:
        for changed in [[key] for key in numbers] + [["volume", "patience_s"]]:
            if not set(changed) <= set(arguments):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    function(**{**arguments, **dict.fromkeys(changed, tiny)})
                except ValueError as error:
                    named = (f"Value of '{key}'" for key in changed)
                    load = "volume * aht_s / interval_s gives"
                    assert str(error).startswith((*named, load)), (changed, str(error))


def test_tiny_numbers_give_their_limits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # next to no traffic: nobody waits, nobody is busy; any count above it is stable
        assert queueing.service_level(1e-308, 180, 14) == 100.0
        assert queueing.erlang_c(1e-308, 1) == 1e-308  # one agent: P(wait) = A
        assert queueing.erlang_b(5e-324, 1) == 0.0  # A / (1 + A), 0 to double precision
        for model in (queueing.erlang_x, queueing.chat):
            options = {"concurrency": 2} if model is queueing.chat else {}
            result = model(1e-308, 180, 14, patience_s=300, **options)
            assert (result.service_level, result.p_wait, result.asa) == (100.0, 0.0, 0.0)
        assert queueing.agents_required(1e-308, 180, target_sl=80)["raw_agents"].item() == 1
        # 5e-324 contacts of 180 s in 1800 s is a load of 0 in a float: no agents needed
        assert queueing.agents_required(5e-324, 180, target_sl=80)["raw_agents"].item() == 0
        # a threshold of 1e-308 s is one of 0 s: answered at once
        assert queueing.service_level(100, 180, 14, threshold_s=1e-308) == pytest.approx(
            100 * (1 - queueing.erlang_c(10, 14))
        )
        # next to no agent on the phones: the queue grows, its fluid wait is beyond a float
        roster = queueing.service_for_roster(100, 180, scheduled_agents=1e-308)
        assert roster["overloaded"].item() and roster["asa"].item() == math.inf
        assert queueing.traffic(1e-308, 180, 1e-308) == 180.0  # arithmetic alone
    for name in ("aht_s", "interval_s"):
        with pytest.raises(ValueError, match=f"'{name}' must be numbers >= 0.001, .* 1e-308"):
            queueing.erlang_a(**{**QUEUE, name: 1e-308}, patience_s=300)
    with pytest.raises(ValueError, match=r"'patience_s' must be numbers >= 0.001 \(inf allowed"):
        queueing.agents_required(100, 180, target_sl=80, patience_s=5e-324)
    with pytest.raises(ValueError, match="'aht_s' must be numbers >= 0.001"):
        queueing.chat(60, [300, 1e-308], 4, concurrency=2)


def test_infinite_patience_staffs_as_erlang_c_with_nobody_abandoning():
    # patience_s=inf was documented ("inf allowed") and ended in KeyError: 'abandonment_rate'.
    erlang_c = queueing.agents_required(100, 180, target_sl=80, threshold_s=20)
    patient = queueing.agents_required(
        100, 180, target_sl=80, threshold_s=20, patience_s=float("inf")
    )
    pd.testing.assert_frame_equal(patient.drop(columns="abandonment_rate"), erlang_c)
    assert patient["abandonment_rate"].tolist() == [0.0]
    # Nobody abandons, so a cap on abandonment leaves the smallest stable count: 10 Erlangs
    # need 11 agents.
    capped = queueing.agents_required(100, 180, max_abandon=5, patience_s=float("inf"))
    assert capped["raw_agents"].tolist() == [11]


def test_answered_service_level_equals_offered_without_abandonment():
    # Erlang C has no abandonment, so SL over answered equals SL over offered: same agents.
    offered = queueing.agents_required(100, 180, target_sl=80)
    answered = queueing.agents_required(100, 180, target_sl=80, sl_denominator="answered")
    assert answered["raw_agents"].tolist() == offered["raw_agents"].tolist()


def test_default_threshold_comes_from_the_options():
    # No threshold given: the phone threshold of kk.options (20 s), chat's for chat (30 s);
    # changing the option changes the default, a threshold given still wins.
    import kpikit as kk

    assert queueing.service_level(100, 180, 14) == queueing.service_level(
        100, 180, 14, threshold_s=20
    )
    assert queueing.chat(60, 300, 4, concurrency=2).service_level == pytest.approx(
        queueing.chat(60, 300, 4, concurrency=2, threshold_s=30).service_level, rel=1e-12
    )
    with kk.options.context(sl_threshold_s={"phone": 40, "chat": 50}):
        assert queueing.service_level(100, 180, 14) == queueing.service_level(
            100, 180, 14, threshold_s=40
        )
        plan = queueing.agents_required(100, 180, target_sl=80)
        assert (
            plan["raw_agents"].item()
            == queueing.agents_required(100, 180, target_sl=80, threshold_s=40)["raw_agents"].item()
        )
        roster = queueing.service_for_roster(100, 180, scheduled_agents=14)
        assert roster["service_level"].item() == pytest.approx(
            queueing.service_level(100, 180, 14, threshold_s=40)
        )
        assert queueing.service_level(100, 180, 14, threshold_s=20) == pytest.approx(88.835002)


def test_numbers_given_as_text_or_flags_are_refused_by_name():
    # NumPy read "100" and True as numbers (service level 88.8 and 100 %), and "abc" ended in
    # "could not convert string to float", which named no argument.
    for volume in ("100", True, "abc", {"a": 1}):
        with pytest.raises(TypeError, match="'volume' must be a number or numbers"):
            queueing.service_level(volume, 180, 14, threshold_s=20)
    # Missing values of a nullable column are NaN, refused as such.
    with pytest.raises(ValueError, match="'volume' must be numbers >= 0, but received: nan"):
        queueing.service_level(pd.Series([100, None], dtype="Int64"), 180, 14)


@pytest.mark.parametrize(
    ("model", "arguments", "named"),
    [
        (
            queueing.traffic,
            {"volume": [100, 200], "aht_s": [300, 300, 300]},
            "'volume' of 2 values, ",
        ),
        (queueing.erlang_b, {"traffic": [1.0, 2.0], "agents": [3, 3, 3]}, "'agents' of 3 values"),
        (queueing.erlang_c, {"traffic": [1.0, 2.0], "agents": [3, 3, 3]}, "'agents' of 3 values"),
        (
            queueing.service_level,
            {"volume": [100, 200], "aht_s": 300, "agents": 10, "threshold_s": [20, 20, 20]},
            "'threshold_s' of 3 values",
        ),
        (queueing.asa, {"volume": [100, 200], "aht_s": [300] * 3, "agents": 10}, "'aht_s' of 3"),
        (
            queueing.occupancy,
            {"volume": [100, 200], "aht_s": 300, "agents": [10] * 3},
            "'agents' of 3",
        ),
        (
            queueing.erlang_a,
            {"volume": [100, 200], "aht_s": 300, "agents": 10, "patience_s": [60] * 3},
            "'patience_s' of 3",
        ),
        (
            queueing.erlang_x,
            {"volume": [100, 200], "aht_s": 300, "agents": 10, "patience_s": [60] * 3},
            "'patience_s' of 3",
        ),
        (
            queueing.queue_metrics,
            {"volume": [100, 200], "aht_s": 300, "agents": np.array([10] * 3)},
            "'agents' of 3",
        ),
        (
            queueing.chat,
            {"volume": [100, 200], "aht_s": 300, "agents": [10] * 3, "concurrency": 2},
            "'agents' of 3",
        ),
        (
            queueing.blending,
            {"volume": [100, 200], "aht_s": 300, "agents": [10] * 3, "reserved_agents": 1},
            "'agents' of 3",
        ),
        (
            queueing.scheduled_agents,
            {"raw_agents": [10, 12], "shrinkage": [0.3] * 3},
            "'shrinkage' of 3",
        ),
        (
            queueing.agents_required,
            {"volume": pd.Series([100, 200]), "aht_s": [300] * 3, "target_sl": 80},
            "'aht_s' of 3",
        ),
        (
            queueing.service_for_roster,
            {"volume": [100, 200], "aht_s": 300, "scheduled_agents": [10] * 3},
            "'scheduled_agents' of 3",
        ),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_arrays_of_lengths_that_do_not_go_together_are_named(model, arguments, named):
    # NumPy's "operands could not be broadcast together with shapes (2,) (3,)" before, which
    # names no argument
    message = rf"{model.__name__} takes numbers or arrays of one length .*{named}"
    with pytest.raises(ValueError, match=message):
        model(**arguments)


def test_an_overloaded_roster_never_waits_less_than_the_first_count_keeping_up():
    # 100 calls of 180 s in a half hour: A = 10 Erlangs. 11 agents keep up: Erlang C gives
    # P(wait) = 0.68212, ASA = 0.68212 · 180 / (11 - 10) = 122.78 s. The fluid wait
    # (A - n) · 1800 / (2 n) fell to 0 at 10 agents (47.4 s at 9.5, then 122.8 at 10.25)
    agents = np.arange(5.0, 15.01, 0.25)
    roster = queueing.service_for_roster(np.full(len(agents), 100.0), 180, scheduled_agents=agents)
    asa = roster.set_index("agents")["asa"]
    assert asa[11.0] == pytest.approx(122.78, abs=0.01)
    assert asa[11.0] == queueing.asa(100, 180, 11)
    assert asa[[9.0, 9.5, 10.0, 10.25, 10.5]].tolist() == [asa[11.0]] * 5
    # well below A the queue's own growth dominates: (10 - 8) · 1800 / 16 = 225 s
    assert asa[8.0] == pytest.approx(225.0)
    assert (np.diff(asa.to_numpy()) <= 1e-9).all()  # more agents never wait longer
    assert roster["overloaded"].tolist() == (agents <= 10).tolist()


def test_service_for_roster_reads_plain_volumes_as_agents_required_does():
    # aht_s missing was "must be numbers >= 0.001, but received: nan", and a volume_quantile
    # of plain volumes was ignored without a word
    with pytest.raises(ValueError, match="'aht_s' is needed with plain volumes"):
        queueing.service_for_roster([100], scheduled_agents=[10])
    with pytest.raises(ValueError, match="'volume_quantile' needs a forecast frame"):
        queueing.service_for_roster([100], 180, scheduled_agents=[10], volume_quantile=0.9)
