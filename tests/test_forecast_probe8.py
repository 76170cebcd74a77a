"""Faults an eighth probe found in the forecasts and the scenarios made from them."""

import pandas as pd
import pytest

from kpikit import forecast
from kpikit.scenarios import scenario_from_forecast


def _volume_table():
    """kk.forecast.volume's table for two hours: 4 then 6 contacts, no AHT column."""
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00"]),
            "forecast": [4.0, 6.0],
            "ci_low": [2.0, 3.0],
            "ci_high": [6.0, 9.0],
        }
    )


def test_scenario_from_a_volume_forecast_takes_the_aht_given():
    # the docstring names volume()'s table, and the error asked to "give aht_s", but there
    # was no way to: aht_s=300 went on to the Scenario beside the missing column's error.
    # By hand: volume as forecast (4, 6); AHT 300 s each hour; periods 1 h apart = 3600 s.
    scenario = scenario_from_forecast(_volume_table(), aht_s=300.0)
    assert scenario.volume.tolist() == [4.0, 6.0]
    assert scenario.aht_s.tolist() == [300.0, 300.0]
    assert scenario.interval_s == 3600.0
    assert scenario.labels == ("Mon 09:00", "Mon 10:00")


def test_scenario_from_forecast_aht_given_replaces_the_forecast_aht():
    # a Forecast's intervals with AHT 200 s; aht_s=250 failed with a bare TypeError ("got
    # multiple values for keyword argument 'aht_s'"); by hand it is 250 s in both hours
    table = _volume_table().rename(columns={"forecast": "volume"})
    table = table.drop(columns=["ci_low", "ci_high"]).assign(interval_s=3600.0, aht_s=200.0)
    assert scenario_from_forecast(table, aht_s=250.0).aht_s.tolist() == [250.0, 250.0]


@pytest.mark.parametrize("field", ["interval_s", "volume", "labels"])
def test_scenario_from_forecast_refuses_fields_the_forecast_gives(field):
    # interval_s=1800 beside hourly periods: a bare TypeError from inside the Scenario before
    table = _volume_table().assign(aht_s=200.0)
    with pytest.raises(ValueError, match=f"Value of '{field}' cannot be given"):
        scenario_from_forecast(table, **{field: 1800.0})


def test_a_log_where_nothing_was_answered_forecasts_volume_and_a_null_aht():
    # one queue, 1 January to 17 January 2024, nothing answered (all abandoned): the forecast
    # raised "no answered contact ... AHT cannot be forecast" and gave no volume either, where
    # the docstring (and a group of a `by`) gives the volume and a null AHT. Odd dates hold 1
    # contact at 10:00, even dates 2; the last arrives 17 January, so the weekly naive repeats
    # 10 January (2) and 11 January (1)
    days = pd.date_range("2024-01-01", "2024-01-17", freq="D")
    arrived = days.repeat([1 + day % 2 for day in range(len(days))]) + pd.Timedelta("10h")
    log = pd.DataFrame({"arrived_at": arrived, "answered": False, "wait_s": 30.0, "talk_s": 0.0})
    result = forecast.forecast(log, freq="day", horizon="2D", model="seasonal_naive")
    assert result.intervals["volume"].tolist() == [2.0, 1.0]
    assert result.intervals[["aht_s", "aht_low", "aht_high"]].isna().all(axis=None)
