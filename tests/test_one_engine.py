"""A Dataset whose tables are frames of different engines (kpikit.metrics._one_engine).

Before, a cost KPI of DuckDB contacts beside pandas costs (a small CSV beside a large log) ended
in a raw AttributeError or TypeError from inside narwhals, on every pair of engines; the agent
intervals and costs are now handed to the contacts' engine. Expected values are the hand
calculations of tests/test_metrics.py on tests/fixtures.py's hand-made data.
"""

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from fixtures import hand_dataset

import kpikit as kk
from kpikit.metrics._one_engine import on_contacts_engine

CONNECTION = duckdb.connect()
ENGINES = {
    "pandas": lambda frame: frame,
    "polars": pl.from_pandas,
    "polars_lazy": lambda frame: pl.from_pandas(frame).lazy(),
    "duckdb": CONNECTION.from_df,
    "pyarrow": lambda frame: pa.Table.from_pandas(frame, preserve_index=False),
}
BY_HAND = {
    "aht": 2030 / 8,  # talk + hold + after-contact work of the 8 answered contacts
    "occupancy": 100 * 2700 / 4700,  # handling 2700 / (handling 2700 + available 2000)
    "cost_per_contact": 55 / 8,  # costs 40 + 15 over 8 answered contacts
}
PAIRS = [(c, s) for c in ENGINES for s in ENGINES if c != s]


def _as_pandas(result) -> pd.DataFrame:
    frame = nw.from_native(result)
    return (frame.collect() if isinstance(frame, nw.LazyFrame) else frame).to_pandas()


def _values(result) -> dict:
    table = _as_pandas(result)
    return dict(zip(table["kpi"], table["value"], strict=True))


@pytest.mark.parametrize(("contacts_engine", "side_engine"), PAIRS)
def test_tables_of_other_engines_give_the_hand_values(contacts_engine, side_engine):
    data = hand_dataset()
    assert _values(kk.compute(data, kpis=list(BY_HAND))) == pytest.approx(BY_HAND)
    mixed = kk.Dataset(
        ENGINES[contacts_engine](data.contacts),
        agent_intervals=ENGINES[side_engine](data.agent_intervals),
        costs=ENGINES[side_engine](data.costs),
    )
    result = kk.compute(mixed, kpis=list(BY_HAND))
    assert _values(result) == pytest.approx(BY_HAND)
    # The result is of the contacts' kind, as with tables of one engine.
    one_engine = kk.compute(
        kk.Dataset(
            ENGINES[contacts_engine](data.contacts),
            agent_intervals=ENGINES[contacts_engine](data.agent_intervals),
            costs=ENGINES[contacts_engine](data.costs),
        ),
        kpis=list(BY_HAND),
    )
    assert type(result) is type(one_engine)


def test_tables_moved_keep_their_values_and_a_pandas_index_is_not_a_column():
    data = hand_dataset()
    costs = data.costs.set_axis([7, 9])  # an index that is not 0..n-1
    moved = on_contacts_engine(kk.Dataset(pl.from_pandas(data.contacts), costs=costs))
    assert moved.costs.columns == ["period_start", "channel", "cost"]
    assert moved.costs["cost"].to_list() == [40.0, 15.0]
    same = kk.Dataset(data.contacts, costs=data.costs)
    assert on_contacts_engine(same) is same  # one engine already: nothing moved


def test_bad_values_of_a_moved_table_are_reported_by_name():
    data = hand_dataset()
    costs = pl.from_pandas(data.costs.assign(cost=[40.0, -15.0]))
    with pytest.raises(kk.SchemaError, match=r"costs\.cost: 1 row below 0"):
        kk.compute(kk.Dataset(data.contacts, costs=costs), kpis=["cost_per_contact"])
