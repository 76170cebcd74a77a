"""Forecasts and backtests on a small hand-made log whose weeks repeat exactly.

Fits run once per session (statsforecast models are the slow part): a fixture with a
backtest over every model, and seasonal-naive forecasts that are cheap.
"""

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
