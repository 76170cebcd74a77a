"""The staffing dashboard's day plan on the sample: what its first chart waits for.

    python benchmarks/bench_day_plan.py            # 5 runs of each warm step
    python benchmarks/bench_day_plan.py --runs 3

Steps, each timed in this one process:

- import: ``statsforecast`` imported for the first time (a kernel pays it once);
- forecast (first): :func:`kpikit.whatif.forecast_day` of the day after the sample, the first
  call (compiles what statsforecast compiles on first use);
- forecast / roster / plan: median of ``--runs`` warm calls of ``forecast_day`` (another
  day each run, as a manager picking days), ``roster_for_day`` and ``staffing_plan``;
- app (plan) and app (what-if): a whole ``StaffingApp`` built on the sample, opening on the day
  plan and on the what-if (the baseline: what the page showed first before the plan);
- backtest: the forecast accuracy view's ``forecast_day(model="auto", targets=("volume",))``,
  once (it runs in the background in a kernel).
"""

import argparse
import statistics
import time


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def median(function, runs):
    return statistics.median(timed(function)[0] for _ in range(runs))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    import kpikit as kk
    from kpikit import whatif
    from kpikit.apps import StaffingApp

    data = kk.load_sample()
    rows = []
    rows.append(("import statsforecast", timed(lambda: __import__("statsforecast.models"))[0]))
    seconds, forecast = timed(lambda: whatif.forecast_day(data))
    rows.append(("forecast (first)", seconds))
    days = iter(whatif.plan_days(data, last=args.runs + 1)[::-1][1:])
    rows.append(
        ("forecast (warm)", median(lambda: whatif.forecast_day(data, next(days)), args.runs))
    )
    day = forecast.intervals["period"].iloc[0]
    rows.append(("roster", median(lambda: whatif.roster_for_day(data, day), args.runs)))
    staffed, _ = whatif.roster_for_day(data, day)
    rows.append(
        ("plan", median(lambda: whatif.staffing_plan(forecast, staffed=staffed), args.runs))
    )
    rows.append(("app (plan)", median(lambda: StaffingApp(data, view="plan"), args.runs)))
    rows.append(("app (what-if)", median(lambda: StaffingApp(data, view="whatif"), args.runs)))
    backtest = timed(lambda: whatif.forecast_day(data, model="auto", targets=("volume",)))[0]
    rows.append(("backtest (volume)", backtest))
    for name, seconds in rows:
        print(f"{name:<22} {seconds:8.2f} s")


if __name__ == "__main__":
    main()
