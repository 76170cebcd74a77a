"""Sums too large for a float: refused, with the columns and groups that made them.

The checks refuse infinite values row by row, but finite ones can still add up past the
largest float (about 1.8e308): a ``talk_s`` of 1e308 on two answered contacts makes the AHT of
their group infinite, and one of 1e200 makes its square, which the mean's confidence interval
reads, infinite, so the interval would be null with no word why. Such values are not seconds,
scores or costs, so :func:`kpikit.compute` raises a :class:`~kpikit.schema.SchemaError` naming
the columns, the KPI and the groups rather than give ``inf`` or a missing interval.

This looks at the sums held in memory (every engine but a lazy polars frame, whose result is a
query the caller runs: its figure is then ``inf``, as the sums are).
"""

import numpy as np

from kpikit.catalog import kpi
from kpikit.metrics._components import PREFIX
from kpikit.schema import SchemaError

SHOWN_GROUPS = 3
"""Groups named in the error; the others are counted."""


def refuse_overflow(plans, columns, groups: int, group_rows) -> None:
    """Raise a SchemaError when a KPI's amount sums (or the sums of their squares) are infinite.

    ``columns``: each prefixed sum as (values, null mask), one value per each of the
    ``groups``; ``group_rows``: a callable giving the key values of the groups at some
    positions, as dicts.

    >>> import numpy as np
    >>> from kpikit.catalog import Term
    >>> from kpikit.metrics._engine import Plan
    >>> aht = Plan("aht", "contacts", (Term(1, "talk_s"),), (Term(1, "answered"),), 1.0, "mean",
    ...     (0.0, float("inf")))
    >>> sums = {"_kk_talk_s": (np.array([2e308, 5.0]), np.array([False, False]))}
    >>> refuse_overflow([aht], sums, 2, lambda rows: [{"queue": "billing"}])
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: contacts.talk_s: the sums of Average handle time pass the largest \
float (1.8e+308) in 1 group (queue=billing): no real value is that large
    >>> refuse_overflow([aht], {"_kk_talk_s": (np.array([5.0]), np.array([False]))}, 1, None)
    """
    for kpi_plan in plans:
        amounts = [term.component for term in kpi_plan.numerator]
        names = [PREFIX + name for name in amounts]
        if kpi_plan.fused:
            names += [PREFIX + kpi_plan.fused, PREFIX + kpi_plan.fused + "_sq"]
        infinite = np.zeros(groups, dtype=bool)
        for name in (n for n in names if n in columns):
            values, nulls = columns[name]
            infinite |= np.isinf(values) & ~nulls
        if infinite.any():
            raise SchemaError(_message(kpi_plan, amounts, np.flatnonzero(infinite), group_rows))


def _message(kpi_plan, amounts, positions, group_rows) -> str:
    count = len(positions)
    named = "; ".join(
        ", ".join(f"{key}={value}" for key, value in row.items()) or "all contacts"
        for row in group_rows(positions[:SHOWN_GROUPS])
    )
    more = f" and {count - SHOWN_GROUPS} more" if count > SHOWN_GROUPS else ""
    return (
        f"{kpi_plan.table}.{', '.join(amounts)}: the sums of {kpi(kpi_plan.kpi_id).name} pass "
        f"the largest float ({np.finfo(np.float64).max:.1e}) in {count} "
        f"group{'s' if count != 1 else ''} ({named}{more}): "
        "no real value is that large"
    )
