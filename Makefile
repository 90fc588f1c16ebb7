# webpass — two commands for a newcomer: `make demo` and `make test`.
# Both create their own virtual environment in .venv; nothing else is assumed but Python 3.11+
# and the system libraries named in the README.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test

.PHONY: demo test lint typecheck unit venv schemas bench clean wheel-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@bash scripts/demo.sh

lint: $(STAMP)
	$(BIN)/ruff check webpass tests scripts
	$(BIN)/ruff format --check webpass tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck unit wheel-check

# Proves the data is found after a plain, non-editable install, from another directory.
wheel-check: $(STAMP)
	@bash scripts/wheel_check.sh $(BIN)/python

schemas: $(STAMP)
	$(BIN)/webpass catalogue schemas

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) build dist out .pytest_cache .mypy_cache .ruff_cache
