"""Time kk.compute against hand-written DuckDB SQL of the same KPI definitions.

Generates N synthetic contacts to parquet, then, in alternating rounds, times:

- ``kk.compute`` of every contact KPI of the registry (13: FCR and the two volume counts
  included) with the default options (per-channel service-level thresholds, transferred first
  contacts not resolved) by agent and by day on a pandas frame,
- the same on a polars frame,
- one DuckDB SQL query per grouping with the DESIGN definitions written by hand, reading the
  parquet file (LAG/LEAD windows for FCR).

The frames are loaded once before timing (their engines then work in memory); DuckDB reads the
parquet file each round, which is how it is normally used (the file sits in the page cache).
Prints the median of the rounds, the ratio to DuckDB and the peak resident memory added during a
call, and checks that every engine returns the same values.

    python benchmarks/bench_compute.py                 # 1M contacts, 5 rounds
    python benchmarks/bench_compute.py --rows 10000000 --rounds 3
"""

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import psutil

import kpikit as kk

CONTACT_KPIS = [kpi_id for kpi_id in kk.catalog.KPI_IDS if kk.kpi(kpi_id).table == "contacts"]

SQL = """
WITH base AS (
    SELECT *,
        answered AND customer_id IS NOT NULL AS eligible
    FROM read_parquet('{path}')
),
flags AS (
    SELECT *,
        date_trunc('day', arrived_at) AS day,
        arrived_at - LAG(arrived_at) OVER w <= INTERVAL 48 HOUR AS repeated_before,
        LEAD(arrived_at) OVER w - arrived_at <= INTERVAL 48 HOUR AS repeated_after,
        MAX(arrived_at) OVER () AS last_arrival
    FROM base
    WINDOW w AS (PARTITION BY eligible, customer_id, reason ORDER BY arrived_at, contact_id)
),
components AS (
    SELECT {key} AS key,
        answered::DOUBLE AS answered,
        CASE WHEN answered THEN talk_s + hold_s + acw_s ELSE 0 END AS handle,
        CASE WHEN answered THEN wait_s ELSE 0 END AS wait_answered,
        (answered AND wait_s <= CASE channel WHEN 'chat' THEN 30 WHEN 'email' THEN 86400
            ELSE 20 END)::DOUBLE AS within_threshold,
        (answered AND transferred)::DOUBLE AS transferred,
        (answered AND resolved IS NOT NULL)::DOUBLE AS resolution_known,
        (answered AND coalesce(resolved, false))::DOUBLE AS resolved,
        (eligible AND NOT coalesce(repeated_before, false)
            AND (coalesce(repeated_after, false) OR arrived_at + INTERVAL 48 HOUR <= last_arrival)
        )::DOUBLE AS fcr_first,
        (eligible AND NOT coalesce(repeated_before, false) AND NOT coalesce(repeated_after, false)
            AND arrived_at + INTERVAL 48 HOUR <= last_arrival
            AND NOT coalesce(transferred, false))::DOUBLE AS fcr_resolved,
        (csat IS NOT NULL)::DOUBLE AS csat_n, coalesce(csat >= 4, false)::DOUBLE AS csat_top,
        (nps IS NOT NULL)::DOUBLE AS nps_n,
        coalesce(nps >= 9, false)::DOUBLE - coalesce(nps <= 6, false)::DOUBLE AS nps_net,
        (qa_score IS NOT NULL)::DOUBLE AS qa_n, coalesce(qa_score, 0) AS qa
    FROM flags
),
sums AS (
    SELECT key, count(*) AS offered, sum(answered) AS answered, sum(handle) AS handle,
        sum(wait_answered) AS wait_answered, sum(within_threshold) AS within_threshold,
        sum(transferred) AS transferred, sum(resolution_known) AS resolution_known,
        sum(resolved) AS resolved, sum(fcr_first) AS fcr_first, sum(fcr_resolved) AS fcr_resolved,
        sum(csat_n) AS csat_n, sum(csat_top) AS csat_top, sum(nps_n) AS nps_n,
        sum(nps_net) AS nps_net, sum(qa_n) AS qa_n, sum(qa) AS qa
    FROM components GROUP BY key
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
FROM sums
"""


def generate(rows, path, seed=1):
    """Write a synthetic contact log of ``rows`` contacts over 90 days to parquet."""
    rng = np.random.default_rng(seed)
    answered = rng.random(rows) < 0.93
    seconds = np.sort(rng.integers(0, 90 * 86400, rows))
    customers = rng.integers(0, max(rows // 4, 1), rows)
    surveyed = rng.random(rows)
    frame = pd.DataFrame(
        {
            "contact_id": np.arange(rows, dtype=np.int64),
            "arrived_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(seconds, unit="s"),
            "answered": answered,
            "wait_s": rng.exponential(25, rows).round(1),
            "channel": pd.Categorical(
                rng.choice(["phone", "chat", "email"], rows, p=[0.6, 0.3, 0.1])
            ),
            "agent_id": np.where(answered, rng.integers(0, 600, rows), -1).astype(str),
            "customer_id": customers.astype(str),
            "reason": rng.choice(["billing", "orders", "tech", "account", "other"], rows),
            "talk_s": np.where(answered, rng.gamma(4, 60, rows).round(1), 0.0),
            "hold_s": np.where(answered, rng.exponential(15, rows).round(1), 0.0),
            "acw_s": np.where(answered, rng.gamma(2, 20, rows).round(1), 0.0),
            "transferred": answered & (rng.random(rows) < 0.07),
            "resolved": pd.array(
                np.where(rng.random(rows) < 0.1, None, rng.random(rows) < 0.8), dtype="boolean"
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
    frame.loc[~answered, "agent_id"] = None
    frame.loc[~answered, "resolved"] = pd.NA
    frame.to_parquet(path, index=False)


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


def runners(path):
    pandas_frame = pd.read_parquet(path)
    polars_frame = pl.read_parquet(path)
    connection = duckdb.connect()
    day_key = "date_trunc('day', arrived_at)"
    return {
        "pandas by agent": lambda: kk.compute(pandas_frame, CONTACT_KPIS, by="agent_id"),
        "polars by agent": lambda: kk.compute(polars_frame, CONTACT_KPIS, by="agent_id"),
        "duckdb by agent": lambda: connection.sql(SQL.format(path=path, key="agent_id")).df(),
        "pandas by day": lambda: kk.compute(pandas_frame, CONTACT_KPIS, freq="day"),
        "polars by day": lambda: kk.compute(polars_frame, CONTACT_KPIS, freq="day"),
        "duckdb by day": lambda: connection.sql(SQL.format(path=path, key=day_key)).df(),
    }


def check_same_values(results):
    """The three engines must agree before their times mean anything."""
    sql = results["duckdb by agent"].set_index("key").sort_index()
    for engine in ("pandas", "polars"):
        table = results[f"{engine} by agent"]
        table = table.to_pandas() if isinstance(table, pl.DataFrame) else table
        wide = table.pivot(index="agent_id", columns="kpi", values="value")
        wide = wide.loc[wide.index.notna()].sort_index()
        common = sql.loc[sql.index.notna() & (sql.index != "None"), CONTACT_KPIS]
        np.testing.assert_allclose(
            wide.loc[common.index, CONTACT_KPIS].to_numpy(dtype=float),
            common.to_numpy(dtype=float),
            rtol=1e-9,
            equal_nan=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.parquet"
        started = time.perf_counter()
        generate(args.rows, path)
        print(f"generated {args.rows:,} contacts in {time.perf_counter() - started:.1f} s")
        jobs = runners(path)
        times = {name: [] for name in jobs}
        memory = {name: 0.0 for name in jobs}
        results = {name: job() for name, job in jobs.items()}  # warm-up, and the values to check
        check_same_values(results)
        for _ in range(args.rounds):  # alternate engines inside each round
            for name, job in jobs.items():
                with PeakMemory() as peak:
                    started = time.perf_counter()
                    job()
                    times[name].append(time.perf_counter() - started)
                memory[name] = max(memory[name], peak.added_mb)

    print(f"\n{args.rows:,} contacts, median of {args.rounds} rounds (values checked equal)")
    print(f"{'run':<18}{'median s':>10}{'x duckdb':>10}{'peak +MB':>10}")
    for name, samples in times.items():
        grouping = name.split(" ", 1)[1]
        baseline = statistics.median(times[f"duckdb {grouping}"])
        median = statistics.median(samples)
        print(f"{name:<18}{median:>10.3f}{median / baseline:>10.2f}{memory[name]:>10.0f}")


if __name__ == "__main__":
    main()
