"""Control limits of a KPI's trend (process behaviour charts), :func:`kpikit.stats.control_limits`.

Laney's p′ chart and the p chart for rates of counts, the individuals (XmR) chart for every
other KPI, and the signals (a value beyond a limit, a run on one side of the center).
"""

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from kpikit._frames import pandas_frame
from kpikit._validators import check_choice, check_timestamp, column_names, shown
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition

D2 = 1.128
"""Bias constant d2 for moving ranges of two values: the mean moving range of independent
normal values is d2 times their standard deviation (published tables of SPC constants)."""

E2 = 2.66
"""Individuals-chart factor: 3-sigma limits lie ``E2`` mean moving ranges from the center,
3 / d2 = 3 / 1.128 = 2.66 as the published tables round it."""

RUN_LENGTH = 8
"""Consecutive values on one side of the center that signal a shift (the run rule)."""

CONTROL_METHODS = ("auto", "laney", "p", "xmr")
"""Values of ``method`` in :func:`control_limits`."""


def control_limits(frame, *, kpi=None, by=None, method="auto", baseline=None) -> pd.DataFrame:
    """Control limits of a KPI's trend, and the periods that signal a real change.

    A process behaviour chart separates common-cause noise, the period-to-period wobble a
    stable process always shows, from a signal worth looking into. The limits are computed
    from the periods of ``baseline`` (all periods by default) and applied to every period.

    Parameters
    ----------
    frame : DataFrame
        Output of ``kk.compute(data, freq=...)``: columns ``period`` and ``value`` (and
        ``numerator``, ``denominator`` for the p and p′ charts; ``kpi`` when it holds several
        KPIs), one row per period (per group with ``by``). pandas or any frame narwhals
        supports (polars, DuckDB, ...), which is collected into pandas.
    kpi : str, default=None
        The KPI to chart, a value of the ``kpi`` column. Required when the frame holds several
        KPIs or has no ``kpi`` column (it tells the method and the range of values).
    by : str or list of str, default=None
        Grouping column(s): limits are computed for each group on its own.
    method : {"auto", "laney", "p", "xmr"}, default="auto"
        ``"auto"`` takes Laney's p′ chart for KPIs the catalog describes as a rate of counts
        (those with a Wilson interval: service level, abandonment, FCR, CSAT, ...) and the
        individuals chart (XmR) for every other (AHT, ASA, NPS, occupancy, cost per contact,
        counts). ``"p"`` is the plain p chart, for rates of counts only.
    baseline : (start, end), default=None
        The periods the limits are learned from, both ends included; either end may be
        None (open). The limits then apply to every period: fix them on a stable stretch
        (phase I) and watch later periods against them (phase II). None learns from all.

    Returns
    -------
    pandas.DataFrame
        The rows of ``kpi``, ordered by ``by`` then ``period``, with four more columns:
        ``center``, ``lcl`` and ``ucl`` (lower and upper control limits, on the KPI's scale)
        and ``signal`` (text, or None).

    Raises
    ------
    ValueError
        A missing column, a KPI the frame does not hold, several rows for one period (of one
        group), an unknown ``method``, a p or p′ chart for a KPI that is not a rate of counts,
        a ``baseline`` that selects no period, or values a chart cannot use: off the KPI's
        scale (an AHT below 0, a percent above 100; the message counts the rows and shows the
        first), for a p or p′ chart a ``value`` that is not ``numerator / denominator`` on the
        KPI's scale (0.8 for 80 %: off by more than 0.5; a null beside counts too) or one
        without a ``numerator`` or ``denominator``, a value where ``denominator`` is 0 (0/0
        is null, as ``kk.compute`` gives it), or values so large that an upper limit passes
        the float range (about 1.8e308).
    TypeError
        Text among the numbers, or a ``baseline`` that is not a (start, end) pair of periods
        comparable with the ``period`` column (a Timestamp against periods written as text).

    Notes
    -----
    **p′ chart (Laney)**, for a rate of counts, on periods i with ``numerator`` x_i and
    ``denominator`` n_i: p̄ = Σx_i / Σn_i over the baseline, σ_i = √(p̄(1−p̄)/n_i),
    z_i = (x_i/n_i − p̄)/σ_i, σ_z = (mean moving range of z) / d2 with d2 = 1.128 (moving
    ranges of two values), and limits p̄ ± 3·σ_i·σ_z. The limits step with each period's
    n_i. σ_z widens the p chart when the periods vary more than the binomial model allows
    (overdispersion, usual with thousands of contacts a week) and narrows it when less.
    **p chart**: the same with σ_z = 1. Both are shown on the KPI's scale (×100 for a
    percent) and kept within 0..100.

    **Individuals chart (XmR)**: center = mean of the baseline values, limits
    center ± 2.66·(mean moving range), 2.66 = 3/d2 = 3/1.128; kept within the values the KPI
    can take (NPS −100..100, percents 0..100, nothing below 0 for times, amounts and counts).

    Moving ranges are |difference| between consecutive values with a value. A row whose value
    is null (a zero denominator) gets null limits and no signal and is left out of the center
    and the moving ranges. A group with fewer than 2 values in its baseline gets null center
    and limits and no signal.

    **Signals**, in ``signal``, joined by "; " when several apply:

    - "above the upper limit" / "below the lower limit": the value is beyond a limit;
    - "8 in a row above the center" / "8 in a row below the center": the value is the 8th or
      a later one of consecutive values on the same side of the center (a value exactly on
      the center ends a run; a null value neither ends nor extends one).

    A signal says the process changed, not whether for the better: for which way is better,
    see the catalog (``kk.kpi(kpi).direction``).

    References
    ----------
    Wheeler, D. J., *Understanding Variation* (2nd ed., 2000): individuals chart, 2.66.
    Laney, D. B. (2002), "Improved control charts for attributes", *Quality Engineering*
    14(4), 531-537: the p′ chart. Montgomery, D. C., *Introduction to Statistical Quality
    Control*: d2 = 1.128 for n = 2, the p chart and the run rule.

    Examples
    --------
    AHT of five weeks, limits learned from the first four (mean 300 s, moving ranges 10, 20
    and 10 s, mean 13.33 s; 300 ± 2.66 × 13.33 = 264.5 to 335.5 s):

    >>> weeks = pd.DataFrame({
    ...     "period": pd.date_range("2024-01-01", periods=5, freq="W-MON"),
    ...     "kpi": "aht", "value": [300.0, 310.0, 290.0, 300.0, 360.0]})
    >>> chart = control_limits(weeks, kpi="aht", baseline=(None, "2024-01-22"))
    >>> chart[["value", "center", "lcl", "ucl"]].round(1).iloc[-1].tolist()
    [360.0, 300.0, 264.5, 335.5]
    >>> chart["signal"].tolist()
    [None, None, None, None, 'above the upper limit']
    """
    rows = pandas_frame(frame, "frame")
    _require(rows, ["period", "value"])
    kpi_id, rows = _rows_of_kpi(rows, kpi, KPI_IDS)
    definition = kpi_definition(kpi_id)
    by = column_names("by", by)
    _require(rows, by)
    check_choice("method", method, CONTROL_METHODS, "a control chart method")
    proportion = definition.interval == "wilson"
    if method == "auto":
        method = "laney" if proportion else "xmr"
    if method != "xmr" and not proportion:
        raise ValueError(
            f"Value of 'method' {method!r} (a p chart) needs a KPI that is a rate of counts, but "
            f"{kpi_id!r} is not (its catalog interval is {definition.interval!r}): use "
            "method='xmr' or 'auto'"
        )
    numbers_of = ["value", *(("numerator", "denominator") if method != "xmr" else ())]
    _require(rows, numbers_of)
    if rows["period"].isna().any():
        raise ValueError(
            f"Value of 'frame' has {int(rows['period'].isna().sum())} row(s) without a "
            "'period': drop them or fill them in"
        )
    _refuse_repeated_periods(rows, by)
    rows = rows.sort_values([*by, "period"], kind="stable").reset_index(drop=True)
    value, numerator, denominator = (
        _number_column(rows, column) if column in numbers_of else None
        for column in ("value", "numerator", "denominator")
    )
    if method != "xmr":
        known = ~np.isnan(numerator) & ~np.isnan(denominator)
        _refuse_rows(
            rows[[*by, "period", *numbers_of]],
            known & ((numerator < 0) | (numerator > denominator)),
            "must have 0 <= numerator <= denominator for a p chart",
        )
        # the limits come from the counts: a value without them was left out of the chart
        # (null limits, no signal) without a word
        _refuse_rows(
            rows[[*by, "period", *numbers_of]],
            ~known & ~np.isnan(value),
            "must have a numerator and denominator beside each value for a p chart (its "
            "center and limits come from the counts)",
        )
        usable = known & (denominator > 0)  # its value, when null, is refused just below
        _refuse_rows(
            rows[[*by, "period", *numbers_of]],
            _off_ratio(value, numerator, denominator, usable, definition.scale),
            f"must have value = {definition.scale:g} × numerator / denominator (to within "
            f"{RATIO_TOLERANCE:g}, as rounding leaves it) for a p chart",
        )
    else:
        usable = ~np.isnan(value)
    _refuse_value_of_nothing(rows, by, value, denominator)
    low_end, high_end = definition.value_range
    _refuse_rows(
        rows[[*by, "period", *numbers_of]],
        (value < low_end) | (value > high_end),
        f"must have values {_range_text(low_end, high_end)} for {kpi_id!r}",
    )
    fitted = usable & _baseline_mask(rows["period"], baseline)
    center, lcl, ucl = (np.full(len(rows), np.nan) for _ in range(3))
    signal = [None] * len(rows)
    groups = rows.groupby(by, sort=False, dropna=False, observed=True).ngroup() if by else None
    for code in [0] if groups is None else np.unique(groups):
        at = np.arange(len(rows)) if groups is None else np.flatnonzero(groups.to_numpy() == code)
        fit = fitted[at]
        if fit.sum() < 2:
            continue
        if method == "xmr":
            middle, half = _individuals_limits(value[at][fit])
            half = np.full(len(at), half)
        else:
            middle, half = _proportion_limits(numerator[at], denominator[at], fit, method)
            middle, half = middle * definition.scale, half * definition.scale
        center[at] = middle
        lcl[at] = np.where(usable[at], np.clip(middle - half, low_end, high_end), np.nan)
        ucl[at] = np.where(usable[at], np.clip(middle + half, low_end, high_end), np.nan)
        for position, text in zip(
            at, _signals(value[at], usable[at], middle, lcl[at], ucl[at]), strict=True
        ):
            signal[position] = text
    return rows.assign(center=center, lcl=lcl, ucl=ucl, signal=pd.Series(signal, dtype=object))


RATIO_TOLERANCE = 0.5
"""How far a p chart's ``value`` may stray from ``scale × numerator / denominator``: rounding
to whole percents, no more."""


def _off_ratio(value, numerator, denominator, counted, scale: float) -> np.ndarray:
    """Rows with counts (``counted``: a denominator above 0) whose ``value`` is not
    ``scale × numerator / denominator`` (within :data:`RATIO_TOLERANCE`), or is null: the p
    chart's limits come from the counts and its signals from the value, so a value given as a
    share (0.8 for 80 %) was flagged below every limit, and a null value beside its counts
    (9 of 10) left the period out of p̄ unsaid.

    >>> _off_ratio(np.array([80.0, 0.8, 79.6, np.nan]), np.array([80.0] * 4),
    ...            np.array([100.0] * 4), np.array([True] * 4), 100.0).tolist()
    [False, True, False, True]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = scale * (numerator / denominator)
    return counted & ~(np.abs(value - ratio) <= RATIO_TOLERANCE)


def _refuse_value_of_nothing(rows: pd.DataFrame, by: list, value, denominator) -> None:
    """Refuse a value where the ``denominator`` column (when the frame has one) is 0: no KPI
    value exists there (``kk.compute`` gives null), and an AHT of 0 s (a null filled with 0)
    was charted as a real period, pulling the individuals chart's center and limits.

    >>> rows = pd.DataFrame({"period": ["2024-01-01", "2024-01-08"], "value": [300.0, 0.0],
    ...                      "denominator": [10, 0]})
    >>> _refuse_value_of_nothing(rows, [], rows["value"].to_numpy(), None)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'frame' must have a null value where the denominator is 0 (0/0 is no
    KPI value), but 1 row(s) do not (first: period=2024-01-08, value=0.0, denominator=0): pass the
    output of kk.compute, or correct those rows
    """
    if "denominator" not in rows.columns:
        return
    if denominator is None:
        denominator = _number_column(rows, "denominator")
    _refuse_rows(
        rows[[*by, "period", "value", "denominator"]],
        (denominator == 0) & ~np.isnan(value),
        "must have a null value where the denominator is 0 (0/0 is no KPI value)",
    )


def _refuse_rows(rows: pd.DataFrame, bad: np.ndarray, problem: str) -> None:
    """Raise a ValueError saying ``problem``, how many of ``rows`` are ``bad`` and the first
    three of them (their groups, period and numbers)."""
    if not bad.any():
        return
    first = "; ".join(
        ", ".join(f"{column}={value!s}" for column, value in row.items())
        for _, row in rows.loc[bad].head(3).iterrows()
    )
    raise ValueError(
        f"Value of 'frame' {problem}, but {int(bad.sum())} row(s) do not (first: {first}): "
        "pass the output of kk.compute, or correct those rows"
    )


def _range_text(low: float, high: float) -> str:
    return f"from {low:g} to {high:g}" if np.isfinite(high) else f">= {low:g}"


def _power_of_two_below(values: np.ndarray) -> float:
    """The power of two at or just below the largest magnitude in ``values`` (0.5 when all
    are 0): dividing by it is exact, so sums of the quotients neither overflow nor round
    differently."""
    return float(np.ldexp(1.0, np.frexp(np.abs(values).max())[1] - 1))


def _individuals_limits(values: np.ndarray) -> tuple[float, float]:
    """Center (the mean) and half-width 2.66 × mean moving range of an individuals chart.

    Worked on ``values`` divided by a power of two (:func:`_power_of_two_below`): values near
    1e308 would overflow their sum and their moving ranges (1.7e308 - (-1.7e308)); the
    result is the same bit for bit otherwise. A ValueError when the upper limit itself passes
    the float range.

    >>> center, half = _individuals_limits(np.array([1e308, 1.2e308, 1.1e308]))
    >>> float(center), round(float(half) / 1e307, 2)   # moving ranges 2e307 and 1e307
    (1.1e+308, 3.99)
    >>> _individuals_limits(np.array([1.5e308, 1.7e308, 1.6e308]))  # 1.6e308 + 3.99e307
    Traceback (most recent call last):
    ...
    ValueError: Value of 'frame' has values in column 'value' too large for control limits: ...
    """
    unit = _power_of_two_below(values)
    scaled = values / unit
    center = scaled.mean() * unit
    with np.errstate(over="ignore"):  # refused below
        half = E2 * np.abs(np.diff(scaled)).mean() * unit
        top = center + half
    if not np.isfinite(top):
        raise ValueError(
            "Value of 'frame' has values in column 'value' too large for control limits: the "
            f"upper limit (center {center:g} + 2.66 × mean moving range) passes the float "
            f"range (about 1.8e308); the values run from {values.min():g} to {values.max():g}. "
            "Express them in a larger unit (thousands, say)"
        )
    return center, half


def _require(rows: pd.DataFrame, columns) -> None:
    missing = [column for column in columns if column not in rows.columns]
    if missing:
        raise ValueError(
            f"Value of 'frame' is missing column(s) {missing}; it has {list(rows.columns)}. "
            "Pass the output of kk.compute(data, freq=...)"
        )


def _rows_of_kpi(rows: pd.DataFrame, kpi, kpi_ids) -> tuple[str, pd.DataFrame]:
    """The KPI to chart and its rows: ``kpi``, or the only KPI of the ``kpi`` column. A frame
    without rows (every period still provisional, say) has no rows of ``kpi`` either: its
    chart is empty, not an error."""
    if "kpi" not in rows.columns or rows.empty:
        if kpi is None:
            raise ValueError(
                "Value of 'kpi' is required when 'frame' has no 'kpi' column or no rows: it "
                "tells the method and the values the KPI can take. Expected one of "
                f"{list(kpi_ids)}"
            )
        return check_choice("kpi", kpi, kpi_ids, "a KPI id"), rows
    present = list(dict.fromkeys(rows["kpi"].dropna()))
    if kpi is None:
        if len(present) != 1:
            raise ValueError(
                f"Value of 'kpi' is required when 'frame' holds {len(present)} KPIs: pass one "
                f"of {present}"
            )
        kpi = present[0]
    check_choice("kpi", kpi, present, "a KPI of 'frame'")
    return kpi, rows[rows["kpi"] == kpi]


def _refuse_repeated_periods(rows: pd.DataFrame, by: list[str]) -> None:
    keys = [*by, "period"]
    repeated = rows[rows.duplicated(keys, keep=False)]
    if repeated.empty:
        return
    first = ", ".join(f"{key}={repeated.iloc[0][key]!s}" for key in keys)
    raise ValueError(
        f"Value of 'frame' must have one row per {' and '.join(keys)} but {len(repeated)} rows "
        f"share one (first: {first}): pass the column(s) that tell them apart as 'by', or "
        "filter the frame"
    )


def _number_column(rows: pd.DataFrame, column: str) -> np.ndarray:
    values = rows[column]
    if pd.api.types.is_bool_dtype(values) or not (
        pd.api.types.is_numeric_dtype(values) or values.isna().all()
    ):
        converted = pd.to_numeric(values, errors="coerce")
        if pd.api.types.is_bool_dtype(values) or (converted.isna() & values.notna()).any():
            raise TypeError(
                f"Value of 'frame' must hold numbers in column {column!r} but received: "
                f"{shown(values[values.notna()].head(3).tolist())}"
            )
        values = converted
    floats = values.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(floats).any():
        raise ValueError(f"Value of 'frame' must hold finite numbers in column {column!r}")
    return floats


def _baseline_mask(periods: pd.Series, baseline) -> np.ndarray:
    """Which ``periods`` fall in ``baseline``, a (start, end) pair, both ends included."""
    if baseline is None:
        return np.ones(len(periods), dtype=bool)
    if not (isinstance(baseline, tuple | list) and len(baseline) == 2):
        raise TypeError(
            "Value of 'baseline' must be a (start, end) pair of periods such as "
            f"('2026-06-01', '2026-07-20'), either end None, but received: {shown(baseline)}"
        )
    periods = _as_times(periods)
    zone = getattr(periods.dtype, "tz", None)
    dates = pd.api.types.is_datetime64_any_dtype(periods)
    ends = []
    for end in baseline:
        if end is not None and dates:
            end = check_timestamp("baseline", end)
            if zone is not None and end.tz is None:
                end = end.tz_localize(zone)
            elif zone is None and end.tz is not None:
                raise ValueError(
                    "Value of 'baseline' must hold naive dates like the 'period' column, but "
                    f"received: {end!r}"
                )
        ends.append(end)
    start, stop = ends
    try:
        if start is not None and stop is not None and start > stop:
            raise ValueError(
                f"Value of 'baseline' must have start <= end but received: {baseline!r}"
            )
        inside = np.ones(len(periods), dtype=bool)
        if start is not None:
            inside &= (periods >= start).to_numpy()
        if stop is not None:
            inside &= (periods <= stop).to_numpy()
    except TypeError:  # text periods and a Timestamp end: "'>=' not supported between ..."
        example = "".join(f", such as {shown(first)}" for first in periods.dropna().head(1))
        raise TypeError(
            "Value of 'baseline' must hold periods of the kind the 'period' column holds "
            f"({periods.dtype}{example}), either end None, but received: {shown(baseline)}"
        ) from None
    if len(periods) and not inside.any():
        raise ValueError(
            f"Value of 'baseline' selects no period: the frame's periods run from "
            f"{periods.min()} to {periods.max()}, but received: {baseline!r}"
        )
    return inside


def _as_times(periods: pd.Series) -> pd.Series:
    """``periods`` as NumPy timestamps when they hold dates of another kind (``datetime.date``
    objects, Arrow dates), so a ``baseline`` given as text or Timestamps compares with them;
    else unchanged.

    >>> _as_times(pd.Series([dt.date(2024, 1, 1), None])).tolist()
    [Timestamp('2024-01-01 00:00:00'), NaT]
    """
    if isinstance(periods.dtype, pd.ArrowDtype):
        is_date = pa.types.is_date(periods.dtype.pyarrow_dtype)
        return periods.astype("datetime64[ns]") if is_date else periods
    if periods.dtype == object:
        present = periods.dropna()
        if len(present) and all(isinstance(value, dt.date) for value in present):
            try:
                return pd.to_datetime(periods)
            except (TypeError, ValueError):  # times of several zones: compared as they are
                return periods
    return periods


def _proportion_limits(numerator, denominator, fit, method: str):
    """Center p̄ and half-widths 3·σ_i·σ_z on the 0..1 scale (σ_z = 1 for the p chart)."""
    unit = _power_of_two_below(denominator[fit])  # sums of counts near 1e308 overflow
    p_bar = (numerator[fit] / unit).sum() / (denominator[fit] / unit).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(p_bar * (1 - p_bar) / denominator)
    sigma_z = 1.0
    if method == "laney" and 0 < p_bar < 1:  # at p̄ = 0 or 1 every σ_i is 0: no spread to scale
        z = (numerator[fit] / denominator[fit] - p_bar) / sigma[fit]
        sigma_z = np.abs(np.diff(z)).mean() / D2
    return p_bar, 3 * sigma * sigma_z


def _signals(value, usable, center: float, lcl, ucl) -> list:
    """The signal text of each period (None when there is none), in period order."""
    texts, side_of_run, run = [], 0, 0
    for number, known, low, high in zip(value, usable, lcl, ucl, strict=True):
        if not known:
            texts.append(None)
            continue
        on_center = np.isclose(number, center, rtol=1e-9, atol=1e-12)
        side = 0 if on_center else 1 if number > center else -1
        run = run + 1 if side != 0 and side == side_of_run else int(side != 0)
        side_of_run = side
        found = []
        if number > high and not np.isclose(number, high, rtol=1e-9, atol=1e-12):
            found.append("above the upper limit")
        elif number < low and not np.isclose(number, low, rtol=1e-9, atol=1e-12):
            found.append("below the lower limit")
        if run >= RUN_LENGTH:
            found.append(f"{RUN_LENGTH} in a row {'above' if side > 0 else 'below'} the center")
        texts.append("; ".join(found) or None)
    return texts
