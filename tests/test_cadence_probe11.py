"""Probe 11 of the cadence reports: a service level that misses its target by less than the
table's decimals is shown with the decimals that keep it apart (79.96 %, not "80.0" beside a
red status) in the daily volume table and the weekly KPI table of the page."""

import pandas as pd

from kpikit.governance import cadence_report
from kpikit.governance.pages import report_html

# 2,500 phone calls on Monday 5 Jan 2026, all answered: 1,999 wait 10 s and 501 wait 60 s.
# By hand: within 20 s 1,999 / 2,500 = 79.96 %, red against 80 % (tolerance 0); one decimal
# would read 80.0.
CONTACTS = pd.DataFrame(
    {
        "contact_id": range(2500),
        "arrived_at": pd.Timestamp("2026-01-05 09:00") + pd.to_timedelta(range(2500), unit="s"),
        "answered": True,
        "wait_s": [10.0] * 1999 + [60.0] * 501,
    }
)
TARGETS = pd.DataFrame(
    {"kpi": ["service_level"], "target": [80.0], "tolerance": [0.0], "threshold_s": [20.0]}
)


def _section(report, title):
    return next(section for section in report.sections if section.title == title)


def test_daily_volume_table_shows_a_near_miss_apart_from_its_target():
    report = cadence_report("daily", CONTACTS, TARGETS, date="2026-01-05")
    volume = _section(report, "Volume and service")
    assert volume.table["service level (%)"].tolist() == [79.96]  # the workbook keeps it
    assert volume.table["service level status"].tolist() == ["red"]
    page = report_html(report)
    assert "<td class='number'>79.96</td>" in page
    assert ">80.0<" not in page


def test_weekly_table_shows_a_near_miss_apart_from_its_target():
    report = cadence_report("weekly", CONTACTS, TARGETS, date="2026-01-05")
    table = _section(report, "Every KPI against its target").table
    assert table["this week"].tolist() == [79.96] and table["status"].tolist() == ["red"]
    page = report_html(report)
    assert "<td class='number'>79.96</td>" in page
    assert ">80.0<" not in page
