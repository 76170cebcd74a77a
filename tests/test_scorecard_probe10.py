"""Probe 10 of the dashboard link parameters and the scorecard: defects found and fixed."""

import ast
import warnings

import nbformat
import pandas as pd
import pytest

from kpikit.apps.params import Param, documented, notebook_parameters, parameters_cell
from kpikit.scorecard import rate
from kpikit.whatif import Assumptions, Scenario, compare, evaluate


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        # low=0 and no high: the range is "0 or more", as Param.check's message says it
        (Param("wait_s", 20.0, "Wait", unit="seconds", low=0), "seconds, 0 or more"),
        # high=5 and no low: "up to 5"
        (Param("tries", 3, "Tries", high=5, whole=True), "whole numbers, up to 5"),
    ],
)
def test_a_param_with_one_bound_is_described(param, expected):
    # Before: describe() formatted the missing bound with :g and raised
    # "TypeError: unsupported format string passed to NoneType.__format__".
    assert param.describe() == expected


def test_a_param_with_one_bound_gets_its_notebook_cell_and_docstring_entry():
    # The cell and the docstring are built from describe(): both raised the TypeError above.
    param = Param("wait_s", 20.0, "Wait", unit="seconds", low=0)
    assert parameters_cell((param,)) == "wait_s = 20.0  # Wait: seconds, 0 or more"
    doc = "Doc.\n\n    Parameters\n    ----------\n    data : frame\n        The data.\n"
    assert "        Wait (seconds, 0 or more)\n" in documented(doc, (param,))


def test_a_help_text_with_a_line_break_stays_in_the_cells_comment():
    # help "first\nsecond": the comment fits on the line (4 + 22 characters), so it was written
    # after "a = 1.0  # first" and "second" became a line of code of its own (a NameError when
    # the notebook runs). By hand: the break read as a space, "a = 1.0  # first second".
    table = (Param("a", 1.0, "A", help="first\nsecond"), Param("b", 2, "B"))
    source = parameters_cell(table)
    assert source == "a = 1.0  # first second\nb = 2  # B"
    statements = ast.parse(source).body
    assert [type(node) for node in statements] == [ast.Assign, ast.Assign]
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    assert notebook_parameters(nbformat.v4.new_notebook(cells=[cell])) == {"a": 1.0, "b": 2}


def _csat_difference(table):
    return table.set_index("metric").loc["csat", "difference"]


def test_compare_projects_a_scenario_beside_an_evaluation_under_its_assumptions():
    # 14 then 12 agents for 100 calls of 180 s: ASA 7.836 s, then 40.445 s (+32.609 s, as in
    # test_whatif). The base was evaluated at 6 CSAT points per 30 s of wait, so the
    # alternative's CSAT falls by 6 · 32.609 / 30 = 6.522; before, the alternative was
    # projected at the default 2.5 points (2.5 · 32.609 / 30 = 2.717) beside it.
    base = Scenario(volume=100, aht_s=180, agents=14, csat=80.0)
    rules = Assumptions(csat_points_per_30s_wait=6.0)
    table = compare(evaluate(base, rules), base.adjust(agents=-2))
    assert _csat_difference(table) == pytest.approx(-6 * 32.609 / 30, abs=1e-3)


def test_compare_refuses_assumptions_that_an_evaluation_would_ignore():
    # Both sides evaluated with the default rules (2.5 points per 30 s), and 6 points asked
    # for: the 6 were ignored without a word (CSAT -2.717 instead of -6.522).
    base = Scenario(volume=100, aht_s=180, agents=14, csat=80.0)
    first, second = evaluate(base), evaluate(base.adjust(agents=-2))
    rules = Assumptions(csat_points_per_30s_wait=6.0)
    with pytest.raises(ValueError, match="one set of assumptions but received 2") as caught:
        compare(first, second, rules)
    assert "csat_points_per_30s_wait=6.0" in str(caught.value)
    assert "csat_points_per_30s_wait=2.5" in str(caught.value)
    with pytest.raises(ValueError, match="one set of assumptions"):
        compare(first, evaluate(second.scenario, rules))


_TWO_KPIS = pd.DataFrame({"kpi": ["aht", "fcr"], "target": [300, 75], "tolerance": [30, 5]})


def test_scores_of_a_categorical_team_have_no_rows_for_unused_categories():
    # Teams a and b rated, category c has no row (a team column read from parquet or polars
    # as a category). By hand: a has AHT 300 <= 300 green (100) and FCR 72 within 5 of 75
    # amber (50): (100 + 50) / 2 = 75; b has both green: 100. On pandas 2 the composite and
    # the areas also listed team c (score NaN, 0 KPIs), a team the scorecard has no row of.
    frame = pd.DataFrame(
        {
            "team": pd.Categorical(["a", "a", "b", "b"], categories=["a", "b", "c"]),
            "kpi": ["aht", "fcr"] * 2,
            "value": [300.0, 72.0, 250.0, 80.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # pandas 2 warned of observed=False
        card = rate(frame, _TWO_KPIS)
        composite, areas = card.composite, card.areas
    assert composite["team"].tolist() == ["a", "b"]
    assert composite["score"].tolist() == [75.0, 100.0]
    assert areas["team"].tolist() == ["a", "a", "b", "b"]


def test_scores_of_two_categorical_keys_are_of_the_pairs_that_occur():
    # Agents x of team a and y of team b: two groups. By hand: a/x AHT 330 amber (50), FCR 80
    # green (100): 75; b/y AHT 200 green, FCR 60 red (0): 50. On pandas 2 the composite had
    # every pair of categories, a/y and b/x too (four rows, two of them empty).
    frame = pd.DataFrame(
        {
            "team": pd.Categorical(["a", "a", "b", "b"]),
            "agent": pd.Categorical(["x", "x", "y", "y"]),
            "kpi": ["aht", "fcr"] * 2,
            "value": [330.0, 80.0, 200.0, 60.0],
        }
    )
    composite = rate(frame, _TWO_KPIS).composite
    assert composite[["team", "agent"]].to_numpy().tolist() == [["a", "x"], ["b", "y"]]
    assert composite["score"].tolist() == [75.0, 50.0]
