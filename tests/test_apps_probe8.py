"""Probe 8 of the dashboards' parameters and the trade-off view.

- ``app.set(what_if=nan)`` was taken (the dashboard then said "No what-if for AHT +nan"), and
  ``set(weighted=1)`` too, while the constructor refuses both: ``set`` now checks each value
  as the constructor does (``Param.check``), and checks them all before it sets any (a
  refused value left the controls before it changed but undrawn). ``Param.check`` said NaN
  "must be a float": it says "a finite number" now; and it refused numpy's numbers (an
  ``np.int64`` count read from a frame: "must be a float but received: np.int64(60)").
- With two groups the dashboard said "Too few agents" but the Excel "Fit" sheet gave r -1.00,
  a slope and an intercept, and the chart's title "r = -1.00 (n = 2)".
- ``describe_projection`` of a projection cut at y's scale said "95 % range +17.2 to +17.2",
  without a word of the cut.
"""

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpikit.apps import TradeoffApp
from kpikit.apps.params import Param
from kpikit.tradeoff import describe_projection, fit_line, project_kpis

TARGETS = pd.DataFrame({"kpi": ["aht", "csat"], "target": [300, 80]})


def _contacts(agents=("a", "a", "b", "c")) -> pd.DataFrame:
    """Agent a: AHT (200 + 220) / 2 = 210 s, CSAT 100 % (5 and 4 of 5 are satisfied); b: 300 s,
    0 % (a 3); c: 400 s, 0 % (a 2)."""
    rows = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "agent_id": ["a", "a", "b", "c"],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * 4),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": [200.0, 220.0, 300.0, 400.0],
            "hold_s": 0.0,
            "acw_s": 0.0,
            "csat": pd.array([5, 4, 3, 2], dtype="Int64"),
        }
    )
    return rows[rows["agent_id"].isin(agents)].reset_index(drop=True)


@pytest.fixture(scope="module")
def app():
    """The dashboard on agents a, b, c; the tests that share it leave it as it is."""
    return TradeoffApp(_contacts(), targets=TARGETS)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"what_if": float("nan")}, "Value of 'what_if' must be a finite number but received: nan"),
        ({"what_if": float("inf")}, "Value of 'what_if' must be a finite number but received: inf"),
        ({"weighted": 1}, "Value of 'weighted' must be a bool but received: 1"),
        # x is valid but comes with a refused what-if: neither is set
        ({"x": "fcr", "what_if": float("nan")}, "Value of 'what_if' must be a finite number"),
    ],
)
def test_set_refuses_what_the_constructor_refuses_and_changes_nothing(app, values, message):
    # was: set(what_if=nan) taken, the text "No what-if for AHT +nan: ..."; weighted=1 taken
    # as True; with x="fcr" first, x was set and left undrawn when what_if was refused.
    with pytest.raises(ValueError, match="^" + message.replace("'", ".")):
        TradeoffApp(_contacts(), targets=TARGETS, **values)
    with pytest.raises(ValueError, match="^" + message.replace("'", ".")):
        app.set(**values)
    assert (app.x.value, app.what_if.value, app.weighted.value) == ("aht", 30.0, False)
    assert "nan" not in app.projection.value and "nan" not in app.message.value


def test_numpy_numbers_are_numbers_for_the_parameters():
    # was: TradeoffApp(what_if=np.int64(60)) refused, "must be a float but received:
    # np.int64(60)" (a count read from a frame); now 60.0, as for the int 60.
    assert TradeoffApp(_contacts(), targets=TARGETS, what_if=np.int64(60)).what_if.value == 60.0
    staffing = Param("volume", 120.0, "Contacts", low=1, high=2000, whole=True)
    assert staffing.check(np.int64(300)) == 300.0
    with pytest.raises(ValueError, match="must be a whole number but received"):
        staffing.check(np.float32(3.5))


def test_two_groups_give_no_r_slope_or_intercept_in_the_sheet_or_the_title():
    # Agents a (210 s, 100 %) and b (300 s, 0 %): two points lie on a line, r = -1 whatever
    # they are; MIN_FIT_POINTS is 3, so no relation. was: Fit sheet r -1.0, slope -1.11
    # (= -100 / 90), intercept 333.3, title "r = -1.00 (n = 2)".
    app = TradeoffApp(_contacts(("a", "b")), targets=TARGETS)
    assert "Too few agents with both values" in app.projection.value
    assert app.chart.figure.layout.title.text.endswith("· too few to fit (n = 2)")
    sheet = openpyxl.load_workbook(io.BytesIO(app.workbook()))["Fit"]
    cells = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == {
        "Groups": 2,
        "Pearson's r": None,
        "Slope (y per unit of x)": None,
        "Intercept": None,
    }


def test_three_groups_still_give_the_fit_in_the_sheet(app):
    # a, b, c: x̄ = 910 / 3 = 303.33 s, ȳ = 33.33 %; sxy = -9333.3, sxx = 18066.7, syy =
    # 6666.7: slope -0.5166 (the app's docstring), intercept 33.33 + 0.5166 · 303.33 = 190.04,
    # r = -9333.3 / √(18066.7 · 6666.7) = -0.85.
    summary = app.excel_sheets()[1].table.set_index("Measure")["Value"]
    assert summary["Slope (y per unit of x)"] == pytest.approx(-0.5166, abs=1e-4)
    assert summary["Intercept"] == pytest.approx(190.04, abs=0.01)
    assert app.chart.figure.layout.title.text.endswith("· r = -0.85 (n = 3)")


def test_describe_projection_says_the_cut_and_drops_the_closed_range():
    # CSAT 82.75 % at the mean AHT 330 s; +3000 s by the line is +159.3 points, cut at
    # 100 - 82.75 = +17.25: both ends of the range are cut to +17.25 as well.
    fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])
    projection, cut = project_kpis(fit, 3000, x="aht", y="csat")
    text = describe_projection(projection, x="aht", y="csat", cut=cut)
    # was: "... CSAT +17.2 percentage points (95 % range +17.2 to +17.2). This is ..."
    assert "95 % range" not in text
    assert "CSAT +17.2 percentage points, cut where CSAT reaches its limit (0.0 % to 100.0 %)" in (
        text
    )
    with pytest.raises(TypeError, match="'cut' must be True or False"):
        describe_projection(projection, x="aht", y="csat", cut="yes")


def test_the_dashboard_says_the_cut_once():
    # ȳ = 33.33 %, slope -0.5166: AHT -300 s is +155 points by the line, cut at 100 - 33.33
    # = +66.7 (x̄ - 300 = 3.3 s stays on AHT's scale); the range's low end, with t(1) =
    # 12.7, is below the scale too: cut at 0 - 33.33 = -33.3.
    app = TradeoffApp(_contacts(), targets=TARGETS, what_if=-300.0)
    text = app.projection.value
    assert (
        "CSAT +66.7 percentage points (95 % range -33.3 to +66.7), cut where CSAT reaches its "
        "limit (0.0 % to 100.0 %)" in text
    )
    assert text.count("reaches its limit") == 1
