"""Faults of the governance dashboard found by a browser probe, after uploading hand_contacts()
as CSV on a laptop: the calendar's hours, the "center" placeholder, shares of the miss above
100 %, the due date written as text and the upload counter reading 0."""

import datetime as dt
import html
import io
import re

import ipywidgets as widgets
import pandas as pd
import pytest
from fixtures import hand_contacts
from test_apps_governance import upload

from kpikit.apps import GovernanceApp

pytest.importorskip("sqlalchemy")

DAY_MS = 24 * 3600 * 1000

# Thu 5 Mar 2026, service level: #8 (phone, 60 s) late, #9 (chat, 8 s) in time: 50 %, 30 points
# short of 80 %. Phone (half the contacts) at 0 % contributes 0.5 * 80 = 40 points, chat at
# 100 % gives back 0.5 * 20 = 10: 40 / 30 = 133 % of the miss, the others made up 33 %.
# Usually (the whole log) phone has 7 of the 10 contacts: performance 0.7 * 80 = 56 points
# (187 %), mix (0.5 - 0.7) * 80 = -16 points (-53 %); 187 - 53 = 133.
SL_BREACH = "service_level/day/2026-03-05T00:00"


@pytest.fixture
def app(tmp_path):
    """The dashboard with hand_contacts() uploaded as hand.csv (no site: the whole center)."""
    app = GovernanceApp(register=f"sqlite:///{tmp_path / 'a.sqlite'}", days=30)
    upload(app, "hand.csv", hand_contacts().to_csv(index=False).encode())
    assert "Loaded hand.csv." in app.message.value
    return app


def test_the_calendar_marks_days_with_half_a_day_each_side(app):
    # Marks on 2, 3 and 5 Mar: plotly ticked every 12 hours ("00:00 / 12:00" between days)
    # and the 5 Mar mark sat on the right edge.
    axis = app.chart.figure.layout.xaxis
    assert axis.dtick == DAY_MS and axis.tickformat == "%d %b"
    assert [pd.Timestamp(bound) for bound in axis.range] == [
        pd.Timestamp("2026-03-01 12:00"),
        pd.Timestamp("2026-03-05 12:00"),
    ]


def test_a_breach_of_the_whole_center_is_named_so(app):
    # '05 Mar · center · SL 50.0 %': the level's key where a manager reads a group
    labels = [label for label, _ in app.breach.options]
    assert labels[0] == "05 Mar · Whole center · SL 50.0 %"
    assert not any("· center ·" in label for label in labels)


def test_a_share_above_the_whole_miss_says_what_made_up_the_rest(app):
    # "Channel phone: 133 % of the miss" while its bar ran past the 150 % tick
    app.breach.value = SL_BREACH
    assert (
        "Channel phone: 133 % of the miss (service level 0.0 % on 50 % of contacts; weaker "
        "performance; the others made up 33 %)." in html_text(app.detail.value)
    )
    figure = app.cause_chart.figure
    parts = {trace.name: dict(zip(trace.y, trace.x, strict=True)) for trace in figure.data}
    assert parts["weaker performance"]["Channel: phone"] == pytest.approx(560 / 3)
    assert parts["more volume than usual (mix)"]["Channel: phone"] == pytest.approx(-160 / 3)
    # the bar's end, 187 %, says its share of the miss: 133 % net
    notes = {note.y: note for note in figure.layout.annotations}
    assert notes["Channel: phone"].text == "133 % net"
    assert notes["Channel: phone"].x == pytest.approx(560 / 3)
    assert notes["12:00–14:00"].text == "100 %"


def test_the_due_date_is_written_as_a_date(app):
    openpyxl = pytest.importorskip("openpyxl")
    app.breach.value = SL_BREACH
    app.author.value, app.due_date.value = "Ana", dt.date(2026, 9, 15)
    app.save.click()
    book = openpyxl.load_workbook(io.BytesIO(app.workbook()))
    header, *rows = book["Breaches"].values
    dues = {row[0]: row[header.index("Due date")] for row in rows}
    assert dues[SL_BREACH] == dt.datetime(2026, 9, 15)
    assert {dues[breach] for breach in dues if breach != SL_BREACH} == {None}


def test_the_upload_button_shows_no_file_count(app):
    # ipywidgets 8 writes "Upload data (0)" after the app forgets the file it loaded
    assert app.upload.description == "Upload data"
    assert "kpikit-upload" in app.upload._dom_classes
    page = "".join(child.value for child in walk(app.widget) if isinstance(child, widgets.HTML))
    assert re.search(r"\.kpikit-upload[^{]*\{[^}]*font-size: 0", page)
    assert 'content: "Upload data"' in page


def walk(widget):
    """The widget and every widget inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def html_text(value: str) -> str:
    """HTML as the text a reader sees (a no-break space read as a space)."""
    return html.unescape(re.sub("<[^>]+>", "", value)).replace("\xa0", " ")
