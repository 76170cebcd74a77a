"""Intraday monitor probe 5: a call still in talk at ``now`` is answered, not handled."""

import numpy as np
import pandas as pd
import pytest
from fixtures import MONITOR_DAY as DAY

from kpikit.monitor import IntradayMonitor, live_events

NOW = DAY + pd.Timedelta("09:10:00")


def _day():
    """Four calls, by hand (T = 20 s, default options):

    ====  =======  ========  ====  ==========  ========  =================
    id    arrives  answered  wait  talk + acw  answer    handling ends
    ====  =======  ========  ====  ==========  ========  =================
    a     09:00    yes       10    200 + 40    09:00:10  09:04:10 (240 s)
    b     09:02    yes       30    600 + 60    09:02:30  09:13:30 (660 s)
    c     09:05    no        50                09:05:50 (abandons)
    d     09:06    yes       5     100 + 20    09:06:05  09:08:05 (120 s)
    ====  =======  ========  ====  ==========  ========  =================

    At 09:10 b is still in talk.
    """
    return pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d"],
            "arrived_at": DAY + pd.to_timedelta(["09:00:00", "09:02:00", "09:05:00", "09:06:00"]),
            "answered": [True, True, False, True],
            "wait_s": [10.0, 30.0, 50.0, 5.0],
            "talk_s": [200.0, 600.0, np.nan, 100.0],
            "acw_s": [40.0, 60.0, np.nan, 20.0],
        }
    )


def _write_up_to(folder, now):
    events = live_events(_day())
    events[events["event_at"] <= now].drop(columns="event_at").to_csv(
        folder / "000001.csv", index=False
    )


def test_a_call_in_talk_counts_as_answered_but_not_in_the_aht(tmp_path):
    # At 09:10: SL = within 20 s (a, d) / judged (a, b, c, d) = 2 / 4 = 50 %; ASA = (10 + 30
    # + 5) / 3 = 15 s; AHT = (240 + 120) / 2 = 180 s, a and d handled. Before: the replay
    # wrote b's talk at its answer and the AHT counted it: (240 + 660 + 120) / 3 = 340 s.
    _write_up_to(tmp_path, NOW)
    view = IntradayMonitor(tmp_path).refresh(now=NOW)
    assert view.day["service_level"] == pytest.approx(50.0)
    assert view.day["asa"] == pytest.approx(15.0)
    assert view.day["aht_s"] == pytest.approx(180.0)
    assert view.queue_depth == 0


def test_the_log_clock_includes_the_end_of_handling(tmp_path):
    # Written up to 09:04:30: a arrives, is answered (09:00:10), b arrives and is answered
    # (09:02:30), a's handling ends (09:04:10). The clock is that last event, a is handled, b
    # in talk: AHT 240 s, SL 1 of 2 within 20 s, ASA (10 + 30) / 2 = 20 s. Before: the clock
    # was b's answer and b's 660 s counted, AHT (240 + 660) / 2 = 450 s.
    _write_up_to(tmp_path, DAY + pd.Timedelta("09:04:30"))
    monitor = IntradayMonitor(tmp_path)
    view = monitor.refresh()
    assert view.now == DAY + pd.Timedelta("09:04:10")
    assert (view.day["aht_s"], view.day["service_level"], view.day["asa"]) == (240.0, 50.0, 20.0)
    # the whole day: the last event is b's end of handling, 09:13:30 (before: d's answer at
    # 09:06:05); every handle time known: (240 + 660 + 120) / 3 = 340 s
    live_events(_day()).drop(columns="event_at").to_csv(tmp_path / "000002.csv", index=False)
    view = monitor.refresh()
    assert view.now == DAY + pd.Timedelta("09:13:30")
    assert view.day["aht_s"] == pytest.approx(340.0)


def test_a_hand_written_three_row_log_is_merged_by_contact(tmp_path):
    # b's three rows as an ACD writes them, in two drops: arrival, answer (talk empty), then at
    # 09:13:30 the whole row again with its handle times. At 09:10 (given) b is in talk: no
    # AHT (before: 660 s); at 09:14 it is 660 s.
    head = "contact_id,arrived_at,answered,wait_s,talk_s,acw_s\n"
    (tmp_path / "0001.csv").write_text(
        head + "b,2024-03-04 09:02:00,,,,\nb,2024-03-04 09:02:00,True,30,,\n"
    )
    (tmp_path / "0002.csv").write_text(head + "b,2024-03-04 09:02:00,True,30,600,60\n")
    monitor = IntradayMonitor(tmp_path)
    view = monitor.refresh(now=NOW)
    assert np.isnan(view.day["aht_s"]) and view.day["asa"] == 30.0
    assert monitor.refresh(now=DAY + pd.Timedelta("09:14:00")).day["aht_s"] == 660.0


def test_a_two_row_log_keeps_its_handle_times_at_the_answer(tmp_path):
    # A log whose outcome row gives the handle times (no row of its own for the handling's
    # end) reads as before: at 09:10, AHT (240 + 660 + 120) / 3 = 340 s, the clock the last
    # outcome (d's answer, 09:06:05).
    day = _day()
    arrivals = day.assign(answered=None, wait_s=None, talk_s=None, acw_s=None)
    arrivals.to_csv(tmp_path / "0001.csv", index=False)
    day.to_csv(tmp_path / "0002.csv", index=False)
    monitor = IntradayMonitor(tmp_path)
    assert monitor.refresh(now=NOW).day["aht_s"] == pytest.approx(340.0)
    assert monitor.refresh().now == DAY + pd.Timedelta("09:06:05")


@pytest.mark.parametrize(
    "rows",
    [
        "a,2024-03-04 09:00,True,1e12,100\n",
        "a,2024-03-04 09:00,True,,\na,2024-03-04 09:00,True,5,1e12\n",
    ],
    ids=["a wait", "a handle time written as its own row"],
)
def test_a_time_past_what_pandas_holds_is_refused_by_contact(tmp_path, rows):
    # 1e12 s is 31,700 years: 09:00 plus that is past 2262-04-11, the last time pandas holds.
    # Before: a raw OutOfBoundsDatetime, naming neither the column nor the contact.
    (tmp_path / "0001.csv").write_text("contact_id,arrived_at,answered,wait_s,talk_s\n" + rows)
    with pytest.raises(ValueError, match=r"of 1 contact\(s\) past 2262-04-11.*contact_id a\)"):
        IntradayMonitor(tmp_path).refresh(now="2024-03-04 10:00")


def test_a_repeated_answer_row_does_not_undo_the_end_of_handling(tmp_path):
    # a's three rows, then its answer row again (a drop sent twice): the end of its handling
    # (talk 200 + acw 40 = 240 s, at 09:04:10) still stands, AHT 240 s at 09:10. Before: the
    # repeated row, being last, wiped the handle times: AHT NaN.
    head = "contact_id,arrived_at,answered,wait_s,talk_s,acw_s\n"
    answer = "a,2024-03-04 09:00:00,True,10,,\n"
    (tmp_path / "0001.csv").write_text(
        head + "a,2024-03-04 09:00:00,,,,\n" + answer + "a,2024-03-04 09:00:00,True,10,200,40\n"
    )
    (tmp_path / "0002.csv").write_text(head + answer)
    assert IntradayMonitor(tmp_path).refresh(now=NOW).day["aht_s"] == 240.0


@pytest.mark.parametrize("interval_s", [86_401, 1e12])
def test_an_interval_longer_than_a_day_is_refused_by_the_monitor_charts(interval_s):
    # a day's chart of intervals takes at most 86400 s each; 1e12 s (31,700 years) was a raw
    # OutOfBoundsTimedelta, 86401 s a bar wider than the day
    from kpikit.plots import intraday_volume

    intervals = pd.DataFrame({"period": [DAY, DAY + pd.Timedelta("30min")], "volume": [3.0, 0.0]})
    with pytest.raises(ValueError, match=r"'interval_s' must be a finite number > 0 and <= 86400"):
        intraday_volume(intervals, interval_s=interval_s)
