# Two commands: `make run` opens the practice room in the browser, `make test` runs every test.
# Each creates .venv on first use, so a fresh clone needs only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo console serve test lint bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/reflectbot serve

demo: $(BIN)/.installed
	$(BIN)/reflectbot demo

console: $(BIN)/.installed
	$(BIN)/reflectbot console

serve: $(BIN)/.installed
	$(BIN)/reflectbot serve

lint: $(BIN)/.installed
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python -m bench
