# The course's front door. Every workflow is one target; `make help` lists them.
#   make lab    install if needed, then open JupyterLab on notebooks/
#   make test   install if needed, then run every check (what CI runs)

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NB     ?=
LAB_DIR  ?= notebooks
LAB_ARGS ?=
# Jupyter refuses to run as root (containers, CI) unless told; a laptop user is never root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Strict nbval, two notebooks at a time, the slowest first (tests/nbval_order.py).
NBVAL := $(PY) -m pytest --nbval --nbval-current-env -n 2 --dist loadscope --no-loadscope-reorder -p tests.nbval_order -p no:cacheprovider
# `make test`: the unit tests (as `make unit`) and strict nbval (as `make nbval`) in one run, so
# that the notebooks' kernels use the cores while the browser tests wait (tests/schedule.py).
# Three workers on this 2-core machine: measured 117-119 s against 132 s with two and 131 s with four.
# No coverage here (its tracer cost 17 s, 13 %): `make unit` reports the coverage of helpers.
CHECKS := $(PY) -m pytest tests notebooks --nbval --nbval-current-env -n 3 --dist loadscope --no-loadscope-reorder -p tests.schedule -p no:cacheprovider -m "not handout" --durations=12
# `make portability`: other CPU kernels and thread counts than this machine's defaults, one
# documented variable per library: torch's generic kernels, NumPy's baseline SIMD only,
# OpenBLAS's Sandy Bridge kernels, MKL's SSE4.2 and oneDNN's SSE4.1 code paths, and 1 BLAS and
# OpenMP thread where this machine defaults to one per core (OpenBLAS and torch cap the count
# at the cores, so more than 2 would change nothing here; setup_notebook() sets torch to 1).
PORTABILITY_ENV := ATEN_CPU_CAPABILITY=default NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL" OPENBLAS_CORETYPE=Sandybridge OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MKL_ENABLE_INSTRUCTIONS=SSE4_2 ONEDNN_MAX_CPU_ISA=SSE41

.DEFAULT_GOAL := help
.PHONY: help install lab test lint unit nbval portability handout nav regen speed slides site student clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 13

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt -e .
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the pinned requirements and helpers (only when they changed)

lab: install  ## open JupyterLab on notebooks/ (localhost only, token authentication on)
	$(VENV)/bin/jupyter lab --notebook-dir=$(LAB_DIR) --ServerApp.ip=127.0.0.1 $(LAB_ROOT) $(LAB_ARGS)

test: install  ## every check: lint, navigation, then unit tests and strict nbval in one parallel run
	@$(MAKE) --no-print-directory lint
	@echo "== navigation is up to date"; $(PY) tools/navigation.py --check && echo "navigation: up to date"
	@echo "== unit tests and strict nbval, together (tests/schedule.py)"; $(CHECKS)

lint: install  ## ruff over helpers, tests, tools and notebooks
	@echo "== ruff"; $(VENV)/bin/ruff check helpers tests tools notebooks

unit: install  ## pytest: helpers unit tests, notebook hygiene, tools, browser tests, the website build (with coverage of helpers)
	@echo "== unit tests"; $(PY) -m pytest tests -n 2 --cov=helpers --cov-report=term:skip-covered -m "not handout" --durations=12

nbval: install  ## strict nbval: every recorded output must reproduce (notebooks in parallel)
	@echo "== nbval"; $(NBVAL) notebooks

portability: install  ## strict nbval again with other CPU kernels, BLAS kernels and thread counts (CI, after test)
	@echo "== portability: $(PORTABILITY_ENV)"; env $(PORTABILITY_ENV) $(NBVAL) notebooks

handout: install  ## install the student hand-out into a fresh venv by its README's commands and run every notebook (CI)
	@echo "== hand-out: Python-only install in a fresh .venv, every student notebook run"
	$(PY) -m pytest tests/test_student.py -m handout -p no:cacheprovider -rA

nav: install  ## regenerate navigation links and the contents (00_start_here, README)
	$(PY) tools/navigation.py

regen: install nav  ## re-execute notebooks in place, top to bottom in fresh kernels (all, or NB="notebooks/03_*.ipynb")
	$(PY) tools/regen.py $(NB)

speed: install  ## ratios to their floors, measured in one run: setup / imports, nbval / kernels, make test / kernels
	$(PY) tools/kernel_baseline.py --nbval --make-test

slides: install  ## one offline reveal.js deck per notebook in build/slides/ (opens from file://, no network)
	$(PY) tools/slides.py build

site: install  ## the course as a static website in build/site/ (recorded outputs, no solutions; opens from file://)
	$(PY) tools/site.py $(SITE_ARGS)

student: install  ## student copies (no solutions, no outputs) in build/student/ and build/student.zip
	$(PY) tools/student.py

clean:  ## remove build outputs and caches (keeps .venv; `rm -rf .venv` to reinstall from scratch)
	rm -rf build artifacts .pytest_cache .ruff_cache .coverage
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
	find notebooks -name .ipynb_checkpoints -prune -exec rm -rf {} +
