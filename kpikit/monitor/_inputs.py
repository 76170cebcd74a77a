"""The intraday monitor's options checked: the channel or queue it follows, and the forecast
and staffed agents it compares the day with (:class:`~kpikit.monitor.IntradayMonitor`)."""

import numpy as np
import pandas as pd
import pyarrow as pa

from kpikit.forecast._series import FREQS
from kpikit.monitor._plan import INTRADAY_FREQS
from kpikit.periods import period_steps
from kpikit.queueing._inputs import MIN_SECONDS

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
    """``forecast`` after checking its columns, its periods (Arrow timestamps taken as pandas'
    own: :func:`_numpy_times`) and its figures.

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
    forecast = forecast.assign(period=_numpy_times(forecast["period"]))
    _check_periods("forecast", pd.Index(forecast["period"]))
    for column in ("volume", "aht_s"):
        _check_figures("forecast", column, forecast[column])
    _check_handle_times(forecast)
    return forecast


def _check_handle_times(forecast):
    """Handle times must be above 0, at least the queueing models' millisecond
    (:data:`~kpikit.queueing._inputs.MIN_SECONDS`), or NaN where unknown: the monitor staffs
    each interval with its forecast AHT, the reforecast volume included (contacts may come
    where none were forecast). A shorter one was taken, and every refresh then failed on the
    model's refusal, naming positions of the monitor's own table.

    >>> _check_handle_times(pd.DataFrame({"period": pd.to_datetime(["2024-01-01 09:00"]),
    ...     "volume": [4.0], "aht_s": [0.0]}))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'forecast' must have aht_s above 0 (0.001 s at least, or NaN where \
unknown: a contact takes time to handle), but 1 period(s) have less: ['2024-01-01 09:00:00']
    """
    short = forecast["aht_s"] < MIN_SECONDS
    if short.any():
        raise ValueError(
            f"Value of 'forecast' must have aht_s above 0 ({MIN_SECONDS:g} s at least, or NaN "
            "where unknown: a contact takes time to handle), but "
            f"{int(short.sum())} period(s) have less: "
            f"{[str(period) for period in forecast.loc[short, 'period'][:3]]}"
        )


def checked_staffed(staffed):
    """``staffed`` after checking its periods (Arrow timestamps taken as pandas' own) and its
    agents.

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
            f"(day_staffed gives one) but received: {_kind(staffed)}"
        )
    staffed = staffed.set_axis(_numpy_times(staffed.index))
    _check_periods("staffed", staffed.index)
    _check_figures("staffed", "agents", staffed)
    return staffed


def _numpy_times(periods):
    """Arrow timestamps (a plan read with ``dtype_backend="pyarrow"``) as pandas' own, as the
    monitor's interval starts are: they were refused as "must have its periods as timestamps"
    beside a list of Timestamps. Anything else as it is.

    >>> _numpy_times(pd.Series(pd.to_datetime(["2026-03-02 09:00"])).astype(
    ...     "timestamp[us][pyarrow]")).dtype
    dtype('<M8[ns]')
    """
    dtype = periods.dtype
    if not (isinstance(dtype, pd.ArrowDtype) and pa.types.is_timestamp(dtype.pyarrow_dtype)):
        return periods
    zone = dtype.pyarrow_dtype.tz
    return periods.astype("datetime64[ns]" if zone is None else pd.DatetimeTZDtype("ns", zone))


def _kind(value):
    """What ``value``, given for a Series, is: a DataFrame by its columns (its repr was the
    whole frame, a row per interval, in the message), anything else by its repr cut to 80
    characters.

    >>> _kind(pd.DataFrame({"period": [], "agents": []}))
    "a DataFrame of columns ['period', 'agents'] (take one, by period: \
frame.set_index('period')['agents'])"
    >>> _kind([2.0] * 48)[:30], _kind([2.0] * 48)[-6:]
    ('[2.0, 2.0, 2.0, 2.0, 2.0, 2.0,', '(list)')
    """
    if isinstance(value, pd.DataFrame):
        columns = list(value.columns)
        other = next((name for name in columns if name != "period"), "agents")
        return (
            f"a DataFrame of columns {columns[:6]}{' ...' if len(columns) > 6 else ''} (take "
            f"one, by period: frame.set_index('period')[{other!r}])"
        )
    return f"{value!r:.80} ({type(value).__name__})"


def _check_periods(argument, periods):
    """Periods must be timestamps, each once, none missing: a row without its period (NaT)
    matched no interval, and its volume or agents were left out of the plan without a word.

    >>> _check_periods("staffed", pd.DatetimeIndex(["2024-01-01 09:00", None, None]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'staffed' must have a period on every row, but 2 row(s) have none
    (row positions [1, 2]): their figures would match no interval
    """
    if not pd.api.types.is_datetime64_any_dtype(periods):
        raise ValueError(
            f"Value of {argument!r} must have its periods as timestamps, but received: "
            f"{periods[:3].tolist()}"
        )
    missing = np.flatnonzero(pd.isna(periods))
    if len(missing):
        raise ValueError(
            f"Value of {argument!r} must have a period on every row, but {len(missing)} row(s) "
            f"have none (row positions {missing[:5].tolist()}): their figures would match no "
            "interval"
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


def on_grid(argument, periods, grid, length):
    """The periods of ``forecast`` or ``staffed`` on the log's clock, after checking that those
    falling in the day monitored are interval starts of the monitor (``grid``, the day's
    periods, each ``length`` long), that the day has at least one, and that the periods are
    not spaced more widely than the intervals. Without it a 15-minute forecast in a 30-minute
    monitor, or one for another day or clock, would be read as half a forecast or none at
    all; and a 30-minute forecast in a 15-minute monitor, all of its periods on interval
    starts, gave 09:00 the half hour's volume and 09:15 none (nearly twice the agents at
    09:00).

    >>> grid = pd.Series(pd.date_range("2026-03-02", periods=48, freq="30min"))
    >>> on_grid("forecast", grid[:2] + pd.Timedelta("15min"), grid, pd.Timedelta("30min"))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'forecast' must have its periods on the monitor's interval starts, but 2
    period(s) of 2026-03-02 are not: ['2026-03-02 00:15:00', '2026-03-02 00:45:00']
    >>> quarters = pd.Series(pd.date_range("2026-03-02", periods=96, freq="15min"))
    >>> on_grid("forecast", grid[:3], quarters, pd.Timedelta("15min"))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'forecast' must not have periods spaced more widely than the monitor's
    intervals, but its periods are 30 minutes apart, the monitor's intervals 15 minutes: give a
    'forecast' per monitor interval (day_forecast with freq='15min' gives one from the contact
    history), or the monitor freq='30min'
    """
    periods = pd.DatetimeIndex(periods)
    zone = grid.dt.tz
    if periods.empty:  # nothing planned (day_staffed on a day without agent rows)
        return periods
    if (periods.tz is None) != (zone is None):
        clock = (
            f"in a time zone, as the live log's arrivals ({zone}) are"
            if zone is not None
            else "without a time zone, as the live log's arrivals are"
        )
        raise ValueError(
            f"Value of {argument!r} must have its periods {clock}, but received: "
            f"{[str(period) for period in periods[:3]]}"
        )
    if zone is not None:
        periods = periods.tz_convert(zone)
    day, end = grid.iloc[0], grid.iloc[-1] + length
    inside = periods[(periods >= day) & (periods < end)]
    if inside.empty:
        raise ValueError(
            f"Value of {argument!r} has no period on {day:%Y-%m-%d}, the day monitored; its "
            f"periods run from {periods.min()} to {periods.max()}"
        )
    steps = period_steps(periods)  # one period alone has no spacing
    step = None if steps is None else pd.Timedelta(seconds=steps[0])
    if step is not None and step > length:
        raise ValueError(
            f"Value of {argument!r} must not have periods spaced more widely than the "
            f"monitor's intervals, but {_spacing(argument, step, length)}"
        )
    off = inside[~inside.isin(grid)]
    if len(off):
        # finer periods than the intervals can be fixed by the monitor's freq; periods as far
        # apart as the intervals but off them are on another clock, which no freq fixes
        finer = step is not None and step < length
        advice = f" ({_spacing(argument, step, length)})" if finer else ""
        raise ValueError(
            f"Value of {argument!r} must have its periods on the monitor's interval starts, but "
            f"{len(off)} period(s) of {day:%Y-%m-%d} are not: {[str(p) for p in off[:3]]}"
            f"{advice}"
        )
    return periods


def _spacing(argument, step, length):
    """How far apart the periods of ``argument`` are beside the monitor's intervals, and the
    fixes: periods per interval (from the function that makes them), or the monitor's ``freq``
    when one has the periods' length. No freq is offered when none has it: "a monitor freq of
    the same length" was offered for daily periods, which no freq fits.

    >>> _spacing("staffed", pd.Timedelta("30min"), pd.Timedelta("15min"))
    "its periods are 30 minutes apart, the monitor's intervals 15 minutes: give a 'staffed' \
per monitor interval (day_staffed or staffed_agents with freq='15min' counts them from the \
agent intervals), or the monitor freq='30min'"
    >>> _spacing("staffed", pd.Timedelta("1D"), pd.Timedelta("30min"))
    "its periods are a day apart, the monitor's intervals 30 minutes: a daily figure does not \
say when in the day the agents are on the phones; give a 'staffed' per monitor interval \
(day_staffed or staffed_agents with freq='30min' counts them from the agent intervals)"
    >>> _spacing("forecast", pd.Timedelta("23h"), pd.Timedelta("1h")).startswith(
    ...     "its periods are a day apart")  # days in a zone: 23 hours across a DST change
    True
    """
    freq = next((name for name in INTRADAY_FREQS if pd.Timedelta(FREQS[name]) == step), None)
    interval = next(name for name in INTRADAY_FREQS if pd.Timedelta(FREQS[name]) == length)
    minutes = step / pd.Timedelta("1min")
    days = round(step / pd.Timedelta("1D"))  # whole days, 23 or 25 hours across a DST change
    if days >= 1 and abs(step - pd.Timedelta(days=days)) <= pd.Timedelta("1h"):
        apart = "a day" if days == 1 else f"{days} days"
        daily = {
            "staffed": " a daily figure does not say when in the day the agents are on the phones;",
            "forecast": " a daily volume does not say when in the day the contacts come;",
        }[argument]
    else:
        apart, daily = f"{minutes:g} minutes", ""
    source = {
        "staffed": f"day_staffed or staffed_agents with freq={interval!r} counts them from the "
        "agent intervals",
        "forecast": f"day_forecast with freq={interval!r} gives one from the contact history",
    }[argument]
    matching = "" if freq is None else f", or the monitor freq={freq!r}"
    return (
        f"its periods are {apart} apart, the monitor's intervals "
        f"{length / pd.Timedelta('1min'):g} minutes:{daily} give a {argument!r} per monitor "
        f"interval ({source}){matching}"
    )
