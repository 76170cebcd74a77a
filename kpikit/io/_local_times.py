"""Naive times of parquet files read by DuckDB placed in a zone, as :func:`kpikit.io.read_contacts`
places them.

Given ``tz``, ``read_contacts`` takes times without a zone as local times of ``tz`` and refuses
the file when one falls in a clock change (a time skipped in spring or repeated in autumn: its
moment is unknown). :func:`kpikit.metrics.scan_parquet` does the same through
:func:`placed_in_zone`, so that ``kpikit compute --tz`` means one thing for one file read in
memory and for files read by DuckDB. DuckDB itself moves a skipped time an hour on and takes a
repeated one as the second (``timezone('Europe/Paris', TIMESTAMP '2026-03-29 02:30')`` is 03:30):
the times in the clock changes are found first, with pandas on the few rows around each change,
and refused in ``read_contacts``' words.
"""

import pandas as pd

from kpikit._duckdb import sql_name
from kpikit.schema import SchemaError

TIME_TABLES = {"arrived_at": "contacts", "interval_start": "agent_intervals"}
TIME_TABLES["period_start"] = "costs"
"""The time columns of the kpikit tables, read as times of a zone, and their tables."""

_NAIVE = frozenset({"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"})
"""DuckDB's types of times without a zone."""

_EARLIEST, _LATEST = pd.Timestamp("1678-01-02"), pd.Timestamp("2262-04-10")
"""The times pandas holds (in nanoseconds), where clock changes are looked for."""


def placed_in_zone(relation, zone: str):
    """``relation`` with its naive time columns of :data:`TIME_TABLES` taken as local times of
    ``zone``, a name DuckDB knows (``TIMESTAMP WITH TIME ZONE`` columns, their moments those of
    :meth:`pandas.Series.dt.tz_localize`); the relation as it is when it has none.

    Raises SchemaError, in the words of :func:`kpikit.io.read_contacts`, when a time falls in a
    clock change of ``zone``; finding them reads the column (its least and greatest times, then
    the rows within a few hours of each change).

    >>> import duckdb
    >>> connection = duckdb.connect()
    >>> _ = connection.execute("SET TimeZone = 'Europe/Paris'")  # times shown in Paris
    >>> spring = connection.sql("SELECT 'c1' AS contact_id, "
    ...     "TIMESTAMP '2026-03-29 01:30' AS arrived_at UNION ALL "
    ...     "SELECT 'c2', TIMESTAMP '2026-03-29 03:30' ORDER BY 1")
    >>> [time.isoformat() for (time,) in placed_in_zone(spring, "Europe/Paris").select(
    ...     "arrived_at").fetchall()]
    ['2026-03-29T01:30:00+01:00', '2026-03-29T03:30:00+02:00']
    >>> skipped = connection.sql("SELECT 'c3' AS contact_id, "
    ...     "TIMESTAMP '2026-03-29 02:30' AS arrived_at")
    >>> placed_in_zone(skipped, "Europe/Paris")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kpikit.schema.SchemaError: The data does not follow the kpikit schema (1 problem):
    - contacts.arrived_at: 1 row in a clock change of Europe/Paris (a time skipped in spring or \
repeated in autumn), so the moment is unknown (values such as Timestamp('2026-03-29 02:30:00')): \
export times with their UTC offset, or leave tz unset to keep local times (first ids: c3)
    """
    naive = [
        name
        for name, kind in zip(relation.columns, relation.types, strict=True)
        if name in TIME_TABLES and str(kind) in _NAIVE
    ]
    if not naive:
        return relation
    problems = [found for name in naive for found in _clock_change_problems(relation, name, zone)]
    if problems:
        raise SchemaError(problems)
    literal = zone.replace("'", "''")
    casts = ", ".join(
        f"timezone('{literal}', {sql_name(name)}) AS {sql_name(name)}" for name in naive
    )
    return relation.select(f"* REPLACE ({casts})")


def _clock_change_problems(relation, column: str, zone: str) -> list:
    """The problem :func:`kpikit.io.read_contacts` reports for the times of ``column`` in a
    clock change of ``zone`` (none or one), from the rows around each change alone."""
    from kpikit.io._convert import ReadOptions, _in_zone

    name = sql_name(column)
    [(low, high)] = relation.aggregate(f"min({name}), max({name})").fetchall()
    if low is None:
        return []
    spans = clock_changes(pd.Timestamp(low), pd.Timestamp(high), zone)
    if not spans:
        return []
    within = " OR ".join(
        f"({name} >= TIMESTAMP '{start}' AND {name} < TIMESTAMP '{end}')" for start, end in spans
    )
    table = TIME_TABLES[column]
    if table == "contacts" and "contact_id" in relation.columns:
        key = "contact_id"  # kept in the files' order, as DuckDB keeps insertion order
        rows = relation.filter(within).select(f"{name}, {sql_name(key)}").df()
    else:  # positions in the files read one after the other, as read_contacts counts rows
        key = "row position"
        numbered = relation.select(f"{name}, row_number() OVER () - 1 AS {sql_name(key)}")
        rows = numbered.filter(within).order(sql_name(key)).df()
    times = pd.to_datetime(rows[column]).rename(column)
    examples = (key, rows[key].reset_index(drop=True))
    return _in_zone(times, times, table, ReadOptions(tz=zone), examples)[1]


def clock_changes(low: pd.Timestamp, high: pd.Timestamp, zone: str) -> list[tuple[str, str]]:
    """Spans ``[start, end)`` of local times of ``zone`` (text DuckDB reads as a TIMESTAMP),
    from about ``low`` to ``high`` (naive times), that hold every time its clocks skip or repeat:
    a span of a few hours around each change.

    The zone's offsets are looked at every 6 hours, then hourly where one changed (no zone
    changes its clocks twice in 6 hours).

    >>> clock_changes(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-10-31"), "Europe/Paris")
    [('2026-03-29 01:00:00', '2026-03-29 03:00:00'), ('2026-10-25 01:00:00', '2026-10-25 03:00:00')]
    >>> clock_changes(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-10-31"), "UTC")
    []
    """
    low, high = max(low, _EARLIEST).as_unit("ns"), min(high, _LATEST).as_unit("ns")
    if low > high:
        return []
    day = pd.Timedelta(days=1)
    coarse = pd.date_range(low.floor("D") - day, high.ceil("D") + day, freq="6h", tz="UTC")
    spans = []
    for start, end, _, _ in _offset_changes(coarse, zone):
        for before, after, first, second in _offset_changes(
            pd.date_range(start, end, freq="h"), zone
        ):
            # The change happens after ``before`` and by ``after``: the skipped local times lie
            # in [change + first, change + second), the repeated ones in [change + second,
            # change + first)
            begin = before.tz_localize(None) + min(first, second)
            finish = after.tz_localize(None) + max(first, second)
            spans.append((str(begin), str(finish)))
    return spans


def _offset_changes(instants: pd.DatetimeIndex, zone: str):
    """For each two of ``instants`` (in UTC) one after the other between which ``zone``'s UTC
    offset changes: both, and the offsets at each."""
    offsets = instants.tz_convert(zone).tz_localize(None) - instants.tz_localize(None)
    changed = (offsets[1:] != offsets[:-1]).nonzero()[0]
    return [
        (instants[at], instants[at + 1], offsets[at], offsets[at + 1]) for at in changed.tolist()
    ]
