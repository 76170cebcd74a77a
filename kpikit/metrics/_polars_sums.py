"""Sums of per-row components by group for eager polars and pandas frames, in one polars query.

The FCR flags are added first, as one byte per contact (:func:`kpikit.repeats.add_fcr_level`:
one NumPy sort of the eligible contacts; the flags are 0 elsewhere, so every FCR component is
too); then one lazy polars query makes the flags, evaluates every component (the registry's
narwhals expressions) and sums them per group, reading only the columns they use, on every
core, without holding a column per component.

A pandas frame is handed to polars first (:func:`to_polars`: NumPy columns converted in
compiled code, text held as Python objects only where a component reads it) with
a column of row positions: the first row of each group then gives the group's key values from
the pandas frame itself, so they keep their pandas types (a null of object text as None, see
:func:`kpikit.metrics._numpy_sums.group_codes`). When the FCR key or ``contact_id`` is
text held as Python objects, the flags are found on the pandas side (which factorises only the
eligible rows), and those columns are never converted.

Missing values count as 0, as in every engine's ``sum``.

Grouped by a period alone whose periods hold ``MIN_LANED_RUN`` contacts or more on average,
the sums run in ``LANES`` lanes. A log is kept in time order, so its periods come in long runs
of one key, and summing a run into one total makes each addition wait for the one before it:
polars' sums by day of a time-ordered log of 1 million contacts took 51 ms, of the same rows
shuffled 37 ms. Consecutive rows go to different lanes (the row number modulo ``LANES``), which
are summed side by side and then added up per group. ``kk.compute`` of 10 million contacts
held in polars: by day 0.86 s instead of 1.01 s, by hour 0.81 s instead of 1.02 s, by 15
minutes 0.92 s instead of 1.10 s. With short runs or many groups the lanes cost more than they
save, polars' hash table growing eightfold: at 1M by 15 minutes (116 contacts a period) 148 ms
against 132 ms, by agent and day 872 ms against 675 ms (``benchmarks/README.md``).
"""

from datetime import timedelta

import narwhals as nw
import pandas as pd

from kpikit import repeats
from kpikit._object_flags import objects_as_arrow
from kpikit.metrics._numpy_sums import LANES, nulls_as_none

_ROW = "_kk_row"
_LANE = "_kk_lane"
MIN_LANED_RUN = 400
"""Fewest contacts a period holds on average for its sums to run in lanes (see above)."""

_SHORTEST = {
    "15min": timedelta(minutes=15),
    "30min": timedelta(minutes=30),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=28),
    "quarter": timedelta(days=89),
    "year": timedelta(days=365),
}
"""The shortest period of each frequency (a clock change aside): the span of a log over it
bounds the number of periods."""


def sums_by_group(
    frame, group, columns, *, squared=(), fcr_columns=None, fcr=None, values=(), alone=None
):
    """One row per group with the sum of each expression of ``columns`` and ``fcr_columns``.

    Parameters
    ----------
    frame : narwhals DataFrame backed by polars or pandas
    group : dict of str to narwhals Expr
        The grouping columns (name -> per-row expression); nulls form a group of their own.
        Empty: one row.
    columns : dict of str to narwhals Expr
        Output column name -> per-row expression, summed over every contact.
    squared : sequence of str, default=()
        Names of ``columns`` whose sum of squares is wanted too, as ``<name>_sq``.
    fcr_columns : dict of str to narwhals Expr, default=None
        Output column name -> per-row expression of the FCR flags.
    fcr : dict, default=None
        ``window``, ``match`` and ``first`` of :func:`kpikit.repeats.add_fcr_components`.
    values : sequence of str, default=()
        For a pandas frame, the columns the expressions may read besides the group keys and
        the FCR key and ``contact_id`` (the others are not converted; see :func:`to_polars`).
    alone : str, default=None
        The frequency of ``group``'s period when it is the only key: its sums then run in
        lanes if its periods hold long runs of contacts (:func:`_long_runs`).

    Returns
    -------
    narwhals DataFrame
        Of the input's kind.

    Examples
    --------
    >>> import pandas as pd, narwhals as nw
    >>> frame = nw.from_native(pd.DataFrame({"team": ["a", "b", "a"], "x": [1.0, 2.0, None]}))
    >>> sums_by_group(frame, {"team": nw.col("team")}, {"x": nw.col("x")}, values=["x"]).to_native()
      team    x
    0    a  1.0
    1    b  2.0
    """
    columns = {**columns, **(fcr_columns or {})}
    flags = repeats.level_flags(fcr["first"]) if fcr_columns else {}
    if frame.implementation.is_polars():
        if fcr_columns:
            frame = _with_level(frame, fcr)
        return nw.from_native(_sums(frame.to_native(), group, columns, squared, None, flags, alone))
    codes = list(group)
    if fcr_columns and _held_as_objects(frame, [*fcr["match"], "contact_id"]):
        frame = _with_level(frame, fcr)  # pandas factorises the eligible rows
        values = [*values, repeats.LEVEL]
        fcr_columns = None
    elif fcr_columns:
        codes += fcr["match"]
        values = [*values, "contact_id"]
    native = frame.to_native()
    converted = nw.from_native(to_polars(native, codes=codes, values=values))
    if fcr_columns:
        converted = _with_level(converted, fcr)
    sums = _sums(converted.to_native(), group, columns, squared, _ROW, flags, alone)
    if group:  # each group's keys as pandas holds them, from its first row
        first_rows = sums.get_column(_ROW).to_numpy()
        groups = nulls_as_none(nw.from_native(native.iloc[first_rows]).select(**group))
        table = groups.to_native().reset_index(drop=True)
    else:  # one row of totals, also of no contacts (whose first row is null)
        table = pd.DataFrame(index=[0])
    names = [name for name in sums.columns if name not in group and name != _ROW]
    totals = {name: sums.get_column(name).to_numpy() for name in names}
    return nw.from_native(table.assign(**totals))


def _with_level(frame, fcr):
    """``frame`` with the FCR level column (:func:`kpikit.repeats.add_fcr_level`)."""
    return repeats.add_fcr_level(frame, window=fcr["window"], match=fcr["match"])


def _held_as_objects(frame, names) -> bool:
    """Whether any of the columns ``names`` of a pandas frame holds Python objects."""
    native = frame.to_native()
    return any(native[name].dtype == object for name in names if name in native.columns)


def to_polars(native: pd.DataFrame, *, codes=(), values=()):
    """A polars frame of a pandas frame's columns, with the row positions in ``_kk_row``.

    Only the columns named are taken (those absent are skipped). Numeric, true/false, time and
    Arrow-backed columns are converted in compiled code; NaN becomes null (pandas' missing
    value). Object columns cost a Python step per value: those of ``codes`` (grouping and FCR
    keys, which are only compared) become integer codes of their distinct values
    (``pd.factorize``, which hashes any Python value), the others Arrow arrays.

    Raises
    ------
    pyarrow.ArrowInvalid, pyarrow.ArrowTypeError
        A column of ``values`` holds values of several types.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": [1.0, None], "s": ["a", None], "q": 1,
    ...     "k": pd.Series(["b", "b"], dtype=object)})
    >>> to_polars(frame, codes=["k"], values=["x", "s"]).to_dicts()
    [{'_kk_row': 0, 'k': 0, 'x': 1.0, 's': 'a'}, {'_kk_row': 1, 'k': 0, 'x': None, 's': None}]
    """
    import polars as pl

    columns = {}
    for name in dict.fromkeys([*codes, *values]):
        if name not in native.columns:
            continue
        column = native[name]
        if column.dtype == object and name in values:
            columns[name] = pl.from_arrow(objects_as_arrow(column.to_numpy()))
        elif column.dtype == object:
            found = pd.factorize(column)[0]
            columns[name] = pl.Series(name, found).set(pl.Series(found == -1), None)
        else:
            columns[name] = pl.from_pandas(column)
    return pl.DataFrame(columns).with_row_index(_ROW)


def _long_runs(native, freq) -> bool:
    """Whether the periods of ``freq`` of a polars frame hold ``MIN_LANED_RUN`` contacts or
    more on average, counted from the span of ``arrived_at`` (no frequency: False).

    >>> import polars as pl
    >>> from datetime import datetime
    >>> log = pl.DataFrame({"arrived_at": [datetime(2026, 1, 5, 9), datetime(2026, 1, 6, 9)]})
    >>> _long_runs(pl.concat([log] * 400), "day"), _long_runs(log, "day")  # 400 a day, 1 a day
    (True, False)
    >>> _long_runs(log.cast({"arrived_at": pl.String}), "day")
    False
    """
    import polars as pl

    if freq is None or "arrived_at" not in native.columns:
        return False
    times = native.get_column("arrived_at")
    if not isinstance(times.dtype, pl.Datetime | pl.Date):
        return False  # unchecked input: cutting its periods will say what is wrong
    first, last = times.min(), times.max()
    if first is None:
        return False
    periods = (last - first) / _SHORTEST[freq] + 1
    return native.height >= MIN_LANED_RUN * periods


def _sums(native, group, columns, squared, row, flags, alone):
    """The sums of one polars frame, as a polars DataFrame (with each group's first row);
    ``flags``: the FCR flags made from its level column, batch by batch; ``alone``: the
    frequency of a period grouped alone, summed in ``LANES`` lanes added up at the end when its
    periods hold long runs (see the module's docstring)."""
    import polars as pl

    lanes = _long_runs(native, alone)
    lazy = native.lazy()
    if lanes:
        lazy = lazy.with_columns((pl.int_range(pl.len()) % LANES).cast(pl.UInt8).alias(_LANE))
    lazy = nw.from_native(lazy)
    lazy = lazy.with_columns(**flags) if flags else lazy
    totals = {name: nw.col(name).sum() for name in columns}
    totals.update({name + "_sq": (nw.col(name) * nw.col(name)).sum() for name in squared})
    if row is not None:
        totals[row] = nw.col(row).min()
    if not totals:
        totals["_kk_rows"] = nw.len()
    lazy = lazy.with_columns(**group, **columns) if {**group, **columns} else lazy
    if lanes:
        lazy = lazy.group_by(*group, _LANE, drop_null_keys=False).agg(**totals)
        added = {name: nw.col(name).min() if name == row else nw.col(name).sum() for name in totals}
        lazy = lazy.group_by(*group, drop_null_keys=False).agg(**added)
    elif group:
        lazy = lazy.group_by(*group, drop_null_keys=False).agg(**totals)
    else:
        lazy = lazy.select(**totals)
    # Streaming evaluates the components batch by batch: polars' in-memory engine would hold a
    # column per component (2.4 GB more at 10 million contacts, against 0.15 GB).
    return lazy.to_native().collect(engine="streaming")
