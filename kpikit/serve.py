"""``kpikit serve``: the dashboards in Voila, reachable from this machine only.

What the server does, and why:

- binds to 127.0.0.1 (``--port``, default 8866; a busy port is an error, not a silent move to
  another port, so the printed address is always right);
- serves the dashboards installed with kpikit (``kpikit/notebooks`` in the wheel, the repository's
  ``notebooks/`` in an editable install) or ``--notebooks DIR``;
- the page at ``/`` is the landing page: one card per dashboard with its title, description and
  the parameters a link can carry, read from each notebook (metadata ``title`` and
  ``kpikit.description``/``kpikit.order``, and the cell tagged ``parameters``);
- renders with the ``kpikit`` template shipped in ``kpikit/templates``: Voila's ``lab`` template
  without its CDN links, so no request leaves the machine (plotly.js comes with the plotly
  widget bundle, MathJax with Voila); the template cannot be swapped from the URL;
- hides tracebacks and strips code cells from the page;
- culls kernels idle for ``--cull-idle-timeout`` seconds (a closed tab also ends its kernel);
- keeps ``--pool-size`` preheated kernels per dashboard (notebooks run up to the point where they
  read the URL parameters, see :func:`kpikit.apps.params.query_params`), which removes the
  kernel start and imports from the time to first chart. 0 starts one kernel per page view.
"""

import argparse
import os
import re
from importlib import resources
from pathlib import Path

from kpikit.apps.params import notebook_parameters

DEFAULT_PORT = 8866
DEFAULT_POOL_SIZE = 1
DEFAULT_CULL_IDLE_TIMEOUT_S = 600
CULL_INTERVAL_S = 60
TEMPLATE_NAME = "kpikit"
TEMPLATES_DIR = Path(__file__).parent / "templates"
# Uploads travel to the kernel as one websocket message (tornado's default limit is 10 MiB): let
# files well over the apps' upload limit through, so that the app refuses them with a message
# instead of the connection dropping.
WEBSOCKET_MAX_MESSAGE_BYTES = 100 * 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``kpikit serve`` options to a parser."""
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open a browser on the landing page"
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of notebooks to serve (default: the dashboards installed with kpikit)",
    )
    parser.add_argument(
        "--pool-size",
        type=_non_negative,
        default=DEFAULT_POOL_SIZE,
        help="preheated kernels kept ready per dashboard; 0 starts a kernel per page view "
        f"(default {DEFAULT_POOL_SIZE})",
    )
    parser.add_argument(
        "--cull-idle-timeout",
        type=_non_negative,
        default=DEFAULT_CULL_IDLE_TIMEOUT_S,
        metavar="SECONDS",
        help="shut down kernels idle this long; 0 never does "
        f"(default {DEFAULT_CULL_IDLE_TIMEOUT_S})",
    )


def run(args: argparse.Namespace) -> int:
    """Start Voila with the options parsed by :func:`add_arguments`; returns when it stops."""
    notebooks = Path(args.notebooks) if args.notebooks is not None else notebooks_dir()
    if not notebooks.is_dir():
        raise ValueError(f"Value of '--notebooks' is not a folder; received: {str(notebooks)!r}")
    # Voila finds templates in the Jupyter data path; kpikit/templates is laid out as one.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(TEMPLATES_DIR), os.environ.get("JUPYTER_PATH")])
    )
    from voila.app import Voila

    class KpikitVoila(Voila):
        def init_settings(self):
            settings = super().init_settings()
            settings["voila_jinja2_env"].globals["kpikit_dashboards"] = dashboards(notebooks)
            return settings

        def init_handlers(self):
            return [*static_handlers(self.server_url), *super().init_handlers()]

    app = KpikitVoila()
    app.initialize(voila_argv(notebooks, args))
    app.tornado_settings = {"websocket_max_message_size": WEBSOCKET_MAX_MESSAGE_BYTES}
    app.start()
    return 0


def static_handlers(server_url: str) -> list[tuple]:
    """Tornado routes for the files kpikit adds to Voila's: plotly.js for the dashboards' charts.

    plotly.js is served from the plotly package as a static file; a request carrying the version
    (``?v=...``, as :func:`kpikit.apps._chart.plotly_url` writes it) may be cached by the browser
    for good, so the 4.8 MB bundle is fetched once, not once per page.

    Examples
    --------
    >>> print(static_handlers("/")[0][0])
    /kpikit/static/(plotly\\.min\\.js)
    """
    from jupyter_server.utils import url_path_join
    from tornado.web import StaticFileHandler

    from kpikit.apps._chart import PLOTLY_JS, PLOTLY_JS_ROUTE

    folder, name = PLOTLY_JS_ROUTE.rsplit("/", 1)
    route = url_path_join(server_url, f"/{folder}/({re.escape(name)})")
    return [(route, StaticFileHandler, {"path": str(PLOTLY_JS.parent)})]


def voila_argv(notebooks: Path, args: argparse.Namespace) -> list[str]:
    """Command-line arguments for Voila implementing the choices listed in the module docstring.

    Examples
    --------
    >>> args = argparse.Namespace(port=9000, no_browser=True, pool_size=0, cull_idle_timeout=60)
    >>> argv = voila_argv(Path("nb"), args)
    >>> argv[0], "--Voila.ip=127.0.0.1" in argv, "--VoilaConfiguration.preheat_kernel=False" in argv
    ('nb', True, True)
    """
    options = {
        "Voila.ip": "127.0.0.1",
        "Voila.port": args.port,
        "Voila.port_retries": 0,
        "Voila.open_browser": not args.no_browser,
        "VoilaConfiguration.template": TEMPLATE_NAME,
        "VoilaConfiguration.allow_template_override": "NO",
        "VoilaConfiguration.show_tracebacks": False,
        "VoilaConfiguration.strip_sources": True,
        "VoilaConfiguration.classic_tree": True,
        "VoilaConfiguration.preheat_kernel": args.pool_size > 0,
        "VoilaConfiguration.default_pool_size": args.pool_size,
        "MappingKernelManager.cull_idle_timeout": args.cull_idle_timeout,
        "MappingKernelManager.cull_interval": CULL_INTERVAL_S,
    }
    return [str(notebooks), *(f"--{key}={value}" for key, value in options.items())]


def notebooks_dir() -> Path:
    """The dashboards folder: ``kpikit/notebooks`` when installed, else the repository's one."""
    installed = resources.files("kpikit") / "notebooks"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "notebooks"


def dashboards(folder: Path) -> dict[str, dict]:
    """Title, description and link parameters of every notebook in a folder, in display order.

    The title is the notebook metadata ``title`` (else the file name), the description
    ``metadata.kpikit.description``, the order ``metadata.kpikit.order`` (then the title), and
    the parameters those of :func:`kpikit.apps.params.notebook_parameters`.

    Returns
    -------
    dict
        Notebook path relative to ``folder`` -> ``{"title", "description", "parameters"}``.
    """
    import nbformat

    found = []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        meta = notebook.metadata.get("kpikit", {})
        title = notebook.metadata.get("title") or path.stem.replace("_", " ").capitalize()
        info = {
            "title": title,
            "description": meta.get("description", ""),
            "parameters": notebook_parameters(notebook),
        }
        found.append((meta.get("order", 100), title, path.name, info))
    return {name: info for _, _, name, info in sorted(found, key=lambda item: item[:3])}


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port between 1 and 65535, got {text!r}")
    return int(text)


def _non_negative(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, got {text!r}")
    return int(text)
