"""Export tables safely: CSV and Excel with spreadsheet formula injection neutralised.

:func:`to_csv` prefixes text cells that begin with ``= + - @`` or a tab or carriage return with a
single quote (numbers are untouched), and :func:`to_excel` stores every text cell as text, never
as a formula. :func:`safe_export_path` checks where an export may be written.
"""

import re
from pathlib import Path

import pandas as pd

from kpikit._frames import to_pandas
from kpikit._validators import as_path

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# RFC 4180 line ends; with them the csv writer also quotes a lone carriage return in a cell.
_CRLF = "\r\n"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


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


def to_excel(frame, path, *, sheet_name: str = "kpikit") -> Path:
    """Write a table to an ``.xlsx`` workbook with every text cell stored as text.

    openpyxl turns a string starting with ``=`` into a formula; here text cells keep the
    text type, so nothing in the data runs when the workbook is opened. Needs openpyxl.

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
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    target = safe_export_path(path, (".xlsx",))
    table = to_pandas(frame, "frame")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)

    def cell(value):
        if not isinstance(value, str):
            return None if _is_missing_scalar(value) else value
        text = WriteOnlyCell(sheet, value)
        text.data_type = "s"
        return text

    sheet.append([cell(str(column)) for column in table.columns])
    for row in table.itertuples(index=False, name=None):
        sheet.append([cell(value) for value in row])
    workbook.save(target)
    return target


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
