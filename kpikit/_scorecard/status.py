"""Status names, colours and marks; the red/amber/green rule; weighted area and composite scores.

See :mod:`kpikit.scorecard` for the status rules.
"""

import numpy as np
import pandas as pd

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

_EPSILON = 1e-9  # absorbs floating-point noise at the exact target (70.00000000000001 >= 70)


def rag_status(table: pd.DataFrame) -> np.ndarray:
    """Status of each row from ``value, target, tolerance, band_low, band_high, better``.

    A null value is ``"no data"``; a value a hair past the target (floating-point noise) is met.
    """
    value = table["value"].to_numpy(dtype=float)
    target = table["target"].to_numpy(dtype=float)
    tolerance = table["tolerance"].to_numpy(dtype=float)
    low = table["band_low"].to_numpy(dtype=float)
    high = table["band_high"].to_numpy(dtype=float)
    direction = table["better"].to_numpy()
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


def weighted_scores(table: pd.DataFrame, keys: list) -> pd.DataFrame:
    """Weighted mean score per ``keys`` over the primary rows with a score: ``Σ wᵢ sᵢ / Σ wᵢ``.

    Supporting KPIs (``role == "supporting"``) are rated but not scored. Returns ``*keys,
    score, weight, kpis`` (summed weight and number of rated KPIs); the score is null when no
    primary KPI of the group has data.
    """
    role = table["role"] if "role" in table.columns else pd.Series("primary", index=table.index)
    scored = table["score"].where(role != "supporting")
    rated = table.assign(
        _weighted=scored * table["weight"],
        _weight=table["weight"].where(scored.notna(), 0.0),
        _rated=scored.notna().astype(int),
    )[[*keys, "_weighted", "_weight", "_rated"]]
    if keys:
        sums = rated.groupby(keys, sort=True, dropna=False).sum(min_count=0).reset_index()
    else:
        sums = rated.sum(min_count=0).to_frame().T
    sums["score"] = sums["_weighted"] / sums["_weight"].where(sums["_weight"] > 0)
    return sums.rename(columns={"_weight": "weight", "_rated": "kpis"})[
        [*keys, "score", "weight", "kpis"]
    ]
