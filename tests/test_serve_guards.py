"""``kpikit serve``'s checks on the routes Voila adds, and what the server writes to its log.

Live servers over a folder with one tiny notebook and an image beside it, stopped by their own
process id. Found by a probe of the shipped server: notebook files were served to any Host and
without the token, the token was written to the log, and odd paths answered 500 with a
traceback.
"""

import pytest
from browser.harness import start_server, stop_server
from test_serve_security import NOTEBOOK, request, write_notebook

TOKEN = "S3cret-token"
FORGED_HOST = {"Host": "rebind.attacker.example"}
UNKNOWN_KERNEL = "/api/kernels/00000000-0000-0000-0000-000000000000"
IMAGE = "secret.png"


def serve(folder, *options):
    """A server of the tiny notebook and an image beside it; (base URL, process, log path)."""
    write_notebook(folder)
    (folder / IMAGE).write_bytes(b"\x89PNG\r\n\x1a\n not really an image")
    log = folder / "serve.log"
    base, process = start_server(log, "--pool-size", "0", "--notebooks", str(folder), *options)
    return base, process, log


@pytest.fixture(scope="module")
def loopback(tmp_path_factory):
    base, process, log = serve(tmp_path_factory.mktemp("loopback"))
    try:
        yield base, log
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def with_token(tmp_path_factory):
    folder = tmp_path_factory.mktemp("with_token")
    base, process, log = serve(folder, "--ip", "0.0.0.0", "--token", TOKEN)
    try:
        yield base, log
    finally:
        stop_server(process)


def test_notebook_files_refuse_a_forged_host(loopback):
    # Voila's file handler checked neither: a DNS-rebinding page read every image.
    base, _ = loopback
    assert request(base, f"/voila/files/{IMAGE}", headers=FORGED_HOST)[0] == 403
    assert request(base, f"/voila/files/{IMAGE}")[0] == 200


def test_notebook_files_need_the_token(with_token):
    base, _ = with_token
    without, _, body = request(base, f"/voila/files/{IMAGE}")
    assert without in (302, 403) and "PNG" not in body
    assert request(base, f"/voila/files/{IMAGE}?token=guess")[0] in (302, 403)
    assert request(base, f"/voila/files/{IMAGE}?token={TOKEN}")[0] == 200


def test_the_token_stays_out_of_the_log(with_token):
    # tornado's access log wrote the full URL of every error answer, token and all.
    base, log = with_token
    assert request(base, f"{UNKNOWN_KERNEL}?token={TOKEN}")[0] == 404
    assert request(base, f"/voila/render/missing.ipynb?kpi=aht&token={TOKEN}")[0] == 404
    assert request(base, f"/voila/templates/x?token={TOKEN}")[0] == 404
    text = log.read_text(errors="replace")
    assert TOKEN not in text
    assert "token=[secret]" in text


ODD_PATHS = [
    "/voila/templates/x",
    "/voila/templates/kpikit/x",
    "/voila/templates/kpikit/static/",
    "/voila/templates//etc/passwd",
    "/voila/templates/%2fetc%2fpasswd",
    f"/voila/render/{NOTEBOOK}%00.png",
    "/voila/render/a%0d%0aSet-Cookie:x=1.png",
]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_paths_are_not_found_not_server_errors(loopback, path):
    # Voila's template handler failed an assertion, its redirect to a file an unsafe header.
    base, _ = loopback
    status, headers, _ = request(base, path)
    assert status == 404
    assert "x=1" not in headers.get("Set-Cookie", "")


def test_refusals_log_no_traceback(loopback):
    # Each 403/404 of a Jupyter handler logged ~40 lines: its error page wanted static_path.
    base, log = loopback
    for path in (UNKNOWN_KERNEL, "/voila/labextensions/missing.js", *ODD_PATHS):
        request(base, path)
    assert request(base, UNKNOWN_KERNEL, headers=FORGED_HOST)[0] == 403
    assert request(base, f"/voila/files/{IMAGE}", headers=FORGED_HOST)[0] == 403
    assert "Traceback" not in log.read_text(errors="replace")
