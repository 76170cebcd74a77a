"""A required column a pandas user set as the index is named as such, with the fix."""

import pandas as pd
import pytest

import kpikit as kk
from kpikit.provisional import last_arrival
from kpikit.schema import SchemaError

HINT = "it is the frame's index: call .reset_index() first"


def _contacts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id": ["c1", "c2"],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:05"]),
            "answered": [True, True],
            "wait_s": [5.0, 15.0],
            "talk_s": [100.0, 200.0],
        }
    )


@pytest.mark.parametrize(
    "call",
    [lambda c: kk.compute(c, kpis=["aht"]), kk.validate, last_arrival],
    ids=["compute", "validate", "last_arrival"],
)
def test_a_column_set_as_the_index_is_named_with_reset_index(call):
    # df.set_index("arrived_at") is a common first step; before, the error said only that the
    # column is missing and listed the four others, which the user could see were there.
    with pytest.raises(SchemaError) as raised:
        call(_contacts().set_index("arrived_at"))
    line = next(line for line in str(raised.value).splitlines() if "arrived_at" in line)
    assert line.endswith(HINT)


def test_both_levels_of_an_index_are_named_and_other_columns_get_the_old_advice():
    frame = _contacts().set_index(["contact_id", "arrived_at"]).rename(columns={"wait_s": "wait"})
    with pytest.raises(SchemaError) as raised:
        kk.validate(frame)
    lines = str(raised.value).splitlines()
    assert sum(line.endswith(HINT) for line in lines) == 2
    wait = next(line for line in lines if line.startswith("- contacts.wait_s"))
    assert "is 'wait' the same?" in wait and "reset_index" not in wait


def test_an_unnamed_default_index_adds_nothing():
    with pytest.raises(SchemaError) as raised:
        kk.validate(_contacts().drop(columns="arrived_at"))
    assert "reset_index" not in str(raised.value)


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_a_threshold_per_channel_on_contacts_without_channels_is_warned_of(engine):
    # Waits 10 s and 18 s, no channel column: each contact is a phone call, judged at the
    # phone threshold, 20 s when the mapping has none, so service level is 2/2 = 100 %, not the
    # 1/2 a user of {"voice": 15} expects. Before, the 'voice' key was dropped without a word.
    import duckdb
    import polars as pl

    from kpikit._frames import to_pandas
    from kpikit.metrics._threshold_channels import ThresholdWarning

    contacts = _contacts().assign(wait_s=[10.0, 18.0])
    native = {
        "pandas": lambda: contacts,
        "polars": lambda: pl.from_pandas(contacts),
        "duckdb": lambda: duckdb.from_df(contacts),
    }[engine]()
    with pytest.warns(ThresholdWarning, match=r"'voice' \(they have no 'channel' column"):
        result = kk.compute(native, kpis=["service_level"], sl_threshold_s={"voice": 15})
    assert float(to_pandas(result)["value"].iloc[0]) == pytest.approx(100.0)
