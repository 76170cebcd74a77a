"""Browser harness: ``kpikit serve`` on a free port and headless Debian Chromium via Playwright.

The server is started once per session as a subprocess and stopped by its own process id
(terminate, then kill). Every page records requests that leave localhost (and blocks them),
console errors and uncaught page errors, so each test can assert there are none.
"""

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    close_like_a_tab,
    log_tail,
    start_server,
    stop_server,
)

# The hand-made data of tests/fixtures.py, also when the browser tests run on their own.
sys.path.insert(0, str(Path(__file__).parents[1]))

SCREENSHOTS = Path(__file__).parent / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Base URL of ``kpikit serve`` over the installed dashboards, as ``make app`` runs it."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    base, process = start_server(log)
    yield base
    stop_server(process)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page and what it did: requests leaving localhost, console errors, page errors."""

    page: object
    external_requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def screenshot_path(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        return SCREENSHOTS / f"{name}.png"

    def screenshot(self, name: str) -> Path:
        path = self.screenshot_path(name)
        self.page.screenshot(path=str(path), full_page=True, timeout=90_000)
        return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test reports what its page showed and the tail of its server's log."""
    report = yield
    if report.when != "call" or not report.failed:
        return report
    from playwright.sync_api import Error as PlaywrightError

    watched = item.funcargs.get("watched")
    if isinstance(watched, Watched):
        try:
            text = watched.page.inner_text("body", timeout=10_000)[:2000]
            shown = f"{watched.page.url}\n{text}"
        except PlaywrightError as error:
            shown = f"{watched.page.url}: the page could not be read ({error})"
        report.sections.append(("page at the failure", shown))
    for value in item.funcargs.values():
        tail = log_tail(value) if isinstance(value, str) else ""
        if tail:
            report.sections.append((f"server log at {value}, last lines", tail))
    return report


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    record = Watched(page)

    def route(route):
        url = route.request.url
        scheme = urlsplit(url).scheme
        if scheme in ("data", "blob", "file") or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            record.external_requests.append(url)
            route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda message: message.type == "error" and record.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))
    yield record
    close_like_a_tab(context)
