"""Arguments a careless caller passes to kpikit.forecast and kpikit.calibrate: named errors.

Each case raised a raw TypeError, AttributeError or OutOfBoundsDatetime from deep inside, or
refused a valid duration. The log is :func:`tests.test_forecast.weekly_log`: 35 days from
Monday 2024-01-01, open 09:00-13:00, the last contact on Sunday 2024-02-04 at 12:31.
"""

import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest

from kpikit import calibrate, forecast
from tests.test_forecast import weekly_log

NAIVE = {"freq": "day", "horizon": "1D", "model": "seasonal_naive"}


@pytest.fixture(scope="module")
def log():
    return weekly_log()


@pytest.mark.parametrize("freq", [["day"], {"day": 1}])
def test_unhashable_freq_is_named(log, freq):
    # used to raise "TypeError: unhashable type: 'list'" from the FREQS lookup
    with pytest.raises(ValueError, match="'freq' is not a forecast interval"):
        forecast.volume(log, freq=freq, horizon="1D", model="seasonal_naive")


def test_unhashable_choose_by_is_named(log):
    with pytest.raises(ValueError, match="'choose_by' is not a lead"):
        forecast.volume(log, freq="day", choose_by=["next_day"])


def test_unhashable_interval_of_a_profile_is_named(log):
    with pytest.raises(ValueError, match="'interval' is not supported"):
        calibrate.arrival_profile(log, interval=["hour"])


@pytest.mark.parametrize(
    ("option", "value"),
    [("horizon", np.timedelta64(2, "D")), ("history", np.timedelta64(28, "D"))],
)
def test_numpy_durations_are_durations(log, option, value):
    # numpy counts timedelta64 as a number, so it was refused as "a bare number has no unit"
    options = {**NAIVE, option: value}
    table = forecast.volume(log, **options)
    # 2 days: Sunday 4 and Monday 5 February; the naive repeats the week before, and each
    # day of weekday d has 8 slots of 2 + (d + k) % 3 contacts: Sunday (d=6) 2+3+4+... = 23,
    # Monday (d=0) 2+3+4+2+3+4+2+3 = 23
    expected = 2 if option == "horizon" else 1
    assert table["forecast"].tolist() == [23.0] * expected


def test_numpy_spacing_is_a_duration(log):
    scores = forecast.backtest(
        log, freq="day", spacing=np.timedelta64(3, "D"), origins=2, models=["seasonal_naive"]
    )
    # origins 3 days apart: 2024-02-02 and 2024-01-30, both scored at the next day
    assert scores.set_index("lead").loc["next_day", "origins"] == 2


def test_duration_beyond_pandas_is_too_long(log):
    # used to say "must be a duration such as '1D'" of a valid but overflowing duration
    with pytest.raises(ValueError, match="'horizon' is too long for a duration"):
        forecast.volume(log, freq="day", horizon="1000000000D", model="seasonal_naive")


@pytest.mark.parametrize(
    ("models", "error", "message"),
    [
        (None, TypeError, "'models' must be a sequence of model names"),
        ("seasonal_naive", TypeError, "'models' must be a sequence of model names"),
        (
            ["seasonal_naive", "mstl", "seasonal_naive"],
            ValueError,
            r"'models' names \['seasonal_naive'\] more than once",
        ),
    ],
)
def test_models_are_checked(log, models, error, message):
    # None: "'NoneType' object is not iterable"; a string was read letter by letter; a
    # repeated name reached statsforecast ("Model names must be unique ... alias")
    with pytest.raises(error, match=message):
        forecast.volume(log, freq="day", models=models)


def test_targets_may_be_a_generator(log):
    # the generator was used up by the check, then nothing was forecast:
    # "AttributeError: 'NoneType' object has no attribute 'merge'"
    result = forecast.forecast(log, targets=(name for name in ["volume"]), **NAIVE)
    assert result.intervals["volume"].tolist() == [23.0]  # the Sunday a week earlier


def test_until_far_beyond_the_log_is_named(log):
    # until - last arrival overflowed nanoseconds: raw OutOfBoundsDatetime
    with pytest.raises(ValueError, match="'until' lies after the history"):
        forecast.volume(log, until="9999-01-01", **NAIVE)


def test_a_stray_old_arrival_does_not_blow_up_the_series(log):
    # one arrival typed in 1990 made every series 34 years of 15-minute intervals (3 queues:
    # 3.6 million rows, 370 MB; 40 queues ran out of memory); only the training window is read
    queued = log.assign(queue=np.array(["a", "b", "c"])[log.index % 3])
    first = queued.iloc[[0]].assign(contact_id=-1)  # an id of its own
    stray = pd.concat(
        [first.assign(arrived_at=pd.Timestamp("1990-01-01 09:00")), queued], ignore_index=True
    )
    # the same log with its first arrival 2023-10-01, more than the 56-day window earlier:
    # the window sees the same empty days before 2024-01-01 in both
    near = pd.concat(
        [first.assign(arrived_at=pd.Timestamp("2023-10-01 09:00")), queued], ignore_index=True
    )
    options = {"by": "queue", "freq": "15min", "horizon": "1h", "model": "seasonal_naive"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expected = forecast.volume(near, **options)  # also compiles the model before tracing
        tracemalloc.start()
        try:
            table = forecast.volume(stray, **options)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 50e6
    pd.testing.assert_frame_equal(table, expected)
    # both logs are empty for weeks before 2024-01-01, which the forecast says
    said = [str(warning.message) for warning in caught]
    assert any("2023-10-01 09:00 to 2024-01-01 09:00" in message for message in said)
    assert any("1990-01-01 09:00 to 2024-01-01 09:00" in message for message in said)


def test_a_missing_week_is_named(log):
    # contacts of Monday 15 to Sunday 21 January missing: the last one before is Sunday 14
    # January 12:32 (slot 7 of a Sunday has 2 + (6 + 7) % 3 = 3 contacts, 12:30 to 12:32), the
    # first after Monday 22 January 09:00; the week used to be read as zeros without a word
    missing = log[(log["arrived_at"] < "2024-01-15") | (log["arrived_at"] >= "2024-01-22")]
    with pytest.warns(
        UserWarning,
        match=r"more than 4 days 1 time\(s\) .*\(2024-01-14 12:32 to "
        r"2024-01-22 09:00\); the models read these days as days without contacts",
    ):
        forecast.volume(missing, **NAIVE)


def test_a_closure_listed_in_special_days_is_no_gap(log, recwarn):
    # the same missing week as above, declared: Monday 15 to Sunday 21 January are the whole
    # days between the last arrival before (the 14th) and the first after (the 22nd)
    missing = log[(log["arrived_at"] < "2024-01-15") | (log["arrived_at"] >= "2024-01-22")]
    closed = [f"2024-01-{day}" for day in range(15, 22)]
    forecast.volume(missing, special_days=dict.fromkeys(closed, 0.0), **NAIVE)
    assert not [warning for warning in recwarn if "no contact for more" in str(warning.message)]
    with pytest.warns(UserWarning, match=r"2024-01-14 12:32 to 2024-01-22 09:00"):
        forecast.volume(missing, special_days=dict.fromkeys(closed[1:], 0.0), **NAIVE)


def test_a_short_closure_is_no_gap(log, recwarn):
    # closed from Friday 12 January at noon to Tuesday 16 January 09:00, 3 days 21 hours: a
    # long weekend, no warning
    closed = log[(log["arrived_at"] < "2024-01-12 12:00") | (log["arrived_at"] >= "2024-01-16")]
    forecast.volume(closed, **NAIVE)
    assert not [warning for warning in recwarn if "no contact for more" in str(warning.message)]


@pytest.mark.parametrize(
    ("morning", "afternoon"),
    [
        ({"queue": 1}, {"queue": "1"}),
        ({"queue": np.nan}, {"queue": "nan"}),
        ({"queue": "x | y", "team": "z"}, {"queue": "x", "team": "y | z"}),
    ],
)
def test_groups_that_print_alike_stay_apart(log, morning, afternoon):
    # the series were named by their values written out, so 1 and "1" (or NaN and "nan", or
    # "x | y" + "z" and "x" + "y | z") made one id and one group vanished from the result.
    # The naive repeats Sunday 28 January: slots k = 0..7 of a Sunday (d = 6) have
    # 2 + (6 + k) % 3 = 2, 3, 4, 2 | 3, 4, 2, 3 contacts: 11 before 11:00, 12 from 11:00
    before = log["arrived_at"].dt.hour < 11
    keys = list(morning)
    grouped = log.copy()
    for key in keys:
        grouped[key] = pd.Series(
            [morning[key] if early else afternoon[key] for early in before], dtype=object
        )
    table = forecast.volume(grouped, by=keys, **NAIVE)
    assert len(table) == 2
    found = {tuple(repr(row[key]) for key in keys): row["forecast"] for _, row in table.iterrows()}
    assert found == {
        tuple(repr(morning[key]) for key in keys): 11.0,
        tuple(repr(afternoon[key]) for key in keys): 12.0,
    }


def test_notes_name_a_baseline_that_ties(log):
    # every week repeats, so auto_ets and the seasonal naive both score WAPE 0 at the next
    # day; the note named auto_ets (first by name) "the baseline", against the naive it tied
    result = forecast.forecast(log, freq="day", models=("seasonal_naive", "auto_ets"), origins=1)
    assert result.notes() == [
        "volume next_day: the baseline seasonal_naive wins with WAPE 0.0 %; it is the model used",
        "aht next_day: the baseline seasonal_naive wins with WAPE 0.0 %; it is the model used",
    ]


@pytest.mark.parametrize(
    "options",
    [
        {"model": "seasonal_naive"},
        {"models": ("seasonal_naive", "historic_average"), "origins": 1},
    ],
)
def test_a_group_where_nothing_was_answered_has_no_aht(log, options):
    # queue "b" (from 11:00) answered nothing: its AHT was the other queue's (129.3 s, the
    # mean over the weekdays of "a"), and with the backtest, which cannot score its AHT, the
    # whole group vanished from the intervals. The naive repeats Sunday 28 January: "a" has
    # 2 + 3 + 4 + 2 = 11 contacts at 100 + 10 * 6 = 160 s, "b" 3 + 4 + 2 + 3 = 12 contacts
    split = log.assign(queue=np.where(log["arrived_at"].dt.hour < 11, "a", "b"))
    unanswered = split["queue"] == "b"
    split.loc[unanswered, "answered"] = False
    split.loc[unanswered, "talk_s"] = 0.0
    result = forecast.forecast(split, by="queue", freq="day", **options)
    table = result.intervals.set_index("queue")
    assert table["volume"].to_dict() == {"a": 11.0, "b": 12.0}
    assert table.loc["a", "aht_s"] == 160.0
    assert table.loc["b", ["aht_s", "aht_low", "aht_high"]].isna().all()
    assert set(result.chosen["queue"]) == {"a", "b"}


def test_a_group_the_backtest_cannot_score_is_kept(log):
    # queue "old" has contacts in the first week only: no actual contact at the backtest's
    # origin, so no WAPE, no model chosen, and the queue vanished from the intervals. It is
    # forecast with the seasonal naive: Sunday 28 January had no "old" contact, so 0
    old = log.assign(queue=np.where(log["arrived_at"] < "2024-01-08", "old", "new"))
    with (
        pytest.warns(UserWarning, match="queue='new' from 2024-01-08"),  # a week of zeros
        pytest.warns(UserWarning, match="queue='old' 2024-01-07 12:32 to 2024-02-04"),  # 4 weeks
    ):
        result = forecast.forecast(
            old,
            by="queue",
            freq="day",
            targets=("volume",),
            models=("seasonal_naive", "historic_average"),
            origins=1,
        )
    assert result.intervals.set_index("queue")["volume"].to_dict() == {"new": 23.0, "old": 0.0}
    assert result.chosen.set_index("queue").loc["old", "model"] == "seasonal_naive"


def test_backtest_by_a_column_with_nulls(log):
    # a null queue made choose() raise "TypeError: bad operand type for unary ~: 'float'"
    # (its groupby dropped the null group). Before 11:00 the queue is null: 11 contacts on
    # Sunday 28 January, 12 from 11:00 in "b" (see test_groups_that_print_alike_stay_apart)
    split = log.assign(
        queue=pd.Series(np.where(log["arrived_at"].dt.hour < 11, None, "b"), dtype=object)
    )
    result = forecast.forecast(
        split,
        by="queue",
        freq="day",
        targets=("volume",),
        models=("seasonal_naive", "historic_average"),
        origins=2,
        spacing="3D",
    )
    assert result.intervals["volume"].tolist() == [12.0, 11.0]  # "b", then the null queue
    assert result.intervals["queue"].isna().tolist() == [False, True]
    # the null queue's model is chosen by its own scores: 2 queues x 2 leads marked chosen
    assert result.backtest["chosen"].sum() == 4
    assert len(result.notes()) == 4
