"""Dashboard apps: one ipywidgets class per dashboard, importable and testable in plain Python.

Each app is imported on first access, so ``import kpikit.apps`` stays cheap and one broken or
slow app does not weigh on the others::

    from kpikit.apps import GlossaryApp
    GlossaryApp(kpi="fcr")            # displays itself in JupyterLab and Voila

The shared frame (layout, upload, messages, figure helpers) is in :mod:`kpikit.apps._base`;
URL query parameters are read by :func:`kpikit.apps.params.query_params`.
"""

from importlib import import_module

STATIC_ENV_VARIABLE = "KPIKIT_STATIC_APPS"
"""When this environment variable is ``1`` (``kpikit report`` sets it), apps display as static
HTML instead of live widgets: see :func:`kpikit.apps._base.static_html`."""

DATA_ENV_VARIABLE = "KPIKIT_DATA"
"""A contact log file (or a folder of tables) for the dashboards to start on instead of the
sample data (``kpikit report --data`` sets it): see :func:`kpikit.apps.dashboard_data`."""

_APPS = {
    "dashboard_data": "kpikit.apps._data",
    "BenchmarksApp": "kpikit.apps.benchmarks",
    "GlossaryApp": "kpikit.apps.glossary",
    "GovernanceApp": "kpikit.apps.governance",
    "MonitorApp": "kpikit.apps.monitor",
    "ScorecardApp": "kpikit.apps.scorecard",
    "StaffingApp": "kpikit.apps.staffing",
    "TradeoffApp": "kpikit.apps.tradeoff",
}

__all__ = [
    "DATA_ENV_VARIABLE",
    "STATIC_ENV_VARIABLE",
    "BenchmarksApp",
    "GlossaryApp",
    "GovernanceApp",
    "MonitorApp",
    "ScorecardApp",
    "StaffingApp",
    "TradeoffApp",
    "dashboard_data",
]


def __getattr__(name):
    if name in _APPS:
        return getattr(import_module(_APPS[name]), name)
    raise AttributeError(f"module 'kpikit.apps' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
