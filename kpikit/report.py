"""``kpikit report``: run a dashboard notebook with parameters into one standalone HTML file,
or write a cadence report (``kpikit report daily|weekly|monthly|quarterly``, see
:mod:`kpikit.governance.pages`).

``kpikit report balanced_scorecard -p sector healthcare -o scorecard.html`` executes the
notebook with papermill (parameters cast to the types of the notebook's ``parameters`` cell),
then exports it with nbconvert without code cells. The apps render as static HTML in this mode
(:func:`kpikit.apps._base.static_html`): plotly charts stay interactive, controls become
"label: value" lines. The ``kpikit_report`` template inlines plotly.js and drops every CDN link
of the stock template, so the file opens offline, sent by mail or from a share.
"""

import argparse
import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from kpikit.apps import STATIC_ENV_VARIABLE
from kpikit.apps.params import cast_value, notebook_parameters
from kpikit.governance.cadence import CADENCES
from kpikit.governance.pages import add_cadence_arguments, run_cadence

TEMPLATE_NAME = "kpikit_report"
TEMPLATE_BASEDIR = Path(__file__).parent / "templates" / "nbconvert" / "templates"
DEFAULT_TIMEOUT_S = 600


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``kpikit report`` arguments to a parser."""
    parser.add_argument(
        "notebook",
        help="notebook file, the name of an installed dashboard such as balanced_scorecard, or "
        f"a cadence report: {', '.join(CADENCES)}",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        dest="parameters",
        help="set a parameter of the notebook's parameters cell (repeatable)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="HTML file to write (default: NAME.html)"
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"time limit per cell (default {DEFAULT_TIMEOUT_S})",
    )
    add_cadence_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Write the report described by the arguments of :func:`add_arguments`."""
    from kpikit.io import safe_export_path

    if args.notebook in CADENCES:
        return run_cadence(args)

    notebook = resolve_notebook(args.notebook)
    output = safe_export_path(
        args.output if args.output is not None else Path(f"{notebook.stem}.html"), (".html",)
    )
    parameters = parse_parameters(notebook, args.parameters)
    output.write_text(render(notebook, parameters, timeout=args.timeout), encoding="utf-8")
    print(f"kpikit report: wrote {output}")
    return 0


def resolve_notebook(name: str | os.PathLike) -> Path:
    """The notebook file for a path or an installed dashboard's name.

    Raises
    ------
    ValueError
        When neither a ``.ipynb`` file nor an installed dashboard has that name; the message
        lists the installed dashboards.
    """
    from kpikit.serve import notebooks_dir

    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path.resolve()
    installed = notebooks_dir() / f"{path.stem}.ipynb"
    if path.parent == Path(".") and installed.is_file():
        return installed
    available = sorted(found.stem for found in notebooks_dir().glob("*.ipynb"))
    raise ValueError(
        f"Value of 'notebook' is neither a .ipynb file nor an installed dashboard. Expected a "
        f"notebook path or one of {available} but received: {str(name)!r}"
    )


def parse_parameters(notebook: Path, pairs) -> dict:
    """Cast ``(name, text)`` pairs to the types of the notebook's parameter defaults.

    Raises
    ------
    ValueError
        For a name the notebook does not declare (the message lists those it does) or a value
        of the wrong type.
    """
    import nbformat

    defaults = notebook_parameters(nbformat.read(notebook, as_version=4))
    parameters = {}
    for name, text in pairs:
        if name not in defaults:
            raise ValueError(
                f"Value of 'parameter' is not a parameter of {notebook.name}. Expected one of "
                f"{sorted(defaults)} but received: {name!r}"
            )
        try:
            parameters[name] = cast_value(text, defaults[name])
        except ValueError as error:
            raise ValueError(
                f"Value of parameter {name!r} must be like its default {defaults[name]!r} "
                f"({error}) but received: {text!r}"
            ) from None
    return parameters


def render(notebook: Path, parameters: dict, *, timeout: int = DEFAULT_TIMEOUT_S) -> str:
    """Execute a notebook with parameters and return the standalone HTML report.

    Raises
    ------
    ValueError
        When a cell fails; the message names the cell and the error.
    """
    import nbformat
    import papermill
    import plotly
    from nbconvert import HTMLExporter

    import kpikit

    with tempfile.TemporaryDirectory() as folder, _static_apps():
        executed = Path(folder) / notebook.name
        try:
            papermill.execute_notebook(
                notebook,
                executed,
                parameters=parameters,
                kernel_name="python3",
                language="python",
                cwd=notebook.parent,
                progress_bar=False,
                execution_timeout=timeout,
            )
        except papermill.PapermillExecutionError as error:
            raise ValueError(
                f"{notebook.name} failed in cell {error.exec_count}: {error.ename}: {error.evalue}"
            ) from None
        executed_notebook = nbformat.read(executed, as_version=4)
    _drop_logs(executed_notebook)
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_BASEDIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    resources = {
        "kpikit": {
            "title": executed_notebook.metadata.get("title") or notebook.stem,
            "notebook": notebook.name,
            "parameters": parameters,
            "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "version": kpikit.__version__,
            "plotly_js": plotly_js.read_text(encoding="utf-8"),
        }
    }
    body, _ = exporter.from_notebook_node(executed_notebook, resources=resources)
    return body


@contextlib.contextmanager
def _static_apps():
    # The kernel papermill starts inherits this process's environment.
    previous = os.environ.get(STATIC_ENV_VARIABLE)
    os.environ[STATIC_ENV_VARIABLE] = "1"
    try:
        yield
    finally:
        if previous is None:
            del os.environ[STATIC_ENV_VARIABLE]
        else:
            os.environ[STATIC_ENV_VARIABLE] = previous


def _drop_logs(notebook) -> None:
    # Warnings and log lines on stderr are for the person running the report, not its readers;
    # widget state is for live widgets, which the report shows as static HTML instead.
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                output
                for output in cell.outputs
                if not (output.output_type == "stream" and output.name == "stderr")
            ]
