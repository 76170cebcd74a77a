"""Tests for kpikit.scorecard: RAG rules, scores, trend test, ramp, credits, exports, targets.

Expected values are hand calculations on small fixtures; each assertion says how.
"""

import csv
import math

import numpy as np
import pandas as pd
import pytest

import kpikit as kk
from kpikit._scorecard.export import scorecard_grid_sheet
from kpikit.scorecard import (
    STATUS_TINTS,
    Ramp,
    Scorecard,
    preset_targets,
    presets,
    rate,
    read_targets,
    scorecard,
    sector_weights,
    targets_from_benchmarks,
)

TARGETS = pd.DataFrame(
    {
        "kpi": ["fcr", "aht", "utilization"],
        "target": [75.0, 300.0, None],
        "tolerance": [5.0, 60.0, 5.0],
        "band_low": [None, None, 75.0],
        "band_high": [None, None, 85.0],
    }
)


def _statuses(kpi_id, values):
    frame = pd.DataFrame({"row": range(len(values)), "kpi": kpi_id, "value": values})
    table = rate(frame, TARGETS).table
    return table.loc[table["kpi"] == kpi_id, "status"].tolist()


# --- status rules --------------------------------------------------------------------------


def test_higher_is_better_status():
    # fcr target 75, tolerance 5: >= 75 green, [70, 75) amber, < 70 red.
    assert _statuses("fcr", [80, 75, 72, 70, 69.9]) == ["green", "green", "amber", "amber", "red"]


def test_lower_is_better_status():
    # aht target 300, tolerance 60: <= 300 green, (300, 360] amber, > 360 red.
    assert _statuses("aht", [290, 300, 330, 360, 361]) == [
        "green",
        "green",
        "amber",
        "amber",
        "red",
    ]


def test_band_status_both_ways():
    # utilization band 75-85, tolerance 5: inside green, 70-75 or 85-90 amber, beyond red.
    assert _statuses("utilization", [80, 75, 85, 72, 88, 69, 91]) == [
        "green",
        "green",
        "green",
        "amber",
        "amber",
        "red",
        "red",
    ]


def test_floating_point_noise_at_the_target_is_met():
    # 100 * 7 / 10 = 70.00000000000001 must count as exactly 70 against a lower-is-better 70.
    frame = pd.DataFrame({"kpi": ["abandonment_rate"], "value": [100 * 7 / 10]})
    targets = pd.DataFrame({"kpi": ["abandonment_rate"], "target": [70.0]})
    assert rate(frame, targets).table["status"].tolist() == ["green"]


def test_null_value_is_no_data_not_red():
    frame = pd.DataFrame({"kpi": ["fcr", "aht"], "value": [None, 280.0]})
    table = rate(frame, TARGETS).table.set_index("kpi")
    assert table.loc["fcr", "status"] == "no data"
    assert math.isnan(table.loc["fcr", "score"])
    # utilization has a target but no row at all: also "no data".
    assert table.loc["utilization", "status"] == "no data"


def test_every_group_gets_every_target_kpi():
    frame = pd.DataFrame({"team": ["a", "b"], "kpi": ["fcr", "aht"], "value": [76.0, 280.0]})
    table = rate(frame, TARGETS).table
    assert len(table) == 6  # 2 teams x 3 target KPIs
    assert table.groupby("team")["status"].apply(list).to_dict() == {
        "a": ["green", "no data", "no data"],
        "b": ["no data", "green", "no data"],
    }


def test_kpis_without_target_are_left_out():
    frame = pd.DataFrame({"kpi": ["fcr", "csat"], "value": [76.0, 90.0]})
    assert set(rate(frame, TARGETS).table["kpi"]) == {"fcr", "aht", "utilization"}


# --- scores --------------------------------------------------------------------------------


def test_composite_and_area_scores_by_hand():
    targets = pd.DataFrame(
        {
            "kpi": ["fcr", "csat", "aht", "qa_score"],
            "target": [75, 85, 300, 85],
            "tolerance": [5, 5, 60, 5],
            "weight": [2, 1, 1, 3],
            "area": ["customer", "customer", "operations", "agent"],
        }
    )
    frame = pd.DataFrame(
        {"kpi": ["fcr", "csat", "aht", "qa_score"], "value": [80.0, 70.0, 330.0, None]}
    )
    card = rate(frame, targets)
    # fcr green 100 (w 2), csat red 0 (w 1), aht amber 50 (w 1), qa no data (left out):
    # composite = (2*100 + 1*0 + 1*50) / (2 + 1 + 1) = 62.5
    assert card.composite["score"].tolist() == [62.5]
    assert card.composite["kpis"].tolist() == [3]
    areas = card.areas.set_index("area")
    # customer = (2*100 + 1*0) / 3 = 66.67; operations = 50; agent: no data -> NaN
    assert areas.loc["customer", "score"] == pytest.approx(200 / 3)
    assert areas.loc["operations", "score"] == 50.0
    assert math.isnan(areas.loc["agent", "score"])


def test_scores_per_group():
    frame = pd.DataFrame(
        {
            "team": ["a", "a", "b", "b"],
            "kpi": ["fcr", "aht"] * 2,
            "value": [76.0, 390.0, 72.0, 280.0],
        }
    )
    composite = rate(frame, TARGETS).composite.set_index("team")["score"]
    # a: fcr green 100, aht red 0 -> 50; b: fcr amber 50, aht green 100 -> 75 (weights 1).
    assert composite.to_dict() == {"a": 50.0, "b": 75.0}


# --- trend ---------------------------------------------------------------------------------


def _two_periods(kpi_id, first, second):
    """Rows for two weekly periods: (value, numerator, denominator, ci_low, ci_high)."""
    periods = pd.to_datetime(["2024-01-01", "2024-01-08"])
    rows = [
        dict(zip(("value", "numerator", "denominator", "ci_low", "ci_high"), values, strict=True))
        for values in (first, second)
    ]
    return pd.DataFrame(rows).assign(period=periods, kpi=kpi_id)


def _trend_row(frame, targets):
    table = rate(frame, targets).table
    return table.sort_values("period").iloc[-1], table.sort_values("period").iloc[0]


CSAT_TARGET = pd.DataFrame({"kpi": ["csat"], "target": [80.0], "tolerance": [5.0]})
AHT_TARGET = pd.DataFrame({"kpi": ["aht"], "target": [300.0], "tolerance": [60.0]})


def test_significant_drop_in_a_proportion():
    # 80/100 then 65/100: pooled p = 0.725, se = sqrt(0.725*0.275*(2/100)) = 0.063147,
    # z = 0.15 / 0.063147 = 2.3754, two-sided p = 0.01753 < 0.05 -> "down", worse for CSAT.
    frame = _two_periods("csat", (80, 80, 100, 71.1, 86.7), (65, 65, 100, 55.3, 73.6))
    last, first = _trend_row(frame, CSAT_TARGET)
    assert last["p_value"] == pytest.approx(0.01753, abs=1e-4)
    assert last["trend"] == "down"
    assert last["improved"] is False
    assert last["previous"] == 80 and last["change"] == -15
    assert first["trend"] is None  # no period before the first one


def test_non_significant_change_in_a_proportion_is_flat():
    # 80/100 then 75/100: pooled 0.775, se = sqrt(0.775*0.225*0.02) = 0.059055,
    # z = 0.05 / 0.059055 = 0.8467, p = 0.397 -> "flat".
    frame = _two_periods("csat", (80, 80, 100, 71.1, 86.7), (75, 75, 100, 65.7, 82.5))
    last, _ = _trend_row(frame, CSAT_TARGET)
    assert last["p_value"] == pytest.approx(0.3972, abs=1e-3)
    assert last["trend"] == "flat"
    assert last["improved"] is None


def test_significant_change_of_a_mean_from_its_intervals():
    # AHT 300 [290, 310] then 330 [320, 340]: se = 20 / (2*1.96) = 5.102 each,
    # se of the difference = 7.215, z = 30 / 7.215 = 4.158, p = 3.2e-5 -> "up", worse for AHT.
    frame = _two_periods("aht", (300, 3000, 10, 290, 310), (330, 3300, 10, 320, 340))
    last, _ = _trend_row(frame, AHT_TARGET)
    assert last["p_value"] == pytest.approx(3.2e-5, rel=0.05)
    assert last["trend"] == "up"
    assert last["improved"] is False


def test_non_significant_change_of_a_mean_is_flat():
    # 300 [280, 320] then 310 [290, 330]: se 10.204 each, 14.431 for the difference,
    # z = 10 / 14.431 = 0.693, p = 0.488.
    frame = _two_periods("aht", (300, 3000, 10, 280, 320), (310, 3100, 10, 290, 330))
    last, _ = _trend_row(frame, AHT_TARGET)
    assert last["p_value"] == pytest.approx(0.488, abs=1e-3)
    assert last["trend"] == "flat"


def test_kpi_without_interval_is_untested():
    frame = _two_periods("utilization", (70, 70, 100, None, None), (80, 80, 100, None, None))
    last, _ = _trend_row(frame, TARGETS[TARGETS["kpi"] == "utilization"])
    assert last["change"] == 10
    assert last["trend"] == "untested"


def test_band_improvement_means_closer_to_the_band():
    # 60 -> 72 with the band 75-85: distance to the band 15 -> 3, so better.
    # 600/1000 vs 720/1000: pooled 0.66, se = sqrt(0.66*0.34*0.002) = 0.021185,
    # z = 0.12 / 0.021185 = 5.66, p < 0.001 -> significant "up".
    frame = _two_periods("occupancy", (60, 600, 1000, 57, 63), (72, 720, 1000, 69, 75))
    targets = pd.DataFrame({"kpi": ["occupancy"], "band_low": [75], "band_high": [85]})
    last, _ = _trend_row(frame, targets)
    assert last["trend"] == "up"
    assert last["improved"] is True


def test_no_trend_without_periods_or_when_disabled():
    frame = pd.DataFrame({"kpi": ["fcr"], "value": [70.0]})
    assert rate(frame, TARGETS).table["trend"].isna().all()
    periods = _two_periods("csat", (80, 80, 100, 71.1, 86.7), (65, 65, 100, 55.3, 73.6))
    assert rate(periods, CSAT_TARGET, previous=False).table["trend"].isna().all()


def test_trend_is_computed_within_each_group():
    one = _two_periods("csat", (80, 80, 100, 71.1, 86.7), (65, 65, 100, 55.3, 73.6))
    frame = pd.concat([one.assign(team="a"), one.assign(team="b").iloc[[1]]])
    table = rate(frame, CSAT_TARGET).table
    last_b = table[(table["team"] == "b")]
    assert last_b["trend"].isna().all()  # team b has a single period: nothing to compare with
    assert table[(table["team"] == "a")]["trend"].tolist().count("down") == 1


# --- ramp and credits ----------------------------------------------------------------------


def test_ramp_eases_targets_of_new_teams():
    frame = pd.DataFrame(
        {
            "team": ["new"] * 3 + ["old"] * 3,
            "kpi": ["fcr", "aht", "utilization"] * 2,
            "value": [70.0, 320.0, 70.0] * 2,
        }
    )
    ramp = Ramp(days=90, ease_pct=10, start_dates={"new": "2024-03-01"})
    table = rate(frame, TARGETS, ramp=ramp, as_of="2024-03-15").table.set_index(["team", "kpi"])
    # 14 days after the start: eased by 10 % of the target.
    assert table.loc[("new", "fcr"), "target"] == 67.5  # 75 - 7.5
    assert table.loc[("new", "aht"), "target"] == 330.0  # 300 + 30
    assert table.loc[("new", "utilization"), "band_low"] == 67.5  # lower edge eased
    assert table.loc[("new", "utilization"), "band_high"] == 85.0  # upper edge kept
    assert table.loc[("new", "fcr"), "status"] == "green"  # 70 >= 67.5
    assert table.loc[("new", "aht"), "status"] == "green"  # 320 <= 330
    assert table.loc[("new", "utilization"), "status"] == "green"  # 70 in 67.5-85
    assert bool(table.loc[("new", "fcr"), "ramped"]) is True
    # The old team keeps the goals: 70 amber for fcr, 320 amber for aht, 70 amber (75-5).
    assert table.loc[("old", "fcr"), "target"] == 75.0
    assert table.loc["old", "status"].tolist() == ["amber", "amber", "amber"]


def test_ramp_ends_after_its_days():
    periods = pd.to_datetime(["2024-03-04", "2024-05-27", "2024-06-03"])
    frame = pd.DataFrame({"team": "new", "period": periods, "kpi": "fcr", "value": 70.0})
    ramp = Ramp(days=90, ease_pct=10, start_dates={"new": "2024-03-01"})
    table = rate(frame, TARGETS, ramp=ramp).table
    table = table[table["kpi"] == "fcr"].sort_values("period")
    # 2024-03-01 + 90 days = 2024-05-30: the 05-27 week is ramped, the 06-03 week is not.
    assert table["ramped"].tolist() == [True, True, False]
    # Targets now rise in three steps of 30 days (the definition changed from one step): day 3
    # is in step 0 (10 % eased: 67.5), day 87 in step 2 (10/3 % eased: 75 - 2.5 = 72.5).
    assert table["target"].tolist() == [67.5, 72.5, 75.0]


def test_a_ramp_eases_no_period_before_the_group_started():
    # monthly FCR of 70 against 75 (tolerance 5) for a team starting on 15 February: January
    # is wholly before the start (it was eased to 67.5, green, with the bonus); February,
    # the month it starts in, is its first step (day 0: 10 % eased)
    periods = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
    frame = pd.DataFrame({"team": "new", "period": periods, "kpi": "fcr", "value": 70.0})
    ramp = Ramp(days=90, ease_pct=10, start_dates={"new": "2024-02-15"})
    table = rate(frame, TARGETS, ramp=ramp, credits={"fcr": (100, 50)}).table
    table = table[table["kpi"] == "fcr"].sort_values("period")
    assert table["ramped"].tolist() == [False, True, True]
    # March 1 is day 15, still step 0: 75 - 7.5
    assert table["target"].tolist() == [75.0, 67.5, 67.5]
    assert table["status"].tolist() == ["amber", "green", "green"]  # 70 is 5 short of 75
    assert table["credit"].tolist() == [0.0, 100.0, 100.0]
    # a frame without periods is rated at as_of: the day before the start keeps the goal
    single = frame.drop(columns="period").iloc[[0]]
    before = rate(single, TARGETS, ramp=ramp, as_of="2024-02-14").table
    assert not before.loc[before["kpi"] == "fcr", "ramped"].item()


def test_a_value_that_misses_never_reads_as_its_target():
    # FCR 74.96 against 75 is amber, but showed "75.0 %" beside "≥ 75.0 %"; AHT 300.4 s
    # against 300 showed "300 s"; a band value 84.97 beside the 85 edge likewise
    frame = pd.DataFrame(
        {
            "team": ["a", "b", "c"],
            "kpi": ["fcr", "aht", "utilization"],
            "value": [74.96, 300.4, 85.02],
        }
    )
    targets = TARGETS.assign(tolerance=[5.0, 60.0, 5.0])
    page = rate(frame, targets)._repr_html_()
    assert "<td>74.96 %</td><td>≥ 75.0 %</td>" in page
    assert "<td>300.4 s</td><td>≤ 300 s</td>" in page
    assert "<td>85.02 %</td><td>75.0 %–85.0 %</td>" in page
    # values that read apart from the target keep their usual decimals
    page = rate(frame.assign(value=[74.5, 310.0, 80.0]), targets)._repr_html_()
    assert "<td>74.5 %</td>" in page and "<td>310 s</td>" in page and "<td>80.0 %</td>" in page


def test_ramp_targets_rise_in_steps():
    # 90 days in 3 steps, 9 % off in the first: 9 %, 6 %, 3 % off, then the full target.
    ramp = Ramp(days=90, ease_pct=9, start_dates={"new": "2024-01-01"})
    shares = [ramp.share("new", day) for day in ("2024-01-01", "2024-02-05", "2024-03-10")]
    assert shares == pytest.approx([1.0, 2 / 3, 1 / 3])  # days 0, 35, 69
    assert ramp.share("new", "2024-03-31") == 0.0  # day 90: the ramp is over
    assert ramp.ease(100.0, "higher", 2 / 3) == pytest.approx(94.0)  # 100 - 6 %
    assert ramp.ease(300.0, "lower", 1 / 3) == pytest.approx(309.0)  # 300 + 3 %
    # One step keeps the full easing for the whole ramp.
    assert Ramp(days=90, steps=1, start_dates={"new": "2024-01-01"}).share("new", "2024-03-10") == 1
    with pytest.raises(ValueError, match="'steps'"):
        Ramp(days=10, steps=11)


def test_ramp_level_must_be_a_grouping_column():
    frame = pd.DataFrame({"agent_id": ["x"], "kpi": ["fcr"], "value": [70.0]})
    with pytest.raises(ValueError, match="level 'team' is not a grouping column"):
        rate(frame, TARGETS, ramp=Ramp(start_dates={"x": "2024-01-01"}), as_of="2024-01-02")


def test_ramp_validates_its_arguments():
    with pytest.raises(ValueError, match="'days'"):
        Ramp(days=0)
    with pytest.raises(ValueError, match="'ease_pct'"):
        Ramp(ease_pct=120)
    with pytest.raises(ValueError, match="'start_dates'"):
        Ramp(start_dates={"a": "not a date"})


def test_sla_credits():
    frame = pd.DataFrame(
        {
            "team": ["a", "a", "a", "b", "b", "b"],
            "kpi": ["fcr", "aht", "utilization"] * 2,
            "value": [80.0, 380.0, 80.0, 72.0, 250.0, None],
        }
    )
    credits = {"fcr": (100, 50), "aht": (200, 80)}
    card = rate(frame, TARGETS, credits=credits)
    amounts = card.table.set_index(["team", "kpi"])["credit"]
    assert amounts[("a", "fcr")] == 100  # green -> bonus
    assert amounts[("a", "aht")] == -80  # red -> penalty
    assert amounts[("b", "fcr")] == 0  # amber -> neither
    assert amounts[("b", "aht")] == 200  # green -> bonus
    assert math.isnan(amounts[("a", "utilization")])  # no credit terms
    # an amber row of a KPI without credit terms earns nothing, not 0 (it said 0.0)
    assert card.table.set_index(["team", "kpi"]).loc[("a", "utilization"), "status"] == "green"
    amber = rate(
        frame.assign(value=[80.0, 380.0, 72.0, 72.0, 250.0, None]), TARGETS, credits=credits
    )
    amber_amounts = amber.table.set_index(["team", "kpi"])
    assert amber_amounts.loc[("a", "utilization"), "status"] == "amber"  # 72: 3 below 75
    assert math.isnan(amber_amounts.loc[("a", "utilization"), "credit"])
    # total = 100 - 80 + 0 + 200 = 220
    assert card.credit_total == 220


def test_credits_are_validated():
    frame = pd.DataFrame({"kpi": ["fcr"], "value": [80.0]})
    with pytest.raises(ValueError, match="has no target"):
        rate(frame, TARGETS, credits={"csat": (1, 1)})
    with pytest.raises(ValueError, match=">= 0"):
        rate(frame, TARGETS, credits={"fcr": (1, -1)})
    with pytest.raises(ValueError, match="pair of numbers"):
        rate(frame, TARGETS, credits={"fcr": 5})


# --- targets -------------------------------------------------------------------------------


def test_unknown_kpi_lists_valid_ids():
    message = r"not a KPI id: 'fcrr' in row 0 \(did you mean 'fcr'\?\)\. Expected one of \['aht'"
    with pytest.raises(ValueError, match=message):
        read_targets(pd.DataFrame({"kpi": ["fcrr"], "target": [1]}))


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [-1]}), "'tolerance' >= 0"),
        (pd.DataFrame({"kpi": ["fcr"], "target": [75], "weight": [-2]}), "'weight' from 0"),
        (pd.DataFrame({"kpi": ["fcr", "aht"], "target": [75, 300], "weight": [0, 0]}), "all 0"),
        (pd.DataFrame({"kpi": ["fcr", "fcr"], "target": [75, 80]}), "more than once"),
        (pd.DataFrame({"kpi": ["fcr"], "target": ["high"]}), "non-numeric 'target'"),
        (pd.DataFrame({"kpi": ["fcr"]}), "no target for KPI 'fcr'"),
        (pd.DataFrame({"kpi": ["fcr"], "target": [75], "band_low": [70]}), "only to band KPIs"),
        (
            pd.DataFrame({"kpi": ["utilization"], "band_low": [90], "band_high": [80]}),
            "must not exceed",
        ),
        (pd.DataFrame({"kpi": ["fcr"], "target": [75], "owner": ["me"]}), "not a targets column"),
        (pd.DataFrame({"kpi": ["fcr"], "target": [75], "role": ["main"]}), "not a role"),
        (pd.DataFrame({"kpi": ["contacts_offered"], "target": [100]}), "neither better"),
        (
            pd.DataFrame({"kpi": ["aht"], "target": [300], "direction": ["inbond"]}),
            r"'direction' is not a direction: 'inbond' in row 0 \(did you mean 'inbound'\?\)",
        ),
        (
            pd.DataFrame({"kpi": ["aht", "aht"], "target": [300, 280], "channel": ["chat"] * 2}),
            "more than once",
        ),
    ],
)
def test_bad_targets_are_refused(targets, message):
    with pytest.raises(ValueError, match=message):
        read_targets(targets)


def test_target_files_are_validated(tmp_path):
    with pytest.raises(ValueError, match="not an existing file"):
        read_targets(tmp_path / "missing.csv")
    wrong = tmp_path / "targets.xlsx"
    wrong.write_text("x")
    with pytest.raises(ValueError, match=r"one of \['.toml', '.csv'\]"):
        read_targets(wrong)
    with pytest.raises(TypeError, match="'targets'"):
        read_targets(42)
    broken = tmp_path / "broken.toml"
    broken.write_text("[fcr\ntarget = ")
    with pytest.raises(ValueError, match="not valid TOML"):
        read_targets(broken)
    flat = tmp_path / "flat.toml"
    flat.write_text("target = 75\n")
    with pytest.raises(ValueError, match="one table per KPI"):
        read_targets(flat)


def test_targets_from_csv_and_toml_agree(tmp_path):
    csv_path = tmp_path / "targets.csv"
    csv_path.write_text("kpi,target,tolerance,weight,area\nfcr,75,5,2,customer\naht,300,60,1,\n")
    toml_path = tmp_path / "targets.toml"
    toml_path.write_text(
        '[fcr]\ntarget = 75\ntolerance = 5\nweight = 2\narea = "customer"\n'
        "[aht]\ntarget = 300\ntolerance = 60\n"
    )
    from_csv, from_toml = read_targets(csv_path), read_targets(str(toml_path))
    pd.testing.assert_frame_equal(from_csv, from_toml)
    assert from_csv["area"].tolist() == ["customer", kk.kpi("aht").area]  # default: catalog
    assert from_csv["weight"].tolist() == [2.0, 1.0]


def test_band_kpi_from_target_plus_minus_tolerance():
    # The sample targets give a band KPI as target ± tolerance: 80 ± 5 -> 75-85.
    targets = read_targets(pd.DataFrame({"kpi": ["occupancy"], "target": [80], "tolerance": [5]}))
    assert targets[["band_low", "band_high", "tolerance"]].values.tolist() == [[75.0, 85.0, 5.0]]


def test_targets_derived_from_sector_benchmarks():
    targets = targets_from_benchmarks("healthcare").set_index("kpi")
    # fcr: healthcare target tier 72-80 -> target 72; tolerance = distance to the worse edge
    # of the average range 70-75 (cross-sector): 72 - 70 = 2.
    assert targets.loc["fcr", ["target", "tolerance"]].tolist() == [72.0, 2.0]
    # aht (lower is better): cross-sector average 240-360 s -> target 240, tolerance 120.
    assert targets.loc["aht", ["target", "tolerance"]].tolist() == [240.0, 120.0]
    # service level is a phone figure now: no target for all channels, 80/20 for phone with
    # tolerance 5 % of 80 = 4 (no average range).
    assert "service_level" not in targets.index
    phone = targets_from_benchmarks("healthcare", channel="phone").set_index("kpi")
    assert phone.loc["service_level", ["target", "tolerance"]].tolist() == [80.0, 4.0]
    # Healthcare puts accuracy and compliance (QA) above speed: QA weighs 2, the rest 1.
    assert targets.loc["qa_score", "weight"] == 2.0 and targets.loc["fcr", "weight"] == 1.0
    assert "accuracy and compliance" in targets.loc["qa_score", "note"]
    # utilization: target tier 75-85 -> band 75-85, tolerance half the width = 5.
    assert targets.loc["utilization", ["band_low", "band_high", "tolerance"]].tolist() == [
        75.0,
        85.0,
        5.0,
    ]
    # KPIs without published figures get no target.
    assert "transfer_rate" not in targets.index
    pd.testing.assert_frame_equal(read_targets("healthcare"), targets_from_benchmarks("healthcare"))


# --- the Scorecard object and its exports --------------------------------------------------


def _card_with_text(team='=HYPERLINK("http://x")'):
    frame = pd.DataFrame(
        {
            "team": [team, team, "<b>north</b>", "<b>north</b>"],
            "kpi": ["fcr", "aht"] * 2,
            "value": [80.0, 330.0, 60.0, None],
        }
    )
    return rate(frame, TARGETS[TARGETS["kpi"] != "utilization"])


def test_to_excel_writes_status_colours(tmp_path):
    from openpyxl import load_workbook

    path = _card_with_text().to_excel(tmp_path / "card.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["scorecard", "areas", "composite"]
    sheet = workbook["scorecard"]
    header = [cell.value for cell in sheet[1]]
    status_column = header.index("status") + 1
    colours = {
        sheet.cell(row=row, column=status_column).value: sheet.cell(
            row=row, column=status_column
        ).fill.fgColor.rgb
        for row in range(2, sheet.max_row + 1)
    }
    assert colours == {
        status: "00" + STATUS_TINTS[status].lstrip("#")
        for status in ("green", "amber", "red", "no data")
    }
    team_cell = sheet.cell(row=2, column=header.index("team") + 1)
    assert team_cell.value == '=HYPERLINK("http://x")'
    assert team_cell.data_type == "s"  # stored as text, never as a formula


def test_values_near_a_rating_edge_keep_the_decimals_that_tell_them_from_it(tmp_path):
    # Service level against 80 % with a tolerance of 10: 79.96 % is amber (short of 80), 69.96 %
    # red (below 70), 70.04 % amber. At one decimal the three read 80.0, 70.0 and 70.0: as met,
    # and a red and an amber alike. The HTML and the workbook show each with two decimals.
    from openpyxl import load_workbook

    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0], "tolerance": [10.0]})
    frame = pd.DataFrame({"team": ["a", "b", "c"], "kpi": "service_level"})
    card = rate(frame.assign(value=[79.96, 69.96, 70.04]), targets)
    assert card.table["status"].tolist() == ["amber", "red", "amber"]
    html = card._repr_html_()
    assert all(text in html for text in ("79.96 %", "69.96 %", "70.04 %"))
    sheet = load_workbook(card.to_excel(tmp_path / "card.xlsx"))["scorecard"]
    header = [cell.value for cell in sheet[1]]
    cells = [sheet.cell(row=row, column=header.index("value") + 1) for row in (2, 3, 4)]
    assert [cell.value for cell in cells] == [79.96, 69.96, 70.04]
    assert {cell.number_format for cell in cells} == {"#,##0.00"}
    grid = scorecard_grid_sheet("Scorecard", card.table, ["team"])  # the app's download
    assert grid.decimals.iloc[:, 1].tolist() == [2, 2, 2]


def test_to_csv_neutralises_formulas(tmp_path):
    card = _card_with_text()
    path = card.to_csv(tmp_path / "card.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["team"] for row in rows} == {'\'=HYPERLINK("http://x")', "<b>north</b>"}
    for prefix in ("+", "-", "@", "\t", "\r"):
        card = _card_with_text(team=prefix + "cmd")
        with card.to_csv(tmp_path / "x.csv").open(newline="", encoding="utf-8") as handle:
            assert next(csv.DictReader(handle))["team"] == "'" + prefix + "cmd"
    # Numbers are left alone (a negative credit stays a number).
    frame = pd.DataFrame({"kpi": ["fcr"], "value": [50.0]})
    path = rate(frame, TARGETS, credits={"fcr": (1, 2)}).to_csv(tmp_path / "n.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        assert [row["credit"] for row in csv.DictReader(handle)][0] == "-2.0"


def test_export_paths_are_validated(tmp_path):
    card = _card_with_text()
    with pytest.raises(ValueError, match=r"one of \['.csv'\]"):
        card.to_csv(tmp_path / "card.xlsx")
    with pytest.raises(ValueError, match=r"one of \['.xlsx'\]"):
        card.to_excel(tmp_path / "card.csv")
    with pytest.raises(ValueError, match="folder that does not exist"):
        card.to_csv(tmp_path / "missing" / "card.csv")
    with pytest.raises(TypeError, match="'path'"):
        card.to_csv(None)


def test_html_is_escaped_and_shows_status_in_words():
    page = _card_with_text(team="<script>alert(1)</script>")._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;north&lt;/b&gt;" in page
    assert "✔ met" in page and "✘ missed" in page and "– no data" in page


def test_current_keeps_the_last_period():
    frame = _two_periods("csat", (80, 80, 100, 71.1, 86.7), (65, 65, 100, 55.3, 73.6))
    card = rate(frame, CSAT_TARGET)
    assert card.current().table["period"].unique().tolist() == [pd.Timestamp("2024-01-08")]
    assert "2024-01-08" in card._repr_html_()
    assert "1 red" in repr(card.current())


def test_rate_accepts_polars():
    polars = pytest.importorskip("polars")
    frame = polars.DataFrame({"kpi": ["fcr"], "value": [80.0]})
    assert rate(frame, TARGETS).table["status"].tolist()[0] == "green"


def test_scorecard_end_to_end_on_contacts():
    times = pd.to_datetime(
        ["2024-01-01 09:00", "2024-01-01 09:05", "2024-01-01 09:10", "2024-01-01 09:15"]
    )
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": times,
            "answered": [True, True, True, False],
            "wait_s": [5.0, 10.0, 40.0, 60.0],
            "team": ["a", "a", "b", "b"],
            "talk_s": [200.0, 300.0, 400.0, 0.0],
            "hold_s": [0.0, 0.0, 0.0, 0.0],
            "acw_s": [20.0, 40.0, 60.0, 0.0],
        }
    )
    targets = pd.DataFrame(
        {"kpi": ["aht", "service_level"], "target": [300, 80], "tolerance": [60, 5]}
    )
    card = scorecard(contacts, targets, by="team")
    assert isinstance(card, Scorecard)
    table = card.table.set_index(["team", "kpi"])
    # a: aht (220 + 340) / 2 = 280 s -> green; service level 2/2 = 100 % -> green.
    # b: aht 460 s -> red (> 360); service level 0/2 answered within 20 s -> 0 % red.
    assert table.loc[("a", "aht"), "value"] == 280.0
    assert table["status"].tolist() == ["green", "green", "red", "red"]
    assert card.composite.set_index("team")["score"].to_dict() == {"a": 100.0, "b": 0.0}
    ramp = Ramp(days=30, ease_pct=50, start_dates={"b": "2023-12-20"}, steps=1)
    eased = scorecard(contacts, targets, by="team", ramp=ramp).table.set_index(["team", "kpi"])
    # b started 12 days before the last contact: aht target 300 + 150 = 450 (460 amber); one
    # step keeps the full easing (the default 3 steps would ease 2/3 of it in days 10-20).
    assert eased.loc[("b", "aht"), "target"] == 450.0
    assert eased.loc[("b", "aht"), "status"] == "amber"
    assert np.isclose(eased.loc[("a", "aht"), "target"], 300.0)


def test_target_kpis_the_data_cannot_give_are_named_with_their_reason():
    # Contacts alone, without customer_id: occupancy needs agent intervals, FCR a customer,
    # cost per contact costs. Their rows read "no data", as a KPI with nothing to count does,
    # and the composite is service level's alone; the card now says which and why.
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05"]),
            "answered": True,
            "wait_s": [5.0, 40.0],
        }
    )
    targets = pd.DataFrame(
        {"kpi": ["occupancy", "fcr", "cost_per_contact", "service_level"], "target": 80.0}
    )
    card = scorecard(contacts, targets)
    assert card.table.set_index("kpi")["status"].to_dict() == {
        "occupancy": "no data",
        "fcr": "no data",
        "cost_per_contact": "no data",
        "service_level": "red",  # 1 of 2 within 20 s: 50 %
    }
    assert card.unavailable == {
        "occupancy": "the Dataset has no agent_intervals table",
        "fcr": "contacts has no column(s) ['customer_id']",
        "cost_per_contact": "the Dataset has no costs table",
    }
    assert (
        "<p>Not rated, the data cannot give them (Occupancy: the Dataset has no agent_intervals "
        "table; First contact resolution: contacts has no column(s) [&#x27;customer_id&#x27;]; "
        "Cost per contact: the Dataset has no costs table).</p>"
    ) in card._repr_html_()
    assert scorecard(contacts, targets.tail(1)).unavailable == {}


def test_public_api_calls_the_function_and_reaches_the_module():
    # kk.scorecard is the module and calls like the function: no importlib needed for either.
    import kpikit.scorecard as module

    assert kk.scorecard is module and kk.scorecard.rate is rate
    assert kk.Scorecard is Scorecard
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05"]),
            "answered": [True, True],
            "wait_s": [5.0, 30.0],
        }
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80], "tolerance": [5]})
    card = kk.scorecard(contacts, targets)
    assert card.table["value"].tolist() == [50.0]  # 1 of 2 within 20 s


# --- roles, presets, sector weights and segment targets -----------------------------------


def test_supporting_kpis_are_rated_but_not_scored():
    frame = pd.DataFrame({"kpi": ["fcr", "aht"], "value": [80.0, 500.0]})
    targets = pd.DataFrame(
        {"kpi": ["fcr", "aht"], "target": [75, 300], "role": ["primary", "supporting"]}
    )
    card = rate(frame, targets)
    # aht is red but supporting: the composite is fcr's 100 alone, weight 1, one KPI.
    assert card.table.set_index("kpi").loc["aht", "status"] == "red"
    assert card.composite[["score", "weight", "kpis"]].values.tolist() == [[100.0, 1.0, 1]]
    assert "Average handle time (supporting)" in card._repr_html_()


def test_presets_come_from_the_articles():
    table = presets().set_index("preset")
    assert table.loc["starter", "primary"] == ["fcr", "csat", "service_level"]
    assert table.loc["small_business", "primary"] == ["fcr", "csat", "abandonment_rate"]
    assert table.loc["customer_experience", "lead"] == ["csat", "fcr"]
    assert table.loc["cost", "lead"] == ["cost_per_contact", "utilization"]
    assert table["source"].str.contains("Call center KPIs for outsourcing|My AI Front Desk").all()
    for row in table.itertuples():
        assert 3 <= len(row.primary) <= 7  # 5-7 primary KPIs at most (article 002)


def test_starter_preset_targets():
    targets = preset_targets("starter").set_index("kpi")
    # FCR, CSAT and service level from the (phone) benchmarks, nothing else.
    assert sorted(targets.index) == ["csat", "fcr", "service_level"]
    assert (targets["role"] == "primary").all()
    assert targets.loc["service_level", "target"] == 80.0  # 80/20
    assert "Starter preset" in targets.loc["fcr", "note"]


def test_cost_led_preset_weights_its_leading_kpis_and_keeps_the_rest_supporting():
    targets = preset_targets("cost").set_index("kpi")
    primary = targets[targets["role"] == "primary"]
    assert sorted(primary.index) == sorted(
        ["cost_per_contact", "utilization", "aht", "occupancy", "service_level"]
    )
    assert primary["weight"].to_dict() == {
        "aht": 1.0,
        "service_level": 1.0,
        "occupancy": 1.0,
        "utilization": 2.0,
        "cost_per_contact": 2.0,
    }
    assert {"fcr", "csat", "nps"} <= set(targets.index[targets["role"] == "supporting"])


def test_preset_from_own_targets_and_missing_kpis():
    own = pd.DataFrame(
        {"kpi": ["fcr", "csat", "abandonment_rate", "aht"], "target": [75, 80, 5, 300]}
    )
    targets = preset_targets("small_business", own)
    assert targets["kpi"].tolist() == ["fcr", "csat", "abandonment_rate"]  # aht left out
    with pytest.raises(ValueError, match=r"needs a target for \['service_level'\]"):
        preset_targets("starter", own)
    with pytest.raises(ValueError, match="Did you mean 'starter'"):
        preset_targets("startr")


def test_sector_priorities_are_weights_with_their_sentence():
    assert sector_weights("technology_saas")["kpi"].tolist() == ["fcr", "csat"]
    assert sector_weights("financial_services").empty  # a balance: every KPI weighs 1
    ecommerce = targets_from_benchmarks("ecommerce_retail", channel="phone").set_index("kpi")
    assert ecommerce.loc[["service_level", "asa", "aht"], "weight"].tolist() == [2.0] * 3
    assert ecommerce.loc["fcr", "weight"] == 1.0


def test_targets_split_by_direction():
    # Article 001: inbound AHT targets are lower than outbound ones.
    frame = pd.DataFrame(
        {"direction": ["inbound", "outbound"], "kpi": "aht", "value": [330.0, 420.0]}
    )
    targets = pd.DataFrame(
        {
            "kpi": ["aht", "aht"],
            "target": [300.0, 450.0],
            "tolerance": [60.0, 60.0],
            "direction": ["inbound", "outbound"],
        }
    )
    table = rate(frame, targets).table.set_index("direction")
    assert table["target"].to_dict() == {"inbound": 300.0, "outbound": 450.0}
    # inbound 330 within 300 + 60 -> amber; outbound 420 <= 450 -> green.
    assert table["status"].to_dict() == {"inbound": "amber", "outbound": "green"}
    assert set(table["better"]) == {"lower"}  # the KPI's direction is its own column


def test_segment_target_with_a_default_for_the_other_segments():
    frame = pd.DataFrame(
        {"channel": ["phone", "email", "chat"], "kpi": "service_level", "value": [82.0, 70.0, 79]}
    )
    targets = pd.DataFrame(
        {"kpi": ["service_level"] * 2, "target": [80.0, 65.0], "channel": [None, "email"]}
    )
    table = rate(frame, targets).table.set_index("channel")
    # email has its own 65; phone and chat take the general 80.
    assert table["target"].to_dict() == {"phone": 80.0, "email": 65.0, "chat": 80.0}
    assert table["status"].to_dict() == {"phone": "green", "email": "green", "chat": "red"}


def test_segment_targets_need_the_segment_in_the_grouping():
    frame = pd.DataFrame({"kpi": ["aht"], "value": [300.0]})
    targets = pd.DataFrame({"kpi": ["aht"], "target": [300.0], "direction": ["inbound"]})
    with pytest.raises(ValueError, match="not grouped by direction"):
        rate(frame, targets)


def test_scorecard_takes_the_engine_options():
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:05"]),
            "answered": [True, False],
            "wait_s": [5.0, 3.0],
        }
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80]})
    # met: the abandon within 20 s counts as met -> 2 / 2; the default counts it missed: 1 / 2.
    assert scorecard(contacts, targets, sl_abandoned="met").table["value"].tolist() == [100.0]
    assert scorecard(contacts, targets).table["value"].tolist() == [50.0]
    with pytest.raises(TypeError, match="Did you mean 'sl_abandoned'"):
        scorecard(contacts, targets, sl_abandon="met")


# --- regressions ---------------------------------------------------------------------------


def test_a_segment_without_a_target_is_not_rated_or_charged():
    frame = pd.DataFrame(
        {"channel": ["phone", "chat"], "kpi": "service_level", "value": [85.0, 70.0]}
    )
    targets = pd.DataFrame(
        {"kpi": ["service_level"], "target": [80], "tolerance": [5], "channel": ["phone"]}
    )
    card = rate(frame, targets, credits={"service_level": (10, 7)})
    chat = card.table.set_index("channel").loc["chat"]
    # chat has no target: no status, score or credit; its value is still shown.
    assert pd.isna(chat["status"]) and chat["value"] == 70.0  # None; NaN on pandas 3
    assert math.isnan(chat["score"]) and math.isnan(chat["credit"])
    # phone 85 >= 80 is green: the bonus 10 is the whole total.
    assert card.credit_total == 10.0
    composite = card.composite.set_index("channel")["score"]
    assert composite["phone"] == 100.0 and math.isnan(composite["chat"])  # nothing rated
    assert "– no target" in card._repr_html_()


def test_supporting_kpis_earn_no_credits():
    frame = pd.DataFrame({"kpi": ["fcr", "aht"], "value": [80.0, 500.0]})
    targets = pd.DataFrame(
        {"kpi": ["fcr", "aht"], "target": [75, 300], "role": ["primary", "supporting"]}
    )
    with pytest.raises(ValueError, match=r"'aht', whose target is supporting"):
        rate(frame, targets, credits={"aht": (10, 7)})
    # aht supporting by inbound, primary by outbound: only outbound's red 500 > 300 costs 7.
    by_direction = pd.DataFrame(
        {"direction": ["inbound", "outbound"], "kpi": "aht", "value": [500.0, 500.0]}
    )
    split = pd.DataFrame(
        {
            "kpi": ["aht", "aht"],
            "target": [300, 300],
            "direction": ["inbound", "outbound"],
            "role": ["supporting", "primary"],
        }
    )
    credits = rate(by_direction, split, credits={"aht": (10, 7)}).table.set_index("direction")
    assert math.isnan(credits.loc["inbound", "credit"])
    assert credits.loc["outbound", "credit"] == -7


def _daily_contacts(days, team="a"):
    # One contact a day, answered after 5 s: service level 100 % each day.
    return pd.DataFrame(
        {
            "contact_id": range(len(days)),
            "team": team,
            "arrived_at": pd.to_datetime([f"{day} 09:00" for day in days]),
            "answered": True,
            "wait_s": 5.0,
        }
    )


SL_TARGET = pd.DataFrame({"kpi": ["service_level"], "target": [80.0], "tolerance": [5.0]})


def test_trend_has_no_previous_value_after_a_gap():
    contacts = _daily_contacts(["2024-01-01", "2024-01-02", "2024-01-04"])
    table = scorecard(contacts, SL_TARGET, freq="day").table.set_index("period")
    # Jan 2 follows Jan 1 (100 -> 100); Jan 3 has no data, so Jan 4 has no previous value.
    assert table.loc["2024-01-02", "previous"] == 100.0
    assert math.isnan(table.loc["2024-01-04", "previous"])
    assert table.loc["2024-01-04", "trend"] is None


def test_a_group_without_data_in_the_last_period_shows_no_data():
    contacts = pd.concat(
        [
            _daily_contacts(["2024-01-01", "2024-01-02"]),
            _daily_contacts(["2024-01-01"], team="b").assign(contact_id=[9]),
        ]
    )
    card = scorecard(contacts, SL_TARGET, by="team", freq="day")
    current = card.current().table.set_index("team")
    # b has no contact on Jan 2: its row is there, with no value and "no data".
    assert current.loc["b", "status"] == "no data" and math.isnan(current.loc["b", "value"])
    assert current.loc["a", "status"] == "green"
    assert "<td>b</td>" in card._repr_html_()


def test_nested_segment_targets_take_the_most_specific_and_overlaps_are_refused():
    frame = pd.DataFrame(
        {
            "channel": ["phone", "phone", "chat"],
            "direction": ["inbound", "outbound", "inbound"],
            "kpi": "aht",
            "value": 300.0,
        }
    )
    # Row order must not matter: phone/inbound (70) is more specific than phone (80).
    nested = pd.DataFrame(
        {
            "kpi": ["aht"] * 3,
            "channel": ["phone", "phone", None],
            "direction": ["inbound", None, None],
            "target": [70.0, 80.0, 60.0],
        }
    )
    table = rate(frame, nested).table
    assert table["target"].tolist() == [70.0, 80.0, 60.0]
    overlapping = pd.DataFrame(
        {
            "kpi": ["aht", "aht"],
            "channel": ["phone", np.nan],
            "direction": [np.nan, "inbound"],
            "target": [80, 60],
        }
    )
    with pytest.raises(ValueError, match=r"overlapping targets for 'aht': rows 0 .* and 1 "):
        rate(frame, overlapping)
    # A row for the overlap settles it: phone/inbound 70, phone/outbound 80, chat/inbound 60.
    settled = pd.concat([overlapping, nested.iloc[[0]]], ignore_index=True)
    assert rate(frame, settled).table["target"].tolist() == [70.0, 80.0, 60.0]


def test_ramp_start_dates_are_wall_dates_on_zoned_data():
    contacts = _daily_contacts(["2024-01-01", "2024-01-08"]).assign(
        arrived_at=lambda frame: frame["arrived_at"].dt.tz_localize("Europe/Paris")
    )
    ramp = Ramp(days=7, ease_pct=10, steps=1, start_dates={"a": "2024-01-01"})
    table = scorecard(contacts, SL_TARGET, by="team", freq="week", ramp=ramp).table
    # Week of Jan 1 (Paris) is day 0 of the ramp: 80 - 8 = 72; week of Jan 8 is day 7: over.
    assert table.sort_values("period")["target"].tolist() == [72.0, 80.0]


def test_a_mean_held_at_zero_keeps_its_standard_error():
    # ASA 6 s, t interval 6 +- 13.6 held to 0 .. 19.6 (no mean of waits is below 0 s), then
    # 20 s, 20 +- 13.6 = 6.4 .. 33.6: the half width is 13.6 both times, se = 13.6 / 1.96 =
    # 6.939 each, 9.813 for the difference, z = 14 / 9.813 = 1.4267, p = 0.1537: "flat".
    # Read from the clipped width (19.6), the first se was 5.0 and p 0.102 (still flat, but
    # closer to a trend the data do not show).
    target = pd.DataFrame({"kpi": ["asa"], "target": [20.0], "tolerance": [5.0]})
    frame = _two_periods("asa", (6, 60, 10, 0.0, 19.6), (20, 200, 10, 6.4, 33.6))
    last, _ = _trend_row(frame, target)
    assert last["p_value"] == pytest.approx(0.1537, abs=1e-3)
    assert last["trend"] == "flat"
