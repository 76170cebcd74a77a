"""ScorecardApp and TradeoffApp driven in plain Python (no browser).

Hand data: the ten contacts of tests/fixtures.py with a team per channel (phone -> north,
chat -> south) and the channel as queue. Worked out by hand from that table:

- service level (wait <= 20 s over offered): answered within 20 s are #1, #5, #6, #7, #9, #10,
  so 6 of 10 = 60 %; north (phone: #1 #2 #3 #4 #7 #8 #10) 3 of 7 = 42.9 %; south (chat: #5 #6
  #9) 3 of 3 = 100 %.
- AHT: handle seconds #1 250, #2 360, #5 120, #6 500, #7 300, #8 180, #9 120, #10 200;
  north (1 2 7 8 10) 1290 / 5 = 258 s, south (5 6 9) 740 / 3 = 246.7 s; agent A1 (1 2 7 9 10)
  1230 / 5 = 246 s, A2 (5 6 8) 800 / 3 = 266.7 s.
- CSAT (share of 4-5): north 5, 3, 4 -> 2 of 3; south 4, 2, 5 -> 2 of 3; center 4 of 6.
- transfer rate: only #2 (agent A1) is transferred: A1 1 of 5 = 20 %, A2 0 of 3 = 0 %.

Channels (phone #1-#4 #7 #8 #10, chat #5 #6 #9), by hand from the same table:

- phone: service level 3 of 7 (as north above), AHT 1290 / 5 = 258 s; by agent A1 (#1 #2 #7
  #10) 1110 / 4 = 277.5 s with 1 transfer in 4 = 25 %, A2 (#8) 180 s and 0 %.
- chat: service level 3 of 3 = 100 %, AHT 740 / 3 s; A1 (#9) 120 s, A2 (#5 #6) 620 / 2 = 310 s.
- FCR keeps looking for repeats in every channel: phone first contacts #1 #2 #7, of which #1
  comes back by chat (#5), #7 by phone (#8) and #2 was transferred (not resolved on first
  contact since transfers count): 0 of 3 = 0 % (33.3 % if the chat repeat were missed); chat's
  only judged first contact is #6 (#5 repeats #1, #9 has no customer): 100 %.
- per-channel thresholds {"phone": 20, "chat": 5}: phone #1 #7 #10 (10, 20, 12 s) and chat #5
  (5 s) are answered in time: 4 of 10 = 40 % (60 % with 20 s everywhere).
"""

import html

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit as kk
from kpikit.apps import ScorecardApp, TradeoffApp
from kpikit.apps.params import QueryParamWarning, query_params
from kpikit.sample import generate

TARGETS = pd.DataFrame(
    {
        "kpi": ["service_level", "aht", "csat", "fcr", "utilization"],
        "target": [80.0, 300.0, 75.0, 75.0, 80.0],
        "tolerance": [10.0, 60.0, 10.0, 5.0, 5.0],
    }
)


@pytest.fixture
def hand():
    contacts = hand_contacts()
    contacts["team"] = contacts["channel"].map({"phone": "north", "chat": "south"})
    contacts["queue"] = contacts["channel"]
    return kk.Dataset(contacts=contacts)


@pytest.fixture(scope="module")
def generated():
    # Three weeks of a small synthetic center: several teams, agents, queues and periods.
    return generate(days=21, agents=12, seed=3)


def state(figure):
    return figure.to_plotly_json()


# --- ScorecardApp --------------------------------------------------------------------------


def test_scorecard_center_level_by_hand(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="center", freq="all")
    table = app.card.table.set_index("kpi")
    assert table.loc["service_level", "value"] == 60.0  # 6 of 10
    assert table.loc["service_level", "status"] == "red"  # < 80 - 10
    assert table.loc["aht", "value"] == 253.75  # 2030 / 8
    assert table.loc["aht", "status"] == "green"
    assert table.loc["csat", "value"] == pytest.approx(400 / 6)
    assert table.loc["csat", "status"] == "amber"  # 65 <= 66.7 < 75
    assert table.loc["utilization", "status"] == "no data"  # no agent intervals
    # The center is a table of KPIs (HTML: no plotly table on the page), the heatmap hidden.
    assert app.chart.layout.display == "none"
    assert "✘ missed" in app.center_table.value and "≥ 80.0 %" in app.center_table.value
    # FCR: first contacts #1 #2 #6 #7 (#5 and #8 are repeats, #9 has no customer, #10 cannot
    # be judged yet); #1 and #7 come back within 48 h and #2 was transferred (the changed
    # default: transfers count) -> 1 of 4 = 25 %, red (it was 2 of 4 = 50 %, red as well).
    assert table.loc["fcr", "value"] == 25.0
    # Composite over the KPIs with data: (0 + 100 + 50 + 0) / 4 = 37.5.
    assert app.card.composite["score"].iloc[0] == 37.5
    assert "Scores of the center" in app.summary.value


def test_scorecard_team_level_by_hand(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    table = app.card.table.set_index(["team", "kpi"])
    assert table.loc[("north", "service_level"), "value"] == pytest.approx(300 / 7)
    assert table.loc[("south", "service_level"), "status"] == "green"  # 100 %
    assert table.loc[("north", "aht"), "value"] == 258.0
    assert table.loc[("south", "aht"), "value"] == pytest.approx(740 / 3)
    heat = app.chart.figure.data[0]
    assert heat.type == "heatmap" and list(heat.y) == ["north", "south"]


def test_scorecard_level_change_redraws(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    before = state(app.chart.figure)
    app.level.value = "queue"
    assert state(app.chart.figure) != before
    assert list(app.chart.figure.data[0].y) == ["chat", "phone"]
    app.level.value = "center"
    assert app.chart.layout.display == "none" and "Service level" in app.center_table.value


def test_scorecard_click_on_a_team_drills_down_to_its_agents(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    # What chart.js sends for a click on the heatmap's "north" row (trace 0).
    app.chart._on_browser_message(
        app.chart, {"event": "click", "points": [{"curve_number": 0, "y": "north"}]}, []
    )
    assert (app.level.value, app.team.value) == ("agent", "north")
    # North (phone) contacts were answered by A1 (#1 #2 #7 #10) and A2 (#8).
    assert list(app.chart.figure.data[0].y) == ["A1", "A2"]
    assert app.team.layout.display is None  # the team control shows at agent level
    aht = app.card.table.set_index(["agent_id", "kpi"]).loc[("A2", "aht"), "value"]
    assert aht == 180.0  # #8 alone
    app.team.value = "all"
    assert list(app.chart.figure.data[0].y) == [
        "north · A1",
        "north · A2",
        "south · A1",
        "south · A2",
    ]


def test_scorecard_sector_targets_change_statuses(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="center", freq="all")
    before = app.card.table.set_index("kpi")["status"].to_dict()
    app.source.value = "healthcare"
    after = app.card.table.set_index("kpi")
    # Healthcare-derived AHT target is 240 s with 120 s tolerance: 253.75 s is amber now.
    assert before["aht"] == "green" and after.loc["aht", "status"] == "amber"
    assert "transfer_rate" not in after.index  # no published figure, no target


def test_scorecard_preset_narrows_the_targets(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="center", freq="all", preset="starter")
    table = app.card.table.set_index("kpi")
    # The starter scorecard: FCR, CSAT and service level, all primary, equal weights.
    assert sorted(table.index) == ["csat", "fcr", "service_level"]
    assert set(table["role"]) == {"primary"}
    # Service level red (0), CSAT amber (50), FCR red (0): (0 + 50 + 0) / 3.
    assert app.card.composite["score"].iloc[0] == pytest.approx(50 / 3)
    # The cost-led scorecard needs cost per contact and occupancy targets the file lacks: all
    # targets, and a note that says so.
    app.preset.value = "cost"
    assert len(app.card.table) == len(TARGETS)
    note = html.unescape(app.view_note.value)
    assert "needs a target for ['cost_per_contact', 'occupancy']" in note
    assert "Showing all targets instead" in app.view_note.value


def test_scorecard_periods_and_trend(generated):
    app = ScorecardApp(generated, targets=TARGETS, level="team", freq="week")
    periods = [value for _, value in app.period.options]
    assert len(periods) >= 3 and periods == sorted(periods, reverse=True)
    assert app.period.value == periods[0]  # latest first
    assert set(app.card.table["period"]) == {periods[0]}
    assert app.card.table["trend"].notna().any()  # compared with the week before
    before = state(app.chart.figure)
    app.period.value = periods[1]
    assert state(app.chart.figure) != before
    trend_before = state(app.trend_chart.figure)
    app.trend_kpi.value = "aht"
    assert state(app.trend_chart.figure) != trend_before
    assert "Average handle time" in app.trend_chart.figure.layout.title.text
    app.freq.value = "all"
    assert app.period.layout.display == "none"
    assert "period" not in app.card.table.columns


def test_scorecard_interval_kpis_at_agent_level(generated):
    app = ScorecardApp(generated, targets=TARGETS, level="agent", freq="all")
    utilization = app.card.table[app.card.table["kpi"] == "utilization"]
    assert utilization["value"].notna().all()  # agent intervals carry team and agent_id


def test_scorecard_bad_arguments(hand):
    with pytest.raises(ValueError, match="not a KPI id"):
        ScorecardApp(hand, targets=pd.DataFrame({"kpi": ["speed"], "target": [1]}))
    with pytest.raises(ValueError, match="'level'"):
        ScorecardApp(hand, targets=TARGETS, level="region")
    with pytest.raises(ValueError, match="'source'"):
        ScorecardApp(hand, targets=TARGETS, source="banking")


def test_scorecard_checks_its_data_once_a_redraw(generated, checked_tables):
    # The table by team and its weekly trend read the same frames: each table is checked once
    # a redraw (kpikit.apps._base.BaseApp._redraw), where each compute checked them before.
    # At agent level the trend reads the costs too, which its compute checks then.
    app = ScorecardApp(generated, targets=TARGETS, level="team", freq="week")
    assert checked_tables == ["contacts", "agent_intervals"]
    checked_tables.clear()
    app.level.value = "agent"
    assert checked_tables == ["contacts", "agent_intervals", "costs"]


def test_scorecard_still_refuses_bad_data(hand):
    # Checked once a redraw is still checked: a negative wait is the checks' error.
    bad = kk.Dataset(contacts=hand.contacts.assign(wait_s=-1.0))
    with pytest.raises(kk.SchemaError, match="wait_s: 10 rows below 0"):
        ScorecardApp(bad, targets=TARGETS, level="team", freq="all")


def test_scorecard_bad_upload_keeps_the_data(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    before = app.card.table.copy()
    assert app.load(b"not,a,contact,log\n1,2,3,4\n", "bad.csv") is False
    assert "Could not use bad.csv" in app.message.value
    pd.testing.assert_frame_equal(app.card.table, before)
    assert list(app.chart.figure.data[0].y) == ["north", "south"]


def test_scorecard_set_from_link_parameters(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    app.set(level="agent", team="south")
    assert list(app.chart.figure.data[0].y) == ["A1", "A2"]
    with pytest.raises(ValueError, match="'team'"):
        app.set(team="east")


def test_scorecard_built_with_the_link_defaults_redraws_nothing_on_set(hand, monkeypatch):
    # The dashboard notebook builds the app with its parameters' values while the kernel is
    # preheated; set() from a link without parameters must then neither redraw nor compute.
    defaults = {
        "channel": "phone",
        "level": "team",
        "freq": "all",
        "team": "all",
        "trend_kpi": "aht",
    }
    app = ScorecardApp(hand, targets=TARGETS, source="file", **defaults)
    assert app.trend_chart.figure.layout.title.text.startswith("Average handle time")
    updates = []
    monkeypatch.setattr(app, "_update", lambda: updates.append(1))
    app.set(source="file", **defaults)
    assert updates == []
    app.set(source="file", **{**defaults, "channel": "chat"})
    assert updates == [1]


def test_scorecard_channel_control_filters_the_contacts(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="center", freq="all")
    assert [value for _, value in app.channel.options] == ["all", "phone", "chat"]
    assert "All channels pooled (phone, chat)" in app.channel_note.value
    before = app.center_table.value
    app.channel.value = "chat"
    assert app.center_table.value != before
    table = app.card.table.set_index("kpi")
    assert table.loc["service_level", "value"] == 100.0  # 3 of 3 chats within 20 s
    assert table.loc["aht", "value"] == pytest.approx(740 / 3)
    assert table.loc["fcr", "value"] == 100.0  # #6, the only judged chat first contact
    # Agent intervals have no channel: their KPIs leave the one-channel scorecard.
    assert "utilization" not in table.index
    assert "Chat contacts only" in app.channel_note.value
    app.channel.value = "phone"
    table = app.card.table.set_index("kpi")
    assert table.loc["service_level", "value"] == pytest.approx(300 / 7)  # 3 of 7
    assert table.loc["aht", "value"] == 258.0  # 1290 / 5
    # #1 came back by chat, #7 by phone, #2 was transferred (changed default: was 1 of 3).
    assert table.loc["fcr", "value"] == 0.0
    app.channel.value = "all"
    assert app.card.table.set_index("kpi").loc["utilization", "status"] == "no data"


def test_scorecard_channel_at_team_level_and_in_the_trend(generated):
    app = ScorecardApp(generated, targets=TARGETS, level="team", freq="all", channel="phone")
    assert "utilization" not in set(app.card.table["kpi"])
    assert "shown for All channels only" in app.channel_note.value
    trend_before = state(app.trend_chart.figure)
    heat_before = state(app.chart.figure)
    app.channel.value = "all"
    assert state(app.trend_chart.figure) != trend_before and state(app.chart.figure) != heat_before
    assert app.card.table.loc[app.card.table["kpi"] == "utilization", "value"].notna().all()
    assert "cover all channels" in app.channel_note.value


def test_scorecard_per_channel_thresholds(hand):
    app = ScorecardApp(
        hand,
        targets=TARGETS,
        level="center",
        freq="all",
        sl_threshold_s={"phone": 20, "chat": 5},
    )
    assert app.card.table.set_index("kpi").loc["service_level", "value"] == 40.0  # 4 of 10
    assert "own channel's threshold (phone 20 s, chat 5 s)" in html.unescape(app.channel_note.value)
    app.channel.value = "chat"
    assert app.card.table.set_index("kpi").loc["service_level", "value"] == pytest.approx(100 / 3)
    assert "answers within 5 s" in app.channel_note.value


def test_scorecard_channel_from_link_parameters(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    choices = {name: [value for _, value in getattr(app, name).options] for name in ("channel",)}
    params = query_params(
        {"channel": "phone", "level": "team"}, "channel=chat&level=center", choices=choices
    )
    assert params == {"channel": "chat", "level": "center"}
    app.set(**params)
    assert app.card.table.set_index("kpi").loc["service_level", "value"] == 100.0  # chat
    with pytest.warns(QueryParamWarning, match="channel=fax"):
        params = query_params({"channel": "phone"}, "channel=fax", choices=choices)
    app.set(**params)
    assert app.channel.value == "phone"
    with pytest.raises(ValueError, match="'channel'"):
        app.set(channel="email")  # not a channel of this data


def test_scorecard_channel_argument_and_data_without_channels(hand):
    app = ScorecardApp(hand, targets=TARGETS, level="center", freq="all", channel="phone")
    assert app.card.table.set_index("kpi").loc["aht", "value"] == 258.0
    with pytest.raises(ValueError, match=r"'channel'.*\['all', 'phone', 'chat'\]"):
        ScorecardApp(hand, targets=TARGETS, channel="email")
    contacts = hand.contacts.drop(columns="channel")
    app = ScorecardApp(contacts, targets=TARGETS, level="center", freq="all")
    assert app.channel.options == (("All channels", "all"),) and app.channel.disabled
    assert app.channel_note.value == ""
    assert app.card.table.set_index("kpi").loc["service_level", "value"] == 60.0


# --- TradeoffApp ---------------------------------------------------------------------------


def test_tradeoff_agents_by_hand(hand):
    app = TradeoffApp(hand, y="transfer_rate", targets=TARGETS)
    points = app.chart.figure.data[-1]
    assert list(points.customdata) == ["A1", "A2"]
    assert list(points.x) == [246.0, pytest.approx(800 / 3)]
    assert list(points.y) == [20.0, 0.0]
    assert list(points.marker.size) == [5, 3]  # answered contacts: the AHT denominator
    # Two agents are not enough for a band or a projection.
    assert app.fit.n == 2
    assert "Too few agents" in app.projection.value


def test_tradeoff_controls_change_the_figure(generated):
    app = TradeoffApp(generated, targets=TARGETS)
    assert app.fit.n == 12  # one point per agent
    before = state(app.chart.figure)
    app.y.value = "fcr"
    assert state(app.chart.figure) != before
    assert "First contact resolution" in app.chart.figure.layout.title.text
    app.level.value = "team"
    assert app.fit.n == generated.contacts["team"].nunique()
    slope = app.fit.slope
    app.weighted.value = True
    assert app.fit.slope != slope
    app.period.value = app.period.options[1][1]
    assert app.period.value != "all" and app.fit.n >= 3


def test_tradeoff_what_if_is_labelled_as_an_association(generated):
    app = TradeoffApp(generated, targets=TARGETS, what_if=30.0)
    text = app.projection.value
    assert "If AHT moved by +30 s" in text and "not a measured effect" in text
    projection = app.fit.project(30.0)
    assert f"{projection.delta_y:+.1f} percentage points" in text
    app.what_if.value = -60.0
    assert "If AHT moved by -60 s" in app.projection.value
    assert "fitted association" in app.chart.figure.layout.annotations[-1].text
    app.what_if.value = 0.0
    assert "What if" not in app.projection.value


def test_tradeoff_what_if_too_large_for_the_fit_says_so(generated):
    # A what-if of 5000 s (typed, or 1e308 from a link) raised from the observer: a traceback
    # instead of the chart, and set_from_link failed in the notebook.
    app = TradeoffApp(generated, targets=TARGETS, what_if=30.0)
    app.what_if.value = 5000.0
    assert "No what-if for AHT +5000" in app.message.value
    assert "Value of 'what_if'" in html.unescape(app.message.value)  # not 'delta_x'
    assert "What if" not in app.projection.value
    assert "fitted association" not in str(app.chart.figure.layout.annotations)
    app.set_from_link("what_if=1e308")
    assert "No what-if for AHT +1e+308" in app.message.value
    app.what_if.value = -60.0
    assert app.message.value == ""
    assert "If AHT moved by -60 s" in app.projection.value


def test_tradeoff_unavailable_kpi_shows_a_message(generated):
    app = TradeoffApp(generated, targets=TARGETS, level="queue")
    app.x.value = "occupancy"
    assert "Occupancy cannot be computed for queues" in app.message.value
    app.level.value = "agent"
    assert app.message.value == ""
    assert app.fit.n == 12


def test_tradeoff_says_what_the_data_lacks_for_a_kpi(hand):
    # Every missing KPI was blamed on agent intervals ("interval KPIs need agent intervals
    # grouped the same way"), also CSAT on a log without a csat column.
    app = TradeoffApp(hand.contacts.drop(columns="csat"), targets=TARGETS)
    text = html.unescape(app.message.value)
    assert (
        "Customer satisfaction cannot be computed for agents from this data (contacts has "
        "no column(s) ['csat'])." in text
    )
    assert "interval" not in text


def test_tradeoff_needs_a_grouping_column():
    contacts = hand_contacts().drop(columns="agent_id")
    with pytest.raises(ValueError, match="at least one of the columns"):
        TradeoffApp(contacts, targets=TARGETS)


def test_tradeoff_bad_arguments(hand):
    with pytest.raises(ValueError, match="'x'"):
        TradeoffApp(hand, x="speed", targets=TARGETS)
    with pytest.raises(ValueError, match="'level'"):
        TradeoffApp(hand, level="site", targets=TARGETS)


def test_tradeoff_channel_control_filters_the_contacts(hand):
    app = TradeoffApp(hand, y="transfer_rate", targets=TARGETS)
    assert [value for _, value in app.channel.options] == ["all", "phone", "chat"]
    app.channel.value = "phone"
    points = app.chart.figure.data[-1]
    assert list(points.customdata) == ["A1", "A2"]
    assert list(points.x) == [277.5, 180.0]  # A1 1110 / 4, A2 #8 alone
    assert list(points.y) == [25.0, 0.0]  # A1 transferred #2 of 4
    assert "Phone contacts only" in app.channel_note.value
    app.channel.value = "chat"
    points = app.chart.figure.data[-1]
    assert list(points.x) == [120.0, 310.0]  # A1 #9; A2 (120 + 500) / 2
    assert list(points.marker.size) == [1, 2]


def test_tradeoff_interval_kpis_need_all_channels(generated):
    app = TradeoffApp(generated, targets=TARGETS, x="occupancy", channel="chat")
    assert "cannot be shown for one channel" in app.message.value
    assert app.fit.n == 0
    app.channel.value = "all"
    assert app.message.value == "" and app.fit.n == 12
    assert "cover all channels" in app.channel_note.value


def test_tradeoff_channel_from_link_parameters(generated):
    app = TradeoffApp(generated, targets=TARGETS)
    before = state(app.chart.figure)
    choices = {"channel": [value for _, value in app.channel.options]}
    app.set(**query_params({"channel": "all"}, "channel=email", choices=choices))
    assert app.channel.value == "email"
    assert state(app.chart.figure) != before
    email_agents = generated.contacts.loc[
        (generated.contacts["channel"] == "email") & generated.contacts["answered"], "agent_id"
    ].nunique()
    assert app.fit.n == email_agents
    with pytest.raises(ValueError, match="'channel'"):
        TradeoffApp(generated, targets=TARGETS, channel="fax")


def test_scorecard_every_chart_follows_an_upload(generated):
    app = ScorecardApp(generated, targets=TARGETS, level="team", freq="all")
    sample_teams = set(generated.contacts["team"].dropna())
    assert {trace.name for trace in app.trend_chart.figure.data} == sample_teams
    contacts = hand_contacts()
    contacts["team"] = contacts["channel"].map({"phone": "north", "chat": "south"})
    assert app.load(contacts.to_csv(index=False).encode(), "mine.csv")
    # The heatmap, the trend and the team control all show the file's teams.
    assert list(app.chart.figure.data[0].y) == ["north", "south"]
    assert {trace.name for trace in app.trend_chart.figure.data} == {"north", "south"}
    assert [value for _, value in app.team.options] == ["all", "north", "south"]


def test_scorecard_leaves_out_kpis_that_do_not_apply_to_the_level(generated):
    targets = pd.concat(
        [
            TARGETS,
            pd.DataFrame(
                {
                    "kpi": ["abandonment_rate", "cost_per_contact"],
                    "target": [5.0, 5.0],
                    "tolerance": [1.0, 1.0],
                }
            ),
        ]
    )
    app = ScorecardApp(generated, targets=targets, level="agent", freq="all")
    shown = set(app.card.table["kpi"])
    # Unanswered contacts have no agent; costs have no agent: neither is rated per agent.
    assert not shown & {"service_level", "abandonment_rate", "cost_per_contact"}
    assert "Not shown for agents" in app.view_note.value
    assert "unanswered contacts have no agent" in app.view_note.value
    app.level.value = "team"
    assert "abandonment_rate" in set(app.card.table["kpi"])
    assert "cost_per_contact" not in set(app.card.table["kpi"])  # costs are by channel
    app.level.value = "center"
    assert {"abandonment_rate", "cost_per_contact"} <= set(app.card.table["kpi"])
    assert app.view_note.value == ""


def test_scorecard_marks_a_partial_period(generated):
    # generate(days=21) starts on a Monday: the third week is full, the month is partial.
    app = ScorecardApp(generated, targets=TARGETS, level="team", freq="month")
    labels = [label for label, _ in app.period.options]
    assert labels[0].endswith("(partial)")
    assert "Partial month: the data covers" in app.view_note.value
    app.freq.value = "week"
    assert not any(label.endswith("(partial)") for label, _ in app.period.options)
    assert "Partial" not in app.view_note.value


def test_tradeoff_rates_over_offered_contacts_do_not_apply_to_agents(generated):
    app = TradeoffApp(generated, targets=TARGETS, x="abandonment_rate")
    assert "Abandonment rate does not apply to agents" in app.message.value
    assert app.fit.n == 0
    app.level.value = "team"
    assert app.message.value == "" and app.fit.n >= 2


def test_scorecard_trend_of_more_queues_than_a_chart_tells_apart_draws_the_center(generated):
    # The trend refuses more than 50 lines (a tangle of megabytes): with 60 queues the queue
    # level's trend failed to draw. It now draws the center's line and says why.
    contacts = generated.contacts.copy()
    contacts["queue"] = [f"q{i % 60:02d}" for i in range(len(contacts))]
    app = ScorecardApp(kk.Dataset(contacts=contacts), targets=TARGETS, level="queue", freq="week")
    title = app.trend_chart.figure.layout.title.text
    assert title.endswith("<br><sup>The center: more than 50 queue values to draw apart</sup>")
    assert app._trend_rows.columns.tolist() == ["period", "kpi", "value", "ci_low", "ci_high"]


def test_scorecard_trend_highlights_the_chosen_team_only_where_it_has_a_line(hand):
    # north is the phone team of the hand data: at the team level its line is bold, with its
    # interval; on chats it has no line, and the trend draws south's without a highlight
    # (kk.plots.trend refuses a highlight that names no group).
    app = ScorecardApp(hand, targets=TARGETS, level="team", freq="all")
    app.team.value = "north"
    names = [trace.name for trace in app.trend_chart.figure.data]
    assert "95 % interval (north)" in names and "south" in names
    app.channel.value = "chat"
    names = [trace.name for trace in app.trend_chart.figure.data]
    assert names == ["south"]


# --- ScorecardApp: control limits of the trend ------------------------------------------------

LIMIT_TRACES = ["Center line", "Lower control limit", "Upper control limit"]


def traces(figure):
    return {trace.name: trace for trace in figure.data}


def test_scorecard_trend_control_limits_at_center_level(generated):
    # The limits drawn are kk.stats.control_limits of the center's weekly rows, computed here
    # from kk.compute, not from the app's tables.
    app = ScorecardApp(generated, targets=TARGETS, level="center", freq="all", control_limits=True)
    assert app.control_limits.value is True and app.control_limits.description == "Control limits"
    weekly = kk.compute(generated, freq="week")
    expected = kk.stats.control_limits(weekly, kpi="service_level")
    drawn = traces(app.trend_chart.figure)
    for name, column in zip(LIMIT_TRACES, ["center", "lcl", "ucl"], strict=True):
        assert list(pd.to_datetime(drawn[name].x)) == list(expected["period"])
        assert list(drawn[name].y) == pytest.approx(list(expected[column]), nan_ok=True)
    assert "<sup>" not in app.trend_chart.figure.layout.title.text
    # The workbook's trend sheet carries the limits and signals of the chart.
    (sheet,) = [sheet for sheet in app.excel_sheets() if sheet.title == "Trend by week"]
    table = sheet.table
    assert {"Center line", "Lower control limit", "Upper control limit", "Signal"} <= set(table)
    assert list(table["Upper control limit"]) == pytest.approx(list(expected["ucl"]))
    assert table["Signal"].tolist() == expected["signal"].tolist()


def test_scorecard_trend_control_limits_need_one_line(generated):
    app = ScorecardApp(generated, targets=TARGETS, level="team", freq="all", control_limits=True)
    figure = app.trend_chart.figure
    assert not set(LIMIT_TRACES) & set(traces(figure))
    assert len(figure.data) == generated.contacts["team"].nunique()  # one line per team
    assert figure.layout.title.text.endswith(
        "<br><sup>Limits are drawn for one line: pick a team at agent level, or the center</sup>"
    )
    assert "center" not in app._trend_rows.columns  # no limits drawn, none exported
    # A team at agent level is one line: its limits are drawn, the team named in the title.
    app.set(level="agent", team="Billing")
    figure = app.trend_chart.figure
    assert set(LIMIT_TRACES) <= set(traces(figure))
    assert figure.layout.title.text.endswith(": team Billing")
    assert app._trend_rows["team"].eq("Billing").all() and "signal" in app._trend_rows


def test_scorecard_control_limits_from_link_parameters(generated):
    app = ScorecardApp(generated, targets=TARGETS, level="center", freq="all")
    assert app.control_limits.value is False
    app.set_from_link("control_limits=true")
    assert app.control_limits.value is True
    assert set(LIMIT_TRACES) <= set(traces(app.trend_chart.figure))
    with pytest.warns(QueryParamWarning, match="control_limits=maybe"):
        app.set_from_link("control_limits=maybe")
    assert app.control_limits.value is True  # kept, not flipped
    with pytest.raises(ValueError, match="'control_limits'"):
        ScorecardApp(generated, targets=TARGETS, control_limits="yes")


def test_scorecard_control_limits_off_leaves_the_trend_as_before(generated):
    default = ScorecardApp(generated, targets=TARGETS, level="center", freq="all")
    off = ScorecardApp(generated, targets=TARGETS, level="center", freq="all", control_limits=False)
    before = default.trend_chart.figure.to_json()
    assert off.trend_chart.figure.to_json() == before
    assert off._trend_rows.columns.tolist() == ["period", "kpi", "value", "ci_low", "ci_high"]
    off.control_limits.value = True
    assert off.trend_chart.figure.to_json() != before
    off.control_limits.value = False
    assert off.trend_chart.figure.to_json() == before
    assert "center" not in off._trend_rows.columns
