"""Chart layout as the browser draws it, at a laptop's size and a phone's: what a
visual review found and only the rendered SVG shows.

- intraday monitor: no bar label too small to read; the "now" label crossed by no trace;
- trade-off: the what-if note covers no "target" label;
- a chart without a legend has no empty band between its title and its plot.

Each test opens its dashboard once and looks at it at both sizes, in turn: the window is resized
and the charts are let settle as in test_dashboards (one page load a dashboard keeps the suite's
time down on a busy machine). Screenshots go to
tests/browser/screenshots/chart_layout-<dashboard>-<size>.png.
"""

import pytest
from test_dashboards import (
    CHARTS_SETTLED_JS,
    PAGE_TIMEOUT_MS,
    PHONE,
    REDRAW_TIMEOUT_MS,
    open_dashboard,
    screenshot_at,
)

pytestmark = pytest.mark.xdist_group("browser")

SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": PHONE}
MIN_LABEL_PX = 9  # a 10 px font draws glyphs about 9 px tall and up
# Boxes of a chart's parts, in page pixels: [[left, top, right, bottom], ...].
BOXES_JS = """(plot, selector) => [...plot.querySelectorAll(selector)]
    .map(element => element.getBoundingClientRect())
    .filter(box => box.width > 0 && box.height > 0)
    .map(box => [box.left, box.top, box.right, box.bottom])"""
# The highest point of any trace, in page pixels (smaller is higher).
TOP_OF_DATA_JS = """plot => {
    const layout = plot._fullLayout, box = plot.getBoundingClientRect();
    const values = plot._fullData.flatMap(trace => [...(trace.y || [])])
        .filter(value => Number.isFinite(value));
    return box.top + layout._size.t + layout.yaxis.l2p(Math.max(...values));
}"""

# One chart drawn at its box's width (CHARTS_SETTLED_JS asks it of every chart on the page).
PLOT_SETTLED_JS = """plot => plot.querySelector('.main-svg') && plot._fullLayout
    && Math.abs(plot._fullLayout.width - plot.clientWidth) <= 2"""


def at_each_size(watched, name):
    """Show the open dashboard at each size in turn, charts settled; yield the size's name."""
    for size_name, viewport in SIZES.items():
        screenshot_at(watched, f"chart_layout-{name}-{size_name}", viewport)
        watched.page.wait_for_timeout(300)  # a narrow chart's second relayout (clearOfTitle)
        watched.page.wait_for_function(CHARTS_SETTLED_JS, timeout=REDRAW_TIMEOUT_MS)
        yield size_name


def boxes(plot, selector):
    return plot.evaluate(BOXES_JS, selector)


def notes(plot):
    """The chart's annotations: (text, box) pairs."""
    texts = plot.locator(".annotation").all_text_contents()
    return list(zip(texts, boxes(plot, ".annotation"), strict=True))


def overlap(one, other):
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def title_gap(plot):
    """Pixels between the bottom of the chart's title and the top of its plot area."""
    (title,) = boxes(plot, ".gtitle")
    area = boxes(plot, ".nsewdrag")[0]
    return area[1] - title[3]


def test_monitor_labels_are_readable_and_the_now_label_is_clear_of_the_data(server, watched):
    page = open_dashboard(watched, server, "intraday_monitor")
    page.wait_for_selector(".js-plotly-plot >> nth=1", timeout=PAGE_TIMEOUT_MS)
    for size_name in at_each_size(watched, "intraday_monitor"):
        volume, service_level = page.locator(".js-plotly-plot").all()[:2]
        for plot in (volume, service_level):
            (now,) = [box for text, box in notes(plot) if text.startswith("now")]
            assert plot.evaluate(TOP_OF_DATA_JS) > now[3], f"a trace reaches now ({size_name})"
        # Bar labels shown are readable (plotly shrank them to ~5 px on a phone), or left out.
        heights = [box[3] - box[1] for box in boxes(service_level, ".bars .bartext")]
        assert all(height >= MIN_LABEL_PX for height in heights), (size_name, heights)
        # No legend: the plot starts just under the title (the gap was 60-80 px).
        assert title_gap(service_level) <= 32, size_name


def test_tradeoff_what_if_note_covers_no_target_label(server, watched):
    page = open_dashboard(watched, server, "aht_vs_csat")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').textContent.includes('what if')",
        timeout=REDRAW_TIMEOUT_MS,
    )
    for size_name in at_each_size(watched, "aht_vs_csat"):
        plot = page.locator(".js-plotly-plot").first
        (what_if,) = [box for text, box in notes(plot) if text.startswith("what if")]
        targets = [box for text, box in notes(plot) if text == "target"]
        assert len(targets) == 2, size_name
        assert not any(overlap(what_if, target) for target in targets), size_name
        assert not overlap(what_if, boxes(plot, ".legend")[0]), size_name


def test_scorecard_trend_legend_with_control_limits_clears_its_title(server, watched):
    # Six legend entries (interval, line, center, two limits, signal) wrap to five rows on a
    # phone: plotly grew the top margin for them, and clearOfTitle lowered the plot from the
    # figure's own margin, which moved nothing: the legend covered the title.
    # At the center level the first chart (the scorecard's heatmap of groups) is hidden, so
    # the page is ready when the trend shows its limits, not when the first chart does.
    page = watched.page
    page.goto(
        f"{server}/voila/render/balanced_scorecard.ipynb?control_limits=true&level=center",
        wait_until="commit",
    )
    trend = page.locator(".js-plotly-plot").filter(has_text="Upper control limit")
    trend.wait_for(timeout=PAGE_TIMEOUT_MS)
    for size_name, viewport in SIZES.items():  # the trend settled (the heatmap stays hidden)
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)  # a narrow chart's second relayout (clearOfTitle)
        page.wait_for_function(
            PLOT_SETTLED_JS, arg=trend.element_handle(), timeout=REDRAW_TIMEOUT_MS
        )
        trend.scroll_into_view_if_needed()
        watched.screenshot(f"chart_layout-balanced_scorecard_limits-{size_name}")
        (title,) = boxes(trend, ".gtitle")
        (legend,) = boxes(trend, ".legend")
        assert not overlap(title, legend), (size_name, title, legend)
