"""MonitorApp driven in plain Python: a folder filled by the test, refresh() by hand, the timer."""

import asyncio
import html

import numpy as np
import pandas as pd
import pytest
from fixtures import in_own_thread
from fixtures import monitor_contacts as contacts

import kpikit as kk
from kpikit.apps import MonitorApp
from kpikit.apps import _background as background
from kpikit.apps import monitor as monitor_app
from kpikit.apps._monitor_html import LIVE_REGION_CLASS
from kpikit.monitor import live_events, replay


def shown(widget):
    """The text of an HTML widget as the page shows it (entities unescaped)."""
    return html.unescape(widget.value)


def write_drop(folder, name, events):
    events.drop(columns="event_at").to_csv(folder / f".{name}", index=False)
    (folder / f".{name}").rename(folder / name)  # as a writer should: never half a file


@pytest.fixture
def live(tmp_path):
    """The monitor folder with one source, ``today``, holding the events up to 09:41."""
    (tmp_path / "today").mkdir()
    events = live_events(contacts())
    write_drop(tmp_path / "today", "000001.csv", events[events["event_at"] <= "2024-03-04 09:41"])
    return tmp_path, events[events["event_at"] > "2024-03-04 09:41"]


@pytest.fixture(scope="module")
def sample():
    return kk.load_sample()


@pytest.fixture(scope="module")
def sample_day(tmp_path_factory, sample):
    """The sample's last day written whole into a monitor folder, as source ``day``."""
    folder = tmp_path_factory.mktemp("sources")
    replay(sample, folder / "day", speed=86_400, drop_every_s=1, sleep=lambda seconds: None)
    return folder


def test_figures_by_hand_and_alerts(live):
    folder, rest = live
    app = MonitorApp(contacts(), source="today", sources_dir=folder, target_sl=80)
    view = app.view  # a source other than the demo is read when the app is built
    assert view.queue_depth == 1  # contact 5 arrived at 09:40 and has no outcome yet
    assert view.day["volume"] == 5
    assert view.day["service_level"] == pytest.approx(50.0)  # 1 and 4 within 20 s, of 4 judged
    assert view.day["asa"] == pytest.approx(15.0)  # (10 + 30 + 5) / 3 answered
    assert view.day["abandonment_rate"] == pytest.approx(25.0)  # 1 of 4 finished
    assert "<b>1</b>" in shown(app.tiles) and "25.0 %" in shown(app.tiles)
    # 09:00-09:30 at 50 % is below 80 %; 09:30 has nobody judged yet: no figure, no alert
    assert "1 interval below" in shown(app.alerts)
    assert "09:00–09:30: service level <b>50.0 %</b> (target 80 %)" in shown(app.alerts)
    assert [trace.name for trace in app.volume_chart.figure.data] == ["contacts so far"]
    assert list(app.volume_chart.figure.data[0].y) == [4.0, 1.0]
    # no history before the day and no agent intervals: said, not hidden
    assert "No forecast for 2024-03-04" in shown(app.message)
    assert "No staffing" in shown(app.message)

    write_drop(folder / "today", "000002.csv", rest)
    view = app.refresh()
    assert view.queue_depth == 0
    assert view.day["service_level"] == pytest.approx(40.0)  # 2 within 20 s of 5
    assert view.day["asa"] == pytest.approx(33.75)  # (10 + 30 + 5 + 90) / 4
    assert "2 intervals below" in shown(app.alerts)  # 09:30: 0 of 1 within 20 s
    app.target_sl.value = 40  # 50 % and 0 %: only 09:30 is below 40 %
    assert "1 interval below" in shown(app.alerts) and "09:30–10:00" in shown(app.alerts)


def test_forecast_and_staffing_come_from_the_history(sample, sample_day):
    app = MonitorApp(sample, source="day", sources_dir=sample_day, chart="agents")
    view = app.view
    assert view.now.normalize() == pd.Timestamp("2026-08-29")
    open_hours = view.intervals[view.intervals["volume"] > 0]
    assert open_hours["forecast_volume"].notna().all()
    assert (open_hours["required_agents"] > 0).all() and (open_hours["staffed_agents"] > 0).all()
    assert shown(app.message) == ""
    assert [trace.name for trace in app.detail_chart.figure.data] == ["staffed", "required"]
    # the forecast up to the close is the day's forecast: the whole day is over
    assert view.day["forecast_volume"] == pytest.approx(view.intervals["forecast_volume"].sum())
    before = app.volume_chart.figure.to_json()
    app.chart.value = "aht_s"  # redraws the second chart only, from what was read
    assert [trace.name for trace in app.detail_chart.figure.data] == ["actual", "forecast"]
    assert app.volume_chart.figure.to_json() == before
    app.interval.value = "hour"  # the source is read again at the new interval
    assert app.view.intervals["period"].diff().max() == pd.Timedelta("1h")
    assert np.isclose(app.view.intervals["volume"].sum(), view.intervals["volume"].sum())


def test_a_channel_change_keeps_the_source_and_each_channel_its_monitor(sample, sample_day):
    app = MonitorApp(sample, source="day", sources_dir=sample_day, channel="phone")
    phone, monitor = app.view, app._monitor
    app.channel.value = "email"
    assert app._monitor is not monitor and 0 < app.view.contacts < phone.contacts
    fresh = MonitorApp(sample, source="day", sources_dir=sample_day, channel="email")
    pd.testing.assert_frame_equal(app.view.intervals, fresh.view.intervals)
    app.channel.value = "phone"  # its monitor reads on from where it was: the same day
    assert app._monitor is monitor
    pd.testing.assert_frame_equal(app.view.intervals, phone.intervals)


def test_plans_computed_ahead_are_the_plans_computed_when_asked(sample, monkeypatch):
    # In a kernel the other channels' forecast and staffing are computed in a worker thread
    # while the page is idle; a channel change then uses them as they are.
    monkeypatch.setattr(background, "kernel_loop", lambda: object())  # as if in a kernel
    app = MonitorApp(sample, channel="phone")
    day = pd.Timestamp("2026-08-29")
    assert (day, "email", "30min") in app._ahead
    app.channel.value = "email"
    forecast, staffed, notes = app._plans[(day, "email", "30min")]
    expected = monitor_app._plan(sample, day, "email", "30min")
    pd.testing.assert_frame_equal(forecast, expected[0])
    pd.testing.assert_series_equal(staffed, expected[1])
    assert notes == expected[2]


def test_a_source_must_be_an_entry_of_the_monitor_folder(live, tmp_path_factory):
    folder, _ = live
    outside = tmp_path_factory.mktemp("outside")
    (folder / "escape").symlink_to(outside, target_is_directory=True)
    for name in ("../today", "/etc", "today/x", ".hidden", "escape", "missing"):
        with pytest.raises(ValueError, match="'source'"):
            MonitorApp(contacts(), source=name, sources_dir=folder)
    with pytest.raises(ValueError, match="'target_sl' must be between 50 and 99"):
        MonitorApp(contacts(), source="today", sources_dir=folder, target_sl=500)
    app = MonitorApp(contacts(), source="today", sources_dir=folder)
    assert [value for _, value in app.source.options] == ["", "today"]  # demo, then the folder
    app.set(source="../../etc", target_sl=70)  # a link: refused in the page, the rest applies
    assert "Ignored the link's source" in shown(app.message)
    assert app.source.value == "today" and app.target_sl.value == 70
    (folder / "later").mkdir()  # an entry made after the app was built is found
    app.set(source="later")
    assert app.source.value == "later" and app.view.contacts == 0
    assert "Waiting for the first contacts" in shown(app.tiles)


def test_the_timer_polls_once_at_a_time_and_reports_errors(live):
    folder, rest = live

    async def watch():
        app = MonitorApp(contacts(), source="today", sources_dir=folder, poll_s=0.02)
        assert app.start() and app.start()  # displayed twice: still one timer
        task = app._task
        write_drop(folder / "today", "000002.csv", rest)
        while app.view.queue_depth:  # the timer reads the new drop
            await asyncio.sleep(0.01)
        (folder / "today" / "000003.csv").write_text("who,what\n1,2\n")
        while "Could not refresh" not in shown(app.message):
            await asyncio.sleep(0.01)
        assert "missing column(s) ['contact_id', 'arrived_at']" in shown(app.message)
        await asyncio.sleep(0.05)
        assert app._task is task and not task.done()  # it keeps polling after the error
        app.stop()
        await asyncio.sleep(0)
        return task

    task = in_own_thread(asyncio.run, watch())
    assert task.cancelled()


def test_without_a_kernel_there_is_no_timer(live):
    folder, _ = live
    app = MonitorApp(contacts(), source="today", sources_dir=folder)
    assert in_own_thread(app.start) is False  # no event loop runs: refresh() by hand


def test_the_demo_starts_when_shown_and_stops_with_the_app(sample, monkeypatch):
    monkeypatch.setenv("KPIKIT_STATIC_APPS", "1")  # shown as a static report: one refresh
    app = MonitorApp(sample, demo_speed=86_400)
    assert app._replay is None and "Starting" in shown(app.tiles)  # built, not shown: no replay
    bundle = app._repr_mimebundle_()
    assert "Contacts today" in bundle["text/html"] and "Sat 29 Aug 2026" in bundle["text/html"]
    assert app._replay is None  # a report stops its demo after the one refresh
    view = app.refresh()
    folder = app._replay.folder
    assert view.contacts > 0 and folder.exists()
    app.close()
    assert not folder.exists()


def test_an_upload_without_contacts_is_refused_in_words(live):
    # A CSV with the header only was refused as "unexpected AttributeError: 'NaTType' object
    # has no attribute 'normalize'".
    folder, _ = live
    app = MonitorApp(contacts(), sources_dir=folder)
    header = b"contact_id,arrived_at,answered,wait_s\n"
    assert app.load(header, "empty.csv") is False
    text = shown(app.message)
    # refused by every app's upload, before the monitor's own "The data holds no contacts"
    assert "Could not use empty.csv: the file has no rows" in text
    assert "AttributeError" not in text and app.data_label != "empty.csv"
    with pytest.raises(ValueError, match="holds no contacts"):
        MonitorApp(contacts().iloc[:0], sources_dir=folder, channel="all")


@pytest.fixture
def chat_and_email(tmp_path):
    """Source ``mixed``: two chats answered after 25 s and 40 s, two emails after 1 h and 2 days."""
    rows = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "channel": ["chat", "chat", "email", "email"],
            "arrived_at": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:05"] * 2),
            "answered": True,
            "wait_s": [25.0, 40.0, 3_600.0, 172_800.0],
            "talk_s": 100.0,
        }
    )
    (tmp_path / "mixed").mkdir()
    write_drop(tmp_path / "mixed", "000001.csv", live_events(rows))
    return rows, tmp_path


def test_each_channel_is_judged_on_its_own_threshold_until_one_is_chosen(chat_and_email):
    rows, folder = chat_and_email
    # threshold_s=20, the default, as the dashboard's notebook passes it: the channel's own
    app = MonitorApp(rows, source="mixed", channel="chat", sources_dir=folder, threshold_s=20)
    # chat: 30 s (kk.options), as kk.compute judges it: 25 s in time, 40 s late, 1 of 2
    assert app.threshold_s.value == 30
    assert app.view.day["service_level"] == pytest.approx(50.0)
    compute = kk.compute(rows[rows["channel"] == "chat"], kpis=["service_level"])
    assert compute["value"].iloc[0] == pytest.approx(50.0)
    app.set(channel="email")  # a day: 1 h in time, 2 days late, 1 of 2; the slider widened
    assert app.threshold_s.value == 86_400 and app.threshold_s.max >= 86_400
    assert app.view.day["service_level"] == pytest.approx(50.0)
    app.threshold_s.value = 20  # chosen on the slider: it stays for every channel
    app.set(channel="chat")
    assert app.threshold_s.value == 20
    assert app.refresh().day["service_level"] == pytest.approx(0.0)  # 25 s and 40 s, late


def test_a_threshold_given_or_linked_is_kept_across_channels(chat_and_email):
    rows, folder = chat_and_email
    given = MonitorApp(rows, source="mixed", channel="chat", sources_dir=folder, threshold_s=45)
    given.set(channel="email")
    assert given.threshold_s.value == 45
    assert given.view.day["service_level"] == pytest.approx(0.0)  # 1 h and 2 days, > 45 s
    linked = MonitorApp(rows, source="mixed", channel="email", sources_dir=folder)
    with pytest.raises(ValueError, match="threshold_s"):
        linked.set(threshold_s=-1)  # refused: the channel's threshold still follows
    linked.set(channel="chat", threshold_s=45)  # both at once: the link's threshold wins
    assert linked.threshold_s.value == 45
    assert linked.view.day["service_level"] == pytest.approx(100.0)  # 25 s and 40 s <= 45 s
    linked.set(channel="email")
    assert linked.threshold_s.value == 45


def _widgets_under(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets_under(child)


def test_pause_updates_freezes_the_view_and_unpausing_catches_up(live):
    folder, rest = live
    app = MonitorApp(contacts(), source="today", sources_dir=folder, target_sl=80)
    # a checkbox named by its own description, in the app (WCAG 2.2.2: the updates can stop)
    assert app.pause.description == "Pause updates" and app.pause.value is False
    assert any(widget is app.pause for widget in _widgets_under(app.widget))

    def view_shown():
        return app.tiles.value, app.alerts.value, list(app.volume_chart.figure.data[0].y)

    before = view_shown()
    assert before[2] == [4.0, 1.0]
    app.pause.value = True
    write_drop(folder / "today", "000002.csv", rest)
    for _ in range(2):  # as the timer would, twice
        view = app.refresh()
        assert view.queue_depth == 0  # the source is still read ...
        assert view_shown() == before  # ... but the view stays as it was
    assert "paused" in shown(app.status)
    app.pause.value = False  # catches up at once, without waiting for the next poll
    assert "2 intervals below" in shown(app.alerts)
    assert view_shown() != before and "<b>0</b>" in app.tiles.value  # nobody waiting now
    assert "paused" not in shown(app.status)


def test_a_control_changed_while_paused_still_redraws(live):
    folder, _ = live
    app = MonitorApp(contacts(), source="today", sources_dir=folder, target_sl=80)
    app.pause.value = True
    app.target_sl.value = 40  # 09:00-09:30 at 50 % is no longer below target
    assert app.alerts.value == ""


def test_only_new_alerts_are_announced_and_the_tiles_are_no_live_region(live):
    folder, rest = live
    app = MonitorApp(contacts(), source="today", sources_dir=folder, target_sl=80)
    # the tiles and the alerts change at every refresh: a live region there is read again and
    # again (WCAG 4.1.3); one polite region of its own says what is new
    assert "aria-live" not in app.tiles.value and "aria-live" not in app.alerts.value
    # the announcement's own element is the region (its role comes from the template's
    # accessibility.js, tests/browser/test_monitor.py): it holds the words alone, with no
    # region of its own inserted with them
    assert LIVE_REGION_CLASS in app.announcement._dom_classes
    assert shown(app.announcement) == (
        "Alert: service level below the 80 % target in 09:00–09:30. 1 interval below target today."
    )
    said = []
    app.announcement.observe(lambda change: said.append(change["new"]), names="value")
    tiles = app.tiles.value
    app.target_sl.value = 70  # the tiles change (target 70 %), the interval below does not
    app.refresh()
    assert app.tiles.value != tiles and said == []
    write_drop(folder / "today", "000002.csv", rest)
    app.refresh()  # 09:30-10:00 falls to 0 of 1 within 20 s: new, said once
    assert len(said) == 1
    assert "target in 09:30–10:00. 2 intervals below target today." in html.unescape(said[0])
    app.refresh()
    app.target_sl.value = 40  # 09:00 recovers: the set shrinks, nothing new to say
    assert len(said) == 1
