"""Periods shorter than a day whose wall-clock start the clocks skip (probe 6)."""

import duckdb
import pandas as pd
import polars as pl
import pytest

import kpikit as kk

ENGINES = ["pandas", "polars", "polars-lazy", "duckdb"]


def offered(utc_times, zone, freq, engine):
    """(period start in UTC as text, contacts offered) of one contact at each UTC time."""
    times = pd.DatetimeIndex(utc_times, tz="UTC").tz_convert(zone)
    frame = pd.DataFrame(
        {"contact_id": range(1, len(times) + 1), "arrived_at": times, "answered": True}
    )
    frame["wait_s"] = 5.0
    data = frame
    if engine.startswith("polars"):
        data = pl.from_pandas(frame)
        data = data.lazy() if engine == "polars-lazy" else data
    elif engine == "duckdb":
        connection = duckdb.connect()
        connection.execute(f"SET TimeZone = '{zone}'")
        data = connection.from_df(frame)
    result = kk.compute(data, kpis="contacts_offered", freq=freq)
    if engine == "polars-lazy":
        result = result.collect()
    if engine.startswith("polars"):
        result = result.to_pandas()
    elif engine == "duckdb":
        result = result.df()
    return [
        (str(pd.Timestamp(period).tz_convert("UTC")), value)
        for period, value in zip(result["period"], result["value"], strict=True)
    ]


# Chatham's clocks go from 02:45 (+12:45) to 03:45 (+13:45) on 27 Sep 2026, at 14:00 UTC on
# the 26th. Contacts at 02:30 (13:45 UTC), 03:50 (14:05 UTC) and 04:10 (14:25 UTC).
CHATHAM = ["2026-09-26 13:45", "2026-09-26 14:05", "2026-09-26 14:25"]


@pytest.mark.parametrize("engine", ENGINES)
def test_chatham_hour_runs_on_across_the_gap(engine):
    # By hand: the hour from 02:00 (+12:45, 13:15 UTC) lasts to 14:15 UTC (04:00 +13:45, as
    # period_end has it): 02:30 and 03:50 are in it; 04:10 is in the hour from 04:00 (14:15
    # UTC). It was {02:00: 1, 04:00: 2}: 03:50 fell in the hour from 04:00, after it.
    assert offered(CHATHAM, "Pacific/Chatham", "hour", engine) == [
        ("2026-09-26 13:15:00+00:00", 2.0),
        ("2026-09-26 14:15:00+00:00", 1.0),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_chatham_half_hour_runs_on_across_the_gap(engine):
    # By hand: the half hour from 02:30 (13:45 UTC) lasts to 14:15 UTC (04:00 +13:45): 02:30
    # and 03:50; then 04:00 (14:15 UTC): 04:10. It was {02:30: 1, 04:00: 1, 04:30: 1}, 03:50
    # in the half hour from 04:30 (14:45 UTC).
    assert offered(CHATHAM, "Pacific/Chatham", "30min", engine) == [
        ("2026-09-26 13:45:00+00:00", 2.0),
        ("2026-09-26 14:15:00+00:00", 1.0),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_hour_after_a_gap_no_earlier_hour_reaches_starts_at_the_gap_end(engine):
    # Montevideo went from -03:00 to -01:30 at 03:00 UTC on 13 Jan 1974: midnight to 01:30
    # skipped. A contact at 01:45 (03:15 UTC) has the hour from 01:00, skipped; the hour from
    # 23:00 ended at midnight, so its hour starts at the gap's end, 01:30 (03:00 UTC). It was
    # 02:30 (04:00 UTC), after the contact. One at 02:10 (03:40 UTC) is in the hour from 02:00
    # (03:30 UTC).
    times = ["1974-01-13 03:15", "1974-01-13 03:40"]
    assert offered(times, "America/Montevideo", "hour", engine) == [
        ("1974-01-13 03:00:00+00:00", 1.0),
        ("1974-01-13 03:30:00+00:00", 1.0),
    ]
