"""Probe 3 of the monitor, the plan and the trade-off helpers: each test failed before its fix.

Expected values are worked by hand on the small fixtures, as the comments say.
"""

import pandas as pd
import pytest

from kpikit.monitor import IntradayMonitor, staffed_agents
from kpikit.tradeoff import describe_projection, extrapolation_text, fit_line, project_kpis


def _log(tmp_path, rows):
    path = tmp_path / "live.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_hourly_intervals_keep_the_last_half_hour_of_a_day_of_23_and_a_half_hours(tmp_path):
    # Lord Howe Island moves its clocks on by 30 minutes on 4 October 2026 (02:00 -> 02:30):
    # the day lasts 23.5 hours. Hourly intervals from midnight, by hand: 23 whole hours and a
    # last half hour from 23:30 (elapsed 23 h). The contact at 23:40 fell in that half hour,
    # which was cut off: the day showed 1 contact of 2, silently.
    path = _log(
        tmp_path,
        [
            {"contact_id": "c1", "arrived_at": "2026-10-04 09:00", "answered": True, "wait_s": 10},
            {"contact_id": "c2", "arrived_at": "2026-10-04 23:40", "answered": True, "wait_s": 10},
        ],
    )
    zone = "Australia/Lord_Howe"
    view = IntradayMonitor(path, tz=zone, freq="hour").refresh(
        now=pd.Timestamp("2026-10-04 23:59", tz=zone)
    )
    assert view.contacts == 2 and view.day["volume"] == 2  # by hand: both contacts
    assert len(view.intervals) == 24  # 23 hours and the last half hour
    last = view.intervals.iloc[-1]
    assert last["period"] == pd.Timestamp("2026-10-04 23:30", tz=zone)
    assert last["volume"] == 1.0 and last["service_level"] == 100.0  # 10 s <= 20 s


def test_rows_without_a_contact_id_are_refused_not_merged_into_one_contact(tmp_path):
    # Three contacts, two of them without an id: they were dropped as duplicates of each other
    # (the last row won), so the day counted 2 contacts and a service level of 0 % (the 40 s
    # answer and the abandon) where the log holds 3 contacts. A row without an id cannot be
    # matched with its contact's other rows: refused, named by its arrival.
    path = _log(
        tmp_path,
        [
            {"contact_id": None, "arrived_at": "2026-03-02 09:00", "answered": True, "wait_s": 10},
            {"contact_id": None, "arrived_at": "2026-03-02 09:05", "answered": False, "wait_s": 30},
            {"contact_id": "c3", "arrived_at": "2026-03-02 09:10", "answered": True, "wait_s": 40},
        ],
    )
    monitor = IntradayMonitor(path)
    with pytest.raises(ValueError, match=r"'contact_id'.* 2 row\(s\) have none") as error:
        monitor.refresh(now="2026-03-02 09:30")
    assert "2026-03-02 09:00:00, 2026-03-02 09:05:00" in str(error.value)


def test_one_interval_start_of_thirty_minute_rows_is_not_read_as_a_quarter_hour():
    # Two agents' 30-minute rows, both at 09:00: with one start there is no gap to read the
    # rows' length from, and each was taken as 15 minutes: 1800 s + 1800 s over 900 s = 4.0
    # agents at 09:00 and none at 09:15. A row of 1800 s covers at least two quarter hours; by
    # hand, each agent is on the phones for both: 2.0 agents at 09:00 and at 09:15.
    rows = pd.DataFrame(
        {
            "agent_id": ["a", "b"],
            "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:00"]),
            "handling_s": [1200.0, 1800.0],
            "available_s": [600.0, 0.0],
        }
    )
    staffed = staffed_agents(rows, freq="15min")
    assert staffed.to_dict() == {
        pd.Timestamp("2024-01-01 09:00"): 2.0,
        pd.Timestamp("2024-01-01 09:15"): 2.0,
    }
    # a row no longer than the interval stays in it: 900 s + 600 s over 900 s = 1.667
    short = rows.assign(handling_s=[900.0, 600.0], available_s=[0.0, 0.0])
    assert staffed_agents(short, freq="15min").round(3).tolist() == [1.667]


@pytest.mark.parametrize("argument", ["x", "y"])
def test_an_unknown_kpi_of_a_projection_is_named_by_its_argument(argument):
    # project_kpis(x="ahtt") said "Value of 'kpi_id'": the catalog's name, not the caller's.
    fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])
    kpis = {"x": "aht", "y": "csat", argument: "ahtt"}
    calls = [
        lambda: project_kpis(fit, 30, **kpis),
        lambda: describe_projection(fit.project(30), **kpis),
    ]
    if argument == "x":
        calls.append(lambda: extrapolation_text(fit, 120, [240, 420], x="ahtt", groups="teams"))
    for call in calls:
        with pytest.raises(ValueError, match=rf"^Value of '{argument}' is not a KPI id.*'ahtt'"):
            call()


def test_the_day_forecast_refuses_a_freq_of_a_day():
    # day_forecast(freq="day") gave one row, the day's volume, which no monitor can follow
    # (its freq is 15min, 30min or hour): refused as the monitor refuses it.
    import kpikit as kk
    from kpikit.monitor import day_forecast

    with pytest.raises(ValueError, match="^Value of 'freq' is not an intraday interval"):
        day_forecast(kk.load_sample(), "2026-08-29", freq="day")
