"""Faults found probing what-if scenarios, costs and day plans (sixth probe)."""

import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit import whatif


def _phone_log(days=3):
    """One answered call at 09:00 each day from Monday 2024-03-04, and no channel column
    (so every contact is a phone call); one agent handling 900 s and available 900 s in the
    09:00 half hour of each day."""
    arrivals = pd.date_range("2024-03-04 09:00", periods=days, freq="1D")
    contacts = pd.DataFrame(
        {
            "contact_id": range(days),
            "arrived_at": arrivals,
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 100.0,
            "agent_id": "a",
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": "a",
            "interval_start": arrivals,
            "scheduled_s": 1800.0,
            "paid_s": 1800.0,
            "handling_s": 900.0,
            "available_s": 900.0,
            "adherent_s": 1800.0,
        }
    )
    return kk.Dataset(contacts=contacts, agent_intervals=intervals)


# ------------------------------------- a channel the log cannot hold: every contact is a phone


@pytest.mark.parametrize("lazy", [False, True])
def test_a_chat_day_plan_of_a_log_without_channels_is_refused(lazy):
    # Without a channel column the three calls are phone calls (the schema's default): a chat
    # plan had 1 chat a day forecast from them (plan_days listed their days), as
    # scenario_from_data refuses it.
    contacts = _phone_log().contacts
    data = pl.from_pandas(contacts).lazy() if lazy else contacts
    message = "'channel' is 'chat' but the contacts have no channel column"
    with pytest.raises(ValueError, match=message):
        whatif.plan_days(data, channel="chat")
    with pytest.raises(ValueError, match=message):
        whatif.forecast_day(data, channel="chat", freq="hour")
    # the phone (the default channel) and every contact still are: 3 days, then the next
    assert len(whatif.plan_days(data, channel="phone", last=3)) == 4
    assert len(whatif.plan_days(data, channel=None, last=3)) == 4


def test_a_chat_roster_of_a_log_without_channels_is_refused():
    # The one agent handled phone calls only; counted for chat they staffed a chat day.
    data = _phone_log()
    with pytest.raises(ValueError, match="'channel' is 'chat' but the contacts have no channel"):
        whatif.roster_for_day(data, "2024-03-06", channel="chat")
    staffed, _ = whatif.roster_for_day(data, "2024-03-06", channel="phone")
    # by hand: (900 + 900) s on the phones in the 09:00 half hour / 1800 s = 1 agent
    assert staffed.loc[pd.Timestamp("2024-03-06 09:00")] == 1.0


# ------------------------------------------------- a plan's interval given twice, or undated


def _half_hours(periods):
    return pd.DataFrame({"period": periods, "volume": 100.0, "aht_s": 180.0, "interval_s": 1800.0})


def test_a_plan_refuses_an_interval_given_twice():
    # 09:00 twice: 200 calls of 180 s in one half hour are 20 Erlangs, which the one roster of
    # 14 agents cannot serve (overloaded, 0 % in 20 s); each copy was staffed with all 14 and
    # shown at 88.8 %, and plan_totals only then refused the plan.
    twice = _half_hours(pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:00"]))
    roster = pd.Series([14.0], index=pd.to_datetime(["2024-03-04 09:00"]))
    with pytest.raises(
        ValueError, match=r"repeats 1 interval start\(s\) \(first: 2024-03-04 09:00"
    ):
        whatif.staffing_plan(twice, staffed=roster)


def test_a_plan_refuses_an_interval_without_a_start():
    # A missing start staffed a half hour that no roster, total or chart can place.
    undated = _half_hours([pd.NaT, pd.Timestamp("2024-03-04 09:00")])
    with pytest.raises(
        ValueError, match=r"has 1 missing interval start\(s\) \(first row positions: 0\)"
    ):
        whatif.staffing_plan(undated, staffed=[14, 14])


def test_a_plan_names_a_channel_that_is_not_one_name():
    # channel=["phone"] failed as a bare "unhashable type: 'list'" from the options' lookup
    plan = _half_hours(pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]))
    with pytest.raises(TypeError, match="Value of 'channel' must be one channel name"):
        whatif.staffing_plan(plan, staffed=14, channel=["phone"])


# ------------------------------------------------------------- a day that is no date


@pytest.mark.parametrize(
    ("day", "error"),
    [("soon", ValueError), (pd.NaT, ValueError), (5, TypeError)],
)
def test_a_day_that_is_no_date_is_named(day, error):
    # "soon" raised pandas' bare DateParseError, NaT an AttributeError, and 5 was read as 5 ns
    # after 1970 ("No contact before 1970-01-01"); the roster read them the same way.
    data = _phone_log()
    with pytest.raises(error, match="Value of 'day' must be a date or time"):
        whatif.forecast_day(data, day, freq="hour")
    with pytest.raises(error, match="Value of 'day' must be a date or time"):
        whatif.roster_for_day(data, day)


# ------------------------------------------------ a roster that does not fit the plan's grid


HALF_HOURS = pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"])


def test_a_quarter_hour_roster_beside_half_hours_is_refused():
    # 09:15 and 09:45 lie inside the plan's half hours: they were dropped without a word, and
    # each half hour staffed with its first quarter's count alone.
    quarters = pd.Series(
        [14.0, 10.0, 14.0, 10.0], index=pd.date_range("2024-03-04 09:00", periods=4, freq="15min")
    )
    with pytest.raises(ValueError, match=r"has 2 interval start\(s\) inside the plan's"):
        whatif.staffing_plan(_half_hours(HALF_HOURS), staffed=quarters)


def test_a_roster_count_that_is_nan_is_refused_not_nobody():
    # A NaN count for 09:30 was read as 0 agents: 0 % in 20 s and 14 agents short.
    roster = pd.Series([14.0, float("nan")], index=HALF_HOURS)
    with pytest.raises(ValueError, match="Value of 'staffed' must be numbers >= 0.*nan"):
        whatif.staffing_plan(_half_hours(HALF_HOURS), staffed=roster)


def test_a_roster_beyond_the_plan_is_still_read_for_the_plan():
    # Counts of the next day lie outside the plan's intervals; 09:30 has none, so nobody:
    # by hand, 100 calls of 180 s in 1800 s are 10 Erlangs, which 14 agents serve at 88.8 %.
    roster = pd.Series(
        [14.0, 9.0], index=HALF_HOURS[:1].append(HALF_HOURS[:1] + pd.Timedelta("1D"))
    )
    plan = whatif.staffing_plan(_half_hours(HALF_HOURS), staffed=roster)
    assert plan["staffed"].tolist() == [14.0, 0.0]
    assert plan["service_level"].round(1).tolist() == [88.8, 0.0]


# ------------------------------------------------------------- totals of an odd plan


def _plan():
    # 100 and 300 calls of 180 s in two half hours, on 12 and 16 agents
    return whatif.staffing_plan(
        _half_hours(HALF_HOURS).assign(volume=[100.0, 300.0]), staffed=[12, 16]
    )


def test_totals_of_a_plan_with_repeated_row_labels():
    # Two half-day plans put together keep their row labels (0 and 0): the peak's label found
    # both rows, and int() of them raised "cannot convert the series to int". By hand: 300
    # calls of 180 s in 1800 s are 30 Erlangs, 35 agents for 80 % in 20 s (the larger need).
    plan = _plan()
    totals = whatif.plan_totals(plan.set_axis([0, 0]))
    assert totals["peak_required"] == 35
    assert totals["peak_period"] == pd.Timestamp("2024-03-04 09:30")
    assert totals == whatif.plan_totals(plan)


def test_totals_refuse_a_fractional_count_of_agents_required():
    # 13.7 agents required was reported as a peak of 13 (int() cut it)
    plan = _plan().assign(required=[13.7, 2.0])
    with pytest.raises(kk.SchemaError, match=r"plan.required: 1 row"):
        whatif.plan_totals(plan)


# ------------------------------------------------------ interval lengths that do not fit


def test_a_plan_refuses_intervals_that_overlap():
    # Half hours labelled interval_s=3600: each was staffed as an hour of its 100 calls (by
    # hand 100 * 180 / 3600 = 5 Erlangs, 8 agents) though the calls of one half hour are
    # 10 Erlangs (14 agents).
    hours = _half_hours(HALF_HOURS).assign(interval_s=3600.0)
    with pytest.raises(ValueError, match=r"makes 1 interval\(s\) run into the next one"):
        whatif.staffing_plan(hours, staffed=None)


def test_a_plan_names_an_interval_length_that_is_text():
    # a text interval_s raised numpy's bare "could not convert string to float: 'abc'"
    text = _half_hours(HALF_HOURS).assign(interval_s="abc")
    with pytest.raises(TypeError, match="Value of 'interval_s' must be a number or numbers"):
        whatif.staffing_plan(text, staffed=None)


def test_a_day_labelled_86400_s_across_the_spring_change_is_planned():
    # 2024-03-31 in Paris lasts 23 h; 86,400 s matches its step on the wall clock (as
    # scenario_from_forecast reads it), so the two days are planned, not refused as overlapping.
    days = pd.DatetimeIndex(["2024-03-31", "2024-04-01"]).tz_localize("Europe/Paris")
    plan = whatif.staffing_plan(
        _half_hours(days).assign(interval_s=86_400.0, volume=480.0), staffed=None
    )
    assert len(plan) == 2


def test_half_hours_in_microseconds_do_not_overlap():
    # periods held in microseconds (as a forecast may give them) are still 1800 s apart
    micro = _half_hours(HALF_HOURS.as_unit("us"))
    assert whatif.staffing_plan(micro, staffed=None)["staffed"].tolist() == [14.0, 14.0]
