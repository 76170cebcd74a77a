"""The intraday monitor's figures: today's intervals against the forecast, as the day goes.

Both builders take the ``intervals`` table of a :class:`kpikit.monitor.MonitorView` (one row
per interval: ``period`` and the figures) and the moment the figures describe (``now``, drawn
as a vertical line). The x axis names the intervals by their start (09:00 covers
09:00-09:30), one place each, in time order; an interval missing from the data keeps its
place, empty.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit._frames import pandas_frame
from kpikit._validators import check_number, check_timestamp
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    axis_title,
    clock_changes,
    level_text,
    new_figure,
    number_column,
    require_columns,
    require_datetimes,
    require_one_row_per_period,
    require_periods,
    short_of,
)
from kpikit.plots._template import KPIKIT_COLORWAY, RAG_COLORS, RAG_MARKS

MEASURES = {
    "service_level": "Service level per interval, to date",
    "asa": "Average speed of answer per interval",
    "abandonment_rate": "Abandonment per interval",
    "aht_s": "Handle time per interval: actual and forecast",
    "agents": "Agents per interval: required and staffed",
}
"""What :func:`intraday_measure` draws, with its default title."""

_AXES = {
    "service_level": axis_title("service_level"),
    "asa": axis_title("asa"),
    "abandonment_rate": axis_title("abandonment_rate"),
    "aht_s": axis_title("aht"),
    "agents": "Agents on the phones",
}
_VALUE = "%{y:,.1f}"
_LINES = ("forecast_volume", "reforecast_volume", "forecast_aht_s")
"""Columns drawn as lines when present."""
_DATA_SHARE = 0.8
"""Share of the plot's height the data may fill when "now" is drawn: its label has the rest."""
_LABEL_BACKGROUND = "rgba(255, 255, 255, 0.85)"
_MIN_LABEL_PX = 10
"""Smallest readable bar label: plotly shrinks a label to its bar's width, and on a phone's
chart a service-level label came out about 5 px tall; smaller ones are left out (the hover
still gives the value and the mark)."""


_BOUNDS = {
    "volume": (0, None),
    "forecast_volume": (0, None),
    "reforecast_volume": (0, None),
    "service_level": (0, 100),
    "abandonment_rate": (0, 100),
    "asa": (0, None),
    "aht_s": (0, None),
    "forecast_aht_s": (0, None),
    "required_agents": (0, None),
    "staffed_agents": (0, None),
}
"""The values each drawn column can take: counts, times and agents from 0 up, percents 0-100.
A value outside would be drawn below the axis (which starts at 0) or past the service-level
axis (which stops at 112), where no one sees it, so it is refused as the other builders
refuse it (:func:`kpikit.plots.staffing_curve`)."""


def _frame(intervals, columns):
    """The intervals in time order; the drawn columns as floats.

    Refused, naming the column: a period that is not a datetime (text has no place on a time
    axis, and the interval length is measured between periods), two rows for one period
    (their bars would be drawn on top of each other, one hiding the other), and text,
    infinity or a value outside :data:`_BOUNDS`.
    """
    frame = pandas_frame(intervals, "intervals")
    require_columns(frame, ["period", *columns], "intervals")
    require_periods(frame, "intervals")
    require_datetimes(frame, "intervals")
    require_one_row_per_period(frame, "intervals", "the bars of one interval would hide each other")
    drawn = [column for column in (*columns, *_LINES) if column in frame.columns]
    frame = frame.assign(
        **{
            column: number_column(
                frame,
                column,
                minimum=_BOUNDS[column][0],
                maximum=_BOUNDS[column][1],
                argument="intervals",
            )
            for column in drawn
        }
    )
    return frame.sort_values("period").reset_index(drop=True)


def _now(frame, now):
    """``now`` as a Timestamp (None stays None), refused when it and the periods disagree on
    having a time zone (pandas cannot compare them)."""
    if now is None:
        return None
    stamp = check_timestamp("now", now)
    period_tz = getattr(frame["period"].dt, "tz", None) if len(frame) else stamp.tz
    if (stamp.tz is None) != (period_tz is None):
        raise ValueError(
            f"Value of 'now' must be {'naive' if period_tz is None else 'tz-aware'} like the "
            f"'period' column of 'intervals' ({period_tz or 'no time zone'}), but received: "
            f"{stamp!r}"
        )
    return stamp


_DAY_S = 86_400
"""The longest interval a day's chart takes, seconds."""


def _interval_ms(frame, interval_s):
    """The interval length in milliseconds: given, else the smallest gap between periods.

    A given length must be a number of seconds above 0 and at most a day: text, a flag, 0 or a
    negative length would draw no bars or bars of no width, without a word, and 1e12 s was a
    raw OutOfBoundsTimedelta.

    >>> _interval_ms(None, 0)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'interval_s' must be a finite number > 0 and <= 86400 but received: 0
    """
    if interval_s is not None:
        seconds = check_number(
            "interval_s", interval_s, minimum=0, above_minimum=True, maximum=_DAY_S
        )
        return 1000.0 * seconds
    gaps = np.diff(frame["period"].to_numpy()).astype("timedelta64[ms]").astype(float)
    gaps = gaps[gaps > 0]
    return float(gaps.min()) if len(gaps) else 30 * 60 * 1000.0


_LABEL = "__kpikit_interval"
"""Column of each interval's name on the axis, named over the whole day (a part of it, the
intervals not over, has no repeated wall time to tell apart)."""
_GRID_MAX = 1500
"""Most intervals an axis gets when the missing ones are put back (a day of 1-minute ones)."""


def _on_grid(frame, length_ms):
    """The intervals with the missing ones put back as empty rows, so that a gap in the data
    stays a gap on the axis of intervals: when every period lies on the grid of ``length_ms``
    from the first (in elapsed time, so both 02:00 of the night the clocks go back are on it)
    and the grid has at most :data:`_GRID_MAX` intervals; else the intervals as they are."""
    if len(frame) < 2:
        return frame
    first, last = frame["period"].iloc[0], frame["period"].iloc[-1]
    length = pd.Timedelta(milliseconds=length_ms)
    if (last - first) / length >= _GRID_MAX:
        return frame
    grid = pd.date_range(first, last, freq=length)
    if len(grid) == len(frame) or not frame["period"].isin(grid).all():
        return frame
    grid = pd.Series(grid, name="period")
    return grid.to_frame().merge(frame, on="period", how="left")


def _labels(periods):
    """The intervals' names on the category axis: their wall time, with the UTC offset where
    it repeats (the clocks went back: ``02:00+02:00``, ``02:00+01:00``) as
    :func:`kpikit.plots.staffing_plan` names them, from :func:`clock_changes`; with the date
    when the intervals span more than one day (a time of day would name two).

    >>> night = pd.Series(pd.date_range("2026-10-25 01:30", periods=6, freq="30min",
    ...                                 tz="Europe/Paris"))
    >>> _labels(night)
    ['01:30', '02:00+02:00', '02:30+02:00', '02:00+01:00', '02:30+01:00', '03:00']
    """
    times = clock_changes(periods)[0]
    labels = periods.dt.strftime("%H:%M").where(times == "", times.str[11:])
    if labels.duplicated().any():
        labels = periods.dt.strftime("%Y-%m-%d %H:%M").where(times == "", times)
    return labels.tolist()


def _now_text(stamp, zone):
    """``now`` as the "now" label gives it: its wall time in the intervals' zone, with the
    UTC offset when that wall time comes twice (the clocks go back).

    >>> _now_text(pd.Timestamp("2026-10-25 02:45+01:00"), "Europe/Paris")
    'now 02:45+01:00'
    >>> _now_text(pd.Timestamp("2026-10-25 03:15+01:00"), "Europe/Paris")
    'now 03:15'
    """
    if stamp.tz is None or zone is None:
        return f"now {stamp:%H:%M}"
    stamp = stamp.tz_convert(zone)
    wall = stamp.tz_localize(None)
    if wall.tz_localize(zone, ambiguous=True) == wall.tz_localize(zone, ambiguous=False):
        return f"now {stamp:%H:%M}"
    return f"now {stamp.isoformat(' ', 'minutes')[11:]}"


def _now_x(periods, now, length_ms):
    """Where ``now`` falls on the category axis: interval ``k`` spans ``k - 0.5`` to
    ``k + 0.5``, and ``now`` sits in it by the share of the interval gone (in elapsed time,
    so right on the night the clocks go back); in a gap between intervals, at the end of the
    one before; before the first or after the last, that far outside the axis."""
    k = max(int(periods.searchsorted(now, side="right")) - 1, 0)
    gone = (now - periods.iloc[k]) / pd.Timedelta(milliseconds=length_ms)
    if k < len(periods) - 1:
        gone = min(gone, 1.0)
    return k - 0.5 + gone


def _figure(frame, title, yaxis, now, height, length_ms):
    """The figure, its x axis the intervals by name, in time order (a category axis: on the
    night the clocks go back the two 02:00 intervals get a place each, where on a time axis
    plotly drew them at one wall time and stacked their bars)."""
    notes = clock_changes(frame["period"])[1]
    title_text = " · ".join(["Interval", *notes])
    labels = frame[_LABEL].tolist()
    xaxis = {
        "title": {"text": title_text},
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
    }
    if labels:
        xaxis["range"] = [-0.5, len(labels) - 0.5]
    fig = new_figure(
        title,
        xaxis=xaxis,
        yaxis={"title": {"text": yaxis}, "rangemode": "tozero"},
        hovermode="x unified",
        bargap=0.15,
        height=height,
    )
    if now is not None and len(frame):
        fig.add_vline(
            x=_now_x(frame["period"], now, length_ms),
            line={"color": "#555555", "width": 1, "dash": "dot"},
            annotation_text=_now_text(now, getattr(frame["period"].dt, "tz", None)),
            annotation_position="top right",
            annotation_bgcolor=_LABEL_BACKGROUND,
        )
    return fig


def _clear_of_now_label(fig, now, highest):
    """Keep the data under the "now" label: the label sits at the top of the plot, where the
    reforecast line crossed it; the axis reaches ``highest`` (or the highest value drawn)
    over :data:`_DATA_SHARE` of the height."""
    if now is None:
        return
    if highest is None:
        values = [np.asarray(trace.y, dtype=float) for trace in fig.data if len(trace.y)]
        values = np.concatenate(values) if values else np.array([])
        highest = np.nanmax(values) if np.isfinite(values).any() else None
    if highest is not None and highest > 0:
        fig.update_yaxes(range=[0, highest / _DATA_SHARE])


def _along(frame, column, value=_VALUE):
    """Keyword arguments placing one trace over the intervals (named as on the axis, so a
    repeated wall time gives its UTC offset on hover too), its hover giving the interval and
    ``value``."""
    return {"x": frame[_LABEL].tolist(), "y": frame[column], "hovertemplate": "%{x}: " + value}


def _bar_marker(frame, now, length_ms):
    """Bars of the series colour; the interval still running is paler (its count is partial)."""
    running = np.zeros(len(frame), dtype=bool)
    if now is not None and len(frame):
        end = frame["period"] + pd.Timedelta(milliseconds=length_ms)
        running = (end > pd.Timestamp(now)).to_numpy()
    return {"color": KPIKIT_COLORWAY[1], "opacity": np.where(running, 0.5, 1.0).tolist()}


def _has(frame, column):
    return column in frame.columns and frame[column].notna().any()


@shared_parameters
def intraday_volume(
    intervals, *, now=None, interval_s=None, title="Contacts per interval", height=None
):
    """Contacts per interval so far (bars) against the forecast and the reforecast (lines).

    Parameters
    ----------
    intervals : DataFrame
        ``period, volume``; ``forecast_volume`` and ``reforecast_volume`` are drawn when
        present (the reforecast only over the intervals not yet over at ``now``). Refused:
        periods that are not datetimes, a row without a period, two rows for one period,
        text, infinity, a negative figure and a percent above 100 (:data:`_BOUNDS`). On the
        night the clocks go back, the axis title says so and the repeated intervals get a
        place each, named with their UTC offset (``02:00+02:00``, ``02:00+01:00``) on the
        axis, on hover and in the "now" label.
    now : datetime-like, default=None
        Marked with a vertical line; intervals starting after it get no bar.
    interval_s : float, default=None
        Interval length in seconds, above 0 and at most a day (86400); None: the smallest gap
        between periods. It places "now" within its interval and the missing intervals on the
        axis.
    title : str, default="Contacts per interval"
    height : int, default=None

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> intervals = pd.DataFrame({
    ...     "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 10:00"]),
    ...     "volume": [4.0, 1.0, 0.0], "forecast_volume": [5.0, 4.0, 6.0],
    ...     "reforecast_volume": [4.0, 3.2, 4.8]})
    >>> fig = intraday_volume(intervals, now="2024-03-04 09:41")
    >>> [(trace.name, np.asarray(trace.y).tolist()) for trace in fig.data]
    [('contacts so far', [4.0, 1.0]), ('forecast', [5.0, 4.0, 6.0]), ('reforecast', [3.2, 4.8])]
    """
    frame = _frame(intervals, ["volume"])
    now = _now(frame, now)
    length_ms = _interval_ms(frame, interval_s)
    frame = _on_grid(frame, length_ms)
    frame = frame.assign(**{_LABEL: _labels(frame["period"])})  # of the whole day, then cut
    fig = _figure(frame, title, "Contacts offered", now, height, length_ms)
    started = frame if now is None else frame[frame["period"] <= pd.Timestamp(now)]
    fig.add_trace(
        go.Bar(
            name="contacts so far",
            marker=_bar_marker(started, now, length_ms),
            **_along(started, "volume"),
        )
    )
    if _has(frame, "forecast_volume"):
        fig.add_trace(
            go.Scatter(
                name="forecast",
                mode="lines",
                line={"color": KPIKIT_COLORWAY[3], "width": 2},
                **_along(frame, "forecast_volume"),
            )
        )
    if _has(frame, "reforecast_volume"):
        length = pd.Timedelta(milliseconds=length_ms)
        ahead = frame if now is None else frame[frame["period"] + length > pd.Timestamp(now)]
        fig.add_trace(
            go.Scatter(
                name="reforecast",
                mode="lines",
                line={"color": KPIKIT_COLORWAY[2], "width": 2, "dash": "dash"},
                **_along(ahead, "reforecast_volume"),
            )
        )
    _clear_of_now_label(fig, now, None)
    return fig


@shared_parameters
def intraday_measure(
    intervals, *, measure, target=None, now=None, interval_s=None, title=None, height=None
):
    """One figure per interval of the day: service level, ASA, abandonment, AHT or agents.

    - ``service_level``: bars marked met (✔) or missed (✘) against ``target`` (a line); with
      no target, plain bars (neither met nor missed);
    - ``asa``, ``abandonment_rate``: bars;
    - ``aht_s``: bars and the forecast AHT (``forecast_aht_s``) as a line;
    - ``agents``: staffed agents (``staffed_agents``) as bars up to ``now`` and the agents
      required (``required_agents``) as a line over the whole day.

    Parameters
    ----------
    intervals : DataFrame
        ``period`` and the columns of ``measure``, checked as in :func:`intraday_volume`.
    measure : {"service_level", "asa", "abandonment_rate", "aht_s", "agents"}
    target : float, default=None
        Service-level target, percent (``service_level`` only).
    now : datetime-like, default=None
    interval_s : float, default=None
        As in :func:`intraday_volume`.
    title : str, default=None
        Default: :data:`MEASURES`.
    height : int, default=None

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> intervals = pd.DataFrame({
    ...     "period": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
    ...     "service_level": [50.0, 90.0]})
    >>> fig = intraday_measure(intervals, measure="service_level", target=80)
    >>> list(fig.data[0].text), fig.layout.shapes[0].y0  # marks beside the colours; target
    (['50 ✘', '90 ✔'], 80)
    """
    if measure not in MEASURES:
        raise ValueError(
            f"Value of 'measure' is not valid. Expected one of {list(MEASURES)} "
            f"but received: {measure!r}"
        )
    columns = ["required_agents", "staffed_agents"] if measure == "agents" else [measure]
    frame = _frame(intervals, columns)
    now = _now(frame, now)
    if target is not None:
        target = check_number("target", target, minimum=0, maximum=100)
    length_ms = _interval_ms(frame, interval_s)
    frame = _on_grid(frame, length_ms)
    frame = frame.assign(**{_LABEL: _labels(frame["period"])})  # of the whole day, then cut
    fig = _figure(frame, title or MEASURES[measure], _AXES[measure], now, height, length_ms)
    started = frame if now is None else frame[frame["period"] <= pd.Timestamp(now)]
    if measure == "service_level":
        _add_service_level(fig, started, target)
    elif measure == "agents":
        fig.add_trace(
            go.Bar(
                name="staffed",
                marker={"color": KPIKIT_COLORWAY[1]},
                **_along(started, "staffed_agents"),
            )
        )
        fig.add_trace(
            go.Scatter(
                name="required",
                mode="lines",
                line={"color": KPIKIT_COLORWAY[3], "width": 2, "shape": "hvh"},
                **_along(frame, "required_agents"),
            )
        )
    else:
        fig.add_trace(
            go.Bar(
                name="actual",
                marker={"color": KPIKIT_COLORWAY[1]},
                **_along(started, measure),
            )
        )
        if measure == "aht_s" and _has(frame, "forecast_aht_s"):
            fig.add_trace(
                go.Scatter(
                    name="forecast",
                    mode="lines",
                    line={"color": KPIKIT_COLORWAY[3], "width": 2},
                    **_along(frame, "forecast_aht_s"),
                )
            )
    _clear_of_now_label(fig, now, 100.0 if measure == "service_level" else None)
    return fig


def _add_service_level(fig, frame, target):
    values = frame["service_level"].astype("float64")  # a nullable NA becomes NaN
    if target is None:  # nothing to be met: the values alone, in the series colour
        colors = [KPIKIT_COLORWAY[1]] * len(values)
        marks = ["" if np.isnan(value) else f"{value:.0f}" for value in values]
    else:
        status = np.where(
            values.isna(), "no data", np.where(short_of(values, target), "red", "green")
        )
        colors = [RAG_COLORS[state] for state in status]
        marks = [
            "" if state == "no data" else f"{level_text(value, target)} {RAG_MARKS[state]}"
            for value, state in zip(values, status, strict=True)
        ]
    fig.add_trace(
        go.Bar(
            name="service level",
            marker={"color": colors},
            text=marks,
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            **_along(frame, "service_level", value="%{text}"),
        )
    )
    fig.update_layout(uniformtext={"minsize": _MIN_LABEL_PX, "mode": "hide"})
    fig.update_yaxes(range=[0, 112], tickvals=list(range(0, 101, 20)))  # no tick past 100 %
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": "#333333", "dash": "dash", "width": 1},
            annotation_text=f"target {target:g} %",
            annotation_position="bottom right",
        )
