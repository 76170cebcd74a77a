"""Tests for the trainer's calculator (kk.catalog.calculate) refusing inputs that contradict
each other, and for the type of ``kpi`` in kk.benchmarks. Values are by hand:
NPS = 100 * (promoters - detractors) / responses.
"""

import math

import pytest

import kpikit as kk
from kpikit.catalog import calculate


def test_nps_promoters_and_detractors_are_shares_of_the_responses():
    # The limits are accepted: 100 * 100 / 100 = 100 and 100 * -100 / 100 = -100.
    assert calculate("nps", nps_promoters=100, nps_detractors=0, nps_responses=100) == 100.0
    assert calculate("nps", nps_promoters=0, nps_detractors=100, nps_responses=100) == -100.0
    assert math.isnan(calculate("nps", nps_promoters=0, nps_detractors=0, nps_responses=0))
    refused = [
        (200, 0, 100),  # gave 200
        (0, 1e30, 100),  # gave -1e30
        (60, 50, 100),  # 110 of 100 responses, although NPS 10 looks plausible
        (1, 0, 0),  # a promoter without any response
    ]
    for promoters, detractors, responses in refused:
        with pytest.raises(ValueError, match="'nps' are inconsistent.*more than the"):
            calculate(
                "nps",
                nps_promoters=promoters,
                nps_detractors=detractors,
                nps_responses=responses,
            )


@pytest.mark.parametrize(
    ("kpi_id", "inputs"),
    [
        ("csat", {"csat_satisfied": 5, "csat_responses": 0}),
        ("qa_score", {"qa_points": 3, "qa_evaluated": 0}),
        ("service_level", {"answered_within_threshold": 5, "offered": 4, "short_abandons": 4}),
        ("utilization", {"handling_s": 10, "paid_s": 0}),
    ],
)
def test_a_bounded_kpi_refuses_a_positive_numerator_over_a_zero_denominator(kpi_id, inputs):
    # 5 satisfied of 0 responses is a count above its total, not "no value" (it gave NaN).
    with pytest.raises(ValueError, match="inconsistent: the numerator is .* denominator is 0"):
        calculate(kpi_id, **inputs)


@pytest.mark.parametrize(
    ("kpi_id", "inputs"),
    [
        ("aht", {"talk_s": 100, "hold_s": 0, "acw_s": 0, "answered": 0}),
        ("asa", {"answered_wait_s": 100, "answered": 0}),
    ],
)
def test_time_summed_over_no_answered_contact_is_refused(kpi_id, inputs):
    # Talk and wait are summed over answered contacts: 100 s with none answered cannot happen
    # (it gave NaN, "no value"). Cost over no answered contact and work over no scheduled time
    # happen, and still give NaN.
    with pytest.raises(ValueError, match="inconsistent: the numerator is 100 while the denom"):
        calculate(kpi_id, **inputs)
    assert math.isnan(calculate(kpi_id, **{name: 0 for name in inputs}))
    assert math.isnan(calculate("cost_per_contact", cost=5, answered=0))
    assert math.isnan(calculate("schedule_conformance", handling_s=5, available_s=0, scheduled_s=0))


@pytest.mark.parametrize("kpi", [5, 3.2, True])
def test_benchmarks_names_a_kpi_that_is_neither_text_nor_a_list(kpi):
    with pytest.raises(TypeError, match=f"'kpi'.*received: {kpi}"):
        kk.benchmarks(kpi=kpi)


@pytest.mark.parametrize(
    ("kpi_id", "inputs", "expected"),
    [
        # by hand: 100 * 1e307 / 1e307 = 100; 100 * 1e307 overflowed before dividing (gave inf)
        (
            "service_level",
            {"answered_within_threshold": 1e307, "offered": 1e307, "short_abandons": 0},
            100.0,
        ),
        ("transfer_rate", {"transferred": 1e307, "answered": 1e307}, 100.0),
        # 100 * (1e308 - 0) / 1e308 = 100 (gave inf)
        ("nps", {"nps_promoters": 1e308, "nps_detractors": 0, "nps_responses": 1e308}, 100.0),
    ],
)
def test_large_totals_give_their_value_not_infinity(kpi_id, inputs, expected):
    assert calculate(kpi_id, **inputs) == expected


@pytest.mark.parametrize(
    ("kpi_id", "inputs"),
    [
        ("aht", {"talk_s": 1e308, "hold_s": 1e308, "acw_s": 0, "answered": 1}),  # gave inf
        ("schedule_conformance", {"handling_s": 1e308, "available_s": 1e308, "scheduled_s": 1}),
        ("occupancy", {"handling_s": 1e308, "available_s": 1e308}),  # "they give nan"
        # 100 * 1e308 / 1e-300 s overflows the value itself (AHT over answered = 1e-300 did;
        # a count is now a whole number, and 1e308 s / 1 answered is finite)
        ("schedule_conformance", {"handling_s": 1e308, "available_s": 0, "scheduled_s": 1e-300}),
    ],
)
def test_sums_or_values_beyond_float_range_are_refused(kpi_id, inputs):
    with pytest.raises(ValueError, match=f"Inputs of '{kpi_id}' are too large to compute with"):
        calculate(kpi_id, **inputs)


def test_counts_are_whole_numbers_and_sums_may_have_fractions():
    # Counts of contacts (rule "1 for ...") refuse 12.5; sums of seconds, QA points and cost
    # take it: AHT = 100.5 s / 1 answered = 100.5 s; QA = 170.5 points / 2 evaluated = 85.25
    counts = [name for name, component in kk.catalog.components().items() if component.is_count]
    assert "offered" in counts and "csat_satisfied" in counts and "nps_promoters" in counts
    assert not {"talk_s", "qa_points", "cost", "handling_s"} & set(counts)
    for kpi in kk.catalog.KPI_IDS:
        for item in kk.kpi(kpi).calculator:
            if item.name in counts:
                with pytest.raises(ValueError, match=f"'{item.name}' must be a finite whole"):
                    calculate(kpi, **{item.name: 12.5})
    assert calculate("aht", talk_s=100.5, hold_s=0, acw_s=0, answered=1) == 100.5
    assert calculate("qa_score", qa_points=170.5, qa_evaluated=2) == 85.25
    assert calculate("contacts_offered", offered=12.0) == 12.0  # a whole float is a count
