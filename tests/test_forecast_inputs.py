"""Inputs a probe found kk.forecast.volume mishandled: arrivals held as dates in polars or
DuckDB, a history without contacts, and groups that start after ``until``.

DESIGN: "contacts offered per period after ``until`` (default: the last arrival), learned only
from contacts that arrived before ``until``". Nothing is dropped or forecast as a confident 0
without a word.
"""

import datetime as dt
import warnings

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import kpikit as kk

FIRST_DAY = dt.date(2026, 3, 1)  # a Sunday
NAIVE = {"model": "seasonal_naive"}


def dated_log():
    """21 days from 2026-03-01, day i holding 2 + i % 7 contacts, arrivals given as dates.

    2 + 3 + ... + 8 = 35 contacts a week, 105 rows in all.
    """
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range(21) for _ in range(2 + i % 7)]
    return pl.DataFrame({"arrived_at": days, "answered": [True] * len(days)})


def arrow_dates(log):
    """The pandas frame of ``log`` with its dates kept as dates (Arrow date32)."""
    dates = pd.Series(log["arrived_at"].to_list(), dtype=pd.ArrowDtype(pa.date32()))
    return pd.DataFrame({"arrived_at": dates, "answered": True})


def midnights(log):
    """The pandas frame of ``log`` with each date as its midnight."""
    return pd.DataFrame(
        {"arrived_at": pd.to_datetime(log["arrived_at"].to_list()), "answered": True}
    )


def refusal(data, **options):
    with pytest.raises(ValueError) as raised:
        kk.forecast.volume(data, **options)
    return str(raised.value)


# --- 1. polars dates and intervals shorter than a day -------------------------------------


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
@pytest.mark.parametrize("freq", ["15min", "30min", "hour"])
def test_polars_dates_are_refused_for_intervals_shorter_than_a_day(lazy, freq):
    # Every contact was put at 00:00 (a forecast of 2-8 contacts at midnight, none after).
    log = dated_log()
    expected = refusal(arrow_dates(log), freq=freq, **NAIVE)  # pandas refuses its dates
    assert "column 'arrived_at' holds dates without a time of day (105 row(s))" in expected
    assert refusal(log.lazy() if lazy else log, freq=freq, **NAIVE) == expected


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_polars_dates_are_days(lazy):
    log = dated_log()
    table = kk.forecast.volume(
        log.lazy() if lazy else log, freq="day", horizon="2D", until="2026-03-22", **NAIVE
    )
    # seasonal naive repeats the week before: 2026-03-22 is day 21, as day 14 (2 + 0 = 2
    # contacts); 2026-03-23 is day 22, as day 15 (2 + 1 = 3)
    assert table["period"].tolist() == [pd.Timestamp("2026-03-22"), pd.Timestamp("2026-03-23")]
    assert table["forecast"].tolist() == [2.0, 3.0]
    expected = kk.forecast.volume(
        midnights(log), freq="day", horizon="2D", until="2026-03-22", **NAIVE
    )
    pd.testing.assert_frame_equal(table, expected)


# --- 2. DuckDB dates ------------------------------------------------------------------------


def duckdb_dates(log):
    return duckdb.from_arrow(log.to_arrow())


def test_duckdb_dates_are_days():
    # Refused even by day: "holds dates as Python objects (object)".
    log = dated_log()
    relation = duckdb_dates(log)
    assert str(relation.types[0]) == "DATE"
    table = kk.forecast.volume(relation, freq="day", horizon="2D", until="2026-03-22", **NAIVE)
    # as the polars dates: 2026-03-22 as day 14 (2 contacts), 2026-03-23 as day 15 (3)
    assert table["forecast"].tolist() == [2.0, 3.0]
    expected = kk.forecast.volume(
        midnights(log), freq="day", horizon="2D", until="2026-03-22", **NAIVE
    )
    pd.testing.assert_frame_equal(table, expected)


def test_duckdb_dates_are_refused_for_half_hours_as_pandas_dates_are():
    log = dated_log()
    expected = refusal(arrow_dates(log), freq="30min", **NAIVE)
    assert refusal(duckdb_dates(log), freq="30min", **NAIVE) == expected


def test_parquet_dates_are_days_and_refused_for_hours(tmp_path):
    log = dated_log()
    path = tmp_path / "log.parquet"
    log.write_parquet(path)
    expected = refusal(arrow_dates(log), freq="hour", **NAIVE)
    assert refusal(str(path), freq="hour", **NAIVE) == expected
    table = kk.forecast.volume(str(path), freq="day", horizon="2D", until="2026-03-22", **NAIVE)
    assert table["forecast"].tolist() == [2.0, 3.0]  # as above


# --- 3. no contact before until -------------------------------------------------------------


def hourly_log():
    """A contact every 7 hours from Monday 2026-03-02 09:00 (50 of them, to 2026-03-16 16:00)."""
    times = pd.date_range("2026-03-02 09:00", periods=50, freq="7h")
    return pd.DataFrame({"arrived_at": times, "answered": True})


@pytest.mark.parametrize("source", ["pandas", "polars"])
def test_no_contact_in_a_complete_interval_before_until_is_refused(source):
    # until 09:10: the history is 00:00-09:00 (the interval 09:00-09:30 is cut short and
    # forecast); the one contact before until, at 09:00, is not in it. It was a forecast of 0
    # with an interval of 0 to 0 for every half hour, learnt from nothing.
    log = hourly_log()
    data = pl.from_pandas(log).lazy() if source == "polars" else log
    said = refusal(data, freq="30min", until="2026-03-02 09:10", model="historic_average")
    assert "no contact arrived before 2026-03-02 09:00:00" in said
    assert "'until' (2026-03-02 09:10:00)" in said
    assert "the first arrived at 2026-03-02 09:00:00" in said
    # the first complete interval holding a contact ends at 09:30
    assert "give a 'until' of 2026-03-02 09:30:00 or later" in said
    table = kk.forecast.volume(
        data, freq="30min", until="2026-03-02 09:30", model="historic_average"
    )
    assert table["forecast"].sum() > 0


def test_until_before_the_first_arrival_names_it_and_the_remedy():
    said = refusal(hourly_log(), freq="hour", until="2026-03-01", **NAIVE)
    assert "no contact arrived before 2026-03-01 00:00:00" in said
    assert "the first arrived at 2026-03-02 09:00:00" in said
    assert "give a later 'until'" in said


@pytest.mark.parametrize("until", [None, "2026-03-10"])
def test_an_empty_log_names_until(until):
    said = refusal(hourly_log().head(0), freq="hour", until=until, **NAIVE)
    shown = "None: the last arrival" if until is None else repr(until)
    assert f"'data' has no contacts (0 rows), so none arrived before 'until' ({shown})" in said
    assert "give a log that holds contacts" in said


# --- 4. groups without contacts before until --------------------------------------------------


def queues_log():
    """Queue "a" from the hourly log; queues "b".."h" each with one contact on 2026-03-12 and
    later, after until 2026-03-10."""
    log = hourly_log().assign(queue="a")
    late = [
        pd.DataFrame(
            {
                "arrived_at": [pd.Timestamp("2026-03-12 10:00") + pd.Timedelta(days=k)],
                "answered": True,
                "queue": name,
            }
        )
        for k, name in enumerate("bcdefgh")
    ]
    return pd.concat([log, *late], ignore_index=True)


@pytest.mark.parametrize("source", ["pandas", "polars"])
def test_groups_that_start_after_until_are_named_not_dropped(source):
    # They were left out of the table without a word.
    log = queues_log()
    data = pl.from_pandas(log) if source == "polars" else log
    said = refusal(data, freq="hour", by="queue", until="2026-03-10", **NAIVE)
    # 7 late queues, b to h; the first five are named with their first contact
    assert "7 group(s) with no contact before 'until' (2026-03-10 00:00:00)" in said
    assert "queue='b' from 2026-03-12 10:00:00; queue='c' from 2026-03-13 10:00:00" in said
    assert "queue='f' from 2026-03-16 10:00:00; and 2 more" in said
    assert "queue='g'" not in said
    assert "give a later 'until', or filter these groups out of the data" in said
    # filtered out, the table is queue a's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = kk.forecast.volume(
            log[log["queue"] == "a"], freq="hour", by="queue", until="2026-03-10", **NAIVE
        )
    assert table["queue"].unique().tolist() == ["a"]


def test_a_group_whose_contacts_before_until_are_in_the_interval_it_cuts_is_named():
    # Queue b's one contact before until (09:40) is in 09:00-10:00, which until cuts short
    # and which is forecast; its history (00:00-09:00 on the last day, and the days before)
    # held no contact: it was forecast 0 with an interval of 0 to 0.
    log = pd.concat(
        [
            hourly_log().assign(queue="a"),
            pd.DataFrame(
                {"arrived_at": [pd.Timestamp("2026-03-10 09:20")], "answered": True, "queue": "b"}
            ),
        ],
        ignore_index=True,
    )
    said = refusal(log, freq="hour", by="queue", until="2026-03-10 09:40", **NAIVE)
    assert "1 group(s) with no contact before 2026-03-10 09:00:00, the end of the last" in said
    assert "complete hour interval before 'until' (2026-03-10 09:40:00)" in said
    assert "(queue='b' from 2026-03-10 09:20:00)" in said
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # queue b starts 8 days into the history
        table = kk.forecast.volume(log, freq="hour", by="queue", until="2026-03-10 10:00", **NAIVE)
    assert table["queue"].unique().tolist() == ["a", "b"]


def test_a_late_group_of_a_zoned_log_is_named():
    # On a zone's wall clock the arrivals after until are left out before the groups are
    # counted: queue b, whose one contact is on 2026-03-12, is named as arriving only after.
    log = queues_log().query("queue in ['a', 'b']")
    log = log.assign(arrived_at=log["arrived_at"].dt.tz_localize("Europe/Paris"))
    said = refusal(log, freq="hour", by="queue", until="2026-03-10", **NAIVE)
    assert "1 group(s) with no contact before 'until'" in said
    assert "(queue='b' only after 'until')" in said
