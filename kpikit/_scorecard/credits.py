"""SLA credits: a bonus for each green KPI, a penalty for each red one."""

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd


def check_credits(credits, targets: pd.DataFrame) -> dict:
    """``credits`` as ``{kpi: (bonus, penalty)}`` floats, checked against the targets."""
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
            if isinstance(amounts, str) or any(isinstance(a, str | bool) for a in amounts):
                raise TypeError  # "100" or True is not an amount
            bonus, penalty = (float(amount) for amount in amounts)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(
                f"Value of 'credits[{kpi_id!r}]' must be a (bonus, penalty) pair of numbers; "
                f"received: {amounts!r}"
            ) from None
        if not (bonus >= 0 and penalty >= 0 and math.isfinite(bonus + penalty)):
            raise ValueError(
                f"Value of 'credits[{kpi_id!r}]' must hold amounts >= 0 (the penalty is "
                f"subtracted); received: {amounts!r}"
            )
        if (targets.loc[targets["kpi"] == kpi_id, "role"] == "supporting").all():
            raise ValueError(
                f"Value of 'credits' names KPI {kpi_id!r}, whose target is supporting: only "
                "primary KPIs earn SLA credits"
            )
        checked[kpi_id] = (bonus, penalty)
    return checked


def credit_amounts(table: pd.DataFrame, credits: dict) -> np.ndarray:
    """Credit per row: the bonus when green, minus the penalty when red, 0 when amber; NaN for
    KPIs without credits, supporting KPIs and rows that are not rated (no data, no target).

    >>> table = pd.DataFrame({"kpi": "aht", "role": ["primary", "primary", "supporting", None],
    ...                       "status": ["green", "red", "red", None]})
    >>> credit_amounts(table, {"aht": (10.0, 7.0)}).tolist()
    [10.0, -7.0, nan, nan]
    >>> credit_amounts(table.assign(status="amber"), {}).tolist()
    [nan, nan, nan, nan]
    """
    amounts = []
    for kpi_id, role, status in zip(table["kpi"], table["role"], table["status"], strict=True):
        if kpi_id not in credits or role != "primary":
            amounts.append(math.nan)  # an amber row of such a KPI earned 0.0
            continue
        bonus, penalty = credits[kpi_id]
        amounts.append({"green": bonus, "amber": 0.0, "red": -penalty}.get(status, math.nan))
    return np.asarray(amounts, dtype=float)
