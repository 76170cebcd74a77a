"""The public namespace: every name reachable as documented, modules and functions apart."""

import subprocess
import sys

import pytest

import kpikit as kk


@pytest.mark.parametrize("name", kk.__all__)
def test_every_public_name_is_reachable(name):
    assert getattr(kk, name) is not None


def test_planning_and_time_part_modules_are_reachable_as_their_docstrings_say():
    assert kk.timeparts.add_hour_weekday.__module__ == "kpikit.timeparts"
    assert kk.tradeoff.fit_line.__module__ == "kpikit.tradeoff"
    assert kk.calibrate.patience_exponential.__module__ == "kpikit.calibrate"


def test_modules_fronted_by_a_function_import_plainly():
    # `import kpikit.scorecard as module` used to give the function; no importlib is needed now.
    import kpikit.catalog as catalog_module
    import kpikit.scorecard as scorecard_module

    assert scorecard_module.rate is kk.scorecard.rate
    assert catalog_module.benchmarks is kk.benchmarks
    assert callable(kk.scorecard) and callable(kk.catalog)


def test_import_stays_light():
    code = (
        "import sys, kpikit as kk; kk.options.current(); kk.timeparts; kk.tradeoff; kk.calibrate;"
        "print(sorted(m for m in ('plotly', 'ipywidgets', 'voila') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_options_module_reads_the_current_defaults():
    assert kk.options.fcr_window == "48h"
    with kk.options.context(fcr_window="7d"):
        assert kk.options.fcr_window == "7d"
    with pytest.raises(AttributeError, match="Did you mean 'fcr_window'"):
        kk.options.fcr_windw  # noqa: B018
    assert repr(kk.Options()) == "Options()"
    assert repr(kk.Options(csat_scale=10)) == "Options(csat_scale=10)"
    assert hash(kk.Options()) == hash(kk.Options())


def test_session_defaults_outlive_the_context_they_were_set_in():
    # ipykernel may run each notebook cell in its own copy of the context: an update made in
    # one cell must still hold in the next.
    import contextvars

    try:
        contextvars.copy_context().run(kk.options.update, fcr_window="7d")
        assert kk.options.fcr_window == "7d"
    finally:
        kk.options.reset()
    assert kk.options.fcr_window == "48h"


def test_an_integer_beyond_float_range_is_refused_by_name_not_overflowed():
    # 10**400 has no float: math.isfinite raised a raw OverflowError from inside the check
    from kpikit._validators import check_number

    with pytest.raises(ValueError, match=r"'talk_s' must be a finite number >= 0 .*10\^400"):
        kk.catalog.calculate("aht", answered=10, talk_s=10**400)
    # a count (answered) is checked as a whole number, and refused the same way
    with pytest.raises(ValueError, match=r"'answered' must be a finite whole number .*10\^400"):
        kk.catalog.calculate("aht", answered=10**400, talk_s=1)
    with pytest.raises(ValueError, match=r"received: a whole number of about -10\^400"):
        check_number("agents", -(10**400), minimum=1, integer=True)
