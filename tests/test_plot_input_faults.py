"""Faults found by a probe in the intraday figures, the trade-off's what-if, the heatmap of a
component and the trainer's calculator: each is refused naming the argument, or shown right."""

import re

import numpy as np
import pandas as pd
import pytest
from test_plots import AGENTS  # four agents: AHT 240-420 s, CSAT 78-88 %

import kpikit.plots as kp
from kpikit.catalog import KPI_IDS, calculate, kpi


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


def test_intraday_interval_s_given_sets_the_intervals_of_the_axis():
    bars = kp.intraday_volume(_day(), interval_s=900).data[0]
    # 15-minute intervals from 09:00 to 09:30: 09:15 has no row and keeps its place, empty
    assert list(bars.x) == ["09:00", "09:15", "09:30"]
    assert np.asarray(bars.y, dtype=float).tolist()[::2] == [4.0, 1.0]
    assert np.isnan(bars.y[1])


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


# --- trade-off ---------------------------------------------------------------------------------


def test_tradeoff_what_if_nan_names_what_if():
    with pytest.raises(ValueError, match="Value of 'what_if' must be a finite number"):
        kp.tradeoff(AGENTS, what_if=np.nan)
    with pytest.raises(TypeError, match="Value of 'what_if' must be a number"):
        kp.tradeoff(AGENTS, what_if="60")


def test_tradeoff_what_if_nan_is_refused_even_when_the_fit_has_no_slope():
    with pytest.raises(ValueError, match="'what_if'"):
        kp.tradeoff(AGENTS.iloc[:1], what_if=np.nan)


def test_tradeoff_what_if_too_far_names_what_if_and_its_bounds():
    # mean of x = (240 + 300 + 360 + 420) / 4 = 330; limit 10 * 330 = 3300
    with pytest.raises(ValueError, match=r"Value of 'what_if' .* from -3300 to 3300") as error:
        kp.tradeoff(AGENTS, what_if=1e308)
    assert "delta_x" not in str(error.value)


def test_tradeoff_what_if_in_range_is_drawn():
    # slope = sxy / sxx = 930 / 18000 = 0.05167 CSAT points per s; 60 s -> +3.1
    notes = [a.text for a in kp.tradeoff(AGENTS, what_if=60).layout.annotations if a.text]
    assert "what if AHT +60: CSAT +3.1 (fitted association)" in notes


# --- heatmap of a component --------------------------------------------------------------------


def _cells(kpi, numerator, denominator):
    return pd.DataFrame(
        {
            "weekday": [1, 1],
            "hour": [9, 10],
            "kpi": kpi,
            "value": [1.0, 1.0],
            "numerator": numerator,
            "denominator": denominator,
        }
    )


def test_heatmap_handle_seconds_are_seconds_not_a_count():
    cells = _cells("aht", [969371.0, 1000.0], [3231.0, 4.0])
    trace = kp.hour_weekday_heatmap(cells, kpi="aht", value="numerator").data[0]
    assert trace.colorbar.title.text == "s"
    assert trace.text[0][9] == "969,371 s"  # Monday 09:00: the handle seconds summed
    denominator = kp.hour_weekday_heatmap(cells, kpi="aht", value="denominator").data[0]
    assert denominator.colorbar.title.text == "count"
    assert denominator.text[0][9] == "3,231"  # answered contacts


def test_heatmap_cost_is_currency_and_agent_time_is_seconds():
    cost = _cells("cost_per_contact", [1234.5, 10.0], [300.0, 2.0])
    trace = kp.hour_weekday_heatmap(cost, kpi="cost_per_contact", value="numerator").data[0]
    assert (trace.colorbar.title.text, trace.text[0][9]) == ("currency", "1,234.50")
    busy = _cells("occupancy", [1500.0, 900.0], [1800.0, 1800.0])  # handling_s; + available_s
    trace = kp.hour_weekday_heatmap(busy, kpi="occupancy", value="denominator").data[0]
    assert (trace.colorbar.title.text, trace.text[0][10]) == ("s", "1,800 s")


def test_heatmap_of_a_component_is_titled_by_its_short_name():
    # before: 'Offered minus short abandons (option `sl_denominator="answered"`: answered) by
    # hour and weekday' (an option not used) and 'Sum(talk_s + hold_s + acw_s) over answered
    # by hour and weekday' (column names): the catalog's prose of the sums
    offered = _cells("service_level", [8.0, 9.0], [10.0, 10.0])
    title = kp.hour_weekday_heatmap(offered, kpi="service_level", value="denominator").layout
    assert title.title.text == "Contacts offered (less short abandons) by hour and weekday"
    handle = kp.hour_weekday_heatmap(
        _cells("aht", [900.0, 600.0], [3.0, 2.0]), kpi="aht", value="numerator"
    )
    assert handle.layout.title.text == "Handle time (s) by hour and weekday"
    answered = kp.hour_weekday_heatmap(
        _cells("aht", [900.0, 600.0], [3.0, 2.0]), kpi="aht", value="denominator"
    )
    # one component: its label
    assert answered.layout.title.text == "Answered contacts by hour and weekday"
    # every KPI's components: a title without a column name or option
    for kpi_id in KPI_IDS:
        for value in ("numerator", "denominator")[: 1 if kpi(kpi_id).is_count else 2]:
            fig = kp.hour_weekday_heatmap(
                _cells(kpi_id, [1.0, 1.0], [2.0, 2.0]), kpi=kpi_id, value=value
            )
            assert not re.search(r"_|`|=|\bsum\(", fig.layout.title.text), (kpi_id, value)
    from kpikit.catalog._registry import sum_label  # the variants' sums are named too

    for variant in (v for kpi_id in KPI_IDS for v in kpi(kpi_id).variants):
        for text in filter(None, (variant.sum_numerator, variant.sum_denominator)):
            assert not re.search(r"_|`|=", sum_label(text)), (variant, text)


# --- calculator --------------------------------------------------------------------------------


def test_calculator_counting_variants_keep_the_formula_and_replacing_ones_switch_it():
    # fcr_transfers changes how the first contacts behind the totals are counted, not the
    # formula: the same totals give the same 100 * 72 / 100 (the worked example's); the totals
    # are counted its way by component_sums (tests/test_common.py checks that against compute)
    assert calculate("fcr", fcr_transfers="ignore", example=True) == 72.0
    assert calculate("fcr", example=True) == 72.0
    # fcr_method="survey" replaces the sums: 100 * 30 resolved by the customer's word / 40
    assert (
        calculate("fcr", fcr_method="survey", fcr_resolved_by_survey=30, fcr_surveyed_first=40)
        == 75.0
    )


# --- staffing plan -----------------------------------------------------------------------------


def _plan(**columns):
    plan = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 100.0],
            "required": [14.0, 14.0],
            "staffed": [12.0, 16.0],
            "gap": [-2.0, 2.0],  # staffed - required: 2 short at 09:00, may be below 0
            "service_level": [64.0, 95.0],
        }
    )
    return plan.assign(**columns)


def test_staffing_plan_refuses_text_periods_and_two_rows_for_one_interval():
    with pytest.raises(TypeError, match="'plan' must hold datetimes in column 'period'"):
        kp.staffing_plan(_plan(period=["2024-03-04 09:00", "2024-03-04 09:30"]))
    with pytest.raises(ValueError, match="one row per period but has 2 rows for 1"):
        kp.staffing_plan(_plan(period=pd.to_datetime(["2024-03-04 09:00"] * 2)))


@pytest.mark.parametrize(
    ("column", "values", "limit"),
    [
        ("staffed", [-1.0, 16.0], ">= 0"),
        ("volume", [100.0, -5.0], ">= 0"),
        ("service_level", [150.0, 95.0], ">= 0 and <= 100"),
    ],
)
def test_staffing_plan_refuses_figures_it_would_draw_off_its_axes(column, values, limit):
    with pytest.raises(ValueError, match=rf"finite numbers {limit} in column '{column}'"):
        kp.staffing_plan(_plan(**{column: values}))


def test_staffing_plan_still_draws_a_shortfall():
    short = kp.staffing_plan(_plan()).data[1].y  # a gap below 0 is the shortfall, not refused
    assert short[0] == 2.0 and np.isnan(short[1])  # 14 required - 12 staffed; none at 09:30
