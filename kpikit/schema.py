"""Canonical tables (contacts, agent_intervals, costs), the Dataset bundle and validation.

The three tables are described as data in :data:`TABLES`: one :class:`ColumnSpec` per column
with its kind (``id``, ``datetime``, ``bool``, ``number`` or ``string``) and its allowed range.
:func:`validate` checks a :class:`Dataset`, or a bare contacts frame, against them. It raises
:class:`SchemaError` naming every problem at once, each with the number of offending rows and
the first offending ids; ``lenient=True`` returns a :class:`ValidationReport` instead, whose
:meth:`~ValidationReport.apply` drops the offending rows explicitly. Nothing is converted or
dropped silently: the input frames are never modified.

Any dataframe that narwhals understands works (pandas, polars, pyarrow, duckdb, ...). Eager
frames get every check, with example ids in row order and row positions to drop. Lazy frames
(polars LazyFrame, duckdb relations) get the same checks as aggregates computed by their own
engine; their example ids come in the engine's order, and a lenient report cannot drop rows
from them by position (collect the frame first).
"""

import dataclasses
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

__all__ = [
    "AGENT_INTERVAL_COLUMNS",
    "CONTACT_COLUMNS",
    "COST_COLUMNS",
    "KEY_COLUMNS",
    "TABLES",
    "ColumnSpec",
    "Dataset",
    "Problem",
    "SchemaError",
    "ValidationReport",
    "check",
    "validate",
]

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
    """

    name: str
    kind: ColumnKind
    required: bool = False
    min: float | None = None
    max: float | None = None
    integer: bool = False
    nullable: bool = True

    @property
    def allows_null(self) -> bool:
        """Whether a null is a valid value of this column."""
        return self.nullable and not self.required


def _seconds(name: str, *, nullable: bool = True) -> ColumnSpec:
    return ColumnSpec(name, "number", min=0, nullable=nullable)


TABLES: Mapping[str, tuple[ColumnSpec, ...]] = MappingProxyType(
    {
        "contacts": (
            ColumnSpec("contact_id", "id", required=True),
            ColumnSpec("arrived_at", "datetime", required=True),
            ColumnSpec("answered", "bool", required=True),
            ColumnSpec("wait_s", "number", required=True, min=0),
            ColumnSpec("channel", "string"),
            ColumnSpec("queue", "string"),
            ColumnSpec("team", "string"),
            ColumnSpec("agent_id", "id"),
            ColumnSpec("customer_id", "id"),
            ColumnSpec("reason", "string"),
            _seconds("talk_s"),
            _seconds("hold_s"),
            _seconds("acw_s"),
            ColumnSpec("transferred", "bool"),
            ColumnSpec("resolved", "bool"),
            ColumnSpec("csat", "number", min=1, max=5, integer=True),
            ColumnSpec("nps", "number", min=0, max=10, integer=True),
            ColumnSpec("qa_score", "number", min=0, max=100),
        ),
        # Interval seconds must be present when the column is: a null would silently shrink the
        # sums behind occupancy, utilization and adherence.
        "agent_intervals": (
            ColumnSpec("agent_id", "id", required=True),
            ColumnSpec("interval_start", "datetime", required=True),
            ColumnSpec("team", "string"),
            _seconds("scheduled_s", nullable=False),
            _seconds("paid_s", nullable=False),
            _seconds("handling_s", nullable=False),
            _seconds("available_s", nullable=False),
            _seconds("adherent_s", nullable=False),
        ),
        "costs": (
            ColumnSpec("period_start", "datetime", required=True),
            ColumnSpec("channel", "string"),
            ColumnSpec("cost", "number", required=True, min=0),
        ),
    }
)
"""Column specifications of the three tables, in canonical column order."""

CONTACT_COLUMNS = tuple(spec.name for spec in TABLES["contacts"])
AGENT_INTERVAL_COLUMNS = tuple(spec.name for spec in TABLES["agent_intervals"])
COST_COLUMNS = tuple(spec.name for spec in TABLES["costs"])

KEY_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"contacts": ("contact_id",), "agent_intervals": ("agent_id", "interval_start"), "costs": ()}
)
"""Columns identifying a row: unique together, and quoted as examples in problem messages.
Tables without key columns are quoted by 0-based row position."""


@dataclass(frozen=True)
class Dataset:
    """The tables kpikit works on: contacts, and optionally agent intervals and costs.

    A plain container of native dataframes (pandas, polars, duckdb, ...); it does not validate
    on construction, call :func:`validate` for that.
    """

    contacts: Any
    agent_intervals: Any = None
    costs: Any = None


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
    if isinstance(example, tuple):
        return "(" + ", ".join(str(part) for part in example) + ")"
    return str(example)


def _summary(problems: tuple[Problem, ...]) -> str:
    count = len(problems)
    lines = [f"The data does not follow the kpikit schema ({count} problem{'s' * (count != 1)}):"]
    lines += [f"- {problem}" for problem in problems]
    return "\n".join(lines)


class SchemaError(ValueError):
    """Raised when input data does not follow the kpikit data model.

    Parameters
    ----------
    problems : iterable of Problem, or str
        Every problem found; the message lists them one per line. A plain string is used as
        the message as is, with no structured problems.

    Attributes
    ----------
    problems : tuple of Problem
    """

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            self.problems: tuple[Problem, ...] = ()
            super().__init__(problems)
        else:
            self.problems = tuple(problems)
            super().__init__(_summary(self.problems))


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate` found, and which rows dropping would remove.

    Attributes
    ----------
    problems : tuple of Problem
        Every problem, structural ones included.
    rows_to_drop : mapping of str to tuple of int or None
        Per table present: sorted 0-based positions of the rows with a row-level problem.
        None for a lazy table with problems (positions are undefined there).
    row_counts : mapping of str to int or None
        Rows per table when checked (None for lazy tables), so that :meth:`apply` refuses a
        different dataset.
    """

    problems: tuple[Problem, ...]
    rows_to_drop: Mapping[str, tuple[int, ...] | None]
    row_counts: Mapping[str, int | None]

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def __str__(self) -> str:
        if self.ok:
            return "No problems found."
        drops = [
            f"{len(rows)} of {self.row_counts[table]} {table} rows"
            for table, rows in self.rows_to_drop.items()
            if rows
        ]
        text = _summary(self.problems)
        if drops:
            text += "\napply() drops " + ", ".join(drops) + "."
        return text

    def apply(self, data) -> Dataset:
        """Return a new Dataset without the rows that have a row-level problem.

        Parameters
        ----------
        data : Dataset or dataframe
            The data the report was made from (a bare frame is taken as contacts).

        Returns
        -------
        Dataset
            New frames of the same kind for the tables that lose rows (pandas keeps the
            original index labels); other tables are passed through unchanged.

        Raises
        ------
        SchemaError
            When the report holds structural problems, which dropping rows cannot fix.
        ValueError
            When a table's row count differs from the one checked, or a table with problems
            is lazy.
        """
        structural = [problem for problem in self.problems if problem.structural]
        if structural:
            raise SchemaError(structural)
        dataset = _as_dataset(data)
        changes = {}
        for table, rows in self.rows_to_drop.items():
            if rows == ():
                continue
            if rows is None:
                raise ValueError(
                    f"Cannot drop rows by position from the lazy {table} frame: collect it "
                    "into an eager frame and validate that."
                )
            frame = getattr(dataset, table)
            height = None if frame is None else len(nw.from_native(frame, eager_only=True))
            if height != self.row_counts[table]:
                raise ValueError(
                    f"This report was made for a {table} table of {self.row_counts[table]} "
                    f"rows but received {height}; validate this data to get its own report."
                )
            eager = nw.from_native(frame, eager_only=True)
            position = _free_name(eager.columns)
            kept = (
                eager.with_row_index(position)
                .filter(~nw.col(position).is_in(list(rows)))
                .drop(position)
            )
            changes[table] = kept.to_native()
        return dataclasses.replace(dataset, **changes)


def validate(data, *, lenient: bool = False):
    """Check data against the kpikit data model and report every problem at once.

    Checks: required columns exist; each column has the right type; required columns hold no
    nulls; durations and costs are not negative and not infinite; csat is a whole number in
    1..5, nps a whole number in 0..10, qa_score in 0..100; contact ids are unique; abandoned
    contacts (``answered`` False) have no agent_id, no talk/hold/acw time above 0 and are not
    transferred; answered contacts have talk_s when that column exists; agent intervals have
    no null seconds, ``adherent_s <= scheduled_s`` and a unique (agent_id, interval_start).

    Parameters
    ----------
    data : Dataset or dataframe
        A Dataset, or a bare contacts frame of any kind narwhals supports.
    lenient : bool, default=False
        False: raise on any problem. True: return a :class:`ValidationReport` for row-level
        problems (structural ones still raise).

    Returns
    -------
    Dataset or ValidationReport
        Strict mode returns the input as a Dataset holding the very same frames (a bare frame
        is wrapped in ``Dataset(contacts=frame)``). Lenient mode returns the report, which is
        empty when the data is valid.

    Raises
    ------
    SchemaError
        Listing every problem, each with its table, column, count and first offending ids.
    TypeError
        When a table is not a dataframe.

    See Also
    --------
    check : the report, never raising SchemaError.

    Examples
    --------
    >>> import pandas as pd
    >>> from kpikit.schema import validate
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3],
    ...     "arrived_at": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:01",
    ...                                   "2024-03-04 09:02"]),
    ...     "answered": [True, False, True],
    ...     "wait_s": [12.0, 40.0, -3.0],
    ...     "csat": [5, None, 9],
    ... })
    >>> validate(contacts)
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (2 problems):
    - contacts.wait_s: 1 row below 0 (first ids: 3)
    - contacts.csat: 1 row outside 1..5 (first ids: 3)
    >>> report = validate(contacts, lenient=True)
    >>> report.rows_to_drop["contacts"]
    (2,)
    >>> report.apply(contacts).contacts["contact_id"].tolist()
    [1, 2]
    """
    report = check(data)
    if report.problems and (not lenient or any(p.structural for p in report.problems)):
        raise SchemaError(report.problems)
    return report if lenient else _as_dataset(data)


def check(data) -> ValidationReport:
    """Run every check of :func:`validate` and return the report without raising.

    Examples
    --------
    >>> import pandas as pd
    >>> from kpikit.schema import check
    >>> report = check(pd.DataFrame({"contact_id": ["a"], "wait_s": [3.0]}))
    >>> [str(problem) for problem in report.problems]  # doctest: +NORMALIZE_WHITESPACE
    ['contacts.arrived_at: required column is missing (columns present: contact_id, wait_s)',
     'contacts.answered: required column is missing (columns present: contact_id, wait_s)']
    """
    dataset = _as_dataset(data)
    problems: list[Problem] = []
    rows_to_drop: dict[str, tuple[int, ...] | None] = {}
    row_counts: dict[str, int | None] = {}
    for table in TABLES:
        native = getattr(dataset, table)
        if native is None:
            continue
        frame = _from_native(native, table)
        if isinstance(frame, Problem):
            problems.append(frame)
            rows_to_drop[table], row_counts[table] = (), None
            continue
        found, rows = _check_table(frame, table)
        problems += found
        rows_to_drop[table] = rows
        row_counts[table] = len(frame) if isinstance(frame, nw.DataFrame) else None
    return ValidationReport(
        tuple(problems), MappingProxyType(rows_to_drop), MappingProxyType(row_counts)
    )


def _as_dataset(data) -> Dataset:
    if isinstance(data, Dataset):
        if data.contacts is None:
            raise TypeError("Dataset.contacts is required but received None.")
        return data
    if data is None:
        raise TypeError("Value of 'data' must be a Dataset or a contacts frame; received None.")
    return Dataset(contacts=data)


def _from_native(native, table: str):
    try:
        return nw.from_native(native)
    except nw.exceptions.DuplicateError:
        repeated = sorted({str(c) for c in native.columns[native.columns.duplicated()]})
        return Problem(table, ", ".join(repeated), "column name appears more than once")
    except TypeError:
        raise TypeError(
            f"Dataset.{table} must be a dataframe (pandas, polars, pyarrow, duckdb, ...); "
            f"received {type(native).__name__}."
        ) from None


# ---- types -------------------------------------------------------------------------------

_ACCEPTED = {
    "id": {"text", "integer", "categorical"},
    "string": {"text", "categorical"},
    "bool": {"boolean"},
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
    "datetime": "timestamps",
    "date": "dates",
    "categorical": "categories",
    "boolean-object": "booleans and missing values in an object column",
    "object": "mixed values in an object column",
}
_HINTS = {
    ("number", "text"): "some cells are not numbers; kk.read_contacts lists them with their ids",
    ("datetime", "text"): "parse the text first (kk.read_contacts does, or pandas.to_datetime)",
    ("bool", "integer"): "convert 0/1 flags to booleans first, e.g. .astype(bool)",
    ("bool", "text"): "map the text values (e.g. 'yes'/'no') to True/False first",
    ("bool", "boolean-object"): "convert with .astype('boolean') to keep the missing values",
    ("id", "float"): (
        "float ids usually come from integer ids with missing values; "
        "convert with .astype('Int64') or .astype(str)"
    ),
}


def _category(dtype, native_series=None) -> str:
    """Coarse type of a column: what the specs accept or reject."""
    if dtype == nw.String:
        return "text"
    if isinstance(dtype, nw.Categorical | nw.Enum):
        return "categorical"
    if dtype == nw.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "float"
    if dtype == nw.Decimal:
        return "decimal"
    if isinstance(dtype, nw.Datetime):
        return "datetime"
    if dtype == nw.Date:
        return "date"
    if dtype == nw.Object and isinstance(native_series, pd.Series):
        inferred = pd.api.types.infer_dtype(native_series, skipna=True)
        return {
            "string": "text",
            "integer": "integer",
            "empty": "empty",
            "boolean": "boolean-object",
        }.get(inferred, "object")
    return "other"


def _all_null(series) -> bool:
    return series.null_count() == len(series)


def _type_problem(table: str, spec: ColumnSpec, dtype, category: str) -> Problem:
    held = _HELD.get(category, "values")
    text = f"wrong type: holds {held} ({dtype}), expected {_EXPECTED[spec.kind]}"
    hint = _HINTS.get((spec.kind, category))
    return Problem(table, spec.name, f"{text}; {hint}" if hint else text)


def _missing_problem(table: str, spec: ColumnSpec, columns: list[str]) -> Problem:
    text = f"required column is missing (columns present: {', '.join(map(str, columns))})"
    close = difflib.get_close_matches(spec.name, [str(c) for c in columns], n=1, cutoff=0.6)
    if close:
        text += f"; is '{close[0]}' the same? rename it, or pass a mapping to kk.read_contacts"
    return Problem(table, spec.name, text)


# ---- row checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Check:
    column: str
    problem: str
    mask: Any  # narwhals expression, True on offending rows


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
    if spec.kind != "number" or category == "empty":
        return checks
    column = nw.col(name)
    finite = ~missing
    if category == "float":
        checks.append(_Check(name, "with an infinite value", finite & ~column.is_finite()))
        finite = finite & column.is_finite()
    if spec.min is not None:
        too_low = column < spec.min
        outside = too_low if spec.max is None else too_low | (column > spec.max)
        checks.append(_Check(name, _bounds(spec), finite & outside))
    if spec.integer and category in {"float", "decimal"}:
        fractional = column != column.round(0)
        checks.append(_Check(name, "not a whole number", finite & fractional))
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
            checks.append(
                _Check(name, "above 0 although not answered", abandoned & (nw.col(name) > 0))
            )
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


def _check_table(frame, table: str) -> tuple[list[Problem], tuple[int, ...] | None]:
    eager = isinstance(frame, nw.DataFrame)
    schema = frame.schema if eager else frame.collect_schema()
    columns = list(schema)
    problems: list[Problem] = []
    usable: dict[str, str] = {}
    for spec in TABLES[table]:
        if spec.name not in schema:
            if spec.required:
                problems.append(_missing_problem(table, spec, columns))
            continue
        dtype = schema[spec.name]
        native = frame[spec.name].to_native() if eager and dtype == nw.Object else None
        category = _category(dtype, native)
        if eager and category not in _ACCEPTED[spec.kind] and _all_null(frame[spec.name]):
            # pandas stores an all-missing column as object, whatever it was meant to hold.
            category = "empty"
        if category in _ACCEPTED[spec.kind] or category == "empty":
            usable[spec.name] = category
        else:
            problems.append(_type_problem(table, spec, dtype, category))

    checks = [
        check
        for spec in TABLES[table]
        if spec.name in usable
        for check in _column_checks(spec, usable[spec.name])
    ]
    checks += _contact_checks(usable) if table == "contacts" else []
    checks += _interval_checks(usable) if table == "agent_intervals" else []
    keys = KEY_COLUMNS[table]
    keys = keys if keys and all(usable.get(k) not in {None, "empty"} for k in keys) else ()
    key_label = ", ".join(keys) if keys else "row position"
    if keys:
        described = f"the {keys[0]}" if len(keys) == 1 else f"the ({key_label})"
        duplicate = _Check(keys[-1], f"repeating {described} of an earlier row", None)
    else:
        duplicate = None

    if eager:
        found, rows = _run_eager(frame, checks, duplicate, keys)
    else:
        found = _run_lazy(frame, checks, duplicate, keys)
        rows = None if found else set()
    problems += [
        Problem(table, check.column, check.problem, count, examples, key_label)
        for check, count, examples in found
    ]
    return problems, (rows if rows is None else tuple(sorted(rows)))


def _free_name(columns: Iterable) -> str:
    taken = {str(c) for c in columns}
    name = "__kpikit_row"
    while name in taken:
        name += "_"
    return name


def _examples(hits, keys: tuple[str, ...], position: str) -> tuple:
    first = hits.head(5)
    if not keys:
        return tuple(first[position].to_list())
    if len(keys) == 1:
        return tuple(first[keys[0]].to_list())
    return tuple(zip(*(first[k].to_list() for k in keys), strict=True))


def _run_eager(frame, checks, duplicate, keys):
    position = _free_name(frame.columns)
    masks = [check.mask for check in checks]
    if duplicate is not None:
        checks = [*checks, duplicate]
        # A row repeats a key when an earlier row (lower position) has the same key.
        first_position = nw.col(position).min().over(*keys)
        present = [~nw.col(k).is_null() for k in keys]
        masks.append(
            nw.all_horizontal(first_position != nw.col(position), *present, ignore_nulls=True)
        )
    names = [f"{position}_{i}" for i in range(len(checks))]
    flags = frame.with_row_index(position).select(
        position, *keys, *[m.fill_null(False).alias(n) for m, n in zip(masks, names, strict=True)]
    )
    found, rows = [], set()
    for check, name in zip(checks, names, strict=True):
        hits = flags.filter(nw.col(name))
        if len(hits):
            found.append((check, len(hits), _examples(hits, keys, position)))
            rows.update(hits[position].to_list())
    return found, rows


def _run_lazy(frame, checks, duplicate, keys):
    names = [f"__kpikit_check_{i}" for i in range(len(checks))]
    found = []
    if checks:
        sums = [
            check.mask.fill_null(False).cast(nw.Int64).sum().alias(name)
            for check, name in zip(checks, names, strict=True)
        ]
        counts = frame.select(*sums).collect()
        for check, name in zip(checks, names, strict=True):
            count = int(counts[name][0] or 0)
            if count and keys:
                hits = frame.filter(check.mask.fill_null(False)).select(*keys).head(5).collect()
                found.append((check, count, _examples(hits, keys, "")))
            elif count:
                found.append((check, count, ()))
    if duplicate is not None:
        size = "__kpikit_rows"
        groups = (
            frame.filter(*[~nw.col(k).is_null() for k in keys])
            .group_by(*keys)
            .agg(nw.len().alias(size))
            .filter(nw.col(size) > 1)
            .collect()
        )
        if len(groups):
            repeated = int(sum(groups[size].to_list())) - len(groups)
            found.append((duplicate, repeated, _examples(groups, keys, "")))
    return found
