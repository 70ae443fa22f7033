# Otvet: `make run` serves the embedded default with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?= -n 2
BROWSER_ARGS ?= -n 2
HOST ?= 127.0.0.1
PORT ?= 8000

# What `make test` exports unless the caller already did (the suite runs in production mode).
TEST_ENV := SECRET_KEY="$${SECRET_KEY:-insecure-key-for-tests-only}" DEBUG=false HUEY_IMMEDIATE=true \
	STATIC_MANIFEST=false OTVET_VAR_DIR="$${OTVET_VAR_DIR:-$(CURDIR)/var/test}"
RUN_ENV := DEBUG=true

CHROMIUM ?= /usr/bin/chromium

.PHONY: install run test lint fmt bench demo clean system messages

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

# The tests need four system packages: Debian's Chromium for the browser tests (browser downloads are impossible
# here), gettext to check the translation catalogs, Dovecot, the real IMAP server the email channel is tested
# against, and SpamAssassin's spamd, the optional second opinion on spam (the tests start private instances of
# both; the system services are not used). Installed when root can; otherwise a clear failure.
SYSTEM_PACKAGES := chromium gettext dovecot-imapd spamd
DOVECOT ?= /usr/sbin/dovecot
SPAMD ?= /usr/sbin/spamd
system:
	@{ test -x $(CHROMIUM) && command -v xgettext >/dev/null && test -x $(DOVECOT) && test -x $(SPAMD); } || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); }; } || true
	@test -x $(CHROMIUM) || { echo "Chromium is missing at $(CHROMIUM): apt-get install -y chromium" >&2; exit 1; }
	@command -v xgettext >/dev/null || { echo "gettext is missing: apt-get install -y gettext" >&2; exit 1; }
	@test -x $(DOVECOT) || { echo "Dovecot is missing at $(DOVECOT): apt-get install -y dovecot-imapd" >&2; exit 1; }
	@test -x $(SPAMD) || { echo "spamd is missing at $(SPAMD): apt-get install -y spamd" >&2; exit 1; }

# Refresh the Russian and English catalogs after changing strings, translate the new entries, then run again.
messages: install
	cd otvet && DEBUG=true ../$(BIN)/django-admin makemessages -l ru -l en --no-obsolete \
		--ignore "*/tests/*" --ignore "demo/*" --ignore "testing/*" --settings=otvet.config.settings --pythonpath=..
	cd otvet && DEBUG=true ../$(BIN)/django-admin compilemessages --settings=otvet.config.settings --pythonpath=..

# The suite, then the browser tests in a session of their own (see otvet/testing/browser.py).
test: install system
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)
	$(TEST_ENV) CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(BROWSER_ARGS) -m browser

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
