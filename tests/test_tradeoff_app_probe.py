"""Faults a visual probe of the Trade-offs dashboard found: a choice that cannot be plotted
drawn as empty axes, a KPI against itself, markers over tick labels, the what-if note over the
markers and the quadrant labels one over the other."""

import pandas as pd
import pytest

import kpikit.plots as kp
from kpikit.apps import TradeoffApp
from kpikit.plots._tradeoff import _MAX_MARKER_PX

AHT_CSAT = pd.DataFrame({"kpi": ["aht", "csat"], "target": [300.0, 80.0]})


def _contacts() -> pd.DataFrame:
    """Three agents in two teams answering with AHT 200, 300, 400 s, and one abandoned call."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "agent_id": ["a", "b", "c", None],
            "team": ["t1", "t1", "t2", "t2"],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * 4),
            "answered": [True, True, True, False],
            "wait_s": [5.0, 10.0, 40.0, 60.0],
            "talk_s": [200.0, 300.0, 400.0, 0.0],
            "hold_s": 0.0,
            "acw_s": 0.0,
            "csat": pd.array([5, 5, 2, pd.NA], dtype="Int64"),
        }
    )


def _notes(figure) -> list[str]:
    return [note.text for note in figure.layout.annotations if note.text]


def _says_why_in_the_chart(app, why: str) -> None:
    figure = app.chart.figure
    assert figure.layout.xaxis.visible is False and figure.layout.yaxis.visible is False
    assert any(why in note.replace("<br>", " ") for note in _notes(figure))
    assert why in app.message.value
    assert app.fit.n == 0


def test_a_rate_over_offered_contacts_by_agent_says_why_in_the_chart_without_axes():
    app = TradeoffApp(_contacts(), targets=AHT_CSAT, y="service_level")
    _says_why_in_the_chart(app, "Service level does not apply to agents")
    assert "Choose teams under “One dot per”, or another KPI." in app.message.value
    assert app.y.value == "service_level" and app.level.value == "agent"  # kept, not changed
    app.level.value = "team"
    assert app.fit.n == 2 and app.chart.figure.layout.xaxis.visible is not False


def test_the_same_kpi_on_both_axes_is_refused():
    app = TradeoffApp(_contacts(), targets=AHT_CSAT, x="aht", y="aht")
    _says_why_in_the_chart(app, "X and Y are both Average handle time")
    assert not any("r = 1.00" in note for note in _notes(app.chart.figure))
    frame = pd.DataFrame({"agent_id": ["a", "b"], "aht": [1.0, 2.0]})
    with pytest.raises(ValueError, match="two different KPIs but both are 'aht'"):
        kp.tradeoff(frame, x="aht", y="aht", size=None)


def test_markers_on_an_axis_at_zero_stand_clear_of_the_tick_labels():
    agents = pd.DataFrame(
        {
            "agent_id": ["a", "b", "c", "d"],
            "aht": [240.0, 300.0, 360.0, 420.0],
            "asa": [0.0, 2.0, 900.0, 30000.0],  # the y axis stops at 0 s, under a and b
            "volume": [120, 80, 100, 60],
        }
    )
    fig = kp.tradeoff(agents, y="asa")
    assert fig.layout.yaxis.range[0] == 0
    assert fig.layout.xaxis.ticklabelstandoff >= _MAX_MARKER_PX / 2
    assert not fig.layout.yaxis.ticklabelstandoff  # the x axis does not stop at 0 s
    flipped = kp.tradeoff(agents, x="asa", y="aht")
    assert flipped.layout.yaxis.ticklabelstandoff >= _MAX_MARKER_PX / 2


def test_the_what_if_note_is_under_the_chart_and_quadrant_labels_apart():
    app = TradeoffApp(_contacts(), targets=AHT_CSAT)
    figure = app.chart.figure
    note = next(n for n in figure.layout.annotations if "what if" in (n.text or ""))
    assert (note.yref, note.y, note.yanchor) == ("paper", 0, "top") and note.yshift < 0
    assert note.bgcolor is None  # covers nothing, hides nothing
    corner = next(n for n in figure.layout.annotations if n.text == "✔ both on target")
    target = next(n for n in figure.layout.annotations if n.text == "target" and n.yref == "y")
    assert corner.xanchor == "left" and target.xanchor == "right"  # lower AHT is better: left
