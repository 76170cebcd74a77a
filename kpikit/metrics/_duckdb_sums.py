"""Sums per group of a DuckDB relation as one SQL query over it.

narwhals builds a DuckDB query step by step (a projection of the components, an aggregation,
a projection that names its columns), and DuckDB's Python relations bind the whole query so far
at each step (about 1 ms each for a compute's query) and walk every expression given to them.
Here narwhals still writes each expression (a component, the period, a check's extreme), so
every definition stays the one :mod:`._components` holds, but the aggregation around them is
written as SQL text and bound once (:meth:`duckdb.DuckDBPyRelation.aggregate`).

Flags are counted from their conditions (``count_if``) rather than summed as 0.0/1.0 floats:
DuckDB counts twelve flags of 1M contacts in 50 ms where it sums their floats in 75 ms. With
the single aggregation, a compute of every contact KPI over 1M contacts took 1.21-1.31x the
hand-written SQL against 1.29-1.38x before, and over 10M 1.08-1.14x of its CPU time against
1.29-1.31x (``benchmarks/bench_compute.py``). Both a count and a sum skip a null condition,
and both give null, not 0, for a group whose conditions are all null (DuckDB 2.0's
``count_if`` as ``sum``); each is then taken as 0, as pandas gives it.

narwhals' expressions are turned into DuckDB's through narwhals' own internals (as its
``select`` does); should those differ in another narwhals release, :func:`sums_query` gives
None and the caller builds the query with narwhals' public steps instead.
"""

import narwhals as nw

from kpikit._duckdb import sql_name


def sums_query(frame, group, sums, counts, aggregates):
    """The sums per group of a DuckDB frame as one lazy DuckDB query, or None (see above).

    ``group`` maps each output key to its expression (a key column, the period); ``sums`` maps
    each output name to a float expression summed per group, ``counts`` to a condition whose
    true rows are counted (as a float), ``aggregates`` to an aggregate expression taken as it
    is. Every group is kept, a null key among them; without keys the result is one row.

    >>> import duckdb
    >>> rows = duckdb.connect().sql(
    ...     "SELECT agent, wait::DOUBLE AS wait, answered FROM (VALUES ('a', 2, true), "
    ...     "('a', 3, NULL), (NULL, 1, false), ('b', 4, NULL)) AS t(agent, wait, answered)")
    >>> sums = sums_query(nw.from_native(rows), {"agent": nw.col("agent")},
    ...     {"wait": nw.col("wait")}, {"answered": nw.col("answered")},
    ...     {"longest": nw.col("wait").max()})
    >>> sorted(sums.to_native().fetchall(), key=str)  # b: no condition known, 0 answered
    [('a', 5.0, 1.0, 3.0), ('b', 4.0, 0.0, 4.0), (None, 1.0, 0.0, 1.0)]
    """
    texts = _sql_texts(frame, {**group, **sums, **counts, **aggregates})
    if texts is None:
        return None
    items = [f"{texts[name]} AS {sql_name(name)}" for name in group]
    items += [f"COALESCE(sum({texts[name]}), 0.0) AS {sql_name(name)}" for name in sums]
    items += [
        f"COALESCE(CAST(count_if({texts[name]}) AS DOUBLE), 0.0) AS {sql_name(name)}"
        for name in counts
    ]
    items += [f"{texts[name]} AS {sql_name(name)}" for name in aggregates]
    keys = ", ".join(texts[name] for name in group)
    return nw.from_native(frame.to_native().aggregate(", ".join(items), keys))


def _sql_texts(frame, expressions):
    """The SQL text of each narwhals expression over the DuckDB ``frame``, as narwhals' own
    steps would write it; None when narwhals' internals are not the ones this reads."""
    try:
        from narwhals._duckdb.utils import evaluate_exprs_and_aliases

        compliant = evaluate_exprs_and_aliases(
            frame._compliant_frame, *frame._flatten_and_extract(**expressions)
        )
    except (ImportError, AttributeError, TypeError):
        return None
    return {name: str(expression) for name, expression in compliant}
