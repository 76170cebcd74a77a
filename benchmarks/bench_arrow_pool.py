"""``kk.read_contacts`` of a parquet file and ``kk.compute`` after it, in each Arrow memory pool.

The reader puts files of ``LARGE_READ_BYTES`` unpacked and more in jemalloc (or the system's
allocator) rather than Arrow's default, mimalloc, which on Linux with transparent huge pages
always on spends seconds in the kernel on fresh memory (``kpikit.io._source.arrow_memory_pool``,
stop 47). This times the whole task, read (unchecked) and compute of every contact KPI by agent
(checked), with the read forced into each pool, the pools alternating in one process (in a new
order each round). Prints the median wall time, CPU time and system time of each, in ms.

    python benchmarks/bench_arrow_pool.py --rows 1000000 --rounds 9
    python benchmarks/bench_arrow_pool.py --rows 10000000 --rounds 3
"""

import argparse
import random
import resource
import statistics
import time

import pyarrow as pa
import pyarrow.parquet as pq
from bench_compute import CONTACT_KPIS
from contact_logs import path_for

import kpikit as kk
from kpikit.io import _source
from kpikit.io._parquet_size import unpacked_bytes


def pools():
    """Arrow's pools by name, those this pyarrow was built with."""
    made = {}
    for name in ("mimalloc", "jemalloc", "system"):
        try:
            made[name] = getattr(pa, f"{name}_memory_pool")()
        except NotImplementedError:  # a pyarrow built without it
            pass
    return made


def task(path, pool):
    _source.arrow_memory_pool = lambda _size: pool
    contacts = kk.read_contacts(path, validate=False, max_bytes=2**40)
    kk.compute(contacts, CONTACT_KPIS, by="agent_id")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    path = path_for(args.rows, "real")
    chosen = pools()
    times = {name: {"wall": [], "cpu": [], "system": []} for name in chosen}
    for pool in chosen.values():  # warm-up
        task(path, pool)
    for round_ in range(args.rounds):
        order = list(chosen)
        random.Random(round_).shuffle(order)
        for name in order:
            before = resource.getrusage(resource.RUSAGE_SELF)
            started, started_cpu = time.perf_counter(), time.process_time()
            task(path, chosen[name])
            after = resource.getrusage(resource.RUSAGE_SELF)
            times[name]["wall"].append(time.perf_counter() - started)
            times[name]["cpu"].append(time.process_time() - started_cpu)
            times[name]["system"].append(after.ru_stime - before.ru_stime)
    unpacked = unpacked_bytes(pq.read_metadata(path))
    print(f"{args.rows:,} contacts ({unpacked / 1e6:.0f} MB unpacked), median of {args.rounds}")
    print(f"{'pool':10s} {'wall ms':>8s} {'cpu ms':>8s} {'system ms':>10s}")
    for name, measured in times.items():
        wall, cpu, system = (statistics.median(measured[k]) * 1000 for k in measured)
        print(f"{name:10s} {wall:8.0f} {cpu:8.0f} {system:10.0f}")


if __name__ == "__main__":
    main()
