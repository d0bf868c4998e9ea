# micrograd-course: everything runs from a local virtual environment in .venv.
#   make lab      install (first time only) and open the course in JupyterLab
#   make test     install (first time only) and run the whole test suite
#   make bench    speed and memory against karpathy's micrograd, in one process
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

.PHONY: install lab test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $(STAMP)

lab: install
	$(BIN)/jupyter lab notebooks/

test: install
	@mkdir -p $(TEST_STATE)
	$(TEST_ENV) $(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
