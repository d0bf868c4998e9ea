# micrograd-course: everything runs from a local virtual environment in .venv.
#   make lab      install (first time only; PyTorch included) and open the course in JupyterLab
#                 (as root it passes --allow-root; with no browser it prints the address)
#   make test     install (first time only; adds the browser, site and release extras)
#                 and run the whole test suite
#   make bench    speed and memory against karpathy's micrograd, in one process
#   make exercises        regenerate exercises/ from solutions/ (never overwrites edited notebooks)
#   make check-solutions  grade every solutions/ notebook; must score 100%
#   make grade NB=path [OUT=dir] [SANDBOX=1]   grade a notebook or a folder of submissions
#                         (gradebook.csv + feedback/ in OUT, default grades/)
#   make gradescope       build/gradescope/autograder.zip, a Gradescope autograder
#   make progress         your own exercises/: points per notebook, read-only
#   (all coursework commands: .venv/bin/python -m micrograd_course.coursework --help)
#   make site     build the course website into build/site/_build/html (SITE_REPOSITORY=URL: launch buttons)
#   make clean    remove the virtual environment and caches

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.test-installed
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# PyTorch for lectures 10-11 and the tests that compare with it. This exact CPU build;
# an unpinned "torch" would pull a multi-GB CUDA build. Another platform: TORCH=torch.
TORCH ?= torch==2.13.0

# Jupyter, IPython and matplotlib write state under $HOME; keep the tests' state in the project.
TEST_STATE := $(CURDIR)/.cache/test-state
# MICROGRAD_COURSE_NO_SKIPS: a test may skip only for Chromium or bubblewrap (tests/conftest.py).
TEST_ENV := MICROGRAD_COURSE_NO_SKIPS=1 \
            JUPYTER_CONFIG_DIR=$(TEST_STATE)/jupyter-config \
            JUPYTER_DATA_DIR=$(TEST_STATE)/jupyter-data \
            JUPYTER_RUNTIME_DIR=$(TEST_STATE)/jupyter-runtime \
            IPYTHONDIR=$(TEST_STATE)/ipython \
            MPLCONFIGDIR=$(TEST_STATE)/matplotlib

# nbval: run every notebook on a fresh kernel and compare with the stored outputs.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with nbval-sanitize.cfg
# pytest-xdist: one worker per CPU; --dist loadfile keeps each file (a notebook's cells,
# which share one kernel and run in order) on one worker. --durations lists the slowest;
# --continue-on-collection-errors: a module that cannot load (or a forbidden skip of a
# whole module, tests/conftest.py) is reported without stopping the rest.
PARALLEL := -n auto --dist loadfile

.PHONY: install lab test bench exercises check-solutions grade progress gradescope hub-link site clean

# File names reach the shell only as environment variables ("$$NB"), never pasted into a
# command line, and make never expands them: a name cannot run a command.
override NB := $(value NB)
override OUT := $(value OUT)
override SANDBOX := $(value SANDBOX)
override HUB := $(value HUB)
override REPO := $(value REPO)
override BRANCH := $(value BRANCH)
export NB OUT SANDBOX HUB REPO BRANCH

install: $(STAMP)

# Everything the lectures import (PyTorch included), the tests and the benchmark.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) '$(TORCH)' -e '.[course,torch,test,bench]'
	@touch $(STAMP)

# make test adds what only the tests use: the real-browser tests, the site, and the
# release checks (build, twine, and a setuptools new enough for pyproject.toml's SPDX
# license). Only what needs root is not here: Chromium and bubblewrap (apt).
$(TEST_STAMP): $(STAMP)
	$(PIP) '$(TORCH)' -e '.[course,torch,test,bench,browser,site,release]'
	@touch $(TEST_STAMP)

LAB_ARGS ?=
lab: install
	$(BIN)/python tools/lab.py $(LAB_ARGS)

# The course website (Jupyter Book 1, from the notebooks' stored outputs). The
# launch buttons point at repository.url in site/_config.yml, or at SITE_REPOSITORY.
SITE_REPOSITORY ?=
SITE_STAMP := $(VENV)/.site-installed
site: $(SITE_STAMP)
	$(BIN)/python site/build_site.py --out build/site $(if $(SITE_REPOSITORY),--repository $(SITE_REPOSITORY))

$(SITE_STAMP): $(STAMP)
	$(PIP) -e '.[course,site]'
	@touch $(SITE_STAMP)

test: $(TEST_STAMP)
	@mkdir -p $(TEST_STATE)
	$(TEST_ENV) $(BIN)/python -m pytest $(NBVAL) $(PARALLEL) --continue-on-collection-errors --durations=10 \
	    tests notebooks solutions exercises

bench: install
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_widgets.py
	$(BIN)/python bench/bench_grading.py

exercises: install
	$(BIN)/python -m micrograd_course.coursework generate

check-solutions: install
	$(BIN)/python -m micrograd_course.coursework grade solutions

grade: install
	@test -n "$$NB" || { echo "usage: make grade NB=path/to/notebook-or-folder [OUT=grades] [SANDBOX=1]"; exit 2; }
	$(BIN)/python -m micrograd_course.coursework grade --out="$${OUT:-grades}" $${SANDBOX:+--sandbox} -- "$$NB"

progress: install
	@$(BIN)/python -m micrograd_course.coursework progress exercises

gradescope: install
	$(BIN)/python -m micrograd_course.coursework gradescope-bundle --out build/gradescope

# The nbgitpuller link that opens lecture 1 on a class's JupyterHub. REPO defaults to the
# origin remote when that is an https address.
hub-link:
	@test -n "$$HUB" || { echo "usage: make hub-link HUB=https://hub.example.edu [REPO=https://github.com/you/micrograd-course] [BRANCH=main]"; exit 2; }
	@repo="$${REPO:-$$(git remote get-url origin 2>/dev/null)}"; \
	$(PYTHON) micrograd_course/coursework/hub.py --hub "$$HUB" --repo "$$repo" --branch "$${BRANCH:-main}"

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis *.egg-info build dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
