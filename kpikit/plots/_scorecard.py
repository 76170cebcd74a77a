"""Scorecard figures: a RAG table for one group, a RAG heatmap of groups × KPIs."""

import datetime

import pandas as pd
import plotly.graph_objects as go

from kpikit._frames import pandas_frame
from kpikit._scorecard.provisional import (
    PROVISIONAL_MARK,
    is_provisional,
    provisional_text,
    status_look,
)
from kpikit._validators import column_names
from kpikit.catalog import KPI_IDS
from kpikit.display import (
    CHANGE_MARKS,
    RAG_LABELS,
    RAG_MARKS,
    RAG_STATUSES,
    RAG_TINTS,
    rated_value_text,
    target_text,
    trend_mark,
)
from kpikit.plots._doc import shared_parameters
from kpikit.plots._engine import (
    column_label,
    escape_text,
    group_labels,
    is_number,
    kpi_label,
    new_figure,
    require_columns,
)
from kpikit.scorecard import Scorecard

__all__ = ["scorecard_heatmap", "scorecard_table"]

_NEEDED = [
    "kpi",
    "name",
    "unit",
    "better",
    "value",
    "target",
    "band_low",
    "band_high",
    "status",
    "score",
    "trend",
    "improved",
    "ramped",
]
MAX_TABLE_ROWS = 1000
"""The most rows :func:`scorecard_table` draws (about a second's work); the title says when
there are more."""
MAX_HEATMAP_GROUPS = 300
"""The most groups :func:`scorecard_heatmap` draws (rows of a few pixels each already); the
title says when there are more."""
_LEGEND = " · ".join(f"{RAG_MARKS[s]} {RAG_LABELS[s]}" for s in RAG_STATUSES)
_TREND_NOTE = (
    "significant rise or fall since the previous period: ▲▼ better (green), △▽ worse (red)"
)


@shared_parameters
def scorecard_table(table, *, by=None, title=None, height=None) -> go.Figure:
    """Scorecard as a table: value, target, status (colour, mark and word), trend and score.

    Parameters
    ----------
    table : Scorecard or DataFrame
        A :class:`kpikit.Scorecard` or its ``.table`` (pandas, polars, ...). With a ``period``
        column only the last period is shown. A table with more than one row for a group and
        KPI (grouped by more columns than ``by``, or rows repeated) is refused. The first
        :data:`MAX_TABLE_ROWS` rows are drawn, and the title says how many more there are.
    by : str or list of str, default=None
        Grouping columns to show first; ``None`` takes the scorecard's (for a DataFrame: the
        columns before ``kpi``, except ``period``).

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from kpikit.scorecard import rate
    >>> frame = pd.DataFrame({"kpi": ["fcr", "aht"], "value": [76.0, 390.0]})
    >>> targets = pd.DataFrame({"kpi": ["fcr", "aht"], "target": [75, 300],
    ...                         "tolerance": [5, 60]})
    >>> fig = scorecard_table(rate(frame, targets))
    >>> list(fig.data[0].cells.values[3])   # status column: mark and word
    ['✔ met', '✘ missed']
    """
    rows, by = _rows(table, by)
    total = len(rows)
    rows = rows.iloc[:MAX_TABLE_ROWS]
    looks = rows.to_dict("records")  # a row without a target has no status: "– no target"
    trends = [_trend_text(row["trend"], row["improved"]) for row in looks]
    columns = {
        **{column_label(key): group_labels(rows, [key]).tolist() for key in by},
        "KPI": rows["name"].map(escape_text).tolist(),
        "Value": [rated_value_text(row) for row in looks],
        "Target": [
            target_text(row) + (" (ramp)" if row["ramped"] else "") for _, row in rows.iterrows()
        ],
        "Status": [status_look(row)[1] for row in looks],
        "Trend": trends,
        "Score": ["–" if pd.isna(score) else f"{score:.0f}" for score in rows["score"]],
    }
    # a colour per row where it varies, one per column elsewhere (plotly checks every colour)
    fills = ["white"] * (len(by) + 3) + [[status_look(row)[0] for row in looks], "white", "white"]
    trend_colors = [trend_mark(row["trend"], row["improved"])[2] for row in looks]
    font_colors = ["#222222"] * (len(by) + 4) + [trend_colors, "#222222"]
    fig = new_figure(
        title or "Scorecard" + period_text(rows),
        height=height or min(1200, 130 + 40 * len(rows)),
        margin={"l": 10, "r": 10, "t": 60, "b": 30},
    )
    fig.add_trace(
        go.Table(
            header={
                "values": [f"<b>{name}</b>" for name in columns],
                "align": "left",
                "fill": {"color": "#F2F2F2"},
            },
            columnwidth=[1] * len(by) + [2.2, 1, 1.2, 1.5, 1, 0.7],
            cells={
                "values": list(columns.values()),
                "align": "left",
                "fill": {"color": fills},
                "font": {"color": font_colors},
                "height": 26,
            },
        )
    )
    _add_legend(fig, yshift=-22)
    _note_cap(fig, len(rows), total, "rows")
    return fig


@shared_parameters
def scorecard_heatmap(table, *, by=None, title=None, height=None) -> go.Figure:
    """Groups × KPIs heatmap of status, each cell showing the mark, the value and the trend.

    A provisional cell (FCR whose repeat window is still open, see
    :mod:`kpikit._scorecard.provisional`) is grey with the mark ◷ and says until when.

    Rows are the groups, ordered and labelled as :func:`kpikit.plots._engine.group_labels`
    does (by value: ``9`` before ``10``, ``1`` apart from ``"1"``, a missing group "(none)"
    last; escaped, so a name like ``<b>x</b>`` shows as written). A click on a cell reports
    the row's group label as the point's ``y`` (drill-down in the scorecard dashboard;
    :func:`html.unescape` gives the group's name back).

    Parameters
    ----------
    table : Scorecard or DataFrame
        A :class:`kpikit.Scorecard` or its ``.table`` (pandas, polars, ...; last period only
        when there are several). A table with more than one row per cell (grouped by more
        columns than ``by``, or rows repeated) is refused, not drawn from one of them. The
        first :data:`MAX_HEATMAP_GROUPS` groups are drawn, and the title says how many more
        there are.
    by : str or list of str, default=None
        Grouping columns forming the rows; ``None`` takes the scorecard's.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from kpikit.scorecard import rate
    >>> frame = pd.DataFrame({"team": ["a", "a", "b", "b"], "kpi": ["fcr", "aht"] * 2,
    ...                       "value": [76.0, 390.0, 72.0, None]})
    >>> targets = pd.DataFrame({"kpi": ["fcr", "aht"], "target": [75, 300],
    ...                         "tolerance": [5, 60]})
    >>> fig = scorecard_heatmap(rate(frame, targets))
    >>> [list(row) for row in fig.data[0].z]   # rows a, b; columns AHT, FCR (status codes)
    [[2, 0], [3, 1]]
    """
    rows, by = _rows(table, by)
    rows = rows.assign(_label=group_labels(rows, by), name=rows["name"].map(escape_text))
    order = [kpi_id for kpi_id in KPI_IDS if kpi_id in set(rows["kpi"])]
    labels = list(rows["_label"].cat.categories)
    total = len(labels)
    labels = labels[:MAX_HEATMAP_GROUPS]
    rows = rows[rows["_label"].isin(labels)]
    codes = {status: code for code, status in enumerate(RAG_STATUSES)}
    # One pass over the rows (a dict lookup per cell, not a MultiIndex .loc: this chart redraws
    # on every control change).
    cells = {}
    for row in rows.to_dict("records"):
        value = rated_value_text(row)
        if is_provisional(row):  # grey, with the clock mark: not rated as final yet
            cells[(row["_label"], row["kpi"])] = (
                codes["no data"],
                f"{PROVISIONAL_MARK} {_number(row)}",
                f"{row['_label']} · {row['name']}<br>{value} (target {target_text(row)})"
                f"<br>{provisional_text(row)}",
            )
            continue
        if not isinstance(row["status"], str):  # no target: the value, grey, not rated
            cells[(row["_label"], row["kpi"])] = (
                codes["no data"],
                _number(row),
                f"{row['_label']} · {row['name']}<br>{value} (no target)",
            )
            continue
        cells[(row["_label"], row["kpi"])] = (
            codes[row["status"]],
            "no data"
            if row["status"] == "no data"
            else f"{RAG_MARKS[row['status']]} {_number(row)} {_trend_mark(row)}",
            f"{row['_label']} · {row['name']}<br>{value} (target {target_text(row)})"
            f"<br>{RAG_LABELS[row['status']]}{_trend_hover(row['trend'], row['improved'])}",
        )
    empty = (None, "", "")
    grid = [[cells.get((label, kpi_id), empty) for kpi_id in order] for label in labels]
    z = [[cell[0] for cell in line] for line in grid]
    text = [[cell[1] for cell in line] for line in grid]
    hover = [[cell[2] for cell in line] for line in grid]
    scale = []
    for code, status in enumerate(RAG_STATUSES):
        scale += [[code / 4, RAG_TINTS[status]], [(code + 1) / 4, RAG_TINTS[status]]]
    groups = " · ".join(column_label(key).lower() for key in by) or "group"
    fig = new_figure(
        title or f"Scorecard by {groups}" + period_text(rows),
        height=height or min(1400, 150 + 34 * len(labels)),
        xaxis={"side": "top", "title": {"text": ""}},
        # a category axis: groups 1, 2 made plotly guess a number line, without "(none)"
        yaxis={"autorange": "reversed", "title": {"text": ""}, "type": "category"},
        margin={"t": 100},
    )
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=[kpi_label(k, short=True) for k in order],
            y=labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=scale,
            zmin=-0.5,
            zmax=3.5,
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    provisional = "provisional_until" in rows and rows["provisional_until"].notna().any()
    _add_legend(fig, yshift=-30, provisional=provisional)
    _note_cap(fig, len(labels), total, "groups")
    return fig


def _note_cap(fig: go.Figure, shown: int, total: int, what: str) -> None:
    """Say under the title that only the first ``shown`` of ``total`` rows or groups are
    drawn (nothing when all are)."""
    if shown < total:
        fig.update_layout(
            title_subtitle_text=f"First {shown:,} of {total:,} {what} shown: filter the "
            "scorecard to see the others"
        )


def _rows(table, by):
    """The rows to show (last period) and the grouping columns, one row per group and KPI."""
    if isinstance(table, Scorecard):
        by = table.by if by is None else by
        rows = table.current().table
    else:
        rows = pandas_frame(table, "table")
        require_columns(rows, _NEEDED, "table")
        if by is None:
            before_kpi = list(rows.columns[: list(rows.columns).index("kpi")])
            by = [column for column in before_kpi if column != "period"]
        if "period" in rows.columns and len(rows):
            rows = rows[rows["period"] == rows["period"].max()]
    by = column_names("by", by)
    require_columns(rows, by, "table")
    _check_values(rows, "status", RAG_STATUSES)
    _check_values(rows, "trend", CHANGE_MARKS)
    _check_one_row(rows, by)
    return rows.reset_index(drop=True), by


def _check_values(rows: pd.DataFrame, column: str, valid) -> None:
    """Refuse values of ``column`` outside ``valid`` (missing values pass)."""
    unknown = sorted({str(v) for v in rows[column].dropna() if v not in valid})
    if unknown:
        raise ValueError(
            f"Value of 'table' has unknown {column} value(s) {unknown} in column {column!r}. "
            f"Expected one of {list(valid)}"
        )


def _check_one_row(rows: pd.DataFrame, by: list) -> None:
    """Refuse more than one row per group and KPI, naming the columns that tell them apart."""
    keys = [*by, "kpi"]
    repeated = rows[rows.duplicated(keys, keep=False)]
    if repeated.empty:
        return
    others = [c for c in rows.columns if c not in keys and c not in _NEEDED]
    splitting = [c for c in others if (repeated.groupby(keys, dropna=False)[c].nunique() > 1).any()]
    first = repeated.iloc[0]
    cell = ", ".join(f"{key}={first[key]!r}" for key in keys)
    why = (
        f"the column(s) {splitting} split them: add them to 'by' or filter the table"
        if splitting
        else "the rows repeat: drop the duplicates"
    )
    raise ValueError(
        f"Value of 'table' must have one row per {keys} but has {len(repeated)} rows for "
        f"{len(repeated.drop_duplicates(keys))} of them (first: {cell}); {why}."
    )


def period_text(rows: pd.DataFrame) -> str:
    """The period shown, by its start: the date, and the time of day when it starts after
    midnight (an hourly scorecard's 09:00 hour is not the whole day; a day whose midnight the
    clocks skip, Santiago's 6 September 2026, starts at 01:00, a time with no midnight to
    compare against: ``normalize()`` raised NonExistentTimeError there).

    >>> period_text(pd.DataFrame({"period": pd.to_datetime(["2026-03-06 09:00"])}))
    ' · period starting 2026-03-06 09:00'
    >>> period_text(pd.DataFrame({"period": pd.to_datetime(["2026-03-02"])}))
    ' · period starting 2026-03-02'
    >>> santiago = pd.Timestamp("2026-09-06 01:00", tz="America/Santiago")
    >>> period_text(pd.DataFrame({"period": [santiago]}))
    ' · period starting 2026-09-06 01:00'
    """
    if "period" not in rows.columns or rows.empty:
        return ""
    start = pd.Timestamp(rows["period"].iloc[0])
    time = f" {start:%H:%M}" if start.time() != datetime.time() else ""
    return f" · period starting {start:%Y-%m-%d}{time}"


def _number(row) -> str:
    """The value without its unit (the column header gives it), as format_value rounds it."""
    text = rated_value_text(row)
    return text.rsplit(" ", 1)[0] if is_number(row["value"]) and " " in text else text


def _trend_mark(row) -> str:
    """The arrow of a tested change: filled and green when better, outlined and red when
    worse (:func:`kpikit.display.trend_mark`); no mark when untested: only tested changes
    earn a symbol in a cell."""
    if row["trend"] not in ("up", "down", "flat"):
        return ""
    mark, _, color = trend_mark(row["trend"], row["improved"])
    return mark if row["trend"] == "flat" else f"<span style='color:{color}'>{mark}</span>"


def _trend_text(trend, improved) -> str:
    """ "▼ down, better": the mark, the direction and, for a rated change, its merit."""
    if not isinstance(trend, str):
        return ""
    mark, word, _ = trend_mark(trend, improved)
    return f"{mark} {trend}" + (f", {word}" if word else "")


def _trend_hover(trend, improved) -> str:
    if not isinstance(trend, str):
        return ""
    word = trend_mark(trend, improved)[1]
    return f"<br>change since the previous period: {trend}" + (f" ({word})" if word else "")


def _add_legend(fig, *, yshift, provisional=False):
    """The status and trend legend under the table, so status never rests on colour alone."""
    marks = _LEGEND + (f" · {PROVISIONAL_MARK} provisional" if provisional else "")
    fig.add_annotation(
        text=f"{marks} · {_TREND_NOTE}",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=yshift,
        showarrow=False,
        font={"size": 11},
    )
