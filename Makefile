# Two commands for a new machine: `make demo` writes a report, `make test` runs every check.
# Both start from nothing but Python 3.10+ and pip: they create .venv and install into it.
# The demo installs the core package only (what it uses); the tests, docs and tools install
# the dev extra. See docs/installation.md for the extras and the system packages.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck bench clean docs

# The virtualenv. Without ensurepip (Debian's python3 lacks it unless python3-venv is
# installed) the venv is made without pip and the system's pip installs pip into it.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "$(PYTHON) is not a working Python 3.10 or newer; run make PYTHON=/path/to/python3" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) >/dev/null 2>&1 || { \
	  echo "$(PYTHON) -m venv failed (no ensurepip? Debian/Ubuntu: apt-get install python3-venv);" \
	    "making $(VENV) without pip and installing pip into it with $(PYTHON) -m pip" >&2; \
	  rm -rf $(VENV) && $(PYTHON) -m venv --without-pip $(VENV) && \
	  $(PYTHON) -m pip --python $(BIN)/python install --quiet pip; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# The core package: what `make demo` uses.
$(BIN)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Everything the tests, docs, lint, type check and benchmarks use (includes the core).
$(BIN)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(BIN)/.core

demo: $(BIN)/.core
	$(BIN)/risk-scoring report examples/dash-high.yaml --format html --lang nb -o report.html
	@echo "Wrote report.html"

test: $(BIN)/.dev
	$(BIN)/python -m pytest

lint: $(BIN)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(BIN)/.dev
	$(BIN)/mypy src tests benchmarks

docs: $(BIN)/.dev
	$(BIN)/python scripts/gen_docs.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(BIN)/.dev
	$(BIN)/python benchmarks/bench_assess.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_startup.py
	cd benchmarks && ../$(BIN)/python bench_server.py

clean:
	rm -rf $(VENV) build dist report.html site
