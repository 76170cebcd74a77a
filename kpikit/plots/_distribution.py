"""Distribution of a per-contact quantity by group (box or violin)."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    choice,
    column_label,
    new_figure,
    ordered_groups,
    pandas_frame,
    require_columns,
)
from kpikit.plots._template import KPIKIT_COLORWAY

__all__ = ["distribution"]


@shared_parameters
def distribution(
    frame, *, value: str, by: str | None = None, kind: str = "box", title=None, height=None
) -> go.Figure:
    """Box or violin plot of a column, one per group (for example handle time by team).

    Parameters
    ----------
    frame : DataFrame
        One row per observation (for example contacts with a handle-time column).
    value : str
        Numeric column to describe; missing values are left out, infinite ones refused.
    by : str, default=None
        Grouping column: one box (or violin) per group; rows without a group form the group
        "(none)". Box and violin plots both order the groups by value (numbers by size, times
        by date, categories as declared, text alphabetically), "(none)" last.
    kind : {"box", "violin"}, default="box"
        ``"box"`` sends only the summary (quartiles, 1.5 × IQR whiskers, mean), so the figure stays
        small on large logs; ``"violin"`` sends every observation to draw the density.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({"team": ["a"] * 5 + ["b"] * 3,
    ...                          "handle_s": [100, 200, 300, 400, 500, 250, 260, 270]})
    >>> fig = distribution(contacts, value="handle_s", by="team")
    >>> [float(median) for median in fig.data[0].median]   # a: 100..500 -> 300; b -> 260
    [300.0, 260.0]
    >>> late = contacts.assign(team=["b"] + ["a"] * 5 + [None] * 2)   # b first in the rows
    >>> list(distribution(late, value="handle_s", by="team").data[0].x)
    ['a', 'b', '(none)']
    >>> violin = distribution(late, value="handle_s", by="team", kind="violin")
    >>> list(dict.fromkeys(violin.data[0].x))
    ['a', 'b', '(none)']
    >>> by_hour = contacts.assign(hour=[9, 10, 10, 11, 9, 10, 11, 8])   # by size, not as text
    >>> list(distribution(by_hour, value="handle_s", by="hour").data[0].x)
    ['8', '9', '10', '11']
    """
    choice(kind, ("box", "violin"), "kind")
    rows = pandas_frame(frame, "frame")
    require_columns(rows, [value] + ([by] if by else []), "frame")
    if not pd.api.types.is_numeric_dtype(rows[value]) or pd.api.types.is_bool_dtype(rows[value]):
        raise TypeError(
            f"Value of 'frame' must have numbers in column {value!r} but received: "
            f"{rows[value].dtype}"
        )
    numbers = rows[value].astype("float64")
    infinite = rows.index[np.isinf(numbers.to_numpy())]
    if len(infinite):
        raise ValueError(
            f"Value of 'frame' must have finite numbers in column {value!r} but row(s) "
            f"{infinite[:5].tolist()} hold an infinite value"
        )
    rows = pd.DataFrame({value: numbers, "_group": _groups(rows, by)}, index=rows.index).dropna(
        subset=[value]
    )
    if rows.empty:
        raise ValueError(f"Value of 'frame' has no values to describe in column {value!r}")
    fig = new_figure(
        title
        or f"Distribution of {_in_sentence(column_label(value))}"
        + (f" by {_in_sentence(column_label(by))}" if by else ""),
        height=height,
        yaxis={"title": {"text": column_label(value)}},
        # a category axis: left to guess, plotly made groups 8, 9, 10 a number line and
        # dropped the group "(none)" from it
        xaxis={"title": {"text": column_label(by) if by else ""}, "type": "category"},
        showlegend=False,
    )
    if kind == "violin":
        # plotly places the groups in the order they come: sorted, as the boxes' summary is
        rows = rows.sort_values("_group", kind="stable")
        fig.add_trace(
            go.Violin(
                x=rows["_group"].astype(str) if by else None,
                y=rows[value],
                box={"visible": True},
                meanline={"visible": True},
                points=False,
                name=value,
                line={"color": KPIKIT_COLORWAY[0]},
            )
        )
        return fig
    summary = _box_summary(rows, value)
    fig.add_trace(
        go.Box(
            x=summary.index.astype(str),
            q1=summary["q1"],
            median=summary["median"],
            q3=summary["q3"],
            lowerfence=summary["low"],
            upperfence=summary["high"],
            mean=summary["mean"],
            name=value,
            marker={"color": KPIKIT_COLORWAY[0]},
        )
    )
    return fig


def _groups(rows: pd.DataFrame, by: str | None) -> pd.Series:
    """The group of each row (:func:`ordered_groups`; "all" without ``by``)."""
    if not by:
        return ordered_groups(pd.Series("all", index=rows.index))
    return ordered_groups(rows[by])


def _box_summary(rows: pd.DataFrame, value: str) -> pd.DataFrame:
    """Per group: quartiles, Tukey whiskers (the most extreme observations within 1.5 IQR of
    the quartiles) and mean, computed for all groups at once (a loop per group took seconds
    for thousands of agents)."""
    values = rows[value]
    by_group = values.groupby(rows["_group"], sort=True, observed=True)
    q1, q3 = (by_group.transform("quantile", share) for share in (0.25, 0.75))
    reach = 1.5 * (q3 - q1)
    inside = values.where((values >= q1 - reach) & (values <= q3 + reach))
    by_inside = inside.groupby(rows["_group"], sort=True, observed=True)
    return pd.DataFrame(
        {
            "q1": by_group.quantile(0.25),
            "median": by_group.median(),
            "q3": by_group.quantile(0.75),
            "low": by_inside.min(),
            "high": by_inside.max(),
            "mean": by_group.mean(),
        }
    )


def _in_sentence(label: str) -> str:
    """``label`` inside a sentence: its first letter lower case, unless it starts an acronym.

    >>> _in_sentence("Wait time (s)"), _in_sentence("QA score (points)")
    ('wait time (s)', 'QA score (points)')
    """
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]
