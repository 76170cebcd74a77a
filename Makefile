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

test: venv chromium postgresql java
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

bench: venv
	$(BIN)/python benchmarks/bench_compute.py --rows 1000000

clean:
	rm -rf $(VENV) build dist *.egg-info
