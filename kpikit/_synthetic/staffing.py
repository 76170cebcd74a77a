"""Workforce plan of the simulated center: demand forecast, headcount, shifts and roster.

Everything here is decided before any contact arrives: the expected load per slot, the team
sizes and the volume they can carry (Erlang C), the weekly shift plan and the roster of the
agents actually present, with their training and lost time.
"""

import numpy as np

from kpikit._synthetic.params import (
    ACW_S,
    CHANNEL_SHARE,
    EMAIL_PLAN_OCCUPANCY,
    EXTRA_LOAD,
    HOLD_PROBABILITY,
    HOLD_S,
    OPEN_SLOTS,
    PART_TIME_PATTERN,
    PART_TIME_SHARE,
    PATTERNS,
    PLAN_PRODUCTIVE,
    PLAN_SERVICE_LEVEL,
    QUEUE_SHARE,
    SCHEDULED,
    SHIFT_LEN,
    SLOT_S,
    SLOTS,
    TALK_S,
    TEAM_POOL,
    TEAMS,
    TRANSFER_EXTRA_TALK_S,
    WEEKDAY_FACTOR,
)


def arrival_shape():
    """Share of a day's arrivals per slot: array (channel, weekday/weekend, slot)."""
    hour = (np.arange(SLOTS) + 0.5) / 2

    def bump(centre, width):
        return np.exp(-(((hour - centre) / width) ** 2))

    curves = np.stack(
        [
            0.20 + bump(10.25, 1.9) + 0.9 * bump(14.25, 1.9),
            0.25 + 0.9 * bump(11.0, 2.4) + 0.9 * bump(15.0, 2.4),
            0.20 + bump(11.0, 3.0) + 0.6 * bump(15.0, 3.0),
        ]
    )
    shape = np.repeat(curves[:, None, :], 2, axis=1)
    for daytype, (open_slot, close_slot) in enumerate(OPEN_SLOTS):
        closed = np.ones(SLOTS, bool)
        closed[open_slot:close_slot] = False
        shape[:2, daytype, closed] = 0.0
    return shape / shape.sum(axis=2, keepdims=True)


def mean_handle_s():
    """Expected handle seconds by channel and queue (about 8 % transfers talk longer)."""
    transfer_talk = 0.08 * TRANSFER_EXTRA_TALK_S
    return TALK_S + (HOLD_PROBABILITY * HOLD_S + ACW_S)[:, None] + transfer_talk


def live_handle_s():
    """Expected handle seconds of a contact in the blended phone and chat pool."""
    handle = (QUEUE_SHARE * mean_handle_s()).sum(axis=1)
    return float((CHANNEL_SHARE * handle)[:2].sum() / CHANNEL_SHARE[:2].sum())


def expected_unit_load(shape):
    """Expected busy agents per (weekday, channel, slot) for one first-time contact a day."""
    handle = (QUEUE_SHARE * mean_handle_s()).sum(axis=1)
    daytype = (np.arange(7) >= 5).astype(int)
    per_channel = CHANNEL_SHARE[:, None] * WEEKDAY_FACTOR * handle[:, None]
    load = per_channel.T[:, :, None] * shape[:, daytype, :].transpose(1, 0, 2)
    return load * (1 + EXTRA_LOAD)[None, :, None] / SLOT_S


def _required_agents(load, handle_s):
    """Fewest agents answering ``PLAN_SERVICE_LEVEL`` of contacts within 20 s (Erlang C)."""
    need = np.zeros(load.shape)
    blocking = np.ones(load.shape)
    servers = 0
    while ((need == 0) & (load > 0)).any():
        servers += 1
        blocking = load * blocking / (servers + load * blocking)
        # a slot whose load exceeds the servers yet overflows exp(); it is not staffed by them
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            wait = servers * blocking / (servers - load * (1 - blocking))
            level = 1 - wait * np.exp(-(servers - load) * 20 / handle_s)
        need[(need == 0) & (load > 0) & (load < servers) & (level >= PLAN_SERVICE_LEVEL)] = servers
    return need


def _staff_need(load):
    """Scheduled agents needed per (weekday, pool, slot), breaks and other shrinkage included.

    The live pool gets the Erlang C requirement of each slot; the email pool gets the day's
    email work spread evenly over the opening hours.
    """
    need = np.zeros((7, 2, SLOTS))
    need[:, 0] = _required_agents(load[:, :2].sum(axis=1), live_handle_s())
    email = load[:, 2].sum(axis=1) / EMAIL_PLAN_OCCUPANCY
    for weekday in range(7):
        open_slot, close_slot = OPEN_SLOTS[int(weekday >= 5)]
        need[weekday, 1, open_slot:close_slot] = email[weekday] / (close_slot - open_slot)
    return need / PLAN_PRODUCTIVE


def team_sizes(unit_load, agents):
    """Headcount per team in proportion to its share of the need (part-timers count half)."""
    # the shares barely depend on volume; 25 contacts a day per agent is about the fitted one
    need = _staff_need(unit_load * 25 * agents).sum(axis=(0, 2))
    work = CHANNEL_SHARE[:, None] * QUEUE_SHARE * mean_handle_s()
    live_work = np.r_[work[0], work[1].sum()]
    heads_per_fte = 1 / (1 - PART_TIME_SHARE / 2)
    share = np.r_[need[0] * live_work / live_work.sum() * heads_per_fte, need[1]]
    exact = share / share.sum() * (agents - len(TEAMS))
    size = 1 + np.floor(exact).astype(int)
    leftover = agents - size.sum()
    size[np.argsort(np.floor(exact) - exact, kind="stable")[:leftover]] += 1
    return size


def part_timers(team_size):
    """Flag the last fifth (rounded) of each phone and chat team as part-timers."""
    flags = []
    for team, size in enumerate(team_size):
        count = round(size * PART_TIME_SHARE) if TEAM_POOL[team] == 0 else 0
        flags.append(np.arange(size) >= size - count)
    return np.concatenate(flags)


def fit_volume(unit_load, paid_slots):
    """First-time contacts on a Wednesday whose weekly staffing need fills ``paid_slots``."""
    low, high = 1.0, paid_slots
    for _ in range(40):
        volume = (low * high) ** 0.5
        if _staff_need(unit_load * volume).sum() > paid_slots:
            high = volume
        else:
            low = volume
    return low


def plan_shifts(load, agent_team, part_time, rng):
    """Fixed weekly schedule per agent and weekday: works, shift start slot and pattern.

    Days off are two consecutive days, given to the days with the least need. Shifts are
    placed one agent at a time at the (start, pattern) with the least gap cost between need
    and cover; two more passes move each shift to its best place given all the others.
    """
    need = _staff_need(load)
    agents = len(agent_team)
    works = np.zeros((agents, 7), bool)
    shift_start = np.zeros((agents, 7), int)
    pattern = np.zeros((agents, 7), int)
    weight = np.where(part_time, 0.5, 1.0)
    length = np.where(PART_TIME_PATTERN, 8, SHIFT_LEN)
    for pool in range(2):
        members = np.flatnonzero(TEAM_POOL[agent_team] == pool)
        per_day = need[:, pool].sum(axis=1) / (SHIFT_LEN - 1)
        for agent in [*members, *members, *members]:
            per_day = per_day + works[agent] * weight[agent]
            off = int(np.argmin(per_day + np.roll(per_day, -1)))
            works[agent] = True
            works[agent, [off, (off + 1) % 7]] = False
            per_day = per_day - works[agent] * weight[agent]
        for weekday in range(7):
            open_slot, close_slot = OPEN_SLOTS[int(weekday >= 5)]
            options = [
                (start, k)
                for k in range(len(PATTERNS))
                for start in range(open_slot, close_slot - length[k] + 1)
            ]
            cover = np.zeros((len(options), SLOTS))
            for row, (start, k) in enumerate(options):
                cover[row, start : start + length[k]] = PATTERNS[k, : length[k]]
            option_part_time = PART_TIME_PATTERN[[k for _, k in options]]
            remaining = need[weekday, pool].copy()
            crew = rng.permutation(members[works[members, weekday]])
            chosen = {}
            for agent in [*crew, *crew, *crew]:
                if agent in chosen:
                    remaining += cover[chosen[agent]]
                cost = _gap_cost(remaining - cover).sum(axis=1)
                cost[option_part_time != part_time[agent]] = np.inf
                chosen[agent] = int(np.argmin(cost))
                remaining -= cover[chosen[agent]]
            for agent, option in chosen.items():
                shift_start[agent, weekday], pattern[agent, weekday] = options[option]
    return works, shift_start, pattern


def _gap_cost(gap):
    """Squared gap between need and cover; a missing agent costs twice a spare one."""
    return np.where(gap > 0, 2.0, 1.0) * gap**2


def build_roster(works, shift_start, pattern, weekday, absence, rng):
    """Planned agent intervals as (agent-day, shift position) arrays.

    ``absence`` is the share of shifts missed, per day. Part-time shifts leave the positions
    after their eighth slot unscheduled (all zeros).
    Training takes a slot off the phones on 30 % of shifts. Time lost to late log-ins, long
    breaks and other unscheduled activity comes off the logged-in time and off adherence.
    """
    agents, days = works.shape[0], len(weekday)
    present = works[:, weekday] & (rng.random((agents, days)) >= absence[None, :])
    agent, day = np.nonzero(present)
    shift_days = len(agent)
    plan = PATTERNS[pattern[agent, weekday[day]]]
    scheduled = np.where(SCHEDULED[pattern[agent, weekday[day]]], float(SLOT_S), 0.0)
    productive = plan * SLOT_S
    training = np.flatnonzero(rng.random(shift_days) < 0.3)
    productive[training, rng.choice([1, 5, 6, 10], len(training))] = 0.0
    slack = rng.uniform(0.02, 0.11, agents)[agent][:, None]
    lost = productive * np.minimum(rng.gamma(2.0, slack / 2, productive.shape), 0.6)
    lost[:, 0] += rng.exponential(100.0, shift_days)
    lost += (plan == 0.5) * rng.exponential(60.0, plan.shape)
    lost = np.round(np.minimum(lost, productive))
    return {
        "agent": agent,
        "day": day,
        "slot": shift_start[agent, weekday[day]][:, None] + np.arange(SHIFT_LEN),
        "scheduled": scheduled,
        "paid": np.where(plan > 0, float(SLOT_S), 0.0),
        "logged_in": productive - lost,
        "adherent": scheduled - lost,
    }


def logged_in_by_slot(roster, agent_team, days):
    """Agents logged in (in agent-slots) per (pool, day, slot)."""
    pool = np.broadcast_to(TEAM_POOL[agent_team[roster["agent"]]][:, None], roster["slot"].shape)
    day = np.broadcast_to(roster["day"][:, None], roster["slot"].shape)
    total = np.zeros((2, days, SLOTS))
    np.add.at(total, (pool, day, roster["slot"]), roster["logged_in"] / SLOT_S)
    return total
