"""Probe 9 of the dashboards, used as a manager would, without a browser.

- The center's scorecard table was headed by its period's date alone: a period that starts
  after midnight (an hourly period; a day of a time zone whose clocks skip midnight, as
  America/Santiago's do on 2026-09-06, starts at 01:00) lost its time of day. It now says
  the time when the period does not start at midnight, as the scorecard plots do.
- The day plan's summary said the peak's agents reaching the targets to one decimal, "13.0
  rounded up" beside 14 agents for 13.02: it now gives the decimals that keep 13.02 above 13.
"""

import pandas as pd

from kpikit.apps import ScorecardApp
from kpikit.apps.staffing_plan import plan_summary_html
from kpikit.plots._scorecard import period_text

SL_TARGET = pd.DataFrame({"kpi": ["service_level"], "target": [80], "tolerance": [10]})


def _santiago_contacts() -> pd.DataFrame:
    """Three calls in Santiago: one on 2026-09-05 and two on 2026-09-06, the day its clocks go
    from 00:00 to 01:00 (that day starts at 01:00 local time)."""
    arrived = pd.to_datetime(["2026-09-05 09:00", "2026-09-06 09:05", "2026-09-06 10:07"])
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "team": ["a", "a", "b"],
            "arrived_at": arrived.tz_localize("America/Santiago"),
            "answered": [True, True, False],
            "wait_s": [5.0, 30.0, 50.0],
        }
    )


def test_the_center_table_says_the_hour_of_a_period_that_starts_after_midnight():
    # was: "Scorecard of the center · period starting 2026-09-06", the 01:00 start lost.
    app = ScorecardApp(
        _santiago_contacts(), targets=SL_TARGET, freq="day", level="center", tz="America/Santiago"
    )
    assert pd.Timestamp(app.period.value).strftime("%Y-%m-%d %H:%M") == "2026-09-06 01:00"
    assert "Scorecard of the center · period starting 2026-09-06 01:00<" in app.center_table.value
    # by hand: on 2026-09-06, one call answered after 30 s and one abandoned after 50 s, none
    # within 20 s: service level 0 / 2 = 0 %
    assert app.card.table["value"].tolist() == [0.0]
    # a day that starts at midnight keeps its date alone
    app.set(period=pd.Timestamp("2026-09-05", tz="America/Santiago"))
    assert "Scorecard of the center · period starting 2026-09-05<" in app.center_table.value


def test_the_team_heatmap_of_a_day_without_midnight_is_drawn():
    # was pytz.NonExistentTimeError (pandas 3: ValueError) from the heatmap's title: the
    # title compared the start with its day's midnight, which Santiago skips on 2026-09-06
    app = ScorecardApp(
        _santiago_contacts(), targets=SL_TARGET, freq="day", level="team", tz="America/Santiago"
    )
    # by hand: team a answered its one call of 2026-09-06 after 30 s, team b abandoned: 0 %
    assert app.card.table["value"].tolist() == [0.0, 0.0]
    title = app.chart.figure["layout"]["title"]["text"]
    assert "period starting 2026-09-06 01:00" in title


def test_period_text_of_an_hour_a_midnight_and_no_period():
    hourly = pd.DataFrame({"period": pd.to_datetime(["2026-03-06 09:30"])})
    assert period_text(hourly) == " · period starting 2026-03-06 09:30"
    midnight = pd.DataFrame({"period": pd.to_datetime(["2026-03-06"]).tz_localize("UTC")})
    assert period_text(midnight) == " · period starting 2026-03-06"
    assert period_text(pd.DataFrame({"kpi": ["aht"]})) == ""


def test_the_day_plans_peak_is_not_said_as_a_whole_number_it_rounds_up_from():
    # was: "<b>14 agents</b> needed ... at the peak (09:00: 13.0 rounded up)": 13.02 agents
    # reaching the targets shown to one decimal read as 13, which rounds up to 13, not 14.
    plan = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00"]),
            "fractional_required": [13.02],
        }
    )
    totals = {
        "peak_period": plan["period"].iloc[0],
        "contacts": 200.0,
        "peak_required": 14,  # ceil(13.02)
        "short_intervals": 0,
        "intervals": 1,
        "short_agent_hours": 0.0,
        "service_level": 85.0,
        "below_target": 0,
    }
    summary = plan_summary_html(
        plan,
        totals,
        day=pd.Timestamp("2024-03-04"),
        source="the roster",
        model="seasonal_naive",
        target_sl=80.0,
        threshold_s=20.0,
    )
    assert "at the peak (09:00: 13.02 rounded up)" in summary
