# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app proforient

# Every install is hash-checked from the lock files in requirements/ (`make lock` rebuilds
# them from pyproject.toml); the project itself goes in last, without dependencies.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check
LOCK := $(BIN)/uv pip compile --quiet pyproject.toml requirements/build.in --universal \
	--python-version 3.11 --generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)

.PHONY: run test install install-dev migrate demo lint format lock bench-submit bench-results clean

$(BIN)/python:
	@scripts/make-venv.sh $(PYTHON) $(VENV)

$(VENV)/.installed: $(BIN)/python requirements/main.txt pyproject.toml
	$(PIP_INSTALL) --require-hashes -r requirements/main.txt
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(PIP_INSTALL) --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Rebuild the lock files after a change to the dependencies in pyproject.toml. Pins stay
# where they are unless asked: `make lock LOCK_ARGS=--upgrade` moves everything to the
# newest allowed releases, `LOCK_ARGS="--upgrade-package flask"` only one.
lock: install-dev
	$(LOCK) -o requirements/main.txt
	$(LOCK) --extra dev --constraint requirements/main.txt -o requirements/dev.txt

migrate: install
	$(FLASK) db upgrade

# Demo data on the first run only: the marker lives beside the database in instance/.
instance/.demo-loaded: | migrate
	$(FLASK) demo
	touch $@

demo: migrate
	$(FLASK) demo

run: migrate instance/.demo-loaded
	@echo
	@echo "Профориентация: http://127.0.0.1:$(PORT)"
	@echo "  Отдел образования:  admin / admin-demo"
	@echo "  Ответственный ОО:   school / school-demo"
	@echo
	$(FLASK) run --port $(PORT)

# The fast tests in parallel, then the browser tests on their own so that no other test
# competes with Chromium for the cores.
test: install-dev
	$(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)
	$(BIN)/pytest -m e2e -n 0 $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-submit: install-dev
	$(BIN)/python bench/survey_submit.py

bench-results: install-dev
	$(BIN)/python bench/results.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
