"""Daily forecasts across daylight-saving changes: each day's real length and volume.

The log: h % 4 contacts in UTC hour h, so any 24 consecutive hours hold 6 * (0 + 1 + 2 + 3) = 36
of them, as does every Paris day of 24 hours. AHT is 60 s. In Paris 2026-03-29 has 23 hours
and 2026-10-25 has 25.
"""

import numpy as np
import pandas as pd
import pytest

from kpikit import forecast, queueing

PARIS = "Europe/Paris"


def paris_log(first_day, days):
    """Contacts from UTC midnight of ``first_day``: UTC hour h of each day gets h % 4 of them,
    read in Paris time."""
    hours = pd.date_range(first_day, periods=24 * days, freq="h", tz="UTC")
    times = [
        hour + pd.Timedelta(minutes=10 * (k + 1)) for hour in hours for k in range(hour.hour % 4)
    ]
    arrived = pd.DatetimeIndex(times).tz_convert(PARIS)
    return pd.DataFrame({"arrived_at": arrived, "answered": True, "talk_s": 60.0})


@pytest.fixture(scope="module")
def spring():
    return paris_log("2026-03-01", 42)


@pytest.fixture(scope="module")
def autumn():
    return paris_log("2026-09-27", 42)


def daily(log, until, horizon):
    return forecast.forecast(
        log,
        freq="day",
        horizon=horizon,
        until=until,
        model="seasonal_naive",
        targets=("volume", "aht"),
    )


def test_each_forecast_day_lasts_its_real_hours_in_the_zone(spring, autumn):
    # 23 hours (clocks forward on 29 March), 25 hours (back on 25 October), else 24
    march = daily(spring, "2026-03-29", "2D").intervals
    october = daily(autumn, "2026-10-25", "2D").intervals
    assert list(march["period"]) == list(
        pd.DatetimeIndex(["2026-03-29", "2026-03-30"]).tz_localize(PARIS)
    )
    assert list(march["interval_s"]) == [82_800.0, 86_400.0]
    assert list(october["interval_s"]) == [90_000.0, 86_400.0]
    # lengths match the periods' real spacing: 30 March 00:00+02:00 - 29 March 00:00+01:00
    assert (march["period"].iloc[1] - march["period"].iloc[0]).total_seconds() == 82_800.0


def test_a_day_of_23_or_25_hours_gets_the_weeks_daily_volume_for_its_hours(spring, autumn):
    # Seasonal naive repeats the day a week earlier, a 24-hour day of 36 contacts (the module
    # docstring). Per 24 hours that is 36, so the 23-hour day gets 36 * 23 / 24 = 34.5 and the
    # 25-hour day 36 * 25 / 24 = 37.5; the 24-hour day after each keeps 36. Before, every day
    # got 36 and 86,400 s, a 23-hour day's volume spread over 24 hours.
    march = daily(spring, "2026-03-29", "2D").intervals
    october = daily(autumn, "2026-10-25", "2D").intervals
    assert march["volume"].tolist() == pytest.approx([34.5, 36.0])
    assert october["volume"].tolist() == pytest.approx([37.5, 36.0])
    # the bounds are scaled with the volume; the AHT is per contact, not per hour: 60 s
    assert (october["volume_low"] <= october["volume"]).all()
    assert (october["volume"] <= october["volume_high"]).all()
    assert october["aht_s"].tolist() == pytest.approx([60.0, 60.0])


def test_the_day_after_a_25_hour_day_repeats_its_volume_per_24_hours(autumn):
    # 25 October in Paris runs from UTC 24 Oct 22:00 to 25 Oct 23:00: UTC hours 22 and 23 of
    # the 24th (2 + 3 = 5 contacts) and 00 to 22 of the 25th (36 - 23 % 4 = 33): 38 contacts
    # in 25 hours, 38 * 24 / 25 = 36.48 per 24 hours. Seasonal naive gives it to 1 November,
    # a 24-hour day: 36.48 (before: the whole 38).
    table = daily(autumn, "2026-11-01", "1D").intervals
    assert list(table["period"]) == [pd.Timestamp("2026-11-01", tz=PARIS)]
    assert table["interval_s"].tolist() == [86_400.0]
    assert table["volume"].tolist() == pytest.approx([38 * 24 / 25])


def test_the_day_after_a_23_hour_day_repeats_its_volume_per_24_hours(spring):
    # 29 March in Paris runs from UTC 28 Mar 23:00 to 29 Mar 22:00: UTC hour 23 of the 28th
    # (3 contacts) and 00 to 21 of the 29th (36 - 2 - 3 = 31): 34 contacts in 23 hours,
    # 34 * 24 / 23 per 24 hours, given to 5 April, a 24-hour day (before: 34).
    table = daily(spring, "2026-04-05", "1D").intervals
    assert table["interval_s"].tolist() == [86_400.0]
    assert table["volume"].tolist() == pytest.approx([34 * 24 / 23])


def test_agents_required_spreads_a_day_over_its_real_hours(autumn):
    # 1 November (24 h): 36.48 contacts of 180 s over 86,400 s = 0.076 Erlangs (before: the
    # 25-hour day's 38 contacts over 86,400 s, 0.0792). 25 October (25 h): 37.5 contacts over
    # 90,000 s = 0.075 Erlangs, the load of every day of this log (1.5 contacts an hour).
    after = daily(autumn, "2026-11-01", "1D")
    plan = queueing.agents_required(after, 180, target_sl=80, threshold_s=20)
    assert plan["traffic"].tolist() == pytest.approx([36.48 * 180 / 86_400])
    assert plan["traffic"].iloc[0] == pytest.approx(0.076)
    change = daily(autumn, "2026-10-25", "1D")
    plan = queueing.agents_required(change, 180, target_sl=80, threshold_s=20)
    assert plan["volume"].tolist() == pytest.approx([37.5])
    assert plan["traffic"].tolist() == pytest.approx([37.5 * 180 / 90_000])


def test_a_day_without_a_zone_lasts_86400_seconds():
    log = paris_log("2026-09-27", 35)
    naive = log.assign(arrived_at=log["arrived_at"].dt.tz_localize(None))
    table = daily(naive, "2026-10-26", "2D").intervals
    assert table["interval_s"].tolist() == [86_400.0, 86_400.0]


def short_log(hours):
    """``hours`` hours of naive contacts from 2026-02-02 00:00, one every 10 minutes."""
    times = pd.date_range("2026-02-02", periods=6 * hours, freq="10min")
    return pd.DataFrame({"arrived_at": times, "answered": True, "talk_s": 60.0})


@pytest.mark.parametrize(
    ("hours", "found", "advised"),
    [
        # until = the last arrival, 22:50: 45 complete half hours (22.5 h), fewer than the 48
        # seasonal naive needs (a day): only the historic average fits
        (23, "22.5 hours", "historic_average"),
        # 45.5 h: seasonal naive fits (48 half hours), MSTL does not (96, two days)
        (46, "45.5 hours", "seasonal_naive"),
        # 4 days 23.5 h: 4.98 days, MSTL fits
        (120, "5.0 days", "mstl"),
    ],
)
def test_too_short_for_a_backtest_says_the_hours_and_a_model_that_fits(hours, found, advised):
    log = short_log(hours)
    with pytest.raises(ValueError, match="too short for a backtest") as error:
        forecast.volume(log, freq="30min")
    message = str(error.value)
    assert f"(found {found})" in message
    assert f"(model='{advised}')" in message
    table = forecast.volume(log, freq="30min", model=advised)  # the advice works
    assert len(table) == 48 and np.isfinite(table["forecast"]).all()


def test_a_scenario_of_days_across_a_clock_change_is_refused_with_the_way_out(spring):
    # 29 March lasts 82,800 s and 30 March 86,400 s: one scenario holds one interval length,
    # so the error says why the lengths differ and that an hourly forecast plans that day.
    from kpikit import scenarios

    with pytest.raises(ValueError, match=r"\[82800.0, 86400.0\]: days of 23 or 25 hours.*'hour'"):
        scenarios.scenario_from_forecast(daily(spring, "2026-03-29", "2D"))
