"""Tests for kpikit.stats.control_limits and the control limits of kpikit.plots.trend.

Expected values are worked by hand in the comments, on fixtures small enough to check:
d2 = 1.128 (moving ranges of two values), 2.66 = 3 / d2 as the SPC tables round it.

The rate fixture has four weeks with (numerator, denominator) = (85, 100), (75, 100),
(330, 400), (310, 400): p̄ = 800 / 1000 = 0.8, so σ = √(0.8 × 0.2 / 100) = 0.04 for n = 100
and √(0.16 / 400) = 0.02 for n = 400.
"""

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
import kpikit.plots as kp
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.stats import control_limits


def weekly(values, kpi="aht", **columns) -> pd.DataFrame:
    """One row per Monday from 2024-01-01, with the given values."""
    return pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=len(values), freq="W-MON"),
            "kpi": kpi,
            "value": [float(value) for value in values],
            **columns,
        }
    )


def rates(kpi="service_level", numerators=(85, 75, 330, 310), denominators=(100, 100, 400, 400)):
    numerators, denominators = np.asarray(numerators, float), np.asarray(denominators, float)
    with np.errstate(invalid="ignore"):
        values = np.where(denominators > 0, 100 * numerators / denominators, np.nan)
    return weekly(values, kpi, numerator=numerators, denominator=denominators)


def test_xmr_limits_by_hand():
    # 300, 310, 290, 300, 360: mean 1560 / 5 = 312; moving ranges 10, 20, 10, 60, mean 25;
    # 312 ± 2.66 × 25 = 312 ± 66.5.
    chart = control_limits(weekly([300, 310, 290, 300, 360]), kpi="aht")
    assert chart["center"].tolist() == pytest.approx([312.0] * 5)
    assert chart["lcl"].tolist() == pytest.approx([245.5] * 5)
    assert chart["ucl"].tolist() == pytest.approx([378.5] * 5)
    assert chart["signal"].isna().all()
    assert list(chart.columns[-4:]) == ["center", "lcl", "ucl", "signal"]


def test_baseline_is_applied_to_later_periods_and_flags_both_limits():
    # Baseline = the first four weeks: mean 300, moving ranges 10, 20, 10, mean 40/3;
    # 300 ± 2.66 × 40/3 = 300 ± 35.4667: 264.5333 to 335.4667, applied to week 5 too.
    frame = weekly([300, 310, 290, 300, 360])
    chart = control_limits(frame, kpi="aht", baseline=("2024-01-01", "2024-01-22"))
    assert chart["lcl"].tolist() == pytest.approx([300 - 2.66 * 40 / 3] * 5)
    assert chart["ucl"].tolist() == pytest.approx([300 + 2.66 * 40 / 3] * 5)
    assert chart["ucl"].iloc[0] == pytest.approx(335.4667, abs=1e-4)
    assert chart["signal"].tolist() == [None] * 4 + ["above the upper limit"]
    low = frame.assign(value=[300.0, 310.0, 290.0, 300.0, 240.0])  # 240 < 264.53
    chart = control_limits(low, kpi="aht", baseline=(None, pd.Timestamp("2024-01-22")))
    assert chart["signal"].iloc[-1] == "below the lower limit"
    # Without the baseline the outlier widens its own limits (mean 300, MRs 10, 20, 10, 60).
    assert control_limits(low, kpi="aht")["signal"].isna().all()


def test_xmr_limits_are_clipped_to_the_values_the_kpi_can_take():
    # NPS -90, -60, -95, -70: mean -78.75; moving ranges 30, 35, 25, mean 30; ± 79.8:
    # -158.55 (below -100: clipped) to 1.05.
    chart = control_limits(weekly([-90, -60, -95, -70], "nps"), kpi="nps")
    assert chart["lcl"].tolist() == pytest.approx([-100.0] * 4)
    assert chart["ucl"].tolist() == pytest.approx([1.05] * 4)
    # ASA 10, 40, 5, 30 s: mean 21.25; moving ranges 30, 35, 25, mean 30; 21.25 - 79.8 < 0.
    chart = control_limits(weekly([10, 40, 5, 30], "asa"), kpi="asa")
    assert chart["lcl"].tolist() == [0.0] * 4
    assert chart["ucl"].tolist() == pytest.approx([101.05] * 4)


def test_p_chart_limits_by_hand_and_by_the_textbook_formula():
    # n = 100: 80 ± 100 × 3 × 0.04 = 68 to 92; n = 400: 80 ± 100 × 3 × 0.02 = 74 to 86.
    chart = control_limits(rates(), kpi="service_level", method="p")
    assert chart["center"].tolist() == pytest.approx([80.0] * 4)
    assert chart["lcl"].tolist() == pytest.approx([68.0, 68.0, 74.0, 74.0])
    assert chart["ucl"].tolist() == pytest.approx([92.0, 92.0, 86.0, 86.0])
    assert chart["signal"].isna().all()
    # Textbook p chart (Montgomery, eq. 7.8 with a varying sample size), written out here.
    p_bar = (85 + 75 + 330 + 310) / (100 + 100 + 400 + 400)
    for n, low, high in zip(chart["denominator"], chart["lcl"], chart["ucl"], strict=True):
        half = 3 * math.sqrt(p_bar * (1 - p_bar) / n)
        assert (low, high) == pytest.approx((100 * (p_bar - half), 100 * (p_bar + half)))


def test_laney_p_prime_limits_by_hand_with_clipping():
    # z = (p - 0.8) / σ: 0.05/0.04 = 1.25, -1.25, 0.025/0.02 = 1.25, -1.25; moving ranges
    # 2.5, 2.5, 2.5; σ_z = 2.5 / 1.128 = 2.216312. n = 100: 80 ± 100 × 3 × 0.04 × 2.216312
    # = 80 ± 26.5957 (106.60 clipped to 100); n = 400: 80 ± 13.2979 = 66.7021 to 93.2979.
    chart = control_limits(rates(), kpi="service_level")  # auto: Laney for a rate of counts
    assert chart["center"].tolist() == pytest.approx([80.0] * 4)
    assert chart["lcl"].tolist() == pytest.approx([53.4043, 53.4043, 66.7021, 66.7021], abs=1e-4)
    assert chart["ucl"].tolist() == pytest.approx([100.0, 100.0, 93.2979, 93.2979], abs=1e-4)
    laney = control_limits(rates(), kpi="service_level", method="laney")
    pd.testing.assert_frame_equal(chart, laney)


def test_auto_follows_the_catalog_interval():
    for kpi_id in KPI_IDS:
        frame = rates(kpi_id)
        auto = control_limits(frame, kpi=kpi_id)
        if kpi_definition(kpi_id).interval == "wilson":
            expected = control_limits(frame, kpi=kpi_id, method="laney")
        else:
            expected = control_limits(frame, kpi=kpi_id, method="xmr")
            with pytest.raises(ValueError, match="rate of counts"):
                control_limits(frame, kpi=kpi_id, method="p")
        pd.testing.assert_frame_equal(auto, expected)


def test_a_null_period_is_skipped_in_the_center_and_the_moving_ranges():
    # 300, null, 310, 290, 300: center 300 and moving ranges 10, 20, 10 (310 - 300 across the
    # gap): 300 ± 35.4667; the null week has no limits and no signal.
    chart = control_limits(weekly([300, np.nan, 310, 290, 300]), kpi="aht")
    assert chart["ucl"].iloc[[0, 2, 3, 4]].tolist() == pytest.approx([300 + 2.66 * 40 / 3] * 4)
    assert np.isnan(chart["lcl"].iloc[1]) and np.isnan(chart["ucl"].iloc[1])
    assert chart["signal"].iloc[1] is None
    # A rate with a zero denominator: 0/0 has no value and leaves p̄ = 800 / 1000 alone.
    frame = rates(numerators=(85, 0, 75, 330, 310), denominators=(100, 0, 100, 400, 400))
    chart = control_limits(frame, kpi="service_level", method="p")
    assert chart["lcl"].tolist() == pytest.approx([68.0, np.nan, 68.0, 74.0, 74.0], nan_ok=True)


def test_fewer_than_two_values_give_null_limits_not_an_error():
    chart = control_limits(weekly([300, np.nan]), kpi="aht")
    assert chart[["center", "lcl", "ucl"]].isna().all().all()
    assert chart["signal"].isna().all()


def test_the_run_rule_fires_at_the_eighth_value_not_the_seventh():
    # Baseline: 100, 104, 96, 100: center 100, moving ranges 4, 8, 4, mean 16/3; limits
    # 100 ± 14.19. Week 4 is on the center (no side); weeks 5-13 are above it: the 8th of
    # them (index 11) and the 9th (index 12) signal, the 7th (index 10) does not; index 13 is
    # below and starts a new run.
    values = [100, 104, 96, 100, 101, 102, 101, 102, 101, 102, 101, 102, 101, 99]
    chart = control_limits(weekly(values), kpi="aht", baseline=(None, "2024-01-22"))
    run = "8 in a row above the center"
    assert chart["signal"].tolist() == [None] * 11 + [run, run, None]
    # Mirrored below the center, the same periods say "below".
    mirrored = control_limits(
        weekly([200 - value for value in values]), kpi="aht", baseline=(None, "2024-01-22")
    )
    assert mirrored["signal"].tolist()[10:13] == [None, *["8 in a row below the center"] * 2]
    # A null week inside the run neither ends nor extends it: the 8th value comes a week later.
    gapped = weekly([*values[:7], np.nan, *values[7:]])
    chart = control_limits(gapped, kpi="aht", baseline=(None, "2024-01-22"))
    assert chart["signal"].tolist()[11:14] == [None, run, run]


def test_a_value_beyond_a_limit_in_a_run_gives_both_reasons():
    # Baseline 100, 104, 96, 100 (limits 85.81 to 114.19), then eight values above 100, the
    # last one, 120, beyond the upper limit as well.
    values = [100, 104, 96, 100, 101, 102, 101, 102, 101, 102, 101, 120]
    chart = control_limits(weekly(values), kpi="aht", baseline=(None, "2024-01-22"))
    assert chart["signal"].iloc[-1] == "above the upper limit; 8 in a row above the center"


def test_limits_per_group_ordered_by_period():
    north = weekly([300, 310, 290, 300, 360]).assign(team="north")
    south = weekly([10, 40, 5, 30, 20]).assign(team="south")
    frame = pd.concat([south, north]).sample(frac=1, random_state=1)  # shuffled
    chart = control_limits(frame, kpi="aht", by="team")
    assert chart["team"].tolist() == ["north"] * 5 + ["south"] * 5
    assert chart.groupby("team")["period"].apply(lambda p: p.is_monotonic_increasing).all()
    # north as alone: 312 ± 66.5; south: 10, 40, 5, 30, 20: mean 21, MRs 30, 35, 25, 10,
    # mean 25; 21 ± 66.5 (below 0 clipped) -> 0 to 87.5.
    assert chart["ucl"].tolist() == pytest.approx([378.5] * 5 + [87.5] * 5)
    assert chart["lcl"].tolist() == pytest.approx([245.5] * 5 + [0.0] * 5)


def test_all_zero_rates_give_limits_on_the_center_and_no_signal():
    frame = rates("abandonment_rate", numerators=(0, 0, 0), denominators=(50, 80, 20))
    chart = control_limits(frame)  # the only KPI of the frame
    assert chart[["center", "lcl", "ucl"]].to_numpy().tolist() == [[0.0, 0.0, 0.0]] * 3
    assert chart["signal"].isna().all()


def test_polars_input_gives_pandas_and_other_kpis_are_left_out():
    frame = pd.concat([weekly([300, 310, 290, 300, 360]), rates()])
    chart = control_limits(pl.from_pandas(frame), kpi="aht")
    assert isinstance(chart, pd.DataFrame)
    assert chart["kpi"].unique().tolist() == ["aht"]
    assert chart["ucl"].tolist() == pytest.approx([378.5] * 5)


def test_on_the_sample_weeks():
    weeks = kk.compute(kk.load_sample(), kpis=["aht", "csat"], freq="week")
    chart = kk.stats.control_limits(weeks, kpi="csat")
    assert len(chart) == weeks["period"].nunique()
    assert ((chart["lcl"] <= chart["center"]) & (chart["center"] <= chart["ucl"])).all()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: control_limits(weekly([1, 2]).drop(columns="value")), ValueError, "'value'"),
        (lambda: control_limits(rates().drop(columns="denominator")), ValueError, "denominator"),
        (lambda: control_limits(weekly([1, 2]), kpi="csat"), ValueError, "a KPI of 'frame'"),
        (lambda: control_limits(weekly([1, 2]), kpi="ahtt"), ValueError, "Did you mean 'aht'"),
        (
            lambda: control_limits(pd.concat([weekly([1, 2]), rates()])),
            ValueError,
            "'kpi' is required",
        ),
        (
            lambda: control_limits(weekly([1, 2]).drop(columns="kpi")),
            ValueError,
            "'kpi' is required",
        ),
        (
            lambda: control_limits(pd.concat([weekly([1, 2]), weekly([3, 4])]), kpi="aht"),
            ValueError,
            "one row per period",
        ),
        (lambda: control_limits(weekly([1, 2]), method="c"), ValueError, "'method'"),
        (lambda: control_limits(weekly([1, 2]), method="p"), ValueError, "rate of counts"),
        (lambda: control_limits(weekly([1, 2]), by="team"), ValueError, "'team'"),
        (lambda: control_limits(weekly([1, 2]), baseline="2024-01-01"), TypeError, "'baseline'"),
        (
            lambda: control_limits(weekly([1, 2]), baseline=("2025-01-01", None)),
            ValueError,
            "selects no period",
        ),
        (
            lambda: control_limits(weekly([1, 2]), baseline=("2024-02-01", "2024-01-01")),
            ValueError,
            "start <= end",
        ),
        (
            lambda: control_limits(weekly([1, 2]).assign(value=["a", "b"])),
            TypeError,
            "'value'",
        ),
        (
            lambda: control_limits(rates(numerators=(120, 75, 330, 310))),
            ValueError,
            "numerator <= denominator",
        ),
        (lambda: control_limits([1, 2]), TypeError, "'frame'"),
    ],
)
def test_bad_input_is_refused_with_the_argument_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- kpikit.plots.trend(..., control_limits=True) ---------------------------------------------


def aht_weeks():
    # 300, 301, 299 three times, then 340: mean 3040 / 10 = 304; moving ranges 1, 2, 1, 1, 2,
    # 1, 1, 2, 41 (sum 52), mean 52/9; 304 ± 2.66 × 52/9 = 288.631 to 319.369. The first nine
    # are all below 304: the 8th and 9th signal the run; 340 is above the upper limit.
    values = [300, 301, 299, 300, 301, 299, 300, 301, 299, 340]
    frame = weekly(values)
    return frame.assign(ci_low=frame["value"] - 5, ci_high=frame["value"] + 5)


def test_trend_draws_center_limits_and_rings_the_signals():
    frame = aht_weeks()
    fig = kp.trend(frame, kpi="aht", control_limits=True)
    names = [trace.name for trace in fig.data]
    assert names == [
        "95 % interval",
        "Average handle time",
        "Center line",
        "Lower control limit",
        "Upper control limit",
        "Signal (a change, not good or bad)",
    ]
    center, lower, upper, rings = fig.data[2:]
    assert list(center.y) == pytest.approx([304.0] * 10)
    assert list(lower.y) == pytest.approx([304 - 2.66 * 52 / 9] * 10)
    assert list(upper.y) == pytest.approx([304 + 2.66 * 52 / 9] * 10)
    assert lower.line.dash == upper.line.dash == center.line.dash == "dash"
    assert upper.line.shape == "linear"  # XmR limits do not vary
    assert list(rings.x) == list(frame["period"].iloc[[7, 8, 9]])
    assert list(rings.y) == [301.0, 299.0, 340.0]
    assert list(rings.text) == [
        "8 in a row below the center",
        "8 in a row below the center",
        "above the upper limit",
    ]
    assert rings.marker.symbol == "circle-open"
    assert fig.layout.yaxis.range[0] <= 288.631  # the limits are in view


def test_trend_limits_of_a_rate_step_with_the_denominator():
    frame = rates().assign(ci_low=np.nan, ci_high=np.nan)
    fig = kp.trend(frame, kpi="service_level", control_limits=True)
    lower, upper = fig.data[-2:]  # Laney, no signal: no ring trace
    assert [trace.name for trace in fig.data][-3:] == [
        "Center line",
        "Lower control limit",
        "Upper control limit",
    ]
    assert list(upper.y) == pytest.approx([100.0, 100.0, 93.2979, 93.2979], abs=1e-4)
    assert upper.line.shape == "hvh"


def test_trend_without_control_limits_is_unchanged():
    frame = aht_weeks()
    default = kp.trend(frame, kpi="aht")
    assert [trace.name for trace in default.data] == ["95 % interval", "Average handle time"]
    assert kp.trend(frame, kpi="aht", control_limits=False).to_json() == default.to_json()


def test_trend_control_limits_refuses_groups_and_missing_counts():
    teams = pd.concat([aht_weeks().assign(team="a"), aht_weeks().assign(team="b")])
    with pytest.raises(ValueError, match="'control_limits'.*one line"):
        kp.trend(teams, kpi="aht", by="team", control_limits=True)
    rate = rates().assign(ci_low=np.nan, ci_high=np.nan).drop(columns="numerator")
    with pytest.raises(ValueError, match="missing column.*numerator"):
        kp.trend(rate, kpi="service_level", control_limits=True)
    with pytest.raises(TypeError, match="'control_limits'"):
        kp.trend(aht_weeks(), kpi="aht", control_limits="yes")
