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
denominator of each ``fcr_method`` (see :mod:`kpikit.metrics`).

Eager pandas and polars frames take a NumPy fast path: the key columns are factorised into
integer codes and packed with the time into a single ``int64`` so that one ``argsort`` orders
everything (lexicographic sorting of several columns is several times slower). Lazy engines
(DuckDB, polars lazy, Spark) use narwhals window functions instead, so they stay lazy.
"""

import narwhals as nw
import numpy as np
import pandas as pd

FIRST = "_kk_fcr_first"
JUDGED = "_kk_fcr_judged"
NO_REPEAT = "_kk_fcr_no_repeat"


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


def add_fcr_components(frame, *, window, match, first=True):
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
        return _add_eager(frame, width, match, first)
    return _add_lazy(frame, width, match, first)


def _eligible(match):
    return nw.col("answered") & ~nw.col(match[0]).is_null()


def _add_lazy(frame, width, match, with_first):
    time = nw.col("arrived_at")
    partition = ["_fcr_eligible", *match]
    order = ["arrived_at", "contact_id"]
    # Times are compared with the window added (Spark has no duration arithmetic in narwhals).
    previous = time.shift(1).over(*partition, order_by=order)
    following = time.shift(-1).over(*partition, order_by=order)
    window_end = time.dt.offset_by(f"{width}ms")
    repeated_before = (~previous.is_null()) & (previous.dt.offset_by(f"{width}ms") >= time)
    repeated_after = (~following.is_null()) & (following <= window_end)
    # The log's last arrival joins as a one-row table: a window over the whole frame would
    # move every row into one partition on Spark.
    judged = repeated_after | (window_end <= nw.col("_fcr_last"))
    first = nw.col("_fcr_eligible") & ~repeated_before
    flags = [
        nw.when(first & judged).then(1.0).otherwise(0.0).alias(JUDGED),
        nw.when(first & judged & ~repeated_after).then(1.0).otherwise(0.0).alias(NO_REPEAT),
    ]
    if with_first:
        flags.insert(0, nw.when(first).then(1.0).otherwise(0.0).alias(FIRST))
    last = frame.select(nw.col("arrived_at").max().alias("_fcr_last"))
    return (
        frame.join(last, how="cross")
        .with_columns(_fcr_eligible=_eligible(match))
        .with_columns(*flags)
        .drop("_fcr_eligible", "_fcr_last")
    )


def _add_eager(frame, width, match, with_first):
    native_ns = nw.get_native_namespace(frame)
    columns = frame.select("contact_id", "arrived_at", "answered", *match)
    eligible = columns.select(_eligible(match)).get_column("answered").to_numpy().astype(bool)
    times = columns.get_column("arrived_at")
    # Milliseconds since the first arrival: elapsed time, whatever the zone (narwhals cannot
    # take the epoch of pandas zones it does not recognise, such as America/New_York).
    times_ms = (times - times.min()).dt.total_milliseconds().to_numpy().astype(np.int64)
    first = np.zeros(len(eligible))
    judged_first = np.zeros(len(eligible))
    no_repeat = np.zeros(len(eligible))
    rows = np.flatnonzero(eligible)
    if len(rows):
        key = _key_codes([columns.get_column(name) for name in match], rows)
        order = _sort_order(key, times_ms[rows], columns.get_column("contact_id"), rows)
        key, times = key[order], times_ms[rows][order]
        same = key[1:] == key[:-1]
        close = (times[1:] - times[:-1]) <= width
        repeated_before = np.concatenate([[False], same & close])
        repeated_after = np.concatenate([same & close, [False]])
        judged = repeated_after | (times + width <= times_ms.max())
        is_first = ~repeated_before
        first[rows[order]] = is_first
        judged_first[rows[order]] = is_first & judged
        no_repeat[rows[order]] = is_first & judged & ~repeated_after
    flags = {FIRST: first, JUDGED: judged_first, NO_REPEAT: no_repeat}
    if not with_first:
        del flags[FIRST]
    return frame.with_columns(
        nw.new_series(name, values, nw.Float64(), backend=native_ns)
        for name, values in flags.items()
    )


def _key_codes(series_list, rows):
    """Dense int64 codes of the combined key for the selected rows."""
    key = np.zeros(len(rows), dtype=np.int64)
    for series in series_list:
        codes, size = _factorize(series, rows)
        if len(key) and int(key.max()) * size >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)  # re-densify before it could overflow
        key = key * size + codes
    return key


def _factorize(series, rows):
    native = series.to_native()
    if series.implementation.is_polars():
        # Categorical physical codes are polars' own fast dictionary encoding.
        import polars as pl

        values = native.gather(rows)
        codes = values.cast(pl.String).cast(pl.Categorical).to_physical().to_numpy()
        codes = np.where(values.is_null().to_numpy(), -1, codes.astype(np.int64))
        codes, uniques = pd.factorize(codes)
        return codes.astype(np.int64), len(uniques) + 1
    # Factorising the Series (not its NumPy copy) keeps pandas' fast string hashing.
    codes, uniques = pd.factorize(native, use_na_sentinel=False)
    return codes[rows].astype(np.int64), len(uniques) + 1


def _sort_order(key, times, contact_ids, rows):
    """Order of rows by (key, time, contact_id), with one argsort when the key packs."""
    span = int(times.max() - times.min()) + 1
    key_size = int(key.max()) + 1
    if key_size * span < 2**62:
        packed = key * span + (times - times.min())
        order = np.argsort(packed, kind="quicksort")
        sorted_packed = packed[order]
        if not (sorted_packed[1:] == sorted_packed[:-1]).any():
            return order
    ids = contact_ids.to_numpy()[rows]
    return np.lexsort((ids, times, key))
