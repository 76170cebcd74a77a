"""Start and stop ``kpikit serve`` for browser tests and benchmarks; Chromium settings.

Servers are subprocesses stopped by their own process id (terminate, then kill).
"""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).parents[2]
START_TIMEOUT_S = 120
SERVER_LOGS: dict[str, Path] = {}
"""The log of each server started here, by base URL (a failed test shows its tail)."""

# The dropdown of each dashboard that always changes its chart (browser tests and benchmarks).
CHART_CONTROL = {
    "aht_vs_csat": "Y axis",
    "balanced_scorecard": "Level",
    "governance": "Days",
    "intraday_monitor": "Chart",
    "kpi_glossary": "KPI",
    "sector_benchmarks": "Sector",
    "staffing_whatif": "Interval",  # the day plan at another interval length
}


def close_like_a_tab(context) -> None:
    """Close a browser context as a tab closes: each page first leaves for about:blank, which
    runs its beforeunload, whose beacon ends the page's kernel. Playwright's ``close()`` skips
    beforeunload, so every page a test closed kept its kernel until the idle cull ten minutes
    later; one worker's session of pages reached the server's kernel cap (30 here, fewer on a
    smaller machine), and the next page waited for a kernel that never came. The page's
    routes (the watch on outside requests) go first: a beacon sent while the page leaves is
    lost in a route."""
    from playwright.sync_api import Error as PlaywrightError

    for page in context.pages:
        try:
            page.unroute_all(behavior="ignoreErrors")
            page.goto("about:blank", timeout=30_000)
        except PlaywrightError:  # a page already gone or crashed has no kernel to end
            pass
    context.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"kpikit serve exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # answering, if only to refuse (a server that wants a token)
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"kpikit serve did not answer:\n{log.read_text()}") from None
            time.sleep(0.5)


def start_server(log: Path, *extra: str):
    """Start ``kpikit serve`` on a free port; returns (base URL, process)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "kpikit.cli",
        "serve",
        "--port",
        str(port),
        "--no-browser",
        *extra,
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    SERVER_LOGS[base] = log
    try:
        wait_until_serving(base + "/", process, log)
    except BaseException:
        stop_server(process)
        raise
    return base, process


def log_tail(base: str, lines: int = 40) -> str:
    """The last ``lines`` of the log of the server at ``base``, or "" for an unknown one."""
    log = SERVER_LOGS.get(base)
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
