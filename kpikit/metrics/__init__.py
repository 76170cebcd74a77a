"""The KPI engine: additive components, summed per group, then divided.

Every KPI is ``numerator / denominator`` where both are sums of per-row components named in the
registry (``kpikit/catalog/kpis.toml``), so a rollup is exact (never an average of averages) and
the same code runs on any dataframe engine through narwhals: pandas in gives pandas out, polars
stays polars, DuckDB gives a DuckDB relation, and Spark gives Spark (on both, the sums per
group are brought into Python for the ratios).

- ``_components``: the per-row expression of each component;
- ``_engine``: :func:`compute` (options, KPI selection, sums, ratios and intervals);
- ``_helpers``: the single-KPI helpers (``aht``, ``fcr``, ...), one per registry entry;
- ``_sources``: parquet files larger than memory (through DuckDB) and Spark.

>>> import kpikit as kk
>>> data = kk.load_sample()
>>> table = kk.compute(data, kpis=["aht", "csat"], by="channel")
>>> list(table.columns)
['channel', 'kpi', 'value', 'numerator', 'denominator', 'ci_low', 'ci_high']
"""

from kpikit.metrics._engine import (
    RESULT_COLUMNS,
    KPIUnavailable,
    Plan,
    component_sums,
    compute,
    plan,
)
from kpikit.metrics._helpers import HELPERS
from kpikit.metrics._period_starts import FREQUENCIES
from kpikit.metrics._sources import scan_parquet

globals().update(HELPERS)

__all__ = [
    "FREQUENCIES",
    "HELPERS",
    "KPIUnavailable",
    "RESULT_COLUMNS",
    "Plan",
    "component_sums",
    "compute",
    "plan",
    "scan_parquet",
]
__all__ += sorted(HELPERS)
