# Otvet: `make run` serves the embedded default with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?= -n 2
HOST ?= 127.0.0.1
PORT ?= 8000

# What `make test` exports unless the caller already did (the suite runs in production mode).
TEST_ENV := SECRET_KEY="$${SECRET_KEY:-insecure-key-for-tests-only}" DEBUG=false HUEY_IMMEDIATE=true \
	STATIC_MANIFEST=false OTVET_VAR_DIR="$${OTVET_VAR_DIR:-$(CURDIR)/var/test}"
RUN_ENV := DEBUG=true

CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test lint fmt bench demo clean browser

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	$(RUN_ENV) $(BIN)/otvet migrate --noinput -v0
	$(RUN_ENV) $(BIN)/otvet collectstatic --noinput -v0
	$(RUN_ENV) $(BIN)/otvet demo --if-empty
	$(RUN_ENV) $(BIN)/otvet serve --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium (browser downloads are impossible here); install it when root can.
browser:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }; } || true
	@test -x $(CHROMIUM) || { echo "Chromium is missing at $(CHROMIUM): install Debian's chromium package (apt-get install -y chromium)." >&2; exit 1; }

test: install browser
	$(TEST_ENV) CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check otvet benchmarks
	$(BIN)/ruff format --check otvet benchmarks
	SECRET_KEY=lint $(BIN)/mypy otvet

fmt: install
	$(BIN)/ruff check --fix otvet benchmarks
	$(BIN)/ruff format otvet benchmarks

bench: install
	$(BIN)/python -m benchmarks.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
