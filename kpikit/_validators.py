"""Argument checks shared by the whole package: one check each of a choice, a number, a percent,
a time zone, a date or time, column names and a path.

Every message names the argument, says what was expected and echoes what was received, in the
form ``Value of 'kpi' is not a KPI id. Expected one of [...] but received: 'ahtt'. Did you mean
'aht'?``. The checks raise ``ValueError`` for a bad value and ``TypeError`` for a value of the
wrong kind, so callers can let them through to the user unchanged.
"""

import difflib
import functools
import inspect
import math
import numbers
import re
import zoneinfo
from collections.abc import Iterable
from os import PathLike
from pathlib import Path

import numpy as np

__all__ = [
    "as_path",
    "check_choice",
    "check_number",
    "check_percent",
    "check_time_zone",
    "check_timestamp",
    "check_unique_columns",
    "checked_path",
    "column_names",
    "is_number",
    "suggest_keywords",
    "suggestion",
]


def shown(value, limit: int = 100) -> str:
    """``repr(value)`` for an error message, cut to ``limit`` characters: a frame or a Dataset
    passed in the wrong place would otherwise print all its rows.

    >>> shown("helthcare"), shown(list(range(100)), limit=20)
    ("'helthcare'", 'a list: [0, 1, 2, 3, 4, 5, 6 …')
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"a {type(value).__name__}: {' '.join(text[:limit].split())} …"


def suggestion(value, choices: Iterable) -> str:
    """``". Did you mean 'x'?"`` for the closest of ``choices`` (case-insensitive), else ``""``.

    >>> suggestion("ahtt", ["aht", "asa"]), suggestion("zzz", ["aht"])
    (". Did you mean 'aht'?", '')
    """
    if not isinstance(value, str):
        return ""
    lowered = {str(choice).lower(): choice for choice in choices}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1)
    return f". Did you mean {lowered[close[0]]!r}?" if close else ""


def suggest_keywords(function):
    """Decorate ``function`` so that an unknown keyword gets a "did you mean" TypeError.

    The signature stays the same (``inspect.signature`` follows the wrapper).

    >>> @suggest_keywords
    ... def compute(data, *, fcr_window=None):
    ...     return fcr_window
    >>> compute(None, fcr_windw="72h")
    Traceback (most recent call last):
    ...
    TypeError: compute() got an unexpected keyword argument 'fcr_windw'. Did you mean 'fcr_window'?
    """
    names = [
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    ]

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for name in kwargs:
            if name not in names:
                raise TypeError(
                    f"{function.__name__}() got an unexpected keyword argument {name!r}"
                    f"{suggestion(name, names)}"
                )
        return function(*args, **kwargs)

    return wrapper


def check_choice(argument: str, value, choices: Iterable, what: str = "valid"):
    """Return ``value`` when it is one of ``choices``; otherwise raise a ValueError.

    Parameters
    ----------
    argument : str
        The argument's name, quoted in the message.
    value : object
        What the caller passed.
    choices : iterable
        The valid values, listed in the message.
    what : str, default="valid"
        What a valid value is, completing "is not ..." (``"a KPI id"``, ``"a sector"``).

    Examples
    --------
    >>> check_choice("sector", "healthcare", ["all", "healthcare"])
    'healthcare'
    >>> check_choice("sector", "helthcare", ["all", "healthcare"], "a sector")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'sector' is not a sector. Expected one of ['all', 'healthcare'] but
    received: 'helthcare'. Did you mean 'healthcare'?
    """
    choices = list(choices)
    try:
        valid = value in choices
    except TypeError:  # an unhashable value compared with a mapping's keys
        valid = False
    if not valid:
        raise ValueError(
            f"Value of {argument!r} is not {what}. Expected one of {choices} "
            f"but received: {shown(value)}{suggestion(value, choices)}"
        )
    return value


def check_name(argument: str, value, what: str, *, optional: bool = False) -> None:
    """Refuse a ``value`` that is not one name (a ``str``) of ``what``, such as a channel or a
    queue (None too, when ``optional``): an engine compared a text column with a number, or
    with a list, and raised its own conversion error, or pandas found no contact.

    >>> check_name("queue", None, "queue", optional=True)
    >>> check_name("channel", 5, "channel")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'channel' must be one channel name (str) but received: 5 (int)
    """
    if isinstance(value, str) or (optional and value is None):
        return
    allowed = " or None" if optional else ""
    raise TypeError(
        f"Value of {argument!r} must be one {what} name (str){allowed} but received: "
        f"{shown(value)} ({type(value).__name__})"
    )


def is_number(value) -> bool:
    """True for a finite real number; None, NaN, NA, infinities, text (``"12"`` too) and
    booleans are not. An integer too large for a float (``10**400``) is a finite number.

    >>> is_number(3), is_number(2.5), is_number(float("nan")), is_number(None), is_number("x")
    (True, True, False, False, False)
    >>> is_number("12"), is_number(True), is_number(10**400)
    (False, False, True)
    """
    if isinstance(value, str | bytes | bool | np.bool_):
        return False
    try:
        return value is not None and math.isfinite(float(value))
    except OverflowError:  # an int beyond a float's range
        return isinstance(value, int | np.integer)
    except (TypeError, ValueError):
        return False


def check_flag(argument: str, value) -> None:
    """Raise a TypeError naming ``argument`` unless ``value`` is True or False (a NumPy bool
    too): text such as ``"no"`` would otherwise be read as true.

    >>> check_flag("previous", "no")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'previous' must be True or False but received: 'no' (str)
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(
            f"Value of {argument!r} must be True or False but received: {shown(value)} "
            f"({type(value).__name__})"
        )


def check_number(
    argument: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
    above_minimum: bool = False,
) -> float | int:
    """Return ``value`` when it is a finite number in range; otherwise raise.

    Parameters
    ----------
    argument : str
        The argument's name, quoted in the message.
    value : object
        What the caller passed; ``bool`` is refused (``True`` is not a count of seconds).
    minimum, maximum : float, default=None
        Inclusive bounds (``minimum`` exclusive when ``above_minimum``).
    integer : bool, default=False
        The value must be a whole number (``4`` or ``4.0``, not ``4.5``); it is returned as int.

    Raises
    ------
    TypeError
        ``value`` is not a real number.
    ValueError
        ``value`` is infinite, NaN, fractional when ``integer`` or out of range.

    Examples
    --------
    >>> check_number("short_abandon_s", 5, minimum=0)
    5
    >>> check_number("csat_top_box", 4.0, minimum=1, maximum=5, integer=True)
    4
    >>> check_number("sl_threshold_s", -1, minimum=0)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'sl_threshold_s' must be a finite number >= 0 but received: -1
    >>> check_number("answered", 10**400, minimum=0)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'answered' must be a finite number >= 0 but received: a whole number \
of about 10^400
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        kind = "a whole number" if integer else "a number"
        raise TypeError(
            f"Value of {argument!r} must be {kind} but received: {shown(value)} "
            f"({type(value).__name__})"
        )
    finite = _is_finite(value)
    if integer and finite and float(value).is_integer():
        value = int(value)
    bounds = []
    if minimum is not None:
        bounds.append(f"> {minimum:g}" if above_minimum else f">= {minimum:g}")
    if maximum is not None:
        bounds.append(f"<= {maximum:g}")
    too_low = minimum is not None and (value <= minimum if above_minimum else value < minimum)
    too_high = maximum is not None and value > maximum
    fractional = integer and not isinstance(value, int)
    if not finite or too_low or too_high or fractional:
        kind = "a finite whole number" if integer else "a finite number"
        limits = f" {' and '.join(bounds)}" if bounds else ""
        text = repr(value) if finite or not isinstance(value, int) else _digits(value)
        raise ValueError(f"Value of {argument!r} must be {kind}{limits} but received: {text}")
    return value


def _is_finite(value) -> bool:
    """Whether ``value`` is finite as a float: an int beyond float range (``10**400``) is not."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _digits(value: int) -> str:
    # from its bits: str() of an int of over 4,300 digits raises
    sign = "-" if value < 0 else ""
    return f"a whole number of about {sign}10^{int(value.bit_length() * math.log10(2))}"


def check_percent(argument: str, value, *, low: float, high: float, open: bool = False) -> float:
    """Return ``value`` when it is a percent on the 0..100 scale within ``[low, high]``
    (``[low, high)`` when ``open``); otherwise raise, catching fractions such as 0.8 meant as
    80 %.

    Examples
    --------
    >>> check_percent("target_sl", 80, low=1, high=100, open=True)
    80.0
    >>> check_percent("target_sl", 0.8, low=1, high=100, open=True)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'target_sl' is a percent on the 0..100 scale (80 means 80 %) and must
    be in [1, 100), but received: 0.8
    """
    number = float(check_number(argument, value))
    if not (low <= number < high if open else low <= number <= high):
        bounds = f"[{low:g}, {high:g})" if open else f"[{low:g}, {high:g}]"
        raise ValueError(
            f"Value of {argument!r} is a percent on the 0..100 scale (80 means 80 %) and must be "
            f"in {bounds}, but received: {shown(value)}"
        )
    return number


def column_names(argument: str, value) -> list[str]:
    """``value`` (None, a column name or a list or tuple of them) as a list of names, each
    named once; otherwise raise.

    Examples
    --------
    >>> column_names("by", "team"), column_names("by", None), column_names("by", ("site", "team"))
    (['team'], [], ['site', 'team'])
    >>> column_names("by", 5)
    Traceback (most recent call last):
    ...
    TypeError: Value of 'by' must be a column name or a list of column names such as ['channel',
    'queue'], but received: 5 (int)
    >>> column_names("by", ["team", "channel", "team"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'by' names 'team' more than once, but received: ['team', 'channel',
    'team']
    """
    names = [] if value is None else [value] if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(isinstance(name, str) for name in names):
        raise TypeError(
            f"Value of {argument!r} must be a column name or a list of column names such as "
            f"['channel', 'queue'], but received: {shown(value)} ({type(value).__name__})"
        )
    for name in names:
        if names.count(name) > 1:
            raise ValueError(
                f"Value of {argument!r} names {name!r} more than once, but received: {shown(value)}"
            )
    return list(names)


def group_names(by, own, *, owner: str = "the result", data: str = "the data") -> list[str]:
    """The grouping columns ``by`` as a list (:func:`column_names`), refused when one has the
    name of a column that ``owner`` (the result, the forecast) uses itself (``own``): its values
    would be overwritten by the owner's, or lost.

    >>> group_names("site", ("kpi", "value"))
    ['site']
    >>> group_names(["site", "value"], ("kpi", "value"), data="contacts")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'by' names column(s) ['value'] of contacts, but the result uses
    column(s) of that name itself: rename them in contacts first (the result's own columns:
    kpi, value)
    """
    keys = column_names("by", by)
    taken = [key for key in keys if key in own]
    if taken:
        raise ValueError(
            f"Value of 'by' names column(s) {taken} of {data}, but {owner} uses column(s) of "
            f"that name itself: rename them in {data} first ({owner}'s own columns: "
            f"{', '.join(own)})"
        )
    return keys


def check_unique_columns(argument: str, frame):
    """``frame`` (a pandas frame) when no column name repeats in it; otherwise raise, since a
    repeated name is ambiguous.

    >>> import pandas as pd
    >>> check_unique_columns("targets", pd.DataFrame([[1, 2, 3]], columns=["a", "b", "a"]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'targets' has the column(s) ['a'] more than once; columns are ['a',
    'b', 'a']
    """
    repeated = sorted({str(name) for name in frame.columns[frame.columns.duplicated()]})
    if repeated:
        raise ValueError(
            f"Value of {argument!r} has the column(s) {repeated} more than once; columns are "
            f"{list(frame.columns)}"
        )
    return frame


def check_time_zone(argument: str, value) -> str:
    """Return ``value`` when it names a time zone of the IANA database; otherwise raise.

    Parameters
    ----------
    argument : str
        The argument's name, quoted in the message.
    value : object
        What the caller passed: a zone name such as ``"Europe/Paris"`` or ``"UTC"``.

    Raises
    ------
    TypeError
        ``value`` is not a str.
    ValueError
        No zone has that name (the message suggests a close one).

    Examples
    --------
    >>> check_time_zone("tz", "America/New_York")
    'America/New_York'
    >>> check_time_zone("tz", "Paris")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'tz' is not a time zone name. Expected an IANA name such as
    'Europe/Paris' or 'UTC' but received: 'Paris'. Did you mean 'Europe/Paris'?
    """
    if not isinstance(value, str):
        raise TypeError(
            f"Value of {argument!r} must be a time zone name (str) but received: {shown(value)} "
            f"({type(value).__name__})"
        )
    try:
        zoneinfo.ZoneInfo(value)
        _pandas_zone(value)
    except (ValueError, OSError, LookupError):  # OSError: a name too long
        names = sorted(name for name in zoneinfo.available_timezones() if name != value)
        city = [name for name in names if name.lower().endswith("/" + value.lower())]
        hint = f". Did you mean {city[0]!r}?" if city else suggestion(value, names)
        raise ValueError(
            f"Value of {argument!r} is not a time zone name. Expected an IANA name such as "
            f"'Europe/Paris' or 'UTC' but received: {shown(value)}{hint}"
        ) from None
    return value


def _pandas_zone(name: str) -> None:
    """Raise LookupError when pandas cannot place a time in the zone ``name``: tzdata holds a
    few names (``Factory``) that pytz, which pandas 2 uses, does not."""
    import pandas as pd

    pd.Timestamp("2026-01-01").tz_localize(name)  # pytz's UnknownTimeZoneError is a KeyError


def check_time_of_day(argument: str, value) -> str:
    """``value`` when it is a time of day ``"hh:mm"`` from 00:00 to 23:59.

    >>> check_time_of_day("start", "8:30")
    '8:30'
    >>> check_time_of_day("start", "25:00")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'start' must be a time of day hh:mm from 00:00 to 23:59; received: '25:00'
    """
    if not isinstance(value, str):
        raise TypeError(
            f"Value of {argument!r} must be a time of day 'hh:mm' (str); received: {shown(value)} "
            f"({type(value).__name__})"
        )
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value):
        raise ValueError(
            f"Value of {argument!r} must be a time of day hh:mm from 00:00 to 23:59; "
            f"received: {shown(value)}"
        )
    return value


def check_timestamp(argument: str, value):
    """``value`` (a date or time: text such as ``"2026-08-01 09:30"``, ``datetime``,
    ``numpy.datetime64``, ``pandas.Timestamp``) as a :class:`pandas.Timestamp`; otherwise raise.

    Raises
    ------
    TypeError
        ``value`` is a number, a bool or None (pandas would read a number as nanoseconds since
        1970), or of another kind.
    ValueError
        Text that is no date, or a time outside pandas' calendar (1677-2262).

    Examples
    --------
    >>> check_timestamp("day", "2026-08-29 10:30")
    Timestamp('2026-08-29 10:30:00')
    >>> check_timestamp("day", float("nan"))
    Traceback (most recent call last):
    ...
    TypeError: Value of 'day' must be a date or time such as '2026-08-01' (str, datetime,
    numpy.datetime64 or pandas.Timestamp) but received: nan (float)
    >>> check_timestamp("day", "soon")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'day' must be a date or time such as '2026-08-01' but received: 'soon'
    """
    import datetime

    import numpy as np
    import pandas as pd

    if not isinstance(value, str | datetime.date | np.datetime64):  # Timestamp is a datetime
        raise TypeError(
            f"Value of {argument!r} must be a date or time such as '2026-08-01' (str, datetime, "
            f"numpy.datetime64 or pandas.Timestamp) but received: {shown(value)} "
            f"({type(value).__name__})"
        )
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, OverflowError):  # OutOfBoundsDatetime and DateParseError among them
        stamp = pd.NaT
    if stamp is pd.NaT:
        raise ValueError(
            f"Value of {argument!r} must be a date or time such as '2026-08-01' but received: "
            f"{shown(value)}"
        )
    return stamp


def as_path(value, argument: str):
    """Return ``value`` when it is a ``str`` or path-like object; otherwise raise a TypeError.

    >>> as_path("data.csv", "path")
    'data.csv'
    >>> as_path(3, "path")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'path' must be a str or path; received int.
    """
    if not isinstance(value, str | PathLike):
        raise TypeError(
            f"Value of {argument!r} must be a str or path; received {type(value).__name__}."
        )
    return value


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
    candidate = Path(as_path(path, argument)).expanduser()
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
