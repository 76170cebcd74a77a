"""Hour of day × day of week heatmap of a KPI (or of its volume)."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit.catalog._registry import sum_label
from kpikit.display import UNIT_SYMBOLS
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    WEEKDAY_NAMES,
    choice,
    format_value,
    kpi_argument,
    new_figure,
    number_column,
    pandas_frame,
    require_columns,
    rows_for_kpi,
)

__all__ = ["hour_weekday_heatmap"]

_VALUE_COLUMNS = ("value", "numerator", "denominator")


@shared_parameters
def hour_weekday_heatmap(
    frame, *, kpi: str, value: str = "value", title=None, height=None
) -> go.Figure:
    """Heatmap of a KPI by hour of day (columns) and day of week (rows).

    Parameters
    ----------
    frame : DataFrame
        ``kk.compute(kk.timeparts.add_hour_weekday(data), by=["weekday", "hour"])`` output:
        columns ``weekday`` (1 = Monday … 7 = Sunday), ``hour`` (0–23), ``kpi`` and ``value``,
        one row per weekday and hour (rows out of range, missing or repeated are refused).
    value : {"value", "numerator", "denominator"}, default="value"
        Column to colour by: the KPI itself, or a component, for example the denominator of
        ``answer_rate`` (offered contacts) for volume. A component is shown in its own unit:
        seconds for AHT's handle time, currency for cost, a count for contacts, and titled
        by its short name in the catalog ("Handle time (s)", "Contacts offered (less short
        abandons)": the ``[sum_label]`` table of ``kpis.toml``, else its component's label),
        the component of kpikit's default options.

    Returns
    -------
    plotly.graph_objects.Figure

    Notes
    -----
    Cells without data stay blank. The colour scale is cividis (readable with colour-vision
    deficiencies), reversed for lower-is-better KPIs so that dark always means worse.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"weekday": [1, 1, 2], "hour": [9, 10, 9],
    ...                       "kpi": "service_level", "value": [78.0, 85.0, 90.0]})
    >>> fig = hour_weekday_heatmap(cells, kpi="service_level")
    >>> len(fig.data), fig.data[0].z.shape
    (1, (7, 24))
    """
    definition = kpi_argument(kpi)
    choice(value, _VALUE_COLUMNS, "value")
    if value != "value" and not getattr(definition, f"sum_{value}"):
        raise ValueError(
            f"Value of 'value' is {value!r} but {kpi!r} has no {value} (it is a "
            f"{definition.unit}): use value='value' or 'numerator'"
        )
    rows = rows_for_kpi(pandas_frame(frame, "frame"), kpi, "frame")
    require_columns(rows, ["weekday", "hour", value], "frame")
    weekday = _positions(rows, "weekday", 1, 7) - 1
    hour = _positions(rows, "hour", 0, 23)
    # Repeats by cell position, not by the columns' values: weekday 1 and "1" are one cell.
    cells = pd.Series(list(zip(weekday, hour, strict=True)), index=rows.index)
    repeated = rows[cells.duplicated(keep=False).to_numpy()]
    if len(repeated):
        first = repeated.iloc[0]
        raise ValueError(
            f"Value of 'frame' must have one row per weekday and hour but has {len(repeated)} "
            f"rows for {cells[repeated.index].nunique()} of them (first: "
            f"weekday={first['weekday']!r}, hour={first['hour']!r}): compute by ['weekday', "
            "'hour'] only, or filter the other groups out."
        )
    grid = np.full((7, 24), np.nan)
    grid[weekday, hour] = number_column(rows, value).to_numpy()  # text, infinity refused

    if value == "value":
        label, unit = definition.name, definition.unit
        reverse = definition.direction == "lower"
    else:
        # The sum's short name ("Contacts offered (less short abandons)", "Handle time (s)"):
        # the catalog's prose of it names columns and options.
        label, unit, reverse = (
            sum_label(getattr(definition, f"sum_{value}")),
            _unit(definition, value),
            False,
        )
    text = [[format_value(cell, unit) for cell in line] for line in grid]
    fig = new_figure(
        title or f"{label} by hour and weekday",
        height=height,
        xaxis={"title": {"text": "Hour of day"}, "dtick": 2},
        yaxis={"title": {"text": ""}, "autorange": "reversed"},
    )
    fig.add_trace(
        go.Heatmap(
            z=grid,
            x=list(range(24)),
            y=list(WEEKDAY_NAMES),
            text=text,
            colorscale="Cividis",
            reversescale=reverse,
            hoverongaps=False,
            colorbar={"title": {"text": UNIT_SYMBOLS.get(unit) or unit}},
            hovertemplate="%{y} %{x}:00 · %{text}<extra></extra>",
        )
    )
    return fig


def _positions(rows: pd.DataFrame, column: str, low: int, high: int) -> np.ndarray:
    """The whole numbers of ``column``; refuse a missing, fractional or out-of-range one."""
    values = pd.to_numeric(rows[column], errors="coerce").astype("float64").to_numpy()
    bad = ~(np.isfinite(values) & (values == np.round(values)) & (values >= low) & (values <= high))
    if bad.any():
        shown = rows.loc[bad, column].drop_duplicates().head(5).tolist()
        raise ValueError(
            f"Value of 'frame' must have whole numbers from {low} to {high} in column "
            f"{column!r} (weekday 1 = Monday … 7 = Sunday, hour 0–23) but {int(bad.sum())} "
            f"row(s) hold {shown}"
        )
    return values.astype(int)


def _unit(definition, value: str) -> str:
    """The unit of a KPI's ``numerator`` or ``denominator``, read from its formula: the catalog
    gives units to KPIs, not to the components they add up.

    - a count (contacts offered): its numerator is the count;
    - a mean (scale 1: AHT, ASA, QA score, cost per contact) sums the KPI's unit (seconds,
      points, currency) over the contacts its denominator counts;
    - a share (scale 100: the percents and NPS) divides like by like: seconds of agent time
      for a KPI of the agent intervals (all of whose figures are seconds), contacts otherwise.

    >>> from kpikit.catalog import kpi
    >>> [_unit(kpi(kpi_id), "numerator") for kpi_id in ("aht", "cost_per_contact", "occupancy")]
    ['seconds', 'currency', 'seconds']
    >>> [_unit(kpi(kpi_id), "denominator") for kpi_id in ("aht", "answer_rate", "nps")]
    ['count', 'count', 'count']
    """
    if definition.is_count or definition.scale == 1:
        return definition.unit if value == "numerator" else "count"
    return "seconds" if definition.table == "agent_intervals" else "count"
