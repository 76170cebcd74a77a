"""Folders of parquet exports as they come: files of mixed types, junk beside the parts, names
with glob characters, nonsense memory caps (kpikit.metrics._sources)."""

import os

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk

pytest.importorskip("duckdb")


def offered_and_asa(source):
    """contacts_offered and asa of ``source`` (files, or a relation's result as pandas)."""
    table = kk.compute(source, kpis=["contacts_offered", "asa"])
    table = table if isinstance(table, pd.DataFrame) else table.df()
    return table.set_index("kpi")["value"].to_dict()


# hand_contacts by hand: 10 contacts offered; 8 answered, waiting 10 + 25 + 5 + 15 + 20 + 60 + 8
# + 12 = 155 s, so asa = 155 / 8 = 19.375 s.
HAND = {"contacts_offered": 10.0, "asa": 19.375}


def test_folder_reads_as_pandas_does(tmp_path):
    """Parts in upper case, in a linked folder and under a name with glob characters are read;
    macOS ``._`` copies, hidden folders and a writer's ``_temporary`` parts are not."""
    contacts = hand_contacts()
    folder = tmp_path / "logs [1]"
    (folder / "2026").mkdir(parents=True)
    contacts.iloc[:4].to_parquet(folder / "PART-0.PARQUET", index=False)
    contacts.iloc[4:7].to_parquet(folder / "2026" / "part-1.parquet", index=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    contacts.iloc[7:].to_parquet(elsewhere / "part-2.parquet", index=False)
    (folder / "linked").symlink_to(elsewhere)
    (folder / "._PART-0.PARQUET").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    (folder / "_temporary" / "0").mkdir(parents=True)
    (folder / "_temporary" / "0" / "part-3.parquet").write_bytes(b"PAR1 half written")
    (folder / ".trash").mkdir()
    contacts.to_parquet(folder / ".trash" / "old.parquet", index=False)
    assert len(pd.read_parquet(folder)) == 10  # pandas reads the same 10 contacts
    (elsewhere / "loop").symlink_to(folder)  # pandas follows it 20 times over; kpikit once
    # Before: "No file matches" (the folder's name taken for a pattern); renamed, the ._ copy
    # made DuckDB fail; with it gone, PART-0.PARQUET was left out (6 contacts offered).
    assert offered_and_asa(folder) == HAND
    assert offered_and_asa(str(folder)) == HAND
    # A file whose name holds glob characters is that file, not a pattern matching nothing.
    single = tmp_path / "log*[a].parquet"
    contacts.to_parquet(single, index=False)
    assert offered_and_asa(single) == HAND


def zoned(frame, zone="Europe/Paris"):
    return frame.assign(arrived_at=frame["arrived_at"].dt.tz_localize(zone))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Before: computed, the naive times taken as Paris times (pandas takes them as UTC).
        (
            lambda first, second: (zoned(first), second),
            "Column 'arrived_at' holds times with a zone in 1 of 2 files (first: '{a}') and "
            "times without a zone in 1 (first: '{b}')",
        ),
        # Before: "contacts.wait_s: wrong type: holds text", with no word of which file.
        (
            lambda first, second: (first, second.astype({"wait_s": str})),
            "Column 'wait_s' holds numbers in 1 of 2 files (first: '{a}') and text in 1 "
            "(first: '{b}')",
        ),
        (
            lambda first, second: (first, second.astype({"answered": int})),
            "Column 'answered' holds true/false values in 1 of 2 files (first: '{a}') and "
            "numbers in 1 (first: '{b}')",
        ),
        # A chunk with no resolved value, read from CSV as floats. Before: "contacts.resolved:
        # wrong type: holds floats", with no word of which file.
        (
            lambda first, second: (first.assign(resolved=float("nan")), second),
            "Column 'resolved' holds true/false values in 1 of 2 files (first: '{b}') and "
            "numbers in 1 (first: '{a}')",
        ),
    ],
    ids=["naive and zoned times", "numbers and text", "true/false and numbers", "blank numbers"],
)
def test_a_column_of_two_kinds_across_files_names_them(tmp_path, change, message):
    contacts = hand_contacts()
    first, second = change(contacts.iloc[:5], contacts.iloc[5:])
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    first.to_parquet(a, index=False)
    second.to_parquet(b, index=False)
    with pytest.raises(ValueError) as raised:
        kk.compute(tmp_path)
    assert message.format(a=a, b=b) in str(raised.value)


def test_files_zoned_in_different_zones_need_the_zone_to_cut_periods_in(tmp_path):
    contacts = hand_contacts()
    zoned(contacts.iloc[:5]).to_parquet(tmp_path / "a.parquet", index=False)
    zoned(contacts.iloc[5:], "America/New_York").to_parquet(tmp_path / "b.parquet", index=False)
    # the days would be the zone of whichever file is read first (pandas: Paris, from a.parquet)
    with pytest.raises(ValueError, match="holds times in 2 zones: Europe/Paris in 1 of 2 files"):
        kk.compute(tmp_path, kpis="contacts_offered", freq="day")
    expected = kk.compute(pd.read_parquet(tmp_path), kpis="contacts_offered", freq="day")
    table = kk.compute(tmp_path, kpis="contacts_offered", freq="day", tz="Europe/Paris")
    # By hand: days of Paris; #9 (13:00 New York = 19:00 Paris) and #10 on 5 and 6 March.
    assert table["value"].tolist() == expected["value"].tolist() == [5.0, 2.0, 2.0, 1.0]
    assert (table["period"] == expected["period"]).all()


@pytest.mark.parametrize("broken", ["empty", "cut short", "dangling link"])
def test_a_file_that_cannot_be_read_is_named(tmp_path, broken):
    contacts = hand_contacts()
    contacts.iloc[:5].to_parquet(tmp_path / "a.parquet", index=False)
    b = tmp_path / "b.parquet"
    if broken == "empty":
        b.write_bytes(b"")
    elif broken == "cut short":  # a file still being written
        contacts.iloc[5:].to_parquet(b, index=False)
        b.write_bytes(b.read_bytes()[:300])
    else:  # before: left out, its contacts lost without a word
        os.symlink(tmp_path / "moved-away.parquet", b)
    with pytest.raises(ValueError, match=f"Cannot read '{b}' as a parquet file"):
        kk.compute(tmp_path)


@pytest.mark.parametrize(
    ("memory_limit", "message"),
    [
        # Before: DuckDB's "Out of Memory Error" at the first query, or its "Parser Error".
        ("1KB", "memory_limit must be at least 64MB, which DuckDB needs to run; received: '1KB'"),
        ("0GB", "memory_limit must be at least 64MB"),
        ("99999999999999999999TB", "memory_limit '99999999999999999999TB' is refused by DuckDB"),
    ],
)
def test_memory_limit_duckdb_cannot_run_under_is_refused(tmp_path, memory_limit, message):
    hand_contacts().to_parquet(tmp_path / "a.parquet", index=False)
    with pytest.raises(ValueError, match=message):
        kk.scan_parquet(tmp_path, memory_limit=memory_limit)
    assert offered_and_asa(kk.scan_parquet(tmp_path, memory_limit="64MB")) == HAND


def test_a_glob_reads_the_folders_it_matches_once(tmp_path):
    contacts = hand_contacts()
    spark_output = tmp_path / "out.parquet"  # Spark writes a folder of parts
    spark_output.mkdir()
    contacts.iloc[:5].to_parquet(spark_output / "part-00000.snappy.parquet", index=False)
    (spark_output / "_SUCCESS").write_bytes(b"")
    contacts.iloc[5:].to_parquet(tmp_path / "b.parquet", index=False)
    # Before: out.parquet, not a file, was left out and 5 contacts counted.
    assert offered_and_asa(str(tmp_path / "*.parquet")) == HAND
    # **/*.parquet matches out.parquet and the part in it: read once.
    assert offered_and_asa(str(tmp_path / "**" / "*.parquet")) == HAND


def test_a_column_empty_in_one_file_goes_with_any_kind(tmp_path):
    """A chunk of a CSV export with no customer at all reads its customer_id as floats (NaN),
    which pandas writes as nulls: DuckDB reads them as missing text, as pandas does."""
    contacts = hand_contacts()
    first = contacts.iloc[:5].assign(customer_id=float("nan"))
    first.to_parquet(tmp_path / "a.parquet", index=False)
    contacts.iloc[5:].to_parquet(tmp_path / "b.parquet", index=False)
    assert offered_and_asa(tmp_path) == HAND
    in_memory = pd.concat([first, contacts.iloc[5:]])
    expected = kk.compute(in_memory, kpis="fcr")
    pd.testing.assert_frame_equal(expected, kk.compute(tmp_path, kpis="fcr"), check_dtype=False)


@pytest.mark.parametrize(
    ("argument", "error", "message"),
    [
        # Before: "false" switched the progress bar on, as bool("false") is True.
        ({"progress": "false"}, TypeError, "Value of 'progress' must be True or False"),
        # Before: "DuckDB does not know the time zone 5 of arrived_at in '...': pass tz".
        ({"tz": 5}, TypeError, "Value of 'tz' must be a time zone name"),
        # Before: an empty tz fell back to the files' zone without a word.
        ({"tz": ""}, ValueError, "Value of 'tz' is not a time zone name"),
    ],
)
def test_scan_parquet_checks_its_arguments(tmp_path, argument, error, message):
    hand_contacts().to_parquet(tmp_path / "a.parquet", index=False)
    with pytest.raises(error, match=message):
        kk.scan_parquet(tmp_path, **argument)
