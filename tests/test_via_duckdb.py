"""Large pandas frames are computed by DuckDB (kpikit.metrics._via_duckdb): the same result as
the pandas path, to the last digits of float sums, with the same types, and the same errors."""

import pandas as pd
import pytest
from fixtures import random_contacts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpikit as kk
from kpikit.metrics import _via_duckdb as via_duckdb

pytest.importorskip("duckdb")


def both_ways(frame, monkeypatch, **arguments):
    """compute on ``frame`` by the pandas path, then by DuckDB (every size routed)."""
    by_pandas = kk.compute(frame, **arguments)
    with monkeypatch.context() as patch:
        patch.setattr(via_duckdb, "MIN_ROWS", 0)
        by_duckdb = kk.compute(frame, **arguments)
    return by_pandas, by_duckdb


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60))
@pytest.mark.parametrize("backend", ["numpy", "pyarrow"])
@pytest.mark.parametrize("grouping", [{"by": "agent_id"}, {"freq": "day"}])
def test_pandas_frames_give_the_pandas_result(seed, n, backend, grouping, monkeypatch):
    frame = random_contacts(seed, n)
    if backend == "pyarrow":
        frame = frame.convert_dtypes(dtype_backend="pyarrow")
    by_pandas, by_duckdb = both_ways(frame, monkeypatch, **grouping)
    pd.testing.assert_frame_equal(by_pandas, by_duckdb, check_exact=False)


def test_only_large_frames_of_the_schemas_types_go_to_duckdb(monkeypatch):
    monkeypatch.setattr(via_duckdb, "MIN_ROWS", 20)
    frame = random_contacts(1, 20)
    assert not via_duckdb.wanted(frame.head(19))  # fewer than MIN_ROWS contacts
    assert via_duckdb.wanted(frame)
    assert via_duckdb.wanted(frame.convert_dtypes(dtype_backend="pyarrow"))
    assert not via_duckdb.wanted(kk.Dataset(contacts=frame))  # a Dataset may hold other tables
    # Ids of two types: DuckDB would read them all as text; the pandas checks refuse them.
    mixed = frame.assign(contact_id=frame["contact_id"].astype(object).where(frame.index > 0, "x"))
    assert not via_duckdb.wanted(mixed)
    with pytest.raises(kk.SchemaError, match="contact_id: wrong type: holds mixed values"):
        kk.compute(mixed)


def test_bad_values_give_the_same_error(monkeypatch):
    # Contact 2 waits -1 s and contact 4 repeats contact 3's id: two problems either way.
    frame = random_contacts(3, 6)
    frame.loc[1, "wait_s"] = -1.0
    frame.loc[3, "contact_id"] = frame.loc[2, "contact_id"]
    messages = []
    for rows in (10**9, 0):
        monkeypatch.setattr(via_duckdb, "MIN_ROWS", rows)
        with pytest.raises(kk.SchemaError) as raised:
            kk.compute(frame)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert "wait_s: 1 row below 0" in messages[0]


def test_zoned_periods_keep_the_zone_and_its_clock(monkeypatch):
    # 00:30 and 23:30 on 1 January in Paris are one day there; 00:30 on the 2nd is the next.
    # In UTC they are 23:30 on 31 December, then 22:30 and 23:30 on 1 January.
    times = pd.to_datetime(["2026-01-01 00:30", "2026-01-01 23:30", "2026-01-02 00:30"])
    frame = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": times.tz_localize("Europe/Paris"),
            "answered": True,
            "wait_s": 5.0,
        }
    ).convert_dtypes(dtype_backend="pyarrow")
    for result in both_ways(frame, monkeypatch, kpis="contacts_offered", freq="day"):
        assert [str(p) for p in result["period"]] == [
            "2026-01-01 00:00:00+01:00",
            "2026-01-02 00:00:00+01:00",
        ]
        assert result["value"].tolist() == [2.0, 1.0]
        assert str(result["period"].dtype) == "datetime64[us, Europe/Paris]"
    for result in both_ways(frame, monkeypatch, kpis="contacts_offered", freq="day", tz="UTC"):
        assert result["value"].tolist() == [1.0, 2.0]  # 31 December, 1 January (UTC)
