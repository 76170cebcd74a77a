"""``kpikit compute`` reading flags: same names as read_contacts, errors that name the flag."""

import pandas as pd
import pytest

from kpikit.cli import main

# A European vendor export: semicolons, decimal commas, day-first dates, Y/N, Windows-1252.
VENDOR = (
    "contact_id;arrived_at;answered;wait_s;queue\r\n"
    "1;02/01/2026 09:00;Y;12,5;NA\r\n"
    "2;13/01/2026 10:30;N;30;Montréal\r\n"
    "3;13/01/2026 11:00;Y;7,5;NA\r\n"
)


@pytest.fixture
def vendor_csv(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(VENDOR.encode("cp1252"))
    return path


def compute(path, *flags, tmp_path):
    out = tmp_path / "kpis.csv"
    code = main(["compute", str(path), "--kpis", "asa", "--by", "queue", "-o", str(out), *flags])
    return code, out


def test_errors_name_the_flag_and_the_flag_fixes_them(vendor_csv, tmp_path, capsys):
    code, _ = compute(vendor_csv, tmp_path=tmp_path)
    assert code == 2
    error = capsys.readouterr().err
    assert "pass --true-values Y and --false-values N" in error
    assert "note: " in error and "was read as Windows-1252" in error

    code, out = compute(vendor_csv, "--true-values", "Y", "--false-values", "N", tmp_path=tmp_path)
    assert code == 0
    asa = pd.read_csv(out, keep_default_na=False, na_values=[""]).set_index("queue")["value"]
    # Queue "NA" (North America) is a group of its own: answered #1 and #3 wait 12.5 and 7.5.
    assert asa["NA"] == pytest.approx(10.0)


def test_ambiguous_dates_name_the_datetime_format_flag(tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    path.write_text("contact_id,arrived_at,answered,wait_s\n1,03/04/2026,True,3\n")
    assert main(["compute", str(path), "--kpis", "asa"]) == 2
    assert "pass --datetime-format %m/%d/%Y for month first" in capsys.readouterr().err
    assert main(["compute", str(path), "--kpis", "asa", "--datetime-format", "%d/%m/%Y"]) == 0


def test_format_flags_override_detection(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "contact_id|arrived_at|answered|wait_s|queue\n1|2026-01-13 09:00|oui|1,5|-\n",
        encoding="latin-1",
    )
    flags = ["--sep", "|", "--decimal", ",", "--encoding", "latin-1", "--tz", "Europe/Paris"]
    flags += ["--true-values", "oui", "--false-values", "non", "--na-values", "-"]
    code, out = compute(path, *flags, tmp_path=tmp_path)
    assert code == 0
    assert pd.read_csv(out)["value"].tolist() == [1.5]


def test_bad_flag_values_are_errors(tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    path.write_text("contact_id,arrived_at,answered,wait_s\n1,2026-01-13,True,3\n")
    assert main(["compute", str(path), "--tz", "Nowhere/Land"]) == 2
    assert "error: --tz is not a time zone name" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["compute", str(path), "--decimal", ";"])


def test_replay_takes_the_reading_flags_its_advice_names(vendor_csv, tmp_path, capsys):
    drops = tmp_path / "drops"
    argv = ["replay", str(drops), "--data", str(vendor_csv), "--speed", "1e6", "--every", "0.01"]
    assert main(argv) == 2
    assert "pass --true-values Y and --false-values N" in capsys.readouterr().err
    assert main([*argv, "--sep", ";", "--true-values", "Y", "--false-values", "N"]) == 0
    # The contacts of 13 January, the last day of the file, are #2 and #3 (events of each).
    written = pd.concat(map(pd.read_csv, sorted(drops.glob("*.csv"))))
    assert set(written["contact_id"]) == {2, 3}


def test_replay_refuses_reading_flags_without_a_file(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "drops"), "--true-values", "Y"]) == 2
    assert "--true-values: reading flags apply to the file given with --data" in (
        capsys.readouterr().err
    )
