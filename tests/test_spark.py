"""kk.compute on PySpark DataFrames (a local Spark session) gives pandas' values, and checks
them as kk.validate does.

One Spark session serves the whole module: starting the JVM takes most of the time. The tests
share an xdist group so that a parallel run keeps them on one worker (one JVM).

``make test`` runs this module twice, on pandas 2 and on pandas 3 (kpikit hands a Spark frame's
sums to pandas on the driver, and the result back). The two longest tests, marked
``pandas3_pass``, run on the pandas 3 pass only: the bad values tripping the screen (its work is
Spark's; the error's wording runs on both releases in the other error tests) and the random
logs (their hand-offs run on both releases in the hand-calculated tests).
"""

from contextlib import contextmanager

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from fixtures import hand_contacts, hand_dataset, random_dataset
from hypothesis import HealthCheck, given, settings
from test_common import SEEDS, SIZES
from test_folded_checks import BAD_CELLS, full_log

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.metrics import KPIUnavailable, _folded_checks

pyspark = pytest.importorskip("pyspark")

pytestmark = pytest.mark.xdist_group("spark")


def as_spark(spark, dataset):
    return kk.Dataset(
        *(
            None if table is None else spark.createDataFrame(table)
            for table in (dataset.contacts, dataset.agent_intervals, dataset.costs)
        )
    )


def assert_same(expected, from_spark):
    assert isinstance(from_spark, pyspark.sql.DataFrame)  # Spark in, Spark out
    table = from_spark.toPandas()
    if "period" in table:
        table["period"] = table["period"].astype(expected["period"].dtype)
    pd.testing.assert_frame_equal(
        expected.fillna(np.nan), table.fillna(np.nan), check_dtype=False, check_exact=False
    )


def test_every_kpi_matches_the_hand_calculation_on_spark(spark):
    table = kk.compute(as_spark(spark, hand_dataset())).toPandas().set_index("kpi")
    # The hand calculations of tests/test_metrics.py, on the same ten contacts:
    assert table.loc["aht", "value"] == pytest.approx(2030 / 8)  # talk+hold+acw of 8 answered
    assert table.loc["service_level", "value"] == pytest.approx(60.0)  # 6 of 10 within 20 s
    assert table.loc["nps", "value"] == pytest.approx(100 * (3 - 2) / 6)  # 3 promoters, 2 detr.
    assert table.loc["cost_per_contact", "value"] == pytest.approx(55 / 8)  # 40 + 15 over 8
    # FCR: first contacts #1 #2 #6 #7 are judged; only #6 had no repeat and no transfer.
    assert table.loc["fcr", ["numerator", "denominator"]].tolist() == [1.0, 4.0]


def test_fcr_by_agent_equals_pandas_on_spark(spark):
    # By agent: A1 handled #1 (repeated), #2 (transferred), #7 (repeated by #8 48 h later,
    # inclusive) -> 0 of 3; A2 handled #6 (no repeat) -> 1 of 1.
    contacts = hand_contacts()
    expected = kk.compute(contacts, kpis=["fcr", "aht"], by="agent_id", freq="day")
    from_spark = kk.compute(
        spark.createDataFrame(contacts), kpis=["fcr", "aht"], by="agent_id", freq="day"
    )
    assert_same(expected, from_spark)
    fcr = from_spark.toPandas().query("kpi == 'fcr'").groupby("agent_id")
    assert fcr[["numerator", "denominator"]].sum().loc["A1"].tolist() == [0.0, 3.0]
    assert fcr[["numerator", "denominator"]].sum().loc["A2"].tolist() == [1.0, 1.0]


@pytest.mark.pandas3_pass
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=SEEDS, n=SIZES)
def test_pandas_and_spark_agree(spark, seed, n):
    data = random_dataset(seed, n)
    expected = kk.compute(data, by="agent_id", freq="day")
    assert_same(expected, kk.compute(as_spark(spark, data), by="agent_id", freq="day"))
    # Contacts alone have their checks counted in the sums job (the other tables' KPIs send
    # the whole dataset to the usual checks).
    expected = kk.compute(data.contacts, by="agent_id", freq="day").astype({"agent_id": object})
    contacts = spark.createDataFrame(data.contacts)
    assert _folded_checks.fold_checks(kk.Dataset(contacts), ["contacts"], None) is not None
    assert_same(expected, kk.compute(contacts, by="agent_id", freq="day"))


# --- checks: counted in the sums job (kpikit.metrics._folded_checks) ------------------------


def spark_log(spark, columns):
    """``columns`` (lists, None missing) as a Spark DataFrame, NaN kept apart from null."""
    return spark.createDataFrame(
        pa.table({name: pa.array(values) for name, values in columns.items()})
    )


def error_of(run):
    try:
        run()
    except kk.SchemaError as error:
        return str(error)
    return None


@pytest.mark.pandas3_pass
@pytest.mark.parametrize("case", list(BAD_CELLS))
def test_every_bad_value_trips_the_spark_screen(spark, case):
    # The screen and the largest values per group are counted in the sums job, the ids hashed
    # in a job of their own; a tripped screen sends the log to the usual checks, whose error
    # is the same as kk.validate's.
    columns = full_log()
    row, column, value = BAD_CELLS[case]
    columns[column][row] = value
    data = spark_log(spark, columns)
    alone = error_of(lambda: kk.validate(data))
    assert alone is not None
    assert error_of(lambda: kk.compute(data, freq="day")) == alone


def test_valid_contacts_do_not_trip_the_spark_screen(spark, monkeypatch):
    # The usual checks run only when the screen is tripped: here they would fail the test.
    def no_checks(*_args, **_kwargs):
        raise AssertionError("the screen was tripped by valid contacts")

    monkeypatch.setattr(_folded_checks, "check", no_checks)
    data = spark_log(spark, full_log())
    assert _folded_checks.fold_checks(kk.Dataset(data), ["contacts"], None) is not None
    for by in ({"freq": "day"}, {"by": "agent_id"}, {}):
        checked = kk.compute(data, **by).toPandas()
        unchecked = kk.compute(data, validate=False, **by).toPandas()
        pd.testing.assert_frame_equal(checked, unchecked)


@pytest.mark.parametrize(
    ("ids", "fail"),
    [
        (["a", "b", "c"], False),
        (["a", "b", "a"], True),
        (["a", "b", None], True),  # a missing id: the pass finds it, the screen leaves it out
        (["a", "a", None], True),  # Spark hashes a null too: it must not hide the repeat
        ([1, 2, 3], False),
        ([1, 2, 2], True),
        ([1, None, 3], True),
    ],
)
@pytest.mark.parametrize("where", ["driver", "executors"])
def test_spark_ids_fail_when_one_is_missing_or_their_hashes_repeat(
    spark, ids, fail, where, monkeypatch
):
    # local[2]: the hashes are sorted on the driver, unless there are too many of them.
    if where == "executors":
        monkeypatch.setattr(_folded_checks, "MAX_DRIVER_HASHES", 0)
    kind = "string" if isinstance(ids[0], str) else "bigint"
    frame = spark.createDataFrame([(i,) for i in ids], f"contact_id {kind}")
    assert _folded_checks._spark_ids_fail(nw.from_native(frame), "contact_id") is fail


def test_a_repeated_id_is_quoted_once_on_spark(spark):
    # As on the other engines (tests/test_compute_checks.py): ids 1, 1, 1, 5, 5, 4 hold 3
    # rows repeating an earlier one, and the ids quoted are 1 and 5, each once.
    from test_compute_checks import four_contacts

    frame = four_contacts().iloc[[0, 0, 0, 1, 1, 2]].assign(contact_id=[1, 1, 1, 5, 5, 4])
    with pytest.raises(kk.SchemaError) as raised:
        kk.compute(spark.createDataFrame(frame.reset_index(drop=True)), kpis="asa")
    repeated = "contacts.contact_id: 3 rows repeating the contact_id of an earlier row"
    assert f"{repeated} (first ids: 1, 5)" in str(raised.value)


def test_a_mapping_leaving_out_email_is_said_on_spark(spark):
    from fixtures import threshold_warnings
    from test_threshold_channels import CONTACTS

    # phone 30 s and chat 60 s; email by the phone's 30 s: waits 25 and 40 s within, 3600 s not.
    with threshold_warnings() as said:
        result = kk.compute(
            spark.createDataFrame(CONTACTS),
            "service_level",
            sl_threshold_s={"phone": 30, "chat": 60},
        )
    assert "leaves out 'email'" in said[0][0]
    assert result.toPandas()["value"].item() == pytest.approx(200 / 3)


def test_a_partitioned_folder_keeps_its_text_keys_when_spark_does_not_guess_types(spark, tmp_path):
    # queue=007/ and queue=01/: by default Spark reads the names as numbers (7 and 1), which
    # the checks refuse, saying how to keep them; with type inference off they stay text and
    # the KPIs equal pandas' on the log as written.
    import pyarrow.parquet as pq

    contacts = hand_contacts()
    contacts["queue"] = ["007" if row % 2 else "01" for row in range(len(contacts))]
    table = pa.Table.from_pandas(contacts, preserve_index=False)
    pq.write_to_dataset(table, tmp_path, partition_cols=["queue"], coerce_timestamps="us")
    guessed = spark.read.parquet(str(tmp_path))
    assert guessed.schema["queue"].dataType.simpleString() == "int"
    with pytest.raises(kk.SchemaError, match="partitionColumnTypeInference.enabled"):
        kk.compute(guessed, by="queue")
    setting = "spark.sql.sources.partitionColumnTypeInference.enabled"
    spark.conf.set(setting, "false")
    try:
        as_written = spark.read.parquet(str(tmp_path))
    finally:
        spark.conf.unset(setting)
    expected = kk.compute(contacts, by="queue")
    assert_same(expected, kk.compute(as_written, by="queue"))
    assert sorted(expected["queue"].unique()) == ["007", "01"]


def test_tables_beside_spark_contacts_must_be_on_spark_too(spark):
    # Other engines' tables are handed to the contacts' engine (tests/test_one_engine.py), but
    # not to or from Spark: the error names the call that moves them, where before a raw
    # TypeError came from inside narwhals.
    data = hand_dataset()
    beside_spark = kk.Dataset(spark.createDataFrame(data.contacts), costs=data.costs)
    with pytest.raises(TypeError, match=r"costs on Spark too, spark\.createDataFrame\(costs\)"):
        kk.compute(beside_spark, kpis=["cost_per_contact"])
    on_spark = kk.Dataset(
        data.contacts, agent_intervals=spark.createDataFrame(data.agent_intervals)
    )
    with pytest.raises(TypeError, match=r"agent_intervals\.toPandas\(\)"):
        kk.compute(on_spark, kpis=["occupancy"])
    both = as_spark(spark, data)
    assert kk.compute(both, kpis=["cost_per_contact"]).toPandas()["value"].item() == pytest.approx(
        55 / 8  # costs 40 + 15 over 8 answered contacts, as by hand in tests/test_metrics.py
    )


def test_monthly_costs_and_half_hour_intervals_on_spark_refuse_shorter_periods(spark):
    # hand_costs book March on Sun 1 March (phone 40, chat 15): by month 55 over 8 answered
    # contacts; by week the month's cost would all fall on its first week
    # (tests/test_period_lengths.py).
    data = as_spark(spark, hand_dataset())
    by_month = kk.compute(data, kpis=["cost_per_contact"], freq="month").toPandas()
    assert by_month["value"].item() == pytest.approx(55 / 8)
    with pytest.raises(KPIUnavailable, match=r"given per month .* cannot be split into weeks"):
        kk.compute(data, kpis=["cost_per_contact"], freq="week")
    every = kk.compute(data, freq="week").toPandas()
    assert "cost_per_contact" not in set(every["kpi"]) and "occupancy" in set(every["kpi"])
    # hand_intervals are half hours of 1,800 s paid: not by 15 minutes.
    with pytest.raises(KPIUnavailable, match=r"last longer than periods of 15min"):
        kk.compute(data, kpis=["occupancy"], freq="15min")


def test_occupancy_of_intervals_without_scheduled_paid_or_adherent_time_on_spark(spark):
    # A row must not last longer than a period: the longest is then handling + available
    # alone (Spark's greatest() wants two columns). hand_intervals: handled 1200 + 600 + 900
    # + 0 = 2700 s of 2700 + 400 + 1000 + 600 = 4700 s handling or available: 57.4 %.
    data = hand_dataset()
    data = kk.Dataset(
        data.contacts,
        data.agent_intervals.drop(columns=["scheduled_s", "paid_s", "adherent_s"]),
    )
    on_spark = kk.compute(as_spark(spark, data), kpis=["occupancy"], freq="month").toPandas()
    assert on_spark["value"].item() == pytest.approx(100 * 2700 / 4700)


def test_a_forecast_of_a_spark_frame_adds_up_its_minutes_on_spark_in_the_sessions_zone(
    spark, monkeypatch
):
    # Spark adds the minutes up (kpikit.forecast._minutes) and shows the times in the session's
    # zone, as compute cuts its periods: the forecast must be that of the same log in pandas, in
    # that zone, across the spring change (before, the times came to pandas in UTC and a Paris
    # day was read an hour or two early).
    from test_forecast_minutes import assert_same_forecast, log_around

    from kpikit.forecast import _series

    log = log_around("2024-03-31")
    options = {"freq": "hour", "horizon": "1D", "by": "queue", "model": "seasonal_naive"}
    expected = kk.forecast.forecast(log, **options)
    with session_zone(spark, "Europe/Paris"):
        frame = spark.createDataFrame(log)
        minutes = _series.minute_counts(frame, ["queue"], ["talk_s", "hold_s"])
        assert minutes["offered"].sum() == len(log) > len(minutes)
        got = kk.forecast.forecast(frame, **options)
        monkeypatch.setattr(_series, "minute_counts", lambda *arguments: None)
        one_by_one = kk.forecast.forecast(frame, **options)
    assert str(got.intervals["period"].dt.tz) == "Europe/Paris"
    assert_same_forecast(expected.intervals, got.intervals)
    assert_same_forecast(expected.intervals, one_by_one.intervals)


@contextmanager
def session_zone(spark, zone):
    """The shared session in ``zone`` for the block. narwhals reads a session's zone once and
    keeps it (a session's zone is set when it starts), so its memory is cleared on the way in
    and out."""
    from narwhals._spark_like.utils import fetch_session_time_zone

    spark.conf.set("spark.sql.session.timeZone", zone)
    fetch_session_time_zone.cache_clear()
    try:
        yield
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
        fetch_session_time_zone.cache_clear()


def with_naive_times(spark, table):
    """``table`` on Spark with its naive times as ``TIMESTAMP_NTZ``, on the wall clock written
    (created from a schema: a cast of Spark's TIMESTAMP would read it in the session's zone)."""
    from pyspark.sql.types import StructField, StructType, TimestampNTZType, TimestampType

    fields = [
        StructField(field.name, TimestampNTZType())
        if isinstance(field.dataType, TimestampType)
        else field
        for field in spark.createDataFrame(table).schema
    ]
    return spark.createDataFrame(table, StructType(fields))


def test_naive_times_keep_their_clock_in_a_session_zone_other_than_utc(spark):
    # Times without a zone are cut on their own clock, whatever the session's zone. On Paris's
    # clock 02:30 on 29 March does not exist (clocks jump from 02:00 to 03:00) and 02:10 and
    # 02:40 on 25 October happen twice; here they are wall-clock labels, nothing more.
    at = ["2026-01-05 10:30", "2026-01-05 11:30", "2026-03-29 02:30", "2026-03-29 03:10",
          "2026-10-25 02:10", "2026-10-25 02:40"]  # fmt: skip
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4, 5, 6],
            "arrived_at": pd.to_datetime(at),
            "answered": True,
            "wait_s": 5.0,
            "agent_id": "A1",
            "talk_s": 60.0,
            "channel": "phone",
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["A1", "A1"],
            "interval_start": pd.to_datetime(["2026-01-05 10:30", "2026-03-29 02:30"]),
            "scheduled_s": [1800.0, 1800.0],
            "handling_s": [600.0, 900.0],
            "available_s": [1200.0, 900.0],
        }
    )
    costs = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-01-05", "2026-03-29"]),
            "channel": "phone",
            "cost": [30.0, 50.0],
        }
    )
    data = kk.Dataset(*(with_naive_times(spark, t) for t in (contacts, intervals, costs)))
    kpis = ["contacts_offered", "occupancy"]

    def computed(freq, kpis):
        table = kk.compute(data, kpis, freq=freq)
        assert dict(table.dtypes)["period"] == "timestamp_ntz"  # naive in, naive out
        table = table.toPandas().dropna(subset="value")
        table["period"] = table["period"].dt.strftime("%m-%d %H:%M")
        return table.set_index(["kpi", "period"])["value"].to_dict()

    try:
        spark.conf.set("spark.sql.session.timeZone", "Europe/Paris")
        hourly = computed("hour", kpis)  # a day's costs cannot be split into hours
        daily = computed("day", [*kpis, "cost_per_contact"])
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    # By hand, hours on the times' own clock: 10:00 and 11:00 on 5 January, 02:00 and 03:00
    # on 29 March, 02:00 twice on 25 October. Occupancy 600 / (600 + 1200) at 10:00 on
    # 5 January and 900 / (900 + 900) at 02:00 on 29 March. (Labelled before: 09:00, 10:00,
    # 01:00 and 01:00 for the 03:10 cut into 03:00 CEST = 01:00 UTC.)
    assert hourly == pytest.approx(
        {
            ("contacts_offered", "01-05 10:00"): 1,
            ("contacts_offered", "01-05 11:00"): 1,
            ("contacts_offered", "03-29 02:00"): 1,
            ("contacts_offered", "03-29 03:00"): 1,
            ("contacts_offered", "10-25 02:00"): 2,
            ("occupancy", "01-05 10:00"): 100 / 3,
            ("occupancy", "03-29 02:00"): 50.0,
        }
    )
    # By day, midnight on the times' own clock (before: 23:00 the day before); costs 30 over
    # 5 January's 2 answered contacts and 50 over 29 March's 2.
    assert daily == pytest.approx(
        {
            ("contacts_offered", "01-05 00:00"): 2,
            ("contacts_offered", "03-29 00:00"): 2,
            ("contacts_offered", "10-25 00:00"): 2,
            ("occupancy", "01-05 00:00"): 100 / 3,
            ("occupancy", "03-29 00:00"): 50.0,
            ("cost_per_contact", "01-05 00:00"): 15.0,
            ("cost_per_contact", "03-29 00:00"): 25.0,
        }
    )


def test_weeks_start_on_monday_on_spark(spark):
    # Worked by hand: Sun 1 March 23:59:59 belongs to the week of Mon 23 February; Mon 2
    # March 00:00, Wed 4 and Sun 8 March 23:00 to the week of 2 March; Mon 9 March 00:30 to
    # the next. Contacts per week: 1, 3, 1 (the session's zone is UTC, as the times are).
    times = ["2026-03-01 23:59:59", "2026-03-02 00:00:00", "2026-03-04 12:00:00",
             "2026-03-08 23:00:00", "2026-03-09 00:30:00"]  # fmt: skip
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d", "e"],
            "arrived_at": pd.to_datetime(times),
            "answered": True,
            "wait_s": 5.0,
        }
    )
    weekly = kk.compute(spark.createDataFrame(contacts), "contacts_offered", freq="week")
    table = weekly.toPandas().sort_values("period")
    assert table["period"].dt.strftime("%a %Y-%m-%d %H:%M").tolist() == [
        "Mon 2026-02-23 00:00",
        "Mon 2026-03-02 00:00",
        "Mon 2026-03-09 00:00",
    ]
    assert table["value"].tolist() == [1.0, 3.0, 1.0]
    assert_same(kk.compute(contacts, "contacts_offered", freq="week"), weekly)


def test_periods_of_arrival_dates_are_timestamps_on_spark_as_on_polars(spark):
    # Arrival dates without a time of day: each period starts at a midnight, a timestamp
    # without a zone as on polars and DuckDB (Spark gave the dates' own type back). Worked by
    # hand on the hand log: 5 contacts on Mon 2 March, 2 on Tue 3, 2 on Thu 5, 1 on Fri 6.
    import polars as pl
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType

    dates = spark.createDataFrame(hand_contacts()).withColumn("arrived_at", F.to_date("arrived_at"))
    daily = kk.compute(dates, "contacts_offered", freq="day")
    assert isinstance(daily.schema["period"].dataType, TimestampNTZType)
    table = daily.toPandas().sort_values("period")
    assert table["period"].dt.strftime("%a %d %H:%M").tolist() == [
        "Mon 02 00:00", "Tue 03 00:00", "Thu 05 00:00", "Fri 06 00:00",
    ]  # fmt: skip
    assert table["value"].tolist() == [5.0, 2.0, 2.0, 1.0]
    on_polars = pl.from_pandas(hand_contacts()).with_columns(pl.col("arrived_at").dt.date())
    assert_same(kk.compute(on_polars, "contacts_offered", freq="day").to_pandas(), daily)


@pytest.mark.parametrize(
    "freq", ["15min", "30min", "hour", "day", "week", "month", "quarter", "year"]
)
def test_every_period_length_cuts_as_pandas_does_on_spark(spark, freq):
    # 400 contacts spread over two years (every weekday, hour and minute), counted per period
    # on Spark and on pandas: the same periods with the same counts.
    rng = np.random.default_rng(7)
    seconds = np.sort(rng.integers(0, 2 * 365 * 86_400, 400))
    contacts = pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(400)],
            "arrived_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(seconds, unit="s"),
            "answered": True,
            "wait_s": 5.0,
        }
    )
    expected = kk.compute(contacts, "contacts_offered", freq=freq)
    assert_same(
        expected, kk.compute(spark.createDataFrame(contacts), "contacts_offered", freq=freq)
    )


def test_the_hour_repeated_when_clocks_go_back_is_two_periods_on_spark(spark):
    # Paris falls back on Sun 25 October 2026 at 03:00 CEST to 02:00 CET. Worked by hand, in
    # Paris: 01:30+02:00; 02:10 and 02:40 +02:00; 02:20+01:00; 03:05+01:00 -> hours 01:00+02:00
    # (1), 02:00+02:00 (2), 02:00+01:00 (1), 03:00+01:00 (1): in UTC 23:00, 00:00, 01:00 and
    # 02:00. The sums came to the driver on the wall clock without its offset, which made the
    # two 02:00 hours one time.
    utc = ["2026-10-24 23:30", "2026-10-25 00:10", "2026-10-25 00:40", "2026-10-25 01:20",
           "2026-10-25 02:05"]  # fmt: skip
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d", "e"],
            "arrived_at": pd.to_datetime(utc, utc=True).tz_convert("Europe/Paris"),
            "answered": True,
            "wait_s": 5.0,
        }
    )
    try:
        spark.conf.set("spark.sql.session.timeZone", "Europe/Paris")
        hourly = kk.compute(spark.createDataFrame(contacts), "contacts_offered", freq="hour")
        table = to_pandas(hourly).sort_values("period")
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert table["period"].dt.tz_convert("UTC").dt.strftime("%d %H:%M").tolist() == [
        "24 23:00",
        "25 00:00",
        "25 01:00",
        "25 02:00",
    ]
    assert table["value"].tolist() == [1.0, 2.0, 1.0, 1.0]


def test_sunday_is_weekday_7_on_spark(spark):
    # Sat 7, Sun 8 and Mon 9 March 2026: ISO weekdays 6, 7 and 1, as pandas gives them
    # (narwhals 2.29 gives Spark's Sunday as 0). The day plan's channel shares count contacts
    # per weekday too: Sunday's must be found as 7, which a Sunday's plan looks for.
    from kpikit.monitor._plan import _channel_counts

    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c"],
            "arrived_at": pd.to_datetime(
                ["2026-03-07 10:00", "2026-03-08 10:00", "2026-03-09 10:00"]
            ),
            "answered": True,
            "wait_s": 5.0,
            "channel": ["phone", "chat", "phone"],
        }
    )
    frame = spark.createDataFrame(contacts)
    parts = kk.timeparts.add_hour_weekday(frame).toPandas().sort_values("contact_id")
    assert parts["weekday"].tolist() == [6, 7, 1]
    assert parts["weekday"].tolist() == kk.timeparts.add_hour_weekday(contacts)["weekday"].tolist()
    counts = _channel_counts(frame, weekday=True).sort_values("weekday")
    assert counts[["weekday", "channel"]].values.tolist() == [
        [1, "phone"],
        [6, "phone"],
        [7, "chat"],
    ]


def test_a_day_whose_midnight_occurs_twice_starts_at_the_first_on_spark(spark):
    # Cuba sets its clocks back from 01:00 (-04:00) to 00:00 (-05:00) on 3 November 2024.
    # Contacts at 03:30 UTC on the 3rd (23:30 on the 2nd), 04:30 UTC (00:30, first pass) and
    # 05:30 UTC (00:30 again, second pass): the 3rd starts at the first midnight and holds the
    # last two (the second pass was a day of its own, as on every engine before).
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c"],
            "arrived_at": pd.to_datetime(
                ["2024-11-03 03:30", "2024-11-03 04:30", "2024-11-03 05:30"], utc=True
            ),
            "answered": [True, True, True],
            "wait_s": [5.0, 5.0, 5.0],
        }
    )
    with session_zone(spark, "America/Havana"):
        table = kk.compute(spark.createDataFrame(contacts), ["contacts_offered"], freq="day")
        table = to_pandas(table).sort_values("period")
    assert table["value"].tolist() == [1, 2]
    assert table["period"].dt.tz_convert("UTC").dt.strftime("%d %H:%M").tolist() == [
        "02 04:00",
        "03 04:00",
    ]


def test_a_zone_set_on_a_running_session_is_the_zone_days_are_cut_in(spark):
    # Contacts at 23:30 UTC on 2 March 2026 and 00:30 UTC on 3 March: two days in UTC, one
    # day (3 March, 00:30 and 01:30) in Paris, an hour ahead in March. A zone set on the running
    # session after a first compute must be the one the second compute reads (narwhals kept
    # the first zone it read for as long as the session ran).
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b"],
            "arrived_at": pd.to_datetime(["2026-03-02 23:30", "2026-03-03 00:30"], utc=True),
            "answered": [False, False],
            "wait_s": [30.0, 40.0],
        }
    )
    frame = spark.createDataFrame(contacts)
    kpis = ["contacts_offered"]
    try:
        in_utc = kk.compute(frame, kpis, freq="day").toPandas()
        spark.conf.set("spark.sql.session.timeZone", "Europe/Paris")
        # compute compares its tz with the session's zone of now (it took the first one read)
        with pytest.raises(ValueError, match=r"timeZone', 'UTC'"):
            kk.compute(frame, kpis, freq="day", tz="UTC")
        in_paris = kk.compute(frame, kpis, freq="day").toPandas()
        shown = to_pandas(frame)["arrived_at"]
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    assert in_utc["value"].tolist() == [1, 1]
    assert in_paris["value"].tolist() == [2]
    assert in_paris["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-03"]
    # pandas is shown the times on the zone's clock too, as forecasts and day plans read them
    assert str(shown.dt.tz) == "Europe/Paris"
    assert shown.dt.strftime("%d %H:%M").tolist() == ["03 00:30", "03 01:30"]


def test_patience_of_a_spark_frame_is_counted_on_spark_and_equals_pandas(spark, monkeypatch):
    # Spark counts the contacts per queue (and wait); the estimates are pandas' to rounding,
    # and the Spark frame is never read contact by contact
    from test_forecast_minutes import log_around

    from kpikit import calibrate

    log = log_around("2024-03-31").assign(wait_s=lambda frame: frame["wait_s"].round())
    expected = calibrate.patience_exponential(log, by="queue")
    curve = calibrate.patience_kaplan_meier(log, by="queue")
    frame = spark.createDataFrame(log.drop(columns="arrived_at"))
    monkeypatch.setattr(calibrate, "checked_contacts", None)
    pd.testing.assert_frame_equal(
        calibrate.patience_exponential(frame, by="queue"), expected, rtol=1e-12
    )
    got = calibrate.patience_kaplan_meier(frame, by="queue")
    pd.testing.assert_frame_equal(got.survival, curve.survival, rtol=1e-12)
    pd.testing.assert_frame_equal(got.restricted_mean, curve.restricted_mean, rtol=1e-12)


def test_a_scenario_of_a_spark_frame_is_calibrated_on_spark(spark, monkeypatch):
    # Filtered, profiled and measured on Spark in the session's zone, never read contact by
    # contact: the scenario of pandas, to rounding
    from test_scenarios import _two_channel_log

    from kpikit import calibrate
    from kpikit.scenarios import scenario_from_data

    log = _two_channel_log()
    expected = scenario_from_data(log, channel="chat")
    with session_zone(spark, "Europe/Paris"):
        frame = spark.createDataFrame(log)
        monkeypatch.setattr(calibrate, "contacts_frame", None)
        monkeypatch.setattr(calibrate, "checked_contacts", None)
        got = scenario_from_data(frame, channel="chat")
    np.testing.assert_allclose(got.volume, expected.volume, rtol=1e-12)
    np.testing.assert_allclose(got.aht_s, expected.aht_s, rtol=1e-12)
    assert got.labels == expected.labels
    for name in ("patience_s", "csat", "fcr", "reference_asa_s"):
        assert getattr(got, name) == pytest.approx(getattr(expected, name), rel=1e-12)


def test_a_replay_of_a_spark_frame_reads_one_day_on_the_sessions_clock(
    spark, tmp_path, monkeypatch
):
    # The last day of a Paris log is found and cut on Spark in the session's zone: the drops
    # are those of the same log in pandas, byte for byte
    from test_forecast_minutes import log_around

    from kpikit.monitor import _replay, replay

    log = log_around("2024-10-27")
    options = {"speed": 3600, "drop_every_s": 1, "sleep": lambda seconds: None}
    expected = replay(log, tmp_path / "pandas", **options)
    with session_zone(spark, "Europe/Paris"):
        frame = spark.createDataFrame(log)
        monkeypatch.setattr(_replay, "contacts_frame", None)
        assert replay(frame, tmp_path / "spark", **options) == expected
    for written in sorted((tmp_path / "pandas").glob("*.csv")):
        assert (tmp_path / "spark" / written.name).read_text() == written.read_text()
