"""Private engine shared by the figure builders: input checks, units, labels and the base figure.

Builders stay thin: they check their inputs here, take labels and units from the KPI catalog,
start from :func:`new_figure` (kpikit template, common margins) and add traces. No KPI maths.
"""

import pandas as pd
import plotly.graph_objects as go

from kpikit._frames import to_pandas
from kpikit._validators import check_choice, is_number  # noqa: F401  (is_number re-exported)
from kpikit.catalog import kpi as kpi_definition
from kpikit.plots._template import TEMPLATE_NAME
from kpikit.scorecard import format_value  # noqa: F401  (re-exported to the builders)

UNIT_LABELS = {"seconds": "s", "percent": "%", "points": "points", "currency": "currency"}

DIRECTION_HINTS = {
    "higher": "higher is better",
    "lower": "lower is better",
    "band": "inside the band is better",
}

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

TIER_STYLE = {
    "average": ("Average range", "rgba(153, 153, 153, 0.40)", 0.9),
    "world_class": ("World class", "rgba(0, 114, 178, 0.35)", 0.9),
    "target": ("Recommended target", "rgba(0, 158, 115, 0.45)", 0.45),
}
"""Benchmark tiers drawn by the builders: legend label, fill colour and bar width."""


def require_columns(frame: pd.DataFrame, columns, argument: str) -> None:
    """Raise ValueError naming ``argument`` when ``frame`` lacks any of ``columns``."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"Value of {argument!r} is missing column(s) {missing}. "
            f"Expected columns {list(columns)} but received: {list(frame.columns)}"
        )


def rows_for_kpi(frame: pd.DataFrame, kpi_id: str, argument: str) -> pd.DataFrame:
    """Keep the rows of one KPI when the frame is tidy (has a ``kpi`` column)."""
    if "kpi" not in frame.columns:
        return frame
    rows = frame[frame["kpi"] == kpi_id]
    if rows.empty:
        raise ValueError(
            f"Value of {argument!r} has no rows for kpi {kpi_id!r}. "
            f"KPIs present: {sorted(frame['kpi'].dropna().unique())}"
        )
    return rows


def benchmark_rows(frame, argument: str = "benchmarks") -> pd.DataFrame:
    """Benchmark rows to draw: one sector and channel, the first row per (KPI, tier).

    An empty frame means no benchmarks. Several rows can share a tier (the catalog gives AHT
    for general service, technical support and simple inquiries); the first, as the catalog
    orders them, is drawn. Filter the rows beforehand to draw another.
    """
    rows = to_pandas(frame, argument)
    if rows.empty:
        return pd.DataFrame({"kpi": [], "tier": [], "low": [], "high": []})
    require_columns(rows, ["kpi", "tier", "low", "high"], argument)
    own = rows[~rows["fallback"].astype(bool)] if "fallback" in rows.columns else rows
    for column in ("sector", "channel"):
        if column in own.columns and own[column].nunique() > 1:
            raise ValueError(
                f"Value of {argument!r} must hold one {column} but holds "
                f"{sorted(own[column].unique())}: filter with "
                "kk.benchmarks(sector=..., channel=...)."
            )
    rows = rows[rows["tier"].isin(list(TIER_STYLE))]
    return rows.drop_duplicates(["kpi", "tier"], keep="first").reset_index(drop=True)


def choice(value, valid, argument: str):
    """Return ``value`` when it is one of ``valid``; otherwise raise a ValueError listing them."""
    return check_choice(argument, value, valid)


def axis_title(kpi_id: str) -> str:
    """Axis label: KPI name, unit and which way is better."""
    definition = kpi_definition(kpi_id)
    unit = UNIT_LABELS.get(definition.unit, definition.unit)
    return f"{definition.name} ({unit}) · {DIRECTION_HINTS.get(definition.direction, '')}"


def group_labels(frame: pd.DataFrame, columns) -> pd.Series:
    """One text label per row from one or several grouping columns (``"north · alice"``)."""
    if not columns:
        return pd.Series(["all"] * len(frame), index=frame.index, dtype=object)
    parts = [frame[column].astype(str) for column in columns]
    label = parts[0]
    for part in parts[1:]:
        label = label + " · " + part
    return label


def new_figure(title: str, **layout) -> go.Figure:
    """An empty figure with the kpikit template and a title."""
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE_NAME, title={"text": title}, **layout)
    return fig
