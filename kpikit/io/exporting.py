"""Export tables safely: CSV and Excel with spreadsheet formula injection neutralised.

:func:`to_csv` prefixes text cells that begin with ``= + - @`` or a tab or carriage return with a
single quote (numbers are untouched). :func:`write_workbook` is the one Excel writer (every
workbook kpikit writes, :func:`to_excel` included): it stores every text cell as text, never as
a formula, and rounds and colours cells as asked. :func:`safe_export_path` checks where an export
may be written.
"""

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit._frames import to_pandas
from kpikit._validators import as_path

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# RFC 4180 line ends; with them the csv writer also quotes a lone carriage return in a cell.
_CRLF = "\r\n"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_EXCEL_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_export_path(path, allowed_suffixes=(".csv",), *, base_dir=None) -> Path:
    """Check a path to write an export to, and return it resolved.

    Parameters
    ----------
    path : str or os.PathLike
    allowed_suffixes : sequence of str, default=(".csv",)
        Suffixes the file name may end with (case-insensitive), e.g. ``(".csv", ".csv.gz")``.
    base_dir : str or os.PathLike, optional
        When given, the resolved path (symbolic links followed) must lie inside this folder,
        which blocks ``../`` tricks in names that come from users.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        Wrong suffix, missing parent folder, path is a folder, or outside ``base_dir``.

    Examples
    --------
    >>> safe_export_path("report.xlsx", (".csv",))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'path' must end in .csv; received: 'report.xlsx'.
    """
    target = Path(as_path(path, "path"))
    allowed = tuple(suffix.lower() for suffix in allowed_suffixes)
    if not target.name.lower().endswith(allowed):
        raise ValueError(f"Value of 'path' must end in {', '.join(allowed)}; received: '{path}'.")
    resolved = target.resolve()
    if resolved.is_dir():
        raise ValueError(f"Value of 'path' is a folder, expected a file name; received: '{path}'.")
    if not resolved.parent.is_dir():
        raise ValueError(f"The folder of 'path' does not exist: '{resolved.parent}'.")
    if base_dir is not None:
        base = Path(as_path(base_dir, "base_dir")).resolve()
        if not resolved.is_relative_to(base):
            raise ValueError(f"Value of 'path' must be inside '{base}'; received: '{path}'.")
    return resolved


def to_csv(frame, path=None):
    """Write a table as CSV with spreadsheet formula injection neutralised.

    Text cells (and column names) starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return get a leading single quote, so a spreadsheet shows them as text instead of running
    them; text that is a plain number (``-5``) and number columns are left as they are.

    Parameters
    ----------
    frame : dataframe
        pandas, or any frame narwhals supports (lazy frames are collected).
    path : str or os.PathLike, optional
        ``.csv`` or ``.csv.gz`` file to write, checked by :func:`safe_export_path`.

    Returns
    -------
    str or pathlib.Path
        The CSV text when ``path`` is None, else the path written.

    Examples
    --------
    >>> import pandas as pd
    >>> print(to_csv(pd.DataFrame({"note": ["=HYPERLINK(1)", "-5", "ok"], "n": [-1, 2, 3]})))
    note,n
    '=HYPERLINK(1),-1
    -5,2
    ok,3
    <BLANKLINE>
    """
    table = _neutralised(to_pandas(frame, "frame"))
    if path is None:
        return table.to_csv(index=False, lineterminator=_CRLF)
    target = safe_export_path(path, (".csv", ".csv.gz"))
    table.to_csv(target, index=False, lineterminator=_CRLF)
    return target


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook written by :func:`write_workbook`.

    Parameters
    ----------
    title : str
        Sheet name; characters Excel refuses (``[]:*?/\\``) are replaced and it is cut to 31
        characters.
    table : dataframe
        The cells under a bold header row of the column names.
    decimals : mapping of str to int, or DataFrame, default=None
        Decimals to round numbers to, per column (``{"value": 1}``), or per cell (a frame of
        the table's shape holding an int or None). Numbers are stored rounded, with a matching
        number format; numbers without a decimals entry are stored as they are.
    fills : DataFrame, default=None
        Background colour per cell (``"#RRGGBB"`` or None), a frame of the table's shape.
    frozen_columns : int, default=0
        Leading columns kept in view when scrolling sideways; the header row always is.
    """

    title: str
    table: object
    decimals: object = None
    fills: object = None
    frozen_columns: int = 0


def write_workbook(sheets, path=None):
    """Write sheets to an ``.xlsx`` workbook: kpikit's one Excel writer.

    Every sheet gets a bold, frozen header row and columns sized to their text; text cells
    are stored as text, never as formulas (so nothing in the data runs when the workbook is
    opened); missing values are empty cells; numbers are rounded as the sheet asks. Needs
    openpyxl.

    Parameters
    ----------
    sheets : sequence of Sheet
    path : str or os.PathLike, default=None
        ``.xlsx`` file, checked by :func:`safe_export_path`; None returns the workbook's bytes
        (for a download).

    Returns
    -------
    pathlib.Path or bytes

    Examples
    --------
    >>> import io, openpyxl, pandas as pd
    >>> table = pd.DataFrame({"team": ["=north"], "aht": [311.62], "csat": [82.449]})
    >>> content = write_workbook([Sheet("KPIs", table, decimals={"aht": 0, "csat": 1})])
    >>> sheet = openpyxl.load_workbook(io.BytesIO(content))["KPIs"]
    >>> [cell.value for cell in sheet[2]], sheet.freeze_panes
    (['=north', 312, 82.4], 'A2')
    """
    from openpyxl import Workbook

    target = None if path is None else safe_export_path(path, (".xlsx",))
    workbook = Workbook(write_only=True)
    used = set()
    for sheet in sheets:
        _write_sheet(workbook, sheet, _sheet_title(sheet.title, used))
    if target is not None:
        workbook.save(target)
        return target
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kpi_sheet(frame, title: str = "KPIs") -> Sheet:
    """:func:`kpikit.compute` output as a sheet: ``value`` and its interval rounded to each
    row's KPI unit (AHT in whole seconds, percentages to one decimal), grouping columns frozen.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"team": ["a", "a"], "kpi": ["aht", "fcr"],
    ...                       "value": [311.6, 72.44], "numerator": [3116.0, 72.0]})
    >>> sheet = kpi_sheet(table)
    >>> sheet.decimals["value"].tolist(), sheet.frozen_columns
    ([0, 1], 2)
    """
    from kpikit.catalog import kpi as kpi_definition
    from kpikit.display import DECIMALS

    table = to_pandas(frame, "frame").reset_index(drop=True)
    decimals = pd.DataFrame(index=table.index, columns=table.columns, dtype=object)
    if "kpi" in table.columns:
        places = [DECIMALS[kpi_definition(kpi_id).unit] for kpi_id in table["kpi"]]
        for column in ("value", "ci_low", "ci_high"):
            if column in table.columns:
                decimals[column] = places
    frozen = list(table.columns).index("kpi") + 1 if "kpi" in table.columns else 0
    return Sheet(title, table, decimals=decimals, frozen_columns=frozen)


def to_excel(frame, path, *, sheet_name: str = "kpikit") -> Path:
    """Write a table to an ``.xlsx`` workbook with every text cell stored as text.

    openpyxl turns a string starting with ``=`` into a formula; here text cells keep the
    text type, so nothing in the data runs when the workbook is opened. The header row is
    bold and frozen. Needs openpyxl.

    Parameters
    ----------
    frame : dataframe
        pandas, or any frame narwhals supports.
    path : str or os.PathLike
        ``.xlsx`` file, checked by :func:`safe_export_path`.
    sheet_name : str, default="kpikit"

    Returns
    -------
    pathlib.Path
        The path written.

    See Also
    --------
    write_workbook : several sheets, rounding and cell colours.
    """
    return write_workbook([Sheet(sheet_name, frame)], path)


def _write_sheet(workbook, sheet: Sheet, title: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    table = to_pandas(sheet.table, "table").reset_index(drop=True)
    decimals = _per_cell(sheet.decimals, table, "decimals")
    fills = _per_cell(sheet.fills, table, "fills")
    worksheet = workbook.create_sheet(title)
    worksheet.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}2"
    widths = [len(str(column)) for column in table.columns]
    for position, width in enumerate(_column_widths(table, widths), start=1):
        worksheet.column_dimensions[get_column_letter(position)].width = width
    bold = Font(bold=True)

    def cell(value, places=None, fill=None):
        value = _excel_value(value)
        item = WriteOnlyCell(worksheet, value)
        if isinstance(value, str):
            item.data_type = "s"
        elif isinstance(value, float) and places is not None and not pd.isna(places):
            item.value = round(value, int(places))
            item.number_format = "#,##0" + ("." + "0" * int(places) if places else "")
        if isinstance(fill, str):
            item.fill = PatternFill("solid", fgColor=fill.lstrip("#").upper())
        return item

    header = []
    for column in table.columns:
        item = cell(str(column))
        item.font = bold
        header.append(item)
    worksheet.append(header)
    for row in range(len(table)):
        worksheet.append(
            [
                cell(
                    table.iat[row, column],
                    None if decimals is None else decimals.iat[row, column],
                    None if fills is None else fills.iat[row, column],
                )
                for column in range(table.shape[1])
            ]
        )


def _per_cell(values, table: pd.DataFrame, argument: str):
    """``values`` as a frame of the table's shape (a per-column mapping is spread down)."""
    if values is None:
        return None
    if isinstance(values, Mapping):
        return pd.DataFrame(
            {column: [values.get(column)] * len(table) for column in table.columns},
            dtype=object,
        )
    frame = to_pandas(values, argument).reset_index(drop=True)
    if frame.shape != table.shape:
        raise ValueError(
            f"Value of {argument!r} must have the table's shape {table.shape} but has {frame.shape}"
        )
    return frame.astype(object)


def _column_widths(table: pd.DataFrame, widths: list[int]) -> list[float]:
    for position, column in enumerate(table.columns):
        sample = table[column].head(200).map(lambda value: len(str(value)))
        if len(sample):
            widths[position] = max(widths[position], int(sample.max()))
    return [min(max(width + 2, 8), 60) for width in widths]


def _sheet_title(title: str, used: set) -> str:
    name = _EXCEL_FORBIDDEN.sub("-", str(title)).strip("'")[:31] or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _excel_value(value):
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:  # Excel has no time zones: keep the wall-clock time
            stamp = stamp.tz_localize(None)
        return stamp.to_pydatetime()
    if _is_missing_scalar(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | bool | str | dt.date):
        return value
    return str(value)


def _is_missing_scalar(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _defused(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        if not _PLAIN_NUMBER.fullmatch(value):
            return "'" + value
    return value


def _neutralised(table: pd.DataFrame) -> pd.DataFrame:
    safe = table.rename(columns=_defused)
    for column in safe.columns:
        values = safe[column]
        # Object columns may mix text with numbers; only their text cells are changed.
        if (
            values.dtype == object
            or pd.api.types.is_string_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype)
        ):
            safe[column] = values.astype(object).map(_defused)
    return safe
