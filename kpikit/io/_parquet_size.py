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

    unpacked = values = 0
    stored: dict[str, int] = {}  # a dictionary-encoded text column: its pages unpacked
    padding = _padding(metadata.created_by)
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(metadata.num_columns):
            chunk = row_group.column(index)
            pages, count = page_totals(data, chunk, padding=padding)
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


def page_totals(data: bytes, chunk, *, padding: int = 0) -> tuple[int, int]:
    """The size of a Parquet column chunk's pages once unpacked, their headers included, and
    the number of values its data pages hold, read from the page headers in ``data`` where the
    footer's ``chunk`` metadata places them, as Arrow reads them (up to ``padding`` bytes past
    the chunk's end, :func:`_padding`).

    An Arrow-written file's footer says the same; a footer made to say less is caught here.

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
    unpacked = values = 0
    position = start
    try:
        if start < 0 or end < start:
            raise ValueError
        # Arrow stops where the footer's count of values is reached, or the chunk ends.
        while position < end and values < chunk.num_values:
            header, after = _thrift_struct(data, position, 0)
            kind, size, packed = header[1], header[2], header[3]
            count = header[5 if kind == 0 else 8][1] if kind in _DATA_PAGES else 0
            if min(size, packed, count) < 0:  # as Arrow refuses them
                raise ValueError
            unpacked += after - position + size
            values += count
            position = after + packed
    except (ValueError, IndexError, KeyError, TypeError):
        raise ValueError(
            f"the page header at byte {position:,} of column '{chunk.path_in_schema}' is damaged"
        ) from None
    return unpacked, values


def _thrift_struct(data: bytes, position: int, depth: int) -> tuple[dict, int]:
    """A Thrift struct in compact protocol (a Parquet page header) read from ``position``: its
    integer fields and structs by field id (other fields skipped), and where it ends."""
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
        else:
            position = _thrift_skip(data, position, kind, depth)


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
