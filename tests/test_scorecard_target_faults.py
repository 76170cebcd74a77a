"""Tests for faults in scorecard targets found by a probe: segment values that match no group,
the tolerance of sector-derived targets, shared preset lists, TOML ``kpi`` keys and derived
bands off the scale.

Expected values are hand calculations; each assertion says how.
"""

import pandas as pd
import pytest

from kpikit.scorecard import preset_targets, presets, rate, read_targets, targets_from_benchmarks

# AHT per channel, as on the sample data (phone 385 s, chat 364 s, email 297 s).
AHT_BY_CHANNEL = pd.DataFrame(
    {"channel": ["chat", "email", "phone"], "kpi": "aht", "value": [364.0, 297.0, 385.0]}
)


def test_segment_value_with_a_case_difference_is_refused_with_a_suggestion():
    targets = pd.DataFrame(
        {"kpi": ["aht", "aht"], "target": [100, 900], "channel": ["Phone", None]}
    )
    with pytest.raises(ValueError) as error:
        rate(AHT_BY_CHANNEL, targets)
    message = str(error.value)
    assert "channel value(s) ['Phone']" in message
    assert "1 row(s) [0]" in message
    assert "['chat', 'email', 'phone']" in message
    assert "Did you mean 'phone'?" in message


def test_segment_value_matching_no_group_is_said_not_left_unrated_in_silence():
    # "voice" is close to no channel of the data: a segment it lacks (a targets file made for
    # more channels), said in a warning; the groups stay without a target
    targets = pd.DataFrame({"kpi": ["aht"], "target": [100], "channel": ["voice"]})
    with pytest.warns(UserWarning, match=r"channel value\(s\) \['voice'\] that match no group"):
        table = rate(AHT_BY_CHANNEL, targets).table
    assert table["target"].isna().all() and table["status"].isna().all()


def test_matching_segment_value_still_applies():
    targets = pd.DataFrame(
        {"kpi": ["aht", "aht"], "target": [100, 900], "channel": ["phone", None]}
    )
    table = rate(AHT_BY_CHANNEL, targets).table.set_index("channel")
    # phone: 385 s > 100 s + tolerance 0 -> red; chat 364 and email 297 <= 900 -> green
    assert table["status"].to_dict() == {"chat": "green", "email": "green", "phone": "red"}


def test_segment_targets_without_grouping_by_the_segment_are_still_refused():
    frame = pd.DataFrame({"team": ["a"], "kpi": "aht", "value": [385.0]})
    targets = pd.DataFrame({"kpi": ["aht"], "target": [100], "channel": ["phone"]})
    with pytest.raises(ValueError, match="not grouped by channel"):
        rate(frame, targets)


def test_sector_tolerance_reaches_the_worse_edge_of_the_average_range():
    csat = targets_from_benchmarks("healthcare").set_index("kpi").loc["csat"]
    # target tier 88-92 -> target 88; average 75-85 (seed 002) -> tolerance 88 - 75 = 13
    assert (csat["target"], csat["tolerance"]) == (88.0, 13.0)
    aht = targets_from_benchmarks("ecommerce_retail").set_index("kpi").loc["aht"]
    # target tier 180-300 -> target 300 (lower is better); average 240-360 -> 360 - 300 = 60
    assert (aht["target"], aht["tolerance"]) == (300.0, 60.0)


def test_sector_targets_rate_typical_amber_and_worse_than_typical_red():
    frame = pd.DataFrame({"team": ["a", "b"], "kpi": "csat", "value": [76.0, 74.0]})
    table = rate(frame, targets_from_benchmarks("healthcare")).table
    status = table.loc[table["kpi"] == "csat", "status"].tolist()
    # 76 in 88 - 13 = 75 .. 88 -> amber; 74 < 75 (below the typical 75-85) -> red
    assert status == ["amber", "red"]
    frame = pd.DataFrame({"team": ["a", "b"], "kpi": "aht", "value": [350.0, 400.0]})
    table = rate(frame, targets_from_benchmarks("ecommerce_retail")).table
    status = table.loc[table["kpi"] == "aht", "status"].tolist()
    # 350 in 300 .. 300 + 60 = 360 -> amber; 400 > 360 (worse than the typical 240-360) -> red
    assert status == ["amber", "red"]


def test_presets_returns_copies_of_the_catalog_lists():
    table = presets().set_index("preset")
    table.loc["starter", "primary"].append("nps")
    # starter's primary KPIs stay fcr, csat, service_level: nps is not made primary
    targets = preset_targets("starter", channel="phone")
    primary = targets.loc[targets["role"] == "primary", "kpi"].tolist()
    assert sorted(primary) == ["csat", "fcr", "service_level"]
    assert presets().set_index("preset").loc["starter", "primary"] == [
        "fcr",
        "csat",
        "service_level",
    ]


def test_toml_kpi_key_contradicting_the_table_is_refused(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text('[fcr]\ntarget = 80\nkpi = "csat"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[fcr\] has kpi = 'csat'"):
        read_targets(path)


def test_toml_kpi_key_repeating_the_table_name_is_accepted(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text('[fcr]\ntarget = 80\nkpi = "fcr"\n', encoding="utf-8")
    assert read_targets(path)["kpi"].tolist() == ["fcr"]


def test_band_from_target_and_tolerance_off_the_scale_is_refused():
    targets = pd.DataFrame({"kpi": ["occupancy"], "target": [95], "tolerance": [10]})
    # 95 ± 10 -> 85 to 105, past the 100 % of a percent
    with pytest.raises(ValueError, match=r"target 95 ± tolerance 10, a band from 85 to 105"):
        read_targets(targets)


def test_band_from_target_and_tolerance_at_the_scale_edge_is_kept():
    targets = pd.DataFrame({"kpi": ["occupancy"], "target": [90], "tolerance": [10]})
    band = read_targets(targets).loc[0, ["band_low", "band_high"]].tolist()
    assert band == [80.0, 100.0]  # 90 ± 10, and 100 is still on the scale
