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

Eager pandas and polars frames take a NumPy fast path: the key becomes one integer code per
contact (pandas factorises each key column; polars hashes the key, turns the hashes into codes
and checks, value by value, the pairs of neighbours taken as repeats, falling back to exact codes
if two keys shared a hash), packed with the time into a single ``int64`` so that one ``argsort``
orders everything; contacts of one key in the same millisecond are then ordered by
``contact_id``. Lazy engines (DuckDB, polars lazy,
Spark) use window functions instead, so they stay lazy.
"""

import narwhals as nw
import numpy as np
import pandas as pd

from kpikit._frames import add_columns

FIRST = "_kk_fcr_first"
JUDGED = "_kk_fcr_judged"
NO_REPEAT = "_kk_fcr_no_repeat"
LAST_ARRIVAL = "_kk_last_arrival"


def window_ms(window):
    """Convert an FCR window (``"48h"``, a timedelta, ...) to whole milliseconds.

    >>> window_ms("48h")
    172800000
    >>> window_ms("-1h")
    Traceback (most recent call last):
    ...
    ValueError: fcr_window must be a positive duration such as '48h'; received: '-1h'
    """
    if isinstance(window, str) and window.strip().endswith("d"):
        window = window.strip()[:-1] + "D"  # pandas spells days with a capital D
    try:
        delta = pd.Timedelta(window)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"fcr_window must be a duration such as '48h' or '7d'; received: {window!r}"
        ) from error
    if pd.isna(delta) or delta <= pd.Timedelta(0):
        raise ValueError(
            f"fcr_window must be a positive duration such as '48h'; received: {window!r}"
        )
    return int(delta / pd.Timedelta(milliseconds=1))


def eligible(match) -> nw.Expr:
    """Contacts that can be first contacts or repeats: answered, with a known first key."""
    return nw.col("answered").fill_null(False) & ~nw.col(match[0]).is_null()


def add_fcr_components(frame, *, window, match, first=True, last_arrival=None, all_eligible=False):
    """Return ``frame`` with the 0/1 float columns FIRST, JUDGED and NO_REPEAT.

    Parameters
    ----------
    frame : narwhals DataFrame or LazyFrame
        Contacts with ``contact_id``, ``arrived_at``, ``answered`` and the ``match`` columns.
    window : str or timedelta
        Repeat window, inclusive.
    match : sequence of str
        Columns that identify "the same issue"; a contact whose first match column (the
        customer) is null is not eligible. Nulls in later columns (an unrecorded reason)
        form a key value of their own.
    first : bool, default=True
        Add FIRST too (the survey methods need it; the repeat rule needs only the other two).
    last_arrival : narwhals Expr, default=None
        The last ``arrived_at`` of the whole log, for a frame that holds only part of it (a
        column of a lazy frame, a literal for an eager one); by default the last
        ``arrived_at`` of ``frame``.
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
        return _add_eager(frame, width, match, first, last_arrival)
    return _add_lazy(frame, width, match, first, last_arrival, all_eligible)


def _add_lazy(frame, width, match, with_first, last_arrival, all_eligible):
    time = nw.col("arrived_at")
    later = time.dt.offset_by(f"{width}ms")
    partition = match if all_eligible else ["_fcr_eligible", *match]
    order = ["arrived_at", "contact_id"]
    # Times are compared with the window added (Spark has no duration arithmetic in narwhals).
    before = time.shift(1).over(*partition, order_by=order)
    after = time.shift(-1).over(*partition, order_by=order)
    repeated_before = (~before.is_null()) & (before.dt.offset_by(f"{width}ms") >= time)
    repeated_after = (~after.is_null()) & (after <= later)
    # Without ``last_arrival``, the log's last arrival joins as a one-row table: a window over
    # the whole frame would move every row into one partition on Spark.
    last = nw.col("_fcr_last") if last_arrival is None else last_arrival
    judged = repeated_after | (later <= last)
    first = ~repeated_before if all_eligible else nw.col("_fcr_eligible") & ~repeated_before
    flags = [
        nw.when(first & judged).then(1.0).otherwise(0.0).alias(JUDGED),
        nw.when(first & judged & ~repeated_after).then(1.0).otherwise(0.0).alias(NO_REPEAT),
    ]
    if with_first:
        flags.insert(0, nw.when(first).then(1.0).otherwise(0.0).alias(FIRST))
    added = []
    if last_arrival is None:
        frame = frame.join(frame.select(nw.col("arrived_at").max().alias("_fcr_last")), how="cross")
        added.append("_fcr_last")
    if not all_eligible:
        frame = frame.with_columns(_fcr_eligible=eligible(match))
        added.append("_fcr_eligible")
    frame = frame.with_columns(*flags)
    return frame.drop(*added) if added else frame


def _add_eager(frame, width_ms, match, with_first, last_arrival):
    is_eligible = frame.select(eligible(match)).get_column("answered").to_numpy().astype(bool)
    rows = np.flatnonzero(is_eligible)
    first = np.zeros(len(is_eligible))
    judged_first = np.zeros(len(is_eligible))
    no_repeat = np.zeros(len(is_eligible))
    if len(rows):
        arrived = frame.get_column("arrived_at")[rows]
        origin = arrived.min()
        times = _elapsed_ns(arrived, origin)
        if last_arrival is None:
            last_arrival = nw.col("arrived_at").max()
        last = _elapsed_ns(frame.select(last_arrival.alias("last")).get_column("last"), origin)
        last = last.max()
        width = width_ms * 1_000_000
        key, exact = _key_codes(frame, match, rows)
        order, close = _neighbours(frame, key, times, rows, width)
        if not exact and not _same_keys(frame, match, rows[order], close):
            key = _polars_exact_codes(frame.to_native(), match, rows)
            order, close = _neighbours(frame, key, times, rows, width)
        times = times[order]
        repeated_before = np.concatenate([[False], close])
        repeated_after = np.concatenate([close, [False]])
        judged = repeated_after | (times + width <= last)
        is_first = ~repeated_before
        positions = rows[order]
        first[positions] = is_first
        judged_first[positions] = is_first & judged
        no_repeat[positions] = is_first & judged & ~repeated_after
    flags = {FIRST: first, JUDGED: judged_first, NO_REPEAT: no_repeat}
    if not with_first:
        del flags[FIRST]
    return add_columns(frame, flags)


def _elapsed_ns(series, origin) -> np.ndarray:
    """Nanoseconds from ``origin``: elapsed time, whatever the zone (narwhals cannot take the
    epoch of pandas zones it does not recognise, such as America/New_York)."""
    return (series - origin).dt.total_nanoseconds().to_numpy().astype(np.int64)


def _neighbours(frame, key, times, rows, width):
    """Sort order by (key, time) and whether each contact's successor repeats it in the window."""
    order = _sort_order(key, times, frame.get_column("contact_id"), rows)
    key, times = key[order], times[order]
    return order, (key[1:] == key[:-1]) & (times[1:] - times[:-1] <= width)


def _key_codes(frame, match, rows):
    """Integer codes of the key (the ``match`` columns together) of the rows ``rows``.

    Returns the codes and whether they are exact (False: hashes, which two keys may share).
    """
    if frame.implementation.is_polars():
        return _polars_key_codes(frame.to_native(), match, rows), False
    key = np.zeros(len(rows), dtype=np.int64)
    for name in match:
        # Factorising the Series (not a NumPy copy) keeps pandas' fast string hashing.
        codes, uniques = pd.factorize(
            frame.get_column(name).to_native().take(rows), use_na_sentinel=False
        )
        size = len(uniques) + 1
        if int(key.max()) * size >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)  # re-densify before it could overflow
        key = key * size + codes
    return key, True


def _polars_key_codes(native, match, rows):
    """Codes from a 64-bit hash of the key, in the order of the rows ``rows``."""
    import polars as pl

    chosen = np.zeros(len(native), dtype=bool)
    chosen[rows] = True
    hashes = native.select(pl.struct(match).hash().filter(pl.Series(chosen))).to_series()
    return pd.factorize(hashes.to_numpy())[0].astype(np.int64)


def _polars_exact_codes(native, match, rows):
    """Exact codes of the key, for the unlikely case of two keys with one hash."""
    import polars as pl

    key = native.select(match)[rows].select(pl.struct(match).alias("key")).get_column("key")
    return key.rank("dense").to_numpy().astype(np.int64)


def _same_keys(frame, match, sorted_rows, close):
    """Whether every pair of neighbours taken as a repeat has the same key, value by value.

    Hash codes decide the pairs; a pair of different keys with one hash is what this catches.
    Two contacts of one key with a contact of another key (of the same hash) between them form
    two such pairs, so checking the pairs found is enough for the result to be exact.
    """
    import polars as pl

    pairs = np.flatnonzero(close)
    if not len(pairs):
        return True
    native = frame.to_native().select(match)
    before = native[sorted_rows[pairs]]
    after = native[sorted_rows[pairs + 1]]
    same = pl.DataFrame(
        [before.get_column(name).eq_missing(after.get_column(name)) for name in match]
    )
    return bool(same.select(pl.all_horizontal(pl.all())).to_series().all())


def _sort_order(key, times, contact_ids, rows):
    """Order of rows by (key, time, contact_id): one argsort when key and time pack in an int64.

    The sort is on whole milliseconds; contacts of one key in the same millisecond are then
    put in (exact time, contact_id) order among themselves.
    """
    milliseconds = times // 1_000_000
    start = int(milliseconds.min())
    span = int(milliseconds.max()) - start + 1
    if (int(key.max()) + 1) * span < 2**62:
        order = np.argsort(key * span + (milliseconds - start), kind="quicksort")
    else:
        order = np.lexsort((milliseconds, key))
    sorted_key, sorted_ms = key[order], milliseconds[order]
    tied = (sorted_key[1:] == sorted_key[:-1]) & (sorted_ms[1:] == sorted_ms[:-1])
    if tied.any():
        in_tie = np.zeros(len(order), dtype=bool)
        in_tie[1:] |= tied
        in_tie[:-1] |= tied
        positions = np.flatnonzero(in_tie)
        members = order[positions]
        id_rank = pd.factorize(contact_ids[rows[members]].to_numpy(), sort=True)[0]
        within = np.lexsort((id_rank, times[members], sorted_ms[positions], sorted_key[positions]))
        order[positions] = members[within]
    return order
