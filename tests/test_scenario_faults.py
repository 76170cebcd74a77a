"""kpikit.scenarios faults: interval length of a forecast, repeats across channels, null
channels, DST days in arrival profiles."""

import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit.scenarios import scenario_from_data, scenario_from_forecast


def _hourly(periods, **columns):
    """A kk.forecast.volume-shaped table (no interval_s): 100 contacts of 300 s per period."""
    frame = pd.DataFrame({"period": periods, "forecast": 100.0, "ci_low": 80.0, "ci_high": 120.0})
    return frame.assign(aht_s=300.0, **columns)


def test_forecast_interval_length_comes_from_the_spacing_of_its_periods():
    periods = pd.date_range("2026-03-02 09:00", periods=4, freq="h")
    scenario = scenario_from_forecast(_hourly(periods))
    assert scenario.interval_s == 3600.0  # was the 1800 s default with hourly periods
    # by hand: A = 100 x 300 / 3600 = 8.33 Erlang -> 12 agents for 80 % in 20 s (Erlang C);
    # read as half hours A was 16.7 Erlang and 21 agents were staffed
    assert kk.whatif.evaluate(scenario).intervals["agents"].iloc[0] == 12
    # unsorted periods with a gap (the closed 11:00): still 1 h, the smallest step
    gappy = pd.to_datetime(["2026-03-02 12:00", "2026-03-02 09:00", "2026-03-02 10:00"])
    assert scenario_from_forecast(_hourly(gappy)).interval_s == 3600.0


@pytest.mark.parametrize(
    ("day", "periods"),
    [("2024-11-03", 25), ("2024-03-10", 23)],  # New York's 25-hour and 23-hour days
)
def test_forecast_interval_length_is_real_time_on_dst_days(day, periods):
    starts = pd.date_range(day, periods=periods, freq="h", tz="America/New_York")
    # by hand: every step is 1 h of real time, though the wall clock repeats 01:00 (fall
    # back) or jumps from 01:00 to 03:00 (spring forward)
    assert scenario_from_forecast(_hourly(starts)).interval_s == 3600.0
    assert scenario_from_forecast(_hourly(starts, interval_s=3600.0)).interval_s == 3600.0


def test_forecast_interval_length_that_cannot_be_known_or_disagrees_is_refused():
    one = _hourly(pd.to_datetime(["2026-03-02 09:00"]))
    with pytest.raises(ValueError, match="single period and no 'interval_s' column.*add an"):
        scenario_from_forecast(one)
    assert scenario_from_forecast(one.assign(interval_s=900.0)).interval_s == 900.0
    hours = _hourly(pd.date_range("2026-03-02 09:00", periods=4, freq="h"), interval_s=1800.0)
    with pytest.raises(ValueError, match="'interval_s' of 'forecast' is 1800 s but its periods "):
        scenario_from_forecast(hours)  # was a scenario of half hours


def _log(**columns):
    """A phone call, the same customer back on chat 1 h later about the same reason, and
    another customer's call three days later (so the first call's 48 h window can be judged)."""
    frame = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(
                ["2024-01-01 09:05", "2024-01-01 10:05", "2024-01-04 09:05"]
            ),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 100.0,
            "channel": ["phone", "chat", "phone"],
            "customer_id": ["a", "a", "b"],
            "reason": "billing",
        }
    )
    return frame.assign(**columns)


def test_fcr_of_a_channel_sees_repeats_on_other_channels():
    # by hand: the call of 09:05 is a first contact repeated by the chat of 10:05 (within
    # 48 h): 0 resolved of 1 first contact = 0 %; the call of 01-04 cannot be judged yet (its
    # window reaches past the last arrival). Filtering to phone first hid the chat: 1 of 1.
    assert scenario_from_data(_log()).fcr == 0.0
    expected = kk.compute(_log(), kpis=["fcr"], by="channel").set_index("channel")
    assert expected.loc["phone", "value"] == 0.0
    # the chat itself is no first contact (a call of the same key came 1 h before): no FCR
    assert scenario_from_data(_log(), channel="chat").fcr is None


def _null_channels():
    """Three calls of Monday 09:05, two of them without a channel."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(["2024-01-01 09:05"] * 3),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 100.0,
            "channel": ["phone", None, None],
        }
    )


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_contacts_without_a_channel_are_phone_calls(engine):
    contacts = _null_channels()
    if engine == "polars":
        contacts = pl.from_pandas(contacts).lazy()
    # by hand: 3 calls (1 "phone" + 2 null, a null channel being phone) on the one Monday in
    # Mon 09:00: 3 / 1 = 3.0; the null calls were dropped (1.0)
    assert sum(scenario_from_data(contacts).volume) == 3.0
    assert scenario_from_data(contacts).threshold_s == 20.0  # the phone threshold


def test_a_categorical_channel_with_nulls_is_read_as_phone():
    contacts = _null_channels()
    contacts["channel"] = pd.Categorical(["chat", None, None])  # no "phone" category to fill
    # by hand: the 2 null calls are phone (2 / 1 Monday = 2.0); the chat is not
    assert sum(scenario_from_data(contacts).volume) == 2.0
    assert sum(scenario_from_data(contacts, channel="chat").volume) == 1.0


def _half_hourly(start, periods=14 * 48):
    """One contact every 30 min of real time from ``start`` (UTC), read in New York."""
    utc = pd.date_range(start, periods=periods, freq="30min", tz="UTC")
    return pd.DataFrame(
        {
            "contact_id": range(periods),
            "arrived_at": utc.tz_convert("America/New_York"),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 100.0,
        }
    )


@pytest.mark.parametrize("engine", ["pandas", "polars"])
@pytest.mark.parametrize(
    ("start", "slot", "contacts", "happened"),
    [
        # fall back: Sundays 10-27 (2 contacts at 01:00) and 11-03 (01:00 twice: 4 contacts),
        # 01:00 happened 1 + 2 = 3 times: 6 / 3 = 2.0 (was 6 / 2 Sundays = 3.0)
        ("2024-10-27", "01:00", 6, 3),
        # spring forward: Sundays 03-03 (2 contacts at 02:00) and 03-10 (02:00 skipped),
        # 02:00 happened once: 2 / 1 = 2.0 (was 2 / 2 Sundays = 1.0)
        ("2024-03-03", "02:00", 2, 1),
    ],
)
def test_arrival_profile_counts_slots_in_real_time_on_dst_days(
    engine, start, slot, contacts, happened
):
    log = _half_hourly(start)
    if engine == "polars":
        log = pl.from_pandas(log).lazy()
    profile = kk.calibrate.arrival_profile(log, interval="hour")
    row = profile.query("weekday == 7 and interval_start == @slot").iloc[0]
    assert (row["contacts"], row["days"]) == (contacts, 2)
    assert row["volume"] == contacts / happened == 2.0  # 2 contacts per hour of real time
    neighbours = profile.query("weekday == 7 and interval_start in ['00:00', '03:00']")
    assert neighbours["volume"].tolist() == [2.0, 2.0]  # 4 contacts / 2 Sundays each


def test_a_scenario_slot_the_clocks_skipped_on_its_only_day_is_named():
    # by hand: 48 half hours from Sun 03-10 00:00 EST; 02:00 and 02:30 do not exist that day
    # and it is the log's only Sunday, so they never happened (0 contacts / 0 times)
    with pytest.raises(ValueError, match=r"never holds 2 interval\(s\) \(Sun 02:00, Sun 02:30\)"):
        scenario_from_data(_half_hourly("2024-03-10 05:00", periods=48))


def test_agents_required_refuses_a_length_other_than_the_step_of_the_frames_periods():
    # kk.forecast.volume's table has no interval_s: its hourly periods were staffed as half
    # hours (the default 1800 s), 21 agents instead of 12
    hours = pd.date_range("2026-03-02 09:00", periods=4, freq="h")
    frame = pd.DataFrame({"period": hours, "forecast": 100.0, "ci_low": 80.0, "ci_high": 120.0})
    with pytest.raises(ValueError, match="'interval_s' is 1800 s but the frame's periods are 3600"):
        kk.queueing.agents_required(frame, aht_s=300.0, target_sl=80)
    hourly = kk.queueing.agents_required(frame, aht_s=300.0, interval_s=3600, target_sl=80)
    # A = 100 * 300 / 3600 = 8.33 Erlangs; Erlang C, SL at 20 s: 11 agents 74.9 %, 12 agents 86.2 %
    assert hourly["raw_agents"].tolist() == [12, 12, 12, 12]
