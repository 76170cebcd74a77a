"""Periods of timezone-aware data: cut on the local clock of the data's zone (or ``tz``).

Clock changes used below (2026):

- Europe/Paris: spring forward on Sun 29 March at 02:00 CET (+01:00) to 03:00 CEST (+02:00);
  fall back on Sun 25 October at 03:00 CEST to 02:00 CET (02:00-02:59 happens twice).
- America/New_York: spring forward on Sun 8 March at 02:00 EST (-05:00) to 03:00 EDT (-04:00);
  fall back on Sun 1 November at 02:00 EDT to 01:00 EST (01:00-01:59 happens twice).
- America/Santiago: spring forward on Sun 6 September at 00:00 (-04:00) to 01:00 (-03:00).

Each test puts contacts at known instants and counts them per period by hand.
"""

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.metrics import _via_duckdb as via_duckdb
from kpikit.schema import SchemaError
from kpikit.scorecard import rate

# pandas-arrow: pandas holding the times in Arrow (periods were cut at UTC midnight);
# pandas-duckdb, pandas-arrow-duckdb: pandas frames computed by DuckDB, as large ones are.
ENGINES = [
    "pandas",
    "pandas-arrow",
    "pandas-duckdb",
    "pandas-arrow-duckdb",
    "polars",
    "polars-lazy",
    "duckdb",
]

SPRING = {"Europe/Paris": "2026-03-29", "America/New_York": "2026-03-08"}
AUTUMN = {"Europe/Paris": "2026-10-25", "America/New_York": "2026-11-01"}
OFFSETS = {  # (before the change, after it)
    ("Europe/Paris", "spring"): ("+01:00", "+02:00"),
    ("Europe/Paris", "autumn"): ("+02:00", "+01:00"),
    ("America/New_York", "spring"): ("-05:00", "-04:00"),
    ("America/New_York", "autumn"): ("-04:00", "-05:00"),
}


def contacts_at(times) -> pd.DataFrame:
    """One answered contact at each of ``times`` (a timezone-aware DatetimeIndex)."""
    return pd.DataFrame(
        {
            "contact_id": range(1, len(times) + 1),
            "arrived_at": times,
            "answered": True,
            "wait_s": 5.0,
        }
    )


PANDAS_TO_DUCKDB = ("pandas-duckdb", "pandas-arrow-duckdb")


@pytest.fixture(autouse=True)
def _route_to_duckdb(request, monkeypatch):
    """pandas frames of any size go to DuckDB on the pandas-duckdb engines."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("engine") in PANDAS_TO_DUCKDB:
        monkeypatch.setattr(via_duckdb, "MIN_ROWS", 0)


def on_engine(frame: pd.DataFrame, engine: str, zone: str):
    """``frame`` as the engine's native table; DuckDB shows instants in its connection's zone."""
    if engine.startswith("pandas-arrow"):
        return frame.convert_dtypes(dtype_backend="pyarrow")
    if engine.startswith("polars"):
        polars = pytest.importorskip("polars")
        frame = polars.from_pandas(frame)
        return frame.lazy() if engine == "polars-lazy" else frame
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        connection = duckdb.connect()
        connection.execute(f"SET TimeZone = '{zone}'")
        return connection.from_df(frame)
    return frame


def counts(result, engine: str) -> list[tuple[str, float]]:
    """(local period start as text, contacts offered) pairs, in period order."""
    if engine == "polars-lazy":
        result = result.collect()
    if engine.startswith("polars"):
        result = result.to_pandas()
    elif engine == "duckdb":
        result = result.df()
    return [
        (str(pd.Timestamp(p)), v) for p, v in zip(result["period"], result["value"], strict=True)
    ]


def offered(frame, engine, zone, freq, **options):
    data = on_engine(frame, engine, zone)
    return counts(kk.compute(data, kpis="contacts_offered", freq=freq, **options), engine)


def one_per_hour(zone: str, day: str, periods: int) -> pd.DatetimeIndex:
    """One contact every elapsed hour from local midnight of ``day``, plus 00:30 the day after."""
    hours = pd.date_range(pd.Timestamp(day, tz=zone), periods=periods, freq="h")
    after = (pd.Timestamp(day) + pd.Timedelta(days=1, minutes=30)).tz_localize(zone)
    return hours.append(pd.DatetimeIndex([after]))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("zone", list(SPRING))
def test_spring_day_has_23_hours(engine, zone):
    day = SPRING[zone]
    before, after = OFFSETS[zone, "spring"]
    # Local midnight to local midnight is 23 elapsed hours on the spring day.
    frame = contacts_at(one_per_hour(zone, day, 23))
    next_day = str(pd.Timestamp(day) + pd.Timedelta(days=1)).split()[0]
    assert offered(frame, engine, zone, "day") == [
        (f"{day} 00:00:00{before}", 23.0),  # 23 hourly contacts, the 23-hour day
        (f"{next_day} 00:00:00{after}", 1.0),  # 00:30 the next day
    ]
    hourly = offered(frame, engine, zone, "hour")
    local_hours = [int(period[11:13]) for period, _ in hourly]
    # The wall clock jumps from 01:59 to 03:00: hour 2 does not exist, each other hour once.
    assert local_hours == [0, 1, *range(3, 24), 0]
    assert [value for _, value in hourly] == [1.0] * 24
    assert hourly[1] == (f"{day} 01:00:00{before}", 1.0)
    assert hourly[2] == (f"{day} 03:00:00{after}", 1.0)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("zone", list(AUTUMN))
def test_autumn_day_has_25_hours(engine, zone):
    day = AUTUMN[zone]
    before, after = OFFSETS[zone, "autumn"]
    repeated = {"Europe/Paris": 2, "America/New_York": 1}[zone]
    # Local midnight to local midnight is 25 elapsed hours on the autumn day.
    frame = contacts_at(one_per_hour(zone, day, 25))
    assert offered(frame, engine, zone, "day")[0] == (f"{day} 00:00:00{before}", 25.0)
    hourly = offered(frame, engine, zone, "hour")
    # 25 hours of the day and 00:00 the day after; the repeated hour is two periods of one
    # contact each, told apart by their offsets (never one period of two contacts).
    assert len(hourly) == 26 and [value for _, value in hourly] == [1.0] * 26
    assert hourly[repeated] == (f"{day} 0{repeated}:00:00{before}", 1.0)
    assert hourly[repeated + 1] == (f"{day} 0{repeated}:00:00{after}", 1.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_quarter_hours_across_the_spring_change(engine):
    zone = "America/New_York"
    # Every 15 minutes from 01:00 EST to 04:00 EDT: 01:00-01:45, then 03:00-03:45 (02:00 EST is
    # 03:00 EDT), 8 instants in 2 elapsed hours.
    times = pd.date_range("2026-03-08 01:00", periods=8, freq="15min", tz=zone)
    frame = contacts_at(times)
    quarters = offered(frame, engine, zone, "15min")
    assert [period[11:16] for period, _ in quarters] == [
        "01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30", "03:45"
    ]  # fmt: skip
    half_hours = offered(frame, engine, zone, "30min")
    # Two contacts in each half hour: 01:00, 01:30, 03:00, 03:30.
    assert half_hours == [
        ("2026-03-08 01:00:00-05:00", 2.0),
        ("2026-03-08 01:30:00-05:00", 2.0),
        ("2026-03-08 03:00:00-04:00", 2.0),
        ("2026-03-08 03:30:00-04:00", 2.0),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_week_across_the_spring_change(engine):
    zone = "Europe/Paris"
    # Noon each day from Mon 23 to Mon 30 March: Mon 23 - Sun 29 is one week (7 contacts, a
    # 167-hour week), Mon 30 starts the next at local midnight, now +02:00.
    times = pd.date_range("2026-03-23 12:00", periods=8, freq="D", tz=zone)
    assert offered(contacts_at(times), engine, zone, "week") == [
        ("2026-03-23 00:00:00+01:00", 7.0),
        ("2026-03-30 00:00:00+02:00", 1.0),
    ]


UTC_TIMES = pd.DatetimeIndex(
    ["2026-03-28 23:30", "2026-03-29 00:30", "2026-03-29 22:30"], tz="UTC"
)  # in Paris: 29 March 00:30+01:00 and 01:30+01:00, 30 March 00:30+02:00


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_tz_cuts_utc_data_on_another_clock(engine):
    frame = contacts_at(UTC_TIMES)
    assert offered(frame, engine, "UTC", "day") == [
        ("2026-03-28 00:00:00+00:00", 1.0),  # 23:30 UTC
        ("2026-03-29 00:00:00+00:00", 2.0),  # 00:30 and 22:30 UTC
    ]
    assert offered(frame, engine, "UTC", "day", tz="Europe/Paris") == [
        ("2026-03-29 00:00:00+01:00", 2.0),  # 00:30 and 01:30 in Paris
        ("2026-03-30 00:00:00+02:00", 1.0),  # 00:30 in Paris, after the change
    ]


def test_duckdb_cuts_in_its_connections_zone():
    frame = contacts_at(UTC_TIMES)
    # The same UTC instants on a connection set to Paris fall into Paris days.
    assert offered(frame, "duckdb", "Europe/Paris", "day") == [
        ("2026-03-29 00:00:00+01:00", 2.0),
        ("2026-03-30 00:00:00+02:00", 1.0),
    ]
    with pytest.raises(ValueError, match="SET TimeZone = 'Europe/Paris'"):
        offered(frame, "duckdb", "UTC", "day", tz="Europe/Paris")


def test_duckdb_nanosecond_zoned_timestamps():
    duckdb = pytest.importorskip("duckdb")
    pyarrow = pytest.importorskip("pyarrow")
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Europe/Paris'")
    # Through Arrow a pandas column stays in nanoseconds: TIMESTAMPTZ_NS in DuckDB.
    nanoseconds = contacts_at(UTC_TIMES.as_unit("ns"))  # pandas 3 makes microseconds
    table = connection.from_arrow(pyarrow.Table.from_pandas(nanoseconds))
    assert "TIMESTAMPTZ_NS" in [str(t) for t in table.types]
    result = counts(kk.compute(table, kpis="contacts_offered", freq="day"), "duckdb")
    assert result == [("2026-03-29 00:00:00+01:00", 2.0), ("2026-03-30 00:00:00+02:00", 1.0)]


def test_naive_times_are_not_guessed():
    naive = contacts_at(UTC_TIMES.tz_localize(None))
    with pytest.raises(kk.SchemaError, match=r"contacts\.arrived_at.*tz_localize"):
        kk.compute(naive, kpis="contacts_offered", freq="day", tz="Europe/Paris")
    aware = contacts_at(UTC_TIMES)
    intervals = pd.DataFrame(
        {"agent_id": ["A1"], "interval_start": [pd.Timestamp("2026-03-29 09:00")]}
        | {name: [1800.0] for name in ("scheduled_s", "handling_s", "available_s")}
    )
    with pytest.raises(
        kk.SchemaError, match=r"agent_intervals\.interval_start: timestamps without"
    ):
        kk.compute(kk.Dataset(aware, agent_intervals=intervals), kpis="occupancy", freq="day")


def test_naive_times_keep_their_own_clock():
    # Naive times are wall-clock times: 02:30 on the Paris spring day is kept as it is.
    naive = contacts_at(pd.DatetimeIndex(["2026-03-29 01:30", "2026-03-29 02:30"]))
    result = kk.compute(naive, kpis="contacts_offered", freq="hour")
    assert [str(p) for p in result["period"]] == ["2026-03-29 01:00:00", "2026-03-29 02:00:00"]


def test_other_tables_follow_the_contacts_zone():
    zone = "Europe/Paris"
    contacts = contacts_at(UTC_TIMES.tz_convert(zone))
    # 28 March 23:00 UTC is 29 March 00:00 in Paris; 29 March 22:00 UTC is 30 March 00:00.
    intervals = pd.DataFrame(
        {
            "agent_id": ["A1", "A1"],
            "interval_start": pd.DatetimeIndex(["2026-03-28 23:00", "2026-03-29 22:00"], tz="UTC"),
            "scheduled_s": [1800.0, 1800.0],
            "handling_s": [600.0, 900.0],
            "available_s": [1200.0, 900.0],
        }
    )
    # Costs' dates are local dates of the contacts' zone.
    costs = pd.DataFrame(
        {"period_start": pd.to_datetime(["2026-03-29", "2026-03-30"]), "cost": [10.0, 30.0]}
    )
    dataset = kk.Dataset(contacts, agent_intervals=intervals, costs=costs)
    result = kk.compute(dataset, kpis=["occupancy", "cost_per_contact"], freq="day")
    values = {(str(p), k): v for p, k, v in result[["period", "kpi", "value"]].values}
    assert values == {
        ("2026-03-29 00:00:00+01:00", "occupancy"): pytest.approx(100 * 600 / 1800),  # 600 of 1800
        ("2026-03-30 00:00:00+02:00", "occupancy"): pytest.approx(100 * 900 / 1800),  # 900 of 1800
        ("2026-03-29 00:00:00+01:00", "cost_per_contact"): pytest.approx(10 / 2),  # 2 answered
        ("2026-03-30 00:00:00+02:00", "cost_per_contact"): pytest.approx(30 / 1),  # 1 answered
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_day_whose_midnight_is_skipped(engine):
    zone = "America/Santiago"
    # Chile springs forward at midnight: on Sun 6 September 2026 the clock goes from 00:00
    # (-04:00) straight to 01:00 (-03:00), so that day starts at 01:00, its first instant.
    times = pd.DatetimeIndex(
        [
            pd.Timestamp("2026-09-05 23:30", tz=zone),
            pd.Timestamp("2026-09-06 01:30", tz=zone),
            pd.Timestamp("2026-09-06 10:00", tz=zone),
        ]
    )
    assert offered(contacts_at(times), engine, zone, "day") == [
        ("2026-09-05 00:00:00-04:00", 1.0),  # 23:30 on Saturday
        ("2026-09-06 01:00:00-03:00", 2.0),  # 01:30 and 10:00 on Sunday
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_day_whose_midnight_occurs_twice(engine):
    zone = "America/Havana"
    # Cuba sets its clocks back from 01:00 (-04:00) to 00:00 (-05:00) on Sun 3 November 2024:
    # the day runs from the first midnight, 04:00 UTC, to the 4th's midnight, 05:00 UTC, 25
    # hours. One contact an hour from 12:00 UTC on the 2nd to 11:00 UTC on the 4th: the 2nd
    # gets 12:00-03:00 UTC (16), the 3rd 04:00 UTC on the 3rd to 04:00 UTC on the 4th (25), the
    # 4th 05:00-11:00 UTC (7). The times after the second midnight were a day of their own.
    utc = pd.date_range(
        "2024-11-02 12:00", "2024-11-04 12:00", freq="h", tz="UTC", inclusive="left"
    )
    frame = contacts_at(utc.tz_convert(zone))
    assert offered(frame, engine, zone, "day") == [
        ("2024-11-02 00:00:00-04:00", 16.0),
        ("2024-11-03 00:00:00-04:00", 25.0),
        ("2024-11-04 00:00:00-05:00", 7.0),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_month_whose_first_midnight_occurs_twice(engine):
    zone = "America/Havana"
    # Sun 1 November 2020 starts at the first of two midnights, 04:00 UTC. A contact an hour
    # from 04:00 UTC on 31 October to 09:00 UTC on 1 November: October keeps the 24 before
    # 04:00 UTC on the 1st, November the 6 from it on (the second midnight is 05:00 UTC, with
    # 5 of them: they were a month of their own, beside a month of 1 contact).
    utc = pd.date_range("2020-10-31 04:00", periods=30, freq="h", tz="UTC")
    frame = contacts_at(utc.tz_convert(zone))
    assert offered(frame, engine, zone, "month") == [
        ("2020-10-01 00:00:00-04:00", 24.0),
        ("2020-11-01 00:00:00-04:00", 6.0),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_log_starting_after_a_second_midnight_is_in_the_day_from_the_first(engine):
    zone = "America/Havana"
    # Contacts at 10:00 and 11:00 (-05:00) on 3 November 2024 only: their day began at the
    # first midnight (-04:00), before the frame's first time, and lasts 25 hours.
    times = pd.DatetimeIndex([pd.Timestamp(f"2024-11-03 {h}:00", tz=zone) for h in (10, 11)])
    assert offered(contacts_at(times), engine, zone, "day") == [("2024-11-03 00:00:00-04:00", 2.0)]


def test_period_ends_step_over_a_clock_change_at_midnight():
    from kpikit.periods import period_end

    # Santiago moves its clocks from 00:00 to 01:00 on 6 September 2026: that day starts at
    # 01:00 (-03), where stepping the wall clock fell in the gap (pytz: NonExistentTimeError).
    saturday = pd.Timestamp("2026-09-05", tz="America/Santiago")
    assert period_end(saturday, "day") == pd.Timestamp("2026-09-06 01:00", tz="America/Santiago")
    assert period_end(saturday, "week") == pd.Timestamp("2026-09-12", tz="America/Santiago")
    starts = pd.Series([saturday, pd.NaT, saturday - pd.Timedelta(days=1)])
    assert period_end(starts, "day").tolist()[::2] == [
        pd.Timestamp("2026-09-06 01:00", tz="America/Santiago"),
        pd.Timestamp("2026-09-05", tz="America/Santiago"),
    ]
    # An hour is elapsed time: 23:00 on the 5th is followed by 01:00 on the 6th.
    late = pd.Timestamp("2026-09-05 23:00", tz="America/Santiago")
    assert period_end(late, "hour") == pd.Timestamp("2026-09-06 01:00", tz="America/Santiago")
    # the 6th itself lasts 23 hours, from 01:00 to the 7th at 00:00 (it ended at 01:00, an
    # hour into the 7th, and a scorecard found no previous day for the 7th)
    sunday = pd.Timestamp("2026-09-06 01:00", tz="America/Santiago")
    assert period_end(sunday, "day") == pd.Timestamp("2026-09-07", tz="America/Santiago")
    assert period_end(pd.Series([sunday]), "day").item() == pd.Timestamp(
        "2026-09-07", tz="America/Santiago"
    )
    # a time later that day is no day's start: a day after it on the wall clock
    nine = pd.Timestamp("2026-09-06 09:30", tz="America/Santiago")
    assert period_end(nine, "day") == pd.Timestamp("2026-09-07 09:30", tz="America/Santiago")


def test_a_scorecard_of_days_finds_the_day_after_a_skipped_midnight():
    # hourly contacts from Fri 4 to Tue 8 September 2026 in Santiago: every daily row after the
    # first has its previous day, the 7th included (its previous is the 23-hour 6th)
    times = pd.date_range(pd.Timestamp("2026-09-04", tz="America/Santiago"), periods=96, freq="h")
    contacts = pd.DataFrame(
        {"contact_id": range(96), "arrived_at": times, "answered": True, "wait_s": 5.0}
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})
    for freq in ("day", None):  # given, or read from the periods
        table = rate(kk.compute(contacts, kpis=["service_level"], freq="day"), targets, freq=freq)
        rows = table.table.sort_values("period")
        assert rows["period"].dt.day.tolist() == [4, 5, 6, 7, 8]
        assert rows["previous"].notna().tolist() == [False, True, True, True, True]


@pytest.mark.parametrize("period", [None, float("nan"), float("inf"), 10**30, "first of May"])
def test_a_period_that_is_no_timestamp_is_refused_by_name(period):
    from kpikit.periods import period_end

    with pytest.raises((TypeError, ValueError), match="Value of 'period' must be a date or time"):
        period_end(period, "day")


def test_a_period_ending_past_pandas_last_time_is_refused():
    from kpikit.periods import period_end

    # pandas' last time is 2262-04-11 23:47:16.854775807: a day, an hour or a year after
    # 23:00 on that day wrapped round to 1677 or raised OverflowError.
    last = pd.Timestamp.max.floor("h")
    for freq in ("hour", "day", "year"):
        with pytest.raises(ValueError, match="ends after the last time pandas holds"):
            period_end(last, freq)


# --- times at one fixed UTC offset (ISO text such as 2026-01-05T09:00+01:00) -----------------


def offset_log(offset):
    """Two contacts at 23:30 on 4 January and 09:00 on 5 January, local times at ``offset``;
    the first answered, the second not."""
    text = [f"2026-01-04T23:30:00{offset}", f"2026-01-05T09:00:00{offset}"]
    return pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(text),
            "answered": [True, False],
            "wait_s": [5.0, 50.0],
        }
    )


@pytest.mark.parametrize("engine", ["pandas", "polars", "parquet"])
def test_times_at_a_fixed_offset_are_cut_into_days_at_that_offset(engine, tmp_path):
    # pandas holds them in zone "UTC+01:00", which polars could not cut periods in (a raw
    # ComputeError from every compute with freq). By hand: one contact on each local day, the
    # first answered: answer rate 100 % on the 4th and 0 % on the 5th.
    contacts = offset_log("+01:00")
    if engine == "polars":
        contacts = pl.from_pandas(contacts)
    elif engine == "parquet":
        contacts.to_parquet(tmp_path / "log.parquet")
        contacts = str(tmp_path / "log.parquet")
    table = to_pandas(kk.compute(contacts, kpis="answer_rate", freq="day"))
    assert [str(period) for period in table["period"]] == [
        "2026-01-04 00:00:00+01:00",
        "2026-01-05 00:00:00+01:00",
    ]
    assert table["value"].tolist() == [100.0, 0.0]


@pytest.mark.parametrize("engine", ["pandas", "pandas-duckdb"])
@pytest.mark.parametrize("zone", ["arrow", "text"])
def test_a_fixed_offset_from_pyarrow_or_text_is_cut_at_that_offset(zone, engine):
    # pd.read_parquet of times stored at +01:00 gives pyarrow's zone pytz.FixedOffset(60): a
    # raw polars ComputeError, and DuckDB's "Unknown TimeZone" for a frame handed to DuckDB
    # (from a million contacts up). By hand, as above: one contact on each local day, the
    # first answered.
    contacts = offset_log("+01:00")
    if zone == "arrow":  # stored by Arrow as "+01:00", as in a parquet file
        contacts = pa.Table.from_pandas(contacts).to_pandas()
        # pytz's zone where pytz is installed (pandas 2 needs it), else Python's
        assert str(contacts["arrived_at"].dt.tz) in {"pytz.FixedOffset(60)", "UTC+01:00"}
    table = kk.compute(contacts, kpis="answer_rate", freq="day")
    assert [str(period) for period in table["period"]] == [
        "2026-01-04 00:00:00+01:00",
        "2026-01-05 00:00:00+01:00",
    ]
    assert table["value"].tolist() == [100.0, 0.0]


def test_a_fixed_offset_of_part_of_an_hour_asks_for_the_zones_name():
    # +05:30 has no name in the time zone database: refused, naming the way out; with the name
    # the days are India's: 23:30 on the 4th, 09:00 on the 5th, as above.
    contacts = offset_log("+05:30")
    with pytest.raises(SchemaError, match=r"fixed UTC offset \+05:30.*tz='Asia/Kolkata'"):
        kk.compute(contacts, kpis="answer_rate", freq="day")
    table = kk.compute(contacts, kpis="answer_rate", freq="day", tz="Asia/Kolkata")
    assert table["value"].tolist() == [100.0, 0.0]


@pytest.mark.parametrize("zone", [None, "Europe/Paris"])
def test_every_period_comes_back_in_microseconds(zone):
    # Weeks came back as datetime64[ns] (a day times a weekday count is a duration in
    # nanoseconds on pandas), every other period as datetime64[us]: tables of two frequencies
    # did not line up.
    times = pd.date_range("2026-03-02 09:00", periods=3, freq="D", tz=zone)
    frame = contacts_at(times)
    expected = pd.DatetimeTZDtype("us", zone) if zone else np.dtype("datetime64[us]")
    for freq in ("hour", "day", "week", "month", "quarter", "year"):
        period = kk.compute(frame, kpis="contacts_offered", freq=freq)["period"]
        assert period.dtype == expected, freq
