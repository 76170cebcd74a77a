"""How CSV text is written: encoding, separator, header, decimal mark."""

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpikit.io._advice import encoding_fix, fix
from kpikit.io._source import (
    GZIP_MAGIC,
    HEAD_BYTES,
    OLE_MAGIC,
    SAVE_AS_CSV,
    ZIP_MAGIC,
    Source,
    refuse_bad_header,
)
from kpikit.io._values import NA_TOKENS
from kpikit.schema import TABLES

SEPARATORS = (",", ";", "\t")
"""Separators :func:`sniff_text` chooses from (another one can be passed as ``sep``)."""

SAMPLE_RECORDS = 2000
"""Records :func:`sniff_text` keeps from the start of a file to judge its decimal mark."""

_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class TextFormat:
    """How a CSV file is written: encoding, separator, header and the first records.

    Attributes
    ----------
    encoding : str
        ``utf-8``, ``utf-8-sig`` (with a byte order mark), ``utf-16``, ``cp1252``, ``latin-1`` or
        the one passed.
    sep : str
    columns : tuple of str
        The header, with empty names shown as pandas names them (``Unnamed: 3``).
    records : tuple of tuple of str
        The data records found in the sample (blank lines left out).
    notes : tuple of str
        What was assumed, to show a person (a non-UTF-8 file read as Windows-1252).
    """

    encoding: str
    sep: str
    columns: tuple[str, ...]
    records: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()


_ROW_NOUNS = {"contacts": "contact", "agent_intervals": "agent and interval", "costs": "period"}


def sniff_text(
    head: bytes,
    *,
    complete: bool,
    label: str = "the file",
    encoding: str | None = None,
    sep: str | None = None,
    table: str = "contacts",
) -> TextFormat:
    """Find the encoding, the separator and the header of CSV text from its first bytes.

    Parameters
    ----------
    head : bytes
        The start of the file (or all of it).
    complete : bool
        Whether ``head`` is the whole file; if not, its last, possibly cut, record is ignored.
    label : str, default="the file"
        How to name the file in messages.
    encoding, sep : str, optional
        Use these instead of detecting them.
    table : str, default="contacts"
        The table the file holds, for the header an empty file's message shows.

    Returns
    -------
    TextFormat

    Raises
    ------
    ValueError
        An empty file, text that is not in the given encoding (naming the one that reads it),
        NUL bytes (binary or UTF-16 without a byte order mark) or repeated column names.

    Examples
    --------
    >>> found = sniff_text("Call ID;Start;Wait\\n1;13/01/2026 09:00;12,5\\n".encode("cp1252"),
    ...                    complete=True)
    >>> found.sep, found.columns, found.records
    (';', ('Call ID', 'Start', 'Wait'), (('1', '13/01/2026 09:00', '12,5'),))
    >>> sniff_text(b"id,wait,wait\\n1,2,3\\n", complete=True)
    Traceback (most recent call last):
    ...
    ValueError: the file has 2 columns named 'wait' (columns 2 and 3); rename or remove one: ...
    """
    _refuse_binary(head, label)
    notes = []
    if encoding is None:
        encoding, note = _detect_encoding(head, complete=complete, label=label)
        notes += [note] if note else []
    text = _decode(head, encoding, complete=complete, label=label).lstrip("\ufeff")
    if not text.strip():
        header = ",".join(spec.name for spec in TABLES[table] if spec.required)
        raise ValueError(
            f"{label} is empty: expected a header row (for example {header}) and one row "
            f"per {_ROW_NOUNS.get(table, 'record')}."
        )
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    if sep is None:
        sep = _detect_separator(text)
    records = _records(text, sep, limit=SAMPLE_RECORDS + 1)
    if not complete and 1 < len(records) <= SAMPLE_RECORDS:
        records = records[:-1]  # the sample's end may cut it inside a quoted field
    header = records[0] if records else []
    columns = tuple(name or f"Unnamed: {i}" for i, name in enumerate(header))
    _refuse_control_characters(header, label)
    refuse_bad_header(header, label)
    rows = tuple(tuple(record) for record in records[1:] if record)
    return TextFormat(encoding, sep, columns, rows, tuple(notes))


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters no column name holds (a tab, a line feed or a carriage return may, quoted)."""


def _refuse_control_characters(header: list[str], label: str) -> None:
    """Refuse a file whose first line, the column names, holds control characters: binary data
    that happens to decode (Windows-1252 decodes almost any bytes) is not CSV text.

    >>> _refuse_control_characters(["id", "w\x03ait"], "'junk.csv'")
    Traceback (most recent call last):
    ...
    ValueError: Cannot read 'junk.csv': its first line, which should name the columns, holds \
control characters ('\\x03' in column 2), so it is not CSV text: check that the file is a CSV \
export of the contact log.
    """
    for position, name in enumerate(header, start=1):
        if found := _CONTROL_CHARACTERS.search(name):
            raise ValueError(
                f"Cannot read {label}: its first line, which should name the columns, holds "
                f"control characters ({found.group()!r} in column {position}), so it is not CSV "
                "text: check that the file is a CSV export of the contact log."
            )


_BINARY_KINDS = (
    (GZIP_MAGIC, "gzip-compressed", "name a CSV file compressed once with gzip .csv.gz"),
    (ZIP_MAGIC, "a zip archive, such as an Excel workbook", SAVE_AS_CSV),
    (OLE_MAGIC, "an old Excel workbook (.xls)", SAVE_AS_CSV),
    (b"PAR1", "a Parquet file", "name it .parquet, which kpikit reads as it is"),
)


def _refuse_binary(head: bytes, label: str) -> None:
    """Refuse a file that starts as a kind of binary file (a workbook renamed ``.csv``).

    >>> _refuse_binary(b"PK\x03\x04...", "'log.csv'")
    Traceback (most recent call last):
    ...
    ValueError: Cannot read 'log.csv': it is a zip archive, such as an Excel workbook, not CSV
    text: open it in Excel and save the sheet as CSV UTF-8.
    """
    for magic, what, advice in _BINARY_KINDS:
        if head.startswith(magic):
            raise ValueError(f"Cannot read {label}: it is {what}, not CSV text: {advice}.")


def _detect_encoding(head: bytes, *, complete: bool, label: str) -> tuple[str, str | None]:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", None
    if b"\x00" in head:
        raise ValueError(
            f"Cannot read {label}: it holds NUL bytes, so it is not CSV text (or it is UTF-16 "
            f"text without a byte order mark: {fix(encoding='utf-16')})."
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        encoding, name = "cp1252", "Windows-1252 (Western European)"
    except UnicodeDecodeError:
        encoding, name = "latin-1", "Latin-1 (ISO-8859-1)"
    note = (
        f"{label} is not UTF-8 text; it was read as {name}. If letters look wrong, "
        f"{encoding_fix('cp1250')}."
    )
    return encoding, note


def _decode(head: bytes, encoding: str, *, complete: bool, label: str) -> str:
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise ValueError(
            f"Value of 'encoding' is not a text encoding Python knows; received: {encoding!r}. "
            "Expected a name such as 'utf-8', 'cp1252' or 'latin-1'."
        ) from None
    try:
        return codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError as error:
        raise ValueError(decoding_advice(head, encoding, error, label)) from None
    except UnicodeError as error:  # UTF-16 or UTF-32 given for text without a byte order mark
        other = "utf-16-le" if b"\x00" in head else "utf-8"
        raise ValueError(
            f"Cannot read {label} as {encoding} text ({error}): {encoding_fix(other)}."
        ) from None


def decoding_advice(
    head: bytes, encoding: str, error: UnicodeDecodeError, label: str, data=None
) -> str:
    """The message for text that is not in ``encoding``, naming an encoding that reads it.

    ``error`` comes from decoding ``head``; or, given ``data`` (the whole text, as bytes or a
    file's path), from pandas, which decodes in chunks, so that its position is within a
    chunk (a byte past the first MiB was said to be "at position 3"): the byte is then found
    again in ``data`` (:func:`_first_undecodable`).
    """
    found = None if data is None else _first_undecodable(data, encoding)
    if found is not None:
        byte, where = found
    else:
        byte = error.object[error.start : error.start + 1].hex() if error.object else "?"
        where = f"position {error.start}"
    try:
        head.decode("cp1252")
        other = "cp1252"
    except UnicodeDecodeError:
        other = "latin-1"
    if other == encoding.lower():
        other = "utf-8"
    return (
        f"Cannot read {label} as {encoding} text (byte 0x{byte} at {where}): {encoding_fix(other)}."
    )


def _first_undecodable(data: bytes | Path, encoding: str) -> tuple[str, str] | None:
    r"""The first byte of ``data`` that ``encoding`` cannot decode, in hex, and where it is:
    its position in the text and, for an encoding that writes a line break as ``\n``, its
    line (from 1); None when every byte decodes. Read in chunks of :data:`HEAD_BYTES`.

    >>> _first_undecodable(b"id,queue\nc1,north\nc2,Caf\xe9\n", "utf-8")
    ('e9', 'position 24, line 3')
    >>> _first_undecodable(b"id\nc\xc3", "utf-8")  # the last character cut short
    ('c3', 'position 4, line 2')
    >>> _first_undecodable(b"id\n", "utf-8") is None
    True
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    counts_lines = "\n".encode(encoding, errors="ignore") == b"\n"
    offset, lines = 0, 1
    with io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb") as raw:
        while True:
            chunk = raw.read(HEAD_BYTES)
            pending = len(decoder.getstate()[0])  # the end of a character cut by the last chunk
            try:
                decoder.decode(chunk, final=not chunk)  # at the end, a character cut short
            except UnicodeDecodeError as error:
                start = offset - pending + error.start
                lines += chunk[: max(error.start - pending, 0)].count(b"\n")
                line = f", line {lines}" if counts_lines else ""
                return error.object[error.start : error.start + 1].hex(), f"position {start}{line}"
            if not chunk:
                return None
            offset += len(chunk)
            lines += chunk.count(b"\n")


def _records(text: str, sep: str, limit: int | None = None) -> list[list[str]]:
    """The records of ``text``, with blank lines left out as pandas leaves them out.

    pandas takes a line holding only spaces and tabs (other than ``sep``) for a blank line.
    """
    blank = " \t\r\n".replace(sep, "")
    lines = (line for line in io.StringIO(text, newline="") if line.strip(blank))
    reader = csv.reader(lines, delimiter=sep, strict=False)
    records = []
    try:
        for record in reader:
            records.append(record)
            if limit is not None and len(records) >= limit:
                break
    except csv.Error:
        pass  # an oversized or malformed field: judge by the records before it
    return records


def _detect_separator(text: str) -> str:
    best, best_score = ",", None
    for candidate in SEPARATORS:
        records = [record for record in _records(text, candidate, limit=200) if record]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rows = records[1:]
        same = sum(len(row) == width for row in rows)
        score = (same == len(rows), same, width)
        if best_score is None or score > best_score:
            best, best_score = candidate, score
    return best


def guess_decimal(columns: tuple[str, ...], records) -> str:
    """``","`` when number-like columns use decimal commas (``12,5``), else ``"."``.

    A column counts when every value is a number written one way; values like ``1,234`` (three
    digits after the comma) could be thousands, so they decide nothing.

    Examples
    --------
    >>> guess_decimal(("a", "b"), [("12,5", "3"), ("7", "0,25")])
    ','
    >>> guess_decimal(("a",), [("1,234",), ("12,000",)])
    '.'
    """
    return "," if decimal_marks(columns, records) == {","} else "."


def decimal_marks(columns: tuple[str, ...], records, only=None) -> set[str]:
    """The decimal marks the number-like columns use, judged as :func:`guess_decimal` does:
    both when some columns write ``12,5`` and others ``1.5``, which no one ``decimal`` reads.
    ``only`` (column names), when given, limits the columns judged.

    >>> sorted(decimal_marks(("wait", "talk"), [("12,5", "1.234"), ("3", "60")]))
    [',', '.']
    >>> decimal_marks(("wait", "talk"), [("12,5", "1.234"), ("3", "60")], only={"wait"})
    {','}
    >>> decimal_marks(("a",), [("1,234",), ("7",)])
    set()
    """
    marks = set()
    for position, name in enumerate(columns):
        if only is not None and name not in only:
            continue
        values = [row[position].strip() for row in records if position < len(row)]
        values = [value for value in values if value and value not in NA_TOKENS]
        if not values:
            continue
        if all(_COMMA_DECIMAL.match(v) or _INTEGER.match(v) for v in values):
            commas = [v for v in values if "," in v]
            if commas and not all(_THOUSANDS.match(v) for v in commas):
                marks.add(",")
        elif all(_POINT_DECIMAL.match(v) or _INTEGER.match(v) for v in values):
            marks.add(".")
    return marks


def read_text(
    source: Source, *, encoding=None, sep=None, decimal=None, rows=None
) -> tuple[pd.DataFrame, TextFormat, str]:
    """Every cell of a CSV source as text (empty cells missing), with its format."""
    head, complete = source.head()
    text_format = sniff_text(
        head, complete=complete, label=source.label, encoding=encoding, sep=sep
    )
    if decimal is None:
        decimal = guess_decimal(text_format.columns, text_format.records)
    data = source.text_bytes()
    try:
        with warnings.catch_warnings():
            # Detection skips malformed lines; the readers report them.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(data) if isinstance(data, bytes) else data,
                sep=text_format.sep,
                encoding=text_format.encoding,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                nrows=rows,
                index_col=False,
                on_bad_lines="skip",
            )
    except UnicodeDecodeError as error:
        advice = decoding_advice(head, text_format.encoding, error, source.label, data)
        raise ValueError(advice) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise ValueError(f"Cannot read {source.label} as CSV: {error}") from None
    return frame, text_format, decimal
