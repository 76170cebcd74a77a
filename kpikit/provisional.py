"""Provisional FCR: periods whose repeat window has not closed by the end of the log.

With the repeat rule (DESIGN.md, ``fcr_method="repeat"`` or ``"repeat_and_survey"``) a first
contact without a repeat whose ``fcr_window`` reaches past the last ``arrived_at`` of the log
cannot be judged yet and is left out of both counts. A period near the end of the log is
then judged only on the first contacts that already came back (not resolved) and on those
whose window closed, so its FCR is biased towards 0 until the window closes for all of them.

A period ``[start, end)`` is *final* when ``end + fcr_window <= last arrival``: every first
contact of the period (arrived before ``end``) then has its window closed inside the log. It is
*provisional* otherwise, and becomes final once the log reaches ``end + fcr_window``.

:func:`provisional_fcr` finds the provisional FCR rows of a :func:`kpikit.compute` result;
:func:`provisional_note` says so in one sentence for a dashboard. The result of ``compute``
itself is unchanged (its columns are a contract); the scorecard and :func:`kpikit.breaches`
use these rows to mark FCR as provisional rather than rate it as final.
"""

import datetime
import os
from collections.abc import Mapping

import narwhals.stable.v2 as nw
import pandas as pd

from kpikit._frames import pandas_frame
from kpikit._validators import check_timestamp
from kpikit.metrics import RESULT_COLUMNS
from kpikit.options import resolve
from kpikit.periods import check_freq, period_end
from kpikit.repeats import window_ms

__all__ = [
    "REPEAT_METHODS",
    "date_text",
    "last_arrival",
    "provisional_fcr",
    "provisional_in",
    "provisional_note",
]

REPEAT_METHODS = ("repeat", "repeat_and_survey")
"""FCR methods that wait for repeats (the survey method does not, so it is never provisional)."""

_NOT_KEYS = ("period", *RESULT_COLUMNS)
"""Columns of a compute result that are not grouping columns."""
_PERIOD_NOUNS = {
    "15min": ("15-minute period", "15-minute periods"),
    "30min": ("half-hour", "half-hours"),
    "hour": ("hour", "hours"),
    "day": ("day", "days"),
    "week": ("week", "weeks"),
    "month": ("month", "months"),
    "quarter": ("quarter", "quarters"),
    "year": ("year", "years"),
}


def provisional_fcr(
    result, freq: str, last, *, fcr_window=None, fcr_method=None, options=None
) -> pd.DataFrame:
    """FCR rows of a :func:`kpikit.compute` result whose period is still provisional.

    A period is provisional when ``period_end + fcr_window > last`` (``last``: the last
    ``arrived_at`` of the whole contact log), because a first contact near its end may still
    get a repeat; it becomes final at ``provisional_until = period_end + fcr_window``.

    Parameters
    ----------
    result : dataframe
        Output of :func:`kpikit.compute` with ``freq`` (any engine): grouping columns,
        ``period``, ``kpi`` and the value columns. Every column other than
        ``period, kpi, value, numerator, denominator, ci_low, ci_high`` is a grouping column.
    freq : {"15min", "30min", "hour", "day", "week", "month", "quarter", "year"}
        The period length the result was computed with.
    last : datetime or None
        Last ``arrived_at`` of the contact log (:func:`last_arrival`); None (no contacts):
        nothing is provisional.
    fcr_window, fcr_method : default=None
        As for :func:`kpikit.compute`; None takes them from ``options``.
    options : kpikit.Options, default=None
        The engine options the result was computed with (default: the current ones).

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``period``, ``kpi`` (always ``"fcr"``) and
        ``provisional_until``, one row per provisional FCR row of ``result``, in its order;
        empty with ``fcr_method="survey"`` (it does not wait for repeats).

    Raises
    ------
    ValueError
        ``result`` has no ``period`` or ``kpi`` column or an FCR row without a period,
        ``freq`` is not a period, or ``last`` has a time zone and the periods have none (or
        the other way round), or a period's window closes after the last time pandas holds
        (2262).
    TypeError
        ``last`` is not a date or time.

    Examples
    --------
    A log from Monday 3 Aug 2026 to Friday 7 Aug 17:00, by day, 48 h window: Wednesday's
    window closes on Saturday 00:00, after 17:00 on Friday, so Wednesday to Friday are
    provisional; Tuesday became final on Friday 00:00.

    >>> days = pd.date_range("2026-08-03", periods=5, freq="D")
    >>> result = pd.DataFrame({"period": days, "kpi": "fcr", "value": 80.0})
    >>> found = provisional_fcr(result, "day", pd.Timestamp("2026-08-07 17:00"),
    ...                         fcr_window="48h")
    >>> found
          period  kpi provisional_until
    2 2026-08-05  fcr        2026-08-08
    3 2026-08-06  fcr        2026-08-09
    4 2026-08-07  fcr        2026-08-10
    """
    frame = _compute_result(result, ("period", "kpi"))
    check_freq(freq)
    settings = resolve(options, fcr_window=fcr_window, fcr_method=fcr_method)
    keys = [column for column in frame.columns if column not in _NOT_KEYS]
    rows = frame.loc[frame["kpi"] == "fcr", [*keys, "period", "kpi"]]
    if rows["period"].isna().any():  # neither provisional nor final: not left out silently
        raise ValueError(
            f"Value of 'result' has {int(rows['period'].isna().sum())} FCR row(s) without a "
            f"'period' (first: row {rows.index[rows['period'].isna()][0]!s}): drop them or fill "
            "them in"
        )
    until = _window_closes(period_end(rows["period"], freq), settings.fcr_window)
    if last is None or last is pd.NaT or settings.fcr_method not in REPEAT_METHODS:
        return rows.assign(provisional_until=until).iloc[0:0]
    last = check_timestamp("last", last)
    zone = getattr(until.dtype, "tz", None)
    if (last.tz is None) != (zone is None):
        raise ValueError(
            f"Value of 'last' must have a time zone when the periods of 'result' have one, "
            f"and none when they have none (periods in {zone or 'no zone'}), but received: "
            f"{last!r}"
        )
    provisional = (until > last).to_numpy(bool)
    return rows.assign(provisional_until=until.rename(None))[provisional]


def _window_closes(ends: pd.Series, fcr_window) -> pd.Series:
    """``ends + fcr_window``: when the FCR window of the last first contact of each period
    closes; a ValueError when that is past the last time pandas holds (instead of pandas'
    OverflowError)."""
    window = pd.Timedelta(milliseconds=window_ms(fcr_window))
    try:
        return ends + window
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise ValueError(
            f"The FCR window ({fcr_window!r}) of the period ending {ends.max()} closes after "
            f"the last time pandas holds ({pd.Timestamp.max})"
        ) from None


def _compute_result(result, columns) -> pd.DataFrame:
    """``result`` as a pandas frame when it has the ``columns`` of a :func:`kpikit.compute`
    result with ``freq``; otherwise raise."""
    frame = pandas_frame(result, "result")
    for column in columns:
        if column not in frame.columns:
            raise ValueError(
                f"Value of 'result' needs a {column!r} column (kpikit.compute output with "
                f"freq); columns are {list(frame.columns)}"
            )
    return frame


def provisional_in(result, data, freq, compute_options=None):
    """:func:`provisional_fcr` of ``result`` against the last arrival of ``data``.

    ``compute_options`` are the keywords ``result`` was computed with, a mapping
    (``fcr_window``, ``fcr_method``, ``options``; other compute keywords do not change which
    periods are provisional). None when there is nothing to mark: no ``freq`` or no FCR row.
    The errors are those of :func:`provisional_fcr`, and a TypeError when ``compute_options``
    is not a mapping.

    >>> contacts = pd.DataFrame({"arrived_at": pd.to_datetime(["2026-08-03", "2026-08-07"])})
    >>> days = pd.date_range("2026-08-03", periods=5, freq="D")
    >>> result = pd.DataFrame({"period": days, "kpi": "fcr", "value": 80.0})
    >>> provisional_in(result, contacts, "day", {"fcr_window": "24h"})["period"].dt.day.tolist()
    [6, 7]
    >>> provisional_in(result, contacts, None) is None
    True
    """
    frame = _compute_result(result, ["kpi"])
    if compute_options is not None and not isinstance(compute_options, Mapping):
        raise TypeError(
            "Value of 'compute_options' must be a dict of kpikit.compute keywords such as "
            f"{{'fcr_window': '48h'}}, but received: {compute_options!r} "
            f"({type(compute_options).__name__})"
        )
    if freq is None or not frame["kpi"].eq("fcr").any():
        return None
    settings = {name: (compute_options or {}).get(name) for name in _FCR_SETTINGS}
    return provisional_fcr(frame, freq, last_arrival(data), **settings)


_FCR_SETTINGS = ("fcr_window", "fcr_method", "options")


def provisional_note(provisional: pd.DataFrame, freq: str) -> str:
    """One sentence for a dashboard: which periods' FCR is provisional and until when.

    ``provisional`` is :func:`provisional_fcr`'s result; "" when it is empty. The date is
    when the last of them becomes final. ``freq`` is the period of the rows (a ValueError
    names the periods otherwise).

    >>> rows = pd.DataFrame({"period": pd.to_datetime(["2026-08-06", "2026-08-07"]),
    ...                      "provisional_until": pd.to_datetime(["2026-08-09", "2026-08-10"])})
    >>> provisional_note(rows, "day")
    'FCR of the last 2 days is provisional until 10 Aug 2026: repeats may still arrive.'
    """
    check_freq(freq)
    if provisional is not None and not isinstance(provisional, pd.DataFrame):
        raise TypeError(
            "Value of 'provisional' must be provisional_fcr output (a pandas DataFrame) but "
            f"received: {type(provisional).__name__}"
        )
    if provisional is None or provisional.empty:
        return ""
    missing = [name for name in ("period", "provisional_until") if name not in provisional]
    if missing:
        raise ValueError(
            f"Value of 'provisional' needs the column(s) {missing} (provisional_fcr output); "
            f"columns are {list(provisional.columns)}"
        )
    if provisional["provisional_until"].isna().any():
        raise ValueError(
            "Value of 'provisional' must have a date in every 'provisional_until' "
            "(provisional_fcr output), but received: "
            f"{provisional['provisional_until'].tolist()}"
        )
    count = provisional["period"].nunique()
    singular, plural = _PERIOD_NOUNS[freq]
    periods = f"the last {singular}" if count == 1 else f"the last {count} {plural}"
    until = date_text(provisional["provisional_until"].max())
    return f"FCR of {periods} is provisional until {until}: repeats may still arrive."


def date_text(moment) -> str:
    """A date as "10 Aug 2026", with the time when it is not midnight, to the second (and its
    fraction) when it is not a whole minute: a window such as ``"90s"`` makes FCR final at
    10:01:30, which "10:01" would put 30 seconds too early.

    >>> date_text(pd.Timestamp("2026-08-10")), date_text(pd.Timestamp("2026-08-10 17:30"))
    ('10 Aug 2026', '10 Aug 2026 17:30')
    >>> date_text(pd.Timestamp("2026-08-10 10:01:30")), date_text("2026-08-10 10:01:30.25")
    ('10 Aug 2026 10:01:30', '10 Aug 2026 10:01:30.25')
    >>> date_text(pd.Timestamp("2026-09-06 01:00", tz="America/Santiago"))  # no midnight
    '6 Sep 2026 01:00'
    >>> date_text(pd.NaT)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'moment' must be a date or time such as '2026-08-01' but received: NaT
    """
    moment = check_timestamp("moment", moment)
    if moment.time() == datetime.time():  # normalize() fails where the clocks skip midnight
        time = ""
    elif not (moment.second or moment.microsecond or moment.nanosecond):
        time = f" {moment:%H:%M}"
    else:
        time = " " + f"{moment:%H:%M:%S.%f}".rstrip("0").rstrip(".")
    return f"{moment.day} {moment:%b %Y}{time}"


def last_arrival(data):
    """The last ``arrived_at`` of a contact log, on any engine (None when it has no rows).

    ``data`` is a :class:`kpikit.Dataset`, a contacts frame or a parquet path (as for
    :func:`kpikit.compute`).

    >>> last_arrival(pd.DataFrame({"arrived_at": pd.to_datetime(["2026-08-07 17:00",
    ...                                                          "2026-08-03 09:00"])}))
    Timestamp('2026-08-07 17:00:00')

    ``arrived_at`` must hold timestamps: the largest text is not the last time.

    >>> last_arrival(pd.DataFrame({"arrived_at": ["2026-8-7", "2026-10-1"]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: contacts.arrived_at: wrong type: holds String, expected ...
    """
    from kpikit._checks import column_dtype, index_names, missing_column_problem
    from kpikit.schema import TABLES, Dataset, SchemaError

    contacts = data.contacts if isinstance(data, Dataset) else data
    if isinstance(contacts, (str, os.PathLike)):
        from kpikit.metrics import scan_parquet

        contacts = scan_parquet(contacts, progress=False)
    frame = nw.from_native(contacts)
    schema = frame.collect_schema()
    if "arrived_at" not in schema:
        spec = next(spec for spec in TABLES["contacts"] if spec.name == "arrived_at")
        index = index_names(contacts)
        raise SchemaError([missing_column_problem("contacts", spec, list(schema), index)])
    dtype = column_dtype(frame, "arrived_at")
    if not isinstance(dtype, nw.Datetime | nw.Date):
        raise SchemaError(
            f"contacts.arrived_at: wrong type: holds {dtype}, expected timestamps "
            "(datetime); convert it first (pandas.to_datetime, or read the file with "
            "kk.read_contacts)"
        )
    latest = frame.select(nw.col("arrived_at").max())
    if isinstance(latest, nw.LazyFrame):
        latest = latest.collect()
    value = latest.item()
    return None if value is None or pd.isna(value) else pd.Timestamp(value)
