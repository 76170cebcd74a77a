"""Many managers at once: N dashboard pages opened together, each then changes a control.

Starts ``kpikit serve`` (default pool size, so most pages start their own kernel), opens
``--pages`` pages at once in one headless Chromium (round robin over the dashboards), and reports:

- first chart: seconds from navigation to the first drawn chart, per page (min / median / max);
- redraw: whether each page's chart changed after a dropdown change, and how long it took;
- pages refused with the "busy" answer (kernel cap), if any;
- memory: the server and its kernels' resident memory (sum of RSS over the process tree, sampled
  every second), peak and per kernel;
- kernels left after the pages close (each closed tab should end its kernel);
- a page that never draws its chart within ``--timeout``: the text it shows, the size of its
  HTML and its console's last messages (``--server-log`` keeps the server's log beside them).

Usage::

    .venv/bin/python benchmarks/bench_load.py                  # 20 pages
    .venv/bin/python benchmarks/bench_load.py --pages 8 --pool-size 0
    .venv/bin/python benchmarks/bench_load.py --timeout 300 --server-log serve.log
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from harness import (  # noqa: E402
    CHART_CONTROL,
    CHROMIUM,
    CHROMIUM_ARGS,
    start_server,
    stop_server,
)

CHART = ".js-plotly-plot .main-svg"
STATE_JS = """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]
    .map(plot => [plot.data, plot.layout.title]))"""
TIMEOUT_MS = 600_000


def process_tree_rss(pid: int) -> tuple[int, int]:
    """(resident bytes of ``pid`` and all its descendants, number of descendant processes)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1]) * 1024
    total, count, stack = 0, 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        kids = children.get(current, [])
        count += len(kids)
        stack.extend(kids)
    return total, count


class MemorySampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.peak_processes = pid, 0, 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            total, count = process_tree_rss(self.pid)
            if total > self.peak:
                self.peak, self.peak_processes = total, count
            time.sleep(1)


async def one_page(browser, base, name, timeout_ms=TIMEOUT_MS):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    result = {"name": name}
    messages = []  # the page's console: why a page that never draws did not
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"[:300]))
    start = time.perf_counter()
    response = await page.goto(f"{base}/voila/render/{name}.ipynb", wait_until="commit")
    if response is not None and response.status == 503:
        result["busy"] = True
        await context.close()
        return result
    try:
        await page.wait_for_selector(CHART)
    except Exception:  # noqa: BLE001 - a page that never draws is the finding: what it shows
        html = await page.content()
        result["never_drawn"] = (await page.inner_text("body"))[:300]
        result["html_chars"] = len(html)
        result["console"] = messages[-10:]
        result["page"] = page
        return result
    result["first_chart_s"] = time.perf_counter() - start
    before = await page.evaluate(STATE_JS)
    box = page.locator(".kpikit-app .widget-dropdown").filter(
        has=page.locator("label", has_text=CHART_CONTROL[name])
    )
    select = box.locator("select").first
    count = await select.locator("option").count()
    current = await select.evaluate("element => element.selectedIndex")
    start = time.perf_counter()
    await select.select_option(index=count - 1 if current != count - 1 else 0)
    try:
        await page.wait_for_function(
            "([before]) => (" + STATE_JS + ")() !== before", arg=[before], timeout=120_000
        )
        result["redraw_s"] = time.perf_counter() - start
    except Exception:  # noqa: BLE001 - a page that never redraws is the finding
        result["redraw_s"] = None
    result["page"] = page
    return result


async def run(args):
    from playwright.async_api import async_playwright

    names = sorted(CHART_CONTROL)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "serve.log"
        extra = ["--pool-size", str(args.pool_size)]
        if args.max_kernels:
            extra += ["--max-kernels", str(args.max_kernels)]
        base, process = start_server(log, *extra)
        sampler = MemorySampler(process.pid)
        sampler.start()
        try:
            await asyncio.sleep(args.settle)  # let the preheated pools fill
            idle_bytes, idle_processes = process_tree_rss(process.pid)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
                started = time.perf_counter()
                results = await asyncio.gather(
                    *(
                        one_page(browser, base, names[i % len(names)], args.timeout * 1000)
                        for i in range(args.pages)
                    )
                )
                wall = time.perf_counter() - started
                for result in results:
                    if "page" in result:  # as a closing tab does: the page's unload runs
                        await result.pop("page").close(run_before_unload=True)
                await browser.close()
            await asyncio.sleep(5)  # closing tabs' shutdown beacons
            _, left_processes = process_tree_rss(process.pid)
        finally:
            sampler.stopped.set()
            stop_server(process)
        if args.server_log:
            Path(args.server_log).write_text(log.read_text())
    report(args, results, wall, sampler, idle_bytes, idle_processes, left_processes)


def report(args, results, wall, sampler, idle_bytes, idle_processes, left_processes):
    shown = [r for r in results if "first_chart_s" in r]
    busy = sum(1 for r in results if r.get("busy"))
    firsts = sorted(r["first_chart_s"] for r in shown)
    redrawn = [r["redraw_s"] for r in shown if r["redraw_s"] is not None]
    mb = 1024 * 1024
    print(f"\n### {args.pages} pages at once (pool size {args.pool_size})\n")
    print(f"- wall time until every page was drawn and had redrawn: {wall:.1f} s")
    print(f"- pages drawn: {len(shown)} of {args.pages}; refused as busy: {busy}")
    for result in results:
        if "never_drawn" in result:
            print(
                f"- {result['name']} never drew its chart; it showed {result['never_drawn']!r} "
                f"({result['html_chars']:,} characters of HTML), its console last said: "
                f"{result['console']}"
            )
    if firsts:
        print(
            f"- first chart: min {firsts[0]:.1f} s, median {statistics.median(firsts):.1f} s, "
            f"max {firsts[-1]:.1f} s"
        )
    print(f"- pages whose chart redrew after a control change: {len(redrawn)} of {len(shown)}")
    if redrawn:
        print(
            f"- redraw: median {statistics.median(redrawn) * 1000:.0f} ms, max "
            f"{max(redrawn) * 1000:.0f} ms"
        )
    kernels = max(1, sampler.peak_processes - idle_processes)
    print(
        f"- memory: {idle_bytes / mb:,.0f} MB before the pages ({idle_processes} kernels), peak "
        f"{sampler.peak / mb:,.0f} MB; about "
        f"{(sampler.peak - idle_bytes) / kernels / mb:,.0f} MB per added kernel"
    )
    print(
        f"- kernel processes left 5 s after the tabs closed: {left_processes} "
        f"(the preheated pools: {idle_processes})"
    )
    for result in results:
        print(f"  {result}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--pool-size", type=int, default=1)
    parser.add_argument("--max-kernels", type=int, default=None)
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT_MS / 1000, help="seconds a page may take to draw"
    )
    parser.add_argument("--server-log", help="file to keep the server's log in")
    parser.add_argument("--settle", type=float, default=60.0, help="seconds before the pages open")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
