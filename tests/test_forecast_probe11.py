"""Probe 11 of the forecasts: a group with answered contacts in one interval only gets no AHT
prediction interval (it was one of zero width, the lone AHT filled into every interval)."""

import numpy as np
import pandas as pd

from kpikit import forecast


def test_aht_bounds_are_null_for_a_group_answered_in_one_interval_only():
    # One contact a day at 10:00 from 1 to 21 February 2026 in queues a and b. Queue a answers
    # all, talk 200 to 400 s in even steps; queue b answers the first day's only (300 s).
    # The weekly naive repeats the days a week before 22 and 23 February: a 330 s and 340 s
    # (200 + 10 * 13, 200 + 10 * 14), b 300 s. Before: b's bounds were 300 and 300.
    days = pd.date_range("2026-02-01 10:00", periods=21, freq="D")
    log = pd.DataFrame(
        {
            "contact_id": range(42),
            "queue": ["a"] * 21 + ["b"] * 21,
            "arrived_at": list(days) * 2,
            "answered": [True] * 22 + [False] * 20,
            "wait_s": 5.0,
            "talk_s": [*np.linspace(200, 400, 21), 300.0, *[0.0] * 20],
        }
    )
    result = forecast.forecast(log, freq="day", horizon="2D", model="seasonal_naive", by="queue")
    table = result.intervals.set_index("queue")
    assert table.loc["a", "aht_s"].tolist() == [330.0, 340.0]
    assert (table.loc["a", "aht_high"] > table.loc["a", "aht_low"]).all()
    assert table.loc["b", "aht_s"].tolist() == [300.0, 300.0]
    assert table.loc["b", ["aht_low", "aht_high"]].isna().all(axis=None)
