"""A per-channel sl_threshold_s that does not fit the contacts' channels is said, on each engine."""

import duckdb
import pandas as pd
import polars as pl
import pytest
from fixtures import threshold_warnings

import kpikit as kk

# Three contacts, one per channel, all answered; waits 25 s (phone), 40 s (chat), 3600 s (email).
CONTACTS = pd.DataFrame(
    {
        "contact_id": ["p1", "c1", "e1"],
        "arrived_at": pd.to_datetime(["2026-03-02 09:00"] * 3),
        "answered": [True, True, True],
        "wait_s": [25.0, 40.0, 3600.0],
        "channel": ["phone", "chat", "email"],
    }
)
ENGINES = {
    "pandas": lambda frame: frame,
    "polars": pl.from_pandas,
    "duckdb": duckdb.from_df,
}


def service_level(engine, **options):
    """Service level of CONTACTS on ``engine``, with the warnings raised."""
    with threshold_warnings() as said:
        result = kk.compute(ENGINES[engine](CONTACTS), "service_level", **options)
    result = result.df() if engine == "duckdb" else result
    result = result.to_pandas() if engine == "polars" else result
    return result["value"].item(), [message for message, _ in said]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_key_matching_no_channel_and_the_channels_left_out_are_named(engine):
    # {"voice": 30, "chta": 60}: no channel matches; every channel then gets the 20 s fallback, so
    # none of the three waits (25, 40, 3600 s) is within: 0 of 3.
    value, said = service_level(engine, sl_threshold_s={"voice": 30, "chta": 60})
    assert value == 0.0
    assert said == [
        "sl_threshold_s names channels the contacts do not have: 'voice', 'chta' (theirs: "
        "'chat', 'email', 'phone'). It leaves out 'chat', 'email', judged by its phone threshold "
        "of 20 s rather than kpikit's defaults of 30 s, 86400 s: give every channel a threshold "
        "to keep them apart."
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_email_left_out_of_a_mapping_is_named(engine):
    # phone 30 s, chat 60 s, email by the phone's 30 s: 25 and 40 s within, 3600 s not: 2 of 3.
    value, said = service_level(engine, sl_threshold_s={"phone": 30, "chat": 60})
    assert value == pytest.approx(200 / 3)
    assert said == [
        "sl_threshold_s leaves out 'email', judged by its phone threshold of 30 s rather than "
        "kpikit's default of 86400 s: give every channel a threshold to keep them apart."
    ]


@pytest.mark.parametrize(
    "options",
    [
        {},  # kpikit's defaults
        {"sl_threshold_s": 60},  # one threshold for every channel
        {"sl_threshold_s": {"phone": 15, "chat": 45, "email": 600}},  # every channel its own
        {"sl_threshold_s": {"phone": 20}, "kpis": "aht"},  # no service level asked for
    ],
)
def test_a_mapping_that_fits_or_no_mapping_says_nothing(options):
    options = {"kpis": "service_level", **options}
    contacts = CONTACTS.assign(talk_s=60.0)
    with threshold_warnings() as said:
        kk.compute(contacts, **options)
    assert said == []


def test_the_warning_points_at_the_callers_line():
    with threshold_warnings() as said:
        kk.compute(CONTACTS, "service_level", sl_threshold_s={"phone": 20})
    assert [file for _, file in said] == [__file__]
