"""What a visual probe of the dashboards at a phone's size (390 x 844) found, checked on the
HTML, CSS and figures the apps generate: slider knobs too small to tap, wide tables cut at a
column's edge with no word that they scroll, a benchmark axis without its "100 %" label, and
breach marks squeezed into half the chart by their row labels."""

import re
from types import SimpleNamespace

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit import plots
from kpikit.apps import BenchmarksApp, GlossaryApp, StaffingApp
from kpikit.apps._base import _APP_STYLE
from kpikit.apps.staffing_plan import backtest_html
from kpikit.sample import generate


def hint_shown_below(markup: str) -> int:
    """The app width (px) below which the markup's "swipe sideways" line shows; 0 for none."""
    found = re.search(
        r"@container \(max-width: (\d+)px\) \{ [^{]*kpikit-scroll-hint[^{]*\{ display: block",
        markup,
    )
    assert (found is None) or "class='kpikit-scroll-hint'" in markup
    return int(found[1]) if found else 0


def test_slider_knobs_are_big_enough_to_tap_on_a_touch_screen_or_a_phone():
    # ipywidgets draws 16 px knobs on a 4 px track; WCAG 2.5.8 asks 24 px targets.
    touch = re.search(
        r"@media \(pointer: coarse\), \(max-width: 600px\) \{(.*?)\n\}", _APP_STYLE, re.S
    )
    assert touch is not None
    sizes = dict(
        re.findall(r"--jp-widgets-slider-(handle-size|track-thickness): (\d+)px", touch[1])
    )
    assert int(sizes["handle-size"]) >= 24 and int(sizes["track-thickness"]) >= 8


def test_the_backtest_table_says_it_scrolls_where_it_is_cut():
    # 567 px wide on a phone: its 366 px box showed Model and WAPE, and looked complete.
    rows = pd.DataFrame(
        {
            "lead": "next_day",
            "model": ["seasonal_naive", "auto_ets"],
            "best": [True, False],
            "chosen": [True, False],
            "baseline": [True, False],
            "wape": [12.0, 140.0],
            "mase": [0.9, 3.1],
            "bias": [1.0, -20.0],
            "gain_pct": [0.0, -1000.0],
            "origins": 6,
        }
    )
    markup = backtest_html(SimpleNamespace(backtest=rows, freq="30min"), plan_model="auto_ets")
    assert hint_shown_below(markup) >= 567


@pytest.mark.parametrize(
    ("app", "narrowest_px"),
    [
        # the what-if comparison: 502 px on a phone
        (
            lambda: (
                StaffingApp(generate(days=14, agents=12, seed=3), view="whatif").comparison_table
            ),
            502,
        ),
        # sectors side by side: 557 px on a phone
        (lambda: BenchmarksApp(kk.Dataset(contacts=hand_contacts())).table, 557),
        # the glossary's published benchmarks: 612 px on a phone, cut after "Scope"
        (lambda: GlossaryApp().benchmark_table, 600),
    ],
    ids=["whatif", "benchmarks", "glossary"],
)
def test_other_wide_tables_say_they_scroll(app, narrowest_px):
    assert hint_shown_below(app().value) >= narrowest_px


def test_a_benchmark_axis_ending_at_100_keeps_room_for_its_end_label():
    # A phone's 12 px right margin hid the "100 %" label centred on the axis's end.
    bench = pd.DataFrame(
        {
            "kpi": ["service_level", "aht"],
            "tier": "world_class",
            "low": [90, 200],
            "high": [None, 300],
        }
    )
    figure = plots.sector_overview(bench, yours={"service_level": 76.0, "aht": 385.0})
    aht, service_level = figure.layout.xaxis, figure.layout.xaxis2
    assert service_level.range[1] == 100 and "right" in str(service_level.automargin)
    assert not aht.automargin  # an axis ending between ticks keeps the fast fixed margins


def test_breach_labels_sit_above_their_rows_and_marks_get_the_width():
    days = pd.date_range("2026-06-01", periods=90)
    found = pd.DataFrame(
        {
            "period": days,
            "site": "Harbor",
            "kpi": "abandonment_rate",
            "name": "Abandonment rate",
            "unit": "percent",
            "status": "red",
            "value": 9.0,
            "target": 5.0,
            "breach_id": [f"b{day}" for day in range(90)],
        }
    )
    figure = plots.breach_timeline(found, by="site")
    assert figure.layout.yaxis.ticklabelposition == "inside top"
    assert all(trace.cliponaxis is False for trace in figure.data)  # the first day's mark whole
