"""Sorting large NumPy arrays of 64-bit integers (hashes, packed keys): by polars where it is
installed, else by NumPy.

On the 2-core benchmark machine (an AMD EPYC, where NumPy's sort of 64-bit integers runs
without SIMD) polars sorts 4.5M random ``int64`` on one thread in 0.11 s against NumPy's 0.30
s, and 10M hashes in 0.25 s against 0.77 s. One thread: the sorts run beside other work (the
sums query, the checks), and polars' threads saved 20 ms of wall time at 4.5M for 50 % more CPU.
"""

import numpy as np

from kpikit._versions import usable

SORTED_BY_POLARS_FROM = 100_000
"""Values from which polars sorts (at 100,000: 1.3 ms against NumPy's 3.8 ms). Smaller arrays,
a dashboard's among them, stay with NumPy: the milliseconds polars saves there are less than
the 150-200 ms its first import costs a process."""


def sort_in_place(values) -> None:
    """Sort a writable NumPy array of 64-bit integers in place, as ``values.sort()`` does.

    >>> import numpy as np
    >>> values = np.array([3, -1, 2], dtype=np.int64)
    >>> sort_in_place(values); values.tolist()
    [-1, 2, 3]
    >>> many = np.arange(SORTED_BY_POLARS_FROM, dtype=np.uint64)[::-1].copy()
    >>> sort_in_place(many); bool((many[1:] > many[:-1]).all())
    True
    """
    if _by_polars(values):
        values[:] = _sorted_by_polars(values)
        return
    values.sort()


def repeats_any(values) -> bool:
    """Whether any two values of a NumPy array or a polars Series of 64-bit integers (no
    nulls) are equal; ``values`` (which may be read-only) is left as it is: polars sorts a copy
    of its own, which is compared in place rather than copied back (at 10M hashes 0.16 s
    against 0.20 s).

    A polars Series is sorted as it is, in its chunks: ``to_numpy()`` of a Series in many
    chunks (polars' hashes of an id column read in row groups) would first join them into one
    more copy. At 10M text ids, hashed and checked, 164-172 MiB at the peak against 246-249
    MiB, and 0.25-0.30 s against 0.29-0.37 s.

    >>> import numpy as np, polars as pl
    >>> repeats_any(np.array([3, 1, 2], dtype=np.uint64)), repeats_any(np.array([3, 1, 3]))
    (False, True)
    >>> chunked = pl.concat([pl.Series([3, 1], dtype=pl.UInt64), pl.Series([3], dtype=pl.UInt64)],
    ...     rechunk=False)
    >>> chunked.n_chunks(), repeats_any(chunked)
    (2, True)
    """
    if isinstance(values, np.ndarray) and not _by_polars(values):
        ordered = np.sort(values)
    else:
        ordered = _sorted_by_polars(values)
    return bool((ordered[1:] == ordered[:-1]).any())


def _by_polars(values) -> bool:
    return len(values) >= SORTED_BY_POLARS_FROM and usable("polars")


def _sorted_by_polars(values):
    """The values of a NumPy array or a polars Series (as it is, in its chunks), sorted by
    polars on one thread, in a NumPy view of polars' buffer."""
    import polars as pl

    series = values if isinstance(values, pl.Series) else pl.Series(values)
    return series.sort(multithreaded=False).to_numpy()
