"""Follow a contact log as an ACD writes it, reading only what is new at each poll.

Three layouts are followed:

- one CSV file that grows by appended lines (the byte offset read so far is kept; a line
  without its newline yet is left for the next poll). A file that is no longer the one read
  up to that offset was rewritten or replaced, and is read again from its start: it is
  shorter than the offset, another file (its inode changed), or its first KB or the last line
  read are no longer the same bytes (a longer file written over it). The offset moves only
  once the new lines are read: lines that cannot be (not UTF-8, a field too many) raise a
  ValueError naming them, and are read again at the next poll, once the writer has mended
  them;
- one Parquet file that is rewritten whole (read again when its size or time changes). Each
  read gives the rows that are new or changed since the last one, compared position by
  position: rows appended, a row updated in place (an outcome filled in), and every row of a
  file replaced by another (a new day). The monitor's last row of each contact wins, so a row
  read twice counts once;
- a folder of drops (``*.csv``, ``*.csv.gz``, ``*.parquet``), each read once, in name order.
  Writers should write a drop under a name starting with ``.`` and rename it when complete;
  such names are skipped. A drop that does not look whole yet (empty, a CSV without its last
  newline, a Parquet file without its footer, a ``.csv.gz`` cut short) is left for a later
  poll, with the drops named after it, until it has not changed for :data:`WRITE_PAUSE_S`
  seconds: then it is read as it is (an empty drop has no rows).

Suffixes are matched whatever their case (``LOG.PARQUET``, ``0001.CSV``), as
:func:`checked_log_path` accepts them. CSV contact ids are read as text: ``0123`` and ``123``
are two contacts, not one number.
"""

import csv
import io
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit._validators import as_path

DROP_SUFFIXES = (".csv", ".csv.gz", ".parquet")

_HEAD_BYTES = 1024
"""Bytes at the start of a CSV log kept to tell a file replaced by another (a new day)."""

LOG_SUFFIXES = (".csv", ".parquet")
"""Suffixes of a log followed as one file (a folder of drops has none to match)."""


def _changed_rows(table, seen):
    """The rows of ``table`` that are new or changed beside ``seen``, the hashes of the rows
    read before (position by position), with the hashes of ``table``'s rows.

    >>> old = pd.DataFrame({"contact_id": [1, 2], "answered": [None, None]})
    >>> _, seen = _changed_rows(old, np.array([], dtype="uint64"))
    >>> new = pd.DataFrame({"contact_id": [1, 2, 3], "answered": [None, True, None]})
    >>> _changed_rows(new, seen)[0]["contact_id"].tolist()  # 2 updated in place, 3 new
    [2, 3]
    """
    hashes = pd.util.hash_pandas_object(table, index=False).to_numpy()
    known = min(len(hashes), len(seen))
    changed = np.ones(len(hashes), dtype=bool)
    changed[:known] = hashes[:known] != seen[:known]
    return table[changed].reset_index(drop=True), hashes


def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows of ``frames`` one after the other, every column of any of them kept.

    A column all missing in a frame (``answered`` of contacts still waiting) is left out of
    it, its rows missing all the same, so that the values of the others decide its type: pandas
    2 does so with a FutureWarning, pandas 3 no longer does.

    >>> waiting = pd.DataFrame({"contact_id": ["a"], "answered": [None]})
    >>> done = pd.DataFrame({"contact_id": ["b"], "answered": [True]})
    >>> stacked([waiting, done])["answered"].tolist()
    [nan, True]
    """
    columns = list(dict.fromkeys(column for frame in frames for column in frame.columns))
    kept = [frame.dropna(axis=1, how="all") for frame in frames if len(frame)]
    if not kept:
        return pd.DataFrame(columns=columns)
    return pd.concat(kept, ignore_index=True).reindex(columns=columns)


def _lacking(frame, columns) -> list:
    """The ``columns`` that ``frame`` lacks."""
    return [column for column in columns if column not in frame.columns]


def _is_drop(path):
    return not path.name.startswith(".") and path.name.lower().endswith(DROP_SUFFIXES)


WRITE_PAUSE_S = 30.0
"""How long a drop that does not look whole may stay unchanged before it is read as it is."""


def _written(path, pause_s=WRITE_PAUSE_S) -> bool:
    """Whether the drop ``path`` (a file) looks whole, or has not changed for ``pause_s``
    seconds: a CSV ending with its last line's newline, a Parquet file ending with its footer's
    mark, a ``.csv.gz`` with bytes (whole when it decompresses). A drop still being written is
    left for a later poll rather than read once with its last row cut short (a wait of 45 read
    as 4) and never again; one left unchanged is read as it is (an empty one has no rows, a
    Parquet file without its footer is named as unreadable).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "0001.csv"
    >>> _ = path.write_text("contact_id,wait_s\\n1,4")  # the writer at work
    >>> _written(path), _written(path, pause_s=-1)
    (False, True)
    >>> _ = path.write_text("contact_id,wait_s\\n1,45\\n")
    >>> _written(path)
    True
    """
    name = path.name.lower()
    try:
        with path.open("rb") as file:
            size = file.seek(0, io.SEEK_END)
            file.seek(max(size - 4, 0))
            last = file.read()
        idle_s = time.time() - path.stat().st_mtime
    except OSError:
        return True  # read as usual, whose error names the drop
    if name.endswith(".gz"):
        whole = size > 0
    elif name.endswith(".parquet"):
        whole = last.endswith(b"PAR1")
    else:
        whole = last.endswith((b"\n", b"\r"))
    return whole or idle_s > pause_s


def _is_parquet(path):
    return path.name.lower().endswith(".parquet")


def checked_log_path(path, argument="path"):
    """``path`` as a Path, after checking it names an existing folder, CSV or Parquet file.

    Raises
    ------
    TypeError
        ``path`` is not a str or path.
    ValueError
        It cannot be looked up (too long, a NUL byte, ...), does not exist, or is a file
        other than ``.csv`` or ``.parquet``.

    Examples
    --------
    >>> checked_log_path("x" * 5000, "source")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'source' cannot be looked up (File name too long) but received: 'xxxx...
    """
    candidate = Path(as_path(path, argument))
    shown = str(path) if len(str(path)) <= 80 else str(path)[:60] + "..."
    try:
        folder, exists = candidate.is_dir(), candidate.exists()
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ValueError(
            f"Value of {argument!r} cannot be looked up ({reason}) but received: {shown!r}"
        ) from None
    if not exists:
        raise ValueError(f"Value of {argument!r} does not exist: {shown!r}")
    if not folder and not candidate.name.lower().endswith(LOG_SUFFIXES):
        raise ValueError(
            f"Value of {argument!r} must be a folder of drops, a .csv or a .parquet file but "
            f"received: {shown!r}"
        )
    return candidate


def _read_csv(source):
    """A CSV log or drop, its ``contact_id`` as text: read as numbers, ``0123`` and ``123``
    were one contact (Parquet keeps the type it was written with). The header names every
    column: a row with a field too many is refused with a ValueError, never read as an index
    that shifts the columns (``arrived_at`` read from ``channel``) nor cut short.

    >>> _read_csv(io.StringIO("contact_id,wait_s\\n1,10,phone\\n"))
    Traceback (most recent call last):
    ...
    ValueError: Length of header or names does not match length of data...
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(source, dtype={"contact_id": str}, index_col=False)
        except pd.errors.ParserWarning as warning:
            raise ValueError(str(warning)) from None


def _fields(header):
    """The number of fields of a CSV ``header`` line (bytes)."""
    return len(next(csv.reader([header.decode("utf-8")])))


def _misshapen_lines(header, lines, first_line):
    """The file's line numbers, among ``lines`` (bytes starting at line ``first_line``), of
    the rows with more fields than the ``header`` (blank lines are skipped). A row with fewer
    is read with the rest missing, as a writer leaving out the empty fields of an arrival
    writes it.

    >>> _misshapen_lines(b"contact_id,wait_s\\n", b"1,10\\n\\n2,20,x\\n3\\n", 2)
    [4]
    """
    fields = _fields(header)
    reader = csv.reader(io.StringIO(lines.decode("utf-8"), newline=""))
    return [first_line + reader.line_num - 1 for row in reader if len(row) > fields]


def _read(path):
    if _is_parquet(path):
        return pd.read_parquet(path)
    return _read_csv(path)


class LogFollower:
    """Reads the rows added to a contact log since the last :meth:`poll`.

    Parameters
    ----------
    path : str or Path
        A CSV file, a Parquet file, or a folder of drops.
    required : sequence of sequences of str, default=()
        Groups of columns each drop of a folder must have; a drop lacking some is refused,
        naming the first group it lacks (the keys before the outcome).

    Raises
    ------
    TypeError, ValueError
        As :func:`checked_log_path`.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> follower = LogFollower(folder)
    >>> pd.DataFrame({"contact_id": [1]}).to_csv(folder / "0001.csv", index=False)
    >>> len(follower.poll()), len(follower.poll())  # the drop is read once
    (1, 0)

    Attributes
    ----------
    rows_read_at : float or None
        When the last poll that found rows ran (:func:`time.time`); None before any.
    """

    def __init__(self, path, required=()):
        self.path = checked_log_path(path)
        self.required = tuple(required)
        self._offset = 0
        self._header = None
        self._lines = 0
        self._seen_files = set()
        self._pending = []
        self._head = b""
        self._tail = b""
        self._inode = None
        self._parquet_hashes = np.array([], dtype="uint64")
        self._parquet_stamp = None
        self.rows_read_at = None

    def poll(self):
        """New rows since the last call (an empty frame when nothing is new).

        A drop, or new CSV lines, that cannot be read raise a ValueError naming them; they are
        read again at the next call, so nothing is skipped."""
        rows = self._poll_layout()
        if len(rows):
            self.rows_read_at = time.time()
        return rows

    def _poll_layout(self):
        """:meth:`poll` for the layout of the path: a folder, a Parquet or a CSV file."""
        if self.path.is_dir():
            return self._poll_folder()
        if _is_parquet(self.path):
            return self._poll_parquet()
        return self._poll_csv()

    def _poll_folder(self):
        """The drops not read yet, in name order. A drop that cannot be read, or lacks a
        ``required`` column, raises a ValueError naming it; the drops before it are kept for
        the next poll, and it is read again then (before, they were lost with it)."""
        fresh = sorted(
            path
            for path in self.path.iterdir()
            if _is_drop(path) and path.name not in self._seen_files and path.is_file()
        )
        for path in fresh:
            if not _written(path):  # it and the drops after it wait: read in name order, a
                break  # later drop's row of a contact must not be overtaken by an earlier one
            if path.stat().st_size == 0:  # an empty drop left so: no rows
                self._seen_files.add(path.name)
                continue
            try:
                frame = _read(path)
            except EOFError:  # a .csv.gz whose writer has not closed it yet: the next poll
                break
            except (ValueError, OSError) as error:  # pandas' parser errors are ValueErrors
                raise ValueError(
                    f"The live log's drop {path.name} cannot be read: {error}"
                ) from None
            missing = next(
                (found for group in self.required if (found := _lacking(frame, group))), []
            )
            if missing:
                raise ValueError(
                    f"The live log's drop {path.name} is missing column(s) {missing}; it has "
                    f"{list(frame.columns)}"
                )
            self._pending.append(frame)
            self._seen_files.add(path.name)
        frames, self._pending = self._pending, []
        return stacked(frames) if frames else pd.DataFrame()

    def _poll_parquet(self):
        """The rows new or changed since the last read (:func:`_changed_rows`): appended, updated
        in place, or all of them in a file replaced by another. A file that cannot be read (one
        caught mid-rewrite) raises a ValueError naming it, and is read again at the next poll."""
        status = self.path.stat()
        stamp = (status.st_size, status.st_mtime_ns)
        if stamp == self._parquet_stamp:
            return pd.DataFrame()
        try:
            table = pd.read_parquet(self.path)
        except (ValueError, OSError) as error:  # pyarrow's named "'<Buffer>'", not the file
            raise ValueError(
                f"The live log {self.path.name} cannot be read (being rewritten?): {error}; it "
                "is read again at the next refresh"
            ) from None
        fresh, self._parquet_hashes = _changed_rows(table, self._parquet_hashes)
        self._parquet_stamp = stamp
        return fresh

    def _poll_csv(self):
        """The complete lines appended since the last poll, the whole file again once it was
        rewritten or replaced (:meth:`_replaced`). The offset, header and line count move only
        after the lines are read: moved before, a chunk that failed was skipped at the next
        poll and its rows lost, as the folder of drops once lost its drops."""
        status = self.path.stat()
        with self.path.open("rb") as handle:
            if self._replaced(handle, status):  # read it anew
                self._offset, self._header, self._lines = 0, None, 0
            handle.seek(self._offset)
            chunk = handle.read()
        end = chunk.rfind(b"\n") + 1  # leave a line still being written for later
        if end == 0:
            self._check_line_ends(chunk)
            return pd.DataFrame()
        complete = chunk[:end]
        lines = complete.count(b"\n")
        first = self._lines + 1  # the file's line number, its header line 1
        self._check_decodes(complete, first)
        header, start = self._header, first
        if header is None:
            split = complete.find(b"\n") + 1
            header, complete, start = complete[:split], complete[split:], first + 1
        frame = self._parsed(header, complete, start, (first, first + lines - 1))
        if self._offset == 0:
            self._head = chunk[: min(end, _HEAD_BYTES)]
        self._tail = chunk[chunk.rfind(b"\n", 0, end - 1) + 1 : end]
        self._inode = status.st_ino
        self._offset, self._header, self._lines = self._offset + end, header, self._lines + lines
        return frame

    def _parsed(self, header, lines, first_line, span):
        """The rows of ``lines`` (the file's lines from ``first_line``) under ``header``, or a
        ValueError naming the ``span`` of new lines to mend: a row with more fields than the
        header is named by its line, which pandas would have read shifted."""
        if not lines.strip():
            return pd.DataFrame()
        misshapen = _misshapen_lines(header, lines, first_line)
        try:
            if misshapen:
                raise ValueError(
                    f"line(s) {', '.join(map(str, misshapen))} have more fields than the "
                    f"header's {_fields(header)}"
                )
            return _read_csv(io.BytesIO(header + lines))
        except ValueError as error:  # pandas' parser errors are ValueErrors
            raise ValueError(
                f"The live log {self.path.name} cannot be parsed in lines {span[0]} to "
                f"{span[1]}, new since the last read ({str(error).strip()}, counting the "
                "header as line 1 and the new lines after it): mend them; the next refresh "
                "reads them again"
            ) from None

    def _replaced(self, handle, status):
        """Whether the CSV file open in ``handle`` is no longer the one read up to the offset:
        shorter, another file (inode), or its first KB or last line read changed."""
        if self._offset == 0:
            return False
        if status.st_size < self._offset or status.st_ino != self._inode:
            return True
        head = handle.read(len(self._head))
        handle.seek(self._offset - len(self._tail))
        return head != self._head or handle.read(len(self._tail)) != self._tail

    def _check_line_ends(self, chunk):
        """Refuse a ``chunk`` without a newline whose lines end with a carriage return alone
        (a CR inside it, not last: the LF of a CRLF would follow it at once). Such a log (a
        "CSV (Macintosh)" export) never has a whole line to read: it showed no contact, for good.

        >>> import tempfile
        >>> log = Path(tempfile.mkdtemp()) / "log.csv"
        >>> _ = log.write_bytes(b"contact_id,wait_s\\r1,5\\r")
        >>> LogFollower(log).poll()
        Traceback (most recent call last):
        ...
        ValueError: The live log log.csv ends its lines with a carriage return alone (CR, as \
old Mac files do), so no line of it can be read: write it with newlines (LF or CRLF), or \
convert it (tr '\\r' '\\n'); it is read again at the next refresh
        """
        if b"\r" in chunk[:-1]:
            raise ValueError(
                f"The live log {self.path.name} ends its lines with a carriage return alone "
                "(CR, as old Mac files do), so no line of it can be read: write it with newlines "
                "(LF or CRLF), or convert it (tr '\\r' '\\n'); it is read again at the next "
                "refresh"
            )

    def _check_decodes(self, lines, first_line):
        """Refuse ``lines`` (starting at the file's line ``first_line``) unless they are UTF-8,
        naming the first line that is not: pandas' own error gave a byte position in a buffer
        the user never sees."""
        try:
            lines.decode("utf-8")
        except UnicodeDecodeError as error:
            line = first_line + lines[: error.start].count(b"\n")
            raise ValueError(
                f"The live log {self.path.name} cannot be decoded at line {line} (byte "
                f"{lines[error.start : error.start + 1]!r} is not UTF-8): write the log in "
                "UTF-8, or convert it (iconv -f latin1 -t utf-8); the next refresh reads that "
                "line and those after it again"
            ) from None
