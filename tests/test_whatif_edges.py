"""What-if edges found by a probe: the day plan's target checked, CSAT without an ASA to
project to said so, and an agent hour's cost bounded so that costs stay finite."""

import math

import pandas as pd
import pytest

from kpikit.whatif import Scenario, evaluate, plan_totals, staffing_plan


def two_half_hours():
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 300.0],
            "aht_s": 180.0,
        }
    )
    return staffing_plan(frame, staffed=[12, 40])


@pytest.mark.parametrize("target", [math.nan, math.inf, 150, -5])
def test_plan_totals_refuse_a_target_outside_0_to_100(target):
    # NaN counted no interval below target (every comparison False), 150 both, -5 none
    with pytest.raises(ValueError, match="target_sl"):
        plan_totals(two_half_hours(), target_sl=target)


def test_plan_totals_refuse_a_target_as_text():
    with pytest.raises(TypeError, match="target_sl"):
        plan_totals(two_half_hours(), target_sl="80")


def test_plan_totals_count_the_intervals_below_a_valid_target():
    # 12 agents for 100 calls of 180 s: 64.0 %, below 80; 40 for 300 calls: above
    assert plan_totals(two_half_hours(), target_sl=80)["below_target"] == 1


@pytest.mark.parametrize(
    "scenario",
    [
        Scenario(volume=100, aht_s=180, agents=0, patience_s=60, csat=80, reference_asa_s=20),
        Scenario(volume=0, aht_s=180, csat=80, reference_asa_s=20),
    ],
)
def test_csat_without_an_answered_contact_says_why(scenario):
    # nobody answered (no agent, or no contact): no ASA to project the measured 80 to
    summary = evaluate(scenario).summary.set_index("metric")
    assert math.isnan(summary.loc["csat", "value"])
    assert "no ASA to project to (no contact answered here)" in summary.loc["csat", "note"]


def test_an_agent_hour_beyond_a_billion_is_refused():
    # 1e308 an hour times 7 hours overflowed to an infinite cost
    with pytest.raises(ValueError, match="cost_per_agent_hour"):
        evaluate(Scenario(volume=100, aht_s=180, cost_per_agent_hour=1e308))
    # a billion an hour: 14 agents on the phones for half an hour, 7 hours, 7e9
    assert evaluate(Scenario(volume=100, aht_s=180, cost_per_agent_hour=1e9)).value(
        "cost"
    ) == pytest.approx(7e9)
