"""The project's set-up files agree with each other, and the package can be released.

- environment.yml (conda, Binder) lists what pyproject.toml's "course",
  "torch" and "test" extras list, pins one Python the way repo2docker reads it, and leaves
  installing the package itself to postBuild;
- the engine imports with nothing but the standard library;
- the wheel holds every file of the package, and a fresh virtual environment
  that installs only that wheel imports everything, runs the explorers
  headless and grades a notebook.

The release files are built here with `python -m build` (the "release" extra,
which `make test` installs); MICROGRAD_COURSE_DIST may point at ready-made ones.
"""

import json
import os
import pathlib
import re
import subprocess
import sys
import sysconfig
import zipfile

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml on Python 3.10 needs tomli")

yaml = pytest.importorskip("yaml", reason="PyYAML reads environment.yml (it comes with JupyterLab)")

ROOT = pathlib.Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# conda-forge names that differ from PyPI's, and PyPI packages conda replaces.
CONDA_TO_PYPI = {"python-graphviz": "graphviz", "graphviz": "graphviz-pure", "pytorch-cpu": "torch"}
CONDA_ONLY = {"python", "pip"}
# Imported only by the parts that need them, never by `import micrograd_course`.
HEAVY = ["matplotlib", "ipywidgets", "graphviz", "numpy", "IPython", "nbformat", "nbclient",
         "jupyterlab", "jupyter_client", "torch"]


def requirement_name(spec):
    return re.split(r"[<>=!~ ;\[]", spec.strip(), maxsplit=1)[0].lower()


def extra_requirements(extra):
    """The requirement names of an extra, with extras of this package itself expanded."""
    names = set()
    for spec in PYPROJECT["project"]["optional-dependencies"][extra]:
        name = requirement_name(spec)
        if name == PYPROJECT["project"]["name"]:
            for inner in re.search(r"\[(.+)\]", spec).group(1).split(","):
                names |= extra_requirements(inner.strip())
        else:
            names.add(name)
    return names


def package_version():
    init = (ROOT / "micrograd_course" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"$', init, re.M).group(1)


def environment_yml():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


# ---------------------------------------------------------------- conda and Binder

def test_environment_yml_lists_the_course_torch_and_test_extras():
    conda = {requirement_name(d) for d in environment_yml()["dependencies"] if isinstance(d, str)}
    conda = {CONDA_TO_PYPI.get(n, n) for n in conda - CONDA_ONLY}
    assert conda == extra_requirements("course") | extra_requirements("torch") | extra_requirements("test")
    assert "torch" in conda, "Binder needs PyTorch for lectures 10 and 11"


def repo2docker_python_version(env):
    """The Python version repo2docker's conda build pack takes from environment.yml.

    Like repo2docker: the first string dependency of the form `python=X.Y`
    (one or more '=') gives X.Y; `python>=3.10` or no pin means "unspecified"
    (None here; repo2docker then falls back to its default Python).
    """
    for dependency in env.get("dependencies", []):
        if not isinstance(dependency, str):
            continue
        match = re.match(r"python\s*=+\s*([\d.]*)", dependency)
        if match:
            parts = match.group(1).split(".")
            return ".".join(parts[:2]) if len(parts) > 1 else None
    return None


def test_repo2docker_reader_sees_an_unpinned_python_as_unspecified():
    assert repo2docker_python_version({"dependencies": ["python>=3.10", "numpy"]}) is None
    assert repo2docker_python_version({"dependencies": ["numpy", "python=3.12.1"]}) == "3.12"
    assert repo2docker_python_version({"dependencies": [{"pip": ["python==3.9"]}]}) is None


def test_environment_yml_pins_one_python_that_pyproject_accepts():
    from packaging.specifiers import SpecifierSet

    version = repo2docker_python_version(environment_yml())
    assert version == "3.11", "pin the Python version the tests run on (CI: Python 3.11)"
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(version + ".0")


def test_the_package_is_installed_by_postbuild_not_by_environment_yml():
    for dependency in environment_yml()["dependencies"]:
        if isinstance(dependency, dict):  # a pip: section
            for line in dependency.get("pip", []):
                assert not re.match(r"^(-e\s+)?\.|^file:", line.strip()), \
                    f"'{line}' makes repo2docker rebuild the environment on every commit; use postBuild"
    post_build = ROOT / "postBuild"
    assert re.search(r"^python -m pip install .*-e \.$", post_build.read_text(), re.M)
    assert os.access(post_build, os.X_OK)
    # A binder/ folder would make repo2docker ignore the top-level files.
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


# ---------------------------------------------------------------- project files

def test_readme_first_screen_has_the_two_setup_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:30])
    commands = re.findall(r"^make \w+$", first_screen, re.M)
    assert commands == ["make lab", "make test"]


def test_readme_says_which_extra_does_what():
    readme = (ROOT / "README.md").read_text()
    for extra in PYPROJECT["project"]["optional-dependencies"]:
        assert f"`{extra}`" in readme, f"README does not explain the '{extra}' extra"


def test_makefile_has_the_readme_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("install", "lab", "site", "test", "bench", "exercises", "check-solutions", "grade", "clean"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def make_recipe(target):
    """The recipe lines of a Makefile rule whose target starts with ``target``."""
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(rf"^{re.escape(target)}[^\n]*:[^=\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
    assert rule, f"no rule for {target} in the Makefile"
    return rule.group(1)


def installed_extras(recipe):
    return set(re.search(r"-e '\.\[([\w,]+)\]'", recipe).group(1).split(","))


def test_make_install_installs_everything_the_lectures_import():
    recipe = make_recipe("$(STAMP)")
    assert {"course", "torch", "test"} <= installed_extras(recipe)
    # the CPU build on disk, not a multi-GB CUDA build from an unpinned "torch"
    assert "$(TORCH)" in recipe
    assert re.search(r"^TORCH \?= torch==2\.13\.0$", (ROOT / "Makefile").read_text(), re.M)


def test_make_test_installs_every_extra_the_tests_use():
    recipe = make_recipe("$(TEST_STAMP)")
    extras = installed_extras(recipe)
    assert {"course", "torch", "test", "bench", "browser", "site", "release"} <= extras
    assert extras == set(PYPROJECT["project"]["optional-dependencies"]) - {"draw", "widgets"}
    assert "$(TORCH)" in recipe
    assert re.search(r"^test: \$\(TEST_STAMP\)", (ROOT / "Makefile").read_text(), re.M)
    assert "setuptools>=77" in PYPROJECT["project"]["optional-dependencies"]["release"]


def pip_installs(script):
    """The lines of a shell script (comments dropped) that install Python packages."""
    lines = [line.split("#", 1)[0] for line in script.splitlines()]
    pip = re.compile(r"\b(pip3?|uv\s+pip|pipx|conda|mamba|micromamba|poetry)\b.*\b(install|add)\b|"
                     r"-m\s+pip\b|\bensurepip\b|\beasy_install\b")
    return [line.strip() for line in lines if pip.search(line)]


def test_pip_installs_finds_what_it_must():
    assert pip_installs(".venv/bin/python -m pip install torch") == [".venv/bin/python -m pip install torch"]
    assert pip_installs("  pip install -e '.[browser]'\n") == ["pip install -e '.[browser]'"]
    assert pip_installs("uv pip install x") and pip_installs("python3 -m pip  install x")
    assert pip_installs("# pip install x\napt-get install -y chromium\nmake test") == []


def test_ci_installs_only_what_needs_root_then_runs_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert pip_installs(ci) == [], "everything pip can install comes from `make test`, not .ci/run"
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert commands[-1] == "make test"
    assert not re.search(r"^\s*make (install|site|lab)\b", ci, re.M)
    assert not re.search(r"MICROGRAD_COURSE_(DIST|SITE)", ci), "the tests build the release and the site"


def test_generated_files_are_ignored():
    ignored = (ROOT / ".gitignore").read_text().split()
    for pattern in (".venv/", "__pycache__/", ".ipynb_checkpoints/", "build/", "dist/", "test-artifacts/"):
        assert pattern in ignored


def test_version_is_single_sourced_and_in_the_changelog():
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "micrograd_course.__version__"}
    version = package_version()
    first_entry = re.search(r"^## \[?(\d[^\]\s]*)", (ROOT / "CHANGELOG.md").read_text(), re.M).group(1)
    assert first_entry == version


def test_importing_the_engine_pulls_in_no_heavy_package():
    code = ("import sys, micrograd_course as m\n"
            "x = m.Value(2.0); y = (x * x + m.MLP(1, [2, 1])([x])).relu(); y.backward()\n"
            f"print([name for name in {HEAVY!r} if name in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------- the wheel

@pytest.fixture(scope="session")
def dist(tmp_path_factory):
    """A folder with the wheel (and, from CI's `python -m build`, the sdist)."""
    given = os.environ.get("MICROGRAD_COURSE_DIST")
    if given:
        return pathlib.Path(given)
    out = tmp_path_factory.mktemp("dist")
    # As a release is made: `python -m build` (the "release" extra), an sdist and a wheel
    # built from it. No isolation: the venv's own setuptools (>= 77), no download.
    build = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, f"python -m build failed (make test installs the release extra):\n{build.stderr[-3000:]}"
    return out


def only(paths, what):
    paths = list(paths)
    assert len(paths) == 1, f"expected one {what}, found {[p.name for p in paths]}"
    return paths[0]


def package_files():
    """Every file of the package in the source tree (what the wheel must hold)."""
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "micrograd_course").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"))


def test_wheel_holds_every_file_of_the_package_and_nothing_else(dist):
    wheel = only(dist.glob("micrograd_course-*.whl"), "wheel")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in package_files() if f not in names]
    assert not missing, f"not in the wheel (add their extension to [tool.setuptools.package-data]): {missing}"
    stray = [n for n in names if not n.startswith(("micrograd_course/", "micrograd_course-"))]
    assert not stray
    metadata = zipfile.ZipFile(wheel).read(only([n for n in names if n.endswith(".dist-info/METADATA")],
                                                "METADATA")).decode()
    required = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert required and all("extra ==" in line for line in required), "the engine must need no dependency"


def test_sdist_holds_the_package_and_the_readme(dist):
    import tarfile

    sdist = only(dist.glob("micrograd_course-*.tar.gz"), "sdist")
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    assert {"pyproject.toml", "README.md", "CHANGELOG.md"} <= names
    assert set(f for f in package_files()) <= names


def test_twine_accepts_the_release_files(dist):
    files = sorted(str(p) for p in dist.iterdir() if p.suffix in (".whl", ".gz"))
    assert len(files) == 2
    check = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *files],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.fixture(scope="session")
def fresh_venv(dist, tmp_path_factory):
    """A new virtual environment with only the wheel installed (no dependencies)."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = only(dist.glob("micrograd_course-*.whl"), "wheel")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", "--disable-pip-version-check", str(wheel)], check=True)
    return python


def run(python, code, tmp_path, **kwargs):
    env = dict(os.environ, MPLBACKEND="Agg", HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "jc"),
               JUPYTER_DATA_DIR=str(tmp_path / "jd"), JUPYTER_RUNTIME_DIR=str(tmp_path / "jr"),
               IPYTHONDIR=str(tmp_path / "ipython"), MPLCONFIGDIR=str(tmp_path / "mpl"))
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(python), *code], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=300, **kwargs)


def test_the_wheel_alone_runs_the_engine_with_the_standard_library_only(fresh_venv, tmp_path):
    code = ("import micrograd_course as m, sys\n"
            "a, b = m.Value(-2.0), m.Value(3.0); f = (a * b) * (a + b); f.backward()\n"
            "print(m.__version__, a.grad, b.grad, m.__file__.startswith(sys.prefix))")
    result = run(fresh_venv, ["-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [package_version(), "-3.0", "-8.0", "True"]
    result = run(fresh_venv, ["-c", "import micrograd_course.explore"], tmp_path)
    assert "ModuleNotFoundError" in result.stderr  # widgets really are optional here


SMOKE = r"""
import importlib, inspect, json, pkgutil, sys
import ipywidgets
import micrograd_course

modules = [m.name for m in pkgutil.walk_packages(micrograd_course.__path__, "micrograd_course.")]
for name in modules:
    importlib.import_module(name)

def sliders(widget):
    if isinstance(widget, ipywidgets.FloatSlider):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from sliders(child)

ran = []
for name in modules:
    module = sys.modules[name]
    for attr, function in vars(module).items():
        if not (attr.endswith(("_explorer", "_playground")) and inspect.isfunction(function)
                and function.__module__ == name):
            continue
        needed = [p for p in inspect.signature(function).parameters.values()
                  if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if needed:
            continue
        widget = function()
        assert isinstance(widget, ipywidgets.Widget), attr
        for slider in list(sliders(widget))[:1]:
            slider.value = (slider.value + slider.max) / 2
        ran.append(attr)
print(json.dumps({"file": micrograd_course.__file__, "modules": modules, "explorers": sorted(set(ran))}))
"""


@pytest.fixture
def venv_with_dependencies(fresh_venv):
    """The fresh venv, seeing the dependencies installed here (but not this project's source)."""
    site_packages = pathlib.Path(sysconfig.get_paths()["purelib"])
    fresh_site = pathlib.Path(subprocess.run(
        [str(fresh_venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    # A plain path line: the directory is searched after the venv's own, and the
    # editable install's finder there (loaded by its own .pth) is not activated.
    (fresh_site / "dependencies-from-dev-venv.pth").write_text(f"{site_packages}\n")
    yield fresh_venv
    (fresh_site / "dependencies-from-dev-venv.pth").unlink()


def test_the_wheel_imports_everything_and_runs_the_explorers_headless(venv_with_dependencies, tmp_path):
    result = run(venv_with_dependencies, ["-c", SMOKE], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert not report["file"].startswith(str(ROOT)), "the source tree was imported instead of the wheel"
    source_modules = {str(p.relative_to(ROOT).with_suffix("")).replace("/", ".")
                      for p in (ROOT / "micrograd_course").rglob("*.py") if p.name != "__init__.py"}
    assert source_modules <= set(report["modules"])
    assert len(report["explorers"]) >= 3, report["explorers"]


def test_the_wheel_grades_a_solution_notebook(venv_with_dependencies, tmp_path):
    solution = ROOT / "solutions" / "01_derivatives.ipynb"
    # An installed package has no solutions/ folder of its own: the course's is named on the command line.
    result = run(venv_with_dependencies, ["-m", "micrograd_course.coursework", "grade", str(solution),
                                          "--solutions", str(ROOT / "solutions"), "--json", "grades.json",
                                          "--out", "grades"], tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    grades = json.loads((tmp_path / "grades.json").read_text())
    assert grades["problems"] == [] and len(grades["notebooks"]) == 1
    report = grades["notebooks"][0]
    assert report["assignment"] == "solutions/01_derivatives.ipynb"
    assert report["max_score"] > 0 and report["score"] == report["max_score"]
    assert f"{report['score']}/{report['max_score']} points" in result.stdout
    gradebook = (tmp_path / "grades" / "gradebook.csv").read_text().splitlines()
    assert len(gradebook) == 2 and gradebook[1].startswith("01_derivatives,solutions/01_derivatives.ipynb,")
    assert (tmp_path / "grades" / "feedback" / "01_derivatives.md").is_file()
