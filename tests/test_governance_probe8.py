"""Probe 8 of SLA governance and labels: service-level targets set at an answer threshold
(``threshold_s``) in the cadence reports, the target text and the seconds column labels."""

import pandas as pd
import pytest

from kpikit import display
from kpikit.governance import ActionRegister, cadence_report, root_cause

BREACH = {
    "breach_id": "service_level/day/2026-07-08T00:00/site=Lakeside",
    "kpi": "service_level",
    "freq": "day",
    "period": "2026-07-08",
    "site": "Lakeside",
}

# Four chat contacts on Monday 5 Jan 2026, all answered, waits 5, 25, 25 and 4 s: within 20 s
# 2 of 4 = 50.0 %; within chat's default 30 s, 4 of 4 = 100.0 %.
CONTACTS = pd.DataFrame(
    {
        "contact_id": [1, 2, 3, 4],
        "site": ["north"] * 4,
        "arrived_at": pd.to_datetime(
            ["2026-01-05 09:00", "2026-01-05 09:05", "2026-01-05 09:07", "2026-01-05 10:00"]
        ),
        "answered": [True] * 4,
        "wait_s": [5.0, 25.0, 25.0, 4.0],
        "channel": ["chat"] * 4,
    }
)
TARGETS = pd.DataFrame(
    {"kpi": ["service_level"], "target": [80.0], "tolerance": [0.0], "threshold_s": [20.0]}
)


def _section(report, title):
    return next(section for section in report.sections if section.title == title)


def test_daily_report_rates_an_80_20_target_within_20_s_as_its_breaches_do():
    # by hand: 2 of 4 within 20 s = 50.0 %, red against 80 % (tolerance 0); before, the
    # volume table showed chat's 30 s figure, 100.0 % green, above a breach of 50.0 % red
    report = cadence_report("daily", CONTACTS, TARGETS, date="2026-01-05")
    assert _section(report, "SLA breaches of the day").table["value"].tolist() == [50.0]
    volume = _section(report, "Volume and service").table
    assert volume["service level (%)"].tolist() == [50.0, 50.0]  # north, whole center
    assert volume["service level status"].tolist() == ["red", "red"]


def test_weekly_report_rates_an_80_20_target_within_20_s():
    # by hand: the week of 5 Jan holds the same 4 contacts, 2 within 20 s = 50.0 % (red);
    # before: 100.0 % green beside one day in breach
    report = cadence_report("weekly", CONTACTS, TARGETS, date="2026-01-05")
    table = _section(report, "Every KPI against its target").table
    assert table["this week"].tolist() == [50.0, 50.0]
    assert table["status"].tolist() == ["red", "red"]


def test_monthly_review_explains_an_80_20_miss_instead_of_failing():
    # 8 chat contacts, billing waits 5 s x4, tech 5 s and 25 s x3: within 20 s 5 of 8 =
    # 62.5 %, 17.5 points short of 80; tech contributes -(100 * 1 - 80 * 4) / 8 = 27.5 points.
    # Before, the scorecard read chat's 30 s figure (100 %) and the root cause, computed at
    # 30 s too, raised "names no miss ... 100.0 % against a target of 80.0 %"
    contacts = pd.DataFrame(
        {
            "contact_id": range(8),
            "queue": ["billing"] * 4 + ["tech"] * 4,
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "channel": "chat",
            "wait_s": [5.0, 5.0, 5.0, 5.0, 5.0, 25.0, 25.0, 25.0],
        }
    )
    report = cadence_report("monthly", contacts, TARGETS, date="2026-01-05")
    card = _section(report, "Scorecard").table
    assert card["value"].tolist() == [62.5] and card["status"].tolist() == ["red"]
    assert _section(report, "Scorecard").display["target"].tolist() == ["≥ 80.0 % within 20 s"]
    cause = report.sections[2]  # the miss's own section, after the header
    assert "Queue tech: 27.5 points of a 17.5-point miss" in " ".join(cause.lines)


def test_target_text_says_within_what_time_a_service_level_target_is_set():
    # an 80/20 target reads "≥ 80.0 %" plus its 20 s threshold; without one, unchanged
    row = {"better": "higher", "unit": "percent", "target": 80.0, "threshold_s": 20.0}
    assert display.target_text(row) == "≥ 80.0 % within 20 s"
    assert display.target_text({**row, "threshold_s": float("nan")}) == "≥ 80.0 %"
    assert display.target_text({**row, "target": float("nan")}) == "–"  # no target: no time


def test_column_label_of_a_seconds_column_has_its_unit():
    # "threshold_s" read "Threshold s"; the other seconds columns read "Wait time (s)"
    assert display.column_label("threshold_s") == "Threshold (s)"
    assert display.column_label("wait_s") == "Wait time (s)"  # named ones unchanged
    assert display.column_label("status") == "Status"


def test_a_milestone_whose_date_is_not_read_is_refused(tmp_path):
    # A bullet, an empty check box or another date format before the milestone: it was stored,
    # then never next and never overdue (actions() on 1 Aug showed no next milestone and no
    # "milestone" late, 22 days after 10 July)
    register = ActionRegister(f"sqlite:///{tmp_path}/actions.sqlite")
    try:
        for line in ("- 2026-07-10 hire temps", "[ ] 2026-07-10 hire temps", "10/07/2026 hire"):
            with pytest.raises(ValueError, match=r"'milestones' has a milestone whose date is"):
                register.record(BREACH, author="Ana", milestones=f"agree the plan\n{line}")
        assert register.history().empty  # nothing saved
        # the documented form is read: due 10 July, late on 1 August
        register.record(BREACH, author="Ana", milestones="agree the plan\n2026-07-10 hire temps")
        row = register.actions(as_of="2026-08-01").iloc[0]
        assert row["next_milestone"] == "2026-07-10 hire temps"
        assert "milestone" in row["overdue"]
    finally:
        register.close()


def test_a_miss_under_a_second_is_not_written_as_a_0_second_miss():
    # AHT target 150 s: queue a 152 s x2, b 148.8 s x2, overall 150.4 s, 0.4 s over; a
    # contributes 0.5 * (152 - 150) = 1.0 s, 250 % of the miss, so it is given in amounts.
    # Before: "1 s of a 0-second miss" beside a headline of "0.4 s over"
    contacts = pd.DataFrame(
        {
            "contact_id": range(4),
            "queue": ["a", "a", "b", "b"],
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": [152.0, 152.0, 148.8, 148.8],
            "hold_s": 0.0,
            "acw_s": 0.0,
        }
    )
    breach = {"kpi": "aht", "target": 150.0, "period": "2026-01-05", "freq": "day"}
    cause = root_cause(contacts, breach)
    assert "(0.4 s over)" in cause.headline
    assert "Queue a: 1 s of a 0.4-second miss (" in " ".join(cause.findings)
