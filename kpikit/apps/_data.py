"""The data a dashboard notebook starts on: the sample, or the file ``kpikit report --data`` names.

Every dashboard notebook reads its data with :func:`dashboard_data`, so one command line option
can put any of them on a contact log of your own. The file is named by the environment variable
:data:`kpikit.apps.DATA_ENV_VARIABLE`, and the options it is read with by
:data:`READING_ENV_VARIABLE`; ``kpikit report`` sets both for the kernel it starts. Links cannot
set them (they are not link parameters).
"""

import json
import os
from pathlib import Path

from kpikit._reading_flags import READING_OPTIONS
from kpikit.apps import DATA_ENV_VARIABLE

__all__ = ["check_data_path", "dashboard_data", "reading_options"]

READING_ENV_VARIABLE = "KPIKIT_READING"
"""Options of :func:`kpikit.io.read_contacts` for the file of :data:`DATA_ENV_VARIABLE`, as a
JSON object (``{"sep": ";", "decimal": ","}``): ``kpikit report``'s reading flags set it."""


def check_data_path(path) -> Path:
    """A contact log path checked before it is read: an existing file or folder.

    Files are read by :func:`kpikit.io.read_contacts` (``.csv``, ``.csv.gz``, ``.parquet``),
    folders by :func:`kpikit.io.read_dataset` (``contacts.csv`` beside ``agent_intervals`` and
    ``costs``), which check the suffixes and sizes.

    Raises
    ------
    ValueError
        When nothing exists at ``path`` (a symbolic link leading round in a loop or to nothing
        is named as the cause).

    Examples
    --------
    >>> check_data_path("/no/such/log.csv")
    Traceback (most recent call last):
    ...
    ValueError: Value of '--data' is neither a file nor a folder; received: '/no/such/log.csv'.
    """
    from kpikit.io._source import link_problem

    target = Path(path).expanduser()
    if not (target.is_file() or target.is_dir()):
        raise ValueError(
            link_problem(target, "--data", path)
            or f"Value of '--data' is neither a file nor a folder; received: '{path}'."
        )
    return target.resolve()


def dashboard_data():
    """The dashboard's data and what to call it in the status line.

    Returns
    -------
    (Dataset, str)
        The file or folder named by :data:`kpikit.apps.DATA_ENV_VARIABLE`, read and validated,
        labelled with its name; without it, the sample data labelled "sample data".

    Examples
    --------
    >>> os.environ.pop(DATA_ENV_VARIABLE, None) and None
    >>> data, label = dashboard_data()
    >>> label, len(data.contacts) > 0
    ('sample data', True)
    """
    from kpikit.io import read_contacts, read_dataset
    from kpikit.sample import load_sample
    from kpikit.schema import Dataset

    named = os.environ.get(DATA_ENV_VARIABLE)
    if not named:
        return load_sample(), "sample data"
    path = check_data_path(named)
    options = reading_options()
    if path.is_dir():
        return read_dataset(path, **options), path.name
    return Dataset(contacts=read_contacts(path, **options)), path.name


def reading_options() -> dict:
    """The reading options :data:`READING_ENV_VARIABLE` holds; none when it is not set.

    Raises
    ------
    ValueError
        When it is not a JSON object of reading options.

    Examples
    --------
    >>> os.environ[READING_ENV_VARIABLE] = '{"sep": ";", "decimal": ","}'
    >>> reading_options()
    {'sep': ';', 'decimal': ','}
    >>> os.environ[READING_ENV_VARIABLE] = '{"validate": false}'
    >>> reading_options()
    Traceback (most recent call last):
    ...
    ValueError: KPIKIT_READING must be a JSON object of reading options (datetime_format, \
true_values, false_values, encoding, sep, decimal, na_values, tz); received: '{"validate": false}'
    >>> del os.environ[READING_ENV_VARIABLE]
    >>> reading_options()
    {}
    """
    text = os.environ.get(READING_ENV_VARIABLE)
    if not text:
        return {}
    try:
        options = json.loads(text)
    except json.JSONDecodeError:
        options = None
    if not isinstance(options, dict) or not set(options) <= set(READING_OPTIONS):
        raise ValueError(
            f"{READING_ENV_VARIABLE} must be a JSON object of reading options "
            f"({', '.join(READING_OPTIONS)}); received: {text!r}"
        )
    return options
