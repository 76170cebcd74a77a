"""Input checks shared by the queueing models: numbers and arrays in, errors that name the
argument and echo the bad value.
"""

import numpy as np


def _array(name, value, *, minimum=None, strict=False, integer=False, finite=True):
    """Return ``value`` as a float array, raising ValueError that names ``name`` when invalid."""
    array = np.asarray(value, dtype=float)
    bad = np.isnan(array)
    if finite:
        bad |= np.isinf(array)
    if minimum is not None:
        bad |= (array <= minimum) if strict else (array < minimum)
    if integer:
        bad |= np.isfinite(array) & (array != np.round(array))
    if bad.any():
        kind = "whole numbers" if integer else "numbers"
        bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum}"
        limit = "" if finite else " (inf allowed)"
        raise ValueError(
            f"Value of {name!r} must be {kind}{bound}{limit}, "
            f"but received: {float(array[bad].ravel()[0])!r}"
        )
    return array


def _threshold(threshold_s, channel="phone"):
    """``threshold_s``, or the channel's service-level threshold of ``kk.options`` when None."""
    if threshold_s is None:
        from kpikit.options import sl_threshold_for

        return sl_threshold_for(channel)
    return threshold_s


def _common_inputs(volume, aht_s, agents, interval_s, threshold_s, channel="phone"):
    threshold_s = _threshold(threshold_s, channel)
    volume = _array("volume", volume, minimum=0)
    aht_s = _array("aht_s", aht_s, minimum=0, strict=True)
    agents = _array("agents", agents, minimum=0, integer=True)
    interval_s = _array("interval_s", interval_s, minimum=0, strict=True)
    threshold_s = _array("threshold_s", threshold_s, minimum=0)
    return volume, aht_s, agents, interval_s, threshold_s


def _patience(patience_s):
    if patience_s is None:
        return np.asarray(np.inf)
    return _array("patience_s", patience_s, minimum=0, strict=True, finite=False)


def _scalar_result(array):
    return float(array) if np.ndim(array) == 0 else array
