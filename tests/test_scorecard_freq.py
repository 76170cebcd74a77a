"""rate() with a ``freq`` that is not the length of the frame's periods is refused: every
trend would otherwise be read against the wrong calendar, silently."""

import pandas as pd
import pytest

import kpikit as kk

TARGETS = pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]})


def _weekly():
    # Three Monday weeks of FCR: 70 %, 75 %, 80 % of 100 first contacts each.
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]),
            "kpi": "fcr",
            "value": [70.0, 75.0, 80.0],
            "numerator": [70, 75, 80],
            "denominator": [100, 100, 100],
            "ci_low": [60.0, 65.0, 70.0],
            "ci_high": [80.0, 85.0, 90.0],
        }
    )


@pytest.mark.parametrize("freq", [None, "week"])
def test_weekly_periods_compare_week_on_week(freq):
    # By hand: each week against the one before: no previous, then 70 -> 75, 75 -> 80.
    table = kk.scorecard.rate(_weekly(), TARGETS, freq=freq).table
    assert table["previous"].tolist()[1:] == [70.0, 75.0]
    assert table["change"].tolist()[1:] == [5.0, 5.0]


def test_a_month_over_weekly_periods_is_refused():
    # Before: accepted, and no week had a previous one (the month after 2024-01-01 ends on
    # 2024-02-01, which starts no period): every trend silently empty.
    with pytest.raises(ValueError) as raised:
        kk.scorecard.rate(_weekly(), TARGETS, freq="month")
    assert str(raised.value) == (
        "Value of 'freq' is 'month' but the periods of 'kpi_frame' are shorter: the one "
        "starting 2024-01-01 would end 2024-02-01, after the next starts (2024-01-08); they "
        "are 'week' periods: give freq='week' or leave freq out"
    )


def test_a_day_over_periods_a_week_apart_is_no_fault():
    # Days with data on Mondays alone are days a week apart: no day has a previous one.
    table = kk.scorecard.rate(_weekly(), TARGETS, freq="day").table
    assert table["previous"].isna().all()


def test_a_gap_in_monthly_periods_is_no_fault():
    # January and March: February is missing, so March has no previous month (not refused).
    frame = _weekly().iloc[:2].assign(period=pd.to_datetime(["2024-01-01", "2024-03-01"]))
    table = kk.scorecard.rate(frame, TARGETS, freq="month").table
    assert table["previous"].isna().all()
