"""Breaches: every KPI, group and period on the wrong side of its target, with the governance
clock that starts when the period closes and how long the group has been in breach.

The rating is the scorecard's (:func:`kpikit.scorecard.scorecard`: the same targets, tolerance,
ramp and SLA credits), so a breach is exactly a scorecard row that is not green.
"""

import math
from collections.abc import Mapping
from urllib.parse import quote

import numpy as np
import pandas as pd

from kpikit._validators import check_choice, check_flag, check_timestamp, group_names
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.metrics._checked_once import checked_once
from kpikit.metrics._sources import scanned
from kpikit.periods import _stepped, check_freq, period_end
from kpikit.schema import as_dataset

__all__ = [
    "BREACH_COLUMNS",
    "breach_group",
    "PERSISTENCE_DAYS",
    "PLAN_DAYS",
    "ROOT_CAUSE_HOURS",
    "breach_id",
    "breaches",
    "deadlines",
    "period_end",
]

ROOT_CAUSE_HOURS = 48
"""A root-cause analysis is due this many hours after the period in breach closes (on the wall
clock of the data's zone, see :func:`deadlines`)."""

PLAN_DAYS = 7
"""An improvement plan is due this many days after the period in breach closes (on the wall
clock of the data's zone, see :func:`deadlines`)."""

PERSISTENCE_DAYS = (60, 90)
"""Days in breach at which underperformance is flagged as persistent (the provider's fit is in
question when 60–90 days of remediation bring no improvement)."""

BREACH_COLUMNS = (
    "period",
    "period_end",
    "kpi",
    "name",
    "unit",
    "better",
    "status",
    "value",
    "target",
    "tolerance",
    "threshold_s",
    "gap",
    "shortfall",
    "contacts",
    "numerator",
    "denominator",
    "credit",
    "ramped",
    "root_cause_due",
    "plan_due",
    "periods_in_breach",
    "breach_since",
    "days_in_breach",
    "persistent",
    "freq",
    "breach_id",
)
"""Columns of :func:`breaches` after the grouping columns."""

# KPIs whose numerator counts contacts (or survey responses, first contacts): their shortfall
# is a number of contacts.
_COUNT_KPIS = tuple(
    kpi_id
    for kpi_id in KPI_IDS
    if kpi_definition(kpi_id).table == "contacts" and kpi_definition(kpi_id).interval == "wilson"
)


def breaches(
    data,
    targets,
    by=None,
    freq: str = "day",
    *,
    include_amber: bool = True,
    ramp=None,
    credits=None,
    channel: str = "all",
    **compute_options,
) -> pd.DataFrame:
    """Every KPI, group and period below target, with its governance clock.

    The data are rated like a scorecard (:func:`kpikit.scorecard`, same targets, tolerance,
    ramp and credits); a *breach* is a rated row that is not green: ``"red"`` (missed beyond
    the tolerance) and, with ``include_amber``, ``"amber"`` (below target, within tolerance).

    Governance clock: the period closes at ``period_end``; the root-cause analysis is due
    :data:`ROOT_CAUSE_HOURS` (48) hours later and the improvement plan :data:`PLAN_DAYS` (7)
    days later, both on the wall clock of the data's zone (see :func:`deadlines`): a
    daylight-saving change in between does not move a deadline off the hour.

    Provisional FCR: a period whose FCR repeat window reaches past the last arrival of the
    log is judged only on the first contacts that already came back, so its FCR is too low
    until the window closes (:func:`kpikit.provisional.provisional_fcr`). Such rows are not
    reported as breaches; ``found.attrs["provisional"]`` lists them (grouping columns,
    ``period, kpi, value, status, provisional_until``: what they would rate so far and when
    they become final) and ``found.attrs["note"]`` says so in a sentence.

    Persistent underperformance: for each KPI and group, ``periods_in_breach`` counts the
    consecutive periods in breach up to this one, ``breach_since`` is the start of the first of
    them and ``days_in_breach = period_end - breach_since`` in days. ``persistent`` is 90 when
    ``days_in_breach >= 90``, 60 when it is at least 60, else 0, whatever ``freq``: two months
    in breach make 59 to 62 days (January and February, or February and March outside a leap
    year, make 59: not yet flagged), nine weeks 63 days. A period without data (no contacts)
    neither breaks nor extends a run.

    Parameters
    ----------
    data : Dataset, dataframe, str or os.PathLike
        As for :func:`kpikit.compute` (a parquet file, folder or glob is read once, by
        :func:`kpikit.metrics.scan_parquet`, in the zone of ``tz``); a ``site`` column
        (provider or site) lets ``by="site"`` compare several providers on one set of targets.
    targets : str, path or DataFrame
        See :func:`kpikit.scorecard.read_targets`.
    by : str or list of str, default=None
        Grouping columns (``"site"``, ``["site", "queue"]``, ``"team"``...); None for the
        whole center.
    freq : {"15min", "30min", "hour", "day", "week", "month", "quarter", "year"}, default="day"
        Period length; the governance clock starts at the end of each period.
    include_amber : bool, default=True
        Also list amber rows (below target but within the tolerance).
    ramp : kpikit.scorecard.Ramp, default=None
        Eased targets for new groups (see :func:`kpikit.scorecard.scorecard`).
    credits : mapping, default=None
        SLA credits ``{kpi: (bonus, penalty)}``; ``credit`` is then ``-penalty`` for a red
        breach and 0 for an amber one.
    channel : str, default="all"
        Benchmark channel when ``targets`` is a sector name.
    **compute_options
        Passed to :func:`kpikit.compute` (``sl_threshold_s``, ``fcr_window``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per breach, sorted by period, group and KPI: the grouping columns, then
        :data:`BREACH_COLUMNS`. ``target`` is the edge that was missed (for a band KPI, the
        band edge on the side of the value); ``threshold_s`` the answer threshold in seconds a
        service-level target is set at (80/20: 20; the value is then the share answered within
        it, whatever the channel), null for other KPIs and for targets set without one;
        ``gap = |value - target|`` in the KPI's unit, so always positive; ``shortfall`` is,
        for KPIs counting contacts (service level, abandonment, FCR, CSAT, ...), how many more
        contacts the target needed
        (``|target/100 · denominator - numerator|``, null for the others); ``contacts`` is the
        number of contacts offered in the group and period (0 when it had none); ``breach_id``
        a stable text key (see :func:`breach_id`). ``attrs`` carries the FCR rows held back as
        provisional (``"provisional"``, a list of records, empty when none), the target KPIs
        the data cannot give (``"unavailable"``, ``{kpi: reason}``: cost per contact by site, a
        KPI whose table or columns the data lacks; these are not checked) and, when there are
        provisional periods or unavailable KPIs, a ``"note"`` saying so.

    Raises
    ------
    ValueError
        An unknown ``freq``, no target KPI the data can give, and everything
        :func:`kpikit.scorecard` and :func:`kpikit.compute` raise (options and grouping
        columns are checked by them, whatever the KPI).
    TypeError
        ``by`` that is not a column name or a list of them, ``ramp`` that is not a Ramp,
        ``include_amber`` that is not a bool.

    See Also
    --------
    kpikit.governance.root_cause : what caused a breach.
    kpikit.governance.ActionRegister : who does what about it.

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3, 4], "site": ["north", "north", "south", "south"],
    ...     "arrived_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:05",
    ...                                   "2026-01-05 09:07", "2026-01-06 10:00"]),
    ...     "answered": [True, True, False, True], "wait_s": [5.0, 30.0, 50.0, 4.0]})
    >>> targets = pd.DataFrame({"kpi": ["service_level"], "target": [80], "tolerance": [10]})
    >>> found = breaches(contacts, targets, by="site")   # north 1 of 2, south 0 of 1 on day 1
    >>> found[["site", "period", "value", "gap", "shortfall", "status"]]
        site     period  value   gap  shortfall status
    0  north 2026-01-05   50.0  30.0        0.6    red
    1  south 2026-01-05    0.0  80.0        0.8    red
    >>> print(found.loc[0, "root_cause_due"], found.loc[0, "plan_due"])   # day ends Jan 6
    2026-01-08 00:00:00 2026-01-13 00:00:00
    """
    from kpikit._scorecard.threshold import at_target_threshold, computed_thresholds
    from kpikit.provisional import provisional_in
    from kpikit.scorecard import CARD_COLUMNS, check_ramp, rate, read_targets

    check_freq(freq)
    check_flag("include_amber", include_amber)
    group_names(by, tuple(dict.fromkeys([*CARD_COLUMNS, *BREACH_COLUMNS])))
    check_ramp(ramp)
    targets = read_targets(targets, channel=channel)
    options = compute_options.get("options")
    compute_options = at_target_threshold(targets, options, compute_options)
    data = scanned(data, compute_options)  # a path read as compute reads it, once
    with checked_once(as_dataset(data)):  # the computes below check each table once
        rated, unavailable = _computable(data, targets["kpi"].tolist(), by, freq, compute_options)
        provisional = provisional_in(rated, data, freq, compute_options)
        card = rate(  # freq: read from the periods, a ramp misjudged a team's first week
            rated,
            targets,
            sl_threshold_s=computed_thresholds(data, targets, by, options, compute_options),
            freq=freq,
            previous=False,
            ramp=ramp,
            credits=credits,
            provisional=provisional,
        )
        keys = list(card.by)
        in_breach = ("red", "amber") if include_amber else ("red",)
        found, held_back = _breach_rows(_with_runs(card.table, keys, freq, in_breach), in_breach)
        found = _with_contacts(found, data, by, keys, freq, compute_options)
    found = _with_gap(found)
    found = _with_clock(found, freq)
    found = _with_ids(found, keys, freq)
    found = _breach_table(found, keys)
    found = _note_held_back(found, held_back, provisional, keys, freq)
    return _note_unavailable(found, unavailable)


def _breach_rows(table: pd.DataFrame, in_breach) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows in breach: those to report, and the provisional FCR rows held back."""
    found = table[table["status"].isin(in_breach)].copy()
    held_back = found[found["provisional_until"].notna()]
    return found[found["provisional_until"].isna()], held_back


def _with_contacts(found: pd.DataFrame, data, by, keys, freq, options) -> pd.DataFrame:
    """``found`` with ``contacts``: the contacts offered in its group and period, short
    abandons included; 0 in a period without contacts (an occupancy breach on a day of agent
    intervals alone), which compute lists no row for."""
    from kpikit._frames import pandas_frame
    from kpikit.metrics import compute

    offered = compute(
        data, kpis=["answer_rate"], by=by, freq=freq, **{**options, "short_abandon_s": 0}
    )
    offered = pandas_frame(offered)[[*keys, "period", "denominator"]]
    found = found.merge(
        offered.rename(columns={"denominator": "contacts"}), on=[*keys, "period"], how="left"
    )
    found["contacts"] = found["contacts"].fillna(0.0)
    return found


def _with_gap(found: pd.DataFrame) -> pd.DataFrame:
    """``found`` with the ``target`` missed, the ``gap`` to it and the ``shortfall``."""
    found["target"] = _missed_edge(found)
    found["gap"] = (found["value"] - found["target"]).abs()
    found["shortfall"] = _shortfall(found)
    return found


def _with_clock(found: pd.DataFrame, freq: str) -> pd.DataFrame:
    """``found`` with its governance clock: period end, due dates and days in breach."""
    found["period_end"] = period_end(found["period"], freq)
    found["root_cause_due"], found["plan_due"] = deadlines(found["period_end"])
    found["days_in_breach"] = _calendar_days(found["breach_since"], found["period_end"])
    found["persistent"] = _persistence(found["days_in_breach"])
    return found


def deadlines(end):
    """When the root cause and the plan of a breach are due: :data:`ROOT_CAUSE_HOURS` hours and
    :data:`PLAN_DAYS` days after ``end``, where a period closes (a timestamp, or a Series of them).

    Both are stepped on the wall clock of ``end``'s zone, as periods of a day and longer
    are (:func:`kpikit.periods.period_end`): a period closing at midnight the day before Paris
    springs forward has its root cause due at midnight two days later, 47 elapsed hours. A
    deadline in the hour the clocks skip moves forward to the first time that exists; one in
    the hour they repeat is the first of the two. A Series must hold datetimes (TypeError).

    Examples
    --------
    >>> root_cause, plan = deadlines(pd.Timestamp("2026-03-29", tz="Europe/Paris"))
    >>> print(root_cause, plan)
    2026-03-31 00:00:00+02:00 2026-04-05 00:00:00+02:00
    >>> print(*deadlines(pd.Timestamp("2026-03-22 02:30", tz="Europe/Paris")))  # gap on the 29th
    2026-03-24 02:30:00+01:00 2026-03-29 03:00:00+02:00
    """
    steps = (pd.DateOffset(hours=ROOT_CAUSE_HOURS), pd.DateOffset(days=PLAN_DAYS))
    if isinstance(end, pd.Series):
        if not pd.api.types.is_datetime64_any_dtype(end):
            # numbers were read as nanoseconds since 1970 and given back as numbers
            raise TypeError(
                f"Value of 'period_end' must be a Series of datetimes but received one of "
                f"dtype {end.dtype}; convert it first (pd.to_datetime)"
            )
        ends = pd.DatetimeIndex(end)
        return tuple(
            pd.Series(_due(ends, step), index=end.index).astype(end.dtype) for step in steps
        )
    ends = pd.DatetimeIndex([check_timestamp("period_end", end)])
    return tuple(_due(ends, step)[0] for step in steps)


def _due(ends: pd.DatetimeIndex, step) -> pd.DatetimeIndex:
    """``ends`` moved by ``step``; raises naming the latest period end when a deadline falls
    past the last time pandas holds.

    >>> _due(pd.DatetimeIndex(["2262-04-10"]).as_unit("ns"), pd.DateOffset(days=PLAN_DAYS))
    Traceback (most recent call last):
    ...
    ValueError: The period ending 2262-04-10 00:00:00 has its root cause and plan due after the
    last time pandas holds (2262-04-11 23:47:16.854775807)
    """
    try:
        return _stepped(ends, step)
    except ValueError:  # _stepped names the latest end as a period's start
        raise ValueError(
            f"The period ending {ends[np.nanargmax(ends.asi8)]} has its root cause and plan due "
            f"after the last time pandas holds ({pd.Timestamp.max})"
        ) from None


def _with_ids(found: pd.DataFrame, keys: list, freq: str) -> pd.DataFrame:
    """``found`` with its ``freq`` and each row's :func:`breach_id`."""
    found["freq"] = freq
    groups = zip(*(found[key] for key in keys), strict=True) if keys else [()] * len(found)
    found["breach_id"] = [
        breach_id(kpi_id, freq, period, dict(zip(keys, group, strict=True)))
        for kpi_id, period, group in zip(found["kpi"], found["period"], groups, strict=True)
    ]
    return found


def _breach_table(found: pd.DataFrame, keys: list) -> pd.DataFrame:
    """The breaches sorted by period, group and KPI: grouping columns, then BREACH_COLUMNS."""
    found = found.sort_values(["period", *keys, "kpi"], kind="stable")
    return found[[*keys, *BREACH_COLUMNS]].reset_index(drop=True)


_NOT_GROUP_KEYS = frozenset(BREACH_COLUMNS) | {"band_low", "band_high", "area", "weight", "score"}


def breach_group(breach) -> dict:
    """The grouping columns of a breach and their values: every key of the row that is not a
    breach column. A null value (None, NaN, NaT, NA) is kept as None: the group of the rows
    that have no value in that column, as :func:`kpikit.compute` groups them.

    >>> breach_group({"kpi": "fcr", "period": "2026-07-01", "site": "Harbor", "team": None})
    {'site': 'Harbor', 'team': None}
    """
    if not isinstance(breach, Mapping | pd.Series):
        raise TypeError(
            "Value of 'breach' must be a row of kk.breaches() or a mapping but received: "
            f"{breach!r} ({type(breach).__name__})"
        )
    return {key: _group_value(value) for key, value in breach.items() if key not in _NOT_GROUP_KEYS}


def _group_value(value):
    """A group value as a plain Python value; None for a null one."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


class HeldBack(list):
    """The FCR rows held back as provisional, as records: a list that the frames pandas
    derives from a breaches table share rather than copy.

    pandas deep-copies ``attrs`` into every frame and row it derives (``found[mask]``, each row
    of ``iterrows``): with 3,000 rows held back, iterating over 2,000 breaches took 10 s, and a
    weekly report of 500 sites two minutes; shared, 0.03 s.

    >>> import copy
    >>> held = HeldBack([{"kpi": "fcr"}])
    >>> copy.deepcopy(held) is held, held == [{"kpi": "fcr"}]
    (True, True)
    """

    def __deepcopy__(self, memo):
        return self


def _note_held_back(found: pd.DataFrame, held_back, provisional, keys, freq) -> pd.DataFrame:
    """``found`` with the provisional FCR rows held back and a note in its ``attrs``."""
    from kpikit.provisional import provisional_note

    columns = [*keys, "period", "kpi", "value", "status", "provisional_until"]
    found.attrs["provisional"] = HeldBack(held_back[columns].to_dict("records"))
    note = provisional_note(provisional, freq)
    if note:
        found.attrs["note"] = (
            f"{note} {len(held_back)} FCR {'row' if len(held_back) == 1 else 'rows'} below "
            "target there are not reported as breaches."
        )
    return found


def _note_unavailable(found: pd.DataFrame, unavailable: dict) -> pd.DataFrame:
    """``found`` with the target KPIs the data cannot give in its ``attrs``: ``"unavailable"``
    (``{kpi: reason}``, empty when none) and a sentence in ``"note"``."""
    found.attrs["unavailable"] = dict(unavailable)
    if unavailable:
        reasons = "; ".join(
            f"{kpi_definition(kpi_id).name}: {reason}" for kpi_id, reason in unavailable.items()
        )
        sentence = f"Not checked, the data cannot give them ({reasons})."
        found.attrs["note"] = " ".join(filter(None, [found.attrs.get("note"), sentence]))
    return found


def _computable(data, kpi_ids, by, freq, options) -> tuple[pd.DataFrame, dict]:
    """:func:`kpikit.compute` of the KPIs the data and grouping allow, one call per table the
    KPIs come from, and ``{kpi: reason}`` for those they do not (cost per contact by site, a
    table or column the data lacks). Any other error (a bad option, an unknown grouping column)
    is the caller's and propagates."""
    from kpikit._frames import pandas_frame
    from kpikit.metrics import KPIUnavailable, compute

    frames, unavailable = [], {}
    for table in ("contacts", "agent_intervals", "costs"):
        wanted = [kpi_id for kpi_id in kpi_ids if kpi_definition(kpi_id).table == table]
        while wanted:
            try:
                frames.append(pandas_frame(compute(data, kpis=wanted, by=by, freq=freq, **options)))
                break
            except KPIUnavailable as error:
                unavailable[error.kpi_id] = error.reason
                wanted.remove(error.kpi_id)
    if not frames:
        raise ValueError(
            f"None of the target KPIs can be computed from this data and grouping: {unavailable}"
        )
    return pd.concat(frames, ignore_index=True), unavailable


def breach_id(kpi_id: str, freq: str, period, group) -> str:
    """Stable text key of a breach: KPI, period length, period start and group.

    Group values are percent-encoded, so no value can be mistaken for a separator. A null
    value (the group without a value in that column) is the column's name alone, without
    ``=``, so it cannot be mistaken for a value either (not even the text ``"None"``). The
    period is its wall time; the second of two periods that start at the same wall time (the
    hour repeated when the clocks fall back) has its UTC offset too, so that each has its own
    id. An unknown KPI or ``freq`` raises a ValueError (the register refuses such a breach).

    Examples
    --------
    >>> breach_id("service_level", "day", pd.Timestamp("2026-07-08"), {"site": "Lake/side"})
    'service_level/day/2026-07-08T00:00/site=Lake%2Fside'
    >>> breach_id("service_level", "day", "2026-07-08", {"site": None, "queue": "None"})
    'service_level/day/2026-07-08T00:00/site/queue=None'
    >>> night = pd.Timestamp("2026-10-25 00:00", tz="UTC").tz_convert("Europe/Paris")
    >>> [breach_id("asa", "hour", night + pd.Timedelta(hours=h), {}) for h in (0, 1)]
    ['asa/hour/2026-10-25T02:00', 'asa/hour/2026-10-25T02:00+01:00']
    """
    if not isinstance(group, Mapping):
        raise TypeError(
            "Value of 'group' must be a mapping of grouping columns to values but received: "
            f"{group!r} ({type(group).__name__})"
        )
    check_choice("kpi_id", kpi_id, KPI_IDS, "a KPI id")  # None failed in str.join
    check_freq(freq)
    parts = [kpi_id, freq, _period_text(check_timestamp("period", period))]
    parts += [_group_part(key, _group_value(value)) for key, value in group.items()]
    return "/".join(parts)


def _period_text(stamp: pd.Timestamp) -> str:
    """``stamp``'s wall time to the minute, with its UTC offset when it is the second of two
    times the clocks repeat."""
    if stamp.tz is not None:
        first = stamp.tz_localize(None).tz_localize(stamp.tz, ambiguous=True)
        if first != stamp:
            return stamp.isoformat(timespec="minutes")
    return f"{stamp:%Y-%m-%dT%H:%M}"


def _group_part(key, value) -> str:
    """``key=value`` percent-encoded, or the key alone for a null value."""
    name = quote(str(key), safe="")
    return name if value is None else f"{name}={quote(str(value), safe='')}"


def _with_runs(table: pd.DataFrame, keys: list, freq: str, in_breach) -> pd.DataFrame:
    """Add ``periods_in_breach`` and ``breach_since`` (the start of the current run)."""
    table = table.sort_values([*keys, "kpi", "period"], kind="stable").copy()
    counts = np.zeros(len(table), dtype=np.int64)
    first_of_run = np.full(len(table), -1, dtype=np.int64)  # position of the run's first period
    statuses = table["status"].to_numpy()
    # observed=True: only the groups present are numbered (pandas warns without it)
    group_of = (
        table.groupby([*keys, "kpi"], sort=False, dropna=False, observed=True).ngroup().to_numpy()
    )
    run, start, current = 0, -1, -1
    for position, (group, status) in enumerate(zip(group_of, statuses, strict=True)):
        if group != current:
            run, start, current = 0, -1, group
        if status in in_breach:
            if run == 0:
                start = position
            run += 1
        elif status != "no data":
            run, start = 0, -1
        counts[position] = run
        first_of_run[position] = start
    table["periods_in_breach"] = counts
    # take() keeps the periods' dtype, time zone included; -1 (no run) gives NaT
    table["breach_since"] = table["period"].array.take(first_of_run, allow_fill=True)
    return table.sort_index()


def _calendar_days(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole days from ``start`` to ``end`` on the wall clock (a 23-hour day still counts)."""
    if getattr(start.dtype, "tz", None) is not None:
        start, end = start.dt.tz_localize(None), end.dt.tz_localize(None)
    return (end - start).dt.days


def _missed_edge(found: pd.DataFrame) -> np.ndarray:
    """The target that was missed: the target, or for band KPIs the edge beside the value."""
    band = found["better"].eq("band").to_numpy()
    below_band = found["value"].to_numpy(float) < found["band_low"].to_numpy(float)
    edge = np.where(below_band, found["band_low"], found["band_high"])
    return np.where(band, edge, found["target"]).astype(float)


def _shortfall(found: pd.DataFrame) -> np.ndarray:
    """Contacts short of the target for KPIs counting contacts; NaN for the others."""
    counts = found["kpi"].isin(_COUNT_KPIS).to_numpy()
    needed = found["target"].to_numpy(float) / 100 * found["denominator"].to_numpy(float)
    return np.where(counts, np.abs(needed - found["numerator"].to_numpy(float)), math.nan)


def _persistence(days: pd.Series) -> np.ndarray:
    """The persistence flag of each number of days in breach: 90, 60 or 0."""
    low, high = PERSISTENCE_DAYS
    values = days.to_numpy(float)
    return np.select([values >= high, values >= low], [high, low], default=0).astype(np.int64)
