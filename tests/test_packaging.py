"""The project's set-up files agree with each other and with the README."""

import pathlib
import re

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml on Python 3.10 needs tomli")

ROOT = pathlib.Path(__file__).resolve().parent.parent

# conda-forge names that differ from PyPI's, and PyPI packages conda replaces.
CONDA_TO_PYPI = {"python-graphviz": "graphviz", "graphviz": "graphviz-pure"}
CONDA_ONLY = {"python", "pip"}


def requirement_name(spec):
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower()


def pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {requirement_name(d) for d in project["dependencies"]}
    names |= {requirement_name(d) for d in project["optional-dependencies"]["test"]}
    return names


def conda_dependencies():
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("\ndependencies:\n", 1)[1].splitlines():
        match = re.match(r"^  - ([A-Za-z][\w.-]*)", line)  # top-level entries only, not pip's
        if match:
            names.add(match.group(1).lower())
    return names


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    conda = {CONDA_TO_PYPI.get(n, n) for n in conda_dependencies() - CONDA_ONLY}
    assert conda == pyproject_dependencies()


def test_environment_yml_installs_the_package_itself():
    assert re.search(r"^\s+- -e \.$", (ROOT / "environment.yml").read_text(), re.M)


def test_readme_first_screen_has_the_two_setup_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    commands = re.findall(r"^make \w+$", first_screen, re.M)
    assert commands == ["make lab", "make test"]


def test_makefile_has_the_readme_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("install", "lab", "test", "bench", "exercises", "check-solutions", "grade", "clean"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


def test_generated_junk_is_ignored():
    ignored = (ROOT / ".gitignore").read_text().split()
    for pattern in (".venv/", "__pycache__/", ".ipynb_checkpoints/"):
        assert pattern in ignored
