"""Invariants every KPI of the catalog must keep, checked once for all of them."""

import dataclasses

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from fixtures import random_dataset
from hypothesis import given, settings
from hypothesis import strategies as st

import kpikit as kk
from kpikit.catalog import calculate
from kpikit.metrics import component_sums

ALL_KPIS = list(kk.catalog()["id"])
SEEDS = st.integers(0, 2**32 - 1)
SIZES = st.integers(1, 60)
BOUNDS = {
    "percent": (0, 100),
    "points": (-100, 100),
    "seconds": (0, np.inf),
    "currency": (0, np.inf),
    "count": (0, np.inf),
}
# Every KPI with its default options, then every variant of the registry.
CASES = [(kpi_id, {}) for kpi_id in ALL_KPIS] + [
    (row.kpi, {row.option: row.value}) for row in kk.catalog.variants().itertuples()
]


def test_every_kpi_has_a_helper_and_the_catalog_is_the_engines_list():
    assert ALL_KPIS == list(kk.catalog.KPI_IDS) == list(kk.metrics.HELPERS)
    assert all(callable(getattr(kk, kpi_id)) for kpi_id in ALL_KPIS)


@pytest.mark.parametrize(("kpi_id", "variant"), CASES, ids=lambda case: str(case))
def test_calculator_agrees_with_the_engine(kpi_id, variant):
    # The calculator fed with the component totals of the data gives compute's value, for
    # every KPI and every variant (the mean KPIs' numerator is fused per row in compute and
    # summed part by part here, so this also checks that fusion).
    data = random_dataset(7, 60)
    if "csat_scale" in variant:  # the 1..5 answers spread over the variant's scale: 5 → its top
        scale = variant["csat_scale"]
        csat = (data.contacts["csat"] - 1) * (scale - 1) // 4 + 1
        data = dataclasses.replace(data, contacts=data.contacts.assign(csat=csat))
    expected = kk.compute(data, kpis=kpi_id, **variant)["value"].iloc[0]
    assert not np.isnan(expected) and (kpi_id != "csat" or expected > 0)
    totals = component_sums(data, kpi_id, **variant)
    assert calculate(kpi_id, **variant, **totals) == pytest.approx(expected)


def test_every_kpi_is_computed_on_the_sample():
    table = kk.compute(kk.load_sample())
    assert list(table["kpi"]) == ALL_KPIS
    assert table["value"].notna().all()


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS, n=SIZES, by=st.sampled_from(["agent_id", "channel"]))
def test_rollup_of_groups_equals_the_total(seed, n, by):
    data = random_dataset(seed, n)
    total = kk.compute(data).set_index("kpi")
    groups = kk.compute(data, by=by)
    for kpi_id in groups["kpi"].unique():
        parts = groups[groups["kpi"] == kpi_id]
        assert parts["numerator"].sum() == pytest.approx(total.loc[kpi_id, "numerator"])
        if not kk.kpi(kpi_id).is_count:  # a count has no denominator
            assert parts["denominator"].sum() == pytest.approx(total.loc[kpi_id, "denominator"])


@settings(max_examples=25, deadline=None)
@given(seed=SEEDS, n=SIZES)
def test_values_follow_from_components_and_stay_in_bounds(seed, n):
    table = kk.compute(random_dataset(seed, n), by="agent_id", freq="day")
    units = kk.catalog().set_index("id")["unit"]
    for row in table.itertuples():
        low, high = BOUNDS[units[row.kpi]]
        if kk.kpi(row.kpi).is_count:
            assert np.isnan(row.denominator) and row.value == row.numerator
        elif row.denominator == 0:
            assert np.isnan(row.value) and np.isnan(row.ci_low)  # null, never 0 or inf
            continue
        else:
            scale = kk.kpi(row.kpi).scale
            assert row.value == pytest.approx(scale * row.numerator / row.denominator)
        assert low - 1e-9 <= row.value <= high + 1e-9
        if not np.isnan(row.ci_low):
            assert row.ci_low <= row.value + 1e-9 <= row.ci_high + 2e-9


@settings(max_examples=20, deadline=None)
@given(seed=SEEDS, n=SIZES)
def test_row_order_does_not_matter(seed, n):
    data = random_dataset(seed, n)
    shuffled = data.contacts.sample(frac=1, random_state=seed % 1000).reset_index(drop=True)
    shuffled_data = kk.Dataset(shuffled, data.agent_intervals, data.costs)
    pd.testing.assert_frame_equal(
        kk.compute(data, by="channel"), kk.compute(shuffled_data, by="channel")
    )


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS, n=SIZES)
def test_pandas_polars_and_duckdb_agree(seed, n):
    data = random_dataset(seed, n)
    expected = kk.compute(data, by="agent_id", freq="day")
    as_polars = kk.Dataset(
        *(pl.from_pandas(t) for t in (data.contacts, data.agent_intervals, data.costs))
    )
    from_polars = kk.compute(as_polars, by="agent_id", freq="day").to_pandas()
    contacts, intervals, costs = data.contacts, data.agent_intervals, data.costs
    as_duckdb = kk.Dataset(*(duckdb.from_df(t) for t in (contacts, intervals, costs)))
    from_duckdb = (
        nw.from_native(kk.compute(as_duckdb, by="agent_id", freq="day")).collect().to_pandas()
    )
    for other in (from_polars, from_duckdb):
        other["period"] = other["period"].astype(expected["period"].dtype)
        pd.testing.assert_frame_equal(
            expected.fillna(np.nan), other.fillna(np.nan), check_dtype=False, check_exact=False
        )


@pytest.mark.parametrize("kpi_id", [k for k in ALL_KPIS if not kk.kpi(k).is_count])
def test_zero_denominator_gives_null(kpi_id):
    data = random_dataset(1, 30)
    contacts = data.contacts.assign(
        answered=False,
        talk_s=0.0,
        hold_s=0.0,
        acw_s=0.0,
        agent_id=None,
        transferred=False,
        resolved=pd.array([pd.NA] * 30, dtype="boolean"),
        csat=pd.array([pd.NA] * 30, dtype="Int64"),
        nps=pd.array([pd.NA] * 30, dtype="Int64"),
        qa_score=np.nan,
        wait_s=0.0,
    )
    intervals = data.agent_intervals.assign(
        scheduled_s=0.0, paid_s=0.0, handling_s=0.0, available_s=0.0, adherent_s=0.0
    )
    table = kk.compute(kk.Dataset(contacts, intervals, data.costs), kpis=kpi_id, short_abandon_s=1)
    row = table.iloc[0]
    assert row["denominator"] == 0
    assert np.isnan(row["value"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_a_count_of_nothing_is_zero_not_null():
    # Contacts handled when none was answered: 0 contacts, a real value (interval 0 .. 3.69).
    contacts = random_dataset(1, 30).contacts.assign(
        answered=False, agent_id=None, talk_s=0.0, hold_s=0.0, acw_s=0.0, transferred=False
    )
    row = kk.compute(contacts, kpis="contacts_handled").iloc[0]
    assert row["value"] == 0 and np.isnan(row["denominator"])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.0, 3.6889), abs=1e-4)
