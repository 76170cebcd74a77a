"""Fixed parameters of the simulated contact center.

Indices used throughout the simulation: channel 0 phone, 1 chat, 2 email; queue 0 billing,
1 tech_support, 2 orders, 3 general; team as in :data:`TEAMS`; pool 0 is the blended phone and
chat pool, pool 1 the email pool. Times are seconds from midnight of the first day; a slot is
one 30-minute interval of a day.
"""

from dataclasses import dataclass

import numpy as np

DAY_S = 86_400
SLOT_S = 1_800
SLOTS = 48
CHANNELS = np.array(["phone", "chat", "email"])
QUEUES = np.array(["billing", "tech_support", "orders", "general"])
REASONS = np.array(
    [
        ["invoice_question", "payment_failed", "refund_request"],
        ["login_problem", "connection_issue", "device_setup"],
        ["order_status", "return_request", "delivery_problem"],
        ["account_change", "product_question", "complaint"],
    ]
)
REASON_SHARE = np.array([0.5, 0.3, 0.2])
TEAMS = np.array(["Billing", "Tech Support", "Orders", "General", "Chat", "Email"])
TEAM_CHANNEL = np.array([0, 0, 0, 0, 1, 2])
# Phone and chat share one blended pool of agents (pool 0); email has its own (pool 1).
CHANNEL_POOL = np.array([0, 0, 1])
TEAM_POOL = CHANNEL_POOL[TEAM_CHANNEL]
# The team that owns a contact, by channel (rows) and queue (columns).
HOME_TEAM = np.array([[0, 1, 2, 3], [4, 4, 4, 4], [5, 5, 5, 5]])
CHANNEL_SHARE = np.array([0.62, 0.27, 0.11])
QUEUE_SHARE = np.array(
    [[0.27, 0.33, 0.25, 0.15], [0.20, 0.25, 0.40, 0.15], [0.30, 0.20, 0.35, 0.15]]
)
TALK_S = np.array(
    [[280.0, 440.0, 220.0, 250.0], [330.0, 420.0, 280.0, 300.0], [230.0, 300.0, 200.0, 220.0]]
)
HOLD_PROBABILITY = np.array([0.30, 0.12, 0.0])
HOLD_S = np.array([75.0, 60.0, 0.0])
ACW_S = np.array([45.0, 35.0, 70.0])
TRANSFER_EXTRA_TALK_S = 60.0
WEEKDAY_FACTOR = np.array(
    [
        [1.25, 1.08, 1.00, 0.97, 0.93, 0.42, 0.30],
        [1.15, 1.05, 1.00, 1.00, 0.95, 0.60, 0.50],
        [1.20, 1.05, 1.00, 1.00, 0.95, 0.50, 0.45],
    ]
)
# Opening slots [open, close) on weekdays (row 0) and at weekends (row 1).
OPEN_SLOTS = np.array([[16, 36], [18, 36]])
# A full-time shift spans 17 slots: 16 paid and an unpaid lunch slot (shift position 7, 8 or 9),
# with a 15-minute break before lunch (position 2, 3 or 4) and one after (12, 13 or 14).
# A part-time shift is 8 paid slots with one break (position 3 or 4). PATTERNS holds the share
# of each slot the agent is scheduled to take contacts; SCHEDULED marks the slots of the shift.
SHIFT_LEN = 17
PART_TIME_SHARE = 0.2
PATTERNS = np.ones((29, SHIFT_LEN))
PATTERNS[np.arange(27), np.tile(np.repeat([2, 3, 4], 3), 3)] = 0.5
PATTERNS[np.arange(27), np.tile([12, 13, 14], 9)] = 0.5
PATTERNS[np.arange(27), np.repeat([7, 8, 9], 9)] = 0.0
PATTERNS[27:, 8:] = 0.0
PATTERNS[[27, 28], [3, 4]] = 0.5
SCHEDULED = np.ones((29, SHIFT_LEN), bool)
SCHEDULED[27:, 8:] = False
PART_TIME_PATTERN = np.arange(29) >= 27
PATIENCE_S = np.array([420.0, 600.0])
# Repeats and retries on top of first-time arrivals, by channel (as measured on the output).
EXTRA_LOAD = np.array([0.40, 0.36, 0.30])
PLAN_SERVICE_LEVEL = 0.82
PLAN_PRODUCTIVE = 0.86
EMAIL_PLAN_OCCUPANCY = 0.8
EMAIL_MAX_OCCUPANCY = 0.9
ABSENCE = 0.04
HOURLY_RATE = np.array([26.0, 21.0, 19.0])
PER_CONTACT_TECH = np.array([0.45, 0.25, 0.10])
MONTHLY_PLATFORM = np.array([3000.0, 1500.0, 800.0])
# Overall answer shares: CSAT top two boxes 82 %; NPS 45 % promoters, 18 % detractors (+27).
CSAT_SHARES = np.array([0.05, 0.04, 0.09, 0.29, 0.53])
NPS_SHARES = np.array([0.03, 0.01, 0.01, 0.02, 0.03, 0.04, 0.04, 0.15, 0.22, 0.19, 0.26])


@dataclass(frozen=True)
class SiteProfile:
    """One provider or site of the program: how it differs from the plan.

    ``share`` is its share of the headcount beyond one agent per team; ``speed`` multiplies its
    agents' handle times; ``quality`` shifts its agents' quality (resolution, transfers,
    surveys, QA); ``absence`` is the share of shifts missed, and ``bad_absence`` the share
    missed during the bad stretch, the days from ``bad_stretch[0]`` to ``bad_stretch[1]`` of the
    sample (fractions of its length); ``rate`` multiplies the hourly rate.
    """

    name: str
    share: float
    speed: float = 1.0
    quality: float = 0.0
    absence: float = ABSENCE
    bad_absence: float = ABSENCE
    bad_stretch: tuple = (0.0, 0.0)
    rate: float = 1.0


# North is the client's own center and works to plan. Harbor, an outsourcer, answers fast with
# weaker agents: shorter calls, lower resolution and satisfaction all quarter. Lakeside, another
# outsourcer, loses a third of its staff to absence for three weeks in the middle of the sample.
SITES = (
    SiteProfile("North", share=0.5),
    SiteProfile("Harbor", share=0.3, speed=0.92, quality=-0.6, rate=0.85),
    SiteProfile("Lakeside", share=0.2, bad_absence=0.30, bad_stretch=(0.39, 0.62), rate=0.8),
)
