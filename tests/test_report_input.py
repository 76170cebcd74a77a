"""Bad input to the report paths is refused up front with an error naming the argument: the FCR
window (kpikit.repeats.window_ms), the cadence report's register and sector (``kpikit report``
and kpikit.governance.cadence_report), the trade-off what-if (LineFit.project) and the
provisional-FCR helpers (kpikit.provisional)."""

import datetime
import re
import warnings

import pandas as pd
import pytest
from fixtures import hand_contacts

import kpikit.plots
from kpikit.cli import _parser, main
from kpikit.governance import ActionRegister, cadence_report
from kpikit.provisional import date_text, provisional_fcr, provisional_in, provisional_note
from kpikit.repeats import window_ms
from kpikit.report import check_arguments
from kpikit.sample import load_targets
from kpikit.tradeoff import fit_line

# --- 1. FCR window ----------------------------------------------------------------------------


def test_window_ms_takes_the_options_range_of_1_minute_to_366_days():
    # 1 minute = 60,000 ms; 366 days = 366 * 86,400 s = 31,622,400,000 ms.
    assert window_ms("1min") == 60_000
    assert window_ms(" 366d ") == 31_622_400_000
    assert window_ms(datetime.timedelta(hours=2)) == 7_200_000
    with pytest.raises(ValueError, match="Value of 'fcr_window'.*received: '59s'"):
        window_ms("59s")
    with pytest.raises(ValueError, match="Value of 'fcr_window'.*days=367"):
        window_ms(datetime.timedelta(days=367))


@pytest.mark.parametrize(
    ("window", "error", "message"),
    [
        ("48", ValueError, "has no unit"),  # pandas would read 48 nanoseconds: 0 ms
        (48, TypeError, r"\(str or timedelta\); received: 48 \(int\)"),
        ("1ns", ValueError, "from 1 minute to 366 days.*received: '1ns'"),  # 0 ms
        ("367d", ValueError, "received: '367d'"),  # past the option's 366 days
        ("0h", ValueError, "received: '0h'"),
    ],
)
def test_window_ms_refuses_what_the_option_refuses(window, error, message):
    with pytest.raises(error, match="Value of 'fcr_window'.*" + message):
        window_ms(window)


# --- 2. kpikit report: register and sector ----------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--sector", "nope"], "Value of 'sector' is not a sector.*received: 'nope'"),
        (["--register", "notaurl"], "Value of 'register' must be a SQLAlchemy URL"),
        (
            ["--register", "sqlite:////missing/dir/x.db"],
            "Value of 'register' names an SQLite file that does not exist",
        ),
    ],
)
@pytest.mark.parametrize("cadence", ["daily", "weekly", "monthly"])
def test_cli_report_refuses_a_bad_register_or_sector(cadence, arguments, message, tmp_path, capsys):
    output = tmp_path / "report.html"
    with pytest.raises(SystemExit) as exit_info:
        main(["report", cadence, *arguments, "-o", str(output)])
    assert exit_info.value.code == 2  # a usage error, before any data is read
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(message, err)
    assert not output.exists()


def test_an_existing_register_and_a_sector_pass_the_check(tmp_path):
    url = f"sqlite:///{tmp_path / 'actions.sqlite'}"
    ActionRegister(url).close()  # creates the file
    for sector, register in (("healthcare", url), ("all", None)):
        arguments = ["report", "daily", "--sector", sector]
        args = _parser().parse_args(arguments + (["--register", register] if register else []))
        assert check_arguments(args) is None


def test_cadence_report_checks_the_sector_and_register_for_every_cadence():
    with pytest.raises(ValueError, match="Value of 'sector' is not a sector.*'helthcare'"):
        cadence_report("daily", hand_contacts(), load_targets(), sector="helthcare")
    with pytest.raises(TypeError, match="Value of 'register' must be an ActionRegister"):
        cadence_report("weekly", hand_contacts(), load_targets(), register="sqlite:///x.db")


# --- 3. Trade-off what-if ---------------------------------------------------------------------

# x = 240, 300, 360, 420: mean 330, Sxx = 90² + 30² + 30² + 90² = 18,000, SD = √(18,000 / 4)
# = 67.08. The largest move is 10 × max(330, 67.08) = 3,300 s.
X, Y = [240, 300, 360, 420], [78, 82, 83, 88]


def test_project_takes_moves_up_to_ten_times_the_mean_and_no_further():
    fit = fit_line(X, Y)
    # y mean 82.75; Sxy = 90·4.75 + 30·0.75 + 30·0.25 + 90·5.25 = 930; slope = 930 / 18,000
    assert fit.project(-3300).delta_y == pytest.approx(-3300 * 930 / 18_000)
    with pytest.raises(ValueError, match="Value of 'delta_x'.*received: -3300.5"):
        fit.project(-3300.5)


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (float("inf"), "must be a finite number but received: inf"),
        (float("nan"), "must be a finite number but received: nan"),
        (1e308, "from -3300 to 3300 .*received: 1e\\+308"),
        (3300.5, "from -3300 to 3300 .*received: 3300.5"),
    ],
)
def test_project_refuses_infinite_and_absurd_moves(move, message):
    with pytest.raises(ValueError, match="Value of 'delta_x'.*" + message):
        fit_line(X, Y).project(move)


def test_tradeoff_chart_refuses_an_infinite_what_if():
    wide = pd.DataFrame({"agent_id": list("abcd"), "aht": X, "csat": Y, "volume": 1})
    with pytest.raises(ValueError, match="Value of 'what_if'"):  # the chart's argument
        kpikit.plots.tradeoff(wide, what_if=float("inf"))
    with pytest.raises(ValueError, match="Value of 'what_if'.*from -3300 to 3300"):
        kpikit.plots.tradeoff(wide, what_if=1e308)


# --- 4. Provisional FCR -----------------------------------------------------------------------

DAYS = pd.date_range("2026-08-03", periods=5, freq="D")
RESULT = pd.DataFrame({"period": DAYS, "kpi": "fcr", "value": 80.0})
ROWS = pd.DataFrame(
    {
        "period": pd.to_datetime(["2026-08-06", "2026-08-07"]),
        "provisional_until": pd.to_datetime(["2026-08-09", "2026-08-10"]),
    }
)


@pytest.mark.parametrize("freq", ["fortnight", None])
def test_provisional_note_names_a_bad_freq(freq):
    with pytest.raises(ValueError, match="Value of 'freq' is not a period"):
        provisional_note(ROWS, freq)


def test_provisional_note_refuses_a_row_without_its_date():
    rows = ROWS.assign(provisional_until=[pd.Timestamp("2026-08-09"), pd.NaT])
    with pytest.raises(ValueError, match="Value of 'provisional' must have a date in every"):
        provisional_note(rows, "day")


def test_date_text_names_a_missing_date():
    with pytest.raises(TypeError, match="Value of 'moment' must be a date.*None"):
        date_text(None)
    with pytest.raises(ValueError, match="Value of 'moment' must be a date.*NaT"):
        date_text(pd.NaT)


def test_provisional_in_needs_a_kpi_column_and_a_mapping_of_options():
    contacts = pd.DataFrame({"arrived_at": pd.to_datetime(["2026-08-03", "2026-08-07"])})
    with pytest.raises(ValueError, match="Value of 'result' needs a 'kpi' column"):
        provisional_in(RESULT.drop(columns="kpi"), contacts, "day")
    with pytest.raises(TypeError, match="Value of 'compute_options' must be a dict.*\\(list\\)"):
        provisional_in(RESULT, contacts, "day", ["fcr_window", "24h"])


def test_a_last_arrival_in_another_kind_of_time_is_named():
    aware = pd.Timestamp("2026-08-07 17:00", tz="UTC")
    with pytest.raises(ValueError, match="Value of 'last' must have a time zone when"):
        provisional_fcr(RESULT, "day", aware)
    contacts = pd.DataFrame({"arrived_at": [aware]})
    with pytest.raises(ValueError, match="Value of 'last'.*periods in no zone"):
        provisional_in(RESULT, contacts, "day")
    zoned = RESULT.assign(period=DAYS.tz_localize("UTC"))
    with pytest.raises(ValueError, match="Value of 'last'.*periods in UTC"):
        provisional_fcr(zoned, "day", pd.Timestamp("2026-08-07 17:00"))
    # Both in UTC: Wed 5 ends Thu 6 00:00, + 48 h = Sat 8 00:00, after Fri 17:00, so Wed 5 to
    # Fri 7 stay provisional (Tue 4 became final on Fri 7 00:00), as with naive times.
    found = provisional_fcr(zoned, "day", aware, fcr_window="48h")
    assert found["period"].dt.day.tolist() == [5, 6, 7]


@pytest.mark.parametrize(
    ("window", "hours"),
    [("72H", 72), ("1 week", 168), ("2W", 336), ("36 hours", 36), ("90 minutes", 1.5)],
)
def test_window_ms_reads_a_number_and_a_unit_in_any_case(window, hours):
    # "72H" gave pandas' FutureWarning (and pandas 4 will refuse it); "1 week" was refused
    # though "2w" was read. 1 h = 3,600,000 ms.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert window_ms(window) == hours * 3_600_000


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("1m", r"'1m' could be minutes or months: write '1min' for minutes"),  # was 1 minute
        ("3 months", r"a month has no fixed length, so write it in days \('30d'\)"),
        ("90T", r"unknown unit 'T'; write one of 's', 'min', 'h', 'd' or 'w'"),  # pandas' alias
    ],
)
def test_window_ms_refuses_a_unit_it_cannot_read_for_sure(window, message):
    with pytest.raises(ValueError, match=message):
        window_ms(window)
