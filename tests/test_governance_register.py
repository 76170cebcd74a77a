"""The action register on a real SQLite file and a real PostgreSQL server the session starts.

Concurrency is tested with real writers: processes and threads, each with its own register
(as two dashboards have), editing the same breach at the same time.
"""

import datetime as dt
import multiprocessing
import threading
import uuid
import warnings

import pandas as pd
import pytest
from postgres import PostgresServer, postgres_bin

from kpikit.governance import ActionRegister
from kpikit.governance._store import masked, normalised
from kpikit.governance.breaches import breach_group
from kpikit.governance.register import DATA_DIR_VARIABLE, REGISTER_URL_VARIABLE, default_url

sqlalchemy = pytest.importorskip("sqlalchemy")

# One PostgreSQL server for the whole module, on one xdist worker.
pytestmark = pytest.mark.xdist_group("postgres")

BREACH = {
    "breach_id": "service_level/day/2026-07-08T00:00/site=Lakeside",
    "kpi": "service_level",
    "freq": "day",
    "period": pd.Timestamp("2026-07-08"),
    "site": "Lakeside",
    "target": 80.0,
    "value": 61.0,
    "gap": 19.0,
}
WRITERS = 4
EDITS = 8


@pytest.fixture(scope="session")
def postgres():
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found (make test installs Debian's postgresql)")
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


def _fresh_postgres_url(server) -> str:
    """A new, empty database on the session's server."""
    name = f"register_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(server.url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return server.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'actions.sqlite'}"
    return _fresh_postgres_url(request.getfixturevalue("postgres"))


@pytest.fixture
def register(url):
    opened = ActionRegister(url)
    yield opened
    opened.close()


# --- recording and history ------------------------------------------------------------------


def test_changes_are_appended_never_overwritten(register):
    register.record(BREACH, author="Ana", owner="Lakeside lead", root_cause="absence wave")
    register.record(BREACH, author="Ben", root_cause="absence wave after a flu outbreak")
    register.record(BREACH, author="Ben", owner="Lakeside lead")  # same value: not recorded
    history = register.history(BREACH["breach_id"])
    assert history[["field", "value", "author"]].values.tolist() == [
        ["owner", "Lakeside lead", "Ana"],
        ["root_cause", "absence wave", "Ana"],
        ["root_cause", "absence wave after a flu outbreak", "Ben"],
    ]
    assert history["event_id"].is_monotonic_increasing
    state = register.state(BREACH["breach_id"])
    assert state["root_cause"].value == "absence wave after a flu outbreak"
    assert state["root_cause"].author == "Ben"
    assert state["owner"].author == "Ana"


def test_a_change_on_a_stale_view_is_kept_and_marked(register):
    seen = register.state(BREACH["breach_id"])  # both managers open the empty form
    first = register.record(BREACH, author="Ana", plan="hire 4 temps", seen=seen)
    second = register.record(BREACH, author="Ben", plan="overtime for 2 weeks", seen=seen)
    assert first.conflicts == {}
    assert second.conflicts["plan"].value == "hire 4 temps"
    assert second.conflicts["plan"].author == "Ana"
    history = register.history()
    assert history["value"].tolist() == ["hire 4 temps", "overtime for 2 weeks"]
    assert history["conflict"].tolist() == [False, True]
    assert history["replaces"].isna().all()  # both edited the empty field
    actions = register.actions(as_of="2026-07-09")
    assert actions.loc[0, "plan"] == "overtime for 2 weeks"
    assert actions.loc[0, "conflicts"] == 1


def test_actions_show_the_current_state_and_what_is_overdue(register):
    register.register(BREACH)
    # the day closes on 9 July 00:00: root cause due 11 July, plan due 16 July
    before = register.actions(as_of="2026-07-10")
    assert before.loc[0, "status"] == "open"
    assert before.loc[0, "overdue"] == ""
    assert register.actions(as_of="2026-07-12").loc[0, "overdue"] == "root cause"
    assert register.actions(as_of="2026-07-17").loc[0, "overdue"] == "root cause, plan"
    register.record(
        BREACH["breach_id"],
        author="Ana",
        root_cause="absence",
        plan="temps",
        status="in progress",
        due_date="2026-07-31",
        milestones="[x] 2026-07-15 temps hired\n2026-07-22 temps trained",
    )
    later = register.actions(as_of="2026-07-24")
    assert later.loc[0, "next_milestone"] == "2026-07-22 temps trained"
    assert later.loc[0, "overdue"] == "milestone"  # due 22 July, not marked [x]
    assert register.actions(as_of="2026-08-02").loc[0, "overdue"] == "action, milestone"
    register.record(BREACH["breach_id"], author="Ana", status="done")
    assert register.actions(as_of="2026-08-02").loc[0, "overdue"] == ""
    assert register.actions().loc[0, "group"] == {"site": "Lakeside"}


def test_bad_input_is_refused_with_a_clear_message(register):
    with pytest.raises(ValueError, match="not a field of an action"):
        register.record(BREACH, author="Ana", budget="1M")
    with pytest.raises(ValueError, match=r"'status' is not valid.*'closed'"):
        register.record(BREACH, author="Ana", status="closed")
    with pytest.raises(ValueError, match="'due_date' must be a date"):
        register.record(BREACH, author="Ana", due_date="next week")
    with pytest.raises(ValueError, match="'author' must be a name"):
        register.record(BREACH, author="  ", owner="x")
    with pytest.raises(ValueError, match="4,001 characters"):
        register.record(BREACH, author="Ana", plan="x" * 4001)
    with pytest.raises(ValueError, match="not in the register"):
        register.record("unknown/day/2026-01-01T00:00", author="Ana", owner="x")
    assert register.history().empty


def test_text_is_stored_as_given_and_control_characters_dropped(register):
    register.record(BREACH, author="Ana", comment="<script>alert(1)</script>\x07 = SUM(A1)")
    assert register.history()["value"].tolist() == ["<script>alert(1)</script> = SUM(A1)"]


# --- where the default register lives -------------------------------------------------------


def test_default_register_is_created_on_first_use_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(REGISTER_URL_VARIABLE, raising=False)
    folder = tmp_path / "kpikit-data"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(folder))
    assert default_url() == f"sqlite:///{folder}/actions.sqlite"
    untouched = ActionRegister(create=False)
    assert untouched.actions().empty and untouched.history().empty
    assert not folder.exists()
    with ActionRegister() as created:
        created.record(BREACH, author="Ana", owner="x")
    assert (folder / "actions.sqlite").is_file()
    with ActionRegister(create=False) as reopened:
        assert reopened.history()["value"].tolist() == ["x"]


def test_register_url_variable_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(REGISTER_URL_VARIABLE, f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    assert default_url().endswith("elsewhere.sqlite")


def test_postgresql_urls_use_psycopg_and_passwords_are_not_shown():
    assert normalised("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert masked("postgresql+psycopg://u:secret@h/db") == "postgresql+psycopg://u:***@h/db"


# --- concurrent writers ---------------------------------------------------------------------


def _write_edits(url: str, writer: int, barrier) -> None:
    """One manager: reads the form, edits it, saves; EDITS times, two fields each time.

    All managers read before any of them saves in a round (the barrier), so they collide.
    """
    with ActionRegister(url) as register:
        for edit in range(EDITS):
            seen = register.state(BREACH["breach_id"])
            barrier.wait(timeout=60)
            register.record(
                BREACH,
                author=f"manager {writer}",
                seen=seen,
                plan=f"plan {writer}.{edit}",
                **{"comment" if writer % 2 else "owner": f"note {writer}.{edit}"},
            )


def _check_nothing_lost(url: str) -> None:
    with ActionRegister(url) as register:
        history = register.history()
    expected = {(f"manager {w}", f"plan {w}.{e}") for w in range(WRITERS) for e in range(EDITS)}
    plans = history[history["field"] == "plan"]
    assert set(zip(plans["author"], plans["value"], strict=True)) == expected
    assert len(history) == 2 * WRITERS * EDITS
    assert history["event_id"].is_unique
    # the first round alone makes every writer but the first save over a view now stale
    assert plans["conflict"].sum() >= WRITERS - 1
    # writers are serialised per breach, so each conflict mark is exact: an event conflicts
    # when the author had seen another version of the field than the one it replaced
    for _, events in history.groupby("field"):
        previous = None
        for event in events.sort_values("event_id").itertuples():
            replaced = None if pd.isna(event.replaces) else int(event.replaces)
            assert event.conflict == (replaced != previous)
            previous = event.event_id


def test_concurrent_processes_lose_nothing(url):
    ActionRegister(url).close()  # create the tables before the writers start
    # spawn: a fork after polars, DuckDB or Spark started threads in this process can crash
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    workers = [context.Process(target=_write_edits, args=(url, w, barrier)) for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * WRITERS
    _check_nothing_lost(url)


def test_two_dashboards_in_one_process_lose_nothing(url):
    ActionRegister(url).close()
    errors = []
    barrier = threading.Barrier(WRITERS)

    def dashboard(writer):
        try:
            _write_edits(url, writer, barrier)
        except Exception as error:  # reported below, with the writer
            errors.append((writer, error))

    threads = [threading.Thread(target=dashboard, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    _check_nothing_lost(url)


# --- null groups, time zones and bad input ----------------------------------------------------


def test_a_null_group_is_stored_as_a_null_group(register):
    row = {**BREACH, "breach_id": "service_level/day/2026-07-08T00:00/site", "site": None}
    register.register(pd.DataFrame([row]))
    assert register.actions().loc[0, "group"] == {"site": None}  # not {}, the whole center


@pytest.mark.parametrize(
    ("zone", "due_utc", "due_date_ends_utc"),
    [
        # New York is 5 hours behind UTC in January: the day of 5 January closes at 6 January
        # 05:00 UTC, root cause due 48 hours later; 20 January ends at 21 January 05:00 UTC
        ("America/New_York", "2026-01-08 05:00", "2026-01-21 05:00"),
        # Tokyo is 9 hours ahead: the day closes at 5 January 15:00 UTC, root cause due on
        # 7 January 15:00 UTC; 20 January ends at 20 January 15:00 UTC
        ("Asia/Tokyo", "2026-01-07 15:00", "2026-01-20 15:00"),
    ],
)
def test_deadlines_are_instants_in_the_zone_of_the_breach(
    register, zone, due_utc, due_date_ends_utc
):
    breach = {
        "breach_id": "service_level/day/2026-01-05T00:00/site=north",
        "kpi": "service_level",
        "freq": "day",
        "period": pd.Timestamp("2026-01-05", tz=zone),
        "site": "north",
    }
    register.register(breach)
    due, minute = pd.Timestamp(due_utc), pd.Timedelta(minutes=1)
    # a naive as_of is UTC
    assert register.actions(as_of=due - minute).loc[0, "overdue"] == ""
    assert register.actions(as_of=due + minute).loc[0, "overdue"] == "root cause"
    # an aware as_of, in any zone, is the same instant
    paris = (due + minute).tz_localize("UTC").tz_convert("Europe/Paris")
    assert register.actions(as_of=paris).loc[0, "overdue"] == "root cause"
    actions = register.actions(as_of=due)
    # given back in the breach's zone: local midnights, plan due 7 days after the day closes
    assert actions.loc[0, "period"] == pd.Timestamp("2026-01-05", tz=zone)
    assert actions.loc[0, "root_cause_due"] == pd.Timestamp("2026-01-08", tz=zone)
    assert actions.loc[0, "plan_due"] == pd.Timestamp("2026-01-13", tz=zone)
    # a due date ends at midnight where the breach is
    register.record(
        breach["breach_id"], author="Ana", root_cause="x", plan="y", due_date="2026-01-20"
    )
    ends = pd.Timestamp(due_date_ends_utc)
    assert register.actions(as_of=ends - minute).loc[0, "overdue"] == ""
    assert register.actions(as_of=ends + minute).loc[0, "overdue"] == "action"


def test_register_deadlines_follow_the_wall_clock_across_a_clock_change(register):
    # Paris, 28 March closes at 29 March 00:00 +01:00, the night the clocks spring forward:
    # root cause due 31 March 00:00 CEST = 30 March 22:00 UTC (not 23:00 UTC, 48 elapsed
    # hours); a half hour closing 22 March 02:30 has its plan due 29 March 02:30, a time that
    # does not exist, so 03:00 CEST = 01:00 UTC (this raised NonExistentTimeError)
    day = {
        "breach_id": "service_level/day/2026-03-28T00:00/site=north",
        "kpi": "service_level",
        "freq": "day",
        "period": pd.Timestamp("2026-03-28", tz="Europe/Paris"),
    }
    half_hour = {
        "breach_id": "service_level/30min/2026-03-22T02:00/site=north",
        "kpi": "service_level",
        "freq": "30min",
        "period": pd.Timestamp("2026-03-22 02:00", tz="Europe/Paris"),
    }
    register.register(pd.DataFrame([day, half_hour]))
    actions = register.actions().set_index("breach_id")
    due = actions.loc[day["breach_id"], "root_cause_due"]
    assert due.tz_convert("UTC") == pd.Timestamp("2026-03-30 22:00", tz="UTC")
    plan = actions.loc[half_hour["breach_id"], "plan_due"]
    assert plan.tz_convert("UTC") == pd.Timestamp("2026-03-29 01:00", tz="UTC")


def test_breaches_with_and_without_a_zone_share_a_register(register):
    tokyo = {
        **BREACH,
        "breach_id": "service_level/day/2026-07-08T00:00/site=Tokyo",
        "period": pd.Timestamp("2026-07-08", tz="Asia/Tokyo"),
    }
    register.register(pd.DataFrame([BREACH]))
    register.register(tokyo)
    # root cause due 11 July 00:00 UTC (no zone) and 00:00 Tokyo = 10 July 15:00 UTC
    actions = register.actions(as_of="2026-07-10 16:00")
    assert actions["breach_id"].tolist() == [tokyo["breach_id"], BREACH["breach_id"]]
    assert actions["overdue"].tolist() == ["root cause", ""]
    assert actions.loc[0, "root_cause_due"] == pd.Timestamp("2026-07-11", tz="Asia/Tokyo")
    assert actions.loc[1, "root_cause_due"] == pd.Timestamp("2026-07-11")


def test_a_register_made_before_time_zones_is_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    with ActionRegister(url) as register:
        register.register(BREACH)
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE kpikit_breaches DROP COLUMN time_zone")
    engine.dispose()
    with ActionRegister(url, create=False) as reopened:
        # its times had no zone: read as UTC, as before; due 11 July 00:00
        actions = reopened.actions(as_of="2026-07-11 00:01")
    assert actions.loc[0, "root_cause_due"] == pd.Timestamp("2026-07-11")
    assert actions.loc[0, "overdue"] == "root cause"


@pytest.mark.parametrize(
    ("as_of", "error", "message"),
    [
        (5, TypeError, r"Value of 'as_of' must be a date or time .*received: 5 \(int\)"),
        ("yesterday", ValueError, r"Value of 'as_of' must be a date or time .*'yesterday'"),
    ],
)
def test_as_of_must_be_a_time(register, as_of, error, message):
    register.register(BREACH)
    with pytest.raises(error, match=message):
        register.actions(as_of=as_of)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("period", "abc", r"Value of 'period' must be a date or time .*'abc'"),
        ("kpi", "nonsense", r"Value of 'kpi' is not a KPI id.*'nonsense'"),
        ("freq", "fortnight", r"Value of 'freq' is not a period.*'fortnight'"),
        ("breach_id", "", r"Value of 'breach_id' must be the non-empty text key.*''"),
        ("breach_id", None, r"Value of 'breach_id' must be the non-empty text key.*None"),
    ],
)
def test_register_refuses_a_bad_breach(register, key, value, message):
    with pytest.raises(ValueError, match=message):
        register.register({**BREACH, key: value})
    assert register.actions().empty


@pytest.mark.parametrize(
    "seen", [["root_cause"], {"root_cause": "x"}, "root_cause"], ids=["list", "text", "str"]
)
def test_seen_must_be_what_state_gives(register, seen):
    with pytest.raises(TypeError, match=r"Value of 'seen' must be None or what .*state\(\)"):
        register.record(BREACH, author="Ben", root_cause="z", seen=seen)
    assert register.history().empty


def test_an_author_that_is_not_text_is_shown(register):
    with pytest.raises(ValueError, match=r"Value of 'author' must be a name .*received: 5"):
        register.record(BREACH, author=5, owner="x")


def test_dates_beyond_the_pandas_calendar_do_not_break_the_register(register):
    # a milestone typed 9999 and a due date in year 1 used to make every later actions() raise
    # OutOfBoundsDatetime; 9999-12-31 ends after any moment, 0001-01-01 before any
    register.record(
        BREACH,
        author="Ana",
        root_cause="absence",
        plan="temps",
        due_date="0001-01-01",
        milestones="9999-12-31 far away",
    )
    actions = register.actions(as_of="2026-07-20")
    assert actions.loc[0, "next_milestone"] == "9999-12-31 far away"
    assert actions.loc[0, "overdue"] == "action"  # the milestone is not late, the due date is
    register.record(BREACH, author="Ana", due_date="9999-12-31")
    assert register.actions(as_of="2026-07-20").loc[0, "overdue"] == ""


def test_a_missing_due_date_is_refused_by_name(register):
    # pd.NaT is a date to isinstance() and used to raise "NaTType does not support strftime"
    with pytest.raises(ValueError, match=r"Value of 'due_date' must be text but received: NaT"):
        register.record(BREACH, author="Ana", due_date=pd.NaT)
    assert register.history().empty


def test_a_due_date_with_a_time_of_day_is_refused_not_cut_to_its_day(register):
    # 2026-07-31 23:30 was stored as "2026-07-31" without a word; a date at midnight is a day
    with pytest.raises(ValueError, match=r"'due_date' must be a day.*2026-07-31 23:30:00"):
        register.record(BREACH, author="Ana", due_date=dt.datetime(2026, 7, 31, 23, 30))
    assert register.history().empty
    register.record(BREACH, author="Ana", due_date=pd.Timestamp("2026-07-31"))
    assert register.actions().loc[0, "due_date"] == "2026-07-31"


def test_a_number_past_float_range_is_refused_not_stored_as_null(register):
    # 10**400 as value used to raise a raw OverflowError, then was stored as null without a
    # word, as inf was; neither is a finite number, and nothing is written
    with pytest.raises(ValueError, match=r"Value of 'value' must be a finite number"):
        register.register({**BREACH, "value": 10**400, "gap": float("inf")})
    assert register.actions().empty


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: path.write_text("not a database " * 100), "file is not a database"),
        (lambda path: path.mkdir(), "unable to open database file"),
    ],
    ids=["not-sqlite", "folder"],
)
def test_a_url_that_is_no_register_is_named(tmp_path, make, reason):
    # these raised sqlalchemy's DatabaseError / OperationalError from deep inside
    path = tmp_path / "actions.sqlite"
    make(path)
    with pytest.raises(ValueError, match=rf"Value of 'url' does not open a register: .*{reason}"):
        ActionRegister(f"sqlite:///{path}")
    with pytest.raises(ValueError, match=r"Value of 'url' does not open a register.*nosuchdb"):
        ActionRegister("nosuchdb://host/name")


def test_a_register_whose_folder_cannot_be_made_is_named(tmp_path):
    # a file where the folder should be: a raw NotADirectoryError (FileNotFoundError under
    # /proc, PermissionError in a read-only place) instead of the documented ValueError
    in_the_way = tmp_path / "notes.txt"
    in_the_way.write_text("a file, not a folder")
    path = in_the_way / "registers" / "actions.sqlite"
    with pytest.raises(
        ValueError, match=r"does not open a register: .*its folder .*registers cannot be created"
    ):
        ActionRegister(f"sqlite:///{path}")


def test_an_id_registered_for_another_breach_is_refused(register):
    # the same id for the next day's breach was silently ignored: the register kept 8 July
    register.register(BREACH)
    with pytest.raises(ValueError, match=r"'breach_id' .* is registered for another breach"):
        register.register({**BREACH, "period": pd.Timestamp("2026-07-09")})
    assert register.actions()["period"].tolist() == [pd.Timestamp("2026-07-08")]


def test_other_figures_for_a_registered_breach_are_not_silent(register):
    # a recomputed value (61.0 -> 58.0) was dropped without a word; the first figures stay
    register.register(BREACH)
    with pytest.warns(UserWarning, match=r"value 61.0 kept, 58.0 not written"):
        register.register({**BREACH, "value": 58.0})
    assert register.actions().loc[0, "value"] == 61.0


@pytest.mark.parametrize("author", ["Ana\rBen", "Ana\u2028Ben", "Ana\x85Ben"])
def test_an_author_on_two_lines_is_refused(register, author):
    # a carriage return (or a Unicode line break) passed the one-line check
    with pytest.raises(ValueError, match=r"Value of 'author' must be one line"):
        register.record(BREACH, author=author, owner="x")


def test_a_milestone_on_no_day_of_the_calendar_is_refused(register):
    # 30 February was stored, then never next, never overdue; the same due_date was refused
    milestones = "2026-02-28 agree the plan\n2026-02-30 retrain billing agents"
    with pytest.raises(ValueError, match=r"'milestones' has a date that is no day in line 2"):
        register.record(BREACH, author="Ana", milestones=milestones)
    assert register.history().empty
    register.record(BREACH, author="Ana", milestones="2026-02-28 agree the plan\nthen retrain")
    assert register.actions(as_of="2026-02-01").loc[0, "next_milestone"] == (
        "2026-02-28 agree the plan"
    )


def test_a_milestone_before_year_1000_keeps_four_digits(register):
    # strftime showed 0999-12-31 as "999-12-31"
    register.record(BREACH, author="Ana", milestones="0999-12-31 long ago\n2026-07-20 next")
    assert register.actions(as_of="2026-07-10").loc[0, "next_milestone"] == "0999-12-31 long ago"


def test_an_action_and_its_milestone_of_one_date_fall_late_together(register):
    # Both dates are 10 July: each ends at midnight, 11 July 00:00 (the day's zone: none, so
    # UTC), and is late only after it. The milestone was late at midnight itself, a moment
    # before the action of the same date.
    register.record(BREACH, author="Ana", due_date="2026-07-10", milestones="2026-07-10 temps")
    at_midnight = register.actions(as_of="2026-07-11 00:00").loc[0, "overdue"]
    assert "action" not in at_midnight and "milestone" not in at_midnight
    after = register.actions(as_of="2026-07-11 00:00:01").loc[0, "overdue"]
    assert after.endswith("action, milestone")


def test_a_breach_whose_group_keys_come_in_another_order_is_the_same_breach(register):
    # the same site and queue, listed queue first (a hand-typed row, a form's): registering
    # it again is the same breach, not "registered for another breach"
    both = {**BREACH, "site": "Lakeside", "queue": "billing"}
    register.register(both)
    reordered = {"queue": "billing", **{k: v for k, v in both.items() if k != "queue"}}
    assert list(breach_group(reordered)) != list(breach_group(both))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        register.register(reordered)
    assert register.actions().loc[0, "group"] == {"site": "Lakeside", "queue": "billing"}


@pytest.mark.skipif(
    pd.__version__.startswith("3"), reason="pandas 3 holds times past 2262 (microseconds)"
)
def test_deadlines_past_the_pandas_calendar_name_the_period_end(register):
    # the day of 9 April 2262 ends on the 10th; its plan is due 7 days later, past pandas'
    # last time: the error named a "period starting 2262-04-10", a day the user never gave
    with pytest.raises(ValueError, match=r"The period ending 2262-04-10 00:00:00 has its root"):
        register.register({**BREACH, "period": "2262-04-09"})


def test_a_breach_of_a_register_made_before_time_zones_is_still_the_same_breach(tmp_path):
    # its stored zone is null; registering (or recording on) the same zoned row again must
    # neither raise "registered for another breach" nor warn
    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    tokyo = {**BREACH, "period": pd.Timestamp("2026-07-08", tz="Asia/Tokyo")}
    with ActionRegister(url) as register:
        register.register(tokyo)
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE kpikit_breaches DROP COLUMN time_zone")
    engine.dispose()
    with ActionRegister(url) as reopened, warnings.catch_warnings():
        warnings.simplefilter("error")
        reopened.record(tokyo, author="Ana", owner="Tokyo lead")
        assert reopened.actions().loc[0, "owner"] == "Tokyo lead"


def test_a_period_that_ends_before_it_starts_is_refused(register):
    # its root cause would have been due 3 January, before the breach's day of 5 January
    with pytest.raises(ValueError, match="'period_end' must come after 'period'"):
        register.register({**BREACH, "period": "2026-01-05", "period_end": "2026-01-01"})
    with pytest.raises(ValueError, match="'period_end' must come after 'period'"):
        register.register({**BREACH, "period": "2026-01-05", "period_end": "2026-01-05"})
    assert register.actions().empty
