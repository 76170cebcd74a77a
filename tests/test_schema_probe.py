"""Column types real frames hold, checked by validate() and compute(): all-missing columns of
any type, half floats, Python decimals and dates, repeated column names and ids that would not
read as themselves in a message."""

import datetime
import decimal

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.schema import SchemaError, check, validate


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
        }
    )
    return frame.assign(**columns)


def messages(data) -> list[str]:
    return [str(problem) for problem in check(data).problems]


# Four missing values as the engines and readers hold them.
ALL_MISSING = {
    "object None": pd.Series([None] * 4, dtype=object),
    "float NaN": np.full(4, np.nan),
    "Arrow null": pd.Series([None] * 4, dtype=pd.ArrowDtype(pa.null())),
    "Arrow double": pd.Series([None] * 4, dtype=pd.ArrowDtype(pa.float64())),
    "Arrow string": pd.Series([None] * 4, dtype=pd.ArrowDtype(pa.string())),
}


@pytest.mark.parametrize("missing", list(ALL_MISSING))
def test_an_all_missing_transferred_column_is_a_missing_flag_on_each_answered_contact(missing):
    # A transferred column present but empty counted each answered contact as not transferred
    # (validate passed an object column of None; compute passed it too, or failed in polars'
    # "& on Boolean and Float64"), while one missing flag among others is refused.
    contacts = four_contacts(transferred=ALL_MISSING[missing])
    # Contacts 1, 2 and 4 are answered: each lacks its flag; #3 is abandoned, it needs none.
    expected = (
        "contacts.transferred: 3 rows answered but with no transferred flag (first ids: 1, 2, 4)"
    )
    assert messages(contacts) == [expected]
    assert messages(pl.from_pandas(contacts)) == [expected]
    with pytest.raises(SchemaError) as error:
        kk.compute(contacts, kpis=["transfer_rate"])
    assert str(error.value).splitlines()[1:] == [f"- {expected}"]


def test_an_all_missing_transferred_column_is_refused_by_the_folded_checks_too():
    # Eager polars and DuckDB count the checks in the sums query, which tested the flag only
    # when it was boolean: an empty column passed there while validate refused it.
    contacts = four_contacts(transferred=[None] * 4)
    expected = "contacts.transferred: 3 rows answered but with no transferred flag"
    for data in (pl.from_pandas(contacts), duckdb.from_df(contacts)):
        with pytest.raises(SchemaError, match=expected):
            kk.compute(data, kpis=["transfer_rate"])


@pytest.mark.parametrize("missing", list(ALL_MISSING))
def test_an_all_missing_resolved_column_of_any_pandas_type_gives_a_null_rate(missing):
    # Arrow's null, double and text columns and NumPy's NaN used to end in pandas' "operation
    # 'and_' not supported for dtype 'bool[pyarrow]' with dtype 'null[pyarrow]'" or polars'
    # "& on Boolean and Float64".
    contacts = four_contacts(resolved=ALL_MISSING[missing])
    assert validate(contacts).contacts is contacts
    result = kk.compute(contacts, kpis=["resolution_rate", "answer_rate"])
    values = dict(zip(result["kpi"], result["value"], strict=True))
    # No answered contact has a resolved answer: 0 of 0 is null. Answered 3 of 4 offered.
    assert pd.isna(values["resolution_rate"]) and values["answer_rate"] == 75.0
    assert contacts["resolved"].isna().all()  # the caller's frame is not changed


def test_polars_null_columns_of_a_lazy_frame_are_empty_not_of_a_wrong_type():
    # polars' Null type (a column of None only) read "wrong type: holds values (Unknown)" in a
    # LazyFrame, where an eager frame of the same values was valid.
    eager = pl.from_pandas(four_contacts()).with_columns(
        channel=pl.lit(None), resolved=pl.lit(None), nps=pl.lit(None)
    )
    assert eager.schema["channel"] == pl.Null
    assert messages(eager.lazy()) == messages(eager) == []
    result = kk.compute(eager.lazy(), kpis=["nps", "resolution_rate", "answer_rate"]).collect()
    values = dict(zip(result["kpi"], result["value"], strict=True))
    # No survey and no resolved answer: null; answered 3 of 4 offered.
    assert values == {"answer_rate": 75.0, "nps": None, "resolution_rate": None}
    # A required column of nulls is empty, not of a wrong type.
    no_waits = eager.with_columns(wait_s=pl.lit(None)).lazy()
    assert [problem.problem for problem in check(no_waits).problems] == [
        "empty in a required column"
    ]


def test_half_floats_of_a_pyarrow_table_are_named_like_pandas_ones():
    # They used to end in pyarrow's "Function 'abs' has no kernel matching input types
    # (halffloat)".
    table = pa.Table.from_pandas(four_contacts(), preserve_index=False)
    waits = pa.array(np.array([10, 30, 45, 5], dtype=np.float16))
    table = table.set_column(table.schema.get_field_index("wait_s"), "wait_s", waits)
    expected = (
        "contacts.wait_s: wrong type: holds half-precision floats held by Arrow, which has no "
        "arithmetic for them (Float16), expected numbers (int or float); convert them first: "
        "column.astype('float32')"
    )
    assert messages(table) == [expected]
    with pytest.raises(SchemaError, match=r"contacts\.wait_s: wrong type: holds half"):
        kk.compute(table)


def test_decimals_and_dates_as_python_objects_are_named_with_a_fix():
    # They read "holds mixed values in an object column", though every value is of one kind.
    contacts = four_contacts(
        talk_s=[decimal.Decimal("100.50"), decimal.Decimal("200"), None, decimal.Decimal("50")],
        arrived_at=[datetime.date(2026, 1, 5)] * 4,
    )
    assert messages(contacts) == [
        "contacts.arrived_at: wrong type: holds dates as Python objects (object), expected "
        "timestamps (datetime); convert them with pandas.to_datetime(column)",
        "contacts.talk_s: wrong type: holds decimals as Python objects (object), expected "
        "numbers (int or float); convert them with column.astype(float), or keep them exact "
        "held by Arrow: column.astype(pandas.ArrowDtype(pyarrow.decimal128(38, 9)))",
    ]
    exact = contacts.assign(
        talk_s=contacts["talk_s"].astype(pd.ArrowDtype(pa.decimal128(38, 9))),
        arrived_at=pd.to_datetime(contacts["arrived_at"]),
    )
    # Converted as told: AHT (100.50 + 200 + 50) / 3 answered = 116.833...
    aht = kk.compute(exact, kpis=["aht"])["value"].iloc[0]
    assert float(aht) == pytest.approx(350.5 / 3)


def test_a_repeated_flag_column_name_is_reported():
    # Reading the dtype of a repeated "answered" column (a frame) raised AttributeError.
    contacts = four_contacts()
    repeated = pd.concat([contacts, contacts[["answered"]]], axis=1)
    assert messages(repeated) == ["contacts.answered: column name appears more than once"]


def test_ids_that_would_not_read_as_themselves_are_quoted():
    # "c1 " read as "c1", and a line break in an id made a line of its own in the message,
    # which could pass for another problem.
    contacts = four_contacts(
        contact_id=["c1", "c1 ", "c1 ", "x\n- contacts.wait_s: 9 rows below 0"],
        wait_s=[10.0, 30.0, 45.0, -5.0],
    )
    assert messages(contacts) == [
        "contacts.wait_s: 1 row below 0 (first ids: 'x\\n- contacts.wait_s: 9 rows below 0')",
        "contacts.contact_id: 1 row repeating the contact_id of an earlier row (first ids: 'c1 ')",
    ]


def test_timestamps_and_floats_as_python_objects_are_named_for_what_they_are():
    # An object column of naive or one-zone timestamps read "timestamps of several time zones",
    # one of floats "mixed values" and one of flags with a missing value "values".
    paris = pd.date_range("2026-03-29 00:30", periods=4, freq="h", tz="Europe/Paris")
    one_zone = four_contacts(
        arrived_at=pd.Series(list(paris), dtype=object),
        csat=pd.Series([5.0, 4.0, None, 3.0], dtype=object),
        nps=pd.Series([True, False, None, True], dtype=object),
    )
    assert messages(one_zone) == [
        "contacts.arrived_at: wrong type: holds timestamps as Python objects (object), expected "
        "timestamps (datetime); convert them with pandas.to_datetime(column)",
        "contacts.csat: wrong type: holds floats as Python objects (object), expected numbers "
        "(int or float); convert them with column.astype(float)",
        "contacts.nps: wrong type: holds booleans in an object column (object), expected numbers "
        "(int or float)",
    ]
    naive = four_contacts(arrived_at=pd.Series(list(paris.tz_localize(None)), dtype=object))
    assert messages(naive)[0].startswith("contacts.arrived_at: wrong type: holds timestamps as")
    # Two zones in one column are what the other message is for.
    mixed = four_contacts(
        arrived_at=pd.Series([paris[0], paris[1].tz_convert("UTC"), *paris[2:]], dtype=object)
    )
    assert "holds timestamps of several time zones" in messages(mixed)[0]


def test_whole_numbers_beyond_64_bits_are_refused_in_number_columns_only():
    # 10**400 in an object column passed validate and ended compute in pyarrow's "Python int
    # too large to convert to C long"; as an id it is only compared, and computes.
    huge = four_contacts(wait_s=pd.Series([10**400, 30, 45, 5], dtype=object))
    expected = (
        "contacts.wait_s: wrong type: holds whole numbers beyond 64 bits as Python objects "
        "(object), expected numbers (int or float)"
    )
    assert messages(huge) == [expected]
    with pytest.raises(SchemaError, match=r"contacts\.wait_s: wrong type: holds whole numbers"):
        kk.compute(huge)
    ids = four_contacts(contact_id=pd.Series([10**30, 1, 2, 3], dtype=object))
    assert messages(ids) == []
    # Waits 10, 30 and 5 s of the 3 answered contacts: ASA 15 s.
    assert kk.compute(ids, kpis=["asa"])["value"].iloc[0] == 15.0


def test_repeated_column_names_of_a_pyarrow_table_are_reported():
    # Reading them as pandas columns raised "'list' object has no attribute 'duplicated'".
    table = pa.Table.from_pandas(four_contacts(), preserve_index=False)
    repeated = table.append_column("wait_s", table["wait_s"])
    assert messages(repeated) == ["contacts.wait_s: column name appears more than once"]


def test_a_dataset_shows_in_jupyter_whatever_its_tables_hold():
    # Its HTML raised on a time column of mixed objects ("'<=' not supported between
    # 'Timestamp' and 'str'") and on repeated column names (DuplicateError).
    mixed = pd.DataFrame({"arrived_at": pd.Series([pd.Timestamp("2026-01-05"), "x"], dtype=object)})
    repeated = pd.DataFrame([[1, 2]], columns=["wait_s", "wait_s"])
    one = four_contacts().head(1)
    rows = [kk.Dataset(frame)._repr_html_().splitlines()[1] for frame in (mixed, repeated, one)]
    described = [row.split("<td style='text-align:left'>")[1].split("</td>")[0] for row in rows]
    assert described == [
        "2 rows; columns: arrived_at",
        "column names appear more than once: wait_s",
        "1 row, 2026-01-05 to 2026-01-05; columns: contact_id, arrived_at, answered, wait_s, "
        "talk_s, csat",
    ]


def test_lenient_must_be_true_or_false():
    # validate(data, lenient="no") returned a lenient report: any text is true.
    with pytest.raises(
        TypeError, match=r"Value of 'lenient' must be True or False but received: 'no'"
    ):
        validate(four_contacts(), lenient="no")


ENGINES = {
    "pandas": lambda table: table.to_pandas(),
    "pandas on Arrow": lambda table: table.to_pandas(types_mapper=pd.ArrowDtype),
    "pyarrow": lambda table: table,
    "polars": pl.from_arrow,
    "polars lazy": lambda table: pl.from_arrow(table).lazy(),
}

# One Arrow column of each type, and what every engine calls it (the type shown between the
# brackets may differ: it is the engine's own name).
NAMED_TYPES = {
    "wait_s": (
        pa.array(pd.to_timedelta([10, 30, 45, 5], unit="s"), pa.duration("s")),
        "holds durations",
        "; convert them to seconds first: column.dt.total_seconds()",
    ),
    "contact_id": (pa.array([b"1", b"2", b"3", b"4"], pa.large_binary()), "holds bytes", ""),
}


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("column", list(NAMED_TYPES))
def test_durations_and_bytes_are_named_alike_on_every_engine(column, engine):
    # They read "holds values (...)", or "holds mixed values in an object column" and
    # "(Unknown)" where pandas and pyarrow hold them.
    values, held, hint = NAMED_TYPES[column]
    table = pa.Table.from_pandas(four_contacts(), preserve_index=False)
    table = table.set_column(table.schema.get_field_index(column), column, values)
    (message,) = messages(ENGINES[engine](table))
    assert message.startswith(f"contacts.{column}: wrong type: {held} (")
    assert "Unknown" not in message and message.endswith(hint)


@pytest.mark.parametrize("engine", ["pandas on Arrow", "pyarrow"])
def test_arrow_date64_days_are_refused_with_the_conversion_that_computes(engine):
    # pandas and pyarrow hold Arrow's date64 as a type narwhals does not read ("holds values
    # (Unknown)"); converted to date32 as told, the days compute.
    days = pa.array([datetime.date(2026, 1, 5)] * 3 + [datetime.date(2026, 1, 6)], pa.date64())
    table = pa.Table.from_pandas(four_contacts(), preserve_index=False)
    table = table.set_column(1, "arrived_at", days)
    (message,) = messages(ENGINES[engine](table))
    assert message.startswith(
        "contacts.arrived_at: wrong type: holds dates held by Arrow as date64 ("
    )
    assert message.endswith(
        "convert them to date32 first: column.astype('date32[pyarrow]') "
        "(a pyarrow Table: column.cast(pyarrow.date32()))"
    )
    converted = table.set_column(1, "arrived_at", days.cast(pa.date32()))
    result = kk.compute(ENGINES[engine](converted), kpis=["answer_rate"], freq="day")
    # 5 January: contacts 1-3, two answered (2 of 3); 6 January: contact 4, answered.
    values = result["value"] if engine != "pyarrow" else result["value"].to_pylist()
    assert list(values) == [pytest.approx(200 / 3), 100.0]


@pytest.mark.parametrize("reader", ["read_csv", "scan_csv", "duckdb"])
def test_an_empty_csv_column_reads_alike_on_every_engine(reader, tmp_path):
    # polars reads an empty CSV column as text: a LazyFrame (scan_csv) and a DuckDB relation
    # reported "wrong type: holds text" where the eager frame (read_csv) was valid.
    path = tmp_path / "contacts.csv"
    four_contacts(csat=[None] * 4, talk_s=[100.0, 200.0, 0.0, 50.0]).to_csv(path, index=False)
    eager = pl.read_csv(path, try_parse_dates=True)
    assert eager.schema["csat"] == pl.String
    contacts = {
        "read_csv": lambda: eager,
        "scan_csv": lambda: pl.scan_csv(path, try_parse_dates=True),
        "duckdb": lambda: duckdb.connect().from_arrow(eager.to_arrow()),
    }[reader]()
    assert messages(contacts) == []
    result = to_pandas(kk.compute(contacts, kpis=["csat", "answer_rate"]))
    values = dict(zip(result["kpi"], result["value"], strict=True))
    # No survey answered: null; answered 3 of 4 offered.
    assert pd.isna(values["csat"]) and values["answer_rate"] == 75.0
