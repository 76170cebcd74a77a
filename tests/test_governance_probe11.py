"""Probe 11 of SLA governance: the dashboard's window across the night the clocks go back, its
labels of null groups and hot spots, its run and clock texts; the register's no-op changes; the
two hours of 02:00 and gaps in points in words; root causes of a period that is no period start,
of a parquet file, with a hot-spot column or a dimension given wrong; decompose's labels."""

import pandas as pd
import pytest

from kpikit.apps.governance import _in_window
from kpikit.governance import words

pytest.importorskip("sqlalchemy")

BREACH = {
    "breach_id": "service_level/day/2026-07-08T00:00/site=Lakeside",
    "kpi": "service_level",
    "freq": "day",
    "period": "2026-07-08",
    "site": "Lakeside",
    "target": 80.0,
    "value": 61.0,
    "gap": 19.0,
}


def test_window_across_the_night_the_clocks_go_back_keeps_its_first_day():
    # One breach a day, 17 to 31 Oct 2026 in Paris (the clocks go back on the 25th). The 14
    # days to midnight ending the 31st are 18..31 Oct: 14 days. 14 x 24 hours back from that
    # midnight is 18 Oct 01:00 (the 25th lasts 25 hours), which left the 18th out: 13 days.
    periods = pd.date_range("2026-10-17", "2026-10-31", freq="D", tz="Europe/Paris")
    found = pd.DataFrame({"period": periods})
    window = _in_window(found, pd.Timestamp("2026-11-01", tz="Europe/Paris"), 14)
    assert len(window) == 14
    assert window["period"].min() == pd.Timestamp("2026-10-18", tz="Europe/Paris")
    # and the night the clocks go forward (29 Mar): 14 days still, 22 Mar to 4 Apr
    spring = pd.DataFrame(
        {"period": pd.date_range("2026-03-20", "2026-04-04", freq="D", tz="Europe/Paris")}
    )
    window = _in_window(spring, pd.Timestamp("2026-04-05", tz="Europe/Paris"), 14)
    assert window["period"].min() == pd.Timestamp("2026-03-22", tz="Europe/Paris")
    assert len(window) == 14


def test_recording_what_a_field_never_set_shows_is_no_change(tmp_path):
    from kpikit.governance import ActionRegister

    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        # a fresh breach shows status "open" and an empty owner: saving them is no change
        recorded = register.record(BREACH, author="Ana", owner="", status="open")
        assert recorded.event_ids == {}
        assert register.history().empty
        # the breach is registered all the same, with nothing recorded
        actions = register.actions(as_of="2026-07-09")
        assert actions[["status", "owner", "changes"]].values.tolist() == [["open", "", 0]]
        # a real change is recorded, and clearing it again is one
        assert list(register.record(BREACH, author="Ana", owner="Lakeside lead").event_ids) == [
            "owner"
        ]
        assert list(register.record(BREACH, author="Ben", owner="").event_ids) == ["owner"]
        assert register.history()["value"].tolist() == ["Lakeside lead", ""]


def test_the_two_hours_of_0200_the_night_the_clocks_go_back_read_apart():
    # 00:00 and 01:00 UTC on 25 Oct 2026 are both 02:00 in Paris (summer time, then winter
    # time): their breach ids differ, so must their words; 03:00 comes once.
    night = pd.Timestamp("2026-10-25 00:00", tz="UTC").tz_convert("Europe/Paris")
    texts = [words.period_text(night + pd.Timedelta(hours=h), "hour") for h in (0, 1, 2)]
    assert texts == [
        "Sun 25 Oct 2026 02:00 (UTC+02:00)",
        "Sun 25 Oct 2026 02:00 (UTC+01:00)",
        "Sun 25 Oct 2026 03:00",
    ]
    line = words.headline("asa", {}, night + pd.Timedelta(hours=1), "hour", 40.0, 20.0)
    assert line.startswith(
        "Average speed of answer, the whole center, Sun 25 Oct 2026 02:00 (UTC+01:00):"
    )
    # a day, and a time without a zone, are written as before
    assert words.period_text(pd.Timestamp("2026-10-25", tz="Europe/Paris"), "day") == (
        "Sun 25 Oct 2026"
    )
    assert words.period_text(pd.Timestamp("2026-10-25 02:00"), "hour") == "Sun 25 Oct 2026 02:00"


def test_a_breach_of_the_rows_without_a_site_is_labelled_none_as_in_its_headline():
    # breaches(by="site") of contacts without a site: the breach's headline and the chart say
    # "site (none)"; the dashboard's list said "None" (or "nan" for a float column)
    from kpikit.apps._governance_html import breach_label, summary_html

    row = {"period": pd.Timestamp("2026-08-23"), "kpi": "csat", "value": 71.43, "unit": "percent"}
    assert breach_label({**row, "site": None}, ["site"]) == "23 Aug · (none) · CSAT 71.4 %"
    assert breach_label({**row, "site": float("nan")}, ["site"]) == "23 Aug · (none) · CSAT 71.4 %"
    window = pd.DataFrame(
        {"status": ["red"], "persistent": [60], "name": ["Customer satisfaction"], "site": [None]}
    )
    text = summary_html(window, {}, pd.Timestamp("2026-08-24"), 90, ["site"])
    assert "In breach for 60 days or more: Customer satisfaction for site (none)." in text


def _contacts():
    # 8 contacts on Mon 5 Jan 2026 10:00: queue a answers its 4 within 20 s, queue b 1 of 4:
    # 5 of 8 = 62.5 % against 80 %, 17.5 points short
    return pd.DataFrame(
        {
            "contact_id": range(8),
            "queue": ["a"] * 4 + ["b"] * 4,
            "site": "S",
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": [5.0] * 5 + [60.0] * 3,
        }
    )


WEEK_BREACH = {"kpi": "service_level", "target": 80, "period": "2026-01-05", "freq": "week"}


def test_a_breach_whose_period_is_not_a_period_start_says_so():
    from kpikit.governance import root_cause

    contacts = _contacts()
    assert root_cause(contacts, WEEK_BREACH).value == 62.5
    # a Wednesday for the week of Mon 5 Jan: the data has that week's value, yet the breach
    # was "no 'service_level' value ... in the period starting 2026-01-07"
    with pytest.raises(
        ValueError,
        match=r"not the start of a 'week': 2026-01-07 00:00:00 .*"
        r"that 'week' starts at 2026-01-05 00:00:00",
    ):
        root_cause(contacts, {**WEEK_BREACH, "period": "2026-01-07"})
    # a period start without data is still "no value"
    with pytest.raises(ValueError, match=r"has no 'service_level' value"):
        root_cause(contacts, {**WEEK_BREACH, "period": "2026-01-12"})


def test_a_hot_spot_column_the_data_lacks_is_refused_not_dropped():
    from kpikit.governance import root_cause

    contacts = _contacts()
    # hot_spot="team" (no team column) gave the calendar alone without a word
    with pytest.raises(ValueError, match=r"Value of 'hot_spot' is not valid.*received: 'team'"):
        root_cause(contacts, WEEK_BREACH, hot_spot="team")
    with pytest.raises(TypeError, match=r"Value of 'hot_spot' must be a column name or None"):
        root_cause(contacts, WEEK_BREACH, hot_spot=["queue"])
    # the default on data without a queue column is the calendar alone, as before
    cause = root_cause(contacts.drop(columns="queue"), WEEK_BREACH)
    assert cause.findings == ["Monday 10:00–12:00: 100 % of the miss."]
    # a named column the data has crosses the calendar: site S holds the whole miss
    assert root_cause(contacts, WEEK_BREACH, hot_spot="site").hot_spots["site"].tolist() == ["S"]


def test_a_dimension_named_twice_is_refused_by_its_own_name():
    from kpikit.governance import root_cause

    # it failed in compute as "Value of 'by' names 'queue' more than once"
    with pytest.raises(ValueError, match=r"Value of 'dimensions' names \['queue'\] more than once"):
        root_cause(_contacts(), WEEK_BREACH, dimensions=["queue", "hours", "queue"])


def test_a_breach_grouped_on_a_table_the_data_lacks_says_the_table_is_missing():
    from kpikit.governance import root_cause
    from kpikit.metrics import KPIUnavailable

    # it said "groups by ['site'], which the agent_intervals table lacks; columns are []"
    breach = {**WEEK_BREACH, "kpi": "occupancy", "target": 85, "site": "S"}
    with pytest.raises(KPIUnavailable, match=r"the Dataset has no agent_intervals table"):
        root_cause(_contacts(), breach)


def test_a_gap_in_points_says_points_as_a_gap_in_percent_does():
    # NPS -20 against 10: 30 points short. The headline said "(30.0 short)" where a percent
    # KPI says "(18.8 points short)", and a segment "45.0 of a 30.0-point miss".
    line = words.headline("nps", {}, "2026-01-05", "day", -20.0, 10.0)
    assert line.endswith(": -20.0 against a target of 10.0 (30.0 points short).")
    assert words.gap_text(30.0, "points") == "30.0 points"
    assert words._share_text(60.0, 30.0, "points") == "60.0 points of a 30.0-point miss"
    # the other units as before
    assert words.gap_text(12.34, "percent") == "12.3 points"
    assert words.gap_text(45.2, "seconds") == "45 s"


def test_a_run_of_breaches_says_its_calendar_days_beside_the_flag_it_earns():
    # A center open Monday to Friday, in breach every day from Mon 2 Mar to Fri 1 May 2026:
    # 45 days with data, 61 calendar days (2 Mar to 2 May), flagged at 60. The dashboard said
    # "In breach 45 days in a row, flagged at 60 days".
    from kpikit.apps._governance_html import run_text

    row = {
        "periods_in_breach": 45,
        "days_in_breach": 61,
        "persistent": 60,
        "breach_since": pd.Timestamp("2026-03-02"),
    }
    assert run_text(row) == (
        " In breach since Mon 02 Mar, 61 days (45 of them with data), flagged at 60 days."
    )
    # every day with data: no aside; a single day: no run
    assert run_text({**row, "periods_in_breach": 3, "days_in_breach": 3, "persistent": 0}) == (
        " In breach since Mon 02 Mar, 3 days."
    )
    assert run_text({**row, "periods_in_breach": 1, "days_in_breach": 1}) == ""


def test_a_clock_under_an_hour_does_not_read_zero_hours():
    # a root cause due at midnight seen at 23:40: 20 minutes left, shown as "0 hours left";
    # one hour and 12 minutes read "1 hours"
    from kpikit.apps._governance_html import duration

    assert duration(20 / 60) == "less than an hour"
    assert duration(1.2) == "1 hour"
    assert duration(5.2) == "5 hours"
    assert duration(71) == "3 days"  # 71 / 24 = 2.96


def test_root_cause_reads_the_parquet_file_the_breaches_were_found_in(tmp_path):
    # kk.breaches("contacts.parquet", ...) reads the file; root_cause of one of its rows failed
    # with narwhals' "Unsupported dataframe type, got: <class 'str'>"
    from kpikit.governance import root_cause

    path = tmp_path / "contacts.parquet"
    _contacts().to_parquet(path)
    cause = root_cause(str(path), WEEK_BREACH)
    assert (cause.value, cause.gap) == (62.5, 17.5)  # 5 of 8 within 20 s against 80 %
    assert root_cause(path, WEEK_BREACH).value == 62.5
    with pytest.raises(TypeError, match=r"Dataset.contacts must be a dataframe .* received int"):
        root_cause(123, WEEK_BREACH)


def test_decompose_refuses_a_label_column_named_as_a_result_column():
    # segments labelled in a column "value": the result's value column replaced it, and the
    # labels billing and tech were gone from the result without a word
    from kpikit.governance import decompose

    segments = pd.DataFrame(
        {"value": ["billing", "tech"], "numerator": [40, 20], "denominator": [50, 50]}
    )
    with pytest.raises(ValueError, match=r"label column\(s\) \['value'\] named as columns"):
        decompose(segments, target=80, scale=100)
    # renamed, the labels are kept: tech 40 % on half the volume, -0.5 * (40 - 80) = 20 points
    parts = decompose(segments.rename(columns={"value": "queue"}), target=80, scale=100)
    assert parts[["queue", "contribution"]].values.tolist() == [["billing", 0.0], ["tech", 20.0]]


def test_a_hot_spot_of_contacts_without_a_queue_is_labelled_none_on_the_chart():
    # 4 contacts without a queue (1 within 20 s) and 4 on queue b (none): 1 of 8 = 12.5 %
    # against 80 %, 67.5 short. The findings say "10:00–12:00 on (none)"; the chart's bar
    # read "10:00–12:00 nan".
    from kpikit.apps._governance_html import contributor_bars
    from kpikit.governance import root_cause

    contacts = _contacts().assign(queue=[None] * 4 + ["b"] * 4, wait_s=[5.0] + [60.0] * 7)
    cause = root_cause(contacts, {**WEEK_BREACH, "freq": "day"})
    assert "10:00–12:00 on (none): 41 % of the miss." in cause.findings
    # (none): -(25 - 80) * 4 / 8 = 27.5 points of 67.5, 41 %; b: 40 points, 59 %
    labels = contributor_bars(cause)["label"].tolist()
    assert labels == ["10:00–12:00 b", "Queue: b", "10:00–12:00 (none)"]
