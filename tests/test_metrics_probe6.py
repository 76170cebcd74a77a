"""Probe 6 of kk.compute across engines: faults found by differential tests, pinned by hand."""

import re

import pandas as pd
import pyarrow as pa
import pytest

import kpikit as kk
from kpikit.metrics import _via_duckdb as via_duckdb
from kpikit.metrics import _via_polars as via_polars

T0 = pd.Timestamp("2026-03-02 09:00")


def categorical_contacts() -> pd.DataFrame:
    """Five contacts keyed by categorical channel and queue (categories not in text order,
    one unused, nulls in both)."""
    return pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3", "c4", "c5"],
            "arrived_at": [T0, T0, T0 + pd.Timedelta("1D"), T0, T0],
            "answered": [True, False, True, True, True],
            "wait_s": [1.0, 2.0, 3.0, 4.0, 5.0],
            "talk_s": [100.0, None, 300.0, 50.0, 70.0],
            "channel": pd.Categorical(
                ["phone", "chat", "phone", None, "phone"], categories=["phone", "chat", "sms"]
            ),
            "queue": pd.Categorical(["q1", "q2", "q1", "q2", None]),
        }
    )


@pytest.mark.parametrize(("path", "freq"), [("duckdb", None), ("polars", None), ("polars", "day")])
def test_categorical_keys_of_a_large_frame_give_the_pandas_table(path, freq, monkeypatch):
    # pyarrow < 17 could not turn the Arrow dictionary that DuckDB and polars return for a
    # categorical key into pandas (ArrowTypeError), and polars put the groups in the text order
    # of the categories (chat before phone) where pandas keeps the categories' order.
    contacts = categorical_contacts()
    if path == "polars":
        contacts = contacts.convert_dtypes(dtype_backend="pyarrow")
    expected = kk.compute(contacts, ["aht"], by=["channel", "queue"], freq=freq)
    # By hand, groups in the categories' order, nulls last: phone/q1: c1 and c3, AHT
    # (100 + 300) / 2 = 200 (one group per day with freq: 100 / 1 on day 1, 300 / 1 on day 2);
    # phone/null: c5, 70 / 1; chat/q2: c2 not answered, 0 / 0 -> null; null/q2: c4, 50 / 1.
    groups = expected[["channel", "queue"]].astype(object).fillna("-").values.tolist()
    if freq is None:
        assert groups == [["phone", "q1"], ["phone", "-"], ["chat", "q2"], ["-", "q2"]]
        assert expected["numerator"].tolist() == [400.0, 70.0, 0.0, 50.0]
        assert expected["denominator"].tolist() == [2.0, 1.0, 0.0, 1.0]
    else:
        assert groups[:2] == [["phone", "q1"], ["phone", "q1"]]
        assert expected["numerator"].tolist() == [100.0, 300.0, 70.0, 0.0, 50.0]
    assert expected.loc[expected["channel"] == "chat", "value"].isna().all()
    module = via_duckdb if path == "duckdb" else via_polars
    monkeypatch.setattr(module, "MIN_ROWS", 1)
    got = kk.compute(contacts, ["aht"], by=["channel", "queue"], freq=freq)
    pd.testing.assert_frame_equal(got, expected)


def dictionary_contacts() -> pa.Table:
    """Four contacts whose channel is an Arrow dictionary with a null (as a parquet file of a
    pandas categorical column reads with ``dtype_backend="pyarrow"``)."""
    return pa.table(
        {
            "contact_id": ["c1", "c2", "c3", "c4"],
            "arrived_at": pa.array([T0, T0, T0, T0 + pd.Timedelta("1D")], pa.timestamp("us")),
            "answered": [True, False, True, True],
            "wait_s": [1.0, 2.0, 3.0, 4.0],
            "talk_s": [100.0, None, 50.0, 300.0],
            "channel": pa.array(["phone", "chat", None, "phone"]).dictionary_encode(),
        }
    )


@pytest.mark.parametrize("kind", ["pandas", "arrow"])
@pytest.mark.parametrize("freq", [None, "day"])
def test_keys_held_as_arrow_dictionaries_with_nulls_are_grouped(kind, freq):
    # Raised a raw error: pandas 2 numbers a dictionary's nulls -1 (np.bincount refused the
    # negative group), and no pandas sorts a dictionary column that holds nulls (ArrowInvalid).
    contacts = dictionary_contacts()
    if kind == "pandas":
        contacts = contacts.to_pandas(types_mapper=pd.ArrowDtype)
    table = kk.compute(contacts, ["aht"], by="channel", freq=freq)
    table = table if kind == "pandas" else table.to_pandas()
    # By hand, channels in text order, the null last: chat: c2 not answered, 0 / 0 -> null;
    # phone: c1 and c4, (100 + 300) / 2 = 200 (by day: 100 / 1, then 300 / 1); null: c3, 50 / 1.
    channels = table["channel"].astype(object).where(table["channel"].notna(), None).tolist()
    if freq is None:
        assert channels == ["chat", "phone", None]
        assert table["numerator"].tolist() == [0.0, 400.0, 50.0]
        assert table["denominator"].tolist() == [0.0, 2.0, 1.0]
    else:
        assert channels == ["chat", "phone", "phone", None]
        assert table["numerator"].tolist() == [0.0, 100.0, 300.0, 50.0]
    assert pd.isna(table["value"].iloc[0])


@pytest.mark.parametrize("kind", ["pandas", "arrow"])
def test_arrow_integer_keys_keep_their_type(kind):
    # Grouped by a csat held as int64[pyarrow], the result's csat was double[pyarrow] (4.0, 5.0):
    # the sums read Arrow integers as floats, and the key came from the same column.
    contacts = pd.DataFrame(
        {
            "contact_id": ["c1", "c2", "c3"],
            "arrived_at": [T0, T0, T0],
            "answered": [True, True, True],
            "wait_s": [1.0, 2.0, 3.0],
            "talk_s": [100.0, 200.0, 60.0],
            "csat": pd.array([5, 5, 4], dtype=pd.ArrowDtype(pa.int64())),
        }
    )
    data = contacts if kind == "pandas" else pa.Table.from_pandas(contacts, preserve_index=False)
    table = kk.compute(data, ["aht"], by="csat")
    if kind == "arrow":
        assert table.schema.field("csat").type == pa.int64()
        table = table.to_pandas(types_mapper=pd.ArrowDtype)
    assert table["csat"].dtype == pd.ArrowDtype(pa.int64())
    # By hand: csat 4: c3, 60 / 1; csat 5: c1 and c2, (100 + 200) / 2 = 150.
    assert table["csat"].tolist() == [4, 5]
    assert table["value"].tolist() == [60.0, 150.0]


@pytest.mark.parametrize(
    ("offset", "named"),
    [("+05:45", "tz='Asia/Kathmandu'"), ("+05:30", "tz='Asia/Kolkata'"), ("-03:30", "St_Johns")],
)
def test_a_part_hour_offset_names_a_zone_that_keeps_it(offset, named):
    # Before: every part-hour offset was told "e.g. tz='Asia/Kolkata'" (+05:30), which would
    # cut a Kathmandu (+05:45) day 15 minutes off.
    times = pd.to_datetime([f"2026-03-02T09:00{offset}", f"2026-03-02T10:00{offset}"])
    contacts = pd.DataFrame({"contact_id": ["a", "b"], "arrived_at": times, "answered": True})
    with pytest.raises(kk.SchemaError, match=re.escape(named)):
        kk.compute(contacts.assign(wait_s=1.0), kpis=["asa"], freq="day")
