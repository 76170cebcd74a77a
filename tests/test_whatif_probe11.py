"""Probe 11 of the what-if: an overloaded alternative has no CSAT projection (its infinite
ASA gave -inf through the linear rule, kept at 0 %)."""

import math

from kpikit.whatif import Scenario, compare


def test_an_overloaded_alternative_has_no_projected_csat():
    # 400 calls of 180 s in an hour are 20 erlangs of traffic on 14 agents: the queue grows
    # and ASA is infinite, so the rule (80 - 2.5 (ASA - base ASA) / 30) has nothing to use
    base = Scenario(volume=100, aht_s=180, agents=14, csat=80.0)
    table = compare(base, Scenario(volume=400, aht_s=180, agents=14, csat=80.0))
    table = table.set_index("metric")
    assert math.isinf(table.loc["asa", "alternative"])
    assert table.loc["csat", "base"] == 80.0  # the base is projected at its own ASA
    assert math.isnan(table.loc["csat", "alternative"])
    assert "the queue is overloaded: ASA is infinite" in table.loc["csat", "note"]
    assert "kept at 0" not in table.loc["csat", "note"]
