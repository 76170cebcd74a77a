"""Every input of every dashboard has an accessible name (in plain Python, no browser).

ipywidgets names an input by its ``description`` (a ``<label for=...>``, hidden with
``display: none`` when the description is empty): an input without one reads as "spin button,
21000" to a screen reader. The glossary's calculator boxes had only a separate HTML span beside
them; the test walks each app's whole widget tree, and the glossary's calculator of every KPI.
"""

import ipywidgets as widgets
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import (
    BenchmarksApp,
    GlossaryApp,
    GovernanceApp,
    MonitorApp,
    ScorecardApp,
    StaffingApp,
    TradeoffApp,
)
from kpikit.sample import generate

# Widgets that take user input; a Button or FileUpload is named by its own visible text.
INPUTS = (
    widgets.Text,
    widgets.Textarea,
    widgets.FloatText,
    widgets.IntText,
    widgets.BoundedFloatText,
    widgets.BoundedIntText,
    widgets.Dropdown,
    widgets.Select,
    widgets.SelectMultiple,
    widgets.SelectionSlider,
    widgets.SelectionRangeSlider,
    widgets.RadioButtons,
    widgets.ToggleButtons,
    widgets.Checkbox,
    widgets.ToggleButton,
    widgets.DatePicker,
    widgets.ColorPicker,
    widgets.Combobox,
    widgets.FloatSlider,
    widgets.IntSlider,
    widgets.FloatRangeSlider,
    widgets.IntRangeSlider,
    widgets.FloatLogSlider,
)


def walk(widget):
    """The widget and everything under it (children of boxes, accordions and tabs)."""
    yield widget
    if isinstance(widget, widgets.Box):
        for child in widget.children:
            yield from walk(child)


def unnamed(app) -> list[str]:
    """The inputs of the app without an accessible name, as "Type (value)"."""
    return [
        f"{type(widget).__name__} ({widget.value!r})"
        for widget in walk(app.widget)
        if isinstance(widget, INPUTS)
        and not (widget.description or "").strip()  # a tooltip titles the box, not the input
    ]


@pytest.fixture(scope="module")
def generated():
    return generate(days=14, agents=12, seed=3)


@pytest.fixture(scope="module")
def hand():
    return kk.Dataset(contacts=hand_contacts())


def test_glossary_calculator_boxes_are_named_for_every_kpi(hand):
    app = GlossaryApp(hand)
    assert unnamed(app) == []
    for kpi_name, kpi_id in app.kpi.options:
        app.kpi.value = kpi_id
        missing = unnamed(app)
        assert missing == [], f"{kpi_name}: inputs without an accessible name: {missing}"
        definition = kk.kpi(kpi_id)
        # each box is named after the text beside it
        named = [app.calculator_inputs[item.name].description for item in definition.calculator]
        assert named == [item.label for item in definition.calculator]


BUILDERS = {
    "benchmarks": lambda data, folder: BenchmarksApp(data),
    "staffing": lambda data, folder: StaffingApp(data, calibrate=False),
    "scorecard": lambda data, folder: ScorecardApp(data),
    "tradeoff": lambda data, folder: TradeoffApp(data),
    "monitor": lambda data, folder: MonitorApp(data, sources_dir=folder),  # the demo, not started
    "governance": lambda data, folder: GovernanceApp(
        data, register=f"sqlite:///{folder / 'actions.sqlite'}", days=14
    ),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_dashboard_input_is_named(name, generated, tmp_path):
    if name == "governance":
        pytest.importorskip("sqlalchemy")
    app = BUILDERS[name](generated, tmp_path)
    assert unnamed(app) == []
