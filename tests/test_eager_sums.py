"""Eager pandas frames summed by polars, by NumPy without polars, and through either's edge cases.

kk.compute hands pandas contacts to polars when it is installed (an optional dependency) and
sums them with NumPy otherwise; both must give the same table, whatever the columns' types.
"""

import sys

import pandas as pd
import pytest
from fixtures import random_contacts

import kpikit as kk

SEEDS = [1, 7]


def without_polars(function, *args, **kwargs):
    """``function(*args, **kwargs)`` with polars impossible to import."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "polars", None)
        return function(*args, **kwargs)


def assert_same(left, right):
    # Keys keep the input's dtype; NumPy sums read a text channel as Arrow text.
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-12, check_dtype=False)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("grouping", [{"by": "agent_id", "freq": "day"}, {}, {"by": "channel"}])
def test_pandas_gives_the_same_table_with_or_without_polars(seed, grouping):
    contacts = random_contacts(seed, 300)
    assert_same(kk.compute(contacts, **grouping), without_polars(kk.compute, contacts, **grouping))


@pytest.mark.parametrize("seed", SEEDS)
def test_text_held_as_python_objects_gives_the_same_table(seed):
    # pandas 2 reads parquet text as Python objects: keys become codes, the channel Arrow text,
    # and the FCR flags are found on the pandas side; the keys keep their pandas values.
    contacts = random_contacts(seed, 300)
    as_objects = contacts.astype({c: object for c in ("agent_id", "customer_id", "channel")})
    as_objects["agent_id"] = as_objects["agent_id"].where(as_objects["agent_id"].notna(), None)
    expected = without_polars(kk.compute, as_objects, by="agent_id", freq="day")
    got = kk.compute(as_objects, by="agent_id", freq="day")
    assert_same(got, expected)
    typed = kk.compute(contacts, by="agent_id", freq="day")
    agents = typed["agent_id"].astype(object)
    assert_same(got, typed.assign(agent_id=agents.where(agents.notna(), None)))


def test_a_key_of_mixed_python_types_keeps_its_values():
    contacts = random_contacts(3, 60)
    contacts["team"] = pd.Series([1, "north", None] * 20, dtype=object)
    options = {"by": "team", "kpis": ["answer_rate", "fcr"], "validate": False}
    got = kk.compute(contacts, **options)
    assert_same(got, without_polars(kk.compute, contacts, **options))
    assert set(got["team"].dropna()) == {1, "north"}  # the values themselves, not codes


def test_a_column_arrow_cannot_hold_is_summed_with_numpy():
    # Unvalidated channels of two types: polars cannot take them, NumPy can.
    contacts = random_contacts(5, 60)
    mixed = contacts.assign(channel=pd.Series(["chat", 7] * 30, dtype=object))
    as_text = contacts.assign(channel=pd.Series(["chat", "7"] * 30, dtype=object))
    got = kk.compute(mixed, kpis="service_level", validate=False)
    assert_same(got, kk.compute(as_text, kpis="service_level", validate=False))


def test_arrow_backed_pandas_gives_the_same_table():
    # Arrow-backed frames stay on the NumPy path (polars would copy their text).
    contacts = random_contacts(11, 300)
    arrow = contacts.convert_dtypes(dtype_backend="pyarrow")
    grouping = {"by": "agent_id", "freq": "day"}
    assert_same(kk.compute(arrow, **grouping), kk.compute(contacts, **grouping))


@pytest.mark.parametrize("path", ["polars", "pandas by polars", "pandas by NumPy"])
def test_sums_by_period_added_up_over_lanes_are_the_hand_sums(path, monkeypatch):
    # A time-ordered log: 10 contacts on 5 Jan (more than LANES, so the lanes wrap), 3 on
    # 6 Jan, one without a time. x is the row number counted from 1, so by hand the sums are
    # 1+..+10 = 55, 11+12+13 = 36 and 14; each period's first row (its key) is 0, 10 and 13.
    pl = pytest.importorskip("polars")
    import narwhals as nw

    from kpikit.metrics import _numpy_sums, _polars_sums
    from kpikit.metrics._period_starts import period_expr

    assert _numpy_sums.LANES < 10
    monkeypatch.setattr(_polars_sums, "MIN_LANED_RUN", 1)  # 13 contacts in 2 days suffice
    laned = []
    counting = _polars_sums._long_runs
    monkeypatch.setattr(
        _polars_sums, "_long_runs", lambda *args: laned.append(counting(*args)) or laned[-1]
    )
    times = [*pd.date_range("2026-01-05 08:00", periods=10, freq="30min")]
    times += [*pd.date_range("2026-01-06 09:00", periods=3, freq="h"), None]
    native = pd.DataFrame({"arrived_at": pd.to_datetime(times), "x": range(1, 15)})
    native = native.astype({"x": float})
    frame = nw.from_native(pl.from_pandas(native) if path == "polars" else native)
    group = {"period": period_expr(frame, "arrived_at", "day")}
    columns = {"x": nw.col("x")}
    if path == "pandas by NumPy":
        sums = _numpy_sums.sums_by_group(frame, group, columns)
    else:
        sums = _polars_sums.sums_by_group(
            frame, group, columns, values=["arrived_at", "x"], alone="day"
        )
    got = nw.to_native(sums)
    got = (got.to_pandas() if path == "polars" else got).sort_values("period")
    assert laned == ([] if path == "pandas by NumPy" else [True])
    assert got["x"].tolist() == [55.0, 36.0, 14.0]
    days = [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06")]
    assert got["period"].iloc[:2].tolist() == days
    assert got["period"].isna().iloc[2]


def test_runs_of_a_period_are_counted_over_the_span_of_zoned_times_too():
    # Every half hour of 28-29 March in Paris (the 29th has 23 hours): 94 contacts a copy over
    # 46.5 elapsed hours. By hand the periods are at most 46.5 / 24 + 1 = 2.94 days, so
    # MIN_LANED_RUN (400) contacts a day need 1,175 contacts: 13 copies (1,222) have them, 12
    # copies (1,128) do not; by hour, 400 a period would need 18,900.
    pl = pytest.importorskip("polars")
    from kpikit.metrics._polars_sums import MIN_LANED_RUN, _long_runs

    assert MIN_LANED_RUN == 400
    times = pd.date_range("2026-03-28", "2026-03-29 23:30", freq="30min", tz="Europe/Paris")
    log = pl.from_pandas(pd.DataFrame({"arrived_at": times}))
    assert log.height == 94 and log.schema["arrived_at"].time_zone == "Europe/Paris"
    assert _long_runs(pl.concat([log] * 13), "day")
    assert not _long_runs(pl.concat([log] * 12), "day")
    assert not _long_runs(pl.concat([log] * 13), "hour")
    assert not _long_runs(log, None)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("freq", ["hour", "day"])
def test_polars_sums_in_lanes_give_the_same_table(seed, freq, monkeypatch):
    # Random logs are too small for lanes: every period is made to qualify, then none.
    pl = pytest.importorskip("polars")
    from kpikit.metrics import _polars_sums

    contacts = random_contacts(seed, 400).sort_values("arrived_at", ignore_index=True)
    tables = {}
    for run in (1, 10**9):
        monkeypatch.setattr(_polars_sums, "MIN_LANED_RUN", run)
        tables[run] = [
            kk.compute(contacts, freq=freq),
            kk.compute(pl.from_pandas(contacts), freq=freq).to_pandas(),
        ]
    for laned, plain in zip(tables[1], tables[10**9], strict=True):
        assert_same(laned, plain)
