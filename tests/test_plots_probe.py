"""Figure builders under hostile input: values plotly would leave out or misplace silently
(infinity, text, missing periods), too many groups, and the days the clocks change."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit.plots as kp


def _weeks(**columns):
    rows = pd.DataFrame(
        {
            "period": pd.date_range("2026-01-05", periods=3, freq="W-MON"),
            "kpi": "aht",
            "value": [300.0, 310.0, 320.0],
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    return rows.assign(**columns)


def _hours(zone, start, count):
    """``count`` hourly periods from local midnight ``start`` in ``zone``, as kk.compute cuts
    them (one row per instant)."""
    first = pd.Timestamp(start, tz=zone)
    return pd.Series([first + pd.Timedelta(hours=hour) for hour in range(count)])


@pytest.mark.parametrize(
    ("columns", "error", "message"),
    [
        ({"value": [300.0, np.inf, 320.0]}, ValueError, r"finite numbers in column 'value' but 1 "),
        ({"ci_high": [np.nan, -np.inf, np.nan]}, ValueError, r"column 'ci_high' but 1 row\(s\)"),
        ({"value": ["300", "abc", "320"]}, TypeError, r"numbers in column 'value' but 3 row"),
        (
            {"period": pd.to_datetime(["2026-01-05", None, "2026-01-19"])},
            ValueError,
            r"a period in every row but 1 row\(s\) have none in column 'period' \(rows \[1\]\)",
        ),
    ],
)
def test_trend_refuses_what_plotly_would_leave_out(columns, error, message):
    # before: infinity and text were drawn as gaps ("–" on hover), a missing period was
    # dropped from the line; each row named is row 1 of the three-week fixture
    with pytest.raises(error, match=message):
        kp.trend(_weeks(**columns), kpi="aht")


def test_trend_refuses_more_groups_than_it_can_draw_and_says_so_fast():
    agents = [f"a{number}" for number in range(10_000)]
    rows = pd.DataFrame(
        {
            "period": np.repeat(pd.date_range("2026-01-05", periods=2, freq="W-MON"), 10_000),
            "agent_id": agents * 2,
            "kpi": "aht",
            "value": 300.0,
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    # before: 10,000 lines, 15 s and a 5 MB figure; refused before any line is drawn
    with pytest.raises(ValueError, match=r"at most 50 groups .* 'agent_id' has 10000 .*a0"):
        kp.trend(rows, kpi="aht", by="agent_id")
    fifty = rows[rows["agent_id"].isin(agents[:50])]
    assert len(kp.trend(fifty, kpi="aht", by="agent_id").data) == 50


def test_trend_tells_apart_the_hour_the_clocks_repeat():
    # Paris, 25 Oct 2026: 00:00, 01:00, 02:00 (+02:00), 02:00 (+01:00), 03:00: five periods,
    # two of them at wall time 02:00, where plotly draws both
    periods = _hours("Europe/Paris", "2026-10-25", 5)
    rows = pd.DataFrame({"period": periods, "value": 300.0, "ci_low": np.nan, "ci_high": np.nan})
    fig = kp.trend(rows, kpi="aht")
    assert list(fig.data[-1].text) == [
        "300 s",
        "300 s",
        "300 s at 2026-10-25 02:00+02:00",
        "300 s at 2026-10-25 02:00+01:00",
        "300 s",
    ]
    assert fig.layout.xaxis.title.text == (
        "Period · clocks go back 1 h on 25 Oct 2026 (Europe/Paris): 1 h of wall times repeat, "
        "told apart by UTC offset"
    )


def test_trend_notes_the_hour_the_clocks_skip_and_not_the_23_hour_day():
    # New York, 8 Mar 2026: 00:00, 01:00 then 03:00 (two wall hours, one real hour apart)
    rows = pd.DataFrame(
        {"period": _hours("America/New_York", "2026-03-08", 3), "value": 300.0}
    ).assign(ci_low=np.nan, ci_high=np.nan)
    fig = kp.trend(rows, kpi="aht")
    assert [f"{stamp:%H:%M}" for stamp in fig.data[-1].x] == ["00:00", "01:00", "03:00"]
    assert fig.layout.xaxis.title.text == (
        "Period · clocks go forward 1 h on 08 Mar 2026 (America/New_York): the axis skips 1 h"
    )
    days = pd.Series(pd.date_range("2026-03-07", periods=3, freq="D", tz="America/New_York"))
    daily = rows.assign(period=days)
    assert kp.trend(daily, kpi="aht").layout.xaxis.title.text == "Period"


def test_intraday_volume_says_which_0200_is_which_and_refuses_text():
    # Paris, 25 Oct 2026, half-hourly from 01:30: 01:30, 02:00+02, 02:30+02, 02:00+01, ...
    first = pd.Timestamp("2026-10-25 01:30", tz="Europe/Paris")
    periods = pd.Series([first + pd.Timedelta(minutes=30 * step) for step in range(6)])
    intervals = pd.DataFrame({"period": periods, "volume": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    fig = kp.intraday_volume(intervals)
    assert list(fig.data[0].x) == [
        "01:30",
        "02:00+02:00",
        "02:30+02:00",
        "02:00+01:00",
        "02:30+01:00",
        "03:00",
    ]
    assert fig.data[0].hovertemplate.startswith("%{x}: ")  # the name with its offset on hover
    assert "clocks go back 1 h on 25 Oct 2026" in fig.layout.xaxis.title.text
    with pytest.raises(TypeError, match=r"'intervals' must hold numbers in column 'volume'"):
        kp.intraday_volume(intervals.assign(volume=["1", "2", "x", "4", "5", "6"]))
    with pytest.raises(ValueError, match=r"'intervals' must have a period in every row"):
        kp.intraday_measure(
            intervals.assign(period=periods.where(periods.index != 2), asa=10.0), measure="asa"
        )


_AUTUMN_NIGHT = [
    *["00:00", "00:30", "01:00", "01:30"],
    *["02:00+02:00", "02:30+02:00", "02:00+01:00", "02:30+01:00", "03:00", "03:30"],
]


def test_intraday_bars_of_the_repeated_hour_stand_apart_named_by_offset():
    # Paris, 25 Oct 2026, half-hourly from 00:00: 02:00+02:00 holds 40 contacts, 02:00+01:00
    # holds 6; service level 60 % and 90 %. Before, both were drawn at 02:00 on a time axis
    # and plotly stacked them: one column 0-46 contacts, 60 + 90 = 150 % (cut at 125).
    periods = pd.Series(
        pd.date_range("2026-10-25 00:00", periods=10, freq="30min", tz="Europe/Paris")
    )
    intervals = pd.DataFrame(
        {
            "period": periods,
            "volume": [1.0, 2, 3, 4, 40, 50, 6, 7, 8, 9],
            "reforecast_volume": 5.0,
            "service_level": [70.0, 71, 72, 73, 60, 61, 90, 91, 74, 75],
        }
    )
    now = pd.Timestamp("2026-10-25 02:45+01:00")  # half-way through 02:30+01:00 (8th)
    volume = kp.intraday_volume(intervals, now=now)
    xaxis = volume.layout.xaxis
    assert xaxis.type == "category" and list(xaxis.categoryarray) == _AUTUMN_NIGHT  # 10 places
    bars = volume.data[0]
    assert list(bars.x) == _AUTUMN_NIGHT[:8]  # the intervals begun by now, one bar each
    assert np.asarray(bars.y).tolist() == [1.0, 2, 3, 4, 40, 50, 6, 7]
    reforecast = volume.data[-1]  # from the interval still open, its offset on hover
    assert list(reforecast.x)[:2] == ["02:30+01:00", "03:00"]
    assert reforecast.hovertemplate == "%{x}: %{y:,.1f}"
    # "now": the 8th interval spans 6.5-7.5 on the axis, half of it gone
    assert volume.layout.shapes[0].x0 == 7.0
    assert volume.layout.annotations[0].text == "now 02:45+01:00"
    level = kp.intraday_measure(intervals, measure="service_level", target=80, now=now)
    assert list(level.layout.xaxis.categoryarray) == _AUTUMN_NIGHT
    assert list(level.data[0].x)[4:8] == _AUTUMN_NIGHT[4:8]
    assert list(level.data[0].text)[4:8] == ["60 ✘", "61 ✘", "90 ✔", "91 ✔"]
    assert level.layout.shapes[0].x0 == 7.0  # the target line comes after
    assert level.layout.annotations[0].text == "now 02:45+01:00"


def test_intraday_now_sits_in_its_interval_and_a_missing_interval_keeps_its_place():
    # 09:00, 09:30 and 10:30 (no 10:00 row): 10:00 keeps its place, empty; "now" 10:40 is a
    # third into 10:30, the 4th place (3.5-4.5 minus a half): 2.5 + 10/30 = 2.8333
    periods = pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 10:30"])
    intervals = pd.DataFrame({"period": periods, "volume": [4.0, 1.0, 2.0], "asa": 10.0})
    fig = kp.intraday_measure(intervals, measure="asa", now="2024-03-04 10:40")
    assert list(fig.layout.xaxis.categoryarray) == ["09:00", "09:30", "10:00", "10:30"]
    assert fig.layout.shapes[0].x0 == pytest.approx(2.5 + 10 / 30)
    assert fig.layout.annotations[0].text == "now 10:40"  # no repeated wall time: no offset


def test_staffing_plan_keeps_both_0100_intervals_of_the_autumn_night():
    # New York, 1 Nov 2026, half-hourly: 00:00, 00:30, 01:00-04, 01:30-04, 01:00-05, 01:30-05:
    # six intervals; before, the category axis held five (the two "01:00" bars overlaid)
    first = pd.Timestamp("2026-11-01", tz="America/New_York")
    periods = pd.Series([first + pd.Timedelta(minutes=30 * step) for step in range(6)])
    plan = pd.DataFrame(
        {
            "period": periods,
            "volume": 10.0,
            "required": 3,
            "staffed": [3.0, 3.0, 2.0, 3.0, 4.0, 3.0],
            "gap": [0.0, 0.0, -1.0, 0.0, 1.0, 0.0],
            "service_level": 85.0,
        }
    )
    fig = kp.staffing_plan(plan)
    assert list(fig.data[0].x) == [
        "00:00",
        "00:30",
        "01:00-04:00",
        "01:30-04:00",
        "01:00-05:00",
        "01:30-05:00",
    ]
    assert "clocks go back 1 h on 01 Nov 2026 (America/New_York)" in (fig.layout.xaxis2.title.text)
    with pytest.raises(TypeError, match=r"'plan' must hold numbers in column 'staffed'"):
        kp.staffing_plan(plan.assign(staffed="3"))


def test_intraday_staffing_refuses_an_interval_named_twice_and_infinity():
    plan = pd.DataFrame(
        {"label": ["09:00", "09:00", "09:30"], "raw_agents": [1, 2, 3], "scheduled_agents": 4}
    )
    # before: both 09:00 bars were drawn in one category, one over the other
    with pytest.raises(ValueError, match=r"'plan' names the interval\(s\) \['09:00'\] more than"):
        kp.intraday_staffing(plan)
    plan = plan.assign(label=["09:00", "09:30", "10:00"], raw_agents=[1, np.inf, 3])
    with pytest.raises(ValueError, match=r"finite numbers in column 'raw_agents' .*rows \[1\]"):
        kp.intraday_staffing(plan)


def test_intraday_staffing_writes_zoned_intervals_with_their_offset_when_two_share_a_time():
    # Paris, 25 Oct 2026: 01:00+02, 02:00+02, 02:00+01, 03:00+01: four categories, not three
    plan = pd.DataFrame(
        {
            "label": _hours("Europe/Paris", "2026-10-25 01:00", 4),
            "raw_agents": [1, 2, 3, 4],
            "scheduled_agents": [2, 3, 4, 5],
        }
    )
    fig = kp.intraday_staffing(plan, alternative=plan.assign(raw_agents=[5, 6, 7, 8]))
    assert list(fig.data[0].x) == [
        "2026-10-25 01:00 +0200",
        "2026-10-25 02:00 +0200",
        "2026-10-25 02:00 +0100",
        "2026-10-25 03:00 +0100",
    ]
    assert list(fig.data[2].y) == [5, 6, 7, 8]


def test_root_cause_bars_escape_labels_take_polars_and_refuse_what_they_would_misdraw():
    bars = pd.DataFrame(
        {"label": ["<b>queue</b> billing", "team A"], "performance": [30.0, 5.0], "mix": 11.0}
    )
    fig = kp.root_cause_bars(pl.from_pandas(bars))  # before: "missing column(s)", read as rows
    # bars bottom-up, so the largest (first row) is on top; the tag shows as written
    assert list(fig.data[0].y) == ["team A", "&lt;b&gt;queue&lt;/b&gt; billing"]
    assert list(fig.data[0].x) == [5.0, 30.0]
    # before: the two "team A" rows stacked into one bar of 35 %, and infinity became a gap
    with pytest.raises(ValueError, match=r"one row per label but 2 rows share \['team A'\]"):
        kp.root_cause_bars(bars.assign(label="team A"))
    with pytest.raises(ValueError, match=r"finite numbers in column 'mix' .*\(rows \[1\]\)"):
        kp.root_cause_bars(bars.assign(mix=[11.0, np.inf]))
    with pytest.raises(TypeError, match=r"'contributors' must hold numbers in column 'mix'"):
        kp.root_cause_bars(bars.assign(mix="11"))


def _rated_agents(count):
    """``count`` agents rated on FCR: 76 % against a target of 75 (met)."""
    from kpikit.scorecard import rate

    frame = pd.DataFrame(
        {"agent_id": [f"a{number:05d}" for number in range(count)], "kpi": "fcr", "value": 76.0}
    )
    return rate(frame, pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]}))


def test_scorecard_figures_draw_the_first_groups_of_a_huge_table_and_say_so():
    # before: 10,000 agents took 20 s for the table, and the heatmap squeezed 10,000 rows
    # into 1,400 px, neither saying anything
    card = _rated_agents(1001)
    table = kp.scorecard_table(card, by="agent_id")
    assert len(table.data[0].cells.values[0]) == 1000
    assert table.layout.title.subtitle.text == (
        "First 1,000 of 1,001 rows shown: filter the scorecard to see the others"
    )
    heat = kp.scorecard_heatmap(card, by="agent_id")
    assert list(heat.data[0].y) == [f"a{number:05d}" for number in range(300)]
    assert heat.layout.title.subtitle.text == (
        "First 300 of 1,001 groups shown: filter the scorecard to see the others"
    )
    whole = kp.scorecard_heatmap(_rated_agents(300), by="agent_id")
    assert len(whole.data[0].y) == 300 and whole.layout.title.subtitle.text is None


def test_distribution_summarises_thousands_of_groups_at_once():
    # agent a00000 by hand: 1, 2, 3, 4, 100 -> q1 2, median 3, q3 4, IQR 2, whiskers within
    # 2 - 3 and 4 + 3: 1 and 4 (100 is an outlier); mean 110 / 5 = 22
    handle = [1.0, 2.0, 3.0, 4.0, 100.0]
    rows = pd.DataFrame(
        {
            "agent": np.repeat([f"a{number:05d}" for number in range(10_000)], 5),
            "handle_s": handle * 10_000,
        }
    )
    # No timed assertion here (a busy CI machine makes it flaky): 10,000 groups took 7 s in a
    # Python loop per group, a fraction of a second now.
    box = kp.distribution(rows, value="handle_s", by="agent").data[0]
    assert len(box.x) == 10_000 and box.x[0] == "a00000"
    first = [float(column[0]) for column in (box.q1, box.median, box.q3)]
    assert first == [2.0, 3.0, 4.0]
    assert [box.lowerfence[0], box.upperfence[0], box.mean[0]] == [1.0, 4.0, 22.0]


def test_scenario_comparison_shows_scenario_names_as_written():
    from kpikit import whatif

    base = whatif.Scenario(volume=100, aht_s=180, agents=14, csat=80.0, cost_per_agent_hour=30)
    table = whatif.compare(base, base.adjust(agents=-1))
    table.loc[0, "basis"] = "<a href='x'>input</a>"
    fig = kp.scenario_comparison(table, base_name="<b>today</b>", alternative_name="A & B")
    # before: "<b>today</b>" came out bold, the link a link
    assert list(fig.data[0].header.values[1:3]) == ["&lt;b&gt;today&lt;/b&gt;", "A &amp; B"]
    assert fig.data[0].cells.values[4][0] == "&lt;a href='x'&gt;input&lt;/a&gt;"
    assert fig.data[0].cells.values[4][-1] == "<i>assumption</i>"  # kpikit's own markup stays


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (
            [78.0, np.inf],
            ValueError,
            r"finite numbers in column 'value' but 1 row\(s\) hold \[inf\]",
        ),
        (["78", "x"], TypeError, r"numbers in column 'value' but 2 row\(s\) hold \['78', 'x'\]"),
    ],
)
def test_hour_weekday_heatmap_refuses_infinity_and_text(value, error, message):
    # before: infinity left a blank cell as if there were no data; text raised pandas' own
    # "could not convert string to float"
    cells = pd.DataFrame({"weekday": [1, 2], "hour": [9, 9], "kpi": "csat", "value": value})
    with pytest.raises(error, match=message):
        kp.hour_weekday_heatmap(cells, kpi="csat")


def test_patience_curve_shows_group_names_as_written_in_their_order():
    survival = pd.DataFrame(
        {
            "queue": ["<b>vip</b>", "10", "9", "None"],
            "wait_s": [10.0, 20.0, 30.0, 40.0],
            "survival": [0.5, 0.4, 0.3, 0.2],
        }
    )
    fig = kp.patience_curve(survival, by="queue")
    # before: "<b>vip</b>" came out bold; text sorts "10" before "9", and the text "None" is a
    # name, not a missing group (the names are written out, not built with astype(str), which
    # keeps None missing in pandas 3 and writes it "None" in pandas 2)
    assert [trace.name for trace in fig.data] == ["10", "9", "&lt;b&gt;vip&lt;/b&gt;", "None"]
    numbers = survival.iloc[1:].assign(queue=pd.array([10, 9, None], dtype="Int64"))
    # numbers by size, the missing group last as "(none)"
    assert [trace.name for trace in kp.patience_curve(numbers, by="queue").data] == [
        "9",
        "10",
        "(none)",
    ]


def test_tradeoff_on_an_empty_compute_output_says_it_is_empty():
    empty = pd.DataFrame(
        {"agent_id": [], "kpi": [], "value": [], "numerator": [], "denominator": []}
    )
    # before: "Value of 'size' is not a column of 'frame': 'volume'. Compute 'aht' ..."
    with pytest.raises(ValueError, match=r"'frame' has no rows for kpi 'aht'. KPIs present: \[\]"):
        kp.tradeoff(empty)


def test_arrow_backed_zoned_periods_are_drawn_at_their_local_time():
    # 09:00, 10:00 and 11:00 in Paris on 2 Mar 2026 (UTC+01:00); before, an Arrow-backed
    # frame was drawn at 08:00, 09:00, 10:00 (pandas reads its wall clock in UTC)
    periods = pd.Series(pd.date_range("2026-03-02 09:00", periods=3, freq="h", tz="Europe/Paris"))
    rows = pd.DataFrame({"period": periods, "value": 300.0, "ci_low": np.nan, "ci_high": np.nan})
    arrow = rows.convert_dtypes(dtype_backend="pyarrow")
    hours = ["09:00", "10:00", "11:00"]
    line = kp.trend(arrow, kpi="aht").data[-1]
    assert [f"{pd.Timestamp(stamp):%H:%M}" for stamp in line.x] == hours
    intervals = arrow[["period"]].assign(volume=pd.array([1.0, 2.0, 3.0], dtype="float64[pyarrow]"))
    bars = kp.intraday_volume(intervals).data[0]
    assert list(bars.x) == hours


def test_trend_reads_naive_partial_periods_in_the_datas_time_zone():
    # weeks of 19 Oct, 26 Oct and 2 Nov 2026 in Paris; the last is partial. Before, the date
    # "2026-11-02" (naive) never matched the zoned period and the point stayed full
    periods = pd.Series(pd.date_range("2026-10-19", periods=3, freq="W-MON", tz="Europe/Paris"))
    rows = pd.DataFrame({"period": periods, "value": 300.0, "ci_low": np.nan, "ci_high": np.nan})
    fig = kp.trend(rows, kpi="aht", partial=["2026-11-02"])
    assert list(fig.data[-1].marker.symbol) == ["circle", "circle", "circle-open"]
    naive = rows.assign(period=periods.dt.tz_localize(None))
    with pytest.raises(ValueError, match=r"'partial' must hold naive dates like the 'period'"):
        kp.trend(naive, kpi="aht", partial=[pd.Timestamp("2026-11-02", tz="Europe/Paris")])


def test_breach_timeline_refuses_dates_written_as_text():
    found = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-07-08"]),
            "kpi": ["service_level"],
            "name": ["Service level"],
            "unit": ["percent"],
            "status": ["red"],
            "value": [61.0],
            "target": [80.0],
            "gap": [19.0],
            "root_cause_due": ["2026-07-11"],
            "plan_due": [None],
            "breach_id": ["b1"],
        }
    )
    # before: "Invalid format specifier '%d %b %H:%M' for object of type 'str'"
    with pytest.raises(TypeError, match=r"dates in column 'root_cause_due' but 1 row\(s\) hold"):
        kp.breach_timeline(found)
    with pytest.raises(
        TypeError, match=r"dates in column 'period' .*\['2026-07-08'\] \(rows \[0\]"
    ):
        kp.breach_timeline(found.assign(period=["2026-07-08"], root_cause_due=None))
    fig = kp.breach_timeline(found.assign(root_cause_due=pd.Timestamp("2026-07-11 09:00")))
    assert "root cause due 11 Jul 09:00 · plan due not set" in fig.data[0].hovertext[0]


@pytest.mark.parametrize(
    ("column", "values", "error", "message"),
    [
        ("service_level", [70.0, np.inf, 90.0], ValueError, r"<= 100 in column 'service_level'"),
        ("occupancy", [90.0, 185.0, 80.0], ValueError, r"'occupancy' but 1 row\(s\) hold \[185"),
        ("service_level", ["70", "80", "90"], TypeError, r"numbers in column 'service_level'"),
    ],
)
def test_staffing_curve_refuses_values_off_its_percent_axis(column, values, error, message):
    # before: drawn on a 0-102 % axis, infinity and 185 % fell off it unseen
    curve = pd.DataFrame(
        {"agents": [10, 11, 12], "service_level": [70.0, 80.0, 90.0], "asa": [30.0, 20.0, 10.0]}
    ).assign(occupancy=[90.0, 85.0, 80.0])
    with pytest.raises(error, match=message):
        kp.staffing_curve(curve.assign(**{column: values}))
    infinite_wait = curve.assign(asa=[np.inf, 20.0, 10.0])  # Erlang C's unstable queue: allowed
    assert list(kp.staffing_curve(infinite_wait).data[-1].y)[1:] == [20.0, 10.0]


def test_trend_interval_band_breaks_where_a_period_has_no_interval():
    # Day 3 has no value (a zero denominator): the line breaks there, and so must the band.
    # It was one polygon through days 1, 2 and 4, shading 205-225 s over the empty day.
    days = _weeks(
        period=pd.date_range("2026-10-24", periods=3, freq="D"),
        ci_low=[190.0, 200.0, 210.0],
        ci_high=[210.0, 220.0, 230.0],
    )
    empty = pd.DataFrame({"period": [pd.Timestamp("2026-10-27")], "kpi": "aht"})
    last = _weeks(period=pd.Timestamp("2026-10-28"), ci_low=220.0, ci_high=240.0).head(1)
    band = kp.trend(pd.concat([days.head(2), empty, last]), kpi="aht").data[0]
    # Each run of periods with an interval is its own closed shape, separated by None: along
    # ci_high, then back along ci_low.
    assert list(band.y) == [210.0, 220.0, 200.0, 190.0, None, 240.0, 220.0]
    assert band.x[4] is None and band.fill == "toself"


def test_trend_control_limits_leave_out_provisional_periods():
    # FCR of nine days at 70 of 100, and a last day whose repeat window is still open: only
    # its 30 failures are in (0 of 30). Drawn with the limits of all ten days, the last day
    # was a "signal"; it is no sign of a change, so the limits come from the nine final days
    # (center 630 / 900 = 70 %) and it is not flagged. provisional_fcr's frame is taken too.
    days = pd.date_range("2026-08-20", periods=10, freq="D")
    fcr = pd.DataFrame(
        {
            "period": days,
            "kpi": "fcr",
            "value": [70.0] * 9 + [0.0],
            "numerator": [70.0] * 9 + [0.0],
            "denominator": [100.0] * 9 + [30.0],
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    late = pd.DataFrame({"period": days[-1:], "kpi": "fcr"})
    fig = kp.trend(fcr, kpi="fcr", control_limits=True, provisional=late)
    names = [trace.name for trace in fig.data]
    assert not any(name.startswith("Signal") for name in names)
    center = fig.data[names.index("Center line")]
    assert len(center.x) == 9 and set(center.y) == {70.0}
