"""Days whose midnight the clocks skip (America/Santiago, 6 September 2026, starts at 01:00):
texts and axes that compared a time with its day's midnight (``normalize()``) raised
NonExistentTimeError (pandas 3: ValueError) on them."""

import pandas as pd

import kpikit as kk
from kpikit._scorecard.trend import _day
from kpikit.provisional import date_text

ZONE = "America/Santiago"


def _calls():
    # two calls on 5 September and two on 6 September, local time; 1 of 2 within 20 s each day
    arrived = pd.to_datetime(
        ["2026-09-05 09:00", "2026-09-05 10:00", "2026-09-06 09:00", "2026-09-06 10:00"]
    ).tz_localize(ZONE)
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": arrived,
            "answered": True,
            "wait_s": [5.0, 60.0, 5.0, 60.0],
        }
    )


def test_the_breach_timeline_of_a_day_without_midnight_is_drawn():
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})
    found = kk.breaches(_calls(), targets)
    assert found["value"].tolist() == [50.0, 50.0]  # 1 of 2 within 20 s, both days
    figure = kk.plots.breach_timeline(found)
    hovers = [text for trace in figure.data for text in (trace.hovertext or ())]
    assert any("Sun 06 Sep 2026 01:00" in text for text in hovers)
    assert figure.layout.xaxis.tick0 == pd.Timestamp("2026-09-05")


def test_period_texts_of_a_day_without_midnight():
    start = pd.Timestamp("2026-09-06 01:00", tz=ZONE)
    assert date_text(start) == "6 Sep 2026 01:00"
    assert _day(start) == "2026-09-06 01:00:00-03:00"
    assert _day(pd.Timestamp("2026-09-05", tz=ZONE)) == "2026-09-05"


def test_a_report_page_of_a_day_without_midnight():
    from kpikit.governance.cadence import cadence_report
    from kpikit.governance.pages import report_html

    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})
    # the data's span and the report's day were cut with normalize(): NonExistentTimeError
    page = report_html(cadence_report("daily", _calls(), targets, date="2026-09-06"))
    assert "2026-09-06" in page
    assert "50.0 % against 80.0 %, 1 contact short" in page  # 1 of 2 within 20 s
