"""A warning when CSAT answers look like a smaller survey scale than ``csat_scale`` says.

The checks refuse an answer above the scale (a 7 with ``csat_scale=5``), but not the opposite
slip: answers of a 1..5 survey read with ``csat_scale=7`` or ``10`` all pass, and all fall below
the top box (6-7 or 9-10), so CSAT is 0 % without a sound. When the scale is above 5 and a CSAT
is asked for, :func:`warn_on_small_answers` reads the largest answer (one pass over one column,
from a parquet file's statistics on DuckDB) and warns when none is above 5 nor in the top box.
"""

import warnings

import narwhals as nw

from kpikit.metrics._threshold_channels import callers_level
from kpikit.options import Options

SMALLEST_SCALE = 5
"""The smallest survey scale: answers all at or below it fit it."""


class CsatScaleWarning(UserWarning):
    """Every CSAT answer fits a smaller survey scale than ``csat_scale``."""


def warn_on_small_answers(contacts, options: Options, components) -> None:
    """Warn (:class:`CsatScaleWarning`) when ``options.csat_scale`` is above 5, ``components``
    count CSAT responses, and no answer of ``contacts`` (a narwhals frame) is above 5.

    >>> import pandas as pd
    >>> contacts = nw.from_native(pd.DataFrame({"csat": [5.0, 4.0, None]}))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_on_small_answers(contacts, Options(csat_scale=10), ["csat_satisfied"])
    >>> print(caught[0].message)
    csat_scale=10, yet no CSAT answer is above 5 (the largest of 2 is 5): every answer is below \
the top box (9-10), so CSAT is 0 %. A 1..5 survey needs csat_scale=5.
    """
    if (
        options.csat_scale <= SMALLEST_SCALE
        or "csat" not in contacts.columns
        or not {"csat_satisfied", "csat_responses"} & set(components)
    ):
        return
    answers = contacts.select(largest=nw.col("csat").max(), count=nw.col("csat").count())
    if isinstance(answers, nw.LazyFrame):
        answers = answers.collect()
    largest, count = answers.row(0)
    count = int(count or 0)  # pandas gives a float
    top = options.csat_top_box_for_scale
    if not count or largest > SMALLEST_SCALE or largest >= top:  # a top box of the caller's
        return
    box = f"{top:g}-{options.csat_scale}" if top < options.csat_scale else f"{top:g}"
    warnings.warn(
        f"csat_scale={options.csat_scale}, yet no CSAT answer is above {SMALLEST_SCALE} (the "
        f"largest of {count:,} is {largest:g}): every answer is below the top box ({box}), so "
        "CSAT is 0 %. A 1..5 survey needs csat_scale=5.",
        CsatScaleWarning,
        stacklevel=callers_level(),
    )
