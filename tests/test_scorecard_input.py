"""Bad input to kk.scorecard, rate and read_targets: named errors. Expected values by hand."""

import numpy as np
import pandas as pd
import pytest

from kpikit.scorecard import Ramp, rate, read_targets, scorecard

TARGETS = pd.DataFrame({"kpi": ["service_level"], "target": [80.0], "tolerance": [10.0]})


@pytest.fixture
def contacts():
    # team a: 1 of 2 within 20 s (50 %), team b: 0 of 1
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "team": ["a", "a", "b"],
            "arrived_at": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-01 09:05", "2024-01-01 09:07"]
            ),
            "answered": [True, True, False],
            "wait_s": [5.0, 30.0, 50.0],
        }
    )


@pytest.mark.parametrize("ramp", [5, "x", {}, [], True])
def test_ramp_must_be_a_ramp(contacts, ramp):
    message = r"Value of 'ramp' must be a kpikit.scorecard.Ramp or None but received: "
    with pytest.raises(TypeError, match=message):
        scorecard(contacts, TARGETS, by="team", ramp=ramp)
    frame = pd.DataFrame({"team": ["a"], "kpi": "service_level", "value": [50.0]})
    with pytest.raises(TypeError, match=message):
        rate(frame, TARGETS, ramp=ramp, as_of="2024-01-01")


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (TARGETS.iloc[:0], r"Value of 'targets' has no rows"),
        (
            pd.concat([TARGETS, TARGETS[["target"]]], axis=1),
            r"Value of 'targets' has the column\(s\) \['target'\] more than once",
        ),
        (
            pd.DataFrame({"kpi": ["service_level"], "target": [80], "weight": [1e308]}),
            r"'weight' from 0 to 1e\+06.*\['service_level'\] have \[1e\+308\]",
        ),
        (
            pd.DataFrame({"kpi": ["utilization"], "band_low": [70], "band_high": [120]}),
            r"'band_high' from 0 to 100 for 'utilization'.*row 0 has: 120",
        ),
        (
            pd.DataFrame({"kpi": ["aht", "fcr"], "target": [300, 101]}),
            r"'target' from 0 to 100 for 'fcr' \(percent\) but row 1 has: 101",
        ),
        (
            pd.DataFrame({"kpi": ["qa_score"], "target": [120]}),
            r"'target' from 0 to 100 for 'qa_score'.*120",
        ),
    ],
)
def test_target_tables_are_checked_before_use(contacts, targets, message):
    with pytest.raises(ValueError, match=message):
        scorecard(contacts, targets)
    with pytest.raises(ValueError, match=message):
        read_targets(targets)


@pytest.mark.parametrize("alpha", ["abc", None, []])
def test_alpha_must_be_a_number(contacts, alpha):
    with pytest.raises(TypeError, match=r"Value of 'alpha' must be a number but received: "):
        scorecard(contacts, TARGETS, alpha=alpha)


@pytest.mark.parametrize("by", [5, ["team", 5], {"team": 1}])
def test_by_must_name_columns(contacts, by):
    with pytest.raises(TypeError, match=r"Value of 'by' must be a column name or a list of"):
        scorecard(contacts, TARGETS, by=by)


def test_conformance_targets_may_pass_100_and_zero_weights_stay_allowed():
    # Conformance is time available for work over time scheduled: overtime takes it past 100,
    # as the calculator allows. A weight of 0 rates a KPI without scoring it, as before.
    targets = read_targets(
        pd.DataFrame(
            {"kpi": ["schedule_conformance", "aht"], "target": [105.0, 300.0], "weight": [1, 0]}
        )
    )
    assert targets["target"].tolist() == [105.0, 300.0]
    assert targets["weight"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("kpi_id", "value", "message"),
    [
        ("fcr", np.inf, r"fcr from 0 to 100\) but row\(s\) \[1\] have: \[inf\]"),
        ("fcr", 101.0, r"fcr from 0 to 100\) but row\(s\) \[1\] have: \[101.0\]"),
        ("aht", -50.0, r"aht finite and >= 0\) but row\(s\) \[1\] have: \[-50.0\]"),
        ("aht", -np.inf, r"aht finite and >= 0\) but row\(s\) \[1\] have: \[-inf\]"),
    ],
)
def test_impossible_kpi_values_are_refused(kpi_id, value, message):
    frame = pd.DataFrame({"kpi": [kpi_id, kpi_id], "value": [50.0, value]})
    targets = pd.DataFrame({"kpi": [kpi_id], "target": [75.0]})
    with pytest.raises(ValueError, match=r"Value of 'kpi_frame' must have each 'value' in"):
        rate(frame, targets)
    with pytest.raises(ValueError, match=message):
        rate(frame, targets)


def test_text_kpi_values_name_the_column_and_rows():
    frame = pd.DataFrame({"kpi": ["fcr", "fcr"], "value": [50.0, "abc"]})
    message = r"must hold numbers in column 'value' but row\(s\) \[1\] have: \['abc'\]"
    with pytest.raises(ValueError, match=message):
        rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75.0]}))


@pytest.mark.parametrize("previous", ["no", 0, None])
def test_previous_must_be_a_bool(previous):
    frame = pd.DataFrame({"kpi": ["fcr"], "value": [80.0]})
    with pytest.raises(TypeError, match=r"Value of 'previous' must be True or False"):
        rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75.0]}), previous=previous)


def test_ramp_arguments_take_numpy_integers_and_refuse_a_list_of_groups():
    ramp = Ramp(days=np.int64(30), steps=np.int32(2))
    assert (ramp.days, ramp.steps) == (30, 2)
    with pytest.raises(TypeError, match=r"'start_dates' must map groups to start dates"):
        Ramp(start_dates=["north"])


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (
            pd.DataFrame({"kpi": ["fcr"], "target": [True]}),
            r"True/False 'target' for KPI\(s\) \['fcr'\]: \[True\]",
        ),
        (
            pd.DataFrame({"kpi": ["fcr"], "target": [75], "area": [5]}),
            r"text 'area' .* \['fcr'\] have: \[5\]",
        ),
        (
            "helthcare",
            r"neither a .csv/.toml file nor a sector.*'helthcare'. Did you mean 'healthcare'",
        ),
    ],
)
def test_targets_refuse_flags_numeric_areas_and_misspelt_sectors(targets, message):
    with pytest.raises(ValueError, match=message):
        read_targets(targets)


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("target", ["80", 300.0]),  # was read as 80
        ("tolerance", [5.0, "5"]),
        ("weight", pd.array(["2", None], dtype="string[pyarrow]")),
    ],
)
def test_targets_refuse_numbers_given_as_text(column, values):
    targets = pd.DataFrame({"kpi": ["fcr", "aht"], "target": [80.0, 300.0]}).assign(
        **{column: values}
    )
    with pytest.raises(ValueError, match=rf"a text '{column}' for KPI\(s\) \['(fcr|aht)'\]"):
        read_targets(targets)


def test_targets_from_toml_refuse_a_quoted_number(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text('[fcr]\ntarget = "80"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"a text 'target' for KPI\(s\) \['fcr'\]: \['80'\]"):
        read_targets(path)


@pytest.mark.parametrize("column", ["target", "tolerance", "weight"])
def test_targets_past_float_range_are_refused_by_name(column):
    # 10**400 in an object column raised a raw OverflowError from pandas.to_numeric
    targets = pd.DataFrame({"kpi": ["aht"], "target": [300.0]})
    targets[column] = pd.Series([10**400], dtype=object)
    with pytest.raises(ValueError, match=rf"Value of 'targets' must have a .*'{column}'.*inf"):
        read_targets(targets)


def test_targets_take_a_polars_frame():
    # was refused with "must be a DataFrame ... but received: DataFrame"
    polars = pytest.importorskip("polars")
    targets = read_targets(polars.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]}))
    assert targets[["kpi", "target", "tolerance", "weight"]].values.tolist() == [
        ["fcr", 75.0, 5.0, 1.0]
    ]


def test_rate_refuses_a_kpi_given_twice_for_a_group():
    # team a's fcr on two rows (76 and 60) was rated twice, green and red, and scored twice
    frame = pd.DataFrame({"team": ["a", "a", "b"], "kpi": "fcr", "value": [76.0, 60.0, 70.0]})
    message = r"one row per KPI, group and period but 2 rows repeat \['team', 'kpi'\].*\[0, 1\]"
    with pytest.raises(ValueError, match=message):
        rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75.0]}))


def test_rate_refuses_a_kpi_value_given_as_text():
    # "80" was read as 80 (green) while "abc" was refused
    frame = pd.DataFrame({"kpi": ["fcr", "fcr"], "team": ["a", "b"], "value": [50.0, "80"]})
    message = r"must hold numbers in column 'value' but row\(s\) \[1\] have: \['80'\]"
    with pytest.raises(ValueError, match=message):
        rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75.0]}))


def test_rate_names_periods_that_mix_zones():
    # raised pandas' "Cannot compare tz-naive and tz-aware timestamps"
    periods = [pd.Timestamp("2026-03-28"), pd.Timestamp("2026-03-29", tz="Europe/Paris")]
    frame = pd.DataFrame({"period": periods, "kpi": "fcr", "value": [80.0, 60.0]})
    message = r"periods all with a time zone or all without but row\(s\) \[0\] have none"
    with pytest.raises(ValueError, match=message):
        rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75.0]}))


@pytest.mark.parametrize("amounts", [("100", 50), (100, True), "12"])
def test_credits_refuse_text_and_flags(amounts):
    # ("100", 50) credited 100; "12" was read as the pair (1, 2)
    frame = pd.DataFrame({"kpi": ["fcr"], "value": [80.0]})
    with pytest.raises(ValueError, match=r"'credits\['fcr'\]' must be a \(bonus, penalty\) pair"):
        rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75.0]}), credits={"fcr": amounts})


def test_ramp_days_past_the_pandas_span_are_refused_by_name():
    # 10**400 days was accepted and rate() then raised a raw OutOfBoundsTimedelta
    with pytest.raises(
        ValueError, match=r"'days' must be a positive integer up to 106751.*10\^400"
    ):
        Ramp(days=10**400, start_dates={"a": "2026-01-01"})
    # the longest ramp works: a team started 1 January is in its first step on 1 February
    ramp = Ramp(days=106751, start_dates={"a": "2026-01-01"})
    assert ramp.share("a", "2026-02-01") == 1.0


def test_ramp_refuses_a_group_without_a_start_date():
    # None became NaT and the group was silently never ramped
    with pytest.raises(ValueError, match=r"'start_dates' has no date for group\(s\) \['a'\]"):
        Ramp(start_dates={"a": None, "b": "2026-01-01"})
