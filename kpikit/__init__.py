"""kpikit: contact-center KPIs computed exactly, with benchmarks, scorecards and dashboards.

>>> import kpikit as kk
>>> data = kk.load_sample()
>>> table = kk.compute(data, kpis=["aht", "service_level"])
>>> sorted(table["kpi"])
['aht', 'service_level']

Plotting, dashboards and the queueing models are imported on first use, so ``import kpikit``
stays light (no plotly, ipywidgets or voila).

The helpers ``kk.fcr`` and ``kk.scorecard`` are functions; the modules behind them are
``kpikit.repeats`` and ``kpikit.scorecard`` (import the latter with ``importlib`` if you need it).
"""

from importlib import import_module

from kpikit.catalog import benchmarks, catalog, kpi
from kpikit.governance import breaches
from kpikit.io import read_contacts
from kpikit.metrics import (
    abandonment_rate,
    aht,
    answer_rate,
    asa,
    compute,
    cost_per_contact,
    csat,
    fcr,
    nps,
    occupancy,
    qa_score,
    resolution_rate,
    schedule_adherence,
    service_level,
    transfer_rate,
    utilization,
)
from kpikit.sample import load_sample
from kpikit.schema import Dataset, SchemaError, validate
from kpikit.scorecard import Scorecard, scorecard

__version__ = "0.1.0"

_LAZY_MODULES = ("apps", "forecast", "monitor", "plots", "queueing", "whatif", "stats")

__all__ = [
    "Dataset",
    "SchemaError",
    "Scorecard",
    "abandonment_rate",
    "aht",
    "answer_rate",
    "apps",
    "asa",
    "benchmarks",
    "breaches",
    "catalog",
    "compute",
    "cost_per_contact",
    "csat",
    "fcr",
    "forecast",
    "kpi",
    "load_sample",
    "monitor",
    "nps",
    "occupancy",
    "plots",
    "qa_score",
    "queueing",
    "read_contacts",
    "resolution_rate",
    "schedule_adherence",
    "scorecard",
    "service_level",
    "stats",
    "transfer_rate",
    "utilization",
    "validate",
    "whatif",
]


def __getattr__(name):
    if name in _LAZY_MODULES:
        return import_module(f"kpikit.{name}")
    raise AttributeError(f"module 'kpikit' has no attribute {name!r}")
