"""Balanced scorecard: targets, red/amber/green status, area and composite scores, trends,
ramp targets for new teams, SLA credits, sector priorities and presets.

The module is callable: ``kk.scorecard(data, targets)`` is :func:`scorecard`, and
``kk.scorecard.rate``, ``kk.scorecard.preset_targets`` and the rest are its tools.

:func:`scorecard` computes the KPIs with :func:`kpikit.compute` and hands the tidy result to
:func:`rate`, a pure function of a KPI frame and a targets table, so the rating rules can be
used (and tested) on any frame shaped like ``compute`` output.

Status rules (``t`` target, ``tol`` tolerance, ``v`` value):

=========== =========================== ===================================== ===========
better      green (met)                 amber (within tolerance)              red
=========== =========================== ===================================== ===========
higher      ``v >= t``                  ``t - tol <= v < t``                  otherwise
lower       ``v <= t``                  ``t < v <= t + tol``                  otherwise
band        ``low <= v <= high``        up to ``tol`` outside either edge     otherwise
=========== =========================== ===================================== ===========

A null value (zero denominator, KPI not computable from the data) has status ``"no data"``:
it is not scored, not counted as red, and earns no SLA credit. A row no target covers (a
segment without a target of its own when the KPI has no general one) is not rated at all: its
status is null, and it has no score or credit.

Targets are *primary* (the 5-7 KPIs a scorecard is judged on: composite and area scores, SLA
credits) or *supporting* (rated and shown, neither scored nor credited); :func:`preset_targets`
builds the starter, small business, customer-experience-led and cost-led scorecards, and
:func:`targets_from_benchmarks` weighs KPIs by the sector's priorities (:func:`sector_weights`).

The work is done by private modules (``kpikit._scorecard``): targets, presets, status, ramp,
credits, trend and export; their public names are re-exported here.
"""

import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit._callable import make_callable
from kpikit._frames import one_null, pandas_frame
from kpikit._scorecard.credits import check_credits, credit_amounts
from kpikit._scorecard.export import (
    format_value,
    scorecard_html,
    target_text,
    write_csv,
    write_excel,
)
from kpikit._scorecard.presets import preset_targets, presets
from kpikit._scorecard.provisional import mark_provisional
from kpikit._scorecard.ramp import Ramp, apply_ramp, check_ramp
from kpikit._scorecard.status import (
    STATUS_COLORS,
    STATUS_LABELS,
    STATUS_MARKS,
    STATUS_SCORES,
    STATUS_TINTS,
    STATUSES,
    rag_status,
    weighted_scores,
)
from kpikit._scorecard.targets import (
    ROLES,
    SEGMENT_COLUMNS,
    TARGET_COLUMNS,
    THRESHOLD_COLUMN,
    read_targets,
    scale_text,
    sector_weights,
    targets_from_benchmarks,
)
from kpikit._scorecard.threshold import (
    at_target_threshold,
    check_thresholds,
    computed_thresholds,
)
from kpikit._scorecard.trend import TREND_MARKS, check_freq_fits, with_trend
from kpikit._validators import (
    check_choice,
    check_flag,
    check_number,
    group_names,
    suggestion,
)
from kpikit.catalog import kpi as kpi_definition
from kpikit.periods import check_freq
from kpikit.provisional import last_arrival, provisional_in

__all__ = [
    "ROLES",
    "SEGMENT_COLUMNS",
    "STATUSES",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "STATUS_MARKS",
    "STATUS_SCORES",
    "STATUS_TINTS",
    "TREND_MARKS",
    "Ramp",
    "Scorecard",
    "check_ramp",
    "format_value",
    "preset_targets",
    "presets",
    "rate",
    "read_targets",
    "scorecard",
    "sector_weights",
    "segment_targets",
    "target_text",
    "targets_from_benchmarks",
]

_RESULT_COLUMNS = ("period", "kpi", "value", "numerator", "denominator", "ci_low", "ci_high")

CARD_COLUMNS = tuple(
    dict.fromkeys(
        [
            *_RESULT_COLUMNS,
            *("name", "unit", "better"),
            *(column for column in TARGET_COLUMNS if column not in SEGMENT_COLUMNS),
            *("ramped", "status", "score", "previous", "change", "p_value", "trend"),
            *("improved", "credit", "provisional_until"),
        ]
    )
)
"""The columns of a scorecard's table beside its grouping columns; ``by`` may not name one."""


def scorecard(
    data,
    targets,
    by=None,
    freq=None,
    *,
    previous: bool = True,
    ramp: Ramp | None = None,
    credits=None,
    alpha: float = 0.05,
    channel: str = "all",
    options=None,
    **compute_options,
) -> "Scorecard":
    """Balanced scorecard of the data against targets.

    Computes every KPI the data allow (:func:`kpikit.compute`) and rates those with a target
    (:func:`rate`). With ``freq``, FCR of a period whose repeat window has not closed by the
    last arrival of the log is provisional (:func:`kpikit.provisional.provisional_fcr`): shown
    with ``provisional_until`` but not scored, credited or tested as final.

    Parameters
    ----------
    data : Dataset or dataframe
        As for :func:`kpikit.compute`.
    targets : str, path or DataFrame
        A targets file (``.csv``/``.toml``), a DataFrame or a sector name; see
        :func:`read_targets`. A service-level target set at an answer threshold
        (``threshold_s``: 80/20 from the benchmarks) is rated on the share answered within
        it: with kpikit's default thresholds the service level is computed at it for every
        channel; with a threshold of the caller's own (``sl_threshold_s``, ``options``) a row
        computed at another is refused (:func:`rate`).
    by : str or list of str, default=None
        Grouping columns: one scorecard per team, agent, queue...
    freq : str, default=None
        Period length (as for :func:`kpikit.compute`); with ``previous`` each period is
        compared with the one before.
    previous : bool, default=True
        Compare each period with the previous one (needs ``freq``).
    ramp : Ramp, default=None
        Eased targets for new groups; its ``level`` must be one of ``by``.
    credits : mapping, default=None
        SLA credits ``{kpi: (bonus, penalty)}`` of primary KPIs: green earns the bonus, red
        costs the penalty, amber neither.
    alpha : float, default=0.05
        Significance level of the trend test.
    channel : str, default="all"
        Benchmark channel when ``targets`` is a sector name.
    options : Options, default=None
        A whole set of engine options (see :mod:`kpikit.options`).
    **compute_options
        The engine's options, under their names in :func:`kpikit.compute` (``sl_threshold_s``,
        ``fcr_window``, ``fcr_method``, ...); an unknown name gets a "did you mean".

    Returns
    -------
    Scorecard

    Examples
    --------
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3], "team": ["a", "a", "b"],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05",
    ...                                   "2024-01-01 09:07"]),
    ...     "answered": [True, True, False], "wait_s": [5.0, 30.0, 50.0]})
    >>> targets = pd.DataFrame({"kpi": ["service_level"], "target": [80], "tolerance": [10]})
    >>> card = scorecard(contacts, targets, by="team")   # a: 1 of 2 within 20 s; b: 0 of 1
    >>> card.table[["team", "value", "status"]]
      team  value status
    0    a   50.0    red
    1    b    0.0    red
    """
    from kpikit.metrics import compute

    group_names(by, CARD_COLUMNS)
    check_ramp(ramp)
    _check_alpha(alpha)
    targets = read_targets(targets, channel=channel)
    compute_options = at_target_threshold(targets, options, compute_options)
    result = compute(data, kpis=None, by=by, freq=freq, options=options, **compute_options)
    frame = pandas_frame(result)
    as_of = last_arrival(data) if ramp is not None and freq is None else None
    provisional = provisional_in(frame, data, freq, {**compute_options, "options": options})
    card = rate(
        frame,
        targets,
        sl_threshold_s=computed_thresholds(data, targets, by, options, compute_options),
        freq=freq,
        previous=previous,
        ramp=ramp,
        as_of=as_of,
        credits=credits,
        alpha=alpha,
        provisional=provisional,
    )
    left_out = [
        kpi_id for kpi_id in dict.fromkeys(targets["kpi"]) if kpi_id not in set(frame["kpi"])
    ]
    card.unavailable = _reasons_unavailable(
        data, left_out, by, freq, {**compute_options, "options": options}
    )
    return card


def _reasons_unavailable(data, kpi_ids, by, freq, compute_options) -> dict:
    """``{kpi: reason}`` for the KPIs of ``kpi_ids`` that :func:`kpikit.compute` cannot give
    from ``data`` by ``by`` and ``freq`` (a table or a column it lacks, cost per contact by
    team): asked for alone, each says why before any sum is taken."""
    from kpikit.metrics import KPIUnavailable, compute

    reasons = {}
    for kpi_id in kpi_ids:
        try:
            compute(data, kpis=[kpi_id], by=by, freq=freq, **compute_options)
        except KPIUnavailable as error:
            reasons[kpi_id] = error.reason
    return reasons


def rate(
    kpi_frame,
    targets,
    *,
    freq: str | None = None,
    previous: bool = True,
    ramp: Ramp | None = None,
    as_of=None,
    credits=None,
    alpha: float = 0.05,
    provisional=None,
    segment=None,
    sl_threshold_s=None,
) -> "Scorecard":
    """Rate a tidy KPI frame against targets: status, score, trend, ramp and credits.

    Parameters
    ----------
    kpi_frame : DataFrame
        Shaped like :func:`kpikit.compute` output: grouping columns, optional ``period``,
        ``kpi``, ``value`` and (for the trend test) ``numerator``, ``denominator``,
        ``ci_low``, ``ci_high``. Every column other than these is a grouping column; a KPI
        has one row per group (and period).
    targets : str, path or DataFrame
        See :func:`read_targets`. KPIs of the frame without a target are left out; KPIs with a
        target but no row, and groups without a row in one of the frame's periods, get
        ``"no data"``.
    freq : str, default=None
        Period length of the ``period`` column (as for :func:`kpikit.compute`), which says
        which period is the previous one; default: the longest ``freq`` whose step joins two
        of the frame's periods and steps over none.
    previous : bool, default=True
        With a ``period`` column, compare each row with the period one ``freq`` before it in
        its group; a row whose previous period has no data has no previous value.
    ramp : Ramp, default=None
        Eased targets for new groups.
    as_of : date, default=None
        Date a frame without ``period`` is rated at, for ``ramp``.
    credits : mapping, default=None
        ``{kpi: (bonus, penalty)}`` of primary KPIs (supporting ones earn no credit).
    alpha : float, default=0.05
        Significance level of the trend test.
    provisional : DataFrame, default=None
        Rows that are not final yet: grouping columns, ``period``, ``kpi`` and
        ``provisional_until`` (:func:`kpikit.provisional.provisional_fcr`). They keep their
        value and the status it would have, but get no score, credit or trend test.
    segment : mapping, default=None
        The segment the whole frame is, for a frame not grouped by it (a dashboard's channel
        view): ``{"channel": "phone"}`` rates every row against the phone targets (falling
        back on the general ones), and a segment column given ``None`` is pooled, so only the
        targets that leave it empty apply; a KPI targeted per segment alone is then not rated
        (null status). Targets naming other segments are other views' and are not applied.
    sl_threshold_s : float or mapping of str to float, default=None
        The service-level threshold(s) the frame was computed at (``sl_threshold_s`` of
        :func:`kpikit.compute`: seconds, or seconds per channel). A service-level target with a
        ``threshold_s`` (80/20 from the benchmarks) then rates only rows computed at that
        threshold; a row of another channel's threshold, or pooled over channels of different
        thresholds, is refused. None (a frame of unknown making): not checked.
        :func:`scorecard` passes the threshold it computed with.

    Returns
    -------
    Scorecard

    Raises
    ------
    ValueError
        Besides the targets' own checks (:func:`read_targets`): targets per segment (channel,
        direction) when the frame is neither grouped by it nor given it in ``segment``, or a
        segment value that matches none of the groups (``"Phone"`` for ``"phone"``: the target
        would apply nowhere), a ``period`` column that holds no timestamps (text read back
        from a file: convert it with :func:`pandas.to_datetime`), a grouping column named like
        a column of the scorecard (``status``, ``target``: see :attr:`Scorecard.table`), and a
        rated percent KPI with an interval whose ``numerator`` and ``denominator`` are no
        counts with ``0 <= numerator <= denominator`` (the trend test reads them as a
        proportion), and a service-level row computed at another threshold than its target's
        ``threshold_s`` (see ``sl_threshold_s``).

    Notes
    -----
    Trend test between consecutive periods: for proportions (percent KPIs with an interval)
    the pooled two-proportion z test on numerators and denominators; for other KPIs with an
    interval (AHT, ASA, QA, NPS) a z test whose standard errors are read from the 95 %
    intervals (``se = half width / 1.96``, slightly conservative for t intervals; the half
    width is the wider side, as an interval held at 0 or 100 is narrower on the other); KPIs
    without an interval (occupancy, utilization, adherence, cost) are ``"untested"``.
    ``trend`` is ``"up"``/``"down"`` only when ``p < alpha``, else ``"flat"``.

    Examples
    --------
    >>> frame = pd.DataFrame({"team": ["a", "b"], "kpi": "fcr", "value": [76.0, 71.0]})
    >>> card = rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]}))
    >>> card.table[["team", "value", "status", "score"]]
      team  value status  score
    0    a   76.0  green  100.0
    1    b   71.0  amber   50.0
    """
    check_flag("previous", previous)
    if freq is not None:
        check_freq(freq)
    targets = read_targets(targets)
    credits = check_credits(credits, targets)
    check_ramp(ramp)
    _check_alpha(alpha)
    frame = pandas_frame(kpi_frame, "kpi_frame")
    for column in ("kpi", "value"):
        if column not in frame.columns:
            raise ValueError(
                f"Value of 'kpi_frame' needs columns 'kpi' and 'value' (kpikit.compute output); "
                f"columns are {list(frame.columns)}"
            )
    frame = _numeric_results(frame)
    _check_value_scales(frame, targets)
    _check_proportions(frame, targets)
    keys = [column for column in frame.columns if column not in _RESULT_COLUMNS]
    taken = [key for key in keys if key in CARD_COLUMNS]
    if taken:  # a group "status" would read "green"; one called "target" lost the targets
        raise ValueError(
            f"Value of 'kpi_frame' has grouping column(s) {taken} named like column(s) the "
            "scorecard adds itself, which would overwrite their values or lose its own: rename "
            f"them first (the scorecard's own columns: {', '.join(CARD_COLUMNS)})"
        )
    has_period = "period" in frame.columns
    group_keys = [*keys, "period"] if has_period else keys
    _check_one_row_each(frame, group_keys)
    if has_period and freq is not None:
        check_freq_fits(frame["period"], freq)
    table = _complete(frame, targets, keys, has_period)
    segment = _check_segment(segment, keys)
    table = _with_targets(table, targets, keys, segment)
    if THRESHOLD_COLUMN not in table.columns:
        table[THRESHOLD_COLUMN] = np.nan
    check_thresholds(table, sl_threshold_s, keys, segment)
    if ramp is not None:
        table = apply_ramp(table, ramp, keys, has_period, as_of, freq)
    else:
        table["ramped"] = False
    table["status"] = rag_status(table)
    table["score"] = table["status"].map(STATUS_SCORES).astype(float)
    table = with_trend(table, keys, previous and has_period, alpha, freq)
    table["credit"] = credit_amounts(table, credits)
    table = mark_provisional(table, provisional, group_keys)
    return Scorecard(table, by=keys)


def _check_alpha(alpha) -> None:
    """Raise unless ``alpha`` is a number in (0, 1) (TypeError for a value that is no number)."""
    check_number("alpha", alpha)
    if not 0 < alpha < 1:
        raise ValueError(f"Value of 'alpha' must be in (0, 1) but received: {alpha!r}")


def _numeric_results(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its result columns (value, numerator, ...) as floats; raise naming the
    column, rows and values of any entry that is not a number."""
    frame = frame.reset_index(drop=True)
    for column in _RESULT_COLUMNS[2:]:
        if column not in frame.columns:
            continue
        converted = pd.to_numeric(frame[column], errors="coerce").astype(float)
        text = frame[column].map(lambda value: isinstance(value, str | bytes))
        bad = (converted.isna() & frame[column].notna()) | text  # "80" is text, not 80
        if bad.any():
            raise ValueError(
                f"Value of 'kpi_frame' must hold numbers in column {column!r} but row(s) "
                f"{bad[bad].index.tolist()} have: {frame.loc[bad, column].tolist()}"
            )
        frame[column] = converted
    return frame


def _check_one_row_each(frame: pd.DataFrame, group_keys: list) -> None:
    """Raise naming the rows of a KPI given twice for the same group and period (which value
    to rate would be a guess), periods that are no times (text, numbers), or periods that mix
    times with and without a zone."""
    period = frame["period"] if "period" in group_keys else None
    if period is not None and not pd.api.types.is_datetime64_any_dtype(period):
        times = period.map(lambda stamp: isinstance(stamp, datetime) or pd.isna(stamp))
        if not times.all():
            raise ValueError(
                "Value of 'kpi_frame' must hold timestamps in column 'period' (the period "
                f"starts kpikit.compute gives) but {int((~times).sum())} row(s) "
                f"{times.index[~times][:5].tolist()} have: {period[~times][:5].tolist()}; "
                "convert the column with pandas.to_datetime"
            )
    if "period" in group_keys and frame["period"].dtype == object:
        zoned = frame["period"].map(lambda stamp: getattr(stamp, "tzinfo", None) is not None)
        if zoned.any() and not zoned[frame["period"].notna()].all():
            raise ValueError(
                "Value of 'kpi_frame' must have periods all with a time zone or all without "
                f"but row(s) {zoned[~zoned].index[:5].tolist()} have none and row(s) "
                f"{zoned[zoned].index[:5].tolist()} have one"
            )
    repeated = frame.index[frame.duplicated([*group_keys, "kpi"], keep=False)]
    if len(repeated):
        raise ValueError(
            f"Value of 'kpi_frame' must have one row per KPI, group and period but "
            f"{len(repeated)} rows repeat {[*group_keys, 'kpi']}, first rows "
            f"{repeated[:5].tolist()}: "
            f"{frame.loc[repeated[:5], [*group_keys, 'kpi']].to_dict('records')}"
        )


def _check_value_scales(frame: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Raise naming the rows, KPIs and values of the rated KPIs outside their scale
    (``KPI.value_range``: percents 0 to 100, times and amounts >= 0, never infinite)."""
    rated = frame[frame["kpi"].isin(targets["kpi"])]
    ranges = {kpi_id: kpi_definition(kpi_id).value_range for kpi_id in set(rated["kpi"])}
    low = rated["kpi"].map(lambda kpi_id: ranges[kpi_id][0])
    high = rated["kpi"].map(lambda kpi_id: ranges[kpi_id][1])
    value = rated["value"]
    found = rated[value.notna() & ~(np.isfinite(value) & (value >= low) & (value <= high))]
    if len(found):
        scales = "; ".join(f"{k} {scale_text(k)}" for k in dict.fromkeys(found["kpi"]))
        raise ValueError(
            f"Value of 'kpi_frame' must have each 'value' in its KPI's scale ({scales}) but "
            f"row(s) {found.index.tolist()} have: {found['value'].tolist()}"
        )


def _check_proportions(frame: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Raise naming the rows of rated percent KPIs with an interval whose ``numerator`` and
    ``denominator`` are not counts with ``0 <= numerator <= denominator``: the trend test
    compares such rows as proportions (numerator of denominator contacts)."""
    if not {"numerator", "denominator", "ci_low", "ci_high"} <= set(frame.columns):
        return
    rated = frame[frame["kpi"].isin(targets["kpi"])]
    percent = rated["kpi"].map(lambda kpi_id: kpi_definition(kpi_id).unit == "percent")
    tested = percent & rated["ci_low"].notna() & rated["ci_high"].notna()
    numerator, denominator = rated["numerator"], rated["denominator"]
    given = numerator.notna() & denominator.notna()
    counts = np.isfinite(denominator) & (numerator >= 0) & (numerator <= denominator)
    found = rated[tested & given & ~counts]
    if len(found):
        pairs = list(found[["numerator", "denominator"]].head().itertuples(index=False, name=None))
        raise ValueError(
            "Value of 'kpi_frame' must have 0 <= numerator <= denominator, both finite, in the "
            "rows of percent KPIs with an interval (the trend test compares them as "
            f"proportions) but {len(found)} row(s) {found.index[:5].tolist()} have "
            f"(numerator, denominator): {pairs}"
        )


def _complete(frame: pd.DataFrame, targets: pd.DataFrame, keys: list, has_period: bool):
    """Keep target KPIs and give every group a row for each of them in every period of the
    frame (missing -> no value). The rows without a value in a grouping column are one group,
    whether the value is None or NaN: ``kpi_frame`` made by hand or by another tool may hold
    both in pandas 2's object text, and the two made two groups here."""
    frame = frame.assign(**{key: one_null(frame[key]) for key in keys})
    for column in _RESULT_COLUMNS[2:]:
        if column not in frame.columns:
            frame = frame.assign(**{column: np.nan})
    frame = frame[frame["kpi"].isin(targets["kpi"])]
    kpis = pd.DataFrame({"kpi": list(dict.fromkeys(targets["kpi"]))})
    grid = kpis
    for columns in (keys, ["period"] if has_period else []):
        if columns:
            grid = frame[columns].drop_duplicates().merge(grid, how="cross")
    group_keys = [*keys, "period"] if has_period else keys
    return grid.merge(frame, on=[*group_keys, "kpi"], how="left")


def segment_targets(targets, segment=None) -> pd.DataFrame:
    """The target of each KPI in one segment, as :func:`rate` applies them to its rows.

    Parameters
    ----------
    targets : str, path or DataFrame
        See :func:`read_targets`.
    segment : mapping, default=None
        As for :func:`rate`: ``{"channel": "phone"}``; a segment column left out or ``None``
        is pooled.

    Returns
    -------
    pandas.DataFrame
        One row per KPI with the targets' columns but the segment ones, and the KPI's
        ``name``, ``unit`` and ``better``; a KPI targeted per segment alone and not for this
        one has no ``target``, ``band_low`` or ``band_high`` (null).

    Examples
    --------
    >>> targets = pd.DataFrame({"kpi": ["service_level", "service_level", "asa"],
    ...                         "target": [80, 90, 30], "channel": [None, "email", "phone"]})
    >>> segment_targets(targets, {"channel": "email"})[["kpi", "target"]]   # email's, no ASA
                 kpi  target
    0  service_level    90.0
    1            asa     NaN
    >>> segment_targets(targets)[["kpi", "target"]]   # all channels: the general row only
                 kpi  target
    0  service_level    80.0
    1            asa     NaN
    """
    targets = read_targets(targets)
    segment = {column: None for column in SEGMENT_COLUMNS} | _check_segment(segment, [])
    kpis = pd.DataFrame({"kpi": list(dict.fromkeys(targets["kpi"]))})
    return _with_targets(kpis, targets, [], segment)


def _check_segment(segment, keys: list) -> dict:
    """``segment`` as a dict (``{}`` for None); raise naming a key that is no segment column,
    one that is also a grouping column, or a value that is neither text nor None."""
    if segment is None:
        segment = {}
    if not isinstance(segment, dict):
        raise TypeError(
            f"Value of 'segment' must be a dict such as {{'channel': 'phone'}} but received: "
            f"{segment!r} ({type(segment).__name__})"
        )
    for column, value in segment.items():
        check_choice("segment", column, SEGMENT_COLUMNS, "a segment column")
        if column in keys:
            raise ValueError(
                f"Value of 'segment' names {column!r}, which the frame is grouped by: each "
                f"group's own {column} applies; leave it out of 'segment'"
            )
        if value is not None and not isinstance(value, str):
            raise TypeError(
                f"Value of 'segment' must give each column a text value or None but "
                f"{column!r} has: {value!r} ({type(value).__name__})"
            )
    return dict(segment)


def _with_targets(
    table: pd.DataFrame, targets: pd.DataFrame, keys: list, segment: dict
) -> pd.DataFrame:
    """The KPI facts and the target of each row: its segment's most specific target (the
    segment of the whole table for the columns ``segment`` gives)."""
    definitions = {kpi_id: kpi_definition(kpi_id) for kpi_id in dict.fromkeys(targets["kpi"])}
    info = pd.DataFrame(
        {
            "kpi": list(definitions),
            "name": [d.name for d in definitions.values()],
            "unit": [d.unit for d in definitions.values()],
            "better": [d.direction for d in definitions.values()],
        }
    )
    segments = [column for column in SEGMENT_COLUMNS if column in targets.columns]
    specific = targets[segments].notna().any(axis=1) if segments else targets["kpi"].isna()
    given = {column: segment[column] for column in segments if column in segment}
    for column in segments:
        if column in given:
            continue  # the whole table is one segment: other values are other views
        if targets[column].notna().any() and column not in keys:
            raise ValueError(
                f"Value of 'targets' sets targets per {column} but the scorecard is not grouped "
                f"by {column}; add it to 'by' (grouping columns are {keys}), or rate a frame "
                f"of one {column} with rate(..., segment={{{column!r}: ...}})"
            )
        _check_segment_values(table, targets, column)
    values = [column for column in targets.columns if column not in ("kpi", *segments)]
    table = table.assign(**given).merge(info, on="kpi", how="left")
    table = table.merge(targets.loc[~specific, ["kpi", *values]], on="kpi", how="left")
    # Most specific last: a target for phone and inbound overrides one for phone alone.
    named = targets.loc[specific, segments].notna().sum(axis=1).sort_values(kind="stable")
    for _, target in targets.loc[named.index].iterrows():
        rows = table["kpi"] == target["kpi"]
        for column in segments:
            if target[column] is not None:
                rows &= table[column] == target[column]
        table.loc[rows, values] = target[values].to_numpy()
    return table.drop(columns=list(given))


def _check_segment_values(table: pd.DataFrame, targets: pd.DataFrame, column: str) -> None:
    """Say which target rows' ``column`` value is none of the groups' values: such a target
    applies to no row, and the groups fall back on the general target (or none).

    A value close to a group's (``"Phone"`` for ``"phone"``) is a typo: refused, with the
    value meant. Any other (``"email"`` in a targets file used on calls alone) may be a
    segment this data does not have: a warning names it, and the target is not applied.
    """
    present = list(dict.fromkeys(table[column].dropna()))
    named = targets[column].dropna()
    unmatched = named[~named.isin(present)]
    if unmatched.empty:
        return
    values = list(dict.fromkeys(unmatched))
    where = (
        f"{column} value(s) {values} that match no group of the scorecard, in "
        f"{len(unmatched)} row(s) {unmatched.index.tolist()}; the groups' {column} values are "
        f"{present}"
    )
    hint = next((hint for hint in (suggestion(value, present) for value in values) if hint), "")
    if hint:
        raise ValueError(f"Value of 'targets' has {where}{hint}")
    warnings.warn(f"'targets' has {where}: those targets are not applied", stacklevel=4)


class Scorecard:
    """A rated scorecard: the tidy table, area scores, composite score and exports.

    Built by :func:`scorecard` or :func:`rate`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group, period and KPI: grouping columns, ``period`` (with ``freq``),
        ``kpi, value, numerator, denominator, ci_low, ci_high, name, unit, better`` (which way
        is better: higher, lower or band), ``target, tolerance, weight, area, band_low,
        band_high, role, note, threshold_s, ramped, status, score, previous, change, p_value,
        trend, improved, credit, provisional_until`` (``threshold_s``: the answer threshold a
        service-level target is set at, null for a plain target). ``status`` is null for a
        row no target covers (not rated). ``provisional_until`` is null for a final row;
        for a provisional one (FCR whose repeat window is still open) it is when the row
        becomes final, and the row has no score, credit or trend (``status`` is what its value
        would rate so far).
    by : list of str
        The grouping columns.
    unavailable : dict of str to str
        The target KPIs the data cannot give (``{kpi: reason}``: a table or column it lacks,
        cost per contact by team), whose rows read "no data"; set by :func:`scorecard`, which
        computes the KPIs, and shown under the table. Empty when every target KPI is given.

    Notes
    -----
    Scores: green 100, amber 50, red 0. An area score (and the composite over all KPIs) is the
    weight-averaged score of the primary KPIs with data, ``Σ wᵢ sᵢ / Σ wᵢ``; KPIs without data
    are left out of both sums, so missing data neither helps nor hurts, and supporting KPIs are
    rated but not scored. The composite weighs KPIs directly, not areas.
    """

    def __init__(self, table: pd.DataFrame, *, by=(), unavailable=None):
        self.table = table.reset_index(drop=True)
        self.by = list(by)
        self.unavailable = dict(unavailable or {})

    @property
    def _group_keys(self) -> list:
        return [*self.by, "period"] if "period" in self.table.columns else list(self.by)

    @property
    def areas(self) -> pd.DataFrame:
        """Area scores: grouping columns, [period], ``area``, ``score``, ``weight``, ``kpis``.

        A KPI without a target in a group (one targeted only in another channel or direction)
        has no area there, and makes no row of its own.
        """
        targeted = self.table[self.table["area"].notna()]
        return weighted_scores(targeted, [*self._group_keys, "area"])

    @property
    def composite(self) -> pd.DataFrame:
        """Composite score per group (and period): ``score``, ``weight``, ``kpis``."""
        return weighted_scores(self.table, self._group_keys)

    @property
    def credit_total(self) -> float:
        """Sum of the SLA credits over the table (bonuses minus penalties); 0 without credits."""
        return float(self.table["credit"].sum(skipna=True))

    def current(self) -> "Scorecard":
        """The scorecard of the last period only (itself when there are no periods)."""
        if "period" not in self.table.columns or self.table.empty:
            return self
        last = self.table["period"].max()
        return Scorecard(
            self.table[self.table["period"] == last], by=self.by, unavailable=self.unavailable
        )

    def __repr__(self) -> str:
        counts = self.table["status"].value_counts()
        summary = ", ".join(f"{counts.get(status, 0)} {status}" for status in STATUSES)
        untargeted = int(self.table["status"].isna().sum())
        if untargeted:
            summary += f", {untargeted} without target"
        return f"<Scorecard: {len(self.table)} rows by {self.by or 'all'}; {summary}>"

    def _repr_html_(self) -> str:
        return scorecard_html(self.current())

    def to_csv(self, path) -> Path:
        """Write the table as CSV, with text cells that could run as a spreadsheet formula
        (starting with ``= + - @``, tab or carriage return) prefixed by ``'``.

        Parameters
        ----------
        path : str or path
            Target ``.csv`` file; its folder must exist.

        Returns
        -------
        pathlib.Path
        """
        return write_csv(self.table, path)

    def to_excel(self, path) -> Path:
        """Write the table, area and composite scores to an ``.xlsx`` workbook with status
        colours (a light fill on the ``status`` cells; the status word stays in the cell).

        Text cells are always stored as text, never as formulas.

        Parameters
        ----------
        path : str or path
            Target ``.xlsx`` file; its folder must exist.

        Returns
        -------
        pathlib.Path
        """
        sheets = [("scorecard", self.table), ("areas", self.areas), ("composite", self.composite)]
        return write_excel(sheets, path)


make_callable(__name__, scorecard)
