"""Parquet folders partitioned Hive-style (``channel=phone/...``), as Spark and pyarrow write them:
the columns their folder names hold are read back by kk.compute, scan_parquet and the CLI."""

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.cli import main


def small_log():
    """Five answered contacts; waits chosen against the default thresholds (phone 20 s,
    email 24 h)."""
    return pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4", "c5"],
            "arrived_at": pd.to_datetime(
                ["2026-01-05 09:00", "2026-01-05 10:00", "2026-01-06 09:00"] * 1
                + ["2026-01-05 11:00", "2026-01-06 12:00"]
            ),
            "answered": [True] * 5,
            "wait_s": [10.0, 30.0, 15.0, 3600.0, 7200.0],
            "channel": ["phone", "phone", "phone", "email", "email"],
            "queue": ["North America", "North America", None, "x/y", "x/y"],
        }
    )


def write_partitioned(contacts, folder, keys):
    """``contacts`` written by pyarrow's Hive writer, the ``keys`` columns in folder names."""
    table = pa.Table.from_pandas(contacts, preserve_index=False)
    pads.write_dataset(
        table, folder, format="parquet", partitioning=keys, partitioning_flavor="hive"
    )
    return folder


def values(table, key):
    return {
        (None if pd.isna(group) else group, kpi): value
        for group, kpi, value in zip(table[key], table["kpi"], table["value"], strict=True)
    }


def test_a_log_partitioned_by_channel_keeps_each_channels_threshold(tmp_path):
    folder = write_partitioned(small_log(), tmp_path / "log", ["channel"])
    assert sorted(p.name for p in folder.iterdir()) == ["channel=email", "channel=phone"]
    table = kk.compute(folder, ["service_level", "contacts_offered"], by="channel")
    # By hand: phone waits 10, 30, 15 against 20 s -> 2 of 3; email waits 1 h and 2 h against
    # 24 h -> 2 of 2. Read without the folders' channel, every contact was judged at the phone
    # threshold: 2 of 5 in all.
    assert values(table, "channel") == pytest.approx(
        {
            ("email", "service_level"): 100.0,
            ("email", "contacts_offered"): 2,
            ("phone", "service_level"): 200 / 3,
            ("phone", "contacts_offered"): 3,
        }
    )
    overall = kk.compute(folder, "service_level")
    assert overall["value"].tolist() == pytest.approx([80.0])  # 4 of 5


def test_folder_values_are_decoded_and_the_null_partition_is_null(tmp_path):
    # pyarrow writes 'North%20America', 'x%2Fy' and __HIVE_DEFAULT_PARTITION__ for the null.
    folder = write_partitioned(small_log(), tmp_path / "log", ["queue", "channel"])
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["queue=North%20America", "queue=__HIVE_DEFAULT_PARTITION__", "queue=x%2Fy"]
    table = kk.compute(folder, "contacts_offered", by="queue")
    assert values(table, "queue") == {
        ("North America", "contacts_offered"): 2,
        ("x/y", "contacts_offered"): 2,
        (None, "contacts_offered"): 1,
    }
    expected = kk.compute(small_log(), ["answer_rate", "service_level"], by=["queue", "channel"])
    got = kk.compute(folder, ["answer_rate", "service_level"], by=["queue", "channel"])
    key = ["queue", "channel", "kpi"]
    pd.testing.assert_frame_equal(
        expected.sort_values(key, na_position="first").reset_index(drop=True),
        got.sort_values(key, na_position="first").reset_index(drop=True),
        check_dtype=False,
    )


def test_a_text_column_named_by_numbers_stays_text(tmp_path):
    contacts = small_log().assign(queue=["1", "1", "2", "2", "10"])
    folder = write_partitioned(contacts, tmp_path / "log", ["queue"])
    table = kk.compute(folder, "contacts_offered", by="queue")
    assert values(table, "queue") == {
        ("1", "contacts_offered"): 2,
        ("10", "contacts_offered"): 1,
        ("2", "contacts_offered"): 2,
    }


def test_a_day_partition_can_be_grouped_by(tmp_path):
    contacts = small_log().assign(day=lambda log: log["arrived_at"].dt.strftime("%Y-%m-%d"))
    folder = write_partitioned(contacts, tmp_path / "log", ["day"])
    table = kk.compute(folder, "contacts_offered", by="day")
    counts = {
        str(pd.Timestamp(day).date()): value
        for day, value in zip(table["day"], table["value"], strict=True)
    }
    assert counts == {"2026-01-05": 3, "2026-01-06": 2}


def test_files_in_different_layouts_are_refused(tmp_path):
    folder = write_partitioned(small_log(), tmp_path / "log", ["channel"])
    small_log().to_parquet(folder / "loose.parquet", index=False)
    with pytest.raises(ValueError, match=r"lies in partition folders of channel and .*loose"):
        kk.compute(folder)


def test_a_column_both_in_the_files_and_in_the_folder_names_is_refused(tmp_path):
    folder = tmp_path / "log" / "channel=phone"
    folder.mkdir(parents=True)
    small_log().to_parquet(folder / "part-0.parquet", index=False)  # holds email contacts too
    with pytest.raises(ValueError, match=r"Column 'channel' is both in the file .*part-0"):
        kk.scan_parquet(tmp_path / "log")
    # DuckDB matches names in any case: a file's 'Channel' took the folder's value too
    small_log().rename(columns={"channel": "Channel"}).to_parquet(folder / "part-0.parquet")
    with pytest.raises(
        ValueError, match=r"Column 'Channel' is both in the file .*\(channel=\.\.\.\)"
    ):
        kk.scan_parquet(tmp_path / "log")


def test_cli_computes_on_a_partitioned_folder(tmp_path):
    folder = write_partitioned(small_log(), tmp_path / "log", ["channel"])
    out = tmp_path / "kpis.csv"
    assert (
        main(["compute", str(folder), "--kpis", "service_level", "--by", "channel", "-o", str(out)])
        == 0
    )
    table = pd.read_csv(out)
    assert dict(zip(table["channel"], table["value"], strict=True)) == pytest.approx(
        {"email": 100.0, "phone": 200 / 3}
    )


def flag_partitioned(folder, key, contacts=None):
    """The ten hand contacts written by ``pq.write_to_dataset`` partitioned by ``key``: folders
    ``key=true``, ``key=false`` (and ``key=__HIVE_DEFAULT_PARTITION__`` for the missing)."""
    table = pa.Table.from_pandas(
        hand_contacts() if contacts is None else contacts, preserve_index=False
    )
    pq.write_to_dataset(table, folder, partition_cols=[key])
    return folder


def test_a_log_partitioned_by_answered_computes_on_the_cli(tmp_path):
    folder = flag_partitioned(tmp_path / "hp", "answered")
    assert sorted(p.name for p in folder.iterdir()) == ["answered=false", "answered=true"]
    out = tmp_path / "kpis.csv"
    assert main(["compute", str(folder), "--kpis", "answer_rate", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    # By hand: contacts 3 and 4 abandoned, the other 8 of 10 answered -> 80 %
    assert table[["numerator", "denominator", "value"]].values.tolist() == [[8, 10, 80.0]]


def test_transferred_and_resolved_partitions_read_as_true_false(tmp_path):
    kpis = ["transfer_rate", "fcr"]
    options = {"fcr_method": "survey"}
    for key in ("transferred", "resolved"):
        folder = flag_partitioned(tmp_path / key, key)
        got = kk.compute(folder, kpis, **options).set_index("kpi")
        # By hand: contact 2 alone transferred, of 8 answered -> 12.5 %. Survey FCR: answered
        # first contacts with a customer (not 5 and 8, repeats of 1 and 7; not 9, without one)
        # whose resolved is known (not 6, written to __HIVE_DEFAULT_PARTITION__ and read back
        # missing): 1, 2, 7, 10, resolved but 2 -> 3 of 4 = 75 %
        table = got[["numerator", "denominator", "value"]]
        assert table.to_dict("index") == {
            "transfer_rate": {"numerator": 1, "denominator": 8, "value": 12.5},
            "fcr": {"numerator": 3, "denominator": 4, "value": 75.0},
        }, key
        expected = kk.compute(hand_contacts(), kpis, **options).set_index("kpi")
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("spellings", [["1", "0"], ["True", "False"], ["yes", "no"]])
def test_a_flag_partition_spelled_otherwise_is_refused_naming_it(tmp_path, spellings):
    contacts = hand_contacts().drop(columns="answered")
    for value, part in zip(spellings, (contacts.head(5), contacts.tail(5)), strict=True):
        (tmp_path / "log" / f"answered={value}").mkdir(parents=True)
        part.to_parquet(tmp_path / "log" / f"answered={value}" / "p.parquet")
    with pytest.raises(ValueError, match=r"Column 'answered' .* answered=true or answered=false"):
        kk.compute(tmp_path / "log", "answer_rate")
    with pytest.raises(ValueError, match=rf"found: \{sorted(spellings)}"):
        kk.scan_parquet(tmp_path / "log")
