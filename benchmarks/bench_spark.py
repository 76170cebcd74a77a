"""kk.compute on a Spark DataFrame against hand-written Spark SQL, on the same parquet files.

Writes N synthetic contacts into a folder of parquet files (the generator of
``bench_out_of_core.py``), starts a local Spark session and times, in alternating rounds, every
contact KPI of the registry (FCR included, default options) by agent and by day, each with a
pandas result on the driver:

- ``kk.compute(spark.read.parquet(folder), ...)``,
- one Spark SQL query per grouping with the DESIGN definitions written by hand (LAG/LEAD
  windows for FCR, the log's last arrival as a scalar subquery).

Prints the median of the rounds and the ratio to the SQL, and checks first (on the warm-up
runs) that every kk.compute run, checked and unchecked, gives the same groups and values as the
SQL, by agent and by day. Target: kk.compute within 1.3x of the hand-written SQL.
``unchecked`` is kk.compute with ``validate=False``: the difference is what the checks cost.

    python benchmarks/bench_spark.py                      # 1M contacts, local[2], 5 rounds
    python benchmarks/bench_spark.py --rows 10000000 --rounds 3
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_compute import CONTACT_KPIS
from bench_out_of_core import check_same_values, generate
from pyspark.sql import SparkSession

import kpikit as kk

SQL = """
WITH base AS (
    SELECT *, answered AND customer_id IS NOT NULL AS eligible FROM contacts
),
flags AS (
    SELECT *,
        LAG(arrived_at) OVER w + INTERVAL 48 HOURS >= arrived_at AS repeated_before,
        LEAD(arrived_at) OVER w <= arrived_at + INTERVAL 48 HOURS AS repeated_after,
        (SELECT max(arrived_at) FROM contacts) AS last_arrival
    FROM base
    WINDOW w AS (PARTITION BY eligible, customer_id, reason ORDER BY arrived_at, contact_id)
),
components AS (
    SELECT {key} AS key,
        CAST(answered AS DOUBLE) AS answered,
        CASE WHEN answered THEN talk_s + hold_s + acw_s ELSE 0 END AS handle,
        CASE WHEN answered THEN wait_s ELSE 0 END AS wait_answered,
        CAST(answered AND wait_s <= CASE channel WHEN 'chat' THEN 30 WHEN 'email' THEN 86400
            ELSE 20 END AS DOUBLE) AS within_threshold,
        CAST(answered AND transferred AS DOUBLE) AS transferred,
        CAST(answered AND resolved IS NOT NULL AS DOUBLE) AS resolution_known,
        CAST(answered AND coalesce(resolved, false) AS DOUBLE) AS resolved,
        CAST(eligible AND NOT coalesce(repeated_before, false)
            AND (coalesce(repeated_after, false) OR arrived_at + INTERVAL 48 HOURS <= last_arrival)
            AS DOUBLE) AS fcr_first,
        CAST(eligible AND NOT coalesce(repeated_before, false)
            AND NOT coalesce(repeated_after, false)
            AND arrived_at + INTERVAL 48 HOURS <= last_arrival
            AND NOT coalesce(transferred, false) AS DOUBLE) AS fcr_resolved,
        CAST(csat IS NOT NULL AS DOUBLE) AS csat_n,
        CAST(coalesce(csat >= 4, false) AS DOUBLE) AS csat_top,
        CAST(nps IS NOT NULL AS DOUBLE) AS nps_n,
        CAST(coalesce(nps >= 9, false) AS DOUBLE) - CAST(coalesce(nps <= 6, false) AS DOUBLE)
            AS nps_net,
        CAST(qa_score IS NOT NULL AS DOUBLE) AS qa_n, coalesce(qa_score, 0) AS qa
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


def session(master):
    spark = (
        SparkSession.builder.master(master)
        .appName("kpikit-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def runners(spark, folder):
    def contacts():
        return spark.read.parquet(str(folder))

    def hand_written(key):
        contacts().createOrReplaceTempView("contacts")
        return spark.sql(SQL.format(key=key)).toPandas()

    def kpikit(validate=True, **grouping):
        return kk.compute(contacts(), CONTACT_KPIS, validate=validate, **grouping).toPandas()

    return {
        "kpikit by agent": lambda: kpikit(by="agent_id"),
        "unchecked by agent": lambda: kpikit(False, by="agent_id"),
        "spark sql by agent": lambda: hand_written("agent_id"),
        "kpikit by day": lambda: kpikit(freq="day"),
        "unchecked by day": lambda: kpikit(False, freq="day"),
        "spark sql by day": lambda: hand_written("date_trunc('DAY', arrived_at)"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--folder", type=Path, help="keep the files here (default: a temp folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = args.folder or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.glob("*.parquet")):
            generate(args.rows, folder)
        spark = session(args.master)
        jobs = runners(spark, folder)
        results = {name: job() for name, job in jobs.items()}  # warm-up, and the values to check
        checked = check_same_values(results, "spark sql")
        assert checked == ["agent", "day"], checked
        times = {name: [] for name in jobs}
        for _ in range(args.rounds):  # alternate the runs inside each round
            for name, job in jobs.items():
                started = time.perf_counter()
                job()
                times[name].append(time.perf_counter() - started)
        spark.stop()

    print(
        f"\n{args.rows:,} contacts on {args.master}, median of {args.rounds} rounds "
        "(values checked equal by agent and by day)"
    )
    print(f"{'run':<20}{'median s':>10}{'x sql':>8}")
    for name, samples in times.items():
        grouping = name.rsplit(" ", 2)[-2:]
        baseline = statistics.median(times["spark sql " + " ".join(grouping)])
        median = statistics.median(samples)
        print(f"{name:<20}{median:>10.2f}{median / baseline:>8.2f}")


if __name__ == "__main__":
    main()
