# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONFIG ?= configs/pcn_baseline.yaml
REPLICATIONS ?=

.PHONY: run test test-fast app bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamps re-install when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run $(VENV)/.installed-app

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[app]'
	touch $@

run: $(VENV)/.installed-run
	$(BIN)/caresim run $(CONFIG) $(if $(REPLICATIONS),--replications $(REPLICATIONS))

# Every tier on every core; test-fast is the unit tier alone.
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -n auto

test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -n auto -m unit

app: $(VENV)/.installed-app
	$(BIN)/caresim app

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
