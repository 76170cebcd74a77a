"""Probe 9 of kpikit.stats, kpikit._control_limits and kpikit.tradeoff: booleans hidden in a
list, and control-chart periods whose value and counts disagree (a zero denominator with a
value, a null value beside its counts)."""

import numpy as np
import pandas as pd
import pytest

from kpikit.stats import control_limits, poisson_interval, wilson_interval
from kpikit.tradeoff import fit_line

WEEKS = pd.date_range("2024-01-01", periods=4, freq="W-MON")


def test_a_boolean_inside_a_list_of_numbers_is_refused():
    # was: [True, 1, 1] became the integers [1, 1, 1] and fitted with weight 1: slope 1.5
    # (x̄ = 2, ȳ = 7/3, sxx = 2, sxy = (-1)(1 - 7/3) + (1)(4 - 7/3) = 3, 3 / 2 = 1.5)
    with pytest.raises(TypeError, match=r"Value of 'weights' must be a number.*\[True, 1, 1\]"):
        fit_line([1, 2, 3], [1, 2, 4], weights=[True, 1, 1])
    with pytest.raises(TypeError, match="Value of 'successes' must be a number"):
        wilson_interval([True, 3], [5, 5])  # was read as 1 of 5
    with pytest.raises(TypeError, match="Value of 'y' must be a number"):
        fit_line([1, 2, 3], (1, np.True_, 4))
    # numbers alone still fit: weights 2, 1, 1 give x̄ = 7/4, ȳ = 2, sxx = 2·(3/4)² + (1/4)²
    # + (5/4)² = 11/4, sxy = 2(-3/4)(-1) + (1/4)(0) + (5/4)(2) = 4, slope 16/11
    assert fit_line([1, 2, 3], [1, 2, 4], weights=[2, 1, 1]).slope == pytest.approx(16 / 11)


@pytest.mark.parametrize("z", [-1.0, 0.0, float("inf")])
def test_a_poisson_interval_refuses_a_z_that_is_no_confidence_level(z):
    # was: z = -1 gave 7.15 to 3.63 for 5 events (low above high: Byar's formula with the sign
    # of z turned), z = 0 a zero-width interval; wilson_interval and nps_interval refuse them
    with pytest.raises(ValueError, match="Value of 'z' must be a finite number > 0"):
        poisson_interval(5, z=z)
    # z = 1: low 5 (1 - 1/45 - 1/(3√5))³ = 2.8456, high 6 (1 - 1/54 + 1/(3√6))³ = 8.3747
    assert poisson_interval(5, z=1.0) == pytest.approx((2.8456, 8.3747), abs=1e-4)


def _aht_weeks(values, denominators):
    return pd.DataFrame(
        {
            "period": WEEKS,
            "kpi": "aht",
            "value": values,
            "numerator": np.asarray(values) * np.asarray(denominators),
            "denominator": denominators,
        }
    )


def test_an_individuals_chart_refuses_a_value_where_the_denominator_is_zero():
    # was: the AHT 0 s of a week without answered contacts (a null filled with 0) was charted:
    # center (300 + 0 + 310 + 290) / 4 = 225 s instead of 300 s, and no error
    frame = _aht_weeks([300.0, 0.0, 310.0, 290.0], [10, 0, 10, 10])
    with pytest.raises(ValueError, match=r"null value where the denominator is 0.*1 row\(s\)"):
        control_limits(frame)
    # the null that kk.compute gives: center (300 + 310 + 290) / 3 = 300, moving ranges 10
    # and 20 (the null is skipped), 300 ± 2.66 × 15 = 260.1 to 339.9
    chart = control_limits(_aht_weeks([300.0, np.nan, 310.0, 290.0], [10, 0, 10, 10]))
    assert chart["center"].iloc[0] == pytest.approx(300.0)
    assert chart["lcl"].tolist() == pytest.approx([260.1, np.nan, 260.1, 260.1], nan_ok=True)
    assert chart["ucl"].iloc[0] == pytest.approx(339.9)


def _csat_weeks(values, numerators, denominators):
    return pd.DataFrame(
        {
            "period": WEEKS[: len(values)],
            "kpi": "csat",
            "value": values,
            "numerator": numerators,
            "denominator": denominators,
        }
    )


def test_a_p_chart_refuses_a_value_of_no_responses():
    # was: a CSAT of 0 % over 0 responses was quietly left without limits
    frame = _csat_weeks([80.0, 0.0, 70.0], [8, 0, 7], [10, 0, 10])
    with pytest.raises(ValueError, match="null value where the denominator is 0"):
        control_limits(frame, method="p")


def test_a_p_chart_refuses_a_null_value_beside_its_counts():
    # was: the week of 9 of 10 was left out of p̄ unsaid: p̄ = 15 / 20 = 75 % instead of
    # 24 / 30 = 80 %
    frame = _csat_weeks([80.0, np.nan, 70.0], [8, 9, 7], [10, 10, 10])
    with pytest.raises(ValueError, match=r"value = 100 × numerator / denominator.*value=nan"):
        control_limits(frame)
    chart = control_limits(_csat_weeks([80.0, 90.0, 70.0], [8, 9, 7], [10, 10, 10]), method="p")
    # p chart: 80 ± 3·√(0.8·0.2/10) = 80 ± 37.95 → 42.05 to 100 (held at 100)
    assert chart["center"].iloc[0] == pytest.approx(80.0)
    assert chart["lcl"].iloc[0] == pytest.approx(80 - 300 * np.sqrt(0.016))
    assert chart["ucl"].iloc[0] == 100.0
