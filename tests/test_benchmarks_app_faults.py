"""Faults of the sector-benchmarks dashboard and its upload, each pinned by a test.

Data: the hand-made contacts of tests/fixtures.py. Phone has 7 contacts (#1-4, 7, 8, 10), of
which 2 abandoned (#3, #4); chat has 3 (#5, 6, 9). The catalog's NPS figures (all sectors, all
channels): average 20 to 30, world class 50 to 70 points.
"""

import html

import pytest
from fixtures import hand_contacts

import kpikit as kk
import kpikit.apps.benchmarks as benchmarks_module
import kpikit.plots
from kpikit.apps import BenchmarksApp


def csv_bytes(frame):
    return frame.to_csv(index=False).encode()


def value_trace(figure, axis="x"):
    return next(t for t in figure.data if t.name == "Value" and t.xaxis == axis)


def row_axis(figure, name: str) -> str:
    """The x axis of a sector overview's row, found by the KPI name its title starts with."""
    titles = [annotation.text for annotation in figure.layout.annotations]
    position = next(i for i, text in enumerate(titles) if text.startswith(name))
    return "x" if position == 0 else f"x{position + 1}"


def capitalised_contacts():
    """The ten contacts with channels written "Phone" and "Chat", as vendor exports do."""
    contacts = hand_contacts()
    contacts["channel"] = contacts["channel"].map({"phone": "Phone", "chat": "Chat"})
    return contacts


# --- 1. a negative NPS gets a bar from 0 ---------------------------------------------------


def test_bullet_draws_a_negative_value_from_zero():
    figure = kpikit.plots.bullet(kpi="nps", value=-40)
    bar = value_trace(figure)
    assert (bar.base[0], bar.x[0]) == (0.0, -40.0)  # from 0 leftwards to -40
    # figures -40 .. 70 span 110; 15 % of it (16.5) pads both ends: -56.5 .. 86.5
    assert figure.layout.xaxis.range == pytest.approx((-56.5, 86.5))


def test_sector_overview_draws_a_negative_nps_from_zero():
    rows = kk.benchmarks(sector="all", channel="all")
    figure = kpikit.plots.sector_overview(rows, yours={"nps": -5})
    axis = row_axis(figure, "Net promoter score")
    bar = value_trace(figure, axis)
    assert (bar.base[0], bar.x[0]) == (0.0, -5.0)
    layout_axis = figure.layout["xaxis" + axis[1:]]
    # figures -5 .. 70 span 75; pad 11.25 each end: -16.25 .. 81.25
    assert layout_axis.range == pytest.approx((-16.25, 81.25))


def test_benchmarks_app_draws_a_typed_negative_nps():
    app = BenchmarksApp(kk.Dataset(contacts=hand_contacts()), values={"nps": -40})
    bars = [t for t in app.chart.figure.data if t.name == "Value" and t.base[0] == 0.0]
    assert [bar.x[0] for bar in bars if bar.x[0] < 0] == [-40.0]  # the NPS bar, 0 to -40


# --- 2. a KPI without a benchmark for the channel says why --------------------------------


def test_missing_channel_benchmarks_are_named_for_the_user():
    app = BenchmarksApp(kk.Dataset(contacts=hand_contacts()), channel="chat")
    shown = html.unescape(app.benchmark_note.value)
    # kk.benchmarks(sector="all", channel="chat") has no ASA, service level or abandonment rows
    assert shown == (
        "<small>No chat benchmark for Average speed of answer, Service level, Abandonment rate "
        "(figures for phone only): these rows show your value alone.</small>"
    )
    app.channel.value = "phone"
    assert app.benchmark_note.value == ""  # phone has every one of them


# --- 3. new data replaces typed values; a failed upload keeps them ------------------------


def test_upload_replaces_typed_values_and_a_failed_one_keeps_them(monkeypatch):
    first = kk.Dataset(contacts=hand_contacts().head(4))
    app = BenchmarksApp(first, channel="phone")
    field = app.value_inputs["abandonment_rate"]
    field.value = "4"

    assert app.load(b"not,a,kpikit,file", "bad.csv") is False  # refused while reading
    assert (field.value, app.yours()["abandonment_rate"], app.data) == ("4", 4.0, first)

    real = benchmarks_module.compute_table

    def broken_on_ten_rows(data, **options):
        if len(data.contacts) == 10:
            raise ValueError("cannot compute")
        return real(data, **options)

    monkeypatch.setattr(benchmarks_module, "compute_table", broken_on_ten_rows)
    assert app.load(csv_bytes(hand_contacts()), "ten.csv") is False  # refused while computing
    assert (field.value, app.yours()["abandonment_rate"], app.data) == ("4", 4.0, first)

    monkeypatch.setattr(benchmarks_module, "compute_table", real)
    assert app.load(csv_bytes(hand_contacts()), "ten.csv")
    assert field.value == "28.57"  # 2 of the file's 7 phone contacts abandoned: 28.571 %
    figure = app.chart.figure
    bar = value_trace(figure, row_axis(figure, "Abandonment rate"))
    assert bar.x[0] == pytest.approx(28.57)  # the chart compares 28.57 %, not 4 %


# --- 4. channels written "Phone" / "Chat" -------------------------------------------------


def test_upload_names_channels_written_in_capitals():
    app = BenchmarksApp(kk.Dataset(contacts=hand_contacts()))
    app.upload_step.start(csv_bytes(capitalised_contacts()), "caps.csv")
    shown = html.unescape(app.message.value)
    assert "Loaded caps.csv." in shown
    assert 'Channels "Chat", "Phone" are not read as chat, phone' in shown
    assert "phone service-level threshold" in shown
    assert "Write them in lower case" in shown
    assert set(app.data.contacts["channel"]) == {"Phone", "Chat"}  # the data is not changed


def test_upload_of_lower_case_channels_has_no_channel_notice():
    app = BenchmarksApp(kk.Dataset(contacts=hand_contacts().head(4)))
    app.upload_step.start(csv_bytes(hand_contacts()), "ten.csv")
    assert "lower case" not in app.message.value


def test_benchmarks_app_names_the_channel_written_another_way():
    app = BenchmarksApp(kk.Dataset(contacts=capitalised_contacts()), channel="phone")
    shown = html.unescape(app.data_note.value)
    assert "no phone contacts" not in shown
    assert 'has some with channel "Phone"' in shown  # 7 contacts written "Phone"
    assert "Write them as phone" in shown
    app.channel.value = "email"
    assert "no email contacts" in app.data_note.value  # no variant of email: the plain note
