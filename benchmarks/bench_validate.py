"""What compute's input checks cost: kk.compute with validate=True against validate=False.

Reads N real-shaped contacts (the log of bench_compute.py, cached in ``benchmarks/data/``) and, in
rounds (in each, every engine runs once untimed, then checked and unchecked, the checked run
first in every other round), times ``kk.compute`` of every contact KPI by day with the checks
and without them, on a pandas frame (pandas 2's default types, and
Arrow-backed: ``pd_arrow``), a polars frame and a DuckDB relation over the parquet file (the
relation's result fetched as a pandas table). Prints the medians of wall-clock and CPU time (all
threads of the process; steadier than wall time on a busy machine) and the share of a checked
compute the checks take (issue 9: at most 10 % at 10M contacts).

With ``--without-ids`` the checked runs leave out the pass over the ids of a DuckDB relation
(it reports no repeat), which leaves the cost of the screen counted inside the sums query. The
file's contacts are in the order of their ids, which spares a pandas frame that pass
(``kpikit._id_order``); ``--shuffled`` loads them in a random order instead.

    python benchmarks/bench_validate.py                      # 1M contacts, 5 rounds
    python benchmarks/bench_validate.py --rows 10000000 --rounds 3 --engines pandas polars
    python benchmarks/bench_validate.py --rows 10000000 --engines duckdb --without-ids
    python benchmarks/bench_validate.py --rows 10000000 --engines pandas --shuffled
"""

import argparse
import os
import statistics
import time

import duckdb
import pandas as pd
import polars as pl
from bench_compute import CONTACT_KPIS
from contact_logs import path_for

import kpikit as kk
from kpikit.metrics import _folded_checks


def loaders(path):
    connection = duckdb.connect()
    return {
        "pandas": lambda: pd.read_parquet(path),
        "pd_arrow": lambda: pd.read_parquet(path, dtype_backend="pyarrow"),
        "polars": lambda: pl.read_parquet(path),
        "duckdb": lambda: connection.read_parquet(str(path)),
    }


def shuffled(frame):
    """An eager frame's rows in a random order (a relation is left as it is)."""
    if isinstance(frame, pd.DataFrame):
        return frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    if isinstance(frame, pl.DataFrame):
        return frame.sample(fraction=1.0, shuffle=True, seed=7)
    return frame


def run(data, validate):
    result = kk.compute(data, CONTACT_KPIS, freq="day", validate=validate)
    return result.df() if isinstance(result, duckdb.DuckDBPyRelation) else result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engines", nargs="+", default=["pandas", "pd_arrow", "polars", "duckdb"])
    parser.add_argument("--without-ids", action="store_true")
    parser.add_argument("--shuffled", action="store_true", help="eager frames' rows shuffled")
    args = parser.parse_args()
    if args.without_ids:
        _folded_checks._parquet_ids_fail = lambda *_args: False
        _folded_checks._ids_fail = lambda *_args: False

    path = path_for(args.rows, "real")
    frames = {name: load() for name, load in loaders(path).items() if name in args.engines}
    if args.shuffled:
        frames = {name: shuffled(frame) for name, frame in frames.items()}
    runs = [(engine, checked) for engine in frames for checked in (True, False)]
    wall = {run_: [] for run_ in runs}
    cpu = {run_: [] for run_ in runs}
    for data in frames.values():  # warm-up
        run(data, True)
    load_before = os.getloadavg()[0]
    for round_ in range(args.rounds):
        # The run after another engine's meets a colder cache and allocator, so each engine
        # first runs once untimed; the checked run then comes first in every other round.
        for engine in frames:
            run(frames[engine], False)
            for checked in (True, False) if round_ % 2 == 0 else (False, True):
                started, started_cpu = time.perf_counter(), time.process_time()
                run(frames[engine], checked)
                wall[engine, checked].append(time.perf_counter() - started)
                cpu[engine, checked].append(time.process_time() - started_cpu)
    load_after = os.getloadavg()[0]

    print(
        f"\n{args.rows:,} contacts (real shape), {len(CONTACT_KPIS)} KPIs by day, median of "
        f"{args.rounds}; load average {load_before:.1f} before, {load_after:.1f} after"
    )
    print(
        f"{'engine':<9}{'time':<6}{'checked s':>11}{'unchecked s':>13}{'checks s':>10}{'share':>8}"
    )
    for engine in frames:
        for label, times in (("wall", wall), ("cpu", cpu)):
            checked = statistics.median(times[engine, True])
            unchecked = statistics.median(times[engine, False])
            cost = checked - unchecked
            print(
                f"{engine:<9}{label:<6}{checked:>11.3f}{unchecked:>13.3f}{cost:>10.3f}"
                f"{cost / checked:>8.1%}"
            )


if __name__ == "__main__":
    main()
