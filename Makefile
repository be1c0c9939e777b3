# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test check lint install

$(BIN)/loa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
# Editable installs leave Loa's modules uncompiled; under PYTHONDONTWRITEBYTECODE each command would recompile them.
	$(BIN)/python -m compileall -q base loa news storage jobs bot web
	touch $(BIN)/loa

install: $(BIN)/loa

# Loa's main job on the embedded default database (SQLite): poll, bots, sender.
run: install
	@test -f loa.toml || cp config.example.toml loa.toml
	$(BIN)/loa --config loa.toml run

# The whole test suite (PostgreSQL too when LOA_TEST_DATABASE_URL is set), two workers per core
# (tests/conftest.py: it mostly waits on processes and servers).
test: install
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

# The inner loop: lint, types and the quick tests (pure logic: no database, server or process).
check: lint
	$(BIN)/python -m pytest -q -n auto -m quick

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
