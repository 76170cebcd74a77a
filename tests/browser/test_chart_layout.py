"""Chart layout as the browser draws it, at a laptop's size and a phone's (touch): what a
visual review found and only the rendered SVG shows.

- intraday monitor: no bar label too small to read; the "now" label crossed by no trace;
- trade-off: the what-if note covers no "target" label;
- a chart without a legend has no empty band between its title and its plot.

Screenshots go to tests/browser/screenshots/chart_layout-<dashboard>-<size>.png.
"""

from types import SimpleNamespace

import pytest
from test_dashboards import PAGE_TIMEOUT_MS, REDRAW_TIMEOUT_MS, open_dashboard

pytestmark = pytest.mark.xdist_group("browser")

SIZES = {
    "laptop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
MIN_LABEL_PX = 9  # a 10 px font draws glyphs about 9 px tall and up
# Every chart drawn at the width of its box.
SETTLED_JS = """() => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length > 0 && plots.every(plot => plot._fullLayout
        && Math.abs(plot._fullLayout.width - plot.clientWidth) <= 2);
}"""
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


@pytest.fixture(params=list(SIZES))
def size(request, browser):
    """A page at a laptop's or a phone's size (touch), and the size's name."""
    context = browser.new_context(**SIZES[request.param])
    yield request.param, SimpleNamespace(page=context.new_page())
    context.close()


def settled(page, name, size_name):
    page.wait_for_function(SETTLED_JS, timeout=REDRAW_TIMEOUT_MS)
    page.wait_for_timeout(300)  # a narrow chart's second relayout (clearOfTitle)
    page.wait_for_function(SETTLED_JS, timeout=REDRAW_TIMEOUT_MS)
    page.screenshot(
        path=f"tests/browser/screenshots/chart_layout-{name}-{size_name}.png", full_page=True
    )


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


def test_monitor_labels_are_readable_and_the_now_label_is_clear_of_the_data(server, size):
    size_name, watched = size
    page = open_dashboard(watched, server, "intraday_monitor")
    page.wait_for_selector(".js-plotly-plot >> nth=1", timeout=PAGE_TIMEOUT_MS)
    settled(page, "intraday_monitor", size_name)
    volume, service_level = page.locator(".js-plotly-plot").all()[:2]
    for plot in (volume, service_level):
        (now,) = [box for text, box in notes(plot) if text.startswith("now")]
        assert plot.evaluate(TOP_OF_DATA_JS) > now[3], "a trace reaches the now label"
    # Bar labels shown are readable (plotly shrank them to ~5 px on a phone), or left out.
    heights = [box[3] - box[1] for box in boxes(service_level, ".bars .bartext")]
    assert all(height >= MIN_LABEL_PX for height in heights), heights
    # No legend: the plot starts just under the title (the gap was 60-80 px).
    assert title_gap(service_level) <= 32


def test_tradeoff_what_if_note_covers_no_target_label(server, size):
    size_name, watched = size
    page = open_dashboard(watched, server, "aht_vs_csat")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').textContent.includes('what if')",
        timeout=REDRAW_TIMEOUT_MS,
    )
    settled(page, "aht_vs_csat", size_name)
    plot = page.locator(".js-plotly-plot").first
    (what_if,) = [box for text, box in notes(plot) if text.startswith("what if")]
    targets = [box for text, box in notes(plot) if text == "target"]
    assert len(targets) == 2
    assert not any(overlap(what_if, target) for target in targets)
    assert not overlap(what_if, boxes(plot, ".legend")[0])
