"""Sums of per-row components by group for eager polars and pandas frames, in one polars query.

The FCR flags are added first (:func:`kpikit.repeats.add_fcr_components`: one NumPy sort of the
eligible contacts; the flags are 0 elsewhere, so every FCR component is too); then one lazy
polars query evaluates every component (the registry's narwhals expressions) and sums them per
group, reading only the columns they use, on every core, without holding a column per
component.

A pandas frame is handed to polars first (:func:`to_polars`; Arrow-backed columns are shared,
not copied) with a column of row positions: the first row of each group then gives the group's
key values from the pandas frame itself, so they keep their pandas types.

Missing values count as 0, as in every engine's ``sum``.
"""

import narwhals as nw
import pandas as pd
import pyarrow as pa

from kpikit import repeats

_ROW = "_kk_row"


def sums_by_group(frame, group, columns, *, squared=(), fcr_columns=None, fcr=None, values=()):
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
        For a pandas frame, the object columns the expressions may read besides the group keys
        and the FCR key (see :func:`to_polars`).

    Returns
    -------
    narwhals DataFrame
        Of the input's kind.

    Examples
    --------
    >>> import pandas as pd, narwhals as nw
    >>> frame = nw.from_native(pd.DataFrame({"team": ["a", "b", "a"], "x": [1.0, 2.0, None]}))
    >>> sums_by_group(frame, {"team": nw.col("team")}, {"x": nw.col("x")}).to_native()
      team    x
    0    a  1.0
    1    b  2.0
    """
    if frame.implementation.is_polars():
        return nw.from_native(
            _sums(frame.to_native(), group, columns, squared, fcr_columns, fcr, None)
        )
    native = frame.to_native()
    codes = [*group, *(fcr["match"] if fcr_columns else ())]
    converted = to_polars(native, codes=codes, values=values)
    sums = _sums(converted, group, columns, squared, fcr_columns, fcr, _ROW)
    first_rows = sums.get_column(_ROW).to_numpy()
    groups = nw.from_native(native.iloc[first_rows]).select(**group).to_native()
    table = groups.reset_index(drop=True) if group else pd.DataFrame(index=[0])
    names = [name for name in sums.columns if name not in group and name != _ROW]
    totals = {name: sums.get_column(name).to_numpy() for name in names}
    return nw.from_native(table.assign(**totals))


def to_polars(native: pd.DataFrame, *, codes=(), values=()):
    """A polars frame of a pandas frame's columns, with the row positions in ``_kk_row``.

    Numeric, true/false, time and Arrow-backed columns are shared or copied in compiled code;
    NaN becomes null (pandas' missing value). Object columns cost a Python step per value, so
    only the ones named are taken: those of ``codes`` (grouping and FCR keys, which are only
    compared) as integer codes of their distinct values (``pd.factorize``, which hashes any
    Python value), those of ``values`` (compared with constants, or true/false and numbers
    that pandas holds as objects) as Arrow arrays; other object columns are left out.

    Raises
    ------
    pyarrow.ArrowInvalid, pyarrow.ArrowTypeError
        A column of ``values`` holds values of several types.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"x": [1.0, None], "s": ["a", None], "k": ["b", "b"]})
    >>> to_polars(frame, codes=["k"], values=["s"]).to_dicts()
    [{'_kk_row': 0, 'x': 1.0, 's': 'a', 'k': 0}, {'_kk_row': 1, 'x': None, 's': None, 'k': 0}]
    """
    import polars as pl

    columns = {}
    for name in native.columns:
        column = native[name]
        if not isinstance(name, str) or (column.dtype == object and name not in {*codes, *values}):
            continue
        if column.dtype == object and name in values:
            columns[name] = pl.from_arrow(pa.array(column.to_numpy(), from_pandas=True))
        elif column.dtype == object:
            found = pd.factorize(column)[0]
            columns[name] = pl.Series(name, found).set(pl.Series(found == -1), None)
        else:
            columns[name] = pl.from_pandas(column)
    return pl.DataFrame(columns).with_row_index(_ROW)


def _sums(native, group, columns, squared, fcr_columns, fcr, row):
    """The sums of one polars frame, as a polars DataFrame (with each group's first row)."""
    if fcr_columns:
        native = repeats.add_fcr_components(nw.from_native(native), **fcr).to_native()
    lazy = nw.from_native(native.lazy())
    columns = {**columns, **(fcr_columns or {})}
    totals = {name: nw.col(name).sum() for name in columns}
    totals.update({name + "_sq": (nw.col(name) * nw.col(name)).sum() for name in squared})
    if row is not None:
        totals[row] = nw.col(row).min()
    if not totals:
        totals["_kk_rows"] = nw.len()
    lazy = lazy.with_columns(**group, **columns) if {**group, **columns} else lazy
    if not group:
        return lazy.select(**totals).to_native().collect()
    return lazy.group_by(*group, drop_null_keys=False).agg(**totals).to_native().collect()
