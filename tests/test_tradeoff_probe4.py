"""Probe 4 of the trade-off: the row of no group (``by`` null: the contacts no agent answered)
is no point and no weight of the fit, and says how many contacts it holds; the dashboard's
sheet lists exactly the groups the chart draws and the fit uses."""

import numpy as np
import pandas as pd
import pytest

import kpikit.plots as kp
from kpikit.apps import TradeoffApp

AHT_CSAT = pd.DataFrame({"kpi": ["aht", "csat"], "target": [300.0, 80.0]})


def _line(figure):
    return next(trace for trace in figure.data if trace.name == "fitted line")


def test_the_row_of_no_agent_is_neither_drawn_nor_fitted_and_its_contacts_are_counted():
    agents = pd.DataFrame(
        {
            "agent_id": ["a", "b", "c", None],
            "aht": [200.0, 300.0, 400.0, 100.0],
            "csat": [90.0, 80.0, 60.0, 10.0],
            "volume": [1.0, 2.0, 1.0, 5.0],
        }
    )
    fig = kp.tradeoff(agents, weighted=True)
    # a, b, c with weights 1, 2, 1: Σw = 4, x̄ = 1200/4 = 300, ȳ = 310/4 = 77.5,
    # sxx = 100² + 0 + 100² = 20000, sxy = -100·12.5 + 0 + 100·(-17.5) = -3000,
    # slope = -3000/20000 = -0.15, intercept = 77.5 + 0.15·300 = 122.5: at 200 s 92.5, 400 s 62.5.
    # With the row of no agent (100 s, 10 %, weight 5) drawn and fitted: slope +0.248, r = 0.79.
    line = _line(fig)
    assert line.x[0] == 200.0 and line.x[-1] == 400.0
    assert line.y[0] == pytest.approx(92.5) and line.y[-1] == pytest.approx(62.5)
    markers = fig.data[-1]
    assert list(markers.customdata) == ["a", "b", "c"]  # no "(none)" agent
    assert fig.layout.title.text.endswith("(n = 3)")
    notes = [note.text for note in fig.layout.annotations]
    assert notes == ["5 answered contacts with no agent_id left out: they belong to no agent"]
    one = kp.tradeoff(agents.assign(volume=[1.0, 2.0, 1.0, 1.0]), size="volume")
    assert [n.text for n in one.layout.annotations] == [
        "1 answered contact with no agent_id left out: they belong to no agent"
    ]
    unsized = kp.tradeoff(agents, size=None)
    assert [n.text for n in unsized.layout.annotations] == [
        "contacts with no agent_id left out: they belong to no agent"
    ]


def _contacts() -> pd.DataFrame:
    """Agents a (200 s, CSAT 5), b (2 × 300 s, CSAT 4) and c (400 s, CSAT 3), and one contact
    answered with no agent (100 s, CSAT 1)."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4, 5],
            "agent_id": ["a", "b", "b", "c", None],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * 5),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": [200.0, 300.0, 300.0, 400.0, 100.0],
            "hold_s": 0.0,
            "acw_s": 0.0,
            "csat": pd.array([5, 4, 4, 3, 1], dtype="Int64"),
        }
    )


def test_the_dashboard_says_how_many_answered_contacts_have_no_agent():
    app = TradeoffApp(_contacts(), targets=AHT_CSAT, weighted=True)
    # CSAT 100, 100, 0 % at AHT 200, 300, 400 s, weights 1, 2, 1: x̄ = 300, ȳ = 300/4 = 75,
    # sxy = -100·25 + 0 + 100·(-75) = -10000, sxx = 20000: slope -0.5, intercept 75 + 150 = 225.
    assert app.fit.n == 3
    assert app.fit.slope == pytest.approx(-0.5) and app.fit.intercept == pytest.approx(225.0)
    assert list(app.chart.figure.data[-1].customdata) == ["a", "b", "c"]
    assert (
        "1 answered contact of this view has no agent: left out of the chart and of the fitted "
        "relation." in app.projection.value
    )
    full = TradeoffApp(_contacts().iloc[:4], targets=AHT_CSAT)
    assert "has no agent" not in full.projection.value


def _teams() -> pd.DataFrame:
    """Team t1: 3 contacts, 1 abandoned; t2: 2, 1 abandoned; t3: 2, both abandoned (no
    answered contacts, so no volume)."""
    answered = [True, True, False, True, False, False, False]
    return pd.DataFrame(
        {
            "contact_id": range(1, 8),
            "agent_id": ["a", "b", None, "c", None, None, None],
            "team": ["t1", "t1", "t1", "t2", "t2", "t3", "t3"],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * 7),
            "answered": answered,
            "wait_s": [5.0, 5.0, 50.0, 5.0, 60.0, 70.0, 80.0],
            "talk_s": [200.0, 300.0, np.nan, 400.0, np.nan, np.nan, np.nan],
            "hold_s": 0.0,
            "acw_s": 0.0,
        }
    )


def test_the_sheet_holds_exactly_the_groups_the_weighted_chart_draws_and_fits():
    app = TradeoffApp(
        _teams(),
        targets=AHT_CSAT,
        level="team",
        x="abandonment_rate",
        y="contacts_offered",
        weighted=True,
    )
    # t1 (33.3 %, 3 offered, 2 answered) and t2 (50 %, 2, 1); t3 has no answered contacts, no
    # weight: left out of chart and fit. Two points: slope (2 - 3)/(50 - 33.33) = -0.06,
    # intercept 3 + 0.06·33.33 = 5.
    assert app.fit.slope == pytest.approx(-0.06) and app.fit.intercept == pytest.approx(5.0)
    trade, fit = app.excel_sheets()
    assert trade.table["Team"].tolist() == ["t1", "t2"]  # t3 was listed
    assert list(app.chart.figure.data[-1].customdata) == ["t1", "t2"]
    assert fit.table.set_index("Measure").loc["Groups", "Value"] == 2 == len(trade.table)
    app.weighted.value = False  # unweighted, t3 is a point of chart, fit and sheet
    assert app.excel_sheets()[0].table["Team"].tolist() == ["t1", "t2", "t3"]
    assert app.fit.n == 3
