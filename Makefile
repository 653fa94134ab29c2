# Affiche: `make run` serves the demo, `make test` runs every check CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help venv run serve lint format check-migrations messages test test-sqlite test-postgres test-redis test-browser screenshots bench clean

VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
PG_DB ?= affiche
PG_URL ?= postgres://affiche:affiche@127.0.0.1:5432/$(PG_DB)
PYTEST_WORKERS ?= 2
REDIS_URL_TEST ?= redis://127.0.0.1:6379/0

# The first Python 3.12+ found on PATH or under pyenv; empty if none.
BASE_PYTHON := $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$c; break; fi; \
	done)

help:
	@echo "make run      set up, load the demo and serve http://127.0.0.1:8000"
	@echo "make test     ruff, migrations check, pytest on SQLite and PostgreSQL, page cache on Redis, browser tests"
	@echo "make lint     ruff check and format check"
	@echo "make bench    performance figures (see docs/performance.md)"
	@echo "make screenshots  refresh docs/screenshots/ from the demo (360 and 1280 px, EN and FR)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(BASE_PYTHON)" ]; then \
	  echo "Affiche needs Python 3.12 or newer (Django 6.1). None found on PATH or under pyenv."; \
	  echo "Install one (e.g. 'pyenv install 3.13') and run make again."; exit 1; fi
	@echo "Creating $(VENV) with $(BASE_PYTHON)"
	@$(BASE_PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

run: venv
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py load_demo
	@$(PY) manage.py ensure_admin
	@$(PY) manage.py purge_imports
	@# The task worker (large CSV imports of the admin) runs beside the server and stops with it.
	@$(PY) manage.py db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000

serve: run

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: venv
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

check-migrations: venv
	@$(PY) manage.py makemigrations --check --dry-run

# Catalogue and shared templates go to locale/; each other app keeps its own locale/.
messages: venv
	@$(PY) manage.py makemessages -l fr --no-obsolete -i ".venv/*" -i "people/*" -i "screenings/*" -i "streaming/*" -i "bench/*"
	@for app in people screenings streaming; do \
	  if [ -d $$app/locale ]; then (cd $$app && ../$(PY) ../manage.py makemessages -l fr --no-obsolete); fi; done
	@$(PY) manage.py compilemessages -i ".venv"

test: lint check-migrations test-sqlite test-postgres test-redis test-browser

test-sqlite: venv
	@echo "== pytest on SQLite"
	@bash .ci/java.sh
	@DATABASE_URL= $(PYTEST) -m "not browser" -n $(PYTEST_WORKERS) -q

test-postgres: venv
	@echo "== pytest on PostgreSQL"
	@bash .ci/java.sh
	@if bash .ci/postgres.sh; then \
	  DATABASE_URL=$(PG_URL) $(PYTEST) -m "not browser" -n $(PYTEST_WORKERS) -q; \
	else \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!! No PostgreSQL server could be started: the PostgreSQL run is SKIPPED."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

# The page cache's tests again, against a real Redis server (on PostgreSQL, as in production).
test-redis: venv
	@echo "== page cache tests against Redis"
	@if bash .ci/redis.sh && bash .ci/postgres.sh; then \
	  DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_URL_TEST) $(PYTEST) -m page_cache -n $(PYTEST_WORKERS) -q; \
	else \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!! No Redis (or PostgreSQL) server could be started: the Redis run is SKIPPED."; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

test-browser: venv
	@echo "== browser tests in headless Chromium"
	@bash .ci/chromium.sh
	@npm ci --no-audit --no-fund --loglevel=error  # axe-core, pinned in package-lock.json
	@DATABASE_URL= $(PYTEST) -m browser -q

# Not part of `make test`: the pictures change only when the pages do.
screenshots: venv
	@bash .ci/chromium.sh
	@$(PY) docs/take_screenshots.py
	@AFFICHE_SCREENSHOTS=1 $(PYTEST) -q -m browser screenings/tests/test_browser_grid.py

bench: venv
	@$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-results node_modules
