"""Ready-made scorecards: which KPIs are primary, which lead, which are supporting.

The presets are data (``kpikit/catalog/scorecards.toml``), each with the sentence of the article
it rests on: *starter* (FCR, CSAT, service level), *small business* (FCR, CSAT, abandonment),
*customer-experience-led* (CSAT and FCR lead) and *cost-led* (cost per contact and utilization
lead).
"""

import copy

import pandas as pd

from kpikit._scorecard.targets import read_targets, scorecard_data, targets_from_benchmarks
from kpikit._validators import check_choice

LEAD_WEIGHT = 2.0
"""How much more a preset's leading KPIs weigh than its other primary KPIs."""


def presets() -> pd.DataFrame:
    """The scorecard presets: primary and leading KPIs, and the sentence each rests on.

    Returns
    -------
    pandas.DataFrame
        ``preset, title, primary, lead, supporting, sentence, source``.

    Examples
    --------
    >>> presets().set_index("preset").loc["starter", "primary"]
    ['fcr', 'csat', 'service_level']
    """
    # Deep copies: the lists in the cells are the cached catalog's otherwise, and appending to
    # one would change every later preset_targets() call.
    entries = copy.deepcopy(scorecard_data()["preset"])
    rows = [{"preset": name, **entry} for name, entry in entries.items()]
    columns = ["preset", "title", "primary", "lead", "supporting", "sentence", "source"]
    return pd.DataFrame(rows, columns=columns)


def preset_targets(preset: str, targets=None, *, sector: str = "all", channel: str = "phone"):
    """Targets for a preset scorecard: its primary KPIs, leading ones weighted up, the rest
    supporting (or left out).

    Parameters
    ----------
    preset : {"starter", "small_business", "customer_experience", "cost"}
        See :func:`presets`.
    targets : str, path or DataFrame, default=None
        Targets to start from (see :func:`kpikit.scorecard.read_targets`); ``None`` derives them
        from the benchmarks of ``sector`` and ``channel``.
    sector : str, default="all"
        Benchmark sector when ``targets`` is None; its priorities set the base weights.
    channel : str, default="phone"
        Benchmark channel when ``targets`` is None. Phone by default: the sources' service
        level, ASA and abandonment figures are written about calls.

    Returns
    -------
    pandas.DataFrame
        A validated targets table with ``role`` (``primary`` or ``supporting``) and weights:
        the base weight times 2 for the preset's leading KPIs. ``note`` names the preset.

    Raises
    ------
    ValueError
        Unknown preset (with a suggestion), or a primary KPI without a target in the source
        (the message names it and where the targets came from).

    Examples
    --------
    >>> table = preset_targets("customer_experience")
    >>> table.loc[table["role"] == "primary", ["kpi", "weight"]].values.tolist()
    [['service_level', 1.0], ['fcr', 2.0], ['csat', 2.0], ['nps', 1.0], ['qa_score', 1.0]]
    >>> preset_targets("starter", channel="email")
    Traceback (most recent call last):
    ...
    ValueError: The 'starter' preset needs a target for ['service_level'] but the benchmarks of
    sector 'all', channel 'email' have none; ...
    """
    entries = scorecard_data()["preset"]
    check_choice("preset", preset, entries, "a scorecard preset")
    entry = entries[preset]
    if targets is None:
        base = targets_from_benchmarks(sector, channel=channel)
        origin = f"the benchmarks of sector {sector!r}, channel {channel!r}"
    else:
        base = read_targets(targets)
        origin = "the targets given"
    missing = [kpi_id for kpi_id in entry["primary"] if kpi_id not in set(base["kpi"])]
    if missing:
        raise ValueError(
            f"The {preset!r} preset needs a target for {missing} but {origin} have none; "
            "pass targets that include them (or another channel: the published service level, "
            "ASA and abandonment figures are for phone)"
        )
    primary = base["kpi"].isin(entry["primary"])
    chosen = base[primary | entry["supporting"]].copy()
    chosen["role"] = [
        "primary" if kpi_id in entry["primary"] else "supporting" for kpi_id in chosen["kpi"]
    ]
    lead = chosen["kpi"].isin(entry["lead"])
    chosen.loc[lead, "weight"] = chosen.loc[lead, "weight"] * LEAD_WEIGHT
    label = f"{entry['title']} preset: {entry['sentence']} ({entry['source']})"
    chosen["note"] = [
        f"{note} {label}".strip() if role == "primary" else note
        for note, role in zip(chosen["note"], chosen["role"], strict=True)
    ]
    return read_targets(chosen.reset_index(drop=True))
