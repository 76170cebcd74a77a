"""The intraday monitor in headless Chromium: it follows a live log as a replay writes it.

A replay of the sample's last day writes drops into ``today``, an entry of the folder the
server's ``KPIKIT_MONITOR_DIR`` names; the dashboard, opened with ``?source=today``, must show
new numbers as the drops arrive, at desktop and phone sizes (screenshots go to
tests/browser/screenshots/). The demo the dashboard runs without a source is opened by
test_dashboards.py; links naming paths are refused in tests/test_monitor_app.py.
"""

import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from harness import start_server, stop_server

from kpikit.monitor import MONITOR_DIR_ENV, BackgroundReplay
from kpikit.sample import load_sample

pytestmark = pytest.mark.xdist_group("browser")

ROOT = Path(__file__).parents[2]
PAGE_TIMEOUT_MS = 240_000
MIN_CHART_WIDTH_PX = 300
TILES_JS = "() => [...document.querySelectorAll('.kpikit-tile')].map(t => t.innerText).join('|')"
CHANGED_JS = "([before]) => (" + TILES_JS + ")() !== before"


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return tmp_path_factory.mktemp("monitor_sources")


@pytest.fixture(scope="module")
def monitor_server(tmp_path_factory, sources):
    """``kpikit serve`` over the monitor notebook alone, allowed to follow ``sources``."""
    folder = tmp_path_factory.mktemp("monitor_notebooks")
    shutil.copy(ROOT / "notebooks" / "intraday_monitor.ipynb", folder)
    with mock.patch.dict(os.environ, {MONITOR_DIR_ENV: str(sources)}):
        base, process = start_server(
            folder / "serve.log", "--pool-size", "0", "--notebooks", str(folder)
        )
    yield base
    stop_server(process)


@pytest.fixture(scope="module")
def live_log(sources):
    """The sample's last day written into ``sources/today`` from 10:00, two hours a minute."""
    replay = BackgroundReplay(
        load_sample(), sources / "today", speed=120, drop_every_s=1, start="10:00"
    ).start()
    yield "today"
    replay.stop()


def open_monitor(watched, base, query):
    page = watched.page
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{base}/voila/render/intraday_monitor.ipynb{query}", wait_until="commit")
    page.wait_for_selector(".kpikit-tile >> text=Contacts today")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    return page


def wait_for_new_numbers(page):
    """Wait until the figures shown change (a new drop was read), and return both versions."""
    before = page.evaluate(TILES_JS)
    page.wait_for_function(CHANGED_JS, arg=[before], timeout=PAGE_TIMEOUT_MS)
    return before, page.evaluate(TILES_JS)


def assert_clean(watched):
    assert watched.external_requests == [], "requests left localhost"
    assert watched.page_errors == []
    assert watched.console_errors == []
    assert "There was an error when executing cell" not in watched.page.content()


def test_the_monitor_follows_a_live_log_on_desktop_and_phone(monitor_server, live_log, watched):
    page = open_monitor(watched, monitor_server, f"?source={live_log}")
    assert page.locator(".kpikit-sidebar select").first.input_value() == live_log
    before, after = wait_for_new_numbers(page)
    assert before != after
    # the sample's day misses its target in several intervals before 10:00
    assert "below the service-level target" in page.inner_text(".kpikit-alerts")
    # ...which the one live region says: the announcement widget's own element, which stays
    # while its text changes, so each change is announced (a region inserted together with its
    # words is missed by some screen readers); visually hidden, yet in the accessibility tree
    region = page.get_by_role("status")
    assert region.count() == 1
    assert "below the 80 % target" in region.inner_text()
    assert region.evaluate(
        "e => e.classList.contains('widget-html') && e.getAttribute('aria-live') === 'polite'"
        " && e.getAttribute('aria-atomic') === 'true' && e.getBoundingClientRect().width <= 1"
    )
    region.evaluate("e => { e.dataset.kept = 'yes'; }")  # the same element after more refreshes
    page.wait_for_timeout(500)  # let the redraw settle before the screenshot
    watched.screenshot("intraday_monitor_live")

    page.set_viewport_size({"width": 390, "height": 844})
    wait_for_new_numbers(page)  # still polling after the resize
    assert page.get_by_role("status").get_attribute("data-kept") == "yes"
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(plot => plot.getBoundingClientRect().width)"
    )
    assert len(widths) == 2 and min(widths) >= MIN_CHART_WIDTH_PX, widths
    page.wait_for_timeout(500)
    watched.screenshot("intraday_monitor_phone")
    # The page scrolls inside Voila's container: a taller viewport shows all of it at once.
    height = page.evaluate("() => document.querySelector('.kpikit-app').scrollHeight")
    page.set_viewport_size({"width": 390, "height": height + 100})
    page.wait_for_timeout(500)
    watched.screenshot("intraday_monitor_phone_whole")
    assert_clean(watched)
