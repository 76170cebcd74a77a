"""Output frames of the simulated center: contacts, agent intervals and monthly costs."""

import numpy as np
import pandas as pd

from kpikit._synthetic.params import (
    CHANNELS,
    HOURLY_RATE,
    MONTHLY_PLATFORM,
    PER_CONTACT_TECH,
    QUEUES,
    REASONS,
    SHIFT_LEN,
    SLOT_S,
    SLOTS,
    TEAM_CHANNEL,
    TEAMS,
)

# dtypes of the frames; kpikit.sample reads the bundled files back with them
CONTACT_DTYPES = {
    "contact_id": "int64",
    "answered": "bool",
    "wait_s": "float64",
    "channel": "str",
    "queue": "str",
    "team": "str",
    "site": "str",
    "agent_id": "str",
    "customer_id": "str",
    "reason": "str",
    "talk_s": "float64",
    "hold_s": "float64",
    "acw_s": "float64",
    "transferred": "bool",
    "resolved": "boolean",
    "csat": "Int64",
    "nps": "Int64",
    "qa_score": "float64",
}
INTERVAL_DTYPES = {
    "agent_id": "str",
    "team": "str",
    "site": "str",
    "scheduled_s": "float64",
    "paid_s": "float64",
    "handling_s": "float64",
    "available_s": "float64",
    "adherent_s": "float64",
}
COST_DTYPES = {"channel": "str", "cost": "float64"}


def contacts_frame(contacts, first_day, *, site, agent_offset, customer_offset):
    """Contacts table of one site sorted by arrival, with labels and nullable survey columns.

    Agents and customers are numbered from ``agent_offset`` and ``customer_offset`` so that
    several sites never share one; contact ids are set when the sites are merged.
    """
    order = np.lexsort((np.arange(len(contacts["time"])), contacts["generation"], contacts["time"]))
    c = {key: value[order] for key, value in contacts.items()}
    answered = c["answered"]
    resolved = pd.array(c["logged_resolved"], dtype="boolean")
    resolved[~c["resolution_known"]] = pd.NA
    frame = pd.DataFrame(
        {
            "contact_id": np.arange(1, len(order) + 1),
            "arrived_at": _timestamps(first_day, c["time"]),
            "answered": answered,
            "wait_s": c["wait"],
            "channel": CHANNELS[c["channel"]],
            "queue": QUEUES[c["queue"]],
            "team": TEAMS[c["team"]],
            "site": site,
            "agent_id": np.where(answered, _agent_ids(c["agent"] + agent_offset), None),
            "customer_id": np.char.add(
                "C", np.char.zfill((c["customer"] + customer_offset).astype(str), 6)
            ),
            "reason": REASONS[c["queue"], c["reason"]],
            "talk_s": c["talk"],
            "hold_s": c["hold"],
            "acw_s": c["acw"],
            "transferred": c["transferred"],
            "resolved": resolved,
            "csat": pd.array(np.where(c["csat"] >= 0, c["csat"], None), dtype="Int64"),
            "nps": pd.array(np.where(c["nps"] >= 0, c["nps"], None), dtype="Int64"),
            "qa_score": c["qa"],
        }
    )
    frame = frame.astype(CONTACT_DTYPES)
    # pandas 2 casts None to the text "None" for dtype "str": unanswered contacts keep no agent.
    frame["agent_id"] = frame["agent_id"].where(frame["answered"])
    return frame


def agent_intervals_frame(roster, contacts, agent_team, first_day, *, site, agent_offset):
    """Agent-interval table of one site, consistent with its contacts (see :mod:`kpikit.sample`)."""
    shape = roster["logged_in"].shape
    answered = contacts["answered"]
    handle = contacts["talk"] + contacts["hold"] + contacts["acw"]
    demand = np.bincount(contacts["row"][answered], handle[answered], shape[0] * shape[1])
    demand = demand.reshape(shape)
    cap = roster["paid"]
    handling = np.zeros(shape)
    carry = np.zeros(shape[0])
    for pos in range(SHIFT_LEN):
        total = demand[:, pos] + carry
        handling[:, pos] = np.minimum(total, cap[:, pos])
        carry = total - handling[:, pos]
    for pos in range(SHIFT_LEN - 1, -1, -1):
        extra = np.minimum(cap[:, pos] - handling[:, pos], carry)
        handling[:, pos] += extra
        carry -= extra
    logged = np.maximum(roster["logged_in"], handling)
    adherent = np.maximum(roster["adherent"] - (logged - roster["logged_in"]), 0)
    on_shift = roster["scheduled"].ravel() > 0
    columns = {
        "scheduled_s": roster["scheduled"],
        "paid_s": roster["paid"],
        "handling_s": handling,
        "available_s": logged - handling,
        "adherent_s": adherent,
    }
    columns = {name: values.ravel()[on_shift] for name, values in columns.items()}
    agent = np.repeat(roster["agent"], SHIFT_LEN)[on_shift]
    slot = (roster["day"][:, None] * SLOTS + roster["slot"]).ravel()[on_shift]
    # work left over after a full shift is overtime, paid by the second, in the next slots
    count = np.ceil(carry / SLOT_S).astype(int)
    shift_day = np.repeat(np.arange(len(carry)), count)
    step = np.arange(len(shift_day)) - np.repeat(np.cumsum(count) - count, count)
    overtime = np.minimum(carry[shift_day] - step * SLOT_S, SLOT_S)
    last_slot = np.where(roster["scheduled"] > 0, roster["slot"], 0).max(axis=1)
    agent = np.r_[agent, roster["agent"][shift_day]]
    slot = np.r_[slot, roster["day"][shift_day] * SLOTS + last_slot[shift_day] + 1 + step]
    for name in columns:
        worked = name in ("paid_s", "handling_s")
        columns[name] = np.r_[columns[name], overtime if worked else np.zeros(len(overtime))]
    frame = pd.DataFrame(
        {
            "agent_id": _agent_ids(agent + agent_offset),
            "team": TEAMS[agent_team[agent]],
            "site": site,
            "interval_start": _timestamps(first_day, slot * SLOT_S),
            **columns,
        }
    ).astype(INTERVAL_DTYPES)
    return frame.sort_values(["interval_start", "agent_id"], ignore_index=True)


def costs_frame(agent_intervals, contacts, first_day, days, *, rate=1.0, platform=1.0):
    """Monthly cost per channel: paid hours x hourly rate (times ``rate``) + technology per
    contact + the platform fee (times ``platform``, the site's part of it)."""
    month = agent_intervals["interval_start"].dt.to_period("M").dt.start_time
    team_index = dict(zip(TEAMS, range(len(TEAMS)), strict=True))
    channel = TEAM_CHANNEL[agent_intervals["team"].map(team_index).to_numpy()]
    hours = agent_intervals["paid_s"].groupby([month, channel]).sum() / 3600
    answered = contacts["answered"]
    answered_month = _timestamps(first_day, contacts["time"][answered]).to_period("M").start_time
    handled = pd.Series(1, index=[answered_month, contacts["channel"][answered]])
    handled = handled.groupby(level=[0, 1]).sum()
    dates = first_day + pd.to_timedelta(np.arange(days), unit="D")
    month_share = pd.Series(1 / dates.days_in_month).groupby(dates.to_period("M").start_time).sum()
    rows = [
        (
            period,
            CHANNELS[c],
            round(
                float(
                    paid_hours * HOURLY_RATE[c] * rate
                    + handled.get((period, c), 0) * PER_CONTACT_TECH[c]
                    + MONTHLY_PLATFORM[c] * month_share[period] * platform
                ),
                2,
            ),
        )
        for (period, c), paid_hours in hours.items()
    ]
    frame = pd.DataFrame(rows, columns=["period_start", "channel", "cost"])
    frame["period_start"] = frame["period_start"].astype("datetime64[s]")
    return frame.astype(COST_DTYPES)


def _agent_ids(agent):
    return np.char.add("A", np.char.zfill((agent + 1).astype(str), 3))


def _timestamps(first_day, seconds):
    moments = first_day + pd.to_timedelta(np.asarray(seconds), unit="s")
    return pd.DatetimeIndex(moments).astype("datetime64[s]")
