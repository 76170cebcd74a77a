"""The Chart widget: figure JSON only, the plotly.js bundle each figure needs, clicks."""

import json

import plotly.graph_objects as go

import kpikit.plots as kp
from kpikit.apps._chart import (
    PLOTLY_CARTESIAN_JS,
    PLOTLY_JS,
    Chart,
    needs_full_plotly,
)


def test_a_chart_sends_its_figure_as_json_with_its_template():
    figure = kp.bullet(kpi="fcr", value=72.0)
    chart = Chart(figure, height=300)
    sent = json.loads(chart.figure_json)
    assert sent["data"][-1]["type"] == "bar" and sent["layout"]["height"] == 300
    assert sent["layout"]["template"]["layout"]["colorway"][0] == "#0072B2"  # kpikit's


def test_dashboards_get_the_cartesian_bundle_and_a_table_the_full_one(monkeypatch):
    monkeypatch.setenv("VOILA_SERVER_URL", "/base/")
    chart = Chart(go.Figure(go.Heatmap(z=[[1]])))
    assert chart.plotly_url.startswith("/base/kpikit/static/plotly-cartesian.min.js?v=")
    chart.draw(go.Figure(go.Table(cells={"values": [[1]]})))
    assert chart.full_plotly and chart.plotly_url.startswith("/base/kpikit/static/plotly.min.js")
    chart.draw(go.Figure(go.Bar()))  # once full, the chart keeps the bundle it has
    assert chart.full_plotly
    assert needs_full_plotly(go.Figure(go.Scatter())) is False


def test_outside_kpikit_serve_the_kernel_sends_the_bundle_asked_for(monkeypatch):
    monkeypatch.delenv("VOILA_SERVER_URL", raising=False)
    chart = Chart()
    assert chart.plotly_url == ""
    sent = []
    monkeypatch.setattr(chart, "send", sent.append)
    chart._on_browser_message(chart, {"event": "need_plotly", "full": False}, [])
    chart._on_browser_message(chart, {"event": "need_plotly", "full": True}, [])
    cartesian, full = (message["plotly_js"] for message in sent)
    assert cartesian == PLOTLY_CARTESIAN_JS.read_text(encoding="utf-8")  # about 1.5 MB
    assert full == PLOTLY_JS.read_text(encoding="utf-8")  # about 4.8 MB
    assert "(cartesian - minified)" in cartesian[:200]


def test_clicks_reach_the_callbacks():
    chart = Chart()
    clicked = []
    chart.on_click(clicked.append)
    chart._on_browser_message(chart, {"event": "click", "points": [{"y": "north"}, "junk"]}, [])
    assert clicked == [[{"y": "north"}]]
