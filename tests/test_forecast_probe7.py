"""Faults a seventh probe found in the forecasts and the calibration from a contact log."""

import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit import calibrate


def _two_mondays():
    """Two contacts on Monday 2024-01-01 at 09:05 and 09:40, one on Monday 2024-01-08 at 09:10;
    the second week is appended with pd.concat as a second export, so the index repeats 0."""
    first = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2024-01-01 09:05", "2024-01-01 09:40"]),
            "answered": [True, True],
            "wait_s": [10.0, 20.0],
            "talk_s": [200.0, 100.0],
        }
    )
    second = pd.DataFrame(
        {
            "contact_id": [3],
            "arrived_at": pd.to_datetime(["2024-01-08 09:10"]),
            "answered": [True],
            "wait_s": [30.0],
            "talk_s": [300.0],
        }
    )
    return pd.concat([first, second])  # index 0, 1, 0


def test_arrival_profile_counts_each_contact_once_on_a_repeated_index():
    # Monday 09:00: 3 contacts over 2 Mondays = 1.5 an hour; AHT (200 + 100 + 300) / 3 = 200 s.
    # Before, the rows at index 0 were joined with each other: 5 contacts, 2.5 an hour.
    log = _two_mondays()
    assert not log.index.is_unique
    profile = calibrate.arrival_profile(log, interval="hour")
    row = profile.query("weekday == 1 and interval_start == '09:00'").iloc[0]
    assert (row["days"], row["contacts"], row["answered"]) == (2, 3, 3)
    assert row["volume"] == 1.5
    assert row["aht_s"] == 200.0
    assert profile["contacts"].sum() == 3


def test_choose_by_intraday_is_refused_at_freq_day():
    # A daily backtest origin stands for the end of a day: every forecast is 1 day or more
    # ahead, so no 'intraday' score exists. Before, the choice fell silently to next_day.
    with pytest.raises(ValueError, match="'choose_by' is 'intraday', but at freq='day'"):
        kk.forecast.volume(_two_mondays(), freq="day", choose_by="intraday")


def test_forecast_docstring_names_every_model_it_accepts():
    # model="seasonal_average" is accepted (it is in MODELS), but the docstring listed four
    # model names and said the default candidates were "all four" of five.
    doc = kk.forecast.forecast.__doc__
    assert len(kk.forecast.MODELS) == 5
    for name in kk.forecast.MODELS:
        assert f'``"{name}"``' in doc
    assert "all four" not in doc


@pytest.mark.parametrize("engine", ["pandas", "polars_lazy"])
def test_aht_without_talk_time_is_refused_not_read_from_hold_alone(engine):
    # Hold 10 s and no talk_s: the AHT (talk + hold + acw, as kk.compute reads it, which
    # refuses it without talk_s) is unknown. Before, the forecast gave an AHT of 10 s.
    log = _two_mondays().drop(columns="talk_s").assign(hold_s=10.0)
    if engine == "polars_lazy":
        log = pl.from_pandas(log).lazy()
    with pytest.raises(ValueError, match=r"no column 'talk_s' \(handle time columns found: "):
        kk.forecast.aht(log, freq="day", model="historic_average")


BACKTEST_COLUMNS = ["actual", "share", "error", "scaled", "absolute", "wape", "mase", "bias"]
BACKTEST_COLUMNS += ["gain_pct", "intervals", "origins", "best", "baseline", "chosen"]


@pytest.mark.parametrize("column", BACKTEST_COLUMNS)
def test_by_a_column_named_as_a_backtest_column_is_refused_by_name(column):
    # Columns the backtest makes itself (per interval scored, then per model and lead). Before,
    # by="bias" failed in pandas ("Grouper ... not 1-dimensional"), by="error" with KeyError
    # 'error', by="intervals" with "cannot insert intervals, already exists".
    log = _two_mondays().assign(**{column: "a"})
    with pytest.raises(ValueError, match=rf"Value of 'by' names column\(s\) \['{column}'\]"):
        kk.forecast.volume(log, freq="day", by=column)


@pytest.mark.parametrize("column", ["arrived_at", "last_at", "_slot", "_handle_s", "_occurrences"])
def test_arrival_profile_refuses_by_a_column_it_works_with(column):
    # by="last_at" grouped silently under each contact's own arrival time (the profile's
    # working column, not the user's: 3 groups of one contact instead of one group of 3);
    # by="arrived_at" failed with AttributeError "'DataFrame' object has no attribute 'dtype'".
    log = _two_mondays()
    if column != "arrived_at":
        log = log.assign(**{column: "morning shift"})
    with pytest.raises(ValueError, match=rf"Value of 'by' names column\(s\) \['{column}'\]"):
        calibrate.arrival_profile(log, interval="hour", by=column)


@pytest.mark.parametrize("column", ["_leaving", "_area"])
def test_kaplan_meier_refuses_by_a_column_it_works_with(column):
    # Before: "Grouper for '_leaving' not 1-dimensional", "cannot insert _area, already exists".
    log = _two_mondays().assign(**{column: "a"})
    with pytest.raises(ValueError, match=rf"Value of 'by' names column\(s\) \['{column}'\]"):
        calibrate.patience_kaplan_meier(log, by=column)


@pytest.mark.parametrize("engine", ["pandas", "polars_lazy"])
def test_contacts_read_twice_are_refused_not_counted_twice(engine):
    # An export of 2 contacts, then the same hours exported again and appended: 4 rows, 2
    # contacts. Before, the arrival profile counted 4 (twice the volume) where kk.compute
    # refuses the repeated ids; now both name them.
    import polars as pl

    from kpikit.schema import SchemaError

    once = pd.DataFrame(
        {
            "contact_id": ["c1", "c2"],
            "arrived_at": pd.to_datetime(["2026-03-02 09:05", "2026-03-02 09:10"]),
            "answered": [True, True],
            "wait_s": [5.0, 5.0],
        }
    )
    twice = pd.concat([once, once], ignore_index=True)
    log = twice if engine == "pandas" else pl.from_pandas(twice).lazy()
    with pytest.raises(SchemaError, match=r"2 rows repeating the contact_id .*first ids: c1, c2"):
        calibrate.arrival_profile(log)
