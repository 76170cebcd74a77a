"""Bad input to kk.scorecard, rate and read_targets: named errors. Expected values by hand."""

import pandas as pd
import pytest

from kpikit.scorecard import rate, read_targets, scorecard

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
