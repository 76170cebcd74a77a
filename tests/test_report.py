"""``kpikit report``: arguments, parameter casting, and standalone offline HTML output."""

import re
from pathlib import Path

import nbformat
import pytest
from fixtures import hand_contacts

from kpikit import report
from kpikit.cli import _parser, main

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
EXTERNAL_ASSET = re.compile(r"""<(?:link|script|img)\b[^>]*\b(?:href|src)=["']?(?:https?:)?//""")


def write_notebook(folder, cells, parameters_source):
    """A notebook of code cells with a parameters cell first."""
    parameters = nbformat.v4.new_code_cell(parameters_source)
    parameters.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(
        cells=[parameters, *(nbformat.v4.new_code_cell(source) for source in cells)],
        metadata={"title": "Tiny report"},
    )
    path = Path(folder) / "tiny.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def tiny(tmp_path):
    return write_notebook(
        tmp_path,
        [
            "import warnings\n"
            "from kpikit.apps import GlossaryApp\n"
            "from kpikit.sample import generate",
            "warnings.warn('a log line for the operator')\n"
            "GlossaryApp(generate(days=days, agents=8), kpi=kpi)",
        ],
        'kpi = "aht"\ndays = 5\nnote = "plain"',
    )


def test_parameters_are_cast_to_the_defaults_types(tiny):
    parsed = report.parse_parameters(tiny, [("kpi", "fcr"), ("days", "3")])
    assert parsed == {"kpi": "fcr", "days": 3}


def test_unknown_parameter_lists_the_notebooks_parameters(tiny):
    with pytest.raises(ValueError, match=r"Expected one of \['days', 'kpi', 'note'\].*'dayz'"):
        report.parse_parameters(tiny, [("dayz", "3")])


def test_badly_typed_parameter_says_what_was_expected(tiny):
    with pytest.raises(ValueError, match=r"'days'.*like its default 5.*whole number.*'three'"):
        report.parse_parameters(tiny, [("days", "three")])


def test_a_parameter_given_twice_is_refused_not_resolved_by_the_last(tiny):
    # "-p days 3 -p days 5" rendered with days = 5, the 3 dropped without a word.
    with pytest.raises(
        ValueError, match=r"sets \['days'\] more than once.*\['days=3', 'kpi=fcr', 'days=5'\]"
    ):
        report.parse_parameters(tiny, [("days", "3"), ("kpi", "fcr"), ("days", "5")])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{}", "missing a key: cells"),  # JSON, read as a version 1 notebook
        (
            '{"nbformat":4, "nbformat_minor":5, "metadata":{}, "cells": [{"cell_type": "code"}]}',
            "missing an expected key: metadata",  # a code cell without its keys
        ),
        ("[]", "'list' object has no attribute 'get'"),  # JSON, not an object
        ("not json", "does not appear to be JSON"),
    ],
)
def test_a_file_that_is_not_a_notebook_gets_one_line_and_exit_2(content, reason, tmp_path, capsys):
    # JSON that is not a notebook gave jsonschema's ValidationError (not a ValueError): a
    # traceback and exit 1, where a file that is not JSON got a message and exit 2.
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    assert main(["report", str(path), "-o", str(tmp_path / "bad.html")]) == 2
    error = capsys.readouterr().err
    assert f"{path} is not a valid notebook: " in error and reason in error
    assert error.count("\n") == 1 and "Traceback" not in error


def test_notebook_by_installed_name_or_path(tiny):
    assert report.resolve_notebook("kpi_glossary").name == "kpi_glossary.ipynb"
    assert report.resolve_notebook("kpi_glossary.ipynb").name == "kpi_glossary.ipynb"
    assert report.resolve_notebook(tiny) == tiny.resolve()


def test_unknown_notebook_lists_the_installed_dashboards():
    with pytest.raises(ValueError, match=r"one of \[.*'kpi_glossary'.*received: 'nope'"):
        report.resolve_notebook("nope")
    with pytest.raises(ValueError, match="neither a .ipynb file"):
        report.resolve_notebook("../kpi_glossary")


def test_output_must_be_an_html_file_in_an_existing_folder(tiny, tmp_path):
    for output in (tmp_path / "report.txt", tmp_path / "missing" / "report.html"):
        args = _parser().parse_args(["report", str(tiny), "-o", str(output)])
        with pytest.raises(ValueError):
            report.run(args)


@pytest.fixture
def tiny_report(tiny, tmp_path):
    output = tmp_path / "out.html"
    parameters = ["-p", "kpi", "fcr", "-p", "note", "<b>bold</b>"]
    args = _parser().parse_args(["report", str(tiny), *parameters, "-o", str(output)])
    assert report.run(args) == 0
    return output.read_text()


def test_report_is_standalone_and_interactive(tiny_report):
    assert not EXTERNAL_ASSET.search(tiny_report)
    assert "plotly.js v" in tiny_report  # the library, inlined once
    # The bullet chart, drawn once (plotly.js 3 itself names Plotly.newPlot in a message).
    assert len(re.findall(r'Plotly\.newPlot\(\s*"', tiny_report)) == 1
    assert "First contact resolution" in tiny_report  # the parameter took effect


def test_report_hides_code_logs_and_widget_state(tiny_report):
    assert "GlossaryApp(" not in tiny_report
    assert "a log line for the operator" not in tiny_report
    assert "application/vnd.jupyter.widget-state+json" not in tiny_report
    assert "Upload data" not in tiny_report


def test_report_header_names_notebook_and_escaped_parameters(tiny_report):
    # The name is no heading: the dashboard's title is the page's one h1 (a dashboard report
    # had two, "Balanced scorecard" twice).
    assert '<p class="kpikit-report-title">Tiny report</p>' in tiny_report
    assert len(re.findall(r"<h1\b", tiny_report)) == 1
    assert "<code>kpi=fcr</code>" in tiny_report
    assert "note=&lt;b&gt;bold&lt;/b&gt;" in tiny_report


def test_report_on_a_data_file(tmp_path):
    log = tmp_path / "log.csv"
    hand_contacts().to_csv(log, index=False)
    output = tmp_path / "glossary.html"
    args = _parser().parse_args(
        ["report", "kpi_glossary", "--data", str(log), "-o", str(output), "--timeout", "300"]
    )
    assert report.run(args) == 0
    html = output.read_text()
    assert "on log.csv" in html  # the header
    assert "log.csv: 10 contacts" in html  # the app's status line: the file's data
    args.data = tmp_path / "missing.csv"
    with pytest.raises(ValueError, match="'--data' is neither a file nor a folder"):
        report.run(args)


def test_report_reads_its_data_with_the_reading_flags(tmp_path, capsys):
    # a European export: ';' between columns, decimal commas, Y/N for true/false
    contacts = hand_contacts()
    for column in ("answered", "transferred"):
        contacts[column] = contacts[column].map({True: "Y", False: "N"})
    log = tmp_path / "yn.csv"
    contacts.to_csv(log, index=False, sep=";", decimal=",")
    output = tmp_path / "glossary.html"
    arguments = ["report", "kpi_glossary", "--data", str(log), "-o", str(output)]
    # without the flags the error names them, in the command line's words, before any cell runs
    assert main(arguments) == 2
    assert "pass --true-values Y and --false-values N" in capsys.readouterr().err
    assert not output.exists()
    assert main([*arguments, "--true-values", "Y", "--false-values", "N", "--decimal", ","]) == 0
    assert "yn.csv: 10 contacts" in output.read_text()  # the kernel read it with the flags too


def test_reading_flags_need_a_data_file(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "kpi_glossary", "--sep", ";"])
    assert exit_info.value.code == 2
    assert "--sep: reading flags apply to the file given with --data" in capsys.readouterr().err


def test_failing_cell_is_reported_with_its_error(tmp_path):
    notebook = write_notebook(tmp_path, ["1 / 0"], "n = 1")
    with pytest.raises(ValueError, match=r"tiny.ipynb failed in cell 2: ZeroDivisionError"):
        report.render(notebook, {})


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_every_dashboard_renders_as_a_standalone_report(notebook):
    html = report.render(notebook, {})
    assert not EXTERNAL_ASSET.search(html)
    assert "Plotly.newPlot" in html
    assert "Traceback" not in html
    if notebook.stem == "governance":  # worked out in a thread, it was never on the page
        assert "Computed root cause" in html and "Working out the root cause" not in html


def test_a_report_runs_while_another_process_holds_the_ports_its_kernel_would_pick(
    tmp_path, monkeypatch
):
    # As kpikit serve (tests/test_serve.py): every TCP port jupyter_client would pick for the
    # report's kernel is held here, and the report still runs, its kernel on Unix sockets
    import socket

    from jupyter_client.connect import LocalPortCache
    from jupyter_client.localinterfaces import localhost

    notebook = write_notebook(tmp_path, ["print(f'{days} days')"], "days = 5")
    with socket.socket() as holder:
        holder.bind((localhost(), 0))
        holder.listen()
        taken = holder.getsockname()[1]
        monkeypatch.setattr(LocalPortCache, "find_available_port", lambda self, ip: taken)
        output = tmp_path / "out.html"
        args = _parser().parse_args(["report", str(notebook), "-p", "days", "7", "-o", str(output)])
        assert report.run(args) == 0
    assert "7 days" in output.read_text()
