"""Contacts left in the engine that holds them, checked there, for the helpers that work in
pandas (forecasts, day plans): parquet files, a DuckDB relation, a Spark or polars frame.

Brought into pandas contact by contact, a log of 10M contacts took seconds and a gigabyte
before a forecast could start; left where it lies, its engine checks the columns read, filters
and adds it up, and pandas gets the little that is left (:mod:`kpikit.forecast._minutes`).
"""

import narwhals.stable.v2 as nw

from kpikit._check_runs import check_table
from kpikit.metrics._sources import is_path, scan_parquet
from kpikit.schema import TABLES, Dataset


def checked_lazy(data, columns, *, optional=(), by=()):
    """The contacts of ``data`` as a narwhals LazyFrame of ``columns``, those of ``optional``
    it has and ``by``; the values of ``columns`` and ``optional`` checked by its engine as
    :func:`kpikit.calibrate.checked_contacts` checks them (``by`` may hold any values).

    None when they are to be read into pandas instead: ``data`` is an eager frame other than
    polars' (pandas, Arrow), a column is missing or repeated, ``arrived_at`` holds dates
    (read as midnights there), or a check fails: the pandas reading names the problem and the
    rows' positions.

    >>> import polars as pl
    >>> from datetime import datetime
    >>> log = pl.LazyFrame({"arrived_at": [datetime(2026, 3, 2, 9)], "answered": [True],
    ...                     "talk_s": [-1.0], "queue": ["a"]})
    >>> checked_lazy(log, ["arrived_at", "answered"], by=["queue"]).columns
    ['arrived_at', 'answered', 'queue']
    >>> checked_lazy(log, ["arrived_at", "answered"], optional=["talk_s"]) is None  # below 0
    True
    """
    source = lazy_frame(data.contacts if isinstance(data, Dataset) else data)
    if source is None:
        return None
    schema = source.collect_schema()
    read = [*columns, *(name for name in optional if name in schema)]
    if not {*read, *by} <= set(schema) or schema.get("arrived_at") == nw.Date:
        return None
    specs = [spec for spec in TABLES["contacts"] if spec.name in read]
    problems, _ = check_table(source.select(*read), "contacts", specs, ())
    return None if problems else source.select(*dict.fromkeys([*read, *by]))


def lazy_frame(contacts):
    """``contacts`` as a narwhals LazyFrame when they are parquet files or a lazy or polars
    frame, else None."""
    if is_path(contacts):
        contacts = scan_parquet(contacts, progress=False)
    try:
        frame = nw.from_native(contacts, pass_through=True)
    except nw.exceptions.DuplicateError:  # a repeated name: the pandas reading names it
        return None
    if isinstance(frame, nw.LazyFrame):
        return frame
    if isinstance(frame, nw.DataFrame) and frame.implementation.is_polars():
        return frame.lazy()
    return None
