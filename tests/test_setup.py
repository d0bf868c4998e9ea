"""`make test` may skip only what needs root (Chromium, bubblewrap): tests/conftest.py fails any other skip."""

import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

SAMPLE = '''
import pytest

def test_needs_torch():
    pytest.skip("PyTorch is not installed")

def test_needs_chromium():
    pytest.skip("Chromium is not installed (needs root)")

@pytest.mark.skipif(True, reason="bubblewrap is not installed")
def test_needs_bubblewrap():
    pass

def test_runs():
    assert True
'''

MODULE_SKIP = '''
import pytest
pytest.importorskip("a_module_nobody_has", reason="voila is not installed")

def test_never_collected():
    pass
'''


def run_pytest(tmp_path, strict):
    """The summary line of pytest run as `make test` runs it, on a copy of our conftest."""
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "test_module_skip.py").write_text(MODULE_SKIP)
    env = {k: v for k, v in os.environ.items() if k != "MICROGRAD_COURSE_NO_SKIPS"}
    if strict:
        env["MICROGRAD_COURSE_NO_SKIPS"] = "1"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                             "--continue-on-collection-errors", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path, env=env)
    return result.stdout.strip().splitlines()[-1]


def test_under_make_test_only_root_only_skips_remain(tmp_path):
    summary = run_pytest(tmp_path, strict=True)
    # torch (a test) fails and voila (a whole module) is a collection error; chromium and bubblewrap skip
    assert "1 failed" in summary and "1 error" in summary and "2 skipped" in summary, summary
    assert "1 passed" in summary, summary


def test_a_bare_pytest_keeps_every_skip(tmp_path):
    summary = run_pytest(tmp_path, strict=False)
    assert "failed" not in summary and "4 skipped" in summary and "1 passed" in summary, summary


def imported_modules(notebook):
    """Top-level names of every module a notebook's code cells import (cells with IPython magics skipped)."""
    import ast

    import nbformat

    names = set()
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # %magic or !shell lines
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def requirement_closure(names):
    """``names`` (distributions) and everything they require, transitively, as installed here."""
    import importlib.metadata as metadata
    import re

    seen, todo = set(), [n.lower() for n in names]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [re.split(r"[<>=!~ ;\[(]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r]
    return seen


def test_make_lab_installs_every_library_the_lectures_import():
    """What `make lab` installs (the course and torch extras) covers every import of every lecture and solution."""
    import importlib.metadata as metadata
    import re

    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]

    def extra(name):
        out = set()
        for spec in extras[name]:
            base = re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0]
            if base == "micrograd-course":
                for inner in re.search(r"\[(.+)\]", spec).group(1).split(","):
                    out |= extra(inner.strip())
            else:
                out.add(base)
        return out

    installed = requirement_closure(extra("course") | extra("torch"))
    providers = metadata.packages_distributions()
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    missing = {}
    for notebook in notebooks:
        for module in imported_modules(notebook) - set(sys.stdlib_module_names) - {"micrograd_course"}:
            dists = {re.sub(r"[-_.]+", "-", d.lower()) for d in providers.get(module, [module])}
            if not dists & installed:
                missing.setdefault(module, []).append(notebook.name)
    assert not missing, f"imported by the lectures but not installed by make lab: {missing}"
    assert len(notebooks) >= 26
