"""Parts of kk.compute's work, each against what it replaced.

- ``ids``: the checks' pass over the contact ids of a DuckDB relation over the parquet file
  (read, hash, look for two equal hashes): DuckDB's pass on the relation against polars reading
  and hashing the file's ids (``kpikit.metrics._folded_checks``, stop 45), on two copies of the
  log: ``ids in order`` (the generated file, ids rising strictly, so that polars stops after
  looking at their order and hashes nothing, while DuckDB hashes and sorts them all: not the
  same work) and ``ids shuffled`` (its rows in a random order, as an export sorted by anything
  but the id gives them: both hash and sort every id). How many hashes each side sorted is
  printed beside the times.
- ``flags``: pandas' true/false columns with missing values (``transferred`` and ``resolved``,
  read by ``pd.read_parquet`` as Python objects) turned into Arrow arrays: Arrow's conversion
  against ``kpikit._object_flags.as_arrow_flags``.
- ``keys``: the checks' screen for repeated (agent_id, interval_start) keys of a pandas table of
  agent intervals (the sample's, and as many intervals as ``--rows``: 500 agents with text ids,
  one id in a thousand missing, quarter hours): narwhals' group-by against pandas'
  ``duplicated`` (``kpikit._check_runs._keys_repeat``, stop 50).

The first two read the log of bench_compute.py (cached in ``benchmarks/data/``, with its
shuffled copy: ``contact_logs.shuffled_path_for``). The two ways
alternate within each round and their results are checked equal before timing. Prints the
median wall and CPU time (all threads of the process) of each, in ms.

    python benchmarks/bench_check_parts.py --rows 10000000 --rounds 5
"""

import argparse
import statistics
import time

import duckdb
import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import pyarrow as pa
from contact_logs import path_for, shuffled_path_for

import kpikit as kk
from kpikit._check_runs import _keys_repeat, _repeated_key_groups
from kpikit._object_flags import as_arrow_flags
from kpikit._sorting import repeats_any
from kpikit.metrics import _folded_checks

FLAGS = ["transferred", "resolved"]
KEYS = ("agent_id", "interval_start")


def id_passes(path, label):
    relation = duckdb.connect().read_parquet(str(path))
    contacts = nw.from_native(relation)
    return {
        f"ids {label}, DuckDB": lambda: _folded_checks._ids_fail(contacts, "contact_id"),
        f"ids {label}, polars": lambda: _folded_checks._parquet_ids_fail(
            [str(path)], "contact_id", None
        ),
    }


def sorting_hashes(run):
    """``run()``, and how many hashes it sorted to look for repeats (0: it sorted none)."""
    sorted_ = []

    def counted(values):
        sorted_.append(len(values))
        return repeats_any(values)

    _folded_checks.repeats_any = counted
    try:
        return run(), sum(sorted_)
    finally:
        _folded_checks.repeats_any = repeats_any


def flag_conversions(path):
    frame = pd.read_parquet(path, columns=FLAGS)
    objects = [frame[name].to_numpy() for name in FLAGS]
    assert all(values.dtype == object for values in objects), frame.dtypes
    return {
        "flags, Arrow": lambda: [pa.array(v, type=pa.bool_(), from_pandas=True) for v in objects],
        "flags, kpikit": lambda: [as_arrow_flags(values) for values in objects],
    }


def key_screens(intervals, label):
    frame = nw.from_native(intervals)
    return {
        f"keys {label}, group-by": lambda: len(_repeated_key_groups(frame, KEYS)) > 0,
        f"keys {label}, duplicated": lambda: _keys_repeat(frame, KEYS),
    }


def many_intervals(rows: int) -> pd.DataFrame:
    """``rows`` quarter hours of 500 agents (text ids, one in a thousand missing)."""
    per_agent = max(rows // 500, 1)
    agents = np.repeat(np.array([f"agent-{i:04d}" for i in range(500)], dtype=object), per_agent)
    starts = pd.date_range("2026-01-05", periods=per_agent, freq="15min").to_numpy()
    frame = pd.DataFrame({"agent_id": agents, "interval_start": np.tile(starts, 500)})
    frame.loc[::1000, "agent_id"] = None
    return frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    path = path_for(args.rows, "real")
    pairs = [
        id_passes(path, "in order"),
        id_passes(shuffled_path_for(args.rows, "real"), "shuffled"),
        flag_conversions(path),
        key_screens(kk.load_sample().agent_intervals, "sample"),
        key_screens(many_intervals(args.rows), f"{args.rows:,}"),
    ]
    hashes_sorted = {}
    for pair in pairs:
        (one, one_sorted), (other, other_sorted) = (sorting_hashes(run) for run in pair.values())
        assert _same(one, other), f"{' and '.join(pair)} disagree"
        hashes_sorted.update(zip(pair, (one_sorted, other_sorted), strict=True))
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
    print(f"{'task':27s} {'wall ms':>8s} {'cpu ms':>8s} {'hashes sorted':>14s}")
    for name in tasks:
        median_wall, median_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        sorted_ = f"{hashes_sorted[name]:14,d}" if name.startswith("ids ") else ""
        print(f"{name:27s} {median_wall * 1000:8.1f} {median_cpu * 1000:8.1f} {sorted_}".rstrip())


def _same(one, other) -> bool:
    """Equal answers: two booleans, or two lists of Arrow arrays."""
    if isinstance(one, bool):
        return one == other
    return all(a.equals(b) for a, b in zip(one, other, strict=True))


if __name__ == "__main__":
    main()
