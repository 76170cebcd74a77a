"""Trade-offs between two KPIs across agents, teams or queues: reshaping and a fitted line.

:func:`pivot_kpis` turns the tidy output of :func:`kpikit.compute` into one row per group and
one column per KPI (plus the answered volume); :func:`fit_line` fits a straight line through
the groups, with the 95 % band of the fitted mean and the Pearson correlation, and projects
"what if x moved by d" from the slope.

The relation is an association between groups, not a causal effect: a projection says what the
fitted line implies, nothing more, and every display of it should say so.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit._frames import pandas_frame
from kpikit._validators import check_choice, check_flag, check_number, check_unique_columns
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import (
    DECIMALS,
    decimals_apart,
    format_value,
    rated_value_text,
    rounded_as_shown,
    signed_text,
)
from kpikit.stats import _floats, t_quantile_975

__all__ = [
    "MAX_MOVE",
    "MIN_FIT_POINTS",
    "VOLUME",
    "LineFit",
    "Projection",
    "correlation_text",
    "describe_projection",
    "extrapolates",
    "extrapolation_text",
    "fit_line",
    "pivot_kpis",
    "project_kpis",
    "scale_words",
]

VOLUME = "volume"
"""Column added by :func:`pivot_kpis`: answered contacts, the denominator of AHT (or ASA)."""

MAX_MOVE = 10.0
"""Largest what-if move of x :meth:`LineFit.project` takes, in multiples of the larger of the
mean of x (absolute) and its standard deviation: far beyond the data the fitted line says
nothing, and the projected change would be a meaningless (or overflowing) number."""

MIN_FIT_POINTS = 3
"""Fewest groups a relation is fitted, drawn and projected from: a line through two points
fits them exactly, with r = ±1 and no band (its spread needs ``n - 2`` degrees of freedom)."""

_RESULT_COLUMNS = ("kpi", "value", "numerator", "denominator", "ci_low", "ci_high")
_VOLUME_SOURCES = ("aht", "asa")


def pivot_kpis(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per group, one column per KPI value, plus the answered volume.

    Parameters
    ----------
    frame : dataframe
        Tidy :func:`kpikit.compute` output on any engine (pandas, polars, DuckDB, ...):
        grouping columns (and ``period``), ``kpi``, ``value``, ``numerator``, ``denominator``,
        ``ci_low``, ``ci_high``.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, one column per KPI id holding its value, and ``volume`` (answered
        contacts: the denominator of ``aht``, else of ``asa``) when either KPI is present.

    Examples
    --------
    >>> tidy = pd.DataFrame({"team": ["a", "a", "b", "b"], "kpi": ["aht", "csat"] * 2,
    ...                      "value": [300.0, 80.0, 360.0, 85.0],
    ...                      "numerator": [3000.0, 8, 7200.0, 17],
    ...                      "denominator": [10, 10, 20, 20]})
    >>> pivot_kpis(tidy)
      team    aht  csat  volume
    0    a  300.0  80.0      10
    1    b  360.0  85.0      20
    """
    frame = check_unique_columns("frame", _tidy_frame(frame))
    if "kpi" not in frame.columns or "value" not in frame.columns:
        raise ValueError(
            "Value of 'frame' must be tidy kpikit.compute output with columns 'kpi' and 'value' "
            f"but received columns: {list(frame.columns)}"
        )
    keys = [column for column in frame.columns if column not in _RESULT_COLUMNS]
    _check_kpi_ids(frame)
    _check_one_row_per_kpi(frame, keys)
    wide = _wide(frame, keys, "value")
    source = next((kpi_id for kpi_id in _VOLUME_SOURCES if kpi_id in wide.columns), None)
    if source is not None and "denominator" in frame.columns:
        # Pivoted as the values are, so every group (a missing one too) keeps its volume.
        wide[VOLUME] = _wide(frame, keys, "denominator")[source].to_numpy()
    return wide.reset_index(drop=not keys)


def _tidy_frame(frame) -> pd.DataFrame:
    """``frame`` as pandas: :func:`kpikit.compute` output on any engine (polars, DuckDB, ...)."""
    try:
        return pandas_frame(frame, "frame")
    except TypeError:
        raise TypeError(
            "Value of 'frame' must be a dataframe (tidy kpikit.compute output) but "
            f"received: {frame!r} ({type(frame).__name__})"
        ) from None


def _wide(frame: pd.DataFrame, keys: list, column: str) -> pd.DataFrame:
    """``column`` with one row per group and one column per KPI."""
    if keys:
        wide = frame.set_index([*keys, "kpi"])[column].unstack("kpi")
    else:
        wide = frame.set_index("kpi")[column].to_frame().T
    wide.columns.name = None
    return wide


def _check_kpi_ids(frame: pd.DataFrame) -> None:
    """Refuse rows without a KPI id: pivoted, they would make a column named NaN."""
    missing = frame.index[frame["kpi"].isna().to_numpy(bool)]
    if len(missing):
        raise ValueError(
            f"Value of 'frame' must have a KPI id in every 'kpi' but {len(missing)} rows have "
            f"none, first rows {missing[:5].tolist()}"
        )


def _check_one_row_per_kpi(frame: pd.DataFrame, keys: list) -> None:
    repeated = frame[frame.duplicated([*keys, "kpi"], keep=False)]
    if not repeated.empty:
        row = repeated.iloc[0]
        where = ", ".join(f"{name}={row[name]!r}" for name in [*keys, "kpi"])
        raise ValueError(
            "Value of 'frame' must have one row per group and KPI but received more than one "
            f"row for {where} ({len(repeated)} rows share a group and KPI, first rows "
            f"{repeated.index[:5].tolist()})"
        )


@dataclass(frozen=True)
class Projection:
    """Change in y implied by the fitted line when x moves by ``delta_x``, with its 95 % range."""

    delta_x: float
    delta_y: float
    low: float
    high: float


@dataclass(frozen=True)
class LineFit:
    """A fitted straight line ``y = intercept + slope · x`` and what is needed for its band.

    Attributes
    ----------
    slope, intercept : float
        Least-squares coefficients (weighted when weights were given).
    r : float
        Pearson correlation of x and y (weighted likewise).
    n : int
        Number of points used (pairs with finite x, y and a positive weight).
    x_mean, sxx, sum_weights : float
        Weighted mean of x, ``Σ w (x - x̄)²`` (inf when it exceeds the float range, as for x
        near 1e200; nothing else uses it) and ``Σ w``.
    residual_se : float
        ``s = √(Σ w (y - ŷ)² / (n - 2))``.
    slope_se : float
        Standard error of the slope, ``s / √sxx``.
    x_sd : float
        Weighted standard deviation of x, ``√(sxx / Σw)``: finite where ``sxx`` overflows, so
        :meth:`project` can bound the move of x.
    """

    slope: float
    intercept: float
    r: float
    n: int
    x_mean: float
    sxx: float
    sum_weights: float
    residual_se: float
    slope_se: float
    x_sd: float

    def predict(self, x):
        """Fitted mean of y at ``x``."""
        return self.intercept + self.slope * np.asarray(x, dtype=float)

    def band(self, x):
        """95 % confidence band of the fitted mean at ``x``: ``(low, high)`` arrays.

        ``ŷ ± t(0.975, n-2) · s · √(1/Σw + (x - x̄)²/sxx)``, computed as
        ``ŷ ± t · √(s²/Σw + ((x - x̄) · slope_se)²)``; NaN when ``n < 3``.
        """
        x = np.asarray(x, dtype=float)
        # s²/sxx = slope_se², so the band needs neither sxx nor a square of x.
        half = self._t() * np.hypot(
            self.residual_se / np.sqrt(self.sum_weights), (x - self.x_mean) * self.slope_se
        )
        fitted = self.predict(x)
        return fitted - half, fitted + half

    def project(self, delta_x: float, *, name: str = "delta_x") -> Projection:
        """What the fitted line implies for y when x moves by ``delta_x``.

        ``Δy = slope · Δx``, with the range ``Δx · (slope ± t · slope_se)``. ``delta_x`` must
        be a finite number of at most :data:`MAX_MOVE` times the larger of ``|x̄|`` and the
        standard deviation of x. A change or range beyond the float range raises ValueError
        rather than coming back as inf. The errors call the move ``name``: the caller's
        argument (``what_if`` for a chart's or a dashboard's).

        A fit of fewer than :data:`MIN_FIT_POINTS` points, or of points that all have the same
        x, has no line to project from, as the chart and the dashboard say: ValueError (it was
        a change of nan, or one without its range from two points).

        >>> fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])
        >>> fit.project(1e308)
        Traceback (most recent call last):
        ...
        ValueError: Value of 'delta_x' (the what-if move of x) must be a finite number from -3300
        to 3300 (10 times the larger of the mean of x, 330, and its standard deviation, 67.08),
        but received: 1e+308
        """
        _check_fitted(self)
        check_number(name, delta_x)
        spread = self.x_sd
        limit = MAX_MOVE * max(abs(self.x_mean), spread)
        if np.isfinite(limit) and abs(delta_x) > limit:
            raise ValueError(
                f"Value of {name!r} (the what-if move of x) must be a finite number from "
                f"{-limit:.4g} to {limit:.4g} ({MAX_MOVE:g} times the larger of the mean of x, "
                f"{self.x_mean:.4g}, and its standard deviation, {spread:.4g}), but received: "
                f"{delta_x!r}"
            )
        half = self._t() * self.slope_se * abs(delta_x)
        delta_y = self.slope * delta_x
        projection = Projection(
            float(delta_x), float(delta_y), float(delta_y - half), float(delta_y + half)
        )
        if any(np.isinf([projection.delta_y, projection.low, projection.high])):
            raise ValueError(
                f"The projected change of y for {name}={delta_x!r} is beyond the range of a "
                f"float ({projection.delta_y:.4g}, 95 % range {projection.low:.4g} to "
                f"{projection.high:.4g}); rescale 'y' (for example to thousands) before fitting"
            )
        return projection

    def _t(self) -> float:
        return float(t_quantile_975(self.n - 2)) if self.n >= 3 else float("nan")


def fit_line(x, y, weights=None) -> LineFit:
    """Least-squares line of y on x, its correlation and the pieces of its confidence band.

    With weights ``w`` (for example each agent's answered volume):

    ``x̄ = Σwx/Σw``, ``sxx = Σw(x-x̄)²``, ``sxy = Σw(x-x̄)(y-ȳ)``, ``slope = sxy/sxx``,
    ``intercept = ȳ - slope·x̄``, ``r = sxy/√(sxx·syy)``, ``s² = Σw(y-ŷ)²/(n-2)``.
    Without weights every ``w`` is 1 (ordinary least squares).

    Parameters
    ----------
    x, y : array-like
        Paired observations; pairs with a missing or infinite value are left out.
    weights : array-like, default=None
        Non-negative finite weights; pairs with zero or missing weight are left out. A
        negative or infinite weight raises ValueError with its positions (an infinite weight
        was left out silently, as if missing).

    Returns
    -------
    LineFit

    Notes
    -----
    Undefined quantities are NaN, never an error: slope and intercept need two distinct x
    values, ``r`` also needs y to vary, and the band, ``residual_se`` and ``slope_se`` need at
    least three points.

    The sums are taken on x, y and weights scaled by powers of 2, so values near 1e200 or
    1e-200 fit as well as small ones (``fit_line([1e200, 2e200, 3e200, 4e200], [2, 4, 5, 8])``
    has slope 1.9e-200 and the same ``r``). A result that does not fit in a float (a slope of
    1e400) raises ValueError rather than coming back as 0 or inf; the one exception is ``sxx``
    (1e400 for those x), which is inf and which nothing else uses (:meth:`LineFit.project`
    bounds its move with ``x_sd``).

    x, y and weights must be numbers: text (``"3"``) and booleans raise TypeError, like the
    intervals of :mod:`kpikit.stats`.

    Examples
    --------
    >>> fit = fit_line([1, 2, 3, 4], [2, 4, 5, 8])
    >>> round(fit.slope, 4), round(fit.intercept, 4), round(fit.r, 4)   # sxy 9.5, sxx 5
    (1.9, 0.0, 0.9812)
    >>> fit.project(10).delta_y
    19.0
    >>> fit_line([1, 1], [2, 3]).slope
    nan
    """
    x = _floats("x", x)
    y = _floats("y", y)
    w = np.ones_like(x) if weights is None else _floats("weights", weights)
    if not x.shape == y.shape == w.shape:
        raise ValueError(
            "Values of 'x', 'y' and 'weights' must have the same length but received: "
            f"{x.shape}, {y.shape}, {w.shape}"
        )
    _check_weights(w)
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(w) & (w > 0)
    n = int(keep.sum())
    if n == 0:
        nan = float("nan")
        return LineFit(nan, nan, nan, 0, nan, nan, 0.0, nan, nan, nan)
    # Scale x, y and w by powers of 2 (exact) so that no sum overflows, fit, and scale back.
    ex, ey, ew = _exponent(x[keep]), _exponent(y[keep]), 2 * ((_exponent(w[keep]) + 1) // 2)
    scaled = _fit_scaled(np.ldexp(x[keep], -ex), np.ldexp(y[keep], -ey), np.ldexp(w[keep], -ew))
    slope, intercept, r, x_mean, sxx, sum_w, residual_se, slope_se = scaled
    x_sd = float(np.sqrt(sxx / sum_w))  # of the scaled x: √(sxx/Σw) scales like x
    return LineFit(
        _unscale("slope", slope, ey - ex),
        _unscale("intercept", intercept, ey),
        r,
        n,
        _unscale("x_mean", x_mean, ex),
        _unscale("sxx", sxx, ew + 2 * ex, may_overflow=True),
        _unscale("sum_weights", sum_w, ew),
        _unscale("residual_se", residual_se, ey + ew // 2),
        _unscale("slope_se", slope_se, ey - ex),
        _unscale("x_sd", x_sd, ex),
    )


def _check_weights(w: np.ndarray) -> None:
    """Refuse negative and infinite weights, with how many and where (missing ones are left
    out by the fit).

    >>> _check_weights(np.array([np.inf, 1.0, 2.0, np.inf]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'weights' must be finite but 2 weight(s) are infinite (positions: 0,
    3); give each pair a finite weight, or 0 to leave it out
    """
    for bad, kind, problem in (
        (w < 0, "non-negative", "negative"),
        (np.isposinf(w), "finite", "infinite"),
    ):
        if bad.any():
            positions = ", ".join(map(str, np.flatnonzero(bad)[:5]))
            more = ", ..." if bad.sum() > 5 else ""
            raise ValueError(
                f"Value of 'weights' must be {kind} but {int(bad.sum())} weight(s) are {problem} "
                f"(positions: {positions}{more}); give each pair a finite weight, or 0 to leave "
                "it out"
            )


def _exponent(values: np.ndarray) -> int:
    """``e`` such that every ``|value| < 2**e`` (0 when all values are 0)."""
    return int(np.frexp(np.abs(values).max())[1])


def _fit_scaled(x, y, w) -> tuple:
    """The fit's quantities for x, y and w of order 1 (see :func:`fit_line` for the formulas)."""
    nan = float("nan")
    sum_w = float(w.sum())
    x_mean = float((w * x).sum() / sum_w)
    y_mean = float((w * y).sum() / sum_w)
    sxx = float((w * (x - x_mean) ** 2).sum())
    syy = float((w * (y - y_mean) ** 2).sum())
    sxy = float((w * (x - x_mean) * (y - y_mean)).sum())
    if sxx == 0:
        return nan, nan, nan, x_mean, sxx, sum_w, nan, nan
    slope = sxy / sxx
    intercept = y_mean - slope * x_mean
    r = nan
    if syy > 0:  # each root apart: the product sxx·syy of tiny weighted sums underflows to 0
        r = float(np.clip(sxy / np.sqrt(sxx) / np.sqrt(syy), -1.0, 1.0))
    residual_se = slope_se = nan
    if len(x) >= 3:
        residual_se = float(np.sqrt((w * (y - intercept - slope * x) ** 2).sum() / (len(x) - 2)))
        slope_se = float(residual_se / np.sqrt(sxx))
    return slope, intercept, r, x_mean, sxx, sum_w, residual_se, slope_se


def _unscale(name: str, value: float, exponent: int, *, may_overflow: bool = False) -> float:
    """``value · 2**exponent``; a ValueError when a non-zero value falls outside float range.

    Only ``sxx`` may overflow to inf (the band and the projection do not use it); an ``sxx``
    that underflows to 0 would read as "x does not vary", so it raises like the rest.
    """
    with np.errstate(over="ignore"):
        result = float(np.ldexp(value, exponent))
    lost = result == 0 or (np.isinf(result) and not may_overflow)
    if np.isfinite(value) and value != 0 and lost:
        rescaled = "'weights'" if name == "sum_weights" else "'x' or 'y'"
        raise ValueError(
            f"The fitted {name!r} is beyond the range of a float ({value!r} · 2**{exponent}); "
            f"rescale {rescaled} (for example to thousands or thousandths) before fitting"
        )
    return result


_DELTA_UNITS = {
    "percent": " percentage points",
    "seconds": " s",
    "points": " points",
    "currency": "",
    "count": " contacts",
}
"""The unit a change is written with, per KPI unit (its decimals: :data:`kpikit.display.
DECIMALS`)."""


def correlation_text(r: float) -> str:
    """Pearson's r in words as the trade-off chart's title and the dashboard write it: NaN
    (a KPI that does not vary) is "r undefined".

    >>> correlation_text(-0.51666), correlation_text(float("nan"))
    ('r = -0.52', 'r undefined')

    Two decimals, and more where they would round r onto -1, 0 or 1 without it being there
    (:func:`kpikit.display.decimals_apart`): 0.9999 read "1.00", a perfect line, and -0.001
    "-0.00". Floating-point noise of a perfect line is the perfect line.

    >>> correlation_text(0.9999), correlation_text(-0.001), correlation_text(1 - 1e-16)
    ('r = 0.9999', 'r = -0.001', 'r = 1.00')
    """
    if not np.isfinite(r):
        return "r undefined"
    decimals = max(decimals_apart(r, edge, 2) for edge in (-1.0, 0.0, 1.0))
    return f"r = {rounded_as_shown(r, decimals) + 0.0:.{decimals}f}"  # + 0.0: no "-0.00"


def project_kpis(
    fit: LineFit, delta_x: float, *, x: str, y: str, name: str = "delta_x"
) -> tuple[Projection, bool]:
    """:meth:`LineFit.project` for two KPIs: the move of x must keep the mean of x on its
    scale, and the change of y and its range stop where y leaves its scale.

    The move starts at the fitted mean (``x̄``, ``ŷ(x̄)``). A move that takes x off its scale
    (AHT below 0 s, a service level past 100 %) describes no group that could exist: it is
    refused. The fitted line, though, runs on past y's scale (CSAT past 100 %) where no value
    can follow it, so the change of y and both ends of its range are cut at the scale's
    limits, and the second value returned says so, for the caller to show.

    Parameters
    ----------
    fit : LineFit
        The line of y on x (:func:`fit_line`).
    delta_x : float
        Move of x, in its unit.
    x, y : str
        KPI ids of the horizontal and vertical axes.
    name : str, default="delta_x"
        The caller's name of the move, for the errors.

    Returns
    -------
    (Projection, bool)
        The projection, and whether y's scale cut it.

    Raises
    ------
    ValueError
        As :meth:`LineFit.project`, and for a move that takes the mean of x off its scale.

    Examples
    --------
    >>> fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])   # CSAT 82.75 % at AHT 330 s
    >>> projection, cut = project_kpis(fit, 3000, x="aht", y="csat")
    >>> round(projection.delta_y, 2), cut   # +155 by the line (3000 · 930/18000), cut at 100-82.75
    (17.25, True)
    >>> project_kpis(fit, -400, x="aht", y="csat")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'delta_x' (the what-if move of x) must keep AHT within its scale (0 s or
    more) from its mean, 330 s: a move from -330 on, but received: -400
    """
    projection = fit.project(delta_x, name=name)
    x_def, y_def = _definition("x", x), _definition("y", y)
    low, high = x_def.value_range
    if not low <= fit.x_mean + delta_x <= high:
        moves = f"from {low - fit.x_mean:.4g} on"
        if np.isfinite(high):
            moves = f"from {low - fit.x_mean:.4g} to {high - fit.x_mean:+.4g}"
        raise ValueError(
            f"Value of {name!r} (the what-if move of x) must keep {x_def.short_name} within its "
            f"scale ({scale_words(low, high, x_def.unit)}) from its mean, "
            f"{format_value(fit.x_mean, x_def.unit)}: a move {moves}, but received: {delta_x!r}"
        )
    start = float(fit.predict(fit.x_mean))
    floor, ceiling = (bound - start for bound in y_def.value_range)
    bounded = Projection(
        projection.delta_x,
        *(
            float(np.clip(value, floor, ceiling))
            for value in (projection.delta_y, projection.low, projection.high)
        ),
    )
    return bounded, bounded != projection


def _definition(argument: str, kpi_id):
    """The catalog's definition of the KPI ``kpi_id``, an unknown id refused under the
    caller's name for it (``x`` or ``y``, not the catalog's ``kpi_id``).

    >>> _definition("y", "csta")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'y' is not a KPI id. Expected one of ['aht', 'asa', 'service_level',
    'abandonment_rate', 'answer_rate', 'transfer_rate', 'resolution_rate', 'fcr', 'csat', 'nps',
    'qa_score', 'occupancy', 'utilization', 'schedule_adherence', 'schedule_conformance',
    'contacts_offered', 'contacts_handled', 'cost_per_contact'] but received: 'csta'. Did you
    mean 'csat'?
    """
    return kpi_definition(check_choice(argument, kpi_id, KPI_IDS, "a KPI id"))


def _check_fitted(fit: LineFit) -> None:
    """Refuse to project along a line that was not fitted (fewer than :data:`MIN_FIT_POINTS`
    points, or x that does not vary), as the chart and the dashboard refuse their what-if:
    the change came back as nan, and through two points without its range (no spread to
    tell it from: ``n - 2 = 0`` degrees of freedom).

    >>> _check_fitted(fit_line([240, 300], [80, 82]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'fit' has no fitted line to project from: too few points (2); a line
    needs at least 3 points, and x that varies among them
    """
    if fit.n >= MIN_FIT_POINTS and np.isfinite(fit.slope):
        return
    if fit.n < MIN_FIT_POINTS:
        problem = f"too few points ({fit.n})"
    else:
        problem = f"its {fit.n} points all have the same x"
    raise ValueError(
        f"Value of 'fit' has no fitted line to project from: {problem}; a line needs at least "
        f"{MIN_FIT_POINTS} points, and x that varies among them"
    )


def extrapolates(fit: LineFit, delta_x: float, xs) -> bool:
    """Whether the what-if move takes x from its mean past the values observed, ``xs``: there
    the fitted line is extrapolated, with no group to support it. A fit with no line to
    project from (:meth:`LineFit.project`) raises ValueError: it said a line "extrapolated"
    at "–" from no points, or past three points of one x.

    >>> fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])   # mean of x 330 s
    >>> extrapolates(fit, 30, [240, 300, 360, 420]), extrapolates(fit, 120, [240, 420])
    (False, True)
    """
    _check_fitted(fit)
    observed = _observed(xs)
    return bool(len(observed)) and not observed.min() <= fit.x_mean + delta_x <= observed.max()


def extrapolation_text(fit: LineFit, delta_x: float, xs, *, x: str, groups: str) -> str:
    """The sentence that says a what-if move leaves the observed values of x (``""`` when it
    stays within them: :func:`extrapolates`).

    >>> fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])   # 330 + 120 = 450 s > 420 s
    >>> print(extrapolation_text(fit, 120, [240, 420], x="aht", groups="teams"))
    AHT at 450 s is beyond the teams' observed range (240 s to 420 s): the fitted line is
    extrapolated there, where no group supports it.
    """
    if not extrapolates(fit, delta_x, xs):
        return ""
    x_def = _definition("x", x)
    observed = _observed(xs)
    low, high = (format_value(value, x_def.unit) for value in (observed.min(), observed.max()))
    # Not the edge it passed: 420.4 s past 420 s read "AHT at 420 s is beyond ... to 420 s".
    edge = observed.max() if fit.x_mean + delta_x > observed.max() else observed.min()
    at = rated_value_text({"unit": x_def.unit, "target": edge, "value": fit.x_mean + delta_x})
    return (
        f"{x_def.short_name} at {at} is beyond the "
        f"{groups}' observed range ({low} to {high}): the fitted line is extrapolated there, "
        "where no group supports it."
    )


def _observed(xs) -> np.ndarray:
    """The finite values of x."""
    values = _floats("xs", xs)
    return values[np.isfinite(values)]


def scale_words(low: float, high: float, unit: str) -> str:
    """A KPI's scale in words, for notices about it.

    >>> scale_words(0.0, 100.0, "percent"), scale_words(0.0, float("inf"), "seconds")
    ('0.0 % to 100.0 %', '0 s or more')
    """
    if np.isfinite(high):
        return f"{format_value(low, unit)} to {format_value(high, unit)}"
    return f"{format_value(low, unit)} or more"


def describe_projection(
    projection: Projection, *, x: str, y: str, groups: str = "agents", cut: bool = False
) -> str:
    """The projection in words, labelled as an association read off the fitted line.

    Parameters
    ----------
    projection : Projection
        From :meth:`LineFit.project`.
    x, y : str
        KPI ids of the horizontal and vertical axes (for names and units).
    groups : str, default="agents"
        What the points are ("agents", "teams", "queues").
    cut : bool, default=False
        Whether y's scale cut the projection (the second value :func:`project_kpis` returns):
        the text then says so, and leaves out a range the cut closed to one value (it read
        "95 % range +17.2 to +17.2", a certainty the line does not have).

    Returns
    -------
    str

    Examples
    --------
    >>> fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])
    >>> print(describe_projection(fit.project(30), x="aht", y="csat"))
    If AHT moved by +30 s, the line fitted across agents implies CSAT +1.6 percentage points
    (95 % range +0.4 to +2.7). This is an association between agents, not a measured effect of
    changing AHT.

    A move of x that is not zero shows the decimals that keep it apart from none (it read
    "moved by 0 s" beside a change it implies); y's change keeps its unit's decimals.

    >>> print(describe_projection(fit.project(0.4), x="aht", y="csat"))  # doctest: +ELLIPSIS
    If AHT moved by +0.4 s, the line fitted across agents implies CSAT 0.0 percentage points...

    A move that takes the line past y's scale (CSAT 82.75 % + 155 points), cut at 100 %:

    >>> projection, cut = project_kpis(fit, 3000, x="aht", y="csat")
    >>> print(describe_projection(projection, x="aht", y="csat", cut=cut))
    If AHT moved by +3000 s, the line fitted across agents implies CSAT +17.2 percentage points,
    cut where CSAT reaches its limit (0.0 % to 100.0 %): the fitted line runs past what it can
    take, and says little there. This is an association between agents, not a measured effect
    of changing AHT.
    """
    if not isinstance(projection, Projection):
        raise TypeError(
            "Value of 'projection' must be a Projection (from LineFit.project) but received: "
            f"{projection!r} ({type(projection).__name__})"
        )
    x_def, y_def = _definition("x", x), _definition("y", y)

    def delta(value: float, unit: str, suffix: bool = True, apart: bool = False) -> str:
        if not np.isfinite(value):
            return "undefined"
        decimals = DECIMALS[unit]
        if apart:  # a move that is not 0 does not read as one: 0.4 s is not "0 s"
            decimals = decimals_apart(value, 0.0, decimals)
        return signed_text(value, decimals) + (_DELTA_UNITS[unit] if suffix else "")

    moved = delta(projection.delta_x, x_def.unit, apart=True)
    text = (
        f"If {x_def.short_name} moved by {moved}, the line "
        f"fitted across {groups} implies {y_def.short_name} "
        f"{delta(projection.delta_y, y_def.unit)}"
    )
    check_flag("cut", cut)
    closed = cut and projection.low == projection.high  # both ends cut to the one limit
    if np.isfinite(projection.low) and np.isfinite(projection.high) and not closed:
        text += (
            f" (95 % range {delta(projection.low, y_def.unit, False)} to "
            f"{delta(projection.high, y_def.unit, False)})"
        )
    if cut:
        scale = scale_words(*y_def.value_range, y_def.unit)
        text += (
            f", cut where {y_def.short_name} reaches its limit ({scale}): the fitted line runs "
            "past what it can take, and says little there"
        )
    return (
        f"{text}. This is an association between {groups}, not a measured effect of changing "
        f"{x_def.short_name}."
    )
