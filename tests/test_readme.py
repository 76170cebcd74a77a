"""The README's quick start runs as written when pasted into one notebook cell."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def python_blocks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)


@pytest.mark.filterwarnings("ignore")
def test_the_quick_start_runs_as_one_cell(monkeypatch):
    # a line reading the reader's own "export.csv" stopped the cell halfway (stop 61), before
    # the scorecard, the breaches and the presets: every line must run
    monkeypatch.chdir(ROOT)  # "sample_data/targets.csv" is relative to the repository
    quick_start = python_blocks()[0]
    assert "kk.scorecard(" in quick_start and "kk.breaches(" in quick_start
    namespace = {}
    exec(compile(quick_start, "README.md quick start", "exec"), namespace)
    assert {"card", "starter", "targets"} <= namespace.keys()
