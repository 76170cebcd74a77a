# Two entry points for a fresh machine: `make app` (dashboards on the sample data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866

.PHONY: app test venv chromium postgresql java bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[app,test]"
	touch $@

venv: $(VENV)/.installed

# The engine, reading and checking tests run twice more, each with other releases laid over the
# venv (PYTHONPATH): pandas 3, since beside the app's extras pip resolves pandas 2 (fugue, which
# statsforecast needs, caps it) while `pip install kpikit` alone gets pandas 3, whose text and
# time types differ; and the oldest releases pyproject.toml allows (polars 1.25.0 and 1.25.1
# are yanked), so that its floors stay true. Spark runs on pandas 3 too (its two longest tests,
# marked pandas3_pass, there only: see tests/test_spark.py); not on the floors, as
# PySpark 4.3 reads Arrow from pyarrow 18 on (kpikit[spark] asks for it). The floors pass runs
# the dashboards' Python side too (widgets, charts, apps; not the browser: Voila serves its
# front end from the venv's own share/ folder, which an overlay cannot replace).
ENGINE_TESTS := kpikit tests/test_metrics.py tests/test_common.py tests/test_via_duckdb.py \
	tests/test_via_polars.py tests/test_eager_tidy.py tests/test_eager_sums.py \
	tests/test_repeats.py tests/test_time_zones.py tests/test_compute_checks.py \
	tests/test_folded_checks.py tests/test_io.py tests/test_read_fuzz.py tests/test_schema.py \
	tests/test_parquet_nan.py tests/test_out_of_core.py tests/test_versions.py \
	tests/test_fcr_provisional.py tests/test_detect.py tests/test_cli_reading.py \
	tests/test_monitor.py tests/test_scorecard.py tests/test_forecast_input.py \
	tests/test_monitor_input.py tests/test_governance_input.py tests/test_scorecard_input.py \
	tests/test_exporting_input.py tests/test_calibrate.py tests/test_timeparts.py \
	tests/test_stats.py tests/test_api_engines.py tests/test_engines_differential.py \
	tests/test_period_lengths.py \
	tests/test_schema_probe.py tests/test_one_engine.py \
	tests/test_sources_probe.py tests/test_options_probe.py tests/test_forecast_probe.py \
	tests/test_forecast_minutes.py tests/test_duckdb_sums.py tests/test_scenarios.py \
	tests/test_object_flags.py tests/test_zone_source_faults.py tests/test_path_zone_inputs.py \
	tests/test_monitor_source_faults.py tests/test_control_limits.py \
	tests/test_backtest_dst_days.py \
	tests/test_forecast_dst_days.py tests/test_scan_progress_and_zones.py tests/test_cli_faults.py \
	tests/test_stats_probe2.py tests/test_forecast_inputs.py tests/test_io_faults.py \
	tests/test_variants_probe3.py tests/test_repeats_probe3.py tests/test_monitor_probe3.py \
	tests/test_governance_probe3.py tests/test_governance_probe4.py \
	tests/test_report_probe5.py tests/test_monitor_probe5.py tests/test_io_probe5.py \
	tests/test_upload_probe5.py tests/test_forecast_probe5.py tests/test_scorecard_probe5.py \
	tests/test_metrics_probe6.py tests/test_periods_probe6.py tests/test_reading_probe6.py \
	tests/test_governance_probe6.py tests/test_queueing_probe6.py tests/test_scorecard_freq.py \
	tests/test_checks_probe7.py tests/test_forecast_probe7.py tests/test_monitor_probe7.py \
	tests/test_catalog_probe7.py tests/test_repeats_probe7.py \
	tests/test_scorecard_probe8.py tests/test_catalog_probe8.py tests/test_io_probe8.py \
	tests/test_stats_probe8.py tests/test_monitor_probe8.py tests/test_forecast_probe8.py \
	tests/test_governance_probe8.py tests/test_queueing_probe8.py tests/test_apps_probe8.py \
	tests/test_cli_probe9.py tests/test_target_thresholds.py tests/test_metrics_probe9.py \
	tests/test_queueing_lines.py tests/test_monitor_probe9.py tests/test_stats_probe9.py \
	tests/test_io_probe9.py tests/test_repeats_probe9.py tests/test_governance_probe9.py \
	tests/test_skipped_midnight.py tests/test_checks_probe9.py \
	tests/test_scorecard_probe10.py tests/test_display_probe10.py tests/test_io_probe10.py \
	tests/test_forecast_probe10.py tests/test_monitor_probe11.py tests/test_governance_probe11.py \
	tests/test_forecast_probe11.py tests/test_scorecard_probe11.py tests/test_cadence_probe11.py \
	tests/test_queueing_probe11.py tests/test_tradeoff_probe11.py
PANDAS3 := $(VENV)/pandas3
PANDAS3_PINS := "pandas>=3,<4"
FLOORS := $(VENV)/floors
FLOOR_PINS := pandas==2.2.0 numpy==1.26.0 pyarrow==16.0.0 narwhals==2.28.0 plotly==6.8.0 \
	polars==1.25.2 duckdb==2.0.1 ipywidgets==8.1.0 widgetsnbextension==4.0.7 \
	jupyterlab_widgets==3.0.7 anywidget==0.9.0
WIDGET_TESTS := tests/test_apps_chart.py tests/test_apps_downloads.py \
	tests/test_apps_glossary_benchmarks.py tests/test_apps_governance.py \
	tests/test_apps_options.py tests/test_apps_parameters.py tests/test_apps_scorecard_tradeoff.py \
	tests/test_monitor_app.py tests/test_staffing_app.py tests/test_plots.py \
	tests/test_upload_step.py tests/test_params.py tests/test_tradeoff.py tests/test_whatif.py \
	tests/test_benchmarks_app_faults.py tests/test_monitor_app_link_faults.py \
	tests/test_apps_accessible_names.py tests/test_day_plan_faults.py tests/test_apps_probe3.py \
	tests/test_plots_probe3.py tests/test_apps_inputs_probe4.py tests/test_tradeoff_probe4.py \
	tests/test_catalog_probe5.py tests/test_whatif_probe6.py tests/test_server_probe6.py \
	tests/test_plots_probe7.py tests/test_apps_probe7.py tests/test_plots_probe9.py \
	tests/test_whatif_probe9.py tests/test_apps_probe9.py

$(PANDAS3)/.installed: $(VENV)/.installed Makefile
	rm -rf $(PANDAS3)
	$(BIN)/python -m pip install --quiet --no-deps --target $(PANDAS3) $(PANDAS3_PINS)
	touch $@

$(FLOORS)/.installed: $(VENV)/.installed Makefile
	rm -rf $(FLOORS)
	$(BIN)/python -m pip install --quiet --no-deps --target $(FLOORS) $(FLOOR_PINS)
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

# The action register's tests start a private PostgreSQL server (tests/postgres.py).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; }

# Spark (tests/test_spark.py) runs on a Java 17+ runtime.
java:
	@command -v java >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q default-jre-headless; }

app: venv
	$(BIN)/kpikit serve --port $(PORT)

test: venv chromium postgresql java $(PANDAS3)/.installed $(FLOORS)/.installed
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q --durations=15 -m "not pandas3_pass"
	PYTHONPATH=$(PANDAS3) $(BIN)/python -c "import pandas; assert pandas.__version__[0] == '3'"
	PYTHONPATH=$(PANDAS3) $(BIN)/python -m pytest -n 2 --dist loadgroup -q $(ENGINE_TESTS) \
		tests/test_spark.py tests/test_engine_agreement.py
	PYTHONPATH=$(FLOORS) $(BIN)/python -c \
		"import pandas, ipywidgets; assert (pandas.__version__, ipywidgets.__version__) == ('2.2.0', '8.1.0')"
	PYTHONPATH=$(FLOORS) $(BIN)/python -m pytest -n 2 -q $(ENGINE_TESTS) $(WIDGET_TESTS)

bench: venv
	$(BIN)/python benchmarks/bench_compute.py --rows 1000000

clean:
	rm -rf $(VENV) build dist *.egg-info
