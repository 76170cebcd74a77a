"""Probe 8 of the KPI catalog and glossary: defects found by a careless user, each fixed."""

import dataclasses
import html
import re

import pandas as pd
import pytest

from kpikit.catalog import KPI_IDS, calculate, example_dataset, kpi


def test_a_forgotten_calculator_input_is_refused_not_taken_from_the_example():
    # Before: calculate("aht", talk_s=12000, answered=40) silently took hold 3000 s and
    # after-contact work 6000 s from the worked example: (12000 + 3000 + 6000) / 40 = 525 s,
    # where the trainer meant 12000 / 40 = 300 s. Now the inputs left out are named.
    with pytest.raises(ValueError) as raised:
        calculate("aht", talk_s=12000, answered=40)
    message = str(raised.value)
    assert "leaves out 2 of the 4 inputs of the 'aht' calculator: ['hold_s', 'acw_s']" in message
    assert "hold_s=3000, acw_s=6000" in message and "example=True" in message


def test_a_variant_s_forgotten_input_is_refused_too():
    # Amazon Connect's reading needs the abandons within T: before, the example's 6 were
    # added silently, (160 + 6) / (200 - 0) = 83 % instead of an error.
    with pytest.raises(ValueError, match=r"\['abandoned_within_threshold'\].*=6\b"):
        calculate(
            "service_level",
            sl_abandoned="met",
            answered_within_threshold=160,
            offered=200,
            short_abandons=0,
        )


def test_the_worked_example_is_asked_for_explicitly():
    # Worked example of AHT: (21000 + 3000 + 6000) / 100 = 300 s; without hold (0 given,
    # the rest from the example): (21000 + 6000) / 100 = 270 s.
    assert calculate("aht", example=True) == 300.0
    assert calculate("aht", example=True, hold_s=0) == 270.0
    # A given input is still checked before the example fills the rest.
    with pytest.raises(ValueError, match=r"'hold_s' must be a finite number >= 0"):
        calculate("aht", example=True, hold_s=-1)
    with pytest.raises(TypeError, match=r"'example' must be True or False.*'yes'"):
        calculate("aht", example="yes")


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_no_inputs_at_all_name_every_input_of_the_formula(kpi_id):
    # calculate("csat") gave the worked example's 80 % as if it were the trainer's figure;
    # now the message lists the calculator's inputs (kpi(kpi_id).calculator), in its order.
    names = [item.name for item in kpi(kpi_id).calculator]
    with pytest.raises(ValueError, match=re.escape(f"calculator: {names}")):
        calculate(kpi_id)


def test_the_glossary_names_the_denominator_of_the_variant_it_computes_with():
    # Survey FCR on the worked example with no outcome recorded: the first contacts that can
    # be judged are #1, #2, #6 and #7 (4, tests/test_catalog.py), but none has the customer's
    # answer, so the survey denominator is 0. Before: "its denominator, first contacts (that
    # can be judged), is 0 in this data", false for these 4.
    from kpikit.apps.glossary import GlossaryApp

    data = example_dataset()
    unknown = pd.array([pd.NA] * len(data.contacts), dtype="boolean")
    data = dataclasses.replace(data, contacts=data.contacts.assign(resolved=unknown))
    app = GlossaryApp(data, kpi="fcr", fcr_method="survey")
    text = html.unescape(app.data_value.value)
    assert "no value (its denominator, first contacts with the customer's answer, is 0" in text
    assert "that can be judged" not in text
