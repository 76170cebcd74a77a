"""A warning when a per-channel ``sl_threshold_s`` does not fit the channels of the contacts.

A mapping of thresholds replaces kpikit's defaults as a whole, and every channel it leaves out
is judged by its phone threshold (20 s when it has none). Two slips then change service level
without a sound: a key that matches no channel of the data (``"voice"`` where the log says
``"phone"``, a typo), and a channel left out whose default was another (email, 24 h by
default, judged at 20 s after ``{"phone": 15, "chat": 60}``). :func:`warn_on_misfit` says
which, once per call. It reads the distinct channels only when the caller gave a mapping of
their own and a service level is asked for (one pass over one column).
"""

import sys
import warnings
from collections.abc import Mapping
from pathlib import Path

import narwhals as nw

from kpikit.options import DEFAULT_CHANNEL, DEFAULT_SL_THRESHOLDS_S, Options


class ThresholdWarning(UserWarning):
    """A per-channel ``sl_threshold_s`` names channels the contacts do not have, or leaves out
    channels whose default threshold is not the phone one."""


def warn_on_misfit(contacts, options: Options, components) -> None:
    """Warn (:class:`ThresholdWarning`) when ``options.sl_threshold_s`` is a mapping of the
    caller's that does not fit the channels of ``contacts`` (a narwhals frame), and
    ``components`` hold a count within the threshold.

    >>> import pandas as pd
    >>> contacts = nw.from_native(pd.DataFrame({"channel": ["phone", "email", None]}))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_on_misfit(contacts, Options(sl_threshold_s={"voice": 15, "phone": 20}),
    ...                    ["answered_within_threshold"])
    >>> print(caught[0].message)
    sl_threshold_s names a channel the contacts do not have: 'voice' (theirs: 'email', 'phone').
    It leaves out 'email', judged by its phone threshold of 20 s rather than kpikit's default of
    86400 s: give every channel a threshold to keep them apart.

    Contacts without a ``channel`` column are phone calls, judged by the phone threshold: a
    mapping of other channels alone changed nothing, without a word.

    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_on_misfit(nw.from_native(pd.DataFrame({"wait_s": [10.0]})),
    ...                    Options(sl_threshold_s={"voice": 15}), ["answered_within_threshold"])
    >>> print(caught[0].message)
    sl_threshold_s names a channel the contacts do not have: 'voice' (they have no 'channel'
    column, so each is a phone call, judged by the phone threshold of 20 s).
    """
    thresholds = options.sl_threshold_s
    if (
        not isinstance(thresholds, Mapping)
        or dict(thresholds) == dict(DEFAULT_SL_THRESHOLDS_S)
        or not {"answered_within_threshold", "abandoned_within_threshold"} & set(components)
    ):
        return
    channelled = "channel" in contacts.columns
    present = _channels(contacts) if channelled else [DEFAULT_CHANNEL]
    unknown = [name for name in thresholds if name not in present]
    fallback = options.sl_threshold_for(None)
    left_out = [
        name
        for name in present
        if name not in thresholds and DEFAULT_SL_THRESHOLDS_S.get(name, fallback) != fallback
    ]
    sentences = []
    if unknown:
        channels = "a channel" if len(unknown) == 1 else "channels"
        theirs = (
            "theirs: " + (", ".join(map(repr, present)) or "none")
            if channelled
            else "they have no 'channel' column, so each is a phone call, judged by the phone "
            f"threshold of {options.sl_threshold_for(None):g} s"
        )
        sentences.append(
            f"sl_threshold_s names {channels} the contacts do not have: "
            f"{', '.join(map(repr, unknown))} ({theirs})."
        )
    if left_out:
        defaults = ", ".join(f"{DEFAULT_SL_THRESHOLDS_S[name]:g} s" for name in left_out)
        sentences.append(
            f"{'It' if unknown else 'sl_threshold_s'} leaves out "
            f"{', '.join(map(repr, left_out))}, judged by its phone threshold of {fallback:g} s "
            f"rather than kpikit's default{'s' if len(left_out) > 1 else ''} of {defaults}: "
            "give every channel a threshold to keep them apart."
        )
    if sentences:
        warnings.warn(" ".join(sentences), ThresholdWarning, stacklevel=callers_level())


def callers_level() -> int:
    """The ``stacklevel`` of the first caller outside kpikit (the line of a notebook or script
    that called :func:`kpikit.compute` or a helper built on it), for a warning raised by the
    function calling this."""
    package = str(Path(__file__).parents[1])
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _channels(contacts) -> list[str]:
    """The distinct channels of ``contacts`` (eager or lazy), sorted, without the missing one."""
    distinct = contacts.select(nw.col("channel")).unique()
    if isinstance(distinct, nw.LazyFrame):
        distinct = distinct.collect()
    names = distinct.get_column("channel").to_list()
    return sorted(name for name in names if isinstance(name, str))
