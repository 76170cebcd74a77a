"""Faults a probe found in governance: the null group of a categorical column, the dashboard's
``as_of``, the daily report's actions due soon, long breach ids, databases without a
register, paths with URL characters, periods that are not period starts, a row of
``actions()`` given back to ``record()``, readers waiting for an SQLite writer's lock, and the
database's errors raised as SQLAlchemy's with the SQL and the authors' text. Each test failed
before its fix."""

import shutil
import sqlite3
import subprocess
import threading
import warnings
from contextlib import closing, contextmanager

import pandas as pd
import pytest

import kpikit as kk
from kpikit.governance import ActionRegister, breaches, cadence_report, root_cause

sqlalchemy = pytest.importorskip("sqlalchemy")

from test_governance_register import _fresh_postgres_url, postgres  # noqa: E402, F401

from kpikit.governance.pages import _open_register  # noqa: E402
from kpikit.governance.register import DATA_DIR_VARIABLE, default_url  # noqa: E402

pytestmark = pytest.mark.xdist_group("postgres")  # the PostgreSQL server of the register tests

SL_TARGET = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})
BREACH = {"breach_id": "b", "kpi": "service_level", "freq": "day", "period": "2026-07-08"}


def _contacts(queue, zone=None) -> pd.DataFrame:
    """Three contacts at 09:00 on Wednesday 8 July 2026: two answered in queue a (one within
    20 s), one abandoned after 3 s with the queue given by ``queue``'s last value."""
    arrived = pd.to_datetime(["2026-07-08 09:00"] * 3)
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": arrived if zone is None else arrived.tz_localize(zone),
            "answered": [True, True, False],
            "wait_s": [50.0, 5.0, 3.0],
            "queue": queue,
        }
    )


# --- 1. the null group of a categorical grouping column ----------------------------------------


@pytest.mark.parametrize("queue", [pd.Categorical(["a", "a", None]), ["a", "a", None]])
def test_root_cause_explains_the_null_group_of_a_categorical_column(queue):
    contacts = _contacts(queue)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # breaches() leaked pandas' FutureWarning on observed
        found = breaches(contacts, SL_TARGET, by="queue")
    none = found[found["queue"].isna()].iloc[0]
    cause = root_cause(contacts, none)
    # the queue-less contact was abandoned: 0 of 1 within 20 s -> 0 %, 80 points short
    assert cause.group == {"queue": None}
    assert cause.value == 0.0
    assert cause.gap == 80.0
    # its one hour block (08:00-10:00) holds the whole miss
    assert cause.hot_spots["share_of_gap"].tolist() == [1.0]


# --- 2. the dashboard's as_of --------------------------------------------------------------------


def test_governance_app_reads_as_of_as_the_register_does(tmp_path):
    from kpikit.apps.governance import GovernanceApp

    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    paris = _contacts(["a", "a", "b"], zone="Europe/Paris")
    app = GovernanceApp(paris, targets=SL_TARGET, register=url, as_of="2026-07-08 12:00")
    # a zone-less as_of is UTC, as in ActionRegister.actions(): 12:00 UTC is 14:00 in Paris (CEST)
    assert app._now(app._caches) == pd.Timestamp("2026-07-08 14:00", tz="Europe/Paris")
    naive = _contacts(["a", "a", "b"])
    as_of = pd.Timestamp("2026-07-08 14:00", tz="Europe/Paris")
    app = GovernanceApp(naive, targets=SL_TARGET, register=url, as_of=as_of)
    # zone-less data is read as UTC: 14:00 CEST is 12:00 UTC
    assert app._now(app._caches) == pd.Timestamp("2026-07-08 12:00")
    with pytest.raises(TypeError, match="'as_of' must be a date or time"):
        GovernanceApp(naive, targets=SL_TARGET, register=url, as_of=12345)
    with pytest.raises(ValueError, match="'as_of' must be a date or time.*'not a date'"):
        GovernanceApp(naive, targets=SL_TARGET, register=url, as_of="not a date")


# --- 3. the daily report's actions due soon ----------------------------------------------------


def _actions_section(register, contacts):
    report = cadence_report("daily", contacts, SL_TARGET, date="2026-07-08", register=register)
    return next(part for part in report.sections if part.title == "Actions overdue or due soon")


def test_daily_report_lists_actions_due_soon_by_due_date_or_milestone(tmp_path):
    contacts = _contacts(["a", "a", "b"])
    (breach,) = breaches(contacts, SL_TARGET).to_dict("records")
    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        # root cause and plan given: only the action's own dates can make it due soon
        register.record(breach, author="Ana", root_cause="rota", plan="p", due_date="2026-07-20")
        part = _actions_section(register, contacts)
        # the report ends at 2026-07-09 00:00; due on the 20th is beyond two days (the 11th)
        assert part.table is None
        assert part.lines == [
            "No action overdue or due within 2 days (as of 2026-07-09 00:00); 1 open action "
            "due later."
        ]
        register.record(breach, author="Ana", milestones="2026-07-10 retrain")
        # the milestone of the 10th ends at 00:00 on the 11th: within two days of the 9th
        assert _actions_section(register, contacts).table["due date"].tolist() == ["2026-07-20"]
        register.record(breach, author="Ana", milestones="[x] 2026-07-10 retrain")
        assert _actions_section(register, contacts).table is None  # a milestone reached
        register.record(breach, author="Ana", due_date="2026-07-10")
        assert _actions_section(register, contacts).table["due date"].tolist() == ["2026-07-10"]


# --- 4. breach ids longer than the column ------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'actions.sqlite'}"
    return _fresh_postgres_url(request.getfixturevalue("postgres"))


def test_breach_ids_over_512_characters_are_refused_on_every_database(url):
    # two group values of 30 CJK characters: 30 x 9 = 270 characters each once percent-encoded
    group = {"site": "中" * 30, "queue": "文" * 30}
    long_id = kk.governance.breach_id("service_level", "day", pd.Timestamp("2026-07-08"), group)
    assert len(long_id) > 512
    with ActionRegister(url) as register:
        with pytest.raises(ValueError, match=r"'breach_id' has \d+ characters, more than .*512"):
            register.register({**BREACH, **group, "breach_id": long_id})
        # 512 characters fit on both
        assert register.register({**BREACH, "breach_id": "x" * 512}) == ["x" * 512]


# --- 5. a database without a register ----------------------------------------------------------


def test_a_database_without_register_tables_is_refused_naming_the_url(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    url = f"sqlite:///{empty}"
    refused = r"holds no kpikit action register: .*empty\.sqlite has no table"
    with pytest.raises(ValueError, match=refused):
        ActionRegister(url, create=False)
    with pytest.raises(ValueError, match="kpikit_breaches, kpikit_action_events"):
        _open_register(url)  # kpikit report daily --register URL
    # create=True makes the register there
    with ActionRegister(url) as register:
        assert register.actions().empty


def test_another_applications_database_is_left_in_its_journal_mode(tmp_path):
    # Opened with create=False, another application's SQLite file is refused (it holds no
    # register) and left as it was: WAL mode, set on every connection, stayed on the file.
    import sqlite3

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(ValueError, match="holds no kpikit action register"):
        ActionRegister(f"sqlite:///{other}", create=False)
    with sqlite3.connect(other) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    with ActionRegister(f"sqlite:///{tmp_path / 'made.sqlite'}"):
        pass  # a register kpikit creates is in WAL mode, which a create=False open keeps
    with ActionRegister(f"sqlite:///{tmp_path / 'made.sqlite'}", create=False) as register:
        assert register.actions().empty
    with sqlite3.connect(tmp_path / "made.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# --- 6. paths with URL characters --------------------------------------------------------------


def test_register_paths_with_url_characters_round_trip(tmp_path, monkeypatch):
    folder = tmp_path / "data 50%?#x"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(folder))
    with ActionRegister() as register:
        register.register(BREACH)
    assert (folder / "actions.sqlite").is_file()
    assert not (tmp_path / "data 50%").exists()  # "?" no longer starts the URL's query
    # %20 in a URL is a space, as SQLAlchemy reads it: one folder "a dir", no "a%20dir"
    with ActionRegister(f"sqlite:///{tmp_path}/a%20dir/x.sqlite") as register:
        register.register(BREACH)
    assert (tmp_path / "a dir" / "x.sqlite").is_file()
    assert not (tmp_path / "a%20dir").exists()
    assert default_url().endswith("/data 50%25%3F%23x/actions.sqlite")


# --- 7. periods that do not start a period -----------------------------------------------------


@pytest.mark.parametrize(
    ("freq", "period", "start"),
    [
        ("week", "2026-07-08", "2026-07-06 00:00:00"),  # a Wednesday; its week starts Monday 6
        ("month", "2026-07-15 13:37", "2026-07-01 00:00:00"),
        ("day", "2026-07-08 09:00", "2026-07-08 00:00:00"),
    ],
)
def test_register_refuses_a_period_that_is_not_its_start(tmp_path, freq, period, start):
    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        with pytest.raises(ValueError, match=f"'period'.*not the start of a '{freq}'.*{start}"):
            register.register({**BREACH, "freq": freq, "period": period})
        assert register.actions().empty  # nothing written
        # the starts themselves, in a zone too, are accepted
        monday = pd.Timestamp("2026-07-06", tz="Europe/Paris")
        assert register.register({**BREACH, "freq": "week", "period": monday}) == ["b"]


# --- 8. a row of actions() given back to record() ----------------------------------------------


def test_a_row_of_actions_can_be_recorded_not_registered(tmp_path):
    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        register.register({**BREACH, "site": "Lakeside"})
        row = register.actions().iloc[0]
        register.record(row, author="Ana", owner="Lakeside lead")
        assert register.actions()[["breach_id", "owner"]].values.tolist() == [
            ["b", "Lakeside lead"]
        ]
        with pytest.raises(ValueError, match=r"row of ActionRegister.actions\(\), not of"):
            register.register(row)


# --- 9. readers took the SQLite write lock ------------------------------------------------------


@contextmanager
def _locked(path, mode="IMMEDIATE"):
    """Another connection holding ``path``'s lock: IMMEDIATE is a writer's (others may still
    read), EXCLUSIVE keeps readers out too of a file not in WAL mode."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute(f"BEGIN {mode}")
        yield
    finally:
        holder.close()  # rolls the transaction back, releasing the lock


def test_readers_go_ahead_while_a_writer_holds_the_lock(tmp_path):
    # Every transaction began IMMEDIATE, reads too: a reader queued for the write lock (the
    # register's 60 s busy timeout) although the file is in WAL mode so that it need not.
    path = tmp_path / "actions.sqlite"
    with ActionRegister(f"sqlite:///{path}") as register:
        register.record(BREACH, author="Ana", owner="Lakeside lead")
    read = {}

    def reader():
        with ActionRegister(f"sqlite:///{path}", create=False) as reopened:
            read["actions"] = reopened.actions()
            read["state"] = reopened.state("b")
            read["history"] = reopened.history()

    with _locked(path):
        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(timeout=30)
        done_under_lock = not thread.is_alive()
    thread.join()  # a reader that waited for the lock ends once it is released
    assert done_under_lock, "the reader waited for the writer's lock"
    # one breach, one event: the owner Ana set
    assert read["actions"][["breach_id", "owner"]].values.tolist() == [["b", "Lakeside lead"]]
    assert read["state"]["owner"].value == "Lakeside lead"
    assert read["history"]["author"].tolist() == ["Ana"]


# --- 10. the database's errors as SQLAlchemy's, with the SQL and the authors' text ----------------


@contextmanager
def _immutable(path):
    """``path`` made read-only even for root, whom file modes do not stop (``chattr +i``)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i failed here (needs root and ext4 or alike): {made.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("refusal", ["read-only", "locked"])
def test_a_refused_write_names_the_register_and_why_not_the_sql(tmp_path, refusal):
    path = tmp_path / "actions.sqlite"
    with ActionRegister(f"sqlite:///{path}") as register:
        register.register(BREACH)
    # the lock is held past a busy timeout of a tenth of a second
    url = f"sqlite:///{path}" + ("?timeout=0.1" if refusal == "locked" else "")
    reason = (
        "attempt to write a readonly database" if refusal == "read-only" else "database is locked"
    )
    refused = _immutable(path) if refusal == "read-only" else _locked(path)
    with refused, ActionRegister(url, create=False) as register:
        with pytest.raises(ValueError) as raised:
            register.record("b", author="Ana", comment="private note")
    message = str(raised.value)
    assert message.startswith(f"The register {url} could not be written ({reason}); nothing")
    assert "\n" not in message and "INSERT" not in message and "private note" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    with ActionRegister(url, create=False) as reopened:
        assert reopened.history().empty  # nothing was written


def test_a_refused_read_names_the_register_and_why(tmp_path):
    # a file in rollback-journal mode (another application's) keeps readers out while a
    # writer holds its EXCLUSIVE lock; past the busy timeout the read fails
    path = tmp_path / "actions.sqlite"
    with ActionRegister(f"sqlite:///{path}") as register:
        register.register(BREACH)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    url = f"sqlite:///{path}?timeout=0.1"
    with ActionRegister(url, create=False) as register, _locked(path, "EXCLUSIVE"):
        for read in (register.actions, register.history, lambda: register.state("b")):
            with pytest.raises(
                ValueError,
                match=r"^The register .* could not be read \(database is locked\)\. Check",
            ):
                read()
