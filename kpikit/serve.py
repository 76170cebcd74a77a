"""``kpikit serve``: the dashboards in Voila, safe to leave running on a shared machine.

What the server does, and why:

- binds to 127.0.0.1 (``--port``, default 8866; a busy port is an error, not a silent move to
  another port, so the printed address is always right). ``--ip`` another address listens beyond
  this machine and then requires a token (``--token``, or one is generated and printed); on
  loopback a ``--token`` given is required too (other users of a shared machine reach
  loopback);
- refuses requests whose ``Host`` header is not a loopback address, ``localhost`` or a name given
  with ``--allow-host`` (a web page that rebinds its own DNS name to 127.0.0.1 cannot reach the
  dashboards or their kernels);
- serves the dashboards installed with kpikit (``kpikit/notebooks`` in the wheel, the repository's
  ``notebooks/`` in an editable install) or ``--notebooks DIR``;
- the page at ``/`` is the landing page: one card per dashboard with its title, description and
  the parameters a link can carry, read from each notebook (metadata ``title`` and
  ``kpikit.description``/``kpikit.order``, and the cell tagged ``parameters``);
- renders with the ``kpikit`` template shipped in ``kpikit/templates``: Voila's ``lab`` template
  without its CDN links, so no request leaves the machine (plotly.js is served by this server,
  MathJax comes with Voila); neither the template nor the theme can be set from the URL;
- hides tracebacks and strips code cells from the page;
- runs at most ``--max-kernels`` kernels (about 400 MB each), preheated ones and pages arriving
  together included; a page beyond that gets a "busy, try again" answer (HTTP 503) instead of
  exhausting memory;
- ends a page's kernel when its tab closes, and culls kernels idle for ``--cull-idle-timeout``
  seconds even while their tab stays open; a kernel that dies is not restarted behind the page's
  back (its widgets would be gone): the page shows "connection lost — reload";
- waits for a cell's outputs as long as the kernel takes to send them (:data:`IOPUB_WAIT_S`),
  so a page whose kernel answers while the server is busy still gets its dashboard;
- talks to its kernels over Unix sockets (ZeroMQ's ``ipc`` transport, named after each kernel's
  connection file) rather than loopback TCP ports, except on Windows, which has none, and where
  the temporary folder is too deep for a socket's path (:data:`MAX_SOCKET_PATH_BYTES`): a TCP port
  is picked free and then bound by the kernel a moment later, and on a busy machine another
  process took it in between ("Address already in use"), the kernel died at start and its page
  hung at "Running ..." (:func:`kernel_transport`);
- keeps ``--pool-size`` preheated kernels per dashboard (notebooks run up to the point where they
  read the URL parameters, see :func:`kpikit.apps.params.query_params`), which removes the
  kernel start and imports from the time to first chart; pools are filled only within
  ``--max-kernels``. 0 starts one kernel per page view.
"""

import argparse
import errno
import ipaddress
import math
import os
import re
import secrets
import socket
import sys
import tempfile
from importlib import resources
from pathlib import Path

from kpikit.apps.params import notebook_parameters

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
LOOPBACK_IPS = ("127.0.0.1", "::1", "localhost")
DEFAULT_POOL_SIZE = 1
DEFAULT_CULL_IDLE_TIMEOUT_S = 600
CULL_INTERVAL_S = 60
TEMPLATE_NAME = "kpikit"
TEMPLATES_DIR = Path(__file__).parent / "templates"
# Uploads travel to the kernel as one websocket message (tornado's default limit is 10 MiB): let
# files well over the apps' upload limit through, so that the app refuses them with a message
# instead of the connection dropping.
WEBSOCKET_MAX_MESSAGE_BYTES = 100 * 1024 * 1024
KERNEL_BYTES = 400 * 1024 * 1024
"""Memory one dashboard kernel takes, roughly: 390-420 MB with the sample data, per kernel added
in the 20-page load test (``benchmarks/bench_load.py``, December 2026)."""
IOPUB_WAIT_S = 300
"""Seconds the server waits for a cell's outputs once the kernel has said the cell is done.

The outputs (among them the display of the dashboard) travel on another channel than that
answer, and while many pages open at once on a busy machine the server may get to them seconds
later. Voila's default of 4 s then drops them without a word, and the page stays empty: in the
20-page load test (``benchmarks/bench_load.py``) one or two pages in six runs of fifteen. The
wait ends as soon as the kernel reports it is idle, so a long bound costs nothing when all is well;
a kernel that dies meanwhile ends it too.
"""
_HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``kpikit serve`` options to a parser."""
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--ip",
        type=_listen_address,
        default=DEFAULT_IP,
        help=f"address to listen on (default {DEFAULT_IP}: this machine only); any other "
        "address requires a token",
    )
    parser.add_argument(
        "--token",
        default=None,
        help="secret visitors must give (?token=...); required when --ip is not a loopback "
        "address (default there: a random one, printed at start), none on loopback by default",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        type=_host_name,
        default=[],
        metavar="NAME",
        help="host name the server may be reached by besides localhost (repeatable), e.g. the "
        "name a reverse proxy forwards",
    )
    parser.add_argument(
        "--max-kernels",
        type=_positive,
        default=None,
        help="most dashboards running at once, preheated ones included (default: as many as "
        "half of this machine's memory holds at ~400 MB each, 4 to 64)",
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
    refuse_a_busy_port(args.ip, args.port)
    # Voila finds templates in the Jupyter data path; kpikit/templates is laid out as one.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(TEMPLATES_DIR), os.environ.get("JUPYTER_PATH")])
    )
    from kpikit._voila import make_app_class

    remote = args.ip not in LOOPBACK_IPS
    if remote and not args.token:
        args.token = secrets.token_urlsafe(24)
        print(
            f"kpikit serve: listening on {args.ip}; open the dashboards with "
            f"?token={args.token} (for example http://HOST:{args.port}/?token={args.token})",
            file=sys.stderr,
        )
    app_class = make_app_class(
        dashboards(notebooks),
        max_kernels=args.max_kernels or default_max_kernels(),
        allowed_hosts=None if remote else args.allow_host,
    )
    # The application instance (Voila's own launcher makes one too): the notebook executors log
    # through it, so their warnings reach the server log instead of traitlets' silent logger.
    app = app_class.instance()
    app.initialize(voila_argv(notebooks, args))
    app.tornado_settings = {"websocket_max_message_size": WEBSOCKET_MAX_MESSAGE_BYTES}
    app.start()
    return 0


def voila_argv(notebooks: Path, args: argparse.Namespace) -> list[str]:
    """Command-line arguments for Voila implementing the choices listed in the module docstring.

    Examples
    --------
    >>> args = argparse.Namespace(port=9000, no_browser=True, pool_size=0, cull_idle_timeout=60,
    ...                           ip="127.0.0.1", token=None)
    >>> argv = voila_argv(Path("nb"), args)
    >>> argv[0], "--Voila.ip=127.0.0.1" in argv, "--VoilaConfiguration.preheat_kernel=False" in argv
    ('nb', True, True)
    """
    from kpikit.apps._chart import plotly_route

    remote = args.ip not in LOOPBACK_IPS
    if remote and not args.token:
        raise ValueError(f"Listening on {args.ip} needs a token; received none.")
    options = {
        "Voila.ip": args.ip,
        "Voila.port": args.port,
        "Voila.port_retries": 0,
        "Voila.open_browser": not args.no_browser,
        "VoilaConfiguration.template": TEMPLATE_NAME,
        "VoilaConfiguration.allow_template_override": "NO",
        # Voila writes a link's ?theme= unescaped into the page's <body> tag: a link could run a
        # script of its choosing in the dashboards' origin (and so reach their kernels).
        "VoilaConfiguration.allow_theme_override": "NO",
        "VoilaConfiguration.show_tracebacks": False,
        "VoilaConfiguration.strip_sources": True,
        "VoilaConfiguration.classic_tree": True,
        "VoilaConfiguration.preheat_kernel": args.pool_size > 0,
        "VoilaConfiguration.default_pool_size": args.pool_size,
        "MappingKernelManager.cull_idle_timeout": args.cull_idle_timeout,
        "MappingKernelManager.cull_interval": min(
            CULL_INTERVAL_S, max(1, args.cull_idle_timeout // 2)
        ),
        "MappingKernelManager.cull_connected": True,
        "KernelRestarter.restart_limit": 0,
        "KernelManager.transport": kernel_transport(),
        "VoilaExecutor.iopub_timeout": IOPUB_WAIT_S,
        # Loopback needs no token: the Host check keeps other sites out. Beyond it, one is needed.
        # One given is used on loopback too: it was dropped without a word.
        "Voila.token": args.token or "",
        # plotly's JupyterLab renderer loads its own 4.8 MB plotly.js on every page; kpikit's
        # charts do not use it (they load plotly.js once, see kpikit.apps._chart). Code cells
        # are stripped, so the code-highlighting styles are not needed either.
        "VoilaConfiguration.extension_denylist": ["jupyterlab-plotly", "jupyterlab_pygments"],
        # Read by the kpikit template: the page starts loading plotly.js from there at once.
        "VoilaConfiguration.resources": {"kpikit_plotly_js": plotly_route()},
    }
    return [str(notebooks), *_traitlets_argv(options)]


def _traitlets_argv(options: dict) -> list[str]:
    """``--Class.trait=value`` arguments; a list or dict as one argument per item (``item``,
    ``key=value``), the form traitlets 5 reads without a DeprecationWarning (a JSON list or dict
    printed two warnings at every start).

    >>> _traitlets_argv({"A.n": 1, "A.names": ["x", "y"], "A.paths": {"js": "a.js?v=1"}})
    ['--A.n=1', '--A.names=x', '--A.names=y', '--A.paths=js=a.js?v=1']
    """
    argv = []
    for key, value in options.items():
        if isinstance(value, dict):
            argv += [f"--{key}={name}={item}" for name, item in value.items()]
        elif isinstance(value, list):
            argv += [f"--{key}={item}" for item in value]
        else:
            argv.append(f"--{key}={value}")
    return argv


def refuse_a_busy_port(ip: str, port: int) -> None:
    """Raise an OSError naming the port when another program listens on it at ``ip``.

    Checked before Voila starts, by binding a socket to each address ``ip`` stands for (both
    ``127.0.0.1`` and ``::1`` for ``localhost``), as tornado will, and closing it at once: with
    ``port_retries`` 0 Voila itself says "trying another port" in a log of several lines, then
    fails with exit code 1. Other failures to bind (an address of another machine, a port below
    1024) are left to Voila.
    """
    try:
        addresses = socket.getaddrinfo(
            ip, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE
        )
    except (OSError, UnicodeError):
        return
    for family, kind, protocol, _, address in dict.fromkeys(addresses):
        with socket.socket(family, kind, protocol) as probe:
            if os.name != "nt":  # as tornado: a port left in TIME_WAIT is free to listen on
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise OSError(
                        f"port {port} on {ip} is already in use; stop the program listening on "
                        "it or give another port with --port"
                    ) from None


MAX_SOCKET_PATH_BYTES = 103
"""Longest path a Unix socket can have: 104 bytes on macOS and the BSDs (108 on Linux), the last
one a NUL."""
VOILA_SOCKET = os.path.join("voila_abcdefgh", f"kernel-{'0' * 36}-ipc-99999")
"""The longest name of a kernel's socket under Voila's folder of connection files (a folder
``voila_`` and 8 letters in the temporary folder; a file named after the kernel's id)."""


def kernel_transport(longest_socket: str | None = None, platform: str = os.name) -> str:
    """How kernels are talked to: ZeroMQ's ``ipc`` (Unix sockets, which no other process can
    take first) where there are Unix sockets and their paths fit, else ``tcp`` (Windows, or a
    temporary folder too deep, as macOS's per-user one may be).

    ``longest_socket`` is the longest path a socket of the kernel would have; by default that
    of Voila's kernels in this machine's temporary folder.

    >>> kernel_transport("/tmp/voila_abcdefgh/kernel-1-ipc-5", "posix")
    'ipc'
    >>> kernel_transport("/tmp/run", "nt"), kernel_transport("/" + "d" * 103, "posix")
    ('tcp', 'tcp')
    """
    if longest_socket is None:
        longest_socket = os.path.join(tempfile.gettempdir(), VOILA_SOCKET)
    fits = len(os.fsencode(longest_socket)) <= MAX_SOCKET_PATH_BYTES
    return "ipc" if platform != "nt" and fits else "tcp"


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

    Raises
    ------
    ValueError
        Naming the notebook, when it is not a notebook (not JSON, or not of nbformat's
        schema), its ``kpikit`` metadata is not a mapping, its order not a number, or its
        parameters cell not Python.
    """
    import nbformat

    found = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            notebook = nbformat.read(path, as_version=4)
            meta = notebook.metadata.get("kpikit", {})
            if not isinstance(meta, dict):
                raise ValueError(
                    f"Value of 'metadata.kpikit' must be a mapping but received: {meta!r}"
                )
            order = meta.get("order", 100)
            if isinstance(order, bool) or not (
                isinstance(order, int | float) and math.isfinite(order)
            ):
                raise ValueError(
                    f"Value of 'metadata.kpikit.order' must be a number but received: {order!r}"
                )
            title = notebook.metadata.get("title") or path.stem.replace("_", " ").capitalize()
            info = {
                "title": str(title),
                "description": meta.get("description", ""),
                "parameters": notebook_parameters(notebook),
            }
        except (ValueError, nbformat.ValidationError) as error:  # NotJSONError is a ValueError
            raise ValueError(f"Notebook {str(path)!r} cannot be served: {error}") from None
        found.append((order, info["title"], path.name, info))
    return {name: info for _, _, name, info in sorted(found, key=lambda item: item[:3])}


def default_max_kernels() -> int:
    """As many kernels as half of this machine's memory holds, between 4 and 64.

    Examples
    --------
    >>> 4 <= default_max_kernels() <= 64
    True
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 16
    return max(4, min(64, total // 2 // KERNEL_BYTES))


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port between 1 and 65535, got {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more, got {text!r}")
    return int(text)


def _host_name(text: str) -> str:
    """A name for ``--allow-host``. Not an IP address: Jupyter's Host check lets through the
    loopback ones only, whatever the list of names says, so one given here was ignored."""
    if not _HOST_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"expected a host name such as dash.example.org, got {text!r}"
        )
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return text.lower()
    raise argparse.ArgumentTypeError(
        f"expected a host name, got the IP address {text!r}: loopback addresses are always "
        "allowed; to be reached at another address, listen on it with --ip (and a token)"
    )


def _listen_address(text: str) -> str:
    """An address to listen on: an IP address, or a host name this machine resolves (a typo
    such as ``--ip banana`` failed only once the server tried to listen)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        if not _HOST_NAME.fullmatch(text) or not _resolves(text):
            raise argparse.ArgumentTypeError(
                "expected an address of this machine to listen on, such as 127.0.0.1, 0.0.0.0 "
                f"or localhost, got {text!r}"
            ) from None
    return text


def _resolves(name: str) -> bool:
    try:
        socket.getaddrinfo(name, None)
    except (OSError, UnicodeError):  # socket.gaierror is an OSError
        return False
    return True


def _non_negative(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, got {text!r}")
    return int(text)
