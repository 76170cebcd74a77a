"""Time whole kk.compute tasks on every engine against hand-written DuckDB SQL.

A task is what a user runs: read the parquet file, compute every contact KPI of the registry
(13: FCR and the two volume counts included) with the default options (per-channel service-level
thresholds, a transferred first contact not resolved) by agent or by day, and get a pandas
table. Side by side in one run, engines alternating inside each round (in a new order each
round):

- ``pandas``: ``pd.read_parquet`` (pandas' default types: text as Python objects in pandas 2,
  as ``str`` held by Arrow in pandas 3; true/false columns with nulls as objects in both),
  ``kk.compute``;
- ``pd_arrow``: the same with ``dtype_backend="pyarrow"`` (columns held by Arrow, as pandas 3
  holds text by default);
- ``kk_read``: ``kk.read_contacts`` (text in pandas' ``str`` type, held by Arrow, on every pandas
  version) with ``validate=False``, then ``kk.compute``, which checks the frame once as every
  other task does;
- ``pd_duckdb`` (only when asked for): ``pd_arrow`` with the hand-over to polars turned off, so
  that DuckDB computes the frame, as it does past the memory bound (``_via_polars``);
- ``polars``: ``pl.read_parquet``, ``kk.compute``, ``.to_pandas()``;
- ``duckdb``: ``kk.compute`` on ``duckdb.read_parquet(...)`` (a relation), ``.df()``;
- ``duckdb_rel`` and ``duckdb_search`` (only when asked for): the same with the file named by a
  path relative to the working folder, as a notebook names it, on a connection without and
  with a ``file_search_path`` (which keeps the pass over the ids in DuckDB, as every relative
  path had it before stop 47);
- ``sql``: one DuckDB SQL query per grouping with the DESIGN definitions written by hand
  (LAG/LEAD windows over the eligible contacts for FCR), ``.df()``.

The contact logs come from ``contact_logs.py`` (cached in ``benchmarks/data/``): ``real`` is
shaped like a real export (string ids, half the contacts without a customer, heavy-tailed
contacts per customer, nulls), ``uniform`` is the former evenly spread shape; both run by
default; ``--shuffled`` reads a copy with its rows in a random order (``shuffled_path_for``),
as an export sorted by anything but the contact id has them (kpikit's pass over the ids takes
a shortcut on ids in rising order). Every engine's values are checked equal to the SQL's
(without ``sql`` among ``--engines``, to those of the first engine run, in the order of the
list above) before timing. Prints the median wall time, the median CPU time of the process
(all threads; steadier than wall time on a shared machine), both as ratios to the SQL's, the
peak resident memory added during a task and, for the eager engines, during ``kk.compute``
alone (the frame already loaded); and the load average.

    python benchmarks/bench_compute.py                        # 1M contacts, both shapes, 5 rounds
    python benchmarks/bench_compute.py --rows 10000000 --rounds 3 --shapes real
    python benchmarks/bench_compute.py --shapes real --shuffled
    python benchmarks/bench_compute.py --shapes real --engines pd_arrow pd_duckdb sql
    python benchmarks/bench_compute.py --shapes real --engines duckdb_rel duckdb_search sql
    PYTHONPATH=.venv/pandas3 python benchmarks/bench_compute.py   # on pandas 3 (make test lays it)
"""

import argparse
import os
import random
import statistics
import threading
import time

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import psutil
from contact_logs import path_for, shuffled_path_for

import kpikit as kk
from kpikit.metrics import _via_polars as via_polars

CONTACT_KPIS = [kpi_id for kpi_id in kk.catalog.KPI_IDS if kk.kpi(kpi_id).table == "contacts"]
ENGINES = ("pandas", "pd_arrow", "kk_read", "polars", "duckdb", "sql")
ASKED_FOR = ("pd_duckdb", "duckdb_rel", "duckdb_search")
EAGER = {
    "pandas": pd.read_parquet,
    "pd_arrow": lambda path: pd.read_parquet(path, dtype_backend="pyarrow"),
    "kk_read": lambda path: kk.read_contacts(path, validate=False, max_bytes=2**40),
    "polars": pl.read_parquet,
}
GROUPINGS = {"agent": {"by": "agent_id"}, "day": {"freq": "day"}}

SQL = """
WITH repeats AS (
    SELECT {key} AS key, arrived_at, transferred,
        arrived_at - LAG(arrived_at) OVER w <= INTERVAL 48 HOUR AS repeated_before,
        LEAD(arrived_at) OVER w - arrived_at <= INTERVAL 48 HOUR AS repeated_after
    FROM read_parquet('{path}')
    WHERE answered AND customer_id IS NOT NULL
    WINDOW w AS (PARTITION BY customer_id, reason ORDER BY arrived_at, contact_id)
),
judged AS (
    SELECT key, transferred, NOT coalesce(repeated_before, false) AS first,
        coalesce(repeated_after, false) AS repeated,
        coalesce(repeated_after, false) OR arrived_at + INTERVAL 48 HOUR
            <= (SELECT max(arrived_at) FROM read_parquet('{path}')) AS closed
    FROM repeats
),
fcr AS (
    SELECT key, count(*) FILTER (first AND closed) AS fcr_first,
        count(*) FILTER (first AND closed AND NOT repeated AND NOT coalesce(transferred, false))
            AS fcr_resolved
    FROM judged GROUP BY key
),
sums AS (
    SELECT {key} AS key, count(*) AS offered, count(*) FILTER (answered) AS answered,
        sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0)) FILTER (answered)
            AS handle,
        sum(wait_s) FILTER (answered) AS wait_answered,
        count(*) FILTER (answered AND wait_s <= CASE channel WHEN 'chat' THEN 30
            WHEN 'email' THEN 86400 ELSE 20 END) AS within_threshold,
        count(*) FILTER (answered AND transferred) AS transferred,
        count(resolved) FILTER (answered) AS resolution_known,
        count(*) FILTER (answered AND resolved) AS resolved,
        count(csat) AS csat_n, count(*) FILTER (csat >= 4) AS csat_top,
        count(nps) AS nps_n, count(*) FILTER (nps >= 9) - count(*) FILTER (nps <= 6) AS nps_net,
        count(qa_score) AS qa_n, sum(qa_score) AS qa
    FROM read_parquet('{path}') GROUP BY key
)
SELECT key,
    handle / nullif(answered, 0) AS aht,
    wait_answered / nullif(answered, 0) AS asa,
    100 * within_threshold / nullif(offered, 0) AS service_level,
    100 * (offered - answered) / nullif(offered, 0) AS abandonment_rate,
    100 * answered / nullif(offered, 0) AS answer_rate,
    100 * transferred / nullif(answered, 0) AS transfer_rate,
    100 * resolved / nullif(resolution_known, 0) AS resolution_rate,
    100 * fcr_resolved / nullif(fcr_first, 0) AS fcr,
    100 * csat_top / nullif(csat_n, 0) AS csat,
    100 * nps_net / nullif(nps_n, 0) AS nps,
    qa / nullif(qa_n, 0) AS qa_score,
    offered AS contacts_offered,
    answered AS contacts_handled
FROM sums LEFT JOIN fcr USING (key)
"""
SQL_KEYS = {"agent": "agent_id", "day": "date_trunc('day', arrived_at)"}


class PeakMemory:
    """Peak resident memory added while the block runs, sampled every 5 ms."""

    def __enter__(self):
        self.process = psutil.Process()
        self.base = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.added_mb = (self.peak - self.base) / 2**20


def tasks(path, grouping):
    """The whole task of every engine for one grouping: each returns a pandas table."""
    options = GROUPINGS[grouping]
    connection = duckdb.connect()
    searching = duckdb.connect()
    searching.execute(f"SET file_search_path = '{os.path.dirname(path)}'")
    source, relative = str(path), os.path.relpath(path)

    def on_pandas(reader):
        return lambda: kk.compute(EAGER[reader](source), CONTACT_KPIS, **options)

    return {
        **{reader: on_pandas(reader) for reader in ("pandas", "pd_arrow", "kk_read")},
        "pd_duckdb": lambda: _in_duckdb(on_pandas("pd_arrow")),
        "polars": lambda: kk.compute(pl.read_parquet(source), CONTACT_KPIS, **options).to_pandas(),
        "duckdb": lambda: kk.compute(connection.read_parquet(source), CONTACT_KPIS, **options).df(),
        "duckdb_rel": lambda: kk.compute(
            connection.read_parquet(relative), CONTACT_KPIS, **options
        ).df(),
        "duckdb_search": lambda: kk.compute(
            searching.read_parquet(relative), CONTACT_KPIS, **options
        ).df(),
        "sql": lambda: connection.sql(SQL.format(path=source, key=SQL_KEYS[grouping])).df(),
    }


def _in_duckdb(compute):
    """``compute()`` with pandas frames handed to DuckDB rather than polars."""
    bound = via_polars.MAX_ADDED_BYTES
    via_polars.MAX_ADDED_BYTES = 0
    try:
        return compute()
    finally:
        via_polars.MAX_ADDED_BYTES = bound


def compute_only_memory(path, grouping, engine):
    """Peak memory added by kk.compute alone on a frame read beforehand (MB)."""
    frame = EAGER[engine](path)
    with PeakMemory() as peak:
        kk.compute(frame, CONTACT_KPIS, **GROUPINGS[grouping])
    return peak.added_mb


def check_same_values(results, grouping):
    """Every engine must agree with the SQL (or, when the SQL did not run, with the first engine
    that did) before its time means anything. Returns the engine checked against, None when only
    one ran."""
    reference = "sql" if "sql" in results else next(iter(results))
    if len(results) < 2:
        return None
    expected = by_group(results[reference], grouping)
    for engine, table in results.items():
        if engine != reference:
            assert_same_values(by_group(table, grouping), expected, f"{engine} by {grouping}")
    return reference


def by_group(table, grouping):
    """A result as one row a present group (sorted) and one column a contact KPI: the
    hand-written SQL's table (a ``key`` column) or kk.compute's (one row a group and KPI)."""
    if "key" in table.columns:
        wide = table.set_index("key")
    else:
        column = "agent_id" if grouping == "agent" else "period"
        wide = table.pivot_table(
            index=column, columns="kpi", values="value", dropna=False, aggfunc="first"
        )
    wide.index = _as_keys(wide.index)
    return wide.loc[wide.index.notna(), CONTACT_KPIS].sort_index()


def assert_same_values(got, expected, label):
    """Two :func:`by_group` tables name the same groups and hold the same values."""
    assert list(got.index) == list(expected.index), f"{label}: other groups than the reference"
    np.testing.assert_allclose(
        got.to_numpy(dtype=float),
        expected.to_numpy(dtype=float),
        rtol=1e-9,
        equal_nan=True,
        err_msg=label,
    )


def _as_keys(index):
    if pd.api.types.is_datetime64_any_dtype(index):
        return pd.DatetimeIndex(index).as_unit("ns")
    return pd.Index([None if pd.isna(key) else key for key in index], dtype=object)


def run(path, engines, rounds):
    """The timings of ``engines`` on ``path``, and the engine whose values the others were
    checked against (None when only one ran)."""
    rows = []
    for grouping in GROUPINGS:
        jobs = {name: job for name, job in tasks(path, grouping).items() if name in engines}
        results = {name: job() for name, job in jobs.items()}  # warm-up, and values to check
        checked_against = check_same_values(results, grouping)
        wall = {name: [] for name in jobs}
        cpu = {name: [] for name in jobs}
        memory = dict.fromkeys(jobs, 0.0)
        for round_ in range(rounds):
            # A new order each round (seeded): the run right after another engine's meets its
            # freed memory and colder caches (polars at 1M: +0.05 s right after pandas), so no
            # engine may always follow the same one.
            order = list(jobs)
            random.Random(round_).shuffle(order)
            for name in order:
                job = jobs[name]
                with PeakMemory() as peak:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    job()
                    cpu[name].append(time.process_time() - cpu_started)
                    wall[name].append(time.perf_counter() - started)
                memory[name] = max(memory[name], peak.added_mb)
        baseline = statistics.median(wall["sql"]) if "sql" in wall else float("nan")
        for name in jobs:
            alone = compute_only_memory(path, grouping, name) if name in EAGER else None
            rows.append(
                (name, grouping, statistics.median(wall[name]), statistics.median(cpu[name]),
                 statistics.median(wall[name]) / baseline, memory[name], alone)
            )  # fmt: skip
    return rows, checked_against


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--shapes", nargs="+", choices=["real", "uniform"], default=["real", "uniform"]
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES + ASKED_FOR, default=list(ENGINES))
    parser.add_argument(
        "--shuffled", action="store_true", help="the log's rows in a random order (ids too)"
    )
    args = parser.parse_args()
    for shape in args.shapes:
        report(args.rows, shape, args.engines, args.rounds, args.shuffled)


def report(rows, shape, engines, rounds, shuffled=False):
    started = time.perf_counter()
    path = shuffled_path_for(rows, shape) if shuffled else path_for(rows, shape)
    print(f"{path.name}: ready in {time.perf_counter() - started:.1f} s")
    load_before = os.getloadavg()[0]
    results, checked_against = run(path, engines, rounds)
    checked = (
        f"values checked equal to those of {checked_against}"
        if checked_against
        else "one engine, nothing to compare"
    )
    load_after = os.getloadavg()[0]

    order = ", rows shuffled" if shuffled else ""
    print(
        f"\n{rows:,} contacts ({shape} shape{order}), median of {rounds} rounds, {checked}; "
        f"load average {load_before:.1f} before, {load_after:.1f} after; pandas {pd.__version__}, "
        f"polars {pl.__version__}, DuckDB {duckdb.__version__}"
    )
    print(
        f"{'engine':<14}{'by':<7}{'wall s':>8}{'cpu s':>8}{'x sql':>7}{'cpu x sql':>10}"
        f"{'+MB task':>10}{'+MB kk':>8}"
    )
    sql_cpu = {grouping: cpu for name, grouping, _, cpu, *_ in results if name == "sql"}
    for name, grouping, wall, cpu, ratio, memory, alone in results:
        alone_text = f"{alone:8.0f}" if alone is not None else f"{'':8}"
        cpu_ratio = cpu / sql_cpu[grouping] if grouping in sql_cpu else float("nan")
        print(
            f"{name:<14}{grouping:<7}{wall:8.3f}{cpu:8.3f}{ratio:7.2f}{cpu_ratio:10.2f}"
            f"{memory:10.0f}{alone_text}"
        )


if __name__ == "__main__":
    main()
