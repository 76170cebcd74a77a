"""Probe 8 of the intraday monitor: an empty log at a given time, a demo day without the
channel's contacts, plans given per day."""

import html

import pandas as pd
import pytest

from kpikit.apps import MonitorApp
from kpikit.apps import monitor as monitor_app
from kpikit.apps._monitor_html import alerts_html, tiles_html
from kpikit.monitor import IntradayMonitor

DAY = pd.Timestamp("2024-03-04")


def one_contact_log(path, at="2024-03-04 09:00"):
    """A CSV log with one phone call arriving ``at``, answered after 5 s."""
    log = path / "log.csv"
    pd.DataFrame(
        {"contact_id": [1], "arrived_at": [at], "answered": [True], "wait_s": [5.0]}
    ).to_csv(log, index=False)
    return log


@pytest.mark.parametrize("header_only", [False, True])
def test_a_log_without_contacts_shows_the_time_given(tmp_path, header_only):
    # the start of a day: no contact yet. The view was at NaT although the time was given.
    source = tmp_path
    if header_only:
        source = tmp_path / "log.csv"
        source.write_text("contact_id,arrived_at,answered,wait_s\n")
    view = IntradayMonitor(source).refresh("2024-03-04 08:00")
    assert view.now == pd.Timestamp("2024-03-04 08:00")  # the time given, as given
    assert view.contacts == 0 and view.queue_depth == 0 and view.intervals.empty
    assert view.day["volume"] == 0 and pd.isna(view.day["service_level"])  # 0 judged: no figure
    assert pd.isna(IntradayMonitor(tmp_path).refresh().now)  # no time given, no clock yet


def test_a_log_without_contacts_reads_the_time_in_the_days_zone(tmp_path):
    monitor = IntradayMonitor(tmp_path, tz="Europe/Paris")
    # 07:00 UTC is 08:00 in Paris (UTC+1 in March)
    view = monitor.refresh(pd.Timestamp("2024-03-04 07:00", tz="UTC"))
    assert view.now == pd.Timestamp("2024-03-04 08:00", tz="Europe/Paris")
    with pytest.raises(ValueError, match="'now' must carry a time zone"):
        monitor.refresh("2024-03-04 08:00")  # as refused once the log has contacts


@pytest.mark.parametrize("zone", [None, "Europe/Paris"])
def test_a_daily_staffed_plan_is_refused_with_what_is_needed(tmp_path, zone):
    log = one_contact_log(tmp_path, "2024-03-31 09:00")
    # in Paris 30 March 2024 to 31 March is 23 hours (summer time starts): still a day apart
    days = pd.date_range("2024-03-30", periods=3, freq="D", tz=zone)
    staffed = pd.Series(10.0, index=days)
    now = pd.Timestamp("2024-03-31 10:00", tz=zone)
    # it offered "or a monitor freq of the same length": no monitor freq is a day long
    with pytest.raises(ValueError) as error:
        IntradayMonitor(log, staffed=staffed, tz=zone).refresh(now)
    text = str(error.value)
    assert "periods are a day apart" in text and "same length" not in text
    assert "does not say when in the day" in text
    assert "day_staffed or staffed_agents with freq='30min'" in text


def test_an_hourly_plan_in_a_quarter_hour_monitor_names_the_freq_that_fits(tmp_path):
    log = one_contact_log(tmp_path)
    forecast = pd.DataFrame(
        {
            "period": pd.date_range("2024-03-04", periods=3, freq="2h"),
            "volume": 10.0,
            "aht_s": 200.0,
        }
    )
    # 120 minutes apart: no monitor freq fits, so none is offered
    with pytest.raises(ValueError) as error:
        IntradayMonitor(log, forecast=forecast, freq="15min").refresh("2024-03-04 10:00")
    assert "120 minutes apart" in str(error.value) and "monitor freq" not in str(error.value)
    assert "day_forecast with freq='15min'" in str(error.value)
    hourly = forecast.assign(period=pd.date_range("2024-03-04", periods=3, freq="h"))
    with pytest.raises(ValueError, match=r"60 minutes apart.*or the monitor freq='hour'"):
        IntradayMonitor(log, forecast=hourly, freq="15min").refresh("2024-03-04 10:00")


def test_a_demo_day_without_the_channels_contacts_says_so(monkeypatch):
    # no forecast nor staffing: the plan is beside the point here, and a forecast is slow
    monkeypatch.setattr(monitor_app, "_plan", lambda data, day, channel, freq: (None, None, []))
    # the data's last day (4 March) has phone calls only; chat had contacts on 3 March
    history = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "channel": ["phone", "chat", "phone"],
            "arrived_at": pd.to_datetime(
                ["2024-03-03 09:00", "2024-03-03 09:10", "2024-03-04 09:00"]
            ),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 100.0,
        }
    )
    app = MonitorApp(history, channel="chat", demo_speed=86_400)
    try:
        # known from the data before the replay ends: the day has no chat at all
        view = app.refresh()
        tiles = html.unescape(app.tiles.value)
        assert view.contacts == 0
        # it said "Waiting for the first contacts…" for good
        assert "Waiting" not in tiles
        assert "No chat contacts on Mon 04 Mar 2024, the data's last day" in tiles
        app.channel.value = "phone"
        app.refresh()  # 09:00 is before the demo's 10:00 start: in its first drop
        assert app.view.contacts == 1  # the day's one phone call
    finally:
        app.close()


def test_a_service_level_just_below_target_is_not_shown_at_the_target(tmp_path):
    # 499 calls at 09:00-09:08, 399 answered in 5 s, 100 in 60 s: 100 * 399 / 499 = 79.9599 %,
    # below 80 %. The alert read "service level 80.0 % (target 80 %)".
    count = 499
    log = tmp_path / "log.csv"
    pd.DataFrame(
        {
            "contact_id": range(count),
            "arrived_at": DAY + pd.Timedelta("09:00:00") + pd.to_timedelta(range(count), unit="s"),
            "answered": True,
            "wait_s": [5.0] * 399 + [60.0] * 100,
        }
    ).to_csv(log, index=False)
    view = IntradayMonitor(log).refresh("2024-03-04 10:00")
    assert view.alerts["service_level"].tolist() == pytest.approx([100 * 399 / 499])
    alerts = alerts_html(view, 80.0)
    assert "service level <b>79.96 %</b> (target 80 %)" in alerts
    assert "79.96 %</b>" in tiles_html(view, 80.0, 20.0)  # the day: the same 499 calls


def test_a_csv_log_with_carriage_returns_alone_is_refused_not_shown_empty(tmp_path):
    # an old Mac export: lines end with CR only, so no line ever ended with LF and the monitor
    # showed "no contact yet" for good
    log = tmp_path / "log.csv"
    log.write_bytes(b"contact_id,arrived_at,answered,wait_s\r1,2024-03-04 09:00,true,5\r")
    with pytest.raises(ValueError, match=r"log\.csv ends its lines with a carriage return alone"):
        IntradayMonitor(log).refresh()
    # a CRLF line whose LF is not written yet is only waited for
    log.write_bytes(b"contact_id,arrived_at,answered,wait_s\r\n1,2024-03-04 09:00,true,5\r")
    monitor = IntradayMonitor(log)
    assert monitor.refresh().contacts == 0
    with log.open("ab") as handle:
        handle.write(b"\n")
    assert monitor.refresh().contacts == 1  # the one call, read once its line is whole


def test_a_staffed_frame_is_refused_by_its_columns_not_dumped_whole(tmp_path):
    # a frame shaped like the forecast (period, agents): the message held its 48 rows' repr
    frame = pd.DataFrame({"period": pd.date_range(DAY, periods=48, freq="30min"), "agents": 3.0})
    with pytest.raises(TypeError) as error:
        IntradayMonitor(tmp_path, staffed=frame)
    text = str(error.value)
    assert "a DataFrame of columns ['period', 'agents']" in text
    assert "frame.set_index('period')['agents']" in text
    assert "23:30" not in text and len(text) < 300  # no row of it
