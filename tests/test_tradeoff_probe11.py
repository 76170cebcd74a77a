"""Probe 11 of the trade-off: no text rounds a value into the edge it misses
(:func:`kpikit.display.decimals_apart`): a correlation short of ±1 is not a perfect line, an
extrapolated x is not the observed edge, and a group below its target shows (in the chart's
hover and the dashboard's sheet) below it."""

import pandas as pd
import pytest

import kpikit.plots as kp
from kpikit.apps import TradeoffApp
from kpikit.tradeoff import correlation_text, extrapolation_text, fit_line

AHT_CSAT = pd.DataFrame({"kpi": ["aht", "csat"], "target": [300.0, 80.0]})


def test_a_correlation_short_of_a_perfect_line_does_not_read_as_one():
    # 0.9999 to 2 decimals is "1.00", a perfect line; -0.001 is "-0.00", a sign on nothing.
    assert correlation_text(0.9999) == "r = 0.9999"
    assert correlation_text(-0.996) == "r = -0.996"
    assert correlation_text(-0.001) == "r = -0.001"
    assert correlation_text(-0.0) == "r = 0.00"
    # floating-point noise of a perfect line (fit_line([1, 2, 3], [2, 4, 6]).r is
    # 0.9999999999999999) is the perfect line; usual values keep 2 decimals
    assert correlation_text(fit_line([1, 2, 3], [2, 4, 6]).r) == "r = 1.00"
    assert correlation_text(-0.51666) == "r = -0.52"


def test_an_extrapolated_x_does_not_read_as_the_observed_edge():
    # x̄ = 330 s; 330 + 90.4 = 420.4 s, past the largest observed 420 s: it read "AHT at 420 s
    # is beyond the observed range (240 s to 420 s)".
    fit = fit_line([240, 300, 360, 420], [78, 82, 83, 88])
    text = extrapolation_text(fit, 90.4, [240, 300, 360, 420], x="aht", groups="teams")
    assert text.startswith("AHT at 420.4 s is beyond the teams' observed range (240 s to 420 s)")
    low = extrapolation_text(fit, -90.3, [240, 300, 360, 420], x="aht", groups="teams")
    assert low.startswith("AHT at 239.7 s is beyond")  # 330 - 90.3


def _agents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent_id": ["a", "b", "c", "d"],
            "aht": [240.0, 299.6, 360.0, 420.0],
            "csat": [85.0, 79.96, 83.0, 70.0],
            "volume": [10, 10, 10, 10],
        }
    )


def test_the_hover_of_a_group_below_its_target_does_not_read_as_at_it():
    fig = kp.tradeoff(_agents(), x_target=300, y_target=80)
    texts = dict(zip(fig.data[-1].customdata, fig.data[-1].text, strict=True))
    # b: AHT 299.6 s (under the 300 s target: "300 s" read as at it), CSAT 79.96 % (under 80 %:
    # "80.0 %" read as met); the others keep their units' decimals.
    assert texts["b"] == "b<br>AHT: 299.6 s<br>CSAT: 79.96 %<br>answered contacts: 10"
    assert texts["a"] == "a<br>AHT: 240 s<br>CSAT: 85.0 %<br>answered contacts: 10"


def _contacts() -> pd.DataFrame:
    """Agents a (200 s, CSAT 5), b (299.5 s and 300 s, CSAT 4 and 5) and c (400 s, CSAT 2)."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "agent_id": ["a", "b", "b", "c"],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * 4),
            "answered": True,
            "wait_s": 5.0,
            "talk_s": [200.0, 299.5, 300.0, 400.0],
            "hold_s": 0.0,
            "acw_s": 0.0,
            "csat": pd.array([5, 4, 5, 2], dtype="Int64"),
        }
    )


def test_the_sheet_stores_a_group_below_its_target_below_it():
    sheet = TradeoffApp(_contacts(), targets=AHT_CSAT).excel_sheets()[0]
    aht = "Average handle time (s)"
    # b: AHT (299.5 + 300) / 2 = 299.75 s, under the 300 s target: stored to 0 decimals it was
    # 300, at the target; 1 decimal sets it apart ("299.8"). a (200 s) and c (400 s) keep 0, and
    # CSAT (100, 100, 0 %, none near 80 %) keeps 1.
    assert sheet.table[aht].tolist() == pytest.approx([200.0, 299.75, 400.0])
    assert sheet.decimals[aht].tolist() == [0, 1, 0]
    assert sheet.decimals["Customer satisfaction (%)"].tolist() == [1, 1, 1]


def _far_apart() -> pd.DataFrame:
    """Agents a, b, c answering one contact each of 100000, 200000 and 400000 s, CSAT 5, 2, 5."""
    return (
        _contacts()
        .iloc[:3]
        .assign(
            agent_id=["a", "b", "c"],
            talk_s=[100000.0, 200000.0, 400000.0],
            csat=pd.array([5, 2, 5], dtype="Int64"),
        )
    )


def test_the_fit_sheet_stores_the_slope_and_r_as_they_are_not_onto_an_edge(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from kpikit.io import write_workbook

    app = TradeoffApp(_far_apart(), targets=AHT_CSAT)
    # CSAT 100, 0, 100 % at AHT 1e5, 2e5, 4e5 s: x̄ = 7e5/3, ȳ = 200/3; deviations of x
    # (-4, -1, 5)·1e5/3 and of y (1, -2, 1)·100/3: sxy = (-4 + 2 + 5)·1e7/9 = 1e7/3,
    # sxx = (16 + 1 + 25)·1e10/9 = 4.2e11/9, slope = 3e7/4.2e11 = 1/14000 = 7.142857e-5
    # (to 4 decimals 0.0001, 40 % off).
    assert app.fit.slope == pytest.approx(1 / 14000)
    path = write_workbook(app.excel_sheets(), tmp_path / "tradeoff.xlsx")
    cells = {
        row[0]: row[1] for row in openpyxl.load_workbook(path)["Fit"].iter_rows(values_only=True)
    }
    assert cells["Slope (y per unit of x)"] == pytest.approx(1 / 14000)
    assert cells["Groups"] == 3
    # y of a line but for +0.01 at the last point: x̄ = 2.5, sxx = 5, ȳ = 2.5025,
    # sxy = 2.25375 + 0.25125 + 0.24875 + 2.26125 = 5.015, syy = 5.030075,
    # r = 5.015 / √(5 · 5.030075) = 0.999997: to 4 decimals 1.0000, a perfect line.
    app.fit = fit_line([1, 2, 3, 4], [1.0, 2.0, 3.0, 4.01])
    fit = app.excel_sheets()[1]
    assert fit.decimals["Value"].tolist() == [0, 6, None, None]  # r stored 0.999997


def test_an_arrival_profile_reads_a_handle_time_column_of_text_without_values():
    # polars reads an empty CSV column as String; none of the two contacts is answered, so the
    # handle time is 0 and the Monday profile has one contact at 09:00 and one at 10:00 (one
    # day each: volume 1.0), no AHT. Before: polars' raw "`sum` operation not supported for
    # dtype `str`"
    import datetime as dt

    import polars as pl

    from kpikit.calibrate import arrival_profile

    log = pl.DataFrame(
        {
            "arrived_at": [dt.datetime(2026, 3, 2, 9), dt.datetime(2026, 3, 2, 10)],
            "answered": [False, False],
            "wait_s": [10.0, 20.0],
            "talk_s": pl.Series([None, None], dtype=pl.String),
        }
    )
    eager = arrival_profile(log, interval="hour")
    lazy = arrival_profile(log.lazy(), interval="hour")
    for profile in (eager, lazy):
        busy = profile[profile["volume"] > 0]
        assert busy["interval_start"].tolist() == ["09:00", "10:00"]
        assert busy["volume"].tolist() == [1.0, 1.0] and busy["aht_s"].isna().all()
