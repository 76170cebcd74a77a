"""Turning any dataframe narwhals supports into pandas, for code that needs pandas."""

import narwhals as nw
import pandas as pd


def to_pandas(frame, argument="data"):
    """``frame`` as a pandas DataFrame; lazy frames (polars, DuckDB, Spark) are collected.

    Raises a TypeError naming ``argument`` when ``frame`` is not a dataframe.

    >>> import polars as pl
    >>> to_pandas(pl.DataFrame({"x": [1, 2]}))["x"].tolist()
    [1, 2]
    >>> to_pandas([1, 2], "table")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'table' must be a dataframe (pandas, polars, ...), but received: list
    """
    if isinstance(frame, pd.DataFrame):
        return frame
    native = nw.from_native(frame, pass_through=True)
    if isinstance(native, nw.LazyFrame):
        native = native.collect()
    if not isinstance(native, nw.DataFrame):
        raise TypeError(
            f"Value of {argument!r} must be a dataframe (pandas, polars, ...), "
            f"but received: {type(frame).__name__}"
        )
    return native.to_pandas()


def add_columns(frame: nw.DataFrame, columns: dict) -> nw.DataFrame:
    """An eager ``frame`` with more columns (NumPy arrays or Series of its length), shared.

    pandas 2 copies every column of a frame to add one (``assign``, narwhals' ``with_columns``);
    a shallow copy of the frame takes the new columns and shares the others. Other engines add
    columns without copying anyway.

    >>> import numpy as np, pandas as pd, narwhals as nw
    >>> frame = nw.from_native(pd.DataFrame({"x": [1, 2]}))
    >>> add_columns(frame, {"y": np.array([3.0, 4.0])}).to_native().values.tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    """
    if frame.implementation.is_pandas():
        native = frame.to_native().copy(deep=False)
        for name, values in columns.items():
            native[name] = values
        return nw.from_native(native)
    backend = nw.get_native_namespace(frame)
    return frame.with_columns(
        nw.new_series(name, values, backend=backend) for name, values in columns.items()
    )
