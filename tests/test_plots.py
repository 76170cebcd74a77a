"""Tests for kpikit.plots: every builder returns a figure built from hand-made tidy frames.

Expected positions and numbers are hand calculations, written next to the assertions.
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import kpikit as kk
import kpikit.plots as kp
from kpikit.display import RAG_TINTS
from kpikit.plots._template import shows_legend
from kpikit.scorecard import rate

# --- template and palette ------------------------------------------------------------------


def test_import_kpikit_does_not_import_plotly():
    code = "import sys, kpikit; print('plotly' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_template_is_registered_with_a_cvd_safe_palette():
    assert kp.TEMPLATE_NAME in pio.templates
    # Okabe-Ito bluish green, orange and vermillion (Okabe & Ito 2008, "Color Universal Design").
    assert kp.RAG_COLORS["green"] == "#009E73"
    assert kp.RAG_COLORS["amber"] == "#E69F00"
    assert kp.RAG_COLORS["red"] == "#D55E00"
    assert set(kp.RAG_MARKS) == set(kp.RAG_COLORS) == set(kp.RAG_LABELS) == set(kp.RAG_TINTS)
    assert len(set(kp.RAG_MARKS.values())) == 4  # status readable without colour
    fig = kp.use_template(go.Figure())
    assert list(fig.layout.template.layout.colorway) == kp.KPIKIT_COLORWAY


# --- bullet --------------------------------------------------------------------------------

BANDS = pd.DataFrame(
    {
        "kpi": "fcr",
        "tier": ["average", "world_class", "world_class"],
        "low": [70.0, 85.0, 74.0],
        "high": [75.0, np.nan, np.nan],
    }
)


def test_bullet_draws_bands_value_and_target():
    fig = kp.bullet(BANDS, kpi="fcr", value=72.5, target=75)
    names = [trace.name for trace in fig.data]
    assert names == ["Average range", "World class", "Value", "Target"]
    average, world, value, target = fig.data
    assert (average.base[0], average.x[0]) == (70.0, 5.0)  # 70 to 75
    # The first world-class row (85 %+) is drawn; its open end runs to the axis edge:
    # axis top = 85 + 15 % of (85 - 0) = 97.75.
    assert world.base[0] == 85.0
    assert world.base[0] + world.x[0] == pytest.approx(97.75)
    assert fig.layout.xaxis.range == (0.0, pytest.approx(97.75))
    assert fig.layout.xaxis.ticksuffix == " %"  # a numeric axis in the KPI's unit
    assert (value.base[0], value.x[0]) == (0, 72.5)
    assert target.x[0] == 75.0
    assert "higher is better" in fig.layout.xaxis.title.text


def test_bullet_axis_never_passes_the_kpis_range():
    # CSAT world class 90 %+ and a value of 98 %: 98 + 15 % of 98 would be 112.7 %.
    bands = pd.DataFrame({"kpi": "csat", "tier": ["world_class"], "low": [90.0], "high": [None]})
    assert kp.bullet(bands, kpi="csat", value=98.0).layout.xaxis.range == (0.0, 100.0)


def test_bullet_without_value_says_no_data():
    fig = kp.bullet(BANDS, kpi="fcr")
    assert "Value" not in [trace.name for trace in fig.data]
    assert fig.layout.annotations[0].text == "no data"


def test_bullet_default_benchmarks_come_from_the_catalog():
    fig = kp.bullet(kpi="aht", value=300.0, title="AHT now")
    # Cross-sector AHT: the first average row is 240-360 s (general customer service).
    average = next(trace for trace in fig.data if trace.name == "Average range")
    assert (average.base[0], average.x[0]) == (240, 120)
    assert "lower is better" in fig.layout.xaxis.title.text
    assert fig.layout.title.text == "AHT now"


def test_bullet_band_kpi_shows_its_healthy_band():
    fig = kp.bullet(pd.DataFrame(), kpi="utilization", value=88.0)
    band = next(trace for trace in fig.data if trace.name == "Healthy band")
    assert (band.base[0], band.x[0]) == (75.0, 10.0)  # catalog band 75-85


def test_bullet_refuses_several_sectors():
    with pytest.raises(ValueError, match="must hold one sector"):
        kp.bullet(kk.benchmarks(), kpi="fcr", value=70.0)


def test_bullet_of_one_kpi_ignores_the_other_kpis_channels():
    # A sector's whole table, as kk.benchmarks(sector=...) gives it: cost per contact has a
    # range for phone, chat and email, AHT one for all channels. AHT's bullet draws AHT's first
    # average row (240-360 s); a cost-per-contact bullet still asks for one channel.
    healthcare = kk.benchmarks(sector="healthcare")
    fig = kp.bullet(healthcare, kpi="aht", value=400.0, target=360.0)
    average = next(trace for trace in fig.data if trace.name == "Average range")
    assert (average.base[0], average.x[0]) == (240, 120)
    with pytest.raises(ValueError, match=r"one channel per KPI .*cost_per_contact"):
        kp.bullet(healthcare, kpi="cost_per_contact", value=4.0)


def test_bullet_unknown_kpi_lists_valid_ids():
    with pytest.raises(ValueError, match="Expected one of"):
        kp.bullet(kpi="ahtt", value=1.0)


def test_every_builder_takes_its_frame_first_and_a_title():
    import inspect

    for name in kp.__all__:
        builder = getattr(kp, name)
        if not inspect.isfunction(builder) or name == "use_template":
            continue
        parameters = list(inspect.signature(builder).parameters.values())
        assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, name
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:]), name
        assert "title" in inspect.signature(builder).parameters, name
        assert "title : str" in builder.__doc__, name  # documented, from the shared table


# --- trend ---------------------------------------------------------------------------------

WEEKS = pd.DataFrame(
    {
        "period": pd.to_datetime(["2024-01-15", "2024-01-01", "2024-01-08"]),
        "kpi": "service_level",
        "value": [85.0, 78.0, 82.0],
        "ci_low": [81.0, 74.0, 78.5],
        "ci_high": [88.4, 81.6, 85.1],
    }
)


def test_trend_line_interval_target_and_amber_zone():
    fig = kp.trend(WEEKS, kpi="service_level", target=80, tolerance=5)
    interval, line = fig.data
    assert list(line.y) == [78.0, 82.0, 85.0]  # sorted by period
    # The interval polygon goes along ci_high, then back along ci_low.
    assert list(interval.y) == [81.6, 85.1, 88.4, 81.0, 78.5, 74.0]
    zone, target_line = fig.layout.shapes
    assert (zone.y0, zone.y1) == (75, 80)  # higher is better: amber below the target
    assert target_line.y0 == target_line.y1 == 80


def test_trend_amber_zone_for_lower_and_band_kpis():
    aht = WEEKS.assign(kpi="aht")
    zone = kp.trend(aht, kpi="aht", target=300, tolerance=30).layout.shapes[0]
    assert (zone.y0, zone.y1) == (300, 330)  # lower is better: amber above the target
    util = WEEKS.assign(kpi="utilization", ci_low=np.nan, ci_high=np.nan)
    fig = kp.trend(util, kpi="utilization", tolerance=5)
    zones = [(shape.y0, shape.y1) for shape in fig.layout.shapes]
    # Catalog band 75-85: amber 70-75 and 85-90, the band itself shaded green.
    assert zones == [(70, 75), (85, 90), (75, 85)]
    assert [trace.name for trace in fig.data] == ["Agent utilization"]  # no interval drawn


def test_trend_by_group_and_bad_target():
    frame = pd.concat([WEEKS.assign(team="a"), WEEKS.assign(team="b")])
    fig = kp.trend(frame, kpi="service_level", by="team")
    # Several groups: no interval unless one group is highlighted, bold, with its own.
    assert [trace.name for trace in fig.data] == ["a", "b"]
    fig = kp.trend(frame, kpi="service_level", by="team", highlight="b")
    assert [trace.name for trace in fig.data] == ["a", "95 % interval (b)", "b"]
    assert (fig.data[0].line.width, fig.data[2].line.width) == (1, 3)
    assert fig.layout.title.text == "Service level by period and team"
    with pytest.raises(ValueError, match=r"\(low, high\) pair"):
        kp.trend(WEEKS.assign(kpi="utilization"), kpi="utilization", target=80)
    with pytest.raises(ValueError, match="missing column"):
        kp.trend(WEEKS.drop(columns="ci_low"), kpi="service_level")


def test_trend_refuses_a_highlight_that_names_no_group():
    # A typo used to highlight nothing, silently; a highlight without by had nothing to name.
    frame = pd.concat([WEEKS.assign(team="north"), WEEKS.assign(team="south")])
    with pytest.raises(ValueError, match=r"not a group of 'team'.*'nort'. Did you mean 'north'"):
        kp.trend(frame, kpi="service_level", by="team", highlight="nort")
    with pytest.raises(ValueError, match="no 'by' was given"):
        kp.trend(WEEKS, kpi="service_level", highlight="north")
    # Groups that are numbers are named by their number, or its text.
    numbered = pd.concat([WEEKS.assign(team=1), WEEKS.assign(team=2)])
    for name in (2, "2"):
        fig = kp.trend(numbered, kpi="service_level", by="team", highlight=name)
        assert [trace.name for trace in fig.data] == ["1", "95 % interval (2)", "2"]


def test_trend_axis_stays_in_range_and_marks_partial_periods():
    high = WEEKS.assign(value=[99.0, 97.0, 98.0], ci_low=[97.0, 95.0, 96.0], ci_high=100.0)
    fig = kp.trend(high, kpi="service_level", partial=[pd.Timestamp("2024-01-15")])
    assert fig.layout.yaxis.range[1] == 100.0  # never past 100 %
    line = fig.data[-1]
    assert list(line.marker.symbol) == ["circle", "circle", "circle-open"]
    assert line.text[-1].endswith("(partial period)")
    assert "partial period" in fig.layout.xaxis.title.text
    fcr = WEEKS.assign(kpi="fcr")
    fig = kp.trend(fcr, kpi="fcr", provisional=[pd.Timestamp("2024-01-15")])
    assert list(fig.data[-1].marker.symbol) == ["circle", "circle", "diamond-open"]
    assert "provisional" in fig.data[-1].text[-1] and "provisional" in fig.layout.xaxis.title.text


def test_trend_with_no_value_in_any_period_says_no_data():
    # Every week's denominator zero (no answered contact): the values and intervals are null,
    # so the line is empty and the chart says why; a week with a value draws no such note.
    empty = WEEKS.assign(kpi="aht", value=np.nan, ci_low=np.nan, ci_high=np.nan)
    fig = kp.trend(empty, kpi="aht")
    assert [note.text for note in fig.layout.annotations] == ["no data: no period has a value"]
    one = empty.assign(value=[np.nan, 250.0, np.nan])
    assert not kp.trend(one, kpi="aht").layout.annotations


# --- trade-off -----------------------------------------------------------------------------

AGENTS = pd.DataFrame(
    {
        "agent_id": ["a", "b", "c", "d"],
        "aht": [240.0, 300.0, 360.0, 420.0],
        "csat": [78.0, 82.0, 83.0, 88.0],
        "volume": [120, 80, 100, 60],
    }
)


def test_tradeoff_fit_correlation_and_quadrants():
    fig = kp.tradeoff(AGENTS, x_target=300, y_target=80)
    band, line, points = fig.data
    # sxy = 930, sxx = 18000, syy = 50.75 -> r = 930 / sqrt(18000 * 50.75) = 0.9731
    assert "r = 0.97 (n = 4)" in fig.layout.title.text
    assert "by agent" in fig.layout.title.text  # a label, not the column name
    assert points.name == "Agents (area: answered contacts)"
    # slope = 930 / 18000 = 0.051667, intercept = 82.75 - 0.051667 * 330 = 65.70
    assert line.y[0] == pytest.approx(65.70 + 0.0516667 * 240, abs=1e-3)
    assert list(points.customdata) == ["a", "b", "c", "d"]
    assert [shape.x0 for shape in fig.layout.shapes if shape.type == "line"][0] == 300
    assert any("both on target" in (note.text or "") for note in fig.layout.annotations)
    # Marker area proportional to volume: the largest (120) gets 36 px.
    assert points.marker.sizeref == pytest.approx(2 * 120 / 36**2)


def test_tradeoff_from_tidy_compute_output():
    tidy = AGENTS.melt(id_vars="agent_id", value_vars=["aht", "csat"], var_name="kpi")
    tidy["denominator"] = tidy["agent_id"].map(
        dict(zip(AGENTS["agent_id"], AGENTS["volume"], strict=True))
    )
    fig = kp.tradeoff(tidy)
    assert list(fig.data[-1].marker.size) == [120, 80, 100, 60]  # aht denominator = volume
    with pytest.raises(ValueError, match="'size'"):
        kp.tradeoff(tidy[tidy["kpi"] == "csat"].assign(kpi="csat"), x="csat", y="csat")


def test_tradeoff_weighted_fit_and_what_if():
    plain = kp.tradeoff(AGENTS).data[1].y
    weighted = kp.tradeoff(AGENTS, weighted=True).data[1].y
    assert not np.allclose(plain, weighted)
    fig = kp.tradeoff(AGENTS, what_if=30)
    arrow, note = fig.layout.annotations[-2:]
    # 30 s more AHT x slope 0.051667 = +1.55 points of CSAT along the fitted line.
    assert "what if AHT +30: CSAT +1.6 (fitted association)" == note.text
    assert arrow.x - arrow.ax == pytest.approx(30)


def test_tradeoff_axes_and_band_stay_in_the_kpis_range():
    # Three agents near 100 % CSAT: the fit's band and the padded axis would pass 100 %.
    agents = AGENTS.assign(csat=[99.0, 92.0, 100.0, 96.0])
    fig = kp.tradeoff(agents)
    band = fig.data[0]
    assert max(band.y) <= 100 and fig.layout.yaxis.range[1] == 100.0


def test_tradeoff_drops_groups_without_values():
    agents = pd.concat(
        [AGENTS, pd.DataFrame({"agent_id": ["e"], "aht": [np.nan], "csat": [90.0], "volume": [5]})]
    )
    assert "(n = 4)" in kp.tradeoff(agents).layout.title.text


# --- hour x weekday, distribution ----------------------------------------------------------


def test_hour_weekday_heatmap_places_cells():
    cells = pd.DataFrame(
        {
            "weekday": [1, 7],
            "hour": [9, 23],
            "kpi": "asa",
            "value": [12.0, 40.0],
            "denominator": [100, 3],
        }
    )
    fig = kp.hour_weekday_heatmap(cells, kpi="asa")
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z[0, 9] == 12.0 and z[6, 23] == 40.0  # Monday 09:00, Sunday 23:00
    assert np.isnan(z).sum() == 7 * 24 - 2
    assert fig.data[0].reversescale is True  # lower is better: high values dark
    volume = kp.hour_weekday_heatmap(cells, kpi="asa", value="denominator")
    assert np.asarray(volume.data[0].z, dtype=float)[0, 9] == 100
    with pytest.raises(ValueError, match="'value'"):
        kp.hour_weekday_heatmap(cells, kpi="asa", value="count")


def test_distribution_box_summary_by_hand():
    frame = pd.DataFrame(
        {"team": ["a"] * 5 + ["b"] * 2, "handle_s": [1.0, 2.0, 3.0, 4.0, 100.0, 10.0, np.nan]}
    )
    box = kp.distribution(frame, value="handle_s", by="team").data[0]
    # team a: quartiles 2, 3, 4; IQR 2, whiskers reach [-1, 7] -> 1 and 4 (100 is an outlier);
    # mean (1+2+3+4+100)/5 = 22. Team b: the NaN is left out.
    assert list(box.x) == ["a", "b"]
    assert list(box.q1)[0] == 2 and list(box.median)[0] == 3 and list(box.q3)[0] == 4
    assert list(box.lowerfence)[0] == 1 and list(box.upperfence)[0] == 4
    assert list(box.mean)[0] == 22
    violin = kp.distribution(frame, value="handle_s", by="team", kind="violin").data[0]
    assert len(violin.y) == 6
    with pytest.raises(ValueError, match="'kind'"):
        kp.distribution(frame, value="handle_s", kind="bar")


@pytest.mark.parametrize(
    "value, by, axis, title",
    [
        ("wait_s", "team", "Wait time (s)", "Distribution of wait time (s) by team"),
        ("qa_score", "agent_id", "QA score (points)", "Distribution of QA score (points) by agent"),
        # not a schema column: its name, with the unit of a name ending in _s
        ("handle_s", None, "Handle (s)", "Distribution of handle (s)"),
    ],
)
def test_distribution_names_the_data_models_columns_with_their_units(value, by, axis, title):
    frame = pd.DataFrame({value: [10.0, 20.0], "team": "a", "agent_id": "A1"})
    fig = kp.distribution(frame, value=value, by=by)
    assert (fig.layout.yaxis.title.text, fig.layout.title.text) == (axis, title)


# --- sector overview -----------------------------------------------------------------------


def test_sector_overview_one_bullet_per_kpi_on_its_own_axis():
    bench = pd.DataFrame(
        {
            "kpi": ["fcr", "aht", "fcr"],
            "tier": ["average", "average", "world_class"],
            "low": [70.0, 240.0, 85.0],
            "high": [75.0, 360.0, np.nan],
            "sector": "all",
            "channel": "all",
        }
    )
    yours = pd.DataFrame({"kpi": ["fcr", "aht"], "value": [75.0, 240.0]})
    fig = kp.sector_overview(bench, yours=yours)
    # Catalog order: AHT on the first axis (x), FCR on the second (x2).
    assert [(trace.name, trace.xaxis) for trace in fig.data] == [
        ("Average range", "x"),
        ("Value", "x"),
        ("Average range", "x2"),
        ("World class", "x2"),
        ("Value", "x2"),
    ]
    # AHT axis: 0 to 360 + 15 % of 360 = 414 s, ticks in seconds.
    assert fig.layout.xaxis.range == (0.0, pytest.approx(414.0))
    assert fig.layout.xaxis.ticksuffix == " s"
    # FCR: the open world-class range (85 %+) ends at the axis end, 85 + 12.75 = 97.75 %.
    world = fig.data[3]
    assert world.base[0] + world.x[0] == pytest.approx(fig.layout.xaxis2.range[1])
    assert fig.layout.xaxis2.range[1] == pytest.approx(97.75)
    assert [note.text for note in fig.layout.annotations] == [
        "Average handle time (s) · lower is better · you: 240 s",
        "First contact resolution (%) · higher is better · you: 75.0 %",
    ]
    # Each tier is in the legend once.
    assert [trace.showlegend for trace in fig.data] == [True, True, False, True, False]


def test_sector_overview_on_catalog_benchmarks():
    fig = kp.sector_overview(kk.benchmarks(sector="healthcare", channel="all"), yours={"fcr": 73.0})
    names = {trace.name for trace in fig.data}
    assert names == {"Average range", "World class", "Recommended target", "Value", "Healthy band"}
    # Two sources give a world-class FCR (85 % and 74 %): one row is drawn.
    fcr_axis = next(trace.xaxis for trace in fig.data if trace.name == "Value")
    world = [t for t in fig.data if t.name == "World class" and t.xaxis == fcr_axis]
    assert len(world) == 1 and world[0].base[0] == 85.0
    # No axis of a percent KPI passes 100 %.
    for axis in fig.select_xaxes():
        if axis.ticksuffix == " %":
            assert axis.range[1] <= 100


# --- scorecard figures ---------------------------------------------------------------------

TARGETS = pd.DataFrame({"kpi": ["fcr", "aht"], "target": [75, 300], "tolerance": [5, 60]})


def _card():
    periods = pd.to_datetime(["2024-01-01", "2024-01-08"])
    frame = pd.DataFrame(
        {
            "team": ["a"] * 4 + ["b"] * 4,
            "period": list(periods.repeat(2)) * 2,
            "kpi": ["fcr", "aht"] * 4,
            "value": [60.0, 300.0, 76.0, 390.0, 72.0, 280.0, 72.0, np.nan],
            "numerator": [600, 3000, 760, 3900, 72, 2800, 72, np.nan],
            "denominator": [1000, 10, 1000, 10, 100, 10, 100, 0],
            "ci_low": [57.0, 290, 73.0, 380, 62.0, 270, 62.0, np.nan],
            "ci_high": [63.0, 310, 79.0, 400, 80.0, 290, 80.0, np.nan],
        }
    )
    return rate(frame, TARGETS)


def test_scorecard_table_shows_the_last_period_with_colours_and_arrows():
    fig = kp.scorecard_table(_card())
    table = fig.data[0]
    columns = [value.replace("<b>", "").replace("</b>", "") for value in table.header.values]
    assert columns == ["Team", "KPI", "Value", "Target", "Status", "Trend", "Score"]
    cells = dict(zip(columns, table.cells.values, strict=True))
    assert list(cells["Team"]) == ["a", "a", "b", "b"]
    assert list(cells["Status"]) == ["✔ met", "✘ missed", "! within tolerance", "– no data"]
    # fcr of team a: 600/1000 -> 760/1000 is significant (z = 7.7): up, an improvement.
    assert list(cells["Trend"])[0] == "▲ up, better"
    status_fill = table.cells.fill.color[columns.index("Status")]
    assert list(status_fill) == [RAG_TINTS[s] for s in ("green", "red", "amber", "no data")]
    assert "2024-01-08" in fig.layout.title.text


def test_scorecard_heatmap_codes_statuses():
    fig = kp.scorecard_heatmap(_card().table)
    heat = fig.data[0]
    assert list(heat.x) == ["AHT (s)", "FCR (%)"] and list(heat.y) == ["a", "b"]
    # a: aht red (2), fcr green (0); b: aht no data (3), fcr amber (1).
    assert [list(row) for row in heat.z] == [[2, 0], [3, 1]]
    assert heat.text[1][0] == "no data"
    # FCR of a rose significantly (600/1000 -> 760/1000): filled up arrow, green (the text
    # variant, 4.5:1 on the tints) as it is better.
    assert heat.text[0][1] == "✔ 76.0 <span style='color:#00664A'>▲</span>"
    assert heat.textfont.size == 12
    assert fig.layout.title.text.startswith("Scorecard by team")


def test_scorecard_figures_need_a_rated_table():
    with pytest.raises(ValueError, match="missing column"):
        kp.scorecard_table(pd.DataFrame({"kpi": ["fcr"], "value": [1.0]}))


def test_schedule_conformance_axis_runs_past_100():
    # Overtime takes conformance past 100 % (time available over time scheduled); the axis
    # stopped at 100 and hid such a week. Values 96-104 and the target 105, padded by 5 % of
    # their span 9 (0.45): 95.55 to 105.45.
    weeks = WEEKS.assign(
        kpi="schedule_conformance", value=[96.0, 104.0, 100.0], ci_low=np.nan, ci_high=np.nan
    )
    fig = kp.trend(weeks, kpi="schedule_conformance", target=105)
    assert fig.layout.yaxis.range == (95.55, 105.45)


# --- layout: top margin, labels, axes (a visual review at phone and laptop sizes) -------------

DAY = pd.DataFrame(
    {
        "period": pd.date_range("2024-03-04 09:00", periods=18, freq="30min"),
        "volume": np.arange(18.0),
        "forecast_volume": np.full(18, 40.0),
        "reforecast_volume": np.full(18, 50.0),
        "service_level": np.full(18, 100.0),
        "asa": np.full(18, 12.0),
        "aht_s": np.full(18, 300.0),
        "forecast_aht_s": np.full(18, 320.0),
    }
)


def test_a_figure_without_a_legend_has_a_top_margin_for_its_title_alone():
    # The template's 90 px hold a title and the legend's row: without a legend, an empty band.
    alone = kp.intraday_measure(DAY, measure="service_level", target=80)
    assert not shows_legend(alone)
    assert alone.layout.margin.t == 54  # 20 above the title, 22 for its line, 12 under it
    two_lines = kp.intraday_measure(DAY, measure="asa", title="ASA<br><sup>so far</sup>")
    assert two_lines.layout.margin.t == 54 + 22
    with_legend = kp.intraday_volume(DAY)
    assert shows_legend(with_legend)
    assert with_legend.layout.margin.t is None  # the template's, legend included
    assert (
        kp.scenario_comparison(
            kk.whatif.compare(
                kk.whatif.Scenario(volume=100, aht_s=180), kk.whatif.Scenario(100, 170)
            )
        ).layout.margin.t
        == 50
    )  # set by the builder: kept


def test_monitor_bar_labels_hide_rather_than_shrink_unreadably():
    # plotly shrinks an outside label to its bar's width: about 5 px tall on a phone.
    fig = kp.intraday_measure(DAY, measure="service_level", target=80)
    assert fig.layout.uniformtext.minsize >= 10
    assert fig.layout.uniformtext.mode == "hide"
    assert fig.data[0].hovertemplate == "%{x}: %{text}"  # the interval, the value and ✔ / ✘
    assert fig.data[0].text[0] == "100 ✔"


@pytest.mark.parametrize(
    "build",
    [
        lambda now: kp.intraday_volume(DAY, now=now),
        lambda now: kp.intraday_measure(DAY, measure="service_level", target=80, now=now),
        lambda now: kp.intraday_measure(DAY, measure="aht_s", now=now),
    ],
)
def test_the_now_label_sits_above_every_trace(build):
    # The label hangs from the plot's top; the data stay in the lower 80 % of the axis.
    fig = build("2024-03-04 10:05")
    label = fig.layout.annotations[0]
    assert label.text == "now 10:05" and label.yanchor == "top" and label.y == 1
    assert label.bgcolor is not None
    top = fig.layout.yaxis.range[1]
    highest = max(np.nanmax(np.asarray(trace.y, dtype=float)) for trace in fig.data)
    assert max(highest, 100 if fig.data[0].text else 0) <= 0.8 * top


@pytest.mark.parametrize("y", ["csat", "aht"])
def test_tradeoff_what_if_note_keeps_off_the_target_labels(y):
    # The note sat on the arrow's tail, near the y target's label, then in a corner of the
    # plot, over markers: now under the chart. The y target's label sits at the end of its
    # line away from "✔ both on target" (in one corner they were written one over the other).
    x = "csat" if y == "aht" else "aht"
    targets = {"aht": 300, "csat": 80}
    fig = kp.tradeoff(AGENTS, x=x, y=y, x_target=targets[x], y_target=targets[y], what_if=5)
    note = fig.layout.annotations[-1]
    assert "what if" in note.text
    assert (note.xref, note.yref, note.y, note.yanchor) == ("paper", "paper", 0, "top")
    horizontal = next(a for a in fig.layout.annotations if a.text == "target" and a.yref == "y")
    both = next(a for a in fig.layout.annotations if "both on target" in (a.text or ""))
    assert (both.x > 0.5) != (horizontal.x > 0.5)


def test_staffing_curve_asa_axis_has_round_ticks_on_the_percent_grid():
    curve = kk.queueing.queue_metrics(100, 180, range(11, 21))
    fig = kp.staffing_curve(curve, target_asa_s=30)
    percent, asa = fig.layout.yaxis, fig.layout.yaxis2
    assert (percent.tick0, percent.dtick, tuple(percent.range)) == (0, 20, (0, 102))
    # longest finite ASA over 5 gridlines, rounded up to 1, 2, 2.5 or 5 x 10^k seconds
    finite = curve["asa"][np.isfinite(curve["asa"])]
    assert asa.tick0 == 0 and asa.dtick * 5 >= finite.max()
    mantissa = asa.dtick / 10 ** np.floor(np.log10(asa.dtick))
    assert mantissa in (1, 2, 2.5, 5)
    # the same share of its range per tick as the percent axis: gridlines shared
    assert asa.range[1] / asa.dtick == pytest.approx(102 / 20)
