"""``kpikit serve``: options, Voila settings, landing-page data, templates, and a live server.

The live-server tests start ``kpikit serve`` in a subprocess over a small folder of notebooks,
fetch pages over HTTP and stop the server by its own process id.
"""

import argparse
import asyncio
import re
import socket
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from browser.harness import start_server, stop_server

from kpikit import serve

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
EXTERNAL_ASSET = re.compile(r"""<(?:link|script|img)\b[^>]*\b(?:href|src)=["']?(?:https?:)?//""")


def parse(*argv):
    parser = argparse.ArgumentParser()
    serve.add_arguments(parser)
    return parser.parse_args(argv)


def test_default_options():
    args = parse()
    assert (args.port, args.no_browser, args.notebooks) == (8866, False, None)
    assert args.pool_size == serve.DEFAULT_POOL_SIZE
    assert args.cull_idle_timeout == 600


@pytest.mark.parametrize(
    "argv",
    [
        ("--port", "0"),
        ("--port", "70000"),
        ("--port", "http"),
        ("--pool-size", "-1"),
        ("--ip", "banana.invalid"),  # a name that resolves to nothing (.invalid never does)
        ("--ip", "127.0.0.300"),
        ("--ip", "http://0.0.0.0"),
        ("--ip", ""),
    ],
)
def test_bad_options_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        parse(*argv)
    assert "expected" in capsys.readouterr().err


def test_addresses_to_listen_on():
    # IP addresses of either kind, and names this machine resolves, are taken as written.
    for address in ("127.0.0.1", "0.0.0.0", "::", "::1", "localhost"):
        assert parse("--ip", address).ip == address


def test_voila_settings_lock_down_the_server():
    args = parse("--port", "9123", "--no-browser", "--pool-size", "2", "--cull-idle-timeout", "90")
    argv = serve.voila_argv(Path("/srv/nb"), args)
    assert argv[0] == "/srv/nb"
    options = dict(item[2:].split("=", 1) for item in argv[1:])
    assert options["Voila.ip"] == "127.0.0.1"
    assert options["Voila.port"] == "9123"
    assert options["Voila.port_retries"] == "0"
    assert options["Voila.open_browser"] == "False"
    assert options["VoilaConfiguration.template"] == "kpikit"
    assert options["VoilaConfiguration.allow_template_override"] == "NO"
    assert options["VoilaConfiguration.show_tracebacks"] == "False"
    assert options["VoilaConfiguration.strip_sources"] == "True"
    assert options["VoilaConfiguration.preheat_kernel"] == "True"
    assert options["VoilaConfiguration.default_pool_size"] == "2"
    assert options["MappingKernelManager.cull_idle_timeout"] == "90"


def test_pool_size_zero_turns_preheating_off():
    options = serve.voila_argv(Path("nb"), parse("--pool-size", "0"))
    assert "--VoilaConfiguration.preheat_kernel=False" in options


def run_in_kernel(cell, on_start=None):
    """Run ``cell`` in a real kernel through Voila's executor configured from kpikit's options,
    after ``on_start(executor)`` when given; the kernel's sockets go to a short folder of their
    own, as a report's do (:func:`kpikit.report.kernel_config`): the server names them after
    each kernel's connection file, and a kernel started without one would share "kernel-ipc" in
    this folder with the other worker's kernels."""
    from traitlets.config.loader import KVArgParseConfigLoader
    from voila.execute import VoilaExecutor

    from kpikit.report import kernel_config

    config = KVArgParseConfigLoader(serve.voila_argv(Path("nb"), parse())[1:]).load_config()
    config.merge(kernel_config(Path(tempfile.mkdtemp(prefix="kk"))))
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}

    async def run_cell():
        executor = VoilaExecutor(notebook, config=config, kernel_name="python3")
        async with executor.async_setup_kernel():
            if on_start is not None:
                on_start(executor)
            await executor.execute_cell(cell, None, 0)

    # On a thread of its own: another test in this worker (Playwright's sync API) may have left
    # an event loop running on this one, where asyncio.run() refuses to start.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(lambda: asyncio.run(run_cell())).result()


def test_outputs_reaching_the_server_late_still_reach_the_page():
    # Under load the server may read a cell's outputs seconds after the kernel's "done" answer
    # (the 20-page load test: one or two empty pages in six runs of fifteen). A real kernel runs
    # the cell through Voila's executor configured from kpikit's options, and every output it
    # sends is held back `late_s` seconds on its way in: past Voila's default wait of 4 s, which
    # then drops it.
    late_s = 5
    cell = nbformat.v4.new_code_cell("print('the dashboard')")

    def hold_back_outputs(executor):
        channel = executor.kc.iopub_channel
        receive = channel.get_msg

        async def receive_late(*args, **kwargs):
            message = await receive(*args, **kwargs)
            if message["msg_type"] == "stream":
                await asyncio.sleep(late_s)
            return message

        channel.get_msg = receive_late

    assert serve.IOPUB_WAIT_S > late_s
    run_in_kernel(cell, hold_back_outputs)
    assert [output.get("text") for output in cell.outputs] == ["the dashboard\n"]


def test_a_kernel_starts_while_another_process_holds_the_ports_it_would_pick(monkeypatch):
    # A full test run on a busy machine hung a page at "Running ...": jupyter_client picked a
    # free TCP port for a kernel, another process bound it first, and the kernel died at start
    # ("zmq.error.ZMQError: Address already in use"). Here every TCP port jupyter_client picks
    # is one this test holds: a kernel configured from kpikit's options (Unix sockets) still
    # runs a cell.
    from jupyter_client.connect import LocalPortCache
    from jupyter_client.localinterfaces import localhost

    options = dict(item[2:].split("=", 1) for item in serve.voila_argv(Path("nb"), parse())[1:])
    assert options["KernelManager.transport"] == serve.kernel_transport() == "ipc"
    cell = nbformat.v4.new_code_cell("print('the dashboard')")
    with socket.socket() as holder:
        holder.bind((localhost(), 0))
        holder.listen()
        taken = holder.getsockname()[1]
        monkeypatch.setattr(LocalPortCache, "find_available_port", lambda self, ip: taken)
        run_in_kernel(cell)
    assert [output.get("text") for output in cell.outputs] == ["the dashboard\n"]


def test_kernels_keep_tcp_where_a_socket_path_would_not_fit(monkeypatch):
    # macOS's per-user temporary folder (/var/folders/xy/<28 letters>/T/, 49 bytes) leaves no
    # room for a Unix socket named after a kernel's connection file there (104 bytes at most on
    # macOS): ZeroMQ would fail to bind it, so such a machine keeps loopback TCP ports, as
    # Windows does.
    deep = "/var/folders/xy/" + "a" * 28 + "/T"
    monkeypatch.setattr(tempfile, "tempdir", deep)
    options = dict(item[2:].split("=", 1) for item in serve.voila_argv(Path("nb"), parse())[1:])
    assert options["KernelManager.transport"] == "tcp"
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    assert serve.kernel_transport() == "ipc" and serve.kernel_transport(platform="nt") == "tcp"
    # a report's kernel has its sockets in a folder of its own there
    from kpikit.report import kernel_config

    assert kernel_config(Path(deep) / "tmpabcdefgh").KernelManager.transport == "ipc"
    assert kernel_config(Path(deep, "d" * 60)).KernelManager.transport == "tcp"


def test_notebooks_dir_falls_back_to_the_repository_folder():
    # Editable install: kpikit/notebooks does not exist, the repository's notebooks/ does.
    assert serve.notebooks_dir() == NOTEBOOKS.resolve()


def test_dashboards_read_titles_descriptions_and_parameters():
    found = serve.dashboards(NOTEBOOKS)
    assert set(found) == {path.name for path in NOTEBOOKS.glob("*.ipynb")}
    glossary = found["kpi_glossary.ipynb"]
    assert glossary["title"] == "KPI glossary"
    assert "calculator" in glossary["description"]
    assert glossary["parameters"] == {"kpi": "aht", "sector": "all", "channel": "all"}
    # Order: metadata kpikit.order first (benchmarks 20 before glossary 50).
    names = list(found)
    assert names.index("sector_benchmarks.ipynb") < names.index("kpi_glossary.ipynb")


def test_dashboard_without_metadata_gets_a_title_from_its_file_name(tmp_path):
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "queue_health.ipynb")
    assert serve.dashboards(tmp_path)["queue_health.ipynb"] == {
        "title": "Queue health",
        "description": "",
        "parameters": {},
    }


def test_shipped_templates_reference_nothing_outside_the_server():
    for path in serve.TEMPLATES_DIR.rglob("*"):
        if path.is_file():
            assert not EXTERNAL_ASSET.search(path.read_text()), path


def test_missing_notebooks_folder_is_an_error(tmp_path):
    args = parse("--notebooks", str(tmp_path / "nope"), "--no-browser")
    with pytest.raises(ValueError, match="is not a folder"):
        serve.run(args)


# --- live server -------------------------------------------------------------------------


def fetch(url, timeout=120):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """kpikit serve over a folder with one tiny notebook, without kernel pools."""
    folder = tmp_path_factory.mktemp("served")
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print('hello from the kernel')")],
        metadata={"title": "Tiny <b>board</b>", "kpikit": {"description": "Says hello."}},
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "tiny.ipynb")
    base, process = start_server(
        folder / "serve.log", "--pool-size", "0", "--notebooks", str(folder)
    )
    try:
        yield base
    finally:
        stop_server(process)


def test_landing_page_lists_dashboards_escaped(server):
    status, page = fetch(server + "/")
    assert status == 200
    assert "kpikit dashboards" in page
    assert 'href="/voila/render/tiny.ipynb"' in page
    assert "Tiny &lt;b&gt;board&lt;/b&gt;" in page and "Says hello." in page
    assert not EXTERNAL_ASSET.search(page)


def test_dashboard_page_has_no_external_assets_and_no_sources(server):
    status, page = fetch(server + "/voila/render/tiny.ipynb")
    assert status == 200
    assert "hello from the kernel" in page
    assert "print(" not in page  # sources stripped
    assert not EXTERNAL_ASSET.search(page)


def test_template_cannot_be_switched_from_the_url(server):
    _, page = fetch(server + "/voila/render/tiny.ipynb?template=lab")
    assert not EXTERNAL_ASSET.search(page)


def test_error_page_has_no_external_assets(server):
    status, page = fetch(server + "/voila/render/missing.ipynb")
    assert status == 404
    assert not EXTERNAL_ASSET.search(page)


def test_server_listens_on_loopback_only(server):
    port = int(server.rsplit(":", 1)[1])
    # Reachable on 127.0.0.1 (the fixture checked), not on the machine's other addresses.
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    for address in addresses - {"127.0.0.1", "::1"}:
        with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as probe:
            probe.settimeout(1)
            assert probe.connect_ex((address, port)) != 0, address
