"""The simulated contact center behind :func:`kpikit.sample.generate`.

:func:`simulate` runs the steps in order; each module has one job:

* :mod:`~kpikit._synthetic.params`: fixed parameters of the center (teams, shares, handle
  times, opening hours, shift patterns, rates).
* :mod:`~kpikit._synthetic.staffing`: the workforce plan made before any contact arrives
  (expected load, team sizes, volume, shifts, roster).
* :mod:`~kpikit._synthetic.service`: what happens to the contacts (arrivals, queueing,
  routing, handling, repeats, surveys).
* :mod:`~kpikit._synthetic.tables`: the output frames (contacts, agent intervals, costs).

The model itself is described in the docstring of :mod:`kpikit.sample`.
"""

import numpy as np
import pandas as pd

from kpikit._synthetic.params import ABSENCE, EXTRA_LOAD, SITES, TEAMS
from kpikit._synthetic.service import (
    add_surveys,
    first_arrivals,
    queue_state,
    routing_rows,
    serve_generations,
)
from kpikit._synthetic.staffing import (
    arrival_shape,
    build_roster,
    expected_unit_load,
    fit_volume,
    logged_in_by_slot,
    part_timers,
    plan_shifts,
    team_sizes,
)
from kpikit._synthetic.tables import (
    COST_DTYPES,
    agent_intervals_frame,
    contacts_frame,
    costs_frame,
)
from kpikit.schema import Dataset

MIN_SITE_AGENTS = 15
"""Fewest agents a site starts with (two or three per team)."""


def simulate(first_day, *, days, agents, seed):
    """Simulate ``days`` days of a program of ``agents`` agents, starting at ``first_day``.

    The agents are split over the sites of :data:`~kpikit._synthetic.params.SITES` (as many
    as have at least one agent per team, see :func:`site_headcounts`); each site is a center
    of its own with its share of the demand, and the sites are merged into one dataset with a
    ``site`` column. The arguments are checked by :func:`kpikit.sample.generate`, which
    documents the result.
    """
    weekday = (first_day.day_of_week + np.arange(days)) % 7
    contacts, intervals, costs = [], [], []
    agent_offset = customer_offset = 0
    cuts, incident = None, "draw"
    for index, (profile, headcount) in enumerate(site_headcounts(agents)):
        # the first site draws from the plain seed, so a one-site center is what it always was;
        # the others share its incident day and survey scale
        rng = np.random.default_rng(seed if index == 0 else [seed, index])
        site = _simulate_site(first_day, weekday, headcount, profile, incident, cuts, rng)
        served, roster, agent_team, cuts, incident = site
        contacts.append(
            contacts_frame(
                served,
                first_day,
                site=profile.name,
                agent_offset=agent_offset,
                customer_offset=customer_offset,
            )
        )
        frame = agent_intervals_frame(
            roster, served, agent_team, first_day, site=profile.name, agent_offset=agent_offset
        )
        intervals.append(frame)
        costs.append(
            costs_frame(
                frame, served, first_day, days, rate=profile.rate, platform=headcount / agents
            )
        )
        agent_offset += headcount
        customer_offset += int(served["customer"].max(initial=-1)) + 1
    return Dataset(
        contacts=_merged_contacts(contacts),
        agent_intervals=pd.concat(intervals, ignore_index=True).sort_values(
            ["interval_start", "agent_id"], ignore_index=True
        ),
        costs=_merged_costs(costs),
    )


def site_headcounts(agents):
    """``(SiteProfile, headcount)`` pairs: as many sites as have :data:`MIN_SITE_AGENTS` agents
    (at most those of :data:`~kpikit._synthetic.params.SITES`), each with that minimum and its
    share of the other agents.

    >>> [(site.name, n) for site, n in site_headcounts(60)]   # 15 each, then 50/30/20 % of 15
    [('North', 23), ('Harbor', 19), ('Lakeside', 18)]
    >>> [(site.name, n) for site, n in site_headcounts(29)]
    [('North', 29)]
    """
    count = max(1, min(len(SITES), agents // MIN_SITE_AGENTS))
    sites = SITES[:count]
    shares = np.array([site.share for site in sites])
    floor = min(MIN_SITE_AGENTS, agents)
    exact = shares / shares.sum() * (agents - count * floor)
    size = floor + np.floor(exact).astype(int)
    leftover = agents - size.sum()
    size[np.argsort(np.floor(exact) - exact, kind="stable")[:leftover]] += 1
    return [(site, int(n)) for site, n in zip(sites, size, strict=True)]


def _simulate_site(first_day, weekday, agents, profile, incident, cuts, rng):
    """One site: plan, roster, contacts.

    Returns the contacts, the roster, the agents' teams, the survey cut points and the incident
    day.
    """
    days = len(weekday)
    shape = arrival_shape()
    unit_load = expected_unit_load(shape)
    team_size = team_sizes(unit_load, agents)
    agent_team = np.repeat(np.arange(len(TEAMS)), team_size)
    part_time = part_timers(team_size)
    volume = fit_volume(unit_load, 5 * (1 - ABSENCE) * np.where(part_time, 8, 16).sum())
    speed = np.exp(rng.normal(0.0, 0.17, agents))
    # faster agents take more contacts; a harmonic mean of 1 keeps the average contact at the
    # handle time the staffing plan assumes (then the site's own pace applies)
    speed /= agents / (1 / speed).sum()
    slowness = (np.log(speed) - np.log(speed).mean()) / np.log(speed).std()
    quality = 0.8 * slowness + 0.6 * rng.normal(size=agents) + profile.quality
    speed = speed * profile.speed
    works, shift_start, pattern = plan_shifts(unit_load * volume, agent_team, part_time, rng)
    absence = np.full(days, profile.absence)
    first, last = (round(fraction * days) for fraction in profile.bad_stretch)
    absence[first:last] = profile.bad_absence
    roster = build_roster(works, shift_start, pattern, weekday, absence, rng)

    arrivals, incident = first_arrivals(shape, volume, weekday, first_day, rng, incident=incident)
    logged_in = logged_in_by_slot(roster, agent_team, days)
    agent_rows = routing_rows(roster, agent_team, speed, days)
    agent_traits = (agent_team, speed, quality)
    # a pilot run tells where repeats and retries land; its arrivals load the final queue
    queue = queue_state(arrivals, logged_in, days, scale=1 + EXTRA_LOAD)
    pilot = serve_generations(arrivals, queue, agent_rows, agent_traits, weekday, days, rng)
    queue = queue_state(pilot, logged_in, days, scale=np.ones(3))
    contacts = serve_generations(arrivals, queue, agent_rows, agent_traits, weekday, days, rng)
    used = add_surveys(contacts, rng, cuts)
    if cuts is None and not all(len(points) for points in used.values()):
        used = None
    return contacts, roster, agent_team, cuts or used, incident


def _merged_contacts(frames):
    contacts = pd.concat(frames, ignore_index=True)
    contacts = contacts.sort_values("arrived_at", kind="stable", ignore_index=True)
    contacts["contact_id"] = np.arange(1, len(contacts) + 1)
    return contacts


def _merged_costs(frames):
    costs = pd.concat(frames, ignore_index=True)
    costs = costs.groupby(["period_start", "channel"], as_index=False, sort=False)["cost"].sum()
    costs["cost"] = costs["cost"].round(2)
    return costs.astype(COST_DTYPES)
