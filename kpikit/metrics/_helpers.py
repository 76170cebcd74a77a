"""Single-KPI helpers (``kk.aht(data)``, ``kk.fcr(data)``, ...), made from the registry.

Each helper is a thin wrapper over :func:`kpikit.compute` with one KPI. Its signature lists the
options that change that KPI (keyword-only) and its docstring is written from the KPI's entry:
formula, unit, options with their defaults, variants and an example on
:func:`kpikit.catalog.example_dataset` whose value the test suite checks as a doctest.
"""

import inspect
import textwrap

import narwhals as nw

from kpikit._validators import suggestion
from kpikit.catalog import KPI_IDS, kpi
from kpikit.metrics._engine import compute
from kpikit.options import describe

_UNITS = {
    "seconds": "seconds",
    "percent": "percent (0..100)",
    "points": "points",
    "currency": "currency units",
    "count": "a count of contacts",
}


def _single(kpi_id, data, by, freq, options):
    table = compute(data, kpis=[kpi_id], by=by, freq=freq, **options)
    if by is not None or freq is not None:
        return table
    frame = nw.from_native(table)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    value = frame.get_column("value").to_list()[0]
    return float("nan") if value is None else float(value)


def make_helper(kpi_id: str):
    """The single-KPI helper of ``kpi_id``, with its signature and docstring."""
    definition = kpi(kpi_id)
    allowed = definition.options

    def helper(data, *, by=None, freq=None, tz=None, options=None, **kpi_options):
        unknown = [name for name in kpi_options if name not in allowed]
        if unknown:
            raise TypeError(
                f"{kpi_id}() got an unexpected option {unknown[0]!r}; the options of "
                f"{kpi_id!r} are {list(allowed)}{suggestion(unknown[0], allowed)}"
            )
        return _single(kpi_id, data, by, freq, {**kpi_options, "tz": tz, "options": options})

    keyword = inspect.Parameter.KEYWORD_ONLY
    helper.__signature__ = inspect.Signature(
        [
            inspect.Parameter("data", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("by", keyword, default=None),
            inspect.Parameter("freq", keyword, default=None),
            inspect.Parameter("tz", keyword, default=None),
            *(inspect.Parameter(name, keyword, default=None) for name in allowed),
            inspect.Parameter("options", keyword, default=None),
        ]
    )
    helper.__name__ = helper.__qualname__ = kpi_id
    helper.__doc__ = _docstring(definition)
    return helper


def _docstring(definition) -> str:
    wrap = textwrap.TextWrapper(width=92)
    indent = textwrap.TextWrapper(width=92, initial_indent="    ", subsequent_indent="    ")
    lines = [f"{definition.name} ({definition.short_name}) of the data.", ""]
    lines += wrap.wrap(definition.definition) + [""]
    lines += wrap.wrap(definition.formula)
    lines += ["", f"Unit: {_UNITS[definition.unit]}. {_better(definition)}", ""]
    lines += ["Parameters", "----------"]
    lines += ["data : Dataset or dataframe"]
    lines += indent.wrap("As for :func:`kpikit.compute`.")
    lines += ["by : str or list of str, default=None", "    Grouping columns."]
    lines += ["freq : str, default=None", "    Period length (``day``, ``week``, ``month``...)."]
    lines += describe(["tz"], indent="    ").splitlines()
    if definition.options:
        lines += describe(definition.options, indent="    ").splitlines()
    lines += ["options : Options, default=None"]
    lines += indent.wrap("A whole set of options to start from (see :mod:`kpikit.options`).")
    lines += ["", "Returns", "-------", "float or dataframe"]
    lines += indent.wrap(
        "The value as a float (NaN when the denominator is 0) when neither ``by`` nor "
        "``freq`` is given, otherwise the tidy frame of :func:`kpikit.compute`."
    )
    if definition.variants:
        lines += ["", "Notes", "-----"]
        for variant in definition.variants:
            default = " (default)" if variant.is_default else ""
            lines += wrap.wrap(
                f"``{variant.option}={variant.value!r}``{default}: {variant.description} "
                f"Used by: {variant.used_by}"
            )
    lines += ["", "See Also", "--------"]
    lines += [f"kpikit.kpi : the full definition, ``kk.kpi({definition.id!r})``."]
    lines += ["kpikit.compute : every KPI at once, by any grouping and period."]
    example = definition.example
    lines += ["", "Examples", "--------"]
    lines += [">>> import kpikit as kk", ">>> data = kk.catalog.example_dataset()"]
    lines += [
        f">>> kk.{definition.id}(data)  # {example['working']}",
        repr(float(example["value"])),
    ]
    return "\n".join(lines) + "\n"


def _better(definition) -> str:
    if definition.direction == "band":
        return f"Best between {definition.band_low:g} and {definition.band_high:g}."
    return {
        "higher": "Higher is better.",
        "lower": "Lower is better.",
        "neutral": "Neither higher nor lower is better by itself.",
    }[definition.direction]


HELPERS = {kpi_id: make_helper(kpi_id) for kpi_id in KPI_IDS}
"""Every single-KPI helper by KPI id."""

globals().update(HELPERS)  # module attributes, so that their docstrings run as doctests
