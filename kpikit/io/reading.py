"""Read contact logs from CSV or Parquet into kpikit's tables.

Readers check the file before parsing it (it exists, is a file that can be opened, has a known
suffix and CSV text rather than a workbook or gzip inside, stays under a size limit, also once
decompressed), detect how the text is written (:mod:`kpikit.io.detect`),
rename vendor columns through a ``mapping``, convert the columns to kpikit's types and then
:func:`kpikit.schema.validate` the result. Every value that cannot be read is reported with its
id in a :class:`~kpikit.schema.SchemaError` whose text names the option that fixes it; nothing
becomes NaT or NaN silently and no row is dropped.

The documented conversions, all applied to freshly read data only:

- the encoding (UTF-8, with or without a byte order mark, UTF-16 with one, else Windows-1252
  with a :class:`ReadWarning`), the separator (comma, semicolon, tab) and the decimal mark
  (``12,5`` in European Excel files) are detected unless given;
- blank lines, and lines holding nothing but spaces or tabs, are not records and are skipped
  (as pandas skips them); a quoted ``"  "`` is a value;
- id and text columns are read as text, so ``007`` keeps its zeros, ids never become floats and
  ``NA`` (North America) stays ``NA``; empty cells are missing, and so are the cells listed in
  ``na_values``. In number, date and true/false columns the usual missing markers (``NA``,
  ``NULL``, ``N/A``, ``None``, ``nan``, ... see :data:`kpikit.io.detect.NA_TOKENS`) are missing
  too, since they cannot be a value there;
- text dates are read with ``datetime_format``, or with the format the values prove
  (:func:`kpikit.io.detect.guess_dates`): ISO dates, or day-first/month-first dates when only
  one order reads every value. When both orders read every value the reader asks for
  ``datetime_format``;
- times with a UTC offset stay timezone-aware (an ISO time ending in ``UTC`` or ``GMT``, as
  BigQuery writes it, has the offset +00:00; other zone names are refused). A column with
  several offsets (a file spanning a daylight-saving change) is read in ``tz``, or else in the
  zone whose offsets they are (:mod:`kpikit.io._zones`; UTC when no one zone had them), with a
  :class:`ReadWarning` naming it; ``tz`` also places times without an offset in that zone;
- number columns: text cells are read as numbers with the decimal mark, and ``h:mm:ss`` cells in
  seconds columns (``wait_s``, ``talk_s`` ...) as seconds (``0:00:12,5`` with ``decimal=","``);
- true/false columns accept True/False in any case, plus ``true_values``/``false_values``
  (any case); other words (Y/N, 1/0) are reported with the option to pass. A column with empty
  cells becomes pandas' nullable ``boolean``.
"""

import io
import warnings
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path

import pandas as pd

from kpikit import schema
from kpikit._checks import nested_problem
from kpikit.io._advice import ReadWarning, fix, option_name
from kpikit.io._convert import ReadOptions, convert, table_formats
from kpikit.io._names import check_mapping, suggest_mapping
from kpikit.io._source import (
    MAX_BYTES,
    READ_SUFFIXES,
    Source,
    bytes_source,
    file_source,
    given_path,
    link_problem,
    load_parquet,
)
from kpikit.io._text import decimal_marks, decoding_advice, guess_decimal, sniff_text
from kpikit.schema import TABLES, Dataset, Problem, SchemaError

_TEXT_KINDS = {"id", "string", "datetime"}
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def read_contacts(
    path,
    *,
    mapping: Mapping[str, str] | None = None,
    datetime_format: str | None = None,
    true_values=None,
    false_values=None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    na_values=None,
    tz: str | None = None,
    validate: bool = True,
    max_bytes: int = MAX_BYTES,
) -> pd.DataFrame:
    """Read a contact log from CSV, gzipped CSV or Parquet into a pandas DataFrame.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.csv``, ``.csv.gz`` or ``.parquet`` file.
    mapping : dict of str to str, optional
        Vendor column name -> kpikit column name, e.g. ``{"CallID": "contact_id"}``.
        Columns not named in the mapping keep their names. :func:`kpikit.io.detect` suggests
        one.
    datetime_format : str, optional
        Format of text timestamps for :func:`pandas.to_datetime` (``"%d/%m/%Y %H:%M"``,
        ``"ISO8601"``). By default the format the values prove is used; ambiguous day/month
        orders are refused with the two formats to choose from.
    true_values, false_values : list of str, optional
        Words meaning True and False in true/false columns, besides True/False (any case):
        ``true_values=["Y"], false_values=["N"]``.
    encoding : str, optional
        Text encoding (``"utf-8"``, ``"cp1252"``, ``"latin-1"``, ...); detected by default.
    sep : str, optional
        Column separator; by default the one of ``,``, ``;`` and tab that splits the file.
    decimal : {".", ","}, optional
        Decimal mark of numbers; by default ``","`` when the file's numbers use commas.
    na_values : list of str, optional
        Cells to read as missing in every column, text and id columns included (by default only
        empty cells are missing there).
    tz : str, optional
        Time zone name (``"Europe/Paris"``): times with an offset are converted to it, times
        without one are taken as local times of that zone.
    validate : bool, default=True
        Run :func:`kpikit.schema.validate` on the result. Values that cannot be read
        (timestamps, numbers, true/false words) are reported either way.
    max_bytes : int, default=MAX_BYTES
        Largest file size accepted, on disk and after decompression.

    Returns
    -------
    pandas.DataFrame
        The contacts, with kpikit column names, one row per data row of the file. From Parquet,
        text keeps Arrow's buffers in pandas' ``str`` type on every pandas version (pandas 2
        would make a Python object of each value: at 1M contacts 0.13 s rather than 0.50 s to
        read, and :func:`kpikit.compute` takes less than half the time), and true/false
        columns with missing values are pandas' nullable ``boolean``.

    Raises
    ------
    ValueError
        Bad path, suffix, size or option; an unreadable file; repeated column names; a mapping
        naming unknown columns. The message names the option that fixes it where one does.
    SchemaError
        Unreadable values or schema problems, each with a count, the first contact ids and the
        option to pass where one fixes it.

    Warns
    -----
    ReadWarning
        When the file was read as Windows-1252 because it is not UTF-8, and when times with
        several UTC offsets were read in the zone they come from (or in UTC).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> scratch = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(scratch.name)
    >>> _ = (folder / "log.csv").write_text(
    ...     "CallID;Start;Answered;Queue_Secs\\n"
    ...     "c1;02/01/2026 09:00;Y;12,5\\n"
    ...     "c2;13/01/2026 09:30;N;41\\n")
    >>> read_contacts(folder / "log.csv", mapping={"CallID": "contact_id",
    ...     "Start": "arrived_at", "Answered": "answered", "Queue_Secs": "wait_s"})
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.answered: holds 'Y', 'N' instead of True/False: pass true_values=['Y'] and
      false_values=['N']
    >>> contacts = read_contacts(folder / "log.csv", mapping={"CallID": "contact_id",
    ...     "Start": "arrived_at", "Answered": "answered", "Queue_Secs": "wait_s"},
    ...     true_values=["Y"], false_values=["N"])
    >>> contacts["arrived_at"].dt.strftime("%d %b").tolist()  # day first: 13/01 proves it
    ['02 Jan', '13 Jan']
    >>> contacts["wait_s"].tolist()  # decimal comma
    [12.5, 41.0]
    >>> scratch.cleanup()
    """
    options = ReadOptions.checked(
        mapping=mapping,
        datetime_format=datetime_format,
        true_values=true_values,
        false_values=false_values,
        encoding=encoding,
        sep=sep,
        decimal=decimal,
        na_values=na_values,
        tz=tz,
    )
    source = file_source(path, max_bytes=max_bytes)
    _refuse_text_options(source, options)
    table = _read_table(source, "contacts", options)
    return _finish({"contacts": table}, validate=validate).contacts


def read_dataset(
    folder,
    *,
    datetime_format: str | Mapping[str, str] | None = None,
    true_values=None,
    false_values=None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    na_values=None,
    tz: str | None = None,
    validate: bool = True,
    max_bytes: int = MAX_BYTES,
) -> Dataset:
    """Read ``contacts``, and ``agent_intervals`` and ``costs`` when present, from a folder.

    Each table is one file named after it with a suffix from :data:`READ_SUFFIXES`, in any
    case (``contacts.csv``, ``agent_intervals.parquet``, ``Costs.CSV``); other files are ignored.
    Columns must have kpikit's names.

    Parameters
    ----------
    folder : str or os.PathLike
    datetime_format : str or dict of str to str, optional
        As in :func:`read_contacts`, for every table; or per table, as table name -> format
        (``{"costs": "%d/%m/%Y"}``), the tables not named having their format guessed.
        Advice about a table's dates names the table in such a mapping.
    true_values, false_values, encoding, sep, decimal, na_values, tz
        As in :func:`read_contacts`, for every table (what is detected is detected per file).
    validate : bool, default=True
        Validate the tables together; problems of every table come in one SchemaError.
    max_bytes : int, default=MAX_BYTES
        Size limit per file.

    Returns
    -------
    Dataset
        pandas DataFrames; tables without a file are None.

    Raises
    ------
    ValueError
        An empty path, no folder, no contacts file, or two files for one table (``costs.csv`` and
        ``costs.parquet``, or ``costs.csv`` and ``Costs.csv``); a ``datetime_format`` mapping
        naming an unknown table.
    SchemaError
        As in :func:`read_contacts`.

    Examples
    --------
    Each table's dates may be written their own way: here ``costs`` has day-first dates that
    no day above 12 proves.

    >>> import pathlib, tempfile
    >>> scratch = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(scratch.name)
    >>> _ = (folder / "contacts.csv").write_text(
    ...     "contact_id,arrived_at,answered,wait_s\\nc1,2026-03-02 09:00,True,12\\n")
    >>> _ = (folder / "costs.csv").write_text("period_start,cost\\n01/03/2026,100\\n")
    >>> read_dataset(folder)
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - costs.period_start: dates such as '01/03/2026' read both day first and month first (no day
      above 12 in the file): pass datetime_format={'costs': '%d/%m/%Y'} for day first, or pass
      datetime_format={'costs': '%m/%d/%Y'} for month first
    >>> read_dataset(folder, datetime_format={"costs": "%d/%m/%Y"}).costs["period_start"].tolist()
    [Timestamp('2026-03-01 00:00:00')]
    >>> scratch.cleanup()
    """
    formats = table_formats(datetime_format)
    options = ReadOptions.checked(
        datetime_format=datetime_format if formats is None else None,
        true_values=true_values,
        false_values=false_values,
        encoding=encoding,
        sep=sep,
        decimal=decimal,
        na_values=na_values,
        tz=tz,
    )
    directory = given_path(
        folder, "folder", "give the path of the folder that holds the contacts file"
    )
    try:
        is_folder = directory.is_dir()
    except OSError as error:  # e.g. a name longer than the system allows
        raise ValueError(
            f"Value of 'folder' is refused by the system ({error.strerror}); received: '{folder}'."
        ) from None
    if not is_folder:
        raise ValueError(
            (not directory.exists() and link_problem(directory, "folder", folder))
            or f"Value of 'folder' is not an existing folder; received: '{folder}'."
        )
    paths = {}
    named = _table_files(directory, folder)
    for table in TABLES:
        found = named[table]
        if len(found) > 1:
            names = ", ".join(file.name for file in found)
            raise ValueError(f"Found several {table} files in '{directory}': {names}; keep one.")
        if not found:
            if table == "contacts":
                expected = ", ".join(f"{table}{suffix}" for suffix in READ_SUFFIXES)
                raise ValueError(f"No contacts file in '{directory}'; expected one of: {expected}.")
            continue
        paths[table] = found[0]
    if formats is None:  # one format, or none, for every table
        formats = dict.fromkeys(paths, datetime_format) if datetime_format else {}
    tables = {}
    for table, path in paths.items():
        source = file_source(path, max_bytes=max_bytes)
        table_options = replace(options, datetime_format=formats.get(table), folder_formats=formats)
        tables[table] = _read_table(source, table, table_options)
    return _finish(tables, validate=validate)


def _table_files(directory: Path, folder) -> dict[str, list[Path]]:
    """The files of ``directory`` named after each table with a suffix of
    :data:`READ_SUFFIXES`, the name in any case (``Costs.CSV``, which Windows and macOS find as
    ``costs.csv``, was left out unseen on Linux), in the order of the suffixes.

    >>> import pathlib, tempfile
    >>> scratch = tempfile.TemporaryDirectory()
    >>> for name in ("Costs.CSV", "costs.parquet", "notes.csv"):
    ...     _ = pathlib.Path(scratch.name, name).write_text("")
    >>> [file.name for file in _table_files(pathlib.Path(scratch.name), scratch.name)["costs"]]
    ['Costs.CSV', 'costs.parquet']
    >>> scratch.cleanup()
    """
    tables = {f"{table}{suffix}": table for table in TABLES for suffix in READ_SUFFIXES}
    names = list(tables)
    try:
        listed = [file for file in directory.iterdir() if file.name.lower() in names]
    except OSError as error:  # a folder that may not be read
        raise ValueError(
            f"Value of 'folder' is refused by the system ({error.strerror}); received: '{folder}'."
        ) from None
    listed.sort(key=lambda file: (names.index(file.name.lower()), file.name))
    found = {table: [] for table in TABLES}
    for file in listed:
        if file.is_file():
            found[tables[file.name.lower()]].append(file)
    return found


def read_upload(
    content: bytes,
    filename: str,
    *,
    mapping: Mapping[str, str] | None = None,
    datetime_format: str | None = None,
    true_values=None,
    false_values=None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    na_values=None,
    tz: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Dataset:
    """Read an uploaded contact log (bytes from a browser upload) into a validated Dataset.

    Parameters
    ----------
    content : bytes, bytearray or memoryview
        The file's bytes, e.g. an ipywidgets ``FileUpload`` value's ``content``.
    filename : str
        The uploaded file's name; only its suffix is used (``.csv``, ``.csv.gz``, ``.parquet``).
    mapping, datetime_format, true_values, false_values, encoding, sep, decimal, na_values, tz
        As in :func:`read_contacts`.
    max_bytes : int, default=MAX_BYTES

    Returns
    -------
    Dataset
        Contacts only.

    Raises
    ------
    ValueError
        Unknown suffix, empty or oversized content, unreadable file.
    SchemaError
        Unparsable values or schema problems, with counts and the first contact ids.

    Examples
    --------
    >>> upload = (b"contact_id,arrived_at,answered,wait_s\\n"
    ...           b"1,2024-03-04 09:00:00,True,12\\n")
    >>> read_upload(upload, "log.csv").contacts["wait_s"].tolist()
    [12]
    """
    options = ReadOptions.checked(
        mapping=mapping,
        datetime_format=datetime_format,
        true_values=true_values,
        false_values=false_values,
        encoding=encoding,
        sep=sep,
        decimal=decimal,
        na_values=na_values,
        tz=tz,
    )
    source = bytes_source(content, filename, max_bytes=max_bytes)
    _refuse_text_options(source, options)
    table = _read_table(source, "contacts", options)
    return _finish({"contacts": table}, validate=True)


def _refuse_text_options(source: Source, options: ReadOptions) -> None:
    """Refuse ``encoding``, ``sep`` and ``decimal`` for a parquet file, which holds typed
    columns, not text: they were ignored without a word. (A folder read by
    :func:`read_dataset` applies them to its CSV tables alone.)

    >>> from kpikit.io._source import bytes_source
    >>> _refuse_text_options(bytes_source(b"PAR1", "log.parquet"), ReadOptions(sep=";"))
    Traceback (most recent call last):
    ...
    ValueError: sep applies to CSV text, not to the parquet file 'log.parquet': leave it unset.
    """
    if source.kind != "parquet":
        return
    given = [name for name in ("encoding", "sep", "decimal") if getattr(options, name)]
    if given:
        names = " and ".join(option_name(name) for name in given)
        verb, pronoun = ("applies", "it") if len(given) == 1 else ("apply", "them")
        raise ValueError(
            f"{names} {verb} to CSV text, not to the parquet file {source.label}: leave "
            f"{pronoun} unset."
        )


def _read_table(source: Source, table: str, options: ReadOptions):
    """Read one table, rename and convert its columns.

    Returns the frame, the problems of cells that did not convert, and the problems of required
    columns that are missing where a file column looks like them (reported when validating).
    """
    nested = {}
    if source.kind == "parquet":
        frame, nested = load_parquet(source)
        frame = _missing_markers(frame, options.na_values)
        check_mapping(options.mapping, [str(c) for c in frame.columns], table, source.label)
    else:
        frame, options = _read_csv(source, table, options)
    original = [str(column) for column in frame.columns]
    if options.mapping:
        frame = frame.rename(columns=dict(options.mapping))
        nested = {options.mapping.get(name, name): kind for name, kind in nested.items()}
    missing = _missing_columns(frame, original, table, options)
    # A nested column (a list, a struct) is named with its Parquet type and left out of the
    # conversion, which would read its arrays as values that are not numbers or dates.
    found = [nested_problem(table, s, nested[s.name]) for s in TABLES[table] if s.name in nested]
    converted = _without(frame, [problem.column for problem in found])
    return converted, found + convert(converted, table, options), missing


def _read_csv(source: Source, table: str, options: ReadOptions):
    head, complete = source.head()
    text = sniff_text(
        head,
        complete=complete,
        label=source.label,
        encoding=options.encoding,
        sep=options.sep,
        table=table,
    )
    for note in text.notes:
        warnings.warn(note, ReadWarning, stacklevel=4)
    decimal = options.decimal or guess_decimal(text.columns, text.records)
    check_mapping(options.mapping, text.columns, table, source.label)
    mapping = options.mapping or {}
    kinds = {spec.name: spec.kind for spec in TABLES[table]}
    numbers = {c for c in text.columns if kinds.get(mapping.get(c, c)) == "number"}
    # Number columns written with both marks: advice then names neither option alone.
    mixed_marks = len(decimal_marks(text.columns, text.records, only=numbers)) > 1
    # A decimal comma in a comma-separated file can only be quoted: pandas reads points there,
    # so numbers are read as text and converted with the decimal mark below (which refuses
    # 1.234, perhaps 1234 written with a thousands point, as in a semicolon-separated file).
    as_text = [
        c
        for c in text.columns
        if kinds.get(mapping.get(c, c)) in _TEXT_KINDS or (decimal == text.sep and c in numbers)
    ]
    data = source.text_bytes()
    read = partial(
        pd.read_csv,
        sep=text.sep,
        encoding=text.encoding,
        decimal=decimal if decimal != text.sep else ".",
        dtype=dict.fromkeys(as_text, str),
        keep_default_na=False,
        na_values=["", *options.na_values],
        index_col=False,
    )
    try:
        with warnings.catch_warnings():
            # pandas warns, and drops fields, when every row is longer than the header.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            warnings.simplefilter("error", pd.errors.DtypeWarning)
            try:
                # In chunks, pandas' parser takes half the time of one whole pass (1M
                # contacts: 0.64 s against 1.18 s on pandas 2, 0.28 against 0.57 on pandas 3).
                frame = read(_stream(data))
            except pd.errors.DtypeWarning:
                # Chunks typed differently (a word among numbers) would mix floats and text
                # in one column: the file is read again in one pass, each cell as written.
                frame = read(_stream(data), low_memory=False)
    except UnicodeDecodeError as error:
        advice = decoding_advice(head, text.encoding, error, source.label, data)
        raise ValueError(advice) from None
    except pd.errors.ParserWarning:
        width = len(text.columns)
        long = next((i for i, row in enumerate(text.records, 1) if len(row) > width), None)
        where = f" (data row {long} has {len(text.records[long - 1])})" if long else ""
        advice = (
            "remove the separators at the end of the rows, name every column, or quote the "
            "values that hold a separator"
        )
        names = [name * (name != f"Unnamed: {i}") for i, name in enumerate(text.columns)]
        if long == 1 and (width == 1 or "" in names):
            # A report title or Excel's "sep=," line above the column names.
            first = text.sep.join(names)
            advice = (
                f"the first line, {first[:80]!r}, does not look like column names: if it is "
                "a title or a 'sep=' line above them, delete it so that the file starts with "
                f"the column names; else {advice}"
            )
        raise ValueError(
            f"Cannot read {source.label}: rows have more fields than the header has names "
            f"({width}){where}; {advice}."
        ) from None
    except pd.errors.ParserError as error:
        named = _SEPARATOR_NAMES.get(text.sep, repr(text.sep))
        raise ValueError(
            f"Cannot read {source.label} as {named}-separated text: {_parser_problem(error)}. "
            f"Quote the values that hold a {named}, or {fix(sep=';')} (or the character between "
            "the columns)."
        ) from None
    except pd.errors.EmptyDataError as error:
        raise ValueError(f"Cannot read {source.label} as CSV: {error}") from None
    return frame, replace(options, decimal=decimal, mixed_marks=mixed_marks)


def _parser_problem(error) -> str:
    r"""What pandas' CSV parser ``error`` says, without its prefix and the line break it ends
    with (which split ``kpikit compute``'s one-line message in two).

    >>> _parser_problem(pd.errors.ParserError(
    ...     "Error tokenizing data. C error: Expected 4 fields in line 3, saw 5\n"))
    'Expected 4 fields in line 3, saw 5'
    """
    return str(error).removeprefix("Error tokenizing data. C error: ").strip()


def _stream(data: bytes | Path):
    """What pandas reads CSV from: a new stream over bytes, or the path."""
    return io.BytesIO(data) if isinstance(data, bytes) else data


def _missing_columns(frame, original, table: str, options: ReadOptions) -> list[Problem]:
    """Required columns that are missing but that a file column looks like, with the mapping."""
    missing = [s.name for s in TABLES[table] if s.required and s.name not in frame.columns]
    if not missing:
        return []
    split = _split_by(original)
    if split is not None:
        return [
            Problem(
                table,
                missing[0],
                f"required column is missing; the file has one column, {original[0][:80]!r}, "
                f"which {split!r} would split: {fix(sep=split)}",
            )
        ]
    mapped = set((options.mapping or {}).keys())
    unmapped = [column for column in original if column not in mapped]
    suggested = {
        source: target
        for source, target in suggest_mapping(unmapped, table).items()
        if source != target
    }
    found = {target: source for source, target in suggested.items() if target in missing}
    if not found:
        return []
    full = {**(options.mapping or {}), **suggested}
    problems = []
    for position, (target, source) in enumerate(found.items()):
        advice = f": {fix(mapping=full)}" if position == 0 else " (in the same mapping)"
        if source.strip() == target:
            # A header written "a, b": the name is there, with a space kpikit does not drop.
            looks = f"the file names it {source!r}, with spaces around the name"
            if position == 0:
                advice = f": save the header without them, or {fix(mapping=full)}"
        else:
            looks = f"{source!r} looks like it"
        problems.append(Problem(table, target, f"required column is missing; {looks}{advice}"))
    return problems


def _missing_markers(frame: pd.DataFrame, na_values) -> pd.DataFrame:
    """``frame`` (a Parquet file's) with the text cells listed in ``na_values`` missing, as a
    CSV reader makes them; columns without such a cell are left as they are.

    >>> _missing_markers(pd.DataFrame({"x": ["1", "n/a"], "y": [1.0, 2.0]}), ("n/a",))["x"].tolist()
    ['1', nan]
    """
    if not na_values:
        return frame
    marked = {}
    for name, column in frame.items():
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            listed = column.isin(na_values)
            if listed.any():
                marked[name] = column.mask(listed)
    return frame.assign(**marked) if marked else frame


def _split_by(columns: list[str]) -> str | None:
    """The separator that would split a file read as one column (read with the wrong ``sep``).

    >>> _split_by(["contact_id|arrived_at|answered"]), _split_by(["contact_id"])
    ('|', None)
    """
    if len(columns) != 1:
        return None
    return next((sep for sep in (";", "|", "\t", ",") if sep in columns[0]), None)


def _without(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` without ``columns``; itself when there are none (``drop`` copies every column:
    0.26 s at 1M contacts)."""
    return frame.drop(columns=columns) if columns else frame


def _finish(tables: dict, *, validate: bool) -> Dataset:
    """Combine conversion problems with schema problems in one SchemaError, or return data."""
    problems = [problem for _, found, _ in tables.values() for problem in found]
    dataset = Dataset(**{table: frame for table, (frame, _, _) in tables.items()})
    if validate:
        problems += [problem for _, _, missing in tables.values() for problem in missing]
        # Columns that failed to convert are validated once they convert; checking them now
        # would repeat the same rows as nulls or a wrong type.
        unconverted = {(problem.table, problem.column) for problem in problems}
        checked = Dataset(
            **{
                table: _without(frame, [c for t, c in unconverted if t == table and c in frame])
                for table, (frame, _, _) in tables.items()
            }
        )
        problems += [
            problem
            for problem in schema.check(checked).problems
            if (problem.table, problem.column) not in unconverted
        ]
    if problems:
        raise SchemaError(problems)
    return dataset
