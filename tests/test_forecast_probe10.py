"""Probe 10 of periods, forecasts and queueing: weeks near pandas 2's first time, redial
rounds that solve only the rows still moving, and odd staffing and forecast inputs."""

import numpy as np
import pandas as pd
import pytest

import kpikit as kk
from kpikit.queueing import erlang_x
from tests.fixtures import hand_contacts

PANDAS_2 = int(pd.__version__.split(".")[0]) < 3


def _contacts_on(times):
    """The ten hand contacts (tests/fixtures.py) moved to ``times``, one a row."""
    contacts = hand_contacts()
    contacts["arrived_at"] = pd.to_datetime(times)
    return contacts


def test_weeks_of_1677_start_on_their_monday():
    # 1677-09-22 was a Wednesday (datetime.date(1677, 9, 22).isoweekday() == 3): its week
    # starts on Monday 1677-09-20, before pandas 2's first nanosecond time (1677-09-21
    # 00:12:43), which failed with "OverflowError: Overflow in int64 addition". The ten hand
    # contacts answer 6 of 10 within 20 s (#1 10 s, #2 25, #3 40 abandoned, #4 3 abandoned,
    # #5 5, #6 15, #7 20, #8 60, #9 8, #10 12: #1, #5, #6, #7, #9, #10): 60 %.
    contacts = _contacts_on([f"1677-09-22 10:{minute:02d}" for minute in range(10)])
    result = kk.compute(contacts, "service_level", freq="week")
    assert result["period"].tolist() == [pd.Timestamp("1677-09-20")]
    assert result["value"].tolist() == [60.0]


def test_zoned_days_of_1677_are_cut():
    # Paris repeated midnight in 1944 and 1976: looking for them a year before the first time
    # (1677-09-22 minus 366 days) failed on pandas 2 with OutOfBoundsDatetime. The day starts
    # at local midnight of 1677-09-22; 60 % as above.
    times = [f"1677-09-22 10:{minute:02d}" for minute in range(10)]
    contacts = _contacts_on(times)
    contacts["arrived_at"] = contacts["arrived_at"].dt.tz_localize("Europe/Paris")
    result = kk.compute(contacts, "service_level", freq="day")
    assert result["period"].dt.tz_localize(None).astype("datetime64[us]").tolist() == [
        pd.Timestamp("1677-09-22")
    ]
    assert result["value"].tolist() == [60.0]


@pytest.mark.skipif(not PANDAS_2, reason="pandas 3 holds zoned times before 1677-09-21")
def test_zoned_weeks_pandas_2_cannot_hold_are_refused_by_name():
    # The Paris week of 1677-09-22 starts on Monday 1677-09-20 (local), before 1677-09-21
    # 00:12:43 UTC: pandas 2 computed it but crashed Python (segmentation fault) showing it.
    # Every one of the ten rows has that week; the first five are named.
    contacts = _contacts_on([f"1677-09-22 10:{minute:02d}" for minute in range(10)])
    contacts["arrived_at"] = contacts["arrived_at"].dt.tz_localize("Europe/Paris")
    with pytest.raises(ValueError, match=r"Column 'arrived_at' has 10 row\(s\) whose week") as info:
        kk.compute(contacts, "service_level", freq="week")
    assert "first at rows 0 (1677-09-22 10:00:00+00:09)" in str(info.value)
    assert "5 (" not in str(info.value)


# Redial rounds: the fixture's figures before rounds solved only the rows still moving (every
# round then solved all five). Row 0 settles before rows 2 and 3: it was solved on until they
# settled, and moved by less than the fixed point's tolerance (1e-10 of its attempts a round).
# Rows 2 and 3 settle last, where every row stopped before; rows 1 and 4 (next to no redials,
# and no contact) no longer move once settled: the four are unchanged.
REDIAL_ROWS = {
    "volume": [100, 100, 300, 50, 0],
    "agents": [10, 20, 12, 3, 4],
    "patience_s": [120, 300, 60, 200, 90],
    "lines": [12, 30, 14, 5, 6],
}
BEFORE = {
    "offered": [116.43924078973261, 100.01108052963845, 570.2791617488949, 81.23874113686463, 0],
    "p_blocked": [
        0.1678986292150385,
        4.07596803248344e-07,
        0.7041290052093186,
        0.497956777595997,
        0,
    ],
    "service_level": [63.236293465213365, 99.88662840090556, 13.361512658113, 12.028886252826258],
}


def _redialled(rows=slice(None)):
    """Erlang X of the fixture's ``rows`` (180 s handle time, redial probability 0.6)."""
    given = {key: np.asarray(values)[rows] for key, values in REDIAL_ROWS.items()}
    return erlang_x(
        given["volume"],
        180,
        given["agents"],
        patience_s=given["patience_s"],
        lines=given["lines"],
        redial_probability=0.6,
    )


def test_redial_rounds_give_the_figures_of_before():
    result = _redialled()
    np.testing.assert_allclose(result.offered, BEFORE["offered"], rtol=1e-10)
    np.testing.assert_allclose(result.p_blocked, BEFORE["p_blocked"], rtol=1e-9)
    np.testing.assert_allclose(result.service_level[:4], BEFORE["service_level"], rtol=1e-9)
    # rows 1-4: the same figures to the last bits (NumPy 1 and 2 round the sums apart)
    np.testing.assert_allclose(result.offered[1:], BEFORE["offered"][1:], rtol=1e-14)
    assert np.isnan(result.service_level[4])  # no contact: no service level


def test_redial_rounds_give_each_row_its_own_answer():
    # A row stops at its own first settled round, whatever it is solved with: row 0 alone
    # and with the others gives the same bits (before: 116.43924078973261 with them,
    # 116.43924078764 alone).
    together = _redialled()
    for row in range(5):
        alone = _redialled([row])
        assert alone.offered.tolist() == [together.offered[row]]
        assert alone.lost.tolist() == [together.lost[row]]


def test_staffing_a_forecast_without_aht_names_the_group():
    # A forecast's intervals (kk.forecast.forecast(..., by="queue").intervals) where queue q2
    # answered nothing before 'until': its AHT is NaN (as kk.forecast.aht documents). Staffing
    # it said "Value of 'aht_s' must be numbers, but received: nan (2 of 4 values, first at
    # positions 2, 3)", for an argument not given, without naming the queue.
    nan = np.nan
    intervals = pd.DataFrame(
        {
            "queue": ["q1", "q1", "q2", "q2"],
            "period": pd.to_datetime(["2026-03-06", "2026-03-07"] * 2),
            "interval_s": 86400.0,
            "volume": [1.75, 1.75, 0.5, 0.5],
            "volume_low": 0.0,
            "volume_high": [4.5, 4.5, 2.7, 2.7],
            "aht_s": [263.7, 263.7, nan, nan],
            "aht_low": [37.6, 37.6, nan, nan],
            "aht_high": [489.7, 489.7, nan, nan],
        }
    )
    with pytest.raises(ValueError, match=r"without AHT \(column 'aht_s' empty\) in 2 of 4 rows"):
        kk.queueing.agents_required(intervals, target_sl=80)
    with pytest.raises(ValueError, match=r"first positions: 2, 3; queue 'q2'\)"):
        kk.queueing.service_for_roster(intervals, scheduled_agents=3)
