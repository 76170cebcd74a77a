"""FCR repeat detection: edge cases by hand, and both code paths against a brute-force reference."""

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from fixtures import random_contacts
from hypothesis import given, settings
from hypothesis import strategies as st

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.repeats import (
    FIRST,
    JUDGED,
    NO_REPEAT,
    add_fcr_components,
    add_fcr_level,
    level_flags,
)

T0 = pd.Timestamp("2026-03-02 09:00")


def log(*rows):
    """rows: (contact_id, hours after T0, customer_id, reason, answered)."""
    frame = pd.DataFrame(rows, columns=["contact_id", "hours", "customer_id", "reason", "answered"])
    frame["arrived_at"] = T0 + pd.to_timedelta(frame.pop("hours"), unit="h")
    frame["wait_s"] = 5.0
    frame["agent_id"] = [f"A{i}" for i in frame["contact_id"]]
    return frame


def flags(contacts, window="48h", match=("customer_id", "reason")):
    """(judged first contact, resolved by the repeat rule) per contact id."""
    out = add_fcr_components(nw.from_native(contacts), window=window, match=match).to_native()
    pairs = zip(out[JUDGED], out[NO_REPEAT], strict=True)
    return dict(zip(out["contact_id"], pairs, strict=True))


def brute_force(contacts, window="48h", match=("customer_id", "reason")):
    """The DESIGN rule read literally, O(n^2): the reference both code paths must match.

    Returns (first contact, judged first contact, judged and no repeat) per contact id.
    """
    width = pd.Timedelta(window)
    last = contacts["arrived_at"].max()
    eligible = contacts[contacts["answered"] & contacts[match[0]].notna()]
    result = {}
    for row in contacts.itertuples():
        first = judged_first = resolved = 0.0
        if row.answered and pd.notna(getattr(row, match[0])):
            same = eligible
            for column in match:
                value = getattr(row, column)
                same = same[same[column].isna()] if pd.isna(value) else same[same[column] == value]
            me = (row.arrived_at, row.contact_id)
            before = same[
                [(t, c) < me for t, c in zip(same["arrived_at"], same["contact_id"], strict=True)]
            ]
            after = same[
                [(t, c) > me for t, c in zip(same["arrived_at"], same["contact_id"], strict=True)]
            ]
            repeated_before = (before["arrived_at"] >= row.arrived_at - width).any()
            repeated_after = (after["arrived_at"] <= row.arrived_at + width).any()
            judged = repeated_after or row.arrived_at + width <= last
            first = float(not repeated_before)
            if not repeated_before and judged:
                judged_first, resolved = 1.0, float(not repeated_after)
        result[row.contact_id] = (first, judged_first, resolved)
    return result


def test_repeat_exactly_at_the_window_counts():
    contacts = log((1, 0, "c", "r", True), (2, 48, "c", "r", True), (3, 200, "z", "r", True))
    assert flags(contacts)[1] == (1.0, 0.0)


def test_just_outside_the_window_is_a_new_first_contact():
    contacts = log((1, 0, "c", "r", True), (2, 48.01, "c", "r", True), (3, 200, "z", "r", True))
    assert flags(contacts)[1] == (1.0, 1.0)
    assert flags(contacts)[2] == (1.0, 1.0)


def test_ties_on_arrival_are_ordered_by_contact_id():
    # Same second: contact 7 comes before 9, so 7 is the first contact and 9 its repeat.
    contacts = log((9, 0, "c", "r", True), (7, 0, "c", "r", True), (3, 200, "z", "r", True))
    assert flags(contacts)[7] == (1.0, 0.0)
    assert flags(contacts)[9] == (0.0, 0.0)


def test_unknown_customer_and_abandoned_contacts_are_not_eligible():
    contacts = log((1, 0, None, "r", True), (2, 1, "c", "r", False), (3, 200, "z", "r", True))
    assert flags(contacts)[1] == (0.0, 0.0)
    assert flags(contacts)[2] == (0.0, 0.0)


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_unknown_customers_are_not_eligible_wherever_the_match_lists_them(engine):
    # #1 and #2: no customer, same reason, an hour apart; #3 closes the log 200 h later. With
    # the match ("reason", "customer_id"), #1 was a first contact and #2 its repeat: FCR 0 of
    # 1. Nobody with a customer can be judged (#3's window is open): 0 of 0, null
    contacts = log(
        (1, 0, None, "billing", True), (2, 1, None, "billing", True), (3, 200, "z", "x", True)
    )
    frame = {
        "pandas": contacts,
        "polars": pl.from_pandas(contacts),
        "duckdb": duckdb.from_df(contacts),
    }[engine]
    for match in (("customer_id", "reason"), ("reason", "customer_id")):
        row = to_pandas(kk.compute(frame, kpis=["fcr"], fcr_match=match))
        assert row[["numerator", "denominator"]].values.tolist() == [[0.0, 0.0]], match
        assert row["value"].isna().all()


def test_abandoned_contact_is_not_a_repeat():
    contacts = log((1, 0, "c", "r", True), (2, 1, "c", "r", False), (3, 200, "z", "r", True))
    assert flags(contacts)[1] == (1.0, 1.0)


def test_other_reason_is_not_a_repeat_unless_matching_on_customer_only():
    contacts = log(
        (1, 0, "c", "billing", True), (2, 1, "c", "orders", True), (3, 200, "z", "r", True)
    )
    assert flags(contacts)[1] == (1.0, 1.0)
    assert flags(contacts, match=("customer_id",))[1] == (1.0, 0.0)


def test_repeat_in_the_next_period_counts_against_the_first_contacts_period():
    # Sunday 23:00 first contact, repeat Monday 01:00 (next week): the first week loses FCR.
    contacts = log(
        (1, 0, "z", "r", True),
        (2, 158, "c", "r", True),
        (3, 160, "c", "r", True),
        (4, 400, "y", "r", True),
    )
    table = kk.compute(contacts, kpis="fcr", freq="week")
    week_one = table[table["period"] == pd.Timestamp("2026-03-02")].iloc[0]
    assert (week_one["numerator"], week_one["denominator"]) == (1.0, 2.0)  # #1 yes, #2 no
    week_two = table[table["period"] == pd.Timestamp("2026-03-09")]
    assert week_two["denominator"].tolist() == [0.0]  # #3 is a repeat, #4 is undecidable
    assert week_two["value"].isna().all()


def test_undecidable_tail_is_left_out():
    contacts = log((1, 0, "c", "r", True), (2, 47, "d", "r", True))
    # Last arrival at 47 h: neither window (ending 48 h and 95 h) fits inside the log.
    assert flags(contacts) == {1: (0.0, 0.0), 2: (0.0, 0.0)}
    # They are first contacts all the same (the survey method counts them).
    out = add_fcr_components(nw.from_native(contacts), window="48h", match=["customer_id"])
    assert out.to_native()[FIRST].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_times_spread_beyond_nanoseconds_are_refused_with_their_ids(engine):
    # 1900 to 2206: 306 years, more than an int64 of nanoseconds holds (292): pandas raised an
    # OverflowError and polars wrapped round, leaving contact 1 unjudged.
    contacts = log((1, 0, "c", "r", True), (2, 1, "d", "r", True), (3, 2, "c", "r", True))
    contacts["arrived_at"] = pd.to_datetime(["1900-01-01", "2026-01-01", "2206-01-01"])
    data = contacts if engine == "pandas" else pl.from_pandas(contacts)
    with pytest.raises(kk.SchemaError) as raised:
        kk.compute(data, "fcr", freq="year")
    assert str(raised.value.problems[0]) == (
        "contacts.arrived_at: 2 rows at the two ends of 306 years of contacts (1900-01-01 00:00:00 "
        "to 2206-01-01 00:00:00), more than the 292 years FCR can measure: a year is likely "
        "mistyped (first ids: 1, 3)"
    )
    # 290 years fit: contact 1 is judged (its repeat is 290 years on) and resolved.
    contacts["arrived_at"] = pd.to_datetime(["1916-01-01", "2026-01-01", "2206-01-01"])
    assert flags(contacts)[1] == (1.0, 1.0)


def test_null_reason_is_a_key_of_its_own():
    contacts = log((1, 0, "c", None, True), (2, 1, "c", None, True), (3, 200, "z", "r", True))
    assert flags(contacts)[1] == (1.0, 0.0)


def test_every_kind_of_null_reason_is_the_same_key():
    # None and NaN in a column of Python objects are both "no reason": #2 repeats #1.
    contacts = log((1, 0, "c", "x", True), (2, 1, "c", "x", True), (3, 200, "z", "r", True))
    contacts["reason"] = pd.Series([None, np.nan, "r"], dtype=object)  # pandas 3 would make str
    assert flags(contacts)[1] == (1.0, 0.0)


def test_ties_within_a_millisecond_are_ordered_by_exact_time_then_id():
    # #4 (0.1 ms) and #5 (0.9 ms) share the first millisecond, #5 written first; #6 comes 48 h
    # after #5 but 48 h 0.8 ms after #4: it repeats #5, the later of the two, so #4 is the
    # first contact and #6 is not one.
    contacts = log(
        (9, 0, "z", "r", True),
        (5, 0, "c", "r", True),
        (4, 0, "c", "r", True),
        (6, 48, "c", "r", True),
        (8, 200, "y", "r", True),
    )
    offsets = pd.to_timedelta([0, 900, 100, 900, 0], unit="us")
    contacts["arrived_at"] = contacts["arrived_at"] + offsets
    expected = brute_force(contacts)
    assert (expected[4][0], expected[5][0], expected[6][0]) == (1.0, 0.0, 0.0)
    assert _as_dict(_flag_frame(contacts, "48h")) == expected
    assert _as_dict(_flag_frame(pl.from_pandas(contacts), "48h")) == expected


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 80),
    window=st.sampled_from(["1h", "48h", "72h"]),
)
def test_all_code_paths_match_the_brute_force_reference(seed, n, window):
    contacts = random_contacts(seed, n)
    expected = brute_force(contacts, window=window)
    assert _as_dict(_flag_frame(contacts, window)) == expected  # pandas fast path
    assert _as_dict(_flag_frame(pl.from_pandas(contacts), window)) == expected  # polars fast path
    relation = duckdb.from_df(contacts)
    assert _as_dict(_flag_frame(relation, window).collect()) == expected  # narwhals windows


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 80),
    window=st.sampled_from(["1h", "48h"]),
    method=st.sampled_from(["repeat", "survey", "repeat_and_survey"]),
)
def test_compute_on_a_duckdb_relation_counts_fcr_as_the_brute_force_reference(
    seed, n, window, method
):
    # compute's FCR on DuckDB (the eligible contacts alone, their window functions, then the
    # sums): its totals per agent must be those of the reference's flags, read by DESIGN's
    # methods, a transferred first contact unresolved by each (fcr_transfers="unresolved").
    contacts = random_contacts(seed, n)
    reference = brute_force(contacts, window=window)
    first, judged, no_repeat = (
        contacts["contact_id"].map({i: f[k] for i, f in reference.items()}) for k in range(3)
    )
    transferred = contacts["transferred"].fillna(False).astype(bool)
    resolved = contacts["resolved"].astype("boolean")
    known = resolved.notna().to_numpy(bool)
    counted = {
        "repeat": (judged, no_repeat * ~transferred),
        "survey": (first * known, first * ~transferred * resolved.fillna(False).astype(bool)),
        "repeat_and_survey": (
            judged * known,
            no_repeat * ~transferred * resolved.fillna(False).astype(bool),
        ),
    }[method]
    agents = contacts["agent_id"].astype(object).where(contacts["agent_id"].notna(), None)
    expected = {
        agent: (numerator, denominator)
        for agent, denominator, numerator in pd.DataFrame(
            {"agent": agents, "d": counted[0], "n": counted[1]}
        )
        .groupby("agent", dropna=False)[["d", "n"]]
        .sum()
        .itertuples()
    }
    options = {"fcr_window": window, "fcr_method": method}
    result = kk.compute(duckdb.from_df(contacts), ["fcr"], by="agent_id", **options).df()
    got = {
        (None if pd.isna(agent) else agent): (numerator, denominator)
        for agent, numerator, denominator in result[
            ["agent_id", "numerator", "denominator"]
        ].itertuples(index=False)
    }
    expected = {(None if pd.isna(agent) else agent): pair for agent, pair in expected.items()}
    assert got == expected


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 80))
def test_polars_keys_sharing_a_hash_still_give_exact_flags(seed, n):
    # Every key gets the same hash code: the pairs taken as repeats include keys that differ, and
    # the fast path must notice and fall back to exact codes.
    contacts = random_contacts(seed, n)
    expected = brute_force(contacts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kk.repeats, "_key_hashes", lambda keys: np.zeros(len(keys), np.uint64))
        assert _as_dict(_flag_frame(pl.from_pandas(contacts), "48h")) == expected


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 80),
    match=st.sampled_from([("customer_id",), ("customer_id", "reason", "channel")]),
)
def test_contacts_in_time_order_match_the_brute_force_reference(seed, n, match):
    # Logs usually come in time order: the fast paths then skip the sort by time.
    contacts = random_contacts(seed, n).sort_values(["arrived_at", "contact_id"])
    expected = brute_force(contacts, match=match)
    assert _as_dict(_flag_frame(contacts, "48h", match)) == expected
    assert _as_dict(_flag_frame(pl.from_pandas(contacts), "48h", match)) == expected


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 80))
def test_text_contact_ids_order_ties_as_text(seed, n):
    # Ties in time go by contact_id; text ids compare as text ("k10" before "k9"). Whole days
    # make ties common.
    contacts = random_contacts(seed, n)
    contacts["contact_id"] = [f"k{i}" for i in contacts["contact_id"]]
    contacts["arrived_at"] = contacts["arrived_at"].dt.floor("D")
    expected = brute_force(contacts)
    assert _as_dict(_flag_frame(contacts, "48h")) == expected
    assert _as_dict(_flag_frame(pl.from_pandas(contacts), "48h")) == expected


def contacts_and_flags(seed, n, in_order):
    """Random contacts (in time order when asked, as logs usually come) and their reference
    flags."""
    contacts = random_contacts(seed, n)
    if in_order:
        contacts = contacts.sort_values(["arrived_at", "contact_id"])
    return contacts, brute_force(contacts)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 80), in_order=st.booleans())
def test_polars_hashes_sharing_their_high_bits_are_sorted_apart(seed, n, in_order):
    # Hashes too wide to pack with positions are sorted by their high bits: here every key's
    # hash has the same high bits (only the lowest differ), so the keys must be told apart by
    # the whole hash, and the flags stay exact.
    contacts, expected = contacts_and_flags(seed, n, in_order)

    def hashes(keys):
        codes = keys.select(pl.struct(keys.columns).rank("dense")).to_series().to_numpy()
        return codes.astype(np.uint64) | np.uint64(1 << 63)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kk.repeats, "_key_hashes", hashes)
        assert _as_dict(_flag_frame(pl.from_pandas(contacts), "48h")) == expected


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 80), in_order=st.booleans())
def test_keys_sorted_by_polars_give_the_reference_flags(seed, n, in_order):
    # Arrays of 100,000 values or more are sorted by polars (kpikit._sorting); here every
    # sort of the fast paths goes to polars, as on a large log.
    contacts, expected = contacts_and_flags(seed, n, in_order)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kk._sorting, "SORTED_BY_POLARS_FROM", 0)
        assert _as_dict(_flag_frame(contacts, "48h")) == expected
        assert _as_dict(_flag_frame(pl.from_pandas(contacts), "48h")) == expected


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 80))
def test_level_holds_the_three_flags(seed, n):
    contacts = random_contacts(seed, n)
    for native in (contacts, pl.from_pandas(contacts)):
        frame = nw.from_native(native)
        match = ("customer_id", "reason")
        flagged = add_fcr_components(frame, window="48h", match=match)
        leveled = add_fcr_level(frame, window="48h", match=match).select(**level_flags())
        for name in (FIRST, JUDGED, NO_REPEAT):
            assert leveled[name].to_list() == flagged[name].to_list()


def _flag_frame(native, window, match=("customer_id", "reason")):
    return add_fcr_components(nw.from_native(native), window=window, match=match)


def _as_dict(frame):
    ids, *values = (frame.get_column(c).to_list() for c in ("contact_id", FIRST, JUDGED, NO_REPEAT))
    return dict(zip(ids, zip(*values, strict=True), strict=True))


def test_window_must_be_positive():
    with pytest.raises(ValueError, match="fcr_window"):
        kk.compute(log((1, 0, "c", "r", True)), kpis="fcr", fcr_window="0h")
