"""Numbers in an Excel export read back as the very doubles written."""

import sys
import zipfile

import openpyxl
import pandas as pd

from kpikit.io import Sheet, to_excel, write_workbook


def test_every_finite_float_reads_back_exactly(tmp_path):
    written = [
        4600 / 14,  # 328.57142857142856; "%.16g" wrote 328.5714285714286, another double
        0.1 + 0.2,  # 0.30000000000000004, not 0.3
        1 / 3,  # 0.3333333333333333 (16 threes; 17 digits would not be the shortest)
        1e-320,  # a subnormal
        sys.float_info.max,  # 1.7976931348623157e+308
        2.0**53 + 2,  # 9007199254740994, a whole double beyond 2**53
        -0.5,
        3.0,  # whole: written as 3
    ]
    target = to_excel(pd.DataFrame({"value": written}), tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(target).active
    read = [sheet.cell(row, 1).value for row in range(2, len(written) + 2)]
    assert [value.hex() for value in map(float, read)] == [value.hex() for value in written]
    assert {sheet.cell(row, 1).data_type for row in range(2, len(written) + 2)} == {"n"}
    with zipfile.ZipFile(target) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>328.57142857142856</v>" in xml and "<v>3</v>" in xml


def test_rounded_numbers_are_stored_rounded_and_exact(tmp_path):
    table = pd.DataFrame({"aht": [4600 / 14], "fcr": [4600 / 14]})
    sheet = Sheet("KPIs", table, decimals={"aht": 2})
    book = openpyxl.load_workbook(write_workbook([sheet], tmp_path / "book.xlsx")).active
    assert book["A2"].value == 328.57 and book["A2"].number_format == "#,##0.00"  # round(.., 2)
    assert book["B2"].value == 328.57142857142856  # no decimals asked: 4600/14 as it is
