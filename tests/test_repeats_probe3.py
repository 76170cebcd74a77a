"""FCR repeats on polars times finer than a microsecond: hand-made logs, expected values by hand."""

import pandas as pd
import polars as pl
import pytest

import kpikit as kk
from kpikit._frames import to_pandas

T0 = pd.Timestamp("2026-03-02 09:00")


def contacts(rows):
    """rows: (contact_id, time after T0, customer_id, agent_id)."""
    frame = pd.DataFrame(rows, columns=["contact_id", "after", "customer_id", "agent_id"])
    frame["arrived_at"] = T0 + pd.to_timedelta(frame.pop("after"))
    return frame.assign(answered=True, wait_s=5.0, talk_s=60.0)


def fcr_by(frame, **options):
    """(group, numerator, denominator) of kk.compute's FCR, sorted."""
    result = kk.compute(frame, kpis=["fcr"], **options)
    result = to_pandas(result)
    columns = [name for name in result.columns if name in ("agent_id",)]
    rows = result[[*columns, "numerator", "denominator"]].itertuples(index=False)
    return sorted(tuple(row) for row in rows)


@pytest.mark.parametrize("engine", ["pandas", "polars", "polars_lazy"])
def test_a_contact_a_nanosecond_past_the_window_is_not_a_repeat(engine):
    # By hand (48 h window, inclusive): c calls at 0 and at 48 h + 1 ns, past the window, so
    # both are first contacts without a repeat; d calls at 0, no repeat; z at 300 h closes
    # every window and cannot be judged itself. FCR = 3 resolved / 3 judged first contacts.
    # Eager polars subtracted a Python datetime (microseconds) and read 48 h + 1 ns as 48 h:
    # a repeat, 1 / 2.
    frame = contacts(
        [
            (1, "0h", "c", "A"),
            (2, pd.Timedelta("48h") + pd.Timedelta(1, "ns"), "c", "A"),
            (3, "0h", "d", "A"),
            (4, "300h", "z", "A"),
        ]
    )
    native = {
        "pandas": frame,
        "polars": pl.from_pandas(frame),
        "polars_lazy": pl.from_pandas(frame).lazy(),
    }[engine]
    assert fcr_by(native) == [(3.0, 3.0)]


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_contacts_under_a_microsecond_apart_keep_their_order(engine):
    # By hand: customer c calls at T0 + 100 ns (id 2, agent B), then at T0 + 900 ns (id 1,
    # agent A), a repeat. Contact 2 is the first contact, repeated: agent B 0 of 1; contact 1
    # is not a first contact: agent A 0 of 0 (null). Eager polars cut both times to the
    # microsecond, took them as a tie and put id 1 first: agent A 0 of 1, B 0 of 0.
    frame = contacts(
        [
            (2, pd.Timedelta(100, "ns"), "c", "B"),
            (1, pd.Timedelta(900, "ns"), "c", "A"),
            (3, "300h", "z", "A"),
        ]
    )
    native = frame if engine == "pandas" else pl.from_pandas(frame)
    assert fcr_by(native, by="agent_id") == [("A", 0.0, 0.0), ("B", 0.0, 1.0)]


def test_zoned_polars_nanoseconds_across_a_clock_change():
    # By hand: Paris springs forward on 2026-03-29, so 2026-03-28 10:00 +01:00 to
    # 2026-03-30 11:00 +02:00 is 48 h of elapsed time: a repeat at exactly the 48 h window
    # edge (inclusive); 1 ns later it is not. d: no repeat; z closes the windows.
    start = pd.Timestamp("2026-03-28 10:00", tz="Europe/Paris")
    for gap, expected in [(pd.Timedelta("48h"), (1.0, 2.0)), (pd.Timedelta("48h 1ns"), (3.0, 3.0))]:
        frame = pd.DataFrame(
            {
                "contact_id": [1, 2, 3, 4],
                "customer_id": ["c", "c", "d", "z"],
                "arrived_at": [start, start + gap, start, start + pd.Timedelta("30D")],
            }
        ).assign(answered=True, wait_s=5.0, talk_s=60.0)
        assert str(frame["arrived_at"].iloc[1].tz) == "Europe/Paris"
        assert fcr_by(pl.from_pandas(frame)) == [expected]
        assert fcr_by(frame) == [expected]
