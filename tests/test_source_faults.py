"""Parquet sources read as named: a file whose name holds glob characters is that file, not
those the name matches as a pattern, and partition folders of the schema's true/false
columns read as true/false."""

import duckdb
import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit._duckdb import literal_file, parquet_scan_files
from kpikit.cli import main
from kpikit.metrics import scan_parquet
from kpikit.schema import SchemaError


@pytest.fixture
def bracketed(tmp_path):
    """``data [1].parquet``, the ten hand contacts, beside ``data 1.parquet``, which the name
    ``data [1].parquet`` matches as a glob pattern: three other contacts."""
    folder = tmp_path / "br"
    folder.mkdir()
    hand_contacts().to_parquet(folder / "data [1].parquet")
    others = hand_contacts().head(3).assign(contact_id=[101, 102, 103])
    others.to_parquet(folder / "data 1.parquet")
    return folder


def test_a_file_named_with_glob_characters_is_read_as_named(bracketed):
    table = kk.compute(bracketed / "data [1].parquet", kpis="contacts_offered")
    assert table["numerator"].sum() == 10  # the ten hand contacts; the pattern's file has 3


def test_the_cli_reads_a_bracketed_file_with_another(bracketed, tmp_path):
    hand_contacts().tail(2).assign(contact_id=[201, 202]).to_parquet(tmp_path / "o.parquet")
    files = [str(bracketed / "data [1].parquet"), str(tmp_path / "o.parquet")]
    out = tmp_path / "out.csv"
    assert main(["compute", *files, "--kpis", "contacts_offered", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["numerator"].sum() == 12  # 10 + 2; the pattern's file read in place gave 5


def test_the_ids_of_a_bracketed_file_are_checked_in_that_file(bracketed):
    repeated = hand_contacts()
    repeated.loc[1, "contact_id"] = 1  # contact 2 takes contact 1's id
    repeated.to_parquet(bracketed / "data [1].parquet")
    relation = scan_parquet(bracketed / "data [1].parquet")
    # The ids pass reads the file polars is handed, which must be the bracketed one.
    assert parquet_scan_files(relation) == [str(bracketed / "data [1].parquet")]
    with pytest.raises(SchemaError, match=r"1 row repeating the contact_id"):
        kk.compute(relation, kpis="contacts_offered")


@pytest.mark.parametrize("name", ["a*b", "a?b", "a[b", "c[!x]d", "x\\y[1]"])
def test_each_glob_character_is_read_literally(tmp_path, name):
    path = tmp_path / f"{name}.parquet"
    pd.DataFrame({"x": [1, 2]}).to_parquet(path)
    pd.DataFrame({"x": [9]}).to_parquet(tmp_path / "ab.parquet")  # matched by a?b, a*b
    connection = duckdb.connect()
    named = literal_file(connection, str(path))
    assert connection.read_parquet([named]).aggregate("count(*)").fetchall() == [(2,)]  # x 1, 2
