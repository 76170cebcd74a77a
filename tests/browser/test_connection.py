"""A dashboard whose kernel is gone says so and reloads, in headless Chromium.

Two servers of a copy of the glossary dashboard, each starting a kernel per page: one culls
kernels idle for a few seconds, even behind an open tab (as ``kpikit serve`` does after
``--cull-idle-timeout``); the other keeps them (the default 10 minutes), so that a page slow to
connect on a busy machine keeps its kernel.
"""

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from harness import start_server, stop_server

pytestmark = pytest.mark.xdist_group("browser")

ROOT = Path(__file__).parents[2]
CULL_IDLE_S = 4
PAGE_TIMEOUT_MS = 240_000
BANNER = ".kpikit-connection-lost"


def glossary_server(folder, *extra):
    shutil.copy(ROOT / "notebooks" / "kpi_glossary.ipynb", folder)
    return start_server(
        folder / "serve.log", "--pool-size", "0", "--notebooks", str(folder), *extra
    )


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory):
    """(base URL, process) of the server that culls idle kernels."""
    folder = tmp_path_factory.mktemp("culling")
    base, process = glossary_server(folder, "--cull-idle-timeout", str(CULL_IDLE_S))
    yield base, process
    stop_server(process)


@pytest.fixture(scope="module")
def keeping_server(tmp_path_factory):
    base, process = glossary_server(tmp_path_factory.mktemp("keeping"))
    yield base
    stop_server(process)


def go_to_glossary(page, base):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{base}/voila/render/kpi_glossary.ipynb", wait_until="commit")


def open_glossary(page, base):
    """Open the glossary and wait for its chart; returns the page's kernel id."""
    go_to_glossary(page, base)
    page.wait_for_selector(".js-plotly-plot .main-svg")
    config = page.evaluate("document.getElementById('jupyter-config-data').textContent")
    return json.loads(config)["kernelId"]


def processes():
    """(process id, parent's process id, command line) of every process in /proc."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue
            yield int(entry.name), parent, command


def kernel_process(kernel_id: str) -> int:
    """Process id of the kernel started with this id's connection file."""
    for pid, _, command in processes():
        if f"kernel-{kernel_id}.json".encode() in command:
            return pid
    raise LookupError(f"no process for kernel {kernel_id}")


def kernels_of(server_pid: int) -> set[int]:
    """Process ids of the kernels the server with this process id runs."""
    return {
        pid
        for pid, parent, command in processes()
        if parent == server_pid and b"ipykernel" in command
    }


def test_a_killed_kernel_shows_connection_lost_and_reload_works(keeping_server, watched):
    page = watched.page
    kernel_id = open_glossary(page, keeping_server)
    os.kill(kernel_process(kernel_id), signal.SIGKILL)
    page.wait_for_selector(BANNER)
    assert "stopped working" in page.inner_text(BANNER)
    watched.screenshot("connection_lost")
    page.click(f"{BANNER} button")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.locator(BANNER).count() == 0


def test_an_idle_tab_is_culled_and_offers_to_reconnect(culling_server, watched):
    page = watched.page
    go_to_glossary(page, culling_server[0])
    # idle for CULL_IDLE_S, then the next check (every CULL_IDLE_S / 2 s: kpikit.serve); on a
    # busy machine the kernel may go before the page has connected (the next test), and the
    # banner says the same
    page.wait_for_selector(BANNER)
    assert "Reload to open it again" in page.inner_text(BANNER)
    assert watched.external_requests == []


def test_a_kernel_culled_before_the_page_connects_shows_connection_lost(culling_server, watched):
    """Voila's script is held until the server has culled the page's kernel: the page then
    never opens a kernel socket, and before connection.js watched the page's own kernel, its
    widgets stayed bare text ("VBox(children=...)") with no banner."""
    base, server = culling_server
    page = watched.page
    before = kernels_of(server.pid)

    def after_the_kernel_is_culled(route):
        deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
        started = set()
        while time.monotonic() < deadline:
            live = kernels_of(server.pid) - before
            started |= live
            if started and not live & started:
                break
            time.sleep(0.5)
        route.continue_()

    page.route("**/voila/static/voila.js*", after_the_kernel_is_culled)
    go_to_glossary(page, base)
    page.wait_for_selector(BANNER)
    assert "Reload to open it again" in page.inner_text(BANNER)
    assert page.locator(".js-plotly-plot").count() == 0
