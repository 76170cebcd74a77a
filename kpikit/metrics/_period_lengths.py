"""Which periods the KPIs of the costs and of the agent intervals can be cut into.

Both tables give a row for a stretch of time, named by its start: a cost row is booked on the
start of the period it covers (finance's cost of June is one row on 1 June), and an agent
interval row covers the half hour (or quarter hour, hour, day) from ``interval_start``. Cut by
shorter periods, a row falls whole on the first of them: by week, June's cost fell on the week
of 1 June, at four times the month's cost per contact, and the other weeks of June had none;
by 15 minutes, a half hour's handling and available time fell on its first quarter hour, and
the second had none. Their KPIs are therefore given only by periods the rows fit into.

- **Costs** carry no length: it is read from their dates, the longest of day, week, month,
  quarter and year whose periods start on every ``period_start`` of a channel. One date alone
  is read as a month at most (a single cost on 1 January is more likely January's than the
  year's). Cost per contact is given by periods those fit into whole (days into anything,
  months into months, quarters and years; weeks into weeks only).
- **Agent intervals** prove a length at least: no row can hold more seconds (scheduled, paid,
  adherent, or handling and available together) than it lasts. A period of ``freq`` shorter
  than the longest row is refused; nothing is assumed from the starts, which a small table may
  have all on the hour.
"""

import narwhals as nw

from kpikit._checks import column_dtype
from kpikit.metrics._inputs import time_zone
from kpikit.metrics._period_starts import period_expr

LENGTHS = ("15min", "30min", "hour", "day", "week", "month", "quarter", "year")
_ORDER = {length: rank for rank, length in enumerate(LENGTHS)}

FITS = {
    **{length: LENGTHS[_ORDER[length] :] for length in ("15min", "30min", "hour", "day")},
    "week": ("week",),
    "month": ("month", "quarter", "year"),
    "quarter": ("quarter", "year"),
    "year": ("year",),
}
"""The periods (``freq``) that a row of each length fits into a whole number of times."""

COST_LENGTHS = ("day", "week", "month", "quarter", "year")
_HOUR, _DAY = 3600, 86_400
_MOST_SECONDS = {
    "15min": 900,
    "30min": 1800,
    "hour": _HOUR,
    "day": _DAY + _HOUR,  # the autumn change's day lasts 25 hours
    "week": 7 * _DAY + _HOUR,
    "month": 31 * _DAY + _HOUR,
    "quarter": 92 * _DAY + _HOUR,
    "year": 366 * _DAY + _HOUR,
}
"""The most seconds a period of each length can last (across a clock change): an agent
interval row holding more is longer than the period (a week's totals by day)."""


def cost_period_lengths(costs) -> dict:
    """The length of the cost periods of each channel (the key None for a table without
    channels, and for the rows without a channel).

    A channel whose dates fit none of the lengths has the length None when it has one time a
    day (a day or longer, started at a time of day on the contacts' clock: costs of each
    month written at midnight UTC, 02:00 in Paris), and is left out when several of its
    times fall on one day (hourly costs): nothing can be claimed about it.

    >>> import pandas as pd
    >>> costs = pd.DataFrame({
    ...     "period_start": pd.to_datetime(["2026-06-01", "2026-07-01", "2026-06-01",
    ...                                     "2026-06-08", "2026-01-01"]),
    ...     "channel": ["phone", "phone", "chat", "chat", "email"],
    ...     "cost": [100.0, 90.0, 20.0, 25.0, 5.0]})
    >>> cost_period_lengths(costs)  # 1 June 2026 is a Monday; email: one date, a month at most
    {'chat': 'week', 'email': 'month', 'phone': 'month'}
    """
    keys = ["channel"] if "channel" in nw.from_native(costs).collect_schema().names() else []
    lengths = {}
    for channel, (longest, starts) in _longest(costs, "period_start", COST_LENGTHS, keys).items():
        if longest is not None and starts == 1 and _ORDER[longest] > _ORDER["month"]:
            longest = "month"
        lengths[channel] = longest
    return lengths


def unfit_costs(costs, freq) -> str | None:
    """Why cost per contact cannot be given by periods of ``freq`` (None when it can).

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"period_start": pd.to_datetime(["2026-06-01", "2026-07-01"]),
    ...                         "cost": [100.0, 90.0]})
    >>> unfit_costs(monthly, "month") is None, unfit_costs(monthly, None) is None
    (True, True)
    >>> print(unfit_costs(monthly, "week"))  # doctest: +NORMALIZE_WHITESPACE
    the costs are given per month (every period_start starts a month), and a month's cost
    cannot be split into weeks: it would all fall on the first of them. Use freq='month',
    'quarter' or 'year' (or none), or give the costs per week
    """
    if freq is None:
        return None
    lengths = cost_period_lengths(costs)
    for channel, length in lengths.items():
        if length is not None and freq in FITS[length]:
            continue
        whose = "every period_start"
        if len(set(lengths.values())) > 1:
            whose += " without a channel" if channel is None else f" of {channel!r}"
        if length is None:
            return (
                f"the costs' period_start{whose.removeprefix('every period_start')} holds "
                f"times of day on the contacts' clock (such as {_time_of_day(costs)}), while "
                "a cost is booked on the first day of the day, week, month, quarter or year "
                f"it covers: by {_plural(freq)} each cost would fall whole in the one holding "
                "that time. Give period_start as dates, midnight on the contacts' clock "
                "(midnight UTC is 02:00 in Paris in summer), or no freq"
            )
        remedy = f"or give the costs per {freq}" if freq in COST_LENGTHS else ""
        subject = f"{_one(length)}'s cost"
        return (
            f"the costs are given per {length} ({whose} starts {_one(length)}), and "
            f"{_problem(subject, length, freq)}. {_use(length, remedy)}"
        )
    return None


def unfit_intervals(intervals, freq) -> str | None:
    """Why the agent-interval KPIs cannot be given by periods of ``freq`` (None when they can).

    >>> import pandas as pd
    >>> halves = pd.DataFrame({"interval_start": pd.to_datetime(["2026-06-01 08:00"]),
    ...                        "paid_s": [1800.0], "handling_s": [900.0], "available_s": [600.0]})
    >>> unfit_intervals(halves, "30min") is None, unfit_intervals(halves, None) is None
    (True, True)
    >>> print(unfit_intervals(halves, "15min"))  # doctest: +NORMALIZE_WHITESPACE
    the agent intervals last longer than periods of 15min (a row holds 1,800 s), and the time
    of an interval cannot be split into periods of 15min: it would all fall on the first of
    them. Use freq='30min' or longer (or none), or give intervals of 15min
    """
    if freq is None:
        return None
    longest = _longest_row_s(intervals)
    if longest is None or longest <= _MOST_SECONDS[freq]:
        return None
    fitting = next((f for f, seconds in _MOST_SECONDS.items() if seconds >= longest), "year")
    return (
        f"the agent intervals last longer than {_plural(freq)} (a row holds {longest:,.0f} s), "
        f"and {_problem('the time of an interval', fitting, freq)}. "
        f"{_use(fitting, f'or give intervals of {freq}')}"
    )


def _longest_row_s(intervals) -> float | None:
    """The most seconds one agent-interval row holds (None without such columns or rows)."""
    frame = nw.from_native(intervals)
    names = set(frame.collect_schema().names())
    seconds = [
        nw.col(n).fill_null(0) for n in ("scheduled_s", "paid_s", "adherent_s") if n in names
    ]
    worked = [nw.col(n).fill_null(0) for n in ("handling_s", "available_s") if n in names]
    if worked:
        seconds.append(nw.sum_horizontal(*worked))
    if not seconds:
        return None
    # One column alone: Spark's greatest() takes two or more.
    longest = seconds[0] if len(seconds) == 1 else nw.max_horizontal(*seconds)
    most = frame.select(longest.cast(nw.Float64).max().alias("most"))
    if isinstance(most, nw.LazyFrame):
        most = most.collect()
    value = most["most"][0]
    return None if value is None or value != value else float(value)


def unfit_lengths(costs, freq) -> list[str]:
    """The lengths of the cost periods that ``freq`` does not fit, shortest first (for a note).

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"period_start": pd.to_datetime(["2026-06-01"]), "cost": [9.0]})
    >>> unfit_lengths(monthly, "week"), unfit_lengths(monthly, "quarter")
    (['month'], [])
    """
    if freq is None:
        return []
    lengths = cost_period_lengths(costs).values()
    unfit = sorted({n for n in lengths if n is not None and freq not in FITS[n]}, key=_ORDER.get)
    # a start at a time of day fits no period (unfit_costs says why)
    return unfit + ["period starting at a time of day"] * (None in lengths)


def _longest(native, time_column: str, candidates, keys) -> dict:
    """Per value of ``keys`` (None without keys): the longest of ``candidates`` whose periods
    start on every time of ``time_column`` (None when none does), and how many distinct times
    there are. Keys whose times fit none but fall several on one day (hourly rows) are left
    out: nothing can be claimed about them. A column that holds no times gives nothing."""
    frame = nw.from_native(native)
    dtype = column_dtype(frame, time_column)
    if not (dtype == nw.Date or dtype == nw.Datetime):
        return {}  # the checks of the table report it
    start = nw.col(time_column).cast(nw.Datetime("us", time_zone(frame, time_column)))
    flags = frame.select(
        *keys,
        time_column,
        period_expr(frame, time_column, "day").alias("_kk_day"),
        *(
            (start == period_expr(frame, time_column, length)).cast(nw.Int8).alias(length)
            for length in candidates
        ),
    )
    aggregates = [nw.col(length).min() for length in candidates]
    aggregates.append(nw.col(time_column).n_unique().alias("_kk_starts"))
    aggregates.append(nw.col("_kk_day").n_unique().alias("_kk_days"))
    if keys:
        summary = flags.group_by(*keys, drop_null_keys=False).agg(*aggregates)
    else:
        summary = flags.select(*aggregates).with_columns(_kk_key=nw.lit(None, nw.String))
        keys = ["_kk_key"]
    if isinstance(summary, nw.LazyFrame):
        summary = summary.collect()
    found = {}
    for row in summary.sort(keys[0], nulls_last=True).iter_rows(named=True):
        key = row[keys[0]] if isinstance(row[keys[0]], str) else None  # NaN on pandas
        fitting = [length for length in candidates if row[length] == 1]
        if fitting or row["_kk_days"] == row["_kk_starts"]:  # one time a day: a day or longer
            found[key] = fitting[-1] if fitting else None, row["_kk_starts"]
    return found


def _time_of_day(costs) -> str:
    """The first ``period_start`` of ``costs`` that is no midnight, as text."""
    frame = nw.from_native(costs)
    start = nw.col("period_start")
    late = frame.filter(start != start.dt.truncate("1d")).select(start.min())
    if isinstance(late, nw.LazyFrame):
        late = late.collect()
    return str(late["period_start"][0])


def _problem(subject: str, length: str, freq: str) -> str:
    """Why rows of ``length`` (``subject``: what one of them holds) do not fit ``freq``."""
    if _ORDER[freq] < _ORDER[length]:
        return (
            f"{subject} cannot be split into {_plural(freq)}: it would all fall on the first "
            "of them"
        )
    return (
        f"{_plural(length)} do not fit into {_plural(freq)}: {subject} across two "
        f"{_plural(freq)} would all count in the first"
    )


def _use(length: str, remedy: str) -> str:
    fitting = FITS[length]
    if len(fitting) > 3:
        allowed = f"{fitting[0]!r} or longer"
    else:
        allowed = " or ".join(", ".join(repr(f) for f in fitting).rsplit(", ", 1))
    return f"Use freq={allowed} (or none)" + (f", {remedy}" if remedy else "")


def _one(length: str) -> str:
    """>>> _one("month"), _one("30min"), _one("hour")
    ('a month', 'a period of 30min', 'an hour')
    """
    if length.endswith("min"):
        return f"a period of {length}"
    return f"an {length}" if length == "hour" else f"a {length}"


def _plural(freq: str) -> str:
    """>>> _plural("day"), _plural("30min"), _plural("hour")
    ('days', 'periods of 30min', 'hours')
    """
    return f"periods of {freq}" if freq.endswith("min") else f"{freq}s"
