"""The action register's tables and database access (SQLAlchemy Core, imported on first use).

Two tables: ``kpikit_breaches`` (one row per breach, written once) and ``kpikit_action_events``
(one row per change, never updated). Times are stored as UTC without a zone (the columns are
``DateTime`` on every database); a breach's periods and deadlines keep the name of the zone they
were in, in ``time_zone``, so that they are given back in it. A breach whose times have no zone
has none there, and its times are read as UTC, as the deadlines of a register opened before
``time_zone`` existed are. A service-level breach keeps the answer threshold of its target in
``threshold_s``. Columns added after the first release (:data:`UPGRADES`) are added to the
tables of an older kpikit when the register is opened with ``create=True``; opened with
``create=False``, which only reads, they are read as null until the first write adds them.

On SQLite, the file is in WAL mode and transactions that write (opened on :func:`writing`)
begin ``IMMEDIATE``, so concurrent writers queue for the lock while readers go ahead; elsewhere
the breach's row is locked with ``SELECT ... FOR UPDATE`` (see :mod:`kpikit.governance.register`).
"""

import datetime as dt
import json
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
import pandas as pd

from kpikit._validators import check_choice, check_timestamp
from kpikit.catalog import KPI_IDS
from kpikit.periods import check_freq

MAX_AUTHOR_CHARS = 80
MAX_BREACH_ID_CHARS = 512
"""The length of the ``breach_id`` column. PostgreSQL refuses a longer id and SQLite keeps it,
so the register refuses it on both (widening the column would need a migration)."""


@dataclass(frozen=True)
class Change:
    """The latest value of one field of an action, and who set it when."""

    value: str
    event_id: int
    author: str
    recorded_at: dt.datetime


BREACH_COLUMNS = (
    "breach_id",
    "kpi",
    "freq",
    "period",
    "period_end",
    "group_json",
    "time_zone",
    "target",
    "threshold_s",
    "value",
    "gap",
    "root_cause_due",
    "plan_due",
    "registered_at",
    "registered_by",
)
EVENT_COLUMNS = (
    "event_id",
    "breach_id",
    "field",
    "value",
    "author",
    "recorded_at",
    "replaces",
    "conflict",
)


def tables():
    """The two tables (built once, on first use, so that kpikit imports without SQLAlchemy)."""
    global _TABLES
    if _TABLES is None:
        from sqlalchemy import (
            Boolean,
            Column,
            DateTime,
            Float,
            ForeignKey,
            Integer,
            MetaData,
            String,
            Table,
            Text,
        )

        metadata = MetaData()
        breaches = Table(
            "kpikit_breaches",
            metadata,
            Column("breach_id", String(MAX_BREACH_ID_CHARS), primary_key=True),
            Column("kpi", String(64), nullable=False),
            Column("freq", String(16), nullable=False),
            Column("period", DateTime, nullable=False),
            Column("period_end", DateTime, nullable=False),
            Column("group_json", Text, nullable=False),
            Column("time_zone", String(64)),
            Column("target", Float),
            Column("threshold_s", Float),
            Column("value", Float),
            Column("gap", Float),
            Column("root_cause_due", DateTime, nullable=False),
            Column("plan_due", DateTime, nullable=False),
            Column("registered_at", DateTime, nullable=False),
            Column("registered_by", String(MAX_AUTHOR_CHARS), nullable=False),
        )
        events = Table(
            "kpikit_action_events",
            metadata,
            Column("event_id", Integer, primary_key=True, autoincrement=True),
            Column(
                "breach_id",
                String(MAX_BREACH_ID_CHARS),
                ForeignKey("kpikit_breaches.breach_id"),
                nullable=False,
                index=True,
            ),
            Column("field", String(32), nullable=False),
            Column("value", Text, nullable=False),
            Column("author", String(MAX_AUTHOR_CHARS), nullable=False),
            Column("recorded_at", DateTime, nullable=False),
            Column("replaces", Integer),
            Column("conflict", Boolean, nullable=False),
        )
        _TABLES = (breaches, events, metadata)
    return _TABLES


_TABLES = None


def normalised(url: str) -> str:
    if not isinstance(url, str) or not url:
        raise TypeError(f"Value of 'url' must be a SQLAlchemy URL string but received: {url!r}")
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


_PASSWORD_PARAMETER = re.compile(r"([?&][^=&#]*password[^=&#]*=)([^&#]*)", re.IGNORECASE)
"""A ``password`` query parameter of a URL: its name and ``=``, then its value."""


def masked(url) -> str:
    """``url`` with its password hidden, to be shown in a message: the password of the user
    part, and any ``password`` query parameter. A URL whose user part is not clear (it does
    not parse, or a password holds an unescaped ``@``) has all of it hidden, up to the last
    ``@``.

    >>> masked("postgresql://kpikit:Sec@ret@127.0.0.1:5432/db")
    'postgresql://***@127.0.0.1:5432/db'
    >>> masked("postgresql://kpikit@127.0.0.1/db?sslmode=require&password=s3cret")
    'postgresql://kpikit@127.0.0.1/db?sslmode=require&password=***'
    """
    url = str(url)
    parsed = _parsed(url)
    if parsed is None or "@" in (parsed.host or ""):
        # hide everything between the scheme and the last "@" (the host comes after it)
        scheme, sep, rest = url.partition("://")
        if not sep:
            scheme, sep, rest = url.partition("//")
        if not sep:
            scheme, rest = "", url
        if "@" in rest:
            rest = "***@" + rest.rsplit("@", 1)[1]
        shown = scheme + sep + rest
    elif parsed.password is not None:
        shown = parsed.render_as_string(hide_password=True)
    else:
        shown = url
    return _PASSWORD_PARAMETER.sub(r"\1***", shown)


def scrubbed(text: str, url) -> str:
    """``text`` (a database's reason) without the secrets of ``url`` in it: its password, any
    password query parameter, and when the user part is not clear (see :func:`masked`) each
    piece of it between unescaped ``@`` (the driver may read a piece as the host).

    >>> scrubbed("failed to resolve host 'retXYZ@127.0.0.1'", "postgresql://u:Sec@retXYZ@127.0.0.1/db")
    "failed to resolve host '***@127.0.0.1'"
    """
    secrets = set()
    url = str(url)
    parsed = _parsed(url)
    if parsed is not None and parsed.password:
        secrets.add(str(parsed.password))
    secrets.update(value for _, value in _PASSWORD_PARAMETER.findall(url))
    authority = url.partition("://")[2] or url.partition("//")[2] or url
    if (parsed is None or "@" in (parsed.host or "")) and "@" in authority:
        # the user part is not clear (see masked): each piece of it may be a secret
        user_part = authority.rsplit("@", 1)[0]
        password = user_part.partition(":")[2]
        secrets.add(password)
        secrets.update(password.split("@"))
        if not password:  # no ":": the whole of it may be a secret
            secrets.update(user_part.split("@")[1:])
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _parsed(url: str):
    """``url`` parsed by SQLAlchemy, or None when it does not parse (a port that is not a
    number included)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except (ArgumentError, ValueError, TypeError):
        return None


def checked_url(url: str, name: str = "url"):
    """``url`` parsed by SQLAlchemy; a ValueError naming the option ``name`` when it does not
    parse (the URL shown without its password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except ValueError:  # SQLAlchemy's int() of the port
        raise ValueError(
            f"Value of {name!r} has a port that is not a number: {masked(url)}. Give the port "
            "as digits after the host (postgresql://user@host:5432/db), or leave it out for "
            "the default"
        ) from None
    except (ArgumentError, TypeError):
        raise ValueError(
            f"Value of {name!r} must be a SQLAlchemy URL such as 'sqlite:///actions.sqlite' or "
            f"'postgresql://user@host/db', but received: {masked(url)} (a password holding "
            "'@', ':' or '/' is written %40, %3A, %2F)"
        ) from None


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL as SQLAlchemy reads it (``%20`` is a space, ``?`` starts the
    query), None for another database or one in memory. With ``uri=true`` the database is an
    SQLite URI (``file:/path?mode=ro``, the way to open a file read-only), whose path counts.

    >>> sqlite_path("sqlite:////tmp/a%20dir/x%3F.sqlite?timeout=5")
    PosixPath('/tmp/a dir/x?.sqlite')
    >>> sqlite_path("sqlite:///file:/tmp/a%2520dir/x.sqlite?mode=ro&uri=true")
    PosixPath('/tmp/a dir/x.sqlite')
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not url.startswith("sqlite"):
        return None
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # reported, with the URL, when the register opens it
        return None
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if path and parsed.query.get("uri") == "true" and path.startswith("file:"):
        path = unquote(urlsplit(path).path)  # "file:/x" and "file:///x": /x
        return None if path in ("", ":memory:") else Path(path)
    return None if path in (None, "", ":memory:") else Path(path)


def sqlite_url(path: Path) -> str:
    """The SQLite URL of the file ``path``, escaped so that any character (``?``, ``#``,
    ``%``, spaces) reads back as the same path.

    >>> sqlite_url(Path("/tmp/data 50%?#x/actions.sqlite"))
    'sqlite:////tmp/data 50%25%3F%23x/actions.sqlite'
    """
    from sqlalchemy.engine import URL

    return URL.create(drivername="sqlite", database=str(path)).render_as_string()


WRITES = "kpikit_writes"
"""The execution option of a transaction that writes (see :func:`writing`)."""

BUSY_TIMEOUT = 60
"""Seconds an SQLite connection waits for another's lock before "database is locked", unless
the URL says otherwise (``?timeout=5``)."""


CONNECT_TIMEOUT = 10
"""Seconds a PostgreSQL connection waits for the server to answer before it fails, unless the
URL says otherwise (``?connect_timeout=30``; the driver waits 2 s at least): a server that
accepts the connection but never answers would otherwise hold the report or dashboard."""


def connect_args(url) -> dict:
    """The driver's arguments for the parsed ``url``: on PostgreSQL a ``connect_timeout`` of
    :data:`CONNECT_TIMEOUT` unless the URL sets one (connect_args would override it).

    >>> from sqlalchemy.engine import make_url
    >>> connect_args(make_url("postgresql+psycopg://u@h/db"))
    {'connect_timeout': 10}
    >>> connect_args(make_url("postgresql+psycopg://u@h/db?connect_timeout=3"))
    {}
    """
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        return {"connect_timeout": CONNECT_TIMEOUT}
    return {}


def connect_timeout(url) -> int | None:
    """Seconds a PostgreSQL connection to ``url`` waits for the server, as the driver reads
    them (2 at least), or None for another database or a timeout that is not a number.

    >>> connect_timeout("postgresql+psycopg://u@h/db?connect_timeout=1")
    2
    """
    parsed = _parsed(url)
    if parsed is None or parsed.get_backend_name() != "postgresql":
        return None
    given = parsed.query.get("connect_timeout", CONNECT_TIMEOUT)
    try:
        seconds = int(float(given if isinstance(given, str | int) else given[-1]))
    except ValueError:
        return None
    return max(seconds, 2) if seconds > 0 else None


def open_engine(url: str, *, wal: bool = True):
    """A SQLAlchemy engine for the register at ``url``. On SQLite each connection lets
    SQLAlchemy open its transactions and turns foreign keys on; a transaction begins IMMEDIATE
    when it writes (:func:`writing`), deferred when it only reads. With ``wal`` the file is put
    in WAL mode, which it keeps. A register opened with ``create=False`` passes ``wal=False``:
    its file, perhaps another application's, is then left in its mode (a register kpikit
    created is in WAL mode already)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    path = sqlite_path(url)
    if path is None:
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args(make_url(url)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file in the way, no permission, a read-only disk
        raise ValueError(
            f"Value of 'url' does not open a register: {url} (its folder {path.parent} cannot "
            f"be created: {error.strerror or error})"
        ) from None
    # connect_args would override the URL's timeout
    timeout = {} if "timeout" in make_url(url).query else {"timeout": BUSY_TIMEOUT}
    engine = create_engine(url, connect_args=timeout)

    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so that they can be IMMEDIATE:
        # writers then queue for the lock instead of failing on a busy database.
        connection.isolation_level = None
        if wal:
            connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock as it begins: two deferred transactions that read and
        # then write would each wait for the other to end its read, and one fails at once
        # (SQLITE_BUSY, which the busy timeout does not wait out). A reader needs no lock in
        # WAL mode, so it begins deferred and goes ahead while a writer holds the lock.
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def writing(engine):
    """``engine`` for transactions that write: on SQLite they begin IMMEDIATE (see
    :func:`open_engine`); another database ignores the option. It shares ``engine``'s
    connections."""
    return engine.execution_options(**{WRITES: True})


def create_tables(engine) -> None:
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    metadata = tables()[2]
    try:
        metadata.create_all(writing(engine))
    except SQLAlchemyError:
        # Another process may have created them at the same moment.
        names = set(inspect(engine).get_table_names())
        if not {table.name for table in metadata.sorted_tables} <= names:
            raise


def missing_tables(engine) -> list[str]:
    """The register's tables that ``engine``'s database lacks (none for a register)."""
    from sqlalchemy import inspect

    names = set(inspect(engine).get_table_names())
    return [table.name for table in tables()[2].sorted_tables if table.name not in names]


UPGRADES = {"time_zone": "VARCHAR(64)", "threshold_s": "FLOAT"}
"""Columns of ``kpikit_breaches`` added after its first release, with their SQL types: the
table of an older kpikit is upgraded to them (:func:`add_upgrades`), and read with nulls in
their place until then (:func:`breach_select`)."""


def missing_columns(engine) -> list[str]:
    """The register's columns (``table.column``) that ``engine``'s tables lack, the
    :data:`UPGRADES` aside (a register of an older kpikit is upgraded to them): none for a
    register. Tables of
    those names made by another program failed at the first read, with the driver's "no such
    column"."""
    from sqlalchemy import inspect

    inspector = inspect(engine)
    missing = []
    for table in tables()[2].sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [
            f"{table.name}.{column.name}"
            for column in table.columns
            if column.name not in present and column.name not in UPGRADES
        ]
    return missing


def absent_upgrades(engine) -> frozenset:
    """The :data:`UPGRADES` that ``kpikit_breaches`` lacks (none without the table)."""
    from sqlalchemy import inspect

    inspector = inspect(engine)
    if not inspector.has_table("kpikit_breaches"):
        return frozenset()
    present = {column["name"] for column in inspector.get_columns("kpikit_breaches")}
    return frozenset(UPGRADES) - present


def breach_select(*names, absent: frozenset = frozenset()):
    """A SELECT of the columns ``names`` of ``kpikit_breaches`` (all without names); a null
    stands in for each column of ``absent`` (:data:`UPGRADES` a table made before them, not
    upgraded, lacks)."""
    from sqlalchemy import null, select

    table = tables()[0]
    columns = [
        table.c[name] if name not in absent else null().cast(table.c[name].type).label(name)
        for name in (names or BREACH_COLUMNS)
    ]
    return select(*columns)


def add_upgrades(engine) -> None:
    """Add the :data:`UPGRADES` a ``kpikit_breaches`` table made before them lacks (its rows
    keep nulls there: their times were stored without a zone, their thresholds not kept). It
    needs the right to alter the table: a register opened with ``create=False`` reads such a
    table as it is (see :func:`breach_select`) and adds the columns at its first write."""
    from sqlalchemy.exc import SQLAlchemyError

    absent = absent_upgrades(engine)  # one look at the table, not one per column
    for name in (name for name in UPGRADES if name in absent):
        try:
            with writing(engine).begin() as connection:
                connection.exec_driver_sql(
                    f"ALTER TABLE kpikit_breaches ADD COLUMN {name} {UPGRADES[name]}"
                )
        except SQLAlchemyError:
            # Another process may have added it at the same moment.
            if name in absent_upgrades(engine):
                raise


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def breach_rows(breaches) -> list[dict]:
    if isinstance(breaches, pd.DataFrame):
        records = breaches.to_dict("records")
    elif isinstance(breaches, pd.Series):
        records = [breaches.to_dict()]
    elif isinstance(breaches, Mapping):
        records = [dict(breaches)]
    else:
        raise TypeError(
            "Value of 'breach' must be a row of kk.breaches() (Series or mapping), a frame of "
            f"them or a breach id, but received: {type(breaches).__name__}"
        )
    rows = [_breach_row(record) for record in records]
    _check_figures(records, rows)
    _check_starts(rows)
    return rows


def is_action_row(breach) -> bool:
    """Whether ``breach`` is a row of :meth:`ActionRegister.actions`: its group is one dict in
    ``group`` and it carries the action's ``overdue`` (a row of kk.breaches() has its grouping
    columns side by side, and no ``overdue``)."""
    return (
        isinstance(breach, Mapping | pd.Series)
        and "overdue" in breach
        and isinstance(breach.get("group"), Mapping)
    )


def _breach_row(record: dict) -> dict:
    from kpikit.governance.breaches import breach_group, deadlines

    if is_action_row(record):
        # its action columns would be read as grouping keys, and the breach as another one
        raise ValueError(
            "Value of 'breach' is a row of ActionRegister.actions(), not of kk.breaches(): "
            "it is registered already; pass it (or its breach_id) to record(), or register the "
            "row of kk.breaches()"
        )
    missing = [key for key in ("breach_id", "kpi", "freq", "period") if key not in record]
    if missing:
        raise ValueError(
            f"Value of 'breach' needs the key(s) {missing} (a row of kk.breaches() has them)"
        )
    check_freq(record["freq"])
    period = check_timestamp("period", record["period"])
    end = _period_end(record, period)
    root_cause_due, plan_due = deadlines(end)
    return {
        "breach_id": _checked_id(record["breach_id"]),
        "kpi": check_choice("kpi", record["kpi"], KPI_IDS, "a KPI id"),
        "freq": record["freq"],
        "period": utc_naive(period),
        "period_end": utc_naive(end),
        "group_json": json.dumps(breach_group(record), default=str),
        "time_zone": _zone_name(period),
        "target": _number(record.get("target")),
        "threshold_s": _number(record.get("threshold_s")),
        "value": _number(record.get("value")),
        "gap": _number(record.get("gap")),
        "root_cause_due": utc_naive(root_cause_due),
        "plan_due": utc_naive(plan_due),
    }


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def checked_text(name: str, value: str) -> str:
    """``value`` unless it holds a lone surrogate (``"\\ud800"``, from text decoded with
    ``surrogateescape``), which no database stores: a ValueError naming ``name`` then.

    >>> checked_text("plan", "x\\ud800y")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'plan' holds a character that is not valid Unicode ('\\ud800' at ...
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"Value of {name!r} holds a character that is not valid Unicode "
            f"({value[error.start]!r} at position {error.start}, a lone surrogate, as bytes "
            "that are not UTF-8 decode to with 'surrogateescape'); remove it or decode the "
            "text as UTF-8"
        ) from None
    return value


def checked_id(value) -> str:
    """``value`` as a breach id, or a ValueError saying what is wrong with it."""
    return _checked_id(value)


def _checked_id(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            "Value of 'breach_id' must be the non-empty text key of the breach (see "
            f"kk.governance.breach_id) but received: {value!r}"
        )
    found = _CONTROL_CHARACTERS.search(value)
    if found:
        raise ValueError(
            f"Value of 'breach_id' holds the control character {found.group()!r} at position "
            f"{found.start()}, which not every database stores (PostgreSQL refuses NUL); give "
            f"an id of printable characters (kk.governance.breach_id makes one). Received: "
            f"{value[:80]!r}"
        )
    checked_text("breach_id", value)
    if len(value) > MAX_BREACH_ID_CHARS:
        raise ValueError(
            f"Value of 'breach_id' has {len(value):,} characters, more than the register's "
            f"{MAX_BREACH_ID_CHARS} (group values are percent-encoded in it: a character "
            "outside ASCII takes up to 12); give the breach a shorter id of your own, or "
            f"shorter group values. Received: {value[:80]!r}..."
        )
    return value


def _check_starts(rows: list[dict]) -> None:
    """Raise unless each row's ``period`` starts a ``freq`` period as :func:`kpikit.compute`
    cuts them (weeks start on Monday, months on the 1st, at midnight on the period's own
    clock): the deadlines run from the period's end, so a Wednesday given for a week would
    move them. The starts are worked out once per period length and zone (a frame of
    breaches shares them), with the expression that cuts the contacts into periods.

    >>> _check_starts([{"period": dt.datetime(2026, 7, 8), "freq": "week", "time_zone": None}])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'period' must be the start of its period, but 2026-07-08 00:00:00 is
    not the start of a 'week' (weeks start on Monday, months on the 1st): that 'week' starts at
    2026-07-06 00:00:00; pass that start (kk.breaches() gives it)
    """
    import narwhals as nw

    from kpikit.metrics._period_starts import period_expr

    kinds = {}
    for row in rows:
        kinds.setdefault((row["freq"], row["time_zone"]), []).append(row)
    for (freq, zone), group in kinds.items():
        periods = pd.Series([local_time(row["period"], zone) for row in group], name="period")
        frame = nw.from_native(periods.to_frame())
        starts = frame.select(period_expr(frame, "period", freq)).to_native()["period"]
        wrong = np.flatnonzero((starts != periods).to_numpy())
        if len(wrong):
            period, start = periods.iloc[wrong[0]], starts.iloc[wrong[0]]
            raise ValueError(
                f"Value of 'period' must be the start of its period, but {period} is not the "
                f"start of a {freq!r} (weeks start on Monday, months on the 1st): that {freq!r} "
                f"starts at {start}; pass that start (kk.breaches() gives it)"
            )


def _period_end(record: dict, period: pd.Timestamp) -> pd.Timestamp:
    """The record's ``period_end``, else the end of its period; in the period's zone."""
    from kpikit.governance.breaches import period_end

    given = record.get("period_end")
    if given is None:
        return period_end(period, record["freq"])
    end = check_timestamp("period_end", given)
    if (end.tz is None) != (period.tz is None):
        raise ValueError(
            "Value of 'period_end' must have a time zone exactly when 'period' has one; "
            f"received: {given!r} with period {record['period']!r}"
        )
    if end <= period:
        raise ValueError(
            "Value of 'period_end' must come after 'period' (the breach's deadlines run from "
            f"its end); received: {given!r} with period {record['period']!r}"
        )
    return end


def _zone_name(stamp: pd.Timestamp) -> str | None:
    """The name of ``stamp``'s time zone (None without one); raises when it has no name that
    gives the zone back."""
    if stamp.tz is None:
        return None
    zone = getattr(stamp.tz, "key", None) or getattr(stamp.tz, "zone", None) or str(stamp.tz)
    try:
        stamp.tz_convert(zone)
    except (ValueError, LookupError):  # pytz's UnknownTimeZoneError is a KeyError
        raise ValueError(
            f"Value of 'period' has a time zone without a name the register can store: "
            f"{stamp.tz!r}; received: {stamp}. Use an IANA zone such as 'Europe/Paris'"
        ) from None
    return zone


def utc_naive(stamp: pd.Timestamp) -> dt.datetime:
    """An instant as a UTC datetime without zone, as stored; a time without zone is UTC."""
    if stamp.tz is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.to_pydatetime()


def utc_instant(stamp, zone: str | None = None) -> pd.Timestamp:
    """``stamp`` as a UTC instant; a time without a zone is wall time in ``zone`` (UTC when
    None). A wall time the zone skips or repeats is taken at its later instant.

    >>> utc_instant(pd.Timestamp("2026-01-08"), "America/New_York")
    Timestamp('2026-01-08 05:00:00+0000', tz='UTC')
    """
    stamp = pd.Timestamp(stamp)
    if stamp.tz is None:
        stamp = stamp.tz_localize(zone or "UTC", ambiguous=False, nonexistent="shift_forward")
    return stamp.tz_convert("UTC")


def local_time(stored, zone: str | None) -> pd.Timestamp:
    """A stored time given back in ``zone`` (as stored, that is UTC, without one)."""
    stamp = pd.Timestamp(stored)
    return stamp if zone is None else stamp.tz_localize("UTC").tz_convert(zone)


def _number(value):
    """``value`` as a float, None for a null (None, NaN, NA, an absent figure) and for what
    :func:`_figure_problem` refuses (:func:`breach_rows` raises on those)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # an int past float range (10**400) too
        return None
    return number if math.isfinite(number) else None


def _figure_problem(value) -> str | None:
    """What keeps ``value`` from being stored as a breach's figure (``target``, ``value``,
    ``gap``), or None. A null (None, NaN, NA) is an unknown figure, stored as null, as a figure
    left out is (a breach needs only ``breach_id, kpi, freq, period``); an infinite number, a
    number past float range or what is no number has no value the register can keep (it was
    stored as null without a word).

    >>> [_figure_problem(v) for v in (80, "61.5", None, float("nan"), pd.NA)]
    [None, None, None, None, None]
    >>> [_figure_problem(v) for v in (float("inf"), -math.inf, 10**400, "eighty", True)]
    ['infinite', 'infinite', 'beyond float range', 'not a number', 'not a number']
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "not a number"  # True was stored as 1.0
    try:
        number = float(value)
    except OverflowError:
        return "beyond float range"
    except (TypeError, ValueError):
        return "not a number"
    return "infinite" if math.isinf(number) else None


def _check_figures(records: list[dict], rows: list[dict]) -> None:
    """Raise before anything is written when a breach's ``target``, ``value`` or ``gap`` is
    a figure the register cannot store (see :func:`_figure_problem`), naming the column, the
    problem, how many breaches have it and which (their ids and values, the first five).

    >>> _check_figures([{"target": -math.inf}, {"target": 80.0}, {"target": math.inf}],
    ...                [{"breach_id": "sl/day/a"}, {"breach_id": "sl/day/b"},
    ...                 {"breach_id": "sl/day/c"}])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'target' must be a finite number (or null when unknown) but 2 breaches
    have one that is infinite: 'sl/day/a' (row 0: -inf), 'sl/day/c' (row 2: inf); the register
    would store null in its place. Give ...
    """
    for name in _FIGURES:
        found = {}
        for position, (record, row) in enumerate(zip(records, rows, strict=True)):
            problem = _figure_problem(record.get(name))
            if problem is not None:
                shown = f"{row['breach_id']!r} (row {position}: {record[name]!r:.40})"
                found.setdefault(problem, []).append(shown)
        for problem, where in found.items():
            count = "1 breach has" if len(where) == 1 else f"{len(where)} breaches have"
            more = f" and {len(where) - 5} more" if len(where) > 5 else ""
            raise ValueError(
                f"Value of {name!r} must be a finite number (or null when unknown) but {count} "
                f"one that is {problem}: {', '.join(where[:5])}{more}; the register would "
                f"store null in its place. Give the breach's {name} as a finite number, or "
                "null (NaN, None) when it is unknown; nothing was written"
            )


_IDENTITY = ("kpi", "freq", "period", "period_end", "group_json", "time_zone")
"""What a breach is: the same id with other values there is another breach."""

_FIGURES = ("target", "threshold_s", "value", "gap")
"""What a breach measured: the figures kept from its first registration."""


def insert_breach(connection, row: dict, author: str) -> None:
    """Write ``row`` unless its breach is registered. The same id with another KPI, period or
    group raises (the id would stand for two breaches); with other figures (data recomputed,
    a new target) the first ones are kept and a warning says so."""
    from sqlalchemy.exc import IntegrityError

    table = tables()[0]
    stored = _stored_breach(connection, row["breach_id"])
    if stored is not None:
        _check_same_breach(row, stored)
        return
    try:
        with connection.begin_nested():
            connection.execute(
                table.insert().values(**row, registered_at=utc_now(), registered_by=author)
            )
    except IntegrityError:
        pass  # registered by another writer at the same moment


def _stored_breach(connection, breach_id: str, absent: frozenset = frozenset()):
    """What the register holds of the breach ``breach_id`` (its identity and figures), or None;
    ``absent`` as :func:`breach_select`'s."""
    table = tables()[0]
    query = breach_select(*_IDENTITY, *_FIGURES, absent=absent)
    found = connection.execute(query.where(table.c.breach_id == breach_id)).first()
    return None if found is None else found._mapping


def id_taken(connection, row: dict, absent: frozenset = frozenset()) -> str | None:
    """How the breach the register holds under ``row``'s id differs from ``row`` ("period
    2026-06-14 00:00 there, 2026-06-13 22:00 here", times in UTC), or None when the id is free
    or holds this breach; ``absent`` as :func:`breach_select`'s."""
    stored = _stored_breach(connection, row["breach_id"], absent)
    return None if stored is None else _other_breach(row, stored)


def _other_breach(row: dict, stored) -> str | None:
    other = [
        name
        for name in _IDENTITY
        # a register made before time_zone existed has none: its times are the same instants
        if _differs(name, stored[name], row[name])
        and not (name == "time_zone" and stored[name] is None)
    ]
    return ", ".join(f"{name} {stored[name]} there, {row[name]} here" for name in other) or None


def _differs(name: str, stored, given) -> bool:
    """Whether the identity column ``name`` differs; a group is the same whatever the order of
    its keys (a breach typed by hand, or a form's row, may list them in another order).

    >>> _differs("group_json", '{"site": "A", "queue": "q"}', '{"queue": "q", "site": "A"}')
    False
    """
    if name == "group_json":
        return json.loads(stored) != json.loads(given)
    return stored != given


def _check_same_breach(row: dict, stored) -> None:
    """Raise when ``row`` is another breach than the one ``stored`` under its id; warn when it
    has other figures, which are not written."""
    shown = _other_breach(row, stored)
    if shown:
        raise ValueError(
            f"Value of 'breach_id' {row['breach_id']!r} is registered for another breach "
            f"({shown}; times in UTC); give each breach its own id (kk.governance.breach_id)"
        )
    # a breach registered before threshold_s existed has none: it is not another figure
    changed = [
        name
        for name in _FIGURES
        if stored[name] != row[name] and not (name == "threshold_s" and stored[name] is None)
    ]
    if changed:
        shown = ", ".join(
            f"{name} {stored[name]} kept, {row[name]} not written" for name in changed
        )
        warnings.warn(
            f"Breach {row['breach_id']!r} is already registered with other figures ({shown}): "
            "the register keeps those of its first registration",
            UserWarning,
            stacklevel=4,
        )


def insert_event(connection, breach_id, name, value, author, now, replaces, conflict) -> int:
    events = tables()[1]
    result = connection.execute(
        events.insert().values(
            breach_id=breach_id,
            field=name,
            value=value,
            author=author,
            recorded_at=now,
            replaces=replaces,
            conflict=bool(conflict),
        )
    )
    return int(result.inserted_primary_key[0])


def latest_changes(connection, breach_id: str) -> dict:
    from sqlalchemy import select

    events = tables()[1]
    rows = connection.execute(
        select(events).where(events.c.breach_id == breach_id).order_by(events.c.event_id)
    ).mappings()
    state = {}
    for row in rows:
        state[row["field"]] = Change(
            value=row["value"],
            event_id=int(row["event_id"]),
            author=row["author"],
            recorded_at=row["recorded_at"],
        )
    return state


def seen_elsewhere(connection, breach_id: str, seen_ids: dict) -> list[str]:
    """The fields of ``seen_ids`` (field -> event id, what an author saw) whose event is not an
    event of that field of the breach ``breach_id``, each with what its event is: the state of
    another breach (a form kept after the manager chose another breach) would mark conflicts
    with nothing and record a ``replaces`` of another breach's event."""
    from sqlalchemy import select

    events = tables()[1]
    query = select(events.c.event_id, events.c.breach_id, events.c.field).where(
        events.c.event_id.in_(list(seen_ids.values()))
    )
    found = {row.event_id: (row.breach_id, row.field) for row in connection.execute(query)}
    return [
        f"{name} (event {event_id}: "
        + (f"{found[event_id][1]} of {found[event_id][0]!r}" if event_id in found else "none")
        + ")"
        for name, event_id in seen_ids.items()
        if found.get(event_id) != (breach_id, name)
    ]
