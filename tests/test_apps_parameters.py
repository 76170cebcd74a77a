"""Parameters declared once per app: constructor, controls, links and notebooks read one table."""

import html
import inspect
from pathlib import Path

import nbformat
import pandas as pd
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
from kpikit.apps.params import QueryParamWarning, notebook_parameters
from kpikit.sample import generate

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
APPS = {
    "aht_vs_csat": TradeoffApp,
    "balanced_scorecard": ScorecardApp,
    "governance": GovernanceApp,
    "intraday_monitor": MonitorApp,
    "kpi_glossary": GlossaryApp,
    "sector_benchmarks": BenchmarksApp,
    "staffing_whatif": StaffingApp,
}


@pytest.fixture(scope="module")
def generated():
    return generate(days=14, agents=12, seed=3)


def test_the_dashboard_notebooks_have_their_apps():
    assert set(APPS) <= {path.stem for path in NOTEBOOKS.glob("*.ipynb")}


@pytest.mark.parametrize("name", sorted(APPS))
def test_notebook_parameters_cell_is_written_from_the_apps_table(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    app = APPS[name]
    (cell,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    values = notebook_parameters(notebook)
    # Same names, order, types, comments (unit, choices, bounds) as the table; a notebook may
    # start on other values than the app's defaults, which the table checks.
    assert list(values) == [param.name for param in app.PARAMETERS]
    expected = app.parameters_cell(**values)
    assert cell.source == expected, f"{name}: the parameters cell should read\n{expected}"
    code = "".join(c.source for c in notebook.cells)
    assert f"{app.__name__}.values_in(globals())" in code and "set_from_link()" in code


@pytest.mark.parametrize("app", APPS.values(), ids=lambda app: app.__name__)
def test_constructor_signature_and_docstring_come_from_the_table(app):
    signature = inspect.signature(app)
    for param in app.PARAMETERS:
        assert signature.parameters[param.name].default == param.default
        assert signature.parameters[param.name].kind is inspect.Parameter.KEYWORD_ONLY
        assert f"    {param.name} : " in app.__doc__, param.name


def test_staffing_names_and_units_match_the_library(generated):
    # whatif.Scenario takes shrinkage as a fraction and cost_per_agent_hour: so does the app.
    app = StaffingApp(generated, calibrate=False, shrinkage=0.25, cost_per_agent_hour=40.0)
    assert app.shrinkage.value == 0.25 and app.shrinkage.readout_format == ".0%"
    scenario = app.comparison.set_index("metric")
    assert scenario.loc["cost", "base"] > 0
    with pytest.raises(TypeError, match="'cost_per_hour'"):
        StaffingApp(generated, cost_per_hour=40.0)


def test_values_out_of_range_are_refused_not_clamped(generated):
    with pytest.raises(ValueError, match=r"'target_sl' must be between 50 and 99.*500"):
        StaffingApp(generated, target_sl=500)
    with pytest.raises(ValueError, match="'level' is not valid"):
        ScorecardApp(generated, level="region")
    app = StaffingApp(generated, calibrate=False, target_sl=85)
    with pytest.raises(ValueError, match="'target_sl' must be between 50 and 99"):
        app.set(target_sl=500)
    assert app.target_sl.value == 85


def test_link_values_out_of_range_are_refused_with_a_notice(generated):
    app = StaffingApp(generated, calibrate=False, target_sl=85)
    with pytest.warns(QueryParamWarning, match=r"target_sl=500.*between 50 and 99.*kept"):
        app.set_from_link("target_sl=500&weekday=Sat")
    assert app.target_sl.value == 85  # not 99: refused, not clamped
    assert app.weekday.value == "Sat"  # the valid one is taken


WHOLE = [(app, param) for app in APPS.values() for param in app.PARAMETERS if param.whole]


def test_the_whole_number_parameters_are_the_counts():
    # agents on the roster and contacts per interval: a slider step of 1 and whole values
    # from the calibration; targets, seconds and costs may have fractions
    assert [(app.__name__, param.name) for app, param in WHOLE] == [
        ("StaffingApp", "roster_agents"),
        ("StaffingApp", "volume"),
    ]


@pytest.mark.parametrize(("app", "param"), WHOLE, ids=lambda item: getattr(item, "name", ""))
def test_a_link_refuses_a_fraction_of_a_whole_number(generated, app, param):
    # roster_agents=3.5 was taken, on a slider of whole agents, without a word
    app = app(generated, calibrate=False)
    kept = getattr(app, param.name).value
    fraction, whole = param.low + 3.5, param.low + 3  # inside the bounds: 3.5, 4.5; 3, 4
    with pytest.warns(QueryParamWarning) as caught:
        app.set_from_link(f"{param.name}={fraction:g}")
    assert str(caught[0].message) == (
        f"Ignored '{param.name}={fraction:g}' (expected a whole number); "
        f"kept {param.name}={int(kept)}."
    )
    assert getattr(app, param.name).value == kept
    app.set_from_link(f"{param.name}={whole:.1f}")  # 3.0: a whole number written as a float
    assert getattr(app, param.name).value == whole
    with pytest.raises(ValueError, match=f"'{param.name}' must be a whole number"):
        type(app)(generated, calibrate=False, **{param.name: fraction})


def test_link_choices_follow_the_data(generated):
    contacts = hand_contacts()  # phone and chat only, no team column
    app = ScorecardApp(contacts, level="center", freq="all")
    with pytest.warns(QueryParamWarning, match="channel=email"):
        app.set_from_link("channel=email")
    assert app.channel.value == "all"
    app.set_from_link("channel=chat")
    assert app.channel.value == "chat"


def test_a_link_keeps_what_the_data_put_in_place_of_the_built_values(generated):
    # The notebooks build the app with their parameters, then apply the link. Contacts without
    # a team put the level back to the center; the link then set level="team" again (the
    # built value, though the link did not name it) and raised: a traceback on the page.
    app = ScorecardApp(hand_contacts(), level="team", freq="all")
    assert app.level.value == "center"
    app.set_from_link("")
    app.set_from_link("channel=chat")
    assert (app.level.value, app.channel.value) == ("center", "chat")
    with pytest.warns(QueryParamWarning, match="level=team.*kept level='center'"):
        app.set_from_link("level=team")
    # targets without service level: the trend KPI the app was built with is not offered
    targets = pd.DataFrame({"kpi": ["aht", "csat"], "target": [300.0, 80.0]})
    ScorecardApp(generated, targets=targets).set_from_link("")
    no_agents = generated.contacts.drop(columns=["agent_id"])
    TradeoffApp(kk.Dataset(contacts=no_agents)).set_from_link("x=aht")


def test_contacts_without_a_channel_are_phone_contacts_to_the_apps(generated):
    # channel is optional (phone by default), yet the monitor with its defaults and the
    # scorecard's notebook (channel="phone") refused such a log: "not a channel of the data"
    contacts = kk.Dataset(contacts=generated.contacts.drop(columns=["channel"]))
    monitor = MonitorApp(contacts)
    card = ScorecardApp(contacts, channel="phone", level="center", freq="all")
    for app in (monitor, card):
        assert (app.channel.value, app.channel.disabled) == ("all", True)  # the same contacts
    with pytest.raises(ValueError, match="not a channel of the data.*'email'"):
        ScorecardApp(contacts, channel="email")


def test_a_link_cannot_name_a_data_file(generated, monkeypatch):
    app = GlossaryApp(generated)
    with pytest.warns(QueryParamWarning, match="unknown parameter 'data'"):
        app.set_from_link("data=/etc/passwd&kpi=fcr")
    assert app.kpi.value == "fcr"


def test_a_monitor_link_source_is_checked_against_its_folder(tmp_path):
    (tmp_path / "today").mkdir()
    app = MonitorApp(hand_contacts(), sources_dir=tmp_path)  # the demo, not started
    app.set_from_link("source=../../etc&target_sl=70")
    assert "Ignored the link's source" in html.unescape(app.message.value)
    assert app.source.value == "" and app.target_sl.value == 70  # the rest of the link applies
    app.set_from_link("source=today")
    assert app.source.value == "today"
    app.stop()


def test_dashboard_data_reads_the_file_a_report_names(tmp_path, monkeypatch):
    from kpikit.apps import DATA_ENV_VARIABLE, dashboard_data

    path = tmp_path / "log.csv"
    hand_contacts().to_csv(path, index=False)
    monkeypatch.setenv(DATA_ENV_VARIABLE, str(path))
    data, label = dashboard_data()
    assert label == "log.csv" and len(data.contacts) == 10
    monkeypatch.setenv(DATA_ENV_VARIABLE, str(tmp_path / "missing.csv"))
    with pytest.raises(ValueError, match="neither a file nor a folder"):
        dashboard_data()
    monkeypatch.delenv(DATA_ENV_VARIABLE)
    assert dashboard_data()[1] == "sample data"
    assert isinstance(dashboard_data()[0], kk.Dataset)


def test_a_data_path_through_a_link_loop_or_to_nothing_names_the_link(tmp_path):
    # both were "neither a file nor a folder", which hid the cause
    from kpikit.apps._data import check_data_path

    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    with pytest.raises(ValueError, match=r"'--data' is a symbolic link to .*b\.csv', which does"):
        check_data_path(tmp_path / "a.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    with pytest.raises(ValueError, match="'--data' cannot be resolved: a symbolic link on its way"):
        check_data_path(tmp_path / "a.csv")
    with pytest.raises(ValueError, match="neither a file nor a folder"):
        check_data_path(tmp_path / "missing.csv")
