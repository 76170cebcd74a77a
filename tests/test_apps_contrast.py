"""Text in a status colour keeps 4.5:1 (WCAG 1.4.3), and a change or a borrowed figure is
told by more than its colour (WCAG 1.4.1): benchmarks' "Sectors side by side", the scorecard's
trend arrows, the monitor's service-level tile and the staffing plan's ✘.

The ratio is WCAG 2's: (L1 + 0.05) / (L2 + 0.05) of the relative luminances, lighter first.
By hand for the benchmarks' old grey: #888888 has each channel 136/255 = 0.5333, linearised
((0.5333 + 0.055) / 1.055) ** 2.4 = 0.2462, so L = 0.2462 and against white (L = 1)
1.05 / 0.2962 = 3.54:1 (the probe's figure); #595959: 89/255 = 0.3490 -> 0.0999,
1.05 / 0.1499 = 7.00:1.
"""

import html
import re

import pandas as pd
import pytest
from fixtures import monitor_contacts

from kpikit.apps import MonitorApp
from kpikit.apps.benchmarks import _sector_ranges
from kpikit.display import RAG_TINTS
from kpikit.monitor import live_events
from kpikit.plots import scorecard_heatmap, scorecard_table, staffing_plan

AA_TEXT = 4.5
WHITE = "#FFFFFF"
BACKGROUNDS = [WHITE, *RAG_TINTS.values()]


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""
    channels = [int(color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_helper_agrees_with_the_hand_calculation():
    assert contrast("#888888", WHITE) == pytest.approx(3.54, abs=0.005)
    assert contrast(WHITE, "#595959") == pytest.approx(7.00, abs=0.005)
    assert contrast("#000000", WHITE) == pytest.approx(21.0)


def colors_in(markup: str) -> list[str]:
    return re.findall(r"color:\s*(#[0-9A-Fa-f]{6})\b", markup)


@pytest.mark.parametrize("channel", ["all", "phone", "email"])
def test_sector_figures_are_legible_and_borrowed_ones_say_so(channel):
    cells = _sector_ranges(channel)
    divs = [div for text in cells.values() for div in re.findall(r"<div[^>]*>.*?</div>", text)]
    colored = [div for div in divs if "color" in div]
    assert colored, "no borrowed figure to check"
    for div in colored:
        for color in colors_in(div):
            assert contrast(color, WHITE) >= AA_TEXT, div
        # the colour is not the only sign: a word (and italics) say the figure is borrowed
        assert "(general)" in div and "italic" in div, div
    assert all("(general)" not in div for div in divs if div not in colored)


def _rated():
    """Two teams, FCR and AHT: a's FCR rose (better), a's AHT rose (worse), b's FCR fell
    (worse), b's AHT fell (better)."""
    return pd.DataFrame(
        {
            "team": ["a", "a", "b", "b"],
            "kpi": ["fcr", "aht", "fcr", "aht"],
            "name": ["First contact resolution", "Average handle time"] * 2,
            "unit": ["percent", "seconds"] * 2,
            "better": ["higher", "lower"] * 2,
            "value": [76.0, 390.0, 72.0, 280.0],
            "target": [75, 300] * 2,
            "band_low": [None] * 4,
            "band_high": [None] * 4,
            "status": ["green", "red", "amber", "green"],
            "score": [100.0, 0.0, 50.0, 100.0],
            "trend": ["up", "up", "down", "down"],
            "improved": [True, False, False, True],
            "ramped": [False] * 4,
        }
    )


def test_scorecard_heatmap_arrows_are_legible_on_every_tint_and_shaped_by_merit():
    fig = scorecard_heatmap(_rated())
    heat = fig.data[0]
    arrows = {}
    for row_text, row_hover in zip(heat.text, heat.customdata, strict=True):
        for text, hover in zip(row_text, row_hover, strict=True):
            found = re.search(r"<span style='color:(#[0-9A-Fa-f]{6})'>(.)</span>", text)
            assert found, text
            color, mark = found.groups()
            for background in BACKGROUNDS:  # any arrow may sit on any status tint
                assert contrast(color, background) >= AA_TEXT, (text, background)
            arrows[mark] = hover
    # filled when better, outlined when worse, and the hover says it in a word
    assert set(arrows) == {"▲", "▼", "△", "▽"}
    assert arrows["▲"].endswith("up (better)") and arrows["▼"].endswith("down (better)")
    assert arrows["△"].endswith("up (worse)") and arrows["▽"].endswith("down (worse)")
    legend = " ".join(annotation.text for annotation in fig.layout.annotations)
    assert "▲▼ better" in legend and "△▽ worse" in legend


def test_scorecard_table_trend_text_is_legible_and_worded():
    table = scorecard_table(_rated()).data[0]
    columns = [value.replace("<b>", "").replace("</b>", "") for value in table.header.values]
    trend = columns.index("Trend")
    assert list(table.cells.values[trend]) == [
        "▲ up, better",
        "△ up, worse",
        "▽ down, worse",
        "▼ down, better",
    ]
    for color in table.cells.font.color[trend]:
        assert contrast(color, WHITE) >= AA_TEXT


def test_monitor_service_level_mark_is_legible(tmp_path):
    (tmp_path / "today").mkdir()
    live_events(monitor_contacts()).drop(columns="event_at").to_csv(
        tmp_path / "today" / "000001.csv", index=False
    )
    app = MonitorApp(monitor_contacts(), source="today", sources_dir=tmp_path, target_sl=80)
    tiles = app.tiles.value.split("<div class='kpikit-tile'>")
    tile = next(part for part in tiles if "Service level" in part)
    assert "✘" in html.unescape(tile)  # 40 % of 5 within 20 s, below 80 %
    colors = colors_in(tile)
    assert colors
    for color in colors:
        assert contrast(color, WHITE) >= AA_TEXT


def test_staffing_plan_miss_mark_is_legible():
    plan = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 100.0],
            "required": [14, 14],
            "staffed": [12.0, 16.0],
            "gap": [-2.0, 2.0],
            "service_level": [64.0, 95.0],
        }
    )
    bars = staffing_plan(plan).data[3]
    assert list(bars.text) == ["✘", ""]
    for background in BACKGROUNDS:
        assert contrast(bars.textfont.color, background) >= AA_TEXT
