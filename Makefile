# Exercise Signals. `make run` serves the site; `make test` runs every test.

VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
HOST_PORT := 127.0.0.1:8000

# The first Python >= 3.12 found: the pyenv version pinned in .python-version, then the PATH.
BOOTSTRAP_PYTHON := $(shell for candidate in "$$HOME/.pyenv/versions/$$(cat .python-version 2>/dev/null)/bin/python" python3.13 python3.12 python3; do \
	if command -v "$$candidate" >/dev/null 2>&1 && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo "$$candidate"; break; fi; done)

# Served as in production: gunicorn (config/gunicorn.py), DEBUG off, so readers see the real
# 404 page, headers, caching and compression.
RUN_ENV = DJANGO_SECRET_KEY="$$(cat $(VENV)/secret-key)" DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost

.PHONY: run dev test test-postgres load-test lint format install install-dev chromium graphviz wrk postgresql redis bench clean editor export-content

run: install graphviz $(VENV)/secret-key
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_content
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving Exercise Signals with gunicorn on http://$(HOST_PORT)/ (Ctrl-C to stop)"
	$(RUN_ENV) EXERCISE_SIGNALS_BIND=$(HOST_PORT) $(VENV)/bin/gunicorn --config config/gunicorn.py config.wsgi

# For working on the code: debug pages, templates and static files reloaded as they change.
dev: install graphviz
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py load_content
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST_PORT)

# Let a new editor into the admin: make editor NAME=alice (asks for a password twice).
editor: install graphviz $(VENV)/secret-key
	@if [ -z "$(NAME)" ]; then echo "Usage: make editor NAME=alice" >&2; exit 2; fi
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py create_editor "$(NAME)"

# Write edits made in the admin back to content/, to review and commit like code.
export-content: install graphviz $(VENV)/secret-key
	$(RUN_ENV) $(PY) manage.py export_content

# Reader pages under gunicorn against Django's floor, written into docs/benchmarks.md.
# CONTENT=10x loads ten copies of content/; WAGTAIL=1 also measures a stock Wagtail 8 page.
bench: install graphviz wrk
	$(PY) benchmarks/serve.py --content $(or $(CONTENT),shipped) $(if $(WAGTAIL),--wagtail)

test: install-dev graphviz chromium wrk postgresql redis
	$(PY) -m pytest

# The whole suite again with its database on a throwaway PostgreSQL server (tests/services.py).
test-postgres: install-dev graphviz chromium wrk postgresql redis
	$(PY) -m tests.services postgres -- $(PY) -m pytest

# Two app servers on one PostgreSQL and one Redis under 50 connections for 60 s.
load-test: install graphviz wrk postgresql redis
	$(PY) benchmarks/two_servers.py

# ruff, then import-linter: the apps' layers and no import cycles (pyproject.toml).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	@if [ -z "$(BOOTSTRAP_PYTHON)" ]; then echo "Python 3.12 or newer is required (see .python-version)." >&2; exit 1; fi
	$(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.installed

# Readable by its owner only (umask 077), like the SQLite file that migrate creates.
$(VENV)/secret-key: | $(VENV)/bin/python
	umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Install Debian's package $(1), which provides the command $(2) and is $(3), when we can
# (as root, or with password-less sudo); otherwise stop with the command to run.
define debian_package
	@if command -v $(2) >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then APT=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then APT="sudo"; \
	else echo "$(1) is missing and cannot be installed here (needs root or sudo). Install it with: apt-get install -y $(1)" >&2; exit 1; fi; \
	echo "Installing Debian's $(1), $(3)…"; \
	$$APT apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$APT apt-get install -y -qq $(1) >/dev/null \
	|| { echo "Installing $(1) failed. Install it with: apt-get install -y $(1)" >&2; exit 1; }
endef

# Graphviz's dot lays out the mechanism map whenever the graph changes, so the site needs it.
graphviz:
	$(call debian_package,graphviz,dot,which lays out the mechanism map)

wrk:
	$(call debian_package,wrk,wrk,the benchmark's load generator)

# The tests start throwaway servers of both (tests/services.py); the site itself needs neither.
postgresql:
	$(call debian_package,postgresql,pg_lsclusters,for the tests on PostgreSQL)

redis:
	$(call debian_package,redis-server,redis-server,for the tests of the shared cache)

# Browser tests drive Debian's Chromium. Install it when we can; otherwise say so loudly and
# let pytest skip the browser tests (CI sets BROWSER_TESTS=required, which turns that into a failure).
chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then APT=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then APT="sudo"; \
	else echo "!!! Chromium is missing and cannot be installed here (needs root or sudo): BROWSER TESTS WILL BE SKIPPED. Install it with: apt-get install -y chromium" >&2; exit 0; fi; \
	echo "Installing Debian's chromium for the browser tests…"; \
	$$APT apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$APT apt-get install -y -qq chromium >/dev/null \
	|| echo "!!! Installing chromium failed: BROWSER TESTS WILL BE SKIPPED." >&2

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-artifacts .bench
