"""KPI definitions and published benchmark ranges, kept as data.

The definitions live in ``kpis.toml`` and the benchmark ranges in ``benchmarks.csv`` beside this
module. Both ship inside the package and are read once with :mod:`importlib.resources`; every
call returns a fresh object, so callers may change what they get without touching the cache.

Examples
--------
>>> from kpikit.catalog import benchmarks, calculate, catalog, kpi
>>> kpi("aht").short_name, kpi("aht").direction
('AHT', 'lower')
>>> list(catalog()["id"][:3])
['aht', 'asa', 'service_level']
>>> benchmarks(kpi="fcr", tier="average")[["kpi", "sector", "low", "high"]]
   kpi sector   low   high
0  fcr    all  70.0  75.0
>>> calculate("service_level", answered_within_threshold=160, offered=200, short_abandons=0)
80.0
"""

import difflib
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from types import MappingProxyType

import pandas as pd

__all__ = [
    "AREAS",
    "CHANNELS",
    "DIRECTIONS",
    "KPI",
    "KPI_IDS",
    "SECTORS",
    "TABLES",
    "TIERS",
    "UNITS",
    "CalculatorInput",
    "benchmarks",
    "calculate",
    "catalog",
    "kpi",
]

KPI_IDS = (
    "aht",
    "asa",
    "service_level",
    "abandonment_rate",
    "answer_rate",
    "transfer_rate",
    "resolution_rate",
    "fcr",
    "csat",
    "nps",
    "qa_score",
    "occupancy",
    "utilization",
    "schedule_adherence",
    "cost_per_contact",
)
SECTORS = ("all", "healthcare", "financial_services", "ecommerce_retail", "technology_saas")
CHANNELS = ("all", "phone", "chat", "email")
TIERS = ("average", "world_class", "target")
AREAS = ("customer", "agent", "operations")
UNITS = ("seconds", "percent", "points", "currency")
DIRECTIONS = ("higher", "lower", "band")
TABLES = ("contacts", "agent_intervals", "costs")

_TIER_ORDER = ("average", "target", "world_class")

_BENCHMARK_COLUMNS = (
    "kpi",
    "sector",
    "channel",
    "tier",
    "low",
    "high",
    "unit",
    "threshold_s",
    "source",
    "note",
)


@dataclass(frozen=True)
class CalculatorInput:
    """One input of a KPI's calculator: keyword name, display label and worked-example value."""

    name: str
    label: str
    default: float


@dataclass(frozen=True)
class KPI:
    """Definition of one KPI, as stored in ``kpis.toml``.

    ``band_low`` and ``band_high`` are set only when ``direction == "band"``; ``pitfalls``,
    ``how_to_improve``, ``tradeoffs`` (KPI ids) and ``calculator`` are tuples.
    """

    id: str
    name: str
    short_name: str
    area: str
    unit: str
    direction: str
    band_low: float | None
    band_high: float | None
    table: str
    formula: str
    formula_latex: str
    numerator: str
    denominator: str
    definition: str
    why_it_matters: str
    pitfalls: tuple[str, ...]
    how_to_improve: tuple[str, ...]
    tradeoffs: tuple[str, ...]
    calculator: tuple[CalculatorInput, ...]


def _invalid_choice(argument: str, value: object, choices: Iterable[str], what: str) -> ValueError:
    """Build the error for a value outside ``choices``, with a close-match hint when one exists."""
    choices = list(choices)
    message = (
        f"Value of {argument!r} is not {what}. Expected one of {choices} but received: {value!r}"
    )
    if isinstance(value, str):
        lowered = {choice.lower(): choice for choice in choices}
        close = difflib.get_close_matches(value.lower(), list(lowered), n=1)
        if close:
            message += f". Did you mean {lowered[close[0]]!r}?"
    return ValueError(message)


def _check_choice(argument: str, value: object, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        raise _invalid_choice(argument, value, choices, what)


def _kpi_from_record(record: Mapping) -> KPI:
    values = dict(record)
    for key in ("band_low", "band_high"):
        values[key] = float(values[key]) if key in values else None
    for key in ("pitfalls", "how_to_improve", "tradeoffs"):
        values[key] = tuple(values[key])
    values["calculator"] = tuple(
        CalculatorInput(item["name"], item["label"], float(item["default"]))
        for item in values["calculator"]
    )
    return KPI(**values)


@cache
def _definitions() -> Mapping[str, KPI]:
    text = files(__name__).joinpath("kpis.toml").read_text(encoding="utf-8")
    records = tomllib.loads(text)["kpi"]
    return MappingProxyType({record["id"]: _kpi_from_record(record) for record in records})


def kpi(kpi_id: str) -> KPI:
    """Return the definition of one KPI.

    Parameters
    ----------
    kpi_id : str
        One of :data:`KPI_IDS`, for example ``"aht"``.

    Returns
    -------
    KPI
        Frozen dataclass with the name, unit, direction, formula, pitfalls and calculator inputs.

    Raises
    ------
    ValueError
        If ``kpi_id`` is not a KPI id; the message lists the valid ids and suggests a close one.

    See Also
    --------
    catalog : every definition as one table.

    Examples
    --------
    >>> definition = kpi("fcr")
    >>> definition.name, definition.unit, definition.tradeoffs
    ('First contact resolution', 'percent', ('aht',))
    >>> kpi("ahtt")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'kpi_id' is not a KPI id... received: 'ahtt'. Did you mean 'aht'?
    """
    definitions = _definitions()
    if kpi_id not in definitions:
        raise _invalid_choice("kpi_id", kpi_id, KPI_IDS, "a KPI id")
    return definitions[kpi_id]


def catalog() -> pd.DataFrame:
    """Return every KPI definition as a table, one row per KPI in :data:`KPI_IDS` order.

    Returns
    -------
    pandas.DataFrame
        Columns are the fields of :class:`KPI`: ``id, name, short_name, area, unit, direction,
        band_low, band_high, table, formula, formula_latex, numerator, denominator, definition,
        why_it_matters, pitfalls, how_to_improve, tradeoffs, calculator``. ``band_low`` and
        ``band_high`` are NaN unless ``direction == "band"``. ``pitfalls``, ``how_to_improve``
        and ``tradeoffs`` hold lists of strings; ``calculator`` holds a list of
        ``{"name", "label", "default"}`` dicts.

    Notes
    -----
    The table is rebuilt on every call, so changing it never affects later calls.

    Examples
    --------
    >>> table = catalog()
    >>> table.loc[table["direction"] == "band", ["id", "band_low", "band_high"]]
                 id  band_low  band_high
    11    occupancy      75.0       85.0
    12  utilization      75.0       85.0
    """
    rows = []
    for definition in _definitions().values():
        row = {}
        for field in fields(KPI):
            value = getattr(definition, field.name)
            if field.name == "calculator":
                value = [vars(item).copy() for item in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif value is None:
                value = math.nan
            row[field.name] = value
        rows.append(row)
    return pd.DataFrame(rows, columns=[field.name for field in fields(KPI)])


@cache
def _benchmark_table() -> pd.DataFrame:
    with files(__name__).joinpath("benchmarks.csv").open("r", encoding="utf-8") as handle:
        table = pd.read_csv(
            handle,
            dtype={"low": "float64", "high": "float64", "threshold_s": "float64"},
            keep_default_na=False,
            na_values={"low": [""], "high": [""], "threshold_s": [""]},
        )
    # Sort by catalog order, not alphabetically; rows that tie keep their order in the file.
    order = {"kpi": KPI_IDS, "sector": SECTORS, "channel": CHANNELS, "tier": _TIER_ORDER}
    positions = (
        pd.DataFrame(
            {
                column: table[column].map({value: i for i, value in enumerate(values)})
                for column, values in order.items()
            }
        )
        .sort_values(list(order), kind="stable")
        .index
    )
    return table.loc[positions, list(_BENCHMARK_COLUMNS)].reset_index(drop=True)


def benchmarks(
    sector: str | None = None,
    channel: str | None = None,
    kpi: str | Iterable[str] | None = None,
    tier: str | None = None,
) -> pd.DataFrame:
    """Return published benchmark ranges as a tidy table.

    Parameters
    ----------
    sector : str, default=None
        One of :data:`SECTORS`. ``None`` returns the rows of every sector unchanged.
    channel : str, default=None
        One of :data:`CHANNELS`. ``None`` returns the rows of every channel unchanged.
    kpi : str or iterable of str, default=None
        KPI id(s) from :data:`KPI_IDS`; ``None`` keeps every KPI.
    tier : str, default=None
        One of :data:`TIERS`: ``"average"`` (typical range), ``"world_class"`` (top performers,
        premium service) or ``"target"`` (a range the sources recommend aiming for).

    Returns
    -------
    pandas.DataFrame
        Columns ``kpi, sector, channel, tier, low, high, unit, threshold_s, source, note,
        fallback``, sorted by KPI (catalog order), sector, channel and tier.
        ``low``/``high`` are in the KPI's catalog unit (percent on 0..100, seconds, points,
        currency); an open range such as "85 % or more" has ``high`` NaN, "under 3 %" has
        ``low`` NaN. ``threshold_s`` is the answer threshold of service-level rows (80/20 ->
        ``low=80, threshold_s=20``), NaN elsewhere. ``source`` names the article the figure
        comes from and ``note`` gives its context.

    Notes
    -----
    General figures (sector or channel ``"all"``) stand in where nothing more specific exists.
    When ``sector`` names a specific sector, the result holds that sector's rows plus the
    ``"all"`` rows for every (KPI, channel, tier) the sector has no figure for; ``channel``
    works the same way against channel ``"all"``. A sector-specific row outranks a
    channel-specific one. Rows kept this way have ``fallback`` True and keep their own
    ``sector``/``channel`` value, so the caller sees where each figure came from. Because the
    override is decided per (KPI, tier), filtering by ``kpi`` or ``tier`` gives the same rows
    as filtering the full result afterwards.

    Several rows can share KPI, sector, channel and tier: the sources give AHT ranges for
    general service, technical support and simple inquiries, and two articles disagree on the
    world-class FCR level. ``note`` tells these rows apart.

    Only figures stated in the sources are included; KPIs without a published figure (answer
    rate, transfer rate, resolution rate, schedule adherence) have no rows.

    Examples
    --------
    >>> table = benchmarks(sector="healthcare", kpi=["fcr", "csat"])
    >>> table[["kpi", "sector", "tier", "low", "high", "fallback"]]
        kpi      sector         tier   low  high  fallback
    0   fcr         all      average  70.0  75.0      True
    1   fcr         all  world_class  85.0   NaN      True
    2   fcr         all  world_class  74.0   NaN      True
    3   fcr  healthcare       target  72.0  80.0     False
    4  csat         all      average  75.0  85.0      True
    5  csat         all  world_class  90.0   NaN      True
    6  csat  healthcare       target  88.0  92.0     False
    >>> benchmarks(kpi="cost_per_contact", channel="chat")[["channel", "low", "high"]]
      channel  low  high
    0    chat  2.0   5.0
    """
    if sector is not None:
        _check_choice("sector", sector, SECTORS, "a sector")
    if channel is not None:
        _check_choice("channel", channel, CHANNELS, "a channel")
    if tier is not None:
        _check_choice("tier", tier, TIERS, "a tier")
    if kpi is not None:
        kpi_ids = [kpi] if isinstance(kpi, str) else list(kpi)
        for kpi_id in kpi_ids:
            _check_choice("kpi", kpi_id, KPI_IDS, "a KPI id")

    table = _benchmark_table()
    keep = pd.Series(True, index=table.index)
    if kpi is not None:
        keep &= table["kpi"].isin(kpi_ids)
    if tier is not None:
        keep &= table["tier"] == tier
    if sector is not None:
        keep &= table["sector"].isin([sector, "all"])
    if channel is not None:
        keep &= table["channel"].isin([channel, "all"])
    rows = table[keep].copy()

    specific_sector = sector not in (None, "all")
    specific_channel = channel not in (None, "all")
    sector_rank = (rows["sector"] != "all") * 2 if specific_sector else 0
    channel_rank = (rows["channel"] != "all") * 1 if specific_channel else 0
    rank = pd.Series(sector_rank + channel_rank, index=rows.index, dtype="int64")
    group = ["kpi", "tier"]
    if sector is None:
        group.append("sector")
    if channel is None:
        group.append("channel")
    rows = rows[rank == rank.groupby([rows[name] for name in group]).transform("max")]

    fallback = pd.Series(False, index=rows.index)
    if specific_sector:
        fallback |= rows["sector"] == "all"
    if specific_channel:
        fallback |= rows["channel"] == "all"
    return rows.assign(fallback=fallback).reset_index(drop=True)


def _handle_time(talk_s, hold_s, acw_s, answered):
    return talk_s + hold_s + acw_s, answered


def _speed_of_answer(wait_s, answered):
    return wait_s, answered


def _service_level(answered_within_threshold, offered, short_abandons):
    return answered_within_threshold, offered - short_abandons


def _abandonment(abandoned, short_abandons, offered):
    return abandoned - short_abandons, offered - short_abandons


def _answer(answered, offered, short_abandons):
    return answered, offered - short_abandons


def _transfer(transferred, answered):
    return transferred, answered


def _resolution(resolved, answered_with_outcome):
    return resolved, answered_with_outcome


def _first_contact_resolution(first_contacts_without_repeat, first_contacts):
    return first_contacts_without_repeat, first_contacts


def _satisfaction(top_box_responses, responses):
    return top_box_responses, responses


def _promoter_score(promoters, passives, detractors):
    return promoters - detractors, promoters + passives + detractors


def _quality(qa_points, evaluated):
    return qa_points, evaluated


def _occupancy(handling_s, available_s):
    return handling_s, handling_s + available_s


def _utilization(handling_s, paid_s):
    return handling_s, paid_s


def _adherence(adherent_s, scheduled_s):
    return adherent_s, scheduled_s


def _cost(cost, answered):
    return cost, answered


# Each calculator maps the inputs listed in kpis.toml to (numerator, denominator).
_CALCULATORS: dict[str, Callable[..., tuple[float, float]]] = {
    "aht": _handle_time,
    "asa": _speed_of_answer,
    "service_level": _service_level,
    "abandonment_rate": _abandonment,
    "answer_rate": _answer,
    "transfer_rate": _transfer,
    "resolution_rate": _resolution,
    "fcr": _first_contact_resolution,
    "csat": _satisfaction,
    "nps": _promoter_score,
    "qa_score": _quality,
    "occupancy": _occupancy,
    "utilization": _utilization,
    "schedule_adherence": _adherence,
    "cost_per_contact": _cost,
}


def calculate(kpi_id: str, /, **inputs: float) -> float:
    """Compute one KPI from the aggregate inputs of its trainer calculator.

    The value is ``numerator / denominator`` as defined in the catalog, times 100 for percent
    KPIs and NPS. The inputs of each KPI are listed in ``kpi(kpi_id).calculator``.

    Parameters
    ----------
    kpi_id : str
        One of :data:`KPI_IDS`.
    **inputs : float
        Non-negative totals named as in ``kpi(kpi_id).calculator`` (counts, seconds or
        currency). An input left out takes its catalog default, the worked example.

    Returns
    -------
    float
        The KPI value in its catalog unit; NaN when the denominator is 0.

    Raises
    ------
    ValueError
        Unknown ``kpi_id`` or input name, a negative or non-finite input, or inputs that
        contradict each other (more answered within the threshold than offered, for example).
    TypeError
        An input that is not a number.

    Notes
    -----
    A zero denominator gives NaN rather than 0: an AHT of 0 would read as perfect.

    Examples
    --------
    AHT = (21000 + 3000 + 6000) / 100 = 300 s; the defaults are the worked example.

    >>> calculate("aht", talk_s=21000, hold_s=3000, acw_s=6000, answered=100)
    300.0
    >>> calculate("aht")
    300.0
    >>> calculate("aht", talk_s=0, hold_s=0, acw_s=0, answered=0)
    nan
    >>> calculate("asa", wait_s=2500, answered=100)  # 2500 / 100
    25.0
    >>> calculate("service_level", answered_within_threshold=160, offered=210, short_abandons=10)
    80.0
    >>> calculate("abandonment_rate", abandoned=12, short_abandons=0, offered=200)  # 100 * 12/200
    6.0
    >>> calculate("answer_rate", answered=188, offered=200, short_abandons=0)  # 100 * 188/200
    94.0
    >>> calculate("transfer_rate", transferred=9, answered=100)
    9.0
    >>> calculate("resolution_rate", resolved=78, answered_with_outcome=100)
    78.0
    >>> calculate("fcr", first_contacts_without_repeat=72, first_contacts=100)
    72.0
    >>> calculate("csat", top_box_responses=80, responses=100)
    80.0
    >>> calculate("nps", promoters=45, passives=30, detractors=25)  # 100 * (45 - 25) / 100
    20.0
    >>> calculate("qa_score", qa_points=8200, evaluated=100)
    82.0
    >>> calculate("occupancy", handling_s=24000, available_s=6000)  # 100 * 24000 / 30000
    80.0
    >>> calculate("utilization", handling_s=23040, paid_s=28800)  # 100 * 23040 / 28800
    80.0
    >>> calculate("schedule_adherence", adherent_s=25920, scheduled_s=28800)
    90.0
    >>> calculate("cost_per_contact", cost=5000, answered=1000)
    5.0
    """
    definition = kpi(kpi_id)
    names = [item.name for item in definition.calculator]
    unknown = sorted(set(inputs) - set(names))
    if unknown:
        raise _invalid_choice("inputs", unknown[0], names, f"an input of the {kpi_id!r} calculator")
    values = {}
    for item in definition.calculator:
        value = inputs.get(item.name, item.default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"Input {item.name!r} must be a number, received: {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"Input {item.name!r} must be a finite number >= 0, received: {value!r}"
            )
        values[item.name] = float(value)

    numerator, denominator = _CALCULATORS[kpi_id](**values)
    if denominator < 0:
        raise ValueError(
            f"Inputs of {kpi_id!r} are inconsistent: the denominator "
            f"({definition.denominator}) is {denominator:g}, below 0; received {values}"
        )
    if denominator == 0:
        return math.nan
    scale = 100.0 if definition.unit == "percent" or kpi_id == "nps" else 1.0
    result = scale * numerator / denominator
    bounded = definition.unit == "percent" or kpi_id == "qa_score"
    if bounded and not 0 <= result <= 100:
        raise ValueError(
            f"Inputs of {kpi_id!r} are inconsistent: they give {result:g}, outside 0..100 "
            f"({definition.numerator} / {definition.denominator}); received {values}"
        )
    return result
