"""Faults found by the second probe of the queueing models and the what-ifs."""

import math

import numpy as np
import pandas as pd
import pytest

import kpikit as kk
from kpikit import queueing
from kpikit.whatif import Scenario, evaluate, staffing_plan


@pytest.mark.parametrize(
    "call",
    [
        lambda: queueing.erlang_c([True, 3], 5),  # read as traffic [1, 3]
        lambda: queueing.erlang_c(3, [5, False]),  # read as agents [5, 0]
        lambda: queueing.service_level((100, False), 180, 14),
        lambda: queueing.agents_required([100, True], 180, target_sl=80),
        lambda: queueing.chat(100, [180, True], 14, concurrency=2),  # a chat of 1 s
        lambda: queueing.scheduled_agents([14, np.True_], 0.3),
    ],
)
def test_a_bool_inside_a_list_is_refused_not_read_as_0_or_1(call):
    # NumPy reads [True, 3] as [1, 3]: erlang_c([True, 3], 5) gave [0.0038, 0.2362], the
    # figures of 1 and 3 Erlangs, where a bool alone is refused
    with pytest.raises(TypeError, match="a number or numbers, but received: .*(True|False)"):
        call()


def test_a_none_inside_a_list_is_named_not_shown_as_nan():
    # [1, None] became [1, nan]: "must be numbers ... but received: nan", a value never given
    with pytest.raises(TypeError, match=r"received: \[1, None\] \(list\)"):
        queueing.erlang_c([1, None], 5)


def test_a_bool_inside_a_list_is_refused_by_a_scenario():
    # Scenario(volume=[True, 3]) planned 1 and 3 contacts
    with pytest.raises(TypeError, match=r"'volume' must be numbers.*\[True, 3\]"):
        Scenario(volume=[True, 3], aht_s=180)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        # 3 minutes read as 3 s: 100 calls of 3 s on 14 agents, a service level of 100 %
        (lambda: queueing.service_level(100, np.timedelta64(3, "m"), 14), "aht_s"),
        (
            lambda: queueing.erlang_a(
                100, pd.Series(pd.to_timedelta([180], "s")), 14, patience_s=60
            ),
            "aht_s",
        ),
        # 2020-01-01 read as 18,262 days since 1970: erlang_c gave 1.0
        (lambda: queueing.erlang_c(np.datetime64("2020-01-01"), 5), "traffic"),
    ],
)
def test_dates_and_durations_are_refused_not_read_as_numbers(call, name):
    with pytest.raises(TypeError, match=f"Value of '{name}' must be a number or numbers"):
        call()


def test_a_float32_shrinkage_schedules_as_the_decimal_it_shows():
    # 14 on the phones at 30 % shrinkage: 14 / (1 - 0.3) = 20 scheduled. np.float32(0.3) is
    # 0.30000001192..., and 14 / 0.69999998808 = 20.0000003 was rounded up to 21
    shrinkage = np.float32(0.3)
    assert queueing.scheduled_agents(np.float32(14), shrinkage) == 20
    assert queueing.scheduled_agents([14, 7], np.float32([0.3, 0.3])).tolist() == [20, 10]
    plan = queueing.agents_required(100, 180, target_sl=80, threshold_s=20, shrinkage=shrinkage)
    assert plan["scheduled_agents"].tolist() == [20]  # 14 on the phones (88.8 %), as above
    scenario = Scenario(volume=100, aht_s=180, shrinkage=shrinkage)
    assert scenario.shrinkage == 0.3
    assert evaluate(scenario).value("scheduled_agents") == 20.0


def test_float32_inputs_of_a_scenario_are_the_decimals_they_show():
    scenario = Scenario(
        volume=np.float32([100]), aht_s=np.float32(180.1), patience_s=np.float32(60.1)
    )
    assert scenario.aht_s.tolist() == [180.1] and scenario.patience_s == 60.1


def test_a_scenario_staffed_to_its_target_reports_what_its_agents_serve():
    # With kk.options.sl_denominator = "answered", the scenario was staffed to 80 % of
    # answered contacts (10 agents: 85.2 % of answered, 71.8 % of offered) but reported that
    # 85.2 as "answered within 20 s / offered"; the same 10 agents given as fixed agents
    # reported 71.8 %. Service level over offered contacts (Erlang A, 10 Erlangs, patience
    # 60 s, figures of queueing.queue_metrics): 11 agents 79.65 %, 12 agents 86.03 %, so the
    # target of 80 % needs 12 whatever the option.
    with kk.options.context(sl_denominator="answered"):
        staffed = evaluate(Scenario(volume=100, aht_s=180, patience_s=60, target_sl=80))
        fixed = evaluate(Scenario(volume=100, aht_s=180, patience_s=60, agents=12))
    curve = queueing.queue_metrics(100, 180, [11, 12], threshold_s=20, patience_s=60)
    assert curve["service_level"].round(2).tolist() == [79.65, 86.03]
    assert staffed.value("agents") == 12.0
    assert staffed.value("service_level") == pytest.approx(fixed.value("service_level"), abs=1e-9)
    assert staffed.value("service_level") == pytest.approx(curve["service_level"][1], abs=1e-9)


def test_a_day_plan_marks_short_the_roster_below_its_target_whatever_the_option():
    # Same queue as above, two half hours of 100 calls, rosters of 11 and 12 on the phones:
    # 11 serve 79.65 % of offered contacts, below 80 %, so the first is short. The target
    # is crossed at 11 + (80 - 79.652271) / (86.030066 - 79.652271) = 11.0545 agents.
    # With sl_denominator="answered" the requirement was 10 (85.2 % of answered) while the
    # roster's service level was over offered: 79.65 % shown, and not marked short.
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 100.0],
            "aht_s": 180.0,
        }
    )
    with kk.options.context(sl_denominator="answered"):
        plan = staffing_plan(frame, staffed=[11, 12], patience_s=60)
    assert plan["required"].tolist() == [12, 12]
    assert plan["fractional_required"].round(4).tolist() == [11.0545, 11.0545]
    assert plan["short"].tolist() == [True, False]
    assert plan["service_level"].round(2).tolist() == [79.65, 86.03]
    assert not math.isnan(plan["gap"][0])
