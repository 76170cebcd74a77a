"""Projected CSAT and FCR from rules of thumb (:class:`~kpikit.whatif.Assumptions`)."""

import math

import numpy as np


def project(scenario, assumptions, asa, reference_asa_s):
    """``csat`` and ``fcr`` projected from the measured values, kept within 0..100.

    ``csat = measured - a (ASA - reference) / 30 + b fcr_change``; ``fcr = measured +
    fcr_change``; NaN without a measured value.

    >>> from types import SimpleNamespace
    >>> from kpikit.whatif import Assumptions
    >>> scenario = SimpleNamespace(csat=80.0, fcr=70.0, fcr_change=2.0)
    >>> project(scenario, Assumptions(), asa=60.0, reference_asa_s=30.0)  # 80 - 2.5 + 2
    {'csat': 79.5, 'fcr': 72.0}
    """
    csat = math.nan
    if scenario.csat is not None:
        csat = float(
            np.clip(
                scenario.csat
                - assumptions.csat_points_per_30s_wait * (asa - reference_asa_s) / 30
                + assumptions.csat_points_per_fcr_point * scenario.fcr_change,
                0.0,
                100.0,
            )
        )
    fcr = math.nan
    if scenario.fcr is not None:
        fcr = float(np.clip(scenario.fcr + scenario.fcr_change, 0.0, 100.0))
    return {"csat": csat, "fcr": fcr}
