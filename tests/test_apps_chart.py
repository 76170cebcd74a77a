"""The Chart widget: figure JSON only, the plotly.js bundle each figure needs, clicks."""

import hashlib
import json
import re

import plotly.graph_objects as go
import plotly.offline
import pytest

import kpikit.plots as kp
from kpikit.apps import _chart
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


@pytest.mark.parametrize("fits", [True, False])
def test_dashboards_get_the_cartesian_bundle_and_a_table_the_full_one(fits, monkeypatch):
    # The vendored cartesian bundle serves only the plotly.js of the plotly it was built from;
    # under another plotly (CARTESIAN_FITS false) every chart gets plotly's own full bundle.
    monkeypatch.setattr(_chart, "CARTESIAN_FITS", fits)
    monkeypatch.setenv("VOILA_SERVER_URL", "/base/")
    chart = Chart(go.Figure(go.Heatmap(z=[[1]])))
    first = "plotly-cartesian.min.js" if fits else "plotly.min.js"
    assert chart.plotly_url.startswith(f"/base/kpikit/static/{first}?v=")
    chart.draw(go.Figure(go.Table(cells={"values": [[1]]})))
    assert chart.full_plotly and chart.plotly_url.startswith("/base/kpikit/static/plotly.min.js")
    chart.draw(go.Figure(go.Bar()))  # once full, the chart keeps the bundle it has
    assert chart.full_plotly
    assert needs_full_plotly(go.Figure(go.Scatter())) is not fits


@pytest.mark.parametrize("fits", [True, False])
def test_outside_kpikit_serve_the_kernel_sends_the_bundle_asked_for(fits, monkeypatch):
    monkeypatch.setattr(_chart, "CARTESIAN_FITS", fits)
    monkeypatch.delenv("VOILA_SERVER_URL", raising=False)
    chart = Chart()
    assert chart.plotly_url == ""
    sent = []
    monkeypatch.setattr(chart, "send", sent.append)
    chart._on_browser_message(chart, {"event": "need_plotly", "full": False}, [])
    chart._on_browser_message(chart, {"event": "need_plotly", "full": True}, [])
    first, full = (digest(message["plotly_js"]) for message in sent)
    # Digests: a failed == of two bundles of megabytes took pytest minutes to print.
    assert first == digest((PLOTLY_CARTESIAN_JS if fits else PLOTLY_JS).read_text("utf-8"))
    assert full == digest(PLOTLY_JS.read_text(encoding="utf-8"))


def test_the_cartesian_bundle_fits_only_the_plotly_js_it_was_built_from(monkeypatch):
    header = PLOTLY_CARTESIAN_JS.read_text(encoding="utf-8")[:200]
    assert "(cartesian - minified)" in header
    vendored = re.search(r" v(\d+\.\d+\.\d+)\n", header).group(1)
    for version, fits in ((vendored, True), ("0.0.1", False)):
        monkeypatch.setattr(plotly.offline, "get_plotlyjs_version", lambda v=version: v)
        assert _chart._cartesian_fits() is fits


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_clicks_reach_the_callbacks():
    chart = Chart()
    clicked = []
    chart.on_click(clicked.append)
    chart._on_browser_message(chart, {"event": "click", "points": [{"y": "north"}, "junk"]}, [])
    assert clicked == [[{"y": "north"}]]
