# sasaeai: two commands do everything on a fresh machine (see README.md).
#   make run   build .venv, install what the system needs, migrate, load the demo, serve :8000
#   make test  the same bootstrap, then the whole suite
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

# Django 6 needs Python >= 3.12; the machine's python3 may be 3.11. Prefer a pyenv build.
PYTHON ?= $(shell for v in 3.12.1 3.13.0; do p="$$(pyenv prefix $$v 2>/dev/null)/bin/python"; \
	[ -x "$$p" ] && { echo "$$p"; exit; }; done; \
	for c in python3.13 python3.12 python3; do \
	command -v $$c >/dev/null && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$c; exit; }; done)

export UV_COMPILE_BYTECODE := 1
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib

.PHONY: run dev test bootstrap system-packages lint lock bench clean

# Served as in production: gunicorn with DEBUG off, static files by WhiteNoise, and the task
# worker (committee packets) beside it, stopped with it (config/serve.py).
run: bootstrap
	$(BIN)/sasaeai migrate --no-input
	$(BIN)/sasaeai demo
	$(BIN)/python -m config.serve --bind $(HOST)

# For developing: Django's autoreloading server with DEBUG on (tracebacks in the browser).
dev: bootstrap
	$(BIN)/sasaeai migrate --no-input
	$(BIN)/sasaeai demo
	$(BIN)/sasaeai db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  DEBUG=1 $(BIN)/sasaeai runserver $(HOST)

test: bootstrap
	$(BIN)/pytest $(PYTEST_ARGS)

bootstrap: system-packages $(VENV)/.installed

# Debian packages the system needs (Japanese fonts for PDFs, Chromium for browser tests).
DEBS := fonts-noto-cjk fonts-ipaexfont-gothic fonts-morisawa-bizud-gothic fonts-noto-color-emoji fontconfig \
	chromium \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
system-packages:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/bin/python:
	@[ -n "$(PYTHON)" ] || { echo "Python 3.12 以上が見つかりません (Python >= 3.12 not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

lock: $(VENV)/bin/python
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip compile -q --python $(BIN)/python --extra dev pyproject.toml -o requirements.lock

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/mypy .

# Every benchmark (bench/results.json, docs/benchmarks.md): survey aggregation against a bare
# polars group-by; pages, the packet and the workbook on a generated national dataset (local
# PostgreSQL, databases created and dropped by the bench). BENCH_ARGS selects parts and sizes.
bench: bootstrap
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache
