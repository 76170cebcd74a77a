"""Chat with concurrency: each agent handles up to k chats at once, slower when busier."""

import numpy as np

from kpikit._validators import check_number
from kpikit.queueing._chain import solve
from kpikit.queueing._erlang_x import queue_result
from kpikit.queueing._inputs import _common_inputs, _patience, _seconds, one_length

MAX_CONCURRENCY = 100
"""Most chats an agent may have open at once in :func:`chat` (one handle time each)."""


def _handle_times(aht_s, concurrency):
    """Handle time of a chat with 1..k chats open, as an array of length k."""
    concurrency = check_number(
        "concurrency", concurrency, minimum=1, maximum=MAX_CONCURRENCY, integer=True
    )
    times = _seconds("aht_s", aht_s)
    if times.ndim == 0:
        return np.full(int(concurrency), float(times))
    if times.shape != (int(concurrency),):
        raise ValueError(
            f"Value of 'aht_s' must be one handle time or one per number of open chats "
            f"(1..{int(concurrency)}), but received {times.size} values"
        )
    return times


@one_length(besides=("aht_s",))  # one handle time per number of open chats, not per interval
def chat(volume, aht_s, agents, interval_s=1800, *, concurrency, patience_s=None, threshold_s=None):
    """Chat queue: agents handle up to ``concurrency`` chats at once.

    A chat takes ``aht_s[j - 1]`` seconds on average while its agent has ``j`` chats open (a
    busier agent types slower), so an agent with ``j`` chats finishes them at rate
    ``j / aht_s[j - 1]``. New chats go to the least busy agent, so ``x`` chats in service are
    spread as evenly as possible: ``r = x mod n`` agents have ``q + 1`` and the others ``q``
    (``q = x div n``), for a total rate::

        sigma(x) = r (q + 1) / aht_(q+1) + (n - r) q / aht_q,      x <= n k

    Beyond ``n k`` chats wait first come, first served, and hang up after an exponential
    patience. The birth-death chain on ``x`` is solved exactly
    (:mod:`kpikit.queueing._chain`); with ``concurrency=1`` this is Erlang A (or C).

    Parameters
    ----------
    volume : float or array-like
        Chats offered per interval.
    aht_s : float or sequence of float
        Handle time of one chat, seconds (at least 0.001): one value, or one per number of open
        chats (``aht_s[0]`` with one chat open, ..., ``aht_s[k - 1]`` with ``k``).
    agents : int or array-like
    interval_s : float or array-like, default=1800
        Length of the interval, seconds, at least 0.001.
    concurrency : int
        Most chats an agent has open at once (``k``).
    patience_s : float or array-like, default=None
        Mean patience of a waiting customer, seconds, at least 0.001; None: nobody leaves.
    threshold_s : float or array-like, default=None
        Answer-time threshold of the service level, seconds; None: the chat threshold of
        ``kk.options`` (:func:`kpikit.options.sl_threshold_for`, 30 s unless changed).

    Returns
    -------
    QueueResult
        As :func:`erlang_x` (no lines, no redials); ``occupancy`` is the percent of chat
        slots (``n k``) in use.

    Notes
    -----
    Keeping the load balanced is the model's assumption: an agent who finishes a chat while
    others have more open is not handed one of theirs, so the exact agent-by-agent system
    differs a little when chats end unevenly. With one agent it is exact.

    Examples
    --------
    >>> result = chat(60, [300, 360, 450], 4, concurrency=3, patience_s=120)  # within 30 s
    >>> round(result.service_level, 1), round(result.occupancy, 1)
    (53.9, 90.3)
    """
    handle = _handle_times(aht_s, concurrency)
    volume, _, agents, interval_s, threshold_s = _common_inputs(
        volume, handle[0], agents, interval_s, threshold_s, channel="chat"
    )
    patience = _patience(patience_s)
    shape = np.broadcast_shapes(
        volume.shape, agents.shape, interval_s.shape, threshold_s.shape, patience.shape
    )
    volume, agents, interval_s, threshold_s, patience = (
        np.broadcast_to(value, shape).ravel().astype(float)
        for value in (volume, agents, interval_s, threshold_s, patience)
    )
    k = handle.size
    per_agent = np.concatenate([[0.0], np.arange(1, k + 1) / handle])  # rate with j open
    servers = agents.astype(np.int64) * k
    count = agents.astype(np.int64)

    def service(rows, x):
        n = count[rows][:, None]
        spread = np.minimum(x, n * k)
        whole, extra = np.divmod(spread, np.maximum(n, 1))
        upper = per_agent[np.minimum(whole + 1, k)]
        return np.where(n > 0, extra * upper + (n - extra) * per_agent[whole], 0.0)

    figures = solve(
        volume / interval_s,
        np.zeros_like(servers),
        servers,
        np.full(volume.shape, np.inf),
        1.0 / patience,
        threshold_s,
        service,
    )
    return queue_result(
        figures, volume / interval_s, volume / interval_s, 0.0, servers, interval_s, shape
    )
