"""Group names in figures: shown as written (escaped), kept apart by value, ordered by value."""

import numpy as np
import pandas as pd
import pytest

import kpikit.plots as kp
from kpikit.scorecard import rate

BOLD, LINK, TEMPLATE = "<b>x</b>", "<a href='http://evil'>y</a>", "%{x}"
# What plotly must receive to show each name as written: tags as entities, "%{" not a
# placeholder of a hover template (html.unescape gives each name back).
SHOWN = {
    BOLD: "&lt;b&gt;x&lt;/b&gt;",
    LINK: "&lt;a href='http://evil'&gt;y&lt;/a&gt;",
    TEMPLATE: "&#37;{x}",
}
_TARGETS = pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]})


def _card(teams, values):
    frame = pd.DataFrame({"team": teams, "kpi": "fcr", "value": values})
    return rate(frame, _TARGETS)


def test_scorecard_table_and_heatmap_escape_group_names():
    card = _card(list(SHOWN), [80.0, 72.0, 60.0])
    cells = kp.scorecard_table(card).data[0].cells.values[0]
    assert list(cells) == list(SHOWN.values())
    heatmap = kp.scorecard_heatmap(card).data[0]
    # ordered as text: "%{x}" < "<a ..." < "<b>..." (ASCII % < <, a < b)
    assert list(heatmap.y) == [SHOWN[TEMPLATE], SHOWN[LINK], SHOWN[BOLD]]
    hovers = [line[0] for line in heatmap.customdata]
    assert [hover.split(" · ")[0] for hover in hovers] == list(heatmap.y)


def test_tradeoff_hover_and_customdata_escape_group_names():
    agents = pd.DataFrame(
        {"agent_id": list(SHOWN), "aht": [240.0, 300.0, 360.0], "csat": [78.0, 82.0, 83.0]}
    )
    points = kp.tradeoff(agents, size=None).data[-1]
    assert [text.split("<br>")[0] for text in points.text] == list(SHOWN.values())
    assert list(points.customdata) == list(SHOWN.values())


def test_trend_legend_and_extra_escape_group_names():
    rows = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01"] * 3),
            "team": list(SHOWN),
            "kpi": "fcr",
            "value": [70.0, 80.0, 90.0],
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    lines = kp.trend(rows, kpi="fcr", by="team", highlight=TEMPLATE).data
    assert [line.name for line in lines] == [SHOWN[TEMPLATE], SHOWN[LINK], SHOWN[BOLD]]
    # a group named "%{x}" is no placeholder in its own hover template
    assert lines[0].hovertemplate == "%{text}<extra>&#37;{x}</extra>"
    assert lines[0].line.width == 3  # still highlighted when asked for by its name


def test_breach_timeline_escapes_group_names_and_kpi_names():
    found = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-07-08"] * 2),
            "site": [BOLD, LINK],
            "kpi": "service_level",
            "name": ["Service <i>level</i>", "Service level"],
            "unit": "percent",
            "status": "red",
            "value": 61.0,
            "target": 80.0,
            "breach_id": ["b1", "b2"],
        }
    )
    marks = kp.breach_timeline(found, by=["site"]).data[0]
    assert list(marks.y) == [
        f"Service &lt;i&gt;level&lt;/i&gt; · {SHOWN[BOLD]}",
        f"Service level · {SHOWN[LINK]}",
    ]
    assert marks.hovertext[0].startswith("<b>Service &lt;i&gt;level&lt;/i&gt;</b>")


def test_trend_refuses_several_rows_per_period_without_by():
    # teams a and b each week: one line through both would zigzag through 6 points
    weeks = pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"])
    rows = pd.DataFrame(
        {
            "team": ["a", "b"] * 3,
            "period": weeks.repeat(2),
            "kpi": "fcr",
            "value": [70.0, 80.0, 71.0, 81.0, 72.0, 82.0],
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    with pytest.raises(ValueError, match=r"one row per period but has 6 rows for 3.*\['team'\].*"):
        kp.trend(rows, kpi="fcr")
    with pytest.raises(ValueError, match="by='team'"):
        kp.trend(rows, kpi="fcr")
    with pytest.raises(ValueError, match="the rows repeat"):
        kp.trend(pd.concat([rows[rows["team"] == "a"]] * 2), kpi="fcr")
    assert len(kp.trend(rows, kpi="fcr", by="team").data) == 2  # one line per team


def test_scorecard_heatmap_keeps_groups_apart_by_value():
    # 1 and "1", None and "None": four rows, each with its own value, none overwritten
    card = _card(pd.Series([1, "1", None, "None"], dtype=object), [80.0, 60.0, 72.0, 90.0])
    heatmap = kp.scorecard_heatmap(card).data[0]
    labels = dict(zip(heatmap.y, (line[0] for line in heatmap.text), strict=True))
    # mixed kinds sort by text: "1", "1", "None"; the missing group last. Only the two that
    # read the same are told apart by quoting the text one.
    assert list(heatmap.y) == ["1", '"1"', "None", "(none)"]
    assert labels == {"1": "✔ 80.0 ", '"1"': "✘ 60.0 ", "None": "✔ 90.0 ", "(none)": "! 72.0 "}


def test_scorecard_heatmap_keeps_apart_groups_whose_joined_text_matches():
    frame = pd.DataFrame(
        {"site": ["x · y", "x"], "team": ["z", "y · z"], "kpi": "fcr", "value": [80.0, 60.0]}
    )
    heatmap = kp.scorecard_heatmap(rate(frame, _TARGETS), by=["site", "team"]).data[0]
    assert list(heatmap.y) == ['"x" · "y · z"', '"x · y" · "z"']
    assert [line[0] for line in heatmap.z] == [2, 0]  # 60 missed, 80 met


def test_scorecard_heatmap_orders_numbers_by_size_and_names_a_missing_group():
    card = _card([10.0, 100.0, 9.0, np.nan], [80.0, 81.0, 82.0, 83.0])
    assert list(kp.scorecard_heatmap(card).data[0].y) == ["9.0", "10.0", "100.0", "(none)"]


def test_hour_weekday_heatmap_refuses_weekday_1_and_text_1_in_one_cell():
    cells = pd.DataFrame(
        {
            "weekday": pd.Series([1, "1"], dtype=object),
            "hour": [9, 9],
            "kpi": "service_level",
            "value": [78.0, 85.0],
        }
    )
    with pytest.raises(ValueError, match=r"one row per weekday and hour but has 2 rows for 1"):
        kp.hour_weekday_heatmap(cells, kpi="service_level")
