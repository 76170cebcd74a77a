"""Scenarios calibrated from data: a typical week of a contact log, or a forecast.

Both give a :class:`kpikit.whatif.Scenario` to evaluate and compare: from history
(:func:`scenario_from_data`, volume and AHT by weekday and interval, patience, shrinkage, cost
and the measured CSAT, FCR and ASA) or from a forecast (:func:`scenario_from_forecast`, the
forecast volume and AHT of each interval ahead).
"""

import math

import pandas as pd

from kpikit import calibrate
from kpikit.options import sl_threshold_for
from kpikit.whatif._scenario import Scenario

__all__ = ["scenario_from_data", "scenario_from_forecast"]


def scenario_from_data(
    data,
    *,
    interval="30min",
    channel="phone",
    queue=None,
    target_sl=80.0,
    threshold_s=None,
    shrinkage=None,
    cost_per_agent_hour=None,
    name="baseline",
):
    """A typical week of the data as a scenario: volume and AHT per weekday and interval.

    Calibrated from the contacts (:func:`kpikit.calibrate.arrival_profile`): mean contacts and
    AHT for each interval of each weekday (intervals without an answered contact take the
    overall AHT), mean patience (:func:`kpikit.calibrate.patience_exponential`) when callers
    abandon, and the measured CSAT, FCR and ASA (:func:`kpikit.compute`) as the starting point of
    the projections. With agent intervals, shrinkage is ``1 - (handling + available) / paid``;
    with costs too, the cost of an agent hour is ``cost / paid hours`` (fully loaded).

    Parameters
    ----------
    data : Dataset or dataframe
        Contacts with ``arrived_at, answered, wait_s`` and ``talk_s``.
    interval : {"15min", "30min", "hour"}, default="30min"
    channel : str, default="phone"
        Keep contacts of this channel (when there is a ``channel`` column); None keeps all.
        The queueing models suit real-time channels (phone, chat), not email.
    queue : str, default=None
        Keep contacts of this queue (``queue`` column); None keeps all.
    target_sl : float, default=80.0
        Service-level target the week is staffed to, percent.
    threshold_s : float, default=None
        Answer-time threshold of that target, seconds; None: the threshold of ``channel``
        in ``kk.options`` (:func:`kpikit.options.sl_threshold_for`: phone 20 s unless
        changed).
    shrinkage : float, default=None
        None calibrates it from agent intervals (0 without them).
    cost_per_agent_hour : float, default=None
        None calibrates it from costs and agent intervals (NaN without them).
    name : str, default="baseline"

    Returns
    -------
    Scenario
        One interval per weekday and interval of the day that the log covers, labelled
        ``"Mon 09:00"``.
    """
    contacts = calibrate.contacts_frame(data, ["arrived_at", "answered", "wait_s", "talk_s"])
    for column, value in (("channel", channel), ("queue", queue)):
        if value is None:
            continue
        if column not in contacts.columns:
            _check_missing_column(column, value)
        else:
            kept = (contacts[column] == value).fillna(False).astype(bool)  # vectorised
            if not kept.any():
                raise ValueError(
                    f"Value of {column!r} is not in the data. Expected one of "
                    f"{sorted(contacts[column].dropna().unique(), key=str)} but received: "
                    f"{value!r}"
                )
            contacts = contacts[kept]
    profile = calibrate.arrival_profile(contacts, interval=interval)
    answered = contacts["answered"].astype(bool)
    handle = sum(
        contacts[column].fillna(0.0)[answered].sum()
        for column in calibrate.HANDLE_COLUMNS
        if column in contacts.columns
    )
    overall_aht = handle / answered.sum() if answered.sum() else math.nan
    if not math.isfinite(overall_aht) or overall_aht <= 0:
        raise ValueError(
            "Value of 'data' has no answered contact with a handle time, so AHT cannot be "
            f"calibrated (answered: {int(answered.sum())})"
        )
    patience = calibrate.patience_exponential(contacts)["patience_s"].iloc[0]

    from kpikit.metrics import compute  # the engine imports nothing from here; kept lazy

    try:  # only the three KPIs the projections start from (every KPI costs 3x as long)
        measured = compute(contacts, kpis=["asa", "csat", "fcr"])
    except ValueError:  # a column is missing: every KPI the data allows, as they come
        measured = compute(contacts)
    measured = measured.set_index("kpi")["value"]
    shrinkage_found, cost_found = _workforce_rates(data)
    return Scenario(
        volume=profile["volume"].to_numpy(),
        aht_s=profile["aht_s"].fillna(overall_aht).to_numpy(),
        interval_s=float(profile["interval_s"].iloc[0]),
        target_sl=target_sl,
        threshold_s=sl_threshold_for(channel) if threshold_s is None else threshold_s,
        patience_s=float(patience) if math.isfinite(patience) else None,
        shrinkage=shrinkage_found if shrinkage is None else shrinkage,
        cost_per_agent_hour=cost_found if cost_per_agent_hour is None else cost_per_agent_hour,
        csat=_measured(measured, "csat"),
        fcr=_measured(measured, "fcr"),
        reference_asa_s=_measured(measured, "asa"),
        labels=(profile["weekday_name"] + " " + profile["interval_start"]).tolist(),
        name=name,
    )


def _measured(values, kpi):
    value = values.get(kpi, math.nan)
    return float(value) if pd.notna(value) else None


def _workforce_rates(data):
    """Shrinkage and cost per paid agent hour from agent intervals and costs, when present."""
    agent_intervals = getattr(data, "agent_intervals", None)
    if agent_intervals is None:
        return 0.0, math.nan
    time = calibrate.as_pandas(agent_intervals, [], "agent_intervals")
    needed = {"paid_s", "handling_s", "available_s"}
    if not needed <= set(time.columns) or time["paid_s"].sum() <= 0:
        return 0.0, math.nan
    paid_s = time["paid_s"].sum()
    shrinkage = 1 - (time["handling_s"].sum() + time["available_s"].sum()) / paid_s
    costs = getattr(data, "costs", None)
    if costs is None:
        return float(min(max(shrinkage, 0.0), 0.99)), math.nan
    cost = calibrate.as_pandas(costs, ["cost"], "costs")["cost"].sum()
    return float(min(max(shrinkage, 0.0), 0.99)), float(cost / (paid_s / 3600))


def _check_missing_column(column, value) -> None:
    """Without a ``channel`` column every contact is a phone call (the schema's default), so
    only ``"phone"`` keeps them; without a ``queue`` column no queue can be chosen.

    >>> _check_missing_column("queue", "billing")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'queue' is 'billing' but the contacts have no queue column
    """
    if column == "channel" and value == "phone":
        return
    default = " (every contact is a phone call by default)" if column == "channel" else ""
    raise ValueError(
        f"Value of {column!r} is {value!r} but the contacts have no {column} column{default}"
    )


def scenario_from_forecast(
    forecast,
    *,
    volume_quantile=None,
    target_sl=80.0,
    threshold_s=None,
    patience_s=None,
    shrinkage=0.0,
    cost_per_agent_hour=math.nan,
    name="forecast",
    **calibrated,
):
    """A scenario over the intervals of a forecast: its volume and AHT, one row each.

    Parameters
    ----------
    forecast : kpikit.forecast.Forecast
        One series (forecast without ``by``, or filter ``forecast.intervals`` first and pass
        the frame with ``level`` as a Forecast-like object).
    volume_quantile : float, default=None
        Plan for this quantile of the volume instead of its mean (see
        :func:`kpikit.queueing.agents_required`).
    target_sl, patience_s, shrinkage, cost_per_agent_hour, name
        As in :class:`~kpikit.whatif.Scenario`.
    threshold_s : float, default=None
        Answer-time threshold, seconds; None: the threshold ``kk.options`` gives the
        forecast's channel (its ``channel`` column when it has one, else phone).
    **calibrated
        Other Scenario fields (``csat``, ``fcr``, ``reference_asa_s``, ...), for instance
        taken from :func:`scenario_from_data` on the history.

    Returns
    -------
    Scenario
        Labelled by interval start (``"Mon 09:00"``).
    """
    from kpikit.queueing._plan import frame_inputs

    intervals = getattr(forecast, "intervals", forecast)
    if "period" not in intervals.columns or not len(intervals):
        raise ValueError(
            "Value of 'forecast' must hold intervals with a 'period' column (their starts), "
            f"but received {len(intervals)} rows with columns {list(intervals.columns)}"
        )
    volume, aht_s, interval_s, keys = frame_inputs(
        forecast, None, 1800.0, volume_quantile, getattr(forecast, "level", 95)
    )
    lengths = pd.unique(pd.Series(interval_s).to_numpy().ravel())
    if lengths.size > 1:  # a scenario has one interval length; taking the first would hide it
        raise ValueError(
            "Value of 'forecast' holds intervals of several lengths (interval_s "
            f"{sorted(lengths.tolist())}); a scenario takes one: give intervals of one length"
        )
    series = [column for column in keys.columns if column != "period"]
    if series and len(keys[series].drop_duplicates()) > 1:
        raise ValueError(
            f"Value of 'forecast' holds several series ({series}); a scenario is one series: "
            "filter the intervals to one group first"
        )
    periods = pd.to_datetime(keys["period"])
    if threshold_s is None:
        channel = keys["channel"].iloc[0] if "channel" in keys.columns and len(keys) else "phone"
        threshold_s = sl_threshold_for(channel)
    return Scenario(
        volume=volume,
        aht_s=aht_s,
        interval_s=float(lengths[0]),
        target_sl=target_sl,
        threshold_s=threshold_s,
        patience_s=patience_s,
        shrinkage=shrinkage,
        cost_per_agent_hour=cost_per_agent_hour,
        labels=periods.dt.strftime("%a %H:%M").tolist(),
        name=name,
        **calibrated,
    )
