"""Suite-wide options.

``--cpu-load N`` runs N busy processes beside the tests for the whole session (stopped by their
own process ids at the end), to check that the suite — above all the browser tests — passes on
a busy machine, as CI may be::

    .venv/bin/python -m pytest tests/browser --cpu-load 6     # load average about 8 on 2 cores
"""

import subprocess
import sys

import pytest

SPIN = "while True: pass"


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
