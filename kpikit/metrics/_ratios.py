"""From component sums to the tidy result: value, numerator, denominator and interval per KPI.

:func:`tidy` reads the table of sums once for all the KPIs of a table. Per group it sets each
KPI's totals side by side (numerator, denominator, and the two extra sums some intervals need),
turns the KPI ids into rows (``unpivot``) and keeps, in each row, the totals of that row's KPI.
Only then are values and intervals computed, each formula written once for all the KPIs that use
it. A lazy engine therefore plans one scan of the log (one ``select`` per KPI stacked with
``concat`` would plan one per KPI) and binds a small query: the interval formulas are large, and
repeating them for every KPI made planning slower than running the query on a million contacts.
Sums already in memory (pandas, polars, Arrow: a few rows, one per group) are tidied with NumPy
instead (:mod:`kpikit.metrics._eager_tidy`): on such small frames, the same formulas on arrays
cost a fraction of building and running narwhals expressions.
"""

import math

import narwhals as nw

from kpikit import stats
from kpikit._duckdb import sql_name
from kpikit.catalog import Term
from kpikit.metrics._components import column
from kpikit.metrics._eager_tidy import tidy_eager

RESULT_COLUMNS = ["kpi", "value", "numerator", "denominator", "ci_low", "ci_high"]
_TOTALS = ("numerator", "denominator", "extra_a", "extra_b")


def tidy(sums, keys: list[str], plans) -> nw.DataFrame | nw.LazyFrame:
    """One row per group and KPI of ``plans``: ``*keys, kpi, value, ..., ci_high``."""
    if isinstance(sums, nw.DataFrame):
        return tidy_eager(sums, keys, plans)
    long = _long_totals(sums, keys, plans)
    kpi = nw.col("kpi")
    numerator, denominator = nw.col("numerator"), nw.col("denominator")
    counts = [p.kpi_id for p in plans if not p.denominator]
    scales = _ids_by((p for p in plans if p.denominator), lambda p: (p.scale,))
    ratio = _by_kpi(kpi, scales, _ratio)
    value = ratio if not counts else nw.when(kpi.is_in(counts)).then(numerator).otherwise(ratio)
    kinds = _ids_by(plans, lambda p: (p.interval, p.scale, p.bounds))
    low = _by_kpi(kpi, kinds, lambda *key: _interval(*key)[0])
    high = _by_kpi(kpi, kinds, lambda *key: _interval(*key)[1])
    return long.select(
        *keys,
        "kpi",
        value.cast(nw.Float64).alias("value"),
        numerator.cast(nw.Float64).alias("numerator"),
        denominator.cast(nw.Float64).alias("denominator"),
        low.cast(nw.Float64).alias("ci_low"),
        high.cast(nw.Float64).alias("ci_high"),
    )


def _long_totals(sums, keys, plans):
    """``*keys, kpi, numerator, denominator, extra_a, extra_b``: one row per group and KPI.

    One selection of the lazy ``sums`` unpivoted, so that the sums are planned once.
    """
    totals = [dict(zip(_TOTALS, _totals(p), strict=True)) for p in plans]
    wide = {f"_kk_{name}_{i}": e for i, named in enumerate(totals) for name, e in named.items()}
    if sums.implementation.is_duckdb():
        return _unpivot_duckdb(sums.select(*keys, **wide), keys, plans)
    markers = {f"_kk_kpi_{i}": nw.lit(p.kpi_id, dtype=nw.String()) for i, p in enumerate(plans)}
    long = _unpivot(sums.select(*keys, **markers, **wide), list(markers), [*keys, *wide])
    kpi = nw.col("kpi")

    def pick(name):
        return nw.coalesce(
            *(nw.when(kpi == p.kpi_id).then(nw.col(f"_kk_{name}_{i}")) for i, p in enumerate(plans))
        ).alias(name)

    return long.select(*keys, "kpi", *(pick(name) for name in _TOTALS))


def _totals(kpi_plan):
    """(numerator, denominator, extra_a, extra_b) of one KPI from the sums of its components.

    The extras are the promoters and detractors of NPS, and the sum of squares of a mean.
    """
    empty = nw.lit(None, dtype=nw.Float64())
    numerator = column(kpi_plan.fused) if kpi_plan.fused else _total(kpi_plan.numerator)
    denominator = _total(kpi_plan.denominator) if kpi_plan.denominator else empty
    if kpi_plan.interval == "nps":
        promoters = _total(t for t in kpi_plan.numerator if t.sign > 0)
        detractors = _total(Term(1, t.component) for t in kpi_plan.numerator if t.sign < 0)
        return numerator, denominator, promoters, detractors
    if kpi_plan.interval == "mean":
        return numerator, denominator, column(kpi_plan.fused + "_sq"), empty
    return numerator, denominator, empty, empty


def _ids_by(plans, key) -> dict:
    """KPI ids grouped by ``key(plan)``."""
    groups = {}
    for kpi_plan in plans:
        groups.setdefault(key(kpi_plan), []).append(kpi_plan.kpi_id)
    return groups


def _by_kpi(kpi, groups, formula):
    """The formula of each group of KPI ids (its key holds the formula's arguments)."""
    totals = {name: nw.col(name) for name in _TOTALS}
    branches = [nw.when(kpi.is_in(ids)).then(formula(*key, totals)) for key, ids in groups.items()]
    if not branches:
        return nw.lit(None, dtype=nw.Float64())
    return branches[0] if len(branches) == 1 else nw.coalesce(*branches)


def _ratio(scale, totals):
    numerator, denominator = totals["numerator"], totals["denominator"]
    return nw.when(denominator != 0).then(scale * numerator / denominator)


def _interval(interval, scale, bounds, totals):
    """(low, high) of the KPIs of one kind of interval, kept within the ``bounds`` their values
    can take: a t interval for a mean of waits can reach below 0 s, which no mean of them can."""
    numerator, denominator = totals["numerator"], totals["denominator"]
    if interval == "wilson":
        low, high = stats.wilson_exprs(numerator, denominator, scale=scale)
    elif interval == "nps":
        low, high = stats.nps_exprs(totals["extra_a"], totals["extra_b"], denominator)
    elif interval == "mean":
        # The t quantile casts the degrees of freedom to integers, which a null cannot be.
        low, high = stats.mean_exprs(denominator.fill_null(0.0), numerator, totals["extra_a"])
    elif interval == "poisson":
        low, high = stats.poisson_exprs(numerator)
    else:
        empty = nw.lit(None, dtype=nw.Float64())
        return empty, empty
    lowest, highest = (None if math.isinf(bound) else bound for bound in bounds)
    return low.clip(lowest, highest), high.clip(lowest, highest)


def _unpivot(frame, markers, index):
    """``frame.unpivot(on=markers, index=index)`` into a column ``kpi``."""
    return frame.unpivot(on=markers, index=index, variable_name="_kk_marker", value_name="kpi")


def _unpivot_duckdb(frame, keys, plans):
    """The four totals of every KPI turned into rows at once, with DuckDB's ``UNNEST``.

    One projection of the relation (on its own connection: narwhals runs UNPIVOT on the default
    one, which cannot read a relation of another connection, such as kpikit's for parquet
    files), and no choice of columns per row afterwards: DuckDB binds and plans it in a fraction
    of the time.
    """
    rows = ", ".join(
        "{'kpi': "
        + f"'{p.kpi_id}', "
        + ", ".join(f"'{name}': \"_kk_{name}_{i}\"" for name in _TOTALS)
        + "}"
        for i, p in enumerate(plans)
    )
    kept = "".join(sql_name(key) + ", " for key in keys)
    long = frame.to_native().project(f"{kept}UNNEST([{rows}], recursive := true)")
    return nw.from_native(long)


def _total(terms):
    total = None
    for term in terms:
        part = column(term.component)
        if total is None:
            total = part if term.sign > 0 else -part
        else:
            total = total + part if term.sign > 0 else total - part
    return total
