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

from kpikit.catalog import kpi as kpi_definition
from kpikit.stats import t_quantile_975

__all__ = ["VOLUME", "LineFit", "Projection", "describe_projection", "fit_line", "pivot_kpis"]

VOLUME = "volume"
"""Column added by :func:`pivot_kpis`: answered contacts, the denominator of AHT (or ASA)."""

_RESULT_COLUMNS = ("kpi", "value", "numerator", "denominator", "ci_low", "ci_high")
_VOLUME_SOURCES = ("aht", "asa")


def pivot_kpis(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per group, one column per KPI value, plus the answered volume.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy :func:`kpikit.compute` output: grouping columns (and ``period``), ``kpi``,
        ``value``, ``numerator``, ``denominator``, ``ci_low``, ``ci_high``.

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
    if "kpi" not in frame.columns or "value" not in frame.columns:
        raise ValueError(
            "Value of 'frame' must be tidy kpikit.compute output with columns 'kpi' and 'value' "
            f"but received columns: {list(frame.columns)}"
        )
    keys = [column for column in frame.columns if column not in _RESULT_COLUMNS]
    if keys:
        wide = frame.set_index([*keys, "kpi"])["value"].unstack("kpi")
    else:
        wide = frame.set_index("kpi")["value"].to_frame().T
    wide.columns.name = None
    for source in _VOLUME_SOURCES:
        rows = frame[frame["kpi"] == source]
        if not rows.empty and "denominator" in rows.columns:
            volume = rows.set_index(keys)["denominator"] if keys else rows["denominator"]
            wide[VOLUME] = volume.reindex(wide.index).to_numpy() if keys else volume.iloc[0]
            break
    return wide.reset_index(drop=not keys)


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
        Weighted mean of x, ``Σ w (x - x̄)²`` and ``Σ w``.
    residual_se : float
        ``s = √(Σ w (y - ŷ)² / (n - 2))``.
    slope_se : float
        Standard error of the slope, ``s / √sxx``.
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

    def predict(self, x):
        """Fitted mean of y at ``x``."""
        return self.intercept + self.slope * np.asarray(x, dtype=float)

    def band(self, x):
        """95 % confidence band of the fitted mean at ``x``: ``(low, high)`` arrays.

        ``ŷ ± t(0.975, n-2) · s · √(1/Σw + (x - x̄)²/sxx)``; NaN when ``n < 3``.
        """
        x = np.asarray(x, dtype=float)
        half = (
            self._t()
            * self.residual_se
            * np.sqrt(1 / self.sum_weights + (x - self.x_mean) ** 2 / self.sxx)
        )
        fitted = self.predict(x)
        return fitted - half, fitted + half

    def project(self, delta_x: float) -> Projection:
        """What the fitted line implies for y when x moves by ``delta_x``.

        ``Δy = slope · Δx``, with the range ``Δx · (slope ± t · slope_se)``.
        """
        half = self._t() * self.slope_se * abs(delta_x)
        delta_y = self.slope * delta_x
        return Projection(
            float(delta_x), float(delta_y), float(delta_y - half), float(delta_y + half)
        )

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
        Non-negative weights; pairs with zero or missing weight are left out.

    Returns
    -------
    LineFit

    Notes
    -----
    Undefined quantities are NaN, never an error: slope and intercept need two distinct x
    values, ``r`` also needs y to vary, and the band, ``residual_se`` and ``slope_se`` need at
    least three points.

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
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if not x.shape == y.shape == w.shape:
        raise ValueError(
            "Values of 'x', 'y' and 'weights' must have the same length but received: "
            f"{x.shape}, {y.shape}, {w.shape}"
        )
    if np.any(w[np.isfinite(w)] < 0):
        raise ValueError("Value of 'weights' must be non-negative but received a negative weight")
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(w) & (w > 0)
    x, y, w = x[keep], y[keep], w[keep]
    n = int(keep.sum())
    nan = float("nan")
    if n == 0:
        return LineFit(nan, nan, nan, 0, nan, nan, 0.0, nan, nan)
    sum_w = float(w.sum())
    x_mean = float((w * x).sum() / sum_w)
    y_mean = float((w * y).sum() / sum_w)
    sxx = float((w * (x - x_mean) ** 2).sum())
    syy = float((w * (y - y_mean) ** 2).sum())
    sxy = float((w * (x - x_mean) * (y - y_mean)).sum())
    if sxx == 0:
        return LineFit(nan, nan, nan, n, x_mean, sxx, sum_w, nan, nan)
    slope = sxy / sxx
    intercept = y_mean - slope * x_mean
    r = sxy / np.sqrt(sxx * syy) if syy > 0 else nan
    if n >= 3:
        residual_se = float(np.sqrt((w * (y - intercept - slope * x) ** 2).sum() / (n - 2)))
        slope_se = residual_se / np.sqrt(sxx)
    else:
        residual_se = slope_se = nan
    return LineFit(
        float(slope),
        float(intercept),
        float(r),
        n,
        x_mean,
        sxx,
        sum_w,
        residual_se,
        float(slope_se),
    )


_DELTA_FORMATS = {
    "percent": ("{:+.1f}", " percentage points"),
    "seconds": ("{:+.0f}", " s"),
    "points": ("{:+.1f}", " points"),
    "currency": ("{:+.2f}", ""),
}


def describe_projection(projection: Projection, *, x: str, y: str, groups: str = "agents") -> str:
    """The projection in words, labelled as an association read off the fitted line.

    Parameters
    ----------
    projection : Projection
        From :meth:`LineFit.project`.
    x, y : str
        KPI ids of the horizontal and vertical axes (for names and units).
    groups : str, default="agents"
        What the points are ("agents", "teams", "queues").

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
    """
    x_def, y_def = kpi_definition(x), kpi_definition(y)

    def delta(value: float, unit: str, suffix: bool = True) -> str:
        if not np.isfinite(value):
            return "undefined"
        number, unit_text = _DELTA_FORMATS[unit]
        return number.format(value) + (unit_text if suffix else "")

    text = (
        f"If {x_def.short_name} moved by {delta(projection.delta_x, x_def.unit)}, the line "
        f"fitted across {groups} implies {y_def.short_name} "
        f"{delta(projection.delta_y, y_def.unit)}"
    )
    if np.isfinite(projection.low) and np.isfinite(projection.high):
        text += (
            f" (95 % range {delta(projection.low, y_def.unit, False)} to "
            f"{delta(projection.high, y_def.unit, False)})"
        )
    return (
        f"{text}. This is an association between {groups}, not a measured effect of changing "
        f"{x_def.short_name}."
    )
