"""Contact log -> complete interval series per group: contacts offered, answered, handle time.

Every interval between the first day of the log and ``until`` is present (an interval without
contacts has zero volume), so the models see the nights and the quiet days too.
"""

import numpy as np
import pandas as pd

from kpikit.calibrate import HANDLE_COLUMNS, contacts_frame

FREQS = {"15min": "15min", "30min": "30min", "hour": "1h", "day": "1D"}
"""Forecast intervals offered, as pandas offsets."""
SERIES_ID = "unique_id"


def step(freq):
    """The interval length of ``freq`` as a Timedelta, after checking ``freq``."""
    if freq not in FREQS:
        raise ValueError(
            f"Value of 'freq' is not a forecast interval. Expected one of {list(FREQS)} "
            f"but received: {freq!r}"
        )
    return pd.Timedelta(FREQS[freq])


def seasons(freq):
    """Intervals in a day and in a week for ``freq`` (a day has 1 interval at ``freq="day"``)."""
    per_day = int(pd.Timedelta("1D") / step(freq))
    return per_day, 7 * per_day


def groups(by):
    """``by`` as a list of column names."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def horizon_steps(horizon, freq):
    """Number of intervals in ``horizon`` (a Timedelta string such as ``"1D"``), at least one."""
    try:
        length = pd.Timedelta(horizon)
    except (TypeError, ValueError):
        raise ValueError(
            f"Value of 'horizon' must be a duration such as '1D' or '7D', but received: {horizon!r}"
        ) from None
    steps = int(np.ceil(length / step(freq)))
    if steps < 1:
        raise ValueError(f"Value of 'horizon' must be positive, but received: {horizon!r}")
    return steps


def arrivals(data, by):
    """Contacts with ``arrived_at`` (naive datetimes), ``answered``, handle seconds, ``*by``."""
    keys = groups(by)
    contacts = contacts_frame(data, ["arrived_at", "answered", *keys])
    arrived = pd.to_datetime(contacts["arrived_at"])
    if arrived.dt.tz is not None:
        arrived = arrived.dt.tz_localize(None)
    missing = arrived.isna()
    if missing.any():
        rows = list(contacts.index[missing][:5])
        raise ValueError(
            f"Column 'arrived_at' has {int(missing.sum())} empty value(s) (first rows: {rows}); "
            "every contact needs an arrival time to be counted in an interval"
        )
    answered = contacts["answered"].astype(bool).to_numpy()
    handle = np.zeros(len(contacts))
    for column in HANDLE_COLUMNS:
        if column in contacts.columns:
            handle += contacts[column].fillna(0.0).astype(float).to_numpy()
    frame = contacts[keys].reset_index(drop=True)
    frame["arrived_at"] = arrived.to_numpy()
    frame["answered"] = answered
    frame["handle_s"] = np.where(answered, handle, 0.0)
    return frame


def cutoff(contacts, until):
    """``until`` as a Timestamp (default: the last arrival), checked against the log."""
    if until is None:
        return contacts["arrived_at"].max()
    moment = pd.Timestamp(until)
    if moment.tzinfo is not None:
        moment = moment.tz_localize(None)
    if moment <= contacts["arrived_at"].min():
        raise ValueError(
            f"Value of 'until' leaves no contact to learn from: the log starts at "
            f"{contacts['arrived_at'].min()}, but received: {until!r}"
        )
    return moment


def interval_series(contacts, *, freq, by, until):
    """Counts per group and interval from the first day of the log up to ``until`` (excluded).

    Only contacts that arrived before ``until`` count; the last interval is the last one that
    ends at or before ``until`` (a partly observed interval is left for the forecast).

    Returns
    -------
    pandas.DataFrame
        ``unique_id, *by, ds, offered, answered, handle_s`` with every interval present.
    """
    keys = groups(by)
    length = step(freq)
    start = contacts["arrived_at"].min().normalize()
    end = until.floor(length) if length < pd.Timedelta("1D") else until.normalize()
    seen = contacts[contacts["arrived_at"] < end]
    slots = int((end - start) / length)
    if slots < 1:
        raise ValueError(
            f"Value of 'until' ({until}) leaves no complete {freq} interval to learn from "
            f"(the log starts on {start.date()})"
        )
    if keys:
        codes, labels = pd.MultiIndex.from_frame(contacts[keys]).factorize()
        codes = codes[(contacts["arrived_at"] < end).to_numpy()]
        names = pd.DataFrame(list(labels), columns=keys)
    else:
        codes = np.zeros(len(seen), dtype=np.int64)
        names = pd.DataFrame(index=[0])
    count = len(names)
    slot = ((seen["arrived_at"] - start) // length).to_numpy().astype(np.int64)
    cell = codes * slots + slot
    size = count * slots
    table = pd.DataFrame(
        {
            "offered": np.bincount(cell, minlength=size).astype(float),
            "answered": np.bincount(cell, seen["answered"].to_numpy(), minlength=size),
            "handle_s": np.bincount(cell, seen["handle_s"].to_numpy(), minlength=size),
        }
    )
    table["ds"] = np.tile(pd.date_range(start, periods=slots, freq=length), count)
    group_rows = np.repeat(np.arange(count), slots)
    for key in keys:
        table[key] = names[key].to_numpy()[group_rows]
    table[SERIES_ID] = series_ids(names, keys)[group_rows]
    return table[[SERIES_ID, *keys, "ds", "offered", "answered", "handle_s"]]


def series_ids(names, keys):
    """One string id per group (``"all"`` without grouping)."""
    if not keys:
        return np.array(["all"] * len(names), dtype=object)
    return names[keys].astype(str).agg(" | ".join, axis=1).to_numpy(dtype=object)


def special_dates(special_days):
    """``special_days`` as a dict of normalised Timestamp -> factor (None: learn it)."""
    if special_days is None:
        return {}
    items = (
        special_days.items()
        if isinstance(special_days, dict)
        else [(day, None) for day in special_days]
    )
    found = {}
    for day, factor in items:
        try:
            moment = pd.Timestamp(day).normalize()
        except (TypeError, ValueError):
            raise ValueError(
                f"Value of 'special_days' holds {day!r}, which is not a date"
            ) from None
        if factor is not None and not (np.isfinite(factor) and factor >= 0):
            raise ValueError(
                f"Value of 'special_days' gives day {day!r} the factor {factor!r}; a factor "
                "is a number >= 0 (0.2 means 20 % of a usual day's volume)"
            )
        found[moment] = None if factor is None else float(factor)
    return found
