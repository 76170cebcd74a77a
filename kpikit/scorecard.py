"""Balanced scorecard: targets, red/amber/green status, area and composite scores, trends,
ramp targets for new teams and SLA credits.

:func:`scorecard` computes the KPIs with :func:`kpikit.compute` and hands the tidy result to
:func:`rate`, a pure function of a KPI frame and a targets table, so the rating rules can be
used (and tested) on any frame shaped like ``compute`` output.

Status rules (``t`` target, ``tol`` tolerance, ``v`` value):

=========== =========================== ===================================== ===========
direction   green (met)                 amber (within tolerance)              red
=========== =========================== ===================================== ===========
higher      ``v >= t``                  ``t - tol <= v < t``                  otherwise
lower       ``v <= t``                  ``t < v <= t + tol``                  otherwise
band        ``low <= v <= high``        up to ``tol`` outside either edge     otherwise
=========== =========================== ===================================== ===========

A null value (zero denominator, KPI not computable from the data) has status ``"no data"``:
it is not scored, not counted as red, and earns no SLA credit.
"""

import html
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from kpikit.catalog import KPI_IDS, SECTORS
from kpikit.catalog import benchmarks as load_benchmarks
from kpikit.catalog import kpi as kpi_definition
from kpikit.stats import Z_95, two_proportion_z

__all__ = [
    "STATUSES",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "STATUS_MARKS",
    "STATUS_SCORES",
    "STATUS_TINTS",
    "TREND_MARKS",
    "Ramp",
    "Scorecard",
    "format_value",
    "rate",
    "read_targets",
    "scorecard",
    "target_text",
    "targets_from_benchmarks",
]

STATUSES = ("green", "amber", "red", "no data")

STATUS_SCORES = {"green": 100.0, "amber": 50.0, "red": 0.0}
"""Points per status for area and composite scores (``"no data"`` is not scored)."""

STATUS_COLORS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00", "no data": "#999999"}
"""Saturated status colours from the Okabe–Ito palette (safe for colour-vision deficiency)."""

STATUS_TINTS = {"green": "#BFE7DC", "amber": "#F9E3B2", "red": "#F4CDB2", "no data": "#E6E6E6"}
"""Light versions of :data:`STATUS_COLORS` for cell backgrounds under dark text."""

STATUS_MARKS = {"green": "✔", "amber": "!", "red": "✘", "no data": "–"}
"""A mark per status, shown beside its colour so that status never relies on colour alone."""

STATUS_LABELS = {"green": "met", "amber": "within tolerance", "red": "missed", "no data": "no data"}

TREND_MARKS = {"up": "▲", "down": "▼", "flat": "≈", "untested": "·"}
"""Arrows for :attr:`Scorecard.table` ``trend``: up/down only for significant changes."""

TARGET_COLUMNS = ("kpi", "target", "tolerance", "weight", "area", "band_low", "band_high")
_RESULT_COLUMNS = ("period", "kpi", "value", "numerator", "denominator", "ci_low", "ci_high")
_TARGET_SUFFIXES = (".toml", ".csv")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_EPSILON = 1e-9  # absorbs floating-point noise at the exact target (70.00000000000001 >= 70)


# --- targets -------------------------------------------------------------------------------


def read_targets(targets, *, channel: str = "all") -> pd.DataFrame:
    """Read and validate a targets table.

    Parameters
    ----------
    targets : str, path or DataFrame
        A ``.csv`` or ``.toml`` file, a DataFrame, or a sector name (one of
        :data:`kpikit.catalog.SECTORS`) to derive targets from its benchmarks with
        :func:`targets_from_benchmarks`. Columns (CSV, DataFrame): ``kpi`` and ``target``
        (required), ``tolerance`` (default 0), ``weight`` (default 1), ``area`` (default: the
        catalog's), ``band_low``/``band_high`` (band KPIs only). A band KPI (utilization,
        occupancy) takes its band from ``band_low``/``band_high``, else from
        ``target ± tolerance`` (the sample targets' convention), else from the catalog; its
        amber zone is ``tolerance`` outside either edge.
        TOML: one table per KPI id, such as ``[fcr]`` with ``target = 75`` and ``tolerance = 5``.
    channel : str, default="all"
        Channel of the benchmarks when ``targets`` is a sector name.

    Returns
    -------
    pandas.DataFrame
        Columns ``kpi, target, tolerance, weight, area, band_low, band_high``, one row per KPI.

    Raises
    ------
    ValueError
        Unknown KPI ids (the message lists the valid ones), duplicated KPIs, a missing or
        non-numeric target, a negative tolerance or weight, weights summing to zero, a band on
        a KPI without one (or ``band_low > band_high``), a file that does not exist or is not
        ``.csv``/``.toml``.

    Examples
    --------
    >>> targets = read_targets(pd.DataFrame({"kpi": ["fcr", "utilization"],
    ...                                      "target": [75, None], "tolerance": [5, 5]}))
    >>> targets[["kpi", "target", "weight", "area", "band_low", "band_high"]]
               kpi  target  weight      area  band_low  band_high
    0          fcr    75.0     1.0  customer       NaN        NaN
    1  utilization     NaN     1.0     agent      75.0       85.0
    """
    if isinstance(targets, pd.DataFrame):
        return _validate_targets(targets)
    if isinstance(targets, str) and targets in SECTORS:
        return targets_from_benchmarks(targets, channel=channel)
    if isinstance(targets, str | PathLike):
        path = _checked_path(targets, _TARGET_SUFFIXES, "targets", must_exist=True)
        return _validate_targets(_read_target_file(path))
    raise TypeError(
        "Value of 'targets' must be a DataFrame, a .csv/.toml path or a sector name "
        f"(one of {list(SECTORS)}) but received: {type(targets).__name__}"
    )


def targets_from_benchmarks(sector: str, *, channel: str = "all") -> pd.DataFrame:
    """Derive targets from a sector's published benchmarks.

    Rule, per KPI (first row of a tier when several share it):

    - band KPIs (utilization, occupancy): the ``target`` tier's range, else the catalog band;
      tolerance half the band's width (75–85 -> amber from 70 and up to 90).
    - higher / lower is better: the ``target`` tier's good edge (its ``low`` when higher is
      better, its ``high`` when lower is better) when the sector has one, else the good edge of
      the ``average`` range; tolerance the width of the ``average`` range, or 5 % of the target
      when there is none. Green therefore means better than the typical range, amber inside it,
      red worse than typical.
    - KPIs without such figures (answer rate, transfer rate, ...) get no target.

    Weights are 1 and areas come from the catalog.

    Parameters
    ----------
    sector : str
        One of :data:`kpikit.catalog.SECTORS`.
    channel : str, default="all"
        One of :data:`kpikit.catalog.CHANNELS`.

    Returns
    -------
    pandas.DataFrame
        A validated targets table (see :func:`read_targets`).

    Examples
    --------
    >>> targets = targets_from_benchmarks("all").set_index("kpi")
    >>> targets.loc["fcr", ["target", "tolerance"]].tolist()   # average range 70-75
    [75.0, 5.0]
    >>> targets.loc["abandonment_rate", ["target", "tolerance"]].tolist()   # average 5-8
    [5.0, 3.0]
    """
    bench = load_benchmarks(sector=sector, channel=channel)
    rows = []
    for kpi_id in dict.fromkeys(bench["kpi"]):
        tiers = bench[bench["kpi"] == kpi_id].drop_duplicates("tier").set_index("tier")
        row = _benchmark_target(kpi_definition(kpi_id), tiers)
        if row is not None:
            rows.append({"kpi": kpi_id, **row})
    return _validate_targets(pd.DataFrame(rows, columns=["kpi", *TARGET_COLUMNS[1:]]))


def _benchmark_target(definition, tiers: pd.DataFrame) -> dict | None:
    def edge(tier, column):
        return tiers.at[tier, column] if tier in tiers.index else math.nan

    if definition.direction == "band":
        low, high = edge("target", "low"), edge("target", "high")
        if not (_finite(low) and _finite(high)):
            low, high = definition.band_low, definition.band_high
        return {"band_low": low, "band_high": high, "tolerance": (high - low) / 2}
    good, fallback = ("low", "high") if definition.direction == "higher" else ("high", "low")
    target = edge("target", good)
    if not _finite(target):
        target = edge("target", fallback)
    if not _finite(target):
        target = edge("average", fallback)
    if not _finite(target):
        return None
    width = edge("average", "high") - edge("average", "low")
    tolerance = width if _finite(width) else 0.05 * abs(target)
    return {"target": target, "tolerance": tolerance}


def _read_target_file(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".csv":
        return pd.read_csv(path)
    with path.open("rb") as handle:
        try:
            document = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"Value of 'targets': {path} is not valid TOML ({error})") from None
    not_tables = [key for key, value in document.items() if not isinstance(value, dict)]
    if not_tables:
        raise ValueError(
            f"Value of 'targets': {path} must hold one table per KPI (such as [fcr] with "
            f"target = 75) but has plain keys {not_tables}"
        )
    return pd.DataFrame([{"kpi": key, **value} for key, value in document.items()])


def _validate_targets(frame: pd.DataFrame) -> pd.DataFrame:
    if "kpi" not in frame.columns:
        raise ValueError(
            f"Value of 'targets' needs a 'kpi' column; columns are {list(frame.columns)}"
        )
    unknown_columns = sorted(set(frame.columns) - set(TARGET_COLUMNS))
    if unknown_columns:
        raise ValueError(
            f"Value of 'targets' has unknown column(s) {unknown_columns}. "
            f"Expected some of {list(TARGET_COLUMNS)}"
        )
    targets = frame.reindex(columns=list(TARGET_COLUMNS)).reset_index(drop=True)
    targets["kpi"] = targets["kpi"].astype(str)
    unknown = [kpi_id for kpi_id in targets["kpi"] if kpi_id not in KPI_IDS]
    if unknown:
        raise ValueError(
            f"Value of 'targets' has unknown KPI id(s) {unknown}. "
            f"Expected some of {list(KPI_IDS)}"
        )
    duplicated = sorted(set(targets.loc[targets["kpi"].duplicated(), "kpi"]))
    if duplicated:
        raise ValueError(f"Value of 'targets' lists KPI(s) {duplicated} more than once")
    for column in ("target", "tolerance", "weight", "band_low", "band_high"):
        converted = pd.to_numeric(targets[column], errors="coerce").astype(float)
        bad = targets.loc[converted.isna() & targets[column].notna(), "kpi"].tolist()
        if bad:
            raise ValueError(
                f"Value of 'targets' has a non-numeric {column!r} for KPI(s) {bad}: "
                f"{targets.loc[targets['kpi'].isin(bad), column].tolist()}"
            )
        targets[column] = converted
    targets["tolerance"] = targets["tolerance"].fillna(0.0)
    targets["weight"] = targets["weight"].fillna(1.0)
    for column in ("tolerance", "weight"):
        bad = targets.loc[~(targets[column] >= 0) | ~np.isfinite(targets[column]), "kpi"]
        if len(bad):
            raise ValueError(
                f"Value of 'targets' must have a finite {column!r} >= 0 but KPI(s) "
                f"{bad.tolist()} have {targets.loc[bad.index, column].tolist()}"
            )
    if len(targets) and targets["weight"].sum() == 0:
        raise ValueError("Value of 'targets' has weights that are all 0: nothing can be scored")
    definitions = [kpi_definition(kpi_id) for kpi_id in targets["kpi"]]
    targets["area"] = [
        area if isinstance(area, str) and area else definition.area
        for area, definition in zip(targets["area"], definitions, strict=True)
    ]
    for index, definition in enumerate(definitions):
        _check_target_row(targets, index, definition)
    return targets


def _check_target_row(targets: pd.DataFrame, index: int, definition) -> None:
    row = targets.loc[index]
    has_band = _finite(row["band_low"]) or _finite(row["band_high"])
    if definition.direction != "band":
        if has_band:
            raise ValueError(
                f"Value of 'targets': {definition.id!r} is a {definition.direction}-is-better "
                "KPI; band_low/band_high apply only to band KPIs "
                f"({[k for k in KPI_IDS if kpi_definition(k).direction == 'band']})"
            )
        if not _finite(row["target"]):
            raise ValueError(f"Value of 'targets' has no target for KPI {definition.id!r}")
        return
    if _finite(row["target"]) and not has_band:
        # Sample-targets convention: a band KPI's band is target ± tolerance.
        low, high = row["target"] - row["tolerance"], row["target"] + row["tolerance"]
    else:
        low = row["band_low"] if _finite(row["band_low"]) else definition.band_low
        high = row["band_high"] if _finite(row["band_high"]) else definition.band_high
    if low > high:
        raise ValueError(
            f"Value of 'targets': band_low must not exceed band_high for {definition.id!r}; "
            f"received {low:g} > {high:g}"
        )
    targets.loc[index, ["target", "band_low", "band_high"]] = [math.nan, float(low), float(high)]


# --- ramp targets and SLA credits ----------------------------------------------------------


@dataclass(frozen=True)
class Ramp:
    """Eased targets for new teams (or agents) during their first days.

    A row is *ramped* when its group started less than ``days`` days before the date it is
    rated at (the period start with ``freq``, else the last contact's date). Its target is
    then eased by ``ease_pct`` percent of the target: ``t - e·|t|`` when higher is better,
    ``t + e·|t|`` when lower is better; for band KPIs only the lower edge is eased (new teams
    are slower, while the upper edge guards against burnout and stays). Tolerances are kept.

    Parameters
    ----------
    days : int, default=90
        Length of the ramp period.
    ease_pct : float, default=10
        Easing in percent (the usual practice eases targets 5-10 % in the first 90 days).
    start_dates : mapping, default={}
        Start date per group, such as ``{"north": "2024-02-01"}``.
    level : str, default="team"
        The grouping column the keys of ``start_dates`` refer to.

    Examples
    --------
    >>> Ramp(start_dates={"north": "2024-02-01"}).ease(80.0, "higher")
    72.0
    """

    days: int = 90
    ease_pct: float = 10.0
    start_dates: Mapping = field(default_factory=dict)
    level: str = "team"

    def __post_init__(self):
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days <= 0:
            raise ValueError(f"Value of 'days' must be a positive integer; received: {self.days!r}")
        if not (isinstance(self.ease_pct, int | float) and 0 <= self.ease_pct < 100):
            raise ValueError(
                f"Value of 'ease_pct' must be a number in [0, 100); received: {self.ease_pct!r}"
            )
        try:
            starts = {key: pd.Timestamp(value) for key, value in self.start_dates.items()}
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"Value of 'start_dates' holds a value that is not a date: {error}"
            ) from None
        object.__setattr__(self, "start_dates", starts)

    def ease(self, target: float, direction: str) -> float:
        """The eased target for a ``"higher"`` or ``"lower"`` is better KPI (band: lower edge)."""
        step = self.ease_pct / 100 * abs(target)
        return target + step if direction == "lower" else target - step

    def applies(self, group, at) -> bool:
        """True when ``group`` started less than ``days`` days before ``at``."""
        start = self.start_dates.get(group)
        return start is not None and pd.Timestamp(at) < start + pd.Timedelta(days=self.days)


def _check_credits(credits, targets: pd.DataFrame) -> dict:
    if credits is None:
        return {}
    if not isinstance(credits, Mapping):
        raise TypeError(
            "Value of 'credits' must map KPI ids to (bonus, penalty) amounts but received: "
            f"{type(credits).__name__}"
        )
    checked = {}
    for kpi_id, amounts in credits.items():
        if kpi_id not in set(targets["kpi"]):
            raise ValueError(
                f"Value of 'credits' names KPI {kpi_id!r}, which has no target. "
                f"Expected some of {targets['kpi'].tolist()}"
            )
        try:
            bonus, penalty = (float(amount) for amount in amounts)
        except (TypeError, ValueError):
            raise ValueError(
                f"Value of 'credits[{kpi_id!r}]' must be a (bonus, penalty) pair of numbers; "
                f"received: {amounts!r}"
            ) from None
        if not (bonus >= 0 and penalty >= 0 and math.isfinite(bonus + penalty)):
            raise ValueError(
                f"Value of 'credits[{kpi_id!r}]' must hold amounts >= 0 (the penalty is "
                f"subtracted); received: {amounts!r}"
            )
        checked[kpi_id] = (bonus, penalty)
    return checked


# --- rating --------------------------------------------------------------------------------


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
    **compute_options,
) -> "Scorecard":
    """Balanced scorecard of the data against targets.

    Computes every KPI the data allow (:func:`kpikit.compute`) and rates those with a target
    (:func:`rate`).

    Parameters
    ----------
    data : Dataset or dataframe
        As for :func:`kpikit.compute`.
    targets : str, path or DataFrame
        A targets file (``.csv``/``.toml``), a DataFrame or a sector name; see
        :func:`read_targets`.
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
        SLA credits ``{kpi: (bonus, penalty)}``: green earns the bonus, red costs the penalty,
        amber neither.
    alpha : float, default=0.05
        Significance level of the trend test.
    channel : str, default="all"
        Benchmark channel when ``targets`` is a sector name.
    **compute_options
        Passed to :func:`kpikit.compute` (``sl_threshold_s``, ``fcr_window``, ...).

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

    targets = read_targets(targets, channel=channel)
    result = compute(data, kpis=None, by=by, freq=freq, **compute_options)
    frame = _to_pandas(result)
    as_of = _last_arrival(data) if ramp is not None and freq is None else None
    return rate(
        frame, targets, previous=previous, ramp=ramp, as_of=as_of, credits=credits, alpha=alpha
    )


def rate(
    kpi_frame,
    targets,
    *,
    previous: bool = True,
    ramp: Ramp | None = None,
    as_of=None,
    credits=None,
    alpha: float = 0.05,
) -> "Scorecard":
    """Rate a tidy KPI frame against targets: status, score, trend, ramp and credits.

    Parameters
    ----------
    kpi_frame : DataFrame
        Shaped like :func:`kpikit.compute` output: grouping columns, optional ``period``,
        ``kpi``, ``value`` and (for the trend test) ``numerator``, ``denominator``,
        ``ci_low``, ``ci_high``. Every column other than these is a grouping column.
    targets : str, path or DataFrame
        See :func:`read_targets`. KPIs of the frame without a target are left out; KPIs with a
        target but no row get ``"no data"``.
    previous : bool, default=True
        With a ``period`` column, compare each row with the previous period of its group.
    ramp : Ramp, default=None
        Eased targets for new groups.
    as_of : date, default=None
        Date a frame without ``period`` is rated at, for ``ramp``.
    credits : mapping, default=None
        ``{kpi: (bonus, penalty)}``.
    alpha : float, default=0.05
        Significance level of the trend test.

    Returns
    -------
    Scorecard

    Notes
    -----
    Trend test between consecutive periods: for proportions (percent KPIs with an interval)
    the pooled two-proportion z test on numerators and denominators; for other KPIs with an
    interval (AHT, ASA, QA, NPS) a z test whose standard errors are read from the 95 %
    intervals (``se = (ci_high - ci_low) / (2 · 1.96)``, slightly conservative for t
    intervals); KPIs without an interval (occupancy, utilization, adherence, cost) are
    ``"untested"``. ``trend`` is ``"up"``/``"down"`` only when ``p < alpha``, else ``"flat"``.

    Examples
    --------
    >>> frame = pd.DataFrame({"team": ["a", "b"], "kpi": "fcr", "value": [76.0, 71.0]})
    >>> card = rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]}))
    >>> card.table[["team", "value", "status", "score"]]
      team  value status  score
    0    a   76.0  green  100.0
    1    b   71.0  amber   50.0
    """
    targets = read_targets(targets)
    credits = _check_credits(credits, targets)
    if not 0 < alpha < 1:
        raise ValueError(f"Value of 'alpha' must be in (0, 1); received: {alpha!r}")
    frame = _to_pandas(kpi_frame)
    for column in ("kpi", "value"):
        if column not in frame.columns:
            raise ValueError(
                f"Value of 'kpi_frame' needs columns 'kpi' and 'value' (kpikit.compute output); "
                f"columns are {list(frame.columns)}"
            )
    keys = [column for column in frame.columns if column not in _RESULT_COLUMNS]
    has_period = "period" in frame.columns
    group_keys = [*keys, "period"] if has_period else keys
    table = _complete(frame, targets, group_keys)
    table = _with_targets(table, targets)
    if ramp is not None:
        table = _apply_ramp(table, ramp, keys, has_period, as_of)
    else:
        table["ramped"] = False
    table["status"] = _status(table)
    table["score"] = table["status"].map(STATUS_SCORES).astype(float)
    table = _with_trend(table, keys, previous and has_period, alpha)
    table["credit"] = _credit(table, credits)
    return Scorecard(table, by=keys)


def _complete(frame: pd.DataFrame, targets: pd.DataFrame, group_keys: list) -> pd.DataFrame:
    """Keep target KPIs and give every group a row for each of them (missing -> no value)."""
    for column in _RESULT_COLUMNS[2:]:
        if column not in frame.columns:
            frame = frame.assign(**{column: np.nan})
    frame = frame[frame["kpi"].isin(targets["kpi"])]
    kpis = pd.DataFrame({"kpi": targets["kpi"]})
    if group_keys:
        groups = frame[group_keys].drop_duplicates()
        if groups.empty:
            return frame.iloc[0:0]
        grid = groups.merge(kpis, how="cross")
    else:
        grid = kpis
    merged = grid.merge(frame, on=[*group_keys, "kpi"], how="left")
    for column in _RESULT_COLUMNS[2:]:
        merged[column] = merged[column].astype(float)
    return merged


def _with_targets(table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    definitions = {kpi_id: kpi_definition(kpi_id) for kpi_id in targets["kpi"]}
    info = pd.DataFrame(
        {
            "kpi": list(definitions),
            "name": [d.name for d in definitions.values()],
            "unit": [d.unit for d in definitions.values()],
            "direction": [d.direction for d in definitions.values()],
        }
    )
    return table.merge(info, on="kpi", how="left").merge(targets, on="kpi", how="left")


def _apply_ramp(table, ramp: Ramp, keys, has_period, as_of) -> pd.DataFrame:
    if ramp.level not in keys:
        raise ValueError(
            f"Value of 'ramp': level {ramp.level!r} is not a grouping column; "
            f"grouping columns are {keys}"
        )
    if not has_period and as_of is None:
        raise ValueError("Value of 'as_of' is needed to apply 'ramp' to a frame without periods")
    at = table["period"] if has_period else pd.Series(pd.Timestamp(as_of), index=table.index)
    ramped = np.array(
        [ramp.applies(group, when) for group, when in zip(table[ramp.level], at, strict=True)],
        dtype=bool,
    )
    table = table.copy()
    table["ramped"] = ramped
    for column, direction in (("target", None), ("band_low", "higher")):
        eased = [
            ramp.ease(value, direction or row_direction) if flag and _finite(value) else value
            for value, flag, row_direction in zip(
                table[column], ramped, table["direction"], strict=True
            )
        ]
        table[column] = np.asarray(eased, dtype=float)
    return table


def _status(table: pd.DataFrame) -> np.ndarray:
    value = table["value"].to_numpy(dtype=float)
    target = table["target"].to_numpy(dtype=float)
    tolerance = table["tolerance"].to_numpy(dtype=float)
    low = table["band_low"].to_numpy(dtype=float)
    high = table["band_high"].to_numpy(dtype=float)
    direction = table["direction"].to_numpy()
    slack = _EPSILON * np.maximum(1.0, np.abs(np.nan_to_num(target)))
    with np.errstate(invalid="ignore"):
        # Signed shortfall: <= 0 means met, up to the tolerance means amber.
        shortfall = np.select(
            [direction == "higher", direction == "lower"],
            [target - value, value - target],
            default=np.maximum(low - value, value - high),
        )
        status = np.where(
            shortfall <= slack, "green", np.where(shortfall <= tolerance + slack, "amber", "red")
        )
    return np.where(np.isnan(value), "no data", status).astype(object)


def _with_trend(table: pd.DataFrame, keys: list, compare: bool, alpha: float) -> pd.DataFrame:
    columns = ["previous", "change", "p_value"]
    if not compare:
        table[columns] = np.nan
        table["trend"] = None
        table["improved"] = None
        return table
    table = table.sort_values([*keys, "kpi", "period"], kind="stable")
    groups = table.groupby([*keys, "kpi"], sort=False, dropna=False)
    before = {
        column: groups[column].shift(1)
        for column in ("value", "numerator", "denominator", "ci_low", "ci_high")
    }
    table["previous"] = before["value"]
    table["change"] = table["value"] - table["previous"]
    table["p_value"] = [
        _p_value(unit, *now, *then)
        for unit, now, then in zip(
            table["unit"],
            table[["value", "numerator", "denominator", "ci_low", "ci_high"]].to_numpy(float),
            np.column_stack([before[c] for c in before]).astype(float),
            strict=True,
        )
    ]
    has_change = table["change"].notna()
    significant = table["p_value"] < alpha
    table["trend"] = np.select(
        [~has_change, table["p_value"].isna(), ~significant, table["change"] > 0],
        [None, "untested", "flat", "up"],
        default="down",
    )
    table["trend"] = table["trend"].astype(object).where(has_change, None)
    table["improved"] = [
        _improved(row.direction, row.value, row.previous, row.band_low, row.band_high)
        if trend in ("up", "down") else None
        for row, trend in zip(table.itertuples(), table["trend"], strict=True)
    ]
    return table.sort_index()


def _p_value(unit, value, numerator, denominator, ci_low, ci_high,
             value0, numerator0, denominator0, ci_low0, ci_high0) -> float:
    if not (_finite(value) and _finite(value0)):
        return math.nan
    if not all(_finite(bound) for bound in (ci_low, ci_high, ci_low0, ci_high0)):
        return math.nan
    if unit == "percent":
        return two_proportion_z(numerator, denominator, numerator0, denominator0)
    se = math.hypot(ci_high - ci_low, ci_high0 - ci_low0) / (2 * Z_95)
    if se == 0:
        return math.nan
    return math.erfc(abs(value - value0) / se / math.sqrt(2))


def _improved(direction, value, previous, low, high) -> bool:
    if direction == "higher":
        return value > previous
    if direction == "lower":
        return value < previous
    def distance(v):
        return max(low - v, v - high, 0.0)
    return distance(value) < distance(previous)


def _credit(table: pd.DataFrame, credits: dict) -> np.ndarray:
    amounts = []
    for kpi_id, status in zip(table["kpi"], table["status"], strict=True):
        if kpi_id not in credits or status == "no data":
            amounts.append(math.nan)
        else:
            bonus, penalty = credits[kpi_id]
            amounts.append({"green": bonus, "amber": 0.0, "red": -penalty}[status])
    return np.asarray(amounts, dtype=float)


# --- the Scorecard object ------------------------------------------------------------------


class Scorecard:
    """A rated scorecard: the tidy table, area scores, composite score and exports.

    Built by :func:`scorecard` or :func:`rate`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group, period and KPI: grouping columns, ``period`` (with ``freq``),
        ``kpi, value, numerator, denominator, ci_low, ci_high, name, unit, direction, target,
        tolerance, weight, area, band_low, band_high, ramped, status, score, previous, change,
        p_value, trend, improved, credit``.
    by : list of str
        The grouping columns.

    Notes
    -----
    Scores: green 100, amber 50, red 0. An area score (and the composite over all KPIs) is the
    weight-averaged score of the KPIs with data, ``Σ wᵢ sᵢ / Σ wᵢ``; KPIs without data are
    left out of both sums, so missing data neither helps nor hurts. The composite weighs KPIs
    directly, not areas.
    """

    def __init__(self, table: pd.DataFrame, *, by=()):
        self.table = table.reset_index(drop=True)
        self.by = list(by)

    @property
    def _group_keys(self) -> list:
        return [*self.by, "period"] if "period" in self.table.columns else list(self.by)

    @property
    def areas(self) -> pd.DataFrame:
        """Area scores: grouping columns, [period], ``area``, ``score``, ``weight``, ``kpis``."""
        return _weighted_scores(self.table, [*self._group_keys, "area"])

    @property
    def composite(self) -> pd.DataFrame:
        """Composite score per group (and period): ``score``, ``weight``, ``kpis``."""
        return _weighted_scores(self.table, self._group_keys)

    @property
    def credit_total(self) -> float:
        """Sum of the SLA credits over the table (bonuses minus penalties); 0 without credits."""
        return float(self.table["credit"].sum(skipna=True))

    def current(self) -> "Scorecard":
        """The scorecard of the last period only (itself when there are no periods)."""
        if "period" not in self.table.columns or self.table.empty:
            return self
        last = self.table["period"].max()
        return Scorecard(self.table[self.table["period"] == last], by=self.by)

    def __repr__(self) -> str:
        counts = self.table["status"].value_counts()
        summary = ", ".join(f"{counts.get(status, 0)} {status}" for status in STATUSES)
        return f"<Scorecard: {len(self.table)} rows by {self.by or 'all'}; {summary}>"

    def _repr_html_(self) -> str:
        return _html(self.current())

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
        target = _checked_path(path, (".csv",), "path", must_exist=False)
        # CRLF line ends (RFC 4180) make the writer quote cells holding \r or \n.
        _neutralised(self.table).to_csv(target, index=False, lineterminator="\r\n")
        return target

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
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        target = _checked_path(path, (".xlsx",), "path", must_exist=False)
        workbook = Workbook()
        sheets = (("scorecard", self.table), ("areas", self.areas),
                  ("composite", self.composite))
        for position, (title, frame) in enumerate(sheets):
            sheet = workbook.active if position == 0 else workbook.create_sheet()
            sheet.title = title
            sheet.append(list(frame.columns))
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for record in frame.itertuples(index=False):
                sheet.append([_excel_value(value) for value in record])
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
            if "status" in frame.columns:
                column = list(frame.columns).index("status") + 1
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    tint = STATUS_TINTS.get(cell.value)
                    if tint:
                        cell.fill = PatternFill("solid", fgColor=tint.lstrip("#"))
        workbook.save(target)
        return target


def _weighted_scores(table: pd.DataFrame, keys: list) -> pd.DataFrame:
    rated = table.assign(
        _weighted=table["score"] * table["weight"],
        _weight=table["weight"].where(table["score"].notna(), 0.0),
        _rated=table["score"].notna().astype(int),
    )[[*keys, "_weighted", "_weight", "_rated"]]
    if keys:
        sums = rated.groupby(keys, sort=True, dropna=False).sum(min_count=0).reset_index()
    else:
        sums = rated.sum(min_count=0).to_frame().T
    sums["score"] = sums["_weighted"] / sums["_weight"].where(sums["_weight"] > 0)
    return sums.rename(columns={"_weight": "weight", "_rated": "kpis"})[
        [*keys, "score", "weight", "kpis"]
    ]


# --- formatting, HTML and export helpers ---------------------------------------------------


def format_value(value, unit: str) -> str:
    """Short text for a KPI value in its unit (``"–"`` when missing).

    >>> format_value(82.44, "percent"), format_value(311.6, "seconds"), format_value(None, "points")
    ('82.4 %', '312 s', '–')
    """
    if not _finite(value):
        return "–"
    value = float(value)
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "seconds":
        return f"{value:.0f} s"
    if unit == "currency":
        return f"{value:.2f}"
    return f"{value:.1f}"


def target_text(row) -> str:
    """The target of a table row as text: ``"≥ 75.0 %"``, ``"≤ 300 s"``, ``"75.0 %–85.0 %"``."""
    if row["direction"] == "band":
        low, high = (format_value(row[edge], row["unit"]) for edge in ("band_low", "band_high"))
        return f"{low}–{high}"
    sign = "≥" if row["direction"] == "higher" else "≤"
    return f"{sign} {format_value(row['target'], row['unit'])}"


def _html(card: Scorecard) -> str:
    table = card.table
    head = [*card.by, "KPI", "value", "target", "status", "trend", "score"]
    rows = []
    for _, row in table.iterrows():
        status = row["status"]
        trend = row["trend"] if isinstance(row["trend"], str) else None
        cells = [html.escape(str(row[key])) for key in card.by]
        cells += [
            html.escape(row["name"]),
            html.escape(format_value(row["value"], row["unit"])),
            html.escape(target_text(row) + (" (ramp)" if row["ramped"] else "")),
            f"<span style='background:{STATUS_TINTS[status]};padding:0 6px'>"
            f"{STATUS_MARKS[status]} {html.escape(STATUS_LABELS[status])}</span>",
            html.escape(f"{TREND_MARKS[trend]} {trend}" if trend else ""),
            html.escape(_score_text(row["score"])),
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    scores = " · ".join(
        " ".join([*(str(record[key]) for key in card.by), _score_text(record["score"])])
        for _, record in card.composite.iterrows()
    )
    period = ""
    if "period" in table.columns and len(table):
        period = f" · period {html.escape(str(table['period'].iloc[0]))}"
    return (
        "<div class='kpikit-scorecard'>"
        f"<p><strong>Composite score</strong>{period}: {html.escape(scores) or '–'}</p>"
        "<table><thead><tr>"
        + "".join(f"<th>{html.escape(str(name))}</th>" for name in head)
        + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def _score_text(score) -> str:
    return "–" if not _finite(score) else f"{score:.0f}"


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` whose text cells cannot start a spreadsheet formula."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda cell: "'" + cell if isinstance(cell, str) and cell.startswith(
                    _FORMULA_PREFIXES) else cell
            )
    return safe


def _excel_value(value):
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _checked_path(path, suffixes, argument: str, *, must_exist: bool) -> Path:
    if not isinstance(path, str | PathLike):
        raise TypeError(
            f"Value of {argument!r} must be a file path but received: {type(path).__name__}"
        )
    candidate = Path(path).expanduser()
    if candidate.suffix.lower() not in suffixes:
        raise ValueError(
            f"Value of {argument!r} must end with one of {list(suffixes)} but received: "
            f"{str(path)!r}"
        )
    if must_exist and not candidate.is_file():
        raise ValueError(f"Value of {argument!r} is not an existing file: {str(path)!r}")
    if not must_exist and not candidate.parent.is_dir():
        raise ValueError(
            f"Value of {argument!r} is in a folder that does not exist: {str(candidate.parent)!r}"
        )
    return candidate


def _to_pandas(frame) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame):
        return frame
    native = nw.from_native(frame)
    if isinstance(native, nw.LazyFrame):
        native = native.collect()
    return native.to_pandas()


def _last_arrival(data):
    from kpikit.schema import Dataset

    contacts = data.contacts if isinstance(data, Dataset) else data
    frame = nw.from_native(contacts)
    latest = frame.select(nw.col("arrived_at").max())
    if isinstance(latest, nw.LazyFrame):
        latest = latest.collect()
    return latest.item()


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False

