"""StaffingApp and the staffing figures driven in plain Python (no browser)."""

import math

import numpy as np
import pandas as pd
import pytest

import kpikit as kk
from kpikit import calibrate, plots, queueing, whatif
from kpikit.apps import StaffingApp
from kpikit.sample import generate


@pytest.fixture(scope="module")
def generated():
    # Two weeks of a small synthetic center: phone, chat and email, agents and costs.
    return generate(days=14, agents=12, seed=3)


def state(figure):
    return figure.to_json()


def test_fixed_inputs_by_hand(generated):
    # 100 calls per 30 min at 180 s: A = 10 Erlangs; 80 % in 20 s needs 14 agents (13 give
    # 79.6 %), 14 / (1 - 0.3) = 20 scheduled; 30 s less AHT: A = 8.33, 12 agents.
    app = StaffingApp(
        generated,
        view="whatif",
        calibrate=False,
        volume=100,
        aht_s=180,
        patience_s=0,
        max_occupancy=100,
        shrinkage=0.3,
        aht_change_s=-30,
    )
    assert app.evaluation.value("agents") == 14
    assert app.evaluation.value("scheduled_agents") == 20
    table = app.comparison.set_index("metric")
    assert table.loc["agents", "alternative"] == 12
    assert "<b>14 agents</b>" in app.summary.value and "(20 scheduled)" in app.summary.value
    # the staffing curve marks 14 agents and has no abandonment line without patience
    names = [trace.name for trace in app.plot.figure.data]
    assert names == ["Service level (20 s)", "Occupancy", "ASA"]
    assert app.plot.figure.layout.shapes[-1].x0 == 14
    # the comparison table: 14 -> 12 agents, arrow down; not a KPI, so neither green nor red
    assert "what-if: AHT -30 s" in app.comparison_table.value
    assert (
        "<td style='padding: 3px 10px; border-bottom: 1px solid #e5e5e5; text-align: "
        "right; white-space: nowrap; color: #222222'>▼ -2</td>" in app.comparison_table.value
    )
    assert app.comparison_table.value.count("<i>assumption</i>") == 2  # CSAT and FCR


def test_a_slider_changes_the_figure(generated):
    app = StaffingApp(generated, view="whatif", calibrate=False, volume=100, aht_s=180)
    curve, table = state(app.plot.figure), app.comparison_table.value
    app.aht_s.value = 240
    assert state(app.plot.figure) != curve
    assert app.comparison_table.value != table
    app.chart.value = "intraday"
    intraday = state(app.plot.figure)
    assert [trace.name for trace in app.plot.figure.data][0] == "needed on the phones"
    app.aht_s.value = 200
    assert state(app.plot.figure) == intraday  # the day's profile keeps the data's AHT ...
    app.aht_change_s.value = -60
    assert state(app.plot.figure) != intraday  # ... but shows the what-if
    app.weekday.value = "Sat"
    assert "Sat" in app.plot.figure.layout.title.text


def test_redraws_reuse_what_did_not_change(generated, monkeypatch):
    app = StaffingApp(
        generated, view="whatif", calibrate=False, volume=100, aht_s=180, patience_s=0
    )
    curve, evaluation = state(app.plot.figure), app.evaluation
    built = []
    original = app._figure
    monkeypatch.setattr(app, "_figure", lambda *args: built.append(1) or original(*args))
    # a what-if slider changes the comparison but not the staffing curve: nothing rebuilt
    app.aht_change_s.value = -60
    assert state(app.plot.figure) == curve and built == []
    assert "AHT -60 s" in app.comparison_table.value
    # switching charts evaluates nothing anew; coming back reuses the curve already built
    evaluation = app.evaluation
    app.chart.value = "patience"
    app.chart.value = "curve"
    assert built == [1] and app.evaluation is evaluation
    assert state(app.plot.figure) == curve
    # a slider the curve depends on rebuilds it and re-evaluates
    app.volume.value = 120
    assert built == [1, 1] and app.evaluation is not evaluation
    assert state(app.plot.figure) != curve
    # new data forgets the figures built from the old data
    app.load(generated.contacts.to_csv(index=False).encode(), "same.csv")
    assert len(built) == 3


def test_calibrate_from_data(generated):
    app = StaffingApp(generated, view="whatif", calibrate=False, volume=7, aht_s=100, weekday="Tue")
    week = whatif.scenario_from_data(generated, interval="30min", channel="phone")
    tuesday = np.flatnonzero([label.startswith("Tue ") for label in week.labels])
    busiest = tuesday[np.argmax(week.volume[tuesday])]
    before = state(app.plot.figure)
    app.calibrate_button.click()
    assert app.volume.value == max(1, round(week.volume[busiest]))
    assert app.aht_s.value == round(week.aht_s[busiest])
    phone = generated.contacts[generated.contacts["channel"] == "phone"]
    patience = calibrate.patience_exponential(phone)["patience_s"].item()
    assert app.patience_s.value == round(patience)
    assert app.shrinkage.value == round(week.shrinkage, 2)  # a fraction, as in whatif
    assert app.cost_per_agent_hour.value == pytest.approx(week.cost_per_agent_hour, abs=0.005)
    assert state(app.plot.figure) != before
    # calibrate=True does the same at construction
    started = StaffingApp(generated, view="whatif", weekday="Tue")
    assert started.volume.value == app.volume.value and started.aht_s.value == app.aht_s.value


def test_set_like_a_link(generated, monkeypatch):
    # the notebook builds the app with its parameters, then sets the link's values (every one)
    defaults = {
        "view": "whatif",
        "chart": "curve",
        "weekday": "Mon",
        "interval": "30min",
        "volume": 120.0,
        "aht_s": 300.0,
        "target_sl": 80.0,
        "threshold_s": 20.0,
        "patience_s": 120.0,
        "shrinkage": 0.3,
        "max_occupancy": 85.0,
        "cost_per_agent_hour": 30.0,
        "aht_change_s": -30.0,
        "volume_change_pct": 0.0,
    }
    app = StaffingApp(generated, **defaults)
    drawn, built = state(app.plot.figure), []
    original = app._figure
    monkeypatch.setattr(app, "_figure", lambda *args: built.append(1) or original(*args))
    app.set(calibrate=True, **defaults)  # a link without parameters: nothing to redraw
    assert built == [] and state(app.plot.figure) == drawn
    # calibrate for another weekday: the same sliders as an app started on that weekday
    app.set(calibrate=True, **{**defaults, "weekday": "Sat", "target_sl": 90.0})
    saturday = StaffingApp(generated, **{**defaults, "weekday": "Sat", "target_sl": 90.0})
    for name in ("volume", "aht_s", "patience_s", "shrinkage", "cost_per_agent_hour", "target_sl"):
        assert getattr(app, name).value == getattr(saturday, name).value, name
    assert built == [1] and state(app.plot.figure) == state(saturday.plot.figure)
    # calibrate=False keeps the link's values
    app.set(calibrate=False, **defaults)
    assert app.volume.value == 120 and app.aht_s.value == 300 and app.shrinkage.value == 0.3
    with pytest.raises(ValueError, match="'weekday'"):
        app.set(calibrate=True, weekday="Someday")


def test_patience_chart_and_erlang_a(generated):
    app = StaffingApp(generated, view="whatif", calibrate=False, patience_s=200)
    assert "Abandonment" in [trace.name for trace in app.plot.figure.data]
    assert "abandonment" in app.summary.value
    assert math.isfinite(app.evaluation.value("abandonment_rate"))
    app.chart.value = "patience"
    names = [trace.name for trace in app.plot.figure.data]
    assert names == ["all callers", "exponential, mean 200 s"]


def test_unusable_upload_keeps_the_data(generated):
    app = StaffingApp(generated, view="whatif", calibrate=False)
    agents = app.evaluation.value("agents")
    csv = b"contact_id,arrived_at,answered,wait_s\n1,2024-01-01 09:00,true,5\n"
    assert app.load(csv, "no_handle_time.csv") is False
    assert "Could not use no_handle_time.csv" in app.message.value
    assert app.evaluation.value("agents") == agents


def test_bad_choice_names_the_argument(generated):
    with pytest.raises(ValueError, match=r"Value of 'weekday' is not valid"):
        StaffingApp(generated, view="whatif", weekday="Monday")
    with pytest.raises(ValueError, match=r"Expected one of \['curve', 'intraday', 'patience'\]"):
        StaffingApp(generated, view="whatif", chart="table")


# --------------------------------------------------------------------------- figures


def test_staffing_curve_targets_and_infinite_asa():
    curve = queueing.queue_metrics(100, 180, np.arange(9, 16))  # 9 and 10 agents: unstable
    fig = plots.staffing_curve(curve, target_sl=80, target_asa_s=15, max_occupancy=85, agents=14)
    asa = next(trace for trace in fig.data if trace.name == "ASA")
    assert np.isnan(np.asarray(asa.y, dtype=float)[:2]).all()
    assert asa.yaxis == "y2"
    assert [shape.y0 for shape in fig.layout.shapes[:3]] == [80, 85, 15]


def test_intraday_with_alternative():
    plan = pd.DataFrame(
        {"label": ["09:00", "09:30"], "agents": [10, 12], "scheduled_agents": [13, 16]}
    )
    fig = plots.intraday_staffing(plan, alternative=plan.assign(agents=[9, 11]))
    assert [trace.name for trace in fig.data] == [
        "needed on the phones",
        "to schedule (after shrinkage)",
        "what-if: needed on the phones",
    ]
    assert list(fig.data[2].y) == [9, 11]


def test_patience_curve_by_group():
    contacts = pd.DataFrame(
        {
            "queue": ["a", "a", "b", "b"],
            "answered": [False, True, False, True],
            "wait_s": [10.0, 20.0, 30.0, 40.0],
        }
    )
    curve = calibrate.patience_kaplan_meier(contacts, by="queue")
    fig = plots.patience_curve(curve, by="queue")
    assert [trace.name for trace in fig.data] == ["a", "b"]
    assert list(fig.data[0].y) == [100.0, 50.0]  # 1 of 2 callers of queue a abandons at 10 s


def test_scenario_comparison_marks_direction_and_assumptions():
    base = whatif.Scenario(volume=100, aht_s=180, agents=14, csat=80.0, cost_per_agent_hour=30)
    fig = plots.scenario_comparison(whatif.compare(base, base.adjust(agents=-1)))
    names, _, _, changes, bases = fig.data[0].cells.values
    rows = dict(zip(names, changes, strict=True))
    # One arrow convention: the arrow is the direction, the colour better (green) or worse.
    colors = dict(zip(names, fig.data[0].cells.font.color[3], strict=True))
    assert rows["Service level"].startswith("▼")  # fewer agents: service down ...
    assert colors["Service level"] == "#D55E00"  # ... which is worse
    assert rows["Cost per contact"].startswith("▼")  # ... and cost per contact down ...
    assert colors["Cost per contact"] == "#009E73"  # ... which is better
    assert dict(zip(names, bases, strict=True))["Customer satisfaction"] == "<i>assumption</i>"


def test_sample_dashboard_builds():
    app = StaffingApp(kk.load_sample(), view="whatif", chart="intraday")
    assert app.evaluation.value("agents") > 0
    assert len(app.plot.figure.data) == 3
