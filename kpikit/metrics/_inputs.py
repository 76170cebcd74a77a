"""What :func:`kpikit.compute` checks and settles before it sums: values and time zones.

:func:`prepare` is called once, at the entry of compute, on the tables the requested KPIs read:

- **values**: the checks of :func:`kpikit.validate` (types, nulls, ranges, NaN and infinities,
  survey scales, repeated ids), run through the same code (:func:`kpikit.schema.check`), so a
  bad input is a :class:`~kpikit.SchemaError` naming the column, the problem, the number of rows
  and the first ids, never a wrong number or an error from deep inside a dataframe library.
  On a lazy engine they are one aggregate query; rows are read only when a check fails.
- **time zones**: every table's time column is brought to one zone, the zone periods are cut in
  (``tz``, or the zone of the contacts' ``arrived_at``). Timezone-aware timestamps are
  converted; the costs' period dates are read as local dates of that zone; naive timestamps
  are kept as they are when no zone is involved, and refused when one is (nothing is assumed).

Narwhals 2.29 reads a pandas zone whose name holds ``_``, ``-`` or a digit (America/New_York),
and DuckDB's nanosecond timestamps with a zone, as an ``Unknown`` dtype; :func:`time_zone`
reads such zones from pandas or DuckDB itself, and pandas columns are converted by pandas.
DuckDB keeps one zone per connection (``SET TimeZone``): its timestamps are in that zone.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import narwhals as nw
import pandas as pd

from kpikit._checks import (
    column_dtype,
    duckdb_zone,
    table_checks,
    type_empty_columns,
    type_object_flags,
)
from kpikit.options import Options
from kpikit.schema import KEY_COLUMNS, TABLES, Dataset, Problem, SchemaError, check, table_specs

UTC_NAMES = frozenset(
    {"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "UCT", "Etc/UCT"}
    | {"GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "Etc/GMT+0", "GMT-0", "Etc/GMT-0"}
    | {"Greenwich", "Etc/Greenwich"}
)
"""The names of UTC in the time zone database: ``tz`` naming one of them does not ask a DuckDB
connection or a Spark session in another of them for a zone of its own."""

TIME_COLUMNS = {
    "contacts": "arrived_at",
    "agent_intervals": "interval_start",
    "costs": "period_start",
}
"""The column each table falls into periods by."""


def prepare(
    dataset: Dataset, tables, options: Options, *, validate: bool = True, checked=()
) -> Dataset:
    """The dataset compute works on: checked (unless ``validate`` is False), in one zone.

    All-missing columns that an engine typed as text (polars from pandas) get the type of
    their kind, so that the sums can read them; pandas object columns of True, False and
    missing values (pandas 2's reading of a nullable boolean parquet column) become ``boolean``.

    Parameters
    ----------
    dataset : Dataset
    tables : iterable of str
        The tables the requested KPIs read; the others are neither checked nor converted.
    options : Options
        ``csat_scale`` (the declared survey scale) and ``tz`` are read.
    validate : bool, default=True
        False skips the value checks, for data already validated (``kk.validate``,
        ``kk.read_contacts``); time zones are settled either way.
    checked : collection of str, default=()
        Tables of ``tables`` whose values a report has checked already
        (:func:`kpikit.metrics._checked_once.checked_once`): converted, not checked again.

    Returns
    -------
    Dataset
        The same frames when nothing needs converting.

    Raises
    ------
    SchemaError
        Every problem of the tables' values, or a time column whose zone cannot be settled.
    ValueError
        ``tz`` asks DuckDB for a zone other than its connection's.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"contact_id": [1, 2], "answered": [True, False],
    ...     "arrived_at": pd.to_datetime(["2026-03-29 01:30", "2026-03-29 03:30"]),
    ...     "wait_s": [12.0, -40.0]})
    >>> prepare(Dataset(contacts), ["contacts"], Options())
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.wait_s: 1 row below 0 (first ids: 2)
    >>> utc = contacts.assign(wait_s=[12.0, 40.0],
    ...                       arrived_at=contacts["arrived_at"].dt.tz_localize("UTC"))
    >>> paris = prepare(Dataset(utc), ["contacts"], Options(tz="Europe/Paris"))
    >>> [str(t) for t in paris.contacts["arrived_at"]]
    ['2026-03-29 03:30:00+02:00', '2026-03-29 05:30:00+02:00']
    """
    tables = [table for table in TIME_COLUMNS if table in set(tables)]
    flags = {
        table: type_object_flags(getattr(dataset, table), TABLES[table])
        for table in tables
        if getattr(dataset, table) is not None
    }
    dataset = replace(dataset, **flags)
    unchecked = [table for table in tables if table not in checked]
    if validate and unchecked:
        _check_values(dataset, unchecked, options)
    typed = {
        table: floats_of_arrow_integers(
            type_empty_columns(getattr(dataset, table), TABLES[table]), TABLES[table]
        )
        for table in tables
    }
    return _one_zone(replace(dataset, **typed), tables, options)


def floats_of_arrow_integers(native, specs):
    """A pandas frame with its Arrow-backed integer columns of numbers (``specs`` of kind
    ``number``; ids stay as they are) as Arrow floats; any other table as it is.

    The sums cast numbers to floats, and pandas casts Arrow's integers with Arrow's safe cast,
    which refuses values past 2**53 (they have no exact float): a wait of 2**63 s passed the
    checks and met a raw ArrowInvalid. They are rounded to the nearest float instead, as NumPy
    rounds its own integers.

    >>> import pyarrow as pa
    >>> from kpikit.schema import TABLES
    >>> big = pd.array([2**63 - 1, None], dtype=pd.ArrowDtype(pa.int64()))
    >>> frame = pd.DataFrame({"contact_id": big, "wait_s": big})
    >>> floats = floats_of_arrow_integers(frame, TABLES["contacts"])
    >>> floats.dtypes.astype(str).tolist(), floats["wait_s"].tolist()
    (['int64[pyarrow]', 'double[pyarrow]'], [9.223372036854776e+18, <NA>])
    """
    if not isinstance(native, pd.DataFrame):
        return native
    import pyarrow as pa

    numbers = {spec.name for spec in specs if spec.kind == "number"}
    integers = [
        name
        for name, dtype in native.dtypes.items()
        if name in numbers
        and isinstance(dtype, pd.ArrowDtype)
        and pa.types.is_integer(dtype.pyarrow_dtype)
    ]
    floats = {
        name: pd.Series(
            pd.arrays.ArrowExtensionArray(
                native[name].array.__arrow_array__().cast(pa.float64(), safe=False)
            ),
            index=native.index,
        )
        for name in integers
    }
    return native.assign(**floats) if floats else native


def time_zone(frame, column: str) -> str | None:
    """The zone of a timezone-aware column of a narwhals frame; None for any other column.

    >>> import narwhals as nw, pandas as pd
    >>> times = pd.DataFrame({"t": pd.date_range("2026-03-08", periods=2, tz="America/New_York")})
    >>> time_zone(nw.from_native(times), "t"), time_zone(nw.from_native(times.astype(str)), "t")
    ('America/New_York', None)
    """
    dtype = column_dtype(frame, column)
    return dtype.time_zone if isinstance(dtype, nw.Datetime) else None


@contextmanager
def checked_beside(dataset: Dataset, tables, options: Options):
    """Check the values of ``dataset``'s ``tables`` in a worker thread while the block runs.

    Leaving the block waits for the checks; their SchemaError is raised then, and it takes the
    place of an error of the block (bad values explain a failure better than what they broke).
    A table lacking a required column or holding one of a wrong type is reported before the
    block runs: a struct column summed makes polars panic, which no ``except Exception``
    catches.

    >>> import polars as pl
    >>> bad = pl.DataFrame({"contact_id": [1], "arrived_at": [pd.Timestamp("2026-01-05")],
    ...     "answered": [True], "wait_s": [-3.0]})
    >>> with checked_beside(Dataset(bad), ["contacts"], Options()):
    ...     pass
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.wait_s: 1 row below 0 (first ids: 1)
    """
    if _wrong_schema(dataset, tables, options):
        _check_values(dataset, tables, options)  # raises at once: nothing runs on a wrong type
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpikit-checks") as pool:
        pending = pool.submit(_check_values, dataset, tables, options)
        try:
            yield
        except Exception as error:
            problem = pending.exception()
            if problem is not None:
                raise problem from error
            raise
        pending.result()


def _wrong_schema(dataset: Dataset, tables, options: Options) -> bool:
    """Whether a table of ``tables`` lacks a required column or holds one of a wrong type (read
    from the schemas alone)."""
    for table in tables:
        specs = table_specs(table, csat_scale=options.csat_scale)
        frame = nw.from_native(getattr(dataset, table))
        if table_checks(frame, table, specs, KEY_COLUMNS[table]).problems:
            return True
    return False


def _check_values(dataset: Dataset, tables, options: Options) -> None:
    report = check(dataset, csat_scale=options.csat_scale, tables=tables)
    if report.problems:
        raise SchemaError(report.problems)


def _one_zone(dataset: Dataset, tables, options: Options) -> Dataset:
    frames = {table: nw.from_native(getattr(dataset, table)) for table in tables}
    present = {
        table: frame
        for table, frame in frames.items()
        if TIME_COLUMNS[table] in frame.collect_schema().names()
    }
    contacts = present.get("contacts")
    own = time_zone(contacts, "arrived_at") if contacts is not None else None
    zone = options.tz or named_zone(own)
    changes = {}
    for table, frame in present.items():
        column = TIME_COLUMNS[table]
        current = time_zone(frame, column)
        frame = numpy_zoned_times(frame, column)
        if current == zone:
            if frame is not present[table]:
                changes[table] = frame.to_native()
            continue
        if zone is None:
            raise SchemaError([_unzoned_contacts(table, column, current)])
        if current is None:
            if table != "costs":
                raise SchemaError([_naive_problem(table, column, zone, options.tz)])
            converted = _localize_dates(frame, column, zone, host=contacts)
        elif options.tz is None and not frame.implementation.is_pandas_like():
            converted = _convert(frame, column, zone, apart=(table, current))
        else:
            converted = _convert(frame, column, zone)
        # pandas keeps dates read from Arrow in Arrow when it localizes them: NumPy, as the rest
        changes[table] = numpy_zoned_times(converted, column).to_native()
    return replace(dataset, **changes) if changes else dataset


_FIXED_OFFSET = re.compile(r"(?:UTC)?([+-])(\d{2}):?(\d{2})")
_PYTZ_OFFSET = re.compile(r"pytz\.FixedOffset\((-?\d+)\)")


_PART_HOUR_ZONES = {
    "+03:30": "Asia/Tehran",
    "+04:30": "Asia/Kabul",
    "+05:30": "Asia/Kolkata",
    "+05:45": "Asia/Kathmandu",
    "+06:30": "Asia/Yangon",
    "+08:45": "Australia/Eucla",
    "+09:30": "Australia/Darwin",
    "+10:30": "Australia/Adelaide",
    "+12:45": "Pacific/Chatham",
    "+13:45": "Pacific/Chatham",
    "-02:30": "America/St_Johns",
    "-03:30": "America/St_Johns",
    "-09:30": "Pacific/Marquesas",
}
"""A zone of the database that keeps each UTC offset of part of an hour in use today (at some
time of year), named as an example when times come at that fixed offset."""


def named_zone(zone: str | None) -> str | None:
    """``zone``, a fixed UTC offset given the name the time zone database has for it.

    Times parsed from ISO text with one offset (``2026-01-05T09:00+01:00``) are in pandas' zone
    ``UTC+01:00``, and those of a parquet file stored at ``+01:00`` in ``pytz.FixedOffset(60)``
    (pyarrow's ``to_pandas``), which polars cannot cut periods in; ``Etc/GMT-1`` is the same
    offset (the database's signs are reversed). An offset of part of an hour has no such name:
    refused.

    >>> [named_zone(zone) for zone in ("UTC+01:00", "-05:00", "+00:00", "Europe/Paris")]
    ['Etc/GMT-1', 'Etc/GMT+5', 'UTC', 'Europe/Paris']
    >>> named_zone("pytz.FixedOffset(120)"), named_zone("pytz.FixedOffset(-300)")
    ('Etc/GMT-2', 'Etc/GMT+5')
    >>> named_zone("UTC+05:30")
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.arrived_at: holds times at the fixed UTC offset +05:30, which periods cannot be \
cut in: pass tz, the name of the zone they come from (e.g. tz='Asia/Kolkata'), or convert them \
first (.dt.tz_convert(...))
    """
    pytz_offset = _PYTZ_OFFSET.fullmatch(zone or "")
    if pytz_offset is not None:
        minutes = int(pytz_offset[1])
        sign = "-" if minutes < 0 else "+"
        zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    match = _FIXED_OFFSET.fullmatch(zone or "")
    if match is None:
        return zone
    sign, hours, minutes = match.groups()
    hours = int(hours)
    if int(minutes) or hours > (14 if sign == "+" else 12):
        offset = f"{sign}{match[2]}:{match[3]}"
        example = f" (e.g. tz={_PART_HOUR_ZONES[offset]!r})" if offset in _PART_HOUR_ZONES else ""
        problem = (
            f"holds times at the fixed UTC offset {offset}, which periods cannot be cut in: "
            f"pass tz, the name of the zone they come from{example}, or convert them first "
            "(.dt.tz_convert(...))"
        )
        raise SchemaError([Problem("contacts", "arrived_at", problem)])
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def _unzoned_contacts(table: str, column: str, current: str) -> Problem:
    return Problem(
        table,
        column,
        f"timestamps in {current}, while contacts.arrived_at has no time zone, so periods "
        "cannot line up: give arrived_at its zone (e.g. .dt.tz_localize('Europe/Paris')), or "
        f"make {column} naive local times too",
    )


def _naive_problem(table: str, column: str, zone: str, asked: str | None) -> Problem:
    why = f"tz={asked!r} was asked" if asked else f"contacts.arrived_at is in {zone}"
    example = ".dt.tz_localize('UTC') for UTC times"
    if zone != "UTC":
        example += f" or .dt.tz_localize({zone!r}) for local ones"
    return Problem(
        table,
        column,
        f"timestamps without a time zone, while periods are cut in {zone} ({why}); kpikit "
        f"does not guess which zone they are in: localize them first, e.g. {example}",
    )


def numpy_zoned_times(frame, column: str):
    """A pandas frame's Arrow-backed timezone-aware ``column`` held by NumPy (the same times).

    pandas 2 takes an Arrow-backed time's wall clock in UTC rather than in its zone
    (``.dt.tz_localize(None)``), which would cut periods at UTC midnight; NumPy-backed zoned
    times do it right. Any other frame or column is returned as it is.

    >>> import narwhals as nw, pandas as pd
    >>> times = pd.to_datetime(["2026-01-01 00:30"]).tz_localize("Europe/Paris")
    >>> arrow = nw.from_native(pd.DataFrame({"t": times}).convert_dtypes(dtype_backend="pyarrow"))
    >>> numpy_zoned_times(arrow, "t").to_native()["t"].dt.tz_localize(None).tolist()
    [Timestamp('2026-01-01 00:30:00')]
    """
    if not frame.implementation.is_pandas():
        return frame
    native = frame.to_native()
    dtype = native[column].dtype
    if not isinstance(dtype, pd.ArrowDtype) or getattr(dtype.pyarrow_dtype, "tz", None) is None:
        return frame
    numpy = pd.DatetimeTZDtype(dtype.pyarrow_dtype.unit, dtype.pyarrow_dtype.tz)
    converted = native.copy(deep=False)
    converted[column] = native[column].astype(numpy)
    return nw.from_native(converted)


def _convert(frame, column: str, zone: str, apart=None):
    """``frame``'s ``column`` converted to ``zone``; ``apart``: ``(table, its zone)`` when
    ``zone`` is the contacts' own (no ``tz`` given), which a refusal then words so."""
    if frame.implementation.is_pandas_like():
        native = frame.to_native()
        converted = native.copy(deep=False)
        converted[column] = native[column].dt.tz_convert(zone)
        return nw.from_native(converted)
    try:
        return frame.with_columns(nw.col(column).dt.convert_time_zone(zone))
    except NotImplementedError:  # DuckDB keeps one zone per connection, Spark per session
        if {time_zone(frame, column), zone} <= UTC_NAMES:
            return frame  # UTC by another name (a machine's zone is often Etc/UTC)
        if apart is not None:
            raise ValueError(_zones_apart(frame, *apart, column, zone)) from None
        raise ValueError(_one_zone_per_session(frame, column, zone)) from None


def _zones_apart(frame, table: str, current: str, column: str, zone: str) -> str:
    """Why a DuckDB relation or Spark frame of ``table`` in zone ``current`` cannot join
    contacts in ``zone`` (no ``tz`` given), and what does instead."""
    if frame.implementation.is_duckdb():
        holder, fix = (
            "DuckDB shows timezone-aware times in the zone of each relation's connection",
            f"read each table with kk.scan_parquet(path, tz={zone!r}) (or run SET TimeZone = "
            f"'{zone}' on the {table} connection)",
        )
    else:
        holder, fix = (
            "Spark shows timezone-aware times in its session's zone",
            f"set spark.sql.session.timeZone to '{zone}' before reading the {table}",
        )
    return (
        f"The tables are in different time zones: contacts.arrived_at in {zone}, "
        f"{table}.{column} in {current}; {holder}, which kpikit cannot convert, so periods "
        f"would not line up: {fix}, or pass tz= to cut periods in one zone that all tables "
        "are read in."
    )


def _one_zone_per_session(frame, column: str, zone: str) -> str:
    """Why ``tz`` cannot convert a DuckDB relation or a Spark frame, and what does instead."""
    current = time_zone(frame, column)
    if frame.implementation.is_duckdb():
        engine, setting = "DuckDB", f"its connection's zone ({current})"
        action = f"run SET TimeZone = '{zone}' on the connection"
    else:
        engine, setting = "Spark", f"its session's zone ({current})"
        action = f"run spark.conf.set('spark.sql.session.timeZone', '{zone}')"
    return (
        f"Value of 'tz' is {zone!r}, but {engine} reads timezone-aware timestamps in "
        f"{setting}: {action} instead of passing tz."
    )


def _localize_dates(frame, column: str, zone: str, host=None):
    """Costs' period starts (dates or naive midnights) as the local midnights of ``zone``.

    On DuckDB a cast reads a naive time in the zone of the relation's connection, so costs on
    a connection in another zone (costs read by their own
    :func:`kpikit.metrics.scan_parquet`, whose dates carry no zone) are first copied onto the
    connection of ``host``, the contacts' relation, when that one is in ``zone``: costs hold
    a row per period and channel. Otherwise refused, naming the tables, their zones and the
    fix.
    """
    if frame.implementation.is_pandas_like():
        native = frame.to_native()
        localized = native.copy(deep=False)
        localized[column] = pd.to_datetime(native[column]).dt.tz_localize(zone)
        return nw.from_native(localized)
    time = nw.col(column).cast(nw.Datetime("us"))
    if frame.implementation.is_duckdb():  # a cast reads a naive time in the connection's zone
        frame = _on_connection_in(frame, zone, host, column)
        return frame.with_columns(time.cast(nw.Datetime("us", zone)))
    return frame.with_columns(time.dt.replace_time_zone(zone))


def _on_connection_in(frame, zone: str, host, column: str):
    """DuckDB ``frame`` (costs) on a connection in ``zone``: its own, or else that of ``host``
    (the contacts) copied through Arrow."""
    from kpikit._duckdb import connection_of

    own = duckdb_zone(frame.to_native())
    if own == zone or {own, zone} <= UTC_NAMES:
        return frame
    if host is not None and host.implementation.is_duckdb():
        connection = connection_of(host.to_native())
        if connection is not None and duckdb_zone(host.to_native()) == zone:
            return nw.from_native(connection.from_arrow(frame.to_native().to_arrow_table()))
    raise ValueError(_costs_zone_apart(own, zone, column))


def _costs_zone_apart(own: str, zone: str, column: str) -> str:
    return (
        f"The tables are in different time zones: periods are cut in {zone} (contacts."
        f"arrived_at or tz), but the costs' DuckDB connection is in {own}, where costs."
        f"{column} (dates without a zone) would be read as {own} midnights: read the costs "
        f"with kk.scan_parquet(path, tz={zone!r}) (tz= on each scan_parquet), or pass the "
        "costs as a pandas frame."
    )
