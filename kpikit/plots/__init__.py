"""Plotly figure builders for contact-center KPIs, and the ``kpikit`` template.

Every builder takes tidy data (usually :func:`kpikit.compute` output) plus column names or KPI
ids and returns a ``plotly.graph_objects.Figure``; none calls ``.show()`` and none computes a
KPI. Importing this module registers the ``kpikit`` plotly template (colour-blind-safe
red/amber/green palette), which every builder uses.

>>> import kpikit.plots as kp
>>> import pandas as pd
>>> fig = kp.bullet(pd.DataFrame(), kpi="fcr", value=78.0, target=75)
>>> fig.layout.template.layout.colorway[0]
'#0072B2'
"""

from kpikit.plots._bullet import bullet, sector_overview
from kpikit.plots._distribution import distribution
from kpikit.plots._governance import breach_timeline, root_cause_bars
from kpikit.plots._heatmap import hour_weekday_heatmap
from kpikit.plots._monitor import intraday_measure, intraday_volume
from kpikit.plots._scorecard import scorecard_heatmap, scorecard_table
from kpikit.plots._staffing import (
    intraday_staffing,
    patience_curve,
    scenario_comparison,
    staffing_curve,
)
from kpikit.plots._staffing_plan import staffing_plan
from kpikit.plots._template import (
    KPIKIT_COLORWAY,
    RAG_COLORS,
    RAG_LABELS,
    RAG_MARKS,
    RAG_TINTS,
    TEMPLATE_NAME,
    use_template,
)
from kpikit.plots._tradeoff import tradeoff
from kpikit.plots._trend import trend

__all__ = [
    "KPIKIT_COLORWAY",
    "RAG_COLORS",
    "RAG_LABELS",
    "RAG_MARKS",
    "RAG_TINTS",
    "TEMPLATE_NAME",
    "breach_timeline",
    "bullet",
    "distribution",
    "hour_weekday_heatmap",
    "intraday_measure",
    "intraday_staffing",
    "intraday_volume",
    "patience_curve",
    "root_cause_bars",
    "scenario_comparison",
    "scorecard_heatmap",
    "scorecard_table",
    "sector_overview",
    "staffing_curve",
    "staffing_plan",
    "tradeoff",
    "trend",
    "use_template",
]
