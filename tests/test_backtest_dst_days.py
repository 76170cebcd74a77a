"""Backtests across daylight-saving changes score the intervals of real time of the day.

The logs: a contact log per half hour of real time from the previous weeks up to the day the
clocks change; every day has 10 contacts in each half hour, but 30 in those of the wall hour
the clocks skip or repeat, so that a weekly seasonal naive forecast reads 30 there. Each
backtest has one origin, noon of the day before the change (``until`` the day after): lead
``next_day`` is the day of the change.
"""

import warnings

import pandas as pd
import pytest

from kpikit import forecast

PARIS, NEW_YORK = "Europe/Paris", "America/New_York"


def half_hour_log(zone, first_day, until, rate, talk=lambda wall: 180.0):
    """``rate(wall)`` contacts in each half hour of real time starting at the zoned ``wall``
    (spread over it), answered, each talking ``talk(wall)`` seconds."""
    starts = pd.date_range(
        pd.Timestamp(first_day, tz=zone),
        pd.Timestamp(until, tz=zone),
        freq="30min",
        inclusive="left",
    )
    rows = [
        (start + pd.Timedelta(seconds=60 + 1700 * k / rate(start)), talk(start))
        for start in starts
        for k in range(rate(start))
    ]
    arrived = pd.DatetimeIndex([time for time, _ in rows]).tz_convert(zone)
    return pd.DataFrame(
        {
            "contact_id": range(len(rows)),
            "arrived_at": arrived,
            "answered": True,
            "wait_s": 5.0,
            "talk_s": [seconds for _, seconds in rows],
        }
    )


def scores(log, until, *, freq="30min", targets=("volume",), origins=1, lead="next_day"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = forecast.backtest(
            log,
            freq=freq,
            until=until,
            targets=targets,
            models=("seasonal_naive",),
            origins=origins,
        )
    return table[table["lead"] == lead].set_index("target")


def spring_log(zone, day):
    """The wall hour 02:00 gets 30 contacts per half hour; it does not happen on ``day``."""
    first = pd.Timestamp(day) - pd.Timedelta("42D")
    until = pd.Timestamp(day) + pd.Timedelta("1D")
    return half_hour_log(zone, first, until, lambda wall: 30 if wall.hour == 2 else 10)


def autumn_log(zone, day, hour):
    """The wall hour ``hour`` (repeated on ``day``) gets 30 contacts per half hour, but on
    ``day`` 10 in its first pass and 50 in its second; those of the second pass talk 360 s."""
    day = pd.Timestamp(day)
    summer = pd.Timestamp(day, tz=zone).utcoffset()  # the offset of the first pass

    def second_pass(wall):
        on_day = wall.tz_localize(None).normalize() == day
        return on_day and wall.hour == hour and wall.utcoffset() != summer

    def rate(wall):
        if wall.hour != hour:
            return 10
        if wall.tz_localize(None).normalize() != day:
            return 30
        return 50 if second_pass(wall) else 10

    first, until = day - pd.Timedelta("42D"), day + pd.Timedelta("1D")
    return half_hour_log(zone, first, until, rate, lambda wall: 360.0 if second_pass(wall) else 180)


@pytest.mark.parametrize(("zone", "day"), [(PARIS, "2026-03-29"), (NEW_YORK, "2026-03-08")])
@pytest.mark.parametrize(("freq", "intervals"), [("30min", 46), ("hour", 23)])
def test_spring_forward_scores_only_the_intervals_that_happen(zone, day, freq, intervals):
    log = spring_log(zone, day)
    until = pd.Timestamp(day) + pd.Timedelta("1D")
    volume = scores(log, until, freq=freq).loc["volume"]
    # 23 real hours, 46 half hours of 10 contacts (20 per hour) each; the seasonal naive
    # forecasts 10 (20) for each of them, and 30 (60) for 02:00, which does not happen
    assert volume["intervals"] == intervals
    assert volume["wape"] == pytest.approx(0.0)  # 100 * 0 / 460
    assert volume["bias"] == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("zone", "day", "hour"), [(PARIS, "2026-10-25", 2), (NEW_YORK, "2026-11-01", 1)]
)
def test_fall_back_scores_each_pass_of_the_repeated_hour_against_its_own_contacts(zone, day, hour):
    log = autumn_log(zone, day, hour)
    until = pd.Timestamp(day) + pd.Timedelta("1D")
    table = scores(log, until, targets=("volume", "aht"))
    volume, aht = table.loc["volume"], table.loc["aht"]
    # 50 real half hours; 46 of 10 contacts, the repeated hour's first pass 2 x 10, its second
    # 2 x 50: 580 contacts. Both passes are forecast 30 (the week before):
    # 100 * (2 * |30 - 10| + 2 * |30 - 50|) / 580 = 100 * 80 / 580
    assert volume["intervals"] == 50
    assert volume["wape"] == pytest.approx(100 * 80 / 580)  # 13.79 %
    assert volume["bias"] == pytest.approx(0.0)  # 100 * (2 * 20 - 2 * 20) / 580
    # AHT 180 s everywhere but in the second pass (360 s), forecast 180 s for both passes:
    # 100 * 2 * 180 / (48 * 180 + 2 * 360) = 100 * 360 / 9360
    assert aht["intervals"] == 50
    assert aht["wape"] == pytest.approx(100 * 360 / 9360)  # 3.85 %


def test_hourly_fall_back_scores_the_repeated_hour_twice():
    log = autumn_log(PARIS, "2026-10-25", 2)
    volume = scores(log, "2026-10-26", freq="hour").loc["volume"]
    # 25 real hours of 20 contacts, but 20 and 100 in the two passes of 02:00: 580 contacts;
    # both passes forecast 60: 100 * (|60 - 20| + |60 - 100|) / 580
    assert volume["intervals"] == 25
    assert volume["wape"] == pytest.approx(100 * 80 / 580)


def test_daily_scores_the_real_volume_of_a_short_day():
    log = half_hour_log(
        PARIS, "2026-02-15", "2026-04-02", lambda wall: 30 if wall.hour == 2 else 10
    )
    # until 2 April: the origins stand for the ends of 26 and 31 March (5 days apart); lead
    # next_week of the first is 28 March to 1 April (the log's end). The seasonal naive
    # forecasts 520 contacts per 24 hours (46 * 10 + 2 * 30) for each day; on the 23-hour
    # 29 March that is 520 * 23 / 24 = 498.33 against the 460 that arrived (46 * 10), on the
    # other days 520 against 520: 100 * 38.33 / (4 * 520 + 460) = 1.51 %
    volume = scores(log, "2026-04-02", freq="day", origins=2, lead="next_week").loc["volume"]
    assert volume["intervals"] == 5
    assert volume["wape"] == pytest.approx(100 * (520 * 23 / 24 - 460) / (4 * 520 + 460))
    assert volume["bias"] == pytest.approx(100 * (520 * 23 / 24 - 460) / (4 * 520 + 460))
