"""Contacts left in the engine that holds them, checked there, for the helpers that work in
pandas (forecasts, day plans): parquet files, a DuckDB relation, a Spark or polars frame.

Brought into pandas contact by contact, a log of 10M contacts took seconds and a gigabyte
before a forecast could start; left where it lies, its engine checks the columns read, filters
and adds it up, and pandas gets the little that is left (:mod:`kpikit.forecast._minutes`).
"""

import narwhals.stable.v2 as nw
import pandas as pd

from kpikit._check_runs import check_table
from kpikit._frames import to_pandas
from kpikit.metrics._sources import is_path, scan_parquet
from kpikit.options import DEFAULT_CHANNEL
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
    if problems or id_problems(source):
        return None
    return source.select(*dict.fromkeys([*read, *by]))


def id_problems(contacts) -> list:
    """The problems of the ``contact_id`` of ``contacts`` (a narwhals frame), when it has one:
    ids empty or repeated, as :func:`kpikit.compute` refuses them. A forecast or a plan counts
    rows, so an export read twice over the same hours doubled the volume, unseen.

    >>> import pandas as pd
    >>> log = nw.from_native(pd.DataFrame({"contact_id": ["c1", "c2", "c1"]}))
    >>> [problem.problem for problem in id_problems(log)]
    ['repeating the contact_id of an earlier row']
    >>> id_problems(nw.from_native(pd.DataFrame({"wait_s": [5.0]})))
    []
    """
    if "contact_id" not in contacts.collect_schema().names():
        return []
    specs = [spec for spec in TABLES["contacts"] if spec.name == "contact_id"]
    problems, _ = check_table(contacts.select("contact_id"), "contacts", specs, ("contact_id",))
    return problems


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


def arrivals_zone(contacts):
    """The zone pandas shows the arrivals of ``contacts`` in (None: naive times), a pandas
    frame or a narwhals lazy frame, whose engine is asked for no row of them.

    >>> import polars as pl
    >>> from datetime import datetime
    >>> log = pl.LazyFrame({"arrived_at": [datetime(2026, 3, 2, 9)]}).with_columns(
    ...     pl.col("arrived_at").dt.replace_time_zone("Europe/Paris"))
    >>> str(arrivals_zone(nw.from_native(log)))
    'Europe/Paris'
    """
    if not isinstance(contacts, pd.DataFrame):
        contacts = to_pandas(contacts.select("arrived_at").head(0))
    return contacts["arrived_at"].dt.tz


def arrived_before(contacts, moment):
    """The contacts that arrived before ``moment``: of a pandas frame, as pandas; of a
    narwhals lazy frame (:func:`checked_lazy`), as its native lazy frame, filtered by its
    engine.

    >>> import polars as pl
    >>> from datetime import datetime
    >>> log = nw.from_native(pl.LazyFrame({"arrived_at": [datetime(2026, 3, 1, 23),
    ...     datetime(2026, 3, 2, 9)]}))
    >>> arrived_before(log, pd.Timestamp("2026-03-02")).collect()["arrived_at"].to_list()
    [datetime.datetime(2026, 3, 1, 23, 0)]
    """
    if isinstance(contacts, pd.DataFrame):
        return contacts[contacts["arrived_at"] < moment]
    return contacts.filter(nw.col("arrived_at") < _literal(contacts)(moment)).to_native()


def arrived_within(contacts, start, end):
    """The contacts of a narwhals lazy frame that arrived from ``start`` to before ``end``,
    filtered by its engine, as its native lazy frame.

    >>> import polars as pl
    >>> from datetime import datetime
    >>> log = nw.from_native(pl.LazyFrame({"arrived_at": [datetime(2026, 3, 1, 23),
    ...     datetime(2026, 3, 2, 9), datetime(2026, 3, 3)]}))
    >>> day = arrived_within(log, pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-03"))
    >>> day.collect()["arrived_at"].to_list()
    [datetime.datetime(2026, 3, 2, 9, 0)]
    """
    arrived, literal = nw.col("arrived_at"), _literal(contacts)
    return contacts.filter((arrived >= literal(start)) & (arrived < literal(end))).to_native()


def _literal(contacts):
    """A function making a moment a literal to compare with the arrivals of a narwhals lazy
    frame: of the column's own type where narwhals knows it (not DuckDB's nanosecond times),
    since polars 1.25 compares no zoned time with one of another zone. The schema is read once
    (a call into the JVM on Spark)."""
    dtype = contacts.collect_schema()["arrived_at"]
    if isinstance(dtype, nw.Datetime):
        return lambda moment: nw.lit(moment, dtype=dtype)
    return nw.lit


def phone_by_default(contacts):
    """``contacts`` (pandas, or a narwhals frame left lazy) with a null ``channel`` read as
    :data:`~kpikit.options.DEFAULT_CHANNEL`, as :func:`kpikit.compute` reads it (a null channel
    takes the phone threshold): a plan or a scenario of ``channel="phone"`` kept only the rows
    spelling "phone", and planned fewer calls than came.

    >>> phone_by_default(pd.DataFrame({"channel": ["chat", None]}))["channel"].tolist()
    ['chat', 'phone']
    """
    if not isinstance(contacts, pd.DataFrame):
        if "channel" not in contacts.collect_schema().names():
            return contacts
        return contacts.with_columns(nw.col("channel").fill_null(DEFAULT_CHANNEL))
    if "channel" not in contacts.columns or not contacts["channel"].isna().any():
        return contacts
    # as object: a categorical channel without a "phone" category refuses the value
    return contacts.assign(channel=contacts["channel"].astype(object).fillna(DEFAULT_CHANNEL))
