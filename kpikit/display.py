"""How kpikit shows things: values in their unit, the status palette, change arrows, labels.

Low in the house (it reads only the catalog), so figures, apps, the scorecard's HTML and the
Excel exports format a number, colour a status or name a column the same way without importing
each other.

Conventions:

- **Values**: percent with one decimal (``82.4 %``), seconds whole (``312 s``), currency with
  two decimals, points with one; a missing value is ``–`` (:func:`format_value`,
  :data:`DECIMALS`).
- **Status** (red/amber/green, "RAG"): Okabe–Ito colours, which stay apart for the common
  colour-vision deficiencies, and always a mark and a word beside the colour
  (:data:`RAG_COLORS`, :data:`RAG_TINTS`, :data:`RAG_MARKS`, :data:`RAG_LABELS`).
- **Change**: the arrow shows the direction of the change (▲ up, ▼ down, ≈ no significant
  change); the colour says whether it is better (green) or worse (red) for that KPI
  (:func:`change_text`). Where a mark stands for a rated change, its shape says it too:
  filled ▲▼ better, outlined △▽ worse (:func:`trend_mark`).
- **Text in a status colour** (a mark, an arrow, a word) takes :data:`RAG_TEXT_COLORS`, darker
  versions that keep 4.5:1 against white and every tint (WCAG 1.4.3); the saturated
  :data:`RAG_COLORS` are for fills, lines and markers.
- **Labels**: KPI names and units from the catalog, grouping columns in words
  (``agent_id`` -> "Agent"), never a raw column name in a title (:func:`column_label`).
"""

import decimal
import html
import math
import re

from kpikit._validators import is_number
from kpikit.catalog import kpi as kpi_definition

__all__ = [
    "CHANGE_MARKS",
    "DECIMALS",
    "DIRECTION_HINTS",
    "RAG_COLORS",
    "RAG_LABELS",
    "RAG_MARKS",
    "RAG_STATUSES",
    "RAG_TEXT_COLORS",
    "RAG_TINTS",
    "UNIT_SYMBOLS",
    "axis_title",
    "change_text",
    "column_label",
    "figures_html",
    "unbroken_figures",
    "format_value",
    "is_number",
    "kpi_label",
    "signed_text",
    "target_text",
    "trend_mark",
    "value_range",
]

RAG_STATUSES = ("green", "amber", "red", "no data")
"""Scorecard statuses, best first; "no data" is a status of its own, never red."""

RAG_COLORS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00", "no data": "#999999"}
"""Saturated status colours (Okabe–Ito bluish green, orange, vermillion; grey for no data),
for marks, lines and markers."""

RAG_TINTS = {"green": "#BFE7DC", "amber": "#F9E3B2", "red": "#F4CDB2", "no data": "#E6E6E6"}
"""Light versions of :data:`RAG_COLORS` for cell backgrounds under dark text."""

RAG_TEXT_COLORS = {"green": "#00664A", "amber": "#7A5000", "red": "#9E3A00", "no data": "#595959"}
"""Darker versions of :data:`RAG_COLORS` for text and marks: at least 4.5:1 against white and
against each of :data:`RAG_TINTS` (the lowest, red text on the red tint, 4.65:1), as WCAG
1.4.3 asks of text below 18.66 px bold. The saturated colours are 2.3 to 3.9:1 there."""

RAG_MARKS = {"green": "✔", "amber": "!", "red": "✘", "no data": "–"}
"""A mark per status, shown beside its colour so that status never relies on colour alone."""

RAG_LABELS = {"green": "met", "amber": "within tolerance", "red": "missed", "no data": "no data"}
"""Plain words per status."""

CHANGE_MARKS = {"up": "▲", "down": "▼", "flat": "≈", "untested": "·"}
"""Arrows for a change between two periods: the direction of the change, not its merit."""

_RATED_MARKS = {(True, "up"): "▲", (True, "down"): "▼", (False, "up"): "△", (False, "down"): "▽"}

UNIT_SYMBOLS = {"seconds": "s", "percent": "%", "points": "", "currency": "", "count": ""}
"""Symbol written after a value of each catalog unit (none for points and for currency, which
is the user's)."""

DECIMALS = {"seconds": 0, "percent": 1, "points": 1, "currency": 2, "count": 0}
"""Decimals a value of each unit is shown and exported with."""

DIRECTION_HINTS = {
    "higher": "higher is better",
    "lower": "lower is better",
    "band": "inside the band is better",
    "neutral": "neither higher nor lower is better",
}

_NEUTRAL = "#222222"
_LABEL_UNITS = {"seconds": "s", "percent": "%", "points": "points"}
_COLUMN_LABELS = {
    "agent_id": "Agent",
    "team": "Team",
    "queue": "Queue",
    "channel": "Channel",
    "site": "Site",
    "reason": "Reason",
    "customer_id": "Customer",
    "period": "Period",
    "kpi": "KPI",
    "name": "KPI name",
    "ci_low": "95 % interval low",
    "ci_high": "95 % interval high",
    "wait_s": "Wait time (s)",
    "talk_s": "Talk time (s)",
    "hold_s": "Hold time (s)",
    "acw_s": "After-contact work (s)",
    "csat": "CSAT answer",
    "nps": "Likelihood to recommend (0-10)",
    "qa_score": "QA score (points)",
    "scheduled_s": "Scheduled time (s)",
    "paid_s": "Paid time (s)",
    "handling_s": "Handling time (s)",
    "available_s": "Available time (s)",
    "adherent_s": "Adherent time (s)",
    "cost": "Cost",
}


_NOISE_DIGITS = 6
"""Digits past those shown at which a value is rounded first, absorbing floating-point noise."""

_SCIENTIFIC_FROM = 1e15
"""Magnitude from which a value is written in scientific notation: a float holds about 15
significant digits, so written in full, a larger value would show noise digits (1e308 would be
a 309-digit string)."""

_SIGNIFICANT = decimal.Context(prec=15)
"""Rounds a value written in scientific notation to the 15 significant digits a float holds."""


def format_value(value, unit: str) -> str:
    """Short text for a KPI value in its unit (``"–"`` when missing).

    >>> format_value(82.44, "percent"), format_value(311.6, "seconds"), format_value(None, "points")
    ('82.4 %', '312 s', '–')
    >>> format_value(4.5, "currency"), format_value(1234.6, "seconds")
    ('4.50', '1,235 s')
    >>> format_value(180168.0, "count")
    '180,168'

    Floating-point noise does not move the last digit shown: engines that add in another order
    (80.84999999999998 and 80.85000000000002) show the same text.

    >>> format_value(80.84999999999998, "points") == format_value(80.85000000000002, "points")
    True

    A value that rounds to zero shows no sign (as :func:`signed_text`): -0.04 % is ``0.0 %``.

    >>> format_value(-0.04, "percent"), format_value(-0.0, "seconds")
    ('0.0 %', '0 s')

    Only a number is a value: text (``"12"``) and booleans are not, as :func:`is_number`'s
    docstring says, and show ``–`` like any other missing value rather than a number read into
    them (``True`` is not ``1.0 %``). From 10^15 on a value is written in scientific notation
    with at most 15 significant digits, the digits a float holds.

    >>> format_value("12", "percent"), format_value(True, "percent")
    ('–', '–')
    >>> format_value(1e308, "seconds"), format_value(10**400, "count")
    ('1e+308 s', '1e+400')
    """
    return _value_text(value, unit, DECIMALS.get(unit, 1))


def _real(value):
    """``value`` as a finite float (an int beyond a float's range as itself), or None when it
    is not a number to show (:func:`is_number`: missing, NaN, infinite, text or a boolean)."""
    if not is_number(value):
        return None
    try:
        return float(value)
    except OverflowError:  # an int too large for a float: still a finite number
        return value


def rounded_as_shown(number, decimals: int) -> float:
    """``number`` rounded to ``decimals`` places as the dashboards show it: first to
    ``decimals`` + :data:`_NOISE_DIGITS` places, so floating-point noise does not move the last
    digit shown, then to ``decimals``.

    >>> rounded_as_shown(80.85000000000002, 1), rounded_as_shown(80.84999999999998, 1)
    (80.8, 80.8)
    >>> round(80.85000000000002, 1)  # rounded once, the noise moves the last digit
    80.9
    """
    return round(round(float(number), decimals + _NOISE_DIGITS), decimals)


def _number_text(number, decimals: int, *, sign: bool = False, separators: bool = True) -> str:
    """A number from :func:`_real` to ``decimals`` places (in scientific notation from
    :data:`_SCIENTIFIC_FROM` on), with its sign when ``sign``; one that rounds to zero shows
    no sign (``-0.0`` would read as a fall, ``+0`` as a rise)."""
    if abs(number) >= _SCIENTIFIC_FROM:
        return format(_SIGNIFICANT.create_decimal(number).normalize(), "+e" if sign else "e")
    shown = rounded_as_shown(number, decimals)
    if shown == 0:
        return f"{0:.{decimals}f}"
    return f"{shown:{'+' if sign else ''}{',' if separators else ''}.{decimals}f}"


def _value_text(value, unit: str, decimals: int) -> str:
    """:func:`format_value` with ``decimals`` decimals."""
    number = _real(value)
    if number is None:
        return "–"
    text = _number_text(number, decimals)
    symbol = UNIT_SYMBOLS.get(unit, "")
    return f"{text} {symbol}" if symbol else text


_SAME_AS_TARGET = 1e-9
"""Relative gap below which a value counts as at its target: the slack with which
:func:`kpikit.scorecard.rate` absorbs floating-point noise (``_scorecard.status._EPSILON``;
display reads only the catalog, so the figure is repeated here)."""

_MAX_DECIMALS = 17
"""Most decimals :func:`rated_value_text` writes. A value a rating tells from its target
differs from it by at least 10^-9, which ten decimals show; the cap only bounds the search."""


def rated_value_text(row) -> str:
    """The value of a scorecard row as :func:`format_value` shows it, with as many more
    decimals as it takes when it would otherwise read as an edge of its rating while differing
    from it (:func:`rated_decimals`): a value that misses a target must not look as if it met
    it, nor a red value as if it were amber.

    A value within a billionth (relative) of its edge is rated as at it
    (:func:`kpikit.scorecard.rate` absorbs floating-point noise so), and is shown as the edge.

    >>> row = {"better": "higher", "unit": "percent", "target": 75.0, "value": 74.96}
    >>> rated_value_text(row), rated_value_text({**row, "value": 74.5})
    ('74.96 %', '74.5 %')
    >>> row = {"better": "lower", "unit": "seconds", "target": 300.0, "value": 300.4}
    >>> rated_value_text(row), rated_value_text({**row, "value": 300.0002})
    ('300.4 s', '300.0002 s')
    >>> rated_value_text({**row, "value": 300.00000000001})  # noise: rated as at 300 s
    '300 s'
    >>> rated_value_text({**row, "tolerance": 60.0, "value": 360.4})  # red, not amber's 360 s
    '360.4 s'

    A breach of a band (:func:`kpikit.breaches`) has the edge it missed as its ``target``:

    >>> rated_value_text({"better": "band", "unit": "percent", "target": 85.0, "value": 85.04})
    '85.04 %'
    """
    return _value_text(row["value"], row["unit"], rated_decimals(row))


def rated_decimals(row) -> int:
    """The decimals :func:`rated_value_text` shows the value of a scorecard row with: its
    unit's (:data:`DECIMALS`), and more while the value would read as one of the edges where
    its status changes (:func:`_rating_edges`) without being at it. A workbook stores the value
    with them too.

    >>> rated_decimals({"better": "higher", "unit": "percent", "target": 80.0,
    ...                 "tolerance": 10.0, "value": 69.96})   # red; 70.0 % would read as amber
    2
    """
    decimals = DECIMALS.get(row["unit"], 1)
    for edge in _rating_edges(row):
        decimals = decimals_apart(row["value"], edge, decimals)
    return decimals


def decimals_apart(value, edge, decimals: int) -> int:
    """The fewest decimals, ``decimals`` or more, at which ``value`` does not read as ``edge``
    (a target, a band edge): 79.96 against 80 is "79.96", not "80.0". A value within a
    billionth (relative) of the edge is at it, as :func:`kpikit.scorecard.rate` rates it
    (:data:`_SAME_AS_TARGET`: floating-point noise), and keeps ``decimals``; so does a missing
    value or edge. At most :data:`_MAX_DECIMALS`.

    >>> decimals_apart(79.96, 80.0, 1), decimals_apart(79.6, 80.0, 0), decimals_apart(64.2, 80, 0)
    (2, 1, 0)
    >>> decimals_apart(79.99999999999, 80.0, 1), decimals_apart(float("nan"), 80.0, 1)
    (1, 1)
    """
    number, edge = _real(value), _real(edge)
    if number is None or edge is None:
        return decimals
    if abs(number - edge) <= _SAME_AS_TARGET * max(1.0, abs(edge)):
        return decimals  # at it as the rating sees it
    while decimals < _MAX_DECIMALS and _number_text(number, decimals) == _number_text(
        edge, decimals
    ):
        decimals += 1
    return decimals


def short_of(levels, target: float):
    """Where service ``levels`` (a pandas Series) miss ``target``, as :func:`decimals_apart`
    reads them: floating-point noise below the target is at it, as the scorecard rates it (a
    level of 79.99999999999 shown "80" was marked missed). A missing level is not short.

    >>> import pandas as pd
    >>> short_of(pd.Series([79.99999999999, 79.96, 80.0, None]), 80.0).tolist()
    [False, True, False, False]
    """
    return levels < target - _SAME_AS_TARGET * max(1.0, abs(target))


def _rating_edges(row) -> list[float]:
    """Where the status of a scorecard row changes: its target (or band edges), and a
    ``tolerance`` away on the worse side of each, where amber turns red.

    >>> _rating_edges({"better": "band", "band_low": 75.0, "band_high": 85.0, "tolerance": 5.0})
    [75.0, 70.0, 85.0, 90.0]

    A band row without band edges is a breach (:func:`kpikit.breaches`): its ``target`` is the
    edge it missed, on the side of its value.

    >>> _rating_edges({"better": "band", "target": 85.0, "tolerance": 5.0, "value": 85.04})
    [85.0, 90.0]
    """
    better = row.get("better")
    band = [row.get("band_low"), row.get("band_high")]
    if better == "band" and any(_real(edge) is not None for edge in band):
        pairs = [(band[0], -1.0), (band[1], 1.0)]
    elif better == "band":
        value, target = _real(row.get("value")), _real(row.get("target"))
        above = value is not None and target is not None and value > target
        pairs = [(row.get("target"), 1.0 if above else -1.0)]
    else:
        pairs = [(row.get("target"), -1.0 if better == "higher" else 1.0)]
    tolerance = _real(row.get("tolerance")) or 0.0
    edges = []
    for edge, worse in ((_real(edge), worse) for edge, worse in pairs):
        if edge is not None:
            edges += [edge, edge + worse * tolerance] if tolerance else [edge]
    return edges


_FIGURE_AND_UNIT = re.compile(r"(\d) (s|%)(?!\w)")


def figures_html(text: str) -> str:
    """``text`` escaped for HTML, each number held on the line of its unit.

    A narrow table cell wraps at spaces; a no-break space between a number and its unit keeps
    "240 s" whole instead of leaving "240" at a line's end and "s" at the next one's start.

    >>> figures_html("avg 240 s to 360 s; 80.0 % or more <b>")
    'avg 240&nbsp;s to 360&nbsp;s; 80.0&nbsp;% or more &lt;b&gt;'
    """
    return unbroken_figures(html.escape(text))


def unbroken_figures(markup: str) -> str:
    """``markup`` (HTML whose text is escaped already) with each number held on the line of its
    unit, as :func:`figures_html` does: a heading or a sentence on a phone wraps too.

    >>> unbroken_figures("<b>81.8 %</b> of 93 contacts within 20 s")
    '<b>81.8&nbsp;%</b> of 93 contacts within 20&nbsp;s'
    """
    return _FIGURE_AND_UNIT.sub(r"\1&nbsp;\2", markup)


def target_text(row) -> str:
    """The target of a scorecard row (its ``better`` column says which way is better) as text:
    ``"≥ 75.0 %"``, ``"≤ 300 s"``, ``"75.0 %–85.0 %"``.

    >>> target_text({"better": "lower", "unit": "seconds", "target": 300.0})
    '≤ 300 s'
    >>> target_text({"better": "higher", "unit": "percent", "target": float("nan")})  # none
    '–'

    A band with one missing edge is one-sided and written as a one-sided target; a band with
    neither edge is no target at all.

    >>> band = {"better": "band", "unit": "percent", "band_low": 70.0, "band_high": 85.0}
    >>> target_text(band), target_text({**band, "band_low": float("nan")})
    ('70.0 %–85.0 %', '≤ 85.0 %')
    >>> target_text({**band, "band_high": None}), target_text({**band, "band_low": None,
    ...                                                        "band_high": None})
    ('≥ 70.0 %', '–')

    A service-level target set at an answer threshold (``threshold_s``, 80/20) says within
    what time:

    >>> target_text({"better": "higher", "unit": "percent", "target": 80.0, "threshold_s": 20.0})
    '≥ 80.0 % within 20 s'
    """
    text = _target_edges(row)
    threshold = row.get("threshold_s")
    if text != "–" and is_number(threshold):
        return f"{text} within {format_value(threshold, 'seconds')}"
    return text


def _target_edges(row) -> str:
    """The target or band of a scorecard row as text (see :func:`target_text`)."""
    if row["better"] == "band":
        low, high = (format_value(row[edge], row["unit"]) for edge in ("band_low", "band_high"))
        if "–" not in (low, high):
            return f"{low}–{high}"
        at_least, at_most = (low, "") if high == "–" else ("", high)
    else:
        shown = format_value(row["target"], row["unit"])
        at_least, at_most = (shown, "") if row["better"] == "higher" else ("", shown)
    if at_least not in ("", "–"):
        return f"≥ {at_least}"
    if at_most not in ("", "–"):
        return f"≤ {at_most}"
    return "–"


def kpi_label(kpi_id: str, *, short: bool = False) -> str:
    """A KPI's name with its unit, once: "Abandonment rate (%)", "Abandon %", "AHT (s)".

    >>> kpi_label("abandonment_rate"), kpi_label("abandonment_rate", short=True)
    ('Abandonment rate (%)', 'Abandon %')
    >>> kpi_label("aht", short=True), kpi_label("nps"), kpi_label("cost_per_contact")
    ('AHT (s)', 'Net promoter score (points)', 'Cost per contact')
    """
    definition = kpi_definition(kpi_id)
    name = definition.short_name if short else definition.name
    symbol = _LABEL_UNITS.get(definition.unit, "")
    if not symbol or name.endswith(symbol):
        return name
    return f"{name} ({symbol})"


def axis_title(kpi_id: str) -> str:
    """Axis title: KPI name, unit and which way is better.

    >>> axis_title("aht")
    'Average handle time (s) · lower is better'
    """
    definition = kpi_definition(kpi_id)
    return f"{kpi_label(kpi_id)} · {DIRECTION_HINTS[definition.direction]}"


def value_range(kpi_id: str) -> tuple[float, float | None]:
    """The values a KPI can take (:attr:`kpikit.catalog.KPI.value_range`), None for no upper
    bound: percent 0–100 (but schedule conformance, which overtime takes past 100), NPS
    −100–100, QA 0–100, others from 0 up.

    Axes never run past these bounds (a CSAT axis stops at 100 %).

    >>> value_range("csat"), value_range("nps"), value_range("aht")
    ((0.0, 100.0), (-100.0, 100.0), (0.0, None))
    >>> value_range("schedule_conformance")
    (0.0, None)
    """
    low, high = kpi_definition(kpi_id).value_range
    return low, None if math.isinf(high) else high


def column_label(column) -> str:
    """A column in words: ``agent_id`` -> "Agent", a column of seconds with its unit
    (``wait_s`` -> "Wait time (s)"); other names are tidied.

    >>> column_label("agent_id"), column_label("sub_queue"), column_label(None)
    ('Agent', 'Sub queue', 'All')
    >>> column_label("wait_s"), column_label("qa_score")
    ('Wait time (s)', 'QA score (points)')

    Any other name ending in ``_s`` (seconds, in the data model) has its unit the same way:

    >>> column_label("threshold_s"), column_label("ring_time_s")
    ('Threshold (s)', 'Ring time (s)')
    """
    if column is None:
        return "All"
    column = str(column)
    if column in _COLUMN_LABELS:
        return _COLUMN_LABELS[column]
    if column.endswith("_s") and len(column) > 2:
        return f"{column_label(column[:-2])} (s)"
    return column.replace("_", " ").capitalize()


def trend_mark(trend, improved) -> tuple[str, str, str]:
    """The mark, the word and the text colour of a change between two periods.

    A significant rise or fall that is better for the KPI has a filled arrow (▲ ▼) in green,
    one that is worse an outlined arrow (△ ▽) in red, so that shape and word tell them apart
    without the colour (WCAG 1.4.1); the colours are :data:`RAG_TEXT_COLORS`.

    Parameters
    ----------
    trend : {"up", "down", "flat", "untested"} or None
        The scorecard's ``trend``.
    improved : bool or None
        The scorecard's ``improved``: whether the change is better for the KPI.

    Returns
    -------
    (str, str, str)
        The mark (``""`` when there is no change to show), "better", "worse" or ``""``, and
        a CSS colour.

    Examples
    --------
    >>> trend_mark("down", True), trend_mark("up", False)   # AHT down: better; AHT up: worse
    (('▼', 'better', '#00664A'), ('△', 'worse', '#9E3A00'))
    >>> trend_mark("flat", None), trend_mark(None, None)
    (('≈', '', '#555555'), ('', '', '#555555'))
    """
    if trend in ("up", "down") and improved in (True, False):
        status = "green" if improved else "red"
        word = "better" if improved else "worse"
        return _RATED_MARKS[(bool(improved), trend)], word, RAG_TEXT_COLORS[status]
    return CHANGE_MARKS.get(trend, "") if isinstance(trend, str) else "", "", "#555555"


def decimals_needed(*values, most: int) -> int:
    """The fewest decimals, at most ``most``, that write each finite number of ``values`` as
    it is (a user's 85.5 is not "86"); ``most`` for one that needs more.

    >>> decimals_needed(80.0, most=6), decimals_needed(28.61, most=6)
    (0, 2)
    >>> decimals_needed(1 / 3, most=2)
    2
    >>> decimals_needed(16.0, 16.48, most=2), decimals_needed(120.0, float("nan"), most=2)
    (2, 0)
    """
    finite = [float(value) for value in values if is_number(value)]
    return next(
        (
            places
            for places in range(most)
            if all(math.isclose(round(value, places), value, abs_tol=1e-9) for value in finite)
        ),
        most,
    )


def signed_text(value: float, decimals: int = 1, *, separators: bool = False) -> str:
    """``value`` with its sign, to ``decimals`` places; one that rounds to zero shows no sign
    (``-0.0`` would read as a fall, ``+0`` as a rise). ``separators``: thousands separated by
    commas, as :func:`format_value` writes them.

    Every rounded change kpikit shows is written here; unsigned values are written by
    :func:`format_value`, which drops the minus of a rounded zero too. A user's own
    what-if inputs, echoed in scenario names (``volume +10 %``), are written as given.

    >>> signed_text(2.0), signed_text(-0.04), signed_text(-12.5, 0), signed_text(0.4, 0)
    ('+2.0', '0.0', '-12', '0')
    >>> signed_text(-1234.5, 0, separators=True), signed_text(1234.5, 0)
    ('-1,234', '+1234')

    A missing value has no sign (``+nan`` would read as a rise): it is ``–``, as in
    :func:`format_value`, which also writes huge values in scientific notation.

    >>> signed_text(float("nan")), signed_text(None), signed_text(-1e308)
    ('–', '–', '-1e+308')
    """
    number = _real(value)
    if number is None:
        return "–"
    return _number_text(number, decimals, sign=True, separators=separators)


def change_text(difference, unit: str, direction: str | None) -> tuple[str, str]:
    """A change as signed text with its arrow, and the colour that says better or worse.

    The arrow follows the sign (▲ up, ▼ down). For a KPI with a better side the change also
    says ``better`` or ``worse`` in words, a worse one with an outlined arrow (△ ▽), in the
    text colours of :data:`RAG_TEXT_COLORS` (green, red), so that neither the colour nor the
    shape alone tells it (WCAG 1.4.1); dark grey for a KPI without a better side
    (``direction`` None or ``"band"``) and for a change too small to show.

    Parameters
    ----------
    difference : float
        New value minus old value, in ``unit``.
    unit : str
        A catalog unit, or ``"hours"`` or ``"count"``.
    direction : {"higher", "lower", "band"} or None
        Which way is better.

    Returns
    -------
    (str, str)
        Text such as ``"▼ -1.5 pts"`` and a CSS colour.

    Examples
    --------
    >>> change_text(-30.0, "seconds", "lower")   # AHT down 30 s: better
    ('▼ -30 s, better', '#00664A')
    >>> change_text(-2.0, "percent", "higher")   # service level down 2 points: worse
    ('▽ -2.0 pts, worse', '#9E3A00')
    >>> change_text(-2.0, "count", None)   # agents: no better side
    ('▼ -2', '#222222')
    >>> change_text(0.01, "percent", "higher")
    ('0.0 pts', '#222222')

    Floating-point noise does not move the last digit shown (:func:`rounded_as_shown`): a
    change of 0.85 points summed in another order is the same text.

    >>> change_text(0.8500000000000227, "percent", None), change_text(0.8499999999999801,
    ...                                                               "percent", None)
    (('▲ +0.8 pts', '#222222'), ('▲ +0.8 pts', '#222222'))
    """
    if not is_number(difference):
        return "–", "#555555"
    decimals, suffix = {
        "percent": (1, " pts"),
        "seconds": (0, " s"),
        "points": (1, " points"),
        "currency": (2, ""),
        "hours": (1, " h"),
    }.get(unit, (0, ""))
    shown = rounded_as_shown(difference, decimals)
    if shown == 0:
        return f"{0:.{decimals}f}{suffix}", _NEUTRAL
    trend = "up" if shown > 0 else "down"
    number = f"{signed_text(shown, decimals, separators=True)}{suffix}"
    if direction not in ("higher", "lower"):
        return f"{CHANGE_MARKS[trend]} {number}", _NEUTRAL
    mark, word, color = trend_mark(trend, (shown > 0) == (direction == "higher"))
    return f"{mark} {number}, {word}", color
