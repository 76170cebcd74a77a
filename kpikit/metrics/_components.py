"""Per-row expressions of the components named in ``kpis.toml`` (``[component.*]``).

Each component is a :class:`Part`: a value per row, counted only where a mask holds. Most
components are 0/1 flags (``answered``, ``csat_satisfied``) built as casts of a condition, which
costs a fraction of a ``when/then`` on pandas; amounts such as talk seconds keep their mask so
that several amounts under the same mask (talk + hold + after-contact work of answered
contacts) become one ``when/then`` when a KPI adds them up row by row.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import narwhals as nw

from kpikit import repeats
from kpikit.catalog import components
from kpikit.options import Options

PREFIX = "_kk_"
"""Prefix of the engine's working columns, which keeps them apart from the user's columns."""


@dataclass(frozen=True)
class Part:
    """A component row by row: ``value`` where ``mask`` holds (``mask`` None: every row).

    ``mask_key`` names the mask so that parts under the same mask can be fused; ``flag`` marks a
    0/1 component whose value is the mask itself.
    """

    value: nw.Expr | None = None
    mask: nw.Expr | None = None
    mask_key: str | None = None
    flag: bool = False

    def expression(self) -> nw.Expr:
        """The component as one float column."""
        if self.flag:
            return as_flag(self.mask)
        if self.mask is None:
            return self.value
        return nw.when(self.mask).then(self.value).otherwise(0.0)


def as_flag(condition: nw.Expr) -> nw.Expr:
    """1.0 where ``condition`` holds, else 0.0 (null counts as not holding)."""
    return condition.fill_null(False).cast(nw.Float64)


def number(name: str, schema) -> nw.Expr:
    """A number column of the data as 64-bit floats: polars sums 32-bit floats as 32-bit floats
    (to about 7 digits), and a component's sums from two queries (FCR's and the others') are
    stacked by type. A column already of 64-bit floats is read as it is (pandas would copy it
    to cast it)."""
    expression = nw.col(name)
    return expression if schema.get(name) == nw.Float64 else expression.cast(nw.Float64)


def column(name: str) -> nw.Expr:
    """A working column of the engine (prefixed)."""
    return nw.col(PREFIX + name)


def match_columns(options: Options, columns) -> tuple[str, ...]:
    """The columns that key "the same issue" for FCR: ``fcr_match`` or the default."""
    if options.fcr_match is not None:
        return options.fcr_match
    return ("customer_id", "reason") if "reason" in columns else ("customer_id",)


def required_columns(names, options: Options, columns) -> list[str]:
    """Columns the components ``names`` need, with the FCR key spelled out."""
    needed = []
    for name in names:
        for required in components()[name].requires:
            if required == "fcr_match":
                needed += match_columns(options, columns)
            else:
                needed.append(required)
    return list(dict.fromkeys(needed))


def within_threshold(options: Options, columns) -> nw.Expr:
    """True where ``wait_s`` is within the row's service-level threshold.

    Per channel, it is an OR of ``channel == c & wait_s <= T(c)`` over the channels whose
    threshold differs from the phone one, plus ``wait_s <= T(phone)`` for every other row
    (phone, unlisted channels, no channel): boolean operations, about half the cost of a
    ``when/then`` chain of thresholds on pandas. When every other threshold is longer than the
    phone one (the default), a wait within the phone threshold is within any channel's, so the
    "every other row" test needs no channel comparison.
    """
    wait = nw.col("wait_s")
    thresholds = options.sl_threshold_s
    fallback = options.sl_threshold_for(None)
    if not isinstance(thresholds, Mapping) or "channel" not in columns:
        return wait <= seconds_as_waits(fallback, columns)
    special = {channel: s for channel, s in thresholds.items() if s != fallback}
    if not special:
        return wait <= seconds_as_waits(fallback, columns)
    channel = nw.col("channel")
    condition = wait <= seconds_as_waits(fallback, columns)
    if min(special.values()) < fallback:
        condition = condition & ~channel.is_in(list(special)).fill_null(False)
    for name, seconds in special.items():
        condition = condition | ((channel == name) & (wait <= seconds_as_waits(seconds, columns)))
    return condition


def seconds_as_waits(seconds: float, schema):
    """A threshold in seconds, held as ``wait_s`` is: a 32-bit float when the waits are.

    Compared with a 64-bit threshold, a 32-bit wait of 20.1 (20.1000004) was over a threshold
    of 20.1 on DuckDB and Arrow-backed pandas, which compare in 64 bits, and within it on
    polars and NumPy, which compare in 32: the threshold rounded as the waits were is the
    hand reading, 20.1 <= 20.1.
    """
    if isinstance(schema, Mapping) and schema.get("wait_s") == nw.Float32:
        return nw.lit(seconds, dtype=nw.Float32())
    return seconds


_READ_RESOLVED = frozenset(
    {
        "fcr_surveyed_first",
        "fcr_resolved_by_survey",
        "fcr_judged_surveyed_first",
        "fcr_resolved_by_both",
    }
)


def fcr_reads(names, options: Options, columns) -> list[str]:
    """The contact columns besides the FCR flags that the FCR components ``names`` read, as
    :func:`contact_parts` builds them: ``transferred`` when a transfer leaves a contact
    unresolved, ``resolved`` for the methods that read the survey.

    >>> from kpikit.options import resolve
    >>> columns = ["transferred", "resolved"]
    >>> fcr_reads(["fcr_judged_first", "fcr_resolved_by_repeat"], resolve(), columns)
    ['transferred']
    >>> fcr_reads(["fcr_resolved_by_both"], resolve(fcr_transfers="ignore"), columns)
    ['resolved']
    """
    reads = ["transferred"] if options.fcr_transfers == "unresolved" else []
    reads += ["resolved"] if _READ_RESOLVED & set(names) else []
    return [column for column in reads if column in columns]


def contact_parts(names, options: Options, schema) -> dict[str, Part]:
    """The contact components ``names`` as parts, for data of ``schema`` (column -> type)."""
    answered = nw.col("answered").fill_null(False)
    abandoned = ~answered
    wait = nw.col("wait_s")
    short_abandon_s = seconds_as_waits(options.short_abandon_s, schema)
    transfers_count = options.fcr_transfers == "unresolved" and "transferred" in schema
    not_transferred = 1.0 - as_flag(nw.col("transferred")) if transfers_count else None

    def unless_transferred(value):
        return value if not_transferred is None else value * not_transferred

    def amount(name):
        if name not in schema:
            return Part(nw.lit(0.0))
        return Part(number(name, schema).fill_null(0.0), answered, "answered")

    builders = {
        "offered": lambda: Part(nw.lit(1.0)),
        "answered": lambda: Part(mask=answered, flag=True),
        "short_abandons": lambda: Part(mask=abandoned & (wait < short_abandon_s), flag=True),
        "answered_within_threshold": lambda: Part(
            mask=answered & within_threshold(options, schema), flag=True
        ),
        "abandoned_within_threshold": lambda: Part(
            mask=abandoned & within_threshold(options, schema) & (wait >= short_abandon_s),
            flag=True,
        ),
        "talk_s": lambda: amount("talk_s"),
        "hold_s": lambda: amount("hold_s"),
        "acw_s": lambda: amount("acw_s"),
        "answered_wait_s": lambda: Part(number("wait_s", schema), answered, "answered"),
        "transferred": lambda: Part(mask=answered & nw.col("transferred"), flag=True),
        "resolved": lambda: Part(mask=answered & nw.col("resolved"), flag=True),
        "resolution_known": lambda: Part(mask=answered & ~nw.col("resolved").is_null(), flag=True),
        "fcr_judged_first": lambda: Part(nw.col(repeats.JUDGED)),
        "fcr_resolved_by_repeat": lambda: Part(unless_transferred(nw.col(repeats.NO_REPEAT))),
        "fcr_surveyed_first": lambda: Part(
            nw.col(repeats.FIRST) * as_flag(~nw.col("resolved").is_null())
        ),
        "fcr_resolved_by_survey": lambda: Part(
            unless_transferred(nw.col(repeats.FIRST) * as_flag(nw.col("resolved")))
        ),
        "fcr_judged_surveyed_first": lambda: Part(
            nw.col(repeats.JUDGED) * as_flag(~nw.col("resolved").is_null())
        ),
        "fcr_resolved_by_both": lambda: Part(
            unless_transferred(nw.col(repeats.NO_REPEAT) * as_flag(nw.col("resolved")))
        ),
        "csat_satisfied": lambda: Part(
            mask=nw.col("csat") >= options.csat_top_box_for_scale, flag=True
        ),
        "csat_responses": lambda: Part(mask=~nw.col("csat").is_null(), flag=True),
        "nps_promoters": lambda: Part(mask=nw.col("nps") >= options.nps_cutoffs[1], flag=True),
        "nps_detractors": lambda: Part(mask=nw.col("nps") <= options.nps_cutoffs[0], flag=True),
        "nps_responses": lambda: Part(mask=~nw.col("nps").is_null(), flag=True),
        "qa_points": lambda: Part(number("qa_score", schema).fill_null(0.0)),
        "qa_evaluated": lambda: Part(mask=~nw.col("qa_score").is_null(), flag=True),
    }
    return {name: builders[name]() for name in names}


def fuse(parts: list[tuple[int, Part]]) -> nw.Expr:
    """One row-by-row sum of signed parts; parts under one mask share one ``when/then``."""
    keys = {part.mask_key for _, part in parts}
    if len(keys) == 1 and None not in keys and not any(part.flag for _, part in parts):
        mask = parts[0][1].mask
        total = _signed_sum((sign, part.value) for sign, part in parts)
        return nw.when(mask).then(total).otherwise(0.0)
    return _signed_sum((sign, part.expression()) for sign, part in parts)


def _signed_sum(pairs):
    total = None
    for sign, expression in pairs:
        if total is None:
            total = expression if sign > 0 else -expression
        else:
            total = total + expression if sign > 0 else total - expression
    return total
