"""The oldest releases of the optional engines kpikit works with, and checks against them.

kpikit runs on pandas alone; DuckDB and polars, when installed, take large frames and their own
tables. An older release than ``OLDEST`` is refused by name for a table of its own, and never
handed a pandas frame: the pandas path computes it instead. The floors come from running the
test suite on older releases (pyproject.toml asks for the same ones):

- DuckDB 2.0.1: 2.0.0 has no ``parquet_can_have_nan`` setting, which the checks need to see NaN
  in parquet files (:mod:`kpikit._nan_aware`); DuckDB 1's relations have no ``union_by_name``
  or ``materialize`` and keep no connection kpikit can reach.
- polars 1.25: older releases have no streaming engine for ``collect(engine="streaming")``, and
  before 1.10 no ordered window functions.
"""

import importlib
import importlib.metadata
import importlib.util
import re
import sys
from functools import cache

from narwhals.stable.v2.dependencies import (
    is_duckdb_relation,
    is_polars_dataframe,
    is_polars_lazyframe,
)

OLDEST = {"duckdb": (2, 0, 1), "polars": (1, 25)}
"""The oldest release of each optional engine that kpikit works with."""


def installed_version(module: str) -> tuple[int, ...] | None:
    """The installed release of ``module`` as numbers, None when it is not installed or its
    import is blocked (None in ``sys.modules``).

    The imported module's ``__version__`` when it is imported; else its distribution's of the
    same name, without importing it; else (a build under another name, such as
    ``polars-lts-cpu``) the module imported.

    >>> installed_version("no_such_module") is None
    True
    """
    if module in sys.modules and sys.modules[module] is None:
        return None
    return _release(module)


@cache
def _release(module: str) -> tuple[int, ...] | None:
    imported = sys.modules.get(module)
    if imported is None:
        try:
            return _numbers(importlib.metadata.version(module))
        except importlib.metadata.PackageNotFoundError:
            if importlib.util.find_spec(module) is None:
                return None
            imported = importlib.import_module(module)
    return _numbers(imported.__version__)


def _numbers(version: str) -> tuple[int, ...]:
    """
    >>> _numbers("2.0.1"), _numbers("1.25.2"), _numbers("2.1.0rc1")
    ((2, 0, 1), (1, 25, 2), (2, 1, 0))
    """
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def usable(module: str) -> bool:
    """Whether ``module`` is installed in a release kpikit works with (``OLDEST`` or newer).

    >>> usable("duckdb"), usable("no_such_module")
    (True, False)
    """
    version = installed_version(module)
    return version is not None and version >= OLDEST.get(module, ())


def require(module: str) -> None:
    """Raise ImportError, saying how to upgrade, when ``module`` is older than ``OLDEST``.

    >>> require("polars")  # the release installed here is recent enough
    """
    if usable(module):
        return
    found = ".".join(map(str, installed_version(module) or ()))
    oldest = ".".join(map(str, OLDEST[module]))
    raise ImportError(
        f"kpikit needs {module} {oldest} or newer; {module} {found} is installed. "
        f"Upgrade it: pip install --upgrade '{module}>={oldest}'"
    )


def require_for(*tables) -> None:
    """:func:`require` the engine of each of ``tables`` that is a DuckDB relation or a polars
    frame; anything else passes.

    >>> import pandas as pd
    >>> require_for(pd.DataFrame({"x": [1]}), None)  # pandas: nothing to ask
    """
    for table in tables:
        if is_duckdb_relation(table):
            require("duckdb")
        elif is_polars_dataframe(table) or is_polars_lazyframe(table):
            require("polars")
