"""Probe 9 of the what-ifs, scenarios and calibration: hand-checked fixtures."""

import pandas as pd
import polars as pl
import pytest

from kpikit.calibrate import arrival_profile, patience_exponential
from kpikit.scenarios import scenario_from_data
from kpikit.schema import SchemaError
from kpikit.whatif import Scenario


def _log(answered, talk_s):
    """Two Monday calls at 09:05 and 09:10, waits 10 s and 20 s."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2024-01-01 09:05", "2024-01-01 09:10"]),
            "answered": pd.Series(answered, dtype=object),
            "wait_s": [10.0, 20.0],
            "talk_s": talk_s,
        }
    )


def test_an_answered_call_without_talk_time_is_refused_when_flags_are_objects():
    # answered held as Python objects (a JSON export, or a column that once held None):
    # the AHT was (100 + 0) / 2 = 50 s, the second call's missing talk read as 0 s, where
    # kk.validate and kk.compute refuse that row
    log = _log([True, True], [100.0, None])
    with pytest.raises(SchemaError, match=r"talk_s: 1 row answered but with no talk_s .*: 1\)"):
        arrival_profile(log, interval="hour")
    # read as the booleans they are: (100 + 200) s / 2 answered = 150 s; patience
    # (10 + 20) s over 1 abandon = 30 s
    profile = arrival_profile(_log([True, True], [100.0, 200.0]), interval="hour")
    assert profile.loc[profile["contacts"] > 0, "aht_s"].tolist() == [150.0]
    patience = patience_exponential(_log([True, False], [100.0, 0.0]))
    assert patience["patience_s"].tolist() == [30.0]


@pytest.mark.parametrize("labels, count", [("Mon 09:00", 1), ("ab", 2)])
def test_one_text_is_no_sequence_of_labels(labels, count):
    # one interval labelled "Mon 09:00" was refused as "received 9 labels" (read letter by
    # letter), and two intervals labelled "ab" were named "a" and "b"
    with pytest.raises(TypeError, match=r"'labels' must be a sequence of names.*one text"):
        Scenario(volume=[10] * count, aht_s=180, labels=labels)


def test_labels_that_are_no_sequence_are_named():
    # labels=5 failed with Python's bare "'int' object is not iterable"
    with pytest.raises(TypeError, match=r"'labels' must be a sequence of names.*: 5 \(int\)"):
        Scenario(volume=10, aht_s=180, labels=5)


@pytest.mark.parametrize("lazy", [False, True])
def test_a_queue_column_of_numbers_is_named_as_not_names(lazy):
    # queues numbered 101 and 102: pandas listed "[np.int64(101), np.int64(102)]" to choose
    # from (and queue=101 is refused as no name); polars failed with its own ComputeError
    # ("cannot compare string with numeric type")
    log = _log([True, True], [100.0, 200.0]).assign(queue=[101, 102])
    log["answered"] = log["answered"].astype(bool)
    data = pl.from_pandas(log).lazy() if lazy else log
    with pytest.raises(ValueError, match=r"Column 'queue' of the contacts holds 2 distinct values"):
        scenario_from_data(data, queue="101")
