"""Older releases of the optional engines than kpikit works with (kpikit._versions): refused by
name for their own tables, never handed a pandas frame, and the floors pyproject.toml asks for.

The floors were found by running the suite on older releases (DuckDB 1.5.6 and 2.0.0, polars
1.0 to 1.24): those fail as the module's docstring says. Here the installed release is patched.
"""

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from fixtures import random_contacts

import kpikit as kk
from kpikit import _versions
from kpikit.metrics import _via_duckdb as via_duckdb
from kpikit.metrics import _via_polars as via_polars

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")


def installed(**versions):
    """A stand-in for _versions.installed_version: ``versions`` patched, the rest as they are."""
    real = _versions.installed_version
    return lambda module: versions.get(module) or real(module)


def test_an_older_duckdb_is_refused_by_name_and_never_handed_a_frame(monkeypatch, tmp_path):
    frame = random_contacts(4, 30)
    frame.to_parquet(tmp_path / "contacts.parquet")
    relation = duckdb.connect().from_df(frame)
    expected = kk.compute(frame)
    monkeypatch.setattr(via_duckdb, "MIN_ROWS", 10)
    monkeypatch.setattr(_versions, "installed_version", installed(duckdb=(2, 0, 0)))
    upgrade = r"duckdb 2\.0\.1 or newer; duckdb 2\.0\.0 is installed\. Upgrade it: pip install"
    for call in (
        lambda: kk.compute(relation),
        lambda: kk.compute(relation, validate=False),
        lambda: kk.compute(kk.Dataset(contacts=relation)),
        lambda: kk.validate(relation),
        lambda: kk.scan_parquet(tmp_path),
        lambda: kk.compute(tmp_path / "contacts.parquet"),
    ):
        with pytest.raises(ImportError, match=upgrade):
            call()
    # A large pandas frame stays on the pandas path, with the pandas result.
    assert not via_duckdb.wanted(frame)
    monkeypatch.setattr(via_duckdb, "relation", lambda *args: pytest.fail("handed to DuckDB"))
    pd.testing.assert_frame_equal(kk.compute(frame), expected)


def test_an_older_polars_is_refused_by_name_and_never_handed_a_frame(monkeypatch):
    frame = random_contacts(5, 30)
    arrow = frame.convert_dtypes(dtype_backend="pyarrow")
    expected = kk.compute(frame, by="agent_id")
    monkeypatch.setattr(via_polars, "MIN_ROWS", 10)
    assert via_polars.hand_over(arrow) is not None
    monkeypatch.setattr(_versions, "installed_version", installed(polars=(1, 24, 0)))
    upgrade = r"polars 1\.25 or newer; polars 1\.24\.0 is installed\. Upgrade it: pip install"
    for table in (pl.from_pandas(frame), pl.from_pandas(frame).lazy()):
        with pytest.raises(ImportError, match=upgrade):
            kk.compute(table)
    # pandas frames, Arrow-backed or not, are summed without polars, to the same result.
    assert via_polars.hand_over(arrow) is None
    monkeypatch.setattr(via_polars, "as_polars", lambda *args: pytest.fail("handed to polars"))
    monkeypatch.setattr(pl, "from_pandas", lambda *a, **k: pytest.fail("converted to polars"))
    for data in (frame, arrow):
        got = kk.compute(data, by="agent_id")
        pd.testing.assert_frame_equal(got, expected, check_exact=False, check_dtype=False)


def test_pyproject_asks_for_the_releases_kpikit_checks_for():
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    specs = [
        spec
        for group in [
            project["project"]["dependencies"],
            *project["project"]["optional-dependencies"].values(),
        ]
        for spec in group
    ]
    for module, oldest in _versions.OLDEST.items():
        asked = {spec for spec in specs if spec.split(">=")[0] == module}
        assert asked == {f"{module}>=" + ".".join(map(str, oldest))}, module


def test_make_test_runs_the_engine_and_widget_tests_on_the_floors_of_pyproject():
    # `make test` lays these releases over the venv and runs the engine tests and the
    # dashboards' Python tests on them: each pin is the floor pyproject.toml asks for (the
    # first release of it that is not yanked).
    root = Path(__file__).parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())
    floors = {}
    for group in [
        project["project"]["dependencies"],
        *project["project"]["optional-dependencies"].values(),
    ]:
        for spec in group:
            name, _, floor = spec.partition(">=")
            if floor:
                floors.setdefault(name, set()).add(floor.split(",")[0])
    makefile = (root / "Makefile").read_text().replace("\\\n", " ")
    line = next(line for line in makefile.splitlines() if line.startswith("FLOOR_PINS :="))
    pins = dict(pin.split("==") for pin in line.split(":=")[1].split())
    engines = {"pandas", "numpy", "pyarrow", "narwhals", "plotly", "polars", "duckdb"}
    widgets = {"ipywidgets", "anywidget"}
    # ipywidgets 8.1.0 asks for these releases of its front-end packages (~=4.0.7, ~=3.0.7).
    assets = {"widgetsnbextension": "4.0.7", "jupyterlab_widgets": "3.0.7"}
    assert set(pins) == engines | widgets | set(assets)
    floors_pass = next(
        line
        for line in makefile.splitlines()
        if "PYTHONPATH=$(FLOORS)" in line and "pytest" in line
    )
    assert "$(ENGINE_TESTS) $(WIDGET_TESTS)" in floors_pass
    assert {name: pins.pop(name) for name in assets} == assets
    for name, pinned in pins.items():
        (floor,) = floors[name]
        assert pinned.split(".")[: len(floor.split("."))] == floor.split("."), name
