"""Every dashboard takes the engine's options under their names, and the glossary shows the
registry's glossary data. Hand data: the ten contacts of tests/fixtures.py (see test_metrics.py
for the arithmetic)."""

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import BenchmarksApp, GlossaryApp, ScorecardApp, TradeoffApp

TARGETS = pd.DataFrame({"kpi": ["fcr", "service_level"], "target": [75, 80]})


@pytest.fixture
def hand():
    return kk.Dataset(contacts=hand_contacts())


def test_scorecard_app_passes_options_to_the_engine(hand):
    # fcr_transfers="ignore": #2 counts as resolved again -> 2 of 4; sl_abandoned="met": #4
    # (abandoned after 3 s) counts as met -> 7 of 10.
    app = ScorecardApp(
        hand,
        targets=TARGETS,
        level="center",
        freq="all",
        fcr_window="48h",
        fcr_transfers="ignore",
        sl_abandoned="met",
    )
    table = app.card.table.set_index("kpi")
    assert table.loc["fcr", "value"] == 50.0
    assert table.loc["service_level", "value"] == 70.0
    assert app.engine_options.fcr_transfers == "ignore"


def test_every_app_accepts_the_options_and_suggests_on_a_typo(hand):
    for app_class in (ScorecardApp, TradeoffApp, GlossaryApp, BenchmarksApp):
        app = app_class(hand, fcr_window="72h")
        assert app.engine_options.fcr_window == "72h"
        with pytest.raises(TypeError, match="Did you mean 'fcr_window'"):
            app_class(hand, fcr_windw="72h")


def test_glossary_app_values_follow_the_options(hand):
    app = GlossaryApp(hand, kpi="fcr", fcr_method="survey")
    assert "75.0 %" in app.data_value.value  # 3 of 4 first contacts said resolved
    assert "Variants and who uses them" in app.variants.value
    assert "fcr_method=&#x27;survey&#x27;" in app.variants.value


def test_glossary_app_shows_terms_and_sourced_statistics(hand):
    app = GlossaryApp(hand, kpi="aht")
    text = app.background.value
    assert "KRA (key responsibility area)" in text and "Metric" in text
    assert "American Express" in text and "ICMI research" in text
    assert app.variants.value == ""  # AHT has no variants


def test_glossary_app_says_when_a_channel_has_no_benchmark(hand):
    app = GlossaryApp(hand, kpi="service_level", channel="email")
    assert "No benchmark for channel &#x27;email&#x27; of service_level" in (
        app.benchmark_table.value
    )
    app.set(kpi="contacts_offered", channel="all")  # a count: neither higher nor lower
    assert "neither higher nor lower" in app.summary.value
