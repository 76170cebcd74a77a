"""Tests for kpikit.tradeoff: the fitted line, its band, the projection and the reshaping.

x = 1, 2, 3, 4 and y = 2, 4, 5, 8 by hand: x̄ = 2.5, ȳ = 4.75, sxx = 5, sxy = 9.5, syy = 18.75,
slope = 1.9, intercept = 0, residuals 0.1, 0.2, -0.7, 0.4 -> SSE = 0.70, s² = 0.35,
se(slope) = sqrt(0.35 / 5) = 0.264575, t(0.975, 2) = 4.302653 (published t table).
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from kpikit.catalog import KPI_IDS
from kpikit.tradeoff import VOLUME, describe_projection, fit_line, pivot_kpis

X, Y = [1, 2, 3, 4], [2, 4, 5, 8]


def test_fit_by_hand():
    fit = fit_line(X, Y)
    assert fit.slope == pytest.approx(1.9)
    assert fit.intercept == pytest.approx(0.0, abs=1e-12)
    assert fit.r == pytest.approx(9.5 / math.sqrt(5 * 18.75))  # 0.98115
    assert fit.n == 4
    assert fit.residual_se == pytest.approx(math.sqrt(0.35))
    assert fit.slope_se == pytest.approx(0.264575, abs=1e-6)


def test_band_of_the_fitted_mean_by_hand():
    low, high = fit_line(X, Y).band([2.5, 4.0])
    # At x̄: half = t · s · sqrt(1/n) = 4.302653 · 0.591608 · 0.5 = 1.272735 around 4.75.
    # At x = 4: half = 4.302653 · 0.591608 · sqrt(1/4 + 2.25/5) = 2.545489 · 0.836660 = 2.129704
    # around 7.6.
    assert low[0] == pytest.approx(4.75 - 1.272735, abs=1e-5)
    assert high[0] == pytest.approx(4.75 + 1.272735, abs=1e-5)
    assert high[1] - 7.6 == pytest.approx(2.129704, abs=1e-5)


def test_projection_by_hand():
    projection = fit_line(X, Y).project(10)
    # Δy = 1.9 · 10 = 19; range 10 · (1.9 ± 4.302653 · 0.264575) = 19 ± 11.3837.
    assert projection.delta_y == pytest.approx(19.0)
    assert projection.low == pytest.approx(19 - 11.3837, abs=1e-3)
    assert projection.high == pytest.approx(19 + 11.3837, abs=1e-3)
    negative = fit_line(X, Y).project(-10)
    assert negative.low < negative.delta_y < negative.high


def test_integer_weights_equal_repeated_points():
    # Weight 2 on (2, 3) gives the same slope, intercept and r as listing (2, 3) twice:
    # x̄ = 1.25, ȳ = 1.75, sxx = 2.75, sxy = 4.25 -> slope 1.545455.
    weighted = fit_line([0, 1, 2], [0, 1, 3], weights=[1, 1, 2])
    repeated = fit_line([0, 1, 2, 2], [0, 1, 3, 3])
    assert weighted.slope == pytest.approx(4.25 / 2.75)
    assert weighted.slope == pytest.approx(repeated.slope)
    assert weighted.intercept == pytest.approx(repeated.intercept)
    assert weighted.r == pytest.approx(repeated.r)


def test_undefined_cases_are_nan():
    assert math.isnan(fit_line([1, 1, 1], [1, 2, 3]).slope)  # x does not vary
    assert math.isnan(fit_line([1, 2, 3], [5, 5, 5]).r)  # y does not vary
    two = fit_line([1, 2], [1, 3])
    assert two.slope == 2 and math.isnan(two.band([1.5])[0][0])  # no band from 2 points
    assert fit_line([], []).n == 0
    # Missing values and zero weights are left out.
    assert fit_line([1, 2, np.nan, 4], [1, 2, 3, np.inf], weights=[1, 1, 1, 1]).n == 2
    assert fit_line([1, 2, 3], [1, 2, 3], weights=[1, 0, 1]).n == 2


def test_bad_inputs():
    with pytest.raises(ValueError, match="same length"):
        fit_line([1, 2], [1])
    with pytest.raises(ValueError, match="non-negative"):
        fit_line([1, 2], [1, 2], weights=[1, -1])


def test_pivot_kpis():
    tidy = pd.DataFrame(
        {
            "team": ["a", "a", "b", "b", None],
            "kpi": ["aht", "csat", "aht", "csat", "abandonment_rate"],
            "value": [300.0, 80.0, 360.0, 85.0, 12.0],
            "numerator": [3000.0, 8, 7200.0, 17, 3],
            "denominator": [10.0, 10, 20.0, 20, 25],
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    wide = pivot_kpis(tidy)
    assert list(wide.columns) == ["team", "abandonment_rate", "aht", "csat", VOLUME]
    rows = wide.set_index("team")
    assert rows.loc["b", "aht"] == 360.0 and rows.loc["b", VOLUME] == 20
    with pytest.raises(ValueError, match="tidy"):
        pivot_kpis(pd.DataFrame({"aht": [1.0]}))
    ungrouped = pivot_kpis(tidy[tidy["team"] == "a"].drop(columns="team"))
    assert ungrouped[["aht", "csat", VOLUME]].values.tolist() == [[300.0, 80.0, 10.0]]


def test_describe_projection_formats_every_unit_of_the_catalog():
    # Δy = 1.9 · 10 = 19 with the range 19 ± 11.3837 (see test_projection_by_hand).
    projection = fit_line(X, Y).project(10)
    text = describe_projection(projection, x="contacts_offered", y="csat")
    assert text.startswith("If Offered moved by +10 contacts, the line fitted across agents")
    assert "CSAT +19.0 percentage points (95 % range +7.6 to +30.4)" in text
    for kpi_id in KPI_IDS:
        assert "moved by +10" in describe_projection(projection, x=kpi_id, y=kpi_id)


def test_describe_projection_shows_no_sign_on_a_change_that_rounds_to_zero():
    # -0.04 points of CSAT shows as 0.0: "-0.0" would read as a fall. A move of AHT of -0.4 s
    # is a move, not "0 s" (probe 11): it keeps the decimal that shows it.
    from kpikit.tradeoff import Projection

    flat = Projection(delta_x=-0.4, delta_y=-0.04, low=-0.04, high=1.25)
    text = describe_projection(flat, x="aht", y="csat")
    assert "moved by -0.4 s" in text
    assert "CSAT 0.0 percentage points (95 % range 0.0 to +1.2)" in text  # 1.25 rounds to even


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="'projection'.*None"):
        describe_projection(None, x="aht", y="csat")
    with pytest.raises(TypeError, match="'frame'.*None"):
        pivot_kpis(None)
    with pytest.raises(TypeError, match="'frame'.*\\[1\\] \\(list\\)"):
        pivot_kpis([1])


def test_pivot_kpis_refuses_a_repeated_group_and_kpi():
    tidy = pd.DataFrame({"team": ["a", "a", "b"], "kpi": ["aht"] * 3, "value": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="more than one row for team='a', kpi='aht'"):
        pivot_kpis(tidy)
    with pytest.raises(ValueError, match="more than one row for kpi='aht'"):
        pivot_kpis(tidy.drop(columns="team"))
    # how many rows and which: rows 0 and 1 share team a and aht (row 2 is team b)
    with pytest.raises(ValueError, match=r"\(2 rows share a group and KPI, first rows \[0, 1\]\)"):
        pivot_kpis(tidy)


def test_fit_does_not_depend_on_the_scale_of_x():
    # x multiplied by 1e200: slope and its se divide by 1e200, r and the band in y stay (sums
    # by hand in the module docstring). The sums overflowed and gave slope 0 and r 0.
    scale = 1e200
    fit = fit_line([value * scale for value in X], Y)
    assert fit.slope == pytest.approx(1.9 / scale)
    assert fit.r == pytest.approx(9.5 / math.sqrt(5 * 18.75))
    assert fit.slope_se == pytest.approx(0.264575 / scale, rel=1e-6)
    low, high = fit.band([2.5 * scale])
    assert high[0] - 4.75 == pytest.approx(1.272735, abs=1e-5)  # as at x̄ unscaled
    assert fit.project(10 * scale).delta_y == pytest.approx(19.0)


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_fit_does_not_depend_on_the_scale_of_y(scale):
    # y multiplied by c: slope and s multiply by c, r stays. syy = 18.75 c² overflowed at 1e200
    # (r came out 0) and underflowed to 0 at 1e-200 (r NaN, "y does not vary").
    fit = fit_line(X, [value * scale for value in Y])
    assert fit.slope == pytest.approx(1.9 * scale)
    assert fit.r == pytest.approx(9.5 / math.sqrt(5 * 18.75))
    assert fit.residual_se == pytest.approx(math.sqrt(0.35) * scale)


def test_a_fit_beyond_the_float_range_is_refused():
    # slope = 1.9e200 / 1e-200 = 1.9e400 > 1.8e308 (and sxx = 5e-400 underflows).
    with pytest.raises(ValueError, match="beyond the range of a float"):
        fit_line([value * 1e-200 for value in X], [value * 1e200 for value in Y])


def test_pivot_keeps_the_volume_of_a_missing_group():
    # the missing agent answered 10 contacts (the AHT denominator): its volume is 10, not
    # missing (it was lost when the missing value is pandas' NA, as nullable frames hold it)
    tidy = pd.DataFrame(
        {
            "agent_id": [pd.NA, pd.NA, "a", "a"],
            "kpi": ["aht", "csat"] * 2,
            "value": [300.0, 80.0, 200.0, 70.0],
            "numerator": [3000.0, 8, 4000.0, 7],
            "denominator": [10, 10, 20, 10],
        }
    )
    wide = pivot_kpis(tidy)
    assert wide[VOLUME].tolist() == [10, 20]
    assert wide["aht"].tolist() == [300.0, 200.0]
    assert wide["agent_id"].isna().tolist() == [True, False]


def test_the_move_of_x_near_1e300_keeps_its_limit():
    # was: sxx overflowed to inf, so the limit was inf and project(1e308) went through.
    # x = 1..4 · 1e300: mean 2.5e300, standard deviation √1.25 · 1e300 = 1.118e300, so the
    # limit is 10 · 2.5e300 = 2.5e301.
    fit = fit_line([1e300, 2e300, 3e300, 4e300], [1, 2, 3, 5])
    assert math.isinf(fit.sxx) and fit.x_sd == pytest.approx(math.sqrt(1.25) * 1e300)
    with pytest.raises(ValueError, match=r"from -2\.5e\+301 to 2\.5e\+301"):
        fit.project(1e308)
    assert fit.project(2e301).delta_y == pytest.approx(fit.slope * 2e301)


def test_a_projection_beyond_the_float_range_is_refused():
    # was: Projection(delta_y=0.0, low=-inf, high=inf). y = ±1e308: slope 0,
    # slope_se ≈ 1.15e308 and t(0.975, 1) = 12.7, so the half range is about 1.5e309.
    fit = fit_line([1, 2, 3], [1e308, -1e308, 1e308])
    with pytest.raises(ValueError, match="beyond the range of a float"):
        fit.project(1)


def test_text_booleans_and_huge_whole_numbers_are_refused_by_name():
    # was: "1", "2", "3" read as numbers, "a" a raw "could not convert string to float" and
    # 10**400 a raw OverflowError
    with pytest.raises(TypeError, match="Value of 'x' must be a number"):
        fit_line(["1", "2", "3"], [1, 2, 3])
    with pytest.raises(TypeError, match="Value of 'y' must be a number"):
        fit_line([1, 2, 3], ["a", 2, 3])
    with pytest.raises(TypeError, match="Value of 'weights' must be a number"):
        fit_line([1, 2, 3], [1, 2, 3], weights=[True, False, True])
    with pytest.raises(ValueError, match="Value of 'x' must hold numbers within the float"):
        fit_line([10**400, 1, 2], [1, 2, 3])


def test_weights_beyond_the_float_range_are_named():
    # was: "rescale 'x' or 'y'" when the sum of the weights (3 · 1e308) is what overflows
    with pytest.raises(ValueError, match="'sum_weights' is beyond .* rescale 'weights'"):
        fit_line([1, 2, 3], [1, 2, 4], weights=[1e308, 1e308, 1e308])


def test_pivot_refuses_rows_without_a_kpi_and_repeated_columns():
    # was: a KPI column named NaN (the null kpi of rows 1 and 3), and numpy's "setting an array
    # element with a sequence" for a repeated 'team' column
    tidy = pd.DataFrame(
        {"team": ["a", "a", "b", "b"], "kpi": ["aht", None] * 2, "value": [1.0, 2.0, 3.0, 4.0]}
    )
    with pytest.raises(ValueError, match=r"2 rows have none, first rows \[1, 3\]"):
        pivot_kpis(tidy)
    repeated = pd.concat([tidy.assign(kpi="aht"), tidy[["team"]]], axis=1)
    with pytest.raises(ValueError, match=r"has the column\(s\) \['team'\] more than once"):
        pivot_kpis(repeated)


def test_an_infinite_weight_is_refused_with_its_positions_not_left_out():
    # was: left out as if missing, the fit on the other two points (n == 2)
    with pytest.raises(
        ValueError,
        match=r"'weights' must be finite but 1 weight\(s\) are infinite \(positions: 0\)",
    ):
        fit_line([1, 2, 3], [1, 2, 3], weights=[np.inf, 1, 1])
    # -inf is a negative weight; was left out too
    with pytest.raises(ValueError, match=r"non-negative but 2 weight\(s\) are negative .*: 1, 2"):
        fit_line([1, 2, 3], [1, 2, 3], weights=[1, -1, -np.inf])


def test_r_of_tiny_and_huge_weights_stays_a_correlation():
    # y = x exactly, so r = 1 by hand whatever the weights; sxx·syy of the scaled sums
    # underflowed to 0 and r came back inf with a RuntimeWarning
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        rising = fit_line([1, 2, 3], [1, 2, 3], weights=[1e300, 1e-300, 1])
        falling = fit_line([1, 2, 3], [3, 2, 1], weights=[1e300, 1e-300, 1])
    assert rising.r == 1.0 and falling.r == -1.0  # y = x and y = 4 - x: r = ±1


def test_projecting_from_no_fitted_line_says_so():
    from kpikit.tradeoff import project_kpis

    # was: "... from its mean, –: a move from nan on, but received: 1"
    with pytest.raises(
        ValueError, match=r"'fit' has no fitted line to project from: too few points \(0\)"
    ):
        project_kpis(fit_line([], []), 1, x="aht", y="csat")
    with pytest.raises(ValueError, match=r"too few points \(1\)"):
        project_kpis(fit_line([300], [80]), 1, x="aht", y="csat")
    # three groups of AHT 300 s: x does not vary, no slope (was a projection of nan)
    with pytest.raises(ValueError, match="its 3 points all have the same x"):
        project_kpis(fit_line([300, 300, 300], [80, 82, 84]), 1, x="aht", y="csat")
