"""``kpikit serve`` against hostile and careless requests, on live servers.

Each server is a subprocess over a folder with one tiny notebook, stopped by its own process id.
What is tried here was tried by hand on the shipped server (issue 9): a forged Host or Origin
(DNS rebinding), path traversal on every route, code sent over a kernel websocket, a burst of
pages beyond the kernel cap, a tab closing, a server listening beyond loopback.
"""

import http.client
import json
import re
import subprocess
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import websocket
from browser.harness import start_server, stop_server

NOTEBOOK = "tiny.ipynb"
SECRET_FILE_TEXT = "root:x:0:0"
CONFIG_DATA = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S
)


def write_notebook(folder: Path) -> Path:
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print('hello from the kernel')")]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / NOTEBOOK)
    return folder


def request(base, path, *, method="GET", headers=None, body=None):
    """Send ``path`` as it is (``..`` and ``%2f`` untouched); return status, headers, body."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=180)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return (
            response.status,
            dict(response.getheaders()),
            response.read().decode(errors="replace"),
        )
    finally:
        connection.close()


def kernel_id(page: str) -> str:
    return json.loads(CONFIG_DATA.search(page).group(1))["kernelId"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = write_notebook(tmp_path_factory.mktemp("served"))
    base, process = start_server(
        folder / "serve.log", "--pool-size", "0", "--notebooks", str(folder), "--max-kernels", "8"
    )
    try:
        yield base
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def dashboard(server):
    """One rendered page: (status, headers, html); its kernel stays up for the module."""
    return request(server, f"/voila/render/{NOTEBOOK}")


def test_a_forged_host_is_refused_on_every_kind_of_route(server):
    host = {"Host": "rebind.attacker.example:80"}
    kernel_route = "/api/kernels/00000000-0000-0000-0000-000000000000"
    for path in ("/", f"/voila/render/{NOTEBOOK}", "/voila/tree/", kernel_route):
        status, _, body = request(server, path, headers=host)
        assert status == 403, path
        assert "hello from the kernel" not in body


def test_the_kernel_websocket_refuses_a_forged_host_and_a_foreign_origin(server, dashboard):
    kernel = kernel_id(dashboard[2])
    url = server.replace("http", "ws") + f"/api/kernels/{kernel}/channels"
    # Given as header lines, websocket-client sent a second Host header, which tornado
    # refused with 400 before any check of kpikit's or Jupyter's ran.
    for headers in (
        {"host": "rebind.attacker.example", "origin": "http://rebind.attacker.example"},
        {"origin": "http://attacker.example"},
    ):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(url, **headers)
        assert refused.value.status_code == 403


def test_code_sent_over_the_kernel_websocket_is_not_run(server, dashboard, tmp_path):
    kernel = kernel_id(dashboard[2])
    marker = tmp_path / "ran.txt"
    socket = websocket.create_connection(
        server.replace("http", "ws") + f"/api/kernels/{kernel}/channels", timeout=10
    )
    try:
        socket.send(
            json.dumps(
                {
                    "channel": "shell",
                    "header": {
                        "msg_id": "probe",
                        "msg_type": "execute_request",
                        "username": "x",
                        "session": "x",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": f"open({str(marker)!r}, 'w').write('ran')",
                        "silent": False,
                    },
                }
            )
        )
        replies = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                replies.append(json.loads(socket.recv()))
            except websocket.WebSocketTimeoutException:
                break
    finally:
        socket.close()
    assert not marker.exists()
    assert all(reply.get("msg_type") != "execute_reply" for reply in replies)


TRAVERSALS = [
    "/voila/render/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/render/../../../../etc/passwd",
    "/voila/files/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/files/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/templates/kpikit/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/labextensions/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/api/themes/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/tree/..%2f..%2f..%2f..%2fetc",
    "/voila/api/contents/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/kpikit/static/..%2f__init__.py",
    "/kpikit/static/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/api/kernels/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_reaches_nothing_outside_the_served_folders(server, path):
    status, headers, body = request(server, path)
    if status == 302:  # Voila sends non-notebook render paths to its file handler: follow it
        status, _, body = request(server, urllib.parse.urlsplit(headers["Location"]).path)
    assert SECRET_FILE_TEXT not in body
    assert "__version__" not in body  # plotly's own sources next to plotly.min.js
    assert status in (400, 403, 404, 405), (path, status)


def test_tracebacks_and_sources_stay_hidden(tmp_path):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("secret_source_line = 1\nraise RuntimeError('boom')")]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, tmp_path / "broken.ipynb")
    base, process = start_server(
        tmp_path / "serve.log", "--pool-size", "0", "--notebooks", str(tmp_path)
    )
    try:
        _, _, page = request(base, "/voila/render/broken.ipynb")
    finally:
        stop_server(process)
    assert "secret_source_line" not in page
    assert "Traceback" not in page and "RuntimeError" not in page


def test_pages_beyond_the_kernel_cap_get_a_busy_answer(tmp_path):
    folder = write_notebook(tmp_path)
    base, process = start_server(
        folder / "serve.log", "--pool-size", "0", "--notebooks", str(folder), "--max-kernels", "1"
    )
    try:
        first = request(base, f"/voila/render/{NOTEBOOK}")
        second = request(base, f"/voila/render/{NOTEBOOK}")
    finally:
        stop_server(process)
    assert first[0] == 200 and "hello from the kernel" in first[2]
    status, headers, body = second
    assert status == 503 and headers["Retry-After"] == "30"
    assert "busy" in body and "try again" in body


def kernel_processes(process) -> int:
    """How many kernels the server process has started and not yet ended."""
    found = subprocess.run(
        ["pgrep", "-P", str(process.pid), "-f", "ipykernel"], capture_output=True, text=True
    )
    return len(found.stdout.split())


def capped_server(tmp_path, pool_size: str):
    """A server of the test dashboard under a cap of two kernels, with pools of ``pool_size``."""
    folder = write_notebook(tmp_path)
    options = ["--pool-size", pool_size, "--notebooks", str(folder), "--max-kernels", "2"]
    return start_server(folder / "serve.log", *options)


def pages_at_once(base, count: int) -> list:
    """``count`` requests of the dashboard sent together: their (status, headers, body)."""
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: request(base, f"/voila/render/{NOTEBOOK}"), range(count)))


def test_pages_arriving_together_do_not_pass_the_kernel_cap(tmp_path):
    # Each page loads its notebook before it starts a kernel: six pages checked the cap
    # before any kernel ran, and all six started one.
    base, process = capped_server(tmp_path, pool_size="0")
    try:
        statuses = [status for status, _, _ in pages_at_once(base, 6)]
        kernels = kernel_processes(process)
    finally:
        stop_server(process)
    assert sorted(statuses) == [200, 200, 503, 503, 503, 503]
    assert kernels == 2


def test_preheated_pools_stay_within_the_kernel_cap(tmp_path):
    # With a pool (the default), every page took the preheated kernel and the pool refilled
    # beyond the cap: the cap was never applied.
    base, process = capped_server(tmp_path, pool_size="1")
    try:
        statuses = []
        for _ in range(4):
            statuses.append(request(base, f"/voila/render/{NOTEBOOK}")[0])
            time.sleep(3)  # room for a pool refill to start its kernel
        kernels = kernel_processes(process)
    finally:
        stop_server(process)
    assert statuses == [200, 200, 503, 503]
    assert kernels == 2


def test_pages_arriving_together_at_a_pool_stay_within_the_cap_and_the_pool_refills(tmp_path):
    # A page may take a pool's kernel while it still starts: counted by the pool alone, it was
    # not counted once taken, and pages arriving together each refilled the pool past the cap.
    base, process = capped_server(tmp_path, pool_size="1")
    try:
        answers = pages_at_once(base, 6)
        kernels = kernel_processes(process)
        # A tab closes: its kernel ends and leaves room, which the emptied pool takes back.
        headers, page = next((headers, page) for status, headers, page in answers if status == 200)
        assert close_tab(base, headers, kernel_id(page)) == 204
        deadline = time.monotonic() + 60
        while kernel_processes(process) < 2 and time.monotonic() < deadline:
            time.sleep(1)
        refilled = kernel_processes(process)
    finally:
        stop_server(process)
    assert sorted(status for status, _, _ in answers) == [200, 200, 503, 503, 503, 503]
    assert kernels == 2
    assert refilled == 2


def test_pools_started_with_the_server_stay_within_the_kernel_cap(tmp_path):
    # Three dashboards with a pool of one each started three kernels under a cap of two.
    folder = write_notebook(tmp_path)
    for name in ("second.ipynb", "third.ipynb"):
        (folder / name).write_bytes((folder / NOTEBOOK).read_bytes())
    base, process = start_server(
        folder / "serve.log", "--pool-size", "1", "--notebooks", str(folder), "--max-kernels", "2"
    )
    try:
        time.sleep(5)  # room for the pools to start their kernels
        kernels = kernel_processes(process)
        names = sorted(path.name for path in folder.glob("*.ipynb"))
        statuses = [request(base, f"/voila/render/{name}")[0] for name in names]
    finally:
        stop_server(process)
    assert kernels == 2
    assert sorted(statuses) == [200, 200, 503]  # the two preheated ones, then no room
    assert "never awaited" not in (folder / "serve.log").read_text()


def close_tab(base, headers, kernel) -> int:
    """What a page's beforeunload beacon sends, the _xsrf cookie its page set and the same token
    as a form field; the answer's status."""
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = urllib.parse.unquote(cookie.split("=", 1)[1])
    status, _, _ = request(
        base,
        f"/voila/api/shutdown/{kernel}",
        method="POST",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=urllib.parse.urlencode({"_xsrf": token}),
    )
    return status


def test_closing_the_tab_ends_its_kernel(server):
    status, headers, page = request(server, f"/voila/render/{NOTEBOOK}")
    assert status == 200
    assert headers["Set-Cookie"].startswith("_xsrf=")  # the cookie the page's unload sends back
    kernel = kernel_id(page)
    assert request(server, f"/api/kernels/{kernel}")[0] == 200
    assert close_tab(server, headers, kernel) == 204
    assert request(server, f"/api/kernels/{kernel}")[0] == 404


def test_listening_beyond_loopback_needs_the_token(tmp_path):
    folder = write_notebook(tmp_path)
    base, process = start_server(
        folder / "serve.log", "--pool-size", "0", "--notebooks", str(folder),
        "--ip", "0.0.0.0", "--token", "s3cret-token",
    )  # fmt: skip
    try:
        without = request(base, "/")
        wrong = request(base, "/?token=guess")
        right = request(base, "/?token=s3cret-token")
    finally:
        stop_server(process)
    assert without[0] in (302, 403) and "kpikit dashboards" not in without[2]
    assert wrong[0] in (302, 403) and "kpikit dashboards" not in wrong[2]
    assert right[0] == 200 and "kpikit dashboards" in right[2]


def test_a_generated_token_is_printed(tmp_path):
    folder = write_notebook(tmp_path)
    log = folder / "serve.log"
    base, process = start_server(
        log, "--pool-size", "0", "--notebooks", str(folder), "--ip", "0.0.0.0"
    )
    try:
        token = re.search(r"\?token=([\w-]+)", log.read_text()).group(1)
        assert request(base, f"/?token={token}")[0] == 200
        assert request(base, "/")[0] in (302, 403)
    finally:
        stop_server(process)


def test_a_preheated_kernel_alone_reads_its_page_query_string(tmp_path):
    # A preheated kernel is sent its page's query string over /voila/query/<kernel id>, which
    # answered any client: a DNS-rebinding page could take the kernel's place and read it.
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "from kpikit.apps.params import link_query_string\n"
                "print('query was', link_query_string())"
            )
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, tmp_path / NOTEBOOK)
    base, process = start_server(
        tmp_path / "serve.log", "--pool-size", "1", "--notebooks", str(tmp_path)
    )
    try:
        status, _, page = request(base, f"/voila/render/{NOTEBOOK}?who=w7x9")
        url = base.replace("http", "ws") + f"/voila/query/{kernel_id(page)}"
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(
                url, host="rebind.attacker.example", origin="http://rebind.attacker.example"
            )
    finally:
        stop_server(process)
    assert status == 200
    assert "query was who=w7x9" in page  # the kernel's own connection still gets it
    assert refused.value.status_code == 403


def test_the_landing_page_links_to_names_with_url_characters(tmp_path):
    # A notebook named "50% off#1.ipynb": unencoded, its link ended at the "#" (a fragment)
    # and "% o" is no escape; a folder "q?x" lost its name to a query string. Encoded by hand:
    # "%" -> %25, " " -> %20, "#" -> %23, "?" -> %3F.
    write_notebook(tmp_path)
    (tmp_path / NOTEBOOK).rename(tmp_path / "50% off#1.ipynb")
    (tmp_path / "q?x").mkdir()
    base, process = start_server(
        tmp_path / "serve.log", "--pool-size", "0", "--notebooks", str(tmp_path)
    )
    try:
        status, _, page = request(base, "/voila/tree/")
    finally:
        stop_server(process)
    assert status == 200
    assert 'href="/voila/render/50%25%20off%231.ipynb"' in page
    assert 'href="/voila/tree/q%3Fx"' in page
