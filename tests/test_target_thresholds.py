"""A service-level target set at an answer threshold (80/20) is applied at that threshold
everywhere: kk.breaches gives it in ``threshold_s``, root_cause and the action register keep
it, and the scorecard dashboard computes the view's service level within it.

Fixture, worked by hand: 8 chat contacts on one day, all answered; billing waits 5 s (4 of 4
within 20 s), tech waits 5, 25, 25, 25 s (1 of 4 within 20 s). At 80/20 the day reads
5 / 8 = 62.5 %, 17.5 points short. At chat's default 30 s it would read 100 %: no miss.
"""

import pandas as pd
import pytest

import kpikit as kk
from kpikit.governance import root_cause

CHAT = pd.DataFrame(
    {
        "contact_id": range(8),
        "channel": "chat",
        "queue": ["billing"] * 4 + ["tech"] * 4,
        "arrived_at": pd.Timestamp("2026-01-05 10:00"),
        "answered": True,
        "wait_s": [5.0, 5.0, 5.0, 5.0, 5.0, 25.0, 25.0, 25.0],
        "talk_s": 100.0,
    }
)
TARGETS = pd.DataFrame(
    {"kpi": ["service_level", "aht"], "target": [80.0, 60.0], "threshold_s": [20.0, None]}
)


@pytest.fixture(scope="module")
def found():
    return kk.breaches(CHAT, TARGETS)


def test_breach_rows_carry_the_targets_threshold(found):
    # service level 62.5 % at 20 s; AHT 100 s against 60 s: no threshold
    rows = found.set_index("kpi")
    assert rows.at["service_level", "value"] == 62.5
    assert rows.at["service_level", "threshold_s"] == 20.0
    assert pd.isna(rows.at["aht", "threshold_s"])


def test_root_cause_explains_the_miss_at_the_breachs_threshold(found):
    # tech: share 4/8, 25 % in time -> 0.5 * (80 - 25) = 27.5; billing: 0.5 * (80 - 100) = -10;
    # they add up to the 17.5-point gap. At chat's 30 s the breach "named no miss" before.
    breach = found[found["kpi"] == "service_level"].iloc[0]
    cause = root_cause(CHAT, breach)
    queues = cause.segments.query("dimension == 'queue'").set_index("segment")["contribution"]
    assert queues.to_dict() == pytest.approx({"billing": -10.0, "tech": 27.5})
    assert root_cause(CHAT, breach, sl_threshold_s=20).findings == cause.findings


def test_root_cause_refuses_another_threshold(found):
    breach = found[found["kpi"] == "service_level"].iloc[0]
    with pytest.raises(ValueError, match=r"'sl_threshold_s' \(30 s\) differs .*threshold_s 20 s"):
        root_cause(CHAT, breach, sl_threshold_s=30)


def test_a_breach_without_threshold_follows_the_options():
    # no threshold_s: the caller's 30 s applies; tech 4 of 4 within 30 s, billing 4 of 4:
    # 100 % meets 80 %, nothing to explain
    breach = {"kpi": "service_level", "target": 80.0, "period": "2026-01-05", "freq": "day"}
    with pytest.raises(ValueError, match="names no miss"):
        root_cause(CHAT, breach, sl_threshold_s=30)
    cause = root_cause(CHAT, {**breach, "threshold_s": 20.0}, sl_threshold_s=20)
    assert cause.value == 62.5


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"threshold_s": -5}, "not a positive number of seconds: -5"),
        ({"threshold_s": "20"}, "not a positive number of seconds: '20'"),
        ({"kpi": "aht", "target": 60.0, "threshold_s": 20}, "on a breach of aht"),
    ],
)
def test_a_wrong_threshold_is_refused(extra, problem):
    breach = {"kpi": "service_level", "target": 80.0, "period": "2026-01-05", "freq": "day"}
    with pytest.raises(ValueError, match=problem):
        root_cause(CHAT, {**breach, **extra})


def test_the_register_keeps_the_threshold_for_root_cause(tmp_path, found):
    # a row of ActionRegister.actions() lost the threshold: its root cause ran at chat's 30 s
    from kpikit.governance import ActionRegister

    with ActionRegister(f"sqlite:///{tmp_path / 'actions.sqlite'}") as register:
        register.register(found)
        actions = register.actions().set_index("kpi", drop=False)
    assert actions.at["service_level", "threshold_s"] == 20.0
    assert pd.isna(actions.at["aht", "threshold_s"])
    cause = root_cause(CHAT, actions.loc["service_level"])
    assert cause.value == 62.5  # 5 of 8 within 20 s, as in the breach


def test_a_register_made_before_thresholds_is_read_then_upgraded(tmp_path, found):
    import warnings

    import sqlalchemy

    from kpikit.governance import ActionRegister

    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    with ActionRegister(url) as register:
        register.register(found)
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE kpikit_breaches DROP COLUMN threshold_s")
    with ActionRegister(url, create=False) as reader:  # reads without altering the table
        assert reader.actions()["threshold_s"].isna().all()
    assert "threshold_s" not in {
        c["name"] for c in sqlalchemy.inspect(engine).get_columns("kpikit_breaches")
    }
    with ActionRegister(url, create=False) as writer, warnings.catch_warnings():
        warnings.simplefilter("error")  # no "other figures" warning: none was kept before
        writer.register(found)
    assert "threshold_s" in {
        c["name"] for c in sqlalchemy.inspect(engine).get_columns("kpikit_breaches")
    }
    engine.dispose()


@pytest.mark.parametrize(
    ("channel", "value", "status"),
    # all channels: 1 of 3 within 20 s (phone 10 s; chat 25 s, 25 s) = 33.3 %, where chat's
    # 30 s made it 3 of 3 = 100 % green before; chat alone 0 of 2; phone alone 1 of 1
    [("all", 100 / 3, "red"), ("chat", 0.0, "red"), ("phone", 100.0, "green")],
)
def test_the_scorecard_dashboard_rates_at_the_targets_threshold(channel, value, status):
    from kpikit.apps.scorecard import ScorecardApp

    contacts = pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "channel": ["phone", "chat", "chat"],
            "arrived_at": pd.Timestamp("2026-01-05 10:00"),
            "answered": True,
            "wait_s": [10.0, 25.0, 25.0],
        }
    )
    targets = pd.DataFrame({"kpi": ["service_level"], "target": [80.0], "threshold_s": [20.0]})
    app = ScorecardApp(
        kk.Dataset(contacts=contacts), targets=targets, channel=channel, level="center", freq="all"
    )
    row = app.card.table.set_index("kpi").loc["service_level"]
    assert (row["value"], row["status"]) == (pytest.approx(value), status)
    assert (
        "answers within 20 s" in app.channel_note.value or "within 20 s)" in app.channel_note.value
    )
