"""Input checks shared by the queueing models: numbers and arrays in, errors that name the
argument and echo the bad value.
"""

import functools
import inspect

import numpy as np
import pandas as pd

from kpikit._validators import _digits

MAX_AGENTS = 100_000
"""Most agents a queueing model takes. Erlang B's recursion runs once per agent (a million
took 2.4 s, a billion never ended); a centre's single queue stays far below."""

MAX_TRAFFIC = 100_000.0
"""Most offered load a queueing model takes, in Erlangs: as many agents busy at once."""

MIN_SECONDS = 0.001
"""Shortest handle time, patience or interval a queueing model takes, in seconds: a millisecond,
shorter than any contact's. The models divide by these times, and the rates of tinier ones leave
the range of a float (``1 / 5e-324`` is infinite)."""


def _array(name, value, *, minimum=None, strict=False, integer=False, finite=True, maximum=None):
    """Return ``value`` as a float array, raising ValueError that names ``name`` when invalid.

    >>> _array("agents", [3, 4], minimum=0, integer=True, maximum=10).tolist()
    [3.0, 4.0]
    >>> _array("volume", "100")
    Traceback (most recent call last):
    ...
    TypeError: Value of 'volume' must be a number or numbers, but received: '100' (str)
    >>> _array("volume", pd.Series([100, "120"]))  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    TypeError: Value of 'volume' must be a number or numbers, but received: 0    100
    1    120
    dtype: object (Series)
    >>> _array("volume", [100, True])
    Traceback (most recent call last):
    ...
    TypeError: Value of 'volume' must be a number or numbers, but received: [100, True] (list)
    >>> _array("volume", 10**400)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'volume' must be numbers within the range of a float (about 1.8e308),
    but received: a whole number of about 10^400
    >>> _array("volume", [100, np.inf], minimum=0)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'volume' must be finite numbers >= 0, but received: inf (1 of 2 values,
    first at positions 1)
    >>> _array("agents", 1e9, minimum=0, integer=True, maximum=MAX_AGENTS)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'agents' must be whole numbers >= 0 and <= 100,000, but received:
    1000000000.0
    """
    wrong_kind = TypeError(
        f"Value of {name!r} must be a number or numbers, but received: {_shown(value)} "
        f"({type(value).__name__})"
    )
    given = np.asarray(value)
    if (
        value is None
        or given.dtype.kind in "bUSmM"
        or _holds_text_or_flags(given)
        or (isinstance(value, list | tuple) and _holds_flags_or_none(value))
    ):
        # NumPy would read None as NaN, True and "100" as numbers, a date as days since 1970
        # and a duration in its own unit (3 minutes as 3)
        raise wrong_kind
    try:
        if hasattr(value, "to_numpy"):  # pandas: a missing value (pd.NA) as NaN on any version
            value = value.to_numpy(dtype=float, na_value=np.nan)
        array = _widened(given) if _is_narrow(given) else np.asarray(value, dtype=float)
    except (TypeError, ValueError):  # text, mappings, other objects
        raise wrong_kind from None
    except OverflowError:  # a Python integer beyond a float (10**400)
        shown = _digits(value) if isinstance(value, int) else _shown(value)
        raise ValueError(
            f"Value of {name!r} must be numbers within the range of a float (about 1.8e308), "
            f"but received: {shown}"
        ) from None
    bad = np.isnan(array)
    if finite:
        bad |= np.isinf(array)
    if minimum is not None:
        bad |= (array <= minimum) if strict else (array < minimum)
    if maximum is not None:
        bad |= array > maximum
    if integer:
        bad |= np.isfinite(array) & (array != np.round(array))
    if bad.any():
        first = float(array[bad].ravel()[0])
        kind = "whole numbers" if integer else "numbers"
        kind = f"finite {kind}" if finite and np.isinf(first) else kind
        bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum}"
        bound += "" if maximum is None else f" and <= {maximum:,}"
        limit = "" if finite else " (inf allowed)"
        raise ValueError(
            f"Value of {name!r} must be {kind}{bound}{limit}, but received: {first!r}{_where(bad)}"
        )
    # -0.0 passes a minimum of 0 but keeps its sign through a division (1 / -0.0 = -inf)
    return array + 0.0 if minimum == 0 else array


def _where(bad):
    """How many of an array's values are ``bad`` and the first positions, for messages about
    arrays (empty for one number, where the value says it all).

    >>> _where(np.array([False, True, False, True]))
    ' (2 of 4 values, first at positions 1, 3)'
    """
    if bad.size <= 1:
        return ""
    positions = np.argwhere(bad)[:5]
    shown = ", ".join(
        str(tuple(int(i) for i in at)) if at.size > 1 else str(int(at[0])) for at in positions
    )
    return f" ({int(bad.sum())} of {bad.size} values, first at positions {shown})"


def _holds_text_or_flags(array):
    """Whether an object ``array`` (a pandas object column, a mixed list) holds text or bools,
    which a float conversion would read as numbers (``"100"`` as 100, True as 1)."""
    return array.dtype.kind == "O" and any(
        isinstance(item, str | bytes | bool | np.bool_) for item in array.ravel()
    )


def _is_narrow(array):
    """Whether ``array`` holds floats narrower than a float64 (float32, float16)."""
    return array.dtype.kind == "f" and array.dtype.itemsize < 8


def _widened(array):
    """A float32 (or float16) ``array`` as float64s of the decimals it shows: a float32 0.3
    is 0.30000001192..., and a shrinkage of it scheduled ``14 / 0.69999998 = 21`` agents
    for 20.

    >>> _widened(np.float32([0.3, np.nan])).tolist()
    [0.3, nan]
    """
    return array.astype(str).astype(float)


def _holds_flags_or_none(items):
    """Whether a list or tuple (nested or not) holds a bool or None, which NumPy reads as a
    number without a trace (``[True, 3]`` as ``[1, 3]``, ``[1, None]`` as ``[1, nan]``).

    >>> _holds_flags_or_none([100, (3, False)]), _holds_flags_or_none([100, 3.5])
    (True, False)
    """
    return any(
        _holds_flags_or_none(item)
        if isinstance(item, list | tuple)
        else item is None or isinstance(item, bool | np.bool_)
        for item in items
    )


def _shown(value):
    """``repr(value)`` cut to 80 characters, for messages (an integer of over 4,300 digits has
    no repr: it raises)."""
    try:
        return f"{value!r:.80}"
    except ValueError:
        return "integers of over 4,300 digits"


def _seconds(name, value, *, finite=True):
    """Times the models divide by (handle time, patience, interval): at least ``MIN_SECONDS``.

    >>> _seconds("aht_s", 1e-308)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'aht_s' must be numbers >= 0.001, but received: 1e-308
    """
    return _array(name, value, minimum=MIN_SECONDS, finite=finite)


def _agents(name, value):
    """Agent counts: whole numbers from 0 to ``MAX_AGENTS``."""
    return _array(name, value, minimum=0, integer=True, maximum=MAX_AGENTS)


def _shrinkage(name, value):
    """Shrinkage, the fraction of paid time away from the phones: numbers in [0, 1).

    >>> _shrinkage("shrinkage", [0.0, 0.3]).tolist()
    [0.0, 0.3]
    >>> _shrinkage("shrinkage", 30)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'shrinkage' is a fraction in [0, 1) (0.3 means 30 %), but received: 30.0
    """
    values = _array(name, value, minimum=0)
    if (values >= 1).any():
        raise ValueError(
            f"Value of {name!r} is a fraction in [0, 1) (0.3 means 30 %), "
            f"but received: {float(values[values >= 1].ravel()[0])!r}"
        )
    return values


def _load(volume, aht_s, interval_s, maximum=MAX_TRAFFIC):
    """The offered load ``volume * aht_s / interval_s`` (Erlangs) of checked arrays, refused
    above ``maximum`` (the models' :data:`MAX_TRAFFIC`; infinity, from an overflow, always)
    with the figures that give it.

    >>> float(_load(np.asarray(100.0), np.asarray(180.0), np.asarray(1800.0)))
    10.0
    >>> _load(np.asarray(1e12), np.asarray(300.0), np.asarray(1800.0))
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: volume * aht_s / interval_s gives 1.67e+11 Erlangs (1e+12 contacts of 300 s
    in 1800 s), above the 100,000 the queueing models take: is volume the count of one interval
    of interval_s seconds?
    """
    with np.errstate(over="ignore"):
        load = volume * aht_s / interval_s
    high = np.flatnonzero(~(load <= maximum) | np.isinf(load))
    if high.size:
        first = [np.broadcast_to(x, load.shape).flat[high[0]] for x in (volume, aht_s, interval_s)]
        limit = (
            f"above the {maximum:,.0f} the queueing models take"
            if np.isfinite(maximum)
            else "beyond the range of a float"
        )
        raise ValueError(
            f"volume * aht_s / interval_s gives {load.flat[high[0]]:.3g} Erlangs ({first[0]:.3g} "
            f"contacts of {first[1]:g} s in {first[2]:g} s), {limit}: is volume the count of "
            "one interval of interval_s seconds?"
        )
    return load


def _threshold(threshold_s, channel="phone"):
    """``threshold_s``, or the channel's service-level threshold of ``kk.options`` when None."""
    if threshold_s is None:
        from kpikit.options import sl_threshold_for

        return sl_threshold_for(channel)
    return threshold_s


def _common_inputs(volume, aht_s, agents, interval_s, threshold_s, channel="phone"):
    threshold_s = _threshold(threshold_s, channel)
    volume = _array("volume", volume, minimum=0)
    aht_s = _seconds("aht_s", aht_s)
    agents = _agents("agents", agents)
    interval_s = _seconds("interval_s", interval_s)
    threshold_s = _array("threshold_s", threshold_s, minimum=0)
    _load(volume, aht_s, interval_s)
    return volume, aht_s, agents, interval_s, threshold_s


def _patience(patience_s):
    if patience_s is None:
        return np.asarray(np.inf)
    return _seconds("patience_s", patience_s, finite=False)


def _scalar_result(array):
    return float(array) if np.ndim(array) == 0 else array


def one_length(model=None, *, besides=()):
    """Decorate a queueing ``model`` so that array arguments of lengths that do not go together
    are a ValueError naming each one and its length (NumPy's "operands could not be broadcast"
    names none).

    Numbers go with any length; arrays go together when NumPy broadcasts them (one value per
    interval, the same count for each). A frame (a forecast given as ``volume``) and arguments
    that are no array of numbers are left to the model's own checks, and so are the arguments
    named in ``besides``, whose arrays run along another axis (:func:`chat`'s handle time per
    number of open chats): ``@one_length(besides=("aht_s",))``.

    >>> @one_length
    ... def load(volume, aht_s):
    ...     return np.asarray(volume) * aht_s
    >>> load([10, 20], 300).tolist()
    [3000, 6000]
    >>> load([10, 20], aht_s=[300, 240, 180])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: load takes numbers or arrays of one length (one value per interval) but
    received: 'volume' of 2 values, 'aht_s' of 3 values
    """
    if model is None:
        return functools.partial(one_length, besides=besides)
    signature = inspect.signature(model)

    @functools.wraps(model)
    def checked(*args, **kwargs):
        try:
            arguments = signature.bind(*args, **kwargs).arguments
        except TypeError:
            arguments = None
        if arguments is None:  # a missing or unknown argument: the model's own TypeError says
            return model(*args, **kwargs)  # which, alone (not chained to the binding's)
        _check_same_index(arguments)
        shapes = {name: _shape(value) for name, value in arguments.items() if name not in besides}
        shapes = {name: shape for name, shape in shapes.items() if shape}
        try:
            np.broadcast_shapes(*shapes.values())
        except ValueError:
            listed = ", ".join(
                f"{name!r} of {' x '.join(map(str, shape))} values"
                for name, shape in shapes.items()
            )
            raise ValueError(
                f"{model.__name__} takes numbers or arrays of one length (one value per "
                f"interval) but received: {listed}"
            ) from None
        return model(*args, **kwargs)

    return checked


def _check_same_index(arguments) -> None:
    """Refuse pandas Series arguments whose indexes differ: the models pair values by
    position, so a volume indexed ``a, b`` beside a handle time indexed ``b, a`` paired ``a``'s
    volume with ``b``'s handle time, silently.

    >>> volume = pd.Series([100, 50], index=["a", "b"])
    >>> _check_same_index({"volume": volume, "aht_s": pd.Series([180, 240], index=["b", "a"])})
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: Value of 'aht_s' is a Series whose index differs from that of 'volume' (the
    values are paired by position, not by label): give it volume's index, e.g.
    aht_s.reindex(volume.index), or pass plain arrays
    """
    series = [(name, value) for name, value in arguments.items() if isinstance(value, pd.Series)]
    for name, value in series[1:]:
        first, reference = series[0]
        if not value.index.equals(reference.index):
            raise ValueError(
                f"Value of {name!r} is a Series whose index differs from that of {first!r} (the "
                f"values are paired by position, not by label): give it {first}'s index, e.g. "
                f"{name}.reindex({first}.index), or pass plain arrays"
            )


def _shape(value) -> tuple:
    """The shape of an array of numbers given as a list, tuple, NumPy array or pandas Series;
    () for anything else (a number, a frame, a ragged list: the model's checks name those)."""
    if not isinstance(value, list | tuple | np.ndarray | pd.Series):
        return ()
    try:
        return np.shape(value)
    except ValueError:  # ragged nesting
        return ()
