"""Ramp targets: eased targets for new teams (or agents) during their first days."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpikit._scorecard.common import is_finite


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


def apply_ramp(table, ramp: Ramp, keys, has_period, as_of) -> pd.DataFrame:
    """Copy of ``table`` with a ``ramped`` flag and eased targets (band: eased lower edge).

    Rows are rated at their ``period`` start, or at ``as_of`` when there are no periods.
    """
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
            ramp.ease(value, direction or row_direction) if flag and is_finite(value) else value
            for value, flag, row_direction in zip(
                table[column], ramped, table["direction"], strict=True
            )
        ]
        table[column] = np.asarray(eased, dtype=float)
    return table
