"""Dashboards probed as a manager and as a hostile link would: what the page shows must be
the value the app uses (no rounding of a link's value out of sight)."""

import io
import re

import openpyxl
import pytest

from kpikit.apps import StaffingApp
from kpikit.sample import generate


@pytest.fixture(scope="module")
def generated():
    return generate(days=14, agents=12, seed=3)


def _cells(table_html: str) -> list[str]:
    return [re.sub("<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>.*?</td>", table_html)]


def test_staffing_link_values_are_shown_as_used(generated):
    # Every value is inside its slider's range, so the link sets it exactly; the sliders' steps
    # (1, 5, 0.01) are not the link's, and ".0f" readouts showed 85.5 as "86", 12.5 s as "12",
    # 0.255 as "26%", 30.75 as "31", the scenario was named "AHT -32 s, volume +2 %" and the
    # summary said "within 12 s" while 12.5 s was computed.
    app = StaffingApp(generated, view="whatif")
    app.set_from_link(
        "calibrate=false&volume=100&aht_s=180&target_sl=85.5&threshold_s=12.5"
        "&shrinkage=0.255&cost_per_agent_hour=30.75&aht_change_s=-32.5&volume_change_pct=2.5"
    )
    assert (app.target_sl.value, app.threshold_s.value) == (85.5, 12.5)
    formats = {
        name: getattr(app, name).readout_format
        for name in (
            "target_sl",
            "threshold_s",
            "shrinkage",
            "cost_per_agent_hour",
            "aht_change_s",
            "volume_change_pct",
            "volume",
        )
    }
    assert formats == {
        "target_sl": ".1f",  # 85.5
        "threshold_s": ".1f",  # 12.5
        "shrinkage": ".1%",  # 25.5%
        "cost_per_agent_hour": ".2f",  # 30.75
        "aht_change_s": ".1f",  # -32.5
        "volume_change_pct": ".1f",  # 2.5
        "volume": ".0f",  # 100
    }
    assert "within 12.5&nbsp;s" in app.summary.value
    assert "AHT -32.5&nbsp;s, volume +2.5&nbsp;%" in app.summary.value
    assert "what-if: AHT -32.5&nbsp;s, volume +2.5&nbsp;%" in app.comparison_table.value
    # back on a whole value, the readout is whole again
    app.set(target_sl=90.0)
    assert app.target_sl.readout_format == ".0f"


def test_readout_format_by_hand():
    from kpikit.apps._base import readout_format

    assert readout_format(85.25) == ".2f"
    assert readout_format(0.14, percent=True) == ".0%"  # 14.000000000000002 %: whole
    assert readout_format(0.0725, percent=True) == ".2%"  # 7.25 %


def test_staffing_whatif_volume_is_not_rounded_away(generated):
    # By hand: 16 contacts per interval and a what-if of +3 % (a step of its slider) are
    # 16 * 1.03 = 16.48 contacts, a change of +0.48. Shown with whole numbers, the table and
    # the workbook read "16 -> 16, change 0" while the agents and the cost were worked out for
    # 16.48.
    app = StaffingApp(
        generated,
        view="whatif",
        calibrate=False,
        volume=16,
        aht_s=300,
        aht_change_s=0,
        volume_change_pct=3,
    )
    row = app.comparison.set_index("metric").loc["contacts"]
    assert row["alternative"] == pytest.approx(16.48)
    cells = _cells(app.comparison_table.value)
    start = cells.index("Contacts offered")
    assert cells[start + 1 : start + 4] == ["16.00", "16.48", "▲ +0.48"]
    sheet = openpyxl.load_workbook(io.BytesIO(app.workbook()))["Scenario"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    metric, unit, now, what_if, change, basis = rows["Contacts offered"]
    assert (now, what_if) == (16, pytest.approx(16.48))
    assert change == pytest.approx(0.48)
    # a whole what-if stays whole: 120 * 1.10 = 132, +12
    app.set(volume=120.0, volume_change_pct=10.0)
    cells = _cells(app.comparison_table.value)
    start = cells.index("Contacts offered")
    assert cells[start + 1 : start + 4] == ["120", "132", "▲ +12"]


def test_staffing_plan_says_the_shrinkage_it_uses(generated):
    # A link's shrinkage of 0.255 (inside 0..0.6) was said "26%" under the plan. By hand:
    # 20 agents scheduled, 25.5 % away: 20 * (1 - 0.255) = 14.9 on the phones.
    app = StaffingApp(generated, calibrate=False)
    app.set_from_link("view=plan&roster_agents=20&shrinkage=0.255")
    busy = app.plan["volume"] > 0
    assert app.plan.loc[busy, "staffed"].round(9).eq(14.9).all()
    assert "20 agents scheduled per interval, 25.5% of their time away" in app.plan_summary.value
    assert app.shrinkage.readout_format == ".1%"
