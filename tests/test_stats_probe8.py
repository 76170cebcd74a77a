"""Probe 8 of trade-offs and statistics: what-ifs without a fitted line, impossible sums of a mean.

- ``LineFit.project`` from two points gave a change without its range (low and high nan, and
  ``project_kpis`` said the change was cut at y's scale: nan != nan), and from no points or
  points of one x a change of nan; the chart and the dashboard refuse those what-ifs.
- ``extrapolation_text`` said a line that was not fitted was "extrapolated" (at "–").
- ``mean_interval`` and ``mean_exprs`` clipped the negative variance of impossible sums
  (``Σx² < (Σx)²/n``) to 0 and gave a confident zero-width interval.
- ``control_limits`` with a ``baseline`` of another kind than the periods (a Timestamp against
  periods written as text) raised pandas' raw TypeError.
"""

import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest

from kpikit.stats import control_limits, mean_exprs, mean_interval
from kpikit.tradeoff import extrapolation_text, fit_line, project_kpis


@pytest.mark.parametrize(
    ("x", "y", "problem"),
    [
        # two points: a line through them fits exactly, no spread for a range (n - 2 = 0)
        ([240, 300], [80, 82], r"too few points \(2\)"),
        ([], [], r"too few points \(0\)"),
        ([300, 300, 300], [80, 82, 84], "its 3 points all have the same x"),
    ],
)
def test_a_what_if_without_a_fitted_line_is_refused_with_why(x, y, problem):
    # was: Projection(delta_x=30, delta_y=1.0, low=nan, high=nan) for the two points (slope
    # 2/60), and delta_y=nan for the others; now the reason the dashboard gives.
    fit = fit_line(x, y)
    with pytest.raises(ValueError, match=f"'fit' has no fitted line to project from: {problem}"):
        fit.project(30)
    with pytest.raises(ValueError, match="a line needs at least 3 points"):
        project_kpis(fit, 30, x="aht", y="csat")


def test_no_extrapolation_is_told_of_a_line_that_was_not_fitted():
    # was: "AHT at – is beyond the teams' observed range (240 s to 420 s): the fitted line is
    # extrapolated there" with no points (mean of x nan), and "AHT at 330 s" past three teams
    # of 300 s; neither has a line.
    for fit in (fit_line([], []), fit_line([300, 300, 300], [80, 82, 84])):
        with pytest.raises(ValueError, match="'fit' has no fitted line"):
            extrapolation_text(fit, 30, [240, 420], x="aht", groups="teams")


def test_a_what_if_from_three_points_keeps_its_range():
    # x = 240, 300, 360, y = 80, 82, 85: x̄ 300, sxx 7200, sxy = 60·(-2.333) + 60·2.667 = 300,
    # slope 1/24; residuals 0.1667, -0.3333, 0.1667: s = √(0.16667 / 1) = 0.40825, slope_se
    # s/√7200 = 0.0048113, t(0.975, 1) = 12.7062: Δy(30) = 1.25 ± 30 · 0.061134 = 1.25 ± 1.834
    projection, cut = project_kpis(fit_line([240, 300, 360], [80, 82, 85]), 30, x="aht", y="csat")
    assert projection.delta_y == pytest.approx(1.25)
    expected = (1.25 - 1.834, 1.25 + 1.834)
    assert (projection.low, projection.high) == pytest.approx(expected, abs=1e-3)
    assert not cut


def test_impossible_sums_of_a_mean_have_no_interval():
    # x = 1, 2, 3 have n 3, Σx 6, Σx² 14; Σx² = 10 is below (Σx)²/n = 36/3 = 12: no values
    # have these sums (variance (10 - 12)/2 = -1). was: (2.0, 2.0), a zero-width interval;
    # x = 1, 2, 3 keep 2 ± 4.30265/√3 = 2 ± 2.4841 beside them.
    low, high = mean_interval([3, 3], [6.0, 6.0], [10.0, 14.0])
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert (low[1], high[1]) == pytest.approx((2 - 2.4841377, 2 + 2.4841377))


def test_impossible_sums_give_a_null_interval_on_the_lazy_engines():
    # The same sums as above: null, was (2.0, 2.0); x = 1, 2, 3 keep 2 ± 2.4841
    low, high = mean_exprs(nw.col("n"), nw.col("total"), nw.col("squares"))
    table = pl.DataFrame({"n": [3.0, 3.0], "total": [6.0, 6.0], "squares": [10.0, 14.0]})
    rows = nw.from_native(table).select(low=low, high=high).rows()
    assert rows[0] == (None, None)
    assert rows[1] == pytest.approx((2 - 2.4841377, 2 + 2.4841377))


def test_rounding_of_equal_values_is_still_a_variance_of_zero():
    # 1,000 values of 0.3 summed one after another: Σx² - (Σx)²/n comes out about -62 ε Σx²
    # (below 0 by rounding alone, within 4 n ε Σx² = 4000 ε Σx²): variance 0, 0.3 to 0.3,
    # as before; the exact sums of 300, 300, 300 give 300 to 300.
    values = np.full(1000, 0.3)
    total, squares = np.cumsum(values)[-1], np.cumsum(values * values)[-1]
    assert squares - total / 1000 * total < 0
    low, high = mean_interval(1000, total, squares)
    assert low == high == pytest.approx(0.3)
    assert mean_interval(3, 900.0, 270000.0) == (300.0, 300.0)


@pytest.mark.parametrize(
    ("periods", "baseline", "example"),
    [
        (["2024-01", "2024-02", "2024-03"], (pd.Timestamp("2024-01-01"), None), "'2024-01'"),
        (["2024-01", "2024-02", "2024-03"], ("2024-01", pd.Timestamp("2024-02-01")), "'2024-01'"),
        ([1, 2, 3], ("1", None), "1"),
    ],
)
def test_a_baseline_of_another_kind_than_the_periods_is_named(periods, baseline, example):
    # was: a raw TypeError "'>=' not supported between instances of 'str' and 'Timestamp'"
    # (and "Invalid comparison between dtype=int64 and str") from inside pandas
    frame = pd.DataFrame({"period": periods, "kpi": "aht", "value": [300.0, 310.0, 290.0]})
    with pytest.raises(TypeError, match=rf"'baseline' must hold periods of the kind .*{example}"):
        control_limits(frame, baseline=baseline)
    # written as the periods are, the same baseline works: mean 305, MR 10, 305 ± 26.6
    chart = control_limits(frame, baseline=(periods[0], periods[1]))
    assert chart["ucl"].iloc[0] == pytest.approx(305 + 2.66 * 10)
