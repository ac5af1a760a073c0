# Two commands matter: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-sqlite test-postgres lint format install clean backup wipe-data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate the SQLite database under var/, load demo data once, serve on :8000
## with one background-job worker beside the server (imports).
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_data --if-empty
	$(BIN)/python scripts/serve.py 127.0.0.1:8000

## Lint, then the whole suite on SQLite and again on PostgreSQL (skipped with a notice when
## no server answers, unless REQUIRE_POSTGRES=1, as CI sets). The PostgreSQL pass leaves out
## the browser tests, which walk the same pages over the same queries the page and API
## tests run on both: on a two-core machine they took a third of a pass, and CI has 30
## minutes. `make test-postgres PG_PYTEST_ARGS=` runs them there too.
test: lint test-sqlite test-postgres

PG_PYTEST_ARGS ?= --ignore=tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/pytest -n 2 -q

test-postgres: $(STAMP)
	@if $(BIN)/python scripts/db_reachable.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n 2 -q $(PG_PYTEST_ARGS); \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL at $(PG_URL) is not reachable" >&2; exit 1; \
	else \
		echo "PostgreSQL at $(PG_URL) is not reachable: PostgreSQL run skipped."; \
	fi

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Removes what `make install` and the tests made; never the data under var/.
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache var/test-*.sqlite3*

## The database and the attachments in one archive under var/backups/ (manage.py backup).
backup: $(STAMP)
	$(BIN)/python manage.py backup

## Deletes the SQLite database, the attachments and the backups under var/, after asking.
wipe-data:
	@printf 'This deletes var/: the SQLite database, every attachment and the backups. Type DELETE to go on: '; \
	read answer; test "$$answer" = DELETE && rm -rf var && echo "var/ deleted." || echo "Nothing deleted."

## Benchmark at scale (benchmarks/README.md): generate SIZE customers into a database of
## their own unless that dataset is already there, measure, run LOAD seconds of load and
## write benchmarks/RESULTS.md. DB=sqlite (var/bench-SIZE.sqlite3) or DB=postgres (database
## bench, or BENCH_POSTGRES_URL). SEED draws the keyword mix (default: the time).
SIZE ?= 1000000
DB ?= sqlite
REPS ?= 30
BUDGET ?= 60
LOAD ?= 60
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --size $(SIZE) --db $(DB) --reps $(REPS) --budget $(BUDGET) \
		--load $(LOAD) $(if $(SEED),--seed $(SEED)) $(if $(FORCE),--force)

## Load figures (benchmarks/README.md): Locust users against the SIZE dataset of DB for
## SECONDS, served by SERVERS gunicorn servers (1 or 2) of WORKERS sync workers each; the
## row goes into benchmarks/RESULTS.md (or MARKDOWN). Installs the `load` extra (Locust)
## when missing. USERS start at RATE a second (default: all at once), WAIT seconds between
## tasks; GUNICORN adds gunicorn options (e.g. '-k gthread --threads 8'); NOTE is a word
## for the row (e.g. trial).
SERVERS ?= 1
WORKERS ?= 2
USERS ?= 50
SECONDS ?= 60
WAIT ?= 0
.PHONY: load
load: $(STAMP)
	$(BIN)/python -c 'import importlib.util, sys; sys.exit(not importlib.util.find_spec("locust"))' \
		|| $(BIN)/python -m pip install --quiet -e '.[load]'
	$(BIN)/python -m benchmarks.generate --size $(SIZE) --db $(DB) --if-missing
	$(BIN)/python -m benchmarks.load_run --size $(SIZE) --db $(DB) --servers $(SERVERS) \
		--workers $(WORKERS) --users $(USERS) --seconds $(SECONDS) --wait $(WAIT) \
		$(if $(RATE),--rate $(RATE)) $(if $(SEED),--seed $(SEED)) $(if $(NOTE),--note '$(NOTE)') \
		$(if $(GUNICORN),--gunicorn-args '$(GUNICORN)') $(if $(MARKDOWN),--markdown '$(MARKDOWN)')
