"""Probe 11 of the queueing models and the staffing dashboards: texts that rounded a miss into
its target, or a shortfall into nothing."""

import pandas as pd
import pytest

from kpikit import plots, queueing
from kpikit.apps.staffing_plan import plan_summary_html


def _summary(service_level, short_agent_hours, *, short=1, below=1):
    plan = pd.DataFrame(
        {"period": pd.to_datetime(["2024-03-04 09:00"]), "fractional_required": [13.04]}
    )
    totals = {
        "contacts": 100.0,
        "peak_required": 14,
        "peak_period": plan["period"].iloc[0],
        "intervals": 1,
        "short_intervals": short,
        "short_agent_hours": short_agent_hours,
        "below_target": below,
        "service_level": service_level,
    }
    return plan_summary_html(
        plan,
        totals,
        day=pd.Timestamp("2024-03-04"),
        source="the roster",
        model="seasonal_naive",
        target_sl=80.0,
        threshold_s=20.0,
    )


def test_plan_summary_day_level_below_target_is_not_written_as_the_target():
    # the day answers 79.96 % against a target of 80 %: one decimal wrote "80.0 %" beside
    # "1 interval below target"; two decimals keep it apart (79.96 vs 80.00)
    summary = _summary(79.96, 0.5)
    assert "a service level of <b>79.96&nbsp;%</b>, 1 interval below target" in summary
    # a level clear of the target keeps one decimal, and float noise at it reads as it
    assert "<b>85.0&nbsp;%</b>" in _summary(85.0, 0.0, short=0, below=0)
    assert "<b>80.0&nbsp;%</b>" in _summary(79.99999999999, 0.0, short=0, below=0)
    # a day without contacts has no service level
    assert "<b>–</b>" in _summary(float("nan"), 0.0, short=0, below=0)


def test_plan_summary_shortfall_under_a_tenth_of_an_agent_hour_is_not_zero():
    # short by 0.04 agents in one half hour: 0.04 * 0.5 h = 0.02 agent hours, written
    # "0.0 agent hours" beside "short in 1 of 1 intervals"
    summary = _summary(79.96, 0.02).replace("&nbsp;", " ")
    assert "short in 1 of 1 intervals" in summary
    assert "0.02 agent hours on the phones" in summary
    assert "1.5 agent hours" in _summary(70.0, 1.5).replace("&nbsp;", " ")


def _plan(staffed, gap, required, level):
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 100.0],
            "required": required,
            "staffed": staffed,
            "gap": gap,
            "service_level": level,
        }
    )


def test_staffing_plan_short_hover_keeps_a_small_shortfall_apart_from_none():
    # 13 agents where 13.04 reach the targets: gap -0.04, hovered "0.0 agents fewer"; the
    # required line read "13.0 agents reach the targets (14 in whole agents)"
    fig = plots.staffing_plan(_plan([13.0, 16.0], [-0.04, 2.0], [14, 14], [79.7, 95.0]))
    short, required = fig.data[1], fig.data[2]
    assert list(short.customdata) == ["0.04", ""]
    assert short.hovertemplate == "%{customdata} agents fewer than reach the targets"
    assert list(required.text) == ["13.04", "14.0"] and list(required.customdata) == ["14", "14"]
    assert required.hovertemplate.startswith("%{text} agents reach the targets")


def test_staffing_plan_float_noise_below_the_line_is_not_short():
    # a gap of -1e-12 is float noise: plan_totals counts it met (within 1e-9), the chart drew a
    # short bar (of height 1e-12) hovered "0.0 agents fewer"
    fig = plots.staffing_plan(_plan([14.0, 16.0], [-1e-12, 2.0], [14, 14], [80.0, 95.0]))
    assert all(pd.isna(value) for value in fig.data[1].y)
    assert list(fig.data[1].customdata) == ["", ""]


def test_staffing_curve_hovers_keep_a_miss_apart_from_its_target():
    # one agent short of the answer: 79.96 % answered (target 80), occupancy 85.04 % (cap 85),
    # abandonment 5.03 % (cap 5) and an ASA of 20.04 s (target 20) hovered "80.0 %",
    # "85.0 %", "5.0 %" and "20.0 s", each beside its target line
    curve = pd.DataFrame(
        {
            "agents": [13, 14],
            "service_level": [79.96, 88.8],
            "asa": [20.04, 7.8],
            "occupancy": [85.04, 71.43],
            "abandonment_rate": [5.03, 2.0],
        }
    )
    fig = plots.staffing_curve(
        curve, target_sl=80, max_occupancy=85, max_abandon=5, target_asa_s=20, threshold_s=20
    )
    hovers = {trace.name: (list(trace.customdata), trace.hovertemplate) for trace in fig.data}
    assert hovers["Service level (20 s)"] == (["79.96", "88.8"], "%{customdata} %")
    assert hovers["Occupancy"] == (["85.04", "71.4"], "%{customdata} %")
    assert hovers["Abandonment"] == (["5.03", "2.0"], "%{customdata} %")
    assert hovers["ASA"] == (["20.04", "7.8"], "%{customdata} s")
    # without targets, one decimal, as before
    plain = plots.staffing_curve(curve)
    assert list(plain.data[0].customdata) == ["80.0", "88.8"]


def test_one_value_series_beside_per_interval_arrays_is_a_clear_error():
    # a Series of one volume broadcast to three shrinkages: its index (one label) cannot label
    # three intervals, and pandas' "Length of values (3) does not match length of index (1)"
    # came out raw
    volume = pd.Series([10.0], index=["a"])
    with pytest.raises(ValueError, match=r"'volume' is a Series of 1 value.*3 intervals"):
        queueing.agents_required(volume, 180, target_sl=80, shrinkage=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"'volume' is a Series of 1 value.*2 intervals"):
        queueing.service_for_roster(volume, [180, 200], scheduled_agents=3)


def test_service_for_roster_keeps_the_index_of_a_series_volume():
    # agents_required keeps a Series' index (its docstring says so); service_for_roster gave
    # 0, 1, ... instead of the intervals' labels, so a join by label paired other intervals
    volume = pd.Series([10.0, 20.0], index=["09:00", "09:30"])
    roster = queueing.service_for_roster(volume, 180, scheduled_agents=3)
    assert roster.index.tolist() == ["09:00", "09:30"]
    # 3 agents, A = 10 * 180 / 1800 = 1 and 2 Erlangs: 33.3 % and 66.7 % occupancy
    assert roster["occupancy"].round(1).tolist() == [33.3, 66.7]
    plan = queueing.agents_required(volume, 180, target_sl=80)
    assert plan.index.equals(roster.index)


def test_plan_summary_of_a_day_without_contacts_names_no_peak():
    # a closed day (every interval forecast 0): plan_totals' peak is the first interval, and
    # the summary read "0 agents needed on the phones at the peak (00:00: 0.0 rounded up)",
    # "The roster covers all 0 intervals" and "a service level of –"
    plan = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 00:00", "2024-03-04 00:30"]),
            "fractional_required": [0.0, 0.0],
        }
    )
    totals = {
        "contacts": 0.0,
        "peak_required": 0,
        "peak_period": plan["period"].iloc[0],
        "intervals": 0,
        "short_intervals": 0,
        "short_agent_hours": 0.0,
        "below_target": 0,
        "service_level": float("nan"),
    }
    summary = plan_summary_html(
        plan,
        totals,
        day=pd.Timestamp("2024-03-04"),
        source="the roster",
        model="seasonal_naive",
        target_sl=80.0,
        threshold_s=20.0,
    )
    assert "no contacts forecast" in summary and "no agents needed" in summary
    assert "peak" not in summary and "0 intervals" not in summary and "–" not in summary
    assert "<small>Staffed: the roster.</small>" in summary
