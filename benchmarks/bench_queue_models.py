"""Erlang X, chat and blending for a day of 48 half-hour intervals, across caller patience.

Each model is given a day of seeded demand (a morning and an afternoon peak, 40-160 contacts
per interval) and the agents an Erlang C staffing would put on it, for mean patience from
10 minutes down to 1 ms, then with those patiences mixed interval by interval in one call.
Very short patience is where the answer-within-threshold step
(uniformisation at the rate of the fullest queue, ``(sigma + J theta) T`` steps) used to take
minutes; the table shows the median time per call over ``--rounds`` rounds and the service
level of the first interval, so a change that speeds a model up can be seen to keep its
figures.

    .venv/bin/python benchmarks/bench_queue_models.py
    .venv/bin/python benchmarks/bench_queue_models.py --rounds 3 --patience 120 0.01
"""

import argparse
import statistics
import time

import numpy as np

from kpikit import queueing

INTERVALS = 48
AHT_S = 240.0


def day_of_demand(seed: int) -> np.ndarray:
    """Contacts per half hour over a day: two peaks on a floor of 40."""
    rng = np.random.default_rng(seed)
    hour = np.arange(INTERVALS) / 2
    peaks = 90 * np.exp(-((hour - 10.5) ** 2) / 4) + 60 * np.exp(-((hour - 15) ** 2) / 5)
    return np.round(40 + peaks + rng.normal(0, 5, INTERVALS)).clip(1)


def models(volume, agents, patience_s):
    """The calls timed, by name."""
    return {
        "erlang_x": lambda: queueing.erlang_x(volume, AHT_S, agents, patience_s=patience_s),
        "chat": lambda: queueing.chat(volume, AHT_S, agents, concurrency=2, patience_s=patience_s),
        "blending": lambda: queueing.blending(
            volume, AHT_S, agents + 2, reserved_agents=1, patience_s=patience_s
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--patience", type=float, nargs="+", default=[600, 120, 10, 1, 0.1, 0.01, 0.001]
    )
    args = parser.parse_args()
    volume = day_of_demand(args.seed)
    staffing = queueing.agents_required(volume, AHT_S, target_sl=80, threshold_s=20)
    agents = staffing["raw_agents"].to_numpy()
    print(f"{INTERVALS} intervals, {volume.sum():.0f} contacts, AHT {AHT_S:.0f} s")
    print("| patience s | model | median s per call | service level, first interval |")
    print("|---:|---|---:|---:|")
    # then the patiences mixed in one call, interval by interval: each interval's queue must
    # be solved at its own patience, not at the longest or shortest of the call
    mixed = np.resize(np.asarray(args.patience), INTERVALS)
    for patience_s in [*args.patience, *([mixed] if len(args.patience) > 1 else [])]:
        label = "mixed" if np.ndim(patience_s) else f"{patience_s:g}"
        for name, call in models(volume, agents, patience_s).items():
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                result = call()
                times.append(time.perf_counter() - start)
            figures = result.inbound if name == "blending" else result
            first = float(np.asarray(figures.service_level).ravel()[0])
            print(f"| {label} | {name} | {statistics.median(times):.4f} | {first:.6f} |")


if __name__ == "__main__":
    main()
