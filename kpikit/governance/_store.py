"""The action register's tables and database access (SQLAlchemy Core, imported on first use).

Two tables: ``kpikit_breaches`` (one row per breach, written once) and ``kpikit_action_events``
(one row per change, never updated). On SQLite, transactions begin ``IMMEDIATE`` and the file
is in WAL mode, so concurrent writers queue for the lock; elsewhere the breach's row is locked
with ``SELECT ... FOR UPDATE`` (see :mod:`kpikit.governance.register`).
"""

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

MAX_AUTHOR_CHARS = 80


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
    "target",
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
            Column("breach_id", String(512), primary_key=True),
            Column("kpi", String(64), nullable=False),
            Column("freq", String(16), nullable=False),
            Column("period", DateTime, nullable=False),
            Column("period_end", DateTime, nullable=False),
            Column("group_json", Text, nullable=False),
            Column("target", Float),
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
                String(512),
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


def masked(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :].split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def open_engine(url: str):
    from sqlalchemy import create_engine, event

    path = sqlite_path(url)
    if path is None:
        return create_engine(url, pool_pre_ping=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so that they can be IMMEDIATE:
        # writers then queue for the lock instead of failing on a busy database.
        connection.isolation_level = None
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_tables(engine) -> None:
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    metadata = tables()[2]
    try:
        metadata.create_all(engine)
    except SQLAlchemyError:
        # Another process may have created them at the same moment.
        names = set(inspect(engine).get_table_names())
        if not {table.name for table in metadata.sorted_tables} <= names:
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
    return [_breach_row(record) for record in records]


def _breach_row(record: dict) -> dict:
    from kpikit.governance.breaches import PLAN_DAYS, ROOT_CAUSE_HOURS, breach_group, period_end

    missing = [key for key in ("breach_id", "kpi", "freq", "period") if key not in record]
    if missing:
        raise ValueError(
            f"Value of 'breach' needs the key(s) {missing} (a row of kk.breaches() has them)"
        )
    period = pd.Timestamp(record["period"])
    end = pd.Timestamp(record.get("period_end") or period_end(period, record["freq"]))
    group = breach_group(record)
    return {
        "breach_id": str(record["breach_id"]),
        "kpi": str(record["kpi"]),
        "freq": str(record["freq"]),
        "period": period.to_pydatetime(),
        "period_end": end.to_pydatetime(),
        "group_json": json.dumps(group, default=str),
        "target": _number(record.get("target")),
        "value": _number(record.get("value")),
        "gap": _number(record.get("gap")),
        "root_cause_due": (end + pd.Timedelta(hours=ROOT_CAUSE_HOURS)).to_pydatetime(),
        "plan_due": (end + pd.DateOffset(days=PLAN_DAYS)).to_pydatetime(),
    }


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def insert_breach(connection, row: dict, author: str) -> None:
    from sqlalchemy import select
    from sqlalchemy.exc import IntegrityError

    table = tables()[0]
    exists = connection.execute(
        select(table.c.breach_id).where(table.c.breach_id == row["breach_id"])
    ).first()
    if exists is not None:
        return
    try:
        with connection.begin_nested():
            connection.execute(
                table.insert().values(**row, registered_at=utc_now(), registered_by=author)
            )
    except IntegrityError:
        pass  # registered by another writer at the same moment


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
