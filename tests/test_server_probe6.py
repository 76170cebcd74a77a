"""``kpikit serve`` against a hostile link or page (probe 6).

Found by a probe of the shipped server: a link's ``?theme=`` was written unescaped into the
dashboard page (a script of the link's choosing ran in the dashboards' origin); a missing
dashboard answered "busy" at the kernel cap; another site's page could start kernels in the
background with image or fetch requests until the cap was reached; a notebook of the folder
that could not be read stopped the server with a traceback or a message naming no notebook.
"""

import argparse
import math
import urllib.parse
from pathlib import Path

import nbformat
import pytest
from browser.harness import free_port, start_server, stop_server
from test_serve_security import NOTEBOOK, request, write_notebook
from traitlets.config.loader import KVArgParseConfigLoader
from voila.configuration import VoilaConfiguration

from kpikit import cli, serve
from kpikit.apps.params import Param, notebook_parameters, parameters_cell

SCRIPT = '"><script>alert(document.domain)</script>'


def test_the_theme_cannot_be_set_from_a_link():
    # Voila took ?theme= from the URL (allow_theme_override "YES") into <body data-...>.
    config = KVArgParseConfigLoader(serve.voila_argv(Path("nb"), parse())[1:]).load_config()
    assert VoilaConfiguration(config=config).allow_theme_override == "NO"


@pytest.fixture(scope="module")
def at_the_cap(tmp_path_factory):
    """A server under a cap of one kernel, taken by a page opened with a hostile theme:
    (base URL, that page's status and body, log path)."""
    folder = write_notebook(tmp_path_factory.mktemp("served"))
    log = folder / "serve.log"
    base, process = start_server(
        log, "--pool-size", "0", "--notebooks", str(folder), "--max-kernels", "1",
        "--allow-host", "dash.example.org",
    )  # fmt: skip
    try:
        status, _, page = request(
            base, f"/voila/render/{NOTEBOOK}?theme={urllib.parse.quote(SCRIPT)}"
        )
        yield base, status, page, log
    finally:
        stop_server(process)


def test_a_hostile_theme_in_a_link_runs_no_script(at_the_cap):
    _, status, page, _ = at_the_cap
    assert status == 200 and "hello from the kernel" in page
    assert "<script>alert" not in page


def test_a_missing_dashboard_is_not_found_even_at_the_cap(at_the_cap):
    # The one kernel is taken: a real dashboard is busy (503), a missing one was "busy" too.
    base, _, _, log = at_the_cap
    assert request(base, f"/voila/render/{NOTEBOOK}")[0] == 503
    assert request(base, "/voila/render/no_such_dashboard.ipynb")[0] == 404
    assert request(base, "/voila/render/..%2F..%2Fetc%2Fpasswd")[0] == 404
    assert "Traceback" not in log.read_text(errors="replace")


@pytest.mark.parametrize("destination", ["image", "iframe", "script", "empty"])
def test_another_sites_page_cannot_start_dashboards_in_the_background(at_the_cap, destination):
    # What a browser sends for <img src=...>, <iframe>, <script src=...> and fetch() on another
    # site's page: each started a kernel nobody saw, until the cap left everyone "busy".
    base = at_the_cap[0]
    for site in ("cross-site", "same-site"):  # same-site: another port of this machine
        headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Dest": destination}
        status, _, body = request(base, f"/voila/render/{NOTEBOOK}", headers=headers)
        assert status == 403, (site, destination)
        assert "hello from the kernel" not in body


def test_a_link_from_another_site_still_opens_a_dashboard(at_the_cap):
    # A link clicked in a mail or chat: a document from another site. It reaches the cap check
    # (503 here, as the one kernel is taken), not the refusal of embedded requests.
    base = at_the_cap[0]
    headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document"}
    assert request(base, f"/voila/render/{NOTEBOOK}", headers=headers)[0] == 503


def notebook_with(source="days = 30", **metadata) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata.update(metadata)
    return notebook


def test_parameters_written_with_ipython_lines_or_annotations_are_read():
    # A magic line made the cell unreadable by ast (SyntaxError, the server did not start);
    # "weeks: int = 4" (papermill's typed form) and the second name of "a = b = 1" were dropped.
    source = '%matplotlib inline\n!echo hi\ndays = 30\nweeks: int = 4\na = b = "x"\nc = [1]'
    # hand: days 30, weeks 4, a and b "x"; c is a list, not a link value
    assert notebook_parameters(notebook_with(source)) == {
        "days": 30,
        "weeks": 4,
        "a": "x",
        "b": "x",
    }


BROKEN = {
    "empty": "",
    "not_json": "{not json",
    "cells_not_a_list": '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "x"}',
    "kpikit_metadata_a_string": notebook_with(kpikit="dashboard"),
    "order_a_string": notebook_with(kpikit={"order": "first"}),
    "order_nan": notebook_with(kpikit={"order": math.nan}),
    "parameters_not_python": notebook_with("days = = 30"),
}
REASONS = {
    "empty": "does not appear to be JSON",
    "not_json": "does not appear to be JSON",
    "cells_not_a_list": "invalid",
    "kpikit_metadata_a_string": "Value of 'metadata.kpikit' must be a mapping but received: "
    "'dashboard'",
    "order_a_string": "Value of 'metadata.kpikit.order' must be a number but received: 'first'",
    "order_nan": "Value of 'metadata.kpikit.order' must be a number but received: nan",
    "parameters_not_python": "The cell tagged 'parameters' is not Python (line 1: invalid syntax)",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_notebook_that_cannot_be_listed_is_named_in_the_error(tmp_path, case):
    # Before: raw SyntaxError, AttributeError or ValidationError (a traceback from `kpikit
    # serve`), or a ValueError/TypeError that did not say which notebook of the folder.
    content = BROKEN[case]
    path = tmp_path / f"{case}.ipynb"
    if isinstance(content, str):
        path.write_text(content)
    else:
        nbformat.write(content, path)
    with pytest.raises(ValueError) as raised:
        serve.dashboards(tmp_path)
    assert f"Notebook {str(path)!r} cannot be served: " in str(raised.value)
    assert REASONS[case] in str(raised.value)


def test_serve_refuses_a_broken_notebook_with_a_message_not_a_traceback(tmp_path, capsys):
    nbformat.write(notebook_with("days = = 30"), tmp_path / "broken.ipynb")
    argv = ["serve", "--notebooks", str(tmp_path), "--port", str(free_port()), "--no-browser"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", "")  # run() sets it: restored afterwards
        assert cli.main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("kpikit serve: error: Notebook ")
    assert "broken.ipynb" in error and "line 1" in error


def parse(*argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve.add_arguments(parser)
    return parser.parse_args(argv)


def test_a_token_given_on_loopback_is_required_not_dropped():
    # `kpikit serve --token s3cret` (to keep out the other users of a shared machine) served
    # every visitor without it: the token was passed to Voila beyond loopback only.
    assert "--Voila.token=s3cret" in serve.voila_argv(Path("nb"), parse("--token", "s3cret"))
    assert "--Voila.token=" in serve.voila_argv(Path("nb"), parse())  # none by default


def test_allow_host_refuses_an_ip_address_it_could_not_allow(capsys):
    # Jupyter's Host check lets only loopback addresses through, whatever the names listed:
    # --allow-host 192.168.1.5 was accepted and had no effect.
    with pytest.raises(SystemExit):
        parse("--allow-host", "192.168.1.5")
    assert "got the IP address '192.168.1.5'" in capsys.readouterr().err
    assert parse("--allow-host", "Dash.Example.org").allow_host == ["dash.example.org"]


def test_a_name_given_with_allow_host_reaches_the_dashboards(at_the_cap):
    base = at_the_cap[0]
    assert request(base, "/", headers={"Host": "dash.example.org"})[0] == 200
    assert request(base, "/", headers={"Host": "dash.example.org.evil.example"})[0] == 403


def test_an_integer_too_large_for_a_float_is_refused_by_name():
    # StaffingApp(data, volume=10**400) ended in a bare "OverflowError: int too large to
    # convert to float", naming no parameter (math.isfinite and float() of the int).
    volume = Param("volume", 120.0, "Contacts", unit="contacts", low=1, high=2000, whole=True)
    with pytest.raises(ValueError, match=r"'volume' must be between 1 and 2000 \(contacts\)"):
        volume.check(10**400)
    with pytest.raises(ValueError, match="'what_if' must be a finite number"):
        Param("what_if", 30.0, "What if").check(-(10**400))
    with pytest.raises(ValueError, match=r"'days' is not valid\. Expected one of \[14, 30, 90\]"):
        Param("days", 30, "Days", choices=(14, 30, 90)).check(10**400)
    assert volume.check(2000) == 2000.0  # hand: the upper bound itself, as a float


def test_a_parameters_cell_keeps_quotes_backslashes_and_line_breaks():
    # The value went between double quotes as it was: 'a"b' and a line break made the cell
    # invalid Python, and 'C:\new' came back with a line break in place of "\n".
    table = (Param("source", "", "Source"),)
    for value in ('a"b', "C:\\new", "two\nlines", "it's", "€ 5"):
        cell = nbformat.v4.new_code_cell(parameters_cell(table, {"source": value}))
        cell.metadata["tags"] = ["parameters"]
        # hand: reading the cell back gives the very value written
        assert notebook_parameters(nbformat.v4.new_notebook(cells=[cell])) == {"source": value}
    assert parameters_cell(table, {"source": "plan"}) == 'source = "plan"  # Source'
