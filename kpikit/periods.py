"""Where periods end: the length of each ``freq`` of :func:`kpikit.compute`.

Hours and shorter periods are elapsed time; days and longer are calendar steps, so a
daylight-saving day of timezone-aware periods lasts 23 or 25 hours and a month its own number of
days.
"""

import datetime as dt

import numpy as np
import pandas as pd

from kpikit._validators import check_choice, check_time_zone, check_timestamp
from kpikit.metrics import FREQUENCIES

__all__ = ["PERIOD_LENGTHS", "check_freq", "day_bounds", "period_end", "period_steps"]

PERIOD_LENGTHS = {
    "15min": pd.Timedelta(minutes=15),
    "30min": pd.Timedelta(minutes=30),
    "hour": pd.Timedelta(hours=1),
    "day": pd.DateOffset(days=1),  # calendar steps: a daylight-saving day lasts 23 or 25 hours
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}
"""The step from a period's start to the next period's start, by ``freq``."""


def period_end(period, freq: str):
    """End (exclusive) of periods that start at ``period`` (a timestamp, or a Series of them).

    Days and longer are stepped on the wall clock; where the next start falls in a
    daylight-saving gap (zones that change the clock at midnight, such as America/Santiago),
    it moves forward to the first time that exists, and where it occurs twice, it is the first.

    Examples
    --------
    >>> print(period_end(pd.Timestamp("2026-01-31"), "month"))
    2026-02-28 00:00:00
    >>> print(period_end(pd.Timestamp("2026-01-05 09:30"), "30min"))
    2026-01-05 10:00:00
    >>> print(period_end(pd.Timestamp("2026-09-05", tz="America/Santiago"), "day"))  # no 00:00
    2026-09-06 01:00:00-03:00
    >>> period_end("first of May", "day")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'period' must be a date or time such as '2026-08-01' but received:
    'first of May'
    """
    check_freq(freq)
    step = PERIOD_LENGTHS[freq]
    if isinstance(period, pd.Series):
        ends = _stepped(pd.DatetimeIndex(_numpy_times(period)), step)
        return pd.Series(ends, index=period.index, name="period_end").astype(period.dtype)
    return _stepped(_one_start(check_timestamp("period", period)), step)[0]


def _one_start(stamp: pd.Timestamp) -> pd.DatetimeIndex:
    """``stamp`` as an index of one; a ValueError naming ``period`` when the index cannot hold
    it (pandas 2 keeps an index of times in nanoseconds, from 1677-09-21 to 2262-04-11)."""
    try:
        return pd.DatetimeIndex([stamp])
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise ValueError(
            f"Value of 'period' must be a time from {pd.Timestamp.min} to {pd.Timestamp.max} "
            f"(the times pandas {pd.__version__} holds in nanoseconds) but received: {stamp}"
        ) from None


def _numpy_times(period: pd.Series) -> pd.Series:
    """``period`` with NumPy timestamps (Arrow-backed ones converted, zone and unit kept);
    a ValueError when it holds no timestamps.

    >>> arrow = pd.Series(pd.to_datetime(["2026-03-29"])).astype("timestamp[us][pyarrow]")
    >>> _numpy_times(arrow).dtype
    dtype('<M8[us]')
    """
    if isinstance(period.dtype, pd.ArrowDtype) and period.dtype.kind == "M":
        return period.astype(period.dtype.pyarrow_dtype.to_pandas_dtype())
    if not pd.api.types.is_datetime64_any_dtype(period):
        raise ValueError(f"Value of 'period' must hold timestamps, but holds {period.dtype} values")
    return period


def _stepped(starts: pd.DatetimeIndex, step) -> pd.DatetimeIndex:
    """``starts`` moved by ``step``: elapsed time for a Timedelta, else on the wall clock,
    shifted forward out of a gap and taking the first of two times that occur twice.

    >>> _stepped(pd.DatetimeIndex([pd.Timestamp.max.floor("D")]), PERIOD_LENGTHS["day"])
    Traceback (most recent call last):
    ...
    ValueError: The period starting 2262-04-11 00:00:00 ends after the last time pandas holds
    (2262-04-11 23:47:16.854775807)
    """
    try:
        ends = _wall_or_elapsed(starts, step)
        past = np.flatnonzero(ends < starts)  # some steps past pandas' last time wrap round
    except (OverflowError, pd.errors.OutOfBoundsDatetime):  # others raise
        past = [np.nanargmax(starts.asi8)]
    if len(past):
        raise ValueError(
            f"The period starting {starts[past[0]]} ends after the last time pandas holds "
            f"({_last_time(starts.unit)})"
        )
    return ends


def _last_time(unit: str) -> pd.Timestamp:
    """The last time pandas holds at ``unit`` (``pd.Timestamp.max`` at nanoseconds).

    >>> print(_last_time("ns"))
    2262-04-11 23:47:16.854775807
    >>> print(_last_time("us"))
    294247-01-10 04:00:54.775807
    """
    return pd.DatetimeIndex(np.array([np.iinfo(np.int64).max], dtype=f"M8[{unit}]"))[0]


def _wall_or_elapsed(starts: pd.DatetimeIndex, step) -> pd.DatetimeIndex:
    """``starts`` plus ``step``; calendar steps on the wall clock, from the date's midnight for
    a start that is the first time of a day whose midnight the clocks skip (Santiago's 6
    September 2026 starts at 01:00 and ends at 00:00 on the 7th, 23 hours later).

    >>> day = pd.DatetimeIndex([pd.Timestamp("2026-09-06 01:00", tz="America/Santiago")])
    >>> print(_wall_or_elapsed(day, PERIOD_LENGTHS["day"])[0])
    2026-09-07 00:00:00-03:00
    """
    if isinstance(step, pd.Timedelta):  # kept in the starts' unit, which pandas 2 made ns
        return starts + step.as_unit(starts.unit)
    if starts.tz is None:
        return starts + step
    first = np.ones(len(starts), dtype=bool)  # the daylight-saving one, which comes first
    wall = starts.tz_localize(None)
    midnight = wall.normalize()
    day_start = midnight.tz_localize(starts.tz, nonexistent="shift_forward", ambiguous=first)
    wall = wall.where(~(day_start == starts), midnight) + step
    return wall.tz_localize(starts.tz, nonexistent="shift_forward", ambiguous=first)


def check_freq(freq) -> None:
    """Raise a ValueError naming the periods when ``freq`` is not one of them.

    >>> check_freq("fortnight")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Value of 'freq' is not a period. Expected one of [...] but received: 'fortnight'
    """
    check_choice("freq", freq, FREQUENCIES, "a period")


def day_bounds(day, zone=None):
    """The instants that start and end ``day`` (a date, or a time read as its date) on the
    contacts' clock: in their time ``zone`` (a daylight-saving day lasts 23 or 25 hours), or
    naive without one. A ``day`` with a zone of its own is first read as a date in ``zone``.

    >>> start, end = day_bounds(pd.Timestamp("2024-10-27"), "Europe/Paris")
    >>> start.isoformat(), end.isoformat(), end - start
    ('2024-10-27T00:00:00+02:00', '2024-10-28T00:00:00+01:00', Timedelta('1 days 01:00:00'))
    >>> start, end = day_bounds("2026-03-29 13:00", "Europe/Paris")   # spring forward
    >>> start.isoformat(), end - start
    ('2026-03-29T00:00:00+01:00', Timedelta('0 days 23:00:00'))
    """
    day = check_timestamp("day", day)
    if zone is not None and not isinstance(zone, dt.tzinfo):  # a column's zone is a tzinfo
        zone = check_time_zone("zone", zone)
    if day.tzinfo is not None and zone is not None:
        day = day.tz_convert(zone)
    day = day.tz_localize(None).normalize()
    bounds = (day, _next_midnight(day))
    if zone is None:
        return bounds
    # a midnight the zone skips starts at the first instant after it; one repeated, at the first
    return tuple(
        moment.tz_localize(zone, ambiguous=True, nonexistent="shift_forward") for moment in bounds
    )


def _next_midnight(day: pd.Timestamp) -> pd.Timestamp:
    """The midnight 24 hours after ``day``'s, in its unit (pandas 2 made the sum nanoseconds,
    which end on 2262-04-11 and start after midnight on 1677-09-21); a ValueError naming
    ``day`` when its unit holds no later day.

    >>> print(_next_midnight(pd.Timestamp("2262-04-11").as_unit("s")))
    2262-04-12 00:00:00
    >>> _next_midnight(pd.Timestamp("2262-04-11").as_unit("ns"))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'day' is 2262-04-11, which ends after the last time pandas holds
    (2262-04-11 23:47:16.854775807)
    """
    try:
        return day + pd.Timedelta(days=1).as_unit(day.unit)
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise ValueError(
            f"Value of 'day' is {day.date()}, which ends after the last time pandas holds "
            f"({_last_time(day.unit)})"
        ) from None


def period_steps(periods) -> tuple[float, float] | None:
    """The smallest step between consecutive distinct period starts, seconds: in real elapsed
    time and on the wall clock (they differ across a DST change of zone-aware starts, where a
    day is 23 or 25 hours long but still a day); None for fewer than two starts, or starts
    that are not times.

    >>> period_steps(pd.Series(pd.date_range("2026-03-02 09:00", periods=3, freq="h")))
    (3600.0, 3600.0)

    Arrow-backed timestamps are times too (pandas before 3 does not count them as datetime64):

    >>> arrow = pd.Series(pd.date_range("2026-03-02 09:00", periods=3, freq="h"))
    >>> period_steps(arrow.astype("timestamp[us][pyarrow]"))
    (3600.0, 3600.0)
    """
    if isinstance(periods, pd.Series) and isinstance(periods.dtype, pd.ArrowDtype):
        if periods.dtype.kind != "M":
            return None
        periods = _numpy_times(periods)
    if not pd.api.types.is_datetime64_any_dtype(periods):
        return None
    ordered = pd.Series(periods.dropna().unique()).sort_values()
    if len(ordered) < 2:
        return None
    elapsed = ordered.diff().dt.total_seconds().min()
    local = ordered.dt.tz_localize(None) if ordered.dt.tz is not None else ordered
    return float(elapsed), float(local.diff().dt.total_seconds().min())
