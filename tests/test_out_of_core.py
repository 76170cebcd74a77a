"""kk.compute and ``kpikit compute`` on parquet files read by DuckDB, not loaded into pandas."""

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
    with pytest.raises(FileNotFoundError, match="holds no .parquet file"):
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
