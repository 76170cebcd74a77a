"""Replay a day of a contact log into a folder of drops, as an ACD would write it live."""

import time
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit.calibrate import contacts_frame

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


def live_events(contacts):
    """Two rows per contact: its arrival (outcome columns empty) and its outcome.

    Returns the rows with an ``event_at`` column (when the row is written: the arrival, or
    the arrival plus the wait), sorted by it.
    """
    arrival = contacts.copy()
    for column in OUTCOME_COLUMNS:
        if column in arrival.columns:
            arrival[column] = pd.Series(pd.NA, index=arrival.index, dtype="object")
    arrival["event_at"] = contacts["arrived_at"]
    outcome = contacts.copy()
    outcome["event_at"] = contacts["arrived_at"] + pd.to_timedelta(contacts["wait_s"], unit="s")
    events = pd.concat([arrival, outcome], ignore_index=True)
    return events.sort_values("event_at", kind="stable").reset_index(drop=True)


def replay(data, folder, *, day=None, speed=60.0, drop_every_s=2.0, start=None, sleep=time.sleep):
    """Write one day of contacts into ``folder`` as drops, in accelerated time.

    Each drop holds the events (arrivals, then outcomes when the wait ends) of the next
    ``drop_every_s * speed`` seconds of the day, and is written under a hidden name, then
    renamed, so that a :class:`~kpikit.monitor.LogFollower` never reads half a file.

    Parameters
    ----------
    data : Dataset or dataframe
        Contacts with ``contact_id, arrived_at, answered, wait_s``.
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
        Waits between drops (tests pass a no-op).

    Returns
    -------
    int
        Drops written.
    """
    contacts = contacts_frame(data, ["contact_id", "arrived_at", "answered", "wait_s"]).copy()
    contacts["arrived_at"] = pd.to_datetime(contacts["arrived_at"])
    if not speed > 0 or not drop_every_s > 0:
        raise ValueError(
            f"Values of 'speed' and 'drop_every_s' must be > 0, but received: {speed!r}, "
            f"{drop_every_s!r}"
        )
    days = contacts["arrived_at"].dt.normalize()
    chosen = days.max() if day is None else pd.Timestamp(day).normalize()
    today = contacts[days == chosen]
    if today.empty:
        raise ValueError(f"Value of 'day' has no contact in the log: {str(chosen.date())!r}")
    events = live_events(today)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    step = pd.Timedelta(seconds=speed * drop_every_s)
    clock = chosen + (pd.Timedelta(start + ":00") if start else step)
    moments = events["event_at"].to_numpy()
    written, begin = 0, 0
    while begin < len(events):
        end = int(np.searchsorted(moments, np.datetime64(clock), side="right"))
        if end > begin:
            hidden = folder / f".{written:06d}.csv"
            events.iloc[begin:end].drop(columns="event_at").to_csv(hidden, index=False)
            hidden.rename(folder / f"{written:06d}.csv")
            written += 1
            begin = end
        clock += step
        if begin < len(events):
            sleep(drop_every_s)
    return written
