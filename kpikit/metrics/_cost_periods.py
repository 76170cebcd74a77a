"""How long the periods of the costs table are, and which periods cost per contact can use.

A cost row is booked on the start of the period it covers (``period_start``): finance's cost
of June is one row on 1 June. Cut by week, that cost would fall whole on the week of 1 June,
at four times the month's cost per contact, and the other weeks of June would have none.
Cost per contact is therefore given only by periods the costs' own periods fit into exactly
(days into weeks or months, months into quarters, ...).

The length is read from the dates: the longest of day, week, month, quarter and year whose
periods start on every ``period_start`` of a channel. One date alone is read as a month at most
(a single cost on 1 January is more likely January's than the year's).
"""

import narwhals as nw

from kpikit._checks import column_dtype
from kpikit.metrics._inputs import time_zone
from kpikit.metrics._period_starts import period_expr

LENGTHS = ("day", "week", "month", "quarter", "year")

FITS = {
    "day": ("day", "week", "month", "quarter", "year"),
    "week": ("week",),
    "month": ("month", "quarter", "year"),
    "quarter": ("quarter", "year"),
    "year": ("year",),
}
"""The periods (``freq``) that a period of each length fits into a whole number of times."""

_ORDER = {length: rank for rank, length in enumerate(LENGTHS)}


def cost_period_lengths(costs) -> dict:
    """The length of the cost periods of each channel (None for a table without channels).

    A channel whose dates fit none of the lengths (a time of day, a null date) is left out:
    nothing is claimed about it. Rows without a channel are under None too.

    >>> import pandas as pd
    >>> costs = pd.DataFrame({
    ...     "period_start": pd.to_datetime(["2026-06-01", "2026-07-01", "2026-06-01",
    ...                                     "2026-06-08", "2026-01-01"]),
    ...     "channel": ["phone", "phone", "chat", "chat", "email"],
    ...     "cost": [100.0, 90.0, 20.0, 25.0, 5.0]})
    >>> cost_period_lengths(costs)  # 1 June 2026 is a Monday; email: one date, a month at most
    {'chat': 'week', 'email': 'month', 'phone': 'month'}
    """
    frame = nw.from_native(costs)
    dtype = column_dtype(frame, "period_start")
    if not (dtype == nw.Date or dtype == nw.Datetime):
        return {}  # the checks of the table report it
    keys = ["channel"] if "channel" in frame.collect_schema().names() else []
    start = nw.col("period_start").cast(nw.Datetime("us", time_zone(frame, "period_start")))
    flags = frame.select(
        *keys,
        "period_start",
        *(
            (start == period_expr(frame, "period_start", length)).cast(nw.Int8).alias(length)
            for length in LENGTHS
        ),
    )
    aggregates = [nw.col(length).min() for length in LENGTHS]
    aggregates.append(nw.col("period_start").n_unique().alias("dates"))
    if keys:
        summary = flags.group_by(*keys, drop_null_keys=False).agg(*aggregates)
    else:
        summary = flags.select(*aggregates).with_columns(channel=nw.lit(None, nw.String))
    if isinstance(summary, nw.LazyFrame):
        summary = summary.collect()
    lengths = {}
    for row in summary.sort("channel", nulls_last=True).iter_rows(named=True):
        channel = row["channel"] if isinstance(row["channel"], str) else None  # NaN on pandas
        fitting = [length for length in LENGTHS if row[length] == 1]
        if not fitting:
            continue
        longest = fitting[-1]
        if row["dates"] == 1 and _ORDER[longest] > _ORDER["month"]:
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
    cannot be split into weeks: it would all fall on its first week. Use freq='month',
    'quarter' or 'year' (or none), or give the costs per week
    """
    if freq is None:
        return None
    lengths = cost_period_lengths(costs)
    for channel, length in lengths.items():
        if freq in FITS[length]:
            continue
        whose = "every period_start"
        if len(set(lengths.values())) > 1:
            whose += " without a channel" if channel is None else f" of {channel!r}"
        if _ORDER.get(freq, -1) < _ORDER[length]:
            problem = (
                f"a {length}'s cost cannot be split into {_plural(freq)}: it would all fall "
                f"on its first {freq}"
            )
        else:
            problem = (
                f"{_plural(length)} do not fit into {_plural(freq)}: the cost of a {length} "
                f"across two {_plural(freq)} would all count in the first"
            )
        allowed = " or ".join(", ".join(repr(f) for f in FITS[length]).rsplit(", ", 1))
        remedy = f"Use freq={allowed} (or none)"
        if freq in LENGTHS:
            remedy += f", or give the costs per {freq}"
        return (
            f"the costs are given per {length} ({whose} starts a {length}), and {problem}. {remedy}"
        )
    return None


def unfit_lengths(costs, freq) -> list[str]:
    """The lengths of the cost periods that ``freq`` does not fit, shortest first (for a note).

    >>> import pandas as pd
    >>> monthly = pd.DataFrame({"period_start": pd.to_datetime(["2026-06-01"]), "cost": [9.0]})
    >>> unfit_lengths(monthly, "week"), unfit_lengths(monthly, "quarter")
    (['month'], [])
    """
    if freq is None:
        return []
    unfit = {length for length in cost_period_lengths(costs).values() if freq not in FITS[length]}
    return sorted(unfit, key=_ORDER.get)


def _plural(freq: str) -> str:
    """>>> _plural("day"), _plural("30min"), _plural("hour")
    ('days', 'periods of 30min', 'hours')
    """
    return f"periods of {freq}" if freq.endswith("min") else f"{freq}s"
