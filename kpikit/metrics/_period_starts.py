"""Where each row's period starts: the expression that cuts a log's times into periods.

A period of ``freq`` is named by its start. Timezone-aware times are cut on their zone's wall
clock (a daylight-saving day has 23 or 25 hours); naive ones on their own clock.
"""

from datetime import timedelta
from functools import lru_cache

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
    offsets differ.

    >>> import pandas as pd
    >>> late = pd.to_datetime(["2026-03-29 23:30"]).tz_localize("Europe/Paris")  # a 23-hour day
    >>> frame = nw.from_native(pd.DataFrame({"at": late}))
    >>> frame.select(period_expr(frame, "at", "day").alias("day")).to_native()["day"][0]
    Timestamp('2026-03-29 00:00:00+0100', tz='Europe/Paris')
    """
    refuse_dates_for_hours(frame, time_column, freq)
    zone = time_zone(frame, time_column)
    # narwhals truncates DuckDB and Spark to one unit only (1h, not 15m).
    minutes_by_arithmetic = not (
        frame.implementation.is_pandas_like() or frame.implementation.is_polars()
    )
    if zone is None:
        time = nw.col(time_column).cast(nw.Datetime("us"))
        if frame.implementation.is_pyspark() or frame.implementation.is_pyspark_connect():
            return _start_from_fields(time, freq)
        return _local_start(time, freq, minutes_by_arithmetic)
    time = nw.col(time_column).cast(nw.Datetime("us", zone))
    wall = time.dt.replace_time_zone(None)
    start = _local_start(wall, freq, minutes_by_arithmetic)
    first_guess = time - (wall - start)
    instant = first_guess - (first_guess.dt.replace_time_zone(None) - start)
    if freq in SHORTER_THAN_A_DAY:
        return instant
    return _first_occurrence(instant, frame, time_column, zone)


SHORTER_THAN_A_DAY = ("15min", "30min", "hour")
"""The periods (and forecast or profile intervals) that need a time of day."""


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


def _local_start(time, freq, minutes_by_arithmetic=False):
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
    # A day times a count is a duration in nanoseconds on pandas: the start is cast back to
    # microseconds, as every other period's (weeks came back as datetime64[ns]).
    days_since_monday = iso_weekday(time) - 1
    monday = time.dt.truncate("1d") - nw.lit(timedelta(days=1)) * days_since_monday
    return monday.cast(nw.Datetime("us"))


def _first_occurrence(instant, frame, time_column: str, zone: str):
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
        first, last = frame.select(
            nw.col(time_column).min().alias("first"), nw.col(time_column).max().alias("last")
        ).row(0)
        repeated = {
            went_back: kept
            for went_back, seconds in repeated.items()
            if (kept := [t for t in seconds if first is not None and first - A_YEAR <= t <= last])
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
