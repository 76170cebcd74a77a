"""Detect how a contact log is written, to read it right or to ask the one question that matters.

:func:`detect` looks at a CSV or Parquet file (a path or uploaded bytes) and returns a
:class:`Detection`: the text encoding, the separator, the decimal mark, the date format of each
date column (day first or month first, decided by a value whose first part is above 12), the
true/false words of each two-valued column (Y/N, 1/0, yes/no, true/false) and a suggested
mapping from the file's column names to kpikit's (``CallStart`` -> ``arrived_at``).
:func:`kpikit.io.read_contacts`, ``kpikit compute`` and the dashboards' upload step all rely on
these same functions, so what the upload step shows is what the reader does.

What is applied without asking and what is not:

- encoding, separator and decimal mark are read from the file (a file that is not UTF-8 is read
  as Windows-1252 with a :class:`~kpikit.io.ReadWarning`);
- a date order is applied when the values prove it (only one order reads every value); when every
  value reads both ways (no part above 12) the readers stop and ask for ``datetime_format``;
- true/false words other than True/False, and column renames, are only suggested: the readers
  name the option to pass, the upload step shows them for a person to confirm.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from kpikit.io._convert import ReadOptions
from kpikit.io._names import SYNONYMS, check_mapping, suggest_mapping
from kpikit.io._source import MAX_BYTES, bytes_source, file_source, load_parquet
from kpikit.io._text import TextFormat, guess_decimal, read_text, sniff_text
from kpikit.io._values import NA_TOKENS, BoolWords, DateGuess, guess_dates, guess_words
from kpikit.schema import TABLES

__all__ = [
    "DETECT_ROWS",
    "NA_TOKENS",
    "SYNONYMS",
    "BoolWords",
    "DateGuess",
    "Detection",
    "TextFormat",
    "detect",
    "guess_dates",
    "guess_decimal",
    "guess_words",
    "sniff_text",
    "suggest_mapping",
]

DETECT_ROWS = 10_000
"""Rows :func:`detect` looks at by default (``rows=None`` looks at every row)."""


@dataclass(frozen=True)
class Detection:
    """What :func:`detect` found in a file, to read it or to show a person for confirmation.

    Attributes
    ----------
    columns : tuple of str
        The file's columns, in order.
    mapping : mapping of str to str
        Suggested file column -> kpikit column (names already right included).
    encoding, sep, decimal : str or None
        How the CSV text is written; None for Parquet.
    dates : mapping of str to DateGuess
        Per file column that holds text dates.
    words : mapping of str to BoolWords
        Per file column that holds true/false words.
    rows : int
        Data rows looked at.
    notes : tuple of str
        Assumptions worth showing (an encoding guessed).
    table : str
        The kpikit table the mapping is for.
    """

    columns: tuple[str, ...]
    mapping: Mapping[str, str]
    encoding: str | None = None
    sep: str | None = None
    decimal: str | None = None
    dates: Mapping[str, DateGuess] = field(default_factory=dict)
    words: Mapping[str, BoolWords] = field(default_factory=dict)
    rows: int = 0
    notes: tuple[str, ...] = ()
    table: str = "contacts"

    def column_for(self, target: str) -> str | None:
        """The file column suggested for a kpikit column, or None."""
        return next((source for source, name in self.mapping.items() if name == target), None)

    @property
    def missing(self) -> tuple[str, ...]:
        """Required kpikit columns that no file column is mapped to."""
        mapped = set(self.mapping.values())
        return tuple(s.name for s in TABLES[self.table] if s.required and s.name not in mapped)

    @property
    def date_guess(self) -> DateGuess | None:
        """The guess for the first mapped date column (``arrived_at`` for contacts)."""
        for spec in TABLES[self.table]:
            source = self.column_for(spec.name)
            if spec.kind == "datetime" and source in self.dates:
                return self.dates[source]
        return None

    @property
    def datetime_format(self) -> str | None:
        """The format to read the mapped date column with; None when ambiguous or unknown."""
        guess = self.date_guess
        return guess.format if guess else None

    def _mapped_words(self) -> list[BoolWords]:
        return [
            self.words[source]
            for source, target in self.mapping.items()
            if source in self.words and _kind(self.table, target) == "bool"
        ]

    @property
    def true_values(self) -> tuple[str, ...]:
        """Words meaning True in the mapped true/false columns; empty when True/False."""
        found = [w for words in self._mapped_words() if not words.is_standard for w in words.true]
        return tuple(dict.fromkeys(found))

    @property
    def false_values(self) -> tuple[str, ...]:
        """Words meaning False in the mapped true/false columns; empty when True/False."""
        found = [w for words in self._mapped_words() if not words.is_standard for w in words.false]
        return tuple(dict.fromkeys(found))

    @property
    def to_confirm(self) -> tuple[str, ...]:
        """What a person should check before reading: renames, missing columns, ambiguity.

        Empty when the file already has kpikit's names, unambiguous dates and True/False.
        """
        points = [
            f"{source} is read as {target}"
            for source, target in self.mapping.items()
            if source != target
        ]
        points += [f"no column found for {name}" for name in self.missing]
        guess = self.date_guess
        if guess is not None and guess.ambiguous:
            points.append(f"dates such as {guess.example} read both {guess.orders_text}")
        for source, target in self.mapping.items():
            words = self.words.get(source)
            if words and not words.is_standard and _kind(self.table, target) == "bool":
                shown = "/".join(words.true + words.false)
                points.append(f"{source} holds {shown} instead of True/False")
        return tuple(points)

    def read_options(self) -> dict:
        """Keyword arguments for :func:`kpikit.io.read_contacts` that read the file as detected.

        The date format is left out when ambiguous: the reader then asks for it.
        """
        options = {"mapping": dict(self.mapping)}
        for name in ("encoding", "sep", "decimal", "datetime_format"):
            if getattr(self, name) is not None:
                options[name] = getattr(self, name)
        if self.true_values or self.false_values:
            options["true_values"] = list(self.true_values)
            options["false_values"] = list(self.false_values)
        return options

    def __str__(self) -> str:
        lines = [f"{len(self.columns)} columns, {self.rows:,} rows looked at"]
        if self.encoding is not None:
            separator = {"\t": "tab", ",": "comma", ";": "semicolon"}.get(self.sep, repr(self.sep))
            mark = "comma" if self.decimal == "," else "point"
            lines.append(f"text: {self.encoding}, {separator}-separated, decimal {mark}")
        lines += [f"{target:<12} <- {source}" for source, target in self.mapping.items()]
        guess = self.date_guess
        if guess is not None:
            shown = guess.format or "ambiguous: " + " or ".join(guess.candidates)
            lines.append(f"dates: {shown}" + (f" ({guess.order})" if guess.order else ""))
        words = [
            f"{kind} words: {', '.join(values)}"
            for kind, values in (("true", self.true_values), ("false", self.false_values))
            if values  # a column of Y alone has no false word to show
        ]
        if words:
            lines.append("; ".join(words))
        lines += [f"to confirm: {point}" for point in self.to_confirm]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _holds_text(values: pd.Series) -> bool:
    """Whether a column holds text (a Parquet object column may hold lists or dicts).

    >>> _holds_text(pd.Series(["a", None])), _holds_text(pd.Series([[1], [2]]))
    (True, False)
    """
    if isinstance(values.dtype, pd.StringDtype):
        return True
    return values.dtype == object and pd.api.types.infer_dtype(values) in {"string", "empty"}


def _kind(table: str, column: str) -> str | None:
    return next((spec.kind for spec in TABLES[table] if spec.name == column), None)


def detect(
    source,
    *,
    filename: str | None = None,
    table: str = "contacts",
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    rows: int | None = DETECT_ROWS,
    max_bytes: int = MAX_BYTES,
) -> Detection:
    """Detect how a contact log is written: format, date order, true/false words, columns.

    Parameters
    ----------
    source : str, os.PathLike or bytes
        A ``.csv``, ``.csv.gz`` or ``.parquet`` file, or its bytes (then ``filename`` gives
        the suffix).
    filename : str, optional
        The name of uploaded bytes; required with bytes.
    table : str, default="contacts"
    mapping : dict of str to str, optional
        File column -> kpikit column to use instead of the suggestion.
    encoding, sep, decimal : str, optional
        Use these instead of detecting them.
    rows : int or None, default=DETECT_ROWS
        Data rows to look at; None looks at every row (a date order may be proved only by a
        late row: a log sorted by time shows days above 12 after the 12th of the month).
    max_bytes : int, default=MAX_BYTES

    Returns
    -------
    Detection

    Raises
    ------
    ValueError
        Bad path or file, empty file, repeated column names, undecodable text; a bad
        ``encoding``, ``sep`` or ``decimal``, or a ``mapping`` naming columns the file does not
        have, as the readers refuse them.
    TypeError
        Bytes without ``filename``; a ``mapping`` that is not a dict of strings.

    Examples
    --------
    >>> found = detect(b"CallID;CallStart;Answered;Queue Time\\n"
    ...                b"c1;02/01/2026 09:00;Y;12,5\\nc2;13/01/2026 10:30;N;3\\n",
    ...                filename="export.csv")
    >>> found.sep, found.decimal, found.datetime_format, found.true_values
    (';', ',', '%d/%m/%Y %H:%M', ('Y',))
    >>> dict(found.mapping)
    {'CallID': 'contact_id', 'CallStart': 'arrived_at', 'Answered': 'answered', \
'Queue Time': 'wait_s'}
    """
    if table not in TABLES:
        raise ValueError(f"Value of 'table' must be one of {list(TABLES)}; received: {table!r}")
    if rows is not None and (not isinstance(rows, int) or isinstance(rows, bool) or rows < 1):
        raise ValueError(f"Value of 'rows' must be a positive int or None; received: {rows!r}")
    ReadOptions.checked(mapping=mapping, encoding=encoding, sep=sep, decimal=decimal)
    if isinstance(source, bytes | bytearray | memoryview):
        if filename is None:
            raise TypeError("detect() needs 'filename' with bytes, to know the file type.")
        found = bytes_source(source, filename, max_bytes=max_bytes)
    else:
        found = file_source(source, max_bytes=max_bytes)
    if found.kind == "parquet":
        frame, text_format, decimal = load_parquet(found, rows=rows).frame, None, None
    else:
        frame, text_format, decimal = read_text(
            found, encoding=encoding, sep=sep, decimal=decimal, rows=rows
        )
    columns = tuple(str(column) for column in frame.columns)
    if mapping is None:
        mapping = suggest_mapping(columns, table)
    else:
        check_mapping(mapping, columns, table, found.label)
    text = [c for c in frame.columns if _holds_text(frame[c])]
    dates = {str(c): guess for c in text if (guess := guess_dates(frame[c])) is not None}
    words = {str(c): pair for c in text if (pair := guess_words(frame[c])) is not None}
    return Detection(
        columns=columns,
        mapping=MappingProxyType(dict(mapping)),
        encoding=text_format.encoding if text_format else None,
        sep=text_format.sep if text_format else None,
        decimal=decimal,
        dates=MappingProxyType(dates),
        words=MappingProxyType(words),
        rows=len(frame),
        notes=text_format.notes if text_format else (),
        table=table,
    )
