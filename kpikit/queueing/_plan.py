"""From a forecast frame to staffing, and back: inputs, fractional agents, roster service."""

from statistics import NormalDist

import numpy as np
import pandas as pd

from kpikit._validators import check_number
from kpikit.periods import period_steps
from kpikit.queueing._erlang import _erlang_b
from kpikit.queueing._erlang_a import _flat_figures
from kpikit.queueing._inputs import (
    MAX_AGENTS,
    _array,
    _load,
    _patience,
    _seconds,
    _shrinkage,
    _threshold,
    one_length,
)

VOLUME_COLUMNS = ("volume", "forecast")
"""Columns a frame may hold its volume in (a :class:`kpikit.forecast.Forecast`'s intervals,
or :func:`kpikit.forecast.volume`'s table)."""
_BOUNDS = {"volume": ("volume_low", "volume_high"), "forecast": ("ci_low", "ci_high")}
_KEY_COLUMNS = ("interval_s", "aht_s", "aht_low", "aht_high")


def frame_inputs(frame, aht_s, interval_s, volume_quantile, level):
    """Volume, AHT, interval length and key columns from a forecast frame.

    With ``volume_quantile`` the volume is that quantile of a normal law on each side of the
    forecast, fitted to that side of the prediction interval: ``volume + z_q (high - volume) /
    z_level`` above the forecast, ``volume + z_q (volume - low) / z_level`` below. A forecast
    of 0 with an interval of 0 to 4 has its 97.5 % quantile at 4 (a 95 % interval's upper
    end); one normal law over the whole interval, centred on the forecast, put it at 2.

    >>> frame = pd.DataFrame({"volume": [0.0, 50.0], "volume_low": [0.0, 40.0],
    ...                       "volume_high": [4.0, 60.0]})
    >>> frame_inputs(frame, 180, 1800, 0.975, 95)[0].round(6).tolist()
    [4.0, 60.0]
    """
    if hasattr(frame, "intervals") and hasattr(frame, "level"):  # a Forecast
        frame, level = frame.intervals, frame.level
    column = next((name for name in VOLUME_COLUMNS if name in frame.columns), None)
    if column is None:
        raise ValueError(
            f"Value of 'volume' is a frame without a volume column; expected one of "
            f"{list(VOLUME_COLUMNS)}, found: {list(frame.columns)}"
        )
    volume = _array(column, frame[column])  # text in a column is refused, not read as numbers
    if volume_quantile is not None:
        quantile = check_number("volume_quantile", volume_quantile)  # text is no probability
        if not 0 < quantile < 1:
            raise ValueError(
                f"Value of 'volume_quantile' is a probability in (0, 1) (0.9 staffs for a "
                f"volume exceeded one time in ten), but received: {volume_quantile!r}"
            )
        low, high = _BOUNDS[column]
        missing = [name for name in (low, high) if name not in frame.columns]
        if missing:
            raise ValueError(
                f"Value of 'volume_quantile' needs the prediction interval columns {missing} "
                "in the frame"
            )
        level = check_number("level", level, minimum=0, maximum=100, above_minimum=True)
        if level == 100:  # a 100 % interval is infinitely wide: no normal law fits it
            raise ValueError(
                "Value of 'level' must be a coverage in percent below 100 (95 for a 95 % "
                "prediction interval), but received: 100"
            )
        z_level = NormalDist().inv_cdf(0.5 + level / 200)
        lows, highs = _array(low, frame[low]), _array(high, frame[high])
        crossed = highs < lows
        if crossed.any():
            raise ValueError(
                f"Value of 'volume' is a frame whose prediction interval is upside down: "
                f"{low!r} above {high!r} in {int(crossed.sum())} of {crossed.size} rows (first "
                f"positions: {', '.join(map(str, np.flatnonzero(crossed)[:5]))})"
            )
        z = NormalDist().inv_cdf(quantile)
        side = highs - volume if z >= 0 else volume - lows
        volume = np.maximum(volume + z * np.maximum(side, 0.0) / z_level, 0.0)
    if aht_s is None:
        if "aht_s" not in frame.columns:
            raise ValueError(
                "Value of 'aht_s' is needed: the frame has no 'aht_s' column (forecast AHT "
                "with kpikit.forecast.forecast or give aht_s)"
            )
        aht_s = _frame_aht(frame)
    if "interval_s" in frame.columns:
        interval_s = _array("interval_s", frame["interval_s"])
    elif interval_s is not None and np.ndim(interval_s) == 0 and "period" in frame.columns:
        _check_spacing(frame["period"], interval_s)
    skip = {column, *_BOUNDS[column], *_KEY_COLUMNS}
    keys = frame[[name for name in frame.columns if name not in skip]].reset_index(drop=True)
    return volume, aht_s, interval_s, keys


def _frame_aht(frame):
    """The frame's ``aht_s`` column, refused where it is empty: a forecast has no AHT for a
    group in which nothing was answered (:func:`kpikit.forecast.aht`), and "Value of 'aht_s'
    must be numbers" blamed an argument nobody gave, without naming the group.

    >>> frame = pd.DataFrame({"queue": ["q1", "q2"], "volume": [10.0, 1.0],
    ...                       "aht_s": [180.0, None]})
    >>> _frame_aht(frame)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: Value of 'volume' is a frame without AHT (column 'aht_s' empty) in 1 of 2 rows
    (first positions: 1; queue 'q2'): a forecast has none where nothing was answered before
    'until'; give aht_s, or fill the column
    """
    empty = frame["aht_s"].isna().to_numpy()
    if empty.any():
        rows = np.flatnonzero(empty)
        figures = {"period", *VOLUME_COLUMNS, *_BOUNDS["volume"], *_BOUNDS["forecast"]}
        keys = [name for name in frame.columns if name not in {*figures, *_KEY_COLUMNS}]
        groups = frame.iloc[rows][keys].drop_duplicates().head(5)
        named = "; ".join(
            ", ".join(f"{key} {value!r}" for key, value in zip(keys, group, strict=True))
            for group in groups.itertuples(index=False)
        )
        raise ValueError(
            f"Value of 'volume' is a frame without AHT (column 'aht_s' empty) in {rows.size} of "
            f"{empty.size} rows (first positions: {', '.join(map(str, rows[:5]))}"
            f"{'; ' + named if named else ''}): a forecast has none where nothing was answered "
            "before 'until'; give aht_s, or fill the column"
        )
    return _array("aht_s", frame["aht_s"])


def _check_spacing(periods, interval_s) -> None:
    """Refuse an interval length that is not the step between a frame's periods: with the
    default of 1800 s, an hourly forecast (:func:`kpikit.forecast.volume` gives no
    ``interval_s``) was staffed as half hours, twice the traffic per agent (21 agents for
    12).

    >>> hours = pd.Series(pd.date_range("2026-03-02 09:00", periods=3, freq="h"))
    >>> _check_spacing(hours, 1800)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'interval_s' is 1800 s but the frame's periods are 3600 s apart (the
    smallest step between consecutive starts): give interval_s=3600, or an 'interval_s' column
    """
    steps = period_steps(periods)
    length = check_number("interval_s", interval_s)
    if steps is not None and not np.isclose(length, steps, rtol=1e-9, atol=0).any():
        raise ValueError(
            f"Value of 'interval_s' is {length:g} s but the frame's periods are {steps[0]:g} s "
            f"apart (the smallest step between consecutive starts): give "
            f"interval_s={steps[0]:g}, or an 'interval_s' column"
        )


def fractional_agents(load, aht_s, threshold_s, patience_s, raw, blocking, criteria):
    """Agents as a real number: ``n - 1 + t``, where the figure crosses its target at ``t``.

    Each target's figure is interpolated linearly between ``n - 1`` and ``n`` agents (``n``
    the whole answer); the binding target gives the largest ``t`` (one met at ``n - 1``
    gives 0). Where ``n - 1`` cannot be evaluated (no agent left, or an unstable queue without
    patience), ``t`` is at least ``A - (n - 1)`` so the fractional count never falls below the
    traffic ``A``.
    """
    fraction = raw.astype(float)
    busy = raw >= 1
    below = raw[busy] - 1.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        previous = np.where(
            below > 0,
            raw[busy] * blocking[busy] / (load[busy] * (1.0 - blocking[busy])),
            1.0,
        )
        previous = np.where(np.isfinite(previous), previous, _erlang_b(load[busy], below))
        lower = _flat_figures(
            load[busy], aht_s[busy], below, threshold_s[busy], patience_s[busy], previous
        )
        upper = _flat_figures(
            load[busy],
            aht_s[busy],
            raw[busy].astype(float),
            threshold_s[busy],
            patience_s[busy],
            blocking[busy],
        )
        step = np.zeros(below.shape)
        for key, sign, target in criteria:
            t = (target - lower[key]) / (upper[key] - lower[key])
            t = np.where(np.isfinite(t), np.clip(t, 0.0, 1.0), 1.0)
            # a target met at n - 1 already does not bind, even where its figure stays put
            # from n - 1 to n (abandonment 0 % on both sides) and the ratio above is 0 / 0
            step = np.maximum(step, np.where(sign * lower[key] >= sign * target, 0.0, t))
    floor = np.where(np.isfinite(patience_s[busy]), 0.0, load[busy] - below)
    fraction[busy] = below + np.maximum(step, np.clip(floor, 0.0, 1.0))
    return fraction


def series_index(volume, rows):
    """The index of ``volume`` when it is a pandas Series, for a result of ``rows`` intervals
    (None for other volumes). A Series of one value broadcast beside per-interval arrays has
    one label for several intervals: refused, where pandas said "Length of values (3) does not
    match length of index (1)".

    >>> series_index(pd.Series([10.0, 20.0], index=["a", "b"]), 2).tolist()
    ['a', 'b']
    >>> series_index(pd.Series([10.0], index=["a"]), 3)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: Value of 'volume' is a Series of 1 value, whose index labels the result, but
    the other inputs give 3 intervals: give volume one value per interval, or a plain number
    """
    if not isinstance(volume, pd.Series):
        return None
    if len(volume) != rows:
        raise ValueError(
            f"Value of 'volume' is a Series of {len(volume)} value{'s' * (len(volume) != 1)}, "
            f"whose index labels the result, but the other inputs give {rows} intervals: give "
            "volume one value per interval, or a plain number"
        )
    return volume.index


def given_inputs(volume, aht_s, interval_s, volume_quantile, level):
    """Volume, AHT, interval length and key columns (None) of plain volumes or a forecast frame
    (:func:`frame_inputs`); plain volumes need ``aht_s`` and take no ``volume_quantile``."""
    if isinstance(volume, pd.DataFrame) or hasattr(volume, "intervals"):
        return frame_inputs(volume, aht_s, interval_s, volume_quantile, level)
    if volume_quantile is not None:
        raise ValueError(
            "Value of 'volume_quantile' needs a forecast frame with a prediction interval "
            "(kpikit.forecast.forecast(...).intervals), but received plain volumes"
        )
    if aht_s is None:
        raise ValueError("Value of 'aht_s' is needed with plain volumes (seconds per contact)")
    return volume, aht_s, interval_s, None


@one_length
def service_for_roster(
    volume,
    aht_s=None,
    interval_s=1800,
    *,
    scheduled_agents,
    shrinkage=0.0,
    threshold_s=None,
    patience_s=None,
    volume_quantile=None,
    level=95,
):
    """The reverse question: service each interval gets from a given roster.

    Agents on the phones are ``scheduled (1 - shrinkage)``, a real number; figures are
    interpolated linearly between the whole counts on either side (the upper count's figure
    where the lower count cannot keep up and has none). An interval whose traffic
    ``A`` reaches the agents on the phones, with nobody hanging up (Erlang C), is
    *overloaded*: its queue grows through the interval. There, instead of an infinite wait,
    it reports the fluid picture: ``backlog = volume - agents interval / AHT`` contacts left
    waiting at the end of the interval, a service level of 0, and ``asa`` the average wait
    of a queue growing linearly from empty, ``(A - n) interval / (2 n)`` (``inf`` with no
    agent at all), but never less than the ASA of the fewest whole agents that keep up,
    ``floor(A) + 1``: near ``n = A`` the fluid wait falls to 0, yet chance alone makes a
    queue there, and fewer agents never wait less.

    Parameters
    ----------
    volume : float, array-like or DataFrame
        Contacts per interval, or a forecast frame (as :func:`agents_required`).
    aht_s : float or array-like, default=None
        Average handle time, seconds, at least 0.001 (needed unless the frame has ``aht_s``).
    interval_s : float or array-like, default=1800
        Length of an interval, seconds, at least 0.001.
    scheduled_agents : float or array-like
        Agents rostered per interval, 0 to 100,000.
    shrinkage : float or array-like, default=0.0
        Fraction of rostered time away from the phones, in [0, 1); per interval or for all.
    threshold_s, patience_s, volume_quantile, level
        As in :func:`agents_required`.

    Returns
    -------
    pandas.DataFrame
        One row per interval (a Series volume's index kept, as :func:`agents_required` keeps
        it). Key columns of a frame, then ``volume, aht_s, traffic, scheduled_agents, agents``
        (on the phones), ``service_level, asa, occupancy, abandonment_rate`` (with patience),
        ``overloaded, backlog``.

    Examples
    --------
    >>> service_for_roster([100, 100], 180, scheduled_agents=[20, 12],
    ...                    shrinkage=0.3)[["agents", "service_level", "overloaded"]]
       agents  service_level  overloaded
    0    14.0      88.835002       False
    1     8.4       0.000000        True
    """
    given = volume
    volume, aht_s, interval_s, keys = given_inputs(
        volume, aht_s, interval_s, volume_quantile, level
    )
    volume = _array("volume", volume, minimum=0)
    aht_s = _seconds("aht_s", aht_s)
    interval_s = _seconds("interval_s", interval_s)
    _load(volume, aht_s, interval_s)
    threshold_s = _array("threshold_s", _threshold(threshold_s), minimum=0)
    scheduled = _array("scheduled_agents", scheduled_agents, minimum=0, maximum=MAX_AGENTS)
    shrinkage = _shrinkage("shrinkage", shrinkage)
    patience = _patience(patience_s)
    arrays = np.broadcast_arrays(
        volume, aht_s, interval_s, threshold_s, scheduled, shrinkage, patience
    )
    volume, aht_s, interval_s, threshold_s, scheduled, shrinkage, patience = (
        np.atleast_1d(array).astype(float).ravel() for array in arrays
    )
    load = volume * aht_s / interval_s
    agents = scheduled * (1.0 - shrinkage)
    low, high = np.floor(agents), np.ceil(agents)
    weight = agents - low
    figures = [
        _flat_figures(load, aht_s, count, threshold_s, patience, _erlang_b(load, count))
        for count in (low, high)
    ]
    frame = pd.DataFrame(
        {
            "volume": volume,
            "aht_s": aht_s,
            "traffic": load,
            "scheduled_agents": scheduled,
            "agents": agents,
        },
        index=series_index(given, volume.size),
    )
    columns = ["service_level", "asa", "occupancy"]
    if np.isfinite(patience).any():
        columns.append("abandonment_rate")
    with np.errstate(invalid="ignore"):
        for column in columns:
            lower, upper = figures[0][column], figures[1][column]
            blend = np.where(weight > 0, (1 - weight) * lower + weight * upper, lower)
            frame[column] = np.where(np.isfinite(lower), blend, upper)
    overloaded = (load >= agents) & ~np.isfinite(patience) & (load > 0)
    # no agent at all waits forever, and next to none (1e-308) longer than a float holds: inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fluid_wait = (load - agents) * interval_s / (2 * agents)
    if overloaded.any():  # fewer agents never wait less than the fewest whole ones keeping up
        stable = np.floor(load) + 1
        kept_up = _flat_figures(
            load, aht_s, stable, threshold_s, patience, _erlang_b(load, stable)
        )["asa"]
        fluid_wait = np.fmax(fluid_wait, kept_up)
    frame["service_level"] = np.where(overloaded, 0.0, frame["service_level"])
    frame["asa"] = np.where(overloaded, fluid_wait, frame["asa"])
    frame["occupancy"] = np.where(overloaded & (agents > 0), 100.0, frame["occupancy"])
    frame["overloaded"] = overloaded
    frame["backlog"] = np.maximum(volume - agents * interval_s / aht_s, 0.0) * overloaded
    if keys is not None:
        frame = pd.concat([keys, frame], axis=1)
    return frame
