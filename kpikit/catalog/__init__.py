"""THE KPI registry: every KPI described once, with published benchmarks and glossary data.

The definitions live in ``kpis.toml`` (one entry per KPI: prose, the sums of named per-row
components the engine adds up, scale, interval, options and variants), the benchmark ranges in
``benchmarks.csv`` and the glossary's terms and sourced statistics in ``glossary.toml``. They
ship inside the package and are read once with :mod:`importlib.resources`; every call returns a
fresh object, so callers may change what they get without touching the cache.

The module is callable: ``kk.catalog()`` is :func:`catalog`, and ``kk.catalog.benchmarks``,
``kk.catalog.kpi`` and the rest are its tools.

Examples
--------
>>> from kpikit.catalog import benchmarks, calculate, catalog, kpi
>>> kpi("aht").short_name, kpi("aht").direction
('AHT', 'lower')
>>> list(catalog()["id"][:3])
['aht', 'asa', 'service_level']
>>> benchmarks(kpi="fcr", tier="average")[["kpi", "sector", "low", "high"]]
   kpi sector   low   high
0  fcr    all  70.0  75.0
>>> calculate("service_level", answered_within_threshold=160, offered=200, short_abandons=0)
80.0
"""

from kpikit._callable import make_callable
from kpikit.catalog._benchmarks import benchmarks
from kpikit.catalog._calculator import calculate
from kpikit.catalog._example import example_dataset
from kpikit.catalog._glossary import catalog, markdown_table, statistics, terms, variants
from kpikit.catalog._registry import (
    AREAS,
    CHANNELS,
    DIRECTIONS,
    INTERVALS,
    KPI,
    KPI_IDS,
    SECTORS,
    TABLES,
    TIERS,
    UNITS,
    CalculatorInput,
    Component,
    Term,
    Variant,
    components,
    kpi,
)

__all__ = [
    "AREAS",
    "CHANNELS",
    "DIRECTIONS",
    "INTERVALS",
    "KPI",
    "KPI_IDS",
    "SECTORS",
    "TABLES",
    "TIERS",
    "UNITS",
    "CalculatorInput",
    "Component",
    "Term",
    "Variant",
    "benchmarks",
    "calculate",
    "catalog",
    "components",
    "example_dataset",
    "kpi",
    "markdown_table",
    "statistics",
    "terms",
    "variants",
]

make_callable(__name__, catalog)
