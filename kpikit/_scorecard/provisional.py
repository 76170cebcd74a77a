"""Provisional rows of a scorecard: FCR whose repeat window has not closed yet.

Which rows are provisional comes from :func:`kpikit.provisional.provisional_fcr`. Such a row
keeps its value and the status its value would have if final, but it is not rated as final:
no score (so it neither lowers nor raises an area or the composite), no SLA credit, no trend
test, and its outputs show the provisional mark on the "no data" tint instead of a red, amber
or green one.
"""

import numpy as np
import pandas as pd

from kpikit.display import RAG_LABELS, RAG_MARKS, RAG_TINTS
from kpikit.provisional import date_text

__all__ = [
    "PROVISIONAL_MARK",
    "PROVISIONAL_TINT",
    "is_provisional",
    "mark_provisional",
    "provisional_text",
    "status_look",
]

PROVISIONAL_MARK = "◷"
"""Mark of a provisional cell (a clock face: the result is still coming in; a character the
common sans-serif fonts have, DejaVu and Segoe UI Symbol included)."""

PROVISIONAL_TINT = RAG_TINTS["no data"]
"""Background of a provisional cell: grey, not a status colour."""


def mark_provisional(table: pd.DataFrame, provisional, group_keys: list) -> pd.DataFrame:
    """Add ``provisional_until`` (null when final) and unrate the provisional rows.

    ``provisional`` is a frame of ``*group_keys, kpi, provisional_until`` (the result of
    :func:`kpikit.provisional.provisional_fcr`) or None. Provisional rows get a null
    ``score``, ``credit`` and ``p_value`` and no ``trend`` or ``improved``.

    Examples
    --------
    >>> table = pd.DataFrame({"period": pd.to_datetime(["2026-08-06", "2026-08-07"]),
    ...     "kpi": "fcr", "value": [0.0, 70.0], "status": "red", "score": 0.0,
    ...     "credit": -5.0, "p_value": 0.01, "trend": "down", "improved": False})
    >>> found = pd.DataFrame({"period": pd.to_datetime(["2026-08-07"]), "kpi": "fcr",
    ...                       "provisional_until": pd.to_datetime(["2026-08-10"])})
    >>> marked = mark_provisional(table, found, ["period"])
    >>> marked[["status", "score", "credit", "trend", "provisional_until"]]
      status  score  credit trend provisional_until
    0    red    0.0    -5.0  down               NaT
    1    red    NaN     NaN  None        2026-08-10
    """
    if provisional is None or len(provisional) == 0:
        dtype = table["period"].dtype if "period" in table.columns else "datetime64[ns]"
        return table.assign(provisional_until=pd.Series(pd.NaT, index=table.index, dtype=dtype))
    needed = [*group_keys, "kpi", "provisional_until"]
    missing = [column for column in needed if column not in provisional.columns]
    if missing:
        raise ValueError(
            f"Value of 'provisional' needs the column(s) {missing} (kpikit.provisional."
            f"provisional_fcr output); columns are {list(provisional.columns)}"
        )
    if "period" not in group_keys:
        raise ValueError(
            "Value of 'provisional' applies to periods, but the KPI frame has no 'period' "
            "column (compute it with freq)"
        )
    until = table[[*group_keys, "kpi"]].merge(
        provisional[needed].drop_duplicates(needed[:-1]), how="left", on=needed[:-1]
    )
    table = table.assign(provisional_until=until["provisional_until"].to_numpy())
    rows = table["provisional_until"].notna()
    table.loc[rows, ["score", "credit", "p_value"]] = np.nan
    table["trend"] = table["trend"].astype(object).where(~rows, None)
    table["improved"] = table["improved"].astype(object).where(~rows, None)
    return table


def provisional_text(row) -> str:
    """Status text of a provisional row: the mark, until when, and the status so far (or
    that no target covers the row: its status is null).

    >>> provisional_text({"status": "red", "provisional_until": pd.Timestamp("2026-08-10")})
    '◷ provisional until 10 Aug 2026 (missed so far)'
    >>> provisional_text({"status": None, "provisional_until": pd.Timestamp("2026-08-10")})
    '◷ provisional until 10 Aug 2026 (no target)'
    """
    until = date_text(row["provisional_until"])
    status = row["status"]
    so_far = f"{RAG_LABELS[status]} so far" if isinstance(status, str) else "no target"
    return f"{PROVISIONAL_MARK} provisional until {until} ({so_far})"


def is_provisional(row) -> bool:
    """Whether a scorecard row (a mapping) is provisional.

    >>> is_provisional({"provisional_until": pd.NaT}), is_provisional({"kpi": "fcr"})
    (False, False)
    """
    value = row.get("provisional_until")
    return value is not None and not pd.isna(value)


def status_look(row) -> tuple[str, str]:
    """Background tint and words of a scorecard row's status cell, provisional or rated.

    >>> status_look({"status": "green", "provisional_until": pd.NaT})
    ('#BFE7DC', '✔ met')
    >>> status_look({"status": "red", "provisional_until": pd.Timestamp("2026-08-10")})[1]
    '◷ provisional until 10 Aug 2026 (missed so far)'
    >>> status_look({"status": None, "provisional_until": pd.NaT})   # no target: not rated
    ('#E6E6E6', '– no target')
    """
    if is_provisional(row):
        return PROVISIONAL_TINT, provisional_text(row)
    status = row["status"]
    if not isinstance(status, str):
        return RAG_TINTS["no data"], f"{RAG_MARKS['no data']} no target"
    return RAG_TINTS[status], f"{RAG_MARKS[status]} {RAG_LABELS[status]}"
