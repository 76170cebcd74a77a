"""Faults the probe found in following a live log and checking the monitor's inputs, each
reproduced as it was met: a chunk that cannot be read, a coarser forecast, ids with leading
zeros, negative handle times, a Parquet log started anew, upper-case suffixes."""

import pandas as pd
import pytest

from kpikit.monitor import IntradayMonitor, LogFollower

DAY = pd.Timestamp("2026-03-02")
HEADER = b"contact_id,arrived_at,answered,wait_s,channel\n"


def test_a_csv_chunk_that_cannot_be_decoded_is_refused_and_read_again(tmp_path):
    path = tmp_path / "live.csv"
    path.write_bytes(HEADER + b"1,2026-03-02 09:00,True,5,phone\n")
    monitor = IntradayMonitor(path, channel="phone")
    bad = b"2,2026-03-02 09:01,True,5,t\xe9l\xe9phone\n3,2026-03-02 09:02,True,5,phone\n"
    with path.open("ab") as handle:
        handle.write(bad)
    with pytest.raises(ValueError, match=r"live\.csv.* line 3 .*UTF-8") as error:
        monitor.refresh()  # line 1 the header, line 2 contact 1, line 3 contact 2's é (0xe9)
    assert "cannot be decoded" in str(error.value)
    # the writer converts the file to UTF-8 and goes on: the failed lines are read then
    path.write_bytes(path.read_bytes().replace(b"\xe9", "é".encode()))
    with path.open("ab") as handle:
        handle.write(b"4,2026-03-02 09:03,True,5,phone\n")
    view = monitor.refresh()
    assert view.contacts == 3  # phone: contacts 1, 3 and 4 (2 is "téléphone"); before, 1 and 4


def test_a_csv_chunk_that_cannot_be_parsed_names_its_lines_and_is_read_again(tmp_path):
    path = tmp_path / "live.csv"
    path.write_bytes(b"contact_id,wait_s\n1,10\n")
    follower = LogFollower(path)
    assert len(follower.poll()) == 1
    with path.open("ab") as handle:
        handle.write(b"2,20\n3,5,7\n")  # line 4 has a field too many
    with pytest.raises(ValueError, match=r"live\.csv cannot be parsed in lines 3 to 4"):
        follower.poll()
    path.write_bytes(b"contact_id,wait_s\n1,10\n2,20\n3,5\n")  # the writer mends line 4
    assert follower.poll()["contact_id"].tolist() == ["2", "3"]  # read again, not lost


def forecast_every(step, volume):
    periods = pd.date_range(DAY + pd.Timedelta("09:00:00"), periods=4, freq=step)
    return pd.DataFrame({"period": periods, "volume": volume, "aht_s": 200.0})


def answered_log(folder):
    pd.DataFrame(
        {"contact_id": [1], "arrived_at": [DAY + pd.Timedelta("09:05:00")], "answered": True,
         "wait_s": 5.0}
    ).to_parquet(folder / "000001.parquet")  # fmt: skip


def test_a_forecast_coarser_than_the_monitor_is_refused(tmp_path):
    answered_log(tmp_path)
    # 30-minute periods all fall on 15-minute starts: 09:00 took the half hour's 100 contacts
    # and 09:15 none, nearly doubling the agents required at 09:00
    monitor = IntradayMonitor(tmp_path, forecast=forecast_every("30min", 100.0), freq="15min")
    with pytest.raises(ValueError, match=r"periods are 30 minutes apart.* intervals 15 minutes"):
        monitor.refresh()
    staffed = pd.Series(4.0, index=forecast_every("30min", 0.0)["period"])
    with pytest.raises(ValueError, match=r"'staffed'.*per monitor interval.*freq='30min'"):
        IntradayMonitor(tmp_path, staffed=staffed, freq="15min").refresh()


def test_a_forecast_as_fine_as_the_monitor_is_accepted(tmp_path):
    answered_log(tmp_path)
    view = IntradayMonitor(tmp_path, forecast=forecast_every("15min", 50.0), freq="15min").refresh()
    nine = view.intervals.set_index("period")["forecast_volume"]
    assert nine[DAY + pd.Timedelta("09:00:00")] == 50.0  # one row per 15-minute interval
    assert nine[DAY + pd.Timedelta("09:15:00")] == 50.0


def test_a_forecast_finer_than_the_monitor_is_refused_with_the_fix(tmp_path):
    answered_log(tmp_path)
    monitor = IntradayMonitor(tmp_path, forecast=forecast_every("15min", 50.0), freq="30min")
    with pytest.raises(ValueError, match=r"2 period\(s\).*15 minutes apart.*freq='15min'"):
        monitor.refresh()  # 09:15 and 09:45 are no half-hour start


@pytest.mark.parametrize("layout", ["file", "drop"])
def test_contact_ids_with_leading_zeros_stay_two_contacts(tmp_path, layout):
    rows = HEADER + (b"0123,2026-03-02 09:00,True,5,phone\n123,2026-03-02 09:01,False,30,phone\n")
    path = tmp_path / ("live.csv" if layout == "file" else "000001.csv")
    path.write_bytes(rows)
    view = IntradayMonitor(path if layout == "file" else tmp_path).refresh()
    assert view.contacts == 2  # before: 123 read as a number for both, one contact
    assert view.day["abandonment_rate"] == pytest.approx(50.0)  # 1 abandoned of 2 finished


@pytest.mark.parametrize("column", ["talk_s", "hold_s", "acw_s"])
def test_a_negative_handle_time_is_refused(tmp_path, column):
    pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": [DAY + pd.Timedelta("09:00:00"), DAY + pd.Timedelta("09:01:00")],
            "answered": True,
            "wait_s": 5.0,
            column: [-100.0, 200.0],
        }
    ).to_parquet(tmp_path / "000001.parquet")
    # before: the day's AHT was (-100 + 200) / 2 = 50 s
    with pytest.raises(ValueError, match=rf"Column '{column}'.* >= 0.*1 row\(s\).*contact_id 1"):
        IntradayMonitor(tmp_path).refresh()


def test_an_empty_handle_time_is_accepted(tmp_path):
    pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": [DAY + pd.Timedelta("09:00:00"), DAY + pd.Timedelta("09:01:00")],
            "answered": [True, False],
            "wait_s": 5.0,
            "talk_s": [300.0, None],  # the abandoned contact was never talked to
        }
    ).to_parquet(tmp_path / "000001.parquet")
    assert IntradayMonitor(tmp_path).refresh().day["aht_s"] == 300.0  # 300 / 1 answered


def test_a_parquet_log_rewritten_shorter_is_read_anew(tmp_path):
    path = tmp_path / "live.parquet"
    pd.DataFrame({"contact_id": [1, 2, 3]}).to_parquet(path)
    follower = LogFollower(path)
    assert len(follower.poll()) == 3
    pd.DataFrame({"contact_id": [7, 8]}).to_parquet(path)  # a new day: 2 rows, not 3
    assert follower.poll()["contact_id"].tolist() == [7, 8]  # before: nothing new
    pd.DataFrame({"contact_id": [7, 8, 9]}).to_parquet(path)
    assert follower.poll()["contact_id"].tolist() == [9]  # then it grows as before


def test_upper_case_suffixes_are_followed(tmp_path):
    path = tmp_path / "LOG.PARQUET"
    pd.DataFrame({"contact_id": [1, 2]}).to_parquet(path)
    assert len(LogFollower(path).poll()) == 2  # before: read as CSV, a UnicodeDecodeError
    folder = tmp_path / "drops"
    folder.mkdir()
    pd.DataFrame({"contact_id": [1]}).to_csv(folder / "0001.CSV", index=False)
    pd.DataFrame({"contact_id": [2]}).to_csv(folder / "0002.Csv.GZ", index=False)
    pd.DataFrame({"contact_id": [3]}).to_parquet(folder / "0003.Parquet")
    # before: the upper-case drops were skipped without a word
    assert LogFollower(folder).poll()["contact_id"].astype(str).tolist() == ["1", "2", "3"]


# --- drops as real feeds write them (probe of stop 63) --------------------------------------


def test_a_drop_mixing_iso_time_forms_is_read_whole(tmp_path):
    # pandas guessed one format from the first row: 09:10:30.250 and the T form became empty
    # times, and every refresh then failed on them, whatever came after.
    (tmp_path / "0001.csv").write_bytes(
        b"contact_id,arrived_at,answered,wait_s\n"
        b"c1,2026-03-02 09:05:00,True,5\nc2,2026-03-02 09:10:30.250,True,50\n"
        b"c3,2026-03-02T09:12:00,True,50\n"
    )
    view = IntradayMonitor(tmp_path).refresh()
    assert view.contacts == 3
    assert view.now == pd.Timestamp("2026-03-02 09:12:50")  # c3 answered after 50 s


def test_a_drop_being_written_is_read_once_whole(tmp_path):
    # The writer has written c2 up to "4" of its wait of 45, without the line's end: read then
    # and never again, ASA stayed (5 + 4) / 2 = 4.5 s. Now it waits, and reads (5 + 45) / 2.
    (tmp_path / "0001.csv").write_bytes(HEADER + b"c1,2026-03-02 09:05,True,5,phone\n")
    path = tmp_path / "0002.csv"
    path.write_bytes(HEADER + b"c2,2026-03-02 09:10,True,4")
    monitor = IntradayMonitor(tmp_path)
    assert monitor.refresh().contacts == 1
    path.write_bytes(HEADER + b"c2,2026-03-02 09:10,True,45,phone\n")
    view = monitor.refresh()
    assert view.contacts == 2 and view.day["asa"] == 25.0


def test_a_drop_left_without_its_last_newline_or_empty_is_read_after_a_pause(tmp_path):
    # A writer that ends its last line without a newline, and an empty file left behind: once
    # they have not changed for WRITE_PAUSE_S they are read as they are (the empty one has no
    # rows), and the drops after them too. A folder named like a drop is no drop.
    import os

    from kpikit.monitor._follow import WRITE_PAUSE_S

    (tmp_path / "0001.csv").write_bytes(HEADER + b"c1,2026-03-02 09:05,True,5,phone")
    (tmp_path / "0002.csv").write_bytes(b"")
    (tmp_path / "0003.csv").mkdir()
    (tmp_path / "0004.csv").write_bytes(HEADER + b"c4,2026-03-02 09:20,True,15,phone\n")
    monitor = IntradayMonitor(tmp_path)
    assert monitor.refresh().contacts == 0  # 0001 being written: it and the drops after wait
    past = os.stat(tmp_path / "0001.csv").st_mtime - WRITE_PAUSE_S - 1
    for name in ("0001.csv", "0002.csv"):
        os.utime(tmp_path / name, (past, past))
    assert monitor.refresh().contacts == 2  # c1 and c4


def test_a_second_replay_into_the_folder_is_followed(tmp_path):
    # Both replays named their drops 000000.csv, 000001.csv, ...: the second wrote over the
    # first, and a monitor that had read those names never read the new day. Now its drops
    # are numbered on, and the view moves to the day replayed last.
    from kpikit import load_sample
    from kpikit.monitor import replay

    def no_wait(seconds):
        return None

    sample = load_sample()
    days = sample.contacts["arrived_at"].dt.normalize()
    first = replay(sample, tmp_path, day="2026-08-28", speed=7200, drop_every_s=1, sleep=no_wait)
    monitor = IntradayMonitor(tmp_path)
    assert monitor.refresh().contacts == (days == "2026-08-28").sum()
    replay(sample, tmp_path, day="2026-08-29", speed=7200, drop_every_s=1, sleep=no_wait)
    assert len(list(tmp_path.glob("*.csv"))) > first  # none written over
    view = monitor.refresh()
    assert view.now.normalize() == pd.Timestamp("2026-08-29")
    assert view.contacts == (days == "2026-08-29").sum()


def test_the_repeated_hour_read_in_two_polls_keeps_its_two_passes(tmp_path):
    # Paris, 25 October 2026: 02:00-03:00 happens twice. The first poll reads 02:10 and 02:40
    # (summer time, +02:00); the next drop 02:05 and 02:35, earlier wall times, so the clock
    # went back: +01:00. The rule looked only at the rows of one poll, and put the second pair
    # in the first pass too (two contacts in 02:00+02 and 02:30+02, none in the +01 ones).
    head = b"contact_id,arrived_at,answered,wait_s\n"
    (tmp_path / "0001.csv").write_bytes(
        head + b"s1,2026-10-25 02:10:00,True,5\ns2,2026-10-25 02:40:00,True,5\n"
    )
    monitor = IntradayMonitor(tmp_path, tz="Europe/Paris")
    monitor.refresh()
    (tmp_path / "0002.csv").write_bytes(
        head + b"w1,2026-10-25 02:05:00,True,5\nw2,2026-10-25 02:35:00,True,5\n"
    )
    view = monitor.refresh()
    counted = view.intervals.set_index("period")["volume"]
    paris = [
        pd.Timestamp(text).tz_convert("Europe/Paris")
        for text in ("2026-10-25 02:00+02:00", "2026-10-25 02:30+02:00",
                     "2026-10-25 02:00+01:00", "2026-10-25 02:30+01:00")
    ]  # fmt: skip
    assert [counted[start] for start in paris] == [1, 1, 1, 1]
    assert view.now == pd.Timestamp("2026-10-25 02:35:05+01:00").tz_convert("Europe/Paris")


@pytest.mark.parametrize(
    "row, seen",
    [(b"c9,2126-03-03 08:00,True,5\n", 1), (b"c9,2026-03-02 09:10,True,1000000000\n", 2)],
    ids=["a date ahead", "a wait of 1e9 s"],
)
def test_a_stray_row_ahead_of_the_clock_does_not_move_the_day(tmp_path, row, seen):
    # With no now given the monitor's clock is the log's latest event: one row dated a
    # century ahead, or finished after a wait of 1e9 s (31 years), took the day and "now"
    # there, and every interval of today read as over. Such a row is refused, named; given a
    # time, the monitor shows the day as it stood then.
    head = b"contact_id,arrived_at,answered,wait_s\n"
    (tmp_path / "0001.csv").write_bytes(head + b"c1,2026-03-02 09:05,True,5\n")
    monitor = IntradayMonitor(tmp_path)
    monitor.refresh()
    (tmp_path / "0002.csv").write_bytes(head + row)
    with pytest.raises(
        ValueError, match=r"1 contact\(s\) whose arrival or end of wait or handling is later"
    ):
        monitor.refresh()
    view = monitor.refresh(now="2026-03-02 09:30")  # c9 still waiting at 09:30, or not yet
    assert view.now == pd.Timestamp("2026-03-02 09:30") and view.contacts == seen
