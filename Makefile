# Podium: `make demo` installs everything and serves the demo; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_PY := $(VENV)/.installed
STAMP_NPM := pwa/node_modules/.installed
PWA_BUILD := pwa/dist/index.html
CHROMIUM ?= /usr/bin/chromium

.PHONY: help install pwa demo serve migrate test test-python test-pwa chromium bench schema services clean

help:
	@echo "make demo    install everything, build the PWA, migrate, seed demo data and serve on http://127.0.0.1:8000"
	@echo "make test    install what tests need and run all tests (Python, PWA unit, browser)"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make schema  regenerate schema.graphql from the code"

$(STAMP_PY): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

install: $(STAMP_PY) $(STAMP_NPM)

$(STAMP_NPM): pwa/package-lock.json pwa/package.json
	cd pwa && npm ci --no-audit --no-fund
	@touch $@

$(PWA_BUILD): $(STAMP_NPM) $(shell find pwa/src pwa/public pwa/build -type f 2>/dev/null) pwa/index.html pwa/vite.config.ts
	cd pwa && npm run build

pwa: $(PWA_BUILD)

migrate: $(STAMP_PY)
	$(BIN)/podium migrate

demo: $(STAMP_PY) $(PWA_BUILD)
	$(BIN)/podium demo

serve: $(STAMP_PY) $(PWA_BUILD)
	$(BIN)/podium serve

schema: $(STAMP_PY)
	$(BIN)/podium export-schema schema.graphql

# Debian's chromium for the browser tests; never a downloaded browser build.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's chromium…"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# CI=true: PostgreSQL and Redis are required; start them when they are installed but stopped.
services:
	@if [ "$${CI:-}" = "true" ]; then \
		pg_isready -q -h 127.0.0.1 -p 5432 || (pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2) || true; \
		redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true; \
	fi

test-pwa: $(STAMP_NPM)
	cd pwa && npm run typecheck && npm test

test-python: $(STAMP_PY) $(PWA_BUILD) chromium services
	$(BIN)/python -m pytest

test: test-pwa test-python

bench: $(STAMP_PY)
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/commissions.py
	$(BIN)/python bench/photos.py
	$(BIN)/python bench/push.py
	$(BIN)/python bench/writes.py
	PYTHONPATH=backend $(BIN)/python bench/team_pipeline.py
	PYTHONPATH=backend $(BIN)/python bench/exports.py
	PYTHONPATH=backend $(BIN)/python bench/imports.py
	PYTHONPATH=backend $(BIN)/python bench/analytics.py

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist var .pytest_cache
