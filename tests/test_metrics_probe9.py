"""Probe 9 of the KPI engine: definition variants, their totals and their options, by hand."""

import duckdb
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.metrics import component_sums


def contacts() -> pd.DataFrame:
    """Four contacts: #a answered after 10 s (CSAT 5), #b answered after 30 s (CSAT 3),
    #c abandoned after 5 s, #d answered after 20 s (CSAT 4)."""
    return pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d"],
            "arrived_at": pd.date_range("2026-01-05 09:00", periods=4, freq="5min"),
            "answered": [True, True, False, True],
            "wait_s": [10.0, 30.0, 5.0, 20.0],
            "csat": pd.array([5, 3, None, 4], dtype="Int64"),
        }
    )


ENGINES = {
    "pandas": lambda frame: frame,
    "polars": pl.from_pandas,
    "duckdb": lambda frame: duckdb.connect().from_df(frame),
}


@pytest.mark.parametrize("engine", list(ENGINES))
def test_component_sums_refuse_what_compute_refuses(engine):
    # #a waits -50 s and #b answers 9 on a 1..5 survey: compute refuses both. The calculator's
    # totals summed them (answered waits -50 + 30 + 20 = 0 s; CSAT 5, 9, 4 all >= 4: 3 of 3
    # satisfied), a number from values the data model refuses.
    bad = contacts()
    bad.loc[0, "wait_s"] = -50.0
    bad.loc[1, "csat"] = 9
    for kpi_id in ("asa", "csat"):
        with pytest.raises(kk.SchemaError) as compute_error:
            kk.compute(ENGINES[engine](bad), kpis=kpi_id)
        with pytest.raises(kk.SchemaError) as sums_error:
            component_sums(ENGINES[engine](bad), kpi_id)
        assert str(sums_error.value) == str(compute_error.value)
        assert "contacts.wait_s: 1 row below 0 (first ids: a)" in str(sums_error.value)
        assert "contacts.csat: 1 row outside 1..5 (first ids: b)" in str(sums_error.value)


def test_component_sums_of_valid_contacts_are_unchanged():
    # answered waits 10 + 30 + 20 = 60 s over 3 answered; CSAT 5, 3, 4: 2 of 3 are >= 4
    assert component_sums(contacts(), "asa") == {"answered_wait_s": 60.0, "answered": 3.0}
    assert component_sums(contacts(), "csat") == {"csat_satisfied": 2.0, "csat_responses": 3.0}


def fcr_contacts() -> pd.DataFrame:
    """Customer u calls at 09:00 and again 24 h later (a repeat within 48 h); v calls once, at
    09:00, 10 days before the log's last arrival (w, ten days later)."""
    t0 = pd.Timestamp("2026-01-05 09:00")
    return pd.DataFrame(
        {
            "contact_id": [1, 2, 3, 4],
            "arrived_at": [t0, t0 + pd.Timedelta("24h"), t0, t0 + pd.Timedelta("10D")],
            "answered": True,
            "wait_s": 5.0,
            "customer_id": ["u", "u", "v", "w"],
        }
    )


@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_misspelt_fcr_match_is_warned_of_when_every_kpi_is_asked_for(engine):
    # Keyed by customer_id: first contacts #1 (repeated by #2) and #3 (no repeat, judged),
    # #4 cannot be judged yet -> FCR 1 of 2 = 50 %. Misspelt, FCR vanished without a word.
    data = ENGINES[engine](fcr_contacts())
    with pytest.warns(UserWarning, match=r"fcr_match names column\(s\) \['custmer_id'\]") as w:
        table = kk.compute(data, fcr_match="custmer_id")
    assert "Did you mean 'customer_id'?" in str(w[0].message)
    assert "fcr" not in set(to_pandas(table)["kpi"])
    right = kk.compute(ENGINES[engine](fcr_contacts()), kpis="fcr", fcr_match="customer_id")
    assert to_pandas(right)[["value", "numerator", "denominator"]].values.tolist() == [
        [50.0, 1.0, 2.0]
    ]


@pytest.mark.parametrize("thresholds", [[20, 30], "20s", pd.Series({"phone": 20, "chat": 30})])
def test_a_threshold_of_the_wrong_kind_names_both_forms_it_may_take(thresholds):
    # sl_threshold_s takes one number or a mapping of channel to seconds; the message said
    # "must be a number" alone, hiding the mapping a per-channel list or Series was meant as.
    with pytest.raises(TypeError, match="'sl_threshold_s' must be seconds") as error:
        kk.compute(contacts(), kpis="service_level", sl_threshold_s=thresholds)
    assert "or a mapping of channel to seconds such as {'phone': 20, 'chat': 30}" in str(
        error.value
    )
