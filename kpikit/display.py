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
  (:func:`change_text`).
- **Labels**: KPI names and units from the catalog, grouping columns in words
  (``agent_id`` -> "Agent"), never a raw column name in a title (:func:`column_label`).
"""

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
    "RAG_TINTS",
    "UNIT_SYMBOLS",
    "axis_title",
    "change_text",
    "column_label",
    "figures_html",
    "format_value",
    "is_number",
    "kpi_label",
    "signed_text",
    "target_text",
    "value_range",
]

RAG_STATUSES = ("green", "amber", "red", "no data")
"""Scorecard statuses, best first; "no data" is a status of its own, never red."""

RAG_COLORS = {"green": "#009E73", "amber": "#E69F00", "red": "#D55E00", "no data": "#999999"}
"""Saturated status colours (Okabe–Ito bluish green, orange, vermillion; grey for no data),
for marks, lines and markers."""

RAG_TINTS = {"green": "#BFE7DC", "amber": "#F9E3B2", "red": "#F4CDB2", "no data": "#E6E6E6"}
"""Light versions of :data:`RAG_COLORS` for cell backgrounds under dark text."""

RAG_MARKS = {"green": "✔", "amber": "!", "red": "✘", "no data": "–"}
"""A mark per status, shown beside its colour so that status never relies on colour alone."""

RAG_LABELS = {"green": "met", "amber": "within tolerance", "red": "missed", "no data": "no data"}
"""Plain words per status."""

CHANGE_MARKS = {"up": "▲", "down": "▼", "flat": "≈", "untested": "·"}
"""Arrows for a change between two periods: the direction of the change, not its merit."""

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
}


_NOISE_DIGITS = 6
"""Digits past those shown at which a value is rounded first, absorbing floating-point noise."""


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
    """
    return _value_text(value, unit, DECIMALS.get(unit, 1))


def _value_text(value, unit: str, decimals: int) -> str:
    """:func:`format_value` with ``decimals`` decimals."""
    if not is_number(value):
        return "–"
    shown = round(float(value), decimals + _NOISE_DIGITS)
    text = f"{shown:z,.{decimals}f}"  # z: a value that rounds to zero shows no minus
    symbol = UNIT_SYMBOLS.get(unit, "")
    return f"{text} {symbol}" if symbol else text


_MORE_DECIMALS = 3
"""Decimals :func:`rated_value_text` may add to tell a value from the target it misses."""


def rated_value_text(row) -> str:
    """The value of a scorecard row as :func:`format_value` shows it, with more decimals (up
    to 3) when it would otherwise read as its target or band edge while differing from it: a
    value that misses a target must not look as if it met it.

    >>> row = {"better": "higher", "unit": "percent", "target": 75.0, "value": 74.96}
    >>> rated_value_text(row), rated_value_text({**row, "value": 74.5})
    ('74.96 %', '74.5 %')
    >>> rated_value_text({**row, "better": "lower", "unit": "seconds", "target": 300.0,
    ...                   "value": 300.4})
    '300.4 s'
    """
    unit, value = row["unit"], row["value"]
    edges = ("band_low", "band_high") if row["better"] == "band" else ("target",)
    decimals = DECIMALS.get(unit, 1)
    if is_number(value):
        rounded = round(float(value), decimals + _MORE_DECIMALS)
        for edge in (row.get(key) for key in edges):
            if not is_number(edge) or rounded == round(float(edge), decimals + _MORE_DECIMALS):
                continue  # no edge, or equal to it at every decimal shown
            while decimals < DECIMALS.get(unit, 1) + _MORE_DECIMALS and _value_text(
                value, unit, decimals
            ) == _value_text(edge, unit, decimals):
                decimals += 1
    return _value_text(value, unit, decimals)


_FIGURE_AND_UNIT = re.compile(r"(\d) (s|%)(?!\w)")


def figures_html(text: str) -> str:
    """``text`` escaped for HTML, each number held on the line of its unit.

    A narrow table cell wraps at spaces; a no-break space between a number and its unit keeps
    "240 s" whole instead of leaving "240" at a line's end and "s" at the next one's start.

    >>> figures_html("avg 240 s to 360 s; 80.0 % or more <b>")
    'avg 240&nbsp;s to 360&nbsp;s; 80.0&nbsp;% or more &lt;b&gt;'
    """
    return _FIGURE_AND_UNIT.sub(r"\1&nbsp;\2", html.escape(text))


def target_text(row) -> str:
    """The target of a scorecard row (its ``better`` column says which way is better) as text:
    ``"≥ 75.0 %"``, ``"≤ 300 s"``, ``"75.0 %–85.0 %"``.

    >>> target_text({"better": "lower", "unit": "seconds", "target": 300.0})
    '≤ 300 s'
    >>> target_text({"better": "higher", "unit": "percent", "target": float("nan")})  # none
    '–'
    """
    if row["better"] == "band":
        low, high = (format_value(row[edge], row["unit"]) for edge in ("band_low", "band_high"))
        return f"{low}–{high}"
    shown = format_value(row["target"], row["unit"])
    if shown == "–":
        return shown
    return f"{'≥' if row['better'] == 'higher' else '≤'} {shown}"


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
    """A grouping column in words: ``agent_id`` -> "Agent"; other names are tidied.

    >>> column_label("agent_id"), column_label("sub_queue"), column_label(None)
    ('Agent', 'Sub queue', 'All')
    """
    if column is None:
        return "All"
    column = str(column)
    return _COLUMN_LABELS.get(column, column.replace("_", " ").capitalize())


def signed_text(value: float, decimals: int = 1, *, separators: bool = False) -> str:
    """``value`` with its sign, to ``decimals`` places; one that rounds to zero shows no sign
    (``-0.0`` would read as a fall, ``+0`` as a rise). ``separators``: thousands separated by
    commas, as :func:`format_value` writes them.

    Every rounded change kpikit shows is written here; unsigned values use Python's ``z``
    format option (:func:`format_value`), which drops the minus of a rounded zero. A user's own
    what-if inputs, echoed in scenario names (``volume +10 %``), are written as given.

    >>> signed_text(2.0), signed_text(-0.04), signed_text(-12.5, 0), signed_text(0.4, 0)
    ('+2.0', '0.0', '-12', '0')
    >>> signed_text(-1234.5, 0, separators=True), signed_text(1234.5, 0)
    ('-1,234', '+1234')
    """
    if round(value, decimals) == 0:
        return f"{0:.{decimals}f}"
    return f"{value:+{',' if separators else ''}.{decimals}f}"


def change_text(difference, unit: str, direction: str | None) -> tuple[str, str]:
    """A change as signed text with its arrow, and the colour that says better or worse.

    The arrow follows the sign (▲ up, ▼ down); the colour follows the KPI's ``direction``:
    green when the change is better, red when worse, dark grey for a KPI without a better
    side (``direction`` None or ``"band"``) and for a change too small to show.

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
    ('▼ -30 s', '#009E73')
    >>> change_text(-2.0, "percent", "higher")   # service level down 2 points: worse
    ('▼ -2.0 pts', '#D55E00')
    >>> change_text(0.01, "percent", "higher")
    ('0.0 pts', '#222222')
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
    shown = round(float(difference), decimals)
    if shown == 0:
        return f"{0:.{decimals}f}{suffix}", _NEUTRAL
    mark = CHANGE_MARKS["up"] if shown > 0 else CHANGE_MARKS["down"]
    text = f"{mark} {signed_text(shown, decimals, separators=True)}{suffix}"
    if direction not in ("higher", "lower"):
        return text, _NEUTRAL
    better = (shown > 0) == (direction == "higher")
    return text, RAG_COLORS["green" if better else "red"]
