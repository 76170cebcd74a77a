"""Faults of the scorecard and trade-off dashboards found by a probe: per-channel targets,
unbounded what-ifs, the fewest points of a fit, wording, rounding that hides a miss and hidden
widgets in the static report.

Hand data: the ten contacts of tests/fixtures.py (see test_apps_scorecard_tradeoff.py for the
values by hand): service level 6 of 10 = 60 % in all, phone 3 of 7 = 42.9 %, chat 3 of 3 =
100 %; AHT phone 1290 / 5 = 258 s, chat 740 / 3 = 246.7 s.
"""

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import ScorecardApp
from kpikit.scorecard import rate, segment_targets

# Service level: 80 % in general, 95 % for chat; AHT for phone alone.
CHANNEL_TARGETS = pd.DataFrame(
    {
        "kpi": ["service_level", "service_level", "aht"],
        "target": [80.0, 95.0, 300.0],
        "tolerance": [10.0, 0.0, 60.0],
        "channel": [None, "chat", "phone"],
    }
)


@pytest.fixture
def hand():
    contacts = hand_contacts()
    contacts["team"] = contacts["channel"].map({"phone": "north", "chat": "south"})
    return kk.Dataset(contacts=contacts)


# --- 1. per-channel targets in the scorecard dashboard -------------------------------------


def _rated(app) -> dict:
    table = app.card.table.set_index("kpi")
    return {kpi: (table.at[kpi, "target"], table.at[kpi, "status"]) for kpi in table.index}


def test_scorecard_channel_view_takes_its_channels_target(hand):
    app = ScorecardApp(hand, targets=CHANNEL_TARGETS, level="center", freq="all")
    rated = _rated(app)
    assert rated["service_level"] == (80.0, "red")  # 60 % against the general 80 ± 10
    # AHT has a phone target only: no status in the all-channel view, and a note says why.
    assert pd.isna(rated["aht"][0]) and rated["aht"][1] is None
    assert "Shown without a status: Average handle time" in app.view_note.value
    assert "– no target" in app.center_table.value
    app.channel.value = "chat"
    rated = _rated(app)
    assert rated["service_level"] == (95.0, "green")  # 100 % against chat's own 95
    assert rated["aht"][1] is None
    app.channel.value = "phone"
    rated = _rated(app)
    assert rated["service_level"] == (80.0, "red")  # 42.9 %: phone falls back on the general
    assert rated["aht"] == (300.0, "green")  # 258 s against phone's 300 s
    assert "without a status" not in app.view_note.value


def test_scorecard_team_view_and_trend_with_channel_targets(hand):
    app = ScorecardApp(hand, targets=CHANNEL_TARGETS, level="team", freq="all", trend_kpi="aht")
    table = app.card.table
    assert table.loc[table["kpi"] == "aht", "status"].isna().all()
    app.channel.value = "phone"
    table = app.card.table.set_index(["team", "kpi"])
    assert table.at[("north", "aht"), "status"] == "green"  # 258 s <= 300 s


def test_rate_and_segment_targets_share_the_segment_rule():
    frame = pd.DataFrame({"kpi": ["service_level", "aht"], "value": [90.0, 280.0]})
    card = rate(frame, CHANNEL_TARGETS, segment={"channel": "chat"})
    # chat: 90 % against 95 (tolerance 0) is red; AHT has no chat target: not rated
    assert card.table["status"].tolist() == ["red", None]
    assert "channel" not in card.table.columns
    pooled = segment_targets(CHANNEL_TARGETS)
    assert pooled["target"].tolist()[0] == 80.0 and pd.isna(pooled["target"].tolist()[1])
    with pytest.raises(ValueError, match="not grouped by channel"):
        rate(frame, CHANNEL_TARGETS)  # neither grouped by channel nor given it
    with pytest.raises(ValueError, match="is not a segment column"):
        rate(frame, CHANNEL_TARGETS, segment={"chanel": "chat"})
