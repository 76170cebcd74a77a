"""Cadence reports (daily, weekly, monthly, quarterly) of a center with many groups.

The four weeks of the generated sample (``kk.sample.generate(days=28, agents=60)``, about 46,000
contacts) are spread round-robin over ``--sites`` sites, and each report is built by site with
the sample's targets; the baseline is ``kk.compute`` of every KPI by site and week, which any
report reads at least once. Medians over the rounds, the tasks alternating.

    python benchmarks/bench_reports.py --sites 500 --rounds 3
    python benchmarks/bench_reports.py --sites 100 --rounds 1 --cadences monthly
"""

import argparse
import statistics
import time
import warnings

import numpy as np

import kpikit as kk
from kpikit.governance import cadence_report

CADENCES = ("daily", "weekly", "monthly", "quarterly")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cadences", nargs="+", choices=CADENCES, default=list(CADENCES))
    args = parser.parse_args()
    contacts = kk.sample.generate(days=28, agents=60).contacts.copy()
    contacts["site"] = "S" + (np.arange(len(contacts)) % args.sites).astype(str)
    targets = kk.sample.load_targets()
    tasks = {"compute": lambda: kk.compute(contacts, by="site", freq="week")}
    for cadence in args.cadences:
        tasks[cadence] = lambda cadence=cadence: cadence_report(
            cadence, contacts, targets, by="site"
        )
    times = {name: [] for name in tasks}
    for round_number in range(args.rounds):
        names = list(tasks)
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                tasks[name]()
            times[name].append(time.perf_counter() - start)
            if caught:
                print(f"{name}: {len(caught)} warning(s), first: {caught[0].message}")
    base = statistics.median(times["compute"])
    print(f"{len(contacts):,} contacts over {args.sites} sites, {args.rounds} round(s)")
    print(f"{'task':<10} {'median s':>9} {'x compute':>10}")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(f"{name:<10} {median:9.2f} {median / base:10.1f}")


if __name__ == "__main__":
    main()
