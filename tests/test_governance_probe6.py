"""Probe 6 of breaches, root cause, reviews and the action register: faults found and fixed."""

import pandas as pd
import pytest

import kpikit as kk
from kpikit.governance import root_cause
from kpikit.governance.reviews import next_target


def test_root_cause_with_agent_intervals_but_contacts_without_agent_id_says_so():
    # 4 contacts at 10:00, 1 answered within 20 s: service level 25 %, 55 points short of 80.
    # Agent intervals are given but nothing ties them to the contacts' agents (no agent_id):
    # the staffing check read contacts["agent_id"] and failed with a bare KeyError.
    contacts = pd.DataFrame(
        {
            "contact_id": range(4),
            "queue": ["billing", "billing", "tech", "tech"],
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": [5.0, 60.0, 60.0, 60.0],
            "talk_s": 200.0,
            "hold_s": 0.0,
            "acw_s": 0.0,
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["a"],
            "interval_start": pd.to_datetime(["2026-01-05 10:00"]),
            "handling_s": [800.0],
            "available_s": [1000.0],
        }
    )
    breach = {"kpi": "service_level", "target": 80, "period": "2026-01-05", "freq": "day"}
    cause = root_cause(kk.Dataset(contacts, intervals), breach)
    assert cause.gap == 55.0  # 80 - 100 * 1/4
    assert cause.staffing is None
    # billing: -(100 * 1 - 80 * 2) / 4 = 15; tech: -(0 - 160) / 4 = 40; 15 + 40 = 55
    queues = cause.segments.query("dimension == 'queue'")
    assert queues["contribution"].tolist() == [15.0, 40.0]
    assert cause.findings[-1] == (
        "Staffing not checked: the contacts have no agent_id column, which ties the agent "
        "intervals to the agents who served this group; add it to check staffing."
    )


def test_next_target_refuses_a_direction_it_would_read_as_lower():
    # "Higher" (a typo for "higher") was read as lower: weeks 70, 72, 75, 78 all "met" at or
    # below 80, so 80 moved halfway to the median 73.5 -> 76.75, rounded up to 77.0: a
    # higher-is-better target lowered, which the ramp promises never to do.
    with pytest.raises(ValueError, match=r"'direction' .* received: 'Higher'\. Did you mean"):
        next_target(80, "Higher", [70, 72, 75, 78])
    # the same weeks read as "higher": met in 0 of 4, the target is kept
    assert next_target(80, "higher", [70, 72, 75, 78]) == (
        80.0,
        "met in 0 of 4 weeks: keep it and fix the misses first",
    )


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        # NaN target: returned (nan, "met in 0 of 4 weeks ...") as if it were a suggestion
        ({"target": float("nan")}, ValueError, "'target' must be a finite number"),
        # step 5: 80 + 5 * (83.5 - 80) = 97.5, past every week, still called "halfway"
        ({"step": 5}, ValueError, r"'step' must be a finite number > 0 and <= 1"),
        # an unknown unit was rounded to 0.5 and shown without a unit
        ({"unit": "secs"}, ValueError, "'unit' is not a unit.*Did you mean 'seconds'"),
        # text among the weeks: a bare numpy "ufunc 'isfinite' not supported"
        ({"weekly": [84, "83", 86, 79]}, TypeError, r"position 1: '83'"),
        ({"ceiling": "90"}, TypeError, "'ceiling' must be a number"),
    ],
)
def test_next_target_names_a_bad_argument(arguments, error, message):
    given = {"target": 80, "direction": "higher", "weekly": [84, 83, 86, 79], **arguments}
    with pytest.raises(error, match=message):
        next_target(**given)


def test_next_target_says_how_far_a_step_other_than_half_moves():
    # met in 3 of 4 weeks, median 83.5: 80 + 0.25 * 3.5 = 80.875, down to the 0.5 grain: 80.5
    assert next_target(80, "higher", [84, 83, 86, 79], step=0.25) == (
        80.5,
        "met in 3 of 4 weeks: move 25 % of the way to the median week, 83.5 %",
    )


def test_record_refuses_the_state_of_another_breach(tmp_path):
    from kpikit.governance import ActionRegister

    def breach(day):
        return {
            "breach_id": f"service_level/day/2026-07-0{day}T00:00",
            "kpi": "service_level",
            "freq": "day",
            "period": f"2026-07-0{day}",
        }

    with ActionRegister(f"sqlite:///{tmp_path}/actions.sqlite") as register:
        register.record(breach(6), author="Ana", comment="called the vendor")  # event 1
        seen = register.state(breach(6)["breach_id"])  # the form of the 6th
        # recorded on the 7th, which has no comment: a conflict with None (someone else's
        # change that does not exist) and a history whose event replaces the 6th's event 1
        with pytest.raises(ValueError, match=r"not a state of the breach .*07-07.*: comment "):
            register.record(breach(7), author="Ben", comment="retrain", seen=seen)
        assert register.history()["breach_id"].tolist() == [breach(6)["breach_id"]]
        assert register.record(breach(7), author="Ben", comment="retrain", seen={}).conflicts == {}


def test_an_occupancy_breach_on_a_day_without_contacts_counts_0_contacts():
    # agent a: 5 January 200 s handling of 1,800 logged (11.1 %), 6 January 100 of 1,800
    # (5.6 %); both below 85 %. Two contacts on the 5th, none on the 6th: 0 contacts
    # offered there, not null (unknown), which read as a count that was missing.
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:05"]),
            "answered": True,
            "wait_s": 5.0,
            "agent_id": "a",
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["a", "a"],
            "interval_start": pd.to_datetime(["2026-01-05 10:00", "2026-01-06 10:00"]),
            "handling_s": [200.0, 100.0],
            "available_s": [1600.0, 1700.0],
        }
    )
    targets = pd.DataFrame({"kpi": ["occupancy"], "target": [85]})
    found = kk.breaches(kk.Dataset(contacts, intervals), targets)
    assert found["value"].round(3).tolist() == [11.111, 5.556]  # 100 * 200/1800, 100 * 100/1800
    assert found["contacts"].tolist() == [2.0, 0.0]


def test_deadlines_of_a_series_that_is_not_datetimes_are_refused():
    from kpikit.governance.breaches import deadlines

    # [1, 2] were read as 1 and 2 ns after 1970 and given back as the numbers
    # 172800000000001 (48 h later in ns) and 604800000000001: no date at all
    with pytest.raises(TypeError, match=r"'period_end' must be a Series of datetimes .* int64"):
        deadlines(pd.Series([1, 2]))
    # a Series of datetimes: 5 January closes, root cause 48 h later, plan 7 days later
    root_cause_due, plan_due = deadlines(pd.Series(pd.to_datetime(["2026-01-05"])))
    assert root_cause_due.tolist() == [pd.Timestamp("2026-01-07")]
    assert plan_due.tolist() == [pd.Timestamp("2026-01-12")]


@pytest.mark.parametrize(("kpi_id", "freq"), [(None, "day"), ("sl", "day"), ("fcr", "fortnight")])
def test_breach_id_names_an_unknown_kpi_or_freq(kpi_id, freq):
    from kpikit.governance import breach_id

    # None failed inside str.join ("sequence item 0: expected str instance"); "sl" and
    # "fortnight" made ids the register then refused
    with pytest.raises(ValueError, match="'kpi_id' is not a KPI id|'freq' is not a period"):
        breach_id(kpi_id, freq, "2026-01-05", {})


def test_tables_of_the_register_names_made_by_another_program_are_refused_on_opening(tmp_path):
    import sqlite3

    from kpikit.governance import ActionRegister

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE kpikit_breaches (id INTEGER);"
            "CREATE TABLE kpikit_action_events (id INTEGER, breach_id TEXT);"
        )
    # it opened, then failed at the first read with "no such column" and the advice to
    # check that the database is reachable; create=True also added a time_zone column to
    # the other program's table. 13 breach columns (time_zone aside) + 7 of the 8 event
    # columns (it has breach_id): 20
    for create in (True, False):
        with pytest.raises(ValueError, match=r"lacks 20 of their columns, kpikit_breaches.breach"):
            ActionRegister(f"sqlite:///{path}", create=create)
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(kpikit_breaches)")]
    assert columns == ["id"]


def test_root_cause_of_a_row_of_the_action_register(tmp_path):
    from kpikit.governance import ActionRegister

    contacts = pd.DataFrame(
        {
            "contact_id": range(8),
            "site": "A",
            "queue": ["billing"] * 4 + ["tech"] * 4,
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": [5.0] * 5 + [60.0] * 3,
        }
    )
    found = kk.breaches(
        contacts, pd.DataFrame({"kpi": ["service_level"], "target": [80]}), by="site"
    )
    with ActionRegister(f"sqlite:///{tmp_path}/actions.sqlite") as register:
        register.register(found)
        row = register.actions(as_of="2026-01-06").iloc[0]
    # the action's fields (group, owner, plan, overdue...) were read as grouping columns:
    # "groups by ['group', 'root_cause', 'owner', ...], which the contacts table lacks"
    cause = root_cause(contacts, row)
    assert cause.group == {"site": "A"}
    assert cause.gap == 17.5  # 80 - 100 * 5/8
    # billing -(100 * 4 - 80 * 4) / 8 = -10, tech -(100 * 1 - 80 * 4) / 8 = 27.5
    queues = cause.segments.query("dimension == 'queue'")
    assert queues["contribution"].tolist() == [-10.0, 27.5]
