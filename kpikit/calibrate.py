"""Queue inputs estimated from a contact log: arrival profile, handle time, caller patience.

These feed the queueing models (:mod:`kpikit.queueing`) and the what-if scenarios
(:mod:`kpikit.whatif`): contacts per interval of the day and AHT by weekday, and the mean
patience of callers, estimated from who abandoned after how long.

>>> import pandas as pd
>>> contacts = pd.DataFrame({
...     "arrived_at": pd.to_datetime(["2024-01-01 09:05", "2024-01-01 09:40",
...                                   "2024-01-08 09:10"]),
...     "answered": [True, False, True],
...     "wait_s": [10.0, 50.0, 40.0],
...     "talk_s": [200.0, 0.0, 260.0],
... })
>>> patience_exponential(contacts)["patience_s"].tolist()  # (10 + 50 + 40) s / 1 abandon
[100.0]
"""

import math
from dataclasses import dataclass

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from kpikit._check_runs import check_table
from kpikit._checks import type_object_flags
from kpikit._frames import as_datetimes, pandas_frame
from kpikit._lazy_contacts import checked_lazy, id_problems
from kpikit._validators import check_choice, check_number, column_names
from kpikit.metrics._inputs import _naive_problem
from kpikit.metrics._period_starts import refuse_dates_for_hours
from kpikit.metrics._sources import is_path, scan_parquet
from kpikit.options import current
from kpikit.schema import TABLES, Dataset, SchemaError, repeated_columns

__all__ = [
    "PatienceCurve",
    "arrival_profile",
    "as_pandas",
    "checked_contacts",
    "contacts_frame",
    "patience_exponential",
    "patience_kaplan_meier",
]

INTERVALS = {"15min": "15min", "30min": "30min", "hour": "1h"}
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HANDLE_COLUMNS = ("talk_s", "hold_s", "acw_s")
_Z_95 = 1.959963984540054
PROFILE_COLUMNS = {
    "weekday": np.int64,
    "weekday_name": object,
    "interval_start": object,
    "interval_s": float,
    "days": np.int64,
    "contacts": np.int64,
    "answered": np.int64,
    "volume": float,
    "aht_s": float,
}
"""Columns of :func:`arrival_profile` after the ``by`` columns, with their types."""
PROFILE_WORK = ("arrived_at", "last_at", "_slot", "_handle_s", "_occurrences")
"""Columns :func:`arrival_profile` works with, so they cannot be ``by`` columns."""
EXPONENTIAL_COLUMNS = ("contacts", "abandoned", "queued_s", "patience_s", "ci_low", "ci_high")
"""Columns of :func:`patience_exponential` after the ``by`` columns."""
KAPLAN_MEIER_COLUMNS = (
    "wait_s",
    "at_risk",
    "abandoned",
    "survival",
    "contacts",
    "horizon_s",
    "restricted_mean_s",
)
"""Columns of :func:`patience_kaplan_meier`'s two frames after the ``by`` columns."""


def as_pandas(frame, columns, argument):
    """``frame`` (any dataframe narwhals supports) as pandas, with ``columns`` checked.

    Parameters
    ----------
    frame : dataframe
        pandas, polars, pyarrow, DuckDB, ... (lazy frames are collected).
    columns : iterable of str
        Columns that must be present.
    argument : str
        Name of the argument, for error messages.

    Returns
    -------
    pandas.DataFrame
    """
    frame = pandas_frame(frame, argument)
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"Value of {argument!r} is missing column(s) {missing}; it needs "
            f"{list(columns)} but has: {list(frame.columns)}"
        )
    return frame


def contacts_frame(data, columns, *, optional=None):
    """The contacts of ``data`` as pandas, with ``columns`` checked present.

    ``data`` is a Dataset, a contacts dataframe, or parquet files (a path, folder or glob, read
    by :func:`kpikit.scan_parquet`). With ``optional`` given, a lazy source (parquet files, a
    DuckDB relation, a Spark or lazy polars frame) brings only ``columns`` and those of
    ``optional`` it has: a forecast of a log of 10M contacts reads two to five of its columns.
    """
    contacts = data.contacts if isinstance(data, Dataset) else data
    if is_path(contacts):
        contacts = scan_parquet(contacts, progress=False)
    if optional is not None:
        contacts = _only(contacts, columns, optional)
    return as_pandas(contacts, columns, "data")


def _only(frame, columns, optional):
    """A lazy ``frame`` with ``columns`` and those of ``optional`` it has, when it has every one
    of ``columns`` (or else as it is, for :func:`as_pandas` to name what is missing); an eager
    frame as it is."""
    if isinstance(frame, pd.DataFrame):  # eager, and may repeat a name, which narwhals refuses
        return frame
    lazy = nw.from_native(frame, pass_through=True)
    if not isinstance(lazy, nw.LazyFrame):
        return frame
    names = lazy.collect_schema().names()
    if not set(columns) <= set(names):
        return frame
    wanted = dict.fromkeys([*columns, *(name for name in optional if name in names)])
    return lazy.select(*wanted).to_native()


def checked_contacts(data, columns, *, optional=(), by=()):
    """The contacts of ``data`` as pandas, the columns read checked as :func:`kpikit.validate`
    checks them.

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
    columns : iterable of str
        Contacts columns read, which must be present.
    optional : iterable of str, default=()
        Contacts columns read when present (``talk_s``, ...).
    by : iterable of str, default=()
        Grouping columns: must be present, any type.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    SchemaError
        A column read appears more than once, holds values of a wrong type (text timestamps,
        text flags), or rows the schema refuses (a missing arrival, a negative wait, an
        answered contact without a talk time, ...), with the count and the first row
        positions; contact ids empty or repeated, when the contacts have them
        (:func:`kpikit._lazy_contacts.id_problems`). Flags held as Python objects (True,
        False, None) are checked as the booleans they are, as :func:`kpikit.validate` reads
        them: unchecked, an answered contact without a talk time added 0 s to the AHT.

    Examples
    --------
    >>> import pandas as pd
    >>> checked_contacts(pd.DataFrame({"answered": [True, False, True],
    ...                                "wait_s": [5.0, -2.0, -1.0]}), ["answered", "wait_s"])
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.wait_s: 2 rows below 0 (first row positions: 1, 2)
    """
    contacts = contacts_frame(data, [*columns, *by], optional=[*optional, "contact_id"])
    read = [*columns, *(column for column in optional if column in contacts.columns)]
    ids = ["contact_id"] if "contact_id" in contacts.columns else []
    repeated = repeated_columns(contacts, "contacts", among=[*read, *by, *ids])
    if repeated:
        raise SchemaError([repeated])
    specs = [spec for spec in TABLES["contacts"] if spec.name in read]
    contacts = type_object_flags(contacts, specs)
    problems, _ = check_table(nw.from_native(contacts[read]), "contacts", specs, ())
    problems += id_problems(nw.from_native(contacts[ids]))
    if problems:
        raise SchemaError(problems)
    return contacts


def _refuse_result_names(groups, own, working=()) -> None:
    """No ``by`` column may bear the name of a column the result holds itself (``own``) or the
    computation works with (``working``): it was overwritten by the result's (every contact
    grouped under ``contacts == 1``; by ``"last_at"``, under each contact's own arrival) or
    failed deep in pandas.

    >>> _refuse_result_names(["queue", "contacts"], ["contacts", "abandoned"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'by' names column(s) ['contacts'] of contacts, but the result has
    column(s) of that name itself (['contacts', 'abandoned']): rename them in contacts first
    >>> _refuse_result_names(["last_at"], ["contacts"], ["arrived_at", "last_at"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'by' names column(s) ['last_at'] of contacts, but the result has
    column(s) of that name itself (['contacts'], and works with ['arrived_at', 'last_at']):
    rename them in contacts first
    """
    taken = [name for name in groups if name in own or name in working]
    if taken:
        named = f"{list(own)}" + (f", and works with {list(working)}" if working else "")
        raise ValueError(
            f"Value of 'by' names column(s) {taken} of contacts, but the result has column(s) "
            f"of that name itself ({named}): rename them in contacts first"
        )


def _interval(interval):
    check_choice("interval", interval, INTERVALS, "supported")
    return pd.Timedelta(INTERVALS[interval])


def arrival_profile(data, *, interval="30min", by=None):
    """Average contacts and AHT per interval of the day, for each weekday.

    ``volume = contacts offered in the slot / times the slot happened in the log`` (the
    number of such weekdays; on a zone's clock a slot repeated when the clocks go back happens
    twice that day and one skipped when they go forward not at all);
    ``aht_s = sum(talk_s + hold_s + acw_s) over answered / answered``.

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        Contacts with ``arrived_at`` (timestamps) and ``answered``; ``talk_s`` (with
        ``hold_s``, ``acw_s`` when present) for the AHT. These columns are checked as
        :func:`kpikit.validate` checks them (:func:`checked_contacts`).
    interval : {"15min", "30min", "hour"}, default="30min"
        Length of the intervals the day is cut into, on the clock of the arrivals' zone, or
        of ``kk.options.tz`` when it is set (as :func:`kpikit.compute` cuts periods).
    by : str or list of str, default=None
        Extra grouping columns (for instance ``"queue"``).

    Returns
    -------
    pandas.DataFrame
        One row per ``*by``, weekday (1 = Monday ... 7 = Sunday, as
        :func:`kpikit.timeparts.add_hour_weekday`) and interval of the day, every interval of
        the day included: ``*by, weekday, weekday_name, interval_start`` ("HH:MM"),
        ``interval_s, days, contacts, answered, volume, aht_s``.

    Raises
    ------
    SchemaError
        A column read of a wrong type (text timestamps: parse them first) or with rows the
        schema refuses (a missing arrival, a negative talk time, ...); arrivals without a
        zone while ``kk.options.tz`` is set (kpikit does not guess their zone).
    ValueError
        ``arrived_at`` holds dates without a time of day.

    Notes
    -----
    ``days`` counts every date of that weekday between the first and the last arrival, so a
    day without contacts lowers the average (it is a day with zero volume). On the days the
    clocks change, ``volume`` is per slot of real time: the slot repeated divides its
    contacts (two hours of them) by one more, the slot skipped by one fewer (NaN when it was
    skipped on every day of its weekday: it never happened). Weekdays the log
    does not cover are left out: without contacts, every weekday, so the profile has no row
    (as :func:`kpikit.compute` gives no group). ``aht_s`` is NaN where nothing was answered,
    and for every row when the log has no ``talk_s``.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:05", "2024-01-01 09:40",
    ...                                   "2024-01-08 09:10"]),
    ...     "answered": [True, False, True],
    ...     "wait_s": [10.0, 50.0, 40.0],
    ...     "talk_s": [200.0, 0.0, 260.0],
    ... })
    >>> profile = arrival_profile(contacts, interval="hour")
    >>> profile.query("weekday == 1 and interval_start == '09:00'")[["volume", "aht_s"]]
    ...     # 3 contacts over 2 Mondays; (200 + 260) s / 2 answered
       volume  aht_s
    9     1.5  230.0
    """
    groups = column_names("by", by)
    _refuse_result_names(groups, PROFILE_COLUMNS, PROFILE_WORK)
    length = _interval(interval)
    counted = _in_options_zone(_counted_contacts(data, groups, interval))
    if counted.empty:  # no weekday covered, so no row (as compute gives no group)
        return pd.DataFrame(
            {name: counted[name] for name in groups}
            | {name: pd.Series(dtype=dtype) for name, dtype in PROFILE_COLUMNS.items()}
        )
    arrived, last = (_wall_clock(counted[name]) for name in ("arrived_at", "last_at"))
    keys = counted[groups].copy()
    keys["weekday"] = arrived.dt.day_of_week + 1
    keys["_slot"] = ((arrived - arrived.dt.normalize()) // length).astype(np.int64)
    cells = (
        counted[["contacts", "answered", "_handle_s"]]
        .join(keys)
        .groupby([*groups, "weekday", "_slot"], dropna=False, observed=True)
        .sum(min_count=1)
    )

    dates = pd.date_range(arrived.min().normalize(), last.max().normalize(), freq="D")
    days = pd.Series(dates.day_of_week + 1).value_counts().sort_index()
    slots = np.arange(int(pd.Timedelta("1D") / length))
    occurrences = _occurrences(dates, slots.size, length, as_datetimes(counted["arrived_at"]))
    observed = cells.index.remove_unused_levels().levels[: len(groups)]  # not unused categories
    levels = [*(observed if groups else []), days.index, slots]
    grid = pd.MultiIndex.from_product(levels, names=[*groups, "weekday", "_slot"])
    profile = cells.reindex(grid).reset_index()
    profile[["contacts", "answered"]] = profile[["contacts", "answered"]].fillna(0).astype(np.int64)
    profile["days"] = profile["weekday"].map(days).astype(np.int64)
    slot_occurrences = occurrences.stack().rename("_occurrences")
    profile = profile.join(slot_occurrences, on=["weekday", "_slot"])
    # a slot the clocks skipped on every day of its weekday has no arrival to average: NaN
    profile["volume"] = profile["contacts"] / profile["_occurrences"].where(
        profile["_occurrences"] > 0
    )
    profile["aht_s"] = profile["_handle_s"] / profile["answered"].where(profile["answered"] > 0)
    profile["weekday_name"] = profile["weekday"].map(dict(enumerate(WEEKDAY_NAMES, start=1)))
    minutes = profile["_slot"] * int(length.total_seconds() // 60)
    profile["interval_start"] = [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]
    profile["interval_s"] = length.total_seconds()
    return profile[[*groups, *PROFILE_COLUMNS]]


def _occurrences(dates, slots, length, arrivals):
    """How many times each wall-clock slot of each weekday happened over ``dates`` (naive
    midnights), as a frame indexed by weekday (1 = Monday) with one column per slot: the days
    of that weekday, but on the zone's clock (that of ``arrivals``) a slot the clocks repeat
    counts twice on its day and one they skip not at all.

    Arrivals are cut into slots on the wall clock, so the fall-back Sunday's 01:00 hour holds
    two hours of real contacts: divided by 1 day, New York's Sun 01:00 showed 3 contacts an
    hour among hours of 2. Counted in real time as the forecast counts it
    (:meth:`kpikit.forecast._series.Clock.exposure`, quarter hours of real time per slot).

    >>> dates = pd.date_range("2024-11-03", periods=1, freq="D")  # New York falls back
    >>> zoned = pd.Series(pd.DatetimeIndex(["2024-11-03 09:00"], tz="America/New_York"))
    >>> _occurrences(dates, 24, pd.Timedelta("1h"), zoned).loc[7, :3].tolist()
    [1.0, 2.0, 1.0, 1.0]
    """
    from kpikit.forecast._series import Clock  # the forecast imports calibrate: kept lazy

    exposure = Clock(arrivals.dt.tz).exposure(dates[0], len(dates) * slots, length)
    per_day = pd.DataFrame(exposure.reshape(len(dates), slots), index=dates.day_of_week + 1)
    return per_day.groupby(level=0).sum().rename_axis(index="weekday", columns="_slot")


def _counted_contacts(data, groups, interval):
    """The contacts of :func:`arrival_profile` as pandas: ``*groups, arrived_at, last_at,
    contacts, answered, _handle_s``, each row standing for ``contacts`` contacts that fall in one
    interval of one day, the first of them arriving at ``arrived_at`` and the last at
    ``last_at``; ``_handle_s`` is the handle time of the answered ones, NaN throughout when
    the data has no ``talk_s``.

    A lazy source (parquet files, a DuckDB relation, a Spark or polars frame) is checked and
    added up per minute of arrival by its engine (:func:`kpikit.forecast._minutes.
    minute_counts`): every contact of a minute falls in the same interval of the day, on any
    zone's clock, since offsets are whole minutes. Anything else, or a source that fails a
    check, is read contact by contact, which names the problem and its rows.
    """
    from kpikit.forecast._minutes import LAST, minute_counts

    contacts = data.contacts if isinstance(data, Dataset) else data
    if is_path(contacts):  # scanned once, for the dates' check and the reading
        contacts = scan_parquet(contacts, progress=False)
    refuse_dates(contacts, interval)
    minutes = minute_counts(contacts, groups, HANDLE_COLUMNS)
    if minutes is not None:
        handle = minutes["handle_s"] if "talk_s" in minutes.attrs["handles"] else np.nan
        return minutes[[*groups, "arrived_at"]].assign(
            last_at=minutes[LAST],
            contacts=minutes["offered"].astype(np.int64),
            answered=minutes["answered"].astype(np.int64),
            _handle_s=handle,
        )
    contacts = checked_contacts(
        contacts, ["arrived_at", "answered"], optional=HANDLE_COLUMNS, by=groups
    )
    # a pandas frame's dates, kept as dates (refuse_dates reads the others' before the reading)
    refuse_dates_for_hours(contacts, "arrived_at", interval, "interval")
    answered = contacts["answered"].astype(bool)
    handle = pd.Series(np.nan, index=contacts.index)
    if "talk_s" in contacts.columns:
        present = [column for column in HANDLE_COLUMNS if column in contacts.columns]
        handle = sum(contacts[column].fillna(0.0).astype(float) for column in present)
        handle = handle.where(answered, 0.0)
    # a fresh index: on one repeated by pd.concat, arrival_profile's join paired every row
    # with each of its namesakes (2 contacts in a slot counted 4)
    return (
        contacts[[*groups, "arrived_at"]]
        .assign(
            last_at=contacts["arrived_at"],
            contacts=1,
            answered=answered.astype(np.int64),
            _handle_s=handle,
        )
        .reset_index(drop=True)
    )


def refuse_dates(contacts, interval) -> None:
    """Refuse ``interval`` (one shorter than a day) on arrivals held as dates without a time of
    day, read from the schema of ``contacts`` (a dataframe, or a Dataset) before they come into
    pandas: there a polars date becomes a midnight (every contact fell in the interval at
    00:00) and an Arrow one (a pyarrow Table, a DuckDB relation) a Python object, refused as a
    wrong type. A pandas frame keeps its dates, refused once read
    (:func:`~kpikit.metrics._period_starts.refuse_dates_for_hours`); files are refused once
    scanned.

    >>> import datetime as dt, polars as pl
    >>> refuse_dates(pl.DataFrame({"arrived_at": [dt.date(2024, 1, 1)]}), "hour")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'interval' is 'hour', but column 'arrived_at' holds dates without a
    time of day (1 row(s)), so no row can be put into a period of that length: give the times
    of the contacts
    """
    contacts = contacts.contacts if isinstance(contacts, Dataset) else contacts
    if isinstance(contacts, pd.DataFrame):
        return
    frame = nw.from_native(contacts, pass_through=True)
    if isinstance(frame, nw.DataFrame | nw.LazyFrame) and "arrived_at" in frame.collect_schema():
        refuse_dates_for_hours(frame, "arrived_at", interval, "interval")


def _in_options_zone(counted: pd.DataFrame) -> pd.DataFrame:
    """``counted`` (:func:`_counted_contacts`) with its arrivals on the clock of
    ``kk.options.tz`` when it is set, as :func:`kpikit.compute` cuts periods in that zone
    (:func:`kpikit.metrics._inputs.prepare`), and arrivals without a zone refused as it
    refuses them: kpikit does not guess which zone they are in. Converted per minute, the
    counts stay exact: offsets are whole minutes.

    >>> from kpikit import options
    >>> utc = pd.DataFrame({"arrived_at": pd.to_datetime(["2024-03-11 14:00"], utc=True)})
    >>> with options.context(tz="America/New_York"):
    ...     str(_in_options_zone(utc.assign(last_at=utc["arrived_at"]))["arrived_at"][0])
    '2024-03-11 10:00:00-04:00'
    """
    zone = current().tz
    if zone is None:
        return counted
    arrived, last = (as_datetimes(counted[name]) for name in ("arrived_at", "last_at"))
    if arrived.dt.tz is None:
        raise SchemaError([_naive_problem("contacts", "arrived_at", zone, zone)])
    return counted.assign(arrived_at=arrived.dt.tz_convert(zone), last_at=last.dt.tz_convert(zone))


def _wall_clock(times: pd.Series) -> pd.Series:
    """``times`` as naive times on their own zone's clock."""
    times = as_datetimes(times)
    return times.dt.tz_localize(None) if times.dt.tz is not None else times


def patience_exponential(data, *, by=None):
    """Mean caller patience, assuming it is exponential: maximum likelihood with censoring.

    ``patience_s = sum(wait_s over all contacts) / abandoned``. Abandoned contacts show their
    patience; answered ones only show that their patience exceeded their wait (censored), so
    every second spent in queue counts in the denominator of the abandonment rate
    ``theta = abandoned / total time queued``.

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        Contacts with ``answered`` (booleans) and ``wait_s`` (seconds, at least 0), checked as
        :func:`kpikit.validate` checks them (:func:`checked_contacts`).
    by : str or list of str, default=None
        Grouping columns (for instance ``"queue"``).

    Returns
    -------
    pandas.DataFrame
        ``*by, contacts, abandoned, queued_s, patience_s, ci_low, ci_high``; the 95 % interval
        uses ``log(patience)`` with standard error ``1 / sqrt(abandoned)``.

    Notes
    -----
    No abandons: the estimate is undefined (callers may be endlessly patient), NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"answered": [True, False, False, True],
    ...                          "wait_s": [30.0, 60.0, 90.0, 20.0]})
    >>> patience_exponential(contacts)[["abandoned", "patience_s"]]  # 200 s / 2 abandons
       abandoned  patience_s
    0          2       100.0
    """
    groups = column_names("by", by)
    _refuse_result_names(groups, EXPONENTIAL_COLUMNS)
    frame = _tallied(data, groups, per_wait=False)
    with np.errstate(over="ignore"):  # an overflow is reported below, by group
        if groups:
            totals = frame.groupby(groups, dropna=False, observed=True).sum().reset_index()
        else:
            totals = frame.sum().to_frame().T
    totals[["contacts", "abandoned"]] = totals[["contacts", "abandoned"]].astype(np.int64)
    _check_finite_total(totals, groups)
    abandoned = totals["abandoned"].where(totals["abandoned"] > 0)
    totals["patience_s"] = totals["queued_s"].astype(float) / abandoned
    spread = np.exp(_Z_95 / np.sqrt(abandoned))
    totals["ci_low"] = totals["patience_s"] / spread
    totals["ci_high"] = totals["patience_s"] * spread
    return totals[[*groups, *EXPONENTIAL_COLUMNS]]


def _tallied(data, groups, *, per_wait):
    """The contacts of the patience estimates as pandas rows of ``*groups`` and ``contacts``
    (how many contacts a row stands for), ``abandoned`` (how many of them abandoned) and, with
    ``per_wait``, ``wait_s`` (the wait of each of them), else ``queued_s`` (their waits added
    up).

    A lazy source (parquet files, a DuckDB relation, a Spark or polars frame) is checked and
    counted by its engine, per group (and wait): pandas gets a row per group, or per group and
    distinct wait, rather than a row per contact. Anything else, or a source that fails a
    check, is read contact by contact, which names the problem and its rows.

    >>> import polars as pl
    >>> log = pl.LazyFrame({"answered": [True, False, False], "wait_s": [5, 40, 40]})
    >>> _tallied(log, [], per_wait=True).sort_values("wait_s").values.tolist()  # wait, counts
    [[5.0, 1.0, 0.0], [40.0, 2.0, 2.0]]
    >>> _tallied(log, [], per_wait=False).to_dict("records")  # 5 + 40 + 40 s
    [{'contacts': 3, 'abandoned': 2, 'queued_s': 85.0}]
    """
    columns = ["answered", "wait_s"]
    source = checked_lazy(data, columns, by=groups)
    if source is None:
        contacts = checked_contacts(data, columns, by=groups)
        frame = contacts[groups].copy()
        frame["contacts"] = 1
        frame["abandoned"] = (~contacts["answered"].astype(bool)).astype(np.int64)
        frame["wait_s" if per_wait else "queued_s"] = contacts["wait_s"].astype(float)
        return frame
    wait = nw.col("wait_s").cast(nw.Float64())
    counts = [nw.len().alias("contacts"), (~nw.col("answered")).cast(nw.Int64()).sum()]
    if per_wait:
        source, keys = source.with_columns(wait), [*groups, "wait_s"]
    else:
        counts.append(wait.sum().alias("queued_s"))
        keys = groups
    counted = source.group_by(*keys).agg(*counts) if keys else source.select(*counts)
    frame = as_pandas(counted.rename({"answered": "abandoned"}), [], "data")
    if not keys:  # one row, of nulls where an engine adds up no contact
        frame = frame.fillna(0)
    frame[["contacts", "abandoned"]] = frame[["contacts", "abandoned"]].astype(np.int64)
    return frame


def _check_finite_total(totals, groups) -> None:
    """The waits of a group must add up to a finite number of seconds: waits of 1e308 s sum to
    infinity, and an infinite patience is no estimate.

    >>> _check_finite_total(pd.DataFrame({"queue": ["a", "b"], "queued_s": [10.0, np.inf]}),
    ...                     ["queue"])
    Traceback (most recent call last):
    ...
    ValueError: Column 'wait_s' adds up beyond the float range (1.8e308 s) in 1 group(s):
    [{'queue': 'b'}]; such waits cannot be real seconds
    """
    bad = ~np.isfinite(totals["queued_s"].to_numpy(dtype=float))
    if bad.any():
        named = totals.loc[bad, groups].head(5).to_dict("records") if groups else "all contacts"
        raise ValueError(
            f"Column 'wait_s' adds up beyond the float range (1.8e308 s) in {int(bad.sum())} "
            f"group(s): {named}; such waits cannot be real seconds"
        )


@dataclass(frozen=True)
class PatienceCurve:
    """Kaplan-Meier estimate of caller patience (time to abandon).

    Attributes
    ----------
    survival : pandas.DataFrame
        ``*by, wait_s, at_risk, abandoned, survival``: one row per wait at which somebody
        abandoned; ``survival`` is the share of callers still willing to wait after ``wait_s``.
    restricted_mean : pandas.DataFrame
        ``*by, contacts, abandoned, horizon_s, restricted_mean_s``: mean patience capped at
        ``horizon_s`` (the area under the curve up to the horizon).
    """

    survival: pd.DataFrame
    restricted_mean: pd.DataFrame


def patience_kaplan_meier(data, *, by=None, horizon_s=None):
    """Survival curve of caller patience, answered contacts counted as censored.

    ``S(t) = prod over abandon times t_i <= t of (1 - d_i / n_i)``, with ``d_i`` abandons at
    ``t_i`` and ``n_i`` contacts still waiting at ``t_i`` (wait >= t_i). Restricted mean:
    ``integral of S(t) dt`` from 0 to the horizon.

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        Contacts with ``answered`` (booleans) and ``wait_s`` (seconds, at least 0), checked as
        :func:`kpikit.validate` checks them (:func:`checked_contacts`).
    by : str or list of str, default=None
        Grouping columns (for instance ``"queue"``).
    horizon_s : float > 0, default=None
        Upper limit of the restricted mean; None uses each group's longest wait (beyond it the
        curve is unknown). A longer horizon is refused for a group whose curve has not
        reached 0 by its longest wait (ValueError naming the groups).

    Returns
    -------
    PatienceCurve
        ``survival`` and ``restricted_mean`` frames.

    Notes
    -----
    Without the exponential assumption of :func:`patience_exponential`. Answered callers are
    censored at their wait (their patience was longer). When the last wait is an abandon the
    curve reaches 0; otherwise the restricted mean underestimates the unrestricted one. No
    contacts: without ``by``, one row with 0 contacts and a NaN mean (as
    :func:`patience_exponential` and :func:`kpikit.compute`); with ``by``, no row.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"answered": [False, True, False, True],
    ...                          "wait_s": [10.0, 20.0, 30.0, 40.0]})
    >>> curve = patience_kaplan_meier(contacts)
    >>> curve.survival[["wait_s", "at_risk", "survival"]]  # 1 - 1/4, then 0.75 * (1 - 1/2)
       wait_s  at_risk  survival
    0    10.0        4     0.750
    1    30.0        2     0.375
    >>> curve.restricted_mean["restricted_mean_s"].tolist()  # 10*1 + 20*.75 + 10*.375
    [28.75]
    """
    groups = column_names("by", by)
    _refuse_result_names(groups, KAPLAN_MEIER_COLUMNS, ("_leaving", "_area"))
    if horizon_s is not None:
        check_number("horizon_s", horizon_s, minimum=0, above_minimum=True)
    keys = groups or ["_all"]
    frame = _tallied(data, groups, per_wait=True).rename(columns={"contacts": "_leaving"})
    if not groups:
        frame["_all"] = 0
    table = frame.groupby([*keys, "wait_s"], dropna=False, observed=True).sum().reset_index()
    by_group = table.groupby(keys, dropna=False, observed=True, sort=False)
    table["at_risk"] = (
        by_group["_leaving"].transform("sum") - by_group["_leaving"].cumsum() + table["_leaving"]
    )
    table["survival"] = 1.0 - table["abandoned"] / table["at_risk"]
    table["survival"] = table.groupby(keys, dropna=False, observed=True, sort=False)[
        "survival"
    ].cumprod()

    # restricted mean: area under the step curve from 0 to the horizon
    longest = by_group["wait_s"].transform("max")
    horizon = longest if horizon_s is None else pd.Series(float(horizon_s), index=table.index)
    previous_survival = (
        table.groupby(keys, dropna=False, observed=True, sort=False)["survival"]
        .shift(1)
        .fillna(1.0)
    )
    previous_wait = by_group["wait_s"].shift(1).fillna(0.0)
    step = (table["wait_s"].clip(upper=horizon) - previous_wait.clip(upper=horizon)) * (
        previous_survival
    )
    table["_area"] = step
    last = table.groupby(keys, dropna=False, observed=True, sort=False).tail(1)
    _check_horizon(horizon_s, last, groups)
    tail_area = (horizon[last.index] - last["wait_s"]).clip(lower=0) * last["survival"]
    summary = table.groupby(keys, dropna=False, observed=True, sort=False).agg(
        contacts=("_leaving", "sum"), abandoned=("abandoned", "sum"), _area=("_area", "sum")
    )
    summary["horizon_s"] = horizon[last.index].to_numpy()
    summary["restricted_mean_s"] = summary["_area"] + tail_area.to_numpy()
    summary = summary.reset_index()
    if summary.empty and not groups:  # no contacts: one row with a null mean, as compute gives
        unknown = math.nan if horizon_s is None else float(horizon_s)
        summary = pd.DataFrame(
            {"contacts": [0], "abandoned": [0], "horizon_s": unknown, "restricted_mean_s": math.nan}
        )

    survival = table.loc[
        table["abandoned"] > 0, [*keys, "wait_s", "at_risk", "abandoned", "survival"]
    ]
    columns = [*groups, "contacts", "abandoned", "horizon_s", "restricted_mean_s"]
    return PatienceCurve(
        survival=survival.drop(columns=[] if groups else ["_all"]).reset_index(drop=True),
        restricted_mean=summary[columns],
    )


def _check_horizon(horizon_s, last, groups) -> None:
    """A horizon past a group's longest wait is refused while some of its callers are still
    waiting there: the curve beyond is unknown, and carrying its last value on to the horizon
    would make the mean up (``horizon_s=1e308`` gave a mean of 3.75e307 s).

    ``last`` holds each group's longest wait (``wait_s``) and the survival there.

    >>> last = pd.DataFrame({"queue": ["a", "b"], "wait_s": [40.0, 90.0], "survival": [0.375, 0]})
    >>> _check_horizon(600, last, ["queue"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'horizon_s' is 600 s, past the longest wait of 1 group(s) whose
    callers are not all gone by then, where the curve is unknown: [{'queue': 'a', 'wait_s':
    40.0}]; give a horizon of at most 40 s, or None for each group's longest wait
    """
    if horizon_s is None:
        return
    beyond = last[(last["wait_s"] < horizon_s) & (last["survival"] > 0)]
    if beyond.empty:
        return
    named = beyond[[*groups, "wait_s"]].head(5).to_dict("records")
    raise ValueError(
        f"Value of 'horizon_s' is {horizon_s:g} s, past the longest wait of {len(beyond)} "
        f"group(s) whose callers are not all gone by then, where the curve is unknown: {named}; "
        f"give a horizon of at most {beyond['wait_s'].min():g} s, or None for each group's "
        "longest wait"
    )
