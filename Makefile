# micrograd-course: everything runs from a local virtual environment in .venv.
#   make lab      install (first time only) and open the course in JupyterLab
#   make test     install (first time only) and run the whole test suite
#   make bench    speed and memory against karpathy's micrograd, in one process
#   make exercises        regenerate exercises/ from solutions/ (never overwrites edited notebooks)
#   make check-solutions  grade every solutions/ notebook; must score 100%
#   make grade NB=path [OUT=dir] [SANDBOX=1]   grade a notebook or a folder of submissions
#                         (gradebook.csv + feedback/ in OUT, default grades/)
#   make progress         your own exercises/: points per notebook, read-only
#   (all coursework commands: .venv/bin/python -m micrograd_course.coursework --help)
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

.PHONY: install lab test bench exercises check-solutions grade progress clean

# File names reach the shell only as environment variables ("$$NB"), never pasted into a
# command line, and make never expands them: a name cannot run a command.
override NB := $(value NB)
override OUT := $(value OUT)
override SANDBOX := $(value SANDBOX)
export NB OUT SANDBOX

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $(STAMP)

lab: install
	$(BIN)/jupyter lab notebooks/01_derivatives.ipynb

test: install
	@mkdir -p $(TEST_STATE)
	$(TEST_ENV) $(BIN)/python -m pytest $(NBVAL) tests notebooks solutions exercises

bench: install
	$(BIN)/python bench/bench.py

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
	rm -rf $(VENV) .cache .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
