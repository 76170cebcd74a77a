"""Forecasts and backtests on a small hand-made log whose weeks repeat exactly.

Fits run once per session (statsforecast models are the slow part): a fixture with a
backtest over every model, and seasonal-naive forecasts that are cheap.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from kpikit import forecast, queueing
from kpikit.forecast._backtest import summarise
from kpikit.scenarios import scenario_from_forecast

START = pd.Timestamp("2024-01-01")  # a Monday
DAYS = 35


def weekly_log(days=DAYS):
    """Open 09:00-13:00; slot k of weekday d gets 2 + (d + k) % 3 contacts; AHT 100 + 10 d s."""
    rows = []
    for day in range(days):
        date = START + pd.Timedelta(days=day)
        weekday = date.day_of_week
        for slot in range(8):  # 30-minute slots from 09:00
            for number in range(2 + (weekday + slot) % 3):
                rows.append(
                    (date + pd.Timedelta(hours=9, minutes=30 * slot + number), 100.0 + 10 * weekday)
                )
    frame = pd.DataFrame(rows, columns=["arrived_at", "talk_s"])
    frame["contact_id"] = np.arange(len(frame))
    frame["answered"] = True
    frame["wait_s"] = 5.0
    frame["queue"] = "billing"
    return frame


@pytest.fixture(scope="session")
def log():
    return weekly_log()


@pytest.fixture(scope="session")
def chosen(log):
    return forecast.forecast(
        log, freq="30min", horizon="1D", origins=2, spacing="3D", history="28D"
    )


def test_volume_has_the_contract_columns(log):
    table = forecast.volume(log, freq="30min", horizon="1D", model="seasonal_naive")
    assert list(table.columns) == ["period", "forecast", "ci_low", "ci_high"]
    # the log ends on Sunday 4 Feb 12:31; the first interval is the one holding 'until'
    assert table["period"].iloc[0] == pd.Timestamp("2024-02-04 12:30")
    assert len(table) == 48  # one day of 30-minute intervals


def test_seasonal_naive_repeats_last_week(log):
    table = forecast.volume(
        log, freq="30min", horizon="1D", until="2024-02-05", model="seasonal_naive", by="queue"
    )
    nine = table.set_index("period").loc[pd.Timestamp("2024-02-05 09:00"), "forecast"]
    assert list(table.columns[:2]) == ["queue", "period"]
    assert nine == 2.0  # Monday (weekday 0), slot 0: 2 + 0 contacts, as the Monday before
    assert (table["ci_low"] <= table["forecast"]).all()
    assert (table["ci_high"] >= table["forecast"]).all()


def test_until_hides_later_contacts(log):
    changed = pd.concat(
        [
            log,
            log.iloc[:50].assign(
                arrived_at=pd.Timestamp("2024-02-05 09:05"), contact_id=np.arange(10_000, 10_050)
            ),
        ]
    )
    before = forecast.volume(log, until="2024-02-05", model="seasonal_naive")
    after = forecast.volume(changed, until="2024-02-05", model="seasonal_naive")
    pd.testing.assert_frame_equal(before, after)


def test_a_group_that_starts_after_until_is_refused(log):
    # A queue opened on 5 February, after until: nothing before until tells of it. It had 48
    # rows of forecast 0 with an interval of 0 to 0 ("certainly no contacts"), learned from
    # contacts after until; then it was left out of the table without a word. It is named.
    opened = log.iloc[:50].assign(
        arrived_at=pd.Timestamp("2024-02-05 09:05"),
        contact_id=np.arange(10_000, 10_050),
        queue="sales",
    )
    said = r"1 group\(s\) with no contact before 'until' .*\(queue='sales' from 2024-02-05 09:05"
    with pytest.raises(ValueError, match=said):
        forecast.volume(
            pd.concat([log, opened]), until="2024-02-05", model="seasonal_naive", by="queue"
        )


def test_a_group_that_starts_late_in_the_history_is_warned_of(log):
    # A queue opened on Saturday 3 February, 33 days into the log: the 33 days before read as
    # days without contacts, and seasonal naive repeats the Monday before (none) for Monday 5.
    opened = log[log["arrived_at"] >= "2024-02-03"].assign(queue="sales")
    opened = opened.assign(contact_id=np.arange(len(opened)) + 1_000_000)  # ids of its own
    said = r"1 group\(s\) start later .* starts on 2024-01-01 \(queue='sales' from 2024-02-03\)"
    with pytest.warns(UserWarning, match=said):
        table = forecast.volume(
            pd.concat([log, opened]), until="2024-02-05", model="seasonal_naive", by="queue"
        )
    assert table.groupby("queue")["forecast"].sum()["sales"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # billing alone starts with the log: no warning
        forecast.volume(log, until="2024-02-05", model="seasonal_naive", by="queue")


def test_backtest_scores_and_choice(chosen):
    table = chosen.backtest
    assert set(table["lead"]) <= set(forecast.LEADS)
    naive = table[(table["model"] == "seasonal_naive") & (table["target"] == "volume")]
    assert (naive["wape"] == 0).all()  # the weeks repeat exactly
    # ties go to the baseline: seasonal naive is the model used, and the notes say so
    assert chosen.chosen.set_index("target").loc["volume", "model"] == "seasonal_naive"
    assert any("the baseline seasonal_naive wins" in note for note in chosen.notes())
    assert table.groupby(["target", "lead"])["chosen"].sum().eq(1).all()
    assert {"wape", "mase", "bias", "gain_pct", "best", "baseline"} <= set(table.columns)


def test_aht_forecast_follows_the_weekday(chosen):
    intervals = chosen.intervals.set_index("period")
    # the forecast day is Sunday (weekday 6): AHT 100 + 10 * 6 s, learnt exactly
    assert intervals.loc[pd.Timestamp("2024-02-04 12:30"), "aht_s"] == pytest.approx(160.0)


def test_wape_mase_bias_by_hand():
    errors = pd.DataFrame(
        {
            "unique_id": "all",
            "lead": "next_day",
            "model": "seasonal_naive",
            "forecast": [10.0, 20.0],
            "actual": [8.0, 25.0],
            "error": [2.0, -5.0],
            "scaled": [1.0, 2.5],
            "origin": pd.Timestamp("2024-01-01"),
        }
    )
    row = summarise(errors, ["unique_id"]).iloc[0]
    assert row["wape"] == pytest.approx(100 * 7 / 33)  # (|2| + |-5|) / (8 + 25)
    assert row["bias"] == pytest.approx(100 * -3 / 33)  # (2 - 5) / 33
    assert row["mase"] == pytest.approx(1.75)  # mean of 1 and 2.5
    assert row["gain_pct"] == 0.0


def test_special_day_factor(log):
    plain = forecast.volume(log, until="2024-02-05", model="seasonal_naive")
    holiday = forecast.volume(
        log, until="2024-02-05", model="seasonal_naive", special_days={"2024-02-05": 0.5}
    )
    assert holiday["forecast"].sum() == pytest.approx(plain["forecast"].sum() / 2)


def test_forecast_frame_feeds_staffing_and_scenarios(log):
    result = forecast.forecast(log, until="2024-02-05", model="seasonal_naive")
    plan = queueing.agents_required(result, target_sl=80, volume_quantile=0.9)
    assert list(plan.columns[:1]) == ["period"]
    assert (plan["volume"] >= result.intervals["volume"] - 1e-9).all()
    scenario = scenario_from_forecast(result)
    assert scenario.volume.sum() == pytest.approx(result.intervals["volume"].sum())
    assert scenario.labels[18] == "Mon 09:00"


def test_bad_input_is_named(log):
    with pytest.raises(ValueError, match="'freq' is not a forecast interval"):
        forecast.volume(log, freq="5min")
    with pytest.raises(ValueError, match="'model' is not a model"):
        forecast.volume(log, model="prophet")
    with pytest.raises(ValueError, match="too short for a backtest"):
        forecast.volume(weekly_log(days=10))
    with pytest.raises(ValueError, match="'special_days'"):
        forecast.volume(log, model="seasonal_naive", special_days={"2024-02-05": -1})
    with pytest.raises(ValueError, match="'level'"):
        forecast.volume(log, model="seasonal_naive", level=0.95 * 200)


def hourly_log(first_day, days):
    """Contacts in UTC from midnight of ``first_day``: hour h of each day gets h % 4 of them."""
    hours = pd.date_range(first_day, periods=24 * days, freq="h", tz="UTC")
    times = [
        hour + pd.Timedelta(minutes=10 * (k + 1)) for hour in hours for k in range(hour.hour % 4)
    ]
    return pd.DataFrame({"arrived_at": times, "answered": True, "talk_s": 60.0})


def test_a_zoned_until_is_an_instant():
    # The same instant given in UTC and in Paris (UTC+1 in February) used to start the forecast
    # at 12:00 and at 13:00: the zones were dropped, not converted.
    log = hourly_log("2024-01-08", 28)
    options = {"freq": "hour", "horizon": "3h", "model": "seasonal_naive"}
    utc = forecast.volume(log, until=pd.Timestamp("2024-02-04 12:00", tz="UTC"), **options)
    paris = forecast.volume(
        log, until=pd.Timestamp("2024-02-04 13:00", tz="Europe/Paris"), **options
    )
    pd.testing.assert_frame_equal(utc, paris)
    expected = pd.date_range("2024-02-04 12:00", periods=3, freq="h", tz="UTC", unit="us")
    assert list(utc["period"]) == list(expected)
    # by hand: one week earlier, hours 12, 13 and 14 UTC had 12 % 4, 13 % 4, 14 % 4 contacts
    assert list(utc["forecast"]) == [0.0, 1.0, 2.0]


def test_a_naive_until_is_wall_time_in_the_contacts_zone():
    log = hourly_log("2024-01-08", 28)
    paris = log.assign(arrived_at=log["arrived_at"].dt.tz_convert("Europe/Paris"))
    table = forecast.volume(
        paris, freq="hour", horizon="1h", until="2024-02-04 13:00", model="seasonal_naive"
    )
    # 13:00 in Paris is 12:00 UTC: 12 % 4 = 0 contacts a week earlier
    assert table["period"].iloc[0] == pd.Timestamp("2024-02-04 13:00", tz="Europe/Paris")
    assert table["forecast"].iloc[0] == 0.0


@pytest.mark.parametrize(
    ("day", "wall_hours", "offset_before"),
    [
        ("2024-03-31", [0, 1, *range(3, 24)], 1),  # clocks go forward at 02:00: 23 hours
        ("2024-10-27", [0, 1, 2, 2, *range(3, 24)], 2),  # back at 03:00: 25 hours, 02:00 twice
    ],
)
def test_hourly_periods_over_a_daylight_saving_day(day, wall_hours, offset_before):
    log = hourly_log(pd.Timestamp(day) - pd.Timedelta("28D"), 28)
    paris = log.assign(arrived_at=log["arrived_at"].dt.tz_convert("Europe/Paris"))
    options = {"freq": "hour", "horizon": "26h", "model": "seasonal_naive"}
    zoned = forecast.volume(paris, until=day, **options)
    assert str(zoned["period"].dtype) == "datetime64[us, Europe/Paris]"
    assert zoned["period"].is_unique
    assert len(zoned) == 26  # 26 hours of real time
    periods = zoned["period"][zoned["period"].dt.strftime("%Y-%m-%d") == day]
    assert list(periods.dt.hour) == wall_hours
    # by hand: the seasonal naive repeats the same wall hour a week earlier, when Paris was
    # UTC+1 (winter) or UTC+2 (summer): wall hour w was UTC hour w - offset, with
    # (w - offset) % 4 contacts. Both 02:00 of the autumn day get the forecast of 02:00.
    wall = zoned["period"].dt.hour
    assert list(zoned["forecast"]) == list((wall - offset_before) % 4 * 1.0)


@pytest.mark.parametrize(
    ("until", "freq", "horizon", "first_utc", "rows"),
    [
        # 02:10 in the second run of the repeated hour is 01:10 UTC: the first 02:00 (UTC
        # 00:00-01:00) is over, so the 3 hours run from the second 02:00 (UTC 01:00)
        ("2024-10-27 02:10+01:00", "hour", "3h", "01:00", 3),
        # the half hours 02:00 and 02:30 of the first run (UTC 00:00, 00:30) are over: a day
        # of 48 half hours from the second 02:00 (UTC 01:00); it gave 50 rows
        ("2024-10-27 02:10+01:00", "30min", "1D", "01:00", 48),
        # in the first run, both runs lie ahead: from UTC 00:00
        ("2024-10-27 02:10+02:00", "hour", "3h", "00:00", 3),
    ],
)
def test_a_forecast_from_the_hour_repeated_starts_at_until(until, freq, horizon, first_utc, rows):
    log = hourly_log(pd.Timestamp("2024-10-27") - pd.Timedelta("28D"), 28)
    paris = log.assign(arrived_at=log["arrived_at"].dt.tz_convert("Europe/Paris"))
    until = pd.Timestamp(until)
    table = forecast.volume(paris, freq=freq, horizon=horizon, until=until, model="seasonal_naive")
    utc = table["period"].dt.tz_convert("UTC")
    assert len(table) == rows and utc.is_monotonic_increasing and utc.is_unique
    assert utc.iloc[0] == pd.Timestamp(f"2024-10-27 {first_utc}", tz="UTC")
    assert (utc + pd.Timedelta(freq if freq != "hour" else "1h") > until).all()


@pytest.mark.parametrize(
    ("until", "freq", "horizon", "periods"),
    [
        # the horizon is real time from the interval holding until: 3 hours from 00:00+02:00
        # end with the first 02:00 (it gave 2 rows, the shift of the repeated hour taken off)
        ("2024-10-27 00:00+02:00", "hour", "3h", ["00:00+02", "01:00+02", "02:00+02"]),
        ("2024-10-27 01:00+02:00", "hour", "2h", ["01:00+02", "02:00+02"]),
        # the second 02:00 starts an hour after the horizon's end: left out (it was a third)
        ("2024-10-27 01:45+02:00", "30min", "1h", ["01:30+02", "02:00+02"]),
        # inside the first 02:00: that interval (no wall step was left, and numpy raised
        # "need at least one array to concatenate")
        ("2024-10-27 02:30+02:00", "hour", "1h", ["02:00+02"]),
    ],
)
def test_a_horizon_ending_in_the_repeated_hour_holds_its_real_time(until, freq, horizon, periods):
    log = hourly_log(pd.Timestamp("2024-10-27") - pd.Timedelta("28D"), 28)
    paris = log.assign(arrived_at=log["arrived_at"].dt.tz_convert("Europe/Paris"))
    table = forecast.volume(
        paris, freq=freq, horizon=horizon, until=pd.Timestamp(until), model="seasonal_naive"
    )
    shown = [f"{period:%H:%M%z}"[:-2] for period in table["period"]]
    assert shown == periods


@pytest.mark.parametrize(
    ("change", "count"),
    [
        # skipped: no 02:00 on 31 March; its count is the mean of 01:00 (UTC 00:00, 0 contacts)
        # and 03:00 (UTC 01:00, 1 contact)
        ("2024-03-31", 0.5),
        # repeated: 02:00 of 27 October came twice, at UTC 00:00 (0 contacts) and 01:00 (1):
        # 1 contact in two hours, 0.5 an hour
        ("2024-10-27", 0.5),
    ],
)
def test_the_hour_a_daylight_saving_change_skips_or_repeats_counts_per_real_hour(change, count):
    log = hourly_log(pd.Timestamp(change) - pd.Timedelta("14D"), 21)
    paris = log.assign(arrived_at=log["arrived_at"].dt.tz_convert("Europe/Paris"))
    week_after = pd.Timestamp(change) + pd.Timedelta("7D")
    table = forecast.volume(
        paris,
        freq="hour",
        horizon="3h",
        until=week_after + pd.Timedelta("1h"),
        model="seasonal_naive",
    )
    # seasonal naive: 01:00 to 03:00 a week after the change repeat the change's day
    assert list(table["period"].dt.hour) == [1, 2, 3]
    assert table["forecast"].iloc[1] == count


def test_a_daily_pattern_on_the_local_clock_keeps_its_hours_across_the_change():
    # Eight weeks of a center open 08:00 to 18:00 Paris time, busiest at 10:00 every day,
    # across the spring change. The four-week seasonal average for the week after the change
    # peaks at 10:00 and opens at 08:00, as every week of the history did on the wall clock;
    # counted in elapsed time it peaked at 11:00 (three of the four weeks were UTC+1).
    days = pd.date_range("2024-02-12", "2024-04-07", freq="D")
    times = [
        day + pd.Timedelta(hours=hour, minutes=minute)
        for day in days
        for hour in range(8, 18)
        for minute in range(0, 60, 60 // (6 if hour == 10 else 2))
    ]
    log = pd.DataFrame({"arrived_at": pd.DatetimeIndex(times).tz_localize("Europe/Paris")})
    log["answered"] = True
    table = forecast.volume(
        log, freq="hour", horizon="1D", until="2024-04-08", model="seasonal_average"
    )
    by_hour = table.set_index(table["period"].dt.hour)["forecast"]
    assert by_hour.idxmax() == 10 and by_hour.max() == 6.0
    assert by_hour[7] == 0.0 and by_hour[8] == 2.0 and by_hour[17] == 2.0 and by_hour[18] == 0.0


def test_daily_periods_are_the_zones_calendar_days():
    log = hourly_log("2024-03-03", 28)
    paris = log.assign(arrived_at=log["arrived_at"].dt.tz_convert("Europe/Paris"))
    table = forecast.volume(
        paris, freq="day", horizon="2D", until="2024-03-31", model="seasonal_naive"
    )
    expected = pd.DatetimeIndex(["2024-03-31", "2024-04-01"]).tz_localize("Europe/Paris")
    assert list(table["period"]) == list(expected)
    # by hand: the Paris days a week earlier (24 hours each) hold 6 * (0 + 1 + 2 + 3) contacts,
    # 36 per 24 hours; 31 March lasts 23 hours: 36 * 23 / 24 = 34.5
    assert list(table["forecast"]) == [34.5, 36.0]
