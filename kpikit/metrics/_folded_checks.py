"""compute's checks of a DuckDB log, run inside the query of its sums: one scan, not two.

On their own, the checks of :func:`kpikit.validate` are a query of their own over a DuckDB
relation, a whole scan of the log before the sums scan it again. When :func:`kpikit.compute`
validates a DuckDB log, the rows that fail any of the contacts' row checks are instead counted
per group with the components (a count per group adds up like any component); the query runs at
once and its small result is held. Repeated ids are looked for apart, in 64-bit hashes of the
present ids: DuckDB hashes, NumPy sorts them and compares neighbours, several times cheaper than
an exact ``count(DISTINCT contact_id)``, which runs on one thread. Then:

- no failing row and no two equal hashes: no check fails and no id repeats (ids that differ may
  share a hash, equal ids never differ in it), and the held sums are used;
- anything else: the usual checks run (:func:`kpikit.schema.check`) for their exact report,
  the same error as without folding. Two different ids with one hash pass those checks, and the
  sums are used.

Past ``MAX_SORTED_HASHES`` ids (a log larger than memory may be behind the relation) DuckDB
counts the distinct hashes itself, which it can do under its memory cap.

Structural problems (a missing column, a wrong type) are found from the schema first, before
any row is read; their report comes from the usual checks too. Only contacts are folded: when a
KPI reads agent intervals or costs, every table is checked the usual way.
"""

from dataclasses import dataclass

import narwhals as nw
import numpy as np

from kpikit._checks import hashes_repeat, table_checks
from kpikit._nan_aware import nan_visible
from kpikit.metrics._components import PREFIX
from kpikit.schema import KEY_COLUMNS, Dataset, SchemaError, check, table_specs

MAX_SORTED_HASHES = 50_000_000
"""Most ids whose hashes are sorted in memory (8 bytes each)."""

_FAILING = "check_failing"


@dataclass(frozen=True)
class FoldedChecks:
    """The contacts' row checks to count with the sums, and what the usual checks need."""

    dataset: Dataset
    csat_scale: int | None
    masks: tuple[nw.Expr, ...]
    key: str | None

    def row_counts(self) -> dict[str, nw.Expr]:
        """1.0 on a row that fails a check, else 0.0, named as a component; nothing when
        there is no check."""
        if not self.masks:
            return {}
        # A null (a comparison with a missing value) is not a failure: it casts to null, which
        # the sum skips. Kleene's OR keeps DuckDB's short expression (no coalesce per check).
        failing = nw.any_horizontal(*self.masks, ignore_nulls=False)
        return {_FAILING: failing.cast(nw.Float64)}


def fold_checks(dataset: Dataset, tables, csat_scale: int | None) -> FoldedChecks | None:
    """The contacts' checks to run inside the sums query; None to run them the usual way.

    They are folded for a DuckDB relation of contacts, read by contact KPIs only, whose
    schema is right.
    """
    contacts = nw.from_native(dataset.contacts)
    if set(tables) != {"contacts"} or not contacts.implementation.is_duckdb():
        return None
    specs = table_specs("contacts", csat_scale=csat_scale)
    planned = table_checks(contacts, "contacts", specs, KEY_COLUMNS["contacts"])
    if planned.problems or len(planned.keys) > 1:
        return None
    key = planned.keys[0] if planned.keys else None
    return FoldedChecks(dataset, csat_scale, tuple(c.mask for c in planned.checks), key)


def checked_sums(sums, contacts, folded: FoldedChecks):
    """The sums query (with the count of ``folded.row_counts()``) run and the checks read.

    Returns the sums, held in memory, without the count; raises the usual checks' SchemaError
    when a row fails a check or an id may repeat.
    """
    names = [PREFIX + name for name in folded.row_counts()]
    with nan_visible(contacts.to_native()):
        held = sums.to_native().materialize()
    failing = held.aggregate(f"sum({names[0]})").fetchall()[0][0] if names else 0
    if failing or (folded.key is not None and _hashes_repeat(contacts, folded.key)):
        problems = check(folded.dataset, csat_scale=folded.csat_scale).problems
        if problems:
            raise SchemaError(problems)
    sums = nw.from_native(held)
    return sums.drop(*names) if names else sums


def _hashes_repeat(contacts, key: str) -> bool:
    """Whether two present ids of ``key`` have the same 64-bit hash (as repeated ids do)."""
    quoted = '"' + key.replace('"', '""') + '"'
    hashes = contacts.to_native().filter(f"{quoted} IS NOT NULL").select(f"hash({quoted})")
    chunks, count = [], 0
    with hashes.to_arrow_reader(batch_size=1_000_000) as reader:
        for batch in reader:
            chunks.append(batch.column(0).to_numpy())
            count += len(chunks[-1])
            if count > MAX_SORTED_HASHES:
                break
    if count > MAX_SORTED_HASHES:
        counts = contacts.to_native().aggregate(
            f"count(DISTINCT hash({quoted})) FILTER (WHERE {quoted} IS NOT NULL), count({quoted})"
        )
        distinct, present = counts.fetchall()[0]
        return distinct < present
    return hashes_repeat(np.concatenate(chunks) if chunks else np.empty(0, dtype=np.uint64))
