"""Private engine shared by the figure builders: input checks, labels and the base figure.

Builders stay thin: they check their inputs here, take labels, units and value formats from
:mod:`kpikit.display` (which reads the KPI catalog), start from :func:`new_figure` (kpikit
template, common margins) and add traces. No KPI maths.
"""

import html
from numbers import Real

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpikit._frames import pandas_frame
from kpikit._validators import check_choice, check_number
from kpikit.catalog import KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.display import (  # noqa: F401  (re-exported to the builders)
    axis_title,
    column_label,
    decimals_apart,
    format_value,
    is_number,
    kpi_label,
    rounded_as_shown,
    short_of,
    value_range,
)
from kpikit.plots._template import TEMPLATE_NAME

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

TIER_STYLE = {
    "average": ("Average range", "rgba(153, 153, 153, 0.40)", 0.9),
    "world_class": ("World class", "rgba(0, 114, 178, 0.35)", 0.9),
    "target": ("Recommended target", "rgba(0, 158, 115, 0.45)", 0.45),
}
"""Benchmark tiers drawn by the builders: legend label, fill colour and bar width."""


def require_columns(frame: pd.DataFrame, columns, argument: str) -> None:
    """Raise ValueError naming ``argument`` when ``frame`` lacks any of ``columns``."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"Value of {argument!r} is missing column(s) {missing}. "
            f"Expected columns {list(columns)} but received: {list(frame.columns)}"
        )


def rows_for_kpi(frame: pd.DataFrame, kpi_id: str, argument: str) -> pd.DataFrame:
    """Keep the rows of one KPI when the frame is tidy (has a ``kpi`` column)."""
    if "kpi" not in frame.columns:
        return frame
    rows = frame[frame["kpi"] == kpi_id]
    if rows.empty:
        raise ValueError(
            f"Value of {argument!r} has no rows for kpi {kpi_id!r}. "
            f"KPIs present: {sorted(frame['kpi'].dropna().unique())}"
        )
    return rows


def benchmark_rows(frame, argument: str = "benchmarks", *, kpi=None) -> pd.DataFrame:
    """Benchmark rows to draw: one sector and channel, the first row per (KPI, tier).

    An empty frame means no benchmarks. Several rows can share a tier (the catalog gives AHT
    for general service, technical support and simple inquiries); the first, as the catalog
    orders them, is drawn. Filter the rows beforehand to draw another. With ``kpi``, only that
    KPI's rows are checked and kept: the other KPIs' channels do not matter to its chart.
    """
    rows = pandas_frame(frame, argument)
    if rows.empty:
        return pd.DataFrame({"kpi": [], "tier": [], "low": [], "high": []})
    require_columns(rows, ["kpi", "tier", "low", "high"], argument)
    if kpi is not None:
        rows = rows[rows["kpi"] == kpi]
    own = rows[~rows["fallback"].astype(bool)] if "fallback" in rows.columns else rows
    for column in ("sector", "channel"):
        if column in own.columns and own[column].nunique() > 1:
            raise ValueError(
                f"Value of {argument!r} must hold one {column} but holds "
                f"{sorted(own[column].unique())}: filter with "
                "kk.benchmarks(sector=..., channel=...)."
            )
    _check_benchmark_values(rows, argument)
    _check_benchmark_units(rows, argument)
    _check_one_channel_per_kpi(rows, argument)
    return rows.drop_duplicates(["kpi", "tier"], keep="first").reset_index(drop=True)


def _check_benchmark_values(rows: pd.DataFrame, argument: str) -> None:
    """Refuse a tier that is not drawn (``"Average"`` for ``"average"``) and a range whose low
    end passes its high end: either would draw a wrong or no band, silently."""
    unknown = ~rows["tier"].isin(list(TIER_STYLE))
    if unknown.any():
        raise ValueError(
            f"Value of {argument!r} has unknown tier value(s) "
            f"{rows.loc[unknown, 'tier'].drop_duplicates().head(5).tolist()} in column 'tier' "
            f"(rows {rows.index[unknown.to_numpy()][:5].tolist()}). Expected one of "
            f"{list(TIER_STYLE)}"
        )
    low = pd.to_numeric(rows["low"], errors="coerce")
    high = pd.to_numeric(rows["high"], errors="coerce")
    reversed_ = (low > high).to_numpy()
    if reversed_.any():
        shown = rows.loc[reversed_, ["kpi", "tier", "low", "high"]].head(5)
        raise ValueError(
            f"Value of {argument!r} must have low <= high in every row but row(s) "
            f"{rows.index[reversed_][:5].tolist()} hold {shown.to_dict('records')}"
        )


def _check_benchmark_units(rows: pd.DataFrame, argument: str) -> None:
    """Refuse a row whose ``unit`` is not its KPI's catalog unit: the axis is drawn in the
    catalog unit, so AHT in minutes would read as seconds and an FCR of 0.70 as a fraction
    would sit at 0.7 % on a 0..100 % axis, without a word. A frame without ``unit`` is taken
    to be in catalog units, as :func:`kpikit.benchmarks` gives them."""
    if "unit" not in rows.columns:
        return
    known = rows[rows["kpi"].isin(KPI_IDS) & rows["unit"].notna()]
    expected = known["kpi"].map(lambda kpi_id: kpi_definition(kpi_id).unit)
    wrong = known[known["unit"] != expected]
    if not wrong.empty:
        found = [
            f"row {index}: {row.kpi} in {row.unit!r}, catalog unit {expected[index]!r}"
            for index, row in wrong.head(5).iterrows()
        ]
        raise ValueError(
            f"Value of {argument!r} must give each range in its KPI's catalog unit but "
            f"{'; '.join(found)}. Convert those rows (minutes x 60 = seconds, "
            "fraction x 100 = percent) or take them from kk.benchmarks()."
        )


def _check_one_channel_per_kpi(rows: pd.DataFrame, argument: str) -> None:
    """Refuse a KPI with ranges for several channels (cost per contact for phone, chat and
    email, as ``kk.benchmarks(sector=...)`` without a channel gives it): one bullet holds one
    range per tier, so all but the first channel would be dropped, silently. General rows
    (channel ``"all"``) beside one channel's rows are what ``kk.benchmarks(channel=...)``
    returns and are drawn."""
    if "channel" not in rows.columns:
        return
    specific = rows[rows["channel"] != "all"]
    channels = specific.groupby("kpi", sort=False)["channel"].unique()
    several = channels[channels.map(len) > 1]
    if not several.empty:
        found = "; ".join(f"{kpi_id}: {list(names)}" for kpi_id, names in several.items())
        raise ValueError(
            f"Value of {argument!r} must hold one channel per KPI but holds several ({found}): "
            "pick one with kk.benchmarks(sector=..., channel=...)."
        )


def number_column(
    frame: pd.DataFrame,
    column: str,
    by=None,
    *,
    minimum=None,
    maximum=None,
    argument: str = "frame",
) -> pd.Series:
    """Column ``column`` of ``frame`` (the value of ``argument``) as floats (missing: NaN);
    text, infinity or a value below ``minimum`` or above ``maximum`` is refused, naming the
    groups of ``by`` (else the rows) that hold it: plotly would draw text on a category axis,
    and leave infinity or a value off a fixed axis out, without a word.

    >>> number_column(pd.DataFrame({"value": [1.0, float("inf")]}), "value")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'frame' must hold finite numbers in column 'value' but 1 row(s) hold \
[inf] (rows [1])
    """
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        kinds = values.map(lambda value: isinstance(value, Real) and not isinstance(value, bool))
        text = values.notna() & ~kinds
        if text.any():
            raise TypeError(
                f"Value of {argument!r} must hold numbers in column {column!r} but "
                f"{_where(frame, text, column, by)}"
            )
    floats = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.isinf(floats) | (floats < minimum if minimum is not None else False)
    bad |= floats > maximum if maximum is not None else False
    if bad.any():
        limit = "" if minimum is None else f" >= {minimum:g}"
        limit += "" if maximum is None else f"{' and' if limit else ''} <= {maximum:g}"
        raise ValueError(
            f"Value of {argument!r} must hold finite numbers{limit} in column {column!r} but "
            f"{_where(frame, bad, column, by)}"
        )
    return pd.Series(floats, index=frame.index)


def _where(frame: pd.DataFrame, bad, column: str, by) -> str:
    """``"2 row(s) hold ['abc', ...] (agent_id ['a', ...])"``: what is wrong, and where."""
    bad = np.asarray(bad, dtype=bool)
    rows = frame[bad]
    place = f"{by} {rows[by].head(5).tolist()}" if by else f"rows {rows.index[:5].tolist()}"
    return f"{int(bad.sum())} row(s) hold {rows[column].head(5).tolist()} ({place})"


def require_periods(frame: pd.DataFrame, argument: str, column: str = "period") -> None:
    """Refuse rows without a period: plotly leaves a point without its x out, silently."""
    missing = frame[column].isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"Value of {argument!r} must have a period in every row but {int(missing.sum())} "
            f"row(s) have none in column {column!r} (rows {frame.index[missing][:5].tolist()})"
        )


def require_datetimes(frame: pd.DataFrame, argument: str, column: str = "period") -> None:
    """Refuse a ``column`` that does not hold datetimes (``"2024-03-04 09:00"`` as text):
    text has no place on a time axis, and its format would be guessed.

    >>> require_datetimes(pd.DataFrame({"period": ["2024-03-04 09:00"]}), "plan")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: Value of 'plan' must hold datetimes in column 'period' but it holds ... values \
such as ['2024-03-04 09:00']: convert it with pd.to_datetime
    """
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return
    raise TypeError(
        f"Value of {argument!r} must hold datetimes in column {column!r} but it holds "
        f"{values.dtype} values such as {values.head(3).tolist()}: convert it with "
        "pd.to_datetime"
    )


def require_one_row_per_period(
    frame: pd.DataFrame, argument: str, why: str, column: str = "period"
) -> None:
    """Refuse two rows for one period, saying ``why`` they cannot both be drawn.

    >>> two = pd.DataFrame({"period": pd.to_datetime(["2024-03-04 09:00"] * 2)})
    >>> require_one_row_per_period(two, "plan", "one would hide the other")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'plan' must have one row per period but has 2 rows for 1 of them \
(first: period=2024-03-04 09:00:00); one would hide the other: drop the duplicates.
    """
    repeated = frame[frame[column].duplicated(keep=False)]
    if repeated.empty:
        return
    raise ValueError(
        f"Value of {argument!r} must have one row per period but has {len(repeated)} rows for "
        f"{repeated[column].nunique()} of them (first: {column}={repeated[column].min()!s}); "
        f"{why}: drop the duplicates."
    )


def clock_changes(periods: pd.Series) -> tuple[pd.Series, list[str]]:
    """Hover text and axis notes for the clock changes between time-zone-aware ``periods``.

    Plotly places a zoned time at its wall-clock time and drops its offset. On the day the
    clocks go back, two periods share one place (02:00 +02:00 and 02:00 +01:00 in Paris); on
    the day they go forward an hour of the axis is empty. Each period whose wall time another
    period shares gets a text for hovers and labels, its local time with its UTC offset
    (``""`` for the others); each change between periods less than a day apart on the clock
    gets a note for the axis title (a daily axis has no hour to skip or repeat). Naive
    periods: no text, no notes.

    Examples
    --------
    >>> night = pd.Series(pd.date_range("2026-10-25 00:00", periods=4, freq="h",
    ...                                 tz="Europe/Paris"))
    >>> texts, notes = clock_changes(night)
    >>> texts.tolist()
    ['', '', '2026-10-25 02:00+02:00', '2026-10-25 02:00+01:00']
    >>> for part in notes[0].split(": "):
    ...     print(part)
    clocks go back 1 h on 25 Oct 2026 (Europe/Paris)
    1 h of wall times repeat, told apart by UTC offset
    """
    texts = pd.Series("", index=periods.index, dtype=object)
    zone = (
        getattr(periods.dt, "tz", None) if pd.api.types.is_datetime64_any_dtype(periods) else None
    )
    if zone is None:
        return texts, []
    instants = periods.dropna().drop_duplicates().sort_values()
    walls = instants.dt.tz_localize(None)
    shared = set(walls[walls.duplicated(keep=False)])
    repeated = periods.notna() & periods.dt.tz_localize(None).isin(shared)
    texts[repeated] = periods[repeated].map(lambda stamp: stamp.isoformat(" ", "minutes"))
    notes = []
    wall_steps = walls.diff()
    shifts = wall_steps - instants.diff()
    for when, wall_step, shift in zip(instants, wall_steps, shifts, strict=True):
        if pd.isna(shift) or shift == pd.Timedelta(0) or wall_step >= pd.Timedelta(days=1):
            continue
        hours = f"{abs(shift) / pd.Timedelta(hours=1):g} h"
        what = "go back" if shift < pd.Timedelta(0) else "go forward"
        effect = (
            f"{hours} of wall times repeat, told apart by UTC offset"
            if shift < pd.Timedelta(0)
            else f"the axis skips {hours}"
        )
        notes.append(f"clocks {what} {hours} on {when:%d %b %Y} ({zone}): {effect}")
    return texts, notes


def choice(value, valid, argument: str):
    """Return ``value`` when it is one of ``valid``; otherwise raise a ValueError listing them."""
    return check_choice(argument, value, valid)


def kpi_argument(kpi_id, argument: str = "kpi"):
    """The catalog definition of ``kpi_id``; a ValueError naming ``argument`` when it is not a
    KPI id.

    >>> kpi_argument("ahtt", "x")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'x' is not a KPI id... received: 'ahtt'. Did you mean 'aht'?
    """
    check_choice(argument, kpi_id, KPI_IDS, "a KPI id")
    return kpi_definition(kpi_id)


def kpi_number(argument: str, value, kpi_id: str) -> float:
    """``value`` as a float when it is a finite number the KPI can take (a percent 0..100, an
    AHT >= 0; :func:`kpikit.display.value_range`); otherwise raise naming ``argument``.

    >>> kpi_number("target", 150, "csat")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'target' must be a finite number >= 0 and <= 100 but received: 150
    """
    low, high = value_range(kpi_id)
    return float(check_number(argument, value, minimum=low, maximum=high))


def optional_kpi_number(argument: str, value, kpi_id: str):
    """None for None, NaN or ``pd.NA`` (nothing to draw: ``pd.NA`` is what a nullable
    ``Float64`` column, as pandas 3 reads, holds for a missing value), else :func:`kpi_number`.

    >>> optional_kpi_number("target", float("nan"), "csat") is None, optional_kpi_number(
    ...     "target", 80, "csat")
    (True, 80.0)
    >>> optional_kpi_number("value", pd.NA, "fcr") is None
    True
    """
    if (
        value is None
        or value is pd.NA
        or (isinstance(value, float | np.floating) and np.isnan(value))
    ):
        return None
    return kpi_number(argument, value, kpi_id)


def level_text(value: float, target: float, decimals: int = 0) -> str:
    """A service level beside its target, as a bar's label or hover gives it: to
    ``decimals`` places, with the more it takes not to read as the target it misses, or
    meets by a hair (79.6 against 80 is "79.6", not "80" marked missed), as a scorecard
    shows it (:func:`kpikit.display.decimals_apart`).

    >>> level_text(79.6, 80.0), level_text(80.4, 80.0), level_text(80.0, 80.0)
    ('79.6', '80.4', '80')
    >>> level_text(64.2, 80.0), level_text(79.96, 80.0), level_text(79.96, 80.0, 1)
    ('64', '79.96', '79.96')

    Floating-point noise is at the target, as the scorecard rates it; a level that rounds to
    zero shows no sign.

    >>> level_text(79.99999999999, 80.0), level_text(-0.2, 80.0, 0)
    ('80', '0')
    """
    decimals = decimals_apart(value, target, decimals)
    return f"{rounded_as_shown(value, decimals):z.{decimals}f}"


def bounded_range(kpi_id: str, values, *, pad: float = 0.05) -> list[float]:
    """Axis range for ``values`` of a KPI, padded but never past the KPI's possible values.

    A CSAT axis stops at 100 %, an AHT axis at 0 s (:func:`kpikit.display.value_range`).

    Examples
    --------
    >>> bounded_range("csat", [60.0, 98.0])   # 98 + 5 % of 38 would pass 100
    [58.1, 100.0]
    """
    low, high = value_range(kpi_id)
    finite = [float(value) for value in values if is_number(value)]
    if not finite:
        return [low, 100.0 if high is None else high]
    span = (max(finite) - min(finite)) or abs(max(finite)) or 1.0
    bottom, top = min(finite) - pad * span, max(finite) + pad * span
    bottom = max(bottom, low)
    top = top if high is None else min(top, high)
    return [round(bottom, 6), round(top, 6)]


MISSING_GROUP = "(none)"
"""The group shown for rows whose grouping value is missing."""
MISSING_GROUP_TAKEN = "(no value)"
"""Its name when a real group is already called ``MISSING_GROUP``, so the two stay apart."""


def escape_text(text) -> str:
    """``text`` as plotly shows it literally: ``<``, ``>`` and ``&`` as entities (plotly reads
    tags such as ``<a href=...>`` in labels and hovers) and ``%{`` as ``&#37;{`` (plotly reads
    it as a placeholder in a hover template). Quotes stay: without ``<`` they form no tag, and
    plotly does not decode ``&quot;``. :func:`html.unescape` gives the text back.

    Examples
    --------
    >>> escape_text("<a href='http://evil'>y</a> & %{x}")
    "&lt;a href='http://evil'&gt;y&lt;/a&gt; &amp; &#37;{x}"
    """
    return html.escape(str(text), quote=False).replace("%{", "&#37;{")


def ordered_groups(keys: pd.Series) -> pd.Series:
    """Each row's group as escaped text (:func:`escape_text`), ordered as the groups' values
    are: numbers by size, times by date, categories as declared, text alphabetically; a
    missing value is the group ``"(none)"`` (``"(no value)"`` when a real group is called so),
    last.

    The result is an ordered categorical of the groups present, so sorting or grouping by it
    follows that order (``"9"`` before ``"10"``, where text would put ``"10"`` first). Values
    of mixed kinds that cannot be compared are ordered by their text. Groups are told apart
    by value: when two values read the same (``1`` and ``"1"``), the text one is quoted.

    Examples
    --------
    >>> groups = ordered_groups(pd.Series([10, 9, None, 9], dtype="Int64"))
    >>> groups.tolist(), list(groups.cat.categories)
    (['10', '9', '(none)', '9'], ['9', '10', '(none)'])
    >>> sizes = pd.Series(pd.Categorical(["low", "high"], categories=["low", "mid", "high"]))
    >>> list(ordered_groups(sizes).cat.categories)   # as declared, unused ones left out
    ['low', 'high']
    >>> ordered_groups(pd.Series([1, "1", "<b>"], dtype=object)).tolist()
    ['1', '"1"', '&lt;b&gt;']
    """
    return group_labels(keys.to_frame("key"), ["key"]).rename(keys.name)


def group_labels(frame: pd.DataFrame, columns) -> pd.Series:
    """Each row's group over one or several columns as escaped text (``"north · alice"``),
    an ordered categorical as :func:`ordered_groups` orders and names the groups; ``"all"``
    without columns.

    Rows are grouped by their values, not their text: when two groups read the same
    (``("x · y", "z")`` and ``("x", "y · z")``, or ``1`` and ``"1"``), their text values are
    quoted (``"x · y" · "z"`` and ``"x" · "y · z"``).

    Examples
    --------
    >>> teams = pd.DataFrame({"site": ["x · y", "x", None], "team": ["z", "y · z", "b"]})
    >>> group_labels(teams, ["site", "team"]).tolist()
    ['"x · y" · "z"', '"x" · "y · z"', '(none) · b']
    """
    keys = frame[list(columns)] if columns else pd.DataFrame({"all": "all"}, index=frame.index)
    parts = [_group_parts(keys.iloc[:, position]) for position in range(keys.shape[1])]
    ranks = pd.DataFrame({position: part[0] for position, part in enumerate(parts)})
    plain, quoted = (_joined([part[i] for part in parts]) for i in (1, 2))
    group = ranks.groupby(list(ranks.columns), sort=True).ngroup()  # by value, in order
    firsts = group.drop_duplicates().sort_values().index
    clashing = plain[firsts][plain[firsts].duplicated(keep=False)]
    labels = plain.where(~plain.isin(clashing), quoted).map(escape_text)
    order = pd.CategoricalDtype(labels[firsts].tolist(), ordered=True)
    return labels.astype(order).set_axis(frame.index)


def _joined(texts: list) -> pd.Series:
    joined = texts[0]
    for text in texts[1:]:
        joined = joined + " · " + text
    return joined


def _group_parts(values: pd.Series) -> tuple:
    """Per row of one grouping column: the rank of its value (missing last), its text and its
    text with a text value quoted (both ``"(none)"`` when missing). Row positions as index."""
    values = values.reset_index(drop=True)  # positions: the frame's own index may repeat labels
    present = values.notna()
    distinct = values[present].drop_duplicates()  # by value: 1 and "1" stay apart
    try:
        distinct = distinct.sort_values(kind="stable")
    except TypeError:  # kinds that cannot be compared: by their text
        distinct = distinct[distinct.astype(object).astype(str).sort_values(kind="stable").index]
    objects = values.astype(object)
    ranks = objects.map({value: rank for rank, value in enumerate(distinct)})
    text = objects.map(str)
    missing = MISSING_GROUP if not (text[present] == MISSING_GROUP).any() else MISSING_GROUP_TAKEN
    quoted = objects.map(lambda value: f'"{value}"' if isinstance(value, str) else str(value))
    return (
        ranks.where(present, len(distinct)).astype(int),
        text.where(present, missing),
        quoted.where(present, missing),
    )


def new_figure(title: str, *, height=None, **layout) -> go.Figure:
    """An empty figure with the kpikit template, a title and (when given) a height."""
    fig = go.Figure()
    if height is not None:
        layout["height"] = height
    fig.update_layout(template=TEMPLATE_NAME, title={"text": title}, **layout)
    return fig
