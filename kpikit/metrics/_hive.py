"""Hive-style partition folders: the columns that a folder of parquet files holds in its names.

Spark's ``partitionBy``, pyarrow, polars and DuckDB write a table partitioned by a column as
folders named ``column=value`` (``channel=phone/part-0.parquet``), and leave the column out of
the files. Read as plain files, such a log loses the column: partitioned by channel, every
contact was judged against the phone threshold of service level, with no notice.
:func:`kpikit.metrics.scan_parquet` reads those columns back through DuckDB, which decodes
``%20`` and the like and reads ``__HIVE_DEFAULT_PARTITION__`` as null.
"""

import os
from pathlib import PurePath
from urllib.parse import unquote

from kpikit._duckdb import sql_name
from kpikit.schema import TABLES

_TEXT_COLUMNS = frozenset(spec.name for spec in TABLES["contacts"] if spec.kind == "string")
_FLAG_COLUMNS = frozenset(spec.name for spec in TABLES["contacts"] if spec.kind == "bool")
_FLAG_VALUES = frozenset({"true", "false", "__HIVE_DEFAULT_PARTITION__"})
"""How pyarrow, polars, Spark and DuckDB name a true/false partition's folders (the last: a
missing value)."""


def partition_keys(files) -> list[str]:
    """The keys of the ``key=value`` folders above each of ``files``, in path order: the
    columns DuckDB reads from their names; [] when no file lies in such a folder.

    Raises ValueError when the files do not all lie in folders of the same keys (a file
    written beside the partitions, or a folder of another layout), which DuckDB cannot read
    together.

    >>> partition_keys(["logs/channel=phone/day=2026-01-05/a.parquet",
    ...                 "logs/channel=chat/day=2026-01-05/b.parquet"])
    ['channel', 'day']
    >>> partition_keys(["logs/a.parquet"])
    []
    >>> partition_keys(["logs/channel=phone/a.parquet", "logs/b.parquet"])
    Traceback (most recent call last):
    ...
    ValueError: 'logs/channel=phone/a.parquet' lies in partition folders of channel and \
'logs/b.parquet' in none: read one layout at a time, or move the files into folders \
of the same keys
    """
    layouts = {}
    for name in files:
        _refuse_second_equals(name)
        layouts.setdefault(tuple(_keys_of(name)), os.fspath(name))
    if len(layouts) > 1:
        (first, first_file), (other, other_file) = list(layouts.items())[:2]
        raise ValueError(
            f"{first_file!r} lies in partition folders of {_listed(first)} and {other_file!r} "
            f"in {_listed(other)}: read one layout at a time, or move the files into folders "
            "of the same keys"
        )
    return list(next(iter(layouts), ()))


def _refuse_second_equals(name) -> None:
    """Refuse a partition folder above the file ``name`` whose value holds ``=`` as written
    (``channel=a=b``): DuckDB does not read such a folder as a column, which the files then
    lacked, silently. Writers encode it (``a%3Db``), which reads back as ``a=b``.

    >>> _refuse_second_equals("logs/channel=a=b/part-0.parquet")
    Traceback (most recent call last):
    ...
    ValueError: The partition folder 'channel=a=b' of 'logs/channel=a=b/part-0.parquet' holds \
'=' in its value, which DuckDB does not read as a column: rename it with %3D in place of that \
'=' (channel=a%3Db), as pyarrow and Spark write it
    """
    for part in PurePath(os.fspath(name)).parent.parts:
        key, _, value = part.partition("=")
        if key and "=" in value:
            raise ValueError(
                f"The partition folder {part!r} of {os.fspath(name)!r} holds '=' in its value, "
                "which DuckDB does not read as a column: rename it with %3D in place of that "
                f"'=' ({key}={value.replace('=', '%3D')}), as pyarrow and Spark write it"
            )


def _keys_of(name) -> list[str]:
    return [key for key, _ in _folder_pairs(name)]


def _folder_pairs(name) -> list[tuple[str, str]]:
    """The key and the value, as written, of each ``key=value`` folder above the file ``name``."""
    folders = PurePath(os.fspath(name)).parent.parts
    return [
        tuple(part.split("=", 1)) for part in folders if "=" in part and not part.startswith("=")
    ]


def _listed(keys) -> str:
    return " and ".join(keys) if keys else "none"


def refuse_keys_in_files(keys, columns: dict[str, str]) -> None:
    """Refuse a partition key that is also a column inside the files (``columns``: each
    column to the first file that holds it), in any case: DuckDB would take the folder's value
    and drop the file's without a word.

    >>> refuse_keys_in_files(["channel"], {"channel": "logs/channel=phone/a.parquet"})
    Traceback (most recent call last):
    ...
    ValueError: Column 'channel' is both in the file 'logs/channel=phone/a.parquet' and in \
the names of its folders (channel=...); the folder's value would replace the file's: \
rename the folders or the column
    """
    folded = {name.casefold(): name for name in columns}  # DuckDB's names ignore case
    for key in keys:
        if key.casefold() in folded:
            name = folded[key.casefold()]
            raise ValueError(
                f"Column {name!r} is both in the file {columns[name]!r} and in the names of "
                f"its folders ({key}=...); the folder's value would replace the file's: "
                "rename the folders or the column"
            )


def as_text(relation, keys):
    """``relation`` with the partition keys that the kpikit schema holds as text (channel,
    queue, site...) read as text: DuckDB types ``queue=1`` and ``queue=2`` as numbers, which
    the checks would refuse. Other keys keep DuckDB's types (``day=2026-01-05`` a date,
    ``year=2026`` a number; a value such as ``007`` that would not read back the same keeps
    the column as text)."""
    texts = [
        key
        for key, kind in zip(relation.columns, relation.types, strict=True)
        if key in keys and key in _TEXT_COLUMNS and str(kind) != "VARCHAR"
    ]
    return _cast(relation, texts, "VARCHAR")


def as_flags(relation, keys, files):
    """``relation`` with the partition keys that the kpikit schema holds as true/false
    (answered, transferred, resolved) read as true/false: DuckDB reads ``answered=true`` and
    ``answered=false``, as pyarrow and Spark write them, as text, which the checks refused
    with advice for a CSV file. ``files`` are those ``relation`` reads.

    Raises ValueError naming the column and its values when a folder of such a key is named
    otherwise (``answered=1``, ``answered=True``, ``answered=yes``): read as true or false,
    one writer's spelling could be another's typo, so none is guessed.

    >>> as_flags(None, ["answered"], ["log/answered=yes/a.parquet"])
    Traceback (most recent call last):
    ...
    ValueError: Column 'answered' is read from the names of partition folders, which must \
be answered=true or answered=false (as pyarrow and Spark write them); found: ['yes']
    """
    flags = [key for key in keys if key in _FLAG_COLUMNS]
    for key in flags:
        found = {
            unquote(value) for name in files for one, value in _folder_pairs(name) if one == key
        }
        if not found <= _FLAG_VALUES:
            raise ValueError(
                f"Column {key!r} is read from the names of partition folders, which must be "
                f"{key}=true or {key}=false (as pyarrow and Spark write them); found: "
                f"{sorted(found - _FLAG_VALUES)}"
            )
    return _cast(relation, flags, "BOOLEAN")


def _cast(relation, keys, sql_type: str):
    """``relation`` with its columns ``keys`` cast to ``sql_type`` (as it is without keys)."""
    if not keys:
        return relation
    casts = ", ".join(f"CAST({sql_name(key)} AS {sql_type}) AS {sql_name(key)}" for key in keys)
    return relation.select(f"* REPLACE ({casts})")
