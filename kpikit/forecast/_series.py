"""Contact log -> complete interval series per group: contacts offered, answered, handle time.

Every interval between the first day of the log (or of the stretch the models read, when the
log starts earlier) and ``until`` is present (an interval without contacts has zero volume), so
the models see the nights and the quiet days too.
"""

import math
import numbers
import warnings
from dataclasses import dataclass

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from kpikit._frames import as_datetimes
from kpikit._validators import check_choice, check_timestamp, group_names
from kpikit.calibrate import HANDLE_COLUMNS, checked_contacts
from kpikit.forecast._minutes import LAST, minute_counts
from kpikit.metrics._period_starts import refuse_dates_for_hours
from kpikit.metrics._sources import is_path, scan_parquet
from kpikit.schema import Dataset

FREQS = {"15min": "15min", "30min": "30min", "hour": "1h", "day": "1D"}
"""Forecast intervals offered, as pandas offsets."""
SERIES_ID = "unique_id"
MAX_HISTORY_GAP = pd.Timedelta("4D")
"""Longest gap between the last arrival and ``until`` (and the day :func:`kpikit.monitor.
day_forecast` plans): a longer one would be read as days without contacts. A long weekend's
closure, Friday evening to Tuesday morning, fits within it."""
_DAY = pd.Timedelta("1D").to_timedelta64()
MAX_STEPS = 366 * 96
"""Most forecast intervals per series: a leap year of 15-minute intervals (35,136), the
longest plan a forecast serves (a year's capacity plan) at the finest ``freq``; a year of
hours, half hours or days fits as well. Longer horizons would only take minutes and memory
(100,000 days of half hours are millions of rows)."""
MAX_SPECIAL_FACTOR = 100.0
"""Largest special-day factor accepted (100 times a usual day)."""
_RESERVED = (
    "arrived_at",
    LAST,
    "answered",
    "handle_s",
    "offered",
    *(f"{column}_later" for column in ("offered", "answered", "handle_s")),
    "exposure",
    "ds",
    SERIES_ID,
    "y",
    "scored",
    "period",
    "interval_s",
    "target",
    "model",
    "lead",
    "origin",
    *("forecast", "low", "high", "ci_low", "ci_high"),
    *("volume", "volume_low", "volume_high", "aht_s", "aht_low", "aht_high"),
    # the backtest's, per interval scored and per model and lead: by="bias" failed in pandas
    *("actual", "share", "error", "scaled", "absolute"),
    *("wape", "mase", "bias", "gain_pct", "intervals", "origins", "best", "baseline", "chosen"),
)
"""Column names the forecast reads or writes, so they cannot define series (``by``)."""


def step(freq):
    """The interval length of ``freq`` as a Timedelta, after checking ``freq``."""
    check_choice("freq", freq, FREQS, "a forecast interval")
    return pd.Timedelta(FREQS[freq])


def seasons(freq):
    """Intervals in a day and in a week for ``freq`` (a day has 1 interval at ``freq="day"``)."""
    per_day = int(pd.Timedelta("1D") / step(freq))
    return per_day, 7 * per_day


def groups(by):
    """``by`` as a list of distinct column names (:func:`kpikit._validators.column_names`), none
    of them one the forecast uses itself."""
    return group_names(by, _RESERVED, owner="the forecast")


def duration(value, name, example):
    """``value`` (a string such as ``example`` or a timedelta) as a positive Timedelta.

    >>> duration("5D", "spacing", "5D")
    Timedelta('5 days 00:00:00')
    >>> duration(np.timedelta64(2, "h"), "horizon", "1D")  # numpy counts it as a number
    Timedelta('0 days 02:00:00')
    """
    if value is None or (
        isinstance(value, bool | numbers.Number) and not isinstance(value, np.timedelta64)
    ):
        raise TypeError(
            f"Value of {name!r} must be a duration such as {example!r} (a string or a "
            f"timedelta; a bare number has no unit), but received: {value!r}"
        )
    if isinstance(value, str) and _is_number(value):
        raise ValueError(
            f"Value of {name!r} must be a duration such as {example!r} (a bare number has no "
            f"unit), but received: {value!r}"
        )
    try:
        length = pd.Timedelta(value)
    except (OverflowError, pd.errors.OutOfBoundsDatetime, pd.errors.OutOfBoundsTimedelta):
        raise ValueError(
            f"Value of {name!r} is too long for a duration (pandas counts at most "
            f"{pd.Timedelta.max.days} days), but received: {value!r}"
        ) from None
    except (TypeError, ValueError):
        length = pd.NaT
    if length is pd.NaT:
        raise ValueError(
            f"Value of {name!r} must be a duration such as {example!r}, but received: {value!r}"
        )
    if length <= pd.Timedelta(0):
        raise ValueError(f"Value of {name!r} must be positive, but received: {value!r}")
    return length


def _is_number(text):
    """Whether ``text`` reads as a number (pandas would take it as nanoseconds)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def horizon_steps(horizon, freq):
    """Number of intervals in ``horizon`` (a duration such as ``"1D"``), rounded up; at most
    :data:`MAX_STEPS`.

    >>> horizon_steps("90min", "hour")
    2
    >>> horizon_steps("400D", "15min")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'horizon' asks for 38400 intervals of freq='15min', more than the 35136 a
    forecast makes per series (a leap year of 15-minute intervals): at freq='15min' the horizon
    is at most 366 days 00:00:00, but received: '400D'
    """
    length = step(freq)
    steps = int(np.ceil(duration(horizon, "horizon", "1D") / length))
    if steps > MAX_STEPS:
        raise ValueError(
            f"Value of 'horizon' asks for {steps} intervals of freq={freq!r}, more than the "
            f"{MAX_STEPS} a forecast makes per series (a leap year of 15-minute intervals): at "
            f"freq={freq!r} the horizon is at most {MAX_STEPS * length}, but received: "
            f"{horizon!r}"
        )
    return steps


def moment(value, name):
    """``value`` (a date, datetime or a string such as ``"2026-08-01"``) as a naive Timestamp
    (:func:`kpikit._validators.check_timestamp`)."""
    found = check_timestamp(name, value)
    return found.tz_localize(None) if found.tzinfo is not None else found


def arrivals(data, by, *, freq, handle=True, until=None):
    """Contacts with ``arrived_at`` (datetimes, in their zone if they have one), ``answered``,
    handle seconds, ``*by``; from a lazy source, added up per minute (:mod:`._minutes`): then
    ``arrived_at`` is each minute's first arrival, ``last_at`` its last, ``offered`` its
    contacts and ``answered`` its answered ones.

    The columns used are checked as :func:`kpikit.validate` checks them (``handle``: also
    ``talk_s, hold_s, acw_s``, needed for AHT only, which is refused without ``talk_s``); a
    problem raises :class:`~kpikit.SchemaError` naming the rows. Dates without a time of day
    count as midnight, and are refused for intervals of ``freq`` shorter than a day. A log
    without contacts is refused (``until``, as given, is named in the message).
    """
    keys = groups(by)
    optional = HANDLE_COLUMNS if handle else ()
    data = _dates_as_midnights(data, freq)
    counted = minute_counts(data, keys, optional)
    if counted is not None:
        if counted.empty:
            raise ValueError(_no_contacts(until))
        if handle:
            _require_talk(counted.attrs["handles"])
        return counted
    contacts = checked_contacts(data, ["arrived_at", "answered"], optional=optional, by=keys)
    handles = [column for column in optional if column in contacts.columns]
    if contacts.empty:
        raise ValueError(_no_contacts(until))
    if handle:
        _require_talk(handles)
    refuse_dates_for_hours(contacts, "arrived_at", freq)
    arrived = as_datetimes(contacts["arrived_at"])  # dates as midnight
    answered = contacts["answered"].to_numpy(dtype=bool)
    seconds = contacts[handles].fillna(0.0).to_numpy(dtype=float).sum(axis=1)
    frame = contacts[keys].reset_index(drop=True)
    frame["arrived_at"] = arrived.array
    frame["answered"] = answered
    frame["handle_s"] = np.where(answered, seconds, 0.0)
    _check_handle_total(frame["handle_s"].to_numpy(), handles)
    return frame


def _require_talk(handles):
    """AHT needs ``talk_s``, as :func:`kpikit.compute` reads it: from ``hold_s`` or ``acw_s``
    alone (``handles``, the handle time columns the contacts have) the forecast gave the hold
    or wrap-up time as the AHT (10 s of hold forecast as an AHT of 10 s).

    >>> _require_talk(["hold_s"])
    Traceback (most recent call last):
    ...
    ValueError: Cannot forecast AHT: the contacts have no column 'talk_s' (handle time columns
    found: ['hold_s']), and AHT is talk + hold + after-call work of the answered contacts, as
    kpikit.compute reads it: give 'talk_s', or forecast the volume alone (targets=('volume',))
    """
    if "talk_s" not in handles:
        raise ValueError(
            "Cannot forecast AHT: the contacts have no column 'talk_s' (handle time columns "
            f"found: {list(handles)}), and AHT is talk + hold + after-call work of the answered "
            "contacts, as kpikit.compute reads it: give 'talk_s', or forecast the volume alone "
            "(targets=('volume',))"
        )


def _no_contacts(until):
    """The message refusing a log without contacts: none arrived before ``until``.

    >>> print(_no_contacts(None))
    Value of 'data' has no contacts (0 rows), so none arrived before 'until' (None: the last
    arrival) and there is nothing to forecast from (a forecast of nothing would be a confident
    0): give a log that holds contacts
    """
    said = "None: the last arrival" if until is None else repr(until)
    return (
        f"Value of 'data' has no contacts (0 rows), so none arrived before 'until' ({said}) "
        "and there is nothing to forecast from (a forecast of nothing would be a confident 0): "
        "give a log that holds contacts"
    )


def _dates_as_midnights(data, freq):
    """``data`` with arrivals held as dates (no time of day) in an engine other than pandas
    (polars, Arrow, DuckDB, parquet files) read as their midnights there, by that engine; such
    dates are refused for intervals of ``freq`` shorter than a day, as a pandas frame's are
    (:func:`~kpikit.metrics._period_starts.refuse_dates_for_hours`, with the rows counted).

    Checked before the contacts come into pandas, where a polars date became a midnight (every
    contact fell in the interval at 00:00, even at ``freq="30min"``) and a DuckDB or Arrow one
    a Python object, refused as a wrong type even by day. Anything else is returned as it is.

    >>> import datetime as dt, polars as pl
    >>> log = pl.DataFrame({"arrived_at": [dt.date(2026, 3, 2)], "answered": [True]})
    >>> _dates_as_midnights(log, "day")["arrived_at"].to_list()
    [datetime.datetime(2026, 3, 2, 0, 0)]
    >>> _dates_as_midnights(log, "30min")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'freq' is '30min', but column 'arrived_at' holds dates without a time
    of day (1 row(s)), so no row can be put into a period of that length: use freq='day' or
    longer, or give the times of the contacts
    """
    contacts = data.contacts if isinstance(data, Dataset) else data
    if isinstance(contacts, pd.DataFrame):  # its dates stay dates: refused once read
        return data
    if is_path(contacts):  # scanned once: read on as scanned
        contacts = scan_parquet(contacts, progress=False)
        data = data if isinstance(data, Dataset) else contacts
    try:
        frame = nw.from_native(contacts, pass_through=True)
    except nw.exceptions.DuplicateError:  # a repeated name: the pandas reading names it
        return data
    if not isinstance(frame, nw.DataFrame | nw.LazyFrame):
        return data
    if frame.collect_schema().get("arrived_at") != nw.Date:
        return data
    if step(freq) < pd.Timedelta("1D"):  # refused, with the rows counted as a pandas frame's
        dates = frame.select("arrived_at")
        refuse_dates_for_hours(
            dates.collect() if isinstance(dates, nw.LazyFrame) else dates, "arrived_at", freq
        )
    return frame.with_columns(nw.col("arrived_at").cast(nw.Datetime("us"))).to_native()


def _check_handle_total(seconds, columns):
    """Handle times must add up to a finite total: the AHT divides their sums."""
    with np.errstate(over="ignore"):
        total = seconds.sum()
    if not np.isfinite(total):
        rows = [int(row) for row in np.argsort(-seconds, kind="stable")[:5]]
        raise ValueError(
            f"Columns {columns} hold handle times too large to add up (the sum overflows); "
            f"the largest are at row positions {rows}: {[float(seconds[r]) for r in rows]}"
        )


def cutoff(contacts, until):
    """``until`` as a Timestamp (default: the last arrival), checked against the log.

    On a log with a time zone ``until`` is given in that zone (:func:`_in_zone`). The log must
    hold contacts before ``until`` (a ValueError names the first arrival otherwise) and end at
    most :data:`MAX_HISTORY_GAP` before it (a longer gap would be forecast as days without
    contacts).
    """
    arrived, latest = contacts["arrived_at"], contacts.get(LAST, contacts["arrived_at"])
    if until is None:
        return latest.max()
    found = _in_zone(check_timestamp("until", until), arrived.dt.tz)
    if found <= arrived.min():
        raise ValueError(
            f"Value of 'until' leaves no contact to learn from: no contact arrived before "
            f"{found} (the first arrived at {arrived.min()}), and a forecast of nothing would "
            "be a confident 0; give a later 'until' (None: the last arrival), but received: "
            f"{until!r}"
        )
    last = arrived[arrived < found].max()
    if LAST in contacts:  # a minute holding ``found`` gave its first arrival, under a minute off
        later = latest[latest < found]
        last = max(last, later.max()) if len(later) else last
    if found > last + MAX_HISTORY_GAP:  # found - last would overflow for a far 'until'
        raise ValueError(
            f"Value of 'until' lies after the history: the history ends on {last:%Y-%m-%d}, "
            f"more than {MAX_HISTORY_GAP.days} days before {found:%Y-%m-%d}: a forecast would "
            f"read the gap as days without contacts, but received: {until!r}"
        )
    return found


def _in_zone(until, zone):
    """The instant ``until`` in the log's ``zone``: converted there when it has a zone of its own,
    read as that zone's wall time when naive; refused with a zone on a log without one.

    >>> _in_zone(pd.Timestamp("2024-03-20 12:00", tz="UTC"), "Europe/Paris")
    Timestamp('2024-03-20 13:00:00+0100', tz='Europe/Paris')
    >>> _in_zone(pd.Timestamp("2024-03-20 12:00"), "Europe/Paris")
    Timestamp('2024-03-20 12:00:00+0100', tz='Europe/Paris')
    """
    if zone is None:
        if until.tzinfo is not None:
            raise ValueError(
                f"Value of 'until' has a time zone ({until.tzinfo}), but column 'arrived_at' "
                "holds times without one, so the instant it names is unknown: give 'until' "
                "without a zone, on the clock of 'arrived_at', or give 'arrived_at' its zone "
                f"(tz_localize), but received: {until!r}"
            )
        return until
    if until.tzinfo is not None:
        return until.tz_convert(zone)
    local = until.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    if local is pd.NaT:
        raise ValueError(
            f"Value of 'until' is a wall time that zone {zone} of 'arrived_at' skips or "
            "repeats (a daylight-saving change), so it names no single instant: give it with "
            f"its UTC offset or zone, but received: {until!r}"
        )
    return local


@dataclass(frozen=True)
class Clock:
    """The naive clock the intervals are counted on: the wall clock of the log's time ``zone``
    (or the log's own clock when it has none).

    Demand follows the local clock (a center opens at 8:00 summer and winter), so the models
    see the daily pattern at the same wall times across a daylight-saving change. Days
    (``freq="day"``) are the zone's calendar days (23 or 25 hours when the clocks change, as in
    :func:`kpikit.compute`): their counts are taken per 24 hours of real time (:meth:`exposure`)
    and the forecast of a day is that volume times its hours over 24 (:meth:`day_seconds`). A
    shorter wall interval lasts no time on the day the clocks skip it and twice its length on
    the day they repeat it: its counts are taken per interval of real time, and the forecast
    leaves out the intervals that do not happen and gives a repeated one's forecast to both of
    its instants (:meth:`aware`).
    """

    zone: object = None
    daily: bool = False

    @classmethod
    def of(cls, arrived, freq):
        """The clock for the times ``arrived`` (a Series) cut into intervals of ``freq``."""
        return cls(arrived.dt.tz, step(freq) >= pd.Timedelta("1D"))

    def naive(self, times):
        """Zoned ``times`` (a Series or a Timestamp) as wall times of the zone."""
        if self.zone is None:
            return times
        return _dated(_dated(times).tz_convert(self.zone)).tz_localize(None)

    def wall_steps(self, moment, steps, length):
        """Wall intervals from :meth:`history_end` that hold ``steps`` intervals of real time
        after ``moment``: one more for each interval the clocks skip on the way (part of one
        counts whole); as many for those they repeat, whose second instant may fall past the
        horizon (the forecast's table is cut to it in real time); and one more for each wall
        interval of a repeated hour before ``moment`` whose second instant is still to come.

        >>> paris, hour = Clock("Europe/Paris"), pd.Timedelta("1h")
        >>> spring = pd.Timestamp("2024-03-31", tz="Europe/Paris")
        >>> paris.wall_steps(spring, 24, hour)  # 02:00 is skipped
        25
        >>> paris.wall_steps(spring + pd.Timedelta("210D"), 24, hour)  # autumn
        24
        >>> first_pass = pd.Timestamp("2024-10-27 02:15+02:00", tz="Europe/Paris")
        >>> paris.wall_steps(first_pass, 4, hour / 4)  # from 02:00, whose 02:00+01:00 is ahead
        5
        """
        if self.zone is None or self.daily:
            return steps
        span = steps * length
        wall = self.naive(moment)
        shift = self.naive(moment + span) - wall - span
        earlier = (wall.floor(length) - self.history_end(moment).floor(length)) // length
        return steps + max(math.ceil(shift / length), 0) + earlier

    def history_end(self, moment):
        """The naive wall time the history ends at for a forecast after ``moment``: its wall
        time, but in the first pass of a repeated hour the wall time the repeat starts at, as
        the wall intervals from there on have their second instant still to come (they are
        forecast, not learnt from).

        >>> paris = Clock("Europe/Paris")
        >>> paris.history_end(pd.Timestamp("2024-10-27 02:40+02:00", tz="Europe/Paris"))
        Timestamp('2024-10-27 02:00:00')
        >>> paris.history_end(pd.Timestamp("2024-10-27 02:40+01:00", tz="Europe/Paris"))
        Timestamp('2024-10-27 02:40:00')
        """
        wall = self.naive(moment)
        if self.zone is None or self.daily:
            return wall
        second = wall.tz_localize(self.zone, ambiguous=False)
        if second == moment:
            return wall
        # every zone's offset changes by whole quarter hours: a grid of them finds the repeat
        grain = pd.Timedelta("15min")
        start, end = moment.tz_convert("UTC").ceil(grain), second.tz_convert("UTC")
        instants = pd.date_range(start, end, freq=grain)
        return min(wall, instants.tz_convert(self.zone).tz_localize(None).min())

    def day_seconds(self, days):
        """Seconds of real time in each of the zone's calendar days that start at the naive
        midnights ``days``: 86,400, but 82,800 or 90,000 on the days an hour is skipped or
        repeated. A day runs from its first instant (the first of a repeated midnight, or the
        time a skipped one moves forward to, as in :meth:`aware`) to the next day's.

        >>> paris = Clock("Europe/Paris", daily=True)
        >>> paris.day_seconds(pd.to_datetime(["2026-03-29", "2026-03-30", "2026-10-25"]))
        array([82800., 86400., 90000.])
        """
        days = pd.DatetimeIndex(days)
        if self.zone is None:
            return np.full(len(days), pd.Timedelta("1D").total_seconds())
        first = np.ones(len(days), dtype=bool)
        start, end = (
            moments.tz_localize(self.zone, ambiguous=first, nonexistent="shift_forward")
            for moments in (days, days + pd.Timedelta("1D"))
        )
        return np.asarray((end - start).total_seconds(), dtype=float)

    def exposure(self, start, slots, length):
        """Intervals of real time in each of ``slots`` wall intervals of ``length`` from the
        naive ``start``: 1, but 0 where the clocks skip one and 2 where they repeat it; for
        calendar days (``daily``), their hours over 24 (:meth:`day_seconds`).

        Counted on a grid of quarter hours of real time (every zone's offset changes by whole
        quarter hours), so a zone moving its clocks by 30 minutes is counted right too.

        >>> paris, hour = Clock("Europe/Paris"), pd.Timedelta("1h")
        >>> paris.exposure(pd.Timestamp("2024-10-27 01:00"), 3, hour).tolist()  # 02:00 twice
        [1.0, 2.0, 1.0]
        >>> paris.exposure(pd.Timestamp("2024-03-31 01:00"), 3, hour).tolist()  # 02:00 skipped
        [1.0, 0.0, 1.0]
        >>> days = Clock("Europe/Paris", daily=True)  # days of 24, 25 and 24 hours
        >>> days.exposure(pd.Timestamp("2024-10-26"), 3, pd.Timedelta("1D")).round(4).tolist()
        [1.0, 1.0417, 1.0]
        """
        if self.zone is None:
            return np.ones(slots)
        if self.daily:
            days = pd.date_range(start, periods=slots, freq=length)
            return self.day_seconds(days) / length.total_seconds()
        grain = pd.Timedelta("15min")
        first = start.tz_localize(self.zone, ambiguous=True, nonexistent="shift_backward")
        last = (start + slots * length).tz_localize(
            self.zone, ambiguous=False, nonexistent="shift_forward"
        )
        # in UTC: flooring a zoned time re-reads a wall time, which may not exist
        first, last = first.tz_convert("UTC").floor(grain), last.tz_convert("UTC")
        instants = pd.date_range(first, last, freq=grain, inclusive="left")
        walls = instants.tz_convert(self.zone).tz_localize(None)
        slot = np.asarray((walls - start) // length)
        slot = slot[(slot >= 0) & (slot < slots)]
        return np.bincount(slot, minlength=slots) * (grain / length)

    def second_pass(self, times):
        """Whether each of the zoned ``times`` (a Series) is the later of the two instants of a
        wall time the clocks repeat (a bool array).

        >>> paris = Clock("Europe/Paris")
        >>> times = pd.Series(pd.to_datetime(["2026-10-25 00:40Z", "2026-10-25 01:40Z"]))
        >>> paris.second_pass(times.dt.tz_convert("Europe/Paris")).tolist()  # 02:40 twice
        [False, True]
        """
        if self.zone is None:
            return np.zeros(len(times), dtype=bool)
        first = self.naive(times).dt.tz_localize(
            self.zone, ambiguous=np.ones(len(times), dtype=bool), nonexistent="NaT"
        )
        return (times.notna() & first.notna() & (first != times)).to_numpy()

    def aware(self, frame, column):
        """``frame`` with its naive interval starts ``column`` back in the zone: the rows of
        wall intervals that the clocks skip are left out, those of a repeated one are given to
        both of its instants. Calendar days keep one row each (a midnight skipped moves
        forward, one repeated is the first)."""
        if self.zone is None:
            return frame
        starts = frame[column]
        if self.daily:
            first = np.ones(len(starts), dtype=bool)
            moved = starts.dt.tz_localize(self.zone, ambiguous=first, nonexistent="shift_forward")
            return frame.assign(**{column: moved})
        earlier, later = (
            starts.dt.tz_localize(
                self.zone, ambiguous=np.full(len(starts), first), nonexistent="NaT"
            )
            for first in (True, False)
        )
        repeated = (earlier != later) & earlier.notna()
        both = pd.concat(
            [frame.assign(**{column: earlier}), frame[repeated].assign(**{column: later[repeated]})]
        )
        return both[both[column].notna()]


def _dated(times):
    """The datetime methods of a Series or a Timestamp."""
    return times.dt if isinstance(times, pd.Series) else times


def interval_series(contacts, *, freq, by, until, reach=None, closed=(), clock=Clock(), later=None):
    """Counts per group and interval from the first day of the log up to ``until`` (excluded).

    Only contacts that arrived before ``until`` count; the last interval is the last one that
    ends at or before ``until`` (a partly observed interval is left for the forecast). A
    ValueError is raised when no contact arrived before that end (the series would hold
    nothing, and be forecast as a confident 0), or when a group has none (a queue opened after
    ``until`` or in the interval it cuts short): it names those groups. With
    ``reach`` (a Timedelta: the longest stretch before the end that the models read) the
    series start on the day ``reach`` before the end when the log starts earlier: a stray
    arrival years back would otherwise make every series years of empty intervals long.
    ``closed``: days known to have no contacts (the special days), which no gap warning names.
    ``contacts["arrived_at"]`` and ``until`` are on the naive ``clock``; on a zone's wall
    clock the counts are per interval of real time (:func:`per_real_interval`; a calendar
    day's per 24 hours, :meth:`Clock.exposure`). ``later`` (bools, one per contact: it arrived
    in the second pass of a wall time the clocks repeat, :meth:`Clock.second_pass`) adds up
    those contacts apart too, for :func:`real_intervals`.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, *by, ds, offered, answered, handle_s`` with every interval present, and
        ``exposure`` (:meth:`Clock.exposure`) with ``offered_later, answered_later,
        handle_s_later``: the sums of the contacts in the second pass (not per real interval).
    """
    keys = groups(by)
    length = step(freq)
    start = contacts["arrived_at"].min().normalize()
    end = until.floor(length) if length < pd.Timedelta("1D") else until.normalize()
    if reach is not None and end - start > reach:
        start = (end - reach).normalize()
    shared = _warn_of_gaps(_arrival_times(contacts), start, end, closed)
    counted = ((contacts["arrived_at"] >= start) & (contacts["arrived_at"] < end)).to_numpy()
    seen = contacts[counted]
    arrived = contacts["arrived_at"]
    _refuse_no_history(arrived, until, end, freq)  # past it, a whole interval lies before end
    slots = int((end - start) / length)
    if keys:  # the groups known before the end: one that starts later has nothing to learn
        codes, labels = pd.MultiIndex.from_frame(contacts[keys]).factorize()
        known = (arrived < end).to_numpy()
        _refuse_late_groups(arrived, known, codes, labels, keys, until, end, freq)
        # every group is known: numbered again in order of first appearance before the end
        codes[known], order = pd.factorize(codes[known])
        names = pd.DataFrame(list(labels[order]), columns=keys)
        _warn_of_late_groups(arrived[known], codes[known], names, start)
        times, numbers = arrived[known].to_numpy(), codes[known]
        if LAST in contacts:  # added up per minute: each minute's last arrival too
            times = np.concatenate([times, contacts.loc[known, LAST].to_numpy()])
            numbers = np.tile(numbers, 2)
        _warn_of_group_gaps(times, numbers, names, start, until, shared, closed)
        codes = codes[counted]
    else:
        codes = np.zeros(len(seen), dtype=np.int64)
        names = pd.DataFrame(index=[0])
    count = len(names)
    slot = ((seen["arrived_at"] - start) // length).to_numpy().astype(np.int64)
    cell = codes * slots + slot
    size = count * slots
    exposure = clock.exposure(start, slots, length)
    weights = {
        "offered": _offered(seen),
        "answered": seen["answered"].to_numpy(),
        "handle_s": seen["handle_s"].to_numpy(),
    }
    later = np.zeros(len(contacts), dtype=bool) if later is None else np.asarray(later)
    later = later[counted]
    table = pd.DataFrame()
    for column, weight in weights.items():
        sums = np.bincount(cell, weight, minlength=size).astype(float)
        table[column] = per_real_interval(sums, exposure).ravel()
        table[f"{column}_later"] = np.bincount(
            cell[later], None if weight is None else weight[later], minlength=size
        ).astype(float)
    table["exposure"] = np.tile(exposure, count)
    table["ds"] = np.tile(pd.date_range(start, periods=slots, freq=length, unit="us"), count)
    group_rows = np.repeat(np.arange(count), slots)
    for key in keys:
        table[key] = names[key].to_numpy()[group_rows]
    table[SERIES_ID] = series_ids(names, keys)[group_rows]
    passes = [f"{column}_later" for column in weights]
    return table[[SERIES_ID, *keys, "ds", *weights, "exposure", *passes]]


def _history_end_text(until, end, freq):
    """Where the history ends for a message: ``until``, and the end of the last complete
    interval before it when that is earlier."""
    if end == until:
        return f"'until' ({until})"
    return f"{end}, the end of the last complete {freq} interval before 'until' ({until})"


def _refuse_no_history(arrived, until, end, freq):
    """Refuse a log with no arrival (``arrived``) before the ``end`` of its history: every
    series would be zeros, forecast as a confident 0. ``until`` and ``end`` on the naive clock
    of ``arrived``; NaT stands for an arrival after ``until``.

    >>> arrived = pd.Series(pd.to_datetime(["2026-03-02 09:00", "2026-03-02 11:00"]))
    >>> _refuse_no_history(arrived, pd.Timestamp("2026-03-02 09:10"),
    ...                    pd.Timestamp("2026-03-02 09:00"), "30min")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'until' leaves no contact to learn from: no contact arrived before
    2026-03-02 09:00:00, the end of the last complete 30min interval before 'until' (2026-03-02
    09:10:00); the first arrived at 2026-03-02 09:00:00, and a forecast of nothing would be a
    confident 0: give a 'until' of 2026-03-02 09:30:00 or later
    """
    if (arrived < end).any():
        return
    first = arrived.min()
    length = step(freq)
    complete = (
        first.floor(length) + length
        if length < pd.Timedelta("1D")
        else (first.normalize() + pd.Timedelta("1D"))
    )
    raise ValueError(
        f"Value of 'until' leaves no contact to learn from: no contact arrived before "
        f"{_history_end_text(until, end, freq)}; the first arrived at {first}, and a forecast "
        f"of nothing would be a confident 0: give a 'until' of {complete} or later"
    )


def _refuse_late_groups(arrived, known, codes, labels, keys, until, end, freq):
    """Refuse the groups (``labels``, the values of ``keys`` numbered by ``codes``, one per
    contact) with no arrival before the ``end`` of the history (no ``known`` contact):
    nothing tells of them (a queue opened after ``until``), and a group left out of the
    forecast, or forecast as a confident 0, would go unnoticed. The message counts them and
    names the first five, with their first arrival (``arrived``).

    >>> log = pd.DataFrame({"queue": ["a", "b", "c"], "arrived_at": pd.to_datetime(
    ...     ["2026-03-02 08:00", "2026-03-02 12:00", "2026-03-03 09:00"])})
    >>> codes, labels = pd.MultiIndex.from_frame(log[["queue"]]).factorize()
    >>> end = pd.Timestamp("2026-03-02 10:00")
    >>> _refuse_late_groups(log["arrived_at"], (log["arrived_at"] < end).to_numpy(), codes,
    ...                     labels, ["queue"], end, end, "hour")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'by' defines 2 group(s) with no contact before 'until' (2026-03-02
    10:00:00), so nothing tells what to forecast for them (queue='b' from 2026-03-02 12:00:00;
    queue='c' from 2026-03-03 09:00:00): give a later 'until', or filter these groups out of
    the data
    """
    has_history = np.zeros(len(labels), dtype=bool)
    has_history[codes[known]] = True
    if has_history.all():
        return
    # a group's first arrival (NaT: only after 'until', on a wall clock of a zone)
    first = arrived.groupby(codes).min()
    late = np.flatnonzero(~has_history)
    shown = [
        ", ".join(f"{key}={value!r}" for key, value in zip(keys, labels[code], strict=True))
        + (" only after 'until'" if first.get(code) is pd.NaT else f" from {first[code]}")
        for code in late[:5]
    ]
    more = f"; and {len(late) - 5} more" if len(late) > 5 else ""
    raise ValueError(
        f"Value of 'by' defines {len(late)} group(s) with no contact before "
        f"{_history_end_text(until, end, freq)}, so nothing tells what to forecast for them "
        f"({'; '.join(shown)}{more}): give a later 'until', or filter these groups out of the "
        "data"
    )


def real_intervals(table, clock):
    """The intervals of real time in ``table`` (from :func:`interval_series`), as the forecast
    gives them (:meth:`Clock.aware`): a wall interval the clocks skip has none, one they repeat
    has two, each with the contacts of its own pass.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds, instant, offered, answered, handle_s, share``: ``ds`` the wall
        interval, ``instant`` the real one's start in the zone, the sums of its contacts, and
        ``share`` its real length over the wall interval's (a calendar day's hours over 24),
        which the forecast of a volume per wall interval is scaled by.

    >>> hour = pd.Timestamp("2026-10-25 02:00")  # twice in Paris: 1 contact, then 3
    >>> table = pd.DataFrame({SERIES_ID: "all", "ds": [hour], "offered": [2.0], "answered": [2.0],
    ...     "handle_s": [200.0], "exposure": [2.0], "offered_later": [3.0],
    ...     "answered_later": [2.0], "handle_s_later": [150.0]})
    >>> real_intervals(table, Clock("Europe/Paris"))[["instant", "offered", "handle_s"]]
                          instant  offered  handle_s
    0 2026-10-25 02:00:00+02:00      1.0     250.0
    0 2026-10-25 02:00:00+01:00      3.0     150.0
    """
    real = clock.aware(table.assign(instant=table["ds"]), "instant")
    later = clock.second_pass(real["instant"])
    repeated = real.duplicated([SERIES_ID, "ds"], keep=False).to_numpy()
    exposure = real["exposure"].to_numpy()
    for column in ("offered", "answered", "handle_s"):
        passed = real[f"{column}_later"].to_numpy()
        whole = real[column].to_numpy() * exposure  # the wall interval's contacts, both passes
        real[column] = np.where(later, passed, np.where(repeated, whole - passed, whole))
    real["share"] = exposure / np.where(repeated, 2, 1)
    columns = [SERIES_ID, "ds", "instant", "offered", "answered", "handle_s", "share"]
    return real[columns]


def _arrival_times(contacts) -> pd.Series:
    """Every arrival time read from ``contacts``: each minute's first and last arrival when
    they are added up per minute (:func:`arrivals`)."""
    if LAST not in contacts:
        return contacts["arrived_at"]
    return pd.concat([contacts["arrived_at"], contacts[LAST]], ignore_index=True)


def _offered(contacts):
    """The contacts each row stands for: None (one each) unless added up per minute."""
    return contacts["offered"].to_numpy() if "offered" in contacts else None


def per_real_interval(values, exposure):
    """``values`` (one series after another, each of ``len(exposure)`` wall intervals) per
    interval of real time: divided by ``exposure`` (2 where the clocks repeat an interval);
    where they skip one (0), the mean of the nearest intervals before and after it.

    >>> counts = np.array([4.0, 0.0, 8.0, 6.0, 2.0, 0.0, 20.0, 3.0])  # two series
    >>> per_real_interval(counts, np.array([1.0, 0.0, 2.0, 1.0]))
    array([[ 4.,  4.,  4.,  6.],
           [ 2.,  6., 10.,  3.]])
    """
    table = values.reshape(-1, len(exposure))
    if (exposure == 1).all():
        return table
    kept = np.flatnonzero(exposure > 0)
    table = table / np.where(exposure > 0, exposure, 1)
    skipped = np.flatnonzero(exposure == 0)
    if len(skipped) and len(kept):
        after = np.searchsorted(kept, skipped).clip(max=len(kept) - 1)
        before = (np.searchsorted(kept, skipped) - 1).clip(min=0)
        table[:, skipped] = (table[:, kept[before]] + table[:, kept[after]]) / 2
    return table


def _warn_of_late_groups(arrived: pd.Series, codes: np.ndarray, names: pd.DataFrame, start):
    """Warn of the groups (``names``, one row per code) whose first arrival (``arrived``, the
    contacts before ``until`` with their ``codes``) comes more than :data:`MAX_HISTORY_GAP`
    after the ``start`` of the history: a queue opened lately is read as having had no contacts
    before, which pulls its forecast toward zero (a day of history against four weeks of
    zeros: a forecast of 0). A group with contacts before ``start`` is not new.
    """
    first = pd.Series(arrived.to_numpy()).groupby(codes).min()
    late = first[first - start > MAX_HISTORY_GAP]
    if late.empty:
        return
    shown = [
        f"{', '.join(f'{key}={value!r}' for key, value in names.iloc[code].items())} "
        f"from {time:%Y-%m-%d}"
        for code, time in late.head(5).items()
    ]
    warnings.warn(
        f"{len(late)} group(s) start later than the history the forecast reads, which starts "
        f"on {start:%Y-%m-%d} ({'; '.join(shown)}); the models read the days before as days "
        "without contacts, which pulls the forecast toward zero. Forecast such a group from "
        "its own rows, so that its history starts with its first contact",
        UserWarning,
        stacklevel=4,
    )


def _warn_of_group_gaps(times, codes, names: pd.DataFrame, start, until, shared, closed):
    """Warn of the groups (``names``, one row per code) with no contact for more than
    :data:`MAX_HISTORY_GAP` in the history read: between two of their arrivals (``times``,
    naive datetime64 before the end of the history, with their ``codes``) from ``start`` on
    (:func:`gaps_between`), or from their last arrival to ``until``. The models read those days
    as days without contacts: a queue whose contacts are missing from the log was forecast
    toward zero (a confident 0 when they stop) without a word, while the same gap for the
    whole log is named (:func:`_warn_of_gaps`) or refused (:func:`cutoff`). A gap whose whole
    days are all ``closed`` days is declared; one that is a gap of the whole log (``shared``,
    pairs of arrivals around each) but for at most that much at either end is named by that
    warning.
    """
    closed_days = {pd.Timestamp(day).date() for day in closed}
    shared = [(pd.Timestamp(one), pd.Timestamp(after)) for one, after in shared]
    found = {}
    for code, last, following in zip(*group_gaps(times, codes, start, until), strict=True):
        last, following = pd.Timestamp(last), pd.Timestamp(following)
        if not _declared(last, following, closed_days) and not any(
            pd.Timedelta(0) <= one - last <= MAX_HISTORY_GAP
            and pd.Timedelta(0) <= following - after <= MAX_HISTORY_GAP
            for one, after in shared
        ):
            found.setdefault(int(code), []).append((last, following))
    if not found:
        return
    found = list(found.items())
    shown = [
        f"{', '.join(f'{key}={value!r}' for key, value in names.iloc[code].items())} "
        + ", ".join(
            f"{last:%Y-%m-%d %H:%M} to {following:%Y-%m-%d %H:%M}" for last, following in pairs
        )
        for code, pairs in found[:5]
    ]
    more = f"; and {len(found) - 5} more" if len(found) > 5 else ""
    warnings.warn(
        f"{len(found)} group(s) have no contact for more than {MAX_HISTORY_GAP.days} days in "
        f"the history the forecast reads, up to 'until' ({until}): {'; '.join(shown)}{more}; "
        "the models read these days as days without contacts, which pulls the forecast toward "
        "zero. If contacts are missing there, complete the log; if a group closed, filter it "
        "out of the data; if it was closed those days, list them in 'special_days'",
        UserWarning,
        stacklevel=4,
    )


def _warn_of_gaps(arrived, start, end, closed=()):
    """Warn when the log has no contact for more than :data:`MAX_HISTORY_GAP` between ``start``
    and ``end``: the series count those days as days without contacts, which is right for a
    closure and wrong for missing data (the gap before ``until`` is refused by :func:`cutoff`).
    A gap whose whole days are all ``closed`` days is a closure the caller declared. Returns
    the pairs of arrivals around the gaps named.
    """
    last, following = gaps_between(arrived[arrived < end].to_numpy(), start, MAX_HISTORY_GAP)
    closed_days = {pd.Timestamp(day).date() for day in closed}
    open_ = [not _declared(*pair, closed_days) for pair in zip(last, following, strict=True)]
    last, following = last[open_], following[open_]
    if last.size:
        before = pd.DatetimeIndex(last[:5]).strftime("%Y-%m-%d %H:%M")
        after = pd.DatetimeIndex(following[:5]).strftime("%Y-%m-%d %H:%M")
        spans = ", ".join(f"{one} to {next_}" for one, next_ in zip(before, after, strict=True))
        warnings.warn(
            f"Column 'arrived_at' has no contact for more than {MAX_HISTORY_GAP.days} days "
            f"{last.size} time(s) in the history the forecast reads ({spans}); the models read "
            "these days as days without contacts. If contacts are missing there, complete the "
            "log or drop the arrivals before the gap; if the centre was closed, list the days in "
            "'special_days' (their history is replaced by the week before)",
            UserWarning,
            stacklevel=4,
        )
    return list(zip(last, following, strict=True))


def gaps_between(times: np.ndarray, start: pd.Timestamp, longest: pd.Timedelta):
    """The consecutive arrivals more than ``longest`` (a day or more) apart among ``times``
    (naive datetime64, in any order), from the last arrival before ``start`` on: two arrays,
    the arrival before each gap and the one after it, in time order; the pairs that sorting
    ``times`` would show.

    In linear time, from the earliest and latest arrival of each day counted from the first:
    two arrivals more than ``k`` whole days apart lie in days at least ``k`` apart with none
    between them holding an arrival, so only those pairs of days are measured (sorting 10M
    arrivals took 0.7 s of a forecast).

    >>> times = pd.to_datetime(["2026-01-09 17:00", "2026-01-01 09:00", "2026-01-02 10:00",
    ...                         "2026-01-15 08:00", "2026-01-05 11:00"]).to_numpy()
    >>> last, following = gaps_between(times, pd.Timestamp("2026-01-03"), pd.Timedelta("4D"))
    >>> [f"{a} to {b}" for a, b in zip(last, following)]
    ['2026-01-05T11:00:00.000000000 to 2026-01-09T17:00:00.000000000', \
'2026-01-09T17:00:00.000000000 to 2026-01-15T08:00:00.000000000']
    """
    unit = np.datetime_data(times.dtype)[0]  # counted in the times' own unit: no overflow
    values = times.view(np.int64)
    first = np.datetime64(start.to_datetime64(), unit).view(np.int64)
    day, most = (np.timedelta64(span, unit).view(np.int64) for span in (_DAY, longest))
    points = values[values >= first]
    before = values[values < first]
    if before.size:  # the last arrival before the series start opens the first gap
        points = np.append(points, before.max())
    none = np.array([], dtype=times.dtype)
    if points.size < 2:
        return none, none
    days = (points - points.min()) // day
    held = np.flatnonzero(np.bincount(days))
    apart = np.flatnonzero(np.diff(held) >= most // day)
    if not apart.size:
        return none, none
    latest = np.full(held[-1] + 1, np.iinfo(np.int64).min)
    earliest = np.full(held[-1] + 1, np.iinfo(np.int64).max)
    np.maximum.at(latest, days, points)
    np.minimum.at(earliest, days, points)
    last, following = latest[held[apart]], earliest[held[apart + 1]]
    wide = following - last > most
    return last[wide].view(times.dtype), following[wide].view(times.dtype)


def group_gaps(times: np.ndarray, codes: np.ndarray, start: pd.Timestamp, until: pd.Timestamp):
    """The gaps of more than :data:`MAX_HISTORY_GAP` in each group's arrivals: ``times`` (naive
    datetime64, in any order) with their group ``codes`` (0, 1, ...), from each group's last
    arrival before ``start`` on (as :func:`gaps_between`), and from its last arrival to
    ``until``. Three arrays: the code, the arrival before each gap and the one after it (or
    ``until``), by code then time.

    In linear time, as :func:`gaps_between`, from the earliest and latest arrival of each group
    and day (a group's arrivals before ``start`` stand as their latest, at most 5 days before).

    >>> times = pd.to_datetime(["2026-01-01 09:00", "2026-01-02 10:00", "2026-01-08 11:00",
    ...                         "2026-01-09 08:00"]).to_numpy()
    >>> code, last, following = group_gaps(times, np.array([0, 1, 0, 1]),
    ...                                    pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-10"))
    >>> [f"{c}: {a:%d %H:%M} to {b:%d %H:%M}" for c, a, b in zip(code, pd.DatetimeIndex(last),
    ...                                                           pd.DatetimeIndex(following))]
    ['0: 01 09:00 to 08 11:00', '1: 02 10:00 to 09 08:00']
    """
    unit = np.datetime_data(times.dtype)[0]  # counted in the times' own unit: no overflow
    values = times.view(np.int64)
    first, end = (np.datetime64(t.to_datetime64(), unit).view(np.int64) for t in (start, until))
    day, most = (np.timedelta64(span, unit).view(np.int64) for span in (_DAY, MAX_HISTORY_GAP))
    lowest = np.iinfo(np.int64).min
    count = int(codes.max()) + 1
    before = values < first
    prior = np.full(count, lowest)
    np.maximum.at(prior, codes[before], values[before])
    held_prior = np.flatnonzero(prior > lowest)
    values = np.concatenate([values[~before], prior[held_prior]])
    codes = np.concatenate([codes[~before], held_prior])
    # day numbers from 5 days before start: an earlier arrival counts on that day
    reach = most // day + 1
    days = np.maximum((values - first) // day, -reach) + reach
    span = int(max(days.max(), (end - first) // day + reach)) + 2
    cell = codes * span + days
    latest = np.full(count * span, lowest)
    np.maximum.at(latest, cell, values)
    earliest = np.full(count * span, np.iinfo(np.int64).max)
    np.minimum.at(earliest, cell, values)
    # each group's last cell holds 'until', so that the stretch after its last arrival is a gap
    ends = np.arange(count) * span + span - 1
    latest[ends] = earliest[ends] = end
    held = np.flatnonzero(latest > lowest)
    apart = np.flatnonzero((np.diff(held) >= most // day) & (np.diff(held // span) == 0))
    last, following = latest[held[apart]], earliest[held[apart + 1]]
    wide = following - last > most
    return (
        held[apart][wide] // span,
        last[wide].view(times.dtype),
        following[wide].view(times.dtype),
    )


def _declared(last, following, closed_days) -> bool:
    """Whether every whole day between two arrivals is one of ``closed_days``."""
    days = pd.date_range(
        pd.Timestamp(last).normalize() + pd.Timedelta("1D"),
        pd.Timestamp(following).normalize() - pd.Timedelta("1D"),
        freq="D",
    )
    return bool(closed_days) and all(day.date() in closed_days for day in days)


def series_ids(names, keys):
    """One string id per group (``"all"`` without grouping): its position among the groups, as
    the group's values written out can collide (``1`` and ``"1"``, NaN and ``"nan"``).

    >>> series_ids(pd.DataFrame({"queue": [1, "1"]}), ["queue"])
    array(['series 0', 'series 1'], dtype=object)
    """
    if not keys:
        return np.array(["all"] * len(names), dtype=object)
    return np.array([f"series {position}" for position in range(len(names))], dtype=object)


def special_dates(special_days):
    """``special_days`` as a dict of normalised Timestamp -> factor (None: learn it)."""
    if special_days is None:
        return {}
    if isinstance(special_days, str) or not hasattr(special_days, "__iter__"):
        raise TypeError(
            "Value of 'special_days' must be a list of dates or a dict of date -> factor, "
            f"but received: {special_days!r}"
        )
    items = (
        special_days.items()
        if isinstance(special_days, dict)
        else [(day, None) for day in special_days]
    )
    found = {}
    for day, factor in items:
        try:
            day_start = moment(day, "special_days").normalize()
        except (TypeError, ValueError):
            raise ValueError(
                f"Value of 'special_days' holds {day!r}, which is not a date such as '2026-12-25'"
            ) from None
        if day_start in found:
            raise ValueError(f"Value of 'special_days' names the day {day_start:%Y-%m-%d} twice")
        found[day_start] = None if factor is None else _factor(day, factor)
    return found


def _factor(day, factor):
    """A special day's factor: a number in [0, :data:`MAX_SPECIAL_FACTOR`]."""
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
        raise TypeError(
            f"Value of 'special_days' gives day {day!r} the factor {factor!r}; a factor is a "
            "number (0.2 means 20 % of a usual day's volume)"
        )
    if not 0 <= factor <= MAX_SPECIAL_FACTOR:
        raise ValueError(
            f"Value of 'special_days' gives day {day!r} the factor {factor!r}; a factor is a "
            f"number in [0, {MAX_SPECIAL_FACTOR:g}] (0.2 means 20 % of a usual day's volume)"
        )
    return float(factor)
