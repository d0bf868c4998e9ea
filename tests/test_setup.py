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
