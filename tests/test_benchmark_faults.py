"""Faults found by a probe of the benchmarks dashboard and the sector overview chart.

Expected figures come from benchmarks.csv, which cites seed 002 ("Call center KPIs for
outsourcing: top 10 metrics with benchmarks"): service level "80 % of calls answered within
20 seconds (80/20) ... some industries target 90/15 for premium service".
"""

import math

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import BenchmarksApp
from kpikit.apps.benchmarks import _sector_ranges


@pytest.fixture
def data():
    return kk.Dataset(contacts=hand_contacts())


# Fault 1: a service-level range is shown with its answer threshold, and yours with its own.


def test_sector_table_gives_service_level_thresholds():
    cell = _sector_ranges("phone")[("all", "service_level")]
    # seed 002: 80/20 is the standard, 90/15 the premium target
    assert "target 80.0&nbsp;% or more within 20&nbsp;s" in cell
    assert "world class 90.0&nbsp;% or more within 15&nbsp;s" in cell


def test_dashboard_shows_your_service_level_threshold_beside_the_benchmarks(data):
    app = BenchmarksApp(
        data, values={"service_level": 91}, sector="all", channel="phone", sl_threshold_s=20
    )
    # The table's "You" column and the chart's annotation and hovers.
    assert "91.0&nbsp;% within 20&nbsp;s" in app.table.value
    state = app.chart.figure.to_plotly_json()
    texts = [a["text"] for a in state["layout"]["annotations"]]
    assert any("you: 91.0 % within 20 s" in text for text in texts), texts
    hovers = [trace["hovertemplate"] for trace in state["data"]]
    assert "World class: 90.0 % or more within 15 s<extra></extra>" in hovers
    assert "Value: 91.0 % within 20 s<extra></extra>" in hovers


def test_excel_sheet_gives_both_thresholds(data):
    app = BenchmarksApp(data, sector="all", channel="phone", sl_threshold_s=20)
    table = app.excel_sheets()[0].table.set_index("KPI")
    row = table.loc[kk.kpi("service_level").name]
    assert row["Yours within (s)"] == 20  # the app's option for phone
    assert row["World class within (s)"] == 15  # seed 002: 90/15
    assert row["Target within (s)"] == 20  # seed 002: 80/20
    sides = app.excel_sheets()[1].table.set_index("KPI")
    assert "within 15 s" in sides.loc[kk.kpi("service_level").name, "All sectors"]


# Fault 2: a sector's own all-channel figures are not grey when a channel is chosen.


def test_sector_own_all_channel_figures_are_not_grey():
    cells = _sector_ranges("phone")
    # benchmarks.csv: healthcare's own FCR target 72-80 % and CSAT target 88-92 % (all channels)
    assert "<div>target 72.0&nbsp;% to 80.0&nbsp;%</div>" in cells[("healthcare", "fcr")]
    assert "<div>target 88.0&nbsp;% to 92.0&nbsp;%</div>" in cells[("healthcare", "csat")]
    # the general FCR average 70-75 % stands in for healthcare: marked (general), grey italic
    assert (
        "<div style='color: #595959; font-style: italic'>avg 70.0&nbsp;% to 75.0&nbsp;% "
        "(general)</div>" in cells[("healthcare", "fcr")]
    )
    # financial services' own AHT 5-8 min (300-480 s) on email
    assert (
        "<div>avg 300&nbsp;s to 480&nbsp;s</div>"
        in _sector_ranges("email")[("financial_services", "aht")]
    )
    # The "All sectors" column holds only general figures, never borrowed ones.
    assert not any("(general)" in text for (sector, _), text in cells.items() if sector == "all")


# Fault 3: typed values are checked when the app is built.


@pytest.mark.parametrize(
    ("value", "error", "problem"),
    [
        (150, ValueError, "<= 100 but received: 150"),
        ("abc", TypeError, "must be a number but received: 'abc'"),
        (math.nan, ValueError, "received: nan"),
        (math.inf, ValueError, "received: inf"),
    ],
)
def test_typed_values_are_checked_at_construction(value, error, problem):
    with pytest.raises(error, match=r"values\['fcr'\]") as caught:
        BenchmarksApp(None, values={"fcr": value})
    assert problem in str(caught.value)


def test_typed_value_for_unknown_kpi_is_refused():
    with pytest.raises(ValueError, match="values"):
        BenchmarksApp(None, values={"fcrr": 70})


# Fault 4: sector_overview refuses rows it would draw on the wrong axis or drop.


@pytest.mark.parametrize(
    ("kpi", "unit", "low", "high", "catalog_unit"),
    [("aht", "minutes", 4, 6, "seconds"), ("fcr", "fraction", 0.70, 0.75, "percent")],
)
def test_sector_overview_refuses_rows_in_another_unit(kpi, unit, low, high, catalog_unit):
    rows = pd.DataFrame(
        {"kpi": [kpi], "tier": ["average"], "low": [low], "high": [high], "unit": [unit]}
    )
    with pytest.raises(
        ValueError, match=f"row 0: {kpi} in '{unit}', catalog unit '{catalog_unit}'"
    ):
        kk.plots.sector_overview(rows)


def test_sector_overview_refuses_several_channels_for_one_kpi():
    # benchmarks.csv: cost per contact phone 3.5-8, chat 2-5, email 1.5-4 (no channel chosen)
    with pytest.raises(
        ValueError, match=r"cost_per_contact: \['phone', 'chat', 'email'\].*channel="
    ):
        kk.plots.sector_overview(kk.benchmarks(sector="healthcare"))


def test_sector_overview_draws_general_rows_beside_one_channel():
    # channel chosen: general (all-channel) rows stand in and are drawn with the phone rows
    figure = kk.plots.sector_overview(kk.benchmarks(sector="healthcare", channel="phone"))
    hovers = [trace.hovertemplate for trace in figure.data]
    assert any(hover.startswith("Average range: 3.5") for hover in hovers), hovers
