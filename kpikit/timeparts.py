"""Calendar parts of a timestamp as grouping columns (hour of day, day of week)."""

from dataclasses import replace

import narwhals.stable.v2 as nw

from kpikit.schema import Dataset

__all__ = ["add_hour_weekday"]


def add_hour_weekday(data, *, column: str = "arrived_at"):
    """Add ``hour`` (0–23) and ``weekday`` (1 = Monday … 7 = Sunday) columns to the contacts.

    The result groups like any other column, so an hour × weekday view is
    ``kk.compute(add_hour_weekday(data), by=["weekday", "hour"])``.

    Parameters
    ----------
    data : Dataset or dataframe
        A :class:`kpikit.Dataset` (its contacts gain the columns) or a contacts table of any
        engine narwhals supports; the result is of the same kind.
    column : str, default="arrived_at"
        Timestamp column to take the hour and weekday from.

    Returns
    -------
    Dataset or dataframe

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"arrived_at": pd.to_datetime(["2024-01-01 09:15",
    ...                                                        "2024-01-07 23:59"])})
    >>> add_hour_weekday(contacts)[["weekday", "hour"]].values.tolist()
    [[1, 9], [7, 23]]
    """
    if isinstance(data, Dataset):
        return replace(data, contacts=add_hour_weekday(data.contacts, column=column))
    frame = nw.from_native(data)
    if column not in frame.columns:
        raise ValueError(
            f"Value of 'column' is not a column of the contacts. Expected one of "
            f"{list(frame.columns)} but received: {column!r}"
        )
    timestamp = nw.col(column)
    return frame.with_columns(weekday=timestamp.dt.weekday(), hour=timestamp.dt.hour()).to_native()
