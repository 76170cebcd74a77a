"""Seeded synthetic contact center: the generator, the bundled sample files and their loaders.

:func:`generate` builds a center of six teams, plans their shifts against the expected demand,
then lets contacts arrive, queue, reach agents and come back. It is vectorised numpy: 90 days
with 60 agents take about a second. :func:`load_sample` reads the bundled output of
``generate()`` and :func:`load_targets` the scorecard targets that go with it.

How the data comes about
------------------------
* **Center**: queues billing, tech_support, orders and general. Phone calls go to the team that
  owns their queue (Billing, Tech Support, Orders, General), chats to the Chat team and emails
  to the Email team. Phone and chat agents form one blended pool, so when the home team is
  busy a contact overflows to a neighbouring team. About a fifth of the phone and chat agents
  work 4-hour part-time shifts, the others 8 paid hours plus an unpaid half-hour lunch.
* **Arrivals**: Poisson counts per 30-minute interval from an intraday curve with a
  mid-morning and an early-afternoon peak and a weekday curve (Monday heaviest, weekends
  light). Billing volume rises on the first three days of each month and one unplanned
  tech-support incident day hits samples of three weeks or more. Phone and chat are open
  08:00-18:00 on weekdays and 09:00-18:00 at weekends; email arrives around the clock.
* **Staffing**: days off and shifts (start, lunch and breaks) are fixed per weekday and chosen
  against the Erlang C requirement for 82 % of contacts answered within 20 s in every
  interval. The volume is scaled so that ``agents`` can carry it: 60 agents take about 2,000
  contacts a day. Absence (4 % of shifts), training and lost time make reality fall short.
* **Queueing**: a phone call or chat waits according to Erlang C for the agents actually logged
  in during its interval, the load being reduced by the contacts that give up (a fixed point in
  the spirit of Erlang A). The load includes repeats and retries where they land, taken from
  a pilot run. Patience is exponential; a contact abandons when its patience runs out before
  its wait does, so abandonment rises with waiting. Email is a first-in first-out backlog
  worked by the Email team, so emails that arrive at night wait until the morning.
* **Agents**: each agent has a speed factor (multiplies handle time) and a quality score that
  goes with slowness. Quality raises resolution, CSAT, NPS and QA scores and lowers transfers,
  so fast agents show lower CSAT and FCR: the AHT-CSAT trade-off is in the data.
* **Repeats**: unresolved contacts come back (same customer and reason) within hours or days,
  resolved ones rarely; a caller who abandons often tries again within the hour.
* **Agent intervals** come from the same contacts. Consistency rule: ``handling_s`` of an agent
  in an interval is the handle time (talk + hold + after-call work) of the contacts routed to
  them in that interval (the interval of ``arrived_at`` for phone and chat, of the answer for
  email); work beyond the interval's 1800 s is carried into their next intervals, and work that
  fills a whole shift becomes unscheduled overtime after it. Summed over an agent's day,
  ``handling_s`` therefore equals the handle time of the contacts they answered that day (the
  day of ``arrived_at + wait_s``).
* **Costs** are monthly per channel: paid agent hours of the channel's teams times an hourly
  rate, a technology charge per answered contact and a platform fee.
"""

import functools
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from kpikit.schema import Dataset

__all__ = ["generate", "load_sample", "load_targets", "write_sample"]

_DAY_S = 86_400
_SLOT_S = 1_800
_SLOTS = 48
_CHANNELS = np.array(["phone", "chat", "email"])
_QUEUES = np.array(["billing", "tech_support", "orders", "general"])
_REASONS = np.array(
    [
        ["invoice_question", "payment_failed", "refund_request"],
        ["login_problem", "connection_issue", "device_setup"],
        ["order_status", "return_request", "delivery_problem"],
        ["account_change", "product_question", "complaint"],
    ]
)
_REASON_SHARE = np.array([0.5, 0.3, 0.2])
_TEAMS = np.array(["Billing", "Tech Support", "Orders", "General", "Chat", "Email"])
_TEAM_CHANNEL = np.array([0, 0, 0, 0, 1, 2])
# Phone and chat share one blended pool of agents (pool 0); email has its own (pool 1).
_CHANNEL_POOL = np.array([0, 0, 1])
_TEAM_POOL = _CHANNEL_POOL[_TEAM_CHANNEL]
# The team that owns a contact, by channel (rows) and queue (columns).
_HOME_TEAM = np.array([[0, 1, 2, 3], [4, 4, 4, 4], [5, 5, 5, 5]])
_CHANNEL_SHARE = np.array([0.62, 0.27, 0.11])
_QUEUE_SHARE = np.array(
    [[0.27, 0.33, 0.25, 0.15], [0.20, 0.25, 0.40, 0.15], [0.30, 0.20, 0.35, 0.15]]
)
_TALK_S = np.array(
    [[280.0, 440.0, 220.0, 250.0], [330.0, 420.0, 280.0, 300.0], [230.0, 300.0, 200.0, 220.0]]
)
_HOLD_PROBABILITY = np.array([0.30, 0.12, 0.0])
_HOLD_S = np.array([75.0, 60.0, 0.0])
_ACW_S = np.array([45.0, 35.0, 70.0])
_TRANSFER_EXTRA_TALK_S = 60.0
_WEEKDAY_FACTOR = np.array(
    [
        [1.25, 1.08, 1.00, 0.97, 0.93, 0.42, 0.30],
        [1.15, 1.05, 1.00, 1.00, 0.95, 0.60, 0.50],
        [1.20, 1.05, 1.00, 1.00, 0.95, 0.50, 0.45],
    ]
)
# Opening slots [open, close) on weekdays (row 0) and at weekends (row 1).
_OPEN_SLOTS = np.array([[16, 36], [18, 36]])
# A full-time shift spans 17 slots: 16 paid and an unpaid lunch slot (shift position 7, 8 or 9),
# with a 15-minute break before lunch (position 2, 3 or 4) and one after (12, 13 or 14).
# A part-time shift is 8 paid slots with one break (position 3 or 4). _PATTERNS holds the share
# of each slot the agent is scheduled to take contacts; _SCHEDULED marks the slots of the shift.
_SHIFT_LEN = 17
_PART_TIME_SHARE = 0.2
_PATTERNS = np.ones((29, _SHIFT_LEN))
_PATTERNS[np.arange(27), np.tile(np.repeat([2, 3, 4], 3), 3)] = 0.5
_PATTERNS[np.arange(27), np.tile([12, 13, 14], 9)] = 0.5
_PATTERNS[np.arange(27), np.repeat([7, 8, 9], 9)] = 0.0
_PATTERNS[27:, 8:] = 0.0
_PATTERNS[[27, 28], [3, 4]] = 0.5
_SCHEDULED = np.ones((29, _SHIFT_LEN), bool)
_SCHEDULED[27:, 8:] = False
_PART_TIME_PATTERN = np.arange(29) >= 27
_PATIENCE_S = np.array([420.0, 600.0])
# Repeats and retries on top of first-time arrivals, by channel (as measured on the output).
_EXTRA_LOAD = np.array([0.40, 0.36, 0.30])
_PLAN_SERVICE_LEVEL = 0.82
_PLAN_PRODUCTIVE = 0.86
_EMAIL_PLAN_OCCUPANCY = 0.8
_EMAIL_MAX_OCCUPANCY = 0.9
_ABSENCE = 0.04
_HOURLY_RATE = np.array([26.0, 21.0, 19.0])
_PER_CONTACT_TECH = np.array([0.45, 0.25, 0.10])
_MONTHLY_PLATFORM = np.array([3000.0, 1500.0, 800.0])
# Overall answer shares: CSAT top two boxes 82 %; NPS 45 % promoters, 18 % detractors (+27).
_CSAT_SHARES = np.array([0.05, 0.04, 0.09, 0.29, 0.53])
_NPS_SHARES = np.array([0.03, 0.01, 0.01, 0.02, 0.03, 0.04, 0.04, 0.15, 0.22, 0.19, 0.26])

_TARGETS = pd.DataFrame(
    [
        ("service_level", 80.0, 5.0, 15.0, "operations"),
        ("asa", 30.0, 15.0, 5.0, "operations"),
        ("abandonment_rate", 5.0, 2.0, 5.0, "operations"),
        ("answer_rate", 95.0, 2.0, 5.0, "operations"),
        ("cost_per_contact", 5.0, 0.75, 10.0, "operations"),
        ("aht", 360.0, 30.0, 5.0, "agent"),
        ("transfer_rate", 8.0, 2.0, 5.0, "agent"),
        ("qa_score", 85.0, 5.0, 5.0, "agent"),
        ("occupancy", 80.0, 5.0, 5.0, "agent"),
        ("utilization", 80.0, 5.0, 5.0, "agent"),
        ("schedule_adherence", 92.0, 3.0, 5.0, "agent"),
        ("fcr", 75.0, 5.0, 10.0, "customer"),
        ("resolution_rate", 80.0, 5.0, 5.0, "customer"),
        ("csat", 80.0, 5.0, 10.0, "customer"),
        ("nps", 30.0, 10.0, 5.0, "customer"),
    ],
    columns=["kpi", "target", "tolerance", "weight", "area"],
)

_CONTACT_DTYPES = {
    "contact_id": "int64",
    "answered": "bool",
    "wait_s": "float64",
    "channel": "str",
    "queue": "str",
    "team": "str",
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
_INTERVAL_DTYPES = {
    "agent_id": "str",
    "team": "str",
    "scheduled_s": "float64",
    "paid_s": "float64",
    "handling_s": "float64",
    "available_s": "float64",
    "adherent_s": "float64",
}
_COST_DTYPES = {"channel": "str", "cost": "float64"}
_TARGET_DTYPES = {
    "kpi": "str",
    "target": "float64",
    "tolerance": "float64",
    "weight": "float64",
    "area": "str",
}
# table -> (file name, dtypes, datetime column)
_FILES = {
    "contacts": ("contacts.csv.gz", _CONTACT_DTYPES, "arrived_at"),
    "agent_intervals": ("agent_intervals.csv.gz", _INTERVAL_DTYPES, "interval_start"),
    "costs": ("costs.csv", _COST_DTYPES, "period_start"),
}


def generate(*, days=90, agents=60, seed=7, start="2026-06-01"):
    """Generate a synthetic contact center: contacts, agent intervals and monthly costs.

    The volume follows from the staff: arrivals are scaled so that ``agents`` can answer most
    phone calls and chats within 20 s; 60 agents carry about 2,000 contacts a day. The module
    docstring describes how arrivals, staffing, queueing, agents, repeats and costs are
    modelled. With the defaults the aggregate levels are close to common benchmarks: phone AHT
    about 6 min, service level about 80 % within 20 s on phone and chat, abandonment about 5 %,
    CSAT 82 %, NPS +27, FCR 78 %, occupancy 75 %, adherence 91 %.

    Parameters
    ----------
    days : int, default=90
        Number of calendar days, starting at ``start``.
    agents : int, default=60
        Headcount; at least 6 (one per team).
    seed : int, default=7
        Seed of the random generator; the same arguments always give the same frames.
    start : str or datetime-like, default="2026-06-01"
        First day (a Monday by default); a time of day is ignored.

    Returns
    -------
    Dataset
        ``contacts``: one row per offered contact, sorted by ``arrived_at`` and
        ``contact_id``. ``agent_intervals``: one row per agent per 30-minute slot of their
        shift (the unpaid lunch slot has ``paid_s`` 0) plus any overtime slots.
        ``costs``: one row per month and channel.

    Raises
    ------
    ValueError
        If ``days``, ``agents`` or ``seed`` is not an integer in range, or ``start`` is not a
        date.

    See Also
    --------
    load_sample : the bundled output of ``generate()`` with the default arguments.
    write_sample : write a dataset as the bundled files.

    Notes
    -----
    Durations are whole seconds stored as floats and ``qa_score`` has one decimal, so a
    dataset survives a round trip through CSV unchanged. Abandoned contacts have no agent,
    zero talk, hold and after-call work, ``transferred`` False and null ``resolved``,
    ``csat``, ``nps`` and ``qa_score``; their ``team`` is the team that owns the queue.
    Emails are never abandoned; emails still unanswered when the period ends are not in the
    log. Service level within 20 s counts every email as late, so compare it by channel.

    Examples
    --------
    >>> from kpikit.sample import generate
    >>> data = generate(days=2, agents=8)
    >>> list(data.contacts.columns[:5])
    ['contact_id', 'arrived_at', 'answered', 'wait_s', 'channel']
    >>> bool((data.contacts["agent_id"].isna() == ~data.contacts["answered"]).all())
    True
    >>> sorted(data.costs["channel"])
    ['chat', 'email', 'phone']
    """
    days = _check_int("days", days, 1)
    agents = _check_int("agents", agents, len(_TEAMS))
    seed = _check_int("seed", seed, 0)
    try:
        first_day = pd.Timestamp(start).normalize()
    except (TypeError, ValueError) as error:
        raise ValueError(f"Value of 'start' is not a date but received: {start!r}") from error
    rng = np.random.default_rng(seed)
    weekday = (first_day.day_of_week + np.arange(days)) % 7

    shape = _arrival_shape()
    unit_load = _unit_load(shape)
    team_size = _team_sizes(unit_load, agents)
    agent_team = np.repeat(np.arange(len(_TEAMS)), team_size)
    part_time = _part_timers(team_size)
    volume = _fit_volume(unit_load, 5 * (1 - _ABSENCE) * np.where(part_time, 8, 16).sum())
    speed = np.exp(rng.normal(0.0, 0.17, agents))
    # faster agents take more contacts; a harmonic mean of 1 keeps the average contact at the
    # handle time the staffing plan assumes
    speed /= agents / (1 / speed).sum()
    slowness = (np.log(speed) - np.log(speed).mean()) / np.log(speed).std()
    quality = 0.8 * slowness + 0.6 * rng.normal(size=agents)
    works, shift_start, pattern = _plan_shifts(unit_load * volume, agent_team, part_time, rng)
    roster = _roster(works, shift_start, pattern, weekday, rng)

    arrivals = _first_arrivals(shape, volume, weekday, first_day, rng)
    logged_in = _logged_in_by_slot(roster, agent_team, days)
    agent_rows = _agent_rows(roster, agent_team, speed, days)
    agent_traits = (agent_team, speed, quality)
    # a pilot run tells where repeats and retries land; its arrivals load the final queue
    queue = _queue_state(arrivals, logged_in, days, scale=1 + _EXTRA_LOAD)
    pilot = _simulate(arrivals, queue, agent_rows, agent_traits, weekday, days, rng)
    queue = _queue_state(pilot, logged_in, days, scale=np.ones(3))
    contacts = _simulate(arrivals, queue, agent_rows, agent_traits, weekday, days, rng)
    _add_surveys(contacts, rng)
    agent_intervals = _agent_intervals(roster, contacts, agent_team, first_day)
    return Dataset(
        contacts=_contacts_frame(contacts, first_day),
        agent_intervals=agent_intervals,
        costs=_costs(agent_intervals, contacts, first_day, days),
    )


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(
            f"Value of {name!r} must be an integer >= {minimum} but received: {value!r}"
        )
    return int(value)


# --- planning -------------------------------------------------------------------------------


def _arrival_shape():
    """Share of a day's arrivals per slot: array (channel, weekday/weekend, slot)."""
    hour = (np.arange(_SLOTS) + 0.5) / 2

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
    for daytype, (open_slot, close_slot) in enumerate(_OPEN_SLOTS):
        closed = np.ones(_SLOTS, bool)
        closed[open_slot:close_slot] = False
        shape[:2, daytype, closed] = 0.0
    return shape / shape.sum(axis=2, keepdims=True)


def _mean_handle_s():
    """Expected handle seconds by channel and queue (about 8 % transfers talk longer)."""
    transfer_talk = 0.08 * _TRANSFER_EXTRA_TALK_S
    return _TALK_S + (_HOLD_PROBABILITY * _HOLD_S + _ACW_S)[:, None] + transfer_talk


def _live_handle_s():
    """Expected handle seconds of a contact in the blended phone and chat pool."""
    handle = (_QUEUE_SHARE * _mean_handle_s()).sum(axis=1)
    return float((_CHANNEL_SHARE * handle)[:2].sum() / _CHANNEL_SHARE[:2].sum())


def _unit_load(shape):
    """Expected busy agents per (weekday, channel, slot) for one first-time contact a day."""
    handle = (_QUEUE_SHARE * _mean_handle_s()).sum(axis=1)
    daytype = (np.arange(7) >= 5).astype(int)
    per_channel = _CHANNEL_SHARE[:, None] * _WEEKDAY_FACTOR * handle[:, None]
    load = per_channel.T[:, :, None] * shape[:, daytype, :].transpose(1, 0, 2)
    return load * (1 + _EXTRA_LOAD)[None, :, None] / _SLOT_S


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


def _required_agents(load, handle_s):
    """Fewest agents answering ``_PLAN_SERVICE_LEVEL`` of contacts within 20 s (Erlang C)."""
    need = np.zeros(load.shape)
    blocking = np.ones(load.shape)
    servers = 0
    while ((need == 0) & (load > 0)).any():
        servers += 1
        blocking = load * blocking / (servers + load * blocking)
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = servers * blocking / (servers - load * (1 - blocking))
            level = 1 - wait * np.exp(-(servers - load) * 20 / handle_s)
        need[(need == 0) & (load > 0) & (load < servers) & (level >= _PLAN_SERVICE_LEVEL)] = servers
    return need


def _staff_need(load):
    """Scheduled agents needed per (weekday, pool, slot), breaks and other shrinkage included.

    The live pool gets the Erlang C requirement of each slot; the email pool gets the day's
    email work spread evenly over the opening hours.
    """
    need = np.zeros((7, 2, _SLOTS))
    need[:, 0] = _required_agents(load[:, :2].sum(axis=1), _live_handle_s())
    email = load[:, 2].sum(axis=1) / _EMAIL_PLAN_OCCUPANCY
    for weekday in range(7):
        open_slot, close_slot = _OPEN_SLOTS[int(weekday >= 5)]
        need[weekday, 1, open_slot:close_slot] = email[weekday] / (close_slot - open_slot)
    return need / _PLAN_PRODUCTIVE


def _team_sizes(unit_load, agents):
    """Headcount per team in proportion to its share of the need (part-timers count half)."""
    # the shares barely depend on volume; 25 contacts a day per agent is about the fitted one
    need = _staff_need(unit_load * 25 * agents).sum(axis=(0, 2))
    work = _CHANNEL_SHARE[:, None] * _QUEUE_SHARE * _mean_handle_s()
    live_work = np.r_[work[0], work[1].sum()]
    heads_per_fte = 1 / (1 - _PART_TIME_SHARE / 2)
    share = np.r_[need[0] * live_work / live_work.sum() * heads_per_fte, need[1]]
    exact = share / share.sum() * (agents - len(_TEAMS))
    size = 1 + np.floor(exact).astype(int)
    leftover = agents - size.sum()
    size[np.argsort(np.floor(exact) - exact, kind="stable")[:leftover]] += 1
    return size


def _part_timers(team_size):
    """Flag the last fifth (rounded) of each phone and chat team as part-timers."""
    flags = []
    for team, size in enumerate(team_size):
        count = round(size * _PART_TIME_SHARE) if _TEAM_POOL[team] == 0 else 0
        flags.append(np.arange(size) >= size - count)
    return np.concatenate(flags)


def _fit_volume(unit_load, paid_slots):
    """First-time contacts on a Wednesday whose weekly staffing need fills ``paid_slots``."""
    low, high = 1.0, paid_slots
    for _ in range(40):
        volume = (low * high) ** 0.5
        if _staff_need(unit_load * volume).sum() > paid_slots:
            high = volume
        else:
            low = volume
    return low


def _plan_shifts(load, agent_team, part_time, rng):
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
    length = np.where(_PART_TIME_PATTERN, 8, _SHIFT_LEN)
    for pool in range(2):
        members = np.flatnonzero(_TEAM_POOL[agent_team] == pool)
        per_day = need[:, pool].sum(axis=1) / (_SHIFT_LEN - 1)
        for agent in [*members, *members, *members]:
            per_day = per_day + works[agent] * weight[agent]
            off = int(np.argmin(per_day + np.roll(per_day, -1)))
            works[agent] = True
            works[agent, [off, (off + 1) % 7]] = False
            per_day = per_day - works[agent] * weight[agent]
        for weekday in range(7):
            open_slot, close_slot = _OPEN_SLOTS[int(weekday >= 5)]
            options = [
                (start, k)
                for k in range(len(_PATTERNS))
                for start in range(open_slot, close_slot - length[k] + 1)
            ]
            cover = np.zeros((len(options), _SLOTS))
            for row, (start, k) in enumerate(options):
                cover[row, start : start + length[k]] = _PATTERNS[k, : length[k]]
            option_part_time = _PART_TIME_PATTERN[[k for _, k in options]]
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


def _roster(works, shift_start, pattern, weekday, rng):
    """Planned agent intervals as (agent-day, shift position) arrays.

    Part-time shifts leave the positions after their eighth slot unscheduled (all zeros).
    Training takes a slot off the phones on 30 % of shifts. Time lost to late log-ins, long
    breaks and other unscheduled activity comes off the logged-in time and off adherence.
    """
    agents, days = works.shape[0], len(weekday)
    present = works[:, weekday] & (rng.random((agents, days)) >= _ABSENCE)
    agent, day = np.nonzero(present)
    shift_days = len(agent)
    plan = _PATTERNS[pattern[agent, weekday[day]]]
    scheduled = np.where(_SCHEDULED[pattern[agent, weekday[day]]], float(_SLOT_S), 0.0)
    productive = plan * _SLOT_S
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
        "slot": shift_start[agent, weekday[day]][:, None] + np.arange(_SHIFT_LEN),
        "scheduled": scheduled,
        "paid": np.where(plan > 0, float(_SLOT_S), 0.0),
        "logged_in": productive - lost,
        "adherent": scheduled - lost,
    }


def _logged_in_by_slot(roster, agent_team, days):
    """Agents logged in (in agent-slots) per (pool, day, slot)."""
    pool = np.broadcast_to(_TEAM_POOL[agent_team[roster["agent"]]][:, None], roster["slot"].shape)
    day = np.broadcast_to(roster["day"][:, None], roster["slot"].shape)
    total = np.zeros((2, days, _SLOTS))
    np.add.at(total, (pool, day, roster["slot"]), roster["logged_in"] / _SLOT_S)
    return total


# --- contacts -------------------------------------------------------------------------------


def _first_arrivals(shape, volume, weekday, first_day, rng):
    """First-time contacts: Poisson counts per slot, uniform times within the slot."""
    days = len(weekday)
    daytype = (weekday >= 5).astype(int)
    noise = np.exp(rng.normal(0, 0.05, (days, 1)) + rng.normal(0, 0.03, (days, 3)))
    event = np.ones((days, 3, 4))
    day_of_month = (first_day + pd.to_timedelta(np.arange(days), unit="D")).day.to_numpy()
    event[day_of_month <= 3, :, 0] = 1.35
    if days >= 21:
        later = np.flatnonzero((weekday < 5) & (np.arange(days) >= days // 3))
        event[rng.choice(later[: len(later) // 2]), :, 1] = [2.0, 2.0, 1.5]
    daily = volume * _CHANNEL_SHARE * _WEEKDAY_FACTOR.T[weekday] * noise
    expected = (
        (daily[:, :, None] * _QUEUE_SHARE[None] * event)[:, :, :, None]
        * shape[:, daytype].transpose(1, 0, 2)[:, :, None, :]
    )
    counts = rng.poisson(expected)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    day, channel, queue, slot = np.unravel_index(cell, counts.shape)
    return {
        "time": (day * _SLOTS + slot) * _SLOT_S + np.floor(rng.random(len(cell)) * _SLOT_S),
        "channel": channel,
        "queue": queue,
        "reason": rng.choice(3, len(cell), p=_REASON_SHARE),
        "customer": rng.integers(0, max(1000, len(cell) // 2), len(cell)),
    }


def _simulate(arrivals, queue, agent_rows, agent_traits, weekday, days, rng):
    """Serve first-time contacts, then their repeats and retries, generation by generation."""
    batches = []
    batch = arrivals
    while len(batch["time"]) and len(batches) < 6:
        served = _serve(batch, queue, agent_rows, *agent_traits, days, rng)
        served["generation"] = np.full(len(served["time"]), len(batches))
        batches.append(served)
        batch = _follow_ups(served, weekday, days, rng)
    return {key: np.concatenate([b[key] for b in batches]) for key in batches[0]}


def _queue_state(arrivals, logged_in, days, *, scale):
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
    handle = _mean_handle_s()
    live = arrivals["channel"] < 2
    offered = np.zeros(days * _SLOTS)
    np.add.at(
        offered,
        (arrivals["time"][live] // _SLOT_S).astype(int),
        handle[arrivals["channel"][live], arrivals["queue"][live]]
        * scale[arrivals["channel"][live]]
        / _SLOT_S,
    )
    agents = logged_in[0].ravel()
    whole, part = np.floor(agents), agents - np.floor(agents)
    give_up = (_CHANNEL_SHARE[:2] / _PATIENCE_S).sum() / _CHANNEL_SHARE[:2].sum()
    load = offered.copy()
    for _ in range(12):
        waits = (1 - part) * _erlang_c(whole, load) + part * _erlang_c(whole + 1, load)
        rate = np.maximum(agents - load, 0.25) / _live_handle_s()
        abandon = waits * give_up / (rate + give_up)
        load = 0.5 * load + 0.5 * offered * (1 - abandon)
    staffed = agents >= 0.05
    arrived = np.zeros(days * _DAY_S // 60)
    np.add.at(arrived, (arrivals["time"][~live] // 60).astype(int), scale[2])
    email_handle = (_QUEUE_SHARE[2] * handle[2]).sum()
    capacity = np.repeat(logged_in[1].ravel() * _EMAIL_MAX_OCCUPANCY * 60 / email_handle, 30)
    drift = np.cumsum(arrived - capacity)
    backlog = drift - np.minimum.accumulate(np.minimum(drift, 0))
    return {
        "wait_probability": np.where(staffed, waits, 1.0),
        "wait_rate": np.where(staffed, rate, 1e-9),
        "email_arrived": np.cumsum(arrived),
        "email_served": np.cumsum(arrived) - backlog,
    }


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
    slot = (batch["time"][live] // _SLOT_S).astype(int)
    potential = rng.uniform(0, 4, n)
    must_wait = rng.random(live.sum()) < queue["wait_probability"][slot]
    potential[np.flatnonzero(live)[must_wait]] = rng.exponential(
        1 / queue["wait_rate"][slot[must_wait]]
    )
    patience = rng.exponential(_PATIENCE_S[np.minimum(channel, 1)])
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
    home = _HOME_TEAM[channel, queue_id]
    # phone and chat are routed in their arrival slot, email in its answer slot
    route_slot = (batch["time"] + np.where(channel == 2, wait, 0)) // _SLOT_S
    row = np.full(n, -1)
    row[answered] = _route(
        _CHANNEL_POOL[channel[answered]] * days * _SLOTS + route_slot[answered].astype(int),
        home[answered],
        _mean_handle_s()[channel[answered], queue_id[answered]],
        agent_rows,
        rng,
    )
    agent = np.where(answered, agent_rows["agent_of_row"][np.maximum(row, 0)], -1)
    skill = np.where(answered, quality[np.maximum(agent, 0)], 0.0)
    transferred = answered & (
        rng.random(n) < _sigmoid(-2.7 + 0.5 * (queue_id == 1) - 0.45 * skill)
    )
    talk = (_TALK_S[channel, queue_id] + _TRANSFER_EXTRA_TALK_S * transferred) * np.exp(
        rng.normal(-0.55**2 / 2, 0.55, n)
    )
    hold = (rng.random(n) < _HOLD_PROBABILITY[channel]) * rng.exponential(_HOLD_S[channel])
    acw = _ACW_S[channel] * rng.gamma(4.0, 0.25, n)
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


def _agent_rows(roster, agent_team, speed, days):
    """Logged-in roster rows in routing order: by (pool, day, slot) group, then team."""
    logged = roster["logged_in"].ravel()
    rows = np.flatnonzero(logged > 0)
    agent = roster["agent"][rows // _SHIFT_LEN]
    key = (
        _TEAM_POOL[agent_team[agent]] * days * _SLOTS
        + roster["day"][rows // _SHIFT_LEN] * _SLOTS
        + roster["slot"].ravel()[rows]
    )
    order = np.lexsort((agent, agent_team[agent], key))
    capacity = logged[rows][order] / speed[agent][order]
    return {
        "row": rows[order],
        "agent_of_row": np.repeat(roster["agent"], _SHIFT_LEN),
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
            rng.uniform(2 * _DAY_S, 6 * _DAY_S, n_repeats),
        ],
    )
    done = served["time"] + served["wait"] + served["talk"] + served["hold"] + served["acw"]
    given_up = served["time"] + served["wait"]
    time = np.r_[
        done[repeats] + delay, given_up[retries] + 30 + rng.exponential(1200.0, n_retries)
    ]
    same_channel = rng.random(n_repeats) < 0.75
    other_channel = rng.choice(3, n_repeats, p=_CHANNEL_SHARE)
    channel = np.r_[
        np.where(same_channel, served["channel"][repeats], other_channel),
        served["channel"][retries],
    ]
    source = np.r_[np.flatnonzero(repeats), np.flatnonzero(retries)]
    time = _when_open(np.floor(time), channel, weekday, rng)
    keep = time < days * _DAY_S
    return {
        "time": time[keep],
        "channel": channel[keep],
        **{key: served[key][source][keep] for key in ("queue", "reason", "customer")},
    }


def _when_open(time, channel, weekday, rng):
    """Move phone and chat contacts outside opening hours to a random time of the next opening."""
    day = (time // _DAY_S).astype(int)
    weekday = np.r_[weekday, (weekday[-1] + 1 + np.arange(8)) % 7]
    day = np.minimum(day, len(weekday) - 1)
    hours = _OPEN_SLOTS[(weekday[day] >= 5).astype(int)] * _SLOT_S
    second = time - day * _DAY_S
    late = second >= hours[:, 1]
    closed = (channel < 2) & ((second < hours[:, 0]) | late)
    next_day = np.minimum(day + late, len(weekday) - 1)
    next_hours = _OPEN_SLOTS[(weekday[next_day] >= 5).astype(int)] * _SLOT_S
    offset = np.floor(rng.random(len(time)) * (next_hours[:, 1] - next_hours[:, 0]))
    return np.where(closed, next_day * _DAY_S + next_hours[:, 0] + offset, time)


def _add_surveys(contacts, rng):
    """CSAT (20 % respond), NPS (10 %), QA (3 % evaluated) and the outcome agents record.

    Survey answers are an ordered logit of the contact's mood, with cut points set so that the
    whole sample has the shares of ``_CSAT_SHARES`` and ``_NPS_SHARES``.
    """
    answered = contacts["answered"]
    n = len(answered)
    for name, shares, response, lowest in (
        ("csat", _CSAT_SHARES, 0.2, 1),
        ("nps", _NPS_SHARES, 0.1, 0),
    ):
        responds = answered & (rng.random(n) < response)
        latent = contacts["mood"] + rng.logistic(0, 1, n)
        cuts = np.quantile(latent[responds], np.cumsum(shares)[:-1]) if responds.any() else []
        contacts[name] = np.where(responds, np.searchsorted(cuts, latent) + lowest, -1)
    qa = 80 + 6 * contacts["skill"] + 4 * contacts["resolved"] - 5 * contacts["transferred"]
    qa = np.clip(np.round(qa + rng.normal(0, 7, n), 1), 0, 100)
    contacts["qa"] = np.where(answered & (rng.random(n) < 0.03), qa, np.nan)
    # agents mark a quarter of their unresolved contacts as resolved and skip 6 % of the codes
    over_claim = ~contacts["resolved"] & (rng.random(n) < 0.25)
    contacts["logged_resolved"] = contacts["resolved"] | over_claim
    contacts["resolution_known"] = answered & (rng.random(n) >= 0.06)


# --- tables ---------------------------------------------------------------------------------


def _agent_intervals(roster, contacts, agent_team, first_day):
    """Agent-interval table consistent with the contacts (see the module docstring)."""
    shape = roster["logged_in"].shape
    answered = contacts["answered"]
    handle = contacts["talk"] + contacts["hold"] + contacts["acw"]
    demand = np.bincount(contacts["row"][answered], handle[answered], shape[0] * shape[1])
    demand = demand.reshape(shape)
    cap = roster["paid"]
    handling = np.zeros(shape)
    carry = np.zeros(shape[0])
    for pos in range(_SHIFT_LEN):
        total = demand[:, pos] + carry
        handling[:, pos] = np.minimum(total, cap[:, pos])
        carry = total - handling[:, pos]
    for pos in range(_SHIFT_LEN - 1, -1, -1):
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
    agent = np.repeat(roster["agent"], _SHIFT_LEN)[on_shift]
    slot = (roster["day"][:, None] * _SLOTS + roster["slot"]).ravel()[on_shift]
    # work left over after a full shift is overtime, paid by the second, in the next slots
    count = np.ceil(carry / _SLOT_S).astype(int)
    shift_day = np.repeat(np.arange(len(carry)), count)
    step = np.arange(len(shift_day)) - np.repeat(np.cumsum(count) - count, count)
    overtime = np.minimum(carry[shift_day] - step * _SLOT_S, _SLOT_S)
    last_slot = np.where(roster["scheduled"] > 0, roster["slot"], 0).max(axis=1)
    agent = np.r_[agent, roster["agent"][shift_day]]
    slot = np.r_[slot, roster["day"][shift_day] * _SLOTS + last_slot[shift_day] + 1 + step]
    for name in columns:
        worked = name in ("paid_s", "handling_s")
        columns[name] = np.r_[columns[name], overtime if worked else np.zeros(len(overtime))]
    frame = pd.DataFrame(
        {
            "agent_id": _agent_ids(agent),
            "team": _TEAMS[agent_team[agent]],
            "interval_start": _timestamps(first_day, slot * _SLOT_S),
            **columns,
        }
    ).astype(_INTERVAL_DTYPES)
    return frame.sort_values(["interval_start", "agent_id"], ignore_index=True)


def _costs(agent_intervals, contacts, first_day, days):
    """Monthly cost per channel: paid hours x rate + technology per contact + platform fee."""
    month = agent_intervals["interval_start"].dt.to_period("M").dt.start_time
    team_index = dict(zip(_TEAMS, range(len(_TEAMS)), strict=True))
    channel = _TEAM_CHANNEL[agent_intervals["team"].map(team_index).to_numpy()]
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
            _CHANNELS[c],
            round(
                float(
                    paid_hours * _HOURLY_RATE[c]
                    + handled.get((period, c), 0) * _PER_CONTACT_TECH[c]
                    + _MONTHLY_PLATFORM[c] * month_share[period]
                ),
                2,
            ),
        )
        for (period, c), paid_hours in hours.items()
    ]
    frame = pd.DataFrame(rows, columns=["period_start", "channel", "cost"])
    frame["period_start"] = frame["period_start"].astype("datetime64[s]")
    return frame.astype(_COST_DTYPES)


def _agent_ids(agent):
    return np.char.add("A", np.char.zfill((agent + 1).astype(str), 3))


def _timestamps(first_day, seconds):
    moments = first_day + pd.to_timedelta(np.asarray(seconds), unit="s")
    return pd.DatetimeIndex(moments).astype("datetime64[s]")


def _contacts_frame(contacts, first_day):
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
            "channel": _CHANNELS[c["channel"]],
            "queue": _QUEUES[c["queue"]],
            "team": _TEAMS[c["team"]],
            "agent_id": np.where(answered, _agent_ids(c["agent"]), None),
            "customer_id": np.char.add("C", np.char.zfill(c["customer"].astype(str), 6)),
            "reason": _REASONS[c["queue"], c["reason"]],
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
    return frame.astype(_CONTACT_DTYPES)


# --- bundled files --------------------------------------------------------------------------


def write_sample(dataset, out_dir):
    """Write a dataset and the sample targets as the files :func:`load_sample` reads.

    Writes ``contacts.csv.gz``, ``agent_intervals.csv.gz``, ``costs.csv`` and ``targets.csv``.
    The gzip headers carry no timestamp, so the same dataset always gives the same bytes.

    Parameters
    ----------
    dataset : Dataset
        pandas frames as returned by :func:`generate`.
    out_dir : str or path-like
        Folder to write into; created if missing.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> from kpikit.sample import generate, write_sample
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [path.name for path in write_sample(generate(days=1, agents=6), folder)]
    ['contacts.csv.gz', 'agent_intervals.csv.gz', 'costs.csv', 'targets.csv']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (filename, _, _) in _FILES.items():
        compression = {"method": "gzip", "mtime": 0} if filename.endswith(".gz") else None
        getattr(dataset, name).to_csv(
            out / filename,
            index=False,
            float_format="%.10g",
            compression=compression,
            lineterminator="\n",
        )
        written.append(out / filename)
    _TARGETS.to_csv(out / "targets.csv", index=False, float_format="%.10g", lineterminator="\n")
    return [*written, out / "targets.csv"]


def _sample_dir():
    packaged = resources.files("kpikit") / "sample_data"
    if (packaged / "contacts.csv.gz").is_file():
        return packaged
    return Path(__file__).parents[1] / "sample_data"


@functools.cache
def _read_tables():
    folder = _sample_dir()
    tables = {}
    for name, (filename, dtypes, date_column) in _FILES.items():
        with (folder / filename).open("rb") as handle:
            compression = "gzip" if filename.endswith(".gz") else None
            frame = pd.read_csv(handle, dtype=dtypes, compression=compression)
        frame[date_column] = pd.to_datetime(frame[date_column]).astype("datetime64[s]")
        tables[name] = frame
    with (folder / "targets.csv").open("rb") as handle:
        tables["targets"] = pd.read_csv(handle, dtype=_TARGET_DTYPES)
    return tables


def load_sample():
    """Load the bundled sample contact center (90 days from 2026-06-01, 60 agents, seed 7).

    The files are the output of ``generate()`` with its default arguments, written by
    :func:`write_sample`: about 180,000 contacts, 57,000 agent intervals and 9 monthly costs.
    They are parsed once per session; every call returns fresh copies.

    Returns
    -------
    Dataset
        ``contacts``, ``agent_intervals`` and ``costs`` as pandas frames with the dtypes of
        :func:`generate` (datetimes at second resolution, nullable ``resolved``, ``csat``
        and ``nps``).

    See Also
    --------
    generate : build a center with another size, seed or start date.
    load_targets : the scorecard targets that go with the sample.

    Examples
    --------
    >>> from kpikit.sample import load_sample
    >>> data = load_sample()
    >>> data.contacts["channel"].value_counts().index[0]
    'phone'
    >>> str(data.contacts["csat"].dtype), str(data.agent_intervals["interval_start"].dtype)
    ('Int64', 'datetime64[s]')
    """
    tables = _read_tables()
    return Dataset(
        contacts=tables["contacts"].copy(),
        agent_intervals=tables["agent_intervals"].copy(),
        costs=tables["costs"].copy(),
    )


def load_targets():
    """Load the balanced-scorecard targets that go with the sample.

    Returns
    -------
    pandas.DataFrame
        Columns ``kpi, target, tolerance, weight, area``, one row per KPI of the catalog.
        ``target`` is in the KPI's unit (percent on a 0-100 scale, seconds, points or
        currency); for a KPI whose direction is a band (occupancy, utilization) the band is
        ``target`` plus or minus ``tolerance``. Weights sum to 100.

    Examples
    --------
    >>> from kpikit.sample import load_targets
    >>> targets = load_targets()
    >>> targets.set_index("kpi").loc["service_level", ["target", "tolerance"]].tolist()
    [80.0, 5.0]
    >>> float(targets["weight"].sum())
    100.0
    """
    return _read_tables()["targets"].copy()
