"""Tests for kpikit.sample: the synthetic generator and the bundled sample files.

The realism checks recompute KPIs with plain pandas from the definitions in DESIGN.md, so they
do not depend on kpikit.metrics. Ranges come from the benchmark article in the seeds
(ICMI/SQM figures quoted in "call center outsourcing KPIs": FCR 70-75 % average, CSAT 75-85 %,
NPS +20 to +30, AHT 4-6 min for general service, 80/20 service level, abandonment 5-8 %,
utilization 75-85 %, cost per contact phone 3.50-8.00, chat 2-5, email 1.50-4 USD).
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpikit import sample
from kpikit.sample import generate, load_sample, load_targets, write_sample
from kpikit.schema import validate

SAMPLE_DIR = Path(__file__).parents[1] / "sample_data"

CONTACT_DTYPES = {
    "contact_id": "int64",
    "arrived_at": "datetime64[s]",
    "answered": "bool",
    "wait_s": "float64",
    "channel": "str",
    "queue": "str",
    "team": "str",
    "site": "str",
    "agent_id": "str",
    "customer_id": "str",
    "reason": "str",
    "talk_s": "float64",
    "hold_s": "float64",
    "acw_s": "float64",
    "transferred": "bool",
    "resolved": "boolean",
    "csat": "Int64",
    "nps": "Int64",
    "qa_score": "float64",
}
INTERVAL_DTYPES = {
    "agent_id": "str",
    "team": "str",
    "site": "str",
    "interval_start": "datetime64[s]",
    "scheduled_s": "float64",
    "paid_s": "float64",
    "handling_s": "float64",
    "available_s": "float64",
    "adherent_s": "float64",
}
COST_DTYPES = {"period_start": "datetime64[s]", "channel": "str", "cost": "float64"}
KPI_IDS = [
    "aht",
    "asa",
    "service_level",
    "abandonment_rate",
    "answer_rate",
    "transfer_rate",
    "resolution_rate",
    "fcr",
    "csat",
    "nps",
    "qa_score",
    "occupancy",
    "utilization",
    "schedule_adherence",
    "cost_per_contact",
]


@pytest.fixture(scope="module")
def shipped():
    return load_sample()


@pytest.fixture(scope="module")
def small():
    return generate(days=14, agents=20, seed=3)


def answered(data):
    contacts = data.contacts
    return contacts[contacts["answered"]]


def handle_s(contacts):
    return contacts["talk_s"] + contacts["hold_s"] + contacts["acw_s"]


def dtypes(frame):
    """Column -> dtype name, text columns named ``str`` on pandas 2 (``object``) as on pandas 3."""
    return {
        column: "str" if pd.api.types.is_string_dtype(dtype) else str(dtype)
        for column, dtype in frame.dtypes.items()
    }


# --- determinism, columns, invariants -----------------------------------------------------------


def test_same_seed_gives_identical_frames():
    first, second = generate(days=5, agents=10, seed=5), generate(days=5, agents=10, seed=5)
    for table in ("contacts", "agent_intervals", "costs"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(second, table))


def test_another_seed_gives_other_data():
    first, second = generate(days=5, agents=10, seed=5), generate(days=5, agents=10, seed=6)
    assert not first.contacts["arrived_at"].equals(second.contacts["arrived_at"])


@pytest.mark.parametrize("source", ["shipped", "small"])
def test_columns_and_dtypes(source, request):
    data = request.getfixturevalue(source)
    assert dtypes(data.contacts) == CONTACT_DTYPES
    assert dtypes(data.agent_intervals) == INTERVAL_DTYPES
    assert dtypes(data.costs) == COST_DTYPES


@pytest.mark.parametrize("source", ["shipped", "small"])
def test_contacts_are_sorted_with_unique_ids(source, request):
    contacts = request.getfixturevalue(source).contacts
    assert contacts["contact_id"].is_unique
    ordered = contacts.sort_values(["arrived_at", "contact_id"], ignore_index=True)
    pd.testing.assert_frame_equal(contacts, ordered)


@pytest.mark.parametrize("source", ["shipped", "small"])
def test_abandoned_contacts_have_no_agent_and_no_handling(source, request):
    contacts = request.getfixturevalue(source).contacts
    assert (contacts["agent_id"].isna() == ~contacts["answered"]).all()
    abandoned = contacts[~contacts["answered"]]
    assert len(abandoned) > 0
    assert (abandoned[["talk_s", "hold_s", "acw_s"]] == 0).all().all()
    assert not abandoned["transferred"].any()
    for column in ("resolved", "csat", "nps", "qa_score"):
        assert abandoned[column].isna().all(), column
    assert (contacts.loc[contacts["answered"], "talk_s"] > 0).all()


@pytest.mark.parametrize("source", ["shipped", "small"])
def test_values_are_in_range(source, request):
    data = request.getfixturevalue(source)
    contacts, intervals = data.contacts, data.agent_intervals
    assert (contacts[["wait_s", "talk_s", "hold_s", "acw_s"]] >= 0).all().all()
    assert contacts["csat"].dropna().between(1, 5).all()
    assert contacts["nps"].dropna().between(0, 10).all()
    assert contacts["qa_score"].dropna().between(0, 100).all()
    assert set(contacts["channel"]) == {"phone", "chat", "email"}
    seconds = intervals.drop(columns=["agent_id", "team", "site", "interval_start"])
    assert (seconds >= 0).all().all()
    assert (intervals["adherent_s"] <= intervals["scheduled_s"]).all()
    assert (intervals["handling_s"] <= 1800).all()
    assert not intervals.duplicated(["agent_id", "interval_start"]).any()


def test_shipped_sample_passes_schema_validation(shipped):
    validate(shipped)


@pytest.mark.parametrize(
    ("argument", "value"), [("days", 0), ("agents", 5), ("seed", -1), ("days", 2.5)]
)
def test_bad_arguments_name_the_argument(argument, value):
    with pytest.raises(ValueError, match=f"'{argument}'.*{value!r}"):
        generate(**{argument: value})


def test_bad_start_is_rejected():
    with pytest.raises(ValueError, match="'start' is not a date"):
        generate(start="someday")


def test_smallest_center_works():
    data = generate(days=1, agents=6)
    validate(data)
    assert data.agent_intervals["agent_id"].nunique() <= 6


# --- consistency between the tables --------------------------------------------------------------


@pytest.mark.parametrize("source", ["shipped", "small"])
def test_handling_matches_contact_handle_time_per_agent_day(source, request):
    # consistency rule of kpikit.sample: per agent and day of answer (arrived_at + wait_s),
    # the agent intervals' handling_s adds up to the contacts' talk + hold + acw
    data = request.getfixturevalue(source)
    contacts = answered(data)
    answered_at = contacts["arrived_at"] + pd.to_timedelta(contacts["wait_s"], unit="s")
    answer_day = answered_at.dt.floor("D")
    from_contacts = handle_s(contacts).groupby([contacts["agent_id"], answer_day]).sum()
    intervals = data.agent_intervals
    from_intervals = intervals.groupby(
        [intervals["agent_id"], intervals["interval_start"].dt.floor("D")]
    )["handling_s"].sum()
    from_contacts.index.names = from_intervals.index.names = ["agent_id", "day"]
    both = pd.concat([from_contacts, from_intervals], axis=1, keys=["contacts", "intervals"])
    both = both.fillna(0.0)
    np.testing.assert_allclose(both["intervals"], both["contacts"], rtol=0.01)


def test_phone_and_chat_agents_are_on_shift_the_day_they_answer(shipped):
    contacts = answered(shipped)
    live = contacts[contacts["channel"] != "email"]
    answering = set(zip(live["agent_id"], live["arrived_at"].dt.floor("D"), strict=True))
    intervals = shipped.agent_intervals
    on_shift = zip(intervals["agent_id"], intervals["interval_start"].dt.floor("D"), strict=True)
    assert answering <= set(on_shift)


def test_cost_per_answered_contact_is_within_benchmark_ranges(shipped):
    contacts = answered(shipped)
    month = contacts["arrived_at"].dt.to_period("M").dt.start_time
    handled = contacts.groupby([month, contacts["channel"]]).size()
    costs = shipped.costs.set_index(["period_start", "channel"])["cost"]
    per_contact = (costs / handled.rename_axis(["period_start", "channel"])).unstack()
    # seeds: phone 3.50-8.00, chat 2.00-5.00, email 1.50-4.00 per contact
    assert per_contact["phone"].between(3.5, 8.0).all()
    assert per_contact["chat"].between(2.0, 5.0).all()
    assert per_contact["email"].between(1.5, 4.0).all()
    assert (per_contact["chat"] < per_contact["phone"]).all()


# --- realism of the shipped sample ---------------------------------------------------------------


def test_fast_agents_get_lower_csat(shipped):
    contacts = answered(shipped)
    per_agent = pd.DataFrame(
        {
            "aht": handle_s(contacts).groupby(contacts["agent_id"]).mean(),
            "top_box": (contacts["csat"] >= 4).groupby(contacts["agent_id"]).mean(),
            "responses": contacts["csat"].notna().groupby(contacts["agent_id"]).sum(),
        }
    )
    assert (per_agent["responses"] >= 100).all()
    correlation = np.corrcoef(per_agent["aht"], per_agent["top_box"].astype(float))[0, 1]
    assert correlation > 0.3


def test_abandonment_rises_with_waiting(shipped):
    live = shipped.contacts[shipped.contacts["channel"] != "email"]
    short = 1 - live.loc[live["wait_s"] < 20, "answered"].mean()
    long = 1 - live.loc[live["wait_s"] > 120, "answered"].mean()
    assert long > 3 * short


def test_survey_and_qa_sampling_rates(shipped):
    contacts = answered(shipped)
    assert 0.17 <= contacts["csat"].notna().mean() <= 0.23
    assert 0.08 <= contacts["nps"].notna().mean() <= 0.12
    assert 0.02 <= contacts["qa_score"].notna().mean() <= 0.04
    assert 0.03 <= contacts["resolved"].isna().mean() <= 0.10


def test_aggregate_levels_are_plausible(shipped):
    contacts, intervals = shipped.contacts, shipped.agent_intervals
    done = answered(shipped)
    phone = done[done["channel"] == "phone"]
    live = contacts[contacts["channel"] != "email"]
    within_20_s = (live["answered"] & (live["wait_s"] <= 20)).mean() * 100
    abandonment = (~contacts["answered"]).mean() * 100
    csat = (done["csat"].dropna() >= 4).mean() * 100
    nps_answers = done["nps"].dropna()
    nps = ((nps_answers >= 9).mean() - (nps_answers <= 6).mean()) * 100
    handling = intervals["handling_s"].sum()
    occupancy = handling / (handling + intervals["available_s"].sum()) * 100
    utilization = handling / intervals["paid_s"].sum() * 100
    adherence = intervals["adherent_s"].sum() / intervals["scheduled_s"].sum() * 100
    transfer = done["transferred"].mean() * 100
    assert 300 <= handle_s(phone).mean() <= 420  # 5-7 minutes
    assert 75 <= within_20_s <= 85
    # three sites of about 20 agents, one of them losing 30 % of its shifts for three weeks:
    # abandonment above the usual 5-8 %, and occupancy and utilization below those of one
    # 60-agent queue (small queues need more spare capacity for the same 80/20, Erlang C)
    assert 5 <= abandonment <= 10
    assert 75 <= csat <= 85
    assert 20 <= nps <= 35
    assert 55 <= occupancy <= 70
    assert 45 <= utilization <= 65
    assert 88 <= adherence <= 95
    assert 5 <= transfer <= 10


def test_first_contact_resolution_is_plausible(shipped):
    # FCR as defined in DESIGN.md: key (customer_id, reason), 48 h window, answered contacts;
    # first contacts whose window reaches past the end of the log are left out
    contacts = answered(shipped).sort_values(["arrived_at", "contact_id"])
    window = pd.Timedelta("48h")
    times = contacts.groupby(["customer_id", "reason"])["arrived_at"]
    previous, following = times.shift(1), times.shift(-1)
    first = previous.isna() | (contacts["arrived_at"] - previous > window)
    repeated = following.notna() & (following - contacts["arrived_at"] <= window)
    log_end = shipped.contacts["arrived_at"].max()
    judged = first & (repeated | (contacts["arrived_at"] + window <= log_end))
    fcr = (judged & ~repeated).sum() / judged.sum() * 100
    assert 70 <= fcr <= 80


def test_arrival_curves(shipped):
    phone = shipped.contacts[shipped.contacts["channel"] == "phone"]
    per_hour = phone.groupby(phone["arrived_at"].dt.hour).size()
    assert per_hour.idxmax() in (9, 10, 11, 13, 14, 15)
    assert per_hour[10] > per_hour[12] < per_hour[14]  # mid-morning and early-afternoon peaks
    day = shipped.contacts["arrived_at"].dt.floor("D")
    per_weekday = shipped.contacts.groupby(day).size().groupby(lambda d: d.day_of_week).mean()
    assert per_weekday.idxmax() == 0  # Monday heaviest
    assert per_weekday[[5, 6]].max() < 0.7 * per_weekday[[0, 1, 2, 3, 4]].min()
    email = shipped.contacts[shipped.contacts["channel"] == "email"]
    assert email["wait_s"].median() > 3600
    assert phone["wait_s"].median() < 60


def test_sites_differ_as_described(shipped):
    # kpikit.sample: North works to plan; Harbor resolves and satisfies less all quarter;
    # Lakeside loses 30 % of its shifts from 6 to 26 July and its service collapses
    contacts = shipped.contacts
    assert sorted(contacts["site"].unique()) == ["Harbor", "Lakeside", "North"]
    assert set(shipped.agent_intervals["site"]) == {"Harbor", "Lakeside", "North"}
    agents_per_site = contacts.dropna(subset=["agent_id"]).groupby("agent_id")["site"].nunique()
    assert (agents_per_site == 1).all()
    done = answered(shipped)
    top_box = (done["csat"].dropna() >= 4).groupby(done["site"]).mean()
    resolved = done["resolved"].astype(float).groupby(done["site"]).mean()
    assert top_box["Harbor"] < top_box["North"] - 0.05
    assert resolved["Harbor"] < resolved["North"] - 0.03
    lakeside = contacts[(contacts["site"] == "Lakeside") & (contacts["channel"] != "email")]
    in_time = lakeside["answered"] & (lakeside["wait_s"] <= 20)
    stretch = lakeside["arrived_at"].between("2026-07-06", "2026-07-26 23:59:59")
    assert in_time[stretch].mean() < in_time[~stretch].mean() - 0.15


def test_small_centers_have_one_site():
    data = generate(days=3, agents=20)
    assert set(data.contacts["site"]) == {"North"}


# --- bundled files -------------------------------------------------------------------------------


def test_shipped_files_are_generate_defaults(shipped):
    expected = generate()
    for table in ("contacts", "agent_intervals", "costs"):
        pd.testing.assert_frame_equal(getattr(shipped, table), getattr(expected, table))


def test_load_sample_returns_copies():
    first = load_sample()
    first.contacts.loc[:, "wait_s"] = -1.0
    assert (load_sample().contacts["wait_s"] >= 0).all()


def test_write_then_read_round_trips(small, tmp_path, monkeypatch):
    write_sample(small, tmp_path)
    monkeypatch.setattr(sample, "_sample_dir", lambda: tmp_path)
    tables = sample._read_tables.__wrapped__()
    for table in ("contacts", "agent_intervals", "costs"):
        pd.testing.assert_frame_equal(tables[table], getattr(small, table))


def test_written_files_are_byte_identical(small, tmp_path):
    first = write_sample(small, tmp_path / "first")
    second = write_sample(small, tmp_path / "second")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_shipped_folder_is_small():
    names = sorted(path.name for path in SAMPLE_DIR.iterdir())
    assert names == ["agent_intervals.csv.gz", "contacts.csv.gz", "costs.csv", "targets.csv"]
    assert sum(path.stat().st_size for path in SAMPLE_DIR.iterdir()) < 6 * 1024 * 1024


def test_targets_cover_every_kpi_once():
    targets = load_targets()
    assert list(targets.columns) == ["kpi", "target", "tolerance", "weight", "area"]
    assert sorted(targets["kpi"]) == sorted(KPI_IDS)
    assert targets["weight"].sum() == 100
    assert (targets["tolerance"] > 0).all()
    assert set(targets["area"]) == {"customer", "agent", "operations"}
    band = targets.set_index("kpi").loc["utilization"]
    assert (band["target"], band["tolerance"]) == (80.0, 5.0)


@pytest.mark.parametrize(
    ("start", "error"), [(5, TypeError), (True, TypeError), (pd.NaT, ValueError)]
)
def test_a_start_that_is_no_date_is_rejected(start, error):
    # 5 was read as 5 ns after 1970-01-01 and a sample of 1970 generated; NaT was an
    # AttributeError
    with pytest.raises(error, match="Value of 'start'"):
        generate(days=1, agents=6, start=start)


@pytest.mark.parametrize(("days", "agents"), [(90, 10**6), (10**9, 6), (20_000, 6)])
def test_a_sample_too_large_to_make_is_refused_before_it_is_made(days, agents):
    # 90 days of a million agents ran the process out of memory without a word
    with pytest.raises(ValueError, match="at most 100,000 agent-days"):
        generate(days=days, agents=agents)


@pytest.mark.parametrize(
    "start", [pd.Timestamp("2026-03-29", tz="Europe/Paris"), "2026-11-01T00:00-04:00"]
)
def test_a_start_with_a_time_zone_is_refused_by_name(start):
    # A Paris start ended in pandas' "Cannot use .astype to convert from timezone-aware dtype
    # to timezone-naive dtype" from deep in the simulation.
    with pytest.raises(ValueError, match="Value of 'start' must be a date without a time zone"):
        generate(days=1, agents=6, start=start)


@pytest.mark.parametrize(
    ("dataset", "out_dir", "error", "message"),
    [
        ("frame", "sample", TypeError, r"'dataset' must be a Dataset.*received: DataFrame$"),
        ("small", 5, TypeError, "Value of 'out_dir' must be a str or path; received int."),
        ("small", "file.csv", ValueError, "Value of 'out_dir' is a file, expected a folder"),
    ],
)
def test_write_sample_names_a_bad_argument(small, tmp_path, dataset, out_dir, error, message):
    # These were AttributeError ('DataFrame' object has no attribute 'contacts'), pathlib's
    # "expected str, bytes or os.PathLike object, not int" and FileExistsError [Errno 17].
    (tmp_path / "file.csv").write_text("x\n")
    out = out_dir if isinstance(out_dir, int) else tmp_path / out_dir
    with pytest.raises(error, match=message):
        write_sample(small if dataset == "small" else pd.DataFrame(), out)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file.csv"]


def test_write_sample_refuses_a_dataset_without_its_three_pandas_tables(small, tmp_path):
    # agent_intervals=None failed as "'NoneType' object has no attribute 'to_csv'", after
    # contacts.csv.gz was already written.
    partial = type(small)(contacts=small.contacts)
    with pytest.raises(TypeError, match="'agent_intervals': 'NoneType'"):
        write_sample(partial, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_slot_busier_than_its_servers_so_far_prints_no_overflow_warning():
    # Erlang C counts servers up from 1; while a slot's load (1,000 erlangs of 20 s contacts)
    # exceeds them by more than 709, exp(-(servers - load) * 20 / handle) overflowed and numpy
    # printed a RuntimeWarning (`kpikit sample --agents 100000`). The load of 5 erlangs needs 7
    # agents for the plan's 82 % within 20 s (Erlang C by hand: P(wait) 0.5875 with 6, 0.3241
    # with 7; 1 - P(wait) e^(-(N - 5) 20 / 20) = 78.4 % and 95.6 %); 1,000 need more than 1,000.
    from kpikit._synthetic.staffing import _required_agents

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        need = _required_agents(np.array([[5.0, 1000.0]]), 20.0)
    assert need[0, 0] == 7 and need[0, 1] > 1000
