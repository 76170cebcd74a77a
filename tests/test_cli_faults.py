"""Faults of the ``kpikit`` command found by a probe: an input overwritten through a folder or a
glob, a busy port, a closed pipe, messages naming Python parameters, the error contract."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit.cli
from kpikit.cli import main

TIMEOUT_S = 120


def _contacts_parquet(path, first_id=1):
    pd.DataFrame(
        {
            "contact_id": [first_id, first_id + 1],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"]),
            "answered": [True, True],
            "wait_s": [4, 6],
            "talk_s": [100, 200],
        }
    ).to_parquet(path)


def _kpikit(*argv, **options):
    """``kpikit`` run as its own process, from the checkout of kpikit these tests import."""
    checkout = str(Path(kpikit.cli.__file__).parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen([sys.executable, "-m", "kpikit.cli", *argv], env=env, **options)


@pytest.mark.parametrize("named", ["folder", "glob", "symlink", "dot"])
def test_an_output_among_the_files_a_folder_or_glob_reads_is_refused(
    tmp_path, capsys, monkeypatch, named
):
    # Expected: --output that is one of the files a folder or a quoted glob gives DuckDB is
    # refused before anything is read, with the one line a named input gets, and the file is
    # left as it was (a symbolic link to it or a ./ path is the same file). It was overwritten by
    # the KPI table, exit code 0.
    folder = tmp_path / "logs"
    folder.mkdir()
    _contacts_parquet(folder / "part 1.parquet")
    _contacts_parquet(folder / "part 2.parquet", first_id=3)
    target = folder / "part 2.parquet"
    before = target.read_bytes()
    source, output = {
        "folder": (str(folder), str(target)),
        "glob": (str(folder / "*.parquet"), str(target)),
        "symlink": (str(folder), str(tmp_path / "link.parquet")),
        "dot": ("./logs", "./logs/./part 2.parquet"),
    }[named]
    (tmp_path / "link.parquet").symlink_to(target)
    monkeypatch.chdir(tmp_path)
    assert main(["compute", source, "--kpis", "aht", "-o", output]) == 2
    assert capsys.readouterr().err == (
        f"kpikit compute: error: --output {Path(output)} is a file the command reads; write "
        "the KPIs to another file\n"
    )
    assert target.read_bytes() == before


def test_serve_on_a_busy_port_is_one_error_line_before_voila_starts(tmp_path):
    # Expected: `kpikit serve --port N` with N taken by another program prints one line
    # "kpikit serve: error: port N on 127.0.0.1 is already in use ..." and exits with 2, before
    # Voila starts, with no DeprecationWarning of traitlets. It printed Voila's log of several
    # lines ("trying another port", then CRITICAL) and exited with 1.
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = _kpikit(
            "serve",
            "--port",
            str(port),
            "--no-browser",
            "--pool-size",
            "0",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            out, err = server.communicate(timeout=TIMEOUT_S)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    assert server.returncode == 2
    assert out == ""
    assert err.splitlines() == [
        f"kpikit serve: error: port {port} on 127.0.0.1 is already in use; stop the program "
        "listening on it or give another port with --port"
    ]


def test_serve_passes_lists_and_dicts_to_voila_without_deprecated_json():
    # Expected: the list and dict options reach Voila one item per argument, the form traitlets
    # reads without a DeprecationWarning; JSON text made it print two warnings at every start.
    from argparse import Namespace

    from kpikit import serve

    args = Namespace(port=9000, no_browser=True, pool_size=0, cull_idle_timeout=60, ip="::1")
    argv = serve.voila_argv(Path("nb"), Namespace(**vars(args), token=None))
    assert "--VoilaConfiguration.extension_denylist=jupyterlab-plotly" in argv
    assert "--VoilaConfiguration.extension_denylist=jupyterlab_pygments" in argv
    assert not [item for item in argv if "=[" in item or "={" in item]


def test_a_reader_gone_from_the_pipe_ends_compute_quietly(tmp_path):
    # Expected: `kpikit compute ... | head -1` ends without a word on standard error and with
    # exit code 141 (128 + SIGPIPE, as a shell reports a tool ended by that signal). It printed
    # "kpikit compute: error: [Errno 32] Broken pipe" and exited with 2. The table (3000 agents)
    # is larger than a pipe holds, so the command is still writing when the pipe closes.
    rows = 3000
    data = tmp_path / "contacts.csv"
    pd.DataFrame(
        {
            "contact_id": range(rows),
            "arrived_at": "2026-01-05 09:00",
            "answered": True,
            "wait_s": 5,
            "agent_id": [f"agent-{number:05d}" for number in range(rows)],
        }
    ).to_csv(data, index=False)
    command = _kpikit(
        "compute",
        str(data),
        "--kpis",
        "asa",
        "--by",
        "agent_id",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        first = command.stdout.readline()
        command.stdout.close()
        err = command.stderr.read()
        command.wait(timeout=TIMEOUT_S)
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()
    assert b"agent_id" in first
    assert err == b""
    assert command.returncode == kpikit.cli.BROKEN_PIPE == 141


@pytest.mark.parametrize(
    ("argv", "flag", "parameter"),
    [
        (["compute", "{parquet}", "--memory-limit", "5XB"], "--memory-limit", "memory_limit"),
        (["compute", "{csv}", "-o", "{tmp}/no/such/kpis.csv"], "--output", "'path'"),
        (["compute", "{csv}", "-o", "{tmp}/folder.csv"], "--output", "'path'"),
        (["compute", "{tmp}/nope.csv"], "file", "'path'"),
        (["replay", "{tmp}/drops", "--data", "{tmp}/nope.csv"], "--data", "'path'"),
        (["replay", "{tmp}/drops", "--data", "{csv}", "--every", "-1"], "--every", "drop_every_s"),
        (["replay", "{tmp}/drops", "--data", "{csv}", "--speed", "0"], "--speed", "'speed'"),
        (["sample", "--days", "1", "--agents", "8", "--out", "{csv}"], "--out", "out_dir"),
    ],
)
def test_errors_name_the_flag_not_the_python_parameter(tmp_path, capsys, argv, flag, parameter):
    # Expected: a refused value is named by the flag it was given with (--memory-limit, --output,
    # --data, --every, --out; the positional file as 'file'). The messages named the parameter
    # of the Python function behind it: memory_limit, 'path', drop_every_s, out_dir.
    _contacts_parquet(tmp_path / "contacts.parquet")
    hand_contacts().to_csv(tmp_path / "contacts.csv", index=False)
    (tmp_path / "folder.csv").mkdir()
    names = {"parquet": tmp_path / "contacts.parquet", "csv": tmp_path / "contacts.csv"}
    assert main([item.format(tmp=tmp_path, **names) for item in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kpikit {argv[0]}: error: ") and f" {flag} " in err
    assert parameter not in err and len(err.splitlines()) == 1


def test_a_schema_error_is_a_first_line_then_its_problems_as_documented(tmp_path, capsys):
    # Expected: the docstring of kpikit.cli says what a data error looks like: a first line
    # "kpikit compute: error: ..." and then its problems, one per line. It said an error is one
    # line, and a SchemaError is several.
    bad = hand_contacts()
    bad.loc[2, "csat"] = 9
    bad.loc[3, "wait_s"] = -4
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    assert main(["compute", str(path)]) == 2
    first, *problems = capsys.readouterr().err.splitlines()
    assert first.startswith("kpikit compute: error: ") and "(2 problems)" in first
    assert len(problems) == 2 and all(line.startswith("- contacts.") for line in problems)
    doc = " ".join(kpikit.cli.__doc__.split())
    assert "An error is one line" not in doc
    assert "then its list of problems, one per line" in doc


def _paris_log(path, times, time_column="arrived_at"):
    """Two answered contacts at the naive local ``times``, waits 4 and 6 s."""
    pd.DataFrame(
        {
            "contact_id": ["c1", "c2"],
            time_column: pd.to_datetime(times),
            "answered": [True, True],
            "wait_s": [4.0, 6.0],
            "talk_s": [100.0, 200.0],
        }
    ).to_parquet(path)


def test_a_folder_read_with_tz_gives_command_line_advice(tmp_path, capsys):
    # 02:30 on 29 March does not happen in Paris: refused as for one file, and the advice
    # names the flag (--tz), not the Python parameter (tz).
    folder = tmp_path / "log"
    folder.mkdir()
    _paris_log(folder / "part.parquet", ["2026-03-29 01:30", "2026-03-29 02:30"])
    assert main(["compute", str(folder), "--tz", "Europe/Paris", "--kpis", "asa"]) == 2
    error = capsys.readouterr().err
    assert "1 row in a clock change of Europe/Paris" in error
    assert "leave --tz unset" in error


def test_a_time_column_renamed_by_the_mapping_is_placed_in_the_zone_of_tz(tmp_path, capsys):
    # CallStart renamed to arrived_at: 23:30 on 4 January in Paris is 22:30 UTC, the contact
    # at 00:30 on 5 January is the next day. By day in Paris, one contact a day (ASA 4 s and
    # 6 s), as the same file read in memory gives.
    folder = tmp_path / "log"
    folder.mkdir()
    _paris_log(folder / "part.parquet", ["2026-01-04 23:30", "2026-01-05 00:30"], "CallStart")
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nCallStart,arrived_at\n")
    common = ["--mapping", str(mapping), "--tz", "Europe/Paris", "--kpis", "asa", "--freq", "day"]
    outputs = []
    for files in ([str(folder)], [str(folder / "part.parquet")]):
        out = tmp_path / f"kpis{len(outputs)}.csv"
        assert main(["compute", *files, *common, "-o", str(out)]) == 0, capsys.readouterr().err
        outputs.append(pd.read_csv(out))
    folder_table, file_table = outputs
    assert folder_table["value"].tolist() == [4.0, 6.0]
    assert folder_table["period"].tolist() == file_table["period"].tolist()
    assert folder_table["period"].str.startswith(("2026-01-04", "2026-01-05")).all()
