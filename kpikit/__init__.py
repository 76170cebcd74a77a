"""kpikit: contact-center KPIs computed exactly, with benchmarks, scorecards and dashboards.

>>> import kpikit as kk
>>> data = kk.load_sample()
>>> table = kk.compute(data, kpis=["aht", "service_level"])
>>> sorted(table["kpi"])
['aht', 'service_level']

Every KPI of the registry has a single-KPI helper (``kk.aht``, ``kk.fcr``, ``kk.csat``, ...).
The engine's options and their defaults are :class:`kk.Options` and ``kk.options``
(``kk.options.update(fcr_window="72h")``, ``with kk.options.context(csat_scale=10): ...``).

``kk.catalog`` and ``kk.scorecard`` are modules you can call: ``kk.catalog()`` is the KPI
table and ``kk.scorecard(data, targets)`` rates data against targets, while
``kk.catalog.benchmarks`` or ``kk.scorecard.rate`` reach the rest of each module.

Plotting, dashboards, the queueing models and the planning tools (``kk.calibrate``,
``kk.forecast``, ``kk.monitor``, ``kk.tradeoff``, ``kk.timeparts``, ``kk.whatif``) are imported
on first use, so ``import kpikit`` stays light (no plotly, ipywidgets or voila).
"""

from importlib import import_module

from kpikit import catalog, options, scorecard
from kpikit.catalog import benchmarks, kpi
from kpikit.governance import breaches
from kpikit.io import read_contacts
from kpikit.metrics import HELPERS, compute, scan_parquet
from kpikit.options import Options
from kpikit.sample import load_sample
from kpikit.schema import Dataset, SchemaError, validate
from kpikit.scorecard import Scorecard

__version__ = "0.1.0"

_LAZY_MODULES = (
    "apps",
    "calibrate",
    "forecast",
    "monitor",
    "plots",
    "queueing",
    "stats",
    "timeparts",
    "tradeoff",
    "whatif",
)

globals().update(HELPERS)

__all__ = [
    "Dataset",
    "Options",
    "SchemaError",
    "Scorecard",
    "apps",
    "benchmarks",
    "breaches",
    "calibrate",
    "catalog",
    "compute",
    "forecast",
    "kpi",
    "load_sample",
    "monitor",
    "options",
    "plots",
    "queueing",
    "read_contacts",
    "scan_parquet",
    "scorecard",
    "stats",
    "timeparts",
    "tradeoff",
    "validate",
    "whatif",
]
__all__ += sorted(HELPERS)  # one single-KPI helper per registry entry


def __getattr__(name):
    if name in _LAZY_MODULES:
        return import_module(f"kpikit.{name}")
    raise AttributeError(f"module 'kpikit' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY_MODULES])
