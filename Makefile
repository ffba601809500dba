# Footfall. `make run` installs everything and serves on 127.0.0.1:8000;
# `make test` installs everything and runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
TRACKER_OUT := src/footfall/static/js/footfall.js
PYTEST_ARGS ?=

.PHONY: run test install install-test lint typecheck pytest tracker clean

run: install
	$(VENV)/bin/footfall serve

test: install-test lint typecheck pytest

install: $(STAMP) $(TRACKER_OUT)

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

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) tracker/node_modules $(TRACKER_OUT)
