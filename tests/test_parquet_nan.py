"""A NaN in a parquet file read by DuckDB is found by the checks (kpikit._nan_aware).

pyarrow leaves NaN out of a float column's min/max statistics; DuckDB, by default, answers
``isnan`` from those statistics, so without kpikit switching ``parquet_can_have_nan`` on for
its checks a NaN wait or QA score passed them (found on a 200,000-contact file; the QA score
case here, 3 row groups of 4 contacts, passed them before the fix)."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kpikit as kk

duckdb = pytest.importorskip("duckdb")

NAN_WAIT = "contacts.wait_s: 1 row empty in a required column (first ids: 7)"
NAN_QA = "contacts.qa_score: 1 row outside 0..100 (first ids: 7)"


def write_log(path, column):
    """12 valid answered contacts (ids 1-12) in row groups of 4; contact 7's ``column`` NaN."""
    values = {"wait_s": np.full(12, 10.0), "qa_score": np.full(12, 80.0)}
    values[column][6] = np.nan  # a NaN value, not a null: pa.array keeps it as it is
    table = pa.table(
        {
            "contact_id": np.arange(1, 13),
            "arrived_at": pa.array(np.arange(12) * 60_000_000, pa.timestamp("us")),
            "answered": np.ones(12, dtype=bool),
            "talk_s": np.full(12, 100.0),
            **{name: pa.array(array) for name, array in values.items()},
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
