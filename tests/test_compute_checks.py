"""compute checks the tables it reads: bad values are a SchemaError naming column, problem,
count and first ids, on every engine; ``validate=False`` skips the checks."""

import datetime
import decimal
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import kpikit as kk
from kpikit._frames import to_pandas

ENGINES = ["pandas", "polars", "duckdb"]


def four_contacts(**columns) -> pd.DataFrame:
    """Four valid contacts (ids 1-4, #3 abandoned); keywords replace whole columns."""
    frame = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": pd.date_range("2026-01-05 09:00", periods=4, freq="min"),
            "answered": [True, True, False, True],
            "wait_s": [10.0, 30.0, 45.0, 5.0],
            "talk_s": [100.0, 200.0, np.nan, 50.0],
            "csat": [5.0, 4.0, np.nan, 3.0],
            "nps": [10.0, 9.0, np.nan, 0.0],
        }
    )
    return frame.assign(**columns)


def on_engine(frame: pd.DataFrame, engine: str):
    if engine == "polars":
        return pytest.importorskip("polars").from_pandas(frame)
    if engine == "duckdb":
        return pytest.importorskip("duckdb").connect().from_df(frame)
    return frame


BAD_VALUES = {
    "negative wait": (
        {"wait_s": [-1.0, 30, 45, 5]},
        "contacts.wait_s: 1 row below 0 (first ids: 1)",
    ),
    "negative talk": (
        {"talk_s": [100.0, -2, np.nan, 50]},
        "contacts.talk_s: 1 row below 0 (first ids: 2)",
    ),
    "NaN wait": (
        {"wait_s": [10.0, np.nan, 45, np.nan]},
        "contacts.wait_s: 2 rows empty in a required column (first ids: 2, 4)",
    ),
    "infinite wait": (
        {"wait_s": [np.inf, 30, -np.inf, 5]},
        "contacts.wait_s: 2 rows with an infinite value (first ids: 1, 3)",
    ),
    "csat 0": ({"csat": [0.0, 4, np.nan, 3]}, "contacts.csat: 1 row outside 1..5 (first ids: 1)"),
    "csat 6": ({"csat": [5.0, 6, np.nan, 3]}, "contacts.csat: 1 row outside 1..5 (first ids: 2)"),
    "csat 4.5": (
        {"csat": [4.5, 4, np.nan, 3]},
        "contacts.csat: 1 row not a whole number (first ids: 1)",
    ),
    "nps -1": ({"nps": [-1.0, 9, np.nan, 0]}, "contacts.nps: 1 row outside 0..10 (first ids: 1)"),
    "nps 11": ({"nps": [10.0, 9, np.nan, 11]}, "contacts.nps: 1 row outside 0..10 (first ids: 4)"),
    "repeated ids": (
        {"contact_id": [1, 2, 2, 4]},
        "contacts.contact_id: 1 row repeating the contact_id of an earlier row (first ids: 2)",
    ),
    "no ids": (
        {"contact_id": [None] * 4},
        "contacts.contact_id: 4 rows empty in a required column",
    ),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_bad_values_are_refused(case, engine):
    columns, problem = BAD_VALUES[case]
    data = on_engine(four_contacts(**columns), engine)
    with pytest.raises(kk.SchemaError) as error:
        kk.compute(data, freq="day")
    assert problem in str(error.value)


BAD_TYPES = {
    "wait as text": ({"wait_s": ["10", "30", "45", "5"]}, "wait_s: wrong type: holds text"),
    "answered yes/no": (
        {"answered": ["yes", "yes", "no", "yes"]},
        "answered: wrong type: holds text",
    ),
    "answered 0/1": ({"answered": [1, 1, 0, 1]}, "answered: wrong type: holds integers"),
    "arrived_at as text": (
        {"arrived_at": ["2026-01-05 09:00"] * 4},
        "arrived_at: wrong type: holds text",
    ),
    "csat as text": ({"csat": ["5", "4", None, "3"]}, "csat: wrong type: holds text"),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", list(BAD_TYPES))
def test_wrong_types_are_a_schema_error(case, engine):
    columns, problem = BAD_TYPES[case]
    data = on_engine(four_contacts(**columns), engine)
    for freq in (None, "hour"):
        with pytest.raises(kk.SchemaError, match=problem):
            kk.compute(data, freq=freq)


def test_pandas_types_the_engines_cannot_read_are_named_with_their_pandas_type():
    # Big-endian floats (np.frombuffer of a file, FITS, HDF5) and periods, which narwhals reads
    # as Unknown, used to end in pandas' "truth value of a Series is ambiguous"; half-precision
    # floats held by Arrow in pyarrow's "no kernel matching input types (halffloat)".
    frame = four_contacts(
        wait_s=np.array([10.0, 30, 45, 5], dtype=">f8"),
        talk_s=pd.period_range("2026-01", periods=4, freq="M"),
        csat=pd.array(np.array([5, 4, np.nan, 3], "float16"), dtype="halffloat[pyarrow]"),
    )
    with pytest.raises(kk.SchemaError) as error:
        kk.compute(frame)
    assert str(error.value).splitlines()[1:] == [
        "- contacts.wait_s: wrong type: holds values in the other byte order than this "
        "machine's (>f8), expected numbers (int or float); turn them round first: "
        "column.astype(column.dtype.newbyteorder('='))",
        "- contacts.talk_s: wrong type: holds values (period[M]), expected numbers (int or float)",
        "- contacts.csat: wrong type: holds half-precision floats held by Arrow, which has no "
        "arithmetic for them (halffloat[pyarrow]), expected numbers (int or float); convert "
        "them first: column.astype('float32')",
    ]
    turned = frame.assign(
        wait_s=frame["wait_s"].astype(frame["wait_s"].dtype.newbyteorder("=")),
        csat=frame["csat"].astype("float32"),
    )
    # Once turned round and converted: ASA (10 + 30 + 5) / 3 answered; CSAT top two boxes
    # (4 and 5) of 3 answers.
    kpis = kk.compute(turned.drop(columns="talk_s"), kpis=["asa", "csat"])
    assert kpis["value"].round(6).tolist() == [15.0, 66.666667]


# Values of 36 pandas types, four rows each; every column compute reads is given each in turn.
ODD_VALUES = {
    "complex": np.array([1 + 0j, 2, 3, 4]),
    "timedelta": pd.to_timedelta([1, 2, 3, 4], unit="s"),
    "period": pd.period_range("2026-01", periods=4, freq="D"),
    "interval": pd.interval_range(0, 4),
    "sparse": pd.arrays.SparseArray([1.0, 0, 0, 2.0]),
    "categorical floats": pd.Categorical([1.0, 2.0, 1.0, 2.0]),
    "categorical text": pd.Categorical(["a", "b", "a", "b"]),
    "Int64": pd.array([1, 2, None, 4], dtype="Int64"),
    "Float64": pd.array([1.0, 2.0, None, 4.0], dtype="Float64"),
    "boolean": pd.array([True, False, None, True], dtype="boolean"),
    "string[python]": pd.array(["a", "b", None, "d"], dtype="string[python]"),
    "datetime64[s]": pd.date_range("2026-01-05", periods=4, freq="h").astype("datetime64[s]"),
    "zoned": pd.date_range("2026-01-05", periods=4, freq="h", tz="America/New_York"),
    "dates": [datetime.date(2026, 1, 5)] * 4,
    "decimals": [decimal.Decimal("1.5")] * 4,
    "bytes": [b"a", b"b", b"c", b"d"],
    "mixed objects": [1, "a", 2.5, None],
    "uint64": np.array([1, 2, 3, 4], dtype=np.uint64),
    "float16": np.array([1, 2, 3, 4], dtype=np.float16),
    "int8": np.array([1, 2, 3, 4], dtype=np.int8),
    "big-endian int": np.array([1, 2, 3, 4], dtype=">i8"),
    "floats as objects": pd.Series([1.0, 2.0, 3.0, 4.0], dtype=object),
    **{
        f"Arrow {name}": pd.array(values, dtype=pd.ArrowDtype(arrow_type))
        for name, values, arrow_type in [
            ("duration", pd.to_timedelta([1, 2, 3, 4], unit="s"), pa.duration("s")),
            ("decimal", [decimal.Decimal("1.5")] * 4, pa.decimal128(5, 2)),
            ("list", [[1], [2], [3], [4]], pa.list_(pa.int64())),
            ("struct", [{"a": 1}] * 4, pa.struct([("a", pa.int64())])),
            ("binary", [b"a"] * 4, pa.binary()),
            ("date", [datetime.date(2026, 1, 5)] * 4, pa.date32()),
            ("time", [datetime.time(9)] * 4, pa.time64("us")),
            ("null", [None] * 4, pa.null()),
            ("bool", [True, False, None, True], pa.bool_()),
            ("large string", ["a", "b", None, "d"], pa.large_string()),
            ("uint8", [1, 2, 3, 4], pa.uint8()),
            ("float16", np.array([1, 2, 3, 4], dtype=np.float16), pa.float16()),
        ]
    },
    "Arrow dictionary": pd.arrays.ArrowExtensionArray(pa.array(list("abab")).dictionary_encode()),
    "Arrow zoned": pd.array(
        pd.date_range("2026-01-05", periods=4, freq="h", tz="UTC"),
        dtype=pd.ArrowDtype(pa.timestamp("us", "UTC")),
    ),
}


def as_plain(column: str, values):
    """``values`` as the plain type of ``column``: timestamps, flags or floats (None for the
    ids, which no KPI of a log without customers reads)."""
    series = pd.Series(values).astype(object)
    if column == "contact_id":
        return None
    if column == "arrived_at":
        return pd.to_datetime(series)
    if column == "answered":
        flags = series.map({True: True, False: False})
        assert flags.notna().all(), "a log whose answered column is not all flags computed"
        return flags.astype(bool)
    return pd.to_numeric(series).astype(float)


@pytest.mark.parametrize("kind", list(ODD_VALUES))
def test_any_pandas_type_in_any_column_computes_or_is_a_schema_error(kind):
    # A type that computes gives the figures of the same values in the plain type: nothing read
    # as something else (a float16 rounded, a category's codes summed, a zone dropped).
    for column in ["contact_id", "arrived_at", "answered", "wait_s", "talk_s", "csat"]:
        frame = four_contacts()
        frame[column] = ODD_VALUES[kind]
        try:
            result = kk.compute(frame, freq="day")
        except kk.SchemaError as error:
            assert f"contacts.{column}:" in str(error)
            continue
        plain = as_plain(column, ODD_VALUES[kind])
        expected = kk.compute(
            four_contacts(**({} if plain is None else {column: plain})), freq="day"
        )
        pd.testing.assert_frame_equal(
            result[["kpi", "value"]], expected[["kpi", "value"]], rtol=1e-12, obj=column
        )


def test_polars_columns_of_a_wrong_type_are_reported_before_anything_is_summed(capfd):
    pl = pytest.importorskip("polars")
    contacts = pl.from_pandas(four_contacts(agent_id=["a", "a", None, "a"])).with_columns(
        talk_s=pl.lit({"seconds": 100.0})
    )
    intervals = pl.DataFrame(
        {
            "agent_id": ["a"],
            "interval_start": [pd.Timestamp("2026-01-05 09:00")],
            "handling_s": [600.0],
            "available_s": [1200.0],
        }
    )
    problem = "contacts.talk_s: wrong type: holds values (Struct({'seconds': Float64}))"
    # Alone (checks folded into the sums) and beside agent intervals (checked beside them):
    # summed, the struct column made polars panic, a BaseException no SchemaError replaced.
    for data, kpis in [(contacts, None), (kk.Dataset(contacts, intervals), ["aht", "occupancy"])]:
        with pytest.raises(kk.SchemaError, match=re.escape(problem)):
            kk.compute(data, kpis=kpis, by="agent_id")
    assert "panicked" not in capfd.readouterr().err


@pytest.mark.parametrize("kind", [pa.uint64(), pa.int64()])
def test_arrow_integers_past_what_a_float_holds_are_summed_as_numpy_sums_them(kind):
    # Waits of 2**63 - 1 s pass the checks (no upper bound); held by Arrow, pandas' safe cast
    # to floats refused them with a raw ArrowInvalid naming no column. Now they are rounded to
    # the nearest float, as NumPy-backed integers are: ASA = (2**63 + 30 + 5) / 3 answered.
    waits = [2**63 - 1, 30, 45, 5]
    expected = kk.compute(four_contacts(wait_s=np.array(waits, dtype=np.uint64)), kpis="asa")
    held = four_contacts(wait_s=pd.array(waits, dtype=pd.ArrowDtype(kind)))
    result = kk.compute(held, kpis="asa")
    assert result["value"].item() == pytest.approx((2.0**63 + 35) / 3)
    assert result["value"].item() == expected["value"].item()
    # Ids held by Arrow stay integers, exact past 2**53: two agents one apart stay two groups.
    agents = pd.array([2**62 + 7, 2**62 + 7, None, 2**62 + 8], dtype=pd.ArrowDtype(pa.int64()))
    by_agent = kk.compute(held.assign(agent_id=agents), kpis="asa", by="agent_id")
    assert str(by_agent["agent_id"].dtype) == "int64[pyarrow]"
    assert by_agent["agent_id"].tolist()[:2] == [2**62 + 7, 2**62 + 8]
    assert by_agent["value"].tolist()[:2] == [pytest.approx((2.0**63 + 30) / 2), 5.0]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("talk", "what"),
    [
        # 1e308 + 1e308 passes the largest float (1.8e308): AHT would be inf.
        ([1e308, 1e308, np.nan, 50.0], "the sum"),
        # 1e200 squared passes it: AHT is finite but its interval would be null with no word.
        ([1e200, 200.0, np.nan, 50.0], "the sum of squares"),
    ],
)
def test_amounts_whose_sums_pass_the_largest_float_are_refused(engine, talk, what):
    frame = four_contacts(talk_s=talk, queue=["a", "a", "a", "b"])
    with pytest.raises(kk.SchemaError) as error:
        kk.compute(on_engine(frame, engine), kpis="aht", by="queue")
    assert str(error.value) == (
        "contacts.talk_s, hold_s, acw_s: the sums of Average handle time pass the largest "
        "float (1.8e+308) in 1 group (queue=a): no real value is that large"
    ), what
    # Queue b alone sums within range: AHT 50 s by hand; 1e100 s squares to 1e200 (no overflow).
    fine = to_pandas(kk.compute(on_engine(frame.iloc[3:], engine), kpis="aht"))
    assert fine["value"].item() == 50.0
    big = four_contacts(talk_s=[1e100, 1e100, np.nan, 1e100])
    assert to_pandas(kk.compute(on_engine(big, engine), kpis="aht"))[
        "value"
    ].item() == pytest.approx(1e100)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_log_with_no_contacts_gives_null_rates_and_zero_counts(engine):
    # No contact: every rate is 0 / 0 (null), the two counts are 0; by channel there is no
    # group at all. pandas summed in polars asked for the first row of a group of none.
    log = four_contacts(customer_id=["c1", "c1", "c2", "c3"], resolved=[True, True, None, False])
    empty = on_engine(log.iloc[:0], engine)
    result = kk.compute(empty, kpis=["aht", "service_level", "fcr", "contacts_offered"])
    result = to_pandas(result)
    values = dict(zip(result["kpi"], result["value"], strict=True))
    assert list(values) == ["aht", "service_level", "fcr", "contacts_offered"]
    assert all(pd.isna(values[kpi]) for kpi in ["aht", "service_level", "fcr"])
    assert values["contacts_offered"] == 0.0
    by_channel = kk.compute(on_engine(log.assign(channel="phone").iloc[:0], engine), by="channel")
    assert len(to_pandas(by_channel)) == 0


def test_every_problem_at_once():
    frame = four_contacts(wait_s=[-1.0, 30, 45, 5], csat=[9.0, 4, np.nan, 3])
    with pytest.raises(kk.SchemaError, match=r"\(2 problems\)"):
        kk.compute(frame)


def test_only_the_tables_the_kpis_read_are_checked():
    intervals = pd.DataFrame(
        {
            "agent_id": ["A1"],
            "interval_start": [pd.Timestamp("2026-01-05 09:00")],
            "scheduled_s": [1800.0],
            "handling_s": [-5.0],
            "available_s": [600.0],
        }
    )
    dataset = kk.Dataset(four_contacts(), agent_intervals=intervals)
    assert kk.compute(dataset, kpis="answer_rate")["value"].tolist() == [75.0]  # 3 of 4
    with pytest.raises(kk.SchemaError, match=r"agent_intervals\.handling_s: 1 row below 0"):
        kk.compute(dataset, kpis="occupancy")


def test_costs_are_checked():
    costs = pd.DataFrame(
        {"period_start": pd.to_datetime(["2026-01-05", "2026-01-06"]), "cost": [40.0, -3.0]}
    )
    dataset = kk.Dataset(four_contacts(), costs=costs)
    # costs has no key column: the offending row is quoted by position.
    with pytest.raises(
        kk.SchemaError, match=r"costs\.cost: 1 row below 0 \(first row positions: 1\)"
    ):
        kk.compute(dataset, kpis="cost_per_contact")


def test_validate_false_skips_the_checks():
    frame = four_contacts(wait_s=[-20.0, 30, 45, 5])
    result = kk.compute(frame, kpis="asa", validate=False)
    # What the caller vouched for is summed as it is: (-20 + 30 + 5) / 3 answered.
    assert result["value"].tolist() == [pytest.approx(15 / 3)]


@pytest.mark.parametrize("engine", ENGINES)
def test_all_missing_optional_columns_compute(engine):
    # polars reads an all-missing pandas column as text; DuckDB gives it the NULL type.
    frame = four_contacts(csat=[None] * 4, resolved=[None] * 4)
    result = kk.compute(on_engine(frame, engine), kpis=["csat", "resolution_rate", "answer_rate"])
    if engine == "polars":
        result = result.to_pandas()
    elif engine == "duckdb":
        result = result.df()
    values = dict(zip(result["kpi"], result["value"], strict=True))
    assert values["answer_rate"] == 75.0  # 3 of 4
    # No survey answered and no contact marked resolved: 0 denominators give null.
    assert pd.isna(values["csat"]) and pd.isna(values["resolution_rate"])


def test_object_flags_with_missing_values_are_read_as_booleans():
    # pandas 2 reads a nullable boolean parquet column written by another tool (polars, Spark)
    # as object True/False/None: the same values as pandas' "boolean", so compute takes it.
    resolved = [True, False, None, True]  # #3 is abandoned: no answer to judge
    as_object = four_contacts(resolved=pd.Series(resolved, dtype=object))
    as_boolean = four_contacts(resolved=pd.Series(resolved, dtype="boolean"))
    value = kk.compute(as_object, kpis=["resolution_rate"])["value"].iloc[0]
    assert value == kk.compute(as_boolean, kpis=["resolution_rate"])["value"].iloc[0]
    assert value == pytest.approx(200 / 3)  # 2 resolved of the 3 answered with an answer
    assert kk.validate(as_object).contacts is as_object  # valid as it is, nothing converted


@pytest.mark.parametrize(
    ("repeated", "different", "dtype"),
    [
        (["1", "2", "1", "4"], ["1", "2", "3", "4"], "string[pyarrow]"),
        ([1, 2, 1, 4], [1, 2, 3, 4], "int64[pyarrow]"),
    ],
)
def test_pandas_ids_held_by_arrow_are_screened_by_their_hashes(
    repeated, different, dtype, monkeypatch
):
    # Ids held by Arrow (a Parquet file read by kk.read_contacts, pandas 3's str) are hashed
    # by polars before pandas' exact count: at 10M text ids 0.1-0.3 s against 1.35 s.
    pytest.importorskip("polars")
    monkeypatch.setattr(kk._check_runs, "HASHED_FROM", 4)  # from 50,000 rows otherwise
    with_repeat = four_contacts(contact_id=pd.Series(repeated, dtype=dtype))
    with pytest.raises(kk.SchemaError, match="1 row repeating the contact_id .*first ids: 1"):
        kk.validate(with_repeat)
    # Two different ids sharing a hash only send the check to the exact count: no error.
    monkeypatch.setattr(kk._check_runs, "repeats_any", lambda hashes: True)
    kk.validate(four_contacts(contact_id=pd.Series(different, dtype=dtype)))
    # Hashes that all differ settle it without the exact count, which would have found the
    # repeated 1: the screen is used, not a second count beside it.
    monkeypatch.setattr(kk._check_runs, "repeats_any", lambda hashes: False)
    assert kk.validate(with_repeat).contacts is with_repeat


def test_polars_ids_with_one_hash_are_counted_exactly(monkeypatch):
    # polars ids are screened by their 64-bit hashes; equal hashes (as two different ids could
    # have) only send the check to polars' exact count, which finds ids 1-4 all different.
    polars = pytest.importorskip("polars")
    monkeypatch.setattr(kk._check_runs, "repeats_any", lambda hashes: True)
    frame = polars.from_pandas(four_contacts())
    assert kk.compute(frame, kpis="answer_rate")["value"].to_list() == [75.0]  # 3 of 4
    lazy = polars.from_pandas(four_contacts(contact_id=["a", "b", "a", None])).lazy()
    with pytest.raises(kk.SchemaError, match="1 row repeating the contact_id .*first ids: a"):
        kk.validate(lazy)


@pytest.mark.parametrize("lazy", [False, True])
def test_polars_text_ids_repeated_or_missing(lazy):
    # Missing ids are one problem (empty), never repeats of each other: two nulls, one "b" twice.
    polars = pytest.importorskip("polars")
    frame = polars.from_pandas(four_contacts(contact_id=[None, "b", None, "b"]))
    with pytest.raises(kk.SchemaError) as raised:
        kk.validate(frame.lazy() if lazy else frame)
    message = str(raised.value)
    assert "contacts.contact_id: 2 rows empty in a required column" in message
    assert "contacts.contact_id: 1 row repeating the contact_id of an earlier row" in message


@pytest.mark.parametrize("engine", ENGINES)
def test_a_repeated_id_is_quoted_once_on_every_engine(engine):
    # Ids 1, 1, 1, 5, 5 and 4: the second and third 1 and the second 5 repeat an earlier row,
    # 3 rows; the ids quoted are the two repeated ones, each once (pandas and polars quoted
    # "1, 1, 5", one per row, where DuckDB and Spark quote each repeated id once).
    frame = four_contacts().iloc[[0, 0, 0, 1, 1, 2]].assign(contact_id=[1, 1, 1, 5, 5, 4])
    with pytest.raises(kk.SchemaError) as raised:
        kk.compute(on_engine(frame.reset_index(drop=True), engine), kpis="asa")
    repeated = "contacts.contact_id: 3 rows repeating the contact_id of an earlier row"
    assert f"{repeated} (first ids: 1, 5)" in str(raised.value)


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_nan_in_an_optional_column_is_an_error_where_it_is_not_missing(engine):
    # polars and DuckDB keep NaN apart from null: a NaN talk time would make AHT NaN.
    polars = pytest.importorskip("polars")
    talk = polars.Series("talk_s", [100.0, float("nan"), None, 50.0], nan_to_null=False)
    frame = polars.from_pandas(four_contacts()).with_columns(talk)
    if engine == "duckdb":
        frame = pytest.importorskip("duckdb").from_arrow(frame.to_arrow())
    message = r"talk_s: 1 row with a NaN or infinite value \(first ids: 2\)"
    with pytest.raises(kk.SchemaError, match=message):
        kk.compute(frame, kpis="aht")
    # pandas holds NaN as its missing value: contact 2 then has no talk time (answered, so
    # that is the "no talk_s" problem instead).
    with pytest.raises(kk.SchemaError, match=r"talk_s: 1 row answered but with no talk_s"):
        kk.compute(four_contacts(talk_s=[100.0, np.nan, np.nan, 50.0]), kpis="aht")


@pytest.mark.parametrize(
    ("name", "freq"), [("value", None), ("kpi", None), ("ci_high", "day"), ("period", "day")]
)
def test_a_group_named_like_a_column_of_the_result_is_refused(name, freq):
    # the result's own column would stand where the group's values should
    frame = four_contacts(channel=["phone", "chat", "phone", "email"]).rename(
        columns={"channel": name}
    )
    with pytest.raises(ValueError, match=rf"\['{name}'\] of contacts, but the result uses"):
        kk.compute(frame, kpis="asa", by=name, freq=freq)


def test_arguments_of_the_wrong_shape_are_named():
    # Before: narwhals' DuplicateError, "'int' object is not iterable" and, for a zone name of
    # 300 letters, tzdata's OSError "File name too long".
    frame = four_contacts(channel=["phone", "chat", "phone", "email"])
    with pytest.raises(ValueError, match="'by' names 'channel' more than once"):
        kk.compute(frame, by=["channel", "channel"])
    with pytest.raises(ValueError, match="'by' names 'channel' more than once"):
        kk.aht(frame, by=["channel", "channel"])
    with pytest.raises(TypeError, match="'by' must be a column name or a list of column names"):
        kk.compute(frame, by=5)
    with pytest.raises(TypeError, match="'kpis' must be a name or a list of names"):
        kk.compute(frame, kpis=5)
    with pytest.raises(ValueError, match="'tz' is not a time zone name"):
        kk.compute(frame, tz="x" * 300)


def test_data_that_is_no_frame_and_paths_that_are_no_paths_are_named():
    # Before: narwhals' "Unsupported dataframe type" / "Please set `allow_series=True`", and
    # os.fspath's "expected str, bytes or os.PathLike object, not int".
    for data in [{"contact_id": [1]}, np.zeros(3), pd.Series([1.0])]:
        with pytest.raises(TypeError, match="Dataset.contacts must be a dataframe"):
            kk.compute(data)
    with pytest.raises(TypeError, match="Value of 'path' must be a str or path; received int"):
        kk.scan_parquet(5)
    with pytest.raises(ValueError, match="Value of 'path' holds a NUL character"):
        kk.scan_parquet("contacts\x00.parquet")


@pytest.mark.parametrize("engine", ENGINES)
def test_dates_without_times_compute_by_day_and_are_refused_by_the_hour(engine):
    # Four contacts on 2026-01-05 and 2026-01-06 given as dates (Arrow date32: a parquet DATE
    # column, a polars Date, a DuckDB DATE). By day they are the midnights of those days; by the
    # hour every contact would fall in the 00:00 hour, so that is refused, not computed.
    days = [datetime.date(2026, 1, 5)] * 2 + [datetime.date(2026, 1, 6)] * 2
    dates = four_contacts(arrived_at=pd.Series(days, dtype=pd.ArrowDtype(pa.date32())))
    by_day = to_pandas(kk.compute(on_engine(dates, engine), kpis=["aht"], freq="day"))
    # AHT by hand: 5 Jan (100 + 200) / 2 = 150 s; 6 Jan: one answered, 50 s
    assert by_day.sort_values("period")["value"].tolist() == [150.0, 50.0]
    assert [str(day)[:10] for day in sorted(by_day["period"])] == ["2026-01-05", "2026-01-06"]
    for freq in ("hour", "30min", "15min"):
        with pytest.raises(ValueError, match=f"'freq' is '{freq}', but column 'arrived_at' holds"):
            kk.compute(on_engine(dates, engine), kpis=["aht"], freq=freq)


def test_missing_columns_are_reported_as_validate_reports_them():
    # compute said "contacts: missing required column(s) [...]; present: [...]", validate one
    # problem per column with the nearest name: compute now raises validate's problems.
    contacts = four_contacts().rename(columns={"arrived_at": "arrival_time"})
    contacts = contacts.drop(columns="answered")
    with pytest.raises(kk.SchemaError) as computed:
        kk.compute(contacts, "asa")
    with pytest.raises(kk.SchemaError) as validated:
        kk.validate(contacts)
    assert computed.value.problems == validated.value.problems
    assert [problem.column for problem in computed.value.problems] == ["arrived_at", "answered"]
    assert "is 'arrival_time' the same?" in str(computed.value)


def test_a_by_column_only_the_agent_intervals_have_is_named_as_theirs():
    # 'team' on the agent intervals alone was refused as if no table had it
    contacts = pd.DataFrame(
        {
            "contact_id": ["c1", "c2"],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:10"]),
            "answered": [True, True],
            "wait_s": [5.0, 8.0],
            "agent_id": ["a", "b"],
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["a", "b"],
            "interval_start": pd.to_datetime(["2026-03-02 09:00"] * 2),
            "team": ["north", "south"],
            "handling_s": [600.0, 900.0],
            "available_s": [1200.0, 900.0],
        }
    )
    said = r"'team' is a column of agent_intervals, but every 'by' column must be one of the cont"
    with pytest.raises(ValueError, match=said):
        kk.compute(kk.Dataset(contacts, intervals), kpis=["occupancy"], by="team")
