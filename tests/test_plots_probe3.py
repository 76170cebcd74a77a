"""Third probe of the plotly builders: small hand-made inputs whose chart is known.

Expected values are worked out by hand in the comments.
"""

import numpy as np
import pandas as pd
import pytest

import kpikit.plots as kp
from kpikit import queueing
from kpikit.scorecard import rate


def _trend_rows(periods, values):
    return pd.DataFrame({"period": periods, "value": values, "ci_low": np.nan, "ci_high": np.nan})


def test_trend_breaks_the_line_where_a_week_has_no_row():
    # kk.compute gives no row for a week without contacts: weeks of 1, 8 and 22 Jan, none for
    # 15 Jan. The line must break between 8 and 22 Jan (a point without a value between
    # them), not run from 80 % to 85 % as if 15 Jan had been measured; before, it did.
    weeks = pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-22"])
    rows = _trend_rows(weeks, [78.0, 80.0, 85.0]).assign(
        ci_low=[74.0, 76.0, 81.0], ci_high=[81.0, 84.0, 88.0]
    )
    band, line = kp.trend(rows, kpi="service_level").data
    # the break sits half-way between 8 and 22 Jan: 15 Jan
    assert [f"{pd.Timestamp(x):%d %b}" for x in line.x] == ["01 Jan", "08 Jan", "15 Jan", "22 Jan"]
    assert np.isnan(line.y[2]) and list(np.asarray(line.y)[[0, 1, 3]]) == [78.0, 80.0, 85.0]
    assert None in band.y  # the 95 % band breaks there too


def test_trend_breaks_a_group_missing_a_week_the_others_have_and_a_missing_month():
    # team b has no row for 8 Jan (team a has): its line 4 % -> gap -> 5 %
    weeks = pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-01", "2024-01-15"])
    rows = _trend_rows(weeks, [1.0, 2.0, 3.0, 4.0, 5.0]).assign(team=list("aaabb"))
    a, b = kp.trend(rows, kpi="service_level", by="team").data
    assert list(a.y) == [1.0, 2.0, 3.0]
    assert [f"{pd.Timestamp(x):%d %b}" for x in b.x] == ["01 Jan", "08 Jan", "15 Jan"]
    assert b.y[0] == 4.0 and np.isnan(b.y[1]) and b.y[2] == 5.0
    # months Jan, Feb, Mar, May: one break, between March and May (April missing)
    months = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-05-01"])
    line = kp.trend(_trend_rows(months, [1.0, 2.0, 3.0, 4.0]), kpi="aht").data[-1]
    assert len(line.y) == 5 and np.isnan(line.y[3])


@pytest.mark.parametrize(
    "periods",
    [
        # 29 Mar 2026 has 23 hours in Paris: still consecutive days
        pd.date_range("2026-03-27", periods=5, freq="D", tz="Europe/Paris"),
        # 02:00 does not exist that night: 01:00 -> 03:00 is one hour, no gap
        pd.date_range("2026-03-29 00:00", periods=5, freq="h", tz="Europe/Paris"),
        # 02:00 twice in autumn: five consecutive hours
        pd.date_range("2026-10-25 00:00", periods=5, freq="h", tz="Europe/Paris"),
        # months of 28 to 31 days
        pd.date_range("2024-01-01", periods=5, freq="MS"),
    ],
)
def test_trend_does_not_break_consecutive_periods_at_a_clock_change(periods):
    line = kp.trend(_trend_rows(periods, [1.0, 2.0, 3.0, 4.0, 5.0]), kpi="aht").data[-1]
    assert list(line.y) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_distribution_of_numbered_groups_keeps_the_none_group_on_a_category_axis():
    # x labels '8.0', '9.0', '10.0', '(none)': plotly.js types an axis by its labels (a
    # category axis only when text labels outnumber numeric ones 2 to 1), so it drew these on
    # a number line, where "(none)" has no place and its box was dropped. Medians by hand:
    # hour 8 -> 1, 9 -> 2, 10 -> 3, none -> 4.
    rows = pd.DataFrame({"hour": [8, 9, 10, None], "handle_s": [1.0, 2.0, 3.0, 4.0]})
    for kind in ("box", "violin"):
        fig = kp.distribution(rows, value="handle_s", by="hour", kind=kind)
        assert fig.layout.xaxis.type == "category"
        assert list(dict.fromkeys(fig.data[0].x)) == ["8.0", "9.0", "10.0", "(none)"]
    assert list(kp.distribution(rows, value="handle_s", by="hour").data[0].median) == [
        1.0,
        2.0,
        3.0,
        4.0,
    ]


def test_scorecard_heatmap_and_root_cause_bars_put_numbered_labels_on_a_category_axis():
    # sites 1 and 2 and a missing site: rows '1', '2', '(none)'; on a guessed number line
    # the "(none)" row had no place
    frame = pd.DataFrame({"site": [1, 2, None], "kpi": "fcr", "value": [76.0, 72.0, 60.0]})
    targets = pd.DataFrame({"kpi": ["fcr"], "target": [75], "tolerance": [5]})
    fig = kp.scorecard_heatmap(rate(frame, targets), by="site")
    assert fig.layout.yaxis.type == "category"
    assert list(fig.data[0].y) == ["1.0", "2.0", "(none)"]
    # 76 met (0), 72 within 5 of 75 (amber, 1), 60 missed (red, 2)
    assert [list(row) for row in fig.data[0].z] == [[0], [1], [2]]
    bars = pd.DataFrame({"label": ["101", "205"], "performance": [30.0, 20.0], "mix": [5.0, 0.0]})
    assert kp.root_cause_bars(bars).layout.yaxis.type == "category"


def test_patience_curve_refuses_two_queues_drawn_as_one_line_and_a_percent_survival():
    # patience_kaplan_meier(contacts, by="queue").survival: queue a at 10 s 50 %, queue b at
    # 30 s 50 %; without by="queue" they were one "all callers" line 100, 50, 50
    survival = pd.DataFrame(
        {
            "queue": ["a", "b"],
            "wait_s": [10.0, 30.0],
            "at_risk": [2, 2],
            "abandoned": [1, 1],
            "survival": [0.5, 0.5],
        }
    )
    with pytest.raises(ValueError, match=r"column\(s\) \['queue'\] tell them apart.*by='queue'"):
        kp.patience_curve(survival)
    fig = kp.patience_curve(survival, by="queue")
    assert [(t.name, list(t.y)) for t in fig.data] == [("a", [100.0, 50.0]), ("b", [100.0, 50.0])]
    # survival given in percent (75 %, 37.5 %) was drawn x 100: 7,500 %, off the 0-102 axis
    percent = pd.DataFrame({"wait_s": [10.0, 30.0], "survival": [75.0, 37.5]})
    with pytest.raises(ValueError, match=r"<= 1 in column 'survival'.*\[75.0, 37.5\]"):
        kp.patience_curve(percent)
    with pytest.raises(TypeError, match="numbers in column 'wait_s'"):
        kp.patience_curve(percent.assign(wait_s=["10", "30"], survival=[0.75, 0.375]))


def test_bullet_and_sector_overview_take_a_missing_value_as_pd_na():
    # pd.NA is the missing value of a nullable Float64 column: "no data", as None or NaN
    fig = kp.bullet(pd.DataFrame(), kpi="fcr", value=pd.NA, target=75)
    assert "Value" not in [trace.name for trace in fig.data]
    assert fig.layout.annotations[0].text == "no data"
    yours = pd.DataFrame(
        {"kpi": ["fcr", "aht"], "value": pd.array([pd.NA, 300.0], dtype="Float64")}
    )
    bench = pd.DataFrame(
        {"kpi": ["fcr", "aht"], "tier": "average", "low": [70.0, 240.0], "high": [75.0, 360.0]}
    )
    texts = [note.text for note in kp.sector_overview(bench, yours=yours).layout.annotations]
    assert texts[0].endswith("you: 300 s") and "you:" not in texts[1]


def test_staffing_curve_refuses_text_asa_naming_the_column_and_keeps_infinite_asa_out():
    curve = queueing.queue_metrics(100, 180, range(11, 15))
    with pytest.raises(TypeError, match="numbers in column 'asa'"):
        kp.staffing_curve(curve.assign(asa=curve["asa"].astype(str)))
    # an infinite ASA (Erlang C where agents do not exceed the traffic) is left out of the
    # ASA line, not refused
    with_infinite = pd.concat(
        [curve.iloc[:1].assign(agents=10, asa=np.inf, service_level=0.0), curve]
    )
    asa = kp.staffing_curve(with_infinite).data[-1]
    assert np.isnan(asa.y[0]) and np.isfinite(asa.y[1:]).all()
