"""Time to first chart, redraw latency and websocket payload of every dashboard, in Chromium.

For each kernel pool size asked for (``--pool-sizes 0 1``: no preheating, then one preheated
kernel per dashboard), the script starts ``kpikit serve`` over a temporary folder holding the
dashboards of ``notebooks/`` and ``benchmarks/bare_plotly.ipynb`` (one plotly ``FigureWidget``
and a dropdown, no kpikit: the way charts were shipped before kpikit's ``Chart``), opens each
page ``--runs`` times in headless Chromium and reports:

- first chart: seconds from navigation to the first drawn plotly chart (median of the runs);
- websocket: bytes the page received over its kernel websocket until every chart of the page
  was drawn (median of the runs; plotly.js itself comes over HTTP, cached by the browser);
- redraw: milliseconds from changing a dropdown in the page to the chart being redrawn
  (kernel round trip, Python ``_update`` and plotly drawing), median of ``--runs`` changes.

Pages are opened one at a time, round robin over the notebooks, with ``--pause`` seconds between
them, so a preheated pool has refilled as it would between two visitors. ``--cache warm`` (the
default) opens every page in one browser profile, as a returning visitor whose browser has
plotly.js cached (and compiled); ``--cache cold`` gives every visit an empty profile, as a
first visit. Targets (issue 8):
first chart <= 2 s preheated and <= 5 s without, redraw <= 200 ms, websocket <= 1 MB per page.

Usage::

    .venv/bin/python benchmarks/bench_dashboards.py               # pool sizes 0 and 1, 5 runs
    .venv/bin/python benchmarks/bench_dashboards.py --pool-sizes 1 --runs 3
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from harness import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

BARE = "bare_plotly"
CHART = ".js-plotly-plot .main-svg"
VIEWPORT = {"width": 1400, "height": 1000}
TARGETS = {"first_preheated_s": 2.0, "first_cold_s": 5.0, "redraw_ms": 200.0, "ws_bytes": 1e6}
STATE_JS = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]
    .map(plot => [plot.data, plot.layout.title, plot.layout.shapes]))"""
# Every chart widget of the page has drawn (kpikit Charts and plotly FigureWidgets alike).
ALL_DRAWN_JS = """() => {
    const charts = document.querySelectorAll('.kpikit-chart, .plotly-graph-div, .js-plotly-plot');
    return charts.length > 0 && [...charts].every(chart => chart.querySelector('.main-svg'));
}"""
# Change one <select> to an option and wait (one animation frame at a time) for any chart to
# change; returns the elapsed milliseconds measured in the page.
REDRAW_JS = """async ([index, option]) => {
    const state = STATE;
    const select = document.querySelectorAll('.jp-OutputArea select')[index];
    const before = state();
    const start = performance.now();
    select.selectedIndex = option;
    select.dispatchEvent(new Event('change', {bubbles: true}));
    await new Promise((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('no redraw')), 20000);
        const check = () => state() !== before
            ? (clearTimeout(timeout), resolve()) : requestAnimationFrame(check);
        check();
    });
    return performance.now() - start;
}""".replace("STATE", STATE_JS)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool-sizes", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pause", type=float, default=8.0, help="seconds between page opens")
    parser.add_argument("--only", nargs="+", help="dashboards to measure (default: all)")
    parser.add_argument(
        "--cache",
        choices=["warm", "cold"],
        default="warm",
        help="warm: one browser profile for every visit; cold: an empty profile per visit",
    )
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        served = Path(folder) / "notebooks"
        served.mkdir()
        notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
        if args.only:
            notebooks = [path for path in notebooks if path.stem in args.only]
        for notebook in [*notebooks, ROOT / "benchmarks" / f"{BARE}.ipynb"]:
            shutil.copy(notebook, served / notebook.name)
        names = [BARE, *sorted(path.stem for path in served.glob("*.ipynb") if path.stem != BARE)]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for pool_size in args.pool_sizes:
                profile = browser.new_context(viewport=VIEWPORT) if args.cache == "warm" else None
                results = bench_server(browser, profile, served, names, pool_size, args)
                if profile is not None:
                    profile.close()
                print_table(pool_size, results, args)
        finally:
            browser.close()


def bench_server(browser, profile, served, names, pool_size, args):
    log = served.parent / f"serve-{pool_size}.log"
    base, process = start_server(log, "--notebooks", str(served), "--pool-size", str(pool_size))
    first = {name: [] for name in names}
    payload = {name: [] for name in names}
    redraws = {}
    loads = []
    try:
        for name in names:  # warm-up: browser and server caches, first kernel pools
            close(open_page(browser, profile, base, name)[0], profile)
            time.sleep(args.pause)
        time.sleep(args.pause)
        # Round robin, so that noise from the machine spreads over every notebook alike.
        for _ in range(args.runs):
            for name in names:
                loads.append(os.getloadavg()[0])
                page, seconds, received = open_page(browser, profile, base, name)
                first[name].append(seconds)
                payload[name].append(received)
                if name not in redraws:
                    print(f"  {name}: redraws", file=sys.stderr)
                    redraws[name] = measure_redraws(page, args.runs)
                close(page, profile)
                time.sleep(args.pause)
    finally:
        stop_server(process)
    for name in names:
        print(
            f"  pool {pool_size} {name}: first chart {[round(t, 2) for t in first[name]]} s, "
            f"websocket {[round(b / 1e3) for b in payload[name]]} kB, "
            f"redraw {[round(t) for t in redraws[name]]} ms",
            file=sys.stderr,
        )
    print(
        f"  pool {pool_size}: load average (1 min) during the visits "
        f"{min(loads):.1f}-{max(loads):.1f}",
        file=sys.stderr,
    )
    return {
        name: (
            statistics.median(first[name]),
            statistics.median(payload[name]),
            statistics.median(redraws[name]),
        )
        for name in names
    }


def open_page(browser, profile, base, name):
    """Open a dashboard in ``profile`` (None: a new, empty one); returns the page, seconds to
    the first chart and websocket bytes received until every chart is drawn."""
    page = (profile or browser.new_context(viewport=VIEWPORT)).new_page()
    received = []

    def watch(socket):
        socket.on("framereceived", lambda frame: received.append(_size(frame)))

    page.on("websocket", watch)
    start = time.perf_counter()
    page.goto(f"{base}/voila/render/{name}.ipynb", wait_until="commit")
    page.wait_for_selector(CHART, timeout=180_000)
    seconds = time.perf_counter() - start
    page.wait_for_function(ALL_DRAWN_JS, timeout=180_000)
    page.wait_for_timeout(500)  # messages still in flight after the last chart drew
    return page, seconds, sum(received)


def close(page, profile):
    if profile is None:
        page.context.close()
    else:
        page.close()


def _size(frame) -> int:
    return len(frame.encode("utf-8")) if isinstance(frame, str) else len(frame)


def measure_redraws(page, runs):
    """Redraw times (ms) of the first dropdown that changes a chart, toggled ``runs`` times."""
    from playwright.sync_api import Error as PlaywrightError

    count = page.locator(".jp-OutputArea select").count()
    for index in range(count):
        select = page.locator(".jp-OutputArea select").nth(index)
        options = select.locator("option").count()
        if options < 2:
            continue
        current = select.evaluate("element => element.selectedIndex")
        other = options - 1 if current != options - 1 else 0
        try:
            times = [page.evaluate(REDRAW_JS, [index, other])]
        except PlaywrightError:  # this dropdown does not touch a chart: try the next one
            continue
        for run in range(1, runs):
            try:
                times.append(page.evaluate(REDRAW_JS, [index, current if run % 2 else other]))
            except PlaywrightError:  # counted, not hidden: the table shows fewer changes
                label = select.evaluate("element => element.closest('.widget-dropdown').innerText")
                print(f"  no redraw in 20 s, change {run + 1} of {label!r}", file=sys.stderr)
        return times
    raise RuntimeError("no dropdown redraws a chart")


def print_table(pool_size, results, args):
    target = TARGETS["first_preheated_s" if pool_size else "first_cold_s"]
    print(f"\n### Pool size {pool_size}, {args.cache} browser cache (median of {args.runs})\n")
    print(
        f"| notebook | first chart (s), target <= {target:g} | websocket (kB), target <= "
        f"{TARGETS['ws_bytes'] / 1e3:,.0f} | redraw (ms), target <= {TARGETS['redraw_ms']:g} |"
    )
    print("|---|---:|---:|---:|")
    for name, (first, received, redraw) in results.items():
        print(f"| {name} | {first:.2f} | {received / 1e3:,.0f} | {redraw:.0f} |")


if __name__ == "__main__":
    main()
