"""Periods on the pandas path: kk.compute of the sample by team, for each period length.

A dashboard computes the sample (about 150,000 contacts and 56,000 agent intervals, times held
by NumPy) by a grouping and a period at each change of its controls. Times, for each ``freq``,
an unchecked ``kk.compute`` by team of the contact KPIs and of the agent-interval KPIs
(occupancy, utilization, adherence); medians of the rounds, the tasks
alternating. Run it on two checkouts (``PYTHONPATH``) to compare them.

    python benchmarks/bench_periods.py --rounds 15
    PYTHONPATH=/tmp/before python benchmarks/bench_periods.py --rounds 15
"""

import argparse
import statistics
import time

import kpikit as kk

FREQS = ("day", "week", "month")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    data = kk.load_sample()
    kpis = {
        "contacts": [k for k in kk.catalog.KPI_IDS if kk.kpi(k).table == "contacts"],
        "intervals": [k for k in kk.catalog.KPI_IDS if kk.kpi(k).table == "agent_intervals"],
    }
    tasks = {
        (table, freq): lambda ids=ids, freq=freq: kk.compute(
            data, ids, by="team", freq=freq, validate=False
        )
        for table, ids in kpis.items()
        for freq in FREQS
    }
    for run in tasks.values():  # warm: imports, first-call caches
        run()
    times = {name: [] for name in tasks}
    for round_number in range(args.rounds):
        order = list(tasks) if round_number % 2 == 0 else list(reversed(tasks))
        for name in order:
            start = time.perf_counter()
            tasks[name]()
            times[name].append(time.perf_counter() - start)
    print(f"kpikit {kk.__file__}, the sample by team, median of {args.rounds} rounds, ms")
    print(f"{'KPIs':10s} " + " ".join(f"{freq:>7s}" for freq in FREQS))
    for table in kpis:
        medians = [statistics.median(times[table, freq]) * 1000 for freq in FREQS]
        print(f"{table:10s} " + " ".join(f"{value:7.1f}" for value in medians))


if __name__ == "__main__":
    main()
