"""kpikit._sorting: polars' sort and NumPy's give the same arrays, and repeats are found by
either; the expected results are NumPy's own sort and set of values."""

from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kpikit import _sorting

pytest.importorskip("polars")

int64s = arrays(np.int64, st.integers(0, 300), elements=st.integers(-(2**63), 2**63 - 1))
uint64s = arrays(np.uint64, st.integers(0, 300), elements=st.integers(0, 2**64 - 1))


SORTERS = ["polars", "numpy"]


@contextmanager
def sorted_by(sorter: str):
    """Every array sorted by polars (from 0 values), or by NumPy (polars taken as absent)."""
    with pytest.MonkeyPatch.context() as patch:
        if sorter == "polars":
            patch.setattr(_sorting, "SORTED_BY_POLARS_FROM", 0)
        else:
            patch.setattr(_sorting, "usable", lambda module: False)
        yield


@pytest.mark.parametrize("sorter", SORTERS)
@settings(max_examples=60, deadline=None)
@given(values=st.one_of(int64s, uint64s))
def test_sort_in_place_sorts_as_numpy_does(sorter, values):
    expected = np.sort(values)
    with sorted_by(sorter):
        _sorting.sort_in_place(values)
    assert values.dtype == expected.dtype
    np.testing.assert_array_equal(values, expected)


@pytest.mark.parametrize("sorter", SORTERS)
@settings(max_examples=60, deadline=None)
@given(values=st.one_of(int64s, uint64s), repeat=st.booleans())
def test_repeats_any_finds_equal_values(sorter, values, repeat):
    if repeat and len(values):
        values = np.concatenate([values, values[-1:]])  # the last value once more
    expected = len(np.unique(values)) < len(values)
    given_values = values.copy()
    values.flags.writeable = False  # as NumPy views of Arrow and polars buffers are
    with sorted_by(sorter):
        assert _sorting.repeats_any(values) == expected
    np.testing.assert_array_equal(values, given_values)  # left as it was


def test_large_arrays_go_to_polars_and_agree(monkeypatch):
    # 250,000 values (over SORTED_BY_POLARS_FROM): the default path is polars' sort; forcing
    # NumPy gives the same array. Hashes of 64 bits: the highest bit set on half of them.
    rng = np.random.default_rng(7)
    hashes = rng.integers(0, 2**64 - 1, 250_000, dtype=np.uint64, endpoint=True)
    by_polars, by_numpy = hashes.copy(), hashes.copy()
    _sorting.sort_in_place(by_polars)
    monkeypatch.setattr(_sorting, "usable", lambda module: False)
    _sorting.sort_in_place(by_numpy)
    np.testing.assert_array_equal(by_polars, by_numpy)
    assert not _sorting.repeats_any(hashes)
    hashes[123_456] = hashes[7]
    assert _sorting.repeats_any(hashes)
