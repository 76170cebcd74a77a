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

from kpikit._synthetic.params import ABSENCE, EXTRA_LOAD, TEAMS
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
from kpikit._synthetic.tables import agent_intervals_frame, contacts_frame, costs_frame
from kpikit.schema import Dataset


def simulate(first_day, *, days, agents, seed):
    """Simulate ``days`` days of a center of ``agents`` agents, starting at ``first_day``.

    The arguments are checked by :func:`kpikit.sample.generate`, which documents the result.
    """
    rng = np.random.default_rng(seed)
    weekday = (first_day.day_of_week + np.arange(days)) % 7

    shape = arrival_shape()
    unit_load = expected_unit_load(shape)
    team_size = team_sizes(unit_load, agents)
    agent_team = np.repeat(np.arange(len(TEAMS)), team_size)
    part_time = part_timers(team_size)
    volume = fit_volume(unit_load, 5 * (1 - ABSENCE) * np.where(part_time, 8, 16).sum())
    speed = np.exp(rng.normal(0.0, 0.17, agents))
    # faster agents take more contacts; a harmonic mean of 1 keeps the average contact at the
    # handle time the staffing plan assumes
    speed /= agents / (1 / speed).sum()
    slowness = (np.log(speed) - np.log(speed).mean()) / np.log(speed).std()
    quality = 0.8 * slowness + 0.6 * rng.normal(size=agents)
    works, shift_start, pattern = plan_shifts(unit_load * volume, agent_team, part_time, rng)
    roster = build_roster(works, shift_start, pattern, weekday, rng)

    arrivals = first_arrivals(shape, volume, weekday, first_day, rng)
    logged_in = logged_in_by_slot(roster, agent_team, days)
    agent_rows = routing_rows(roster, agent_team, speed, days)
    agent_traits = (agent_team, speed, quality)
    # a pilot run tells where repeats and retries land; its arrivals load the final queue
    queue = queue_state(arrivals, logged_in, days, scale=1 + EXTRA_LOAD)
    pilot = serve_generations(arrivals, queue, agent_rows, agent_traits, weekday, days, rng)
    queue = queue_state(pilot, logged_in, days, scale=np.ones(3))
    contacts = serve_generations(arrivals, queue, agent_rows, agent_traits, weekday, days, rng)
    add_surveys(contacts, rng)
    agent_intervals = agent_intervals_frame(roster, contacts, agent_team, first_day)
    return Dataset(
        contacts=contacts_frame(contacts, first_day),
        agent_intervals=agent_intervals,
        costs=costs_frame(agent_intervals, contacts, first_day, days),
    )
