"""Time to first chart and redraw latency of every dashboard, beside a bare Voila + plotly notebook.

For each kernel pool size asked for (``--pool-sizes 0 1``: no preheating, then one preheated
kernel per dashboard), the script starts ``kpikit serve`` over a temporary folder holding the
dashboards of ``notebooks/`` and ``benchmarks/bare_plotly.ipynb`` (one FigureWidget and a
dropdown, no kpikit), opens each page ``--runs`` times in headless Chromium and reports:

- first chart: seconds from navigation to the first drawn plotly chart (median of the runs);
- ratio: that median over the bare notebook's median in the same server run;
- redraw: milliseconds from changing a dropdown in the page to the chart being redrawn
  (kernel round trip, Python ``_update`` and plotly drawing), median of ``--runs`` changes.

Pages are opened one at a time, round robin over the notebooks, with ``--pause`` seconds between
them, so a preheated pool has refilled as it would between two visitors. Targets (issue 3):
first chart <= 1.5x the bare notebook, redraw <= 200 ms on the sample data.

Usage::

    .venv/bin/python benchmarks/bench_dashboards.py               # pool sizes 0 and 1, 5 runs
    .venv/bin/python benchmarks/bench_dashboards.py --pool-sizes 1 --runs 3
"""

import argparse
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
STATE_JS = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]
    .map(plot => [plot.data, plot.layout.title, plot.layout.shapes]))"""
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
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        served = Path(folder) / "notebooks"
        served.mkdir()
        for notebook in [
            *sorted((ROOT / "notebooks").glob("*.ipynb")),
            ROOT / "benchmarks" / f"{BARE}.ipynb",
        ]:
            shutil.copy(notebook, served / notebook.name)
        names = [BARE, *sorted(path.stem for path in served.glob("*.ipynb") if path.stem != BARE)]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for pool_size in args.pool_sizes:
                results = bench_server(browser, served, names, pool_size, args)
                print_table(pool_size, results, args.runs)
        finally:
            browser.close()


def bench_server(browser, served, names, pool_size, args):
    log = served.parent / f"serve-{pool_size}.log"
    base, process = start_server(log, "--notebooks", str(served), "--pool-size", str(pool_size))
    first = {name: [] for name in names}
    redraws = {}
    try:
        for name in names:  # warm-up: browser and server caches, first kernel pools
            open_page(browser, base, name)[1].context.close()
            time.sleep(args.pause)
        time.sleep(args.pause)
        # Round robin, so that noise from the machine spreads over every notebook alike.
        for _ in range(args.runs):
            for name in names:
                seconds, page = open_page(browser, base, name)
                first[name].append(seconds)
                if name not in redraws:
                    redraws[name] = measure_redraws(page, args.runs)
                page.context.close()
                time.sleep(args.pause)
    finally:
        stop_server(process)
    for name in names:
        print(
            f"  pool {pool_size} {name}: first chart {[round(t, 2) for t in first[name]]} s, "
            f"redraw {[round(t) for t in redraws[name]]} ms",
            file=sys.stderr,
        )
    return {
        name: (statistics.median(first[name]), statistics.median(redraws[name])) for name in names
    }


def open_page(browser, base, name):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(f"{base}/voila/render/{name}.ipynb", wait_until="commit")
    page.wait_for_selector(CHART, timeout=180_000)
    return time.perf_counter() - start, page


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
            times.append(page.evaluate(REDRAW_JS, [index, current if run % 2 else other]))
        return times
    raise RuntimeError("no dropdown redraws a chart")


def print_table(pool_size, results, runs):
    bare = results[BARE][0]
    print(f"\n### Pool size {pool_size} (median of {runs})\n")
    print("| notebook | first chart (s) | vs bare | redraw (ms) |")
    print("|---|---:|---:|---:|")
    for name, (first, redraw) in results.items():
        print(f"| {name} | {first:.2f} | {first / bare:.2f}x | {redraw:.0f} |")


if __name__ == "__main__":
    main()
