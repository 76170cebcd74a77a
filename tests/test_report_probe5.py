"""Probe 5 of reports, provisional figures, control limits and statistics: edge values.

Expected values are worked by hand in the comments.
"""

import warnings

import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit.provisional import provisional_fcr
from kpikit.stats import (
    control_limits,
    mean_exprs,
    mean_interval,
    nps_interval,
    two_proportion_z,
    wilson_interval,
)


def daily(values, kpi="aht", **columns) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=len(values), freq="D"),
            "kpi": kpi,
            "value": values,
            **columns,
        }
    )


# --- control limits ---------------------------------------------------------------------------


def test_xmr_limits_of_values_near_the_float_maximum_do_not_overflow():
    # 1e308, 1.2e308, 1.1e308: their sum (3.3e308) overflows, the mean 1.1e308 does not;
    # moving ranges 2e307 and 1e307, mean 1.5e307; half-width 2.66 * 1.5e307 = 3.99e307:
    # limits 1.1e308 -/+ 3.99e307 = 7.01e307 to 1.499e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = control_limits(daily([1e308, 1.2e308, 1.1e308]))
    assert chart["center"].tolist() == pytest.approx([1.1e308] * 3, rel=1e-12)
    assert chart["lcl"].tolist() == pytest.approx([7.01e307] * 3, rel=1e-12)
    assert chart["ucl"].tolist() == pytest.approx([1.499e308] * 3, rel=1e-12)


def test_xmr_limit_past_the_float_range_is_refused_with_the_fix():
    # 0, 1.7e308, 0: center 5.67e307, moving ranges 1.7e308 each: the upper limit,
    # 5.67e307 + 2.66 * 1.7e308, is beyond 1.8e308: no finite limit exists
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"too large for control limits.*larger unit"):
            control_limits(daily([0.0, 1.7e308, 0.0]))


def test_p_chart_of_denominators_near_the_float_maximum_does_not_overflow():
    # numerators 5e307, 5e307, 6e307 of 1e308 each: p-bar = 16e307 / 3e308 = 0.5333;
    # the sum of denominators (3e308) overflows unless scaled
    frame = daily(
        [50.0, 50.0, 60.0],
        kpi="service_level",
        numerator=[5e307, 5e307, 6e307],
        denominator=[1e308] * 3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = control_limits(frame, method="p")
    assert chart["center"].tolist() == pytest.approx([100 * 16 / 30] * 3)


def test_values_off_the_kpi_scale_are_refused_naming_count_and_rows():
    # an AHT of -5 s or -20 s does not exist; before, the center (-5) lay below its own lower
    # limit (clipped to 0) and both values were flagged "below the lower limit"
    with pytest.raises(ValueError, match=r"values >= 0 for 'aht', but 2 row\(s\).*2024-01-03"):
        control_limits(daily([-5.0, 10.0, -20.0]))
    with pytest.raises(ValueError, match=r"from 0 to 100 for 'service_level', but 1 row"):
        control_limits(daily([50.0, 150.0, 60.0], kpi="service_level"), method="xmr")


def test_negative_nps_values_are_charted():
    # NPS -10, 10, -30: center -10, moving ranges 20, 40, mean 30: -10 -/+ 79.8
    chart = control_limits(daily([-10.0, 10.0, -30.0], kpi="nps"))
    assert chart[["center", "lcl", "ucl"]].iloc[0].tolist() == pytest.approx([-10, -89.8, 69.8])


def test_impossible_numerators_name_the_rows():
    frame = daily(
        [120.0, 50.0], kpi="service_level", numerator=[12.0, 5.0], denominator=[10.0, 10.0]
    )
    with pytest.raises(ValueError, match=r"numerator <= denominator.*1 row\(s\).*2024-01-01"):
        control_limits(frame)


# --- statistics -------------------------------------------------------------------------------


@pytest.mark.parametrize("z", [0, -1.96, float("nan"), float("inf")])
def test_intervals_refuse_a_z_that_is_no_confidence_level(z):
    # z = 0 is a 0 % level (a zero-width interval), a negative z a level below 0: before, 8 of
    # 10 at z = -1.96 gave low 0.943 above high 0.490 (the bounds swapped)
    with pytest.raises(ValueError, match=r"Value of 'z' must be a finite number > 0"):
        wilson_interval(8, 10, z=z)
    with pytest.raises(ValueError, match=r"Value of 'z' must be a finite number > 0"):
        nps_interval(5, 2, 13, z=z)


def test_intervals_refuse_a_z_given_as_text_naming_it():
    # before: "unsupported operand type(s) for ** or pow(): 'str' and 'int'"
    with pytest.raises(TypeError, match=r"Value of 'z' must be a number but received: '1.96'"):
        wilson_interval(8, 10, z="1.96")


def test_wilson_at_another_z_matches_statsmodels():
    # z = 1.6449 (90 %), 8 of 10: statsmodels' proportion_confint(8, 10, 0.1, "wilson")
    # gives 0.5408 to 0.9314 (hand: centre (0.8 + 0.1353) / 1.2706 = 0.7361,
    # half 1.6449 sqrt(0.016 + 0.00676) / 1.2706 = 0.1953)
    low, high = wilson_interval(8, 10, z=1.6448536269514722)
    assert (low, high) == pytest.approx((0.540793, 0.931442), abs=1e-5)


def test_mean_interval_of_a_tiny_spread_beside_a_huge_mean_is_nan_not_zero_width():
    # 1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3: mean 1e9 + 0.2, s = 0.1, t(0.975, 2) = 4.3027:
    # 1e9 + 0.2 -/+ 0.2484 (scipy's t interval). The sums hold Σx² = 3e18 + 1.2e9 + 0.14,
    # whose last bit is 512, so the spread 0.02 is lost; before: 1e9 + 0.2 to 1e9 + 0.2
    values = np.array([1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3])
    low, high = mean_interval(3, values.sum(), (values**2).sum())
    assert np.isnan(low) and np.isnan(high)
    expressions = mean_exprs(nw.col("n"), nw.col("total"), nw.col("squares"))
    table = pl.DataFrame({"n": [3.0], "total": [values.sum()], "squares": [(values**2).sum()]})
    bounds = nw.from_native(table).select(low=expressions[0], high=expressions[1])
    assert bounds.rows() == [(None, None)]


def test_mean_interval_keeps_an_exact_spread_of_zero_and_a_resolved_one():
    # 300, 300, 300: Σx = 900, Σx² = 270000 exactly, spread 0: 300 to 300
    assert mean_interval(3, 900.0, 270000.0) == (300.0, 300.0)
    # 1e5 + 0.1, + 0.2, + 0.3: spread 0.02 beside Σx² = 3e10 (last bit 3.8e-6): resolved,
    # 1e5 + 0.2 -/+ 0.2484 to 4 digits (scipy: 100000.0516 to 100000.4484)
    values = np.array([1e5 + 0.1, 1e5 + 0.2, 1e5 + 0.3])
    low, high = mean_interval(3, values.sum(), (values**2).sum())
    assert (low, high) == pytest.approx((100000.2 - 0.2484, 100000.2 + 0.2484), abs=1e-3)


def test_nps_interval_of_responses_near_the_float_maximum_has_no_overflow_warning():
    # 1e308 promoters of 1e308: 100 · (1e308 - 0) overflowed before the division; NPS 100
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nps_interval(1e308, 0, 1e308) == (100.0, 100.0)


def test_two_proportion_z_refuses_an_infinite_count_like_the_intervals():
    # before: NaN, silently (inf of inf successes)
    with pytest.raises(ValueError, match=r"Value of 'x1' must be a finite count"):
        two_proportion_z(float("inf"), float("inf"), 3, 10)


def fcr_months() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=2, freq="MS"),
            "kpi": "fcr",
            "value": [70.0, 60.0],  # 7 of 10, 6 of 10
            "numerator": [7.0, 6.0],
            "denominator": [10.0, 10.0],
        }
    )


def test_control_limits_of_a_frame_without_rows_are_an_empty_chart():
    # no period to chart: no rows, the four columns added; before: "Expected one of [] but
    # received: 'fcr'"
    chart = control_limits(fcr_months().iloc[0:0], kpi="fcr")
    assert chart.empty
    assert list(chart.columns[-4:]) == ["center", "lcl", "ucl", "signal"]


def test_trend_with_control_limits_when_every_period_is_provisional():
    # both months' FCR still maturing: nothing to learn limits from, and nothing flagged;
    # before, plots.trend raised the control-limits error above
    import kpikit.plots as kp

    frame = fcr_months().assign(ci_low=np.nan, ci_high=np.nan)
    figure = kp.trend(frame, kpi="fcr", control_limits=True, provisional=list(frame["period"]))
    line = next(trace for trace in figure.data if trace.name == "First contact resolution")
    assert list(line.y) == [70.0, 60.0]
    # no empty "Center line" / limit traces in the legend; the axis says why there are none
    assert [trace.name for trace in figure.data if trace.legendgroup == "control limits"] == []
    assert "no control limits: they need 2 final values" in figure.layout.xaxis.title.text


# --- provisional FCR --------------------------------------------------------------------------


def test_provisional_fcr_refuses_an_fcr_row_without_a_period():
    # before: the row was left out of the answer silently (NaT + 24 h > last is False), as if
    # its FCR were final
    days = pd.Series(pd.to_datetime(["2026-08-05", None, "2026-08-07"]))
    result = pd.DataFrame({"period": days, "kpi": "fcr", "value": 80.0})
    with pytest.raises(ValueError, match=r"1 FCR row\(s\) without a 'period' \(first: row 1\)"):
        provisional_fcr(result, "day", pd.Timestamp("2026-08-07 17:00"), fcr_window="24h")


def test_provisional_fcr_on_the_day_the_clocks_go_forward():
    # Europe/London, 24 h window, last arrival 31 Mar 00:00 BST: 29 Mar (23 h long) ends 30 Mar
    # 00:00 BST, its window closes 31 Mar 00:00 BST = the last arrival: final (<=);
    # 30 Mar ends 31 Mar 00:00, closes 1 Apr 00:00: provisional
    days = pd.date_range("2026-03-28", periods=3, freq="D", tz="Europe/London")
    result = pd.DataFrame({"period": days, "kpi": "fcr", "value": 80.0})
    last = pd.Timestamp("2026-03-31", tz="Europe/London")
    found = provisional_fcr(result, "day", last, fcr_window="24h")
    assert found["period"].tolist() == [days[2]]
    assert found["provisional_until"].tolist() == [pd.Timestamp("2026-04-01", tz="Europe/London")]


@pytest.mark.parametrize("lazy", [False, True])
def test_a_rounding_noise_spread_is_a_null_interval_on_eager_and_lazy_polars(lazy):
    # Handle times 1e9 + 0.1, + 0.2, + 0.3 s: their spread (0.02) is below the last bit of
    # Σx² (3e18), so no interval can be told (mean_interval gives NaN). Both polars paths must
    # say so as null, as the lazy engines' expressions do (eager polars gave NaN).
    contacts = pl.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-02 09:01", "2026-03-02 09:02"]
            ),
            "answered": [True, True, True],
            "wait_s": [1.0, 2.0, 3.0],
            "talk_s": [1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3],
        }
    )
    result = kk.compute(contacts.lazy() if lazy else contacts, kpis=["aht"])
    result = result.collect() if lazy else result
    assert result.select("ci_low", "ci_high").to_dicts() == [{"ci_low": None, "ci_high": None}]
