"""Follow a contact log as an ACD writes it, reading only what is new at each poll.

Three layouts are followed:

- one CSV file that grows by appended lines (the byte offset read so far is kept; a line
  without its newline yet is left for the next poll; a file shorter than that offset was
  rewritten, and is read again from its start);
- one Parquet file that is rewritten whole (read again when its size or time changes, keeping
  the rows beyond those already seen);
- a folder of drops (``*.csv``, ``*.csv.gz``, ``*.parquet``), each read once, in name order.
  Writers should write a drop under a name starting with ``.`` and rename it when complete;
  such names are skipped.
"""

import io
from pathlib import Path

import pandas as pd

from kpikit._validators import as_path

DROP_SUFFIXES = (".csv", ".csv.gz", ".parquet")

LOG_SUFFIXES = (".csv", ".parquet")
"""Suffixes of a log followed as one file (a folder of drops has none to match)."""


def _lacking(frame, columns) -> list:
    """The ``columns`` that ``frame`` lacks."""
    return [column for column in columns if column not in frame.columns]


def _is_drop(path):
    return not path.name.startswith(".") and path.name.endswith(DROP_SUFFIXES)


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


def _read(path):
    if path.name.endswith(".parquet"):
        return pd.read_parquet(path)
    return pd.read_csv(path)


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
    """

    def __init__(self, path, required=()):
        self.path = checked_log_path(path)
        self.required = tuple(required)
        self._offset = 0
        self._header = None
        self._seen_files = set()
        self._pending = []
        self._parquet_rows = 0
        self._parquet_stamp = None

    def poll(self):
        """New rows since the last call (an empty frame when nothing is new)."""
        if self.path.is_dir():
            return self._poll_folder()
        if self.path.name.endswith(".parquet"):
            return self._poll_parquet()
        return self._poll_csv()

    def _poll_folder(self):
        """The drops not read yet, in name order. A drop that cannot be read, or lacks a
        ``required`` column, raises a ValueError naming it; the drops before it are kept for
        the next poll, and it is read again then (before, they were lost with it)."""
        fresh = sorted(
            path
            for path in self.path.iterdir()
            if _is_drop(path) and path.name not in self._seen_files
        )
        for path in fresh:
            try:
                frame = _read(path)
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
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _poll_parquet(self):
        status = self.path.stat()
        stamp = (status.st_size, status.st_mtime_ns)
        if stamp == self._parquet_stamp:
            return pd.DataFrame()
        self._parquet_stamp = stamp
        table = pd.read_parquet(self.path)
        fresh = table.iloc[self._parquet_rows :]
        self._parquet_rows = len(table)
        return fresh.reset_index(drop=True)

    def _poll_csv(self):
        if self.path.stat().st_size < self._offset:  # rewritten or rotated: read it anew
            self._offset, self._header = 0, None
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        end = chunk.rfind(b"\n") + 1  # leave a line still being written for later
        if end == 0:
            return pd.DataFrame()
        complete = chunk[:end]
        self._offset += end
        if self._header is None:
            first = complete.find(b"\n") + 1
            self._header, complete = complete[:first], complete[first:]
        if not complete.strip():
            return pd.DataFrame()
        return pd.read_csv(io.BytesIO(self._header + complete))
