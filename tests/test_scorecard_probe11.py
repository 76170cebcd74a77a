"""Probe 11 of the scorecard: a KPI targeted in one channel only makes no area row without an
area in the other channels."""

import pandas as pd
import pytest

import kpikit as kk

# Two phone and two chat contacts on Monday 5 Jan 2026, all answered. Service level has a
# target on chat only: by hand, chat 2 of 2 within 20 s = 100 %, green, score 100 in
# "service"; phone has no service-level target, so no area to score it in.
CONTACTS = pd.DataFrame(
    {
        "contact_id": range(4),
        "channel": ["phone", "phone", "chat", "chat"],
        "arrived_at": pd.Timestamp("2026-01-05 09:00"),
        "answered": True,
        "wait_s": [5.0, 30.0, 5.0, 5.0],
    }
)
TARGETS = pd.DataFrame(
    {"kpi": ["service_level"], "channel": ["chat"], "target": [80.0], "area": ["service"]}
)


def test_a_kpi_targeted_in_another_channel_makes_no_area_row():
    card = kk.scorecard(CONTACTS, TARGETS, by="channel")
    areas = card.areas
    assert areas[["channel", "area", "score"]].to_dict("records") == [
        {"channel": "chat", "area": "service", "score": 100.0}
    ]
    assert card.composite.set_index("channel")["score"].isna().tolist() == [False, True]


def test_targets_per_channel_without_channel_in_by_name_what_each_call_takes():
    # kk.breaches and kk.scorecard have no 'segment' argument, which the message told their
    # callers to give; only rate() takes one
    for call in (kk.breaches, kk.scorecard):
        with pytest.raises(ValueError, match="sets targets per channel") as info:
            call(CONTACTS, TARGETS)
        message = str(info.value)
        assert "add it to 'by'" in message
        assert "rate(..., segment={'channel': ...})" in message
