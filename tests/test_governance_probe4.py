"""Faults a fourth probe found in governance: breach figures that are infinite (or no number)
were stored as null without a word, and a staffing window without a time zone on zoned data
(or the reverse) failed with pandas' bare "Invalid comparison" TypeError."""

import math
import re
import sqlite3
import warnings

import pandas as pd
import pytest

import kpikit as kk
from kpikit.governance import ActionRegister
from kpikit.governance.staffing import interval_staffing


def _breach(site: str, **figures) -> dict:
    return {
        "breach_id": f"service_level/day/2026-07-08T00:00/site={site}",
        "kpi": "service_level",
        "freq": "day",
        "period": pd.Timestamp("2026-07-08"),
        "site": site,
        "target": 80.0,
        "value": 61.0,
        "gap": 19.0,
        **figures,
    }


def _stored(path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT breach_id, target, value, gap FROM kpikit_breaches ORDER BY breach_id"
        ).fetchall()


# --- the register: infinite figures ----------------------------------------------------------


def test_infinite_value_is_refused_naming_the_breaches_and_nothing_is_written(tmp_path):
    path = tmp_path / "actions.sqlite"
    frame = pd.DataFrame(
        [
            _breach("A"),
            _breach("B", value=math.inf, gap=math.inf),
            _breach("C", value=-math.inf, gap=math.inf),
        ]
    )
    with ActionRegister(f"sqlite:///{path}") as register:
        with pytest.raises(ValueError) as raised:
            register.register(frame)
    message = str(raised.value)
    # the first column checked is target (fine), then value: two breaches, B (row 1) and C
    assert message.startswith(
        "Value of 'value' must be a finite number (or null when unknown) but 2 breaches have "
        "one that is infinite: 'service_level/day/2026-07-08T00:00/site=B' (row 1: inf), "
        "'service_level/day/2026-07-08T00:00/site=C' (row 2: -inf)"
    )
    assert "nothing was written" in message
    assert _stored(path) == []  # not even breach A: the frame is refused whole


def test_infinite_target_or_gap_is_refused_as_well(tmp_path):
    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    with ActionRegister(url) as register:
        with pytest.raises(ValueError, match=r"^Value of 'target' .* 1 breach has one that is "):
            register.register(_breach("A", target=-math.inf))
        with pytest.raises(ValueError, match=re.escape("site=A' (row 0: inf)")):
            register.register(_breach("A", gap=math.inf))
        # a breach row given to record() is registered: the same check, nothing written
        with pytest.raises(ValueError, match=r"^Value of 'value' .*infinite"):
            register.record(_breach("A", value=math.inf), author="Ana", owner="ops lead")
        assert register.history().empty
    assert _stored(tmp_path / "actions.sqlite") == []


def test_figures_that_are_no_number_are_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    with ActionRegister(url) as register:
        with pytest.raises(
            ValueError, match=r"'target' .* not a number: .*site=A' \(row 0: 'eighty'\)"
        ):
            register.register(_breach("A", target="eighty"))
        with pytest.raises(ValueError, match=r"'value' .* beyond float range"):
            register.register(_breach("A", value=10**400))
    assert _stored(tmp_path / "actions.sqlite") == []


def test_a_null_figure_is_an_unknown_one_and_stored_as_null(tmp_path):
    # A breach needs only breach_id, kpi, freq and period: a figure left out is stored as null,
    # and so is a null one (a frame of breaches with and without a target holds NaN there)
    path = tmp_path / "actions.sqlite"
    frame = pd.DataFrame(
        [
            _breach("A", target=math.nan, gap=math.nan),
            _breach("B", value=None, gap=None),
            _breach("C"),
        ]
    )
    with ActionRegister(f"sqlite:///{path}") as register, warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either
        ids = register.register(frame)
        actions = register.actions(as_of="2026-07-08 12:00").set_index("breach_id")
    assert len(ids) == 3
    base = "service_level/day/2026-07-08T00:00/site="
    assert _stored(path) == [
        (base + "A", None, 61.0, None),
        (base + "B", 80.0, None, None),
        (base + "C", 80.0, 61.0, 19.0),
    ]
    assert math.isnan(actions.loc[base + "A", "target"])
    assert actions.loc[base + "C", "gap"] == 19.0


# --- interval staffing: a window and data in different kinds of time -------------------------


def _center(zone=None) -> kk.Dataset:
    # 40 calls of 3 minutes between 09:00 and 09:30 (4 Erlangs), one agent logged in 30 minutes
    arrivals = pd.Timestamp("2026-01-05 09:00") + pd.to_timedelta(range(0, 40 * 45, 45), "s")
    contacts = pd.DataFrame(
        {
            "contact_id": range(1, 41),
            "agent_id": "a",
            "answered": True,
            "arrived_at": arrivals,
            "wait_s": 5.0,
            "talk_s": 180.0,
            "hold_s": 0.0,
            "acw_s": 0.0,
        }
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["a"],
            "interval_start": pd.to_datetime(["2026-01-05 09:00"]),
            "handling_s": [1800.0],
            "available_s": [0.0],
        }
    )
    if zone is not None:
        contacts["arrived_at"] = contacts["arrived_at"].dt.tz_localize(zone)
        intervals["interval_start"] = intervals["interval_start"].dt.tz_localize(zone)
    return kk.Dataset(contacts, intervals)


def test_a_window_without_zone_on_zoned_data_says_how_to_localise_it():
    data = _center("Europe/Paris")
    with pytest.raises(ValueError) as raised:
        interval_staffing(data, group={}, start="2026-01-05 09:00", end="2026-01-05 10:00")
    assert str(raised.value) == (
        "Values of 'start' and 'end' have no time zone (2026-01-05 09:00:00, 2026-01-05 "
        "10:00:00) but the data's times are in Europe/Paris, and the two cannot be compared; "
        "localise the window to the data's zone: pd.Timestamp(start).tz_localize('Europe/Paris')"
        " and pd.Timestamp(end).tz_localize('Europe/Paris')"
    )
    end = pd.Timestamp("2026-01-05 10:00", tz="Europe/Paris")
    with pytest.raises(ValueError, match=r"^Value of 'start' has no time zone \(2026-01-05 09"):
        interval_staffing(data, group={}, start="2026-01-05 09:00", end=end)


def test_a_zoned_window_on_data_without_zone_is_refused():
    with pytest.raises(ValueError) as raised:
        interval_staffing(
            _center(),
            group={},
            start="2026-01-05 09:00",
            end=pd.Timestamp("2026-01-05 10:00", tz="UTC"),
        )
    message = str(raised.value)
    assert message.startswith(
        "Value of 'end' has a time zone (2026-01-05 10:00:00+00:00) but the data's times have "
        "none, and the two cannot be compared; give the window as wall time"
    )
    assert "pd.Timestamp(end).tz_convert(DATA_ZONE).tz_localize(None)" in message


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        (None, "2026-01-05 09:00", "2026-01-05 10:00"),
        ("Europe/Paris", "2026-01-05 09:00+01:00", "2026-01-05 10:00+01:00"),
        # the same instants in another zone: 09:00 in Paris is 08:00 UTC in January
        (
            "Europe/Paris",
            pd.Timestamp("2026-01-05 08:00", tz="UTC"),
            pd.Timestamp("2026-01-05 09:00", tz="UTC"),
        ),
    ],
)
def test_a_window_of_the_data_s_kind_counts_the_staffing(zone, start, end):
    table = interval_staffing(_center(zone), group={}, start=start, end=end)
    # 40 calls x 180 s / 1800 s = 4 Erlangs: 7 agents answer 80 % within 20 s; 1 was there
    assert table[["volume", "aht_s", "required", "staffed", "short"]].to_dict("records") == [
        {"volume": 40.0, "aht_s": 180.0, "required": 7, "staffed": 1.0, "short": 6.0}
    ]
    assert bool(table.loc[0, "understaffed"])
