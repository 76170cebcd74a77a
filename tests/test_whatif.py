"""Tests of kpikit.whatif: scenarios, roll-ups, labelled assumptions, calibration from data."""

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest
from fixtures import zoned_hourly_log

import kpikit as kk
from kpikit import queueing, whatif
from kpikit.whatif import Assumptions, Scenario, compare, evaluate


def test_assumptions_are_described_and_overridable():
    table = Assumptions().describe()
    assert table.set_index("name").loc["csat_points_per_30s_wait", "value"] == 2.5
    assert table["source"].str.contains("Call center KPIs for outsourcing").all()
    custom = Assumptions(csat_points_per_30s_wait=3.0)
    assert custom.describe().set_index("name").loc["csat_points_per_30s_wait", "value"] == 3.0


def test_single_interval_by_hand():
    result = evaluate(Scenario(volume=100, aht_s=180, cost_per_agent_hour=30))
    # 80 % in 20 s needs 14 agents for A = 10 (13 give 79.6 %)
    assert result.value("agents") == 14
    assert result.value("service_level") == pytest.approx(queueing.service_level(100, 180, 14))
    assert result.value("asa") == pytest.approx(queueing.asa(100, 180, 14))
    # 14 agents * 0.5 h * 30 = 210; / 100 answered (Erlang C: nobody abandons)
    assert result.value("cost") == pytest.approx(210)
    assert result.value("cost_per_contact") == pytest.approx(2.1)
    assert math.isnan(result.value("abandonment_rate"))
    summary = result.summary.set_index("metric")
    assert summary.loc["abandonment_rate", "note"] == "not modelled: give patience_s"
    assert summary.loc["csat", "basis"] == "assumption"
    assert math.isnan(result.value("csat"))  # nothing measured to project from
    with pytest.raises(ValueError, match="Expected one of"):
        result.value("sl")


def test_rollups_weight_each_ratio_by_its_denominator():
    scenario = Scenario(
        volume=[40, 0, 250],
        aht_s=[200, 200, 300],
        patience_s=120,
        target_sl=80,
        cost_per_agent_hour=20,
        shrinkage=0.2,
    )
    result = evaluate(scenario)
    rows = result.intervals
    assert rows.loc[1, "agents"] == 0 and math.isnan(rows.loc[1, "service_level"])
    volume, answered = rows["volume"], rows["answered"]
    # answered = volume * (1 - abandonment)
    np.testing.assert_allclose(answered, volume * (1 - rows["abandonment_rate"].fillna(0) / 100))
    sl = (rows["service_level"] * volume).sum(min_count=1) / volume.sum()
    asa = (rows["asa"] * answered).sum() / answered.sum()
    handled = volume * rows["aht_s"] / 1800 * (1 - rows["abandonment_rate"].fillna(0) / 100)
    assert result.value("service_level") == pytest.approx(sl)
    assert result.value("asa") == pytest.approx(asa)
    assert result.value("occupancy") == pytest.approx(100 * handled.sum() / rows["agents"].sum())
    # scheduled = ceil(agents / 0.8); paid hours = scheduled * 0.5 h; cost at 20 an hour
    assert result.value("agent_hours") == pytest.approx(rows["scheduled_agents"].sum() * 0.5)
    assert result.value("cost_per_contact") == pytest.approx(
        result.value("agent_hours") * 20 / answered.sum()
    )


@pytest.mark.parametrize(
    ("volume", "agents", "occupancy", "overloaded"),
    [
        # 200 contacts * 180 s / 1800 s = 20 Erlangs on 10 agents: busy min(20, 10) = 10 of 10
        # (was 200: traffic / agents without the cap)
        (200, 10, 100.0, [True]),
        # 10 Erlangs on 14 agents (busy 10), 20 on 10 (busy 10): 100 (10 + 10) / (14 + 10)
        # (was 125)
        ([100, 200], [14, 10], 100 * 20 / 24, [False, True]),
    ],
)
def test_occupancy_counts_only_the_time_agents_can_be_busy(volume, agents, occupancy, overloaded):
    result = evaluate(Scenario(volume=volume, aht_s=180, agents=agents))
    assert result.value("occupancy") == pytest.approx(occupancy)
    assert result.intervals["overloaded"].tolist() == overloaded
    note = result.summary.set_index("metric").loc["occupancy", "note"]
    assert f"1 of {len(overloaded)} intervals overloaded (traffic >= agents)" in note


def test_only_a_queue_nobody_leaves_is_overloaded():
    # infinite patience is Erlang C: 20 Erlangs on 10 agents grow a queue (occupancy 10 / 10)
    patient = evaluate(Scenario(volume=200, aht_s=180, agents=10, patience_s=math.inf))
    assert patient.intervals["overloaded"].tolist() == [True]
    assert patient.value("occupancy") == 100.0
    # callers who hang up keep the queue finite: no interval overloaded, no note
    leaving = evaluate(Scenario(volume=200, aht_s=180, agents=10, patience_s=60))
    assert leaving.intervals["overloaded"].tolist() == [False]
    note = leaving.summary.set_index("metric").loc["occupancy", "note"]
    assert note == "handling time / time on the phones"


def test_csat_projection_follows_the_assumptions():
    scenario = Scenario(
        volume=100, aht_s=180, agents=12, csat=80.0, fcr=70.0, reference_asa_s=10.0, fcr_change=2.0
    )
    result = evaluate(scenario)
    asa = queueing.asa(100, 180, 12)
    # 80 - 2.5 * (ASA - 10) / 30 + 1.0 * 2 FCR points
    assert result.value("csat") == pytest.approx(80 - 2.5 * (asa - 10) / 30 + 2)
    assert result.value("fcr") == 72.0
    harsher = evaluate(scenario, Assumptions(csat_points_per_30s_wait=3.0))
    assert harsher.value("csat") == pytest.approx(80 - 3.0 * (asa - 10) / 30 + 2)
    overloaded = evaluate(dataclasses.replace(scenario, agents=10))  # unstable: ASA infinite
    # no projection to an infinite ASA (the rule's -inf was kept at 0 %)
    assert overloaded.value("asa") == math.inf and math.isnan(overloaded.value("csat"))
    slow = evaluate(dataclasses.replace(scenario, agents=11))
    assert "where satisfaction drops faster" in slow.summary.set_index("metric").loc["csat", "note"]


def test_compare_aht_cut():
    base = Scenario(volume=100, aht_s=180, cost_per_agent_hour=30, csat=80.0)
    table = compare(base, base.adjust(aht_s=-30)).set_index("metric")
    assert list(table.columns) == [
        "unit",
        "basis",
        "base",
        "alternative",
        "difference",
        "change_pct",
        "note",
    ]
    # A falls from 10 to 8.33 Erlangs: 12 agents reach 80 % in 20 s
    assert table.loc["agents", ["base", "alternative"]].tolist() == [14, 12]
    assert table.loc["cost_per_contact", "difference"] == pytest.approx(-2 * 0.5 * 30 / 100)
    # CSAT moves with the ASA difference, from the base's own ASA
    asa = table.loc["asa"]
    assert table.loc["csat", "difference"] == pytest.approx(-2.5 * asa["difference"] / 30)
    assert table.loc["csat", "basis"] == "assumption"


def test_fixed_agents_and_adjust():
    base = Scenario(volume=[90, 110], aht_s=180, agents=[13, 15], labels=["09:00", "09:30"])
    fewer = base.adjust(agents=-1, volume_pct=10)
    assert fewer.agents.tolist() == [12, 14]
    assert fewer.volume.tolist() == pytest.approx([99, 121])
    assert fewer.name == "scenario, volume +10 %, agents -1"
    result = evaluate(fewer)
    assert result.intervals["label"].tolist() == ["09:00", "09:30"]
    assert result.value("service_level") < evaluate(base).value("service_level")
    with pytest.raises(ValueError, match="only change a scenario with fixed agents"):
        Scenario(volume=100, aht_s=180).adjust(agents=1)
    with pytest.raises(ValueError, match="must name each of the 2 intervals"):
        Scenario(volume=[1, 2], aht_s=180, labels=["a"])


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        # percents were clipped: csat 150 projected 100, fcr -20 projected 0
        ("csat", 150.0, "'csat' must be a finite number >= 0 and <= 100"),
        ("fcr", -20.0, "'fcr' must be a finite number >= 0 and <= 100"),
        # the staffing targets in agents_required's ranges: 100 % and 0.5 % failed in evaluate
        ("target_sl", 180, r"'target_sl' is a percent .* must be in \[1, 100\)"),
        ("target_sl", 100, r"'target_sl' is a percent .* must be in \[1, 100\)"),
        ("target_sl", 0.5, r"'target_sl' is a percent .* must be in \[1, 100\)"),
        ("max_occupancy", 0.5, r"'max_occupancy' is a percent .* must be in \[1, 100\]"),
        ("max_abandon", math.nan, "'max_abandon' must be a finite number > 0 and <= 100"),
        ("fcr_change", 500, "'fcr_change' must be a finite number >= -100 and <= 100"),
        # a negative cost gave a cost of -210
        ("cost_per_agent_hour", -30, "'cost_per_agent_hour' must be a finite number >= 0"),
        ("cost_per_agent_hour", math.inf, "'cost_per_agent_hour' must be a finite number >= 0"),
        # 10**30 s was an OverflowError in the roll-up
        ("interval_s", 10**30, "'interval_s' must be a finite number >= 0.001 and <= 86400"),
        ("interval_s", 0, "'interval_s' must be a finite number >= 0.001"),
        ("threshold_s", -1, "'threshold_s' must be a finite number >= 0"),
        ("target_asa_s", math.inf, "'target_asa_s' must be a finite number > 0"),
        ("patience_s", 0, "'patience_s' must be a finite number >= 0.001"),
        ("patience_s", math.nan, "'patience_s' must be a finite number >= 0.001"),
        ("reference_asa_s", -5, "'reference_asa_s' must be a finite number >= 0"),
        # shrinkage: one number, under queueing's rule (the message agents_required gives)
        ("shrinkage", 1.0, r"'shrinkage' is a fraction in \[0, 1\) \(0.3 means 30 %\)"),
        ("shrinkage", -0.1, "'shrinkage' must be numbers >= 0, but received: -0.1"),
        ("shrinkage", math.nan, "'shrinkage' must be a finite number"),
        (
            "volume",
            [10, -5, math.nan],
            r"'volume' must be finite numbers >= 0, .* 2 of 3 are not "
            r"\(first positions: 1, 2; values: -5.0, nan\)",
        ),
        ("volume", [], "'volume' must hold at least one interval"),
        # 10**400 (a Python int beyond a float) was a TypeError "must be numbers ... (object)"
        ("volume", [10**400], r"'volume' must be numbers within the range of a float"),
        ("agents", [14, 10**400], r"'agents' must be numbers within the range of a float"),
        ("aht_s", [180, 0], r"'aht_s' must be finite numbers >= 0.001, .* 1 of 2 are not"),
        # the queueing models' shortest time (0.001 s), refused here rather than at evaluate()
        ("aht_s", [180, 1e-4], r"'aht_s' must be finite numbers >= 0.001, .* 1 of 2 are not"),
        ("interval_s", 1e-4, r"'interval_s' must be a finite number >= 0.001"),
        ("patience_s", 1e-4, r"'patience_s' must be a finite number >= 0.001"),
        ("aht_s", [180, 180, 180], r"'aht_s' must be one number or 2 \(one per interval\)"),
        ("agents", [14, 2.5], r"'agents' must be finite whole numbers >= 0, .* 1 of 2"),
    ],
)
def test_scenario_refuses_values_out_of_range(field, value, expected):
    fields = {"volume": [100, 120], "aht_s": 180, field: value}
    with pytest.raises(ValueError, match=expected):
        Scenario(**fields)


@pytest.mark.parametrize("shrinkage", [1.0, 2, -0.1])
def test_scenario_refuses_the_shrinkage_queueing_refuses_in_its_words(shrinkage):
    # What-if had a copy of the rule; a scenario now says what the staffing functions say.
    messages = []
    for refuse in (
        lambda: Scenario(volume=100, aht_s=180, shrinkage=shrinkage),
        lambda: queueing.agents_required(100, 180, target_sl=80, shrinkage=shrinkage),
        lambda: queueing.scheduled_agents(14, shrinkage),
        lambda: queueing.service_for_roster(100, 180, scheduled_agents=14, shrinkage=shrinkage),
    ):
        with pytest.raises(ValueError) as error:
            refuse()
        messages.append(str(error.value))
    assert len(set(messages)) == 1 and messages[0].startswith("Value of 'shrinkage'")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cost_per_agent_hour", "abc"),  # was numpy's UFuncTypeError in the cost
        ("csat", "80"),
        ("interval_s", True),
        ("shrinkage", None),
        ("volume", "100"),
        ("aht_s", [180, None]),
        ("agents", [True, False]),
    ],
)
def test_scenario_refuses_values_of_a_wrong_type(field, value):
    with pytest.raises(TypeError, match=f"Value of '{field}' must be"):
        Scenario(**{"volume": 100, "aht_s": 180, field: value})


@pytest.mark.parametrize("change", ["volume_pct", "aht_s", "agents", "fcr_change"])
@pytest.mark.parametrize("value", ["30", None, True, [10, 20]])
def test_adjust_refuses_a_change_that_is_not_a_number(change, value):
    # aht_s="30" was "Unknown format code 'g' for object of type 'str'"; True was +1
    scenario = Scenario(volume=100, aht_s=180, agents=14)
    expected = (
        rf"Value of '{change}' must be a (whole )?number but received: {re.escape(repr(value))}"
    )
    with pytest.raises(TypeError, match=expected):
        scenario.adjust(**{change: value})


@pytest.mark.parametrize(
    ("change", "value", "expected"),
    [
        ("volume_pct", -150, "'volume_pct' must be a finite number >= -100 but received: -150"),
        ("aht_s", math.nan, "'aht_s' must be a finite number but received: nan"),
        ("agents", 1.5, "'agents' must be a finite whole number but received: 1.5"),
        ("fcr_change", math.inf, "'fcr_change' must be a finite number but received: inf"),
    ],
)
def test_adjust_refuses_a_change_out_of_range(change, value, expected):
    with pytest.raises(ValueError, match=re.escape(expected)):
        Scenario(volume=100, aht_s=180, agents=14).adjust(**{change: value})


def test_scenario_keeps_its_unset_values():
    # NaN cost means unknown (the default); infinite patience is nobody hanging up
    scenario = Scenario(volume=100, aht_s=180, cost_per_agent_hour=math.nan, patience_s=math.inf)
    assert math.isnan(scenario.cost_per_agent_hour) and scenario.patience_s == math.inf
    with pytest.raises(ValueError, match="'aht_s' must be finite numbers >= 0.001"):
        scenario.adjust(aht_s=-180)  # 180 - 180 s: no handle time left
    with pytest.raises(ValueError, match="'csat_points_per_30s_wait' must be a finite number"):
        Assumptions(csat_points_per_30s_wait=-1.0)


def test_evaluate_and_compare_name_what_is_not_a_scenario():
    scenario = Scenario(volume=100, aht_s=180)
    with pytest.raises(TypeError, match=r"Value of 'scenario' must be a Scenario, but .*'x'"):
        evaluate("x")
    with pytest.raises(TypeError, match="Value of 'base' must be a Scenario or an Evaluation"):
        compare(None, scenario)
    with pytest.raises(TypeError, match="Value of 'alternative' must be a Scenario or an Eval"):
        compare(scenario, "x")
    with pytest.raises(TypeError, match="Value of 'assumptions' must be an Assumptions"):
        evaluate(scenario, {"wait_knee_s": 60})
    with pytest.raises(ValueError, match="Value of 'reference_asa_s' must be a finite number"):
        evaluate(scenario, reference_asa_s=-1)


@pytest.fixture
def dataset():
    """Two Mondays of phone calls (one chat contact to be left out), agents and costs."""
    contacts = pd.DataFrame(
        {
            "contact_id": range(5),
            "arrived_at": pd.to_datetime(
                [
                    "2024-01-01 09:05",
                    "2024-01-01 09:20",
                    "2024-01-08 09:10",
                    "2024-01-08 10:15",
                    "2024-01-08 09:00",
                ]
            ),
            "answered": [True, False, True, True, True],
            "wait_s": [20.0, 60.0, 10.0, 30.0, 5.0],
            "channel": ["phone", "phone", "phone", "phone", "chat"],
            "talk_s": [200.0, 0.0, 300.0, 250.0, 100.0],
            "acw_s": [40.0, 0.0, 20.0, 10.0, 0.0],
            "csat": [5.0, None, 3.0, 4.0, 1.0],
            "customer_id": ["a", "b", "c", "d", "e"],
            "reason": ["x", "x", "x", "x", "x"],
        }
    )
    agent_intervals = pd.DataFrame(
        {
            "agent_id": ["u", "v"],
            "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:00"]),
            "paid_s": [1800.0, 1800.0],
            "handling_s": [900.0, 700.0],
            "available_s": [600.0, 500.0],
        }
    )
    costs = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01"]), "cost": [40.0]})
    return kk.Dataset(contacts=contacts, agent_intervals=agent_intervals, costs=costs)


def test_scenario_from_data(dataset):
    scenario = whatif.scenario_from_data(dataset, interval="hour")
    assert len(scenario.volume) == 7 * 24  # Monday .. Monday covers every weekday
    monday_nine = scenario.labels.index("Mon 09:00")
    # phone only: 3 calls in the 09:00 hour over 2 Mondays; AHT (240 + 320) / 2 answered
    assert scenario.volume[monday_nine] == 1.5
    assert scenario.aht_s[monday_nine] == 280.0
    # hours without an answered call take the overall AHT (240 + 320 + 260) / 3
    assert scenario.aht_s[scenario.labels.index("Tue 09:00")] == pytest.approx(820 / 3)
    # patience: (20 + 60 + 10 + 30) s queued / 1 abandon
    assert scenario.patience_s == 120.0
    # shrinkage 1 - (1600 + 1100) / 3600; cost 40 / 1 paid hour
    assert scenario.shrinkage == pytest.approx(0.25)
    assert scenario.cost_per_agent_hour == pytest.approx(40.0)
    # CSAT of phone answers: 5, 3, 4 -> 2 of 3 in the top two boxes; ASA (20 + 10 + 30) / 3
    assert scenario.csat == pytest.approx(200 / 3)
    assert scenario.reference_asa_s == pytest.approx(20.0)
    assert evaluate(scenario).value("contacts") == 2.0  # 4 phone calls over 2 Mondays
    with pytest.raises(ValueError, match=r"Expected one of \['chat', 'phone'\]"):
        whatif.scenario_from_data(dataset, channel="fax")


def test_sample_data_aht_cut():
    """Done-when of issue 4: AHT -30 s on the sample data shows agents, SL, cost, CSAT."""
    base = whatif.scenario_from_data(kk.load_sample())
    table = compare(base, base.adjust(aht_s=-30)).set_index("metric")
    assert table.loc["aht", "difference"] == pytest.approx(-30, abs=0.1)
    assert table.loc["agent_hours", "difference"] < 0
    assert table.loc["cost_per_contact", "difference"] < 0
    assert table.loc["service_level", "alternative"] >= 80 - 1e-9
    assert np.isfinite(table.loc["csat", ["base", "alternative"]].astype(float)).all()
    assert table.loc["csat", "basis"] == "assumption"


def test_scenario_from_data_without_csat_or_fcr_columns():
    # no csat, customer_id or reason column: CSAT and FCR stay unknown, ASA is still measured
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "answered": [True, True, False],
            "wait_s": [10.0, 30.0, 50.0],
            "arrived_at": pd.to_datetime(
                ["2024-01-01 09:05", "2024-01-01 09:20", "2024-01-01 09:40"]
            ),
            "talk_s": [200.0, 300.0, 0.0],
        }
    )
    scenario = whatif.scenario_from_data(contacts, interval="hour")
    assert scenario.csat is None and scenario.fcr is None
    assert scenario.reference_asa_s == pytest.approx(20.0)  # (10 + 30) / 2 answered


# --------------------------------------------------------------------------- thresholds


def test_threshold_defaults_follow_the_options(dataset):
    # No threshold given: the phone threshold of kk.options (20 s), or the channel's.
    assert Scenario(volume=100, aht_s=180).threshold_s == 20.0
    assert whatif.scenario_from_data(dataset, interval="hour").threshold_s == 20.0
    assert whatif.scenario_from_data(dataset, interval="hour", channel="chat").threshold_s == 30.0
    with kk.options.context(sl_threshold_s={"phone": 15}):
        assert Scenario(volume=100, aht_s=180).threshold_s == 15.0
        assert Scenario(volume=100, aht_s=180, threshold_s=25).threshold_s == 25


# --------------------------------------------------------------------------- a day's plan


def weekly_log(weeks=6, extra_on_last=0):
    """Contacts from Monday 2024-01-01: on day d (0, 1, ...) d + 1 calls at 09:00-09:30,
    answered after 5 s with 200 s of talk; ``extra_on_last`` more on the last day."""
    rows = []
    days = 7 * weeks
    for day in range(days):
        calls = day + 1 + (extra_on_last if day == days - 1 else 0)
        for call in range(calls):
            rows.append(
                pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=day, seconds=10 * call)
            )
    return pd.DataFrame(
        {
            "contact_id": range(len(rows)),
            "arrived_at": rows,
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 200.0,
        }
    )


def test_forecast_day_learns_only_before_the_day():
    log = weekly_log()  # 42 days, 2024-01-01 .. 2024-02-11
    day = pd.Timestamp("2024-02-11")  # day 41, a Sunday
    naive = whatif.forecast_day(log, day, model="seasonal_naive", channel=None)
    nine = naive.intervals.set_index("period").loc[day + pd.Timedelta("9h")]
    # seasonal naive: the same half hour a week before, day 34 with 35 calls; AHT 200 s
    assert nine["volume"] == pytest.approx(35.0)
    assert nine["aht_s"] == pytest.approx(200.0)
    assert len(naive.intervals) == 48 and naive.intervals["period"].min() == day
    # 500 more calls on the day itself change nothing: it is not learned from
    busier = whatif.forecast_day(weekly_log(extra_on_last=500), day, model="seasonal_naive")
    assert busier.intervals["volume"].tolist() == naive.intervals["volume"].tolist()
    # default: the day after the log (day 42, a Monday); six weeks of history: the seasonal
    # average of the four Mondays before, days 35, 28, 21, 14: (36 + 29 + 22 + 15) / 4 = 25.5
    following = whatif.forecast_day(log)
    assert following.intervals["period"].min() == pd.Timestamp("2024-02-12")
    assert following.chosen["model"].unique().tolist() == ["seasonal_average"]
    monday = following.intervals.set_index("period").loc[pd.Timestamp("2024-02-12 09:00")]
    assert monday["volume"] == pytest.approx(25.5)
    with pytest.raises(ValueError, match="No contact before 2023-12-01"):
        whatif.forecast_day(log, "2023-12-01")


def test_plan_days():
    log = weekly_log(weeks=1)
    days = whatif.plan_days(log, last=3)
    # the last three days of the log (Jan 5-7), then the day after (Jan 8)
    assert [f"{day:%d}" for day in days] == ["05", "06", "07", "08"]


def test_roster_for_day_moves_last_week_forward():
    log = weekly_log(weeks=2)
    # agents on 2024-01-08 only: two agents in 09:00 (one handling 1800 s, one available 900)
    agent_intervals = pd.DataFrame(
        {
            "agent_id": ["a", "b"],
            "interval_start": pd.to_datetime(["2024-01-08 09:00", "2024-01-08 09:00"]),
            "paid_s": 1800.0,
            "handling_s": [1800.0, 0.0],
            "available_s": [0.0, 900.0],
        }
    )
    data = kk.Dataset(contacts=log, agent_intervals=agent_intervals)
    staffed, source = whatif.roster_for_day(data, "2024-01-08", channel=None)
    assert source == "agent intervals of 2024-01-08"
    assert staffed.to_dict() == {pd.Timestamp("2024-01-08 09:00"): 1.5}  # (1800 + 900) / 1800
    staffed, source = whatif.roster_for_day(data, "2024-01-15", channel=None)
    assert source == "agent intervals of 2024-01-08, a week before"
    assert staffed.to_dict() == {pd.Timestamp("2024-01-15 09:00"): 1.5}
    assert whatif.roster_for_day(data, "2024-01-10", channel=None)[0] is None
    assert whatif.roster_for_day(kk.Dataset(contacts=log), "2024-01-08")[0] is None


def test_roster_for_the_day_after_counts_channel_shares_once(monkeypatch):
    # The day after the data has no agent intervals: its channel shares were counted in vain
    # before the week before's were (half of the roster's time on the sample).
    import kpikit.monitor._plan as plan

    log = weekly_log(weeks=2).assign(channel="phone", agent_id="a")
    agent_intervals = pd.DataFrame(
        {
            "agent_id": ["a"],
            "interval_start": pd.to_datetime(["2024-01-08 09:00"]),
            "paid_s": 1800.0,
            "handling_s": 1800.0,
            "available_s": 0.0,
        }
    )
    counted = []
    count = plan._channel_counts
    monkeypatch.setattr(
        plan, "_channel_counts", lambda *a, **k: counted.append(1) or count(*a, **k)
    )
    data = kk.Dataset(contacts=log, agent_intervals=agent_intervals)
    staffed, source = whatif.roster_for_day(data, "2024-01-15", channel="phone")
    assert source == "agent intervals of 2024-01-08, a week before"
    assert staffed.to_dict() == {pd.Timestamp("2024-01-15 09:00"): 1.0}  # agent a: all phone
    assert len(counted) == 1
    # neither day has rows: nothing is counted
    counted.clear()
    assert whatif.roster_for_day(data, "2024-01-10", channel="phone")[0] is None
    assert counted == []


def test_staffing_plan_by_hand():
    # 100 calls per half hour at 180 s: A = 10 Erlangs. Erlang C, 80 % in 20 s: 14 agents
    # (13 give 79.6 %). Rostered: 12, 16, and nobody at 10:00 (the Series lacks it).
    forecast = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 10:00"]),
            "interval_s": 1800.0,
            "volume": [100.0, 100.0, 0.0],
            "aht_s": 180.0,
        }
    )
    staffed = pd.Series([12.0, 16.0], index=forecast["period"][:2])
    plan = whatif.staffing_plan(forecast, staffed=staffed, shrinkage=0.3)
    assert plan["required"].tolist() == [14, 14, 0]
    assert plan["scheduled_required"].tolist() == [20, 20, 0]  # 14 / 0.7
    assert plan["staffed"].tolist() == [12.0, 16.0, 0.0]
    # 13 agents give 79.559 %, 14 give 88.835 %: 80 % is crossed at
    # 13 + (80 - 79.559) / (88.835 - 79.559) = 13.0475 agents, the gap measured from there
    assert plan["fractional_required"][:2].round(4).tolist() == [13.0475, 13.0475]
    assert plan["gap"].round(4).tolist() == [-1.0475, 2.9525, 0.0]  # 12 - 13.0475, 16 - ...
    assert plan["scheduled_gap"].round(3).tolist() == [-1.496, 4.218, 0.0]  # / 0.7
    assert plan["short"].tolist() == [True, False, False]
    # the roster's service: Erlang C with 12 and 16 agents; nothing to measure at 10:00
    assert plan["service_level"][:2].round(1).tolist() == [64.0, 97.1]
    assert math.isnan(plan["service_level"][2])
    totals = whatif.plan_totals(plan)
    # (64.0 + 97.1) / 2 of the 200 calls in time; 1.0475 agents short for half an hour
    assert totals["service_level"] == pytest.approx(
        (queueing.service_level(100, 180, 12) + queueing.service_level(100, 180, 16)) / 2
    )
    assert totals["short_agent_hours"] == pytest.approx(0.5237, abs=1e-4)
    assert totals["short_intervals"] == 1
    assert totals["peak_required"] == 14 and totals["intervals"] == 2
    assert totals["below_target"] == 1 and totals["contacts"] == 200.0
    # the threshold follows kk.options when not given: 40 s needs 13 agents (79.6 % at 20 s)
    with kk.options.context(sl_threshold_s=40):
        relaxed = whatif.staffing_plan(forecast, staffed=14)
    assert (
        relaxed["required"].tolist()[:2]
        == [queueing.agents_required(100, 180, target_sl=80, threshold_s=40)["raw_agents"].item()]
        * 2
    )
    assert relaxed["service_level"][0] == pytest.approx(
        queueing.service_level(100, 180, 14, threshold_s=40)
    )
    # an Erlang A plan has abandonment; a flat roster staffs the intervals with contacts
    patient = whatif.staffing_plan(forecast, staffed=14, patience_s=120)
    assert "abandonment_rate" in patient.columns
    assert patient["staffed"].tolist() == [14.0, 14.0, 0.0]
    # no roster: an even one, the mean scheduled requirement (20, 20) where there are
    # contacts, 20 * (1 - 0.3) = 14 on the phones
    even = whatif.staffing_plan(forecast, staffed=None, shrinkage=0.3)
    assert even["staffed"].round(9).tolist() == [14.0, 14.0, 0.0]


def test_staffing_plan_reads_the_interval_length_from_the_periods_not_a_default():
    # 200 calls an hour at 180 s: A = 200 * 180 / 3600 = 10 Erlangs, the traffic of
    # test_staffing_plan_by_hand: 14 agents for 80 % in 20 s, 12 give 64.0 %. Read as a half
    # hour (the old default of 1800 s) it was 20 Erlangs: 24 required and 12 overloaded (0 %)
    hour = pd.DataFrame(
        {"period": pd.to_datetime(["2026-03-02 09:00"]), "volume": [200.0], "aht_s": 180.0}
    )
    with pytest.raises(
        ValueError,
        match=r"'forecast' has a single period and no 'interval_s' column, .* add an "
        r"'interval_s' column",
    ):
        whatif.staffing_plan(hour, staffed=[12])
    given = whatif.staffing_plan(hour.assign(interval_s=3600.0), staffed=[12])
    assert given["required"].tolist() == [14]
    assert given["service_level"].round(1).tolist() == [64.0]
    # two hourly periods: 3600 s apart, so hours (was refused with "give interval_s=3600",
    # an argument staffing_plan does not take)
    hours = pd.concat([hour, hour.assign(period=pd.Timestamp("2026-03-02 10:00"))])
    plan = whatif.staffing_plan(hours, staffed=[12, 16])
    assert plan["interval_s"].tolist() == [3600.0, 3600.0]
    assert plan["required"].tolist() == [14, 14]
    assert plan["service_level"].round(1).tolist() == [64.0, 97.1]  # Erlang C, 12 and 16


def test_forecast_day_of_a_zoned_log_plans_the_23_hours_of_the_spring_change():
    # Paris skips 02:00 on 2024-03-31: the day has 23 hours. Two contacts every hour of the five
    # weeks before, so the naive model's last week gives 2 an hour (zoned times were compared
    # with a naive midnight: a raw TypeError).
    day = whatif.forecast_day(
        zoned_hourly_log(last_day="2024-03-30"),
        "2024-03-31",
        channel=None,
        freq="hour",
        model="seasonal_naive",
        targets=("volume",),
    )
    assert day.intervals["period"].dt.hour.tolist() == [0, 1, *range(3, 24)]
    assert day.intervals["volume"].tolist() == [2.0] * 23


def test_an_interval_without_contacts_reads_alike_staffed_or_not():
    # volume 0 then 10 calls of 180 s per 30 min (1 Erlang) on 3 agents. Given agents, the
    # empty interval read service level 100 % and ASA 0 s while staffing to a target read NaN:
    # no contact, a zero denominator, so NaN both ways; its 3 idle agents are busy 0 % of the time
    given = evaluate(Scenario(volume=[0, 10], aht_s=180, agents=[3, 3])).intervals
    staffed = evaluate(Scenario(volume=[0, 10], aht_s=180, target_sl=80)).intervals
    for plan in (given, staffed):
        assert plan.loc[0, ["service_level", "asa"]].isna().all()
    assert given.loc[0, "occupancy"] == 0.0 and given.loc[0, "p_wait"] == 0.0
    # the busy interval is untouched: Erlang C with A = 1, n = 3 gives C = 1/11, ASA 180/22 s
    assert given.loc[1, "p_wait"] == pytest.approx(1 / 11)
    assert given.loc[1, "asa"] == pytest.approx(180 / 22)


@pytest.mark.parametrize(
    ("volume", "agents"),
    [
        (200, [5, 25]),  # 20 Erlangs on 5 agents: the base is overloaded, its ASA infinite
        ([0, 0], [[3, 3], [2, 2]]),  # no contact: the base's ASA is NaN (nobody answered)
    ],
)
def test_compare_a_base_without_a_finite_asa(volume, agents):
    # compare passed the base's ASA (inf, or NaN) on as reference_asa_s, which evaluate refused:
    # "Value of 'reference_asa_s' must be a finite number >= 0", a value nobody gave
    base, alternative = (Scenario(volume=volume, aht_s=180, agents=n, csat=80.0) for n in agents)
    csat = compare(base, alternative).set_index("metric").loc["csat"]
    # no ASA to start the rule from: CSAT is not projected (an infinite start gave +inf, kept
    # at 100), and the note says why
    assert math.isnan(csat["alternative"]) and "no ASA to start from" in csat["note"]


def test_a_roster_is_short_exactly_where_it_misses_a_target():
    # 100 calls of 180 s per half hour (A = 10), 80 % in 20 s: 13 agents give 79.559 %,
    # 14 give 88.835 %, so 80 % is reached at 13.0475 agents (see test_staffing_plan_by_hand).
    # 13.5 on the phones answer 79.559 + 0.5 * (88.835 - 79.559) = 84.197 %: not short,
    # although fewer than the whole 14 required; 13 answer 79.559 %: short by 0.0475
    forecast = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "interval_s": 1800.0,
            "volume": 100.0,
            "aht_s": 180.0,
        }
    )
    plan = whatif.staffing_plan(forecast, staffed=[13.5, 13.0])
    assert plan["required"].tolist() == [14, 14]
    assert plan["service_level"].round(3).tolist() == [84.197, 79.559]
    assert plan["short"].tolist() == [False, True]
    totals = whatif.plan_totals(plan)
    assert totals["short_intervals"] == totals["below_target"] == 1
    assert totals["short_agent_hours"] == pytest.approx(0.0475 * 0.5, abs=1e-4)
    # an occupancy cap of 70 % needs 15 agents: occupancy 10/14 = 71.43 % at 14, 10/15 =
    # 66.67 % at 15, the cap reached at 14 + (71.43 - 70) / (71.43 - 66.67) = 14.3 agents.
    # 14.2 answer 88.8 % or more, within the SL target, but are 70.48 % busy: short of the cap
    capped = whatif.staffing_plan(forecast, staffed=[14.2, 14.4], max_occupancy=70)
    assert capped["fractional_required"].round(2).tolist() == [14.3, 14.3]
    assert capped["occupancy"].round(2).tolist() == [70.48, 69.52]
    assert capped["short"].tolist() == [True, False]
    totals = whatif.plan_totals(capped)
    assert (totals["short_intervals"], totals["below_target"]) == (1, 0)


def test_a_plan_for_a_volume_quantile_judges_the_roster_on_that_volume():
    # a 95 % interval of 80 to 120 around 100 calls of 180 s: the 90 % quantile is
    # 100 + 1.2816 · 20 / 1.96 = 113.08 calls, which needs 15 agents. 14 reach 88.8 % on the
    # mean's 100 calls (the figure shown before) but 73.9 % on the 113.08 staffed for
    forecast = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 08:30", "2024-03-04 09:00"]),
            "volume": [0.0, 100.0],
            "volume_low": [0.0, 80.0],
            "volume_high": [0.0, 120.0],
            "aht_s": 180.0,
        }
    )
    plan = whatif.staffing_plan(forecast, staffed=14, volume_quantile=0.9)
    row = plan.iloc[1]
    assert row["volume"] == pytest.approx(113.08, abs=0.01)
    assert (row["required"], row["short"]) == (15, True)
    reached = queueing.service_for_roster(row["volume"], 180, scheduled_agents=14)
    assert row["service_level"] == reached["service_level"].item()
    assert row["service_level"] == pytest.approx(73.87, abs=0.01)
    totals = whatif.plan_totals(plan)
    assert totals["below_target"] == 1 and totals["contacts"] == pytest.approx(113.08, abs=0.01)


def test_an_overloaded_interval_answers_no_more_than_its_agents_handle():
    # 200 calls of 180 s in a half hour on 10 agents: they handle 10 · 1800 / 180 = 100; the
    # cost, 10 agents · 0.5 h · 30 = 150, is 1.50 per answered contact (it said 0.75, counting
    # all 200 as answered). No agent answers nobody: no cost per contact (it said 0.0)
    short = evaluate(Scenario(volume=200, aht_s=180, agents=10, cost_per_agent_hour=30))
    assert short.intervals["answered"].item() == 100.0
    assert short.value("cost_per_contact") == 1.5
    nobody = evaluate(Scenario(volume=200, aht_s=180, agents=0, cost_per_agent_hour=30))
    assert nobody.intervals["answered"].item() == 0.0
    assert math.isnan(nobody.value("cost_per_contact"))
    # enough agents: every offered contact is answered, as before (14 · 0.5 · 30 / 100)
    enough = evaluate(Scenario(volume=100, aht_s=180, agents=14, cost_per_agent_hour=30))
    assert enough.intervals["answered"].item() == pytest.approx(100.0)
    assert enough.value("cost_per_contact") == pytest.approx(2.1)


def test_compare_projects_an_evaluated_alternative_from_the_bases_reference():
    # 14 then 12 agents for 100 calls of 180 s: ASA 7.84 s, then 40.45 s (+32.61 s). At
    # -2.5 CSAT points per 30 s of waiting, the CSAT falls by 2.5 · 32.61 / 30 = 2.717
    # whether the scenarios come evaluated or not. An evaluated alternative kept its own
    # reference (difference 0), and a base evaluated at a reference of 60 s was compared
    # from its scenario's (none: its own ASA), which gave -7.06
    base = Scenario(volume=100, aht_s=180, agents=14, csat=80.0)
    alternative = base.adjust(agents=-2)
    for first, second in [
        (base, alternative),
        (base, evaluate(alternative)),
        (evaluate(base, reference_asa_s=60), alternative),
        (evaluate(base, reference_asa_s=60), evaluate(alternative)),
    ]:
        table = compare(first, second).set_index("metric")
        assert table.loc["asa", "difference"] == pytest.approx(32.609, abs=1e-3)
        assert table.loc["csat", "difference"] == pytest.approx(-2.5 * 32.609 / 30, abs=1e-3)
    assert evaluate(base, reference_asa_s=60).reference_asa_s == 60
    assert evaluate(base).reference_asa_s == pytest.approx(7.836, abs=1e-3)


def test_a_roster_copied_onto_the_autumn_change_staffs_both_passes_of_the_hour():
    # one agent on duty every half hour in Paris, a week of it; Sunday 27 October 2024 has 50
    # half hours, 02:00 and 02:30 twice. Copied from the 20th, the second pass of the hour had
    # nobody (48 of 50 intervals), so a plan showed 0 % service level in it
    zone = "Europe/Paris"
    starts = pd.date_range("2024-10-14", "2024-10-27", freq="30min", tz=zone, inclusive="left")
    contacts = pd.DataFrame(
        {"contact_id": range(len(starts)), "arrived_at": starts, "answered": True, "wait_s": 5.0}
    )
    intervals = pd.DataFrame(
        {"agent_id": "A1", "interval_start": starts, "handling_s": 900.0, "available_s": 900.0}
    )
    data = kk.Dataset(contacts=contacts, agent_intervals=intervals)
    staffed, source = whatif.roster_for_day(data, "2024-10-27", channel=None)
    day = pd.date_range("2024-10-27", "2024-10-28", freq="30min", tz=zone, inclusive="left")
    assert source.startswith("agent intervals of 2024-10-20")
    assert len(day) == 50 and staffed.reindex(day).tolist() == [1.0] * 50
