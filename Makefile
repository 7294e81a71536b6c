# wangge — two commands for a fresh clone:  make run   and   make test
# Needs Python >= 3.11 (as python3, or PYTHON=/path/to/python3.x) and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck install migrate demo bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "wangge needs Python >= 3.11; found $$($(PYTHON) --version). Try: make run PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --commit

## make run: install, migrate, load the demo (丹凤县), serve http://127.0.0.1:8000
run: demo
	@echo ""
	@echo "  wangge 演示已启动: http://$(HOST):$(PORT)/   (Ctrl+C 停止)"
	@echo ""
	@# The background worker (imports) runs beside the web server and stops with it.
	$(BIN)/python manage.py run_huey --workers 1 --quiet & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy wangge

## make test: lint, type check and the whole suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)
test: lint typecheck
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/point_to_grid.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .mypy_cache .ruff_cache .test-wangge*.sqlite3*
