"""Intraday monitor: following a growing log, figures per interval counted by hand, replay."""

import numpy as np
import pandas as pd
import pytest
from fixtures import MONITOR_DAY as DAY
from fixtures import monitor_contacts as contacts
from fixtures import zoned_hourly_log

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
    assert follower.poll()["contact_id"].tolist() == [1]
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
