"""KPIs of the costs and agent intervals only by periods their rows fit into
(kpikit.metrics._period_lengths).

A month's cost booked on its first day, cut by week, fell whole on the first week: the sample's
weekly scorecard showed a red cost per contact of 20.29 (June's 217,442.85 over one week's
10,718 answered contacts, four times the month's 4.72) and no data for the other weeks. Half-hour
agent intervals cut by 15 minutes put each half hour's time on its first quarter hour.

Hand figures use tests/fixtures.py's hand_contacts (Mon 2 - Fri 6 March 2026). Answered phone
contacts: #1, #2 (Mon 2), #7 (Tue 3), #8 (Thu 5), #10 (Fri 6) = 5; answered chat: #5 (Mon 2),
#6 (Tue 3), #9 (Thu 5) = 3. hand_intervals: half hours at 09:00 on Mon 2 and Tue 3 (A1 and A2),
1,800 s paid each but A2's second.
"""

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from fixtures import hand_contacts, hand_costs, hand_intervals

import kpikit as kk
from kpikit.metrics import KPIUnavailable
from kpikit.metrics._period_lengths import cost_period_lengths


def costs(rows):
    """Cost rows ``(period_start, channel, cost)``."""
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime([row[0] for row in rows]),
            "channel": [row[1] for row in rows],
            "cost": [float(row[2]) for row in rows],
        }
    )


def on_engine(dataset, engine):
    if engine == "pandas":
        return dataset
    if engine == "polars":
        return kk.Dataset(pl.from_pandas(dataset.contacts), costs=pl.from_pandas(dataset.costs))
    connection = duckdb.connect()
    contacts, spend = dataset.contacts, dataset.costs  # noqa: F841 (read by DuckDB)
    return kk.Dataset(connection.sql("from contacts"), costs=connection.sql("from spend"))


def cost_rows(result):
    frame = result.df() if isinstance(result, duckdb.DuckDBPyRelation) else result
    frame = frame.to_pandas() if isinstance(frame, pl.DataFrame) else frame
    return frame[frame["kpi"] == "cost_per_contact"]


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_monthly_costs_give_cost_per_contact_by_month_and_refuse_weeks(engine):
    # hand_costs: March's cost booked on Sun 1 March, phone 40 and chat 15.
    data = on_engine(kk.Dataset(hand_contacts(), costs=hand_costs()), engine)
    by_month = cost_rows(kk.compute(data, "cost_per_contact", by="channel", freq="month"))
    values = dict(zip(by_month["channel"], by_month["value"], strict=True))
    assert values == pytest.approx({"chat": 15 / 3, "phone": 40 / 5})
    with pytest.raises(KPIUnavailable, match=r"given per month .* cannot be split into weeks"):
        kk.compute(data, "cost_per_contact", freq="week")
    with pytest.raises(KPIUnavailable, match=r"Use freq='month', 'quarter' or 'year'"):
        kk.compute(data, ["aht", "cost_per_contact"], freq="day")


def test_every_kpi_by_week_leaves_out_cost_per_contact_of_monthly_costs():
    data = kk.Dataset(hand_contacts(), costs=hand_costs())
    by_week = kk.compute(data, freq="week")
    assert "cost_per_contact" not in set(by_week["kpi"])
    assert {"aht", "service_level", "fcr"} <= set(by_week["kpi"])
    whole = kk.compute(data)  # no periods: 55 over 8 answered contacts
    assert cost_rows(whole)["value"].item() == pytest.approx(55 / 8)


def test_daily_costs_fit_days_weeks_and_months():
    # Phone costs on Mon 2 (10), Tue 3 (6), Thu 5 (4), Fri 6 (2): by day 10/2, 6/1, 4/1, 2/1;
    # the week of 2 March and the month of March: 22 over 5 answered phone contacts.
    daily = costs([("2026-03-02", "phone", 10), ("2026-03-03", "phone", 6)])
    daily = pd.concat([daily, costs([("2026-03-05", "phone", 4), ("2026-03-06", "phone", 2)])])
    phone = hand_contacts().query("channel == 'phone'")
    data = kk.Dataset(phone, costs=daily)
    assert cost_period_lengths(daily) == {"phone": "day"}
    by_day = kk.compute(data, "cost_per_contact", freq="day")
    assert by_day["value"].tolist() == pytest.approx([5.0, 6.0, 4.0, 2.0])
    for freq in ("week", "month"):
        assert kk.compute(data, "cost_per_contact", freq=freq)["value"].item() == 22 / 5
    with pytest.raises(KPIUnavailable, match=r"a day's cost cannot be split into hours"):
        kk.compute(data, "cost_per_contact", freq="hour")


def test_weekly_costs_fit_weeks_but_not_months():
    # Phone's cost of the week of Mon 2 March, 30, over its 5 answered contacts; the week of
    # 9 March has a cost but no contact (null).
    weekly = costs([("2026-03-02", "phone", 30), ("2026-03-09", "phone", 35)])
    phone = hand_contacts().query("channel == 'phone'")
    data = kk.Dataset(phone, costs=weekly)
    by_week = kk.compute(data, "cost_per_contact", freq="week")
    assert by_week["value"].iloc[0] == 6.0 and pd.isna(by_week["value"].iloc[1])
    with pytest.raises(KPIUnavailable, match=r"weeks do not fit into months"):
        kk.compute(data, "cost_per_contact", freq="month")


def test_channels_booked_per_different_periods_name_the_one_that_does_not_fit():
    # Phone monthly (1 March), chat weekly (Mondays 2 and 9 March).
    mixed = costs(
        [("2026-03-01", "phone", 40), ("2026-03-02", "chat", 8), ("2026-03-09", "chat", 7)]
    )
    assert cost_period_lengths(mixed) == {"chat": "week", "phone": "month"}
    data = kk.Dataset(hand_contacts(), costs=mixed)
    with pytest.raises(KPIUnavailable, match=r"every period_start of 'phone' starts a month"):
        kk.compute(data, "cost_per_contact", by="channel", freq="week")
    with pytest.raises(KPIUnavailable, match=r"every period_start of 'chat' starts a week"):
        kk.compute(data, "cost_per_contact", by="channel", freq="month")
    # No periods: phone 40/5, chat 15/3.
    whole = kk.compute(data, "cost_per_contact", by="channel")
    assert whole["value"].tolist() == pytest.approx([15 / 3, 40 / 5])


@pytest.mark.parametrize(
    ("dates", "length"),
    [
        (["2026-01-01", "2026-04-01"], "quarter"),
        (["2025-01-01", "2026-01-01"], "year"),
        (["2026-01-01"], "month"),  # one date: a month at most
        (["2026-06-01"], "month"),  # a Monday and a first: the longer
        (["2026-06-08"], "week"),
        (["2026-06-09"], "day"),
    ],
)
def test_the_length_is_the_longest_period_every_date_starts(dates, length):
    table = pd.DataFrame({"period_start": pd.to_datetime(dates), "cost": 1.0})
    assert cost_period_lengths(table) == {None: length}


def test_costs_with_times_of_day_claim_nothing():
    # Hourly costs (not the data model's dates, but not refused): phone 09:00-10:00 on Mon 2,
    # 12 over #1 and #2; each channel has two hours of one day, so no length is claimed.
    hourly = costs(
        [
            ("2026-03-02 09:00", "phone", 12),
            ("2026-03-02 10:00", "phone", 4),
            ("2026-03-02 10:00", "chat", 3),
            ("2026-03-02 11:00", "chat", 2),
        ]
    )
    assert cost_period_lengths(hourly) == {}
    found = kk.compute(
        kk.Dataset(hand_contacts(), costs=hourly), "cost_per_contact", by="channel", freq="hour"
    )
    first = found.dropna(subset=["value"])
    assert first[["channel", "value"]].values.tolist() == [["chat", 3.0], ["phone", 6.0]]


def test_monthly_costs_written_at_midnight_utc_are_refused_by_period():
    # June's and July's costs stamped 00:00 UTC are 02:00 in Paris: they fit no period on the
    # contacts' clock, and by week June's 400 fell whole on the week of 1 June (400 per
    # contact there, none the other weeks) and July's on the week of 29 June
    contacts = hand_contacts()
    contacts["arrived_at"] = contacts["arrived_at"].dt.tz_localize("Europe/Paris")
    utc = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-03-01", "2026-04-01"]).tz_localize("UTC"),
            "cost": [400.0, 500.0],
        }
    )
    data = kk.Dataset(contacts, costs=utc)
    for freq in ("week", "month"):
        with pytest.raises(KPIUnavailable, match=r"times of day .*2026-03-01 01:00:00\+01:00"):
            kk.compute(data, "cost_per_contact", freq=freq)
    # without periods the total stands: 900 over the 8 answered contacts
    assert kk.compute(data, "cost_per_contact")["value"].item() == 900 / 8


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Paris"])
def test_dates_of_zoned_contacts_are_local_dates(zone):
    # The costs' dates are read as local dates of the contacts' zone: still whole months.
    contacts = hand_contacts()
    contacts["arrived_at"] = contacts["arrived_at"].dt.tz_localize(zone)
    data = kk.Dataset(contacts, costs=hand_costs())
    assert kk.compute(data, "cost_per_contact", freq="month")["value"].item() == 55 / 8
    with pytest.raises(KPIUnavailable, match="given per month"):
        kk.compute(data, "cost_per_contact", freq="week")


def test_breaches_by_week_say_why_cost_per_contact_is_not_checked():
    # Before: March's 55 on the week of 23 Feb (1 March is a Sunday) against no answered
    # contact, the week of 2 March without cost; a target of 1 was silently never checked.
    targets = pd.DataFrame(
        {"kpi": ["cost_per_contact", "aht"], "target": [1.0, 300.0], "tolerance": [0.5, 30.0]}
    )
    found = kk.breaches(kk.Dataset(hand_contacts(), costs=hand_costs()), targets, freq="week")
    assert "cost_per_contact" in found.attrs["unavailable"]
    assert "Cost per contact: the costs are given per month" in found.attrs["note"]
    assert "cost_per_contact" not in set(found["kpi"])


def test_scorecard_dashboard_by_week_leaves_cost_per_contact_out_and_says_why():
    pytest.importorskip("ipywidgets")
    from kpikit.apps.scorecard import ScorecardApp

    targets = pd.DataFrame(
        {"kpi": ["cost_per_contact", "aht"], "target": [5.0, 300.0], "tolerance": [1.0, 30.0]}
    )
    data = kk.Dataset(hand_contacts(), costs=hand_costs())
    app = ScorecardApp(data, targets=targets, freq="week", level="center")
    assert "Not shown for weeks: Cost per contact (the costs are given per month)." in (
        app.view_note.value
    )
    assert set(app.card.table["kpi"]) == {"aht"}
    app.freq.value = "month"  # March: 55 over 8 answered contacts
    assert "Cost per contact" not in app.view_note.value
    shown = app.card.table.set_index("kpi")
    assert shown.loc["cost_per_contact", "value"] == pytest.approx(55 / 8)


@pytest.mark.parametrize("arrow_side", ["contacts", "costs", "costs as dates"])
def test_costs_and_contacts_held_one_by_numpy_one_by_arrow(arrow_side):
    # Contacts read with Arrow (kk.read_contacts, dtype_backend="pyarrow") beside costs read by
    # pandas.read_csv, or the other way round: by month, pandas refused to join the periods
    # ("You are trying to merge on datetime64[us] and timestamp[us][pyarrow] columns").
    # By hand, as above: phone 40 / 5, chat 15 / 3.
    contacts, spend = hand_contacts(), hand_costs()
    if arrow_side == "contacts":
        contacts = contacts.convert_dtypes(dtype_backend="pyarrow")
    elif arrow_side == "costs":
        spend = spend.convert_dtypes(dtype_backend="pyarrow")
    else:
        spend["period_start"] = spend["period_start"].astype(pd.ArrowDtype(pa.date32()))
    found = kk.compute(
        kk.Dataset(contacts, costs=spend), "cost_per_contact", by="channel", freq="month"
    )
    values = dict(zip(found["channel"], found["value"], strict=True))
    assert values == pytest.approx({"chat": 15 / 3, "phone": 40 / 5})


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_half_hour_intervals_give_half_hours_and_refuse_quarters(engine):
    # Occupancy, handling over handling + available: Mon 2 09:00 (1200 + 900) / (1600 + 1500)
    # = 67.74 %; Tue 3 09:00 600 / 1600 = 37.5 % (A2's interval is all zeros).
    data = kk.Dataset(hand_contacts(), agent_intervals=hand_intervals())
    if engine == "polars":
        data = kk.Dataset(pl.from_pandas(data.contacts), pl.from_pandas(data.agent_intervals))
    elif engine == "duckdb":
        connection = duckdb.connect()
        contacts, intervals = data.contacts, data.agent_intervals  # noqa: F841 (read by DuckDB)
        data = kk.Dataset(connection.sql("from contacts"), connection.sql("from intervals"))
    rows = occupancy_rows(kk.compute(data, "occupancy", freq="30min"))
    assert rows["value"].tolist() == pytest.approx([2100 / 3100 * 100, 600 / 1600 * 100])
    with pytest.raises(
        KPIUnavailable,
        match=r"last longer than periods of 15min \(a row holds "
        r"1,800 s\).*Use freq='30min' or longer",
    ):
        kk.compute(data, ["aht", "occupancy"], freq="15min")
    every = occupancy_rows(kk.compute(data, freq="15min"), kpi=None)
    assert "occupancy" not in set(every["kpi"]) and "service_level" in set(every["kpi"])


def test_a_row_longer_than_a_day_is_refused_by_day():
    # a week's totals in one row (100,000 + 44,000 s = 40 h): by day it was accepted, all
    # 69.4 % on its first day; a day lasts 25 hours at most (the autumn change)
    intervals = pd.DataFrame(
        {
            "agent_id": ["A1"],
            "interval_start": pd.to_datetime(["2026-03-02"]),
            "handling_s": [100_000.0],
            "available_s": [44_000.0],
        }
    )
    data = kk.Dataset(hand_contacts(), agent_intervals=intervals)
    with pytest.raises(KPIUnavailable, match=r"longer than days \(a row holds 144,000 s\)"):
        kk.compute(data, "occupancy", freq="day")
    weekly = kk.compute(data, "occupancy", freq="week")
    assert weekly["value"].item() == pytest.approx(100 * 100_000 / 144_000)
    # 25 hours in a row is a day's most: still a day
    day = intervals.assign(handling_s=60_000.0, available_s=30_000.0)
    kk.compute(kk.Dataset(hand_contacts(), agent_intervals=day), "occupancy", freq="day")


def test_quarter_hour_intervals_give_quarters():
    # The same intervals holding at most 900 s each: 15 minutes is fine.
    quarters = hand_intervals()
    quarters[["scheduled_s", "paid_s", "adherent_s"]] = 900.0
    quarters[["handling_s", "available_s"]] = [
        [600.0, 300.0],
        [300.0, 600.0],
        [450.0, 450.0],
        [0.0, 0.0],
    ]
    data = kk.Dataset(hand_contacts(), agent_intervals=quarters)
    found = kk.compute(data, "occupancy", freq="15min")  # Mon 2: 1050 of 1800; Tue 3: 300 of 900
    assert found["value"].tolist() == pytest.approx([1050 / 1800 * 100, 300 / 900 * 100])


def occupancy_rows(result, kpi="occupancy"):
    frame = result.df() if isinstance(result, duckdb.DuckDBPyRelation) else result
    frame = frame.to_pandas() if isinstance(frame, pl.DataFrame) else frame
    return frame if kpi is None else frame[frame["kpi"] == kpi]


@pytest.mark.parametrize("bad", ["text", "negative"])
def test_bad_interval_values_are_reported_before_the_refusal(bad):
    # Eager polars tables are checked beside the sums: the length read before them met
    # polars' own "invalid or ambiguous dtypes ... in expression 'max_horizontal'" for text,
    # and a negative paid time was refused as too long rather than reported.
    intervals = hand_intervals()
    if bad == "text":
        intervals["paid_s"] = intervals["paid_s"].astype(str)
    else:
        intervals["paid_s"] = -intervals["paid_s"]
    data = kk.Dataset(pl.from_pandas(hand_contacts()), pl.from_pandas(intervals))
    with pytest.raises(kk.SchemaError, match=r"agent_intervals\.paid_s"):
        kk.compute(data, "occupancy", freq="15min")
