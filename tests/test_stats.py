"""Tests for kpikit.stats: bad and undefined inputs of the interval and test helpers.

Expected values by hand: t(0.975) quantiles are the published table values (1 degree: 12.7062047,
2 degrees: 4.30265273); x = 1, 2, 3 gives n = 3, Σx = 6, Σx² = 14, mean 2, s = 1 and the half
width 4.30265273 / √3 = 2.4841377.
"""

import math
import warnings

import numpy as np
import pytest

from kpikit.stats import (
    mean_interval,
    nps_interval,
    poisson_interval,
    t_quantile_975,
    two_proportion_z,
    wilson_interval,
)


def test_t_quantile_is_nan_below_one_degree_of_freedom_element_by_element():
    values = t_quantile_975([0, -3, np.nan, 1, 2])
    assert np.isnan(values[:3]).all()
    assert values[3:].tolist() == [12.7062047, 4.30265273]  # table values for 1 and 2
    assert math.isnan(t_quantile_975(0))


def test_mean_interval_with_a_nan_count_is_nan_for_that_element_only():
    low, high = mean_interval([3, np.nan, 1], [6.0, 6.0, 2.0], [14.0, 14.0, 4.0])
    # x = 1, 2, 3: 2 ± 2.4841377; NaN count and a single value (no s): NaN.
    assert low[0] == pytest.approx(2 - 2.4841377) and high[0] == pytest.approx(2 + 2.4841377)
    assert np.isnan(low[1:]).all() and np.isnan(high[1:]).all()


def test_poisson_interval_refuses_a_negative_count():
    with pytest.raises(ValueError, match="'count'.*>= 0.*received: -5"):
        poisson_interval(-5)
    with pytest.raises(ValueError, match="'count'"):
        poisson_interval([3, -1])
    # A NaN count (a null sum in compute) keeps the bounds at 0, as the engine's expression.
    assert poisson_interval(np.nan) == (0.0, -math.log(0.025))


def test_wilson_interval_refuses_impossible_counts():
    with pytest.raises(ValueError, match="'successes' and 'n'.*received: 15 and 10"):
        wilson_interval(15, 10)
    with pytest.raises(ValueError, match="received: -1 and 10"):
        wilson_interval([8, -1], [10, 10])
    with pytest.raises(ValueError, match="received: 2 and 0"):
        wilson_interval(2, 0)
    with pytest.raises(TypeError, match="'n'"):
        wilson_interval(8, "ten")
    # NaN stays NaN and 0 of 0 is undefined, element by element (no error).
    low, high = wilson_interval([np.nan, 0, 8], [10, 0, 10])
    assert np.isnan(low[:2]).all() and np.isnan(high[:2]).all()
    assert round(float(low[2]), 4) == 0.4902  # the docstring's 8 of 10


def test_two_proportion_z_keeps_tiny_p_values():
    # 800 of 1000 against 600 of 1000: pooled p = 0.7, se = sqrt(0.7 · 0.3 · 2 / 1000) =
    # 0.020494, z = 0.2 / 0.020494 = 9.759; p = erfc(z / sqrt 2) = 1.688e-22 (it was 0.0:
    # 1 - erf(...) rounds below 1e-16 to nothing)
    assert two_proportion_z(800, 1000, 600, 1000) == pytest.approx(1.688e-22, rel=1e-3, abs=0)


def test_two_proportion_z_names_bad_arguments():
    # 120 of 100 with 0 of 100 pools to 0.6 and used to give a p-value.
    with pytest.raises(ValueError, match="'x1' and 'n1'.*received: 120 and 100"):
        two_proportion_z(120, 100, 0, 100)
    with pytest.raises(ValueError, match="'x2' and 'n2'"):
        two_proportion_z(80, 100, 190, 100)  # pooled 1.35: a math domain error before
    with pytest.raises(ValueError, match="'x2' and 'n2'"):
        two_proportion_z(80, 100, -1, 100)
    with pytest.raises(TypeError, match="'n2'.*'100' \\(str\\)"):
        two_proportion_z(80, 100, 65, "100")
    assert math.isnan(two_proportion_z(0, 0, 65, 100))  # an empty sample: undefined
    assert math.isnan(two_proportion_z(np.nan, 100, 65, 100))


def test_mean_interval_keeps_its_width_when_the_squared_total_overflows():
    # x = 1e154, 0.5e154 (by hand): n = 2, Σx = 1.5e154, Σx² = 1.25e308 (finite), mean 0.75e154,
    # s² = 2 * (0.25e154)² = 1.25e307, half width 12.7062047 * √(1.25e307 / 2) = 3.17655e154.
    # (Σx)² = 2.25e308 overflows: the old formula gave a zero-width interval.
    low, high = mean_interval(2, 1.5e154, 1.25e308)
    assert low == pytest.approx(0.75e154 - 3.176551175e154, rel=1e-9)
    assert high == pytest.approx(0.75e154 + 3.176551175e154, rel=1e-9)


def test_mean_interval_of_an_overflowed_sum_of_squares_is_nan_without_a_warning():
    # x = 1e300, 0: Σx² = inf in float64, so no interval can be told
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = mean_interval(2, 1e300, math.inf)
        assert t_quantile_975(1e300) == pytest.approx(1.959963984540054)  # large dof: z
    assert math.isnan(low) and math.isnan(high)


def test_wilson_interval_reaches_exactly_0_and_1_at_the_ends():
    # by hand: at 0 of n the exact low bound is 0, at n of n the high bound is 1; 10 of 10 gave
    # 0.9999999999999999 and 0 of 3 gave 5.55e-17, leaving the estimate outside its interval
    assert wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(13, 13)[1] == 1.0
    assert wilson_interval(0, 3)[0] == 0.0
    assert wilson_interval(0, 100)[0] == 0.0


def test_nps_interval_refuses_shares_that_cannot_be():
    with pytest.raises(ValueError, match="promoters \\+ detractors <= responses.*8, 5 and 10"):
        nps_interval(8, 5, 10)  # 13 promoters and detractors out of 10 responses
    with pytest.raises(ValueError, match="received: -5, 0 and 10"):
        nps_interval(-5, 0, 10)
    with pytest.raises(ValueError, match="received: 0, 0 and -5"):
        nps_interval(0, 0, -5)


@pytest.mark.parametrize("bad", ["3", True, ["3", "4"], [True, False]])
def test_intervals_refuse_text_and_booleans(bad):
    # numpy would read "3" as 3.0 and True as 1.0
    with pytest.raises(TypeError, match="Value of 'n' must be a number"):
        mean_interval(bad, 6.0, 14.0)
    with pytest.raises(TypeError, match="Value of 'count' must be a number"):
        poisson_interval(bad)


def test_two_proportion_z_with_counts_near_the_float_limit():
    # shares 1 and 0.5 on 1e308 trials each: as significant as can be (p = 0); n1 + n2
    # overflowed to inf and the old code returned NaN ("nothing varies")
    assert two_proportion_z(1e308, 1e308, 5e307, 1e308) == 0.0


def test_a_whole_number_beyond_the_float_range_is_refused_by_name():
    # was: OverflowError: int too large to convert to float
    with pytest.raises(ValueError, match="Value of 'successes' must hold numbers within"):
        wilson_interval(10**400, 10**401)
    with pytest.raises(ValueError, match="Value of 'count' must hold numbers within"):
        poisson_interval(10**400)
    with pytest.raises(ValueError, match="Value of 'dof' must hold numbers within"):
        t_quantile_975([1, 10**400])


def test_infinite_counts_are_refused_by_name():
    # was: wilson_interval(5, inf) -> (0.0, 0.0), wilson_interval(inf, inf) -> (nan, 1.0),
    # poisson_interval(inf) -> (inf, inf) and mean_interval(inf, 1, 1) -> (0.0, 0.0)
    with pytest.raises(ValueError, match=r"Value of 'n' must hold finite counts .*inf"):
        wilson_interval(5, math.inf)
    with pytest.raises(ValueError, match=r"'n' must hold finite counts .*\(element 1\)"):
        wilson_interval([5, 5], [10, math.inf])
    with pytest.raises(ValueError, match="Value of 'responses' must hold finite counts"):
        nps_interval(5, 2, math.inf)
    with pytest.raises(ValueError, match="Value of 'count' must hold finite counts"):
        poisson_interval(math.inf)
    with pytest.raises(ValueError, match="Value of 'n' must hold finite counts"):
        mean_interval(math.inf, 1.0, 1.0)
    # a NaN count is still "no data", not an error (docstrings)
    assert math.isnan(wilson_interval(5, math.nan)[0])


def test_counts_near_the_float_limit_give_their_interval_without_a_warning():
    # was: RuntimeWarning "overflow encountered in multiply" (2n and 9x overflow; their
    # reciprocals vanish). By hand: 1e307 of 1.5e308 is 1/15 with a width far below a float's
    # precision; a Poisson count of 1e308 has bounds 1e308 ± 2e154, i.e. 1e308 as floats.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = wilson_interval(1e307, 1.5e308)
        assert low == pytest.approx(1 / 15) and high == pytest.approx(1 / 15)
        assert poisson_interval(1e308) == (pytest.approx(1e308), pytest.approx(1e308))


def test_poisson_interval_lower_bound_is_never_below_zero():
    # Byar's lower bound x (1 - 1/9x - z/3√x)³ turns negative below about 0.6 events (0.5:
    # -0.0016); a Poisson mean cannot, so such fractional counts get 0. Above, it stays Byar's,
    # by hand: 0.9 (1 - 1/8.1 - z/(3·0.948683))³ = 0.9 · 0.18788³ = 0.005969, and at 1 event
    # (1 - 1/9 - z/3)³ = 0.01307 (z = 1.959964).
    low, high = poisson_interval(np.array([0.1, 0.5, 0.9, 1.0]))
    assert low[:2].tolist() == [0.0, 0.0]
    assert low[2:].tolist() == pytest.approx([0.005969, 0.01307], abs=1e-5)
    assert (high > np.array([0.1, 0.5, 0.9, 1.0])).all()
