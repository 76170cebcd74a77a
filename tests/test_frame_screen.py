"""The screen of a pandas frame that DuckDB sums, run in NumPy (kpikit.metrics._frame_screen):
it never passes a frame the checks refuse, and passes the valid ones; ids in strict order need
no pass of their own."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpikit as kk
from kpikit.metrics import _folded_checks
from kpikit.metrics import _via_duckdb as via_duckdb
from kpikit.metrics._frame_screen import frame_screen
from kpikit.schema import KEY_COLUMNS, table_specs
from tests.test_folded_checks import full_log

NAN, INF = float("nan"), float("inf")

# Values each column may be given: valid ones and each kind of bad one.
CELLS = {
    "arrived_at": [pd.Timestamp("2026-01-06 10:00"), None],
    "answered": [True, False, None],
    "wait_s": [0.0, 12.5, -0.5, NAN, INF, -INF, None],
    "agent_id": ["x", "z", None],
    "talk_s": [0.0, 30.0, -1.0, NAN, INF, None],
    "hold_s": [0.0, 4.0, -2.0, INF, None],
    "acw_s": [0.0, 0.1, NAN, -INF, None],
    "transferred": [True, False, None],
    "csat": [1.0, 5.0, 4.5, 0.0, 6.0, NAN, INF, None],
    "nps": [0.0, 10.0, 2.5, -1.0, 11.0, None],
    "qa_score": [0.0, 100.0, 100.5, -INF, NAN, None],
    "direction": ["inbound", "outbound", "sideways", None],
}


def screen(frame: pd.DataFrame):
    """The frame's screen over the specs as compute passes them (the ids' nulls are the ids'
    pass's to find)."""
    key = KEY_COLUMNS["contacts"][0]
    specs = [spec for spec in table_specs("contacts") if spec.name != key]
    return frame_screen(frame, specs)


def refused(frame: pd.DataFrame) -> bool:
    try:
        kk.validate(frame)
    except kk.SchemaError:
        return True
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(sorted(CELLS)), st.data())))
def test_no_refused_frame_passes_the_screen(edits):
    columns = full_log()
    for row, column, data in edits:
        columns[column][row] = data.draw(st.sampled_from(CELLS[column]))
    table = pa.table({name: pa.array(values) for name, values in columns.items()})
    frame = table.to_pandas()  # NumPy floats (None is NaN), flags with None as objects
    screened = screen(frame)
    if screened is None:  # answered with a missing value: not a column of flags
        assert frame["answered"].isna().any()
        return
    if refused(frame):
        assert screened()


def test_a_valid_frame_passes_the_screen():
    frame = pa.table(full_log()).to_pandas()
    assert screen(frame)() is False
    # Whole numbers as NumPy integers, flags without a missing value as NumPy's.
    transferred = frame["transferred"].eq(True).to_numpy()  # the missing one is False
    whole = frame.assign(nps=frame["nps"].fillna(0).astype(np.int64), transferred=transferred)
    assert screen(whole)() is False
    assert screen(whole.assign(nps=whole["nps"] + 1))() is True  # 11 on the first row


@pytest.mark.parametrize(
    "column, dtype", [("wait_s", "Float64"), ("csat", "Int64"), ("wait_s", "float64[pyarrow]")]
)
def test_numbers_not_held_by_numpy_are_left_to_the_folded_screen(column, dtype):
    # pandas' nullable and Arrow floats hold NaN apart from their missing values.
    frame = pa.table(full_log()).to_pandas()
    if dtype == "Int64":
        frame[column] = frame[column].round().astype(dtype)
    else:
        frame[column] = frame[column].astype(dtype)
    assert screen(frame) is None


def test_an_id_that_is_nan_among_text_counts_as_an_agent():
    # Read from the addresses, only None is missing: a NaN trips the screen, and the usual
    # checks then decide (pandas counts NaN as missing: no error).
    frame = pa.table(full_log()).to_pandas()
    frame["agent_id"] = frame["agent_id"].astype(object)  # pandas 3 reads text as str
    frame.loc[4, "agent_id"] = NAN
    assert screen(frame)() is True
    kk.validate(frame)


@pytest.mark.parametrize("ids", [list("abcdef"), list("fedcba"), [10, 20, 30, 40, 50, 60]])
def test_ids_in_strict_order_are_not_hashed(ids, monkeypatch):
    # Rising or falling from row to row, no id is missing or repeated: the pass over the ids
    # (DuckDB's hashes, sorted) is not needed.
    def no_pass(*_arguments):
        raise AssertionError("the ids in order were hashed")

    monkeypatch.setattr(via_duckdb, "MIN_ROWS", 0)
    monkeypatch.setattr(_folded_checks, "_ids_fail", no_pass)
    frame = pa.table(full_log()).to_pandas().assign(contact_id=ids)
    expected = kk.compute(frame, validate=False)
    pd.testing.assert_frame_equal(kk.compute(frame), expected)


@pytest.mark.parametrize("ids", [list("abccde"), list("badcfe"), ["a", "b", None, "d", "e", "f"]])
def test_ids_out_of_order_are_hashed_and_a_repeat_or_missing_id_found(ids, monkeypatch):
    monkeypatch.setattr(via_duckdb, "MIN_ROWS", 0)
    hashed = []
    ids_fail = _folded_checks._ids_fail

    def counted(*arguments):
        hashed.append(True)
        return ids_fail(*arguments)

    monkeypatch.setattr(_folded_checks, "_ids_fail", counted)
    frame = pa.table(full_log()).to_pandas().assign(contact_id=ids)
    if len(set(ids) - {None}) == len(ids):
        kk.compute(frame)  # "badcfe": distinct, out of order
    else:
        with pytest.raises(kk.SchemaError, match="contact_id"):
            kk.compute(frame)
    assert hashed
