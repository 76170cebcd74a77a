"""Command line: ``kpikit compute | sample | replay | serve | report``.

``serve`` and ``report`` take their arguments from :mod:`kpikit.serve` and :mod:`kpikit.report`
(``add_arguments(parser)`` and ``run(args)``), which import Voila and papermill only when run;
a module's ``check_arguments(args)``, when it has one, is run first, and its ValueError or
TypeError is reported as a usage error (exit code 2).
An error goes to standard error as one line ``kpikit COMMAND: error: ...`` with exit code 2;
a file that does not pass the data checks (:class:`kpikit.SchemaError`) gets that line and then its
list of problems, one per line. The messages name the command-line flags (``--output``, not the
Python parameter ``path``), and so do kpikit's warnings of ``compute``, one line each
``kpikit compute: warning: ...``. Ctrl-C is one line and exit code 130 (``replay`` stops between
drops and says how many it wrote). When the reader of standard output goes away
(``kpikit compute ... | head -1``), the command stops without a word, with exit code 141
(128 + SIGPIPE), as a shell reports a Unix tool ended by that signal.
``compute`` takes every engine option of :class:`kpikit.Options` under the same name and unit
(``--sl-threshold-s``, ``--fcr-method``, ``--csat-scale``, ...), with the same defaults.
"""

import argparse
import contextlib
import dataclasses
import os
import re
import sys
import time
import warnings
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
INTERRUPTED = 130
"""Exit code after Ctrl-C: 128 + SIGINT, as shells report it."""
BROKEN_PIPE = 141
"""Exit code when standard output's reader has gone (``| head``): 128 + SIGPIPE, as shells
report a command ended by that signal."""


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
        code = args.run(args) or 0
        sys.stdout.flush()  # a reader gone shows here, not at the interpreter's exit
        return code
    except BrokenPipeError:
        # Python's recipe (docs of the signal module): further writes to the closed pipe, such
        # as the flush at exit, go to os.devnull, so that nothing is printed about it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE
    # SchemaError is a ValueError; an ImportError names the optional dependency to install
    except (ValueError, TypeError, OSError, ImportError) as error:
        print(f"kpikit {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kpikit {args.command}: stopped by Ctrl-C", file=sys.stderr)
        return INTERRUPTED


_NEGATIVE = re.compile(r"-\d+|-\d*\.\d+")
"""A negative number, which argparse reads as a value rather than a flag."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser (its sub-commands' too), whose error for a missing file names the list
    flag that took it: ``kpikit compute --kpis asa data.csv`` reads ``data.csv`` as a KPI id,
    and argparse said only "the following arguments are required: file"."""

    def parse_known_args(self, args=None, namespace=None):
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message):
        taken = _file_taken_by_a_list(self, getattr(self, "_given", []))
        if message.startswith("the following arguments are required") and taken:
            value, flag = taken
            message += (
                f" ({value!r} was read as a value of {flag}: give it before {flag}, or end "
                f"the values of {flag} with --)"
            )
        super().error(message)


def _file_taken_by_a_list(parser, given: list) -> tuple | None:
    """The last value given to a list flag of ``parser`` (``--kpis``, ``--by``, ...) when it
    names a file or folder there, or a file to read; with that flag. None otherwise.

    >>> parser = _Parser()
    >>> _ = parser.add_argument("--kpis", nargs="+")
    >>> _file_taken_by_a_list(parser, ["--kpis", "asa", "log.csv"])
    ('log.csv', '--kpis')
    >>> _file_taken_by_a_list(parser, ["--kpis", "asa", "aht"]) is None
    True
    """
    from kpikit.io._source import READ_SUFFIXES, suffix_of

    lists = {
        option
        for action in parser._actions
        if action.nargs in ("+", "*")
        for option in action.option_strings
    }
    flag, taken = None, None
    for token in given:
        # a flag, or "--"; a negative number is a value, as argparse reads it
        if token.startswith("-") and len(token) > 1 and not _NEGATIVE.fullmatch(token):
            flag = token if token in lists else None
        elif flag is not None:
            taken = (token, flag)
    if taken and (os.path.lexists(taken[0]) or suffix_of(taken[0]) in READ_SUFFIXES):
        return taken
    return None


def _parser():
    parser = _Parser(prog="kpikit", description="Contact-center KPIs, exactly.")
    commands = parser.add_subparsers(dest="command", required=True)

    compute = commands.add_parser("compute", help="compute KPIs from a contact log file")
    compute.add_argument(
        "file",
        type=_path,
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
    compute.add_argument("--mapping", type=_path, help="CSV of source_column,kpikit_column renames")
    add_reading_arguments(compute)
    # the options' docs name one another as Python does (fcr_transfers="ignore")
    flags = {spec.name: "--" + spec.name.replace("_", "-") for spec in dataclasses.fields(Options)}
    for spec in dataclasses.fields(Options):
        if spec.name in READING_OPTIONS:  # --tz: read the times in that zone, cut periods in it
            continue
        compute.add_argument(
            flags[spec.name],
            dest=spec.name,
            metavar=_metavar(spec),
            help=f"{_named(spec.metadata['doc'], flags)} (default: {_default_text(spec.name)})",
        )
    compute.add_argument(
        "-o", "--output", type=_path, help="write .csv, .csv.gz, .parquet or .xlsx (default: print)"
    )
    compute.set_defaults(run=_compute)

    sample = commands.add_parser("sample", help="write a synthetic sample data set")
    sample.add_argument("--days", type=int, default=90, help="days of contacts (default: 90)")
    sample.add_argument("--agents", type=int, default=60, help="agents (default: 60)")
    sample.add_argument(
        "--seed", type=int, default=7, help="random seed (default: 7, the bundled sample's)"
    )
    sample.add_argument("--out", type=_path, required=True, help="output folder")
    sample.set_defaults(run=_sample)

    replay = commands.add_parser(
        "replay", help="write a day of contacts into a folder of drops, in accelerated time"
    )
    replay.add_argument("folder", type=_path, help="folder the drops go to (created if missing)")
    replay.add_argument("--data", type=_path, help="contacts file (default: the sample)")
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
    from kpikit.io import kpi_sheet, read_contacts, safe_export_path, to_csv, write_workbook
    from kpikit.io._source import suffix_of
    from kpikit.io.exporting import write_parquet

    if args.output is not None:  # checked before the log is read, not after the KPIs
        if suffix_of(args.output.name) not in OUTPUT_SUFFIXES:
            raise ValueError(
                f"--output must end in one of {OUTPUT_SUFFIXES}; received: {args.output}"
            )
        with _flags_named(path="--output"):
            safe_export_path(args.output, OUTPUT_SUFFIXES)
        _refuse_overwriting_an_input(args)
    mapping = _read_mapping(args.mapping) if args.mapping else None
    # The options hold while the file is read too: its csat column is checked on --csat-scale.
    # Errors of the options and of --kpis, --by, --freq name those flags, not the parameters.
    with (
        _warnings_named(args.command, **_COMPUTE_FLAGS),
        _flags_named(**_COMPUTE_FLAGS),
        options.context(**_parsed_options(args)),
    ):
        if _out_of_core(args):  # checked by compute, as DuckDB reads the files
            table = _compute_out_of_core(args, mapping)
        else:
            with _flags_named(path="file", mapping="--mapping"):
                contacts = read_noting(read_contacts, args, args.file[0], mapping=mapping)
            table = compute(contacts, kpis=args.kpis, by=args.by, freq=args.freq, validate=False)
            table = to_pandas(table)
    if args.output is None:
        # no row (a log without contacts, by period): the column names, not pandas' "Empty
        # DataFrame", "Columns: [...]" and "Index: []"
        print(table.to_string(index=False) if len(table) else " ".join(table.columns))
        return 0
    suffix = suffix_of(args.output.name)
    with _flags_named(path="--output"), _written("--output", args.output, file=True):
        if suffix == ".parquet":
            write_parquet(table, args.output)
        elif suffix == ".xlsx":
            write_workbook([kpi_sheet(table)], args.output)
        else:
            to_csv(table, args.output)
    print(f"wrote {len(table)} rows to {args.output}")
    return 0


def _refuse_overwriting_an_input(args) -> None:
    """``--output`` must not be a file being read: the KPIs would replace the contact log.

    The files read are those named, and those a folder or a glob (quoted, so not expanded by
    the shell) gives DuckDB; they are compared as files (``samefile``: through symbolic links,
    ``./`` and hard links). A folder or glob that gives no parquet file is left to the reading,
    which says so before anything is written.
    """
    if not args.output.exists():
        return
    from kpikit.metrics._sources import parquet_files

    inputs = [*([args.mapping] if args.mapping else [])]
    for path in args.file:
        if path.is_file():
            inputs.append(path)
            continue
        try:
            inputs += map(Path, parquet_files(path))
        except (OSError, ValueError):
            continue
    if any(path.is_file() and path.samefile(args.output) for path in inputs):
        raise ValueError(
            f"--output {args.output} is a file the command reads; write the KPIs to another file"
        )


def _out_of_core(args) -> bool:
    """Several files, a folder, a glob or a memory cap: parquet read by DuckDB.

    A path that exists is that file, even when its name holds glob characters (``data [1].csv``).
    A memory cap with one CSV file is refused: that file is read in memory, not by DuckDB.
    """
    import glob

    from kpikit.io._source import suffix_of

    (first, *others) = args.file
    if args.memory_limit and not others and first.is_file() and suffix_of(first.name) != ".parquet":
        raise ValueError(
            f"--memory-limit caps DuckDB, which reads parquet files; {first} is read in memory, "
            "without a cap: leave the flag out"
        )
    if others or args.memory_limit or first.is_dir():
        return True
    return not first.exists() and glob.has_magic(str(first))


def _compute_out_of_core(args, mapping):
    """The KPIs of parquet files read by DuckDB; running out of its memory names the flag."""
    import narwhals as nw

    from kpikit import compute
    from kpikit._frames import to_pandas
    from kpikit.io._advice import advice_for
    from kpikit.io._local_times import placed_in_zone
    from kpikit.io._names import check_mapping
    from kpikit.metrics import scan_parquet
    from kpikit.metrics._repeated_files import repeats_placed
    from kpikit.metrics._sources import damaged_files_named

    # a single parquet file is read with them, unless --memory-limit sends it to DuckDB
    refuse_reading_flags(
        args,
        "one CSV file or parquet file read into memory, not to parquet files read by DuckDB "
        "(several files, a folder, a glob, or a file with --memory-limit)",
        keep=("tz",),
    )
    # advice as to a command-line user: "leave --tz unset", not "leave tz unset"
    with (
        _flags_named(path="file", memory_limit="--memory-limit", mapping="--mapping"),
        advice_for("cli"),
    ):
        relation = scan_parquet(args.file, memory_limit=args.memory_limit, tz=args.tz)
        import duckdb  # there when scan_parquet is: it says how to install it

        # checked as for one file: a typo was silently left out, two sources made one name twice
        check_mapping(mapping, relation.columns, "contacts", "the parquet files")
        contacts = relation
        if mapping:
            contacts = nw.from_native(relation).rename(mapping).to_native()
            if args.tz:  # a time column named by the mapping is local time of --tz too
                contacts = placed_in_zone(contacts, args.tz)
    try:
        with damaged_files_named(args.file), repeats_placed(args.file, mapping):
            return to_pandas(compute(contacts, kpis=args.kpis, by=args.by, freq=args.freq))
    except duckdb.OutOfMemoryException:
        cap = args.memory_limit or "(default: half the machine's memory)"
        raise ValueError(
            f"--memory-limit {cap} is too small: DuckDB ran out of memory computing the KPIs; "
            "give a larger one such as --memory-limit 4GB, or fewer files, KPIs or groups"
        ) from None


@contextlib.contextmanager
def _flags_named(**flags):
    """Errors raised inside name the command-line flags, not the Python parameters they set.

    ``flags`` maps a parameter to its flag; the parameter is replaced where a message quotes
    it (``Value of 'path'``, ``'path'``) and, for a name with ``_`` (no English word), where it
    stands alone (``memory_limit must be a size``). A ValueError, TypeError or
    FileNotFoundError is raised again of its kind; other errors pass unchanged.

    >>> with _flags_named(drop_every_s="--every"):
    ...     raise ValueError("Value of 'drop_every_s' must be > 0 but received: -1.0")
    Traceback (most recent call last):
    ...
    ValueError: --every must be > 0 but received: -1.0
    """
    try:
        yield
    except (ValueError, TypeError, FileNotFoundError) as error:
        text = str(error)
        named = _named(text, flags)
        if named == text:
            raise
        kinds = (TypeError, FileNotFoundError)  # as cli.main reports them
        kind = next((kind for kind in kinds if isinstance(error, kind)), ValueError)
        raise kind(named) from None


@contextlib.contextmanager
def _written(flag: str, path: Path, *, file: bool = False):
    """The system's refusal to make or write the folder ``path`` (the file, with ``file``)
    names ``flag`` and what failed; it printed ``[Errno 2] No such file or directory:
    '/proc/x'`` alone. Errors kpikit worded itself (no error number) pass unchanged.

    >>> with _written("--out", Path("/proc/nope")):  # doctest: +ELLIPSIS
    ...     raise FileNotFoundError(2, "No such file or directory", "/proc/nope")
    Traceback (most recent call last):
    ...
    OSError: --out: the folder cannot be made (No such file or directory): '/proc/nope'; ...
    >>> with _written("--output", Path("/proc/x.csv"), file=True):  # doctest: +ELLIPSIS
    ...     raise FileNotFoundError(2, "No such file or directory", "/proc/x.csv")
    Traceback (most recent call last):
    ...
    OSError: --output: the file cannot be written (No such file or directory): '/proc/x.csv'; ...
    """
    try:
        yield
    except OSError as error:
        if error.errno is None:
            raise
        if file:
            failed, advice = "file cannot be written", "a file in a folder you can write to"
        else:
            failed = "folder cannot be " + ("written in" if path.is_dir() else "made")
            advice = "a folder you can write to"
        raise OSError(f"{flag}: the {failed} ({error.strerror}): '{path}'; give {advice}") from None


def _named(text: str, flags: dict) -> str:
    """``text`` with each parameter of ``flags`` replaced by its flag (:func:`_flags_named`).

    >>> _named("csat_scale=10, yet no CSAT answer is above 5", {"csat_scale": "--csat-scale"})
    '--csat-scale=10, yet no CSAT answer is above 5'
    """
    for parameter, flag in flags.items():
        quoted = rf"(?:Value of )?'{re.escape(parameter)}'"
        pattern = rf"{quoted}|\b{re.escape(parameter)}\b" if "_" in parameter else quoted
        text = re.sub(pattern, flag, text)
    return text


@contextlib.contextmanager
def _warnings_named(command: str, **flags):
    """kpikit's warnings raised inside (a ``--sl-threshold-s`` that leaves a channel out, a
    ``--csat-scale`` no answer reaches) print as one line each on standard error,
    ``kpikit COMMAND: warning: ...``, naming the flags of ``flags`` as :func:`_flags_named`
    does; they printed as Python shows a warning, the Python parameter's name (``csat_scale=5``)
    followed by the line ``sys.exit(main())`` of the ``kpikit`` script. Other warnings are
    shown as usual.
    """
    with warnings.catch_warnings(record=True) as caught:
        try:
            yield
        finally:
            for warning in caught:
                if warning.category.__module__.partition(".")[0] == "kpikit":
                    text = _named(str(warning.message), flags)
                    print(f"kpikit {command}: warning: {text}", file=sys.stderr)
                else:
                    warnings.showwarning(
                        warning.message, warning.category, warning.filename, warning.lineno
                    )


def _path(text: str) -> Path:
    """``text`` as a path; an empty or blank one is refused, as ``Path("")`` is the current
    folder and ``" "`` (a stray quoted space) a file or folder no one meant.

    >>> _path("data.csv")
    PosixPath('data.csv')
    >>> _path("")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: an empty path; give a file or folder name
    >>> _path(" ")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: a blank path (' '); give a file or folder name
    """
    if not text:
        raise argparse.ArgumentTypeError("an empty path; give a file or folder name")
    if not text.strip():
        raise argparse.ArgumentTypeError(f"a blank path ({text!r}); give a file or folder name")
    return Path(text)


def _check_output_folder(folder: Path, flag: str) -> None:
    """Refuse ``folder``, which a command creates when missing, when it cannot be one: a file,
    or a symbolic link leading round in a loop or to nothing (``mkdir`` said only "File
    exists", naming neither the flag nor the cause).

    >>> _check_output_folder(Path(__file__), "--out")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --out is a file, expected a folder; received: '...cli.py'. Give a folder's name.
    """
    from kpikit.io._source import link_problem

    if folder.is_dir() or not os.path.lexists(folder):
        return
    problem = None if folder.exists() else link_problem(folder, "path", folder)
    with _flags_named(path=flag):
        raise ValueError(
            problem
            or f"Value of 'path' is a file, expected a folder; received: '{folder}'. Give a "
            "folder's name."
        )


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
        flag = "--" + name.replace("_", "-")
        try:
            given[name] = kind(text)
        except _RefusedText as error:
            raise ValueError(f"{flag}: {error}; received: {text!r}") from None
        except ValueError:
            raise ValueError(f"{flag}: cannot read {text!r}; expected {_FORMATS[name]}") from None
    Options(**given)  # every value checked before the file is read
    return given


class _RefusedText(ValueError):
    """Text that reads, but as something refused; the message says what."""


def _seconds_or_per_channel(text):
    """Seconds, or ``channel=seconds`` pairs; a channel named twice or not at all is refused.

    >>> _seconds_or_per_channel("20"), _seconds_or_per_channel("phone=20, chat=30")
    (20.0, {'phone': 20.0, 'chat': 30.0})
    >>> _seconds_or_per_channel("phone=20,phone=30")
    Traceback (most recent call last):
    ...
    kpikit.cli._RefusedText: channel(s) ['phone'] given more than once
    """
    if "=" not in text:
        return float(text)
    pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
    channels = [channel.strip() for channel, _ in pairs]
    if "" in channels:
        raise _RefusedText("a channel name is empty")
    repeated = sorted({channel for channel in channels if channels.count(channel) > 1})
    if repeated:
        raise _RefusedText(f"channel(s) {repeated} given more than once")
    return {channel: float(seconds) for channel, (_, seconds) in zip(channels, pairs, strict=True)}


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
_COMPUTE_FLAGS = {
    **{spec.name: "--" + spec.name.replace("_", "-") for spec in dataclasses.fields(Options)},
    "kpis": "--kpis",
    "by": "--by",
    "freq": "--freq",
}
"""Parameters of :func:`kpikit.compute` and its options, to the flags of ``kpikit compute``."""
_FORMATS = {
    spec.name: spec.metadata["cli"] or " or ".join(map(str, spec.metadata["choices"]))
    for spec in dataclasses.fields(Options)
}


def _read_mapping(path) -> dict:
    """The renames of a mapping file, every cell as written (a column may be named ``NA``).

    Rows are counted under the header, from 1; a name left empty or a source column given
    twice is refused rather than skipped or resolved by its last row. The file is UTF-8 text.
    """
    import io

    import pandas as pd

    try:  # decoded whole (a mapping is a few lines), so an error gives the byte in the file
        text = Path(path).read_bytes().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"--mapping {path}: not UTF-8 text (byte {error.start} is "
            f"{error.object[error.start]:#x}); save it as UTF-8"
        ) from None
    except OSError as error:  # missing, a folder, not readable
        raise ValueError(
            f"--mapping {path}: {error.strerror}; give a CSV file of the columns "
            "source_column,kpikit_column"
        ) from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
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
    from kpikit._synthetic.params import TEAMS  # one agent per team at least
    from kpikit.sample import generate, write_sample

    _check_output_folder(args.out, "--out")
    for flag, value, least in (("--days", args.days, 1), ("--agents", args.agents, len(TEAMS))):
        if value < least:
            raise ValueError(f"{flag} must be at least {least}; received: {value}")
    with _flags_named(days="--days", agents="--agents", seed="--seed"):
        dataset = generate(days=args.days, agents=args.agents, seed=args.seed)
    with _flags_named(out_dir="--out"), _written("--out", args.out):
        write_sample(dataset, args.out)
    print(f"wrote {len(dataset.contacts)} contacts to {args.out}")
    return 0


def _replay(args):
    from kpikit.monitor import replay

    _check_output_folder(args.folder, "folder")  # before the log is read
    if args.data is None:
        from kpikit.sample import load_sample

        refuse_reading_flags(args, "the file given with --data, not to the sample")
        data = load_sample()
    else:
        from kpikit.io import read_contacts

        with _flags_named(path="--data"):
            data = read_noting(read_contacts, args, args.data)
    interrupted = []

    def sleep_until_ctrl_c(seconds):
        """Ctrl-C while waiting ends the replay between drops (True stops it), no file half
        written."""
        try:
            time.sleep(seconds)
        except KeyboardInterrupt:
            interrupted.append(True)
        return bool(interrupted)

    with (
        _flags_named(drop_every_s="--every", speed="--speed", day="--day"),
        _written("folder", args.folder),
    ):
        drops = replay(
            data,
            args.folder,
            day=args.day,
            speed=args.speed,
            drop_every_s=args.every,
            start=args.start,
            sleep=sleep_until_ctrl_c,
        )
    print(f"wrote {drops} drops to {args.folder}")
    if interrupted:
        print("kpikit replay: stopped by Ctrl-C", file=sys.stderr)
        return INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main())
