"""Forecast -> staff -> monitor: accuracy on the sample and speed at scale.

    python benchmarks/bench_plan.py             # all four
    python benchmarks/bench_plan.py --only accuracy

1. accuracy: rolling-origin backtest of half-hourly volume on the sample (8 origins, 5 days
   apart): WAPE, MASE and bias by lead for every model; target: the chosen model's next-day
   WAPE at least 15 % below seasonal naive's.
2. scale: a year of 15-minute intervals for 10 queues (synthetic contacts, 8 weeks of
   history): forecast a year ahead with the seasonal average, then agents_required for all
   350,400 intervals; target under 30 s. The full auto backtest on the same data is timed
   once beside it.
3. monitor: a refresh of the intraday monitor over a 100,000-contact day (first read of the
   whole day, then a refresh after a small drop); target under 1 s.
4. app: one poll of the intraday dashboard (MonitorApp: read, recompute, tiles, alerts and
   both charts redrawn) on the sample's last day with its forecast and staffing, and on the
   100,000-contact day.

Timings are medians of several runs on this machine.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import kpikit as kk
from kpikit.monitor import IntradayMonitor, live_events


def median_time(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def accuracy():
    data = kk.load_sample()
    start = time.perf_counter()
    table = kk.forecast.backtest(data, freq="30min", origins=8, spacing="5D")
    seconds = time.perf_counter() - start
    shown = table[["lead", "model", "wape", "mase", "bias", "gain_pct", "chosen"]]
    print(shown.round(2).to_string(index=False))
    day = table[table["lead"] == "next_day"].set_index("model")
    chosen = day[day["chosen"]].index[0]
    gain = 100 * (1 - day.loc[chosen, "wape"] / day.loc["seasonal_naive", "wape"])
    print(
        f"\nnext-day WAPE: {chosen} {day.loc[chosen, 'wape']:.2f} % vs seasonal_naive "
        f"{day.loc['seasonal_naive', 'wape']:.2f} %: {gain:.1f} % lower (target >= 15 %); "
        f"backtest took {seconds:.1f} s"
    )


def synthetic_contacts(queues=10, days=56, seed=1):
    """Poisson contacts per 15 minutes, a daily and weekly shape, 08:00-20:00."""
    rng = np.random.default_rng(seed)
    slots = np.arange(days * 96)
    hour = (slots % 96) / 4
    weekday = (slots // 96) % 7
    shape = np.where((hour >= 8) & (hour < 20), np.sin(np.pi * (hour - 8) / 12) + 0.3, 0.02)
    shape = shape * np.where(weekday >= 5, 0.5, 1.0)
    frames = []
    for queue in range(queues):
        counts = rng.poisson(30 * shape * (0.7 + 0.06 * queue))
        slot = np.repeat(slots, counts)
        arrived = pd.Timestamp("2025-01-06") + pd.to_timedelta(
            slot * 900 + rng.uniform(0, 900, slot.size), unit="s"
        )
        frames.append(
            pd.DataFrame(
                {
                    "arrived_at": arrived,
                    "queue": f"queue_{queue:02d}",
                    "answered": True,
                    "wait_s": 5.0,
                    "talk_s": rng.gamma(4, 60, slot.size),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def scale(runs):
    contacts = synthetic_contacts()

    def plan():
        result = kk.forecast.forecast(
            contacts, freq="15min", horizon="365D", by="queue", model="seasonal_average"
        )
        staff = kk.queueing.agents_required(result, target_sl=80, threshold_s=20, shrinkage=0.3)
        return result, staff

    seconds = median_time(plan, runs)
    result, staff = plan()
    print(
        f"{len(contacts):,} contacts, 10 queues: forecast a year of 15-minute intervals "
        f"({len(staff):,} rows) and staff it: median {seconds:.1f} s over {runs} runs "
        "(target < 30 s)"
    )
    start = time.perf_counter()
    kk.forecast.forecast(contacts, freq="15min", horizon="1D", by="queue", origins=4)
    print(
        f"the same history with model='auto' (4-origin backtest, 5 models, 10 queues, "
        f"next day): {time.perf_counter() - start:.1f} s"
    )


def busy_day(count=100_000):
    """A day of ``count`` phone contacts, 08:00-20:00."""
    rng = np.random.default_rng(2)
    day = pd.Timestamp("2025-03-03")
    return pd.DataFrame(
        {
            "contact_id": np.arange(count),
            "arrived_at": day
            + pd.to_timedelta(np.sort(rng.uniform(8 * 3600, 20 * 3600, count)), unit="s"),
            "answered": rng.random(count) > 0.05,
            "wait_s": rng.exponential(25, count).round(1),
            "talk_s": rng.gamma(4, 60, count).round(1),
            "channel": "phone",
        }
    )


def monitor(runs):
    events = live_events(busy_day())
    cut = len(events) - 2_000
    with tempfile.TemporaryDirectory() as folder:
        events.iloc[:cut].drop(columns="event_at").to_csv(Path(folder) / "000001.csv", index=False)
        last = events.iloc[cut:].drop(columns="event_at")

        def first_read():
            return IntradayMonitor(folder).refresh()

        first = median_time(first_read, runs)
        watcher = IntradayMonitor(folder)
        watcher.refresh()
        last.to_csv(Path(folder) / "000002.csv", index=False)
        start = time.perf_counter()
        watcher.refresh()
        incremental = time.perf_counter() - start
        steady = median_time(watcher.refresh, runs)
    print(
        f"monitor, 100,000-contact day: first read and refresh {first:.2f} s (median of "
        f"{runs}); refresh after a 2,000-event drop {incremental:.2f} s; refresh with "
        f"nothing new {steady:.2f} s (target < 1 s)"
    )


def app_poll(history, day_contacts, runs, label):
    """Time the dashboard's first read, a poll after a 5-minute drop and an idle poll."""
    from kpikit.apps import MonitorApp

    events = live_events(day_contacts).drop(columns="event_at")
    moments = live_events(day_contacts)["event_at"]
    noon = moments.dt.normalize().iloc[0] + pd.Timedelta("12:00:00")
    with tempfile.TemporaryDirectory() as folder:
        drops = Path(folder) / "day"
        drops.mkdir()
        events[moments <= noon].to_csv(drops / "000001.csv", index=False)
        start = time.perf_counter()
        app = MonitorApp(history, source="day", sources_dir=folder)
        first = time.perf_counter() - start
        later = (moments > noon) & (moments <= noon + pd.Timedelta("5min"))
        events[later].to_csv(drops / "000002.csv", index=False)
        app.refresh()
        poll = app.refresh_s
        idle = median_time(app.refresh, runs)
        contacts = app.view.contacts
    print(
        f"dashboard, {label} ({contacts:,} contacts by 12:05): built and first read "
        f"{first:.2f} s (forecast and staffing included); poll after a 5-minute drop "
        f"({int(later.sum()):,} events) {poll:.2f} s; poll with nothing new {idle:.3f} s "
        f"(median of {runs})"
    )


def app(runs):
    sample = kk.load_sample()
    arrived = pd.to_datetime(sample.contacts["arrived_at"])
    last_day = sample.contacts[arrived.dt.normalize() == arrived.max().normalize()]
    app_poll(sample, last_day, runs, "the sample's last day")
    day = busy_day()
    app_poll(day, day, runs, "a 100,000-contact day without forecast")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["accuracy", "scale", "monitor", "app"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for name, job in (
        ("accuracy", accuracy),
        ("scale", lambda: scale(args.runs)),
        ("monitor", lambda: monitor(args.runs)),
        ("app", lambda: app(args.runs)),
    ):
        if args.only in (None, name):
            print(f"== {name}")
            job()


if __name__ == "__main__":
    main()
