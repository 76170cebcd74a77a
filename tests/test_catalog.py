"""Tests for kpikit.catalog: KPI definitions, benchmarks, glossary data and the calculators."""

import math
import re
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest

import kpikit as kk
import kpikit.catalog as catalog_module
from kpikit.catalog import (
    AREAS,
    CHANNELS,
    DIRECTIONS,
    INTERVALS,
    KPI,
    KPI_IDS,
    SECTORS,
    TABLES,
    TIERS,
    UNITS,
    benchmarks,
    calculate,
    catalog,
    components,
    kpi,
    markdown_table,
    statistics,
    terms,
    variants,
)
from kpikit.options import OPTION_NAMES, Options

# The shared folder (seed articles, DESIGN.md) sits beside the checkouts on the team's machine.
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents if (p / "shared" / "seeds").is_dir()),
    Path("shared"),
)
SEEDS = SHARED / "seeds"
# The seed articles by their titles, the way the catalog cites them (a user reads a title; the
# seed's number meant nothing to a trainer or a manager).
ARTICLES = {
    "000": "Call center performance metrics guide, My AI Front Desk blog",
    "001": "What are call center key performance indicators?",
    "002": "Call center KPIs for outsourcing: top 10 metrics with benchmarks",
}


def cites_an_article(source: str) -> bool:
    """``source`` names one of the seed articles and no seed number."""
    return any(title in source for title in ARTICLES.values()) and "seed 0" not in source


# The KPI definition table of DESIGN.md (contract): id -> (unit, numerator, denominator).
DESIGN_TABLE = {
    "aht": ("seconds", "sum(talk_s + hold_s + acw_s) over answered", "answered"),
    "asa": ("seconds", "sum(wait_s) over answered", "answered"),
    "service_level": (
        "percent",
        "answered with wait_s <= T (T = sl_threshold_s, default 20)",
        'offered minus short abandons (option `sl_denominator="answered"`: answered)',
    ),
    "abandonment_rate": (
        "percent",
        "abandoned minus short abandons",
        "offered minus short abandons",
    ),
    "answer_rate": ("percent", "answered", "offered minus short abandons"),
    "transfer_rate": ("percent", "transferred answered contacts", "answered"),
    "resolution_rate": ("percent", "resolved", "answered with resolved not null"),
    "fcr": (
        "percent",
        "first contacts resolved on first contact (see `fcr_method`; a transferred first contact "
        "is not resolved)",
        "first contacts (that can be judged)",
    ),
    "csat": (
        "percent",
        "responses in the top box (>= 4 of 5, >= 6 of 7, >= 9 of 10; `csat_top_box` overrides)",
        "responses",
    ),
    "nps": ("points", "promoters (9-10) minus detractors (0-6)", "responses"),
    "qa_score": ("points", "sum(qa_score)", "evaluated contacts"),
    "occupancy": ("percent", "handling_s", "handling_s + available_s"),
    "utilization": ("percent", "handling_s", "paid_s"),
    "schedule_adherence": (
        "percent",
        "adherent_s (in the scheduled state at the scheduled time)",
        "scheduled_s",
    ),
    "schedule_conformance": (
        "percent",
        "handling_s + available_s (time available for work)",
        "scheduled_s",
    ),
    "contacts_offered": ("count", "offered contacts (Poisson interval)", "— (null)"),
    "contacts_handled": ("count", "answered contacts (Poisson interval)", "— (null)"),
    "cost_per_contact": (
        "currency",
        "cost",
        "answered contacts in the same period (and channel)",
    ),
}

TEXT_FIELDS = (
    "id",
    "name",
    "short_name",
    "formula",
    "formula_latex",
    "numerator",
    "denominator",
    "definition",
    "why_it_matters",
)
LIST_FIELDS = ("pitfalls", "how_to_improve")


# --- KPI definitions -------------------------------------------------------------------------


def test_kpi_ids_follow_the_design_table_in_order():
    assert KPI_IDS == tuple(DESIGN_TABLE)
    assert list(catalog()["id"]) == list(KPI_IDS)


def test_shared_design_table_matches_the_registry():
    # DESIGN.md (outside the repository, beside the worktrees) carries the same table.
    design = SHARED / "DESIGN.md"
    if not design.is_file():
        pytest.skip("DESIGN.md is not beside this checkout")
    text = design.read_text(encoding="utf-8")
    section = text.split("## KPI definitions", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in section.splitlines()
        if re.match(r"^\| \w+ \|", line) and not line.startswith("| id ")
    ]
    assert [row[0] for row in rows] == list(KPI_IDS)
    for kpi_id, _, numerator, denominator in rows:
        assert (kpi(kpi_id).numerator, kpi(kpi_id).denominator) == (numerator, denominator)


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_every_kpi_has_every_field(kpi_id):
    definition = kpi(kpi_id)
    assert definition.id == kpi_id
    for name in TEXT_FIELDS:
        value = getattr(definition, name)
        assert isinstance(value, str) and value.strip(), name
    for name in LIST_FIELDS:
        items = getattr(definition, name)
        assert isinstance(items, tuple) and len(items) >= 2, name
        assert all(isinstance(item, str) and item.strip() for item in items), name
    assert isinstance(definition.tradeoffs, tuple)
    assert definition.area in AREAS
    assert definition.unit in UNITS
    assert definition.direction in DIRECTIONS
    assert definition.table in TABLES
    assert definition.interval in INTERVALS
    assert len(definition.calculator) >= (1 if definition.is_count else 2)


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_sums_name_known_components_and_the_worked_example_covers_every_variant(kpi_id):
    definition = kpi(kpi_id)
    variant_values = [{}] + [{v.option: v.value} for v in definition.variants]
    for values in variant_values:
        numerator, denominator = definition.sums(Options(**values))
        names = {term.component for term in (*numerator, *denominator)}
        assert names <= set(components()), names - set(components())
        assert names <= set(definition.worked_example), names - set(definition.worked_example)
        # Contacts KPIs add contacts components; the others their own table's (plus answered
        # contacts for cost per contact).
        tables = {components()[name].table for name in names}
        assert definition.table in tables
    assert definition.is_count == (definition.unit == "count") == (definition.scale == 1) or (
        not definition.is_count
    )


def test_components_name_real_columns_and_options():
    from kpikit.schema import TABLES as SCHEMA

    for component in components().values():
        columns = {spec.name for spec in SCHEMA[component.table]}
        for column in (*component.requires, *component.uses):
            assert column in columns or column == "fcr_match", (component.name, column)
        assert set(component.options) <= set(OPTION_NAMES), component.name


def test_every_component_is_used_by_a_kpi_or_a_variant():
    # So every component's expression runs in test_common's calculator-vs-engine check.
    used = set()
    for kpi_id in KPI_IDS:
        definition = kpi(kpi_id)
        for values in [{}] + [{v.option: v.value} for v in definition.variants]:
            numerator, denominator = definition.sums(Options(**values))
            used |= {term.component for term in (*numerator, *denominator)}
    assert used == set(components())


def test_options_of_a_kpi_come_from_its_components_and_variants():
    assert kpi("service_level").options == (
        "sl_threshold_s",
        "sl_denominator",
        "sl_abandoned",
        "short_abandon_s",
    )
    assert kpi("abandonment_rate").options == ("short_abandon_s",)
    assert kpi("csat").options == ("csat_scale", "csat_top_box")
    assert kpi("aht").options == ()


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_every_variant_has_a_description_and_who_uses_it(kpi_id):
    for variant in kpi(kpi_id).variants:
        assert variant.option in kpi(kpi_id).options
        assert len(variant.description) > 20 and len(variant.used_by) > 20
        Options(**{variant.option: variant.value})  # a valid value


def test_each_variant_option_has_its_default_listed():
    table = variants()
    for option in ("sl_abandoned", "fcr_method", "fcr_transfers", "csat_scale"):
        rows = table[table["option"] == option]
        assert rows["default"].sum() == 1, option
    assert set(table.loc[table["option"] == "sl_abandoned", "value"]) == {
        "missed",
        "excluded",
        "met",
    }
    assert "Amazon Connect" in table.set_index("value").loc["met", "used_by"]


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_unit_numerator_denominator_match_the_design_contract(kpi_id):
    definition = kpi(kpi_id)
    unit, numerator, denominator = DESIGN_TABLE[kpi_id]
    assert (definition.unit, definition.numerator, definition.denominator) == (
        unit,
        numerator,
        denominator,
    )


def test_formula_text_states_the_options_of_the_contract():
    assert "sl_denominator" in kpi("service_level").formula
    for kpi_id in ("service_level", "abandonment_rate", "answer_rate"):
        assert "short_abandon_s" in kpi(kpi_id).formula
    fcr_formula = kpi("fcr").formula
    for term in ("fcr_window", "48 h", "fcr_match", "inclusive", "last arrived_at"):
        assert term in fcr_formula
    for term in ("fcr_method", "survey", "transferred", "fcr_transfers"):
        assert term in fcr_formula
    assert "csat_top_box" in kpi("csat").formula and "csat_scale" in kpi("csat").formula
    assert "sl_abandoned" in kpi("service_level").formula
    assert "nps_cutoffs" in kpi("nps").formula


def test_tables_match_the_data_model():
    by_table = {kpi_id: kpi(kpi_id).table for kpi_id in KPI_IDS}
    assert {k for k, t in by_table.items() if t == "agent_intervals"} == {
        "occupancy",
        "utilization",
        "schedule_adherence",
        "schedule_conformance",
    }
    assert {k for k, t in by_table.items() if t == "costs"} == {"cost_per_contact"}


def test_band_limits_only_for_band_kpis():
    for kpi_id in KPI_IDS:
        definition = kpi(kpi_id)
        if definition.direction == "band":
            assert definition.band_low < definition.band_high
        else:
            assert definition.band_low is None and definition.band_high is None
    # Utilization 75-85 % (seed 002) and occupancy 75-85 % (seed 001).
    assert (kpi("utilization").band_low, kpi("utilization").band_high) == (75.0, 85.0)
    assert (kpi("occupancy").band_low, kpi("occupancy").band_high) == (75.0, 85.0)


def test_directions_of_key_kpis():
    expected = {
        "aht": "lower",
        "asa": "lower",
        "abandonment_rate": "lower",
        "cost_per_contact": "lower",
        "service_level": "higher",
        "fcr": "higher",
        "csat": "higher",
        "nps": "higher",
        "schedule_conformance": "higher",
        "contacts_offered": "neutral",
        "contacts_handled": "neutral",
    }
    assert {kpi_id: kpi(kpi_id).direction for kpi_id in expected} == expected


def test_tradeoffs_name_other_kpis_and_are_symmetric():
    for kpi_id in KPI_IDS:
        for other in kpi(kpi_id).tradeoffs:
            assert other in KPI_IDS and other != kpi_id
            assert kpi_id in kpi(other).tradeoffs, (kpi_id, other)
    assert {"csat", "fcr"} <= set(kpi("aht").tradeoffs)
    assert {"cost_per_contact", "occupancy"} <= set(kpi("service_level").tradeoffs)


def test_pitfalls_cover_the_classic_traps():
    assert any("hang up" in text for text in kpi("aht").pitfalls)
    assert any("too short" in text for text in kpi("fcr").pitfalls)
    assert any("utilization" in text for text in kpi("occupancy").pitfalls)
    assert any("occupancy" in text for text in kpi("utilization").pitfalls)
    assert any("conformance" in text for text in kpi("schedule_adherence").pitfalls)
    assert any("adherence" in text for text in kpi("schedule_conformance").pitfalls)


def test_kpi_is_frozen():
    with pytest.raises(AttributeError):
        kpi("aht").name = "changed"


def test_unknown_kpi_id_lists_valid_ids_and_suggests_a_close_one():
    with pytest.raises(ValueError) as error:
        kpi("ahtt")
    message = str(error.value)
    assert "'kpi_id'" in message and "'ahtt'" in message
    assert all(repr(kpi_id) in message for kpi_id in KPI_IDS)
    assert "Did you mean 'aht'?" in message
    with pytest.raises(ValueError, match="Did you mean 'nps'"):
        kpi("NPS")


def test_catalog_columns_and_cell_types():
    table = catalog(full=True)
    assert list(table.columns) == [field.name for field in fields(KPI)]
    assert len(table) == len(KPI_IDS)
    row = table.set_index("id").loc["aht"]
    assert isinstance(row["pitfalls"], list)
    assert row["calculator"][0] == {
        "name": "talk_s",
        "label": row["calculator"][0]["label"],
        "default": 21000.0,
    }
    assert math.isnan(row["band_low"])


def test_catalog_default_view_is_short():
    table = catalog()
    assert list(table.columns) == [
        "id",
        "name",
        "short_name",
        "area",
        "unit",
        "direction",
        "formula",
        "options",
    ]
    assert table.set_index("id").loc["fcr", "options"] == (
        "fcr_window, fcr_match, fcr_method, fcr_transfers"
    )


def test_kk_catalog_is_callable_and_a_module():
    assert callable(kk.catalog) and kk.catalog.benchmarks is benchmarks
    pd.testing.assert_frame_equal(kk.catalog(), catalog())
    assert catalog_module.kpi is kpi  # plain import, no importlib needed


def test_catalog_returns_independent_copies():
    first = catalog(full=True)
    first.loc[0, "name"] = "changed"
    first.loc[0, "pitfalls"].append("changed")
    second = catalog(full=True)
    assert second.loc[0, "name"] == "Average handle time"
    assert "changed" not in second.loc[0, "pitfalls"]


def test_kpi_shows_as_compact_html():
    page = kpi("service_level")._repr_html_()
    assert "Service level" in page and "sl_abandoned=&#x27;met&#x27;" in page
    assert "(default)" in page and "<script" not in page


def test_readme_kpi_table_is_written_from_the_registry():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


# --- glossary data -------------------------------------------------------------------------------


def test_terms_explain_kpi_metric_kra_and_conformance():
    table = terms().set_index("term")
    assert {"Metric", "KPI (key performance indicator)", "KRA (key responsibility area)"} <= set(
        table.index
    )
    assert "conformance" in table.loc["Schedule adherence vs schedule conformance", "definition"]
    assert table["source"].map(cites_an_article).all()


def test_the_glossary_tells_a_signal_from_noise_as_control_limits_do():
    # The term a trainer explains before the scorecard's "Control limits" box: its rules are
    # kk.stats.control_limits' (a value past a limit, RUN_LENGTH in a row on one side).
    text = terms().set_index("term").loc["Signal or noise (control limits)", "definition"]
    assert "eight values in a row" in text and kk.stats.RUN_LENGTH == 8
    assert "kk.stats.control_limits" in text


@pytest.mark.parametrize(
    ("figure", "attributed_to", "words"),
    [
        ("2.3x", "not named", ["2.3 times more likely", "loyal"]),
        ("37 % / 22 %", "ICMI research", ["37%", "22%"]),
        ("+28 % CSAT, -19 % cost per contact", "not named", ["28% higher", "19% lower"]),
        ("33 %", "American Express", ["33% of customers"]),
        ("60-70 %", "not named", ["Tier 1 handling 60-70%"]),
    ],
)
def test_sourced_statistics_are_in_their_article(figure, attributed_to, words):
    table = statistics().set_index("figure")
    row = table.loc[figure]
    assert attributed_to in row["attributed_to"]
    assert ARTICLES["002"] in row["source"]
    article = SEEDS / "002_2698268856e042e5.txt"
    if not article.is_file():
        pytest.skip("the seed articles are not beside this checkout")
    text = article.read_text(encoding="utf-8")
    assert all(word in text for word in words), words


def test_package_data_is_read_through_importlib_resources():
    from importlib.resources import files

    assert files("kpikit.catalog").joinpath("kpis.toml").is_file()
    assert files("kpikit.catalog").joinpath("benchmarks.csv").is_file()


# --- benchmarks --------------------------------------------------------------------------------

BENCHMARK_COLUMNS = [
    "kpi",
    "sector",
    "channel",
    "tier",
    "low",
    "high",
    "unit",
    "threshold_s",
    "source",
    "note",
    "fallback",
]


def test_benchmark_table_shape_and_values():
    table = benchmarks()
    assert list(table.columns) == BENCHMARK_COLUMNS
    assert table.attrs["note"] == ""
    assert set(table["kpi"]) <= set(KPI_IDS)
    assert set(table["sector"]) <= set(SECTORS)
    assert set(table["channel"]) <= set(CHANNELS)
    assert set(table["tier"]) <= set(TIERS)
    assert not table["fallback"].any()
    assert not table.duplicated().any()
    assert table["source"].map(cites_an_article).all()
    both = table.dropna(subset=["low", "high"])
    assert (both["low"] <= both["high"]).all()
    assert (table["low"].notna() | table["high"].notna()).all()


def test_benchmark_units_follow_the_catalog():
    table = benchmarks()
    expected = table["kpi"].map(lambda kpi_id: kpi(kpi_id).unit)
    assert (table["unit"] == expected).all()
    # Percent KPIs are on 0..100, NPS on -100..100.
    percent = table[table["unit"] == "percent"]
    for column in ("low", "high"):
        assert percent[column].dropna().between(0, 100).all()


def test_threshold_only_on_service_level_rows():
    table = benchmarks()
    is_sl = table["kpi"] == "service_level"
    assert table.loc[is_sl, "threshold_s"].notna().all()
    assert table.loc[~is_sl, "threshold_s"].isna().all()


def _range(table, **where):
    rows = table
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return [(row.low, row.high) for row in rows.itertuples()]


def test_published_figures_from_the_seeds():
    table = benchmarks(sector="all")
    nan = math.nan
    # Seed 002: FCR 70-75 % average, 85 %+ world class; seed 000: top performers 74 %+.
    fcr_world = _range(table, kpi="fcr", tier="world_class")
    assert _range(table, kpi="fcr", tier="average") == [(70, 75)]
    assert (85, nan) in [(lo, nan if math.isnan(hi) else hi) for lo, hi in fcr_world]
    assert {lo for lo, _ in fcr_world} == {85, 74}
    # Seed 002: AHT 4-6 min general = 240-360 s (minutes * 60), 8-15 min = 480-900 s,
    # 2-3 min = 120-180 s.
    assert _range(table, kpi="aht", tier="average") == [(240, 360), (480, 900), (120, 180)]
    # Seed 002: abandonment 5-8 % average, under 3 % best in class (open lower end).
    assert _range(table, kpi="abandonment_rate", tier="average") == [(5, 8)]
    [(low, high)] = _range(table, kpi="abandonment_rate", tier="world_class")
    assert math.isnan(low) and high == 3
    # Seed 002: cost per contact 3.50-8.00 phone, 2-5 chat, 1.50-4 email (USD).
    cost = table[table["kpi"] == "cost_per_contact"].set_index("channel")
    assert cost.loc["phone", ["low", "high"]].tolist() == [3.5, 8.0]
    assert cost.loc["chat", ["low", "high"]].tolist() == [2.0, 5.0]
    assert cost.loc["email", ["low", "high"]].tolist() == [1.5, 4.0]
    # Seed 002: 80/20 is the common standard, 90/15 for premium service (calls: phone rows).
    sl = table[table["kpi"] == "service_level"].set_index("tier")
    assert set(sl["channel"]) == {"phone"}
    assert sl.loc["target", ["low", "threshold_s"]].tolist() == [80.0, 20.0]
    assert sl.loc["world_class", ["low", "threshold_s"]].tolist() == [90.0, 15.0]


def test_sector_rows_come_with_fallback_rows_for_uncovered_kpis():
    table = benchmarks(sector="healthcare")
    own = table[table["sector"] == "healthcare"]
    # Seed 002: healthcare FCR 72-80 %, CSAT 88-92 %.
    assert _range(own, kpi="fcr") == [(72, 80)]
    assert _range(own, kpi="csat") == [(88, 92)]
    assert not own["fallback"].any()
    general = table[table["sector"] == "all"]
    assert general["fallback"].all()
    # Healthcare has no AHT figure, so the general AHT rows stand in.
    assert _range(general, kpi="aht") == [(240, 360), (480, 900), (120, 180)]
    assert set(table["sector"]) == {"all", "healthcare"}


def test_sector_row_replaces_general_rows_of_the_same_kpi_channel_and_tier():
    table = benchmarks(sector="technology_saas", kpi="aht")
    # Seed 002: technology companies 8-15 min = 480-900 s replaces the three general rows.
    assert table[["sector", "tier", "low", "high"]].values.tolist() == [
        ["technology_saas", "average", 480.0, 900.0]
    ]
    table = benchmarks(sector="financial_services", kpi="fcr")
    # The sector gives only a target (75-82 %); the general average and world-class rows stay.
    assert table[["sector", "tier"]].values.tolist() == [
        ["all", "average"],
        ["all", "world_class"],
        ["all", "world_class"],
        ["financial_services", "target"],
    ]


def test_ecommerce_figures():
    table = benchmarks(sector="ecommerce_retail")
    own = table[~table["fallback"]]
    # Seed 002: service level 80/20 or better; AHT 3-5 min = 180-300 s.
    assert own.set_index("kpi").loc["service_level", ["low", "threshold_s"]].tolist() == [80, 20]
    assert _range(own, kpi="aht") == [(180, 300)]


def test_channel_filter_keeps_general_channel_rows_as_fallback():
    table = benchmarks(channel="email")
    cost = table[table["kpi"] == "cost_per_contact"]
    assert cost[["channel", "low", "high", "fallback"]].values.tolist() == [
        ["email", 1.5, 4.0, False]
    ]
    assert set(table["channel"]) == {"all", "email"}
    assert table.loc[table["channel"] == "all", "fallback"].all()


def test_call_figures_are_phone_rows_and_never_reach_other_channels():
    # Seed 002 writes service level, ASA and abandonment about calls: they are phone rows.
    calls = benchmarks(kpi=["service_level", "asa", "abandonment_rate"])
    assert set(calls["channel"]) == {"phone"}
    for channel in ("email", "chat", "all"):
        table = benchmarks(channel=channel, kpi=["service_level", "asa", "abandonment_rate"])
        assert table.empty
        assert table.attrs["note"] == (
            f"No benchmark for channel {channel!r} of asa, service_level, abandonment_rate "
            "(figures exist for phone)."
        )
    phone = benchmarks(sector="all", channel="phone", kpi="service_level")
    assert phone[["tier", "low", "threshold_s"]].values.tolist() == [
        ["target", 80.0, 20.0],
        ["world_class", 90.0, 15.0],
    ]
    assert phone.attrs["note"] == ""


@pytest.mark.parametrize("sector", SECTORS)
@pytest.mark.parametrize("tier", TIERS)
def test_filtering_commutes_with_fallback(sector, tier):
    filtered = benchmarks(sector=sector, tier=tier)
    afterwards = benchmarks(sector=sector)
    afterwards = afterwards[afterwards["tier"] == tier].reset_index(drop=True)
    pd.testing.assert_frame_equal(filtered, afterwards)


def test_kpi_filter_accepts_one_id_or_several():
    assert set(benchmarks(kpi="nps")["kpi"]) == {"nps"}
    assert set(benchmarks(kpi=["nps", "csat"])["kpi"]) == {"nps", "csat"}
    assert benchmarks(kpi="schedule_adherence").empty


def test_benchmarks_returns_independent_copies():
    first = benchmarks()
    first.loc[0, "low"] = -1.0
    assert benchmarks().loc[0, "low"] != -1.0


@pytest.mark.parametrize(
    ("argument", "value", "choices"),
    [
        ("sector", "retail", SECTORS),
        ("channel", "fax", CHANNELS),
        ("tier", "best", TIERS),
        ("kpi", "ahtt", KPI_IDS),
    ],
)
def test_invalid_filters_name_the_argument_and_the_choices(argument, value, choices):
    with pytest.raises(ValueError) as error:
        benchmarks(**{argument: value})
    message = str(error.value)
    assert f"'{argument}'" in message and repr(value) in message
    assert all(repr(choice) in message for choice in choices)


def test_invalid_filter_suggests_a_close_choice():
    with pytest.raises(ValueError, match="Did you mean 'healthcare'"):
        benchmarks(sector="helthcare")


# --- calculators -------------------------------------------------------------------------------


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_calculator_inputs_are_the_components_of_the_sums(kpi_id):
    numerator, denominator = kpi(kpi_id).sums()
    names = list(dict.fromkeys(term.component for term in (*numerator, *denominator)))
    assert [item.name for item in kpi(kpi_id).calculator] == names
    assert all(item.label and item.default >= 0 for item in kpi(kpi_id).calculator)


@pytest.mark.parametrize(
    ("kpi_id", "inputs", "expected"),
    [
        # two contacts of (100 + 20 + 30) s and (200 + 10 + 40) s -> (300 + 30 + 70) / 2 = 200 s
        ("aht", {"talk_s": 300, "hold_s": 30, "acw_s": 70, "answered": 2}, 200.0),
        # 45 s waited in total by 3 answered contacts -> 15 s
        ("asa", {"answered_wait_s": 45, "answered": 3}, 15.0),
        # 9 of (12 offered - 2 short abandons) -> 100 * 9 / 10 = 90 %
        (
            "service_level",
            {"answered_within_threshold": 9, "offered": 12, "short_abandons": 2},
            90.0,
        ),
        # (21 offered - 18 answered - 1 short) / (21 - 1) -> 100 * 2 / 20 = 10 %
        ("abandonment_rate", {"offered": 21, "answered": 18, "short_abandons": 1}, 10.0),
        # 18 answered of (21 - 1) -> 100 * 18 / 20 = 90 %
        ("answer_rate", {"answered": 18, "offered": 21, "short_abandons": 1}, 90.0),
        # 1 transferred of 8 answered -> 12.5 %
        ("transfer_rate", {"transferred": 1, "answered": 8}, 12.5),
        # 3 resolved of 4 with an outcome -> 75 %
        ("resolution_rate", {"resolved": 3, "resolution_known": 4}, 75.0),
        # 7 of 10 judged first contacts resolved -> 70 %
        ("fcr", {"fcr_resolved_by_repeat": 7, "fcr_judged_first": 10}, 70.0),
        # 4 top-box answers of 5 responses -> 80 %
        ("csat", {"csat_satisfied": 4, "csat_responses": 5}, 80.0),
        # (2 promoters - 6 detractors) / 10 responses -> 100 * -4 / 10 = -40 points
        ("nps", {"nps_promoters": 2, "nps_detractors": 6, "nps_responses": 10}, -40.0),
        # (90 + 70) / 2 evaluated -> 80 points
        ("qa_score", {"qa_points": 160, "qa_evaluated": 2}, 80.0),
        # 2700 / (2700 + 900) -> 75 %
        ("occupancy", {"handling_s": 2700, "available_s": 900}, 75.0),
        # 1800 handled of 3600 paid -> 50 %
        ("utilization", {"handling_s": 1800, "paid_s": 3600}, 50.0),
        # 3240 adherent of 3600 scheduled -> 90 %
        ("schedule_adherence", {"adherent_s": 3240, "scheduled_s": 3600}, 90.0),
        # (2700 handling + 540 available) of 3600 scheduled -> 90 %
        (
            "schedule_conformance",
            {"handling_s": 2700, "available_s": 540, "scheduled_s": 3600},
            90.0,
        ),
        # a count is its numerator
        ("contacts_offered", {"offered": 321}, 321.0),
        ("contacts_handled", {"answered": 300}, 300.0),
        # 1200 currency units over 300 answered contacts -> 4.0
        ("cost_per_contact", {"cost": 1200, "answered": 300}, 4.0),
    ],
)
def test_calculator_hand_calculated_values(kpi_id, inputs, expected):
    assert calculate(kpi_id, **inputs) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kpi_id", "inputs", "expected"),
    [
        # excluded: 9 of (12 - 2 short - 2 abandoned within T) -> 100 * 9 / 8 > 100 is refused,
        # so with 7 answered in time: 100 * 7 / 8 = 87.5 %
        (
            "service_level",
            {
                "sl_abandoned": "excluded",
                "answered_within_threshold": 7,
                "abandoned_within_threshold": 2,
                "offered": 12,
                "short_abandons": 2,
            },
            87.5,
        ),
        # met: (7 + 2) of (12 - 2) -> 90 %
        (
            "service_level",
            {
                "sl_abandoned": "met",
                "answered_within_threshold": 7,
                "abandoned_within_threshold": 2,
                "offered": 12,
                "short_abandons": 2,
            },
            90.0,
        ),
        # answered: 7 of 9 answered -> 77.8 %
        (
            "service_level",
            {"sl_denominator": "answered", "answered_within_threshold": 7, "answered": 9},
            100 * 7 / 9,
        ),
        # survey: 6 of 8 first contacts with the customer's answer -> 75 %
        (
            "fcr",
            {"fcr_method": "survey", "fcr_resolved_by_survey": 6, "fcr_surveyed_first": 8},
            75.0,
        ),
        # both: 5 of 8 -> 62.5 %
        (
            "fcr",
            {
                "fcr_method": "repeat_and_survey",
                "fcr_resolved_by_both": 5,
                "fcr_judged_surveyed_first": 8,
            },
            62.5,
        ),
    ],
)
def test_calculator_variants_by_hand(kpi_id, inputs, expected):
    assert calculate(kpi_id, **inputs) == pytest.approx(expected)


def test_calculator_refuses_an_option_that_is_not_a_formula_variant():
    with pytest.raises(ValueError, match="does not change the formula"):
        calculate("service_level", sl_threshold_s=30)


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_calculator_defaults_give_a_finite_worked_example(kpi_id):
    assert math.isfinite(calculate(kpi_id, example=True))


@pytest.mark.parametrize(
    ("kpi_id", "zero_inputs"),
    [
        ("aht", {"answered": 0, "talk_s": 0, "hold_s": 0, "acw_s": 0}),
        ("service_level", {"answered_within_threshold": 0, "offered": 4, "short_abandons": 4}),
        ("nps", {"nps_promoters": 0, "nps_detractors": 0, "nps_responses": 0}),
        ("occupancy", {"handling_s": 0, "available_s": 0}),
        ("cost_per_contact", {"cost": 500, "answered": 0}),
    ],
)
def test_calculator_zero_denominator_gives_nan(kpi_id, zero_inputs):
    assert math.isnan(calculate(kpi_id, **zero_inputs))


def test_calculator_rejects_bad_inputs():
    with pytest.raises(ValueError, match="'talk_sec'.*Did you mean 'talk_s'"):
        calculate("aht", talk_sec=10)
    with pytest.raises(ValueError, match="'answered'.*>= 0"):
        calculate("aht", answered=-1)
    with pytest.raises(ValueError, match="finite"):
        calculate("asa", answered_wait_s=math.inf)
    with pytest.raises(TypeError, match="'answered'"):
        calculate("asa", answered="100")
    with pytest.raises(ValueError, match="outside 0..100"):
        calculate("service_level", answered_within_threshold=30, offered=20, short_abandons=0)
    with pytest.raises(ValueError, match="below 0"):
        calculate("abandonment_rate", offered=20, answered=15, short_abandons=30)
    with pytest.raises(ValueError, match="'kpi_id'"):
        calculate("speed")
