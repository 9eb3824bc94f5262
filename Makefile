# The two commands: `make run` sets everything up and serves on http://127.0.0.1:8000;
# `make test` runs the test suite. Both create the virtual environment when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BANK ?= $(firstword $(wildcard fixtures/question_bank_v1.yaml) fixtures/sample_bank.yaml)
export DEBUG ?= true

.PHONY: run test install setup lint format e2e screenshots clean bench-pages bench-saves loadtest

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_question_bank $(BANK)
	$(BIN)/python manage.py setup_demo

run: setup
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	DEBUG=false $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

e2e: install
	DEBUG=false $(BIN)/pytest tests/e2e $(PYTEST_ARGS)

# Every page type at desktop and phone width, written to screenshots/ (ignored by git).
screenshots: install
	[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent
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
