"""Trend: a KPI by period with its confidence band, the target and the amber tolerance zone,
and on request its control limits and signals."""

from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit import stats
from kpikit._validators import check_choice, check_flag, check_number, check_timestamp
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    axis_title,
    bounded_range,
    clock_changes,
    column_label,
    escape_text,
    format_value,
    kpi_argument,
    kpi_number,
    new_figure,
    number_column,
    ordered_groups,
    pandas_frame,
    require_columns,
    require_periods,
    rows_for_kpi,
)
from kpikit.plots._template import KPIKIT_COLORWAY, RAG_COLORS

__all__ = ["trend"]


@shared_parameters
def trend(
    frame,
    *,
    kpi: str,
    target=None,
    tolerance=None,
    by=None,
    highlight=None,
    partial=(),
    provisional=(),
    control_limits=False,
    title=None,
    height=None,
) -> go.Figure:
    """Line chart of a KPI by period with its 95 % interval, target and tolerance zone.

    With ``by``, one line per group and no intervals, so that five bands do not tangle; the
    ``highlight`` group is drawn bold with its interval, the others thin. The value axis stays
    within the values the KPI can take (a percentage never runs past 100 %). Periods listed in
    ``partial`` (a first or last period the data only partly covers) get hollow markers and a
    note.

    Parameters
    ----------
    frame : DataFrame
        Output of ``kk.compute(data, freq=...)``: columns ``period``, ``value``, ``ci_low``,
        ``ci_high`` (and ``kpi``, filtered on ``kpi``, when present), one row per period (per
        group with ``by``); more, as from a frame grouped by team without ``by="team"``, is
        refused, naming the columns that tell the rows apart. A row without a period, and
        text or infinity among the values, are refused too (plotly would leave them out).
        Zoned periods are drawn at their local time; on a day the clocks change, the axis
        title says so and a period whose wall time repeats gives its UTC offset on hover.
    target : float or (float, float), default=None
        Target line. For band KPIs (catalog direction ``band``) a ``(low, high)`` pair; ``None``
        takes the catalog's healthy band for band KPIs and draws no target otherwise.
    tolerance : float, default=None
        Width of the amber zone on the failing side of the target (below it when higher is
        better, above it when lower is better, outside either edge of a band); refused
        without a target (a band KPI's target is its catalog band by default).
    by : str, default=None
        Grouping column: one line per group, ordered by value (numbers by size, times by date,
        categories as declared, text alphabetically); rows without a group make the line
        "(none)", last. Group names are shown as written (escaped, never read as HTML). More
        than :data:`MAX_LINES` groups are refused: filter the frame to those to compare.
    highlight : str, default=None
        The group of ``by`` drawn bold with its interval, named as written (a number or date
        as its text); ``None`` highlights none. A name that is not a group of the frame is
        refused, with the groups and the nearest name, and so is a highlight without ``by``.
    partial : collection of datetime, default=()
        Periods the data covers only in part; their points are hollow and the legend says so.
        Naive dates are read in the periods' time zone (zoned ones for naive periods are
        refused); the same holds for ``provisional``.
    provisional : collection of datetime, or DataFrame, default=()
        Periods whose value is not final yet (FCR whose repeat window is still open): the
        frame :func:`kpikit.provisional.provisional_fcr` returns, or its ``period`` column.
        Their points are hollow diamonds and the axis title says so.
    control_limits : bool, default=False
        Draw the process behaviour chart of :func:`kpikit.stats.control_limits` (method
        ``"auto"``, limits from all periods but the ``provisional`` and ``partial`` ones,
        which are neither flagged): the center line and the lower and upper control
        limits dashed (stepped when they vary with the period's denominator), and a ring
        around each period that signals a change, its reason on hover. For one line only
        (refused with ``by``); rates of counts need the ``numerator`` and ``denominator``
        columns.

    Returns
    -------
    plotly.graph_objects.Figure

    Notes
    -----
    The interval is drawn as given (``ci_low``/``ci_high``); periods whose interval is null
    (KPIs without an interval, empty groups) show the line only. A period with no row
    (:func:`kpikit.compute` gives none for a period without contacts) breaks the line and its
    band, as a period without a value does: the step is the smallest between the frame's
    periods (calendar months, wall-clock days, or the time below a day).

    Examples
    --------
    >>> import pandas as pd
    >>> weeks = pd.DataFrame({
    ...     "period": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]),
    ...     "kpi": "service_level", "value": [78.0, 82.0, 85.0],
    ...     "ci_low": [74.0, 78.5, 81.0], "ci_high": [81.6, 85.1, 88.4]})
    >>> fig = trend(weeks, kpi="service_level", target=80, tolerance=5)
    >>> [trace.name for trace in fig.data]
    ['95 % interval', 'Service level']
    >>> len(fig.layout.shapes)   # amber zone and target line
    2
    >>> fig.layout.yaxis.range   # 74 to 88.4, padded by 5 % of 14.4
    (73.28, 89.12)
    """
    definition = kpi_argument(kpi)
    rows = rows_for_kpi(pandas_frame(frame, "frame"), kpi, "frame")
    require_columns(rows, ["period", "value", "ci_low", "ci_high"], "frame")
    if by is not None:
        require_columns(rows, [by], "frame")
    band = _target_band(definition, target)
    if tolerance is not None:
        tolerance = check_number("tolerance", tolerance, minimum=0)
        if band is None:  # the zone lies beside a target: without one it was dropped unseen
            raise ValueError(
                f"Value of 'tolerance' is the width of the amber zone beside the target, but no "
                f"target was given for {kpi!r}: pass 'target' too, or no tolerance (received: "
                f"{tolerance!r})"
            )
    require_periods(rows, "frame")
    zone = getattr(rows["period"].dtype, "tz", None)  # the data's own time zone, if any
    partial = _periods("partial", partial, zone)
    provisional = _periods("provisional", provisional, zone)
    rows = rows.assign(
        **{column: number_column(rows, column, by) for column in ("value", "ci_low", "ci_high")}
    )
    _check_one_row_per_period(rows, by)
    _check_group_count(rows, by)
    times, clock_notes = clock_changes(rows["period"])  # 02:00 twice when the clocks go back
    rows = rows.assign(_time=times.to_numpy())
    check_flag("control_limits", control_limits)
    chart = None
    if control_limits:
        if by is not None:
            raise ValueError(
                f"Value of 'control_limits' draws the limits of one line, but by={by!r} draws "
                "one per group: filter the frame to one group and pass by=None, or compute "
                "them per group with kk.stats.control_limits(frame, by=...)"
            )
        # a provisional value (FCR of the last days: only the failures are in yet) is no
        # sign of a change, nor is a partial period's (a count of half a week): neither is
        # in the limits nor flagged
        final = ~rows["period"].map(pd.Timestamp).isin(provisional | partial)
        chart = stats.control_limits(rows[final].drop(columns="_time"), kpi=kpi)

    if by:
        groups = list(rows.groupby(ordered_groups(rows[by]), sort=True, observed=True))
    else:
        groups = [(None, rows)]
    labels = [str(key) for key, _ in groups]  # escaped (ordered_groups): legend and hover
    chosen = _highlighted(highlight, by, labels)
    shown = [
        *rows["value"],
        *rows["ci_low"],
        *rows["ci_high"],
        *(band or ()),
        *(() if chart is None else (*chart["lcl"].dropna(), *chart["ucl"].dropna())),
    ]
    if band is not None and tolerance is not None:
        shown += [band[0] - float(tolerance), band[1] + float(tolerance)]
    fig = new_figure(
        title
        or f"{definition.name} by period" + (f" and {column_label(by).lower()}" if by else ""),
        height=height,
        xaxis={"title": {"text": "Period"}},
        yaxis={"title": {"text": axis_title(kpi)}, "range": bounded_range(kpi, shown)},
        hovermode="x unified",
    )
    _add_target(fig, definition, band, tolerance)
    places = _grid_places(rows["period"])
    for position, ((_, group), label) in enumerate(zip(groups, labels, strict=True)):
        group = _with_breaks(group.sort_values("period"), places)
        color = KPIKIT_COLORWAY[position % len(KPIKIT_COLORWAY)]
        name = definition.name if by is None else label
        bold = by is None or label == chosen
        width = 2 if chosen is None else 3 if bold else 1
        if bold:
            _add_interval(fig, group, color, None if by is None else name)
        hollow = group["period"].isin(partial).to_numpy()
        open_window = group["period"].isin(provisional).to_numpy()
        fig.add_trace(
            go.Scatter(
                x=group["period"],
                y=group["value"],
                mode="lines+markers",
                name=name,
                line={"color": color, "width": width},
                opacity=1.0 if bold or chosen is None else 0.6,
                marker={
                    "size": 7 if bold else 5 if chosen is None else 4,
                    "symbol": [
                        _SYMBOLS[(bool(late), bool(flag))]
                        for flag, late in zip(hollow, open_window, strict=True)
                    ],
                },
                text=[
                    format_value(value, definition.unit)
                    + (" (partial period)" if flag else "")
                    + (" (provisional: repeats may still arrive)" if late else "")
                    + (f" at {time}" if time else "")
                    for value, flag, late, time in zip(
                        group["value"], hollow, open_window, group["_time"], strict=True
                    )
                ],
                hovertemplate="%{text}<extra>" + name + "</extra>",
            )
        )
    if chart is not None:
        _add_control_limits(fig, chart, definition)
    if not rows["value"].notna().any():  # every denominator zero: no line to draw, and why
        fig.add_annotation(
            text="no data: no period has a value",
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
        )
    periods = rows["period"].dropna().unique()
    if len(periods) == 1:  # one point: a week either side, not an axis of milliseconds
        middle = pd.Timestamp(periods[0])
        fig.update_xaxes(range=[middle - pd.Timedelta(days=7), middle + pd.Timedelta(days=7)])
    notes = ["Period"]
    if partial & set(rows["period"].map(pd.Timestamp)):
        notes.append("○ partial period (the data covers part of it)")
    if provisional & set(rows["period"].map(pd.Timestamp)):
        notes.append("◇ provisional (repeats may still arrive)")
    if chart is not None and chart["center"].isna().all():
        notes.append("no control limits: they need 2 final values")
    notes += clock_notes
    if len(notes) > 1:
        fig.update_xaxes(title={"text": " · ".join(notes)})
    return fig


def _grid_places(periods: pd.Series) -> pd.Series | None:
    """Each distinct period's place on the grid of the periods' step (0, 1, 2, ... when
    consecutive), indexed by period; None for fewer than two periods.

    The step is the smallest between the periods: calendar months for periods on the first of
    a month (one, three or twelve), wall-clock days for daily or weekly periods (a day the
    clocks change is still a day), the time itself below a day (the hour the clocks skip is
    no gap). :func:`kpikit.compute` gives no row for a period without contacts.

    >>> months = pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-04-01"]))
    >>> _grid_places(months).tolist()   # March is missing
    [0.0, 1.0, 3.0]
    """
    stamps = pd.DatetimeIndex(periods.dropna().unique()).sort_values()
    if len(stamps) < 2:
        return None
    walls = stamps.tz_localize(None) if stamps.tz is not None else stamps
    wall_steps = walls[1:] - walls[:-1]
    day = pd.Timedelta(days=1)
    positive = wall_steps[wall_steps > pd.Timedelta(0)]
    smallest = positive.min() if len(positive) else pd.Timedelta(0)
    if (walls == walls.normalize()).all() and (walls.day == 1).all() and smallest >= 28 * day:
        months = np.asarray(walls.year * 12 + walls.month, dtype=float)
        places = (months - months[0]) / np.diff(months).min()
    elif smallest >= day:
        places = (walls - walls[0]) / smallest
    else:  # below a day: the instants (the repeated 02:00 of autumn is two of them)
        steps = stamps[1:] - stamps[:-1]
        places = (stamps - stamps[0]) / steps.min()
    return pd.Series(np.asarray(places, dtype=float), index=stamps)


def _with_breaks(group: pd.DataFrame, places) -> pd.DataFrame:
    """``group`` (sorted by period) with a row without a value between two periods more than
    a step apart on the grid of :func:`_grid_places`: the line and its band break there
    rather than run across the periods that have no row as if they had been measured."""
    if places is None or len(group) < 2:
        return group
    at = places.reindex(pd.DatetimeIndex(group["period"])).to_numpy()
    gaps = np.flatnonzero(np.diff(at) > 1.5)
    if not len(gaps):
        return group
    before = group["period"].iloc[gaps].reset_index(drop=True)
    after = group["period"].iloc[gaps + 1].reset_index(drop=True)
    breaks = pd.DataFrame(
        {
            "period": (before + (after - before) / 2).astype(group["period"].dtype),
            **{column: np.nan for column in ("value", "ci_low", "ci_high")},
            "_time": "",
        }
    )
    return pd.concat([group, breaks], ignore_index=True).sort_values("period", kind="stable")


def _highlighted(highlight, by, labels: list[str]) -> str | None:
    """The label of the group ``highlight`` names, among the ``labels`` of the groups of ``by``
    (escaped); None without a highlight.

    >>> _highlighted("b", "team", ["a", "b"]), _highlighted(None, None, ["(none)"])
    ('b', None)
    >>> _highlighted("bb", "team", ["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'highlight' is not a group of 'team'. Expected one of ['a', 'b'] but
    received: 'bb'. Did you mean 'b'?
    """
    if highlight is None:
        return None
    if by is None:
        raise ValueError(
            f"Value of 'highlight' names a group of 'by', but no 'by' was given: pass the "
            f"grouping column as 'by' too, or no highlight (received: {highlight!r})"
        )
    return check_choice("highlight", escape_text(highlight), labels, f"a group of {by!r}")


def _check_one_row_per_period(rows: pd.DataFrame, by) -> None:
    """Refuse two rows for one period (of one group): one line through both would zigzag
    between groups. The message names the columns that tell the rows apart."""
    keys = ["period"] if by is None else [by, "period"]
    repeated = rows[rows.duplicated(keys, keep=False)]
    if repeated.empty:
        return
    values = {"kpi", "value", "numerator", "denominator", "ci_low", "ci_high", *keys}
    splitting = [
        column
        for column in rows.columns
        if column not in values
        and (repeated.groupby(keys, dropna=False)[column].nunique(dropna=False) > 1).any()
    ]
    first = repeated.iloc[0]
    where = ", ".join(f"{key}={first[key]!s}" for key in keys)
    if not splitting:
        why = "the rows repeat: drop the duplicates"
    elif by is None:
        why = f"the column(s) {splitting} tell them apart: pass by={splitting[0]!r} for one "
        why += "line per group, or filter the frame"
    else:
        why = f"the column(s) {splitting} tell them apart: filter the frame to one value of each"
    raise ValueError(
        f"Value of 'frame' must have one row per {' and '.join(keys)} but has {len(repeated)} "
        f"rows for {len(repeated.drop_duplicates(keys))} of them (first: {where}); {why}."
    )


MAX_LINES = 50
"""The most groups ``trend`` draws a line for: past it the lines are a tangle, and the figure
grows by megabytes."""


def _check_group_count(rows: pd.DataFrame, by) -> None:
    """Refuse more groups than :data:`MAX_LINES`, before a second is spent drawing them."""
    if by is None:
        return
    count = rows[by].nunique(dropna=False)
    if count > MAX_LINES:
        raise ValueError(
            f"Value of 'by' must give at most {MAX_LINES} groups (one line each) but "
            f"{by!r} has {count} (first: {rows[by].drop_duplicates().head(5).tolist()}); "
            "filter the frame to the groups to compare, or draw the total with by=None."
        )


# marker by (provisional, partial period)
_SYMBOLS = {
    (False, False): "circle",
    (False, True): "circle-open",
    (True, False): "diamond-open",
    (True, True): "diamond-open",
}


def _periods(argument: str, periods, zone) -> set:
    """``periods`` (a collection of dates) as a set of Timestamps in the time zone of the
    frame's periods, ``zone``: a naive date is read in it (``"2026-11-02"`` is local
    midnight), a zoned one converted to it. A zoned date for naive periods is refused, as is
    a lone date or text (rather than read as a collection of characters)."""
    if isinstance(periods, pd.DataFrame):  # provisional_fcr's table: its periods
        require_columns(periods, ["period"], argument)
        periods = periods["period"]
    if isinstance(periods, str) or not isinstance(periods, Iterable):
        raise TypeError(
            f"Value of {argument!r} must be a collection of dates such as ['2026-06-01'], "
            f"but received: {periods!r} ({type(periods).__name__})"
        )
    stamps = set()
    for period in periods:
        stamp = check_timestamp(argument, period)
        if zone is None and stamp.tz is not None:
            raise ValueError(
                f"Value of {argument!r} must hold naive dates like the 'period' column of "
                f"'frame' (no time zone), but received: {stamp!r}"
            )
        if zone is not None:
            local = stamp.tz_convert(zone) if stamp.tz else stamp.tz_localize(zone, "NaT", "NaT")
            if local is pd.NaT:
                raise ValueError(
                    f"Value of {argument!r} holds {stamp!r}, which is ambiguous or does not "
                    f"exist in {zone} (a clock change): give it with its UTC offset"
                )
            stamp = local
        stamps.add(stamp)
    return stamps


def _target_band(definition, target):
    if definition.direction == "band":
        if target is None:
            return definition.band_low, definition.band_high
        if not (isinstance(target, tuple | list) and len(target) == 2):
            raise ValueError(
                f"Value of 'target' for band KPI {definition.id!r} must be a (low, high) pair "
                f"but received: {target!r}"
            )
        low, high = (kpi_number("target", edge, definition.id) for edge in target)
        if low > high:
            raise ValueError(
                f"Value of 'target' must be a (low, high) pair with low <= high but received: "
                f"{target!r}"
            )
        return low, high
    if target is None:
        return None
    value = kpi_number("target", target, definition.id)  # on the KPI's scale: 150 % is off it
    return value, value


def _add_target(fig: go.Figure, definition, band, tolerance) -> None:
    if band is None:
        return
    low, high = band
    if tolerance is not None and tolerance > 0:
        zones = {
            "higher": [(low - tolerance, low)],
            "lower": [(high, high + tolerance)],
            "band": [(low - tolerance, low), (high, high + tolerance)],
        }[definition.direction]
        for start, end in zones:
            fig.add_hrect(
                y0=start,
                y1=end,
                fillcolor=RAG_COLORS["amber"],
                opacity=0.18,
                line_width=0,
                layer="below",
            )
    if low == high:
        fig.add_hline(
            y=low,
            line={"color": RAG_COLORS["red"], "dash": "dash", "width": 2},
            annotation_text=f"target {format_value(low, definition.unit)}",
            annotation_position="top left",
        )
    else:
        fig.add_hrect(
            y0=low,
            y1=high,
            fillcolor=RAG_COLORS["green"],
            opacity=0.14,
            line_width=0,
            layer="below",
            annotation_text="healthy band",
            annotation_position="top left",
        )


# (column, legend name, colour): grey and black, not a status colour (a limit is not a target)
_CONTROL_LINES = (
    ("center", "Center line", "#999999"),
    ("lcl", "Lower control limit", "#000000"),
    ("ucl", "Upper control limit", "#000000"),
)


def _add_control_limits(fig: go.Figure, chart: pd.DataFrame, definition) -> None:
    """Dashed center and limits, stepped where they vary with n, and a ring on each signal;
    nothing when no limit could be told (fewer than 2 final values: the axis says so)."""
    if chart["center"].isna().all():
        return
    varies = chart["lcl"].nunique() > 1 or chart["ucl"].nunique() > 1
    for column, name, color in _CONTROL_LINES:
        fig.add_trace(
            go.Scatter(
                x=chart["period"],
                y=chart[column],
                mode="lines",
                name=name,
                legendgroup="control limits",
                line={
                    "color": color,
                    "dash": "dash",
                    "width": 1.5,
                    "shape": "hvh" if varies else "linear",
                },
                text=[format_value(value, definition.unit) for value in chart[column]],
                hovertemplate="%{text}<extra>" + name + "</extra>",
            )
        )
    flagged = chart[chart["signal"].notna()]
    if flagged.empty:
        return
    fig.add_trace(
        go.Scatter(
            x=flagged["period"],
            y=flagged["value"],
            mode="markers",
            name="Signal (a change, not good or bad)",
            marker={"symbol": "circle-open", "size": 16, "color": "#000000", "line": {"width": 2}},
            text=list(flagged["signal"]),
            hovertemplate="%{text}<extra>Signal</extra>",
        )
    )


def _add_interval(fig: go.Figure, group: pd.DataFrame, color: str, label):
    """One band per run of periods with an interval, so a period without one is a gap in the
    band as in the line (one polygon across it would shade a range the period never had)."""
    known = group[["ci_low", "ci_high"]].notna().all(axis=1)
    if not known.any():
        return
    x, y = [], []
    for _, run in group[known].groupby((~known).cumsum()[known], sort=False):
        x += [*run["period"], *run["period"][::-1], None]
        y += [*run["ci_high"], *run["ci_low"][::-1], None]
    fig.add_trace(
        go.Scatter(
            x=x[:-1],
            y=y[:-1],
            mode="lines",
            fill="toself",
            fillcolor=_transparent(color),
            line={"width": 0},
            name="95 % interval" + ("" if label is None else f" ({label})"),
            legendgroup=label,
            hoverinfo="skip",
        )
    )


def _transparent(hex_color: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"
