"""Parquet files read by DuckDB (kpikit.metrics.scan_parquet): its progress bar kept out of
piped output, and ``tz`` placing naive times in the zone as kpikit.io.read_contacts does."""

import subprocess
import sys
import types
from pathlib import Path

import pytest

import kpikit as kk
from kpikit.metrics import _sources

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
