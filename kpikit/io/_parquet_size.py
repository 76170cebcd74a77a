"""The size of a Parquet file's data once read, counted from its footer and page headers
without reading it: a small upload may hold gigabytes once unpacked or decoded, and its footer
may say less than its pages hold (Arrow checks the page headers, never the footer's sizes).
"""

import io
import re


def unpacked_bytes(metadata) -> int:
    """The size of a Parquet file's data once unpacked, from its footer's ``metadata``.

    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> sink = pa.BufferOutputStream()
    >>> pq.write_table(pa.table({"x": [1.5, 2.5]}), sink)
    >>> unpacked_bytes(pq.read_metadata(pa.BufferReader(sink.getvalue()))) > 0
    True
    """
    return sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))


def decoded_bytes(data: bytes, metadata, *, limit: int) -> int:
    """The size of a Parquet file's data once decoded, counted without decoding it, up to
    just past ``limit``: the largest of three counts, each below what reading the file takes.

    - Its pages unpacked, as their headers give them (:func:`page_totals`): Arrow unpacks each
      page to that size exactly, while nothing checks the footer's sizes
      (:func:`unpacked_bytes`): a 130 kB file whose footer claimed 24 kB unpacked to 200 MB.
    - The same, with each dictionary-encoded text column (in a list or a struct too) counted
      as its values decoded in place of its pages: 4 bytes of length and the text per value,
      as plain encoding holds them, from the lengths of the dictionary's values and the
      indices into it. The footer counts a dictionary once, so a 26 kB file of one 100-letter
      word repeated 2 million times claims 25 kB and decodes to 200 MB.
    - Every value, as many as the page headers say, at its width in plain encoding (4 bytes
      for text, a byte for true/false), missing values included, which Arrow and pandas make
      room for: a column of one number repeated, or of no value at all, takes a few bytes a
      page (a 105 kB file held 25 million zeros, 200 MB decoded).

    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> sink = pa.BufferOutputStream()
    >>> pq.write_table(pa.table({"team": ["north" * 20] * 1000}), sink)   # 100 letters a row
    >>> data = sink.getvalue().to_pybytes()
    >>> metadata = pq.read_metadata(pa.BufferReader(data))
    >>> unpacked_bytes(metadata) < 1_000, decoded_bytes(data, metadata, limit=10**9)
    (True, 104000)
    >>> sink = pa.BufferOutputStream()
    >>> pq.write_table(pa.table({"wait_s": [0.0] * 1000}), sink)   # one number repeated
    >>> data = sink.getvalue().to_pybytes()
    >>> metadata = pq.read_metadata(pa.BufferReader(data))
    >>> unpacked_bytes(metadata) < 1_000, decoded_bytes(data, metadata, limit=10**9)
    (True, 8000)
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    check_footer(data, metadata)  # before pyarrow reads a column chunk's metadata
    unpacked = values = 0
    stored: dict[str, int] = {}  # a dictionary-encoded text column: its pages unpacked
    padding = _padding(metadata.created_by)
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(metadata.num_columns):
            chunk = row_group.column(index)
            pages, count = page_totals(data, chunk, padding=padding, limit=limit)
            unpacked += pages
            if chunk.physical_type == "FIXED_LEN_BYTE_ARRAY":
                values += count * metadata.schema.column(index).length
            else:
                values += count * _PLAIN_WIDTHS.get(chunk.physical_type, 8)
            if chunk.has_dictionary_page and chunk.physical_type == "BYTE_ARRAY":
                path = metadata.schema.column(index).path
                stored[path] = stored.get(path, 0) + pages
            if max(unpacked, values) > limit:  # also bounds the time spent on page headers
                return max(unpacked, values)
    size = max(unpacked - sum(stored.values()), 0)
    if stored:
        names = [  # the columns holding them: a list of text, a struct, is one column
            name
            for name in metadata.schema.to_arrow_schema().names
            if any(path == name or path.startswith(f"{name}.") for path in stored)
        ]
        parquet = pq.ParquetFile(io.BytesIO(data), read_dictionary=list(stored))
        for batch in parquet.iter_batches(columns=names, batch_size=1 << 20):
            for array in batch.columns:
                if pa.types.is_string(array.type) or pa.types.is_binary(array.type):
                    present = len(array) - array.null_count
                    size += 4 * present + (pc.sum(pc.binary_length(array)).as_py() or 0)
                else:
                    size += _dictionary_text(array)
            if size > limit:
                break
    return max(unpacked, size, values)


def check_footer(data: bytes, metadata) -> None:
    """Refuse a Parquet file whose footer, read from ``data`` before pyarrow reads its column
    chunks' metadata, gives a row group other than one column chunk per column, or a column
    chunk size statistics that Arrow refuses: pyarrow 26 throws that error from
    ``metadata.row_group(i).column(j)`` where Python cannot catch it, and the process (a
    dashboard's kernel) aborts.

    The Parquet format allows each level histogram to be left out, or to hold one count per
    level, from 0 to the column's maximum: max_level + 1 entries; the bytes of text unpacked
    (``unencoded_byte_array_data_bytes``) only on a column of text (BYTE_ARRAY).

    A footer over :data:`MAX_FOOTER_BYTES` is refused unread: a 5.8 MB file of 50,000 row
    groups of 1 row had a 5.7 MB footer, which took 4 s to read here, and Arrow 12 s more.

    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> sink = pa.BufferOutputStream()
    >>> pq.write_table(pa.table({"x": [1.5, None]}), sink)
    >>> data = sink.getvalue().to_pybytes()
    >>> check_footer(data, pq.read_metadata(pa.BufferReader(data)))
    """
    length = int.from_bytes(data[-8:-4], "little")
    if length > MAX_FOOTER_BYTES:
        raise ValueError(
            f"its footer is {length:,} bytes ({_counted(metadata.num_row_groups, 'row group')} "
            f"of {_counted(metadata.num_columns, 'column')}), more than the {MAX_FOOTER_BYTES:,} "
            "bytes read from an upload, which its many row groups would take seconds to read. "
            "Write the file again with fewer, larger row groups (pyarrow's default is 1 million "
            "rows), or export it as CSV."
        )
    try:
        footer, _ = _thrift_struct(data[-8 - length : -8], 0, 0)
        groups = [group[1] for group in footer[4]]
        chunks = [
            (g, i, chunk.get(3)) for g, group in enumerate(groups) for i, chunk in enumerate(group)
        ]
    except (ValueError, IndexError, KeyError, TypeError):
        raise ValueError("its footer is damaged: its Thrift encoding cannot be read") from None
    columns = [metadata.schema.column(index) for index in range(metadata.num_columns)]
    problems = [
        f"row group {g + 1}: {_counted(len(group), 'column chunk')}, where the file has "
        f"{_counted(len(columns), 'column')}"
        for g, group in enumerate(groups)
        if len(group) != len(columns)
    ]
    for group, index, chunk in chunks:
        if index >= len(columns):
            continue
        column = columns[index]
        if not isinstance(chunk, dict):
            problems.append(
                f"column '{column.path}' in row group {group + 1}: no column metadata (it is "
                "missing or encrypted)"
            )
            continue
        statistics = chunk.get(16)
        if not isinstance(statistics, dict):
            continue
        levels = {2: column.max_repetition_level, 3: column.max_definition_level}
        for field, name in ((2, "repetition"), (3, "definition")):
            histogram = statistics.get(field)
            if isinstance(histogram, list) and len(histogram) not in (0, levels[field] + 1):
                problems.append(
                    f"column '{column.path}' in row group {group + 1}: a {name} level histogram "
                    f"of {_counted(len(histogram), 'count')}, where Parquet requires none or "
                    f"{levels[field] + 1}: one for each level from 0 to {levels[field]}"
                )
        if 1 in statistics and column.physical_type != "BYTE_ARRAY":
            problems.append(
                f"column '{column.path}' in row group {group + 1}: a count of text bytes on a "
                f"column of {column.physical_type}, which holds no text"
            )
    if problems:
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        places = _counted(len(problems), "place")
        raise ValueError(
            f"its footer is damaged: its column chunks break the Parquet format in {places} "
            f"({shown}). Write the file again with the tool that made it, or export it as CSV."
        )


def _counted(count: int, thing: str) -> str:
    """``count`` things in words: "1 level", "2 levels".

    >>> _counted(1, "level"), _counted(2, "level")
    ('1 level', '2 levels')
    """
    return f"{count:,} {thing}{'' if count == 1 else 's'}"


def _dictionary_text(array) -> int:
    """The size of ``array``'s dictionary-encoded text once decoded, in nested arrays too: 4
    bytes of length and the text per value, as plain encoding holds them.

    >>> import pyarrow as pa
    >>> words = pa.array(["north", "south", "north", None]).dictionary_encode()
    >>> _dictionary_text(words), _dictionary_text(pa.ListArray.from_arrays([0, 1, 4], words))
    (27, 27)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_dictionary(kind):
        lengths = pc.take(pc.binary_length(array.dictionary), array.indices)
        return 4 * (len(array) - array.null_count) + (pc.sum(lengths).as_py() or 0)
    if pa.types.is_map(kind):
        return _dictionary_text(array.keys) + _dictionary_text(array.items)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return _dictionary_text(array.flatten())
    if pa.types.is_struct(kind):
        return sum(_dictionary_text(array.field(index)) for index in range(kind.num_fields))
    return 0


MAX_FOOTER_BYTES = 1_000_000
"""The largest Parquet footer :func:`check_footer` reads: 5,000 column chunks and more (some
100-200 bytes each), where a 25 MB file written with Arrow's default row groups has tens."""

_PLAIN_WIDTHS = {
    "BOOLEAN": 1,
    "INT32": 4,
    "FLOAT": 4,
    "INT64": 8,
    "DOUBLE": 8,
    "INT96": 12,
    "BYTE_ARRAY": 4,  # the length of each value; the text is counted apart
}
_DATA_PAGES = (0, 3)  # PageType DATA_PAGE and DATA_PAGE_V2


def _padding(created_by: str | None) -> int:
    """How far past each column chunk Arrow reads a file by ``created_by``: 100 bytes for
    parquet-mr 1.2.8 and older, whose chunk sizes leave out a header (PARQUET-816), else 0.

    >>> _padding("parquet-mr version 1.2.8"), _padding("parquet-cpp-arrow version 26.0.1")
    (100, 0)
    """
    found = re.match(r"parquet-mr(?:\s*version\s*(\d+)\.(\d+)\.(\d+))?", created_by or "", re.I)
    if found is None:
        return 0
    version = tuple(int(part) for part in found.groups()) if found.group(1) else (0, 0, 0)
    return 100 if version < (1, 2, 9) else 0


def page_totals(
    data: bytes, chunk, *, padding: int = 0, limit: int | None = None
) -> tuple[int, int]:
    """The size of a Parquet column chunk's pages once unpacked, their headers included, and
    the number of values its data pages hold, read from the page headers in ``data`` where the
    footer's ``chunk`` metadata places them, as Arrow reads them (up to ``padding`` bytes past
    the chunk's end, :func:`_padding`); only up to just past ``limit`` (of either) when given.

    An Arrow-written file's footer says the same; a footer made to say less is caught here.

    A chunk of more pages than ``2 + values // 1,000 + unpacked // 10,000`` (a dictionary
    page, a last page, and a page for each 1,000 values or 10 kB unpacked) is refused: writers
    put 1,024 values (Arrow) or a 1 MB page at least (parquet-mr, after 100 rows) in all
    pages but the last, while a crafted file of 25 MB held 1.5 million empty pages, whose
    headers took 10 s to walk.

    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> sink = pa.BufferOutputStream()
    >>> pq.write_table(pa.table({"x": [1.5, 2.5, None]}), sink)
    >>> data = sink.getvalue().to_pybytes()
    >>> chunk = pq.read_metadata(pa.BufferReader(data)).row_group(0).column(0)
    >>> page_totals(data, chunk) == (chunk.total_uncompressed_size, 3)
    True
    """
    start = chunk.data_page_offset
    if chunk.has_dictionary_page and 0 < chunk.dictionary_page_offset < start:
        start = chunk.dictionary_page_offset
    end = start + chunk.total_compressed_size
    end += min(padding, len(data) - end)
    unpacked = values = pages = 0
    position = start
    total = chunk.num_values
    limit = float("inf") if limit is None else limit
    try:
        if start < 0 or end < start:
            raise ValueError
        # Arrow stops where the footer's count of values is reached, or the chunk ends.
        while position < end and values < total and max(unpacked, values) <= limit:
            header, after = _thrift_struct(data, position, 0)
            kind, size, packed = header[1], header[2], header[3]
            count = header[5 if kind == 0 else 8][1] if kind in _DATA_PAGES else 0
            if min(size, packed, count) < 0:  # as Arrow refuses them
                raise ValueError
            unpacked += after - position + size
            values += count
            position = after + packed
            pages += 1
            if pages > 2 + values // 1_000 + unpacked // 10_000:
                break
    except (ValueError, IndexError, KeyError, TypeError):
        raise ValueError(
            f"the page header at byte {position:,} of column '{chunk.path_in_schema}' is damaged"
        ) from None
    if pages > 2 + values // 1_000 + unpacked // 10_000:
        raise ValueError(
            f"column '{chunk.path_in_schema}' is cut into pages too small: {pages:,} pages by "
            f"byte {position:,} for {values:,} values and {unpacked:,} bytes unpacked, where "
            "writers put 1,000 values or 10 kB in a page at least. Write the file again with "
            "the writer's default page size"
        )
    return unpacked, values


def _thrift_struct(data: bytes, position: int, depth: int) -> tuple[dict, int]:
    """A Thrift struct in compact protocol (a Parquet page header or footer) read from
    ``position``: its integer, struct and list fields by field id (others skipped), and where it
    ends."""
    if depth > 8:  # a page header nests 3 deep; no recursion without end
        raise ValueError
    fields: dict = {}
    field = 0
    while True:
        byte = data[position]
        position += 1
        if not byte:
            return fields, position
        kind = byte & 15
        if byte >> 4:
            field += byte >> 4
        else:
            number, position = _varint(data, position)
            field = (number >> 1) ^ -(number & 1)
        if kind in (4, 5, 6):  # i16, i32, i64: zigzag varints
            number, position = _varint(data, position)
            fields[field] = (number >> 1) ^ -(number & 1)
        elif kind == 12:
            fields[field], position = _thrift_struct(data, position, depth + 1)
        elif kind in (9, 10):
            fields[field], position = _thrift_list(data, position, depth)
        else:
            position = _thrift_skip(data, position, kind, depth)


def _thrift_list(data: bytes, position: int, depth: int) -> tuple[list | None, int]:
    """A Thrift list (or set) in compact protocol read from ``position``: its integers or
    structs (None for other items, skipped), and where it ends."""
    head = data[position]
    count, item = head >> 4, head & 15
    if item not in (4, 5, 6, 12):
        return None, _thrift_skip(data, position, 9, depth)
    position += 1
    if count == 15:
        count, position = _varint(data, position)
    values = []
    for _ in range(count):  # each item takes a byte at least: no more items than bytes
        if item == 12:
            value, position = _thrift_struct(data, position, depth + 1)
        else:
            number, position = _varint(data, position)
            value = (number >> 1) ^ -(number & 1)
        values.append(value)
    return values, position


def _thrift_skip(data: bytes, position: int, kind: int, depth: int) -> int:
    """Where a Thrift compact value of type ``kind`` read from ``position`` ends."""
    if depth > 8:
        raise ValueError
    if kind in (1, 2):  # a true or false field: the type is the value
        return position
    if kind == 3:
        return position + 1
    if kind in (4, 5, 6):
        return _varint(data, position)[1]
    if kind == 7:
        return position + 8
    if kind == 8:
        length, position = _varint(data, position)
        return position + length
    if kind in (9, 10):  # a list or a set
        head = data[position]
        position += 1
        count, item = head >> 4, head & 15
        if count == 15:
            count, position = _varint(data, position)
        if item in (1, 2, 3):  # a byte each
            return position + count
        for _ in range(count):
            if position >= len(data):
                raise IndexError
            position = _thrift_skip(data, position, item, depth + 1)
        return position
    if kind == 12:
        return _thrift_struct(data, position, depth + 1)[1]
    raise ValueError  # a map (no page header has one) or no type


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """An unsigned varint read from ``position``, and where it ends."""
    number = shift = 0
    while True:
        byte = data[position]
        position += 1
        number |= (byte & 0x7F) << shift
        if byte < 0x80:
            return number, position
        shift += 7
        if shift > 63:
            raise ValueError
