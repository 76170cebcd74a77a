"""Probe 5 of the balanced scorecard: targets files as spreadsheets save them, provisional rows
without a target, messages that name the fix, and the composite's KPI count."""

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import ScorecardApp
from kpikit.apps.scorecard import _summary_html
from kpikit.scorecard import Ramp, rate, read_targets


def test_csv_lines_ending_in_more_empty_cells_than_others_are_read(tmp_path):
    # A spreadsheet leaves empty cells after some lines: "fcr,75," then "aht,300,,". Both
    # lines hold one KPI and its target; the empty cells past the header hold nothing.
    path = tmp_path / "targets.csv"
    path.write_text("kpi,target\nfcr,75,\naht,300,,\n", encoding="utf-8")
    targets = read_targets(path)
    assert targets[["kpi", "target"]].values.tolist() == [["fcr", 75.0], ["aht", 300.0]]


def test_csv_header_with_an_empty_cell_right_of_the_table_is_read(tmp_path):
    # "kpi,target," then "fcr,75,": the third column has no name and no value.
    path = tmp_path / "targets.csv"
    path.write_text("kpi,target,\nfcr,75,\n", encoding="utf-8")
    assert read_targets(path)[["kpi", "target"]].values.tolist() == [["fcr", 75.0]]


def test_csv_column_without_a_name_but_with_values_is_still_refused(tmp_path):
    # The value "x" would be dropped unsaid if the unnamed column were left out.
    path = tmp_path / "targets.csv"
    path.write_text("kpi,target,\nfcr,75,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"'Unnamed: 2'"):
        read_targets(path)


@pytest.mark.parametrize("text", ["80%", "1,200", "5:30"])
def test_non_numeric_target_message_says_how_to_write_it(tmp_path, text):
    path = tmp_path / "targets.csv"
    path.write_text(f'kpi,target\naht,"{text}"\n', encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=rf"non-numeric 'target' for KPI\(s\) \['aht'\]: \['{text}'\] \(line 2\); write "
        r"plain numbers, without a '%' sign, unit or thousands separator",
    ):
        read_targets(path)


def test_provisional_row_that_no_target_covers_is_shown_not_a_crash():
    # FCR is targeted for phone only; email's FCR of the same day is provisional. Email is not
    # rated (null status); its status cell says provisional and that it has no target.
    period = pd.to_datetime(["2026-08-07", "2026-08-07"])
    frame = pd.DataFrame(
        {"period": period, "channel": ["phone", "email"], "kpi": "fcr", "value": [70.0, 60.0]}
    )
    provisional = frame[["period", "channel", "kpi"]].assign(
        provisional_until=pd.Timestamp("2026-08-10")
    )
    targets = pd.DataFrame({"kpi": ["fcr"], "target": [75], "channel": ["phone"]})
    card = rate(frame, targets, provisional=provisional)
    assert card.table["status"].iloc[0] == "red"
    assert pd.isna(card.table["status"].iloc[1])
    html = card._repr_html_()
    assert "provisional until 10 Aug 2026 (missed so far)" in html
    assert "provisional until 10 Aug 2026 (no target)" in html


def test_ungrouped_composite_counts_its_kpis_as_whole_numbers():
    # FCR 80 >= 75: green, 100 points; CSAT 50 < 80 - 5: red, 0 points. Weights 1 and 1:
    # (100 + 0) / 2 = 50 over 2 KPIs, the count an integer as in a grouped composite.
    frame = pd.DataFrame({"kpi": ["fcr", "csat"], "value": [80.0, 50.0]})
    targets = pd.DataFrame({"kpi": ["fcr", "csat"], "target": [75, 80], "tolerance": [5, 5]})
    composite = rate(frame, targets).composite
    assert composite["score"].tolist() == [50.0]
    assert composite["kpis"].tolist() == [2]
    assert pd.api.types.is_integer_dtype(composite["kpis"])


def _card_with_a_null_team():
    # Team a: FCR 80 >= 75, green, 100; the rows without a team: 60 < 75, red, 0.
    frame = pd.DataFrame({"team": ["a", None], "kpi": "fcr", "value": [80.0, 60.0]})
    return rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75]}))


def test_null_group_reads_none_in_the_html():
    # The group without a team is "(none)", as the charts name it, in the table and the
    # composite line alike (it read "None" in one and "nan" in the other).
    html = _card_with_a_null_team()._repr_html_()
    assert "Composite score</strong>: a 100 · (none) 0</p>" in html
    assert "<tr><td>(none)</td><td>First contact resolution</td>" in html


def test_null_group_reads_none_in_the_apps_scores():
    # The app's table of scores: group, customer area 0, composite 0 (it read "nan").
    html = _summary_html(_card_with_a_null_team(), "teams")
    assert "<td>(none)</td><td>0</td><td>0</td>" in html


@pytest.mark.parametrize(("numerator", "denominator"), [(120.0, 100.0), (5.0, 0.0), (-5.0, -10.0)])
def test_trend_refuses_proportions_that_are_no_proportions_naming_the_rows(numerator, denominator):
    # Service level of day 2: 85 % read from numerator/denominator, which the two-proportion
    # test needs as numerator of denominator contacts; 120 of 100 (or 5 of 0, -5 of -10)
    # contacts is none. The message names kpi_frame's columns and row 1, not the test's x1/n1.
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "kpi": "service_level",
            "value": [80.0, 85.0],
            "numerator": [80.0, numerator],
            "denominator": [100.0, denominator],
            "ci_low": [70.0, 75.0],
            "ci_high": [90.0, 95.0],
        }
    )
    with pytest.raises(
        ValueError,
        match=r"'kpi_frame' must have 0 <= numerator <= denominator.* 1 row\(s\) \[1\] have "
        rf"\(numerator, denominator\): \[\({numerator}, {denominator}\)\]",
    ):
        rate(frame, pd.DataFrame({"kpi": ["service_level"], "target": [80]}))


def test_trend_of_proportions_without_a_numerator_stays_untested():
    # Day 2 gives a denominator but no numerator: nothing to test, as before ("untested").
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "kpi": "service_level",
            "value": [80.0, 85.0],
            "numerator": [80.0, None],
            "denominator": [100.0, 100.0],
            "ci_low": [70.0, 75.0],
            "ci_high": [90.0, 95.0],
        }
    )
    table = rate(frame, pd.DataFrame({"kpi": ["service_level"], "target": [80]})).table
    assert table["trend"].tolist() == [None, "untested"]


@pytest.mark.parametrize("column", ["status", "target", "score"])
def test_grouping_column_named_like_a_scorecard_column_is_refused(column):
    # A group column "status" was overwritten with the rating ("x" read "green"); one named
    # "target" made rate() fail with a raw KeyError.
    frame = pd.DataFrame({column: ["x"], "kpi": ["fcr"], "value": [75.0]})
    with pytest.raises(
        ValueError, match=rf"'kpi_frame' has grouping column\(s\) \['{column}'\] named like"
    ):
        rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75]}))


def test_band_kpi_target_outside_its_given_band_is_refused():
    # Occupancy is rated against its band, 75 to 85; a target of 95 beside it was dropped
    # unsaid (a group at 95 % then rated amber, at 80 % green).
    targets = pd.DataFrame(
        {"kpi": ["occupancy"], "target": [95], "band_low": [75], "band_high": [85]}
    )
    with pytest.raises(
        ValueError, match=r"target of 95 for 'occupancy' in row 0 outside its band from 75 to 85"
    ):
        read_targets(targets)


def test_band_kpi_target_inside_its_given_band_is_kept_as_the_band():
    # 80 lies in 75..85: no contradiction; the band is rated, as before.
    targets = pd.DataFrame(
        {"kpi": ["occupancy"], "target": [80], "band_low": [75], "band_high": [85]}
    )
    assert read_targets(targets).loc[0, ["band_low", "band_high"]].tolist() == [75.0, 85.0]


def test_ramp_start_date_for_a_group_the_scorecard_lacks_is_warned_of():
    # "North" is written for the team "north": the team kept its full FCR target of 75
    # (70 rated amber, not green against the eased 75 - 10 % = 67.5) and nothing said so.
    frame = pd.DataFrame(
        {"period": pd.to_datetime(["2024-01-01"]), "team": ["north"], "kpi": "fcr", "value": [70.0]}
    )
    targets = pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]})
    ramp = Ramp(start_dates={"North": "2024-01-01"})
    with pytest.warns(
        UserWarning,
        match=r"start dates for 1 group\(s\) \['North'\] that no row has in 'team'; they are "
        r"not ramped.*Did you mean 'north'\?",
    ):
        table = rate(frame, targets, ramp=ramp, freq="month").table
    assert table[["ramped", "status"]].values.tolist() == [[False, "amber"]]


def test_scorecard_app_says_how_many_contacts_the_team_view_leaves_out():
    # Hand data: ten contacts, phone ones (7) in team north, chat ones (3) with no team (NaN,
    # as pandas reads an empty cell: the app failed with a raw TypeError sorting the teams).
    # The team view drops the 3 without a team; it said nothing, now the note gives the count.
    contacts = hand_contacts()
    contacts["team"] = contacts["channel"].map({"phone": "north"})
    assert contacts["team"].isna().sum() == 3
    app = ScorecardApp(kk.Dataset(contacts=contacts), level="team", freq="all")
    assert "3 contact(s) of the data have no team: the team views leave them out" in (
        app.view_note.value
    )
    assert app.card.table["team"].unique().tolist() == ["north"]


@pytest.mark.parametrize("periods", [["2024-01-01", "2024-01-02"], [1, 2]])
def test_periods_that_are_no_times_are_refused_naming_kpi_frame(periods):
    # A frame read back from CSV holds its periods as text; the message named only 'period'
    # and its dtype ("holds object values"), not kpi_frame, the rows or the fix.
    frame = pd.DataFrame({"period": periods, "kpi": "aht", "value": [300.0, 310.0]})
    with pytest.raises(
        ValueError,
        match=r"'kpi_frame' must hold timestamps in column 'period' .* 2 row\(s\) \[0, 1\] "
        r"have: .*; convert the column with pandas.to_datetime",
    ):
        rate(frame, pd.DataFrame({"kpi": ["aht"], "target": [300]}))


def test_grid_sheet_names_a_missing_group_as_the_page_does():
    # Before: the row of contacts without a team was an empty cell in the workbook, while the
    # page and the charts call it "(none)". Other groups keep their own values.
    from kpikit._scorecard.export import scorecard_grid_sheet

    table = pd.DataFrame(
        {
            "team": ["north", None],
            "kpi": ["aht", "aht"],
            "unit": ["seconds", "seconds"],
            "value": [300.0, 280.0],
            "status": ["green", "red"],
        }
    )
    sheet = scorecard_grid_sheet("Scorecard", table, ["team"])
    grid = sheet.table.set_index("Team")["Average handle time (s)"].to_dict()
    assert grid == {"north": 300.0, "(none)": 280.0}


def test_a_reversed_band_with_a_target_is_named_as_reversed():
    # band_low 85 > band_high 75 with a target of 80: the band is at fault, not the target
    targets = pd.DataFrame(
        {"kpi": ["occupancy"], "target": [80.0], "band_low": [85.0], "band_high": [75.0]}
    )
    with pytest.raises(ValueError, match=r"band_low must not exceed band_high .* 85 > 75"):
        read_targets(targets)
