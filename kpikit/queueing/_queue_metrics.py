"""Every queue figure for given staffing, as a tidy frame (Erlang C or Erlang A)."""

import numpy as np
import pandas as pd

from kpikit.queueing._erlang_a import _metrics
from kpikit.queueing._inputs import _common_inputs, _patience, one_length

_ERLANG_C_COLUMNS = ("p_wait", "service_level", "asa", "occupancy")
_ERLANG_A_COLUMNS = (
    "p_wait",
    "service_level",
    "service_level_answered",
    "asa",
    "asa_all_arrivals",
    "abandonment_rate",
    "occupancy",
)


@one_length
def queue_metrics(volume, aht_s, agents, interval_s=1800, *, threshold_s=None, patience_s=None):
    """Every queue figure for each combination of inputs, as a tidy frame.

    Erlang C when ``patience_s`` is None, Erlang A otherwise (see :func:`erlang_a`). Give an
    array of agent counts to draw a staffing curve.

    Parameters
    ----------
    volume, aht_s, agents, interval_s, threshold_s
        As in :func:`service_level`; they broadcast together (at most one dimension).
    patience_s : float or array-like, default=None
        Mean patience, seconds, at least 0.001 (Erlang A); None assumes callers never hang up
        (Erlang C).

    Returns
    -------
    pandas.DataFrame
        One row per element: ``volume, aht_s, agents, traffic, p_wait, service_level, asa,
        occupancy``; with patience also ``service_level_answered, asa_all_arrivals,
        abandonment_rate``. Units as in :mod:`kpikit.queueing`.

    Examples
    --------
    >>> curve = queue_metrics(100, 180, [12, 13, 14], threshold_s=None)
    >>> curve[["agents", "service_level"]].round(1).to_dict("list")
    {'agents': [12, 13, 14], 'service_level': [64.0, 79.6, 88.8]}
    """
    volume, aht_s, agents, interval_s, threshold_s = _common_inputs(
        volume, aht_s, agents, interval_s, threshold_s
    )
    patience = _patience(patience_s)
    shape = np.broadcast_shapes(
        volume.shape,
        aht_s.shape,
        agents.shape,
        interval_s.shape,
        threshold_s.shape,
        patience.shape,
    )
    if len(shape) > 1:
        raise ValueError(
            f"queue_metrics takes numbers or one-dimensional arrays, but the inputs broadcast "
            f"to shape {shape}"
        )
    figures = _metrics(volume, aht_s, agents, interval_s, threshold_s, patience)
    frame = pd.DataFrame(
        {
            "volume": np.broadcast_to(volume, shape).ravel(),
            "aht_s": np.broadcast_to(aht_s, shape).ravel(),
            "agents": np.broadcast_to(agents, shape).ravel().astype(np.int64),
            "traffic": np.broadcast_to(volume * aht_s / interval_s, shape).ravel(),
        }
    )
    columns = _ERLANG_C_COLUMNS if patience_s is None else _ERLANG_A_COLUMNS
    for column in columns:
        frame[column] = figures[column].ravel()
    return frame
