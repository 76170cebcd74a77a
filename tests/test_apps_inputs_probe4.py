"""Typed inputs of the sector-benchmarks and KPI-glossary dashboards, driven in plain Python.

Benchmarks: a typed value is read by the rule links read numbers with
(:func:`kpikit.apps.params.cast_value`), not by Python's ``float``, which took "1_0" as 10,
"٣٠٠" (Arabic-Indic digits) as 300, "２０" (full-width) as 20 and "1e-400" as 0 without a
word. Glossary: the calculator shows :func:`kpikit.catalog.calculate`'s result or its error,
never a traceback nor the previous inputs' result.

Data: the hand-made contacts of tests/fixtures.py; worked out by hand from that table, the 8
answered contacts handle 2030 s in all, so the computed AHT is 2030 / 8 = 253.75 s.
"""

import html
import math

import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import BenchmarksApp, GlossaryApp
from kpikit.apps.params import cast_value


@pytest.fixture
def data():
    return kk.Dataset(contacts=hand_contacts())


def value_bars(figure):
    """The values drawn as "Value" bars (the typed or calculated value)."""
    return [trace.x[0] for trace in figure.data if trace.name == "Value"]


# --- BenchmarksApp: typed values read as links read them ---------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1_0", "expected a number"),  # float() read 10
        ("٣٠٠", "expected a number"),  # float() read 300
        ("２０", "expected a number"),  # float() read 20
        ("1e-400", "smaller ones read as 0"),  # float() read 0
        ("nan", "expected a finite number"),
        ("inf", "expected a finite number"),
        ("1e400", "expected a finite number"),  # float() read inf
        ("1,5", "expected a number"),
    ],
)
def test_benchmarks_refuses_what_a_link_refuses_and_names_field_and_value(data, text, reason):
    app = BenchmarksApp(data)
    app.value_inputs["aht"].value = "420"
    assert app.yours()["aht"] == 420.0 and app.message.value == ""
    with pytest.raises(ValueError):
        cast_value(text, 1.0)  # the links' rule refuses it too
    app.value_inputs["aht"].value = text
    shown = html.unescape(app.message.value)
    assert "role='alert'" in app.message.value
    assert "Your value for Average handle time must be a number" in shown
    assert reason in shown and repr(text) in shown
    assert math.isnan(app.yours()["aht"])  # no value, not 10, 300, 20 or 0
    export = app.excel_sheets()[0].table.set_index("KPI")
    assert math.isnan(export.loc["Average handle time", "Yours"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 20 ", 20.0),  # spaces around a number: stripped, as a link does
        ("+5", 5.0),
        (".5", 0.5),
        ("2.5e2", 250.0),  # 2.5 * 100 by hand
        ("300", 300.0),
    ],
)
def test_benchmarks_takes_what_a_link_takes_exactly(data, text, expected):
    app = BenchmarksApp(data)
    app.value_inputs["aht"].value = text
    assert app.message.value == ""
    assert app.yours()["aht"] == expected == cast_value(text, 1.0)
    assert expected in value_bars(app.chart.figure)


def test_benchmarks_empty_field_brings_back_the_computed_value(data):
    app = BenchmarksApp(data)
    app.value_inputs["aht"].value = "420"
    app.value_inputs["aht"].value = ""
    assert app.message.value == ""
    assert app.yours()["aht"] == 253.75  # 2030 s / 8 answered, by hand
    assert app.value_inputs["aht"].value == "253.75"


def test_benchmarks_refused_value_then_a_good_one_clears_the_notice(data):
    app = BenchmarksApp(data)
    app.value_inputs["aht"].value = "1_0"
    assert app.message.value != ""
    app.value_inputs["aht"].value = "10"
    assert app.message.value == "" and app.yours()["aht"] == 10.0


# --- GlossaryApp: the calculator's result or its error, never a stale value --------------


def result_text(app) -> str:
    return html.unescape(app.result.value)


def test_glossary_answered_within_threshold_above_offered_is_an_error_not_a_value(data):
    app = GlossaryApp(data, kpi="service_level")
    assert app.result_value == 80.0  # worked example: 160 / (200 - 0) = 80 %
    app.calculator_inputs["answered_within_threshold"].value = 500
    assert math.isnan(app.result_value)
    assert "role='alert'" in app.result.value
    assert "Inputs of 'service_level' are inconsistent: they give 250" in result_text(app)
    assert "80.0" not in result_text(app) and value_bars(app.chart.figure) == []
    app.calculator_inputs["answered_within_threshold"].value = 100
    assert app.result_value == 50.0  # 100 / 200 = 50 %, by hand
    assert "SL = <strong>50.0 %</strong>" in result_text(app)
    assert value_bars(app.chart.figure) == [50.0]
    assert app.message.value == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-3.0, "received: -3"),
        (10.5, "received: 10.5"),  # a count of contacts is whole
        (1e-300, "received: 1e-300"),
        (math.nan, "received: nan"),
        (math.inf, "received: inf"),
    ],
)
def test_glossary_odd_count_is_refused_in_words_and_drops_the_old_result(data, value, shown):
    app = GlossaryApp(data, kpi="service_level")
    app.calculator_inputs["answered_within_threshold"].value = 100  # 100 / 200 = 50 %
    assert app.result_value == 50.0
    app.calculator_inputs["offered"].value = value
    text = result_text(app)
    assert math.isnan(app.result_value)
    assert "role='alert'" in app.result.value
    assert "Value of 'offered' must be a finite whole number >= 0 but " + shown in text
    assert "50.0" not in text and value_bars(app.chart.figure) == []
    assert app.message.value == ""  # no traceback turned into a message


def test_glossary_zero_denominator_is_no_value_never_zero(data):
    app = GlossaryApp(data, kpi="service_level")
    # offered 10 of which 10 short abandons: denominator 10 - 10 = 0, numerator 0
    app.calculator_inputs["answered_within_threshold"].value = 0
    app.calculator_inputs["short_abandons"].value = 10
    app.calculator_inputs["offered"].value = 10
    assert math.isnan(app.result_value)
    assert "SL = <strong>–</strong> (the denominator is 0: no value, not 0)" in result_text(app)
    assert value_bars(app.chart.figure) == []
    sheet = app.excel_sheets()[0].table.set_index("Item")
    assert math.isnan(sheet.loc["Calculator result", "Value"])  # exported as no value


def test_glossary_numerator_over_a_zero_total_is_an_error(data):
    app = GlossaryApp(data, kpi="csat")
    app.calculator_inputs["csat_responses"].value = 0
    app.calculator_inputs["csat_satisfied"].value = 5  # 5 satisfied of 0 responses
    assert math.isnan(app.result_value)
    assert "the numerator is 5 while the denominator is 0" in result_text(app)


def test_glossary_nps_shares_above_the_responses_are_an_error(data):
    app = GlossaryApp(data, kpi="nps")
    assert app.result_value == 20.0  # 100 * (45 - 25) / 100
    app.calculator_inputs["nps_promoters"].value = 90  # 90 + 25 = 115 > 100 responses
    assert math.isnan(app.result_value)
    assert "nps_promoters + nps_detractors is 115, more than the 100 responses" in (
        result_text(app)
    )


def test_glossary_overflowing_totals_are_an_error(data):
    app = GlossaryApp(data, kpi="aht")
    app.calculator_inputs["talk_s"].value = 1e308
    app.calculator_inputs["hold_s"].value = 1e308  # the sum is infinite
    assert math.isnan(app.result_value)
    assert "Inputs of 'aht' are too large to compute with" in result_text(app)


def test_glossary_switching_kpi_after_an_error_shows_the_new_kpis_result(data):
    app = GlossaryApp(data, kpi="aht")
    app.calculator_inputs["talk_s"].value = -5
    assert "role='alert'" in app.result.value
    app.kpi.value = "fcr"
    assert app.result_value == 72.0  # worked example: 100 * 72 / 100
    assert "role='alert'" not in app.result.value and "72.0 %" in result_text(app)
    app.kpi.value = "aht"  # the calculator is rebuilt with the worked example
    assert app.result_value == 300.0  # (21000 + 3000 + 6000) / 100
