"""Faults of the trade-off and balanced-scorecard views found by a browser probe: a what-if
step of 30 s applied as 30 percentage points and drawn off the chart, a scores table too wide
for a phone with nothing saying it scrolls, and two columns headed "Agent".

Hand data of the trade-off: three agents with four rated contacts each.

- CSAT (share of 4-5 ratings): a 1 of 4 = 25 %, b 2 of 4 = 50 %, c 3 of 4 = 75 %; mean 50 %.
- AHT (talk only): a 200 s, b 300 s, c 400 s; mean 300 s.
- AHT on CSAT: sxy = (-25)(-100) + 0 + (25)(100) = 5000, sxx = 625 + 0 + 625 = 1250, slope
  4 s per percentage point; the line passes through (50 %, 300 s).
"""

import html
import re

import ipywidgets as widgets
import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import ScorecardApp, TradeoffApp
from kpikit.tradeoff import fit_line

RATINGS = {"a": [5, 1, 1, 1], "b": [5, 5, 1, 1], "c": [5, 5, 5, 1]}
TALK_S = {"a": 200.0, "b": 300.0, "c": 400.0}
CSAT_AHT = pd.DataFrame({"kpi": ["aht", "csat"], "target": [300.0, 80.0]})


@pytest.fixture
def three_agents():
    agents = [agent for agent, ratings in RATINGS.items() for _ in ratings]
    n = len(agents)
    return pd.DataFrame(
        {
            "contact_id": range(1, n + 1),
            "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * n),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": [TALK_S[agent] for agent in agents],
            "hold_s": 0.0,
            "acw_s": 0.0,
            "csat": pd.array([r for ratings in RATINGS.values() for r in ratings], dtype="Int64"),
            "agent_id": agents,
        }
    )


def _what_if_label(figure) -> str:
    notes = [a.text for a in figure.layout.annotations if "what if" in (a.text or "")]
    return notes[0] if notes else ""


def _arrow_head(figure) -> tuple:
    arrow = next(a for a in figure.layout.annotations if a.showarrow and a.axref == "x")
    return arrow.x, arrow.y


# --- 1. the trade-off's what-if ----------------------------------------------------------


def test_what_if_step_follows_the_x_kpi_until_one_is_typed(three_agents):
    app = TradeoffApp(three_agents, targets=CSAT_AHT, x="csat", y="aht")
    assert app.what_if.value == 5.0  # CSAT is a percentage: 5 points, not 30
    assert "+5.0 percentage points" in app.projection.value
    app.x.value = "aht"
    assert app.what_if.value == 30.0  # AHT in seconds: 30 s
    app.what_if.value = 10.0  # typed: stays whatever X comes next
    app.x.value = "csat"
    assert app.what_if.value == 10.0
    app.set(x="aht", what_if=12.0)  # a link's own move stays too
    assert app.what_if.value == 12.0


def test_default_what_if_given_with_a_percentage_x_takes_its_step(three_agents):
    # The notebook passes the default, 30: with CSAT on X it is 5 points.
    app = TradeoffApp(three_agents, targets=CSAT_AHT, x="csat", y="aht", what_if=30.0)
    assert app.what_if.value == 5.0


def test_the_axes_hold_the_what_if_arrow_head(three_agents):
    app = TradeoffApp(three_agents, targets=CSAT_AHT, x="csat", y="aht")
    app.what_if.value = 30.0  # typed: CSAT 50 + 30 = 80 %, AHT 300 + 4 × 30 = 420 s
    figure = app.chart.figure
    head_x, head_y = _arrow_head(figure)
    assert (head_x, head_y) == pytest.approx((80.0, 420.0))
    # Before: the y axis stopped at 400 + 8 % of 200 = 416 s; the x axis held 80 % only because
    # the 80 % CSAT target widened it (25 to 80 %, + 8 % of 55 = 84.4 %).
    x_low, x_high = figure.layout.xaxis.range
    y_low, y_high = figure.layout.yaxis.range
    assert x_low <= head_x <= x_high and y_low <= head_y <= y_high


def test_the_chart_alone_holds_the_arrow_head():
    # Occupancy 50, 55, 60, 65 %: mean 57.5, +30 -> 87.5 %; abandonment 2, 4, 5, 7 %: sxy 40,
    # sxx 125, slope 0.32, so 4.5 + 0.32 × 30 = 14.1 %. The data alone spans 48.8-66.2 %.
    wide = pd.DataFrame(
        {
            "team": ["n", "e", "s", "w"],
            "occupancy": [50.0, 55.0, 60.0, 65.0],
            "abandonment_rate": [2.0, 4.0, 5.0, 7.0],
        }
    )
    figure = kk.plots.tradeoff(
        wide, x="occupancy", y="abandonment_rate", by="team", size=None, what_if=30
    )
    assert _arrow_head(figure) == pytest.approx((87.5, 14.1))
    assert figure.layout.xaxis.range[1] >= 87.5 and figure.layout.yaxis.range[1] >= 14.1
    assert "extrapolated past the data" in _what_if_label(figure)


def test_a_move_past_the_groups_values_says_it_is_extrapolated(three_agents):
    app = TradeoffApp(three_agents, targets=CSAT_AHT, x="csat", y="aht")
    note = html.unescape(app.projection.value)
    assert "extrapolated" not in note  # 50 + 5 = 55 % lies within 25-75 %
    assert "extrapolated" not in _what_if_label(app.chart.figure)
    app.what_if.value = 30.0  # 80 % > 75 %
    note = html.unescape(app.projection.value)
    assert (
        "CSAT at 80.0 % is beyond the agents' observed range (25.0 % to 75.0 %): the fitted "
        "line is extrapolated there" in note
    )
    assert "extrapolated past the data" in _what_if_label(app.chart.figure)


def test_extrapolation_by_hand():
    from kpikit.tradeoff import extrapolates, extrapolation_text  # new: the others run before

    fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])  # mean of x 330 s
    assert not extrapolates(fit, 90, [240, 420])  # 420 s: the edge is observed
    assert extrapolates(fit, -100, [240, 420])  # 230 s < 240 s
    assert extrapolation_text(fit, 30, [240, 420], x="aht", groups="agents") == ""


# --- 2. the scorecard on a phone -----------------------------------------------------------

TARGETS = pd.DataFrame(
    {
        "kpi": ["service_level", "aht", "csat", "transfer_rate"],
        "target": [80.0, 300.0, 75.0, 10.0],
        "tolerance": [10.0, 60.0, 10.0, 5.0],
    }
)


@pytest.fixture
def hand():
    contacts = hand_contacts()
    contacts["team"] = contacts["channel"].map({"phone": "north", "chat": "south"})
    return kk.Dataset(contacts=contacts)


def _styles(widget) -> str:
    """Every <style> the app's widgets carry."""
    found = []
    if isinstance(widget, widgets.HTML) and "<style>" in widget.value:
        found.append(widget.value)
    for child in getattr(widget, "children", ()):
        found.append(_styles(child))
    return "".join(found)


def test_scores_table_sheds_its_padding_on_a_phone(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    assert "kpikit-scorecard" in app.widget._dom_classes
    styles = " ".join(_styles(app.widget).split())
    phone = styles[styles.index("@container (max-width: 800px)") :]
    # 5 columns of 4.5 em at 0.85 em plus 20 px padding each were 394 px; at 0.8 em with 8 px
    # padding and no 4.5 em floor "Team Agent Customer Operations Composite" takes ~340 px.
    assert ".kpikit-scorecard .kpikit-scores { font-size: 0.8em; }" in phone
    assert "padding: 2px 4px; min-width: 0;" in phone
    # The cells carry no inline padding, which would beat the phone's rule.
    assert re.search(
        r"<table class='kpikit-table kpikit-scores'( aria-label='[^']*')?>", app.summary.value
    )
    assert "<th style=" not in app.summary.value and "<td style=" not in app.summary.value
    # A table box that still scrolls shows a shadow at the edge with more to see.
    assert "right / 24px 100% no-repeat local" in phone


def test_heatmap_says_it_scrolls_where_it_does(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    # 4 KPIs: the heatmap is 130 + 4 × 70 = 410 px wide; the hint shows below 410 + 32 px.
    assert app.chart.min_width == 410
    assert "@container (max-width: 442px)" in app.scroll_hint.value
    assert "swipe the chart sideways" in app.scroll_hint.value
    assert ".kpikit-scorecard .kpikit-scroll-hint { display: none;" in " ".join(
        _styles(app.widget).split()
    )
    app.level.value = "center"  # no heatmap, no hint
    assert app.scroll_hint.value == ""


# --- 3. the agent scorecard's two "Agent" columns -----------------------------------------


def test_agent_area_column_is_named_apart_from_the_agent(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="agent", freq="all")
    headers = re.findall(r"<th(?: [^>]*)?>(.*?)</th>", app.summary.value)
    assert headers == ["Team", "Agent", "Agent area", "Customer", "Composite"]
    # north A1: AHT 277.5 s green (100), transfers 1 of 4 = 25 % red (0): agent area 50;
    # CSAT 1 of 2 = 50 % red: customer 0; composite (100 + 0 + 0) / 3 = 33.
    assert "<tr><td>north</td><td>A1</td><td>50</td><td>0</td><td>33</td></tr>" in (
        app.summary.value
    )
    app.level.value = "team"  # no collision: the area keeps its name
    assert "<th scope='col'>Agent</th>" in app.summary.value
    assert "Agent area" not in app.summary.value
