"""Scorecard output: the HTML table, CSV and Excel files.

Values are written as :mod:`kpikit.display` formats them; the Excel workbook goes through
kpikit's one Excel writer (:func:`kpikit.io.write_workbook`), which imports openpyxl only when
called, so ``import kpikit`` does not load it.
"""

import html
from pathlib import Path

import pandas as pd

from kpikit._scorecard.provisional import PROVISIONAL_TINT, status_look
from kpikit._validators import checked_path, is_number
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import (
    CHANGE_MARKS,
    DECIMALS,
    RAG_TINTS,
    column_label,
    format_value,
    kpi_label,
    rated_decimals,
    rated_value_text,
    target_text,
)
from kpikit.io import Sheet, to_csv, write_workbook

__all__ = [
    "format_value",
    "group_text",
    "scorecard_grid_sheet",
    "scorecard_html",
    "scorecard_sheet",
    "target_text",
    "write_csv",
    "write_excel",
]

_IN_KPI_UNIT = ("value", "target", "tolerance", "band_low", "band_high", "ci_low", "ci_high")
_IN_KPI_UNIT += ("previous", "change")
_FIXED_DECIMALS = {"score": 0, "weight": 2, "p_value": 4, "credit": 2}


def scorecard_html(card) -> str:
    """HTML of a :class:`kpikit.Scorecard`: composite score line, then one table row per KPI
    with the status as mark and word on its tint (supporting KPIs say so; a provisional row
    says until when, on a grey tint). Every text is escaped."""
    table = card.table
    head = [*(column_label(key) for key in card.by), "KPI", "Value", "Target", "Status"]
    head += ["Trend", "Score"]
    rows = []
    for _, row in table.iterrows():
        trend = row["trend"] if isinstance(row["trend"], str) else None
        cells = [html.escape(group_text(row[key])) for key in card.by]
        cells += [
            html.escape(row["name"] + (" (supporting)" if row.get("role") == "supporting" else "")),
            html.escape(rated_value_text(row)),
            html.escape(target_text(row) + (" (ramp)" if row["ramped"] else "")),
            _status_html(row),
            html.escape(f"{CHANGE_MARKS[trend]} {trend}" if trend else ""),
            html.escape(_score_text(row["score"])),
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    scores = " · ".join(
        " ".join([*(group_text(record[key]) for key in card.by), _score_text(record["score"])])
        for _, record in card.composite.iterrows()
    )
    period = ""
    if "period" in table.columns and len(table):
        period = f" · period {html.escape(str(table['period'].iloc[0]))}"
    return (
        "<div class='kpikit-scorecard'>"
        f"<p><strong>Composite score</strong>{period}: {html.escape(scores) or '–'}</p>"
        "<div style='overflow-x: auto'><table><thead><tr>"
        + "".join(f"<th>{html.escape(str(name))}</th>" for name in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
        + _unavailable_html(getattr(card, "unavailable", {}))
        + "</div>"
    )


def _unavailable_html(unavailable: dict) -> str:
    """A line naming the target KPIs the data cannot give and why (their rows read "no
    data", as a KPI with nothing to count does); empty when there are none."""
    if not unavailable:
        return ""
    reasons = "; ".join(
        f"{kpi_definition(kpi_id).name}: {reason}" for kpi_id, reason in unavailable.items()
    )
    return f"<p>Not rated, the data cannot give them ({html.escape(reasons)}).</p>"


def write_csv(table: pd.DataFrame, path) -> Path:
    """Write ``table`` to a ``.csv`` file with formula-like text cells prefixed by ``'``."""
    return to_csv(table, checked_path(path, (".csv",), "path", must_exist=False))


def write_excel(sheets, path) -> Path:
    """Write ``(title, frame)`` pairs as the sheets of an ``.xlsx`` workbook.

    Values in a KPI's unit (value, target, interval, change) are rounded to that unit's
    decimals (:data:`kpikit.display.DECIMALS`: AHT in whole seconds, percentages to one
    decimal), a rated value with more where it would otherwise read as an edge of its rating
    (:func:`kpikit.display.rated_decimals`: 79.96 % against a target of 80 %); ``status``
    cells get their status tint (grey for a provisional row, whose ``provisional_until`` says
    until when); headers are bold and frozen; text cells are stored as text, never as
    formulas.
    """
    target = checked_path(path, (".xlsx",), "path", must_exist=False)
    return write_workbook([scorecard_sheet(title, frame) for title, frame in sheets], target)


def scorecard_sheet(title: str, frame: pd.DataFrame, labels=None) -> Sheet:
    """A scorecard table (or its area or composite scores) as a rounded, coloured sheet.

    ``labels`` renames columns for the sheet's header (``{"value": "Value"}``) once the
    rounding and colours are decided from the column names.

    Examples
    --------
    >>> frame = pd.DataFrame({"kpi": ["aht"], "unit": ["seconds"], "value": [311.6],
    ...                       "status": ["red"], "score": [0.0]})
    >>> sheet = scorecard_sheet("scorecard", frame)
    >>> int(sheet.decimals.loc[0, "value"]), sheet.fills.loc[0, "status"]   # whole seconds
    (0, '#F4CDB2')
    """
    table = frame.reset_index(drop=True)
    decimals = pd.DataFrame(index=table.index, columns=table.columns, dtype=object)
    fills = pd.DataFrame(index=table.index, columns=table.columns, dtype=object)
    for column, places in _FIXED_DECIMALS.items():
        if column in table.columns:
            decimals[column] = places
    if "unit" in table.columns:
        places = table["unit"].map(DECIMALS)
        for column in _IN_KPI_UNIT:
            if column in table.columns:
                decimals[column] = places
        if {"value", "better"} <= set(table.columns):  # as the HTML shows it (rated_decimals)
            decimals["value"] = [rated_decimals(row) for row in table.to_dict("records")]
    if "status" in table.columns:
        fills["status"] = _tints(table)
    frozen = list(table.columns).index("kpi") + 1 if "kpi" in table.columns else 0
    if labels:
        table, decimals, fills = (part.rename(columns=labels) for part in (table, decimals, fills))
    return Sheet(title, table, decimals=decimals, fills=fills, frozen_columns=frozen)


def scorecard_grid_sheet(title: str, table: pd.DataFrame, by) -> Sheet:
    """A rated table as a grid: one row per group, one column per KPI, cells tinted by status
    (grey when provisional).

    Values are rounded to each KPI's unit (:data:`kpikit.display.DECIMALS`); the header names
    the group columns in words and each KPI with its unit; the group columns stay in view.

    Examples
    --------
    >>> table = pd.DataFrame({"team": ["a", "a", "b"], "kpi": ["aht", "fcr", "aht"],
    ...     "unit": ["seconds", "percent", "seconds"], "value": [311.6, 72.44, 280.0],
    ...     "status": ["red", "amber", "green"]})
    >>> sheet = scorecard_grid_sheet("Scorecard", table, ["team"])
    >>> sheet.table.columns.tolist()
    ['Team', 'Average handle time (s)', 'First contact resolution (%)']
    >>> sheet.fills.iloc[1, 1], sheet.decimals.iloc[0, 2]   # b's AHT is green; FCR to 0.1
    ('#BFE7DC', 1)
    """
    by = list(by)
    kpis = [kpi_id for kpi_id in KPI_IDS if kpi_id in set(table["kpi"])]
    cells = (
        table.set_index([*by, "kpi"]) if by else table.assign(_all="").set_index(["_all", "kpi"])
    )
    values = cells["value"].unstack("kpi").reindex(columns=kpis)
    statuses = cells.assign(_tint=_tints(cells))["_tint"].unstack("kpi").reindex(columns=kpis)
    labels = [kpi_label(kpi_id) for kpi_id in kpis]
    keys = values.index.to_frame(index=False)[by] if by else pd.DataFrame(index=[0])
    # a missing group is "(none)", as the page and the charts call it, not an empty cell
    keys = keys.astype(object).where(keys.notna(), group_text(None))
    grid = pd.concat([keys, pd.DataFrame(values.to_numpy(), columns=labels)], axis=1)
    if "better" in cells.columns:  # each value with the decimals its rating needs
        places = pd.Series(
            [rated_decimals(row) for row in cells.reset_index().to_dict("records")],
            index=cells.index,
        )
        rows = places.unstack("kpi").reindex(columns=kpis).to_numpy().tolist()
    else:
        rows = [[DECIMALS[kpi_definition(k).unit] for k in kpis]] * len(grid)
    decimals = pd.DataFrame(
        [[None] * len(by) + [None if pd.isna(p) else int(p) for p in row] for row in rows],
        columns=grid.columns,
        dtype=object,
    )
    tints = statuses.astype(object).where(statuses.notna(), None).to_numpy().tolist()
    fills = pd.DataFrame(
        [[None] * len(by) + row for row in tints], columns=grid.columns, dtype=object
    )
    named = {column: column_label(column) for column in by}
    grid, decimals, fills = (part.rename(columns=named) for part in (grid, decimals, fills))
    return Sheet(title, grid, decimals=decimals, fills=fills, frozen_columns=len(by))


def _tints(table: pd.DataFrame) -> pd.Series:
    """Status tint per row; grey for provisional rows."""
    tints = table["status"].map(RAG_TINTS)
    if "provisional_until" in table.columns:
        tints = tints.where(table["provisional_until"].isna(), PROVISIONAL_TINT)
    return tints


def _status_html(row) -> str:
    tint, text = status_look(row)
    return f"<span style='background:{tint};padding:0 6px'>{html.escape(text)}</span>"


def group_text(value) -> str:
    """A grouping value as text; a missing one (None or NaN alike) is the group ``"(none)"``,
    as the scorecard's charts call it.

    >>> group_text("north"), group_text(None), group_text(float("nan"))
    ('north', '(none)', '(none)')
    """
    return "(none)" if pd.api.types.is_scalar(value) and pd.isna(value) else str(value)


def _score_text(score) -> str:
    return "–" if not is_number(score) else f"{score:.0f}"
