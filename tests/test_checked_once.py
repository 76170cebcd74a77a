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
        kk.compute(data, kpis=["occupancy"])  # agent intervals are new: checked, they alone
        kk.compute(data, kpis=["aht", "occupancy"])
        kk.compute(data, kpis=["cost_per_contact"])  # the costs alone
    assert checks == [["contacts"], ["agent_intervals"], ["costs"]]
    kk.compute(data, kpis=["aht"])  # the scope closed: checked as usual
    assert len(checks) == 4


def test_a_new_table_beside_a_checked_one_is_checked_alone_on_every_engine():
    # A DuckDB relation's contacts are checked folded into the sums query; the costs read
    # beside them later are checked alone, the usual way, and a bad cost is still found.
    import duckdb

    data = hand_dataset()
    connection = duckdb.connect()
    contacts = connection.from_df(data.contacts)
    bad_costs = data.costs.assign(cost=-1.0)
    for costs, problem in ((data.costs, None), (bad_costs, "cost")):
        dataset = kk.Dataset(contacts, costs=costs)
        with checked_once(dataset):
            kk.compute(dataset, kpis=["aht"])
            assert already_checked(dataset, ["contacts"], 5)
            assert not already_checked(dataset, ["costs"], 5)
            if problem is None:
                kk.compute(dataset, kpis=["cost_per_contact"]).df()
                assert already_checked(dataset, ["contacts", "costs"], 5)
            else:
                with pytest.raises(kk.SchemaError, match=r"costs\.cost: \d+ rows? below 0"):
                    kk.compute(dataset, kpis=["cost_per_contact"])
                assert not already_checked(dataset, ["costs"], 5)


@pytest.mark.filterwarnings("ignore::kpikit.metrics._csat_scale.CsatScaleWarning")  # 1..5 on 1..7
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


def test_a_monthly_report_checks_each_table_once(checks):
    # Before, each of its 16 computes checked the whole log again; then each set of tables
    # once (the scorecard's second compute checked the contacts and agent intervals again
    # beside the new costs). Now each table once: the scorecard's first compute the contacts
    # and agent intervals, its second the costs alone; the four more contacts checks are
    # those of the staffing windows, whose frames are a group's contacts of a few hours.
    data = kk.load_sample()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cadence_report("monthly", data, kk.sample.load_targets())
    assert checks[:2] == [["agent_intervals", "contacts"], ["costs"]]
    assert checks[2:] == [["contacts"]] * 4


def test_breaches_check_each_table_once(checks):
    # The contacts by the first compute, the agent intervals alone by the one that reads them
    # (before: with the contacts again); cost per contact by site is unavailable, and the
    # contacts offered per breach are counted unchecked (before: checked a third time).
    data = kk.load_sample()
    kk.breaches(data, kk.sample.load_targets(), by="site")
    assert checks == [["contacts"], ["agent_intervals"]]


def test_a_root_cause_checks_the_log_once(checks):
    # its computes (the period's and the usual sums by dimension and by block of the day) read
    # the same contacts: one check; the agent intervals are checked once, before the staffing
    # check counts agents from them; the staffing window's contacts are a frame of their own
    data = kk.load_sample()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = kk.breaches(data, kk.sample.load_targets(), by="site")
        checks.clear()
        kk.governance.root_cause(data, found.iloc[0])
    assert checks == [["contacts"], ["agent_intervals"], ["contacts"]]
