"""FCR probes: provisional dates to the second, repeats across a clock change, transfers with
each method. Hand-made logs, expected values by hand, on pandas, polars and a DuckDB relation."""

import duckdb
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.provisional import date_text, provisional_fcr, provisional_note

ENGINES = ["pandas", "polars", "duckdb"]


def native(frame, engine):
    return {"pandas": frame, "polars": pl.from_pandas(frame), "duckdb": duckdb.from_df(frame)}[
        engine
    ]


def contacts(rows, zone=None):
    """rows: (contact_id, arrived_at text, customer_id); every contact answered, reason "x"."""
    frame = pd.DataFrame(rows, columns=["contact_id", "arrived_at", "customer_id"])
    frame["arrived_at"] = pd.to_datetime(frame["arrived_at"], format="ISO8601")
    if zone:
        frame["arrived_at"] = frame["arrived_at"].dt.tz_localize(zone)
    return frame.assign(reason="x", agent_id="A", answered=True, wait_s=5.0, talk_s=60.0)


def fcr_sums(frame, **options):
    """(numerator, denominator) of kk.compute's FCR over the whole log."""
    row = to_pandas(kk.compute(frame, kpis=["fcr"], **options))
    return tuple(row[["numerator", "denominator"]].iloc[0])


def test_a_window_in_seconds_says_provisional_until_the_second():
    # The 09:45 quarter-hour ends at 10:00; a 90 s window closes at 10:00 + 90 s = 10:01:30,
    # after the last arrival (09:50). Before the fix the note said "until ... 10:01", when
    # FCR is still provisional.
    result = pd.DataFrame(
        {"period": pd.date_range("2026-08-10 09:00", periods=4, freq="15min"), "kpi": "fcr"}
    )
    found = provisional_fcr(result, "15min", pd.Timestamp("2026-08-10 09:50"), fcr_window="90s")
    assert found["provisional_until"].tolist() == [pd.Timestamp("2026-08-10 10:01:30")]
    assert provisional_note(found, "15min") == (
        "FCR of the last 15-minute period is provisional until 10 Aug 2026 10:01:30: repeats "
        "may still arrive."
    )


def test_date_text_keeps_seconds_and_fractions_but_not_zero_ones():
    # Whole minutes as before; 30 s and 250 ms past a minute written out, never rounded down.
    assert date_text(pd.Timestamp("2026-08-10 10:01")) == "10 Aug 2026 10:01"
    assert date_text(pd.Timestamp("2026-08-10 10:01:30")) == "10 Aug 2026 10:01:30"
    assert date_text(pd.Timestamp("2026-08-10 10:01:30.250")) == "10 Aug 2026 10:01:30.25"
    # The second 02:30 of the autumn clock change (ambiguous on the wall clock) still reads.
    repeated = pd.Timestamp("2026-10-25 02:30:30").tz_localize("Europe/Berlin", ambiguous=False)
    assert date_text(repeated) == "25 Oct 2026 02:30:30"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_24_hour_window_over_the_spring_clock_change_is_elapsed_time(engine):
    # Berlin moves 02:00 -> 03:00 on 29 Mar 2026. c: 28 Mar 12:00+01 to 29 Mar 13:00+02 is
    # exactly 24 h elapsed, a repeat (inclusive); d: 24 h and 1 ms, not a repeat, so d's second
    # contact is a first contact of its own. z, a week later, closes every window but its own.
    # First contacts judged: 1 (repeated), 3 and 4 (resolved) -> 2 of 3.
    frame = contacts(
        [
            (1, "2026-03-28 12:00", "c"),
            (2, "2026-03-29 13:00", "c"),
            (3, "2026-03-28 12:00", "d"),
            (4, "2026-03-29 13:00:00.001", "d"),
            (9, "2026-04-05 12:00", "z"),
        ],
        zone="Europe/Berlin",
    )
    assert fcr_sums(native(frame, engine), fcr_window="24h") == (2.0, 3.0)
    assert fcr_sums(native(frame, engine), fcr_window="1d") == (2.0, 3.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_transferred_first_contacts_under_each_method(engine):
    # 1 (c, transferred, survey yes), 2 (d, survey unknown), 3 (e, survey no) arriving last,
    # so its 48 h window has not closed: repeat judges 1 and 2, 1 not resolved (transferred)
    # -> 1/2; transfers ignored -> 2/2. Survey: 1 and 3 answered, 1 transferred -> 0/2.
    # Repeat and survey: judged with an answer is 1 alone, transferred -> 0/1; ignored -> 1/1.
    frame = contacts(
        [(1, "2026-03-02 09:00", "c"), (2, "2026-03-02 09:00", "d"), (3, "2026-03-12", "e")]
    )
    frame["transferred"] = [True, False, False]
    frame["resolved"] = pd.array([True, None, False], dtype="boolean")
    data = native(frame, engine)
    assert fcr_sums(data) == (1.0, 2.0)
    assert fcr_sums(data, fcr_transfers="ignore") == (2.0, 2.0)
    assert fcr_sums(data, fcr_method="survey") == (0.0, 2.0)
    assert fcr_sums(data, fcr_method="repeat_and_survey") == (0.0, 1.0)
    assert fcr_sums(data, fcr_method="repeat_and_survey", fcr_transfers="ignore") == (1.0, 1.0)
