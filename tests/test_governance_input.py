"""Bad input to kk.breaches, decompose, root_cause and the breach helpers: named errors, and
KPIs the data cannot give skipped visibly. Expected values are worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from kpikit import load_sample
from kpikit.governance import breach_group, breach_id, breaches, decompose, root_cause
from kpikit.scorecard import CARD_COLUMNS, scorecard

SL_TARGET = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})


@pytest.fixture
def queues():
    # one day, 10:00: billing 4 of 4 within 20 s, tech 1 of 4 -> 5 of 8 = 62.5 %
    return pd.DataFrame(
        {
            "contact_id": range(8),
            "site": "north",
            "queue": ["billing"] * 4 + ["tech"] * 4,
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": [5.0, 5.0, 5.0, 5.0, 5.0, 60.0, 60.0, 60.0],
        }
    )


@pytest.fixture
def breach(queues):
    return breaches(queues, SL_TARGET).iloc[0]


# --- breaches: option errors propagate, unavailable KPIs are named --------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sl_threshold_s": -1}, r"Value of 'sl_threshold_s' must be .*>= 0.*-1"),
        ({"by": "sitee"}, r"Value of 'by' names column\(s\) \['sitee'\]"),
        ({"fcr_window": "-1h"}, r"Value of 'fcr_window' .*'-1h'"),
    ],
)
def test_option_errors_are_not_hidden_behind_no_data(queues, options, message):
    with pytest.raises(ValueError, match=message):
        breaches(queues, SL_TARGET, **options)


def test_kpi_the_data_cannot_give_is_skipped_and_named(queues):
    targets = pd.DataFrame({"kpi": ["service_level", "occupancy"], "target": [80.0, 80.0]})
    found = breaches(queues, targets)
    # service level 5 of 8 = 62.5 % < 80: still found; occupancy needs agent intervals
    assert found[["kpi", "value"]].values.tolist() == [["service_level", 62.5]]
    assert found.attrs["unavailable"] == {"occupancy": "the Dataset has no agent_intervals table"}
    assert "Occupancy: the Dataset has no agent_intervals table" in found.attrs["note"]  # its name


def test_no_computable_kpi_says_why(queues):
    targets = pd.DataFrame({"kpi": ["occupancy"], "target": [80.0]})
    with pytest.raises(ValueError, match=r"'occupancy': 'the Dataset has no agent_intervals"):
        breaches(queues, targets)


@pytest.mark.parametrize(
    ("kpi", "target", "message"),
    [
        ("service_level", 150, r"'target' from 0 to 100 for 'service_level'.*row 0.*150"),
        ("service_level", -1, r"'target' from 0 to 100 for 'service_level'.*-1"),
        ("service_level", 1e308, r"'target' from 0 to 100 for 'service_level'.*1e\+308"),
        ("abandonment_rate", -10, r"'target' from 0 to 100 for 'abandonment_rate'.*-10"),
        ("nps", -150, r"'target' from -100 to 100 for 'nps'.*-150"),
        ("asa", -5, r"'target' finite and >= 0 for 'asa'.*-5"),
    ],
)
def test_targets_outside_the_kpi_scale_are_refused(queues, kpi, target, message):
    with pytest.raises(ValueError, match=message):
        breaches(queues, pd.DataFrame({"kpi": [kpi], "target": [target]}))


def test_breaches_arguments_of_the_wrong_kind(queues):
    with pytest.raises(ValueError, match=r"Value of 'freq' is not a period.*\['day'\]"):
        breaches(queues, SL_TARGET, freq=["day"])
    with pytest.raises(TypeError, match=r"Value of 'by' must be a column name.*5 \(int\)"):
        breaches(queues, SL_TARGET, by=5)
    with pytest.raises(TypeError, match=r"Value of 'ramp' must be a kpikit.scorecard.Ramp"):
        breaches(queues, SL_TARGET, by="site", ramp={"north": "2026-01-01"})


@pytest.mark.parametrize("name", ["status", "gap", "freq", "unit", "name", "target", "role"])
def test_a_group_named_like_a_column_of_the_breaches_is_refused(queues, name):
    # The queue column renamed: grouped by "status", the breach of tech (1 of 4 within 20 s)
    # came back with the rating's value, "red", in place of "tech"; by "unit", a bare KeyError.
    renamed = queues.rename(columns={"queue": name})
    with pytest.raises(ValueError, match=rf"Value of 'by' names column\(s\) \['{name}'\]"):
        breaches(renamed, SL_TARGET, by=name)
    if name in CARD_COLUMNS:  # gap and freq are columns of the breaches, not of a scorecard
        with pytest.raises(ValueError, match=r"rename them in the data first"):
            scorecard(renamed, SL_TARGET, by=["site", name])


def test_a_group_by_channel_still_meets_per_channel_targets(queues):
    # channel and direction are target columns, not columns of the result: still groups
    with_channel = queues.assign(channel=["phone"] * 4 + ["chat"] * 4)
    found = breaches(with_channel, SL_TARGET, by="channel")
    assert found["channel"].tolist() == ["chat"]  # chat 1 of 4 (60 s > 30 s); phone 4 of 4


def test_a_group_without_a_value_is_one_group_whether_none_or_nan():
    # Two days; site x waits 50 s then 5 s, the site-less contacts 60 s (NaN) then 50 s (None).
    # By hand against 80 % within 20 s: day 1 x 0 %, no site 0 %; day 2 x 100 %, no site 0 %.
    # The no-site group came back as four breaches (NaN and None each day), runs 1, 2, 3, 4.
    contacts = pd.DataFrame(
        {
            "contact_id": range(4),
            "arrived_at": pd.to_datetime(["2026-01-05 09:00"] * 2 + ["2026-01-06 09:00"] * 2),
            "answered": True,
            "wait_s": [50.0, 60.0, 50.0, 5.0],
            "site": ["x", np.nan, None, "x"],
        }
    )
    found = breaches(contacts, SL_TARGET, by="site")
    assert found["site"].isna().tolist() == [False, True, True]  # pandas 3's text: NaN
    assert found["periods_in_breach"].tolist() == [1, 1, 2]
    card = scorecard(contacts, SL_TARGET, by="site", freq="day")
    assert card.table["value"].tolist() == [0.0, 0.0, 100.0, 0.0]  # x, none; x, none


def test_the_columns_a_group_may_not_be_named_are_those_of_the_table():
    card = scorecard(load_sample(), SL_TARGET, by="team", freq="month")
    assert set(card.table.columns) - {"team"} == set(CARD_COLUMNS)


@pytest.mark.parametrize("value", ["no", 0, None, [False]])
def test_include_amber_must_be_a_bool(queues, value):
    # "no" was read as true and listed the amber rows
    with pytest.raises(TypeError, match=r"Value of 'include_amber' must be True or False"):
        breaches(queues, SL_TARGET, include_amber=value)


# --- decompose --------------------------------------------------------------------------------

SEGMENTS = pd.DataFrame({"queue": ["a", "b"], "numerator": [40, 20], "denominator": [50, 50]})


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        ({"target": [1, 2]}, TypeError, r"Value of 'target' must be a number.*\[1, 2\]"),
        ({"target": "abc"}, TypeError, r"Value of 'target' must be a number.*'abc'"),
        ({"target": None}, TypeError, r"Value of 'target' must be a number.*None"),
        ({"target": math.nan}, ValueError, r"Value of 'target' must be a finite number.*nan"),
        ({"target": math.inf}, ValueError, r"Value of 'target' must be a finite number.*inf"),
        ({"target": 80, "scale": math.inf}, ValueError, r"'scale' must be a finite .*> 0.*inf"),
    ],
)
def test_decompose_checks_target_and_scale(keywords, error, message):
    with pytest.raises(error, match=message):
        decompose(SEGMENTS, **{"scale": 100, **keywords})


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        (SEGMENTS.assign(numerator=[math.inf, 20]), r"column 'numerator' .*rows \[0\].*\[inf\]"),
        (SEGMENTS.assign(denominator=[50, "x"]), r"column 'denominator' .*rows \[1\].*\['x'\]"),
        # a missing sum is not read as 0
        (SEGMENTS.assign(denominator=[50, math.nan]), r"column 'denominator' .*rows \[1\].*nan"),
        (SEGMENTS.assign(numerator=[None, 20]), r"column 'numerator' .*rows \[0\].*\[nan\]"),
        (
            pd.concat([SEGMENTS, SEGMENTS[["numerator"]]], axis=1),
            r"column\(s\) \['numerator'\] more than once",
        ),
    ],
)
def test_decompose_names_the_bad_column(segments, message):
    with pytest.raises(ValueError, match=message):
        decompose(segments, target=80, scale=100)


@pytest.mark.parametrize(
    ("numerator", "denominator"),
    [
        ([1e308, 1e308], [1e308, 1e308]),  # both totals overflow: value was inf, the rest NaN
        ([1.0, 1.0], [1e307, 1e307]),  # 80 · 1e307 overflows: contributions were -inf
    ],
)
def test_decompose_refuses_sums_that_overflow(numerator, denominator):
    segments = pd.DataFrame(
        {"queue": ["billing", "tech"], "numerator": numerator, "denominator": denominator}
    )
    with pytest.raises(ValueError, match=r"'segments' has sums too large to decompose"):
        decompose(segments, target=80, scale=100)


# --- root_cause -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        ({"dimensions": "queue"}, TypeError, r"'dimensions' must be a list.*'queue' \(str\)"),
        ({"dimensions": {}}, TypeError, r"'dimensions' must be a list.*\{\} \(dict\)"),
        ({"dimensions": ["queu"]}, ValueError, r"'dimensions' is not .*'queu'. Did you mean"),
        ({"top": math.nan}, ValueError, r"Value of 'top' must be a finite whole number.*nan"),
        ({"top": "abc"}, TypeError, r"Value of 'top' must be a whole number.*'abc'"),
        ({"baseline": "abc"}, ValueError, r"'baseline' must be a \(start, end\) pair.*'abc'"),
        ({"baseline": ("2026-01-05", "soon")}, ValueError, r"'baseline' must be a date.*'soon'"),
        ({"baseline": ("2026-02-01", "2026-01-01")}, ValueError, r"'baseline' must start"),
        ({"interval_s": "abc"}, ValueError, r"'interval_s' is not .*\[900, 1800, 3600\].*'abc'"),
        ({"interval_s": -1}, ValueError, r"'interval_s' is not .*-1"),
        ({"staffing_target_sl": 150}, ValueError, r"'staffing_target_sl' .*\[1, 100\).*150"),
        ({"staffing_target_sl": "x"}, TypeError, r"'staffing_target_sl' must be a number"),
        ({"block_hours": 5}, ValueError, r"'block_hours' must divide a day .*12\) .*: 5$"),
    ],
)
def test_root_cause_checks_its_arguments(queues, breach, keywords, error, message):
    with pytest.raises(error, match=message):
        root_cause(queues, breach, **keywords)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("period", math.inf, r"'breach' has a period that is not a date: inf"),
        ("period", "abc", r"'breach' has a period that is not a date: 'abc'"),
        ("target", "abc", r"'breach' needs a finite target; received: 'abc'"),
        ("freq", "fortnight", r"'breach' has an unknown freq.*'fortnight'"),
    ],
)
def test_root_cause_checks_the_breach(queues, breach, key, value, message):
    with pytest.raises(ValueError, match=message):
        root_cause(queues, {**breach.to_dict(), key: value})


def test_root_cause_checks_the_breach_then_the_options_then_the_group(queues, breach):
    with pytest.raises(ValueError, match=r"'breach' needs the key\(s\)"):
        root_cause(queues, {"kpi": "service_level"}, block_hours=5)
    with pytest.raises(ValueError, match=r"'block_hours'"):
        root_cause(queues, {**breach.to_dict(), "region": "x"}, block_hours=5, top="x")
    with pytest.raises(TypeError, match=r"'top'"):
        root_cause(queues, breach, top="x", dimensions=["queu"])
    with pytest.raises(ValueError, match=r"'dimensions'"):
        root_cause(queues, breach, dimensions=["queu"], baseline="x")
    # a grouping column the table lacks is named before the period is found empty
    with pytest.raises(ValueError, match=r"groups by \['region'\], which the contacts table"):
        root_cause(queues, {**breach.to_dict(), "period": "2025-01-05", "region": "x"})


def test_root_cause_without_dimensions_keeps_the_hot_spots(queues, breach):
    cause = root_cause(queues, breach, dimensions=[])
    assert cause.segments.empty
    # tech: -(100 · 1 - 80 · 4) / 8 = 27.5 points of the 80 - 62.5 = 17.5-point miss
    assert cause.findings == ["10:00–12:00 on tech: 27.5 points of a 17.5-point miss."]


# --- breach helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 5, "site=north", np.array([1])])
def test_breach_group_needs_a_mapping(value):
    with pytest.raises(TypeError, match=r"Value of 'breach' must be a row of kk.breaches\(\)"):
        breach_group(value)


@pytest.mark.parametrize("null", [None, math.nan, pd.NA, pd.NaT, np.float64("nan")])
def test_a_null_group_value_is_kept_as_none(null):
    row = pd.Series({"kpi": "fcr", "period": "2026-01-05", "site": null, "queue": "None"})
    assert breach_group(row) == {"site": None, "queue": "None"}
    assert breach_id("fcr", "day", "2026-01-05", breach_group(row)) == (
        "fcr/day/2026-01-05T00:00/site/queue=None"
    )


def test_breach_id_checks_group_and_period():
    with pytest.raises(TypeError, match=r"Value of 'group' must be a mapping.*'x' \(str\)"):
        breach_id("fcr", "day", "2026-01-05", "x")
    for period in ("abc", math.inf, None):
        with pytest.raises((TypeError, ValueError), match=r"Value of 'period' must be a date"):
            breach_id("fcr", "day", period, {})


def test_a_service_level_target_of_100_explains_the_miss_without_staffing():
    # Erlang C never reaches 100 %, and staffing for it ended in "'target_sl' ... must be in
    # [1, 100)": the root cause comes without the staffing check, as without agent intervals.
    data = load_sample()
    found = breaches(data, pd.DataFrame({"kpi": ["service_level"], "target": [100]}), freq="month")
    cause = root_cause(data, found.iloc[0])
    assert cause.staffing is None and np.isnan(cause.understaffed_share)
    assert cause.findings


@pytest.fixture
def paris_sunday():
    # Sunday 29 March 2026 in Paris (the clocks spring forward): queue a 1 of 2 in time,
    # queue b 0 of 2 -> 1 of 4 = 25 %; on Saturday both queues 1 of 1
    return pd.DataFrame(
        {
            "contact_id": range(6),
            "queue": ["a", "b", "a", "b", "a", "b"],
            "arrived_at": pd.to_datetime(
                ["2026-03-28 10:00"] * 2 + ["2026-03-29 10:00"] * 4
            ).tz_localize("Europe/Paris"),
            "answered": True,
            "wait_s": [5.0, 5.0, 5.0, 60.0, 60.0, 60.0],
        }
    )


def test_root_cause_reads_times_without_zone_on_the_data_clock(paris_sunday):
    # a naive baseline raised pandas' "Invalid comparison between dtype=datetime64[us,
    # Europe/Paris] and Timestamp"; a naive period found "no value ... nothing to explain"
    breach = {"kpi": "service_level", "target": 80.0, "period": "2026-03-29", "freq": "day"}
    cause = root_cause(paris_sunday, breach, baseline=("2026-03-01", "2026-04-01"))
    assert cause.period == pd.Timestamp("2026-03-29", tz="Europe/Paris")
    assert cause.value == 25.0  # 1 of 4 in time
    queues = cause.segments.query("dimension == 'queue'")
    # usual shares over both days: a 3 of 6, b 3 of 6; this Sunday also half and half
    assert queues["baseline_share"].tolist() == [0.5, 0.5]
    # a: -(100 · 1 - 80 · 2) / 4 = 15; b: -(0 - 160) / 4 = 40; together the 55-point gap
    assert queues["contribution"].tolist() == pytest.approx([15.0, 40.0])


def test_root_cause_refuses_a_zone_the_data_does_not_have(queues):
    breach = {"kpi": "service_level", "target": 80.0, "period": "2026-01-05", "freq": "day"}
    paris = pd.Timestamp("2026-01-05", tz="Europe/Paris")
    with pytest.raises(ValueError, match=r"Value of 'breach' has a time in zone Europe/Paris"):
        root_cause(queues, {**breach, "period": paris})
    with pytest.raises(ValueError, match=r"Value of 'baseline' has a time in zone Europe/Paris"):
        root_cause(queues, breach, baseline=(paris, paris + pd.Timedelta(days=1)))
    with pytest.raises(ValueError, match=r"'baseline' must have a time zone on both dates or"):
        root_cause(queues, breach, baseline=("2026-01-01", paris))


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"])
def test_decompose_refuses_numbers_given_as_text(dtype):
    # "40" and "20" were read as 40 and 20 although the docstring says text sums raise
    segments = SEGMENTS.assign(numerator=pd.Series(["40", "20"], dtype=dtype))
    with pytest.raises(ValueError, match=r"column 'numerator' .*rows \[0, 1\].*\['40', '20'\]"):
        decompose(segments, target=80, scale=100)


def test_decompose_refuses_a_segment_on_two_rows():
    # two rows for queue "a" were decomposed as two segments, each with its own "value"
    segments = pd.DataFrame(
        {"queue": ["a", "b", "a"], "numerator": [40, 20, 5], "denominator": [50, 50, 10]}
    )
    with pytest.raises(ValueError, match=r"one row per segment but 2 rows .*\['queue'\].*\[0, 2\]"):
        decompose(segments, target=80, scale=100)


def test_decompose_says_when_the_baseline_has_no_volume():
    # a 40/50 = 80 %, b 20/50 = 40 %: 60 % overall, 20 short of 80. Without usual volume the
    # baseline shares are the period's (0.5, 0.5): b's 20 points are all performance, 0 mix
    segments = SEGMENTS.assign(baseline_denominator=[0, 0])
    parts = decompose(segments, target=80, scale=100)
    assert parts["baseline_share"].tolist() == [0.5, 0.5]
    assert parts["performance"].tolist() == [0.0, 20.0]
    assert parts["mix"].tolist() == [0.0, 0.0]
    assert "no baseline_denominator" in parts.attrs["note"]
    # with a usual volume there is nothing to say
    assert "note" not in decompose(SEGMENTS, target=80, scale=100).attrs


def test_the_repeated_hour_of_a_fall_back_night_has_its_own_breach_id():
    # Paris falls back on 25 October 2026: 02:00-03:00 is lived twice, at +02:00 then +01:00.
    # One contact in each, each waiting 60 s: service level 0 % in both hours, both breaches.
    # Both were 'service_level/hour/2026-10-25T02:00', so the register kept only the first.
    arrived = pd.DatetimeIndex(["2026-10-25 00:10", "2026-10-25 01:10"], tz="UTC")
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": arrived.tz_convert("Europe/Paris"),
            "answered": True,
            "wait_s": [60.0, 60.0],
        }
    )
    found = breaches(contacts, SL_TARGET, freq="hour")
    assert found["breach_id"].tolist() == [
        "service_level/hour/2026-10-25T02:00",
        "service_level/hour/2026-10-25T02:00+01:00",
    ]
