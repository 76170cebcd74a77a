"""compute on a DuckDB relation or an eager polars frame counts its checks inside the sums query
(kpikit.metrics._folded_checks): the same results and the same errors as the checks on their
own, whichever way repeated ids are looked for."""

import math

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpikit as kk
from kpikit._duckdb import parquet_scan_files
from kpikit.metrics import _engine, _folded_checks, _sources
from kpikit.metrics import _via_duckdb as via_duckdb

duckdb = pytest.importorskip("duckdb")


def contacts(ids) -> pd.DataFrame:
    """One answered contact a minute with the given ids; wait 10 s each."""
    return pd.DataFrame(
        {
            "contact_id": ids,
            "arrived_at": pd.date_range("2026-01-05 09:00", periods=len(ids), freq="min"),
            "answered": [True] * len(ids),
            "wait_s": [10.0] * len(ids),
        }
    )


def relation(frame):
    return duckdb.connect().from_df(frame)


def ids_fail(ids) -> bool:
    return _folded_checks._ids_fail(nw.from_native(relation(contacts(ids))), "contact_id")


@pytest.mark.parametrize("ids", [["a", "b", "c"], [1, 2, 3]])
def test_distinct_ids_have_distinct_hashes(ids):
    assert not ids_fail(ids)


@pytest.mark.parametrize("ids", [["a", "b", "a"], [1, 2, 2], ["a", None, "c"], [None, None]])
def test_repeated_or_missing_ids_fail(ids):
    assert ids_fail(ids)


@pytest.mark.parametrize(
    "ids", [["a", "b", "c"], ["a", "b", "c", None], ["a", "b", "a"], ["a", "b", "a", None]]
)
def test_duckdb_counts_the_hashes_past_the_memory_bound(ids, monkeypatch):
    monkeypatch.setattr(_folded_checks, "MAX_SORTED_HASHES", 1)
    present = [i for i in ids if i is not None]
    assert ids_fail(ids) == (len(set(present)) < len(present) or None in ids)


def test_the_duckdb_screen_leaves_the_ids_to_their_hashes():
    # The screen would read every id for its null test; the pass over the hashes counts them.
    data = relation(contacts(["a", "b"]))
    folded = _folded_checks.fold_checks(kk.Dataset(data), ["contacts"], None)
    screen = nw.from_native(data).select(x=folded.failing).to_native().sql_query()
    assert '"contact_id"' not in screen and '"wait_s"' in screen


def test_repeated_ids_past_the_memory_bound_are_refused(monkeypatch):
    monkeypatch.setattr(_folded_checks, "MAX_SORTED_HASHES", 1)
    with pytest.raises(kk.SchemaError) as error:
        kk.compute(relation(contacts(["a", "b", "a"])), kpis="asa")
    assert "1 row repeating the contact_id of an earlier row (first ids: a)" in str(error.value)


def test_a_hash_shared_by_different_ids_is_not_an_error(monkeypatch):
    # As if two of the ids had one hash: the usual checks run, find nothing, and the held sums
    # are the result.
    monkeypatch.setattr(_folded_checks, "_ids_fail", lambda *_: True)
    result = kk.compute(relation(contacts(["a", "b", "c"])), kpis="asa").df()
    assert result["value"].tolist() == [10.0]  # 30 s of wait over 3 answered


def test_every_problem_is_reported_as_by_the_checks_alone():
    frame = contacts(["a", "b", "a"]).assign(wait_s=[-1.0, 10.0, float("inf")])
    with pytest.raises(kk.SchemaError) as folded:
        kk.compute(relation(frame), by="contact_id")
    with pytest.raises(kk.SchemaError) as alone:
        kk.validate(relation(frame))
    assert str(folded.value) == str(alone.value)
    assert "contacts.wait_s: 1 row below 0 (first ids: a)" in str(folded.value)


def test_checked_and_unchecked_results_are_equal():
    frame = contacts(["a", "b", "c", "d"]).assign(answered=[True, False, True, True])
    frame.loc[1, "wait_s"] = 40.0
    checked = kk.compute(relation(frame), freq="day").df()
    unchecked = kk.compute(relation(frame), freq="day", validate=False).df()
    pd.testing.assert_frame_equal(checked, unchecked)
    assert checked.set_index("kpi").loc["answer_rate", "value"] == 75.0  # 3 of 4 answered


def full_log() -> dict:
    """Six valid contacts with every column the checks read (#5 and #6 abandoned), as lists;
    None is a missing value."""
    return {
        "contact_id": list("abcdef"),
        "arrived_at": list(pd.date_range("2026-01-05 09:00", periods=6, freq="min")),
        "answered": [True, True, True, True, False, False],
        "wait_s": [10.0, 0.0, 30.0, 5.0, 40.0, 2.0],
        "agent_id": ["x", "y", "x", "y", None, None],
        "talk_s": [100.0, 200.0, 0.0, 50.0, None, 0.0],
        "hold_s": [0.0, None, 10.0, 0.0, None, None],
        "acw_s": [5.0, 0.0, None, 20.0, 0.0, None],
        "transferred": [True, False, False, False, False, None],
        "csat": [5.0, 1.0, None, 3.0, None, None],
        "nps": [10.0, 0.0, None, 7.0, None, None],
        "qa_score": [100.0, 0.0, None, 75.5, None, None],
        "direction": ["inbound", "outbound", None, "inbound", "inbound", "inbound"],
    }


# One bad value each (row, column, value): every check of the contacts, and each way a float
# can be out of bounds (NaN, infinities, negative, too large).
BAD_CELLS = {
    "NaN wait": (1, "wait_s", float("nan")),
    "empty wait": (1, "wait_s", None),
    "infinite wait": (4, "wait_s", float("inf")),
    "minus infinite wait": (0, "wait_s", -float("inf")),
    "negative wait": (5, "wait_s", -0.5),
    "NaN talk, answered": (0, "talk_s", float("nan")),
    "NaN talk, abandoned": (4, "talk_s", float("nan")),
    "infinite talk": (2, "talk_s", float("inf")),
    "minus infinite talk": (4, "talk_s", -float("inf")),
    "negative hold": (0, "hold_s", -1.0),
    "infinite hold": (4, "hold_s", float("inf")),
    "NaN ACW": (3, "acw_s", float("nan")),
    "QA above 100": (0, "qa_score", 100.5),
    "NaN QA": (2, "qa_score", float("nan")),
    "minus infinite QA": (1, "qa_score", -float("inf")),
    "csat 6": (0, "csat", 6.0),
    "csat 0": (1, "csat", 0.0),
    "csat 4.5": (3, "csat", 4.5),
    "NaN csat": (0, "csat", float("nan")),
    "nps 11": (0, "nps", 11.0),
    "nps -1": (1, "nps", -1.0),
    "nps 2.5": (3, "nps", 2.5),
    "agent on an abandoned contact": (4, "agent_id", "z"),
    "talk on an abandoned contact": (5, "talk_s", 3.0),
    "hold on an abandoned contact": (4, "hold_s", 1.0),
    "ACW on an abandoned contact": (5, "acw_s", 0.1),
    "abandoned contact transferred": (5, "transferred", True),
    "answered with no talk": (1, "talk_s", None),
    "answered with no transfer flag": (2, "transferred", None),
    "empty answered": (2, "answered", None),
    "empty id": (3, "contact_id", None),
    "empty arrival": (3, "arrived_at", None),
    "unknown direction": (0, "direction", "sideways"),
    "repeated id": (2, "contact_id", "a"),
}


def as_relation(columns, source, tmp_path):
    """``columns`` as a DuckDB relation over an Arrow table (NaN kept apart from null), a view
    of a DuckDB table, a parquet file written by pyarrow in row groups of 2 rows (whose
    statistics leave NaN out) or by DuckDB, or a pandas frame (where NaN is missing)."""
    table = pa.table({name: pa.array(values) for name, values in columns.items()})
    connection = duckdb.connect()
    if source == "pandas":
        return connection.from_df(table.to_pandas())
    if source == "arrow":
        return connection.from_arrow(table)
    if source == "view":
        connection.from_arrow(table).create("log")
        connection.execute("CREATE VIEW contacts AS SELECT * FROM log").fetchall()
        return connection.view("contacts")
    path = str(tmp_path / "log.parquet")
    if source == "parquet":
        pq.write_table(table, path, row_group_size=2)
    else:
        connection.from_arrow(table).to_parquet(path)
    return connection.read_parquet(path)


def error_of(run) -> str | None:
    try:
        run()
    except kk.SchemaError as error:
        return str(error)
    return None


@pytest.mark.parametrize("source", ["arrow", "view", "parquet", "duckdb parquet", "pandas"])
@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_every_bad_value_trips_the_screen(case, source, tmp_path):
    columns = full_log()
    row, column, value = BAD_CELLS[case]
    columns[column][row] = value
    data = as_relation(columns, source, tmp_path)
    alone = error_of(lambda: kk.validate(data))
    # A NaN from pandas is missing: an error in a required column or as the talk of an
    # answered contact, fine elsewhere.
    nan = isinstance(value, float) and value != value
    assert alone is not None or (source == "pandas" and nan)
    for by in ({"freq": "day"}, {}):  # grouped and not (DuckDB reads no statistics then)
        assert error_of(lambda by=by: kk.compute(data, **by)) == alone


@pytest.mark.parametrize("source", ["arrow", "view", "parquet", "duckdb parquet", "pandas"])
def test_valid_contacts_do_not_trip_the_screen(source, tmp_path, monkeypatch):
    # The usual checks run only when the screen is tripped: here they would fail the test.
    def no_checks(*_args, **_kwargs):
        raise AssertionError("the screen was tripped by valid contacts")

    monkeypatch.setattr(_folded_checks, "check", no_checks)
    data = as_relation(full_log(), source, tmp_path)
    for by in ({"freq": "day"}, {"by": "agent_id"}, {}):
        checked = kk.compute(data, **by).df()
        unchecked = kk.compute(data, validate=False, **by).df()
        pd.testing.assert_frame_equal(checked, unchecked)


def pandas_frame(columns, backend):
    """``columns`` as a pandas frame: NumPy-backed (None in a float column is NaN, true/false
    with None are objects) or Arrow-backed (NaN kept apart from null)."""
    table = pa.table({name: pa.array(values) for name, values in columns.items()})
    return table.to_pandas(types_mapper=pd.ArrowDtype if backend == "pyarrow" else None)


@pytest.mark.parametrize("backend", ["numpy", "pyarrow"])
@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_every_bad_value_of_a_pandas_frame_trips_the_extremes(case, backend, monkeypatch):
    # A pandas frame computed by DuckDB has no statistics: its bounds are tested on the least
    # and largest values of each group instead.
    monkeypatch.setattr(via_duckdb, "MIN_ROWS", 0)
    columns = full_log()
    row, column, value = BAD_CELLS[case]
    columns[column][row] = value
    frame = pandas_frame(columns, backend)
    by_pandas = error_of(lambda: kk.validate(frame))
    nan = isinstance(value, float) and value != value
    assert by_pandas is not None or (backend == "numpy" and nan)
    if not via_duckdb.wanted(frame):  # a column of the wrong type: the pandas checks report it
        assert by_pandas is not None and "wrong type" in by_pandas
        return
    # The usual checks of the relation DuckDB reads (which quote no row positions, where the
    # pandas checks would for a missing id).
    alone = error_of(lambda: kk.validate(via_duckdb.relation(frame)))
    assert (alone is None) == (by_pandas is None)
    for by in ({"freq": "day"}, {}):
        assert error_of(lambda by=by: kk.compute(frame, **by)) == alone


@pytest.mark.parametrize("backend", ["numpy", "pyarrow"])
def test_valid_pandas_frames_do_not_trip_the_extremes(backend, monkeypatch):
    def no_checks(*_args, **_kwargs):
        raise AssertionError("the screen was tripped by valid contacts")

    monkeypatch.setattr(via_duckdb, "MIN_ROWS", 0)
    monkeypatch.setattr(_folded_checks, "check", no_checks)
    frame = pandas_frame(full_log(), backend)
    assert via_duckdb.wanted(frame)
    for by in ({"freq": "day"}, {"by": "agent_id"}, {}):
        checked = kk.compute(frame, **by)
        pd.testing.assert_frame_equal(checked, kk.compute(frame, validate=False, **by))


def test_without_statistics_the_bounds_are_the_extremes_of_each_group():
    # Arrow-backed numbers (NaN apart from null) are not screened in NumPy.
    frame = pandas_frame(full_log(), "pyarrow")
    data = relation(frame)

    def screen(folded):
        return nw.from_native(data).select(x=folded.failing).to_native().sql_query()

    with_statistics = _folded_checks.fold_checks(kk.Dataset(data), ["contacts"], None)
    without = _folded_checks.fold_checks(kk.Dataset(data), ["contacts"], None, frame=frame)
    assert without.rows is None
    largest = _folded_checks.LARGEST_FLOAT
    assert with_statistics.lowest == () and "least(" in screen(with_statistics)
    assert {("wait_s", 0), ("csat", 1), ("qa_score", 0)} <= set(without.lowest)
    assert {("wait_s", largest), ("csat", 5), ("qa_score", 100)} <= set(without.highest)
    assert "least(" not in screen(without) and "greatest(" not in screen(without)


def test_a_numpy_frame_is_screened_beside_the_sums_not_in_them():
    frame = pandas_frame(full_log(), "numpy")
    folded = _folded_checks.fold_checks(
        kk.Dataset(relation(frame)), ["contacts"], None, frame=frame
    )
    assert folded.failing is None and folded.highest == () and folded.lowest == ()
    assert folded.rows() is False  # full_log is valid
    bad = frame.assign(csat=frame["csat"].replace(3.0, 3.5))
    folded = _folded_checks.fold_checks(kk.Dataset(relation(bad)), ["contacts"], None, frame=bad)
    assert folded.rows() is True


@pytest.mark.parametrize(
    "key",
    [
        "TIMESTAMPTZ '2026-01-05 09:00+01'",
        "'6f1c0b9e-0000-4000-8000-000000000001'::UUID",
        "'a'::ENUM('a', 'b')",
        "1.5::DECIMAL(10, 2)",
        "INTERVAL 1 DAY",
        "1::HUGEINT",
        "'x'",
        "DATE '2026-01-05'",
        "(i % 2)::UTINYINT",
    ],
)
def test_checked_sums_keep_the_types_of_the_keys(key):
    # The checked sums are fetched as Arrow and tidied there, unless a key would not come back
    # with its type (HUGEINT, UUID, ENUM) or cannot be sorted there (INTERVAL): either way the
    # result is a relation whose keys have their type.
    data = duckdb.connect().sql(
        "SELECT i::VARCHAR AS contact_id, TIMESTAMP '2026-01-05 09:00' + to_minutes(i) AS "
        f"arrived_at, i < 3 AS answered, 10.0 * i AS wait_s, {key} AS k FROM range(4) t(i)"
    )
    checked = kk.compute(data, kpis=["asa", "answer_rate"], by="k")
    unchecked = kk.compute(data, kpis=["asa", "answer_rate"], by="k", validate=False)
    assert checked.types == unchecked.types
    assert checked.fetchall() == unchecked.fetchall()


@pytest.mark.parametrize(
    ("kind", "value"),
    [("UTINYINT", "0"), ("UBIGINT", "0"), ("BIGINT", "-9223372036854775808"), ("HUGEINT", "0")],
)
def test_integer_scores_at_the_edge_of_their_type_are_reported(kind, value):
    # The screen compares scores with their lower bound in floats: 0 - 1 in an unsigned type,
    # or the least 64-bit integer less 1, would be DuckDB's overflow error instead.
    data = duckdb.connect().sql(
        "SELECT i::VARCHAR AS contact_id, TIMESTAMP '2026-01-05' + to_minutes(i) AS arrived_at, "
        f"TRUE AS answered, 1.0 AS wait_s, 1.0 AS talk_s, "
        f"(CASE WHEN i = 0 THEN {value} ELSE 3 END)::{kind} AS csat FROM range(3) t(i)"
    )
    with pytest.raises(kk.SchemaError, match=r"contacts.csat: 1 row outside 1..5 \(first ids: 0\)"):
        kk.compute(data, kpis="csat")


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("repeated id", "1 row repeating the contact_id of an earlier row"),
        ("empty id", "1 row empty in a required column"),
    ],
)
@pytest.mark.parametrize("source", ["arrow", "view", "parquet", "duckdb parquet", "pandas"])
def test_ids_are_hashed_on_a_cursor_or_after_the_sums(source, case, problem, tmp_path, monkeypatch):
    # Every source can be queried again on a cursor (the ids are hashed there while the sums
    # run); without one, the hashes come after the sums: the same error either way.
    columns = full_log()
    row, column, value = BAD_CELLS[case]
    columns[column][row] = value
    data = as_relation(columns, source, tmp_path)
    assert _folded_checks._on_a_cursor(nw.from_native(data)) is not None
    on_a_cursor = error_of(lambda: kk.compute(data, freq="day"))
    monkeypatch.setattr(_folded_checks, "_on_a_cursor", lambda contacts: None)
    after = error_of(lambda: kk.compute(data, freq="day"))
    assert on_a_cursor == after == error_of(lambda: kk.validate(data))
    assert problem in after


@pytest.mark.parametrize("kind", ["duckdb", "polars"])
@pytest.mark.parametrize("ids", [["a", "b", "c"], ["a", "b", "a"]])
def test_the_pass_over_the_ids_is_under_way_before_the_sums_are_built(kind, ids, monkeypatch):
    # checks_under_way starts the pass in its worker thread, so the folded checks that reach the
    # building of the sums already hold it; its answer decides as the pass run after would.
    frame = contacts(ids)
    data = relation(frame) if kind == "duckdb" else pl.from_pandas(frame)
    seen = []
    build = _engine._sum_contacts

    def watched(contacts, plans, keys, freq, options, folded=None):
        seen.append(folded.ids)
        return build(contacts, plans, keys, freq, options, folded)

    monkeypatch.setattr(_engine, "_sum_contacts", watched)
    started = error_of(lambda: kk.compute(data, kpis="asa"))
    assert len(seen) == 1 and seen[0] is not None and seen[0].done()
    assert seen[0].result() == (len(set(ids)) < len(ids))
    monkeypatch.setattr(_folded_checks, "_ids_task", lambda folded: None)
    assert started == error_of(lambda: kk.compute(data, kpis="asa"))


@pytest.mark.parametrize("before", [False, True])
def test_the_sums_query_leaves_duckdbs_nan_setting_as_the_connection_has_it(
    before, monkeypatch, tmp_path
):
    # The screen finds NaN in the largest values, which DuckDB reads from the values rather than
    # the parquet statistics (which leave NaN out) whatever kpikit._nan_aware's setting says;
    # only the usual checks, run when the screen trips, need it on (and turn it on themselves).
    # Turned on for the sums too, it cost 0.12 s of 4.2 at 10M contacts, and a setting changed
    # between building and fetching would make DuckDB bind every step of the query again.
    connection = duckdb.connect()
    connection.execute(f"SET parquet_can_have_nan = {before}")

    def setting():
        return connection.execute("SELECT current_setting('parquet_can_have_nan')").fetchall()

    seen = []
    build, fetch = _engine._sum_contacts, _sources._fetched

    def watched_build(*args, **kwargs):
        seen.append(("build", setting()))
        return build(*args, **kwargs)

    def watched_fetch(sums):
        seen.append(("fetch", setting()))
        return fetch(sums)

    monkeypatch.setattr(_engine, "_sum_contacts", watched_build)
    monkeypatch.setattr(_sources, "_fetched", watched_fetch)
    kk.compute(connection.from_df(contacts(["a", "b", "c"])), kpis="asa")
    assert seen == [("build", [(before,)]), ("fetch", [(before,)])]
    # A NaN wait in a parquet file (pyarrow's statistics leave it out) trips the screen all the
    # same, in a group of its own and with no grouping, and the usual checks name it.
    log = pa.Table.from_pandas(contacts(["a", "b", "c"]).assign(queue=["q", "r", "q"]))
    nan_wait = pa.array(np.array([5.0, np.nan, 7.0]))  # from NumPy: a NaN, not a null
    log = log.set_column(log.column_names.index("wait_s"), "wait_s", nan_wait)
    assert log.column("wait_s").null_count == 0
    pq.write_table(log, tmp_path / "log.parquet")
    relation = connection.read_parquet(str(tmp_path / "log.parquet"))
    for grouping in ({}, {"by": "queue"}):
        with pytest.raises(kk.SchemaError, match=r"contacts\.wait_s: 1 row .*\(first ids: b\)"):
            kk.compute(relation, kpis="asa", **grouping)
    assert setting() == [(before,)]


def test_a_missing_id_stops_the_pass_over_the_ids():
    # 2.5 million ids read in batches of a million: the first batch holds the missing one; the
    # pass stops there and leaves the connection free for the usual checks.
    connection = duckdb.connect()
    data = connection.sql(
        "SELECT CASE WHEN i = 5 THEN NULL ELSE i::VARCHAR END AS contact_id, "
        "TIMESTAMP '2026-01-05' + to_seconds(i) AS arrived_at, TRUE AS answered, "
        "1.0 AS wait_s, 1.0 AS talk_s FROM range(2500000) t(i)"
    )
    assert _folded_checks._ids_fail(nw.from_native(data), "contact_id")
    assert connection.sql("SELECT 42").fetchall() == [(42,)]


def test_parquet_scan_files_names_the_files_of_a_plain_scan_only(tmp_path, monkeypatch):
    first, second = str(tmp_path / "it's one.parquet"), str(tmp_path / "two.parquet")
    for path in (first, second):
        contacts(["a"]).to_parquet(path)
    connection = duckdb.connect()
    files = parquet_scan_files
    assert files(connection.read_parquet(first)) == [first]
    assert files(connection.read_parquet([first, second], union_by_name=True)) == [first, second]
    assert files(connection.from_parquet(second)) == [second]
    # A relative path is found in the working folder, as polars would, while the connection
    # sets no search path of its own:
    monkeypatch.chdir(tmp_path)
    assert files(connection.read_parquet("two.parquet")) == [second]
    searching = duckdb.connect()
    searching.execute(f"SET file_search_path = '{tmp_path / 'elsewhere'}'")
    monkeypatch.setenv("HOME", str(tmp_path))
    at_home = duckdb.connect()
    # Anything else DuckDB may read otherwise than polars, or not as the files are:
    others = [
        searching.read_parquet("two.parquet"),  # relative, with a search path
        at_home.read_parquet("~/two.parquet"),  # from the home folder, which DuckDB expands
        connection.read_parquet(str(tmp_path / "*.parquet")),  # a glob
        connection.read_parquet(first, hive_partitioning=True),
        connection.read_parquet(first, filename=True),
        connection.read_parquet(first).filter("answered"),
        connection.sql(f"SELECT * FROM read_parquet('{second}')"),
        connection.from_df(contacts(["a"])),
        object(),
    ]
    assert [files(other) for other in others] == [None] * len(others)
    gone = connection.read_parquet(second)
    (tmp_path / "two.parquet").unlink()
    assert files(gone) is None


def two_files(tmp_path, first_ids, second_ids) -> list[str]:
    """Two parquet files of contacts, an hour apart, with the given ids."""
    paths = [str(tmp_path / "one.parquet"), str(tmp_path / "two.parquet")]
    for path, ids, hour in zip(paths, (first_ids, second_ids), (9, 10), strict=True):
        frame = contacts(ids)
        frame["arrived_at"] += pd.Timedelta(hours=hour - 9)
        frame.to_parquet(path)
    return paths


def no_duckdb_pass(*_args):
    raise AssertionError("the ids were read by DuckDB")


@pytest.mark.parametrize(
    ("first_ids", "second_ids", "problem"),
    [
        (["a", "b"], ["c", "d"], None),
        ([1, 2], [3, 4], None),
        (["a", "b"], ["c", "a"], "1 row repeating the contact_id of an earlier row (first ids: a)"),
        ([1, 2], [2, 3], "1 row repeating the contact_id of an earlier row (first ids: 2)"),
        (["a", "b"], ["c", None], "1 row empty in a required column"),
    ],
)
def test_polars_reads_the_ids_of_plain_parquet_files(
    first_ids, second_ids, problem, tmp_path, monkeypatch
):
    # A relation that scans parquet files as they are has its ids read and hashed by polars
    # (DuckDB's pass made to fail): a repeat across two files or a missing id is found all the
    # same, and the result of valid files is the unchecked one.
    paths = two_files(tmp_path, first_ids, second_ids)
    data = duckdb.connect().read_parquet(paths)
    monkeypatch.setattr(_folded_checks, "_ids_fail", no_duckdb_pass)
    assert error_of(lambda: kk.compute(data, kpis="asa")) == error_of(lambda: kk.validate(data))
    if problem is None:
        checked = kk.compute(data, kpis="asa").df()
        assert checked["value"].tolist() == [10.0]  # 4 answered contacts, 10 s of wait each
        assert checked.equals(kk.compute(data, kpis="asa", validate=False).df())
    else:
        assert problem in error_of(lambda: kk.compute(data, kpis="asa"))


def test_relative_paths_have_their_ids_read_by_polars(tmp_path, monkeypatch):
    # kk.compute of a relative path reads the files by their absolute paths, so that the
    # ids are read by polars whatever DuckDB's search path; a relation of relative paths on a
    # connection without a search path has them read by polars too.
    two_files(tmp_path, ["a", "b"], ["c", "a"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_folded_checks, "_ids_fail", no_duckdb_pass)
    assert "1 row repeating" in error_of(lambda: kk.compute(".", kpis="asa"))  # the folder
    assert kk.compute("one.parquet", kpis="asa")["value"].tolist() == [10.0]
    relative = duckdb.connect().read_parquet(["one.parquet", "two.parquet"])
    assert "1 row repeating" in error_of(lambda: kk.compute(relative, kpis="asa"))
    one = duckdb.connect().read_parquet("one.parquet")
    assert kk.compute(one, kpis="asa").df()["value"].tolist() == [10.0]


@pytest.mark.parametrize("cursor", [True, False])
@pytest.mark.parametrize(
    ("second_ids", "problem"),
    [(["7", "8"], None), (["5", "8"], "1 row repeating the contact_id of an earlier row")],
)
def test_duckdb_reads_the_ids_that_polars_cannot(
    second_ids, problem, cursor, tmp_path, monkeypatch
):
    # Integer ids in one file and text in the other: DuckDB reads both as text (union_by_name),
    # polars refuses to. DuckDB's pass then runs on the cursor; without one, the usual checks
    # decide. Either way 5 and "5" repeat, and 7 and "7" do not.
    paths = two_files(tmp_path, [5, 6], second_ids)
    data = duckdb.connect().read_parquet(paths, union_by_name=True)
    duckdb_pass, passes = _folded_checks._ids_fail, []
    monkeypatch.setattr(
        _folded_checks, "_ids_fail", lambda *args: passes.append(1) or duckdb_pass(*args)
    )
    if not cursor:
        monkeypatch.setattr(_folded_checks, "_on_a_cursor", lambda contacts: None)
    found = error_of(lambda: kk.compute(data, kpis="asa"))
    assert (problem is None) == (found is None) and (problem or "") in (found or "")
    assert len(passes) == int(cursor)


@pytest.mark.parametrize("second_ids", [["z", "w"], ["z", "x"]])
def test_duckdb_reads_categorical_ids(second_ids, tmp_path, monkeypatch):
    # pandas writes a categorical column with its categories (Arrow's dictionary type), which
    # polars reads as categorical, a type whose hash need not be its text's: DuckDB's pass.
    paths = [str(tmp_path / "one.parquet"), str(tmp_path / "two.parquet")]
    for path, ids, hour in zip(paths, (["x", "y"], second_ids), (9, 10), strict=True):
        frame = contacts(ids).assign(contact_id=pd.Categorical(ids, categories=sorted(ids)[::-1]))
        frame["arrived_at"] += pd.Timedelta(hours=hour - 9)
        frame.to_parquet(path)
    data = duckdb.connect().read_parquet(paths)
    duckdb_pass, passes = _folded_checks._ids_fail, []
    monkeypatch.setattr(
        _folded_checks, "_ids_fail", lambda *args: passes.append(1) or duckdb_pass(*args)
    )
    found = error_of(lambda: kk.compute(data, kpis="asa"))
    assert passes == [1]
    assert (found is None) == ("x" not in second_ids)


def test_a_first_file_without_ids_goes_to_duckdbs_pass(tmp_path):
    # Read by name (union_by_name), the first file's contacts have no id in DuckDB; polars,
    # which takes the first file's columns, does not see the column at all.
    paths = two_files(tmp_path, ["a", "b"], ["c", "d"])
    contacts(["a", "b"]).drop(columns="contact_id").to_parquet(paths[0])
    data = duckdb.connect().read_parquet(paths, union_by_name=True)
    assert "2 rows empty in a required column" in error_of(lambda: kk.compute(data, kpis="asa"))


def test_duckdb_counts_the_ids_of_parquet_files_past_the_memory_bound(tmp_path, monkeypatch):
    # More rows than MAX_SORTED_HASHES (from the files' footers): DuckDB counts the distinct
    # hashes under its memory cap, as for any relation.
    monkeypatch.setattr(_folded_checks, "MAX_SORTED_HASHES", 3)
    data = duckdb.connect().read_parquet(two_files(tmp_path, ["a", "b"], ["c", "a"]))
    duckdb_pass, passes = _folded_checks._ids_fail, []
    monkeypatch.setattr(
        _folded_checks, "_ids_fail", lambda *args: passes.append(1) or duckdb_pass(*args)
    )
    assert "repeating the contact_id" in error_of(lambda: kk.compute(data, kpis="asa"))
    assert passes == [1]


# --- eager polars frames: the screen is a column of the streaming sums ----------------------

pl = pytest.importorskip("polars")
NAN, INF, LARGEST = float("nan"), float("inf"), _folded_checks.LARGEST_FLOAT


def test_polars_max_skips_nan_which_nan_max_keeps():
    # Why a polars frame has no float maxima: max() of [1, NaN] is 1, so a NaN would hide.
    values = pl.DataFrame({"x": [1.0, NAN, None]})
    assert values.select(pl.col("x").max()).item() == 1.0  # NaN and null skipped
    assert math.isnan(values.select(pl.col("x").nan_max()).item())  # NaN kept


def test_polars_least_of_a_row_skips_nan_and_nulls():
    # Why each column is compared apart: the least of a row ignores its NaN, and its greatest
    # has changed (NaN up to polars 1.43, 3.0 from 1.44), so neither tells a NaN is there.
    row = pl.DataFrame(
        {"a": [NAN], "b": [3.0], "c": [None]},
        schema={"a": pl.Float64, "b": pl.Float64, "c": pl.Float64},
    )
    assert row.select(pl.min_horizontal("a", "b", "c")).item() == 3.0  # NaN and null skipped


def test_polars_puts_nan_above_every_number():
    values = pl.DataFrame({"x": [NAN, INF, -INF, 5.0, None]})
    compared = values.select(
        above=pl.col("x") > LARGEST,
        below=pl.col("x") < -LARGEST,
        outside=~pl.col("x").is_between(0, 100),
    )
    assert compared["above"].to_list() == [True, True, False, False, None]  # NaN, +inf above
    assert compared["below"].to_list() == [False, False, True, False, None]  # only -inf below
    assert compared["outside"].to_list() == [True, True, True, False, None]  # 5 in 0..100


def test_polars_screen_of_each_bound():
    # Each number column against its bounds on each row (csat 1..5 whole, nps 0..10 whole,
    # qa 0..100, times 0 and up; a float without an upper bound stops at the largest float).
    frame = pl.DataFrame(
        {
            "wait_s": [1.0, LARGEST, INF, NAN, -0.0, -INF],
            "csat": pl.Series([1, 5, 0, 6, 3, None], dtype=pl.UInt8),
            "qa_score": [0.0, 100.0, 100.5, None, 50.0, -1e-9],
        }
    )
    specs = {spec.name: spec for spec in kk.schema.table_specs("contacts")}
    outside = {
        name: nw.from_native(frame)
        .select(_folded_checks._outside(nw.col(name), specs[name], frame[name].dtype.is_float()))
        .to_native()
        .to_series()
        .to_list()
        for name in frame.columns
    }
    assert outside["wait_s"] == [False, False, True, True, False, True]  # inf, NaN, -inf out
    assert outside["csat"] == [False, False, True, True, False, None]  # unsigned 0 below 1
    assert outside["qa_score"] == [False, False, True, None, False, True]  # 100.5 and -1e-9


def polars_log(columns):
    """``columns`` as an eager polars frame (NaN kept apart from null)."""
    return pl.from_arrow(pa.table({name: pa.array(values) for name, values in columns.items()}))


@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_every_bad_value_trips_the_polars_screen(case):
    columns = full_log()
    row, column, value = BAD_CELLS[case]
    columns[column][row] = value
    data = polars_log(columns)
    alone = error_of(lambda: kk.validate(data))
    assert alone is not None  # polars keeps NaN apart: every case is an error
    for by in ({"freq": "day"}, {"by": "agent_id"}, {}):
        assert error_of(lambda by=by: kk.compute(data, **by)) == alone


def no_checks(*_args, **_kwargs):
    raise AssertionError("the screen was tripped by valid contacts")


def test_valid_polars_contacts_do_not_trip_the_screen(monkeypatch):
    # The usual checks run only when the screen trips or ids may repeat: here they would fail.
    monkeypatch.setattr(_folded_checks, "check", no_checks)
    data = polars_log(full_log())
    for by in ({"freq": "day"}, {"by": "agent_id"}, {}):
        checked = kk.compute(data, **by)
        unchecked = kk.compute(data, validate=False, **by)
        assert checked.equals(unchecked)  # a few rows: the same sums to the last bit
    answered = kk.compute(data, kpis="answer_rate")["value"].to_list()
    assert answered == [pytest.approx(200 / 3)]  # 4 of 6 answered


@pytest.mark.parametrize(
    ("column", "dtype", "bad"),
    [
        ("csat", pl.UInt8, 0),  # unsigned: 0 is below 1, no 0 - 1 to overflow
        ("csat", pl.Int64, 2**62),  # far above 5, also as a float
        ("csat", pl.Decimal(5, 1), 4.5),  # a decimal that is not whole
        ("nps", pl.UInt64, 2**64 - 1),  # the largest unsigned, above 10
        ("talk_s", pl.Int32, -1),  # integer seconds below 0
        ("direction", pl.Enum(["inbound", "outbound", "sideways"]), "sideways"),  # not allowed
        ("direction", pl.Categorical, "sideways"),
    ],
)
def test_polars_types_are_screened_as_validate_checks_them(column, dtype, bad, monkeypatch):
    valid = polars_log(full_log()).with_columns(pl.col(column).cast(dtype))
    values = [bad, *valid[column].to_list()[1:]]
    data = valid.with_columns(pl.Series(column, values, dtype=dtype, strict=False))
    alone = error_of(lambda: kk.validate(data))
    assert alone is not None and f"contacts.{column}: 1 row" in alone  # row 0 (id a) alone
    assert error_of(lambda: kk.compute(data, freq="day")) == alone
    monkeypatch.setattr(_folded_checks, "check", no_checks)
    assert kk.compute(valid, freq="day").equals(kk.compute(valid, freq="day", validate=False))


def test_polars_ids_sharing_a_hash_are_not_an_error(monkeypatch):
    # As if two ids had one hash: the usual checks run, find nothing, and the sums stand.
    monkeypatch.setattr(_folded_checks, "polars_keys_may_repeat", lambda *_: True)
    data = polars_log(full_log())
    assert kk.compute(data, kpis="answer_rate")["value"].to_list() == [pytest.approx(200 / 3)]
    repeated = data.with_columns(contact_id=pl.Series(list("abcdea")))
    with pytest.raises(kk.SchemaError, match="1 row repeating the contact_id .*first ids: a"):
        kk.compute(repeated, kpis="answer_rate")


def test_the_checks_error_replaces_an_error_of_the_polars_sums(monkeypatch):
    # Sums that fail on a bad value: the checks' report is raised instead, from the failure;
    # on valid contacts the failure itself.
    def failing_sums(*_args, **_kwargs):
        raise ZeroDivisionError("deep inside")

    monkeypatch.setattr(kk.metrics._engine, "_sum_eager", failing_sums)
    columns = full_log()
    columns["wait_s"][2] = -1.0
    with pytest.raises(kk.SchemaError, match="contacts.wait_s: 1 row below 0") as raised:
        kk.compute(polars_log(columns), freq="day")
    assert isinstance(raised.value.__cause__, ZeroDivisionError)
    with pytest.raises(ZeroDivisionError):
        kk.compute(polars_log(full_log()), freq="day")


def test_only_eager_polars_contacts_are_folded():
    # Lazy frames are checked in one query of their own, other tables the usual way.
    contacts = polars_log(full_log())
    assert _folded_checks.fold_checks(kk.Dataset(contacts), ["contacts"], None) is not None
    assert _folded_checks.fold_checks(kk.Dataset(contacts.lazy()), ["contacts"], None) is None
    both = ["contacts", "agent_intervals"]
    assert _folded_checks.fold_checks(kk.Dataset(contacts), both, None) is None
