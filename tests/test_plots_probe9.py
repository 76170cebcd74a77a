"""Probe 9 of the plots: figures fed with real kpikit results, checked against hand figures."""

import pandas as pd
import pytest

import kpikit as kk
import kpikit.plots as kp


def _two_contacts(talk_s):
    """Two answered contacts on Mon 2 Mar 2026, handle time = talk time."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:10"]),
            "answered": [True, True],
            "wait_s": [5.0, 5.0],
            "talk_s": talk_s,
            "hold_s": [0.0, 0.0],
            "acw_s": [0.0, 0.0],
        }
    )


def test_breach_hover_does_not_show_a_breached_value_as_its_target():
    # AHT = (250 + 250.8) / 2 = 250.4 s against a target of 250 s, tolerance 30 s: amber.
    # Whole seconds wrote "250 s against 250 s (within tolerance): 0 s above the target".
    targets = pd.DataFrame({"kpi": ["aht"], "target": [250], "tolerance": [30]})
    found = kk.breaches(_two_contacts([250.0, 250.8]), targets, freq="day")
    hover = kp.breach_timeline(found).data[0].hovertext[0]
    assert "250.4 s against 250 s (within tolerance): 0.4 s above the target" in hover


def test_breach_hover_keeps_whole_seconds_where_they_tell_value_and_target_apart():
    # AHT = (300 + 361) / 2 = 330.5 s, 80.5 s above 250 s: whole seconds, "330 s" (half to
    # even), and the gap 80.5 s as "80 s" (both far from the target and the edge of 280 s).
    targets = pd.DataFrame({"kpi": ["aht"], "target": [250], "tolerance": [30]})
    found = kk.breaches(_two_contacts([300.0, 361.0]), targets, freq="day")
    hover = kp.breach_timeline(found).data[0].hovertext[0]
    assert "330 s against 250 s (missed): 80 s above the target" in hover


def test_breach_hover_shows_a_percent_gap_under_a_tenth_of_a_point():
    # Service level 79.96 %: 80 % would read as met; the gap 0.04 points is not 0.0.
    found = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-07-08"]),
            "kpi": ["service_level"],
            "name": ["Service level"],
            "unit": ["percent"],
            "better": ["higher"],
            "status": ["amber"],
            "value": [79.96],
            "target": [80.0],
            "tolerance": [5.0],
            "gap": [0.04],
            "breach_id": ["b1"],
        }
    )
    hover = kp.breach_timeline(found).data[0].hovertext[0]
    assert "79.96 % against 80.0 % (within tolerance): 0.04 percentage points below" in hover


def test_intraday_service_level_missing_its_target_is_not_labelled_as_the_target():
    # 43 of 54 contacts within the threshold: 79.63 %, below 80: "80 ✘" beside "target 80 %"
    # read as a met target marked missed. 80.0 exactly meets it; 50.0 is far below.
    intervals = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 10:00"]),
            "service_level": [43 / 54 * 100, 80.0, 50.0],
        }
    )
    fig = kp.intraday_measure(intervals, measure="service_level", target=80)
    assert list(fig.data[0].text) == ["79.6 ✘", "80 ✔", "50 ✘"]
    assert list(fig.data[0].marker.color) == [kp.RAG_COLORS["red"], kp.RAG_COLORS["green"]] + [
        kp.RAG_COLORS["red"]
    ]


def test_staffing_plan_hover_of_a_level_just_under_target_shows_it_under():
    # 79.96 % misses 80 %: one decimal wrote "80.0 % ✘".
    plan = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
            "volume": [100.0, 100.0],
            "required": [14, 14],
            "staffed": [14.0, 14.0],
            "gap": [0.0, 0.0],
            "service_level": [79.96, 85.0],
        }
    )
    levels = kp.staffing_plan(plan, target_sl=80).data[3]
    assert list(levels.customdata) == ["79.96 % ✘", "85.0 % ✔"]
    assert list(levels.text) == ["✘", ""]


def test_an_hourly_scorecard_figure_says_which_hour_it_shows():
    # freq="hour": the last period of the hand log is Fri 6 Mar 2026 09:00 (contact #10).
    # The titles said "period starting 2026-03-06", as if the whole day were shown (a daily
    # period, starting at midnight, keeps the date alone: the _period_text doctest).
    from tests.fixtures import hand_dataset

    targets = pd.DataFrame({"kpi": ["aht"], "target": [250], "tolerance": [30]})
    card = kk.scorecard(hand_dataset(), targets, freq="hour")
    assert kp.scorecard_table(card).layout.title.text.endswith("period starting 2026-03-06 09:00")
    assert kp.scorecard_heatmap(card).layout.title.text.endswith("2026-03-06 09:00")


def test_trend_refuses_a_tolerance_without_a_target_rather_than_drop_it():
    # Daily abandonment of the hand log (Mon 40 %, Tue 0 %, Thu 0 %, Fri 0 %): tolerance=2
    # without a target drew no amber zone and no line, without a word.
    from tests.fixtures import hand_dataset

    rows = kk.compute(hand_dataset(), kpis=["abandonment_rate"], freq="day")
    with pytest.raises(
        ValueError, match="'tolerance' .* no target was given for 'abandonment_rate'"
    ):
        kp.trend(rows, kpi="abandonment_rate", tolerance=2)
    # with the target 5 %: lower is better, so the amber zone is above it, 5 % to 7 %
    fig = kp.trend(rows, kpi="abandonment_rate", target=5, tolerance=2)
    assert (fig.layout.shapes[0].y0, fig.layout.shapes[0].y1) == (5.0, 7.0)


def test_breach_hover_of_a_band_kpi_just_outside_its_band():
    # Occupancy = handling 6,996 s / (6,996 + 3,004 s) = 69.96 %, under the band 70-85 %
    # (tolerance 5: amber). Breach rows give the edge crossed as the target and better
    # "band"; the hover said "70.0 % against 70.0 % ... 0.0 percentage points below".
    from tests.fixtures import hand_contacts

    intervals = pd.DataFrame(
        {
            "agent_id": ["A1"],
            "interval_start": pd.to_datetime(["2026-03-02 09:00"]),
            "scheduled_s": [10_000.0],
            "paid_s": [10_000.0],
            "handling_s": [6_996.0],
            "available_s": [3_004.0],
            "adherent_s": [10_000.0],
        }
    )
    data = kk.Dataset(contacts=hand_contacts(), agent_intervals=intervals)
    targets = pd.DataFrame(
        {"kpi": ["occupancy"], "band_low": [70.0], "band_high": [85.0], "tolerance": [5.0]}
    )
    found = kk.breaches(data, targets, freq="day")
    hover = kp.breach_timeline(found).data[0].hovertext[0]
    assert "69.96 % against 70.0 % (within tolerance): 0.04 percentage points below" in hover


def test_hourly_breach_hover_says_which_hour():
    # freq="hour", service level 80 % (threshold 20 s): Mon 2 Mar 09:00 has contacts #1-#4,
    # one answered within 20 s of 4 offered = 25 %; Thu 5 Mar 12:00 has #8 (60 s) = 0 %.
    # Both hovers said only the day ("Mon 02 Mar 2026").
    from tests.fixtures import hand_dataset

    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80], "tolerance": [5]})
    found = kk.breaches(hand_dataset(), targets, freq="hour")
    hovers = kp.breach_timeline(found).data[0].hovertext
    assert hovers[0].startswith("<b>Service level</b> · Mon 02 Mar 2026 09:00<br>25.0 %")
    assert hovers[1].startswith("<b>Service level</b> · Thu 05 Mar 2026 12:00<br>0.0 %")


def test_breach_timeline_takes_dates_as_a_register_gives_them():
    # DATE columns read back from a database are datetime.date objects, which the timeline's
    # check lets through: the calendar axis then failed with a raw AttributeError
    # ('datetime.date' object has no attribute 'normalize').
    import datetime

    found = pd.DataFrame(
        {
            "period": [datetime.date(2026, 7, 8), datetime.date(2026, 7, 9)],
            "kpi": ["service_level"] * 2,
            "name": ["Service level"] * 2,
            "unit": ["percent"] * 2,
            "status": ["red"] * 2,
            "value": [61.0, 70.0],
            "target": [80.0] * 2,
            "root_cause_due": [datetime.date(2026, 7, 11), None],
            "plan_due": [datetime.date(2026, 7, 16), None],
            "breach_id": ["b1", "b2"],
        }
    )
    fig = kp.breach_timeline(found)
    # half a day either side of the first and last days
    assert [str(bound) for bound in fig.layout.xaxis.range] == [
        "2026-07-07 12:00:00",
        "2026-07-09 12:00:00",
    ]
    assert fig.data[0].hovertext[0] == (
        "<b>Service level</b> · Wed 08 Jul 2026<br>61.0 % against 80.0 % (missed): 19.0 "
        "percentage points below the target<br>root cause due 11 Jul 00:00 · plan due 16 Jul 00:00"
    )
