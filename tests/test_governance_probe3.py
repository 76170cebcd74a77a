"""Probe 3 of kpikit.governance: root causes of short periods, the staffing check's agent
intervals and the daily report's volume against the usual weekday. Expected values are
worked out by hand on small fixtures, next to each assertion."""

import warnings

import numpy as np
import pandas as pd
import pytest

import kpikit as kk
from kpikit.governance import cadence_report, root_cause
from kpikit.governance.staffing import interval_staffing

SL_80 = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})


def eight_contacts(at="2026-01-05 10:20"):
    """8 contacts arrived at ``at``: billing 4 of 4 in time, tech 1 of 4 (5 of 8: 62.5 %)."""
    return pd.DataFrame(
        {
            "contact_id": range(8),
            "queue": ["billing"] * 4 + ["tech"] * 4,
            "arrived_at": pd.Timestamp(at),
            "answered": True,
            "agent_id": "a",
            "wait_s": [5.0] * 5 + [60.0] * 3,
            "talk_s": 100.0,
        }
    )


def forty_calls():
    """40 calls of 180 s, one every 45 s from 09:00 (all in the 09:00 half hour), answered
    by a (20) and b (20); a's 20 within 20 s, b's 20 after 60 s: 50 % service level."""
    return pd.DataFrame(
        {
            "contact_id": range(1, 41),
            "agent_id": ["a"] * 20 + ["b"] * 20,
            "queue": ["x", "y"] * 20,
            "answered": True,
            "arrived_at": pd.Timestamp("2026-01-05 09:00")
            + pd.to_timedelta(list(range(0, 40 * 45, 45)), unit="s"),
            "wait_s": [5.0] * 20 + [60.0] * 20,
            "talk_s": 180.0,
            "hold_s": 0.0,
            "acw_s": 0.0,
        }
    )


def half_hours(available_b=900.0):
    """a logged in 1800 s and b 900 + ``available_b`` s in the 09:00 half hour."""
    return pd.DataFrame(
        {
            "agent_id": ["a", "b"],
            "interval_start": pd.to_datetime(["2026-01-05 09:00"] * 2),
            "handling_s": [1800.0, 900.0],
            "available_s": [0.0, available_b],
        }
    )


# --- root cause of a breach shorter than the intervals ---------------------------------------


def test_a_quarter_hour_breach_asks_for_intervals_that_fit_in_it():
    contacts = eight_contacts()
    (breach,) = kk.breaches(contacts, SL_80, freq="15min").to_dict("records")
    assert breach["period"] == pd.Timestamp("2026-01-05 10:15")
    # half hours (the default) start at 10:00 and 10:30: none inside 10:15-10:30. It was
    # "Value of 'segments' has no denominator", about an argument the caller never gave.
    with pytest.raises(ValueError, match=r"'interval_s' \(1800 s\) is longer.*'15min'.*=900"):
        root_cause(contacts, breach)
    with pytest.raises(ValueError, match=r"'interval_s' \(3600 s\).*'30min'.*=1800"):
        root_cause(
            contacts, {**breach, "freq": "30min", "period": "2026-01-05 10:00"}, interval_s=3600
        )
    cause = root_cause(contacts, breach, interval_s=900)
    # by hand: 5 of 8 = 62.5 %, 17.5 points short; tech: -(100 · 1 - 80 · 4) / 8 = 27.5,
    # billing: -(100 · 4 - 80 · 4) / 8 = -10
    assert (cause.value, cause.gap) == (62.5, 17.5)
    queue = cause.segments.query("dimension == 'queue'").set_index("segment")["contribution"]
    assert queue.to_dict() == {"billing": pytest.approx(-10.0), "tech": pytest.approx(27.5)}


# --- the agent intervals the staffing check counts --------------------------------------------


def test_staffing_counts_agents_logged_in_by_hand():
    data = kk.Dataset(forty_calls(), half_hours())
    (breach,) = kk.breaches(data, SL_80).to_dict("records")
    staffing = root_cause(data, breach).staffing
    # by hand: a (1800 + 0) / 1800 = 1, b (900 + 900) / 1800 = 1: 2 agents logged in
    assert staffing["staffed"].tolist() == [2.0]


@pytest.mark.parametrize(
    ("intervals", "message"),
    [
        # b's empty available_s left b out: 1 agent counted instead of a refusal
        (half_hours(available_b=np.nan), r"agent_intervals\.available_s: 1 row empty"),
        # b's negative available_s counted b as (900 - 900) / 1800 = 0 agents
        (half_hours(available_b=-900.0), r"agent_intervals\.available_s: 1 row below 0"),
        # a's row twice counted a twice: 3 agents
        (pd.concat([half_hours(), half_hours().iloc[[0]]]), r"1 row repeating"),
        # text seconds were a TypeError from deep inside pandas
        (half_hours().astype({"available_s": str}), r"agent_intervals\.available_s: wrong type"),
    ],
)
def test_root_cause_refuses_agent_intervals_compute_refuses(intervals, message):
    contacts = forty_calls()
    (breach,) = kk.breaches(contacts, SL_80).to_dict("records")
    with pytest.raises(kk.SchemaError, match=message):
        root_cause(kk.Dataset(contacts, intervals), breach)


def test_root_cause_of_zoned_contacts_refuses_agent_intervals_without_a_zone():
    contacts = forty_calls()
    contacts["arrived_at"] = contacts["arrived_at"].dt.tz_localize("Europe/Paris")
    (breach,) = kk.breaches(contacts, SL_80).to_dict("records")
    # it was "TypeError: Invalid comparison between dtype=datetime64[ns] and Timestamp"
    with pytest.raises(kk.SchemaError, match=r"interval_start: timestamps without a time zone"):
        root_cause(kk.Dataset(contacts, half_hours()), breach)


def test_agent_intervals_without_logged_in_time_leave_staffing_unchecked():
    contacts = forty_calls()
    intervals = half_hours().drop(columns=["handling_s", "available_s"]).assign(scheduled_s=1800.0)
    (breach,) = kk.breaches(contacts, SL_80).to_dict("records")
    # it was narwhals' ColumnNotFoundError: no logged-in time, so no staffing to check
    cause = root_cause(kk.Dataset(contacts, intervals), breach)
    assert cause.staffing is None and np.isnan(cause.understaffed_share)
    assert cause.gap == pytest.approx(30.0)  # 20 of 40 = 50 %, 30 points short of 80


@pytest.mark.parametrize(
    ("contacts", "freq"), [(forty_calls(), "day"), (eight_contacts("2026-01-05 09:20"), "15min")]
)
def test_agent_intervals_longer_than_interval_s_are_refused(contacts, freq):
    # half-hour rows read as quarter hours: each agent counted twice (1800 s / 900 s) in the
    # 09:00 quarter and not at all in the 09:15 one, where the 15-minute breach lies
    intervals = pd.DataFrame(
        {
            "agent_id": ["a"],
            "interval_start": pd.to_datetime(["2026-01-05 09:00"]),
            "handling_s": [900.0],
            "available_s": [900.0],
        }
    )
    (breach,) = kk.breaches(contacts, SL_80, freq=freq).to_dict("records")
    with pytest.raises(
        ValueError, match=r"'interval_s' \(900 s\) is shorter.*1 row.*\(a, 2026-01-05 09:00:00\)"
    ):
        root_cause(kk.Dataset(contacts, intervals), breach, interval_s=900)


def test_interval_staffing_counts_quarter_hours_in_their_half_hour():
    # quarter-hour rows checked by the half hour add up: a (900 + 0) / 1800 twice = 1 agent
    intervals = pd.DataFrame(
        {
            "agent_id": ["a", "a"],
            "interval_start": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:15"]),
            "handling_s": [900.0, 450.0],
            "available_s": [0.0, 450.0],
        }
    )
    staffing = interval_staffing(
        kk.Dataset(forty_calls(), intervals),
        group={},
        start="2026-01-05 09:00",
        end="2026-01-05 10:00",
    )
    assert staffing["staffed"].tolist() == [1.0]


# --- the daily report's volume against the usual weekday --------------------------------------


def daily_volume(rows, date="2026-02-02"):
    contacts = pd.DataFrame(
        [
            (site, pd.Timestamp(day) + pd.Timedelta(minutes=i), True, 5.0)
            for site, day, count in rows
            for i in range(count)
        ],
        columns=["site", "arrived_at", "answered", "wait_s"],
    )
    contacts.insert(0, "contact_id", range(len(contacts)))
    report = cadence_report("daily", contacts, SL_80.assign(tolerance=5.0), date=date)
    return report.sections[0].table.set_index("group")["vs usual"]


def test_a_weekday_without_contacts_counts_as_zero_in_the_usual():
    usual = daily_volume(
        [
            # Mondays 5, 12, 19 and 26 January, then Monday 2 February (the report's day)
            ("A", "2026-01-05", 10),
            ("A", "2026-01-13", 3),  # A had contacts that week, none on Monday the 12th
            ("A", "2026-01-19", 10),
            ("A", "2026-01-26", 10),
            ("A", "2026-02-02", 20),
            ("B", "2026-01-12", 5),
            # C opened on the 26th: the Mondays before are not its usual
            ("C", "2026-01-26", 10),
            ("C", "2026-02-02", 20),
        ]
    )
    # by hand: A 20 against (10 + 0 + 10 + 10) / 4 = 7.5: +166.7 % (it was +100 %, the empty
    # Monday left out); C 20 against 10: +100 %; the center 40 against
    # (10 + 5 + 10 + 20) / 4 = 11.25: +255.6 %
    assert usual["A"] == pytest.approx(100 * (20 / 7.5 - 1))
    assert usual["C"] == pytest.approx(100.0)
    assert usual["whole center"] == pytest.approx(100 * (40 / 11.25 - 1))


def test_a_daily_report_by_a_categorical_site_gives_no_warning():
    contacts = kk.load_sample().contacts
    contacts = contacts.assign(site=contacts["site"].astype("category"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas 2: FutureWarning on observed=False
        report = cadence_report("daily", contacts, "sample_data/targets.csv", date="2026-07-15")
    assert report.sections[0].table["group"].tolist()[-1] == "whole center"


# --- the quarterly review's cost per contact --------------------------------------------------


def quarter_costs(costs, answered_in_february=True):
    """10 contacts on the 5th of January, February and March; cost per month ``costs``."""
    contacts = pd.DataFrame(
        {
            "arrived_at": [
                pd.Timestamp(f"2026-{month:02d}-05") + pd.Timedelta(minutes=i)
                for month in (1, 2, 3)
                for i in range(10)
            ],
            "answered": [
                month != 2 or answered_in_february for month in (1, 2, 3) for _ in range(10)
            ],
            "wait_s": 5.0,
        }
    )
    contacts.insert(0, "contact_id", range(len(contacts)))
    costs = pd.DataFrame(
        {"period_start": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]), "cost": costs}
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0], "tolerance": [5.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pandas 2's pct_change said it padded
        report = cadence_report(
            "quarterly", kk.Dataset(contacts, None, costs), targets, date="2026-02-15"
        )
    (section,) = [s for s in report.sections if s.title == "Cost per contact"]
    return section


def test_a_month_without_cost_per_contact_has_no_change_either_side():
    section = quarter_costs([100.0, 100.0, 300.0], answered_in_february=False)
    table = section.table
    # by hand: January 100 / 10 = 10, February 100 / 0 answered: none, March 300 / 10 = 30;
    # February's change and March's are unknown (pandas 2 said 0 % and +200 %)
    assert table["cost per contact"].tolist()[::2] == [10.0, 30.0]
    assert table["cost per contact"].isna().tolist() == [False, True, False]
    assert table["change (%)"].isna().all()
    # the headline names its months: 10 in January to 30 in March, +200 %
    assert section.lines == [
        "Cost per answered contact went from 10.00 in January 2026 to 30.00 in March 2026 "
        "(+200.0 %)."
    ]


def test_a_change_from_a_cost_per_contact_of_zero_is_null_not_infinite():
    section = quarter_costs([0.0, 100.0, 300.0])
    # by hand: 0 / 10 = 0, 100 / 10 = 10, 300 / 10 = 30: from 0 no change in percent, then
    # 30 / 10 - 1 = +200 %
    assert section.table["cost per contact"].tolist() == [0.0, 10.0, 30.0]
    changes = section.table["change (%)"].tolist()
    assert np.isnan(changes[0]) and np.isnan(changes[1]) and changes[2] == pytest.approx(200.0)
    assert section.lines == [
        "Cost per answered contact went from 0.00 in January 2026 to 30.00 in March 2026."
    ]


# --- the quarterly review's next target -------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "median", "expected"),
    [
        # by hand: halfway from 1.30 to 1.10 is 1.20, on the 0.05 grain (it was 1.25: 1.2 as
        # 1.2000000000000002 is 24.000000000000004 steps, which the ceiling made 25)
        (1.30, 1.10, 1.20),
        (1.60, 0.80, 1.20),  # halfway: 1.20
        (1.55, 1.35, 1.45),  # halfway: 1.45
        (1.30, 1.15, 1.25),  # halfway 1.225, up to the grain: 1.25
    ],
)
def test_a_cost_target_moves_halfway_on_the_grain(target, median, expected):
    from kpikit.governance.reviews import next_target

    suggested, why = next_target(target, "lower", [median] * 4, unit="currency")
    assert suggested == pytest.approx(expected) and why.startswith("met in 4 of 4 weeks")
