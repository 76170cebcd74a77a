"""Input faults of the readers: empty paths, symbolic-link loops, nested Parquet columns."""

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpikit import schema
from kpikit.io import detect, read_contacts, read_dataset, read_upload
from kpikit.schema import SchemaError

CONTACTS = {
    "contact_id": ["c1", "c2"],
    "arrived_at": pa.array([pd.Timestamp("2026-01-05 09:00")] * 2),
    "answered": [True, True],
    "wait_s": [1.0, 2.0],
}
NESTED = "the type is nested (lists, structs, maps), which kpikit does not support: give "


@pytest.mark.parametrize("path", ["", "  ", "\t"])
def test_an_empty_path_is_refused_as_empty(path):
    # Path("") is the current folder: read_contacts("") said the path "is a folder", and
    # read_dataset("") read the contacts file of the working folder.
    with pytest.raises(ValueError, match=r"^Value of 'path' is empty; received: '.*'\. Give "):
        read_contacts(path)
    with pytest.raises(ValueError, match=r"^Value of 'path' is empty"):
        detect(path)
    with pytest.raises(ValueError, match=r"^Value of 'folder' is empty; received: "):
        read_dataset(path)


def test_an_empty_folder_path_does_not_read_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "contacts.csv").write_text(
        "contact_id,arrived_at,answered,wait_s\nc1,2026-01-05 09:00,True,3\n"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="'folder' is empty"):
        read_dataset("")


def test_a_symbolic_link_loop_is_named_not_missing(tmp_path):
    # ln -s b a; ln -s a b: reported as "does not exist".
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    for path in (tmp_path / "a.csv", tmp_path / "a.csv" / "contacts.csv"):
        with pytest.raises(ValueError, match=r"'path' cannot be resolved: .* loop") as caught:
            read_contacts(path)
        assert f"received: '{path}'" in str(caught.value)
        assert "does not exist" not in str(caught.value)
    with pytest.raises(ValueError, match=r"'folder' cannot be resolved: .* loop; received: '"):
        read_dataset(tmp_path / "a.csv")


def test_a_symbolic_link_to_nothing_is_named(tmp_path):
    link = tmp_path / "contacts.csv"
    link.symlink_to(tmp_path / "gone.csv")
    with pytest.raises(ValueError, match=r"'path' is a symbolic link to '.*gone\.csv', which"):
        read_contacts(link)
    # A plain missing file is still said to be missing.
    with pytest.raises(ValueError, match=r"'path' does not exist; received: '.*nope\.csv'"):
        read_contacts(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="'folder' is not an existing folder"):
        read_dataset(tmp_path / "nope")


def _parquet(**columns) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({**CONTACTS, **columns}), sink)
    return sink.getvalue()


@pytest.mark.parametrize(
    ("column", "values", "shown", "expected"),
    [
        ("queue", pa.array([["a"], ["b", "c"]], pa.list_(pa.string())), "list<", "text"),
        ("wait_s", pa.array([[1.0], None], pa.list_(pa.float64())), "list<", "numbers"),
        ("answered", pa.array([{"x": True}, {"x": False}]), "struct<x: bool>", "booleans"),
        (
            "agent_id",
            pa.array([[("k", "v")]] * 2, pa.map_(pa.string(), pa.string())),
            "map<string, string>",
            "text or integer ids",
        ),
    ],
)
def test_a_nested_parquet_column_is_named_with_its_type(tmp_path, column, values, shown, expected):
    # A list column said "holds mixed values in an object column", a list of numbers "not a
    # number (values such as array([1.]))", a struct of flags raised a raw TypeError.
    data = _parquet(**{column: values})
    (tmp_path / "log.parquet").write_bytes(data)
    for read in (
        lambda: read_contacts(tmp_path / "log.parquet"),
        lambda: read_upload(data, "x.parquet"),
    ):
        with pytest.raises(SchemaError) as caught:
            read()
        (problem,) = caught.value.problems
        assert problem.column == column
        text = str(problem)
        assert f"contacts.{column}: wrong type: holds values ({shown}" in text
        assert f"expected {expected}" in text and NESTED in text
        assert "mixed values" not in text


def test_a_nested_parquet_column_is_named_by_its_kpikit_name(tmp_path):
    data = _parquet(Skills=pa.array([["a"], ["b"]], pa.list_(pa.string())))
    with pytest.raises(
        SchemaError, match=r"contacts\.queue: wrong type: holds values \(list<.*the type is nested"
    ):
        read_upload(data, "x.parquet", mapping={"Skills": "queue"}, na_values=["n/a"])
    # A nested column kpikit does not use is carried along, as any other column.
    assert read_upload(data, "x.parquet").contacts["Skills"].map(list).tolist() == [["a"], ["b"]]


def test_a_nested_column_in_memory_is_named():
    frame = pa.table({**CONTACTS, "queue": pa.array([["a"], ["b"]], pa.list_(pa.string()))})
    for native in (frame, frame.to_pandas()):
        (problem,) = schema.check(native).problems
        assert str(problem).startswith("contacts.queue: wrong type: holds values (")
        assert NESTED in str(problem)
    # Lists among text are still mixed values.
    mixed = frame.to_pandas().assign(queue=pd.Series([["a"], "b"], dtype=object))
    (problem,) = schema.check(mixed).problems
    assert "mixed values in an object column" in str(problem)
