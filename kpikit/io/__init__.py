"""Reading contact logs (:mod:`kpikit.io.reading`, with the format detection of
:mod:`kpikit.io.detect`) and exporting tables safely (:mod:`kpikit.io.exporting`)."""

from kpikit.io._advice import ReadWarning
from kpikit.io._source import MAX_BYTES, READ_SUFFIXES
from kpikit.io.detect import Detection, detect
from kpikit.io.exporting import (
    Sheet,
    kpi_sheet,
    safe_export_path,
    to_csv,
    to_excel,
    write_workbook,
)
from kpikit.io.reading import read_contacts, read_dataset, read_upload

__all__ = [
    "MAX_BYTES",
    "READ_SUFFIXES",
    "Detection",
    "ReadWarning",
    "detect",
    "Sheet",
    "kpi_sheet",
    "read_contacts",
    "read_dataset",
    "read_upload",
    "safe_export_path",
    "to_csv",
    "to_excel",
    "write_workbook",
]
