"""``kpikit report``: run a dashboard notebook with parameters into one standalone HTML file,
or write a cadence report (``kpikit report daily|weekly|monthly|quarterly``, see
:mod:`kpikit.governance.pages`).

``kpikit report balanced_scorecard -p sector healthcare -o scorecard.html`` executes the
notebook with papermill (parameters cast to the types of the notebook's ``parameters`` cell),
then exports it with nbconvert without code cells. ``--data contacts.csv`` (a contact log, or a
folder with ``contacts``, ``agent_intervals`` and ``costs`` files) replaces the sample data:
the dashboard notebooks read their data with :func:`kpikit.apps.dashboard_data`. The apps
render as static HTML in this mode (:func:`kpikit.apps._base.static_html`): plotly charts stay
interactive, controls become "label: value" lines. The ``kpikit_report`` template inlines
plotly.js and drops every CDN link of the stock template, so the file opens offline, sent by mail
or from a share.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from kpikit._reading_flags import (
    add_reading_arguments,
    given_options,
    read_noting,
    refuse_reading_flags,
)
from kpikit._validators import check_choice, check_number
from kpikit.apps import DATA_ENV_VARIABLE, STATIC_ENV_VARIABLE
from kpikit.apps._chart import CHART_JS
from kpikit.apps.params import cast_value, notebook_parameters
from kpikit.catalog import SECTORS
from kpikit.governance.cadence import CADENCES
from kpikit.governance.pages import add_cadence_arguments, run_cadence
from kpikit.schema import Dataset

TEMPLATE_NAME = "kpikit_report"
TEMPLATE_BASEDIR = Path(__file__).parent / "templates" / "nbconvert" / "templates"
DEFAULT_TIMEOUT_S = 600


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``kpikit report`` arguments to a parser; an empty or blank ``--data`` or
    ``--output`` is refused (``Path("")`` is the current folder, read as a folder of tables)."""
    from kpikit.cli import _path

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
        "--data",
        type=_path,
        default=None,
        metavar="FILE",
        help="contact log (.csv, .csv.gz, .parquet), or a folder of contacts, agent_intervals "
        "and costs files, to report on instead of the sample data",
    )
    parser.add_argument(
        "-o", "--output", type=_path, default=None, help="HTML file to write (default: NAME.html)"
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"time limit per cell (default {DEFAULT_TIMEOUT_S})",
    )
    add_cadence_arguments(parser)
    add_reading_arguments(parser, "--data")


def check_arguments(args: argparse.Namespace) -> None:
    """Check the report options before any data is read.

    ``--sector`` must be a benchmark sector (whatever the cadence: only the quarterly report
    uses it, so a typo would otherwise pass unnoticed), ``--register`` a SQLAlchemy URL, of an
    existing file for SQLite (the report reads the register, it does not create one), and
    reading flags come with ``--data``. ``--timeout`` is at least 1 second (papermill would read
    0 or less as no limit at all). A cadence report's ``--output`` is an ``.html`` name in an
    existing folder (its workbook too), checked here rather than once the report is computed;
    a dashboard notebook refuses the cadence options, and a cadence report the notebooks'
    ``-p`` and ``--timeout``, which each would ignore.

    Raises
    ------
    ValueError
        Naming the option and the problem; :func:`kpikit.cli.main` reports it as a usage error.
    """
    from kpikit.cli import _flags_named
    from kpikit.io import safe_export_path

    check_choice("sector", args.sector, SECTORS, "a sector")
    check_number("timeout", args.timeout, minimum=1, integer=True)
    if args.notebook not in CADENCES:
        _refuse_cadence_options(args)
    else:
        _refuse_notebook_options(args)
        if args.output is not None:
            with _flags_named(path="--output"):
                page = safe_export_path(args.output, (".html",))
                safe_export_path(page.with_suffix(".xlsx"), (".xlsx",))  # the workbook beside it
    if args.data is None:
        refuse_reading_flags(args, "the file given with --data, not to the sample data")
    if args.register is not None:
        _check_register_url(args.register)


def _refuse_cadence_options(args: argparse.Namespace) -> None:
    """A dashboard notebook takes ``-p NAME VALUE``, not ``--date``, ``--by`` and the like."""
    given = [
        "--" + name
        for name in ("targets", "date", "by", "register")
        if getattr(args, name) is not None
    ] + (["--sector"] if args.sector != "all" else [])
    if given:
        raise ValueError(
            f"{', '.join(given)}: options of the cadence reports ({', '.join(CADENCES)}), not of "
            f"the notebook {args.notebook!r}; set its parameters with -p NAME VALUE"
        )


def _refuse_notebook_options(args: argparse.Namespace) -> None:
    """A cadence report takes ``--date``, ``--by`` and the like, not a notebook's ``-p NAME
    VALUE`` nor its cells' ``--timeout``, which it would ignore."""
    given = (["-p"] if args.parameters else []) + (
        ["--timeout"] if args.timeout != DEFAULT_TIMEOUT_S else []
    )
    if given:
        raise ValueError(
            f"{', '.join(given)}: options of the dashboard notebooks, not of the cadence report "
            f"{args.notebook!r}; choose what it covers with --date, --by, --targets, --sector "
            "and --register"
        )


def _check_register_url(url: str) -> None:
    """Raise unless ``url`` is a SQLAlchemy URL (of an existing file for SQLite); the URL is
    shown with its password hidden."""
    from kpikit.governance._store import checked_url, masked, normalised, sqlite_path

    try:
        import sqlalchemy  # noqa: F401
    except ImportError:  # the register itself then says that SQLAlchemy is needed
        return
    checked_url(url, "register")
    path = sqlite_path(normalised(url))
    if path is not None and not path.is_file():
        raise ValueError(
            f"Value of 'register' names an SQLite file that does not exist ({str(path)!r}), "
            f"but received: {masked(url)!r}"
        )


def run(args: argparse.Namespace) -> int:
    """Write the report described by the arguments of :func:`add_arguments`."""
    from kpikit.apps._data import check_data_path
    from kpikit.cli import _flags_named
    from kpikit.io import read_contacts, read_dataset, safe_export_path
    from kpikit.io.exporting import write_page

    if args.notebook in CADENCES:
        check_arguments(args)
        if args.data is not None:
            _check_cadence_data(args.data)
        return run_cadence(args)

    notebook = resolve_notebook(args.notebook)
    with _flags_named(path="--output"):
        output = safe_export_path(
            args.output if args.output is not None else Path(f"{notebook.stem}.html"), (".html",)
        )
    parameters = parse_parameters(notebook, args.parameters)
    data = check_data_path(args.data) if args.data is not None else None
    if data is not None:  # read here first: errors name the flags, notes print once
        with _flags_named(path="--data", folder="--data"):
            read = read_noting(read_dataset if data.is_dir() else read_contacts, args, data)
        contacts = read.contacts if isinstance(read, Dataset) else read
        if contacts is not None and len(contacts) == 0:  # a page of "no such groups" said less
            raise ValueError(f"The contacts of {str(data)!r} are empty: there is nothing to report")
    reading = given_options(args)
    write_page(
        output, render(notebook, parameters, timeout=args.timeout, data=data, reading=reading)
    )
    print(f"kpikit report: wrote {output}")
    return 0


def _check_cadence_data(data: Path) -> None:
    """Check ``--data`` of a cadence report as a dashboard's is checked, before it is read: a
    file missing, or not a contact log by its suffix, is named as ``--data`` (it was "Value of
    'path' does not exist", a parameter the command does not have).

    >>> _check_cadence_data(Path(__file__))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --data must end in .csv, .csv.gz, .parquet; received: '...report.py'.
    """
    from kpikit.apps._data import check_data_path
    from kpikit.cli import _flags_named
    from kpikit.io._source import file_source

    with _flags_named(path="--data"):
        if not check_data_path(data).is_dir():  # a folder's tables are named by read_dataset
            file_source(data)


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
        For a file that is not a valid notebook, a name the notebook does not declare (the
        message lists those it does), a name given twice (rather than keeping the last value)
        or a value of the wrong type.
    """
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"Value of 'parameter' sets {repeated} more than once; give each parameter once, "
            f"but received: {[f'{name}={text}' for name, text in pairs]}"
        )
    defaults = notebook_parameters(_read_notebook(notebook))
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


def _read_notebook(notebook: Path):
    """``notebook`` read as nbformat 4; raises a ValueError naming the file when it is not a
    valid notebook.

    nbformat raises jsonschema's ValidationError (not a ValueError) for JSON that is not a
    notebook, an AttributeError for JSON that is not an object, and only logs a notebook that
    breaks the schema, which papermill or nbconvert then fail on with a traceback.
    """
    import nbformat

    invalid = {}
    try:
        node = nbformat.read(notebook, as_version=4, capture_validation_error=invalid)
        if invalid:
            raise invalid["ValidationError"]
    except (ValueError, AttributeError, nbformat.ValidationError) as error:
        reason = getattr(error, "message", None) or str(error)
        raise ValueError(f"{notebook} is not a valid notebook: {reason}") from None
    return node


def render(
    notebook: Path,
    parameters: dict,
    *,
    timeout: int = DEFAULT_TIMEOUT_S,
    data=None,
    reading: dict | None = None,
) -> str:
    """Execute a notebook with parameters and return the standalone HTML report.

    Parameters
    ----------
    notebook : Path
    parameters : dict
        Values for the notebook's parameters cell.
    timeout : int, default=600
        Time limit per cell, seconds; at least 1.
    data : Path, default=None
        Contact log (or folder of tables) the notebook reads with
        :func:`kpikit.apps.dashboard_data` instead of the sample data; check it first with
        :func:`kpikit.apps._data.check_data_path`.
    reading : dict, default=None
        Options of :func:`kpikit.io.read_contacts` to read ``data`` with (``{"sep": ";"}``).

    Raises
    ------
    ValueError
        When a cell fails; the message names the cell and the error (a file that cannot be
        read as a contact log fails the data cell, with the reader's message). When
        ``timeout`` is below 1 second, which papermill would read as no limit.
    """
    import nbformat
    import papermill
    import plotly
    from nbconvert import HTMLExporter

    import kpikit
    from kpikit.apps._data import READING_ENV_VARIABLE
    from kpikit.serve import IOPUB_WAIT_S

    check_number("timeout", timeout, minimum=1, integer=True)
    variables = {
        STATIC_ENV_VARIABLE: "1",
        DATA_ENV_VARIABLE: str(data) if data else None,
        READING_ENV_VARIABLE: json.dumps(reading) if data and reading else None,
    }
    with tempfile.TemporaryDirectory() as folder, _environment(variables):
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
                # outputs that arrive late on a busy machine are waited for, not dropped
                iopub_timeout=IOPUB_WAIT_S,
                config=kernel_config(Path(folder)),
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
            "data": Path(data).name if data else "the sample data",
            "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "version": kpikit.__version__,
            "plotly_js": plotly_js.read_text(encoding="utf-8"),
            "chart_js": CHART_JS.read_text(encoding="utf-8"),
        }
    }
    body, _ = exporter.from_notebook_node(executed_notebook, resources=resources)
    return body


def kernel_config(folder: Path):
    """The traitlets config of a report's kernel: on Unix sockets in ``folder`` (a folder of
    its own), as :mod:`kpikit.serve` has them (:func:`kpikit.serve.kernel_transport`).

    A TCP port picked free may be taken by another process before the kernel binds it, which
    then dies at start. Sockets named in the notebook's folder (jupyter_client's default for a
    kernel without a connection file) were shared by two reports run at once there: each
    kernel read the other's messages ("Invalid Signature").

    >>> kernel_config(Path("/tmp/run")).KernelManager.ip  # on Unix
    '/tmp/run/kernel'
    """
    from traitlets.config import Config

    from kpikit.serve import kernel_transport

    sockets = folder / "kernel"
    transport = kernel_transport(f"{sockets}-99999")
    named = {"ip": str(sockets)} if transport == "ipc" else {}
    return Config({"KernelManager": {"transport": transport, **named}})


@contextlib.contextmanager
def _environment(variables: dict):
    # The kernel papermill starts inherits this process's environment; None unsets a variable.
    previous = {name: os.environ.get(name) for name in variables}
    try:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
