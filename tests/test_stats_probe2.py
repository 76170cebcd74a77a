"""Faults found by probing kpikit.stats, kpikit._control_limits and kpikit.periods (second round).

- ``period_steps`` took Arrow-backed timestamps (pandas before 3) for "not times" and returned
  None: ``kk.queueing.agents_required`` then skipped its spacing check and staffed an hourly
  forecast as half hours, which the same frame with NumPy timestamps refuses.
- ``control_limits`` with periods held as ``datetime.date`` objects or Arrow dates crashed with
  a bare TypeError ("'<=' not supported between instances of 'datetime.date' and 'str'") on a
  ``baseline`` given as text, the form its docstring shows.
- The NumPy intervals refused nullable pandas columns holding NA under pandas 2.2 (the floors
  environment) with "must be a number or an array of numbers"; pandas 2.3 gives NaN there.
- ``poisson_exprs`` gave a negative lower bound below about 0.6 events (Byar's formula), where
  ``poisson_interval`` documents and gives 0: a Poisson mean is never below 0.
"""

import datetime as dt

import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit.periods import period_steps
from kpikit.stats import (
    control_limits,
    mean_interval,
    nps_interval,
    poisson_exprs,
    poisson_interval,
    wilson_interval,
)


@pytest.mark.parametrize("zone", [None, "Europe/London"])
def test_period_steps_reads_arrow_backed_timestamps(zone):
    hours = pd.Series(pd.date_range("2026-03-02 09:00", periods=3, freq="h"))
    if zone:
        hours = hours.dt.tz_localize(zone)
    arrow = hours.astype(f"timestamp[us{', tz=' + zone if zone else ''}][pyarrow]")
    # three starts one hour apart: 3600 s in elapsed time and on the wall clock
    assert period_steps(arrow) == (3600.0, 3600.0)


def test_period_steps_of_arrow_days_across_spring_forward():
    # London's 29 March 2026 lasts 23 hours (82,800 s) but is still a day (86,400 s) on the wall
    days = pd.Series(pd.date_range("2026-03-28", periods=3, freq="D", tz="Europe/London"))
    arrow = days.astype("timestamp[us, tz=Europe/London][pyarrow]")
    assert period_steps(arrow) == (82800.0, 86400.0)


def test_period_steps_of_arrow_text_is_none():
    assert period_steps(pd.Series(["a", "b"], dtype="string[pyarrow]")) is None


def test_agents_required_refuses_half_hours_for_arrow_hourly_periods():
    forecast = pd.DataFrame(
        {
            "period": pd.date_range("2026-03-02 09:00", periods=3, freq="h"),
            "volume": [100.0, 120.0, 90.0],
        }
    ).convert_dtypes(dtype_backend="pyarrow")
    with pytest.raises(ValueError, match="1800 s but the frame's periods are 3600 s apart"):
        kk.queueing.agents_required(forecast, aht_s=300, interval_s=1800, target_sl=80)


# AHT of five weeks, limits from the first four (the control_limits docstring example): mean 300,
# moving ranges 10, 20, 10 (mean 13.333), 300 +- 2.66 x 13.333 = 264.533 to 335.467 s.
WEEKS = [dt.date(2024, 1, 1) + dt.timedelta(weeks=week) for week in range(5)]
VALUES = [300.0, 310.0, 290.0, 300.0, 360.0]


@pytest.mark.parametrize("dtype", [object, "date32[pyarrow]"])
@pytest.mark.parametrize(
    "baseline",
    [
        (None, "2024-01-22"),
        ("2024-01-01", pd.Timestamp("2024-01-22")),
        (None, dt.date(2024, 1, 22)),
    ],
)
def test_control_limits_baseline_on_date_periods(dtype, baseline):
    frame = pd.DataFrame({"period": pd.Series(WEEKS, dtype=dtype), "value": VALUES})
    chart = control_limits(frame, kpi="aht", baseline=baseline)
    assert chart["center"].tolist() == [300.0] * 5
    np.testing.assert_allclose(chart["lcl"], 300 - 2.66 * 40 / 3)  # 264.533
    np.testing.assert_allclose(chart["ucl"], 300 + 2.66 * 40 / 3)  # 335.467
    assert chart["signal"].tolist() == [None] * 4 + ["above the upper limit"]
    assert chart["period"].tolist() == frame["period"].tolist()  # the periods come back as given


def test_control_limits_baseline_on_date_periods_still_checks_the_text():
    frame = pd.DataFrame({"period": WEEKS, "value": VALUES})
    with pytest.raises(ValueError, match="'baseline' must be a date or time"):
        control_limits(frame, kpi="aht", baseline=(None, "next week"))
    with pytest.raises(ValueError, match="selects no period"):
        control_limits(frame, kpi="aht", baseline=("2025-01-01", None))


def test_poisson_exprs_lower_bound_is_zero_below_about_one_event():
    counts = [0.0, 0.3, 0.5, 1.0]
    low, high = poisson_exprs(nw.col("count"))
    table = nw.from_native(pl.DataFrame({"count": counts})).with_columns(low=low, high=high)
    # Byar at x = 0.3: 0.3 (1 - 1/2.7 - 1.96/(3 sqrt 0.3))^3 = 0.3 (-0.5632)^3 = -0.0536 -> 0;
    # at 0.5: 0.5 (1 - 1/4.5 - 1.96/(3 sqrt 0.5))^3 = -0.0016 -> 0; at 1: 1 (1 - 1/9 - 0.6533)^3
    # = 0.01307 (the exact Garwood bound is 0.0253).
    np.testing.assert_allclose(table["low"].to_list(), [0.0, 0.0, 0.0, 0.0130721329], atol=1e-9)
    assert table["low"].to_list() == pytest.approx(poisson_interval(counts)[0].tolist())
    assert table["high"].to_list() == pytest.approx(poisson_interval(counts)[1].tolist())


def test_intervals_read_nullable_columns_with_na_as_nan():
    successes = pd.Series([8, None], dtype="Int64")
    trials = pd.Series([10, 10], dtype="Int64")
    low, high = wilson_interval(successes, trials)
    # Wilson, 8 of 10: centre (0.8 + 1.9208/10) / 1.38415 = 0.71674, half
    # 1.96 sqrt(0.016 + 0.0096040) / 1.38415 = 0.22656: 0.4902 to 0.9433 (the docstring's)
    np.testing.assert_allclose(low, [0.4901624, np.nan], rtol=1e-6)
    np.testing.assert_allclose(high, [0.9433178, np.nan], rtol=1e-6)
    # x = 1, 2, 3: mean 2, s = 1, 2 +- 4.30265 / sqrt 3 = -0.4841 to 4.4841
    low, high = mean_interval(
        pd.Series([3, None], dtype="Int64"), pd.Series([6.0, 1.0], dtype="Float64"), 14.0
    )
    np.testing.assert_allclose(low, [-0.4841377, np.nan], rtol=1e-6)
    np.testing.assert_allclose(high, [4.4841377, np.nan], rtol=1e-6)
    assert np.isnan(nps_interval(pd.Series([1, None], dtype="Int64"), 0, 5)[0][1])
    assert poisson_interval(pd.array([0, None]))[1].tolist() == [3.6888794541139363] * 2
