"""kk.compute on the hand-made fixture: every expected value is worked out by hand below."""

import inspect
import math

import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest
from fixtures import hand_contacts, hand_dataset, kpikit_warnings, threshold_warnings

import kpikit as kk
from kpikit.metrics import _csat_scale


def values(table, **keys):
    frame = table
    for column, value in keys.items():
        frame = frame[frame[column] == value]
    return dict(zip(frame["kpi"], frame["value"], strict=True))


# Answered: #1 #2 #5 #6 #7 #8 #9 #10 (8 of 10 offered).
# Handle time talk+hold+acw: 250, 360, 120, 500, 300, 180, 120, 200 -> 2030 s.
# Waits of answered: 10, 25, 5, 15, 20, 60, 8, 12 -> 155 s.
HAND_TOTALS = {
    "aht": 2030 / 8,  # 253.75 s
    "asa": 155 / 8,  # 19.375 s
    "service_level": 100 * 6 / 10,  # within 20 s (inclusive): #1 #5 #6 #7 #9 #10
    "abandonment_rate": 100 * 2 / 10,  # #3 #4
    "answer_rate": 100 * 8 / 10,
    "transfer_rate": 100 * 1 / 8,  # #2
    "resolution_rate": 100 * 6 / 7,  # known on 7 answered (#6 unknown), resolved 6 (#2 not)
    # Changed definition: the transferred first contact #2 is no longer resolved (see
    # test_fcr_by_hand); before transfers counted, FCR was 2 / 4.
    "fcr": 100 * 1 / 4,
    "csat": 100 * 4 / 6,  # responses 5,3,4,2,4,5 -> top two boxes 4
    "nps": 100 * (3 - 2) / 6,  # 10,6,9,0,8,10 -> promoters 3, detractors 2
    "qa_score": 240 / 3,  # 90, 80, 70
    "occupancy": 100 * 2700 / 4700,  # handling 2700 / (handling 2700 + available 2000)
    "utilization": 100 * 2700 / 5400,  # handling / paid
    "schedule_adherence": 100 * 5000 / 5400,  # adherent / scheduled
    "schedule_conformance": 100 * (2700 + 2000) / 5400,  # (handling + available) / scheduled
    "contacts_offered": 10,  # every contact
    "contacts_handled": 8,  # the answered ones
    "cost_per_contact": 55 / 8,  # 40 + 15 over 8 answered
}


def test_every_kpi_matches_the_hand_calculation():
    table = kk.compute(hand_dataset())
    assert list(table["kpi"]) == list(kk.catalog.KPI_IDS)
    assert values(table) == pytest.approx(HAND_TOTALS)


def test_numerator_and_denominator_are_reported():
    table = kk.compute(hand_dataset(), kpis=["nps", "fcr"])
    nps = table[table["kpi"] == "nps"].iloc[0]
    assert (nps["numerator"], nps["denominator"]) == (1.0, 6.0)  # promoters - detractors, responses
    fcr = table[table["kpi"] == "fcr"].iloc[0]
    assert (fcr["numerator"], fcr["denominator"]) == (1.0, 4.0)  # #6 of #1 #2 #6 #7


def test_fcr_by_hand():
    # Eligible (answered, known customer): #1 #2 #5 #6 #7 #8 #10 (#9 has no customer).
    # #1 first, repeated by #5 an hour later -> counted, not resolved; #5 is not a first contact.
    # #2 first, no repeat, window ends 4 Mar 09:05 <= last arrival 6 Mar 09:00, but it was
    #    transferred -> not resolved on first contact (the changed default; it used to count).
    # #6 first, no repeat, window ends 5 Mar 11:00 -> resolved.
    # #7 first, #8 arrives exactly 48 h later -> a repeat (inclusive) -> not resolved.
    # #10 first, no repeat, window reaches past the last arrival -> not judged yet, left out.
    table = kk.compute(hand_contacts(), kpis="fcr", by="agent_id")
    a1 = table[table["agent_id"] == "A1"].iloc[0]  # #1 (no), #2 (transferred), #7 (no)
    a2 = table[table["agent_id"] == "A2"].iloc[0]  # #6 (yes)
    assert (a1["numerator"], a1["denominator"]) == (0.0, 3.0)
    assert (a2["numerator"], a2["denominator"]) == (1.0, 1.0)


def test_fcr_window_is_an_option():
    # With a 1-hour window #8 (48 h after #7) no longer repeats it, and #5 (exactly 1 h after #1)
    # still does; #10's window ends at 10:00 on 6 Mar, past the log's end, so it stays out.
    # First contacts judged: #1 (no), #2 (transferred), #6 #7 #8 (yes) -> 3 / 5.
    table = kk.compute(hand_contacts(), kpis="fcr", fcr_window="1h")
    assert table["value"].iloc[0] == pytest.approx(100 * 3 / 5)


def test_fcr_match_on_customer_only():
    # Key = customer alone gives the same pairs here (c1 and c6 repeat on the same reason).
    table = kk.compute(hand_contacts(), kpis="fcr", fcr_match="customer_id")
    assert table["value"].iloc[0] == pytest.approx(25.0)  # #6 of #1 #2 #6 #7


def test_fcr_without_reason_column_keys_on_customer():
    contacts = hand_contacts().drop(columns="reason")
    assert kk.fcr(contacts) == pytest.approx(25.0)  # as above: #6 of #1 #2 #6 #7


def test_fcr_transfers_ignore_restores_the_repeat_only_reading():
    # #2 (transferred, no repeat) counts as resolved again: #2 #6 of #1 #2 #6 #7 -> 2 / 4.
    assert kk.fcr(hand_contacts(), fcr_transfers="ignore") == pytest.approx(50.0)


def test_fcr_by_survey():
    # First contacts (no same-key contact within 48 h before), judged or not: #1 #2 #6 #7 #10.
    # resolved recorded on #1 (true), #2 (false), #7 (true), #10 (true); #6 is null -> out.
    # Resolved and not transferred: #1 #7 #10 -> 3 / 4. #10 counts although its repeat window
    # is still open: the customer's answer does not wait for repeats.
    table = kk.compute(hand_contacts(), kpis="fcr", fcr_method="survey")
    assert (table["numerator"].iloc[0], table["denominator"].iloc[0]) == (3.0, 4.0)


def test_fcr_by_repeat_and_survey():
    # Judged first contacts with resolved recorded: #1 (true, repeated by #5), #2 (false,
    # transferred), #7 (true, repeated by #8) -> none resolved on both counts: 0 / 3.
    table = kk.compute(hand_contacts(), kpis="fcr", fcr_method="repeat_and_survey")
    assert (table["numerator"].iloc[0], table["denominator"].iloc[0]) == (0.0, 3.0)
    # Without the repeats #5 and #8, #1 and #7 pass both rules: 2 / 3 (#2 is still not).
    contacts = hand_contacts()
    contacts = contacts[~contacts["contact_id"].isin([5, 8])]
    table = kk.compute(contacts, kpis="fcr", fcr_method="repeat_and_survey")
    assert (table["numerator"].iloc[0], table["denominator"].iloc[0]) == (2.0, 3.0)


# The hand counts of the tests above, (numerator, denominator) of each method and transfer rule:
# "repeat": #6 of #1 #2 #6 #7, and #2 too when transfers are ignored; "survey": #1 #7 #10 of
# #1 #2 #7 #10 either way (transferred #2 answered "not resolved"); "repeat_and_survey": none of
# #1 #2 #7 either way.
FCR_BY_HAND = {
    ("repeat", "unresolved"): (1.0, 4.0),
    ("repeat", "ignore"): (2.0, 4.0),
    ("survey", "unresolved"): (3.0, 4.0),
    ("survey", "ignore"): (3.0, 4.0),
    ("repeat_and_survey", "unresolved"): (0.0, 3.0),
    ("repeat_and_survey", "ignore"): (0.0, 3.0),
}


@pytest.mark.parametrize(("method", "transfers"), list(FCR_BY_HAND))
@pytest.mark.parametrize("engine", ["pandas", "polars", "polars lazy", "duckdb"])
def test_fcr_methods_and_transfer_rules_on_every_engine(engine, method, transfers):
    # The window functions of lazy engines carry only the columns a method reads (resolved for
    # the survey methods, transferred when transfers count), so each pairing is checked there.
    # Eager polars takes another way: each contact's FCR level (repeats.add_fcr_level), read
    # by its streaming sums.
    native = {
        "pandas": lambda frame: frame,
        "polars": pl.from_pandas,
        "polars lazy": lambda frame: pl.from_pandas(frame).lazy(),
        "duckdb": lambda frame: pytest.importorskip("duckdb").from_df(frame),
    }[engine](hand_contacts())
    result = kk.compute(native, kpis="fcr", fcr_method=method, fcr_transfers=transfers)
    frame = nw.from_native(result)
    frame = frame.collect() if isinstance(frame, nw.LazyFrame) else frame
    row = frame.select("numerator", "denominator").rows()
    assert row == [FCR_BY_HAND[(method, transfers)]]


def test_fcr_survey_needs_the_resolved_column():
    with pytest.raises(ValueError, match="'fcr'.*resolved"):
        kk.compute(hand_contacts().drop(columns="resolved"), kpis="fcr", fcr_method="survey")


def test_short_abandons_leave_the_denominators():
    # short_abandon_s=5: #4 (3 s) is a short abandon -> offered counted = 9.
    table = kk.compute(
        hand_contacts(),
        kpis=["service_level", "abandonment_rate", "answer_rate"],
        short_abandon_s=5,
    )
    assert values(table) == pytest.approx(
        {"service_level": 100 * 6 / 9, "abandonment_rate": 100 * 1 / 9, "answer_rate": 100 * 8 / 9}
    )


def test_service_level_options():
    contacts = hand_contacts()
    assert kk.service_level(contacts, sl_denominator="answered") == pytest.approx(100 * 6 / 8)
    # T = 10 s: answered within 10 s are #1 (10), #5 (5), #9 (8) -> 3 / 10.
    assert kk.service_level(contacts, sl_threshold_s=10) == pytest.approx(30.0)


def test_service_level_threshold_per_channel():
    # Phone within 20 s: #1 (10) #7 (20) #10 (12) -> 3; chat within 5 s: #5 (5) -> 1 -> 4 / 10.
    contacts = hand_contacts()
    assert kk.service_level(contacts, sl_threshold_s={"phone": 20, "chat": 5}) == pytest.approx(
        40.0
    )
    # Channels left out use the phone threshold: chat #5 #6 #9 within 20 -> 3 + 3 = 6 / 10,
    # which is said (chat's default is 30 s), at the caller's line.
    with threshold_warnings() as said:
        assert kk.service_level(contacts, sl_threshold_s={"phone": 20}) == pytest.approx(60.0)
    [(message, file)] = said
    assert "leaves out 'chat'" in message and file == __file__
    # A mapping without phone: phone and other channels use 20 s; chat 5 s -> 4 / 10 again.
    assert kk.service_level(contacts, sl_threshold_s={"chat": 5}) == pytest.approx(40.0)
    # Without a channel column every contact is a phone contact (the data model's default).
    no_channel = contacts.drop(columns="channel")
    assert kk.service_level(no_channel, sl_threshold_s={"phone": 10}) == pytest.approx(30.0)


def test_default_thresholds_are_per_channel():
    # Phone 20 s, chat 30 s, email 24 h. Make #6 (chat) wait 25 s and #2 an email waiting 5 h:
    # within: #1 #5 #6 (25 <= 30) #7 #9 #10 and #2 (18000 <= 86400) -> 7 / 10; with 20 s for
    # everything #6 and #2 would miss -> 5 / 10.
    contacts = hand_contacts()
    contacts.loc[contacts["contact_id"] == 6, "wait_s"] = 25.0
    contacts.loc[contacts["contact_id"] == 2, ["channel", "wait_s"]] = ["email", 18000.0]
    assert kk.service_level(contacts) == pytest.approx(70.0)
    assert kk.service_level(contacts, sl_threshold_s=20) == pytest.approx(50.0)
    assert kk.options.sl_threshold_for("email") == 86400.0


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_contacts_without_a_channel_use_the_phone_threshold(engine):
    # #5 (chat, 5 s) loses its channel and #1 becomes an email waiting 25 s: thresholds 20 s
    # for #5 (phone rules), 24 h for #1 -> within: #1 #5 #6 #7 #9 #10 -> 6 / 10; with chat
    # at 3 s, #6 (15 s) and #9 (8 s) miss but #5 still passes on 20 s -> 4 / 10.
    contacts = hand_contacts()
    contacts["channel"] = contacts["channel"].astype(object)
    contacts.loc[contacts["contact_id"] == 5, "channel"] = None
    contacts.loc[contacts["contact_id"] == 1, ["channel", "wait_s"]] = ["email", 25.0]
    native = {
        "pandas": lambda frame: frame,
        "polars": pl.from_pandas,
        "duckdb": lambda frame: pytest.importorskip("duckdb").from_df(frame),
    }[engine](contacts)
    for thresholds, expected in ((None, 60.0), ({"chat": 3, "email": 86400}, 40.0)):
        result = kk.compute(native, kpis="service_level", sl_threshold_s=thresholds)
        frame = nw.from_native(result)
        frame = frame.collect() if isinstance(frame, nw.LazyFrame) else frame
        assert frame.get_column("value").to_list() == [pytest.approx(expected)]


def test_service_level_abandons_within_the_threshold():
    # Abandons: #3 after 40 s (beyond 20 s), #4 after 3 s (within 20 s).
    contacts = hand_contacts()
    # missed (default): #4 is in the denominator -> 6 / 10.
    assert kk.service_level(contacts, sl_abandoned="missed") == pytest.approx(60.0)
    # excluded: #4 leaves the denominator -> 6 / 9.
    assert kk.service_level(contacts, sl_abandoned="excluded") == pytest.approx(100 * 6 / 9)
    # met (Amazon Connect): #4 left the queue within 20 s -> (6 + 1) / 10.
    assert kk.service_level(contacts, sl_abandoned="met") == pytest.approx(70.0)
    # A short abandon (short_abandon_s=5 makes #4 one) leaves both counts whatever the variant.
    for variant in ("missed", "excluded", "met"):
        value = kk.service_level(contacts, sl_abandoned=variant, short_abandon_s=5)
        assert value == pytest.approx(100 * 6 / 9), variant


def test_service_level_met_cannot_be_over_answered():
    with pytest.raises(ValueError, match="sl_denominator"):
        kk.service_level(hand_contacts(), sl_abandoned="met", sl_denominator="answered")


def test_survey_options():
    contacts = hand_contacts()
    # Top box 5 only: 5, 5 -> 2 / 6.
    assert kk.csat(contacts, csat_top_box=5) == pytest.approx(100 * 2 / 6)
    # Cutoffs (7, 10): promoters 10, 10; detractors 6, 0 -> (2 - 2) / 6.
    assert kk.nps(contacts, nps_cutoffs=(7, 10)) == pytest.approx(0.0)
    # NumPy's integers are whole numbers too (they were refused as not whole).
    assert kk.nps(contacts, nps_cutoffs=(np.int64(7), np.int64(10))) == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("scale", "answers", "expected"),
    [
        # 1..5: top box 4-5 -> 5, 4, 4 of 5, 4, 3, 4, 2 -> 3 / 5.
        (5, [5, 4, 3, 4, 2], 100 * 3 / 5),
        # 1..7: top box 6-7 -> 7, 6 of 7, 6, 5, 4, 1 -> 2 / 5.
        (7, [7, 6, 5, 4, 1], 100 * 2 / 5),
        # 1..10: top box 9-10 -> 10, 9 of 10, 9, 8, 7, 3 -> 2 / 5.
        (10, [10, 9, 8, 7, 3], 100 * 2 / 5),
    ],
)
def test_csat_scales_have_their_own_top_box(scale, answers, expected):
    contacts = hand_contacts().iloc[:5].copy()
    contacts["csat"] = pd.array(answers, dtype="Int64")
    assert kk.csat(contacts, csat_scale=scale) == pytest.approx(expected)


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
def test_answers_of_a_smaller_survey_than_csat_scale_are_warned_of(engine):
    # Answers 5, 3, 4, 2, 4, 5 (1..5) read on 1..10: none reaches the top box 9-10, CSAT 0 %.
    contacts = hand_contacts()
    if engine == "polars":
        contacts = pl.from_pandas(contacts)
    elif engine == "duckdb":
        contacts = pytest.importorskip("duckdb").connect().from_df(contacts)
    with kpikit_warnings(_csat_scale, _csat_scale.CsatScaleWarning) as said:
        assert kk.csat(contacts, csat_scale=10) == 0.0
        kk.csat(contacts, csat_scale=7, csat_top_box=5)  # the caller's top box: 2 of 6 reach it
        kk.csat(contacts)  # 1..5, the default
        kk.compute(contacts, "aht", csat_scale=10)  # no CSAT asked for
    assert said == [
        (
            "csat_scale=10, yet no CSAT answer is above 5 (the largest of 6 is 5): every answer "
            "is below the top box (9-10), so CSAT is 0 %. A 1..5 survey needs csat_scale=5.",
            __file__,
        )
    ]


def test_csat_top_box_must_fit_the_scale():
    with pytest.raises(ValueError, match="csat_top_box"):
        kk.csat(hand_contacts(), csat_top_box=6)  # the default scale is 1..5
    # On 1..7 a top box of 5 is allowed: answers 5, 3, 4, 2, 4, 5 -> 5, 5 -> 2 / 6.
    assert kk.csat(hand_contacts(), csat_scale=7, csat_top_box=5) == pytest.approx(100 * 2 / 6)


def test_direction_splits_aht_by_inbound_and_outbound():
    # #1 #2 #7 outbound (handle 250 + 360 + 300 = 910 over 3); the other answered contacts
    # inbound (#5 #6 #8 #9 #10: 120 + 500 + 180 + 120 + 200 = 1120 over 5).
    contacts = hand_contacts()
    contacts["direction"] = (
        ["outbound", "outbound"] + ["inbound"] * 4 + ["outbound"] + ["inbound"] * 3
    )
    table = kk.aht(contacts, by="direction").set_index("direction")["value"]
    assert table["outbound"] == pytest.approx(910 / 3)
    assert table["inbound"] == pytest.approx(1120 / 5)


def test_contact_volumes_are_counts_with_poisson_intervals():
    table = kk.compute(hand_contacts(), kpis=["contacts_offered", "contacts_handled"], by="channel")
    rows = table.set_index(["channel", "kpi"])
    # Phone: #1 #2 #3 #4 #7 #8 #10 offered (7), 5 answered; chat: #5 #6 #9 (3, all answered).
    assert rows.loc[("phone", "contacts_offered"), "value"] == 7.0
    assert rows.loc[("phone", "contacts_handled"), "value"] == 5.0
    assert rows.loc[("chat", "contacts_handled"), "value"] == 3.0
    assert table["denominator"].isna().all()  # a count has no denominator
    # Byar's interval for 7 events: 2.81 .. 14.42 (exact Garwood: 2.81 .. 14.42).
    low, high = rows.loc[("phone", "contacts_offered"), ["ci_low", "ci_high"]]
    assert (low, high) == pytest.approx((2.8143, 14.4228), abs=0.02)


def test_schedule_conformance_beside_adherence():
    # A1 Monday: handling 1200 + available 400 = 1600 of 1800 scheduled -> 88.9 %, while
    # adherent 1700 of 1800 -> 94.4 %; A2's second interval is all zeros -> null, never 0.
    table = kk.compute(
        hand_dataset(),
        kpis=["schedule_adherence", "schedule_conformance"],
        by="agent_id",
        freq="day",
    )
    monday = values(table[table["period"] == pd.Timestamp("2026-03-02")], agent_id="A1")
    assert monday == pytest.approx(
        {"schedule_adherence": 100 * 1700 / 1800, "schedule_conformance": 100 * 1600 / 1800}
    )
    a2_tuesday = table[
        (table["agent_id"] == "A2") & (table["period"] == pd.Timestamp("2026-03-03"))
    ]
    assert a2_tuesday["value"].isna().all()


def test_grouping_by_agent_by_hand():
    table = kk.compute(hand_contacts(), kpis="aht", by="agent_id")
    # A1 handled #1 #2 #7 #9 #10: 250 + 360 + 300 + 120 + 200 = 1230 over 5.
    # A2 handled #5 #6 #8: 120 + 500 + 180 = 800 over 3.
    assert values(table, agent_id="A1")["aht"] == pytest.approx(246.0)
    assert values(table, agent_id="A2")["aht"] == pytest.approx(800 / 3)
    # The abandoned contacts form the null-agent group: no answered contact -> null, not 0.
    unassigned = table[table["agent_id"].isna()].iloc[0]
    assert unassigned["denominator"] == 0 and math.isnan(unassigned["value"])


def test_periods_by_day_and_week():
    table = kk.compute(hand_contacts(), kpis="answer_rate", freq="day")
    by_day = dict(zip(table["period"].dt.strftime("%m-%d"), table["denominator"], strict=True))
    assert by_day == {"03-02": 5.0, "03-03": 2.0, "03-05": 2.0, "03-06": 1.0}
    weekly = kk.compute(hand_contacts(), kpis="answer_rate", freq="week")
    assert list(weekly["period"]) == [pd.Timestamp("2026-03-02")]  # Monday


def test_agent_interval_kpis_by_agent_and_day():
    table = kk.compute(hand_dataset(), kpis=["occupancy", "utilization"], by="agent_id", freq="day")
    a2_tuesday = table[
        (table["agent_id"] == "A2") & (table["period"] == pd.Timestamp("2026-03-03"))
    ]
    assert a2_tuesday["value"].isna().all()  # 0 / 0 -> null
    a1_monday = values(table[table["period"] == pd.Timestamp("2026-03-02")], agent_id="A1")
    assert a1_monday == pytest.approx(
        {"occupancy": 100 * 1200 / 1600, "utilization": 100 * 1200 / 1800}
    )


def test_cost_per_contact_by_channel():
    table = kk.compute(hand_dataset(), kpis="cost_per_contact", by="channel", freq="month")
    # Phone answered: #1 #2 #7 #8 #10 -> 40 / 5; chat: #5 #6 #9 -> 15 / 3.
    assert values(table, channel="phone")["cost_per_contact"] == pytest.approx(8.0)
    assert values(table, channel="chat")["cost_per_contact"] == pytest.approx(5.0)


@pytest.mark.parametrize("wait_type", ["float64", "double[pyarrow]"])  # polars' sums, NumPy's
def test_a_null_group_has_one_null_in_every_period(wait_type):
    # Site-less contacts: one NaN on day 1, one None on day 2 (pandas 2's object text holds
    # both). By hand: ASA day 1 x 1 s, no site 2 s; day 2 no site 3 s, x 4 s. The null group's
    # label was its first row's null, NaN on day 1 and None on day 2.
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d"],
            "arrived_at": pd.to_datetime(
                ["2024-03-04 09:00", "2024-03-04 10:00", "2024-03-05 09:00", "2024-03-05 10:00"]
            ),
            "answered": True,
            "wait_s": pd.Series([1.0, 2.0, 3.0, 4.0], dtype=wait_type),
            "site": pd.Series(["x", np.nan, None, "x"], dtype=object),
        }
    )
    result = kk.compute(contacts, ["asa"], by="site", freq="day")
    assert result["value"].tolist() == [1.0, 4.0, 2.0, 3.0]
    assert result["site"].tolist() == ["x", "x", None, None]


def test_default_kpis_skip_what_the_grouping_cannot_split():
    table = kk.compute(hand_dataset(), by="reason")
    assert "cost_per_contact" not in set(table["kpi"]) and "occupancy" not in set(table["kpi"])
    with pytest.raises(ValueError, match="costs can only be split by channel"):
        kk.compute(hand_dataset(), kpis="cost_per_contact", by="reason")


def test_confidence_intervals_by_hand():
    table = kk.compute(hand_contacts(), kpis=["answer_rate", "qa_score", "nps"])
    row = table.set_index("kpi")
    # Wilson for 8 / 10 with z = 1.96: 49.02 .. 94.33 %.
    assert (row.loc["answer_rate", "ci_low"], row.loc["answer_rate", "ci_high"]) == pytest.approx(
        (49.016, 94.332), abs=1e-3
    )
    # QA 90, 80, 70: mean 80, s = 10, t(0.975, 2) = 4.3027 -> 80 +- 24.841 = 55.159 .. 104.841,
    # held to the 0..100 a QA score can take: 55.159 .. 100.
    assert (row.loc["qa_score", "ci_low"], row.loc["qa_score", "ci_high"]) == pytest.approx(
        (55.159, 100.0), abs=1e-3
    )
    # NPS 3 promoters, 2 detractors of 6, adjusted Wald (3 pseudo-responses): p+ = 3.75 / 9,
    # p- = 2.75 / 9, d = 1/9, Var = (6.5/9 - 1/81) / 9 = 0.078875 -> half = 1.95996 * 0.280847
    # = 0.550451 -> 11.111 -+ 55.045 points.
    assert (row.loc["nps", "ci_low"], row.loc["nps", "ci_high"]) == pytest.approx(
        (100 / 9 - 55.045, 100 / 9 + 55.045), abs=0.01
    )


def test_single_kpi_helpers_return_a_value_or_a_table():
    assert kk.aht(hand_contacts()) == pytest.approx(253.75)
    table = kk.aht(hand_contacts(), by="channel")
    assert set(table["channel"]) == {"phone", "chat"}


def test_zero_denominator_gives_null_value():
    contacts = hand_contacts()
    abandoned_only = contacts[~contacts["answered"]]
    assert math.isnan(kk.aht(abandoned_only))
    assert math.isnan(kk.csat(abandoned_only))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpis": "ahtt"}, "Did you mean 'aht'"),
        ({"kpis": []}, "'kpis' must name at least one KPI"),
        ({"freq": "fortnight"}, "Value of 'freq'"),
        ({"by": "team_name"}, "Value of 'by'"),
        ({"sl_denominator": "all"}, "sl_denominator"),
        ({"sl_threshold_s": -1}, "sl_threshold_s"),
        ({"fcr_window": "soon"}, "fcr_window"),
        ({"nps_cutoffs": (9, 6)}, "nps_cutoffs"),
        ({"csat_top_box": 6}, "csat_top_box"),
        ({"sl_abandoned": "ignored"}, "sl_abandoned"),
        ({"fcr_method": "surveys"}, "Did you mean 'survey'"),
        ({"csat_scale": 4}, "csat_scale"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kk.compute(hand_dataset(), **kwargs)


def test_unknown_option_is_a_type_error_with_a_suggestion():
    with pytest.raises(TypeError, match="Did you mean 'fcr_window'"):
        kk.compute(hand_contacts(), fcr_windw="72h")
    with pytest.raises(TypeError, match="unexpected keyword argument 'threshold'"):
        kk.compute(hand_contacts(), threshold=20)
    # A helper accepts only its KPI's options.
    with pytest.raises(TypeError, match="options of 'aht'"):
        kk.aht(hand_contacts(), fcr_window="72h")


def test_options_are_keyword_only_in_the_signature():
    parameters = inspect.signature(kk.compute).parameters
    keyword_only = [n for n, p in parameters.items() if p.kind is p.KEYWORD_ONLY]
    assert keyword_only == [*kk.options.OPTION_NAMES, "options", "validate"]
    helper = inspect.signature(kk.service_level).parameters
    assert list(helper)[3:] == ["tz", *kk.kpi("service_level").options, "options"]


def test_single_kpi_helpers_cut_periods_in_the_zone_given():
    # was TypeError "service_level() got an unexpected option 'tz'", though compute takes it.
    # Two contacts at 23:30 UTC on 5 and 6 January are at 00:30 in Paris on 6 and 7 January;
    # the first waited 5 s (in time), the second 60 s (late)
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-01-05 23:30", "2026-01-06 23:30"], utc=True),
            "answered": True,
            "wait_s": [5.0, 60.0],
        }
    )
    daily = kk.service_level(contacts, freq="day", tz="Europe/Paris")
    assert daily["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-06", "2026-01-07"]
    assert daily["value"].tolist() == [100.0, 0.0]
    expected = kk.compute(contacts, kpis=["service_level"], freq="day", tz="Europe/Paris")
    pd.testing.assert_frame_equal(daily, expected)


def test_defaults_change_for_a_session_and_a_block():
    contacts = hand_contacts()
    with kk.options.context(fcr_transfers="ignore"):
        assert kk.fcr(contacts) == pytest.approx(50.0)  # #2 counts again (2 / 4)
    assert kk.fcr(contacts) == pytest.approx(25.0)  # back to the default (1 / 4)
    try:
        kk.options.update(sl_threshold_s=10)
        assert kk.service_level(contacts) == pytest.approx(30.0)  # #1 #5 #9 within 10 s
    finally:
        kk.options.reset()
    assert kk.service_level(contacts) == pytest.approx(60.0)
    # A whole Options object, with keywords on top.
    options = kk.Options(sl_threshold_s=10)
    assert kk.service_level(contacts, options=options, sl_abandoned="met") == pytest.approx(40.0)


def test_missing_required_column_is_a_schema_error():
    with pytest.raises(kk.SchemaError, match="wait_s"):
        kk.compute(hand_contacts().drop(columns="wait_s"))


def test_explicit_kpi_needing_a_missing_column_explains():
    with pytest.raises(ValueError, match="'csat'.*no column"):
        kk.compute(hand_contacts().drop(columns="csat"), kpis="csat")


def test_duckdb_groups_by_a_column_whose_name_needs_quoting():
    # The same 10 contacts in one group whose name holds a quote and a space: AHT and FCR equal
    # pandas' (both computed from the hand fixture).
    duckdb = pytest.importorskip("duckdb")
    contacts = hand_contacts().assign(**{'team "a"': "x"})
    expected = kk.compute(contacts, kpis=["aht", "fcr"], by='team "a"')
    relation = duckdb.from_df(contacts)
    result = nw.from_native(kk.compute(relation, kpis=["aht", "fcr"], by='team "a"')).collect()
    assert result.get_column('team "a"').to_list() == ["x", "x"]
    assert result.get_column("value").to_list() == pytest.approx(expected["value"].tolist())


def test_output_keeps_the_input_kind():
    assert isinstance(kk.compute(pl.from_pandas(hand_contacts()), kpis="aht"), pl.DataFrame)
    lazy = kk.compute(pl.from_pandas(hand_contacts()).lazy(), kpis="aht")
    assert isinstance(lazy, pl.LazyFrame)
    duckdb = pytest.importorskip("duckdb")
    relation = duckdb.from_df(hand_contacts())
    result = kk.compute(relation, kpis="fcr")
    assert isinstance(result, duckdb.DuckDBPyRelation)
    assert nw.from_native(result).collect().get_column("value").to_list() == [25.0]  # 1 of 4
