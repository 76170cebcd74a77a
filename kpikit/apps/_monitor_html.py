"""The intraday monitor's HTML: tiles for the queue and the day to date, the alerts, the style.

Everything shown is escaped or formatted from numbers; colours always come with a mark.

The tiles and the list of alerts change at every refresh (the clock, the counts, the service
level of the current interval), so neither is a live region: a screen reader would read them
again every few seconds (WCAG 4.1.3). What a user must hear, an interval newly below target,
is said once by :func:`announcement_text` in a separate live region.
"""

import html

import pandas as pd

from kpikit.apps._base import format_value
from kpikit.display import RAG_MARKS, RAG_TEXT_COLORS, decimals_apart, signed_text

_SHOWN_ALERTS = 6

LIVE_REGION_CLASS = "kpikit-live-region"
"""The class of a widget whose own element is a polite live region (the template's
accessibility.js gives it the role): the monitor's announcement of intervals newly below target.
Visually hidden by :data:`STYLE`, read by screen readers."""

# Scoped to the monitor's root widget (class kpikit-monitor).
STYLE = """<style>
.kpikit-monitor .kpikit-tiles { display: flex; flex-wrap: wrap; gap: 8px; margin: 4px 0 8px; }
.kpikit-monitor .kpikit-tile { flex: 1 1 120px; border: 1px solid #d9d9d9; border-radius: 6px;
  padding: 4px 10px; min-width: 0; }
.kpikit-monitor .kpikit-tile b { display: block; font-size: 1.35em; }
.kpikit-monitor .kpikit-tile small { color: #555; }
.kpikit-monitor .kpikit-alerts { border-left: 4px solid #D55E00; padding: 2px 10px;
  background: rgba(213, 94, 0, 0.08); margin: 0 0 8px; }
.kpikit-monitor .kpikit-alerts ul { margin: 2px 0; padding-left: 18px; }
.kpikit-monitor .LIVE_REGION { position: absolute; width: 1px; height: 1px;
  margin: -1px; padding: 0; border: 0; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
</style>""".replace("LIVE_REGION", LIVE_REGION_CLASS)


def opening_hours(intervals):
    """The intervals from the first to the last one with contacts or a forecast of one.

    >>> intervals = pd.DataFrame({"volume": [0, 3, 0, 2, 0], "forecast_volume": [0, 2, 1, 0, 0.2]})
    >>> opening_hours(intervals).index.tolist()  # the night before and after is left out
    [1, 2, 3]
    """
    busy = intervals["volume"] > 0
    if "forecast_volume" in intervals:
        busy |= intervals["forecast_volume"].fillna(0) >= 0.5
    if not busy.any():
        return intervals
    rows = busy.to_numpy().nonzero()[0]
    return intervals.iloc[rows[0] : rows[-1] + 1]


def _below_text(level, target):
    """A service level ``level`` below ``target`` (percents) as text: one decimal, or as many
    more as it takes to show it below the target (79.96 % was shown as "80.0 %" beside a
    target of 80 %, in an alert).

    >>> _below_text(72.44, 80), _below_text(79.96, 80), _below_text(79.9996, 80)
    ('72.4 %', '79.96 %', '79.9996 %')
    """
    for digits in range(1, 7):
        text = f"{level:.{digits}f}"
        if float(text) < target:
            return f"{text} %"
    return f"{level!r} %"


def _tile(label, value, note=""):
    note = f"<small>{html.escape(note)}</small>" if note else ""
    return f"<div class='kpikit-tile'><small>{html.escape(label)}</small><b>{value}</b>{note}</div>"


def tiles_html(view, target, threshold_s):
    """The tiles of the day so far (:class:`kpikit.monitor.MonitorView` ``view``): service
    level against ``target`` percent within ``threshold_s`` seconds, or within each channel's
    own threshold when ``threshold_s`` is None."""
    day = view.day
    forecast = day["forecast_volume"]
    versus = ""
    if pd.notna(forecast) and forecast > 0:
        change = signed_text(100 * (day["volume"] / forecast - 1), 0)
        # as many decimals as tell a forecast that differs from the volume apart from it:
        # 10.4 beside 10 contacts read "forecast 10 (-4 %)"
        places = 0 if change == "0" else decimals_apart(forecast, day["volume"], 0)
        versus = f"forecast {forecast:,.{places}f} ({change} %)"
    reforecast = day["reforecast_volume"]
    level = day["service_level"]
    status = "red" if pd.notna(level) and level < target else "green"
    level_text = html.escape(format_value(level, "percent"))
    if status == "red":
        level_text = _below_text(level, target)
    if pd.notna(level):
        level_text = (
            f"<span style='color: {RAG_TEXT_COLORS[status]}'>{RAG_MARKS[status]}</span> "
            f"{level_text}"
        )
    longest = f"longest {view.longest_wait_s:,.0f} s" if view.queue_depth else "nobody waiting"
    within = "each channel's time" if threshold_s is None else f"{threshold_s:g} s"
    tiles = [
        _tile("Now", f"{view.now:%H:%M}", f"{view.now:%a %d %b %Y}"),
        _tile("Queue now", f"{view.queue_depth:,}", longest),
        _tile("Contacts today", f"{day['volume']:,}", versus),
        _tile("Service level today", level_text, f"target {target:g} % in {within}"),
        _tile("ASA today", html.escape(format_value(day["asa"], "seconds"))),
        _tile("Abandoned today", html.escape(format_value(day["abandonment_rate"], "percent"))),
        _tile(
            "Reforecast of the day",
            f"{reforecast:,.0f}" if pd.notna(reforecast) else "–",
            "contacts by the close",
        ),
    ]
    return f"<div class='kpikit-tiles'>{''.join(tiles)}</div>"


def alerts_html(view, target):
    alerts = view.alerts
    if alerts.empty:
        return ""
    length = view.intervals["period"].diff().min()
    rows = alerts.sort_values("period", ascending=False)
    items = [
        f"<li>{row.period:%H:%M}–{row.period + length:%H:%M}: service level "
        f"<b>{_below_text(row.service_level, target)}</b> (target {target:g} %)</li>"
        for row in rows.head(_SHOWN_ALERTS).itertuples()
    ]
    more = len(rows) - _SHOWN_ALERTS
    if more > 0:
        items.append(f"<li>and {more} earlier interval{'s' if more > 1 else ''}</li>")
    heading = (
        f"{RAG_MARKS['red']} {len(rows)} interval{'s' if len(rows) > 1 else ''} below the "
        f"service-level target"
    )
    return f"<div class='kpikit-alerts'><b>{heading}</b><ul>{''.join(items)}</ul></div>"


def announcement_text(new_periods, length, target, alerts_today):
    """What the live region says when intervals fall below target: the new ones, and how many
    there are today; "" when there is no new one.

    Parameters
    ----------
    new_periods : iterable of pandas.Timestamp
        Starts of the intervals newly below target.
    length : pandas.Timedelta
        Length of an interval.
    target : float
        Service-level target, percent.
    alerts_today : int
        Intervals below target today, the new ones included.

    Examples
    --------
    >>> start = pd.Timestamp("2024-03-04 09:30")
    >>> announcement_text([start], pd.Timedelta("30min"), 80.0, 3)
    'Alert: service level below the 80 % target in 09:30–10:00. 3 intervals below target today.'
    >>> announcement_text([], pd.Timedelta("30min"), 80.0, 3)
    ''
    """
    periods = sorted(new_periods)
    if not periods:
        return ""
    spans = ", ".join(f"{start:%H:%M}–{start + length:%H:%M}" for start in periods)
    today = f"{alerts_today} interval{'s' if alerts_today != 1 else ''} below target today"
    return f"Alert: service level below the {target:g} % target in {spans}. {today}."
