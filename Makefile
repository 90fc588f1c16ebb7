# webpass — two commands for a newcomer: `make demo` and `make test`.
# Both create their own virtual environment in .venv; nothing else is assumed but Python 3.11+
# and the system libraries named in the README. What goes into .venv is pinned and hashed in
# requirements/ (runtime.txt for `make demo`, test.txt for `make test`); `make lock` refreshes
# the locks from pyproject.toml, `make lock-upgrade` moves every pin to its newest release.

JOBS   ?= 2
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --quiet --disable-pip-version-check
STAMP  := $(VENV)/.installed-test
RUNTIME_STAMP := $(VENV)/.installed-runtime
LOCKS  := requirements/runtime.txt requirements/test.txt

# pip-compile runs from its own small venv, so it never changes what the tests run on.
PIP_TOOLS := pip-tools==7.6.2
LOCK_VENV := .venv-lock
LOCK_ARGS := --quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps \
             --no-emit-index-url --no-emit-find-links --no-emit-trusted-host

.PHONY: demo test lint typecheck unit venv schemas bench clean wheel-check lock lock-upgrade golden geo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every package comes from the lock with its hash (pip refuses anything unpinned or altered);
# webpass itself is then installed editable, built by the locked hatchling, offline.
$(RUNTIME_STAMP): requirements/runtime.txt pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/runtime.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(STAMP): requirements/test.txt pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/test.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@ $(RUNTIME_STAMP)

venv: $(STAMP)

demo: $(RUNTIME_STAMP)
	@bash scripts/demo.sh

lint: $(STAMP)
	$(BIN)/ruff check webpass tests scripts
	$(BIN)/ruff format --check webpass tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS)

test: lint typecheck unit wheel-check

# Proves the data is found after a plain, non-editable install, from another directory.
wheel-check: $(STAMP)
	@bash scripts/wheel_check.sh $(BIN)/python

# Rewrites tests/golden/ from what the code produces now; review the diff before committing.
golden: $(STAMP)
	WEBPASS_UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q -p no:cacheprovider -m golden

schemas: $(STAMP)
	$(BIN)/webpass catalogue schemas

# Rebuilds the reference of communes and EPCI from the pinned npm package (needs npm and the
# network; the generated file is committed, webpass never needs either at run time).
geo: $(STAMP)
	$(BIN)/python scripts/make_geo.py

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check '$(PIP_TOOLS)'

# Keeps every existing pin that still fits pyproject.toml and adds what is new: run it after
# adding or changing a dependency (and after rebasing onto a branch that did), commit both files.
# The test lock is compiled under the runtime pins, so the two environments never disagree.
lock: $(LOCK_VENV)/bin/pip-compile
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile $(LOCK_ARGS) $(UPGRADE) \
	  --output-file requirements/runtime.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile $(LOCK_ARGS) $(UPGRADE) \
	  --extra test --constraint requirements/runtime.txt --output-file requirements/test.txt pyproject.toml

# Every pin to its newest release allowed by pyproject.toml; then `make test` says what broke.
lock-upgrade:
	$(MAKE) lock UPGRADE=--upgrade

clean:
	rm -rf $(VENV) $(LOCK_VENV) build dist out .pytest_cache .mypy_cache .ruff_cache
