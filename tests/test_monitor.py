"""Intraday monitor: following a growing log, figures per interval counted by hand, replay."""

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from fixtures import MONITOR_DAY as DAY
from fixtures import hand_dataset, zoned_hourly_log
from fixtures import monitor_contacts as contacts
from test_forecast_minutes import SOURCES

import kpikit as kk
from kpikit import cli
from kpikit.monitor import (
    BackgroundReplay,
    IntradayMonitor,
    LogFollower,
    day_forecast,
    day_staffed,
    live_events,
    replay,
)


def test_follower_reads_only_new_csv_lines(tmp_path):
    path = tmp_path / "live.csv"
    path.write_text("contact_id,wait_s\n1,10\n2,2")  # the second line is still being written
    follower = LogFollower(path)
    assert follower.poll()["contact_id"].tolist() == ["1"]  # ids are text: "01" is not 1
    with path.open("a") as handle:
        handle.write("0\n3,5\n")
    assert follower.poll()["wait_s"].tolist() == [20, 5]
    assert follower.poll().empty


def test_follower_rereads_a_rewritten_parquet(tmp_path):
    path = tmp_path / "live.parquet"
    frame = contacts()
    frame.iloc[:2].to_parquet(path)
    follower = LogFollower(path)
    assert len(follower.poll()) == 2
    frame.to_parquet(path)
    assert follower.poll()["contact_id"].tolist() == [3, 4, 5]


def test_monitor_counts_by_hand(tmp_path):
    events = live_events(contacts())
    # written up to 09:41: contact 5 arrived at 09:40 and is still waiting
    events[events["event_at"] <= DAY + pd.Timedelta("09:41:00")].drop(columns="event_at").to_csv(
        tmp_path / "000001.csv", index=False
    )
    forecast = pd.DataFrame(
        {
            "period": DAY + pd.to_timedelta(["09:00:00", "09:30:00", "10:00:00"]),
            "volume": [5.0, 4.0, 6.0],
            "aht_s": [200.0, 200.0, 200.0],
        }
    )
    monitor = IntradayMonitor(tmp_path, forecast=forecast, target_sl=80)
    view = monitor.refresh(now=DAY + pd.Timedelta("09:41:00"))
    assert view.queue_depth == 1  # contact 5 has no outcome yet
    assert view.longest_wait_s == 60.0
    nine = view.intervals.set_index("period").loc[DAY + pd.Timedelta("09:00:00")]
    assert nine["volume"] == 4
    assert nine["service_level"] == pytest.approx(50.0)  # 1 and 4 within 20 s, of 4 finished
    assert nine["asa"] == pytest.approx(15.0)  # (10 + 30 + 5) / 3 answered
    assert nine["abandonment_rate"] == pytest.approx(25.0)  # 1 of 4 finished
    assert nine["aht_s"] == pytest.approx(200.0)  # (200 + 300 + 100) / 3
    assert nine["alert"]
    # 4 contacts against 5 forecast in the interval that is over: the rest scaled by 0.8
    ten = view.intervals.set_index("period").loc[DAY + pd.Timedelta("10:00:00")]
    assert ten["reforecast_volume"] == pytest.approx(4.8)
    half = view.intervals.set_index("period").loc[DAY + pd.Timedelta("09:30:00")]
    # one contact waiting 60 s, past the threshold: judged, and a miss
    assert half["service_level"] == 0.0 and half["waiting"] == 1
    assert np.isnan(half["asa"])  # still waiting: not answered, so no speed of answer yet
    # the day to date sums the parts: 2 within 20 s of 4 finished + 1 waiting past 20 s
    assert view.day["service_level"] == pytest.approx(40.0)
    assert view.day["asa"] == pytest.approx(15.0)  # (10 + 30 + 5) / 3
    # forecast to 09:41: 5 for 09:00 and 11 of the 30 minutes of 09:30's 4
    assert view.day["forecast_volume"] == pytest.approx(5 + 4 * 11 / 30)
    assert view.day["reforecast_volume"] == pytest.approx(4 + 3.2 + 4.8)  # actual, then x 0.8
    assert list(view.alerts["period"]) == [
        DAY + pd.Timedelta("09:00:00"),
        DAY + pd.Timedelta("09:30:00"),
    ]

    events[events["event_at"] > DAY + pd.Timedelta("09:41:00")].drop(columns="event_at").to_csv(
        tmp_path / "000002.csv", index=False
    )
    later = monitor.refresh()
    assert later.queue_depth == 0
    half = later.intervals.set_index("period").loc[DAY + pd.Timedelta("09:30:00")]
    assert half["asa"] == 90.0 and half["service_level"] == 0.0  # answered after 90 s


def test_replay_command_writes_the_day(tmp_path):
    assert (
        cli.main(["replay", str(tmp_path / "drops"), "--speed", "86400", "--every", "0.001"]) == 0
    )
    written = sorted((tmp_path / "drops").glob("*.csv"))
    assert written and not list((tmp_path / "drops").glob(".*"))
    view = IntradayMonitor(tmp_path / "drops", channel="phone").refresh()
    assert view.contacts > 0 and view.queue_depth == 0


def test_replay_and_monitor_reject_bad_input(tmp_path):
    with pytest.raises(ValueError, match="'day' has no contact"):
        replay(contacts(), tmp_path, day="2020-01-01", sleep=lambda seconds: None)
    # "25:00" was read as 25 hours, past the day's end: every contact in the first drop
    with pytest.raises(ValueError, match="'start' must be a time of day hh:mm"):
        replay(contacts(), tmp_path, start="25:00", sleep=lambda seconds: None)
    with pytest.raises(TypeError, match="'start' must be a time of day"):
        replay(contacts(), tmp_path, start=8, sleep=lambda seconds: None)
    assert not any(tmp_path.iterdir())  # refused before anything was written
    with pytest.raises(ValueError, match="'freq' is not an intraday"):
        IntradayMonitor(tmp_path, freq="day")
    with pytest.raises(ValueError, match="does not exist"):
        IntradayMonitor(tmp_path / "missing")


def test_background_replay_stops_between_drops(tmp_path):
    # 5 s between drops: stop() must not wait for them, and a given folder is kept
    demo = BackgroundReplay(contacts(), tmp_path, speed=60, drop_every_s=5, start="09:00").start()
    assert demo.running
    demo.stop()
    assert not demo.running and demo.drops == 1  # the first drop only (events up to 09:00)
    assert [path.name for path in tmp_path.iterdir()] == ["000000.csv"]
    failed = BackgroundReplay(contacts(), day="2020-01-01")
    with pytest.raises(ValueError, match="'day' has no contact"):
        failed.start()
    assert not failed.folder.exists()  # its temporary folder is gone with it


def test_the_plan_needs_history_up_to_the_day():
    with pytest.raises(ValueError, match="No contact before 2024-03-04"):
        day_forecast(contacts(), DAY)
    with pytest.raises(ValueError, match="ends on 2026-08-29, more than 4 days before"):
        day_forecast(kk.load_sample(), "2026-09-05")
    with pytest.raises(ValueError, match="no agent intervals"):
        day_staffed(contacts(), DAY)


def test_day_forecast_of_a_zoned_log_covers_the_25_hours_of_the_autumn_change():
    # The clocks of Paris go back at 03:00 on 2024-10-27: the day has 25 hours, 02:00 twice.
    # Two contacts every hour of the weeks before, so the same week's last values are 2 an
    # hour, including the repeated hour (it compared zoned times with a naive midnight: a raw
    # TypeError).
    plan = day_forecast(zoned_hourly_log(), "2024-10-27", freq="hour", model="seasonal_naive")
    hours = plan["period"].dt.hour.tolist()
    assert hours == [0, 1, 2, 2, *range(3, 24)]
    assert str(plan["period"].dt.tz) == "Europe/Paris"
    assert plan["volume"].tolist() == [2.0] * 25


def test_day_forecast_of_a_lazy_log_reads_only_its_columns_and_equals_pandas():
    # A DuckDB relation brings the columns the plan reads, not the whole log (before: every
    # column of every contact came to pandas); the plan is the pandas one.
    import duckdb

    from kpikit.monitor._plan import _contacts

    log = kk.load_sample().contacts
    relation = duckdb.from_df(log)
    assert (
        set(_contacts(relation, None).columns)
        == {"arrived_at", "answered", "channel", "agent_id", "talk_s", "hold_s", "acw_s"}
        < set(log.columns)
    )
    day = "2026-08-29"
    expected = day_forecast(log, day, channel="phone")
    got = day_forecast(relation, day, channel="phone")
    pd.testing.assert_frame_equal(got, expected, rtol=1e-9)
    shares = kk.monitor.channel_shares(relation, "phone")
    pd.testing.assert_series_equal(shares, kk.monitor.channel_shares(log, "phone"))


def test_a_now_before_the_last_event_shows_the_day_as_it_stood_then(tmp_path):
    # By hand at 09:05:20: #1 (09:00, answered after 10 s) is over; #2 arrived at 09:05 and
    # is answered at 09:05:30, so it still waits (20 s so far, not beyond T = 20); #3-#5 have
    # not arrived. Volume 2, depth 1, SL 1 within / 1 judged = 100. Before: volume 5, depth 0.
    live_events(contacts()).drop(columns="event_at").to_csv(tmp_path / "000001.csv", index=False)
    monitor = IntradayMonitor(tmp_path)
    view = monitor.refresh(now=DAY + pd.Timedelta("09:05:20"))
    assert (view.contacts, view.queue_depth, view.longest_wait_s) == (2, 1, 20.0)
    assert view.day["service_level"] == 100.0
    assert view.day["asa"] == 10.0  # only #1 answered by then
    early = monitor.refresh(now=DAY + pd.Timedelta("08:00:00"))  # gave 5 contacts before
    assert (early.contacts, early.queue_depth, early.longest_wait_s) == (0, 0, 0.0)
    assert early.intervals["volume"].sum() == 0


def _log_up_to(folder, frame, now):
    """Write the live log of ``frame`` as it stood at ``now`` (events at or before it)."""
    events = live_events(frame)
    events[events["event_at"] <= now].drop(columns="event_at").to_csv(
        folder / "000001.csv", index=False
    )


def test_a_contact_waiting_across_midnight_stays_in_the_queue(tmp_path):
    # #6 arrives at 23:50 and is answered after 900 s, at 00:05. At 00:02 it has waited
    # 720 s: the queue holds it, though the new day has no contact of its own yet
    late = contacts().assign(contact_id=6, arrived_at=DAY + pd.Timedelta("23:50:00"), wait_s=900.0)
    frame = pd.concat([contacts(), late.iloc[[0]]], ignore_index=True)
    now = DAY + pd.Timedelta("1D 00:02:00")
    _log_up_to(tmp_path, frame, now)
    view = IntradayMonitor(tmp_path).refresh(now=now)
    assert (view.queue_depth, view.longest_wait_s) == (1, 720.0)  # was (0, 0.0)
    assert view.contacts == 0 and view.intervals["waiting"].sum() == 0  # not today's contact


def test_a_finished_day_read_after_midnight_shows_that_day(tmp_path):
    # the last event is #6's (answer at 00:05) after midnight; the default now is that event,
    # and the day shown is that of the last arrival (it was the next day, with no contact)
    late = contacts().assign(contact_id=6, arrived_at=DAY + pd.Timedelta("23:50:00"), wait_s=900.0)
    frame = pd.concat([contacts(), late.iloc[[0]]], ignore_index=True)
    live_events(frame).drop(columns="event_at").to_csv(tmp_path / "000001.csv", index=False)
    view = IntradayMonitor(tmp_path).refresh()
    # the last event is now #6's end of handling: answered at 00:05, 200 s of talk
    assert view.now == DAY + pd.Timedelta("1D 00:08:20")
    assert view.intervals["period"].iloc[0] == DAY
    assert (view.contacts, view.queue_depth) == (6, 0)
    # all six answered but #3: 5 of 6 finished; within 20 s: #1 and #4
    assert view.day["abandonment_rate"] == pytest.approx(100 / 6)
    assert view.day["service_level"] == pytest.approx(100 * 2 / 6)


def test_the_reforecast_compares_only_intervals_with_a_forecast(tmp_path):
    # 09:00 has no forecast (NaN) and 4 contacts; 09:30 has 1 against 4 forecast. At 10:01
    # both are over: the ratio is 1 / 4 (it was (4 + 1) / 4), so 10:00's 6 becomes 1.5
    now = DAY + pd.Timedelta("10:01:00")
    _log_up_to(tmp_path, contacts(), now)
    forecast = pd.DataFrame(
        {
            "period": DAY + pd.to_timedelta(["09:00:00", "09:30:00", "10:00:00"]),
            "volume": [np.nan, 4.0, 6.0],
            "aht_s": 200.0,
        }
    )
    view = IntradayMonitor(tmp_path, forecast=forecast).refresh(now=now)
    ten = view.intervals.set_index("period").loc[DAY + pd.Timedelta("10:00:00")]
    assert ten["reforecast_volume"] == pytest.approx(1.5)


def test_a_log_without_handle_times_has_no_aht(tmp_path):
    # no talk, hold or acw column: the AHT is unknown (it was 0.0 s), and a forecast without
    # an AHT then gives no required agents (refresh raised "'aht_s' must be numbers >= 0.001")
    now = DAY + pd.Timedelta("10:01:00")
    _log_up_to(tmp_path, contacts().drop(columns="talk_s"), now)
    forecast = pd.DataFrame(
        {
            "period": DAY + pd.to_timedelta(["09:00:00", "09:30:00", "10:00:00"]),
            "volume": [5.0, 4.0, 6.0],
            "aht_s": np.nan,
        }
    )
    view = IntradayMonitor(tmp_path, forecast=forecast).refresh(now=now)
    assert view.intervals["aht_s"].isna().all() and np.isnan(view.day["aht_s"])
    assert view.intervals["required_agents"].isna().all()
    # a contact with no handle time is left out of the average, not counted as 0 s: #1's
    # talk is unknown, so 09:00's AHT is (300 + 100) / 2 answered with one
    _log_up_to(tmp_path, contacts().assign(talk_s=[np.nan, 300.0, 0.0, 100.0, 250.0]), now)
    view = IntradayMonitor(tmp_path).refresh(now=now)
    nine = view.intervals.set_index("period").loc[DAY + pd.Timedelta("09:00:00")]
    assert nine["aht_s"] == pytest.approx(200.0)


def _one_row(contact_id, answered, wait_s, arrived="2026-03-02 09:00"):
    return pd.DataFrame(
        {
            "contact_id": [contact_id],
            "arrived_at": [arrived],
            "answered": [answered],
            "wait_s": [wait_s],
        }
    )


def test_an_arrival_row_never_overwrites_an_outcome(tmp_path):
    # #1 answered in 10 s, then its arrival row comes in a later drop (written late, or the
    # drop repeated): it waited for an hour again, at 0 % service level with an alert
    _one_row(1, True, 10.0).to_csv(tmp_path / "0001.csv", index=False)
    monitor = IntradayMonitor(tmp_path)
    _one_row(1, None, None).to_csv(tmp_path / "0002.csv", index=False)
    view = monitor.refresh(now="2026-03-02 10:00")
    assert (view.queue_depth, view.longest_wait_s) == (0, 0.0)
    assert view.day["service_level"] == 100.0 and view.alerts.empty
    # a later outcome still corrects an earlier one
    _one_row(1, False, 30.0).to_csv(tmp_path / "0003.csv", index=False)
    assert monitor.refresh(now="2026-03-02 10:00").day["abandonment_rate"] == 100.0


def test_a_drop_that_cannot_be_read_loses_no_other_drop(tmp_path):
    # 0001 is good, 0002 empty (no header): the poll raised pandas' "No columns to parse"
    # and 0001's contact was never read. Then 0002 was named; now an empty drop is one its
    # writer has just created, left for a later poll, and read once written
    _one_row(0, True, 1.0).to_csv(tmp_path / "0000.csv", index=False)
    monitor = IntradayMonitor(tmp_path)
    _one_row(1, True, 10.0).to_csv(tmp_path / "0001.csv", index=False)
    (tmp_path / "0002.csv").write_text("")
    assert monitor.refresh().contacts == 2
    _one_row(2, True, 10.0).to_csv(tmp_path / "0002.csv", index=False)
    assert monitor.refresh().contacts == 3
    (tmp_path / "0003.csv").write_text("who,what\n1,2\n")
    with pytest.raises(ValueError, match=r"drop 0003.csv is missing column\(s\) \['contact_id'"):
        monitor.refresh()


def test_a_log_rewritten_shorter_is_read_again_from_its_start(tmp_path):
    # five contacts, then the file rewritten with two others: reading went on from the old
    # offset, missed them, and then failed on every refresh in the middle of a line
    log = tmp_path / "log.csv"
    pd.concat([_one_row(i, True, 10.0) for i in range(1, 6)]).to_csv(log, index=False)
    monitor = IntradayMonitor(log)
    pd.concat([_one_row(i, True, 10.0) for i in (100, 101)]).to_csv(log, index=False)
    assert monitor.refresh().contacts == 7
    with log.open("a") as handle:
        handle.write("102,2026-03-02 09:02,True,12.0\n")
    assert monitor.refresh().contacts == 8


def test_ids_read_as_numbers_in_one_drop_and_text_in_another_are_one_contact(tmp_path):
    # drop 1: ids 7 and 8 (read as numbers); drop 2: 7's outcome beside A9 (read as text).
    # 7 and "7" were two contacts: 4 contacts, 3 waiting. By hand: 3 contacts, 2 waiting
    pd.DataFrame(
        {"contact_id": [7, 8], "arrived_at": "2026-03-02 09:00", "answered": None, "wait_s": None}
    ).to_csv(tmp_path / "0001.csv", index=False)
    pd.DataFrame(
        {
            "contact_id": ["7", "A9"],
            "arrived_at": "2026-03-02 09:00",
            "answered": [True, None],
            "wait_s": [10.0, None],
        }
    ).to_csv(tmp_path / "0002.csv", index=False)
    view = IntradayMonitor(tmp_path).refresh(now="2026-03-02 09:05")
    assert (view.contacts, view.queue_depth) == (3, 2)


def test_the_service_level_threshold_is_the_channels_by_default(tmp_path):
    # chat contacts answered in 10, 25 and 5 s and one abandoned after 3 s: kk.compute's
    # chat threshold is 30 s, so 3 of 4 (75 %); the monitor used 20 s for every channel: 50 %
    frame = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00"] * 4),
            "answered": [True, True, True, False],
            "wait_s": [10.0, 25.0, 5.0, 3.0],
            "channel": "chat",
        }
    )
    live_events(frame).drop(columns="event_at").to_csv(tmp_path / "0001.csv", index=False)
    view = IntradayMonitor(tmp_path, channel="chat").refresh()
    expected = kk.compute(frame, kpis="service_level")["value"].item()
    assert view.day["service_level"] == expected == 75.0
    assert (
        IntradayMonitor(tmp_path, channel="chat", threshold_s=20).refresh().day["service_level"]
        == 50.0
    )


def zoned_log(folder, local_times, zone="Europe/Paris"):
    """A log of answered contacts (5 s waits) at ``local_times``, stored with their zone."""
    arrived = pd.DatetimeIndex(pd.to_datetime(local_times)).tz_localize(zone, ambiguous="infer")
    frame = pd.DataFrame(
        {"contact_id": range(len(arrived)), "arrived_at": arrived, "answered": True, "wait_s": 5.0}
    )
    frame.to_parquet(folder / "000001.parquet")


def test_a_spring_forward_day_has_46_half_hours_and_ends_at_local_midnight(tmp_path):
    # 29 March 2026 in Paris lasts 23 h (02:00 -> 03:00): 46 half hours. The contact at 00:20
    # on the 30th is the next day's; before, the day ran 24 h to 01:00 local and counted it.
    zoned_log(tmp_path, ["2026-03-29 00:10", "2026-03-29 01:50", "2026-03-29 03:10",
                         "2026-03-29 23:50", "2026-03-30 00:20"])  # fmt: skip
    view = IntradayMonitor(tmp_path).refresh(
        now=pd.Timestamp("2026-03-29 23:59", tz="Europe/Paris")
    )
    periods = view.intervals["period"]
    assert (len(periods), view.contacts) == (46, 4)
    assert periods.iloc[4] == pd.Timestamp("2026-03-29 03:00", tz="Europe/Paris")  # after 01:30
    assert periods.iloc[-1] == pd.Timestamp("2026-03-29 23:30", tz="Europe/Paris")


def test_a_fall_back_day_has_50_half_hours_and_keeps_its_last_hour(tmp_path):
    # 25 October 2026 in Paris lasts 25 h: 50 half hours. The contacts at 23:10 and 23:50 were
    # dropped before (48 slots from midnight end at 23:00 local).
    zoned_log(tmp_path, ["2026-10-25 00:10", "2026-10-25 23:10", "2026-10-25 23:50"])
    view = IntradayMonitor(tmp_path).refresh(
        now=pd.Timestamp("2026-10-25 23:59", tz="Europe/Paris")
    )
    periods = view.intervals["period"]
    assert (len(periods), view.contacts) == (50, 3)
    assert periods.iloc[-1] == pd.Timestamp("2026-10-25 23:30", tz="Europe/Paris")
    assert view.intervals["volume"].iloc[[0, 48, 49]].tolist() == [1.0, 1.0, 1.0]


def test_a_csv_log_across_a_daylight_saving_change_is_read_in_the_zone_given(tmp_path):
    # ISO times carry +01:00 before the change and +02:00 after: pandas cannot hold both in one
    # column (before: an AttributeError). With tz, 01:50+01:00 is in the 01:30 half hour and
    # 03:10+02:00 in the 03:00 one, the fifth of the day (02:00-03:00 does not exist).
    (tmp_path / "000001.csv").write_text(
        "contact_id,arrived_at,answered,wait_s\n"
        "1,2026-03-29T01:50:00+01:00,True,5\n2,2026-03-29T03:10:00+02:00,True,5\n"
    )
    with pytest.raises(ValueError, match="mixes UTC offsets.*tz='Europe/Paris'"):
        IntradayMonitor(tmp_path)
    view = IntradayMonitor(tmp_path, tz="Europe/Paris").refresh()
    assert view.intervals["volume"].iloc[[3, 4]].tolist() == [1.0, 1.0]
    assert view.contacts == 2


@pytest.mark.parametrize("kind", SOURCES)
def test_day_forecast_of_a_lazy_log_stays_in_its_engine_and_equals_pandas(
    kind, tmp_path, monkeypatch
):
    # Five weeks of Paris contacts up to the autumn change (27 October 2024, 25 hours), the one
    # at :10 of each hour on the phone and the one at :40 on chat. The phone plan of a lazy
    # source, whose engine checks, filters and adds up the log, is the pandas plan, and its
    # errors are pandas' (before, a lazy log came to pandas contact by contact: 9.5 s and
    # 1.4 GB for 10M contacts).
    from test_forecast_minutes import source

    from kpikit.monitor import _plan

    log = zoned_hourly_log(last_day="2024-10-26")
    log["channel"] = np.where(log["arrived_at"].dt.minute == 40, "chat", "phone")
    options = {"channel": "phone", "freq": "hour", "model": "seasonal_naive"}
    expected = day_forecast(log, "2024-10-27", **options)
    lazy = source(log, kind, tmp_path)

    def read_into_pandas(*arguments):
        raise AssertionError("the lazy log was read into pandas")

    with monkeypatch.context() as patch:
        patch.setattr(_plan, "_contacts", read_into_pandas)
        got = day_forecast(lazy, "2024-10-27", **options)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-9)
    assert len(got) == 25 and (got["volume"] == 1.0).all()  # one phone contact an hour
    for day, channel in (("2024-10-27", "phon"), ("2024-09-01", "phone"), ("2024-11-05", "phone")):
        messages = []
        for data in (log, lazy):
            with pytest.raises(ValueError) as error:
                day_forecast(data, day, **{**options, "channel": channel})
            messages.append(str(error.value))
        assert messages[0] == messages[1]


def test_day_staffed_counts_zoned_and_lazy_agent_intervals():
    # Zoned interval starts met a naive midnight (a raw TypeError), and a polars LazyFrame was
    # "not a dataframe". By hand: 2 March 09:00, handling plus available seconds of the rows
    # there, 3100 s over the half hour's 1800 s = 1.722 agents.
    data = hand_dataset()
    intervals = data.agent_intervals
    zoned = intervals.assign(
        interval_start=intervals["interval_start"].dt.tz_localize("Europe/Paris")
    )
    for agent_intervals, nine in (
        (zoned, pd.Timestamp("2026-03-02 09:00", tz="Europe/Paris")),
        (pl.from_pandas(intervals).lazy(), pd.Timestamp("2026-03-02 09:00")),
    ):
        staffed = day_staffed(
            kk.Dataset(contacts=data.contacts, agent_intervals=agent_intervals), "2026-03-02"
        )
        assert staffed[staffed > 0].round(3).to_dict() == {nine: 1.722}


@pytest.mark.parametrize("kind", ["pandas", *SOURCES])
def test_day_staffed_counts_a_lazy_logs_shares_by_weekday_on_the_logs_clock(
    kind, tmp_path, monkeypatch
):
    # Paris, March 2026 (an hour ahead of UTC). Agent A answered on Monday 2 March a phone
    # contact at 00:30 (Sunday 23:30 in UTC) and a chat at 10:00, and on Sunday 1 March two
    # chats. Staffing Monday 9 March, A counts for the phone share of Mondays: 1 of 2 = 0.5, and
    # a half hour of handling and available time there is 0.5 agent. (Weekdays read in UTC
    # would give Monday's share as 0 of 1.) A lazy source's engine counts the shares.
    from test_forecast_minutes import source

    times = ["2026-03-02 00:30", "2026-03-02 10:00", "2026-03-01 10:00", "2026-03-01 11:00"]
    log = pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4"],
            "arrived_at": pd.to_datetime(times).tz_localize("Europe/Paris"),
            "answered": True,
            "wait_s": 5.0,
            "channel": ["phone", "chat", "chat", "chat"],
            "agent_id": "A",
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["A"],
            "interval_start": [pd.Timestamp("2026-03-09 09:00", tz="Europe/Paris")],
            "handling_s": [900.0],
            "available_s": [900.0],
        }
    )
    contacts = log
    if kind != "pandas":
        contacts = source(log, kind, tmp_path)
        for plan in (kk.monitor._plan, kk.whatif._day_plan):
            monkeypatch.setattr(plan, "_contacts", None)  # never read into pandas
    data = kk.Dataset(contacts=contacts, agent_intervals=intervals)
    staffed = day_staffed(data, "2026-03-09", channel="phone")
    assert staffed[staffed > 0].to_dict() == {intervals["interval_start"][0]: 0.5}
    rostered, said = kk.whatif.roster_for_day(data, "2026-03-09", channel="phone")
    assert rostered.to_dict() == staffed.to_dict()
    assert said == "agent intervals of 2026-03-09"
    with pytest.raises(ValueError, match=r"received: 'phon'. Did you mean 'phone'\?"):
        day_staffed(data, "2026-03-09", channel="phon")


def test_staffed_agents_on_the_repeated_hour_of_a_zoned_autumn_day():
    # Zoned starts held by NumPy as objects raised "'>' not supported between Timedelta and
    # int", and a zoned log beside a naive day a TypeError (whatif.roster_for_day on any zoned
    # Dataset). Paris repeats 02:00-03:00 on 25 October 2026. By hand, rows an hour apart
    # split in two half hours: agent a 1800 s at the first 02:00 -> 900 s a half hour = 0.5
    # agent each; 900 s at the second 02:00 -> 450 s = 0.25 agent each.
    paris = "Europe/Paris"
    starts = pd.DatetimeIndex(["2026-10-25 00:00+00:00", "2026-10-25 01:00+00:00"]).tz_convert(
        paris
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["a", "a"],
            "interval_start": starts,
            "handling_s": [1800.0, 900.0],
            "available_s": [0.0, 0.0],
        }
    )
    contacts = pd.DataFrame(
        {
            "contact_id": [1],
            "arrived_at": pd.DatetimeIndex(["2026-10-18 10:00"]).tz_localize(paris),
            "answered": [True],
            "wait_s": [5.0],
            "channel": ["phone"],
            "agent_id": ["a"],
        }
    )
    data = kk.Dataset(contacts=contacts, agent_intervals=intervals)
    staffed = day_staffed(data, "2026-10-25", channel="phone")
    assert [(str(start), agents) for start, agents in staffed.items()] == [
        ("2026-10-25 02:00:00+02:00", 0.5),
        ("2026-10-25 02:30:00+02:00", 0.5),
        ("2026-10-25 02:00:00+01:00", 0.25),
        ("2026-10-25 02:30:00+01:00", 0.25),
    ]


def test_replay_of_a_zoned_log_on_a_spring_day(tmp_path):
    # A zoned log raised "Cannot compare tz-naive and tz-aware timestamps" (kpikit replay of
    # any export with offsets). Paris skips 02:00-03:00 on 29 March 2026, so 08:00 there is 7
    # hours after midnight. By hand, 10-minute drops from 08:00: the first holds the arrivals
    # and outcomes (5 s later) of 01:50 and 03:10, the second those of 08:05.
    paris = pd.DatetimeIndex(["2026-03-29 01:50", "2026-03-29 03:10", "2026-03-29 08:05"])
    log = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": paris.tz_localize("Europe/Paris"),
            "answered": True,
            "wait_s": 5.0,
        }
    )
    drops = replay(
        log,
        tmp_path,
        day="2026-03-29",
        start="08:00",
        speed=600,
        drop_every_s=1,
        sleep=lambda seconds: None,
    )
    assert drops == 2
    assert [len(pd.read_csv(tmp_path / f"00000{i}.csv")) for i in range(2)] == [4, 2]


def test_channel_shares_of_categorical_columns_warn_of_nothing():
    # Agent a answered 3 phone contacts and 1 chat (0.75 on the phone), b one chat; the last
    # contact was abandoned. Categorical columns made pandas warn that its grouping default
    # will change.
    contacts = pd.DataFrame(
        {
            "agent_id": pd.Categorical(["a", "a", "a", "a", "b", None]),
            "channel": pd.Categorical(["phone", "phone", "phone", "chat", "chat", "phone"]),
            "arrived_at": pd.Timestamp("2024-01-01"),
            "answered": [True] * 5 + [False],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shares = kk.monitor.channel_shares(contacts, "phone")
    assert shares.to_dict() == {"a": 0.75}


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize("day", [None, "2024-10-27"])
def test_a_replay_of_a_lazy_log_reads_one_day_from_its_engine(kind, day, tmp_path, monkeypatch):
    # Five weeks of Paris contacts around the autumn change: the engine picks the last day (or
    # the 25-hour 27 October) and pandas gets that day alone. The drops are those of the same
    # log in pandas, byte for byte.
    from test_forecast_minutes import log_around, source

    from kpikit.monitor import _replay

    log = log_around("2024-10-27")
    options = {"day": day, "speed": 3600, "drop_every_s": 1, "sleep": lambda seconds: None}
    expected = replay(log, tmp_path / "pandas", **options)
    lazy = source(log, kind, tmp_path)
    monkeypatch.setattr(_replay, "contacts_frame", None)  # the log is never read whole
    assert replay(lazy, tmp_path / kind, **options) == expected > 20
    for written in sorted((tmp_path / "pandas").glob("*.csv")):
        assert (tmp_path / kind / written.name).read_text() == written.read_text()
    with pytest.raises(ValueError, match="'day' has no contact in the log: '2020-01-01'"):
        replay(lazy, tmp_path / "none", day="2020-01-01", sleep=lambda seconds: None)


@pytest.mark.filterwarnings("error::FutureWarning")
def test_a_view_before_the_first_contact_has_every_interval_column(tmp_path):
    # the replay starts at midnight and the first call comes at 09:00: until then the log is
    # empty, and the view has no day yet but the columns of one (each empty); the empty drop
    # beside a full one is stacked without pandas 2's warning of all-missing columns
    pd.DataFrame(columns=["contact_id", "arrived_at", "answered", "wait_s"]).to_csv(
        tmp_path / "000001.csv", index=False
    )
    forecast = pd.DataFrame({"period": [DAY], "volume": [5.0], "aht_s": [200.0]})
    before = IntradayMonitor(tmp_path, forecast=forecast).refresh()
    assert before.contacts == 0 and before.intervals.empty
    assert before.intervals["service_level"].tolist() == []
    events = live_events(contacts())
    events.drop(columns="event_at").to_csv(tmp_path / "000002.csv", index=False)
    after = IntradayMonitor(tmp_path, forecast=forecast).refresh()
    assert list(before.intervals.columns) == list(after.intervals.columns)
    # with a forecast or without, the columns come in one order
    alone = IntradayMonitor(tmp_path).refresh()
    assert list(alone.intervals.columns) == list(after.intervals.columns)


def test_following_phone_counts_the_contacts_without_a_channel(tmp_path):
    # Three calls at 09:00-09:02, the second written without its channel: the day's plan
    # counts it as a phone call (monitor.day_forecast), so the monitor of the phone follows
    # it too (it followed 2 contacts, and its actuals fell short of the plan by one).
    drops = tmp_path / "drops"
    drops.mkdir()
    pd.DataFrame(
        {
            "contact_id": ["a", "b", "c"],
            "arrived_at": [f"{DAY.date()} 09:0{minute}:00" for minute in range(3)],
            "channel": ["phone", None, "phone"],
            "answered": [True, True, True],
            "wait_s": [5.0, 10.0, 15.0],
        }
    ).to_csv(drops / "000001.csv", index=False)
    view = IntradayMonitor(drops, channel="phone").refresh(now=DAY + pd.Timedelta("09:10:00"))
    assert view.contacts == 3
