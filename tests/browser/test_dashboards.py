"""Every dashboard in notebooks/ in headless Chromium: renders, reacts, stays offline and quiet.

Screenshots go to tests/browser/screenshots/<name>.png (git-ignored) for a human to look at.
"""

from pathlib import Path

import pytest

from kpikit import report

# One browser session and one server for the whole module, on one xdist worker
# (``pytest -n 2 --dist loadgroup``): two servers with kernel pools would starve a 2-core machine.
pytestmark = pytest.mark.xdist_group("browser")

ROOT = Path(__file__).parents[2]
DASHBOARDS = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))
# The control of each dashboard that always changes its (first) chart.
CHART_CONTROL = {
    "aht_vs_csat": "Y axis",
    "balanced_scorecard": "Level",
    "governance": "Days",
    "intraday_monitor": "Chart",
    "kpi_glossary": "KPI",
    "sector_benchmarks": "Sector",
    "staffing_whatif": "Chart",
}
# The tests wait for what the page shows, with limits far above the usual time (first chart in
# a few seconds, redraws well under a second): on a busy 2-core machine a kernel can take a
# minute to start and run a notebook, and a wait that ends early fails a dashboard that works.
PAGE_TIMEOUT_MS = 240_000
REDRAW_TIMEOUT_MS = 120_000
VOILA_CELL_ERROR = "There was an error when executing cell"

CHART_STATE_JS = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]
    .map(plot => [plot.data, plot.layout.title, plot.layout.shapes]))"""


def chart_state(page) -> str:
    return page.evaluate(CHART_STATE_JS)


def open_dashboard(watched, server, name, query=""):
    """Open a dashboard and wait until the app and its first chart are drawn."""
    page = watched.page
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    # Voila answers once the notebook has run; "commit" starts the clock of the waits below at
    # the first byte instead of failing the navigation itself on a slow kernel.
    page.goto(f"{server}/voila/render/{name}.ipynb{query}", wait_until="commit")
    page.wait_for_selector(".kpikit-app", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=PAGE_TIMEOUT_MS)
    return page


def dropdown(page, description: str):
    """The <select> of the app's dropdown with this description."""
    box = page.locator(".kpikit-app .widget-dropdown").filter(
        has=page.locator("label", has_text=description)
    )
    return box.locator("select").first


def change_chart_control(page, name: str) -> str:
    """Pick another option of the dashboard's chart control and wait until a chart changes."""
    before = chart_state(page)
    changed = "([before]) => " + CHART_STATE_JS[len("() => ") :] + " !== before"
    select = dropdown(page, CHART_CONTROL[name])
    options = select.locator("option").all_text_contents()
    current = select.evaluate("element => element.selectedIndex")
    target = len(options) - 1 if current != len(options) - 1 else 0
    select.select_option(index=target)
    page.wait_for_function(changed, arg=[before], timeout=REDRAW_TIMEOUT_MS)
    return options[target]


def assert_clean(watched):
    assert watched.external_requests == [], "requests left localhost"
    assert watched.page_errors == []
    assert watched.console_errors == []
    assert VOILA_CELL_ERROR not in watched.page.content()


@pytest.mark.parametrize("name", DASHBOARDS)
def test_dashboard_renders_reacts_and_stays_local(name, server, watched):
    page = open_dashboard(watched, server, name)
    assert "Upload data" in page.content()
    change_chart_control(page, name)
    page.wait_for_timeout(500)  # let the redraw settle before the screenshot
    watched.screenshot(name)
    assert_clean(watched)


def test_landing_page_lists_every_dashboard(server, watched):
    page = watched.page
    page.goto(server + "/", wait_until="load", timeout=PAGE_TIMEOUT_MS)
    links = page.locator("a.card").evaluate_all("cards => cards.map(card => card.pathname)")
    assert sorted(links) == sorted(f"/voila/render/{name}.ipynb" for name in DASHBOARDS)
    watched.screenshot("landing")
    assert_clean(watched)


def test_link_parameters_select_the_view_and_bad_ones_are_shown_escaped(server, watched):
    page = open_dashboard(
        watched, server, "kpi_glossary", "?kpi=fcr&sector=healthcare&channel=%3Cscript%3Ex"
    )
    assert "First contact resolution (FCR)" in page.inner_text(".kpikit-app")
    notice = page.inner_text(".kpikit-notice")
    assert "Link parameters ignored" in notice and "<script>x" in notice
    assert page.locator(".kpikit-notice script").count() == 0
    assert_clean(watched)


def test_invalid_upload_shows_the_message_inside_the_app(server, watched, tmp_path):
    bad = tmp_path / "people.csv"
    bad.write_text("name,age\nann,3\n")
    page = open_dashboard(watched, server, "sector_benchmarks")
    with page.expect_file_chooser() as chooser:
        page.click(".kpikit-app .widget-upload")
    chooser.value.set_files(str(bad))
    page.wait_for_selector(".kpikit-message [role=alert]", timeout=PAGE_TIMEOUT_MS)
    assert "Could not use people.csv" in page.inner_text(".kpikit-message")
    watched.screenshot("sector_benchmarks_bad_upload")
    assert_clean(watched)


def test_report_opens_offline_with_interactive_chart(watched, tmp_path):
    output = tmp_path / "kpi_glossary.html"
    output.write_text(report.render(ROOT / "notebooks" / "kpi_glossary.ipynb", {"kpi": "csat"}))
    page = watched.page
    page.goto(output.as_uri(), wait_until="load")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=PAGE_TIMEOUT_MS)
    # Interactive: hovering the value bar shows plotly's hover label.
    bar = page.locator(".js-plotly-plot .bars path").last.bounding_box()
    page.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=PAGE_TIMEOUT_MS)
    watched.screenshot("report_kpi_glossary")
    assert_clean(watched)
