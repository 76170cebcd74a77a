"""Confidence intervals, significance tests and control limits for KPI components.

Every interval here is built from the same additive components the KPI engine sums, so it can
be computed after any grouping: successes and trials for proportions, promoters, detractors
and responses for NPS, and ``n``, ``sum`` and ``sum of squares`` for means.

Two flavours exist for each interval: a NumPy function for arrays (used by the scorecard and
the apps) and a narwhals expression builder (used inside :func:`kpikit.compute`, so lazy engines
such as DuckDB stay lazy).

:func:`control_limits` adds the limits of a process behaviour chart to a KPI's trend (the tidy
output of ``kk.compute(data, freq=...)``): Laney's p′ chart for rates of counts, the p chart,
or the individuals (XmR) chart, and flags the periods that signal a change rather than noise
(kept in :mod:`kpikit._control_limits`).
"""

import numbers
from math import erfc, isinf, sqrt

import narwhals as nw
import numpy as np
import pandas as pd

from kpikit._control_limits import CONTROL_METHODS, RUN_LENGTH, control_limits  # noqa: F401 (public here)
from kpikit._validators import check_number

Z_95 = 1.959963984540054
"""Two-sided 97.5 % quantile of the standard normal distribution."""

MAX_Z = 40.0
"""Largest ``z`` the intervals take. From about 8.3 the confidence level it stands for is 1 in
floating point (its two tails hold less than 1e-16); far larger ones overflowed (a raw
OverflowError from :func:`wilson_interval` at 1e155) or gave bounds of -100 to 100 (NPS) and 0
to infinity (Poisson)."""

_EPSILON = float(np.finfo(float).eps)

# Student t 97.5 % quantiles for 1..30 degrees of freedom (standard published table).
_T_975 = (
    12.7062047,
    4.30265273,
    3.18244631,
    2.77644511,
    2.57058184,
    2.44691185,
    2.36462425,
    2.30600414,
    2.26215716,
    2.22813885,
    2.20098516,
    2.17881283,
    2.16036866,
    2.14478669,
    2.13144955,
    2.11990530,
    2.10981558,
    2.10092204,
    2.09302405,
    2.08596345,
    2.07961384,
    2.07387307,
    2.06865761,
    2.06389856,
    2.05953855,
    2.05552944,
    2.05183052,
    2.04840714,
    2.04522964,
    2.04227246,
)


def t_quantile_975(dof):
    """97.5 % quantile of Student's t for ``dof`` degrees of freedom.

    Exact table values up to 30 degrees of freedom, a fourth-order Cornish-Fisher expansion
    beyond (absolute error below 1e-6 there). NaN, element by element, where ``dof`` is below 1
    or NaN: no interval exists there.

    >>> round(float(t_quantile_975(10)), 4)
    2.2281
    >>> round(float(t_quantile_975(120)), 4)
    1.9799
    >>> t_quantile_975([0, np.nan, 1]).tolist()
    [nan, nan, 12.7062047]
    """
    dof = _floats("dof", dof)
    defined = dof >= 1
    table = np.asarray(_T_975)
    small = np.clip(np.where(defined, dof, 1), 1, 30).astype(int) - 1
    with np.errstate(over="ignore"):  # dof ** 4 overflows past 1e77: the terms vanish
        quantile = np.where(dof <= 30, table[small], _cornish_fisher(np.maximum(dof, 31.0)))
    return np.where(defined, quantile, np.nan)


def _cornish_fisher(dof):
    # Works on floats, arrays and narwhals expressions alike (arithmetic only).
    z = Z_95
    return (
        z
        + (z**3 + z) / (4 * dof)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * dof**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * dof**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * dof**4)
    )


def wilson_interval(successes, n, *, z=Z_95):
    """Wilson score interval for a proportion, on the 0..1 scale.

    ``centre = (p + z²/2n) / (1 + z²/n)``, ``half = z √(p(1-p)/n + z²/4n²) / (1 + z²/n)``,
    computed multiplied through by ``n`` so that trials far below 1 (weights) keep their
    bounds within 0..1.

    Returns ``(low, high)`` arrays; NaN where ``n`` is 0 or an input is NaN. The low bound is
    exactly 0 when ``successes`` is 0 and the high bound exactly 1 when it is ``n``.

    Raises ValueError where ``successes`` is negative or above ``n`` (no proportion exists)
    or a count is infinite, and where ``z`` is not a number above 0 and up to :data:`MAX_Z` (a
    confidence level outside 0..1: ``z = 0`` is a level of 0, a negative ``z`` swapped the
    bounds).

    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    >>> wilson_interval(0, 0)
    (nan, nan)
    >>> wilson_interval(10, 10)[1]
    1.0
    >>> wilson_interval(15, 10)
    Traceback (most recent call last):
    ...
    ValueError: Values of 'successes' and 'n' must satisfy 0 <= successes <= n but received:
    15 and 10
    """
    check_number("z", z, minimum=0, maximum=MAX_Z, above_minimum=True)
    x = _floats("successes", successes)
    n = _floats("n", n)
    _same_length(successes=x, n=n)
    _refuse_infinite(successes=x, n=n)
    impossible = (x < 0) | (x > n)
    if np.any(impossible):
        x_bad, n_bad = np.broadcast_arrays(x, n)
        first = np.flatnonzero(np.broadcast_to(impossible, x_bad.shape))[0]
        raise ValueError(
            "Values of 'successes' and 'n' must satisfy 0 <= successes <= n but received: "
            f"{x_bad.flat[first]:g} and {n_bad.flat[first]:g}"
        )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # multiplied through by n, as (x + z²/2) / (n + z²): trials far below 1 (weights) put
        # z²/n past 1e308 and gave -inf to inf; p (n - x) stays finite up to n = 1e308
        p = x / n
        denom = n + z**2
        centre = (x + z**2 / 2) / denom
        half = z * np.sqrt(p * (n - x) + z**2 / 4) / denom
        # at p = 0 (p = 1) the exact bound is 0 (1); rounding would leave it a hair inside
        low = np.where(n > 0, np.where(x == 0, 0.0, centre - half), np.nan)
        high = np.where(n > 0, np.where(x == n, 1.0, centre + half), np.nan)
    return _scalar_or_array(low), _scalar_or_array(high)


NPS_PSEUDO_RESPONSES = 3.0
"""Responses added by the adjusted-Wald NPS interval: ¾ promoter, ¾ detractor, 1½ passives."""


def nps_interval(promoters, detractors, responses, *, z=Z_95):
    """Adjusted-Wald interval for NPS in points (-100..100), from the multinomial variance.

    Three pseudo-responses are added first, ¾ of a promoter, ¾ of a detractor and 1½ passives
    (Rocks, "Interval estimation for the net promoter score", The American Statistician, 2016,
    where it covered best of six methods): with ``m = n + 3``,
    ``p₊ = (promoters + ¾) / m``, ``p₋ = (detractors + ¾) / m``, ``d = p₊ - p₋``,
    ``Var(d) = (p₊ + p₋ - d²) / m``, ``100 (d ± z √Var(d))`` held to -100..100. The plain Wald
    interval has no width when every response is a promoter (5 of 5: 100 to 100); this one
    runs from 17.5 to 100 there. The interval is widened to hold the score itself, which only
    a single response leaves outside (one promoter: -48.5 to 98.5, given as -48.5 to 100).

    Raises ValueError where a count is negative or infinite, or promoters and detractors add
    up to more than the responses: no share exists; and where ``z`` is not a finite number
    above 0 (as for :func:`wilson_interval`).

    >>> low, high = nps_interval(5, 2, 13)  # p+ 5.75/16, p- 2.75/16: 18.75 +- 34.51
    >>> round(float(low), 1), round(float(high), 1)
    (-15.8, 53.3)
    >>> nps_interval(5, 0, 5)   # p+ = 5.75/8, p- = 0.75/8: 62.5 +- 45.0, held at 100
    (17.491..., 100.0)
    >>> nps_interval(1, 0, 1)
    (-48.498..., 100.0)
    >>> nps_interval(8, 5, 10)
    Traceback (most recent call last):
    ...
    ValueError: Values of 'promoters', 'detractors' and 'responses' must satisfy promoters >= 0,
    detractors >= 0 and promoters + detractors <= responses but received: 8, 5 and 10
    """
    check_number("z", z, minimum=0, maximum=MAX_Z, above_minimum=True)
    pro = _floats("promoters", promoters)
    det = _floats("detractors", detractors)
    n = _floats("responses", responses)
    _same_length(promoters=pro, detractors=det, responses=n)
    _refuse_infinite(promoters=pro, detractors=det, responses=n)
    impossible = (pro < 0) | (det < 0) | (pro + det > n)
    if np.any(impossible):
        pro_bad, det_bad, n_bad = np.broadcast_arrays(pro, det, n)
        first = np.flatnonzero(np.broadcast_to(impossible, pro_bad.shape))[0]
        raise ValueError(
            "Values of 'promoters', 'detractors' and 'responses' must satisfy promoters >= 0, "
            "detractors >= 0 and promoters + detractors <= responses but received: "
            f"{pro_bad.flat[first]:g}, {det_bad.flat[first]:g} and {n_bad.flat[first]:g}"
        )
    low, high = nps_bounds(pro, det, n, z=z)
    return _scalar_or_array(low), _scalar_or_array(high)


def nps_bounds(promoters, detractors, responses, *, z=Z_95):
    """The arrays of :func:`nps_interval` from float arrays, unchecked: for counts summed from
    the contacts (:func:`kpikit.compute`), where no share can be impossible.

    >>> low, high = nps_bounds(np.array([5.0]), np.array([2.0]), np.array([13.0]))
    >>> round(float(low[0]), 1), round(float(high[0]), 1)
    (-15.8, 53.3)
    """
    adjusted = responses + NPS_PSEUDO_RESPONSES
    plus = (promoters + NPS_PSEUDO_RESPONSES / 4) / adjusted
    minus = (detractors + NPS_PSEUDO_RESPONSES / 4) / adjusted
    d = plus - minus
    half = z * np.sqrt(np.maximum(plus + minus - d**2, 0) / adjusted)
    with np.errstate(divide="ignore", invalid="ignore"):  # share first: 100 · 1e308 overflows
        score = 100 * ((promoters - detractors) / responses)
    low = np.where(responses > 0, np.clip(np.minimum(100 * (d - half), score), -100, 100), np.nan)
    high = np.where(responses > 0, np.clip(np.maximum(100 * (d + half), score), -100, 100), np.nan)
    return low, high


def mean_interval(n, total, total_of_squares):
    """Student t interval for a mean from ``n``, ``Σx`` and ``Σx²``; NaN when ``n < 2`` or NaN.

    ``s² = (Σx² - mean · Σx) / (n - 1)``, ``mean ± t(0.975, n-1) · s / √n``. ``mean · Σx``
    equals ``(Σx)²/n`` but stays finite whenever ``Σx²`` is (it is at most ``Σx²``), so values
    up to about 1e154 keep their interval. Beyond, ``Σx²`` itself overflows to infinity and no
    interval can be told: NaN, without a warning. An infinite ``n`` raises ValueError.

    A spread ``Σx² - mean · Σx`` within 4 ulps of ``Σx²`` (``4 ε Σx²``, ``ε = 2.2e-16``), but
    not exactly 0 (as a constant series of whole numbers gives), is rounding noise: values
    1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3 have a spread of 0.02 beside ``Σx² = 3e18``, whose last
    bit is worth 512. No interval can be told from these sums: NaN (it was a zero-width
    interval). A spread a little above that is told only roughly; only sums of the values
    minus a shift (such as their first value) would tell it exactly.

    A negative spread is rounding too, down to ``-4 n ε Σx²`` (:func:`_spread_tolerance`;
    summing n values rounds ``Σx²`` and ``(Σx)²/n`` by at most about ``n ε Σx²`` each: a
    million values all 0.1 leave -0.04 n ε Σx²); the variance is 0 there. Below that no
    values have these sums (``Σx² ≥ (Σx)²/n`` for any values): NaN, no interval, where a
    zero-width interval was given (as the engine's expressions give null, :func:`mean_exprs`).

    >>> low, high = mean_interval(3, 6.0, 14.0)   # x = 1, 2, 3: mean 2, s = 1
    >>> round(float(low), 4), round(float(high), 4)
    (-0.4841, 4.4841)
    >>> mean_interval(2, 1e300, float("inf"))   # x = 1e300, 0: x² overflowed
    (nan, nan)
    >>> mean_interval(3, 3e9 + 0.6, 3e18 + 1.2e9 + 0.14)   # 1e9 + 0.1, + 0.2, + 0.3
    (nan, nan)
    >>> mean_interval(3, 6.0, 10.0)   # Σx² 10 < (Σx)²/n = 36/3 = 12: no values have them
    (nan, nan)
    """
    n = _floats("n", n)
    _refuse_infinite(n=n)
    s1 = _floats("total", total)
    s2 = _floats("total_of_squares", total_of_squares)
    _same_length(n=n, total=s1, total_of_squares=s2)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mean = s1 / n
        spread = s2 - mean * s1
        var = np.maximum(spread / (n - 1), 0)
        noise = (spread != 0) & (np.abs(spread) <= 4 * _EPSILON * s2)
        impossible = spread < -_spread_tolerance(n, s2)
        var = np.where(np.isinf(s2) | noise | impossible, np.nan, var)
        half = t_quantile_975(n - 1) * np.sqrt(var / n)
        low = np.where(n >= 2, mean - half, np.nan)
        high = np.where(n >= 2, mean + half, np.nan)
    return _scalar_or_array(low), _scalar_or_array(high)


def _spread_tolerance(n, total_of_squares):
    """How far below 0 the spread ``Σx² - (Σx)²/n`` of :func:`mean_interval` may fall by
    rounding alone: ``4 · n · ε · Σx²`` (``ε = 2.2e-16``; n = 1, 2 give 4 and 8 ε Σx²).

    Summing n terms one after another is off by at most ``(n - 1) ε`` times the sum of their
    sizes: ``Σx²`` by ``n ε Σx²`` and ``(Σx)²/n`` by ``2 n ε Σx²`` (Cauchy-Schwarz bounds Σ|x|
    by ``√(n Σx²)``), so no values summed by an engine give a spread below the tolerance.
    (A negative ``Σx²``, which no values have, makes it negative: its spread is below it.)
    Works on arrays and narwhals expressions alike.

    >>> float(_spread_tolerance(3, 12.0)) / _EPSILON   # 4 · 3 · 12
    144.0
    """
    return 4 * _EPSILON * n * total_of_squares


POISSON_UPPER_AT_ZERO = 3.6888794541139363
"""Exact 97.5 % upper bound of a Poisson mean after 0 events: -ln(0.025)."""


def poisson_interval(count, *, z=Z_95):
    """95 % interval for a Poisson mean from an observed count (contacts offered, handled).

    Byar's approximation of the exact (Garwood) interval:
    ``low = x (1 - 1/9x - z/3√x)³``, ``high = (x+1) (1 - 1/9(x+1) + z/3√(x+1))³``; exact at
    ``x = 0`` (``0`` to ``-ln 0.025``). Relative error below 1 % from 5 events on. A NaN count
    (a null sum in :func:`kpikit.compute`) gets the bounds at 0, as the engine's expression does;
    a negative or infinite count raises ValueError. Below about 0.6 events (a fractional count,
    as an average per interval gives) the approximation's lower bound turns negative; a Poisson
    mean is never below 0, so the lower bound is 0 there. ``z`` must be a number above 0 and up
    to :data:`MAX_Z`, as for :func:`wilson_interval` (``z = -1`` gave 7.15 to 3.63 for 5
    events: swapped bounds).

    >>> low, high = poisson_interval(100)
    >>> round(float(low), 2), round(float(high), 2)
    (81.36, 121.63)
    >>> poisson_interval(0)
    (0.0, 3.6888794541139363)
    >>> float(poisson_interval(0.5)[0])  # Byar's formula: -0.0016
    0.0
    """
    check_number("z", z, minimum=0, maximum=MAX_Z, above_minimum=True)
    x = _floats("count", count)
    _refuse_infinite(count=x)
    if np.any(x < 0):
        raise ValueError(
            f"Value of 'count' must be a count >= 0 but received: {x[x < 0].flat[0]:g}"
        )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # 9x past 1e308: 1/9x 0
        low = np.where(x > 0, x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3, 0.0)
        low = np.maximum(low, 0.0)  # below about 0.6 events, the cube of a negative number
        upper = x + 1
        high = np.where(
            x > 0,
            upper * (1 - 1 / (9 * upper) + z / (3 * np.sqrt(upper))) ** 3,
            POISSON_UPPER_AT_ZERO,
        )
    return _scalar_or_array(low), _scalar_or_array(high)


def two_proportion_z(x1, n1, x2, n2):
    """Two-sided p-value of the pooled two-proportion z test (NaN when undefined).

    ``z = (p1 - p2) / √(p(1-p)(1/n1 + 1/n2))`` with the pooled ``p = (x1+x2)/(n1+n2)``.
    NaN when a count is NaN, a sample is empty or nothing varies; ValueError for a negative
    or infinite count or more successes than trials, TypeError for a value that is not a
    number.

    >>> round(two_proportion_z(80, 100, 65, 100), 4)
    0.0175
    >>> two_proportion_z(800, 1000, 600, 1000)   # z = 0.2 / 0.02049 = 9.76: far from 0
    1.68...e-22
    >>> two_proportion_z(120, 100, 65, 100)
    Traceback (most recent call last):
    ...
    ValueError: Values of 'x1' and 'n1' must satisfy 0 <= x1 <= n1 but received: 120 and 100
    """
    _check_proportion("x1", x1, "n1", n1)
    _check_proportion("x2", x2, "n2", n2)
    if min(n1, n2) <= 0:
        return float("nan")
    size = max(n1, n2)  # counts near 1e308 would overflow n1 + n2; the shares do not
    pooled = (x1 / size + x2 / size) / (n1 / size + n2 / size)
    se = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return float("nan")
    z = abs(x1 / n1 - x2 / n2) / se
    return erfc(z / sqrt(2))  # 1 - erf(...) rounded p below 1e-16 to 0


def _check_proportion(x_name, x, n_name, n):
    for name, value in ((x_name, x), (n_name, n)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"Value of {name!r} must be a number but received: {value!r} "
                f"({type(value).__name__})"
            )
        if isinf(value):  # as the intervals: no share exists out of infinitely many
            raise ValueError(f"Value of {name!r} must be a finite count but received: {value!r}")
    if x < 0 or n < 0 or x > n:
        raise ValueError(
            f"Values of {x_name!r} and {n_name!r} must satisfy 0 <= {x_name} <= {n_name} but "
            f"received: {x!r} and {n!r}"
        )


def _floats(argument, values):
    """``values`` as a float array; a TypeError naming ``argument`` when they are not numbers
    (text such as ``"3"`` and booleans included: NumPy would read them as 3.0 and 1.0).

    >>> _floats("n", ["3"])
    Traceback (most recent call last):
    ...
    TypeError: Value of 'n' must be a number or an array of numbers but received: ['3']
    >>> _floats("n", [1, 10**400])
    Traceback (most recent call last):
    ...
    ValueError: Value of 'n' must hold numbers within the float range (up to about 1.8e308) but
    received a whole number beyond it
    """
    try:
        if _has_text_or_bool(values):
            raise TypeError
        if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
            # a nullable column's NA is NaN (pandas before 2.3 refuses np.asarray of it)
            return values.to_numpy(dtype=float, na_value=np.nan)
        return np.asarray(values, dtype=float)
    except OverflowError:  # an int such as 10**400; its repr may be too long to show
        raise ValueError(
            f"Value of {argument!r} must hold numbers within the float range (up to about "
            "1.8e308) but received a whole number beyond it"
        ) from None
    except (TypeError, ValueError):
        raise TypeError(
            f"Value of {argument!r} must be a number or an array of numbers but received: "
            f"{values!r}"
        ) from None


def _same_length(**arrays) -> None:
    """Refuse float arrays that do not go together element by element (a single number goes
    with any), naming them: NumPy's "operands could not be broadcast together with shapes
    (3,) (2,)" named no argument.

    >>> _same_length(successes=np.zeros(3), n=np.zeros(2))
    Traceback (most recent call last):
    ...
    ValueError: Values of 'successes' and 'n' must have the same length (or be a single number)
    but received lengths 3 and 2
    """
    shapes = [np.shape(values) for values in arrays.values()]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        names = [repr(name) for name in arrays]
        sizes = [
            "a number" if not shape else str(shape[0]) if len(shape) == 1 else str(shape)
            for shape in shapes
        ]
        raise ValueError(
            f"Values of {', '.join(names[:-1])} and {names[-1]} must have the same length (or "
            f"be a single number) but received lengths {', '.join(sizes[:-1])} and "
            f"{sizes[-1]}"
        ) from None


def _refuse_infinite(**counts) -> None:
    """Raise a ValueError naming the first of ``counts`` (float arrays) that holds an infinite
    value: no share or rate exists out of infinitely many.

    >>> _refuse_infinite(successes=np.array(5.0), n=np.array([10.0, np.inf]))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'n' must hold finite counts but received: inf (element 1)
    """
    for name, values in counts.items():
        infinite = np.flatnonzero(np.isinf(values))
        if len(infinite):
            where = f" (element {infinite[0]})" if np.ndim(values) else ""
            raise ValueError(
                f"Value of {name!r} must hold finite counts but received: "
                f"{values.flat[infinite[0]]:g}{where}"
            )


def _has_text_or_bool(values) -> bool:
    """Whether ``values`` hold text or a boolean anywhere: a list such as ``[True, 1, 1]``
    becomes an integer array, so its elements are looked at one by one, not the array's type.

    >>> _has_text_or_bool([True, 1, 1]), _has_text_or_bool(np.array([1, 2]))
    (True, False)
    """
    array = np.asarray(values)
    if array.dtype.kind in "USb":
        return True
    if array.dtype.kind == "O":
        elements = array
    elif isinstance(values, list | tuple):  # [True, 1] became integers: look at each element
        elements = np.asarray(values, dtype=object)
    else:  # an array or column of numbers: its type tells what it holds
        return False
    return any(isinstance(value, str | bytes | bool | np.bool_) for value in elements.flat)


def _scalar_or_array(values):
    return float(values) if np.ndim(values) == 0 else values


# --- narwhals expression builders (used by kpikit.metrics) ---------------------------------


def wilson_exprs(successes, n, scale=100.0, z=Z_95):
    """Wilson interval bounds as narwhals expressions, multiplied by ``scale``; null if n = 0.
    As :func:`wilson_interval`, the low bound is exactly 0 at no successes and the high bound
    exactly ``scale`` when all are."""
    p = successes / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * ((p * (1 - p) / n + z**2 / (4 * n**2)).clip(lower_bound=0)).sqrt() / denom
    low = nw.when(successes == 0).then(0.0).otherwise((centre - half) * scale)
    high = nw.when(successes == n).then(scale).otherwise((centre + half) * scale)
    return _guard(n > 0, low), _guard(n > 0, high)


def nps_exprs(promoters, detractors, responses, z=Z_95):
    """Adjusted-Wald NPS interval bounds (points, see :func:`nps_interval`) as narwhals
    expressions; null when there are no responses."""
    adjusted = responses + NPS_PSEUDO_RESPONSES
    plus = (promoters + NPS_PSEUDO_RESPONSES / 4) / adjusted
    minus = (detractors + NPS_PSEUDO_RESPONSES / 4) / adjusted
    d = plus - minus
    half = z * ((plus + minus - d * d).clip(lower_bound=0) / adjusted).sqrt()
    score = 100 * ((promoters - detractors) / responses)
    low = nw.min_horizontal(100 * (d - half), score).clip(-100, 100)
    high = nw.max_horizontal(100 * (d + half), score).clip(-100, 100)
    return _guard(responses > 0, low), _guard(responses > 0, high)


def mean_exprs(n, total, total_of_squares):
    """Student t interval bounds as narwhals expressions; null when n < 2, when the sum of
    squares overflowed or when the spread is rounding noise (as :func:`mean_interval`),
    and where no values have the sums (a spread below ``-``:func:`_spread_tolerance`: it was a
    zero-width interval)."""
    mean = total / n
    spread = total_of_squares - mean * total
    var = (spread / (n - 1)).clip(lower_bound=0)
    half = _t_quantile_expr(n - 1) * (var / n).sqrt()
    noise = (spread != 0) & (spread.abs() <= 4 * _EPSILON * total_of_squares)
    impossible = spread < -_spread_tolerance(n, total_of_squares)
    defined = (n >= 2) & total_of_squares.is_finite() & ~noise & ~impossible
    return _guard(defined, mean - half), _guard(defined, mean + half)


def poisson_exprs(count, z=Z_95):
    """Poisson interval bounds (see :func:`poisson_interval`) as narwhals expressions; as
    there, the lower bound is 0 below about 0.6 events, where Byar's formula turns negative."""
    root = count.clip(lower_bound=0).sqrt()
    base = 1 - 1 / (9 * count) - z / (3 * root)
    low = nw.when(count > 0).then((count * base * base * base).clip(lower_bound=0)).otherwise(0.0)
    upper = count + 1
    top = 1 - 1 / (9 * upper) + z / (3 * upper.sqrt())
    high = nw.when(count > 0).then(upper * top * top * top).otherwise(POISSON_UPPER_AT_ZERO)
    return low, high


def _t_quantile_expr(dof):
    table = {k: _T_975[k - 1] for k in range(1, 31)}
    small = (
        dof.clip(1, 31)
        .cast(nw.Int64)
        .replace_strict(table, default=float("nan"), return_dtype=nw.Float64)
    )
    return nw.when(dof <= 30).then(small).otherwise(_cornish_fisher(dof.clip(lower_bound=31)))


def _guard(condition, expr):
    return nw.when(condition).then(expr)
