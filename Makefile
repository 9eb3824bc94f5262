# The two commands: `make run` sets everything up and serves on http://127.0.0.1:8000
# (PORT=8001 make run for another port); `make test` runs the whole test suite. Both create
# the virtual environment when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# v1, v2, then v2.1: the bank published last is the one new assessments start on.
BANKS ?= fixtures/question_bank_v1.yaml fixtures/question_bank_v2.yaml fixtures/question_bank_v2_1.yaml
AXE := node_modules/axe-core/axe.min.js
NPM ?= npm
export DEBUG ?= true

.PHONY: run test install setup reset-demo lock axe lint format e2e screenshots clean \
	bench-pages bench-saves loadtest bench-peer

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

# Exact versions with their hashes from the lock files (`make lock` writes them): first pip
# and setuptools, then every dependency, then the project itself without dependencies,
# built with the locked setuptools rather than one fetched for the build.
$(VENV)/.installed: pyproject.toml requirements/tools.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements/tools.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(VENV)/.installed

# Write the lock files from pyproject.toml and requirements/tools.in, for every platform and
# Python 3.11+, after changing either; versions already locked are kept while they still
# fit (`make lock LOCK_ARGS=--upgrade` takes the newest). Production's lock takes the
# development lock's versions, so both install the same packages.
UV_COMPILE := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock: install
	$(UV_COMPILE) --extra dev -o requirements/dev.txt pyproject.toml
	$(UV_COMPILE) -c requirements/dev.txt -o requirements/prod.txt pyproject.toml
	$(UV_COMPILE) -o requirements/tools.txt requirements/tools.in

setup: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_question_bank $(BANKS)
	$(BIN)/python manage.py setup_demo

# The port is checked before anything is installed or migrated, so a second `make run`
# stops at once with what to do instead of after a minute of setup.
define PORT_IS_FREE
import socket, sys
port = sys.argv[1]
if not port.isdigit() or not 0 < int(port) < 65536:
    sys.exit(f"PORT must be a number from 1 to 65535; got {port!r}.")
probe = socket.socket()
probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    probe.bind(("127.0.0.1", int(port)))
except OSError:
    sys.exit(f"Port {port} is in use (is make run already running?). Use another: PORT={int(port) + 1} make run")
endef
export PORT_IS_FREE

# Background work (emails, report renders) runs in a worker beside the server, printing to
# the same terminal; stopping the server stops it too.
run:
	@$(PYTHON) -c "$$PORT_IS_FREE" "$(PORT)"
	@$(MAKE) --no-print-directory setup
	export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The demo organisation and accounts as `make run` first made them; nothing else changes.
reset-demo: install
	$(BIN)/python manage.py setup_demo --reset

# axe-core for the accessibility tests, installed where npm is; elsewhere those tests are
# skipped and say why.
axe:
	@if [ ! -f $(AXE) ]; then \
		if command -v $(NPM) >/dev/null 2>&1; then $(NPM) ci --no-audit --no-fund --silent; \
		else echo "npm not found: the accessibility tests will be skipped."; fi; \
	fi

test: install axe
	DEBUG=false $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

e2e: install axe
	DEBUG=false $(BIN)/pytest tests/e2e $(PYTEST_ARGS)

# Every page type at desktop and phone width, written to screenshots/ (ignored by git).
screenshots: install axe
	DEBUG=false SCREENSHOTS_DIR=screenshots $(BIN)/pytest tests/e2e $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles

# Benchmarks (figures in docs/performance.md); bench-pages needs wrk (apt-get install wrk).
bench-pages: install
	$(BIN)/python benchmarks/bench_pages.py $(BENCH_ARGS)

bench-saves: install
	$(BIN)/python benchmarks/bench_saves.py $(BENCH_ARGS)

loadtest: install
	$(BIN)/python benchmarks/loadtest.py $(BENCH_ARGS)

# Ours beside django-survey-and-report (its own venv: benchmarks/peer/.venv) and a static page.
bench-peer: install
	$(BIN)/python benchmarks/bench_peer.py $(BENCH_ARGS)
