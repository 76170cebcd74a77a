"""Probe 7 of the catalog, scorecard and exports: defects found by a careless user, each fixed."""

import decimal
import io

import openpyxl
import pandas as pd
import pytest

from kpikit.catalog import calculate
from kpikit.io.exporting import Sheet, write_workbook
from kpikit.scorecard import rate


def _sheet(table: pd.DataFrame, title: str = "x"):
    content = write_workbook([Sheet(title, table)])
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


def test_a_qa_target_written_as_a_fraction_is_refused_not_met_by_every_group():
    # Before: a QA target of 0.85 (85 points written as a fraction) rated a QA score of 40
    # green (40 >= 0.85). The QA score runs 0..100 like a percent, so 0.85 reads as 0.85 of
    # 100 points, which no scorecard means.
    frame = pd.DataFrame({"kpi": ["qa_score"], "value": [40.0]})
    with pytest.raises(ValueError, match=r"'target' of 0\.85 for 'qa_score' in row 0.*85, not"):
        rate(frame, pd.DataFrame({"kpi": ["qa_score"], "target": [0.85]}))


def test_targets_of_a_hundred_points_and_nps_near_zero_are_still_rated():
    # 85 points is no fraction: 40 < 85 - 5 is red. NPS runs -100..100, so a target of 0.5
    # may be meant: -20 < 0.5 - 10 is red, not refused.
    frame = pd.DataFrame({"kpi": ["qa_score", "nps"], "value": [40.0, -20.0]})
    targets = pd.DataFrame({"kpi": ["qa_score", "nps"], "target": [85, 0.5], "tolerance": [5, 10]})
    assert rate(frame, targets).table["status"].tolist() == ["red", "red"]


def test_a_variant_s_inconsistent_inputs_are_named_by_the_variant_s_sums():
    # Amazon Connect's reading: (150 answered + 10 abandoned within T) / (150 - 0) = 106.7 %,
    # impossible. Before, the message named the default formula ("answered with wait_s <= T
    # ... / offered minus short abandons (option sl_denominator=...)"), not the one used.
    with pytest.raises(ValueError) as raised:
        calculate(
            "service_level",
            sl_abandoned="met",
            answered_within_threshold=150,
            abandoned_within_threshold=10,
            offered=150,
            short_abandons=0,
        )
    message = str(raised.value)
    assert "they give 106.667" in message
    assert (
        "((answered_within_threshold + abandoned_within_threshold) / (offered - short_abandons))"
        in message
    )
    assert "answered with wait_s" not in message


def test_a_variant_s_negative_denominator_names_the_variant_s_denominator():
    # "excluded": 50 offered - 0 short - 60 abandoned within T = -10 contacts.
    with pytest.raises(ValueError) as raised:
        calculate(
            "service_level",
            sl_abandoned="excluded",
            answered_within_threshold=10,
            abandoned_within_threshold=60,
            offered=50,
            short_abandons=0,
        )
    assert (
        "the denominator, (offered - short_abandons - abandoned_within_threshold), is -10"
        in str(raised.value)
    )


def test_the_default_formula_keeps_the_catalog_s_words():
    # 100 within T of 100 - 5 = 95 contacts: 105.3 %.
    with pytest.raises(ValueError, match=r"105\.263.*\(answered with wait_s <= T"):
        calculate("service_level", answered_within_threshold=100, offered=100, short_abandons=5)


def test_a_sheet_name_cut_to_31_characters_does_not_end_in_an_apostrophe():
    # 13 + 17 characters, then the apostrophe of "'s" is character 31: Excel refuses a sheet
    # name that ends in an apostrophe (the file needs repair). Before: the apostrophes were
    # stripped before the cut, which left this one.
    title = "Team 'north' " + "x" * 17 + "'s KPIs"
    sheet = _sheet(pd.DataFrame({"a": [1]}), title)
    assert sheet.title == "Team 'north' " + "x" * 17
    assert not sheet.title.endswith("'")


def test_decimal_amounts_are_numbers_in_excel_not_text():
    # A database NUMERIC cost arrives as Decimal: before, 3.50 was the text "3.50" (Excel's
    # SUM skips it). 3.50 and 0.10 are doubles as written; 12345678901234567.89 is not (17+
    # digits), so it stays text rather than be rounded.
    table = pd.DataFrame(
        {
            "cost": [
                decimal.Decimal("3.50"),
                None,
                decimal.Decimal("0.10"),
                decimal.Decimal("12345678901234567.89"),
            ]
        }
    )
    cells = [row[0] for row in _sheet(table).iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == [3.5, None, 0.1, "12345678901234567.89"]
    assert [cells[0].data_type, cells[2].data_type, cells[3].data_type] == ["n", "n", "s"]


def test_an_input_of_another_variant_names_the_option_not_a_look_alike_input():
    # Before: "not an input ... Did you mean 'answered_within_threshold'?", which would put the
    # 6 abandons in the numerator as answered contacts. Abandons within T count only in the
    # "excluded" and "met" readings of service level.
    with pytest.raises(ValueError) as raised:
        calculate("service_level", abandoned_within_threshold=6)
    message = str(raised.value)
    assert "uses only with sl_abandoned='excluded' or sl_abandoned='met'" in message
    assert "Did you mean" not in message
    with pytest.raises(ValueError, match="uses only with fcr_method='survey'"):
        calculate("fcr", fcr_resolved_by_survey=6)


def test_an_input_of_no_variant_still_gets_its_suggestion():
    with pytest.raises(ValueError, match="Did you mean 'talk_s'"):
        calculate("aht", talk=6)
