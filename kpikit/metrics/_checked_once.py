"""Tables checked once within a scope: a report that computes many KPIs over the same frames
checks each of them the first time a compute reads it, not on every compute.

:func:`checked_once` opens the scope for the frames of one :class:`~kpikit.schema.Dataset`.
Inside it, :func:`kpikit.compute` skips the value checks when every table it reads is one of
those very frames (the same objects) already checked on the same CSAT scale, and records the
tables it has checked. Any other frame (a group's rows, a copy) is checked as usual, so the
scope never vouches for data it did not see. Its frames must not change inside the block:
kpikit never changes a caller's frames, and a report holds them for its whole build.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from kpikit.schema import Dataset

_TABLES = ("contacts", "agent_intervals", "costs")


@dataclass
class _Scope:
    frames: dict
    checked: set = field(default_factory=set)


_SCOPE: ContextVar[_Scope | None] = ContextVar("kpikit_checked_once", default=None)


@contextmanager
def checked_once(dataset: Dataset):
    """Within the block, :func:`kpikit.compute` checks each table of ``dataset`` once (per
    CSAT scale). A scope already open is kept (its frames are the outer report's).

    >>> import kpikit as kk
    >>> data = kk.load_sample()
    >>> with checked_once(data):
    ...     first = kk.compute(data, kpis=["aht"])  # checks the contacts
    ...     already_checked(data, ["contacts"], 5)
    True
    >>> already_checked(data, ["contacts"], 5)  # the scope is closed
    False
    """
    if _SCOPE.get() is not None:
        yield
        return
    frames = {table: getattr(dataset, table) for table in _TABLES}
    token = _SCOPE.set(_Scope({t: f for t, f in frames.items() if f is not None}))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def already_checked(dataset: Dataset, tables, csat_scale) -> bool:
    """Whether every table of ``tables`` in ``dataset`` is a frame of the open scope that a
    compute has checked on ``csat_scale``."""
    scope = _SCOPE.get()
    return scope is not None and all(
        _held(scope, dataset, table) and (table, csat_scale) in scope.checked for table in tables
    )


def record_checked(dataset: Dataset, tables, csat_scale) -> None:
    """Record that ``tables`` of ``dataset`` passed the checks on ``csat_scale`` (only those
    that are the open scope's frames count)."""
    scope = _SCOPE.get()
    if scope is None:
        return
    for table in tables:
        if _held(scope, dataset, table):
            scope.checked.add((table, csat_scale))


def _held(scope: _Scope, dataset: Dataset, table: str) -> bool:
    """Whether ``dataset``'s ``table`` is the very frame the scope holds for it."""
    return table in scope.frames and scope.frames[table] is getattr(dataset, table)
