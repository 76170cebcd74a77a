"""compute's checks of a DuckDB log, a Spark frame or an eager polars frame, run inside the
query of its sums.

On their own, the checks of :func:`kpikit.validate` are a query of their own, a whole scan of
the log beside or before the sums scanning it again. When :func:`kpikit.compute` validates a
DuckDB relation, a Spark frame or an eager polars frame of contacts, a screen that every row
failing one of the contacts' row checks trips is instead counted per group with the components
(:func:`_screen`), in the query that reads those columns anyway.

- DuckDB: beside the largest value of each float column; the query runs at once and its small
  result is held. The screen costs a fraction of the 22 checks' masks: over a parquet file
  DuckDB answers its bounds from the row groups' statistics, and NaN, which those statistics
  leave out, shows in the largest values.
- DuckDB over a pandas frame (:mod:`._via_duckdb`), which has no statistics: the screen runs
  in NumPy on the frame itself, beside the sums (:mod:`._frame_screen`), when its number
  columns are NumPy's. Otherwise each number column's least and largest values per group are
  its bounds' test, and only nulls and the checks between columns are tested row by row. In a
  query by day over 10 million contacts, that screen costs 0.24-0.26 s over a pandas frame
  against 0.39-0.43 s for the row tests; over a parquet file it would cost 0.23 s against
  their 0.13 s.
- Spark: the screen of a DuckDB log over parquet, in the job of the sums, which come back to
  the driver with it. Spark too puts NaN above every number, so NaN shows in the largest
  values. The usual checks were a job of their own, as long as the sums' (2.2 s at 1M contacts
  on ``local[2]``), with an exact count of the distinct ids.
- polars: the screen is one more column of the streaming sums, a few comparisons per row.
  polars puts NaN above every number in a comparison (its ``max`` and ``max_horizontal`` skip
  NaN), so each number column is compared with its bounds on every row: no maxima.

Repeated ids are looked for apart, in 64-bit hashes of the present ids, in a worker thread
(:func:`checks_under_way`) started before the sums query is built, so that it runs on the core
Python's building leaves idle and then beside the sums: DuckDB (on a cursor) or polars hashes
(polars too for a relation that scans parquet files as they are: it reads and hashes their text
faster), polars or NumPy sorts them and compares neighbours, several times cheaper than an exact
``count(DISTINCT contact_id)``; Spark counts the distinct hashes on its executors, unless it
runs in local mode. On DuckDB and Spark that pass finds the missing ids too, so the screen
leaves the id column out: the sums query then need not read it for every row (a pandas frame's
text ids are converted once per read, 0.18 s at 10 million). Then:

- the screen not tripped, no id missing and no two equal hashes: no check fails and no id
  repeats (ids that differ may share a hash, equal ids never differ in it), and the held sums
  are used;
- anything else: the usual checks run (:func:`kpikit.schema.check`) for their exact report,
  the same error as without folding. Two different ids with one hash pass those checks, and the
  sums are used.

Past ``MAX_SORTED_HASHES`` ids (a log larger than memory may be behind the relation) DuckDB
counts the distinct hashes itself, which it can do under its memory cap.

Structural problems (a missing column, a wrong type) are found from the schema first, before
any row is read; their report comes from the usual checks too. Only contacts are folded: when a
KPI reads agent intervals or costs, every table is checked the usual way. Should the sums of a
polars frame fail on a bad value, the usual checks' error is raised in their place.
"""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial

import narwhals as nw
import numpy as np

from kpikit._check_runs import polars_keys_may_repeat
from kpikit._checks import table_checks
from kpikit._duckdb import connection_of, parquet_scan_files, sql_name
from kpikit._id_order import in_strict_order, polars_in_strict_order
from kpikit._sorting import repeats_any
from kpikit._versions import usable
from kpikit.metrics._components import PREFIX, as_flag
from kpikit.metrics._frame_screen import LARGEST_FLOAT, frame_screen
from kpikit.metrics._sources import is_spark, sums_on_driver
from kpikit.schema import KEY_COLUMNS, Dataset, SchemaError, check, table_specs

MAX_SORTED_HASHES = 50_000_000
"""Most ids whose hashes are sorted in memory (8 bytes each)."""

MAX_DRIVER_HASHES = 10_000_000
"""Most ids whose hashes a Spark driver in local mode sorts (80 MB, beside Spark's own copy)."""

_FAILING = "check_failing"
_HIGHEST = "check_highest_"
_LOWEST = "check_lowest_"


@dataclass(frozen=True)
class FoldedChecks:
    """The contacts' row checks to count with the sums, and what the usual checks need.

    ``failing`` is True on a row that may fail a check; ``highest`` pairs each float column
    of a DuckDB relation with the largest value it may hold (a NaN is above every number for
    DuckDB, so the largest value of a group is NaN, infinite or too large when any of its
    values is), and without statistics every bounded number column too; ``lowest`` pairs
    the number columns of a relation without statistics with their least value allowed; a
    polars frame has none (``failing`` compares its floats row by row). ``ids`` is the pass
    over the ids under way (:func:`checks_under_way`), True when an id is missing or may repeat.
    ``rows`` is the screen of the pandas frame a relation scans, run on the frame in NumPy
    (:mod:`._frame_screen`) in place of ``failing`` and the extremes, and ``rows_tripped`` that
    screen under way beside the ids' pass, True when a row may fail a check. ``frame`` is that
    pandas frame, whose ids need no hashing when they are in strict order
    (:func:`kpikit._id_order.in_strict_order`).
    """

    dataset: Dataset
    csat_scale: int | None
    failing: nw.Expr | None
    highest: tuple[tuple[str, float], ...]
    key: str | None
    lowest: tuple[tuple[str, float], ...] = ()
    ids: Future | None = None
    rows: Callable[[], bool] | None = None
    rows_tripped: Future | None = None
    frame: object = None

    def row_tests(self) -> dict[str, nw.Expr]:
        """True on a row that may fail a check, named as a component whose true rows are
        counted; nothing when there is no such check. A null (a comparison with a missing
        value) is not a failure."""
        return {} if self.failing is None else {_FAILING: self.failing}

    def row_counts(self) -> dict[str, nw.Expr]:
        """:meth:`row_tests` as 1.0 on a row that may fail a check, else 0.0."""
        return {name: as_flag(test) for name, test in self.row_tests().items()}

    def extremes(self) -> dict[str, nw.Expr]:
        """The largest values of the columns of ``highest`` and the least of those of
        ``lowest``, per group, named as components. A group with no value gets one within
        every bound (-/+ ``LARGEST_FLOAT``) rather than null, which a pandas frame of Spark's
        sums would hold as NaN, an out-of-bounds value."""
        largest = {
            f"{_HIGHEST}{i}": nw.col(name).max().fill_null(-LARGEST_FLOAT)
            for i, (name, _) in enumerate(self.highest)
        }
        least = {
            f"{_LOWEST}{i}": nw.col(name).min().fill_null(LARGEST_FLOAT)
            for i, (name, _) in enumerate(self.lowest)
        }
        return {**largest, **least}


def fold_checks(
    dataset: Dataset, tables, csat_scale: int | None, *, frame=None
) -> FoldedChecks | None:
    """The contacts' checks to run inside the sums query; None to run them the usual way.

    They are folded for a DuckDB relation, a Spark frame or an eager polars frame of contacts,
    read by contact KPIs only. A wrong schema (a missing column, a wrong type) raises the usual
    checks' SchemaError at once: a struct column summed makes polars panic, which no ``except
    Exception`` catches. ``frame`` is the pandas frame a DuckDB relation scans, which has no
    statistics: its rows are screened in NumPy (:mod:`._frame_screen`) or, where that screen
    does not take the frame's types, its bounds are tested on the least and largest values of
    each group.

    >>> import polars as pl
    >>> from datetime import datetime
    >>> contacts = pl.DataFrame({"contact_id": [1], "arrived_at": [datetime(2026, 1, 5)],
    ...     "answered": [True], "wait_s": [3.0]})
    >>> folded = fold_checks(Dataset(contacts), ["contacts"], None)
    >>> folded.key, folded.highest, list(folded.row_counts())
    ('contact_id', (), ['check_failing'])
    >>> fold_checks(Dataset(contacts.lazy()), ["contacts"], None) is None  # lazy: the usual way
    True
    """
    contacts = nw.from_native(dataset.contacts)
    duckdb, spark = contacts.implementation.is_duckdb(), is_spark(contacts)
    eager_polars = isinstance(contacts, nw.DataFrame) and contacts.implementation.is_polars()
    if set(tables) != {"contacts"} or not (duckdb or eager_polars or spark):
        return None
    specs = table_specs("contacts", csat_scale=csat_scale)
    planned = table_checks(contacts, "contacts", specs, KEY_COLUMNS["contacts"])
    if planned.problems:  # a wrong type: the usual report, before any sums run on it
        raise SchemaError(check(Dataset(dataset.contacts), csat_scale=csat_scale).problems)
    if len(planned.keys) > 1:
        return None
    key = planned.keys[0] if planned.keys else None
    screened = specs
    if (duckdb or spark) and key is not None:  # found with the ids' hashes
        screened = [_nulls_allowed(spec) if spec.name == key else spec for spec in specs]
    rows = frame_screen(frame, screened) if frame is not None else None
    if rows is not None:
        return FoldedChecks(dataset, csat_scale, None, (), key, rows=rows, frame=frame)
    mode = "rows" if eager_polars else ("statistics" if frame is None else "extremes")
    failing, highest, lowest = _screen(contacts.collect_schema(), screened, mode=mode)
    return FoldedChecks(dataset, csat_scale, failing, highest, key, lowest, frame=frame)


def _nulls_allowed(spec):
    return replace(spec, required=False, nullable=True)


def _screen(schema, specs, *, mode: str):
    """A row screen and the largest and least values allowed, which every failing row trips.

    ``mode`` ``"statistics"`` (DuckDB): the bounds are tested over several columns at once and
    a float column by its largest value per group, as below; ``"extremes"`` (DuckDB without
    statistics): each number column by its largest and least values per group (NaN is the
    largest, -inf the least); ``"rows"`` (polars): each number column is compared with its
    bounds on each row (:func:`_outside`).

    No row fails a check without tripping the screen (one that trips it and passes would only
    send the log to the usual checks, which find nothing):

    - a missing value of a required column is ``IS NULL``; a NaN (missing too, for a float) is
      above every bound;
    - values below a column's lower bound (-inf among them) put the ``least`` of the columns of
      that bound below it. Over a parquet file, DuckDB answers this from the row groups'
      minima without reading a value when no value is below (NaN does not enter a minimum);
    - NaN, infinities and values above the upper bound of a float column are found from its
      largest value per group (``highest``); integers and decimals above their bound put the
      ``greatest`` of the columns of that bound above it (answered from the maxima likewise);
    - the checks between columns take one ``CASE`` on ``answered``: an answered contact with
      no talk time or no transfer flag, an abandoned one with an agent, a transfer or time
      above 0.
    """
    present = {spec.name: schema[spec.name] for spec in specs if spec.name in schema}
    numeric = {name for name, dtype in present.items() if dtype.is_numeric()}
    tests, below, above, highest, lowest = [], {}, {}, [], []
    for spec in specs:
        if spec.name not in present:
            continue
        column = nw.col(spec.name)
        if not spec.allows_null:
            tests.append(column.is_null())
        if spec.choices and _is_text(present[spec.name]):
            allowed = column.cast(nw.String).is_in(list(spec.choices))
            tests.append(~column.is_null() & ~allowed)
        if spec.kind != "number" or spec.name not in numeric:
            continue
        floating = present[spec.name].is_float()
        if mode == "extremes":
            highest += _bound(spec.name, spec.max, LARGEST_FLOAT if floating else None)
            lowest += _bound(spec.name, spec.min, -LARGEST_FLOAT if floating else None)
        elif mode == "statistics":
            if spec.min is not None:
                below.setdefault(spec.min, []).append(column)
            elif floating:
                tests.append(column < -LARGEST_FLOAT)
            if floating:
                highest.append((spec.name, spec.max if spec.max is not None else LARGEST_FLOAT))
            elif spec.max is not None:
                above.setdefault(spec.max, []).append(column)
        else:
            tests.append(_outside(column, spec, floating))
        if spec.integer and not present[spec.name].is_integer():
            tests.append(column != column.round(0))
    for bound, columns in below.items():
        # With a number among them, the least of the columns is never null: DuckDB then answers
        # the comparison from their minima alone (a parquet file's statistics). Subtracting the
        # bounds would lose that, or overflow (an unsigned 0 less 1).
        tests.append(nw.min_horizontal(*columns, nw.lit(LARGEST_FLOAT)) < bound)
    for bound, columns in above.items():
        tests.append(nw.max_horizontal(*columns, nw.lit(-LARGEST_FLOAT)) > bound)
    tests += _between_columns(present, numeric)
    failing = nw.any_horizontal(*tests, ignore_nulls=False) if tests else None
    return failing, tuple(highest), tuple(lowest)


def _bound(name: str, bound: float | None, otherwise: float | None) -> list:
    """``[(name, bound)]``, ``bound`` being ``otherwise`` when None; nothing without either."""
    bound = bound if bound is not None else otherwise
    return [] if bound is None else [(name, bound)]


def _outside(column: nw.Expr, spec, floating: bool) -> nw.Expr:
    """True on a polars value outside the bounds of ``spec``, compared on each row.

    A float column's bounds are ±``LARGEST_FLOAT`` where ``spec`` has none: polars puts NaN
    above every number (and ``max_horizontal`` and ``max`` skip NaN, which is why each column
    is compared apart), so NaN and the infinities are outside too. A column per comparison
    costs a quarter of ``min_horizontal`` over the columns of one bound.

    >>> import polars as pl
    >>> from kpikit.schema import table_specs
    >>> wait = next(spec for spec in table_specs("contacts") if spec.name == "wait_s")
    >>> frame = pl.DataFrame({"wait_s": [3.0, -1.0, float("nan"), float("inf"), None]})
    >>> nw.from_native(frame).select(_outside(nw.col("wait_s"), wait, True))["wait_s"].to_list()
    [False, True, True, True, None]
    """
    lower = spec.min if spec.min is not None else -LARGEST_FLOAT
    if spec.max is None and not floating:
        return column < lower
    upper = spec.max if spec.max is not None else LARGEST_FLOAT
    return ~column.is_between(lower, upper)


def _is_text(dtype) -> bool:
    return dtype == nw.String or isinstance(dtype, nw.Categorical | nw.Enum)


def _between_columns(present, numeric) -> list[nw.Expr]:
    """The checks between ``answered`` and the columns only answered contacts can fill."""
    if present.get("answered") != nw.Boolean:
        return []
    if_answered = []
    if "talk_s" in present:
        if_answered.append(nw.col("talk_s").is_null())
    if "transferred" in present:  # of no type when it holds no value at all: all missing
        if_answered.append(nw.col("transferred").is_null())
    if_abandoned = [nw.col(name) > 0 for name in ("talk_s", "hold_s", "acw_s") if name in numeric]
    if "agent_id" in present:
        if_abandoned.insert(0, ~nw.col("agent_id").is_null())
    if present.get("transferred") == nw.Boolean:
        if_abandoned.append(nw.col("transferred"))
    if not if_answered and not if_abandoned:
        return []
    answered_test = (
        nw.any_horizontal(*if_answered, ignore_nulls=False) if if_answered else nw.lit(False)
    )
    abandoned_test = (
        nw.any_horizontal(*if_abandoned, ignore_nulls=False) if if_abandoned else nw.lit(False)
    )
    return [nw.when(nw.col("answered")).then(answered_test).otherwise(abandoned_test)]


@contextmanager
def checks_under_way(folded: FoldedChecks | None):
    """The block in which the folded checks run; yields ``folded``, holding the pass over its
    ids (``ids``) when that runs in a worker thread.

    - DuckDB's ``parquet_can_have_nan`` is left as the connection has it: the screen finds NaN
      in the largest values, which DuckDB reads from the values, not from a parquet file's
      statistics (which leave NaN out). Only the usual checks need it on, and turn it on
      themselves (:func:`kpikit._nan_aware.nan_visible`); on for the sums too, it cost 0.12 s
      of 4.2 at 10M contacts.
    - The pass over the ids starts before the sums query is built: building it is Python's
      work on one core, which leaves the other to the pass (DuckDB at 1M contacts: 40 ms of
      building, 55 ms of pass); then the pass runs beside the sums (DuckDB scans a parquet file
      of one row group on one thread). It has no worker thread when there is no key or no
      cursor to query.
    - The screen of a pandas frame's rows (``rows``) runs in the same thread, after the ids'
      pass (NumPy releases Python's lock as DuckDB does).
    """
    if folded is None:
        yield folded
        return
    task = _ids_task(folded) if folded.key is not None else None
    if task is None and folded.rows is None:
        yield folded
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpikit-ids") as pool:
        ids = pool.submit(task) if task is not None else None
        rows = pool.submit(folded.rows) if folded.rows is not None else None
        yield replace(folded, ids=ids, rows_tripped=rows)


def _ids_task(folded: FoldedChecks):
    """The pass over the ids of ``folded`` as a function of no arguments, for another thread
    (a DuckDB relation is queried again on a cursor, or its parquet files read by polars:
    :func:`_parquet_ids_fail`); None when there is neither to be had. The ids of a pandas frame
    are first looked at in their order, and hashed only when they are not in strict order."""
    if folded.frame is not None:
        task = _ids_task(replace(folded, frame=None))
        ids = folded.frame[folded.key]
        return None if task is None else partial(_ids_fail_unless_in_order, ids, task)
    contacts = nw.from_native(folded.dataset.contacts)
    if contacts.implementation.is_duckdb():
        on_a_cursor = _on_a_cursor(contacts)
        files = parquet_scan_files(contacts.to_native()) if usable("polars") else None
        if files is not None:
            return partial(_parquet_ids_fail, files, folded.key, on_a_cursor)
        if on_a_cursor is None:
            return None
        contacts = on_a_cursor
    return partial(_ids_may_fail, contacts, folded.key)


def _ids_fail_unless_in_order(ids, task) -> bool:
    """False when ``ids`` rise or fall strictly from row to row (then none is missing and none
    repeats), else the pass over the ids, ``task()``."""
    return not in_strict_order(ids) and task()


def _parquet_ids_fail(files, key: str, fallback) -> bool:
    """:func:`_ids_fail` of a relation that scans ``files``, with the ids read and hashed by
    polars rather than DuckDB: at 10M text ids 0.09 s of wall time and 0.17 s of CPU against
    DuckDB's 0.22 s and 0.40 s (polars decodes parquet text faster and hands its hashes over
    without a copy), streaming, so that the text is never held whole.

    Past ``MAX_SORTED_HASHES`` rows (from the files' footers), when polars reads the ids as
    anything but text or integers (floats, whose -0.0 and 0.0 DuckDB holds equal; a
    categorical column, whose hash might be its codes'; a first file without them), or should
    polars fail to read the files as one table (columns of different types in different
    files, which DuckDB reconciles), the pass runs in DuckDB on ``fallback`` (a relation on a
    cursor), or, without one, the usual checks decide (True).
    """
    import polars as pl

    column = pl.col(key)
    try:
        scan = pl.scan_parquet(files, glob=False)
        dtype = scan.collect_schema().get(key)
        plain = dtype is not None and (dtype == pl.String or dtype.is_integer())
        if plain and scan.select(pl.len()).collect().item() <= MAX_SORTED_HASHES:
            if polars_in_strict_order(scan, column):  # none missing, none repeated
                return False
            hashed = pl.when(column.is_null()).then(None).otherwise(column.hash())
            hashes = scan.select(hashed).collect(engine="streaming").to_series()
            return hashes.null_count() > 0 or repeats_any(hashes)
    except (pl.exceptions.PolarsError, OSError):
        pass
    return True if fallback is None else _ids_fail(fallback, key)


def _ids_fail_or_repeat(contacts, folded: FoldedChecks) -> bool:
    """The result of the pass over the ids: its thread's (:func:`checks_under_way`), or else a
    pass run now."""
    if folded.ids is not None:
        return folded.ids.result()
    return folded.key is not None and _ids_may_fail(contacts, folded.key)


def _ids_may_fail(contacts, key: str) -> bool:
    """Whether two present ids of ``key`` share a hash, on the engine of ``contacts``, or (on
    DuckDB and Spark, whose screens leave them out) an id is missing."""
    if contacts.implementation.is_polars():
        return polars_keys_may_repeat(contacts, key)
    if is_spark(contacts):
        return _spark_ids_fail(contacts, key)
    return _ids_fail(contacts, key)


def checked_sums(sums, contacts, folded: FoldedChecks):
    """The sums query (with the columns of ``folded.row_counts()`` and ``folded.extremes()``)
    run and the checks read.

    Returns the sums, held in memory, without those columns; raises the usual checks'
    SchemaError when a row fails a check, or an id is missing or may repeat. DuckDB's sums are
    held as an Arrow table, Spark's as a pandas frame (:func:`._sources.sums_on_driver`).
    """
    names = [PREFIX + name for name in (*folded.row_counts(), *folded.extremes())]
    held = sums_on_driver(sums)
    ids_fail = _ids_fail_or_repeat(contacts, folded)
    if (names and _screen_tripped(held, folded)) or _rows_tripped(folded) or ids_fail:
        _raise_problems(folded)
    return held.drop(*names) if names else held


def _rows_tripped(folded: FoldedChecks) -> bool:
    """Whether a row of the pandas frame behind the relation may fail a check: the result of
    its screen (``rows``) from the worker thread, or else of a screen run now; False when
    the frame is screened in the sums query instead."""
    if folded.rows_tripped is not None:
        return folded.rows_tripped.result()
    return folded.rows is not None and folded.rows()


def checked_polars_sums(sum_up, contacts, folded: FoldedChecks):
    """The sums of an eager polars frame of contacts, with the checks read.

    ``sum_up()`` returns the sums, the column of ``folded.row_counts()`` among them. The ids
    are hashed in the worker thread of :func:`checks_under_way` while ``sum_up`` runs (polars
    and NumPy release Python's lock), or after it without one. Returns the sums without the
    screen's column; raises the usual checks' SchemaError when a row fails a check or an id
    may repeat, or in place of an error of ``sum_up`` when the checks find a problem (a bad
    value explains it better).

    >>> import polars as pl
    >>> from datetime import datetime
    >>> contacts = nw.from_native(pl.DataFrame({"contact_id": [1, 1],
    ...     "arrived_at": [datetime(2026, 1, 5)] * 2, "answered": [True, False],
    ...     "wait_s": [3.0, 4.0]}))
    >>> folded = fold_checks(Dataset(contacts.to_native()), ["contacts"], None)
    >>> checked_polars_sums(lambda: contacts.select(**{PREFIX + "check_failing": 0.0}),
    ...     contacts, folded)
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.contact_id: 1 row repeating the contact_id of an earlier row (first ids: 1)
    """
    try:
        sums = sum_up()
    except Exception as error:
        _raise_problems(folded, error)
        raise
    repeated = _ids_fail_or_repeat(contacts, folded)
    name = PREFIX + _FAILING
    # The screen's sum is 0 (nulls skipped) unless a row tripped it.
    if (folded.failing is not None and sums[name].sum() > 0) or repeated:
        _raise_problems(folded)
    return sums.drop(name) if folded.failing is not None else sums


def _raise_problems(folded: FoldedChecks, error: Exception | None = None) -> None:
    """Raise the usual checks' SchemaError (from ``error``) when they find a problem."""
    problems = check(folded.dataset, csat_scale=folded.csat_scale).problems
    if problems:
        raise SchemaError(problems) from error


def _screen_tripped(held, folded: FoldedChecks) -> bool:
    """Whether a row of any group tripped the screen, or a column's largest value of a group
    is NaN, infinite or above its bound, or its least value infinite or below its bound (read
    in NumPy: a few values per group; ``held`` is a DuckDB relation, an Arrow table or a pandas
    frame)."""
    names = [PREFIX + name for name in (*folded.row_counts(), *folded.extremes())]
    columns = _as_arrays(held.select(*names))
    if folded.failing is not None and np.nan_to_num(columns[PREFIX + _FAILING]).any():
        return True
    for prefix, bounds, within in (
        (_HIGHEST, folded.highest, np.less_equal),
        (_LOWEST, folded.lowest, np.greater_equal),
    ):
        for i, (_, bound) in enumerate(bounds):
            extreme = columns[f"{PREFIX}{prefix}{i}"]
            if not (np.isfinite(extreme) & within(extreme, bound)).all():
                return True
    return False


def _as_arrays(frame) -> dict[str, np.ndarray]:
    """The float columns of a narwhals frame of a few rows (a DuckDB relation's, Arrow's or
    pandas')."""
    if frame.implementation.is_duckdb():
        columns = frame.to_native().fetchnumpy()
        return {name: np.ma.asarray(values, dtype=np.float64) for name, values in columns.items()}
    return {name: frame.get_column(name).to_numpy().astype(np.float64) for name in frame.columns}


def _on_a_cursor(contacts):
    """``contacts`` (a DuckDB relation) again on a cursor of its connection, to query from
    another thread; None when that cannot be had (the two then run one after the other)."""
    import duckdb

    native = contacts.to_native()
    connection = connection_of(native)
    if connection is None:
        return None
    try:
        return nw.from_native(connection.cursor().sql(native.sql_query()))
    except duckdb.Error:
        return None


def _spark_ids_fail(contacts, key: str) -> bool:
    """Whether an id of ``key`` in a Spark frame is missing or two present ids share a 64-bit
    hash (as repeated ids do), from one read of the ids.

    In local mode, where the driver is the machine that holds the data, up to
    ``MAX_DRIVER_HASHES`` hashes come to it and NumPy sorts them; otherwise the distinct
    hashes are counted on the executors and only the counts come back (a count of the
    distinct ids would shuffle the text itself). At 1M contacts on ``local[2]``: 0.3 s, against
    1.3 s on the executors. The rows are counted rather than the present ids, which bound
    them: Spark counts the rows of a parquet file without reading a column (at 10M: 0.34 s
    against 0.67 s). The missing ids are found here rather than by the screen, as on DuckDB, so
    the sums job reads one column less.
    """
    from pyspark.sql import functions as F

    native = contacts.to_native()
    hashed = F.when(F.col(key).isNotNull(), F.xxhash64(key))  # Spark hashes a null too
    if _local_spark(contacts) and native.count() <= MAX_DRIVER_HASHES:
        column = native.select(hashed).toArrow().column(0)
        if column.null_count:
            return True
        return repeats_any(column.to_numpy())
    distinct, present, rows = native.select(
        F.count_distinct(hashed), F.count(key), F.count(F.lit(1))
    ).first()
    return distinct < present or present < rows


def _local_spark(contacts) -> bool:
    """Whether a Spark frame's session runs in local mode (Spark Connect: never known)."""
    if not contacts.implementation.is_pyspark():
        return False
    return contacts.to_native().sparkSession.sparkContext.master.startswith("local")


def _ids_fail(contacts, key: str) -> bool:
    """Whether an id of ``key`` is missing or two present ids have the same 64-bit hash (as
    repeated ids do), from one read of the ids."""
    quoted = sql_name(key)
    # A missing id gets a null rather than DuckDB's hash of NULL, and its batch stops the read.
    hashes = contacts.to_native().select(
        f"CASE WHEN {quoted} IS NULL THEN NULL ELSE hash({quoted}) END"
    )
    chunks, count = [], 0
    with hashes.to_arrow_reader(batch_size=1_000_000) as reader:
        for batch in reader:
            column = batch.column(0)
            if column.null_count:
                return True
            chunks.append(column.to_numpy())
            count += len(chunks[-1])
            if count > MAX_SORTED_HASHES:
                break
    if count > MAX_SORTED_HASHES:
        counts = contacts.to_native().aggregate(
            f"count(DISTINCT hash({quoted})) FILTER (WHERE {quoted} IS NOT NULL), "
            f"count({quoted}), count(*)"
        )
        distinct, present, rows = counts.fetchall()[0]
        return distinct < present or present < rows
    return repeats_any(np.concatenate(chunks) if chunks else np.empty(0, dtype=np.uint64))
