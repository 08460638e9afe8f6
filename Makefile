# The README's two commands: `make demo` and `make test`. Both build .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/hp_*)
EXAMPLE_BACKEND := examples/hp_halton examples/hp_evolve examples/hp_cma
# torch==2.13.0: the CPU build on this machine's disk (any other spec downloads a CUDA build)
DEV_TOOLS := pandas build pytest-timeout pytest-xdist 'psycopg[binary]' torch==2.13.0 'mypy>=2.4,<2.5' 'sentence-transformers[train]'

.PHONY: install test test-floor demo dist bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(wildcard plugins/*/pyproject.toml) $(addsuffix /pyproject.toml,$(EXAMPLE_BACKEND)) Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[testing,transformers,plot,dashboard]" $(foreach p,$(PLUGINS),-e $(p)) $(foreach e,$(EXAMPLE_BACKEND),-e $(e)) $(DEV_TOOLS)
	touch $@

test: install
	$(BIN)/python -m mypy  # the files of [tool.mypy] in pyproject.toml
	$(BIN)/python -m pytest -n 2 tests $(addsuffix /tests,$(EXAMPLE_BACKEND)) $(foreach p,$(PLUGINS),$(p)/tests)

test-floor: install  # the drop-in's searches through Trainer on the lowest transformers the extra takes (4.57)
	.ci/transformers-floor

demo: install
	$(BIN)/python examples/demo.py

# DIST: the folder of the wheels (tests/test_release.py builds them elsewhere, with `make -o $(VENV)/.installed dist DIST=...`)
DIST ?= dist
dist: install
	rm -rf $(DIST)
	$(BIN)/python -m build --wheel --outdir $(DIST) .
	for p in $(PLUGINS); do $(BIN)/python -m build --wheel --outdir $(DIST) $$p || exit 1; done

bench: install
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .venv-floor dist build .pytest_cache .hypothesis
