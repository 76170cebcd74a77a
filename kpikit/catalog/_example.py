"""A tiny worked example: ten contacts, four agent intervals and two costs, every KPI by hand.

The single-KPI helpers show their value on it in their docstrings (the ``example`` of each KPI
in ``kpis.toml``), and the test suite works out the same numbers by hand.
"""

import io

import pandas as pd

from kpikit.schema import Dataset

_CONTACTS = """\
contact_id,arrived_at,answered,wait_s,channel,agent_id,customer_id,reason,talk_s,hold_s,acw_s,transferred,resolved,csat,nps,qa_score
1,2026-03-02 09:00,True,10,phone,A1,c1,billing,200,20,30,False,True,5,10,90
2,2026-03-02 09:05,True,25,phone,A1,c2,billing,300,0,60,True,False,3,6,
3,2026-03-02 09:10,False,40,phone,,c3,orders,0,0,0,False,,,,
4,2026-03-02 09:20,False,3,phone,,c4,orders,0,0,0,False,,,,
5,2026-03-02 10:00,True,5,chat,A2,c1,billing,100,0,20,False,True,4,9,80
6,2026-03-03 11:00,True,15,chat,A2,c5,orders,400,50,50,False,,2,0,
7,2026-03-03 12:00,True,20,phone,A1,c6,orders,250,10,40,False,True,,8,70
8,2026-03-05 12:00,True,60,phone,A2,c6,orders,150,0,30,False,True,4,,
9,2026-03-05 13:00,True,8,chat,A1,,orders,120,0,0,False,True,5,10,
10,2026-03-06 09:00,True,12,phone,A1,c7,billing,180,0,20,False,True,,,
"""


def example_dataset() -> Dataset:
    """Ten contacts (2-6 March 2026), four agent intervals and two monthly costs.

    Worth knowing: #2 is transferred; #3 and #4 abandon (#4 after 3 s); #5 repeats #1 (same
    customer and reason, an hour later, by chat); #8 repeats #7 exactly 48 h later; #9 has no
    customer; #10 arrives last, so its 48 h window reaches past the end of the log. Agent A2's
    second interval is all zeros.

    Returns
    -------
    Dataset
        pandas frames with nullable ``resolved`` (boolean), ``csat`` and ``nps`` (Int64).

    Examples
    --------
    >>> data = example_dataset()
    >>> len(data.contacts), len(data.agent_intervals), len(data.costs)
    (10, 4, 2)
    """
    contacts = pd.read_csv(
        io.StringIO(_CONTACTS),
        parse_dates=["arrived_at"],
        dtype={
            "agent_id": "str",
            "customer_id": "str",
            "wait_s": "float64",
            "talk_s": "float64",
            "hold_s": "float64",
            "acw_s": "float64",
            "resolved": "boolean",
            "csat": "Int64",
            "nps": "Int64",
            "qa_score": "float64",
        },
    )
    intervals = pd.DataFrame(
        {
            "agent_id": ["A1", "A1", "A2", "A2"],
            "interval_start": pd.to_datetime(
                ["2026-03-02 09:00", "2026-03-03 09:00", "2026-03-02 09:00", "2026-03-03 09:00"]
            ),
            "scheduled_s": [1800.0, 1800.0, 1800.0, 0.0],
            "paid_s": [1800.0, 1800.0, 1800.0, 0.0],
            "handling_s": [1200.0, 600.0, 900.0, 0.0],
            "available_s": [400.0, 1000.0, 600.0, 0.0],
            "adherent_s": [1700.0, 1800.0, 1500.0, 0.0],
        }
    )
    costs = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-03-01", "2026-03-01"]),
            "channel": ["phone", "chat"],
            "cost": [40.0, 15.0],
        }
    )
    return Dataset(contacts=contacts, agent_intervals=intervals, costs=costs)
