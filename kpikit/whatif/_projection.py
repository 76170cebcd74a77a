"""Projected CSAT and FCR from rules of thumb (:class:`~kpikit.whatif.Assumptions`)."""

import math

import numpy as np


def project(scenario, assumptions, asa, reference_asa_s):
    """``csat`` and ``fcr`` projected from the measured values, kept within 0..100, with a
    note (``csat_kept``, ``fcr_kept``) saying what the rule gave when it left that range.

    ``csat = measured - a (ASA - reference) / 30 + b fcr_change``; ``fcr = measured +
    fcr_change``; NaN without a measured value, and CSAT NaN without a finite reference (an
    infinite one gave +inf, kept at 100) or a finite ASA to project to (an overloaded queue's
    gave -inf, kept at 0: a projection of 0 % that no rule of thumb reaches).

    >>> from types import SimpleNamespace
    >>> from kpikit.whatif import Assumptions
    >>> scenario = SimpleNamespace(csat=80.0, fcr=70.0, fcr_change=2.0)
    >>> project(scenario, Assumptions(), asa=60.0, reference_asa_s=30.0)  # 80 - 2.5 + 2
    {'csat': 79.5, 'fcr': 72.0, 'csat_kept': '', 'fcr_kept': ''}
    >>> project(SimpleNamespace(csat=None, fcr=70.0, fcr_change=50.0), Assumptions(), 60.0, 30.0)
    {'csat': nan, 'fcr': 100.0, 'csat_kept': '', 'fcr_kept': '; the rule gives 120, kept at 100'}
    >>> project(scenario, Assumptions(), asa=math.inf, reference_asa_s=30.0)["csat"]  # overloaded
    nan
    """
    projected = {"csat": math.nan, "fcr": math.nan}
    if scenario.csat is not None and math.isfinite(reference_asa_s) and math.isfinite(asa):
        projected["csat"] = (
            scenario.csat
            - assumptions.csat_points_per_30s_wait * (asa - reference_asa_s) / 30
            + assumptions.csat_points_per_fcr_point * scenario.fcr_change
        )
    if scenario.fcr is not None:
        projected["fcr"] = scenario.fcr + scenario.fcr_change
    notes = {}
    for metric, value in list(projected.items()):
        kept = float(np.clip(value, 0.0, 100.0))
        # a percent beyond 0..100 is kept at the bound, and the note says so (not silently)
        notes[f"{metric}_kept"] = (
            ""
            if kept == value or math.isnan(value)
            else (f"; the rule gives {value:.4g}, kept at {kept:g}")
        )
        projected[metric] = kept
    return projected | notes
