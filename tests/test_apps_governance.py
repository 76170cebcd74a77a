"""The governance dashboard in plain Python: breaches drawn, a click shows a root cause, the form
writes to the register (and two dashboards editing one breach keep both changes)."""

import asyncio
import datetime as dt
import html
import re

import pandas as pd
import pytest
from fixtures import in_own_thread

from kpikit.apps import GovernanceApp, ScorecardApp
from kpikit.apps import _background as background
from kpikit.apps import governance as governance_app
from kpikit.governance import ActionRegister
from kpikit.sample import generate

pytest.importorskip("sqlalchemy")


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('register') / 'actions.sqlite'}"


@pytest.fixture(scope="module")
def app(url):
    return GovernanceApp(register=url, days=90)


def marks(chart):
    return [breach for trace in chart.figure.data for breach in (trace.customdata or ())]


def test_breaches_of_the_window_are_drawn_with_their_clocks(app):
    shown = marks(app.chart)
    assert len(shown) == len(app.breach.options) > 0
    assert set(shown) == {value for _, value in app.breach.options}
    # the sample's Lakeside loses staff in July: its service level is among the red marks
    assert any("site=Lakeside" in breach and breach.startswith("service_level") for breach in shown)
    assert "root causes</strong>" in app.summary.value
    # the sample ends Sat 29 Aug 17:59: FCR of 27-29 Aug waits for repeats, no breach drawn
    assert "FCR of the last 3 days is provisional until 1 Sep 2026" in app.summary.value
    late = tuple(f"fcr/day/2026-08-{day}" for day in (27, 28, 29))
    assert not any(breach.startswith(late) for breach in shown)
    assert "Root cause due" in app.detail.value and "Computed root cause" in app.detail.value


def test_a_click_on_a_mark_shows_its_root_cause(app):
    lakeside = "service_level/day/2026-07-14T00:00/site=Lakeside"
    assert lakeside in marks(app.chart)
    app.chart._on_browser_message(
        app.chart, {"event": "click", "points": [{"customdata": lakeside}]}, []
    )
    assert app.breach.value == lakeside
    assert "Service level, site Lakeside, Tue 14 Jul 2026" in app.detail.value
    assert "short of the Erlang C requirement" in app.detail.value
    # a phone wraps the heading: "61.8" at one line's end and "% against" at the next's start
    assert not re.search(r"\d (s|%)(?!\w)", app.detail.value)
    bars = app.cause_chart.figure.data
    assert [trace.name for trace in bars] == ["weaker performance", "more volume than usual (mix)"]


def test_recording_an_action_writes_the_register_and_fills_the_form_back(app, url):
    app.breach.value = app.breach.options[-1][1]
    breach = app.breach.value
    app.author.value = "Ana"
    app.owner.value = "Harbor site lead"
    app.plan.value = "coach the billing team"
    app.milestones.value = "2026-09-05 coaching done"
    app.save.click()
    assert "Saved 3 changes" in app.form_message.value
    with ActionRegister(url) as register:
        state = register.state(breach)
    assert {name: change.value for name, change in state.items()} == {
        "owner": "Harbor site lead",
        "plan": "coach the billing team",
        "milestones": "2026-09-05 coaching done",
    }
    app.breach.value = app.breach.options[0][1]
    assert app.owner.value == ""
    app.breach.value = breach
    assert app.owner.value == "Harbor site lead"
    assert "coach the billing team" in app.history.value
    # the plan is recorded, so its clock stops (it still said "overdue by 20 days"); the root
    # cause is not, so its clock runs on, as the register's "overdue" says
    assert re.search(r"Plan due [^(]*\(recorded\)", app.detail.value)
    assert re.search(r"Root cause due [^(]*\(overdue by", app.detail.value)


def test_two_dashboards_editing_one_breach_keep_both_changes(app, url):
    first, second = app, GovernanceApp(register=url, days=90)
    breach = first.breach.options[1][1]
    first.breach.value = second.breach.value = breach
    first.author.value, second.author.value = "Ana", "Ben"
    first.root_cause.value = "absence wave"
    second.root_cause.value = "flu outbreak"
    first.save.click()
    second.save.click()
    assert "Ana had changed root cause meanwhile" in second.form_message.value
    with ActionRegister(url) as register:
        history = register.history(breach)
    assert history["value"].tolist()[-2:] == ["absence wave", "flu outbreak"]
    assert history["conflict"].tolist()[-2:] == [False, True]


def test_saving_needs_a_name_and_says_so(app):
    app.author.value = ""
    app.owner.value = "someone"
    app.save.click()
    assert "author&#x27; must be a name" in app.form_message.value
    assert "role='alert'" in app.form_message.value


def test_controls_change_the_breaches(app):
    before = len(marks(app.chart))
    app.set(severity="amber")
    assert len(marks(app.chart)) > before
    app.set(level="center", severity="red")
    assert all("site=" not in breach for breach in marks(app.chart))
    with pytest.raises(ValueError, match="'days'"):
        app.set(days=7)
    app.set(level="site")


def test_in_a_kernel_work_done_in_threads_shows_what_is_computed_when_asked(app, url, monkeypatch):
    # In a kernel the app computes the other levels' views in a worker thread while the page is
    # idle, and a breach's root cause in a thread while the page stays live; what a change then
    # shows must be what the app computes at once outside a kernel (the module's app).
    monkeypatch.setattr(background, "kernel_loop", asyncio.get_running_loop)
    monkeypatch.setattr(governance_app, "kernel_loop", asyncio.get_running_loop)

    async def cause_drawn(app):
        for _ in range(1000):
            if "Computed root cause" in app.detail.value:
                return
            await asyncio.sleep(0.02)

    async def scenario():
        ahead = GovernanceApp(register=url, days=90)
        assert ahead._ahead.enabled and ("queue", "governance", "red", 90) in ahead._ahead
        shown = []
        for level, severity in (("queue", "red"), ("queue", "amber"), ("center", "amber")):
            ahead.set(level=level, severity=severity)
            if "Computed root cause" not in ahead.detail.value:
                assert "Working out the root cause" in ahead.detail.value
                await cause_drawn(ahead)
            shown.append(_shown(ahead))
        return shown

    shown = in_own_thread(asyncio.run, scenario())
    monkeypatch.undo()
    for (level, severity), seen in zip(
        (("queue", "red"), ("queue", "amber"), ("center", "amber")), shown, strict=True
    ):
        app.set(level=level, severity=severity, kpi_set="governance", days=90)
        assert seen == _shown(app)
    app.set(level="site", severity="red")


def _shown(app):
    return (
        app.summary.value,
        app.detail.value,
        app.history.value,
        app.breach.options,
        app.chart.figure_json,
        app.cause_chart.figure_json,
    )


def test_scorecard_offers_day_and_quarter():
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "team": ["a", "a", "a"],
            "arrived_at": pd.to_datetime(
                ["2026-01-05 09:00", "2026-01-05 10:00", "2026-01-06 09:00"]
            ),
            "answered": True,
            "wait_s": [5.0, 30.0, 5.0],
        }
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})
    app = ScorecardApp(contacts, targets=targets, freq="day")
    assert [value for _, value in app.freq.options] == ["all", "quarter", "month", "week", "day"]
    # the latest day first: 6 January, 1 of 1 in time; 5 January 1 of 2
    assert [label for label, _ in app.period.options] == ["2026-01-06", "2026-01-05"]
    assert app.card.table["value"].tolist() == [100.0]
    app.set(freq="quarter")
    # the data covers 5-6 January only: the quarter is marked partial
    assert [label for label, _ in app.period.options] == ["2026-01-01 (partial)"]
    assert app.card.table["value"].tolist() == pytest.approx([200 / 3])  # 2 of 3


def test_deadlines_are_checked_at_the_end_of_the_data_not_of_its_last_breach(url):
    # Day 1 all abandoned, days 2-10 answered at once: the only breaches are on day 1. The
    # clocks ran "as of" the end of day 1 (root cause "2 days left", nothing overdue) although
    # the data runs to day 10.
    days = pd.date_range("2026-03-01 09:00", periods=10, freq="D")
    contacts = pd.DataFrame(
        {
            "contact_id": range(20),
            "arrived_at": days.repeat(2),
            "answered": [day > 0 for day in range(10) for _ in range(2)],
            "wait_s": 5.0,
            "site": "s1",
            "queue": "q1",
        }
    )
    contacts["talk_s"] = contacts["answered"].map({True: 100.0, False: None})
    contacts["agent_id"] = contacts["answered"].map({True: "a1", False: None})
    app = GovernanceApp(contacts, register=url, days=30)
    assert "as of 11 Mar 2026" in app.chart.figure.layout.title.text
    assert "Root cause due Wed 04 Mar 00:00 (overdue by 7 days)" in app.detail.value
    summary = re.sub("<[^>]+>", "", app.summary.value)
    assert "2 root causes and 2 plans overdue" in summary


def test_hot_spots_of_one_cell_are_told_apart_by_their_hot_column():
    # Hot spots crossed with a column other than queue or team (hot_spot="site") were labelled
    # by the cell alone: two bars "14:00–16:00", which root_cause_bars now refuses. By hand:
    # a gap of 10 points, spots of 6 and 3 points of performance -> 60 % and 30 % of the miss.
    from types import SimpleNamespace

    from kpikit.apps._governance_html import contributor_bars

    spots = pd.DataFrame(
        {
            "hours": ["14:00–16:00", "14:00–16:00"],
            "site": ["North", "Harbor"],
            "numerator": [1.0, 1.0],
            "denominator": [2.0, 2.0],
            "performance": [6.0, 3.0],
            "mix": [0.0, 0.0],
            "contribution": [6.0, 3.0],
        }
    )
    segments = pd.DataFrame(columns=["dimension", "segment", "performance", "mix", "contribution"])
    cause = SimpleNamespace(hot_spots=spots, segments=segments, gap=10.0)
    bars = contributor_bars(cause)
    assert bars["label"].tolist() == ["14:00–16:00 North", "14:00–16:00 Harbor"]
    assert bars["performance"].tolist() == [60.0, 30.0]


@pytest.fixture(scope="module")
def two_weeks():
    """The generated center of 1-14 June 2026 (12 agents, seed 3)."""
    return generate(days=14, agents=12, seed=3)


def upload(app, name: str, content: bytes) -> None:
    """Choose a file with the app's upload button, as the browser does."""
    app.upload.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 6, 15),
        },
    )


def test_a_failed_upload_keeps_the_unsaved_action_form(two_weeks, tmp_path):
    # The reader refused the file before the data changed, yet the app recomputed "the
    # previous data" and refilled the form from the register: the owner and plan typed but not
    # saved were wiped.
    app = GovernanceApp(two_weeks, register=f"sqlite:///{tmp_path / 'a.sqlite'}", days=14)
    app.owner.value, app.plan.value = "typed", "long plan"
    caches = app._caches
    bad = two_weeks.contacts.head(3).copy()
    bad.loc[bad.index[0], "wait_s"] = -5.0
    upload(app, "bad.csv", bad.to_csv(index=False).encode())
    assert "Could not use bad.csv" in app.message.value
    assert "contacts.wait_s: 1 row below 0" in app.message.value
    assert (app.owner.value, app.plan.value) == ("typed", "long plan")
    assert app._caches is caches  # nothing recomputed


def test_the_window_ends_at_as_of(two_weeks, tmp_path):
    # With as_of before the end of the data the window had no upper bound: "19 breaches in the
    # 14 days to Fri 05 Jun 2026", listing breaches up to 14 June. The 14 days to 5 June 00:00
    # are 22 May-4 June; the data starts on 1 June, so the breaches of 1-4 June, as in the
    # window of the whole data.
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    app = GovernanceApp(two_weeks, register=url, days=14, as_of="2026-06-05")
    everything = GovernanceApp(two_weeks, register=url, days=14)
    shown = [breach for _, breach in app.breach.options]
    # a breach id's third part is its period: "2026-06-03T00:00"
    before = [b for _, b in everything.breach.options if b.split("/")[2] < "2026-06-05"]
    assert shown and sorted(shown) == sorted(before)
    assert sorted(marks(app.chart)) == sorted(before)
    summary = re.sub("<[^>]+>", "", app.summary.value)
    assert summary.startswith(f"{len(before)} breaches in the 14 days to Fri 05 Jun 2026 00:00")


def test_the_workbook_holds_the_breaches_with_their_actions_and_the_root_cause(two_weeks, tmp_path):
    # The default sheets of the charts' data had only the days and labels of the marks
    # ("x", "✘ missed") and the bars' numbers under a column named "value".
    import io

    import openpyxl

    app = GovernanceApp(two_weeks, register=f"sqlite:///{tmp_path / 'a.sqlite'}", days=14)
    shown = app.breach.value  # the latest breach, the first row of the sheet
    app.author.value, app.owner.value = "Ana", "North lead"
    app.save.click()
    book = openpyxl.load_workbook(io.BytesIO(app.workbook()))
    assert book.sheetnames == ["Breaches", "Root cause"]
    rows = list(book["Breaches"].values)
    assert rows[0][:12] == (
        "Breach id", "KPI", "Site", "Period", "Unit", "Value", "Target", "Gap", "Severity",
        "Root cause due", "Plan due", "Overdue",
    )  # fmt: skip
    assert rows[0][12:16] == ("Action status", "Owner", "Root cause", "Plan")
    assert len(rows) - 1 == len(app.breach.options)
    first = dict(zip(rows[0], rows[1], strict=True))
    breach = app._window.loc[shown]
    # the value by hand from its components, to the percent's one decimal: 100 * num / den
    value = round(100 * breach["numerator"] / breach["denominator"], 1)
    assert (first["Breach id"], first["Value"], first["Owner"]) == (shown, value, "North lead")
    assert first["Gap"] == round(abs(value - breach["target"]), 1)
    assert first["Severity"] == "missed" and first["Last change by"] == "Ana"
    cause = list(book["Root cause"].values)
    assert cause[0] == (
        "Breach id",
        "Contributor",
        "Weaker performance (% of the miss)",
        "More volume than usual, mix (% of the miss)",
    )
    # one row per bar of the chart, each trace a column
    bars = app.cause_chart.figure.data
    assert len(cause) - 1 == len(bars[0].y)
    assert {row[0] for row in cause[1:]} == {shown}


def test_a_breach_whose_id_holds_another_breach_shows_not_its_actions(two_weeks, tmp_path):
    # The same log uploaded again with its times in Paris: each breach keeps its id (KPI,
    # group, day) but its period is another instant (00:00+02:00 is 22:00 UTC the day before,
    # the zone-less one was read as 00:00 UTC). The form showed the zone-less breach's owner,
    # and saving failed with advice to call kk.governance.breach_id.
    app = GovernanceApp(two_weeks, register=f"sqlite:///{tmp_path / 'z.sqlite'}", days=14)
    app.author.value, app.owner.value = "Ana", "Lead"
    app.save.click()
    breach = app.breach.value
    paris = two_weeks.contacts.copy()
    paris["arrived_at"] = paris["arrived_at"].dt.tz_localize("Europe/Paris")
    upload(app, "paris.csv", paris.to_csv(index=False).encode())
    assert app.breach.value == breach
    assert app.owner.value == "" and app.history.value == ""
    said = html.unescape(app.form_message.value)
    assert "holds another breach under this one's id (period 2026-06-" in said
    assert "00:00:00 there, 2026-06-" in said and "22:00:00 here" in said
    app.plan.value = "x"
    app.save.click()
    assert "this breach's cannot be saved in this register" in html.unescape(app.form_message.value)
    assert app.register.history()["value"].tolist() == ["Lead"]  # nothing else written
