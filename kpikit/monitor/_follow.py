"""Follow a contact log as an ACD writes it, reading only what is new at each poll.

Three layouts are followed:

- one CSV file that grows by appended lines (the byte offset read so far is kept; a line
  without its newline yet is left for the next poll);
- one Parquet file that is rewritten whole (read again when its size or time changes, keeping
  the rows beyond those already seen);
- a folder of drops (``*.csv``, ``*.csv.gz``, ``*.parquet``), each read once, in name order.
  Writers should write a drop under a name starting with ``.`` and rename it when complete;
  such names are skipped.
"""

import io
from pathlib import Path

import pandas as pd

DROP_SUFFIXES = (".csv", ".csv.gz", ".parquet")


def _is_drop(path):
    return not path.name.startswith(".") and path.name.endswith(DROP_SUFFIXES)


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

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> follower = LogFollower(folder)
    >>> pd.DataFrame({"contact_id": [1]}).to_csv(folder / "0001.csv", index=False)
    >>> len(follower.poll()), len(follower.poll())  # the drop is read once
    (1, 0)
    """

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.exists():
            raise ValueError(f"Value of 'path' does not exist: {str(self.path)!r}")
        self._offset = 0
        self._header = None
        self._seen_files = set()
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
        fresh = sorted(
            path
            for path in self.path.iterdir()
            if _is_drop(path) and path.name not in self._seen_files
        )
        frames = []
        for path in fresh:
            frames.append(_read(path))
            self._seen_files.add(path.name)
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
