"""The trainer's calculator: one KPI from the totals of its components, by the registry's sums."""

import math

from kpikit._validators import check_choice, check_flag, check_number
from kpikit.catalog._registry import components, kpi
from kpikit.options import OPTION_NAMES, Options


def calculate(kpi_id: str, /, *, example: bool = False, **inputs) -> float:
    """Compute one KPI from the totals of the components its sums add up.

    The value is ``scale * numerator / denominator`` with the numerator and denominator summed
    exactly as :func:`kpikit.compute` sums them (``kpi(kpi_id).sums()``), so a trainer's
    example and the engine always agree. A count (contacts offered, handled) is its numerator.

    Parameters
    ----------
    kpi_id : str
        One of :data:`kpikit.catalog.KPI_IDS`.
    example : bool, default=False
        Take the worked example's value (``kpi(kpi_id).worked_example``) for every input left
        out: ``calculate("aht", example=True)`` is the worked example, ``calculate("aht",
        example=True, hold_s=0)`` the example without hold. Without it every input of the
        formula must be given, so that a forgotten one is not silently taken from the example.
    **inputs : float or option value
        Non-negative totals named as the components of the KPI's sums (``kpi(kpi_id).calculator``
        lists them for the default options; counts, seconds or currency). A count of contacts
        (``offered``, ``answered``, ``csat_satisfied``, ...) is a whole number; sums of seconds,
        QA points or cost may have fractions (:attr:`Component.is_count`). An input left out
        is refused unless ``example=True``. A variant option of the KPI (``sl_abandoned="met"``,
        ``fcr_method="survey"``, ...) switches to that variant's sums and inputs. A variant
        that changes how the contacts behind a total are counted, not the sums
        (``fcr_transfers``, ``csat_scale``), is taken too, so that the options given to
        :func:`kpikit.compute` and :func:`kpikit.metrics.component_sums` can be given here
        as they are: it leaves the formula as it is, and the totals given must be counted
        its way (``component_sums(data, "fcr", fcr_transfers="ignore")``).

    Returns
    -------
    float
        The KPI value in its catalog unit; NaN when the denominator is 0.

    Raises
    ------
    ValueError
        Unknown ``kpi_id`` or input name, an input of the formula left out (without
        ``example=True``), an option that does not change this KPI's formula, a
        negative or non-finite input, a count that is not a whole number, or inputs that contradict
        each other (more answered within the threshold than offered, a percent above 0 of a zero
        total, or NPS promoters and detractors adding up to more than the responses, for example).
    TypeError
        An input that is not a number.

    Notes
    -----
    A zero denominator gives NaN rather than 0: an AHT of 0 would read as perfect.

    Examples
    --------
    AHT = (21000 + 3000 + 6000) / 100 = 300 s, the worked example; without hold,
    (21000 + 6000) / 100 = 270 s.

    >>> calculate("aht", talk_s=21000, hold_s=3000, acw_s=6000, answered=100)
    300.0
    >>> calculate("aht", example=True)
    300.0
    >>> calculate("aht", example=True, hold_s=0)
    270.0
    >>> calculate("aht", talk_s=21000, answered=100)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'inputs' leaves out 2 of the 4 inputs of the 'aht' calculator: \
['hold_s', 'acw_s']. Give them (the worked example has hold_s=3000, acw_s=6000), or pass \
example=True to take the worked example's values for the inputs left out
    >>> calculate("aht", talk_s=0, hold_s=0, acw_s=0, answered=0)
    nan
    >>> calculate("service_level", answered_within_threshold=160, offered=210, short_abandons=10)
    80.0

    Amazon Connect's reading counts the 6 abandons within the threshold as met: (160 + 6) / 200.

    >>> calculate("service_level", sl_abandoned="met", answered_within_threshold=160,
    ...           abandoned_within_threshold=6, offered=200, short_abandons=0)
    83.0
    >>> calculate("nps", nps_promoters=45, nps_detractors=25, nps_responses=100)  # 100 * 20/100
    20.0
    >>> calculate("contacts_offered", offered=200)
    200.0
    >>> calculate("contacts_offered", offered=12.5)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'offered' must be a finite whole number >= 0 but received: 12.5
    """
    definition = kpi(kpi_id)
    check_flag("example", example)
    variant_options = {variant.option for variant in definition.variants}
    chosen = {name: inputs.pop(name) for name in list(inputs) if name in OPTION_NAMES}
    for name in chosen:
        if name not in variant_options:
            raise ValueError(
                f"Option {name!r} does not change the formula of {kpi_id!r}; it changes how the "
                "contacts are counted, so give the counts themselves. Options with variants "
                f"here: {sorted(variant_options) or 'none'}"
            )
    options = Options(**chosen)
    numerator_terms, denominator_terms = definition.sums(options)
    names = list(dict.fromkeys(t.component for t in (*numerator_terms, *denominator_terms)))
    for name in inputs:
        if name not in names:
            _refuse_input(kpi_id, definition, name, names, chosen)
    given = {name: _checked(name, inputs[name]) for name in names if name in inputs}
    missing = [name for name in names if name not in given]
    if missing and not example:
        _refuse_missing(kpi_id, definition, missing, len(names))
    worked = definition.worked_example
    values = {name: given[name] if name in given else float(worked[name]) for name in names}
    numerator = sum(term.sign * values[term.component] for term in numerator_terms)
    if definition.is_count:
        return float(numerator)
    denominator = sum(term.sign * values[term.component] for term in denominator_terms)
    _check_finite(kpi_id, values, numerator, denominator)
    said = _said(definition, numerator_terms, denominator_terms)
    if denominator < 0 or (numerator < 0 and definition.unit != "points"):
        raise ValueError(
            f"Inputs of {kpi_id!r} are inconsistent: the numerator, {said[0]}, is "
            f"{numerator:g} and the denominator, {said[1]}, is {denominator:g}; "
            f"a sum cannot be below 0; received {values}"
        )
    _check_shares(kpi_id, numerator_terms, denominator, values)
    _check_range(kpi_id, definition, numerator, denominator, values, said)
    if denominator == 0:
        return math.nan
    value = definition.scale * (numerator / denominator)
    _check_finite(kpi_id, values, value)
    return value


def _checked(name, value) -> float:
    """One input as a float: a finite number >= 0, whole for a count of contacts."""
    return float(check_number(name, value, minimum=0, integer=components()[name].is_count))


def _refuse_missing(kpi_id, definition, missing, count) -> None:
    """Raise for inputs of the formula left out, with their worked-example values and the
    way to ask for them (``example=True``)."""
    example = ", ".join(f"{name}={definition.worked_example[name]:g}" for name in missing)
    raise ValueError(
        f"Value of 'inputs' leaves out {len(missing)} of the {count} inputs of the {kpi_id!r} "
        f"calculator: {missing}. Give them (the worked example has {example}), or pass "
        "example=True to take the worked example's values for the inputs left out"
    )


def _refuse_input(kpi_id, definition, name, names, chosen) -> None:
    """Raise for an input the chosen formula does not use, naming the variant options whose
    formula does (rather than suggesting a look-alike input of this one).

    >>> calculate("service_level", abandoned_within_threshold=6)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'inputs' names 'abandoned_within_threshold', which the 'service_level'
    calculator uses only with sl_abandoned='excluded' or sl_abandoned='met': choose that
    option. Inputs of the formula chosen: ['answered_within_threshold', 'offered', 'short_abandons']
    """
    using = []
    for variant in definition.variants:
        try:
            options = Options(**{**chosen, variant.option: variant.value})
        except ValueError:  # a variant that cannot join the options chosen
            continue
        if any(term.component == name for term in sum(definition.sums(options), ())):
            using.append(f"{variant.option}={variant.value!r}")
    if not using:
        check_choice("inputs", name, names, f"an input of the {kpi_id!r} calculator")
    raise ValueError(
        f"Value of 'inputs' names {name!r}, which the {kpi_id!r} calculator uses only with "
        f"{' or '.join(using)}: choose that option. Inputs of the formula chosen: {names}"
    )


def _said(definition, numerator_terms, denominator_terms) -> tuple[str, str]:
    """The numerator and denominator as a message names them: the catalog's words for the
    default sums, the sums themselves for a variant's (whose words would be another formula).

    >>> from kpikit.options import Options
    >>> met = kpi("service_level")
    >>> _said(met, *met.sums(Options(sl_abandoned="met")))
    ('(answered_within_threshold + abandoned_within_threshold)', '(offered - short_abandons)')
    >>> _said(met, *met.sums(Options(sl_denominator="answered")))
    ('answered_within_threshold', 'answered')
    """
    if (numerator_terms, denominator_terms) == definition.sums(Options()):
        return definition.numerator, definition.denominator
    return _sum_text(numerator_terms), _sum_text(denominator_terms)


def _sum_text(terms) -> str:
    """``(offered - short_abandons)`` from its terms; a single term without parentheses."""
    text = " ".join(f"{'-' if term.sign < 0 else '+'} {term.component}" for term in terms)
    text = text.removeprefix("+ ")
    return f"({text})" if len(terms) > 1 else text


def _check_finite(kpi_id, values, *results) -> None:
    """Sums and the value must stay within float range: 1e308 s of talk plus 1e308 s of hold
    is infinite, and an infinite AHT is no answer.

    >>> calculate("aht", talk_s=1e308, hold_s=1e308, acw_s=0, answered=1)
    Traceback (most recent call last):
    ...
    ValueError: Inputs of 'aht' are too large to compute with (their sums or the value exceed
    1.8e308); received {'talk_s': 1e+308, 'hold_s': 1e+308, 'acw_s': 0.0, 'answered': 1.0}
    """
    if not all(math.isfinite(result) for result in results):
        raise ValueError(
            f"Inputs of {kpi_id!r} are too large to compute with (their sums or the value "
            f"exceed 1.8e308); received {values}"
        )


def _check_shares(kpi_id, numerator_terms, denominator, values) -> None:
    """NPS: promoters and detractors are shares of the responses, so together at most all."""
    if kpi_id != "nps":
        return
    shares = sum(values[term.component] for term in numerator_terms)
    if shares > denominator:
        parts = " + ".join(term.component for term in numerator_terms)
        raise ValueError(
            f"Inputs of {kpi_id!r} are inconsistent: {parts} is {shares:g}, more than the "
            f"{denominator:g} responses they are part of; received {values}"
        )


def _check_range(kpi_id, definition, numerator, denominator, values, said) -> None:
    """A KPI with an upper bound lies in its range (:attr:`KPI.value_range`: percents and the
    QA score 0..100, NPS -100..100; not conformance, which passes 100 with overtime):
    ``low <= scale * (numerator / denominator) <= high``, the quotient taken first so that
    large totals do not overflow. A numerator other than 0 over a zero denominator (5
    satisfied of 0 responses) is refused too rather than read as "no value", and so is time
    summed over contacts of which there are none (AHT and ASA: 100 s of talk, 0 answered);
    not cost over no answered contact, nor work over no scheduled time, which happen. ``said``
    names the numerator and denominator (:func:`_said`).

    >>> calculate("schedule_conformance", handling_s=3000, available_s=1000, scheduled_s=3600)
    111.11111111111111
    >>> calculate("asa", answered_wait_s=100, answered=0)
    Traceback (most recent call last):
    ...
    ValueError: Inputs of 'asa' are inconsistent: the numerator is 100 while the denominator is \
0 (sum(wait_s) over answered / answered); received {'answered_wait_s': 100.0, 'answered': 0.0}
    """
    low, high = definition.value_range
    if definition.is_count:
        return
    if math.isinf(high):  # no upper bound, and the inputs are never negative
        if definition.unit != "seconds" or denominator or not numerator:
            return
    if denominator:
        value = definition.scale * (numerator / denominator)  # no overflow of scale * 1e307
        inside = low <= value <= high
        reason = f"they give {value:g}, outside {low:g}..{high:g}"
    else:
        inside = numerator == 0
        reason = f"the numerator is {numerator:g} while the denominator is 0"
    if not inside:
        raise ValueError(
            f"Inputs of {kpi_id!r} are inconsistent: {reason} ({said[0]} / {said[1]}); "
            f"received {values}"
        )
