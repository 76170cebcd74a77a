"""Large pandas frames whose text Arrow holds are computed by polars (kpikit.metrics._via_polars):
the same result as the pandas path, to the last digits of float sums, with the same types, and
the same errors."""

import pandas as pd
import pyarrow as pa
import pytest
from fixtures import random_contacts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_folded_checks import BAD_CELLS, full_log

import kpikit as kk
from kpikit.metrics import _via_duckdb as via_duckdb
from kpikit.metrics import _via_polars as via_polars
from kpikit.options import resolve
from kpikit.schema import CONTACT_FLAGS

pytest.importorskip("polars")


def both_ways(frame, monkeypatch, **arguments):
    """compute on ``frame`` by the pandas path, then by polars (every size routed)."""
    by_pandas = kk.compute(frame, **arguments)
    with monkeypatch.context() as patch:
        patch.setattr(via_polars, "MIN_ROWS", 0)
        assert via_polars.hand_over(frame) is not None
        by_polars = kk.compute(frame, **arguments)
    return by_pandas, by_polars


def arrow_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text held by Arrow and its numbers by NumPy, as pandas 3 reads it."""
    text = [name for name in frame.columns if pd.api.types.infer_dtype(frame[name]) == "string"]
    return frame.astype(dict.fromkeys(text, "string[pyarrow]"))


def flags_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its true/false columns held as Python objects, None where missing, as
    pandas reads a nullable boolean parquet column."""
    return frame.assign(
        **{
            name: frame[name].astype(object).where(frame[name].notna(), None)
            for name in CONTACT_FLAGS
        }
    )


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60))
@pytest.mark.parametrize("backend", ["pyarrow", "text only", "pandas 3's read"])
@pytest.mark.parametrize("grouping", [{"by": "agent_id"}, {"freq": "day"}])
def test_pandas_frames_give_the_pandas_result(seed, n, backend, grouping, monkeypatch):
    frame = random_contacts(seed, n)
    if backend == "pyarrow":
        frame = frame.convert_dtypes(dtype_backend="pyarrow")
    elif backend == "text only":
        frame = arrow_text(frame)
    else:  # Arrow text, NumPy numbers, flags with nulls as objects
        frame = flags_as_objects(arrow_text(frame))
        assert (frame["resolved"].dtype, frame["customer_id"].dtype) == (object, "string")
    by_pandas, by_polars = both_ways(frame, monkeypatch, **grouping)
    pd.testing.assert_frame_equal(by_pandas, by_polars, check_exact=False)


def test_only_large_frames_without_python_objects_go_to_polars(monkeypatch):
    monkeypatch.setattr(via_polars, "MIN_ROWS", 20)
    frame = random_contacts(1, 20).convert_dtypes(dtype_backend="pyarrow")
    assert via_polars.hand_over(frame.head(19)) is None  # fewer than MIN_ROWS contacts
    assert via_polars.hand_over(frame) is not None
    assert via_polars.hand_over(arrow_text(random_contacts(1, 20))) is not None
    # A Dataset may hold other tables.
    assert via_polars.hand_over(kk.Dataset(contacts=frame)) is None
    # Text held as Python objects (pandas 2's default) goes to DuckDB, which reads it in place.
    objects = frame.assign(reason=frame["reason"].astype(object))
    assert via_polars.hand_over(objects) is None
    monkeypatch.setattr(via_duckdb, "MIN_ROWS", 20)
    assert via_duckdb.wanted(objects)
    # True/false held as Python objects (a nullable boolean parquet column read by pandas) are
    # converted on the way: cheap, unlike text.
    assert via_polars.hand_over(flags_as_objects(arrow_text(random_contacts(1, 20)))) is not None
    assert via_polars.hand_over(frame.assign(resolved=frame["resolved"].astype(str))) is None
    # More memory added than allowed: DuckDB reads it in place.
    handed = via_polars.read_columns(frame.columns, resolve(), ["queue"])
    added = via_polars.added_bytes(frame, handed, resolve())
    monkeypatch.setattr(via_polars, "MAX_ADDED_BYTES", added - 1)
    assert via_polars.hand_over(frame, keys=["queue"]) is None
    monkeypatch.setattr(via_polars, "MAX_ADDED_BYTES", added)
    assert via_polars.hand_over(frame, keys=["queue"]) is not None


def test_flags_held_as_objects_are_handed_over_by_arrow_and_left_so_in_the_callers_frame(
    monkeypatch,
):
    monkeypatch.setattr(via_polars, "MIN_ROWS", 0)
    frame = flags_as_objects(arrow_text(random_contacts(4, 40)))
    before = frame.copy(deep=True)
    handed = via_polars.hand_over(frame)
    assert {str(handed.schema[name]) for name in CONTACT_FLAGS} == {"Boolean"}
    assert handed["resolved"].null_count() == frame["resolved"].isna().sum() > 0
    kk.compute(frame, by="agent_id")
    pd.testing.assert_frame_equal(frame, before)  # still objects, same values
    # Anything else in a flag column leaves the frame to the pandas checks, which name it.
    one_word = frame.assign(transferred=frame["transferred"].where(frame.index != 3, "no"))
    assert via_polars.hand_over(one_word) is None
    with pytest.raises(kk.SchemaError, match="transferred"):
        kk.compute(one_word)


def test_polars_is_handed_the_columns_compute_reads_or_checks(monkeypatch):
    monkeypatch.setattr(via_polars, "MIN_ROWS", 0)
    frame = random_contacts(7, 30).assign(queue="sales", note="called back")
    frame = frame.convert_dtypes(dtype_backend="pyarrow")
    # By agent: the queue and the column outside the schema are neither read nor checked.
    handed = via_polars.hand_over(frame, kk.options.resolve(), ["agent_id"])
    assert set(frame.columns) - set(handed.columns) == {"queue", "note"}
    assert handed["agent_id"].to_list() == pa.array(frame["agent_id"]).to_pylist()  # the text
    # Not grouped by agent: compute checks only that abandoned contacts have no agent, and
    # polars is handed where the agent ids are missing, not their text (16 bytes a contact).
    by_day = via_polars.hand_over(frame, kk.options.resolve(), [])
    assert str(by_day["agent_id"].dtype) == "UInt8"
    missing = frame["agent_id"].isna()
    assert 0 < missing.sum() < len(frame)
    assert by_day["agent_id"].is_null().to_list() == missing.tolist()
    assert set(by_day["agent_id"].drop_nulls()) == {0}
    # Keys and FCR's match are read; without FCR's reason, reason is left out.
    options = kk.options.resolve(fcr_match="customer_id")
    handed = via_polars.hand_over(frame, options, ["queue", "note"])
    assert set(frame.columns) - set(handed.columns) == {"reason"}
    # FCR matching on the agent reads the agent ids' text.
    agent_match = kk.options.resolve(fcr_match=("customer_id", "agent_id"))
    assert str(via_polars.hand_over(frame, agent_match, [])["agent_id"].dtype) == "String"
    for by, match in [("queue", "customer_id"), ("note", "customer_id"), (None, "customer_id"),
                      (None, ("customer_id", "agent_id"))]:  # fmt: skip
        monkeypatch.setattr(via_polars, "MIN_ROWS", len(frame) + 1)
        by_pandas = kk.compute(frame, by=by, fcr_match=match)
        monkeypatch.setattr(via_polars, "MIN_ROWS", 0)
        by_polars = kk.compute(frame, by=by, fcr_match=match)
        pd.testing.assert_frame_equal(by_pandas, by_polars, check_exact=False)
    # An abandoned contact with an agent is still refused, and a missing key still named with
    # every column the frame has.
    abandoned = frame.index[~frame["answered"].astype(bool)][0]
    frame.loc[abandoned, "agent_id"] = "A9"
    with pytest.raises(kk.SchemaError, match="agent_id although not answered"):
        kk.compute(frame, by="queue")
    with pytest.raises(ValueError, match="'note'"):
        kk.compute(frame, by="site")


def pandas_frame(columns, backend):
    """``columns`` as a pandas frame, Arrow-backed (NaN kept apart from null) or with Arrow text
    and NumPy numbers (None in a float column is NaN, missing)."""
    table = pa.table({name: pa.array(values) for name, values in columns.items()})
    if backend == "pyarrow":
        return table.to_pandas(types_mapper=pd.ArrowDtype)
    return arrow_text(table.to_pandas())


@pytest.mark.parametrize("backend", ["pyarrow", "text only"])
@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_bad_values_give_the_pandas_error(case, backend, monkeypatch):
    columns = full_log()
    row, column, value = BAD_CELLS[case]
    columns[column][row] = value
    frame = pandas_frame(columns, backend)
    by_pandas = None
    try:
        kk.compute(frame)
    except kk.SchemaError as error:
        by_pandas = str(error)
    monkeypatch.setattr(via_polars, "MIN_ROWS", 0)
    assert via_polars.hand_over(frame) is not None  # true/false with nulls held as objects too
    if by_pandas is None:
        kk.compute(frame)  # no error either
    else:
        with pytest.raises(kk.SchemaError) as raised:
            kk.compute(frame)
        assert str(raised.value) == by_pandas


def test_nan_is_missing_in_numpy_columns_and_refused_in_arrow_ones(monkeypatch):
    monkeypatch.setattr(via_polars, "MIN_ROWS", 0)
    columns = full_log()
    columns["qa_score"][0] = float("nan")
    numpy_numbers = pandas_frame(columns, "text only")
    # Contacts a, b and d have a QA score; a's NaN is missing in pandas: (0 + 75.5) / 2.
    assert kk.compute(numpy_numbers, kpis="qa_score")["value"].tolist() == [37.75]
    with pytest.raises(kk.SchemaError, match="qa_score: 1 row with a NaN or infinite value"):
        kk.compute(pandas_frame(columns, "pyarrow"), kpis="qa_score")


def test_numpy_floats_of_either_width_reach_polars_with_their_nan_missing(monkeypatch):
    monkeypatch.setattr(via_polars, "MIN_ROWS", 0)
    columns = full_log()
    columns["qa_score"][0] = float("nan")
    frame = pandas_frame(columns, "text only")
    frame["wait_s"] = frame["wait_s"].astype("float32")
    handed = via_polars.hand_over(frame)
    assert handed["qa_score"].to_list() == [None, 0.0, None, 75.5, None, None]
    assert str(handed["wait_s"].dtype) == "Float32"
    assert handed["wait_s"].to_list() == [10.0, 0.0, 30.0, 5.0, 40.0, 2.0]
    by_polars = kk.compute(frame, kpis=["qa_score", "asa"])
    monkeypatch.setattr(via_polars, "MIN_ROWS", len(frame) + 1)
    by_pandas = kk.compute(frame, kpis=["qa_score", "asa"])
    # a's NaN score is missing, b and d have one: (0 + 75.5) / 2; answered waits 10, 0, 30, 5.
    assert by_polars["value"].tolist() == [11.25, 37.75]
    pd.testing.assert_frame_equal(by_pandas, by_polars, check_exact=False)


def test_zoned_periods_keep_the_zone_and_its_clock(monkeypatch):
    # 00:30 and 23:30 on 1 January in Paris are one day there; 00:30 on the 2nd is the next.
    times = pd.to_datetime(["2026-01-01 00:30", "2026-01-01 23:30", "2026-01-02 00:30"])
    frame = pd.DataFrame(
        {
            "contact_id": ["1", "2", "3"],
            "arrived_at": times.tz_localize("Europe/Paris"),
            "answered": True,
            "wait_s": 5.0,
        }
    )
    for data in (frame.convert_dtypes(dtype_backend="pyarrow"), arrow_text(frame)):
        by_pandas, by_polars = both_ways(data, monkeypatch, kpis="contacts_offered", freq="day")
        pd.testing.assert_frame_equal(by_pandas, by_polars)
        assert [str(p) for p in by_polars["period"]] == [
            "2026-01-01 00:00:00+01:00",
            "2026-01-02 00:00:00+01:00",
        ]
        assert by_polars["value"].tolist() == [2.0, 1.0]


def test_a_key_of_arrows_null_type_keeps_it(monkeypatch):
    # convert_dtypes(dtype_backend="pyarrow") gives a column of None alone Arrow's null type.
    # Grouped by it on polars, the key came back as text, which pandas cannot cast to null:
    # NotImplementedError. By hand: one group (null reason), 2 contacts offered, 1 answered;
    # its key is null Arrow text, as on the pandas path.
    frame = pd.DataFrame(
        {
            "contact_id": ["1", "2"],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 10:00"]),
            "answered": [True, False],
            "wait_s": 5.0,
            "reason": [None, None],
        }
    ).convert_dtypes(dtype_backend="pyarrow")
    assert str(frame["reason"].dtype) == "null[pyarrow]"
    kpis = ["contacts_offered", "contacts_handled"]
    by_pandas, by_polars = both_ways(frame, monkeypatch, kpis=kpis, by="reason")
    pd.testing.assert_frame_equal(by_pandas, by_polars)
    assert by_polars["value"].tolist() == [2.0, 1.0]
    assert by_polars["reason"].isna().all()
    assert by_polars["reason"].dtype == pd.ArrowDtype(pa.string())


def test_the_memory_estimate_counts_what_polars_copies_and_fcr_sorts():
    # By hand: 4 contacts handed contact_id and customer_id (Arrow text, 16 bytes a value
    # each), talk_s, wait_s and answered (taken as they are: nothing), 20 a contact besides:
    # 4 * 52 = 208; 3 contacts with a customer, 90 each: 270. The queue is left out (checked
    # for its type alone), so it costs nothing.
    text = pd.ArrowDtype(pa.string())
    frame = pd.DataFrame(
        {
            "contact_id": pd.Series(["a", "b", "c", "d"], dtype=text),
            "answered": [True, True, False, True],
            "wait_s": pd.Series([1.0, 2.0, None, 4.0], dtype=pd.ArrowDtype(pa.float64())),
            "talk_s": [1.0, float("nan"), 3.0, 4.0],
            "queue": pd.Series(["q", "q", "q", "q"], dtype=text),
            "customer_id": pd.Series(["x", None, "y", "z"], dtype=text),
        }
    )
    handed = via_polars.read_columns(frame.columns, resolve(), [])
    assert "queue" not in handed
    assert via_polars.added_bytes(frame, handed, resolve()) == 208 + 270
    # Grouped by queue, its copy counts: 4 * 16 more.
    by_queue = via_polars.read_columns(frame.columns, resolve(), ["queue"])
    assert via_polars.added_bytes(frame, by_queue, resolve()) == 208 + 270 + 64


def test_a_repeated_column_name_is_refused_by_name_at_the_size_polars_takes(monkeypatch):
    # The memory estimate reads columns by name: the hand-over's type check, which finds names
    # repeated, runs first, and the frame meets the error of the pandas path, naming the column
    # (it was an AttributeError from inside the estimate, then narwhals' DuplicateError).
    monkeypatch.setattr(via_polars, "MIN_ROWS", 0)
    frame = random_contacts(1, 20).convert_dtypes(dtype_backend="pyarrow")
    repeated = pd.concat([frame, frame[["wait_s"]]], axis=1)
    assert via_polars.hand_over(repeated) is None
    with pytest.raises(kk.SchemaError, match=r"contacts.wait_s: column name appears more"):
        kk.compute(repeated, by="agent_id")
