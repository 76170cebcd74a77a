"""Probe 11 of the exports: a sheet name that is not text is refused, not written as its
``str()`` ("None")."""

import pandas as pd
import pytest

from kpikit.io.exporting import Sheet, to_excel


@pytest.mark.parametrize("name", [None, 5])
def test_to_excel_refuses_a_sheet_name_that_is_not_text(tmp_path, name):
    path = tmp_path / "kpis.xlsx"
    with pytest.raises(TypeError, match="Value of 'sheet_name' must be one sheet name"):
        to_excel(pd.DataFrame({"aht": [300.0]}), path, sheet_name=name)
    assert not path.exists()


def test_a_sheet_refuses_a_title_that_is_not_text():
    with pytest.raises(TypeError, match=r"Value of 'title' .* received: None \(NoneType\)"):
        Sheet(None, pd.DataFrame({"aht": [300.0]}))
