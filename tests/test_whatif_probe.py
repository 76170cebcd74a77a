"""Faults a probe found in the day plan: null channels and plan_totals' input checks."""

import pandas as pd
import polars as pl
import pytest

from kpikit import whatif
from kpikit.schema import SchemaError


def _null_channel_log():
    # Mondays 2024-03-04 and 2024-03-11 and Sunday 2024-03-17: at 09:xx each has 2 contacts
    # spelling "phone" and 2 without a channel (phone calls, as scenario_from_data reads them).
    days = ["2024-03-04", "2024-03-11", "2024-03-17"]
    minutes = ["09:05", "09:15", "09:25", "09:35"]
    return pd.DataFrame(
        {
            "arrived_at": pd.to_datetime([f"{day} {m}" for day in days for m in minutes]),
            "answered": True,
            "talk_s": 120.0,
            "channel": ["phone", "phone", None, None] * len(days),
        }
    )


# the fixture's week-long gaps between its three days are meant: the warning about them is not
@pytest.mark.filterwarnings("ignore:Column 'arrived_at' has no contact:UserWarning")
@pytest.mark.parametrize("lazy", [False, True], ids=["pandas", "polars-lazy"])
def test_forecast_day_counts_null_channel_as_phone(lazy):
    contacts = _null_channel_log()
    data = pl.from_pandas(contacts).lazy() if lazy else contacts
    day = whatif.forecast_day(data, None, freq="hour", model="seasonal_naive")
    at_nine = day.intervals.set_index("period")["volume"]
    # seasonal naive for Monday 2024-03-18 09:00 = last Monday's (03-11) 09:00 phone calls:
    # 2 "phone" + 2 null = 4 (the nulls were dropped: 2)
    assert at_nine[pd.Timestamp("2024-03-18 09:00")] == 4.0


@pytest.fixture
def plan():
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 10:00"]),
            "volume": [100.0, 100.0, 0.0],
            "aht_s": 180.0,
        }
    )
    return whatif.staffing_plan(frame, staffed=[12, 16, 0])


def test_plan_totals_names_missing_columns():
    frame = pd.DataFrame({"period": pd.to_datetime(["2024-03-04 09:00"]), "volume": [100.0]})
    # a forecast is not a plan: it lacks interval_s, required, gap and service_level
    with pytest.raises(ValueError, match="staffing_plan") as raised:
        whatif.plan_totals(frame)
    assert "['interval_s', 'required', 'gap', 'service_level']" in str(raised.value)


def test_plan_totals_refuses_text_volume(plan):
    with pytest.raises(SchemaError, match=r"plan\.volume: wrong type: holds text"):
        whatif.plan_totals(plan.assign(volume=plan["volume"].astype(str)))


def test_plan_totals_refuses_nan_volume(plan):
    # with the volume: SL = (100 * 64.016 + 100 * 97.056) / 200 = 80.536 (staffing_plan's
    # doctest figures for 12 and 16 agents on 100 calls of 180 s in a half hour)
    assert whatif.plan_totals(plan)["service_level"] == pytest.approx(80.536, abs=1e-3)
    # 09:00 without a volume was left out of contacts (100) and SL (97.06), not of the
    # shortfall: refused, with its count and period
    with pytest.raises(SchemaError, match=r"plan\.volume: 1 row empty .*2024-03-04 09:00"):
        whatif.plan_totals(plan.assign(volume=[float("nan"), 100.0, 0.0]))


def test_plan_totals_refuses_busy_interval_without_service_level(plan):
    # 09:30 has 100 contacts but no service level: summed as 0 answered, SL would read
    # 100 * 64.016 / 200 = 32.0
    broken = plan.assign(service_level=[plan["service_level"][0], float("nan"), float("nan")])
    with pytest.raises(SchemaError, match=r"plan\.service_level: 1 row empty .*09:30"):
        whatif.plan_totals(broken)
