"""A large pandas frame handed to another engine (:mod:`._via_polars`, :mod:`._via_duckdb`): what
it must be first, and the result given back as the pandas path gives it.

A frame is handed over only when its column names are distinct text and its columns have the
types the schema asks for (checked on the pandas side, from its dtypes): a type problem is then
reported by the pandas checks, in pandas terms, rather than by the other engine's reading of
the column.
"""

import narwhals.stable.v2 as nw
import pandas as pd
import pyarrow as pa

from kpikit._checks import table_checks
from kpikit._versions import usable
from kpikit.metrics._inputs import numpy_zoned_times
from kpikit.metrics._ratios import RESULT_COLUMNS
from kpikit.schema import KEY_COLUMNS, table_specs

TEXT = pa.array([], pa.string()).to_pandas().dtype
"""pandas' type for Arrow text, as the pandas path's ``kpi`` column has it: Python objects in
pandas 2, ``str`` in pandas 3."""


def ready(data, engine: str, csat_scale: int | None = None) -> bool:
    """Whether ``data`` is a pandas frame that the installed module ``engine`` may compute:
    column names that are distinct text and types the schema accepts, and ``engine`` in a
    release kpikit works with (:mod:`kpikit._versions`; an older one leaves the frame on the
    pandas path).

    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"contact_id": ["a"], "arrived_at": [pd.Timestamp("2026-01-05")],
    ...     "answered": [True], "wait_s": [3.0]})
    >>> ready(contacts, "duckdb"), ready(contacts.assign(wait_s="3 s"), "duckdb")  # text wait
    (True, False)
    >>> ready(contacts, "no_such_engine"), ready(contacts.to_dict(), "duckdb")
    (False, False)
    """
    if not isinstance(data, pd.DataFrame):
        return False
    if not data.columns.is_unique or not all(isinstance(name, str) for name in data.columns):
        return False  # left to the checks, which name the problem
    if not usable(engine):
        return False
    specs = table_specs("contacts", csat_scale=csat_scale)
    return not table_checks(
        nw.from_native(data), "contacts", specs, KEY_COLUMNS["contacts"]
    ).problems


def as_pandas(result, contacts: pd.DataFrame, keys=(), freq=None) -> pd.DataFrame:
    """The result of :func:`kpikit.compute` on another engine (a DuckDB relation or a polars
    frame), grouped by ``keys`` (and ``freq``), as the pandas path returns it for ``contacts``:
    keys of their type in ``contacts``, periods held as its times are, ``kpi`` text of pandas'
    default type (:data:`TEXT`) and NumPy float figures, groups in pandas' order (categorical
    keys in the order of their categories). A column of ``contacts`` that is no key (``value``
    or ``period``, say) leaves the result's column of that name as it is."""
    result = nw.from_native(result)
    if isinstance(result, nw.LazyFrame):
        result = result.collect(backend="pyarrow")
    table = result.to_arrow()
    for index, field in enumerate(table.schema):
        # A categorical key comes back as an Arrow dictionary, which pyarrow before 17 cannot
        # give pandas (unsigned indices); as text it is cast to the key's categories below.
        if pa.types.is_dictionary(field.type):
            table = table.set_column(index, field.name, table[index].cast(field.type.value_type))
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    types = {column: "float64" for column in RESULT_COLUMNS[1:]}
    types["kpi"] = TEXT
    types.update({key: contacts[key].dtype for key in keys})
    for key in keys:  # Arrow's null type, which text cannot be cast to: nulls as Arrow text,
        if isinstance(types[key], pd.ArrowDtype) and pa.types.is_null(types[key].pyarrow_dtype):
            types[key] = pd.ArrowDtype(pa.string())  # as the pandas path gives them
    frame = frame.astype(types)
    if any(isinstance(types[key], pd.CategoricalDtype) for key in keys):
        # polars sorts categories by their text, pandas in the order of the categories: a
        # stable sort by the keys puts the groups in pandas' order, each group's rows in theirs.
        frame = frame.sort_values(list(keys), kind="stable", na_position="last", ignore_index=True)
    if freq is not None:
        frame = numpy_zoned_times(nw.from_native(frame), "period").to_native()
        if not isinstance(contacts["arrived_at"].dtype, pd.ArrowDtype):
            frame["period"] = _numpy_times(frame["period"])
    return frame


def _numpy_times(period: pd.Series) -> pd.Series:
    if isinstance(period.dtype, pd.ArrowDtype):  # naive
        return period.astype(f"datetime64[{period.dtype.pyarrow_dtype.unit}]")
    return period
