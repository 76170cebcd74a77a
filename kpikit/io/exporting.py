"""Export tables safely: CSV and Excel with spreadsheet formula injection neutralised.

:func:`to_csv` prefixes text cells that begin with ``= + - @`` or a tab or carriage return with a
single quote (numbers are untouched). :func:`write_workbook` is the one Excel writer (every
workbook kpikit writes, :func:`to_excel` included): it stores every text cell as text, never as
a formula, and rounds and colours cells as asked. :func:`safe_export_path` checks where an export
may be written.

A workbook cannot hold control characters (``\\x00``-``\\x1f`` but tab and line feed; a
carriage return would be read back as a line feed) in cell text as they are: the writer stores
them with Excel's own escape ``_xHHHH_`` (``\\x0b`` as ``_x000B_``), which Excel and LibreOffice
show as the character again (openpyxl and :func:`pandas.read_excel` show the escape), and writes
the underscore of a literal ``_xHHHH_`` in the text as ``_x005F_`` so it is not read as an escape.
A cell holds at most 32,767 characters (counted as Excel counts them, in UTF-16 units, after that
escaping): a longer text or column name is refused rather than cut.
"""

import os
import re
import stat
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kpikit._frames import to_pandas
from kpikit._validators import as_path, check_name, check_number, check_unique_columns
from kpikit.io._workbook import (
    _check_columns,
    _colour,
    _is_missing_scalar,
    _places,
    _workbook_bytes,
    refuse_names_read_alike,
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NO_TEXT_KINDS = set("biufcmM")  # NumPy kinds of bool, number and time columns
# RFC 4180 line ends; with them the csv writer also quotes a lone carriage return in a cell.
_CRLF = "\r\n"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_MAX_FROZEN = 16383  # Excel has 16,384 columns; one must stay unfrozen
_PART_NAME = 40  # characters of the target's name in the name of the file written beside it


def safe_export_path(path, allowed_suffixes=(".csv",), *, base_dir=None) -> Path:
    """Check a path to write an export to, and return it resolved.

    Parameters
    ----------
    path : str or os.PathLike
    allowed_suffixes : str or sequence of str, default=(".csv",)
        Suffixes the file name may end with (case-insensitive), e.g. ``(".csv", ".csv.gz")``;
        a single str is one suffix.
    base_dir : str or os.PathLike, optional
        When given, the resolved path (symbolic links followed) must lie inside this folder,
        which blocks ``../`` tricks in names that come from users.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    TypeError
        ``path`` is not a str or path, or ``allowed_suffixes`` is not str or a sequence of str.
    ValueError
        Wrong suffix, a null character, a name the system refuses (too long), missing parent
        folder, path is a folder, or outside ``base_dir``.

    Examples
    --------
    >>> safe_export_path("report.xlsx", (".csv",))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'path' must end in .csv; received: 'report.xlsx'.
    >>> safe_export_path("report.v", ".csv")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'path' must end in .csv; received: 'report.v'.
    """
    target = Path(as_path(path, "path"))
    allowed = _suffixes(allowed_suffixes)
    if not target.name.lower().endswith(allowed):
        raise ValueError(f"Value of 'path' must end in {', '.join(allowed)}; received: '{path}'.")
    if "\x00" in str(target):
        raise ValueError(
            f"Value of 'path' must not contain a null character; received: {str(path)!r}."
        )
    try:
        resolved = target.resolve()
        is_folder = resolved.is_dir()
    except OSError as error:  # e.g. a file name longer than the system allows
        raise ValueError(
            f"Value of 'path' is refused by the system ({error.strerror}); received: '{path}'."
        ) from None
    if is_folder:
        raise ValueError(f"Value of 'path' is a folder, expected a file name; received: '{path}'.")
    if resolved.parent.exists() and not resolved.parent.is_dir():
        raise ValueError(f"The folder of 'path' is a file, not a folder: '{resolved.parent}'.")
    if not resolved.parent.is_dir():
        raise ValueError(f"The folder of 'path' does not exist: '{resolved.parent}'.")
    if base_dir is not None:
        base = Path(as_path(base_dir, "base_dir")).resolve()
        if not resolved.is_relative_to(base):
            raise ValueError(f"Value of 'path' must be inside '{base}'; received: '{path}'.")
    return resolved


def _suffixes(allowed_suffixes) -> tuple[str, ...]:
    """``allowed_suffixes`` as a tuple of lower-case suffixes (a str is one suffix)."""
    if isinstance(allowed_suffixes, str):
        allowed_suffixes = (allowed_suffixes,)
    suffixes = tuple(allowed_suffixes) if isinstance(allowed_suffixes, Iterable) else ()
    if not suffixes or not all(isinstance(suffix, str) for suffix in suffixes):
        raise TypeError(
            "Value of 'allowed_suffixes' must be a str or a non-empty sequence of str; "
            f"received: {allowed_suffixes!r}."
        )
    return tuple(suffix.lower() for suffix in suffixes)


def to_csv(frame, path=None):
    """Write a table as CSV with spreadsheet formula injection neutralised.

    Text cells (and column names) starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return get a leading single quote, so a spreadsheet shows them as text instead of running
    them; text that is a plain number (``-5``) and number columns are left as they are.
    An index other than pandas' unnamed row numbers (a ``groupby`` result's groups, a
    ``set_index`` column) is written as the leading column(s). Column names must be unique,
    also once quoted (``=a`` and ``'=a`` would both be written ``'=a``) and as text (``1`` and
    ``"1"``). The file is written beside ``path`` and then renamed over it, so a failure leaves
    no partial file and a previous file as it was.

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

    Raises
    ------
    ValueError
        A bad ``path`` (see :func:`safe_export_path`), or repeated column names (an index
        name included, and once quoted); nothing is written.

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
    table = _neutralised(_index_as_columns(to_pandas(frame, "frame")))
    if path is None:
        return table.to_csv(index=False, lineterminator=_CRLF)
    target = safe_export_path(path, (".csv", ".csv.gz"))
    compressed = target.name.lower().endswith(".gz")
    # The gzip header names the target, not the file written beside it.
    compression = {"method": "gzip", "filename": target.name} if compressed else None
    _replace_whole(
        target,
        lambda handle: table.to_csv(
            handle, index=False, lineterminator=_CRLF, compression=compression
        ),
    )
    return target


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook written by :func:`write_workbook`.

    Parameters
    ----------
    title : str
        Sheet name; characters Excel refuses (``[]:*?/\\`` and control characters) are
        replaced with ``-``, it is cut to 31 characters and apostrophes at either end, which
        Excel refuses there, are dropped. A name already used (in any case)
        or ``History``, which Excel keeps for itself, gets a number: ``History (2)``.
    table : dataframe
        The cells under a bold header row of the column names, which must be unique. A text
        or column name may hold at most 32,767 characters (Excel's limit for a cell).
    decimals : mapping of str to int, or DataFrame, default=None
        Decimals (0 to 30) to round numbers to, per column (``{"value": 1}``, each key a column
        of the table), or per cell (a frame of the table's shape holding an int or None).
        Numbers are stored rounded, with a matching number format, after floating-point noise
        is rounded off as the dashboards do (80.85000000000002 to 1 decimal is 80.8, as
        80.84999999999998 is); numbers without a decimals entry are stored as they are. A
        per-cell frame has the table's columns, matched by name (in any order).
    fills : mapping of str to str, or DataFrame, default=None
        Background colour (``"#RRGGBB"`` or None) per column (``{"status": "#F4CDB2"}``) or per
        cell (a frame of the table's shape, matched as for ``decimals``).
    frozen_columns : int, default=0
        Leading columns kept in view when scrolling sideways; the header row always is.

    Raises
    ------
    TypeError, ValueError
        A title that is not a str, an option of the wrong kind or out of range, naming the
        option (and column), or a ``decimals`` or ``fills`` key that is no column of the table
        (checked here for a pandas table, else when the sheet is written). Per-cell frames are
        checked when the sheet is written.

    Examples
    --------
    >>> Sheet("KPIs", None, decimals={"aht": -1})
    Traceback (most recent call last):
    ...
    ValueError: Value of "decimals['aht']" must be a finite whole number >= 0 and <= 30 but
    received: -1
    >>> Sheet("KPIs", None, fills={"status": "red"})
    Traceback (most recent call last):
    ...
    ValueError: Value of "fills['status']" must be a colour '#RRGGBB' but received: 'red'
    >>> import pandas as pd
    >>> Sheet("KPIs", pd.DataFrame({"aht": [311.6]}), decimals={"ath": 0})
    Traceback (most recent call last):
    ...
    ValueError: Value of 'decimals' names column(s) ['ath'] that the table does not have;
    columns are ['aht']. Did you mean 'aht'?
    """

    title: str
    table: object
    decimals: object = None
    fills: object = None
    frozen_columns: int = 0

    def __post_init__(self):
        check_name("title", self.title, "sheet")  # None was written as a sheet named "None"
        frozen = check_number(
            "frozen_columns", self.frozen_columns, minimum=0, maximum=_MAX_FROZEN, integer=True
        )
        object.__setattr__(self, "frozen_columns", frozen)
        for argument, check in (("decimals", _places), ("fills", _colour)):
            values = getattr(self, argument)
            if isinstance(values, Mapping):
                for column, value in values.items():
                    check(value, f"{argument}[{column!r}]")
                if isinstance(self.table, pd.DataFrame):  # other tables: when written
                    _check_columns(argument, values, self.table.columns)


def write_workbook(sheets, path=None):
    """Write sheets to an ``.xlsx`` workbook: kpikit's one Excel writer.

    Every sheet gets a bold, frozen header row and columns sized to their text; text cells
    are stored as text, never as formulas (so nothing in the data runs when the workbook is
    opened), control characters in them as ``_xHHHH_`` (see the module notes); missing values
    (None, NaN) are empty cells; what Excel cannot store exactly is text rather than changed:
    infinite numbers (``inf`` / ``-inf``), whole numbers beyond 2**53 (ids; Excel's doubles
    would round them), times with a time zone, which Excel lacks (``2026-01-13
    09:00:00+01:00``), and dates before 1900-01-01, Excel's first day (``1899-12-30``, the
    "zero date" of some exports); other times are Excel times, precise to the millisecond
    (Excel's precision: microseconds are lost); numbers are rounded as the sheet asks. The
    workbook is made in memory and written to ``path`` only once complete, so a failure leaves
    no partial file. Needs openpyxl.

    Parameters
    ----------
    sheets : sequence of Sheet
    path : str or os.PathLike, default=None
        ``.xlsx`` file, checked by :func:`safe_export_path`; None returns the workbook's bytes
        (for a download).

    Returns
    -------
    pathlib.Path or bytes

    Raises
    ------
    TypeError
        ``sheets`` is not a sequence of Sheet, or a sheet option is of the wrong kind.
    ValueError
        A bad ``path`` (see :func:`safe_export_path`); a table with repeated column names; a
        sheet option out of range, or naming a column the table does not have, or a per-cell
        frame not of the table's shape or columns (see :class:`Sheet`); a text or column name
        longer than the 32,767 characters a cell holds, naming the sheet, the column, how many
        cells and which rows (index labels), counted after the ``_xHHHH_`` escaping; a table
        of more rows (1,048,575 under the header) or columns (16,384) than a sheet holds.

    Examples
    --------
    >>> import io, openpyxl, pandas as pd
    >>> table = pd.DataFrame({"team": ["=north"], "aht": [311.62], "csat": [82.449]})
    >>> content = write_workbook([Sheet("KPIs", table, decimals={"aht": 0, "csat": 1})])
    >>> sheet = openpyxl.load_workbook(io.BytesIO(content))["KPIs"]
    >>> [cell.value for cell in sheet[2]], sheet.freeze_panes
    (['=north', 312, 82.4], 'A2')
    >>> notes = pd.DataFrame({"note": ["a\\x0bb", "_x0041_"], "n": [float("-inf"), 1.5]})
    >>> sheet = openpyxl.load_workbook(io.BytesIO(write_workbook([Sheet("N", notes)])))["N"]
    >>> [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    [['a_x000B_b', '-inf'], ['_x005F_x0041_', 1.5]]
    """
    target = None if path is None else safe_export_path(path, (".xlsx",))
    content = _workbook_bytes(_checked_sheets(sheets))
    if target is None:
        return content
    _replace_whole(target, lambda handle: handle.write(content))
    return target


def write_page(target: Path, html: str) -> None:
    """Write an HTML page (UTF-8) to ``target`` (already checked by :func:`safe_export_path`)
    whole or not at all, as the CSV and Excel exports are (:func:`_replace_whole`)."""
    _replace_whole(target, lambda handle: handle.write(html.encode("utf-8")))


def write_parquet(frame, path) -> Path:
    """Write a table to a ``.parquet`` file, checked by :func:`safe_export_path` and written
    whole or not at all, as the CSV and Excel exports are. An index other than pandas' unnamed
    row numbers is written as the leading column(s), as :func:`to_csv` does; column names are
    stored as text, so names that read the same as text (``1`` and ``"1"``) are refused.
    Needs pyarrow.

    >>> grouped = pd.DataFrame({"team": ["n", "s", "n"], "calls": [1, 2, 3]}).groupby("team")
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_parquet(grouped.sum(), Path(folder) / "calls.parquet")
    ...     pd.read_parquet(written).to_dict("list")
    {'team': ['n', 's'], 'calls': [4, 2]}
    """
    table = _index_as_columns(to_pandas(frame, "frame"))
    refuse_names_read_alike(list(table.columns.map(str)), "'frame'", "as text")
    target = safe_export_path(path, (".parquet",))
    _replace_whole(target, lambda handle: table.to_parquet(handle, index=False))
    return target


def _replace_whole(target: Path, write) -> None:
    """Write ``target`` whole or not at all: ``write`` fills a binary file open beside it, then
    renamed over it (a rename within one folder is atomic).

    A file replaced keeps its permission bits (a report shared with a group stays readable by
    it); a new file gets the usual ones, as any file made here. A system error names
    ``target``, not the hidden file beside it.
    """
    # The start of the target's name keeps the part's name within what the system allows.
    name = f".{target.name[:_PART_NAME]}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part"
    part = target.with_name(name)
    try:
        with open(part, "wb") as handle:
            write(handle)
        if target.is_file():
            os.chmod(part, stat.S_IMODE(target.stat().st_mode))
        os.replace(part, target)
    except OSError as error:
        part.unlink(missing_ok=True)
        if error.filename != str(part):
            raise
        raise type(error)(error.errno, error.strerror, str(target)) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise


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
    >>> kpi_sheet(pd.DataFrame({"kpi": ["aht", "ath", None], "value": [1.0, 2.0, 3.0]}))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'frame' must hold KPI ids in column 'kpi' but 2 row(s) do not, first
    rows [1, 2] ('ath', missing); expected one of the ids of kpikit.catalog()
    """
    from kpikit.catalog import KPI_IDS
    from kpikit.catalog import kpi as kpi_definition
    from kpikit.display import DECIMALS

    table = to_pandas(frame, "frame").reset_index(drop=True)
    decimals = pd.DataFrame(index=table.index, columns=table.columns, dtype=object)
    if "kpi" in table.columns:
        unknown = ~table["kpi"].isin(KPI_IDS)
        if unknown.any():
            rows = table.index[unknown][:5].tolist()
            shown = ", ".join(
                "missing" if pd.isna(kpi_id) else repr(kpi_id)
                for kpi_id in table["kpi"][unknown][:5]
            )
            raise ValueError(
                f"Value of 'frame' must hold KPI ids in column 'kpi' but {int(unknown.sum())} "
                f"row(s) do not, first rows {rows} ({shown}); expected one of the ids of "
                "kpikit.catalog()"
            )
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
    bold and frozen. Control characters, infinite numbers, whole numbers beyond 2**53 and
    times (zoned ones and dates before 1900 as text, others to the millisecond) are written as
    :func:`write_workbook` says. An index other than pandas' unnamed row numbers is written as
    the leading column(s), as :func:`to_csv` does. Needs openpyxl.

    Parameters
    ----------
    frame : dataframe
        pandas, or any frame narwhals supports; column names must be unique.
    path : str or os.PathLike
        ``.xlsx`` file, checked by :func:`safe_export_path`.
    sheet_name : str, default="kpikit"

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        A ``sheet_name`` that is not a str (None was written as a sheet named "None").
    ValueError
        A bad ``path``, repeated column names (an index name included), or a text or column
        name longer than the 32,767
        characters a cell holds (see :func:`write_workbook`); no file is written.

    See Also
    --------
    write_workbook : several sheets, rounding and cell colours.
    """
    check_name("sheet_name", sheet_name, "sheet")
    table = _index_as_columns(to_pandas(frame, "frame"))
    return write_workbook([Sheet(sheet_name, table)], path)


def _index_as_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its index as leading columns (a ``groupby`` result keeps its groups),
    unless the index is pandas' unnamed row numbers; column names checked to be unique.

    >>> grouped = pd.DataFrame({"team": ["n", "s", "n"], "calls": [1, 2, 3]}).groupby("team")
    >>> _index_as_columns(grouped.sum()).columns.tolist()
    ['team', 'calls']
    >>> _index_as_columns(pd.DataFrame({"calls": [1, 2, 3]}).iloc[[2, 0]]).columns.tolist()
    ['calls']
    >>> _index_as_columns(pd.DataFrame({"team": ["n"]}, index=pd.Index([1], name="team")))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'frame' has an index named ['team'] as well as column(s) of that name;
    rename the index (frame.rename_axis(...)) or drop it (frame.reset_index(drop=True))
    """
    check_unique_columns("frame", table)
    index = table.index
    unnamed = all(name is None for name in index.names)
    if unnamed and index.nlevels == 1 and pd.api.types.is_integer_dtype(index):
        return table
    clashes = [name for name in index.names if name is not None and name in table.columns]
    if clashes:
        raise ValueError(
            f"Value of 'frame' has an index named {clashes} as well as column(s) of that name; "
            "rename the index (frame.rename_axis(...)) or drop it (frame.reset_index(drop=True))"
        )
    return check_unique_columns("frame", table.reset_index())


def _checked_sheets(sheets) -> Sequence:
    """``sheets`` when it is a sequence of :class:`Sheet`; otherwise raise a TypeError."""
    if not isinstance(sheets, Sequence) or isinstance(sheets, str):
        raise TypeError(
            f"Value of 'sheets' must be a sequence of Sheet; received {type(sheets).__name__}."
        )
    for position, sheet in enumerate(sheets):
        if not isinstance(sheet, Sheet):
            raise TypeError(
                f"Value of 'sheets' must be a sequence of Sheet but item {position} is "
                f"{type(sheet).__name__}; wrap a table as Sheet(title, table)."
            )
    return sheets


def _defused(value):
    """``value`` as :func:`to_csv` writes it: text quoted as it says, a decimal NaN (the
    signalling ``Decimal("sNaN")`` too, on which pandas' writer raises) missing, as NaN is."""
    if isinstance(value, Decimal) and value.is_nan():
        return None
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        if not _PLAIN_NUMBER.fullmatch(value):
            return "'" + value
    return value


def _neutralised(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its text cells and column names quoted as :func:`to_csv` says; names
    that the header would show the same (``=a`` and ``'=a`` once quoted, ``1`` and ``"1"`` or
    None and ``""`` as text) are refused."""
    safe = table.rename(columns=_defused)
    written = pd.Index(["" if _is_missing_scalar(name) else str(name) for name in safe.columns])
    how = "once quoted against formula injection or written as text"
    refuse_names_read_alike(written, "'frame'", how)
    for position in range(safe.shape[1]):
        values = safe.iloc[:, position]
        # Every column that may hold text: object (text mixed with numbers), str, categories,
        # Arrow's dictionary-encoded text (``dtype_backend="pyarrow"``)... Only its text cells
        # are changed; bool, number and time columns cannot hold text.
        if values.dtype.kind not in _NO_TEXT_KINDS:
            safe.isetitem(position, values.astype(object).map(_defused))
    return safe
