"""The ``kpikit`` command line: compute and sample (serve and report have their own tests)."""

import re
import subprocess
import sys

import pandas as pd
import pytest
from fixtures import hand_contacts

from kpikit.cli import main

OK_CSV = (
    "contact_id,arrived_at,answered,wait_s\n1,2026-01-05 09:00,True,1\n2,2026-01-05 10:00,False,2\n"
)


@pytest.fixture
def contacts_csv(tmp_path):
    path = tmp_path / "contacts.csv"
    hand_contacts().to_csv(path, index=False)
    return path


def test_compute_writes_a_csv_by_hand_values(contacts_csv, tmp_path):
    out = tmp_path / "kpis.csv"
    assert (
        main(
            [
                "compute",
                str(contacts_csv),
                "--kpis",
                "aht",
                "asa",
                "--by",
                "channel",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    table = pd.read_csv(out).set_index(["channel", "kpi"])["value"]
    # Phone answered #1 #2 #7 #8 #10: handle 250 + 360 + 300 + 180 + 200 = 1290 over 5.
    assert table[("phone", "aht")] == pytest.approx(258.0)
    # Chat answered #5 #6 #9: waits 5 + 15 + 8 = 28 over 3.
    assert table[("chat", "asa")] == pytest.approx(28 / 3)


def test_compute_options_reach_the_engine(contacts_csv, capsys):
    # T = 10 s: #1 #5 #9 within -> 3 / 10 offered.
    assert (
        main(["compute", str(contacts_csv), "--kpis", "service_level", "--sl-threshold-s", "10"])
        == 0
    )
    assert "30.0" in capsys.readouterr().out


def test_every_engine_option_has_a_flag(contacts_csv, capsys):
    # sl_abandoned=met: #4 (abandoned after 3 s) counts as met -> 7 of 10; transfers ignored:
    # FCR #2 #6 of #1 #2 #6 #7 -> 50 %.
    argv = ["compute", str(contacts_csv), "--kpis", "service_level", "fcr"]
    assert main([*argv, "--sl-abandoned", "met", "--fcr-transfers", "ignore"]) == 0
    out = capsys.readouterr().out
    assert "70.0" in out and "50.0" in out


def test_per_channel_thresholds_on_the_command_line(contacts_csv, capsys):
    # chat 5 s: #5 only; phone 20 s: #1 #7 #10 -> 4 of 10.
    argv = ["compute", str(contacts_csv), "--kpis", "service_level"]
    assert main([*argv, "--sl-threshold-s", "phone=20,chat=5"]) == 0
    assert "40.0" in capsys.readouterr().out


def test_csat_scale_is_used_to_read_and_to_compute(tmp_path, capsys):
    # A 1..10 survey: 9 and 10 are satisfied -> #1 (10) #5 (9) of 10, 9, 3, 2, 8, 6 -> 2 of 6.
    contacts = hand_contacts()
    contacts["csat"] = pd.array([10, 3, None, None, 9, 2, None, 8, 6, None], dtype="Int64")
    path = tmp_path / "ten.csv"
    contacts.to_csv(path, index=False)
    assert main(["compute", str(path), "--kpis", "csat"]) == 2  # 1..5 by default: refused
    assert "outside 1..5" in capsys.readouterr().err
    assert main(["compute", str(path), "--kpis", "csat", "--csat-scale", "10"]) == 0
    assert "33.3" in capsys.readouterr().out


def test_bad_option_values_get_a_message(contacts_csv, capsys):
    assert main(["compute", str(contacts_csv), "--fcr-method", "surveys"]) == 2
    assert "Did you mean 'survey'" in capsys.readouterr().err
    assert main(["compute", str(contacts_csv), "--nps-cutoffs", "six,nine"]) == 2
    assert "--nps-cutoffs" in capsys.readouterr().err
    assert main(["compute", str(contacts_csv), "--kpis", "ahtt"]) == 2
    assert "Did you mean 'aht'" in capsys.readouterr().err


def test_compute_with_a_vendor_mapping(tmp_path, capsys):
    vendor = hand_contacts().rename(columns={"arrived_at": "CallStart", "wait_s": "QueueSeconds"})
    source = tmp_path / "export.csv"
    vendor.to_csv(source, index=False)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nCallStart,arrived_at\nQueueSeconds,wait_s\n")
    assert main(["compute", str(source), "--mapping", str(mapping), "--kpis", "asa"]) == 0
    assert "19.375" in capsys.readouterr().out  # 155 s over 8 answered


def test_a_mapping_for_a_folder_of_parquet_files_is_checked(tmp_path, capsys):
    # a typo in the mapping of a folder was silently left out (only one file was checked)
    vendor = hand_contacts().rename(columns={"arrived_at": "CallStart", "wait_s": "QueueSeconds"})
    (tmp_path / "logs").mkdir()
    vendor.to_parquet(tmp_path / "logs" / "part-0.parquet")
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nCallStart,arrived_at\nQueueSecs,wait_s\n")
    argv = ["compute", str(tmp_path / "logs"), "--mapping", str(mapping), "--kpis", "asa"]
    assert main(argv) == 2
    assert "names columns that are not in the parquet files: 'QueueSecs'" in capsys.readouterr().err
    mapping.write_text("source_column,kpikit_column\nCallStart,arrived_at\nQueueSeconds,wait_s\n")
    assert main(argv) == 0
    assert "19.375" in capsys.readouterr().out  # 155 s over 8 answered, as from the CSV


def test_files_that_are_not_parquet_are_counted_among_all_given(tmp_path, capsys):
    # three files of which one CSV: it said "1 of 1 files are not", counting file by file
    _waits_parquet(tmp_path / "a.parquet", [10.0, 20.0])
    _waits_parquet(tmp_path / "b.parquet", [10.0, 20.0])
    (tmp_path / "c.csv").write_text("contact_id\n1\n")
    files = [str(tmp_path / name) for name in ("a.parquet", "b.parquet", "c.csv")]
    assert main(["compute", *files, "--kpis", "asa"]) == 2
    assert "1 of 3 files are not" in capsys.readouterr().err


def test_several_csv_files_are_told_to_be_read_one_at_a_time(tmp_path, capsys):
    # Two CSV logs: "Only parquet files can be read this way ... move them away", which told
    # neither what "this way" was nor that a CSV file is read alone.
    files = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for file in files:
        file.write_text("contact_id\n1\n")
    assert main(["compute", *map(str, files), "--kpis", "asa"]) == 2
    error = capsys.readouterr().err
    assert "Only parquet files can be read several at a time (a list, a folder or a glob)" in error
    assert "2 of 2 files are not" in error and "read a CSV file on its own" in error


def test_bad_input_is_an_error_message_not_a_traceback(tmp_path, capsys):
    bad = hand_contacts()
    bad.loc[2, "csat"] = 9
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    assert main(["compute", str(path)]) == 2
    error = capsys.readouterr().err
    assert "csat" in error and "1..5" in error


def test_compute_writes_a_formatted_workbook(contacts_csv, tmp_path):
    import openpyxl

    out = tmp_path / "result.xlsx"
    argv = ["compute", str(contacts_csv), "--kpis", "asa", "--by", "channel", "-o", str(out)]
    assert main(argv) == 0
    sheet = openpyxl.load_workbook(out)["KPIs"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    header = [cell.value for cell in sheet[1]]
    # Chat ASA 28 / 3 = 9.33 s, stored in whole seconds; header frozen with the grouping.
    assert rows["chat"][header.index("value")] == 9
    assert sheet.freeze_panes == "C2"


def test_output_suffix_is_checked(contacts_csv, tmp_path, capsys):
    assert main(["compute", str(contacts_csv), "-o", str(tmp_path / "kpis.json")]) == 2
    assert "--output" in capsys.readouterr().err


def test_missing_file_is_reported(tmp_path, capsys):
    assert main(["compute", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_sample_writes_a_loadable_data_set(tmp_path):
    assert main(["sample", "--days", "2", "--agents", "8", "--out", str(tmp_path)]) == 0
    contacts = pd.read_csv(tmp_path / "contacts.csv.gz")
    assert len(contacts) > 0 and {"contact_id", "arrived_at", "answered"} <= set(contacts.columns)


def test_sample_rejects_nonsense(tmp_path, capsys):
    assert main(["sample", "--days", "0", "--out", str(tmp_path)]) == 2
    assert "--days" in capsys.readouterr().err


def test_console_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "kpikit.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "compute" in result.stdout and "serve" in result.stdout


def _waits_parquet(path, waits):
    """Two answered contacts with these waits."""
    pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"]),
            "answered": [True, True],
            "wait_s": waits,
        }
    ).to_parquet(path)


def test_an_existing_file_with_brackets_is_that_file_not_a_glob(tmp_path, capsys):
    # "data [1].parquet" as a glob would match "data 1.parquet" (waits 100, 300: ASA 200).
    _waits_parquet(tmp_path / "data [1].parquet", [10.0, 20.0])
    _waits_parquet(tmp_path / "data 1.parquet", [100.0, 300.0])
    assert main(["compute", str(tmp_path / "data [1].parquet"), "--kpis", "asa"]) == 0
    # Its own waits: (10 + 20) / 2 answered = 15.
    assert capsys.readouterr().out.splitlines()[1].split()[:2] == ["asa", "15.0"]
    bracketed = tmp_path / "ok [1].csv"
    bracketed.write_text(OK_CSV)
    assert main(["compute", str(bracketed), "--kpis", "asa"]) == 0
    # One answered contact, waiting 1 s.
    assert capsys.readouterr().out.splitlines()[1].split()[:2] == ["asa", "1.0"]


HEADER = "source_column,kpikit_column\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + "x,\n", r"1 row\(s\) with an empty name \(rows \[1\] under the header\)"),
        (HEADER + ",wait_s\n", r"1 row\(s\) with an empty name"),
        (HEADER + "Q,wait_s\nQ,answered\n", r"\['Q'\] are mapped more than once \(rows \[1, 2\]"),
        ("", r"the file is empty"),
    ],
)
def test_a_mapping_file_with_gaps_or_repeats_is_refused(tmp_path, capsys, content, message):
    data = tmp_path / "ok.csv"
    data.write_text(OK_CSV)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(content)
    assert main(["compute", str(data), "--mapping", str(mapping)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"--mapping {mapping}" in error
    assert re.search(message, error)


def test_a_mapping_reads_a_column_named_na_as_written(tmp_path, capsys):
    data = tmp_path / "vendor.csv"
    data.write_text(OK_CSV.replace("wait_s", "NA"))
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nNA,wait_s\n")
    assert main(["compute", str(data), "--mapping", str(mapping), "--kpis", "asa"]) == 0
    # One answered contact, waiting 1 s.
    assert capsys.readouterr().out.splitlines()[1].split()[:2] == ["asa", "1.0"]


def _refusing_open(path, mode="r", *args, **kwargs):
    """What the system says when a folder may not be written to."""
    raise PermissionError(13, "Permission denied", str(path))


@pytest.mark.parametrize("name", ["kpis.csv", "kpis.csv.gz", "kpis.parquet", "kpis.xlsx"])
def test_a_write_error_names_the_output_given(tmp_path, capsys, monkeypatch, name):
    from kpikit.io import exporting

    data = tmp_path / "ok.csv"
    data.write_text(OK_CSV)
    monkeypatch.setattr(exporting, "open", _refusing_open, raising=False)
    assert main(["compute", str(data), "-o", str(tmp_path / name)]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kpikit compute: error: --output: the file cannot be written (Permission denied): "
        f"'{tmp_path / name}'; give a file in a folder you can write to\n"
    )
    assert sorted(tmp_path.iterdir()) == [data]  # no part file left


@pytest.mark.parametrize("name", ["kpis.csv.gz", "kpis.parquet"])
def test_compute_writes_gzip_and_parquet_through_the_export_checks(tmp_path, capsys, name):
    data = tmp_path / "ok.csv"
    data.write_text(OK_CSV)
    (tmp_path / "folder.parquet").mkdir()
    assert main(["compute", str(data), "-o", str(tmp_path / "folder.parquet")]) == 2
    assert "is a folder, expected a file name" in capsys.readouterr().err
    assert main(["compute", str(data), "--kpis", "asa", "-o", str(tmp_path / name)]) == 0
    read = pd.read_parquet if name.endswith(".parquet") else pd.read_csv
    # One answered contact, waiting 1 s.
    assert read(tmp_path / name).set_index("kpi").loc["asa", "value"] == 1.0


@pytest.mark.parametrize("start", ["25:00", "8", "08:60", "8h"])
def test_replay_refuses_a_start_that_is_no_time_of_day(tmp_path, capsys, start):
    with pytest.raises(SystemExit) as exited:
        main(["replay", str(tmp_path / "drops"), "--start", start])
    assert exited.value.code == 2
    assert f"argument --start: {start!r} is not a time of day hh:mm" in capsys.readouterr().err
    assert not (tmp_path / "drops").exists()


def test_compute_help_names_other_options_by_their_flags(capsys):
    # --fcr-method's help said 'unless fcr_transfers="ignore"', the Python spelling of the
    # option, which the command line does not take.
    with pytest.raises(SystemExit):
        main(["compute", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert 'unless --fcr-transfers="ignore"' in shown
    assert "fcr_transfers" not in shown
