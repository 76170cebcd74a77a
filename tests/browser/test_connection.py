"""A dashboard whose kernel is gone says so and reloads, in headless Chromium.

The server here culls kernels idle for a few seconds, even behind an open tab (as ``kpikit
serve`` does after ``--cull-idle-timeout``), and serves a copy of the glossary dashboard.
"""

import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from harness import start_server, stop_server

pytestmark = pytest.mark.xdist_group("browser")

ROOT = Path(__file__).parents[2]
CULL_IDLE_S = 8
PAGE_TIMEOUT_MS = 240_000
BANNER = ".kpikit-connection-lost"


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("culling")
    shutil.copy(ROOT / "notebooks" / "kpi_glossary.ipynb", folder)
    base, process = start_server(
        folder / "serve.log",
        "--pool-size",
        "0",
        "--notebooks",
        str(folder),
        "--cull-idle-timeout",
        str(CULL_IDLE_S),
    )
    yield base
    stop_server(process)


def open_glossary(page, base):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{base}/voila/render/kpi_glossary.ipynb", wait_until="commit")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    config = page.evaluate("document.getElementById('jupyter-config-data').textContent")
    return json.loads(config)["kernelId"]


def kernel_process(kernel_id: str) -> int:
    """Process id of the kernel started with this id's connection file."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"kernel-{kernel_id}.json".encode() in command:
                return int(entry.name)
    raise LookupError(f"no process for kernel {kernel_id}")


def test_a_killed_kernel_shows_connection_lost_and_reload_works(culling_server, watched):
    page = watched.page
    kernel_id = open_glossary(page, culling_server)
    os.kill(kernel_process(kernel_id), signal.SIGKILL)
    page.wait_for_selector(BANNER)
    assert "stopped working" in page.inner_text(BANNER)
    watched.screenshot("connection_lost")
    page.click(f"{BANNER} button")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.locator(BANNER).count() == 0


def test_an_idle_tab_is_culled_and_offers_to_reconnect(culling_server, watched):
    page = watched.page
    open_glossary(page, culling_server)
    page.wait_for_selector(BANNER)  # idle for CULL_IDLE_S, then the next check (10 s)
    assert "Reload to open it again" in page.inner_text(BANNER)
    assert watched.external_requests == []
