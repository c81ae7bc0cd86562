# Every target bootstraps .venv first, so `make serve` and `make test` work on a fresh clone.
# `make VENV=.venv-ci test` uses another environment (what .ci/run does, so CI never touches yours).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test site bench lint clean

# Two distributions, both editable: the notes plugin (plugins/, what other teams install) and the
# research code with the dev tools (this folder). The plugin's C module is built by the install,
# so a change to it installs again.
$(STAMP): pyproject.toml plugins/pyproject.toml plugins/setup.py plugins/mkdocs_thoughts/core/_plainscan.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./plugins -e '.[dev]'
	touch $@

# --dirty rebuilds only changed pages (and, through the plugin, pages whose derived content such as
# "Referenced by" changed): a save shows in about a second instead of a full rebuild.
serve: $(STAMP)  ## serve the research site on http://127.0.0.1:8000 with live reload
	$(BIN)/mkdocs serve --livereload --dirty --dev-addr 127.0.0.1:8000

test: $(STAMP)  ## run the whole test suite (browser tests need /usr/bin/chromium)
	$(BIN)/python -m pytest

site: $(STAMP)  ## build the site the way CI does
	$(BIN)/mkdocs build --strict

bench: $(STAMP)  ## rerun the benchmarks in hack/
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python hack/bench_check.py

lint: $(STAMP)  ## ruff, the import contracts in pyproject.toml, mypy (strict, pydantic plugin)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) site .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
