"""More hostile and careless use of the ``kpikit`` command and of the parquet paths it reads:
each case gives one clear line on standard error naming the argument (or a clear Python
error), never a traceback, a wrong folder read or written, or an unnamed flag."""

import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.cli import main

TWO_CONTACTS = (
    "contact_id,arrived_at,answered,wait_s\n1,2026-01-05 09:00,True,1\n2,2026-01-05 10:00,False,2\n"
)


def error_line(capsys) -> str:
    """The last line of standard error, checked to hold no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("reader", "path"),
    [(kk.compute, ""), (kk.compute, " "), (kk.scan_parquet, ""), (kk.scan_parquet, [" "])],
)
def test_an_empty_path_is_refused_as_empty_not_read_as_the_current_folder(
    tmp_path, monkeypatch, reader, path
):
    # Before: "The folder '' holds no parquet file" (Path("") is ".", whose files were read).
    monkeypatch.chdir(tmp_path)
    hand_contacts().to_parquet(tmp_path / "log.parquet")
    with pytest.raises(ValueError, match=r"Value of 'path' is empty; received: '\s*'\. Give"):
        reader(path)


def test_a_symbolic_link_loop_or_dangling_link_is_named_as_the_cause(tmp_path):
    # Before: "No such file or folder", which sent the user looking for a missing file.
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere.parquet")
    with pytest.raises(FileNotFoundError, match="leads round in a loop"):
        kk.scan_parquet(tmp_path / "a")
    with pytest.raises(FileNotFoundError, match="leads round in a loop"):
        kk.compute(str(tmp_path / "a" / "log.parquet"))
    with pytest.raises(FileNotFoundError, match="is a symbolic link to .*nowhere.parquet"):
        kk.scan_parquet(tmp_path / "gone")


def test_a_name_too_long_is_refused_naming_the_argument(tmp_path):
    # Before: a bare OSError "[Errno 36] File name too long", naming no argument.
    with pytest.raises(ValueError, match=r"Value of 'path' is refused by the system \(File name"):
        kk.scan_parquet(str(tmp_path / ("x" * 5000)))


def test_a_parquet_file_named_twice_is_refused_not_a_traceback(tmp_path, capsys):
    # Before: IndexError: list index out of range (its rows would have counted twice).
    log = tmp_path / "log.parquet"
    hand_contacts().to_parquet(log)
    assert main(["compute", str(log), str(log), "--kpis", "answer_rate"]) == 2
    line = error_line(capsys)
    assert "file names the file" in line and "more than once" in line
    with pytest.raises(ValueError, match="more than once"):
        kk.scan_parquet([tmp_path, log])


def test_the_paths_of_parquet_files_name_the_argument(tmp_path, capsys):
    # Before: "The folder '...' holds no parquet file", "No file matches ...": no argument.
    (tmp_path / "empty").mkdir()
    assert main(["compute", str(tmp_path / "empty")]) == 2
    assert error_line(capsys).startswith("kpikit compute: error: file is a folder that holds no")
    assert main(["compute", str(tmp_path / "no" / "*.parquet")]) == 2
    assert "error: file is a glob that matches nothing" in error_line(capsys)
    hand_contacts().to_parquet(tmp_path / "log.parquet")
    assert main(["compute", str(tmp_path / "log.parquet"), str(tmp_path / "no.parquet")]) == 2
    assert "error: file does not exist; received:" in error_line(capsys)


@pytest.mark.parametrize(
    ("arguments", "flag"),
    [
        (["--kpis", "nosuch"], "--kpis is not a KPI id"),
        (["--by", "nosuch"], "--by names column(s) ['nosuch']"),
        (["--freq", "fortnight"], "--freq is not a period"),
        (["--sl-threshold-s", "-5"], "--sl-threshold-s must be"),
        (["--tz", "Mars/Base"], "--tz is not a time zone name"),
        (["--csat-top-box", "9"], "--csat-top-box must be"),
    ],
)
def test_compute_errors_name_the_flags_not_the_python_parameters(tmp_path, capsys, arguments, flag):
    # Before: "Value of 'kpis' ...", "Value of 'sl_threshold_s' ...": no such flags exist.
    log = tmp_path / "log.csv"
    log.write_text(TWO_CONTACTS)
    assert main(["compute", str(log), *arguments]) == 2
    assert flag in error_line(capsys)


@pytest.mark.parametrize(
    "arguments",
    [
        ["sample", "--out", " ", "--days", "1"],
        ["compute", " "],
        ["report", "balanced_scorecard", "--data", ""],
        ["report", "balanced_scorecard", "--data", " "],
        ["report", "balanced_scorecard", "-o", ""],
        ["report", "daily", "-o", " "],
    ],
)
def test_a_blank_or_empty_path_is_refused_by_argparse(tmp_path, capsys, monkeypatch, arguments):
    # Before: "sample --out ' '" wrote the sample into a folder named " "; "report --data ''"
    # read the current folder as the data; "report -o ''" said "Value of 'path' ... '.'".
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    assert exited.value.code == 2
    assert "path; give a file or folder name" in error_line(capsys).replace(" (' ')", "")
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_cannot_be_one_names_the_flag(tmp_path, capsys):
    # Before: "[Errno 17] File exists: '...'", naming neither the flag nor the cause.
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    note = tmp_path / "note.txt"
    note.write_text("keep")
    assert main(["sample", "--out", str(tmp_path / "a"), "--days", "1"]) == 2
    assert "error: --out cannot be resolved: a symbolic link" in error_line(capsys)
    assert main(["sample", "--out", str(tmp_path / "gone"), "--days", "1"]) == 2
    assert "error: --out is a symbolic link to" in error_line(capsys)
    assert main(["replay", str(note)]) == 2
    assert "error: folder is a file, expected a folder" in error_line(capsys)
    assert note.read_text() == "keep"


def test_report_errors_name_output_and_data(tmp_path, capsys):
    # Before: "Value of 'path' must end in .html" / "... in .csv, ...": no such flag.
    (tmp_path / "note.txt").write_text("x")
    assert main(["report", "balanced_scorecard", "-o", str(tmp_path / "r.txt")]) == 2
    assert "error: --output must end in .html" in error_line(capsys)
    arguments = ["report", "balanced_scorecard", "--data", str(tmp_path / "note.txt")]
    assert main([*arguments, "-o", str(tmp_path / "r.html")]) == 2
    assert "error: --data must end in" in error_line(capsys)
    assert not (tmp_path / "r.html").exists()
