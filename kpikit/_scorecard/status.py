"""Status names, colours and marks; the red/amber/green rule; weighted area and composite scores.

See :mod:`kpikit.scorecard` for the status rules. The palette, marks and words are
:mod:`kpikit.display`'s (``RAG_*``), under the scorecard's names.
"""

import numpy as np
import pandas as pd

from kpikit.display import RAG_COLORS as STATUS_COLORS
from kpikit.display import RAG_LABELS as STATUS_LABELS
from kpikit.display import RAG_MARKS as STATUS_MARKS
from kpikit.display import RAG_STATUSES as STATUSES
from kpikit.display import RAG_TINTS as STATUS_TINTS

STATUS_SCORES = {"green": 100.0, "amber": 50.0, "red": 0.0}
"""Points per status for area and composite scores (``"no data"`` is not scored)."""

__all__ = [
    "STATUSES",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "STATUS_MARKS",
    "STATUS_SCORES",
    "STATUS_TINTS",
    "rag_status",
    "weighted_scores",
]

_EPSILON = 1e-9  # absorbs floating-point noise at the exact target (70.00000000000001 >= 70)


def rag_status(table: pd.DataFrame) -> np.ndarray:
    """Status of each row from ``value, target, tolerance, band_low, band_high, better``.

    A row without a target (a segment no target covers) is not rated: its status is None. A
    null value is ``"no data"``; a value a hair past the target (floating-point noise) is met.

    >>> table = pd.DataFrame({"value": [85.0, 70.0, None], "target": [80.0, None, 80.0],
    ...     "tolerance": 5.0, "band_low": None, "band_high": None, "better": "higher"})
    >>> rag_status(table).tolist()
    ['green', None, 'no data']
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
    status = np.where(np.isnan(value), "no data", status).astype(object)
    status[np.isnan(target) & np.isnan(low) & np.isnan(high)] = None
    return status


def weighted_scores(table: pd.DataFrame, keys: list) -> pd.DataFrame:
    """Weighted mean score per ``keys`` over the primary rows with a score: ``Σ wᵢ sᵢ / Σ wᵢ``.

    Supporting KPIs (``role == "supporting"``) are rated but not scored. Returns ``*keys,
    score, weight, kpis`` (summed weight and number of rated KPIs), one row per group of the
    table; the score is null when no primary KPI of the group has data.
    """
    role = table["role"] if "role" in table.columns else pd.Series("primary", index=table.index)
    scored = table["score"].where(role != "supporting")
    rated = table.assign(
        _weighted=scored * table["weight"],
        _weight=table["weight"].where(scored.notna(), 0.0),
        _rated=scored.notna().astype(int),
    )[[*keys, "_weighted", "_weight", "_rated"]]
    if keys:
        # observed: the groups of the table only (a categorical team's unused categories, or
        # pairs of two categorical keys that never meet, made rows of their own on pandas 2)
        grouped = rated.groupby(keys, sort=True, dropna=False, observed=True)
        sums = grouped.sum(min_count=0).reset_index()
    else:
        # One row of sums: .T of a float and an int column makes both float (2.0 KPIs).
        sums = rated.sum(min_count=0).to_frame().T.astype({"_rated": int})
    sums["score"] = sums["_weighted"] / sums["_weight"].where(sums["_weight"] > 0)
    return sums.rename(columns={"_weight": "weight", "_rated": "kpis"})[
        [*keys, "score", "weight", "kpis"]
    ]
