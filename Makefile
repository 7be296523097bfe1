# Quick start: `make run` (set up + main job on bundled data), `make test` (set up + all checks).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e ".[all]" --group dev
	$(BIN)/tradewind precompile
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/tradewind data prepare --config examples/multi_market.yaml
	$(BIN)/tradewind backtest --config examples/backtest.yaml
	$(BIN)/tradewind analyze
	$(BIN)/tradewind optimize --config examples/backtest.yaml --strategy sma_cross \
		--param fast=5:50:5 --param slow=20:200:20 --method grid \
		--walk-forward 3 --train 250 --test 100 --workers 2 --report reports/walk_forward.html
	$(BIN)/tradewind backtest --config examples/capital.yaml
	$(BIN)/tradewind capital status
	$(BIN)/tradewind paper --config examples/backtest.yaml --journal tradewind-data/paper.sqlite
	BIN=$(BIN) scripts/rehearse_exchange.sh
	BIN=$(BIN) scripts/rehearse_documents.sh
	BIN=$(BIN) scripts/rehearse_live.sh
	BIN=$(BIN) scripts/rehearse_dashboard.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

# The fast tier (about 1.5 min here): everything but the slow and PostgreSQL tests.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not postgres"

bench: $(STAMP)
	$(BIN)/python bench/data_bench.py
	for w in w1 w2 w3; do $(BIN)/python bench/engine_bench.py $$w --warm 2; done
	$(BIN)/python bench/intel_bench.py
	$(BIN)/python bench/startup_bench.py
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
