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
