"""A report checks each table once: kpikit.metrics._checked_once."""

import warnings

import pytest
from fixtures import hand_dataset

import kpikit as kk
from kpikit.governance import cadence_report
from kpikit.metrics import _inputs
from kpikit.metrics._checked_once import already_checked, checked_once


@pytest.fixture
def checks(monkeypatch):
    """The tables of every value check that runs, one list per check."""
    seen = []
    original = _inputs._check_values

    def counted(dataset, tables, options):
        seen.append(sorted(tables))
        return original(dataset, tables, options)

    monkeypatch.setattr(_inputs, "_check_values", counted)
    return seen


def test_a_table_is_checked_by_the_first_compute_that_reads_it(checks):
    data = hand_dataset()
    with checked_once(data):
        kk.compute(data, kpis=["aht"])
        kk.compute(data, kpis=["csat"], by="channel")  # contacts again: not checked
        kk.compute(data, kpis=["occupancy"])  # agent intervals are new: checked (and contacts)
        kk.compute(data, kpis=["aht", "occupancy"])
    assert checks == [["contacts"], ["agent_intervals", "contacts"]]
    kk.compute(data, kpis=["aht"])  # the scope closed: checked as usual
    assert len(checks) == 3


def test_other_frames_and_another_csat_scale_are_checked_again(checks):
    data = hand_dataset()
    with checked_once(data):
        kk.compute(data, kpis=["aht"])
        kk.compute(data.contacts.copy(), kpis=["aht"])  # equal values, another frame
        kk.compute(data, kpis=["csat"], csat_scale=7)  # 1..7: other bounds
        assert already_checked(data, ["contacts"], 7)
        assert not already_checked(data, ["contacts"], 10)
    assert len(checks) == 3


def test_bad_values_still_raise_inside_a_scope():
    data = hand_dataset()
    bad = kk.Dataset(data.contacts.assign(wait_s=-1.0), data.agent_intervals, data.costs)
    with checked_once(bad), pytest.raises(kk.SchemaError, match="wait_s"):
        kk.compute(bad, kpis=["asa"])
    with checked_once(bad), pytest.raises(kk.SchemaError, match="wait_s"):
        kk.compute(bad, kpis=["aht"])  # a failed check records nothing
        kk.compute(bad, kpis=["asa"])


def test_a_monthly_report_checks_the_log_once_per_table_set(checks):
    # Before, each of its 16 computes checked the whole log again. Now the scorecard's two
    # computes check it (the second reads the costs too); the four that check are those
    # of the staffing windows, whose frames are a group's contacts of a few hours.
    data = kk.load_sample()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cadence_report("monthly", data, kk.sample.load_targets())
    whole = [tables for tables in checks if len(tables) > 1]
    assert whole == [["agent_intervals", "contacts"], ["agent_intervals", "contacts", "costs"]]
    assert len(checks) == 6


def test_breaches_check_each_table_once(checks):
    # The contacts by the first compute, the agent intervals with them (all of a compute's
    # tables are checked when one is new); cost per contact by site is unavailable, and the
    # contacts offered per breach are counted unchecked (before: checked a third time).
    data = kk.load_sample()
    kk.breaches(data, kk.sample.load_targets(), by="site")
    assert checks == [["contacts"], ["agent_intervals", "contacts"]]


def test_a_root_cause_checks_the_log_once(checks):
    # its computes (the period's and the usual sums by dimension and by block of the day) read
    # the same contacts: one check; the staffing window's contacts are a frame of their own
    data = kk.load_sample()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = kk.breaches(data, kk.sample.load_targets(), by="site")
        checks.clear()
        kk.governance.root_cause(data, found.iloc[0])
    assert checks == [["contacts"], ["contacts"]]
