"""Faults found by a probe in the intraday figures, the trade-off's what-if, the heatmap of a
component and the trainer's calculator: each is refused naming the argument, or shown right."""

import numpy as np
import pandas as pd
import pytest

import kpikit.plots as kp


def _day(**columns):
    periods = pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"])
    return pd.DataFrame({"period": periods, "volume": [4.0, 1.0], **columns})


# --- intraday monitor -------------------------------------------------------------------------


@pytest.mark.parametrize("interval_s", ["1800", True])
def test_intraday_interval_s_that_is_not_a_number_is_refused_naming_it(interval_s):
    with pytest.raises(TypeError, match="Value of 'interval_s' must be a number"):
        kp.intraday_volume(_day(), interval_s=interval_s)


@pytest.mark.parametrize("interval_s", [0, -5, np.nan, np.inf])
def test_intraday_interval_s_must_be_above_zero_and_finite(interval_s):
    with pytest.raises(ValueError, match="Value of 'interval_s' must be a finite number > 0"):
        kp.intraday_measure(
            _day(service_level=[50.0, 90.0]), measure="service_level", interval_s=interval_s
        )


def test_intraday_interval_s_given_sets_the_bar_width():
    bars = kp.intraday_volume(_day(), interval_s=900).data[0]
    assert bars.xperiod == 900_000  # 900 s * 1000 ms


def test_intraday_text_periods_are_refused_naming_the_column():
    text = _day().assign(period=["2024-03-04 09:00", "2024-03-04 09:30"])
    with pytest.raises(TypeError, match=r"must hold datetimes in column 'period'.*pd.to_datetime"):
        kp.intraday_volume(text)


def test_intraday_negative_volume_is_refused_with_count_and_rows():
    with pytest.raises(
        ValueError,
        match=r">= 0 in column 'volume' but 1 row\(s\) hold \[-1.0\] \(rows \[0\]\)",
    ):
        kp.intraday_volume(_day(volume=[-1.0, 2.0]))


def test_intraday_service_level_above_100_is_refused():
    with pytest.raises(
        ValueError,
        match=r">= 0 and <= 100 in column 'service_level' but 1 row\(s\) hold \[150.0\]",
    ):
        kp.intraday_measure(_day(service_level=[150.0, 90.0]), measure="service_level")


def test_intraday_duplicated_periods_are_refused_naming_count_and_first():
    twice = pd.concat([_day(), _day().iloc[[1]]], ignore_index=True)  # 09:30 on two rows
    with pytest.raises(
        ValueError,
        match=r"one row per period but has 2 rows for 1 of them \(first: "
        r"period=2024-03-04 09:30:00\)",
    ):
        kp.intraday_volume(twice)
