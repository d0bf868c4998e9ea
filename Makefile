# micrograd-course: everything runs from a local virtual environment in .venv.
#   make lab      install (first time only) and open the course in JupyterLab
#   make test     install (first time only) and run the whole test suite
#   make bench    speed and memory against karpathy's micrograd, in one process
#   make exercises        regenerate exercises/ from solutions/ (never overwrites edited notebooks)
#   make check-solutions  grade every solutions/ notebook; must score 100%
#   make grade NB=path    grade one student notebook (table + grades.json)
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

.PHONY: install lab test bench exercises check-solutions grade clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $(STAMP)

lab: install
	$(BIN)/jupyter lab notebooks/01_derivatives.ipynb

test: install
	@mkdir -p $(TEST_STATE)
	$(TEST_ENV) $(BIN)/python -m pytest $(NBVAL) $(PARALLEL) --durations=10 tests notebooks solutions exercises

bench: install
	$(BIN)/python bench/bench.py
	@if [ -f bench/bench_widgets.py ]; then $(BIN)/python bench/bench_widgets.py; fi

exercises: install
	$(BIN)/python -m micrograd_course.coursework generate

check-solutions: install
	$(BIN)/python -m micrograd_course.grade solutions/*.ipynb

grade: install
	@test -n "$(NB)" || { echo "usage: make grade NB=path/to/student.ipynb"; exit 2; }
	$(BIN)/python -m micrograd_course.grade "$(NB)" --json grades.json

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
