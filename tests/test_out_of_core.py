"""kk.compute and ``kpikit compute`` on parquet files read by DuckDB, not loaded into pandas."""

import os

import pandas as pd
import pytest
from fixtures import hand_contacts, random_contacts

import kpikit as kk
from kpikit.cli import main


@pytest.fixture
def parquet_folder(tmp_path):
    """A random log of 60 contacts written in three parquet files, as a writer in chunks would."""
    contacts = random_contacts(3, 60)
    folder = tmp_path / "contacts"
    (folder / "2026").mkdir(parents=True)
    for number in range(3):
        chunk = contacts.iloc[20 * number : 20 * (number + 1)]
        sub = folder / "2026" if number else folder  # folders are searched recursively
        chunk.to_parquet(sub / f"part-{number}.parquet", index=False)
    return folder, contacts


def same(expected, table):
    table, expected = table.copy(), expected.copy()
    if "period" in table:
        table["period"] = table["period"].astype(expected["period"].dtype)
    for key in {"agent_id", "channel"} & set(table):  # DuckDB's missing string: <NA>, not None
        for frame in (table, expected):
            frame[key] = frame[key].astype(object).where(frame[key].notna(), None)
    pd.testing.assert_frame_equal(expected, table, check_dtype=False, check_exact=False)


@pytest.mark.parametrize("form", ["folder", "glob", "path"])
def test_compute_on_parquet_files_equals_pandas(parquet_folder, form):
    folder, contacts = parquet_folder
    source = {"folder": folder, "glob": f"{folder}/**/*.parquet", "path": str(folder)}[form]
    expected = kk.compute(contacts, by="agent_id", freq="day")
    table = kk.compute(source, by="agent_id", freq="day")
    assert isinstance(table, pd.DataFrame)  # files in, a pandas table out
    same(expected, table)


def test_scan_parquet_stays_lazy_under_a_memory_cap(parquet_folder):
    folder, contacts = parquet_folder
    relation = kk.scan_parquet(folder, memory_limit="200MB", progress=False)
    limit = relation.query("r", "SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit == "190.7 MiB"  # DuckDB reads 200MB as 200e6 bytes
    same(kk.compute(contacts, kpis="fcr"), kk.compute(relation, kpis="fcr").df())


def test_paths_are_checked_before_use(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file or folder"):
        kk.compute(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="holds no parquet file"):
        kk.compute(tmp_path)
    with pytest.raises(FileNotFoundError, match="No file matches"):
        kk.compute(str(tmp_path / "*.parquet"))
    hand_contacts().to_csv(tmp_path / "log.csv", index=False)
    (tmp_path / "fake.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match=r"1 of 2 files are not, e.g. \['.*log.csv'\]"):
        kk.compute(str(tmp_path / "*"))
    with pytest.raises(ValueError, match=r"Cannot read '.*fake.parquet' as a parquet file"):
        kk.compute(tmp_path / "fake.parquet")
    with pytest.raises(ValueError, match="memory_limit must be a size"):
        kk.scan_parquet(tmp_path / "fake.parquet", memory_limit="all of it")


def test_cli_computes_on_a_folder_with_a_memory_cap(parquet_folder, tmp_path, capsys):
    folder, contacts = parquet_folder
    out = tmp_path / "kpis.csv"
    argv = ["compute", str(folder), "--by", "channel", "--memory-limit", "300MB", "-o", str(out)]
    assert main(argv) == 0
    expected = kk.compute(contacts, by="channel")
    same(expected, pd.read_csv(out))
    # A glob expanded by the shell arrives as several files.
    files = sorted(str(path) for path in folder.rglob("*.parquet"))
    assert main(["compute", *files, "--kpis", "aht"]) == 0
    assert "aht" in capsys.readouterr().out


def test_cli_refuses_csv_flags_and_bad_caps_for_parquet_folders(parquet_folder, capsys):
    folder, _ = parquet_folder
    assert main(["compute", str(folder), "--sep", ";"]) == 2
    assert "--sep: reading flags apply to one CSV file" in capsys.readouterr().err
    assert main(["compute", str(folder), "--memory-limit", "lots"]) == 2
    assert "--memory-limit must be a size" in capsys.readouterr().err


# --- what a folder holds besides .parquet files (probe of stop 63) --------------------------


def test_parquet_files_with_other_names_in_a_folder_are_read_not_skipped(tmp_path, capsys):
    # Hive writes 000001_0, some tools .parq: parquet by their first bytes. They were skipped
    # without a word, so 20 of the 60 contacts were counted (rows in = rows counted).
    contacts = random_contacts(3, 60)
    folder = tmp_path / "log"
    folder.mkdir()
    for number, name in enumerate(["part-0.parquet", "000001_0", "part-2.parq"]):
        contacts.iloc[20 * number : 20 * (number + 1)].to_parquet(folder / name, index=False)
    (folder / "_SUCCESS").write_text("")  # a writer's mark: hidden, as Spark and pandas hide it
    table = kk.compute(folder, kpis="contacts_offered")
    assert table["value"].tolist() == [60.0]
    assert main(["compute", str(folder), "--kpis", "contacts_offered"]) == 0
    assert "60" in capsys.readouterr().out


def test_a_file_that_is_not_parquet_in_a_folder_is_named_not_skipped(parquet_folder, capsys):
    folder, contacts = parquet_folder
    contacts.head(5).to_csv(folder / "2026" / "late.csv", index=False)
    with pytest.raises(ValueError, match=r"1 of 4 files are not, e.g. \['.*late.csv'\]: read a"):
        kk.compute(folder)
    assert main(["compute", str(folder)]) == 2
    assert "late.csv" in capsys.readouterr().err
    # Named with a glob, the parquet files alone are read.
    same(kk.compute(contacts, kpis="aht"), kk.compute(f"{folder}/**/*.parquet", kpis="aht"))
    # A named pipe is named too, not opened (reading its first bytes would wait for a writer).
    (folder / "2026" / "late.csv").unlink()
    os.mkfifo(folder / "feed")
    with pytest.raises(ValueError, match=r"1 of 4 files are not, e.g. \['.*feed'\]"):
        kk.compute(folder)


def test_columns_that_differ_only_in_case_across_files_are_refused(tmp_path):
    # DuckDB matches columns across files without regard to case: csat of one file and CSAT
    # of the other were put in one column (or, the other way round, wait_s reported missing).
    contacts = random_contacts(4, 40)
    contacts.iloc[:20].to_parquet(tmp_path / "a.parquet", index=False)
    contacts.iloc[20:].rename(columns={"csat": "CSAT"}).to_parquet(tmp_path / "b.parquet")
    named = r"'csat' \(in 1 of 2 files, first: '.*a\.parquet'\) and 'CSAT' \(in 1 of 2 files, "
    with pytest.raises(ValueError, match=named + r"first: '.*b\.parquet'\) differ only in case"):
        kk.compute(tmp_path, kpis="csat")


def test_a_file_without_a_required_column_is_named(tmp_path, capsys):
    # KPIs written into the log's folder, then the folder read again: the KPI table has no
    # contact_id, and the error said "1 row empty in a required column (first ids: None)".
    contacts = random_contacts(5, 30)
    contacts.to_parquet(tmp_path / "log.parquet", index=False)
    assert main(["compute", str(tmp_path), "-o", str(tmp_path / "kpis.parquet")]) == 0
    assert main(["compute", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(
        "kpikit compute: error: Column 'contact_id', which contacts require, is missing from 1 "
        f"of 2 files (first: '{tmp_path / 'kpis.parquet'}')"
    )


def test_a_damaged_page_behind_a_sound_footer_is_a_clear_error(tmp_path, capsys):
    # The footer reads, a data page does not: DuckDB's error (InvalidInputException naming the
    # file, or a bare "invalid TType") came out of the sums or the checks' pass over the ids as
    # a traceback (exit code 1), not a ValueError naming the files.
    (tmp_path / "log").mkdir()
    path = tmp_path / "log" / "a.parquet"
    random_contacts(6, 2000).to_parquet(path, index=False, compression="snappy")
    damaged = bytearray(path.read_bytes())
    for position in range(100, len(damaged) // 2, 97):
        damaged[position] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"Cannot read the parquet files of '.*log' \("):
        kk.compute(tmp_path / "log")
    assert main(["compute", str(tmp_path / "log")]) == 2
    assert "a damaged file? Read each with pyarrow" in capsys.readouterr().err


def test_a_partition_folder_with_an_equals_sign_in_its_value_is_refused(tmp_path):
    # DuckDB does not read channel=a=b as a column, so every contact fell to the phone
    # threshold without a word; written encoded (%3D), the value reads back with its '='.
    contacts = random_contacts(7, 20).drop(columns="channel")
    (tmp_path / "raw" / "channel=a=b").mkdir(parents=True)
    contacts.to_parquet(tmp_path / "raw" / "channel=a=b" / "p.parquet", index=False)
    with pytest.raises(ValueError, match=r"folder 'channel=a=b' .* \(channel=a%3Db\)"):
        kk.compute(tmp_path / "raw")
    (tmp_path / "coded" / "channel=a%3Db").mkdir(parents=True)
    contacts.to_parquet(tmp_path / "coded" / "channel=a%3Db" / "p.parquet", index=False)
    table = kk.compute(tmp_path / "coded", kpis="contacts_offered", by="channel")
    assert table[["channel", "value"]].values.tolist() == [["a=b", 20.0]]


def test_breaches_and_a_scorecard_by_week_read_zoned_nanoseconds_from_parquet(tmp_path):
    # pandas 2 writes zoned times in nanoseconds, which DuckDB reads as TIMESTAMPTZ_NS and
    # narwhals as Unknown: the last arrival (FCR's provisional periods) refused the path
    # ("holds Unknown, expected timestamps"). The same rows from pandas give the same tables.
    import pyarrow as pa
    import pyarrow.parquet as pq

    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": pd.to_datetime(
                ["2026-10-24 09:00", "2026-10-24 10:00", "2026-10-25 09:00", "2026-10-26 11:00"]
            ).tz_localize("Europe/Paris"),
            "answered": [True, False, True, True],
            "wait_s": [5.0, 40.0, 30.0, 10.0],
            "talk_s": [100.0, None, 200.0, 50.0],
            "customer_id": ["u1", "u2", "u1", "u3"],
        }
    )
    table = pa.Table.from_pandas(contacts, preserve_index=False)
    nanoseconds = pa.timestamp("ns", tz="Europe/Paris")
    table = table.set_column(1, "arrived_at", table["arrived_at"].cast(nanoseconds))
    pq.write_table(table, tmp_path / "log.parquet")
    targets = kk.sample.load_targets()
    expected = kk.breaches(contacts, targets)
    found = kk.breaches(tmp_path / "log.parquet", targets)
    pd.testing.assert_frame_equal(expected, found, check_dtype=False)
    weekly = kk.scorecard(tmp_path / "log.parquet", targets, freq="week").table
    assert len(weekly) == len(kk.scorecard(contacts, targets, freq="week").table)
