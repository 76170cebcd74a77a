"""pyarrow Tables computed on the pandas path, the result given back as an Arrow table.

narwhals' pyarrow backend has no ordered window functions over partitions, which the FCR
components need: ``kk.compute`` of a pyarrow Table, every KPI by default, raised narwhals'
``NotImplementedError``. pandas holds an Arrow table's columns as they are
(``pd.ArrowDtype``, without copying the text), and the pandas path computes them (NumPy, or
polars or DuckDB for a large frame: :mod:`._via_polars`, :mod:`._via_duckdb`); the keys and
periods of its result keep their Arrow types, so the table given back has the types the
input has.
"""

from dataclasses import replace

import pandas as pd
import pyarrow as pa

from kpikit.schema import TABLES, Dataset


def held_by_arrow(data) -> bool:
    """Whether ``data`` is a pyarrow Table of contacts, or a Dataset whose contacts are one.

    >>> held_by_arrow(pa.table({"x": [1]})), held_by_arrow(pd.DataFrame({"x": [1]}))
    (True, False)
    """
    contacts = data.contacts if isinstance(data, Dataset) else data
    return isinstance(contacts, pa.Table)


def as_pandas(data):
    """``data`` (a pyarrow Table, or a Dataset of them) with each table as a pandas frame of
    Arrow-backed columns.

    >>> as_pandas(pa.table({"id": ["a"]}))["id"].dtype
    string[pyarrow]
    """
    if isinstance(data, Dataset):
        return replace(data, **{table: as_pandas(getattr(data, table)) for table in TABLES})
    if isinstance(data, pa.Table):
        return data.to_pandas(types_mapper=pd.ArrowDtype)
    return data


def as_arrow(result: pd.DataFrame, data) -> pa.Table:
    """The pandas result of :func:`kpikit.compute` of the frame of ``data`` (a pyarrow Table
    or a Dataset of them), as an Arrow table: keys of their Arrow types (the frame held them
    so), periods in the time unit of ``arrived_at`` (the pandas path cuts them in
    microseconds) and the zone they were cut in,
    ``kpi`` text, the figures doubles, and no pandas metadata.

    >>> contacts = pa.table({"arrived_at": pa.array([0], pa.timestamp("ns"))})
    >>> result = pd.DataFrame({"period": [pd.Timestamp(0)], "kpi": ["aht"], "value": [1.5]})
    >>> as_arrow(result, contacts).schema.types
    [TimestampType(timestamp[ns]), DataType(string), DataType(double)]
    """
    table = pa.Table.from_pandas(result, preserve_index=False).replace_schema_metadata(None)
    contacts = data.contacts if isinstance(data, Dataset) else data
    kinds = {"kpi": pa.string()}
    if "period" in table.column_names and "arrived_at" in contacts.column_names:
        held, cut = contacts.schema.field("arrived_at").type, table.schema.field("period").type
        if pa.types.is_timestamp(held) and pa.types.is_timestamp(cut):
            # the unit of arrived_at; the zone the periods were cut in (``tz`` may differ)
            kinds["period"] = pa.timestamp(held.unit, tz=cut.tz)
    for name, kind in kinds.items():
        position = table.schema.get_field_index(name)
        table = table.set_column(position, name, table.column(name).cast(kind))
    return table
