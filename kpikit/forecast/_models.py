"""The candidate models (statsforecast) and one fit-and-predict step over many series.

Models, each named by its alias in results:

- ``seasonal_naive``: the same interval one week earlier (the baseline to beat);
- ``historic_average``: the mean of the training window (a second baseline);
- ``seasonal_average``: the mean of the same interval over the last four weeks; its
  prediction interval comes from its own one-week-ahead errors in the training window
  (split conformal, scaled by the square root of the forecast as counts are);
- ``auto_ets``: exponential smoothing with automatic choice of error, trend and season
  (statsforecast's ETS handles seasons of at most 24 intervals: a day at ``freq="hour"``, a
  week at ``freq="day"``; at 15 and 30 minutes it runs without a season);
- ``mstl``: a daily and a weekly season removed by STL, the rest by ETS.

Special days (holidays, campaigns) are cleaned out of the training data (each special
interval takes the value of the same interval one week earlier) and forecast as a usual day
times a factor: given by the user, or learnt from the special days in the training window
(their actual volume over their cleaned volume).
"""

import numbers
import warnings

import numpy as np
import pandas as pd

from kpikit.forecast._series import FREQS, SERIES_ID, seasons, step

_AVERAGED_WEEKS = 4
BASELINES = ("seasonal_naive", "historic_average")
MODELS = ("seasonal_naive", "historic_average", "seasonal_average", "auto_ets", "mstl")
"""Candidate models in the order the backtest lists them (baselines first)."""

ETS_LONGEST_SEASON = 24
"""The longest season, in intervals, that statsforecast's AutoETS fits; kpikit fits it without
a season past that (a day of half hours has 48)."""


def _statsforecast():
    try:
        from statsforecast import StatsForecast, models
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "kpikit.forecast needs statsforecast: pip install 'kpikit[forecast]'"
        ) from error
    return StatsForecast, models


def needed_observations(freq):
    """The fewest intervals of training window each model can forecast from at ``freq``.

    ``seasonal_naive`` one day (it repeats the week before when the window holds a week);
    ``seasonal_average`` five weeks (four to average, one to learn its interval from);
    ``mstl`` two of its shortest season longer than one interval; the others one interval.

    >>> needed_observations("hour")["mstl"], needed_observations("day")["mstl"]
    (48, 14)
    """
    per_day, per_week = seasons(freq)
    shortest = min(season for season in (per_day, per_week) if season > 1)
    return {
        "seasonal_naive": per_day,
        "historic_average": 1,
        "seasonal_average": per_week * (_AVERAGED_WEEKS + 1),
        "auto_ets": 1,
        "mstl": 2 * shortest,
    }


def candidate_models(freq, observations, names=MODELS):
    """statsforecast model objects for ``freq`` and a training window of ``observations``.

    Seasons longer than half the window are dropped (MSTL needs two full seasons); a model
    whose window is shorter than :func:`needed_observations` is left out, and when that leaves
    none of ``names`` a ValueError says what window they need.
    """
    _, models = _statsforecast()
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise ValueError(
            f"Value of 'models' holds unknown model(s) {unknown}. Expected names from "
            f"{list(MODELS)}"
        )
    needed = needed_observations(freq)
    fitting = [name for name in names if observations >= needed[name]]
    if not fitting:
        wanted = ", ".join(f"{name} {_window(needed[name], freq)}" for name in names)
        raise ValueError(
            f"The training window is too short for the model(s) at freq={freq!r}: it holds "
            f"{_window(observations, freq)} before 'until' (the contacts before 'until', at "
            f"most 'history'), but {wanted} are needed; give a longer 'history' or a later "
            "'until', or another model"
        )
    per_day, per_week = seasons(freq)
    usable = [season for season in dict.fromkeys([per_day, per_week]) if season > 1]
    usable = [season for season in usable if 2 * season <= observations]
    builders = {
        "seasonal_naive": lambda: models.SeasonalNaive(
            season_length=per_week if per_week <= observations else per_day,
            alias="seasonal_naive",
        ),
        "historic_average": lambda: models.HistoricAverage(alias="historic_average"),
        "auto_ets": lambda: models.AutoETS(
            season_length=usable[0] if usable and usable[0] <= ETS_LONGEST_SEASON else 1,
            alias="auto_ets",
        ),
        "seasonal_average": lambda: models.SeasonalWindowAverage(
            season_length=per_week, window_size=_AVERAGED_WEEKS, alias="seasonal_average"
        ),
        "mstl": lambda: models.MSTL(season_length=usable, alias="mstl"),
    }
    return [builders[name]() for name in fitting]


def seasonless(freq) -> tuple[str, ...]:
    """The models of :data:`MODELS` that forecast ``freq`` intervals with no season: the
    historic average (one mean for every interval) and, when a day holds more than
    :data:`ETS_LONGEST_SEASON` intervals, AutoETS. At such lengths both miss the shape of the
    day, and their backtest errors are large.

    >>> seasonless("30min"), seasonless("hour"), seasonless("day")
    (('historic_average', 'auto_ets'), ('historic_average',), ('historic_average',))
    """
    per_day, _ = seasons(freq)
    return (
        ("historic_average", "auto_ets") if per_day > ETS_LONGEST_SEASON else ("historic_average",)
    )


def _window(intervals, freq):
    """``intervals`` at ``freq`` in words: ``"48 intervals (2 days)"``."""
    return f"{intervals} intervals ({intervals * step(freq)})"


def clean_special_days(series, special, freq):
    """Replace special days in the training series by the week before; learn their factors.

    Parameters
    ----------
    series : pandas.DataFrame
        ``unique_id, ds, y`` (one or more series, complete intervals).
    special : dict
        Normalised day -> factor or None (see :func:`~kpikit.forecast._series.special_dates`).

    Returns
    -------
    cleaned : pandas.DataFrame
        The same frame with special intervals replaced.
    factors : dict
        ``(unique_id, day) -> factor`` for every special day (given or learnt; 1.0 when
        neither is possible).
    """
    if not special:
        return series, {}
    _, per_week = seasons(freq)
    series = series.copy()
    days = series["ds"].dt.normalize()
    flagged = days.isin(list(special)).to_numpy()
    y = series["y"].to_numpy(dtype=float).copy()
    positions = np.flatnonzero(flagged)
    # walk forward so a special day right after another takes an already cleaned value
    first_of_series = series.groupby(SERIES_ID, sort=False).cumcount().to_numpy()
    for position in positions:
        if first_of_series[position] >= per_week:
            y[position] = y[position - per_week]
    actual = series["y"].to_numpy(dtype=float)
    series["y"] = y
    learnt = (
        pd.DataFrame({SERIES_ID: series[SERIES_ID], "actual": actual, "usual": y})[flagged]
        .groupby(SERIES_ID)[["actual", "usual"]]
        .sum()
    )
    ratio = (learnt["actual"] / learnt["usual"].where(learnt["usual"] > 0)).to_dict()
    factors = {}
    for unique_id in series[SERIES_ID].unique():
        for day, given in special.items():
            value = given if given is not None else ratio.get(unique_id, np.nan)
            factors[(unique_id, day)] = 1.0 if not np.isfinite(value) else float(value)
    return series, factors


def fit_predict(series, *, freq, steps, level, names=MODELS, special=None):
    """Fit every candidate on each series and forecast ``steps`` intervals after its end.

    Parameters
    ----------
    series : pandas.DataFrame
        ``unique_id, ds, y`` (complete intervals, one window per series).
    freq : str
    steps : int
    level : float
        Coverage of the prediction intervals, percent.
    names : sequence of str
        Models to fit.
    special : dict, default=None
        Special days (day -> factor or None).

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds, model, forecast, low, high``, forecasts and bounds never below 0.
    """
    StatsForecast, models = _statsforecast()
    check_level(level)
    level = int(level) if float(level).is_integer() else float(level)  # names the columns
    special = special or {}
    cleaned, factors = clean_special_days(series, special, freq)
    observations = int(cleaned.groupby(SERIES_ID).size().min())
    candidates = candidate_models(freq, observations, names)
    with_bounds = [model for model in candidates if model.alias != "seasonal_average"]
    frames = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsforecast warns on constant or short series
        if with_bounds:
            engine = StatsForecast(
                models=with_bounds,
                freq=FREQS[freq],
                n_jobs=1,
                fallback_model=models.HistoricAverage(alias="fallback"),
            )
            wide = engine.forecast(df=cleaned[[SERIES_ID, "ds", "y"]], h=steps, level=[level])
            for model in (candidate.alias for candidate in with_bounds):
                frames.append(
                    pd.DataFrame(
                        {
                            SERIES_ID: wide[SERIES_ID].to_numpy(),
                            "ds": wide["ds"].to_numpy(),
                            "model": model,
                            "forecast": wide[model].to_numpy(dtype=float),
                            "low": wide[f"{model}-lo-{level}"].to_numpy(dtype=float),
                            "high": wide[f"{model}-hi-{level}"].to_numpy(dtype=float),
                        }
                    )
                )
        averaged = [model for model in candidates if model.alias == "seasonal_average"]
        if averaged:
            engine = StatsForecast(models=averaged, freq=FREQS[freq], n_jobs=1)
            point = engine.forecast(df=cleaned[[SERIES_ID, "ds", "y"]], h=steps)
            frames.append(_seasonal_average_bounds(cleaned, point, freq, level))
    result = pd.concat(frames, ignore_index=True)
    if factors:
        days = result["ds"].dt.normalize()
        for (unique_id, day), factor in factors.items():
            rows = (days == day).to_numpy() & (result[SERIES_ID] == unique_id).to_numpy()
            result.loc[rows, ["forecast", "low", "high"]] *= factor
    result[["forecast", "low", "high"]] = result[["forecast", "low", "high"]].clip(lower=0.0)
    return result


def check_level(level):
    """``level`` must be a coverage in percent, in [1, 100): a fraction such as 0.95 is refused.

    >>> check_level(0.95)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'level' is the coverage of the prediction interval in percent, in [1,
    100), not a fraction: give 95 rather than 0.95, but received: 0.95
    """
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise TypeError(
            f"Value of 'level' must be a number, the coverage of the prediction interval in "
            f"percent (95 means 95 %), but received: {level!r}"
        )
    if 0 < level < 1:
        raise ValueError(
            "Value of 'level' is the coverage of the prediction interval in percent, in [1, "
            f"100), not a fraction: give {100 * level:g} rather than {level!r}, but received: "
            f"{level!r}"
        )
    if not 1 <= level < 100:
        raise ValueError(
            f"Value of 'level' is the coverage of the prediction interval in percent (95 "
            f"means 95 %) and must be in [1, 100), but received: {level!r}"
        )


def _seasonal_average_bounds(series, point, freq, level):
    """Split-conformal interval around the seasonal average's forecast ``point``.

    ``forecast +- q sqrt(max(forecast, 1))``, where ``q`` is the ``level`` quantile of
    ``|y_t - f_t| / sqrt(max(f_t, 1))`` over the one-week-ahead forecasts ``f_t`` the same
    method made inside the training window (counts vary like their square root).
    """
    _, per_week = seasons(freq)
    quantiles = {}
    for unique_id, rows in series.groupby(SERIES_ID, sort=False):
        y = rows["y"].to_numpy(dtype=float)
        weeks = len(y) // per_week
        usable = y[len(y) - weeks * per_week :].reshape(weeks, per_week)
        fitted = np.stack(
            [usable[k : k + _AVERAGED_WEEKS].mean(axis=0) for k in range(weeks - _AVERAGED_WEEKS)]
        )
        spread = np.abs(usable[_AVERAGED_WEEKS:] - fitted) / np.sqrt(np.maximum(fitted, 1.0))
        quantiles[unique_id] = float(np.quantile(spread, level / 100))
    forecast = point["seasonal_average"].to_numpy(dtype=float)
    half = point[SERIES_ID].map(quantiles).to_numpy() * np.sqrt(np.maximum(forecast, 1.0))
    return pd.DataFrame(
        {
            SERIES_ID: point[SERIES_ID].to_numpy(),
            "ds": point["ds"].to_numpy(),
            "model": "seasonal_average",
            "forecast": forecast,
            "low": forecast - half,
            "high": forecast + half,
        }
    )
