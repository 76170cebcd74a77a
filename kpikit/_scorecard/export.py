"""Scorecard output: values and targets as text, the HTML table, CSV and Excel files.

openpyxl is imported inside :func:`write_excel` only, so ``import kpikit`` does not load it.
"""

import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit._scorecard.status import STATUS_LABELS, STATUS_MARKS, STATUS_TINTS
from kpikit._scorecard.trend import TREND_MARKS
from kpikit._validators import checked_path, is_number
from kpikit.io import to_csv


def format_value(value, unit: str) -> str:
    """Short text for a KPI value in its unit (``"–"`` when missing).

    >>> format_value(82.44, "percent"), format_value(311.6, "seconds"), format_value(None, "points")
    ('82.4 %', '312 s', '–')
    >>> format_value(180168.0, "count")
    '180,168'
    """
    if not is_number(value):
        return "–"
    value = float(value)
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "seconds":
        return f"{value:.0f} s"
    if unit == "currency":
        return f"{value:.2f}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.1f}"


def target_text(row) -> str:
    """The target of a table row as text: ``"≥ 75.0 %"``, ``"≤ 300 s"``, ``"75.0 %–85.0 %"``.

    >>> target_text({"better": "lower", "unit": "seconds", "target": 300.0})
    '≤ 300 s'
    """
    if row["better"] == "band":
        low, high = (format_value(row[edge], row["unit"]) for edge in ("band_low", "band_high"))
        return f"{low}–{high}"
    sign = "≥" if row["better"] == "higher" else "≤"
    return f"{sign} {format_value(row['target'], row['unit'])}"


def scorecard_html(card) -> str:
    """HTML of a :class:`kpikit.Scorecard`: composite score line, then one table row per KPI
    with the status as mark and word on its tint (supporting KPIs say so). Every text is
    escaped."""
    table = card.table
    head = [*card.by, "KPI", "value", "target", "status", "trend", "score"]
    rows = []
    for _, row in table.iterrows():
        status = row["status"]
        trend = row["trend"] if isinstance(row["trend"], str) else None
        cells = [html.escape(str(row[key])) for key in card.by]
        cells += [
            html.escape(row["name"] + (" (supporting)" if row.get("role") == "supporting" else "")),
            html.escape(format_value(row["value"], row["unit"])),
            html.escape(target_text(row) + (" (ramp)" if row["ramped"] else "")),
            f"<span style='background:{STATUS_TINTS[status]};padding:0 6px'>"
            f"{STATUS_MARKS[status]} {html.escape(STATUS_LABELS[status])}</span>",
            html.escape(f"{TREND_MARKS[trend]} {trend}" if trend else ""),
            html.escape(_score_text(row["score"])),
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    scores = " · ".join(
        " ".join([*(str(record[key]) for key in card.by), _score_text(record["score"])])
        for _, record in card.composite.iterrows()
    )
    period = ""
    if "period" in table.columns and len(table):
        period = f" · period {html.escape(str(table['period'].iloc[0]))}"
    return (
        "<div class='kpikit-scorecard'>"
        f"<p><strong>Composite score</strong>{period}: {html.escape(scores) or '–'}</p>"
        "<table><thead><tr>"
        + "".join(f"<th>{html.escape(str(name))}</th>" for name in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def write_csv(table: pd.DataFrame, path) -> Path:
    """Write ``table`` to a ``.csv`` file with formula-like text cells prefixed by ``'``."""
    return to_csv(table, checked_path(path, (".csv",), "path", must_exist=False))


def write_excel(sheets, path) -> Path:
    """Write ``(title, frame)`` pairs as the sheets of an ``.xlsx`` workbook.

    Headers are bold, text cells are stored as text (never formulas), ``status`` cells get
    their status tint.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    target = checked_path(path, (".xlsx",), "path", must_exist=False)
    workbook = Workbook()
    for position, (title, frame) in enumerate(sheets):
        sheet = workbook.active if position == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append(list(frame.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for record in frame.itertuples(index=False):
            sheet.append([_excel_value(value) for value in record])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        if "status" in frame.columns:
            column = list(frame.columns).index("status") + 1
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                tint = STATUS_TINTS.get(cell.value)
                if tint:
                    cell.fill = PatternFill("solid", fgColor=tint.lstrip("#"))
    workbook.save(target)
    return target


def _score_text(score) -> str:
    return "–" if not is_number(score) else f"{score:.0f}"


def _excel_value(value):
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
