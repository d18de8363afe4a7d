# The two set-up commands: `make run` and `make test`. Both create or reuse .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2
# One process for the local SQLite demo: SQLite takes one writer at a time anyway, and one process starts faster
# and builds the report caches once. Production (`culturegap serve`, the Docker image) runs one per CPU.
RUN_WORKERS ?= 1
# The server runs the scheduled rounds itself (waves opening, reminding and closing at their times, mail and webhook
# retries) every this many seconds, so `make run` needs no `culturegap worker` beside it; 0 turns them off.
WORKER_INTERVAL ?= 30

.PHONY: run test lint bench-stats bench-drivers bench-reports bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Dependencies come from the lock files, every file checked against its hash (the Docker image installs
# requirements.lock alone). The project goes on top: with current locks that adds nothing; a dependency added to
# pyproject.toml but not locked yet is still installed here (and tests/test_lock.py says to run `make lock`).
$(VENV)/.runtime: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.lock
	$(BIN)/python -m pip install -q --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# After a change to pyproject.toml's dependencies: the test lock (runtime and test packages) first, then the runtime
# lock within it, so both pin a package alike. pip-tools runs from a venv of its own.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
.PHONY: lock
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q pip-tools==7.6.2
	.venv-lock/bin/pip-compile $(LOCK_FLAGS) --upgrade --extra test -o requirements-test.lock pyproject.toml
	.venv-lock/bin/pip-compile $(LOCK_FLAGS) -c requirements-test.lock -o requirements.lock pyproject.toml

# SECRET_KEY, unless the environment or .env sets one: made with a new database and kept beside it (SECRETS_DIR, a
# folder of files named after settings), so that mailed invitations and sign-in work from the first run.
run: export SECRETS_DIR ?= data/secrets
run: $(VENV)/.runtime
	mkdir -p -m 700 $(SECRETS_DIR)
	$(BIN)/culturegap local-secret-key
	$(BIN)/culturegap migrate
	$(BIN)/culturegap demo --if-empty --key-file data/demo-keys.txt --base-url http://$(HOST):$(PORT)
	@echo
	@cat data/demo-keys.txt 2>/dev/null || true
	@echo "Dashboard:            http://$(HOST):$(PORT)/dashboard?key  (paste the admin key above)"
	@echo "Survey console:       http://$(HOST):$(PORT)/console  (in the same tab, after the dashboard)"
	@echo "Interactive API docs: http://$(HOST):$(PORT)/docs"
	@echo
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(RUN_WORKERS) WORKER_INTERVAL=$(WORKER_INTERVAL) $(BIN)/culturegap serve

lint: $(VENV)/.test
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/mypy app

# The OpenID Provider the single sign-on tests sign in at (tests/oidc: oidc-provider under Node).
OIDC_PROVIDER := tests/oidc/node_modules/.package-lock.json
$(OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund

# --dist worksteal: xdist's default (load) first hands each worker a fixed quarter of the collection, and the first
# quarter holds the attack suite and every browser test, so one worker keeps them all while the other may run out of
# work; with work stealing an idle worker takes tests not yet started from the other's queue.
test: lint $(OIDC_PROVIDER)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal -p no:cacheprovider

bench-stats: $(VENV)/.test
	$(BIN)/python bench/bench_stats.py

bench-drivers: $(VENV)/.test  # driver analysis (LMG, Johnson, 1,000 bootstrap resamples) on 100,000 respondents
	$(BIN)/python bench/bench_drivers.py $(ARGS)

bench-mixed: $(VENV)/.test  # the random-intercept layer model against Welch on 100,000 respondents; ARGS=--statsmodels
	$(BIN)/python bench/bench_mixed.py $(ARGS)

bench-reports: $(VENV)/.test  # needs PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL to change)
	$(BIN)/python bench/bench_reports.py

bench-load: $(VENV)/.test  # needs PostgreSQL on 127.0.0.1:5432 (LOAD_BENCH_DATABASE_URL to change); ARGS=--help
	$(BIN)/python bench/bench_load.py $(ARGS)

clean:
	rm -rf $(VENV) .venv-lock data tests/artifacts tests/oidc/node_modules

.PHONY: bench-import bench-layout bench-mixed bench-anonymity
bench-anonymity: $(VENV)/.test  # shares of teams and units shown, cells hidden per reason (demo, municipality, 500 trees)
	$(BIN)/python bench/bench_anonymity.py $(ARGS)

bench-import: $(VENV)/.test  # needs PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL to change); --sqlite for SQLite
	$(BIN)/python bench/bench_import.py

bench-layout: $(VENV)/.test  # needs PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL to change)
	$(BIN)/python bench/bench_layout.py

.PHONY: bench-export
bench-export: $(VENV)/.test  # needs PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL to change)
	$(BIN)/python bench/bench_export.py $(ARGS)

.PHONY: bench-mail
bench-mail: $(VENV)/.test  # 10,000 mailed invitations queued and sent to aiosmtpd; PostgreSQL (BENCH_DATABASE_URL), ARGS=--sqlite
	$(BIN)/python bench/bench_mail.py $(ARGS)
