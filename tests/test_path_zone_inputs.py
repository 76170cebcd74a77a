"""Parquet paths taken by kk.breaches and cadence_report as kk.compute takes them, and zoned
parquet files read each with its own kk.scan_parquet put together by kk.compute.

Every expected value is the pandas result on the same data (the frame written to the files,
or the files read back with pd.read_parquet), computed in the test.
"""

import pandas as pd
import pytest

import kpikit as kk
from kpikit._frames import pandas_frame
from kpikit.governance import cadence_report

pytest.importorskip("duckdb")

TARGETS = "sample_data/targets.csv"
PARIS = "Europe/Paris"


@pytest.fixture(scope="module")
def sample():
    return kk.load_sample()


@pytest.fixture(scope="module")
def few_days(sample, tmp_path_factory):
    """Three days of the sample's contacts, as a frame and as a parquet file and a folder."""
    contacts = sample.contacts[sample.contacts["arrived_at"] < "2026-06-04"].reset_index(drop=True)
    folder = tmp_path_factory.mktemp("few_days")
    contacts.iloc[:2000].to_parquet(folder / "part-0.parquet", index=False)
    contacts.iloc[2000:].to_parquet(folder / "part-1.parquet", index=False)
    single = tmp_path_factory.mktemp("single") / "c.parquet"
    contacts.to_parquet(single, index=False)
    return contacts, single, folder


@pytest.mark.parametrize("which", ["file", "folder"])
def test_breaches_of_a_parquet_path_equal_pandas(few_days, which):
    # Before: TypeError "Dataset.contacts must be a dataframe ...; received str."
    contacts, single, folder = few_days
    found = kk.breaches(str(single if which == "file" else folder), TARGETS)
    expected = kk.breaches(contacts, TARGETS)  # the pandas result on the same rows
    assert len(expected) > 0
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)
    assert found.attrs["unavailable"] == expected.attrs["unavailable"]


@pytest.mark.parametrize(("cadence", "which"), [("daily", "file"), ("weekly", "folder")])
def test_cadence_report_of_a_parquet_path_equals_pandas(few_days, cadence, which):
    # Before: narwhals' raw "TypeError: Unsupported dataframe type, got: <class 'str'>"
    contacts, single, folder = few_days
    report = cadence_report(cadence, single if which == "file" else folder, TARGETS)
    expected = cadence_report(cadence, contacts, TARGETS)  # the pandas report
    assert (report.start, report.end) == (expected.start, expected.end)
    assert len(report.sections) == len(expected.sections)
    for got, want in zip(report.sections, expected.sections, strict=True):
        assert (got.title, got.lines) == (want.title, want.lines)
        if want.table is None:
            assert got.table is None
        else:
            pd.testing.assert_frame_equal(got.table, want.table, check_dtype=False)


@pytest.fixture(scope="module")
def zoned_files(sample, tmp_path_factory):
    """Three June days of contacts and agent intervals localized to Europe/Paris, the
    sample's costs (naive month starts), each in its own parquet file."""
    contacts = sample.contacts[sample.contacts["arrived_at"] < "2026-06-04"]
    intervals = sample.agent_intervals[sample.agent_intervals["interval_start"] < "2026-06-04"]
    contacts = contacts.assign(arrived_at=contacts["arrived_at"].dt.tz_localize(PARIS))
    intervals = intervals.assign(interval_start=intervals["interval_start"].dt.tz_localize(PARIS))
    folder = tmp_path_factory.mktemp("zoned")
    paths = [folder / f"{name}.parquet" for name in ("contacts", "intervals", "costs")]
    for frame, path in zip((contacts, intervals, sample.costs), paths, strict=True):
        frame.to_parquet(path, index=False)
    return paths


def _scanned(paths):
    return (kk.scan_parquet(path, progress=False) for path in paths)


def _read(paths):
    return (pd.read_parquet(path) for path in paths)


def _same(result, expected, keys):
    result = pandas_frame(result).sort_values(keys, ignore_index=True)
    expected = expected.sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(result, expected, check_dtype=False)


def test_zoned_intervals_read_by_their_own_scan_equal_pandas(zoned_files):
    # Before: "Value of 'tz' is 'Europe/Paris', but DuckDB reads ..." with no tz given: the
    # intervals' relation was on a UTC connection (the zone was taken from arrived_at alone)
    c, i, _ = _scanned(zoned_files)
    result = kk.compute(kk.Dataset(contacts=c, agent_intervals=i), freq="day")
    pc, pi, _ = _read(zoned_files)
    expected = kk.compute(kk.Dataset(contacts=pc, agent_intervals=pi), freq="day")
    assert {"occupancy", "schedule_adherence"} <= set(expected["kpi"])
    assert str(pandas_frame(result)["period"].dt.tz) == PARIS
    _same(result, expected, ["period", "kpi"])


def test_costs_read_by_their_own_scan_equal_pandas(zoned_files):
    # Before: narwhals' raw "Only the connection time zone Etc/UTC is supported, got:
    # Europe/Paris" (the costs' dates, without a zone, on a UTC connection)
    c, _, k = _scanned(zoned_files)
    result = kk.compute(kk.Dataset(contacts=c, costs=k), "cost_per_contact", freq="month")
    pc, _, pk = _read(zoned_files)
    expected = kk.compute(kk.Dataset(contacts=pc, costs=pk), "cost_per_contact", freq="month")
    # June, the month of the three days, has a cost per contact; July and August none
    assert expected["value"].notna().tolist() == [True, False, False]
    _same(result, expected, ["period", "kpi"])


def test_tables_on_connections_in_different_zones_are_named(zoned_files, tmp_path):
    # intervals written in UTC: their relation is on a UTC connection, the contacts' on Paris
    utc = tmp_path / "intervals_utc.parquet"
    intervals = pd.read_parquet(zoned_files[1])
    intervals.assign(interval_start=intervals["interval_start"].dt.tz_convert("UTC")).to_parquet(
        utc, index=False
    )
    c, i = _scanned([zoned_files[0], utc])
    with pytest.raises(ValueError, match="different time zones") as raised:
        kk.compute(kk.Dataset(contacts=c, agent_intervals=i), "occupancy", freq="day")
    message = str(raised.value)
    assert "contacts.arrived_at in Europe/Paris" in message
    assert "agent_intervals.interval_start in UTC" in message
    assert "kk.scan_parquet(path, tz='Europe/Paris')" in message
    assert "Value of 'tz'" not in message
    # with tz= on each scan_parquet, as the message says, it equals pandas
    c, i = (kk.scan_parquet(p, progress=False, tz=PARIS) for p in (zoned_files[0], utc))
    result = kk.compute(kk.Dataset(contacts=c, agent_intervals=i), "occupancy", freq="day")
    expected = kk.compute(
        kk.Dataset(contacts=pd.read_parquet(zoned_files[0]), agent_intervals=intervals),
        "occupancy",
        freq="day",
    )
    _same(result, expected, ["period", "kpi"])


def test_costs_on_a_connection_in_another_zone_are_named(zoned_files):
    # no contacts' relation in Paris to copy the costs onto: refused in words, not narwhals'
    # raw "Only the connection time zone Etc/UTC is supported"
    import narwhals as nw

    from kpikit.metrics._inputs import _localize_dates

    costs = nw.from_native(kk.scan_parquet(zoned_files[2], progress=False))
    with pytest.raises(ValueError, match="different time zones") as raised:
        _localize_dates(costs, "period_start", PARIS)
    message = str(raised.value)
    assert "Europe/Paris" in message and "costs.period_start" in message
    assert "kk.scan_parquet(path, tz='Europe/Paris')" in message
