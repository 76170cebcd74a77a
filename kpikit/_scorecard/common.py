"""Small checks shared by the scorecard modules: finite numbers and file paths."""

import math
from os import PathLike
from pathlib import Path


def is_finite(value) -> bool:
    """True for a finite real number; None, NaN, NA and text are not.

    >>> is_finite(3), is_finite(float("nan")), is_finite(None), is_finite("x")
    (True, False, False, False)
    """
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def checked_path(path, suffixes, argument: str, *, must_exist: bool) -> Path:
    """``path`` as a :class:`~pathlib.Path` after checking its type, suffix and folder.

    Parameters
    ----------
    path : str or path
    suffixes : sequence of str
        Allowed suffixes, lower case (``".csv"``).
    argument : str
        Name of the argument, for error messages.
    must_exist : bool
        True for a file to read (it must exist), False for a file to write (its folder must).

    Raises
    ------
    TypeError
        ``path`` is not a str or path.
    ValueError
        Wrong suffix, missing file (``must_exist``) or missing folder.
    """
    if not isinstance(path, str | PathLike):
        raise TypeError(
            f"Value of {argument!r} must be a file path but received: {type(path).__name__}"
        )
    candidate = Path(path).expanduser()
    if candidate.suffix.lower() not in suffixes:
        raise ValueError(
            f"Value of {argument!r} must end with one of {list(suffixes)} but received: "
            f"{str(path)!r}"
        )
    if must_exist and not candidate.is_file():
        raise ValueError(f"Value of {argument!r} is not an existing file: {str(path)!r}")
    if not must_exist and not candidate.parent.is_dir():
        raise ValueError(
            f"Value of {argument!r} is in a folder that does not exist: {str(candidate.parent)!r}"
        )
    return candidate
