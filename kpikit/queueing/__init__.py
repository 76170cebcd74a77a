"""Queueing models for staffing: Erlang B, C, A and X, chat, blending, and a staffing solver.

Every function is vectorised: arguments are numbers or arrays that broadcast together (one
element per interval, per agent count, ...), and scalar inputs give a Python float back.
Erlang B comes from its recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, never from factorials,
so thousands of agents stay exact and finite. The recursion takes a step per agent, so the
models take up to 100,000 agents and 100,000 Erlangs of offered load (``volume * aht_s /
interval_s``) and refuse more with the figures that gave it, most often a day's volume given
for one interval. The times they divide by (handle time, patience, interval length) are at least
a millisecond, 0.001 s: a tinier one is no contact's, and its rate would overflow a float.

Units follow the rest of kpikit: times in seconds; service level, occupancy and abandonment
rate in percent (0..100, as in :func:`kpikit.compute`); probabilities of an event
(:func:`erlang_b`, :func:`erlang_c`, ``p_wait``, ``p_abandon``) on 0..1.

The private modules behind this namespace, one job each:

- ``_inputs``: input checks shared by the models.
- ``_erlang``: Erlang B and C (traffic, blocking, waiting, service level, ASA, occupancy).
- ``_erlang_a``: Erlang A and its quadrature; every figure for any patience.
- ``_chain``: birth-death queues solved exactly in log space (the engine of the next three).
- ``_erlang_x``: Erlang X (finite lines, redials as a fixed point) and :class:`QueueResult`.
- ``_chat``: chat with concurrency (handle time depending on the chats open).
- ``_blending``: inbound first, outbound work when more than a few agents are idle.
- ``_queue_metrics``: the figures for given staffing as a tidy frame.
- ``_plan``: forecast frames in, fractional agents, service for a given roster.
- ``_search``: the vectorised search for the smallest agent count meeting the targets.
- ``_staffing``: :func:`agents_required` and :func:`scheduled_agents` (shrinkage).

>>> from kpikit import queueing
>>> round(queueing.service_level(100, 180, 14, threshold_s=20), 1)  # 100 calls per 30 min
88.8
>>> queueing.agents_required(100, 180, target_sl=80, threshold_s=20)["raw_agents"].tolist()
[14]
"""

from kpikit.queueing._blending import BlendingResult, blending
from kpikit.queueing._chat import chat
from kpikit.queueing._erlang import asa, erlang_b, erlang_c, occupancy, service_level, traffic
from kpikit.queueing._erlang_a import ErlangAResult, erlang_a
from kpikit.queueing._erlang_x import QueueResult, erlang_x
from kpikit.queueing._plan import service_for_roster
from kpikit.queueing._queue_metrics import queue_metrics
from kpikit.queueing._staffing import SL_DENOMINATORS as SL_DENOMINATORS
from kpikit.queueing._staffing import agents_required, scheduled_agents

__all__ = [
    "BlendingResult",
    "ErlangAResult",
    "QueueResult",
    "agents_required",
    "asa",
    "blending",
    "chat",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_x",
    "occupancy",
    "queue_metrics",
    "scheduled_agents",
    "service_for_roster",
    "service_level",
    "traffic",
]
