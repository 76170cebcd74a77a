"""kpikit.scenarios: a channel or queue the contacts cannot say is a named error."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit.catalog import example_dataset
from kpikit.scenarios import scenario_from_data, scenario_from_forecast


def test_a_queue_is_refused_when_the_contacts_have_no_queue_column():
    # The worked example has no queue column: queue="billing" was ignored and the scenario
    # built from every contact, as if they were all of that queue.
    with pytest.raises(ValueError, match="'queue' is 'billing' but the contacts have no queue"):
        scenario_from_data(example_dataset(), queue="billing")


def test_without_a_channel_column_every_contact_is_a_phone_call():
    contacts = example_dataset().contacts.drop(columns="channel")
    assert scenario_from_data(contacts).name == "baseline"  # "phone", the default, keeps all
    with pytest.raises(ValueError, match="'channel' is 'chat' but the contacts have no channel"):
        scenario_from_data(contacts, channel="chat")  # was built from the phone calls


def _with_agent_time(handling_s, available_s, paid_s=(1800.0, 1800.0)):
    """The worked example with two agent intervals of the given seconds."""
    data = example_dataset()
    intervals = pd.DataFrame(
        {
            "agent_id": ["u", "v"],
            "interval_start": pd.to_datetime(["2024-01-01 09:00"] * 2),
            "paid_s": list(paid_s),
            "handling_s": list(handling_s),
            "available_s": list(available_s),
        }
    )
    return kk.Dataset(contacts=data.contacts, agent_intervals=intervals)


def test_agent_time_beyond_paid_time_is_refused_not_clamped():
    # handling + available: 1500 + 600 = 2100 s and 1700 + 200 = 1900 s, each over its 1800 s
    # paid; 4000 s > 3600 s paid in total -> shrinkage 1 - 4000 / 3600 = -0.11, was clamped to 0
    data = _with_agent_time(handling_s=[1500.0, 1700.0], available_s=[600.0, 200.0])
    with pytest.raises(
        ValueError,
        match=r"'handling_s' \+ 'available_s' of 'agent_intervals' add up to 4,000 s, more than "
        r"'paid_s' \(3,600 s\) allows: 2 row\(s\) .* \(first row positions: 0, 1\)",
    ):
        scenario_from_data(data)
    # a shrinkage given is used as it is: nothing to calibrate
    assert scenario_from_data(data, shrinkage=0.3).shrinkage == 0.3


def test_agent_intervals_without_agent_time_are_refused_not_clamped():
    # no handling nor available second in 3600 s paid: shrinkage 1 - 0 / 3600 = 1 was clamped
    # to 0.99 (100 times the agents); 18 s of 3600 s (handling in minutes?) gives 0.995, also
    # clamped to 0.99 without a word
    for seconds, share in ((0.0, r"0\.00%"), (9.0, r"0\.50%")):
        data = _with_agent_time(handling_s=[seconds, seconds], available_s=[0.0, 0.0])
        with pytest.raises(
            ValueError, match=rf"add up to {2 * seconds:.0f} s, {share} of the 3,600 s of 'paid_s'"
        ):
            scenario_from_data(data)


def test_agent_intervals_read_for_shrinkage_are_checked():
    # a negative paid time made the total 0 and shrinkage silently 0
    data = _with_agent_time([900.0, 900.0], [0.0, 0.0], paid_s=[1800.0, -1800.0])
    with pytest.raises(kk.SchemaError, match=r"paid_s: 1 row below 0 \(first row positions: 1\)"):
        scenario_from_data(data)


def test_calibrated_shrinkage_by_hand():
    # 1 - (900 + 700 + 600 + 500) / 3600 = 0.25, no longer capped at 0.99 below 1
    assert scenario_from_data(_with_agent_time([900.0, 700.0], [600.0, 500.0])).shrinkage == (
        pytest.approx(0.25)
    )
    # 1 - 36 / 3600 = 0.99, the most calibrated (on the phones 1 % of the paid time)
    nearly_away = _with_agent_time([18.0, 18.0], [0.0, 0.0])
    assert scenario_from_data(nearly_away).shrinkage == pytest.approx(0.99)


def test_no_contacts_are_refused_by_name():
    # the arrival profile of no contacts is an empty frame now; the scenario still says why
    empty = example_dataset().contacts.iloc[:0]
    with pytest.raises(ValueError, match="'data' holds no contacts; a scenario needs"):
        scenario_from_data(empty)


def _log(**columns):
    """Four calls: Mon 5 Jan 09:05 and 09:40, Mon 12 Jan 09:10, Tue 6 Jan 10:00 (2026)."""
    log = pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": pd.to_datetime(
                ["2026-01-05 09:05", "2026-01-05 09:40", "2026-01-12 09:10", "2026-01-06 10:00"]
            ),
            "answered": [True, False, True, True],
            "wait_s": [10.0, 50.0, 40.0, 5.0],
            "talk_s": [200.0, 0.0, 260.0, 100.0],
        }
    )
    return log.assign(**columns)


def test_a_patience_the_models_cannot_take_is_refused_on_the_data():
    # every wait 0 s: patience 0 s / 1 abandon = 0 s, which the Scenario refused as
    # "Value of 'patience_s' must be a finite number >= 0.001", a parameter nobody gave here
    with pytest.raises(ValueError, match=r"Column 'wait_s' gives a mean patience of 0 s"):
        scenario_from_data(_log(wait_s=0.0))
    # waits in days rather than seconds: (4e-5) / 1 abandon, same story
    with pytest.raises(ValueError, match=r"mean patience of 4e-05 s"):
        scenario_from_data(_log(wait_s=1e-5))


def test_an_interval_without_handle_time_is_named():
    # the Tuesday 10:00 call is answered with 0 s of talk: its interval's AHT is 0 s, refused by
    # the Scenario as "'aht_s' ... first positions: 68", an interval index, not a time of day
    with pytest.raises(ValueError, match=r"in 1 interval\(s\) \(Tue 10:00: 0 s\)"):
        scenario_from_data(_log(talk_s=[200.0, 0.0, 260.0, 0.0]))


def _forecast(**columns):
    """Six half hours of the Paris spring change (02:00 to 03:00 does not exist)."""
    periods = pd.date_range("2026-03-29 00:00", periods=6, freq="30min", tz="Europe/Paris")
    return pd.DataFrame(
        {"period": periods, "forecast": [10.0, 12, 0, 5, 7, 8], "aht_s": 180.0}
    ).assign(**columns)


def test_forecast_periods_are_checked():
    # text starts failed in pandas' date parser (DateParseError, with a UserWarning)
    with pytest.raises(TypeError, match="Column 'period' of 'forecast' must hold timestamps"):
        scenario_from_forecast(_forecast(period="soon"))
    # missing starts were labelled "nan"
    with pytest.raises(ValueError, match=r"has 6 missing interval start\(s\)"):
        scenario_from_forecast(_forecast(period=pd.NaT))
    # the same six intervals twice made a scenario of 12 intervals, each volume counted twice
    twice = pd.concat([_forecast(), _forecast()])
    with pytest.raises(ValueError, match=r"repeats 6 interval start\(s\) \(first: 2026-03-29"):
        scenario_from_forecast(twice)


def test_a_polars_forecast_frame_is_read():
    # a polars frame failed with "Value of 'forecast' must be a number or numbers"
    scenario = scenario_from_forecast(pl.from_pandas(_forecast()))
    assert scenario.volume.tolist() == [10.0, 12, 0, 5, 7, 8]
    # the local clock of the spring change: 01:30 is followed by 03:00
    assert scenario.labels[3:5] == ("Sun 01:30", "Sun 03:00")


@pytest.mark.parametrize(
    ("cost", "problem"),
    [
        ([float("nan")], r"costs.cost: 1 row empty in a required column"),  # was 0.0 per hour
        ([-40.0], r"costs.cost: 1 row below 0"),  # was "'cost_per_agent_hour' must be ... >= 0"
        (["40"], r"costs.cost: wrong type: holds text"),  # was a raw numpy TypeError (ufunc)
    ],
)
def test_costs_read_for_the_cost_of_an_hour_are_checked(cost, problem):
    data = example_dataset()
    costs = pd.DataFrame({"period_start": pd.to_datetime(["2026-03-01"]), "cost": cost})
    with_costs = kk.Dataset(
        contacts=data.contacts, agent_intervals=data.agent_intervals, costs=costs
    )
    with pytest.raises(kk.SchemaError, match=problem):
        scenario_from_data(with_costs)
    # a cost per hour given is used as it is: the costs are not read
    assert scenario_from_data(with_costs, cost_per_agent_hour=30.0).cost_per_agent_hour == 30.0


def _two_channel_log():
    """Five weeks of Paris contacts (tests/test_forecast_minutes.log_around), as phone or chat,
    with customers calling back and CSAT answers, so that every measured KPI has a value."""
    from test_forecast_minutes import log_around

    log = log_around("2024-10-27")
    rng = np.random.default_rng(3)
    return log.assign(
        channel=rng.choice(["phone", "chat"], len(log), p=[0.8, 0.2]),
        customer_id=[f"u{i}" for i in rng.integers(0, 2_000, len(log))],
        transferred=np.where(log["answered"], rng.random(len(log)) < 0.1, False),
        csat=np.where(rng.random(len(log)) < 0.3, rng.integers(1, 6, len(log)), np.nan),
    )


@pytest.mark.parametrize("kind", ["duckdb", "polars", "polars_lazy", "path"])
def test_a_scenario_of_a_lazy_log_is_calibrated_in_its_engine_and_equals_pandas(
    kind, tmp_path, monkeypatch
):
    # The phone contacts of queue billing: filtered, profiled, timed and measured by the
    # engine, never read contact by contact, and the same scenario as from pandas (to
    # rounding: the engine adds up in another order).
    from test_forecast_minutes import source

    from kpikit import calibrate

    log = _two_channel_log()
    expected = scenario_from_data(log, queue="billing")
    lazy = source(log, kind, tmp_path)
    monkeypatch.setattr(calibrate, "contacts_frame", None)
    monkeypatch.setattr(calibrate, "checked_contacts", None)
    got = scenario_from_data(lazy, queue="billing")
    for name in ("volume", "aht_s"):
        np.testing.assert_allclose(getattr(got, name), getattr(expected, name), rtol=1e-12)
    assert got.labels == expected.labels and len(got.labels) > 100
    for name in ("patience_s", "csat", "fcr", "reference_asa_s"):
        assert getattr(got, name) == pytest.approx(getattr(expected, name), rel=1e-12)
    assert expected.fcr is not None and expected.csat is not None
    # a channel or queue no contact has is named with those there are, as from pandas
    with pytest.raises(ValueError, match=r"'queue' is not in the data. Expected one of \['bill"):
        scenario_from_data(lazy, queue="sales desk")
    with pytest.raises(ValueError, match=r"'channel' is not in the data.*\['chat', 'phone'\]"):
        scenario_from_data(lazy, channel="email")
    with pytest.raises(ValueError, match="'data' holds no contacts"):
        scenario_from_data(source(log.iloc[:0], kind, tmp_path))


@pytest.mark.parametrize("kind", ["pandas", "duckdb", "polars_lazy"])
def test_a_channel_or_queue_that_is_not_a_name_is_refused_before_any_engine_sees_it(kind, tmp_path):
    # DuckDB cast every channel to the number given ("Conversion Error: Could not convert
    # string 'phone' to INT32"), polars could not compare text with numbers, and pandas found
    # no contact of channel 5, or failed on a list ("Lengths must match to compare"); the
    # day plans did the same with their channel
    from test_forecast_minutes import source

    log = _two_channel_log()
    data = log if kind == "pandas" else source(log, kind, tmp_path)
    for options, problem in (
        ({"channel": 5}, r"'channel' must be one channel name \(str\) or None but received: 5 "),
        ({"queue": 3.5}, r"'queue' must be one queue name \(str\) or None but received: 3.5 "),
        ({"queue": ["billing"]}, r"'queue' must be one queue name .* \['billing'\] \(list\)"),
    ):
        with pytest.raises(TypeError, match=problem):
            scenario_from_data(data, **options)
    for plan in (kk.whatif.plan_days, kk.whatif.forecast_day):
        with pytest.raises(TypeError, match=r"'channel' must be one channel name .*: 5 \(int\)"):
            plan(data, channel=5)


def _two_months(paid_months, cost_months):
    """The worked example with agent intervals and costs of the given months (March, April)."""
    data = example_dataset()
    starts = {"2026-03": "2026-03-02 09:00", "2026-04": "2026-04-01 09:00"}
    paid_s = {"2026-03": 1800.0, "2026-04": 3600.0}
    cost = {"2026-03": 40.0, "2026-04": 90.0}
    intervals = pd.DataFrame(
        {
            "agent_id": "u",
            "interval_start": pd.to_datetime([starts[m] for m in paid_months]),
            "paid_s": [paid_s[m] for m in paid_months],
            "handling_s": 900.0,
            "available_s": 600.0,
        }
    )
    costs = pd.DataFrame(
        {
            "period_start": pd.to_datetime([f"{m}-01" for m in cost_months]),
            "cost": [cost[m] for m in cost_months],
        }
    )
    return kk.Dataset(contacts=data.contacts, agent_intervals=intervals, costs=costs)


def test_the_cost_of_an_agent_hour_pairs_each_month_with_its_paid_time():
    # March: cost 40 over 1800 s paid = 40 / 0.5 h = 80.0 an hour
    assert scenario_from_data(_two_months(["2026-03"], ["2026-03"])).cost_per_agent_hour == 80.0
    # both months: (40 + 90) / ((1800 + 3600) s / 3600) = 130 / 1.5 = 86.67 an hour
    both = _two_months(["2026-03", "2026-04"], ["2026-03", "2026-04"])
    assert scenario_from_data(both).cost_per_agent_hour == pytest.approx(130 / 1.5)


def test_months_of_costs_or_paid_time_without_the_other_are_refused_with_the_months():
    # March's paid time beside March's and April's costs: (40 + 90) / 0.5 h = 260 an hour
    # was given, two months of cost over one month's hours
    with pytest.raises(
        ValueError,
        match=r"'costs' and 'agent_intervals' cover different months, .* 1 month\(s\) of costs "
        r"have no paid time in the agent intervals \(2026-04-01\); give both tables the same "
        r"months, or give 'cost_per_agent_hour'",
    ):
        scenario_from_data(_two_months(["2026-03"], ["2026-03", "2026-04"]))
    # March's cost beside March's and April's paid time: 40 / 1.5 h = 26.67 was given
    with pytest.raises(
        ValueError,
        match=r"1 month\(s\) of paid time in the agent intervals have no costs \(2026-04-01\)",
    ):
        scenario_from_data(_two_months(["2026-03", "2026-04"], ["2026-03"]))
    # no month in common: April's 90 over March's 0.5 h = 180 an hour was given
    with pytest.raises(ValueError, match=r"share no month, .* costs .* \(2026-04-01\); 1 month"):
        scenario_from_data(_two_months(["2026-03"], ["2026-04"]))
    # a cost per hour given is used as it is: the tables are not paired
    given = scenario_from_data(_two_months(["2026-03"], ["2026-04"]), cost_per_agent_hour=30.0)
    assert given.cost_per_agent_hour == 30.0
