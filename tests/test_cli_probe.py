"""Hostile and careless use of the ``kpikit`` command: each case gives a result or one clear
line on standard error, never a traceback, a hang or a silent change of what was asked."""

import types

import pytest
from fixtures import hand_contacts

import kpikit.cli
from kpikit.cli import main

TWO_CONTACTS = (
    "contact_id,arrived_at,answered,wait_s\n1,2026-01-05 09:00,True,1\n2,2026-01-05 10:00,False,2\n"
)


@pytest.mark.parametrize(
    ("threshold", "message"),
    [
        ("phone=20,phone=30", "channel(s) ['phone'] given more than once"),
        ("=20", "a channel name is empty"),
        ("phone=20, =30", "a channel name is empty"),
    ],
)
def test_per_channel_thresholds_refuse_a_repeated_or_empty_channel(
    tmp_path, capsys, threshold, message
):
    # "phone=20,phone=30" was read as {"phone": 30}, the first threshold silently dropped, and
    # "=20" as a threshold for a channel named "", which no contact has: both ran with exit 0.
    data = tmp_path / "contacts.csv"
    data.write_text(TWO_CONTACTS)
    assert main(["compute", str(data), "--sl-threshold-s", threshold]) == 2
    error = capsys.readouterr().err
    assert error == f"kpikit compute: error: --sl-threshold-s: {message}; received: {threshold!r}\n"


def _out_of_memory(*args, **kwargs):
    """What DuckDB raises when the KPIs need more than --memory-limit (1KB did, before the cap
    was checked against DuckDB's 64MB minimum; a large log does at any cap)."""
    import duckdb

    raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")


def test_a_memory_limit_too_small_is_an_error_naming_the_flag(tmp_path, capsys, monkeypatch):
    # DuckDB's OutOfMemoryException came out as a traceback with exit code 1.
    import kpikit

    monkeypatch.setattr(kpikit, "compute", _out_of_memory)
    hand_contacts().to_parquet(tmp_path / "contacts.parquet")
    code = main(["compute", str(tmp_path / "contacts.parquet"), "--memory-limit", "64MB"])
    error = capsys.readouterr().err
    assert code == 2
    assert error == (
        "kpikit compute: error: --memory-limit 64MB is too small: DuckDB ran out of memory "
        "computing the KPIs; give a larger one such as --memory-limit 4GB, or fewer files, KPIs "
        "or groups\n"
    )


def _interrupted_sleep(seconds):
    raise KeyboardInterrupt


def test_ctrl_c_stops_a_replay_between_drops_without_a_traceback(tmp_path, capsys, monkeypatch):
    # Ctrl-C during the wait between drops printed a KeyboardInterrupt traceback.
    data = tmp_path / "contacts.csv"
    data.write_text(TWO_CONTACTS)
    # the command's own sleep only: patching time.sleep itself also interrupted other threads
    # of the test process (py4j's, when a Spark test had run in it)
    monkeypatch.setattr(kpikit.cli, "time", types.SimpleNamespace(sleep=_interrupted_sleep))
    drops = tmp_path / "drops"
    code = main(["replay", str(drops), "--data", str(data), "--start", "09:00"])
    out, error = capsys.readouterr()
    assert code == 130
    # From 09:00 the first drop holds contact 1's arrival and its answer 1 s later; Ctrl-C
    # then comes in the first wait, so contact 2 (10:00) is never written.
    assert out == f"wrote 1 drops to {drops}\n"
    assert error == "kpikit replay: stopped by Ctrl-C\n"
    assert sorted(path.name for path in drops.iterdir()) == ["000000.csv"]  # no hidden part


def test_ctrl_c_in_any_command_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    import kpikit.cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(kpikit.cli, "_compute", interrupted)
    data = tmp_path / "contacts.csv"
    data.write_text(TWO_CONTACTS)
    assert main(["compute", str(data)]) == 130
    assert capsys.readouterr().err == "kpikit compute: stopped by Ctrl-C\n"


@pytest.mark.parametrize(("flag", "value", "least"), [("--days", "0", 1), ("--agents", "0", 6)])
def test_sample_names_the_flag_and_its_true_minimum(tmp_path, capsys, flag, value, least):
    # "--agents 0" said "--days and --agents must be at least 1", yet 1 agent is refused too:
    # the generator needs one agent per team, 6 teams.
    assert main(["sample", flag, value, "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error == f"kpikit sample: error: {flag} must be at least {least}; received: {value}\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--seed", "-1"], "--seed must be an integer >= 0 but received: -1"),
        (["--days", "2000"], "Values of --days and --agents must give at most 100,000"),
    ],
)
def test_sample_names_the_flags_the_generator_refuses(tmp_path, capsys, flags, said):
    # The generator's own checks named its parameters ('seed', 'days' and 'agents').
    assert main(["sample", *flags, "--out", str(tmp_path)]) == 2
    assert said in capsys.readouterr().err


def test_compute_checks_the_output_before_reading_the_data(tmp_path, capsys):
    # A bad output name was refused only after the whole log was read and computed; a log
    # that cannot be read then hid it. Here the data is missing and the output is wrong.
    code = main(["compute", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "kpis.json")])
    assert code == 2
    assert "--output must end in one of" in capsys.readouterr().err


@pytest.mark.parametrize("timeout", ["0", "-5"])
def test_report_refuses_a_timeout_that_would_mean_no_limit(tmp_path, capsys, timeout):
    # papermill reads 0 and negative time limits as "no limit": a cell could then run forever.
    with pytest.raises(SystemExit) as exited:
        main(["report", "daily", "--timeout", timeout, "-o", str(tmp_path / "r.html")])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "Value of 'timeout' must be a finite whole number >= 1 but received:" in error
    assert list(tmp_path.iterdir()) == []


def test_cadence_report_checks_the_output_before_reading_the_data(tmp_path, capsys):
    # The output's folder was checked only after the data was read and the report computed.
    with pytest.raises(SystemExit) as exited:
        main(["report", "weekly", "-o", str(tmp_path / "no folder" / "week.html")])
    assert exited.value.code == 2
    assert "The folder of --output does not exist" in capsys.readouterr().err


def test_render_refuses_a_timeout_below_one_second(tmp_path):
    from kpikit.report import render

    with pytest.raises(ValueError, match="Value of 'timeout' must be a finite whole number >= 1"):
        render(tmp_path / "any.ipynb", {}, timeout=0)


def test_a_missing_optional_dependency_is_one_line_naming_the_install(
    tmp_path, capsys, monkeypatch
):
    # Without DuckDB, a folder of parquet files ended in an ImportError traceback.
    import sys

    monkeypatch.setitem(sys.modules, "duckdb", None)
    hand_contacts().to_parquet(tmp_path / "part-0.parquet")
    assert main(["compute", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error == (
        "kpikit compute: error: Reading parquet files larger than memory needs DuckDB: "
        "pip install 'kpikit[duckdb]'\n"
    )


@pytest.mark.parametrize("read_as", ["file", "mapping"])
def test_compute_does_not_write_over_a_file_it_reads(tmp_path, capsys, read_as):
    # "-o contacts.csv" on contacts.csv replaced the contact log by the KPI table, exit 0.
    data = tmp_path / "contacts.csv"
    data.write_text(TWO_CONTACTS)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\n")
    target = {"file": data, "mapping": mapping}[read_as]
    before = target.read_text()
    flags = ["--mapping", str(mapping), "-o", str(target)]
    assert main(["compute", str(data), *flags]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kpikit compute: error: --output {target} is a file the command reads; "
        "write the KPIs to another file\n"
    )
    assert target.read_text() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"source_column,kpikit_column\nfile_\xe9,queue\n", "not UTF-8 text (byte 33 is 0xe9)"),
        (
            b"\xef\xbb\xbfsource_column,kpikit_column\nfile_\xe9,queue\n",
            "not UTF-8 text (byte 36 is 0xe9)",
        ),
        (None, "No such file or directory; give a CSV file of the columns"),
        ("folder", "Is a directory; give a CSV file of the columns"),
    ],
)
def test_a_mapping_file_that_cannot_be_read_names_the_flag(tmp_path, capsys, content, message):
    # A cp1252 mapping gave "'utf-8' codec can't decode byte 0xe9 in position 33: ...", and a
    # missing one "[Errno 2] No such file or directory: ...": neither named --mapping. The byte
    # is counted in the file (with a byte-order mark: 3 more); pandas 3 counted it in a chunk.
    data = tmp_path / "contacts.csv"
    data.write_text(TWO_CONTACTS)
    mapping = tmp_path / "mapping.csv"
    if content == "folder":
        mapping.mkdir()
    elif content is not None:
        mapping.write_bytes(content)
    assert main(["compute", str(data), "--mapping", str(mapping)]) == 2
    assert capsys.readouterr().err.startswith(
        f"kpikit compute: error: --mapping {mapping}: {message}"
    )


@pytest.mark.parametrize(
    ("arguments", "flags"),
    [
        (["--date", "2026-07-01"], "--date"),
        (["--by", "team", "--sector", "healthcare"], "--by, --sector"),
    ],
)
def test_a_dashboard_report_refuses_the_cadence_options_it_would_ignore(
    tmp_path, capsys, arguments, flags
):
    # "kpikit report balanced_scorecard --date 2026-07-01" rendered the dashboard as if no
    # date had been given, exit 0.
    output = tmp_path / "scorecard.html"
    with pytest.raises(SystemExit) as exited:
        main(["report", "balanced_scorecard", *arguments, "-o", str(output)])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert f"error: {flags}: options of the cadence reports (daily, weekly" in error
    assert "set its parameters with -p NAME VALUE" in error
    assert not output.exists()


def test_cadence_report_checks_its_workbook_name_before_reading_the_data(tmp_path, capsys):
    # week.xlsx, written beside week.html, is a folder: found only once the report was made.
    (tmp_path / "week.xlsx").mkdir()
    with pytest.raises(SystemExit) as exited:
        main(["report", "weekly", "-o", str(tmp_path / "week.html")])
    assert exited.value.code == 2
    assert "is a folder, expected a file name" in capsys.readouterr().err
    assert not (tmp_path / "week.html").exists()


def test_a_memory_limit_on_one_csv_file_says_the_flag_does_not_apply(tmp_path, capsys):
    # It said "Only .parquet files can be read this way; 1 of 1 files are not", without
    # naming --memory-limit as what chose "this way".
    data = tmp_path / "contacts.csv"
    data.write_text(TWO_CONTACTS)
    assert main(["compute", str(data), "--memory-limit", "2GB"]) == 2
    assert capsys.readouterr().err == (
        f"kpikit compute: error: --memory-limit caps DuckDB, which reads parquet files; {data} "
        "is read in memory, without a cap: leave the flag out\n"
    )


@pytest.mark.parametrize(
    "arguments",
    [["sample", "--out", ""], ["replay", ""], ["compute", ""], ["compute", "x.csv", "-o", ""]],
)
def test_an_empty_path_is_refused_not_taken_as_the_current_folder(
    tmp_path, capsys, monkeypatch, arguments
):
    # "sample --out ''" wrote the sample into the current folder, "replay ''" its drops, and
    # "compute ''" read every parquet file there: Path("") is ".".
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    assert exited.value.code == 2
    assert "an empty path; give a file or folder name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "extra, named",
    [(["-p", "level", "team"], "-p"), (["--timeout", "1"], "--timeout")],
)
def test_a_cadence_report_refuses_the_notebooks_options(tmp_path, capsys, extra, named):
    # A daily report ignored -p and --timeout (written, exit 0): options of the notebooks.
    with pytest.raises(SystemExit) as exited:
        main(["report", "daily", *extra, "-o", str(tmp_path / "day.html")])
    assert exited.value.code == 2
    assert f"error: {named}: options of the dashboard notebooks, not of the cadence report" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "day.html").exists()


def test_a_team_the_data_lacks_is_refused_not_replaced_by_every_team():
    # -p team Billling drew every team under a header saying team=Billling.
    from kpikit import load_sample
    from kpikit.apps import ScorecardApp

    with pytest.raises(ValueError, match=r"'team' is not a team of the data.*Did you mean 'Bill"):
        ScorecardApp(load_sample(), level="agent", team="Billling")


def test_a_dashboard_report_of_an_empty_log_is_refused(tmp_path, capsys):
    # A header-only file gave a page saying "the data has no such groups", exit 0; the
    # cadence reports already said the contacts are empty.
    data = tmp_path / "header.csv"
    data.write_text("contact_id,arrived_at,answered,wait_s\n")
    output = tmp_path / "card.html"
    code = main(["report", "balanced_scorecard", "--data", str(data), "-o", str(output)])
    assert code == 2 and not output.exists()
    assert "are empty: there is nothing to report" in capsys.readouterr().err


def test_sample_into_a_folder_holding_a_folder_named_like_its_files_writes_nothing(
    tmp_path, capsys
):
    # costs.csv was a folder: the command failed on it after writing the two .csv.gz files,
    # leaving old and new files mixed.
    (tmp_path / "costs.csv").mkdir()
    assert main(["sample", "--days", "1", "--agents", "6", "--out", str(tmp_path)]) == 2
    assert "holds ['costs.csv'] as folders" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["costs.csv"]
