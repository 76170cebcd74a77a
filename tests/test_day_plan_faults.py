"""Faults of the day plan: a fall-back day's own roster, a roster without agent_id on the
contacts, polars forecasts and plans, and the plan sheet's repeated intervals."""

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit import monitor, whatif


def centre(zone, first, end, *, agent_id=True):
    """A 24-hour centre on ``zone``'s clock from ``first`` to ``end`` (midnights): 10 phone
    calls of 180 s in every real half hour, 5 agents each handling 900 s and available 900 s
    in every half hour (5 agents on the phones)."""
    starts = pd.date_range(
        pd.Timestamp(first, tz=zone).tz_convert("UTC"),
        pd.Timestamp(end, tz=zone).tz_convert("UTC"),
        freq="30min",
        inclusive="left",
    )
    arrivals = pd.DatetimeIndex(
        [start + pd.Timedelta(seconds=60 + 170 * k) for start in starts for k in range(10)]
    ).tz_convert(zone)
    contacts = pd.DataFrame(
        {
            "contact_id": range(len(arrivals)),
            "arrived_at": arrivals,
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 180.0,
            "channel": "phone",
        }
    )
    if agent_id:
        contacts["agent_id"] = "a0"
    intervals = pd.DataFrame(
        [
            (f"a{i}", start.tz_convert(zone), 1800.0, 1800.0, 900.0, 900.0, 1800.0)
            for start in starts
            for i in range(5)
        ],
        columns=[
            "agent_id",
            "interval_start",
            "scheduled_s",
            "paid_s",
            "handling_s",
            "available_s",
            "adherent_s",
        ],
    )
    return kk.Dataset(contacts=contacts, agent_intervals=intervals)


# ---------------------------------------------------------------- F1: a fall-back day's roster


@pytest.mark.parametrize(
    ("zone", "day"), [("Europe/Paris", "2026-10-25"), ("America/New_York", "2026-11-01")]
)
def test_a_fall_back_day_with_its_own_intervals_keeps_its_roster(zone, day):
    start = pd.Timestamp(day) - pd.Timedelta(days=1)
    data = centre(zone, start, start + pd.Timedelta(days=3))
    staffed, source = whatif.roster_for_day(data, day)
    assert source == f"agent intervals of {day}"
    # a 25-hour day: 50 half hours (54 before: each repeated start on both instants twice)
    assert len(staffed) == 50
    assert not staffed.index.has_duplicates
    # 5 agents * (900 + 900) s / 1800 s in each; one channel: every agent counts
    assert staffed.tolist() == [5.0] * 50


def test_a_fall_back_day_moved_a_week_on_counts_its_repeated_hour_once():
    data = centre("Europe/Paris", "2026-10-24", "2026-10-26")
    staffed, source = whatif.roster_for_day(data, "2026-11-01")
    assert source == "agent intervals of 2026-10-25, a week before"
    # 2026-11-01 has 48 half hours; 02:00 and 02:30 were each there twice (50 starts)
    assert len(staffed) == 48 and not staffed.index.has_duplicates
    assert staffed.tolist() == [5.0] * 48  # 02:00: the mean of (5 + 5) over its two passes


def test_the_staffing_app_plans_a_fall_back_day_with_its_own_intervals():
    from kpikit.apps import StaffingApp

    data = centre("Europe/Paris", "2026-10-17", "2026-10-26")
    app = StaffingApp(data, calibrate=False, day="2026-10-25")
    assert len(app.plan) == 50  # 25 hours of half hours
    assert app.plan["staffed"].tolist() == [5.0] * 50
    assert "role='alert'" not in app.plan_summary.value


def test_the_staffing_app_says_why_a_plan_cannot_be_made(monkeypatch):
    from kpikit.apps import StaffingApp

    def refuse(*args, **kwargs):
        raise ValueError("Value of 'staffed' holds 4 interval starts more than once")

    monkeypatch.setattr(whatif, "staffing_plan", refuse)
    data = centre("Europe/Paris", "2026-10-17", "2026-10-26")
    app = StaffingApp(data, calibrate=False, day="2026-10-25")  # no traceback escapes
    assert app.plan is None
    assert "No plan for 2026-10-25: Value of &#x27;staffed&#x27; holds 4" in (
        app.plan_summary.value
    )


# ---------------------------------------------------------------- F4: no agent_id on contacts


def test_a_one_channel_log_without_agent_id_counts_every_agent():
    data = centre("Europe/Paris", "2026-03-27", "2026-03-29", agent_id=False)
    staffed, _ = whatif.roster_for_day(data, "2026-03-28")
    assert staffed.tolist() == [5.0] * 48  # 5 agents * 1800 s / 1800 s; it was 0.0 in all 48
    day = monitor.day_staffed(data, "2026-03-28", channel="phone")
    assert day.tolist() == [5.0] * 48


def test_a_blended_log_without_agent_id_is_refused_naming_the_column():
    data = centre("Europe/Paris", "2026-03-27", "2026-03-29", agent_id=False)
    contacts = data.contacts
    first_hour = contacts["arrived_at"] < pd.Timestamp("2026-03-27 01:00", tz="Europe/Paris")
    contacts.loc[first_hour, "channel"] = "chat"
    # before 2026-03-28: 48 half hours * 10 = 480 contacts, the first hour's 2 * 10 = 20 chats
    message = (
        "The contacts have no 'agent_id' column, so each agent's share of channel 'phone' "
        "cannot be counted; 20 of the 480 contacts counted are of other channels (chat: 20)"
    )
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        whatif.roster_for_day(data, "2026-03-28")
    with pytest.raises(ValueError, match="no 'agent_id' column"):
        monitor.channel_shares(contacts, "phone")
    staffed, _ = whatif.roster_for_day(data, "2026-03-28", channel=None)  # every agent
    assert staffed.tolist() == [5.0] * 48


# ---------------------------------------------------------------- F5: polars plans


def _two_half_hours():
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 100.0],
            "aht_s": 180.0,
        }
    )


@pytest.mark.parametrize("lazy", [False, True])
def test_staffing_plan_and_totals_take_polars(lazy):
    frame = _two_half_hours()
    native = pl.from_pandas(frame)
    native = native.lazy() if lazy else native
    plan = whatif.staffing_plan(native, staffed=[12, 16])
    pd.testing.assert_frame_equal(plan, whatif.staffing_plan(frame, staffed=[12, 16]))
    # 10 Erlangs: 14 agents reach 80 % in 20 s; 12 give 64.0 %, 16 give 97.1 %
    assert plan["required"].tolist() == [14, 14]
    assert plan["service_level"].round(1).tolist() == [64.0, 97.1]
    polars_plan = pl.from_pandas(plan)
    totals = whatif.plan_totals(polars_plan.lazy() if lazy else polars_plan)
    assert totals == whatif.plan_totals(plan)
    # 200 contacts; answered in time 100 * 0.640 + 100 * 0.971 of them: about 80.6 %
    assert totals["contacts"] == 200.0
    assert totals["service_level"] == pytest.approx(80.6, abs=0.1)


def test_staffing_plan_takes_an_arrow_table_with_its_prediction_interval():
    frame = _two_half_hours().assign(volume_low=[90.0, 90.0], volume_high=[110.0, 110.0])
    arrow = nw.from_native(pl.from_pandas(frame)).to_arrow()
    plan = whatif.staffing_plan(arrow, staffed=14, volume_quantile=0.975)
    expected = whatif.staffing_plan(frame, staffed=14, volume_quantile=0.975)
    pd.testing.assert_frame_equal(plan, expected)
    # a 95 % interval's upper end is its 97.5 % quantile: 110 contacts
    assert np.allclose(plan["volume"], 110.0)


# ---------------------------------------------------------------- the plan sheet's intervals


def test_the_plan_sheet_tells_the_repeated_intervals_apart():
    from kpikit.apps.staffing_plan import plan_sheet

    periods = pd.date_range("2026-10-25 00:00", periods=5, freq="30min", tz="UTC")
    # 00:00 to 02:00 UTC: 02:00+02:00, 02:30+02:00, 02:00+01:00, 02:30+01:00, 03:00 in Paris
    frame = pd.DataFrame(
        {
            "period": periods.tz_convert("Europe/Paris"),
            "volume": 10.0,
            "aht_s": 180.0,
            "interval_s": 1800.0,
        }
    )
    sheet = plan_sheet(whatif.staffing_plan(frame, staffed=3))
    assert sheet.table["Interval"].tolist() == [
        "2026-10-25 02:00+02:00",
        "2026-10-25 02:30+02:00",
        "2026-10-25 02:00+01:00",
        "2026-10-25 02:30+01:00",
        "2026-10-25 03:00",  # once on the clock: no offset
    ]


@pytest.mark.parametrize("engine", ["pandas", "polars-lazy"])
def test_the_monitors_plan_counts_a_contact_without_a_channel_as_a_phone_call(engine):
    # The sample's phone calls with their channel left empty are still phone calls, as in
    # scenario_from_data and forecast_day: monitor.day_forecast(channel="phone") dropped them
    # (a forecast of fewer calls), and channel_shares left their agents' calls out.
    sample = kk.load_sample().contacts
    blanked = sample.assign(channel=sample["channel"].where(sample["channel"] != "phone"))
    source = pl.from_pandas(blanked).lazy() if engine == "polars-lazy" else blanked
    plan = monitor.day_forecast(source, "2026-08-29", channel="phone")
    expected = monitor.day_forecast(sample, "2026-08-29", channel="phone")
    pd.testing.assert_frame_equal(plan, expected)
    pd.testing.assert_series_equal(
        monitor.channel_shares(source, "phone"), monitor.channel_shares(sample, "phone")
    )
