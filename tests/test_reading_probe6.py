"""Probe of the CSV readers: advice that names the right fix for values exports write."""

import pytest

from kpikit.io.reading import read_dataset, read_upload
from kpikit.schema import SchemaError

HEADER = "contact_id,arrived_at,answered,wait_s,talk_s\n"


def _upload(text: str, **options):
    return read_upload(text.encode(), "log.csv", **options).contacts


def test_comma_with_three_digits_is_not_called_a_decimal_comma():
    # "1,234" is 1234 with a thousands separator or 1.234 with a decimal comma; nothing else
    # in the file tells. Advising decimal=',' alone led to reading 1234 s as 1.234 s.
    text = HEADER + 'c1,2026-03-01 09:00,True,"1,234",5\nc2,2026-03-01 09:01,True,7,5\n'
    with pytest.raises(SchemaError) as raised:
        _upload(text)
    message = str(raised.value)
    assert "1 row not a number (values such as '1,234')" in message
    assert "1,234 is 1234 if the comma separates thousands: save the numbers without" in message
    assert "it is 1.234 if the file writes decimals with a comma: pass decimal=','" in message


def test_decimal_comma_advice_stays_when_a_value_proves_it():
    # "12,5" cannot hold a thousands separator (one digit after the comma).
    text = HEADER + 'c1,2026-03-01 09:00,True,"12,5",5\n'
    with pytest.raises(SchemaError, match="the file writes decimals with a comma: pass "):
        _upload(text, decimal=".")


def test_placeholder_dash_names_na_values():
    # A report's "-" for no talk time: 1 row, id c3, and the option that reads it as missing.
    text = HEADER + "c1,2026-03-01 09:00,True,1,5\nc3,2026-03-01 09:02,False,1,-\n"
    with pytest.raises(SchemaError) as raised:
        _upload(text)
    assert (
        "contacts.talk_s: 1 row not a number (values such as '-'); if this means no value, "
        "pass na_values=['-'] (first ids: c3)"
    ) in str(raised.value)
    # Following the advice: c3 is abandoned with no talk time, c1 talked 5 s.
    assert _upload(text, na_values=["-"])["talk_s"].tolist()[0] == 5


def test_minutes_and_seconds_name_the_ambiguity():
    # "02:03" is 123 s read as m:ss or 7380 s read as h:mm: the reader names both.
    text = HEADER + "c1,2026-03-01 09:00,True,1,02:03\n"
    with pytest.raises(SchemaError) as raised:
        _upload(text)
    assert "could be minutes and seconds or hours and minutes" in str(raised.value)
    assert "export them with hours (0:02:03)" in str(raised.value)


@pytest.mark.parametrize("first", ["Report generated 2026-03-01", "sep=,"])
def test_line_above_the_header_is_named(first):
    # The rows have 4 fields and the first line 1 (or 2 for "sep=,"): the first line is no header.
    text = f"{first}\ncontact_id,arrived_at,answered,wait_s\nc1,2026-03-01 09:00,True,12\n"
    with pytest.raises(ValueError) as raised:
        _upload(text)
    message = str(raised.value)
    assert f"the first line, {first!r}, does not look like column names" in message
    assert "delete it so that the file starts with the column names" in message


@pytest.mark.parametrize("tz", [None, "Europe/Paris"])
def test_empty_time_column_is_counted_not_a_crash(tz):
    # arrived_at empty in both rows: 2 rows, ids c1 and c2 (it raised AttributeError from
    # pandas' .str accessor on a column of nothing but missing values).
    text = HEADER + "c1,,True,1,5\nc2,,False,1,\n"
    with pytest.raises(SchemaError) as raised:
        _upload(text, tz=tz)
    assert str(raised.value).endswith(
        "contacts.arrived_at: 2 rows empty in a required column (first ids: c1, c2)"
    )


def test_utc_written_after_iso_times_is_read_as_utc():
    # BigQuery writes "2026-03-01 09:00:00 UTC": the name stands for one offset, +00:00 (it was
    # refused as a zone name that "may stand for several UTC offsets"). In Paris (UTC+1 in
    # March) 09:00 UTC is 10:00.
    text = HEADER + "c1,2026-03-01 09:00:00 UTC,True,1,5\nc2,2026-03-01 09:30:00.5 UTC,True,1,5\n"
    times = _upload(text)["arrived_at"]
    assert str(times.dt.tz) == "UTC"
    assert [str(time) for time in times] == [
        "2026-03-01 09:00:00+00:00",
        "2026-03-01 09:30:00.500000+00:00",
    ]
    paris = _upload(text, tz="Europe/Paris")["arrived_at"]
    assert str(paris.iloc[0]) == "2026-03-01 10:00:00+01:00"


def test_other_zone_names_after_a_utc_time_are_still_refused():
    # Only UTC and GMT name one offset; CET stays refused, 1 row, id c2.
    text = HEADER + "c1,2026-03-01 09:00:00 UTC,True,1,5\nc2,2026-03-01 09:30:00 CET,True,1,5\n"
    with pytest.raises(SchemaError, match=r"1 row with a zone name such as 'CET' at the end"):
        _upload(text)


def test_currency_sign_in_costs_is_named(tmp_path):
    # "$100" and "1.50 €": 2 rows, positions 0 and 1, with the cause (it gave none).
    (tmp_path / "contacts.csv").write_text(HEADER + "c1,2026-03-01 09:00,True,1,5\n")
    (tmp_path / "costs.csv").write_text("period_start,cost\n2026-03-01,$100\n2026-03-02,1.50 €\n")
    with pytest.raises(SchemaError) as raised:
        read_dataset(tmp_path)
    assert str(raised.value).endswith(
        "costs.cost: 2 rows not a number (values such as '$100', '1.50 €'); these hold a "
        "currency sign: save the numbers without it (first row positions: 0, 1)"
    )


def test_placeholder_in_a_true_false_column_names_na_values():
    # resolved "-" for c1 means not recorded: the fix is na_values, not true/false words (the
    # advice was to name words meaning True and False, and Y/N went unrecognised beside "-").
    head = "contact_id,arrived_at,answered,wait_s,transferred,resolved\n"
    text = head + "c1,2026-03-01 09:00,True,1,False,-\nc2,2026-03-01 09:05,True,1,True,True\n"
    with pytest.raises(SchemaError) as raised:
        _upload(text)
    assert str(raised.value).endswith(
        "contacts.resolved: 1 row not a true/false word (values such as '-'); if this means no "
        "value, pass na_values=['-'] (first ids: c1)"
    )
    words = head + "c1,2026-03-01 09:00,True,1,N,-\nc2,2026-03-01 09:05,True,1,Y,Y\n"
    with pytest.raises(SchemaError) as raised:
        _upload(words)
    assert (
        "contacts.resolved: holds 'Y', '-' instead of True/False: pass true_values=['Y'], and "
        "pass na_values=['-']"
    ) in str(raised.value)
    # With the advice followed: c1 resolved unknown (null), c2 resolved.
    read = _upload(words, true_values=["Y"], false_values=["N"], na_values=["-"])
    assert read["resolved"].isna().tolist() == [True, False]
    assert bool(read["resolved"].iloc[1]) is True


def test_rows_of_separators_alone_are_named_by_position_not_nan():
    # Excel leaves ",,,," lines at the end of an export. Their ids are empty, so each column's
    # problem quoted "first ids: nan, nan"; by hand the empty lines are rows 1 and 2.
    with pytest.raises(SchemaError) as raised:
        _upload("contact_id,arrived_at,answered,wait_s\nc1,2026-03-02 09:00,True,5\n,,,\n,,,\n")
    text = str(raised.value)
    assert "contacts.wait_s: 2 rows empty in a required column (first ids: row 1, row 2)" in text
    assert "nan" not in text
