"""Bad input to kpikit.forecast gives a named error instead of a wrong or raw result.

The log is :func:`tests.test_forecast.weekly_log`: 35 days from Monday 2024-01-01, contacts
from 09:00 to 13:00 each day, the last one on Sunday 2024-02-04 at 12:31. Every check here
runs before a model is fitted, or fits the cheap seasonal naive.
"""

import numpy as np
import pandas as pd
import pytest

from kpikit import SchemaError, forecast
from tests.test_forecast import weekly_log

NAIVE = {"freq": "day", "horizon": "1D", "model": "seasonal_naive"}


@pytest.fixture(scope="module")
def log():
    return weekly_log()


@pytest.mark.parametrize("flags", [["Y", "N"], [1, 0], [1, 2]])
def test_answered_must_be_boolean(log, flags):
    # "N" or 2 used to count as answered (astype(bool)), lowering the AHT without a word
    changed = log.assign(answered=np.resize(flags, len(log)))
    with pytest.raises(SchemaError, match=r"contacts\.answered: wrong type"):
        forecast.aht(changed, **NAIVE)


def test_answered_must_not_be_missing(log):
    changed = log.assign(answered=log["answered"].astype("boolean"))
    changed.loc[[3, 7], "answered"] = pd.NA
    with pytest.raises(SchemaError, match=r"answered: 2 rows empty .*row positions: 3, 7\)"):
        forecast.volume(changed, **NAIVE)


def test_until_far_after_the_history(log):
    # 2024-02-09 minus the last arrival (2024-02-04 12:31) is 4 days 11:29, above 4 days
    with pytest.raises(ValueError, match="history ends on 2024-02-04, more than 4 days before"):
        forecast.volume(log, until="2024-02-09", **NAIVE)
    # 2024-02-08 is 3 days 11:29 after it (a long weekend): accepted, as the monitor's plan
    assert len(forecast.volume(log, until="2024-02-08", **NAIVE)) == 1


def test_history_too_short_for_the_model(log):
    # until 11:00 on the first day: 11 complete hours (00:00-11:00); the naive needs a day, 24
    with pytest.raises(ValueError, match="holds 11 intervals .* seasonal_naive 24 intervals"):
        forecast.volume(log, until="2024-01-01 11:00", freq="hour", model="seasonal_naive")
    # three days at freq="day"; MSTL needs two weeks (14), the seasonal average five (35)
    for model, needed in (("mstl", 14), ("seasonal_average", 35)):
        with pytest.raises(ValueError, match=f"holds 3 intervals .* {model} {needed} intervals"):
            forecast.volume(log, until="2024-01-04", freq="day", model=model)


@pytest.mark.parametrize(
    ("history", "error", "message"),
    [
        ("1h", ValueError, "'history' must hold at least one day interval"),
        ("abc", ValueError, "'history' must be a duration"),
        ("-2D", ValueError, "'history' must be positive"),
        (None, TypeError, "'history' must be a duration"),
        (0, TypeError, "'history' must be a duration"),
    ],
)
def test_history_is_checked(log, history, error, message):
    with pytest.raises(error, match=message):
        forecast.volume(log, history=history, **NAIVE)


def test_empty_log(log):
    for function in (forecast.volume, forecast.aht):
        with pytest.raises(ValueError, match="'data' has no contacts"):
            function(log.iloc[:0], **NAIVE)


@pytest.mark.parametrize("until", [np.nan, np.inf, 1e308, 10**30, True, "abc", pd.NaT])
def test_until_is_checked(log, until):
    with pytest.raises((TypeError, ValueError), match="'until' must be a date or time"):
        forecast.volume(log, until=until, **NAIVE)


@pytest.mark.parametrize("horizon", [None, np.nan, 5])
def test_horizon_is_checked(log, horizon):
    with pytest.raises(TypeError, match="'horizon' must be a duration"):
        forecast.volume(log, freq="day", horizon=horizon, model="seasonal_naive")


def test_targets_not_empty(log):
    with pytest.raises(ValueError, match="'targets' names nothing to forecast"):
        forecast.forecast(log, targets=(), **NAIVE)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"origins": np.inf}, TypeError, "'origins' must be a whole number"),
        ({"origins": 1e308}, TypeError, "'origins' must be a whole number"),
        ({"origins": "abc"}, TypeError, "'origins' must be a whole number"),
        ({"origins": 0}, ValueError, "'origins' must be at least 1"),
        ({"spacing": None}, TypeError, "'spacing' must be a duration"),
        ({"spacing": np.nan}, TypeError, "'spacing' must be a duration"),
        ({"spacing": "0D"}, ValueError, "'spacing' must be positive"),
        ({"spacing": "12h"}, ValueError, "'spacing' must be a whole number of days"),
    ],
)
def test_backtest_origins_and_spacing(log, options, error, message):
    with pytest.raises(error, match=message):
        forecast.backtest(log, freq="day", **options)


@pytest.mark.parametrize(
    ("special_days", "error", "message"),
    [
        ([None], ValueError, "holds None, which is not a date"),
        ([np.nan], ValueError, "holds nan, which is not a date"),
        ([pd.NaT], ValueError, "holds NaT, which is not a date"),
        ({"2024-02-05": "x"}, TypeError, "the factor 'x'; a factor is a number"),
        ({"2024-02-05": [1]}, TypeError, r"the factor \[1\]; a factor is a number"),
        ({"2024-02-05": 1e308}, ValueError, r"a factor is a number in \[0, 100\]"),
        ({"2024-02-05": 0.5, "2024-02-05 10:00": 2}, ValueError, "2024-02-05 twice"),
    ],
)
def test_special_days_are_checked(log, special_days, error, message):
    with pytest.raises(error, match=message):
        forecast.volume(log, until="2024-02-05", special_days=special_days, **NAIVE)


@pytest.mark.parametrize(
    ("by", "error", "message"),
    [
        (["queue", "queue"], ValueError, "'by' names 'queue' more than once"),
        (
            "answered",
            ValueError,
            r"'by' names column\(s\) \['answered'\] of the data, but the forecast uses",
        ),
        (5, TypeError, "'by' must be a column name"),
        (True, TypeError, "'by' must be a column name"),
    ],
)
def test_by_is_checked(log, by, error, message):
    with pytest.raises(error, match=message):
        forecast.volume(log, by=by, **NAIVE)


@pytest.mark.parametrize("name", ["volume", "volume_high", "forecast", "ci_low", "aht_s"])
def test_a_series_named_like_a_column_of_the_forecast_is_refused(log, name):
    # by "volume" raised a bare KeyError from a merge's volume_x; by "forecast" gave a table
    # with two columns called forecast
    renamed = log.rename(columns={"queue": name})
    with pytest.raises(ValueError, match=rf"\['{name}'\] of the data, but the forecast uses"):
        forecast.volume(renamed, by=name, **NAIVE)


@pytest.mark.parametrize("column", ["answered", "arrived_at", "talk_s", "queue"])
def test_repeated_column(log, column):
    doubled = pd.concat([log, log[[column]]], axis=1)
    with pytest.raises(SchemaError, match=rf"contacts.{column}: column name appears more than"):
        forecast.aht(doubled, by="queue", **NAIVE)


@pytest.mark.parametrize(
    ("level", "error"), [("abc", TypeError), (None, TypeError), (True, TypeError)]
)
def test_level_is_checked(log, level, error):
    with pytest.raises(error, match="'level' must be a number"):
        forecast.volume(log, level=level, **NAIVE)


@pytest.mark.parametrize(
    ("talk_s", "error", "message"),
    [
        (np.inf, SchemaError, r"talk_s: 2 rows with a NaN or infinite value .*: 4, 9\)"),
        (-5.0, SchemaError, r"talk_s: 2 rows below 0 .*: 4, 9\)"),
        (1e308, ValueError, r"too large to add up .*row positions \[4, 9,"),
    ],
)
def test_handle_time_problems_are_named(log, talk_s, error, message):
    changed = log.copy()
    changed.loc[[4, 9], "talk_s"] = talk_s  # 1e308 + 1e308 overflows to inf
    with pytest.raises(error, match=message):
        forecast.aht(changed, **NAIVE)


def test_dates_without_times_forecast_by_day_and_are_refused_by_the_half_hour(log):
    # Given as dates (a parquet DATE column), every contact would fall in the 00:00 interval:
    # refused for intervals shorter than a day, forecast as before by day (the dates count as
    # midnight, which is where a daily interval starts).
    import pyarrow as pa

    dates = log.assign(arrived_at=log["arrived_at"].dt.date.astype(pd.ArrowDtype(pa.date32())))
    with pytest.raises(ValueError, match="'freq' is '30min', but column 'arrived_at' holds dates"):
        forecast.volume(dates, freq="30min", model="seasonal_naive")
    by_day = forecast.volume(dates, **NAIVE)
    pd.testing.assert_frame_equal(by_day, forecast.volume(log, **NAIVE))


def test_forecast_periods_are_microseconds_whatever_the_input_holds(log):
    # Microseconds, as compute's periods: pandas 2 made nanoseconds of timestamps, pandas 3
    # seconds of Arrow dates and milliseconds of polars' dates, so forecasts of one log read
    # two ways did not line up.
    import polars as pl
    import pyarrow as pa

    dates = log.assign(arrived_at=log["arrived_at"].dt.date.astype(pd.ArrowDtype(pa.date32())))
    for contacts in (log, dates, pl.from_pandas(dates)):
        assert forecast.volume(contacts, **NAIVE)["period"].dtype == "datetime64[us]"


@pytest.mark.parametrize("horizon", ["1", "24", " 2.5 ", "1e3"])
def test_horizon_without_a_unit_is_refused(log, horizon):
    # "1" used to be read as 1 nanosecond (pandas' default unit), a one-interval forecast
    with pytest.raises(ValueError, match="'horizon' must be a duration such as '1D' .* no unit"):
        forecast.volume(log, freq="day", horizon=horizon, model="seasonal_naive")


@pytest.mark.parametrize(("level", "suggested"), [(0.95, "95"), (0.8, "80"), (0.999, "99.9")])
def test_level_as_a_fraction_is_refused(log, level, suggested):
    # 0.95 used to give a 0.95 % interval
    with pytest.raises(ValueError, match=f"'level' .* not a fraction: give {suggested} rather"):
        forecast.volume(log, level=level, **NAIVE)


@pytest.mark.parametrize("level", [1, 50, 99.5])
def test_levels_in_percent_are_kept(log, level):
    assert len(forecast.volume(log, level=level, **NAIVE)) == 1


@pytest.mark.parametrize(
    ("freq", "horizon", "asked", "most"),
    [
        ("15min", "366D 00:15:00", 35137, "366 days 00:00:00"),  # 366 * 96 + 1 quarters
        ("day", "100000D", 100000, "35136 days 00:00:00"),
    ],
)
def test_horizon_is_bounded(log, freq, horizon, asked, most):
    # "100000D" used to run for a minute and return millions of rows; the bound is a leap year
    # of 15-minute intervals, 366 * 96 = 35136 intervals of any freq
    message = f"'horizon' asks for {asked} intervals of freq='{freq}', more than the 35136 .*"
    with pytest.raises(ValueError, match=f"{message}at most {most}, but received: '{horizon}'"):
        forecast.volume(log, freq=freq, horizon=horizon, model="seasonal_naive")


def test_horizon_at_the_bound_is_accepted(log):
    # 366 days of 15-minute intervals: 366 * 96 = 35136 rows
    table = forecast.volume(log, freq="15min", horizon="366D", model="seasonal_naive")
    assert len(table) == 35136


def test_zoned_until_on_contacts_without_a_zone(log):
    # it used to be read as wall time on the contacts' clock, whatever its zone
    until = pd.Timestamp("2024-02-05", tz="Europe/Paris")
    with pytest.raises(ValueError, match="'until' has a time zone .* 'arrived_at' holds times"):
        forecast.volume(log, until=until, **NAIVE)


@pytest.mark.parametrize("until", ["2024-03-31 02:30", "2024-10-27 02:30"])
def test_wall_time_the_zone_skips_or_repeats(until):
    first = pd.Timestamp(until).normalize() - pd.Timedelta("14D")
    times = pd.date_range(first, periods=14 * 24, freq="h", tz="Europe/Paris")
    log = pd.DataFrame({"arrived_at": times, "answered": True})
    with pytest.raises(ValueError, match="'until' is a wall time that zone Europe/Paris"):
        forecast.volume(log, freq="hour", until=until, model="seasonal_naive")


def test_zone_whose_offset_changes_by_half_an_hour_counts_on_its_wall_clock():
    # Lord Howe Island moves its clocks back by 30 minutes on 2024-04-07 (02:00 -> 01:30): its
    # wall hour 01:00 lasts 90 minutes that day, which counts 2 contacts of one a real hour
    # (at 01:00 and, the clocks back, 01:30 again) as 2 / 1.5 an hour. Elapsed time could not
    # keep its hours on whole hours, and the hourly forecast used to be refused.
    times = pd.date_range("2024-03-25", periods=20 * 24, freq="h", tz="Australia/Lord_Howe")
    log = pd.DataFrame({"arrived_at": times, "answered": True})
    options = {"freq": "hour", "model": "seasonal_naive", "horizon": "3h"}
    table = forecast.volume(log, until="2024-04-14 01:00", **options)
    assert list(table["period"].dt.strftime("%H:%M")) == ["01:00", "02:00", "03:00"]
    assert table["forecast"].tolist()[0] == pytest.approx(2 / 1.5)
    assert len(forecast.volume(log, freq="30min", horizon="1h", model="seasonal_naive")) == 2


@pytest.mark.parametrize(
    ("until", "last_wall_hour"),
    [
        ("2024-09-07 06:00", "2024-09-08 06:00"),  # 00:00 of 8 September is skipped
        ("2024-04-06 06:00", "2024-04-07 04:00"),  # 23:00 of 6 April comes twice
    ],
)
def test_a_zone_that_moves_its_clocks_at_midnight(until, last_wall_hour):
    # America/Santiago changes at midnight, so the history's first day starts on a wall time
    # that may not exist. One contact a real hour: by hand every wall hour of the history
    # holds one per hour of real time (the repeated hour 2 in 2 hours), so each of the 24
    # hours forecast is 1.
    first = pd.Timestamp(until).normalize() - pd.Timedelta("21D")
    times = pd.date_range(first, periods=21 * 24, freq="h", tz="America/Santiago")
    log = pd.DataFrame({"arrived_at": times, "answered": True})
    table = forecast.volume(log, freq="hour", horizon="1D", until=until, model="seasonal_naive")
    assert len(table) == 24
    assert table["period"].iloc[-1].strftime("%Y-%m-%d %H:%M") == last_wall_hour
    assert table["forecast"].tolist() == [1.0] * 24
