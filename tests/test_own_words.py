"""kpikit takes facts and figures from the source articles, never their sentences.

Every text kpikit ships (the catalog, docstrings, messages, templates), the README and the
notebooks are compared with the articles word by word: a run of RUN words in a row that an
article has too is a copied passage. Seven such passages (up to 18 words) sat in the glossary
and the scorecard presets until stop 61.
"""

import json
import re
from pathlib import Path

import pytest

from tests.test_catalog import SEEDS

ROOT = Path(__file__).resolve().parents[1]
RUN = 8
TEXT_SUFFIXES = {".py", ".toml", ".csv", ".html", ".js", ".css", ".md", ".ipynb", ".j2"}


def words(text):
    """Lower-case words without punctuation: ``"It's 80/20."`` -> ``['its', '80', '20']``."""
    return [
        w for w in re.split(r"[^a-z0-9]+", text.lower().replace("\u2019", "").replace("'", "")) if w
    ]


def runs(sequence):
    return {tuple(sequence[i : i + RUN]) for i in range(len(sequence) - RUN + 1)}


def shipped_texts():
    paths = [ROOT / "README.md", *sorted((ROOT / "notebooks").glob("*.ipynb"))]
    paths += sorted(p for p in (ROOT / "kpikit").rglob("*") if p.suffix in TEXT_SUFFIXES)
    for path in paths:
        if path.name.endswith(".min.js") or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
        yield path.relative_to(ROOT), text


def test_no_passage_is_copied_from_a_source_article():
    articles = sorted(SEEDS.glob("*.txt"))
    if not articles:
        pytest.skip("the seed articles are not beside this checkout")
    seen = set().union(*(runs(words(a.read_text(encoding="utf-8"))) for a in articles))
    copied = [
        f"{path}: {' '.join(run)}"
        for path, text in shipped_texts()
        for run in sorted(runs(words(text)) & seen)
    ]
    assert not copied, "\n".join(copied)


def test_words_and_runs_on_a_small_example():
    # By hand: 11 words give 11 - 8 + 1 = 4 runs of 8; punctuation and case do not count.
    sample = words("Service level: 80 % of calls answered within 20 seconds, it's said.")
    assert sample == [
        "service",
        "level",
        "80",
        "of",
        "calls",
        "answered",
        "within",
        "20",
        "seconds",
        "its",
        "said",
    ]
    assert len(runs(sample)) == 4
