"""The live log's rows checked and read: arrival times, outcomes and waits, and the ``now`` the
monitor describes (:class:`~kpikit.monitor.IntradayMonitor`)."""

import warnings

import numpy as np
import pandas as pd

from kpikit._validators import check_timestamp
from kpikit.calibrate import HANDLE_COLUMNS
from kpikit.io._values import guess_dates

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")
_SHOWN = 5
"""Contact ids quoted in a message about bad rows."""


def parsed_arrivals(raw, tz=None, latest_repeated=None):
    """``arrived_at`` as datetimes, with masks of the rows read at a wall time ``tz``
    repeats and of those at a wall time it skips; text that is no date becomes NaT (reported
    by :func:`check_rows`, never dropped).

    A log written across a daylight-saving change carries two UTC offsets (``+01:00`` and
    ``+02:00`` in Paris): it needs ``tz``, the zone its days are counted in. With ``tz``,
    times with an offset are converted to it and naive times read as its wall-clock times: a
    time the change skips becomes NaT, a time it repeats is resolved by :func:`_localized`,
    after ``latest_repeated`` (the latest repeated wall time of the rows read before, naive).

    >>> times, repeated, skipped = parsed_arrivals(
    ...     pd.Series(["2026-03-29 01:50+01:00", "2026-03-29 03:10+02:00"]), "Europe/Paris")
    >>> times.dt.hour.tolist(), repeated.tolist()
    ([1, 3], [False, False])
    >>> parsed_arrivals(pd.Series(["2026-03-29 02:30", "2026-03-29 03:10"]), "Europe/Paris")[2]
    array([ True, False])
    >>> parsed_arrivals(pd.Series(["2026-03-29 01:50+01:00", "2026-03-29 03:10+02:00"]))
    Traceback (most recent call last):
    ...
    ValueError: Column 'arrived_at' of the live log mixes UTC offsets (a daylight-saving change?):
    give the monitor the zone of its days, for example tz='Europe/Paris'
    """
    guess = guess_dates(raw) if raw.dtype == object or pd.api.types.is_string_dtype(raw) else None
    form = None if guess is None or guess.ambiguous else guess.format  # ISO8601: T or space,
    try:  # seconds or milliseconds row by row (a format guessed from the first row left NaT)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pandas 2's notice: mixed offsets
            parsed = pd.to_datetime(raw, errors="coerce", format=form)
    except ValueError:  # pandas 3 refuses mixed offsets, where pandas 2 gives objects
        parsed = None
    if parsed is None or not pd.api.types.is_datetime64_any_dtype(parsed):
        if tz is None:
            raise ValueError(
                "Column 'arrived_at' of the live log mixes UTC offsets (a daylight-saving "
                "change?): give the monitor the zone of its days, for example tz='Europe/Paris'"
            )
        parsed = pd.to_datetime(raw, errors="coerce", utc=True, format=form)
        # read as UTC there, a time without an offset beside one with an offset was an hour
        # or more off its wall time in tz: its wall time is its UTC reading without the zone
        naive = _without_offset(raw) & parsed.notna().to_numpy()
        if naive.any():
            wall = parsed.dt.tz_localize(None)[naive]
            local, repeated_wall = _localized(wall, tz, latest_repeated)
            times = parsed.dt.tz_convert(tz).where(~naive, local)
            repeated = np.zeros(len(parsed), dtype=bool)
            repeated[naive] = repeated_wall
            return times, repeated, (times.isna() & parsed.notna()).to_numpy()
    none = np.zeros(len(parsed), dtype=bool)
    if tz is None:
        return parsed, none, none
    if parsed.dt.tz is None:
        local, repeated = _localized(parsed, tz, latest_repeated)
        return local, repeated, (local.isna() & parsed.notna()).to_numpy()
    return parsed.dt.tz_convert(tz), none, none


def _without_offset(raw) -> np.ndarray:
    """Which rows of ``raw`` (texts or times) are a time without a UTC offset; False for an
    empty row or one that is no time. Each distinct value is read once.

    >>> _without_offset(pd.Series(["2026-03-02 09:00", "2026-03-02 09:05+01:00", None, "x"]))
    array([ True, False, False, False])
    """

    def naive(value):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "parsing dates in ... format" notices
                return pd.Timestamp(value).tzinfo is None
        except (TypeError, ValueError):
            return False

    codes, distinct = pd.factorize(raw, use_na_sentinel=True)
    flags = np.array([naive(value) for value in distinct] + [False], dtype=bool)
    return flags[codes]  # code -1 (an empty row) takes the False at the end


def ambiguous_dates(raw) -> bool:
    """Whether the ``arrived_at`` texts of ``raw`` read in more than one order as other dates
    (``02/03/2026``: 2 March or 3 February, which pandas reads month first;
    :func:`kpikit.io._values.guess_dates`); False when the texts decide, or are no such dates.
    A live log of one day early in a month decides nothing: a log written day first was a
    month off without a word.

    >>> ambiguous_dates(pd.Series(["02/03/2026 09:00", "02/03/2026 09:05"]))
    True
    >>> ambiguous_dates(pd.Series(["02/03/2026 09:00", "13/03/2026 09:05"]))
    False
    """
    text = raw.dtype == object or pd.api.types.is_string_dtype(raw)
    guess = guess_dates(raw) if text else None
    return guess is not None and guess.ambiguous


def _localized(times, tz, latest_repeated=None):
    """Naive wall times of ``tz`` localized, with the mask of those the daylight-saving change
    repeats (the hour of the change of autumn happens twice). A repeated time is read as its
    first occurrence (summer time) unless the rows' order decides: a repeated time earlier than
    a repeated time on a row before it, or than ``latest_repeated`` (the rows of earlier reads
    of the log), is the second occurrence (the clock went back between them). A time the change
    skips becomes NaT.

    >>> times = pd.Series(pd.to_datetime(["2024-10-27 02:50", "2024-10-27 02:10",
    ...                                   "2024-10-27 02:30", "2024-10-27 09:00"]))
    >>> local, repeated = _localized(times, "Europe/Paris")
    >>> [stamp.strftime("%H:%M%z") for stamp in local], repeated.tolist()
    (['02:50+0200', '02:10+0100', '02:30+0100', '09:00+0100'], [True, True, True, False])
    >>> later = pd.Series(pd.to_datetime(["2024-10-27 02:05"]))  # a drop after 02:50's
    >>> _localized(later, "Europe/Paris", pd.Timestamp("2024-10-27 02:50"))[0][0].strftime("%z")
    '+0100'
    """
    summer = times.dt.tz_localize(tz, ambiguous=np.ones(len(times), bool), nonexistent="NaT")
    plain = times.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    repeated = (plain.isna() & summer.notna()).to_numpy()
    walls = times.where(repeated)
    before = walls.cummax().ffill().shift()  # the latest repeated time on the rows before
    if latest_repeated is not None:
        before = before.fillna(latest_repeated).clip(lower=latest_repeated)
    second = repeated & (walls < before).to_numpy()
    return times.dt.tz_localize(tz, ambiguous=~second, nonexistent="NaT"), repeated


def blanks_as_empty(rows):
    """``rows`` with blank text (``""``, spaces) in ``contact_id``, ``answered``, ``wait_s``,
    ``talk_s``, ``hold_s`` and ``acw_s`` read as an empty cell, as a CSV reader reads an empty
    field: a Parquet drop written with ``""`` for a contact still waiting (or in talk) was
    refused at every refresh as neither true nor false (or as a time given but no number), and
    calls written with ``""`` for their id were one contact named ``""``.

    >>> blanks_as_empty(pd.DataFrame({"answered": ["true", "", " "]}))["answered"].tolist()
    ['true', nan, nan]
    """
    for column in ("contact_id", "answered", "wait_s", *HANDLE_COLUMNS):
        if column not in rows:
            continue
        values = rows[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            # each distinct value looked at once, as the monitor reads a whole day's rows
            codes, distinct = pd.factorize(values, use_na_sentinel=True)
            blank = [isinstance(value, str) and not value.strip() for value in distinct]
            blanks = np.array([*blank, False], dtype=bool)[codes]  # -1 (empty): False
            if blanks.any():
                rows[column] = values.mask(blanks)
    return rows


def outcomes(contacts):
    """``(finished, answered)`` per row: the ``answered`` cell read as True or False (CSV
    gives text), NA while the contact waits. Any other value is refused by
    :func:`check_rows`.

    >>> finished, answered = outcomes(pd.DataFrame({"answered": ["True", None, "no"]}))
    >>> finished.tolist(), answered.tolist()
    ([True, False, True], [True, False, False])
    """
    finished = contacts["answered"].notna().to_numpy()
    return finished, _readings(contacts["answered"]) == True  # noqa: E712 (None is neither)


def in_handling(rows):
    """The rows that answer a contact but give none of the log's ``talk_s``, ``hold_s``,
    ``acw_s``: the outcome row of a log that writes the end of the handling as a row of its
    own (:func:`~kpikit.monitor.live_events`), the contact still in talk. False throughout for a
    log without these columns.

    >>> in_handling(pd.DataFrame({"answered": ["true", "true", "false", None],
    ...                           "talk_s": [None, 200.0, None, None]})).tolist()
    [True, False, False, False]
    """
    columns = [column for column in HANDLE_COLUMNS if column in rows]
    if not columns:
        return np.zeros(len(rows), dtype=bool)
    return outcomes(rows)[1] & rows[columns].isna().all(axis=1).to_numpy()


def _readings(answered) -> np.ndarray:
    """Each ``answered`` cell read by :func:`_truth`: an object array of True, False and None
    (empty or neither). Each distinct value is read once, as the monitor reads a whole day's
    rows at every refresh.

    >>> _readings(pd.Series(["True", None, "no", 1, " YES ", "maybe"])).tolist()
    [True, None, False, True, True, None]
    """
    codes, distinct = pd.factorize(answered, use_na_sentinel=True)
    truths = np.array([_truth(value) for value in distinct] + [None], dtype=object)
    return truths[codes]  # code -1 (an empty cell) takes the None at the end


def _truth(value):
    """One ``answered`` cell: True, False, or None when it is neither."""
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in _TRUE else False if text in _FALSE else None
    if isinstance(value, bool | np.bool_) or value in (0, 1):
        return bool(value)
    return None


def check_rows(contacts):
    """Refuse rows the day cannot be computed from, naming the column, the count and the
    first contact ids: an ``arrived_at`` that is empty or no date, an ``answered`` that is not
    true or false, a finished contact whose ``wait_s`` is missing, negative or infinite, and a
    ``talk_s``, ``hold_s`` or ``acw_s`` (of the log's columns) that is given but is no number,
    negative or infinite. Empty handle times are kept (a contact not answered has none); a
    negative one counted, and talk -100 s beside 200 s made the day's AHT 50 s.

    >>> check_rows(pd.DataFrame({"contact_id": [1, 2], "arrived_at": pd.to_datetime(
    ...     ["2026-03-02 09:00", "2026-03-02 09:05"]), "answered": [True, True],
    ...     "wait_s": [10.0, -5.0]}))
    Traceback (most recent call last):
    ...
    ValueError: Column 'wait_s' of the live log must be a number of seconds >= 0 for a contact
    answered or abandoned, but 1 row(s) are not (contact_id 2)
    """
    ids = contacts["contact_id"]
    _check_ids(contacts)
    finished = contacts["answered"].notna()
    truth = pd.Series(_readings(contacts["answered"]), index=contacts.index)
    wait = pd.to_numeric(contacts["wait_s"], errors="coerce").to_numpy(dtype=float)
    problems = [
        ("arrived_at", "a date and time", contacts["arrived_at"].isna().to_numpy()),
        (
            "answered",
            "true or false (or empty while waiting)",
            (finished & truth.isna()).to_numpy(),
        ),
        (
            "wait_s",
            "a number of seconds >= 0 for a contact answered or abandoned",
            finished.to_numpy() & ~(np.isfinite(wait) & (wait >= 0)),
        ),
    ]
    for column in (column for column in HANDLE_COLUMNS if column in contacts):
        given = contacts[column].notna().to_numpy()
        seconds = pd.to_numeric(contacts[column], errors="coerce").to_numpy(dtype=float)
        problems.append(
            (
                column,
                "a number of seconds >= 0 (or empty)",
                given & ~(np.isfinite(seconds) & (seconds >= 0)),
            )
        )
    for column, expected, bad in problems:
        if bad.any():
            shown = ", ".join(str(value) for value in ids[bad].head(_SHOWN))
            more = ", ..." if bad.sum() > _SHOWN else ""
            raise ValueError(
                f"Column {column!r} of the live log must be {expected}, but {int(bad.sum())} "
                f"row(s) are not (contact_id {shown}{more})"
            )


def _check_ids(contacts):
    """Refuse rows without a ``contact_id``: a contact's rows (its arrival, its outcome) are
    matched by it, so such a row counts as no contact; named by their arrival times.

    >>> _check_ids(pd.DataFrame({"contact_id": ["c1", None, None], "arrived_at": pd.to_datetime(
    ...     ["2026-03-02 09:00", "2026-03-02 09:05", "2026-03-02 09:07"])}))
    Traceback (most recent call last):
    ...
    ValueError: Column 'contact_id' of the live log must name the contact on every row (its
    arrival and outcome rows are matched by it), but 2 row(s) have none (arrived_at 2026-03-02
    09:05:00, 2026-03-02 09:07:00); mend the log and make a new monitor, which reads it again
    """
    missing = contacts["contact_id"].isna().to_numpy()
    if missing.any():
        times = contacts.loc[missing, "arrived_at"]
        shown = ", ".join(str(value) for value in times.head(_SHOWN))
        more = ", ..." if missing.sum() > _SHOWN else ""
        raise ValueError(
            "Column 'contact_id' of the live log must name the contact on every row (its "
            f"arrival and outcome rows are matched by it), but {int(missing.sum())} row(s) have "
            f"none (arrived_at {shown}{more}); mend the log and make a new monitor, which reads "
            "it again"
        )


def checked_now(now, zone):
    """``now`` as a Timestamp on the log's clock: in its zone ``zone``, or naive without one.

    >>> checked_now("2026-03-02 10:00", "Europe/Paris")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'now' must carry a time zone, as the live log's arrivals do
    (Europe/Paris), but received: '2026-03-02 10:00'
    """
    stamp = check_timestamp("now", now)
    if (stamp.tzinfo is None) == (zone is None):
        return stamp if zone is None else stamp.tz_convert(zone)
    if zone is None:
        raise ValueError(
            f"Value of 'now' must be a time without a zone, as the live log's arrivals are, "
            f"but received: {now!r}"
        )
    raise ValueError(
        f"Value of 'now' must carry a time zone, as the live log's arrivals do ({zone}), but "
        f"received: {now!r}"
    )
