# The product's two commands: `make run` and `make test`. Each installs whatever is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export DATA_DIR ?= $(CURDIR)/instance

.PHONY: run test fuzz serve serve-cluster system-packages system-packages-test translations messages bench clean lock

# The accessibility engine the end-to-end tests inject into pages; fetched from npm, never committed.
AXE_VERSION := 4.10.3
AXE := node_modules/axe-core/axe.min.js

# The virtualenv gets the exact versions of the lock files. requirements*.txt are what people edit;
# `make lock` pins them into requirements*.lock (the S3 extra, requirements-s3.lock, is for deployments
# with S3_BUCKET set: `pip install -r requirements.lock -r requirements-s3.lock`).
$(BIN)/activate: requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(BIN)/activate

# Maintainers: after editing requirements*.txt, pin again (kept versions stay unless an edit needs a change).
lock:
	@[ -x $(BIN)/uv ] || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet "uv>=0.5"; }
	$(BIN)/uv pip compile --quiet --python $(BIN)/python --custom-compile-command 'make lock' \
	  requirements.txt -o requirements.lock
	$(BIN)/uv pip compile --quiet --python $(BIN)/python --custom-compile-command 'make lock' \
	  requirements-dev.txt -c requirements.lock -o requirements-dev.lock
	$(BIN)/uv pip compile --quiet --python $(BIN)/python --custom-compile-command 'make lock' \
	  requirements-s3.txt -c requirements.lock -o requirements-s3.lock

system-packages:
	@scripts/system-packages.sh run

system-packages-test:
	@scripts/system-packages.sh test

translations: $(BIN)/activate
	@$(BIN)/pybabel -q compile --use-fuzzy -d translations

$(AXE):
	npm install --no-save --no-package-lock --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

run: system-packages $(BIN)/activate translations
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed-demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (PWA at /app/, API docs at /api/docs)"
	$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT)

serve: $(BIN)/activate translations
	$(BIN)/flask --app app db upgrade
	PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py 'app:create_app()'

# Several servers on one machine, to try the scale-out set-up: two app servers (PORT, PORT+1), an RQ
# worker and an S3-compatible server, on the PostgreSQL of DATABASE_URL and the Redis of REDIS_URL.
serve-cluster: system-packages $(BIN)/activate translations
	PORT=$(PORT) scripts/serve-cluster.sh

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL names one; in parallel,
# TEST_WORKERS processes (each with its own SQLite file, or its own PostgreSQL database named after
# TEST_DATABASE_URL's). Tests of one xdist_group (the seeded demo) run in one worker.
TEST_WORKERS ?= 3
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup
test: system-packages-test $(BIN)/activate translations $(AXE)
	$(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL =="; \
	  TEST_ON_POSTGRES=1 $(PYTEST); \
	fi

# The API fuzzing test with a larger budget per operation (the suite runs it with a small one).
fuzz: system-packages-test $(BIN)/activate translations
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-60} $(BIN)/python -m pytest -p no:cacheprovider tests/core/test_api_fuzzing.py
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  TEST_ON_POSTGRES=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-60} $(BIN)/python -m pytest -p no:cacheprovider tests/core/test_api_fuzzing.py; \
	fi

bench: $(BIN)/activate translations
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts node_modules

# Maintainers: after changing user-facing strings, refresh the catalog and translate the new entries.
messages: $(BIN)/activate
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -k _m -o translations/messages.pot --omit-header --no-location --ignore-dirs=".venv tests bench" .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-location --omit-header
