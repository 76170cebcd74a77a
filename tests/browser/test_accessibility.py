"""What a keyboard or screen reader user meets on every dashboard, in headless Chromium, at a
desktop's size and then a phone's (one page load each, resized in between as the layout is CSS
alone; every check at both sizes):

- plotly's toolbar shows when a Tab stop inside it has focus (its 10-20 buttons a page are Tab
  stops; the plotly bundle kpikit ships shows its "hover" toolbar on focus too: kept that way,
  WCAG 2.4.7);
- every slider handle is named after its label and reads its value as the readout shows it
  (before, no name, and values such as "92.99999999999999"; WCAG 4.1.2);
- inputs, dropdowns and text areas have edges of 3:1 on white and a focused dropdown a ring of
  3:1 (before, ipywidgets' #BDBDBD edge, 1.88:1, and no ring; WCAG 1.4.11, 2.4.7);
- every chart is a figure named after its title, axes and series (before, nothing; WCAG 1.1.1);
- one main landmark holds the dashboard, and no empty hidden panel is a banner or contentinfo
  (before, those two were the page's only landmarks).

Problems are collected by check and asserted together, so a failure shows every fault of the
page. Screenshots of the focused dropdown and the focused toolbar go to
tests/browser/screenshots/a11y-<dashboard>-<size>-{dropdown,toolbar}.png.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from test_dashboards import (
    CHARTS_SETTLED_JS,
    DASHBOARDS,
    DESKTOP,
    PHONE,
    REDRAW_TIMEOUT_MS,
    assert_clean,
    open_dashboard,
)

pytestmark = pytest.mark.xdist_group("browser")

SIZES = {"desktop": DESKTOP, "phone": PHONE}
# Dashboards with sliders on show when they open (staffing: the day plan's targets, patience and
# shrinkage; monitor: target and threshold), so that the slider check cannot pass for want of
# sliders.
WITH_SLIDERS = {"staffing_whatif", "intraday_monitor"}
# How long a check waits for the page to agree with it once the charts are drawn: the scripts
# that name sliders and charts run as soon as the widgets change, well under a second.
SETTLE_MS = 20_000
MAX_TAB_STOPS = 200
MIN_CONTRAST = 3.0
MAX_CHART_NAME_CHARS = 300

# WCAG contrast of a CSS colour against white (a translucent colour blended onto white).
CONTRAST_JS = """
const contrastOnWhite = color => {
    const [r, g, b, a = 1] = color.match(/[\\d.]+/g).map(Number);
    const channel = c => {
        const v = (a * c + (1 - a) * 255) / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    const luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    return 1.05 / (luminance + 0.05);
};
const plain = markup => new DOMParser()
    .parseFromString(String(markup || '').replace(/<br\\s*\\/?>/gi, ' '), 'text/html')
    .body.textContent.replace(/\\s+/g, ' ').trim();
const shown = element => element.getClientRects().length > 0;
"""


def page_js(body: str) -> str:
    """A JS function of no argument running ``body`` beside the helpers and limits above."""
    limits = f"const MIN_CONTRAST = {MIN_CONTRAST}, MAX_NAME_CHARS = {MAX_CHART_NAME_CHARS};"
    return "() => {" + limits + CONTRAST_JS + body + "}"


# Each check returns its problems as a list of texts (empty: passed).
SLIDERS_JS = page_js("""
    const handles = [...document.querySelectorAll('[role=slider]')].filter(shown);
    return handles.flatMap(handle => {
        const slider = handle.closest('.widget-slider');
        const readout = slider && slider.querySelector('.widget-readout');
        const name = (handle.getAttribute('aria-label') || '').trim();
        const valuetext = handle.getAttribute('aria-valuetext');
        const expected = readout ? readout.textContent.trim() : null;
        const problems = [];
        if (!name) problems.push('a slider without a name');
        if (valuetext !== expected) {
            problems.push(`slider "${name}": valuetext ${valuetext}, readout ${expected}`);
        }
        return problems;
    });
""")
BORDERS_JS = page_js("""
    const natives = ['checkbox', 'radio', 'range', 'file', 'hidden', 'color'];
    return [...document.querySelectorAll('input, select, textarea')]
        .filter(control => shown(control) && !natives.includes(control.type))
        .flatMap(control => {
            const style = getComputedStyle(control);
            const contrast = contrastOnWhite(style.borderTopColor);
            const what = `${control.tagName.toLowerCase()} ${control.type} `
                + `"${control.labels && control.labels[0] ? control.labels[0].textContent : ''}"`;
            if (style.borderTopStyle === 'none' || parseFloat(style.borderTopWidth) === 0) {
                return [`${what}: no border`];
            }
            return contrast >= MIN_CONTRAST ? []
                : [`${what}: border ${style.borderTopColor}, ${contrast.toFixed(2)}:1`];
        });
""")
CHARTS_JS = page_js("""
    return [...document.querySelectorAll('.js-plotly-plot')]
        .filter(plot => plot.querySelector('.main-svg'))
        .flatMap(plot => {
            const title = plain(plot.layout.title && plot.layout.title.text);
            const role = plot.getAttribute('role');
            const name = plot.getAttribute('aria-label') || '';
            const problems = [];
            if (role !== 'figure') problems.push(`chart "${title}": role ${role}`);
            if (!title || !name.includes(title)) {
                problems.push(`chart "${title}": named "${name}"`);
            }
            if (name.length > MAX_NAME_CHARS) {
                problems.push(`chart "${title}": ${name.length} chars`);
            }
            return problems;
        });
""")
# Landmark roles on elements with nothing in them (Voila's hidden top and bottom panels).
EMPTY_LANDMARKS_JS = page_js("""
    const roles = ['banner', 'contentinfo', 'navigation', 'complementary', 'main', 'region'];
    return [...document.querySelectorAll('[role]')]
        .filter(element => roles.includes(element.getAttribute('role'))
            && element.childElementCount === 0 && !element.textContent.trim()
            && element.getAttribute('aria-hidden') !== 'true')
        .map(element => `empty ${element.getAttribute('role')}: #${element.id}`);
""")
# The element with focus: a dropdown (its outline), a toolbar button (its opacity as drawn, with
# its ancestors', which plotly fades), or something else.
FOCUSED_JS = page_js("""
    const focused = document.activeElement;
    if (!focused) return {kind: 'none'};
    if (focused.matches('.kpikit-app select')) {
        const style = getComputedStyle(focused);
        return {kind: 'select', style: style.outlineStyle, width: style.outlineWidth,
                color: style.outlineColor, contrast: contrastOnWhite(style.outlineColor),
                label: focused.labels && focused.labels[0] ? focused.labels[0].textContent : ''};
    }
    if (focused.matches('.modebar-btn')) {
        let opacity = 1;
        for (let node = focused; node && node !== document.body; node = node.parentElement) {
            opacity *= parseFloat(getComputedStyle(node).opacity);
        }
        const group = focused.closest('.modebar-group');
        return {kind: 'toolbar', opacity: opacity,
                group: group ? parseFloat(getComputedStyle(group).opacity) : null,
                button: parseFloat(getComputedStyle(focused).opacity)};
    }
    return {kind: 'other'};
""")
TOOLBAR_SHOWN_JS = "() => (" + FOCUSED_JS + ")().opacity === 1"


def settled_problems(page, check_js: str) -> list[str]:
    """The problems ``check_js`` finds once the page agrees with it, or when ``SETTLE_MS`` is up
    (the problems then left are the failure)."""
    try:
        page.wait_for_function(f"() => ({check_js})().length === 0", timeout=SETTLE_MS)
    except PlaywrightTimeoutError:
        pass
    return page.evaluate(check_js)


def tab_to_dropdown_and_toolbar(page, shot: str) -> dict:
    """Press Tab through the page until a dropdown and then a toolbar button have had focus;
    what each looked like when focused (``None``: never reached)."""
    found = {"select": None, "toolbar": None}
    # The walk starts at the top of the app whatever had focus before (a blurred element would
    # stay the starting point of the next Tab).
    page.locator(".kpikit-app").first.evaluate(
        "app => { app.tabIndex = -1; app.focus(); app.removeAttribute('tabindex'); }"
    )
    has_toolbar = page.locator(".modebar-btn").count() > 0
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused["kind"] == "select" and found["select"] is None:
            found["select"] = focused
            page.screenshot(path=shot.format(part="dropdown"))
        elif focused["kind"] == "toolbar":
            try:  # plotly fades its toolbar in over 0.3 s
                page.wait_for_function(TOOLBAR_SHOWN_JS, timeout=SETTLE_MS)
            except PlaywrightTimeoutError:
                pass
            found["toolbar"] = page.evaluate(FOCUSED_JS)
            page.screenshot(path=shot.format(part="toolbar"))
            break
        if found["select"] is not None and not has_toolbar:
            break
    if not has_toolbar:
        found["toolbar"] = "no toolbar on this page"
    return found


def focus_problems(found: dict) -> dict[str, list]:
    select, toolbar = found["select"], found["toolbar"]
    ring = []
    if select is None:
        ring.append("no dropdown reached with Tab")
    elif select["style"] == "none" or select["contrast"] < MIN_CONTRAST:
        ring.append(f"focused dropdown {select}")
    shown = []
    if toolbar is None:
        shown.append("no toolbar button reached with Tab")
    elif isinstance(toolbar, dict) and (toolbar["opacity"] != 1 or toolbar["group"] != 1):
        shown.append(f"focused toolbar button drawn at {toolbar}")
    return {"focus ring": ring, "toolbar on focus": shown}


def problems_at(page, name: str, shot: str) -> dict[str, list]:
    """Every check's problems on the page as it is drawn now."""
    page.wait_for_function(CHARTS_SETTLED_JS, timeout=REDRAW_TIMEOUT_MS)
    page.mouse.move(0, 0)  # off the charts: plotly shows its toolbar on hover
    main = page.get_by_role("main")
    title = page.locator(".kpikit-app").get_by_role("heading").first.inner_text()
    problems = {
        "main landmark": [f"{main.count()} main landmarks"] if main.count() != 1 else [],
        "empty landmarks": settled_problems(page, EMPTY_LANDMARKS_JS),
        "sliders": settled_problems(page, SLIDERS_JS),
        "borders": settled_problems(page, BORDERS_JS),
        "charts": settled_problems(page, CHARTS_JS),
    }
    if main.count() == 1 and main.get_by_role("heading", name=title, exact=True).count() != 1:
        problems["main landmark"].append(f"the main landmark lacks the title {title!r}")
    if name in WITH_SLIDERS and page.locator("[role=slider]:visible").count() == 0:
        problems["sliders"].append("no slider on show")
    problems.update(focus_problems(tab_to_dropdown_and_toolbar(page, shot)))
    return {check: found for check, found in problems.items() if found}


@pytest.mark.parametrize("name", DASHBOARDS)
def test_dashboard_is_usable_by_keyboard_and_screen_reader(name, server, watched):
    page = watched.page
    open_dashboard(watched, server, name)
    problems = {}
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        shot = str(watched.screenshot_path(f"a11y-{name}-{size}-{{part}}"))
        problems[size] = problems_at(page, name, shot)
    assert problems == {size: {} for size in SIZES}
    assert_clean(watched)
