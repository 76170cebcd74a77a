"""The engine's options and their defaults, described once.

:class:`Options` is the typed set of options that change how KPIs are computed (service-level
threshold and variants, short abandons, first-contact resolution, survey scales). Every part of
kpikit takes them under the same names and units: :func:`kpikit.compute` and the single-KPI
helpers as keyword-only arguments, the dashboards as constructor keywords, the command line as
``--sl-threshold-s`` and so on. Their defaults live here and nowhere else.

The module itself holds the current defaults, so a notebook can change them once::

    import kpikit as kk
    kk.options.sl_threshold_s             # the current default (per channel)
    kk.options.update(fcr_window="72h")   # change a default for this session
    kk.options.fcr_window = "72h"         # the same, checked the same way
    with kk.options.context(csat_scale=10):
        kk.compute(data)                  # a temporary change
    kk.options.reset()                    # back to kpikit's defaults

Examples
--------
>>> from kpikit.options import Options
>>> Options().sl_threshold_for("chat"), Options().csat_top_box_for_scale
(30.0, 4)
>>> Options(csat_scale=10).csat_top_box_for_scale   # top box of 1..10 is 9-10
9
>>> Options(fcr_metod="survey")
Traceback (most recent call last):
...
TypeError: Options got an unknown option 'fcr_metod'...Did you mean 'fcr_method'?
"""

import dataclasses
import sys
import textwrap
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType, ModuleType

import numpy as np

from kpikit._validators import check_choice, check_number, check_time_zone, suggestion
from kpikit.repeats import window_ms

__all__ = [
    "DEFAULT_SL_THRESHOLDS_S",
    "OPTION_NAMES",
    "VOICE_SL_THRESHOLD_S",
    "Options",
    "context",
    "current",
    "describe",
    "reset",
    "resolve",
    "sl_threshold_for",
    "update",
]

DEFAULT_CHANNEL = "phone"
"""The channel of a contact whose ``channel`` is null (the data model's default)."""

VOICE_SL_THRESHOLD_S = 20.0
"""The 20 s of the 80/20 standard the source articles give for calls; it is the threshold of
phone contacts, of contacts without a channel (the data model's default channel is phone) and of
channels a per-channel mapping leaves out."""

DEFAULT_SL_THRESHOLDS_S: Mapping[str, float] = MappingProxyType(
    {"phone": VOICE_SL_THRESHOLD_S, "chat": 30.0, "email": 86400.0}
)
"""Default service-level threshold per channel, in seconds. Phone: 20 s, the 80/20 standard of
the source articles. Chat 30 s and email 24 h are kpikit's choice (the articles give no chat or
email threshold): a chat is answered live, so it keeps a threshold of seconds; an email is
answered within the working day, so it gets a day. Override with ``sl_threshold_s``."""

MAX_SL_THRESHOLD_S = 7 * 86400.0
"""Longest service-level threshold accepted: a week (the email default is a day)."""

MAX_SHORT_ABANDON_S = 3600.0
"""Longest short-abandon cut accepted: an hour (short abandons are usually a few seconds)."""

FCR_WINDOW_RANGE = (timedelta(minutes=1), timedelta(days=366))
"""Shortest and longest FCR window accepted."""

CSAT_SCALES = (5, 7, 10)
CSAT_TOP_BOX = MappingProxyType({5: 4, 7: 6, 10: 9})
"""Default top box per CSAT scale: 4-5 of 5 (article 000), 6-7 of 7 and 9-10 of 10 (the top two
answers of the scale, as on 1-5)."""


def _option(default, doc: str, *, kind: str = "", choices: tuple = (), cli: str | None = None):
    """A field of :class:`Options` with its documentation (shared by docstrings and the CLI)."""
    metadata = {"doc": doc, "type": kind, "choices": choices, "cli": cli}
    if isinstance(default, Mapping):
        return field(default_factory=lambda: default, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True, kw_only=True)
class Options:
    """Options of the KPI engine, with kpikit's defaults.

    Every value is checked when the object is made: an unknown option name is a ``TypeError``
    that suggests the closest name, a bad value a ``ValueError`` naming the option.

    Parameters
    ----------
    sl_threshold_s : float or mapping of str to float, default=DEFAULT_SL_THRESHOLDS_S
    sl_denominator : {"offered", "answered"}, default="offered"
    sl_abandoned : {"missed", "excluded", "met"}, default="missed"
    short_abandon_s : float, default=0
    fcr_window : str or timedelta, default="48h"
    fcr_match : str or tuple of str, default=None
    fcr_method : {"repeat", "survey", "repeat_and_survey"}, default="repeat"
    fcr_transfers : {"unresolved", "ignore"}, default="unresolved"
    csat_scale : {5, 7, 10}, default=5
    csat_top_box : int, default=None
    nps_cutoffs : (int, int), default=(6, 9)
    tz : str, default=None

    See :func:`describe` (or ``help(kpikit.compute)``) for what each option does.
    """

    sl_threshold_s: float | Mapping[str, float] = _option(
        DEFAULT_SL_THRESHOLDS_S,
        "Service-level answer threshold T in seconds: one number for every channel, or a mapping "
        "of channel to seconds. Default: phone 20 s (the 80/20 standard), chat 30 s and email "
        "24 h (kpikit's choice). Channels a mapping leaves out, and contacts without a channel, "
        "use the phone threshold (20 s when the mapping has no phone entry); a mapping that "
        "names a channel the contacts lack, or leaves out one whose default differs (email), "
        "is warned about.",
        kind="float or mapping of str to float",
        cli="seconds, or per channel such as phone=20,chat=30,email=86400",
    )
    sl_denominator: str = _option(
        "offered",
        'Service-level denominator: "offered" (offered minus short abandons) or "answered".',
        choices=("offered", "answered"),
    )
    sl_abandoned: str = _option(
        "missed",
        'How service level counts abandons within T: "missed" (in the denominator only), '
        '"excluded" (left out of the denominator too) or "met" (Amazon Connect: contacts leaving '
        "the queue within T, answered or abandoned, over contacts offered).",
        choices=("missed", "excluded", "met"),
    )
    short_abandon_s: float = _option(
        0.0,
        "Abandons with wait_s below this many seconds are short abandons, left out of service "
        "level, abandonment rate and answer rate; 0 makes none short.",
        kind="float",
        cli="seconds",
    )
    fcr_window: str | timedelta = _option(
        "48h",
        "First-contact resolution: how long after a first contact a contact with the same key "
        'counts as a repeat (inclusive), e.g. "48h" or "7d".',
        kind="str or timedelta",
        cli="duration such as 48h or 7d",
    )
    fcr_match: str | tuple[str, ...] | None = _option(
        None,
        "First-contact resolution: columns that make contacts about the same issue. Default: "
        "customer_id and reason, customer_id alone when there is no reason column. Contacts "
        "without a customer (customer_id wherever it is listed, else the first column) are "
        "never judged.",
        kind="str or tuple of str",
        cli="column names separated by commas",
    )
    fcr_method: str = _option(
        "repeat",
        'First-contact resolution: "repeat" (no repeat within the window), "survey" (the '
        'customer\'s answer in the resolved column) or "repeat_and_survey" (both); under each, a '
        'transferred first contact is not resolved unless fcr_transfers="ignore".',
        choices=("repeat", "survey", "repeat_and_survey"),
    )
    fcr_transfers: str = _option(
        "unresolved",
        'First-contact resolution: "unresolved" (a transferred first contact is not resolved on '
        'first contact) or "ignore" (transfers do not matter).',
        choices=("unresolved", "ignore"),
    )
    csat_scale: int = _option(
        5,
        "CSAT survey scale: 5 (1..5), 7 (1..7) or 10 (1..10).",
        choices=CSAT_SCALES,
    )
    csat_top_box: int | None = _option(
        None,
        "Lowest CSAT answer that counts as satisfied. Default: the top two answers of the scale "
        "(4 of 5, 6 of 7, 9 of 10).",
        kind="int",
        cli="answer",
    )
    nps_cutoffs: tuple[int, int] = _option(
        (6, 9),
        "NPS (detractor_max, promoter_min): detractors answer 0..6, promoters 9..10 by default.",
        kind="(int, int)",
        cli="two answers such as 6,9",
    )
    tz: str | None = _option(
        None,
        "Time zone periods are cut in, an IANA name such as 'Europe/Paris': timezone-aware "
        "timestamps are converted to it first, so a day starts at its local midnight and a "
        "daylight-saving day has 23 or 25 hours. Default: the zone of the contacts' arrived_at. "
        "Timestamps without a zone are local times and are cut as they are; they cannot be "
        "converted, so tz refuses them (localize them first).",
        kind="str",
        cli="zone name such as Europe/Paris",
    )

    def __init__(self, **values):
        unknown = [name for name in values if name not in OPTION_NAMES]
        if unknown:
            raise TypeError(
                f"Options got an unknown option {unknown[0]!r}. Expected some of "
                f"{list(OPTION_NAMES)}{suggestion(unknown[0], OPTION_NAMES)}"
            )
        for spec in dataclasses.fields(Options):
            if spec.name in values:
                value = values[spec.name]
            elif spec.default is not dataclasses.MISSING:
                value = spec.default
            else:
                value = spec.default_factory()
            object.__setattr__(self, spec.name, value)
        self._check()

    def _check(self) -> None:
        set_value = object.__setattr__
        set_value(self, "sl_threshold_s", _thresholds(self.sl_threshold_s))
        for name in ("sl_denominator", "sl_abandoned", "fcr_method", "fcr_transfers"):
            check_choice(name, getattr(self, name), _FIELD_CHOICES[name])
        if self.sl_denominator == "answered" and self.sl_abandoned == "met":
            raise ValueError(
                "Value of 'sl_abandoned' is 'met', which counts abandons as met over contacts "
                "offered; it cannot be combined with sl_denominator='answered'."
            )
        short_abandon_s = check_number(
            "short_abandon_s", self.short_abandon_s, minimum=0, maximum=MAX_SHORT_ABANDON_S
        )
        set_value(self, "short_abandon_s", float(short_abandon_s))
        _check_fcr_window(self.fcr_window)
        set_value(self, "fcr_match", _match_columns(self.fcr_match))
        scale = self.csat_scale
        if isinstance(scale, float) and scale.is_integer():
            scale = int(scale)
        set_value(
            self, "csat_scale", check_choice("csat_scale", scale, CSAT_SCALES, "a CSAT scale")
        )
        if self.csat_top_box is not None:
            set_value(
                self,
                "csat_top_box",
                check_number(
                    "csat_top_box",
                    self.csat_top_box,
                    minimum=1,
                    maximum=self.csat_scale,
                    integer=True,
                ),
            )
        set_value(self, "nps_cutoffs", _nps_cutoffs(self.nps_cutoffs))
        if self.tz is not None:
            set_value(self, "tz", check_time_zone("tz", self.tz))

    def replace(self, **changes) -> "Options":
        """A copy with some options changed; ``None`` values are ignored (keep the current one)."""
        given = {name: value for name, value in changes.items() if value is not None}
        return Options(**{**self.as_dict(), **given})

    def as_dict(self) -> dict:
        """Every option as ``{name: value}``."""
        return {name: getattr(self, name) for name in OPTION_NAMES}

    def changes(self) -> dict:
        """The options that differ from kpikit's defaults, as ``{name: value}``."""
        defaults = Options()
        return {
            name: value
            for name, value in self.as_dict().items()
            if value != getattr(defaults, name)
        }

    def sl_threshold_for(self, channel: str | None = "phone") -> float:
        """The service-level threshold of one channel, in seconds.

        >>> Options().sl_threshold_for("email"), Options(sl_threshold_s=15).sl_threshold_for("chat")
        (86400.0, 15.0)
        >>> Options().sl_threshold_for("sms")   # channels left out are treated like phone
        20.0
        """
        thresholds = self.sl_threshold_s
        if not isinstance(thresholds, Mapping):
            return thresholds
        fallback = thresholds.get(DEFAULT_CHANNEL, VOICE_SL_THRESHOLD_S)
        return thresholds.get(channel, fallback) if channel is not None else fallback

    @property
    def csat_top_box_for_scale(self) -> int:
        """The lowest satisfied CSAT answer: ``csat_top_box``, else the scale's usual top box."""
        return self.csat_top_box if self.csat_top_box is not None else CSAT_TOP_BOX[self.csat_scale]

    def __reduce__(self):
        # for pickle and copy.deepcopy, which cannot copy the thresholds' MappingProxyType
        return _rebuilt, ({name: _hashable(getattr(self, name)) for name in OPTION_NAMES},)

    def __hash__(self) -> int:
        # a mapping as its sorted items: equal options (a mapping's keys in another order)
        # hash alike, as Python requires of objects that compare equal
        return hash(tuple(_hash_key(getattr(self, name)) for name in OPTION_NAMES))

    def __repr__(self) -> str:
        changed = self.changes()
        inner = ", ".join(f"{name}={_hashable(value)!r}" for name, value in changed.items())
        return f"Options({inner})"


OPTION_NAMES = tuple(spec.name for spec in dataclasses.fields(Options))
"""Every option name, in documentation order."""

DEFAULT_VALUES = MappingProxyType(
    {
        spec.name: spec.default
        if spec.default is not dataclasses.MISSING
        else spec.default_factory()
        for spec in dataclasses.fields(Options)
    }
)
"""kpikit's default of every option (what :func:`reset` returns to)."""

_FIELD_CHOICES = {spec.name: spec.metadata["choices"] for spec in dataclasses.fields(Options)}


def _rebuilt(values: dict) -> Options:
    """An :class:`Options` from :meth:`Options.__reduce__`'s values (checked again)."""
    return Options(**values)


def _hashable(value):
    return dict(value) if isinstance(value, Mapping) else value


def _hash_key(value) -> str:
    """``value`` as text that equal values share (a mapping's items sorted).

    >>> _hash_key({"chat": 30.0, "phone": 20.0}) == _hash_key({"phone": 20.0, "chat": 30.0})
    True
    """
    return str(sorted(value.items()) if isinstance(value, Mapping) else value)


def _thresholds(value):
    if isinstance(value, Mapping):
        if not value:
            raise ValueError(
                "Value of 'sl_threshold_s' is an empty mapping; give seconds for at least one "
                "channel, e.g. {'phone': 20}, or one number for every channel."
            )
        checked = {}
        for channel, seconds in value.items():
            if not isinstance(channel, str):
                raise TypeError(
                    f"Value of 'sl_threshold_s' must map channel names (str) to seconds but has "
                    f"the key {channel!r}"
                )
            checked[channel] = float(
                check_number(
                    f"sl_threshold_s[{channel!r}]", seconds, minimum=0, maximum=MAX_SL_THRESHOLD_S
                )
            )
        return MappingProxyType(checked)
    try:
        seconds = check_number("sl_threshold_s", value, minimum=0, maximum=MAX_SL_THRESHOLD_S)
    except TypeError:  # "must be a number" alone hid the mapping it may also be
        raise TypeError(
            "Value of 'sl_threshold_s' must be seconds: one number for every channel, or a "
            "mapping of channel to seconds such as {'phone': 20, 'chat': 30}; received: "
            f"{value!r} ({type(value).__name__})"
        ) from None
    return float(seconds)


def _check_fcr_window(value) -> None:
    """Refuse an FCR window that is not a duration from one minute to 366 days
    (:func:`kpikit.repeats.window_ms`, the one parser of FCR windows, checks it)."""
    window_ms(value)


def _match_columns(value):
    """``fcr_match`` as a tuple of column names, each named once.

    >>> _match_columns("customer_id"), _match_columns(["customer_id", "reason"])
    (('customer_id',), ('customer_id', 'reason'))
    >>> _match_columns(("customer_id", "reason", "customer_id"))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'fcr_match' names 1 column(s) more than once ('customer_id'); list each
    column once; received: ('customer_id', 'reason', 'customer_id')
    """
    if value is None:
        return None
    if isinstance(value, str):
        columns = (value,)
    else:
        try:
            columns = tuple(value)
        except TypeError:  # a number or another value that is not a sequence
            columns = ()
    if not columns or not all(isinstance(column, str) and column for column in columns):
        raise ValueError(
            f"Value of 'fcr_match' must be a column name or a sequence of column names; "
            f"received: {value!r}"
        )
    repeated = [column for column in dict.fromkeys(columns) if columns.count(column) > 1]
    if repeated:
        raise ValueError(
            f"Value of 'fcr_match' names {len(repeated)} column(s) more than once "
            f"({', '.join(map(repr, repeated))}); list each column once; received: {value!r}"
        )
    return columns


def _nps_cutoffs(value):
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value)
        or not 0 <= value[0] < value[1] <= 10
    ):
        raise ValueError(
            "Value of 'nps_cutoffs' must be (detractor_max, promoter_min), whole numbers with "
            f"0 <= detractor_max < promoter_min <= 10; received: {value!r}"
        )
    return tuple(int(v) for v in value)


# --- the current defaults ---------------------------------------------------------------------

_DEFAULTS = Options()
# Session defaults are a plain module global: a notebook cell may run in its own copy of the
# context (ipykernel runs cells as tasks), and update() must outlive the cell. Only the
# temporary changes of context() live in a context variable, so they stay inside their block
# (and their thread or task); they are applied on top of the session defaults when read, so an
# update() inside a block changes the options the block leaves alone. update() reads and
# replaces the session under a lock, so two threads updating different options keep both.
_session = _DEFAULTS
_session_lock = threading.Lock()
_block: ContextVar["_Block | None"] = ContextVar("kpikit_options", default=None)


@dataclass
class _Block:
    """The changes of the :func:`context` blocks in force, and the options they last gave."""

    changes: dict
    base: Options
    options: Options


def current() -> Options:
    """The options in force: kpikit's defaults changed by :func:`update` and :func:`context`."""
    block = _block.get()
    if block is None:
        return _session
    session = _session
    if block.base is not session:  # update() ran since the block's options were made
        block.options = Options(**{**session.as_dict(), **block.changes})
        block.base = session
    return block.options


def update(**changes) -> Options:
    """Change defaults for the rest of the session (until :func:`reset`); returns them.

    Inside a :func:`context` block the block's own changes still win until it ends; the other
    options follow the update at once.

    >>> update(fcr_window="72h").fcr_window
    '72h'
    >>> with context(csat_scale=10):
    ...     update(fcr_window="24h", csat_scale=7)
    ...     current().fcr_window, current().csat_scale
    Options(fcr_window='24h', csat_scale=7)
    ('24h', 10)
    >>> reset().fcr_window
    '48h'
    """
    global _session
    with _session_lock:
        session = Options(**{**_session.as_dict(), **changes})
        block = _block.get()
        if block is not None:  # the block must take the new defaults: refuse now, not later
            block.options = Options(**{**session.as_dict(), **block.changes})
            block.base = session
        _session = session
        return session


def reset() -> Options:
    """Back to kpikit's defaults for the session; returns them."""
    global _session
    with _session_lock:
        _session = _DEFAULTS
    return _DEFAULTS


@contextmanager
def context(**changes) -> Iterator[Options]:
    """Change defaults inside a ``with`` block only.

    >>> with context(csat_scale=10) as options:
    ...     options.csat_top_box_for_scale
    9
    >>> current().csat_scale
    5
    """
    outer = _block.get()
    changes = {**(outer.changes if outer is not None else {}), **changes}
    session = _session
    options = Options(**{**session.as_dict(), **changes})
    token = _block.set(_Block(changes, session, options))
    try:
        yield options
    finally:
        _block.reset(token)


def resolve(options: Options | None = None, **given) -> Options:
    """The options of one call: ``options`` (default: :func:`current`) with ``given`` applied.

    ``None`` in ``given`` means "not given", so callers can pass every keyword through.

    >>> resolve(sl_threshold_s=None, fcr_window="24h").fcr_window
    '24h'
    """
    base = current() if options is None else options
    if not isinstance(base, Options):
        raise TypeError(
            f"Value of 'options' must be a kpikit.Options but received: {type(base).__name__}"
        )
    return base.replace(**given) if any(value is not None for value in given.values()) else base


def sl_threshold_for(channel: str | None = "phone") -> float:
    """The current default service-level threshold of one channel (see Options.sl_threshold_for).

    >>> sl_threshold_for("phone")
    20.0
    """
    return current().sl_threshold_for(channel)


def describe(names=OPTION_NAMES, indent: str = "    ") -> str:
    """numpydoc ``Parameters`` entries for options, from the one description of each.

    Used to write the options into the docstrings of :func:`kpikit.compute` and the single-KPI
    helpers, so that every docstring says the same thing.

    >>> print(describe(["fcr_method"]))  # doctest: +NORMALIZE_WHITESPACE
    fcr_method : {'repeat', 'survey', 'repeat_and_survey'}, default=None (kpikit.options: 'repeat')
        First-contact resolution: "repeat" (no repeat within the window), "survey" (the
        customer's answer in the resolved column) or "repeat_and_survey" (both); under each, a
        transferred first contact is not resolved unless fcr_transfers="ignore".
    """
    # one name, not its letters nor a substring of another's; any iterable read once (a
    # generator was used up by the check below, leaving nothing to describe)
    names = (names,) if isinstance(names, str) else tuple(names)
    for name in names:
        check_choice("names", name, OPTION_NAMES, "an option")
    wrap = textwrap.TextWrapper(width=92, initial_indent=indent, subsequent_indent=indent)
    lines = []
    for spec in dataclasses.fields(Options):
        if spec.name not in names:
            continue
        choices = spec.metadata["choices"]
        kind = "{" + ", ".join(map(repr, choices)) + "}" if choices else spec.metadata["type"]
        default = DEFAULT_VALUES[spec.name]
        shown = "per channel" if isinstance(default, Mapping) else repr(default)
        lines.append(f"{spec.name} : {kind}, default=None (kpikit.options: {shown})")
        lines += wrap.wrap(spec.metadata["doc"])
    return "\n".join(lines)


def __getattr__(name):
    if name in OPTION_NAMES:
        return getattr(current(), name)
    if name.startswith("__"):
        # Python's own look-ups (``__path__`` at every ``from kpikit.options import ...``,
        # twice a compute) need no "did you mean" (difflib over the option names).
        raise AttributeError(f"module 'kpikit.options' has no attribute {name!r}")
    raise AttributeError(
        f"module 'kpikit.options' has no attribute {name!r}{suggestion(name, OPTION_NAMES)}"
    )


def __dir__():
    return sorted([*globals(), *OPTION_NAMES])


class _OptionsModule(ModuleType):
    """This module, where ``kk.options.fcr_window = "72h"`` is :func:`update` (checked, and seen
    by :func:`kpikit.compute`) rather than a module attribute that nothing reads; a name that
    is neither an option nor one of the module's (``kk.options.fcr_windw``) is refused as
    :func:`update` refuses it, with the closest option's name.

    >>> import kpikit as kk
    >>> kk.options.fcr_windw = "72h"
    Traceback (most recent call last):
    ...
    TypeError: ... Did you mean 'fcr_window'?
    """

    def __setattr__(self, name, value):
        if name in OPTION_NAMES or not (name.startswith("_") or hasattr(self, name)):
            update(**{name: value})
        else:
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _OptionsModule
