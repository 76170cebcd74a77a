"""The test command's own set-up: what `make test` relies on to run the suite as intended."""

import re
import subprocess
import sys

MARKED = """
import pytest

pytestmark = pytest.mark.xdist_group("browser")

@pytest.mark.parametrize("n", range({count}))
def test_marked(n):
    pass
"""
UNMARKED = """
import pytest

@pytest.mark.parametrize("n", range(6))
def test_unmarked(n):
    pass
"""


def test_loadgroup_keeps_the_browser_tests_on_one_worker(tmp_path):
    # The browser tests share one server and one Chromium on one xdist worker (their
    # xdist_group); spread over both, two servers with a kernel pool each starved the 2-core
    # machine and pages timed out. pytest 9.2 with pytest-xdist 3.8 spread them.
    (tmp_path / "test_first.py").write_text(MARKED.format(count=4))
    (tmp_path / "test_second.py").write_text(MARKED.format(count=3))
    (tmp_path / "test_other.py").write_text(UNMARKED)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    workers = re.findall(r"\[(gw\d)\] .*PASSED .*test_marked", run.stdout)
    assert len(workers) == 7, run.stdout
    assert len(set(workers)) == 1, run.stdout
