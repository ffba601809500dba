# Footfall. `make run` installs everything and serves on 127.0.0.1:8000;
# `make test` installs everything and runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TRACKER_OUT := src/footfall/static/js/footfall.js
DASHBOARD_OUT := src/footfall/static/app/index.html
DASHBOARD_SRC := $(shell find dashboard/src dashboard/public -type f 2>/dev/null) \
	dashboard/index.html dashboard/vite.config.ts dashboard/tsconfig.json
PYTEST_ARGS ?=

.PHONY: run test install install-test lint typecheck pytest dashboard-test tracker dashboard clean

run: install
	$(VENV)/bin/footfall serve

test: install-test lint typecheck dashboard-test pytest

install: $(STAMP) $(TRACKER_OUT) $(DASHBOARD_OUT)

install-test: install
	./scripts/install-system-deps.sh test

$(VENV)/bin/python:
	./scripts/install-system-deps.sh runtime
	python3 -m venv $(VENV)

$(STAMP): $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

tracker/node_modules/.package-lock.json: tracker/package.json tracker/package-lock.json
	cd tracker && npm ci --no-audit --no-fund --loglevel=error

$(TRACKER_OUT): tracker/node_modules/.package-lock.json tracker/src/footfall.js tracker/build.mjs
	cd tracker && node build.mjs

tracker: $(TRACKER_OUT)

dashboard/node_modules/.package-lock.json: dashboard/package.json dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund --loglevel=error

$(DASHBOARD_OUT): dashboard/node_modules/.package-lock.json $(DASHBOARD_SRC)
	cd dashboard && npm run build

dashboard: $(DASHBOARD_OUT)

dashboard-test: install
	cd dashboard && npm test

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) tracker/node_modules dashboard/node_modules $(TRACKER_OUT) src/footfall/static/app
