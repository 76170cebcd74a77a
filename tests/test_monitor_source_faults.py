"""Faults the probe found in the monitor's sources and figures, each reproduced as it was met:
engine options ignored, a reforecast below what has arrived, a Parquet row updated in place, a
CSV log replaced by a longer one, a filter that lost a contact's outcome, a zoned log on a
daylight-saving day in the dashboard, and a naive log at a repeated wall time."""

import pandas as pd
import pytest

import kpikit as kk
from kpikit.apps.monitor import MonitorApp
from kpikit.monitor import IntradayMonitor, live_events

DAY = pd.Timestamp("2024-03-04")


def four_calls():
    """4 phone calls at 09:00, 09:05, 09:06 and 09:07; the 2 s and 3 s ones abandoned."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": DAY + pd.to_timedelta(["09:00:00", "09:05:00", "09:06:00", "09:07:00"]),
            "answered": [True, False, False, True],
            "wait_s": [10.0, 2.0, 3.0, 30.0],
            "talk_s": [200.0, 0.0, 0.0, 100.0],
            "channel": "phone",
        }
    )


def dropped(folder, contacts, name="today"):
    """``contacts`` written as a live log's events into one drop of ``folder / name``."""
    (folder / name).mkdir()
    live_events(contacts).to_csv(folder / name / "0001.csv", index=False)
    return folder / name


def test_the_monitor_applies_short_abandons_as_compute_does(tmp_path):
    source = dropped(tmp_path, four_calls())
    with kk.options.context(short_abandon_s=5):
        day = IntradayMonitor(source).refresh().day
    # both abandons (2 s, 3 s) are short: SL 1 within 20 s of 2 = 50 %, abandonment 0 of 2
    assert (day["service_level"], day["abandonment_rate"]) == (50.0, 0.0)
    expected = kk.compute(four_calls(), kpis=["service_level", "abandonment_rate"],
                          short_abandon_s=5).set_index("kpi")["value"]  # fmt: skip
    assert expected.to_dict() == {"service_level": 50.0, "abandonment_rate": 0.0}


def test_the_dashboard_passes_its_engine_options_to_the_monitor(tmp_path):
    dropped(tmp_path, four_calls())
    app = MonitorApp(four_calls(), source="today", sources_dir=tmp_path, short_abandon_s=5)
    day = app.refresh().day
    assert (day["service_level"], day["abandonment_rate"]) == (50.0, 0.0)  # as above


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # abandons 2 s and 3 s are within 20 s: left out of the denominator, 1 of 2
        ({"sl_abandoned": "excluded"}, 50.0),
        # counted as met: 1 answered + 2 abandoned within 20 s of 4
        ({"sl_abandoned": "met"}, 75.0),
        # answered within 20 s over answered: 1 of 2
        ({"sl_denominator": "answered"}, 50.0),
    ],
)
def test_the_monitor_follows_the_service_level_variants(tmp_path, options, expected):
    source = dropped(tmp_path, four_calls())
    with kk.options.context(**options):
        assert IntradayMonitor(source).refresh().day["service_level"] == expected
    assert IntradayMonitor(source, **options).refresh().day["service_level"] == expected
    computed = kk.compute(four_calls(), kpis=["service_level"], **options)["value"].iloc[0]
    assert computed == expected


def test_an_interval_in_progress_is_never_reforecast_below_what_has_arrived(tmp_path):
    path = tmp_path / "live.csv"
    arrived = DAY + pd.Timedelta("09:00:00") + pd.to_timedelta(range(0, 1000, 5), unit="s")
    pd.DataFrame(
        {"contact_id": range(200), "arrived_at": arrived, "answered": True, "wait_s": 5.0}
    ).to_csv(path, index=False)  # 200 calls, one every 5 s from 09:00 to 09:16:35
    forecast = pd.DataFrame(
        {
            "period": pd.date_range(DAY + pd.Timedelta("09:00:00"), periods=3, freq="30min"),
            "volume": 10.0,
            "aht_s": 180.0,
        }
    )
    view = IntradayMonitor(path, forecast=forecast).refresh(now=DAY + pd.Timedelta("09:20:00"))
    current = view.intervals.set_index("period").loc[DAY + pd.Timedelta("09:00:00")]
    # max(200 arrived, 10 forecast * ratio 1): no interval is over yet to scale it
    assert current["reforecast_volume"] == 200
    # 200 calls of 180 s in 1800 s are 20 erlangs: more agents than that, not 3
    assert current["required_agents"] > 20
    assert view.day["reforecast_volume"] == 200 + 10 + 10  # then 10:00 and 10:30 as forecast


def waiting_then_answered(answered):
    """Calls 1 and 2 of 09:00 and 09:10: waiting (``answered`` None), or their outcomes."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": DAY + pd.to_timedelta(["09:00:00", "09:10:00"]),
            "answered": answered,
            "wait_s": [None, None] if answered[0] is None else [10.0, 40.0],
        }
    )


def test_a_parquet_row_updated_in_place_is_read_again(tmp_path):
    path = tmp_path / "live.parquet"
    waiting_then_answered([None, None]).to_parquet(path)
    monitor = IntradayMonitor(path)
    assert monitor.refresh(now=DAY + pd.Timedelta("09:15:00")).queue_depth == 2
    waiting_then_answered([True, True]).to_parquet(path)  # the same 2 rows, now answered
    view = monitor.refresh(now=DAY + pd.Timedelta("09:15:00"))
    # both answered (not waiting forever), counted once; 1 of 2 within 20 s (10 s, 40 s)
    assert (view.queue_depth, view.contacts, view.day["service_level"]) == (0, 2, 50.0)


def test_a_csv_log_replaced_by_a_longer_one_is_read_from_its_start(tmp_path):
    path = tmp_path / "live.csv"
    first = DAY + pd.Timedelta("09:00:00")
    pd.DataFrame(
        {"contact_id": [1, 2], "arrived_at": [first, first], "answered": True, "wait_s": 5.0}
    ).to_csv(path, index=False)
    monitor = IntradayMonitor(path)
    assert monitor.refresh().contacts == 2
    second = first + pd.Timedelta("1D")
    pd.DataFrame(
        {
            "contact_id": [11, 12, 13, 14, 15],
            "arrived_at": second + pd.to_timedelta([0, 1, 2, 3, 4], unit="min"),
            "answered": True,
            "wait_s": 5.0,
        }
    ).to_csv(path, index=False)  # day 2 written over day 1, a longer file
    view = monitor.refresh()
    assert (view.now.normalize(), view.contacts) == (DAY + pd.Timedelta("1D"), 5)  # all of day 2


def test_a_queue_filter_keeps_a_contact_whose_outcome_row_has_no_queue(tmp_path):
    header = "contact_id,arrived_at,answered,wait_s,queue\n"
    (tmp_path / "0001.csv").write_text(
        header + "1,2024-03-04 09:00,,,sales\n2,2024-03-04 09:01,,,sales\n"
    )  # both arrive in sales
    (tmp_path / "0002.csv").write_text(
        header + "1,2024-03-04 09:00,True,10,\n2,2024-03-04 09:01,True,50,support\n"
    )  # 1 answered in 10 s (its row without a queue); 2 moved to support, answered there
    view = IntradayMonitor(tmp_path, queue="sales").refresh()
    # sales: contact 1 alone, answered within 20 s: 1 of 1; nobody waiting (before: 2, 0 %)
    assert (view.contacts, view.queue_depth, view.day["service_level"]) == (1, 0, 100.0)


def test_the_dashboard_follows_a_zoned_log_on_a_daylight_saving_day(tmp_path):
    history = four_calls().assign(
        arrived_at=lambda frame: (frame["arrived_at"] - pd.Timedelta("7D")).dt.tz_localize(
            "Europe/Paris"
        )
    )
    times = ["01:30+02:00", "02:30+02:00", "02:30+01:00", "09:00+01:00"]
    pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": [f"2024-10-27 {time}" for time in times],  # Paris leaves summer time
            "answered": True,
            "wait_s": 5.0,
            "channel": "phone",
        }
    ).to_csv(tmp_path / "live.csv", index=False)
    app = MonitorApp(history, source="live.csv", sources_dir=tmp_path)
    view = app.refresh()  # before: "mixes UTC offsets ... give the monitor tz=" at every poll
    # 4 contacts on a day of 25 hours: 50 half hours, 02:30 twice (+02:00, then +01:00)
    assert (view.contacts, len(view.intervals)) == (4, 50)
    assert view.intervals["volume"].sum() == 4


def test_a_naive_log_at_the_repeated_hour_stays_readable_and_says_how(tmp_path):
    path = tmp_path / "live.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s\n"
        "1,2024-10-27 01:50,True,5\n2,2024-10-27 02:30,True,5\n3,2024-10-27 09:00,True,5\n"
    )  # 02:30 happens twice in Paris that night (+02:00, then +01:00)
    view = IntradayMonitor(path, tz="Europe/Paris").refresh()
    assert view.contacts == 3  # before: "arrived_at must be a date and time ... contact_id 2"
    # read as the first 02:30 (+02:00): the 6th half hour of a 25-hour day (00:00 to 02:30)
    halves = view.intervals["volume"].to_numpy()
    assert (len(halves), halves[5], halves[7]) == (50, 1.0, 0.0)
    assert "contact_id 2" in view.notes[0] and "first occurrence" in view.notes[0]


def three_channels():
    """A phone call, a chat and an email at 09:00-09:02, each answered after 25 s, and an email
    still waiting since 09:03."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": DAY + pd.to_timedelta(["09:00:00", "09:01:00", "09:02:00", "09:03:00"]),
            "answered": [True, True, True, None],
            "wait_s": [25.0, 25.0, 25.0, None],
            "talk_s": [100.0, 100.0, 100.0, None],
            "channel": ["phone", "chat", "email", "email"],
        }
    )


def test_every_channel_followed_judges_each_contact_by_its_channels_threshold(tmp_path):
    log = three_channels()
    path = tmp_path / "live.csv"
    log.to_csv(path, index=False)
    now = DAY + pd.Timedelta("10:00:00")
    # phone 25 s > 20 s: late; chat 25 s <= 30 s and email 25 s <= 24 h: in time; the email
    # waiting 57 min is not late by its 24 h, so not judged yet: 2 of 3. Before: every contact
    # at phone's 20 s, the waiting email counted late too: 0 of 4
    day = IntradayMonitor(path).refresh(now=now).day
    assert day["service_level"] == pytest.approx(200 / 3)
    finished = log.iloc[:3]
    computed = kk.compute(finished, kpis=["service_level"])["value"].iloc[0]
    assert computed == pytest.approx(200 / 3)
    # one threshold given: every contact judged by it, 0 of 4 (the waiting email late too)
    assert IntradayMonitor(path, threshold_s=20).refresh(now=now).day["service_level"] == 0.0
    # one channel followed: its own threshold, chat's 30 s: 1 of 1
    assert IntradayMonitor(path, channel="chat").refresh(now=now).day["service_level"] == 100.0


def test_the_dashboard_shows_every_channel_judged_by_its_own_threshold(tmp_path):
    (tmp_path / "today").mkdir()
    three_channels().iloc[:3].to_csv(tmp_path / "today" / "live.csv", index=False)
    app = MonitorApp(three_channels().iloc[:3], source="today", sources_dir=tmp_path, channel="all")
    assert app.refresh().day["service_level"] == pytest.approx(200 / 3)  # as above
    app._draw()
    assert "in each channel&#x27;s time" in app.tiles.value
    app.threshold_s.value = 25.0  # a threshold chosen on the slider: for every contact
    assert app.refresh().day["service_level"] == 100.0  # 25 s <= 25 s, all three
