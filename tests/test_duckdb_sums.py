"""A DuckDB relation's sums are one aggregation written as SQL (kpikit.metrics._duckdb_sums):
flags counted from their conditions, null groups kept, and the same result as narwhals' own
steps, which are used when narwhals' internals are not the ones it reads."""

from datetime import datetime

import pandas as pd
import pyarrow as pa
import pytest
from fixtures import random_contacts

import kpikit as kk
from kpikit.metrics import _duckdb_sums

duckdb = pytest.importorskip("duckdb")


def relation(frame):
    return duckdb.connect().from_arrow(pa.Table.from_pandas(frame, preserve_index=False))


def test_flags_are_counted_by_hand_with_nulls_skipped_and_a_null_agent_kept():
    # Four contacts. Agent A answers 1 (transferred, csat 5) and 2 (not transferred, no
    # survey); contact 3 is abandoned (no agent); agent B answers 4 (not transferred, csat 2).
    # By hand: A transfer rate 1/2 = 50 %, CSAT top-2-box 1/1 = 100 %; B 0/1 = 0 %, 0/1 = 0 %;
    # the null agent: 1 contact offered, 0 answered, so transfer rate and CSAT are null.
    frame = pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4"],
            "arrived_at": [datetime(2026, 3, 2, 9, minute) for minute in range(4)],
            "answered": [True, True, False, True],
            "wait_s": [5.0, 12.0, 40.0, 3.0],
            "agent_id": ["A", "A", None, "B"],
            "talk_s": [100.0, 200.0, None, 50.0],
            "transferred": [True, False, False, False],
            "csat": pd.array([5, None, None, 2], dtype="Int64"),
        }
    )
    kpis = ["transfer_rate", "csat", "contacts_offered"]
    result = kk.compute(relation(frame), kpis, by="agent_id").df()
    values = result.set_index(["agent_id", "kpi"])["value"]
    assert values[("A", "transfer_rate")] == 50.0
    assert values[("A", "csat")] == 100.0
    assert values[("B", "transfer_rate")] == 0.0
    assert values[("B", "csat")] == 0.0
    nulls = result[result["agent_id"].isna()].set_index("kpi")["value"]
    assert nulls["contacts_offered"] == 1
    assert pd.isna(nulls["transfer_rate"]) and pd.isna(nulls["csat"])


def test_a_count_of_conditions_all_unknown_is_zero_as_on_pandas():
    # DuckDB 2.0's count_if gives null for a group whose conditions are all null. Chat's two
    # contacts were answered with no resolution recorded: resolved count_if(answered AND
    # resolved) is null there, and the numerator came back null where pandas gives 0. By hand:
    # phone resolved 1 of 2 known (50 %); chat 0 of 0 known (numerator 0, value null).
    frame = pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4"],
            "arrived_at": [datetime(2026, 3, 2, 9, minute) for minute in range(4)],
            "answered": True,
            "wait_s": 5.0,
            "channel": ["phone", "phone", "chat", "chat"],
            "talk_s": 60.0,
            "transferred": False,
            "resolved": pd.array([True, False, None, None], dtype="boolean"),
        }
    )
    for data in (frame, relation(frame)):
        result = kk.compute(data, "resolution_rate", by="channel")
        result = result if isinstance(result, pd.DataFrame) else result.df()
        rows = result.set_index("channel")
        assert rows.loc["phone", ["value", "numerator", "denominator"]].tolist() == [50.0, 1, 2]
        assert rows.loc["chat", ["numerator", "denominator"]].tolist() == [0.0, 0.0]
        assert pd.isna(rows.loc["chat", "value"])


@pytest.mark.parametrize("grouping", [{"by": "agent_id"}, {"freq": "day"}, {}])
def test_narwhals_steps_give_the_same_result_when_its_internals_differ(grouping, monkeypatch):
    frame = random_contacts(7, 300)
    one_query = kk.compute(relation(frame), **grouping).df()
    monkeypatch.setattr(_duckdb_sums, "_sql_texts", lambda frame, expressions: None)
    steps = kk.compute(relation(frame), **grouping).df()
    keys = [column for column in ("agent_id", "period") if column in one_query]
    order = [*keys, "kpi"]
    pd.testing.assert_frame_equal(
        one_query.sort_values(order).reset_index(drop=True),
        steps.sort_values(order).reset_index(drop=True),
    )


def test_a_bad_value_is_still_found_by_the_counted_screen():
    frame = random_contacts(8, 40)
    frame.loc[5, "wait_s"] = -3.0
    with pytest.raises(kk.SchemaError, match=r"wait_s: 1 row below 0"):
        kk.compute(relation(frame), by="agent_id")
