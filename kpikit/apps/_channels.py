"""The channel choice of the scorecard and trade-off dashboards.

Channels wait on very different clocks: a call is answered in seconds, an email in hours. A
center-wide service level or ASA therefore mixes email into voice targets (in the sample data,
all channels: service level 71.8 %, ASA about 2,400 s; phone alone: 80.2 %, 19 s). The apps
offer "All channels" plus every channel present in the data, and say in words what the chosen
view pools.

One channel is computed by adding ``channel`` to the grouping and keeping that channel's rows,
rather than by filtering the contacts first: repeat contacts for first-contact resolution are
then still found across channels (a call followed by an email about the same reason counts
against the call), and costs are matched to their channel. Agent intervals have no channel, so
occupancy, utilization and schedule adherence exist for all channels only.
"""

import html
from collections.abc import Mapping

import narwhals.stable.v2 as nw
import pandas as pd

from kpikit._frames import collected
from kpikit.apps._base import CHANNEL_LABELS, compute_table
from kpikit.catalog import CHANNELS, KPI_IDS
from kpikit.catalog import kpi as kpi_definition
from kpikit.options import DEFAULT_CHANNEL, Options

__all__ = [
    "ALL_CHANNELS",
    "INTERVAL_KPIS",
    "ChannelTables",
    "channel_choices",
    "channel_note",
    "check_channel",
    "data_channels",
    "pick_choice",
    "refill",
    "reset_channel_picker",
    "threshold_text",
    "view_segment",
]

ALL_CHANNELS = "all"

INTERVAL_KPIS = tuple(k for k in KPI_IDS if kpi_definition(k).table == "agent_intervals")
"""KPIs computed from agent intervals, which cannot be split by channel."""


def data_channels(contacts) -> list[str]:
    """The channels present in a contacts table: catalog channels first, then others sorted.

    Examples
    --------
    >>> data_channels(pd.DataFrame({"channel": ["sms", "email", "phone", None, "phone"]}))
    ['phone', 'email', 'sms']
    >>> data_channels(pd.DataFrame({"wait_s": [1.0]}))
    []
    """
    frame = nw.from_native(contacts)
    if "channel" not in frame.collect_schema().names():
        return []
    values = collected(frame.select(nw.col("channel").drop_nulls().unique()))
    present = set(values["channel"].to_list())
    known = [channel for channel in CHANNELS if channel in present]
    return known + sorted(present - set(known), key=str)


def channel_choices(channels: list[str]) -> list[tuple[str, str]]:
    """(label, value) pairs for the channel ``Dropdown``: "All channels", then ``channels``.

    >>> channel_choices(["phone", "sms"])
    [('All channels', 'all'), ('Phone', 'phone'), ('sms', 'sms')]
    """
    labels = [(CHANNEL_LABELS.get(channel, str(channel)), channel) for channel in channels]
    return [(CHANNEL_LABELS[ALL_CHANNELS], ALL_CHANNELS), *labels]


def pick_choice(requested, current, valid):
    """The requested value if valid, else the current one if still valid, else the first.

    >>> pick_choice("chat", "phone", ["all", "phone"]), pick_choice(None, "x", [])
    ('phone', None)
    """
    for candidate in (requested, current):
        if candidate in valid:
            return candidate
    return valid[0] if valid else None


def refill(dropdown, options: list[tuple[str, object]], requested=None) -> None:
    """Give a ``Dropdown`` new options: the requested value if valid, else the current one if
    still there (ipywidgets would jump to the first option), else the first.

    >>> import ipywidgets as widgets
    >>> level = widgets.Dropdown(options=[("Center", "center"), ("Team", "team"),
    ...                                   ("Queue", "queue")], value="team")
    >>> refill(level, [("Center", "center"), ("Team", "team")])
    >>> level.value
    'team'
    """
    current = dropdown.value
    dropdown.options = options
    dropdown.value = pick_choice(requested, current, [value for _, value in options])


def reset_channel_picker(dropdown, channels: list[str], requested) -> None:
    """Refill the channel ``Dropdown`` for the data's ``channels``, keeping a valid choice."""
    refill(dropdown, channel_choices(channels), requested)
    dropdown.disabled = not channels


def check_channel(channel, channels: list[str]) -> None:
    """Raise ValueError when ``channel`` is neither ``"all"`` nor one of ``channels``; contacts
    without channels are phone contacts (the data model's default), so ``"phone"`` is theirs
    (the pickers then show "All channels", which is the same contacts).

    >>> check_channel("phone", [])
    >>> check_channel("email", ["phone"])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'channel' is not a channel of the data. Expected one of ['all', 'phone'] \
but received: 'email'
    """
    valid = [ALL_CHANNELS, *(channels or [DEFAULT_CHANNEL])]
    if channel not in valid:
        raise ValueError(
            f"Value of 'channel' is not a channel of the data. Expected one of {valid} "
            f"but received: {channel!r}"
        )


def view_segment(channel: str) -> dict:
    """The segment of the targets a channel view is (``segment`` of
    :func:`kpikit.scorecard.rate`): the channel chosen, or all pooled (None); the views never
    split directions, so they pool them.

    >>> view_segment("phone"), view_segment("all")
    ({'channel': 'phone', 'direction': None}, {'channel': None, 'direction': None})
    """
    return {"channel": None if channel == ALL_CHANNELS else channel, "direction": None}


def threshold_text(sl_threshold_s, channel: str) -> str:
    """The service-level answer threshold of a channel in words (``"20 s"``, ``"24 h"``).

    A mapping gives a threshold per channel; channels it leaves out use the phone threshold
    (:meth:`kpikit.Options.sl_threshold_for`).

    >>> threshold_text({"phone": 20, "email": 86400}, "email"), threshold_text(30, "chat")
    ('24 h', '30 s')
    """
    seconds = Options(sl_threshold_s=sl_threshold_s).sl_threshold_for(channel)
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    return f"{seconds:g} s"


def channel_note(channel: str, channels: list[str], *, sl_threshold_s, intervals: bool) -> str:
    """What the chosen channel view contains, as escaped HTML (empty when there is no choice).

    Parameters
    ----------
    channel : str
        ``"all"`` or one of ``channels``.
    channels : list of str
        The channels present in the data.
    sl_threshold_s : float or mapping
        The service-level threshold passed to :func:`kpikit.compute`.
    intervals : bool
        Whether the data has agent intervals (occupancy, utilization, adherence).

    Examples
    --------
    >>> print(channel_note("phone", ["phone", "email"], sl_threshold_s=20, intervals=False))
    <small>Phone contacts only; service level counts answers within 20 s.</small>
    """
    sentences = []
    if channel != ALL_CHANNELS:
        label = CHANNEL_LABELS.get(channel, str(channel))
        sentences.append(
            f"{label} contacts only; service level counts answers within "
            f"{threshold_text(sl_threshold_s, channel)}."
        )
        if intervals:
            sentences.append(
                "Occupancy, utilization and schedule adherence are shown for All channels only: "
                "agent intervals do not record the channel."
            )
    elif len(channels) > 1:
        names = ", ".join(CHANNEL_LABELS.get(c, str(c)).lower() for c in channels)
        if isinstance(sl_threshold_s, Mapping):
            each = ", ".join(f"{c} {threshold_text(sl_threshold_s, c)}" for c in channels)
            sentences.append(
                f"All channels pooled ({names}). Service level counts each contact against "
                f"its own channel's threshold ({each}); ASA and AHT average every channel, so "
                "slow channels such as email pull ASA far from a voice target."
            )
        else:
            sentences.append(
                f"All channels pooled ({names}): service level (answered within "
                f"{threshold_text(sl_threshold_s, ALL_CHANNELS)}) and ASA mix slow channels "
                "such as email into voice targets. Choose a channel to compare like with like."
            )
        if intervals:
            sentences.append(
                "Occupancy, utilization and schedule adherence cover all channels (agent "
                "intervals do not record the channel)."
            )
    if not sentences:
        return ""
    return f"<small>{html.escape(' '.join(sentences))}</small>"


class ChannelTables:
    """:func:`kpikit.compute` results by grouping and period, for all channels or one, cached.

    For one channel the data is grouped by ``channel`` as well and that channel's rows are
    kept (see the module docstring); rows with no value in a grouping column are dropped.

    Parameters
    ----------
    data : Dataset
    **options
        Passed to :func:`kpikit.compute` (``options=`` or the option names).

    Examples
    --------
    >>> import kpikit as kk
    >>> contacts = pd.DataFrame({
    ...     "contact_id": [1, 2, 3], "channel": ["phone", "phone", "email"],
    ...     "arrived_at": pd.to_datetime(["2024-01-01 09:00"] * 3),
    ...     "answered": True, "wait_s": [10.0, 30.0, 7200.0]})
    >>> tables = ChannelTables(kk.Dataset(contacts=contacts))
    >>> def asa(channel):
    ...     return float(tables.get([], None, channel).set_index("kpi").loc["asa", "value"])
    >>> asa("all"), asa("phone")   # (10 + 30 + 7200) / 3 and (10 + 30) / 2
    (2413.33..., 20.0)
    """

    def __init__(self, data, **options):
        self._data = data
        self._options = options
        self._cache = {}

    def get(self, by: list, freq: str | None, channel: str, sl_threshold_s=None) -> pd.DataFrame:
        """The KPI frame for grouping ``by``, period ``freq`` and ``channel`` (``"all"``), with
        the service level computed within ``sl_threshold_s`` on every channel when it is given
        (the options' thresholds otherwise)."""
        split = channel != ALL_CHANNELS
        key = (tuple(by), freq, split, sl_threshold_s)
        if key not in self._cache:
            grouping = [*by, "channel"] if split else list(by)
            options = self._options
            if sl_threshold_s is not None:
                options = {**options, "sl_threshold_s": sl_threshold_s}
            table = compute_table(self._data, by=grouping or None, freq=freq, **options)
            self._cache[key] = table.dropna(subset=by) if by else table
        table = self._cache[key]
        if not split:
            return table
        return table[table["channel"] == channel].drop(columns="channel").reset_index(drop=True)
