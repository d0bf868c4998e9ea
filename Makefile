# micrograd-course: everything runs from a local virtual environment in .venv.
#   make lab      install (first time only) and open the course in JupyterLab
#                 (as root it passes --allow-root; with no browser it prints the address)
#   make test     install (first time only) and run the whole test suite
#   make bench    speed and memory against karpathy's micrograd, in one process
#   make exercises        regenerate exercises/ from solutions/ (never overwrites edited notebooks)
#   make check-solutions  grade every solutions/ notebook; must score 100%
#   make grade NB=path [OUT=dir] [SANDBOX=1]   grade a notebook or a folder of submissions
#                         (gradebook.csv + feedback/ in OUT, default grades/)
#   make progress         your own exercises/: points per notebook, read-only
#   (all coursework commands: .venv/bin/python -m micrograd_course.coursework --help)
#   make site     build the course website into build/site/_build/html (SITE_REPOSITORY=URL: launch buttons)
#   make clean    remove the virtual environment and caches

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Jupyter, IPython and matplotlib write state under $HOME; keep the tests' state in the project.
TEST_STATE := $(CURDIR)/.cache/test-state
TEST_ENV := JUPYTER_CONFIG_DIR=$(TEST_STATE)/jupyter-config \
            JUPYTER_DATA_DIR=$(TEST_STATE)/jupyter-data \
            JUPYTER_RUNTIME_DIR=$(TEST_STATE)/jupyter-runtime \
            IPYTHONDIR=$(TEST_STATE)/ipython \
            MPLCONFIGDIR=$(TEST_STATE)/matplotlib

# nbval: run every notebook on a fresh kernel and compare with the stored outputs.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with nbval-sanitize.cfg
# pytest-xdist: one worker per CPU; --dist loadfile keeps each file (a notebook's cells,
# which share one kernel and run in order) on one worker. --durations lists the slowest.
PARALLEL := -n auto --dist loadfile

.PHONY: install lab test bench exercises check-solutions grade progress site clean

# File names reach the shell only as environment variables ("$$NB"), never pasted into a
# command line, and make never expands them: a name cannot run a command.
override NB := $(value NB)
override OUT := $(value OUT)
override SANDBOX := $(value SANDBOX)
export NB OUT SANDBOX

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[course,test,bench]'
	@touch $(STAMP)

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
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[course,site]'
	@touch $(SITE_STAMP)

test: install
	@mkdir -p $(TEST_STATE)
	$(TEST_ENV) $(BIN)/python -m pytest $(NBVAL) $(PARALLEL) --durations=10 tests notebooks solutions exercises

bench: install
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_widgets.py

exercises: install
	$(BIN)/python -m micrograd_course.coursework generate

check-solutions: install
	$(BIN)/python -m micrograd_course.coursework grade solutions

grade: install
	@test -n "$$NB" || { echo "usage: make grade NB=path/to/notebook-or-folder [OUT=grades] [SANDBOX=1]"; exit 2; }
	$(BIN)/python -m micrograd_course.coursework grade --out="$${OUT:-grades}" $${SANDBOX:+--sandbox} -- "$$NB"

progress: install
	@$(BIN)/python -m micrograd_course.coursework progress exercises

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis *.egg-info build dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
