"""Turn freshly read columns into kpikit's types, reporting every cell that does not convert.

One function per column kind: dates (with the detected or given format and time zone),
numbers (with the decimal mark, and ``h:mm:ss`` durations in seconds columns), true/false
(with the given words). Each returns the converted column, or None with the problems, whose
text says which reading option fixes them.
"""

import codecs
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpikit._validators import check_choice, check_time_zone
from kpikit.io._advice import (
    UPLOAD_REMEDIES,
    ReadWarning,
    fix,
    in_dashboard,
    option_name,
    table_fix,
)
from kpikit.io._values import (
    ISO_DATE,
    NA_TOKENS,
    guess_and_read_dates,
    guess_dates,
    guess_words,
)
from kpikit.io._zones import offset_minutes, zones_of_offsets
from kpikit.schema import TABLES, Problem

# A UTC offset ends a time of day: the "-13" of a date-only "2026-01-13" is no offset.
_AFTER_TIME = r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"
_OFFSET_TEXT = r"Z|[+-]\d{2}(?::?\d{2})?"
_OFFSET = rf"{_AFTER_TIME}(?:{_OFFSET_TEXT})\s*$"
# A zone abbreviation after a time ("CET", "EST", "UTC", "GMT+1"), not AM/PM: pandas drops most
# of them (reading the time as local) and reads "GMT+1" as UTC-01:00.
_ZONE_NAME = re.compile(
    rf"{_AFTER_TIME}(?:[AaPp][Mm]\s*)?(?![AaPp][Mm]\s*$)"
    r"(?P<zone>[A-Za-z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?)\s*$"
)
# A Unix time: 10 digits in seconds (1767344400), 13 in ms, 16 in µs, perhaps with a fraction.
_EPOCH_NUMBER = re.compile(r"^\s*(?:\d{9,10}|\d{12,13}|\d{15,16})(?:\.\d+)?\s*$")
_EPOCH_UNITS = {9: "s", 10: "s", 12: "ms", 13: "ms", 15: "us", 16: "us"}  # by digits
_UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds"}
# The year of a date written year first (1600-01-02) or last (02/01/1600).
_YEAR = re.compile(r"(?<!\d)(\d{4})[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](\d{4})(?!\d)")
# h:mm:ss, minutes and seconds 00 to 59: "0:61:30" is no clock reading (a typo, or another
# layout), refused rather than read as 1:01:30.
_DURATION = r"\d+:[0-5]\d:[0-5]\d(?:\.\d+)?"
_CLOCK_LIKE = re.compile(r"^\s*\d+:\d{2}:\d{2}(?:\.\d+)?\s*$")
_COMMA_CLOCK = re.compile(r"^\s*\d+:[0-5]\d:[0-5]\d,\d+\s*$")  # 0:00:12,5 (decimal comma)
_COMMA_NUMBER = re.compile(r"^\s*[+-]?\d*,\d+\s*$")
_COMMA_THOUSAND = re.compile(r"^\s*[+-]?\d{1,3},\d{3}\s*$")  # 1,234: 1234 or 1.234?
_MINUTES_SECONDS = re.compile(r"^\s*\d{1,2}:[0-5]\d(?:\.\d+)?\s*$")  # 02:03: m:ss or h:mm?
_DAY_NUMBER = re.compile(r"^\s*\d{1,6}(?:[.,]\d+)?\s*$")  # a spreadsheet's date: 46024.375
_WHOLE_DECIMAL = re.compile(r"[+-]?\d+\.0*")  # 1.0: a whole number written as a float
_POINT_NUMBER = re.compile(r"^\s*[+-]?\d*\.\d+\s*$")
_POINT_THOUSAND = re.compile(r"^\s*[+-]?\d{1,3}\.\d{3}\s*$")  # 1.234: 1234 or 1.234?
# 1,234.5 or 1.234,5: a thousands separator, then maybe the other mark as the decimal one;
# the separator may also be a space, as French and Nordic exports write it (a no-break space,
# U+00A0, or a narrow one, U+202F: 1 234,5), or an apostrophe, as Swiss ones do (1'234.5).
_THOUSANDS_NUMBER = re.compile(
    r"^\s*[+-]?\d{1,3}(?:([,. \u00a0\u202f'])\d{3})+(?:(?!\1)[,.]\d+)?\s*$"
)
_CURRENCY_NUMBER = re.compile(r"^\s*(?:[$€£¥]\s*[+-]?\d[\d.,]*|[+-]?\d[\d.,]*\s*[$€£¥])\s*$")
_MAX_WORDS = 1000
_SAMPLE_CHARS = 60  # of a bad value quoted in a message: a cell may hold megabytes
_MAX_TIME_TEXT = 100  # characters: no timestamp is longer (pandas' format inference reads a
# longer cell with dateutil, at about 20 s per MB)


@dataclass(frozen=True)
class ReadOptions:
    """The reading options shared by every reader (see :func:`kpikit.io.read_contacts`)."""

    mapping: Mapping[str, str] | None = None
    datetime_format: str | None = None
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    encoding: str | None = None
    sep: str | None = None
    decimal: str | None = None
    na_values: tuple[str, ...] = ()
    tz: str | None = None
    folder_formats: Mapping[str, str] | None = None
    """When reading a folder (:func:`kpikit.io.read_dataset`), the ``datetime_format`` given for
    each table, so that advice names the table; None when reading one file."""
    mixed_marks: bool = False
    """Whether the CSV file writes some number columns with a decimal comma and others with a
    point (:func:`kpikit.io._text.decimal_marks`), which no one ``decimal`` reads: set by the
    reader, so that advice does not send a user from one mark to the other."""

    @classmethod
    def checked(cls, **options) -> "ReadOptions":
        """Validate the options; errors name the option, the problem and the value received."""
        mapping = options.get("mapping")
        if mapping is not None and (
            not isinstance(mapping, Mapping)
            or not all(isinstance(name, str) for pair in mapping.items() for name in pair)
        ):
            raise TypeError(
                "Value of 'mapping' must be a dict of {vendor column: kpikit column} strings; "
                f"received: {mapping!r}."
            )
        check_format("datetime_format", options.get("datetime_format"))
        for name in ("encoding", "tz"):
            value = options.get(name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise TypeError(f"Value of {name!r} must be a non-empty str; received: {value!r}.")
        words = {name: _words(name, options.get(name)) for name in ("true_values", "false_values")}
        for name, found in words.items():
            if not all(word.strip() for word in found):  # it would make cells of spaces a flag
                raise ValueError(
                    f"Value of {name!r} must hold words, not empty text (empty cells are "
                    f"missing values); received: {list(found)!r}."
                )
        true, false = ({word.lower() for word in found} for found in words.values())
        both = true & false
        if both:
            raise ValueError(
                f"Values of 'true_values' and 'false_values' share {sorted(both)}; a word "
                "cannot mean both True and False."
            )
        sep, decimal = options.get("sep"), options.get("decimal")
        if sep is not None and (not isinstance(sep, str) or len(sep) != 1 or sep in '"\r\n'):
            raise ValueError(
                "Value of 'sep' must be one character such as ',', ';' or '\\t' (tab); "
                f"received: {sep!r}."
            )
        if decimal is not None and decimal not in {".", ","}:
            raise ValueError(f"Value of 'decimal' must be '.' or ','; received: {decimal!r}.")
        encoding = options.get("encoding")
        if encoding is not None and not _text_encoding(encoding):
            raise ValueError(
                f"Value of 'encoding' is not a text encoding Python knows; received: "
                f"{encoding!r}. Expected a name such as 'utf-8', 'cp1252' or 'latin-1'."
            )
        tz = options.get("tz")
        if tz is not None:
            check_time_zone("tz", tz)
        return cls(
            mapping=mapping,
            datetime_format=options.get("datetime_format"),
            encoding=encoding,
            sep=sep,
            decimal=decimal,
            na_values=_words("na_values", options.get("na_values")),
            tz=tz,
            **words,
        )


def check_format(name: str, value) -> None:
    """Refuse a ``datetime_format`` that is not a format (None is: guess it)."""
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"Value of {name!r} must be a non-empty str; received: {value!r}.")
    if value == "mixed":
        raise ValueError(
            f"Value of {name!r} cannot be 'mixed': pandas then reads each date on "
            "its own, so 02/01/2026 would be read month first and 13/01/2026 day first in "
            "one column; give the format, such as '%d/%m/%Y %H:%M'."
        )


def table_formats(datetime_format) -> dict[str, str] | None:
    """``datetime_format`` of :func:`kpikit.io.read_dataset` as table name -> format, checked;
    None when it is one format for every table (or None).

    >>> table_formats({"costs": "%d/%m/%Y"}), table_formats("%d/%m/%Y")
    ({'costs': '%d/%m/%Y'}, None)
    >>> table_formats({"cost": "%d/%m/%Y"})
    Traceback (most recent call last):
    ...
    ValueError: Value of 'datetime_format key' is not a table name. Expected one of ['contacts', \
'agent_intervals', 'costs'] but received: 'cost'. Did you mean 'costs'?
    """
    if not isinstance(datetime_format, Mapping):
        if datetime_format is not None and not isinstance(datetime_format, str):
            raise TypeError(
                "Value of 'datetime_format' must be a str, or a dict of table name -> str; "
                f"received: {datetime_format!r}."
            )
        return None
    for table, form in datetime_format.items():
        check_choice("datetime_format key", table, list(TABLES), "a table name")
        check_format(f"datetime_format[{table!r}]", form)
    return {table: form for table, form in datetime_format.items() if form is not None}


def _words(name: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or not all(isinstance(item, str) for item in value):
        raise TypeError(f"Value of {name!r} must be a list of str; received: {value!r}.")
    return tuple(value)


def convert(frame: pd.DataFrame, table: str, options: ReadOptions) -> list[Problem]:
    """Convert the kpikit columns of a freshly read frame in place; return what did not convert."""
    examples = _example_ids(frame, table)
    converters = {"datetime": _datetimes, "number": _numbers, "bool": _booleans, "id": _ids}
    problems: list[Problem] = []
    for spec in TABLES[table]:
        if spec.name not in frame.columns or spec.kind not in converters:
            continue
        values = frame[spec.name]
        converted, found = converters[spec.kind](values, table, options, examples)
        problems += found
        # A column handed back as it was is left in place: assigning it would copy it (naive
        # times without a zone, 10M contacts: 0.16 s).
        if converted is not None and converted is not values:
            frame[spec.name] = converted
    return problems


_TEXT_KINDS = frozenset({"string", "empty", "mixed", "mixed-integer"})
"""What :func:`pandas.api.types.infer_dtype` says of object columns read as text."""


def _is_text(values: pd.Series) -> bool:
    """Whether ``values`` hold text to parse: strings, not objects such as a Parquet
    column's times of day (``datetime.time``), which the schema check then names.

    >>> import datetime as dt
    >>> _is_text(pd.Series(["09:00", None])), _is_text(pd.Series([dt.time(0, 1, 30)]))
    (True, False)
    """
    if values.dtype == object:
        return pd.api.types.infer_dtype(values, skipna=True) in _TEXT_KINDS
    return pd.api.types.is_string_dtype(values) or values.isna().all()


def _without_na_tokens(values: pd.Series) -> pd.Series:
    tokens = values.isin(NA_TOKENS)
    return values.mask(tokens) if tokens.any() else values


def _stripped(values: pd.Series) -> pd.Series:
    """``values`` with the spaces around each text cut (``" 01/02/2026 09:00"``, common in
    exports, says nothing more than the time); other cells (numbers in a mixed column, missing
    values) as they are.

    >>> _stripped(pd.Series([" 01/02/2026 ", 7, None])).tolist()
    ['01/02/2026', 7, None]
    """
    if values.dtype != object:  # a text dtype (held by Arrow in pandas 3): cut in one pass
        return values.str.strip()
    return values.map(lambda value: value.strip() if isinstance(value, str) else value)


def _first_present(values: pd.Series):
    """The first value that is not missing, None when there is none; found without a pass
    over the column when its first value is present.

    >>> _first_present(pd.Series([None, "a", "b"])), _first_present(pd.Series([], dtype=object))
    ('a', None)
    """
    if len(values) and not pd.isna(values.iloc[0]):
        return values.iloc[0]
    first = values.first_valid_index()
    return None if first is None else values[first]


def _example_ids(frame: pd.DataFrame, table: str) -> tuple[str, pd.Series]:
    if table == "contacts" and "contact_id" in frame.columns:
        return "contact_id", frame["contact_id"].reset_index(drop=True)
    return "row position", pd.Series(range(len(frame)))


def _rows_problem(table, values: pd.Series, failed: pd.Series, text: str, examples) -> Problem:
    """A row-level problem: ``text`` may hold ``{samples}``, filled with the first bad values."""
    key, ids = examples
    bad = values[failed].reset_index(drop=True)
    samples = ", ".join(_sample(value) for value in bad.drop_duplicates().head(3))
    return Problem(
        table,
        str(values.name),
        text.replace("{samples}", samples, 1),
        int(failed.sum()),
        tuple(ids[failed.to_numpy()].head(5).tolist()),
        key,
    )


def _sample(value) -> str:
    """A bad value as a message quotes it: text cut to its first :data:`_SAMPLE_CHARS`.

    >>> _sample("12 s"), _sample("x" * 100)[-6:], _sample(1.5)
    ("'12 s'", "xx...'", '1.5')
    """
    if isinstance(value, str) and len(value) > _SAMPLE_CHARS:
        return repr(f"{value[:_SAMPLE_CHARS]}...")
    return repr(value)


def _ids(values: pd.Series, table: str, options: ReadOptions, examples):
    """A Parquet DECIMAL id column of whole numbers (a warehouse's ``NUMBER(38, 0)``), held by
    pandas as Python decimals, as the text of its digits, exact however long, as a CSV reader
    reads ids; other columns as they are (a fraction in an id is the schema check's to name).

    >>> from decimal import Decimal
    >>> ids = pd.Series([Decimal("12345678901234567890"), None, Decimal("-7")])
    >>> read = _ids(ids, "contacts", ReadOptions(), None)[0]
    >>> read[[0, 2]].tolist(), bool(read.isna()[1])
    (['12345678901234567890', '-7'], True)
    """
    if not _holds(values, "decimal"):
        return None, []
    present = values.dropna()
    if not all(value.is_finite() and value.as_tuple().exponent == 0 for value in present):
        return None, []
    return values.map(str, na_action="ignore"), []


# ---- dates -------------------------------------------------------------------------------


def _datetimes(values: pd.Series, table: str, options: ReadOptions, examples):
    column = str(values.name)
    if pd.api.types.is_datetime64_any_dtype(values):
        beyond = _beyond_pandas(values)
        if beyond is not None:
            return None, [_rows_problem(table, values, beyond, _BEYOND_MESSAGE, examples)]
        return _in_zone(values, values, table, options, examples)
    if _holds(values, "date"):
        return _dates(values, table, options, examples)
    if not _is_text(values):
        return None, []
    text = _stripped(_without_na_tokens(values))
    first = _first_present(text)
    if first is None:  # no time to read (and no text for .str): the check counts the nulls
        return _in_zone(pd.to_datetime(text), values, table, options, examples)
    if _UTC_NAME.search(str(first)):  # exports write every time one way
        text = _utc_names(text)
    form, parsed = options.datetime_format, None
    if form is None:
        guess, parsed = guess_and_read_dates(text)
        if guess is not None and guess.ambiguous:
            return None, [Problem(table, column, _ambiguous_message(guess, table, options))]
        form = guess.format if guess else None
    if form is None:  # pandas infers the format, dropping zone names it does not know
        zones = text.str.extract(_ZONE_NAME)["zone"]
        if zones.notna().any():
            message = _zone_name_message(zones.dropna().iloc[0])
            return None, [_rows_problem(table, values, zones.notna(), message, examples)]
    if form is None:  # pandas infers the format: refuse what is too long to be a time first
        present = text.dropna()
        long = (present.astype(str).str.len() > _MAX_TIME_TEXT).reindex(
            text.index, fill_value=False
        )
        if long.any():
            message = (
                f"longer than {_MAX_TIME_TEXT} characters, so not a timestamp (values such as "
                "{samples}): is the right column mapped to " + column + "?"
            )
            return None, [_rows_problem(table, values, long, message, examples)]
    try:
        if parsed is None:
            parsed = _to_datetime(text, form)
    except ValueError as error:
        if "mixed time" not in str(error).lower():
            message = f"cannot be read as timestamps: {error}"
            return None, [Problem(table, column, message)]
        return _mixed_offsets(text, form, table, options, examples)
    if not pd.api.types.is_datetime64_any_dtype(parsed) or (
        parsed.dt.tz is not None and not text.dropna().str.contains(_OFFSET, regex=True).all()
    ):
        # pandas 2 returns objects for several offsets where pandas 3 raises, and gives
        # times without an offset the first time's offset.
        return _mixed_offsets(text, form, table, options, examples)
    failed = text.notna() & parsed.isna()
    if failed.any():
        message = _date_message(text, failed, form, table, options)
        return None, [_rows_problem(table, values, failed, message, examples)]
    cut = _cut_short(text, parsed) if form == "ISO8601" else None
    if cut is not None and cut.any():
        return None, [_rows_problem(table, values, cut, _CUT_SHORT_MESSAGE, examples)]
    if (table, column) == ("contacts", "arrived_at"):
        _warn_if_only_dates(parsed, f"{table}.{column}")
    return _in_zone(parsed, values, table, options, examples)


def _holds(values: pd.Series, kind: str) -> bool:
    """Whether ``values`` are Python objects of one ``kind`` of :func:`pandas.api.types.infer_dtype`
    (``"date"``, ``"decimal"``), as pandas holds a Parquet DATE or DECIMAL column."""
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == kind


def _dates(values: pd.Series, table: str, options: ReadOptions, examples):
    """A Parquet DATE column (Python dates in pandas, e.g. costs' ``period_start``) as the
    midnights it stands for, as the same dates written in a CSV file read; dates beyond the
    times pandas holds are reported.

    >>> import datetime as dt
    >>> days = pd.Series([dt.date(2026, 3, 2), None, dt.date(1, 1, 1)], name="period_start")
    >>> examples = _example_ids(days.to_frame(), "costs")
    >>> parsed, problems = _dates(days[:2], "costs", ReadOptions(), examples)
    >>> parsed.tolist(), problems
    ([Timestamp('2026-03-02 00:00:00'), NaT], [])
    >>> print(_dates(days, "costs", ReadOptions(), examples)[1][0])  # doctest: +ELLIPSIS
    costs.period_start: 1 row outside the times ... (values such as '0001-01-01'): ...
    """
    parsed = pd.to_datetime(values, errors="coerce")
    beyond = values.notna() & parsed.isna()
    unit = _beyond_pandas(parsed)
    if unit is not None:
        beyond |= unit
    if beyond.any():  # the dates shown as written in ISO, not as Python writes them
        written = values.astype(str)
        return None, [_rows_problem(table, written, beyond, _BEYOND_MESSAGE, examples)]
    if (table, values.name) == ("contacts", "arrived_at"):
        _warn_if_only_dates(parsed, f"{table}.{values.name}")
    return _in_zone(parsed, values, table, options, examples)


_HAS_TIME = re.compile(r"\d[T ]+\d{1,2}:\d{2}")
_UTC_NAME = re.compile(r"\s*(?:UTC|GMT)$")


def _utc_names(text: pd.Series) -> pd.Series:
    """``text`` with ISO times ending in ``UTC`` or ``GMT`` (as BigQuery exports them) given the
    offset those names stand for, ``+00:00``; other values (``09:00 CET``, ``GMT+1``) as they
    are, for the zone-name check.

    >>> _utc_names(pd.Series(["2026-01-02 09:00:00 UTC", "2026-01-02 09:00 GMT+1"])).tolist()
    ['2026-01-02 09:00:00+00:00', '2026-01-02 09:00 GMT+1']
    """
    present = text.dropna().astype(str)
    stem = present.str.replace(_UTC_NAME, "", regex=True)
    named = (stem != present) & stem.str.match(ISO_DATE) & stem.str.contains(_HAS_TIME)
    named &= ~stem.str.contains(_OFFSET)
    if not named.any():
        return text
    return text.mask(named.reindex(text.index, fill_value=False), stem + "+00:00")


_CUT_SHORT_MESSAGE = (
    "not a whole timestamp (values such as {samples}): a year or month alone, or a date "
    "without the time of day the other rows have, would count as its first day or midnight; "
    "correct these values"
)


def _cut_short(text: pd.Series, parsed: pd.Series) -> pd.Series:
    """The ISO 8601 values that pandas reads (as ``parsed``) though they are cut short: a
    year or a month alone (``2026``, ``2026-03``: the 1st at 00:00), or a date without the
    time of day that other values have (00:00). A column of dates alone is not cut short.

    Every such value reads as a midnight, so only the midnights' text is matched: matching
    every value took 1.9 s for 2M times, against 0.17 s to parse them.

    >>> text = pd.Series(["2026-03-02 09:00", "2026-03", "2026", None, "2026-03-02"])
    >>> _cut_short(text, pd.to_datetime(text, format="ISO8601")).tolist()
    [False, True, True, False, True]
    >>> dates = pd.Series(["2026-03-02", "2026-03-03"])
    >>> bool(_cut_short(dates, pd.to_datetime(dates)).any())
    False
    """
    midnight = (parsed == parsed.dt.normalize()).to_numpy()
    present = text[midnight].astype(str).str.strip()
    whole = present.str.match(ISO_DATE)
    timed = present.str.contains(_HAS_TIME)
    others_timed = bool((~midnight & parsed.notna().to_numpy()).any())
    cut = ~whole | (~timed & (others_timed or bool(timed.any())))
    return cut.reindex(text.index, fill_value=False)


_BEYOND_MESSAGE = (
    f"outside the times pandas can hold, {pd.Timestamp.min:%Y-%m-%d} to "
    f"{pd.Timestamp.max:%Y-%m-%d} (values such as {{samples}}): correct the year, or leave the "
    "time empty where it stands for no date (a placeholder such as 9999-12-31)"
)


def _beyond_pandas(values: pd.Series) -> pd.Series | None:
    """The times of a datetime column held in a coarser unit than nanoseconds (a Parquet
    file's milliseconds) that lie beyond pandas' nanosecond range, which every period cut
    needs; None when there are none.

    >>> times = pd.Series(np.array(["2026-03-02", "5138-11-16"], dtype="datetime64[ms]"))
    >>> _beyond_pandas(times).tolist()
    [False, True]
    """
    if getattr(values.dt, "unit", "ns") == "ns":
        return None
    counts = values.array.asi8  # in the column's unit since 1970 UTC; NaT: the least int64
    per_unit = pd.Timedelta(1, unit=values.dt.unit).value  # nanoseconds in one unit
    low = -(-pd.Timestamp.min.value // per_unit)  # pandas' bounds, rounded inside the range
    high = pd.Timestamp.max.value // per_unit
    if counts.max(initial=low) <= high and not (counts < low).any():
        return None  # a null is below every bound: found again here only with a time beyond
    beyond = ((counts < low) & (counts != np.iinfo(np.int64).min)) | (counts > high)
    return pd.Series(beyond, index=values.index) if beyond.any() else None


def _format_fix(form: str, table: str, options: ReadOptions | None) -> str:
    """Advice to pass ``datetime_format=form``, for ``table`` alone when reading a folder."""
    if options is None or options.folder_formats is None:
        return fix(datetime_format=form)
    return table_fix(table, "datetime_format", form, options.folder_formats)


def _ambiguous_message(guess, table: str = "contacts", options: ReadOptions | None = None) -> str:
    """Why dates that read in several orders are refused, with the format of each order.

    >>> from kpikit.io._values import guess_dates
    >>> print(_ambiguous_message(guess_dates(pd.Series(["26-01-05", "26-01-13"]))))
    dates such as '26-01-05' read both day first and year first (a two-digit year may come
    first): pass datetime_format='%d-%m-%y' for day first, or pass datetime_format='%y-%m-%d' for
    year first
    """
    why = "no day above 12 in the file"
    if "year first" in guess.orders:
        why = "a two-digit year may come first"
    choices = ", or ".join(
        f"{_format_fix(form, table, options)} for {order}"
        for form, order in zip(guess.candidates, guess.orders, strict=True)
    )
    both = "both " if len(guess.candidates) == 2 else ""
    return f"dates such as {guess.example!r} read {both}{guess.orders_text} ({why}): {choices}"


_SAMPLE_ROWS = 1_000


def _warn_if_only_dates(parsed: pd.Series, name: str) -> None:
    """Warn when every time read is a midnight: the file gave dates without a time of day, and
    hourly periods would put every contact at 00:00.

    A real log shows a time other than midnight within its first rows, so those are looked at
    first; the whole column only when they are all midnights.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _warn_if_only_dates(pd.Series(pd.to_datetime(["2026-01-05", None])), "c.at")
    ...     _warn_if_only_dates(pd.Series(pd.to_datetime(["2026-01-05 09:12"])), "c.at")
    >>> [str(warning.message)[:62] for warning in caught]
    ['c.at holds dates without a time of day: each contact counts as']
    """
    times = parsed.to_numpy()
    if times.dtype.kind != "M":
        return
    for part in (times[:_SAMPLE_ROWS], times):
        present = part[~np.isnat(part)]
        if not present.size or (present != present.astype("datetime64[D]")).any():
            return
    warnings.warn(
        f"{name} holds dates without a time of day: each contact counts as arriving at "
        "midnight, so KPIs by the hour or shorter would put every contact at 00:00: use "
        "daily or longer periods (freq='day' in Python)",
        ReadWarning,
        stacklevel=6,
    )


def _text_encoding(name: str) -> bool:
    """Whether ``name`` is a codec that decodes a text file: not one Python knows for bytes
    (``base64``, ``zlib``, ``rot13``...) or for domain names (``idna``, ``punycode``), nor
    ``undefined``.

    >>> _text_encoding("cp1252"), _text_encoding("rot13"), _text_encoding("nosuch")
    (True, False, False)
    """
    try:
        info = codecs.lookup(name)
    except LookupError:
        return False
    not_files = {"undefined", "idna", "punycode"}
    return getattr(info, "_is_text_encoding", True) and info.name not in not_files


def _to_datetime(text: pd.Series, form: str | None, *, utc: bool = False) -> pd.Series:
    with warnings.catch_warnings():
        # pandas warns when it infers a format (a wrong inference shows up as failed cells),
        # and pandas 2 when offsets differ (handled by the caller).
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return pd.to_datetime(text, format=form, errors="coerce", utc=utc)


def _zone_name_message(zone: str) -> str:
    """Why times ending with a zone abbreviation such as ``zone`` are refused: one names no
    single offset (CET or CEST, IST in India or Ireland) and pandas reads most as local times."""
    remedy = "export the times with their UTC offset (2026-01-02 09:00+01:00)"
    zone_fix = fix(tz="Europe/Paris")
    if zone_fix != UPLOAD_REMEDIES["tz"]:
        remedy += f", or remove the zone names and {zone_fix} (the zone of the times)"
    return (
        f"with a zone name such as {zone!r} at the end (values such as " + "{samples}); "
        "kpikit does not read zone names, since one may stand for several UTC offsets and "
        f"pandas keeps the local time only: {remedy}"
    )


def _unix_time(text: str) -> tuple[str, pd.Timestamp] | None:
    """The unit and the moment of ``text`` (matching :data:`_EPOCH_NUMBER`) read as a Unix
    time, the unit told by the digits before the point; None past the last time pandas holds
    (2262-04-11), on every pandas version.

    >>> _unix_time("1767344400.5"), _unix_time("1767344400000000")[0], _unix_time("9999999999")
    (('s', Timestamp('2026-01-02 09:00:00.500000+0000', tz='UTC')), 'us', None)
    """
    unit = _EPOCH_UNITS[len(text.split(".")[0])]
    seconds = float(text) / {"s": 1, "ms": 10**3, "us": 10**6}[unit]
    if seconds >= pd.Timestamp.max.timestamp():
        return None
    return unit, pd.Timestamp(seconds, unit="s", tz="UTC")


def _date_message(
    text: pd.Series, failed: pd.Series, form: str | None, table: str, options: ReadOptions
) -> str:
    """The problem for dates that did not read (``failed``), with what the values show (an
    order, spreadsheet day numbers, Unix times, a year pandas cannot hold) or the option."""
    bad = text[failed].astype(str)
    zones = bad.str.extract(_ZONE_NAME)["zone"].dropna()
    if not zones.empty:
        return _zone_name_message(zones.iloc[0])
    year_first, year_last = (column for _, column in bad.str.extract(_YEAR).items())
    years = pd.concat([year_first, year_last]).dropna().astype(int)
    outside = years[(years < pd.Timestamp.min.year + 1) | (years > pd.Timestamp.max.year - 1)]
    if not outside.empty:
        return (
            "not a timestamp pandas can hold (values such as {samples}): year "
            f"{outside.iloc[0]} is outside {pd.Timestamp.min:%Y-%m-%d} to "
            f"{pd.Timestamp.max:%Y-%m-%d}; correct the year, or leave the cell empty where "
            "it stands for no date (a placeholder such as 9999-12-31)"
        )
    first = bad.iloc[0].strip()
    unix = _unix_time(first) if bad.str.match(_EPOCH_NUMBER).all() else None
    if unix is not None:
        unit, when = unix
        return (
            "not a timestamp (values such as {samples}): these look like Unix times, "
            f"{_UNIT_NAMES[unit]} since 1970-01-01 UTC "
            f"({first} is {when:%Y-%m-%d %H:%M:%S} UTC), which no datetime_format reads: "
            "export the times as dates with their UTC offset (2026-01-02 09:00:00+00:00)"
        )
    given = options.datetime_format is not None
    if given:
        message = f"not a timestamp in the format {form!r} (values such as " + "{samples})"
        guess = guess_dates(text)
        if guess is not None and guess.order and guess.example and guess.format != form:
            return (
                f"{message}; the dates look {guess.order} ({guess.example}): "
                f"{_format_fix(guess.format, table, options)}"
            )
        return message
    message = "not a timestamp (values such as {samples})"
    if form is None and text.dropna().astype(str).str.match(_DAY_NUMBER).all():
        # No format reads them: the spreadsheet saved its day numbers instead of dates.
        return (
            f"{message}; these are spreadsheet day numbers (46024.375 is 2026-01-02 09:00), "
            "which no datetime_format reads: format the column as dates in the spreadsheet "
            "before saving it as CSV"
        )
    if form is None:
        return (
            f"{message}; {_format_fix('%d/%m/%Y %H:%M', table, options)} or the file's own format"
        )
    return (
        f"{message}; the other values follow the format {form!r}: correct these, or give "
        f"{option_name('datetime_format')} a format that reads every value"
    )


def _mixed_offsets(text: pd.Series, form, table, options: ReadOptions, examples):
    """Read times with several UTC offsets into one zone; times without an offset need ``tz``."""
    column = str(text.name)
    present = text.notna()
    has_offset = text.str.contains(_OFFSET, regex=True, na=False)
    without = present & ~has_offset
    parsed = _to_datetime(text.where(has_offset), form, utc=True)
    if without.any():
        zones = text.where(without).str.extract(_ZONE_NAME)["zone"]
        if zones.notna().any():  # "09:30 CET" has a zone, named in a way kpikit does not read
            message = _zone_name_message(zones.dropna().iloc[0])
            return None, [_rows_problem(table, text, zones.notna(), message, examples)]
        if options.tz is None:
            message = (
                "without a UTC offset, while other rows have one, so their zone is unknown "
                "(values such as {samples}): " + fix(tz="Europe/London") + " or the zone these "
                "times are in, or export every time with its offset"
            )
            return None, [_rows_problem(table, text, without, message, examples)]
        local = _to_datetime(text.where(without), form)
        localized = local.dt.tz_localize(options.tz, ambiguous="NaT", nonexistent="NaT")
        parsed = parsed.dt.tz_convert(options.tz).where(has_offset, localized)
    failed = present & parsed.isna()
    if failed.any():
        message = _date_message(text, failed, form, table, options)
        return None, [_rows_problem(table, text, failed, message, examples)]
    if options.tz is not None:
        return parsed.dt.tz_convert(options.tz), []
    written = text.str.extract(rf"{_AFTER_TIME}({_OFFSET_TEXT})\s*$")[0]
    zones = zones_of_offsets(parsed[present], offset_minutes(written[present]))
    offsets = ", ".join(written.dropna().unique()[:4])
    if zones:
        parsed = parsed.dt.tz_convert(zones[0])
        message = (
            f"{table}.{column} holds times with several UTC offsets ({offsets}), those of "
            f"{zones[0]} at these times: they were read in that zone"
        )
        if len(zones) > 1:
            others = ", ".join(zones[1:3]) + (f" and {len(zones) - 3} more" * (len(zones) > 3))
            message += f" ({others} had the same offsets at these times)"
    else:
        message = (
            f"{table}.{column} holds times with several UTC offsets ({offsets}), which no one "
            "zone had at these times (sites in several zones?): they were read in UTC"
        )
    if not in_dashboard():
        message += f". To read them in another zone, {fix(tz='Europe/London')} or another name"
    warnings.warn(f"{message}.", ReadWarning, stacklevel=5)
    return parsed, []


def _in_zone(parsed: pd.Series, values: pd.Series, table, options: ReadOptions, examples):
    """Convert aware times to ``tz``, or place naive ones in it; clock-change gaps are reported."""
    if options.tz is None:
        return parsed, []
    if parsed.dt.tz is not None:
        return parsed.dt.tz_convert(options.tz), []
    localized = parsed.dt.tz_localize(options.tz, ambiguous="NaT", nonexistent="NaT")
    lost = parsed.notna() & localized.isna()
    if lost.any():
        message = (
            f"in a clock change of {options.tz} (a time skipped in spring or repeated in "
            "autumn), so the moment is unknown (values such as {samples}): export times with "
            f"their UTC offset, or leave {option_name('tz')} unset to keep local times"
        )
        return None, [_rows_problem(table, values, lost, message, examples)]
    return localized, []


# ---- numbers -----------------------------------------------------------------------------


def _numbers(values: pd.Series, table: str, options: ReadOptions, examples):
    is_number = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if _holds(values, "decimal"):
        # A Parquet DECIMAL column (a cost in NUMERIC(12, 2)), held by pandas as Python
        # decimals: read as floats, as the same numbers written in a CSV file are.
        return values.astype(float), []
    if is_number or not _is_text(values):
        return None, []
    text = _without_na_tokens(values)
    source = text
    if options.decimal == ",":
        points = text.str.contains(".", regex=False, na=False)
        source = text.str.replace(",", ".", regex=False).mask(points)
    parsed = pd.to_numeric(source, errors="coerce")
    failed = text.notna() & parsed.isna()
    if failed.any() and str(values.name).endswith("_s"):
        # With decimal=',' a fraction of a second is written with a comma too: 0:00:12,5.
        clock = text.str.replace(",", ".", regex=False) if options.decimal == "," else text
        durations = clock.where(failed & clock.str.fullmatch(_DURATION, na=False))
        seconds = pd.to_timedelta(durations, errors="coerce").dt.total_seconds()
        parsed = parsed.fillna(seconds)
        failed = text.notna() & parsed.isna()
    if failed.any():
        bad = text[failed].astype(str)
        advice = ""
        commas = bad[bad.str.match(_COMMA_NUMBER)]
        points = bad[bad.str.match(_POINT_NUMBER)] if options.decimal == "," else bad[:0]
        symbols = list(bad.unique())
        if (len(commas) or len(points)) and _mixed_marks(text, options):
            advice = (
                "; the file writes some numbers with a decimal comma and others with a decimal "
                "point, which no one 'decimal' option reads: save them all with one decimal "
                "mark and without thousands separators"
            )
        elif options.decimal != "," and commas.str.match(_COMMA_THOUSAND).all() and len(commas):
            # No other value shows the comma as a decimal mark: following that advice alone
            # would read a thousands separator's 1,234 as 1.234.
            advice = (
                "; 1,234 is 1234 if the comma separates thousands: save the numbers without "
                "thousands separators; it is 1.234 if the file writes decimals with a comma: "
                f"{fix(decimal=',')}"
            )
        elif options.decimal != "," and len(commas):
            advice = f"; the file writes decimals with a comma: {fix(decimal=',')}"
        elif len(points) and points.str.match(_POINT_THOUSAND).all():
            # As for 1,234 above: pass decimal='.' alone would read a thousands point as one.
            advice = (
                "; 1.234 is 1234 if the point separates thousands: save the numbers without "
                "thousands separators; it is 1.234 if the file writes decimals with a point: "
                f"{fix(decimal='.')}"
            )
        elif len(points):
            advice = f"; these use a decimal point while the file uses commas: {fix(decimal='.')}"
        elif str(values.name).endswith("_s") and bad.str.match(_COMMA_CLOCK).any():
            advice = f"; these write fractions of a second with a comma: {fix(decimal=',')}"
        elif str(values.name).endswith("_s") and bad.str.match(_CLOCK_LIKE).any():
            advice = (
                "; durations are read as h:mm:ss, with minutes and seconds from 00 to 59: "
                "correct these"
            )
        elif str(values.name).endswith("_s") and bad.str.match(_MINUTES_SECONDS).any():
            advice = (
                "; durations are read as h:mm:ss, and two parts could be minutes and seconds or "
                "hours and minutes: export them with hours (0:02:03) or in seconds"
            )
        elif bad.str.match(_CURRENCY_NUMBER).any():
            advice = "; these hold a currency sign: save the numbers without it"
        elif bad.str.match(_THOUSANDS_NUMBER).any():
            advice = (
                "; these hold thousands separators, which no option reads: save the numbers "
                "without them"
            )
        elif len(symbols) <= 3 and _placeholders(symbols) == symbols:
            advice = f"; {_no_value_advice(symbols)}"
        message = "not a number (values such as {samples})" + advice
        return None, [_rows_problem(table, values, failed, message, examples)]
    return parsed, []


def _mixed_marks(text: pd.Series, options: ReadOptions) -> bool:
    """Whether the file writes numbers with both decimal marks: in different columns (as the
    reader found, ``options.mixed_marks``) or in this column's ``text``.

    >>> _mixed_marks(pd.Series(["12,5", "1.5", None]), ReadOptions())
    True
    >>> _mixed_marks(pd.Series(["12,5", "1,234"]), ReadOptions())
    False
    """
    if options.mixed_marks:
        return True
    present = text.dropna().astype(str)
    return bool(present.str.match(_COMMA_NUMBER).any() and present.str.match(_POINT_NUMBER).any())


# ---- true/false --------------------------------------------------------------------------


def _word(value) -> str:
    """``value`` as a true/false word to look up: a whole number as its digits, whether a cell
    read as a number (a 0/1 column with missing values, written by pandas as ``1.0``) or a
    word passed in ``true_values`` (``"1.0"``), so that either spelling names the other.

    >>> [_word(value) for value in (1.0, "1.0", " Yes", 0)]
    ['1', '1', 'yes', '0']
    """
    if isinstance(value, str) and _WHOLE_DECIMAL.fullmatch(value.strip()):
        value = float(value)
    if isinstance(value, int | float | np.number) and float(value).is_integer():
        return str(int(value))
    return str(value).strip().lower()


def _as_written(value) -> str:
    """``value`` as text, a whole number read as a float as its digits (``1.0``: ``'1'``)."""
    if isinstance(value, float | np.floating) and value.is_integer():
        return str(int(value))
    return str(value)


def _booleans(values: pd.Series, table: str, options: ReadOptions, examples):
    column = str(values.name)
    if pd.api.types.is_bool_dtype(values):
        return None, []
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "boolean":
        return values.astype("boolean"), []
    if not (_is_text(values) or pd.api.types.is_numeric_dtype(values)):
        return None, []
    codes, distinct = pd.factorize(values)
    if len(distinct) > _MAX_WORDS:
        return None, [
            Problem(
                table,
                column,
                f"holds {len(distinct):,} different values, not true/false words: map the "
                f"right column to {column}",
            )
        ]
    true = {"true", *(_word(word) for word in options.true_values)}
    false = {"false", *(_word(word) for word in options.false_values)}
    # One decision per distinct value, then spread by the codes: fast on millions of rows.
    is_true = np.zeros(len(distinct) + 1, dtype=bool)
    is_missing = np.zeros(len(distinct) + 1, dtype=bool)
    is_missing[-1] = True  # code -1: a missing cell
    unknown = []
    for position, value in enumerate(distinct):
        word = _word(value)
        if word in true:
            is_true[position] = True
        elif word in false:
            pass
        elif str(value).strip() in NA_TOKENS or not word:
            is_missing[position] = True
        else:
            unknown.append(value)
    if unknown:
        return None, [_words_problem(values, unknown, table, options, examples)]
    flags, missing = is_true[codes], is_missing[codes]
    if missing.any():
        return pd.Series(pd.arrays.BooleanArray(flags, missing), index=values.index), []
    return pd.Series(flags, index=values.index), []


def _placeholders(values) -> list[str]:
    """The values (as text) without a letter or a digit: a report's placeholder for no value,
    ``'-'``, ``'--'``, ``'?'``.

    >>> _placeholders(["-", "yes", "?", "n/a"])
    ['-', '?']
    """
    return [str(value) for value in values if not any(char.isalnum() for char in str(value))]


def _no_value_advice(symbols) -> str:
    """The advice to read the placeholders ``symbols`` as missing values."""
    it = "this means" if len(symbols) == 1 else "these mean"
    return f"if {it} no value, {fix(na_values=symbols)}"


def _words_problem(values, unknown, table, options: ReadOptions, examples) -> Problem:
    column = str(values.name)
    # A report's placeholder for no value ('-', '?'): the fix is na_values, not a word list.
    symbols = _placeholders(unknown)
    if len(symbols) == len(unknown) <= 3:
        message = "not a true/false word (values such as {samples}); " + _no_value_advice(symbols)
        return _rows_problem(table, values, values.isin(unknown), message, examples)
    words = values[~values.isin(symbols)] if symbols else values
    # Whole numbers as their digits: 1.0 and 0.0 (flags with missing values, read as floats)
    # are advised as '1' and '0', which read them.
    pair = guess_words(words.astype(object).map(_as_written, na_action="ignore"))
    if pair is not None and not options.true_values and not options.false_values:
        shown = ", ".join(map(repr, pair.true + pair.false + tuple(symbols)))
        advice = fix(true_values=list(pair.true), false_values=list(pair.false))
        advice += f", and {fix(na_values=symbols)}" if symbols else ""
        return Problem(table, column, f"holds {shown} instead of True/False: {advice}")
    failed = values.isin(unknown)
    message = (
        "not a true/false word (values such as {samples}): name the words meaning True in "
        f"{option_name('true_values')} and those meaning False in "
        f"{option_name('false_values')}"
    )
    return _rows_problem(table, values, failed, message, examples)
