"""kk.compute on a folder of parquet files larger than the memory it may use, through DuckDB.

Writes N synthetic contacts into a folder of parquet files, one chunk at a time (the whole log is
never in memory), then times, in alternating rounds, every contact KPI of the registry by agent
and by day:

- ``kk.compute(kk.scan_parquet(folder, memory_limit=CAP), ...)`` with a pandas result,
- the hand-written DuckDB SQL of ``bench_compute.py`` on the same files under the same cap.

Prints the median time, the ratio to the SQL, the peak resident memory added during a call and
the peak resident memory of the whole process (DuckDB's buffers included, kept between calls), and
checks in every round that both give the same values, by agent and by day (the same groups, the
same values).

With ``--partitioned`` each chunk lands in a partition folder of its own (``batch=00000/``,
as a daily export writes them), which kpikit reads back as a ``batch`` column.

    python benchmarks/bench_out_of_core.py --rows 10000000 --memory-limit 2GB
    python benchmarks/bench_out_of_core.py --rows 100000000 --memory-limit 8GB --rounds 1
    python benchmarks/bench_out_of_core.py --rows 10000000 --partitioned --folder /tmp/batches
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from bench_compute import CONTACT_KPIS, SQL, PeakMemory, assert_same_values, by_group

import kpikit as kk

CHUNK_ROWS = 2_000_000
DAYS = 365


def write_chunk(path, first_id, rows, total, rng):
    """``rows`` contacts of a ``total``-contact log over a year, in time order across chunks."""
    day_span = DAYS * 86400 / total * rows
    start = first_id / total * DAYS * 86400
    seconds = np.sort(start + rng.random(rows) * day_span).astype(np.int64)
    answered = rng.random(rows) < 0.93
    known = rng.random(rows) < 0.5  # half the contacts come from no known customer
    customers = (rng.pareto(1.2, rows) * 1000).astype(np.int64) % max(total // 8, 1)
    surveyed = rng.random(rows)
    frame = pd.DataFrame(
        {
            "contact_id": np.arange(first_id, first_id + rows, dtype=np.int64),
            "arrived_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(seconds, unit="s"),
            "answered": answered,
            "wait_s": rng.exponential(25, rows).round(1),
            "channel": rng.choice(["phone", "chat", "email"], rows, p=[0.6, 0.3, 0.1]),
            "agent_id": pd.array(
                np.where(answered, "A" + rng.integers(0, 2000, rows).astype(str), None),
                dtype="string",
            ),
            "customer_id": pd.array(
                np.where(known, "C" + customers.astype(str), None), dtype="string"
            ),
            "reason": rng.choice(["billing", "orders", "tech", "account", "other"], rows),
            "talk_s": np.where(answered, rng.gamma(4, 60, rows).round(1), 0.0),
            "hold_s": np.where(answered, rng.exponential(15, rows).round(1), 0.0),
            "acw_s": np.where(answered, rng.gamma(2, 20, rows).round(1), 0.0),
            "transferred": answered & (rng.random(rows) < 0.07),
            "resolved": pd.array(
                np.where(answered & (rng.random(rows) < 0.9), rng.random(rows) < 0.8, None),
                dtype="boolean",
            ),
            "csat": pd.array(
                np.where(surveyed < 0.2, rng.integers(1, 6, rows), None), dtype="Int64"
            ),
            "nps": pd.array(
                np.where(surveyed > 0.9, rng.integers(0, 11, rows), None), dtype="Int64"
            ),
            "qa_score": np.where(rng.random(rows) < 0.03, rng.integers(40, 101, rows), np.nan),
        }
    )
    frame.to_parquet(path, index=False, coerce_timestamps="us")  # Spark reads no nanoseconds


def generate(rows, folder, seed=1, partitioned=False):
    """Write ``rows`` contacts into ``folder`` as parquet files of at most CHUNK_ROWS each, in a
    partition folder each when ``partitioned``."""
    rng = np.random.default_rng(seed)
    for number, first in enumerate(range(0, rows, CHUNK_ROWS)):
        size = min(CHUNK_ROWS, rows - first)
        name = f"batch={number:05d}/part.parquet" if partitioned else f"part-{number:05d}.parquet"
        (folder / name).parent.mkdir(exist_ok=True)
        write_chunk(folder / name, first, size, rows, rng)


def parquet_files(folder):
    return sorted(folder.glob("*.parquet")) + sorted(folder.glob("batch=*/*.parquet"))


def runners(folder, memory_limit, partitioned=False):
    files = f"{folder}/{'*/' if partitioned else ''}*.parquet"
    connection = duckdb.connect(config={"memory_limit": memory_limit})
    connection.execute("SET enable_progress_bar = false")
    day_key = "date_trunc('day', arrived_at)"

    def kpikit_run(**grouping):
        contacts = kk.scan_parquet(folder, memory_limit=memory_limit, progress=False)
        return kk.compute(contacts, CONTACT_KPIS, **grouping).df()

    return {
        "kpikit by agent": lambda: kpikit_run(by="agent_id"),
        "duckdb by agent": lambda: connection.sql(SQL.format(path=files, key="agent_id")).df(),
        "kpikit by day": lambda: kpikit_run(freq="day"),
        "duckdb by day": lambda: connection.sql(SQL.format(path=files, key=day_key)).df(),
    }


def check_same_values(results, reference):
    """Every run's values equal those of the hand-written SQL of its grouping: ``results`` by
    run name ("<who> by agent", "<who> by day"), ``reference`` the SQL's "<who>". Each grouping
    must have been run by the SQL. Returns the groupings checked."""
    groupings = {name.rsplit(" by ", 1)[1] for name in results}
    for name, table in results.items():
        who, grouping = name.rsplit(" by ", 1)
        if who != reference:
            expected = by_group(results[f"{reference} by {grouping}"], grouping)
            assert_same_values(by_group(table, grouping), expected, name)
    return sorted(groupings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB's cap, e.g. 2GB")
    parser.add_argument("--folder", type=Path, help="keep the files here (default: a temp folder)")
    parser.add_argument("--partitioned", action="store_true", help="a partition folder a file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = args.folder or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        if not parquet_files(folder):
            started = time.perf_counter()
            generate(args.rows, folder, partitioned=args.partitioned)
            print(f"generated {args.rows:,} contacts in {time.perf_counter() - started:.0f} s")
        files = parquet_files(folder)
        size = sum(path.stat().st_size for path in files) / 2**30
        print(f"{len(files)} parquet files, {size:.2f} GiB on disk")
        # the layout of the files there, which a kept --folder decides
        jobs = runners(folder, args.memory_limit, partitioned=files[0].parent != folder)
        times = {name: [] for name in jobs}
        memory = {name: 0.0 for name in jobs}
        peak_rss = {name: 0.0 for name in jobs}
        for _ in range(args.rounds):  # alternate the runs inside each round
            results = {}
            for name, job in jobs.items():
                with PeakMemory() as peak:
                    started = time.perf_counter()
                    results[name] = job()
                    times[name].append(time.perf_counter() - started)
                memory[name] = max(memory[name], peak.added_mb)
                peak_rss[name] = max(peak_rss[name], peak.peak / 2**20)
            checked = check_same_values(results, "duckdb")
            assert checked == ["agent", "day"], checked

    print(
        f"\n{args.rows:,} contacts, memory limit {args.memory_limit}, "
        f"median of {args.rounds} rounds (values checked equal by agent and by day)"
    )
    print(f"{'run':<18}{'median s':>10}{'x duckdb':>10}{'peak +MB':>10}{'peak RSS MB':>13}")
    for name, samples in times.items():
        grouping = name.split(" ", 1)[1]
        baseline = statistics.median(times[f"duckdb {grouping}"])
        median = statistics.median(samples)
        print(
            f"{name:<18}{median:>10.2f}{median / baseline:>10.2f}{memory[name]:>10.0f}"
            f"{peak_rss[name]:>13.0f}"
        )


if __name__ == "__main__":
    main()
