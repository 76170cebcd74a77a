"""Parameters every figure builder shares, documented and checked once.

A builder documents its own parameters; :func:`shared_parameters` adds the entries of this
table that its signature has and its docstring leaves out, just before "Returns" (as plotly
express does), checks ``height`` before the builder runs and, once it has run, sizes the top
margin of a figure without a legend to its title (:func:`kpikit.plots._template.fit_top_margin`).
"""

import functools
import inspect
import re

from kpikit._validators import check_number
from kpikit.plots._template import fit_top_margin

SHARED_PARAMETERS = {
    "kpi": (
        "str",
        "KPI id, one of :data:`kpikit.catalog.KPI_IDS`; gives the labels, the unit and which "
        "way is better.",
    ),
    "title": (
        "str, default=None",
        "Figure title; None writes one from the data, with KPI names and groupings in words.",
    ),
    "height": (
        "int, default=None",
        "Figure height in pixels; None sizes the figure to what it shows (rows, groups).",
    ),
}
"""Name -> (type, description) of the parameters shared by the builders."""

_PARAMETERS = "\n    Parameters\n    ----------\n"
_RETURNS = "\n    Returns\n    -------\n"


def shared_parameters(builder):
    """Complete a builder's docstring with the shared parameters it takes, refuse a
    ``height`` that is not a whole number of pixels >= 10 (plotly's minimum) and fit the top
    margin of the figure it returns to what it shows.

    Examples
    --------
    >>> @shared_parameters
    ... def chart(frame, *, title=None):
    ...     '''A chart.
    ...
    ...     Parameters
    ...     ----------
    ...     frame : DataFrame
    ...
    ...     Returns
    ...     -------
    ...     Figure
    ...     '''
    >>> print(chart.__doc__.split("Returns")[0].strip().splitlines()[-2])
        title : str, default=None
    >>> @shared_parameters
    ... def sized(*, height=None):
    ...     '''A chart.
    ...
    ...     Returns
    ...     -------
    ...     Figure
    ...     '''
    >>> sized(height=-5)
    Traceback (most recent call last):
    ...
    ValueError: Value of 'height' must be a finite whole number >= 10 but received: -5
    """
    doc = builder.__doc__ or ""
    if _RETURNS not in doc:
        raise ValueError(f"{builder.__name__}'s docstring needs a Returns section")
    parameters = doc.split(_RETURNS)[0].split(_PARAMETERS)[-1]
    documented = set(re.findall(r"^    (\w+)(?=[ ,:]|$)", parameters, re.MULTILINE))
    entries = [
        f"    {name} : {kind}\n        {text}\n"
        for name in inspect.signature(builder).parameters
        if name in SHARED_PARAMETERS and name not in documented
        for kind, text in [SHARED_PARAMETERS[name]]
    ]
    head, tail = doc.split(_RETURNS, 1)
    builder.__doc__ = head.rstrip("\n") + "\n" + "".join(entries) + _RETURNS + tail

    @functools.wraps(builder)
    def checked(*args, **kwargs):
        if kwargs.get("height") is not None:
            check_number("height", kwargs["height"], minimum=10, integer=True)
        return fit_top_margin(builder(*args, **kwargs))

    return checked
