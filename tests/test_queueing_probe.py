"""Regressions from probing kpikit.queueing, kpikit.whatif and kpikit.scenarios with hostile
input: each test failed (a raw error, a hang, a silent change) before its fix."""

import math

import numpy as np
import pandas as pd
import pytest

from kpikit import SchemaError, queueing, scenarios, whatif
from kpikit.queueing import _search
from kpikit.schema import Dataset


def erlang_c_by_hand(load, agents):
    """Erlang C from Erlang B's recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, written out."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return agents * blocking / (agents - load * (1 - blocking))


# --------------------------------------------------------------------------- queueing


def test_erlang_x_with_endless_patience_is_erlang_c():
    # was IndexError from _chain: a patience of 1e308 s made inf states, cast to a negative int
    result = queueing.erlang_x(100, 180, 14, patience_s=1e308, threshold_s=20)
    # by hand: A = 100 * 180 / 1800 = 10 Erlangs on 14 agents, C = 0.17413;
    # SL = 100 (1 - C exp(-(14 - 10) 20 / 180)) = 88.835 %, ASA = C 180 / 4 = 7.836 s
    p_wait = erlang_c_by_hand(10.0, 14)
    assert result.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert result.service_level == pytest.approx(100 * (1 - p_wait * math.exp(-80 / 180)))
    assert result.asa == pytest.approx(p_wait * 180 / 4, rel=1e-9)
    assert result.p_abandon == pytest.approx(0.0, abs=1e-12)


def test_erlang_x_refuses_lines_beyond_its_states_by_name():
    # was IndexError: lines=1e308 wrapped around in the cast to integers. Callers who hang up
    # never come near 1e308 lines: that is no limit; 10 Erlangs on 9 agents who nobody leaves
    # fill any number of lines, and 1e308 of them are too many to solve
    unlimited = queueing.erlang_x(100, 180, 14, patience_s=60)
    assert queueing.erlang_x(100, 180, 14, patience_s=60, lines=1e308) == unlimited
    with pytest.raises(ValueError, match="capacity 'lines' too large"):
        queueing.erlang_x(100, 180, 9, patience_s=math.inf, lines=1e308)


def test_erlang_x_with_traffic_equal_to_agents_and_no_patience_is_erlang_c():
    # was "needs more than 2,000,000 states ... give finite lines or a shorter patience":
    # 100 calls of 180 s are 1/18 per second, and 10 agents serve 10 * (1/180), one ulp more
    result = queueing.erlang_x(100, 180, 10, patience_s=math.inf, threshold_s=20)
    # by hand: A = 10 Erlangs on 10 agents, Erlang C's queue grows without bound
    assert (result.service_level, result.asa) == (0.0, math.inf)
    assert queueing.service_level(100, 180, 10, threshold_s=20) == 0.0
    with pytest.raises(ValueError, match="within a hair of what the agents serve"):
        queueing.erlang_x(99.999, 180, 10, patience_s=math.inf)


@pytest.mark.parametrize(
    ("bounds", "options", "error", "message"),
    [
        # was read as 0.9
        ((80.0, 120.0), {"volume_quantile": "0.9"}, TypeError, "'volume_quantile' must be a"),
        # was statistics.StatisticsError "p must be in the range 0.0 < p < 1.0"
        ((80.0, 120.0), {"volume_quantile": 0.9, "level": 100}, ValueError, "'level' must be"),
        # was 86.9 contacts for the 90 % quantile of 100: the interval's bounds swapped
        ((120.0, 80.0), {"volume_quantile": 0.9}, ValueError, "upside down"),
    ],
)
def test_risk_aware_staffing_checks_its_quantile_and_interval(bounds, options, error, message):
    frame = pd.DataFrame(
        {"volume": [100.0], "volume_low": [bounds[0]], "volume_high": [bounds[1]], "aht_s": 180}
    )
    with pytest.raises(error, match=message):
        queueing.agents_required(frame, target_sl=80, **options)


@pytest.mark.parametrize(
    "call",
    [
        lambda: queueing.service_level(10**400, 180, 14),
        lambda: queueing.erlang_b(3, 10**5000),
        lambda: queueing.agents_required(100, 180, target_sl=80, shrinkage=10**400),
    ],
)
def test_integers_beyond_a_float_are_refused_by_name(call):
    # was OverflowError "int too large to convert to float" (and a ValueError about digits)
    with pytest.raises(ValueError, match="within the range of a float.*10\\^"):
        call()


def test_chat_takes_a_handle_time_per_open_chat_beside_volumes_per_interval():
    # was ValueError "'volume' of 3 values, 'aht_s' of 2 values": aht_s is per open chat
    volumes = [20, 30, 35]
    together = queueing.chat(volumes, [300, 360], 4, concurrency=2).service_level
    # each interval alone is the reference: the array is only the intervals side by side
    alone = [queueing.chat(v, [300, 360], 4, concurrency=2).service_level for v in volumes]
    np.testing.assert_allclose(together, alone, rtol=1e-12)
    with pytest.raises(ValueError, match="'volume' of 3 values, 'agents' of 2 values"):
        queueing.chat(volumes, [300, 360], [4, 5], concurrency=2)


def test_erlang_a_refuses_a_patience_too_long_for_an_overloaded_queue():
    # was p_wait 0.0 and every other figure NaN: 8 agents for 10 Erlangs, patience 1e22 s
    with pytest.raises(ValueError, match="'patience_s' is too long for the traffic"):
        queueing.erlang_a(100, 180, 8, patience_s=1e22)
    # within range it still computes: almost every caller waits, and with patience far above
    # the wait, 1 - n / A = 1 - 8 / 10 = 20 % of them hang up (the fluid limit)
    result = queueing.erlang_a(100, 180, 8, patience_s=1e12)
    assert result.p_abandon == pytest.approx(0.2, rel=1e-9)


def test_staffing_with_endless_patience_is_erlang_c_staffing():
    # 10 Erlangs, 80 % in 20 s: Erlang C gives SL(13) = 79.6 % and SL(14) = 88.8 %, so 14
    plan = queueing.agents_required(100, 180, target_sl=80, threshold_s=20, patience_s=1e30)
    assert plan["raw_agents"].tolist() == [14]
    assert plan["service_level"].iloc[0] == pytest.approx(
        100 * (1 - erlang_c_by_hand(10.0, 14) * math.exp(-80 / 180)), rel=1e-9
    )
    # only abandonment could be met below the traffic, where such a patience cannot be computed
    with pytest.raises(ValueError, match="'patience_s' is too long"):
        queueing.agents_required(100, 180, max_abandon=30, patience_s=1e30)


def test_a_large_single_interval_with_patience_is_found_without_stepping_each_count(monkeypatch):
    # was a step per agent from 1: 1,000 Erlangs took 800 evaluations, 100,000 Erlangs ran
    # for minutes; leaping then halving takes a few dozen
    calls = []
    meets = _search._Staffing.meets

    def counted(self, rows, agents, blocking):
        calls.append(1)
        return meets(self, rows, agents, blocking)

    monkeypatch.setattr(_search._Staffing, "meets", counted)
    plan = queueing.agents_required(50_000, 36, target_sl=80, threshold_s=20, patience_s=60)
    assert len(calls) < 100
    raw = int(plan["raw_agents"].iloc[0])
    # the answer is the smallest passing count: it meets 80 %, one agent fewer does not
    levels = queueing.erlang_a(50_000, 36, [raw - 1, raw], patience_s=60, threshold_s=20)
    assert levels.service_level[1] >= 80 > levels.service_level[0]


def test_text_numbers_in_object_columns_are_refused():
    # were read as numbers: a pandas object column of "100" gave the service level of 100 calls
    with pytest.raises(TypeError, match="'volume' must be a number or numbers"):
        queueing.service_level(pd.Series(["100", "200"]), 180, 14)
    with pytest.raises(TypeError, match="'volume' must be a number or numbers"):
        queueing.agents_required(pd.DataFrame({"volume": ["100"], "aht_s": [180]}), target_sl=80)


def test_array_errors_count_and_place_the_bad_values():
    # the message named the first bad value only; now how many and where
    with pytest.raises(
        ValueError, match=r"received: nan \(2 of 3 values, first at positions 1, 2\)"
    ):
        queueing.service_level([100, math.nan, -1], 180, 14)


# --------------------------------------------------------------------------- whatif


def test_scenario_refuses_a_cost_beyond_a_float_by_name():
    # was OverflowError from math.isnan(10**400)
    with pytest.raises(ValueError, match="'cost_per_agent_hour'.*10\\^400"):
        whatif.Scenario(volume=100, aht_s=180, cost_per_agent_hour=10**400)


def test_projections_kept_within_0_and_100_say_so():
    # was fcr 100 with the note "measured 70.0, +50 points assumed": 120 clipped silently
    scenario = whatif.Scenario(volume=100, aht_s=180, fcr=70.0, fcr_change=50.0)
    summary = whatif.evaluate(scenario).summary.set_index("metric")
    # by hand: 70 + 50 = 120 points, above 100
    assert summary.loc["fcr", "value"] == 100.0
    assert summary.loc["fcr", "note"].endswith("; the rule gives 120, kept at 100")


PLAN_FRAME = pd.DataFrame(
    {
        "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
        "volume": [100.0, 0.0],
        "aht_s": 180.0,
    }
)


@pytest.mark.parametrize(
    ("staffed", "error", "message"),
    [
        # was read as 12 and 3 agents
        (["12", "3"], TypeError, "'staffed' must be a number or numbers"),
        # was NumPy's "operands could not be broadcast together"
        ([1, 2, 3], ValueError, r"'staffed' must be one number or one per interval \(2\)"),
        # was pandas' "cannot reindex on an axis with duplicate labels"
        (
            pd.Series([12.0, 3.0], index=[PLAN_FRAME["period"][0]] * 2),
            ValueError,
            "'staffed' holds 1 interval starts more than once",
        ),
        # was a roster of nobody (no aware start matches a naive one): service level 0
        (
            pd.Series([12.0, 3.0], index=PLAN_FRAME["period"].dt.tz_localize("Europe/Paris")),
            ValueError,
            "'staffed' .* its index has Europe/Paris: no interval would match",
        ),
    ],
)
def test_staffing_plan_refuses_a_roster_it_cannot_read(staffed, error, message):
    with pytest.raises(error, match=message):
        whatif.staffing_plan(PLAN_FRAME, staffed=staffed)


def test_staffing_plan_matches_a_roster_on_the_same_clock():
    aware = PLAN_FRAME.assign(period=PLAN_FRAME["period"].dt.tz_localize("Europe/Paris"))
    roster = pd.Series([12.0, 3.0], index=aware["period"])
    plan = whatif.staffing_plan(aware, staffed=roster)
    # 10 Erlangs on 12 agents: Erlang C SL = 64.0 % (the staffing_plan docstring's case)
    assert plan["staffed"].tolist() == [12.0, 3.0]
    assert plan["service_level"].round(1).tolist()[0] == 64.0


def test_staffing_plan_names_a_missing_column():
    # was KeyError "['aht_s'] not in index"
    with pytest.raises(ValueError, match=r"'forecast' lacks the columns \['aht_s'\]"):
        whatif.staffing_plan(PLAN_FRAME.drop(columns="aht_s"), staffed=None)


def test_plan_days_checks_last_and_missing_arrivals():
    contacts = pd.DataFrame(
        {
            "arrived_at": pd.to_datetime(["2024-03-01 09:00", "2024-03-02 09:00"]),
            "answered": [True, True],
        }
    )
    # last=0 gave every day (days[-0:] is the whole list)
    with pytest.raises(ValueError, match="'last' must be a finite whole number >= 1"):
        whatif.plan_days(contacts, last=0)
    # a missing arrival gave a day of NaT and a next day of NaT
    missing = contacts.assign(arrived_at=[contacts["arrived_at"][0], pd.NaT])
    with pytest.raises(SchemaError, match="arrived_at: 1 row empty.*first row positions: 1"):
        whatif.plan_days(missing)


@pytest.mark.parametrize(
    ("zone", "day", "next_day"),
    [
        ("Europe/Paris", "2026-10-25", "2026-10-26T00:00:00+01:00"),  # 25 hours
        ("Europe/Paris", "2026-03-29", "2026-03-30T00:00:00+02:00"),  # 23 hours
        ("America/New_York", "2026-11-01", "2026-11-02T00:00:00-05:00"),
        ("America/New_York", "2026-03-08", "2026-03-09T00:00:00-04:00"),
    ],
)
def test_plan_days_next_day_after_a_daylight_saving_day_is_a_midnight(zone, day, next_day):
    # was 24 hours on: 2026-10-25 23:00+01:00 and 2026-03-30 01:00+02:00
    arrived = pd.to_datetime([f"{day} 09:00"]).tz_localize(zone)
    contacts = pd.DataFrame({"arrived_at": arrived, "answered": [True]})
    assert whatif.plan_days(contacts, last=1)[-1].isoformat() == next_day


def test_forecast_day_plans_the_short_day_after_the_log():
    # a log to 2026-03-28 23:30 in Paris: 24 hours on is 2026-03-30 00:30, so the default day
    # was 03-30 and the 23-hour day 03-29 was skipped
    times = pd.date_range("2026-03-14", "2026-03-28 23:30", freq="30min", tz="Europe/Paris")
    contacts = pd.DataFrame(
        {"contact_id": range(len(times)), "arrived_at": times, "answered": True}
    ).assign(wait_s=1.0, talk_s=100.0)
    intervals = whatif.forecast_day(contacts, model="seasonal_naive").intervals
    # by hand: 23 hours of half hours = 46, from midnight (+01:00) to 23:30 (+02:00)
    assert len(intervals) == 46
    assert intervals["period"].iloc[0].isoformat() == "2026-03-29T00:00:00+01:00"


def test_roster_a_week_before_keeps_its_time_of_day_across_daylight_saving():
    # was moved by 168 hours: 09:00 on 2026-10-18 became 08:00 on 2026-10-25 in Paris
    zone = "Europe/Paris"
    # the week before the spring change, on the Paris clock: one agent handling the whole of
    # 01:30, two of 02:00 and three of 09:00: 1, 2 and 3 agents on the phones
    starts = ["2026-03-22 01:30"] + ["2026-03-22 02:00"] * 2 + ["2026-03-22 09:00"] * 3
    data = Dataset(
        contacts=pd.DataFrame(
            {"arrived_at": pd.to_datetime(["2026-03-20 09:00"]).tz_localize(zone)}
        ).assign(answered=True),
        agent_intervals=pd.DataFrame(
            {
                "agent_id": ["a", "a", "b", "a", "b", "c"],
                "interval_start": pd.to_datetime(starts).tz_localize(zone),
                "paid_s": 1800.0,
                "handling_s": 1800.0,
                "available_s": 0.0,
            }
        ),
    )
    staffed, source = whatif.roster_for_day(data, "2026-03-29")
    assert source == "agent intervals of 2026-03-22, a week before"
    # by hand: 01:30 stays 01:30 (+01:00), 02:00 does not exist on 03-29 (left out), 09:00 is
    # 09:00 in summer time (+02:00)
    assert [moment.isoformat() for moment in staffed.index] == [
        "2026-03-29T01:30:00+01:00",
        "2026-03-29T09:00:00+02:00",
    ]
    assert staffed.tolist() == [1.0, 3.0]


# --------------------------------------------------------------------------- scenarios


FORECAST_FRAME = pd.DataFrame(
    {
        "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
        "volume": [100.0, 50.0],
        "aht_s": 180.0,
        "interval_s": 1800.0,
    }
)


@pytest.mark.parametrize(
    ("intervals", "message"),
    [
        # was a scenario of 1800 s intervals, the second interval's 900 s dropped
        (FORECAST_FRAME.assign(interval_s=[1800.0, 900.0]), "several lengths"),
        # was KeyError 'period'
        (FORECAST_FRAME.drop(columns="period"), "with a 'period' column"),
        # was IndexError "single positional indexer is out-of-bounds"
        (FORECAST_FRAME.iloc[:0], "received 0 rows"),
    ],
)
def test_scenario_from_forecast_refuses_what_it_cannot_plan(intervals, message):
    with pytest.raises(ValueError, match=message):
        scenarios.scenario_from_forecast(intervals)


def test_scenario_from_data_names_a_channel_column_of_mixed_types():
    # was TypeError "'<' not supported between instances of 'int' and 'str'" from sorted();
    # then a list [1, 'phone'] to choose from, though channel=1 is refused for not being a name
    contacts = pd.DataFrame(
        {
            "arrived_at": pd.to_datetime(["2024-03-04 09:05", "2024-03-04 09:10"]),
            "answered": [True, True],
            "wait_s": [10.0, 5.0],
            "talk_s": [100.0, 200.0],
            "channel": ["phone", 1],
        }
    )
    with pytest.raises(
        ValueError,
        match=r"holds 1 distinct value that is not a name \(text\), "
        r"for example 1 \(int64\)",
    ):
        scenarios.scenario_from_data(contacts, channel="email")
