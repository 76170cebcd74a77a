"""Running the checks planned by :func:`kpikit._checks.table_checks` on a table's engine.

:func:`check_table` screens the table in one aggregate query (which checks fail, whether keys
repeat: the usual case, a clean table, needs nothing more), then looks up counts, examples and
row positions for the failed checks only: eagerly (positions and examples in row order) or
lazily (aggregates computed by the frame's own engine).
"""

from collections.abc import Iterable

import narwhals.stable.v2 as nw

from kpikit._checks import ColumnSpec, Problem, _Check, table_checks
from kpikit._id_order import arrow_ids, polars_in_strict_order
from kpikit._nan_aware import nan_visible
from kpikit._sorting import repeats_any


def check_table(
    frame, table: str, specs: Iterable[ColumnSpec], keys: tuple[str, ...]
) -> tuple[list[Problem], tuple[int, ...] | None]:
    """Find every problem of one table and the positions of the rows that have one.

    Parameters
    ----------
    frame : narwhals DataFrame or LazyFrame
        The table to check.
    table : str
        Table name, quoted in the problems; ``contacts`` and ``agent_intervals`` also get
        their checks between columns.
    specs : iterable of ColumnSpec
        The table's columns.
    keys : tuple of str
        Columns that identify a row: checked for repeats and quoted as examples. Empty to
        quote row positions.

    Returns
    -------
    problems : list of Problem
        Structural problems first, then row-level ones.
    rows : tuple of int or None
        Sorted 0-based positions of the rows with a row-level problem; None for a lazy frame
        with problems (positions are undefined there).
    """
    planned = table_checks(frame, table, specs, keys)
    problems = list(planned.problems)
    keys, duplicate = planned.keys, planned.duplicate
    with nan_visible(frame.to_native()):
        failed, repeats = _screen(frame, list(planned.checks), duplicate, keys)
        if isinstance(frame, nw.DataFrame):
            found, rows = _run_eager(frame, failed, duplicate if repeats else None, keys)
        else:
            found = _run_lazy(frame, failed, duplicate if repeats else None, keys)
            rows = None if found else set()
    for check, count, examples in found:
        label = "row position" if check.by_position else planned.key_label
        problems.append(Problem(table, check.column, check.problem, count, examples, label))
    return problems, (rows if rows is None else tuple(sorted(rows)))


def free_column_name(columns: Iterable) -> str:
    """A column name for row positions that none of ``columns`` already uses."""
    taken = {str(c) for c in columns}
    name = "__kpikit_row"
    while name in taken:
        name += "_"
    return name


def _examples(hits, keys: tuple[str, ...], position: str) -> tuple:
    """The first 5 ``hits`` by their key, or by row position (``position``) without keys; a
    row without its id (a line of separators alone) by its position, ``"row 3"``, not
    ``nan``."""
    first = hits.head(5)
    if not keys:
        return tuple(first[position].to_list())
    if len(keys) > 1:
        return tuple(zip(*(first[k].to_list() for k in keys), strict=True))
    ids = first[keys[0]].to_list()
    if position not in first.columns:  # a lazy engine's hits: no positions
        return tuple(ids)
    missing = first[keys[0]].is_null().to_list()
    rows = first[position].to_list()
    return tuple(
        f"row {row}" if absent else id_ for id_, absent, row in zip(ids, missing, rows, strict=True)
    )


def _screen(frame, checks, duplicate, keys) -> tuple[list[_Check], bool]:
    """The checks that fail and whether keys repeat, from one aggregate query of the engine.

    A table without problems, the usual case, needs nothing more: counts, examples and row
    positions are looked up for the failed checks only. ``any`` needs no cast of the masks.
    A polars frame evaluates the masks lazily (on every core, without a column per mask).
    Repeated keys are looked for in their hashes first where polars can hash them
    (:func:`keys_may_repeat`).
    """
    names = [f"__kpikit_check_{i}" for i in range(len(checks))]
    tests = [check.mask.any().alias(name) for check, name in zip(checks, names, strict=True)]
    single_key = duplicate is not None and len(keys) == 1
    polars = frame.implementation.is_polars()
    if single_key and not keys_may_repeat(frame, keys[0]):
        single_key, duplicate = False, None
    if single_key:
        key = nw.col(keys[0])
        # n_unique counts null as one value of its own; repeats are among present keys only.
        tests += [
            key.count().alias("__kpikit_present"),
            key.n_unique().alias("__kpikit_distinct"),
            key.null_count().alias("__kpikit_nulls"),
        ]
    row = {}
    if tests:
        totals = (frame.lazy() if polars else frame).select(*tests)
        totals = totals if isinstance(totals, nw.DataFrame) else totals.collect()
        row = {name: totals[name][0] for name in totals.columns}
    failed = [check for check, name in zip(checks, names, strict=True) if row[name]]
    if single_key:  # DuckDB and Spark count no rows as None
        distinct = (row["__kpikit_distinct"] or 0) - (1 if row["__kpikit_nulls"] else 0)
        repeats = (row["__kpikit_present"] or 0) > distinct
    else:
        repeats = duplicate is not None and _keys_repeat(frame, keys)
    return failed, repeats


HASHED_FROM = 50_000
"""Rows from which a pandas column held by Arrow is screened by polars' hashes: at 10,000 text
ids pandas' exact count takes 2 ms and the hashes 10 ms, at 100,000 33 ms against 3 ms (and
polars' first import 0.2 s)."""


def keys_may_repeat(frame, key: str) -> bool:
    """Whether two present values of column ``key`` may be equal: False is certain, True
    sends the caller to the exact count.

    A polars frame is hashed by polars (:func:`polars_keys_may_repeat`), and so is a pandas
    column held by Arrow (text or integers: pandas 3's ``str``, ``kk.read_contacts`` of a
    Parquet file, ``dtype_backend="pyarrow"``) of ``HASHED_FROM`` rows or more when polars is
    installed; polars takes Arrow's buffers. At 10M text ids: 0.1-0.3 s, against 1.35 s for
    pandas' exact ``nunique``. Other columns (Python objects, NumPy) get True.

    >>> import pandas as pd
    >>> def may_repeat(values, dtype="string[pyarrow]"):
    ...     frame = nw.from_native(pd.DataFrame({"id": pd.Series(values, dtype=dtype)}))
    ...     return keys_may_repeat(frame, "id")
    >>> ids = [f"c{i}" for i in range(HASHED_FROM)]
    >>> may_repeat([*ids, None, None]), may_repeat([*ids, "c7"])
    (False, True)
    >>> may_repeat(ids, dtype=object), may_repeat(ids[:10])  # the exact count decides
    (True, True)
    """
    if frame.implementation.is_polars():
        return polars_keys_may_repeat(frame, key)
    values = _held_by_arrow(frame, key)
    if values is None or len(values) < HASHED_FROM:
        return True
    try:
        import polars as pl
    except ImportError:
        return True
    present = pl.from_arrow(values).drop_nulls()
    if polars_in_strict_order(present.to_frame(), pl.col(present.name)):
        return False
    return repeats_any(present.hash())


def _held_by_arrow(frame, key: str):
    """The Arrow array of a pandas column of text or integers held by Arrow, else None."""
    if not frame.implementation.is_pandas():
        return None
    return arrow_ids(frame.get_column(key).to_native())


def polars_keys_may_repeat(frame, key: str) -> bool:
    """Whether two present values of a polars column ``key`` may be equal: False is certain.

    Equal values have equal 64-bit hashes; polars hashes the values and sorts the hashes
    (:func:`kpikit._sorting.repeats_any`), several times faster than polars' exact
    ``n_unique`` of text ids (1.2 s at 10 million); counting the distinct hashes in the same
    query took 0.54 s of wall time and 1.0 s of CPU at 10M, against 0.22 s and 0.40 s. Two
    different values with one hash only send the caller to the exact count. Values in strict
    order are not hashed (:mod:`kpikit._id_order`).
    """
    import polars as pl

    present = pl.col(key).drop_nulls()
    native = frame.to_native()
    if polars_in_strict_order(native, present):
        return False
    return repeats_any(native.lazy().select(present.hash()).collect().to_series())


def _keys_repeat(frame, keys) -> bool:
    """Whether two rows hold the same present value of every key column (a row with a missing
    key repeats nothing).

    A pandas frame is asked with pandas' ``duplicated``, which combines the columns' codes,
    rather than grouped: for the sample's 56k agent intervals (two keys) 5 ms against 12 ms, for
    10M text-id intervals 1.2 s against 2.3 s (``benchmarks/bench_check_parts.py``). Other
    engines group the keys, polars as fast as it finds the duplicated rows.

    >>> import pandas as pd
    >>> intervals = pd.DataFrame({"agent_id": ["a", "a", None, None], "start": [1, 2, 3, 3]})
    >>> _keys_repeat(nw.from_native(intervals), ("agent_id", "start"))
    False
    >>> _keys_repeat(nw.from_native(intervals.assign(start=1)), ("agent_id", "start"))
    True
    """
    if isinstance(frame, nw.DataFrame) and frame.implementation.is_pandas():
        native = frame.to_native()
        present = native[list(keys)].notna().all(axis=1)
        return bool((native.duplicated(subset=list(keys)) & present).any())
    return len(_repeated_key_groups(frame, keys)) > 0


def _repeated_key_groups(frame, keys):
    """The keys that more than one row holds, with their row count in ``__kpikit_rows``."""
    groups = (
        frame.filter(*[~nw.col(k).is_null() for k in keys])
        .group_by(*keys)
        .agg(nw.len().alias("__kpikit_rows"))
        .filter(nw.col("__kpikit_rows") > 1)
    )
    return groups if isinstance(groups, nw.DataFrame) else groups.collect()


def _run_eager(frame, checks, duplicate, keys):
    """Count, examples and row positions of each failed check of an eager frame."""
    position = free_column_name(frame.columns)
    masks = [check.mask for check in checks]
    if duplicate is not None:
        checks = [*checks, duplicate]
        # A row repeats a key when an earlier row (lower position) has the same key.
        first_position = nw.col(position).min().over(*keys)
        present = [~nw.col(k).is_null() for k in keys]
        masks.append(
            nw.all_horizontal(first_position != nw.col(position), *present, ignore_nulls=True)
        )
    found, rows = [], set()
    if not checks:
        return found, rows
    names = [f"{position}_{i}" for i in range(len(checks))]
    flags = frame.with_row_index(position).select(
        position, *keys, *[m.fill_null(False).alias(n) for m, n in zip(masks, names, strict=True)]
    )
    for check, name in zip(checks, names, strict=True):
        hits = flags.filter(nw.col(name))
        # Each repeated key is quoted once, as the lazy engines quote their repeated groups.
        shown = hits.unique(keys, keep="first", maintain_order=True) if check is duplicate else hits
        examples = _examples(shown, () if check.by_position else keys, position)
        found.append((check, len(hits), examples))
        rows.update(hits[position].to_list())
    return found, rows


def _run_lazy(frame, checks, duplicate, keys):
    """Count and up to five offending keys of each failed check of a lazy frame."""
    found = []
    if checks:
        names = [f"__kpikit_check_{i}" for i in range(len(checks))]
        sums = [
            check.mask.fill_null(False).cast(nw.Int64).sum().alias(name)
            for check, name in zip(checks, names, strict=True)
        ]
        counts = frame.select(*sums).collect()
        for check, name in zip(checks, names, strict=True):
            examples = ()
            if keys and not check.by_position:
                hits = frame.filter(check.mask.fill_null(False)).select(*keys).head(5).collect()
                examples = _examples(hits, keys, "")
            found.append((check, int(counts[name][0]), examples))
    if duplicate is not None:
        groups = _repeated_key_groups(frame, keys)
        repeated = int(sum(groups["__kpikit_rows"].to_list())) - len(groups)
        # No row order to quote the first repeats by: the smallest repeated keys, each once.
        found.append((duplicate, repeated, _examples(groups.sort(*keys), keys, "")))
    return found
