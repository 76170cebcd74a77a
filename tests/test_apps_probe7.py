"""Dashboards probed as a manager would: a log of one channel, other than the default's."""

import html

import pandas as pd
import pytest

from kpikit.apps import MonitorApp


def _chat_log() -> pd.DataFrame:
    """Three chat contacts over two days; no phone contact at all."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3],
            "channel": "chat",
            "arrived_at": pd.to_datetime(
                ["2024-03-04 09:00", "2024-03-04 09:10", "2024-03-05 09:00"]
            ),
            "answered": True,
            "wait_s": [5.0, 10.0, 40.0],
            "talk_s": 100.0,
        }
    )


def test_monitor_opens_on_a_chat_log_with_its_defaults():
    # A chat-only log (as `kpikit report --data chats.csv` hands the monitor's notebook, which
    # passes channel="phone", the default) raised "Value of 'channel' is not a channel of the
    # data ... received: 'phone'": the page was a traceback. An upload of the same log falls
    # back to every contact; so does opening the app on it now. By hand: the data's only
    # channel is chat, so "all" and "chat" are the choices, and "all" is the first.
    for app in (MonitorApp(_chat_log()), MonitorApp(_chat_log(), channel="phone")):
        assert app.channel.value == "all"
        assert [value for _, value in app.channel.options] == ["all", "chat"]
        app.close()


def test_monitor_still_refuses_a_channel_asked_for_that_the_data_lacks():
    # Only the default gives way: "email" named on a chat log is still an error.
    with pytest.raises(ValueError, match="not a channel of the data.*'email'"):
        MonitorApp(_chat_log(), channel="email")


def _two_teams() -> pd.DataFrame:
    """Team A answers phone and chat, team B phone only: B has no chat contact."""
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "channel": ["phone", "chat", "phone", "phone"],
            "team": ["A", "A", "B", "B"],
            "agent_id": ["a1", "a2", "b1", "b2"],
            "arrived_at": pd.to_datetime(["2024-03-04 09:00"] * 4),
            "answered": True,
            "wait_s": [5.0, 10.0, 40.0, 3.0],
            "talk_s": 100.0,
        }
    )


def test_scorecard_says_which_choice_has_no_contacts_and_hides_the_empty_heatmap():
    # Team B's agents on the chat channel: B has no chat contact (by hand: rows 3 and 4 are
    # phone), so there is no row to rate. The page drew an empty heatmap under "the data has
    # no such groups", though team B is in the data; it now names the empty choice and hides
    # the heatmap, which comes back with the next choice that has rows.
    from kpikit.apps import ScorecardApp

    app = ScorecardApp(_two_teams(), level="agent", team="B", channel="chat", freq="all")
    assert app.card.table.empty
    message = html.unescape(app.message.value)
    assert "the data has no contacts of team B's agents on the chat channel" in message
    assert "no such groups" not in message
    assert app.chart.layout.display == "none"
    app.set(channel="phone")  # b1 and b2 answered phone contacts
    assert sorted(app.card.table["agent_id"].unique()) == ["b1", "b2"]
    assert app.chart.layout.display is None
    assert "No scorecard rows" not in app.message.value
