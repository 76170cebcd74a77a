"""Root-cause words: a headline that tells a miss from the target, and the staffing sentence's
numbers, nouns and intervals. Hand-made fixtures, hand-computed values."""

import numpy as np
import pandas as pd
import pytest

import kpikit as kk
from kpikit.governance import root_cause
from kpikit.governance.words import headline

DAY = {"kpi": "service_level", "target": 80.0, "period": "2026-01-05", "freq": "day"}


def test_headline_shows_a_miss_by_less_than_its_decimals():
    # 1999 of 2500 within 20 s: 79.96 %, 0.04 points short of 80 % (one decimal: "80.0 %")
    n = 2500
    contacts = pd.DataFrame(
        {
            "contact_id": range(n),
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": np.where(np.arange(n) < 1999, 5.0, 60.0),
        }
    )
    assert root_cause(contacts, DAY).headline == (
        "Service level, the whole center, Mon 5 Jan 2026: 79.96 % against a target of 80.0 % "
        "(0.04 points short)."
    )
    # 150.4 s against 150 s: 0.4 s over (whole seconds: "150 s", "0 s")
    assert headline("aht", {}, "2026-01-05", "day", 150.4, 150.0) == (
        "Average handle time, the whole center, Mon 5 Jan 2026: 150.4 s against a target of "
        "150 s (0.4 s over)."
    )


def one_interval(interval_s: int, agents: int) -> kk.Dataset:
    """Phone calls of 180 s, one every 45 s through one interval of ``interval_s`` seconds from
    09:00, every other one within 20 s, answered in turn by ``agents`` agents, each logged in
    all of the interval (quarter-hour agent intervals).

    Load: interval_s / 45 calls x 180 s / interval_s = 4 Erlangs whatever the interval. Erlang
    C at 80 % within 20 s: 6 agents give C = 0.285, 1 - 0.285 e^(-2 x 20/180) = 77.2 %; 7 give
    C = 0.135, 1 - 0.135 e^(-3 x 20/180) = 90.3 %: 7 agents needed.
    """
    calls = interval_s // 45
    names = [f"a{i}" for i in range(agents)]
    contacts = pd.DataFrame(
        {
            "contact_id": range(1, calls + 1),
            "arrived_at": pd.Timestamp("2026-01-05 09:00")
            + pd.to_timedelta(45 * np.arange(calls), "s"),
            "answered": True,
            "wait_s": np.where(np.arange(calls) % 2 == 0, 5.0, 60.0),
            "channel": "phone",
            "agent_id": [names[i % agents] for i in range(calls)],
            "talk_s": 180.0,
            "hold_s": 0.0,
            "acw_s": 0.0,
        }
    )
    quarters = pd.Timestamp("2026-01-05 09:00") + pd.to_timedelta(
        900 * np.arange(interval_s // 900), "s"
    )
    intervals = pd.DataFrame(
        {
            "agent_id": np.repeat(names, len(quarters)),
            "interval_start": np.tile(quarters, agents),
            "handling_s": 450.0,
            "available_s": 450.0,
        }
    )
    return kk.Dataset(contacts, intervals)


@pytest.mark.parametrize(
    ("interval_s", "noun"), [(900, "quarter-hour"), (1800, "half-hour"), (3600, "hour")]
)
def test_staffing_sentence_names_the_interval_it_checked(interval_s, noun):
    # one interval, one agent of the 7 needed: 6 short, and the whole miss is in it
    cause = root_cause(one_interval(interval_s, agents=1), DAY, interval_s=interval_s)
    assert len(cause.staffing) == 1
    assert cause.findings[0] == (
        f"1 of 1 {noun} was short of the Erlang C requirement for its volume and handle time "
        "(6.0 agents on average); it accounts for 100 % of the miss."
    )


def test_staffing_sentence_writes_one_agent_short_in_the_singular():
    # 6 agents of the 7 needed: 1.0 agent short
    cause = root_cause(one_interval(1800, agents=6), DAY)
    assert cause.findings[0] == (
        "1 of 1 half-hour was short of the Erlang C requirement for its volume and handle time "
        "(1.0 agent on average); it accounts for 100 % of the miss."
    )
