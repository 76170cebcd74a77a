"""Faults a probe found in the arrival profile and the scenario calibrated from it: dates taken
as midnights, a queue averaged over its own days, and the ``tz`` option ignored."""

import datetime as dt

import duckdb
import pandas as pd
import polars as pl
import pytest

from kpikit import calibrate, options
from kpikit.scenarios import scenario_from_data

DATES_REFUSED = "'interval' is 'hour', but column 'arrived_at' holds dates without a time of day"


def _dates(kind, tmp_path):
    """Two contacts arriving on Jan 1 and 2, 2024, as dates (no time of day), held by ``kind``."""
    log = pl.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
            "answered": [True, False],
            "wait_s": [1.0, 2.0],
            "talk_s": [100.0, 0.0],
        }
    )
    if kind == "polars_lazy":
        return log.lazy()
    if kind == "arrow":
        return log.to_arrow()
    if kind == "duckdb":
        return duckdb.connect().from_arrow(log.to_arrow())
    if kind == "path":
        log.write_parquet(tmp_path / "log.parquet")
        return str(tmp_path / "log.parquet")
    return log


KINDS = ["polars", "polars_lazy", "arrow", "duckdb", "path"]


@pytest.mark.parametrize("kind", KINDS)
def test_arrival_profile_refuses_dates_of_any_engine_for_hours(kind, tmp_path):
    # polars dates were read as midnights (both contacts in the 00:00 hour, no error); Arrow's
    # (a pyarrow Table, DuckDB, parquet) were refused as "dates as Python objects": both are
    # the refusal kk.compute(freq="hour") and a pandas Arrow date column give
    with pytest.raises(ValueError, match=DATES_REFUSED):
        calibrate.arrival_profile(_dates(kind, tmp_path), interval="hour")


@pytest.mark.parametrize("kind", KINDS)
def test_scenario_from_data_refuses_dates_of_any_engine_for_hours(kind, tmp_path):
    with pytest.raises(ValueError, match=DATES_REFUSED):
        scenario_from_data(_dates(kind, tmp_path), interval="hour")


def _two_queues(column):
    """Four Mondays (Jan 1 to 22, 2024): ``column`` "a" at 09:10 on the 1st and 09:20 on the
    15th, "b" at 09:30 on the 22nd."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(
                ["2024-01-01 09:10", "2024-01-15 09:20", "2024-01-22 09:30"]
            ),
            "answered": [True] * 3,
            "wait_s": [5.0] * 3,
            "talk_s": [100.0] * 3,
            column: ["a", "a", "b"],
        }
    )


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("column", ["queue", "channel"])
@pytest.mark.parametrize(("value", "monday_nine"), [("a", 0.5), ("b", 0.25)])
def test_scenario_of_one_group_averages_over_the_days_of_the_whole_log(
    lazy, column, value, monday_nine
):
    # The log runs Jan 1 to Jan 22: 22 days, every weekday, 4 of them Mondays. Mon 09:00:
    # a 2 contacts / 4 Mondays = 0.5, b 1 / 4 = 0.25 (as arrival_profile(by=column) gives).
    # b alone spans the 22nd only: 24 intervals (Mondays) and 1 / 1 = 1.0; a alone Jan 1-15,
    # 3 Mondays: 2 / 3 = 0.667. A week of hours: 7 x 24 = 168 intervals.
    log = _two_queues(column)
    data = pl.from_pandas(log).lazy() if lazy else log
    chosen = {"channel": None, column: value}  # no channel "phone" here: None unless chosen
    scenario = scenario_from_data(data, interval="hour", **chosen)
    assert len(scenario.labels) == 168
    volume = dict(zip(scenario.labels, scenario.volume, strict=True))
    assert volume["Mon 09:00"] == pytest.approx(monday_nine)
    assert sum(scenario.volume) == pytest.approx(monday_nine)  # no other interval has any


def _utc_log():
    """Three contacts in UTC: 14:00 and 14:10 on Mon 11 March 2024, 02:00 on Tue 12 March."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "arrived_at": pd.to_datetime(
                ["2024-03-11 14:00", "2024-03-11 14:10", "2024-03-12 02:00"], utc=True
            ),
            "answered": [True, False, True],
            "wait_s": [1.0, 2.0, 3.0],
            "talk_s": [100.0, 0.0, 50.0],
        }
    )


@pytest.mark.parametrize("lazy", [False, True])
def test_arrival_profile_cuts_intervals_in_the_tz_option(lazy):
    # New York is UTC-4 from 10 March 2024: 14:00 and 14:10 UTC are 10:00 and 10:10 on Monday,
    # 02:00 UTC on Tuesday is 22:00 on Monday, as kk.compute(freq="hour") counts them
    # (10:00 -> 2, 22:00 -> 1). One Monday in the log: volume 2 / 1 and 1 / 1; no Tuesday.
    # The profile said Mon 14:00 -> 2 and Tue 02:00 -> 1 (UTC).
    log = _utc_log()
    data = pl.from_pandas(log).lazy() if lazy else log
    with options.context(tz="America/New_York"):
        profile = calibrate.arrival_profile(data, interval="hour")
    busy = profile[profile["contacts"] > 0]
    got = busy[["weekday_name", "interval_start", "contacts", "volume"]].values.tolist()
    assert got == [["Mon", "10:00", 2, 2.0], ["Mon", "22:00", 1, 1.0]]
    assert profile["weekday_name"].unique().tolist() == ["Mon"]


def test_scenario_from_data_cuts_intervals_in_the_tz_option():
    # As above: the scenario's busy intervals are Mon 10:00 (2 contacts) and Mon 22:00 (1)
    with options.context(tz="America/New_York"):
        scenario = scenario_from_data(_utc_log(), interval="hour")
    busy = [label for label, volume in zip(scenario.labels, scenario.volume, strict=True) if volume]
    assert busy == ["Mon 10:00", "Mon 22:00"]


def test_arrival_profile_refuses_naive_times_under_the_tz_option():
    # kk.compute refuses arrivals without a zone while tz is set (it does not guess their
    # zone); the profile cut them on their own clock as if tz were not set
    naive = _utc_log().assign(arrived_at=lambda log: log["arrived_at"].dt.tz_localize(None))
    with (
        options.context(tz="America/New_York"),
        pytest.raises(
            ValueError, match="arrived_at: timestamps without a time zone, while periods are cut in"
        ),
    ):
        calibrate.arrival_profile(naive, interval="hour")
