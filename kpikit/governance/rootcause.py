"""Root cause of a breach, computed: which segments made the gap, and was staffing short.

:func:`root_cause` takes one breach (a row of :func:`kpikit.governance.breaches`, or a mapping
with the same keys) and splits its gap over each segment dimension with
:func:`kpikit.governance.decompose.decompose` (contributions add up exactly to the gap, each one
split into mix and performance). Segments are the contact columns (queue, team, channel,
reason) and the calendar (time of day in blocks, weekday); *hot spots* cross the calendar with
one column (queue by default), as in "Tuesday 10:00–12:00 on billing". For queue KPIs (service
level, ASA, abandonment, answer rate) with agent intervals, every interval is also checked
against its Erlang C requirement (:mod:`kpikit.governance.staffing`) and the understaffed ones
get their share of the miss.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from kpikit._frames import pandas_frame
from kpikit._validators import (
    check_choice,
    check_number,
    check_percent,
    check_timestamp,
    is_number,
)
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.governance import words
from kpikit.governance._store import is_action_row
from kpikit.governance.breaches import breach_group, period_end
from kpikit.governance.decompose import DECOMPOSITION_COLUMNS, decomposed, decomposed_columns
from kpikit.governance.staffing import INTERVAL_FREQS, interval_staffing
from kpikit.metrics import FREQUENCIES
from kpikit.metrics._checked_once import checked_once
from kpikit.metrics._sources import scanned
from kpikit.schema import Dataset, as_dataset

__all__ = ["DIMENSIONS", "STAFFING_KPIS", "RootCause", "root_cause"]

DIMENSIONS = ("queue", "team", "channel", "reason", "hours", "weekday", "date")
"""Default segment dimensions: contact columns, then the calendar ("hours": blocks of the day;
"weekday" and "date" for periods longer than a day)."""

TIME_DIMENSIONS = ("hours", "weekday", "date")

_SUMS = ("numerator", "denominator", "baseline_denominator")
"""The sums each split adds up: the period's, and the usual volume of the baseline."""

HOT_SPOT_SHARE = 0.10
"""Hot spots cross the calendar with the hot-spot column when the largest one then holds at
least this share of the miss; otherwise the calendar alone makes the hot spots."""

STAFFING_KPIS = ("service_level", "asa", "abandonment_rate", "answer_rate")
"""KPIs whose misses are checked against the Erlang C staffing requirement."""


@dataclass
class RootCause:
    """What made a breach: contributions by segment, hot spots, staffing and plain words.

    Built by :func:`root_cause`.

    Attributes
    ----------
    kpi : str
    group : dict
        Grouping column -> value of the breach (empty for the whole center; a None value is
        the group of the contacts without a value in that column).
    period, period_end : pandas.Timestamp
        The period in breach, ``[period, period_end)``.
    freq : str
    value, target, gap : float
        The KPI's value, the target missed and ``gap = |value - target|`` (in the KPI's unit).
    segments : pandas.DataFrame
        ``dimension, segment`` then the columns of :func:`~kpikit.governance.decompose.decompose`;
        the contributions of each dimension add up to ``gap``.
    hot_spots : pandas.DataFrame
        The calendar crossed with the hot-spot column: ``when, <column>``, the decomposition
        columns and ``agents_short`` (mean shortfall against Erlang C in those intervals, null
        without staffing); contributions add up to ``gap``.
    staffing : pandas.DataFrame or None
        Per interval: ``interval_start, volume, aht_s, required, staffed, short,
        understaffed, contribution`` (None when not checked: no agent intervals or no live
        contacts, contacts without ``agent_id`` (the findings then say so), or a
        service-level target of 100 %, which no number of agents reaches).
    understaffed_share : float
        Share of the miss made in understaffed intervals (null when not checked).
    findings : list of str
        The top contributors in plain words, largest first.
    """

    kpi: str
    group: dict
    period: pd.Timestamp
    period_end: pd.Timestamp
    freq: str
    value: float
    target: float
    gap: float
    segments: pd.DataFrame
    hot_spots: pd.DataFrame
    staffing: pd.DataFrame | None = None
    understaffed_share: float = float("nan")
    findings: list = field(default_factory=list)

    @property
    def headline(self) -> str:
        """One sentence: KPI, group, period, value, target and gap."""
        return words.headline(self.kpi, self.group, self.period, self.freq, self.value, self.target)

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li>{html.escape(text)}</li>" for text in self.findings)
        return f"<p><strong>{html.escape(self.headline)}</strong></p><ul>{items}</ul>"


def root_cause(
    data,
    breach,
    *,
    dimensions=None,
    hot_spot: str | None = "queue",
    baseline=None,
    block_hours: int = 2,
    interval_s: int = 1800,
    staffing_target_sl: float = 80.0,
    top: int = 3,
    cache: dict | None = None,
    **compute_options,
) -> RootCause:
    """Decompose a breach's gap into the segments that caused it, in numbers and in words.

    For each dimension, the gap between the group's value and the target is split over the
    dimension's segments: ``contribution = σ · wᵢ (rᵢ - T)`` (segment ``i`` with share ``wᵢ`` of
    the volume and value ``rᵢ``; ``σ`` makes contributions to the miss positive), separated into
    **performance** ``σ · bᵢ (rᵢ - T)`` at the segment's usual share ``bᵢ`` and **mix**, the
    rest: more volume than usual where performance is weak. Contributions of one dimension add
    up exactly to the gap (:func:`kpikit.governance.decompose.decompose`).

    Parameters
    ----------
    data : Dataset, dataframe, str or os.PathLike
        The data the breach was found in; parquet files (a path, folder or glob) are read as
        :func:`kpikit.breaches` reads them.
    breach : mapping or pandas.Series
        A row of :func:`kpikit.governance.breaches` or of
        :meth:`kpikit.governance.ActionRegister.actions`, or a mapping with ``kpi``, ``target``,
        ``period`` and ``freq``; every other key not among the breach columns is a grouping
        column and its value (``{"kpi": "service_level", "target": 80, "period": "2026-07-06",
        "freq": "week", "site": "Lakeside"}``). A service-level breach with a ``threshold_s``
        (its target's answer threshold: 80/20 gives 20) is explained at that threshold on every
        channel, as :func:`kpikit.breaches` rated it.
    dimensions : list of str, default=None
        Contact columns and the calendar dimensions ``"hours"`` (blocks of ``block_hours``) and
        ``"weekday"`` and ``"date"`` (a date has no usual share: its contribution is all
        performance); None for those of :data:`DIMENSIONS` the data has. Each name must be a
        calendar dimension or a column of the data; columns the KPI's table lacks are skipped,
        and so are dimensions with a single segment in the period.
    hot_spot : str or None, default="queue"
        The column crossed with the calendar for hot spots (None: the calendar alone); a column
        the KPI's table lacks, or one the breach groups by, gives the calendar alone, and so
        does the default for data without a queue column. When the
        miss is spread so thinly that no crossed cell holds 10 % of it
        (:data:`HOT_SPOT_SHARE`), the calendar alone is used.
    baseline : tuple of two datetime-like, default=None
        Window ``[start, end)`` of the usual volume shares (``start < end``); default: all the
        data of the group. Like the breach's ``period``, a time without a zone is wall time in
        the data's zone, and one with a zone is read in the data's zone.
    block_hours : int, default=2
        Length of the blocks of the day, in hours (a divisor of 24).
    interval_s : {900, 1800, 3600}, default=1800
        Length of the agent intervals.
    staffing_target_sl : float, default=80.0
        Service-level target, in [1, 100), of the Erlang C requirement for abandonment and
        answer-rate breaches (a service-level breach uses its own target, an ASA breach its ASA
        target).
    top : int, default=3
        How many hot spots (and worst days) the findings name, 0 or more.
    cache : dict, default=None
        A dict to keep between calls on the same data and options: the sums behind a KPI are
        then computed once for all its breaches (a monthly review explaining ten misses).
    **compute_options
        Passed to :func:`kpikit.compute`; use the same as for the breaches. A breach's
        ``threshold_s`` sets ``sl_threshold_s`` (another number given is refused).

    Returns
    -------
    RootCause

    Raises
    ------
    ValueError
        A breach without ``kpi``, ``target``, ``period`` or ``freq`` (or with a target that is
        not a finite number, a period that is not a date or not the start of a ``freq`` period,
        an unknown ``freq``), an unknown KPI
        or grouping column, a period without data for the group, a value that meets the
        target (no miss to explain), a ``threshold_s`` that is not a positive number or is
        on a KPI other than service level, an ``sl_threshold_s`` other than the breach's
        ``threshold_s``, a period or ``baseline`` with
        a time zone for data without one, and arguments out of range:
        an unknown or repeated dimension, a ``hot_spot`` that is not a column of the data
        (but ``"queue"``, the default), ``baseline`` that is not two dates, ``interval_s``,
        ``staffing_target_sl``, ``top`` or ``block_hours`` not among their values, an
        ``interval_s`` longer than the breach's period (a ``"15min"`` breach needs 900). A
        :class:`kpikit.SchemaError` for agent intervals compute refuses (empty, negative or
        repeated rows), which the staffing check would otherwise count wrong.
    TypeError
        ``data`` that is not a Dataset, a frame or parquet files, ``breach`` that is not a
        mapping, ``dimensions`` that is not a list of names,
        ``hot_spot`` that is not a name or None, ``top`` or ``staffing_target_sl`` that is not
        a number.

    Examples
    --------
    >>> import kpikit as kk
    >>> contacts = pd.DataFrame({
    ...     "contact_id": range(8), "queue": ["billing"] * 4 + ["tech"] * 4,
    ...     "arrived_at": pd.Timestamp("2026-01-05 10:00"), "answered": True,
    ...     "wait_s": [5.0, 5.0, 5.0, 5.0, 5.0, 60.0, 60.0, 60.0]})
    >>> found = kk.breaches(contacts, pd.DataFrame({"kpi": ["service_level"], "target": [80]}))
    >>> cause = root_cause(contacts, found.iloc[0])   # 5 of 8 in time: 62.5 %, 17.5 short
    >>> cause.segments.query("dimension == 'queue'")[["segment", "contribution"]]
      segment  contribution
    0 billing         -10.0
    1    tech          27.5
    >>> for text in cause.findings:   # tech: -(100 · 1 - 80 · 4) / 8 = 27.5 of a 17.5 gap
    ...     print(text)
    10:00–12:00 on tech: 27.5 points of a 17.5-point miss.
    Queue tech: 27.5 points of a 17.5-point miss (service level 25.0 % on 50 % of contacts;
    weaker performance).
    """
    # a path failed in narwhals ("Unsupported dataframe type, got: <class 'str'>")
    dataset = as_dataset(scanned(data, compute_options))
    kpi_id, target, period, freq, group, threshold_s = _read_breach(breach)
    spec = kpi_definition(kpi_id)
    _check_options(block_hours, interval_s, staffing_target_sl)
    _check_interval(interval_s, freq)
    top = check_number("top", top, minimum=0, integer=True)
    cache = {} if cache is None else cache
    names = _column_names(dataset, cache)
    dimensions = _dimensions(dimensions, names)
    _check_hot_spot(hot_spot, names)
    baseline = _baseline(baseline)
    columns = _columns(names, spec.table)
    if names[spec.table]:  # without the table, compute says the data lacks it
        _check_group(group, columns, spec.table)
    options = _at_breach_threshold(threshold_s, target, compute_options)
    with checked_once(dataset):  # its computes check each table once
        sums = _Sums(dataset, options, cache)
        categorical = _categorical(dimensions, columns, group)
        periods = sums(kpi_id, [*group, *categorical], freq)["period"]
        period = _on_data_clock("breach", period, periods)
        if baseline is not None:
            baseline = tuple(_on_data_clock("baseline", bound, periods) for bound in baseline)
        miss = _Miss(kpi_id, group, period, period_end(period, freq), freq)
        current, usual = _category_sums(sums, miss, categorical, baseline)
        value = _value(current, spec.scale, miss)
        _check_missed(spec.direction, value, target, miss)
        gauge = _Gauge(target, spec.scale, _side(spec.direction, value, target))
        pieces = [_by_dimension(current, usual, dimension, gauge) for dimension in categorical]
        hot_spots, staffing = pd.DataFrame(), None
        unstaffed = _unstaffed(kpi_id, dataset, names)
        if spec.table != "costs":
            hot = hot_spot if hot_spot in columns and hot_spot not in group else None
            # the period's rows and the baseline's, labelled with their weekday and block of the day
            calendars = _interval_sums(sums, miss, hot, interval_s, baseline, block_hours)
            window = calendars[0]
            pieces += [
                _by_dimension(*calendars, d, gauge) for d in TIME_DIMENSIONS if d in dimensions
            ]
            hot_spots = _hot_spots(*calendars, _calendar_cell(freq), hot, gauge)
            if not unstaffed:
                staffing = _staffing(
                    dataset, miss, gauge, window, staffing_target_sl, interval_s, options
                )
            if staffing is not None:
                hot_spots["agents_short"] = _agents_short(hot_spots, staffing, block_hours)
    cause = _cause(miss, value, target, pieces, hot_spots, staffing)
    cause.findings = words.findings(cause, top=top, hot_spot=hot_spot, interval_s=interval_s)
    cause.findings += [unstaffed] if unstaffed else []
    return cause


_SUB_DAY = ("15min", "30min", "hour")


class _Miss(NamedTuple):
    """The group and period in breach of one KPI: what a root cause explains."""

    kpi_id: str
    group: dict
    period: pd.Timestamp
    end: pd.Timestamp
    freq: str


class _Gauge(NamedTuple):
    """What contributions are measured against: the target missed, the KPI's scale and the
    side of the miss (the keywords of :func:`~kpikit.governance.decompose.decompose`)."""

    target: float
    scale: float
    side: str

    def split(self, frame: pd.DataFrame) -> pd.DataFrame:
        """:func:`~kpikit.governance.decompose.decompose` of ``frame`` (sums kpikit made)
        against this gauge."""
        return decomposed(frame, target=self.target, scale=self.scale, side=self.side)

    def split_columns(self, sums: dict) -> tuple[dict, str]:
        """:func:`~kpikit.governance.decompose.decomposed_columns` of the :data:`_SUMS` in
        ``sums`` (a mapping of column names to arrays) against this gauge."""
        return decomposed_columns(
            *(sums[name] for name in _SUMS), target=self.target, scale=self.scale, side=self.side
        )


def _read_breach(breach):
    """``kpi_id, target, period, freq, group, threshold_s`` of a breach row or mapping,
    checked."""
    if isinstance(breach, pd.Series):
        breach = breach.to_dict()
    if not isinstance(breach, Mapping):
        raise TypeError(
            "Value of 'breach' must be a row of kk.breaches() or a mapping but received: "
            f"{type(breach).__name__}"
        )
    missing = [key for key in ("kpi", "target", "period", "freq") if key not in breach]
    if missing:
        raise ValueError(
            f"Value of 'breach' needs the key(s) {missing} (a row of kk.breaches() has them); "
            f"received keys {sorted(breach)}"
        )
    kpi_id = breach["kpi"]
    if kpi_id not in KPI_IDS:
        raise ValueError(
            f"Value of 'breach' has an unknown KPI. Expected one of {list(KPI_IDS)} but received: "
            f"{kpi_id!r}"
        )
    if isinstance(breach["target"], bool) or not is_number(breach["target"]):
        raise ValueError(f"Value of 'breach' needs a finite target; received: {breach['target']!r}")
    freq = breach["freq"]
    if not isinstance(freq, str) or freq not in FREQUENCIES:
        raise ValueError(
            f"Value of 'breach' has an unknown freq. Expected one of {list(FREQUENCIES)} but "
            f"received: {freq!r}"
        )
    try:
        period = check_timestamp("period", breach["period"])
    except (TypeError, ValueError):
        raise ValueError(
            f"Value of 'breach' has a period that is not a date: {breach['period']!r}"
        ) from None
    # a row of ActionRegister.actions() has its group in one dict, beside its action's fields
    group = breach_group(breach["group"] if is_action_row(breach) else breach)
    threshold_s = _threshold_of(breach, kpi_id)
    return kpi_id, float(breach["target"]), period, freq, group, threshold_s


def _threshold_of(breach: Mapping, kpi_id: str) -> float | None:
    """The answer threshold a service-level breach was rated at (its ``threshold_s``), None
    when the breach has none (its target rates the threshold it was computed at).

    >>> _threshold_of({"threshold_s": 20}, "service_level"), _threshold_of({}, "aht")
    (20.0, None)
    >>> _threshold_of({"threshold_s": -5}, "service_level")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'breach' has a threshold_s that is not a positive number of seconds: -5
    """
    seconds = breach.get("threshold_s")
    if pd.api.types.is_scalar(seconds) and pd.isna(seconds):
        return None
    if isinstance(seconds, bool) or not is_number(seconds) or not 0 < seconds < np.inf:
        raise ValueError(
            "Value of 'breach' has a threshold_s that is not a positive number of seconds: "
            f"{seconds!r}"
        )
    if kpi_id != "service_level":
        raise ValueError(
            f"Value of 'breach' has a threshold_s ({seconds!r}) on a breach of {kpi_id}; only a "
            "service-level target is set at an answer threshold"
        )
    return float(seconds)


def _at_breach_threshold(threshold_s, target: float, compute_options: dict) -> dict:
    """``compute_options`` with ``sl_threshold_s`` set to the threshold the breach was rated
    at, so that its service level is the figure that missed (80/20: the share answered
    within 20 s on every channel, not chat's 30 s). A breach rated at a threshold was
    computed at it, whatever per-channel mapping gave it; another number of the caller's
    would explain another figure, and is refused.

    >>> _at_breach_threshold(20.0, 80.0, {"fcr_window": "7D"})
    {'fcr_window': '7D', 'sl_threshold_s': 20.0}
    >>> _at_breach_threshold(None, 80.0, {"sl_threshold_s": 30})
    {'sl_threshold_s': 30}
    """
    if threshold_s is None:
        return dict(compute_options)
    given = compute_options.get("sl_threshold_s")
    if is_number(given) and not isinstance(given, bool) and float(given) != threshold_s:
        raise ValueError(
            f"Value of 'sl_threshold_s' ({given!r} s) differs from the threshold the breach was "
            f"rated at (threshold_s {threshold_s:g} s: {target:g} % answered within "
            f"{threshold_s:g} s); its root cause would explain another figure. Leave "
            "sl_threshold_s out (the breach's threshold is used) or pass "
            f"sl_threshold_s={threshold_s:g}"
        )
    return {**compute_options, "sl_threshold_s": threshold_s}


def _check_options(block_hours, interval_s, staffing_target_sl) -> None:
    """Raise when the block length, interval length or service-level target is out of range."""
    if block_hours not in (1, 2, 3, 4, 6, 8, 12):
        raise ValueError(
            f"Value of 'block_hours' must divide a day into whole hours (1, 2, 3, 4, 6, 8 or 12) "
            f"but received: {block_hours!r}"
        )
    check_choice("interval_s", interval_s, INTERVAL_FREQS, "an interval length in seconds")
    check_percent("staffing_target_sl", staffing_target_sl, low=1, high=100, open=True)


_PERIOD_SECONDS = {freq: seconds for seconds, freq in INTERVAL_FREQS.items()}
"""The length of the periods shorter than a day, in seconds."""


def _check_interval(interval_s: int, freq: str) -> None:
    """Raise when the intervals are longer than the breach's period: none of them would fall
    inside it (a quarter hour from 10:15 holds no half hour), so there would be nothing to
    split and no agents to count.

    >>> _check_interval(1800, "15min")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'interval_s' (1800 s) is longer than the breach's period (freq ...
    >>> _check_interval(900, "15min"), _check_interval(3600, "day")
    (None, None)
    """
    seconds = _PERIOD_SECONDS.get(freq)
    if seconds is not None and interval_s > seconds:
        raise ValueError(
            f"Value of 'interval_s' ({interval_s} s) is longer than the breach's period (freq "
            f"{freq!r}, {seconds} s): no interval falls inside the period; pass "
            f"interval_s={seconds} (with agent intervals of that length) or a breach of a "
            "longer period"
        )


def _dimensions(dimensions, names: dict) -> list:
    """The dimensions asked for: None gives those of :data:`DIMENSIONS` the data has (``names``:
    each table's columns); names that are neither calendar dimensions nor columns raise."""
    known = [*TIME_DIMENSIONS, *sorted(set().union(*names.values()))]
    if dimensions is None:
        return [d for d in DIMENSIONS if d in known]
    if not isinstance(dimensions, list | tuple) or not all(isinstance(d, str) for d in dimensions):
        raise TypeError(
            "Value of 'dimensions' must be a list of column names or calendar dimensions but "
            f"received: {dimensions!r} ({type(dimensions).__name__})"
        )
    for dimension in dimensions:
        check_choice("dimensions", dimension, known, "a calendar dimension or a column")
    repeated = sorted({d for d in dimensions if list(dimensions).count(d) > 1})
    if repeated:
        # compute refused them as 'by' names repeated, with the breach's grouping columns
        raise ValueError(
            f"Value of 'dimensions' names {repeated} more than once, but received: "
            f"{list(dimensions)}; name each dimension once"
        )
    return list(dimensions)


def _check_hot_spot(hot_spot, names: dict) -> None:
    """Raise when ``hot_spot`` is neither None nor a column of the data (``names``: each
    table's columns): a name the data lacks, or not text, gave the calendar alone without a
    word. The default, ``"queue"``, is used when the data has it.

    >>> _check_hot_spot("teem", {"contacts": {"queue", "team"}})
    Traceback (most recent call last):
    ...
    ValueError: Value of 'hot_spot' is not valid. Expected one of ['queue', 'team'] or None ...
    """
    if hot_spot is None or hot_spot == "queue":
        return
    if not isinstance(hot_spot, str):
        raise TypeError(
            f"Value of 'hot_spot' must be a column name or None but received: {hot_spot!r} "
            f"({type(hot_spot).__name__})"
        )
    known = sorted(set().union(*names.values()))
    if hot_spot not in known:
        raise ValueError(
            f"Value of 'hot_spot' is not valid. Expected one of {known} or None (the calendar "
            f"alone) but received: {hot_spot!r}"
        )


def _check_period_start(period: pd.Timestamp, freq: str) -> None:
    """Raise when ``period`` is not the start of a ``freq`` period as :func:`kpikit.compute`
    cuts them (a Wednesday for a week): the breach was reported as "no value in the period",
    though the data had one. Checked only when the period has no rows (a start found in the
    data is one).

    >>> _check_period_start(pd.Timestamp("2026-01-07"), "week")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'breach' has a period that is not the start of a 'week': 2026-01-07 ...
    """
    import narwhals as nw

    from kpikit.metrics._period_starts import period_expr

    frame = nw.from_native(pd.DataFrame({"period": [period]}))
    start = frame.select(period_expr(frame, "period", freq)).to_native()["period"].iloc[0]
    if start != period:
        raise ValueError(
            f"Value of 'breach' has a period that is not the start of a {freq!r}: {period} "
            f"(weeks start on Monday, months on the 1st); that {freq!r} starts at {start}: "
            "pass that start (kk.breaches() gives it)"
        )


def _baseline(baseline):
    """``baseline`` as a ``(start, end)`` pair of timestamps with ``start < end``, or None."""
    if baseline is None:
        return None
    if not isinstance(baseline, list | tuple) or len(baseline) != 2:
        raise ValueError(
            f"Value of 'baseline' must be a (start, end) pair of dates but received: {baseline!r}"
        )
    start, end = (check_timestamp("baseline", bound) for bound in baseline)
    if (start.tz is None) != (end.tz is None):
        raise ValueError(
            "Value of 'baseline' must have a time zone on both dates or on neither but "
            f"received: {baseline!r}"
        )
    if not start < end:
        raise ValueError(
            f"Value of 'baseline' must start before it ends but received: {baseline!r}"
        )
    return start, end


def _on_data_clock(argument: str, stamp: pd.Timestamp, periods: pd.Series) -> pd.Timestamp:
    """``stamp`` on the clock of the data's ``periods``: a time without a zone is wall time in
    the data's zone (as the breach's period of a zoned day is written; the first of a time that
    occurs twice, the next that exists for one the clocks skip), one with a zone is the same
    instant in the data's zone; a time with a zone for data without one raises.

    >>> paris = pd.Series(pd.DatetimeIndex(["2026-03-29"], tz="Europe/Paris"))
    >>> print(_on_data_clock("breach", pd.Timestamp("2026-03-29"), paris))
    2026-03-29 00:00:00+01:00
    """
    if not pd.api.types.is_datetime64_any_dtype(periods):
        return stamp  # no periods at all: nothing to be on the clock of
    zone = getattr(periods.dtype, "tz", None)
    if zone is None and stamp.tz is not None:
        raise ValueError(
            f"Value of {argument!r} has a time in zone {stamp.tz} ({stamp}) but the data's "
            "times have no zone; give it without one"
        )
    if zone is None:
        return stamp
    if stamp.tz is None:
        return stamp.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
    return stamp.tz_convert(zone)


def _column_names(dataset: Dataset, cache: dict) -> dict:
    """Each table's column names (none for a missing table), read once per ``cache`` (reading
    a lazy table's schema costs a narwhals round trip)."""
    import narwhals as nw

    if "column names" not in cache:
        tables = ("contacts", "agent_intervals", "costs")
        frames = {table: getattr(dataset, table) for table in tables}
        cache["column names"] = {
            table: set(nw.from_native(frame).collect_schema().names())
            if frame is not None
            else set()
            for table, frame in frames.items()
        }
    return cache["column names"]


def _columns(names: dict, table: str) -> set:
    """The contact columns a KPI of ``table`` can be split by: those ``table`` has too."""
    if table == "contacts":
        return names["contacts"]
    return names["contacts"] & names[table]


def _check_group(group: Mapping, columns: set, table: str) -> None:
    """Raise when the breach groups by a column that ``columns`` lacks."""
    unknown = [key for key in group if key not in columns]
    if unknown:
        raise ValueError(
            f"Value of 'breach' groups by {unknown}, which the {table} table lacks; "
            f"columns are {sorted(columns)}"
        )


def _categorical(dimensions: list, columns: set, group: Mapping) -> list:
    """The column dimensions to split by: those the KPI's table has, less the grouping ones."""
    return [d for d in dimensions if d not in TIME_DIMENSIONS and d in columns and d not in group]


def _side(direction: str, value: float, target: float) -> str:
    """The side of the target a miss lies on: ``"below"`` or ``"above"``."""
    if direction == "higher":
        return "below"
    if direction == "lower":
        return "above"
    return "below" if value < target else "above"


def _group_positions(frame: pd.DataFrame, keys: list) -> dict:
    """Where each group of ``frame`` by ``keys`` is: its values (None for a missing one) to
    the positions of its rows.

    >>> frame = pd.DataFrame({"site": ["A", None, "A"], "queue": ["x", "y", "x"]})
    >>> _group_positions(frame, ["site", "queue"])
    {('A', 'x'): array([0, 2]), (None, 'y'): array([1])}
    >>> _group_positions(pd.DataFrame({"queue": pd.Categorical(["a", None])}), ["queue"])
    {('a',): array([0]), (None,): array([1])}
    """
    # Numbered with ngroup(), not read from .indices: grouped by one categorical column,
    # pandas leaves the null group out of .indices (dropna=False or not), and the breach of
    # rows without a value there would find no rows.
    codes = frame.groupby(keys, dropna=False, sort=False, observed=True).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.diff(codes[order])) + 1
    columns = [frame[key].array for key in keys]
    found = {}
    for positions in np.split(order, starts) if len(order) else []:
        values = (column[positions[0]] for column in columns)
        found[tuple(None if pd.isna(value) else value for value in values)] = positions
    return found


def _in_window(periods: pd.Series, window) -> np.ndarray:
    """A mask of the periods in ``[start, end)`` (all of them without a window)."""
    if window is None:
        return np.ones(len(periods), dtype=bool)
    start, end = window
    return ((periods >= start) & (periods < end)).to_numpy()


class _Sums:
    """:func:`kpikit.compute` of one KPI by columns and period, kept in a cache with where
    each group's rows are (a monthly review explains hundreds of misses from the same sums)."""

    def __init__(self, dataset, options, cache):
        self.dataset, self.options, self.cache = dataset, options, cache

    def __call__(self, kpi_id, by, freq) -> pd.DataFrame:
        from kpikit.metrics import compute

        key = self._key(kpi_id, by, freq)
        if key not in self.cache:
            self.cache[key] = pandas_frame(
                compute(self.dataset, kpis=[kpi_id], by=by or None, freq=freq, **self.options)
            )
        return self.cache[key]

    def of_group(self, kpi_id, by, freq, group: Mapping, block_hours=None) -> pd.DataFrame:
        """The sums by ``by`` of ``group``'s rows (a None value: the rows without a value
        there), labelled by :func:`_calendar` when ``block_hours`` is given."""
        keys = list(group)
        cached = ("rows", *self._key(kpi_id, by, freq), tuple(keys), block_hours)
        if cached not in self.cache:
            table = self(kpi_id, by, freq)
            if block_hours is not None:
                table = _calendar(table, block_hours)
            self.cache[cached] = table, _group_positions(table, keys) if keys else None
        table, positions = self.cache[cached]
        if positions is None:
            return table
        return table.iloc[positions.get(tuple(group.values()), [])]

    def _key(self, kpi_id, by, freq) -> tuple:
        return kpi_id, tuple(by), freq, repr(sorted(self.options.items()))


def _category_sums(sums, miss: _Miss, categorical, baseline):
    """The group's sums by ``categorical`` columns: in the period, and in the baseline window."""
    rows = sums.of_group(miss.kpi_id, [*miss.group, *categorical], miss.freq, miss.group)
    current = rows[rows["period"] == pd.Timestamp(miss.period)]
    usual = rows[_in_window(rows["period"], baseline)]
    return current, usual


def _value(current: pd.DataFrame, scale: float, miss: _Miss):
    """The KPI's value in the period; raises when the group has no data there, or when the
    period is not the start of one (no rows start there)."""
    if current["denominator"].sum() <= 0:
        _check_period_start(miss.period, miss.freq)
        raise ValueError(
            f"The data has no {miss.kpi_id!r} value for {words.group_text(miss.group)} in the "
            f"period starting {pd.Timestamp(miss.period)}; nothing to explain"
        )
    return scale * current["numerator"].sum() / current["denominator"].sum()


def _check_missed(direction: str, value: float, target: float, miss: _Miss) -> None:
    """Raise when ``value`` meets ``target``: there is no miss to split (its contributions
    would add up to minus the gap, and the findings would call a lead a share of the miss).
    A band KPI's target is the edge beside the value, met only on it."""
    met = {"higher": value >= target, "lower": value <= target}.get(direction, value == target)
    if met:
        text = words.headline(miss.kpi_id, miss.group, miss.period, miss.freq, value, target)
        raise ValueError(
            f"Value of 'breach' names no miss: {text} The target is met; there is nothing "
            "to explain"
        )


def _interval_sums(sums, miss: _Miss, hot, interval_s, baseline, block_hours):
    """The group's sums by agent interval (and ``hot``) with their calendar labels: in the
    period, and in the baseline."""
    by = [*miss.group, *([hot] if hot else [])]
    freq = INTERVAL_FREQS[interval_s]
    rows = sums.of_group(miss.kpi_id, by, freq, miss.group, block_hours)
    window = rows[(rows["period"] >= pd.Timestamp(miss.period)) & (rows["period"] < miss.end)]
    return window, rows[_in_window(rows["period"], baseline)]


def _calendar(rows: pd.DataFrame, block_hours: int) -> pd.DataFrame:
    """Add ``weekday``, ``hours`` (the block of the day) and ``date`` labels to period rows."""
    codes, periods = pd.factorize(rows["period"])
    periods = pd.DatetimeIndex(periods)
    start = periods.hour // block_hours * block_hours
    hours = np.array([f"{h:02d}:00–{h + block_hours:02d}:00" for h in start], dtype=object)
    return rows.assign(
        weekday=np.asarray(periods.day_name(), dtype=object)[codes],
        hours=hours[codes],
        date=np.asarray(periods.strftime("%Y-%m-%d %a"), dtype=object)[codes],
    )


def _calendar_cell(freq: str) -> list:
    """The calendar labels of a hot spot: the block of the day, after the weekday for periods
    longer than a day."""
    return ["weekday", "hours"] if freq not in _SUB_DAY and freq != "day" else ["hours"]


def _summed(current: pd.DataFrame, usual: pd.DataFrame, keys: list) -> dict:
    """``current``'s numerator and denominator summed by the ``keys`` columns, with the usual
    denominator: one row per combination of keys in ``current``, in the keys' order (a missing
    value last), as ``groupby(keys, dropna=False, sort=True)`` gives them but without its cost
    (a monthly review sums thousands of small frames). The columns come as a dict, for the
    caller to build one frame of them and what it adds.

    >>> current = pd.DataFrame({"queue": ["b", None, "b"], "numerator": [1.0, 2.0, 3.0],
    ...                         "denominator": [4.0, 5.0, 6.0]})
    >>> usual = pd.DataFrame({"queue": ["a", "b"], "denominator": [7.0, 8.0]})
    >>> pd.DataFrame(_summed(current, usual, ["queue"]))
      queue  numerator  denominator  baseline_denominator
    0     b        4.0         10.0                   8.0
    1   NaN        2.0          5.0                   0.0
    """
    size = len(current)
    if size == 0:
        return {name: np.array([], dtype=object) for name in [*keys, *_SUMS]}
    codes, labels = [], []
    for key in keys:
        both = pd.concat([current[key], usual[key]], ignore_index=True)
        key_codes, uniques = pd.factorize(both, sort=True, use_na_sentinel=False)
        codes.append(key_codes)
        labels.append(uniques)
    shape = [len(uniques) for uniques in labels]
    combined = np.ravel_multi_index(codes, shape)
    cells, inverse = np.unique(combined, return_inverse=True)
    count = len(cells)

    def total(frame, column, positions):
        weights = frame[column].to_numpy(float)
        return np.bincount(positions, weights=weights, minlength=count)

    in_current = np.bincount(inverse[:size], minlength=count) > 0
    sums = {
        "numerator": total(current, "numerator", inverse[:size]),
        "denominator": total(current, "denominator", inverse[:size]),
        "baseline_denominator": total(usual, "denominator", inverse[size:]),
    }
    cell_codes = np.unravel_index(cells[in_current], shape)
    named = zip(keys, labels, cell_codes, strict=True)
    columns = {key: uniques.take(code) for key, uniques, code in named}
    columns.update({name: values[in_current] for name, values in sums.items()})
    return columns


class _Piece(NamedTuple):
    """One dimension's part of the segments table, as arrays (a root cause puts the pieces of
    all its dimensions in one frame)."""

    dimension: str
    segment: pd.api.extensions.ExtensionArray
    parts: dict
    segment_count: int
    note: str


def _by_dimension(current, usual, dimension, gauge: _Gauge) -> _Piece:
    """The contributions of each segment of ``dimension``, with the dimension's segment count."""
    summed = _summed(current, usual, [dimension])
    parts, note = gauge.split_columns(summed)
    values = pd.Series(summed[dimension], copy=False)
    segment = values.astype(str).where(values.notna(), words.value_text(None)).array
    return _Piece(dimension, segment, parts, int((parts["denominator"] > 0).sum()), note)


def _hot_spots(calendar, usual_calendar, cell, hot, gauge: _Gauge) -> pd.DataFrame:
    """The hot spots: calendar cells crossed with the ``hot`` column, or the cells alone when
    no crossed one holds :data:`HOT_SPOT_SHARE` of the miss."""
    if hot:
        crossed = _by_cell(calendar, usual_calendar, [*cell, hot], gauge)
        if _concentrated(crossed):
            return crossed
    return _by_cell(calendar, usual_calendar, cell, gauge)


def _by_cell(calendar, usual_calendar, cell, gauge: _Gauge) -> pd.DataFrame:
    """The contributions of the cells with volume, largest first."""
    if calendar.empty:
        return pd.DataFrame()
    summed = _summed(calendar, usual_calendar, cell)
    parts, note = gauge.split_columns(summed)
    with_volume = np.flatnonzero(parts["denominator"] > 0)
    # largest first; equal contributions keep the cells' order
    order = with_volume[np.argsort(-parts["contribution"][with_volume], kind="stable")]
    columns = {**{key: summed[key] for key in cell}, **parts}
    cells = pd.DataFrame({name: values.take(order) for name, values in columns.items()})
    if note:
        cells.attrs["note"] = note
    return cells


def _concentrated(hot_spots: pd.DataFrame) -> bool:
    """True when the largest hot spot holds at least :data:`HOT_SPOT_SHARE` of the miss."""
    if hot_spots.empty:
        return False
    return bool(hot_spots["share_of_gap"].iloc[0] >= HOT_SPOT_SHARE)


def _staffing(dataset, miss: _Miss, gauge: _Gauge, window, staffing_target_sl, interval_s, options):
    """Staffing against Erlang C per interval with each one's contribution; None unchecked."""
    if miss.kpi_id not in STAFFING_KPIS or dataset.agent_intervals is None:
        return None
    requirement = _requirement(miss.kpi_id, gauge.target, staffing_target_sl)
    if requirement is None:
        return None
    staffing = interval_staffing(
        dataset,
        group=miss.group,
        start=miss.period,
        end=miss.end,
        interval_s=interval_s,
        **requirement,
        **options,
    )
    if staffing is None:
        return None
    staffing["contribution"] = _interval_contributions(window, gauge, staffing["interval_start"])
    return staffing


def _unstaffed(kpi_id: str, dataset, names: dict) -> str:
    """Why the staffing of a queue KPI's miss cannot be checked although the data has agent
    intervals ("" when it can, or need not be): the contacts lack the ``agent_id`` that says
    which agents served the group (the check read it and failed with a bare KeyError)."""
    if kpi_id not in STAFFING_KPIS or dataset.agent_intervals is None:
        return ""
    if "agent_id" in names["contacts"]:
        return ""
    return (
        "Staffing not checked: the contacts have no agent_id column, which ties the agent "
        "intervals to the agents who served this group; add it to check staffing."
    )


def _requirement(kpi_id: str, target: float, staffing_target_sl: float) -> dict | None:
    """The Erlang C targets a miss is staffed against; None when no agent count tells."""
    if kpi_id == "service_level":
        if not 1 <= target < 100:  # no agent count reaches 100 % in Erlang C; any meets < 1 %
            return None
        return {"target_sl": target}
    if kpi_id == "asa":
        return {"target_sl": None, "target_asa_s": target}
    return {"target_sl": staffing_target_sl}


def _interval_contributions(window, gauge: _Gauge, interval_starts) -> np.ndarray:
    """The contribution of each interval of ``interval_starts`` (0 for one without contacts)."""
    per_interval = window.groupby("period")[["numerator", "denominator"]].sum()
    parts = gauge.split(per_interval.reset_index())
    contribution = parts.set_index("period")["contribution"]
    contribution.index = pd.DatetimeIndex(contribution.index)
    starts = pd.DatetimeIndex(interval_starts).as_unit(contribution.index.unit)
    return contribution.reindex(starts).fillna(0.0).to_numpy()


def _understaffed_share(staffing: pd.DataFrame | None, gap: float) -> float:
    """Share of the miss made in understaffed intervals (NaN unchecked or without a gap)."""
    if staffing is None or not gap > 0:
        return float("nan")
    return float(staffing.loc[staffing["understaffed"], "contribution"].sum() / gap)


def _agents_short(hot_spots: pd.DataFrame, staffing: pd.DataFrame, block_hours: int) -> np.ndarray:
    """Mean agents short of the requirement in each hot spot's weekday and block of the day."""
    calendar = _calendar(staffing.rename(columns={"interval_start": "period"}), block_hours)
    calendar["short"] = calendar["short"].clip(lower=0)
    keys = [key for key in ("weekday", "hours") if key in hot_spots.columns]
    mean_short = calendar.groupby(keys)["short"].mean()
    index = pd.MultiIndex.from_frame(hot_spots[keys]) if len(keys) > 1 else hot_spots[keys[0]]
    return mean_short.reindex(index).to_numpy(float)


def _cause(miss: _Miss, value, target: float, pieces: list, hot_spots, staffing) -> RootCause:
    """The RootCause of ``miss`` from its parts, its findings still to be written."""
    gap = abs(value - target)
    return RootCause(
        kpi=miss.kpi_id,
        group=miss.group,
        period=pd.Timestamp(miss.period),
        period_end=pd.Timestamp(miss.end),
        freq=miss.freq,
        value=float(value),
        target=float(target),
        gap=float(gap),
        segments=_segments(pieces),
        hot_spots=hot_spots,
        staffing=staffing,
        understaffed_share=_understaffed_share(staffing, gap),
    )


def _segments(pieces: list) -> pd.DataFrame:
    """The contributions of every dimension with more than one segment, as one table: labels
    of the text type ``astype(str)`` gives, and the decomposition's note when every dimension
    has it."""
    if not pieces:
        return pd.DataFrame(columns=["dimension", "segment", *DECOMPOSITION_COLUMNS])
    kept = [piece for piece in pieces if piece.segment_count > 1]
    text = pieces[0].segment.dtype
    names = np.array([piece.dimension for piece in kept], dtype=object)
    lengths = [len(piece.segment) for piece in kept]
    segments = pd.DataFrame(
        {
            "dimension": pd.array(np.repeat(names, lengths), dtype=text),
            "segment": pd.array(_joined([piece.segment for piece in kept], object), dtype=text),
            **{
                name: _joined([piece.parts[name] for piece in kept], float)
                for name in DECOMPOSITION_COLUMNS
            },
        }
    )
    notes = {piece.note for piece in pieces}
    if len(notes) == 1 and "" not in notes:
        segments.attrs["note"] = notes.pop()
    return segments


def _joined(arrays: list, dtype) -> np.ndarray:
    """``arrays`` end to end as one NumPy array of ``dtype`` (empty without arrays)."""
    return np.concatenate([np.asarray(array, dtype=dtype) for array in arrays] or [[]]).astype(
        dtype, copy=False
    )
