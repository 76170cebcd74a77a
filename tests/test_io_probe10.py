"""Probe 10 of the command line and the readers: outputs that cannot be written, repeated ids
across parquet files."""

import pandas as pd
import pytest

from kpikit.cli import main

pytest.importorskip("duckdb")

OK_CSV = "contact_id,arrived_at,answered,wait_s\n1,2026-01-05 09:00,True,1\n"


def _log(folder, name, ids):
    """A parquet file of answered contacts ``ids``, each waiting 1 s."""
    frame = pd.DataFrame(
        {
            "CallID": ids,
            "arrived_at": pd.to_datetime(["2026-01-05 09:00"] * len(ids)),
            "answered": [True] * len(ids),
            "wait_s": [1.0] * len(ids),
        }
    )
    frame.to_parquet(folder / name)


def test_an_output_in_a_folder_no_file_can_be_made_in_names_the_output(tmp_path, capsys):
    # /proc takes no new file, even from root: the error said only "[Errno 2] No such file or
    # directory: '/proc/kpis.csv'", naming neither --output nor what failed.
    data = tmp_path / "ok.csv"
    data.write_text(OK_CSV)
    assert main(["compute", str(data), "-o", "/proc/kpis.csv"]) == 2
    assert capsys.readouterr().err == (
        "kpikit compute: error: --output: the file cannot be written (No such file or "
        "directory): '/proc/kpis.csv'; give a file in a folder you can write to\n"
    )


def test_ids_repeated_across_parquet_files_name_the_files(tmp_path, capsys):
    # By hand: a.parquet holds 1, 2, 3; b.parquet 3, 4, 1, 1; c.parquet 5. Rows repeating an
    # earlier id: 3 and 1 of b (three rows) -> "3 rows", first ids 1 and 3; 1 is in a (once)
    # and b (twice), 3 in a and b; c, holding neither, is not named. The message named the ids
    # alone ("(first ids: 1, 3)").
    logs = tmp_path / "logs"
    logs.mkdir()
    _log(logs, "a.parquet", ["1", "2", "3"])
    _log(logs, "b.parquet", ["3", "4", "1", "1"])
    _log(logs, "c.parquet", ["5"])
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nCallID,contact_id\n")
    assert main(["compute", str(logs), "--mapping", str(mapping), "--kpis", "asa"]) == 2
    a, b = logs / "a.parquet", logs / "b.parquet"
    assert capsys.readouterr().err.splitlines()[1] == (
        "- contacts.contact_id: 3 rows repeating the contact_id of an earlier row (first ids: "
        f"1 in '{a}' and '{b}' (2 rows); 3 in '{a}' and '{b}')"
    )


def test_kk_compute_of_a_folder_names_the_files_of_repeated_ids(tmp_path):
    # The same lookup in Python: kk.compute of a folder said "(first ids: 2)" alone. By hand:
    # x.parquet holds 1, 2; y.parquet 2, 3 -> one row repeats id 2, held by both files.
    import kpikit as kk
    from kpikit.schema import SchemaError

    for name, ids in (("x.parquet", ["1", "2"]), ("y.parquet", ["2", "3"])):
        _log(tmp_path, name, ids)
        frame = pd.read_parquet(tmp_path / name).rename(columns={"CallID": "contact_id"})
        frame.to_parquet(tmp_path / name)
    with pytest.raises(SchemaError) as refused:
        kk.compute(tmp_path, kpis=["asa"])
    x, y = tmp_path / "x.parquet", tmp_path / "y.parquet"
    assert (
        "contacts.contact_id: 1 row repeating the contact_id of an earlier row (first ids: "
        f"2 in '{x}' and '{y}')"
    ) in str(refused.value)


def test_an_id_repeated_in_more_files_than_shown_counts_the_others(tmp_path, capsys):
    # By hand: id 7 in five files, one row each -> 4 rows repeating it; three files named,
    # the 2 others counted.
    for name in "vwxyz":
        _log(tmp_path, f"{name}.parquet", ["7"])
    files = [str(tmp_path / f"{name}.parquet") for name in "vwxyz"]
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nCallID,contact_id\n")
    assert main(["compute", *files, "--mapping", str(mapping), "--kpis", "asa"]) == 2
    v, w, x = files[:3]
    assert capsys.readouterr().err.splitlines()[1] == (
        "- contacts.contact_id: 4 rows repeating the contact_id of an earlier row (first ids: "
        f"7 in '{v}', '{w}', '{x}' and 2 more file(s))"
    )


def test_a_mapping_the_file_refuses_names_the_mapping_flag(tmp_path, capsys):
    # Start and Begin both mapped to arrived_at: the error named the Python parameter ("Value
    # of 'mapping' maps several columns ..."), where every other message names the flag.
    data = tmp_path / "vendor.csv"
    data.write_text("id,Start,Begin,answered,wait_s\n1,2026-01-05 09:00,2026-01-05 10:00,True,1\n")
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(
        "source_column,kpikit_column\nid,contact_id\nStart,arrived_at\nBegin,arrived_at\n"
    )
    assert main(["compute", str(data), "--mapping", str(mapping)]) == 2
    assert capsys.readouterr().err == (
        "kpikit compute: error: --mapping maps several columns to 'arrived_at'; map one column "
        "to each kpikit name.\n"
    )


def test_a_mapping_naming_no_column_of_parquet_files_names_the_mapping_flag(tmp_path, capsys):
    # QueueSecs is in neither file: the error named "Value of 'mapping'".
    logs = tmp_path / "logs"
    logs.mkdir()
    _log(logs, "a.parquet", ["1"])
    _log(logs, "b.parquet", ["2"])
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nCallID,contact_id\nQueueSecs,wait_s\n")
    assert main(["compute", str(logs), "--mapping", str(mapping)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(
        "kpikit compute: error: --mapping names columns that are not in the parquet files: "
        "'QueueSecs'."
    )


def test_a_file_after_a_list_flag_is_named_with_that_flag(tmp_path, capsys):
    # --kpis takes every word after it, the file too: argparse said only "the following
    # arguments are required: file", though the file was given.
    data = tmp_path / "ok.csv"
    data.write_text(OK_CSV)
    with pytest.raises(SystemExit) as exited:
        main(["compute", "--kpis", "asa", str(data)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"kpikit compute: error: the following arguments are required: file ('{data}' was read "
        "as a value of --kpis: give it before --kpis, or end the values of --kpis with --)"
    )
    assert main(["compute", "--kpis", "asa", "--", str(data)]) == 0  # as the message says


def test_a_missing_file_after_a_list_of_words_is_told_as_argparse_tells_it(capsys):
    # No word after --kpis names a file: nothing is added to argparse's message.
    with pytest.raises(SystemExit):
        main(["compute", "--kpis", "asa", "aht"])
    error = capsys.readouterr().err.splitlines()[-1]
    assert error == "kpikit compute: error: the following arguments are required: file"


def test_a_folder_finds_its_tables_whatever_the_case_of_their_names(tmp_path):
    # Costs.CSV and agent_intervals.CSV (a Windows export) were left out unseen on Linux:
    # costs came back None, so no cost per contact. By hand: one cost row of 100, one interval.
    from kpikit.io import read_dataset

    (tmp_path / "contacts.csv").write_text(OK_CSV)
    (tmp_path / "Costs.CSV").write_text("period_start,cost\n2026-01-05,100\n")
    (tmp_path / "agent_intervals.CSV").write_text(
        "agent_id,interval_start,handling_s,available_s\na1,2026-01-05 09:00,600,600\n"
    )
    data = read_dataset(tmp_path)
    assert data.costs["cost"].tolist() == [100]
    assert data.agent_intervals["handling_s"].tolist() == [600]
    (tmp_path / "costs.csv").write_text("period_start,cost\n2026-01-05,100\n")
    with pytest.raises(ValueError, match=r"several costs files in .*: Costs.CSV, costs.csv; keep"):
        read_dataset(tmp_path)


def test_a_row_longer_than_the_header_is_one_line_of_error(tmp_path, capsys):
    # Data row 2 (line 3 of the file) has 5 fields under a header of 4. pandas' text ended in a
    # line break, so the error printed as "... saw 5" and then ". Quote the values ..." alone.
    data = tmp_path / "long.csv"
    data.write_text(OK_CSV + "2,2026-01-05 09:00,True,1,extra\n")
    assert main(["compute", str(data)]) == 2
    assert capsys.readouterr().err == (
        f"kpikit compute: error: Cannot read '{data}' as comma-separated text: Expected 4 "
        "fields in line 3, saw 5. Quote the values that hold a comma, or pass --sep ';' (or "
        "the character between the columns).\n"
    )


def test_a_byte_past_the_detected_head_is_placed_in_the_file(tmp_path, monkeypatch):
    # A 30-byte header, 12,000 contacts of 30 bytes ("00000,2026-01-05 09:00,True,1\n"), then
    # "c,Caf\xe9" (Windows-1252): the byte 0xe9 is at 30 + 12,000 * 30 + 5 = 360,035, on line
    # 1 + 12,000 + 1 = 12,002. pandas decodes in chunks, and the message gave the byte's place
    # in its chunk ("at position 3").
    from kpikit.io import _source, read_contacts

    monkeypatch.setattr(_source, "HEAD_BYTES", 1_000)  # detection looks at the first rows only
    rows = "".join(f"{i:05d},2026-01-05 09:00,True,1\n" for i in range(12_000))
    data = tmp_path / "late.csv"
    data.write_bytes(b"id,arrived_at,answered,wait_s\n" + rows.encode() + b"c,Caf\xe9\n")
    with pytest.raises(ValueError, match=r"byte 0xe9 at position 360035, line 12002\)"):
        read_contacts(data)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_file_above_the_size_limit_is_advised_what_the_command_line_can_do(
    tmp_path, capsys, monkeypatch, suffix
):
    # The command line has no flag for max_bytes, yet its error said "raise max_bytes to read
    # it". A limit of 10 bytes refuses any log; a parquet file is read past it by DuckDB when
    # --memory-limit is given (one answered contact waiting 1 s: ASA 1.0).
    from kpikit.io import read_contacts

    monkeypatch.setitem(read_contacts.__kwdefaults__, "max_bytes", 10)
    data = tmp_path / f"log{suffix}"
    data.write_text(OK_CSV)
    if suffix == ".parquet":
        pd.read_csv(data, dtype={"contact_id": str}, parse_dates=["arrived_at"]).to_parquet(data)
    assert main(["compute", str(data)]) == 2
    error = capsys.readouterr().err
    assert "max_bytes" not in error and "--memory-limit 4GB" in error
    if suffix == ".parquet":
        assert main(["compute", str(data), "--memory-limit", "1GB", "--kpis", "asa"]) == 0
        assert capsys.readouterr().out.splitlines()[1].split()[:2] == ["asa", "1.0"]


def test_reading_flags_refused_with_duckdb_say_a_parquet_file_takes_them_alone(tmp_path, capsys):
    # With --memory-limit the one parquet file goes to DuckDB, which takes no reading flag; the
    # error said the flags apply "to one CSV file, not to parquet files", yet without the cap
    # the same file is read with them (one answered contact waiting 1 s: ASA 1.0).
    data = tmp_path / "log.parquet"
    _log(tmp_path, "log.parquet", ["1"])
    flags = ["--na-values", "n/a", "--kpis", "asa"]
    assert main(["compute", str(data), "--memory-limit", "1GB", *flags]) == 2
    assert capsys.readouterr().err == (
        "kpikit compute: error: --na-values: reading flags apply to one CSV file or parquet file "
        "read into memory, not to parquet files read by DuckDB (several files, a folder, a "
        "glob, or a file with --memory-limit)\n"
    )
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("source_column,kpikit_column\nCallID,contact_id\n")
    assert main(["compute", str(data), "--mapping", str(mapping), *flags]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:2] == ["asa", "1.0"]


def test_no_kpi_row_prints_the_column_names_alone(tmp_path, capsys):
    # A log of no contacts by day has no period, so no row: pandas printed "Empty DataFrame",
    # "Columns: [period, kpi, ...]" and "Index: []" where the rows go.
    data = tmp_path / "empty.csv"
    data.write_text("contact_id,arrived_at,answered,wait_s\n")
    assert main(["compute", str(data), "--kpis", "asa", "--freq", "day"]) == 0
    assert capsys.readouterr().out == ("period kpi value numerator denominator ci_low ci_high\n")


def test_text_options_given_with_a_parquet_file_are_refused_not_ignored(tmp_path, capsys):
    # A parquet file holds typed columns: sep=";" and decimal="," were ignored without a word.
    import kpikit as kk

    log = tmp_path / "log.parquet"
    _log(tmp_path, "log.parquet", ["1", "2"])
    with pytest.raises(ValueError, match="sep and decimal apply to CSV text, not to the parquet"):
        kk.read_contacts(log, mapping={"CallID": "contact_id"}, sep=";", decimal=",")
    assert len(kk.read_contacts(log, mapping={"CallID": "contact_id"})) == 2
    assert main(["compute", str(log), "--encoding", "latin-1", "--kpis", "asa"]) == 2
    assert "--encoding applies to CSV text" in capsys.readouterr().err
