"""Service-level targets set at an answer threshold are applied only at that threshold.

A target of 80 % with ``threshold_s`` 20 (the 80/20 standard of the sector benchmarks) says
"80 % answered within 20 s". A service level computed at 30 s (``sl_threshold_s=30``), or
pooled over channels with other thresholds (chat 30 s), answers another question: rated
against 80/20 it would read green or red for the wrong reason (90 % within 15 s is not 90 %
within 20 s). :func:`check_thresholds` refuses such rows, naming both thresholds and the fix.
"""

from collections.abc import Mapping

import narwhals as nw
import pandas as pd

from kpikit._scorecard.targets import THRESHOLD_COLUMN
from kpikit.options import DEFAULT_CHANNEL, DEFAULT_SL_THRESHOLDS_S, Options, resolve

SHOWN = 5


def check_thresholds(table: pd.DataFrame, sl_threshold_s, keys: list, segment: dict) -> None:
    """Raise when a service-level row with a value is rated against a target whose
    ``threshold_s`` differs from the threshold(s) its value was computed at.

    ``sl_threshold_s`` is what the frame was computed with: a number, or a mapping of channel
    to seconds (:class:`kpikit.Options`); None when unknown (nothing is checked). A row's
    channel comes from its ``channel`` column or from ``segment``; a row of every channel
    (pooled) mixes all the mapping's thresholds.

    >>> table = pd.DataFrame({"team": ["a"], "kpi": ["service_level"], "value": [85.0],
    ...                       "target": [80.0], "threshold_s": [20.0]})
    >>> check_thresholds(table, 20, ["team"], {})   # 80/20 rated at 20 s: fine
    >>> check_thresholds(table, 30, ["team"], {})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Value of 'targets' sets the service_level target at threshold_s 20 s ...
    """
    if sl_threshold_s is None:
        return
    options = Options(sl_threshold_s=sl_threshold_s)  # checked even when nothing is compared
    if "threshold_s" not in table.columns:
        return
    rated = table[
        (table["kpi"] == "service_level") & table["threshold_s"].notna() & table["value"].notna()
    ]
    if rated.empty:
        return
    measured = {
        index: _row_thresholds(rated.loc[index], options, keys, segment) for index in rated.index
    }
    wrong = [i for i in rated.index if measured[i] != (rated.at[i, "threshold_s"],)]
    if wrong:
        channels = _channels_of(rated.loc[wrong], keys, segment)
        raise ValueError(_message(rated.loc[wrong], measured, keys, channels))


def _channels_of(rows: pd.DataFrame, keys: list, segment: dict) -> list:
    """The channels of ``rows`` (from their ``channel`` column or ``segment``); empty for rows
    of every channel."""
    if "channel" in keys:
        return list(dict.fromkeys(rows["channel"].dropna()))
    return [segment["channel"]] if segment.get("channel") is not None else []


def _row_thresholds(row: pd.Series, options: Options, keys: list, segment: dict) -> tuple:
    """The sorted thresholds the row's service level was computed at: its channel's, or every
    threshold of the mapping for a row of all channels."""
    if "channel" in keys:
        channel = row["channel"] if isinstance(row["channel"], str) else None
    elif segment.get("channel") is not None:
        channel = segment["channel"]
    else:
        thresholds = options.sl_threshold_s
        if isinstance(thresholds, Mapping):
            return tuple(sorted({float(seconds) for seconds in thresholds.values()}))
        return (float(thresholds),)
    return (float(options.sl_threshold_for(channel)),)


def _message(wrong: pd.DataFrame, measured: dict, keys: list, channels: list) -> str:
    """The refusal: the target's threshold, the rows computed at others, and the fixes."""
    target_s = float(wrong["threshold_s"].iloc[0])
    shown = []
    for index in wrong.index[:SHOWN]:
        group = {key: wrong.at[index, key] for key in keys}
        seconds = " and ".join(f"{s:g} s" for s in measured[index])
        shown.append(f"row {index}{f' {group}' if group else ''} at {seconds}")
    mixed = any(len(measured[index]) > 1 for index in wrong.index)
    used = sorted({s for index in wrong.index for s in measured[index]} - {target_s})
    pooled = ", or group by 'channel' (a pooled service level mixes their thresholds)"
    return (
        f"Value of 'targets' sets the service_level target at threshold_s {target_s:g} s "
        f"({wrong['target'].iloc[0]:g} % answered within {target_s:g} s) but {len(wrong)} "
        f"service-level row(s) were computed at another threshold: {'; '.join(shown)}. A "
        f"share answered within {used[0]:g} s is not a share answered within {target_s:g} s. "
        f"Compute the service level with sl_threshold_s={target_s:g}"
        + (pooled if mixed else "")
        + f", or give a target set at the threshold used (threshold_s {used[0]:g}, or left "
        "empty for a target that rates any threshold)"
        + (f" in a targets row of channel {channels[0]!r}" if channels else "")
    )


def present_channels(data) -> list:
    """The distinct ``channel`` values of the contacts of ``data`` (a Dataset, a contacts
    frame of any engine or a parquet path), the phone channel for a missing value or a log
    without a ``channel`` column (the data model's default)."""
    from kpikit.schema import Dataset

    contacts = data.contacts if isinstance(data, Dataset) else data
    if isinstance(contacts, str) or hasattr(contacts, "__fspath__"):
        from kpikit.metrics import scan_parquet

        contacts = scan_parquet(contacts, progress=False)
    frame = nw.from_native(contacts)
    if "channel" not in frame.columns:
        return [DEFAULT_CHANNEL]
    distinct = frame.select(nw.col("channel")).unique()
    if isinstance(distinct, nw.LazyFrame):
        distinct = distinct.collect()
    names = distinct.get_column("channel").to_list()
    return sorted({name if isinstance(name, str) else DEFAULT_CHANNEL for name in names})


def at_target_threshold(targets: pd.DataFrame, options, compute_options: dict) -> dict:
    """``compute_options`` with ``sl_threshold_s`` set to the one answer threshold the
    service-level targets are set at, when the caller left the threshold to kpikit's defaults
    (per channel: phone 20 s, chat 30 s, email a day, pooled): an 80/20 target then rates the
    share of every contact answered within 20 s, as it reads. A threshold of the caller's own,
    or targets set at several thresholds (one per channel), are left to
    :func:`kpikit.scorecard.rate` to check.

    >>> from kpikit.scorecard import read_targets
    >>> targets = read_targets(pd.DataFrame(
    ...     {"kpi": ["service_level"], "target": [80.0], "threshold_s": [20.0]}))
    >>> at_target_threshold(targets, None, {}), at_target_threshold(targets, None,
    ...                                                              {"sl_threshold_s": 30})
    ({'sl_threshold_s': 20.0}, {'sl_threshold_s': 30})
    """
    if compute_options.get("sl_threshold_s") is not None or THRESHOLD_COLUMN not in targets:
        return compute_options
    thresholds = resolve(options).sl_threshold_s
    if not isinstance(thresholds, Mapping) or dict(thresholds) != dict(DEFAULT_SL_THRESHOLDS_S):
        return compute_options
    rated = targets[(targets["kpi"] == "service_level") & targets[THRESHOLD_COLUMN].notna()]
    seconds = set(rated[THRESHOLD_COLUMN])
    if len(seconds) != 1:
        return compute_options
    return {**compute_options, "sl_threshold_s": seconds.pop()}


def computed_thresholds(data, targets: pd.DataFrame, by, options, compute_options):
    """The service-level threshold(s) :func:`kpikit.compute` used on ``data``, for
    :func:`rate` to check targets set at a threshold against: a number, a mapping per channel
    (restricted to the channels of the contacts when the card is not grouped by channel: a
    pooled service level mixes only theirs), or None when no target has a ``threshold_s``."""
    if THRESHOLD_COLUMN not in targets.columns or targets[THRESHOLD_COLUMN].isna().all():
        return None
    given = compute_options.get("sl_threshold_s")
    thresholds = resolve(options, sl_threshold_s=given).sl_threshold_s
    grouped = [by] if isinstance(by, str) else list(by or [])
    if not isinstance(thresholds, Mapping) or "channel" in grouped:
        return thresholds
    resolved = Options(sl_threshold_s=thresholds)
    channels = present_channels(data)
    return {channel: resolved.sl_threshold_for(channel) for channel in channels} or None
