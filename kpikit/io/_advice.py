"""How a reading error tells its reader which option fixes it.

The same problem is fixed with a keyword in Python (``datetime_format='%d/%m/%Y'``), a flag on
the command line (``--datetime-format '%d/%m/%Y'``) or a field of the dashboards' upload step
("Date format: %d/%m/%Y"). Readers build their advice with :func:`fix`; the command line and the
upload step choose the wording with :func:`advice_for`.

Examples
--------
>>> fix(true_values=["Y"], false_values=["N"])
"pass true_values=['Y'] and false_values=['N']"
>>> with advice_for("cli"):
...     fix(datetime_format="%d/%m/%Y %H:%M")
"pass --datetime-format '%d/%m/%Y %H:%M'"
"""

import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

AUDIENCES = ("python", "cli", "upload")

_AUDIENCE: ContextVar[str] = ContextVar("kpikit_reading_audience", default="python")

UPLOAD_LABELS = {
    "mapping": "the column choices",
    "datetime_format": "Date format",
    "true_values": "True words",
    "false_values": "False words",
}
"""Names of the upload step's fields, for advice shown in a dashboard."""

UPLOAD_REMEDIES = {
    "encoding": "save the file again as CSV UTF-8",
    "sep": "save the file again as CSV with commas between columns",
    "decimal": "save the file again with one kind of decimal mark",
    "na_values": "leave missing values empty",
    "tz": "export the times with their UTC offset",
}
"""What a dashboard user can do where the upload step has no field for the option."""


@contextmanager
def advice_for(audience: str) -> Iterator[None]:
    """Word the advice of reading errors raised inside the block for ``audience``.

    Parameters
    ----------
    audience : {"python", "cli", "upload"}
    """
    if audience not in AUDIENCES:
        raise ValueError(f"Value of 'audience' must be one of {AUDIENCES}; received: {audience!r}")
    token = _AUDIENCE.set(audience)
    try:
        yield
    finally:
        _AUDIENCE.reset(token)


def fix(**options) -> str:
    """The words telling the reader to set these options, for the current audience."""
    audience = _AUDIENCE.get()
    if audience == "upload" and not set(options) <= set(UPLOAD_LABELS):
        return UPLOAD_REMEDIES[next(name for name in options if name not in UPLOAD_LABELS)]
    parts = [_option(name, value, audience) for name, value in options.items() if value != []]
    verb = "set" if audience == "upload" else "pass"
    return f"{verb} {' and '.join(parts)}"


def table_fix(table: str, name: str, value, given: dict | None = None) -> str:
    """The words telling the reader to set option ``name`` for one ``table`` of a folder.

    In Python the option then takes a mapping of table name to value, ``given`` holding the
    values already set for the other tables; the command line and the upload step have one
    value for every table.

    >>> table_fix("costs", "datetime_format", "%d/%m/%Y", {"contacts": "ISO8601"})
    "pass datetime_format={'contacts': 'ISO8601', 'costs': '%d/%m/%Y'}"
    """
    if _AUDIENCE.get() != "python":
        return fix(**{name: value})
    return fix(**{name: {**(given or {}), table: value}})


def encoding_fix(example: str) -> str:
    """Advice to read a file in another encoding (``example`` is one to try)."""
    text = fix(encoding=example)
    return text if _AUDIENCE.get() == "upload" else f"{text} or the file's own encoding"


def in_dashboard() -> bool:
    """Whether the advice is for the dashboards' upload step (which has no field for ``tz``)."""
    return _AUDIENCE.get() == "upload"


def on_command_line() -> bool:
    """Whether the advice is for the command line (which has no flag for ``max_bytes``)."""
    return _AUDIENCE.get() == "cli"


def option_name(name: str) -> str:
    """How the current audience names an option: ``tz``, ``--tz`` or the upload field."""
    audience = _AUDIENCE.get()
    if audience == "cli":
        return "--" + name.replace("_", "-")
    if audience == "upload" and name in UPLOAD_LABELS:
        return UPLOAD_LABELS[name]
    return name


def _option(name: str, value, audience: str) -> str:
    if audience == "cli":
        flag = "--" + name.replace("_", "-")
        if name == "mapping":
            rows = " ".join(f"{source},{target}" for source, target in value.items())
            return f"{flag} FILE (a CSV: source_column,kpikit_column then the rows {rows})"
        if isinstance(value, list | tuple):
            return f"{flag} {' '.join(shlex.quote(str(item)) for item in value)}"
        return f"{flag} {shlex.quote(str(value))}"
    if audience == "upload" and name in UPLOAD_LABELS:
        if name == "mapping":
            shown = ", ".join(f"{target}: {source}" for source, target in value.items())
            return f"{UPLOAD_LABELS[name]} ({shown})"
        if isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        return f"{UPLOAD_LABELS[name]} to {value}"
    if isinstance(value, tuple):
        value = list(value)
    return f"{name}={value!r}"


class ReadWarning(UserWarning):
    """An assumption a reader made that the user should know of (a guessed encoding, times
    moved to one zone). Shown by Python's warnings, by ``kpikit compute`` as a note and by the
    dashboards under the upload."""
