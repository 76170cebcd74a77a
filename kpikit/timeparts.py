"""Calendar parts of a timestamp as grouping columns (hour of day, day of week)."""

from dataclasses import replace
from os import PathLike

import narwhals.stable.v2 as nw

from kpikit._checks import ColumnSpec, column_dtype, table_checks
from kpikit.schema import Dataset, Problem, SchemaError, repeated_columns

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

    Raises
    ------
    SchemaError
        ``column`` does not hold timestamps (text or numbers: parse them first; or only
        missing values of no type), or the contacts repeat a column name.
    ValueError
        ``column`` is not a column of the contacts, or they already have a column ``hour`` or
        ``weekday`` (it would be replaced).

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"arrived_at": pd.to_datetime(["2024-01-01 09:15",
    ...                                                        "2024-01-07 23:59"])})
    >>> add_hour_weekday(contacts)[["weekday", "hour"]].values.tolist()
    [[1, 9], [7, 23]]
    >>> add_hour_weekday(pd.DataFrame({"arrived_at": ["2024-01-01 09:15"]}))
    ... # doctest: +NORMALIZE_WHITESPACE, +ELLIPSIS
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.arrived_at: wrong type: holds text (...), expected timestamps (datetime); parse
    the text first (kk.read_contacts does, or pandas.to_datetime)
    """
    if isinstance(data, Dataset):
        return replace(data, contacts=add_hour_weekday(data.contacts, column=column))
    frame = _contacts(data)
    if column not in frame.columns:
        raise ValueError(
            f"Value of 'column' is not a column of the contacts. Expected one of "
            f"{list(frame.columns)} but received: {column!r}"
        )
    taken = [name for name in ("weekday", "hour") if name in frame.columns]
    if taken:
        raise ValueError(
            f"The contacts already have a column named {' and '.join(map(repr, taken))}, which "
            "add_hour_weekday would replace: rename or drop it first"
        )
    _check_timestamps(frame, column)
    timestamp = nw.col(column)
    return frame.with_columns(weekday=iso_weekday(timestamp), hour=timestamp.dt.hour()).to_native()


def iso_weekday(time):
    """The ISO weekday (1 Monday to 7 Sunday) of a narwhals datetime expression, on every
    engine.

    narwhals 2.29 gives Spark's Sunday as 0 (``(dayofweek + 6) % 7``), where the other engines
    give 7; a 0 gets 7 added. Not taken modulo 7, which pandas' columns held by Arrow and
    pyarrow tables lack (``NotImplementedError: mod not implemented``).

    >>> import pandas as pd
    >>> days = pd.DataFrame({"at": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-07"])})
    >>> nw.from_native(days).select(iso_weekday(nw.col("at")))["at"].to_list()  # Sun, Mon, Sat
    [7, 1, 6]
    >>> arrow = days.convert_dtypes(dtype_backend="pyarrow")
    >>> nw.from_native(arrow).select(iso_weekday(nw.col("at")))["at"].to_list()
    [7, 1, 6]
    """
    weekday = time.dt.weekday()
    return weekday + (weekday == 0).cast(nw.Int8) * 7


_CONVERT = (
    "convert it to timestamps first with pandas.to_datetime (unit='s' for seconds since 1970), "
    "or read the file with kk.read_contacts"
)
_DATES = (
    "wrong type: holds dates, which have no hour; it needs timestamps with the time of day "
    "(kk.read_contacts reads them from a file)"
)


def _contacts(data):
    """``data`` as a narwhals frame; repeated column names are a SchemaError, anything else
    than a dataframe (a parquet path, a Series, None) a TypeError naming ``data``, not
    narwhals' "Unsupported dataframe type".

    >>> _contacts("contacts.parquet")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'data' must be a kpikit Dataset or a contacts dataframe (pandas, polars,
    pyarrow, DuckDB, ...), but received: 'contacts.parquet' (str); read files first (for
    parquet, duckdb.read_parquet or kk.read_contacts)
    """
    try:
        return nw.from_native(data)
    except nw.exceptions.DuplicateError:
        raise SchemaError([repeated_columns(data, "contacts")]) from None
    except TypeError:
        kind = type(data).__name__
        shown = f"{data!r} ({kind})" if isinstance(data, str | PathLike | None) else f"a {kind}"
        raise TypeError(
            "Value of 'data' must be a kpikit Dataset or a contacts dataframe (pandas, polars, "
            f"pyarrow, DuckDB, ...), but received: {shown}; read files first (for parquet, "
            "duckdb.read_parquet or kk.read_contacts)"
        ) from None


def _check_timestamps(frame, column):
    """Refuse a ``column`` that does not hold timestamps (dates have no hour either), in the
    words of :func:`kpikit.validate` for such an ``arrived_at``, saying how to convert it."""
    spec = ColumnSpec(column, "datetime")
    problems = table_checks(frame, "contacts", [spec], ()).problems
    dtype = column_dtype(frame, column)
    if dtype == nw.Date:
        problems = [Problem("contacts", column, _DATES)]
    elif not problems and dtype != nw.Datetime:  # only missing values, of no type of their own
        problems = [Problem("contacts", column, "holds no timestamps, only missing values")]
    if problems:
        raise SchemaError(
            problem
            if "kk.read_contacts" in problem.problem
            else replace(problem, problem=f"{problem.problem}; {_CONVERT}")
            for problem in problems
        )
