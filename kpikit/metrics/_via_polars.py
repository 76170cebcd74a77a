"""Large pandas frames whose text Arrow holds, computed by polars.

A pandas frame of Arrow-backed text (``dtype_backend="pyarrow"``, or pandas 3's ``str``) of
``MIN_ROWS`` contacts or more is handed to polars by way of an Arrow table, unless that would add
more than ``MAX_ADDED_BYTES`` of memory (:func:`added_bytes`): polars takes the Arrow number
columns as they are and copies the text into its own layout, then computes on every core,
checks folded in its sums (:mod:`._folded_checks`). Larger frames go to DuckDB
(:mod:`._via_duckdb`), which reads them in place, more slowly. At 10M real-shaped contacts,
Arrow-backed, the task (read, ``kk.compute``, result) took 1.05-1.26x hand-written DuckDB SQL
this way in five runs (by agent and by day alike), against 1.45-1.59x by DuckDB, and the first
compute of a process added 1.34-1.49 GB at its peak by agent and 1.18-1.25 GB by day (the agent
ids handed over as their missing values alone: 1.33-1.62 GB before), against 0.7 GB
(``benchmarks/bench_compute.py``).
A frame with text held as Python objects (pandas 2's default) goes to DuckDB at any size: polars
would turn every value into Arrow first. Columns of True, False and missing values held as
Python objects, as pandas reads a nullable boolean parquet column, are converted (13 ms a
column at 1M contacts), which checks their values too. pandas 3's default read of a real-shaped
log of 1M contacts computed in 0.30 s this way, against 0.41-0.46 s by DuckDB, on a busy
machine; on a quiet one, converting the flags once rather than typing and then converting them
took it from 183-190 ms to 163-170 ms by agent. polars is handed only the columns it reads or
checks (:func:`read_columns`): at 1M Arrow-backed contacts, leaving the queue out took the
compute from 134 to 124 ms by agent and from 138 to 134 ms by day.

NaN in a NumPy float column is missing, as pandas reads it (it becomes null); NaN in an Arrow
column stays NaN, which the checks refuse where pandas' checks do. The result is the pandas
result, with the input's types for the keys and the period
(:func:`._handover.as_pandas`).
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpikit._object_flags import objects_as_arrow
from kpikit.metrics._components import match_columns
from kpikit.metrics._handover import ready
from kpikit.options import Options, resolve
from kpikit.schema import CONTACT_COLUMNS, CONTACT_FLAGS, TABLES

MIN_ROWS = 1_000_000
"""Fewest contacts for which a pandas frame is handed to polars."""

MAX_ADDED_BYTES = 1_500_000_000
"""Most memory a pandas frame's hand-over to polars may add, as :func:`added_bytes` estimates
it (issue 12 allows ``kk.compute`` 1.5 GB at 10M contacts)."""


def hand_over(data, options: Options | None = None, keys=()):
    """``data`` as a polars frame when it is a pandas frame to compute in polars, else None:
    ``MIN_ROWS`` contacts or more, no column of Python objects but true/false ones
    (:func:`_flags_held_by_arrow`), :func:`._handover.ready` for polars, and at most
    ``MAX_ADDED_BYTES`` of memory added (:func:`added_bytes`). The polars frame holds the
    columns that :func:`kpikit.compute` with ``options``, grouped by ``keys``, reads or checks
    (:func:`read_columns`), those it checks only for missing values as no more than that
    (:func:`presence_only`).

    >>> import pandas as pd
    >>> hand_over(pd.DataFrame({"x": [1.0]})) is None  # 1 row
    True
    """
    if not isinstance(data, pd.DataFrame) or len(data) < MIN_ROWS:
        return None
    options = options or resolve()
    objects = [name for name, dtype in data.dtypes.items() if pd.api.types.is_object_dtype(dtype)]
    if any(name not in CONTACT_FLAGS for name in objects):
        return None
    data = _flags_held_by_arrow(data, objects)
    if data is None or not ready(data, "polars", options.csat_scale):
        return None  # the estimate below reads columns by name, which ready finds distinct
    columns = read_columns(data.columns, options, keys)
    if added_bytes(data, columns, options, keys) > MAX_ADDED_BYTES:
        return None
    return as_polars(data, columns, presence_only(data, columns, options, keys))


def added_bytes(frame: pd.DataFrame, columns, options: Options, keys=()) -> int:
    """An estimate of the peak memory :func:`kpikit.compute` adds when it hands the
    ``columns`` of ``frame`` to polars, grouped by ``keys`` (bytes), FCR included:

    - 16 bytes a value of each text column (polars' views of it, whatever the length: values
      longer than 12 bytes stay in Arrow's buffer, which the views point into; number columns,
      NumPy's or Arrow's, it takes as they are, NaN becoming null by a mask beside them), but
      1 for a text column handed over as its missing values alone (:func:`presence_only`);
    - 20 a contact (the ids' hashes, the sums) and 90 a contact with a customer: FCR sorts the
      answered ones, each with its key.

    Measured in a fresh process (the first compute adds the most) at 10M real-shaped contacts,
    Arrow-backed, by agent and by day: 1.42-1.48 GB with half the customers unknown (estimated
    1.45 GB), 1.80-1.85 GB with every customer known (estimated 1.9 GB), 1.36-1.45 GB with
    contact ids of 32 characters and customer ids of 25 rather than 12 and 11. (By day, since
    the agent ids are handed over as their missing values alone, 1.45 GB less 150 MB.)

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"contact_id": ["a", "b"], "customer_id": ["c", None],
    ...     "agent_id": ["x", None], "wait_s": [1.0, None]}).astype({"contact_id":
    ...     "string[pyarrow]", "customer_id": "string[pyarrow]", "agent_id": "string[pyarrow]"})
    >>> added_bytes(frame, list(frame.columns), resolve())  # 2 * (2 * 16 + 1 + 20) + 90
    196
    >>> added_bytes(frame, list(frame.columns), resolve(), ["agent_id"])  # the ids' text too
    226
    """
    text = [name for name in columns if _is_text(frame[name].dtype)]
    flags = presence_only(frame, columns, options, keys)
    per_contact = 20 + 16 * (len(text) - len(flags)) + len(flags)
    customer = match_columns(options, columns)[0]
    customers = _present(frame[customer]) if customer in frame.columns else 0
    return len(frame) * per_contact + customers * 90


def _present(series: pd.Series) -> int:
    """How many values of ``series`` are not missing: Arrow counts its nulls as it holds them
    (at 10M contacts, against 60 ms for pandas' ``notna``).

    >>> import pandas as pd
    >>> _present(pd.Series(["a", None], dtype="string[pyarrow]")), _present(pd.Series([1.0, None]))
    (1, 1)
    """
    if isinstance(series.array, pd.arrays.ArrowExtensionArray):
        return len(series) - series.array.__arrow_array__().null_count
    return int(series.notna().sum())


def _is_text(dtype) -> bool:
    """Whether a pandas column type is text held by Arrow (``string[pyarrow]``, pandas 3's
    ``str``, Arrow strings)."""
    if isinstance(dtype, pd.StringDtype):
        return True
    return isinstance(dtype, pd.ArrowDtype) and (
        pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
    )


_TYPED_ONLY = frozenset(
    spec.name
    for spec in TABLES["contacts"]
    if spec.kind in ("id", "string") and not spec.required and not spec.choices
) - {"agent_id"}  # an abandoned contact has none (kpikit._checks)
"""Contact columns whose only check is their type: text or ids, which may be missing."""


def read_columns(columns, options: Options, keys=()) -> list[str]:
    """The ``columns`` of a contacts frame that :func:`kpikit.compute` with ``options`` and
    grouped by ``keys`` reads or checks, once :func:`._handover.ready` has found their types
    right: every column of the schema but text and ids that are checked for their type alone
    and are neither keys, nor FCR's match (``options.fcr_match``), nor ``channel``
    (service-level thresholds), and no column outside the schema but the keys. All of them
    when a key is missing, which the error then lists.

    polars copies each text column it is handed (16 bytes a contact and more): at 10M contacts
    the queue alone is 160 MB.

    >>> columns = ["contact_id", "arrived_at", "answered", "wait_s", "channel", "queue",
    ...     "agent_id", "customer_id", "reason", "note"]
    >>> def left_out(options, keys):
    ...     return [name for name in columns if name not in read_columns(columns, options, keys)]
    >>> left_out(resolve(), ["agent_id"])
    ['queue', 'note']
    >>> left_out(resolve(fcr_match="customer_id"), ["queue", "note"])
    ['reason']
    >>> left_out(resolve(), ["site"])  # no such column: the error lists them all
    []
    """
    if any(key not in columns for key in keys):
        return list(columns)
    named = {*keys, *match_columns(options, columns), "channel"}
    return [
        name
        for name in columns
        if name in named or (name in CONTACT_COLUMNS and name not in _TYPED_ONLY)
    ]


PRESENCE_CHECKED = frozenset({"agent_id"})
"""Contact columns whose values :func:`kpikit.compute` never reads when they are not keys: it
checks only where they are missing (an abandoned contact has no agent, :mod:`kpikit._checks`)."""


def presence_only(frame: pd.DataFrame, columns, options: Options, keys=()) -> list[str]:
    """The text ``columns`` of ``frame`` that polars is handed as their missing values alone
    (:func:`_presence`): those of ``PRESENCE_CHECKED`` that are neither ``keys`` nor FCR's
    match (``options.fcr_match``). At 10M real-shaped contacts by day, the agent ids so: 150 MB
    and about 80 ms less than their text.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"agent_id": ["x"], "wait_s": [1.0]}).astype(
    ...     {"agent_id": "string[pyarrow]"})
    >>> columns = ["agent_id", "wait_s"]
    >>> presence_only(frame, columns, resolve())
    ['agent_id']
    >>> presence_only(frame, columns, resolve(), keys=["agent_id"])
    []
    >>> presence_only(frame, columns, resolve(fcr_match=("customer_id", "agent_id")))
    []
    """
    read = {*keys, *match_columns(options, columns)}
    return [
        name
        for name in columns
        if name in PRESENCE_CHECKED and name not in read and _is_text(frame[name].dtype)
    ]


def _presence(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """A ``uint8`` stand-in for a column of ids: 0 where an id is present, missing where it is
    missing (an integer column passes the checks of an id's type).

    >>> _presence(pa.chunked_array([["x", None, "y"]])).to_pylist()
    [0, None, 0]
    """
    return pc.if_else(pc.is_valid(values), pa.scalar(0, pa.uint8()), pa.scalar(None, pa.uint8()))


def _flags_held_by_arrow(frame: pd.DataFrame, names):
    """``frame`` with its true/false columns ``names``, held as Python objects, held by Arrow;
    None when one holds anything but True, False and missing values (the pandas path's checks
    then name them). The values are checked as they are converted
    (:func:`kpikit._object_flags.objects_as_arrow`: 1.5 ms a column of 1M contacts, 16 ms for
    Arrow's conversion of NaN and the like), so the type check of :func:`._handover.ready` need
    not look at each one as well (``pd.api.types.infer_dtype``: 11 ms). A shallow copy:
    ``frame`` is left as it is.

    >>> import pandas as pd
    >>> flags = pd.DataFrame({"resolved": [True, None], "transferred": [False, "no"]})
    >>> _flags_held_by_arrow(flags, ["resolved"]).dtypes.astype(str).tolist()
    ['bool[pyarrow]', 'object']
    >>> _flags_held_by_arrow(flags, ["transferred"]) is None
    True
    """
    if not names:
        return frame
    held = frame.copy(deep=False)
    for name in names:
        try:
            values = objects_as_arrow(frame[name].to_numpy(), pa.bool_())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
        held[name] = pd.arrays.ArrowExtensionArray(values)
    return held


def as_polars(frame: pd.DataFrame, columns=None, presence=()):
    """``frame`` (its ``columns``, or all of them) as a polars DataFrame (NumPy NaN becomes
    null, Arrow NaN stays NaN), the text columns ``presence`` as their missing values alone
    (:func:`_presence`).

    By way of an Arrow table, which holds the Arrow-backed columns as they are, left in their
    chunks (one a parquet row group), and the NumPy float ones over their own memory
    (:func:`_floats_as_arrow`): polars then copies only the text. The other columns are picked
    on the way to Arrow: a pandas selection would copy the NumPy ones first (pandas 2). At 10M
    real-shaped contacts, Arrow-backed, 0.81 s and +0.92 GB, against 1.46 s and +2.47 GB for
    ``pl.from_pandas`` and 1.60 s and +2.46 GB for the same table joined into one chunk a
    column.

    >>> import pandas as pd, pyarrow as pa
    >>> frame = pd.DataFrame({"wait_s": [1.0, float("nan")],
    ...     "talk_s": pd.arrays.ArrowExtensionArray(pa.array([1.0, float("nan")]))})
    >>> as_polars(frame).rows()
    [(1.0, 1.0), (None, nan)]
    """
    import polars as pl

    columns = list(frame.columns if columns is None else columns)
    floats = {name for name in columns if _numpy_float(frame[name].dtype)}
    table = pa.Table.from_pandas(
        frame, columns=[name for name in columns if name not in floats], preserve_index=False
    )
    whole = pa.table({name: _as_arrow(frame, table, name, floats, presence) for name in columns})
    return pl.from_arrow(whole, rechunk=False)


def _as_arrow(frame: pd.DataFrame, table: pa.Table, name: str, floats, presence):
    """Column ``name`` of ``frame`` as polars is handed it: NumPy ``floats`` over their own
    memory, ``presence`` columns as their missing values, the others from ``table``."""
    if name in floats:
        return _floats_as_arrow(frame[name].to_numpy())
    return _presence(table[name]) if name in presence else table[name]


def _numpy_float(dtype) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind == "f"


def _floats_as_arrow(values: np.ndarray) -> pa.Array:
    """NumPy floats as an Arrow array over the same memory, a NaN marking a missing value.

    Arrow's own conversion (``from_pandas=True``) tests each value in a loop: at 10M contacts
    16-70 ms a column, against about 6 ms for NumPy's test and a bitmap packed from it. Copying
    the values instead (polars' ``nan_to_null``) took 3 ms but added 80 MB a column. Values in
    the other byte order, which Arrow cannot hold, are turned round into a copy.

    >>> values = np.array([1.5, np.nan, 3.0])
    >>> array = _floats_as_arrow(values)
    >>> array.to_pylist(), array.null_count, array.buffers()[1].address == values.ctypes.data
    ([1.5, None, 3.0], 1, True)
    >>> _floats_as_arrow(values.astype(">f8")).to_pylist()
    [1.5, None, 3.0]
    """
    values = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("="))
    missing = np.isnan(values)
    count = int(missing.sum())
    bitmap = pa.py_buffer(np.packbits(~missing, bitorder="little")) if count else None
    return pa.Array.from_buffers(
        pa.from_numpy_dtype(values.dtype),
        len(values),
        [bitmap, pa.py_buffer(values)],
        null_count=count,
    )
