"""Faults of kpikit.display and kpikit.sample found by a probe, each pinned by a test."""

import re

import pytest

import kpikit as kk
from kpikit import display, sample

NAN = float("nan")


def test_rated_value_text_shows_a_missed_target_with_the_decimals_it_takes():
    row = {"better": "lower", "unit": "seconds", "target": 300.0, "value": 300.0002}
    # 300.0002 - 300 = 0.0002: equal to 3 decimals (300.000), apart at the 4th.
    assert display.rated_value_text(row) == "300.0002 s"
    # A band edge the same way: 85.00001 % misses 85.0 % by 0.00001, the 5th decimal.
    band = {"better": "band", "unit": "percent", "band_low": 70.0, "band_high": 85.0}
    assert display.rated_value_text({**band, "value": 85.00001}) == "85.00001 %"
    # 1e-11 from 300 is under the rating's slack (1e-9 x 300 = 3e-7): at the target, '300 s'.
    assert display.rated_value_text({**row, "value": 300.00000000001}) == "300 s"


def test_target_text_of_a_band_with_missing_edges():
    band = {"better": "band", "unit": "percent", "band_low": NAN, "band_high": NAN}
    assert display.target_text(band) == "–"  # no edge: no target
    assert display.target_text({**band, "band_high": 80.0}) == "≤ 80.0 %"  # only an upper edge
    assert display.target_text({**band, "band_low": 70.0}) == "≥ 70.0 %"  # only a lower edge
    assert display.target_text({**band, "band_low": 70.0, "band_high": 80.0}) == "70.0 %–80.0 %"


@pytest.mark.parametrize("value", ["12", b"12", True, False])
def test_format_value_shows_text_and_booleans_as_missing(value):
    # is_number's docstring: text is not a number; nor is a flag ('1.0 %' for True).
    assert display.format_value(value, "percent") == "–"


def test_format_value_writes_huge_values_in_scientific_notation():
    assert display.format_value(1e308, "seconds") == "1e+308 s"
    assert display.format_value(10**400, "count") == "1e+400"  # was a raw OverflowError
    # 15 significant digits: 1.2345678901234567e20 -> 1.23456789012346e+20.
    assert display.format_value(-1.2345678901234567e20, "points") == "-1.23456789012346e+20"
    # Below 10^15 the fixed notation stays: 999,999,999,999 s.
    assert display.format_value(999_999_999_999.0, "seconds") == "999,999,999,999 s"


def test_signed_text_of_a_missing_or_huge_value():
    assert display.signed_text(NAN) == "–"  # was '+nan'
    assert display.signed_text(None) == "–"
    assert display.signed_text(1e308) == "+1e+308"
    assert display.signed_text(-2.0) == "-2.0"


def _prose(text):
    return re.sub(r"\s+", " ", text)


def test_sample_docstrings_quote_the_figures_of_the_sample():
    data = kk.load_sample()
    overall = kk.compute(data).set_index("kpi")["value"]
    by_channel = kk.compute(
        data, kpis=["aht", "service_level", "abandonment_rate"], by="channel"
    ).set_index(["channel", "kpi"])["value"]
    ignoring = kk.compute(data, kpis=["fcr"], fcr_transfers="ignore")["value"].iloc[0]
    generate_doc, module_doc = _prose(sample.generate.__doc__), _prose(sample.__doc__)
    # 149,629 contacts over 90 days: 1,662.5 a day.
    assert len(data.contacts) == 149_629
    assert "about 1,660 contacts a day" in generate_doc
    assert "about 1,660 contacts a day (1,663 in the bundled sample" in module_doc
    # FCR 73,387 / 103,519 = 70.89 %; transfers ignored 79,344 / 103,519 = 76.65 %.
    assert round(overall["fcr"], 1) == 70.9 and "FCR 70.9 %" in generate_doc
    assert round(ignoring, 1) == 76.6 and '76.6 % with ``fcr_transfers="ignore"``' in generate_doc
    # Email within 24 h: 15,754 / 16,290 = 96.71 %.
    assert round(by_channel["email", "service_level"], 1) == 96.7
    assert "96.7 % of emails are within it" in generate_doc
    assert "counts every email as late" not in generate_doc
    figures = {
        "phone AHT 385 s": round(by_channel["phone", "aht"]) == 385,
        "76.0 % of calls within 20 s": round(by_channel["phone", "service_level"], 1) == 76.0,
        "76.4 % of chats within 30 s": round(by_channel["chat", "service_level"], 1) == 76.4,
        "abandonment 8.5 % of all contacts": round(overall["abandonment_rate"], 1) == 8.5,
        "(10.1 % of calls)": round(by_channel["phone", "abandonment_rate"], 1) == 10.1,
        "CSAT 78.9 %": round(overall["csat"], 1) == 78.9,
        "NPS +21.1": round(overall["nps"], 1) == 21.1,
        "adherence 92.1 %": round(overall["schedule_adherence"], 1) == 92.1,
        "occupancy is 61.0 %": round(overall["occupancy"], 1) == 61.0,
    }
    assert {quote: (quote in generate_doc, measured) for quote, measured in figures.items()} == {
        quote: (True, True) for quote in figures
    }


@pytest.mark.parametrize(
    ("start", "days", "span"),
    [
        ("2262-04-11", 2, "2262-04-11 to 2262-04-12"),  # was numpy's OverflowError
        ("2262-04-12", 1, "2262-04-12 to 2262-04-12"),  # was OutOfBoundsDatetime
        ("1600-01-01", 1, "1600-01-01 to 1600-01-01"),  # was OutOfBoundsDatetime
        ("1677-09-22", 1, "1677-09-22 to 1677-09-22"),  # its month's costs start 1677-09-01
    ],
)
def test_generate_refuses_days_pandas_cannot_hold(start, days, span):
    with pytest.raises(ValueError, match=r"'start'.*1677-10-01 to 2262-04-11") as error:
        sample.generate(start=start, days=days, agents=6)
    assert f"received: {start!r} with {days} days ({span})" in str(error.value)


def test_generate_makes_the_edge_days_pandas_can_hold():
    # The last day pandas holds is 2262-04-11; the first month start 1677-10-01.
    last = sample.generate(start="2262-04-11", days=1, agents=6)
    first = sample.generate(start="1677-10-01", days=1, agents=6)
    assert str(last.contacts["arrived_at"].max().date()) == "2262-04-11"
    assert str(first.costs["period_start"].min().date()) == "1677-10-01"
    assert len(first.contacts) > 0
