"""Faults at time-zone edges: forecasts from the first pass of a repeated hour, and parquet
folders whose files store ``arrived_at`` in different zones or hold no rows."""

import warnings

import pandas as pd
import pytest

import kpikit as kk

AUTUMN = {  # zone -> (day the clocks go back, UTC instant they do)
    "Europe/Paris": ("2024-10-27", "2024-10-27 01:00"),
    "America/New_York": ("2024-11-03", "2024-11-03 06:00"),
    "Australia/Sydney": ("2024-04-07", "2024-04-06 16:00"),
}


def _log(zone, day):
    """Three weeks of an arrival every 10 minutes in ``zone``, up to 00:30 on ``day``."""
    start = pd.Timestamp(day) - pd.Timedelta("21D")
    times = pd.date_range(start, f"{day} 00:30", freq="10min", tz=zone)
    return pd.DataFrame({"arrived_at": times, "answered": True})


def _periods(log, freq, horizon, until):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = kk.forecast.volume(
            log, freq=freq, horizon=horizon, model="seasonal_naive", until=until
        )
    return found["period"].tolist()


def test_forecast_from_the_first_pass_of_a_repeated_hour_paris():
    log = _log("Europe/Paris", "2024-10-27")
    until = pd.Timestamp("2024-10-27 02:15+02:00")
    # 1 h of elapsed time from 00:15 UTC: 00:15, 00:30, 00:45 UTC (02:15-02:45+02:00) and
    # 01:00 UTC, the repeat's 02:00+01:00
    expected = ["02:15+02:00", "02:30+02:00", "02:45+02:00", "02:00+01:00"]
    expected = [pd.Timestamp(f"2024-10-27 {time}").tz_convert("Europe/Paris") for time in expected]
    assert _periods(log, "15min", "1h", until) == expected
    # 3 h from 00:30 UTC in half hours: 02:30+02:00, then 02:00, 02:30, 03:00, 03:30, 04:00
    # +01:00 (01:00 to 03:00 UTC): 6 rows
    half_hours = _periods(log, "30min", "3h", pd.Timestamp("2024-10-27 02:30+02:00"))
    assert len(half_hours) == 6
    assert half_hours[1] == pd.Timestamp("2024-10-27 02:00+01:00").tz_convert("Europe/Paris")


@pytest.mark.parametrize("zone", list(AUTUMN))
@pytest.mark.parametrize("freq", ["15min", "30min"])
def test_forecast_periods_are_every_elapsed_interval_across_autumn(zone, freq):
    day, change = AUTUMN[zone]
    log = _log(zone, day)
    length = pd.Timedelta(freq)
    # until every 15 minutes from 1 h before the repeated hour's first pass to 1 h after
    # its second
    sweep = pd.date_range(pd.Timestamp(change) - pd.Timedelta("2h"), periods=17, freq="15min")
    for instant in sweep.tz_localize("UTC"):
        until = instant.tz_convert(zone)
        # 2 h of elapsed time from the interval holding until: 8 quarter hours or 4 half
        # hours one after the other in UTC, whatever the wall clock reads
        expected = (
            pd.date_range(instant.floor(length), periods=8 if freq == "15min" else 4, freq=length)
            .tz_convert(zone)
            .tolist()
        )
        assert _periods(log, freq, "2h", until) == expected, until


def _write(folder, name, times, first_id=0):
    """A parquet file ``name`` in ``folder`` of contacts answered at ``times``, with ids from
    ``first_id``."""
    ids = range(first_id, first_id + len(times))
    frame = pd.DataFrame({"contact_id": ids, "arrived_at": times, "answered": True, "wait_s": 5.0})
    frame.to_parquet(folder / name)


def _offered_per_day(data, **options):
    """``(period, contacts offered)`` per day of ``data``, the periods written out."""
    result = kk.compute(data, kpis="contacts_offered", freq="day", **options)
    return list(zip(result["period"].astype(str), result["value"], strict=True))


@pytest.mark.parametrize("names", [("a.parquet", "b.parquet"), ("b.parquet", "a.parquet")])
def test_files_stored_in_different_zones_are_refused_without_tz(tmp_path, names):
    # 23:30 UTC on June 1st and 00:30 UTC on June 2nd: one UTC day, two Paris days
    _write(tmp_path, names[0], pd.DatetimeIndex(["2024-06-01 23:30"], tz="UTC"))
    paris = pd.DatetimeIndex(["2024-06-02 00:30"], tz="UTC").tz_convert("Europe/Paris")
    _write(tmp_path, names[1], paris, first_id=1)
    with pytest.raises(ValueError) as refused:
        _offered_per_day(tmp_path)
    message = str(refused.value)
    assert "'arrived_at'" in message and "2 zones" in message
    assert "UTC in 1" in message and "Europe/Paris in 1" in message
    assert "a.parquet" in message and "b.parquet" in message
    assert "tz=" in message
    # with tz the instants are exact: 01:30 and 02:30 on June 2nd in Paris, one day of 2
    assert _offered_per_day(tmp_path, tz="Europe/Paris") == [("2024-06-02 00:00:00+02:00", 2.0)]
    # in UTC: 23:30 on June 1st and 00:30 on June 2nd, two days of 1
    assert _offered_per_day(tmp_path, tz="UTC") == [
        ("2024-06-01 00:00:00+00:00", 1.0),
        ("2024-06-02 00:00:00+00:00", 1.0),
    ]


@pytest.mark.parametrize("empty_zone", [None, "UTC"])
def test_an_empty_file_does_not_decide_the_zone_or_the_kind(tmp_path, empty_zone):
    # a file of no rows sorted first, its arrived_at naive (or in another zone)
    _write(tmp_path, "a_empty.parquet", pd.DatetimeIndex([], tz=empty_zone))
    times = pd.DatetimeIndex(["2024-06-01 23:30", "2024-06-02 00:30"], tz="Europe/Paris")
    _write(tmp_path, "b.parquet", times[:1])
    _write(tmp_path, "c.parquet", times[1:], first_id=1)
    # 23:30 on June 1st and 00:30 on June 2nd in Paris: two days of 1 contact
    expected = [("2024-06-01 00:00:00+02:00", 1.0), ("2024-06-02 00:00:00+02:00", 1.0)]
    assert _offered_per_day(tmp_path) == expected
    # pandas on the same contacts (pd.read_parquet of the folder takes the first file's type)
    frames = [pd.read_parquet(tmp_path / name) for name in ("b.parquet", "c.parquet")]
    assert _offered_per_day(pd.concat(frames, ignore_index=True)) == expected
