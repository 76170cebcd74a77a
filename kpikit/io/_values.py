"""What the text values of one column are: dates (and in which order), true/false words."""

import re
import warnings
from dataclasses import dataclass, replace

import pandas as pd

NA_TOKENS = frozenset(
    "#N/A, #N/A N/A, #NA, -1.#IND, -1.#QNAN, -NaN, -nan, 1.#IND, 1.#QNAN, <NA>, N/A, NA, NULL, "
    "NaN, None, n/a, nan, null".split(", ")
)
"""Cells that pandas would read as missing. kpikit reads them as missing in number, date and
true/false columns only; in text and id columns they stay text ("NA" may be North America)
unless listed in ``na_values``."""

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")

ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)
"""An ISO 8601 date, with a time and an offset or not: what a whole ISO timestamp looks like."""
_NUMERIC_DATE = re.compile(
    r"^(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
    r"(?P<time>[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?$"
)
_YEAR_FIRST_DATE = re.compile(
    r"^\d{4}(?P<sep>[/.])\d{1,2}(?P=sep)\d{1,2}"
    r"(?P<time>[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?$"
)
_TIME = re.compile(
    r"^(?P<gap>[ T]+)\d{1,2}:\d{2}(?P<seconds>:\d{2})?(?P<fraction>\.\d+)?(?P<space>\s*)"
    r"(?P<ampm>[AaPp][Mm])?$"
)
_WEEKDAY = re.compile(r"^(?P<name>[A-Za-z]{3,9})(?P<gap>\.?,?\s+)(?=\d)")
"""A weekday name before a date (``Tue 13/01/2026``, ``Tuesday, 13/01/2026``)."""
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {**{day[:3]: "%a" for day in _DAY_NAMES}, **dict.fromkeys(_DAY_NAMES, "%A")}
"""The English weekday names and their format: ``%a`` abbreviated, ``%A`` in full."""


@dataclass(frozen=True)
class DateGuess:
    """How the text dates of one column read.

    Attributes
    ----------
    format : str or None
        The format to read them with (a :func:`pandas.to_datetime` format such as
        ``"%d/%m/%Y %H:%M"``, or ``"ISO8601"``); None when the order is ambiguous.
    order : {"day first", "month first", "year first"} or None
        The order the values prove; None when they do not (ambiguous, or day = month
        everywhere).
    example : str or None
        A value that decides (``"13/01/2026"``) or shows the ambiguity (``"03/04/2026"``).
    candidates : tuple of str
        The formats that read every value: two or three when ambiguous.
    """

    format: str | None
    order: str | None
    example: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """True when every value reads in several orders (day first and month first, or a
        two-digit year first too), with different dates."""
        return self.format is None and len(self.candidates) >= 2

    @property
    def orders(self) -> tuple[str, ...]:
        """The order of each candidate format: ``("day first", "year first")``."""
        return tuple(order_of(form) for form in self.candidates)

    @property
    def orders_text(self) -> str:
        """The orders in words: ``"day first and month first"``."""
        orders = self.orders
        return " and ".join([", ".join(orders[:-1]), orders[-1]]) if orders else ""


def order_of(form: str) -> str:
    """The order of a numeric date format.

    >>> order_of("%d/%m/%Y"), order_of("%m/%d/%y"), order_of("%y-%m-%d %H:%M")
    ('day first', 'month first', 'year first')
    >>> order_of("%a %m/%d/%Y")  # after a weekday name
    'month first'
    """
    first = re.search(r"%[dmyY]", form)
    return {"%d": "day first", "%m": "month first"}.get(first and first[0], "year first")


def guess_dates(values: pd.Series) -> DateGuess | None:
    """Guess the format of text dates, looking at every value.

    ISO dates (``2026-01-13 09:05``, with an optional offset) are year first. Numeric dates
    (``13/01/2026 09:05``, ``1.2.26``, ``1/2/2026 9:05 PM``) are read both day first and month
    first: when only one order reads every value (a first part above 12 means day first, a
    second part above 12 month first), that order is the guess; when both read every value with
    different dates, the guess is ambiguous and has no format. A two-digit year may also come
    first (``26-01-05`` is 26 January 2005 or 5 January 2026): when every value starts with two
    digits and reads year first too, with other dates, the guess is ambiguous as well.

    Parameters
    ----------
    values : pandas.Series of str
        Missing values are skipped.

    Returns
    -------
    DateGuess or None
        None when the values do not look like dates kpikit knows (pandas' own inference then
        reads them).

    Examples
    --------
    >>> guess = guess_dates(pd.Series(["02/01/2026 09:00", "13/01/2026 10:30"]))
    >>> guess.format, guess.order, guess.example
    ('%d/%m/%Y %H:%M', 'day first', '13/01/2026 10:30')
    >>> guess_dates(pd.Series(["03/04/2026", "05/04/2026"])).ambiguous
    True
    >>> guess_dates(pd.Series(["26-01-05 09:00", "26-01-13 09:00"])).orders
    ('day first', 'year first')
    >>> guess_dates(pd.Series(["2026-01-13T09:00:00+01:00"])).format
    'ISO8601'
    >>> guess_dates(pd.Series(["Mon 05/01/2026 09:00", "Tue 13/01/2026 10:30"])).format
    '%a %d/%m/%Y %H:%M'
    """
    return guess_and_read_dates(values)[0]


def guess_and_read_dates(values: pd.Series) -> tuple[DateGuess | None, pd.Series | None]:
    """:func:`guess_dates`, and the dates read with its format when that read them all.

    The readers use this to parse a column once: the second item is None when the guess did
    not read the values (ISO dates, ambiguous or unreadable ones).
    """
    text = values[values.notna()].astype(str).str.strip()  # spaces around a date say nothing
    if text.empty:
        return None, None
    first = text.iloc[0]
    weekday = _WEEKDAY.match(first)
    if weekday and weekday["name"].lower() in _WEEKDAYS:
        return _after_weekday(text, values, weekday)
    if ISO_DATE.match(first):
        return DateGuess("ISO8601", "year first", first, ("ISO8601",)), None
    year_first = _YEAR_FIRST_DATE.match(first)
    if year_first:
        sep = year_first["sep"]
        form = f"%Y{sep}%m{sep}%d" + _time_format(year_first["time"])
        return DateGuess(form, "year first", first, (form,)), None
    match = _NUMERIC_DATE.match(first)
    if not match:
        return None, None
    guess, read = _day_or_month_first(text, values, match)
    if len(match["year"]) == 2 and guess.candidates:
        sep = match["sep"]
        return _or_year_first(text, guess, read, f"%y{sep}%m{sep}%d{_time_format(match['time'])}")
    return guess, read


def _after_weekday(text: pd.Series, values: pd.Series, weekday):
    """:func:`guess_and_read_dates` for dates led by a weekday name (``Tue 13/01/2026``), as
    the numeric dates after it: the formats start with ``%a`` (``%A`` for full names), which
    pandas reads and does not compare with the date. pandas' own inference would read
    ``Mon 05/01/2026`` month first whatever the rest of the file shows.

    None when the dates after the names are not numeric ones (pandas' inference reads them).
    """
    prefix = _WEEKDAYS[weekday["name"].lower()] + weekday["gap"]
    dates = text.str.replace(_WEEKDAY, "", n=1, regex=True)
    guess, _ = guess_and_read_dates(dates)
    if guess is None or "ISO8601" in guess.candidates:
        return None, None
    candidates = tuple(prefix + form for form in guess.candidates)
    form = prefix + guess.format if guess.format else None
    read = _parse(text, form) if form else None
    if read is not None and read.isna().any():
        read = None  # the reader finds the values the format does not read
    example = text[dates == guess.example].iloc[0] if guess.example else None
    guess = DateGuess(form, guess.order, example, candidates)
    return guess, None if read is None else read.reindex(values.index)


def _or_year_first(text: pd.Series, guess: DateGuess, read, year_first: str):
    """``guess`` and ``read``, or an ambiguous guess when the values, each starting with two
    digits, also read with a two-digit year first (``year_first``), as other dates."""
    if not text.str.match(r"\d{2}\D").all():
        return guess, read  # "1.2.26": a year is written with two digits
    as_year_first = _parse(text, year_first)
    if as_year_first.isna().any():
        return guess, read
    if guess.ambiguous:
        return replace(guess, candidates=(*guess.candidates, year_first)), None
    differs = _parse(text, guess.format) != as_year_first
    if not differs.any():
        return guess, read
    candidates = (guess.format, year_first)
    return DateGuess(None, None, text[differs].iloc[0], candidates), None


def _day_or_month_first(text: pd.Series, values: pd.Series, match):
    """:func:`guess_and_read_dates` for numeric dates read day first or month first."""
    sep, year = match["sep"], "%Y" if len(match["year"]) == 4 else "%y"
    time = _time_format(match["time"])
    day_first = f"%d{sep}%m{sep}{year}{time}"
    month_first = f"%m{sep}%d{sep}{year}{time}"
    as_day_first = _parse(text, day_first)
    if as_day_first.notna().all():
        days = as_day_first.dt.day
        read = as_day_first.reindex(values.index)
        if (days > 12).any():
            example = text[days > 12].iloc[0]
            return DateGuess(day_first, "day first", example, (day_first,)), read
        differs = days != as_day_first.dt.month
        if not differs.any():
            example = text.iloc[0].strip()
            return DateGuess(day_first, None, example, (day_first, month_first)), read
        return DateGuess(None, None, text[differs].iloc[0], (day_first, month_first)), None
    as_month_first = _parse(text, month_first)
    if as_month_first.notna().all():
        example = text[as_month_first.dt.day > 12].iloc[0]
        guess = DateGuess(month_first, "month first", example, (month_first,))
        return guess, as_month_first.reindex(values.index)
    if as_month_first.notna().sum() > as_day_first.notna().sum():
        return DateGuess(month_first, "month first", None, ()), None
    return DateGuess(day_first, "day first", None, ()), None


def _time_format(time: str | None) -> str:
    if not time:
        return ""
    match = _TIME.match(time)
    hour = "%I" if match["ampm"] else "%H"
    form = f"{match['gap']}{hour}:%M"
    form += ":%S" if match["seconds"] else ""
    form += ".%f" if match["fraction"] else ""
    return form + (f"{match['space']}%p" if match["ampm"] else "")


def _parse(text: pd.Series, form: str) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.to_datetime(text, format=form, errors="coerce")


@dataclass(frozen=True)
class BoolWords:
    """The words a two-valued column uses, as written in the file (``Y``/``N``).

    Examples
    --------
    >>> BoolWords(("Y",), ("N",)).is_standard
    False
    """

    true: tuple[str, ...]
    false: tuple[str, ...]

    @property
    def is_standard(self) -> bool:
        """True when the words are True/False (any case), which readers take without options."""
        return all(word.lower() in {"true", "false"} for word in self.true + self.false)


def guess_words(values: pd.Series, *, max_distinct: int = 8) -> BoolWords | None:
    """The true/false words of a column whose values are all yes/no-like words (any case).

    Recognised: true/false, t/f, yes/no, y/n, 1/0. Missing values and :data:`NA_TOKENS` are
    skipped.

    Returns
    -------
    BoolWords or None
        None when some value is not such a word, or there are none.

    Examples
    --------
    >>> guess_words(pd.Series(["Y", "N", "y", None]))
    BoolWords(true=('Y', 'y'), false=('N',))
    >>> guess_words(pd.Series(["Y", "maybe"])) is None
    True
    """
    present = values[values.notna()]
    if present.empty or present.dtype.kind == "f":
        return None
    head = present.iloc[:1000].astype(str).str.strip().unique()
    if len(head) > max_distinct:
        return None
    words = [str(word).strip() for word in present.unique() if str(word).strip()]
    words = [word for word in words if word not in NA_TOKENS]
    if not words or len(words) > max_distinct:
        return None
    if not all(word.lower() in TRUE_WORDS + FALSE_WORDS for word in words):
        return None
    true = tuple(sorted(w for w in words if w.lower() in TRUE_WORDS))
    false = tuple(sorted(w for w in words if w.lower() in FALSE_WORDS))
    return BoolWords(true, false)
