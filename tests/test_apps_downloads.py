""" "Download Excel" of every dashboard: formatted workbooks, built in Python, tested as bytes.

(The click in the browser and the saved file are tested in tests/browser.)
"""

import io

import openpyxl
import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import BenchmarksApp, GlossaryApp, ScorecardApp, StaffingApp, TradeoffApp
from kpikit.display import RAG_TINTS
from kpikit.sample import generate

TARGETS = pd.DataFrame(
    {
        "kpi": ["service_level", "aht", "csat"],
        "target": [80.0, 300.0, 75.0],
        "tolerance": [10.0, 60.0, 10.0],
    }
)


@pytest.fixture(scope="module")
def generated():
    return generate(days=14, agents=12, seed=3)


@pytest.fixture
def hand():
    contacts = hand_contacts()
    contacts["team"] = contacts["channel"].map({"phone": "north", "chat": "south"})
    return kk.Dataset(contacts=contacts)


def workbook(app):
    content = app.workbook()
    assert content is not None, app.message.value
    return openpyxl.load_workbook(io.BytesIO(content))


def test_scorecard_workbook_by_hand(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    book = workbook(app)
    assert book.sheetnames == ["Scorecard", "Details", "Area and composite scores", "Trend by week"]
    sheet = book["Scorecard"]
    assert sheet.freeze_panes == "B2"  # header row and the team column stay in view
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "Team",
        "Average handle time (s)",
        "Service level (%)",
        "Customer satisfaction (%)",
    ]
    north = [cell for cell in sheet[2]]
    # north: AHT 1290 / 5 = 258 s (green), SL 3 of 7 = 42.857 % -> 42.9 (red),
    # CSAT 2 of 3 = 66.67 % -> 66.7 (amber).
    assert [cell.value for cell in north] == ["north", 258, 42.9, 66.7]
    assert north[2].number_format == "#,##0.0"
    fills = [cell.fill.fgColor.rgb[-6:] for cell in north[1:]]
    assert fills == [RAG_TINTS[s].lstrip("#") for s in ("green", "red", "amber")]
    details = book["Details"]
    assert [cell.value for cell in details[1]][:3] == ["Team", "KPI", "KPI name"]


def test_scorecard_workbook_details_and_scores_are_the_pages(hand):
    # north's SL is 3 of 7 = 42.857 %: against a target of 42.9 with a tolerance of 10 it is
    # amber (42.857 < 42.9), shown 42.86 so as not to read as the target. The details sheet
    # stored 42.9 (its rating's columns were left out, so no rated decimals).
    targets = TARGETS.assign(target=[42.9, 300.0, 75.0])
    book = workbook(ScorecardApp(hand, targets=targets, level="team", freq="all"))
    rows = list(book["Details"].iter_rows(values_only=True))
    header = rows[0]
    north_sl = next(row for row in rows if row[:2] == ("north", "service_level"))
    assert north_sl[header.index("Status")] == "amber"
    cell = next(
        row[header.index("Value")]
        for row in book["Details"].iter_rows(min_row=2)
        if (row[0].value, row[1].value) == ("north", "service_level")
    )
    assert cell.value == 42.86 and cell.number_format == "#,##0.00"
    # the page's table of scores has a composite per team; the workbook had none. north:
    # AHT 258 s green (100), SL amber (50), CSAT 2 of 3 = 66.7 % amber (50): (100 + 50 + 50)
    # / 3 = 66.7, stored whole as the page shows it.
    scores = {row[:2]: row[2] for row in book["Area and composite scores"].values}
    assert scores[("north", "composite")] == 67


def test_scorecard_workbook_follows_the_view(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    app.level.value = "center"
    sheet = workbook(app)["Scorecard"]
    assert sheet.max_row == 2 and sheet[1][0].value == "Average handle time (s)"
    assert sheet[2][0].value == 254  # 2030 / 8 = 253.75 s, stored in whole seconds


def test_tradeoff_workbook_rounds_each_kpi_to_its_unit(hand):
    app = TradeoffApp(hand, y="transfer_rate", targets=TARGETS)
    book = workbook(app)
    assert book.sheetnames == ["Trade-off", "Fit"]
    rows = list(book["Trade-off"].values)
    assert rows[0] == ("Agent", "Average handle time (s)", "Transfer rate (%)", "Answered contacts")
    # A1: 1230 / 5 = 246 s, 1 of 5 transferred; A2: 800 / 3 = 266.67 s -> 267.
    assert rows[1] == ("A1", 246, 20, 5) and rows[2] == ("A2", 267, 0, 3)


def test_every_app_builds_a_workbook(generated):
    for app in (
        BenchmarksApp(generated, sector="healthcare", channel="phone"),
        GlossaryApp(generated, kpi="fcr"),
        StaffingApp(generated, calibrate=False),
    ):
        book = workbook(app)
        for sheet in book:
            assert sheet.freeze_panes is not None and sheet.max_row > 1, sheet.title
            assert all(cell.font.bold for cell in sheet[1]), sheet.title


def test_staffing_workbook_has_the_scenario_and_the_charts_data(generated):
    app = StaffingApp(
        generated,
        view="whatif",
        calibrate=False,
        volume=100,
        aht_s=180,
        patience_s=0,
        max_occupancy=100,
        shrinkage=0.3,
        aht_change_s=-30,
    )
    book = workbook(app)
    assert book.sheetnames == ["Scenario", "What each agent buys"]
    scenario = {row[0]: row for row in book["Scenario"].values}
    assert scenario["Agents on the phones (peak)"][2:5] == (14, 12, -2)  # by hand, see the app
    curve = list(book["What each agent buys"].values)
    assert curve[0][0] == "Agents on the phones"
    app.view.value = "plan"  # the day plan: one row per interval with contacts or agents
    assert workbook(app).sheetnames == ["Day plan"]


def test_a_failing_workbook_says_why_and_keeps_the_page(hand, monkeypatch):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    monkeypatch.setattr(app, "excel_sheets", lambda: 1 / 0)
    assert app.workbook() is None
    assert "Could not build the workbook: ZeroDivisionError" in app.message.value
    sent = []
    monkeypatch.setattr(app.downloads, "send", lambda content, buffers=None: sent.append(content))
    app.downloads._on_browser_message(app.downloads, {"event": "excel"}, [])
    assert sent == [{"command": "failed"}]  # the button comes back, nothing is saved
