"""GlossaryApp, BenchmarksApp and the shared app frame, driven in plain Python (no browser).

Data: the hand-made contacts of tests/fixtures.py. Worked out by hand from that table:
8 of 10 contacts answered; handle seconds of the answered ones 250, 360, 120, 500, 300, 180,
120, 200 (sum 2030); phone has 7 contacts of which 2 abandoned, chat 3 contacts, none abandoned.
"""

import datetime as dt
import math

import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import STATIC_ENV_VARIABLE, BenchmarksApp, GlossaryApp
from kpikit.apps._base import BaseApp, describe_data, static_html
from kpikit.sample import generate


@pytest.fixture
def data():
    return kk.Dataset(contacts=hand_contacts())


def figure_state(figure):
    """Everything drawn: traces and layout, as plain data."""
    return figure.to_plotly_json()


def csv_bytes(frame):
    return frame.to_csv(index=False).encode()


# --- GlossaryApp -------------------------------------------------------------------------


def test_glossary_shows_the_chosen_kpi(data):
    app = GlossaryApp(data, kpi="fcr", sector="healthcare")
    assert "First contact resolution" in app.summary.value
    assert kk.kpi("fcr").formula_latex in app.formula.value
    assert "Pitfalls" in app.advice.value and "How to improve" in app.advice.value
    # healthcare's own FCR target (72 to 80 %) is listed beside the general figures.
    assert "72.0&nbsp;% to 80.0&nbsp;%" in app.benchmark_table.value  # held to its unit


def test_glossary_calculator_uses_the_worked_example_by_default(data):
    app = GlossaryApp(data, kpi="aht")
    assert set(app.calculator_inputs) == {"talk_s", "hold_s", "acw_s", "answered"}
    # (21000 + 3000 + 6000) s / 100 answered = 300 s: the catalog's worked example.
    assert app.result_value == 300.0
    assert "300 s" in app.result.value


def test_glossary_calculator_input_changes_value_and_chart(data):
    app = GlossaryApp(data, kpi="aht")
    before = figure_state(app.chart.figure)
    app.calculator_inputs["answered"].value = 60
    # 30000 s / 60 answered = 500 s
    assert app.result_value == 500.0
    assert figure_state(app.chart.figure) != before


def test_glossary_zero_denominator_gives_no_value_not_zero(data):
    app = GlossaryApp(data, kpi="aht")
    for name in ("talk_s", "hold_s", "acw_s", "answered"):
        app.calculator_inputs[name].value = 0
    assert math.isnan(app.result_value)
    assert "no value, not 0" in app.result.value
    app.calculator_inputs["talk_s"].value = 100  # talk with nobody answered: inconsistent
    assert math.isnan(app.result_value)
    assert "role='alert'" in app.result.value and "inconsistent" in app.result.value


def test_glossary_bad_calculator_input_is_a_message_not_an_exception(data):
    app = GlossaryApp(data, kpi="aht")
    app.calculator_inputs["talk_s"].value = -5
    assert math.isnan(app.result_value)
    assert "role='alert'" in app.result.value


def test_glossary_a_fractional_count_is_refused_in_words(data):
    # 12.5 contacts offered was shown as "Offered = 12" beside a bullet chart at 12.5
    app = GlossaryApp(data, kpi="contacts_offered")
    app.calculator_inputs["offered"].value = 12.5
    assert math.isnan(app.result_value)
    assert "role='alert'" in app.result.value
    assert (
        "Value of &#x27;offered&#x27; must be a finite whole number &gt;= 0 but received: 12.5"
        in app.result.value
    )
    app.calculator_inputs["offered"].value = 12.0  # a whole count, though typed as a float
    assert app.result_value == 12.0


def test_glossary_switching_kpi_rebuilds_calculator_and_redraws(data):
    app = GlossaryApp(data, kpi="aht")
    before = figure_state(app.chart.figure)
    app.kpi.value = "occupancy"
    assert set(app.calculator_inputs) == {item.name for item in kk.kpi("occupancy").calculator}
    # Catalog worked example: 100 * 24000 / (24000 + 6000) = 80 %.
    assert app.result_value == 80.0
    assert figure_state(app.chart.figure) != before


def test_glossary_shows_the_value_on_the_data(data):
    app = GlossaryApp(data, kpi="aht")
    # AHT = 2030 s / 8 answered = 253.75 s, shown rounded.
    assert "254 s" in app.data_value.value
    app.kpi.value = "occupancy"
    assert "no value (the data cannot give it: the Dataset has no agent_intervals table)" in (
        app.data_value.value
    )


def test_glossary_says_why_the_data_gives_no_value(data):
    # Every missing value read "not computable (needs the contacts table)", also when the
    # contacts were there: no answered contact, or a column missing. The file name was
    # lower-cased by str.capitalize.
    columns = ["contact_id", "arrived_at", "wait_s", "talk_s"]
    abandoned = data.contacts[columns].assign(answered=False, talk_s=None)
    app = GlossaryApp(kk.Dataset(contacts=abandoned), data_label="Log_March.csv", kpi="aht")
    assert "Log_March.csv: no value (its denominator, answered, is 0 in this data)" in (
        app.data_value.value
    )
    app.kpi.value = "csat"
    assert "contacts has no column(s) [&#x27;csat&#x27;]" in app.data_value.value
    assert "contacts table" not in app.data_value.value


def test_glossary_rejects_unknown_kpi_with_the_valid_ids():
    with pytest.raises(ValueError, match=r"Value of 'kpi'.*'aht'.*received: 'ahtt'"):
        GlossaryApp(kk.Dataset(contacts=hand_contacts()), kpi="ahtt")


def test_set_changes_several_controls_with_one_redraw(data):
    app = GlossaryApp(data)
    calls = []
    original = app._update
    app._update = lambda: (calls.append(1), original())
    app.set(kpi="csat", sector="healthcare", channel="phone")
    assert (app.kpi.value, app.sector.value, app.channel.value) == ("csat", "healthcare", "phone")
    assert len(calls) == 1


def test_set_without_changes_does_not_redraw(data):
    app = GlossaryApp(data, kpi="fcr")
    calls = []
    app._update = lambda: calls.append(1)
    app.set(kpi="fcr", sector="all")
    assert calls == []


def test_set_rejects_values_outside_the_options(data):
    app = GlossaryApp(data)
    with pytest.raises(ValueError, match=r"Value of 'sector'.*'healthcare'.*received: 'mars'"):
        app.set(sector="mars")
    with pytest.raises(ValueError, match="not a control"):
        app.set(colour="red")


# --- BenchmarksApp -----------------------------------------------------------------------


def test_benchmarks_checks_the_data_once(data, checked_tables):
    # Its values for every channel and by channel come from two computes of the same frames:
    # the contacts are checked once, by the first.
    BenchmarksApp(data)
    assert checked_tables == ["contacts"]


def test_benchmarks_values_are_computed_from_the_data(data):
    app = BenchmarksApp(data)
    # abandonment 2 / 10 = 20 %; AHT 2030 / 8 = 253.75 s
    assert app.value_inputs["abandonment_rate"].value == "20"
    assert app.yours()["aht"] == 253.75
    assert app.value_inputs["occupancy"].value == ""  # needs agent intervals


def test_benchmarks_channel_uses_that_channels_values(data):
    app = BenchmarksApp(data)
    app.channel.value = "phone"
    # phone: 2 abandoned of 7 = 28.571 %; AHT (250 + 360 + 300 + 180 + 200) / 5 = 258 s
    assert app.yours()["abandonment_rate"] == 28.57
    assert app.yours()["aht"] == 258.0
    app.channel.value = "chat"
    assert app.yours()["abandonment_rate"] == 0.0


def test_benchmarks_sector_change_redraws_chart_and_table(data):
    app = BenchmarksApp(data, sector="all")
    before = figure_state(app.chart.figure)
    app.sector.value = "healthcare"
    assert figure_state(app.chart.figure) != before
    assert "Healthcare" in app.table.value and "Technology and SaaS" in app.table.value


def test_benchmarks_typed_value_overrides_until_use_data(data):
    app = BenchmarksApp(data)
    before = figure_state(app.chart.figure)
    app.value_inputs["aht"].value = "420"
    assert app.yours()["aht"] == 420.0
    assert figure_state(app.chart.figure) != before
    app.channel.value = "phone"  # typed values survive a channel change
    assert app.yours()["aht"] == 420.0
    app.use_data.click()
    assert app.yours()["aht"] == 258.0


def test_benchmarks_typed_values_from_constructor(data):
    app = BenchmarksApp(data, values={"csat": 91})
    assert app.yours()["csat"] == 91.0
    with pytest.raises(ValueError, match=r"Value of 'values'.*received: 'answer_rate'"):
        BenchmarksApp(data, values={"answer_rate": 90})  # no benchmark for answer rate


def test_benchmarks_bad_typed_value_is_a_message(data):
    app = BenchmarksApp(data)
    app.value_inputs["aht"].value = "fast"
    assert "must be a number" in app.message.value
    assert "&#x27;fast&#x27;" in app.message.value


def test_benchmarks_typed_value_off_the_kpis_scale_is_a_message(data):
    # 200 % abandonment or a negative AHT raised from the field's observer (sector_overview
    # refuses them): a traceback, and the chart kept the old value without a word.
    app = BenchmarksApp(data)
    app.value_inputs["abandonment_rate"].value = "200"
    assert "Abandonment rate is off its scale (0.0 % to 100.0 %): &#x27;200&#x27;" in (
        app.message.value
    )
    assert math.isnan(app.yours()["abandonment_rate"])  # not drawn nor exported
    app.sector.value = "healthcare"  # redrawn with the field still holding 200
    assert "you: 200" not in str(app.chart.figure.layout.annotations)
    app.value_inputs["aht"].value = "-1"
    assert "Average handle time is off its scale (0 s or more)" in app.message.value
    app.value_inputs["abandonment_rate"].value = "4"
    assert app.message.value == "" and app.yours()["abandonment_rate"] == 4.0


# --- upload ------------------------------------------------------------------------------


def test_upload_switches_data_and_status(data):
    app = BenchmarksApp(data, data_label="hand data")
    assert app.status.value.startswith("<small>hand data: 10 contacts")
    phone = hand_contacts().query("channel == 'phone'")
    assert app.load(csv_bytes(phone), "phone.csv") is True
    assert app.data_label == "phone.csv"
    assert "phone.csv: 7 contacts" in app.status.value
    assert app.yours()["abandonment_rate"] == 28.57  # 2 of 7, as by hand above


def test_upload_of_invalid_file_shows_schema_message_and_keeps_data(data):
    app = GlossaryApp(data)
    assert app.load(b"name,age\nann,3\n", "people.csv") is False
    assert "Could not use people.csv" in app.message.value
    assert "Traceback" not in app.message.value
    assert app.data is data and "10 contacts" in app.status.value


def test_upload_of_unsupported_type_names_the_accepted_ones(data):
    app = GlossaryApp(data)
    assert app.load(b"PK\x03\x04", "log.xlsx") is False
    assert ".csv" in app.message.value and ".parquet" in app.message.value


def test_upload_over_the_size_limit_is_refused_before_parsing(data):
    app = GlossaryApp(data, max_upload_bytes=100)
    assert app.load(b"x" * 101, "big.csv") is False
    assert "more than the limit of 100 bytes" in app.message.value


def test_upload_message_is_escaped(data):
    app = GlossaryApp(data)
    app.load(b"a,b\n1,2\n", "<img src=x onerror=alert(1)>.csv")
    assert "<img" not in app.message.value
    assert "&lt;img" in app.message.value


def test_upload_widget_triggers_load_and_resets(data):
    app = GlossaryApp(data)
    content = csv_bytes(hand_contacts().head(4))
    upload = {"name": "four.csv", "type": "text/csv", "size": len(content)}
    modified = dt.datetime(2026, 3, 6)
    app.upload.value = ({**upload, "content": memoryview(content), "last_modified": modified},)
    assert app.data_label == "four.csv"
    assert app.upload.value == ()


def test_failure_while_redrawing_new_data_rolls_back(data, monkeypatch):
    app = GlossaryApp(data)

    def broken():
        raise ValueError("cannot draw")

    monkeypatch.setattr(app, "_on_data", broken)
    assert app.load(csv_bytes(hand_contacts()), "ok.csv") is False
    assert app.data is data
    assert "cannot draw" in app.message.value


# --- frame helpers -----------------------------------------------------------------------


def test_app_displays_as_its_widget(data, monkeypatch):
    monkeypatch.delenv(STATIC_ENV_VARIABLE, raising=False)
    app = GlossaryApp(data)
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_static_mode_renders_html_with_plotly_charts(data, monkeypatch):
    monkeypatch.setenv(STATIC_ENV_VARIABLE, "1")
    app = GlossaryApp(data, kpi="fcr")
    html = app._repr_mimebundle_()["text/html"]
    assert "Plotly.newPlot" in html
    assert "<strong>KPI:</strong> First contact resolution" in html
    assert "Upload data" not in html


def test_static_html_skips_hidden_widgets():
    import ipywidgets as widgets

    hidden = widgets.HTML("secret", layout=widgets.Layout(display="none"))
    assert static_html(widgets.VBox([hidden, widgets.Label("shown")])).count("secret") == 0


def test_describe_data_of_a_lazy_frame_is_its_label():
    import polars as pl

    lazy = pl.DataFrame({"contact_id": [1]}).lazy()
    assert describe_data(kk.Dataset(contacts=lazy), "warehouse") == "warehouse"


def test_subclass_without_update_says_so():
    class Empty(BaseApp):
        def __init__(self):
            super().__init__(kk.Dataset(contacts=hand_contacts()))

    with pytest.raises(NotImplementedError, match="Empty must implement _update"):
        Empty()._update()


def test_benchmarks_without_a_channel_column_use_every_contact(data):
    # A file without a channel column: the phone benchmarks are compared with all contacts
    # (2 of 10 abandoned = 20 %), and the page says so, instead of showing no value.
    app = BenchmarksApp(kk.Dataset(contacts=data.contacts.drop(columns="channel")), channel="phone")
    assert app.yours()["abandonment_rate"] == 20.0
    assert "no channel column" in app.data_note.value
    app.channel.value = "all"
    assert app.data_note.value == ""


def test_benchmarks_channel_missing_from_the_data_says_so(data):
    app = BenchmarksApp(data, channel="email")
    assert math.isnan(app.yours()["aht"])
    assert "no email contacts" in app.data_note.value


def test_benchmarks_upload_without_channels_follows_the_file(data):
    app = BenchmarksApp(generate(days=3, agents=6, seed=1), channel="phone")
    assert app.load(csv_bytes(data.contacts.drop(columns="channel")), "mine.csv")
    assert app.yours()["aht"] == 253.75  # 2030 / 8, every contact of the file
    assert "mine.csv" in app.status.value


def test_benchmark_fields_name_the_unit_once(data):
    app = BenchmarksApp(data)
    assert app.value_inputs["abandonment_rate"].description == "Abandon %"
    assert app.value_inputs["aht"].description == "AHT (s)"
