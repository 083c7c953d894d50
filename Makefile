# Two entry points for a fresh machine: `make book` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= build

.PHONY: book test lint typecheck bench golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[pdf]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[pdf,dev]"
	touch $@

book: $(VENV)/.installed
	$(BIN)/briefgen build --out $(OUT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check briefgen tests bench
	$(BIN)/ruff format --check briefgen tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -q

# Refresh the golden HTML and page images (tests/testdata) after an intended change; review them.
golden: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q --update-golden tests/test_golden.py tests/test_visual.py

# Performance table (see README "Performance"); takes several minutes.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
