"""Each dashboard's headings and tables, read from its HTML widgets (WCAG 1.3.1, 2.4.6): one h1
(the page title), no level skipped on the way down, every table header cell with a scope."""

import re

import ipywidgets as widgets
import pytest
from test_apps_accessible_names import BUILDERS, walk

from kpikit.apps import GlossaryApp, StaffingApp
from kpikit.sample import generate


@pytest.fixture(scope="module")
def generated():
    return generate(days=14, agents=12, seed=3)


def page_html(app) -> str:
    """The HTML of every HTML widget of the app, in page order (hidden ones too)."""
    return "".join(widget.value for widget in walk(app.widget) if isinstance(widget, widgets.HTML))


def heading_problems(markup: str) -> list[str]:
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", markup)]
    problems = [] if levels.count(1) == 1 else [f"{levels.count(1)} h1 (one expected)"]
    if levels and levels[0] != 1:
        problems.append(f"the first heading is an h{levels[0]}, not the h1")
    problems += [
        f"h{before} followed by h{after}"
        for before, after in zip(levels, levels[1:], strict=False)
        if after > before + 1
    ]
    return problems


def unscoped_headers(markup: str) -> list[str]:
    return [cell for cell in re.findall(r"<th\b[^>]*>", markup) if "scope=" not in cell]


def test_the_checks_catch_what_they_look_for():
    assert heading_problems("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2>") == []
    assert heading_problems("<h2>a</h2><h4>b</h4>") == [
        "0 h1 (one expected)",
        "the first heading is an h2, not the h1",
        "h2 followed by h4",
    ]
    assert unscoped_headers("<th scope='col'>a</th><th class='x'>b</th>") == ["<th class='x'>"]


DASHBOARDS = {
    **BUILDERS,
    "glossary": lambda data, folder: GlossaryApp(data),
    # the backtest's table of models needs 16 days before its origin: four weeks of its own
    "staffing backtest": lambda data, folder: StaffingApp(
        generate(days=28, agents=12, seed=3), calibrate=False, view="backtest"
    ),
}


@pytest.mark.parametrize("name", DASHBOARDS)
def test_headings_nest_under_one_h1_and_table_headers_have_a_scope(name, generated, tmp_path):
    if name == "governance":
        pytest.importorskip("sqlalchemy")
    app = DASHBOARDS[name](generated, tmp_path)
    if name == "governance":  # a breach chosen: its cause, the action form and its history
        app.breach.value = app.breach.options[-1][1]
    markup = page_html(app)
    assert heading_problems(markup) == []
    assert unscoped_headers(markup) == []
    # the title is the h1 and keeps the look it had as an h2 (screenshots do not move)
    title = re.search(r"<h1 [^>]*>", markup).group(0)
    assert "font-size: 1.5em" in title and "margin: 0" in title


def test_the_glossary_heading_levels_hold_for_every_kpi(generated):
    app = GlossaryApp(generated)
    for kpi_name, kpi_id in app.kpi.options:
        app.kpi.value = kpi_id
        markup = page_html(app)
        assert heading_problems(markup) == [], kpi_name
        assert unscoped_headers(markup) == [], kpi_name
