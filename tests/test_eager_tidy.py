"""Sums held in memory are tidied with NumPy; lazy ones with narwhals expressions. Both must
give the same values, nulls and intervals, for every KPI of the registry."""

import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from kpikit.catalog import KPI_IDS
from kpikit.metrics._components import PREFIX
from kpikit.metrics._eager_tidy import tidy_eager
from kpikit.metrics._engine import plan
from kpikit.metrics._ratios import RESULT_COLUMNS, tidy
from kpikit.options import Options

PLANS = [plan(kpi_id, Options()) for kpi_id in KPI_IDS]


def _sums(groups=40, seed=7):
    """Component sums per team as a real log gives them, with the edge cases of every formula:
    no trials, one trial (a mean's interval needs two), all successes, none."""
    rng = np.random.default_rng(seed)
    names = {c for p in PLANS for c in p.components()}
    names |= {p.fused for p in PLANS if p.fused} | {p.fused + "_sq" for p in PLANS if p.fused}
    counts = rng.integers(0, 50, size=groups).astype(float)
    counts[:4] = [0.0, 1.0, 2.0, 50.0]
    columns = {"team": [f"t{i}" for i in range(groups)]}
    for name in sorted(names):
        share = rng.uniform(0, 1, size=groups)
        share[:4] = [0.0, 1.0, 0.0, 1.0]
        columns[PREFIX + name] = np.round(counts * share * rng.uniform(1, 300), 3)
    return pd.DataFrame(columns)


def _sorted(frame):
    return frame.sort_values(["team", "kpi"]).reset_index(drop=True)


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_numpy_tidy_equals_the_expressions_of_lazy_engines(backend):
    sums = _sums()
    lazy = tidy(nw.from_native(pl.from_pandas(sums).lazy()), ["team"], PLANS)
    expected = _sorted(lazy.collect().to_pandas())
    native = {
        "pandas": sums,
        "polars": pl.from_pandas(sums),
        "pyarrow": pa.Table.from_pandas(sums),
    }[backend]
    result = tidy_eager(nw.from_native(native), ["team"], PLANS)
    assert result.implementation.is_pandas() == (backend == "pandas")
    got = _sorted(nw.to_native(result) if backend == "pandas" else result.to_pandas())
    assert list(got.columns) == ["team", *RESULT_COLUMNS]
    assert got["kpi"].tolist() == expected["kpi"].tolist()
    for name in RESULT_COLUMNS[1:]:
        # Same operations in the same order: equal to the last bit, nulls at the same places.
        np.testing.assert_array_equal(got[name].isna(), expected[name].isna(), err_msg=name)
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-14, err_msg=name)


def test_a_zero_denominator_gives_null_and_no_keys_gives_one_row_per_kpi():
    rate = plan("answer_rate", Options())
    sums = nw.from_native(pd.DataFrame({PREFIX + c: [0.0] for c in rate.components()}))
    result = tidy_eager(sums, [], [rate]).to_native()
    # 0 of 0 offered: no rate and no interval, never 0.
    assert result["kpi"].tolist() == ["answer_rate"]
    assert result[["value", "ci_low", "ci_high"]].isna().all(axis=None)
    assert result["denominator"].tolist() == [0.0]


def test_keys_keep_their_types():
    team = pd.Categorical(["b", "a"], categories=["b", "a", "c"])
    sums = pd.DataFrame(
        {"team": team, "day": pd.to_datetime(["2026-01-05", "2026-01-06"]).tz_localize("UTC")}
    )
    sums[PREFIX + "offered"] = [4.0, 2.0]
    offered = plan("contacts_offered", Options())
    native = tidy_eager(nw.from_native(sums), ["team", "day"], [offered]).to_native()
    assert native["team"].dtype == team.dtype
    assert native["day"].dtype == sums["day"].dtype  # datetime64[ns, UTC] (us in pandas 3)
    assert native["value"].tolist() == [4.0, 2.0]  # a count is its numerator


@pytest.mark.parametrize("backend", ["polars", "pyarrow"])
def test_null_sums_give_nulls_where_the_expressions_do(backend):
    # A cost per contact of a group with contacts and no costs reads a null cost sum; any sum
    # may be null in a frame handed in. Every third group loses one column, in turn.
    sums = pl.from_pandas(_sums())
    names = [name for name in sums.columns if name.startswith(PREFIX)]
    sums = sums.with_columns(
        pl.when(pl.int_range(pl.len()) % len(names) == i)
        .then(None)
        .otherwise(pl.col(name))
        .alias(name)
        for i, name in enumerate(names)
    )
    order = ["team", "kpi"]
    expected = tidy(nw.from_native(sums.lazy()), ["team"], PLANS).collect().to_native().sort(order)
    native = sums if backend == "polars" else sums.to_arrow()
    got = pl.from_arrow(tidy_eager(nw.from_native(native), ["team"], PLANS).to_arrow()).sort(order)
    for name in RESULT_COLUMNS[1:]:
        # Null, not NaN, where the expressions give null (pandas would not tell them apart).
        assert got[name].is_null().to_list() == expected[name].is_null().to_list(), name
        np.testing.assert_allclose(got[name].to_numpy(), expected[name].to_numpy(), rtol=1e-14)
