"""The KPI registry: ``kpis.toml`` read once into frozen definitions.

Each KPI is described once, by a ``[[kpi]]`` table of ``kpis.toml``: prose for people (name,
definition, formula, pitfalls), and the facts the engine runs on (numerator and denominator as
sums of named per-row components, scale, interval, variants). The components are described in
the same file (``[component.*]``): the columns they need and the options that change them.
"""

import html
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from kpikit._validators import check_choice
from kpikit.options import OPTION_NAMES, Options

SECTORS = ("all", "healthcare", "financial_services", "ecommerce_retail", "technology_saas")
CHANNELS = ("all", "phone", "chat", "email")
TIERS = ("average", "world_class", "target")
AREAS = ("customer", "agent", "operations")
UNITS = ("seconds", "percent", "points", "currency", "count")
DIRECTIONS = ("higher", "lower", "band", "neutral")
TABLES = ("contacts", "agent_intervals", "costs")
INTERVALS = ("wilson", "nps", "mean", "poisson", "none")

_TERM = re.compile(r"\s*([+-])?\s*([a-z_]+)\s*")


@dataclass(frozen=True)
class Term:
    """One term of a sum: a component name with its sign (+1 or -1)."""

    sign: int
    component: str


def parse_sum(text: str) -> tuple[Term, ...]:
    """Parse ``"offered - short_abandons"`` into signed terms; ``""`` is the empty sum.

    >>> parse_sum("offered - short_abandons")
    (Term(sign=1, component='offered'), Term(sign=-1, component='short_abandons'))
    >>> parse_sum("")
    ()
    """
    terms, position = [], 0
    while position < len(text):
        match = _TERM.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"Cannot read the sum {text!r} at position {position}")
        sign = -1 if match.group(1) == "-" else 1
        if terms and match.group(1) is None:
            raise ValueError(f"Missing + or - before {match.group(2)!r} in the sum {text!r}")
        terms.append(Term(sign, match.group(2)))
        position = match.end()
    return tuple(terms)


@dataclass(frozen=True)
class Component:
    """A named per-row quantity that KPIs add up (see ``[component.*]`` in ``kpis.toml``)."""

    name: str
    label: str
    rule: str
    table: str
    requires: tuple[str, ...]
    uses: tuple[str, ...]
    options: tuple[str, ...]

    @property
    def is_count(self) -> bool:
        """True when the component counts contacts (its rule adds 1 per contact), so that a
        total of it is a whole number; False for sums of seconds, points or currency.

        >>> components()["offered"].is_count, components()["talk_s"].is_count
        (True, False)
        """
        return self.rule.startswith("1 for ")


@dataclass(frozen=True)
class Variant:
    """One option value that changes a KPI, with who uses it and the sums it replaces."""

    option: str
    value: object
    description: str
    used_by: str
    sum_numerator: str | None = None
    sum_denominator: str | None = None

    @property
    def is_default(self) -> bool:
        """True when this is kpikit's default value of the option."""
        return getattr(Options(), self.option) == self.value


@dataclass(frozen=True)
class CalculatorInput:
    """One input of a KPI's calculator: component name, display label and worked-example value."""

    name: str
    label: str
    default: float


@dataclass(frozen=True)
class KPI:
    """Definition of one KPI, as stored in ``kpis.toml``.

    ``band_low`` and ``band_high`` are set only when ``direction == "band"``; ``pitfalls``,
    ``how_to_improve``, ``tradeoffs`` (KPI ids), ``options`` and ``variants`` are tuples.
    ``numerator`` and ``denominator`` describe the sums in words; ``sum_numerator`` and
    ``sum_denominator`` name the components the engine adds up for the default options (an
    empty denominator marks a count). ``calculator`` lists the inputs of the trainer's
    calculator for the default options, with the worked example's values as defaults (the
    glossary dashboard starts from them; :func:`~kpikit.catalog.calculate` takes them only
    with ``example=True``); ``example`` is the value on
    :func:`kpikit.catalog.example_dataset` and its hand calculation.
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
    sum_numerator: str
    sum_denominator: str
    scale: float
    interval: str
    requires: tuple[str, ...]
    options: tuple[str, ...]
    variants: tuple[Variant, ...]
    calculator: tuple[CalculatorInput, ...]
    worked_example: Mapping
    example: Mapping

    def sums(self, options: Options | None = None) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
        """The (numerator, denominator) terms for ``options`` (default: kpikit's defaults).

        Variants whose option has the value of ``options`` replace the default sums, in the
        order of ``kpis.toml``.

        >>> from kpikit.options import Options
        >>> numerator, denominator = kpi("service_level").sums(Options(sl_abandoned="met"))
        >>> [term.component for term in numerator]
        ['answered_within_threshold', 'abandoned_within_threshold']
        """
        options = Options() if options is None else options
        numerator, denominator = self.sum_numerator, self.sum_denominator
        for variant in self.variants:
            if getattr(options, variant.option) == variant.value:
                numerator = variant.sum_numerator or numerator
                denominator = variant.sum_denominator or denominator
        return parse_sum(numerator), parse_sum(denominator)

    @property
    def is_count(self) -> bool:
        """True for a count (contacts offered, handled): value = numerator, no denominator."""
        return not self.sum_denominator

    @property
    def value_range(self) -> tuple[float, float]:
        """The values the KPI can take: percents 0 to 100 (conformance, time available over
        time scheduled, passes 100 with overtime), NPS -100 to 100, the QA score 0 to 100,
        times, amounts and counts 0 and up.

        >>> kpi("service_level").value_range, kpi("nps").value_range, kpi("aht").value_range
        ((0.0, 100.0), (-100.0, 100.0), (0.0, inf))
        >>> kpi("schedule_conformance").value_range
        (0.0, inf)
        """
        if self.id == "nps":
            return -100.0, 100.0
        if self.unit == "percent" and self.id != "schedule_conformance" or self.id == "qa_score":
            return 0.0, 100.0
        return 0.0, math.inf

    def _repr_html_(self) -> str:
        return kpi_html(self)


def kpi_html(definition: KPI) -> str:
    """Compact HTML of one KPI for Jupyter: name, definition, formula, unit and options."""
    rows = [
        ("Formula", definition.formula),
        ("Unit", f"{definition.unit}; {_direction_text(definition)}"),
        ("Numerator", definition.numerator),
        ("Denominator", definition.denominator),
    ]
    if definition.options:
        rows.append(("Options", ", ".join(definition.options)))
    for variant in definition.variants:
        marker = " (default)" if variant.is_default else ""
        rows.append(
            (
                f"{variant.option}={variant.value!r}{marker}",
                f"{variant.description} {variant.used_by}",
            )
        )
    body = "".join(
        f"<tr><th style='text-align:left;vertical-align:top'>{html.escape(label)}</th>"
        f"<td style='text-align:left'>{html.escape(text)}</td></tr>"
        for label, text in rows
    )
    return (
        f"<div class='kpikit-kpi'><strong>{html.escape(definition.name)}</strong> "
        f"(<code>{html.escape(definition.id)}</code>, {html.escape(definition.area)})"
        f"<p>{html.escape(definition.definition)}</p><table>{body}</table></div>"
    )


def _direction_text(definition: KPI) -> str:
    if definition.direction == "band":
        return f"best between {definition.band_low:g} and {definition.band_high:g}"
    return {
        "higher": "higher is better",
        "lower": "lower is better",
        "neutral": "neither higher nor lower is better by itself",
    }[definition.direction]


def _read_toml(name: str) -> dict:
    return tomllib.loads(files("kpikit.catalog").joinpath(name).read_text(encoding="utf-8"))


@cache
def components() -> Mapping[str, Component]:
    """Every component of ``kpis.toml`` by name."""
    records = _read_toml("kpis.toml")["component"]
    return MappingProxyType(
        {
            name: Component(
                name=name,
                label=record["label"],
                rule=record["rule"],
                table=record["table"],
                requires=tuple(record["requires"]),
                uses=tuple(record.get("uses", ())),
                options=tuple(record.get("options", ())),
            )
            for name, record in records.items()
        }
    )


@cache
def _sum_labels() -> Mapping[str, str]:
    return MappingProxyType(dict(_read_toml("kpis.toml")["sum_label"]))


def sum_label(text: str) -> str:
    """A short readable name of a sum of components (a KPI's ``sum_numerator`` or
    ``sum_denominator``): a sum of one component is named by its label; a longer one by the
    ``[sum_label]`` table of ``kpis.toml``, else by its components' labels, "+" and "-"
    between them. An empty sum (the denominator of a count) has no name: "".

    >>> sum_label("talk_s + hold_s + acw_s"), sum_label("answered")
    ('Handle time (s)', 'Answered contacts')
    >>> sum_label(kpi("service_level").sum_denominator)
    'Contacts offered (less short abandons)'
    >>> sum_label("answered - transferred")
    'Answered contacts - Transferred answered contacts'
    """
    terms = parse_sum(text)
    written = _joined(terms, lambda name: name)
    if written in _sum_labels():
        return _sum_labels()[written]
    labels = components()
    if len(terms) == 1 and terms[0].sign > 0:
        return labels[terms[0].component].label
    return _joined(terms, lambda name: labels[name].label)


def _joined(terms, named) -> str:
    """``terms`` written as a sum, "a + b - c", each component as ``named`` gives it."""
    return " ".join(
        f"{'-' if term.sign < 0 else '+'} {named(term.component)}" for term in terms
    ).removeprefix("+ ")


def _kpi_from_record(record: Mapping) -> KPI:
    values = dict(record)
    for key in ("band_low", "band_high"):
        values[key] = float(values[key]) if key in values else None
    for key in ("pitfalls", "how_to_improve", "tradeoffs"):
        values[key] = tuple(values[key])
    values["scale"] = float(values["scale"])
    variants = tuple(Variant(**item) for item in values.pop("variant", ()))
    values["variants"] = variants
    worked = {name: float(value) for name, value in values.pop("calculator").items()}
    values["worked_example"] = MappingProxyType(worked)
    values["example"] = MappingProxyType(dict(values["example"]))

    used = [values["sum_numerator"], values["sum_denominator"]]
    used += [v.sum_numerator or "" for v in variants] + [v.sum_denominator or "" for v in variants]
    names = list(dict.fromkeys(term.component for text in used for term in parse_sum(text)))
    table = components()
    requires = [column for name in names for column in table[name].requires]
    options = [option for name in names for option in table[name].options]
    options += [variant.option for variant in variants]
    values["requires"] = tuple(dict.fromkeys(requires))
    values["options"] = tuple(name for name in OPTION_NAMES if name in options)
    default_terms = parse_sum(values["sum_numerator"]) + parse_sum(values["sum_denominator"])
    values["calculator"] = tuple(
        CalculatorInput(name, table[name].label, worked[name])
        for name in dict.fromkeys(term.component for term in default_terms)
    )
    return KPI(**values)


@cache
def definitions() -> Mapping[str, KPI]:
    """Every KPI definition by id, in catalog order."""
    records = _read_toml("kpis.toml")["kpi"]
    return MappingProxyType({record["id"]: _kpi_from_record(record) for record in records})


KPI_IDS = tuple(definitions())
"""Every KPI id, in catalog order (the order of ``kpis.toml``)."""


def kpi(kpi_id: str) -> KPI:
    """Return the definition of one KPI.

    Parameters
    ----------
    kpi_id : str
        One of :data:`KPI_IDS`, for example ``"aht"``.

    Returns
    -------
    KPI
        Frozen dataclass with the name, unit, direction, formula, pitfalls, the sums the
        engine adds up, the options and variants and the calculator inputs. In JupyterLab it
        shows as a compact table.

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
    >>> definition.options
    ('fcr_window', 'fcr_match', 'fcr_method', 'fcr_transfers')
    >>> kpi("ahtt")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'kpi_id' is not a KPI id... received: 'ahtt'. Did you mean 'aht'?
    """
    check_choice("kpi_id", kpi_id, KPI_IDS, "a KPI id")
    return definitions()[kpi_id]
