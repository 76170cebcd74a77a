"""Probe 9 of the intraday monitor: daylight-saving days read from a live log."""

import pandas as pd
import pytest

from kpikit.monitor import IntradayMonitor

COLUMNS = ["contact_id", "arrived_at", "answered", "wait_s"]
# Paris, 2026-10-25: at 03:00 summer time (01:00 UTC) the clocks go back to 02:00 winter time
X_ARRIVES = ("x", "2026-10-25 02:58:00", "", "")  # 00:58 UTC
Y_ARRIVES = ("y", "2026-10-25 02:59:00", "", "")  # 00:59 UTC
X_ANSWERED = ("x", "2026-10-25 02:58:00", "True", "300")  # answered at 01:03 UTC (02:03 CET)
NOW = pd.Timestamp("2026-10-25 02:04:00+01:00")  # 01:04 UTC
# New York, 2026-11-01: at 02:00 EDT (06:00 UTC) the clocks go back to 01:00 EST; the same
# story an hour earlier on the wall clock: x 05:58 UTC, y 05:59 UTC, x answered 06:03 UTC
NEW_YORK = {
    "rows": [
        ("x", "2026-11-01 01:58:00", "", ""),
        ("y", "2026-11-01 01:59:00", "", ""),
        ("x", "2026-11-01 01:58:00", "True", "300"),
    ],
    "now": pd.Timestamp("2026-11-01 01:04:00-05:00"),
    "half_hour": pd.Timestamp("2026-11-01 01:30:00-04:00"),
}
PARIS = {
    "rows": [X_ARRIVES, Y_ARRIVES, X_ANSWERED],
    "now": NOW,
    "half_hour": pd.Timestamp("2026-10-25 02:30:00+02:00"),
}


def _write(path, rows, mode="w"):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.to_csv(path, index=False, mode=mode, header=mode == "w")


def _check_day(view, half_hour):
    # by hand: x (answered after 300 s > 20 s) and y (still waiting at now, 5 min = 300 s
    # after it arrived, past 20 s: a miss) both arrived in the last half hour of summer time;
    # service level 0 within / 2 judged = 0 %, ASA 300 s, one in the queue for 300 s
    table = view.intervals.set_index("period")
    assert view.contacts == 2
    assert table.loc[half_hour, "volume"] == 2
    assert table.loc[half_hour, "service_level"] == 0.0
    assert table.loc[half_hour, "asa"] == 300.0
    assert (view.queue_depth, view.longest_wait_s) == (1, 300.0)
    assert view.day["asa"] == 300.0


@pytest.mark.parametrize(("zone", "day"), [("Europe/Paris", PARIS), ("America/New_York", NEW_YORK)])
def test_an_outcome_row_after_a_later_repeated_time_keeps_its_arrival(tmp_path, zone, day):
    # x's outcome row follows y's arrival a minute later: by row order alone it was read in
    # winter time (an hour later, after now), and x, answered, vanished (contacts 1, ASA NaN)
    log = tmp_path / "log.csv"
    _write(log, day["rows"])
    _check_day(IntradayMonitor(log, tz=zone).refresh(now=day["now"]), day["half_hour"])


def test_an_outcome_row_read_later_keeps_its_arrival(tmp_path):
    # the same rows in two reads of a growing log: x's arrival read first, its outcome later
    log = tmp_path / "log.csv"
    _write(log, [X_ARRIVES, Y_ARRIVES])
    monitor = IntradayMonitor(log, tz="Europe/Paris")
    assert monitor.refresh(now=NOW).contacts == 2
    _write(log, [X_ANSWERED], mode="a")
    _check_day(monitor.refresh(now=NOW), PARIS["half_hour"])


def test_a_second_pass_arrival_still_reads_as_winter_time(tmp_path):
    # the rule of row order still holds for a new contact: z at 02:10 after y's 02:59 is the
    # second pass, 02:10+01:00 (01:10 UTC); by hand its interval is 02:00+01:00
    log = tmp_path / "log.csv"
    _write(log, [X_ARRIVES, Y_ARRIVES, X_ANSWERED, ("z", "2026-10-25 02:10:00", "True", "5")])
    view = IntradayMonitor(log, tz="Europe/Paris").refresh(now="2026-10-25 02:15:00+01:00")
    table = view.intervals.set_index("period")
    assert table.loc[pd.Timestamp("2026-10-25 02:00:00+01:00"), "volume"] == 1
    assert table.loc[pd.Timestamp("2026-10-25 02:30:00+02:00"), "volume"] == 2


@pytest.mark.parametrize(
    ("zone", "skipped"),
    [("Europe/Paris", "2026-03-29 02:30:00"), ("America/New_York", "2026-03-08 02:30:00")],
)
def test_an_arrival_in_the_hour_the_clocks_skip_is_named_as_such(tmp_path, zone, skipped):
    # 02:30 never happens on the spring day in either zone; the message said only that the
    # text was not "a date and time"
    log = tmp_path / "log.csv"
    _write(log, [("a", skipped[:11] + "01:45:00", "True", "5"), ("c", skipped, "True", "5")])
    monitor = IntradayMonitor(log, tz=zone)
    evening = pd.Timestamp(skipped[:11] + "20:00").tz_localize(zone)
    with pytest.raises(ValueError, match=f"skips in {zone}.*contact_id c at '{skipped}'"):
        monitor.refresh(now=evening)
    # a later row of the contact with a time that exists mends it
    _write(log, [("c", skipped[:11] + "03:30:00", "True", "5")], mode="a")
    assert monitor.refresh(now=evening).contacts == 2
