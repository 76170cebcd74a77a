"""Suite-wide options and settings.

``--cpu-load N`` runs N busy processes beside the tests for the whole session (stopped by their
own process ids at the end), to check that the suite — above all the browser tests — passes on
a busy machine, as CI may be::

    .venv/bin/python -m pytest tests/browser --cpu-load 6     # load average about 8 on 2 cores

The action register of the run lives in a temporary folder (:func:`private_kpikit_data`).

Property-based tests (hypothesis) draw the same examples on every run, so that a red CI can be
reproduced and never turns on the draw. To search for new failing examples, run them with fresh
draws (and more examples where the test reads ``KPIKIT_FUZZ_EXAMPLES``)::

    export HYPOTHESIS_PROFILE=explore KPIKIT_FUZZ_EXAMPLES=3000
    .venv/bin/python -m pytest tests/test_read_fuzz.py
"""

import os
import subprocess
import sys

import pytest
from hypothesis import settings

from kpikit.governance.register import DATA_DIR_VARIABLE, REGISTER_URL_VARIABLE

SPIN = "while True: pass"

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_addoption(parser):
    parser.addoption(
        "--cpu-load",
        type=int,
        default=0,
        metavar="N",
        help="run N CPU-bound processes beside the tests (a busy machine)",
    )


@pytest.fixture(scope="session", autouse=True)
def cpu_load(request):
    spinners = [
        subprocess.Popen([sys.executable, "-c", SPIN])
        for _ in range(request.config.getoption("--cpu-load"))
    ]
    yield len(spinners)
    for spinner in spinners:
        spinner.kill()
        spinner.wait()


@pytest.fixture(scope="session", autouse=True)
def private_kpikit_data(tmp_path_factory):
    """Keep the action register of the run (and of the dashboards and notebooks it starts, which
    inherit the environment) in a temporary folder, never in the user's kpikit data folder."""
    folder = tmp_path_factory.mktemp("kpikit-data")
    previous = {name: os.environ.get(name) for name in (DATA_DIR_VARIABLE, REGISTER_URL_VARIABLE)}
    os.environ[DATA_DIR_VARIABLE] = str(folder)
    os.environ.pop(REGISTER_URL_VARIABLE, None)
    yield folder
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the run (starting the JVM takes most of the time); tests
    that use it share the xdist group "spark", so a parallel run keeps them on one worker."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("kpikit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def checked_tables(monkeypatch):
    """The tables that kk.compute's checks go through, in the order checked (a table checked
    twice is listed twice): ``kpikit.metrics._inputs._check_values`` counted."""
    from kpikit.metrics import _inputs

    checked = []
    check = _inputs._check_values

    def counted(dataset, tables, options):
        checked.extend(tables)
        return check(dataset, tables, options)

    monkeypatch.setattr(_inputs, "_check_values", counted)
    return checked
