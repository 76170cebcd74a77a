"""Call blending: inbound first, outbound work when more than a few agents are idle."""

from dataclasses import dataclass

import numpy as np

from kpikit.queueing._chain import solve
from kpikit.queueing._erlang_x import QueueResult, queue_result
from kpikit.queueing._inputs import _array, _common_inputs, _patience, _scalar_result, one_length


@dataclass(frozen=True)
class BlendingResult:
    """Inbound figures (:class:`QueueResult`) and the outbound work done.

    Attributes
    ----------
    inbound : QueueResult
    outbound : float or ndarray
        Outbound contacts handled per interval.
    """

    inbound: QueueResult
    outbound: object


@one_length
def blending(
    volume, aht_s, agents, interval_s=1800, *, reserved_agents, patience_s=None, threshold_s=None
):
    """Inbound service and outbound throughput when agents blend both.

    Inbound contacts have priority. An agent who becomes free takes a waiting inbound
    contact; with none waiting, it starts an outbound contact (of which there is always a
    supply) whenever more than ``t = reserved_agents`` agents would otherwise be idle. With
    one handle time for both kinds of work, the number of busy agents plus waiting contacts,
    ``x``, is a birth-death chain on ``n - t, n - t + 1, ...``: an inbound arrival adds one, a
    completion removes one (at ``x = n - t`` it is replaced at once by an outbound contact), a
    waiting contact hanging up removes one. Outbound contacts start at rate
    ``(n - t) mu P(x = n - t)``.

    Parameters
    ----------
    volume : float or array-like
        Inbound contacts offered per interval.
    aht_s : float or array-like
        Handle time of inbound and outbound contacts alike, seconds, at least 0.001.
    agents : int or array-like
    interval_s : float or array-like, default=1800
        Length of the interval, seconds, at least 0.001.
    reserved_agents : int or array-like
        Idle agents kept for inbound work (``t``, 0..agents): more idle than this and one
        picks up outbound work.
    patience_s : float or array-like, default=None
        Mean patience of inbound callers, seconds, at least 0.001; None: nobody hangs up.
    threshold_s : float or array-like, default=None
        Answer-time threshold ``T`` of the service level, seconds; None: the phone threshold
        of ``kk.options`` (:func:`kpikit.options.sl_threshold_for`, 20 s unless changed).

    Returns
    -------
    BlendingResult
        ``inbound`` figures (occupancy counts outbound work too) and ``outbound`` contacts
        per interval.

    Notes
    -----
    The reduction to one dimension needs inbound and outbound handle times to be equal
    (Bhulai and Koole's setting); with different ones, read the figures as a guide.

    References
    ----------
    S. Bhulai and G. Koole, "A queueing model for call blending in call centers", IEEE
    Transactions on Automatic Control 48 (2003).

    Examples
    --------
    >>> result = blending(100, 180, 14, reserved_agents=2)
    >>> round(result.inbound.service_level, 1), round(result.outbound, 1)
    (66.6, 32.5)
    """
    volume, aht_s, agents, interval_s, threshold_s = _common_inputs(
        volume, aht_s, agents, interval_s, threshold_s
    )
    reserved = _array("reserved_agents", reserved_agents, minimum=0, integer=True)
    patience = _patience(patience_s)
    shape = np.broadcast_shapes(
        volume.shape,
        aht_s.shape,
        agents.shape,
        interval_s.shape,
        threshold_s.shape,
        patience.shape,
        reserved.shape,
    )
    volume, aht_s, agents, interval_s, threshold_s, patience, reserved = (
        np.broadcast_to(value, shape).ravel().astype(float)
        for value in (volume, aht_s, agents, interval_s, threshold_s, patience, reserved)
    )
    if (reserved > agents).any():
        raise ValueError(
            f"Value of 'reserved_agents' cannot exceed the agents, but received "
            f"{reserved[reserved > agents][0]:g} for {agents[reserved > agents][0]:g} agents"
        )
    servers = agents.astype(np.int64)
    lowest = (agents - reserved).astype(np.int64)
    rate = 1.0 / aht_s

    def service(rows, x):
        return np.minimum(x, servers[rows][:, None]) * rate[rows][:, None]

    figures = solve(
        volume / interval_s,
        lowest,
        servers,
        np.full(volume.shape, np.inf),
        1.0 / patience,
        threshold_s,
        service,
    )
    inbound = queue_result(
        figures, volume / interval_s, volume / interval_s, 0.0, agents, interval_s, shape
    )
    starts = np.where(figures["unstable"], 0.0, lowest * rate * figures["p_lowest"])
    return BlendingResult(
        inbound=inbound, outbound=_scalar_result((starts * interval_s).reshape(shape))
    )
