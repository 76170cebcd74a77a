"""URL query parameters: whitelist, casting, choices, reporting of bad input, Voila preheat."""

import warnings

import nbformat
import pytest

from kpikit.apps import params
from kpikit.apps.params import QueryParamWarning, cast_value, notebook_parameters, query_params

DEFAULTS = {"kpi": "aht", "threshold_s": 20, "weight": 1.5, "drill": False}


def quiet(defaults, query, **kwargs):
    """query_params, failing the test if it reports anything."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return query_params(defaults, query, **kwargs)


def test_empty_query_returns_the_defaults():
    assert quiet(DEFAULTS, "") == DEFAULTS


def test_values_are_cast_to_the_type_of_the_default():
    result = quiet(DEFAULTS, "?kpi=fcr&threshold_s=30&weight=0.25&drill=yes")
    assert result == {"kpi": "fcr", "threshold_s": 30, "weight": 0.25, "drill": True}
    assert type(result["threshold_s"]) is int
    assert type(result["weight"]) is float


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("TRUE", True), ("on", True), ("0", False), ("False", False), ("no", False)],
)
def test_boolean_spellings(text, expected):
    assert cast_value(text, False) is expected


@pytest.mark.parametrize(
    ("text", "default", "expected"),
    [
        ("30", 20, 30),
        ("-4", 20, -4),
        ("30.0", 20, 30),
        ("3e1", 20, 30),
        ("2.5", 1.0, 2.5),
        (".5", 1.0, 0.5),
        ("+1E2", 1.0, 100.0),
    ],
)
def test_numbers_as_links_write_them(text, default, expected):
    assert cast_value(text, default) == expected


@pytest.mark.parametrize(
    ("text", "default", "message"),
    [
        # Python's int and float read 1_0 as 10, Arabic-Indic ٣٠ and full-width ３０ as 30
        ("1_0", 20, "expected a whole number"),
        ("\u0663\u0660", 20, "expected a whole number"),
        ("\uff13\uff10", 20, "expected a whole number"),
        ("1_0.5", 1.0, "expected a number"),
        ("\u0663\u0660", 1.0, "expected a number"),
        ("0x1A", 1.0, "expected a number"),
        ("nan", 1.0, "expected a finite number"),
        ("-Infinity", 1.0, "expected a finite number"),
        ("1e309", 1.0, "expected a finite number"),
        ("3.5", 20, "expected a whole number"),
    ],
)
def test_numbers_in_other_spellings_are_refused(text, default, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        cast_value(text, default)


def test_percent_encoding_and_spaces_are_decoded():
    assert quiet({"team": "x"}, "team=north%20east")["team"] == "north east"
    assert quiet({"team": "x"}, "team=north+east")["team"] == "north east"


def test_repeated_key_last_value_wins():
    assert quiet(DEFAULTS, "kpi=fcr&kpi=csat")["kpi"] == "csat"


def test_voila_keys_are_ignored_silently():
    assert quiet(DEFAULTS, "voila-theme=dark&voila-template=lab") == DEFAULTS


def test_the_server_token_is_ignored_silently():
    # Every dashboard opened with ?token=... (the server beyond loopback) told the visitor its
    # link parameter 'token' was unknown.
    assert quiet(DEFAULTS, "token=S3cret&kpi=fcr") == {**DEFAULTS, "kpi": "fcr"}


def test_a_refused_repeat_names_the_value_kept():
    # kpi=bad&kpi=fcr kept 'fcr' but said "kept kpi='aht'", the value at the time of 'bad'.
    for query in ("kpi=bad&kpi=fcr", "kpi=fcr&kpi=bad"):
        with pytest.warns(QueryParamWarning) as caught:
            result = query_params({"kpi": "aht"}, query, choices={"kpi": ["aht", "fcr"]})
        assert result == {"kpi": "fcr"}
        assert [str(w.message) for w in caught] == [
            "Ignored 'kpi=bad' (expected one of ['aht', 'fcr']); kept kpi='fcr'."
        ]


def test_unknown_key_is_ignored_with_a_warning_listing_the_parameters():
    with pytest.warns(QueryParamWarning, match=r"unknown parameter 'kpii'.*\['drill', 'kpi'"):
        result = query_params(DEFAULTS, "kpii=fcr")
    assert result == DEFAULTS


def test_a_repeated_unknown_key_is_said_once():
    # kpii=a&kpii=b listed the same "unknown parameter 'kpii' (expected one of ...)" twice.
    with pytest.warns(QueryParamWarning) as caught:
        query_params(DEFAULTS, "kpii=a&kpii=b&kpii=c")
    assert str(caught[0].message).count("unknown parameter 'kpii'") == 1


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("threshold_s=twenty", "expected a whole number"),
        ("threshold_s=2.5", "expected a whole number"),
        ("weight=abc", "expected a number"),
        ("weight=nan", "expected a finite number"),
        ("weight=inf", "expected a finite number"),
        ("drill=maybe", "expected true or false"),
        ("kpi=" + "a" * 201, "longer than 200 characters"),
    ],
)
def test_bad_value_keeps_the_default_and_says_why(query, reason):
    with pytest.warns(QueryParamWarning, match=reason) as caught:
        result = query_params(DEFAULTS, query)
    assert result == DEFAULTS
    assert "kept" in str(caught[0].message)


def test_choices_are_checked_after_casting():
    choices = {"kpi": ["aht", "fcr"], "threshold_s": [20, 30]}
    assert quiet(DEFAULTS, "kpi=fcr&threshold_s=30", choices=choices)["threshold_s"] == 30
    with pytest.warns(QueryParamWarning, match=r"expected one of \['aht', 'fcr'\]"):
        result = query_params(DEFAULTS, "kpi=ahtt&threshold_s=30", choices=choices)
    # The valid parameter is taken even though the other one is rejected.
    assert result == {**DEFAULTS, "threshold_s": 30}


def test_long_values_are_shortened_in_the_message():
    with pytest.warns(QueryParamWarning) as caught:
        query_params({"kpi": "aht"}, "kpi=" + "x" * 150, choices={"kpi": ["aht"]})
    assert "x" * 40 + "..." in str(caught[0].message)
    assert "x" * 41 not in str(caught[0].message)


def test_unsupported_default_type_is_a_type_error():
    with pytest.raises(TypeError, match=r"defaults\['period'\].*received: None"):
        query_params({"period": None}, "")


def test_query_string_is_read_from_voila_environment(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "kpi=csat")
    assert quiet(DEFAULTS, None)["kpi"] == "csat"
    monkeypatch.delenv("QUERY_STRING")
    assert quiet(DEFAULTS, None) == DEFAULTS


def test_preheated_kernel_waits_for_the_request_before_reading(monkeypatch):
    import voila.utils

    def wait_for_request():
        # What Voila does when the page request reaches a preheated kernel.
        monkeypatch.setenv("QUERY_STRING", "kpi=nps")

    monkeypatch.setattr(voila.utils, "wait_for_request", wait_for_request)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    assert quiet(DEFAULTS, None)["kpi"] == "nps"


def test_in_a_kernel_problems_are_shown_as_escaped_html(monkeypatch):
    shown = []
    monkeypatch.setattr(params, "_kernel_shell", lambda: object())
    monkeypatch.setattr("IPython.display.display", shown.append)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        query_params(DEFAULTS, "kpi=%3Cscript%3Ealert(1)%3C/script%3E", choices={"kpi": ["aht"]})
    html = shown[0].data
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Link parameters ignored" in html


def test_notebook_parameters_reads_literal_assignments_of_the_parameters_cell():
    cell = nbformat.v4.new_code_cell(
        'sector = "all"\nthreshold_s = 20\nweights = {"a": 1}\nstart = make_date()\nshow = True'
    )
    cell.metadata["tags"] = ["parameters"]
    other = nbformat.v4.new_code_cell("x = 1")
    notebook = nbformat.v4.new_notebook(cells=[other, cell])
    # The dict is a literal but not a bool/int/float/str; the call is not a literal.
    assert notebook_parameters(notebook) == {"sector": "all", "threshold_s": 20, "show": True}


def test_notebook_without_parameters_cell_has_no_parameters():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    assert notebook_parameters(notebook) == {}
