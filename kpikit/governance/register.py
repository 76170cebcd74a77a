"""The action register: root cause, owner, plan, milestones, due date and status per breach, in
a SQL database, with the full history.

Nothing is ever updated or deleted: every change is a new row of ``kpikit_action_events`` with
who made it and when, and the current state of an action is its latest event per field. Two
managers editing the same breach from two dashboards therefore lose nothing: both changes are
kept, and a change made on top of a stale view is marked as a ``conflict`` so that the next
reader sees it. Writers of one breach are serialised (``BEGIN IMMEDIATE`` on SQLite,
``SELECT ... FOR UPDATE`` on the breach's row elsewhere), so the conflict marks are exact.

The database is any SQLAlchemy URL; by default an SQLite file, ``actions.sqlite`` in the
kpikit data folder (:func:`data_dir`), created on first use. The environment variable
``KPIKIT_REGISTER_URL`` overrides the default URL (the dashboards use it), ``KPIKIT_DATA_DIR``
the folder. ``postgresql://`` URLs use the psycopg (version 3) driver.

Deadlines are instants: a breach's period and deadlines are kept in the time zone they had (a
breach without one is read as UTC), and :meth:`ActionRegister.actions` checks them against a
moment, UTC unless it says otherwise.

SQLAlchemy is imported when a register is opened, not with :mod:`kpikit`.
"""

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpikit._validators import check_timestamp
from kpikit.governance._store import (
    BREACH_COLUMNS,
    EVENT_COLUMNS,
    MAX_AUTHOR_CHARS,
    Change,
    absent_upgrades,
    add_upgrades,
    breach_rows,
    breach_select,
    checked_id,
    checked_text,
    checked_url,
    connect_timeout,
    create_tables,
    id_taken,
    insert_breach,
    insert_event,
    is_action_row,
    latest_changes,
    local_time,
    masked,
    missing_columns,
    missing_tables,
    normalised,
    open_engine,
    scrubbed,
    seen_elsewhere,
    sqlite_path,
    sqlite_url,
    tables,
    utc_instant,
    utc_now,
    writing,
)

__all__ = [
    "DATA_DIR_VARIABLE",
    "FIELDS",
    "REGISTER_URL_VARIABLE",
    "STATUSES",
    "ActionRegister",
    "Change",
    "Recorded",
    "data_dir",
    "default_url",
]

REGISTER_URL_VARIABLE = "KPIKIT_REGISTER_URL"
DATA_DIR_VARIABLE = "KPIKIT_DATA_DIR"
REGISTER_FILE = "actions.sqlite"

FIELDS = ("status", "root_cause", "owner", "plan", "milestones", "due_date", "comment")
"""What an action holds. ``milestones`` is text, one milestone a line, each starting with its
date (``2026-07-20 retrain billing agents``), and with ``[x]`` before the date once reached;
``due_date`` is the date the action is due
(``YYYY-MM-DD``); ``comment`` is a note (every note stays in the history)."""

STATUSES = ("open", "investigating", "plan agreed", "in progress", "done")
"""Statuses of an action; a breach without one is ``"open"``."""

MAX_TEXT_CHARS = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATED_LINE = re.compile(r"^\s*(\[x\]\s*)?(\d{4}-\d{2}-\d{2})\b\s*[-–:]?\s*(.*)$", re.IGNORECASE)
_DATE_LIKE_LINE = re.compile(
    r"^\s*(?:[-*•+]\s*|\[[^\]]?\]\s*)*"  # bullets, check boxes
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?!\d)"  # a date
)
"""A line that begins with a date after bullets or a check box (``- 2026-07-20``, ``[ ]
2026-07-20``, ``20/07/2026``): a milestone meant, though not written as :data:`FIELDS` says."""


def data_dir() -> Path:
    """The kpikit data folder: ``$KPIKIT_DATA_DIR``, else ``$XDG_DATA_HOME/kpikit``, else
    ``~/.local/share/kpikit``. It is created when the register is first used, not here."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kpikit"


def default_url() -> str:
    """``$KPIKIT_REGISTER_URL``, else the SQLite file ``actions.sqlite`` in :func:`data_dir`
    (escaped: a folder may hold ``?``, ``#`` or ``%``, which a URL would read otherwise).

    >>> os.environ[DATA_DIR_VARIABLE] = "/tmp/kpikit-doc"
    >>> os.environ.pop(REGISTER_URL_VARIABLE, None) and None
    >>> default_url()
    'sqlite:////tmp/kpikit-doc/actions.sqlite'
    >>> del os.environ[DATA_DIR_VARIABLE]
    """
    configured = os.environ.get(REGISTER_URL_VARIABLE)
    return configured or sqlite_url(data_dir() / REGISTER_FILE)


@dataclass(frozen=True)
class Recorded:
    """What :meth:`ActionRegister.record` wrote.

    Attributes
    ----------
    event_ids : dict
        Field -> id of the new event (fields whose value did not change get none).
    conflicts : dict
        Field -> the :class:`Change` someone else made after the view the author edited; both
        changes are kept, the author's is the latest.
    """

    event_ids: dict = field(default_factory=dict)
    conflicts: dict = field(default_factory=dict)


class ActionRegister:
    """Actions per breach in a SQL database, with every change kept.

    Parameters
    ----------
    url : str, default=None
        A SQLAlchemy URL; default :func:`default_url` (an SQLite file in the data folder,
        created with its folder on first use). ``postgresql://...`` uses psycopg 3. An SQLite
        URL may set how long a write waits for another writer's lock (``?timeout=5``, in
        seconds; 60 by default).
    create : bool, default=True
        Create the tables when they are missing, and upgrade those of an older kpikit. With
        False (only reading, as ``kpikit report`` does) nothing is changed on opening, so a
        read-only account can open the register: an SQLite file that does not exist is not
        created either (:meth:`actions` and :meth:`history` are then empty), a database that
        exists without the register's tables raises, and a register made before breaches kept
        their time zone is read as it is (its breaches without one) and upgraded at its first
        write.

    Raises
    ------
    ValueError
        A URL the database cannot be opened at (an unknown driver, a file that is not an
        SQLite database, a folder, a server that does not answer within its
        ``connect_timeout``, 10 s unless the URL sets one), saying why (the password hidden);
        with ``create=False``, a database without the register's tables; tables of the
        register's names that lack its columns (another program's). Every method raises it
        too when the database fails (a read-only file, a lock held past the busy timeout),
        naming the register and the database's reason.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> register = ActionRegister(f"sqlite:///{folder}/actions.sqlite")
    >>> breach = {"breach_id": "service_level/day/2026-07-08T00:00/site=Lakeside",
    ...           "kpi": "service_level", "freq": "day", "period": "2026-07-08",
    ...           "site": "Lakeside", "target": 80.0, "value": 61.0, "gap": 19.0}
    >>> seen = register.state(breach["breach_id"])   # what the manager's form shows
    >>> register.record(breach, author="Ana", owner="Lakeside ops lead",
    ...                 root_cause="absence wave", seen=seen).conflicts
    {}
    >>> register.record(breach, author="Ben", root_cause="sick leave", seen=seen).conflicts
    {'root_cause': Change(value='absence wave', ...)}
    >>> register.history()[["field", "value", "author", "conflict"]]
            field              value author  conflict
    0       owner  Lakeside ops lead    Ana     False
    1  root_cause       absence wave    Ana     False
    2  root_cause         sick leave    Ben      True
    >>> register.close()
    """

    def __init__(self, url: str | None = None, *, create: bool = True):
        self.url = normalised(url or default_url())
        self._engine = None
        self._missing = False
        self._absent = frozenset()  # the UPGRADES kpikit_breaches lacks
        checked_url(self.url)
        if not create and sqlite_path(self.url) and not sqlite_path(self.url).exists():
            self._missing = True
            return
        with self._database_errors("Value of 'url' does not open a register: {url} ({reason})"):
            self._engine = open_engine(self.url, wal=create)
            if create:
                create_tables(self._engine)
            missing = missing_tables(self._engine)
            columns = missing_columns(self._engine)
            if columns:
                self._engine.dispose()
                raise ValueError(
                    f"Value of 'url' holds tables of the kpikit register's names that are not "
                    f"its tables: {masked(self.url)} lacks {len(columns)} of their columns, "
                    f"{', '.join(columns[:5])}{', ...' if len(columns) > 5 else ''}. Give the "
                    "URL of a kpikit register, or another database for a new one"
                )
            if create:
                add_upgrades(self._engine)
            elif not missing:
                # only reading: an account that may not alter the table can still read it
                self._absent = absent_upgrades(self._engine)
        if missing:
            # checked here, not at the first read: another application's database (or an
            # empty file) would otherwise fail later with the driver's "no such table"
            self._engine.dispose()
            raise ValueError(
                f"Value of 'url' holds no kpikit action register: {masked(self.url)} has no "
                f"table {', '.join(missing)}. Give the URL of an existing register, or create "
                "one there with kk.governance.ActionRegister(url) (create=True, the default)"
            )

    # --- writing ---------------------------------------------------------------------------

    def register(self, breaches, *, author: str = "kpikit") -> list[str]:
        """Add breaches (rows of :func:`kpikit.breaches`) that are not in the register yet.

        Parameters
        ----------
        breaches : DataFrame, Series or mapping
            One or several breaches with at least ``breach_id, kpi, freq, period``. The
            figures ``target, value, gap`` may be left out or null (None, NaN: unknown,
            stored as null).
        author : str, default="kpikit"

        Returns
        -------
        list of str
            The ids of the breaches given (new or already there).

        Raises
        ------
        ValueError
            A breach without ``breach_id, kpi, freq`` or ``period``, an empty ``breach_id``,
            an unknown KPI or ``freq``, a ``period`` text that is not a date, a ``breach_id``
            registered for another breach (another KPI, period length, period, zone or group;
            nothing is then written), a ``target``, ``value`` or ``gap`` that is infinite, past
            float range or no number (they were stored as null; the breaches are named and
            nothing is written).
        TypeError
            ``breaches`` that is not a row, a mapping or a frame of them; a ``period`` that is
            not a date or time (a number, None).

        Warns
        -----
        UserWarning
            A breach registered already with other ``target``, ``value`` or ``gap``: the
            register keeps the figures of its first registration.
        """
        rows = breach_rows(breaches)
        author = _checked_author(author)
        ids = []
        with self._writing() as connection:
            for row in rows:
                insert_breach(connection, row, author)
                ids.append(row["breach_id"])
        return ids

    def record(self, breach, *, author: str, seen=None, **changes) -> Recorded:
        """Record changes to the action of a breach, as new events.

        Parameters
        ----------
        breach : str, mapping or Series
            A breach id already in the register, a row of :meth:`actions`, or a breach row
            of :func:`kpikit.breaches` (registered when new).
        author : str
            Who makes the change (a name; one line, at most 80 characters).
        seen : mapping, default=None
            The state the author edited (:meth:`state`): a field changed by someone else since
            is recorded anyway and reported in :attr:`Recorded.conflicts`, and the new event
            is marked ``conflict``. None: no check.
        **changes
            Fields of :data:`FIELDS` and their new text. A value equal to the current one is not
            recorded again; a field never set holds what :meth:`actions` shows for it,
            ``"open"`` for the status and ``""`` for the others.

        Returns
        -------
        Recorded

        Raises
        ------
        ValueError
            An unknown field or status, a bad due date, a text over 4,000 characters, an empty
            author, a breach id that is not registered, or a ``seen`` that is not a state of
            this breach (an event of another breach or field, or none): nothing is then
            saved.
        TypeError
            ``seen`` that is not None or a mapping of fields to :class:`Change` (what
            :meth:`state` returns).
        """
        author = _checked_author(author)
        values = {name: _checked_value(name, value) for name, value in changes.items()}
        if not values:
            raise ValueError(f"Nothing to record: pass some of {list(FIELDS)}")
        seen_ids = _seen_ids(seen)
        with self._writing() as connection:
            breach_id = self._ensure_breach(connection, breach, author)
            # after the breach's lock (SQLite: the write lock, taken as the transaction began),
            # so that events of one breach are recorded in the order of their times
            now = utc_now()
            current = latest_changes(connection, breach_id)
            elsewhere = seen_elsewhere(connection, breach_id, seen_ids) if seen_ids else []
            if elsewhere:
                raise ValueError(
                    f"Value of 'seen' is not a state of the breach {breach_id!r}: "
                    f"{', '.join(elsewhere)}; pass what state({breach_id!r}) gives, or None; "
                    "nothing was saved"
                )
            event_ids, conflicts = {}, {}
            for name, value in values.items():
                latest = current.get(name)
                if value == (_UNSET.get(name, "") if latest is None else latest.value):
                    continue
                conflict = seen is not None and _event_id(latest) != seen_ids.get(name)
                if conflict:
                    conflicts[name] = latest
                event_ids[name] = insert_event(
                    connection, breach_id, name, value, author, now, seen_ids.get(name), conflict
                )
        return Recorded(event_ids=event_ids, conflicts=conflicts)

    # --- reading ---------------------------------------------------------------------------

    def state(self, breach_id: str) -> dict:
        """The latest :class:`Change` of each field set for a breach (empty when none)."""
        breach_id = checked_id(breach_id)
        if self._engine is None:
            return {}
        with self._reading() as connection:
            return latest_changes(connection, breach_id)

    def id_taken(self, breach) -> str | None:
        """Why ``breach`` (a row of :func:`kpikit.breaches`) cannot be recorded under its id:
        the register holds another breach under it, with another KPI, group, period or time
        zone (the same log read once without its zone and once with it, say), and the
        differences are said ("period 2026-06-14 00:00 there, 2026-06-13 22:00 here", in UTC);
        None when the id is free or holds this breach."""
        if self._engine is None:
            return None
        (row,) = breach_rows(breach)
        with self._reading() as connection:
            return id_taken(connection, row, self._absent)

    def history(self, breach_id: str | None = None) -> pd.DataFrame:
        """Every event, oldest first: ``event_id, breach_id, field, value, author,
        recorded_at, replaces, conflict`` (``replaces``: the event the author had seen)."""
        from sqlalchemy import select

        columns = list(EVENT_COLUMNS)
        if breach_id is not None:
            breach_id = checked_id(breach_id)
        if self._engine is None:
            return pd.DataFrame(columns=columns)
        events = tables()[1]
        query = select(events).order_by(events.c.event_id)
        if breach_id is not None:
            query = query.where(events.c.breach_id == breach_id)
        with self._reading() as connection:
            rows = connection.execute(query).mappings().all()
        frame = pd.DataFrame([dict(row) for row in rows], columns=columns)
        frame["conflict"] = frame["conflict"].astype(bool)
        return frame

    def actions(self, *, as_of=None) -> pd.DataFrame:
        """Every registered breach with the current state of its action and what is overdue.

        Parameters
        ----------
        as_of : datetime-like, default=None
            The moment deadlines are checked against (default: now). A time without a zone is
            read as UTC, as are the times of a breach registered without one.

        Returns
        -------
        pandas.DataFrame
            One row per breach, overdue first, then the oldest period first: ``breach_id, kpi,
            freq, period, group`` (a dict), ``target, threshold_s, value, gap, root_cause_due,
            plan_due`` (``threshold_s``: the answer threshold of a service-level target, null
            for other KPIs and for breaches registered before kpikit kept it; ``period`` and
            the deadlines in the time zone the breach had, without one when it had none),
            the fields of :data:`FIELDS` (``status`` defaults to ``"open"``), ``next_milestone``
            (the earliest dated milestone not marked ``[x]``), ``changes, conflicts,
            last_change_at, last_change_by`` and ``overdue``: what is late, such as
            ``"root cause, plan"`` ("" when nothing is): the root cause when missing after its
            48 hours, the plan after 7 days, and unless the action is done, the action after
            its due date and a milestone not reached after its date (a date ends at midnight
            in the breach's time zone).

        Raises
        ------
        TypeError
            ``as_of`` that is not a date or time (a number, say).
        ValueError
            ``as_of`` text that is not a date or time.

        Examples
        --------
        A day in New York closes at 05:00 UTC, so its root cause is due on 8 January at
        05:00 UTC:

        >>> import tempfile
        >>> register = ActionRegister(f"sqlite:///{tempfile.mkdtemp()}/actions.sqlite")
        >>> register.register({"breach_id": "service_level/day/2026-01-05T00:00",
        ...     "kpi": "service_level", "freq": "day",
        ...     "period": pd.Timestamp("2026-01-05", tz="America/New_York")})
        ['service_level/day/2026-01-05T00:00']
        >>> register.actions(as_of="2026-01-08 04:59")[["root_cause_due", "overdue"]]
                     root_cause_due overdue
        0 2026-01-08 00:00:00-05:00
        >>> register.actions(as_of="2026-01-08 05:01").loc[0, "overdue"]
        'root cause'
        >>> register.close()
        """
        as_of = _as_of(as_of)
        registered = self._breaches()
        events = self.history()
        columns = [*_ACTION_COLUMNS]
        if registered.empty:
            return pd.DataFrame(columns=columns)
        if events.empty:
            state = pd.DataFrame(columns=list(FIELDS), index=pd.Index([], name="breach_id"))
        else:
            latest = events.groupby(["breach_id", "field"])["value"].last()
            state = latest.unstack("field").reindex(columns=list(FIELDS))
        table = registered.join(state, on="breach_id")
        table["status"] = table["status"].astype(object).fillna("open")
        for name in FIELDS[1:]:
            table[name] = table[name].astype(object).fillna("")
        counts = events.groupby("breach_id").agg(
            changes=("event_id", "size"),
            conflicts=("conflict", "sum"),
            last_change_at=("recorded_at", "max"),
        )
        last_by = events.sort_values("event_id").groupby("breach_id")["author"].last()
        table = table.join(counts, on="breach_id")
        table = table.join(last_by.rename("last_change_by"), on="breach_id")
        table["changes"] = table["changes"].fillna(0).astype(int)
        table["conflicts"] = table["conflicts"].fillna(0).astype(int)
        table["last_change_by"] = table["last_change_by"].fillna("")
        table["next_milestone"] = [_next_milestone(text) for text in table["milestones"]]
        table["overdue"] = [_overdue(row, as_of) for row in table.itertuples()]
        table = table.sort_values(["overdue", "period"], key=_sort_key, kind="stable")
        return table.reset_index(drop=True)[columns]

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"ActionRegister({masked(self.url)!r})"

    # --- private ---------------------------------------------------------------------------

    @contextmanager
    def _database_errors(self, message: str):
        """Raise the database's errors inside as a ValueError of ``message``, its ``{url}``
        the register's (password masked) and its ``{reason}`` the database's, on one line:
        SQLAlchemy's own error goes on with the SQL statement and its parameters, the
        authors' text."""
        from sqlalchemy.exc import ArgumentError, DatabaseError

        try:
            yield
        except (ArgumentError, DatabaseError) as error:  # no such driver, read-only, locked...
            reason = " ".join(str(getattr(error, "orig", None) or error).split())
            reason = scrubbed(reason, self.url)  # the driver may repeat part of the password
            seconds = connect_timeout(self.url)
            if seconds is not None and "timeout expired" in reason:
                reason = (
                    f"the server did not answer within {seconds} s: {reason}; check the host "
                    "and port, or give it longer with ?connect_timeout=SECONDS in the URL"
                )
            raise ValueError(message.format(url=masked(self.url), reason=reason)) from None
        except ImportError as error:  # SQLAlchemy knows the database, its driver is missing
            reason = f"its Python driver is not installed: {error}; install it with pip"
            raise ValueError(message.format(url=masked(self.url), reason=reason)) from None

    @contextmanager
    def _writing(self):
        """A transaction that writes (on SQLite it takes the write lock as it begins)."""
        if self._engine is None:
            raise ValueError(
                f"The register {masked(self.url)} does not exist; open it with create=True"
            )
        with self._database_errors(
            "The register {url} could not be written ({reason}); nothing was saved. "
            "Check that the database accepts writes (not a read-only file or account) "
            "and that no other program keeps it locked, then try again"
        ):
            if self._absent:  # a register of an older kpikit, opened to read: upgrade it
                add_upgrades(self._engine)
                self._absent = frozenset()
            with writing(self._engine).begin() as connection:
                yield connection

    @contextmanager
    def _reading(self):
        """A transaction that only reads (on SQLite it goes ahead while a writer holds the
        lock)."""
        with (
            self._database_errors(
                "The register {url} could not be read ({reason}). Check that the database is "
                "reachable and readable, and that no other program keeps it locked"
            ),
            self._engine.connect() as connection,
        ):
            yield connection

    def _ensure_breach(self, connection, breach, author) -> str:
        from sqlalchemy import select

        table = tables()[0]
        if isinstance(breach, str):
            breach_id = checked_id(breach)
        elif is_action_row(breach):  # it came from a register: no need to register it
            breach_id = checked_id(breach["breach_id"])
        else:
            (row,) = breach_rows(breach)
            insert_breach(connection, row, author)
            breach_id = row["breach_id"]
        locked = connection.execute(
            select(table.c.breach_id).where(table.c.breach_id == breach_id).with_for_update()
        ).first()
        if locked is None:
            raise ValueError(
                f"Value of 'breach' is not in the register: {breach_id!r}; pass the breach row "
                "to register it"
            )
        return breach_id

    def _breaches(self) -> pd.DataFrame:
        if self._engine is None:
            return pd.DataFrame(columns=list(BREACH_COLUMNS))
        with self._reading() as connection:
            rows = connection.execute(breach_select(absent=self._absent)).mappings().all()
        frame = pd.DataFrame([dict(row) for row in rows], columns=list(BREACH_COLUMNS))
        frame["group"] = [json.loads(text) for text in frame.pop("group_json")]
        zones = [zone if isinstance(zone, str) else None for zone in frame["time_zone"]]
        frame["time_zone"] = pd.Series(zones, index=frame.index, dtype=object)
        for column in ("period", "period_end", "root_cause_due", "plan_due"):
            stored = zip(frame[column], zones, strict=True)
            frame[column] = pd.Series([local_time(*pair) for pair in stored], index=frame.index)
        return frame


_UNSET = {"status": "open"}
"""What a field never set holds, as :meth:`ActionRegister.actions` shows it ("" when not
here): recording it is no change (an empty owner was a history event of nothing)."""

_ACTION_COLUMNS = (
    "breach_id",
    "kpi",
    "freq",
    "period",
    "group",
    "target",
    "threshold_s",
    "value",
    "gap",
    "root_cause_due",
    "plan_due",
    *FIELDS,
    "next_milestone",
    "changes",
    "conflicts",
    "last_change_at",
    "last_change_by",
    "overdue",
)


def _checked_author(author) -> str:
    if not isinstance(author, str) or not author.strip():
        raise ValueError(
            f"Value of 'author' must be a name (who makes the change) but received: {author!r}"
        )
    author = checked_text("author", author.strip())
    if len(author) > MAX_AUTHOR_CHARS or len(author.splitlines()) > 1 or _CONTROL.search(author):
        raise ValueError(
            f"Value of 'author' must be one line of at most {MAX_AUTHOR_CHARS} characters; "
            f"received {len(author)} characters"
        )
    return author


def _checked_value(name: str, value) -> str:
    if name not in FIELDS:
        raise ValueError(
            f"Value of {name!r} is not a field of an action. Expected some of {list(FIELDS)}"
        )
    if not isinstance(value, str):
        if name == "due_date" and isinstance(value, dt.date) and value is not pd.NaT:
            value = _due_day(value)
        else:
            raise ValueError(f"Value of {name!r} must be text but received: {type(value).__name__}")
    value = checked_text(name, _CONTROL.sub("", value.replace("\r\n", "\n")).strip())
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(
            f"Value of {name!r} has {len(value):,} characters, more than {MAX_TEXT_CHARS:,}"
        )
    if name == "status" and value not in STATUSES:
        raise ValueError(
            f"Value of 'status' is not valid. Expected one of {list(STATUSES)} but received: "
            f"{value!r}"
        )
    if name == "due_date" and value:
        try:
            value = dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(
                f"Value of 'due_date' must be a date like 2026-07-31 but received: {value!r}"
            ) from None
    if name == "milestones":
        _check_milestone_dates(value)
    return value


def _check_milestone_dates(text: str) -> None:
    """Refuse milestone lines whose date is no day of the calendar (2026-02-30), or that begin
    with a date written otherwise (a bullet or ``[ ]`` before it, ``20/07/2026``): they were
    stored, then never due, never next and never overdue. Lines without a date are notes.

    >>> _check_milestone_dates("2026-02-28 plan"), _check_milestone_dates("[x] 2026-02-01 rota")
    (None, None)
    >>> _check_milestone_dates("2026-02-30 retrain")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'milestones' has a date that is no day in line 1: '2026-02-30 retrain'; ...
    >>> _check_milestone_dates("- 2026-07-20 retrain")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'milestones' has a milestone whose date is not read in line 1: ...
    """
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DATED_LINE.match(line)
        if not match and _DATE_LIKE_LINE.match(line):
            raise ValueError(
                f"Value of 'milestones' has a milestone whose date is not read in line "
                f"{number}: {line.strip()!r}; start each milestone with its date like "
                "'2026-07-20 retrain agents', with '[x] ' before it once reached (no bullet, "
                "no '[ ]')"
            )
        if match:
            try:
                dt.date.fromisoformat(match.group(2))
            except ValueError:
                raise ValueError(
                    f"Value of 'milestones' has a date that is no day in line {number}: "
                    f"{line.strip()!r}; write each milestone's date like 2026-07-20"
                ) from None


def _due_day(value: dt.date) -> str:
    """A due date given as a date, or as a datetime at midnight; a time of day is refused, not
    dropped (an action due at 23:30 is not due at the day's start)."""
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        raise ValueError(
            f"Value of 'due_date' must be a day, such as 2026-07-31, but received a time of "
            f"day: {value.isoformat(sep=' ')}; pass the date alone (its .date())"
        )
    return value.strftime("%Y-%m-%d")


def _seen_ids(seen) -> dict:
    """Field -> id of the event the author saw, from what :meth:`ActionRegister.state` gave."""
    if seen is None:
        return {}
    if not isinstance(seen, Mapping) or not all(
        isinstance(change, Change) for change in seen.values()
    ):
        raise TypeError(
            "Value of 'seen' must be None or what ActionRegister.state() returns, a mapping of "
            f"fields to Change, but received: {seen!r} ({type(seen).__name__})"
        )
    return {name: change.event_id for name, change in seen.items()}


def _event_id(change: Change | None):
    return None if change is None else change.event_id


def _next_milestone(text: str) -> str:
    """The earliest milestone not reached yet, as ``"2026-07-20 retrain agents"``.

    >>> lines = ["[x] 2026-07-10 new rota", "2026-07-24 recheck", "2026-07-17 retrain"]
    >>> _next_milestone(os.linesep.join(lines))
    '2026-07-17 retrain'
    """
    pending = sorted((day, line) for day, line, reached in _dated_lines(text) if not reached)
    if not pending:
        return ""
    day, line = pending[0]
    return f"{day.date().isoformat()} {line}".strip()  # strftime's %Y drops a year's zeros


def _dated_lines(text: str):
    for line in text.splitlines():
        match = _DATED_LINE.match(line)
        if match:
            try:
                day = pd.Timestamp(dt.date.fromisoformat(match.group(2)))
            except ValueError:
                continue
            yield day, match.group(3).strip(), match.group(1) is not None


def _as_of(as_of) -> pd.Timestamp:
    """``as_of`` as a UTC instant: now by default; a time without a zone is UTC."""
    if as_of is None:
        return pd.Timestamp.now(tz="UTC")
    return utc_instant(check_timestamp("as_of", as_of))


def _overdue(row, as_of: pd.Timestamp) -> str:
    """What is late at the UTC instant ``as_of``; dates end at midnight in the breach's zone."""
    late = []
    if not row.root_cause and as_of > utc_instant(row.root_cause_due, row.time_zone):
        late.append("root cause")
    if not row.plan and as_of > utc_instant(row.plan_due, row.time_zone):
        late.append("plan")
    if row.status != "done":
        if row.due_date and as_of > _day_end(pd.Timestamp(row.due_date), row.time_zone):
            late.append("action")
        pending = (day for day, _, reached in _dated_lines(row.milestones) if not reached)
        if any(as_of > _day_end(day, row.time_zone) for day in pending):
            late.append("milestone")
    return ", ".join(late)


def _day_end(day: pd.Timestamp, zone: str | None) -> pd.Timestamp:
    """The UTC instant a date ends in ``zone``: midnight of the next day there. A date at the
    edge of pandas' calendar or beyond it (a milestone typed as 9999-12-31) ends after every
    moment pandas holds, or before them all for one in 1677 or earlier.

    >>> print(_day_end(pd.Timestamp("9999-12-31"), "Europe/Paris"))
    2262-04-11 23:47:16.854775807+00:00
    """
    try:
        return utc_instant(day + pd.Timedelta(days=1), zone)
    except (OverflowError, pd.errors.OutOfBoundsDatetime, NotImplementedError, ValueError):
        # pandas 2 overflows; pandas 3 holds year 10000 but cannot localize it
        edge = pd.Timestamp.max if day.year >= 2262 else pd.Timestamp.min
        return edge.tz_localize("UTC")


def _sort_key(column: pd.Series) -> pd.Series:
    """Overdue rows first; periods by their instant (breaches may be in different zones)."""
    if column.name == "overdue":
        return column.eq("")
    return column.map(utc_instant)
