"""Probe 11 of the monitor, statistics and control limits: tiny trials, counts missing beside
a charted value, and the day's forecast shown as the volume it differs from."""

import numpy as np
import pandas as pd
import pytest

from kpikit import stats
from kpikit.apps._monitor_html import tiles_html
from kpikit.monitor import IntradayMonitor, list_sources, resolve_source
from kpikit.stats import control_limits, mean_interval, nps_interval, wilson_interval

DAY = pd.Timestamp("2026-03-02")


def test_wilson_interval_of_tiny_weighted_trials_stays_within_0_and_1():
    # Weighted trials far below 1: n = 1e-300, half of it successes. With n -> 0 the Wilson
    # interval tends to centre (x + z²/2) / (n + z²) = 1/2, half-width z·(z/2) / z² = 1/2:
    # 0 to 1. z²/n overflowed to infinity and gave -inf to inf (and -inf to 1 at n = x).
    low, high = wilson_interval(np.array([0.5e-300, 1e-300]), np.array([1e-300, 1e-300]))
    np.testing.assert_allclose(low, [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(high, [1.0, 1.0], atol=1e-12)
    # the usual counts keep their bounds: 8 of 10 is 0.4902 to 0.9433 (the docstring's)
    low, high = wilson_interval(8, 10)
    assert (low, high) == pytest.approx((0.4901624, 0.9433178), rel=1e-6)


def test_a_p_chart_refuses_a_value_whose_counts_are_missing():
    # 75 % in week 3 has no numerator: the p′ chart's center and limits come from the counts,
    # so the week was left out of them and of the signals without a word (null limits beside
    # a value shown).
    weeks = pd.DataFrame(
        {
            "period": pd.date_range("2024-01-01", periods=4, freq="W-MON"),
            "value": [80.0, 70.0, 75.0, 90.0],
            "numerator": [80.0, 70.0, np.nan, 90.0],
            "denominator": [100.0, 100.0, 100.0, 100.0],
        }
    )
    with pytest.raises(
        ValueError,
        match=r"numerator and denominator .* 1 row\(s\) do not "
        r"\(first: period=2024-01-15 00:00:00, value=75.0, numerator=nan",
    ):
        control_limits(weeks, kpi="service_level")
    # a null value beside null counts (a period without contacts) stays a gap, as before
    gap = weeks.assign(value=[80.0, 70.0, np.nan, 90.0])
    chart = control_limits(gap, kpi="service_level", method="p")
    assert chart["lcl"].isna().tolist() == [False, False, True, False]


def test_the_forecast_to_now_is_not_shown_as_the_volume_it_differs_from(tmp_path):
    # 10 calls by 09:12, a forecast of 12 for 09:00-09:30: 12 · 12/30 = 4.8 by now, plus 5.6 for
    # 08:30-09:00 (over): 10.4 forecast to now. The tile read "forecast 10 (-4 %)" beside the
    # 10 contacts; 100 · (10 / 10.4 - 1) = -3.85 %.
    log = tmp_path / "log.csv"
    pd.DataFrame(
        {
            "contact_id": range(10),
            "arrived_at": DAY + pd.Timedelta("09:00:00") + pd.to_timedelta(range(10), unit="min"),
            "answered": True,
            "wait_s": 5.0,
        }
    ).to_csv(log, index=False)
    forecast = pd.DataFrame(
        {
            "period": [DAY + pd.Timedelta("08:30:00"), DAY + pd.Timedelta("09:00:00")],
            "volume": [5.6, 12.0],
            "aht_s": [200.0, 200.0],
        }
    )
    view = IntradayMonitor(log, forecast=forecast).refresh(DAY + pd.Timedelta("09:12:00"))
    assert view.day["forecast_volume"] == pytest.approx(10.4)
    tiles = tiles_html(view, 80.0, 20.0)
    assert "forecast 10.4 (-4 %)" in tiles
    # a change that rounds to 0 keeps the forecast whole: 10 against 5.22 + 4.8 = 10.02 is "0 %"
    later = IntradayMonitor(log, forecast=forecast.assign(volume=[5.22, 12.0]))
    assert "forecast 10 (0 %)" in tiles_html(later.refresh(DAY + pd.Timedelta("09:12:00")), 80, 20)


def test_a_symbolic_link_loop_in_the_monitor_folder_is_not_listed(tmp_path):
    # a link to itself among the entries: resolving it raised RuntimeError ("Symlink loop"),
    # so list_sources failed and no monitor dashboard could be built on the folder
    (tmp_path / "today").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert list_sources(tmp_path) == ["today"]
    with pytest.raises(ValueError, match="Value of 'source' .*: 'loop'"):
        resolve_source("loop", tmp_path)


def test_a_link_source_name_too_long_for_the_system_is_refused_as_a_value(tmp_path):
    # ?source= followed by 300 letters: a raw OSError "File name too long" naming the server's
    # folder, which MonitorApp.set (catching TypeError and ValueError) let through
    with pytest.raises(ValueError, match="File name too long") as caught:
        resolve_source("a" * 300, tmp_path)
    assert str(tmp_path) not in str(caught.value)
    assert "a" * 61 not in str(caught.value)  # the name cut to 60 characters, as elsewhere


def test_naive_times_beside_times_with_an_offset_are_wall_times_of_tz(tmp_path):
    # With tz, "naive times are read as its wall-clock times": a at 09:00 (no offset) is 09:00
    # in Paris, b at 09:05+01:00 is 09:05 in Paris (winter time): both in 09:00-09:30. Beside
    # a time with an offset, the naive one was read as UTC, an hour later in Paris (10:00).
    log = tmp_path / "log.csv"
    pd.DataFrame(
        {
            "contact_id": ["a", "b"],
            "arrived_at": ["2026-03-02 09:00", "2026-03-02 09:05+01:00"],
            "answered": [True, True],
            "wait_s": [10.0, 10.0],
        }
    ).to_csv(log, index=False)
    view = IntradayMonitor(log, tz="Europe/Paris").refresh("2026-03-02 10:00+01:00")
    volumes = view.intervals.set_index("period")["volume"]
    assert volumes[volumes > 0].to_dict() == {
        pd.Timestamp("2026-03-02 09:00", tz="Europe/Paris"): 2.0
    }


def test_blank_text_in_a_drop_is_an_empty_cell_as_in_a_csv(tmp_path):
    # A Parquet drop written with "" (and a CSV one with a space) where a CSV has an empty
    # field: b still waits, c is in talk. Refused at every refresh as "must be true or false
    # (or empty while waiting)" or a talk_s "given but no number". By hand at 09:10: a answered
    # in 10 s, c in 15 s (both within 20 s: 100 %), b waiting 5 min: the queue holds 1, and
    # b (past 20 s) is judged a miss: 2 within / 3 judged = 66.7 %.
    rows = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c"],
            "arrived_at": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-02 09:05", "2026-03-02 09:06"]
            ),
            "answered": ["true", "", "true"],
            "wait_s": ["10", "", "15"],
            "talk_s": ["200", "", ""],
        }
    )
    rows.to_parquet(tmp_path / "0001.parquet")
    rows.replace("", " ").to_csv(tmp_path / "0002.csv", index=False)
    view = IntradayMonitor(tmp_path).refresh("2026-03-02 09:10")
    assert (view.queue_depth, view.contacts) == (1, 3)
    assert view.day["service_level"] == pytest.approx(200 / 3)
    assert view.day["aht_s"] == 200.0  # c, in talk, has no handle time yet


def test_a_plan_in_nullable_types_for_part_of_the_day_is_read(tmp_path):
    # A forecast and staffing read with nullable types (Int64, Float64), for three half hours of
    # the day, 09:30 without a forecast: the day's other intervals map to <NA>, which pandas
    # 2.2 refused to turn into floats ("cannot convert to 'float64'-dtype NumPy array with
    # missing values") at every refresh. By hand at 09:40: one call at 09:05, 09:00 over (1
    # against 4: ratio 1/4), 10:00 to come: reforecast 6 / 4 = 1.5.
    log = tmp_path / "log.csv"
    log.write_text("contact_id,arrived_at,answered,wait_s,talk_s\na,2026-03-02 09:05,true,10,100\n")
    periods = pd.date_range("2026-03-02 09:00", periods=3, freq="30min")
    forecast = pd.DataFrame(
        {
            "period": periods,
            "volume": pd.array([4, None, 6], dtype="Int64"),
            "aht_s": pd.array([200.0, None, 180.0], dtype="Float64"),
        }
    )
    staffed = pd.Series(pd.array([2, None, 3], dtype="Int64"), index=periods)
    view = IntradayMonitor(log, forecast=forecast, staffed=staffed).refresh("2026-03-02 09:40")
    plan = view.intervals.set_index("period").loc[periods]
    np.testing.assert_array_equal(plan["forecast_volume"], [4.0, np.nan, 6.0])
    np.testing.assert_array_equal(plan["forecast_aht_s"], [200.0, np.nan, 180.0])
    np.testing.assert_array_equal(plan["staffed_agents"], [2.0, np.nan, 3.0])
    assert plan["reforecast_volume"].tolist()[2] == 1.5
    assert view.intervals["forecast_volume"].isna().sum() == 46  # 48 half hours, 2 planned


def test_a_plan_with_arrow_timestamps_is_read(tmp_path):
    # A forecast and staffing read with dtype_backend="pyarrow": refused as "must have its
    # periods as timestamps, but received: [Timestamp('2026-03-02 09:00:00'), ...]".
    log = tmp_path / "log.csv"
    log.write_text("contact_id,arrived_at,answered,wait_s,talk_s\na,2026-03-02 09:05,true,10,100\n")
    forecast = pd.DataFrame(
        {
            "period": pd.date_range("2026-03-02 09:00", periods=2, freq="30min"),
            "volume": [4.0, 6.0],
            "aht_s": [200.0, 180.0],
        }
    ).convert_dtypes(dtype_backend="pyarrow")
    staffed = pd.Series([2.0, 3.0], index=forecast["period"])
    view = IntradayMonitor(log, forecast=forecast, staffed=staffed).refresh("2026-03-02 09:40")
    plan = view.intervals.set_index("period").loc["2026-03-02 09:00":"2026-03-02 09:30"]
    assert plan["forecast_volume"].tolist() == [4.0, 6.0]
    assert plan["staffed_agents"].tolist() == [2.0, 3.0]


def _drop(folder, name, rows, **columns):
    frame = pd.DataFrame(rows, columns=["contact_id", "arrived_at", "answered", "wait_s"])
    frame.assign(**columns).to_csv(folder / name, index=False)


def test_rows_refused_after_they_were_read_are_refused_again_not_lost(tmp_path):
    # b's drop gives its arrival with an offset, a's had none: the refresh that read it raised
    # "changed its time zone", and the next one showed a alone, b gone without a word
    monitor = IntradayMonitor(tmp_path)
    _drop(tmp_path, "0001.csv", [("a", "2026-03-02 09:05", "true", "10")])
    assert monitor.refresh("2026-03-02 09:10").contacts == 1
    _drop(tmp_path, "0002.csv", [("b", "2026-03-02 09:06+01:00", "true", "10")])
    for _ in range(2):
        with pytest.raises(ValueError, match="changed its time zone from None to UTC"):
            monitor.refresh("2026-03-02 09:10")


def test_a_channel_followed_in_a_log_without_channels_is_refused_at_every_refresh(tmp_path):
    # the monitor made on an empty folder, the first drop without a channel column: the first
    # refresh said so, the next showed "no contact" (0), the drop's rows lost
    monitor = IntradayMonitor(tmp_path, channel="phone")
    _drop(tmp_path, "0001.csv", [("a", "2026-03-02 09:05", "true", "10")])
    for _ in range(2):
        with pytest.raises(ValueError, match="the live log has no channel column"):
            monitor.refresh("2026-03-02 09:10")
    # a drop that brings the column: every row is read, the first drop's a included (its
    # channel empty: a phone call, as the monitor reads a contact without a channel)
    _drop(tmp_path, "0002.csv", [("b", "2026-03-02 09:06", "true", "10")], channel="phone")
    assert monitor.refresh("2026-03-02 09:10").contacts == 2


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: wilson_interval([1, 2, 3], [5, 5]), "'successes' and 'n'"),
        (lambda: nps_interval([1, 2], [0, 0, 0], [5, 5]), "'promoters', 'detractors' and"),
        (lambda: mean_interval([3, 4, 5], [6.0, 7.0], 14.0), "'n', 'total' and"),
    ],
)
def test_intervals_of_arrays_of_different_lengths_name_the_arguments(call, named):
    # NumPy's "operands could not be broadcast together with shapes (3,) (2,)" named none
    with pytest.raises(ValueError, match=f"Values of {named}.* must have the same length"):
        call()


def test_a_parquet_log_caught_mid_rewrite_is_named_and_read_again(tmp_path):
    # the writer has written half of the file: the message was pyarrow's "Could not open Parquet
    # input source '<Buffer>'", naming no file; once whole, the next refresh reads it
    log = tmp_path / "live.parquet"
    rows = pd.DataFrame(
        {
            "contact_id": ["a", "b"],
            "arrived_at": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:01"]),
            "answered": [True, True],
            "wait_s": [5.0, 5.0],
        }
    )
    rows[:1].to_parquet(log)
    monitor = IntradayMonitor(log)
    rows.to_parquet(log)
    whole = log.read_bytes()
    log.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError, match="The live log live.parquet cannot be read .*next refresh"):
        monitor.refresh("2026-03-02 09:10")
    log.write_bytes(whole)
    assert monitor.refresh("2026-03-02 09:10").contacts == 2


def test_blank_contact_ids_in_a_parquet_drop_are_refused_not_merged(tmp_path):
    # two calls written with "" for their id: one contact named "" (the second's row won),
    # where a CSV's empty id is refused as a row without a contact_id
    pd.DataFrame(
        {
            "contact_id": ["", " ", "c"],
            "arrived_at": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-02 09:01", "2026-03-02 09:02"]
            ),
            "answered": [True, True, True],
            "wait_s": [10.0, 10.0, 10.0],
        }
    ).to_parquet(tmp_path / "0001.parquet")
    with pytest.raises(ValueError, match=r"'contact_id' .* 2 row\(s\) have none \(arrived_at "):
        IntradayMonitor(tmp_path).refresh("2026-03-02 09:10")


@pytest.mark.parametrize(
    "interval, counts",
    [("wilson_interval", (5, 10)), ("nps_interval", (5, 2, 10)), ("poisson_interval", (5,))],
)
def test_a_z_beyond_any_confidence_level_is_refused(interval, counts):
    # z = 1e200 stands for no level below 1 (from about 8.3 the level is 1 in floating point):
    # Wilson raised a raw OverflowError, NPS gave -100 to 100, Poisson 0 to infinity
    with pytest.raises(ValueError, match="Value of 'z' must be"):
        getattr(stats, interval)(*counts, z=1e200)


def test_unpausing_says_when_the_source_was_last_read(tmp_path, monkeypatch):
    # a read while paused at 10:00:00, unpaused at 10:05:00: the status said "read at
    # 10:05:00 in <the time of a read before the pause> ms"
    from fixtures import monitor_contacts

    from kpikit.apps.monitor import MonitorApp
    from kpikit.monitor import live_events

    (tmp_path / "today").mkdir()
    events = live_events(monitor_contacts())
    events.drop(columns="event_at").to_csv(tmp_path / "today" / "000001.csv", index=False)
    app = MonitorApp(monitor_contacts(), source="today", sources_dir=tmp_path, target_sl=80)
    app.pause.value = True
    clock = {"now": "10:00:00"}
    monkeypatch.setattr("kpikit.apps.monitor.time.strftime", lambda form: clock["now"])
    app.refresh()
    clock["now"] = "10:05:00"
    app.pause.value = False
    assert "read at 10:00:00 in " in app.status.value
    assert "nan ms" not in app.status.value


def test_a_plan_or_patience_the_queueing_models_cannot_take_is_refused_at_once(tmp_path):
    # a forecast AHT of 0.0005 s and a patience of 0.0005 s (below the models' 0.001 s) were
    # taken, and every refresh then failed on the model's refusal, naming positions of the
    # monitor's own table
    log = tmp_path / "today.csv"
    log.write_text("contact_id,arrived_at,answered,wait_s\n", encoding="utf-8")
    IntradayMonitor(log, patience_s=0.001)  # the shortest the models take
    forecast = pd.DataFrame(
        {"period": pd.to_datetime(["2026-03-02 09:00"]), "volume": [4.0], "aht_s": [0.0005]}
    )
    with pytest.raises(ValueError, match=r"aht_s above 0 \(0.001 s at least.*have less"):
        IntradayMonitor(log, forecast=forecast)
    with pytest.raises(ValueError, match=r"'patience_s' must be at least 0.001 s"):
        IntradayMonitor(log, patience_s=0.0005)
