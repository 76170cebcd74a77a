"""The day plan and forecast accuracy of the staffing dashboard: caches and what they show.

:class:`DayPlanner` holds one dataset's forecasts, rosters and backtests, each computed once
per day and interval length (the numbers come from :mod:`kpikit.whatif`'s day plan and
:mod:`kpikit.forecast`). Inside a kernel they run in a worker thread and the view says they are on
their way (the first forecast imports statsforecast, seconds; a backtest takes tens of
seconds), so the page is never held up.
The functions below turn the results into the HTML the dashboard shows.
"""

import asyncio
import functools
import html
import math

import pandas as pd

from kpikit import whatif
from kpikit.apps._background import Prefetch
from kpikit.apps._background import kernel_loop as _kernel_loop
from kpikit.apps._base import scroll_box
from kpikit.display import (
    decimals_apart,
    format_value,
    is_number,
    signed_text,
    unbroken_figures,
)
from kpikit.forecast._models import ETS_LONGEST_SEASON, seasonless
from kpikit.forecast._series import seasons, step
from kpikit.io import Sheet
from kpikit.plots._engine import clock_changes, level_text

__all__ = [
    "NEXT_DAY",
    "VIEWS",
    "DayPlanner",
    "backtest_html",
    "backtest_notes",
    "backtest_sheet",
    "day_options",
    "plan_sheet",
    "plan_summary_html",
]

VIEWS = {"plan": "Day plan", "whatif": "What-if", "backtest": "Forecast accuracy"}
"""What the staffing dashboard shows, picked with its ``view``."""

NEXT_DAY = "next"
"""Value of ``day`` for the day after the data."""

MODEL_LABELS = {
    "seasonal_naive": "Seasonal naive (baseline)",
    "historic_average": "Historic average (baseline)",
    "seasonal_average": "Seasonal average, 4 weeks",
    "auto_ets": "AutoETS",
    "mstl": "MSTL",
}
LEAD_LABELS = {
    "intraday": "Rest of the day",
    "next_day": "Next day",
    "next_week": "2 to 7 days",
    "next_month": "8 to 35 days",
}
_CELL = "padding: 3px 6px; border-bottom: 1px solid #e5e5e5; white-space: nowrap"
_NAME_CELL = f"{_CELL}; text-align: left"
_DAYS_OFFERED = 14


class DayPlanner:
    """A dataset's day plans and backtests, each computed once per day and interval length.

    The day's inputs (its forecast and roster) take about a second, more when statsforecast
    is imported for the first time; the backtest about half a minute on the sample. Inside a
    running event loop (a kernel) both run in a worker thread, so the page is not held up;
    elsewhere (plain Python, tests), or with ``background=False``, they run at once.

    Parameters
    ----------
    data : Dataset
    channel : str or None
        The channel planned (None: every contact).
    background : bool, default=True
        Compute in a worker thread when an event loop runs (False for a static report,
        which is written as soon as the notebook has run).
    """

    def __init__(self, data, channel, *, background=True):
        self.data = data
        self.channel = channel
        self.background = background
        self._days = whatif.plan_days(data, channel=channel, last=_DAYS_OFFERED)
        self._results = {}
        self._running = {}
        self._ahead = Prefetch(enabled=None if background else False)

    @property
    def next_day(self) -> pd.Timestamp:
        """The day after the data."""
        return self._days[-1]

    def day(self, value: str) -> pd.Timestamp:
        """The day a ``day`` value stands for (``"next"`` or ``YYYY-MM-DD``)."""
        return self.next_day if value == NEXT_DAY else pd.Timestamp(value)

    def days(self) -> list[pd.Timestamp]:
        """The days offered, the day after the data first, then the data's last days."""
        return self._days[::-1]

    def inputs(self, day, freq):
        """``(forecast, (staffed, source))`` of a day (:func:`kpikit.whatif.forecast_day`,
        :func:`kpikit.whatif.roster_for_day`), the error that stopped them, or None while they
        are computed (see :meth:`start_inputs`)."""
        key = ("inputs", day, freq)
        if key not in self._results and self._ahead.finished(key):
            self._results[key] = self._ahead.take(key)
        return self._results.get(key)

    def start_inputs(self, day, freq, done) -> None:
        """Compute a day's inputs unless known or under way; ``done()`` when they are known."""
        self._start(("inputs", day, freq), self._inputs_job(day, freq), done)

    def inputs_ahead(self, freq) -> None:
        """In a kernel, compute the inputs of every day offered, one at a time while the page
        is idle (:class:`kpikit.apps._background.Prefetch`), so that choosing a day draws it at
        once."""
        for day in self.days():
            key = ("inputs", day, freq)
            if key not in self._results and key not in self._running and key not in self._ahead:
                self._ahead.submit(key, functools.partial(_outcome, self._inputs_job(day, freq)))

    def touch(self) -> None:
        """The page is handling a change: work ahead waits until it is idle again."""
        self._ahead.touch()

    def cancel(self) -> None:
        """Drop the work ahead (the planner is replaced: the data changed)."""
        self._ahead.cancel()

    def _inputs_job(self, day, freq):
        def job():
            forecast = whatif.forecast_day(self.data, day, channel=self.channel, freq=freq)
            roster = whatif.roster_for_day(self.data, day, channel=self.channel, freq=freq)
            return forecast, roster

        return job

    def backtest(self, day, freq):
        """The backtest of the volume forecast before ``day``: a Forecast, an error, or None
        while it is computed (see :meth:`start_backtest`)."""
        return self._results.get(("backtest", day, freq))

    def start_backtest(self, day, freq, done) -> None:
        """Compute the backtest unless known or under way; ``done()`` when it is known."""

        def job():
            return whatif.forecast_day(
                self.data, day, channel=self.channel, freq=freq, model="auto", targets=("volume",)
            )

        self._start(("backtest", day, freq), job, done)

    def _start(self, key, job, done) -> None:
        if key in self._results or key in self._running:
            return
        loop = _kernel_loop() if self.background else None
        if loop is None:
            self._results[key] = _outcome(job)
            done()
            return
        ahead = self._ahead.claim(key)  # computed ahead, or under way: not done twice
        if ahead is not None:
            future = asyncio.wrap_future(ahead, loop=loop)
        else:
            future = loop.run_in_executor(None, _outcome, job)
        self._running[key] = future

        def finished(_future):  # on the loop's thread, where widgets may be changed
            self._running.pop(key, None)
            self._results[key] = _future.result()
            done()

        future.add_done_callback(finished)


def _outcome(job):
    # The result, or the error to show in its place (a plan or backtest that cannot be made
    # must leave the page usable and say why).
    try:
        return job()
    except Exception as error:
        return error


def day_options(planner: DayPlanner) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of the day dropdown: the next day, then the data's days."""
    options = []
    for day in planner.days():
        if day == planner.next_day:
            options.append((f"{day:%a %d %b %Y} (next day)", NEXT_DAY))
        else:
            options.append((f"{day:%a %d %b %Y}", f"{day:%Y-%m-%d}"))
    return options


def plan_summary_html(plan, totals, *, day, source, model, target_sl, threshold_s) -> str:
    """The day plan in one paragraph: contacts, peak, shortfall and the day's service level.

    The peak is said in whole agents and in the agents that reach the targets, the chart's
    "required" line, which the shortfall is measured against (as the chart's short marks).
    A day without contacts says so, and no peak. The day's service level takes the decimals
    that keep it apart from ``target_sl`` (79.96, not "80.0" beside "1 interval below
    target"), as the chart's hover does.
    """
    staffed = f" <small>Staffed: {html.escape(source)}.</small>"
    if not totals["intervals"]:  # a closed day: its "peak" would be its first interval
        return (
            f"<p><b>{day:%a %d %b %Y}</b>: no contacts forecast "
            f"({html.escape(MODEL_LABELS.get(model, model))}, learned before that day): "
            f"no agents needed.{staffed}</p>"
        )
    peak = totals["peak_period"]
    parts = [
        f"<b>{day:%a %d %b %Y}</b>: {totals['contacts']:,.0f} contacts forecast "
        f"({html.escape(MODEL_LABELS.get(model, model))}, learned before that day). "
        f"<b>{totals['peak_required']} agents</b> needed on the phones at the peak"
        + (
            f" ({peak:%H:%M}: {_fraction_text(_reaching_at(plan, peak))} rounded up)"
            if peak is not None
            else ""
        )
        + f" for {target_sl:g} % answered within {threshold_s:g} s."
    ]
    if totals["short_intervals"]:
        parts.append(
            f" The roster is <b>short in {totals['short_intervals']} of "
            f"{totals['intervals']} intervals</b>, below the agents that reach the targets (the "
            f"chart's required line; {_hours_short(totals['short_agent_hours'])} agent hours on "
            "the phones)"
        )
    else:
        parts.append(f" The roster covers all {totals['intervals']} intervals")
    reached = totals["service_level"]
    reached = (
        f"{level_text(reached, target_sl, 1)} %"
        if is_number(reached)
        else format_value(reached, "percent")
    )
    below = totals["below_target"]
    parts.append(
        f"; with it the day reaches a service level of <b>{reached}</b>"
        + (f", {below} interval{'s' if below != 1 else ''} below target." if below else ".")
    )
    parts.append(staffed)
    return "<p>" + unbroken_figures("".join(parts)) + "</p>"


def _hours_short(hours: float) -> str:
    """Agent hours short, with the decimals (1 or more) that keep a shortfall from reading as
    none: 0.04 agents short for half an hour are "0.02", not "0.0" beside "short in 1 interval".

    >>> _hours_short(0.02), _hours_short(1.5), _hours_short(0.0)
    ('0.02', '1.5', '0.0')
    """
    return f"{hours:.{decimals_apart(hours, 0.0, 1)}f}"


def _fraction_text(agents: float) -> str:
    """Agents reaching the targets, with the decimals (1 to 3) that keep a fraction above a
    whole number apart from it: 13.02 agents rounded up are 14, and "13.0 rounded up" read as
    13; past 3 decimals, "just over 13".

    >>> _fraction_text(9.53), _fraction_text(13.02), _fraction_text(13.0004), _fraction_text(12.0)
    ('9.5', '13.02', 'just over 13', '12.0')
    """
    whole = math.floor(agents)
    for places in (1, 2, 3):
        text = f"{agents:.{places}f}"
        if agents == whole or float(text) > whole:
            return text
    return f"just over {whole}"


def _reaching_at(plan, period) -> float:
    """The agents that reach the targets in the interval starting at ``period``."""
    return float(plan.loc[plan["period"] == period, "fractional_required"].iloc[0])


def plan_sheet(plan) -> Sheet:
    """The plan's intervals with contacts or agents, as a workbook sheet.

    An interval is its start's date and wall time; on the day the clocks go back the
    repeated ones carry their UTC offset as the chart's labels do
    (:func:`kpikit.plots._engine.clock_changes`), or 02:00 would be there twice.

    >>> starts = pd.Series(pd.date_range("2026-10-25 00:00", periods=4, freq="h", tz="UTC"))
    >>> plan = pd.DataFrame({"period": starts.dt.tz_convert("Europe/Paris"), "volume": 10.0,
    ...     "aht_s": 180.0, "required": 2, "fractional_required": 1.5, "staffed": 2.0,
    ...     "gap": 0.5, "service_level": 90.0, "asa": 5.0})
    >>> plan_sheet(plan).table["Interval"].tolist()
    ['2026-10-25 02:00+02:00', '2026-10-25 02:00+01:00', '2026-10-25 03:00', '2026-10-25 04:00']
    """
    active = plan[(plan["volume"] > 0) | (plan["staffed"] > 0)]
    repeated, _ = clock_changes(active["period"])  # the wall times the day has twice
    table = pd.DataFrame(
        {
            "Interval": repeated.where(
                repeated != "", active["period"].dt.strftime("%Y-%m-%d %H:%M")
            ),
            "Contacts (forecast)": active["volume"],
            "AHT (s)": active["aht_s"],
            "Agents required": active["required"],
            "Agents reaching the targets": active["fractional_required"],
            "Agents staffed": active["staffed"],
            "Gap to the agents reaching the targets": active["gap"],
            "Service level (%)": active["service_level"],
            "ASA (s)": active["asa"],
        }
    )
    decimals = {name: 1 for name in table.columns[1:]}
    decimals.update({"AHT (s)": 0, "Agents required": 0, "ASA (s)": 0})
    return Sheet("Day plan", table.reset_index(drop=True), decimals=decimals, frozen_columns=1)


def backtest_sheet(result) -> Sheet:
    """The backtest of a ``model="auto"`` forecast as a workbook sheet."""
    table = result.backtest
    frame = pd.DataFrame(
        {
            "Lead": table["lead"].map(LEAD_LABELS),
            "Model": table["model"].map(MODEL_LABELS).fillna(table["model"]),
            "WAPE (%)": table["wape"],
            "MASE": table["mase"],
            "Bias (%)": table["bias"],
            "Gain over seasonal naive (%)": table["gain_pct"],
            "Best of the lead": table["best"],
            "Baseline": table["baseline"],
            "Picked": table["chosen"],
        }
    )
    decimals = {"WAPE (%)": 1, "MASE": 2, "Bias (%)": 1, "Gain over seasonal naive (%)": 1}
    return Sheet("Forecast accuracy", frame, decimals=decimals, frozen_columns=2)


def backtest_html(result, *, plan_model) -> str:
    """The backtest of the volume forecast as an HTML table, with where a baseline wins.

    ``result`` is a :class:`kpikit.forecast.Forecast` from ``model="auto"``, an error, or None
    while it is computed. One block of rows per lead, the seasonal naive reference first;
    the lowest WAPE of each lead is marked ★, the day plan's model "plan".
    """
    if result is None:
        return (
            "<p role='status'><b>Scoring the forecast models at past days…</b> Each model "
            "forecasts from several past origins and is compared with what happened; this "
            "takes about half a minute on the sample. The other views stay usable.</p>"
        )
    if isinstance(result, Exception):
        return f"<p role='alert'>No backtest: {html.escape(str(result))}</p>"
    table = result.backtest
    order = {name: position for position, name in enumerate(MODEL_LABELS)}
    rows = []
    for lead, part in table.groupby("lead", sort=False):
        rows.append(
            f"<tr><th scope='colgroup' colspan='5' "
            f"style='{_CELL}; text-align: left; padding-top: 8px'>"
            f"{html.escape(LEAD_LABELS.get(lead, lead))}</th></tr>"
        )
        part = part.sort_values("model", key=lambda names: names.map(order), kind="stable")
        for row in part.itertuples(index=False):
            marks = (" ★" if row.best else "") + (" (plan)" if row.model == plan_model else "")
            cells = [
                html.escape(MODEL_LABELS.get(row.model, row.model) + marks),
                _number(row.wape, "{:.1f} %".format),
                _number(row.mase, "{:.2f}".format),
                _number(row.bias, lambda bias: f"{signed_text(bias)} %"),
                "reference"
                if row.model == "seasonal_naive"
                else _number(row.gain_pct, lambda gain: f"{signed_text(gain, 0)} %"),
            ]
            rows.append(
                f"<tr style='{'font-weight: bold' if row.best else ''}'>"
                + "".join(
                    f"<td style='{_NAME_CELL if i == 0 else _CELL + '; text-align: right'}'>"
                    f"{cell}</td>"
                    for i, cell in enumerate(cells)
                )
                + "</tr>"
            )
    header = "".join(
        f"<th scope='col' style='{_CELL}; text-align: {'left' if i == 0 else 'right'}'>{text}</th>"
        for i, text in enumerate(["Model", "WAPE", "MASE", "Bias", "Gain"])
    )
    origins = int(table["origins"].max()) if len(table) else 0
    notes = "".join(
        f"<li>{html.escape(note)}</li>"
        for note in backtest_notes(table, plan_model, freq=result.freq)
    )
    return (
        "<div class='kpikit-backtest'>"
        f"<p><b>How well each model forecast contacts offered</b>, from {origins} past days "
        "(★ lowest WAPE of the lead)</p>"
        + scroll_box(
            "<table class='kpikit-table' style='border-collapse: collapse'>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
            580,
        )
        + f"<ul style='margin: 6px 0; padding-left: 20px'>{notes}</ul>"
        "<p><small>WAPE: absolute errors over actual contacts; MASE: errors over the usual "
        "week-on-week change (below 1 beats repeating last week); bias: above 0 forecasts too "
        "many; gain: how much lower the WAPE is than the seasonal naive baseline's.</small></p>"
        "</div>"
    )


def backtest_notes(table, plan_model, freq=None) -> list[str]:
    """Sentences on the backtest: the model picked, every lead where a baseline wins or the
    plan's model does no better than seasonal naive, and (``freq`` given) the models of the
    table that forecast its intervals with no season.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"model": ["seasonal_naive", "auto_ets"], "lead": "next_day",
    ...     "chosen": [True, False], "best": [True, False], "baseline": [True, False],
    ...     "wape": [12.0, 140.0], "gain_pct": [0.0, -1000.0]})
    >>> backtest_notes(table, "seasonal_naive", freq="30min")[-1]  # doctest: +NORMALIZE_WHITESPACE
    'AutoETS forecasts every interval of 30 minutes with no daily pattern (AutoETS fits
     seasons of at most 24 intervals and a day holds 48): it misses the shape of the day, hence
     its large errors.'
    """

    def label(model, default=None):
        return MODEL_LABELS.get(model, default or model).removesuffix(" (baseline)")

    chosen = table.loc[table["chosen"], "model"]
    picked = chosen.iloc[0] if len(chosen) else None
    notes = [
        f"The backtest picks {label(picked, str(picked))} (lowest WAPE next day); the day plan "
        f"uses {label(plan_model, plan_model)}."
    ]
    for lead, part in table.groupby("lead", sort=False):
        best = part[part["best"]]
        when = LEAD_LABELS.get(lead, lead)
        if len(best) and best["baseline"].iloc[0]:
            versus = part[part["model"] == picked]
            notes.append(
                f"{when}: the baseline {label(best['model'].iloc[0])} forecast best (WAPE "
                f"{best['wape'].iloc[0]:.1f} %"
                + (
                    f", against {versus['wape'].iloc[0]:.1f} % for {label(picked)}, the model "
                    "picked)."
                    if len(versus) and picked != best["model"].iloc[0]
                    else ")."
                )
            )
        plan = part[part["model"] == plan_model]
        if plan_model != "seasonal_naive" and len(plan) and not plan["gain_pct"].iloc[0] > 0:
            notes.append(
                f"{when}: the day plan's model does no better than seasonal naive "
                f"(gain {signed_text(plan['gain_pct'].iloc[0], 0)} %)."
            )
    if len(notes) == 1:
        notes.append("No baseline beats the model picked at any lead.")
    if freq is not None:
        notes += _seasonless_note(set(table["model"]), freq)
    return notes


def _seasonless_note(models, freq) -> list[str]:
    """The sentence on the models of ``models`` that forecast ``freq`` intervals with no
    season (none when there are none, or at a day's intervals, which have no daily pattern)."""
    per_day, _ = seasons(freq)
    flat = [name for name in seasonless(freq) if name in models]
    if per_day == 1 or not flat:
        return []
    reasons = {
        "historic_average": "the historic average is one mean for every interval",
        "auto_ets": f"AutoETS fits seasons of at most {ETS_LONGEST_SEASON} intervals and a day "
        f"holds {per_day}",
    }
    names = " and ".join(MODEL_LABELS[name].removesuffix(" (baseline)") for name in flat)
    length = step(freq)
    interval = "an hour" if length == pd.Timedelta("1h") else f"{length.seconds // 60} minutes"
    one = len(flat) == 1
    return [
        f"{names} forecast{'s' if one else ''} every interval of {interval} with no daily "
        f"pattern ({'; '.join(reasons[name] for name in flat)}): "
        f"{'it misses' if one else 'they miss'} the shape of the day, hence "
        f"{'its' if one else 'their'} large errors."
    ]


def _number(value, shown) -> str:
    return "–" if value is None or not math.isfinite(value) else shown(value)
