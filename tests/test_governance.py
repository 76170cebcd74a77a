"""kk.breaches, the gap decomposition and root causes: hand-made fixtures, hand-computed values."""

import numpy as np
import pandas as pd
import pytest

import kpikit as kk
from kpikit.governance import BREACH_COLUMNS, breaches, decompose, root_cause
from kpikit.governance.staffing import interval_staffing
from kpikit.scorecard import Ramp

SL_TARGET = pd.DataFrame({"kpi": ["service_level"], "target": [80.0], "tolerance": [10.0]})


def contacts_from(rows):
    """Contacts from (site, queue, arrived_at, answered within 20 s?) tuples."""
    frame = pd.DataFrame(rows, columns=["site", "queue", "arrived_at", "in_time"])
    return pd.DataFrame(
        {
            "contact_id": range(1, len(frame) + 1),
            "site": frame["site"],
            "queue": frame["queue"],
            "arrived_at": pd.to_datetime(frame["arrived_at"]),
            "answered": True,
            "wait_s": np.where(frame["in_time"], 5.0, 60.0),
        }
    )


@pytest.fixture
def two_sites():
    # day 1: north 1 of 2 in time (50 %), south 3 of 3 (100 %)
    # day 2: north 3 of 4 (75 %, amber: within 10 of 80), south 0 of 1 (0 %)
    # day 3: north 2 of 2 (100 %)
    return contacts_from(
        [
            ("north", "billing", "2026-01-05 09:00", True),
            ("north", "billing", "2026-01-05 09:10", False),
            ("south", "billing", "2026-01-05 09:00", True),
            ("south", "billing", "2026-01-05 10:00", True),
            ("south", "tech", "2026-01-05 11:00", True),
            ("north", "billing", "2026-01-06 09:00", True),
            ("north", "tech", "2026-01-06 09:00", True),
            ("north", "tech", "2026-01-06 09:30", True),
            ("north", "tech", "2026-01-06 09:40", False),
            ("south", "tech", "2026-01-06 12:00", False),
            ("north", "billing", "2026-01-07 09:00", True),
            ("north", "billing", "2026-01-07 09:00", True),
        ]
    )


# --- breaches -------------------------------------------------------------------------------


def test_breaches_list_every_group_and_day_below_target(two_sites):
    found = breaches(two_sites, SL_TARGET, by="site")
    table = found[["site", "period", "value", "status", "gap", "shortfall", "contacts"]]
    assert table.values.tolist() == [
        # north day 1: 1 of 2 = 50 %, gap 30 points, 0.8 · 2 - 1 = 0.6 contacts short
        ["north", pd.Timestamp("2026-01-05"), 50.0, "red", 30.0, pytest.approx(0.6), 2.0],
        # north day 2: 3 of 4 = 75 %, amber, 0.8 · 4 - 3 = 0.2 contacts short
        ["north", pd.Timestamp("2026-01-06"), 75.0, "amber", 5.0, pytest.approx(0.2), 4.0],
        # south day 2: 0 of 1, 0.8 contacts short
        ["south", pd.Timestamp("2026-01-06"), 0.0, "red", 80.0, pytest.approx(0.8), 1.0],
    ]
    assert set(found.columns) >= {"breach_id", "kpi", "target", "name", "freq"}


def test_include_amber_false_keeps_red_only(two_sites):
    found = breaches(two_sites, SL_TARGET, by="site", include_amber=False)
    assert found["status"].tolist() == ["red", "red"]


def test_governance_clock_starts_when_the_period_closes(two_sites):
    found = breaches(two_sites, SL_TARGET, by="site")
    first = found.iloc[0]  # north, Monday 5 January: the day ends on the 6th at 00:00
    assert first["period_end"] == pd.Timestamp("2026-01-06")
    assert first["root_cause_due"] == pd.Timestamp("2026-01-08")  # + 48 hours
    assert first["plan_due"] == pd.Timestamp("2026-01-13")  # + 7 days
    weekly = breaches(two_sites, SL_TARGET, freq="week")
    # the whole week: 9 of 12 in time = 75 %, amber; the week ends on Monday 12 January
    assert weekly[["value", "status"]].values.tolist() == [[75.0, "amber"]]
    assert weekly.loc[0, "root_cause_due"] == pd.Timestamp("2026-01-14")


def test_runs_count_consecutive_periods_and_reset_when_met(two_sites):
    found = breaches(two_sites, SL_TARGET, by="site")
    north = found[found["site"] == "north"]
    # day 1 red, day 2 amber: a run of 2 started on day 1; day 3 is met (not listed)
    assert north["periods_in_breach"].tolist() == [1, 2]
    assert north["breach_since"].tolist() == [pd.Timestamp("2026-01-05")] * 2
    assert north["days_in_breach"].tolist() == [1, 2]
    red_only = breaches(two_sites, SL_TARGET, by="site", include_amber=False)
    # red-only runs: the amber day breaks nothing that is listed, north's day 1 is a run of 1
    assert red_only["periods_in_breach"].tolist() == [1, 1]


def test_breaches_in_the_data_time_zone_across_a_clock_change():
    # Paris springs forward on Sunday 29 March 2026: that day lasts 23 hours. One late
    # contact (0 of 1 in time, red) at 09:00 local on Saturday 28, Sunday 29 and Monday 30.
    late = contacts_from(
        [("north", "billing", f"2026-03-{day} 09:00", False) for day in (28, 29, 30)]
    )
    late["arrived_at"] = late["arrived_at"].dt.tz_localize("Europe/Paris")
    found = breaches(late, SL_TARGET, by="site")
    paris = [pd.Timestamp(f"2026-03-{day}", tz="Europe/Paris") for day in (28, 29, 30, 31)]
    assert found["period"].tolist() == paris[:3]
    assert found["period_end"].tolist() == paris[1:]  # local midnights, 23 hours on the 29th
    assert found["breach_since"].tolist() == [paris[0]] * 3
    assert found["days_in_breach"].tolist() == [1, 2, 3]  # wall-clock days
    # the plan is due 7 calendar days after the day ends: midnight local, not 23:00
    assert found.loc[0, "plan_due"] == pd.Timestamp("2026-04-05", tz="Europe/Paris")


def test_root_cause_due_stays_on_the_hour_across_a_clock_change():
    # Saturday 28 March closes at midnight on the 29th, when Paris springs forward (a 23-hour
    # day): two days later on the wall clock is 31 March 00:00 CEST (47 elapsed hours), not
    # 48 elapsed hours, which would read 01:00
    late = contacts_from([("north", "billing", "2026-03-28 09:00", False)])
    late["arrived_at"] = late["arrived_at"].dt.tz_localize("Europe/Paris")
    found = breaches(late, SL_TARGET)
    assert found.loc[0, "root_cause_due"] == pd.Timestamp("2026-03-31", tz="Europe/Paris")


@pytest.mark.parametrize(
    ("arrived_at", "root_cause_due", "plan_due"),
    [
        # the half hour 02:00-02:30 on Sunday 22 March closes at 02:30 +01:00; 7 days later
        # 02:30 does not exist (clocks jump 02:00 -> 03:00): the first time that does, 03:00
        ("2026-03-22 02:00", "2026-03-24 02:30+01:00", "2026-03-29 03:00+02:00"),
        # 18 October closes at 02:30 +02:00; 7 days later 02:30 occurs twice (03:00 CEST ->
        # 02:00 CET): the first, still +02:00
        ("2026-10-18 02:00", "2026-10-20 02:30+02:00", "2026-10-25 02:30+02:00"),
    ],
)
def test_deadlines_falling_in_a_clock_change_are_named_times(arrived_at, root_cause_due, plan_due):
    late = contacts_from([("north", "billing", arrived_at, False)])
    late["arrived_at"] = late["arrived_at"].dt.tz_localize("Europe/Paris")
    found = breaches(late, SL_TARGET, freq="30min")  # raised NonExistent/AmbiguousTimeError
    assert found.loc[0, "root_cause_due"] == pd.Timestamp(root_cause_due).tz_convert("Europe/Paris")
    assert found.loc[0, "plan_due"] == pd.Timestamp(plan_due).tz_convert("Europe/Paris")


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_breaches_take_polars_and_duckdb_input(two_sites, engine):
    import duckdb
    import polars as pl

    native = pl.from_pandas(two_sites) if engine == "polars" else duckdb.from_df(two_sites)
    found = breaches(native, SL_TARGET, by="site")
    expected = breaches(two_sites, SL_TARGET, by="site")
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)


def test_persistent_underperformance_is_flagged_at_60_and_90_days():
    # one late contact every day for 100 days, except a day without contacts (30 January)
    days = pd.date_range("2026-01-01", periods=100, freq="D").drop(pd.Timestamp("2026-01-30"))
    contacts = contacts_from([("north", "billing", day, False) for day in days])
    found = breaches(contacts, SL_TARGET)
    by_day = found.set_index("period")
    # day k (1-based) closes k days after 1 January: flagged from 60 days, then 90
    assert by_day.loc["2026-02-28", "days_in_breach"] == 59
    assert by_day.loc["2026-02-28", "persistent"] == 0
    assert by_day.loc["2026-03-01", "days_in_breach"] == 60
    assert by_day.loc["2026-03-01", "persistent"] == 60
    assert by_day.loc["2026-03-31", "persistent"] == 90
    # a day without data neither breaks nor extends the run: 99 listed days, run counted on
    assert len(found) == 99
    assert by_day.loc["2026-04-10", "periods_in_breach"] == 99
    monthly = breaches(contacts, SL_TARGET, freq="month").set_index("period")
    # January alone is 31 days; January and February 59; with March 90; April closes on 1 May
    assert monthly["days_in_breach"].tolist() == [31, 59, 90, 120]
    assert monthly["persistent"].tolist() == [0, 0, 90, 90]


def test_breaches_ramp_a_teams_first_week_as_the_scorecard_does():
    # a team starting on Wednesday 7 January 2026, 4 contacts a day Wed-Fri with 3 in time:
    # 9 / 12 = 75 %. Its first week is ramped: 80 eased by 10 % is 72, so 75 is green and no
    # breach. Rated without the period's length (one week: none could be read), the week was
    # judged at its Monday, before the start: 80, red
    days = pd.date_range("2026-01-07 09:00", periods=3, freq="D")
    contacts = pd.DataFrame(
        {
            "contact_id": range(12),
            "team": "north",
            "arrived_at": days.repeat(4),
            "answered": True,
            "wait_s": [5.0, 5.0, 5.0, 100.0] * 3,
        }
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80], "tolerance": [2]})
    ramp = Ramp(start_dates={"north": "2026-01-07"})
    card = kk.scorecard(contacts, targets, by="team", freq="week", ramp=ramp).table
    assert card[["value", "target", "status"]].values.tolist() == [[75.0, 72.0, "green"]]
    assert breaches(contacts, targets, by="team", freq="week", ramp=ramp).empty
    # by day with contacts on two Mondays only (5 and 12 January), a team starting on the
    # 8th: the 5th is before it, so 80 holds and 75 is red (the Mondays read as weeks put
    # the 8th inside the first and eased it)
    mondays = contacts.iloc[:8].assign(
        arrived_at=pd.to_datetime(["2026-01-05", "2026-01-12"]).repeat(4)
    )
    late = Ramp(start_dates={"north": "2026-01-08"})
    found = breaches(mondays, targets, by="team", freq="day", ramp=late)
    assert found[["period", "target", "status"]].values.tolist() == [
        [pd.Timestamp("2026-01-05"), 80.0, "red"]
    ]


def test_credits_and_ramp_come_from_the_scorecard(two_sites):
    found = breaches(two_sites, SL_TARGET, by="site", credits={"service_level": (100, 250)})
    # red costs the penalty, amber nothing
    assert found["credit"].tolist() == [-250.0, 0.0, -250.0]
    ramp = Ramp(start_dates={"south": "2026-01-01"}, level="site", ease_pct=10)
    eased = breaches(two_sites, SL_TARGET, by="site", ramp=ramp)
    south = eased[eased["site"] == "south"].iloc[0]
    # south is new: its target eases from 80 to 72, its gap from 80 to 72
    assert (south["target"], south["gap"], bool(south["ramped"])) == (72.0, 72.0, True)


def test_band_kpi_breach_targets_the_missed_edge():
    contacts = contacts_from([("north", "billing", "2026-01-05 09:00", True)])
    intervals = pd.DataFrame(
        {
            "agent_id": ["a", "a"],
            "interval_start": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:30"]),
            "handling_s": [600.0, 300.0],
            "available_s": [1200.0, 1500.0],
            "paid_s": 1800.0,
            "scheduled_s": 1800.0,
            "adherent_s": 1800.0,
        }
    )
    targets = pd.DataFrame({"kpi": ["occupancy"], "band_low": [75.0], "band_high": [85.0]})
    found = breaches(kk.Dataset(contacts, intervals), targets)
    # occupancy 900 / 3600 = 25 %, below the band: the target missed is its low edge 75
    assert found[["value", "target", "gap"]].values.tolist() == [[25.0, 75.0, 50.0]]


def test_breach_ids_are_stable_and_unique(two_sites):
    found = breaches(two_sites, SL_TARGET, by="site")
    assert found["breach_id"].is_unique
    assert found.loc[0, "breach_id"] == "service_level/day/2026-01-05T00:00/site=north"
    assert breaches(two_sites, SL_TARGET, by="site")["breach_id"].equals(found["breach_id"])


@pytest.fixture
def null_site():
    # site n: 4 contacts, none in time (0 %); no site: 2 contacts, queue a in time and queue b
    # not (1 of 2 = 50 %); the whole center 1 of 6 = 16.7 %
    return contacts_from(
        [
            ("n", "a", "2026-01-05 10:00", False),
            ("n", "a", "2026-01-05 10:00", False),
            ("n", "b", "2026-01-05 10:00", False),
            ("n", "b", "2026-01-05 10:00", False),
            (None, "a", "2026-01-05 10:00", True),
            (None, "b", "2026-01-05 10:00", False),
        ]
    )


def test_the_breach_of_contacts_without_a_site_is_their_own_group(null_site):
    found = breaches(null_site, SL_TARGET, by="site")
    assert found["value"].tolist() == [0.0, 50.0]
    # the null group is the column's name alone, apart from a site called "None"
    assert found["breach_id"].tolist() == [
        "service_level/day/2026-01-05T00:00/site=n",
        "service_level/day/2026-01-05T00:00/site",
    ]
    cause = root_cause(null_site, found.iloc[1])
    assert cause.group == {"site": None}
    assert cause.value == 50.0  # 1 of 2, not the center's 1 of 6
    queue = cause.segments.query("dimension == 'queue'").set_index("segment")
    # a: -(100 · 1 - 80 · 1) / 2 = -10; b: -(100 · 0 - 80 · 1) / 2 = 40; sum the 30-point gap
    assert queue["contribution"].to_dict() == {"a": -10.0, "b": 40.0}
    assert cause.headline.startswith("Service level, site (none), Mon 5 Jan 2026: 50.0 %")


def test_staffing_of_the_contacts_without_a_site(staffed_day):
    contacts = staffed_day.contacts.assign(site=["n"] * 40 + [None] * 4)
    data = kk.Dataset(contacts, staffed_day.agent_intervals)
    staffing = interval_staffing(
        data, group={"site": None}, start="2026-01-05", end="2026-01-06", target_sl=80
    )
    # only the 4 calls of 09:30 have no site: 0.4 Erlangs -> 2 agents; their agent b is the
    # one counted, logged in all the half-hour (720 + 1080 s of 1800)
    assert staffing[["volume", "required", "staffed"]].values.tolist() == [[4.0, 2, 1.0]]


def test_bad_freq_names_the_choices(two_sites):
    with pytest.raises(ValueError, match=r"'freq'.*Expected one of \[.*'day'.*'fortnight'"):
        breaches(two_sites, SL_TARGET, freq="fortnight")


def test_contacts_count_the_short_abandons_the_kpi_leaves_out():
    # 1 answered in time, 1 late, 2 abandoned after 3 s: with short_abandon_s=5 the service
    # level is 1 of 2 = 50 % (red), but the 4 contacts offered all count in `contacts`
    contacts = pd.DataFrame(
        {
            "contact_id": range(4),
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": [True, True, False, False],
            "wait_s": [5.0, 60.0, 3.0, 3.0],
        }
    )
    found = breaches(contacts, SL_TARGET, short_abandon_s=5)
    assert found[["value", "denominator", "contacts"]].values.tolist() == [[50.0, 2.0, 4.0]]
    assert found.loc[0, "shortfall"] == pytest.approx(0.6)  # 0.8 · 2 - 1


def test_breaches_are_sorted_by_period_group_and_kpi(two_sites):
    # the late contacts of north on day 1 and south on day 2 go unanswered: the answer rate
    # misses 100 % there, the service level is unchanged (north 50 %, 75 %; south 0 % on day 2)
    unanswered = two_sites.assign(answered=~two_sites["contact_id"].isin([2, 10]))
    targets = pd.DataFrame(
        {"kpi": ["service_level", "answer_rate"], "target": [80.0, 100.0], "tolerance": 0.0}
    )
    found = breaches(unanswered, targets, by="site")
    assert list(found.columns) == ["site", *BREACH_COLUMNS]
    assert found[["period", "site", "kpi"]].values.tolist() == [
        [pd.Timestamp("2026-01-05"), "north", "answer_rate"],
        [pd.Timestamp("2026-01-05"), "north", "service_level"],
        [pd.Timestamp("2026-01-06"), "north", "service_level"],
        [pd.Timestamp("2026-01-06"), "south", "answer_rate"],
        [pd.Timestamp("2026-01-06"), "south", "service_level"],
    ]


def test_no_breach_gives_an_empty_table_with_the_columns(two_sites):
    met = pd.DataFrame({"kpi": ["service_level"], "target": [0.0]})
    found = breaches(two_sites, met, by="site")
    assert found.empty
    assert list(found.columns) == ["site", *BREACH_COLUMNS]
    assert found.attrs == {"provisional": [], "unavailable": {}}


def test_breaches_is_exported():
    assert kk.breaches is breaches
    assert "breaches" in kk.__all__


# --- decomposition --------------------------------------------------------------------------


def test_two_segment_decomposition_by_hand():
    # service level, target 80 %: billing 40 of 50 in time (80 %), tech 20 of 50 (40 %):
    # 60 % overall, 20 points short. Usually billing has 75 % of the volume, tech 25 %.
    # contributions: billing -(100·40 - 80·50)/100 = 0; tech -(100·20 - 80·50)/100 = 20
    # tech performance at its usual share: 0.25 · (80 - 40) = 10; mix (0.50 - 0.25) · 40 = 10
    segments = pd.DataFrame(
        {
            "queue": ["billing", "tech"],
            "numerator": [40, 20],
            "denominator": [50, 50],
            "baseline_denominator": [75, 25],
        }
    )
    parts = decompose(segments, target=80, scale=100)
    assert parts["contribution"].tolist() == [0.0, 20.0]
    assert parts["performance"].tolist() == [0.0, 10.0]
    assert parts["mix"].tolist() == [0.0, 10.0]
    assert parts["contribution"].sum() == 20.0  # exactly the gap
    assert parts["share_of_gap"].tolist() == [0.0, 1.0]
    assert parts["share"].tolist() == [0.5, 0.5]
    assert parts["baseline_share"].tolist() == [0.75, 0.25]


def test_decomposition_of_a_lower_is_better_kpi():
    # AHT, target 300 s: short calls 100 answered at 250 s, long calls 60 at 500 s
    # overall (25,000 + 30,000) / 160 = 343.75 s, 43.75 s over
    # short: (25,000 - 300·100)/160 = -31.25; long: (30,000 - 300·60)/160 = 75
    segments = pd.DataFrame(
        {"kind": ["short", "long"], "numerator": [25_000.0, 30_000.0], "denominator": [100, 60]}
    )
    parts = decompose(segments, target=300, side="above")
    assert parts["contribution"].tolist() == [-31.25, 75.0]
    assert parts["contribution"].sum() == 43.75
    assert parts["mix"].tolist() == [0.0, 0.0]  # no baseline: no mix


def test_segments_without_volume_contribute_nothing():
    segments = pd.DataFrame(
        {
            "queue": ["a", "b"],
            "numerator": [1, 0],
            "denominator": [4, 0],
            "baseline_denominator": [1, 3],
        }
    )
    parts = decompose(segments, target=50, scale=100)
    # a: 1 of 4 = 25 %, 25 points short, all of it; b had volume usually but none now
    assert parts["contribution"].tolist() == [25.0, 0.0]
    assert np.isnan(parts.loc[1, "value"])
    assert parts["baseline_share"].tolist() == [1.0, 0.0]


def test_a_numerator_without_denominator_still_counts_in_the_gap():
    # cost per contact, target 300: 1,000 spent on chat with no contact answered, 3,000 on
    # phone for 5 contacts: V = 4,000 / 5 = 800, 500 over. chat: 1,000 / 5 = 200, all of it
    # mix (no share to perform at); phone: (3,000 - 300 · 5) / 5 = 300, all performance
    segments = pd.DataFrame(
        {"channel": ["chat", "phone"], "numerator": [1000.0, 3000.0], "denominator": [0, 5]}
    )
    parts = decompose(segments, target=300)
    assert parts["contribution"].tolist() == [200.0, 300.0]
    assert parts["contribution"].sum() == 500.0  # exactly the gap, as compute's 800 gives it
    assert parts["performance"].tolist() == [0.0, 300.0]
    assert parts["mix"].tolist() == [200.0, 0.0]
    assert np.isnan(parts.loc[0, "value"])


def test_decompose_rejects_bad_input():
    with pytest.raises(ValueError, match="missing column"):
        decompose(pd.DataFrame({"numerator": [1]}), target=1)
    with pytest.raises(ValueError, match="no denominator"):
        decompose(pd.DataFrame({"numerator": [0], "denominator": [0]}), target=1)
    with pytest.raises(ValueError, match="negative denominators in 1 row"):
        decompose(pd.DataFrame({"numerator": [0, 1], "denominator": [-1, 2]}), target=1)
    with pytest.raises(ValueError, match="'side'"):
        decompose(pd.DataFrame({"numerator": [1], "denominator": [2]}), target=1, side="left")


# --- root cause -----------------------------------------------------------------------------


@pytest.fixture
def staffed_day():
    """One day, two half-hours of phone calls of 3 minutes, with agent intervals.

    09:00: 40 calls, 20 answered within 20 s; one agent logged in (Erlang C needs 7).
    09:30: 4 calls, all in time; two agents logged in (Erlang C needs 2).
    """
    arrivals = [pd.Timestamp("2026-01-05 09:00") + pd.Timedelta(seconds=45 * i) for i in range(40)]
    arrivals += [pd.Timestamp("2026-01-05 09:30") + pd.Timedelta(minutes=5 * i) for i in range(4)]
    contacts = pd.DataFrame(
        {
            "contact_id": range(1, 45),
            "arrived_at": arrivals,
            "answered": True,
            "wait_s": [5.0 if i % 2 == 0 else 60.0 for i in range(40)] + [5.0] * 4,
            "channel": "phone",
            "queue": ["billing"] * 20 + ["tech"] * 20 + ["billing"] * 4,
            "agent_id": ["a"] * 40 + ["b"] * 4,
            "talk_s": 180.0,
            "hold_s": 0.0,
            "acw_s": 0.0,
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["a", "a", "b"],
            "interval_start": pd.to_datetime(
                ["2026-01-05 09:00", "2026-01-05 09:30", "2026-01-05 09:30"]
            ),
            "handling_s": [1800.0, 0.0, 720.0],
            "available_s": [0.0, 1800.0, 1080.0],
        }
    )
    return kk.Dataset(contacts, intervals)


def test_root_cause_contributions_add_up_to_the_gap(staffed_day):
    # 24 of 44 in time: 54.5454... %, gap 80 - 54.54 = 11.2 / 44 · 100 = 25.4545... points
    cause = root_cause(
        staffed_day,
        {"kpi": "service_level", "target": 80.0, "period": "2026-01-05", "freq": "day"},
    )
    assert cause.value == pytest.approx(100 * 24 / 44)
    assert cause.gap == pytest.approx(1120 / 44)
    sums = cause.segments.groupby("dimension")["contribution"].sum()
    for dimension, total in sums.items():
        assert total == pytest.approx(cause.gap, abs=1e-12), dimension
    queue = cause.segments[cause.segments["dimension"] == "queue"].set_index("segment")
    # billing 14 of 24 in time: -(1400 - 80·24)/44 = 520/44; tech 10 of 20: 600/44
    assert queue.loc["billing", "contribution"] == pytest.approx(520 / 44)
    assert queue.loc["tech", "contribution"] == pytest.approx(600 / 44)
    assert cause.hot_spots["contribution"].sum() == pytest.approx(cause.gap)


def test_understaffed_intervals_and_their_share_of_the_miss(staffed_day):
    staffing = interval_staffing(
        staffed_day, group={}, start="2026-01-05", end="2026-01-06", target_sl=80
    )
    # 09:00: 40 calls x 180 s = 4 Erlangs -> 7 agents; 1 logged in. 09:30: 0.4 Erlangs -> 2
    assert staffing[["volume", "required", "staffed"]].values.tolist() == [
        [40.0, 7, 1.0],
        [4.0, 2, 2.0],
    ]
    assert staffing["understaffed"].tolist() == [True, False]
    cause = root_cause(
        staffed_day,
        {"kpi": "service_level", "target": 80.0, "period": "2026-01-05", "freq": "day"},
    )
    # 09:00 contributes -(100·20 - 80·40)/44 = 1200/44 of a 1120/44 gap: 15/14 of the miss
    assert cause.staffing["contribution"].tolist() == pytest.approx([1200 / 44, -80 / 44])
    assert cause.understaffed_share == pytest.approx(15 / 14)
    # staffing explains more than the miss, so it leads: 7 needed - 1 logged in = 6 short
    assert cause.findings[0].startswith(
        "1 of 2 half-hours was short of the Erlang C requirement for its volume and handle "
        "time (6.0 agents on average)"
    )


def test_root_cause_finds_the_site_and_the_mix():
    # north: 4 contacts at 10:00, 2 in time; usually (another day) 1 contact, in time
    rows = [("north", "billing", "2026-01-05 10:00", i < 2) for i in range(4)]
    rows += [("north", "tech", "2026-01-05 10:00", True) for _ in range(4)]
    rows += [("north", "billing", "2026-01-12 10:00", True)]
    rows += [("north", "tech", "2026-01-12 10:00", True) for _ in range(3)]
    rows += [("south", "billing", "2026-01-05 10:00", False)]
    contacts = contacts_from(rows)
    found = breaches(contacts, SL_TARGET, by="site")
    north = found[(found["site"] == "north") & (found["period"] == "2026-01-05")].iloc[0]
    cause = root_cause(contacts, north)
    assert cause.group == {"site": "north"}
    # north on the 5th: 6 of 8 = 75 %, 5 points short (south's contact is not in it)
    assert cause.value == 75.0
    queue = cause.segments[cause.segments["dimension"] == "queue"].set_index("segment")
    # billing 2 of 4 = 50 %: contribution -(200 - 320)/8 = 15; tech 4 of 4: -(400 - 320)/8 = -10
    # usual shares over all of north's data: billing 5 of 12, tech 7 of 12
    # billing performance 5/12 · 30 = 12.5, mix (1/2 - 5/12) · 30 = 2.5
    assert queue.loc["billing", "contribution"] == pytest.approx(15.0)
    assert queue.loc["billing", "performance"] == pytest.approx(12.5)
    assert queue.loc["billing", "mix"] == pytest.approx(2.5)
    assert queue.loc["tech", "contribution"] == pytest.approx(-10.0)
    # billing makes 15 of a 5-point miss: the words give amounts instead of 300 %
    assert "Queue billing: 15.0 points of a 5.0-point miss" in " ".join(cause.findings)


def test_root_cause_needs_a_complete_breach(two_sites):
    with pytest.raises(ValueError, match=r"needs the key\(s\) \['target'"):
        root_cause(two_sites, {"kpi": "service_level", "period": "2026-01-05", "freq": "day"})
    with pytest.raises(ValueError, match="nothing to explain"):
        root_cause(
            two_sites,
            {"kpi": "service_level", "target": 80, "period": "2025-01-05", "freq": "day"},
        )
    with pytest.raises(ValueError, match="lacks"):
        root_cause(
            two_sites,
            {
                "kpi": "service_level",
                "target": 80,
                "period": "2026-01-05",
                "freq": "day",
                "region": "x",
            },
        )


def test_hot_spots_carry_the_agents_short_of_their_block(staffed_day):
    cause = root_cause(
        staffed_day,
        {"kpi": "service_level", "target": 80.0, "period": "2026-01-05", "freq": "day"},
    )
    # both queues fall in the 08:00–10:00 block: 6 short at 09:00, none at 09:30, 3 on average
    assert cause.hot_spots[["hours", "queue", "agents_short"]].values.tolist() == [
        ["08:00–10:00", "tech", 3.0],
        ["08:00–10:00", "billing", 3.0],
    ]


def test_weekly_hot_spots_cross_weekday_hours_and_queue():
    # Monday 10:00: billing 4 of 4 in time, tech 1 of 4: 62.5 %, 17.5 points short
    rows = [("north", "billing", "2026-01-05 10:00", True) for _ in range(4)]
    rows += [("north", "tech", "2026-01-05 10:00", i == 0) for i in range(4)]
    contacts = contacts_from(rows)
    breach = {"kpi": "service_level", "target": 80, "period": "2026-01-05", "freq": "week"}
    spots = root_cause(contacts, breach).hot_spots
    # tech: -(100 · 1 - 80 · 4) / 8 = 27.5; billing: -(400 - 320) / 8 = -10
    assert spots[["weekday", "hours", "queue", "contribution"]].values.tolist() == [
        ["Monday", "10:00–12:00", "tech", 27.5],
        ["Monday", "10:00–12:00", "billing", -10.0],
    ]


def test_hot_spots_fall_back_to_the_calendar_when_the_miss_is_spread():
    # 20 queues with one late contact each at 10:00: each queue holds 5 % of the miss, less
    # than HOT_SPOT_SHARE, so the hot spots are the calendar alone: one block, all 80 points
    rows = [("north", f"q{i:02d}", "2026-01-05 10:00", False) for i in range(20)]
    contacts = contacts_from(rows)
    breach = {"kpi": "service_level", "target": 80, "period": "2026-01-05", "freq": "day"}
    for hot_spot in ("queue", None):
        cause = root_cause(contacts, breach, hot_spot=hot_spot)
        assert cause.hot_spots[["hours", "contribution"]].values.tolist() == [["10:00–12:00", 80.0]]
        assert (cause.segments["dimension"] == "queue").sum() == 20
    # a hot-spot column the breach groups by is not crossed either
    cause = root_cause(contacts, {**breach, "queue": "q00"}, hot_spot="queue")
    assert list(cause.hot_spots.columns[:2]) == ["hours", "numerator"]


def test_a_cost_kpi_is_explained_by_the_costs_columns_without_the_calendar():
    # phone 30 for 2 contacts (15 each), chat 10 for 2 (5 each): 40 / 4 = 10 against 5
    contacts = pd.DataFrame(
        {
            "contact_id": range(4),
            "queue": ["a", "b", "a", "b"],
            "channel": ["phone", "phone", "chat", "chat"],
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": 5.0,
        }
    )
    costs = pd.DataFrame(
        {
            "period_start": pd.Timestamp("2026-01-01"),
            "channel": ["phone", "chat"],
            "cost": [30.0, 10.0],
        }
    )
    breach = {"kpi": "cost_per_contact", "target": 5, "period": "2026-01-01", "freq": "month"}
    cause = root_cause(kk.Dataset(contacts=contacts, costs=costs), breach)
    assert (cause.value, cause.gap) == (10.0, 5.0)
    # phone (30 - 5 · 2) / 4 = 5, chat (10 - 5 · 2) / 4 = 0; queue is not a costs column
    assert cause.segments[["dimension", "segment", "contribution"]].values.tolist() == [
        ["channel", "chat", 0.0],
        ["channel", "phone", 5.0],
    ]
    assert cause.hot_spots.empty and cause.staffing is None


@pytest.mark.parametrize(
    "kpi, target",
    [
        ("service_level", 80),  # day 1: 4 of 5 in time, 80 %: met exactly
        ("service_level", 50),  # 30 points over: contributions added up to -30 of a gap of 30
        ("asa", 60),  # (5 · 4 + 60) / 5 = 16 s, under the 60 s target
    ],
)
def test_a_target_met_has_no_root_cause(two_sites, kpi, target):
    breach = {"kpi": kpi, "target": target, "period": "2026-01-05", "freq": "day"}
    with pytest.raises(ValueError, match="names no miss: .* The target is met"):
        root_cause(two_sites, breach)


def test_contacts_without_a_segment_value_are_the_segment_none(two_sites):
    # day 1 with the late north contact's queue unknown: queue billing 3 of 3 in time, tech
    # 1 of 1, (none) 0 of 1; 80 % against 90, the unknown queue makes -(0 - 90) / 5 = 18
    contacts = two_sites.assign(queue=two_sites["queue"].where(two_sites["contact_id"] != 2))
    breach = {"kpi": "service_level", "target": 90, "period": "2026-01-05", "freq": "day"}
    cause = root_cause(contacts, breach, dimensions=["queue"])
    queues = cause.segments.set_index("segment")["contribution"]
    assert queues.index.tolist() == ["billing", "tech", "(none)"]
    assert queues["(none)"] == pytest.approx(18.0)
    assert queues.sum() == pytest.approx(cause.gap) and cause.gap == pytest.approx(10.0)
    # they said "Queue nan" and "on nan"
    assert cause.findings[:2] == [
        "08:00–10:00 on (none): 18.0 points of a 10.0-point miss.",
        "Queue (none): 18.0 points of a 10.0-point miss (service level 0.0 % on 20 % of "
        "contacts; weaker performance and more volume than usual, 20 % against 8 %).",
    ]
    # its usual share is 1 of the 12 contacts: performance 90 / 12 = 7.5, mix 10.5
    unknown = cause.segments.set_index("segment").loc["(none)"]
    assert (unknown["performance"], unknown["mix"]) == pytest.approx((7.5, 10.5))


def test_a_cache_computes_the_sums_once(two_sites, monkeypatch):
    import kpikit.metrics

    breach = {"kpi": "service_level", "target": 90, "period": "2026-01-05", "freq": "day"}
    cache = {}
    first = root_cause(two_sites, breach, cache=cache)
    assert cache

    def no_compute(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(kpikit.metrics, "compute", no_compute)
    again = root_cause(two_sites, breach, cache=cache)
    pd.testing.assert_frame_equal(again.segments, first.segments)
    assert again.findings == first.findings


@pytest.fixture(scope="module")
def sample():
    return kk.load_sample()


def test_on_the_sample_lakeside_miss_is_explained_by_understaffing(sample):
    # Lakeside loses 30 % of its shifts from 6 to 26 July (kpikit.sample)
    from kpikit.sample import load_targets

    targets = load_targets()
    targets = targets[targets["kpi"] == "service_level"]
    found = breaches(sample, targets, by="site", freq="week")
    worst = found[found["site"] == "Lakeside"].sort_values("gap").iloc[-1]
    assert pd.Timestamp("2026-07-06") <= worst["period"] <= pd.Timestamp("2026-07-20")
    cause = root_cause(sample, worst)
    assert cause.value == pytest.approx(worst["value"])
    for _, rows in cause.segments.groupby("dimension"):
        assert rows["contribution"].sum() == pytest.approx(cause.gap, rel=1e-9)
    assert cause.understaffed_share > 0.8
    assert "short of the Erlang C requirement" in cause.findings[0]
