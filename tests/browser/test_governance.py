"""The governance dashboard in headless Chromium: a click on a breach shows its root cause, an
action recorded in the form is still there after a reload, and the page reads on a phone.

The served dashboards keep their action register in the test run's temporary kpikit data
folder (``KPIKIT_DATA_DIR``, set by ``tests/conftest.py`` before the server starts).
"""

import pytest
from test_dashboards import (
    PAGE_TIMEOUT_MS,
    REDRAW_TIMEOUT_MS,
    assert_clean,
    dropdown,
    open_dashboard,
)

from kpikit.governance import ActionRegister

pytestmark = pytest.mark.xdist_group("browser")

DETAIL = ".kpikit-governance h2"  # the breach's headline: the first section heading
OWNER = "Lakeside operations lead"
PLAN = "Bring in 4 temporary agents for the peak hours"


def text_box(page, description: str):
    """The <input> or <textarea> of the form field with this description."""
    box = page.locator(".kpikit-governance .widget-text, .kpikit-governance .widget-textarea")
    return (
        box.filter(has=page.locator("label", has_text=description)).locator("input, textarea").first
    )


def test_click_a_breach_record_an_action_and_find_it_after_a_reload(server, watched):
    page = open_dashboard(watched, server, "governance")
    page.wait_for_selector(DETAIL, timeout=PAGE_TIMEOUT_MS)
    # the root cause is worked out in a worker thread: the detail says so until it is drawn
    page.wait_for_function(
        "selector => document.querySelector(selector).innerText.includes('against a target of')",
        arg=DETAIL,
        timeout=REDRAW_TIMEOUT_MS,
    )
    first_headline = page.inner_text(DETAIL)

    # a click on another mark of the calendar shows that breach's root cause
    marks = page.locator(".js-plotly-plot .scatterlayer path.point")
    assert marks.count() > 1
    box = marks.nth(marks.count() // 2).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        """([selector, before]) => {
            const text = document.querySelector(selector).innerText;
            return text !== before && text.includes('against a target of');
        }""",
        arg=[DETAIL, first_headline],
        timeout=REDRAW_TIMEOUT_MS,
    )
    headline = page.inner_text(DETAIL)
    assert "against a target of" in headline
    assert "Computed root cause" in page.inner_text(".kpikit-governance")
    assert "FCR of the last 3 days is provisional until 1 Sep 2026" in page.inner_text(
        ".kpikit-governance"
    )
    breach_label = dropdown(page, "Breach").evaluate(
        "select => select.options[select.selectedIndex].text"
    )

    text_box(page, "Your name").fill("Ana")
    text_box(page, "Owner").fill(OWNER)
    text_box(page, "Plan").fill(PLAN)
    page.wait_for_timeout(500)  # let the last keystrokes reach the kernel
    page.get_by_role("button", name="Save to register").click()
    page.wait_for_selector("text=Saved 2 changes", timeout=REDRAW_TIMEOUT_MS)
    watched.screenshot("governance_form")
    page.mouse.wheel(0, -20_000)
    page.wait_for_timeout(500)
    watched.screenshot("governance")

    with ActionRegister(create=False) as register:
        saved = register.actions()
    assert saved[["owner", "plan"]].values.tolist() == [[OWNER, PLAN]]

    page.reload(wait_until="commit")
    page.wait_for_selector(DETAIL, timeout=PAGE_TIMEOUT_MS)
    dropdown(page, "Breach").select_option(label=breach_label)
    page.wait_for_function(
        "([selector, expected]) => document.querySelector(selector).innerText === expected",
        arg=[DETAIL, headline],
        timeout=REDRAW_TIMEOUT_MS,
    )
    owner = text_box(page, "Owner")
    page.wait_for_function(
        "([element, expected]) => element.value === expected",
        arg=[owner.element_handle(), OWNER],
        timeout=REDRAW_TIMEOUT_MS,
    )
    history = page.inner_text(".kpikit-governance .kpikit-scroll")
    assert "Ana" in history and PLAN in history

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1000)  # charts follow the new width
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the page is wider than a phone screen"
    watched.screenshot("governance_phone")
    assert_clean(watched)
