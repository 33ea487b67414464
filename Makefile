# The two commands of the README. Each sets everything up from nothing (a virtual environment in
# .venv with every dependency) and is safe to run again: the install step re-runs only when
# pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The EDC tests run twice: on the embedded SQLite, then on this PostgreSQL server.
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo test lint typecheck contracts unit chromium bench clean

# --force replaces the previous demo in ./demo; a folder that is not a demo is never touched.
demo: $(STAMP)
	$(BIN)/hepatrial demo --force

test: lint typecheck contracts unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# The browser tests drive Debian's Chromium; install it when it is missing (needs root, as in CI).
chromium:
	@command -v /usr/bin/chromium >/dev/null || { \
		echo "== installing Debian's chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| { echo "could not install /usr/bin/chromium: the browser tests need it" >&2; exit 1; }

unit: $(STAMP) chromium
	$(BIN)/pytest -m "not postgres"
	@if $(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()' '$(PG_URL)' 2>/dev/null; then \
		echo "== EDC tests again on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL='$(PG_URL)' $(BIN)/pytest tests/edc -m "not sqlite" -p no:cacheprovider; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL); CI must run the PostgreSQL tests" >&2; exit 1; \
	else \
		echo "WARNING: PostgreSQL is not reachable at $(PG_URL): its tests did NOT run" >&2; \
	fi

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scores.py

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "hepatrial needs Python >= 3.11, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
