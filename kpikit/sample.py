"""Seeded synthetic contact center: the generator, the bundled sample files and their loaders.

The generator builds a center of six teams (four phone teams that each own a queue, a chat team
and an email team), plans their weekly shifts against the expected demand, then lets contacts
arrive and queue. Everything is vectorised numpy, so 90 days of data take a few seconds.

How the data comes about
------------------------
* **Arrivals**: Poisson counts per 30-minute interval from an intraday curve with a mid-morning
  and an early-afternoon peak and a weekday curve (Monday heaviest, weekends light). Billing
  volume rises on the first three days of each month; one unplanned tech-support incident day
  hits longer samples. Phone and chat are open 08:00-20:00 on weekdays and 09:00-18:00 at
  weekends; email arrives around the clock.
* **Staffing**: each team gets a headcount, fixed days off and fixed 8-hour shifts (plus an
  unpaid half-hour lunch) chosen greedily against the Erlang C requirement for 85 % of contacts
  answered within 20 s. The volume is scaled so that ``agents`` can carry it.
* **Queueing**: phone and chat wait according to Erlang C for the agents actually logged in that
  interval, with the load reduced by the callers who give up (a fixed point in the spirit of
  Erlang A). Patience is exponential and a contact abandons when its patience runs out before
  its wait does, so abandonment rises with waiting. Email is a first-in first-out backlog served
  by the email team's capacity, so emails that arrive at night wait until the morning.
* **Agents**: every agent has a speed factor (multiplies handle time) and a quality score that
  is correlated with slowness. Quality raises resolution, CSAT, NPS and QA scores and lowers
  transfers, so fast agents show lower CSAT and FCR: the AHT-CSAT trade-off is in the data.
* **Repeats**: unresolved contacts come back (same customer and reason) within hours or days,
  resolved ones rarely; abandoned callers often retry within minutes.
* **Agent intervals** are built from the same contacts: an agent's ``handling_s`` in an interval
  is the handle time (talk + hold + after-call work) of the contacts routed to them in that
  interval, with work beyond the interval's 1800 s carried into their next intervals. Summed
  over an agent's day it equals the handle time of the contacts they answered that day
  (the day of ``arrived_at + wait_s``).
* **Costs** are monthly per channel: paid agent hours times an hourly rate, a per-contact
  technology charge and a fixed platform fee.
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
# The team that owns a contact, by channel (rows) and queue (columns).
_HOME_TEAM = np.array([[0, 1, 2, 3], [4, 4, 4, 4], [5, 5, 5, 5]])
_CHANNEL_SHARE = np.array([0.62, 0.27, 0.11])
_QUEUE_SHARE = np.array(
    [[0.27, 0.33, 0.25, 0.15], [0.20, 0.25, 0.40, 0.15], [0.30, 0.20, 0.35, 0.15]]
)
_TALK_S = np.array([[280.0, 440.0, 220.0, 250.0], [330.0, 420.0, 280.0, 300.0],
                    [230.0, 300.0, 200.0, 220.0]])
_HOLD_PROBABILITY = np.array([0.30, 0.12, 0.0])
_HOLD_S = np.array([75.0, 60.0, 0.0])
_ACW_S = np.array([45.0, 35.0, 70.0])
_WEEKDAY_FACTOR = np.array(
    [
        [1.25, 1.08, 1.00, 0.97, 0.93, 0.42, 0.30],
        [1.15, 1.05, 1.00, 1.00, 0.95, 0.60, 0.50],
        [1.20, 1.05, 1.00, 1.00, 0.95, 0.50, 0.45],
    ]
)
# Opening slots [open, close) on weekdays (row 0) and at weekends (row 1).
_OPEN_SLOTS = np.array([[16, 40], [18, 36]])
# A shift: 8 paid slots, an unpaid lunch slot, 8 paid slots; 15-minute breaks in slots 3 and 12.
_SHIFT_LEN = 17
_LUNCH_POS = 8
_BREAK_POS = (3, 12)
_SHIFT_COVER = np.ones(_SHIFT_LEN)
_SHIFT_COVER[_LUNCH_POS] = 0.0
_SHIFT_COVER[list(_BREAK_POS)] = 0.5
_PATIENCE_S = np.array([420.0, 600.0])
_EXTRA_LOAD = 0.28  # repeats and retries on top of first-time arrivals, for the queue model
_PLAN_SL = 0.85
_PLAN_PRODUCTIVE = 0.86
_EMAIL_MAX_OCCUPANCY = 0.9
_ABSENCE = 0.04
_HOURLY_RATE = np.array([26.0, 21.0, 19.0])
_PER_CONTACT_TECH = np.array([0.45, 0.25, 0.10])
_MONTHLY_PLATFORM = np.array([3000.0, 1500.0, 800.0])
_CSAT_SHARES = np.array([0.06, 0.05, 0.09, 0.28, 0.52])
_NPS_SHARES = np.array([0.03, 0.01, 0.01, 0.02, 0.02, 0.04, 0.04, 0.14, 0.22, 0.20, 0.27])

_TARGETS = pd.DataFrame(
    [
        ("service_level", 80.0, 5.0, 15.0, "operations"),
        ("asa", 30.0, 15.0, 5.0, "operations"),
        ("abandonment_rate", 5.0, 2.0, 10.0, "operations"),
        ("answer_rate", 95.0, 2.0, 5.0, "operations"),
        ("cost_per_contact", 5.0, 0.75, 10.0, "operations"),
        ("aht", 360.0, 30.0, 10.0, "agent"),
        ("transfer_rate", 6.0, 2.0, 5.0, "agent"),
        ("qa_score", 85.0, 5.0, 5.0, "agent"),
        ("occupancy", 80.0, 5.0, 5.0, "agent"),
        ("utilization", 80.0, 5.0, 5.0, "agent"),
        ("schedule_adherence", 92.0, 3.0, 5.0, "agent"),
        ("fcr", 78.0, 3.0, 10.0, "customer"),
        ("resolution_rate", 85.0, 5.0, 0.0, "customer"),
        ("csat", 80.0, 5.0, 10.0, "customer"),
        ("nps", 30.0, 10.0, 0.0, "customer"),
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
_FILES = {
    "contacts": ("contacts.csv.gz", _CONTACT_DTYPES, "arrived_at"),
    "agent_intervals": ("agent_intervals.csv.gz", _INTERVAL_DTYPES, "interval_start"),
    "costs": ("costs.csv", _COST_DTYPES, "period_start"),
}


def generate(*, days=90, agents=60, seed=7, start="2026-06-01"):
    """Generate a synthetic contact center: contacts, agent intervals and monthly costs.

    The volume follows from the staff: arrivals are scaled so that ``agents`` working 8-hour
    shifts five days a week answer about 85 % of phone and chat contacts within 20 s on an
    ordinary day. Sixty agents carry roughly 2,000 contacts a day. The module docstring
    describes how arrivals, queueing, agents, repeats and costs are modelled.

    Parameters
    ----------
    days : int, default=90
        Number of calendar days, starting at ``start``.
    agents : int, default=60
        Headcount; at least 6 (one per team).
    seed : int, default=7
        Seed of the random generator; the same arguments give identical frames.
    start : str or datetime-like, default="2026-06-01"
        First day (a Monday by default); the time of day is ignored.

    Returns
    -------
    Dataset
        ``contacts`` (one row per offered contact, sorted by ``arrived_at`` and ``contact_id``),
        ``agent_intervals`` (one row per agent per 30-minute slot of their shift, lunch
        included with ``paid_s`` 0) and ``costs`` (one row per month and channel).

    See Also
    --------
    load_sample : the bundled output of ``generate()`` with the default arguments.

    Notes
    -----
    Durations are whole seconds stored as floats; ``qa_score`` has one decimal. Abandoned
    contacts have no agent, zero talk, hold and after-call work, ``transferred`` False and null
    ``resolved``, ``csat`` and ``nps``. Emails are never abandoned; emails still open when the
    period ends are not in the log.

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
    first_day = pd.Timestamp(start).normalize()
    rng = np.random.default_rng(seed)
    weekday = (first_day.dayofweek + np.arange(days)) % 7
    shape = _arrival_shape()
    unit_load = _unit_load(shape)
    volume = _fit_volume(unit_load, agents)
    team_size = _team_sizes(unit_load, volume, agents)
    agent_team = np.repeat(np.arange(len(_TEAMS)), team_size)
    speed = np.exp(rng.normal(0.0, 0.17, agents))
    slowness = (np.log(speed) - np.log(speed).mean()) / np.log(speed).std()
    quality = 0.8 * slowness + 0.6 * rng.normal(size=agents)
    works, shift_start = _plan_shifts(unit_load * volume, agent_team, rng)
    roster = _roster(works, shift_start, weekday, rng)
    logged_in = _logged_in_by_slot(roster, agent_team, days)

    arrivals = _first_arrivals(shape, volume, weekday, first_day, rng)
    queue = _queue_state(arrivals, logged_in, days, rng)
    batches = []
    batch = arrivals
    for generation in range(6):
        served = _serve(batch, queue, roster, agent_team, speed, quality, days, rng)
        served["generation"] = np.full(len(served["time"]), generation)
        batches.append(served)
        batch = _follow_ups(served, weekday, days, rng)
        if not len(batch["time"]):
            break
    contacts = {key: np.concatenate([b[key] for b in batches]) for key in batches[0]}
    _add_surveys(contacts, rng)
    agent_intervals = _agent_intervals(roster, contacts, agent_team, first_day, days)
    costs = _costs(agent_intervals, contacts, agent_team, first_day, days)
    return Dataset(
        contacts=_contacts_frame(contacts, agent_team, first_day),
        agent_intervals=agent_intervals,
        costs=costs,
    )


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(
            f"Value of {name!r} must be an integer >= {minimum} but received: {value!r}"
        )
    return int(value)


def _arrival_shape():
    """Share of a day's arrivals per slot: array (channel, weekday/weekend, slot)."""
    hour = (np.arange(_SLOTS) + 0.5) / 2
    bump = lambda centre, width: np.exp(-(((hour - centre) / width) ** 2))  # noqa: E731
    curves = np.stack(
        [
            0.25 + bump(10.5, 1.6) + 0.8 * bump(14.5, 1.8),
            0.35 + 0.8 * bump(11.0, 2.0) + 0.7 * bump(15.0, 2.2) + 0.4 * bump(19.0, 1.5),
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
    """Expected handle seconds by channel and queue (before the agent's speed factor)."""
    return _TALK_S + (_HOLD_PROBABILITY * _HOLD_S + _ACW_S)[:, None]


def _unit_load(shape):
    """Expected busy agents per (weekday, channel, slot) for one first-time contact a day."""
    handle = (_QUEUE_SHARE * _mean_handle_s()).sum(axis=1)
    daytype = (np.arange(7) >= 5).astype(int)
    per_channel = _CHANNEL_SHARE[:, None] * _WEEKDAY_FACTOR * handle[:, None]
    load = per_channel.T[:, :, None] * shape[:, daytype, :].transpose(1, 0, 2)
    return load * (1 + _EXTRA_LOAD) / _SLOT_S


def _erlang_c(servers, load):
    """Erlang C probability of waiting for integer ``servers`` (1 when load >= servers)."""
    servers = np.asarray(servers, dtype=np.int64)
    blocking = np.ones(load.shape)
    at_servers = np.where(servers == 0, 1.0, 0.0)
    for k in range(1, int(servers.max(initial=0)) + 1):
        blocking = load * blocking / (k + load * blocking)
        at_servers = np.where(servers == k, blocking, at_servers)
    stable = load < servers
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = servers * at_servers / (servers - load * (1 - at_servers))
    return np.where(stable, wait, 1.0)


def _required_agents(load, handle_s):
    """Smallest agent count answering ``_PLAN_SL`` of contacts within 20 s (Erlang C)."""
    need = np.zeros(load.shape)
    blocking = np.ones(load.shape)
    servers = 0
    while ((need == 0) & (load > 0)).any():
        servers += 1
        blocking = load * blocking / (servers + load * blocking)
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = servers * blocking / (servers - load * (1 - blocking))
            level = 1 - wait * np.exp(-(servers - load) * 20 / handle_s)
        need[(need == 0) & (load > 0) & (load < servers) & (level >= _PLAN_SL)] = servers
    return need


def _staff_need(load):
    """Scheduled agents needed per (weekday, channel, slot), shrinkage included."""
    handle = (_QUEUE_SHARE * _mean_handle_s()).sum(axis=1)
    need = np.zeros(load.shape)
    for channel in (0, 1):
        need[:, channel] = _required_agents(load[:, channel], handle[channel])
    email = load[:, 2].sum(axis=1) / _EMAIL_MAX_OCCUPANCY * 0.95
    for weekday in range(7):
        open_slot, close_slot = _OPEN_SLOTS[int(weekday >= 5)]
        need[weekday, 2, open_slot:close_slot] = email[weekday] / (close_slot - open_slot)
    return need / _PLAN_PRODUCTIVE


def _fit_volume(unit_load, agents):
    """First-time contacts on a Wednesday such that the weekly need matches the headcount."""
    paid_slots = agents * 5 * (_SHIFT_LEN - 1) * (1 - _ABSENCE)
    low, high = 1.0, 200.0 * agents
    for _ in range(40):
        volume = (low * high) ** 0.5
        if _staff_need(unit_load * volume).sum() * 1.08 > paid_slots:
            high = volume
        else:
            low = volume
    return low


def _team_sizes(unit_load, volume, agents):
    """Headcount per team in proportion to its share of the staffing need."""
    need = _staff_need(unit_load * volume).sum(axis=(0, 2))
    phone_work = (_QUEUE_SHARE[0] * _mean_handle_s()[0]) / (_QUEUE_SHARE[0] * _mean_handle_s()[0]).sum()
    share = np.concatenate([need[0] * phone_work, need[1:]])
    share = share / share.sum()
    size = np.ones(len(_TEAMS), int)
    exact = share * (agents - len(_TEAMS))
    size += np.floor(exact).astype(int)
    leftover = agents - size.sum()
    size[np.argsort(-(exact - np.floor(exact)), kind="stable")[:leftover]] += 1
    return size


def _plan_shifts(load, agent_team, rng):
    """Fixed weekly schedule: works[agent, weekday] and shift start slot[agent, weekday]."""
    need = _staff_need(load)
    agents = len(agent_team)
    works = np.zeros((agents, 7), bool)
    shift_start = np.zeros((agents, 7), int)
    for channel in range(3):
        members = np.flatnonzero(_TEAM_CHANNEL[agent_team] == channel)
        per_day = need[:, channel].sum(axis=1) / (_SHIFT_LEN - 1)
        for agent in members:
            pair_need = per_day + np.roll(per_day, -1)
            off = int(np.argmin(pair_need))
            works[agent] = True
            works[agent, [off, (off + 1) % 7]] = False
            per_day = per_day - works[agent]
        for weekday in range(7):
            open_slot, close_slot = _OPEN_SLOTS[int(weekday >= 5)]
            remaining = need[weekday, channel].copy()
            starts = np.arange(open_slot, close_slot - _SHIFT_LEN + 1)
            for agent in rng.permutation(members[works[members, weekday]]):
                windows = np.stack([remaining[s:s + _SHIFT_LEN] for s in starts])
                best = starts[np.argmax((np.clip(windows, 0, None) * _SHIFT_COVER).sum(axis=1))]
                shift_start[agent, weekday] = best
                remaining[best:best + _SHIFT_LEN] -= _SHIFT_COVER
    return works, shift_start


def _roster(works, shift_start, weekday, rng):
    """Planned agent intervals: one row per agent, day and shift position (flat arrays)."""
    agents, days = works.shape[0], len(weekday)
    present = works[:, weekday] & (rng.random((agents, days)) >= _ABSENCE)
    agent, day = np.nonzero(present)
    shift_days = len(agent)
    slot = shift_start[agent, weekday[day]][:, None] + np.arange(_SHIFT_LEN)
    paid = np.full((shift_days, _SHIFT_LEN), float(_SLOT_S))
    paid[:, _LUNCH_POS] = 0.0
    productive = paid.copy()
    productive[:, list(_BREAK_POS)] = _SLOT_S / 2
    training = rng.random(shift_days) < 0.3
    training_pos = rng.choice([1, 5, 10, 14], shift_days)
    productive[np.flatnonzero(training), training_pos[training]] = 0.0
    slack = rng.uniform(0.02, 0.11, agents)[agent][:, None]
    lost = productive * np.minimum(rng.gamma(2.0, slack / 2, productive.shape), 0.6)
    lost[:, 0] += rng.exponential(100.0, shift_days)
    lost[:, list(_BREAK_POS)] += rng.exponential(60.0, (shift_days, len(_BREAK_POS)))
    lost = np.round(np.minimum(lost, productive))
    return {
        "agent": agent,
        "day": day,
        "slot": slot,
        "paid": paid,
        "logged_in": productive - lost,
        "adherent": _SLOT_S - lost,
    }


def _logged_in_by_slot(roster, agent_team, days):
    """Agents logged in (in agent-slots) per (channel, day, slot)."""
    channel = np.broadcast_to(_TEAM_CHANNEL[agent_team[roster["agent"]]][:, None],
                              roster["slot"].shape)
    day = np.broadcast_to(roster["day"][:, None], roster["slot"].shape)
    total = np.zeros((3, days, _SLOTS))
    np.add.at(total, (channel, day, roster["slot"]), roster["logged_in"] / _SLOT_S)
    return total


def _first_arrivals(shape, volume, weekday, first_day, rng):
    """First-time contacts: Poisson counts per slot, uniform times within the slot."""
    days = len(weekday)
    daytype = (weekday >= 5).astype(int)
    noise = np.exp(rng.normal(0, 0.07, days))[:, None, None] * np.exp(
        rng.normal(0, 0.04, (days, 3))
    )[:, :, None]
    event = np.ones((days, 3, 4))
    day_of_month = (first_day + pd.to_timedelta(np.arange(days), unit="D")).day.to_numpy()
    event[day_of_month <= 3, :, 0] = 1.35
    ordinary = np.flatnonzero((weekday < 5) & (np.arange(days) >= days // 3))
    if days >= 21:
        incident = rng.choice(ordinary[: max(1, len(ordinary) // 2)])
        event[incident, :, 1] = [2.0, 2.0, 1.5]
    daily = volume * _CHANNEL_SHARE * _WEEKDAY_FACTOR.T[weekday]
    expected = (
        (daily[:, :, None] * noise)[:, :, :, None]
        * (_QUEUE_SHARE[None] * event)[:, :, :, None]
        * shape[:, daytype].transpose(1, 0, 2)[:, :, None, :]
    )
    counts = rng.poisson(expected)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    day, channel, queue, slot = np.unravel_index(cell, counts.shape)
    time = (day * _SLOTS + slot) * _SLOT_S + np.floor(rng.random(len(cell)) * _SLOT_S)
    pool = max(1000, len(cell) // 2)
    return {
        "time": time,
        "channel": channel,
        "queue": queue,
        "reason": rng.choice(3, len(cell), p=_REASON_SHARE),
        "customer": rng.integers(0, pool, len(cell)),
    }


def _queue_state(arrivals, logged_in, days, rng):
    """Waiting law per (channel, day, slot) for phone and chat; answer-time curve for email."""
    handle = _mean_handle_s()
    slot = (arrivals["time"] // _SLOT_S).astype(int)
    work = np.zeros((3, days * _SLOTS))
    np.add.at(work, (arrivals["channel"], slot),
              handle[arrivals["channel"], arrivals["queue"]] * (1 + _EXTRA_LOAD) / _SLOT_S)
    servers = logged_in.reshape(3, -1)
    state = {"servers": servers}
    wait_probability = np.ones((2, days * _SLOTS))
    wait_rate = np.full((2, days * _SLOTS), 1e-9)
    for channel in (0, 1):
        mean_handle = (_QUEUE_SHARE[channel] * handle[channel]).sum()
        give_up = 1 / _PATIENCE_S[channel]
        n = servers[channel]
        load = work[channel].copy()
        for _ in range(12):
            low = np.floor(n)
            frac = n - low
            prob = (1 - frac) * _erlang_c(low, load) + frac * _erlang_c(low + 1, load)
            rate = np.maximum(n - load, 0.25) / mean_handle
            abandon = prob * give_up / (rate + give_up)
            load = 0.5 * load + 0.5 * work[channel] * (1 - abandon)
        staffed = n >= 0.05
        wait_probability[channel] = np.where(staffed, prob, 1.0)
        wait_rate[channel] = np.where(staffed, rate, 1e-9)
    state["wait_probability"] = wait_probability
    state["wait_rate"] = wait_rate
    email_minutes = days * _SLOTS * 30
    arrived = np.zeros(email_minutes)
    is_email = arrivals["channel"] == 2
    np.add.at(arrived, (arrivals["time"][is_email] // 60).astype(int), 1 + _EXTRA_LOAD)
    capacity = np.repeat(servers[2] * _EMAIL_MAX_OCCUPANCY * 60 / handle[2].mean(), 30)
    backlog_drift = np.cumsum(arrived - capacity)
    served = np.cumsum(arrived) - (backlog_drift - np.minimum.accumulate(np.minimum(backlog_drift, 0)))
    state["email_arrived"] = np.cumsum(arrived)
    state["email_served"] = served
    return state


def _email_answer_time(time, state):
    """Answer time of emails entering the queue at ``time`` (first in, first out)."""
    minute = (time // 60).astype(int)
    arrived = state["email_arrived"]
    before = np.where(minute > 0, arrived[minute - 1], 0.0)
    position = before + (time / 60 - minute) * (arrived[minute] - before)
    served = state["email_served"]
    end = np.searchsorted(served, position, side="left")
    inside = end < len(served)
    end = np.minimum(end, len(served) - 1)
    prior = np.where(end > 0, served[end - 1], 0.0)
    step = served[end] - prior
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(step > 0, (position - prior) / step, 1.0)
    answer = np.floor((end + np.clip(frac, 0, 1)) * 60)
    return np.where(inside, np.maximum(answer, time + 1), np.nan)


def _serve(batch, queue, roster, agent_team, speed, quality, days, rng):
    """Queue, route and handle one batch of contacts; returns per-contact arrays."""
    n = len(batch["time"])
    channel = batch["channel"]
    slot = (batch["time"] // _SLOT_S).astype(int)
    live = channel < 2
    must_wait = np.zeros(n, bool)
    rate = np.ones(n)
    must_wait[live] = rng.random(live.sum()) < queue["wait_probability"][channel[live], slot[live]]
    rate[live] = queue["wait_rate"][channel[live], slot[live]]
    potential = np.where(must_wait, rng.exponential(1 / rate), rng.uniform(0, 4, n))
    patience = rng.exponential(_PATIENCE_S[np.minimum(channel, 1)])
    answered = live & (patience >= potential)
    wait = np.where(answered, potential, np.minimum(patience, potential))
    email = np.flatnonzero(~live)
    triage = rng.exponential(3600.0, len(email))
    answer_time = _email_answer_time(batch["time"][email] + triage, queue)
    wait[email] = answer_time - batch["time"][email]
    answered[email] = True
    keep = ~np.isnan(wait)
    batch = {key: value[keep] for key, value in batch.items()}
    channel, answered, wait = channel[keep], answered[keep], np.round(wait[keep])
    n = len(channel)
    route_slot = np.where(channel < 2, (batch["time"] // _SLOT_S), (batch["time"] + wait) // _SLOT_S)
    home = _HOME_TEAM[channel, batch["queue"]]

    row = np.full(n, -1)
    row[answered] = _route(
        channel[answered] * days * _SLOTS + route_slot[answered].astype(int),
        home[answered],
        _mean_handle_s()[channel[answered], batch["queue"][answered]],
        roster, agent_team, speed, days, rng,
    )
    agent = np.where(answered, roster["agent"][np.maximum(row, 0) // _SHIFT_LEN], -1)
    factor = np.where(answered, speed[np.maximum(agent, 0)], 0.0)
    skill = np.where(answered, quality[np.maximum(agent, 0)], 0.0)
    queue_idx = batch["queue"]
    transfer_logit = -2.7 + 0.5 * (queue_idx == 1) - 0.45 * skill
    transferred = answered & (rng.random(n) < _sigmoid(transfer_logit))
    sigma = 0.55
    talk_mean = _TALK_S[channel, queue_idx] + 60.0 * transferred
    talk = talk_mean * np.exp(rng.normal(-sigma**2 / 2, sigma, n))
    hold = (rng.random(n) < _HOLD_PROBABILITY[channel]) * rng.exponential(_HOLD_S[channel] + 1e-9)
    acw = _ACW_S[channel] * rng.gamma(4.0, 0.25, n)
    talk, hold, acw = (np.where(answered, np.round(np.maximum(x * factor, 0)), 0.0)
                       for x in (np.maximum(talk, 20.0), hold, acw))
    resolved_logit = 1.25 + 0.65 * skill - 1.0 * transferred + np.array([0.1, -0.2, 0.2, 0.0])[queue_idx]
    resolved = answered & (rng.random(n) < _sigmoid(resolved_logit))
    wait_penalty = np.where(
        channel < 2,
        np.minimum(0.1 * np.maximum(wait - 60, 0) / 30, 1.5),
        np.minimum(0.15 * np.maximum(wait / 3600 - 8, 0) / 8, 1.0),
    )
    mood = (0.9 * skill + 1.5 * resolved - 0.6 * transferred - wait_penalty - 0.4 * (hold > 120)
            + np.array([0.0, 0.1, -0.3])[channel] + 0.15 * (queue_idx == 1))
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


def _route(key, home, base_handle, roster, agent_team, speed, days, rng):
    """Spread contacts over the agents logged in during their slot, in proportion to capacity.

    Contacts (ordered by home team) and agents (ordered by team) are laid end to end on the
    unit interval of their (channel, day, slot) group, agents in proportion to logged-in
    seconds over their speed factor and contacts in proportion to their expected handle time.
    A contact goes to the agent whose stretch holds its midpoint, so most contacts reach their
    home team and the rest overflow to the neighbouring team. Returns roster row indices.
    """
    logged = roster["logged_in"].ravel()
    rows = np.flatnonzero(logged > 0)
    agent = roster["agent"][rows // _SHIFT_LEN]
    slot = roster["slot"].ravel()[rows]
    day = roster["day"][rows // _SHIFT_LEN]
    row_key = _TEAM_CHANNEL[agent_team[agent]] * days * _SLOTS + day * _SLOTS + slot
    row_order = np.lexsort((rng.random(len(rows)), agent_team[agent], row_key))
    contact_order = np.lexsort((rng.random(len(key)), home, key))
    row_edge = row_key[row_order] + _group_fraction(
        row_key[row_order], logged[rows][row_order] / speed[agent][row_order], midpoint=False
    )
    contact_mid = key[contact_order] + _group_fraction(
        key[contact_order], base_handle[contact_order], midpoint=True
    )
    pick = np.searchsorted(row_edge, contact_mid, side="right")
    result = np.empty(len(key), int)
    result[contact_order] = rows[row_order][pick]
    return result


def _group_fraction(sorted_key, weight, *, midpoint):
    """Cumulative share of ``weight`` within runs of equal ``sorted_key`` (end or midpoint)."""
    total = np.cumsum(weight)
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    group = np.cumsum(first) - 1
    offset = np.r_[0.0, total][np.flatnonzero(first)][group]
    size = np.add.reduceat(weight, np.flatnonzero(first))[group]
    cumulative = total - offset - (weight / 2 if midpoint else 0.0)
    return np.minimum(cumulative / size, 1.0 if not midpoint else 1 - 1e-9)


def _follow_ups(served, weekday, days, rng):
    """Repeat contacts of unresolved issues and retries after abandonment."""
    answered = served["answered"]
    repeat_probability = np.where(served["resolved"], 0.05, 0.75)
    repeats = answered & (rng.random(len(answered)) < repeat_probability)
    retries = ~answered & (rng.random(len(answered)) < 0.5)
    n_repeats = repeats.sum()
    delay_kind = rng.choice(3, n_repeats, p=[0.45, 0.45, 0.10])
    delay = np.choose(delay_kind, [rng.exponential(3 * 3600.0, n_repeats),
                                   rng.exponential(20 * 3600.0, n_repeats),
                                   rng.uniform(2 * _DAY_S, 6 * _DAY_S, n_repeats)])
    done = served["time"] + served["wait"] + served["talk"] + served["hold"] + served["acw"]
    same_channel = rng.random(n_repeats) < 0.75
    other = rng.choice(3, n_repeats, p=_CHANNEL_SHARE)
    n_retries = retries.sum()
    time = np.concatenate([
        done[repeats] + delay,
        served["time"][retries] + served["wait"][retries] + 30 + rng.exponential(1200.0, n_retries),
    ])
    channel = np.concatenate([
        np.where(same_channel, served["channel"][repeats], other),
        served["channel"][retries],
    ])
    pick = np.concatenate([np.flatnonzero(repeats), np.flatnonzero(retries)])
    time = _when_open(np.floor(time), channel, weekday, rng)
    keep = time < days * _DAY_S
    return {
        "time": time[keep],
        "channel": channel[keep],
        "queue": served["queue"][pick][keep],
        "reason": served["reason"][pick][keep],
        "customer": served["customer"][pick][keep],
    }


def _when_open(time, channel, weekday, rng):
    """Move phone and chat contacts that fall outside opening hours into the next opening."""
    day = (time // _DAY_S).astype(int)
    second = time - day * _DAY_S
    wd = np.concatenate([weekday, (weekday[-1] + 1 + np.arange(8)) % 7])
    opening = lambda d: _OPEN_SLOTS[(wd[d] >= 5).astype(int)] * _SLOT_S  # noqa: E731
    hours = opening(np.minimum(day, len(wd) - 1))
    early = (channel < 2) & (second < hours[:, 0])
    late = (channel < 2) & (second >= hours[:, 1])
    next_day = np.minimum(day + late, len(wd) - 1)
    next_open = opening(next_day)[:, 0]
    moved = next_day * _DAY_S + next_open + np.floor(rng.uniform(0, 5400, len(time)))
    return np.where(early | late, moved, time)


def _add_surveys(contacts, rng):
    """CSAT (about 20 % response), NPS (about 10 %), QA scores (about 3 %) and logged outcomes."""
    answered = contacts["answered"]
    n = len(answered)
    for name, shares, response in (("csat", _CSAT_SHARES, 0.2), ("nps", _NPS_SHARES, 0.1)):
        responds = answered & (rng.random(n) < response)
        latent = contacts["mood"] + rng.logistic(0, 1, n)
        cuts = np.quantile(latent[responds], np.cumsum(shares)[:-1]) if responds.any() else []
        score = np.searchsorted(cuts, latent) + (1 if name == "csat" else 0)
        contacts[name] = np.where(responds, score, -1)
    evaluated = answered & (rng.random(n) < 0.03)
    qa = 80 + 6 * contacts["skill"] + 4 * contacts["resolved"] - 5 * contacts["transferred"]
    qa = np.clip(np.round(qa + rng.normal(0, 7, n), 1), 0, 100)
    contacts["qa"] = np.where(evaluated, qa, np.nan)
    over_claim = ~contacts["resolved"] & (rng.random(n) < 0.25)
    contacts["logged_resolved"] = contacts["resolved"] | over_claim
    contacts["resolution_known"] = answered & (rng.random(n) >= 0.06)


def _agent_intervals(roster, contacts, agent_team, first_day, days):
    """Agent-interval table consistent with the contacts (handling carried forward if > 30 min)."""
    shape = roster["logged_in"].shape
    demand = np.zeros(shape[0] * shape[1])
    answered = contacts["answered"]
    handle = contacts["talk"] + contacts["hold"] + contacts["acw"]
    np.add.at(demand, contacts["row"][answered], handle[answered])
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
    agent = np.repeat(roster["agent"], _SHIFT_LEN)
    slot_index = (roster["day"][:, None] * _SLOTS + roster["slot"]).ravel()
    frame = pd.DataFrame(
        {
            "agent_id": _agent_ids(agent),
            "team": _TEAMS[agent_team[agent]],
            "interval_start": _timestamps(first_day, slot_index * _SLOT_S),
            "scheduled_s": np.full(agent.size, float(_SLOT_S)),
            "paid_s": roster["paid"].ravel(),
            "handling_s": handling.ravel(),
            "available_s": (logged - handling).ravel(),
            "adherent_s": adherent.ravel(),
        }
    ).astype(_INTERVAL_DTYPES)
    return frame.sort_values(["interval_start", "agent_id"], ignore_index=True)


def _costs(agent_intervals, contacts, agent_team, first_day, days):
    """Monthly cost per channel: paid hours x rate + technology per contact + platform fee."""
    channel_of_team = dict(zip(_TEAMS, _CHANNELS[_TEAM_CHANNEL], strict=True))
    paid = agent_intervals.assign(
        channel=agent_intervals["team"].map(channel_of_team),
        period_start=agent_intervals["interval_start"].dt.to_period("M").dt.start_time,
    ).groupby(["period_start", "channel"])["paid_s"].sum() / 3600
    answered = contacts["answered"]
    arrived = _timestamps(first_day, contacts["time"][answered])
    handled = pd.Series(1, index=pd.MultiIndex.from_arrays(
        [arrived.to_period("M").start_time, _CHANNELS[contacts["channel"][answered]]],
        names=["period_start", "channel"],
    )).groupby(level=[0, 1]).sum()
    dates = first_day + pd.to_timedelta(np.arange(days), unit="D")
    covered = pd.Series(1.0 / dates.days_in_month, index=dates.to_period("M").start_time)
    month_share = covered.groupby(level=0).sum()
    rows = []
    for (period, channel), hours in paid.items():
        c = int(np.flatnonzero(_CHANNELS == channel)[0])
        cost = (hours * _HOURLY_RATE[c] + handled.get((period, channel), 0) * _PER_CONTACT_TECH[c]
                + _MONTHLY_PLATFORM[c] * month_share[period])
        rows.append((period, channel, round(float(cost), 2)))
    frame = pd.DataFrame(rows, columns=["period_start", "channel", "cost"])
    frame["period_start"] = frame["period_start"].astype("datetime64[s]")
    return frame.astype(_COST_DTYPES)


def _agent_ids(agent):
    return np.char.add("A", np.char.zfill((agent + 1).astype(str), 3))


def _timestamps(first_day, seconds):
    return pd.DatetimeIndex(first_day + pd.to_timedelta(np.asarray(seconds), unit="s")).astype(
        "datetime64[s]"
    )


def _contacts_frame(contacts, agent_team, first_day):
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
        path = out / filename
        compression = {"method": "gzip", "mtime": 0} if filename.endswith(".gz") else None
        getattr(dataset, name).to_csv(
            path, index=False, float_format="%.10g", compression=compression, lineterminator="\n"
        )
        written.append(path)
    path = out / "targets.csv"
    _TARGETS.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    return [*written, path]


def _sample_dir():
    packaged = resources.files("kpikit") / "sample_data"
    if packaged.is_dir() and (packaged / "contacts.csv.gz").is_file():
        return packaged
    return Path(__file__).parents[1] / "sample_data"


@functools.cache
def _read_tables():
    folder = _sample_dir()
    tables = {}
    for name, (filename, dtypes, date_column) in _FILES.items():
        with (folder / filename).open("rb") as handle:
            frame = pd.read_csv(
                handle, dtype=dtypes, compression="gzip" if filename.endswith(".gz") else None
            )
        frame[date_column] = pd.to_datetime(frame[date_column]).astype("datetime64[s]")
        tables[name] = frame[[*_column_order(name, frame)]]
    with (folder / "targets.csv").open("rb") as handle:
        tables["targets"] = pd.read_csv(handle, dtype={"kpi": "str", "area": "str"})
    return tables


def _column_order(name, frame):
    return list(frame.columns)


def load_sample():
    """Load the bundled sample contact center (90 days, 60 agents, seed 7).

    The files are the output of ``generate()`` with default arguments, written by
    :func:`write_sample`. They are read once per session; every call returns fresh copies.

    Returns
    -------
    Dataset
        ``contacts``, ``agent_intervals`` and ``costs`` as pandas frames with the dtypes of
        :func:`generate` (datetimes at second resolution, nullable ``resolved``, ``csat`` and
        ``nps``).

    See Also
    --------
    generate : build a center with other sizes, seeds or dates.
    load_targets : the scorecard targets that come with the sample.

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
    """Load the balanced-scorecard targets that come with the sample.

    Returns
    -------
    pandas.DataFrame
        Columns ``kpi, target, tolerance, weight, area``: one row per KPI id of the catalog.
        ``target`` is in the KPI's unit; for a KPI whose direction is a band (occupancy,
        utilization) the band is ``target`` plus or minus ``tolerance``. Weights sum to 100.

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
