"""The staffing dashboard's day plan as a manager reads it: one line the shortfall is measured
against, and a roster set exactly on a phone."""

import ipywidgets as widgets
import pandas as pd
import pytest

import kpikit as kk
from kpikit import plots
from kpikit.apps import StaffingApp
from kpikit.sample import generate


@pytest.fixture(scope="module")
def sample_app():
    # the default view: the Day plan of Sun 30 Aug 2026, the day after the sample
    return StaffingApp(kk.load_sample())


def by_time(figure, trace):
    """A trace's y by interval label."""
    return dict(zip(figure.data[trace].x, figure.data[trace].y, strict=True))


def test_the_required_line_is_what_the_short_marks_are_measured_against(sample_app):
    # Before, the line was drawn in whole agents (6 at 09:00, 10 at 14:00) while the short
    # marks were measured against the agents reaching the targets: 5.93 staffed at 09:00 sat
    # under the line with no short mark, and the short bar of 10:00 stopped at 9.52 under 10.
    plan = sample_app.plan.set_index(sample_app.plan["period"].dt.strftime("%H:%M"))
    figure = sample_app.plot.figure
    staffed, short, line = (by_time(figure, trace) for trace in range(3))
    # the line is the agents reaching the targets: 5.88 at 09:00, 9.53 at 10:00, 9.39 at 14:00
    for time in ("09:00", "10:00", "14:00"):
        assert line[time] == pytest.approx(plan.loc[time, "fractional_required"])
    assert (round(line["09:00"], 2), round(line["14:00"], 2)) == (5.88, 9.39)
    # 09:00: 5.93 staffed >= 5.88, 14:00: 9.44 >= 9.39: on or above the line, not short
    assert staffed["09:00"] >= line["09:00"] and pd.isna(short["09:00"])
    assert staffed["14:00"] >= line["14:00"] and pd.isna(short["14:00"])
    # 10:00: 9.23 staffed + 0.29 short = 9.53, the line
    assert staffed["10:00"] + short["10:00"] == pytest.approx(line["10:00"])
    # every bar under the line is marked short, and only those: 10:00 and 17:30, the
    # summary's "short in 2 of 18 intervals"
    below = [time for time in line if staffed[time] < line[time] - 1e-9]
    marked = [time for time in short if not pd.isna(short[time])]
    assert below == marked == ["10:00", "17:30"]
    assert "short in 2 of 18 intervals" in sample_app.plan_summary.value


def test_the_hover_summary_and_export_say_what_the_line_is(sample_app):
    figure = sample_app.plot.figure
    line = figure.data[2]
    assert line.name == "required" and "reach the targets" in line.hovertemplate
    # 10:00: 9.53 agents reach the targets, 10 whole agents
    assert dict(zip(line.x, line.customdata, strict=True))["10:00"] == "10"
    assert "reach the targets" in figure.data[1].hovertemplate
    # the peak: 10 whole agents at 10:00, 9.53 reaching the targets rounded up
    summary = sample_app.plan_summary.value
    assert "<b>10 agents</b> needed on the phones at the peak (10:00: 9.5 rounded up)" in summary
    assert "below the agents that reach the targets (the chart's required line" in summary
    columns = list(sample_app.excel_sheets()[0].table.columns)
    assert "Agents reaching the targets" in columns
    assert "Gap to the agents reaching the targets" in columns


def test_the_chart_of_a_hand_plan_draws_the_line_its_gap_is_measured_from():
    # 6 whole agents required, 5.5 reach the targets: 5.8 staffed is 0.3 over, not short;
    # 5.0 staffed is 0.5 short, its mark from 5.0 up to the line at 5.5
    plan = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [20.0, 20.0],
            "required": [6, 6],
            "staffed": [5.8, 5.0],
            "gap": [0.3, -0.5],
            "service_level": [84.0, 72.0],
        }
    )
    figure = plots.staffing_plan(plan)
    assert list(figure.data[2].y) == pytest.approx([5.5, 5.5])
    assert pd.isna(figure.data[1].y[0]) and figure.data[1].y[1] == pytest.approx(0.5)
    assert list(figure.data[2].customdata) == ["6", "6"]


@pytest.fixture(scope="module")
def generated():
    # Two weeks of a small synthetic center: phone, chat and email, agents and costs.
    return generate(days=14, agents=12, seed=3)


def test_the_roster_is_a_number_field_of_whole_agents(generated):
    # Before, a slider of 0 to 500 agents: about 3 agents a pixel on a phone's 170 px track
    app = StaffingApp(generated, calibrate=False, shrinkage=0.3)
    roster = app.roster_agents
    assert isinstance(roster, widgets.BoundedIntText)
    assert (roster.min, roster.max, roster.step, roster.value) == (0, 500, 1, 0)
    assert roster.description == "Roster" and roster.layout.display is None
    # typed in: 12 scheduled, 30 % away: 12 * 0.7 = 8.4 on the phones where contacts come
    roster.value = 12
    busy = app.plan["volume"] > 0
    assert app.plan.loc[busy, "staffed"].round(9).eq(8.4).all()
    assert "12 agents scheduled per interval" in app.plan_summary.value
    # a link and set() still set it, whole counts only, within the bounds
    app.set_from_link("roster_agents=15")
    assert roster.value == 15
    with pytest.raises(ValueError, match="'roster_agents' must be a whole number"):
        app.set(roster_agents=3.5)
    with pytest.raises(ValueError, match="'roster_agents' must be between 0 and 500"):
        app.set(roster_agents=600)
    app.set(roster_agents=20.0)
    assert roster.value == 20
    # the notebook's parameters cell is unchanged
    assert "roster_agents = 0.0" in StaffingApp.parameters_cell()
