"""Contacts of the simulated center: arrivals, queueing, routing, handling, repeats and surveys.

Contacts are plain dicts of numpy arrays, one entry per contact, until
:mod:`kpikit._synthetic.tables` turns them into a frame.
"""

import numpy as np
import pandas as pd

from kpikit._synthetic.params import (
    ACW_S,
    CHANNEL_POOL,
    CHANNEL_SHARE,
    CSAT_SHARES,
    DAY_S,
    EMAIL_MAX_OCCUPANCY,
    HOLD_PROBABILITY,
    HOLD_S,
    HOME_TEAM,
    NPS_SHARES,
    OPEN_SLOTS,
    PATIENCE_S,
    QUEUE_SHARE,
    REASON_SHARE,
    SHIFT_LEN,
    SLOT_S,
    SLOTS,
    TALK_S,
    TEAM_POOL,
    TRANSFER_EXTRA_TALK_S,
    WEEKDAY_FACTOR,
)
from kpikit._synthetic.staffing import live_handle_s, mean_handle_s


def first_arrivals(shape, volume, weekday, first_day, rng, *, incident="draw"):
    """First-time contacts: Poisson counts per slot, uniform times within the slot.

    Billing volume rises on the first three days of a month. Tech support doubles (and email
    rises by half) on the day of an unplanned incident: ``incident`` is that day, None for
    none, or ``"draw"`` to draw one in samples of three weeks or more (a weekday in the first
    half of the last two thirds). Returns the arrivals and the incident day.
    """
    days = len(weekday)
    daytype = (weekday >= 5).astype(int)
    noise = np.exp(rng.normal(0, 0.05, (days, 1)) + rng.normal(0, 0.03, (days, 3)))
    event = np.ones((days, 3, 4))
    day_of_month = (first_day + pd.to_timedelta(np.arange(days), unit="D")).day.to_numpy()
    event[day_of_month <= 3, :, 0] = 1.35
    if incident == "draw":
        incident = None
        if days >= 21:
            later = np.flatnonzero((weekday < 5) & (np.arange(days) >= days // 3))
            incident = int(rng.choice(later[: len(later) // 2]))
    if incident is not None:
        event[incident, :, 1] = [2.0, 2.0, 1.5]
    daily = volume * CHANNEL_SHARE * WEEKDAY_FACTOR.T[weekday] * noise
    per_queue = daily[:, :, None] * QUEUE_SHARE[None] * event
    intraday = shape[:, daytype].transpose(1, 0, 2)
    expected = per_queue[:, :, :, None] * intraday[:, :, None, :]
    counts = rng.poisson(expected)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    day, channel, queue, slot = np.unravel_index(cell, counts.shape)
    arrivals = {
        "time": (day * SLOTS + slot) * SLOT_S + np.floor(rng.random(len(cell)) * SLOT_S),
        "channel": channel,
        "queue": queue,
        "reason": rng.choice(3, len(cell), p=REASON_SHARE),
        "customer": rng.integers(0, max(1000, len(cell) // 2), len(cell)),
    }
    return arrivals, incident


def serve_generations(arrivals, queue, agent_rows, agent_traits, weekday, days, rng):
    """Serve first-time contacts, then their repeats and retries, generation by generation."""
    batches = []
    batch = arrivals
    while len(batch["time"]) and len(batches) < 6:
        served = _serve(batch, queue, agent_rows, *agent_traits, days, rng)
        served["generation"] = np.full(len(served["time"]), len(batches))
        batches.append(served)
        batch = _follow_ups(served, weekday, days, rng)
    return {key: np.concatenate([b[key] for b in batches]) for key in batches[0]}


def queue_state(arrivals, logged_in, days, *, scale):
    """Waiting law per slot for the live pool and the answer-time curve for email.

    Each arrival counts ``scale[channel]`` times, so first-time arrivals can stand in for
    all arrivals.

    Live pool: the probability of waiting and the rate of the (exponential) wait come from
    Erlang C with the agents logged in, interpolated between whole agents. The offered load is
    reduced by the share that abandons, which in turn depends on the wait; a few damped
    fixed-point steps settle it.

    Email: a first-in first-out fluid queue on a one-minute grid. ``email_arrived`` and
    ``email_served`` are cumulative counts; the backlog is arrivals minus capacity, reflected
    at zero.
    """
    handle = mean_handle_s()
    live = arrivals["channel"] < 2
    offered = np.zeros(days * SLOTS)
    np.add.at(
        offered,
        (arrivals["time"][live] // SLOT_S).astype(int),
        handle[arrivals["channel"][live], arrivals["queue"][live]]
        * scale[arrivals["channel"][live]]
        / SLOT_S,
    )
    agents = logged_in[0].ravel()
    whole, part = np.floor(agents), agents - np.floor(agents)
    give_up = (CHANNEL_SHARE[:2] / PATIENCE_S).sum() / CHANNEL_SHARE[:2].sum()
    load = offered.copy()
    for _ in range(12):
        waits = (1 - part) * _erlang_c(whole, load) + part * _erlang_c(whole + 1, load)
        rate = np.maximum(agents - load, 0.25) / live_handle_s()
        abandon = waits * give_up / (rate + give_up)
        load = 0.5 * load + 0.5 * offered * (1 - abandon)
    staffed = agents >= 0.05
    arrived = np.zeros(days * DAY_S // 60)
    np.add.at(arrived, (arrivals["time"][~live] // 60).astype(int), scale[2])
    email_handle = (QUEUE_SHARE[2] * handle[2]).sum()
    capacity = np.repeat(logged_in[1].ravel() * EMAIL_MAX_OCCUPANCY * 60 / email_handle, 30)
    drift = np.cumsum(arrived - capacity)
    backlog = drift - np.minimum.accumulate(np.minimum(drift, 0))
    return {
        "wait_probability": np.where(staffed, waits, 1.0),
        "wait_rate": np.where(staffed, rate, 1e-9),
        "email_arrived": np.cumsum(arrived),
        "email_served": np.cumsum(arrived) - backlog,
    }


def _erlang_c(servers, load):
    """Erlang C probability of waiting for whole ``servers`` (1 when load >= servers)."""
    servers = np.asarray(servers, dtype=np.int64)
    blocking = np.ones(load.shape)
    at_servers = np.where(servers == 0, 1.0, 0.0)
    for k in range(1, int(servers.max(initial=0)) + 1):
        blocking = load * blocking / (k + load * blocking)
        at_servers = np.where(servers == k, blocking, at_servers)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = servers * at_servers / (servers - load * (1 - at_servers))
    return np.where(load < servers, wait, 1.0)


def _email_answer_time(time, state):
    """Answer time (whole seconds) of emails entering the queue at whole-second ``time``.

    First in, first out: an email is answered when the served count reaches the count of
    emails that arrived before it. The answer falls in a minute with email capacity and never
    before ``time``; NaN when it would fall after the end of the period.
    """
    arrived, served = state["email_arrived"], state["email_served"]
    minute = np.minimum(time // 60, len(arrived) - 1).astype(int)
    before = np.where(minute > 0, arrived[np.maximum(minute - 1, 0)], 0.0)
    # the margin keeps the answer minute at or after the arrival minute
    position = before + (time / 60 - minute) * (arrived[minute] - before) + 1e-9
    end = np.searchsorted(served, position)
    inside = (end < len(served)) & (time < len(served) * 60)
    end = np.minimum(end, len(served) - 1)
    prior = np.where(end > 0, served[np.maximum(end - 1, 0)], 0.0)
    step = served[end] - prior
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.clip(np.where(step > 0, (position - prior) / step, 0.0), 0, 1)
    answer = np.maximum(end * 60 + np.floor(within * 59), time)
    return np.where(inside, answer, np.nan)


def _serve(batch, queue, agent_rows, agent_team, speed, quality, days, rng):
    """Queue, route and handle one batch of contacts; returns per-contact arrays."""
    n = len(batch["time"])
    channel = batch["channel"]
    live = channel < 2
    slot = (batch["time"][live] // SLOT_S).astype(int)
    potential = rng.uniform(0, 4, n)
    must_wait = rng.random(live.sum()) < queue["wait_probability"][slot]
    potential[np.flatnonzero(live)[must_wait]] = rng.exponential(
        1 / queue["wait_rate"][slot[must_wait]]
    )
    patience = rng.exponential(PATIENCE_S[np.minimum(channel, 1)])
    answered = ~live | (patience >= potential)
    wait = np.minimum(patience, potential)
    email = np.flatnonzero(~live)
    triage = np.floor(rng.exponential(3600.0, len(email)))
    wait[email] = _email_answer_time(batch["time"][email] + triage, queue) - batch["time"][email]
    keep = ~np.isnan(wait)
    batch = {key: value[keep] for key, value in batch.items()}
    channel, queue_id, answered, wait = batch["channel"], batch["queue"], answered[keep], wait[keep]
    wait = np.round(wait)
    n = len(channel)
    home = HOME_TEAM[channel, queue_id]
    # phone and chat are routed in their arrival slot, email in its answer slot
    route_slot = (batch["time"] + np.where(channel == 2, wait, 0)) // SLOT_S
    row = np.full(n, -1)
    row[answered] = _route(
        CHANNEL_POOL[channel[answered]] * days * SLOTS + route_slot[answered].astype(int),
        home[answered],
        mean_handle_s()[channel[answered], queue_id[answered]],
        agent_rows,
        rng,
    )
    agent = np.where(answered, agent_rows["agent_of_row"][np.maximum(row, 0)], -1)
    skill = np.where(answered, quality[np.maximum(agent, 0)], 0.0)
    transferred = answered & (rng.random(n) < _sigmoid(-2.7 + 0.5 * (queue_id == 1) - 0.45 * skill))
    talk = (TALK_S[channel, queue_id] + TRANSFER_EXTRA_TALK_S * transferred) * np.exp(
        rng.normal(-(0.55**2) / 2, 0.55, n)
    )
    hold = (rng.random(n) < HOLD_PROBABILITY[channel]) * rng.exponential(HOLD_S[channel])
    acw = ACW_S[channel] * rng.gamma(4.0, 0.25, n)
    factor = np.where(answered, speed[np.maximum(agent, 0)], 0.0)
    talk, hold, acw = (np.round(x * factor) for x in (np.maximum(talk, 20.0), hold, acw))
    queue_effect = np.array([0.1, -0.2, 0.2, 0.0])[queue_id]
    resolved = answered & (
        rng.random(n) < _sigmoid(1.05 + 0.65 * skill - 1.0 * transferred + queue_effect)
    )
    # CSAT falls about 2-3 points per 30 s of waiting beyond a minute (emails: per 4 hours)
    wait_penalty = np.where(
        channel < 2,
        np.minimum(0.1 * np.maximum(wait - 60, 0) / 30, 1.5),
        np.minimum(0.15 * np.maximum(wait / 3600 - 4, 0) / 4, 1.0),
    )
    mood = (
        0.9 * skill
        + 1.5 * resolved
        - 0.6 * transferred
        - wait_penalty
        - 0.4 * (hold > 120)
        + np.array([0.0, 0.15, -0.9])[channel]
        + 0.15 * (queue_id == 1)
    )
    return {
        **batch,
        "answered": answered,
        "wait": wait,
        "row": row,
        "agent": agent,
        "team": np.where(answered, agent_team[np.maximum(agent, 0)], home),
        "talk": talk,
        "hold": hold,
        "acw": acw,
        "transferred": transferred,
        "resolved": resolved,
        "mood": mood,
        "skill": skill,
    }


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def routing_rows(roster, agent_team, speed, days):
    """Logged-in roster rows in routing order: by (pool, day, slot) group, then team."""
    logged = roster["logged_in"].ravel()
    rows = np.flatnonzero(logged > 0)
    agent = roster["agent"][rows // SHIFT_LEN]
    key = (
        TEAM_POOL[agent_team[agent]] * days * SLOTS
        + roster["day"][rows // SHIFT_LEN] * SLOTS
        + roster["slot"].ravel()[rows]
    )
    order = np.lexsort((agent, agent_team[agent], key))
    capacity = logged[rows][order] / speed[agent][order]
    return {
        "row": rows[order],
        "agent_of_row": np.repeat(roster["agent"], SHIFT_LEN),
        "edge": key[order] + _group_fraction(key[order], capacity, midpoint=False),
    }


def _route(key, home, base_handle, agent_rows, rng):
    """Spread contacts over the agents logged in during their slot, in proportion to capacity.

    Within a (pool, day, slot) group, agents (ordered by team) are laid end to end on the unit
    interval in proportion to logged-in seconds over their speed factor, and contacts (ordered
    by home team, then at random) in proportion to their expected handle time. A contact goes
    to the agent whose stretch holds its midpoint, so most contacts reach their home team and
    the rest overflow to a neighbouring team. Returns roster row indices (flat).
    """
    order = np.lexsort((rng.random(len(key)), home, key))
    midpoint = key[order] + _group_fraction(key[order], base_handle[order], midpoint=True)
    result = np.empty(len(key), int)
    result[order] = agent_rows["row"][np.searchsorted(agent_rows["edge"], midpoint, "right")]
    return result


def _group_fraction(sorted_key, weight, *, midpoint):
    """Cumulative share of ``weight`` within runs of equal ``sorted_key`` (end or midpoint)."""
    if not len(weight):
        return np.zeros(0)
    total = np.cumsum(weight)
    first = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    group = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(weight)]))
    cumulative = total - np.r_[0.0, total][first][group] - (weight / 2 if midpoint else 0.0)
    share = cumulative / np.add.reduceat(weight, first)[group]
    return np.minimum(share, 1 - 1e-9 if midpoint else 1.0)


def _follow_ups(served, weekday, days, rng):
    """Repeat contacts of unresolved issues and retries after abandonment."""
    answered = served["answered"]
    n = len(answered)
    repeats = answered & (rng.random(n) < np.where(served["resolved"], 0.05, 0.75))
    retries = ~answered & (rng.random(n) < 0.5)
    n_repeats, n_retries = repeats.sum(), retries.sum()
    delay = np.choose(
        rng.choice(3, n_repeats, p=[0.45, 0.45, 0.10]),
        [
            rng.exponential(3 * 3600.0, n_repeats),
            rng.exponential(20 * 3600.0, n_repeats),
            rng.uniform(2 * DAY_S, 6 * DAY_S, n_repeats),
        ],
    )
    done = served["time"] + served["wait"] + served["talk"] + served["hold"] + served["acw"]
    given_up = served["time"] + served["wait"]
    time = np.r_[done[repeats] + delay, given_up[retries] + 30 + rng.exponential(1200.0, n_retries)]
    same_channel = rng.random(n_repeats) < 0.75
    other_channel = rng.choice(3, n_repeats, p=CHANNEL_SHARE)
    channel = np.r_[
        np.where(same_channel, served["channel"][repeats], other_channel),
        served["channel"][retries],
    ]
    source = np.r_[np.flatnonzero(repeats), np.flatnonzero(retries)]
    time = _when_open(np.floor(time), channel, weekday, rng)
    keep = time < days * DAY_S
    return {
        "time": time[keep],
        "channel": channel[keep],
        **{key: served[key][source][keep] for key in ("queue", "reason", "customer")},
    }


def _when_open(time, channel, weekday, rng):
    """Move phone and chat contacts outside opening hours to a random time of the next opening."""
    day = (time // DAY_S).astype(int)
    weekday = np.r_[weekday, (weekday[-1] + 1 + np.arange(8)) % 7]
    day = np.minimum(day, len(weekday) - 1)
    hours = OPEN_SLOTS[(weekday[day] >= 5).astype(int)] * SLOT_S
    second = time - day * DAY_S
    late = second >= hours[:, 1]
    closed = (channel < 2) & ((second < hours[:, 0]) | late)
    next_day = np.minimum(day + late, len(weekday) - 1)
    next_hours = OPEN_SLOTS[(weekday[next_day] >= 5).astype(int)] * SLOT_S
    offset = np.floor(rng.random(len(time)) * (next_hours[:, 1] - next_hours[:, 0]))
    return np.where(closed, next_day * DAY_S + next_hours[:, 0] + offset, time)


def add_surveys(contacts, rng, cuts=None):
    """CSAT (20 % respond), NPS (10 %), QA (3 % evaluated) and the outcome agents record.

    Survey answers are an ordered logit of the contact's mood. Without ``cuts`` the cut points
    are set so that these contacts have the shares of ``CSAT_SHARES`` and ``NPS_SHARES``;
    given the cut points of another site, a site with moodier customers answers lower. Returns
    the cut points used, ``{"csat": array, "nps": array}``.
    """
    used = {}
    answered = contacts["answered"]
    n = len(answered)
    for name, shares, response, lowest in (
        ("csat", CSAT_SHARES, 0.2, 1),
        ("nps", NPS_SHARES, 0.1, 0),
    ):
        responds = answered & (rng.random(n) < response)
        latent = contacts["mood"] + rng.logistic(0, 1, n)
        if cuts is not None:
            used[name] = cuts[name]
        elif responds.any():
            used[name] = np.quantile(latent[responds], np.cumsum(shares)[:-1])
        else:
            used[name] = np.zeros(0)
        contacts[name] = np.where(responds, np.searchsorted(used[name], latent) + lowest, -1)
    qa = 80 + 6 * contacts["skill"] + 4 * contacts["resolved"] - 5 * contacts["transferred"]
    qa = np.clip(np.round(qa + rng.normal(0, 7, n), 1), 0, 100)
    contacts["qa"] = np.where(answered & (rng.random(n) < 0.03), qa, np.nan)
    # agents mark a quarter of their unresolved contacts as resolved and skip 6 % of the codes
    over_claim = ~contacts["resolved"] & (rng.random(n) < 0.25)
    contacts["logged_resolved"] = contacts["resolved"] | over_claim
    contacts["resolution_known"] = answered & (rng.random(n) >= 0.06)
    return used
