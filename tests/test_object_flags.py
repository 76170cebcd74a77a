"""True/false columns held as Python objects, read from the addresses they hold
(kpikit._object_flags): the same Arrow array as Arrow's own conversion, or None to leave the
column to it."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpikit import _object_flags
from kpikit._object_flags import as_arrow_flags, is_object_flags

flags = st.lists(st.sampled_from([True, False, None]), max_size=200)


@given(flags)
def test_the_same_array_as_arrows_conversion(values):
    objects = np.array(values, dtype=object)
    found = as_arrow_flags(objects)
    if all(value is None for value in values):  # no type for Arrow to give: left to it
        assert found is None
    else:
        assert found.equals(pa.array(objects, type=pa.bool_(), from_pandas=True))
        assert found.to_pylist() == values


@given(st.lists(st.sampled_from([True, False, None, float("nan"), 1, "x", np.bool_(True)])))
def test_flags_are_what_pandas_infers_as_booleans(values):
    # the checks take a column as true/false objects from this rather than pandas' inference
    # (10M contacts: 25 ms against 90-120 ms a column); where it says no, pandas is asked
    objects = np.array(values, dtype=object)
    if is_object_flags(objects):
        assert pd.api.types.infer_dtype(objects, skipna=True) == "boolean"
    only_flags = all(value is None or value is True or value is False for value in values)
    assert is_object_flags(objects) == (only_flags and any(v is not None for v in values))


@pytest.mark.parametrize(
    "other", [float("nan"), pd.NA, np.bool_(True), "yes", 1, 0, np.nan, pd.NaT]
)
def test_any_other_value_leaves_the_column_to_arrow(other):
    assert as_arrow_flags(np.array([True, other, False, None], dtype=object)) is None


def test_a_column_of_a_pandas_block_and_a_strided_view():
    # pandas keeps object columns together in one 2-D block; a column is a row of it.
    frame = pd.DataFrame(
        {"resolved": [True, None, False, True], "transferred": [False, True, None, None]},
        dtype=object,
    )
    assert as_arrow_flags(frame["transferred"].to_numpy()).to_pylist() == [False, True, None, None]
    every_other = frame["resolved"].to_numpy()[::2]
    assert as_arrow_flags(every_other).to_pylist() == [True, False]


def test_only_object_arrays_and_only_where_identity_is_the_address(monkeypatch):
    assert as_arrow_flags(np.array([True, False])) is None  # NumPy booleans: no objects
    assert as_arrow_flags(np.empty(0, dtype=object)) is None
    monkeypatch.setattr(_object_flags, "_BY_ADDRESS", False)  # PyPy, say
    assert as_arrow_flags(np.array([True, None], dtype=object)) is None


def test_a_numpy_that_does_not_share_the_buffer_leaves_it_to_arrow(monkeypatch):
    def refused(*_args, **_kwargs):
        raise ValueError("cannot create an array from an object buffer")

    monkeypatch.setattr(_object_flags.np, "frombuffer", refused)
    assert as_arrow_flags(np.array([True, None], dtype=object)) is None
