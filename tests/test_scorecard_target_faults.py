"""Tests for faults in scorecard targets found by a probe: segment values that match no group,
the tolerance of sector-derived targets, shared preset lists, TOML ``kpi`` keys and derived
bands off the scale, and the messages of a targets file: every unknown id, rows named as the
user sees them (a file's lines), duplicates, spaces around ids, fractions of a lower-is-better
percent and a `segment` column.

Expected values are hand calculations; each assertion says how.
"""

import pandas as pd
import pytest

import kpikit as kk
from kpikit.scorecard import preset_targets, presets, rate, read_targets, targets_from_benchmarks

# AHT per channel, as on the sample data (phone 385 s, chat 364 s, email 297 s).
AHT_BY_CHANNEL = pd.DataFrame(
    {"channel": ["chat", "email", "phone"], "kpi": "aht", "value": [364.0, 297.0, 385.0]}
)


def test_segment_value_with_a_case_difference_is_refused_with_a_suggestion():
    targets = pd.DataFrame(
        {"kpi": ["aht", "aht"], "target": [100, 900], "channel": ["Phone", None]}
    )
    with pytest.raises(ValueError) as error:
        rate(AHT_BY_CHANNEL, targets)
    message = str(error.value)
    assert "channel value(s) ['Phone']" in message
    assert "1 row(s) [0]" in message
    assert "['chat', 'email', 'phone']" in message
    assert "Did you mean 'phone'?" in message


def test_segment_value_matching_no_group_is_said_not_left_unrated_in_silence():
    # "voice" is close to no channel of the data: a segment it lacks (a targets file made for
    # more channels), said in a warning; the groups stay without a target
    targets = pd.DataFrame({"kpi": ["aht"], "target": [100], "channel": ["voice"]})
    with pytest.warns(UserWarning, match=r"channel value\(s\) \['voice'\] that match no group"):
        table = rate(AHT_BY_CHANNEL, targets).table
    assert table["target"].isna().all() and table["status"].isna().all()


def test_matching_segment_value_still_applies():
    targets = pd.DataFrame(
        {"kpi": ["aht", "aht"], "target": [100, 900], "channel": ["phone", None]}
    )
    table = rate(AHT_BY_CHANNEL, targets).table.set_index("channel")
    # phone: 385 s > 100 s + tolerance 0 -> red; chat 364 and email 297 <= 900 -> green
    assert table["status"].to_dict() == {"chat": "green", "email": "green", "phone": "red"}


def test_segment_targets_without_grouping_by_the_segment_are_still_refused():
    frame = pd.DataFrame({"team": ["a"], "kpi": "aht", "value": [385.0]})
    targets = pd.DataFrame({"kpi": ["aht"], "target": [100], "channel": ["phone"]})
    with pytest.raises(ValueError, match="not grouped by channel"):
        rate(frame, targets)


def test_sector_tolerance_reaches_the_worse_edge_of_the_average_range():
    csat = targets_from_benchmarks("healthcare").set_index("kpi").loc["csat"]
    # target tier 88-92 -> target 88; average 75-85 (seed 002) -> tolerance 88 - 75 = 13
    assert (csat["target"], csat["tolerance"]) == (88.0, 13.0)
    aht = targets_from_benchmarks("ecommerce_retail").set_index("kpi").loc["aht"]
    # target tier 180-300 -> target 300 (lower is better); average 240-360 -> 360 - 300 = 60
    assert (aht["target"], aht["tolerance"]) == (300.0, 60.0)


def test_sector_targets_rate_typical_amber_and_worse_than_typical_red():
    frame = pd.DataFrame({"team": ["a", "b"], "kpi": "csat", "value": [76.0, 74.0]})
    table = rate(frame, targets_from_benchmarks("healthcare")).table
    status = table.loc[table["kpi"] == "csat", "status"].tolist()
    # 76 in 88 - 13 = 75 .. 88 -> amber; 74 < 75 (below the typical 75-85) -> red
    assert status == ["amber", "red"]
    frame = pd.DataFrame({"team": ["a", "b"], "kpi": "aht", "value": [350.0, 400.0]})
    table = rate(frame, targets_from_benchmarks("ecommerce_retail")).table
    status = table.loc[table["kpi"] == "aht", "status"].tolist()
    # 350 in 300 .. 300 + 60 = 360 -> amber; 400 > 360 (worse than the typical 240-360) -> red
    assert status == ["amber", "red"]


def test_presets_returns_copies_of_the_catalog_lists():
    table = presets().set_index("preset")
    table.loc["starter", "primary"].append("nps")
    # starter's primary KPIs stay fcr, csat, service_level: nps is not made primary
    targets = preset_targets("starter", channel="phone")
    primary = targets.loc[targets["role"] == "primary", "kpi"].tolist()
    assert sorted(primary) == ["csat", "fcr", "service_level"]
    assert presets().set_index("preset").loc["starter", "primary"] == [
        "fcr",
        "csat",
        "service_level",
    ]


def test_toml_kpi_key_contradicting_the_table_is_refused(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text('[fcr]\ntarget = 80\nkpi = "csat"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[fcr\] has kpi = 'csat'"):
        read_targets(path)


def test_toml_kpi_key_repeating_the_table_name_is_accepted(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text('[fcr]\ntarget = 80\nkpi = "fcr"\n', encoding="utf-8")
    assert read_targets(path)["kpi"].tolist() == ["fcr"]


def test_band_from_target_and_tolerance_off_the_scale_is_refused():
    targets = pd.DataFrame({"kpi": ["occupancy"], "target": [95], "tolerance": [10]})
    # 95 ± 10 -> 85 to 105, past the 100 % of a percent
    with pytest.raises(ValueError, match=r"target 95 ± tolerance 10, a band from 85 to 105"):
        read_targets(targets)


def test_band_from_target_and_tolerance_at_the_scale_edge_is_kept():
    targets = pd.DataFrame({"kpi": ["occupancy"], "target": [90], "tolerance": [10]})
    band = read_targets(targets).loc[0, ["band_low", "band_high"]].tolist()
    assert band == [80.0, 100.0]  # 90 ± 10, and 100 is still on the scale


# --- targets files as people write them (probe of stop 63) ---------------------------------


@pytest.mark.parametrize(
    "line, said",
    [
        ("service_level,0.8,0.05", r"'target' of 0\.8 for 'service_level' in line 2, .* 80 %"),
        ("csat,1,0.05", r"'target' of 1 for 'csat' in line 2"),
        ("occupancy,,0.05,0.75,0.85", r"'band_low' of 0\.75 for 'occupancy' in line 2"),
    ],
)
def test_percents_written_as_fractions_are_refused_naming_the_row(tmp_path, line, said):
    # 0.8 read as 0.8 %: every service level met it, so every group was green; a band of
    # 0.75-0.85 % made every occupancy red.
    path = tmp_path / "targets.csv"
    path.write_text("kpi,target,tolerance,band_low,band_high\n" + line + "\n")
    with pytest.raises(ValueError, match=said):
        read_targets(path)


def test_a_lower_is_better_percent_below_1_is_read_as_written_with_a_warning():
    # An abandonment target of 0.5 % may be a real one (so it is read, unchanged), but it may
    # as well be a fraction of 50 %: said, as an AHT target under a minute is.
    with pytest.warns(UserWarning, match=r"0\.5 for 'abandonment_rate' in row 0, .* write 50"):
        targets = read_targets(pd.DataFrame({"kpi": ["abandonment_rate"], "target": [0.5]}))
    assert targets["target"].tolist() == [0.5]


def test_an_aht_target_that_looks_like_minutes_is_warned_of():
    with pytest.warns(UserWarning, match=r"AHT target of 6 s in row 0: .* write 360"):
        targets = read_targets(pd.DataFrame({"kpi": ["aht"], "target": [6.0]}))
    assert targets["target"].tolist() == [6.0]  # warned of, not changed


def test_a_targets_file_from_european_excel_is_read(tmp_path):
    # Semicolons between columns, decimal commas, a byte-order mark, the header in capitals
    # and the empty rows a spreadsheet leaves below the table.
    path = tmp_path / "targets.csv"
    text = "KPI;Target;Tolerance;Weight\nservice_level;80;2,5;1\naht;330,5;30;2\n;;;\n;;;\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    targets = read_targets(path).set_index("kpi")
    assert targets.loc["service_level", ["target", "tolerance"]].tolist() == [80.0, 2.5]
    assert targets.loc["aht", ["target", "weight"]].tolist() == [330.5, 2.0]
    assert len(targets) == 2


@pytest.mark.parametrize(
    "content, said",
    [
        (b"", r"targets.csv is empty; it needs a header line"),
        (b"  \n\n", r"targets.csv is empty"),
        ("kpi,target,note\ncsat,80,caf\xe9\n".encode("cp1252"), r"not UTF-8 text \(byte 0xe9"),
        ("kpi,target\ncsat,80\n".encode("utf-16"), r"not UTF-8 text \(byte 0xff at position 0"),
        (b"kpi,target\ncsat,80\n,75\n", r"no KPI id in 1 row\(s\) \(line 3\)"),
    ],
)
def test_a_targets_file_that_cannot_be_read_says_why(tmp_path, content, said):
    # An empty file raised pandas' EmptyDataError, a Windows-1252 or UTF-16 file a raw
    # UnicodeDecodeError, and a row without a KPI "is not a KPI id ... 'nan'".
    path = tmp_path / "targets.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=said):
        read_targets(path)


# --- targets file messages (probe of the targets reader) -----------------------------------


def _write(tmp_path, text, name="targets.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_unknown_kpi_id_is_named_with_its_line(tmp_path):
    # Only the first unknown id ('ahtt') was named. Lines count the header as line 1.
    path = _write(tmp_path, "kpi,target\nfcr,75\nahtt,300\nfrc,70\nxyz,1\nahtt,280\n")
    with pytest.raises(ValueError) as error:
        read_targets(path)
    message = str(error.value)
    assert "has 4 row(s) whose 'kpi' is not a KPI id: " in message
    assert "'ahtt' in lines [3, 6] (did you mean 'aht'?)" in message
    assert "'frc' in line 4 (did you mean 'fcr'?)" in message
    assert "'xyz' in line 5. Expected one of ['aht'" in message


def test_many_unknown_kpi_ids_are_counted_and_the_first_shown():
    targets = pd.DataFrame({"kpi": list("abcdefg"), "target": range(7)})
    # 7 ids, 5 shown with their rows (a DataFrame's index labels), 2 counted
    with pytest.raises(ValueError, match=r"7 row\(s\) .*'e' in row 4, and 2 more value\(s\)\."):
        read_targets(targets)


def test_rows_are_named_by_file_line_table_or_index_label(tmp_path):
    # A blank line and a note over two lines: the 'fcr' of 0.8 is on line 5 of the file.
    path = _write(tmp_path, 'kpi,target,note\n\naht,300,"two\nlines"\nfcr,0.8,\n')
    with pytest.raises(ValueError, match=r"'target' of 0\.8 for 'fcr' in line 5, "):
        read_targets(path)
    path = _write(tmp_path, "[aht]\ntarget = 300\n[fcr]\ntarget = 0.8\n", "targets.toml")
    with pytest.raises(ValueError, match=r"'target' of 0\.8 for 'fcr' in table 'fcr', "):
        read_targets(path)
    frame = pd.DataFrame({"kpi": ["aht", "fcr"], "target": [300, 150]}, index=[10, 11])
    with pytest.raises(ValueError, match=r"for 'fcr' \(percent\) but row 11 has: 150"):
        read_targets(frame)


@pytest.mark.parametrize(
    "text, said",
    [
        ("kpi,target\nfcr,75\naht,300\nfcr,70\n", r"\['fcr'\] .*: 'fcr' in lines \[2, 4\]; keep"),
        (
            "kpi,target,channel\naht,300,chat\naht,280,chat\naht,320,\n",
            r"'aht' for \{'channel': 'chat'\} in lines \[2, 3\]; keep one row",
        ),
    ],
)
def test_duplicate_targets_name_their_lines(tmp_path, text, said):
    # "lists KPI(s) ['fcr'] more than once for the same segment" said neither where nor which
    with pytest.raises(ValueError, match=said):
        read_targets(_write(tmp_path, text))


@pytest.mark.parametrize(
    "text, said",
    [
        ("kpi,target\n aht,300\nfcr ,75\n", r"column 'kpi' in 2 row\(s\) \(lines \[2, 3\]\): "),
        ("kpi,target,channel\naht,300,phone \n", r"column 'channel' in 1 row\(s\) \(line 2\)"),
        ("kpi,target,role\naht,300, primary\n", r"column 'role' in 1 row\(s\) \(line 2\)"),
        ("kpi, target\naht,300\n", r"' target' has spaces around it \(write 'target'\)"),
    ],
)
def test_spaces_around_ids_are_refused_as_such(tmp_path, text, said):
    # " aht" was "not a KPI id ... Did you mean 'aht'?", hiding the spaces; "phone " was taken
    # as a channel of its own, which no group has.
    with pytest.raises(ValueError, match=said) as error:
        read_targets(_write(tmp_path, text))
    assert "spaces around" in str(error.value)


def test_a_lower_is_better_percent_written_as_a_fraction_is_warned_of(tmp_path):
    # 0.05 reads as an abandonment rate of 0.05 %, which almost every queue misses; it may be
    # 5 % written as a fraction. Warned of, as an AHT target under a minute, and kept.
    path = _write(tmp_path, "kpi,target,tolerance\nabandonment_rate,0.05,0.01\n")
    with pytest.warns(UserWarning, match=r"0\.05 for 'abandonment_rate' in line 2, .* write 5$"):
        targets = read_targets(path)
    assert targets["target"].tolist() == [0.05]


def test_a_segment_column_says_which_columns_name_segments(tmp_path):
    # A `segment` column (as rate's `segment` argument is called) was "not a targets column"
    # with the list of all of them; kk.breaches reads targets the same way.
    path = _write(tmp_path, "kpi,target,segment,owner\nservice_level,80,phone,me\n")
    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:05"]),
            "answered": [True, False],
            "wait_s": [5.0, 30.0],
        }
    )
    said = (
        r"2 column\(s\) that are not a targets column: 'segment' \(name a segment by its "
        r"column: 'channel' or 'direction'\), 'owner'\. Expected columns"
    )
    with pytest.raises(ValueError, match=said):
        kk.breaches(contacts, path)


def test_an_unclosed_quote_is_refused_naming_the_cause(tmp_path):
    # pandas' raw ParserError ("EOF inside string") came out of read_targets.
    path = _write(tmp_path, 'kpi,target\naht,"300\ncsat,80\n')
    with pytest.raises(ValueError, match=r"targets.csv cannot be read as CSV .*never closed"):
        read_targets(path)


def test_a_value_past_the_header_is_refused_not_shifted(tmp_path):
    # "aht,300,5" under a two-column header made pandas read 'kpi' as the row labels: every
    # value moved one column left, and the message said '300' and '80' were unknown KPI ids.
    path = _write(tmp_path, "kpi,target\naht,300,5\ncsat,80\n")
    with pytest.raises(ValueError) as error:
        read_targets(path)
    assert "more values than its header names columns (2: kpi, target)" in str(error.value)
    assert "on 1 line(s): line 2 (aht,300,5)" in str(error.value)


def test_a_separator_ending_every_line_is_read(tmp_path):
    # A trailing separator is an empty value past the header: targets 300 and 80 as written
    # (pandas read 'aht' and 'csat' as row labels and 300 and 80 as the KPI ids).
    path = _write(tmp_path, "kpi,target\naht,300,\ncsat,80,\n")
    targets = read_targets(path).set_index("kpi")["target"]
    assert targets.to_dict() == {"aht": 300, "csat": 80}
