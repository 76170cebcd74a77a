"""kk.compute gives the same tidy result whatever engine holds the contacts: cases where the
engines disagreed (a differential probe of pandas, polars, DuckDB, parquet files and Spark).

Expected values are worked out by hand on the small fixtures, next to each assertion.
"""

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.cli import main

# --- parquet files: periods in the zone written with arrived_at -----------------------------


@pytest.fixture
def paris_dst_day():
    """Three contacts around the spring clock change in Paris (29 March 2026, 23 hours long).

    Local times 00:30 (+01:00) and 23:30 (+02:00) on the 29th, 00:30 (+02:00) on the 30th; in
    UTC: 23:30 on the 28th, then 21:30 and 22:30 on the 29th.
    """
    local = ["2026-03-29 00:30", "2026-03-29 23:30", "2026-03-30 00:30"]
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(local).tz_localize("Europe/Paris"),
            "answered": True,
            "wait_s": 5.0,
        }
    )


def offered_by_day(data, **options):
    table = kk.compute(data, kpis="contacts_offered", freq="day", **options)
    if not isinstance(table, pd.DataFrame):  # a DuckDB relation
        table = table.df()
    return [str(period) for period in table["period"]], table["value"].tolist()


def test_parquet_files_cut_periods_in_the_zone_of_their_arrivals(paris_dst_day, tmp_path):
    pytest.importorskip("duckdb")
    paris_dst_day.to_parquet(tmp_path / "part-0.parquet", index=False)
    # By hand: Paris days hold contacts 1 and 2 (the 29th, from 00:00 +01:00), then 3 (the
    # 30th, from 00:00 +02:00); DuckDB's own zone (UTC here) would give 1, then 2.
    paris = (["2026-03-29 00:00:00+01:00", "2026-03-30 00:00:00+02:00"], [2.0, 1.0])
    assert offered_by_day(paris_dst_day) == paris
    assert offered_by_day(str(tmp_path / "*.parquet")) == paris
    assert offered_by_day(kk.scan_parquet(tmp_path, progress=False)) == paris


def test_parquet_files_take_tz_as_pandas_does(paris_dst_day, tmp_path):
    pytest.importorskip("duckdb")
    paris_dst_day.to_parquet(tmp_path / "part-0.parquet", index=False)
    # By hand: UTC days hold contact 1 (the 28th), then 2 and 3 (the 29th).
    utc = (["2026-03-28 00:00:00+00:00", "2026-03-29 00:00:00+00:00"], [1.0, 2.0])
    assert offered_by_day(paris_dst_day, tz="UTC") == utc
    assert offered_by_day(tmp_path, tz="UTC") == utc  # was a ValueError: SET TimeZone yourself


def test_cli_cuts_a_parquet_folder_in_the_zone_given_with_tz(paris_dst_day, tmp_path, capsys):
    pytest.importorskip("duckdb")
    paris_dst_day.to_parquet(tmp_path / "part-0.parquet", index=False)
    arguments = ["compute", str(tmp_path), "--kpis", "contacts_offered", "--freq", "day"]
    # By hand: the UTC days hold contact 1 (the 28th), then 2 and 3 (the 29th); --tz was
    # refused ("run SET TimeZone on the connection"), on a connection the command opens itself
    assert main([*arguments, "--tz", "UTC"]) == 0
    printed = capsys.readouterr().out
    assert "2026-03-28 00:00:00+00:00" in printed and "2026-03-29 00:00:00+00:00" in printed
    assert main(arguments) == 0  # without --tz: the zone written with the times, Paris
    assert "2026-03-29 00:00:00+01:00" in capsys.readouterr().out


def test_validate_takes_an_empty_duckdb_relation():
    # DuckDB counts the ids of no rows as None: a TypeError from the id check
    duckdb = pytest.importorskip("duckdb")
    relation = duckdb.connect().from_df(hand_contacts()).limit(0)
    assert kk.validate(relation).contacts is relation


@pytest.mark.xdist_group("spark")
def test_validate_takes_an_empty_spark_frame(spark):
    frame = spark_contacts(spark).limit(0)  # Spark too counts no rows as None
    assert kk.validate(frame).contacts is frame


def test_duckdb_in_utc_by_another_name_takes_tz_utc():
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Etc/UTC'")  # a Linux machine's zone, often
    times = pd.to_datetime(["2026-01-01 23:30", "2026-01-02 00:30"]).tz_localize("UTC")
    contacts = pd.DataFrame(
        {"contact_id": [1, 2], "arrived_at": times, "answered": True, "wait_s": 1.0}
    )
    # By hand: one contact on each UTC day. It was a ValueError asking to SET TimeZone = 'UTC'.
    relation = connection.from_df(contacts)
    expected = offered_by_day(contacts, tz="UTC")
    assert expected[1] == [1.0, 1.0]
    assert offered_by_day(relation, tz="UTC")[1] == expected[1]


# --- large pandas frames handed to polars or DuckDB ----------------------------------------


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_a_contacts_column_named_value_is_no_key_when_handed_over(engine, monkeypatch):
    pytest.importorskip(engine)
    from kpikit.metrics import _via_duckdb as via_duckdb
    from kpikit.metrics import _via_polars as via_polars

    # A column of order values beside the contacts, named as the result's figures are.
    contacts = hand_contacts().assign(value=100, ci_low=pd.array([1] * 10, dtype="Int64"))
    if engine == "polars":
        contacts = contacts.convert_dtypes(dtype_backend="pyarrow")
    monkeypatch.setattr(via_polars if engine == "polars" else via_duckdb, "MIN_ROWS", 0)
    table = kk.compute(contacts, kpis="aht", by="channel")  # was a TypeError or ArrowInvalid
    # By hand (talk + hold + acw of the answered): chat #5 120, #6 500, #9 120 -> 740 / 3;
    # phone #1 250, #2 360, #7 300, #8 180, #10 200 -> 1290 / 5.
    assert table["numerator"].tolist() == [740.0, 1290.0]
    assert table["value"].tolist() == pytest.approx([740 / 3, 258.0])
    assert table["value"].dtype == "float64"


@pytest.mark.parametrize(
    ("by", "freq"),
    [("value", None), ("kpi", None), ("period", "day"), (["channel", "ci_low"], None)],
)
def test_keys_named_as_result_columns_are_refused(by, freq):
    contacts = hand_contacts().assign(value=1.0, kpi="x", period="p", ci_low=0.0)
    with pytest.raises(
        ValueError, match=r"Value of 'by' names column\(s\) \['\w+'\] of contacts, but"
    ):
        kk.compute(contacts, kpis="aht", by=by, freq=freq)  # was narwhals' DuplicateError
    assert not kk.compute(contacts, kpis="aht", by="channel", freq="day").empty


# --- 32-bit float columns: summed as 64-bit floats everywhere ------------------------------


def float32_waits():
    """Three answered contacts waiting 2**24, 1 and 1 s, held as 32-bit floats (exactly)."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-02 09:01", "2026-03-02 09:02"]
            ),
            "answered": True,
            "wait_s": pd.array([2.0**24, 1.0, 1.0], dtype="float32"),
            "customer_id": ["c1", "c2", "c1"],
        }
    )


@pytest.mark.parametrize("engine", ["pandas", "polars", "polars lazy", "duckdb"])
def test_32_bit_floats_are_summed_exactly(engine):
    contacts = float32_waits()
    if engine != "pandas":
        polars = pytest.importorskip("polars")
        contacts = polars.from_pandas(contacts)
        if engine == "polars lazy":
            contacts = contacts.lazy()
        elif engine == "duckdb":
            contacts = pytest.importorskip("duckdb").connect().from_arrow(contacts.to_arrow())
    table = kk.compute(contacts)  # FCR too: its sums and the others' were stacked by type
    asa = to_pandas(table).set_index("kpi").loc["asa"]
    # By hand: 2**24 + 1 + 1 = 16777218 s over 3 answered; in 32-bit floats 2**24 + 1 rounds
    # back to 2**24 (the sum came to 16777216 on polars and the pandas path, which sums in it).
    assert (asa["numerator"], asa["denominator"]) == (16777218.0, 3.0)


# --- Spark: the result's schema comes from the contacts' ------------------------------------


def spark_contacts(spark):
    """The ten hand contacts with a queue that is never known, as a Spark DataFrame."""
    contacts = hand_contacts().assign(queue=pd.array([None] * 10, dtype="string"))
    return spark.createDataFrame(contacts)


@pytest.mark.xdist_group("spark")
def test_spark_results_keep_the_contacts_types(spark):
    contacts = spark_contacts(spark)
    # An empty log grouped: no rows, as pandas gives (Spark could not type an empty table).
    empty = kk.compute(contacts.limit(0), by="channel", freq="day")
    assert empty.count() == 0
    assert empty.schema.simpleString() == (
        "struct<channel:string,period:timestamp,kpi:string,value:double,numerator:double,"
        "denominator:double,ci_low:double,ci_high:double>"
    )
    # A key missing in every row stays text (it was Spark's untyped void): one group, whose
    # AHT is 2030 s over the 8 answered contacts (tests/test_metrics.py by hand).
    by_queue = kk.compute(contacts, kpis="aht", by="queue")
    assert by_queue.schema["queue"].dataType.simpleString() == "string"
    assert [
        tuple(row) for row in by_queue.select("queue", "numerator", "denominator").collect()
    ] == [(None, 2030.0, 8.0)]
    # Whole-number keys stay whole numbers (they came back as doubles): by hand, CSAT 4 is
    # given by #5 (talk+hold+acw 120 s) and #8 (180 s), both answered.
    by_csat = kk.compute(contacts, kpis="aht", by="csat")
    assert by_csat.schema["csat"].dataType.simpleString() == "bigint"
    row = by_csat.filter("csat = 4").collect()[0]
    assert (row["numerator"], row["denominator"]) == (300.0, 2.0)
    # A text column named period is a key like any other without freq, and no key with it.
    labelled = contacts.withColumn("period", contacts["channel"])
    assert (
        kk.compute(labelled, kpis="aht", by="period").schema["period"].dataType.simpleString()
        == "string"
    )
    with_freq = kk.compute(labelled, kpis="aht", by="channel", freq="day")
    assert with_freq.schema["period"].dataType.simpleString() == "timestamp"


@pytest.mark.xdist_group("spark")
def test_spark_tz_names_spark_setting(spark):
    contacts = spark_contacts(spark)
    with pytest.raises(ValueError, match=r"spark\.sql\.session\.timeZone', 'Europe/Paris'"):
        kk.compute(contacts, kpis="contacts_offered", freq="day", tz="Europe/Paris")


# --- tables whose keys differ: nulls, categories beside text ----------------------------------


def _engines(frames: dict):
    """The same tables as pandas, polars and DuckDB (on one connection) Datasets."""
    import duckdb
    import polars as pl

    connection = duckdb.connect()
    return {
        "pandas": kk.Dataset(**frames),
        "polars": kk.Dataset(**{name: pl.from_pandas(f) for name, f in frames.items()}),
        "duckdb": kk.Dataset(**{name: connection.from_df(f) for name, f in frames.items()}),
    }


def _rows(result, keys):
    table = to_pandas(result)
    for key in keys:  # a null key as the text "None", on every engine and pandas version
        table[key] = [str(None if pd.isna(value) else value) for value in table[key]]
    return table.sort_values([*keys, "kpi"])[[*keys, "kpi", "value", "numerator", "denominator"]]


def test_costs_of_contacts_without_a_channel_meet_them_on_every_engine():
    # phone: 100 for 1 answered; no channel: 30 for 2 answered = 15. The join matched no null
    # with another: the 30 stood in a row of its own (value null, 0 answered) beside the two
    # contacts (value null, no cost)
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(["2026-06-02", "2026-06-03", "2026-06-04"]),
            "answered": True,
            "wait_s": 1.0,
            "channel": ["phone", None, None],
        }
    )
    costs = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-06-01"] * 2),
            "channel": ["phone", None],
            "cost": [100.0, 30.0],
        }
    )
    for engine, data in _engines({"contacts": contacts, "costs": costs}).items():
        for freq in (None, "month"):
            table = kk.compute(data, kpis="cost_per_contact", by="channel", freq=freq)
            rows = _rows(table, ["channel"])
            assert rows["channel"].tolist() == ["None", "phone"], engine
            assert rows[["value", "numerator", "denominator"]].values.tolist() == [
                [15.0, 30.0, 2.0],
                [100.0, 100.0, 1.0],
            ], (engine, freq)


def test_a_key_typed_differently_in_two_tables_is_compared_as_text():
    # the channel a category in the contacts and text in the costs; the team a category in
    # the contacts and text in the agent intervals. polars refused ("failed to vstack column
    # 'team'"), DuckDB mixed a relation and a table ("Expected `other` to be a LazyFrame").
    # By hand: phone 100 / 1, chat 30 / 1; team x: AHT 100 s, occupancy 100 / (100 + 100)
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-06-01 08:10", "2026-06-03 09:00"]),
            "answered": True,
            "wait_s": 1.0,
            "talk_s": 100.0,
            "channel": pd.Categorical(["phone", "chat"]),
            "team": pd.Categorical(["x", "x"]),
        }
    )
    costs = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-06-01"] * 2),
            "channel": ["phone", "chat"],
            "cost": [100.0, 30.0],
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["A"],
            "team": ["x"],
            "interval_start": pd.to_datetime(["2026-06-01 08:00"]),
            "handling_s": 100.0,
            "available_s": 100.0,
        }
    )
    tables = {"contacts": contacts, "costs": costs, "agent_intervals": intervals}
    for engine, data in _engines(tables).items():
        by_channel = _rows(kk.compute(data, kpis="cost_per_contact", by="channel"), ["channel"])
        assert by_channel[["channel", "value"]].values.tolist() == [
            ["chat", 30.0],
            ["phone", 100.0],
        ], engine
        by_team = _rows(kk.compute(data, kpis=["aht", "occupancy"], by="team"), ["team"])
        assert by_team[["team", "kpi", "value"]].values.tolist() == [
            ["x", "aht", 100.0],
            ["x", "occupancy", 50.0],
        ], engine
