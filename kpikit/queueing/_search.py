"""The vectorised staffing search: smallest agent count per interval that meets every target."""

import numpy as np

from kpikit.queueing._erlang import _erlang_b, _erlang_c_stable
from kpikit.queueing._erlang_a import _flat_figures
from kpikit.queueing._inputs import MAX_AGENTS

_SAMPLE_INTERVALS = 17
_TARGET_TOLERANCE = 1e-9
_LINEAR_STEPS = 32
"""Single steps an interval takes up or down before the search leaps and halves instead."""
_MOST_REQUIRED = 2 * MAX_AGENTS
"""Most agents the search tries: the answer may pass :data:`MAX_AGENTS` (100,000 Erlangs of
traffic need more), but a target that no such count meets is refused, not searched for ever."""


def _staffing_figures(load, aht_s, agents, threshold_s, patience_s, blocking, keys=None):
    """Figures for the solver: Erlang C's fast path (only ``keys``) when nobody abandons."""
    if np.isfinite(patience_s).any():
        return _flat_figures(load, aht_s, agents, threshold_s, patience_s, blocking)
    # Erlang C counts stay above the traffic, so the edge cases of _erlang_c_metrics never arise
    figures = _erlang_c_stable(load, aht_s, agents, threshold_s, blocking, keys)
    figures["abandonment_rate"] = np.zeros_like(load)  # patience infinite: nobody hangs up
    return figures


class _Staffing:
    """Smallest agent count per interval meeting every target, found by stepping ``n``.

    Built on the intervals with traffic. The figures improve monotonically with agents
    (service level up; ASA, occupancy and abandonment down), so the answer is the first
    passing count above the smallest stable one. Erlang B is carried up from one count to the
    next by its recursion, a step of O(1) per interval; a step down computes it afresh. The
    inverse recursion, ``B(n-1) = n B(n) / (A (1 - B(n)))``, multiplies its rounding error by
    ``1 / (1 - B)`` a step, which below the traffic (where Erlang A may staff) grows without
    bound: B left [0, 1], and 141 Erlangs with 30 s of patience were staffed with 1 agent.
    Only intervals whose answer is not known yet are stepped. An interval still moving after
    ``_LINEAR_STEPS`` steps is far from its start (Erlang A starts from one agent, and a
    single interval of 20,000 Erlangs climbed for a minute): it leaps up by doubling steps to
    a passing count, then halves the bracket, ``log2`` fresh evaluations instead of thousands.
    Methods take ``rows``, an index array into the intervals, or None for all of them.
    """

    def __init__(self, load, aht_s, threshold_s, patience_s, criteria):
        self.inputs = (load, aht_s, threshold_s, patience_s)
        self.criteria = criteria
        self.keys = {key for key, _, _ in criteria}

    def meets(self, rows, agents, blocking):
        inputs = self.inputs if rows is None else tuple(value[rows] for value in self.inputs)
        load, aht_s, threshold_s, patience_s = inputs
        figures = _staffing_figures(
            load, aht_s, agents, threshold_s, patience_s, blocking, self.keys
        )
        passed = np.ones(agents.shape, dtype=bool)
        for key, sign, target in self.criteria:
            passed &= sign * figures[key] >= sign * target - _TARGET_TOLERANCE
        return passed

    def load(self, rows):
        return self.inputs[0] if rows is None else self.inputs[0][rows]

    def climb(self, rows, agents, blocking, passed):
        """Step the intervals that fail up until they pass (updates the arrays in place)."""
        failing = np.flatnonzero(~passed)
        below = blocking[failing]
        for _ in range(_LINEAR_STEPS):
            if not failing.size:
                return
            where = failing if rows is None else rows[failing]
            load = self.load(where)
            agents[failing] += 1
            below = load * below / (agents[failing] + load * below)
            blocking[failing] = below
            still = ~self.meets(where, agents[failing], below)
            failing, below = failing[still], below[still]
        if failing.size:
            self.leap(rows, failing, agents, blocking)

    def leap(self, rows, failing, agents, blocking):
        """Move the ``failing`` intervals to their smallest passing count (in place): up by
        doubling steps until a count passes, then :meth:`halve` the bracket."""
        where = failing if rows is None else rows[failing]
        failed, passing = agents[failing].copy(), agents[failing].copy()
        step = np.full(failing.shape, float(_LINEAR_STEPS))
        unknown = np.arange(failing.size)
        while unknown.size:
            if (passing[unknown] >= _MOST_REQUIRED).any():
                first = where[unknown[np.argmax(passing[unknown] >= _MOST_REQUIRED)]]
                raise ValueError(
                    f"No agent count up to {_MOST_REQUIRED:,} meets the targets for an interval "
                    f"of {self.load(None)[first]:.4g} Erlangs: loosen the targets"
                )
            failed[unknown] = passing[unknown]
            passing[unknown] = np.minimum(failed[unknown] + step[unknown], _MOST_REQUIRED)
            step[unknown] *= 2
            counts = passing[unknown]
            fine = self.meets(where[unknown], counts, _erlang_b(self.load(where[unknown]), counts))
            unknown = unknown[~fine]
        agents[failing], blocking[failing] = self.halve(where, failed, passing)

    def halve(self, where, failed, passing):
        """Smallest passing count of intervals ``where`` above ``failed`` (a count that fails,
        or one below the smallest allowed) and up to ``passing`` (one that passes), by halving
        the bracket; with its Erlang B."""
        open_rows = np.flatnonzero(passing - failed > 1)
        while open_rows.size:
            middle = np.floor((failed[open_rows] + passing[open_rows]) / 2)
            inside = where[open_rows]
            fine = self.meets(inside, middle, _erlang_b(self.load(inside), middle))
            passing[open_rows[fine]] = middle[fine]
            failed[open_rows[~fine]] = middle[~fine]
            open_rows = open_rows[passing[open_rows] - failed[open_rows] > 1]
        return passing, _erlang_b(self.load(where), passing)

    def descend(self, rows, agents, blocking, passed, lower):
        """Step passing intervals down while the count below passes too (in place).

        The first step tries every interval at once with masks (most start one above their
        answer, and masks avoid gathering the inputs); later steps take the few that went down.
        """
        movable = passed & (agents > lower)
        if not movable.any():
            return
        below = np.where(movable, _erlang_b(self.load(rows), agents - movable), blocking)
        fine = movable & self.meets(rows, agents - movable, below)
        agents -= fine
        np.copyto(blocking, below, where=fine)
        movable = np.flatnonzero(fine & (agents > lower))
        for _ in range(_LINEAR_STEPS):
            if not movable.size:
                return
            where = movable if rows is None else rows[movable]
            count = agents[movable]
            below = _erlang_b(self.load(where), count - 1.0)
            fine = self.meets(where, count - 1, below)
            agents[movable[fine]] -= 1
            blocking[movable[fine]] = below[fine]
            movable = movable[fine & (count - 1 > lower[movable])]
        if movable.size:  # far above the answer: halve between the lowest count and here
            where = movable if rows is None else rows[movable]
            agents[movable], blocking[movable] = self.halve(
                where, lower[movable] - 1.0, agents[movable].copy()
            )

    def settle(self, rows, agents, blocking, lower):
        """Move each count from its start to the smallest passing one (in place)."""
        passed = self.meets(rows, agents, blocking)
        self.descend(rows, agents, blocking, passed, lower)
        self.climb(rows, agents, blocking, passed)

    def solve(self, lower):
        """Smallest passing count per interval and its Erlang B."""
        load = self.load(None)
        start = lower.copy()
        if load.size > _SAMPLE_INTERVALS:
            start = self._square_root_start(lower)
        blocking = _erlang_b(load, start)
        self.settle(None, start, blocking, lower)
        return start, blocking

    def _square_root_start(self, lower):
        """Starting counts ``A + beta sqrt(A)`` (square-root staffing), never below ``lower``.

        ``beta`` is learnt from a handful of intervals solved exactly (spread over the range
        of traffic, each started at ``beta = 1``) and interpolated in traffic, so most
        intervals start at their answer or one step away.
        """
        load = self.load(None)
        spread_out = np.linspace(0, load.size - 1, _SAMPLE_INTERVALS).round().astype(int)
        sample = np.unique(np.concatenate([spread_out, [np.argmin(load), np.argmax(load)]]))
        sample = sample[np.argsort(load[sample])]
        sample_load = load[sample]
        solved = np.maximum(lower[sample], np.round(sample_load + np.sqrt(sample_load)))
        self.settle(sample, solved, _erlang_b(sample_load, solved), lower[sample])
        # beta tabulated per whole Erlang of traffic: a lookup is cheaper than interpolating
        # every interval, and a starting guess needs no more precision
        beta = np.interp(
            np.arange(int(sample_load[-1]) + 1),
            sample_load,
            (solved - sample_load) / np.sqrt(sample_load),
        )[load.astype(np.int64)]
        return np.maximum(lower, np.round(load + beta * np.sqrt(load)))
