"""The screen of compute's checks for a pandas frame that DuckDB sums, run in NumPy on the
frame itself.

DuckDB scans a pandas frame without statistics (:mod:`._via_duckdb`), so the screen folded in
its sums query (:mod:`._folded_checks`) had to carry the least and largest value of every
number column per group, and read ``agent_id`` for every row only to test it. At 10 million
real-shaped contacts by day those made the checked compute 0.5 s of CPU longer than the
unchecked one (``benchmarks/bench_validate.py``). On NumPy columns the same screen costs a few
whole-column passes, each a few milliseconds at 10M (the least and largest value of a float
column 5-9 ms, the missing values of a column of Python text 9 ms, from the addresses it holds:
:mod:`kpikit._object_flags`), and it runs in the worker thread of the ids' pass, beside the
sums, which then read no column for the checks alone.

As the folded screen, it may trip on a valid frame (the usual checks then run and find nothing)
but never passes a frame that fails a check:

- a required column's missing value (NaN in a float column, as pandas reads it; None, NaN or
  ``pd.NA`` among objects);
- a number beyond its bounds, infinities included (NaN is missing: pandas and DuckDB's scan of
  a pandas frame agree), or a fraction where a whole number is due;
- a text value outside a column's choices;
- the checks between ``answered`` and the columns only answered contacts fill (an agent on an
  abandoned contact is any value that is not None: a NaN among the ids trips the screen too).

Only frames whose number columns are NumPy's are screened here (:func:`frame_screen` returns
None otherwise): pandas' nullable and Arrow-backed numbers can hold NaN apart from their missing
values, and keep to the folded screen.
"""

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from kpikit._object_flags import _addresses, is_object_flags

LARGEST_FLOAT = float(np.finfo(np.float64).max)
"""The largest finite float: the bound of a float column that has none (infinities lie
beyond it)."""


def frame_screen(frame: pd.DataFrame, specs) -> Callable[[], bool] | None:
    """The screen of ``frame``'s rows against the column ``specs``, as a function of no
    arguments that returns True when a row may fail a check; None when a number column of
    ``frame`` is not NumPy's, or ``answered`` is not a column of flags.

    >>> frame = pd.DataFrame({"answered": [True, False], "wait_s": [3.0, -1.0]})
    >>> from kpikit.schema import table_specs
    >>> specs = [spec for spec in table_specs("contacts") if spec.name in frame.columns]
    >>> frame_screen(frame, specs)()  # a negative wait
    True
    >>> frame_screen(frame.assign(wait_s=[3.0, 0.0]), specs)()
    False
    >>> frame_screen(frame.astype({"wait_s": "Float64"}), specs) is None
    True
    """
    specs = [spec for spec in specs if spec.name in frame.columns]
    numbers = [spec for spec in specs if spec.kind == "number"]
    if not all(_numpy_number(frame[spec.name].dtype) for spec in numbers):
        return None
    if "answered" in frame.columns and _flags(frame["answered"]) is None:
        return None
    return partial(_may_fail, frame, specs)


def _numpy_number(dtype) -> bool:
    """Whether ``dtype`` is NumPy's, of numbers or flags (Arrow's and pandas' nullable types
    have the same ``kind`` letters)."""
    return isinstance(dtype, np.dtype) and dtype.kind in "biuf"


def _may_fail(frame: pd.DataFrame, specs) -> bool:
    """Whether a row of ``frame`` may fail a check of ``specs`` (see the module's list)."""
    for spec in specs:
        column = frame[spec.name]
        if not spec.allows_null and _missing(column).any():
            return True
        if spec.choices and _is_text(column):
            if (~column.isna() & ~column.isin(spec.choices)).any():
                return True
        if spec.kind == "number" and _outside(column.to_numpy(), spec):
            return True
    return _inconsistent(frame)


def _outside(values: np.ndarray, spec) -> bool:
    """Whether a NumPy number column holds a value beyond the bounds of ``spec`` (an
    infinity among them) or, for a whole-number column, a fraction; NaN is missing."""
    if len(values) == 0:
        return False
    floating = values.dtype.kind == "f"
    if floating:  # NaN skipped; all NaN gives NaN, which no comparison below takes
        # as Python floats: NumPy 2 compares a 32-bit float with the largest 64-bit bound in
        # 32 bits, which overflowed with a RuntimeWarning ("overflow encountered in cast")
        least, largest = float(np.fmin.reduce(values)), float(np.fmax.reduce(values))
    else:
        least, largest = values.min(), values.max()
    lower = spec.min if spec.min is not None else -LARGEST_FLOAT
    upper = spec.max if spec.max is not None else LARGEST_FLOAT
    if least < lower or largest > upper:
        return True
    if not (spec.integer and floating):
        return False
    present = values[~np.isnan(values)]
    return bool((present != np.trunc(present)).any())


def _inconsistent(frame: pd.DataFrame) -> bool:
    """Whether an answered contact lacks its talk time or transfer flag, or an abandoned one
    has an agent, a time above 0 or a transfer."""
    if "answered" not in frame.columns:
        return False
    answered, _ = _flags(frame["answered"])  # a missing value fails as required
    abandoned = ~answered
    if "transferred" in frame.columns:
        transferred = _flags(frame["transferred"])
        if transferred is None:  # of no flag type: the usual checks tell
            return True
        transferred, no_flag = transferred
        if (answered & no_flag).any() or (abandoned & transferred).any():
            return True
    if "talk_s" in frame.columns and (answered & _missing(frame["talk_s"])).any():
        return True
    if "agent_id" in frame.columns and (abandoned & _maybe_present(frame["agent_id"])).any():
        return True
    return any(
        (abandoned & (frame[name].to_numpy() > 0)).any()
        for name in ("talk_s", "hold_s", "acw_s")
        if name in frame.columns
    )


def _flags(column: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """A true/false column as its true values and its missing ones (NumPy booleans), each
    False where the other is True; None when ``column`` holds anything but flags.

    >>> [values.tolist() for values in _flags(pd.Series([True, None, False]))]
    [[True, False, False], [False, True, False]]
    >>> _flags(pd.Series(["yes"])) is None
    True
    """
    values = column.to_numpy()
    if values.dtype == bool:
        return values, np.zeros(len(values), dtype=bool)
    if values.dtype == object:
        addresses = _addresses(values)
        if addresses is not None and is_object_flags(values):
            return addresses == id(True), addresses == id(None)
        if len(values) and not column.isna().all():
            return None
        return np.zeros(len(values), dtype=bool), np.ones(len(values), dtype=bool)
    if pd.api.types.is_bool_dtype(column.dtype):  # pandas' nullable or Arrow's flags
        missing = column.isna().to_numpy()
        return column.to_numpy(dtype=bool, na_value=False), missing
    return None


def _missing(column: pd.Series) -> np.ndarray:
    """The missing values of ``column``, exactly (NaN too, as pandas reads it): read from the
    addresses of a column of flags held as objects, else by pandas (fast on every type but
    other Python objects)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
        return np.isnan(column.to_numpy())
    if column.dtype == object:
        values = column.to_numpy()
        if is_object_flags(values):
            return _addresses(values) == id(None)
    return column.isna().to_numpy()


def _maybe_present(column: pd.Series) -> np.ndarray:
    """Every value of ``column`` that may be present: for Python objects, each but None (read
    from the addresses: 9 ms at 10M, against pandas' 380 ms for ``isna``)."""
    addresses = _addresses(column.to_numpy()) if column.dtype == object else None
    if addresses is not None:
        return addresses != id(None)
    return ~_missing(column)


def _is_text(column: pd.Series) -> bool:
    return (
        column.dtype == object
        or pd.api.types.is_string_dtype(column.dtype)
        or isinstance(column.dtype, pd.CategoricalDtype)
    )
