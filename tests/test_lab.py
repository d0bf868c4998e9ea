"""`make lab` opens the course: as root, and on a machine with no browser.

The server test runs what `make lab` runs (tools/lab.py), headless on a free
port, with Jupyter's state in a temporary folder, waits until it answers, opens
lecture 1 over HTTP, then stops it.
"""

import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lab  # noqa: E402  (tools/lab.py)

sys.path.pop(0)


def test_make_lab_runs_tools_lab_py():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lab:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "tools/lab.py" in recipe


def test_as_root_it_passes_allow_root_and_says_so():
    command, messages = lab.lab_command([], root=True, browser=True)
    assert "--allow-root" in command
    assert any("--allow-root" in m for m in messages)
    command, messages = lab.lab_command([], root=False, browser=True)
    assert "--allow-root" not in command and messages == []


def test_without_a_browser_it_prints_the_address_with_port_and_token():
    command, messages = lab.lab_command([], root=False, browser=False, token="abc", port=8123)
    assert "--no-browser" in command and "--port=8123" in command
    assert "http://localhost:8123/lab/tree/notebooks/01_derivatives.ipynb?token=abc" in messages[-1]
    assert command[-1] == "notebooks/01_derivatives.ipynb"


def test_a_port_given_by_the_user_is_kept_and_printed():
    command, messages = lab.lab_command(["--port=9001"], root=False, browser=False, token="t")
    assert command.count("--port=9001") == 1 and not any(a.startswith("--port=") and a != "--port=9001"
                                                           for a in command)
    assert "http://localhost:9001/lab/tree/" in messages[-1]


def test_the_first_lecture_exists():
    assert (ROOT / lab.FIRST_LECTURE).exists()


def test_lab_server_starts_headless_and_serves_lecture_1(tmp_path):
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (make install)")
    port = lab.free_port(preferred=0)
    token = "course-test-token"
    env = dict(os.environ, HOME=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               IPYTHONDIR=str(tmp_path / "ipython"), MPLCONFIGDIR=str(tmp_path / "mpl"),
               JUPYTER_TOKEN=token, JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    env.pop("DISPLAY", None)
    env.pop("BROWSER", None)
    log_path = tmp_path / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tools" / "lab.py"), f"--port={port}", "--no-browser",
             "--ServerApp.port_retries=0", "--ip=127.0.0.1"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.5)

        output = log_path.read_text()
        printed = re.search(r"http://localhost:(\d+)/lab/tree/notebooks/01_derivatives.ipynb\?token=(\S+)", output)
        assert printed, output[-2000:]
        assert printed.groups() == (str(port), token)  # the printed address is the server's
        if os.geteuid() == 0:
            assert "passing --allow-root" in output

        with urllib.request.urlopen(f"{base}/lab/tree/notebooks/01_derivatives.ipynb?token={token}",
                                    timeout=30) as page:
            assert page.status == 200
            assert "JupyterLab" in page.read().decode()
        with urllib.request.urlopen(f"{base}/api/contents/notebooks/01_derivatives.ipynb?token={token}",
                                    timeout=30) as response:
            lecture = json.load(response)
        assert lecture["type"] == "notebook"
        assert lecture["content"]["cells"][0]["source"].startswith("# 1. Derivatives")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_the_news_prompt_is_turned_off_and_other_page_config_kept(tmp_path):
    path = lab.quiet_announcements(tmp_path)
    assert json.loads(path.read_text()) == {"disabledExtensions": {lab.NEWS_PLUGIN: True}}
    path.write_text(json.dumps({"disabledExtensions": {"some:plugin": True}, "other": 1}))
    lab.quiet_announcements(tmp_path)
    assert json.loads(path.read_text()) == {"disabledExtensions": {"some:plugin": True, lab.NEWS_PLUGIN: True},
                                            "other": 1}
    path.write_text("not json")
    lab.quiet_announcements(tmp_path)  # a broken file is replaced, not a crash
    assert json.loads(path.read_text())["disabledExtensions"] == {lab.NEWS_PLUGIN: True}
    command, _ = lab.lab_command([], root=False, browser=True)
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in command


def test_jupyter_notebook_is_installed_beside_lab():
    """Some students and instructors prefer `jupyter notebook` (Notebook 7); the course extra brings it."""
    import importlib.util
    assert importlib.util.find_spec("notebook") is not None, "make install installs notebook>=7"
    assert int(__import__("notebook").__version__.split(".")[0]) >= 7
