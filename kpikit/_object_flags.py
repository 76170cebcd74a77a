"""True/false columns held as Python objects (True, False and None), as Arrow arrays, fast.

pandas reads a parquet boolean column that has missing values into a column of Python objects
(pandas 2 and 3 alike), and such a column must become Arrow's before polars, NumPy or DuckDB can
compute on it. Arrow's own conversion (``pa.array(values, from_pandas=True)``) asks each value
its type. In CPython an object's identity is its address, and True, False and None are one
object each, so a column of nothing else is read from the addresses it holds, compared as
integers: at 10M real-shaped contacts, ``transferred`` and ``resolved`` took 49 ms this way
against 321 ms by Arrow's conversion (``benchmarks/bench_check_parts.py``). Any other value
(NaN, ``pd.NA``, NumPy's booleans, text) leaves the column to Arrow's conversion, which knows
them all.
"""

import platform

import numpy as np
import pyarrow as pa

_BY_ADDRESS = platform.python_implementation() == "CPython"
"""Whether an object's ``id`` is its address, which an object array holds."""


def is_object_flags(values: np.ndarray) -> bool:
    """Whether an object array holds only True, False and None, and some True or False: what
    ``pandas.api.types.infer_dtype(values, skipna=True) == "boolean"`` says of it, read from
    the addresses (10M real-shaped contacts: 25 ms against 90-120 ms). False also where the
    addresses cannot tell (off CPython, NumPy's booleans): the caller then asks pandas.

    >>> is_object_flags(np.array([True, None], dtype=object))
    True
    >>> [is_object_flags(np.array(values, dtype=object)) for values in ([None], ["x"], [True, 1])]
    [False, False, False]
    """
    addresses = _addresses(values)
    if addresses is None:
        return False
    flags = (addresses == id(True)) | (addresses == id(False))
    return bool(flags.any() and (flags | (addresses == id(None))).all())


def _addresses(values: np.ndarray) -> np.ndarray | None:
    """The addresses a 1-d object array holds, as integers; None off CPython or where NumPy
    shares no object array's buffer."""
    if not _BY_ADDRESS or values.dtype != object or values.ndim != 1:
        return None
    try:
        return np.frombuffer(np.ascontiguousarray(values), dtype=np.uintp)
    except (TypeError, ValueError, BufferError):
        return None


def as_arrow_flags(values: np.ndarray) -> pa.Array | None:
    """An object array of True, False and None (missing) as an Arrow boolean array; None when
    it holds any other value, or no True or False at all (Arrow would give such a column no
    type), or off CPython: the caller then converts it as it would without this.

    >>> import numpy as np
    >>> as_arrow_flags(np.array([True, None, False], dtype=object)).to_pylist()
    [True, None, False]
    >>> as_arrow_flags(np.array([True, float("nan")], dtype=object)) is None  # Arrow's to do
    True
    >>> as_arrow_flags(np.array([None, None], dtype=object)) is None
    True
    """
    addresses = _addresses(values)
    if addresses is None:
        return None
    true = addresses == id(True)
    missing = addresses == id(None)
    if not (true | missing | (addresses == id(False))).all():
        return None
    count = int(missing.sum())
    if count == len(values):  # nothing but missing values, or none at all
        return None
    validity = pa.py_buffer(np.packbits(~missing, bitorder="little")) if count else None
    data = pa.py_buffer(np.packbits(true, bitorder="little"))
    return pa.Array.from_buffers(pa.bool_(), len(values), [validity, data], null_count=count)


def objects_as_arrow(values: np.ndarray, type: pa.DataType | None = None) -> pa.Array:
    """A column of Python objects as an Arrow array: :func:`as_arrow_flags` where it can,
    else Arrow's own conversion (``type`` given or inferred; NaN and ``pd.NA`` missing), which
    raises ``pa.ArrowInvalid`` or ``pa.ArrowTypeError`` on values of several types.

    >>> import numpy as np
    >>> objects_as_arrow(np.array([True, None], dtype=object)).type
    DataType(bool)
    >>> objects_as_arrow(np.array(["a", float("nan")], dtype=object)).to_pylist()
    ['a', None]
    """
    flags = as_arrow_flags(values)
    return flags if flags is not None else pa.array(values, type=type, from_pandas=True)
