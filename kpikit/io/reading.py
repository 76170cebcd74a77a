"""Read contact logs from CSV or Parquet into kpikit's tables.

Readers check the file before parsing it (it exists, is a file, has a known suffix, stays under
a size limit, also once decompressed), rename vendor columns through a ``mapping``, parse text
timestamps and then :func:`kpikit.schema.validate` the result. Every value that cannot be read
is reported with its id in a :class:`~kpikit.schema.SchemaError`; nothing becomes NaT or NaN
silently.

The documented conversions, all applied to freshly read data only:

- id and text columns are read as text, so ``007`` keeps its zeros and ids never become floats;
- text timestamps are parsed with :func:`pandas.to_datetime` (the format is inferred from the
  first value unless ``datetime_format`` is given);
- number columns that arrive as text (one stray cell makes pandas keep the whole column as text)
  are converted with :func:`pandas.to_numeric`, reporting the cells that are not numbers;
- boolean columns with empty cells (pandas reads them as an object column of True/False/NaN)
  become pandas' nullable ``boolean`` dtype. Other encodings (0/1, yes/no) are reported, not
  guessed.
"""

import gzip
import io
from collections.abc import Mapping
from pathlib import Path, PurePath

import pandas as pd

from kpikit import schema
from kpikit.io._paths import as_path
from kpikit.schema import TABLES, Dataset, Problem, SchemaError

MAX_BYTES = 200_000_000
"""Default size limit of a file to read (200 MB), checked on disk and once decompressed."""

READ_SUFFIXES = (".csv", ".csv.gz", ".parquet")
"""File suffixes the readers accept (case-insensitive)."""


def read_contacts(
    path,
    mapping: Mapping[str, str] | None = None,
    *,
    validate: bool = True,
    max_bytes: int = MAX_BYTES,
    datetime_format: str | None = None,
) -> pd.DataFrame:
    """Read a contact log from CSV, gzipped CSV or Parquet into a pandas DataFrame.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.csv``, ``.csv.gz`` or ``.parquet`` file.
    mapping : dict of str to str, optional
        Vendor column name -> kpikit column name, e.g. ``{"CallID": "contact_id"}``.
        Columns not named in the mapping keep their names.
    validate : bool, default=True
        Run :func:`kpikit.schema.validate` on the result. Values that cannot be parsed
        (timestamps, numbers) are reported either way.
    max_bytes : int, default=MAX_BYTES
        Largest file size accepted, on disk and after decompression.
    datetime_format : str, optional
        Format of text timestamps, passed to :func:`pandas.to_datetime` (``"%d/%m/%Y %H:%M"``,
        ``"ISO8601"``, ``"mixed"``). By default it is inferred from the first value and every
        other value must follow it.

    Returns
    -------
    pandas.DataFrame
        The contacts, with kpikit column names.

    Raises
    ------
    ValueError
        Bad path, suffix, size, unreadable file, or a mapping naming unknown columns.
    SchemaError
        Unparsable values or schema problems, each with a count and the first contact ids.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> scratch = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(scratch.name)
    >>> _ = (folder / "log.csv").write_text(
    ...     "CallID,Start,Answered,Queue_Secs\\n"
    ...     "c1,2024-03-04 09:00:00,true,12\\n"
    ...     "c2,2024-03-04 09:00:30,false,41\\n")
    >>> contacts = read_contacts(folder / "log.csv", mapping={
    ...     "CallID": "contact_id", "Start": "arrived_at",
    ...     "Answered": "answered", "Queue_Secs": "wait_s"})
    >>> contacts.columns.tolist()
    ['contact_id', 'arrived_at', 'answered', 'wait_s']
    >>> contacts["arrived_at"].dt.second.tolist()
    [0, 30]
    >>> scratch.cleanup()
    """
    file, suffix = _checked_path(path, max_bytes=max_bytes)
    table = _read_table(
        file,
        suffix,
        "contacts",
        mapping=mapping,
        max_bytes=max_bytes,
        datetime_format=datetime_format,
        label=f"'{file}'",
    )
    return _finish({"contacts": table}, validate=validate).contacts


def read_dataset(
    folder,
    *,
    validate: bool = True,
    max_bytes: int = MAX_BYTES,
    datetime_format: str | None = None,
) -> Dataset:
    """Read ``contacts``, and ``agent_intervals`` and ``costs`` when present, from a folder.

    Each table is one file named after it with a suffix from :data:`READ_SUFFIXES`
    (``contacts.csv``, ``agent_intervals.parquet``, ``costs.csv.gz``); other files are ignored.

    Parameters
    ----------
    folder : str or os.PathLike
    validate : bool, default=True
        Validate the tables together; problems of every table come in one SchemaError.
    max_bytes : int, default=MAX_BYTES
        Size limit per file.
    datetime_format : str, optional
        As in :func:`read_contacts`, for every table.

    Returns
    -------
    Dataset
        pandas DataFrames; tables without a file are None.

    Raises
    ------
    ValueError
        No folder, no contacts file, or two files for one table (``costs.csv`` and
        ``costs.parquet``).
    SchemaError
        As in :func:`read_contacts`.
    """
    directory = Path(as_path(folder, "folder"))
    if not directory.is_dir():
        raise ValueError(f"Value of 'folder' is not an existing folder; received: '{folder}'.")
    tables = {}
    for table in TABLES:
        files = [directory / f"{table}{suffix}" for suffix in READ_SUFFIXES]
        found = [file for file in files if file.is_file()]
        if len(found) > 1:
            names = ", ".join(file.name for file in found)
            raise ValueError(f"Found several {table} files in '{directory}': {names}; keep one.")
        if not found:
            if table == "contacts":
                expected = ", ".join(file.name for file in files)
                raise ValueError(f"No contacts file in '{directory}'; expected one of: {expected}.")
            continue
        file, suffix = _checked_path(found[0], max_bytes=max_bytes)
        tables[table] = _read_table(
            file,
            suffix,
            table,
            mapping=None,
            max_bytes=max_bytes,
            datetime_format=datetime_format,
            label=f"'{file}'",
        )
    return _finish(tables, validate=validate)


def read_upload(
    content: bytes,
    filename: str,
    *,
    mapping: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    datetime_format: str | None = None,
) -> Dataset:
    """Read an uploaded contact log (bytes from a browser upload) into a validated Dataset.

    Parameters
    ----------
    content : bytes, bytearray or memoryview
        The file's bytes, e.g. an ipywidgets ``FileUpload`` value's ``content``.
    filename : str
        The uploaded file's name; only its suffix is used (``.csv``, ``.csv.gz``, ``.parquet``).
    mapping, max_bytes, datetime_format
        As in :func:`read_contacts`.

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
    if not isinstance(content, bytes | bytearray | memoryview):
        raise TypeError(f"Value of 'content' must be bytes; received {type(content).__name__}.")
    if not isinstance(filename, str):
        raise TypeError(f"Value of 'filename' must be a str; received {type(filename).__name__}.")
    name = PurePath(filename).name
    suffix = _suffix(name)
    label = f"'{name}'"
    if suffix not in READ_SUFFIXES:
        raise ValueError(
            f"Cannot read {label}: expected a file ending in {', '.join(READ_SUFFIXES)}."
        )
    data = bytes(content)
    if not data:
        raise ValueError(f"The uploaded file {label} is empty.")
    _check_size(len(data), max_bytes, label)
    table = _read_table(
        data,
        suffix,
        "contacts",
        mapping=mapping,
        max_bytes=max_bytes,
        datetime_format=datetime_format,
        label=label,
    )
    return _finish({"contacts": table}, validate=True)


def _suffix(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv.gz"):
        return ".csv.gz"
    return PurePath(lowered).suffix


def _check_size(size: int, max_bytes: int, label: str, *, stage: str = "") -> None:
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise ValueError(f"Value of 'max_bytes' must be a positive int; received: {max_bytes!r}.")
    if size > max_bytes:
        raise ValueError(
            f"{label} is {size / 1e6:.1f} MB{stage}, above the limit of "
            f"{max_bytes / 1e6:.1f} MB; raise max_bytes to read it."
        )


def _checked_path(path, *, max_bytes: int) -> tuple[Path, str]:
    file = Path(as_path(path, "path"))
    if not file.exists():
        raise ValueError(f"Value of 'path' does not exist; received: '{path}'.")
    if not file.is_file():
        raise ValueError(f"Value of 'path' is not a file; received: '{path}'.")
    suffix = _suffix(file.name)
    if suffix not in READ_SUFFIXES:
        raise ValueError(
            f"Value of 'path' must end in {', '.join(READ_SUFFIXES)}; received: '{path}'."
        )
    _check_size(file.stat().st_size, max_bytes, f"'{file}'")
    return file, suffix


def _text_columns(table: str, mapping: Mapping[str, str] | None) -> list[str]:
    """Source names of the id and text columns, read as text so ids never turn into floats."""
    mapping = mapping or {}
    text = {spec.name for spec in TABLES[table] if spec.kind in {"id", "string"}}
    renamed = {target for target in mapping.values()}
    return [source for source, target in mapping.items() if target in text] + [
        name for name in text if name not in renamed
    ]


def _load(source, suffix: str, *, table, mapping, max_bytes: int, label: str) -> pd.DataFrame:
    """Parse the bytes or file into a pandas DataFrame, with errors naming the file."""
    try:
        if suffix == ".parquet":
            return _load_parquet(source, max_bytes=max_bytes, label=label)
        if suffix == ".csv.gz":
            source = _gunzip(source, max_bytes=max_bytes, label=label)
        elif isinstance(source, bytes):
            source = io.BytesIO(source)
        return pd.read_csv(
            source,
            dtype=dict.fromkeys(_text_columns(table, mapping), str),
            encoding="utf-8-sig",
            low_memory=False,
        )
    except UnicodeDecodeError:
        raise ValueError(f"Cannot read {label}: it is not UTF-8 text; save it as UTF-8.") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValueError(f"Cannot read {label} as CSV: {error}") from None


def _gunzip(source, *, max_bytes: int, label: str) -> io.BytesIO:
    raw = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")
    try:
        with raw, gzip.GzipFile(fileobj=raw) as unzipped:
            # Read one byte past the limit: enough to tell a decompression bomb from a big file.
            data = unzipped.read(max_bytes + 1)
    except (OSError, EOFError) as error:
        raise ValueError(f"Cannot read {label} as gzip: {error}") from None
    _check_size(len(data), max_bytes, label, stage=" once decompressed")
    return io.BytesIO(data)


def _load_parquet(source, *, max_bytes: int, label: str) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("Reading Parquet needs pyarrow: pip install pyarrow") from None
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        metadata = pq.read_metadata(handle)
        size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
        _check_size(size, max_bytes, label, stage=" uncompressed")
        if isinstance(handle, io.BytesIO):
            handle.seek(0)
        return pd.read_parquet(handle)
    except (OSError, ValueError) as error:
        if str(error).startswith(label):
            raise
        raise ValueError(f"Cannot read {label} as Parquet: {error}") from None


def _check_mapping(mapping) -> None:
    if mapping is not None and (
        not isinstance(mapping, Mapping)
        or not all(isinstance(name, str) for pair in mapping.items() for name in pair)
    ):
        raise TypeError(
            "Value of 'mapping' must be a dict of {vendor column: kpikit column} strings; "
            f"received: {mapping!r}."
        )


def _renamed(frame: pd.DataFrame, mapping, table: str, label: str) -> pd.DataFrame:
    if mapping is None:
        return frame
    present = [str(column) for column in frame.columns]
    unknown = [source for source in mapping if source not in present]
    if unknown:
        raise ValueError(
            f"Value of 'mapping' names columns that are not in {label}: "
            f"{', '.join(map(repr, unknown))}. Columns in the file: {', '.join(present)}."
        )
    valid = [spec.name for spec in TABLES[table]]
    foreign = [target for target in mapping.values() if target not in valid]
    if foreign:
        raise ValueError(
            f"Value of 'mapping' maps to names that are not {table} columns: "
            f"{', '.join(map(repr, foreign))}. Expected one of: {', '.join(valid)}."
        )
    targets = list(mapping.values())
    repeated = sorted({target for target in targets if targets.count(target) > 1})
    if repeated:
        raise ValueError(
            f"Value of 'mapping' maps several columns to {', '.join(map(repr, repeated))}; "
            "map one column to each kpikit name."
        )
    clashes = [t for s, t in mapping.items() if t in present and t != s and t not in mapping]
    if clashes:
        raise ValueError(
            f"Value of 'mapping' renames columns to {', '.join(map(repr, clashes))}, but {label} "
            "already has columns of those names; map or remove one of each pair."
        )
    return frame.rename(columns=dict(mapping))


def _read_table(source, suffix, table, *, mapping, max_bytes, datetime_format, label):
    """Read one table and apply the documented conversions.

    Returns the frame and the problems of the values that did not convert.
    """
    _check_mapping(mapping)
    raw = _load(source, suffix, table=table, mapping=mapping, max_bytes=max_bytes, label=label)
    frame = _renamed(raw, mapping, table, label)
    problems: list[Problem] = []
    examples = _example_ids(frame, table)
    for spec in TABLES[table]:
        if spec.name not in frame.columns:
            continue
        values = frame[spec.name]
        is_object = values.dtype == object
        if spec.kind == "bool":
            if is_object and pd.api.types.infer_dtype(values, skipna=True) == "boolean":
                frame[spec.name] = values.astype("boolean")
            continue
        is_text = is_object or pd.api.types.is_string_dtype(values)
        if spec.kind not in {"datetime", "number"} or not is_text or values.isna().all():
            continue
        try:
            if spec.kind == "datetime":
                parsed = pd.to_datetime(values, errors="coerce", format=datetime_format)
            else:
                parsed = pd.to_numeric(values, errors="coerce")
        except (ValueError, TypeError) as error:
            wanted = "timestamps" if spec.kind == "datetime" else "numbers"
            problems.append(Problem(table, spec.name, f"cannot be read as {wanted}: {error}"))
            continue
        failed = values.notna() & parsed.isna()
        if failed.any():
            problems.append(_unparsed(table, spec.kind, values, failed, examples))
        else:
            frame[spec.name] = parsed
    return frame, problems


def _example_ids(frame: pd.DataFrame, table: str) -> tuple[str, pd.Series]:
    if table == "contacts" and "contact_id" in frame.columns:
        return "contact_id", frame["contact_id"].reset_index(drop=True)
    return "row position", pd.Series(range(len(frame)))


def _unparsed(table, kind, values: pd.Series, failed: pd.Series, examples) -> Problem:
    key, ids = examples
    bad = values[failed].reset_index(drop=True)
    samples = ", ".join(repr(value) for value in bad.drop_duplicates().head(3))
    what = "not a timestamp" if kind == "datetime" else "not a number"
    return Problem(
        table,
        values.name,
        f"{what} (values such as {samples})",
        int(failed.sum()),
        tuple(ids[failed.to_numpy()].head(5).tolist()),
        key,
    )


def _finish(tables: dict, *, validate: bool) -> Dataset:
    """Combine conversion problems with schema problems in one SchemaError, or return data."""
    problems = [problem for _, found in tables.values() for problem in found]
    dataset = Dataset(**{table: frame for table, (frame, _) in tables.items()})
    if validate:
        # Columns that failed to convert are validated once they convert; checking them now
        # would repeat the same rows as nulls or a wrong type.
        unconverted = {(problem.table, problem.column) for problem in problems}
        checked = Dataset(
            **{
                table: frame.drop(columns=[c for t, c in unconverted if t == table])
                for table, (frame, _) in tables.items()
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
