# Task runner for the study. The README documents the two entry points:
#   make report   build the rendered report (HTML + PDF)
#   make test     run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
RENDER_INSTALLED := $(VENV)/.render-installed
NOTEBOOKS := $(sort $(wildcard analysis/*.ipynb))
PACKAGE := $(sort $(wildcard analysis/kzreform/*.py analysis/kzreform/*/*.py))
# Hand-made inputs of the data build (data/processed/ is what it writes; data/.lock
# and data/.transaction/ belong to a running writer).
DATA_INPUTS := $(shell find data -type f ! -path 'data/processed/*' ! -path 'data/.*' ! -name '*.tmp' | sort)
# Stamps (git-ignored, in .venv) record what make report last built, so a
# rebuild redoes only what an input changed: the data build, each notebook,
# the render.
STAMPS := $(VENV)/stamps
DATA_BUILT := $(STAMPS)/data-built
NOTEBOOKS_EXECUTED := $(patsubst analysis/%.ipynb,$(STAMPS)/%.executed,$(NOTEBOOKS))
# Written by `kzreform report-assets`: the version metadata, the Vega bundle, and
# the values (article.yml) and Markdown blocks the article shows from the data.
GENERATED := $(addprefix report/_generated/,release.yml vega-bundle.html article.yml)
REPORT_INPUTS := _quarto.yml analysis/_metadata.yml CITATION.cff CHANGELOG.md requirements.txt \
	$(sort $(wildcard report/*.qmd report/*.bib report/*.py report/typst/*.typ report/_generated/*.md))
# The rendered pages, in three Quarto processes that make runs side by side:
# the article (most of the render), the notebooks' pages (one process) and the
# supplement. One input is never rendered by two processes at once: Quarto
# writes its intermediate notebook beside the input.
RENDERED_ARTICLE := _output/report/index.html
RENDERED_NOTEBOOKS := $(STAMPS)/notebook-pages.rendered
RENDERED_SUPPLEMENT := _output/report/supplement.html
RENDERED := $(RENDERED_ARTICLE) $(RENDERED_NOTEBOOKS) $(RENDERED_SUPPLEMENT)

.PHONY: help env data notebooks test report quarto clean FORCE
.DEFAULT_GOAL := help

# The build stages are declared once, in analysis/kzreform/pipeline/stages.py; help lists them.
help:
	@echo "make report     set up .venv, validate data, execute notebooks, render with Quarto"
	@echo "make test       set up .venv and run every test (data, code, notebooks, report checks)"
	@echo "make data       regenerate data/processed/ from the inputs (validated)"
	@echo "make data-STAGE rebuild one stage of data/processed/ and the stages that depend on it:"
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m kzreform stages | sed 's/^/                  /'; \
	else echo "                  (run 'make env' first to list the stages)"; fi
	@echo "make notebooks  re-execute the notebooks in place"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip installs uv (pinned here), which installs the pinned requirements: about
# 18 s where pip took 48 s, downloading and byte-compiling in parallel. Packages are
# byte-compiled when installed: left to compile on import, every process
# recompiles them where PYTHONDONTWRITEBYTECODE is set (as in many containers
# and CI images), which doubled the test suite's time. uv reads its own
# settings, not pip's: a private index is given as UV_INDEX_URL.
UV_VERSION := 0.13.8
UV_PIP := $(BIN)/uv pip install --quiet --python $(BIN)/python
$(INSTALLED): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_PIP) --compile-bytecode -r requirements.txt
	$(UV_PIP) --compile-bytecode --no-deps -e .
	touch $@

env: $(INSTALLED)

data: $(INSTALLED)
	$(BIN)/python -m kzreform build

# make data-corpus, data-provisions, ...: one stage and what depends on it.
data-%: $(INSTALLED)
	$(BIN)/python -m kzreform build --only $*

notebooks: data
	$(BIN)/python -m kzreform notebooks $(NOTEBOOKS)

# Two workers on a 2-core machine (one per core), a test file to each worker at a
# time (pytest-xdist; conftest.py says why), in the order conftest.py gives them
# (xdist would otherwise start the files with the most tests first, and the
# add-source workflow, one long test, last). PYTEST_ARGS adds options, such as
# --durations=30 in benchmarks/bench_test_suite.sh.
test: $(INSTALLED)
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# quarto-cli (PyPI) downloads the Quarto binary when it is installed; where
# that is impossible the report target stops after everything else is done.
$(RENDER_INSTALLED): requirements-render.txt $(INSTALLED)
	@if command -v quarto >/dev/null 2>&1; then echo "using quarto on PATH: $$(command -v quarto)"; \
	else $(BIN)/python -m pip install --quiet -r requirements-render.txt || true; fi
	touch $@

# After the data and the notebooks, also when make runs jobs side by side (make report).
quarto: $(RENDER_INSTALLED) $(NOTEBOOKS_EXECUTED) $(DATA_BUILT)
	@PATH="$(CURDIR)/$(BIN):$$PATH" command -v quarto >/dev/null 2>&1 || { \
	  echo ""; \
	  echo "Quarto is not installed and could not be installed here."; \
	  echo "Data validated and notebooks executed; install Quarto (1.7 or newer) to render:"; \
	  echo "  pip:    $(BIN)/python -m pip install -r requirements-render.txt   (needs internet)"; \
	  echo "  conda:  conda env create -f environment.yml   (includes quarto from conda-forge)"; \
	  echo "  or the installer from https://quarto.org/docs/get-started/"; \
	  echo "then run 'make report' again."; \
	  exit 1; }

# make report: each step runs only when one of its inputs is newer than
# what it last made; with nothing changed, nothing runs. In a fresh clone every
# file is new, so the build and the notebooks first compare what they last ran
# with, as recorded beside their outputs, with what is there now
# (--unless-current; kzreform/pipeline/record.py): the committed tables and
# notebooks are computed again only if something they follow from changed.
$(DATA_BUILT): $(INSTALLED) $(DATA_INPUTS) $(PACKAGE)
	$(BIN)/python -m kzreform build --unless-current
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/%.executed: analysis/%.ipynb $(DATA_BUILT)
	$(BIN)/python -m kzreform notebooks --unless-current $<
	@touch $@

# Always run; the files change (and trigger a render) only when their
# content does: a new commit, version or Vega bundle. After the data build and
# the notebooks (also under make -j): the version metadata records whether
# the tracked files they write are as committed.
$(GENERATED) &: $(INSTALLED) FORCE | $(DATA_BUILT) $(NOTEBOOKS_EXECUTED)
	@$(BIN)/python -m kzreform report-assets >/dev/null

QUARTO_RENDER := PATH="$(CURDIR)/$(BIN):$$PATH" quarto render
$(RENDERED_ARTICLE): RENDER_INPUT := report/index.qmd
$(RENDERED_NOTEBOOKS): RENDER_INPUT := analysis
$(RENDERED_SUPPLEMENT): RENDER_INPUT := report/supplement.qmd
$(RENDERED): $(NOTEBOOKS_EXECUTED) $(DATA_BUILT) $(GENERATED) $(REPORT_INPUTS) | quarto
	$(QUARTO_RENDER) $(RENDER_INPUT)
	@mkdir -p $(dir $@) && touch $@

# One job per core: the notebooks execute side by side (each kernel uses one core).
JOBS ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
report:
	@$(MAKE) --no-print-directory --jobs=$(JOBS) --output-sync=target $(RENDERED)

clean:
	rm -rf _output .quarto .cache $(STAMPS)

# Files the Quarto project includes (git-ignored): the Vega JavaScript for the
# interactive charts, and the version metadata read from CITATION.cff.
.PHONY: report-assets release
report-assets: $(INSTALLED)
	$(BIN)/python -m kzreform report-assets

# Release the version in CITATION.cff: first the checks (clean tree, changelog
# entry, new version), which need no Quarto; then Quarto is installed if it can
# be, the report rendered and releases/X.Y.Z/ written with SHA256SUMS. It
# releases the committed notebook outputs (the tests check they are current).
release: $(INSTALLED)
	$(BIN)/python -m kzreform release --check
	@$(MAKE) --no-print-directory $(RENDER_INSTALLED)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m kzreform release
