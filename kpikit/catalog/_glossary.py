"""Tables for people, derived from the registry: the catalog, variants, terms, sourced statistics
and the README's KPI table."""

import math
from dataclasses import fields
from functools import cache

import pandas as pd

from kpikit._validators import check_choice, check_flag
from kpikit.catalog._registry import KPI, KPI_IDS, _read_toml, definitions

SHORT_COLUMNS = ("id", "name", "short_name", "area", "unit", "direction", "formula", "options")
"""Columns of the short default view of :func:`catalog`."""

_UNIT_SHORT = {"percent": "%"}


def catalog(full: bool = False) -> pd.DataFrame:
    """Return every KPI definition as a table, one row per KPI in catalog order.

    Parameters
    ----------
    full : bool, default=False
        False: a short view to read at a glance (``id, name, short_name, area, unit, direction,
        formula, options``; Jupyter cuts the long formulas short). True: every field of
        :class:`KPI`. Anything but True or False (``"no"``) is refused: text read as true
        gave the full table.

    Returns
    -------
    pandas.DataFrame
        With ``full=True`` the columns are the fields of :class:`KPI`: ``id, name, short_name,
        area, unit, direction, band_low, band_high, table, formula, formula_latex, numerator,
        denominator, definition, why_it_matters, pitfalls, how_to_improve, tradeoffs,
        sum_numerator, sum_denominator, scale, interval, requires, options, variants,
        calculator, worked_example, example``. ``band_low`` and ``band_high`` are NaN unless
        ``direction == "band"``; tuples become lists, ``variants`` and ``calculator`` lists of
        dicts, ``worked_example`` and ``example`` dicts. ``options`` is a comma-separated text
        in the short view.

    Notes
    -----
    The table is rebuilt on every call, so changing it never affects later calls.

    Examples
    --------
    >>> table = catalog()
    >>> list(table.columns)
    ['id', 'name', 'short_name', 'area', 'unit', 'direction', 'formula', 'options']
    >>> full = catalog(full=True)
    >>> full.loc[full["direction"] == "band", ["id", "band_low", "band_high"]]
                 id  band_low  band_high
    11    occupancy      75.0       85.0
    12  utilization      75.0       85.0
    """
    check_flag("full", full)
    rows = [_row(definition) for definition in definitions().values()]
    table = pd.DataFrame(rows, columns=[field.name for field in fields(KPI)])
    if full:
        return table
    short = table[list(SHORT_COLUMNS)].copy()
    short["options"] = short["options"].map(", ".join)
    return short


def _row(definition: KPI) -> dict:
    row = {}
    for field in fields(KPI):
        value = getattr(definition, field.name)
        if field.name in ("calculator", "variants"):
            value = [vars(item).copy() for item in value]
        elif field.name in ("worked_example", "example"):
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif value is None:
            value = math.nan
        row[field.name] = value
    return row


def variants(kpi: str | None = None) -> pd.DataFrame:
    """Every variant of every KPI: the option value, whether it is the default, who uses it.

    Parameters
    ----------
    kpi : str, default=None
        One KPI id; ``None`` lists the variants of every KPI. A KPI without variants (answer
        rate) gives no rows; an id that is not a KPI's is refused, not read as one without.

    Returns
    -------
    pandas.DataFrame
        Columns ``kpi, option, value, default, description, used_by``.

    Examples
    --------
    >>> table = variants("service_level")
    >>> table[["option", "value", "default"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['sl_abandoned', 'missed', True], ['sl_abandoned', 'excluded', False],
     ['sl_abandoned', 'met', False], ['sl_denominator', 'answered', False]]
    >>> len(variants("answer_rate"))
    0
    >>> variants("ahtt")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'kpi' is not a KPI id... received: 'ahtt'. Did you mean 'aht'?
    """
    if kpi is not None:
        check_choice("kpi", kpi, KPI_IDS, "a KPI id")
    rows = [
        {
            "kpi": definition.id,
            "option": variant.option,
            "value": variant.value,
            "default": variant.is_default,
            "description": variant.description,
            "used_by": variant.used_by,
        }
        for definition in definitions().values()
        if kpi is None or definition.id == kpi
        for variant in definition.variants
    ]
    columns = ["kpi", "option", "value", "default", "description", "used_by"]
    return pd.DataFrame(rows, columns=columns)


@cache
def _glossary() -> dict:
    return _read_toml("glossary.toml")


def terms() -> pd.DataFrame:
    """Terms a trainer explains before any KPI: metric, KPI, KRA, adherence vs conformance...

    Returns
    -------
    pandas.DataFrame
        Columns ``term, definition, source``.

    Examples
    --------
    >>> terms()["term"].head(3).tolist()
    ['Metric', 'KPI (key performance indicator)', 'KRA (key responsibility area)']
    """
    return pd.DataFrame(_glossary()["term"], columns=["term", "definition", "source"])


def statistics() -> pd.DataFrame:
    """The statistics the source articles quote, with who they credit and which article.

    Returns
    -------
    pandas.DataFrame
        Columns ``statement, figure, kpi, attributed_to, source``; ``kpi`` is the KPI id a
        statistic is about, or empty.

    Examples
    --------
    >>> table = statistics()
    >>> table.loc[table["attributed_to"] == "American Express", "figure"].tolist()
    ['33 %']
    """
    columns = ["statement", "figure", "kpi", "attributed_to", "source"]
    rows = [{"kpi": "", **record} for record in _glossary()["statistic"]]
    return pd.DataFrame(rows, columns=columns)


def markdown_table() -> str:
    """The README's KPI table (Markdown), written from the registry.

    >>> print(markdown_table().splitlines()[2])
    | `aht` | seconds | sum(talk_s + hold_s + acw_s) over answered / answered |
    >>> print(markdown_table().splitlines()[13])
    | `occupancy` | % | handling_s / (handling_s + available_s) |
    """
    lines = ["| id | unit | definition (numerator / denominator) |", "|---|---|---|"]
    for definition in definitions().values():
        unit = _UNIT_SHORT.get(definition.unit, definition.unit)
        if definition.is_count:
            text = definition.numerator
        else:
            text = f"{_grouped(definition.numerator)} / {_grouped(definition.denominator)}"
        lines.append(f"| `{definition.id}` | {unit} | {text} |")
    return "\n".join(lines)


def _grouped(words: str) -> str:
    """``words`` in parentheses when a sum in them is not already (``a + b`` beside a
    division reads ``a + (b / c)`` otherwise).

    >>> _grouped("handling_s + available_s"), _grouped("sum(talk_s + hold_s) over answered")
    ('(handling_s + available_s)', 'sum(talk_s + hold_s) over answered')
    """
    depth = 0
    for char in words:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "+" and depth == 0:
            return f"({words})"
    return words
