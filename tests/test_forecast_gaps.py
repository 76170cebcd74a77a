"""The gaps of more than four days that a forecast warns of, found in linear time, are those
that sorting every arrival shows."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpikit.forecast._series import gaps_between


def sorted_gaps(times, start, longest):
    """The reference: sort, keep the last arrival before ``start`` and every one after, and
    measure each step (the forecast's code before)."""
    times = np.sort(times)
    first = np.searchsorted(times, start.to_datetime64())
    points = times[max(first - 1, 0) :]
    gaps = np.flatnonzero(np.diff(points) > longest.to_timedelta64())
    return points[gaps], points[gaps + 1]


MINUTE = 60 * 10**6  # in microseconds


@settings(max_examples=300, deadline=None)
@given(
    minutes=st.lists(st.integers(0, 60 * 24 * 60), min_size=0, max_size=60),
    start_minute=st.integers(-60 * 24, 60 * 24 * 61),
    longest_hours=st.integers(24, 24 * 9),
)
def test_the_gaps_are_those_sorting_shows(minutes, start_minute, longest_hours):
    base = np.datetime64("2026-03-01T00:00", "us")
    times = base + np.array(minutes, dtype=np.int64) * np.timedelta64(MINUTE, "us")
    start = pd.Timestamp(base + np.timedelta64(start_minute * MINUTE, "us"))
    longest = pd.Timedelta(hours=longest_hours)
    last, following = gaps_between(times, start, longest)
    expected_last, expected_following = sorted_gaps(times, start, longest)
    np.testing.assert_array_equal(last, expected_last)
    np.testing.assert_array_equal(following, expected_following)


def test_a_gap_just_over_four_days_across_five_calendar_days_is_found():
    # Monday 23:59 to Saturday 00:00: 4 days and 1 minute, three whole days empty between
    times = pd.to_datetime(["2026-03-02 23:59", "2026-03-07 00:00", "2026-03-07 10:00"])
    last, following = gaps_between(times.to_numpy(), times[0], pd.Timedelta("4D"))
    assert list(last) == [times[0].to_datetime64()] and list(following) == [
        times[1].to_datetime64()
    ]
    # exactly 4 days apart is no gap
    times = pd.to_datetime(["2026-03-02 23:59", "2026-03-06 23:59"])
    assert gaps_between(times.to_numpy(), times[0], pd.Timedelta("4D"))[0].size == 0


def test_times_far_from_1970_do_not_overflow():
    # microseconds reach years that nanoseconds cannot (past 2262)
    times = np.array(["2300-01-01T00:00", "2300-01-20T00:00"], dtype="datetime64[us]")
    last, following = gaps_between(times, pd.Timestamp("2300-01-01"), pd.Timedelta("4D"))
    assert list(last) == [times[0]] and list(following) == [times[1]]
