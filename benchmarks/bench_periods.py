"""Periods on the pandas path: kk.compute of the sample by team, for each period length.

A dashboard computes the sample (about 150,000 contacts and 56,000 agent intervals, times held
by NumPy) by a grouping and a period at each change of its controls. Times, for each ``freq``,
an unchecked ``kk.compute`` by team of the contact KPIs and of the agent-interval KPIs
(occupancy, utilization, adherence); medians of the rounds, the tasks
alternating. Run it on two checkouts (``PYTHONPATH``) to compare them.

With ``--zones``, the same tasks run on the sample's times read as local times of each zone
(``none``: naive, as the sample is), side by side in the same rounds: what cutting periods in
a zone costs (a day's start found in local time; where the zone has a day whose midnight the
clocks show twice, as Havana has each November, every start is matched against them).

    python benchmarks/bench_periods.py --rounds 15
    PYTHONPATH=/tmp/before python benchmarks/bench_periods.py --rounds 15
    python benchmarks/bench_periods.py --rounds 15 --zones none Europe/Paris America/Havana
"""

import argparse
import statistics
import time

import kpikit as kk

FREQS = ("day", "week", "month")
TIME_COLUMNS = {
    "contacts": "arrived_at",
    "agent_intervals": "interval_start",
    "costs": "period_start",
}


def in_zone(data: kk.Dataset, zone: str) -> kk.Dataset:
    """The sample with its naive times read as local times of ``zone`` (June to August: no
    clock change falls in it, so every time exists once)."""
    if zone == "none":
        return data
    tables = {
        name: getattr(data, name).assign(
            **{column: getattr(data, name)[column].dt.tz_localize(zone)}
        )
        for name, column in TIME_COLUMNS.items()
    }
    return kk.Dataset(**tables)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--zones", nargs="+", default=["none"], help="none, or zone names")
    args = parser.parse_args()
    sample = kk.load_sample()
    zoned = {zone: in_zone(sample, zone) for zone in args.zones}
    kpis = {
        "contacts": [k for k in kk.catalog.KPI_IDS if kk.kpi(k).table == "contacts"],
        "intervals": [k for k in kk.catalog.KPI_IDS if kk.kpi(k).table == "agent_intervals"],
    }
    tasks = {
        (zone, table, freq): lambda data=data, ids=ids, freq=freq: kk.compute(
            data, ids, by="team", freq=freq, validate=False
        )
        for zone, data in zoned.items()
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
    print(f"{'zone':16s} {'KPIs':10s} " + " ".join(f"{freq:>7s}" for freq in FREQS))
    for zone in zoned:
        for table in kpis:
            medians = [statistics.median(times[zone, table, freq]) * 1000 for freq in FREQS]
            print(f"{zone:16s} {table:10s} " + " ".join(f"{value:7.1f}" for value in medians))


if __name__ == "__main__":
    main()
