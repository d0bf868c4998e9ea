"""A real browser: Voila serves every explorer and the playground, Chromium drives them to extremes.

One Voila server and one page for the whole module (starting them is most
of the cost). Each test drives one widget through the page as a student
would (keyboard on sliders, typing, clicking) and asserts on what the page
shows: numbers in the readouts, button labels, the axis limits each plot
reports next to the range of its data, and the size of every control.
Screenshots at 1400 and 1024 px wide go to test-artifacts/.

Needs Debian's chromium (root: apt-get install chromium; .ci/run does) and
voila and playwright (the "browser" extra, which `make test` installs).
Without Chromium the tests are skipped with the reason printed.
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
    pytest.skip("Chromium is not installed (needs root: apt-get install chromium; .ci/run does)",
                allow_module_level=True)
pytest.importorskip("voila", reason="voila is not installed (make test installs the browser extra)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs the browser extra)")
nbformat = pytest.importorskip("nbformat")

ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/")
WAIT = 60_000  # ms; the machine may be busy

CELLS = [
    "from micrograd_course.explore import backprop_stepper, derivative_explorer, step_size_explorer, wiggle_explorer\n"
    "from micrograd_course.playground import training_playground\n"
    "from micrograd_course import Value, draw_graph",
    "derivative_explorer()",
    "wiggle_explorer(lambda a, b, c, f: (a * b + c) * f, a=2.0, b=-3.0, c=10.0, f=-2.0)",
    "step_size_explorer()",
    "x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')\n"
    "w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')\n"
    "b = Value(6.8813735870195432, label='b')\n"
    "backprop_stepper((x1 * w1 + x2 * w2 + b).tanh())",
    "training_playground(n_samples=80, hidden='8,8')",
    # A graph about 990 px wide at its natural size: it must be fitted to the page.
    "y = Value(0.5, label='x')\n"
    "for _ in range(2):\n"
    "    y = (y * 0.9).tanh()\n"
    "draw_graph(y)",
]


# An exception in a widget callback reaches the page only as an iopub "error" message on the
# kernel's websocket (JupyterLab puts it in the log console; the widget just stops updating).
KERNEL_ERRORS = []
ERROR_MESSAGE = re.compile(r'"msg_type":\s*"error".*?"ename":\s*"([^"]*)",\s*"evalue":\s*"([^"]*)"', re.S)


def record_kernel_errors(websocket):
    def received(frame):
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        for name, value in ERROR_MESSAGE.findall(text):
            KERNEL_ERRORS.append(f"{name}: {value}")
    websocket.on("framereceived", received)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def voila_server(notebook, state_dir, args=()):
    port = free_port()
    env = dict(os.environ, HOME=str(state_dir), JUPYTER_CONFIG_DIR=str(state_dir / "config"),
               JUPYTER_DATA_DIR=str(state_dir / "data"), JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
               IPYTHONDIR=str(state_dir / "ipython"), MPLCONFIGDIR=str(state_dir / "mpl"))
    log = open(state_dir / "voila.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--Voila.token=", "--Voila.port_retries=0", *args],
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


@contextlib.contextmanager
def voila_page(folder, cells, viewport, ready, args=()):
    """Voila serving a notebook of ``cells`` from ``folder``, open in Chromium; yields the page
    once every selector in ``ready`` is on it. Requests that leave this machine are blocked.
    ``args`` go to voila (e.g. ``["--theme=dark"]``)."""
    notebook = folder / "page.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    ARTIFACTS.mkdir(exist_ok=True)
    with voila_server(notebook, folder, args) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, chromium_sandbox=False)
        try:
            page = browser.new_page(viewport=viewport)
            page.on("websocket", record_kernel_errors)
            page.route("**/*", lambda route: route.continue_() if LOCAL.match(route.request.url)
                       else route.abort())
            page.goto(url, wait_until="domcontentloaded", timeout=WAIT)
            for selector in ready:
                page.wait_for_selector(selector, timeout=WAIT)
            yield page
        finally:
            browser.close()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """One Voila page with every widget, in Chromium at 1400 x 1000."""
    with voila_page(tmp_path_factory.mktemp("voila"), CELLS, {"width": 1400, "height": 1000},
                    [".mgc-playground img.mgc-plot", "svg .node"]) as page:
        yield page


# ---------------------------------------------------------------- reading the page

def text(page, selector):
    return page.locator(selector).first.inner_text().strip()


def plot_fits(page, widget, panel):
    """Assert that the data a plot reports lies within the axis limits it reports."""
    img = page.locator(f".mgc-{widget} img.mgc-plot").first
    limits = [float(v) for v in img.get_attribute(f"data-axes{panel}").split(",")]
    data = [float(v) for v in img.get_attribute(f"data-data{panel}").split(",")]
    x0, x1, y0, y1 = limits
    assert x0 <= data[0] and data[1] <= x1, f"{widget} panel {panel}: x data {data[:2]} outside {limits[:2]}"
    assert y0 <= data[2] and data[3] <= y1, f"{widget} panel {panel}: y data {data[2:]} outside {limits[2:]}"
    return limits, data


def wait_for_change(page, selector, before):
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText.trim() !== old; }",
        arg=[selector, before], timeout=WAIT)


def slide_to_end(page, slider_class, key):
    """Move a slider to one end with the keyboard (Home or End), as a student could."""
    handle = page.locator(f".{slider_class} .noUi-handle").first
    handle.focus()
    page.keyboard.press(key)


def screenshot(page, name):
    """The whole page, not only the window: Voila scrolls inside a container, so grow the window to fit."""
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": size["width"], "height": min(height + 20, 12000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size(size)


CRAMPED = """() => {
    // Controls whose label is cut off, or whose slider track has collapsed to a bare handle.
    const problems = [];
    for (const box of document.querySelectorAll('.widget-inline-hbox')) {
        const label = box.querySelector(':scope > .widget-label');
        if (label && label.offsetParent && label.scrollWidth > label.clientWidth + 1 && label.innerText.trim())
            problems.push('label cut off: ' + label.innerText);
        const track = box.querySelector('.slider-container');
        if (track && track.offsetParent && track.getBoundingClientRect().width < 100)
            problems.push('slider track only ' + Math.round(track.getBoundingClientRect().width)
                          + ' px: ' + (label ? label.innerText : '?'));
        if (label && label.offsetParent && box.getBoundingClientRect().width < label.scrollWidth)
            problems.push('widget narrower than its label: ' + label.innerText);
    }
    for (const select of document.querySelectorAll('.widget-dropdown select')) {
        if (select.offsetParent && select.getBoundingClientRect().width < 60)
            problems.push('dropdown only ' + Math.round(select.getBoundingClientRect().width) + ' px');
    }
    return problems;
}"""

OVERFLOW = """() => {
    // Anything cut off on the right: by the window, or by a box around it that hides or scrolls
    // what sticks out (graph drawings are allowed to scroll, but only when wider than 820 px).
    const out = [];
    for (const e of document.querySelectorAll('.mgc-plot, .widget-inline-hbox, .widget-button, .mgc-graph > svg')) {
        if (!e.offsetParent) continue;
        const right = e.getBoundingClientRect().right;
        if (right > document.documentElement.clientWidth + 1) out.push(e.className + ' leaves the window');
        const scrollable = e.tagName === 'svg' && e.getBoundingClientRect().width > 820;
        for (let a = e.parentElement; a && a !== document.body && !scrollable; a = a.parentElement) {
            const style = getComputedStyle(a);
            if (style.overflowX !== 'visible' && right > a.getBoundingClientRect().right + 1) {
                out.push((e.className.baseVal ?? e.className) + ' cut off by ' + a.className);
                break;
            }
        }
    }
    return out;
}"""


# ---------------------------------------------------------------- the tests

def test_every_widget_is_shown_sharp_and_uncramped_at_1400px(page):
    for name in ("derivative-explorer", "wiggle-explorer", "step-size-explorer", "backprop-stepper", "playground"):
        assert page.locator(f".mgc-{name}").count() == 1, name
    for img in page.locator("img.mgc-plot").all():
        shown = img.evaluate("e => [e.clientWidth, e.naturalWidth]")
        assert shown[1] >= 2 * shown[0] - 1, "plots are sent at twice their size on the page"
    assert page.evaluate(CRAMPED) == []
    assert page.evaluate(OVERFLOW) == []
    screenshot(page, "widgets-1400.png")


def test_a_static_graph_is_fitted_to_the_page(page):
    """A stored drawing is an <img> (see graph.GraphDrawing.html): as wide as the column allows, up to its
    natural size, and never below 0.7 of it; it has alt text."""
    graph = page.locator(".jp-OutputArea-output .mgc-graph > img").last
    width, column, alt = graph.evaluate(
        "e => [e.getBoundingClientRect().width, e.closest('.jp-OutputArea-output').getBoundingClientRect().width, e.alt]")
    assert 0.7 * 989 - 1 <= width <= min(989, column) + 1, (width, column)
    assert alt.startswith("Computation graph of ")


def test_derivative_explorer_at_both_ends_of_h(page):
    readout = ".mgc-derivative-explorer [data-name='verdict']"
    for key, words, h in (("End", "too large", "1.0e+00"), ("Home", "too small", "1.0e-16")):
        slide_to_end(page, "mgc-derivative-explorer-h", key)
        page.wait_for_function(
            "h => document.querySelector(\".mgc-derivative-explorer td[data-name='h']\").innerText.trim() === h",
            arg=h, timeout=WAIT)
        assert words in text(page, readout)
        plot_fits(page, "derivative-explorer", 0)  # both secant points, even x + h = 4 at h = 1
        plot_fits(page, "derivative-explorer", 1)
        page.locator(".mgc-derivative-explorer").screenshot(path=str(ARTIFACTS / f"derivative-h-{key.lower()}.png"))


def test_wiggle_explorer_plot_agrees_with_the_table(page):
    summary = ".mgc-wiggle-explorer td[data-name='output']"
    before = text(page, summary)
    page.locator(".mgc-wiggle-explorer-h-c .noUi-handle").first.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_for_change(page, summary, before)
    page.wait_for_timeout(500)  # let the last key's update land
    h = float(text(page, ".mgc-wiggle-explorer td[data-name='h_c']"))
    assert h > 0
    assert float(text(page, summary)) == pytest.approx((2.0 * -3.0 + 10.0 + h) * -2.0, abs=1e-6)
    assert float(text(page, ".mgc-wiggle-explorer td[data-name='difference']")) == pytest.approx(0.0, abs=1e-6)
    plot_fits(page, "wiggle-explorer", 0)
    page.locator(".mgc-wiggle-explorer").screenshot(path=str(ARTIFACTS / "wiggle.png"))


def test_step_size_explorer_at_the_highest_learning_rate(page):
    verdict = ".mgc-step-size-explorer td[data-name='verdict']"
    assert text(page, ".mgc-step-size-explorer td[data-name='lr']") == "0.05"
    before = text(page, verdict)
    slide_to_end(page, "mgc-step-size-explorer-lr", "End")
    wait_for_change(page, verdict, before)
    assert text(page, verdict) == "diverged"
    assert text(page, ".mgc-step-size-explorer td[data-name='lr']") == "10"
    plot_fits(page, "step-size-explorer", 1)
    page.locator(".mgc-step-size-explorer").screenshot(path=str(ARTIFACTS / "step-size-lr-10.png"))
    plot = page.locator(".mgc-step-size-explorer img.mgc-plot")
    before = plot.get_attribute("src")
    page.locator(".mgc-step-size-explorer-problem button", has_text="MLP").click()
    page.wait_for_function(
        "old => document.querySelector('.mgc-step-size-explorer img.mgc-plot').src !== old",
        arg=before, timeout=WAIT)
    assert text(page, verdict) == "diverged"
    plot_fits(page, "step-size-explorer", 1)
    # The most steps at the largest rate: the loss turns inf, and the plot must redraw
    # (a crash in the redraw left the previous picture up while the table said "diverged").
    before_plot, before_steps = plot.get_attribute("src"), text(page, ".mgc-step-size-explorer td[data-name='steps']")
    slide_to_end(page, "mgc-step-size-explorer-steps", "End")
    wait_for_change(page, ".mgc-step-size-explorer td[data-name='steps']", before_steps)
    assert text(page, ".mgc-step-size-explorer td[data-name='steps']") == "200"
    # the picture of this run: its step axis reaches past the 30 steps of the one before
    page.wait_for_function(
        "() => Number(document.querySelector('.mgc-step-size-explorer img.mgc-plot')"
        ".getAttribute('data-axes1').split(',')[1]) > 31", timeout=WAIT)
    assert plot.get_attribute("src") != before_plot and text(page, verdict) == "diverged"
    plot_fits(page, "step-size-explorer", 1)
    page.locator(".mgc-step-size-explorer").screenshot(path=str(ARTIFACTS / "step-size-mlp-200-steps.png"))


def test_step_size_explorer_at_every_slider_extreme_raises_nothing(page):
    """Both problems, each slider to both ends (keyboard Home/End): the picture follows the table
    every time, and the kernel reports no exception (the lr-10, 200-step MLP run used to crash _draw)."""
    seen = len(KERNEL_ERRORS)
    explorer = ".mgc-step-size-explorer"
    img = f"{explorer} img.mgc-plot"
    ends = {"lr": {"Home": "0.001", "End": "10"}, "steps": {"Home": "1", "End": "200"}}
    moves = [("lr", "End"), ("steps", "End"), ("lr", "Home"), ("steps", "Home"), ("lr", "End"),
             ("steps", "End")]
    for problem in ("1-D function", "MLP on the toy set"):
        page.locator(f"{explorer}-problem button", has_text=problem.split()[0]).click()
        for control, key in moves:
            slide_to_end(page, f"mgc-step-size-explorer-{control}", key)
            lr_label, steps, _ = page.locator(img).get_attribute("data-run").split(",", 2)
            expected = {"lr": lr_label, "steps": steps, control: ends[control][key]}
            run = f"{expected['lr']},{expected['steps']},{problem}"
            try:
                page.wait_for_selector(f'{img}[data-run="{run}"]', timeout=20_000)
            except sync_api.TimeoutError:
                pytest.fail(f"the plot never showed {run}; kernel errors: {KERNEL_ERRORS[seen:]}")
            verdict = page.locator(img).get_attribute("data-verdict")
            assert text(page, f"{explorer} td[data-name='verdict']") == verdict, run
            plot_fits(page, "step-size-explorer", 1)
            if run == "10,200,MLP on the toy set":
                for width in (1400, 1024):
                    page.set_viewport_size({"width": width, "height": 1000})
                    page.wait_for_timeout(300)
                    page.locator(explorer).screenshot(path=str(ARTIFACTS / f"step-size-mlp-lr-10-{width}.png"))
                page.set_viewport_size({"width": 1400, "height": 1000})
    page.wait_for_timeout(500)
    assert KERNEL_ERRORS[seen:] == [], "exceptions in widget callbacks"


def test_backprop_stepper_names_nodes_and_keeps_its_height(page):
    readout = page.locator(".mgc-backprop-stepper-readout")
    height = readout.evaluate("e => e.getBoundingClientRect().height")
    # measured from the stepper's own top: a click may scroll the page (or Voila's scrolling panel)
    page_top = ("e => e.getBoundingClientRect().top"
                " - e.closest('.mgc-backprop-stepper').getBoundingClientRect().top")
    below = page.locator(".mgc-backprop-stepper .mgc-graph").evaluate(page_top)
    for expected in ("n5 = tanh(n4)", "n4 = n3 + b"):
        before = text(page, ".mgc-backprop-stepper [data-name='step']")
        page.locator(".mgc-backprop-stepper-step").click()
        wait_for_change(page, ".mgc-backprop-stepper [data-name='step']", before)
        assert expected in text(page, ".mgc-backprop-stepper [data-name='step']")
        assert readout.evaluate("e => e.getBoundingClientRect().height") == height
        assert page.locator(".mgc-backprop-stepper .mgc-graph").evaluate(page_top) == below  # nothing jumps
    assert "[" not in readout.inner_text()


def test_playground_refuses_an_invalid_entry(page):
    train = page.locator(".mgc-playground-train")
    hidden = page.locator(".mgc-playground-hidden input")
    hidden.fill("16,x")
    page.wait_for_selector(".mgc-playground [data-name='error']", timeout=WAIT)
    assert "like 16,16" in text(page, ".mgc-playground [data-name='error']")
    assert train.is_disabled() and "train" in train.inner_text()
    train.click(force=True)  # a click on the disabled button starts nothing
    page.wait_for_timeout(500)
    assert "train" in train.inner_text() and "pause" not in train.inner_text()
    page.locator(".mgc-playground").screenshot(path=str(ARTIFACTS / "playground-invalid.png"))
    hidden.fill("8,8")
    page.wait_for_selector(".mgc-playground [data-name='state']", timeout=WAIT)
    assert not train.is_disabled()


def test_playground_at_the_highest_learning_rate_says_diverged(page):
    slide_to_end(page, "mgc-playground-lr", "End")
    page.wait_for_function(
        "() => document.querySelector('.mgc-playground-lr .widget-readout').innerText.trim() === '10.0'",
        timeout=WAIT)
    page.locator(".mgc-playground-activation select").select_option("tanh")
    page.wait_for_function(
        "() => document.querySelector(\".mgc-playground [data-name='steps']\").innerText.trim() === '0'",
        timeout=WAIT)
    train = page.locator(".mgc-playground-train")
    train.click()
    page.wait_for_function(
        "() => document.querySelector(\".mgc-playground [data-name='state']\").innerText.startsWith('diverged')",
        timeout=WAIT)
    page.wait_for_function(
        "() => document.querySelector('.mgc-playground-train').innerText.includes('train')", timeout=WAIT)
    limits, data = plot_fits(page, "playground", 1)
    assert data[3] > 1.0  # the losses rose above the first view's range, and the axis followed them
    plot_fits(page, "playground", 0)
    page.locator(".mgc-playground").screenshot(path=str(ARTIFACTS / "playground-diverged.png"))


def test_narrow_window_keeps_every_control_usable(page):
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.wait_for_timeout(500)
    assert page.evaluate(CRAMPED) == []
    assert page.evaluate(OVERFLOW) == []
    screenshot(page, "widgets-1024.png")
    # JupyterLab with the file browser open leaves about 900 px for the notebook.
    page.set_viewport_size({"width": 900, "height": 1000})
    page.wait_for_timeout(500)
    assert page.evaluate(CRAMPED) == []
    assert page.evaluate(OVERFLOW) == []
    screenshot(page, "widgets-900.png")
