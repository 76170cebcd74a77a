"""Link parameters too small for a float: 1e-400 read as 0 without a word."""

import pytest

from kpikit.apps.params import QueryParamWarning, cast_value, query_params


@pytest.mark.parametrize("text", ["1e-400", "-1e-400", "0.5e-330", "123e-500", ".1E-999"])
def test_a_number_that_underflows_to_zero_is_refused(text):
    with pytest.raises(
        ValueError,
        match=r"^expected 0 or a number of at least 5e-324 in size: smaller ones read as 0$",
    ):
        cast_value(text, 1.0)
    with pytest.raises(ValueError, match="^expected a whole number$"):
        cast_value(text, 20)


def test_the_refusal_is_noticed_as_an_out_of_range_value_is():
    with pytest.warns(QueryParamWarning) as caught:
        result = query_params({"weight": 1.0, "agents": 2}, "weight=1e-400&agents=1e-400")
    assert result == {"weight": 1.0, "agents": 2}
    assert [str(warning.message) for warning in caught] == [
        "Ignored 'weight=1e-400' (expected 0 or a number of at least 5e-324 in size: smaller "
        "ones read as 0); kept weight=1.0. Ignored 'agents=1e-400' (expected a whole number); kept "
        "agents=2."
    ]


@pytest.mark.parametrize(
    ("text", "value"), [("0", 0.0), ("0e-400", 0.0), ("-0.000e-999", 0.0), ("1e-310", 1e-310)]
)
def test_zero_and_tiny_numbers_a_float_holds_are_taken(text, value):
    assert cast_value(text, 1.0) == value
    assert query_params({"weight": 1.0}, f"weight={text}") == {"weight": value}


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400", "-1e400", "Infinity"])
def test_infinite_and_nan_values_are_refused(text):
    with pytest.warns(QueryParamWarning, match=r"\(expected a finite number\); kept weight=1.0"):
        assert query_params({"weight": 1.0}, f"weight={text}") == {"weight": 1.0}
    with pytest.warns(QueryParamWarning, match=r"\(expected a whole number\); kept agents=2"):
        assert query_params({"agents": 2}, f"agents={text}") == {"agents": 2}
