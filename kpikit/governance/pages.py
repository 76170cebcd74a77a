"""Cadence reports as files: one standalone HTML page and one Excel workbook, and the
``kpikit report daily|weekly|monthly|quarterly`` command.

The page has no script at all and links nothing: it opens offline, from a mail or a share.
It reads on a phone: text wraps, and wide tables scroll sideways inside their own box.
"""

import argparse
import datetime as dt
import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit._scorecard.provisional import PROVISIONAL_MARK
from kpikit.display import decimals_apart, rounded_as_shown, signed_text
from kpikit.governance.cadence import PROVISIONAL, CadenceReport, Rated, Shown, cadence_report
from kpikit.scorecard import STATUS_LABELS, STATUS_MARKS, STATUS_TINTS

__all__ = ["add_cadence_arguments", "report_html", "run_cadence", "write_report"]

_STYLE = """
body { margin: 0; color: #222; background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 12px; }
h1 { font-size: 1.45em; margin: 0.2em 0; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.4em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.02em; margin: 1.2em 0 0.3em; }
p, li { overflow-wrap: anywhere; }
ul { padding-left: 1.2em; margin: 0.3em 0 0.6em; }
li { margin: 2px 0; }
.meta { color: #555; font-size: 0.9em; }
.scroll { overflow-x: auto; max-width: 100%; margin: 0.4em 0 1em; }
.scroll:focus-visible { outline: 2px solid #0072b2; outline-offset: 2px; }
table { border-collapse: collapse; font-size: 0.88em; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e6e6e6; text-align: left;
  white-space: nowrap; vertical-align: top; }
th { background: #f4f4f4; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.words { white-space: normal; min-width: 14em; max-width: 30em; }
svg.spark { vertical-align: middle; }
"""

_WORD_COLUMNS = ("root cause", "plan", "why", "breach", "next milestone", "segment", "overdue")
# Columns that count things (contacts, agents, periods): whole values show as whole numbers.
_COUNT_COLUMNS = (
    "offered",
    "answered",
    "contacts short",
    "agents short",
    "periods in a row",
    "weeks in a row",
    "required",
    "staffed",
)


def report_html(report: CadenceReport) -> str:
    """The report as one standalone HTML page (no script, no external resource)."""
    last_day = report.end - pd.Timedelta(seconds=1)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(report.title)} · {html.escape(report.period_label)}</title>",
        f"<style>{_STYLE}</style></head><body><main>",
        f"<h1>{html.escape(report.title)}: {html.escape(report.period_label)}</h1>",
        f"<p class='meta'>{report.start:%Y-%m-%d} to {last_day:%Y-%m-%d}"
        f" · groups: {html.escape(report.groups)} · made by kpikit on "
        f"{html.escape(report.generated)}</p>",
    ]
    if report.partial:
        parts.append(f"<p class='partial'><strong>{html.escape(report.partial)}</strong></p>")
    for section in report.sections:
        level = min(max(section.level, 2), 3)
        parts.append(f"<h{level}>{html.escape(section.title)}</h{level}>")
        if section.lines:
            items = "".join(f"<li>{html.escape(line)}</li>" for line in section.lines)
            parts.append(f"<ul>{items}</ul>")
        shown = section.display if section.display is not None else section.table
        if shown is not None and not shown.empty:
            # a box that scrolls is a named stop of the keyboard, which scrolls it (WCAG 2.1.1)
            name = html.escape(f"{section.title} (table)", quote=True)
            parts.append(
                f"<div class='scroll' tabindex='0' role='region' aria-label='{name}'>"
                f"{_table_html(shown)}</div>"
            )
    parts.append("</main></body></html>")
    return "".join(parts)


def write_report(report: CadenceReport, path) -> tuple[Path, Path]:
    """Write the report as ``path`` (``.html``) and the workbook beside it (``.xlsx``).

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The HTML page and the workbook.
    """
    from kpikit._scorecard.export import write_excel
    from kpikit.io import safe_export_path
    from kpikit.io.exporting import write_page

    page = safe_export_path(path, (".html",))
    workbook = safe_export_path(page.with_suffix(".xlsx"), (".xlsx",))
    write_page(page, report_html(report))
    write_excel(_sheets(report), workbook)
    return page, workbook


def _sheets(report: CadenceReport) -> list:
    findings = pd.DataFrame(
        [
            {"section": section.title, "finding": line}
            for section in report.sections
            for line in section.lines
        ],
        columns=["section", "finding"],
    )
    sheets = {"findings": [findings]}
    for section in report.sections:
        if section.table is None or section.table.empty or not section.sheet:
            continue
        table = section.table.map(_excel_cell)
        sheets.setdefault(section.sheet, []).append(table.assign(section=section.title))
    result = []
    for name, frames in sheets.items():
        frame = pd.concat(frames, ignore_index=True)
        if frame["section"].nunique() <= 1 and name != "findings":
            frame = frame.drop(columns="section")
        result.append((name[:31], frame))
    return result


def _excel_cell(value):
    """``value`` as a workbook cell holds it: a list (the last weeks of a KPI) is its values
    to one decimal, in order, a missing one an empty place, as the page's sparkline leaves it
    out ("nan" read as a value); a list with no value at all is an empty cell.

    >>> _excel_cell([310.24, float("nan"), None, 305.0]), _excel_cell([float("nan")] * 2)
    ('310.2, , , 305.0', None)
    """
    if isinstance(value, list | tuple):
        texts = [_point_text(item) for item in value]
        return ", ".join(texts) if any(texts) else None
    return value


def _point_text(value) -> str:
    """A point of a sparkline to one decimal, or "" when it is missing (None, NaN) or
    infinite: :func:`_sparkline` draws only the finite ones. One that rounds to zero shows no
    sign (an NPS of -0.04 is not "-0.0").

    >>> _point_text(-0.04), _point_text(72.46), _point_text(float("inf"))
    ('0.0', '72.5', '')
    """
    return f"{value:z.1f}" if value is not None and math.isfinite(value) else ""


def _table_html(table: pd.DataFrame) -> str:
    head = "".join(f"<th scope='col'>{html.escape(str(column))}</th>" for column in table.columns)
    body = []
    targets = table["target"] if "target" in table.columns else pd.Series(np.nan, table.index)
    for record, target in zip(table.itertuples(index=False), targets, strict=True):
        pairs = zip(table.columns, record, strict=True)
        cells = [_cell_html(column, value, target) for column, value in pairs]
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_TINTS = {**STATUS_TINTS, PROVISIONAL: STATUS_TINTS["no data"]}
_MARKS = {**STATUS_MARKS, PROVISIONAL: PROVISIONAL_MARK}
_LABELS = {**STATUS_LABELS, PROVISIONAL: "provisional: repeats may still arrive"}


def _cell_html(column: str, value, target=None) -> str:
    """A cell of a table: the ``value`` of ``column`` in the row whose ``target`` is given (a
    breach's value is told from it, :func:`_number_text`)."""
    name = str(column)
    if isinstance(value, Rated):
        tint = _TINTS.get(value.status, "transparent")
        mark = _MARKS.get(value.status, "")
        text = html.escape(value.text) if value.status != "no data" else ""
        return f"<td style='background:{tint}'>{mark} {text}</td>"
    if isinstance(value, Shown):
        return f"<td class='number'>{html.escape(value.text)}</td>"
    if name == "status" or name.endswith(" status"):
        if value in _TINTS:
            return (
                f"<td style='background:{_TINTS[value]}'>{_MARKS[value]} "
                f"{html.escape(_LABELS[value])}</td>"
            )
    if isinstance(value, list | tuple):
        return f"<td>{_sparkline(value)}</td>"
    if isinstance(value, bool | np.bool_):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, pd.Timestamp | dt.datetime | np.datetime64):
        moment = pd.Timestamp(value)
        if pd.isna(moment):
            return "<td>–</td>"
        midnight = moment.time() == dt.time()  # normalize() fails where clocks skip midnight
        text = f"{moment:%Y-%m-%d}" if midnight else f"{moment:%Y-%m-%d %H:%M}"
        return f"<td>{text}</td>"
    if isinstance(value, int | np.integer):  # a count (bool is handled above)
        return f"<td class='number'>{value:,}</td>"
    if isinstance(value, float | np.floating):
        edge = target if name == "value" else None
        return f"<td class='number'>{html.escape(_number_text(name, float(value), edge))}</td>"
    css = " class='words'" if name in _WORD_COLUMNS else ""
    return f"<td{css}>{html.escape('' if value is None else str(value))}</td>"


def _number_text(column: str, value: float, target=None) -> str:
    """``value`` as the ``column``'s cells show it; one that rounds to zero shows no sign
    (``-0.0`` was a mix of -0.004 points): changes through :func:`signed_text`, the others with
    the ``z`` format option.

    >>> _number_text("mix", -0.004), _number_text("vs usual", -0.01), _number_text("mix", -0.06)
    ('0.0', '0.0', '-0.1')
    >>> _number_text("cost", -0.001), _number_text("change (%)", 12.34), _number_text("n", 1200.0)
    ('0.00', '+12.3', '1,200')

    A whole number of 10 or more shows no decimal, and so does any whole count (a KPI value of
    4.0 % keeps its ``.0`` beside 4.3 %; four periods in a row are ``4``, not ``4.0``):

    >>> _number_text("value", 4.0), _number_text("periods in a row", 4.0)
    ('4.0', '4')
    >>> _number_text("agents short", 2.5)
    '2.5'

    A gap that is not zero never shows as ``0.0``: it has two significant digits then.

    >>> _number_text("gap", 0.04000000000000625), _number_text("gap", 0.3)
    ('0.04', '0.3')

    A value beside its ``target`` has the decimals it takes not to read as the target it
    misses (:func:`kpikit.display.decimals_apart`, as a scorecard shows it): 79.96 against 80
    is not "80.0".

    >>> _number_text("value", 79.96, 80.0), _number_text("value", 80.0, 80.4)
    ('79.96', '80.0')
    >>> _number_text("value", 79.99999999999, 80.0)  # floating-point noise: at the target
    '80.0'

    A p value below 0.001 is "< 0.001", as the findings write it, not "0.000":

    >>> _number_text("p value", 0.0004), _number_text("p value", 0.0312)
    ('< 0.001', '0.031')
    """
    if not math.isfinite(value):
        return "–"
    if column == "p value":  # as the findings give it: a p value is never 0
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if column in ("cost per contact", "cost") or column.startswith("cost"):
        return f"{value:z,.2f}"
    if column in ("vs usual", "change (%)"):
        return signed_text(value)
    if column == "gap" and value != 0 and round(value, 1) == 0:
        return f"{value:.2g}"  # a miss of 0.04 points is not a gap of 0.0
    whole = value.is_integer() and (abs(value) >= 10 or column in _COUNT_COLUMNS)
    decimals = decimals_apart(value, target, 0 if whole else 1)
    return f"{rounded_as_shown(value, decimals):z,.{decimals}f}"


def _sparkline(values, width: int = 90, height: int = 22) -> str:
    points = [v for v in values if v is not None and math.isfinite(v)]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (width - 4) / (len(points) - 1)
    coordinates = " ".join(
        f"{2 + i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
        for i, v in enumerate(points)
    )
    label = html.escape(", ".join(_point_text(v) for v in points))
    return (
        f"<svg class='spark' width='{width}' height='{height}' role='img' "
        f"aria-label='{label}'><title>{label}</title>"
        f"<polyline fill='none' stroke='#0072B2' stroke-width='1.5' points='{coordinates}'/>"
        "</svg>"
    )


# --- command line ---------------------------------------------------------------------------


def add_cadence_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kpikit report daily|weekly|monthly|quarterly``."""
    group = parser.add_argument_group(
        "cadence reports (daily, weekly, monthly, quarterly): an HTML page and an Excel workbook"
    )
    # --data (a contacts file or a folder of tables) is kpikit.report's, shared by every report.
    group.add_argument("--targets", type=Path, help="targets .csv or .toml (default: the sample's)")
    group.add_argument("--date", help="a day of the period to report, YYYY-MM-DD (default: last)")
    group.add_argument("--by", nargs="+", help="groups to compare (default: site when present)")
    group.add_argument(
        "--register",
        help="SQLAlchemy URL of the action register (default: KPIKIT_REGISTER_URL "
        "or the register in the kpikit data folder, when it exists)",
    )
    group.add_argument("--sector", default="all", help="benchmark sector of the target review")


def run_cadence(args: argparse.Namespace) -> int:
    """Write the cadence report described by the parsed arguments."""
    from kpikit.sample import load_sample, load_targets

    data = _read_data(args) if args.data is not None else load_sample()
    targets = args.targets if args.targets is not None else load_targets()
    date = _parse_date(args.date) if args.date else None
    register = _open_register(args.register)
    try:
        report = cadence_report(
            args.notebook,
            data,
            targets,
            date=date,
            by=args.by if args.by else "auto",
            register=register,
            sector=args.sector,
        )
    finally:
        if register is not None:
            register.close()
    output = args.output or Path(f"{report.cadence}-{report.start:%Y-%m-%d}.html")
    page, workbook = write_report(report, output)
    print(f"kpikit report: wrote {page} and {workbook}")
    return 0


def _read_data(args: argparse.Namespace):
    from kpikit._reading_flags import read_noting
    from kpikit.io import read_contacts, read_dataset

    reader = read_dataset if args.data.is_dir() else read_contacts
    return read_noting(reader, args, args.data)


def _parse_date(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise ValueError(f"--date must be a day like 2026-07-31; received: {text!r}") from None


def _open_register(url):
    from kpikit.governance.register import ActionRegister

    try:
        return ActionRegister(url, create=False)
    except ImportError:
        if url:
            raise ValueError(
                "--register needs SQLAlchemy: pip install 'kpikit[governance]'"
            ) from None
        return None
