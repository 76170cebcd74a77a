"""Intraday monitor and its plan: bad input is a named error, never a silently wrong figure."""

import warnings

import numpy as np
import pandas as pd
import pytest
from fixtures import MONITOR_DAY as DAY
from fixtures import monitor_contacts as contacts

import kpikit as kk
from kpikit.monitor import (
    IntradayMonitor,
    day_forecast,
    day_staffed,
    live_events,
    replay,
    staffed_agents,
)


def agent_rows():
    """Agent a: 1800 s at 09:00 (1200 handling + 600 available) and 1800 s at 09:30; agent b:
    900 s at 09:00."""
    return pd.DataFrame(
        {
            "agent_id": ["a", "b", "a"],
            "interval_start": DAY + pd.to_timedelta(["09:00:00", "09:00:00", "09:30:00"]),
            "handling_s": [1200.0, 900.0, 1800.0],
            "available_s": [600.0, 0.0, 0.0],
        }
    )


def write_log(folder, frame):
    """The whole day of ``frame`` as one drop of ``folder``."""
    live_events(frame).drop(columns="event_at").to_csv(folder / "000001.csv", index=False)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"handling_s": [-1200.0, 900.0, 1800.0]}, "handling_s: 1 row below 0"),
        ({"available_s": [600.0, np.inf, 0.0]}, "available_s: 1 row with an infinite value"),
        ({"handling_s": [1200.0, np.nan, 1800.0]}, "handling_s: 1 row empty"),
    ],
)
def test_staffed_agents_refuses_bad_seconds(change, problem):
    # before: -1200 s gave (-1200 + 600 + 900) / 1800 = 0.17 agents, NaN counted as 0 s
    with pytest.raises(kk.SchemaError, match=problem):
        staffed_agents(agent_rows().assign(**change))
    with pytest.raises(kk.SchemaError, match="available_s: required column is missing"):
        staffed_agents(agent_rows().drop(columns="available_s"))


def test_staffed_agents_takes_shares_in_0_1_only():
    for shares in ({"a": -1.0}, {"a": np.nan}, pd.Series(5.0, index=["a", "b"]), {"a": "1"}):
        with pytest.raises(ValueError, match="'shares' must hold a finite share in 0..1"):
            staffed_agents(agent_rows(), shares=shares)
    with pytest.raises(TypeError, match="'shares' must be a mapping or pandas Series"):
        staffed_agents(agent_rows(), shares=5)
    # the bounds count: 09:00 (1 * 1800 + 0 * 900) / 1800 = 1, 09:30 1 * 1800 / 1800 = 1
    assert staffed_agents(agent_rows(), shares={"a": 1, "b": 0.0}).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("day", [None, np.nan, np.inf, 20240304])
def test_the_plan_refuses_a_day_that_is_not_a_date(day, tmp_path):
    data = kk.Dataset(contacts(), agent_rows())
    for make in (day_forecast, day_staffed):
        with pytest.raises(TypeError, match="Value of 'day' must be a date"):
            make(data, day)
    if day is not None:  # None keeps every day
        with pytest.raises(TypeError, match="Value of 'day' must be a date"):
            staffed_agents(agent_rows(), day=day)
        with pytest.raises(TypeError, match="Value of 'day' must be a date"):
            replay(contacts(), tmp_path, day=day, sleep=lambda seconds: None)
    with pytest.raises(ValueError, match="'day' must be a date or time such as '2026-08-01'"):
        day_staffed(data, "abc")


def test_the_plan_refuses_an_unknown_channel():
    data = kk.Dataset(contacts(), agent_rows())
    later = DAY + pd.Timedelta("1D")
    with pytest.raises(TypeError, match="'channel' must be one channel name"):
        day_forecast(data, later, channel=["phone", "chat"])
    # before: no contact of 'phon' (no forecast) and no agent counted for it (0 staffed)
    for make in (day_forecast, day_staffed):
        with pytest.raises(ValueError, match=r"\['phone'\] but received: 'phon'. Did you mean"):
            make(data, later, channel="phon")


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"target_sl": 150}, ValueError, "'target_sl' is a percent"),  # all alerts before
        ({"target_sl": -5}, ValueError, "'target_sl' is a percent"),  # no alert before
        ({"target_sl": np.nan}, ValueError, "'target_sl' must be a finite number"),
        ({"threshold_s": -5}, ValueError, "'threshold_s' must be a finite number >= 0"),
        ({"patience_s": "abc"}, TypeError, "'patience_s' must be a number"),
        ({"patience_s": -10}, ValueError, "'patience_s' must be a finite number > 0"),
        ({"channel": "phon"}, ValueError, "'channel' is not a channel.*Did you mean 'phone'"),
        ({"queue": "ordres"}, ValueError, r"'queue' .* Expected one of \['billing', 'orders'\]"),
        ({"channel": ["phone"]}, TypeError, "'channel' must be one channel name"),
        ({"forecast": 5}, TypeError, "'forecast' must be a pandas DataFrame"),
        ({"forecast": pd.DataFrame({"period": [DAY]})}, ValueError, "'forecast' is missing"),
        ({"staffed": 5}, TypeError, "'staffed' must be a pandas Series"),
        ({"staffed": pd.Series([-2.0], [DAY])}, ValueError, "'staffed' must have agents not"),
    ],
)
def test_monitor_refuses_bad_options(options, error, message, tmp_path):
    write_log(tmp_path, contacts().assign(queue=["billing"] * 4 + ["orders"]))
    with pytest.raises(error, match=message):
        IntradayMonitor(tmp_path, **options)


def test_monitor_refuses_a_source_it_cannot_follow(tmp_path):
    with pytest.raises(ValueError, match="'source' cannot be looked up"):
        IntradayMonitor(tmp_path / ("x" * 5000))  # was a raw OSError: file name too long
    (tmp_path / "notes.txt").write_text("contact_id,arrived_at\n")
    with pytest.raises(ValueError, match="'source' must be a folder of drops, a .csv or"):
        IntradayMonitor(tmp_path / "notes.txt")


def test_monitor_checks_its_channel_on_the_first_rows_of_an_empty_log(tmp_path):
    monitor = IntradayMonitor(tmp_path, channel="phon")  # nothing to check it against yet
    write_log(tmp_path, contacts())
    with pytest.raises(ValueError, match="Expected one of \\['phone'\\].*Did you mean 'phone'"):
        monitor.refresh()  # before: an empty view, 0 contacts
    with pytest.raises(ValueError, match="'queue' is 'billing' but the live log has no queue"):
        IntradayMonitor(tmp_path, queue="billing")  # before: the filter was ignored


def test_monitor_follows_a_channel_with_no_contact_yet(tmp_path):
    # Early in the day a real channel may have had no contact: only a near spelling of a
    # known one ("phon") is refused; "sms" is followed, with no contact so far.
    write_log(tmp_path, contacts())
    view = IntradayMonitor(tmp_path, channel="sms").refresh()
    assert view.contacts == 0


@pytest.mark.parametrize(
    ("speed", "every", "message"),
    [
        # 1e-9 x 0.001 s rounded to a step of 0 ns: the clock never moved and the replay ran on
        (1e-9, 0.001, r"cover from 1 s to a year of the log .* = 1e-12 s"),
        (1e300, 2.0, r"cover from 1 s to a year .* = 2e\+300 s"),
        (float("inf"), 2.0, "'speed' must be a finite number > 0"),  # was an OverflowError
        (60.0, float("inf"), "'drop_every_s' must be a finite number > 0 and <= 3600"),
    ],
)
def test_a_replay_pace_that_cannot_move_the_clock_is_refused(speed, every, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        replay(contacts(), tmp_path, speed=speed, drop_every_s=every, sleep=lambda s: None)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("answered", "maybe", "'answered' of the live log must be true or false"),  # was False
        ("wait_s", "abc", "'wait_s' of the live log must be a number of seconds >= 0"),
        ("wait_s", -5.0, "'wait_s' of the live log must be a number of seconds >= 0"),  # ASA < 0
        ("wait_s", None, "'wait_s' of the live log must be a number of seconds >= 0"),
        ("arrived_at", "not a date", "'arrived_at' of the live log must be a date and time"),
        ("arrived_at", None, "'arrived_at' of the live log must be a date and time"),
    ],
)
def test_monitor_names_the_rows_of_the_log_it_cannot_read(column, value, message, tmp_path):
    # Contacts 2 and 4 carry the bad value: before, they were read as abandoned, as a wait of
    # 0 s or a negative ASA, or the refresh failed with a raw pandas error.
    frame = contacts().astype({column: object})
    frame.loc[[1, 3], column] = value
    frame.to_csv(tmp_path / "000001.csv", index=False)
    with pytest.raises(
        ValueError, match=f"{message}.*but 2 row\\(s\\) are not \\(contact_id 2, 4\\)"
    ):
        IntradayMonitor(tmp_path).refresh()


def test_monitor_requires_the_outcome_columns(tmp_path):
    contacts()[["contact_id", "arrived_at"]].to_csv(tmp_path / "000001.csv", index=False)
    with pytest.raises(ValueError, match="missing column\\(s\\) \\['answered', 'wait_s'\\]"):
        IntradayMonitor(tmp_path)  # was an AttributeError at the first refresh


@pytest.mark.parametrize(
    ("now", "error", "message"),
    [
        (5, TypeError, "'now' must be a date or time"),  # was read as 1970-01-01 00:00:00.000000005
        (True, TypeError, "'now' must be a date or time"),
        (pd.NaT, ValueError, "'now' must be a date or time"),  # was an AttributeError
        ("abc", ValueError, "'now' must be a date or time"),
        (pd.Timestamp("2024-03-04 10:00", tz="UTC"), ValueError, "'now' must be a time without"),
    ],
)
def test_monitor_refuses_a_now_that_is_not_a_time_on_the_logs_clock(now, error, message, tmp_path):
    write_log(tmp_path, contacts())
    with pytest.raises(error, match=message):
        IntradayMonitor(tmp_path).refresh(now=now)


def half_hours(day=DAY, shift="0min"):
    return pd.date_range(day, periods=48, freq="30min") + pd.Timedelta(shift)


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        # a 15-minute forecast in a 30-minute monitor: half of each half hour was read
        (pd.date_range(DAY, periods=96, freq="15min"), "48 period\\(s\\) of 2024-03-04 are not"),
        (half_hours(shift="10min"), "on the monitor's interval starts"),
        (half_hours(DAY + pd.Timedelta("7D")), "has no period on 2024-03-04"),
        (half_hours().tz_localize("Europe/Paris"), "periods without a time zone"),
    ],
)
def test_monitor_refuses_a_plan_off_its_intervals(periods, message, tmp_path):
    write_log(tmp_path, contacts())
    forecast = pd.DataFrame({"period": periods, "volume": 4.0, "aht_s": 200.0})
    with pytest.raises(ValueError, match=f"'forecast' .*{message}"):
        IntradayMonitor(tmp_path, forecast=forecast).refresh()
    with pytest.raises(ValueError, match=f"'staffed' .*{message}"):
        IntradayMonitor(tmp_path, staffed=pd.Series(2.0, index=periods)).refresh()


def test_a_forecast_without_aht_gives_no_warning(tmp_path):
    write_log(tmp_path, contacts())
    forecast = pd.DataFrame({"period": half_hours(), "volume": 4.0, "aht_s": np.nan})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # was "Mean of empty slice"
        view = IntradayMonitor(tmp_path, forecast=forecast).refresh()
    # 09:00 by hand: actual AHT (200 + 300 + 100) / 3 answered = 200 s stands in
    assert view.intervals.set_index("period").loc[DAY + pd.Timedelta("09:00:00"), "aht_s"] == 200.0


def test_a_forecast_of_contacts_that_take_no_time_is_refused_by_name(tmp_path):
    # the error came from agents_required, naming its own 'aht_s' rather than the forecast
    write_log(tmp_path, contacts())
    forecast = pd.DataFrame({"period": half_hours(), "volume": 4.0, "aht_s": 200.0})
    forecast.loc[18, "aht_s"] = 0.0  # 09:00
    with pytest.raises(ValueError, match=r"'forecast' must have aht_s above 0 .*09:00:00"):
        IntradayMonitor(tmp_path, forecast=forecast)
    forecast.loc[18, "aht_s"] = np.nan  # unknown: the actual AHT stands in
    IntradayMonitor(tmp_path, forecast=forecast).refresh()
