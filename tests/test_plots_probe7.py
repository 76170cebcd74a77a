"""Probe 7 of the plots, the trade-off and the statistics: a what-if note that labels an
uncut change "cut", a what-if dropped without a word, and p charts whose signals came from a
value that is not the counts' rate."""

import numpy as np
import pandas as pd
import pytest

import kpikit.plots as kp
from kpikit.stats import control_limits

AGENTS = pd.DataFrame(
    {
        "agent_id": ["a", "b", "c", "d"],
        "aht": [240.0, 300.0, 360.0, 420.0],
        "csat": [78.0, 82.0, 83.0, 88.0],
        "volume": [120, 80, 100, 60],
    }
)


def _notes(figure) -> list:
    return [note.text for note in figure.layout.annotations if note.text]


def test_what_if_note_says_cut_only_when_the_change_shown_was_cut():
    # x̄ = 330, ȳ = 82.75; sxx = 90² + 30² + 30² + 90² = 18000,
    # sxy = -90·-4.75 + -30·-0.75 + 30·0.25 + 90·5.25 = 930, slope = 930/18000 = 0.051667.
    # +200 s: ΔCSAT = 10.33, 82.75 + 10.33 = 93.08 % < 100 %: the change is not cut (only the
    # top of its 95 % range, 82.75 + 17.79 > 100, is).
    fig = kp.tradeoff(AGENTS, what_if=200)
    note = next(text for text in _notes(fig) if text.startswith("what if"))
    assert note.startswith("what if AHT +200: CSAT +10.3<br>")
    assert "cut" not in note
    # +400 s: 0.051667 · 400 = 20.67, 82.75 + 20.67 = 103.4 % > 100 %: cut to +17.25
    # (one decimal, half to even: 17.2).
    cut = next(text for text in _notes(kp.tradeoff(AGENTS, what_if=400)) if "what if" in text)
    assert cut.startswith("what if AHT +400: CSAT +17.2 (cut at its scale's limit)")


@pytest.mark.parametrize(
    ("agents", "expected"),
    [
        # two agents: a line needs MIN_FIT_POINTS = 3
        (
            AGENTS.iloc[:2],
            "no fitted line, so no what-if: 2 agents have both values, and a line needs 3",
        ),
        # every AHT 300 s: sxx = 0, no slope
        (
            AGENTS.assign(aht=300.0),
            "no fitted line, so no what-if: AHT is the same for all 4 agents",
        ),
    ],
)
def test_a_what_if_the_chart_cannot_draw_is_not_dropped_silently(agents, expected):
    fig = kp.tradeoff(agents, what_if=10)
    assert [trace.name for trace in fig.data] == ["Agents (area: answered contacts)"]
    assert _notes(fig) == [expected]
    assert _notes(kp.tradeoff(agents)) == []  # no what-if asked: nothing to say


def _rates(values, numerators, denominators) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=len(values), freq="W-MON"),
            "kpi": "service_level",
            "value": values,
            "numerator": numerators,
            "denominator": denominators,
        }
    )


def test_p_chart_refuses_a_value_that_is_not_the_rate_of_its_counts():
    # 80/100 is 80 %, given as the share 0.8: the limits (from the counts, around 82.5 %)
    # flagged every week "below the lower limit".
    shares = _rates([0.8, 0.8, 0.8, 0.9], [80, 80, 80, 90], [100] * 4)
    for method in ("laney", "p"):
        with pytest.raises(ValueError, match=r"value = 100 × numerator / denominator") as error:
            control_limits(shares, method=method)
        assert "4 row(s) do not" in str(error.value)
        assert "value=0.8, numerator=80, denominator=100" in str(error.value)
    with pytest.raises(ValueError, match="4 row"):
        kp.trend(
            shares.assign(ci_low=np.nan, ci_high=np.nan), kpi="service_level", control_limits=True
        )


def test_p_chart_takes_values_rounded_to_whole_percents():
    # 1/3 = 33.33 % shown as 33, 2/3 = 66.67 % as 67: off by 0.33 <= 0.5, rounding.
    # p̄ = 6/12 = 0.5: center 50 %, σ = √(0.25/3) = 0.2887, limits 50 ± 86.6 held to 0..100.
    rounded = _rates([33.0, 67.0, 33.0, 67.0], [1, 2, 1, 2], [3] * 4)
    chart = control_limits(rounded, method="p")
    assert chart[["center", "lcl", "ucl"]].iloc[0].tolist() == pytest.approx([50.0, 0.0, 100.0])
    assert chart["signal"].isna().all()


def test_a_weighted_fit_without_a_size_column_is_refused():
    # size=None leaves no weight: the fit was the unweighted one (r = 0.97), titled as asked.
    with pytest.raises(ValueError, match="'weighted' is True but 'size' is None"):
        kp.tradeoff(AGENTS, size=None, weighted=True)
    assert kp.tradeoff(AGENTS, size=None).layout.title.text.endswith("r = 0.97 (n = 4)")


def test_a_partial_period_is_neither_in_the_control_limits_nor_flagged():
    weeks = pd.date_range("2024-01-01", periods=6, freq="W-MON")
    offered = pd.DataFrame(
        {
            "period": weeks,
            "kpi": "contacts_offered",
            "value": [1000.0, 1020.0, 990.0, 1010.0, 1005.0, 300.0],  # last week: 2 days of 7
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    )
    fig = kp.trend(offered, kpi="contacts_offered", partial=[weeks[-1]], control_limits=True)
    lines = {trace.name: trace for trace in fig.data}
    # The five full weeks: mean 5025/5 = 1005; moving ranges 20, 30, 20, 5, mean 18.75;
    # 1005 ± 2.66 × 18.75 = 955.125 to 1054.875. With the partial week in: center 887.5,
    # limits 472.5 to 1302.5, and its 300 flagged "below the lower limit".
    assert list(lines["Center line"].y) == pytest.approx([1005.0] * 5)
    assert list(lines["Lower control limit"].y) == pytest.approx([955.125] * 5)
    assert list(lines["Upper control limit"].y) == pytest.approx([1054.875] * 5)
    assert "Signal (a change, not good or bad)" not in lines
