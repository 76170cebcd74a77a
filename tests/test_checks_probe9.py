"""Probe 9 of the schema checks' messages, the reading advice and the command line's errors."""

from pathlib import Path

import pandas as pd
import pytest

import kpikit as kk
from kpikit.cli import main
from kpikit.schema import SchemaError


def _contacts(wait_s) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4", "c5"],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00"] * 5),
            "answered": [True] * 5,
            "wait_s": pd.Series(wait_s, dtype=object),
        }
    )


def test_mixed_values_in_a_number_column_are_counted_with_their_ids():
    # Before: "wrong type: holds mixed values in an object column (object), expected numbers"
    # with no count nor ids. By hand: of [1, "2", 3.0, None, True] the text "2" (c2) and the
    # bool True (c5) are not numbers; None (c4) is missing, not counted: 2 rows, ids c2, c5.
    with pytest.raises(SchemaError) as caught:
        kk.validate(_contacts([1, "2", 3.0, None, True]))
    assert "2 rows hold a value that is not a number (first ids: c2, c5)" in str(caught.value)


def test_one_cell_that_is_not_a_number_is_named_in_the_singular():
    # By hand: only "x" (c3) is text among 1, 2, 4.5 and 5: 1 row, id c3.
    with pytest.raises(SchemaError) as caught:
        kk.validate(_contacts([1, 2, "x", 4.5, 5]))
    assert "1 row holds a value that is not a number (first ids: c3)" in str(caught.value)


def test_mixed_values_in_a_text_or_flag_column_are_counted_with_their_ids():
    # By hand: queue ["a", 7, None, "b", 2.5]: 7 (c2) and 2.5 (c5) are not text; answered
    # [True, "no", False, 1, True]: "no" (c2) and 1 (c4) are not booleans.
    contacts = _contacts([1, 2, 3, 4, 5]).assign(
        wait_s=[1, 2, 3, 4, 5],
        queue=pd.Series(["a", 7, None, "b", 2.5], dtype=object),
        answered=pd.Series([True, "no", False, 1, True], dtype=object),
    )
    with pytest.raises(SchemaError) as caught:
        kk.validate(contacts)
    message = str(caught.value)
    assert "queue: wrong type" in message
    assert "2 rows hold a value that is not text (first ids: c2, c5)" in message
    assert "2 rows hold a value that is not a boolean (first ids: c2, c4)" in message


def _log(tmp_path, *times) -> str:
    lines = ["contact_id,arrived_at,answered,wait_s"]
    lines += [f"c{i},{time},true,5" for i, time in enumerate(times, 1)]
    path = tmp_path / "contacts.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_dates_after_a_weekday_name_are_read_day_first_when_the_file_shows_it(tmp_path):
    # Before: pandas' inference read "Mon 05/01/2026" month first (1 May) and left
    # "Tue 06/01/2026" unread, advising datetime_format='%d/%m/%Y %H:%M', which reads neither.
    # By hand: 13/01 has a day above 12, so the file is day first: 5, 6 and 13 January.
    path = _log(tmp_path, "Mon 05/01/2026 09:00", "Tue 06/01/2026 10:30", "Tue 13/01/2026 11:00")
    read = kk.read_contacts(path)["arrived_at"].dt.strftime("%Y-%m-%d").tolist()
    assert read == ["2026-01-05", "2026-01-06", "2026-01-13"]


def test_ambiguous_dates_after_a_weekday_name_advise_formats_that_read_them(tmp_path):
    # 05/01 and 06/01 read as 5-6 January or 1 May and 1 June: kpikit asks, with formats that
    # start with %a; the advised day-first format reads the file as 5 and 6 January.
    path = _log(tmp_path, "Mon 05/01/2026 09:00", "Tue 06/01/2026 10:30")
    with pytest.raises(SchemaError) as caught:
        kk.read_contacts(path)
    message = str(caught.value)
    assert "read both day first and month first" in message
    assert "datetime_format='%a %d/%m/%Y %H:%M' for day first" in message
    read = kk.read_contacts(path, datetime_format="%a %d/%m/%Y %H:%M")["arrived_at"]
    assert read.dt.day.tolist() == [5, 6]


def test_a_wrong_format_for_weekday_dates_advises_the_one_with_the_weekday(tmp_path):
    # The format given lacks the weekday: the advice is '%a %d/%m/%Y %H:%M' (13 is a day).
    path = _log(tmp_path, "Tue 13/01/2026 09:00", "Wed 14/01/2026 10:30")
    with pytest.raises(SchemaError) as caught:
        kk.read_contacts(path, datetime_format="%d/%m/%Y %H:%M")
    assert "pass datetime_format='%a %d/%m/%Y %H:%M'" in str(caught.value)


unwritable = pytest.mark.skipif(
    not Path("/proc/self").is_dir() or not Path("/dev/null").exists(),
    reason="needs Linux's /proc, where no file can be made, and /dev/null",
)


@pytest.fixture
def sample_csv(tmp_path):
    path = tmp_path / "contacts.csv"
    _contacts([5, 6, 7, 8, 9]).assign(wait_s=[5, 6, 7, 8, 9]).to_csv(path, index=False)
    return str(path)


@unwritable
def test_a_replay_folder_that_cannot_be_made_names_the_argument(sample_csv, capsys):
    # Before: "[Errno 2] No such file or directory: '/proc/nope'".
    assert main(["replay", "/proc/nope", "--data", sample_csv, "--every", "1"]) == 2
    assert "folder: the folder cannot be made (No such file or directory): '/proc/nope'" in (
        capsys.readouterr().err
    )


@unwritable
def test_a_sample_folder_that_cannot_be_made_names_the_flag(capsys):
    # Before: "[Errno 2] No such file or directory: '/proc/nope'".
    assert main(["sample", "--out", "/proc/nope", "--days", "1"]) == 2
    assert "--out: the folder cannot be made (No such file or directory): '/proc/nope'" in (
        capsys.readouterr().err
    )


@unwritable
def test_an_output_under_a_file_says_so(sample_csv, capsys):
    # Before: "The folder of --output does not exist: '/dev/null'", which exists (a file).
    assert main(["compute", sample_csv, "-o", "/dev/null/x.csv"]) == 2
    assert "The folder of --output is a file, not a folder: '/dev/null'" in capsys.readouterr().err


def test_a_missing_column_is_not_said_to_be_another_column_of_the_schema():
    # No `answered` column, a `transferred` one: difflib finds 'transferred' close to
    # 'answered' (ratio 0.63), and the error asked "is 'transferred' the same?", a column
    # of another meaning. A column of another name (`answerd`) is still offered.
    log = pd.DataFrame(
        {
            "contact_id": [1],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00"]),
            "wait_s": [1.0],
            "transferred": [False],
        }
    )
    with pytest.raises(SchemaError) as refused:
        kk.validate(log)
    assert "contacts.answered: required column is missing" in str(refused.value)
    assert "'transferred' the same" not in str(refused.value)
    with pytest.raises(SchemaError, match="is 'answerd' the same?"):
        kk.validate(log.assign(answerd=[True]))
