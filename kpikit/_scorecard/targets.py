"""Targets tables: read from CSV/TOML or a DataFrame, derived from sector benchmarks, validated.

A target applies to every group of a scorecard unless it names a segment: a value in its
``channel`` or ``direction`` column (inbound/outbound) restricts it to the groups of that
channel or direction, and a row with the segment left empty covers the others. Where targets
nest, the most specific applies (channel ``phone`` with direction ``inbound`` over channel
``phone`` alone); two that overlap without nesting (channel ``phone``, direction ``inbound``)
are refused unless a row of their own covers the overlap.
"""

import csv
import io
import itertools
import math
import tomllib
import warnings
from functools import cache
from importlib.resources import files
from os import PathLike
from pathlib import Path

import narwhals as nw
import numpy as np
import pandas as pd

from kpikit._frames import to_pandas
from kpikit._validators import (
    check_choice,
    check_unique_columns,
    checked_path,
    is_number,
    shown,
    suggestion,
)
from kpikit.catalog import KPI_IDS, SECTORS
from kpikit.catalog import benchmarks as load_benchmarks
from kpikit.catalog import kpi as kpi_definition
from kpikit.options import MAX_SL_THRESHOLD_S
from kpikit.schema import DIRECTIONS

SEGMENT_COLUMNS = ("channel", "direction")
"""Optional targets columns that restrict a target to one channel or direction."""

THRESHOLD_COLUMN = "threshold_s"
"""Optional targets column: the answer threshold in seconds a service-level target is set at
(80/20: target 80, threshold_s 20). Such a target rates only a service level computed at that
threshold (90 % within 15 s is not 90 % within 20 s); left empty, a target rates any."""

_OPTIONAL_COLUMNS = (THRESHOLD_COLUMN, *SEGMENT_COLUMNS)

ROLES = ("primary", "supporting")
"""Roles of a target: primary KPIs make the composite score and SLA credits; supporting ones are
rated and shown but not scored."""

TARGET_COLUMNS = (
    "kpi",
    "target",
    "tolerance",
    "weight",
    "area",
    "band_low",
    "band_high",
    "role",
    "note",
    THRESHOLD_COLUMN,
    *SEGMENT_COLUMNS,
)
_TARGET_SUFFIXES = (".toml", ".csv")

MAX_WEIGHT = 1e6
"""Largest weight of a target: weights are relative, and the composite score sums them."""


@cache
def scorecard_data() -> dict:
    """``kpikit/catalog/scorecards.toml``: sector priorities and presets."""
    text = files("kpikit.catalog").joinpath("scorecards.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def sector_weights(sector: str) -> pd.DataFrame:
    """The weight each KPI gets in a sector's targets, with the sentence it rests on.

    Parameters
    ----------
    sector : str
        One of :data:`kpikit.catalog.SECTORS`.

    Returns
    -------
    pandas.DataFrame
        ``kpi, weight, note``: one row per KPI the sector puts first (weight above 1).

    Examples
    --------
    >>> sector_weights("technology_saas")[["kpi", "weight"]].values.tolist()
    [['fcr', 2.0], ['csat', 2.0]]
    """
    check_choice("sector", sector, SECTORS, "a sector")
    entry = scorecard_data()["sector"][sector]
    note = f"{entry['sentence']} ({entry['source']})" if entry["source"] else entry["sentence"]
    rows = [{"kpi": k, "weight": float(entry["weight"]), "note": note} for k in entry["priority"]]
    return pd.DataFrame(rows, columns=["kpi", "weight", "note"])


def read_targets(targets, *, channel: str = "all") -> pd.DataFrame:
    """Read and validate a targets table.

    Parameters
    ----------
    targets : str, path or DataFrame
        A ``.csv`` or ``.toml`` file, a DataFrame (pandas, polars, ...), or a sector name (one of
        :data:`kpikit.catalog.SECTORS`) to derive targets from its benchmarks with
        :func:`targets_from_benchmarks`. Columns (CSV, DataFrame): ``kpi`` and ``target``
        (required), ``tolerance`` (default 0), ``weight`` (default 1; an empty cell, None or
        NaN in either takes the default), ``area`` (default: the catalog's),
        ``band_low``/``band_high`` (band KPIs only), ``role`` (``"primary"``, the
        default, or ``"supporting"``), ``note`` (free text, such as where a weight comes from),
        ``threshold_s`` (service level only: the answer threshold in seconds the target is set
        at, 20 for 80/20; a scorecard refuses to rate a service level computed at another
        threshold against it; empty for a target that rates any threshold),
        and the segment columns ``channel`` and ``direction`` (``inbound``/``outbound``): a
        target with a segment value applies to that segment only, and a KPI may then have one
        row per segment plus one with the segment empty for the rest; where rows nest, the
        most specific applies. A band KPI (utilization,
        occupancy) takes its band from ``band_low``/``band_high``, else from
        ``target ± tolerance`` (the sample targets' convention), else from the catalog; its
        amber zone is ``tolerance`` outside either edge.
        TOML: one table per KPI id, such as ``[fcr]`` with ``target = 75`` and ``tolerance = 5``.
        A CSV file is UTF-8, its columns separated by commas or by semicolons with decimal
        commas (European Excel), its header in any case (``KPI``); rows with every cell empty
        are not rows, nor are empty cells right of the table columns. Percents are written
        from 0 to 100; an AHT target under a minute is warned of (minutes written for
        seconds), as is a target under 1 % for a percent KPI better lower (perhaps a fraction:
        0.05 for 5 %).
    channel : str, default="all"
        Channel of the benchmarks when ``targets`` is a sector name.

    Returns
    -------
    pandas.DataFrame
        Columns ``kpi, target, tolerance, weight, area, band_low, band_high, role, note``, and
        ``threshold_s`` and the segment columns when the input has them; one row per KPI (and
        segment).

    Raises
    ------
    ValueError
        Unknown KPI ids (the message lists the valid ones), unknown columns (a ``segment``
        column is told that segments are named by ``channel`` or ``direction``, as
        :func:`kpikit.breaches` reads them too), duplicated KPIs (per segment), a
        count KPI (contacts offered or handled have no better direction), segment targets
        that overlap without nesting (and no row for their overlap), a missing or
        non-numeric target, a number given as text (``"80"``, as in TOML ``target = "80"``;
        a CSV's numbers are read as numbers), a target or band edge outside the KPI's scale
        (``KPI.value_range``: percents 0 to 100 but conformance, NPS -100 to 100, times and
        amounts >= 0; a band from ``target ± tolerance`` too), a TOML table whose ``kpi`` key
        names another KPI than the table, a negative or infinite tolerance, a weight outside
        0..:data:`MAX_WEIGHT` or weights all 0, a band on a KPI without one (or ``band_low >
        band_high``, or a target outside the band given with it), no rows, a row without a KPI
        id, a repeated column, a file that does not exist, is not ``.csv``/``.toml``, is empty
        or is not UTF-8, a target or band edge
        above 0 and at most 1 for a percent KPI better higher or in a band, or for the QA
        score (a fraction: 0.8 for 80 %, 0.85 for 85 points), and a KPI id, segment, role
        or area with spaces around it (``" aht"``: it is refused, not stripped). Each
        message names the column and the rows at fault, all of them (the first few when there
        are many): a CSV file's rows by their line numbers (the header is line 1), a TOML
        file's by their tables, a DataFrame's by their index labels.

    Warns
    -----
    UserWarning
        A target above 0 and below 1 for a percent KPI better lower (0.05 for an abandonment
        rate, read as 0.05 %: perhaps a fraction of 5 %), and an AHT target under a minute
        (perhaps minutes); the value is kept as written.

    Examples
    --------
    >>> targets = read_targets(pd.DataFrame({"kpi": ["fcr", "utilization"],
    ...                                      "target": [75, None], "tolerance": [5, 5]}))
    >>> targets[["kpi", "target", "weight", "area", "band_low", "band_high"]]
               kpi  target  weight      area  band_low  band_high
    0          fcr    75.0     1.0  customer       NaN        NaN
    1  utilization     NaN     1.0     agent      75.0       85.0
    """
    if isinstance(targets, pd.DataFrame):
        return _validate_targets(targets)
    if isinstance(targets, str) and targets in SECTORS:
        return targets_from_benchmarks(targets, channel=channel)
    if isinstance(targets, str) and Path(targets).suffix.lower() not in _TARGET_SUFFIXES:
        raise ValueError(
            "Value of 'targets' is neither a .csv/.toml file nor a sector. Expected a path "
            f"ending in one of {list(_TARGET_SUFFIXES)} or one of {list(SECTORS)} but received: "
            f"{targets!r}{suggestion(targets, SECTORS)}"
        )
    if isinstance(targets, str | PathLike):
        path = checked_path(targets, _TARGET_SUFFIXES, "targets", must_exist=True)
        return _validate_targets(*_read_target_file(path))
    if isinstance(nw.from_native(targets, pass_through=True), nw.DataFrame | nw.LazyFrame):
        return _validate_targets(to_pandas(targets, "targets"))  # polars, DuckDB, ...
    raise TypeError(
        "Value of 'targets' must be a DataFrame, a .csv/.toml path or a sector name "
        f"(one of {list(SECTORS)}) but received: {type(targets).__name__}"
    )


def targets_from_benchmarks(sector: str, *, channel: str = "all") -> pd.DataFrame:
    """Derive targets from a sector's published benchmarks.

    Rule, per KPI (first row of a tier when several share it):

    - band KPIs (utilization, occupancy): the ``target`` tier's range, else the catalog band;
      tolerance half the band's width (75–85 -> amber from 70 and up to 90).
    - higher / lower is better: the ``target`` tier's good edge (its ``low`` when higher is
      better, its ``high`` when lower is better) when the sector has one, else the good edge of
      the ``average`` range; tolerance the distance from the target to the worse edge of the
      ``average`` range (``target - low`` when higher is better, ``high - target`` when lower
      is better), or 5 % of the target when there is none. Green therefore means the target is
      met, amber short of it but no worse than the typical range, red worse than typical (healthcare
      CSAT: target 88, average 75–85, so tolerance 13 and 76 % amber).
    - service level keeps the answer threshold of its figure in ``threshold_s`` (80/20: target
      80, threshold_s 20): :func:`kpikit.scorecard.scorecard` rates only a service level
      computed at that threshold against it.
    - KPIs without such figures (answer rate, transfer rate, ...) get no target, and neither
      do KPIs whose figures are for other channels (the 80/20 service level is a phone figure:
      ask for ``channel="phone"`` to get it).

    Weights follow the sector's priorities (:func:`sector_weights`, from article 002): the KPIs
    a sector puts first weigh 2, the others 1, and ``note`` quotes the reason. Areas come from
    the catalog.

    Parameters
    ----------
    sector : str
        One of :data:`kpikit.catalog.SECTORS`.
    channel : str, default="all"
        One of :data:`kpikit.catalog.CHANNELS`.

    Returns
    -------
    pandas.DataFrame
        A validated targets table (see :func:`read_targets`).

    Examples
    --------
    >>> targets = targets_from_benchmarks("all").set_index("kpi")
    >>> targets.loc["fcr", ["target", "tolerance"]].astype(float).tolist()   # average 70-75
    [75.0, 5.0]
    >>> "abandonment_rate" in targets.index   # a phone figure: not for all channels
    False
    >>> phone = targets_from_benchmarks("all", channel="phone").set_index("kpi")
    >>> phone.loc["abandonment_rate", ["target", "tolerance"]].astype(float).tolist()  # 5-8
    [5.0, 3.0]
    >>> float(targets_from_benchmarks("technology_saas").set_index("kpi").loc["fcr", "weight"])
    2.0
    """
    bench = load_benchmarks(sector=sector, channel=channel)
    weights = sector_weights(sector).set_index("kpi")
    rows = []
    for kpi_id in dict.fromkeys(bench["kpi"]):
        tiers = bench[bench["kpi"] == kpi_id].drop_duplicates("tier").set_index("tier")
        row = _benchmark_target(kpi_definition(kpi_id), tiers)
        if row is not None:
            row[THRESHOLD_COLUMN] = _benchmark_threshold(kpi_id, tiers)
            if kpi_id in weights.index:
                row.update(weight=weights.at[kpi_id, "weight"], note=weights.at[kpi_id, "note"])
            rows.append({"kpi": kpi_id, **row})
    columns = ["kpi", *TARGET_COLUMNS[1 : -len(SEGMENT_COLUMNS)]]
    return _validate_targets(pd.DataFrame(rows, columns=columns))


def _benchmark_threshold(kpi_id: str, tiers: pd.DataFrame) -> float:
    """The answer threshold of a service-level target taken from the ``target`` tier (80/20:
    20 s), else from the ``average`` tier; NaN for other KPIs, whose rows have none."""
    for tier in ("target", "average"):
        if kpi_id == "service_level" and tier in tiers.index:
            return float(tiers.at[tier, "threshold_s"])
    return math.nan


def _benchmark_target(definition, tiers: pd.DataFrame) -> dict | None:
    def edge(tier, column):
        return tiers.at[tier, column] if tier in tiers.index else math.nan

    if definition.direction == "band":
        low, high = edge("target", "low"), edge("target", "high")
        if not (is_number(low) and is_number(high)):
            low, high = definition.band_low, definition.band_high
        return {"band_low": low, "band_high": high, "tolerance": (high - low) / 2}
    good, fallback = ("low", "high") if definition.direction == "higher" else ("high", "low")
    target = edge("target", good)
    if not is_number(target):
        target = edge("target", fallback)
    if not is_number(target):
        target = edge("average", fallback)
    if not is_number(target):
        return None
    # Amber must span the whole typical range and red start where it ends, so the tolerance
    # reaches from the target to the average range's worse edge (not the range's width: a
    # target above that range would leave part of "typical" red).
    if definition.direction == "higher":
        tolerance = target - edge("average", "low")
    else:
        tolerance = edge("average", "high") - target
    tolerance = tolerance if is_number(tolerance) else 0.05 * abs(target)
    return {"target": target, "tolerance": tolerance}


class _Rows:
    """How the messages of :func:`read_targets` name the rows of a targets table, as the user
    sees them: a CSV file's line numbers (its header line 1), a TOML file's tables, a
    DataFrame's index labels. Called with positions in the table (0, 1, ...).

    >>> lines = _Rows([2, 3, 5, 6, 7, 8, 9], "line")
    >>> lines([0]), lines([0, 2]), lines(range(7))
    ('line 2', 'lines [2, 5]', '7 lines, first [2, 3, 5, 6, 7]')
    >>> _Rows(["fcr", "ahtt"], "table")([1])
    "table 'ahtt'"
    """

    SHOWN = 5

    def __init__(self, labels, noun: str):
        self.labels = list(labels)
        self.noun = noun

    def __call__(self, positions) -> str:
        positions = list(positions)
        shown = "[" + ", ".join(repr(self.labels[p]) for p in positions[: self.SHOWN]) + "]"
        if len(positions) == 1:
            return f"{self.noun} {shown[1:-1]}"
        if len(positions) > self.SHOWN:
            return f"{len(positions)} {self.noun}s, first {shown}"
        return f"{self.noun}s {shown}"


def _read_target_file(path: Path) -> tuple[pd.DataFrame, str]:
    """The table of a targets file, its index what messages call its rows, and their noun:
    line numbers for a CSV file, table names for a TOML file."""
    if path.suffix.lower() == ".csv":
        return _read_target_csv(path)
    with path.open("rb") as handle:
        try:
            document = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"Value of 'targets': {path} is not valid TOML ({error})") from None
    not_tables = [key for key, value in document.items() if not isinstance(value, dict)]
    if not_tables:
        raise ValueError(
            f"Value of 'targets': {path} must hold one table per KPI (such as [fcr] with "
            f"target = 75) but has plain keys {not_tables}"
        )
    conflicts = {
        key: value["kpi"] for key, value in document.items() if value.get("kpi", key) != key
    }
    if conflicts:
        # The table name is the KPI id; a different `kpi` key inside would silently win.
        raise ValueError(
            f"Value of 'targets': {path} has a 'kpi' key that contradicts its table name in "
            f"{len(conflicts)} table(s): "
            + ", ".join(f"[{key}] has kpi = {kpi!r}" for key, kpi in conflicts.items())
            + "; the table name is the KPI id, so remove the key or rename the table"
        )
    rows = [{"kpi": key, **value} for key, value in document.items()]
    return pd.DataFrame(rows, index=list(document)), "table"


def _read_target_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """A targets CSV file as a table: UTF-8 (with or without a byte-order mark), its columns
    separated by commas or, as European Excel writes them, by semicolons with decimal commas
    (``80,5``); rows with every cell empty (as a spreadsheet leaves below a table) hold no
    target and are not rows, and empty cells right of the table (header included) are no
    columns. An empty file or one in another encoding is refused, naming the
    fix. The index holds each row's line number in the file (its header line 1)."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ValueError(
            f"Value of 'targets': {path} is empty; it needs a header line such as "
            "kpi,target,tolerance,weight and a line per KPI"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"Value of 'targets': {path} is not UTF-8 text (byte {raw[error.start]:#04x} at "
            f"position {error.start}); save it as UTF-8 (Excel: CSV UTF-8)"
        ) from None
    header = text.lstrip().splitlines()[0]
    european = ";" in header and "," not in header
    sep = ";" if european else ","
    records = _records(text, sep)
    _refuse_extra_values(path, records, sep)
    # index_col=False: a separator ending every line is not read as an index column; usecols:
    # nor are lines ending in more empty cells than others ("fcr,75," then "aht,300,,") or
    # empty columns with no header name (their values are empty, as _refuse_extra_values
    # checked).
    usecols = range(_named_width(records)) if records else None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            decimal="," if european else ".",
            index_col=False,
            usecols=usecols,
        )
    except pd.errors.ParserError as error:
        raise ValueError(
            f"Value of 'targets': {path} cannot be read as CSV ({error}); a quote opened in a "
            "value and never closed runs on to the end of the file: close it"
        ) from None
    lines = [line for line, _ in records][1:]
    if len(lines) == len(frame):
        frame.index = lines
        noun = "line"
    else:  # a record split otherwise than pandas splits it: count the rows under the header
        frame.index = range(1, len(frame) + 1)
        noun = "data row"
    return frame[frame.notna().any(axis=1)], noun


def _records(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """The records of ``text`` with the line (the first line 1) each starts on, header
    included, leaving out the lines pandas leaves out: blank ones, or holding only spaces and
    tabs. A quoted value may span lines (a note written over two). Empty when Python's csv
    module cannot split the text (pandas may read it all the same; its rows are then counted).

    >>> _records('kpi,target,note\\n\\nfcr,75,"two\\nlines"\\n  \\naht,300,\\n', ",")
    [(1, ['kpi', 'target', 'note']), (3, ['fcr', '75', 'two\\nlines']), (6, ['aht', '300', ''])]
    """
    number = 0

    def numbered(lines):
        nonlocal number
        for line in lines:
            number += 1
            yield line

    records, end = [], 0
    blank = " \t\r\n".replace(sep, "")
    try:
        for record in csv.reader(numbered(io.StringIO(text, newline="")), delimiter=sep):
            if len(record) > 1 or (record and record[0].strip(blank)):
                records.append((end + 1, record))
            end = number
    except csv.Error:
        return []
    return records


def _named_width(records: list[tuple[int, list[str]]]) -> int:
    """The number of columns of ``records`` (from :func:`_records`, header first) up to the
    last one with a header name or a value: a spreadsheet may save empty cells right of its
    table, header included (``kpi,target,``).

    >>> _named_width([(1, ["kpi", "target", " ", ""]), (2, ["fcr", "75", "", ""])])
    2
    >>> _named_width([(1, ["kpi", "target", ""]), (2, ["fcr", "75", "x"])])
    3
    """
    header = records[0][1]
    width = len(header)
    while width and not header[width - 1].strip():
        if any(len(record) >= width and record[width - 1].strip() for _, record in records):
            break
        width -= 1
    return width


def _refuse_extra_values(path: Path, records: list[tuple[int, list[str]]], sep: str) -> None:
    """Refuse the records (from :func:`_records`, split at ``sep``) with a value past the
    header's last column: pandas would read the first column as the rows' labels and shift
    every value one column left (the target read as the KPI id). An empty value there (a
    separator ending the line) is harmless.

    >>> text = "kpi,target\\naht,300,5\\nfcr,75,\\n"
    >>> _refuse_extra_values(Path("t.csv"), _records(text, ","), ",")
    Traceback (most recent call last):
    ...
    ValueError: Value of 'targets': t.csv has more values than its header names columns (2:
    kpi, target) on 1 line(s): line 2 (aht,300,5); name the column in the header, or quote a
    value that holds the separator
    """
    if not records:
        return
    header = records[0][1]
    extra = [
        (line, record)
        for line, record in records[1:]
        if any(value.strip() for value in record[len(header) :])
    ]
    if extra:
        shown = "; ".join(f"line {line} ({sep.join(record)})" for line, record in extra[:5])
        more = "; ..." if len(extra) > 5 else ""
        raise ValueError(
            f"Value of 'targets': {path} has more values than its header names columns "
            f"({len(header)}: {', '.join(header)}) on {len(extra)} line(s): {shown}{more}; name "
            "the column in the header, or quote a value that holds the separator"
        )


def _validate_targets(frame: pd.DataFrame, noun: str = "row") -> pd.DataFrame:
    """The targets table ``frame`` checked and completed; messages name its rows by their
    index labels, called ``noun`` (a file's ``"line"``, a DataFrame's ``"row"``)."""
    frame = frame.rename(columns=_column_names(frame.columns))
    if "kpi" not in frame.columns:
        hints = [_column_hint(name) for name in frame.columns if _spaced(name) == "kpi"]
        raise ValueError(
            f"Value of 'targets' needs a 'kpi' column; columns are {list(frame.columns)}"
            + (f" ({hints[0]})" if hints else "")
        )
    check_unique_columns("targets", frame)
    if frame.empty:
        raise ValueError("Value of 'targets' has no rows: there is nothing to rate against")
    rows = _Rows(frame.index.tolist(), noun)
    unnamed = np.flatnonzero(frame["kpi"].isna().to_numpy())
    if len(unnamed):
        raise ValueError(
            f"Value of 'targets' has no KPI id in {len(unnamed)} row(s) ({rows(unnamed)}): "
            "give each row its KPI, or remove the row"
        )
    _check_columns(frame.columns)
    segments = [column for column in SEGMENT_COLUMNS if column in frame.columns]
    columns = [c for c in TARGET_COLUMNS if c not in _OPTIONAL_COLUMNS or c in frame.columns]
    targets = frame.reindex(columns=columns).reset_index(drop=True)
    _check_spaces(targets, ["kpi", *segments, "role", "area"], rows)
    targets["kpi"] = targets["kpi"].astype(str)
    _check_values(targets, "kpi", KPI_IDS, "a KPI id", rows)
    neutral = np.flatnonzero(
        [kpi_definition(kpi_id).direction == "neutral" for kpi_id in targets["kpi"]]
    )
    if len(neutral):
        counts = sorted(set(targets["kpi"].iloc[neutral]))
        raise ValueError(
            f"Value of 'targets' has a target for {', '.join(map(repr, counts))} in "
            f"{rows(neutral)}, a count that is neither better higher nor lower; compare it "
            "with a forecast instead"
        )
    for column in segments:
        targets[column] = targets[column].astype(object).where(targets[column].notna(), None)
    if "direction" in segments:
        _check_values(targets, "direction", DIRECTIONS, "a direction", rows)
    _check_duplicates(targets, segments, rows)
    _check_overlaps(targets, segments, rows)
    targets["role"] = targets["role"].where(targets["role"].notna(), "primary")
    _check_values(targets, "role", ROLES, "a role", rows)
    targets["note"] = targets["note"].where(targets["note"].notna(), "").astype(str)
    numbers = ("target", "tolerance", "weight", "band_low", "band_high", THRESHOLD_COLUMN)
    for column in (c for c in numbers if c in targets.columns):
        flags = targets[column].map(lambda value: isinstance(value, bool | np.bool_))
        if flags.any():
            raise ValueError(
                f"Value of 'targets' has a True/False {column!r} for "
                f"{_kpis_with(targets, flags, column, rows)}; expected numbers"
            )
        converted = pd.to_numeric(targets[column].map(_past_float_as_inf), errors="coerce")
        converted = converted.astype(float)
        bad = converted.isna() & targets[column].notna()
        if bad.any():
            raise ValueError(
                f"Value of 'targets' has a non-numeric {column!r} for "
                f"{_kpis_with(targets, bad, column, rows)}; write plain numbers, without a "
                "'%' sign, unit or thousands separator (80, not '80%'; 330 s, not '5:30')"
            )
        texts = targets[column].map(lambda value: isinstance(value, str | bytes))
        if texts.any():
            raise ValueError(
                f"Value of 'targets' has a text {column!r} for "
                f"{_kpis_with(targets, texts, column, rows)}; expected numbers (80, not '80')"
            )
        targets[column] = converted
    targets["tolerance"] = targets["tolerance"].fillna(0.0)
    targets["weight"] = targets["weight"].fillna(1.0)
    bad = ~(targets["tolerance"] >= 0) | ~np.isfinite(targets["tolerance"])
    if bad.any():
        raise ValueError(
            "Value of 'targets' must have a finite 'tolerance' >= 0 but "
            + _kpis_with(targets, bad, "tolerance", rows, " have ")
        )
    bad = ~((targets["weight"] >= 0) & (targets["weight"] <= MAX_WEIGHT))
    if bad.any():
        raise ValueError(
            f"Value of 'targets' must have a 'weight' from 0 to {MAX_WEIGHT:g} but "
            + _kpis_with(targets, bad, "weight", rows, " have ")
        )
    if len(targets) and targets["weight"].sum() == 0:
        raise ValueError("Value of 'targets' has weights that are all 0: nothing can be scored")
    _check_scales(targets, rows)
    _check_units(targets, rows)
    if THRESHOLD_COLUMN in targets.columns:
        _check_thresholds(targets, rows)
    texts = targets["area"].map(
        lambda area: isinstance(area, str) or (pd.api.types.is_scalar(area) and pd.isna(area))
    )
    if not texts.all():
        raise ValueError(
            "Value of 'targets' must have a text 'area' (or none, for the catalog's) but "
            + _kpis_with(targets, ~texts, "area", rows, " have: ")
        )
    definitions = [kpi_definition(kpi_id) for kpi_id in targets["kpi"]]
    targets["area"] = [
        area if isinstance(area, str) and area else definition.area
        for area, definition in zip(targets["area"], definitions, strict=True)
    ]
    _check_bands(targets, definitions, rows)
    for index, definition in enumerate(definitions):
        _check_target_row(targets, index, definition, rows)
    return targets


def _check_thresholds(targets: pd.DataFrame, rows: _Rows) -> None:
    """Refuse a ``threshold_s`` on a KPI other than service level (none has an answer
    threshold) and one outside 0 to :data:`kpikit.options.MAX_SL_THRESHOLD_S` seconds."""
    given = targets[THRESHOLD_COLUMN].notna()
    other = given & (targets["kpi"] != "service_level")
    if other.any():
        found = _kpis_with(targets, other, THRESHOLD_COLUMN, rows)
        raise ValueError(
            f"Value of 'targets' has a 'threshold_s' for {found}; only a service_level target "
            "is set at an answer threshold: leave it empty"
        )
    seconds = targets[THRESHOLD_COLUMN]
    bad = given & ~((seconds >= 0) & (seconds <= MAX_SL_THRESHOLD_S))
    if bad.any():
        raise ValueError(
            f"Value of 'targets' must have a 'threshold_s' from 0 to {MAX_SL_THRESHOLD_S:g} s "
            "(a week) but " + _kpis_with(targets, bad, THRESHOLD_COLUMN, rows, " have ")
        )


def _kpis_with(targets: pd.DataFrame, bad: pd.Series, column: str, rows: _Rows, verb=": "):
    """``KPI(s) ['fcr']: ['80%'] (line 2)``: the KPIs of the rows ``bad`` marks, ``verb``,
    their values in ``column`` and the rows, for a message on that column.

    >>> targets = pd.DataFrame({"kpi": ["fcr", "aht"], "weight": [1.0, -2.0]})
    >>> _kpis_with(targets, targets["weight"] < 0, "weight", _Rows([2, 3], "line"), " have ")
    "KPI(s) ['aht'] have [-2.0] (line 3)"
    """
    return (
        f"KPI(s) {targets.loc[bad, 'kpi'].tolist()}{verb}{targets.loc[bad, column].tolist()} "
        f"({rows(np.flatnonzero(bad))})"
    )


def _column_names(columns) -> dict:
    """The columns of a targets table named as kpikit names them where only their case differs
    (``KPI``, ``Target``: a spreadsheet's header); others as they are.

    >>> _column_names(["KPI", "Target", "weight", "Remark"])
    {'KPI': 'kpi', 'Target': 'target'}
    """
    known = {name.lower(): name for name in TARGET_COLUMNS}
    return {
        column: known[column.lower()]
        for column in columns
        if isinstance(column, str) and column.lower() in known and column != known[column.lower()]
    }


def _spaced(name) -> str | None:
    """The targets column ``name`` names once the spaces around it are gone (a header cell
    ``" target"``), in any case; None when it has none or names no targets column."""
    if not isinstance(name, str) or name == name.strip():
        return None
    known = {column.lower(): column for column in TARGET_COLUMNS}
    return known.get(name.strip().lower())


def _column_hint(name) -> str:
    """``name``, a column that is no targets column, quoted with what it may have meant.

    >>> _column_hint(" target"), _column_hint("segment"), _column_hint("tolerence")
    ("' target' has spaces around it (write 'target')", "'segment' (name a segment by its \
column: 'channel' or 'direction')", "'tolerence' (did you mean 'tolerance'?)")
    """
    if _spaced(name):
        return f"{shown(name)} has spaces around it (write {_spaced(name)!r})"
    if isinstance(name, str) and name.strip().lower() in ("segment", "segments"):
        return (
            f"{shown(name)} (name a segment by its column: "
            f"{' or '.join(map(repr, SEGMENT_COLUMNS))})"
        )
    return shown(name) + _did_you_mean(name, TARGET_COLUMNS)


def _did_you_mean(value, choices) -> str:
    """``" (did you mean 'x'?)"`` for the closest of ``choices`` (case-insensitive), else
    ``""``."""
    close = suggestion(value, choices)  # ". Did you mean 'x'?"
    return f" (d{close[3:]})" if close else ""


def _check_columns(columns) -> None:
    """Refuse every column that is no targets column at once, saying what each may mean: a
    header cell with spaces around its name, or ``segment`` for the segment columns
    ``channel`` and ``direction`` (the only ones a target is restricted by, in a scorecard
    and in :func:`kpikit.breaches` alike)."""
    unknown = [name for name in columns if name not in TARGET_COLUMNS]
    if unknown:
        raise ValueError(
            f"Value of 'targets' has {len(unknown)} column(s) that are not a targets column: "
            + ", ".join(_column_hint(name) for name in unknown)
            + f". Expected columns among {list(TARGET_COLUMNS)}; a target applies to every "
            f"group unless its {' or '.join(map(repr, SEGMENT_COLUMNS))} names a segment"
        )


def _check_spaces(targets: pd.DataFrame, columns, rows: _Rows) -> None:
    """Refuse ids and names with spaces around them (``" aht"``, ``"phone "``: a spreadsheet
    cell shows none of them), naming column and rows, rather than take them for other ids
    (or strip them unsaid)."""
    problems = []
    for column in columns:
        values = targets[column]
        spaced = np.flatnonzero(
            values.map(lambda value: isinstance(value, str) and value != value.strip())
        )
        if len(spaced):
            shown_values = values.iloc[spaced[: _Rows.SHOWN]].tolist()
            problems.append(
                f"column {column!r} in {len(spaced)} row(s) ({rows(spaced)}): {shown_values}"
            )
    if problems:
        raise ValueError(
            "Value of 'targets' has text with spaces around it, which matches no id or name "
            f"as written: {'; '.join(problems)}; remove the spaces"
        )


def _check_values(targets: pd.DataFrame, column: str, choices, what: str, rows: _Rows):
    """Refuse the values of ``column`` that are not among ``choices``, all at once: how many
    rows, then each value (the first few) with its rows and the closest choice."""
    choices = list(choices)
    values = targets[column]
    bad = values.notna() & ~values.isin(choices)
    if not bad.any():
        return
    positions = {}
    for position in np.flatnonzero(bad):
        positions.setdefault(values.iloc[position], []).append(position)
    parts = [
        f"{shown(value)} in {rows(where)}{_did_you_mean(value, choices)}"
        for value, where in itertools.islice(positions.items(), _Rows.SHOWN)
    ]
    if len(positions) > _Rows.SHOWN:
        parts.append(f"and {len(positions) - _Rows.SHOWN} more value(s)")
    raise ValueError(
        f"Value of 'targets' has {int(bad.sum())} row(s) whose {column!r} is not {what}: "
        f"{', '.join(parts)}. Expected one of {choices}"
    )


def _check_duplicates(targets: pd.DataFrame, segments: list, rows: _Rows) -> None:
    """Refuse a KPI with two rows for the same segment, naming each KPI and its rows."""
    keys = ["kpi", *segments]
    repeated = targets.duplicated(keys, keep=False)
    if not repeated.any():
        return
    positions = {}
    for position in np.flatnonzero(repeated):
        key = tuple(targets.at[position, column] for column in keys)
        positions.setdefault(key, []).append(position)
    parts = []
    for key, where in positions.items():
        segment = {
            column: value
            for column, value in zip(segments, key[1:], strict=True)
            if value is not None
        }
        parts.append(f"{key[0]!r}{f' for {segment}' if segment else ''} in {rows(where)}")
    kpis = sorted({key[0] for key in positions})
    segment_text = f" and {' / '.join(segments)}" if segments else ""
    raise ValueError(
        f"Value of 'targets' lists KPI(s) {kpis} more than once for the same "
        f"segment{segment_text}: {'; '.join(parts)}; keep one row of each"
    )


def _past_float_as_inf(value):
    """``value``, or ±inf for an int past float range (``10**400``), so that it is refused as
    infinite rather than with a raw OverflowError."""
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    return value


def _check_overlaps(targets: pd.DataFrame, segments: list, rows: _Rows) -> None:
    """Raise naming two rows of a KPI that both cover a segment when neither is more specific
    than the other and no row covers their overlap: which target applies would be a guess."""
    for kpi_id, group in targets.groupby("kpi", sort=False):
        named = {
            index: {c: group.at[index, c] for c in segments if group.at[index, c] is not None}
            for index in group.index
        }
        for first, second in itertools.combinations(named, 2):
            one, other = named[first], named[second]
            if any(one[column] != other[column] for column in one.keys() & other.keys()):
                continue  # different segments
            overlap = {**one, **other}
            if overlap in (one, other) or overlap in named.values():
                continue  # nested, or the overlap has its own row: the most specific applies
            raise ValueError(
                f"Value of 'targets' has overlapping targets for {kpi_id!r}: {rows.noun}s "
                f"{rows.labels[first]!r} ({one}) and {rows.labels[second]!r} ({other}) both "
                f"cover {overlap} and neither is more specific; add a row for {overlap} or "
                "remove one of them"
            )


def _check_scales(targets: pd.DataFrame, rows: _Rows) -> None:
    """Raise naming the row, KPI and value of the first target or band edge outside the KPI's
    scale (``KPI.value_range``), and the rows of any others: a service level of 150 % would be
    missed by more contacts than there are."""
    off = []  # (column, position) of every value off its KPI's scale
    for column in ("target", "band_low", "band_high"):
        for position, (kpi_id, value) in enumerate(
            zip(targets["kpi"], targets[column], strict=True)
        ):
            low, high = kpi_definition(kpi_id).value_range
            if not (math.isnan(value) or (math.isfinite(value) and low <= value <= high)):
                off.append((column, position))
    if off:
        column, position = off[0]
        kpi_id = targets.at[position, "kpi"]
        raise ValueError(
            f"Value of 'targets' must have a {column!r} {scale_text(kpi_id)} for {kpi_id!r} "
            f"({kpi_definition(kpi_id).unit}) but {rows([position])} has: "
            f"{float(targets.at[position, column])!r}" + _others(off, rows, "off their KPI's scale")
        )


def _others(found: list, rows: _Rows, what: str) -> str:
    """`` (and 2 more value(s) ... in lines [4, 5])`` for the ``(column, position)`` pairs of
    ``found`` after the first, which a message has shown; ``""`` when there are none."""
    if len(found) < 2:
        return ""
    positions = sorted({position for _, position in found[1:]})
    return f" (and {len(found) - 1} more value(s) {what}, in {rows(positions)})"


MINUTES_LIKE_AHT_S = 60.0
"""An AHT target below this many seconds is warned of as minutes written for seconds."""


def _check_units(targets: pd.DataFrame, rows: _Rows | None = None) -> None:
    """Refuse a target or band edge above 0 and at most 1 for a percent KPI that is better
    higher or in a band, or for the QA score (:func:`_of_hundred`): a fraction written for a
    percent (0.8 for 80 %) rated every group green (any service level meets 0.8 %) or, for a
    band of 0.75-0.85, red. Warn of a target
    under 1 for a percent KPI better lower (0.05 for an abandonment rate of 5 %: it reads as
    0.05 %, which almost every group misses) and of an AHT target under
    :data:`MINUTES_LIKE_AHT_S` seconds, likely minutes (6 for 6 minutes): both may be meant.

    >>> _check_units(pd.DataFrame({"kpi": ["service_level"], "target": [0.8],
    ...     "band_low": [float("nan")], "band_high": [float("nan")]}))
    Traceback (most recent call last):
    ...
    ValueError: Value of 'targets' has a 'target' of 0.8 for 'service_level' in row 0, which \
reads as 0.8 %: percents are written from 0 to 100 (80 for 80 %, not 0.8); multiply the \
fractions by 100
    """
    rows = rows or _Rows(targets.index.tolist(), "row")
    fractions = []  # (column, position) of every percent or score that reads as a fraction
    for column in ("target", "band_low", "band_high"):
        for position, (kpi_id, value) in enumerate(
            zip(targets["kpi"], targets[column], strict=True)
        ):
            if _of_hundred(kpi_id) and 0 < value <= 1:  # NaN compares False
                fractions.append((column, position))
    if fractions:
        column, position = fractions[0]
        value, kpi_id = targets[column].iloc[position], targets["kpi"].iloc[position]
        if kpi_definition(kpi_id).unit == "percent":
            reads = f"{value:g} %: percents are written from 0 to 100 (80 for 80 %, not 0.8)"
        else:
            reads = f"{value:g} points of 100: scores are written from 0 to 100 (85, not 0.85)"
        raise ValueError(
            f"Value of 'targets' has a {column!r} of {value:g} for {kpi_id!r} in "
            f"{rows([position])}, which reads as {reads}; multiply the fractions by 100"
            + _others(fractions, rows, "that read as fractions")
        )
    for position, (kpi_id, value) in enumerate(zip(targets["kpi"], targets["target"], strict=True)):
        definition = kpi_definition(kpi_id)
        if definition.unit == "percent" and definition.direction == "lower" and 0 < value < 1:
            warnings.warn(
                f"Value of 'targets' has a target of {value:g} for {kpi_id!r} in "
                f"{rows([position])}, which reads as {value:g} %: percents are written from 0 "
                f"to 100, so if {value:g} is a fraction of {value * 100:g} %, write "
                f"{value * 100:g}",
                UserWarning,
                stacklevel=5,
            )
        if kpi_id == "aht" and 0 < value < MINUTES_LIKE_AHT_S:
            warnings.warn(
                f"Value of 'targets' has an AHT target of {value:g} s in {rows([position])}: "
                f"AHT targets are in seconds, so if {value:g} means minutes, write "
                f"{value * 60:g}",
                UserWarning,
                stacklevel=5,
            )


def _of_hundred(kpi_id: str) -> bool:
    """Whether a target of the KPI at most 1 reads as a fraction written for a number of 100:
    a percent better higher or in a band, or a QA score (points 0..100), where 0.85 for 85
    points rated every group green.

    >>> _of_hundred("fcr"), _of_hundred("qa_score"), _of_hundred("abandonment_rate")
    (True, True, False)
    >>> _of_hundred("nps")   # -100..100: a target of 0.5 may be meant
    False
    """
    definition = kpi_definition(kpi_id)
    if definition.direction not in ("higher", "band"):
        return False
    return definition.unit == "percent" or definition.value_range == (0.0, 100.0)


def scale_text(kpi_id: str) -> str:
    """The values a KPI can take (``KPI.value_range``) in words.

    >>> scale_text("fcr"), scale_text("aht")
    ('from 0 to 100', 'finite and >= 0')
    """
    low, high = kpi_definition(kpi_id).value_range
    return f"from {low:g} to {high:g}" if math.isfinite(high) else f"finite and >= {low:g}"


def _check_bands(targets: pd.DataFrame, definitions: list, rows: _Rows) -> None:
    """Refuse, all at once, bands on KPIs without one and rows without a target."""
    banded = targets["band_low"].notna() | targets["band_high"].notna()
    wrong = [
        position
        for position, definition in enumerate(definitions)
        if definition.direction != "band" and banded.iloc[position]
    ]
    if wrong:
        kpis = sorted(set(targets["kpi"].iloc[wrong]))
        raise ValueError(
            f"Value of 'targets' has band_low/band_high for {', '.join(map(repr, kpis))} in "
            f"{rows(wrong)}, better higher or lower; band_low/band_high apply only to band "
            f"KPIs ({[k for k in KPI_IDS if kpi_definition(k).direction == 'band']})"
        )
    missing = [
        position
        for position, definition in enumerate(definitions)
        if definition.direction != "band" and not is_number(targets["target"].iloc[position])
    ]
    if missing:
        kpis = list(dict.fromkeys(targets["kpi"].iloc[missing]))
        named = f"KPI {kpis[0]!r}" if len(kpis) == 1 else f"KPIs {kpis}"
        raise ValueError(
            f"Value of 'targets' has no target for {named} in {rows(missing)}: give each row a "
            "target, or remove it"
        )


def _check_target_row(targets: pd.DataFrame, index: int, definition, rows: _Rows) -> None:
    """The band of a band KPI's row ``index`` checked and set (from ``target ± tolerance``,
    ``band_low``/``band_high`` or the catalog); other KPIs' rows, checked before, stay."""
    if definition.direction != "band":
        return
    row = targets.loc[index]
    has_band = is_number(row["band_low"]) or is_number(row["band_high"])
    if is_number(row["target"]) and not has_band:
        # Sample-targets convention: a band KPI's band is target ± tolerance. The edges are
        # derived here, after _check_scales, so they get the same scale check as given ones.
        low, high = row["target"] - row["tolerance"], row["target"] + row["tolerance"]
        scale_low, scale_high = definition.value_range
        if low < scale_low or high > scale_high:
            raise ValueError(
                f"Value of 'targets' must have a band {scale_text(definition.id)} for "
                f"{definition.id!r} ({definition.unit}) but {rows([index])} has target "
                f"{row['target']:g} ± tolerance {row['tolerance']:g}, a band from {low:g} to "
                f"{high:g}; lower the tolerance or give band_low/band_high"
            )
    else:
        low = row["band_low"] if is_number(row["band_low"]) else definition.band_low
        high = row["band_high"] if is_number(row["band_high"]) else definition.band_high
        if is_number(row["target"]) and low <= high and not low <= row["target"] <= high:
            # The band is what is rated: a target outside it contradicts it, unsaid.
            raise ValueError(
                f"Value of 'targets' has a target of {row['target']:g} for {definition.id!r} "
                f"in {rows([index])} outside its band from {low:g} to {high:g}: a band KPI is "
                "rated against its band, not a target; remove the target or correct the band"
            )
    if low > high:
        raise ValueError(
            f"Value of 'targets': band_low must not exceed band_high for {definition.id!r}; "
            f"received {low:g} > {high:g} in {rows([index])}"
        )
    targets.loc[index, ["target", "band_low", "band_high"]] = [math.nan, float(low), float(high)]
