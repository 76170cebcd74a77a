"""Ramp targets: eased targets for new teams (or agents) that rise in steps over the ramp."""

import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpikit._scorecard.trend import period_freq
from kpikit._validators import _digits, is_number, suggestion
from kpikit.periods import period_end

MAX_RAMP_DAYS = pd.Timedelta.max.days
"""Longest ramp, in days: the longest span pandas holds (about 292 years)."""


@dataclass(frozen=True)
class Ramp:
    """Eased targets for new teams (or agents) during their first days.

    A row is *ramped* when its group started less than ``days`` days before the date it is
    rated at (the period start with ``freq``, else the last contact's date) and had started by
    the end of its period (a period wholly before the start date keeps the full goal; the
    one the group starts in is its first step). The ramp is cut
    into ``steps`` equal steps and the easing shrinks by one share per step, so targets rise
    progressively to the full goal (article 002: targets start 5-10 % below the long-term goal
    in the first 90 days and rise as the program matures). In step ``k`` (0-based) the easing is
    ``e = ease_pct · (steps - k) / steps`` percent of the target: ``t - e·|t|`` when higher is
    better, ``t + e·|t|`` when lower is better; for band KPIs only the lower edge is eased (new
    teams are slower, while the upper edge guards against burnout and stays). Tolerances are
    kept.

    Parameters
    ----------
    days : int, default=90
        Length of the ramp period.
    ease_pct : float, default=10
        Easing in the first step, in percent (the usual practice eases targets 5-10 % in the
        first 90 days).
    steps : int, default=3
        Number of steps the easing falls in (3: monthly over 90 days); 1 keeps the full easing
        for the whole ramp.
    start_dates : mapping, default={}
        Start date per group, such as ``{"north": "2024-02-01"}``; a date without a time zone
        is a wall date in the zone of the data it is compared with. A group no row of the
        scorecard has (a typo: ``"North"``) is warned of when the ramp is applied.
    level : str, default="team"
        The grouping column the keys of ``start_dates`` refer to.

    Examples
    --------
    >>> ramp = Ramp(start_dates={"north": "2024-02-01"})
    >>> ramp.ease(80.0, "higher")   # first month: 10 % eased
    72.0
    >>> ramp.ease(80.0, "higher", ramp.share("north", "2024-04-15"))   # third month: 10/3 %
    77.33...
    """

    days: int = 90
    ease_pct: float = 10.0
    start_dates: Mapping = field(default_factory=dict)
    level: str = "team"
    steps: int = 3

    def __post_init__(self):
        if not _is_integer(self.days) or not 0 < self.days <= MAX_RAMP_DAYS:
            raise ValueError(
                f"Value of 'days' must be a positive integer up to {MAX_RAMP_DAYS} (the longest "
                f"span pandas holds); received: {_shown(self.days)}"
            )
        if not _is_integer(self.steps) or not 1 <= self.steps <= self.days:
            raise ValueError(
                f"Value of 'steps' must be an integer from 1 to days ({self.days}); "
                f"received: {self.steps!r}"
            )
        if not _is_real(self.ease_pct) or not 0 <= self.ease_pct < 100:
            raise ValueError(
                f"Value of 'ease_pct' must be a number in [0, 100); received: {self.ease_pct!r}"
            )
        if not isinstance(self.start_dates, Mapping):
            raise TypeError(
                "Value of 'start_dates' must map groups to start dates, such as "
                f"{{'north': '2024-02-01'}}, but received: {self.start_dates!r} "
                f"({type(self.start_dates).__name__})"
            )
        object.__setattr__(self, "days", int(self.days))
        object.__setattr__(self, "steps", int(self.steps))
        try:
            starts = {key: pd.Timestamp(value) for key, value in self.start_dates.items()}
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"Value of 'start_dates' holds a value that is not a date: {error}"
            ) from None
        missing = [key for key, start in starts.items() if start is pd.NaT]
        if missing:  # NaT would leave the group silently unramped
            raise ValueError(
                f"Value of 'start_dates' has no date for group(s) {missing}: "
                f"{[self.start_dates[key] for key in missing]}"
            )
        object.__setattr__(self, "start_dates", starts)

    def ease(self, target: float, direction: str, share: float = 1.0) -> float:
        """The eased target for a ``"higher"`` or ``"lower"`` is better KPI (band: lower edge),
        with ``share`` of the full easing in force (see :meth:`share`)."""
        step = share * self.ease_pct / 100 * abs(target)
        return target + step if direction == "lower" else target - step

    def applies(self, group, at, end=None) -> bool:
        """True when ``group`` started less than ``days`` days before ``at`` and had started
        by ``end`` (the end of the period rated at ``at``; None: by ``at`` itself)."""
        if group not in self.start_dates:
            return False
        start, at = _one_clock(self.start_dates[group], at)
        started = start <= at if end is None else start < _one_clock(start, end)[1]
        return started and at - start < pd.Timedelta(days=self.days)  # start + days: past 2262

    def share(self, group, at, end=None) -> float:
        """Share of the full easing in force for ``group`` at ``at``: ``(steps - k) / steps`` in
        step ``k`` of the ramp, 0 once it is over or before the group started (see
        :meth:`applies`), or for a group without a start date.

        A start date without a time zone is a wall date in the zone of ``at``:

        >>> ramp = Ramp(days=30, steps=1, start_dates={"north": "2024-02-01"})
        >>> ramp.share("north", pd.Timestamp("2024-03-01 23:30", tz="Europe/Paris"))  # day 29
        1.0
        >>> ramp.share("north", pd.Timestamp("2024-03-02 00:30", tz="Europe/Paris"))  # day 30
        0.0
        >>> ramp.share("north", "2024-01-01"), ramp.share("north", "2024-01-29", "2024-02-05")
        (0.0, 1.0)
        """
        if not self.applies(group, at, end):
            return 0.0
        start, at = _one_clock(self.start_dates[group], at)
        elapsed = at - start
        step = int(max(elapsed / pd.Timedelta(days=self.days), 0.0) * self.steps)
        return (self.steps - min(step, self.steps - 1)) / self.steps


def _shown(value) -> str:
    """``value`` for a message; a whole number past float range by its size (its digits are
    too many to print)."""
    return _digits(value) if _is_integer(value) and abs(value) > 10**15 else repr(value)


def _is_integer(value) -> bool:
    """True for an int or NumPy integer; a bool is no count of days."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _is_real(value) -> bool:
    """True for a real number, NumPy's included, but not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _one_clock(start: pd.Timestamp, at) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``start`` and ``at`` on one clock: when only one has a time zone, both as wall times
    (a naive start date is a date in the zone of the data)."""
    at = pd.Timestamp(at)
    if (start.tz is None) != (at.tz is None):
        return start.tz_localize(None), at.tz_localize(None)
    return start, at


def check_ramp(ramp) -> None:
    """Raise a TypeError unless ``ramp`` is a :class:`Ramp` or None.

    >>> check_ramp({"north": "2024-02-01"})
    Traceback (most recent call last):
    ...
    TypeError: Value of 'ramp' must be a kpikit.scorecard.Ramp or None but received: \
{'north': '2024-02-01'} (dict)
    """
    if ramp is not None and not isinstance(ramp, Ramp):
        raise TypeError(
            "Value of 'ramp' must be a kpikit.scorecard.Ramp or None but received: "
            f"{ramp!r} ({type(ramp).__name__})"
        )


def apply_ramp(table, ramp: Ramp, keys, has_period, as_of, freq=None) -> pd.DataFrame:
    """Copy of ``table`` with a ``ramped`` flag and eased targets (band: eased lower edge).

    Rows are rated at their ``period`` start, or at ``as_of`` when there are no periods; a
    period ends one ``freq`` later (default: read from the periods, :func:`period_freq`; a
    single period of unknown length is rated at its start alone).
    """
    if ramp.level not in keys:
        raise ValueError(
            f"Value of 'ramp': level {ramp.level!r} is not a grouping column; "
            f"grouping columns are {keys}"
        )
    if not has_period and as_of is None:
        raise ValueError("Value of 'as_of' is needed to apply 'ramp' to a frame without periods")
    groups = list(dict.fromkeys(table[ramp.level]))
    unknown = [group for group in ramp.start_dates if group not in groups]
    if unknown:  # a typo ("North" for "north") left the team on its full targets unsaid
        hint = next((hint for hint in (suggestion(g, groups) for g in unknown) if hint), "")
        warnings.warn(
            f"Value of 'ramp' has start dates for {len(unknown)} group(s) {unknown} that no row "
            f"has in {ramp.level!r}; they are not ramped. The groups are {groups[:10]}{hint}",
            UserWarning,
            stacklevel=3,
        )
    at = table["period"] if has_period else pd.Series(pd.Timestamp(as_of), index=table.index)
    freq = (freq or period_freq(at)) if has_period else None
    ends = period_end(at, freq) if freq else [None] * len(table)
    shares = np.array(
        [
            ramp.share(group, when, end)
            for group, when, end in zip(table[ramp.level], at, ends, strict=True)
        ],
        dtype=float,
    )
    table = table.copy()
    table["ramped"] = shares > 0
    for column, direction in (("target", None), ("band_low", "higher")):
        eased = [
            ramp.ease(value, direction or better, share) if share and is_number(value) else value
            for value, share, better in zip(table[column], shares, table["better"], strict=True)
        ]
        table[column] = np.asarray(eased, dtype=float)
    return table
