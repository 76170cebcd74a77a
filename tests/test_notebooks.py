"""Every notebook in notebooks/: committed clean, thin, and executable with parameter overrides.

The folder is globbed, so a dashboard added later is covered without editing this file.
"""

import shutil
import tempfile
from pathlib import Path

import nbformat
import papermill
import pytest

from kpikit import serve
from kpikit.apps.params import notebook_parameters
from kpikit.report import kernel_config

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
IDS = [path.stem for path in NOTEBOOKS]

# Non-default values for parameters the dashboards share; a parameter not listed here is
# passed with its default (papermill still injects it, so the parameters cell is exercised).
OVERRIDES = {
    "sector": "healthcare",
    "channel": "chat",
    "kpi": "fcr",
    "level": "team",
    "x": "asa",
    "y": "fcr",
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_there_are_dashboards():
    assert {"kpi_glossary", "sector_benchmarks"} <= set(IDS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.source[:40]!r} has outputs"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_a_thin_parameterised_dashboard(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    tagged = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert notebook_parameters(notebook), "typed literal parameters, one per line"
    assert len(code) <= 7, "logic belongs in kpikit.apps, not in the notebook"
    source = "".join(cell.source for cell in code)
    assert "set_from_link()" in source or "query_params" in source, "URL parameters are read"
    assert notebook.metadata.get("title"), "metadata title for the landing page"
    assert notebook.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes_with_parameter_overrides(path, tmp_path):
    defaults = notebook_parameters(nbformat.read(path, as_version=4))
    parameters = {name: OVERRIDES.get(name, value) for name, value in defaults.items()}
    output = tmp_path / path.name
    sockets = Path(tempfile.mkdtemp())  # short: a Unix socket's path holds at most 107 bytes
    papermill.execute_notebook(
        path,
        output,
        parameters=parameters,
        kernel_name="python3",
        language="python",
        cwd=path.parent,
        progress_bar=False,
        execution_timeout=300,
        iopub_timeout=serve.IOPUB_WAIT_S,  # as kpikit serve and report wait for late outputs
        # and on the sockets of their kernels, which no other process can take
        config=kernel_config(sockets),
    )
    shutil.rmtree(sockets)
    executed = nbformat.read(output, as_version=4)
    outputs = [output for cell in executed.cells for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.output_type == "error"]
    assert any(WIDGET_VIEW in output.get("data", {}) for output in outputs), "app displayed"
    injected = [
        cell for cell in executed.cells if "injected-parameters" in cell.metadata.get("tags", [])
    ]
    namespace = {}
    exec(injected[0].source, namespace)  # the literals papermill wrote
    assert {name: namespace[name] for name in parameters} == parameters
