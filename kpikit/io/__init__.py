"""Reading contact logs (:mod:`kpikit.io.reading`) and exporting tables safely
(:mod:`kpikit.io.exporting`)."""

from kpikit.io.exporting import safe_export_path, to_csv, to_excel
from kpikit.io.reading import MAX_BYTES, READ_SUFFIXES, read_contacts, read_dataset, read_upload

__all__ = [
    "MAX_BYTES",
    "READ_SUFFIXES",
    "read_contacts",
    "read_dataset",
    "read_upload",
    "safe_export_path",
    "to_csv",
    "to_excel",
]
