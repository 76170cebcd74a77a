"""Ids in strict order need no search for repeats (kpikit._id_order): the order is only ever
read as "none missing, none repeated" when that is true, and the hashes are then not needed."""

import narwhals.stable.v2 as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpikit import _check_runs
from kpikit._id_order import in_strict_order, polars_in_strict_order
from kpikit.metrics import _folded_checks

IDS = st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e", "f"])), max_size=8)


def distinct_and_present(ids) -> bool:
    return None not in ids and len(set(ids)) == len(ids)


@given(IDS)
def test_ids_read_in_order_are_distinct_and_present(ids):
    if in_strict_order(pd.Series(ids, dtype=object)):
        assert distinct_and_present(ids)
    if polars_in_strict_order(pl.DataFrame({"id": ids}, schema={"id": pl.String}), pl.col("id")):
        assert distinct_and_present(ids)


@given(st.sets(st.integers(-1000, 1000), min_size=2), st.booleans())
def test_ids_sorted_either_way_are_read_in_order(values, falling):
    ids = sorted(values, reverse=falling)
    assert in_strict_order(pd.Series(ids))
    assert in_strict_order(pd.Series([f"C{i + 5000:06d}" for i in ids], dtype=object))
    assert polars_in_strict_order(pl.DataFrame({"id": ids}), pl.col("id"))


def test_a_long_column_out_of_order_after_its_head_is_not_in_order():
    ids = list(range(30_000))
    ids[25_000] = 3  # a repeat past the rows compared first
    assert not in_strict_order(pd.Series(ids))
    assert not polars_in_strict_order(pl.DataFrame({"id": ids}), pl.col("id"))


def no_hashes(*_arguments):
    raise AssertionError("ids in order were hashed")


def test_a_polars_frame_of_ids_in_order_is_not_hashed(monkeypatch):
    monkeypatch.setattr(_check_runs, "repeats_any", no_hashes)
    frame = pl.DataFrame({"contact_id": ["a", None, "b", "c"]})
    assert _check_runs.polars_keys_may_repeat(nw.from_native(frame), "contact_id") is False


@pytest.mark.parametrize("ids, repeats", [(["a", "b", "c"], False), (["a", "c", "c"], True)])
def test_a_parquet_files_ids_in_order_are_not_hashed(ids, repeats, tmp_path, monkeypatch):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"contact_id": ids}), path)
    if not repeats:
        monkeypatch.setattr(_folded_checks, "repeats_any", no_hashes)
    assert _folded_checks._parquet_ids_fail([str(path)], "contact_id", None) is repeats


def test_a_parquet_file_with_a_missing_id_in_order_fails(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"contact_id": ["a", None, "c"]}), path)
    assert _folded_checks._parquet_ids_fail([str(path)], "contact_id", None) is True
