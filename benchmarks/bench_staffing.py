"""Staffing a year of 15-minute intervals: kpikit's vectorised solver against per-interval loops.

For 35,040 intervals (365 days x 96) of seeded synthetic demand, every contender finds the
smallest number of agents that meets the service-level target (and the occupancy cap):

* ``kpikit``: :func:`kpikit.queueing.agents_required`, one vectorised call;
* ``scalar loop``: plain Python per interval with the same search (from floor(A) + 1, Erlang B
  carried by its recursion from one count to the next), using only the ``math`` module: the
  fastest straightforward scalar implementation, not a straw man;
* ``pyworkforce`` (when importable): ``ErlangC(...).required_positions`` per interval with
  traffic, the reference library the validation tests quote.

The agent counts of kpikit and the scalar loop must be identical (the script stops otherwise);
pyworkforce's are compared and the differences counted (it starts its search at round(A + 1)).
Timings are medians over ``--rounds`` rounds; contenders alternate inside each round.

    .venv/bin/python benchmarks/bench_staffing.py
    .venv/bin/python benchmarks/bench_staffing.py --scale 10 --rounds 5   # a 10x larger center
"""

import argparse
import math
import statistics
import time

import numpy as np

from kpikit import queueing

INTERVAL_S = 900
INTERVALS = 365 * 96
TOLERANCE = 1e-9  # targets count as met within 1e-9, as in kpikit.queueing


def demand(seed, scale):
    """Seeded contacts and AHT per 15-minute interval: two daily peaks, light weekends."""
    rng = np.random.default_rng(seed)
    slot = np.arange(INTERVALS)
    hour = (slot % 96) / 4
    weekday = (slot // 96) % 7
    curve = np.exp(-(((hour - 11) / 3.5) ** 2)) + 0.6 * np.exp(-(((hour - 16) / 2.5) ** 2)) + 0.03
    season = 1 + 0.15 * np.sin(2 * np.pi * slot / INTERVALS)
    volume = rng.poisson(180 * scale * curve * season * np.where(weekday >= 5, 0.5, 1.0))
    aht_s = rng.uniform(240, 360, INTERVALS).round()
    return volume.astype(float), aht_s


def scalar_loop(volume, aht_s, *, target_sl, threshold_s, max_occupancy):
    """Per-interval search in plain Python: the same rule as kpikit, one interval at a time."""
    agents = []
    for contacts, handle_s in zip(volume.tolist(), aht_s.tolist(), strict=True):
        load = contacts * handle_s / INTERVAL_S
        if load == 0:
            agents.append(0)
            continue
        count = math.floor(load) + 1
        blocking = 1.0
        for k in range(1, count + 1):
            carried = load * blocking
            blocking = carried / (k + carried)
        while True:
            delayed = count * blocking / (count - load * (1.0 - blocking))
            level = 100.0 * (1.0 - delayed * math.exp(-(count - load) * threshold_s / handle_s))
            busy = 100.0 * load / count
            if level >= target_sl - TOLERANCE and busy <= max_occupancy + TOLERANCE:
                break
            count += 1
            carried = load * blocking
            blocking = carried / (count + carried)
        agents.append(count)
    return np.array(agents)


def pyworkforce_loop(volume, aht_s, *, target_sl, threshold_s, max_occupancy):
    """pyworkforce's ErlangC.required_positions per interval (minutes, fractions)."""
    from pyworkforce.queuing import ErlangC

    agents = np.zeros(len(volume), dtype=int)
    for position, (contacts, handle_s) in enumerate(zip(volume, aht_s, strict=True)):
        if contacts > 0:
            erlang = ErlangC(
                transactions=contacts,
                aht=handle_s / 60,
                asa=threshold_s / 60,
                interval=INTERVAL_S / 60,
            )
            agents[position] = erlang.required_positions(
                service_level=target_sl / 100, max_occupancy=max_occupancy / 100
            )["raw_positions"]
    return agents


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the volume")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--target-sl", type=float, default=80.0)
    parser.add_argument("--threshold-s", type=float, default=20.0)
    parser.add_argument("--max-occupancy", type=float, default=85.0)
    parser.add_argument(
        "--pyworkforce-rounds",
        type=int,
        default=1,
        help="rounds for pyworkforce (slow); 0 skips it",
    )
    parser.add_argument(
        "--patience-s",
        type=float,
        default=180.0,
        help="also time kpikit's Erlang A staffing with this mean patience "
        "(no scalar contender); 0 skips it",
    )
    options = parser.parse_args()
    targets = {
        "target_sl": options.target_sl,
        "threshold_s": options.threshold_s,
        "max_occupancy": options.max_occupancy,
    }
    volume, aht_s = demand(options.seed, options.scale)
    load = volume * aht_s / INTERVAL_S
    print(
        f"{INTERVALS} intervals of 15 min; traffic mean {load.mean():.1f}, max {load.max():.1f} "
        f"Erlangs; target {options.target_sl:g} % in {options.threshold_s:g} s, occupancy <= "
        f"{options.max_occupancy:g} %"
    )

    def vectorised():
        return queueing.agents_required(volume, aht_s, INTERVAL_S, **targets)["raw_agents"]

    def scalar():
        return scalar_loop(volume, aht_s, **targets)

    contenders = {"kpikit (vectorised)": vectorised, "scalar loop (plain Python)": scalar}
    results = {name: run() for name, run in contenders.items()}  # warm-up and answers
    kpikit_agents = results["kpikit (vectorised)"].to_numpy()
    if not np.array_equal(kpikit_agents, results["scalar loop (plain Python)"]):
        differ = int((kpikit_agents != results["scalar loop (plain Python)"]).sum())
        raise SystemExit(f"agent counts differ in {differ} intervals")
    print(
        f"identical agent counts in all {INTERVALS} intervals "
        f"(total {int(kpikit_agents.sum())} agent-intervals, peak {kpikit_agents.max()})"
    )

    times = {name: [] for name in contenders}
    for _ in range(options.rounds):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)

    try:
        import pyworkforce  # noqa: F401
    except ImportError:
        print("pyworkforce not importable: skipped")
    else:
        if options.pyworkforce_rounds > 0:
            name = "pyworkforce ErlangC loop"
            times[name] = []
            for _ in range(options.pyworkforce_rounds):
                start = time.perf_counter()
                theirs = pyworkforce_loop(volume, aht_s, **targets)
                times[name].append(time.perf_counter() - start)
            differ = kpikit_agents != theirs
            print(
                f"pyworkforce agent counts differ in {int(differ.sum())} intervals"
                + (
                    f" (by {sorted(set((theirs - kpikit_agents)[differ].tolist()))})"
                    if differ.any()
                    else ""
                )
            )

    base = statistics.median(times["scalar loop (plain Python)"])
    print(f"\n{'contender':32s} {'median s':>10s} {'rounds':>7s} {'vs scalar loop':>15s}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:32s} {median:10.4f} {len(samples):7d} {base / median:14.1f}x")

    if options.patience_s > 0:
        start = time.perf_counter()
        plan = queueing.agents_required(
            volume, aht_s, INTERVAL_S, patience_s=options.patience_s, **targets
        )
        print(
            f"\nkpikit Erlang A (patience {options.patience_s:g} s), one round: "
            f"{time.perf_counter() - start:.2f} s, {int(plan['raw_agents'].sum())} "
            f"agent-intervals (Erlang C: {int(kpikit_agents.sum())})"
        )


if __name__ == "__main__":
    main()
