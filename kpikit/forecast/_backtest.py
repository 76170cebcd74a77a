"""Rolling-origin backtest: forecasts made at past origins, scored against what happened.

Each origin stands for a planning moment: noon of a past day for interval forecasts (the
morning's contacts are in), the end of a past day for daily ones. Every model is fitted on the
window before the origin and forecasts up to 35 days ahead; each forecast interval falls in a
lead bucket by its calendar day counted from the origin's day:

======== ====================================
lead     days after the origin's day
======== ====================================
intraday 0 (the rest of the origin's day)
next_day 1
next_week 2 to 7
next_month 8 to 35
======== ====================================

Scores per series, model and lead, summed over origins before dividing::

    WAPE  = 100 sum|forecast - actual| / sum(actual)
    bias  = 100 sum(forecast - actual) / sum(actual)          (> 0: over-forecast)
    MASE  = mean(|forecast - actual| / s),  s = mean |y_t - y_(t-week)| in the training window
    gain  = 100 (1 - WAPE / WAPE of seasonal_naive)           (> 0: better than the baseline)

A zero denominator gives NaN. AHT is scored on intervals where something was answered.

The models read the zone's wall clock, but the scores count intervals of real time, as the
forecast gives them (:func:`~kpikit.forecast._series.real_intervals`): a wall interval the
clocks skip is not scored, each pass of one they repeat is scored against its own contacts,
and a calendar day's volume is its forecast per 24 hours times its hours over 24 against the
contacts of its 23 or 25 hours.
"""

import numpy as np
import pandas as pd

from kpikit._validators import check_choice
from kpikit.forecast._models import BASELINES, fit_predict
from kpikit.forecast._series import SERIES_ID, seasons, step

LEADS = {"intraday": (0, 0), "next_day": (1, 1), "next_week": (2, 7), "next_month": (8, 35)}
"""Lead buckets: first and last day after the origin's day."""
_LONGEST_LEAD_DAYS = 35
_ORIGIN_HOUR = pd.Timedelta("12h")


def rolling_origins(series_start, series_end, freq, *, count, spacing, min_history):
    """Origins (Timestamps), oldest first: the latest leaves one full day after its own day.

    Origins step back by ``spacing`` (a duration not a multiple of a week moves the origin
    across weekdays) and keep at least ``min_history`` of data before them.
    """
    last_day = series_end.normalize() - pd.Timedelta("2D")
    daily = step(freq) >= pd.Timedelta("1D")
    offset = pd.Timedelta("1D") if daily else _ORIGIN_HOUR
    found = []
    for number in range(count):
        origin = last_day - number * pd.Timedelta(spacing) + offset
        if origin - series_start < pd.Timedelta(min_history):
            break  # every later number steps further back
        found.append(origin)
    return sorted(found)


def _origin_day(origin, freq):
    """The planning day of an origin (the day whose end a daily origin stands for)."""
    daily = step(freq) >= pd.Timedelta("1D")
    return (origin - pd.Timedelta("1D")).normalize() if daily else origin.normalize()


def _lead_names(offsets):
    lead = np.full(offsets.shape, None, dtype=object)
    for name, (first, last) in LEADS.items():
        lead[(offsets >= first) & (offsets <= last)] = name
    return lead


def _scale(train, freq):
    """Per series: mean absolute change from one week (or day) to the next, in the window."""
    per_day, per_week = seasons(freq)
    values = train.groupby(SERIES_ID, sort=False)["y"]
    size = int(train.groupby(SERIES_ID).size().min())
    lag = per_week if per_week < size else max(per_day, 1)
    change = (train["y"] - values.shift(lag)).abs()
    return change.groupby(train[SERIES_ID]).mean()


def score_origin(table, origin, *, freq, history, level, names, special, actuals):
    """Errors of every model for one origin: one row per series, model and interval of real time.

    ``table`` holds ``unique_id, ds, y`` on the wall clock for the whole series; only rows
    before the origin's interval are used to fit. ``actuals`` holds ``unique_id, ds, actual,
    scored, share``, a row per interval of real time in the wall interval ``ds``: none where
    the clocks skip it, one per pass where they repeat it, each scored against the wall
    interval's forecast times ``share`` (as :func:`kpikit.forecast.forecast` gives it), and
    only where ``scored`` (something was answered, for AHT).
    """
    length = step(freq)
    first_forecast = origin.floor(length) if length < pd.Timedelta("1D") else origin
    train = table[(table["ds"] < first_forecast) & (table["ds"] >= origin - history)]
    day = _origin_day(origin, freq)
    stop = min(day + pd.Timedelta(days=_LONGEST_LEAD_DAYS + 1), table["ds"].max() + length)
    steps = int((stop - first_forecast) / length)
    if steps < 1 or train.empty:
        return None
    predicted = fit_predict(
        train[[SERIES_ID, "ds", "y"]],
        freq=freq,
        steps=steps,
        level=level,
        names=names,
        special=special,
    )
    errors = predicted.merge(actuals, on=[SERIES_ID, "ds"], how="inner")
    errors = errors[errors["scored"]].copy()
    errors["forecast"] = errors["forecast"] * errors["share"]
    offsets = ((errors["ds"].dt.normalize() - day) / pd.Timedelta("1D")).to_numpy()
    errors["lead"] = _lead_names(offsets.astype(np.int64))
    errors["origin"] = origin
    scale = errors[SERIES_ID].map(_scale(train, freq))
    errors["error"] = errors["forecast"] - errors["actual"]
    errors["scaled"] = errors["error"].abs() / scale.where(scale > 0)
    return errors.dropna(subset=["lead"])


def summarise(errors, keys):
    """Scores per ``keys`` (series columns), model and lead, with the gain over the baseline."""
    errors = errors.assign(absolute=errors["error"].abs())
    grouped = errors.groupby([*keys, "lead", "model"], sort=False, dropna=False)
    table = grouped.agg(
        absolute=("absolute", "sum"),
        actual=("actual", "sum"),
        error=("error", "sum"),
        mase=("scaled", "mean"),
        intervals=("actual", "size"),
        origins=("origin", "nunique"),
    ).reset_index()
    total = table["actual"].where(table["actual"] > 0)
    table["wape"] = 100 * table["absolute"] / total
    table["bias"] = 100 * table["error"] / total
    naive = table[table["model"] == "seasonal_naive"].set_index([*keys, "lead"])["wape"]
    reference = pd.MultiIndex.from_frame(table[[*keys, "lead"]]).map(naive.to_dict().get)
    reference = pd.Series(reference, index=table.index, dtype=float)
    table["gain_pct"] = 100 * (1 - table["wape"] / reference.where(reference > 0))
    best = table.groupby([*keys, "lead"], sort=False, dropna=False)["wape"].transform("min")
    table["best"] = table["wape"] == best
    table["baseline"] = table["model"].isin(BASELINES)
    order = {name: position for position, name in enumerate(LEADS)}
    table = table.sort_values(
        [*keys, "lead", "model"],
        key=lambda column: column.map(order) if column.name == "lead" else column,
    )
    return table[
        [
            *keys,
            "lead",
            "model",
            "wape",
            "mase",
            "bias",
            "gain_pct",
            "intervals",
            "origins",
            "best",
            "baseline",
        ]
    ].reset_index(drop=True)


def choose(table, keys, choose_by):
    """The model per series with the lowest WAPE at lead ``choose_by`` (a baseline on ties).

    ``keys`` must identify the series (they include ``unique_id``). A series without scores at
    that lead is judged on the mean WAPE over its leads.

    Returns
    -------
    pandas.DataFrame
        ``*keys, model, wape, baseline``: one row per series.
    """
    check_choice("choose_by", choose_by, LEADS, "a lead")
    scored = table.dropna(subset=["wape"])
    at_lead = scored["lead"] == choose_by
    has_lead = at_lead.groupby([scored[key] for key in keys], dropna=False).transform("any")
    scored = scored[at_lead | ~has_lead]
    pooled = scored.groupby([*keys, "model"], sort=False, dropna=False)["wape"].mean()
    pooled = pooled.reset_index()
    pooled["baseline"] = pooled["model"].isin(BASELINES)
    pooled = pooled.sort_values(
        [*keys, "wape", "baseline"], ascending=[True] * len(keys) + [True, False], kind="stable"
    )
    return pooled.groupby(keys, sort=False, dropna=False).head(1).reset_index(drop=True)
