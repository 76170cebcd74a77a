"""Repeat-contact detection for first-contact resolution (FCR).

(Named ``repeats`` rather than ``fcr`` so that ``kk.fcr`` can be the single-KPI helper.)

Rule (DESIGN.md): among answered contacts, ordered by ``(arrived_at, contact_id)`` and keyed by
``match`` (customer and reason by default), a contact is a *first contact* when no answered
contact with the same key arrived within ``window`` before it, and it is *resolved* when no
answered contact with the same key arrives within ``window`` after it. "Within" is inclusive.
A first contact with no repeat whose window reaches past the last ``arrived_at`` of the whole
log cannot be judged yet and is left out of both numerator and denominator.

Only the previous and the next contact of the same key matter, so one sort of the eligible
contacts by (key, time) decides everything. :func:`add_fcr_components` adds three 0/1 columns,
computed once on the whole log before any grouping:

- ``FIRST``: a first contact (eligible, no contact of the same key within the window before);
- ``JUDGED``: a first contact that can be judged by repeats (a repeat came, or its window closed
  before the end of the log);
- ``NO_REPEAT``: a judged first contact that no contact of the same key followed in the window.

The engine combines them with ``transferred`` and ``resolved`` into the numerator and
denominator of each ``fcr_method`` (see :mod:`kpikit.metrics`). It may pass the eligible
contacts alone, with the last arrival of the whole log (``last_arrival``): the other contacts
never count, and the sort is smaller.

Eager pandas and polars frames take a NumPy fast path: the key becomes one integer per contact
(pandas factorises each key column exactly; polars hashes each key column, combines the hashes
and checks, value by value, the pairs of neighbours taken as repeats, falling back to exact
codes if two keys shared a hash). NumPy sorts values several times faster than it finds their
order, so the contacts are ordered by sorting ``int64`` values with their positions packed in
the low bits: the key (or its high bits) after the time, unless the log is in time order
already; contacts of one key in the same millisecond are then ordered by exact time and
``contact_id``. :func:`add_fcr_level` holds the three flags in one byte per contact, for a
lazy polars query to expand batch by batch. Lazy engines (DuckDB, polars lazy, Spark) use
window functions instead, so they stay lazy.
"""

import re
from datetime import UTC, datetime, timedelta

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpikit._frames import add_columns
from kpikit._sorting import sort_in_place

FIRST = "_kk_fcr_first"
JUDGED = "_kk_fcr_judged"
NO_REPEAT = "_kk_fcr_no_repeat"
LAST_ARRIVAL = "_kk_last_arrival"
LEVEL = "_kk_fcr_level"
_FLAGS = (FIRST, JUDGED, NO_REPEAT)
_MIX = 0x9E3779B97F4A7C15  # odd, with its bits spread: combines column hashes
_PAIRS_A_BATCH = 500_000
"""Most contacts in pairs whose keys :func:`_same_keys` holds at once."""


def window_ms(window):
    """Convert an FCR window (``"48h"``, ``"7d"``, a timedelta) to whole milliseconds.

    The window must be what the ``fcr_window`` option accepts: a duration from 1 minute to
    366 days, with a unit (a bare ``"48"`` or ``48`` is refused, not read as nanoseconds), in
    whole milliseconds (a finer window is refused rather than cut, which would drop a repeat
    at its very end).

    >>> window_ms("48h")
    172800000
    >>> window_ms("48")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'fcr_window' has no unit; it must be a duration from 1 minute to 366
    days, such as '48h' or '7d'; received: '48'
    >>> window_ms("-1h")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'fcr_window' must be a duration from 1 minute to 366 days, such as
    '48h' or '7d'; received: '-1h'
    >>> window_ms(timedelta(hours=48, microseconds=600))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'fcr_window' must be a whole number of milliseconds (FCR measures
    windows to the millisecond); received: datetime.timedelta(days=2, microseconds=600) (2 days
    00:00:00.000600)
    """
    from kpikit.options import FCR_WINDOW_RANGE  # kpikit.options imports this module

    shortest, longest = FCR_WINDOW_RANGE
    expected = "a duration from 1 minute to 366 days, such as '48h' or '7d'"
    if isinstance(window, str) and not any(character.isalpha() for character in window):
        raise ValueError(
            f"Value of 'fcr_window' has no unit; it must be {expected}; received: {window!r}"
        )
    if not isinstance(window, str | timedelta):
        raise TypeError(
            f"Value of 'fcr_window' must be {expected} (str or timedelta); received: "
            f"{window!r} ({type(window).__name__})"
        )
    if isinstance(window, str):
        delta = _duration(window.strip())
    else:
        try:
            delta = pd.Timedelta(window)
        except (ValueError, OverflowError):  # a timedelta past pandas' 292 years
            delta = pd.NaT
    if pd.isna(delta) or not shortest <= delta <= longest:
        raise ValueError(f"Value of 'fcr_window' must be {expected}; received: {window!r}")
    if delta % pd.Timedelta(milliseconds=1):  # cut, it would miss a repeat at its very end
        raise ValueError(
            f"Value of 'fcr_window' must be a whole number of milliseconds (FCR measures "
            f"windows to the millisecond); received: {window!r} ({delta})"
        )
    return int(delta / pd.Timedelta(milliseconds=1))


_UNITS = {
    **{unit: unit for unit in ("ns", "us", "ms")},  # read, to be refused as under a minute
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "min"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("d", "day", "days"), "D"),
    **dict.fromkeys(("w", "wk", "week", "weeks"), "W"),
}
_ONE_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)


def _duration(text: str) -> pd.Timedelta:
    """A window written as a number and one unit, in any case and with or without a space
    (``"72H"``, ``"1 week"``, ``"90 minutes"``); other forms (``"1d12h"``, ``"P2D"``) as
    :class:`pandas.Timedelta` reads them. ``"m"`` is refused: minutes or months?

    >>> _duration("72H"), _duration("1 week"), _duration("90 minutes")
    (Timedelta('3 days 00:00:00'), Timedelta('7 days 00:00:00'), Timedelta('0 days 01:30:00'))
    >>> _duration("1m")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'fcr_window' '1m' could be minutes or months: write '1min' for minutes;
    a month has no fixed length, so write it in days ('30d')
    """
    whole = _ONE_UNIT.fullmatch(text)
    if whole is None:
        return _as_pandas_reads(text)
    number, unit = whole.groups()
    if unit.lower() in ("m", "mo", "mon", "month", "months"):
        raise ValueError(
            f"Value of 'fcr_window' {text!r} could be minutes or months: write '{number}min' "
            f"for minutes; a month has no fixed length, so write it in days ('30d')"
        )
    if unit.lower() not in _UNITS:
        raise ValueError(
            f"Value of 'fcr_window' {text!r} has an unknown unit {unit!r}; write one of "
            f"'s', 'min', 'h', 'd' or 'w', such as '48h' or '7d'"
        )
    return _as_pandas_reads(float(number), unit=_UNITS[unit.lower()])


def _as_pandas_reads(*value, **unit) -> pd.Timedelta:
    """:class:`pandas.Timedelta` of ``value``, or ``NaT`` if pandas cannot read it."""
    try:
        return pd.Timedelta(*value, **unit)
    except (TypeError, ValueError, OverflowError):
        return pd.NaT


def eligible(match) -> nw.Expr:
    """Contacts that can be first contacts or repeats: answered, with a known customer
    (:func:`customer_column` of ``match``)."""
    return nw.col("answered").fill_null(False) & ~nw.col(customer_column(match)).is_null()


def customer_column(match) -> str:
    """The column of ``match`` that names the customer: ``customer_id`` wherever it stands
    (``("reason", "customer_id")`` too), else the first (an account number in its place).

    >>> customer_column(("reason", "customer_id")), customer_column(("account", "reason"))
    ('customer_id', 'account')
    """
    return "customer_id" if "customer_id" in match else match[0]


def add_fcr_components(frame, *, window, match, first=True, last_arrival=None, all_eligible=False):
    """Return ``frame`` with the 0/1 float columns FIRST, JUDGED and NO_REPEAT.

    Parameters
    ----------
    frame : narwhals DataFrame or LazyFrame
        Contacts with ``contact_id``, ``arrived_at``, ``answered`` and the ``match`` columns.
    window : str or timedelta
        Repeat window, inclusive.
    match : sequence of str
        Columns that identify "the same issue"; a contact whose customer
        (:func:`customer_column`) is null is not eligible. Nulls in the other columns (an
        unrecorded reason) form a key value of their own.
    first : bool, default=True
        Add FIRST too (the survey methods need it; the repeat rule needs only the other two).
    last_arrival : narwhals Expr or lazy frame, default=None
        The last ``arrived_at`` of the whole log, for a frame that holds only part of it: a
        literal for an eager frame; for a lazy one, a literal or a one-row table of the log
        whose column is LAST_ARRIVAL. By default the last ``arrived_at`` of ``frame``.
    all_eligible : bool, default=False
        Every contact of ``frame`` is eligible (the caller filtered them with
        :func:`eligible`): the window functions of lazy engines then need not set the
        others apart.

    Examples
    --------
    Customer ``c`` calls at 0 h and again at 48 h (a repeat, inclusive), ``d`` calls once at 0 h
    and ``e`` calls at 100 h, too close to the end of the log (100 h) to be judged.

    >>> import narwhals as nw, pandas as pd
    >>> t0 = pd.Timestamp("2026-01-01")
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3, 4],
    ...     "arrived_at": [t0, t0 + pd.Timedelta("48h"), t0, t0 + pd.Timedelta("100h")],
    ...     "answered": [True, True, True, True],
    ...     "customer_id": ["c", "c", "d", "e"],
    ... })
    >>> out = add_fcr_components(nw.from_native(contacts), window="48h", match=["customer_id"])
    >>> out.to_native()[[FIRST, JUDGED, NO_REPEAT]].values.tolist()
    [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 0.0, 0.0]]
    """
    width = window_ms(window)
    match = list(match)
    if isinstance(frame, nw.DataFrame) and (
        frame.implementation.is_pandas() or frame.implementation.is_polars()
    ):
        level = _levels(frame, width, match, last_arrival)
        names = _FLAGS if first else _FLAGS[1:]
        return add_columns(
            frame, {name: _at_least(level, _FLAGS.index(name) + 1) for name in names}
        )
    return _add_lazy(frame, width, match, first, last_arrival, all_eligible)


def add_fcr_level(frame, *, window, match, last_arrival=None):
    """Return an eager pandas or polars ``frame`` with the FCR flags in one column, LEVEL.

    LEVEL holds one byte per contact: 0 not a first contact, 1 a first contact not judged,
    2 a judged first contact that was repeated, 3 a judged first contact with no repeat; each
    flag is a level reached (:func:`level_flags`). A lazy query can then make the three float
    columns batch by batch instead of holding them (24 bytes a contact, 240 MB at 10 million).
    The arguments are those of :func:`add_fcr_components` (every flag is in the level, so
    there is no ``first``).

    Examples
    --------
    >>> import narwhals as nw, pandas as pd
    >>> t0 = pd.Timestamp("2026-01-01")
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3, 4],
    ...     "arrived_at": [t0, t0 + pd.Timedelta("48h"), t0, t0 + pd.Timedelta("100h")],
    ...     "answered": [True, True, True, True],
    ...     "customer_id": ["c", "c", "d", "e"],
    ... })
    >>> out = add_fcr_level(nw.from_native(contacts), window="48h", match=["customer_id"])
    >>> out.to_native()[LEVEL].tolist()
    [2, 0, 3, 1]
    """
    level = _levels(frame, window_ms(window), list(match), last_arrival)
    return add_columns(frame, {LEVEL: level})


def level_flags(first=True) -> dict:
    """The 0/1 float columns FIRST, JUDGED and NO_REPEAT as expressions of LEVEL.

    >>> import narwhals as nw, polars as pl
    >>> levels = nw.from_native(pl.DataFrame({LEVEL: [0, 1, 2, 3]}))
    >>> levels.select(**level_flags()).rows()
    [(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (1.0, 1.0, 0.0), (1.0, 1.0, 1.0)]
    """
    names = _FLAGS if first else _FLAGS[1:]
    level = nw.col(LEVEL)
    return {name: (level >= _FLAGS.index(name) + 1).cast(nw.Float64) for name in names}


def _add_lazy(frame, width, match, with_first, last_arrival, all_eligible):
    time = nw.col("arrived_at")
    later = time.dt.offset_by(f"{width}ms")
    partition = match if all_eligible else ["_fcr_eligible", *match]
    order = ["arrived_at", "contact_id"]
    # Times are compared with the window added (Spark has no duration arithmetic in narwhals).
    before = time.shift(1).over(*partition, order_by=order)
    after = time.shift(-1).over(*partition, order_by=order)
    # Held as two columns, which the flags read: inlined into every flag, the window
    # expressions were evaluated again in each (DuckDB: 40 % of the FCR query's projections).
    windows = {
        "_fcr_before": (~before.is_null()) & (before.dt.offset_by(f"{width}ms") >= time),
        "_fcr_after": (~after.is_null()) & (after <= later),
    }
    repeated_before, repeated_after = nw.col("_fcr_before"), nw.col("_fcr_after")
    # The log's last arrival joins as a one-row table (a window over the whole frame would move
    # every row into one partition on Spark), after the window functions, whose sorts then
    # need not carry it.
    if last_arrival is None:
        last_arrival = frame.select(nw.col("arrived_at").max().alias(LAST_ARRIVAL))
    joined = isinstance(last_arrival, (nw.LazyFrame, nw.DataFrame))
    last = nw.col(LAST_ARRIVAL) if joined else last_arrival
    judged = repeated_after | (later <= last)
    first = ~repeated_before if all_eligible else nw.col("_fcr_eligible") & ~repeated_before
    flags = [
        nw.when(first & judged).then(1.0).otherwise(0.0).alias(JUDGED),
        nw.when(first & judged & ~repeated_after).then(1.0).otherwise(0.0).alias(NO_REPEAT),
    ]
    if with_first:
        flags.insert(0, nw.when(first).then(1.0).otherwise(0.0).alias(FIRST))
    added = list(windows)
    if not all_eligible:
        frame = frame.with_columns(_fcr_eligible=eligible(match))
        added.append("_fcr_eligible")
    frame = frame.with_columns(**windows)
    if joined:
        frame = frame.join(last_arrival, how="cross")
        added.append(LAST_ARRIVAL)
    return frame.with_columns(*flags).drop(*added)


def _levels(frame, width_ms, match, last_arrival):
    """The LEVEL of every contact of an eager pandas or polars frame (``uint8``)."""
    mask = frame.select(eligible(match)).get_column("answered")
    is_eligible = mask.to_numpy().astype(bool)
    rows = np.flatnonzero(is_eligible)
    level = np.zeros(len(is_eligible), dtype=np.uint8)
    if len(rows):
        arrived = frame.get_column("arrived_at").filter(mask)
        origin = arrived.min()
        if last_arrival is None:
            last_arrival = nw.col("arrived_at").max()
        last_arrivals = frame.select(last_arrival.alias("last")).get_column("last")
        _refuse_long_span(frame, origin, max(arrived.max(), last_arrivals.max()))
        times = _elapsed_ns(arrived, origin)
        last = _elapsed_ns(last_arrivals, origin)
        width = width_ms * 1_000_000
        key, keys = _key_codes(frame, match, rows, is_eligible)
        contact_ids = frame.get_column("contact_id")
        order, close, sorted_times = _neighbours(contact_ids, key, times, rows, width)
        if keys is not None and not _same_keys(keys, order, close):
            key = _exact_codes(keys)
            order, close, sorted_times = _neighbours(contact_ids, key, times, rows, width)
        level[rows] = _sorted_levels(order, close, sorted_times <= last.max() - width)
    return level


def _at_least(level, value) -> np.ndarray:
    """1.0 where ``level`` reaches ``value``, else 0.0."""
    return (level >= value).astype(np.float64)


def _sorted_levels(order, close, window_closed):
    """The levels of the eligible contacts, in their order, from the sorted order.

    ``close[i]``: contact ``i`` of the sorted order repeats as ``i + 1``; ``window_closed``:
    its window ends by the last arrival of the log.
    """
    repeated_after = np.zeros(len(order), dtype=np.uint8)
    repeated_after[:-1] = close
    first = np.ones(len(order), dtype=np.uint8)
    first[1:] -= close
    judged = first & (repeated_after | window_closed)
    levels = np.empty(len(order), dtype=np.uint8)
    levels[order] = first + judged + (judged & (1 - repeated_after))
    return levels


MAX_SPAN = timedelta(microseconds=(2**63 - 1) // 1000)
"""Longest time between the first eligible contact and the last arrival that FCR measures: what
nanoseconds in an ``int64`` hold, 292 years (a log spread wider has mistyped times)."""


def _refuse_long_span(frame, earliest, latest) -> None:
    """Refuse times spread over more than ``MAX_SPAN``, naming the earliest and latest contacts.

    Nanoseconds past 292 years overflow: pandas raises an OverflowError and polars wraps round
    to wrong times, where a mistyped year (2206 for 2026, a 1900 placeholder) is the cause.

    >>> import pandas as pd
    >>> contacts = nw.from_native(pd.DataFrame({"contact_id": ["a", "b"],
    ...     "arrived_at": pd.to_datetime(["1900-01-01", "2206-01-01"])}))
    >>> _refuse_long_span(contacts, *contacts["arrived_at"].to_list())
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.arrived_at: 2 rows at the two ends of 306 years of contacts (1900-01-01 00:00:00 to
      2206-01-01 00:00:00), more than the 292 years FCR can measure: a year is likely mistyped
      (first ids: a, b)
    """
    if _as_datetime(latest) - _as_datetime(earliest) <= MAX_SPAN:
        return
    from kpikit.schema import Problem, SchemaError

    years = (_as_datetime(latest) - _as_datetime(earliest)).days // 365
    at_an_end = (nw.col("arrived_at") == earliest) | (nw.col("arrived_at") == latest)
    ends = frame.filter(at_an_end)  # not is_in: older polars finds no datetime in a list
    examples = tuple(ends.get_column("contact_id").head(5).to_list())
    problem = (
        f"at the two ends of {years} years of contacts ({earliest} to {latest}), more than the "
        f"{MAX_SPAN.days // 365} years FCR can measure: a year is likely mistyped"
    )
    ends_problem = Problem("contacts", "arrived_at", problem, len(ends), examples, "contact_id")
    raise SchemaError([ends_problem])


def _as_datetime(moment):
    """A pandas Timestamp as Python's datetime (whose differences do not overflow)."""
    return moment.to_pydatetime(warn=False) if isinstance(moment, pd.Timestamp) else moment


def _elapsed_ns(series, origin) -> np.ndarray:
    """Nanoseconds from ``origin``: elapsed time, whatever the zone (narwhals cannot take the
    epoch of pandas zones it does not recognise, such as America/New_York).

    A polars column is read from its integers: polars subtracts a Python ``datetime`` (which
    ``min()`` returns, to the microsecond) in microseconds, so a repeat 48 h and 1 ns after
    a contact was inside a 48 h window, and two contacts less than a microsecond apart tied.
    """
    if series.implementation.is_polars():
        return _polars_elapsed_ns(series.to_native(), origin)
    elapsed = series - origin
    native = elapsed.to_native()
    if (
        isinstance(native, pd.Series)
        and isinstance(native.dtype, np.dtype)
        and native.dtype.kind == "m"
    ):
        # A NumPy timedelta64 column: its integers, in nanoseconds (narwhals computes them
        # from the parts of each duration, ten times slower).
        return native.to_numpy().astype("timedelta64[ns]").view(np.int64)
    return elapsed.dt.total_nanoseconds().to_numpy().astype(np.int64, copy=False)


_UNIT_NS = {"ns": 1, "us": 1_000, "ms": 1_000_000}


def _polars_elapsed_ns(native, origin) -> np.ndarray:
    """Nanoseconds from ``origin`` (a Python ``datetime``) of a polars datetime Series, exact
    to its time unit: its integers (UTC for a zoned column, as polars holds them) less the
    origin's in that unit, then in nanoseconds.

    >>> import polars as pl
    >>> times = pl.from_pandas(pd.Series(pd.to_datetime(["2026-03-02 09:00:00.000000001"])))
    >>> times.dtype, times.min()  # min() drops the nanosecond
    (Datetime(time_unit='ns', time_zone=None), datetime.datetime(2026, 3, 2, 9, 0))
    >>> _polars_elapsed_ns(times, times.min()).tolist()
    [1]
    """
    unit = _UNIT_NS[native.dtype.time_unit]
    epoch = datetime(1970, 1, 1, tzinfo=None if origin.tzinfo is None else UTC)
    origin_units = ((origin - epoch) // timedelta(microseconds=1)) * 1_000 // unit
    return (native.to_physical().to_numpy().astype(np.int64) - origin_units) * unit


def _neighbours(contact_ids, key, times, rows, width):
    """Sort order by (key, time), whether each contact's successor repeats it in the window,
    and the times in that order."""
    order, same_key, sorted_times, gaps = _sort_order(key, times, contact_ids, rows)
    return order, same_key & (gaps <= width), sorted_times


def _key_codes(frame, match, rows, is_eligible):
    """Integer codes of the key (the ``match`` columns together) of the rows ``rows``.

    Returns the codes, and ``None`` when they are exact; when they are hashes, which two keys
    may share, the key values of the rows as a polars DataFrame, for :func:`_same_keys`.
    """
    if frame.implementation.is_polars():
        keys = _polars_keys(frame.to_native(), match, is_eligible)
        return _key_hashes(keys), keys
    key = np.zeros(len(rows), dtype=np.int64)
    for name in match:
        # Factorising the Series (not a NumPy copy) keeps pandas' fast string hashing. Every
        # kind of null (None, NaN, NA) gets -1: nulls form one key value of their own.
        codes, uniques = pd.factorize(frame.get_column(name).to_native().take(rows))
        size = len(uniques) + 1
        if int(key.max()) * size >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)  # re-densify before it could overflow
        key = key * size + (codes + 1)
    return key, None


def _polars_keys(native, match, is_eligible):
    """The ``match`` columns of the eligible rows, each in one chunk (polars gathers values
    from one chunk several times faster than from the many a filter leaves).

    Filtered and joined into one chunk a column at a time, so that one column's filtered
    chunks are freed before the next is filtered: at 10M contacts (4.6M eligible), 287 MiB at
    the peak when both were filtered before being joined, 203 MiB this way (3 ms longer).
    """
    import polars as pl

    rows = pl.Series(is_eligible)
    return pl.DataFrame([native.get_column(name).filter(rows).rechunk() for name in match])


def _key_hashes(keys):
    """A 64-bit hash of each row's key (``uint64``): the columns' hashes combined.

    The columns are hashed in parallel, faster than polars hashes a struct of them.
    """
    import polars as pl

    hashes = [pl.col(name).hash(seed) for seed, name in enumerate(keys.columns)]
    combined = hashes[0]
    for column_hash in hashes[1:]:
        combined = combined * pl.lit(_MIX, pl.UInt64) + column_hash  # wraps around 2**64
    return keys.lazy().select(combined).collect().to_series().to_numpy()


def _exact_codes(keys):
    """Exact codes of the key, for the unlikely case of two keys with one hash."""
    import polars as pl

    return (
        keys.select(pl.struct(keys.columns).rank("dense")).to_series().to_numpy().astype(np.int64)
    )


def _same_keys(keys, order, close, batch=_PAIRS_A_BATCH):
    """Whether every pair of neighbours taken as a repeat has the same key, value by value.

    Hash codes decide the pairs; a pair of different keys with one hash is what this catches.
    Two contacts of one key with a contact of another key (of the same hash) between them form
    two such pairs, so checking the pairs found is enough for the result to be exact. The
    contacts in a pair are taken once each, in sorted order, and each compared with the next,
    ``batch`` at a time (a batch starts with the last contact of the batch before), so that few
    key values are held at once. At 10M contacts (3.4M of them in pairs), 16-24 MiB at the peak
    and 38-50 ms, against 129-158 MiB and 53-57 ms for all at once in a lazy query.

    >>> import polars as pl
    >>> keys = pl.DataFrame({"customer_id": ["a", "b", "a", "a"]})
    >>> order = np.array([0, 2, 3, 1])  # a, a, a, b
    >>> _same_keys(keys, order, np.array([True, True, False]))
    True
    >>> _same_keys(keys, order, np.array([True, True, True]), batch=2)  # b follows a
    False
    """
    import polars as pl

    in_pair = np.zeros(len(order), dtype=bool)
    in_pair[:-1] = close
    in_pair[1:] |= close
    positions = np.flatnonzero(in_pair)
    same = pl.all_horizontal(
        [pl.col(name).eq_missing(pl.col(name).shift(-1)) for name in keys.columns]
    )
    for start in range(0, len(positions) - 1, batch):
        taken = positions[start : start + batch + 1]
        paired_with_next = pl.Series(close[taken[:-1]])
        equal = keys[order[taken]].select(same.head(len(taken) - 1)).to_series()
        if not equal.filter(paired_with_next).all():
            return False
    return True


def _sort_order(key, times, contact_ids, rows):
    """Order of rows by (key, time, contact_id); whether each contact in that order has the
    key of the next, the times in that order and the gaps between them.

    The sort is on whole milliseconds; contacts of one key in the same millisecond are then
    put in (exact time, contact_id) order among themselves.
    """
    order, sorted_key = _key_time_order(key, times)
    same_key = sorted_key[1:] == sorted_key[:-1]
    del sorted_key
    sorted_times = times[order]
    gaps = np.diff(sorted_times)
    # Less than a millisecond apart (either way: unordered within a millisecond), then the same
    # millisecond.
    near = np.flatnonzero(same_key & (gaps < 1_000_000) & (gaps > -1_000_000))
    tied = near[sorted_times[near] // 1_000_000 == sorted_times[near + 1] // 1_000_000]
    if len(tied):
        tied_to_previous = np.zeros(len(order), dtype=bool)
        tied_to_previous[tied + 1] = True
        in_tie = tied_to_previous.copy()
        in_tie[tied] = True
        positions = np.flatnonzero(in_tie)
        members = order[positions]
        # Each run of ties (one key, one millisecond) sorted within itself.
        run = np.cumsum(~tied_to_previous[positions])
        id_rank = _ranks(contact_ids[rows[members]])
        within = np.lexsort((id_rank, times[members], run))
        order[positions] = members[within]
        sorted_times[positions] = sorted_times[positions][within]
        changed = np.flatnonzero(in_tie[1:] | in_tie[:-1])  # gaps next to a tie
        gaps[changed] = sorted_times[changed + 1] - sorted_times[changed]
    return order, same_key, sorted_times, gaps


def _ranks(ids):
    """Dense ranks of the contact ids of a narwhals Series (nulls first), to order ties.

    Text is sorted by polars or Arrow (several times faster than Python's comparisons).
    """
    native = ids.to_native()
    if ids.implementation.is_polars():
        return native.rank("dense").fill_null(0).to_numpy()
    if native.dtype == object and not native.isna().any():
        try:
            text = pa.array(native.to_numpy(), type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            pass  # not all text: Python's order
        else:
            return pc.rank(text, sort_keys="ascending", tiebreaker="dense").to_numpy()
    return pd.factorize(native.to_numpy(), sort=True)[0]


def _key_time_order(key, times):
    """Order by (key, millisecond), contacts of one key in one millisecond in any order, and
    the keys in that order.

    Values sort several times faster than their order is found (NumPy's ``argsort``), so
    each sort is of values with their positions packed in the low bits of an ``int64``
    (:func:`kpikit._sorting.sort_in_place`):
    first of the milliseconds (unless the contacts are in time order already, as logs usually
    are), then of the keys in time order, whose order within a key is then the time order.
    Keys too wide to share an ``int64`` with the positions (64-bit hashes) are sorted by
    their high bits, and the rare runs of different keys with equal high bits by key then.
    """
    position_bits = (len(key) - 1).bit_length()
    by_time = None
    if not np.all(times[1:] >= times[:-1]):
        milliseconds = times // 1_000_000
        milliseconds -= milliseconds.min()
        by_time, _ = _packed_order(milliseconds, position_bits)
        key = key[by_time]
    shift = max(0, int(key.max()).bit_length() - (63 - position_bits))
    order, high = _packed_order((key >> shift).view(np.int64), position_bits)
    sorted_key = key[order] if shift else high
    if shift:
        mixed = (high[1:] == high[:-1]) & (sorted_key[1:] != sorted_key[:-1])
        if mixed.any():
            shared = np.unique(high[1:][mixed])
            starts = np.searchsorted(high, shared, "left")
            ends = np.searchsorted(high, shared, "right")
            positions = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
            within = np.lexsort((order[positions], sorted_key[positions], high[positions]))
            order[positions] = order[positions][within]
            sorted_key[positions] = sorted_key[positions][within]
    return (order if by_time is None else by_time[order]), sorted_key


def _packed_order(values, position_bits):
    """Stable order of non-negative ``int64`` values, and the values in that order: one sort
    of values and positions packed in an ``int64`` when they fit, else a stable ``argsort``.

    ``values`` is overwritten (the caller's temporary: fewer new arrays, which cost more than
    their computation when the system has to find fresh memory).
    """
    if int(values.max()).bit_length() + position_bits > 63:
        order = np.argsort(values, kind="stable")
        return order, values[order]
    values <<= position_bits
    step = 1 << 20
    for start in range(0, len(values), step):  # positions added a slice at a time, likewise
        values[start : start + step] |= np.arange(start, min(start + step, len(values)))
    sort_in_place(values)
    order = values & ((1 << position_bits) - 1)
    values >>= position_bits
    return order, values
