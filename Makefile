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

# Most tests run on two workers, a file to each at a time. Those that time real processes
# (killed, restarted, shut down) and real browsers run after them, on their own, so that the
# other worker's load does not stretch their waits.
ALONE := tests/reliability tests/practice/test_practice_browser.py tests/practice/test_practice_browser_fixes.py

test: lint
	$(BIN)/pytest -n 2 --dist loadfile $(addprefix --ignore=,$(ALONE))
	$(BIN)/pytest $(ALONE)

bench: $(BIN)/.installed
	$(BIN)/python -m bench
