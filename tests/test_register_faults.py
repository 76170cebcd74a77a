"""Faults of the action register found by a probe: passwords shown in messages, a port that is
not a number, a server that never answers, a register of an older kpikit opened read-only, a
review listing breaches after its period, ids and text no database stores, and the time an
event is recorded at.

Each case runs on SQLite where the fault is the same there; the PostgreSQL cases share one
test (one server, started once for the module's worker).
"""

import datetime as dt
import socket
import threading
import time
import uuid

import pandas as pd
import pytest
from test_governance_register import _fresh_postgres_url, postgres  # noqa: F401

import kpikit as kk
from kpikit.cli import main
from kpikit.governance import ActionRegister
from kpikit.governance._store import masked, open_engine
from kpikit.governance.cadence import cadence_report
from kpikit.governance.register import REGISTER_URL_VARIABLE
from kpikit.sample import load_targets

sqlalchemy = pytest.importorskip("sqlalchemy")
pytest.importorskip("psycopg")

pytestmark = pytest.mark.xdist_group("postgres")  # the PostgreSQL server of the register tests

BREACH = {
    "breach_id": "service_level/day/2026-07-08T00:00/site=Lakeside",
    "kpi": "service_level",
    "freq": "day",
    "period": pd.Timestamp("2026-07-08"),
    "site": "Lakeside",
}


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- 1, 2. passwords are never shown; a port that is not a number ---------------------------

# (URL, the secrets that must not be shown); "{port}" is a port nothing listens on
SHAPES = {
    "query-parameter": ("postgresql://kpikit@127.0.0.1:{port}/postgres?password=SecretXYZ", []),
    "no-user-name": ("postgresql://:SecretXYZ@127.0.0.1:{port}/postgres", []),
    "unparsable": ("postgresql//kpikit:SecretXYZ@127.0.0.1:{port}/postgres", []),
    # the driver reads "retXYZ@127.0.0.1" as the host, and names it in its reason
    "unescaped-at": ("postgresql://kpikit:Sec@retXYZ@127.0.0.1:{port}/postgres", ["retXYZ"]),
    "port-not-a-number": ("postgresql://kpikit:SecretXYZ@127.0.0.1:55x33/postgres", []),
}


def test_masked_hides_every_shape_of_password():
    from kpikit.governance._store import scrubbed

    # worked by hand: the user part's password, a password parameter, and for a URL that does
    # not parse (or whose password holds "@") everything between "//" and the last "@"
    assert masked("postgresql://kpikit@h:5432/db?password=SecretXYZ") == (
        "postgresql://kpikit@h:5432/db?password=***"
    )
    assert masked("postgresql://:SecretXYZ@h:5432/db") == "postgresql://:***@h:5432/db"
    assert masked("postgresql//kpikit:SecretXYZ@h:5432/db") == "postgresql//***@h:5432/db"
    assert masked("postgresql://kpikit:Sec@retXYZ@h:5432/db") == "postgresql://***@h:5432/db"
    assert masked("postgresql://kpikit:SecretXYZ@h:55x33/db") == "postgresql://***@h:55x33/db"
    assert masked("postgresql://kpikit:SecretXYZ@h/db") == "postgresql://kpikit:***@h/db"
    assert masked("sqlite:////tmp/a@b/actions.sqlite") == "sqlite:////tmp/a@b/actions.sqlite"
    # the driver's reason names the part of the password after its "@" as the host
    reason = "failed to resolve host 'retXYZ@127.0.0.1': Name or service not known"
    assert scrubbed(reason, "postgresql://kpikit:Sec@retXYZ@127.0.0.1/db") == (
        "failed to resolve host '***@127.0.0.1': Name or service not known"
    )


@pytest.mark.parametrize("shape", list(SHAPES))
def test_no_password_in_the_messages_of_the_api_and_the_cli(shape, monkeypatch, capsys, tmp_path):
    template, more_secrets = SHAPES[shape]
    url = template.format(port=_closed_port())
    secrets = ["SecretXYZ", "Sec@retXYZ", *more_secrets]
    with pytest.raises(ValueError, match="Value of 'url'") as raised:
        ActionRegister(url, create=False)
    shown = str(raised.value)
    if shape == "port-not-a-number":
        # was: invalid literal for int() with base 10: '55x33'
        assert "has a port that is not a number" in shown and "55x33" in shown
    assert not [secret for secret in secrets if secret in shown], shown
    assert "***" in shown

    for arguments, variables in (
        (["--register", url], {}),
        ([], {REGISTER_URL_VARIABLE: url}),
    ):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        assert _exit_code(["report", "daily", *arguments, "-o", str(tmp_path / "x.html")]) == 2
        monkeypatch.delenv(REGISTER_URL_VARIABLE, raising=False)
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Value of '" in err, err
        assert not [secret for secret in secrets if secret in out + err], out + err
        if shape == "port-not-a-number":
            assert "has a port that is not a number" in err


def _exit_code(arguments) -> int:
    """What ``kpikit ARGUMENTS`` exits with: argparse's errors exit, the others are returned."""
    try:
        return main(arguments)
    except SystemExit as exit_info:
        return exit_info.code


# --- 3. a server that never answers -------------------------------------------------------


def test_a_server_that_never_answers_fails_after_the_connect_timeout():
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel accepts connections; nothing ever answers them
        port = listener.getsockname()[1]
        url = f"postgresql://kpikit@127.0.0.1:{port}/postgres?connect_timeout=1"
        started = time.monotonic()
        # the driver waits 2 s at least (libpq's rule): 1 s in the URL is read as 2
        with pytest.raises(ValueError, match="the server did not answer within 2 s"):
            ActionRegister(url, create=False)
        assert time.monotonic() - started < 30  # was: no limit at all
    finally:
        listener.close()


def test_postgresql_connections_have_a_default_connect_timeout(monkeypatch):
    from kpikit.governance._store import CONNECT_TIMEOUT

    given = {}

    def create_engine(url, **kwargs):
        given[url] = kwargs
        return None

    monkeypatch.setattr(sqlalchemy, "create_engine", create_engine)
    open_engine("postgresql+psycopg://u@h/db")
    open_engine("postgresql+psycopg://u@h/db?connect_timeout=3")
    # 10 s unless the URL says otherwise (connect_args would override the URL's)
    assert CONNECT_TIMEOUT == 10
    assert given["postgresql+psycopg://u@h/db"]["connect_args"] == {"connect_timeout": 10}
    assert given["postgresql+psycopg://u@h/db?connect_timeout=3"]["connect_args"] == {}


# --- 4. a register of an older kpikit, opened only to read --------------------------------


def _drop_time_zone(url: str) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE kpikit_breaches DROP COLUMN time_zone")
    engine.dispose()


def test_a_register_without_time_zones_is_read_by_a_reader_that_cannot_alter_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    with ActionRegister(url) as register:
        register.record(BREACH, author="Ana", owner="Lakeside lead")
    _drop_time_zone(url)
    # another program holds the write lock: the reader can read (WAL) but not ALTER TABLE
    holder = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with holder.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            with ActionRegister(url + "?timeout=0.2", create=False) as reader:
                actions = reader.actions(as_of="2026-07-11 00:01")
                assert reader.id_taken(BREACH) is None
        finally:
            connection.exec_driver_sql("ROLLBACK")
    holder.dispose()
    # no zone stored: due 8 July + 1 day + 48 h = 11 July 00:00, read as UTC; 1 minute late
    assert actions.loc[0, "root_cause_due"] == pd.Timestamp("2026-07-11")
    assert actions.loc[0, "overdue"] == "root cause"  # the plan is due 9 + 7 = 16 July
    assert actions.loc[0, "owner"] == "Lakeside lead"
    # its first write upgrades it
    with ActionRegister(url, create=False) as writer:
        writer.record(BREACH["breach_id"], author="Ben", plan="rota")
        assert writer.actions(as_of="2026-07-11 00:01").loc[0, "plan"] == "rota"
    inspector = sqlalchemy.inspect(sqlalchemy.create_engine(url))
    assert "time_zone" in {column["name"] for column in inspector.get_columns("kpikit_breaches")}


def test_a_read_only_sqlite_uri_reads_the_file_it_names(tmp_path, monkeypatch):
    # SQLAlchemy's way to open a file read-only: sqlite:///file:PATH?mode=ro&uri=true. The
    # register took "file:PATH" for the path: with create=False it said nothing and showed an
    # empty register; with create=True it made a folder "file:" in the working directory.
    path = tmp_path / "a dir" / "actions.sqlite"
    with ActionRegister(f"sqlite:///{path}") as register:
        register.record(BREACH, author="Ana", owner="Lakeside lead")
    monkeypatch.chdir(tmp_path)
    read_only = f"sqlite:///file:{str(path).replace(' ', '%20')}?mode=ro&uri=true"
    for create in (False, True):
        with ActionRegister(read_only, create=create) as reader:
            assert reader.actions()["owner"].tolist() == ["Lakeside lead"]
            assert len(reader.history()) == 1
    assert sorted(item.name for item in tmp_path.iterdir()) == ["a dir"]  # no "file:" folder


def test_a_database_without_its_driver_says_so():
    # mysql:// is a database SQLAlchemy knows; without its driver the register raised the raw
    # ModuleNotFoundError where an unknown one gets a ValueError
    with pytest.raises(
        ValueError,
        match=r"does not open a register: mysql://u@h/db \(its Python "
        r"driver is not installed: No module named 'MySQLdb'; install it with pip",
    ):
        ActionRegister("mysql://u@h/db")


# --- 5. a review lists no breach after its period -----------------------------------------


def test_a_monthly_review_lists_no_breach_of_a_later_period(tmp_path):
    june = {
        "breach_id": "abandonment_rate/day/2026-06-01T00:00/site=Harbor",
        "kpi": "abandonment_rate",
        "freq": "day",
        "period": "2026-06-01",
        "site": "Harbor",
    }
    august = {**june, "breach_id": "abandonment_rate/day/2026-08-20T00:00/site=Harbor"}
    august["period"] = "2026-08-20"
    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        register.register(pd.DataFrame([june, august]))
        report = cadence_report(
            "monthly", kk.load_sample(), load_targets(), date="2026-06-15", register=register
        )
    (section,) = [part for part in report.sections if part.title == "Open actions"]
    # June ends 1 July 00:00: the breach of 20 August is after it (was listed, 2 actions);
    # June 1's root cause was due 4 June, its plan 9 June: both overdue on 1 July
    assert section.lines == ["1 open action, 1 overdue (as of 2026-07-01 00:00)."]
    assert section.table["overdue"].tolist() == ["root cause, plan"]


# --- 6. ids and text no database stores; the time an event is recorded at ------------------


def _refuses_what_no_database_stores(register) -> None:
    bad_id = {**BREACH, "breach_id": "service_level/day/2026-07-08T00:00/site=Lake\x00side"}
    with pytest.raises(ValueError, match=r"Value of 'breach_id' holds the control character"):
        register.register(bad_id)
    with pytest.raises(ValueError, match=r"Value of 'breach_id' holds the control character"):
        register.record("a\tb", author="Ana", plan="x")
    with pytest.raises(ValueError, match=r"Value of 'plan' holds a character that is not valid"):
        register.record(BREACH, author="Ana", plan="x\ud800y")
    with pytest.raises(ValueError, match=r"Value of 'author' holds a character that is not"):
        register.record(BREACH, author="A\udcffna", plan="x")
    assert register.history().empty  # nothing was written


def test_ids_and_text_no_database_stores_are_refused_by_name(tmp_path):
    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        _refuses_what_no_database_stores(register)


def test_an_event_is_recorded_at_the_time_it_got_the_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    with ActionRegister(url) as register:
        register.register(BREACH)
    holder = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with holder.connect() as connection, ActionRegister(url) as writer:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        worker = threading.Thread(
            target=writer.record, args=(BREACH["breach_id"],), kwargs={"author": "Ana", "plan": "x"}
        )
        worker.start()
        time.sleep(0.5)  # the writer waits for the lock
        released = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        connection.exec_driver_sql("COMMIT")
        worker.join(timeout=30)
        recorded_at = writer.history().loc[0, "recorded_at"]
    holder.dispose()
    # was: the time record() was called, 0.5 s before the lock was released
    assert recorded_at >= released


def test_postgresql_read_only_account_and_refused_text(postgres):  # noqa: F811
    url = _fresh_postgres_url(postgres)
    with ActionRegister(url) as register:
        # 6a, 6c: were "could not be written ... locked" (NUL) and UnicodeEncodeError
        _refuses_what_no_database_stores(register)
        register.record(BREACH, author="Ana", owner="Lakeside lead")
    _drop_time_zone(url)
    owner = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        reader = f"reader_{uuid.uuid4().hex[:8]}"
        connection.exec_driver_sql(f"CREATE ROLE {reader} LOGIN")
        connection.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}")
    owner.dispose()
    # 4: was "must be owner of table kpikit_breaches"
    reader_url = url.replace("://kpikit@", f"://{reader}@")
    with ActionRegister(reader_url, create=False) as reader:
        actions = reader.actions(as_of="2026-07-11 00:01")
    # no zone stored: due 11 July 00:00, read as UTC; 1 minute late
    assert actions.loc[0, "root_cause_due"] == pd.Timestamp("2026-07-11")
    assert actions.loc[0, "owner"] == "Lakeside lead"
