"""Where each row's period starts: the expression that cuts a log's times into periods.

A period of ``freq`` is named by its start. Timezone-aware times are cut on their zone's wall
clock (a daylight-saving day has 23 or 25 hours); naive ones on their own clock.
"""

from datetime import timedelta
from functools import cache, lru_cache

import narwhals as nw
import numpy as np

from kpikit.metrics._inputs import time_zone
from kpikit.timeparts import iso_weekday

FREQUENCIES = {
    "15min": "15m",
    "30min": "30m",
    "hour": "1h",
    "day": "1d",
    "week": None,  # Monday-based weeks are built from days (see _local_start)
    "month": "1mo",
    "quarter": "1q",
    "year": "1y",
}


def period_expr(frame, time_column, freq):
    """The start of each row's period of ``freq``, as an expression on ``frame``.

    Naive timestamps (Spark's ``TIMESTAMP_NTZ``) give naive starts on their own clock, on any
    engine and in any Spark session zone (:func:`_start_from_fields`).

    Timezone-aware timestamps are cut on the local wall clock of their zone: a day starts at
    local midnight, so a daylight-saving day has 23 or 25 hours. The start is the timestamp
    minus the time the wall clock has run since the period began; one correction by the same
    rule puts it right when the offset changes inside the period (a 23-hour day starts 23
    hours, not 24, before it ends). Hours repeated when clocks go back stay two periods: their
    offsets differ. A period shorter than a day whose start the clocks skip is the one before
    the gap, which runs on across it in elapsed time (Chatham skips 02:45 to 03:45: 03:50 is
    in the hour from 02:00), or else starts at the first time after it (:func:`_after_gaps`).

    >>> import pandas as pd
    >>> late = pd.to_datetime(["2026-03-29 23:30"]).tz_localize("Europe/Paris")  # a 23-hour day
    >>> frame = nw.from_native(pd.DataFrame({"at": late}))
    >>> frame.select(period_expr(frame, "at", "day").alias("day")).to_native()["day"][0]
    Timestamp('2026-03-29 00:00:00+0100', tz='Europe/Paris')
    """
    refuse_dates_for_hours(frame, time_column, freq)
    zone = time_zone(frame, time_column)
    # narwhals truncates DuckDB and Spark to one unit only (1h, not 15m).
    pandas_like = frame.implementation.is_pandas_like()
    minutes_by_arithmetic = not (pandas_like or frame.implementation.is_polars())
    if zone is None:
        time = nw.col(time_column).cast(nw.Datetime("us"))
        if frame.implementation.is_pyspark() or frame.implementation.is_pyspark_connect():
            return _start_from_fields(time, freq)
        return _local_start(time, freq, minutes_by_arithmetic, pandas_like)
    time = nw.col(time_column).cast(nw.Datetime("us", zone))
    wall = time.dt.replace_time_zone(None)
    start = _local_start(wall, freq, minutes_by_arithmetic, pandas_like)
    first_guess = time - (wall - start)
    instant = first_guess - (first_guess.dt.replace_time_zone(None) - start)
    # The first and last time, read once if at all (12 ms a read at 5M rows on pandas 2).
    span = cache(lambda: _time_span(frame, time_column))
    if freq in SHORTER_THAN_A_DAY:
        start = _after_gaps(instant, time, frame, zone, freq, span)
    else:
        start = _first_occurrence(instant, frame, zone, span)
    refuse_zoned_starts_before_nanoseconds(frame, time_column, start, freq, span)
    return start


SHORTER_THAN_A_DAY = ("15min", "30min", "hour")
"""The periods (and forecast or profile intervals) that need a time of day."""


def refuse_zoned_starts_before_nanoseconds(frame, time_column: str, start, freq, span) -> None:
    """Refuse timezone-aware periods (``start``, an expression on ``frame``) that begin before
    1677-09-21 00:12:43 UTC, the first time pandas 2 holds in nanoseconds, in a pandas 2 frame:
    pandas 2 computes such microsecond times but crashes Python (a segmentation fault) when it
    shows them (the week of a contact on 1677-09-22 in Paris starts on 1677-09-20). Naive
    times and pandas 3 hold them; a frame whose first time is more than a year and a day later
    has none (the longest period is a year), and is not evaluated; Arrow-backed columns hold
    them. ``span()`` gives the column's first and last time (:func:`_time_span`).

    >>> import pandas as pd
    >>> at = pd.to_datetime(["2026-03-02 09:00"]).tz_localize("Europe/Paris")
    >>> frame = nw.from_native(pd.DataFrame({"at": at}))
    >>> span = lambda: _time_span(frame, "at")
    >>> refuse_zoned_starts_before_nanoseconds(frame, "at", nw.col("at"), "week", span)  # 2026
    """
    import pandas as pd

    if not (isinstance(frame, nw.DataFrame) and frame.implementation.is_pandas()):
        return
    native = frame.to_native()[time_column]
    if int(pd.__version__.split(".")[0]) >= 3 or not isinstance(native.dtype, pd.DatetimeTZDtype):
        return
    first, _ = span()
    if first is None or first > pd.Timestamp.min.tz_localize("UTC") + A_YEAR + A_DAY:
        return
    starts = frame.select(start.cast(nw.Int64)).to_native().iloc[:, 0].to_numpy()
    early = np.flatnonzero(starts < -(-pd.Timestamp.min.value // 1000))
    if not len(early):
        return
    times = native.iloc[early[:5]]
    shown = ", ".join(f"{row} ({time})" for row, time in zip(early[:5], times, strict=True))
    raise ValueError(
        f"Column {time_column!r} has {len(early):,} row(s) whose {freq} starts before "
        f"{pd.Timestamp.min:%Y-%m-%d %H:%M:%S} UTC, which pandas 2 cannot hold with a time zone "
        f"(it crashes showing them), first at rows {shown}: correct these times, or use "
        "pandas 3 or polars"
    )


def refuse_dates_for_hours(frame, time_column: str, freq, argument: str = "freq") -> None:
    """Refuse periods shorter than a day (``freq``, given as ``argument``) on a column of dates,
    which has no time of day: every row would fall in the period starting at midnight.

    ``frame`` is a narwhals frame or a native one (pandas, polars, DuckDB, ...).

    >>> import datetime as dt, pandas as pd, pyarrow as pa
    >>> dates = pd.Series([dt.date(2026, 3, 1)], dtype=pd.ArrowDtype(pa.date32()))
    >>> refuse_dates_for_hours(pd.DataFrame({"at": dates}), "at", "hour")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'freq' is 'hour', but column 'at' holds dates without a time of day
    (1 row(s)), so no row can be put into a period of that length: use freq='day' or longer, ...
    """
    if freq not in SHORTER_THAN_A_DAY:
        return
    frame = nw.from_native(frame)
    if frame.collect_schema()[time_column] != nw.Date:
        return
    rows = f" ({len(frame):,} row(s))" if isinstance(frame, nw.DataFrame) else ""
    remedy = "give the times of the contacts"
    if argument == "freq":
        remedy = f"use freq='day' or longer, or {remedy}"
    raise ValueError(
        f"Value of {argument!r} is {freq!r}, but column {time_column!r} holds dates without a "
        f"time of day{rows}, so no row can be put into a period of that length: {remedy}"
    )


def _local_start(time, freq, minutes_by_arithmetic=False, pandas_like=False):
    """The period start of naive timestamps, on their own clock."""
    if freq in ("15min", "30min") and minutes_by_arithmetic:
        size = int(freq.removesuffix("min"))
        minute = nw.lit(timedelta(minutes=1))
        return time.dt.truncate("1m") - minute * (time.dt.minute() % size)
    if freq != "week":
        return time.dt.truncate(FREQUENCIES[freq])
    # The day less a day for each since Monday: on pandas, which evaluates every use of an
    # expression again, one weekday and one day rather than a choice among six shifted days
    # (the sample's agent-interval KPIs by team and week: 34 ms against 69-71 ms,
    # ``benchmarks/bench_periods.py``).
    # A day times a count is a duration in nanoseconds on pandas (``pandas_like``): it is cast
    # to microseconds, as the time is, so that the start is in microseconds like every other
    # period's (weeks came back as datetime64[ns], and pandas 2 failed with an OverflowError
    # on the Monday before its first nanosecond time, 1677-09-21, which microseconds hold).
    # Spark has no duration type to cast to; the other engines keep microseconds.
    days_since_monday = iso_weekday(time) - 1
    back = nw.lit(timedelta(days=1)) * days_since_monday
    if pandas_like:
        back = back.cast(nw.Duration("us"))
    return time.dt.truncate("1d") - back


def _first_occurrence(instant, frame, zone: str, span):
    """``instant`` (the start of a day or a longer period), or the first occurrence of its wall
    clock where that clock occurs twice: where clocks go back from 01:00 to midnight (Havana in
    November, the Azores in October) a day starts at the first midnight and lasts 25 hours, as
    :func:`kpikit.periods.period_end` and ``day_bounds`` have it; the times after the second
    midnight were otherwise a period of their own.

    The zone's repeated midnights are looked up once (:func:`_repeated_midnights`) and each
    second one is moved back to the first, on every row only where there is one to move: a
    frame in memory keeps those that can start one of its periods, from a year before its
    first time to its last (Paris repeated midnight in
    1944 and 1976: cutting 5M of its times of 2024 into days took 4.8 s with the test on every
    row, against 1.8 s without; finding the earlier midnight from each row's own offsets took
    14 s).
    """
    repeated = _repeated_midnights(zone)
    if repeated and isinstance(frame, nw.DataFrame):
        first, last = span()
        repeated = {
            went_back: kept
            for went_back, seconds in repeated.items()
            if (
                kept := [
                    t for t in seconds if first is not None and first <= t + A_YEAR and t <= last
                ]
            )
        }
    for went_back, seconds in repeated.items():
        back = nw.when(instant.is_in(seconds)).then(nw.lit(went_back)).otherwise(nw.lit(ZERO))
        instant = instant - back
    return instant


ZERO = timedelta(0)
A_YEAR = timedelta(days=366)
"""The longest period, which may start that long before a frame's first time."""


@lru_cache(maxsize=64)
def _repeated_midnights(zone: str) -> dict:
    """The second occurrences of the midnights ``zone``'s clocks showed twice from 1900 to 2100,
    by how far the clocks went back.

    >>> _repeated_midnights("Europe/London")
    {}
    >>> for back, times in _repeated_midnights("Cuba").items():
    ...     print(back, [str(t) for t in times if 2020 < t.year < 2023])
    1:00:00 ['2021-11-07 00:00:00-05:00', '2022-11-06 00:00:00-05:00']
    """
    import pandas as pd

    midnights = pd.date_range("1900-01-01", "2100-01-01", freq="D")
    try:
        local = midnights.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
        twice = midnights[local.isna()]
        first = twice.tz_localize(zone, ambiguous=np.ones(len(twice), dtype=bool))
        second = twice.tz_localize(zone, ambiguous=np.zeros(len(twice), dtype=bool))
    except (ValueError, TypeError):  # a zone pandas cannot read
        return {}
    by_step: dict = {}
    for early, late in zip(first, second, strict=True):
        by_step.setdefault((late - early).to_pytimedelta(), []).append(late.to_pydatetime())
    return by_step


_MINUTES = {"15min": 15, "30min": 30, "hour": 60}


def _after_gaps(instant, time, frame, zone: str, freq: str, span):
    """``instant`` (the start of a period shorter than a day), put right where the clocks skip
    the wall-clock start of a row's period and the gap does not begin on a period start.

    Chatham skips from 02:45 to 03:45: a time from 03:45 to 04:00 has the hour from 03:00,
    which the clocks skip, and :func:`period_expr`'s correction puts it at 04:00, after the
    time itself (03:00 less the 02:45 the gap begins at, on from the gap's end). Its period is
    the one before the gap when that runs on across the gap in elapsed time (02:00, an hour
    of 45 minutes before the gap and 15 after, as :func:`kpikit.periods.period_end` has it),
    otherwise the first time after the gap, as for a day whose midnight is skipped.
    """
    moves = _gap_moves(zone, freq)
    if moves and isinstance(frame, nw.DataFrame):
        first, last = span()
        moves = {
            shifts: kept
            for shifts, wrong in moves.items()
            if (kept := [t for t in wrong if first is not None and first <= t <= last + A_DAY])
        }
    corrected = instant
    for (to_before, to_gap_end, covered), wrong in moves.items():
        # rows whose start came out after their time, from the skipped start of a gap
        moved = instant.is_in(wrong) & (instant > time)
        gap_end = instant - nw.lit(to_gap_end)
        shift = nw.when(time < gap_end + nw.lit(covered)).then(nw.lit(to_before))
        shift = nw.when(moved).then(shift.otherwise(nw.lit(to_gap_end))).otherwise(nw.lit(ZERO))
        corrected = corrected - shift
    return corrected


A_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _gap_moves(zone: str, freq: str) -> dict:
    """Where :func:`period_expr` puts a period of ``freq`` that ``zone``'s clocks skip the
    start of (1900 to 2100), by how to put it right: ``(to_before, to_gap_end, covered)`` to
    the list of such starts. ``to_before`` moves one back to the start of the period before the
    gap, which holds the times up to ``covered`` after the gap's end; ``to_gap_end`` moves one
    back to the gap's end (the first time after it).

    >>> moves = _gap_moves("Pacific/Chatham", "hour")
    >>> [(*map(str, shifts), str(t)) for shifts, starts in moves.items() for t in starts
    ...  if t.year == 2026]
    [('1:00:00', '0:15:00', '0:15:00', '2026-09-27 04:00:00+13:45')]
    >>> _gap_moves("Europe/Paris", "hour")
    {}
    """
    import pandas as pd

    step = pd.Timedelta(minutes=_MINUTES[freq])
    moves: dict = {}
    for gap_end, before, after in _gaps(zone):
        start_wall, end_wall = gap_end + before, gap_end + after  # the skipped wall clock
        skipped = end_wall.floor(step)  # the start of the period holding the gap's end
        if not start_wall < skipped < end_wall:
            continue  # the start exists, or is the gap's own start (the gap's end then)
        previous = (start_wall - pd.Timedelta(microseconds=1)).floor(step)
        shifts = (skipped - previous, skipped - start_wall, previous + step - start_wall)
        wrong = (gap_end + (skipped - start_wall)).tz_localize("UTC").tz_convert(zone)
        moves.setdefault(tuple(s.to_pytimedelta() for s in shifts), []).append(
            wrong.to_pydatetime()
        )
    return moves


@lru_cache(maxsize=64)
def _gaps(zone: str) -> list:
    """The instants (naive, UTC) from 1900 to 2100 at which ``zone``'s clocks jump forward,
    with the UTC offsets before and after, to the second.

    >>> [(str(at), str(before), str(after)) for at, before, after in _gaps("Europe/Paris")
    ...  if at.year == 2026]
    [('2026-03-29 01:00:00', '0 days 01:00:00', '0 days 02:00:00')]
    """
    import pandas as pd

    def offsets(instants):
        return instants.tz_convert(zone).tz_localize(None) - instants.tz_localize(None)

    try:
        coarse = pd.date_range("1900-01-01", "2100-01-01", freq="6h", tz="UTC")
        found = offsets(coarse)
    except (ValueError, TypeError, KeyError):  # a zone pandas cannot read (pytz: KeyError)
        return []
    jumps = np.flatnonzero(found[1:] > found[:-1])
    starts = coarse[jumps].tz_localize(None).to_numpy()
    # Narrowed to the minute, then the second, every jump at once: the last time before it.
    for step, count in ((np.timedelta64(1, "m"), 360), (np.timedelta64(1, "s"), 60)):
        times = starts[:, None] + step * np.arange(count + 1)
        moments = pd.DatetimeIndex(times.ravel()).tz_localize("UTC")
        local = offsets(moments).to_numpy().reshape(times.shape)
        before = np.argmax(local[:, 1:] != local[:, :-1], axis=1)
        starts = times[np.arange(len(times)), before]
    return [
        (pd.Timestamp(at) + pd.Timedelta(seconds=1), found[jump], found[jump + 1])
        for at, jump in zip(starts, jumps.tolist(), strict=True)
    ]


def _start_from_fields(time, freq):
    """The period start of naive timestamps from their date, hour and minute, which Spark reads
    on their own clock: its ``date_trunc`` takes a ``TIMESTAMP_NTZ`` as an instant in the
    session's zone and gives one back, so that the periods came back shifted by the zone's
    offset (Paris: 10:00 labelled 09:00), and a time that does not exist there (02:30 on 29
    March in Paris) was cut into the next hour. The date is truncated as a date, whose
    midnight in the session's zone gives the same date back."""
    day = time.dt.date()
    if freq in _MINUTES:
        minutes = time.dt.hour() * 60 + time.dt.minute()
        minutes_past = minutes - minutes % _MINUTES[freq]
        return day.cast(nw.Datetime("us")) + nw.lit(timedelta(minutes=1)) * minutes_past
    if freq == "week":
        return day.cast(nw.Datetime("us")) - nw.lit(timedelta(days=1)) * (iso_weekday(day) - 1)
    if freq != "day":
        day = day.dt.truncate(FREQUENCIES[freq]).dt.date()
    return day.cast(nw.Datetime("us"))


def _time_span(frame, time_column: str) -> tuple:
    """The first and last time of an eager ``frame``'s ``time_column`` (None, None when it has
    none), which bound the clock changes worth correcting."""
    return frame.select(
        nw.col(time_column).min().alias("first"), nw.col(time_column).max().alias("last")
    ).row(0)
