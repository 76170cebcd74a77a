"""compute on a DuckDB relation counts its checks inside the sums query
(kpikit.metrics._folded_checks): the same results and the same errors as the checks on their
own, whichever way repeated ids are looked for."""

import narwhals as nw
import pandas as pd
import pytest

import kpikit as kk
from kpikit.metrics import _folded_checks

duckdb = pytest.importorskip("duckdb")


def contacts(ids) -> pd.DataFrame:
    """One answered contact a minute with the given ids; wait 10 s each."""
    return pd.DataFrame(
        {
            "contact_id": ids,
            "arrived_at": pd.date_range("2026-01-05 09:00", periods=len(ids), freq="min"),
            "answered": [True] * len(ids),
            "wait_s": [10.0] * len(ids),
        }
    )


def relation(frame):
    return duckdb.connect().from_df(frame)


def repeat(ids) -> bool:
    return _folded_checks._hashes_repeat(nw.from_native(relation(contacts(ids))), "contact_id")


@pytest.mark.parametrize("ids", [["a", "b", "c"], [1, 2, 3], ["a", None, "c"]])
def test_distinct_ids_have_distinct_hashes(ids):
    assert not repeat(ids)


@pytest.mark.parametrize("ids", [["a", "b", "a"], [1, 2, 2]])
def test_repeated_ids_share_a_hash(ids):
    assert repeat(ids)


@pytest.mark.parametrize("ids", [["a", "b", "c", None], ["a", "b", "a", None]])
def test_duckdb_counts_the_hashes_past_the_memory_bound(ids, monkeypatch):
    monkeypatch.setattr(_folded_checks, "MAX_SORTED_HASHES", 1)
    repeated = len(set(ids) - {None}) < len([i for i in ids if i is not None])
    assert repeat(ids) == repeated


def test_repeated_ids_past_the_memory_bound_are_refused(monkeypatch):
    monkeypatch.setattr(_folded_checks, "MAX_SORTED_HASHES", 1)
    with pytest.raises(kk.SchemaError) as error:
        kk.compute(relation(contacts(["a", "b", "a"])), kpis="asa")
    assert "1 row repeating the contact_id of an earlier row (first ids: a)" in str(error.value)


def test_a_hash_shared_by_different_ids_is_not_an_error(monkeypatch):
    # As if two of the ids had one hash: the usual checks run, find nothing, and the held sums
    # are the result.
    monkeypatch.setattr(_folded_checks, "_hashes_repeat", lambda *_: True)
    result = kk.compute(relation(contacts(["a", "b", "c"])), kpis="asa").df()
    assert result["value"].tolist() == [10.0]  # 30 s of wait over 3 answered


def test_every_problem_is_reported_as_by_the_checks_alone():
    frame = contacts(["a", "b", "a"]).assign(wait_s=[-1.0, 10.0, float("inf")])
    with pytest.raises(kk.SchemaError) as folded:
        kk.compute(relation(frame), by="contact_id")
    with pytest.raises(kk.SchemaError) as alone:
        kk.validate(relation(frame))
    assert str(folded.value) == str(alone.value)
    assert "contacts.wait_s: 1 row below 0 (first ids: a)" in str(folded.value)


def test_checked_and_unchecked_results_are_equal():
    frame = contacts(["a", "b", "c", "d"]).assign(answered=[True, False, True, True])
    frame.loc[1, "wait_s"] = 40.0
    checked = kk.compute(relation(frame), freq="day").df()
    unchecked = kk.compute(relation(frame), freq="day", validate=False).df()
    pd.testing.assert_frame_equal(checked, unchecked)
    assert checked.set_index("kpi").loc["answer_rate", "value"] == 75.0  # 3 of 4 answered
