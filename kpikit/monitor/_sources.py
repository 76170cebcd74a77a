"""Which live logs a dashboard may follow: entries of one allowed folder, named, never a path.

A dashboard link names its source (``?source=today``). That name comes from whoever sent the
link, so it is only ever looked up among the entries of one folder the server's owner chose:
the environment variable ``KPIKIT_MONITOR_DIR``, else ``~/kpikit-monitor``. A name is one
entry of that folder: no separator, no ``..``, no absolute path, nothing hidden, and once
symbolic links are followed it must still lie inside the folder. The entries that can be
followed are folders of drops, growing ``.csv`` files and rewritten ``.parquet`` files (see
:class:`~kpikit.monitor.LogFollower`). The dashboard lists them to its viewers: give it a
folder that holds live logs only.
"""

import os
from pathlib import Path

MONITOR_DIR_ENV = "KPIKIT_MONITOR_DIR"
"""Environment variable naming the folder whose entries dashboards may follow."""

DEFAULT_MONITOR_DIR = "~/kpikit-monitor"
"""The folder used when :data:`MONITOR_DIR_ENV` is not set."""

_FILE_SUFFIXES = (".csv", ".parquet")


def monitor_dir():
    """The folder whose entries may be followed (it may not exist).

    Examples
    --------
    >>> os.environ[MONITOR_DIR_ENV] = "/srv/acd"
    >>> str(monitor_dir())
    '/srv/acd'
    >>> del os.environ[MONITOR_DIR_ENV]
    >>> monitor_dir() == Path.home() / "kpikit-monitor"
    True
    """
    return Path(os.environ.get(MONITOR_DIR_ENV) or DEFAULT_MONITOR_DIR).expanduser()


def _followable(path):
    if path.name.startswith("."):
        return False
    return path.is_dir() or (path.is_file() and path.name.lower().endswith(_FILE_SUFFIXES))


def list_sources(folder):
    """Names of the entries of ``folder`` that can be followed, sorted; [] without the folder.

    These are exactly the names :func:`resolve_source` accepts.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("today", ".hidden", "drops"):
    ...     (folder / name).mkdir()
    >>> _ = (folder / "live.csv").write_text("contact_id\\n")
    >>> _ = (folder / "notes.txt").write_text("")
    >>> list_sources(folder)
    ['drops', 'live.csv', 'today']
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return []
    names = []
    for entry in sorted(folder.iterdir()):
        try:
            resolve_source(entry.name, folder)
        except ValueError:
            continue
        names.append(entry.name)
    return names


def resolve_source(name, folder):
    """The path of the entry ``name`` of ``folder``, after checking it may be followed.

    Parameters
    ----------
    name : str
        One entry of ``folder`` (for example from a dashboard link).
    folder : str or Path
        The allowed folder (:func:`monitor_dir`).

    Returns
    -------
    pathlib.Path
        The resolved path, inside ``folder``.

    Raises
    ------
    ValueError
        When ``name`` is not a plain entry name (separator, ``..``, absolute, hidden, control
        characters), is missing, leads outside ``folder``, cannot be opened (a name too long
        for the system, a symbolic link to itself) or is not a folder, ``.csv`` or ``.parquet``
        file.

    Examples
    --------
    >>> resolve_source("../etc/passwd", "/srv/acd")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'source' must be the name of an entry of the monitor folder ...
    """
    if not isinstance(name, str):
        raise TypeError(f"Value of 'source' must be a str; received {type(name).__name__}.")
    plain = (
        name not in ("", ".", "..")
        and not name.startswith(".")
        and not any(mark in name for mark in ("/", "\\", ":"))
        and name.isprintable()
    )
    if not plain:
        raise ValueError(
            f"Value of 'source' must be the name of an entry of the monitor folder (no path, "
            f"nothing hidden) but received: {name[:60]!r}"
        )
    base = Path(folder).expanduser().resolve()
    try:
        path = (base / name).resolve()
        inside = path.is_relative_to(base) and path != base
        found = inside and path.exists()
    # a name too long for the system, a symbolic link to itself: a raw OSError or RuntimeError
    # (naming the server's folder) failed list_sources, and a link's source past the app's check
    except (OSError, RuntimeError) as error:
        reason = getattr(error, "strerror", None) or "a loop of symbolic links"
        raise ValueError(
            f"Value of 'source' names no entry the monitor folder can open ({reason}): "
            f"{name[:60]!r}"
        ) from None
    if not inside:
        raise ValueError(f"Value of 'source' leads outside the monitor folder: {name!r}")
    if not found:
        raise ValueError(f"Value of 'source' is not in the monitor folder {str(base)!r}: {name!r}")
    if not _followable(path):
        raise ValueError(
            f"Value of 'source' is neither a folder of drops nor a .csv or .parquet file: {name!r}"
        )
    return path
