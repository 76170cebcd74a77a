"""Half-hourly day forecasts of a zoned log in the weeks after a daylight-saving change: how
far they miss what happened, and how long each takes.

The simulated center (:func:`kpikit.sample.generate`) runs on local time; its log is given the
zone ``Europe/Paris`` (``--zone``), which moved its clocks forward on 29 March 2026. Every day
of the ``--weeks`` weeks from the change (its day first) is forecast from the log before it,
as the staffing dashboard's day plan does (:func:`kpikit.whatif.forecast_day`: four-week
seasonal average by half hour), and compared with that day's real half-hourly counts by WAPE:
the absolute errors over the intervals summed, over the volume (%). The week before the change
is the reference: the error a forecast has when no clock moved.

Run it on two versions of kpikit to compare them, e.g. with ``PYTHONPATH`` set to a worktree::

    python benchmarks/bench_forecast_dst.py --weeks 4
"""

import argparse
import statistics
import time

import numpy as np
import pandas as pd

import kpikit as kk
from kpikit.whatif import forecast_day

CHANGE = pd.Timestamp("2026-03-29")
FREQ = "30min"


def zoned_sample(zone):
    """Eight weeks of the simulated center before the change and six after, in ``zone``."""
    data = kk.sample.generate(days=98, start=CHANGE - pd.Timedelta("56D"))
    local = data.contacts["arrived_at"].dt.tz_localize(
        zone, ambiguous=True, nonexistent="shift_forward"
    )
    return data.contacts.assign(arrived_at=local)


def day_errors(contacts, day, zone):
    """The day's forecast and real counts per interval, and the forecast's time."""
    start = time.perf_counter()
    planned = forecast_day(kk.Dataset(contacts), day, freq=FREQ, channel=None).intervals
    seconds = time.perf_counter() - start
    begin = pd.Timestamp(day).tz_localize(zone)
    end = (pd.Timestamp(day) + pd.Timedelta("1D")).tz_localize(zone)
    arrived = contacts["arrived_at"]
    seen = arrived[(arrived >= begin) & (arrived < end)]
    real = seen.dt.floor(FREQ, ambiguous=True).value_counts()
    table = planned.set_index("period")["volume"].to_frame("forecast")
    table["real"] = real.reindex(table.index, fill_value=0).to_numpy()
    return table, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--zone", default="Europe/Paris")
    args = parser.parse_args()
    contacts = zoned_sample(args.zone)
    print(f"kpikit from {kk.__file__}")
    print("week | WAPE % | s a forecast (median)")
    for week in range(-1, args.weeks):
        errors, times = [], []
        for offset in range(7):
            day = CHANGE + pd.Timedelta(days=7 * week + offset)
            table, seconds = day_errors(contacts, day, args.zone)
            errors.append((table["forecast"] - table["real"]).abs().sum() / table["real"].sum())
            times.append(seconds)
        name = "the week before" if week < 0 else f"week {week + 1} from the change"
        print(f"{name} | {100 * np.mean(errors):.1f} | {statistics.median(times):.2f}")


if __name__ == "__main__":
    main()
