# wijknet: `make demo` serves the app on the embedded store (`make demo-neo4j` on Neo4j);
# `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NEO4J_LIB := .cache/neo4j/lib
SETUP_LOG := $(VENV)/setup.log
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup demo demo-neo4j serve test test-fast lint format neo4j-lib chromium bench clean

help:
	@echo "make demo   - set up, load the synthetic demo data, serve on http://127.0.0.1:8000"
	@echo "              (another port: WIJKNET_PORT=8123 make demo)"
	@echo "make demo-neo4j - the same on a local Neo4j server (no Docker; data kept in data/neo4j,"
	@echo "              Ctrl-C stops the app and Neo4j)"
	@echo "make test   - set up (Python packages, Neo4j from Maven Central, Chromium) and run every test"
	@echo "make lint   - ruff (lint and format check) and mypy; CI runs it before the tests"
	@echo "make format - let ruff sort the imports and format the code"
	@echo "make bench  - run the benchmarks in bench/"

# pip's output (setuptools' warnings of the editable install among it) goes to $(SETUP_LOG);
# it is shown only when the installation fails.
$(BIN)/.installed: pyproject.toml
	@echo "Installing the Python packages into $(VENV) (log: $(SETUP_LOG))"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/pip install -q --upgrade pip && $(BIN)/pip install -q -e '.[test,lint]'; } >$(SETUP_LOG) 2>&1 \
	  || { cat $(SETUP_LOG) >&2; echo "pip install failed: see above or $(SETUP_LOG)" >&2; exit 1; }
	@touch $@

setup: $(BIN)/.installed

demo: setup
	@$(BIN)/wijknet demo

# the demo on Neo4j Community from the jars of neo4j-lib, started and stopped with the app
demo-neo4j: setup neo4j-lib
	@$(BIN)/python tools/neo4j/demo.py

serve: setup
	$(BIN)/wijknet serve

# Neo4j Community, assembled from Maven Central and cached; the tests start and stop it.
$(NEO4J_LIB)/.complete: tools/neo4j/pom.xml
	@command -v mvn >/dev/null || { echo "Maven (mvn) and Java 17 are needed to fetch Neo4j"; exit 1; }
	rm -rf $(NEO4J_LIB)
	mvn -q -B -f tools/neo4j/pom.xml dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/$(NEO4J_LIB)
	touch $@

neo4j-lib: $(NEO4J_LIB)/.complete

# Debian's Chromium for the browser tests.
chromium:
	@if [ -z "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

test: setup neo4j-lib chromium
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

test-fast: setup
	WIJKNET_SKIP_NEO4J=1 $(BIN)/pytest -m "not browser"

bench: setup neo4j-lib
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .cache data .pytest_cache
