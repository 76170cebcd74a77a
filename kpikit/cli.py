"""Command line: ``kpikit compute | sample | replay | serve | report``.

``serve`` and ``report`` take their arguments from :mod:`kpikit.serve` and :mod:`kpikit.report`
(``add_arguments(parser)`` and ``run(args)``), which import Voila and papermill only when run;
a module's ``check_arguments(args)``, when it has one, is run first, and its ValueError or
TypeError is reported as a usage error (exit code 2).
``compute`` takes every engine option of :class:`kpikit.Options` under the same name and unit
(``--sl-threshold-s``, ``--fcr-method``, ``--csat-scale``, ...), with the same defaults.
"""

import argparse
import dataclasses
import sys
from importlib import import_module
from pathlib import Path

from kpikit import options
from kpikit._reading_flags import (
    READING_OPTIONS,
    add_reading_arguments,
    read_noting,
    refuse_reading_flags,
)
from kpikit._validators import check_time_of_day
from kpikit.options import DEFAULT_VALUES, Options

OUTPUT_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".xlsx")


def main(argv=None):
    """Entry point of the ``kpikit`` command; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "check", None) is not None:
        try:
            args.check(args)
        except (ValueError, TypeError) as error:
            args.usage_error(str(error))  # exits with code 2
    try:
        return args.run(args) or 0
    except (ValueError, TypeError, OSError) as error:  # SchemaError is a ValueError
        print(f"kpikit {args.command}: error: {error}", file=sys.stderr)
        return 2


def _parser():
    parser = argparse.ArgumentParser(prog="kpikit", description="Contact-center KPIs, exactly.")
    commands = parser.add_subparsers(dest="command", required=True)

    compute = commands.add_parser("compute", help="compute KPIs from a contact log file")
    compute.add_argument(
        "file",
        type=Path,
        nargs="+",
        help="contacts file (.csv, .csv.gz or .parquet), or parquet files, a folder or a glob of "
        "them, read by DuckDB without loading them into memory",
    )
    compute.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help="memory cap of DuckDB for parquet folders and globs, e.g. 4GB "
        "(default: half the machine's memory)",
    )
    compute.add_argument("--kpis", nargs="+", help="KPI ids (default: every computable KPI)")
    compute.add_argument("--by", nargs="+", help="grouping columns, e.g. --by team channel")
    compute.add_argument("--freq", help="period: 15min, 30min, hour, day, week, month, ...")
    compute.add_argument("--mapping", type=Path, help="CSV of source_column,kpikit_column renames")
    add_reading_arguments(compute)
    for spec in dataclasses.fields(Options):
        if spec.name in READING_OPTIONS:  # --tz: read the times in that zone, cut periods in it
            continue
        compute.add_argument(
            "--" + spec.name.replace("_", "-"),
            dest=spec.name,
            metavar=_metavar(spec),
            help=f"{spec.metadata['doc']} (default: {_default_text(spec.name)})",
        )
    compute.add_argument(
        "-o", "--output", type=Path, help="write .csv, .csv.gz, .parquet or .xlsx (default: print)"
    )
    compute.set_defaults(run=_compute)

    sample = commands.add_parser("sample", help="write a synthetic sample data set")
    sample.add_argument("--days", type=int, default=90)
    sample.add_argument("--agents", type=int, default=60)
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--out", type=Path, required=True, help="output folder")
    sample.set_defaults(run=_sample)

    replay = commands.add_parser(
        "replay", help="write a day of contacts into a folder of drops, in accelerated time"
    )
    replay.add_argument("folder", type=Path, help="folder the drops go to (created if missing)")
    replay.add_argument("--data", type=Path, help="contacts file (default: the sample)")
    replay.add_argument("--day", help="YYYY-MM-DD (default: the last day of the log)")
    replay.add_argument("--speed", type=float, default=60.0, help="day seconds per second")
    replay.add_argument("--every", type=float, default=2.0, help="seconds between drops")
    replay.add_argument(
        "--start", type=_time_of_day, help="time of day to start from, hh:mm, e.g. 08:00"
    )
    add_reading_arguments(replay, "--data")
    replay.set_defaults(run=_replay)

    for name, help_text in (
        ("serve", "serve the dashboards with Voila"),
        (
            "report",
            "a dashboard as a standalone HTML report, or a daily/weekly/monthly/"
            "quarterly report (HTML page and Excel workbook)",
        ),
    ):
        sub = commands.add_parser(name, help=help_text)
        module = import_module(f"kpikit.{name}")
        module.add_arguments(sub)
        check = getattr(module, "check_arguments", None)
        sub.set_defaults(run=module.run, check=check, usage_error=sub.error)
    return parser


def _compute(args):
    from kpikit import compute
    from kpikit._frames import to_pandas
    from kpikit.io import kpi_sheet, read_contacts, to_csv, write_workbook
    from kpikit.io._source import suffix_of
    from kpikit.io.exporting import write_parquet

    mapping = _read_mapping(args.mapping) if args.mapping else None
    # The options hold while the file is read too: its csat column is checked on --csat-scale.
    with options.context(**_parsed_options(args)):
        if _out_of_core(args):  # checked by compute, as DuckDB reads the files
            contacts, checked = _scan(args, mapping), False
        else:
            contacts = read_noting(read_contacts, args, args.file[0], mapping=mapping)
            checked = True
        table = compute(contacts, kpis=args.kpis, by=args.by, freq=args.freq, validate=not checked)
        table = to_pandas(table)
    if args.output is None:
        print(table.to_string(index=False))
        return 0
    suffix = suffix_of(args.output.name)
    if suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"--output must end in one of {OUTPUT_SUFFIXES}; received: {args.output}")
    if suffix == ".parquet":
        write_parquet(table, args.output)
    elif suffix == ".xlsx":
        write_workbook([kpi_sheet(table)], args.output)
    else:
        to_csv(table, args.output)
    print(f"wrote {len(table)} rows to {args.output}")
    return 0


def _out_of_core(args) -> bool:
    """Several files, a folder, a glob or a memory cap: parquet read by DuckDB.

    A path that exists is that file, even when its name holds glob characters (``data [1].csv``).
    """
    import glob

    (first, *others) = args.file
    if others or args.memory_limit or first.is_dir():
        return True
    return not first.exists() and glob.has_magic(str(first))


def _scan(args, mapping):
    import narwhals as nw

    from kpikit.metrics import scan_parquet

    refuse_reading_flags(args, "one CSV file, not to parquet files", keep=("tz",))
    relation = scan_parquet(args.file, memory_limit=args.memory_limit, tz=args.tz)
    return nw.from_native(relation).rename(mapping).to_native() if mapping else relation


def _time_of_day(text: str) -> str:
    """``text`` when it is a time of day ``hh:mm`` (00:00 to 23:59); argparse names the flag.

    >>> _time_of_day("8:30"), _time_of_day("23:59")
    ('8:30', '23:59')
    >>> _time_of_day("25:00")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '25:00' is not a time of day hh:mm from 00:00 to 23:59
    """
    try:
        return check_time_of_day("start", text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time of day hh:mm from 00:00 to 23:59"
        ) from None


def _metavar(spec):
    if spec.metadata["choices"]:
        return "{" + ",".join(map(str, spec.metadata["choices"])) + "}"
    return spec.name.upper()


def _default_text(name):
    value = DEFAULT_VALUES[name]
    if isinstance(value, dict) or hasattr(value, "items"):
        return ",".join(f"{key}={seconds:g}" for key, seconds in value.items())
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return "automatic" if value is None else str(value)


def _parsed_options(args) -> dict:
    """The engine options given on the command line, converted from text to their types."""
    given = {}
    for name, kind in _OPTION_PARSERS.items():
        text = getattr(args, name)
        if text is None:
            continue
        try:
            given[name] = kind(text)
        except ValueError:
            flag = "--" + name.replace("_", "-")
            raise ValueError(f"{flag}: cannot read {text!r}; expected {_FORMATS[name]}") from None
    Options(**given)  # every value checked before the file is read
    return given


def _seconds_or_per_channel(text):
    if "=" not in text:
        return float(text)
    pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
    return {channel.strip(): float(seconds) for channel, seconds in pairs}


def _integers(text):
    return tuple(int(part) for part in text.split(","))


def _columns(text):
    return tuple(part.strip() for part in text.split(",") if part.strip())


_OPTION_PARSERS = {
    "sl_threshold_s": _seconds_or_per_channel,
    "sl_denominator": str,
    "sl_abandoned": str,
    "short_abandon_s": float,
    "fcr_window": str,
    "fcr_match": _columns,
    "fcr_method": str,
    "fcr_transfers": str,
    "csat_scale": int,
    "csat_top_box": int,
    "nps_cutoffs": _integers,
    "tz": str,
}
_FORMATS = {
    spec.name: spec.metadata["cli"] or " or ".join(map(str, spec.metadata["choices"]))
    for spec in dataclasses.fields(Options)
}


def _read_mapping(path) -> dict:
    """The renames of a mapping file, every cell as written (a column may be named ``NA``).

    Rows are counted under the header, from 1; a name left empty or a source column given
    twice is refused rather than skipped or resolved by its last row.
    """
    import pandas as pd

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ValueError(
            f"--mapping {path}: the file is empty; write the header "
            "source_column,kpikit_column and one row per column to rename"
        ) from None
    except pd.errors.ParserError as error:
        raise ValueError(f"--mapping {path}: cannot read it as CSV: {error}") from None
    if list(frame.columns) != ["source_column", "kpikit_column"]:
        raise ValueError(
            f"--mapping {path}: a mapping file needs exactly the columns "
            f"source_column,kpikit_column; found {list(frame.columns)}"
        )
    rows = pd.RangeIndex(1, len(frame) + 1)
    empty = rows[((frame["source_column"] == "") | (frame["kpikit_column"] == "")).to_numpy()]
    if len(empty):
        raise ValueError(
            f"--mapping {path}: {len(empty)} row(s) with an empty name (rows {list(empty)} "
            "under the header); give both names on every row, or remove the row"
        )
    repeated = frame["source_column"].duplicated(keep=False).to_numpy()
    if repeated.any():
        names = sorted(set(frame["source_column"][repeated]))
        raise ValueError(
            f"--mapping {path}: source column(s) {names} are mapped more than once (rows "
            f"{list(rows[repeated])} under the header); keep one row for each"
        )
    return dict(zip(frame["source_column"], frame["kpikit_column"], strict=True))


def _sample(args):
    from kpikit.sample import generate, write_sample

    if args.days < 1 or args.agents < 1:
        raise ValueError("--days and --agents must be at least 1")
    dataset = generate(days=args.days, agents=args.agents, seed=args.seed)
    write_sample(dataset, args.out)
    print(f"wrote {len(dataset.contacts)} contacts to {args.out}")
    return 0


def _replay(args):
    from kpikit.monitor import replay

    if args.data is None:
        from kpikit.sample import load_sample

        refuse_reading_flags(args, "the file given with --data, not to the sample")
        data = load_sample()
    else:
        from kpikit.io import read_contacts

        data = read_noting(read_contacts, args, args.data)
    drops = replay(
        data,
        args.folder,
        day=args.day,
        speed=args.speed,
        drop_every_s=args.every,
        start=args.start,
    )
    print(f"wrote {drops} drops to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
