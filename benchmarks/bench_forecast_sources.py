"""A volume forecast (daily unless told) of a real-shaped parquet log, from each kind of source a
user holds.

Each task runs in a process of its own (its peak resident memory is that process's), the tasks
alternating in every round; medians over the rounds:

- ``path``: ``kk.forecast.volume("log.parquet", ...)`` (DuckDB adds the contacts up per
  minute, :mod:`kpikit.forecast._minutes`);
- ``relation``: ``kk.forecast.volume(duckdb.read_parquet(...), ...)``;
- ``pandas``: ``kk.forecast.volume(pd.read_parquet(...), ...)``, the whole file read first;
- ``sql``: the baseline, hand-written DuckDB SQL counting the contacts of each interval (and
  value of ``--by``) into pandas, which every forecast must at least do.

The three forecasts are checked to be equal before their times are reported.

    python benchmarks/bench_forecast_sources.py --rows 10000000 --rounds 3
    python benchmarks/bench_forecast_sources.py --freq 30min --by queue
    python benchmarks/bench_forecast_sources.py --freq 30min --day-plan phone

With ``--day-plan`` each source gets the staffing day plan instead: ``kk.whatif.plan_days``,
then ``kk.whatif.forecast_day`` of the day after the log (the SQL counts that channel). With
``--monitor`` it gets the intraday monitor's plan: ``kk.monitor.day_forecast`` of the day after
the log and ``kk.monitor.channel_shares`` (the SQL counts that channel too). With
``--arrival-profile`` it gets ``kk.calibrate.arrival_profile`` (``--freq`` intervals of the
day, by ``--by``). With ``--patience`` it gets ``kk.calibrate.patience_exponential`` and
``kk.calibrate.patience_kaplan_meier`` by ``--by`` (the SQL counts the contacts and abandons of
each group and wait, which the curve needs at least).

    python benchmarks/bench_forecast_sources.py --freq 30min --monitor phone
    python benchmarks/bench_forecast_sources.py --freq 30min --by channel --arrival-profile
    python benchmarks/bench_forecast_sources.py --by queue --patience

With ``--scenario CHANNEL`` it gets ``kk.whatif.scenario_from_data`` of that channel (the
typical week in ``--freq`` intervals, patience and the measured ASA, CSAT and FCR; the SQL
counts that channel's contacts per interval).

    python benchmarks/bench_forecast_sources.py --freq 30min --scenario phone

With ``--replay`` it gets ``kk.monitor.replay`` of the log's last day into a temporary folder,
at once (one drop for the day; the SQL selects that day's contacts).

    python benchmarks/bench_forecast_sources.py --replay
"""

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import contact_logs
import pandas as pd

TASKS = ("path", "relation", "pandas", "sql")
OPTIONS = {"horizon": "7D", "model": "seasonal_naive"}

_CHILD = """
import json, resource, sys, time
import duckdb, pandas as pd
import kpikit as kk
task, path, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
channel = options.pop("day_plan")
monitored = options.pop("monitor")
profiled = options.pop("arrival_profile")
patience = options.pop("patience")
scenario = options.pop("scenario")
replayed = options.pop("replay")


def forecast(source):
    if replayed:
        import pathlib
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            drops = kk.monitor.replay(source, folder, speed=86_400, drop_every_s=1.0,
                                      sleep=lambda seconds: None)
            text = [p.read_text() for p in sorted(pathlib.Path(folder).glob("*.csv"))]
        return pd.DataFrame({"drops": [drops], "characters": [sum(map(len, text))]})
    if scenario is not None:
        made = kk.whatif.scenario_from_data(source, channel=scenario, interval=options["freq"])
        week = {"label": made.labels, "volume": made.volume, "aht_s": made.aht_s}
        return pd.DataFrame(week).assign(
            patience_s=made.patience_s, csat=made.csat, fcr=made.fcr, asa_s=made.reference_asa_s
        )
    if patience:
        mean = kk.calibrate.patience_exponential(source, by=options["by"])
        curve = kk.calibrate.patience_kaplan_meier(source, by=options["by"])
        return pd.concat([mean, curve.restricted_mean, curve.survival], ignore_index=True)
    if profiled:
        return kk.calibrate.arrival_profile(source, interval=options["freq"], by=options["by"])
    if monitored is not None:
        plan = kk.monitor.day_forecast(source, options["day"], channel=monitored,
                                       freq=options["freq"])
        shares = kk.monitor.channel_shares(source, monitored)
        return plan.assign(agents_shared=len(shares), share_total=shares.sum())
    if channel is None:
        return kk.forecast.volume(source, **options)
    kk.whatif.plan_days(source, channel=channel)
    return kk.whatif.forecast_day(source, channel=channel, freq=options["freq"]).intervals


start = time.perf_counter()
if task == "path":
    result = forecast(path)
elif task == "relation":
    result = forecast(duckdb.read_parquet(path))
elif task == "pandas":
    result = forecast(pd.read_parquet(path))
elif replayed:
    result = duckdb.sql(
        f"SELECT * FROM read_parquet('{path}') WHERE arrived_at >= (SELECT date_trunc('day', "
        f"max(arrived_at)) FROM read_parquet('{path}'))"
    ).df()
elif patience:
    key = f"{options['by']}, " if options["by"] else ""
    result = duckdb.sql(
        f"SELECT {key}wait_s, count(*) AS contacts, count(*) FILTER (NOT answered) AS abandoned "
        f"FROM read_parquet('{path}') GROUP BY ALL ORDER BY ALL"
    ).df()
else:
    minutes = {"15min": 15, "30min": 30, "hour": 60, "day": 1440}[options["freq"]]
    key = f"{options['by']}, " if options["by"] else ""
    counted = channel or monitored or scenario
    where = f"WHERE channel = '{counted}'" if counted else ""
    result = duckdb.sql(
        f"SELECT {key}time_bucket(INTERVAL '{minutes} minutes', arrived_at) AS period, "
        f"count(*) AS contacts FROM read_parquet('{path}') {where} GROUP BY ALL ORDER BY ALL"
    ).df()
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "result": result.to_json()}))
"""


def check_same(results):
    """The three forecasts must be equal: their counts exactly, their AHT to 1e-9 (the engines
    add handle times in other orders)."""
    frames = {task: pd.read_json(io.StringIO(results[task])) for task in ("path", "relation")}
    expected = pd.read_json(io.StringIO(results["pandas"]))
    for task, frame in frames.items():
        try:
            pd.testing.assert_frame_equal(frame, expected, rtol=1e-9)
        except AssertionError as error:
            raise SystemExit(f"the forecast of the {task} differs from pandas': {error}") from None


def day_after(path):
    """The day after the last arrival of the log, as text."""
    import duckdb

    [(last,)] = duckdb.sql(f"SELECT max(arrived_at) FROM read_parquet('{path}')").fetchall()
    return str((pd.Timestamp(last).normalize() + pd.Timedelta("1D")).date())


def run_task(task, path, options):
    """One task in a fresh process: its time, the process's peak memory and its result."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, task, str(path), json.dumps(options)],
        # not the caller's folder, which ``-c`` puts first on the path: a checkout's own kpikit
        # there would hide the one PYTHONPATH names (a "before" run)
        cwd=Path(__file__).parent,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--freq", default="day", choices=["15min", "30min", "hour", "day"])
    parser.add_argument("--by", default=None, help="a column to forecast each value of apart")
    parser.add_argument(
        "--day-plan",
        metavar="CHANNEL",
        default=None,
        help="time the staffing day plan of CHANNEL instead (plan_days, then forecast_day of "
        "the day after the log, --freq shorter than a day)",
    )
    parser.add_argument(
        "--monitor",
        metavar="CHANNEL",
        default=None,
        help="time the monitor's plan of CHANNEL instead (day_forecast of the day after the "
        "log, channel_shares; --freq shorter than a day)",
    )
    parser.add_argument(
        "--arrival-profile",
        action="store_true",
        help="time kk.calibrate.arrival_profile instead (--freq shorter than a day, by --by)",
    )
    parser.add_argument(
        "--replay", action="store_true", help="time kk.monitor.replay of the last day instead"
    )
    parser.add_argument(
        "--scenario",
        metavar="CHANNEL",
        default=None,
        help="time kk.whatif.scenario_from_data of CHANNEL instead (--freq shorter than a day)",
    )
    parser.add_argument(
        "--patience",
        action="store_true",
        help="time kk.calibrate.patience_exponential and patience_kaplan_meier instead (by --by)",
    )
    args = parser.parse_args()
    options = {**OPTIONS, "freq": args.freq, "by": args.by}
    options.update(
        day_plan=args.day_plan,
        monitor=args.monitor,
        arrival_profile=args.arrival_profile,
        patience=args.patience,
        scenario=args.scenario,
        replay=args.replay,
    )
    path = contact_logs.path_for(args.rows)
    if args.monitor is not None:
        options["day"] = day_after(path)
    times = {task: [] for task in TASKS}
    peaks = {task: [] for task in TASKS}
    results = {}
    for round_number in range(args.rounds):
        order = TASKS[round_number % len(TASKS) :] + TASKS[: round_number % len(TASKS)]
        for task in order:
            measured = run_task(task, path, options)
            times[task].append(measured["seconds"])
            peaks[task].append(measured["peak_mb"])
            results[task] = measured["result"]
    check_same(results)
    sql = statistics.median(times["sql"])
    print(f"{args.rows:,} contacts, {args.rounds} rounds, {options}")
    print(f"{'source':<10} {'median s':>9} {'x SQL':>7} {'peak MB':>8}")
    for task in TASKS:
        median = statistics.median(times[task])
        print(f"{task:<10} {median:9.2f} {median / sql:7.2f} {max(peaks[task]):8.0f}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s in all)")
