"""Probe 9 of periods at pandas' time limits: period ends of coarse-unit periods and day bounds."""

import numpy as np
import pandas as pd
import pytest

from kpikit.periods import day_bounds, period_end

PANDAS_2 = int(pd.__version__.split(".")[0]) < 3


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
def test_an_hour_of_coarse_timestamps_ends_where_its_unit_holds_it(unit):
    # By hand: the hour starting 2262-04-11 23:00 ends at 2262-04-12 00:00, which seconds,
    # milliseconds and microseconds hold (only nanoseconds end at 23:47:16); the day step of
    # the same start already worked. pandas 2 made the hour's sum nanoseconds and refused it
    # as "ends after the last time pandas holds (2262-04-11 23:47:16.854775807)".
    starts = pd.Series(pd.DatetimeIndex(["2262-04-11 23:00", "2026-03-29 01:45"]).as_unit(unit))
    ends = period_end(starts, "hour")
    assert ends.tolist() == [pd.Timestamp("2262-04-12 00:00"), pd.Timestamp("2026-03-29 02:45")]
    assert ends.dtype == starts.dtype


def test_a_quarter_hour_before_nanoseconds_begin_ends_a_quarter_hour_later():
    # By hand: 1677-09-21 00:00 + 15 minutes = 00:15; a period kk.compute gives (in microseconds)
    # for a contact at 00:20 that day, before nanoseconds begin at 00:12:43.
    starts = pd.Series(np.array(["1677-09-21T00:00"], dtype="M8[us]"))
    assert period_end(starts, "15min").tolist() == [pd.Timestamp("1677-09-21 00:15")]


def test_a_period_past_the_last_nanosecond_still_names_the_limit():
    # By hand: 2262-04-11 23:00 + 1 hour is after pandas.Timestamp.max (23:47:16.854775807).
    starts = pd.Series(pd.DatetimeIndex(["2262-04-11 23:00"]).as_unit("ns"))
    with pytest.raises(ValueError, match=r"starting 2262-04-11 23:00:00 ends after .*23:47:16"):
        period_end(starts, "hour")


def test_a_time_pandas_2_cannot_index_names_the_period_argument():
    # pandas 2 indexes times in nanoseconds (to 2262-04-11), pandas 3 in microseconds: the day
    # of 2300-01-01 ends at 2300-01-02 where it can, and is refused by name where it cannot
    # (before: pandas' OutOfBoundsDatetime "Cannot cast 2300-01-01 00:00:00 to unit='ns'").
    if PANDAS_2:
        with pytest.raises(ValueError, match=r"Value of 'period' must be a time from 1677-09-21"):
            period_end("2300-01-01", "day")
    else:
        assert period_end("2300-01-01", "day") == pd.Timestamp("2300-01-02")


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        # by hand: a day runs from its midnight to the next, 24 hours on a naive clock; pandas 2
        # raised OutOfBoundsDatetime for each (its sum was made in nanoseconds)
        ("2262-04-11", "2262-04-11", "2262-04-12"),
        ("1677-09-21", "1677-09-21", "1677-09-22"),
        ("2300-01-01", "2300-01-01", "2300-01-02"),
    ],
)
def test_the_bounds_of_a_day_at_the_limits_of_nanoseconds(day, start, end):
    assert day_bounds(day) == (pd.Timestamp(start), pd.Timestamp(end))


def test_a_day_whose_end_nanoseconds_cannot_hold_is_refused_by_name():
    # By hand: 2262-04-12 00:00 is after pandas.Timestamp.max, 2262-04-11 23:47:16.854775807.
    with pytest.raises(ValueError, match=r"Value of 'day' is 2262-04-11, which ends after"):
        day_bounds(pd.Timestamp("2262-04-11 10:00").as_unit("ns"), "UTC")


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("Europe/Paris", "2026-03-29", 23),
        ("Europe/Paris", "2026-10-25", 25),
        ("America/New_York", "2026-03-08", 23),
        ("America/New_York", "2026-11-01", 25),
    ],
)
def test_hour_ends_across_a_clock_change_count_every_hour_once(zone, day, hours):
    # By hand: a day of a spring (autumn) change has 23 (25) elapsed hours; stepping one hour
    # from its first instant reaches the next midnight in exactly that many steps, each end
    # the next start, none repeated or skipped.
    start, end = day_bounds(day, zone)
    starts = pd.Series(pd.date_range(start, end, freq="h", inclusive="left"))
    ends = period_end(starts, "hour")
    assert len(starts) == hours
    assert ends.iloc[:-1].tolist() == starts.iloc[1:].tolist()
    assert ends.iloc[-1] == end
