# Development of the copier4fair template. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CFF_VENV := .venv-cffconvert

.DEFAULT_GOAL := help
.PHONY: help venv demo test test-fast test-full bench bench-pipeline bench-features bench-metadata bench-compare clean

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/copier: requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

$(CFF_VENV)/bin/cffconvert:
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python -m pip install -q cffconvert==2.0.0 pyyaml==6.0.3
	touch $@

venv: $(BIN)/copier $(CFF_VENV)/bin/cffconvert ## Create the test environments (.venv, .venv-cffconvert)

demo: $(BIN)/copier ## Generate a project with all defaults in build/demo, install it, run its pipeline and FAIR scorecard
	rm -rf build/demo
	$(BIN)/copier copy --trust --defaults --vcs-ref HEAD . build/demo
	cd build/demo && $(PYTHON) -m venv .venv \
		&& .venv/bin/python -m pip install -q --upgrade "pip>=25.1" \
		&& .venv/bin/python -m pip install -q -r requirements.txt \
		&& .venv/bin/python -m pip install -q -e . --group test \
		&& $(MAKE) all fair PYTHON=.venv/bin/python

test: venv ## Run the whole test suite: the fast tier, then the full tier
	$(BIN)/python -m pytest -m "not full" -n 2 --durations=10
	$(BIN)/python -m pytest -m full -n 2 --dist worksteal --durations=40

test-fast: venv ## Run the fast tier only (about 2 min on 2 cores)
	$(BIN)/python -m pytest -m "not full" -n 2 --durations=10

bench: $(BIN)/copier ## Time `copier copy` and `copier update` (median of several runs)
	$(BIN)/python bench/bench_copy.py

bench-pipeline: $(BIN)/copier ## Time `make all` per framework and ONNX vs native inference (slow)
	$(BIN)/python bench/bench_pipeline.py

bench-features: $(BIN)/copier ## Time `make features` on Dask: 1x/4x/16x input, 1 and 2 workers
	$(BIN)/python bench/bench_features.py

bench-metadata: $(BIN)/copier ## Time make metadata's derivation and check on the real CITATION.cff corpus
	$(BIN)/python bench/bench_metadata.py

bench-compare: $(BIN)/copier ## Ours against somesy, HERMES and cffconvert on the CFF corpus (see its docstring)
	$(BIN)/python bench/compare_tools.py

clean: ## Remove the test environments and build outputs
	rm -rf $(VENV) $(CFF_VENV) build .pytest_cache
