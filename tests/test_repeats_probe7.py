"""FCR options a careless user gives: a repeated match column, a window finer than a millisecond.

Expected values by hand on tiny logs, on pandas, polars and a DuckDB relation alike.
"""

from datetime import timedelta

import duckdb
import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit._frames import to_pandas
from kpikit.options import Options

T0 = pd.Timestamp("2026-03-02 09:00")
ENGINES = ["pandas", "polars", "duckdb"]


def contacts(*rows):
    """rows: (contact_id, time after T0, customer_id); every contact answered, reason "x"."""
    frame = pd.DataFrame(rows, columns=["contact_id", "after", "customer_id"])
    frame["arrived_at"] = T0 + pd.to_timedelta(frame.pop("after"))
    return frame.assign(reason="x", agent_id="A", answered=True, wait_s=5.0, talk_s=60.0)


def native(frame, engine):
    return {"pandas": frame, "polars": pl.from_pandas(frame), "duckdb": duckdb.from_df(frame)}[
        engine
    ]


def fcr_sums(frame, **options):
    """(numerator, denominator) of kk.compute's FCR over the whole log."""
    row = to_pandas(kk.compute(frame, kpis=["fcr"], **options))
    return tuple(row[["numerator", "denominator"]].iloc[0])


@pytest.mark.parametrize("engine", ENGINES)
def test_a_match_column_named_twice_is_refused_on_every_engine(engine):
    # ("customer_id", "reason", "customer_id") is a slip for another column. Before, pandas and
    # DuckDB keyed on it silently while eager polars raised polars' own DuplicateError ("column
    # with name 'customer_id' has more than one occurrence"); now every engine refuses it
    # naming the option and the column.
    frame = native(contacts((1, "0h", "c"), (2, "300h", "z")), engine)
    with pytest.raises(ValueError, match=r"'fcr_match' names 1 column\(s\) more than once"):
        kk.compute(frame, kpis=["fcr"], fcr_match=("customer_id", "reason", "customer_id"))


def test_a_match_column_named_twice_is_refused_by_options():
    with pytest.raises(ValueError, match="'customer_id'"):
        Options(fcr_match=["customer_id", "customer_id"])
    assert Options(fcr_match=["customer_id", "reason"]).fcr_match == ("customer_id", "reason")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_window_finer_than_a_millisecond_is_refused_not_cut(engine):
    # By hand, window 48 h 600 us (inclusive): c calls at 0 and again at 48 h 500 us, inside
    # the window: a repeat, so FCR 0 of 1 (z at 300 h closes the window, not judged itself).
    # Before, the window was cut to 48 h and the repeat fell outside it: 2 of 2 on every
    # engine. FCR measures to the millisecond, so the window is now refused.
    late = pd.Timedelta("48h 500us")
    frame = native(contacts((1, "0h", "c"), (2, late, "c"), (3, "300h", "z")), engine)
    with pytest.raises(ValueError, match="'fcr_window' must be a whole number of milliseconds"):
        fcr_sums(frame, fcr_window=timedelta(hours=48, microseconds=600))
    # A whole-millisecond window 48 h 1 ms holds the repeat at 48 h 500 us: 0 of 1.
    assert fcr_sums(frame, fcr_window=timedelta(hours=48, milliseconds=1)) == (0.0, 1.0)
    # The 48 h window leaves it outside: c's two contacts are both first contacts with no
    # repeat, 2 of 2.
    assert fcr_sums(frame, fcr_window="48h") == (2.0, 2.0)


def test_a_window_string_finer_than_a_millisecond_is_refused():
    # "48.0000001h" is 48 h and 0.36 ms: not a whole number of milliseconds.
    with pytest.raises(ValueError, match="whole number of milliseconds"):
        Options(fcr_window="48.0000001h")
    assert Options(fcr_window="48.5h").fcr_window == "48.5h"


def test_describe_takes_option_names_from_a_generator():
    # describe(name for name in ...) checked the names, which used the generator up, then
    # described none of them: '' (an empty Parameters section in a generated docstring). By
    # hand: one entry, whose first line names the option.
    from kpikit.options import describe

    text = describe(name for name in ["fcr_method"])
    assert text.splitlines()[0].strip().startswith("fcr_method : {'repeat', 'survey'")
    assert text == describe(["fcr_method"])
