"""Parquet files read by DuckDB (kpikit.metrics.scan_parquet): its progress bar kept out of
piped output, and ``tz`` placing naive times in the zone as kpikit.io.read_contacts does."""

import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.metrics import _sources
from kpikit.schema import SchemaError

pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parents[1]

# Run in a child whose standard output is a pipe, with DuckDB's progress bar due at once
# (progress_bar_time 0, rather than after two seconds): whatever kpikit lets DuckDB show goes
# into the pipe, however fast the machine. The child then turns the bar off, so that the frames
# seen are those kpikit's own setting lets through.
EAGER_BAR = """
import os, runpy, sys
import duckdb
connect = duckdb.connect
def eager(*args, **kwargs):
    connection = connect(*args, **kwargs)
    out = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the bar of these two statements themselves
    connection.execute("SET progress_bar_time = 0")  # which switches the bar on too
    connection.execute("SET enable_progress_bar = false")
    os.dup2(out, 1)
    return connection
duckdb.connect = eager
"""


def piped(code: str, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", EAGER_BAR + code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.fixture(scope="module")
def log_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("log") / "contacts.parquet"
    kk.load_sample().contacts.head(20_000).to_parquet(path, index=False)
    return path


def test_compute_of_a_path_prints_no_bar_into_a_pipe(log_file):
    # kk.compute(path) reads the file through scan_parquet. Before: DuckDB's text bar
    # ('\r  0% ▕...▏') went to the pipe ahead of what the program printed.
    run = piped("import kpikit as kk\nprint(len(kk.compute(sys.argv[1], kpis='aht')))", log_file)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "1\n"  # one KPI, no group, no period: one row, and nothing else


def test_cli_compute_writes_the_table_alone_into_a_pipe(log_file):
    # kpikit compute FILE --memory-limit reads it through DuckDB. Before: the bar's frames, then
    # the table's header glued to the last one.
    run = piped(
        "sys.argv = ['kpikit', *sys.argv[1:]]\nrunpy.run_module('kpikit.cli', run_name='__main__')",
        "compute",
        log_file,
        "--kpis",
        "aht",
        "--memory-limit",
        "1GB",
    )
    assert run.returncode == 0, run.stderr
    assert "\r" not in run.stdout and "▕" not in run.stdout
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["kpi", "value", "numerator", "denominator", "ci_low", "ci_high"]
    assert len(lines) == 2 and lines[1].split()[0] == "aht"


def test_bar_shown_where_it_is_seen(monkeypatch):
    # A terminal on standard output shows the text bar; a pipe or a file does not.
    monkeypatch.setattr(_sources.os, "isatty", lambda fd: fd == 1)
    assert _sources.shows_progress()
    monkeypatch.setattr(_sources.os, "isatty", lambda fd: False)
    assert not _sources.shows_progress()
    # A Jupyter kernel (IPython's shell configured by IPKernelApp, as DuckDB tells it) shows
    # DuckDB's widget when ipywidgets is there, whatever its standard output is.
    shell = types.SimpleNamespace(config={"IPKernelApp": {}})
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    monkeypatch.setattr(_sources.importlib.util, "find_spec", lambda name: name == "ipywidgets")
    assert _sources.shows_progress()
    monkeypatch.setattr(_sources.importlib.util, "find_spec", lambda name: None)
    assert not _sources.shows_progress()  # DuckDB shows nothing there without ipywidgets


# ---- tz on naive times -----------------------------------------------------------------------

PARIS = "Europe/Paris"


def naive_log(times) -> pd.DataFrame:
    """Answered contacts at the naive ``times``, the n-th (from 0) talking 100 * (n + 1) s."""
    count = len(times)
    return pd.DataFrame(
        {
            "contact_id": [f"c{number}" for number in range(count)],
            "arrived_at": pd.to_datetime(times),
            "answered": [True] * count,
            "wait_s": [10.0] * count,
            "talk_s": [100.0 * (number + 1) for number in range(count)],
            "hold_s": [0.0] * count,
            "acw_s": [0.0] * count,
        }
    )


def both_paths(path, **options):
    """compute of ``path`` read by DuckDB (kk.compute(path), the CLI's out-of-core path, and
    scan_parquet) and of read_contacts' pandas frame, with the same tz."""
    out_of_core = [
        to_pandas(kk.compute(path, tz=PARIS, **options)),
        to_pandas(kk.compute(kk.scan_parquet(path, tz=PARIS, progress=False), **options)),
    ]
    in_memory = kk.compute(kk.io.read_contacts(path, tz=PARIS), **options)
    return out_of_core, in_memory


def test_tz_places_naive_times_on_both_paths_across_clock_changes(tmp_path):
    # Times on the clock-change days of Paris in 2026, none in the hour skipped (29 March,
    # 02:00-03:00) or repeated (25 October, 02:00-03:00).
    times = [
        "2026-03-29 01:59:59",  # CET, +01:00
        "2026-03-29 03:00:00",  # CEST, +02:00: one second after the one before
        "2026-10-25 01:30:00",  # CEST, +02:00
        "2026-10-25 03:00:00",  # CET, +01:00: 2 h 30 after the one before
    ]
    path = tmp_path / "dst.parquet"
    naive_log(times).to_parquet(path, index=False)
    options = {"kpis": ["contacts_offered", "aht"], "freq": "hour"}
    out_of_core, in_memory = both_paths(path, **options)
    # By hand: each contact alone in its hour, its handle time its talk (100, 200, 300, 400 s);
    # the hours start at its local time's hour, in the offset of that moment.
    hours = pd.to_datetime(
        [
            "2026-03-29 01:00+01:00",
            "2026-03-29 03:00+02:00",
            "2026-10-25 01:00+02:00",
            "2026-10-25 03:00+01:00",
        ],
        utc=True,
    ).tz_convert(PARIS)
    for result in [*out_of_core, in_memory]:
        aht = result[result["kpi"] == "aht"]
        assert aht["period"].dt.tz_convert("UTC").tolist() == hours.tz_convert("UTC").tolist()
        assert str(aht["period"].dt.tz) == PARIS
        assert aht["value"].tolist() == [100.0, 200.0, 300.0, 400.0]
        assert result[result["kpi"] == "contacts_offered"]["value"].tolist() == [1.0] * 4
    # Before: kk.compute(path, tz=...) and scan_parquet(path, tz=...) refused the naive times
    # ("localize them first, e.g. .dt.tz_localize(...)") where read_contacts placed them.
    # Days of 23 and 25 hours: 29 March holds the first two contacts, 25 October the others.
    by_day = {"kpis": "aht", "freq": "day"}
    out_of_core, in_memory = both_paths(path, **by_day)
    for result in [*out_of_core, in_memory]:
        assert result["value"].tolist() == [150.0, 350.0]  # (100 + 200) / 2, (300 + 400) / 2
        assert [str(day) for day in result["period"]] == [
            "2026-03-29 00:00:00+01:00",
            "2026-10-25 00:00:00+02:00",
        ]


@pytest.mark.parametrize(
    "time",
    [
        "2026-03-29 02:00:00",  # skipped: Paris clocks go from 02:00 CET to 03:00 CEST
        "2026-03-29 02:59:59",
        "2026-10-25 02:00:00",  # repeated: 02:00-03:00 comes once in CEST, once in CET
        "2026-10-25 02:30:00",
    ],
)
def test_times_in_a_clock_change_refused_as_read_contacts_refuses_them(tmp_path, time):
    # read_contacts(tz=...) cannot know the moment of such a time: it refuses the file, naming
    # the rows. DuckDB alone would move a skipped time on an hour and take a repeated one as the
    # second; the out-of-core path refuses it as read_contacts does, with the same problem.
    path = tmp_path / "change.parquet"
    log = naive_log(["2026-03-28 09:00:00", time, "2026-10-26 09:00:00", time])
    log.to_parquet(path, index=False)
    with pytest.raises(SchemaError) as read:
        kk.io.read_contacts(path, tz=PARIS)
    (problem,) = read.value.problems
    assert (problem.count, problem.examples) == (2, ("c1", "c3"))  # the two rows at ``time``
    for scan in (
        lambda: kk.scan_parquet(path, tz=PARIS, progress=False),
        lambda: kk.compute(path, tz=PARIS, kpis="aht"),
    ):
        with pytest.raises(SchemaError) as scanned:
            scan()
        # Before: no refusal of these rows; compute refused every naive time with Python advice.
        assert scanned.value.problems == read.value.problems


def test_naive_times_kept_without_tz_and_zoned_ones_converted(tmp_path):
    # Without tz nothing changes: naive times stay naive (local times with no zone), as
    # read_contacts keeps them; a time in a clock change is then no problem.
    path = tmp_path / "naive.parquet"
    naive_log(["2026-03-29 02:30"]).to_parquet(path, index=False)
    relation = kk.scan_parquet(path, progress=False)
    assert str(relation.types[relation.columns.index("arrived_at")]).startswith("TIMESTAMP")
    assert "TIME ZONE" not in str(relation.types[relation.columns.index("arrived_at")])
    # Zoned times are left to DuckDB's zone of the connection, and shown in tz.
    zoned = tmp_path / "zoned.parquet"
    log = naive_log(["2026-03-29 00:30"])
    log["arrived_at"] = log["arrived_at"].dt.tz_localize("UTC")
    log.to_parquet(zoned, index=False)
    result = to_pandas(kk.compute(zoned, tz=PARIS, kpis="aht", freq="day"))
    assert [str(day) for day in result["period"]] == ["2026-03-29 00:00:00+01:00"]  # 01:30 CET
