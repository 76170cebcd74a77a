"""Tests for kpikit.schema: column specs, validate(), SchemaError and the lenient report."""

import dataclasses

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import kpikit as kk
from kpikit.schema import (
    AGENT_INTERVAL_COLUMNS,
    CONTACT_COLUMNS,
    COST_COLUMNS,
    TABLES,
    Dataset,
    Problem,
    SchemaError,
    ValidationReport,
    check,
    table_specs,
    validate,
)


def make_contacts(**changes) -> pd.DataFrame:
    """Four valid contacts (ids 1..4, id 3 abandoned); keyword arguments replace columns."""
    columns = {
        "contact_id": [1, 2, 3, 4],
        "arrived_at": pd.to_datetime(
            ["2024-03-04 09:00", "2024-03-04 09:05", "2024-03-04 09:10", "2024-03-04 09:15"]
        ),
        "answered": [True, True, False, True],
        "wait_s": [10.0, 25.0, 60.0, 0.0],
        "channel": ["phone", "chat", "phone", "email"],
        "queue": ["billing", "billing", "sales", "sales"],
        "agent_id": ["a1", "a2", None, "a1"],
        "customer_id": ["k1", "k2", "k3", "k1"],
        "reason": ["bill", "bill", "buy", "bill"],
        "talk_s": [120.0, 300.0, 0.0, 60.0],
        "hold_s": [0.0, 30.0, 0.0, 0.0],
        "acw_s": [20.0, 40.0, 0.0, 10.0],
        "transferred": [False, True, False, False],
        "resolved": pd.array([True, False, pd.NA, True], dtype="boolean"),
        "csat": [5.0, 2.0, np.nan, 4.0],
        "nps": [10.0, 3.0, np.nan, np.nan],
        "qa_score": [90.0, np.nan, np.nan, 75.5],
    }
    columns.update(changes)
    return pd.DataFrame(columns)


def make_intervals(**changes) -> pd.DataFrame:
    columns = {
        "agent_id": ["a1", "a1", "a2"],
        "interval_start": pd.to_datetime(
            ["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 09:00"]
        ),
        "team": ["north", "north", "south"],
        "scheduled_s": [1800.0, 1800.0, 1800.0],
        "paid_s": [1800.0, 1800.0, 1800.0],
        "handling_s": [1200.0, 1000.0, 900.0],
        "available_s": [400.0, 600.0, 700.0],
        "adherent_s": [1700.0, 1800.0, 1500.0],
    }
    columns.update(changes)
    return pd.DataFrame(columns)


def make_costs(**changes) -> pd.DataFrame:
    columns = {
        "period_start": pd.to_datetime(["2024-03-01", "2024-03-01"]),
        "channel": ["phone", "chat"],
        "cost": [1000.0, 250.0],
    }
    columns.update(changes)
    return pd.DataFrame(columns)


def only_problem(data) -> Problem:
    with pytest.raises(SchemaError) as raised:
        validate(data)
    assert len(raised.value.problems) == 1, str(raised.value)
    return raised.value.problems[0]


# ---- the specs -------------------------------------------------------------------------


def test_tables_follow_the_design_contract():
    assert CONTACT_COLUMNS[:4] == ("contact_id", "arrived_at", "answered", "wait_s")
    assert [s.name for s in TABLES["contacts"] if s.required] == list(CONTACT_COLUMNS[:4])
    assert set(AGENT_INTERVAL_COLUMNS) == {
        "agent_id",
        "interval_start",
        "team",
        "scheduled_s",
        "paid_s",
        "handling_s",
        "available_s",
        "adherent_s",
    }
    assert COST_COLUMNS == ("period_start", "channel", "cost")
    assert [s.name for s in TABLES["costs"] if s.required] == ["period_start", "cost"]
    csat = next(s for s in TABLES["contacts"] if s.name == "csat")
    assert (csat.kind, csat.min, csat.max, csat.integer) == ("number", 1, 5, True)


def test_dataset_is_a_frozen_container_with_the_contract_fields():
    assert [f.name for f in dataclasses.fields(Dataset)] == [
        "contacts",
        "agent_intervals",
        "costs",
    ]
    data = Dataset(make_contacts())
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.contacts = None


# ---- valid data ----------------------------------------------------------------------------


def test_valid_dataset_is_returned_unchanged():
    data = Dataset(make_contacts(), make_intervals(), make_costs())
    before = data.contacts.copy()
    assert validate(data) is data
    pd.testing.assert_frame_equal(data.contacts, before)


def test_bare_frame_is_wrapped_without_copying():
    contacts = make_contacts()
    result = validate(contacts)
    assert isinstance(result, Dataset)
    assert result.contacts is contacts
    assert result.agent_intervals is None and result.costs is None


def test_required_columns_alone_are_enough():
    contacts = make_contacts()[["contact_id", "arrived_at", "answered", "wait_s"]]
    assert validate(contacts).contacts is contacts


def test_lenient_on_valid_data_gives_an_empty_report():
    report = validate(make_contacts(), lenient=True)
    assert isinstance(report, ValidationReport)
    assert report.ok and report.problems == ()
    assert report.rows_to_drop == {"contacts": ()}
    assert str(report) == "No problems found."


def test_text_ids_categories_and_dates_are_accepted():
    contacts = make_contacts(
        contact_id=["c-001", "c-002", "c-003", "c-004"],
        channel=pd.Categorical(["phone", "chat", "phone", "email"]),
    )
    costs = make_costs(period_start=[pd.Timestamp("2024-03-01").date()] * 2)
    costs["period_start"] = costs["period_start"].astype("date32[pyarrow]")
    assert validate(Dataset(contacts, costs=costs)).contacts is contacts


def test_an_all_missing_optional_column_is_accepted():
    # pandas stores an all-None column as object, whatever it was meant to hold.
    contacts = make_contacts(csat=[None] * 4, resolved=[None] * 4)
    assert validate(contacts).contacts is contacts


# ---- structural problems ---------------------------------------------------------------


def test_missing_required_column_names_it_and_suggests_a_close_name():
    contacts = make_contacts().rename(columns={"wait_s": "Wait_S"})
    problem = only_problem(contacts)
    assert (problem.table, problem.column, problem.count) == ("contacts", "wait_s", None)
    assert problem.structural
    message = str(problem)
    assert message.startswith("contacts.wait_s: required column is missing")
    assert "'Wait_S'" in message


def test_a_missing_column_lists_at_most_30_of_thousands_of_columns_present():
    # A 6,000-column header put every name into the message. 6,000 extra columns plus the
    # 17 of make_contacts() less wait_s, 6,016: 30 listed, 5,986 more counted.
    contacts = make_contacts().drop(columns="wait_s")
    extra = pd.DataFrame(0, index=contacts.index, columns=[f"x{i}" for i in range(6000)])
    message = str(only_problem(pd.concat([contacts, extra], axis=1)))
    assert message.count(", ") == 29 and message.endswith("and 5,986 more)")


def test_missing_required_interval_and_cost_columns():
    data = Dataset(
        make_contacts(),
        make_intervals().drop(columns="interval_start"),
        make_costs().drop(columns="cost"),
    )
    with pytest.raises(SchemaError) as raised:
        validate(data)
    columns = {(p.table, p.column) for p in raised.value.problems}
    assert columns == {("agent_intervals", "interval_start"), ("costs", "cost")}


@pytest.mark.parametrize(
    ("column", "values", "held", "hint"),
    [
        ("wait_s", ["10", "25", "x", "0"], "holds text", "pandas.to_numeric"),
        ("answered", [1, 1, 0, 1], "holds integers", ".astype(bool)"),
        ("arrived_at", ["2024-03-04 09:00"] * 4, "holds text", "pandas.to_datetime"),
        ("contact_id", [1.0, 2.0, 3.0, 4.0], "holds floats", ".astype('Int64')"),
        ("transferred", ["no", "yes", "no", "no"], "holds text", "true_values=['yes']"),
        (
            "arrived_at",
            pd.Series(
                [
                    pd.Timestamp("2026-03-29 01:00", tz="Europe/Paris"),
                    pd.Timestamp("2026-03-29 03:00", tz="Europe/Paris"),
                    pd.Timestamp("2026-03-29 04:00", tz="UTC"),
                    pd.Timestamp("2026-03-29 05:00", tz="UTC"),
                ],
                dtype=object,
            ),
            "holds timestamps of several time zones",
            "tz_convert('Europe/Paris')",
        ),
        ("queue", [1, 2, 3, 4], "holds integers", "expected text; convert them to text first"),
        # epoch time, as warehouse and streaming exports write it
        ("arrived_at", [1709542800000] * 4, "holds integers", "to_datetime(column, unit='s')"),
        ("arrived_at", [1709542800.5] * 4, "holds floats", "pl.from_epoch"),
    ],
)
def test_wrong_type_names_column_type_and_a_fix(column, values, held, hint):
    problem = only_problem(make_contacts(**{column: values}))
    assert problem.column == column and problem.structural
    message = str(problem)
    assert message.startswith(f"contacts.{column}: wrong type: {held}")
    assert hint in message


@pytest.mark.parametrize(
    "queues",
    [
        pd.Series([7, 1, 7, 1], dtype="category"),  # pandas.read_parquet of queue=007/ folders
        pd.array(
            pa.array([7, 1, 7, 1]).dictionary_encode(),
            dtype=pd.ArrowDtype(pa.dictionary(pa.int8(), pa.int64())),
        ),
    ],
)
def test_categories_that_are_numbers_are_not_text(queues):
    # Numbers as categories were taken for text: queue=007/ read by pandas came out as 7.
    problem = only_problem(make_contacts(queue=queues))
    assert str(problem).startswith("contacts.queue: wrong type: holds categories that are numbers")
    assert "give kk.compute the folder's path" in str(problem)
    validate(make_contacts(customer_id=queues))  # as ids they are fine, as integer ids are


def test_duplicate_column_names_are_reported():
    contacts = make_contacts()
    contacts.insert(1, "csat", 3, allow_duplicates=True)
    problem = only_problem(contacts)
    assert str(problem) == "contacts.csat: column name appears more than once"


def test_structural_problems_raise_even_when_lenient():
    contacts = make_contacts(wait_s=["1", "2", "3", "4"], csat=[9.0, 5.0, np.nan, 1.0])
    with pytest.raises(SchemaError) as raised:
        validate(contacts, lenient=True)
    # Both problems are listed, the row-level one too: one message says everything.
    assert [p.column for p in raised.value.problems] == ["wait_s", "csat"]


def test_not_a_dataframe_is_a_type_error():
    with pytest.raises(TypeError, match="Dataset.contacts must be a dataframe.*received list"):
        validate([1, 2, 3])
    with pytest.raises(TypeError, match="received None"):
        validate(None)


# ---- row-level problems: contacts ----------------------------------------------------------


def test_null_in_a_required_column():
    contacts = make_contacts(arrived_at=pd.to_datetime(["2024-03-04", None, None, "2024-03-04"]))
    problem = only_problem(contacts)
    # contacts 2 and 3 have no arrival time.
    assert str(problem) == (
        "contacts.arrived_at: 2 rows empty in a required column (first ids: 2, 3)"
    )
    assert (problem.count, problem.examples, problem.example_key) == (2, (2, 3), "contact_id")


@pytest.mark.parametrize("column", ["wait_s", "talk_s", "hold_s", "acw_s"])
def test_negative_durations(column):
    values = make_contacts()[column].tolist()
    values[0] = -1.0
    problem = only_problem(make_contacts(**{column: values}))
    assert str(problem) == f"contacts.{column}: 1 row below 0 (first ids: 1)"


def test_infinite_duration():
    problem = only_problem(make_contacts(wait_s=[10.0, np.inf, 60.0, 0.0]))
    assert str(problem) == "contacts.wait_s: 1 row with an infinite value (first ids: 2)"


def test_csat_outside_scale_and_not_whole():
    with pytest.raises(SchemaError) as raised:
        validate(make_contacts(csat=[0.0, 4.5, np.nan, 6.0]))
    assert [str(p) for p in raised.value.problems] == [
        # 0 and 6 are outside 1..5; 4.5 is inside but not a whole number.
        "contacts.csat: 2 rows outside 1..5 (first ids: 1, 4)",
        "contacts.csat: 1 row not a whole number (first ids: 2)",
    ]


def test_nps_outside_scale_and_not_whole():
    with pytest.raises(SchemaError) as raised:
        validate(make_contacts(nps=[11.0, 9.5, np.nan, -1.0]))
    assert [str(p) for p in raised.value.problems] == [
        "contacts.nps: 2 rows outside 0..10 (first ids: 1, 4)",
        "contacts.nps: 1 row not a whole number (first ids: 2)",
    ]


def test_integer_csat_column_is_fine_and_checked_for_range():
    problem = only_problem(make_contacts(csat=pd.array([5, 2, None, 7], dtype="Int64")))
    assert str(problem) == "contacts.csat: 1 row outside 1..5 (first ids: 4)"


@pytest.mark.parametrize(
    ("scale", "answers", "message"),
    [
        # 1..7: 8 and 0 are outside.
        (7, [7.0, 8.0, np.nan, 0.0], "contacts.csat: 2 rows outside 1..7 (first ids: 2, 4)"),
        # 1..10: only 11 is outside; 9 and 10 are fine on this scale.
        (10, [9.0, 10.0, np.nan, 11.0], "contacts.csat: 1 row outside 1..10 (first ids: 4)"),
    ],
)
def test_csat_is_checked_against_the_declared_scale(scale, answers, message):
    contacts = make_contacts(csat=answers)
    with pytest.raises(SchemaError) as raised:
        validate(contacts, csat_scale=scale)
    assert [str(p) for p in raised.value.problems] == [message]


def test_csat_scale_follows_the_session_default():
    contacts = make_contacts(csat=[9.0, 10.0, np.nan, 1.0])  # a 1..10 survey
    with pytest.raises(SchemaError, match="outside 1..5"):
        validate(contacts)
    with kk.options.context(csat_scale=10):
        assert validate(contacts).contacts is contacts
    with pytest.raises(ValueError, match="csat_scale"):
        validate(contacts, csat_scale=4)
    assert [s.max for s in table_specs("contacts", csat_scale=7) if s.name == "csat"] == [7]


def test_direction_is_inbound_or_outbound():
    valid = make_contacts(direction=["inbound", "outbound", None, "inbound"])
    assert validate(valid).contacts is valid
    problem = only_problem(make_contacts(direction=["inbound", "Outbound", None, "out"]))
    assert str(problem) == (
        "contacts.direction: 2 rows not one of inbound, outbound (first ids: 2, 4)"
    )


def test_dataset_shows_as_compact_html():
    page = Dataset(make_contacts(), make_intervals(), None)._repr_html_()
    assert "contacts</th><td style='text-align:left'>4 rows, 2024-03-04 to 2024-03-04" in page
    assert "agent_intervals</th><td style='text-align:left'>3 rows" in page
    assert "costs</th><td style='text-align:left'>none" in page
    lazy = Dataset(pl.from_pandas(make_contacts()).lazy())._repr_html_()
    assert "lazy (polars)" in lazy


def test_qa_score_outside_0_to_100():
    problem = only_problem(make_contacts(qa_score=[100.5, np.nan, np.nan, -0.5]))
    assert str(problem) == "contacts.qa_score: 2 rows outside 0..100 (first ids: 1, 4)"


def test_duplicate_contact_id_reports_the_repeats():
    problem = only_problem(make_contacts(contact_id=[7, 8, 7, 7]))
    # id 7 appears three times: the second and third rows are repeats (positions 2 and 3);
    # the repeated id is quoted once, as on every engine (de55fa1).
    assert str(problem) == (
        "contacts.contact_id: 2 rows repeating the contact_id of an earlier row (first ids: 7)"
    )


def test_agent_on_an_abandoned_contact():
    problem = only_problem(make_contacts(agent_id=["a1", "a2", "a9", "a1"]))
    assert str(problem) == (
        "contacts.agent_id: 1 row with an agent_id although not answered (first ids: 3)"
    )


@pytest.mark.parametrize("column", ["talk_s", "hold_s", "acw_s"])
def test_handle_time_on_an_abandoned_contact(column):
    values = make_contacts()[column].tolist()
    values[2] = 5.0
    problem = only_problem(make_contacts(**{column: values}))
    assert str(problem) == f"contacts.{column}: 1 row above 0 although not answered (first ids: 3)"


@pytest.mark.parametrize("engine", ["pandas", "polars", "duckdb"])
@pytest.mark.parametrize("column", ["talk_s", "hold_s", "acw_s"])
def test_nan_on_an_abandoned_contact_is_only_not_a_number(column, engine):
    # DuckDB and polars put NaN above every number; it is still not "above 0".
    values = make_contacts()[column].tolist()
    values[2] = float("nan")
    table = pa.Table.from_pandas(make_contacts(**{column: values}), preserve_index=False)
    table = table.set_column(
        table.schema.get_field_index(column), column, pa.array(values, from_pandas=False)
    )
    data = {
        "pandas": lambda: table.to_pandas(types_mapper=pd.ArrowDtype),
        "polars": lambda: pl.from_arrow(table),
        "duckdb": lambda: duckdb.connect().from_arrow(table),
    }[engine]()
    problem = only_problem(data)
    assert str(problem) == f"contacts.{column}: 1 row with a NaN or infinite value (first ids: 3)"


def test_abandoned_contacts_may_have_null_handle_time():
    contacts = make_contacts(talk_s=[120.0, 300.0, np.nan, 60.0], acw_s=[1.0, 2.0, np.nan, 3.0])
    assert validate(contacts).contacts is contacts


def test_answered_contact_without_talk_time():
    problem = only_problem(make_contacts(talk_s=[np.nan, 300.0, 0.0, np.nan]))
    assert str(problem) == "contacts.talk_s: 2 rows answered but with no talk_s (first ids: 1, 4)"


def test_transferred_abandoned_contact():
    problem = only_problem(make_contacts(transferred=[False, True, True, False]))
    assert str(problem) == (
        "contacts.transferred: 1 row marked transferred although not answered (first ids: 3)"
    )


def test_only_the_first_five_ids_are_quoted():
    count = 8
    contacts = pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(count)],
            "arrived_at": pd.Timestamp("2024-03-04 09:00"),
            "answered": True,
            "wait_s": -1.0,
        }
    )
    problem = only_problem(contacts)
    assert problem.count == 8
    assert str(problem) == "contacts.wait_s: 8 rows below 0 (first ids: c0, c1, c2, c3, c4)"


def test_every_problem_is_reported_in_one_message():
    contacts = make_contacts(
        wait_s=[-1.0, 25.0, 60.0, 0.0],
        csat=[5.0, 9.0, np.nan, 4.0],
        agent_id=["a1", "a2", "a3", "a1"],
    ).drop(columns="arrived_at")
    with pytest.raises(SchemaError) as raised:
        validate(contacts)
    message = str(raised.value)
    assert message.splitlines() == [
        "The data does not follow the kpikit schema (4 problems):",
        "- contacts.arrived_at: required column is missing (columns present: contact_id, "
        "answered, wait_s, channel, queue, agent_id, customer_id, reason, talk_s, hold_s, acw_s, "
        "transferred, resolved, csat, nps, qa_score)",
        "- contacts.wait_s: 1 row below 0 (first ids: 1)",
        "- contacts.csat: 1 row outside 1..5 (first ids: 2)",
        "- contacts.agent_id: 1 row with an agent_id although not answered (first ids: 3)",
    ]
    assert isinstance(raised.value, ValueError)


def test_schema_error_accepts_a_plain_message():
    error = SchemaError("contacts.csv: not a table")
    assert str(error) == "contacts.csv: not a table" and error.problems == ()


# ---- row-level problems: agent intervals and costs -----------------------------------------


def test_interval_seconds_negative_or_empty():
    intervals = make_intervals(paid_s=[1800.0, -5.0, 1800.0], handling_s=[1200.0, 1000.0, np.nan])
    with pytest.raises(SchemaError) as raised:
        validate(Dataset(make_contacts(), intervals))
    assert [str(p) for p in raised.value.problems] == [
        "agent_intervals.paid_s: 1 row below 0 "
        "(first (agent_id, interval_start): (a1, 2024-03-04 09:30:00))",
        "agent_intervals.handling_s: 1 row empty; write 0 for no time "
        "(first (agent_id, interval_start): (a2, 2024-03-04 09:00:00))",
    ]
    assert raised.value.problems[0].examples == ((("a1", pd.Timestamp("2024-03-04 09:30"))),)


def test_adherent_time_above_scheduled_time():
    intervals = make_intervals(adherent_s=[1700.0, 1900.0, 1500.0])
    problem = only_problem(Dataset(make_contacts(), intervals))
    assert (problem.column, problem.count) == ("adherent_s", 1)
    assert "with adherent_s above scheduled_s" in str(problem)


def test_duplicate_agent_interval():
    intervals = make_intervals(
        agent_id=["a1", "a1", "a1"],
        interval_start=pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-04 09:00"]),
    )
    problem = only_problem(Dataset(make_contacts(), intervals))
    assert str(problem) == (
        "agent_intervals.interval_start: 1 row repeating the (agent_id, interval_start) of an "
        "earlier row (first (agent_id, interval_start): (a1, 2024-03-04 09:00:00))"
    )


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_agent_intervals_missing_an_id_repeat_nothing(engine):
    # Rows 0 and 1 share an interval but have no agent: each is an empty id, not a repeat of
    # the other; row 2 has its own (agent, interval). Worked by hand: 2 empty ids, 0 repeats.
    intervals = make_intervals(
        agent_id=[None, None, "a1"],
        interval_start=pd.to_datetime(["2024-03-04 09:00"] * 3),
    )
    if engine == "polars":
        intervals = pl.from_pandas(intervals)
    problem = only_problem(Dataset(make_contacts(), intervals))
    assert (problem.column, problem.count) == ("agent_id", 2)
    assert "empty in a required column" in str(problem)


def test_costs_are_quoted_by_row_position():
    costs = make_costs(cost=[-10.0, 250.0], period_start=pd.to_datetime(["2024-03-01", None]))
    with pytest.raises(SchemaError) as raised:
        validate(Dataset(make_contacts(), costs=costs))
    assert [str(p) for p in raised.value.problems] == [
        "costs.period_start: 1 row empty in a required column (first row positions: 1)",
        "costs.cost: 1 row below 0 (first row positions: 0)",
    ]


# ---- lenient mode ------------------------------------------------------------------------


def test_lenient_report_lists_rows_and_apply_drops_them():
    contacts = make_contacts(wait_s=[-1.0, 25.0, 60.0, 0.0], csat=[5.0, 2.0, np.nan, 8.0])
    intervals = make_intervals(adherent_s=[1700.0, 1900.0, 1500.0])
    data = Dataset(contacts, intervals, make_costs())
    report = validate(data, lenient=True)
    assert not report.ok
    # Contact 1 has a negative wait (position 0), contact 4 a csat of 8 (position 3);
    # interval (a1, 09:30) is position 1.
    assert report.rows_to_drop == {"contacts": (0, 3), "agent_intervals": (1,), "costs": ()}
    assert "apply() drops 2 of 4 contacts rows, 1 of 3 agent_intervals rows." in str(report)

    cleaned = report.apply(data)
    assert cleaned.contacts["contact_id"].tolist() == [2, 3]
    assert cleaned.agent_intervals["adherent_s"].tolist() == [1700.0, 1500.0]
    assert cleaned.costs is data.costs
    assert validate(cleaned) is cleaned
    # The input is never modified.
    assert len(data.contacts) == 4 and len(data.agent_intervals) == 3


def test_lenient_keeps_the_first_of_duplicate_ids():
    contacts = make_contacts(contact_id=[7, 8, 7, 9])
    report = validate(contacts, lenient=True)
    assert report.rows_to_drop["contacts"] == (2,)
    assert report.apply(contacts).contacts["contact_id"].tolist() == [7, 8, 9]


def test_apply_refuses_other_data():
    report = validate(make_contacts(wait_s=[-1.0, 25.0, 60.0, 0.0]), lenient=True)
    with pytest.raises(ValueError, match="made for a contacts table of 4 rows but received 3"):
        report.apply(make_contacts().head(3))


def test_apply_on_polars_returns_polars():
    contacts = pl.from_pandas(make_contacts(wait_s=[-1.0, 25.0, 60.0, 0.0]))
    cleaned = validate(contacts, lenient=True).apply(contacts)
    assert isinstance(cleaned.contacts, pl.DataFrame)
    assert cleaned.contacts["contact_id"].to_list() == [2, 3, 4]


def test_lenient_lazy_reports_but_cannot_drop_by_position():
    contacts = pl.from_pandas(make_contacts(wait_s=[-1.0, 25.0, 60.0, 0.0])).lazy()
    report = validate(contacts, lenient=True)
    assert [p.count for p in report.problems] == [1]
    assert report.rows_to_drop == {"contacts": None}
    with pytest.raises(ValueError, match="lazy contacts frame"):
        report.apply(contacts)


# ---- engines -------------------------------------------------------------------------------


def broken_contacts() -> pd.DataFrame:
    return make_contacts(
        contact_id=[1, 2, 3, 1],
        wait_s=[-1.0, np.nan, 60.0, 0.0],
        csat=[5.0, 2.5, np.nan, 6.0],
        agent_id=["a1", "a2", "a3", "a1"],
    )


EXPECTED_BROKEN = [
    "contacts.wait_s: 1 row empty in a required column (first ids: 2)",
    "contacts.wait_s: 1 row below 0 (first ids: 1)",
    "contacts.csat: 1 row outside 1..5 (first ids: 1)",
    "contacts.csat: 1 row not a whole number (first ids: 2)",
    "contacts.agent_id: 1 row with an agent_id although not answered (first ids: 3)",
    "contacts.contact_id: 1 row repeating the contact_id of an earlier row (first ids: 1)",
]


def to_duckdb(frame: pd.DataFrame):
    return duckdb.from_arrow(pa.Table.from_pandas(frame, preserve_index=False))


@pytest.fixture(
    params=[
        pytest.param(lambda frame: frame, id="pandas"),
        pytest.param(pl.from_pandas, id="polars"),
        pytest.param(lambda frame: pl.from_pandas(frame).lazy(), id="polars-lazy"),
        pytest.param(to_duckdb, id="duckdb"),
    ]
)
def constructor(request):
    return request.param


def test_same_problems_on_every_engine(constructor):
    native = constructor(broken_contacts())
    assert [str(p) for p in check(native).problems] == EXPECTED_BROKEN


def test_valid_data_passes_on_every_engine(constructor):
    native = constructor(make_contacts())
    assert validate(native).contacts is native
    report = validate(native, lenient=True)
    assert report.ok and report.apply(native).contacts is native


def test_polars_nan_counts_as_missing():
    contacts = pl.from_pandas(make_contacts()).with_columns(
        pl.Series("wait_s", [10.0, float("nan"), 60.0, 0.0])
    )
    problem = only_problem(contacts)
    assert str(problem) == "contacts.wait_s: 1 row empty in a required column (first ids: 2)"
