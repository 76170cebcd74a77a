"""A NaN in a parquet file read by DuckDB is found by the checks (kpikit._nan_aware).

pyarrow leaves NaN out of a float column's min/max statistics; DuckDB, by default, answers
``isnan`` from those statistics, so without kpikit switching ``parquet_can_have_nan`` on for
its checks a NaN wait passed them (found on a 200,000-contact file; the 12 contacts here are
cut from it). A NaN QA score passed every engine's checks but pandas' (where NaN is missing) and
made the KPI NaN: optional float columns now have a check for NaN and infinities."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpikit as kk

duckdb = pytest.importorskip("duckdb")

NAN_WAIT = "contacts.wait_s: 1 row empty in a required column (first ids: f)"
NAN_QA = "contacts.qa_score: 1 row with a NaN or infinite value (first ids: f)"


def write_log(path, column):
    """12 contacts of a real-shaped log (ids a-l, #j and #k abandoned) in row groups of 4;
    contact f's ``column`` NaN."""
    wait = [91.9, 53.5, 5.8, 6.0, 77.5, 12.0, 22.6, 41.6, 774.5, 27.5, 34.2, 14.0]
    talk = [80.2, 81.4, 176.1, 188.6, 155.7, 556.0, 418.1, 156.4, 322.5, None, None, 448.9]
    qa = [70.0, 85.5, 90.0, 60.0, 75.0, 80.0, 95.0, 65.0, 88.0, None, None, 72.5]
    values = {"wait_s": wait, "qa_score": qa}
    values[column][5] = float("nan")  # a NaN value, not a null: pa.array keeps it as it is
    table = pa.table(
        {
            "contact_id": list("abcdefghijkl"),
            "arrived_at": pa.array(np.arange(12) * 60_000_000, pa.timestamp("us")),
            "answered": [True] * 9 + [False, False, True],
            "talk_s": talk,
            **{name: pa.array(column, pa.float64()) for name, column in values.items()},
        }
    )
    pq.write_table(table, path, row_group_size=4)
    return path


@pytest.mark.parametrize(("column", "message"), [("wait_s", NAN_WAIT), ("qa_score", NAN_QA)])
def test_nan_in_a_parquet_file_is_an_error(tmp_path, column, message):
    path = str(write_log(tmp_path / "log.parquet", column))
    connection = duckdb.connect()
    relation = connection.read_parquet(path)
    for run in (
        lambda: kk.compute(relation, kpis=["asa", "qa_score"]),
        lambda: kk.validate(relation),
        lambda: kk.compute(path, kpis=["asa", "qa_score"]),
    ):
        with pytest.raises(kk.SchemaError) as raised:
            run()
        assert message in str(raised.value)
    # The user's connection keeps its own setting.
    setting = "SELECT current_setting('parquet_can_have_nan')"
    assert connection.execute(setting).fetchall() == [(False,)]
