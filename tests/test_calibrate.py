"""Tests of kpikit.calibrate: arrival profile, AHT and patience estimates from contacts."""

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit import calibrate


@pytest.fixture
def contacts():
    """Two Mondays (Jan 1 and 8, 2024) and the Tuesday between, two queues."""
    return pd.DataFrame(
        {
            "contact_id": range(6),
            "arrived_at": pd.to_datetime(
                [
                    "2024-01-01 09:05",
                    "2024-01-01 09:20",
                    "2024-01-01 09:40",
                    "2024-01-02 14:10",
                    "2024-01-08 09:10",
                    "2024-01-08 23:59",
                ]
            ),
            "answered": [True, False, True, True, True, False],
            "wait_s": [10.0, 45.0, 30.0, 5.0, 15.0, 95.0],
            "queue": ["billing", "billing", "orders", "billing", "billing", "orders"],
            "talk_s": [200.0, 0.0, 300.0, 100.0, 250.0, 0.0],
            "hold_s": [20.0, 0.0, 0.0, 0.0, 10.0, 0.0],
            "acw_s": [30.0, 0.0, 60.0, 20.0, 40.0, 0.0],
        }
    )


# --------------------------------------------------------------------------- arrival profile


def test_arrival_profile_volume_and_aht(contacts):
    profile = calibrate.arrival_profile(contacts, interval="30min")
    # the log runs Mon Jan 1 .. Mon Jan 8: 2 Mondays and one of every other weekday
    assert len(profile) == 7 * 48
    assert profile.groupby("weekday")["days"].first().tolist() == [2, 1, 1, 1, 1, 1, 1]
    monday_nine = profile.query("weekday == 1 and interval_start == '09:00'").iloc[0]
    # 09:05 and 09:20 on Jan 1, 09:10 on Jan 8: 3 contacts / 2 Mondays
    assert monday_nine["contacts"] == 3 and monday_nine["volume"] == 1.5
    # answered 09:05 (200 + 20 + 30) and 09:10 (250 + 10 + 40): 550 s / 2
    assert monday_nine["aht_s"] == 275.0
    monday_nine_thirty = profile.query("weekday == 1 and interval_start == '09:30'").iloc[0]
    assert monday_nine_thirty["volume"] == 0.5 and monday_nine_thirty["aht_s"] == 360.0
    quiet = profile.query("weekday == 4 and interval_start == '09:00'").iloc[0]
    assert quiet["volume"] == 0.0 and math.isnan(quiet["aht_s"])
    assert profile["contacts"].sum() == len(contacts)


def test_arrival_profile_by_queue_and_hours(contacts):
    profile = calibrate.arrival_profile(contacts, interval="hour", by="queue")
    assert list(profile.columns[:4]) == ["queue", "weekday", "weekday_name", "interval_start"]
    assert len(profile) == 2 * 7 * 24
    assert (profile["interval_s"] == 3600).all()
    billing = profile.query("queue == 'billing' and weekday == 1 and interval_start == '09:00'")
    assert billing["contacts"].item() == 3  # 09:05, 09:20 on Jan 1 and 09:10 on Jan 8
    late = profile.query("queue == 'orders' and weekday == 1 and interval_start == '23:00'")
    assert late["volume"].item() == 0.5


def test_arrival_profile_inputs(contacts):
    polars_profile = calibrate.arrival_profile(pl.from_pandas(contacts))
    pandas_profile = calibrate.arrival_profile(kk.Dataset(contacts=contacts))
    pd.testing.assert_frame_equal(polars_profile, pandas_profile, check_dtype=False)
    zoned = contacts.assign(arrived_at=contacts["arrived_at"].dt.tz_localize("Europe/Paris"))
    pd.testing.assert_frame_equal(calibrate.arrival_profile(zoned), pandas_profile)
    no_handle = calibrate.arrival_profile(contacts.drop(columns=["talk_s", "hold_s", "acw_s"]))
    assert no_handle["aht_s"].isna().all()
    with pytest.raises(ValueError, match=r"Expected one of \['15min', '30min', 'hour'\]"):
        calibrate.arrival_profile(contacts, interval="20min")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['answered'\]"):
        calibrate.arrival_profile(contacts.drop(columns="answered"))


# --------------------------------------------------------------------------- patience


def test_patience_exponential_by_hand(contacts):
    overall = calibrate.patience_exponential(contacts).iloc[0]
    # total time queued 10 + 45 + 30 + 5 + 15 + 95 = 200 s, 2 abandons -> 100 s
    assert overall["patience_s"] == 100.0 and overall["abandoned"] == 2
    # 95 % interval: 100 * exp(-/+ 1.96 / sqrt(2))
    assert overall["ci_low"] == pytest.approx(100 * math.exp(-1.959964 / math.sqrt(2)))
    assert overall["ci_high"] == pytest.approx(100 * math.exp(1.959964 / math.sqrt(2)))
    per_queue = calibrate.patience_exponential(contacts, by="queue").set_index("queue")
    # billing: (10 + 45 + 5 + 15) / 1 abandon; orders: (30 + 95) / 1
    assert per_queue.loc["billing", "patience_s"] == 75.0
    assert per_queue.loc["orders", "patience_s"] == 125.0


def test_patience_exponential_without_abandons_is_nan(contacts):
    answered = contacts[contacts["answered"]]
    result = calibrate.patience_exponential(answered).iloc[0]
    assert math.isnan(result["patience_s"]) and math.isnan(result["ci_low"])


def test_patience_estimates_recover_a_simulated_patience():
    # callers with exponential patience (mean 90 s) and exponential offered waits (mean 40 s):
    # a caller abandons when its patience runs out first
    rng = np.random.default_rng(11)
    patience = rng.exponential(90.0, 20_000)
    offered_wait = rng.exponential(40.0, 20_000)
    simulated = pd.DataFrame(
        {"answered": offered_wait <= patience, "wait_s": np.minimum(offered_wait, patience)}
    )
    estimate = calibrate.patience_exponential(simulated).iloc[0]
    assert estimate["ci_low"] <= 90.0 <= estimate["ci_high"]
    # the restricted mean to 120 s of an exponential(90) is 90 (1 - exp(-120 / 90)) = 66.28
    curve = calibrate.patience_kaplan_meier(simulated, horizon_s=120)
    assert curve.restricted_mean["restricted_mean_s"].item() == pytest.approx(66.28, rel=0.03)


def test_kaplan_meier_by_hand():
    contacts = pd.DataFrame(
        {
            "answered": [False, True, False, False, True, True],
            "wait_s": [10.0, 20.0, 20.0, 30.0, 30.0, 50.0],
        }
    )
    curve = calibrate.patience_kaplan_meier(contacts)
    # t=10: 6 at risk, 1 abandon -> 5/6; t=20: 5 at risk (the answered one at 20 still counts),
    # 1 abandon -> 5/6 * 4/5 = 2/3; t=30: 3 at risk, 1 abandon -> 2/3 * 2/3 = 4/9
    assert curve.survival["wait_s"].tolist() == [10.0, 20.0, 30.0]
    assert curve.survival["at_risk"].tolist() == [6, 5, 3]
    np.testing.assert_allclose(curve.survival["survival"], [5 / 6, 2 / 3, 4 / 9])
    # area: 10 * 1 + 10 * 5/6 + 10 * 2/3 + 20 * 4/9 up to the last wait (50 s)
    expected = 10 + 10 * 5 / 6 + 10 * 2 / 3 + 20 * 4 / 9
    assert curve.restricted_mean["restricted_mean_s"].item() == pytest.approx(expected)
    assert curve.restricted_mean["horizon_s"].item() == 50.0
    # horizon 25 s: 10 * 1 + 10 * 5/6 + 5 * 2/3
    shorter = calibrate.patience_kaplan_meier(contacts, horizon_s=25)
    assert shorter.restricted_mean["restricted_mean_s"].item() == pytest.approx(
        10 + 10 * 5 / 6 + 5 * 2 / 3
    )


def test_kaplan_meier_without_censoring_is_the_sample_mean():
    waits = np.array([3.0, 8.0, 8.0, 15.0, 40.0])
    contacts = pd.DataFrame({"answered": False, "wait_s": waits})
    curve = calibrate.patience_kaplan_meier(contacts)
    assert curve.survival["survival"].iloc[-1] == 0.0
    assert curve.restricted_mean["restricted_mean_s"].item() == pytest.approx(waits.mean())


def test_kaplan_meier_by_queue(contacts):
    curve = calibrate.patience_kaplan_meier(contacts, by="queue")
    assert list(curve.restricted_mean["queue"]) == ["billing", "orders"]
    assert list(curve.survival.columns) == ["queue", "wait_s", "at_risk", "abandoned", "survival"]
    billing = curve.survival[curve.survival["queue"] == "billing"]
    # billing waits 5, 10, 15, 45 (abandon at 45, alone at risk) -> survival 0
    assert billing["at_risk"].tolist() == [1] and billing["survival"].tolist() == [0.0]
    orders = curve.restricted_mean.set_index("queue").loc["orders"]
    # orders: answered at 30, abandoned at 95: S = 1 until 95 -> area 95
    assert orders["restricted_mean_s"] == pytest.approx(95.0)


# --------------------------------------------------------------------------- bad input


def test_arrival_profile_refuses_bad_arrivals(contacts):
    missing = pd.DataFrame(
        {"arrived_at": pd.to_datetime(["2024-01-01 09:00", None]), "answered": [True, True]}
    )
    with pytest.raises(
        kk.SchemaError,
        match=r"contacts.arrived_at: 1 row empty in a required column \(first row positions: 1\)",
    ):
        calibrate.arrival_profile(missing)
    text = contacts.assign(arrived_at=["2024-01-01 09:00", "soon", "", "x", "y", "z"])
    with pytest.raises(kk.SchemaError, match=r"arrived_at: wrong type: holds text.*to_datetime"):
        calibrate.arrival_profile(text)
    for numbers in ([math.inf] * 6, [1e308] * 6, [-math.inf] * 6):
        with pytest.raises(kk.SchemaError, match="arrived_at: wrong type: holds floats"):
            calibrate.arrival_profile(contacts.assign(arrived_at=numbers))
    # the handle times of the AHT are checked too: one talk time below 0 (row 2)
    negative_talk = contacts.assign(talk_s=[200.0, 0.0, -300.0, 100.0, 250.0, 0.0])
    with pytest.raises(kk.SchemaError, match=r"talk_s: 1 row below 0 \(first row positions: 2\)"):
        calibrate.arrival_profile(negative_talk)


@pytest.mark.parametrize(
    "estimate", [calibrate.patience_exponential, calibrate.patience_kaplan_meier]
)
def test_patience_refuses_bad_waits(estimate):
    negative = pd.DataFrame({"answered": [True, False], "wait_s": [-500.0, 40.0]})
    with pytest.raises(kk.SchemaError, match=r"wait_s: 1 row below 0 \(first row positions: 0\)"):
        estimate(negative)
    missing = negative.assign(wait_s=[5.0, math.nan])
    with pytest.raises(kk.SchemaError, match=r"wait_s: 1 row empty in a required column"):
        estimate(missing)
    endless = negative.assign(wait_s=[math.inf, 3.0])
    with pytest.raises(kk.SchemaError, match=r"wait_s: 1 row with an infinite value"):
        estimate(endless)


@pytest.mark.parametrize(
    "estimate",
    [calibrate.arrival_profile, calibrate.patience_exponential, calibrate.patience_kaplan_meier],
)
def test_answered_must_be_booleans(contacts, estimate):
    # astype(bool) read the text "False" as True: every contact answered
    words = contacts.assign(answered=contacts["answered"].astype(str))
    with pytest.raises(kk.SchemaError, match=r"contacts.answered: wrong type: holds text"):
        estimate(words)
    flags = contacts.assign(answered=contacts["answered"].astype(int))
    with pytest.raises(kk.SchemaError, match=r"answered: wrong type: holds integers.*astype"):
        estimate(flags)
    repeated = pd.concat([contacts, contacts[["answered"]]], axis=1)
    with pytest.raises(kk.SchemaError, match="answered: column name appears more than once"):
        estimate(repeated)


def test_no_contacts_give_what_compute_gives(contacts):
    # arrival_profile raised, patience_exponential gave a null row and patience_kaplan_meier
    # an empty frame: now, as compute, one row of 0 contacts with a null value without groups,
    # no row with them; the profile has no weekday covered, so no row at all
    empty = contacts.iloc[:0]
    assert calibrate.patience_exponential(empty)[["contacts", "abandoned"]].values.tolist() == [
        [0, 0]
    ]
    curve = calibrate.patience_kaplan_meier(empty)
    row = curve.restricted_mean.iloc[0]
    assert len(curve.restricted_mean) == 1 and (row["contacts"], row["abandoned"]) == (0, 0)
    assert math.isnan(row["restricted_mean_s"]) and curve.survival.empty
    assert calibrate.patience_kaplan_meier(empty, horizon_s=60).restricted_mean[
        "horizon_s"
    ].tolist() == [60.0]
    for estimate in (calibrate.patience_exponential, calibrate.patience_kaplan_meier):
        result = estimate(empty, by="queue")
        frame = result.restricted_mean if isinstance(result, calibrate.PatienceCurve) else result
        assert frame.empty and frame.columns[0] == "queue"
    profile = calibrate.arrival_profile(empty, by="queue")
    assert profile.empty
    assert list(profile.columns) == list(calibrate.arrival_profile(contacts, by="queue").columns)
    assert profile["volume"].dtype == float and profile["contacts"].dtype == np.int64


def test_kaplan_meier_horizon_past_the_longest_wait_is_refused():
    # waits 10 (abandon), 20 (answered), 30 (abandon), 40 (answered): S = 0.375 from 30 s on,
    # and nothing is known after 40 s. horizon_s=1e308 gave a mean of 3.75e307 s (0.375 carried
    # on to the horizon); now refused, naming the longest wait
    contacts = pd.DataFrame(
        {"answered": [False, True, False, True], "wait_s": [10.0, 20.0, 30.0, 40.0]}
    )
    for horizon in (1e308, 41.0):
        with pytest.raises(ValueError, match=r"'horizon_s' is .* past the longest wait of 1 "):
            calibrate.patience_kaplan_meier(contacts, horizon_s=horizon)
    # up to the longest wait: 10 * 1 + 20 * 0.75 + 10 * 0.375 = 28.75
    at_last = calibrate.patience_kaplan_meier(contacts, horizon_s=40)
    assert at_last.restricted_mean["restricted_mean_s"].item() == pytest.approx(28.75)
    # a curve that reached 0 is known beyond: everybody has gone, the area stops growing
    # (by queue: billing's last caller abandons at 45 s; orders' curve is still at 1 at 95 s)
    gone = pd.DataFrame({"answered": [True, False], "wait_s": [5.0, 45.0], "queue": "billing"})
    curve = calibrate.patience_kaplan_meier(gone, by="queue", horizon_s=600)
    assert curve.restricted_mean["restricted_mean_s"].item() == pytest.approx(45.0)
    mixed = pd.concat([gone, pd.DataFrame({"answered": [True], "wait_s": [95.0], "queue": "x"})])
    with pytest.raises(ValueError, match=r"\[\{'queue': 'x', 'wait_s': 95.0\}\]"):
        calibrate.patience_kaplan_meier(mixed, by="queue", horizon_s=600)


@pytest.mark.parametrize(
    ("estimate", "column"),
    [
        (calibrate.patience_exponential, "contacts"),
        (calibrate.patience_exponential, "abandoned"),
        (calibrate.patience_kaplan_meier, "survival"),
        (calibrate.patience_kaplan_meier, "wait_s"),
        (calibrate.arrival_profile, "weekday"),
        (calibrate.arrival_profile, "answered"),
    ],
)
def test_a_group_named_as_a_result_column_is_refused(contacts, estimate, column):
    # by="contacts" was overwritten by the count column: the 6 contacts fell in one group
    # "contacts == 1" beside a second "contacts" column; by="survival" grouped by the computed
    # survival; by="weekday" or "answered" failed in pandas ("cannot insert weekday")
    grouped = contacts.assign(**{column: contacts["queue"]}) if column != "answered" else contacts
    with pytest.raises(ValueError, match=rf"'by' names column\(s\) \['{column}'\] of contacts"):
        estimate(grouped, by=column)


def test_a_categorical_group_reads_as_its_text(contacts):
    # queue as a pandas Categorical with an unused category "chat": groupby's observed=False
    # crossed every category with every wait, so billing's restricted mean came out NaN over a
    # 95 s horizon (orders' longest wait), and "chat" rows appeared with 0 contacts (with a
    # pandas FutureWarning)
    categorical = contacts.assign(
        queue=pd.Categorical(contacts["queue"], categories=["billing", "chat", "orders"])
    )
    for estimate in (calibrate.patience_exponential, calibrate.patience_kaplan_meier):
        as_text = estimate(contacts, by="queue")
        result = estimate(categorical, by="queue")
        if isinstance(result, calibrate.PatienceCurve):
            as_text, result = as_text.restricted_mean, result.restricted_mean
        pd.testing.assert_frame_equal(
            result.assign(queue=result["queue"].astype(str)), as_text, check_dtype=False
        )
    # by hand, billing: waits 5, 10, 15 answered and 45 abandoned (alone at risk): S = 1 up to
    # 45 s, then 0 -> restricted mean 45 s over a 45 s horizon
    billing = calibrate.patience_kaplan_meier(categorical, by="queue").restricted_mean.iloc[0]
    assert (billing["horizon_s"], billing["restricted_mean_s"]) == (45.0, 45.0)
    profile = calibrate.arrival_profile(categorical, interval="hour", by="queue")
    assert sorted(profile["queue"].astype(str).unique()) == ["billing", "orders"]


def test_kaplan_meier_horizon_must_be_positive(contacts):
    for horizon in (-10, 0, math.nan):
        with pytest.raises(ValueError, match="Value of 'horizon_s' must be a finite number > 0"):
            calibrate.patience_kaplan_meier(contacts, horizon_s=horizon)
    with pytest.raises(TypeError, match="Value of 'horizon_s' must be a number"):
        calibrate.patience_kaplan_meier(contacts, horizon_s="60")


def test_arrival_profile_refuses_dates_without_times(contacts):
    # every contact would land in the first interval of the day
    import pyarrow as pa

    dates = contacts.assign(
        arrived_at=pd.to_datetime(contacts["arrived_at"]).dt.date.astype(pd.ArrowDtype(pa.date32()))
    )
    with pytest.raises(ValueError, match="'interval' is 'hour', but column 'arrived_at' holds"):
        calibrate.arrival_profile(dates, interval="hour")


def test_patience_exponential_refuses_waits_that_add_up_to_infinity():
    # 1e308 + 1e308 s overflows float64: the estimate was inf s with an inf interval and an
    # overflow RuntimeWarning
    contacts = pd.DataFrame({"answered": [False, True], "wait_s": [1e308, 1e308]})
    with pytest.raises(ValueError, match="'wait_s' adds up beyond the float range.*all contacts"):
        calibrate.patience_exponential(contacts)


@pytest.mark.parametrize("kind", ["duckdb", "polars", "polars_lazy", "path"])
@pytest.mark.parametrize("with_talk", [True, False])
def test_arrival_profile_of_a_lazy_log_is_counted_per_minute_and_equals_pandas(
    kind, with_talk, tmp_path, monkeypatch
):
    # Five weeks of Paris contacts at random seconds around the autumn change (27 October
    # 2024: 02:00-03:00 twice), two queues: the engine adds them up per minute and the profile
    # by queue is the pandas one, to the last digit of the AHT; without talk times the AHT is
    # NaN in both. The lazy log is never read contact by contact.
    from test_forecast_minutes import log_around, source

    log = log_around("2024-10-27")
    if not with_talk:
        log = log.drop(columns=["talk_s", "hold_s"])
    expected = kk.calibrate.arrival_profile(log, interval="30min", by="queue")
    lazy = source(log, kind, tmp_path)
    monkeypatch.setattr(calibrate, "checked_contacts", None)
    got = kk.calibrate.arrival_profile(lazy, interval="30min", by="queue")
    pd.testing.assert_frame_equal(got, expected, rtol=1e-12)
    assert got["contacts"].sum() == len(log)
    assert got["aht_s"].isna().all() != with_talk


@pytest.mark.parametrize("kind", ["duckdb", "polars", "polars_lazy", "path"])
@pytest.mark.parametrize("by", [None, "queue"])
def test_patience_of_a_lazy_log_is_counted_by_its_engine_and_equals_pandas(
    kind, by, tmp_path, monkeypatch
):
    # The waits of five weeks of contacts (a tenth abandoned), as integer seconds so that many
    # contacts share a wait: the engine counts the contacts per group (and wait), and both
    # estimates equal pandas' to rounding (the engine adds the waits in another order). The
    # lazy log is never read contact by contact.
    from test_forecast_minutes import log_around, source

    log = log_around("2024-10-27")
    log["wait_s"] = log["wait_s"].round()
    exponential = kk.calibrate.patience_exponential(log, by=by)
    curve = kk.calibrate.patience_kaplan_meier(log, by=by)
    lazy = source(log, kind, tmp_path)
    monkeypatch.setattr(calibrate, "checked_contacts", None)
    got = kk.calibrate.patience_exponential(lazy, by=by)
    pd.testing.assert_frame_equal(got, exponential, rtol=1e-12)
    got_curve = kk.calibrate.patience_kaplan_meier(lazy, by=by)
    pd.testing.assert_frame_equal(got_curve.survival, curve.survival, rtol=1e-12)
    pd.testing.assert_frame_equal(got_curve.restricted_mean, curve.restricted_mean, rtol=1e-12)
    assert got["contacts"].sum() == len(log) and len(curve.survival) < log["wait_s"].nunique() * 2


def test_kaplan_meier_of_a_lazy_log_by_hand(tmp_path):
    # The curve of test_kaplan_meier_by_hand from a parquet file, waits written as integers:
    # t=10: 1 abandon of 6 -> 5/6; t=20: 1 of 5 -> 2/3; t=30: 1 of 3 -> 4/9
    path = tmp_path / "log.parquet"
    pd.DataFrame(
        {
            "answered": [False, True, False, False, True, True],
            "wait_s": [10, 20, 20, 30, 30, 50],
        }
    ).to_parquet(path)
    curve = calibrate.patience_kaplan_meier(str(path))
    assert curve.survival["at_risk"].tolist() == [6, 5, 3]
    np.testing.assert_allclose(curve.survival["survival"], [5 / 6, 2 / 3, 4 / 9])
    # the exponential: (10 + 20 + 20 + 30 + 30 + 50) s / 3 abandons
    assert calibrate.patience_exponential(str(path))["patience_s"].item() == pytest.approx(160 / 3)


@pytest.mark.parametrize("kind", ["duckdb", "polars_lazy", "path"])
def test_patience_of_a_lazy_log_names_bad_waits_as_pandas_does(kind, tmp_path):
    from test_forecast_minutes import source

    arrived = pd.to_datetime(["2024-01-01 09:05", "2024-01-01 09:20"])
    negative = pd.DataFrame(
        {"arrived_at": arrived, "answered": [True, False], "wait_s": [-500.0, 40.0]}
    )
    for estimate in (calibrate.patience_exponential, calibrate.patience_kaplan_meier):
        with pytest.raises(kk.SchemaError, match=r"wait_s: 1 row below 0 \(first row positions: 0"):
            estimate(source(negative, kind, tmp_path))
    endless = negative.assign(wait_s=[1e308, 1e308])
    with pytest.raises(ValueError, match="'wait_s' adds up beyond the float range.*all contacts"):
        calibrate.patience_exponential(source(endless, kind, tmp_path))
    empty = source(negative.iloc[:0], kind, tmp_path)
    assert calibrate.patience_exponential(empty)[["contacts", "abandoned"]].values.tolist() == [
        [0, 0]
    ]
    assert calibrate.patience_kaplan_meier(empty).restricted_mean["contacts"].tolist() == [0]
