"""Faults a browser probe found in the monitor dashboard opened from a link: the channel's
threshold lost once the link is applied, a too-wide CSV line lost, a zoned log beside a naive
history showing nothing, a log that stopped growing unnoticed, error notices that stayed and
showed the server's folders, and a target slider rounding 85.5 to 86."""

import html
import time

import pandas as pd
import pytest

import kpikit as kk
from kpikit.apps.monitor import MonitorApp
from kpikit.monitor import LogFollower, live_events

DAY = pd.Timestamp("2024-03-04")


def shown(widget):
    """The text of an HTML widget as the page shows it (entities unescaped)."""
    return html.unescape(widget.value)


@pytest.fixture
def chat_and_email(tmp_path):
    """Source ``mixed``: two chats answered after 25 s and 40 s, two emails after 1 h and 2 days."""
    rows = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "channel": ["chat", "chat", "email", "email"],
            "arrived_at": DAY + pd.to_timedelta(["09:00:00", "09:05:00"] * 2),
            "answered": True,
            "wait_s": [25.0, 40.0, 3_600.0, 172_800.0],
            "talk_s": 100.0,
        }
    )
    (tmp_path / "mixed").mkdir()
    live_events(rows).drop(columns="event_at").to_csv(tmp_path / "mixed" / "1.csv", index=False)
    return rows, tmp_path


def as_notebook(rows, folder):
    """The app as the dashboard's notebook builds it: every parameter at its default."""
    defaults = {param.name: param.default for param in MonitorApp.PARAMETERS}
    return MonitorApp(rows, sources_dir=folder, **{**defaults, "channel": "chat"})


def test_a_link_with_every_default_keeps_the_threshold_following_the_channel(chat_and_email):
    rows, folder = chat_and_email
    app = as_notebook(rows, folder)
    app.set_from_link("source=mixed&channel=email")  # the rest at the controls' values
    # email's own: a day (kk.options); 1 h in time, 2 days late: 1 of 2 = 50 %
    assert app.threshold_s.value == 86_400
    emails = rows[rows["channel"] == "email"]
    expected = kk.compute(emails, kpis=["service_level"])["value"].iloc[0]
    assert app.refresh().day["service_level"] == pytest.approx(expected) == 50.0
    assert "target 80 % in 86400 s" in shown(app.tiles)
    app.set(channel="chat")  # the dropdown: chat's 30 s; 25 s in time, 40 s late: 50 %
    assert app.threshold_s.value == 30
    assert app.refresh().day["service_level"] == pytest.approx(50.0)


def test_a_link_naming_every_parameter_with_the_default_threshold_follows_too(chat_and_email):
    rows, folder = chat_and_email
    app = as_notebook(rows, folder)
    app.set_from_link(
        "source=mixed&channel=email&interval=30min&target_sl=80&threshold_s=20&chart=asa"
    )
    assert app.threshold_s.value == 86_400  # 20, the default, takes the channel's own


@pytest.mark.parametrize("channel", ["chat", "email"])
def test_a_linked_threshold_stays_whatever_the_channel(chat_and_email, channel):
    rows, folder = chat_and_email
    app = as_notebook(rows, folder)
    app.set_from_link(f"source=mixed&channel={channel}&threshold_s=45")
    assert app.threshold_s.value == 45
    app.set(channel="email" if channel == "chat" else "chat")
    assert app.threshold_s.value == 45


def test_a_line_with_a_field_too_many_appended_alone_is_refused_then_read_once(tmp_path):
    path = tmp_path / "live.csv"
    path.write_bytes(b"contact_id,arrived_at,channel\n1,2024-03-04 09:00:00,phone\n")
    follower = LogFollower(path)
    assert follower.poll()["contact_id"].tolist() == ["1"]
    with path.open("ab") as handle:
        handle.write(b"x,2,2024-03-04 09:50:00,phone\n")  # line 3: 4 fields, the header 3
    with pytest.raises(ValueError, match=r"lines 3 to 3.*line\(s\) 3 have more fields than"):
        follower.poll()
    path.write_bytes(
        b"contact_id,arrived_at,channel\n1,2024-03-04 09:00:00,phone\n2,2024-03-04 09:50:00,phone\n"
    )  # the writer mends line 3
    fresh = follower.poll()
    assert fresh.to_dict("list") == {
        "contact_id": ["2"],
        "arrived_at": ["2024-03-04 09:50:00"],
        "channel": ["phone"],
    }
    assert follower.poll().empty  # read once
    with path.open("ab") as handle:
        handle.write(b"3,2024-03-04 09:55:00\n")  # an arrival written without its empty field
    fresh = follower.poll()
    assert fresh[["contact_id", "arrived_at"]].to_dict("list") == {
        "contact_id": ["3"],
        "arrived_at": ["2024-03-04 09:55:00"],
    }
    assert fresh["channel"].isna().all()


def test_a_drop_with_a_field_too_many_is_refused_not_shifted(tmp_path):
    (tmp_path / "0001.csv").write_bytes(b"contact_id,arrived_at\n7,2024-03-04 09:50:00,phone\n")
    with pytest.raises(ValueError, match="drop 0001.csv cannot be read"):
        LogFollower(tmp_path).poll()


@pytest.fixture(scope="module")
def sample():
    return kk.load_sample()


def test_a_zoned_log_beside_a_naive_history_shows_the_actuals_and_says_why(tmp_path, sample):
    last_day = sample.contacts["arrived_at"].max().normalize()  # naive, as the sample's
    arrived = last_day + pd.to_timedelta(["09:00:00", "09:10:00", "09:20:00"])
    pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "channel": "phone",
            "arrived_at": arrived.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "answered": [True, True, False],
            "wait_s": [10.0, 50.0, 30.0],
            "talk_s": [100.0, 100.0, 0.0],
        }
    ).to_csv(tmp_path / "live.csv", index=False)
    app = MonitorApp(sample, source="live.csv", sources_dir=tmp_path)
    view = app.view
    # 10 s within 20 s; 50 s late; the abandon after 30 s late: 1 of 3 = 33.3 %
    assert (view.contacts, view.day["service_level"]) == (3, pytest.approx(100 / 3))
    assert pd.isna(view.day["forecast_volume"])
    assert "Starting" not in shown(app.tiles)
    text = shown(app.message)
    assert "history's times have no zone while the live log's are in UTC" in text
    assert "forecast and staffing are left out" in text
    assert "must have its periods" not in text and "Could not refresh" not in text


def drop_folder(folder):
    """Source ``today`` with one answered call of 09:00 (waited 10 s)."""
    rows = pd.DataFrame(
        {"contact_id": [1], "channel": "phone", "arrived_at": [DAY + pd.Timedelta("09:00:00")],
         "answered": True, "wait_s": 10.0, "talk_s": 100.0}
    )  # fmt: skip
    (folder / "today").mkdir()
    live_events(rows).drop(columns="event_at").to_csv(folder / "today" / "1.csv", index=False)
    return rows


def test_the_status_says_when_the_log_stopped_growing(tmp_path):
    rows = drop_folder(tmp_path)
    app = MonitorApp(rows, source="today", sources_dir=tmp_path, poll_s=3)
    assert "no new rows" not in shown(app.status)  # just read
    # last new row 12 min ago: past max(60 s, 10 polls of 3 s = 30 s)
    app._monitor.follower.rows_read_at = time.time() - 12 * 60
    app.refresh()
    assert "no new rows for 12 min" in shown(app.status)
    app._monitor.follower.rows_read_at = time.time() - 45  # 45 s: within 60 s, not said
    app.refresh()
    assert "no new rows" not in shown(app.status)


def live_csv(folder):
    """Source ``live.csv`` with one answered call of 09:00 (waited 10 s), its app."""
    rows = pd.DataFrame(
        {"contact_id": [1], "channel": "phone", "arrived_at": [DAY + pd.Timedelta("09:00:00")],
         "answered": True, "wait_s": 10.0, "talk_s": 100.0}
    )  # fmt: skip
    rows.to_csv(folder / "live.csv", index=False)
    return MonitorApp(rows, source="live.csv", sources_dir=folder)


def test_an_error_notice_goes_once_the_source_reads_again(tmp_path):
    app = live_csv(tmp_path)
    (tmp_path / "live.csv").rename(tmp_path / "moved.csv")
    app._tick()  # the log is gone for a moment
    assert "Could not refresh" in shown(app.message)
    (tmp_path / "moved.csv").rename(tmp_path / "live.csv")
    app._tick()
    assert "Could not refresh" not in shown(app.message)


def test_an_error_notice_names_the_log_not_the_servers_folder(tmp_path):
    app = live_csv(tmp_path)
    (tmp_path / "live.csv").unlink()
    app._tick()
    text = shown(app.message)
    assert "No such file or directory: 'live.csv'" in text
    assert str(tmp_path) not in text


def test_a_linked_source_outside_the_folder_is_named_without_the_servers_path(tmp_path):
    rows = drop_folder(tmp_path)
    app = MonitorApp(rows, source="today", sources_dir=tmp_path)
    app.set_from_link("source=yesterday")
    text = shown(app.message)
    assert "Ignored the link's source" in text and "'yesterday'" in text
    assert str(tmp_path) not in text


def test_the_target_slider_reads_what_it_holds(tmp_path):
    rows = drop_folder(tmp_path)
    app = MonitorApp(rows, source="today", sources_dir=tmp_path)
    assert app.target_sl.readout_format == ".0f"  # 80: whole
    app.set_from_link("target_sl=85.5")
    assert app.target_sl.value == 85.5
    assert app.target_sl.readout_format == ".1f"  # "85.5", as the tiles: target 85.5 %
    assert "target 85.5 %" in shown(app.tiles)
    app.set(target_sl=90)
    assert app.target_sl.readout_format == ".0f"
