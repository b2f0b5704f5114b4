# The two commands a user needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Development values for `make run` only; production reads real ones from the environment.
DEV_ENV := DEBUG=1 SECRET_KEY=dev-only-insecure-key

.PHONY: run test lint format bench screenshots install install-dev migrate clean fuzz css two-servers

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

run: migrate
	$(DEV_ENV) $(PY) manage.py seed_demo --if-empty --renditions
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Two app servers, one site (tests/multiserver, also part of `make test` on PostgreSQL): two
# gunicorns on loopback sharing PostgreSQL, Redis and media storage. It makes and drops a
# database of its own on the PostgreSQL server of DATABASE_URL (default below; the named database
# itself is not touched) and uses Redis database 7 at 127.0.0.1:6379 (MULTISERVER_REDIS_URL).
two-servers: install-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reviewsite} \
		$(PY) -m pytest tests/multiserver -v -rsx $(PYTEST_ARGS)

# The property-based tests (tests/fuzz) with many more examples than `make test` runs (a
# thousand per test: longer than the usual five-minute limit per test).
fuzz: install-dev
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/fuzz -q --timeout=1800 $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Page costs, comment-page growth, the big site against the demo site, and a gunicorn + wrk load
# test (README.md, "Performance"). Empties the database it is given (DATABASE_URL; a throwaway
# SQLite file without one). BENCH_PARTS=pages,growth,load,big  BENCH_SCALE=small|full  BENCH_JSON=path
bench: install-dev
	$(PY) scripts/bench.py

# static/css/bundle.css, the one stylesheet pages load, from the Bootstrap rules the site uses,
# site.css and comments.css: run after editing any of them (a test fails while it is stale).
css: install-dev
	$(PY) scripts/build_css.py

# The browser journeys and the page-type sweep photograph each page type at 1280 and 390 px
# into docs/screenshots/ (see DEVELOPERS.md).
screenshots: install-dev
	$(PY) -m pytest tests/quality/test_accessibility.py tests/quality/test_journeys.py -q --screenshots

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
