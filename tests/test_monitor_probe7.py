"""Probe 7 of the day as it happens (monitor, replay), reports and the command line: each
test is a careless or hostile use that went wrong before, with its expected value by hand."""

import pandas as pd
import pytest

import kpikit as kk
from kpikit.cli import main
from kpikit.monitor import replay


def _never_ending(limit=200):
    """A replay's ``sleep`` that fails the test after ``limit`` drops' waits: a replay of a
    two-contact day needs two or three of them."""
    calls = []

    def sleep(seconds):
        calls.append(seconds)
        if len(calls) > limit:
            raise AssertionError(f"the replay was still writing after {limit} waits")

    return sleep


def test_a_replay_of_a_contact_without_a_wait_is_refused_not_an_endless_loop(tmp_path):
    # Before: contact 2 (abandoned, wait_s empty) had its outcome row at NaT, a time no drop's
    # clock reaches, and the replay waited and wrote nothing, forever.
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:10"]),
            "answered": [True, False],
            "wait_s": [10.0, None],
        }
    )
    with pytest.raises(kk.SchemaError, match=r"contacts\.wait_s: 1 row empty .*first ids: 2"):
        replay(contacts, tmp_path, speed=600, drop_every_s=1, sleep=_never_ending())


def test_a_replay_of_a_contact_id_twice_is_refused_not_merged_into_one(tmp_path):
    # Before: both rows of id 7 went into the drops and the monitor counted one contact of
    # two (its last row wins): volume 1 where the log offered 2.
    contacts = pd.DataFrame(
        {
            "contact_id": [7, 7],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:10"]),
            "answered": [True, False],
            "wait_s": [10.0, 30.0],
        }
    )
    with pytest.raises(kk.SchemaError, match=r"contacts\.contact_id: .*7"):
        replay(contacts, tmp_path, speed=600, drop_every_s=1, sleep=_never_ending())


def test_a_good_day_replays_whole(tmp_path):
    # The check leaves a sound day alone: 2 contacts, a drop covering 600 s * 1 = 10 min of the
    # day; events at 09:00, 09:00:10 (answer), 09:10 and 09:10:30 (abandon), the clock starting
    # at midnight + 10 min: drops end at 09:00 (arrival of 1), 09:10 (answer of 1, arrival of
    # 2), 09:20 (abandon of 2): 3 drops, 4 rows.
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:10"]),
            "answered": [True, False],
            "wait_s": [10.0, 30.0],
        }
    )
    assert replay(contacts, tmp_path, speed=600, drop_every_s=1, sleep=_never_ending()) == 3
    rows = sum(len(pd.read_csv(path)) for path in tmp_path.glob("*.csv"))
    assert rows == 4


def _log_with_small_answers(folder):
    """Three contacts with CSAT answers 4 and 5 of a 1..5 survey (and one without)."""
    path = folder / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s,csat\n"
        "1,2026-03-02 09:00,True,5,5\n"
        "2,2026-03-02 09:10,True,8,4\n"
        "3,2026-03-02 09:20,True,9,\n"
    )
    return path


def test_compute_warns_in_one_line_naming_the_flag_not_the_python_parameter(tmp_path, capsys):
    # --csat-scale 10 on answers 4 and 5: top box 9-10, so 0 satisfied of 2 responses = 0 %,
    # with kpikit's warning. Before it printed as Python shows warnings, two lines:
    # ".../cli.py:NNN: CsatScaleWarning: csat_scale=10, yet ... needs csat_scale=5." and the
    # source line; the command names its flags (--csat-scale), as its errors do.
    path = _log_with_small_answers(tmp_path)
    assert main(["compute", str(path), "--kpis", "csat", "--csat-scale", "10"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "kpikit compute: warning: --csat-scale=10, yet no CSAT answer is above 5 (the largest "
        "of 2 is 5): every answer is below the top box (9-10), so CSAT is 0 %. A 1..5 survey "
        "needs --csat-scale=5."
    ]
    assert out.splitlines()[1].split()[:4] == ["csat", "0.0", "0.0", "2.0"]


def test_compute_names_the_threshold_flag_in_its_warning(tmp_path, capsys):
    # --sl-threshold-s phone=20 leaves email out (default 24 h, now judged by phone's 20 s):
    # kpikit's ThresholdWarning, worded with the flag.
    path = tmp_path / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s,channel\n"
        "1,2026-03-02 09:00,True,5,phone\n"
        "2,2026-03-02 09:10,True,60,email\n"
    )
    argv = ["compute", str(path), "--kpis", "service_level", "--sl-threshold-s", "phone=20"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    (line,) = err.splitlines()
    assert line.startswith("kpikit compute: warning: --sl-threshold-s leaves out 'email'")
    # phone 5 s <= 20 in, email 60 s > 20 out: 1 of 2 = 50 %
    assert out.splitlines()[1].split()[:4] == ["service_level", "50.0", "1.0", "2.0"]


def _tiny_log(folder):
    """Two contacts answered at 09:00 and 09:40 on 2 March 2026."""
    path = folder / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s\n"
        "c1,2026-03-02 09:00:00,true,10\n"
        "c2,2026-03-02 09:40:00,true,30\n"
    )
    return path


def test_a_forecast_row_without_its_period_is_refused_not_left_out(tmp_path):
    # Before: the row of 5 contacts with period NaT matched no interval; the day's forecast to
    # 09:45 read 4 * 1 + 2 * 0.5 = 5 contacts, the 5 of that row gone without a word.
    forecast = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02 09:00", None, "2026-03-02 09:30"]),
            "volume": [4.0, 5.0, 2.0],
            "aht_s": [100.0, 100.0, 100.0],
        }
    )
    with pytest.raises(ValueError, match=r"'forecast' must have a period on every row, but 1 row"):
        kk.monitor.IntradayMonitor(_tiny_log(tmp_path), forecast=forecast)


def test_staffed_agents_without_their_period_are_refused(tmp_path):
    staffed = pd.Series([3.0, 2.0], index=pd.to_datetime(["2026-03-02 09:00", None]))
    with pytest.raises(ValueError, match=r"row positions \[1\]"):
        kk.monitor.IntradayMonitor(_tiny_log(tmp_path), staffed=staffed)


def test_a_forecast_with_every_period_still_plans_the_day(tmp_path):
    # At 09:45: 09:00 over (1 contact of 4 forecast: ratio 1/4), 09:30 half elapsed (1 arrived,
    # 2 * 1/4 = 0.5 forecast): reforecast max(1, 0.5) = 1; day forecast 4 + 2 * 0.5 = 5.
    forecast = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:30"]),
            "volume": [4.0, 2.0],
            "aht_s": [100.0, 100.0],
        }
    )
    monitor = kk.monitor.IntradayMonitor(_tiny_log(tmp_path), forecast=forecast)
    view = monitor.refresh(now="2026-03-02 09:45")
    assert view.day["forecast_volume"] == 5.0
    rows = view.intervals.set_index("period").loc[["2026-03-02 09:00", "2026-03-02 09:30"]]
    assert rows["reforecast_volume"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing.csv", "kpikit report: error: Value of '--data' is neither a file nor a folder"),
        ("notes.txt", "kpikit report: error: --data must end in .csv, .csv.gz, .parquet;"),
    ],
)
def test_a_cadence_report_names_its_data_flag_not_a_python_parameter(
    tmp_path, capsys, name, expected
):
    # Before: "kpikit report: error: Value of 'path' does not exist; received: 'missing.csv'."
    # and "Value of 'path' must end in ...": the command has no 'path', and a dashboard report
    # given the same --data named the flag.
    (tmp_path / "notes.txt").write_text("not a contact log\n")
    output = tmp_path / "daily.html"
    argv = ["report", "daily", "--data", str(tmp_path / name), "-o", str(output)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected)
    assert "'path'" not in err and not output.exists()


def test_dates_that_read_day_or_month_first_are_noted_not_read_silently(tmp_path):
    # A log written day first early in the month: "02/03/2026" is 2 March or 3 February, and
    # no row decides. pandas reads it month first, so at 09:30 on 2 March the monitor saw 0 of
    # the 2 contacts (they sat on 3 February), and nothing said why.
    path = tmp_path / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s\n"
        "c1,02/03/2026 09:00:00,true,10\n"
        "c2,02/03/2026 09:05:00,true,30\n"
    )
    view = kk.monitor.IntradayMonitor(path).refresh(now="2026-03-02 09:30")
    assert view.contacts == 0  # read as 3 February, as before: the note says so
    (note,) = view.notes
    assert "(such as '02/03/2026 09:00:00'): they are read as 03 February 2026" in note


def test_dates_that_decide_their_order_bring_no_note(tmp_path):
    # 13/03/2026 can only be day first: both rows read day first (2 and 13 March), no doubt.
    path = tmp_path / "log.csv"
    path.write_text(
        "contact_id,arrived_at,answered,wait_s\n"
        "c1,02/03/2026 09:00:00,true,10\n"
        "c2,13/03/2026 09:05:00,true,30\n"
    )
    view = kk.monitor.IntradayMonitor(path).refresh(now="2026-03-13 09:30")
    assert (view.contacts, view.notes) == (1, ())
