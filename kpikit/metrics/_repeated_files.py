"""Repeated contact ids of parquet files named with the files that hold them: the checks say
which ids repeat, not which files (two exports of the same hours, a file copied into the folder
twice). :func:`repeats_placed` wraps a compute over files (``kk.compute`` of a path and
``kpikit compute``) and looks at the files only once the checks have found a repeat.
"""

import contextlib
import dataclasses

from kpikit.metrics._sources import parquet_files
from kpikit.schema import SchemaError

_REPEATED_IDS = "repeating the contact_id of an earlier row"
"""The problem :func:`kpikit.compute` reports for repeated contact ids."""
_FILES_SHOWN = 3
"""Files named per repeated id; more are counted."""


@contextlib.contextmanager
def repeats_placed(path, mapping=None):
    """A SchemaError inside whose repeated contact ids (the first ones it quotes) are named
    with the parquet files of ``path`` holding them; ``mapping`` (file column to kpikit
    column) gives the files' name of ``contact_id``. The files are read then, for those ids
    alone: a compute without a repeat costs nothing more.
    """
    try:
        yield
    except SchemaError as error:
        repeats = [
            problem
            for problem in error.problems
            if (problem.table, problem.column, problem.problem)
            == ("contacts", "contact_id", _REPEATED_IDS)
            and problem.examples
        ]
        if not repeats:
            raise
        column = next(
            (source for source, name in (mapping or {}).items() if name == "contact_id"),
            "contact_id",
        )
        try:
            files = files_of_ids(path, column, repeats[0].examples)
        except (OSError, ValueError):  # a file unreadable now: the error as compute gave it
            raise error from None
        placed = ids_placed(repeats[0], files)
        raise SchemaError(
            [placed if problem is repeats[0] else problem for problem in error.problems]
        ) from None


def files_of_ids(path, column: str, ids) -> dict:
    """The parquet files of ``path`` whose ``column`` holds each of ``ids``, in the order the
    files are read, each with its count of rows of that id (compared as text: ``1`` is ``"1"``).

    >>> import pandas as pd, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> for name, ids in (("a", ["c1", "c1"]), ("b", ["c1", "c2"])):
    ...     pd.DataFrame({"contact_id": ids}).to_parquet(os.path.join(folder, name + ".parquet"))
    >>> {i: [(os.path.basename(f), n) for f, n in found]
    ...  for i, found in files_of_ids(folder, "contact_id", ["c1"]).items()}
    {'c1': [('a.parquet', 2), ('b.parquet', 1)]}
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    wanted = pa.array([str(id_) for id_ in ids])
    found = {str(id_): [] for id_ in ids}
    for file in parquet_files(path):
        parquet = pq.ParquetFile(file)
        if column not in parquet.schema_arrow.names:
            continue
        values = pc.cast(parquet.read(columns=[column]).column(0), pa.string())
        hits = values.filter(pc.is_in(values, value_set=wanted))
        for row in pc.value_counts(hits).to_pylist():
            found[row["values"]].append((file, row["counts"]))
    return found


def ids_placed(problem, files: dict):
    """``problem`` (repeated contact ids) with its first ids each followed by the files holding
    them (:func:`_files_of_ids`), the rows of an id in one file counted when more than one.

    >>> from kpikit.schema import Problem
    >>> repeat = Problem("contacts", "contact_id", _REPEATED_IDS, 2, ("c1", "c3"), "contact_id")
    >>> print(ids_placed(repeat, {"c1": [("a.parquet", 1), ("b.parquet", 1)],
    ...                            "c3": [("a.parquet", 2)]}))  # doctest: +NORMALIZE_WHITESPACE
    contacts.contact_id: 2 rows repeating the contact_id of an earlier row (first ids: c1 in
    'a.parquet' and 'b.parquet'; c3 in 'a.parquet' (2 rows))
    """
    from kpikit._checks import _format_example

    def where(id_) -> str:
        shown = [
            f"'{file}'" + (f" ({count} rows)" if count > 1 else "")
            for file, count in files[str(id_)]
        ]
        if not shown:  # an id whose text differs from the files' (a float id)
            return _format_example(id_)
        if len(shown) > _FILES_SHOWN:
            shown = [*shown[:_FILES_SHOWN], f"{len(shown) - _FILES_SHOWN} more file(s)"]
        listed = ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
        return f"{_format_example(id_)} in {listed}"

    placed = "; ".join(where(id_) for id_ in problem.examples)
    return dataclasses.replace(
        problem, problem=f"{problem.problem} (first ids: {placed})", examples=()
    )
