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


def credit_amounts(table: pd.DataFrame, credits: dict) -> np.ndarray:
    """Credit per row: the bonus when green, minus the penalty when red, 0 when amber, NaN
    for KPIs without credits and for rows without data."""
    amounts = []
    for kpi_id, status in zip(table["kpi"], table["status"], strict=True):
        if kpi_id not in credits or status == "no data":
            amounts.append(math.nan)
        else:
            bonus, penalty = credits[kpi_id]
            amounts.append({"green": bonus, "amber": 0.0, "red": -penalty}[status])
    return np.asarray(amounts, dtype=float)
