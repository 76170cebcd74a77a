"""Two parts of kk.compute's work on a real-shaped log, each against what it replaced.

- ``ids``: the checks' pass over the contact ids of a DuckDB relation over the parquet file
  (read, hash, look for two equal hashes): DuckDB's pass on the relation against polars reading
  and hashing the file's ids (``kpikit.metrics._folded_checks``, stop 45).
- ``flags``: pandas' true/false columns with missing values (``transferred`` and ``resolved``,
  read by ``pd.read_parquet`` as Python objects) turned into Arrow arrays: Arrow's conversion
  against ``kpikit._object_flags.as_arrow_flags``.

Both read the log of bench_compute.py (cached in ``benchmarks/data/``); the two ways alternate
within each round and their results are checked equal before timing. Prints the median wall and
CPU time (all threads of the process) of each, in ms.

    python benchmarks/bench_check_parts.py --rows 10000000 --rounds 5
"""

import argparse
import statistics
import time

import duckdb
import narwhals as nw
import pandas as pd
import pyarrow as pa
from contact_logs import path_for

from kpikit._object_flags import as_arrow_flags
from kpikit.metrics import _folded_checks

FLAGS = ["transferred", "resolved"]


def id_passes(path):
    relation = duckdb.connect().read_parquet(str(path))
    contacts = nw.from_native(relation)
    return {
        "ids, DuckDB": lambda: _folded_checks._ids_fail(contacts, "contact_id"),
        "ids, polars": lambda: _folded_checks._parquet_ids_fail([str(path)], "contact_id", None),
    }


def flag_conversions(path):
    frame = pd.read_parquet(path, columns=FLAGS)
    objects = [frame[name].to_numpy() for name in FLAGS]
    assert all(values.dtype == object for values in objects), frame.dtypes
    return {
        "flags, Arrow": lambda: [pa.array(v, type=pa.bool_(), from_pandas=True) for v in objects],
        "flags, kpikit": lambda: [as_arrow_flags(values) for values in objects],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    path = path_for(args.rows, "real")
    pairs = [id_passes(path), flag_conversions(path)]
    for pair in pairs:
        one, other = (run() for run in pair.values())
        assert _same(one, other), f"{' and '.join(pair)} disagree"
    tasks = {name: run for pair in pairs for name, run in pair.items()}
    wall = {name: [] for name in tasks}
    cpu = {name: [] for name in tasks}
    for round_ in range(args.rounds):
        for name in tasks if round_ % 2 == 0 else reversed(tasks):
            start, start_cpu = time.perf_counter(), time.process_time()
            tasks[name]()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    print(f"{args.rows:,} contacts (real shape), median of {args.rounds} rounds")
    print(f"{'task':16s} {'wall ms':>8s} {'cpu ms':>8s}")
    for name in tasks:
        median_wall, median_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        print(f"{name:16s} {median_wall * 1000:8.1f} {median_cpu * 1000:8.1f}")


def _same(one, other) -> bool:
    """Equal answers: two booleans, or two lists of Arrow arrays."""
    if isinstance(one, bool):
        return one == other
    return all(a.equals(b) for a, b in zip(one, other, strict=True))


if __name__ == "__main__":
    main()
