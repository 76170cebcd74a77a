"""Published benchmark ranges (``benchmarks.csv``) as a tidy, filterable table."""

from collections.abc import Iterable
from functools import cache
from importlib.resources import files

import pandas as pd

from kpikit._validators import check_choice
from kpikit.catalog._registry import CHANNELS, KPI_IDS, SECTORS, TIERS

_TIER_ORDER = ("average", "target", "world_class")

THRESHOLD_KPI = "service_level"
"""The KPI measured at an answer threshold, whose rows give it in ``threshold_s``: a range and
a value compare only at the same threshold (90 % within 15 s is not 90 % within 20 s)."""

BENCHMARK_COLUMNS = (
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


@cache
def _benchmark_table() -> pd.DataFrame:
    with files("kpikit.catalog").joinpath("benchmarks.csv").open("r", encoding="utf-8") as handle:
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
    return table.loc[positions, list(BENCHMARK_COLUMNS)].reset_index(drop=True)


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
        One of :data:`CHANNELS`: ``"phone"``, ``"chat"``, ``"email"``, or ``"all"`` for the
        figures the sources give for every channel. ``None`` returns the rows of every channel
        unchanged.
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
        comes from and ``note`` gives its context. ``attrs["note"]`` says which requested
        KPIs have figures only for other channels (empty text when none).

    Notes
    -----
    Channels are data: figures the sources write about calls (service level 80/20, ASA,
    abandonment) are ``phone`` rows, cost per contact has a row per channel, and figures that
    hold for any contact (FCR, CSAT, NPS, QA, occupancy, utilization, AHT) are ``all`` rows.
    Asking for a channel never borrows another channel's figures: a KPI whose only figures are
    for other channels has no row, and ``attrs["note"]`` names it and the channels that have
    figures (for example service level for email: the 80/20 standard is for phone calls).

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
    rate, transfer rate, resolution rate, schedule adherence and conformance, the volume
    counts) have no rows.

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
    >>> email = benchmarks(kpi="service_level", channel="email")
    >>> len(email), email.attrs["note"]
    (0, "No benchmark for channel 'email' of service_level (figures exist for phone).")
    """
    if sector is not None:
        check_choice("sector", sector, SECTORS, "a sector")
    if channel is not None:
        check_choice("channel", channel, CHANNELS, "a channel")
    if tier is not None:
        check_choice("tier", tier, TIERS, "a tier")
    if kpi is not None:
        kpi_ids = _kpi_ids(kpi)
        for kpi_id in kpi_ids:
            check_choice("kpi", kpi_id, KPI_IDS, "a KPI id")

    table = _benchmark_table()
    keep = pd.Series(True, index=table.index)
    if kpi is not None:
        keep &= table["kpi"].isin(kpi_ids)
    if tier is not None:
        keep &= table["tier"] == tier
    if sector is not None:
        keep &= table["sector"].isin([sector, "all"])
    candidates = table[keep]
    if channel is not None:
        rows = candidates[candidates["channel"].isin([channel, "all"])].copy()
    else:
        rows = candidates.copy()

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
    result = rows.assign(fallback=fallback).reset_index(drop=True)
    result.attrs["note"] = _missing_channel_note(candidates, result, channel)
    return result


def _kpi_ids(kpi) -> list:
    """``kpi`` as a list of ids: one str, or an iterable of them (each checked by the caller)."""
    if isinstance(kpi, str):
        return [kpi]
    if not isinstance(kpi, Iterable):
        raise TypeError(
            "Value of 'kpi' must be a KPI id (str) or an iterable of KPI ids but received: "
            f"{kpi!r} ({type(kpi).__name__})"
        )
    return list(kpi)


def _missing_channel_note(candidates: pd.DataFrame, result: pd.DataFrame, channel) -> str:
    """Which KPIs have figures only for channels other than ``channel``."""
    if channel is None:
        return ""
    missing = [k for k in dict.fromkeys(candidates["kpi"]) if k not in set(result["kpi"])]
    if not missing:
        return ""
    elsewhere = candidates[candidates["kpi"].isin(missing)]
    channels = ", ".join(c for c in CHANNELS if c in set(elsewhere["channel"]))
    return (
        f"No benchmark for channel {channel!r} of {', '.join(missing)} "
        f"(figures exist for {channels})."
    )
