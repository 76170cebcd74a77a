"""Each dashboard app built on the sample in this process: what a page's kernel waits for
before its first chart, Voila's own work left out.

Builds every app of ``kpikit.apps`` once to warm it (imports, first-call caches), then
``--rounds`` times, the apps alternating; prints the median build time and how many tables
the builds' computes checked (the same table checked twice in one build is work done twice).
Run it on two checkouts (``PYTHONPATH``) to compare them.

    python benchmarks/bench_app_builds.py --rounds 7
    PYTHONPATH=/tmp/before python benchmarks/bench_app_builds.py --rounds 7
"""

import argparse
import statistics
import time
import warnings

import kpikit as kk
from kpikit import apps
from kpikit.metrics import _inputs

APPS = ("BenchmarksApp", "GlossaryApp", "ScorecardApp", "StaffingApp", "TradeoffApp")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    data = kk.load_sample()
    checked = []
    check = _inputs._check_values

    def counted(dataset, tables, options):
        checked.extend(tables)
        return check(dataset, tables, options)

    _inputs._check_values = counted
    tables = {}
    for name in APPS:
        checked.clear()
        getattr(apps, name)(data)
        tables[name] = len(checked)
    times = {name: [] for name in APPS}
    for round_number in range(args.rounds):
        for name in APPS if round_number % 2 == 0 else reversed(APPS):
            start = time.perf_counter()
            getattr(apps, name)(data)
            times[name].append(time.perf_counter() - start)
    print(f"kpikit {kk.__file__}, median of {args.rounds} builds on the sample")
    print(f"{'app':14s} {'build ms':>9s} {'tables checked':>15s}")
    for name in APPS:
        print(f"{name:14s} {statistics.median(times[name]) * 1000:9.1f} {tables[name]:15d}")


if __name__ == "__main__":
    main()
