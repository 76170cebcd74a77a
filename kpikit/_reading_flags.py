"""The reading flags of the command line (``--sep``, ``--true-values``, ``--tz``, ...).

``kpikit compute``, ``kpikit replay`` and ``kpikit report`` read contact logs with the options
of :func:`kpikit.io.read_contacts`, offered as flags of the same names. A reading error then
names the flag that fixes it, and what the reader assumed (a guessed encoding, a day-first
date) is printed as a note on standard error.
"""

import argparse
import sys
import warnings

READING_OPTIONS = (
    "datetime_format",
    "true_values",
    "false_values",
    "encoding",
    "sep",
    "decimal",
    "na_values",
    "tz",
)
"""Options of :func:`kpikit.io.read_contacts` offered as flags of the same names."""


def add_reading_arguments(parser: argparse.ArgumentParser, file: str = "the file") -> None:
    """Add the reading flags to ``parser``, in a group titled after ``file``."""
    reading = parser.add_argument_group(
        f"reading {file}", "detected from the file unless given; errors name the flag to set"
    )
    reading.add_argument("--datetime-format", help="date format, e.g. '%%d/%%m/%%Y %%H:%%M'")
    reading.add_argument("--true-values", nargs="+", metavar="WORD", help="words meaning True")
    reading.add_argument("--false-values", nargs="+", metavar="WORD", help="words meaning False")
    reading.add_argument("--encoding", help="text encoding, e.g. utf-8, cp1252, latin-1")
    reading.add_argument("--sep", type=separator, help="column separator: , ; or tab")
    reading.add_argument("--decimal", choices=[".", ","], help="decimal mark of numbers")
    reading.add_argument("--na-values", nargs="+", metavar="TEXT", help="cells meaning missing")
    reading.add_argument(
        "--tz", help="time zone of the times, e.g. Europe/Paris; periods are cut in it too"
    )


def separator(text: str) -> str:
    r"""The column separator a ``--sep`` value names; ``tab`` and ``\t`` name a tab.

    >>> separator("tab"), separator(";")
    ('\t', ';')
    """
    return "\t" if text in {"tab", "\\t", "\t"} else text


def given_options(args: argparse.Namespace) -> dict:
    """The reading options set by flags, by option name.

    >>> given_options(argparse.Namespace(sep=";", tz=None, encoding=None, decimal=",",
    ...     datetime_format=None, true_values=None, false_values=None, na_values=None))
    {'sep': ';', 'decimal': ','}
    """
    values = {name: getattr(args, name) for name in READING_OPTIONS}
    return {name: value for name, value in values.items() if value is not None}


def refuse_reading_flags(args: argparse.Namespace, applies_to: str, keep=()) -> None:
    """Refuse reading flags (but ``keep``) where no file is read with them.

    >>> refuse_reading_flags(argparse.Namespace(sep=";", tz=None, encoding=None, decimal=None,
    ...     datetime_format=None, true_values=None, false_values=None, na_values=None),
    ...     "the file given with --data, not to the sample")
    Traceback (most recent call last):
    ...
    ValueError: --sep: reading flags apply to the file given with --data, not to the sample
    """
    flags = ", ".join(
        "--" + name.replace("_", "-") for name in given_options(args) if name not in keep
    )
    if flags:
        raise ValueError(f"{flags}: reading flags apply to {applies_to}")


def read_noting(reader, args: argparse.Namespace, path, **options):
    """``reader(path)`` with the reading flags; errors name flags, assumptions print as notes.

    ``reader`` is :func:`kpikit.io.read_contacts` or :func:`kpikit.io.read_dataset`; notes go
    to standard error as ``kpikit COMMAND: note: ...``, before an error too (a guessed encoding
    may explain it).
    """
    from kpikit.io import ReadWarning
    from kpikit.io._advice import advice_for

    options.update({name: getattr(args, name) for name in READING_OPTIONS})
    caught = []
    try:
        with advice_for("cli"), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ReadWarning)
            return reader(path, **options)
    finally:
        for warning in caught:
            if issubclass(warning.category, ReadWarning):
                print(f"kpikit {args.command}: note: {warning.message}", file=sys.stderr)
            else:
                warnings.showwarning(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
