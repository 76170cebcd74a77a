"""Split the gap between a KPI and its target over segments, separating mix from performance.

Every kpikit KPI is a ratio of sums, ``V = s · Σ nᵢ / Σ dᵢ`` over the segments ``i`` of a group
(``s`` the scale: 100 for percents). With ``wᵢ = dᵢ / Σ d`` the segment's share of the
denominator and ``rᵢ = s · nᵢ / dᵢ`` its own value,

    ``V - T = Σ wᵢ (rᵢ - T)``

exactly, for any target ``T``. Segment ``i`` *contributes* ``σ · wᵢ (rᵢ - T)`` to the gap, where
``σ = -1`` when the miss is a value below the target and ``+1`` above it, so that contributions
to the miss are positive and they add up to ``gap = |V - T|``. Against a usual (baseline) share
``bᵢ`` each contribution splits into

- **performance** ``σ · bᵢ (rᵢ - T)``: the segment at its usual share of the volume;
- **mix** ``σ · (wᵢ - bᵢ)(rᵢ - T)``: more (or less) volume than usual where the segment is on
  the wrong side of the target.

Both parts add up to the contribution, segment by segment. Baseline shares are taken over the
segments present in the period, so the performance parts alone add up to the gap the group
would have had with its usual mix.
"""

import numpy as np
import pandas as pd

from kpikit._validators import check_number, check_unique_columns

__all__ = ["DECOMPOSITION_COLUMNS", "decompose"]

DECOMPOSITION_COLUMNS = (
    "numerator",
    "denominator",
    "value",
    "share",
    "baseline_share",
    "performance",
    "mix",
    "contribution",
    "share_of_gap",
)
"""Columns :func:`decompose` returns after the segment labels."""


def decompose(segments: pd.DataFrame, *, target: float, scale: float = 1.0, side=None):
    """Contributions of segments to the gap between a KPI and its target.

    Parameters
    ----------
    segments : pandas.DataFrame
        One row per segment: label column(s), ``numerator`` and ``denominator`` (the KPI's
        summed components, as in :func:`kpikit.compute` output) and optionally
        ``baseline_denominator`` (the segment's usual volume; default: its volume in the period,
        which leaves no mix effect).
    target : float
        The target in the KPI's unit.
    scale : float, default=1.0
        The KPI's scale: 100 for percents, 1 for seconds and points (see
        :func:`kpikit.catalog.kpi`).
    side : {"below", "above"}, default=None
        Which side of the target a miss is on: "below" when higher is better, "above" when
        lower is better; default: the side the total value is on.

    Returns
    -------
    pandas.DataFrame
        The label columns, then :data:`DECOMPOSITION_COLUMNS`: ``value`` the segment's own KPI
        value (null without denominator), ``share`` and ``baseline_share`` its share of the
        volume in the period and usually, ``performance + mix = contribution`` (in the KPI's
        unit, positive when the segment adds to the miss) and ``share_of_gap =
        contribution / gap`` (null when the target is met). Contributions add up to the gap
        ``σ · (V - T)``, which is ``|V - T|`` for a miss and negative when the target is met.
        A segment with neither numerator nor denominator contributes 0. A segment with a
        numerator but no denominator (cost on a channel without answered contacts) has no value
        of its own, yet its numerator is part of ``V``, as in :func:`kpikit.compute`'s totals:
        it contributes ``σ · s · nᵢ / Σ d``, all of it ``mix`` (it has no share of the volume
        to perform at), so that contributions still add up to the gap. When the segments with
        volume in the period have no baseline volume at all, ``baseline_share`` is their share
        in the period (no mix effect) and ``attrs["note"]`` says so.

    Raises
    ------
    TypeError
        ``segments`` that is not a DataFrame, ``target`` or ``scale`` that is not a number.
    ValueError
        Missing or repeated columns, a label column named as a result column (``value``,
        ``share``, ...), a segment on two rows (the same labels twice), null, text
        (even ``"1"``) or infinite sums, negative or all-zero denominators, sums so large that
        the gap overflows (past 1.8e308),
        a ``target`` that is not finite, a ``scale`` that is not finite and > 0, or a ``side``
        other than "below" or "above".

    Notes
    -----
    A numerator may be negative: the NPS numerator is promoters minus detractors.

    Examples
    --------
    Service level, target 80 %: billing answers 40 of 50 contacts in time (80 %), tech support
    20 of 50 (40 %); usually billing has 75 % of the volume.

    >>> segments = pd.DataFrame({"queue": ["billing", "tech"], "numerator": [40, 20],
    ...                          "denominator": [50, 50], "baseline_denominator": [75, 25]})
    >>> parts = decompose(segments, target=80, scale=100)   # 60 % overall: 20 points short
    >>> parts[["queue", "value", "performance", "mix", "contribution"]]
         queue  value  performance   mix  contribution
    0  billing   80.0          0.0   0.0           0.0
    1     tech   40.0         10.0  10.0          20.0

    Cost per contact, target 300: 1,000 spent on chat, which answered no contact, and 3,000 on
    phone for 5 contacts; ``V = 4000 / 5 = 800``, 500 over the target.

    >>> costs = pd.DataFrame({"channel": ["chat", "phone"], "numerator": [1000.0, 3000.0],
    ...                       "denominator": [0, 5]})
    >>> decompose(costs, target=300)[["channel", "value", "performance", "mix", "contribution"]]
      channel  value  performance    mix  contribution
    0    chat    NaN          0.0  200.0         200.0
    1   phone  600.0        300.0    0.0         300.0
    """
    check_number("target", target)
    check_number("scale", scale, minimum=0, above_minimum=True)
    return decomposed(_checked(segments), target=target, scale=scale, side=side)


def decomposed(frame: pd.DataFrame, *, target: float, scale: float, side=None):
    """:func:`decompose` of segments that kpikit summed itself: a ``frame`` of one row per
    segment with numeric ``numerator``, ``denominator`` and (optionally)
    ``baseline_denominator`` columns, which are not checked again (the checks took 60 % of the
    time of a root cause's splits).

    >>> segments = pd.DataFrame({"queue": ["billing", "tech"], "numerator": [40.0, 20.0],
    ...     "denominator": [50.0, 50.0], "baseline_denominator": [75.0, 25.0]})
    >>> decomposed(segments, target=80, scale=100)["contribution"].tolist()
    [0.0, 20.0]
    """
    usual = frame.get("baseline_denominator", frame["denominator"])
    parts, note = decomposed_columns(
        frame["numerator"], frame["denominator"], usual, target=target, scale=scale, side=side
    )
    replaced = {*parts, "baseline_denominator"}
    labels = {column: frame[column].array for column in frame.columns if column not in replaced}
    result = pd.DataFrame({**labels, **parts})
    if note:
        result.attrs["note"] = note
    return result


def decomposed_columns(numerator, denominator, baseline, *, target, scale, side=None):
    """The columns of :func:`decomposed` (a dict of :data:`DECOMPOSITION_COLUMNS` to arrays)
    and its note ("" for none), from the segments' ``numerator``, ``denominator`` and
    ``baseline`` (usual denominator) as arrays or Series: what a caller needs to build one
    frame of its own labels and these columns.

    >>> parts, note = decomposed_columns([40.0, 20.0], [50.0, 50.0], [0.0, 0.0], target=80,
    ...                                  scale=100)
    >>> parts["contribution"].tolist(), parts["mix"].tolist(), note[:45]
    ([0.0, 20.0], [0.0, 0.0], 'The segments with volume in the period have n')
    """
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    baseline = np.asarray(baseline, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):  # overflowing sums are refused below
        total, numerator_total = denominator.sum(), numerator.sum()
    if total <= 0:
        raise ValueError("Value of 'segments' has no denominator: there is no value to explain")
    with np.errstate(over="ignore", invalid="ignore"):
        value = scale * numerator_total / total
    if side is None:
        side = "below" if value < target else "above"
    if side not in ("below", "above"):
        raise ValueError(
            f"Value of 'side' is not valid. Expected one of ['below', 'above'] but received: "
            f"{side!r}"
        )
    sign = -1.0 if side == "below" else 1.0
    present = denominator > 0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        own = np.where(present, scale * numerator / denominator, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        contribution = sign * (scale * numerator - target * denominator) / total
    if not np.isfinite([value, *contribution]).all():
        raise ValueError(
            "Value of 'segments' has sums too large to decompose: scaled and added up they pass "
            f"the largest float ({np.finfo(float).max:.1e}); received numerator total "
            f"{numerator_total:g}, denominator total {total:g}"
        )
    baseline = np.where(present, baseline, 0.0)
    usual = baseline / baseline.sum() if baseline.sum() > 0 else denominator / total
    note = (
        ""
        if baseline.sum() > 0
        else "The segments with volume in the period have no baseline_denominator (usual "
        "volume): their baseline shares are their shares in the period, so no part of the gap "
        "is mix."
    )
    performance = np.where(present, sign * usual * (own - target), 0.0)
    gap = sign * (value - target)
    parts = {
        "numerator": numerator,
        "denominator": denominator,
        "value": own,
        "share": denominator / total,
        "baseline_share": usual,
        "performance": performance,
        "mix": contribution - performance,
        "contribution": contribution,
        "share_of_gap": contribution / gap if gap > 0 else np.full(len(numerator), np.nan),
    }
    return parts, note


def _checked(segments) -> pd.DataFrame:
    if not isinstance(segments, pd.DataFrame):
        raise TypeError(
            f"Value of 'segments' must be a pandas DataFrame but received: "
            f"{type(segments).__name__}"
        )
    missing = [column for column in ("numerator", "denominator") if column not in segments]
    if missing:
        raise ValueError(
            f"Value of 'segments' is missing column(s) {missing}; columns are "
            f"{list(segments.columns)}"
        )
    check_unique_columns("segments", segments)
    # a label column named as a result column was replaced by it: the labels were lost
    taken = [c for c in segments.columns if c in DECOMPOSITION_COLUMNS[2:]]
    if taken:
        raise ValueError(
            f"Value of 'segments' has label column(s) {taken} named as columns decompose "
            f"returns ({', '.join(DECOMPOSITION_COLUMNS[2:])}), which would replace them; "
            "rename them (segments.rename(columns=...))"
        )
    frame = segments.copy()
    if "baseline_denominator" not in frame:
        frame["baseline_denominator"] = frame["denominator"]
    for column in ("numerator", "denominator", "baseline_denominator"):
        frame[column] = _numeric(frame[column])
    labels = [
        c for c in frame.columns if c not in ("numerator", "denominator", "baseline_denominator")
    ]
    repeated = frame.index[frame.duplicated(labels, keep=False)] if labels else frame.index[:0]
    if len(repeated):
        raise ValueError(
            f"Value of 'segments' must have one row per segment but {len(repeated)} rows repeat "
            f"the labels {labels}, first rows {list(repeated[:5])}: "
            f"{frame.loc[repeated[:5], labels].to_dict('records')}; add them up first"
        )
    negative = frame.index[(frame["denominator"] < 0) | (frame["baseline_denominator"] < 0)]
    if len(negative):
        raise ValueError(
            f"Value of 'segments' has negative denominators in {len(negative)} row(s), "
            f"first rows {list(negative[:5])}"
        )
    return frame


def _numeric(values: pd.Series) -> pd.Series:
    """A column of sums as floats; null, text (even ``"1"``: text is not read as a number) or
    infinite values raise, naming the column and the first rows (a null sum is not read as 0)."""
    text = values.map(lambda value: isinstance(value, str | bytes)).to_numpy(bool)
    converted = pd.to_numeric(values.mask(text), errors="coerce").astype(float)
    bad = values.index[converted.isna() | np.isinf(converted)]
    if len(bad):
        raise ValueError(
            f"Value of 'segments' must have finite numbers in column {values.name!r} but rows "
            f"{list(bad[:5])} have: {values[bad[:5]].tolist()}"
        )
    return converted
