"""The time zone a file's UTC offsets come from.

An export that spans a daylight-saving change writes each time with the offset of its moment
(``-04:00`` in October and ``-05:00`` in November for New York). Read in UTC, a New York day
would run from 8 pm to 8 pm: every daily figure of a dashboard would mix two local days. The
zone is found from the offsets themselves: the zones whose offset at every time of the file is
the offset written beside it. Zones with the same offsets at those times put its contacts in the
same local days, weeks and months; the most used of them is taken (:data:`PREFERRED`, else the
first by name) and the others are named in the reader's warning.
"""

import functools
import re
import zoneinfo

import numpy as np
import pandas as pd

PREFERRED = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Toronto",
    "America/Vancouver",
    "America/Halifax",
    "America/St_Johns",
    "America/Mexico_City",
    "America/Santiago",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Bucharest",
    "Europe/Kyiv",
    "Africa/Cairo",
    "Asia/Jerusalem",
    "Asia/Beirut",
    "Asia/Tehran",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Australia/Adelaide",
    "Australia/Hobart",
    "Pacific/Auckland",
)
"""Zones taken first when several fit a file's offsets (the most used among those with clock
changes, so the fitting zones of a file with several offsets)."""

_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian"}
    | {"Pacific"}
)
_OFFSET_PARTS = re.compile(r"([+-])(\d{2}):?(\d{2})?")
_SAMPLE = 512


@functools.cache
def candidate_zones() -> tuple[str, ...]:
    """The zones of the time zone database named after a place (not ``Etc/GMT+5``, ``EST5EDT``
    or ``US/Eastern``), preferred ones first.

    >>> candidate_zones()[0], "Europe/Paris" in candidate_zones(), "US/Eastern" in candidate_zones()
    ('America/New_York', True, False)
    """
    named = {zone for zone in zoneinfo.available_timezones() if zone.split("/")[0] in _REGIONS}
    first = [zone for zone in PREFERRED if zone in named]
    return (*first, *sorted(named - set(first)))


def offset_minutes(text: pd.Series) -> pd.Series:
    """Minutes east of UTC of offset texts (``Z``, ``+02:00``, ``-0500``, ``+05``).

    >>> offset_minutes(pd.Series(["Z", "+02:00", "-0500", "+0530", "-03"])).tolist()
    [0, 120, -300, 330, -180]
    """
    parts = text.str.extract(_OFFSET_PARTS)
    sign = np.where(parts[0] == "-", -1, 1)
    minutes = parts[1].astype(float) * 60 + parts[2].fillna("0").astype(float)
    return pd.Series(np.where(text == "Z", 0, sign * minutes.fillna(0)), index=text.index).astype(
        int
    )


def zones_of_offsets(instants: pd.Series, offsets: pd.Series) -> list[str]:
    """The zones whose UTC offset at each instant is the one given, preferred first.

    Parameters
    ----------
    instants : Series of datetime64 in UTC
    offsets : Series of int
        Minutes east of UTC written beside each time (:func:`offset_minutes`).

    Examples
    --------
    >>> instants = pd.to_datetime(["2026-10-31 13:00", "2026-11-02 14:00"]).tz_localize("UTC")
    >>> found = zones_of_offsets(pd.Series(instants), pd.Series([-240, -300]))
    >>> found[0], "America/Toronto" in found, "America/Chicago" in found
    ('America/New_York', True, False)
    """
    pairs = pd.DataFrame({"at": instants.dt.floor("15min"), "offset": offsets.to_numpy()})
    pairs = pairs.dropna().drop_duplicates().sort_values("at", ignore_index=True)
    if pairs.empty:
        return []
    # A first pass on an even sample and the rows around each change of offset drops most zones
    # cheaply; the zones left are checked on every distinct quarter hour. (Zones change their
    # offsets on the quarter hour.)
    changes = pairs["offset"].ne(pairs["offset"].shift()).to_numpy()
    around = changes | np.roll(changes, -1)
    even = np.zeros(len(pairs), dtype=bool)
    even[np.linspace(0, len(pairs) - 1, min(_SAMPLE, len(pairs))).astype(int)] = True
    sample = pairs[around | even]
    fitting = [zone for zone in candidate_zones() if _fits(zone, sample)]
    return [zone for zone in fitting if _fits(zone, pairs)]


def _fits(zone: str, pairs: pd.DataFrame) -> bool:
    local = pairs["at"].dt.tz_convert(zone).dt.tz_localize(None)
    minutes = (local - pairs["at"].dt.tz_localize(None)) // pd.Timedelta(minutes=1)
    return bool((minutes.to_numpy() == pairs["offset"].to_numpy()).all())
