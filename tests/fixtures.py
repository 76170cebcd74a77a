"""Small hand-made data sets whose KPIs are worked out by hand in tests/test_metrics.py."""

import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest

from kpikit import Dataset
from kpikit.metrics import _threshold_channels

T = pd.Timestamp


def hand_contacts():
    """Ten contacts over Mon 2 - Fri 6 March 2026 (see test_metrics.py for every KPI by hand).

    Worth knowing: #4 waits 3 s before abandoning (a short abandon when short_abandon_s=5);
    #5 repeats #1 (same customer and reason, 1 h later); #8 repeats #7 exactly 48 h later;
    #9 has no customer; #10 is the last contact, so its 48 h window reaches past the log's end.
    """
    nan = np.nan
    # fmt: off
    rows = [
        # id, arrived_at,        ans,  wait, channel, agent, cust, reason,   talk, hold, acw, transf, resolved, csat, nps, qa
        (1, "2026-03-02 09:00", True, 10.0, "phone", "A1", "c1", "billing", 200, 20, 30, False, True, 5, 10, 90.0),
        (2, "2026-03-02 09:05", True, 25.0, "phone", "A1", "c2", "billing", 300, 0, 60, True, False, 3, 6, nan),
        (3, "2026-03-02 09:10", False, 40.0, "phone", None, "c3", "orders", 0, 0, 0, False, None, None, None, nan),
        (4, "2026-03-02 09:20", False, 3.0, "phone", None, "c4", "orders", 0, 0, 0, False, None, None, None, nan),
        (5, "2026-03-02 10:00", True, 5.0, "chat", "A2", "c1", "billing", 100, 0, 20, False, True, 4, 9, 80.0),
        (6, "2026-03-03 11:00", True, 15.0, "chat", "A2", "c5", "orders", 400, 50, 50, False, None, 2, 0, nan),
        (7, "2026-03-03 12:00", True, 20.0, "phone", "A1", "c6", "orders", 250, 10, 40, False, True, None, 8, 70.0),
        (8, "2026-03-05 12:00", True, 60.0, "phone", "A2", "c6", "orders", 150, 0, 30, False, True, 4, None, nan),
        (9, "2026-03-05 13:00", True, 8.0, "chat", "A1", None, "orders", 120, 0, 0, False, True, 5, 10, nan),
        (10, "2026-03-06 09:00", True, 12.0, "phone", "A1", "c7", "billing", 180, 0, 20, False, True, None, None, nan),
    ]
    # fmt: on
    columns = [
        "contact_id",
        "arrived_at",
        "answered",
        "wait_s",
        "channel",
        "agent_id",
        "customer_id",
        "reason",
        "talk_s",
        "hold_s",
        "acw_s",
        "transferred",
        "resolved",
        "csat",
        "nps",
        "qa_score",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["arrived_at"] = pd.to_datetime(frame["arrived_at"])
    for column in ("talk_s", "hold_s", "acw_s"):
        frame[column] = frame[column].astype(float)
    frame["resolved"] = frame["resolved"].astype("boolean")
    frame["csat"] = frame["csat"].astype("Int64")
    frame["nps"] = frame["nps"].astype("Int64")
    return frame


def hand_intervals():
    """Four agent intervals; A2's second one has every denominator at zero."""
    return pd.DataFrame(
        {
            "agent_id": ["A1", "A1", "A2", "A2"],
            "interval_start": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-03 09:00", "2026-03-02 09:00", "2026-03-03 09:00"]
            ),
            "scheduled_s": [1800.0, 1800.0, 1800.0, 0.0],
            "paid_s": [1800.0, 1800.0, 1800.0, 0.0],
            "handling_s": [1200.0, 600.0, 900.0, 0.0],
            "available_s": [400.0, 1000.0, 600.0, 0.0],
            "adherent_s": [1700.0, 1800.0, 1500.0, 0.0],
        }
    )


def hand_costs():
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-03-01", "2026-03-01"]),
            "channel": ["phone", "chat"],
            "cost": [40.0, 15.0],
        }
    )


def hand_dataset():
    return Dataset(contacts=hand_contacts(), agent_intervals=hand_intervals(), costs=hand_costs())


def random_contacts(seed, n):
    """A random but valid contact log with ties, unknown customers and sparse surveys."""
    rng = np.random.default_rng(seed)
    answered = rng.random(n) < 0.8
    minutes = rng.integers(0, 6 * 24 * 60, n)  # six days, minute resolution: ties happen
    talk = np.where(answered, rng.integers(30, 900, n), 0).astype(float)
    customers = np.array([f"c{i}" for i in rng.integers(0, max(2, n // 3), n)], dtype=object)
    customers[rng.random(n) < 0.1] = None
    agent = np.where(answered, np.array(["A1", "A2", "A3"])[rng.integers(0, 3, n)], None)
    csat = pd.array(rng.integers(1, 6, n), dtype="Int64")
    csat[rng.random(n) > 0.4] = pd.NA
    nps = pd.array(rng.integers(0, 11, n), dtype="Int64")
    nps[rng.random(n) > 0.3] = pd.NA
    resolved = pd.array(rng.random(n) < 0.7, dtype="boolean")
    resolved[(rng.random(n) < 0.2) | ~answered] = pd.NA
    qa = np.where(rng.random(n) < 0.3, rng.integers(40, 101, n), np.nan)
    return pd.DataFrame(
        {
            "contact_id": rng.permutation(n) + 1,
            "arrived_at": pd.Timestamp("2026-03-02") + pd.to_timedelta(minutes, unit="min"),
            "answered": answered,
            "wait_s": rng.integers(0, 120, n).astype(float),
            "channel": np.array(["phone", "chat"])[rng.integers(0, 2, n)],
            # Nullable text, even when every value is null; dtype="str" would turn None into
            # the text "None" on pandas 2.
            "agent_id": pd.array(agent, dtype="string"),
            "customer_id": pd.array(customers, dtype="string"),
            "reason": np.array(["billing", "orders"])[rng.integers(0, 2, n)],
            "talk_s": talk,
            "hold_s": np.where(answered, rng.integers(0, 60, n), 0).astype(float),
            "acw_s": np.where(answered, rng.integers(0, 120, n), 0).astype(float),
            "transferred": answered & (rng.random(n) < 0.1),
            "resolved": resolved,
            "csat": csat,
            "nps": nps,
            "qa_score": qa,
        }
    )


def random_dataset(seed, n):
    """random_contacts plus matching random agent intervals and monthly costs by channel."""
    rng = np.random.default_rng(seed + 1)
    contacts = random_contacts(seed, n)
    slots = rng.choice(3 * 6 * 48, 12, replace=False)  # 12 distinct (agent, half hour) pairs
    starts = pd.Timestamp("2026-03-02") + pd.to_timedelta(slots % (6 * 48) * 30, unit="min")
    paid = rng.choice([0.0, 1800.0], 12, p=[0.1, 0.9])
    handling = np.round(paid * rng.random(12))
    intervals = pd.DataFrame(
        {
            "agent_id": np.array(["A1", "A2", "A3"])[slots // (6 * 48)],
            "interval_start": starts,
            "scheduled_s": paid,
            "paid_s": paid,
            "handling_s": handling,
            "available_s": np.round((paid - handling) * rng.random(12)),
            "adherent_s": np.round(paid * rng.random(12)),
        }
    )
    costs = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-03-01", "2026-03-01"]),
            "channel": ["phone", "chat"],
            "cost": rng.integers(10, 1000, 2).astype(float),
        }
    )
    return Dataset(contacts=contacts, agent_intervals=intervals, costs=costs)


def in_own_thread(function, *args):
    """Call ``function`` in a thread with no event loop running, as plain Python sees it (a worker
    of the suite may hold a running loop in its main thread: Playwright's sync API does)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


@contextmanager
def threshold_warnings():
    """The ThresholdWarnings raised in the block, as (message, file of the line they point at)."""
    with kpikit_warnings(_threshold_channels, _threshold_channels.ThresholdWarning) as said:
        yield said


@contextmanager
def kpikit_warnings(module, category):
    """The warnings of ``category`` that ``module`` raises in the block, as (message, file of
    the line they point at).

    They are caught where kpikit raises them rather than through ``warnings.catch_warnings``,
    whose filters are the process's: a thread another test left computing (pandas enters and
    leaves ``catch_warnings`` too) can put back the filters of before the block in its middle,
    and the warning is then missed (seen once in a run of the suite).
    """
    said = []

    class Recorder:
        @staticmethod
        def warn(message, given, stacklevel):
            assert given is category
            # stacklevel 1 is warn's caller, this function's caller here
            said.append((str(message), sys._getframe(stacklevel).f_code.co_filename))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "warnings", Recorder)
        yield said


MONITOR_DAY = pd.Timestamp("2024-03-04")


def monitor_contacts():
    """The monitor tests' day: four contacts of 09:00-09:30 and one of 09:30; all answered but
    the third."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4, 5],
            "arrived_at": MONITOR_DAY
            + pd.to_timedelta(["09:00:00", "09:05:00", "09:10:00", "09:20:00", "09:40:00"]),
            "answered": [True, True, False, True, True],
            "wait_s": [10.0, 30.0, 40.0, 5.0, 90.0],
            "talk_s": [200.0, 300.0, 0.0, 100.0, 250.0],
            "channel": "phone",
        }
    )


def zoned_hourly_log(zone="Europe/Paris", last_day="2024-10-26"):
    """Five weeks of two contacts an hour (at :10 and :40 local time) up to ``last_day``, in
    ``zone``."""
    days = pd.date_range(end=last_day, periods=35, freq="D")
    local = [
        day + pd.Timedelta(hours=h, minutes=m) for day in days for h in range(24) for m in (10, 40)
    ]
    arrived = pd.DatetimeIndex(local).tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
    return pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(len(arrived))],
            "arrived_at": arrived,
            "answered": True,
            "wait_s": 5.0,
            "talk_s": 200.0,
        }
    )
