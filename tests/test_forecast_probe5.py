"""Probe 5 of kpikit.forecast: a group with days of no contact, a day with no complete interval.

The log is :func:`tests.test_forecast.weekly_log`: 35 days from Monday 2024-01-01, open
09:00-13:00, the last contact on Sunday 2024-02-04 at 12:32 (``until`` by default).
"""

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

from kpikit import forecast
from kpikit.forecast._series import MAX_HISTORY_GAP, gaps_between, group_gaps
from tests.test_forecast import weekly_log

NAIVE = {"freq": "day", "horizon": "1D", "by": "queue", "model": "seasonal_naive"}


@pytest.fixture(scope="module")
def log():
    return weekly_log()


def _with_sales_until(log, day):
    """``log`` (queue "billing") and a copy of it as queue "sales" up to ``day`` (excluded),
    each contact with an id of its own."""
    sales = log[log["arrived_at"] < pd.Timestamp(day)].assign(queue="sales")
    return _own_ids(pd.concat([log, sales], ignore_index=True))


def _own_ids(log):
    """``log`` with ids 0, 1, ...: a copy of some of its rows repeated their ids, refused."""
    return log.assign(contact_id=range(len(log)))


@pytest.mark.parametrize("lazy", [False, True])
def test_a_group_whose_contacts_stop_is_named(log, lazy):
    # "sales" has no contact after Sunday 21 January 12:32, 14 days before 'until': its
    # forecast was a confident 0 (the week before is all zeros) without a word, while the same
    # gap for the whole log is refused. A lazy log is added up per minute: the same message
    both = _with_sales_until(log, "2024-01-22")
    data = pl.from_pandas(both).lazy() if lazy else both
    with pytest.warns(UserWarning) as caught:
        table = forecast.volume(data, **NAIVE)
    [message] = [str(warning.message) for warning in caught]
    assert message.startswith(
        "1 group(s) have no contact for more than 4 days in the history the forecast reads, up "
        "to 'until' (2024-02-04 12:32:00): queue='sales' 2024-01-21 12:32 to 2024-02-04 12:32;"
    )
    assert "filter it out of the data" in message
    # the forecast itself is unchanged: Sunday 28 January had 23 billing contacts, no sales
    assert table.set_index("queue")["forecast"].to_dict() == {"billing": 23.0, "sales": 0.0}


def test_a_group_quiet_for_four_days_or_less_is_not_named(log):
    # "sales" up to Thursday 1 February 12:00 (its last contact at 11:3x): 3 days and about
    # an hour before 'until', so not named; the same log cut at 1 February 00:00 ends on
    # 31 January 12:31, 4 days and 1 minute before 'until', and is named
    both = _with_sales_until(log, "2024-02-01 12:00")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecast.volume(both, **NAIVE)
    with pytest.warns(UserWarning, match="queue='sales' 2024-01-31 12:31 to 2024-02-04 12:32;"):
        forecast.volume(_with_sales_until(log, "2024-02-01"), **NAIVE)


def test_a_gap_inside_the_history_of_one_group_is_named(log):
    # "sales" has no contact from Monday 22 to Sunday 28 January (its rows of those days are
    # missing): the week before 'until' reads as zeros for it, and its seasonal naive forecast
    # of Sunday 4 February was a confident 0 without a word; "billing" has every day
    missing = log["arrived_at"].between("2024-01-22", "2024-01-29")
    both = _own_ids(pd.concat([log, log[~missing].assign(queue="sales")], ignore_index=True))
    with pytest.warns(UserWarning) as caught:
        table = forecast.volume(both, **NAIVE)
    [message] = [str(warning.message) for warning in caught]
    # the last "sales" contact before the gap: Sunday 21 January at 12:32; the first after
    # it: Monday 29 January at 09:00
    assert "): queue='sales' 2024-01-21 12:32 to 2024-01-29 09:00;" in message
    assert table.set_index("queue")["forecast"].to_dict() == {"billing": 23.0, "sales": 0.0}


def test_a_gap_of_the_whole_log_is_named_once(log):
    # no contact at all from 22 to 28 January: the log's gap warning names it, and each group
    # holding it is not named a second time
    missing = log["arrived_at"].between("2024-01-22", "2024-01-29")
    both = _with_sales_until(log[~missing], "2024-02-05")
    with pytest.warns(UserWarning) as caught:
        forecast.volume(both, **NAIVE)
    [message] = [str(warning.message) for warning in caught]
    assert message.startswith(
        "Column 'arrived_at' has no contact for more than 4 days 1 time(s) in the history the "
        "forecast reads (2024-01-21 12:32 to 2024-01-29 09:00)"
    )


def test_a_group_that_stops_at_a_gap_of_the_whole_log_is_named_too(log):
    # no contact at all from 22 to 28 January, and none for "sales" after 21 January: the
    # log's warning names the week (21 January 12:32 to 29 January 09:00), and "sales" is
    # named for its 14 days up to 'until': they run on 6 days 3.5 hours after the log's gap
    missing = log["arrived_at"].between("2024-01-22", "2024-01-29")
    both = _with_sales_until(log[~missing], "2024-01-22")
    with pytest.warns(UserWarning) as caught:
        forecast.volume(both, **NAIVE)
    messages = [str(warning.message) for warning in caught]
    assert len(messages) == 2
    assert "): queue='sales' 2024-01-21 12:32 to 2024-02-04 12:32;" in messages[1]


def test_a_group_closed_on_listed_special_days_is_not_named(log):
    # "sales" last on Sunday 28 January; every whole day from 29 January to 3 February is a
    # special day the caller listed (a closure), so the gap is declared
    both = _with_sales_until(log, "2024-01-29")
    closed = pd.date_range("2024-01-29", "2024-02-03", freq="D")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecast.volume(both, special_days=list(closed), **NAIVE)


@pytest.mark.parametrize("options", [{}, {"model": "historic_average"}])
def test_until_within_the_first_day_names_the_first_until_that_works(options):
    # one contact on 1 January 10:00, until 10:00 by day: the day holding 'until' is not
    # complete, so nothing lies before the end of the history (1 January 00:00). The message
    # said "leaves no complete day interval" with no way out; the first 'until' that works is
    # the end of that day, 2 January 00:00
    one = pd.DataFrame({"arrived_at": [pd.Timestamp("2024-01-01 10:00")], "answered": [True]})
    with pytest.raises(ValueError, match=r"give a 'until' of 2024-01-02 00:00:00 or later"):
        forecast.volume(one, freq="day", **options)


@pytest.mark.parametrize("seed", range(20))
def test_group_gaps_are_those_of_each_group_alone(seed):
    # the gaps found for all groups at once are those gaps_between finds in each group's own
    # arrivals, plus the stretch from its last arrival to 'until' when over 4 days
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 40))
    t0 = pd.Timestamp("2024-01-01").value
    times = pd.to_datetime(rng.integers(t0, t0 + 60 * 86_400 * 10**9, size)).to_numpy()
    codes = rng.integers(0, 3, size)
    codes = pd.factorize(codes)[0]  # numbered 0, 1, ... as the forecast numbers groups
    start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 30)))
    until = max(pd.Timestamp(times.max()), start) + pd.Timedelta(hours=int(rng.integers(0, 200)))
    found = list(zip(*group_gaps(times, codes, start, until), strict=True))
    expected = []
    for code in range(codes.max() + 1):
        own = times[codes == code]
        pairs = list(zip(*gaps_between(own, start, MAX_HISTORY_GAP), strict=True))
        if until - pd.Timestamp(own.max()) > MAX_HISTORY_GAP:
            pairs.append((own.max(), until))
        expected += [(code, pd.Timestamp(last), pd.Timestamp(after)) for last, after in pairs]
    assert [(int(c), pd.Timestamp(a), pd.Timestamp(b)) for c, a, b in found] == expected
