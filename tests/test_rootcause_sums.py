"""The sums a root cause splits, made with one factorisation per key rather than two pandas
groupbys, are the groupbys' sums: same cells, same order (a missing label last), same totals;
the top segment of a dimension is the same one in the findings and in the review's table, and
equal contributions are named in label order."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpikit.governance.reviews import _contributors
from kpikit.governance.rootcause import _group_positions, _summed, root_cause
from kpikit.governance.words import top_segments


def grouped_sums(current, usual, keys):
    """The reference: pandas' groupby, as root causes summed before."""
    sums = current.groupby(keys, dropna=False, sort=True)[["numerator", "denominator"]].sum()
    baseline = usual.groupby(keys, dropna=False)["denominator"].sum()
    sums["baseline_denominator"] = baseline.reindex(sums.index).fillna(0.0)
    return sums.reset_index()


labels = st.sampled_from(["billing", "tech", "sales", None])
rows = st.tuples(labels, labels, st.integers(0, 50), st.integers(0, 50))


def frame_of(records):
    frame = pd.DataFrame(records, columns=["queue", "hours", "numerator", "denominator"])
    return frame.astype({"numerator": float, "denominator": float})


@settings(max_examples=300, deadline=None)
@given(
    current=st.lists(rows, min_size=1, max_size=30),
    usual=st.lists(rows, min_size=0, max_size=30),
    keys=st.sampled_from([["queue"], ["hours"], ["queue", "hours"], ["hours", "queue"]]),
)
def test_the_sums_are_the_groupby_sums(current, usual, keys):
    current, usual = frame_of(current), frame_of(usual)
    expected = grouped_sums(current, usual, keys)
    summed = pd.DataFrame(_summed(current, usual, keys))
    pd.testing.assert_frame_equal(summed, expected, check_dtype=False)


@pytest.mark.parametrize("dtype", ["category", "string[pyarrow]", "object"])
def test_the_sums_keep_the_label_type(dtype):
    current = pd.DataFrame(
        {"queue": pd.Series(["b", "a", "b"], dtype=dtype), "numerator": [1.0, 2.0, 3.0]}
    ).assign(denominator=[2.0, 2.0, 4.0])
    usual = current.iloc[:1]
    summed = pd.DataFrame(_summed(current, usual, ["queue"]))
    assert summed["queue"].dtype == current["queue"].dtype
    # by hand: a = 2 of 2 (usual 0), b = 1 + 3 of 2 + 4 (usual 2)
    assert summed.to_dict("list") == {
        "queue": ["a", "b"],
        "numerator": [2.0, 4.0],
        "denominator": [2.0, 6.0],
        "baseline_denominator": [0.0, 2.0],
    }


def test_groups_are_found_with_missing_values():
    frame = pd.DataFrame({"site": ["A", None, "A", np.nan], "queue": ["x", "y", "x", "y"]})
    positions = _group_positions(frame, ["site", "queue"])
    assert {key: list(rows) for key, rows in positions.items()} == {
        ("A", "x"): [0, 2],
        (None, "y"): [1, 3],
    }


def test_segments_tied_on_contribution_are_named_in_label_order():
    # by hand: queues a and b each answer 1 of 2 contacts in time, 50 % against 80 %: each
    # contributes -(100 · 1 - 80 · 2) / 4 = 15 points of the 30-point miss, exactly
    contacts = pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4"],
            "queue": ["b", "b", "a", "a"],
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": [5.0, 60.0, 5.0, 60.0],
        }
    )
    breach = {"kpi": "service_level", "target": 80, "period": "2026-01-05", "freq": "week"}
    cause = root_cause(contacts, breach, dimensions=["queue"])
    queues = cause.segments.set_index("segment")["contribution"]
    assert queues["a"] == queues["b"] == 15.0
    assert top_segments(cause.segments)["segment"].tolist() == ["a"]
    assert cause.findings[-1].startswith("Queue a: 50 % of the miss")
    table = _contributors(cause, "all")
    assert table.loc[table["dimension"] == "queue", "segment"].tolist() == ["a"]


def test_worst_days_tied_on_contribution_are_the_first_ones():
    # by hand: four days, each 1 of 2 contacts in time (50 % against 80 %): each contributes
    # -(100 · 1 - 80 · 2) / 8 = 7.5 points of the 30-point miss; the three named add up to
    # 22.5, 75 % of it
    days = pd.date_range("2026-01-05 10:00", periods=4, freq="D").repeat(2)
    contacts = pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(8)],
            "arrived_at": days,
            "answered": True,
            "wait_s": [5.0, 60.0] * 4,
        }
    )
    breach = {"kpi": "service_level", "target": 80, "period": "2026-01-05", "freq": "week"}
    cause = root_cause(contacts, breach, dimensions=["date"], top=3)
    assert (cause.segments["contribution"] == 7.5).all()
    assert "Worst days: Mon 5 Jan, Tue 6 Jan and Wed 7 Jan, together 75 % of the miss." in (
        cause.findings
    )
