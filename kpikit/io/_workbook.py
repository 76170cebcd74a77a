"""Build an ``.xlsx`` workbook in memory from sheets: kpikit's Excel cell writer.

The private half of :func:`kpikit.io.exporting.write_workbook`: it turns each
:class:`~kpikit.io.exporting.Sheet` into a worksheet (sheet title, column widths, bold header)
and every value into a cell Excel can hold: text stored as text with control characters as
Excel's ``_xHHHH_`` escape, numbers rounded and formatted as the sheet's decimals ask, fills
applied. It also checks the per-column and per-cell decimals and fills against the table, and
refuses text longer than a cell holds. Needs openpyxl.
"""

import datetime as dt
import decimal
import io
import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpikit._frames import to_pandas
from kpikit._validators import check_number, check_unique_columns, suggestion
from kpikit.display import rounded_as_shown

_EXCEL_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
# What cell text in XML cannot hold as it is (a carriage return would be read back as a line
# feed), and the "_" of a literal "_xHHHH_" (OOXML ST_Xstring): written as "_xHHHH_".
_EXCEL_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_COLOUR = re.compile(r"#?[0-9A-Fa-f]{6}")
_MAX_DECIMALS = 30  # the most decimal places an Excel number format shows
_MAX_CELL_TEXT = 32767  # the most characters (UTF-16 units) an Excel cell holds
_MAX_ROWS = 1_048_576 - 1  # the rows of an Excel sheet, less the header's
_MAX_COLUMNS = 16_384  # the columns of an Excel sheet (A to XFD)
_MAX_EXACT_INTEGER = 2**53  # whole numbers above it are rounded in Excel's doubles
_FIRST_EXCEL_DAY = dt.datetime(1900, 1, 1)  # Excel's day 1: it has no earlier dates
_ROWS_SHOWN = 5  # rows named in a message about a column's cells


def _workbook_bytes(sheets) -> bytes:
    """The ``.xlsx`` bytes of a workbook of ``sheets`` (already checked to be Sheets)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used = {"history"}  # a name Excel keeps for itself: a sheet "History" becomes "History (2)"
    try:
        for sheet in sheets:
            _write_sheet(workbook, sheet, _sheet_title(sheet.title, used))
        buffer = io.BytesIO()
        workbook.save(buffer)
    except BaseException:
        # Close what the failure left open: an open sheet stream fails noisily when collected.
        for worksheet in workbook.worksheets:
            if not worksheet.closed:
                worksheet.close()
        raise
    return buffer.getvalue()


def _write_sheet(workbook, sheet, title: str) -> None:
    """Append ``sheet`` (a :class:`~kpikit.io.exporting.Sheet`) to ``workbook`` as ``title``."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    frame = check_unique_columns("table", to_pandas(sheet.table, "table"))
    table = frame.reset_index(drop=True)
    decimals = _per_cell(sheet.decimals, table, "decimals", _places)
    fills = _per_cell(sheet.fills, table, "fills", _colour)
    _check_size(table, sheet.title)
    names = [_cell_value(str(column)) for column in table.columns]
    _check_names(names, sheet.title)
    worksheet = workbook.create_sheet(title)
    worksheet.freeze_panes = f"{get_column_letter(sheet.frozen_columns + 1)}2"
    widths = [len(str(column)) for column in table.columns]
    for position, width in enumerate(_column_widths(table, widths), start=1):
        worksheet.column_dimensions[get_column_letter(position)].width = width
    bold = Font(bold=True)

    def cell(value, places=None, fill=None):
        """A cell of ``value`` (as :func:`_cell_value` returns it): a float is a number cell
        holding its :func:`_number_text`."""
        if isinstance(value, float):
            if places is not None:
                # Floating-point noise first, as the dashboards show values (format_value):
                # 80.85000000000002 (80.85 summed in another order) is 80.8, not 80.9.
                value = rounded_as_shown(value, places)
            item = WriteOnlyCell(worksheet, _number_text(value))
            item.data_type = "n"
            if places is not None:
                item.number_format = "#,##0" + ("." + "0" * places if places else "")
        else:
            item = WriteOnlyCell(worksheet, value)
            if isinstance(value, str):
                item.data_type = "s"
        if fill is not None:
            item.fill = PatternFill("solid", fgColor=fill)
        return item

    header = []
    for name in names:
        item = cell(name)
        item.font = bold
        header.append(item)
    worksheet.append(header)
    too_long = {}  # column position -> row positions of its text longer than a cell holds
    for row in range(len(table)):
        items = []
        for column in range(table.shape[1]):
            value = _cell_value(table.iat[row, column])
            if isinstance(value, str) and _too_long(value):
                too_long.setdefault(column, []).append(row)
            items.append(
                cell(
                    value,
                    None if decimals is None else decimals.iat[row, column],
                    None if fills is None else fills.iat[row, column],
                )
            )
        worksheet.append(items)
    if too_long:
        problems = []
        for column, rows in sorted(too_long.items()):
            shown = frame.index[rows[:_ROWS_SHOWN]].tolist()
            where = f"first rows {shown}" if len(rows) > _ROWS_SHOWN else f"in row(s) {shown}"
            problems.append(
                f"column {table.columns[column]!r} has {len(rows)} longer text(s), {where}"
            )
        raise ValueError(
            f"Value of 'table' of sheet {sheet.title!r} must have at most {_MAX_CELL_TEXT:,} "
            "characters in a cell (Excel's limit; control characters count as their _xHHHH_ "
            f"escape) but {'; '.join(problems)}"
        )


def _check_size(table, title: str) -> None:
    """Raise a ValueError when a table has more rows (under its header) or columns than an
    Excel sheet holds: openpyxl would write them, and Excel would then refuse the file or drop
    what lies beyond, without saying which.

    >>> import pandas as pd
    >>> _check_size(pd.DataFrame(columns=range(16_385)), "KPIs")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'table' of sheet 'KPIs' must fit an Excel sheet (at most 1,048,575 rows
    under the header and 16,384 columns) but has 0 row(s) and 16,385 column(s); write it with
    to_csv, or split it across sheets
    """
    rows, columns = table.shape
    if rows <= _MAX_ROWS and columns <= _MAX_COLUMNS:
        return
    raise ValueError(
        f"Value of 'table' of sheet {title!r} must fit an Excel sheet (at most {_MAX_ROWS:,} "
        f"rows under the header and {_MAX_COLUMNS:,} columns) but has {rows:,} row(s) and "
        f"{columns:,} column(s); write it with to_csv, or split it across sheets"
    )


def _check_names(names: list[str], title: str) -> None:
    """Raise a ValueError when column names as written (``names``, the text of each column
    name) repeat (``1`` and ``"1"``), or one is longer than a cell holds.

    >>> _check_names(["1", "team", "1"], "KPIs")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'table' of sheet 'KPIs' has column names that read the same as text:
    ['1'] at positions [0, 2]; rename one of each
    """
    refuse_names_read_alike(names, f"'table' of sheet {title!r}", "as text")
    long = [(position, name) for position, name in enumerate(names) if _too_long(name)]
    if long:
        listed = ", ".join(
            f"{name[:20]!r}... at position {position} ({_length(name):,} characters)"
            for position, name in long
        )
        raise ValueError(
            f"Value of 'table' of sheet {title!r} must have column names of at most "
            f"{_MAX_CELL_TEXT:,} characters (Excel's limit for a cell) but received: {listed}"
        )


def refuse_names_read_alike(written, argument: str, how: str) -> None:
    """Raise a ValueError when column names as a file writes them (``written``, the text of
    each name in order) repeat, naming them and their positions; ``argument`` names the table
    and ``how`` says how the names were written.

    >>> refuse_names_read_alike(["'=a", "'=a"], "'frame'", "once quoted")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'frame' has column names that read the same once quoted: ["'=a"] at
    positions [0, 1]; rename one of each
    """
    written = pd.Index(written)
    if written.has_duplicates:
        repeated = sorted(set(written[written.duplicated()]))
        positions = [position for position, name in enumerate(written) if name in repeated]
        raise ValueError(
            f"Value of {argument} has column names that read the same {how}: {repeated} at "
            f"positions {positions}; rename one of each"
        )


def _too_long(text: str) -> bool:
    """Whether ``text`` is longer than an Excel cell holds (see :func:`_length`).

    >>> _too_long("a" * 32767), _too_long("a" * 32768), _too_long("\\U0001F600" * 16384)
    (False, True, True)
    """
    # Checked first, as it is quick: text of at most half the limit fits even all in pairs.
    return len(text) > _MAX_CELL_TEXT // 2 and _length(text) > _MAX_CELL_TEXT


def _length(text: str) -> int:
    """The length of ``text`` as Excel counts it: in UTF-16 units, so a character beyond
    U+FFFF (most emoji) counts twice.

    >>> _length("aht"), _length("\\U0001F600")
    (3, 2)
    """
    return len(text.encode("utf-16-le")) // 2


def _check_columns(argument: str, names, columns, more: str = "") -> None:
    """Raise a ValueError when one of ``names`` (the keys or columns of option ``argument``) is
    not one of the table's ``columns``; ``more`` completes the message.

    >>> _check_columns("decimals", ["aht", "csta"], ["aht", "csat"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'decimals' names column(s) ['csta'] that the table does not have;
    columns are ['aht', 'csat']. Did you mean 'csat'?
    """
    unknown = [name for name in names if name not in columns]
    if unknown:
        hint = suggestion(unknown[0], columns) if len(unknown) == 1 else ""
        raise ValueError(
            f"Value of {argument!r} names column(s) {unknown} that the table does not have"
            f"{more}; columns are {list(columns)}{hint}"
        )


def _per_cell(values, table: pd.DataFrame, argument: str, check):
    """``values`` as a frame of the table's columns and shape (a per-column mapping is spread
    down), each cell passed through ``check``."""
    if values is None:
        return None
    if isinstance(values, Mapping):
        _check_columns(argument, values, table.columns)
        frame = pd.DataFrame(
            {column: [values.get(column)] * len(table) for column in table.columns},
            dtype=object,
        )
    else:
        frame = _matched(to_pandas(values, argument).reset_index(drop=True), table, argument)
    return pd.DataFrame(
        {
            position: [check(value, f"{argument}[{column!r}]") for value in frame.iloc[:, position]]
            for position, column in enumerate(frame.columns)
        },
        index=frame.index,
        dtype=object,
    )


def _matched(frame: pd.DataFrame, table: pd.DataFrame, argument: str) -> pd.DataFrame:
    """``frame`` (a per-cell option of the table's shape and columns, in any order) with its
    columns in the table's order.

    >>> table = pd.DataFrame({"aht": [311.6], "fcr": [72.4]})
    >>> _matched(pd.DataFrame({"fcr": [1], "aht": [0]}), table, "decimals").columns.tolist()
    ['aht', 'fcr']
    """
    if frame.shape != table.shape:
        raise ValueError(
            f"Value of {argument!r} must have the table's shape {table.shape} but has {frame.shape}"
        )
    check_unique_columns(argument, frame)
    _check_columns(argument, frame.columns, table.columns)
    return frame[list(table.columns)]


def _places(value, argument: str) -> int | None:
    """``value`` as decimals to round to: a whole number from 0 to 30, or None when missing.

    >>> _places(2.0, "decimals['aht']"), _places(float("nan"), "decimals['aht']")
    (2, None)
    """
    if _is_missing_scalar(value):
        return None
    return check_number(argument, value, minimum=0, maximum=_MAX_DECIMALS, integer=True)


def _colour(value, argument: str) -> str | None:
    """``value`` (``"#RRGGBB"``) as openpyxl's ``"RRGGBB"``, or None when missing.

    >>> _colour("#f4cdb2", "fills['status']"), _colour(None, "fills['status']")
    ('F4CDB2', None)
    """
    if _is_missing_scalar(value):
        return None
    if not isinstance(value, str):
        raise TypeError(
            f"Value of {argument!r} must be a colour '#RRGGBB' (str) but received: {value!r} "
            f"({type(value).__name__})"
        )
    if not _COLOUR.fullmatch(value):
        raise ValueError(
            f"Value of {argument!r} must be a colour '#RRGGBB' but received: {value!r}"
        )
    return value.lstrip("#").upper()


def _excel_text(text: str) -> str:
    """``text`` with the characters a cell cannot hold written as Excel's ``_xHHHH_`` escape.

    >>> _excel_text("line\\x0bbreak"), _excel_text("_x0041_ stays"), _excel_text("a_b")
    ('line_x000B_break', '_x005F_x0041_ stays', 'a_b')
    """
    return _EXCEL_ESCAPED.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def _cell_value(value):
    """``value`` as a cell holds it: see :func:`_excel_value`, and text as :func:`_excel_text`."""
    value = _excel_value(value)
    return _excel_text(value) if isinstance(value, str) else value


def _number_text(value: float) -> str:
    """The text of a number cell that reads back as ``value`` exactly: its shortest round-trip
    form (``repr``), a whole number without the ``.0``.

    openpyxl writes a float with ``"%.16g"``, which changes some in the last place (4600/14 is
    328.57142857142856, written as 328.5714285714286), and a sheet stores a number as it is.

    >>> _number_text(4600 / 14), _number_text(0.1 + 0.2), _number_text(3.0), _number_text(1e-320)
    ('328.57142857142856', '0.30000000000000004', '3', '1e-320')
    """
    return repr(value).removesuffix(".0")


def _column_widths(table: pd.DataFrame, widths: list[int]) -> list[float]:
    for position, column in enumerate(table.columns):
        sample = table[column].head(200).map(lambda value: len(str(value)))
        if len(sample):
            widths[position] = max(widths[position], int(sample.max()))
    return [min(max(width + 2, 8), 60) for width in widths]


def _sheet_title(title: str, used: set) -> str:
    """``title`` as a sheet name Excel opens: its forbidden characters as ``-``, cut to 31
    characters, then without the apostrophes Excel refuses at either end (cut first, as the cut
    may leave one last), and numbered when ``used`` (lower-case names) holds it already.

    >>> _sheet_title("Team 'north' " + "x" * 17 + "'s KPIs", set())
    "Team 'north' xxxxxxxxxxxxxxxxx"
    >>> _sheet_title("a/b", {"a-b"})
    'a-b (2)'
    """
    name = _EXCEL_FORBIDDEN.sub("-", str(title))[:31].strip("'") or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def _excel_value(value):
    """``value`` as a cell holds it without changing it: what Excel cannot hold exactly is text.

    Excel has no time zones, no dates before 1900-01-01 (openpyxl would write 1899-12-30 and
    1899-12-31 both as day 0, which Excel shows as 1900-01-00, and earlier ones as negative days
    Excel refuses to show), and its numbers are doubles, exact for whole numbers up to 2**53:
    a zoned time or an earlier date is its ISO text, a larger whole number its digits. A float32
    is the shortest decimal that reads back as it (as pandas shows it and :func:`to_csv` writes
    it), not its binary value widened to a double.

    >>> _excel_value(pd.Timestamp("2026-01-13 09:00", tz="Europe/Paris"))
    '2026-01-13 09:00:00+01:00'
    >>> _excel_value(pd.Timestamp("1899-12-30")), _excel_value(dt.date(1899, 12, 31))
    ('1899-12-30 00:00:00', '1899-12-31')
    >>> _excel_value(np.int64(2**53 + 1)), _excel_value(np.int64(2**53))
    ('9007199254740993', 9007199254740992)
    >>> _excel_value(np.float32(0.1))
    0.1

    NumPy's times in a column of objects are times, not their count of nanoseconds:

    >>> _excel_value(np.datetime64("2026-01-13T09:00:00.000000000"))
    datetime.datetime(2026, 1, 13, 9, 0)
    >>> _excel_value(np.timedelta64(5, "ns"))
    '0 days 00:00:00.000000005'
    """
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.timedelta64):
        value = pd.Timedelta(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None or stamp < _FIRST_EXCEL_DAY:
            return stamp.isoformat(sep=" ")
        return stamp.to_pydatetime()
    if isinstance(value, dt.date) and value < _FIRST_EXCEL_DAY.date():
        return value.isoformat()
    if _is_missing_scalar(value):
        return None
    if isinstance(value, np.floating) and not isinstance(value, float):
        # A float32 (or float16) as the number it shows and to_csv writes: 0.1, not the
        # 0.10000000149011612 it widens to (the text reads back as the same float32).
        value = float(str(value))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) <= _MAX_EXACT_INTEGER else str(value)
    if isinstance(value, float) and math.isinf(value):  # Excel has no infinity: write it as text
        return str(value)
    if isinstance(value, decimal.Decimal):
        return _decimal_value(value)
    if isinstance(value, float | bool | str | dt.date):
        return value
    return str(value)


def _decimal_value(value: decimal.Decimal):
    """A decimal (a database's ``NUMERIC`` cost, read as Python decimals) as the number it is
    when a double holds it exactly as written, so that Excel sums it; else its text, as for
    whole numbers beyond 2**53.

    >>> _decimal_value(decimal.Decimal("3.50")), _decimal_value(decimal.Decimal("0.1"))
    (3.5, 0.1)
    >>> _decimal_value(decimal.Decimal("12345678901234567.89"))
    '12345678901234567.89'
    """
    number = float(value)
    if math.isfinite(number) and decimal.Decimal(repr(number)) == value:
        return number
    return str(value)


def _is_missing_scalar(value) -> bool:
    """Whether ``value`` is a missing value: None, NaN, NaT, ``pd.NA``, or a decimal NaN, the
    signalling ``Decimal("sNaN")`` included (pandas' own check raises on it).

    >>> _is_missing_scalar(decimal.Decimal("sNaN")), _is_missing_scalar("NA")
    (True, False)
    """
    if isinstance(value, decimal.Decimal):
        return value.is_nan()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
