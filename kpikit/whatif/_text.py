"""The summary table of an evaluation: one row per figure, with its unit, basis and note."""

import math

import pandas as pd

SUMMARY_COLUMNS = ["metric", "value", "unit", "basis", "note"]


def summary_table(figures, scenario, assumptions, reference_asa_s):
    """``metric, value, unit, basis, note`` from the rolled-up ``figures``.

    ``basis`` says where a figure comes from: ``input``, the queueing model, ``cost model`` or
    ``assumption`` (projections).
    """
    model = "Erlang C" if scenario.patience_s is None else "Erlang A"
    knee = (
        f"; ASA above {assumptions.wait_knee_s:g} s, where satisfaction drops faster than "
        "this linear rule"
        if figures["asa"] > assumptions.wait_knee_s
        else ""
    )
    csat_note = (
        "no measured csat to project from"
        if scenario.csat is None
        else f"measured {scenario.csat:.1f}, but no ASA to start from (no contact answered, or "
        "an overloaded queue)"
        if not math.isfinite(reference_asa_s)
        else f"measured {scenario.csat:.1f} at ASA {reference_asa_s:.0f} s, but no ASA to project "
        "to (no contact answered here)"
        if math.isnan(figures["asa"])
        else f"measured {scenario.csat:.1f} at ASA {reference_asa_s:.0f} s, but no ASA to project "
        "to (the queue is overloaded: ASA is infinite)"
        if math.isinf(figures["asa"])
        else f"measured {scenario.csat:.1f} at ASA {reference_asa_s:.0f} s; "
        f"{assumptions.csat_points_per_30s_wait:g} points per 30 s of wait, "
        f"{assumptions.csat_points_per_fcr_point:g} per FCR point{knee}{figures['csat_kept']}"
    )
    fcr_note = (
        "no measured fcr to project from"
        if scenario.fcr is None
        else f"measured {scenario.fcr:.1f}, {scenario.fcr_change:+g} points assumed"
        f"{figures['fcr_kept']}"
    )
    overloaded = (
        f"; {figures['overloaded']} of {scenario.volume.size} intervals overloaded (traffic >= "
        "agents): the queue grows, ASA is infinite, their agents count as busy all the time"
        if figures["overloaded"]
        else ""
    )
    rows = [
        ("contacts", "contacts", "input", "offered"),
        ("aht", "seconds", "input", ""),
        ("agents", "agents", model, "most agents on the phones in one interval"),
        (
            "scheduled_agents",
            "agents",
            model,
            f"agents / (1 - shrinkage {scenario.shrinkage:g})",
        ),
        ("agent_hours", "hours", model, "paid (scheduled) hours"),
        (
            "service_level",
            "percent",
            model,
            f"answered within {scenario.threshold_s:g} s / offered",
        ),
        ("asa", "seconds", model, "average wait of answered contacts"),
        (
            "abandonment_rate",
            "percent",
            model,
            "" if scenario.patience_s is not None else "not modelled: give patience_s",
        ),
        ("occupancy", "percent", model, f"handling time / time on the phones{overloaded}"),
        ("cost", "currency", "cost model", "agent hours * cost per agent hour"),
        ("cost_per_contact", "currency", "cost model", "cost / answered contacts"),
        ("csat", "percent", "assumption", csat_note),
        ("fcr", "percent", "assumption", fcr_note),
    ]
    return pd.DataFrame(
        [(metric, figures[metric], unit, basis, note) for metric, unit, basis, note in rows],
        columns=SUMMARY_COLUMNS,
    )
