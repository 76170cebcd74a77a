"""Replay a day of a contact log into a folder of drops, as an ACD would write it live."""

import atexit
import shutil
import tempfile
import threading
import time
from pathlib import Path

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from kpikit._check_runs import check_table
from kpikit._frames import as_datetimes, to_pandas
from kpikit._lazy_contacts import arrivals_zone, arrived_within, checked_lazy, lazy_frame
from kpikit._validators import check_number, check_time_of_day
from kpikit.calibrate import HANDLE_COLUMNS, contacts_frame
from kpikit.monitor._log import outcomes
from kpikit.monitor._plan import checked_day
from kpikit.periods import day_bounds
from kpikit.schema import KEY_COLUMNS, TABLES, Dataset, SchemaError

OUTCOME_COLUMNS = (
    "answered",
    "wait_s",
    "agent_id",
    "talk_s",
    "hold_s",
    "acw_s",
    "transferred",
    "resolved",
    "csat",
    "nps",
    "qa_score",
)
"""Columns a live log leaves empty until the contact is answered or abandoned."""

HANDLING_COLUMNS = OUTCOME_COLUMNS[3:]
"""Columns of an answered contact a live log leaves empty until its handling ends."""


def live_events(contacts):
    """Up to three rows per contact, each the whole contact as known when it is written: its
    arrival (outcome columns empty), its outcome when the wait ends (an answered contact's
    handling columns, ``talk_s`` to ``qa_score``, still empty: it is in talk) and, for an
    answered contact of a log with any of these columns, the row of its handling's end, at
    answer + ``talk_s + hold_s + acw_s`` (empty times as 0, negative ones as 0 so that the row
    never comes before the answer).

    Returns the rows with an ``event_at`` column (when the row is written), sorted by it.

    >>> day = pd.Timestamp("2024-03-04 09:00")
    >>> rows = live_events(pd.DataFrame({"contact_id": [1, 2], "arrived_at": [day, day],
    ...     "answered": [True, False], "wait_s": [10.0, 40.0], "talk_s": [200.0, None]}))
    >>> rows["contact_id"].tolist(), rows["event_at"].dt.strftime("%H:%M:%S").tolist()
    ([1, 2, 1, 2, 1], ['09:00:00', '09:00:00', '09:00:10', '09:00:40', '09:03:30'])
    >>> rows["answered"].notna().tolist(), rows["talk_s"].notna().tolist()
    ([False, False, True, True, True], [False, False, False, False, True])
    """
    arrival = contacts.copy()
    outcome = contacts.copy()
    for column in OUTCOME_COLUMNS:
        if column in arrival.columns:
            arrival[column] = pd.Series(pd.NA, index=arrival.index, dtype="object")
            outcome[column] = outcome[column].astype(object)  # one dtype on both sides
    handling = [column for column in HANDLING_COLUMNS if column in contacts]
    answered = np.zeros(len(contacts), dtype=bool)
    if handling and "answered" in contacts:
        answered = outcomes(contacts)[1] & contacts["wait_s"].notna().to_numpy()
    handled = outcome[answered].copy()
    outcome.loc[answered, handling] = pd.NA
    answer_at = contacts["arrived_at"] + pd.to_timedelta(contacts["wait_s"], unit="s")
    handle_s = contacts[[column for column in HANDLE_COLUMNS if column in contacts]]
    handle_s = handle_s.apply(pd.to_numeric, errors="coerce").clip(lower=0).sum(axis=1)
    arrival["event_at"] = contacts["arrived_at"]
    outcome["event_at"] = answer_at
    handled["event_at"] = (answer_at + pd.to_timedelta(handle_s, unit="s"))[answered]
    events = pd.concat([arrival, outcome, handled], ignore_index=True)
    return events.sort_values("event_at", kind="stable").reset_index(drop=True)


MAX_WAIT_S = 3600.0
"""Longest wait between two drops of a replay, seconds."""
_YEAR_S = 366 * 86_400


def _check_pace(speed, drop_every_s) -> None:
    """A drop every ``drop_every_s`` seconds (at most an hour) covers ``speed * drop_every_s``
    seconds of the log: at least one (a smaller step rounded to nothing and the clock never
    moved) and at most a year (a step pandas can hold; a day or more writes the day at once).

    >>> _check_pace(1e-9, 0.001)
    Traceback (most recent call last):
    ...
    ValueError: Values of 'speed' and 'drop_every_s' must make each drop cover from 1 s to a
    year of the log (speed * drop_every_s), but received: 1e-09 * 0.001 = 1e-12 s
    """
    check_number("speed", speed, minimum=0, above_minimum=True)
    check_number("drop_every_s", drop_every_s, minimum=0, above_minimum=True, maximum=MAX_WAIT_S)
    covered = speed * drop_every_s
    if not 1 <= covered <= _YEAR_S:
        raise ValueError(
            "Values of 'speed' and 'drop_every_s' must make each drop cover from 1 s to a year "
            f"of the log (speed * drop_every_s), but received: {speed!r} * {drop_every_s!r} = "
            f"{covered:g} s"
        )


def replay(data, folder, *, day=None, speed=60.0, drop_every_s=2.0, start=None, sleep=time.sleep):
    """Write one day of contacts into ``folder`` as drops, in accelerated time.

    Each drop holds the events (arrivals, outcomes when the wait ends, ends of handling:
    :func:`live_events`) of the next ``drop_every_s * speed`` seconds of the day, and is
    written under a hidden name, then renamed, so that a :class:`~kpikit.monitor.LogFollower`
    never reads half a file. Drops are numbered on from those already in ``folder``
    (:func:`next_drop_number`).

    Parameters
    ----------
    data : Dataset, dataframe or parquet files (a path, folder or glob)
        Contacts with ``contact_id, arrived_at, answered, wait_s``. A lazy source (parquet
        files, a DuckDB relation, a Spark or polars frame) gives pandas the day alone.
    folder : str or Path
        Created when missing.
    day : date-like, default=None
        The day to replay; None: the last day of the log.
    speed : float, default=60.0
        Seconds of the day per second of replay (60: an hour a minute).
    drop_every_s : float, default=2.0
        Real seconds between drops.
    start : str, default=None
        Time of day to start from (``"08:00"``); earlier events go in the first drop.
    sleep : callable, default=time.sleep
        Waits between drops: called with ``drop_every_s``; when it returns True the replay
        ends early (``threading.Event().wait`` makes a replay that another thread can stop;
        tests pass a no-op).

    Returns
    -------
    int
        Drops written.
    """
    if start is not None:  # "25:00" was read as 25 hours: every contact in the first drop
        check_time_of_day("start", start)
    _check_pace(speed, drop_every_s)
    chosen, today = _day_of(data, None if day is None else checked_day(day))
    if today.empty:
        raise ValueError(f"Value of 'day' has no contact in the log: {str(chosen.date())!r}")
    events = live_events(today)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    step = pd.Timedelta(seconds=speed * drop_every_s)
    clock = _start_clock(chosen, start) if start else chosen + step
    first = next_drop_number(folder)
    written, begin = 0, 0
    while begin < len(events):
        end = int(events["event_at"].searchsorted(clock, side="right"))
        if end > begin:
            name = f"{first + written:06d}.csv"
            hidden = folder / f".{name}"
            events.iloc[begin:end].drop(columns="event_at").to_csv(hidden, index=False)
            hidden.rename(folder / name)
            written += 1
            begin = end
        clock += step
        if begin < len(events) and sleep(drop_every_s) is True:
            break
    return written


def next_drop_number(folder: Path) -> int:
    """The number of a replay's first drop in ``folder``: one past the drops already there
    (``000041.csv``), so that a second replay into it writes new files, which a monitor
    following the folder reads; written over the first ones, they were never read again.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> next_drop_number(folder)
    0
    >>> _ = (folder / "000041.csv").write_text("")
    >>> next_drop_number(folder)
    42
    """
    numbers = [int(path.stem) for path in folder.glob("[0-9]*.csv") if path.stem.isdigit()]
    return max(numbers, default=-1) + 1


REPLAY_COLUMNS = ("contact_id", "arrived_at", "answered", "wait_s")
"""The contacts columns a replay needs (it writes every column the log has)."""


def _day_of(data, day):
    """The first instant of ``day`` (None: the log's last day) on the log's clock, and the
    contacts of that day as pandas.

    A lazy source (parquet files, a DuckDB relation, a Spark or polars frame) whose columns read
    pass their checks (:func:`kpikit._lazy_contacts.checked_lazy`) is filtered by its engine,
    so pandas gets one day of the log rather than all of it; anything else is read whole, and
    the day's rows checked there (:func:`_check_day_rows`).
    """
    source = lazy_frame(data.contacts if isinstance(data, Dataset) else data)
    if source is None or checked_lazy(source.to_native(), list(REPLAY_COLUMNS)) is None:
        contacts = contacts_frame(data, list(REPLAY_COLUMNS)).copy()
        contacts["arrived_at"] = as_datetimes(contacts["arrived_at"])
        days = contacts["arrived_at"].dt.normalize()
        # a day on the log's clock: its midnight in the log's zone, if it has one
        zone = contacts["arrived_at"].dt.tz
        chosen = days.max() if day is None else day_bounds(day, zone)[0]
        today = contacts[days == chosen]
        _check_day_rows(today)
        return chosen, today
    zone = arrivals_zone(source)
    if day is None:
        day = to_pandas(source.select(nw.col("arrived_at").max()))["arrived_at"].iloc[0]
        if pd.isna(day):  # no contact at all
            return day, to_pandas(source.head(0))
    start, end = day_bounds(day, zone)
    return start, to_pandas(arrived_within(source, start, end))


def _check_day_rows(today) -> None:
    """Refuse a day whose :data:`REPLAY_COLUMNS` break the schema (:data:`kpikit.schema.TABLES`),
    with the count and the first contact ids: a contact without a wait had its outcome row at
    no time (NaT), which no drop's clock ever reached, and the replay wrote empty drops forever;
    a contact id twice made two contacts one in the monitor.

    >>> _check_day_rows(pd.DataFrame({"contact_id": [1, 2], "answered": [True, False],
    ...     "arrived_at": pd.to_datetime(["2026-03-02 09:00"] * 2), "wait_s": [10.0, None]}))
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.wait_s: 1 row empty in a required column (first ids: 2)
    """
    specs = [spec for spec in TABLES["contacts"] if spec.name in REPLAY_COLUMNS]
    frame = nw.from_native(today[list(REPLAY_COLUMNS)], eager_only=True)
    problems, _ = check_table(frame, "contacts", specs, KEY_COLUMNS["contacts"])
    if problems:
        raise SchemaError(problems)


def _start_clock(day: pd.Timestamp, start: str) -> pd.Timestamp:
    """The moment ``start`` (``"08:00"``) of ``day`` (a midnight) on the wall clock of its zone:
    08:00 of a daylight-saving day is 7 or 9 hours after its midnight.

    >>> print(_start_clock(pd.Timestamp("2026-03-29", tz="Europe/Paris"), "08:00"))
    2026-03-29 08:00:00+02:00
    """
    wall = day.tz_localize(None) + pd.Timedelta(start + ":00")
    if day.tz is None:
        return wall
    return wall.tz_localize(day.tz, ambiguous=True, nonexistent="shift_forward")


class BackgroundReplay:
    """A :func:`replay` running in a thread, which can be stopped and cleans up after itself.

    The intraday dashboard uses it to show the monitor at work when no live log is configured.

    Parameters
    ----------
    data : Dataset or dataframe
        As for :func:`replay`.
    folder : str or Path, default=None
        Where the drops go; None: a new temporary folder, removed by :meth:`stop` (and at the
        latest when the Python process exits normally).
    day, speed, drop_every_s, start
        As for :func:`replay`.

    Attributes
    ----------
    folder : Path
    drops : int or None
        Drops written, once the replay has ended.
    error : Exception or None
        What ended the replay early, if anything did.

    Examples
    --------
    >>> import kpikit as kk
    >>> demo = BackgroundReplay(kk.load_sample(), start="09:00").start()
    >>> any(demo.folder.glob("*.csv"))  # start() returns once the first drop is written
    True
    >>> demo.stop()
    >>> demo.folder.exists(), demo.running
    (False, False)
    """

    def __init__(self, data, folder=None, *, day=None, speed=60.0, drop_every_s=2.0, start=None):
        self._owns_folder = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix="kpikit-replay-") if folder is None else folder)
        self.drops = None
        self.error = None
        self._stopping = threading.Event()
        self._first_drop = threading.Event()
        options = {"day": day, "speed": speed, "drop_every_s": drop_every_s, "start": start}
        self._thread = threading.Thread(
            target=self._run, args=(data, options), name="kpikit-replay", daemon=True
        )

    @property
    def running(self):
        """True while drops are still being written."""
        return self._thread.is_alive()

    def start(self, timeout_s=60.0):
        """Start the replay; return once its first drop is in the folder.

        Raises
        ------
        ValueError
            What :func:`replay` raised when it could not start (no contact on ``day``, ...).
        """
        atexit.register(self.stop)
        self._thread.start()
        self._first_drop.wait(timeout_s)
        if self.error is not None:
            self.stop()
            raise self.error
        return self

    def stop(self):
        """End the replay (after the drop being written, if any) and remove a temporary folder."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()
        if self._owns_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
        atexit.unregister(self.stop)

    def _sleep(self, seconds):
        if not self._first_drop.is_set() and any(self.folder.glob("[!.]*.csv")):
            self._first_drop.set()
        return self._stopping.wait(seconds)

    def _run(self, data, options):
        try:
            self.drops = replay(data, self.folder, sleep=self._sleep, **options)
        # A thread has no caller to raise to: start() raises what ended the replay early.
        except Exception as error:
            self.error = error
        finally:
            self._first_drop.set()
