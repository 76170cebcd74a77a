"""Probe 5 of the catalog area: calculator, glossary, benchmarks and their dashboards.

Data: the hand-made contacts of tests/fixtures.py; the 8 answered contacts handle 2030 s in
all, so the computed AHT is 2030 / 8 = 253.75 s.
"""

import html

import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import BenchmarksApp, GlossaryApp
from kpikit.apps.benchmarks import _sector_ranges
from kpikit.catalog import catalog, variants


@pytest.fixture
def data():
    return kk.Dataset(contacts=hand_contacts())


def value_bars(figure):
    """The values drawn as "Value" bars (typed or computed)."""
    return [trace.x[0] for trace in figure.data if trace.name == "Value"]


def you_cell(app, name: str) -> str:
    """The "You" cell of ``name``'s row in "Sectors side by side"."""
    row = app.table.value.split(f">{name}</th>")[1].split("</tr>")[0]
    return row.rsplit("<td", 1)[1]


# --- BenchmarksApp: a refused typed value -------------------------------------------------


def test_benchmarks_refused_value_leaves_no_stale_bar_on_the_chart(data):
    # The chart kept drawing 420 s beside the refused text, while yours() and the export said
    # "no value": the page showed two different AHTs as in use.
    app = BenchmarksApp(data, values={"aht": 420})
    assert 420.0 in value_bars(app.chart.figure)
    assert "420" in you_cell(app, "Average handle time")
    app.value_inputs["aht"].value = "fast"
    assert 420.0 not in value_bars(app.chart.figure)
    assert 253.75 not in value_bars(app.chart.figure)  # nor the computed 2030 / 8
    assert "420" not in you_cell(app, "Average handle time")
    shown = html.unescape(app.message.value)
    assert "'fast'" in shown
    assert "The chart and table show no value for Average handle time" in shown
    assert app.value_inputs["aht"].value == "fast"  # the text stays for the user to correct
    app.value_inputs["aht"].value = "300"
    assert app.message.value == "" and 300.0 in value_bars(app.chart.figure)


# --- BenchmarksApp: a value is shown, and read back, as it is -----------------------------


def test_benchmarks_typed_value_is_used_as_typed_across_redraws(data):
    app = BenchmarksApp(data)
    field = app.value_inputs["cost_per_contact"]
    cases = [
        ("1234567", 1234567.0),  # was written back "1.23457e+06" and read as 1234570
        ("0.125", 0.125),  # was rounded to 2 places: 0.12
    ]
    for text, expected in cases:
        field.value = text
        assert app.yours()["cost_per_contact"] == expected
        app.sector.value = "healthcare" if app.sector.value == "all" else "all"  # a redraw
        assert app.yours()["cost_per_contact"] == expected
        assert float(field.value) == expected
        assert expected in value_bars(app.chart.figure)


def test_benchmarks_computed_value_keeps_two_decimals(data):
    # AHT 2030 s / 8 answered = 253.75 s; abandonment 2 of 10 = 20 %: unchanged by the fix.
    # A typed 123456.78 was shown "123457" (6 significant digits); now as typed.
    app = BenchmarksApp(data)
    assert app.value_inputs["aht"].value == "253.75"
    assert app.value_inputs["abandonment_rate"].value == "20"
    app.value_inputs["cost_per_contact"].value = "123456.78"
    assert app.value_inputs["cost_per_contact"].value == "123456.78"
    assert app.yours()["cost_per_contact"] == 123456.78


# --- BenchmarksApp: "Sectors side by side" lists every published figure ----------------------


def test_sectors_side_by_side_keeps_every_figure_of_a_tier(data):
    # Seed 002 gives three average AHT ranges: 4-6 min general service (240-360 s), 8-15 min
    # technical support (480-900 s), 2-3 min simple inquiries (120-180 s); the table showed the
    # first alone, and for world-class FCR 85 % (seed 002) but not 74 % (seed 000).
    general_aht = _sector_ranges("phone")[("all", "aht")]
    for text in (
        "avg 240&nbsp;s to 360&nbsp;s (4-6 min for general customer service)",
        "avg 480&nbsp;s to 900&nbsp;s (8-15 min for technical support)",
        "avg 120&nbsp;s to 180&nbsp;s (2-3 min for simple inquiries)",
    ):
        assert text in general_aht
    general_fcr = _sector_ranges("all")[("all", "fcr")]
    assert "world class 85.0&nbsp;% or more" in general_fcr
    assert "world class 74.0&nbsp;% or more" in general_fcr
    # a tier with one figure keeps its short text: technology's own 8-15 min, no note
    assert (
        _sector_ranges("phone")[("technology_saas", "aht")]
        == "<div>avg 480&nbsp;s to 900&nbsp;s</div>"
    )
    sides = BenchmarksApp(data).excel_sheets()[1].table.set_index("KPI")
    exported = sides.loc["Average handle time", "All sectors"]
    assert "avg 480 s to 900 s (8-15 min for technical support)" in exported
    assert "avg 120 s to 180 s (2-3 min for simple inquiries)" in exported


# --- catalog: a typo is an error, not an empty or a different table ------------------------


def test_variants_of_an_unknown_kpi_are_refused_not_empty():
    # variants("ahtt") gave an empty table, which reads as "AHT has no variants".
    with pytest.raises(ValueError, match=r"Value of 'kpi' is not a KPI id.*'ahtt'.*'aht'"):
        variants("ahtt")
    with pytest.raises(ValueError, match=r"received: \['fcr'\]"):
        variants(["fcr"])
    assert len(variants("answer_rate")) == 0  # a real KPI without variants: no rows
    # service level: sl_abandoned missed/excluded/met and sl_denominator answered = 4 rows
    assert len(variants("service_level")) == 4


def test_catalog_full_must_be_true_or_false():
    # catalog(full="no") gave the full 28-column table: "no" is true.
    with pytest.raises(TypeError, match=r"Value of 'full' must be True or False.*'no'"):
        catalog(full="no")
    assert catalog(full=False).shape == (18, 8)  # 18 KPIs, the 8 short columns


# --- GlossaryApp: the calculator and the value on the data use the same variant -----------


def test_glossary_calculator_follows_the_apps_variant(data):
    # With sl_abandoned="excluded" the value on the data left abandons within T out, while the
    # calculator kept the default formula and no input for them: two definitions, one page.
    app = GlossaryApp(data, kpi="service_level", sl_abandoned="excluded")
    # worked example: 160 answered within T / (200 offered - 0 short - 6 abandoned within T)
    assert "abandoned_within_threshold" in app.calculator_inputs
    assert app.result_value == pytest.approx(100 * 160 / 194)  # 82.47 %, not 160/200 = 80 %
    # on the data: 6 answered within T of 10 offered, #4 abandoned after 3 s < 20 s leaves
    # the denominator: 6 / 9 = 66.7 %
    shown = html.unescape(app.data_value.value)
    assert "with sl_abandoned='excluded': SL = <strong>66.7 %</strong>" in shown
    assert "<code>sl_abandoned='excluded'</code> (used here)" in html.unescape(app.variants.value)
    card = app.excel_sheets()[0].table.set_index("Item")["Value"]
    assert card["Computed with"] == "sl_abandoned='excluded'"
    assert card["Abandoned within the threshold (not short)"] == 6.0
    app.kpi.value = "aht"  # no variant: the defaults, nothing marked
    assert "with" not in html.unescape(app.data_value.value)
    assert app.result_value == 300.0  # (21000 + 3000 + 6000) s / 100 answered


def test_fcr_typeset_formula_names_the_judged_denominator():
    # DESIGN's definition table: FCR's denominator is "first contacts (that can be judged)";
    # the typeset formula, the largest text of the glossary page, said "first contacts", as if
    # the first contacts whose window has not closed yet were counted.
    latex = kk.kpi("fcr").formula_latex
    denominator = latex.split(r"}{", 1)[1]
    assert "first contacts that can be judged" in denominator
