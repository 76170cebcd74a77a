"""Where periods end: the length of each ``freq`` of :func:`kpikit.compute`.

Hours and shorter periods are elapsed time; days and longer are calendar steps, so a
daylight-saving day of timezone-aware periods lasts 23 or 25 hours and a month its own number of
days.
"""

import pandas as pd

from kpikit.metrics import FREQUENCIES

__all__ = ["PERIOD_LENGTHS", "check_freq", "period_end"]

PERIOD_LENGTHS = {
    "15min": pd.Timedelta(minutes=15),
    "30min": pd.Timedelta(minutes=30),
    "hour": pd.Timedelta(hours=1),
    "day": pd.DateOffset(days=1),  # calendar steps: a daylight-saving day lasts 23 or 25 hours
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}
"""The step from a period's start to the next period's start, by ``freq``."""


def period_end(period, freq: str):
    """End (exclusive) of periods that start at ``period``.

    Examples
    --------
    >>> print(period_end(pd.Timestamp("2026-01-31"), "month"))
    2026-02-28 00:00:00
    >>> print(period_end(pd.Timestamp("2026-01-05 09:30"), "30min"))
    2026-01-05 10:00:00
    """
    check_freq(freq)
    step = PERIOD_LENGTHS[freq]
    if isinstance(period, pd.Series):
        return pd.Series(
            pd.DatetimeIndex(period) + step, index=period.index, name="period_end"
        ).astype(period.dtype)
    return pd.Timestamp(period) + step


def check_freq(freq) -> None:
    """Raise a ValueError naming the periods when ``freq`` is not one of them.

    >>> check_freq("fortnight")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Value of 'freq' is not a period. Expected one of [...] but received: 'fortnight'
    """
    if freq not in FREQUENCIES:
        raise ValueError(
            f"Value of 'freq' is not a period. Expected one of {list(FREQUENCIES)} "
            f"but received: {freq!r}"
        )
