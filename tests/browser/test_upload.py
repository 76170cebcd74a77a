"""Upload a vendor export in a real browser: the mapping step shows what was detected, the manager
confirms, the dashboard's chart follows the uploaded data. At desktop and phone sizes.

The file is what a European contact-center platform exports: its own column names ("Call ID",
"CallStart", "Queue Time", ...), day-first dates, Y/N flags, semicolons and decimal commas.
Screenshots go to tests/browser/screenshots/upload_*.png for a human to look at.
"""

import pytest

from kpikit.sample import load_sample

pytestmark = pytest.mark.xdist_group("browser")

PAGE_TIMEOUT_MS = 240_000
DASHBOARD = "sector_benchmarks"
VENDOR_NAMES = {
    "contact_id": "Call ID",
    "arrived_at": "CallStart",
    "answered": "Answered",
    "wait_s": "Queue Time",
    "channel": "Media Type",
    "agent_id": "Agent",
    "talk_s": "Talk Time",
    "hold_s": "Hold Time",
    "acw_s": "Wrap Up Time",
    "csat": "Satisfaction",
}
CHART_STATE_JS = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]
    .map(plot => [plot.data, plot.layout.title]))"""
SIZES = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def vendor_export(tmp_path_factory):
    """A week of the sample (8-14 June: days above 12), waits four times longer, as a vendor
    export."""
    contacts = load_sample().contacts[list(VENDOR_NAMES)]
    days = contacts["arrived_at"].dt.day
    contacts = contacts[(contacts["arrived_at"].dt.month == 6) & days.between(8, 14)].copy()
    contacts["wait_s"] = contacts["wait_s"] * 4
    contacts["arrived_at"] = contacts["arrived_at"].dt.strftime("%d/%m/%Y %H:%M:%S")
    contacts["answered"] = contacts["answered"].map({True: "Y", False: "N"})
    path = tmp_path_factory.mktemp("upload") / "acd_export.csv"
    contacts.rename(columns=VENDOR_NAMES).to_csv(path, index=False, sep=";", decimal=",")
    return path


def step_dropdown(page, label: str):
    box = page.locator(".kpikit-upload-step .widget-dropdown").filter(
        has=page.locator("label", has_text=label)
    )
    return box.locator("select").first


@pytest.mark.parametrize("size", list(SIZES))
def test_upload_with_mapping_redraws_the_chart(size, server, watched, vendor_export):
    page = watched.page
    page.set_viewport_size(SIZES[size])
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{server}/voila/render/{DASHBOARD}.ipynb", wait_until="commit")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=PAGE_TIMEOUT_MS)
    before = page.evaluate(CHART_STATE_JS)

    with page.expect_file_chooser() as chooser:
        page.click(".kpikit-app .widget-upload")
    chooser.value.set_files(str(vendor_export))
    step = page.locator(".kpikit-upload-step")
    step.get_by_text("Check how to read acd_export.csv").wait_for(timeout=PAGE_TIMEOUT_MS)

    # What was detected, shown for confirmation.
    assert "semicolon-separated, decimal comma" in step.inner_text()
    assert step_dropdown(page, "Arrival time").input_value() == "CallStart"
    assert step_dropdown(page, "Wait (s)").input_value() == "Queue Time"
    date_order = step_dropdown(page, "Date format")
    shown = date_order.evaluate("select => select.selectedOptions[0].text").replace("\xa0", " ")
    assert shown == "Day first (dd/mm)"
    assert "can only be" in step.inner_text()  # a day above 12 proves it
    assert step.locator("input[type=text]").first.input_value() == "Y"
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.kpikit-upload-step select')]"
        ".map(select => select.getBoundingClientRect().right)"
    )
    assert 0 < max(widths) <= SIZES[size]["width"]  # every choice fits on the screen
    watched.screenshot(f"upload_step_{size}")

    step.get_by_role("button", name="Load").click()
    outcome = page.wait_for_selector(
        ".kpikit-message [role=status], .kpikit-message [role=alert]", timeout=PAGE_TIMEOUT_MS
    )
    assert outcome.inner_text().startswith("Loaded acd_export.csv."), outcome.inner_text()
    page.wait_for_function(
        "([before]) => " + CHART_STATE_JS[len("() => ") :] + " !== before",
        arg=[before],
        timeout=PAGE_TIMEOUT_MS,
    )
    page.get_by_text("acd_export.csv:").wait_for(timeout=PAGE_TIMEOUT_MS)
    step.wait_for(state="hidden", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(500)  # let the redraw settle before the screenshot
    watched.screenshot(f"upload_loaded_{size}")

    assert watched.external_requests == []
    assert watched.page_errors == [] and watched.console_errors == []
