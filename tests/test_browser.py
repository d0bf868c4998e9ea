"""A real browser: Voila serves a notebook with the wiggle explorer, Chromium moves a slider.

Needs Debian's chromium, voila and playwright (CI installs all three; see
.ci/run). Without them the test is skipped with the reason printed.
Playwright never downloads a browser here: it drives /usr/bin/chromium,
and every request that does not go to this machine is blocked.
"""

import contextlib
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it", allow_module_level=True)
pytest.importorskip("voila", reason="voila is not installed (pip install -e '.[browser]'); CI installs it")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[browser]')")
nbformat = pytest.importorskip("nbformat")

ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/")

DEMO_SOURCE = """\
from micrograd_course.explore import wiggle_explorer

explorer = wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)
explorer"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def voila_server(notebook, state_dir):
    port = free_port()
    env = dict(os.environ, HOME=str(state_dir), JUPYTER_CONFIG_DIR=str(state_dir / "config"),
               JUPYTER_DATA_DIR=str(state_dir / "data"), JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
               IPYTHONDIR=str(state_dir / "ipython"), MPLCONFIGDIR=str(state_dir / "mpl"))
    log = open(state_dir / "voila.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--Voila.token=", "--Voila.port_retries=0"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=notebook.parent)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("voila did not start:\n" + (state_dir / "voila.log").read_text()[-3000:])
                time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def cell_text(page, name):
    return page.locator(f'td[data-name="{name}"]').inner_text().strip()


def test_moving_a_slider_in_chromium_updates_the_numbers(tmp_path):
    notebook = tmp_path / "wiggle.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(DEMO_SOURCE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    ARTIFACTS.mkdir(exist_ok=True)

    with voila_server(notebook, tmp_path) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    chromium_sandbox=False)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1100})
            blocked = []
            page.route("**/*", lambda route: route.continue_() if LOCAL.match(route.request.url)
                       else (blocked.append(route.request.url), route.abort()))
            page.goto(url, wait_until="domcontentloaded", timeout=60_000)
            page.wait_for_selector('td[data-name="actual"]', timeout=60_000)
            assert cell_text(page, "actual") == "0.000000"
            assert cell_text(page, "grad_a") == "6.000000"

            handle = page.locator(".noUi-handle").first  # the slider "h for a"
            handle.focus()
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "() => document.querySelector('td[data-name=\"h_a\"]').innerText.trim() !== '0.000000'",
                timeout=10_000)
            page.wait_for_timeout(500)  # let the last key's update land
            h = float(cell_text(page, "h_a"))
            expected_actual = ((2.0 + h) * -3.0 + 10.0) * -2.0 - (-8.0)
            assert h > 0
            assert float(cell_text(page, "actual")) == pytest.approx(expected_actual, abs=1e-6)
            assert float(cell_text(page, "predicted")) == pytest.approx(6.0 * h, abs=1e-6)
            assert float(cell_text(page, "difference")) == pytest.approx(0.0, abs=1e-6)
            assert "data 2." in page.locator("svg").first.inner_html() or page.locator("svg text").count() > 0
            page.screenshot(path=str(ARTIFACTS / "voila-wiggle-explorer.png"), full_page=True)
        finally:
            browser.close()
