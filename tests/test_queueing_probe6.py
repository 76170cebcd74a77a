"""Probe 6 of the queueing models: work and precision at the top of the traffic range."""

import numpy as np
import pytest

from kpikit import queueing
from kpikit.queueing import _erlang


def _textbook_erlang_b(load, agents):
    """Erlang B by the textbook recursion B(k) = A B(k-1) / (k + A B(k-1)) from B(0) = 1."""
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def test_erlang_b_of_a_hundred_thousand_agents_takes_about_sqrt_of_the_traffic_steps(
    monkeypatch,
):
    # was one step of the recursion per agent: 100,000 agents took 2 s an evaluation, and
    # staffing 100,000 Erlangs with patience (31 evaluations) 42 s. The terms below
    # m - 12 sqrt(m) - 50 (m = min(n, A)) are under 1e-26 of 1/B: at n = A = 99,000 that is
    # 12 * sqrt(99,000) + 50 = 3,826 steps, not 99,000.
    lengths = []

    class CountingNumpy:
        def __getattr__(self, name):
            return getattr(np, name)

        def arange(self, *args, **kwargs):
            steps = np.arange(*args, **kwargs)
            lengths.append(steps.size)
            return steps

    monkeypatch.setattr(_erlang, "np", CountingNumpy())
    blocking = queueing.erlang_b(99_000, 99_000)
    assert max(lengths) <= 3_827
    # the same value as the full recursion (from B(0) = 1), to rounding
    assert blocking == pytest.approx(_textbook_erlang_b(99_000.0, 99_000), rel=1e-12)


@pytest.mark.parametrize(
    ("load", "agents"), [(2_500.0, 1_000), (2_500.0, 2_400), (2_500.0, 2_600), (2_500.0, 3_000)]
)
def test_erlang_b_starting_late_keeps_the_full_recursions_value(load, agents):
    # starting the recursion at m - 12 sqrt(m) - 50 (here 1,000 - 430 = 570 for 1,000 agents,
    # 2,500 - 650 = 1,850 above) drops terms under 1e-26 of the sum: the value stays that of
    # the textbook recursion from B(0) = 1, to rounding
    assert queueing.erlang_b(load, agents) == pytest.approx(
        _textbook_erlang_b(load, agents), rel=1e-12
    )


def test_interval_staffing_counts_agents_on_the_night_the_clocks_go_back():
    # pandas' floor of the agent intervals' zoned starts raised AmbiguousTimeError ("Cannot
    # infer dst time from 2026-10-25 02:00:00"): Paris's 02:00-03:00 comes twice that night.
    # 8 half hours from 00:00 UTC (02:00 +02:00 to 04:30 +01:00), 20 calls of 180 s each:
    # A = 20 * 180 / 1800 = 2 Erlangs. Erlang C by hand: B(3) = 0.2105, C(3) = 0.4444,
    # SL(3) = 1 - 0.4444 exp(-20/180) = 60.2 %; B(4) = 0.0952, C(4) = 0.1739,
    # SL(4) = 1 - 0.1739 exp(-40/180) = 86.1 % >= 80: 4 required. 5 agents logged in for the
    # whole half hour (1200 + 600 s of 1800) are 5 staffed, 1 to spare.
    import pandas as pd

    import kpikit as kk
    from kpikit.governance.staffing import interval_staffing

    starts = pd.date_range("2026-10-25 00:00", periods=8, freq="30min", tz="UTC")
    starts = starts.tz_convert("Europe/Paris")
    arrivals = [start + pd.Timedelta(seconds=60 * i) for start in starts for i in range(20)]
    contacts = pd.DataFrame(
        {
            "contact_id": range(len(arrivals)),
            "arrived_at": arrivals,
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 180.0,
            "hold_s": 0.0,
            "acw_s": 0.0,
            "agent_id": [f"a{i % 5}" for i in range(len(arrivals))],
        }
    )
    agent_intervals = pd.DataFrame(
        [
            {
                "agent_id": f"a{j}",
                "interval_start": start,
                "handling_s": 1200.0,
                "available_s": 600.0,
            }
            for start in starts
            for j in range(5)
        ]
    )
    table = interval_staffing(
        kk.Dataset(contacts, agent_intervals),
        group={},
        start=starts[0],
        end=starts[-1] + pd.Timedelta("30min"),
    )
    assert table["interval_start"].tolist() == list(starts)  # both 02:00 and both 02:30
    assert table["required"].tolist() == [4] * 8
    assert table["staffed"].tolist() == [5.0] * 8
    assert table["short"].tolist() == [-1.0] * 8


def test_staffing_curve_writes_a_fractional_agent_count_as_it_is():
    # a line drawn at 13.05 agents (fractional_agents of a plan) was labelled "13 agents"
    from kpikit.plots._staffing import staffing_curve

    curve = queueing.queue_metrics(100, 180, range(11, 21))
    fig = staffing_curve(curve, agents=13.05)
    assert fig.layout.shapes[0].x0 == 13.05
    assert [note.text for note in fig.layout.annotations] == ["13.05 agents"]
    whole = staffing_curve(curve, agents=14)
    assert [note.text for note in whole.layout.annotations] == ["14 agents"]


def test_staffing_curve_of_waits_under_a_nanosecond_keeps_an_asa_axis():
    # 1 call of 180 s per 30 min is A = 0.1 Erlang; on 7 agents Erlang C gives
    # B(7) = (0.1^7 / 7!) / e^0.1-ish sum = 1.795e-11, C = 7 B / (7 - 0.1 (1 - B)) = 1.821e-11,
    # ASA = C 180 / 6.9 = 4.75e-10 s, the longest wait of the curve. A fifth of it is 9.5e-11,
    # rounded up to a step of 1e-10 s; the axis runs to 102 % of 5 steps = 5.1e-10 s. Rounded
    # to 9 decimals the step was 0 and the axis range [0, 0].
    from kpikit.plots._staffing import staffing_curve

    curve = queueing.queue_metrics(1, 180, range(7, 11))
    assert curve["asa"].max() == pytest.approx(4.75e-10, rel=1e-3)
    axis = staffing_curve(curve).layout.yaxis2
    assert axis.dtick == pytest.approx(1e-10, rel=1e-12)
    assert axis.range == pytest.approx((0, 5.1e-10), rel=1e-12)


@pytest.mark.parametrize(
    ("targets", "name"),
    [
        ({"target_asa_s": [10, 20]}, "target_asa_s"),
        ({"max_abandon": [1, 2], "patience_s": 60}, "max_abandon"),
    ],
)
def test_a_target_per_interval_is_refused_by_name(targets, name):
    # was NumPy's bare "TypeError: only 0-dimensional arrays can be converted to Python
    # scalars", naming no argument (target_sl and max_occupancy already said "a number")
    with pytest.raises(ValueError, match=rf"'{name}' must be one number, .* \[1"):
        queueing.agents_required([100, 50], 180, **targets)


def test_series_with_different_indexes_are_refused_not_paired_by_position():
    # volume a=100, b=50 beside AHT b=180, a=240 was staffed as a: 100 calls of 180 s (the
    # AHT labelled b), silently; now refused, naming both arguments
    import pandas as pd

    volume = pd.Series([100, 50], index=["a", "b"])
    aht = pd.Series([180, 240], index=["b", "a"])
    with pytest.raises(
        ValueError, match=r"'aht_s' is a Series whose index differs from .*'volume'"
    ):
        queueing.agents_required(volume, aht, target_sl=80)
    with pytest.raises(ValueError, match=r"'scheduled_agents' is a Series whose index differs"):
        queueing.service_for_roster(volume, 180, scheduled_agents=aht)
    # aligned, the labels pair up: a = 100 calls of 240 s = 13.33 Erlangs
    plan = queueing.agents_required(volume, aht.reindex(volume.index), target_sl=80)
    assert plan.loc["a", "traffic"] == pytest.approx(100 * 240 / 1800)
