"""Cadence reports: what each one holds on the sample, the numbers behind its words, and the
files ``kpikit report daily|weekly|monthly|quarterly`` writes."""

import re
import warnings

import pandas as pd
import pytest
from fixtures import hand_contacts
from openpyxl import load_workbook

import kpikit as kk
from kpikit.cli import main
from kpikit.governance import (
    ActionRegister,
    breaches,
    cadence_report,
    report_html,
    root_cause,
    write_report,
)
from kpikit.governance.reviews import next_target
from kpikit.sample import load_targets

SL_TARGETS = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})
EXTERNAL = re.compile(r"""(?:href|src)=["']?(?:https?:)?//""")


@pytest.fixture(scope="module")
def sample():
    return kk.load_sample()


@pytest.fixture(scope="module")
def monthly(sample):
    return cadence_report("monthly", sample, load_targets(), date="2026-07-15")


def section(report, title):
    return next(part for part in report.sections if part.title == title)


def test_monthly_review_names_the_biggest_contributor_of_each_miss(sample, monthly):
    targets = load_targets()
    found = breaches(
        sample,
        targets[targets["kpi"].isin(["service_level", "abandonment_rate", "aht", "fcr", "csat"])],
        by="site",
        freq="month",
    )
    july = found[found["period"] == "2026-07-01"]
    causes = [part for part in monthly.sections if part.sheet == "root causes"]
    assert len(causes) == len(july) > 0
    for part in causes:
        table = part.table
        miss = july[
            (july["name"] == table["KPI"].iloc[0]) & (july["site"] == table["group"].iloc[0])
        ]
        assert len(miss) == 1
        # the words quote the breach's own numbers
        assert table["value"].iloc[0] == pytest.approx(miss["value"].iloc[0])
        assert table["gap"].iloc[0] == pytest.approx(miss["gap"].iloc[0])
        # the segment named first, of all dimensions, has the largest share of the miss
        dimensions = table[~table["dimension"].isin(["hot spot", "date"])]
        best = dimensions.sort_values("share of the miss (%)", ascending=False).iloc[0]
        labels = ("Queue ", "Team ", "Channel ", "Reason ", "Time of day ", "Weekday ")
        first = next(line for line in part.lines if line.startswith(labels))
        assert f" {best['segment']}: " in first, (part.title, first)
        assert dimensions["share of the miss (%)"].tolist() == pytest.approx(
            (100 * dimensions["contribution"] / dimensions["gap"]).tolist()
        )
        assert (dimensions["performance"] + dimensions["mix"]).tolist() == pytest.approx(
            dimensions["contribution"].tolist()
        )
    # one miss recomputed from scratch: the same shares
    part = section(
        monthly,
        "Abandonment rate, site Harbor, July 2026: 7.6 % against a target "
        "of 5.0 % (2.6 points over).",
    )
    miss = july[(july["kpi"] == "abandonment_rate") & (july["site"] == "Harbor")].iloc[0]
    segments = root_cause(sample, miss).segments
    for _, row in part.table[part.table["dimension"] != "hot spot"].iterrows():
        expected = segments[
            (segments["dimension"] == row["dimension"]) & (segments["segment"] == row["segment"])
        ]["share_of_gap"]
        assert row["share of the miss (%)"] == pytest.approx(100 * expected.iloc[0])


def test_monthly_review_explains_lakeside_service_by_its_staffing(monthly):
    title = (
        "Service level, site Lakeside, July 2026: 61.1 % against a target of 80.0 % "
        "(18.9 points short)."
    )
    part = section(monthly, title)
    assert "short of the Erlang C requirement" in part.lines[0]
    assert any(line.startswith("Worst days:") for line in part.lines)
    scorecard = section(monthly, "Scorecard")
    assert set(scorecard.table["group"]) == {"Harbor", "Lakeside", "North", "whole center"}


def test_open_actions_come_from_the_register_overdue_first(sample, tmp_path):
    found = breaches(sample, load_targets(), by="site", freq="day")
    late, fine = found.iloc[0], found.iloc[-1]
    soon = found[found["period"] == found["period"].max()].iloc[0]
    assert soon["breach_id"] != fine["breach_id"]
    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        register.record(fine, author="Ana", owner="North lead", root_cause="x", plan="y")
        register.record(late, author="Ben", owner="Harbor lead")
        register.record(soon, author="Cy", owner="Lakeside lead")
        report = cadence_report(
            "daily", sample, load_targets(), date=fine["period"], register=register
        )
    actions = section(report, "Actions overdue or due soon").table
    # the oldest breach has no root cause nor plan long after its deadlines: overdue, first;
    # the day's own breach has its root cause due within two days; the done one is left out
    assert actions["owner"].tolist() == ["Harbor lead", "Lakeside lead"]
    assert actions["overdue"].tolist() == ["root cause, plan", ""]


def test_daily_report_lists_volume_and_the_days_breaches(sample):
    report = cadence_report("daily", sample, load_targets(), date="2026-07-14")
    volume = section(report, "Volume and service").table.set_index("group")
    offered = sample.contacts[sample.contacts["arrived_at"].dt.normalize() == "2026-07-14"]
    # offered contacts of the day, by site and in all
    assert volume.loc["whole center", "offered"] == len(offered)
    assert volume.loc["Lakeside", "offered"] == (offered["site"] == "Lakeside").sum()
    breaches_today = section(report, "SLA breaches of the day").table
    assert (breaches_today["root cause due"] == pd.Timestamp("2026-07-17")).all()
    assert breaches_today["status"].iloc[0] == "red"


def test_the_daily_volume_table_follows_the_reports_options(sample):
    # short abandons (under 10 s) leave the rates' denominators, as in the day's breaches:
    # the table took them as 0 s and showed Lakeside at 58.13 % where compute gives 58.69 %.
    # The counts still take every contact.
    report = cadence_report("daily", sample, load_targets(), date="2026-07-15", short_abandon_s=10)
    volume = section(report, "Volume and service").table.set_index("group")
    day = sample.contacts[sample.contacts["arrived_at"].dt.normalize() == "2026-07-15"]
    expected = kk.compute(
        day, ["service_level", "abandonment_rate"], by="site", short_abandon_s=10
    ).set_index(["site", "kpi"])["value"]
    short = (~day["answered"] & (day["wait_s"] < 10)).sum()
    assert short > 0  # the option matters that day
    for site in ("Lakeside", "North"):
        row = volume.loc[site]
        assert row["service level (%)"] == pytest.approx(expected[site, "service_level"])
        assert row["abandonment (%)"] == pytest.approx(expected[site, "abandonment_rate"])
        assert row["offered"] == (day["site"] == site).sum()


def test_the_usual_weekday_is_a_calendar_week_earlier_across_a_clock_change():
    # Wednesdays in Paris, 10 contacts each, then 20 on 1 April, after the clocks went forward
    # on 29 March: a week of 167 hours, which 168 hours missed (the comparison was dropped)
    days = pd.date_range("2026-03-04", "2026-04-01", freq="7D")
    times = [day + pd.Timedelta(hours=10) for day in days for _ in range(10)]
    times += [days[-1] + pd.Timedelta(hours=11)] * 10
    contacts = pd.DataFrame(
        {
            "contact_id": range(len(times)),
            "arrived_at": pd.DatetimeIndex(times).tz_localize("Europe/Paris"),
            "answered": True,
            "wait_s": 5.0,
        }
    )
    report = cadence_report("daily", contacts, SL_TARGETS, date="2026-04-01")
    volume = section(report, "Volume and service").table.set_index("group")
    assert volume.loc["whole center", "offered"] == 20
    assert volume.loc["whole center", "vs usual"] == pytest.approx(100.0)  # 20 against 10


@pytest.mark.parametrize("targeted", ["answer rate", "service level only"])
def test_daily_report_says_a_site_had_no_contacts_that_day(sample, targeted):
    # Lakeside closed on 14 July. Rating gives it empty rows of the KPIs with a target: with a
    # target for the service level alone the report raised KeyError 'answer_rate', with one for
    # the answer rate it said "Lakeside: nan contacts.". By hand: Lakeside offered 0, and the
    # center's offered contacts are Harbor's and North's.
    contacts = sample.contacts
    day = contacts["arrived_at"].dt.normalize() == "2026-07-14"
    closed = contacts[~(day & (contacts["site"] == "Lakeside"))]
    targets = load_targets()
    if targeted == "service level only":
        targets = targets[targets["kpi"] == "service_level"]
    report = cadence_report("daily", kk.Dataset(contacts=closed), targets, date="2026-07-14")
    volume_section = section(report, "Volume and service")
    volume = volume_section.table.set_index("group")
    assert volume.loc["Lakeside", ["offered", "answered"]].tolist() == [0.0, 0.0]
    assert "Lakeside: no contacts." in volume_section.lines
    open_sites = (day & (contacts["site"] != "Lakeside")).sum()
    assert volume.loc["whole center", "offered"] == open_sites


def test_a_daily_report_counts_program_days_over_centuries(sample):
    # A contact mistyped as 1700 put the first day 326 years back: pandas' Timedelta of the
    # program day overflowed past 292 years. Calendar days count any span. (FCR, which would
    # refuse such a span, is left out.)
    contacts = sample.contacts.copy()
    contacts.loc[contacts.index[0], "arrived_at"] = pd.Timestamp("1700-01-01 09:00")
    data = kk.Dataset(contacts=contacts)
    report = cadence_report("daily", data, load_targets(), date="2026-07-14", kpis="aht")
    days = (pd.Timestamp("2026-07-14").date() - pd.Timestamp("1700-01-01").date()).days + 1
    assert f"Day {days} of the data." in section(report, "Volume and service").lines[0]


def test_daily_report_needs_no_target_for_the_answer_rate(sample):
    # Targets for the service level only: the offered and answered counts come from the answer
    # rate all the same (the report raised KeyError 'answer_rate'), and abandonment, which has no
    # target, gets no status column.
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0]})
    report = cadence_report("daily", sample, targets, date="2026-07-14")
    volume = section(report, "Volume and service").table.set_index("group")
    contacts = sample.contacts
    today = contacts[contacts["arrived_at"].dt.normalize() == "2026-07-14"]
    assert volume.loc["whole center", "offered"] == len(today)
    assert volume.loc["whole center", "answered"] == today["answered"].sum()
    assert "service level status" in volume.columns
    assert "abandonment status" not in volume.columns


def test_weekly_summary_calls_out_significant_changes(sample):
    report = cadence_report("weekly", sample, load_targets(), date="2026-07-08")
    changes = section(report, "Significant changes").lines
    # Lakeside's staff shortage starts on Monday 6 July
    assert any(line.startswith("Lakeside: Service level fell") for line in changes)
    table = section(report, "Every KPI against its target").table
    assert len(table) == 4 * 15  # three sites and the whole center, every KPI
    assert all(len(weeks) <= 8 for weeks in table["last 8 weeks"])


def test_quarterly_review_flags_persistent_underperformance(sample):
    report = cadence_report("quarterly", sample, load_targets(), date="2026-08-20")
    persistent = section(report, "Persistent underperformance")
    # Harbor's customer satisfaction misses beyond tolerance every week of the sample
    assert any(line.startswith("Harbor: Customer satisfaction") for line in persistent.lines)
    assert persistent.table["flag (days)"].max() == 90
    review = section(report, "Target review").table.set_index("KPI")
    assert review.loc["Service level", "target"] == 80.0
    assert {"benchmark average", "world class", "suggested next target"} <= set(review.columns)
    costs = section(report, "Cost per contact").table
    assert set(costs["channel"]) == {"phone", "chat", "email", "whole center"}


def test_a_group_that_recovered_in_the_quarters_last_week_is_not_persistent():
    # hand-made: 5 contacts a day from Monday 6 July to Sunday 13 September 2026, waiting 60 s
    # (service level 0 %) until Sunday 6 September and 5 s (100 %) in the last week; the
    # section read the last week anything breached (31 Aug) and said "missed for 63 days"
    days = pd.date_range("2026-07-06", "2026-09-13", freq="D")
    times = [day + pd.Timedelta(hours=9, minutes=10 * k) for day in days for k in range(5)]
    contacts = pd.DataFrame(
        {
            "contact_id": range(len(times)),
            "arrived_at": times,
            "answered": True,
            "wait_s": [60.0 if t < pd.Timestamp("2026-09-07") else 5.0 for t in times],
        }
    )
    targets = SL_TARGETS.assign(tolerance=5.0)
    recovered = cadence_report(
        "quarterly", contacts, targets, date="2026-09-13", kpis=["service_level"]
    )
    persistent = section(recovered, "Persistent underperformance")
    assert persistent.lines[-1] == "No group is in persistent breach."
    assert persistent.table is None
    # still missing in the last week: 10 weeks in breach since 6 July, 70 days, flagged at 60
    missing = contacts.assign(wait_s=60.0)
    report = cadence_report(
        "quarterly", missing, targets, date="2026-09-13", kpis=["service_level"]
    )
    persistent = section(report, "Persistent underperformance")
    assert persistent.lines[-1].startswith("whole center: Service level missed for 70 days")
    assert persistent.table["flag (days)"].tolist() == [60]


def test_a_weekly_summary_compares_with_the_week_before_not_a_month_before():
    # 200 contacts on Monday 2 February (all in time) and 200 on Monday 2 March 2026 (none):
    # the week of 23 February has no contacts, so there is no previous week and no change.
    # The weeks present, a month apart, were read as months: "fell from 100.0 % to 0.0 %"
    rows = [
        {
            "contact_id": i + 200 * j,
            "arrived_at": pd.Timestamp(day) + pd.Timedelta(minutes=i),
            "answered": True,
            "wait_s": wait,
        }
        for j, (day, wait) in enumerate([("2026-02-02", 5.0), ("2026-03-02", 100.0)])
        for i in range(200)
    ]
    report = cadence_report("weekly", pd.DataFrame(rows), SL_TARGETS, date="2026-03-02")
    table = report.sections[1].table
    assert table["previous week"].isna().all()
    assert not any("fell from" in line for part in report.sections for line in part.lines)


def test_next_target_rises_on_the_ramp_and_never_falls():
    # met 4 of 4 weeks at a median of 85: halfway from 80 is 82.5
    assert next_target(80, "higher", [84, 85, 86, 85])[0] == 82.5
    # capped at the world-class edge
    assert next_target(80, "higher", [95, 96, 97, 95], ceiling=90)[0] == 87.5
    assert next_target(80, "higher", [95, 96, 97, 95], ceiling=82)[0] == 82.0
    # met too rarely: kept, not lowered
    assert next_target(80, "higher", [60, 61, 62, 85])[0] == 80.0
    assert next_target(5, "lower", [4, 4, 3, 4])[0] == 4.5  # abandonment, median 4


def test_page_shows_no_signed_zero(monthly):
    # the root causes' tables hold mixes of -0.027 points and the like; shown to one decimal
    # they are 0.0, not -0.0
    tables = [
        part.table for part in monthly.sections if "mix" in getattr(part.table, "columns", [])
    ]
    mixes = pd.concat(tables)["mix"]
    assert ((mixes < 0) & (mixes > -0.05)).any()
    page = report_html(monthly)
    assert not re.search(r">[-+]0\.0+<", page)
    assert ">0.0<" in page


def test_page_is_standalone_and_reads_on_a_phone(monthly):
    page = report_html(monthly)
    assert "<script" not in page
    assert not EXTERNAL.search(page)
    assert "width=device-width" in page
    assert "overflow-x: auto" in page
    assert "✘" in page and "Root cause of each miss" in page
    # each table's box scrolls sideways on a phone: the keyboard must reach it to scroll it,
    # and a screen reader hears which table it holds (the boxes had no tabindex, role or name)
    boxes = re.findall(r"<div class='scroll'[^>]*>", page)
    assert boxes and all(
        re.fullmatch(
            r"<div class='scroll' tabindex='0' role='region' aria-label='[^']+ \(table\)'>", box
        )
        for box in boxes
    )
    assert "aria-label='Scorecard (table)'" in page
    assert "<th>" not in page and "<th scope='col'>" in page


def test_cli_writes_the_page_and_the_workbook(tmp_path, capsys):
    output = tmp_path / "july.html"
    output.write_text("last month's page")
    output.chmod(0o640)  # shared with a group: replaced whole, it keeps that
    assert main(["report", "daily", "--date", "2026-07-14", "-o", str(output)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert "<h1>Daily report: Tue 14 Jul 2026</h1>" in output.read_text(encoding="utf-8")
    assert output.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["july.html", "july.xlsx"]
    workbook = load_workbook(tmp_path / "july.xlsx")
    assert workbook.sheetnames == ["findings", "volume", "breaches"]
    assert workbook["breaches"]["G2"].value == "red"  # status column, worst first


def test_cli_rejects_a_date_outside_the_data(capsys):
    assert main(["report", "daily", "--date", "2025-01-01"]) == 2
    assert "outside the data (2026-06-01 to 2026-08-29)" in capsys.readouterr().err
    assert main(["report", "daily", "--date", "yesterday"]) == 2
    assert "--date must be a day" in capsys.readouterr().err


def test_cli_reads_the_data_with_the_reading_flags(tmp_path, capsys):
    contacts = hand_contacts()
    for column in ("answered", "transferred"):
        contacts[column] = contacts[column].map({True: "Y", False: "N"})
    log = tmp_path / "yn.csv"
    contacts.to_csv(log, index=False)
    output = tmp_path / "daily.html"
    arguments = ["report", "daily", "--data", str(log), "-o", str(output)]
    assert main(arguments) == 2  # the advice names the command line's flags
    assert "pass --true-values Y and --false-values N" in capsys.readouterr().err
    assert main([*arguments, "--true-values", "Y", "--false-values", "N"]) == 0
    assert "<h1>Daily report: Fri 6 Mar 2026</h1>" in output.read_text(encoding="utf-8")


def test_fcr_of_the_last_week_is_provisional_not_missed(sample):
    # the sample ends on Saturday 29 August; the week of 24 August ends on the 31st, and its
    # FCR window (48 h) closes on 2 September: repeats may still arrive, so it is not rated
    report = cadence_report("weekly", sample, load_targets(), date="2026-08-27")
    table = section(report, "Every KPI against its target").table
    fcr = table[table["KPI"] == kk.kpi("fcr").name]
    assert len(fcr) == 4 and set(fcr["status"]) == {"provisional"}
    assert set(table.loc[table["KPI"] != kk.kpi("fcr").name, "status"]) <= {
        "green",
        "amber",
        "red",
        "no data",
    }
    page = report_html(report)
    assert "◷ provisional: repeats may still arrive" in page
    earlier = cadence_report("weekly", sample, load_targets(), date="2026-08-12")
    table = section(earlier, "Every KPI against its target").table
    assert "provisional" not in set(table["status"])  # that week's window closed long ago


def _zoned_contacts(zone, times):
    # one late contact (60 s, outside the 20 s service level) at each local time
    return pd.DataFrame(
        {
            "contact_id": range(len(times)),
            "arrived_at": pd.to_datetime(times).tz_localize(zone),
            "answered": True,
            "wait_s": 60.0,
        }
    )


def test_quarterly_review_of_a_kpi_the_contacts_cannot_give_has_no_week_range(sample):
    # contacts alone give no occupancy: its weeks are all unknown, and NumPy's nanmin warned
    # "All-NaN slice encountered" three times
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        report = cadence_report("quarterly", sample.contacts, load_targets(), date="2026-08-20")
    table = next(
        part.table
        for part in report.sections
        if part.table is not None and "lowest week" in part.table.columns
    )
    occupancy = table.set_index("KPI").loc["Occupancy"]
    assert occupancy[["lowest week", "median week", "highest week"]].isna().all()
    # not "0 of 8" weeks met, as it said, nor "a band: keep it"
    assert occupancy[["weeks met", "why"]].tolist() == ["no week known", "no weekly values"]
    assert table.set_index("KPI").loc["Service level", "lowest week"] > 0
    # the AHT's highest week is its worst: the column said "best week" of every KPI
    aht = table.set_index("KPI").loc["Average handle time"]
    assert aht["lowest week"] < aht["median week"] < aht["highest week"]


def test_quarterly_review_of_zoned_contacts_keeps_their_zone():
    # the quarter's start lost its zone and the review raised pandas' TypeError "Invalid
    # comparison between dtype=datetime64[..., Europe/Paris] and Timestamp"
    contacts = _zoned_contacts("Europe/Paris", ["2026-03-30 10:00", "2026-04-14 10:00"])
    report = cadence_report("quarterly", contacts, SL_TARGETS, date="2026-04-14")
    # Q2 runs from 1 April 00:00 CEST (+02:00) to 1 July 00:00 CEST
    assert report.start == pd.Timestamp("2026-04-01", tz="Europe/Paris")
    assert report.end == pd.Timestamp("2026-07-01", tz="Europe/Paris")
    # the same words as for the same wall times without a zone
    naive = contacts.assign(arrived_at=contacts["arrived_at"].dt.tz_localize(None))
    expected = cadence_report("quarterly", naive, SL_TARGETS, date="2026-04-14")
    assert [part.lines for part in report.sections] == [part.lines for part in expected.sections]


def test_weekly_summary_starts_at_midnight_when_the_clocks_fall_back_at_midnight():
    # Santiago falls back on Sunday 5 April 2026 at 00:00 (-03:00) to 23:00 on the 4th
    # (-04:00): 7 x 24 elapsed hours back from Sunday 00:00 -04:00 gave Monday 01:00 -03:00;
    # the week starts on Monday 30 March at 00:00 (-03:00)
    contacts = _zoned_contacts("America/Santiago", ["2026-03-31 10:00", "2026-04-05 10:00"])
    report = cadence_report("weekly", contacts, SL_TARGETS, date="2026-04-05")
    assert report.start == pd.Timestamp("2026-03-30", tz="America/Santiago")
    assert report.start.utcoffset() == pd.Timedelta(hours=-3)


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        # None raised "'NoneType' object is not iterable"
        ({"kpis": None}, TypeError, r"Value of 'kpis' must be a KPI id or a list .*None"),
        # a misspelt id was dropped; with no KPI left the error blamed the targets
        ({"kpis": ["service_levle"]}, ValueError, r"'kpis' is not a KPI id.*'service_level'"),
        ({"kpis": ["aht"]}, ValueError, r"'kpis' names no KPI with a target.*\['aht'\]"),
        # 5 raised "'int' object is not iterable"
        ({"by": 5}, TypeError, r"Value of 'by' must be a column name .*5 \(int\)"),
    ],
)
def test_cadence_arguments_are_named(keywords, error, message):
    contacts = _zoned_contacts("Europe/Paris", ["2026-03-30 10:00"])
    with pytest.raises(error, match=message):
        cadence_report("daily", contacts, SL_TARGETS, **keywords)


def test_cadence_takes_one_kpi_id():
    # "service_level" was read letter by letter, none a KPI: "targets has no rows"
    contacts = _zoned_contacts("Europe/Paris", ["2026-03-30 10:00"])
    one = cadence_report("daily", contacts, SL_TARGETS, kpis="service_level")
    listed = cadence_report("daily", contacts, SL_TARGETS, kpis=["service_level"])
    assert [part.lines for part in one.sections] == [part.lines for part in listed.sections]


def test_a_cadence_of_the_wrong_kind_gets_a_short_message(sample):
    # The data passed first (arguments swapped) printed all 149,629 contacts in the message.
    with pytest.raises(ValueError, match=r"Did you mean 'daily'\?"):
        cadence_report("dayly", sample, load_targets())
    with pytest.raises(ValueError, match=r"received: a Dataset: Dataset\(contacts=") as raised:
        cadence_report(sample, load_targets(), "daily")
    assert len(str(raised.value)) < 300


def test_a_missing_group_value_is_none_on_every_page():
    # The findings and tables named contacts without a site "nan" (str of NaN) beside the
    # breaches' "(none)". 2 March: North has #1, #3, #5; #2 and #4 have no site.
    contacts = hand_contacts().assign(site=["North", None, "North", None, "North"] + ["North"] * 5)
    data = kk.Dataset(contacts=contacts)
    daily = cadence_report("daily", data, load_targets(), date="2026-03-02", by="site")
    volume = section(daily, "Volume and service")
    assert volume.table["group"].tolist() == ["North", "(none)", "whole center"]
    # #2 answered after 25 s (beyond a phone call's 20 s), #4 abandoned: 0 % and 1/2
    assert "(none): 2 contacts, service level 0.0 %, abandonment 50.0 %." in volume.lines
    weekly = cadence_report("weekly", data, load_targets(), date="2026-03-02", by="site")
    every = section(weekly, "Every KPI against its target").table
    assert every["group"].unique().tolist() == ["North", "(none)", "whole center"]
    monthly = cadence_report("monthly", data, load_targets(), date="2026-03-02", by="site")
    scorecard = section(monthly, "Scorecard")
    assert "(none)" in scorecard.table["group"].tolist()
    assert any(line.startswith("(none): composite score") for line in scorecard.lines)


def test_the_weekly_workbook_leaves_a_missing_week_empty(tmp_path):
    # "last 8 weeks" wrote each missing week as "nan" (and 8 of them for a KPI the contacts
    # cannot give), where the page's sparkline leaves them out. Three copies of the hand week,
    # the middle one without a CSAT score.
    weeks = []
    for week in range(3):
        contacts = hand_contacts()
        contacts["arrived_at"] = pd.to_datetime(contacts["arrived_at"]) + pd.Timedelta(weeks=week)
        contacts["contact_id"] += 10 * week
        weeks.append(contacts)
    contacts = pd.concat(weeks, ignore_index=True)
    contacts.loc[10:19, "csat"] = float("nan")
    report = cadence_report(
        "weekly", kk.Dataset(contacts=contacts), load_targets(), date="2026-03-16"
    )
    _, workbook = write_report(report, tmp_path / "weekly.html")
    rows = {row[1]: row[-1] for row in load_workbook(workbook)["kpis"].iter_rows(values_only=True)}
    # CSAT: top box (4 or 5) in 4 of the 6 scores (5, 3, 4, 2, 4, 5) = 66.7 %; week 2 missing
    assert rows["Customer satisfaction"] == "66.7, , 66.7"
    assert rows["Cost per contact"] is None  # no costs: no week has a value
    assert rows["Service level"] == "60.0, 60.0, 60.0"  # 6 of 10 answered within 20 s (chat 30 s)


def test_page_shows_counts_as_whole_numbers(sample):
    # 2026-07-14's breaches include runs of 1, 2 and 4 periods and shortfalls of 1, 3 and 7
    # contacts: each a count, shown as "4", never "4.0" (10 and more were whole already)
    report = cadence_report("daily", sample, load_targets(), date="2026-07-14")
    table = section(report, "SLA breaches of the day").table
    runs = table["periods in a row"]
    assert (runs < 10).any() and (runs == runs.round()).all()
    page = report_html(report)
    cells = re.findall(r"<td class='number'>([^<]*)</td>", page)
    assert "4" in cells and "4.0" not in cells
    assert "1.0" not in cells and "2.0" not in cells


def test_a_part_of_a_contact_short_is_one_contact_and_small_counts_are_whole():
    # 5 contacts, 3 answered within 20 s: 60 % against 70 %, so 0.7 * 5 - 3 = 0.5 contacts
    # short. Rounded to even that read "0 contacts short" beside a red miss; one more contact
    # answered in time is what it takes. Offered and answered (5) showed as "5.0", and the
    # weekly days in breach as "1.0".
    contacts = pd.DataFrame(
        {
            "contact_id": range(5),
            "arrived_at": pd.date_range("2026-03-02 09:00", periods=5, freq="10min"),
            "answered": True,
            "wait_s": [5.0, 5.0, 5.0, 60.0, 60.0],
        }
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [70.0]})
    daily = cadence_report("daily", contacts, targets, date="2026-03-02")
    assert section(daily, "SLA breaches of the day").table["contacts short"].tolist() == [1.0]
    page = report_html(daily)
    assert "60.0 % against 70.0 %, 1 contact short" in page
    volume = re.search(r"<td>whole center</td>((?:<td[^>]*>[^<]*</td>){4})", page).group(1)
    assert re.findall(r">([^<]*)<", volume)[::2] == ["5", "–", "5", "60"]
    weekly = report_html(cadence_report("weekly", contacts, targets, date="2026-03-02"))
    assert "<td class='number'>1</td>" in weekly and "1.0</td>" not in weekly


def test_a_report_of_a_period_the_data_covers_in_part_says_so(sample):
    # The sample ends on Saturday 29 August: the default weekly report is of 24-30 August, 6
    # of its 7 days, and August has 29 of 31; the week of 13 July is whole and says nothing.
    weekly = cadence_report("weekly", sample, load_targets())
    assert (
        weekly.partial
        == "Partial week: the data covers 24 Aug to 29 Aug 2026 only, 6 of its 7 days."
    )
    assert weekly.partial in report_html(weekly)
    monthly = cadence_report("monthly", sample, load_targets())
    assert "29 of its 31 days" in monthly.partial
    assert cadence_report("weekly", sample, load_targets(), date="2026-07-14").partial == ""
