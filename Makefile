# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app proforient

.PHONY: run test install install-dev migrate demo lint format bench-submit bench-results clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

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

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

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
