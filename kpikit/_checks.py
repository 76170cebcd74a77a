"""Checks of one table against its column specs: types, values and row consistency.

The plan of :func:`kpikit._check_runs.check_table`, the engine behind
:func:`kpikit.schema.check`: :func:`table_checks` sorts each column into a coarse type category
and turns the specs into narwhals expressions that are True on offending rows, reading the
schema only. What is found comes back as :class:`Problem` objects.
"""

import dataclasses
import datetime
import difflib
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import pyarrow as pa

from kpikit._object_flags import is_object_flags
from kpikit._versions import installed_version

ColumnKind = Literal["id", "datetime", "bool", "number", "string"]


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a kpikit table.

    Parameters
    ----------
    name : str
        Column name in kpikit's vocabulary.
    kind : {"id", "datetime", "bool", "number", "string"}
        ``id`` accepts text or integers, ``datetime`` accepts datetimes or dates, ``number``
        accepts integers, floats or decimals.
    required : bool, default=False
        The column must exist and may not hold nulls.
    min, max : float or None, default=None
        Inclusive bounds for ``number`` columns.
    integer : bool, default=False
        Values must be whole numbers (a float column holding 4.0 is fine, 4.5 is not).
    nullable : bool, default=True
        An optional column that, when present, may not hold nulls.
    choices : tuple of str, default=()
        For text columns: the values allowed (empty: any text).
    """

    name: str
    kind: ColumnKind
    required: bool = False
    min: float | None = None
    max: float | None = None
    integer: bool = False
    nullable: bool = True
    choices: tuple[str, ...] = ()

    @property
    def allows_null(self) -> bool:
        """Whether a null is a valid value of this column."""
        return self.nullable and not self.required


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one column of one table.

    Parameters
    ----------
    table : str
        ``contacts``, ``agent_intervals`` or ``costs``.
    column : str
        The column at fault.
    problem : str
        What is wrong, phrased to follow the row count ("below 0", "outside 1..5").
    count : int or None, default=None
        Number of offending rows. None for structural problems (missing column, wrong type),
        which dropping rows cannot fix.
    examples : tuple, default=()
        Up to five offending rows, identified by ``example_key``.
    example_key : str, default="row position"
        What the examples are: the table's key columns joined by ", " (``contact_id``;
        ``agent_id, interval_start``) or ``row position`` (0-based).
    """

    table: str
    column: str
    problem: str
    count: int | None = None
    examples: tuple = ()
    example_key: str = "row position"

    @property
    def structural(self) -> bool:
        """True when the table's shape is wrong, so no row can be dropped to fix it."""
        return self.count is None

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}"
        if self.structural:
            return f"{where}: {self.problem}"
        rows = "row" if self.count == 1 else "rows"
        text = f"{where}: {self.count} {rows} {self.problem}"
        if self.examples:
            label = {"contact_id": "ids", "row position": "row positions"}.get(
                self.example_key, f"({self.example_key})"
            )
            shown = ", ".join(_format_example(example) for example in self.examples)
            text += f" (first {label}: {shown})"
        return text


def _format_example(example) -> str:
    """An example id as quoted in a message: text that would not read as itself (empty, with
    spaces at an end, a line break or another unprintable character) in Python's quotes, so
    that an id cannot pass for another one or for a line of the message.

    >>> [_format_example(id_) for id_ in ["c1", "c1 ", "", ("é", 7)]]
    ['c1', "'c1 '", "''", '(é, 7)']
    """
    if isinstance(example, tuple):
        return "(" + ", ".join(_format_example(part) for part in example) + ")"
    if isinstance(example, str) and (
        not example or example != example.strip() or not example.isprintable()
    ):
        return repr(example)
    return str(example)


# ---- types -------------------------------------------------------------------------------


# pandas 2 copies every column of an ``astype`` result unless told not to (a whole log, at 10M
# contacts 1.2 GB); pandas 3 shares them (copy on write) and deprecates the keyword.
_SHARE = {"copy": False} if installed_version("pandas") < (3,) else {}

_ACCEPTED = {
    "id": {"text", "integer", "categorical", "number-categorical"},
    "string": {"text", "categorical"},
    "bool": {"boolean", "boolean-object"},
    "number": {"integer", "float", "decimal"},
    "datetime": {"datetime", "date"},
}


_EXPECTED = {
    "id": "text or integer ids",
    "string": "text",
    "bool": "booleans (True/False)",
    "number": "numbers (int or float)",
    "datetime": "timestamps (datetime)",
}


_HELD = {
    "text": "text",
    "integer": "integers",
    "float": "floats",
    "decimal": "decimals",
    "boolean": "booleans",
    "boolean-object": "booleans in an object column",
    "datetime": "timestamps",
    "date": "dates",
    "categorical": "categories",
    "number-categorical": "categories that are numbers",
    "mixed-datetime": "timestamps of several time zones in an object column",
    "decimal-object": "decimals as Python objects",
    "float-object": "floats as Python objects",
    "big-integer-object": "whole numbers beyond 64 bits as Python objects",
    "date-object": "dates as Python objects",
    "datetime-object": "timestamps as Python objects",
    "time-object": "times of day without a date (an SQL TIME)",
    "object": "mixed values in an object column",
    "byte-swapped": "values in the other byte order than this machine's",
    "arrow-half-float": "half-precision floats held by Arrow, which has no arithmetic for them",
    "arrow-date64": "dates held by Arrow as date64",
    "duration": "durations",
    "bytes": "bytes",
}


_EPOCH_HINT = (
    "if they count seconds or milliseconds since 1970 (epoch time), convert them with "
    "pandas.to_datetime(column, unit='s') or unit='ms' (polars: pl.from_epoch(column, "
    "time_unit='ms'))"
)

_HINTS = {
    ("number", "text"): (
        "convert it with pandas.to_numeric (which names the first cell that is not a number), "
        "or read the file with kk.read_contacts, which lists such cells with their ids"
    ),
    ("datetime", "text"): "parse the text first (kk.read_contacts does, or pandas.to_datetime)",
    ("datetime", "date-object"): "convert them with pandas.to_datetime(column)",
    ("datetime", "datetime-object"): "convert them with pandas.to_datetime(column)",
    ("number", "duration"): "convert them to seconds first: column.dt.total_seconds()",
    ("number", "time-object"): (
        "for a duration stored as a time of day, convert it to seconds first: "
        "pandas.to_timedelta(column.astype(str)).dt.total_seconds()"
    ),
    ("datetime", "time-object"): "a timestamp needs its date: export the date with the time",
    ("datetime", "arrow-date64"): (
        "convert them to date32 first: column.astype('date32[pyarrow]') "
        "(a pyarrow Table: column.cast(pyarrow.date32()))"
    ),
    ("number", "float-object"): "convert them with column.astype(float)",
    ("number", "decimal-object"): (
        "convert them with column.astype(float), or keep them exact held by Arrow: "
        "column.astype(pandas.ArrowDtype(pyarrow.decimal128(38, 9)))"
    ),
    ("datetime", "mixed-datetime"): (
        "the timestamps carry different time zones or UTC offsets: convert them to one zone, "
        "e.g. pandas.to_datetime(column, utc=True).dt.tz_convert('Europe/Paris'), or read the "
        "file with kk.read_contacts(..., tz='Europe/Paris')"
    ),
    ("datetime", "integer"): _EPOCH_HINT,
    ("datetime", "float"): _EPOCH_HINT,
    ("bool", "integer"): (
        "for 0/1 flags, convert them to True/False (column.astype(bool)), or read the "
        "file with kk.read_contacts(..., true_values=['1'], false_values=['0'])"
    ),
    ("bool", "text"): (
        "map the words to True/False (e.g. column.map({'yes': True, 'no': False})), or read "
        "the file with kk.read_contacts(..., true_values=['yes'], false_values=['no'])"
    ),
    ("id", "float"): (
        "float ids usually come from integer ids with missing values; "
        "convert with .astype('Int64') or .astype(str)"
    ),
    ("string", "integer"): (
        "convert them to text first (pandas: column.astype(str), Spark: col.cast('string')); "
        "numbers read from partition folders (queue=007/) have lost their leading zeros: give "
        "kk.compute the folder's path, which keeps such names as text, or have Spark keep them "
        "with spark.sql.sources.partitionColumnTypeInference.enabled set to false"
    ),
    ("string", "number-categorical"): (
        "convert them to text first (column.astype(str)); pandas.read_parquet gives such "
        "categories for partition folders (queue=007/), whose leading zeros are lost: give "
        "kk.compute the folder's path, which keeps such names as text"
    ),
}


def column_dtype(frame, column: str):
    """The narwhals type of ``column`` of a narwhals frame, a pandas column of zoned times and
    a DuckDB column of zoned nanoseconds typed as such.

    narwhals (2.28, 2.29) reads a pandas zone whose name holds anything but letters and "/"
    (America/New_York, America/Los_Angeles, Etc/GMT+5) as Unknown, and DuckDB's
    ``TIMESTAMPTZ_NS`` (pandas 2 writes zoned times to parquet in nanoseconds) too; code that
    asks whether a column holds timestamps would refuse such a column.

    >>> import pandas as pd
    >>> times = pd.DataFrame({"t": pd.to_datetime(["2026-03-08 09:00"]).tz_localize(
    ...     "America/New_York")})
    >>> dtype = column_dtype(nw.from_native(times), "t")
    >>> dtype == nw.Datetime, dtype.time_zone
    (True, 'America/New_York')
    """
    dtype = frame.collect_schema()[column]
    native = frame.to_native()
    if dtype == nw.Unknown and isinstance(native, pd.DataFrame):
        native_dtype = getattr(native[column], "dtype", None)  # not a repeated name's frame
        if isinstance(native_dtype, pd.DatetimeTZDtype):
            return nw.Datetime(native_dtype.unit, str(native_dtype.tz))
    if dtype == nw.Unknown and frame.implementation.is_duckdb():
        if str(native.types[list(native.columns).index(column)]) in DUCKDB_ZONED_NANOSECONDS:
            return nw.Datetime("ns", duckdb_zone(native))
    return dtype


def duckdb_zone(relation) -> str:
    """The zone DuckDB shows timezone-aware timestamps in: its connection's TimeZone."""
    query = "select current_setting('TimeZone')"
    return relation.query("__kpikit_zone", query).fetchall()[0][0]


def _category(dtype, native_series=None) -> str:
    """Coarse type of a column: what the specs accept or reject.

    ``native_series`` is the column itself (an eager pandas column) or the name of its native
    type (a DuckDB column), for the dtypes narwhals leaves as Object or Unknown.
    """
    if dtype == nw.String:
        return "text"
    if isinstance(dtype, nw.Categorical | nw.Enum):
        return "number-categorical" if _numbered_categories(native_series) else "categorical"
    if dtype == nw.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "integer"
    if dtype == nw.Float16 and (
        isinstance(getattr(native_series, "dtype", None), pd.ArrowDtype)
        or isinstance(native_series, pa.ChunkedArray)  # a column of a pyarrow Table
    ):
        return "arrow-half-float"  # Arrow has no arithmetic for them (NumPy's are read)
    if dtype.is_float():
        return "float"
    if dtype == nw.Decimal:
        return "decimal"
    if isinstance(dtype, nw.Datetime):
        return "datetime"
    if isinstance(dtype, nw.Duration):
        return "duration"
    if dtype == nw.Binary:
        return "bytes"
    if isinstance(dtype, nw.List | nw.Array | nw.Struct) or _nested_arrow(native_series):
        return "nested"  # lists, structs (a map held by Arrow is Unknown to narwhals)
    if dtype == nw.Date:
        return "date"
    if dtype == nw.Unknown and isinstance(
        getattr(native_series, "dtype", None), pd.DatetimeTZDtype
    ):
        # narwhals 2.29 reads pandas zones whose name holds "_" or "-" (America/New_York) as
        # Unknown; they are timestamps all the same.
        return "datetime"
    if dtype == nw.Unknown and isinstance(native_series, str):  # a DuckDB type's name
        if native_series in DUCKDB_ZONED_NANOSECONDS:
            return "datetime"
        if native_series in NULL_TYPES:
            return "empty"
    if dtype == nw.Unknown and _arrow_type(native_series) == pa.date64():
        return "arrow-date64"  # narwhals reads Arrow's date32 only
    if dtype == nw.Unknown and _arrow_type(native_series) == pa.large_binary():
        return "bytes"  # narwhals reads Arrow's binary only
    numpy_type = getattr(native_series, "dtype", None)
    if dtype == nw.Unknown and isinstance(numpy_type, np.dtype) and not numpy_type.isnative:
        return "byte-swapped"  # NumPy values in big-endian order (np.frombuffer, FITS, HDF5)
    if dtype == nw.Object and isinstance(native_series, pd.Series):
        if is_object_flags(native_series.to_numpy()):
            return "boolean-object"  # pandas' inference asks every value its type: 4x slower
        inferred = pd.api.types.infer_dtype(native_series, skipna=True)
        if inferred == "datetime":
            return _datetime_objects(native_series)
        if inferred == "mixed" and _nested_objects(native_series):
            return "nested"
        return {
            "string": "text",
            "integer": "integer",
            "empty": "empty",
            "boolean": "boolean-object",
            "decimal": "decimal-object",
            "bytes": "bytes",
            "floating": "float-object",
            "mixed-integer-float": "float-object",
            "date": "date-object",
            "time": "time-object",
        }.get(inferred, "object")
    return "other"


def _numbered_categories(native_series) -> bool:
    """Whether a pandas categorical column, or a dictionary-encoded one held by Arrow, has
    numbers for categories (pandas' reading of partition folders named ``queue=007``).

    >>> import pandas as pd
    >>> _numbered_categories(pd.Series([7, 1], dtype="category"))
    True
    >>> _numbered_categories(pd.Series(["007", "01"], dtype="category"))
    False
    """
    dtype = getattr(native_series, "dtype", None)
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.is_numeric_dtype(dtype.categories.dtype)
    arrow = _arrow_type(native_series)
    return (
        arrow is not None
        and pa.types.is_dictionary(arrow)
        and (pa.types.is_integer(arrow.value_type) or pa.types.is_floating(arrow.value_type))
    )


def _arrow_type(native_series):
    """The Arrow type of a pandas column held by Arrow or of a pyarrow Table's column."""
    if isinstance(native_series, pa.ChunkedArray):
        return native_series.type
    dtype = getattr(native_series, "dtype", None)
    return dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else None


def _nested_arrow(native_series) -> bool:
    """Whether a column held by Arrow (pandas or pyarrow) has a nested type: a list, a
    struct, a map."""
    arrow = _arrow_type(native_series)
    return arrow is not None and pa.types.is_nested(arrow)


_NESTED_OBJECTS = (list, tuple, dict, np.ndarray)
"""What pandas holds a nested value as in an object column (pyarrow's ``to_pandas`` gives
arrays for lists, dicts for structs, lists of pairs for maps)."""


def _nested_objects(series: pd.Series) -> bool:
    """Whether every value of an object column is a nested one (:data:`_NESTED_OBJECTS`).

    >>> import pandas as pd
    >>> _nested_objects(pd.Series([["a"], None, {"x": 1}]))
    True
    >>> _nested_objects(pd.Series([["a"], "b"]))  # lists among text: mixed values
    False
    """
    present = series.dropna()
    return bool(len(present)) and all(isinstance(value, _NESTED_OBJECTS) for value in present)


def _datetime_objects(series: pd.Series) -> str:
    """``mixed-datetime`` when an object column's timestamps carry several zones or UTC
    offsets (pandas could not make them one column), else ``datetime-object``."""
    zones = {str(getattr(value, "tzinfo", None)) for value in series.dropna()}
    return "mixed-datetime" if len(zones) > 1 else "datetime-object"


def _beyond_64_bits(series) -> bool:
    """Whether a pandas object column of Python integers holds one that no 64-bit integer
    holds (10**400 stays a Python int, which Arrow and polars cannot sum). Ids are only
    compared, so such numbers are refused in number columns alone."""
    if not isinstance(series, pd.Series) or series.dtype != object:
        return False
    present = series.dropna()
    return bool(
        len(present)
        and (present.min() < np.iinfo(np.int64).min or present.max() > np.iinfo(np.uint64).max)
    )


DUCKDB_ZONED_NANOSECONDS = ("TIMESTAMPTZ_NS",)
"""DuckDB's timezone-aware nanosecond timestamps (what a pandas column becomes through Arrow),
which narwhals 2.29 reads as Unknown."""

NULL_TYPES = ('"NULL"', "Null")
"""The types of a column holding only nulls: DuckDB's (an all-missing pandas column becomes
one) and polars' (which a lazy frame shows in its schema)."""


def _native_of(frame, name: str):
    """What :func:`_category` needs beyond the narwhals dtype: the pandas column, or the
    DuckDB or polars type name of a lazy frame's column."""
    if isinstance(frame, nw.DataFrame):
        return frame[name].to_native()
    if frame.implementation.is_duckdb():
        native = frame.to_native()
        return str(native.types[list(native.columns).index(name)])
    if frame.implementation.is_polars():
        return str(frame.to_native().collect_schema()[name])
    return None


def _all_null(series) -> bool:
    return series.null_count() == len(series)


def all_missing(frame, names: list[str]) -> set[str]:
    """The columns among ``names`` of a narwhals frame that hold no value (every one, when the
    frame has no rows); a lazy frame answers in one aggregate query, none without names."""
    if not names:
        return set()
    if isinstance(frame, nw.DataFrame):
        return {name for name in names if _all_null(frame[name])}
    counts = frame.select(*[nw.col(name).count() for name in names]).collect()
    return {name for name in names if not counts[name][0]}  # DuckDB counts no rows as None


_EMPTY_AS = {
    "id": nw.String(),
    "string": nw.String(),
    "bool": nw.Boolean(),
    "number": nw.Float64(),
    "datetime": nw.Datetime("us"),
}
"""The type an all-missing column of each kind is given, so that sums can read it."""


def type_empty_columns(native, specs: Iterable[ColumnSpec]):
    """``native`` with its all-missing columns of another type given the type their kind holds.

    Polars reads an all-missing pandas column as text, which the checks accept as empty but no
    comparison with a number can use; such a column is replaced by nulls of the right type, in
    lazy frames too (polars' Null type, text columns of nulls from an empty CSV column).
    In a pandas frame an all-missing column of floats or of Arrow's types (null, text, ...)
    becomes nulls of the kind's type, held by Arrow when the column was; pandas handles its
    object columns of nulls itself (and a cast would turn them into False).

    >>> import pandas as pd, polars as pl, pyarrow as pa
    >>> from kpikit.schema import TABLES
    >>> contacts = pl.from_pandas(pd.DataFrame({"csat": [None, None]}))
    >>> contacts.schema["csat"], type_empty_columns(contacts, TABLES["contacts"]).schema["csat"]
    (String, Float64)
    >>> flags = pd.DataFrame({"resolved": pd.Series([None, None], dtype=pd.ArrowDtype(pa.null()))})
    >>> type_empty_columns(flags, TABLES["contacts"])["resolved"].dtype
    bool[pyarrow]
    """
    frame = nw.from_native(native)
    if frame.implementation.is_pandas_like():
        return _type_empty_pandas(native, specs) if frame.implementation.is_pandas() else native
    eager = isinstance(frame, nw.DataFrame)
    schema = frame.collect_schema()
    categories = {
        spec: _category(schema[spec.name], None if eager else _native_of(frame, spec.name))
        for spec in specs
        if spec.name in schema
    }
    wrong = {
        spec: category
        for spec, category in categories.items()
        if category not in _ACCEPTED[spec.kind]
    }
    empty = all_missing(
        frame, [spec.name for spec, category in wrong.items() if category != "empty"]
    )
    typed = {
        spec.name: nw.lit(None, dtype=_EMPTY_AS[spec.kind])
        for spec, category in wrong.items()
        if category == "empty" or spec.name in empty
    }
    return frame.with_columns(**typed).to_native() if typed else native


_PANDAS_EMPTY_AS = {
    "id": object,
    "string": object,
    "bool": "boolean",
    "number": "float64",
    "datetime": "datetime64[ns]",
}
"""The pandas type an all-missing column of each kind is given (NumPy-backed columns)."""

_ARROW_EMPTY_AS = {
    "id": "string",
    "string": "string",
    "bool": "bool",
    "number": "double",
    "datetime": "timestamp[us]",
}
"""The Arrow type an all-missing pandas column held by Arrow is given."""


def _type_empty_pandas(native: pd.DataFrame, specs: Iterable[ColumnSpec]) -> pd.DataFrame:
    """The pandas side of :func:`type_empty_columns`: a shallow copy with new columns."""
    typed = {}
    for spec in specs:
        if spec.name not in native.columns:
            continue
        column = native[spec.name]
        if not isinstance(column, pd.Series) or column.dtype == object:
            continue  # a repeated name (a problem of its own), or nulls pandas reads itself
        dtype = nw.from_native(column, series_only=True).dtype
        if _category(dtype, column) in _ACCEPTED[spec.kind] or not column.isna().all():
            continue
        if isinstance(column.dtype, pd.ArrowDtype):
            kind = pd.ArrowDtype(pa.type_for_alias(_ARROW_EMPTY_AS[spec.kind]))
        else:
            kind = _PANDAS_EMPTY_AS[spec.kind]
        typed[spec.name] = pd.Series(None, index=native.index, dtype=kind)
    if not typed:
        return native
    changed = native.copy(deep=False)
    for name, column in typed.items():
        changed[name] = column
    return changed


def type_object_flags(native, specs: Iterable[ColumnSpec]):
    """``native`` with its pandas object columns of True, False and missing values, where the
    schema wants booleans, as pandas' nullable ``boolean`` (the same values). pandas 2 reads a
    nullable boolean parquet column that another tool wrote that way.

    >>> import pandas as pd
    >>> from kpikit.schema import TABLES
    >>> contacts = pd.DataFrame({"resolved": pd.Series([True, None, False], dtype=object)})
    >>> type_object_flags(contacts, TABLES["contacts"])["resolved"].dtype
    BooleanDtype
    """
    if not isinstance(native, pd.DataFrame):
        return native
    flags = [
        spec.name
        for spec in specs
        if spec.kind == "bool"
        and spec.name in native.columns
        # A repeated name (or MultiIndex columns) selects a frame: reported by the checks.
        and isinstance(native[spec.name], pd.Series)
        and native[spec.name].dtype == object
        and pd.api.types.infer_dtype(native[spec.name], skipna=True) == "boolean"
    ]
    return native.astype(dict.fromkeys(flags, "boolean"), **_SHARE) if flags else native


_TYPE_HINTS = {
    "byte-swapped": "turn them round first: column.astype(column.dtype.newbyteorder('='))",
    "arrow-half-float": "convert them first: column.astype('float32')",
    "nested": (
        "the type is nested (lists, structs, maps), which kpikit does not support: give the "
        "column one value a contact, e.g. a list's first item or one field of a struct"
    ),
}
"""Hints for a type whatever the column expects."""


def _type_problem(table: str, spec: ColumnSpec, dtype, category: str, found: str = "") -> Problem:
    held = _HELD.get(category, "values")
    text = f"wrong type: holds {held} ({dtype}), expected {_EXPECTED[spec.kind]}{found}"
    hint = _TYPE_HINTS.get(category) or _HINTS.get((spec.kind, category))
    return Problem(table, spec.name, f"{text}; {hint}" if hint else text)


def _is_flag(kind: type) -> bool:
    return issubclass(kind, bool | np.bool_)


_OF_KIND = {
    "number": (lambda kind: issubclass(kind, numbers.Number) and not _is_flag(kind), "a number"),
    "bool": (_is_flag, "a boolean"),
    "string": (lambda kind: issubclass(kind, str), "text"),
    "datetime": (lambda kind: issubclass(kind, datetime.datetime | np.datetime64), "a timestamp"),
    "id": (
        lambda kind: issubclass(kind, str | numbers.Integral) and not _is_flag(kind),
        "a text or integer id",
    ),
}
"""For each kind of column: whether a Python type holds its values, and one value in words."""


def _not_of_kind(native: pd.DataFrame, column: pd.Series, kind: str, keys: tuple[str, ...]) -> str:
    """How many cells of a pandas object column of mixed values are not of the ``kind`` its
    spec wants (text such as ``"2"`` or a bool among numbers), and the first 5 by their
    ``keys`` (row positions without keys): the phrase that follows a wrong type's expected
    type. Missing cells are not counted.

    Python asks each cell its type once (the column is refused already: not on the path of a
    valid table), then each distinct type whether it is of the kind.

    >>> import pandas as pd
    >>> native = pd.DataFrame({"contact_id": ["c1", "c2", "c3", "c4"],
    ...     "wait_s": pd.Series([1, "2", None, True], dtype=object)})
    >>> _not_of_kind(native, native["wait_s"], "number", ("contact_id",))
    ': 2 rows hold a value that is not a number (first ids: c2, c4)'
    >>> _not_of_kind(native.assign(contact_id=None), native["wait_s"], "string", ("contact_id",))
    ': 2 rows hold a value that is not text (first ids: row 0, row 3)'
    """
    accepts, words = _OF_KIND[kind]
    types = column.map(type, na_action="ignore")
    held = [held for held in types.dropna().unique() if accepts(held)]
    hits = column.notna().to_numpy() & ~types.isin(held).to_numpy()
    count = int(hits.sum())
    if not count:
        return ""
    positions = np.flatnonzero(hits)[:5].tolist()
    if keys and all(key in native.columns for key in keys):
        first = native.iloc[positions][list(keys)]
        label = "ids" if keys == ("contact_id",) else f"({', '.join(keys)})"
        shown = [
            tuple(row) if len(keys) > 1 else f"row {position}" if _null(row[0]) else row[0]
            for position, row in zip(positions, first.itertuples(False), strict=True)
        ]
    else:
        label, shown = "row positions", positions
    rows = "row holds" if count == 1 else "rows hold"
    listed = ", ".join(_format_example(example) for example in shown)
    return f": {count} {rows} a value that is not {words} (first {label}: {listed})"


def _null(value) -> bool:
    """Whether ``value`` is a missing one (None, NaN, NaT, pandas.NA), not a list or array."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def nested_problem(table: str, spec: ColumnSpec, dtype) -> Problem:
    """The problem of a column ``spec`` of ``table`` holding nested values of type ``dtype``
    (a Parquet file's ``list<item: string>``), which kpikit does not read.

    >>> print(nested_problem("contacts", ColumnSpec("queue", "string"), "list<item: string>"))
    contacts.queue: wrong type: holds values (list<item: string>), expected text; the type is
    nested (lists, structs, maps), which kpikit does not support: give the column one value a
    contact, e.g. a list's first item or one field of a struct
    """
    return _type_problem(table, spec, dtype, "nested")


_COLUMNS_LISTED = 30
"""Most column names a missing-column problem lists (a header may have thousands)."""


def index_names(native) -> tuple:
    """The names of a pandas frame's index levels, where a column set as the index went; none
    for other frames.

    >>> import pandas as pd
    >>> index_names(pd.DataFrame({"contact_id": ["c1"], "wait_s": [5.0]}).set_index("contact_id"))
    ('contact_id',)
    >>> index_names(pd.DataFrame({"wait_s": [5.0]}))
    ()
    """
    if not nw.dependencies.is_pandas_like_dataframe(native):
        return ()
    return tuple(name for name in native.index.names if name is not None)


def missing_column_problem(
    table: str, spec: ColumnSpec, columns: list[str], index: tuple = ()
) -> Problem:
    """The problem of a required column ``spec`` that ``table`` lacks: the columns it has (at
    most ``_COLUMNS_LISTED``), and the index level of that name (``index``: the names of a
    pandas frame's index levels) or else the nearest name, which may be the same column.

    >>> from kpikit.schema import TABLES
    >>> spec = TABLES["contacts"][0]
    >>> found = missing_column_problem("contacts", spec, ["wait_s"], index=("contact_id",))
    >>> found.problem.split("; ")[1]
    "it is the frame's index: call .reset_index() first"
    """
    listed = ", ".join(map(str, columns[:_COLUMNS_LISTED]))
    if len(columns) > _COLUMNS_LISTED:
        listed += f" and {len(columns) - _COLUMNS_LISTED:,} more"
    text = f"required column is missing (columns present: {listed})"
    from kpikit.schema import TABLES  # kpikit.schema imports this module

    # A column of the schema has its own meaning: 'transferred' is not a misspelt 'answered'.
    own = {other.name for other in TABLES.get(table, ())}
    names = [str(column) for column in columns if str(column) not in own]
    close = difflib.get_close_matches(spec.name, names, n=1, cutoff=0.6)
    if spec.name in index:
        text += "; it is the frame's index: call .reset_index() first"
    elif close and _other_unit(spec.name, close[0]):
        unit, conversion = _other_unit(spec.name, close[0])
        text += (
            f"; '{close[0]}' looks like it in {unit}, but {spec.name} is in seconds: "
            f"{conversion} before naming it {spec.name}"
        )
    elif close:
        text += f"; is '{close[0]}' the same? rename it, or pass a mapping to kk.read_contacts"
    return Problem(table, spec.name, text)


_TIME_UNITS = {
    **dict.fromkeys(("ms", "msec", "msecs", "millis", "milliseconds"), "milliseconds"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
}
_CONVERSIONS = {
    "milliseconds": "divide it by 1000",
    "minutes": "multiply it by 60",
    "hours": "multiply it by 3600",
}


def _other_unit(name: str, found: str) -> tuple[str, str] | None:
    """The unit and the conversion to seconds of ``found``, a column name near the seconds
    column ``name`` but ending in another time unit (``wait_ms``: milliseconds, which renamed
    as they are would make every wait 1000 times longer); None otherwise.

    >>> _other_unit("wait_s", "wait_ms"), _other_unit("talk_s", "Talk (min)")
    (('milliseconds', 'divide it by 1000'), ('minutes', 'multiply it by 60'))
    >>> _other_unit("wait_s", "WaitMs"), _other_unit("wait_s", "WAIT_MS")
    (('milliseconds', 'divide it by 1000'), ('milliseconds', 'divide it by 1000'))
    >>> _other_unit("wait_s", "wait_sec"), _other_unit("agent_id", "agent_m")
    (None, None)
    """
    if not name.endswith("_s"):
        return None
    words = [word.lower() for word in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", found)]
    unit = _TIME_UNITS.get(words[-1]) if len(words) > 1 else None
    return (unit, _CONVERSIONS[unit]) if unit else None


# ---- row checks --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # hashed by identity: the mask is an expression
class _Check:
    column: str
    problem: str
    mask: Any  # narwhals expression, True on offending rows
    by_position: bool = False  # quote row positions: the row's key is what is missing


def _missing(column: str, category: str):
    expr = nw.col(column).is_null()
    # pandas already counts NaN as null; polars and duckdb keep NaN apart.
    return expr | nw.col(column).is_nan() if category == "float" else expr


def _bounds(spec: ColumnSpec) -> str:
    if spec.max is None:
        return f"below {spec.min:g}"
    return f"outside {spec.min:g}..{spec.max:g}"


def _column_checks(spec: ColumnSpec, category: str) -> list[_Check]:
    name = spec.name
    missing = _missing(name, category)
    checks = []
    if not spec.allows_null:
        problem = "empty in a required column" if spec.required else "empty; write 0 for no time"
        checks.append(_Check(name, problem, missing))
    if spec.choices and category in {"text", "categorical"}:
        allowed = ", ".join(spec.choices)
        outside = ~missing & ~nw.col(name).cast(nw.String).is_in(list(spec.choices))
        checks.append(_Check(name, f"not one of {allowed}", outside))
    if spec.kind != "number" or category == "empty":
        return checks
    # Comparisons are False (or null, read as False) on nulls, so the masks need no separate
    # "present" test. Only floats hold NaN or an infinity; the range checks keep to finite
    # values (polars and DuckDB put NaN above every number), which get checks of their own.
    column = nw.col(name)
    floating = category == "float"
    if floating and spec.allows_null:
        # polars, DuckDB and Spark keep NaN apart from null (pandas does not): summed, it would
        # make the KPI NaN.
        not_finite = ~column.is_finite() & ~column.is_null()
        checks.append(_Check(name, "with a NaN or infinite value", not_finite))
    elif floating:  # NaN is reported as empty
        checks.append(_Check(name, "with an infinite value", column.abs() == float("inf")))
    if spec.min is not None:
        outside = column < spec.min if spec.max is None else ~column.is_between(spec.min, spec.max)
        checks.append(
            _Check(name, _bounds(spec), outside & column.is_finite() if floating else outside)
        )
    if spec.integer and category in {"float", "decimal"}:
        fractional = column != column.round(0)
        # NaN differs from itself: only finite values can be fractional.
        checks.append(
            _Check(
                name,
                "not a whole number",
                fractional & column.is_finite() if floating else fractional,
            )
        )
    return checks


def _contact_checks(usable: dict[str, str]) -> list[_Check]:
    """Consistency between answered and the columns that only answered contacts can have."""
    if usable.get("answered") != "boolean":
        return []
    abandoned = ~nw.col("answered")
    checks = []
    if "agent_id" in usable:
        checks.append(
            _Check(
                "agent_id",
                "with an agent_id although not answered",
                abandoned & ~nw.col("agent_id").is_null(),
            )
        )
    for name in ("talk_s", "hold_s", "acw_s"):
        if usable.get(name) in {"integer", "float", "decimal"}:
            # NaN is not above 0 (its own check reports it), though DuckDB and polars put it
            # above every number: bounded by +inf, it stays out on every engine.
            column = nw.col(name)
            above = (column > 0) & (column <= float("inf"))
            checks.append(_Check(name, "above 0 although not answered", abandoned & above))
    if "talk_s" in usable:
        checks.append(
            _Check(
                "talk_s",
                "answered but with no talk_s",
                nw.col("answered") & _missing("talk_s", usable["talk_s"]),
            )
        )
    if usable.get("transferred") == "boolean":
        checks.append(
            _Check(
                "transferred",
                "marked transferred although not answered",
                abandoned & nw.col("transferred"),
            )
        )
    if usable.get("transferred") in {"boolean", "empty"}:
        # Counted as not transferred, such a contact would lower the transfer rate and pass
        # FCR's test of transfers unseen.
        checks.append(
            _Check(
                "transferred",
                "answered but with no transferred flag",
                nw.col("answered") & nw.col("transferred").is_null(),
            )
        )
    return checks


def _interval_checks(usable: dict[str, str]) -> list[_Check]:
    numeric = {"integer", "float", "decimal"}
    if usable.get("adherent_s") in numeric and usable.get("scheduled_s") in numeric:
        return [
            _Check(
                "adherent_s",
                "with adherent_s above scheduled_s",
                nw.col("adherent_s") > nw.col("scheduled_s"),
            )
        ]
    return []


# ---- runners -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableChecks:
    """What :func:`check_table` looks for in one table, before any row is read.

    ``problems`` are the structural ones (a missing column, a wrong type); ``checks`` the row
    checks of the usable columns; ``duplicate`` the check for repeated ``keys`` (None when the
    table has no usable key).
    """

    problems: tuple[Problem, ...]
    checks: tuple[_Check, ...]
    duplicate: _Check | None
    keys: tuple[str, ...]

    @property
    def key_label(self) -> str:
        """How the examples of a failed check are labelled."""
        return ", ".join(self.keys) if self.keys else "row position"


def table_checks(
    frame, table: str, specs: Iterable[ColumnSpec], keys: tuple[str, ...]
) -> TableChecks:
    """The structural problems of one table and the row checks of its usable columns.

    Reads the schema only, and whether the columns of another type are all missing (one
    aggregate query of a lazy frame, run only when there are such columns). Parameters as
    :func:`check_table`.
    """
    specs = tuple(specs)
    frame = nw.from_native(nw.to_native(frame))  # a frame of narwhals' main namespace too
    eager = isinstance(frame, nw.DataFrame)
    schema = frame.schema if eager else frame.collect_schema()
    columns = list(schema)
    problems: list[Problem] = []
    usable: dict[str, str] = {}
    read = {}
    for spec in specs:
        if spec.name in schema:
            dtype = schema[spec.name]
            native = (
                _native_of(frame, spec.name)
                if dtype in (nw.Object, nw.Unknown, nw.Float16) or dtype == nw.Categorical
                else None
            )
            category = _category(dtype, native)
            if spec.kind == "number" and category == "integer" and _beyond_64_bits(native):
                category = "big-integer-object"
            read[spec.name] = dtype, native, category
    # pandas stores an all-missing column as object, polars reads one from pandas or an empty
    # CSV column as text, whatever it was meant to hold: such a column is empty.
    wrong = [
        spec.name
        for spec in specs
        if spec.name in read and read[spec.name][2] not in {*_ACCEPTED[spec.kind], "empty"}
    ]
    empty = all_missing(frame, wrong)
    index = index_names(nw.to_native(frame))
    for spec in specs:
        if spec.name not in schema:
            if spec.required:
                problems.append(missing_column_problem(table, spec, columns, index))
            continue
        dtype, native, category = read[spec.name]
        if spec.name in empty:
            category = "empty"
        if category in _ACCEPTED[spec.kind] or category == "empty":
            usable[spec.name] = category
        else:
            shown = dtype
            if isinstance(native, pd.Series):
                shown = native.dtype  # not Unknown
            elif dtype == nw.Unknown and isinstance(native, pa.ChunkedArray):
                shown = native.type
            found = ""
            if category == "object" and isinstance(native, pd.Series):
                found = _not_of_kind(nw.to_native(frame), native, spec.kind, keys)
            problems.append(_type_problem(table, spec, shown, category, found))

    checks = [
        check
        for spec in specs
        if spec.name in usable
        for check in _column_checks(spec, usable[spec.name])
    ]
    checks += _contact_checks(usable) if table == "contacts" else []
    checks += _interval_checks(usable) if table == "agent_intervals" else []
    keys = keys if keys and all(usable.get(k) not in {None, "empty"} for k in keys) else ()
    checks = [
        dataclasses.replace(check, by_position=True)
        if check.column in keys and check.problem.startswith("empty")
        else check
        for check in checks
    ]
    duplicate = None
    if keys:
        described = f"the {keys[0]}" if len(keys) == 1 else f"the ({', '.join(keys)})"
        duplicate = _Check(keys[-1], f"repeating {described} of an earlier row", None)
    return TableChecks(tuple(problems), tuple(checks), duplicate, keys)
