"""Probe 10 of how numbers are shown: values that must not read as the target they miss."""

from types import SimpleNamespace

import pandas as pd
import pytest

import kpikit as kk
from kpikit import display
from kpikit._scorecard.export import scorecard_sheet
from kpikit.governance import breaches
from kpikit.governance.cadence import _breach_line, breach_table
from kpikit.governance.pages import _excel_cell, _sparkline, _table_html
from kpikit.governance.words import _dimension_texts, percent_text
from kpikit.plots._engine import level_text


def _occupancy_breach(handling_s: float) -> pd.Series:
    """The one breach of a day whose occupancy is ``handling_s`` of 1000 logged-in seconds,
    against a 75-85 % band with a 5-point tolerance."""
    contacts = pd.DataFrame(
        {
            "contact_id": [1],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00"]),
            "answered": [True],
            "wait_s": [5.0],
        }
    )
    agents = pd.DataFrame(
        {
            "agent_id": ["a"],
            "interval_start": pd.to_datetime(["2026-01-05 09:00"]),
            "handling_s": [handling_s],
            "available_s": [1000.0 - handling_s],
        }
    )
    targets = pd.DataFrame(
        {"kpi": ["occupancy"], "band_low": [75.0], "band_high": [85.0], "tolerance": [5.0]}
    )
    found = breaches(kk.Dataset(contacts=contacts, agent_intervals=agents), targets)
    assert len(found) == 1
    return found.iloc[0]


@pytest.mark.parametrize(
    ("handling_s", "edge", "shown"),
    [
        # occupancy 850.4 / (850.4 + 149.6) = 85.04 %, past the band's high edge 85 (amber)
        (850.4, "85.0 %", "85.04 %"),
        # 900.4 / 1000 = 90.04 %, past 85 + 5 = 90, where amber turns red
        (900.4, "90.0 %", "90.04 %"),
    ],
)
def test_band_breach_value_does_not_read_as_the_band_edge_it_misses(handling_s, edge, shown):
    row = _occupancy_breach(handling_s)
    assert row["better"] == "band" and row["target"] == 85.0  # the edge it missed
    assert display.rated_value_text(row) == shown  # was "85.0 %" / "90.0 %"
    assert f"Occupancy {shown} against 85.0 %" in _breach_line(row, [])
    # the workbook stores it with two decimals (85.04), not one (85.0)
    sheet = scorecard_sheet("breaches", row.to_frame().T.reset_index(drop=True))
    assert sheet.decimals.loc[0, "value"] == 2
    assert display.format_value(row["value"], "percent") == edge  # the unit's decimals alone


def test_report_page_value_cell_does_not_read_as_its_target():
    # 79.96 against 80: one decimal writes "80.0", two tell it apart -> "79.96"
    # 80.0 against 80.4: the page writes a whole 80 as "80"; one decimal gives "80.0" (the
    # target cell reads "80.4")
    table = pd.DataFrame({"value": [79.96, 80.0, 72.0], "target": [80.0, 80.4, 80.0]})
    page = _table_html(table)
    assert "<td class='number'>79.96</td><td class='number'>80</td>" in page  # was 80.0 | 80
    assert "<td class='number'>80.0</td><td class='number'>80.4</td>" in page  # was 80 | 80.4
    assert "<td class='number'>72</td>" in page  # far from its target: as before


def test_report_page_band_breach_value_cell():
    # the breach table of the daily report: occupancy 85.04 % against the band edge 85
    row = _occupancy_breach(850.4)
    page = _table_html(breach_table(row.to_frame().T.reset_index(drop=True), []))
    assert "<td class='number'>85.04</td><td class='number'>85</td>" in page  # was 85.0 | 85


def test_level_text_absorbs_floating_point_noise_as_the_scorecard_does():
    # 79.99999999999 is 1e-11 from 80, within the rating's 1e-9 * 80: at the target, so it is
    # shown as the target with the decimals asked ("80", "80.0"), as rated_value_text shows it
    assert level_text(79.99999999999, 80.0) == "80"  # was "79.99999999999"
    assert level_text(80.00000000001, 80.0, 1) == "80.0"  # was "80.00000000001"
    row = {"better": "higher", "unit": "percent", "target": 80.0, "value": 79.99999999999}
    assert display.rated_value_text(row) == f"{level_text(79.99999999999, 80.0, 1)} %"
    # a real miss keeps the decimals that show it: 79.96 is not "80"
    assert level_text(79.96, 80.0) == "79.96"


def test_share_that_rounds_to_zero_has_no_minus():
    # -1e-17 * 100 rounds to 0 whole percent: "0 %", not "-0 %"
    assert percent_text(-1e-17) == "0 %"


def test_report_page_p_value_below_a_thousandth_is_not_zero():
    # p = 0.0004 to three decimals is "0.000"; the findings line says "p < 0.001"
    page = _table_html(pd.DataFrame({"p value": [0.0004, 0.0312]}))
    assert "<td class='number'>< 0.001</td>" not in page  # escaped as HTML text
    assert "<td class='number'>&lt; 0.001</td>" in page  # was 0.000
    assert "<td class='number'>0.031</td>" in page  # 0.0312 to three decimals


def test_change_text_same_change_summed_in_another_order_reads_the_same():
    # 80.85 - 80 is 0.85 points; float sums give 0.8500000000000227 or 0.8499999999999801.
    # Rounded first to 7 places both are 0.85, which is 0.8499999999999999778 as a float: 0.8,
    # as format_value shows 80.85 ("80.8 %")
    up = display.change_text(80.85000000000002 - 80.0, "percent", "higher")
    down = display.change_text(80.84999999999998 - 80.0, "percent", "higher")
    assert up == down == ("▲ +0.8 pts, better", display.RAG_TEXT_COLORS["green"])  # was +0.9


def test_report_sparkline_point_that_rounds_to_zero_has_no_minus():
    # an NPS of -0.04 to one decimal is 0.0, not -0.0 (in the workbook cell and the page's
    # sparkline label)
    assert _excel_cell([-0.04, 2.0]) == "0.0, 2.0"  # was "-0.0, 2.0"
    assert "aria-label='0.0, 2.0'" in _sparkline([-0.04, 2.0])


def test_root_cause_segment_value_does_not_read_as_the_target():
    # abandonment target 5 %: queue billing at 5.04 % with weaker performance, one decimal
    # would write "5.0 %", which is the target; two tell it apart -> "5.04 %"
    segments = pd.DataFrame(
        {
            "dimension": ["queue"],
            "segment": ["billing"],
            "value": [5.04],
            "share": [0.5],
            "baseline_share": [0.5],
            "performance": [0.02],
            "mix": [0.0],
            "contribution": [0.02],
            "share_of_gap": [1.0],
        }
    )
    cause = SimpleNamespace(kpi="abandonment_rate", target=5.0, gap=0.02, segments=segments)
    (text,) = _dimension_texts(cause)
    assert "(abandonment rate 5.04 % on 50 % of contacts; weaker performance)" in text


def test_a_level_at_its_target_but_for_floating_point_noise_is_not_marked_missed():
    # 79.99999999999 % against 80 % is shown "80" (level_text absorbs the noise, as the
    # scorecard rates it); the staffing plan's bar marked it ✘ (level < target) beside that
    # "80". 79.96 % still misses: ✘. A plan by hand: two intervals, no one short.
    plan = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 100.0],
            "required": [14, 14],
            "staffed": [14.0, 14.0],
            "gap": [0.0, 0.0],
            "service_level": [79.99999999999, 79.96],
        }
    )
    marks = list(kk.plots.staffing_plan(plan, target_sl=80.0).data[-1].text)
    assert marks == ["", "✘"]
    assert display.short_of(pd.Series([79.99999999999, 79.96]), 80.0).tolist() == [False, True]


def test_a_bullet_and_a_breach_label_show_a_value_apart_from_the_target_it_misses():
    # CSAT 79.96 % against 80 %: one decimal reads "80.0 %" beside "Target: 80.0 %"; two
    # tell them apart. The governance dashboard's breach list said "CSAT 80.0 %" likewise.
    from kpikit.apps._governance_html import breach_label

    fig = kk.plots.bullet(kpi="csat", value=79.96, target=80.0)
    assert fig.layout.title.text == "Customer satisfaction: 79.96 %"
    value_bar = next(trace for trace in fig.data if trace.name == "Value")
    assert value_bar.hovertemplate.startswith("Value: 79.96 %")
    row = {"period": pd.Timestamp("2026-08-23"), "kpi": "csat", "unit": "percent"}
    row.update(value=79.96, target=80.0, better="higher")
    assert breach_label(row, []) == "23 Aug · Whole center · CSAT 79.96 %"
