# micrograd-course: everything runs from a local virtual environment in .venv.
#   make lab      install (first time only) and open the course in JupyterLab
#                 (as root it passes --allow-root; with no browser it prints the address)
#   make test     install (first time only) and run the whole test suite
#   make bench    speed and memory against karpathy's micrograd, in one process
#   make exercises        regenerate exercises/ from solutions/ (never overwrites edited notebooks)
#   make check-solutions  grade every solutions/ notebook; must score 100%
#   make grade NB=path    grade one student notebook (table + grades.json)
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

.PHONY: install lab site test bench exercises check-solutions grade clean

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
	$(TEST_ENV) $(BIN)/python -m pytest $(NBVAL) tests notebooks solutions exercises

bench: install
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_widgets.py

exercises: install
	$(BIN)/python -m micrograd_course.coursework generate

check-solutions: install
	$(BIN)/python -m micrograd_course.grade solutions/*.ipynb

grade: install
	@test -n "$(NB)" || { echo "usage: make grade NB=path/to/student.ipynb"; exit 2; }
	$(BIN)/python -m micrograd_course.grade "$(NB)" --json grades.json

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis *.egg-info build dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
