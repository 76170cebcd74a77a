"""The intraday monitor's options checked: the channel or queue it follows, and the forecast
and staffed agents it compares the day with (:class:`~kpikit.monitor.IntradayMonitor`)."""

import numpy as np
import pandas as pd

_FORECAST_COLUMNS = ("period", "volume", "aht_s")


def checked_filter(argument, value):
    """A channel or queue to follow: None or one name."""
    if value is not None and not isinstance(value, str):
        raise TypeError(
            f"Value of {argument!r} must be one {argument} name (str) but received: {value!r} "
            f"({type(value).__name__})"
        )
    return value


def checked_forecast(forecast):
    """``forecast`` after checking its columns, its periods and its figures.

    >>> checked_forecast(pd.DataFrame({"period": pd.to_datetime(["2024-01-01 09:00"]),
    ...     "volume": [-4.0], "aht_s": [200.0]}))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'forecast' must have volume not negative nor infinite, but received: [-4.0]
    """
    if forecast is None:
        return None
    if not isinstance(forecast, pd.DataFrame):
        raise TypeError(
            f"Value of 'forecast' must be a pandas DataFrame of {list(_FORECAST_COLUMNS)} "
            f"(day_forecast gives one) but received: {type(forecast).__name__}"
        )
    missing = [column for column in _FORECAST_COLUMNS if column not in forecast.columns]
    if missing:
        raise ValueError(
            f"Value of 'forecast' is missing column(s) {missing}; it has {list(forecast.columns)}"
        )
    _check_periods("forecast", pd.Index(forecast["period"]))
    for column in ("volume", "aht_s"):
        _check_figures("forecast", column, forecast[column])
    return forecast


def checked_staffed(staffed):
    """``staffed`` after checking its periods and its agents.

    >>> checked_staffed(pd.Series([2.0], index=["09:00"]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'staffed' must have its periods as timestamps, but received: ['09:00']
    """
    if staffed is None:
        return None
    if not isinstance(staffed, pd.Series):
        raise TypeError(
            f"Value of 'staffed' must be a pandas Series of agents per interval start "
            f"(day_staffed gives one) but received: {staffed!r} ({type(staffed).__name__})"
        )
    _check_periods("staffed", staffed.index)
    _check_figures("staffed", "agents", staffed)
    return staffed


def _check_periods(argument, periods):
    """Periods must be timestamps, each once."""
    if not pd.api.types.is_datetime64_any_dtype(periods):
        raise ValueError(
            f"Value of {argument!r} must have its periods as timestamps, but received: "
            f"{periods[:3].tolist()}"
        )
    if periods.has_duplicates:
        raise ValueError(
            f"Value of {argument!r} must have each period once, but received more than once: "
            f"{periods[periods.duplicated()].unique()[:3].tolist()}"
        )


def _check_figures(argument, what, values):
    """Figures must be numbers, not negative nor infinite (NaN stands for unknown)."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"Value of {argument!r} must have numbers as {what}, but received: "
            f"{values.head(3).tolist()} ({values.dtype})"
        )
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    bad = (numbers < 0) | np.isinf(numbers)
    if bad.any():
        raise ValueError(
            f"Value of {argument!r} must have {what} not negative nor infinite, but received: "
            f"{numbers[bad][:3].tolist()}"
        )
