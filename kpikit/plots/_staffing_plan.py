"""A day's staffing plan: agents required against agents staffed, and the service reached.

The numbers come from :func:`kpikit.whatif.staffing_plan`; this builder only draws them.
"""

import numpy as np
import plotly.graph_objects as go

from kpikit._validators import check_number
from kpikit.display import RAG_TEXT_COLORS
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    clock_changes,
    decimals_apart,
    level_text,
    number_column,
    pandas_frame,
    require_columns,
    require_datetimes,
    require_one_row_per_period,
    require_periods,
    rounded_as_shown,
    short_of,
)
from kpikit.plots._template import KPIKIT_COLORWAY, RAG_COLORS, RAG_MARKS, TEMPLATE_NAME

__all__ = ["staffing_plan"]

_COLUMNS = ("period", "volume", "required", "staffed", "gap", "service_level")
_HOVER = "%{y:.1f}"
_BOUNDS = {
    "volume": (0, None),
    "required": (0, None),
    "staffed": (0, None),
    "gap": (None, None),
    "service_level": (0, 100),
}
"""The values each column of a plan can take (``gap``, staffed less required, may be below
0): a value outside is drawn under the axis, which starts at 0, or past the service level's,
which stops at 105."""


@shared_parameters
def staffing_plan(plan, *, target_sl=80.0, title=None, height=None):
    """Agents required (line) against staffed (bars) per interval, the shortfall marked, and
    the service level the roster reaches (bars under it, against the target;
    the intervals that miss it marked ✘).

    The line is what the shortfall is measured against, ``staffed - gap``: for a plan of
    :func:`kpikit.whatif.staffing_plan`, the agents that reach the targets (fractional, 5.9
    where 6 whole agents are required; its hover gives both). So a bar below the line is
    marked short (by more than float noise, 1e-9, as :func:`kpikit.whatif.plan_totals`
    counts it), and a short mark reaches the line; the hovers give the decimals that keep a
    shortfall apart from none (0.04 agents, not 0.0).

    Intervals with neither contacts nor agents at the start and end of the day are left out.

    Parameters
    ----------
    plan : DataFrame
        One row per interval of one day: ``period, volume, required, staffed, gap, service_level``
        as :func:`kpikit.whatif.staffing_plan` gives (``gap = staffed - fractional_required``: a
        short bar reaches the agents that meet the targets). The intervals are labelled by time of
        day, so a plan over several days is refused; on the night the clocks go back, the repeated
        times carry their UTC offset (``01:00-04:00``, ``01:00-05:00``). Refused: periods that are
        not datetimes, a row without a period, two rows for one period, text, infinity, a count
        below 0 and a service level outside 0-100.
    target_sl : float, default=80.0
        Service-level target, percent (a dashed line; intervals below it are marked ✘).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> plan = pd.DataFrame({"period": pd.to_datetime(["2024-03-04 08:30", "2024-03-04 09:00",
    ...     "2024-03-04 09:30"]), "volume": [0.0, 100.0, 100.0], "required": [0, 14, 14],
    ...     "staffed": [0.0, 12.0, 16.0], "gap": [0.0, -2.0, 2.0],
    ...     "service_level": [None, 64.0, 95.0]})
    >>> fig = staffing_plan(plan)
    >>> [trace.name for trace in fig.data]
    ['staffed', 'short', 'required', 'service level with the roster']
    >>> list(fig.data[1].y), list(fig.data[3].text)  # 2 short at 09:00; 64 % misses 80 %
    ([2.0, nan], ['✘', ''])
    >>> list(fig.data[2].y)  # the line the shortfall is measured against: 12 + 2, 16 - 2
    [14.0, 14.0]
    """
    frame = pandas_frame(plan, "plan")
    require_columns(frame, list(_COLUMNS), "plan")
    require_periods(frame, "plan")
    require_datetimes(frame, "plan")
    require_one_row_per_period(frame, "plan", "two bars of one interval would overlap")
    frame = frame.assign(
        **{
            column: number_column(frame, column, minimum=low, maximum=high, argument="plan")
            for column, (low, high) in _BOUNDS.items()
        }
    )
    target_sl = check_number("target_sl", target_sl, minimum=0, maximum=100)
    frame = frame.sort_values("period").reset_index(drop=True)
    days = frame["period"].dt.normalize().unique()
    if len(days) > 1:
        raise ValueError(
            f"Value of 'plan' must cover one day (its intervals are labelled by time of day) "
            f"but its 'period' column spans {len(days)} days, {days[0]:%Y-%m-%d} to "
            f"{days[-1]:%Y-%m-%d}: filter it to one day."
        )
    active = np.flatnonzero((frame["volume"] > 0).to_numpy() | (frame["staffed"] > 0).to_numpy())
    if active.size:
        frame = frame.iloc[active[0] : active[-1] + 1]
    times, clock_notes = clock_changes(frame["period"])  # 02:00 twice when clocks go back
    labels = frame["period"].dt.strftime("%H:%M").where(times == "", times.str[11:]).tolist()
    # below the line by more than float noise, as plan_totals counts a short interval
    short = (-frame["gap"]).where(short_of(frame["gap"], 0.0))
    reaching = frame["staffed"] - frame["gap"]  # the line a short bar reaches
    level = frame["service_level"]
    missed = short_of(level, target_sl)
    status = np.where(level.isna(), "no data", np.where(missed, "red", "green"))
    day = f"{frame['period'].iloc[0]:%a %d %b %Y}" if len(frame) else ""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels,
            y=frame["staffed"],
            name="staffed",
            marker={"color": KPIKIT_COLORWAY[1]},
            hovertemplate=_HOVER,
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=short.tolist(),
            base=frame["staffed"].where(short.notna()).tolist(),
            name="short",
            marker={"color": RAG_COLORS["red"], "pattern": {"shape": "/"}},
            # 0.04 agents short read "0.0 agents fewer": the decimals that keep it from none
            customdata=[_apart(value, 0.0) for value in short],
            hovertemplate="%{customdata} agents fewer than reach the targets",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=reaching.tolist(),
            name="required",
            mode="lines",
            line={"color": KPIKIT_COLORWAY[3], "width": 2, "shape": "hvh"},
            customdata=[f"{whole:g}" for whole in frame["required"]],
            # 13.04 agents read "13.0 (14 in whole agents)": the decimals that keep it apart
            text=[_apart(value, np.floor(value)) for value in reaching],
            hovertemplate="%{text} agents reach the targets (%{customdata} in whole agents)",
        )
    )
    fig.add_trace(
        go.Bar(
            x=labels,
            y=level,
            name="service level with the roster",
            marker={"color": [RAG_COLORS[state] for state in status]},
            text=[RAG_MARKS["red"] if state == "red" else "" for state in status],
            textposition="outside",
            textfont={"color": RAG_TEXT_COLORS["red"], "size": 11},
            cliponaxis=False,
            customdata=[
                ""
                if state == "no data"
                else f"{level_text(value, target_sl, 1)} % {RAG_MARKS[state]}"
                for value, state in zip(level, status, strict=True)
            ],
            hovertemplate="%{customdata}",
            xaxis="x2",
            yaxis="y2",
            showlegend=False,
        )
    )
    fig.update_layout(
        template=TEMPLATE_NAME,
        title={"text": title or f"Agents on the phones: required vs staffed, {day}"},
        barmode="overlay",
        bargap=0.15,
        hovermode="x unified",
        height=height,
        xaxis={"type": "category", "anchor": "y", "showticklabels": False, "matches": "x2"},
        yaxis={"title": {"text": "Agents"}, "rangemode": "tozero", "domain": [0.38, 1.0]},
        xaxis2={
            "type": "category",
            "anchor": "y2",
            "title": {"text": " · ".join(["Interval", *clock_notes])},
        },
        yaxis2={
            "title": {"text": "Service level (%)"},
            "range": [0, 105],
            "domain": [0.0, 0.3],
        },
        shapes=[
            {
                "type": "line",
                "xref": "x2 domain",
                "yref": "y2",
                "x0": 0,
                "x1": 1,
                "y0": target_sl,
                "y1": target_sl,
                "line": {"color": "#555555", "dash": "dash", "width": 1},
            }
        ],
    )
    return fig


def _apart(value: float, edge: float) -> str:
    """``value`` to one decimal, or the more it takes not to read as ``edge``
    (:func:`kpikit.display.decimals_apart`): 0.04 agents short are "0.04", not "0.0".

    >>> _apart(0.04, 0.0), _apart(2.0, 0.0), _apart(13.04, 13.0)
    ('0.04', '2.0', '13.04')
    >>> _apart(float("nan"), float("nan"))  # no value: no text
    ''
    """
    if np.isnan(value):
        return ""
    decimals = decimals_apart(value, edge, 1)
    return f"{rounded_as_shown(value, decimals):.{decimals}f}"
