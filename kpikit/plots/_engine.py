"""Private engine shared by the figure builders: input checks, labels and the base figure.

Builders stay thin: they check their inputs here, take labels, units and value formats from
:mod:`kpikit.display` (which reads the KPI catalog), start from :func:`new_figure` (kpikit
template, common margins) and add traces. No KPI maths.
"""

import pandas as pd
import plotly.graph_objects as go

from kpikit._frames import to_pandas
from kpikit._validators import check_choice
from kpikit.display import (  # noqa: F401  (re-exported to the builders)
    axis_title,
    column_label,
    format_value,
    is_number,
    kpi_label,
    value_range,
)
from kpikit.plots._template import TEMPLATE_NAME

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


def bounded_range(kpi_id: str, values, *, pad: float = 0.05) -> list[float]:
    """Axis range for ``values`` of a KPI, padded but never past the KPI's possible values.

    A CSAT axis stops at 100 %, an AHT axis at 0 s (:func:`kpikit.display.value_range`).

    Examples
    --------
    >>> bounded_range("csat", [60.0, 98.0])   # 98 + 5 % of 38 would pass 100
    [58.1, 100.0]
    """
    low, high = value_range(kpi_id)
    finite = [float(value) for value in values if is_number(value)]
    if not finite:
        return [low, 100.0 if high is None else high]
    span = (max(finite) - min(finite)) or abs(max(finite)) or 1.0
    bottom, top = min(finite) - pad * span, max(finite) + pad * span
    bottom = max(bottom, low)
    top = top if high is None else min(top, high)
    return [round(bottom, 6), round(top, 6)]


MISSING_GROUP = "(none)"
"""The group shown for rows whose grouping value is missing."""
MISSING_GROUP_TAKEN = "(no value)"
"""Its name when a real group is already called ``MISSING_GROUP``, so the two stay apart."""


def ordered_groups(keys: pd.Series) -> pd.Series:
    """Each row's group as text, ordered as the groups' values are: numbers by size, times by
    date, categories as declared, text alphabetically; a missing value is the group
    ``"(none)"`` (``"(no value)"`` when a real group is called so), last.

    The result is an ordered categorical of the groups present, so sorting or grouping by it
    follows that order (``"9"`` before ``"10"``, where text would put ``"10"`` first). Values
    of mixed kinds that cannot be compared are ordered by their text.

    Examples
    --------
    >>> groups = ordered_groups(pd.Series([10, 9, None, 9], dtype="Int64"))
    >>> groups.tolist(), list(groups.cat.categories)
    (['10', '9', '(none)', '9'], ['9', '10', '(none)'])
    >>> sizes = pd.Series(pd.Categorical(["low", "high"], categories=["low", "mid", "high"]))
    >>> list(ordered_groups(sizes).cat.categories)   # as declared, unused ones left out
    ['low', 'high']
    """
    values = keys.reset_index(drop=True)  # positions: the frame's own index may repeat labels
    present = values.notna()
    text = values.astype(object).astype(str)
    missing = MISSING_GROUP if not (text[present] == MISSING_GROUP).any() else MISSING_GROUP_TAKEN
    text = text.where(present, missing)
    if isinstance(values.dtype, pd.CategoricalDtype):
        declared = values[present].cat.remove_unused_categories().cat.categories
        order = pd.Series(declared, dtype=object).astype(str).tolist()
    else:
        firsts = text[present].drop_duplicates()
        try:
            ranks = values[firsts.index].sort_values(kind="stable").index
        except TypeError:
            ranks = firsts.sort_values(kind="stable").index
        order = firsts[ranks].tolist()
    order += [missing] if not present.all() else []
    groups = text.astype(pd.CategoricalDtype(list(dict.fromkeys(order)), ordered=True))
    return groups.set_axis(keys.index)


def group_labels(frame: pd.DataFrame, columns) -> pd.Series:
    """One text label per row from one or several grouping columns (``"north · alice"``)."""
    if not columns:
        return pd.Series(["all"] * len(frame), index=frame.index, dtype=object)
    parts = [frame[column].astype(str) for column in columns]
    label = parts[0]
    for part in parts[1:]:
        label = label + " · " + part
    return label


def new_figure(title: str, *, height=None, **layout) -> go.Figure:
    """An empty figure with the kpikit template, a title and (when given) a height."""
    fig = go.Figure()
    if height is not None:
        layout["height"] = height
    fig.update_layout(template=TEMPLATE_NAME, title={"text": title}, **layout)
    return fig
