"""Trend: change against the previous period of the same group, and whether it is significant."""

import datetime
import math

import numpy as np
import pandas as pd

from kpikit._validators import is_number
from kpikit.display import CHANGE_MARKS
from kpikit.periods import PERIOD_LENGTHS, period_end
from kpikit.stats import Z_95, two_proportion_z

TREND_MARKS = CHANGE_MARKS
"""Arrows for :attr:`kpikit.Scorecard.table` ``trend``: up/down only for significant changes
(:data:`kpikit.display.CHANGE_MARKS`)."""


def period_freq(periods: pd.Series) -> str | None:
    """The period length of ``periods`` (starts, as in :func:`kpikit.compute` output): the
    longest ``freq`` whose step joins two of them and steps over none; None when no step
    joins two (a single period).

    >>> period_freq(pd.Series(pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-22"])))
    'week'
    >>> period_freq(pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"])))
    'day'
    """
    starts = pd.Series(periods.drop_duplicates().sort_values().to_numpy(), dtype=periods.dtype)
    for freq in reversed(list(PERIOD_LENGTHS)):
        ends = period_end(starts.iloc[:-1], freq).to_numpy()
        following = starts.iloc[1:].to_numpy()
        if len(ends) and (ends <= following).all() and (ends == following).any():
            return freq
    return None


def check_freq_fits(periods: pd.Series, freq: str) -> None:
    """Raise when the given ``freq`` is longer than the periods of ``periods`` (starts, as in
    :func:`kpikit.compute` output): a period would end after the next one starts, and every
    trend and ramp would be read against the wrong calendar, silently. (A ``freq`` shorter than
    the steps between periods is not refused: days a week apart may be the days that have
    data.)

    >>> weeks = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]))
    >>> check_freq_fits(weeks, "week")
    >>> check_freq_fits(weeks, "month")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'freq' is 'month' but the periods of 'kpi_frame' are shorter: the one
    starting 2024-01-01 would end 2024-02-01, after the next starts (2024-01-08); they are
    'week' periods: give freq='week' or leave freq out
    """
    starts = pd.Series(
        periods.dropna().drop_duplicates().sort_values().to_numpy(), dtype=periods.dtype
    )
    if len(starts) < 2:
        return
    ends = period_end(starts.iloc[:-1], freq).reset_index(drop=True)
    following = starts.iloc[1:].reset_index(drop=True)
    overlap = (ends > following).to_numpy()
    found = period_freq(starts)
    fix = (
        f"they are {found!r} periods: give freq={found!r}" if found else "give the periods' length"
    )
    if overlap.any():
        first = int(np.argmax(overlap))
        raise ValueError(
            f"Value of 'freq' is {freq!r} but the periods of 'kpi_frame' are shorter: the one "
            f"starting {_day(starts.iloc[first])} would end {_day(ends.iloc[first])}, after the "
            f"next starts ({_day(following.iloc[first])}); {fix} or leave freq out"
        )


def _day(stamp) -> str:
    """A period start as text, its time of day only when it has one."""
    stamp = pd.Timestamp(stamp)
    return str(stamp.date()) if stamp.time() == datetime.time() else str(stamp)


def with_trend(
    table: pd.DataFrame, keys: list, compare: bool, alpha: float, freq: str | None
) -> pd.DataFrame:
    """Add ``previous, change, p_value, trend, improved`` (all null when not ``compare``).

    Each row is compared with the period just before it (one ``freq`` step earlier) of its
    group and KPI; a row whose previous period has no row has no previous value. Without
    ``freq``, the period length is read from the periods (:func:`period_freq`). The tests are
    described in :func:`kpikit.scorecard.rate`.
    """
    columns = ["previous", "change", "p_value"]
    if compare and freq is None:
        freq = period_freq(table["period"])
    if not compare or freq is None:
        table[columns] = np.nan
        table["trend"] = None
        table["improved"] = None
        return table
    table = table.sort_values([*keys, "kpi", "period"], kind="stable")
    table["_next"] = period_end(table["period"], freq)
    groups = table.groupby([*keys, "kpi"], sort=False, dropna=False, observed=True)
    follows = groups["_next"].shift(1) == table["period"]
    table = table.drop(columns="_next")
    before = {
        column: groups[column].shift(1).where(follows)
        for column in ("value", "numerator", "denominator", "ci_low", "ci_high")
    }
    table["previous"] = before["value"]
    table["change"] = table["value"] - table["previous"]
    table["p_value"] = [
        _p_value(unit, *now, *then)
        for unit, now, then in zip(
            table["unit"],
            table[["value", "numerator", "denominator", "ci_low", "ci_high"]].to_numpy(float),
            np.column_stack([before[c] for c in before]).astype(float),
            strict=True,
        )
    ]
    has_change = table["change"].notna()
    significant = table["p_value"] < alpha
    table["trend"] = np.select(
        [~has_change, table["p_value"].isna(), ~significant, table["change"] > 0],
        [None, "untested", "flat", "up"],
        default="down",
    )
    table["trend"] = table["trend"].astype(object).where(has_change, None)
    table["improved"] = [
        _improved(row.better, row.value, row.previous, row.band_low, row.band_high)
        if trend in ("up", "down")
        else None
        for row, trend in zip(table.itertuples(), table["trend"], strict=True)
    ]
    return table.sort_index()


def _p_value(
    unit,
    value,
    numerator,
    denominator,
    ci_low,
    ci_high,
    value0,
    numerator0,
    denominator0,
    ci_low0,
    ci_high0,
) -> float:
    if not (is_number(value) and is_number(value0)):
        return math.nan
    if not all(is_number(bound) for bound in (ci_low, ci_high, ci_low0, ci_high0)):
        return math.nan
    if unit == "percent":
        return two_proportion_z(numerator, denominator, numerator0, denominator0)
    se = math.hypot(_half(value, ci_low, ci_high), _half(value0, ci_low0, ci_high0)) / Z_95
    if se == 0:
        return math.nan
    return math.erfc(abs(value - value0) / se / math.sqrt(2))


def _half(value, low, high) -> float:
    """The half width of an interval around ``value``: its wider side, as the interval may be
    held at a bound the KPI cannot pass on the other (an ASA of 6 s, 6 ± 13.6 s, is shown
    0 .. 19.6 s: 13.6 s, not 9.8 s).

    >>> _half(6.0, 0.0, 19.6), _half(300.0, 290.0, 310.0)
    (13.600000000000001, 10.0)
    """
    return max(value - low, high - value)


def _improved(direction, value, previous, low, high) -> bool:
    if direction == "higher":
        return value > previous
    if direction == "lower":
        return value < previous

    def distance(v):
        return max(low - v, v - high, 0.0)

    return distance(value) < distance(previous)
