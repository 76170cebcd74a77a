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
import html
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import narwhals.stable.v2 as nw
import pyarrow as pa

from kpikit import options
from kpikit._check_runs import check_table, free_column_name
from kpikit._checks import ColumnSpec, Problem, type_object_flags
from kpikit._validators import check_flag
from kpikit._versions import require_for

__all__ = [
    "AGENT_INTERVAL_COLUMNS",
    "CONTACT_COLUMNS",
    "COST_COLUMNS",
    "DIRECTIONS",
    "KEY_COLUMNS",
    "TABLES",
    "ColumnSpec",
    "Dataset",
    "Problem",
    "SchemaError",
    "ValidationReport",
    "check",
    "table_specs",
    "validate",
]


DIRECTIONS = ("inbound", "outbound")
"""Values of the optional contacts column ``direction`` (a missing column means inbound)."""


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
            ColumnSpec("csat", "number", min=1, max=5, integer=True),  # max: the csat_scale
            ColumnSpec("nps", "number", min=0, max=10, integer=True),
            ColumnSpec("qa_score", "number", min=0, max=100),
            ColumnSpec("site", "string"),
            ColumnSpec("direction", "string", choices=DIRECTIONS),
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
"""Column specifications of the three tables, in canonical column order. The csat column is
checked against the declared survey scale (see :func:`table_specs`)."""


def table_specs(table: str, *, csat_scale: int | None = None) -> tuple[ColumnSpec, ...]:
    """The column specifications of ``table`` with csat checked on a 1..``csat_scale`` scale.

    Parameters
    ----------
    table : {"contacts", "agent_intervals", "costs"}
    csat_scale : {5, 7, 10}, default=None
        The CSAT survey scale; ``None`` takes the current default (``kk.options.csat_scale``).

    Examples
    --------
    >>> [spec.max for spec in table_specs("contacts", csat_scale=10) if spec.name == "csat"]
    [10]
    """
    scale = options.resolve(csat_scale=csat_scale).csat_scale
    return tuple(
        dataclasses.replace(spec, max=scale) if spec.name == "csat" else spec
        for spec in TABLES[table]
    )


CONTACT_COLUMNS = tuple(spec.name for spec in TABLES["contacts"])
AGENT_INTERVAL_COLUMNS = tuple(spec.name for spec in TABLES["agent_intervals"])
COST_COLUMNS = tuple(spec.name for spec in TABLES["costs"])

KEY_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"contacts": ("contact_id",), "agent_intervals": ("agent_id", "interval_start"), "costs": ()}
)
"""Columns identifying a row: unique together, and quoted as examples in problem messages.
Tables without key columns are quoted by 0-based row position."""

CONTACT_FLAGS = tuple(spec.name for spec in TABLES["contacts"] if spec.kind == "bool")
"""The contacts' true/false columns (``answered``, ``transferred``, ``resolved``)."""


@dataclass(frozen=True)
class Dataset:
    """The tables kpikit works on: contacts, and optionally agent intervals and costs.

    A plain container of native dataframes (pandas, polars, duckdb, ...); it does not validate
    on construction, call :func:`validate` for that.
    """

    contacts: Any
    agent_intervals: Any = None
    costs: Any = None

    def _repr_html_(self) -> str:
        return dataset_html(self)


def dataset_html(dataset: Dataset) -> str:
    """Compact HTML of a Dataset for Jupyter: one line per table (rows, period, columns).

    Lazy tables (DuckDB, polars LazyFrame) are described without running a query.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"contact_id": [1, 2], "answered": [True, False],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-31 17:00"]),
    ...     "wait_s": [3.0, 40.0]})
    >>> print(dataset_html(Dataset(contacts)))  # doctest: +NORMALIZE_WHITESPACE
    <div class='kpikit-dataset'><strong>kpikit Dataset</strong><table>
    <tr><th style='text-align:left'>contacts</th><td style='text-align:left'>2 rows,
    2024-01-01 to 2024-01-31; columns: contact_id, answered, arrived_at, wait_s</td></tr>
    <tr><th style='text-align:left'>agent_intervals</th><td style='text-align:left'>none</td></tr>
    <tr><th style='text-align:left'>costs</th><td style='text-align:left'>none</td></tr>
    </table></div>
    """
    time_columns = {
        "contacts": "arrived_at",
        "agent_intervals": "interval_start",
        "costs": "period_start",
    }
    lines = []
    for table, time_column in time_columns.items():
        native = getattr(dataset, table)
        text = html.escape(_describe_table(native, time_column))
        lines.append(
            f"<tr><th style='text-align:left'>{table}</th>"
            f"<td style='text-align:left'>{text}</td></tr>"
        )
    return (
        "<div class='kpikit-dataset'><strong>kpikit Dataset</strong><table>\n"
        + "\n".join(lines)
        + "\n</table></div>"
    )


def _describe_table(native, time_column: str) -> str:
    if native is None:
        return "none"
    try:
        frame = nw.from_native(native)
    except nw.exceptions.DuplicateError:
        return f"column names appear more than once: {repeated_columns(native, '').column}"
    except TypeError:
        return f"not a dataframe ({type(native).__name__})"
    columns = frame.collect_schema().names()
    parts = []
    if isinstance(frame, nw.DataFrame):
        parts.append(f"{len(frame):,} row{'s' * (len(frame) != 1)}")
        if time_column in columns and len(frame):
            try:  # a column of another type (text, mixed objects) shows no period
                first, last = frame[time_column].min(), frame[time_column].max()
                parts.append(f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")
            except (TypeError, ValueError):
                pass
    else:
        parts.append(f"lazy ({frame.implementation.name.lower()})")
    return ", ".join(parts) + "; columns: " + ", ".join(map(str, columns))


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
        dataset = as_dataset(data)
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
            position = free_column_name(eager.columns)
            kept = (
                eager.with_row_index(position)
                .filter(~nw.col(position).is_in(list(rows)))
                .drop(position)
            )
            changes[table] = kept.to_native()
        return dataclasses.replace(dataset, **changes)


def validate(data, *, lenient: bool = False, csat_scale: int | None = None):
    """Check data against the kpikit data model and report every problem at once.

    Checks: required columns exist; each column has the right type; required columns hold no
    nulls; durations and costs are not negative and not infinite; csat is a whole number on
    the declared scale (1..5 by default, 1..7 or 1..10 with ``csat_scale``), nps a whole number
    in 0..10, qa_score in 0..100, direction inbound or outbound; contact ids are unique; abandoned
    contacts (``answered`` False) have no agent_id, no talk/hold/acw time above 0 and are not
    transferred; answered contacts have talk_s and a transferred flag when those columns exist
    (a missing flag would count as not transferred); agent intervals have no null seconds,
    ``adherent_s <= scheduled_s`` and a unique (agent_id, interval_start).

    Parameters
    ----------
    data : Dataset or dataframe
        A Dataset, or a bare contacts frame of any kind narwhals supports.
    lenient : bool, default=False
        False: raise on any problem. True: return a :class:`ValidationReport` for row-level
        problems (structural ones still raise).
    csat_scale : {5, 7, 10}, default=None
        The CSAT survey scale the data declares; ``None`` takes the current default
        (``kk.options.csat_scale``, 5).

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
        When a table is not a dataframe, or ``lenient`` is not True or False.

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

    A survey on a 1..10 scale is declared with ``csat_scale``:

    >>> fixed = contacts.assign(wait_s=[12.0, 40.0, 3.0])
    >>> int(validate(fixed, csat_scale=10).contacts["csat"].max())
    9
    """
    check_flag("lenient", lenient)
    report = check(data, csat_scale=csat_scale)
    if report.problems and (not lenient or any(p.structural for p in report.problems)):
        raise SchemaError(report.problems)
    return report if lenient else as_dataset(data)


def check(data, *, csat_scale: int | None = None, tables=None) -> ValidationReport:
    """Run every check of :func:`validate` and return the report without raising; ``tables``
    (names of :data:`TABLES`): only those tables of ``data`` are checked.

    Examples
    --------
    >>> import pandas as pd
    >>> from kpikit.schema import check
    >>> report = check(pd.DataFrame({"contact_id": ["a"], "wait_s": [3.0]}))
    >>> [str(problem) for problem in report.problems]  # doctest: +NORMALIZE_WHITESPACE
    ['contacts.arrived_at: required column is missing (columns present: contact_id, wait_s)',
     'contacts.answered: required column is missing (columns present: contact_id, wait_s)']
    """
    dataset = as_dataset(data)
    problems: list[Problem] = []
    rows_to_drop: dict[str, tuple[int, ...] | None] = {}
    row_counts: dict[str, int | None] = {}
    for table in TABLES if tables is None else [t for t in TABLES if t in set(tables)]:
        native = getattr(dataset, table)
        if native is None:
            continue
        # Object columns of True, False and None read as pandas' booleans (a copy-free view),
        # as compute reads them: the checks between columns test flags of that type only.
        frame = _from_native(type_object_flags(native, TABLES[table]), table)
        if isinstance(frame, Problem):
            problems.append(frame)
            rows_to_drop[table], row_counts[table] = (), None
            continue
        specs = table_specs(table, csat_scale=csat_scale)
        found, rows = check_table(frame, table, specs, KEY_COLUMNS[table])
        problems += found
        rows_to_drop[table] = rows
        row_counts[table] = len(frame) if isinstance(frame, nw.DataFrame) else None
    return ValidationReport(
        tuple(problems), MappingProxyType(rows_to_drop), MappingProxyType(row_counts)
    )


def as_dataset(data) -> Dataset:
    """``data`` as a Dataset: a bare frame is its contacts. Raises TypeError without contacts,
    and ImportError for a DuckDB relation or a polars frame when the installed engine is too
    old for kpikit (:func:`kpikit._versions.require_for`)."""
    if isinstance(data, Dataset):
        if data.contacts is None:
            raise TypeError("Dataset.contacts is required but received None.")
        require_for(data.contacts, data.agent_intervals, data.costs)
        return data
    if data is None:
        raise TypeError("Value of 'data' must be a Dataset or a contacts frame; received None.")
    _from_native(data, "contacts")  # anything but a frame: a TypeError saying what it was
    require_for(data)
    return Dataset(contacts=data)


def repeated_columns(native, table: str, among=None) -> Problem | None:
    """The problem of a pandas frame or pyarrow Table whose column names repeat (those of
    ``among``, or any), or None.

    >>> import pandas as pd, pyarrow as pa
    >>> problem = repeated_columns(pd.DataFrame([[1, 2, 3]], columns=["a", "b", "a"]), "contacts")
    >>> problem.column, problem.problem
    ('a', 'column name appears more than once')
    >>> repeated_columns(pa.table([[1], [2]], names=["b", "b"]), "contacts").column
    'b'
    """
    names = native.column_names if isinstance(native, pa.Table) else native.columns
    repeated = sorted({str(name) for name, count in Counter(names).items() if count > 1})
    repeated = [name for name in repeated if among is None or name in among]
    if not repeated:
        return None
    return Problem(table, ", ".join(repeated), "column name appears more than once")


def _from_native(native, table: str):
    try:
        return nw.from_native(native)
    except nw.exceptions.DuplicateError:
        return repeated_columns(native, table)
    except TypeError:
        raise TypeError(
            f"Dataset.{table} must be a dataframe (pandas, polars, pyarrow, duckdb, ...); "
            f"received {type(native).__name__}."
        ) from None
