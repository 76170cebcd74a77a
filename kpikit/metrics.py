"""The KPI engine: additive components, summed per group, then divided.

Every KPI is ``numerator / denominator`` where both are sums of per-row components, so a
rollup is exact (never an average of averages) and the same code runs on any dataframe engine
through narwhals: pandas in gives pandas out, polars stays polars, DuckDB and Spark stay lazy.

>>> import kpikit as kk
>>> data = kk.load_sample()
>>> table = kk.compute(data, kpis=["aht", "csat"], by="channel")
>>> list(table.columns)
['channel', 'kpi', 'value', 'numerator', 'denominator', 'ci_low', 'ci_high']
"""

from collections.abc import Mapping
from dataclasses import dataclass

import narwhals as nw

from kpikit import repeats as _fcr
from kpikit import stats
from kpikit.schema import TABLES, Dataset, SchemaError

FREQUENCIES = {
    "15min": "15m",
    "30min": "30m",
    "hour": "1h",
    "day": "1d",
    "week": None,  # Monday-based weeks are built from days (see _period_expr)
    "month": "1mo",
    "quarter": "1q",
    "year": "1y",
}

DEFAULT_OPTIONS = {
    "sl_threshold_s": 20.0,
    "sl_denominator": "offered",
    "short_abandon_s": 0.0,
    "fcr_window": "48h",
    "fcr_match": None,  # customer_id and reason, or customer_id alone without a reason column
    "csat_top_box": 4,
    "nps_cutoffs": (6, 9),
}

RESULT_COLUMNS = ["kpi", "value", "numerator", "denominator", "ci_low", "ci_high"]
REQUIRED_CONTACT_COLUMNS = tuple(spec.name for spec in TABLES["contacts"] if spec.required)
_PREFIX = "_kk_"


@dataclass(frozen=True)
class _Kpi:
    """How one KPI is assembled from summed components (see the DESIGN definition table)."""

    table: str  # contacts, agent_intervals or costs
    numerator: str  # name of a summed component or of a derived sum below
    denominator: str
    scale: float = 100.0
    interval: str | None = "wilson"  # wilson, nps, mean or None
    needs: tuple = ()  # optional columns this KPI cannot do without


KPIS = {
    "aht": _Kpi("contacts", "handle_s", "answered", 1.0, "mean", ("talk_s",)),
    "asa": _Kpi("contacts", "answered_wait_s", "answered", 1.0, "mean"),
    "service_level": _Kpi("contacts", "answered_within_threshold", "sl_base"),
    "abandonment_rate": _Kpi("contacts", "counted_abandons", "offered_counted"),
    "answer_rate": _Kpi("contacts", "answered", "offered_counted"),
    "transfer_rate": _Kpi("contacts", "transferred", "answered", needs=("transferred",)),
    "resolution_rate": _Kpi("contacts", "resolved", "resolution_known", needs=("resolved",)),
    "fcr": _Kpi("contacts", "fcr_resolved", "fcr_first", needs=("customer_id",)),
    "csat": _Kpi("contacts", "csat_top_box", "csat_responses", needs=("csat",)),
    "nps": _Kpi("contacts", "nps_net", "nps_responses", 100.0, "nps", ("nps",)),
    "qa_score": _Kpi("contacts", "qa_points", "qa_evaluated", 1.0, "mean", ("qa_score",)),
    "occupancy": _Kpi("agent_intervals", "handling_s", "handling_available_s", interval=None),
    "utilization": _Kpi("agent_intervals", "handling_s", "paid_s", interval=None),
    "schedule_adherence": _Kpi("agent_intervals", "adherent_s", "scheduled_s", interval=None),
    "cost_per_contact": _Kpi("costs", "cost", "answered", 1.0, None),
}
KPI_IDS = tuple(KPIS)

# Per-row components of the contacts table that each KPI sums (the second moment feeds t intervals).
_CONTACT_COMPONENTS = {
    "aht": ("answered", "handle_s", "handle_s_sq"),
    "asa": ("answered", "answered_wait_s", "answered_wait_s_sq"),
    "service_level": ("offered", "answered", "short_abandons", "answered_within_threshold"),
    "abandonment_rate": ("offered", "answered", "short_abandons"),
    "answer_rate": ("offered", "answered", "short_abandons"),
    "transfer_rate": ("answered", "transferred"),
    "resolution_rate": ("resolved", "resolution_known"),
    "fcr": ("fcr_first", "fcr_resolved"),
    "csat": ("csat_top_box", "csat_responses"),
    "nps": ("nps_promoters", "nps_detractors", "nps_responses"),
    "qa_score": ("qa_points", "qa_points_sq", "qa_evaluated"),
}
_MEAN_SQUARES = {"aht": "handle_s_sq", "asa": "answered_wait_s_sq", "qa_score": "qa_points_sq"}
_INTERVAL_COLUMNS = ("handling_s", "available_s", "paid_s", "adherent_s", "scheduled_s")


def compute(data, kpis=None, by=None, freq=None, **options):
    """Compute KPIs exactly, by any grouping and period.

    Each KPI is ``numerator / denominator`` of components summed over the group (see the
    definition table in DESIGN.md and :func:`kpikit.catalog`); ``value`` is scaled to the KPI's
    unit (percent 0..100, seconds, NPS points, currency).

    Parameters
    ----------
    data : Dataset or dataframe
        A :class:`kpikit.Dataset`, or a contacts frame of any narwhals-supported engine.
    kpis : str or list of str, default=None
        KPI ids; ``None`` computes every KPI the data and grouping allow.
    by : str or list of str, default=None
        Grouping columns (e.g. ``"agent_id"``, ``["team", "channel"]``).
    freq : {"15min", "30min", "hour", "day", "week", "month", "quarter", "year"}, default=None
        Adds a ``period`` column holding the start of each period (weeks start on Monday).
    **options
        ``sl_threshold_s=20`` (or per channel, e.g. ``{"phone": 20, "chat": 60, "email": 86400}``;
        channels left out of the mapping use 20 s), ``sl_denominator="offered"`` or ``"answered"``,
        ``short_abandon_s=0``, ``fcr_window="48h"``, ``fcr_match=("customer_id", "reason")``,
        ``csat_top_box=4``, ``nps_cutoffs=(6, 9)``.

    Returns
    -------
    dataframe of the input's kind
        Columns ``*by, [period], kpi, value, numerator, denominator, ci_low, ci_high``.

    Notes
    -----
    A group whose denominator is 0 gets a null value and interval, never 0 or inf. Intervals
    are 95 %: Wilson for proportions, the multinomial variance for NPS, Student t for means
    (AHT, ASA, QA); none for occupancy, utilization, adherence and cost per contact.
    Agent-interval KPIs need ``data.agent_intervals`` holding the ``by`` columns; cost per
    contact needs ``data.costs`` and a grouping within ``channel``.

    Examples
    --------
    >>> import pandas as pd
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3],
    ...     "arrived_at": pd.date_range("2026-01-05 09:00", periods=3, freq="min"),
    ...     "answered": [True, True, False],
    ...     "wait_s": [10.0, 30.0, 45.0],
    ... })
    >>> compute(contacts, kpis=["service_level", "asa"])[["kpi", "value"]].values.tolist()
    [['asa', 20.0], ['service_level', 33.33333333333333]]
    """
    dataset = data if isinstance(data, Dataset) else Dataset(contacts=data)
    options = _check_options(options)
    keys = _as_list(by)
    _check_freq(freq)
    contacts = nw.from_native(dataset.contacts)
    _check_contacts(contacts, keys)
    selected = _select_kpis(kpis, dataset, contacts, keys, options)

    period_keys = [*keys, "period"] if freq else keys
    pieces = []
    contact_kpis = [k for k in selected if KPIS[k].table == "contacts"]
    contact_sums = None
    if contact_kpis:
        contact_sums = _sum_contacts(contacts, contact_kpis, keys, freq, options)
        pieces += [_tidy(contact_sums, period_keys, k) for k in contact_kpis]
    if any(KPIS[k].table == "agent_intervals" for k in selected):
        sums = _sum_intervals(nw.from_native(dataset.agent_intervals), keys, freq)
        pieces += [
            _tidy(sums, period_keys, k) for k in selected if KPIS[k].table == "agent_intervals"
        ]
    if "cost_per_contact" in selected:
        costs = nw.from_native(dataset.costs)
        sums = _sum_costs(contacts, costs, keys, freq, contact_sums)
        pieces.append(_tidy(sums, period_keys, "cost_per_contact"))

    result = nw.concat(pieces, how="vertical")
    order = {k: i for i, k in enumerate(KPI_IDS)}
    rank = nw.col("kpi").replace_strict(order, default=len(order), return_dtype=nw.Int64)
    result = result.with_columns(_kk_rank=rank)
    result = result.sort(*period_keys, "_kk_rank", nulls_last=True).drop("_kk_rank")
    result = nw.maybe_reset_index(result)
    if result.implementation.is_pandas():
        # Nullable inputs (boolean, Int64) make nullable floats; pandas users get NumPy floats.
        return result.to_native().astype({column: "float64" for column in RESULT_COLUMNS[1:]})
    return result.to_native()


# --- validation of arguments ----------------------------------------------------------------


def _as_list(value):
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _check_options(options):
    unknown = sorted(set(options) - set(DEFAULT_OPTIONS))
    if unknown:
        raise TypeError(f"Unknown option(s) {unknown}. Expected some of {sorted(DEFAULT_OPTIONS)}.")
    merged = {**DEFAULT_OPTIONS, **options}
    thresholds = merged["sl_threshold_s"]
    per_channel = thresholds.values() if isinstance(thresholds, Mapping) else [thresholds]
    for name, values in (
        ("sl_threshold_s", per_channel),
        ("short_abandon_s", [merged["short_abandon_s"]]),
    ):
        for value in values:
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"Value of {name!r} must be a number >= 0 (or, for sl_threshold_s, a mapping "
                    f"of channel to such numbers); received: {merged[name]!r}"
                )
    if merged["sl_denominator"] not in ("offered", "answered"):
        raise ValueError(
            "Value of 'sl_denominator' must be one of ['offered', 'answered']; "
            f"received: {merged['sl_denominator']!r}"
        )
    top_box = merged["csat_top_box"]
    if not isinstance(top_box, int) or not 1 <= top_box <= 5:
        raise ValueError(f"Value of 'csat_top_box' must be an integer 1..5; received: {top_box!r}")
    cutoffs = merged["nps_cutoffs"]
    if (
        not isinstance(cutoffs, tuple | list)
        or len(cutoffs) != 2
        or not 0 <= cutoffs[0] < cutoffs[1] <= 10
    ):
        raise ValueError(
            "Value of 'nps_cutoffs' must be (detractor_max, promoter_min) with "
            f"0 <= detractor_max < promoter_min <= 10; received: {cutoffs!r}"
        )
    _fcr.window_ms(merged["fcr_window"])
    return merged


def _check_freq(freq):
    if freq is not None and freq not in FREQUENCIES:
        raise ValueError(
            f"Value of 'freq' is not a period. Expected one of {list(FREQUENCIES)} "
            f"but received: {freq!r}"
        )


def _check_contacts(contacts, keys):
    columns = contacts.collect_schema().names()
    missing = [c for c in REQUIRED_CONTACT_COLUMNS if c not in columns]
    if missing:
        raise SchemaError(f"contacts: missing required column(s) {missing}; present: {columns}")
    unknown = [k for k in keys if k not in columns]
    if unknown:
        raise ValueError(
            f"Value of 'by' names column(s) {unknown} that contacts does not have; "
            f"available: {columns}"
        )


def _select_kpis(kpis, dataset, contacts, keys, options):
    """The KPIs to compute; explicit requests that cannot be met raise, the default skips them."""
    requested = list(KPI_IDS) if kpis is None else _as_list(kpis)
    for kpi_id in requested:
        if kpi_id not in KPIS:
            raise ValueError(
                f"Value of 'kpis' is not a KPI id. Expected one of {list(KPI_IDS)} "
                f"but received: {kpi_id!r}"
            )
    columns = set(contacts.collect_schema().names())
    selected = []
    for kpi_id in requested:
        reason = _unavailable(kpi_id, dataset, columns, keys, options)
        if reason is None:
            selected.append(kpi_id)
        elif kpis is not None:
            raise ValueError(f"Cannot compute {kpi_id!r}: {reason}")
    if not selected:
        raise ValueError("None of the requested KPIs can be computed from this data and grouping.")
    return [k for k in KPI_IDS if k in selected]


def _unavailable(kpi_id, dataset, columns, keys, options):
    spec = KPIS[kpi_id]
    if spec.table == "contacts":
        needs = list(spec.needs)
        if kpi_id == "fcr":
            needs = list(_fcr_match(options, columns))
        if kpi_id == "service_level" and isinstance(options["sl_threshold_s"], Mapping):
            needs = ["channel"]  # per-channel thresholds
        missing = [c for c in needs if c not in columns]
        return f"contacts has no column(s) {missing}" if missing else None
    table = getattr(dataset, spec.table)
    if table is None:
        return f"the Dataset has no {spec.table} table"
    table_columns = nw.from_native(table).collect_schema().names()
    if spec.table == "costs":
        if set(keys) - {"channel"}:
            return "costs can only be split by channel (and period)"
        if "channel" in keys and "channel" not in table_columns:
            return "costs has no channel column to split by"
        return None
    missing = [k for k in keys if k not in table_columns]
    return f"agent_intervals has no column(s) {missing} to group by" if missing else None


def _fcr_match(options, columns):
    if options["fcr_match"] is not None:
        return tuple(_as_list(options["fcr_match"]))
    return ("customer_id", "reason") if "reason" in columns else ("customer_id",)


# --- components and sums --------------------------------------------------------------------


def _c(name):
    """An aggregated component column; the prefix keeps them apart from the user's columns."""
    return nw.col(_PREFIX + name)


def _flag(condition):
    """1.0 where ``condition`` holds, else 0.0 (null counts as not holding)."""
    return condition.fill_null(False).cast(nw.Float64)


def _contact_components(columns, options):
    answered = nw.col("answered").fill_null(False)
    wait = nw.col("wait_s")
    handle = sum(
        (nw.col(c).fill_null(0.0) for c in ("talk_s", "hold_s", "acw_s") if c in columns),
        nw.lit(0.0),
    )
    answered_handle = nw.when(answered).then(handle).otherwise(0.0)
    answered_wait = nw.when(answered).then(wait).otherwise(0.0)
    detractor_max, promoter_min = options["nps_cutoffs"]
    nps = nw.col("nps")
    qa = nw.col("qa_score")
    return {
        "offered": nw.lit(1.0),
        "answered": _flag(answered),
        "short_abandons": _flag(~answered & (wait < options["short_abandon_s"])),
        "answered_within_threshold": _flag(answered & (wait <= _threshold(options))),
        "handle_s": answered_handle,
        "handle_s_sq": answered_handle * answered_handle,
        "answered_wait_s": answered_wait,
        "answered_wait_s_sq": answered_wait * answered_wait,
        "transferred": _flag(answered & nw.col("transferred")),
        "resolved": _flag(answered & nw.col("resolved")),
        "resolution_known": _flag(answered & ~nw.col("resolved").is_null()),
        "csat_top_box": _flag(nw.col("csat") >= options["csat_top_box"]),
        "csat_responses": _flag(~nw.col("csat").is_null()),
        "nps_promoters": _flag(nps >= promoter_min),
        "nps_detractors": _flag(nps <= detractor_max),
        "nps_responses": _flag(~nps.is_null()),
        "qa_points": qa.fill_null(0.0),
        "qa_points_sq": qa.fill_null(0.0) * qa.fill_null(0.0),
        "qa_evaluated": _flag(~qa.is_null()),
    }


def _threshold(options):
    """The service-level threshold: one number, or a per-channel expression."""
    thresholds = options["sl_threshold_s"]
    if not isinstance(thresholds, Mapping):
        return thresholds
    expression = nw.lit(DEFAULT_OPTIONS["sl_threshold_s"])
    for channel, seconds in thresholds.items():
        expression = nw.when(nw.col("channel") == channel).then(seconds).otherwise(expression)
    return expression


def _sum_contacts(contacts, kpi_ids, keys, freq, options):
    names = list(dict.fromkeys(c for k in kpi_ids for c in _CONTACT_COMPONENTS[k]))
    columns = contacts.collect_schema().names()
    if "fcr" in kpi_ids:
        contacts = _fcr.add_fcr_components(
            contacts, window=options["fcr_window"], match=_fcr_match(options, columns)
        )
    expressions = _contact_components(columns, options)
    wanted = {_PREFIX + name: expressions[name] for name in names if name in expressions}
    frame = contacts.with_columns(**wanted) if wanted else contacts
    sums = _sum_by(frame, names, keys, freq, "arrived_at")
    derived = {}
    if "short_abandons" in names:
        counted = _c("offered") - _c("short_abandons")
        derived["offered_counted"] = counted
        derived["counted_abandons"] = counted - _c("answered")
        derived["sl_base"] = _c("answered") if options["sl_denominator"] == "answered" else counted
    if "nps_responses" in names:
        derived["nps_net"] = _c("nps_promoters") - _c("nps_detractors")
    if not derived:
        return sums
    return sums.with_columns(**{_PREFIX + k: v for k, v in derived.items()})


def _sum_intervals(intervals, keys, freq):
    names = [c for c in _INTERVAL_COLUMNS if c in intervals.collect_schema().names()]
    frame = intervals.with_columns(nw.col(c).cast(nw.Float64).alias(_PREFIX + c) for c in names)
    sums = _sum_by(frame, names, keys, freq, "interval_start")
    if {"handling_s", "available_s"} <= set(names):
        total = _c("handling_s") + _c("available_s")
        sums = sums.with_columns(total.alias(_PREFIX + "handling_available_s"))
    return sums


def _sum_costs(contacts, costs, keys, freq, contact_sums=None):
    """Cost and answered contacts per group; reuses the contact sums when they hold answered."""
    join_keys = [*keys, "period"] if freq else keys
    if contact_sums is not None and _PREFIX + "answered" in contact_sums.collect_schema().names():
        answered = contact_sums.select(*join_keys, _c("answered"))
    else:
        frame = contacts.with_columns(_flag(nw.col("answered")).alias(_PREFIX + "answered"))
        answered = _sum_by(frame, ["answered"], keys, freq, "arrived_at")
    spend = costs.with_columns(nw.col("cost").cast(nw.Float64).alias(_PREFIX + "cost"))
    spend = _sum_by(spend, ["cost"], keys, freq, "period_start")
    if not join_keys:
        return answered.join(spend, how="cross")
    # A full join keeps costs of groups without contacts: their value is null (0 answered), and
    # the groups still add up to the total.
    joined = answered.join(spend, on=join_keys, how="full", suffix="_costs")
    return joined.with_columns(
        *(nw.coalesce(key, f"{key}_costs").alias(key) for key in join_keys),
        _c("answered").fill_null(0.0),
    ).drop(f"{key}_costs" for key in join_keys)


def _sum_by(frame, names, keys, freq, time_column):
    """Sum the prefixed component columns ``names`` per ``keys`` (and period)."""
    names = [_PREFIX + name for name in names]
    sums = [nw.col(name).sum() for name in names]
    if freq:
        frame = frame.with_columns(period=_period_expr(time_column, freq))
        keys = [*keys, "period"]
    if not keys:
        return frame.select(sums)
    return frame.select(*keys, *names).group_by(*keys, drop_null_keys=False).agg(sums)


def _period_expr(time_column, freq):
    time = nw.col(time_column).cast(nw.Datetime("us"))
    if freq != "week":
        return time.dt.truncate(FREQUENCIES[freq])
    day = time.dt.truncate("1d")
    weekday = time.dt.weekday()  # 1 = Monday
    start = day
    for offset in range(1, 7):
        start = (
            nw.when(weekday == offset + 1).then(day.dt.offset_by(f"-{offset}d")).otherwise(start)
        )
    return start


# --- ratios and intervals -------------------------------------------------------------------


def _tidy(sums, keys, kpi_id):
    spec = KPIS[kpi_id]
    numerator = _c(spec.numerator)
    denominator = _c(spec.denominator)
    value = nw.when(denominator != 0).then(spec.scale * numerator / denominator)
    low, high = _interval(kpi_id, spec, numerator, denominator)
    return sums.select(
        *keys,
        nw.lit(kpi_id, dtype=nw.String()).alias("kpi"),
        value.cast(nw.Float64).alias("value"),
        numerator.cast(nw.Float64).alias("numerator"),
        denominator.cast(nw.Float64).alias("denominator"),
        low.cast(nw.Float64).alias("ci_low"),
        high.cast(nw.Float64).alias("ci_high"),
    )


def _interval(kpi_id, spec, numerator, denominator):
    if spec.interval == "wilson":
        return stats.wilson_exprs(numerator, denominator, scale=spec.scale)
    if spec.interval == "nps":
        return stats.nps_exprs(_c("nps_promoters"), _c("nps_detractors"), denominator)
    if spec.interval == "mean":
        return stats.mean_exprs(denominator, numerator, _c(_MEAN_SQUARES[kpi_id]))
    empty = nw.lit(None, dtype=nw.Float64())
    return empty, empty


# --- single-KPI helpers ---------------------------------------------------------------------


def _single(kpi_id, data, by, freq, options):
    table = compute(data, kpis=[kpi_id], by=by, freq=freq, **options)
    if by is not None or freq is not None:
        return table
    frame = nw.from_native(table)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    value = frame.get_column("value").to_list()[0]
    return float("nan") if value is None else float(value)


def _make_single(kpi_id):
    def single(data, *, by=None, freq=None, **options):
        return _single(kpi_id, data, by, freq, options)

    single.__name__ = single.__qualname__ = kpi_id
    single.__doc__ = (
        f"The {kpi_id!r} KPI: a thin wrapper over ``compute(data, kpis=[{kpi_id!r}], ...)``.\n\n"
        "Returns the value as a float (NaN when the denominator is 0) when neither ``by`` nor\n"
        "``freq`` is given, otherwise the tidy frame of :func:`compute`. See ``kk.kpi("
        f"{kpi_id!r})`` for the definition.\n"
    )
    return single


aht = _make_single("aht")
asa = _make_single("asa")
service_level = _make_single("service_level")
abandonment_rate = _make_single("abandonment_rate")
answer_rate = _make_single("answer_rate")
transfer_rate = _make_single("transfer_rate")
resolution_rate = _make_single("resolution_rate")
fcr = _make_single("fcr")
csat = _make_single("csat")
nps = _make_single("nps")
qa_score = _make_single("qa_score")
occupancy = _make_single("occupancy")
utilization = _make_single("utilization")
schedule_adherence = _make_single("schedule_adherence")
cost_per_contact = _make_single("cost_per_contact")
